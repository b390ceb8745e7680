package serve

import (
	"fmt"
	"io/fs"
	"net/http"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/serve/console"
)

// consolePart is the web console: GET / and its embedded assets under
// /assets/ (package console). The assets need no token: they hold no
// data, and the page sends the token the user types with its API calls.
// Unlike the other parts it has nothing to open or close: its files are
// in the binary.
type consolePart struct{}

// consoleCSP lets the page load only from the server itself: no script,
// style, font or connection elsewhere, no inline script.
const consoleCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func (p *consolePart) routes() []route {
	assets := console.Assets()
	files := http.FileServerFS(assets)
	return []route{
		{pattern: "GET /{$}", handler: func(w http.ResponseWriter, r *http.Request) {
			consoleHeaders(w)
			http.ServeFileFS(w, r, assets, "index.html")
		}},
		{pattern: "GET /assets/{file...}", handler: func(w http.ResponseWriter, r *http.Request) {
			name := r.PathValue("file")
			// Files only: no listing of the folder, no index.html redirect.
			if name == "" || strings.HasSuffix(name, "/") || name == "index.html" || !fs.ValidPath(name) {
				writeError(w, http.StatusNotFound, fmt.Sprintf("no such asset %q", name))
				return
			}
			if st, err := fs.Stat(assets, name); err != nil || st.IsDir() {
				writeError(w, http.StatusNotFound, fmt.Sprintf("no such asset %q", name))
				return
			}
			consoleHeaders(w)
			r2 := r.Clone(r.Context())
			r2.URL.Path = "/" + name
			files.ServeHTTP(w, r2)
		}},
	}
}

func consoleHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", consoleCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	// The assets change with the binary, which sets no modification
	// time: the browser asks again each time.
	h.Set("Cache-Control", "no-cache")
}
