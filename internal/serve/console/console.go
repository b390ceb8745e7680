// Package console holds the assets of kqlhunt serve's web console: one
// HTML page, its style sheet and its scripts, written by hand and
// embedded in the binary, so that `go build` alone builds the console and
// the page fetches nothing beyond the server that serves it.
// docs/serve.md ("The console") describes the console for users.
package console

import (
	"embed"
	"io/fs"
)

//go:embed assets
var files embed.FS

// Assets returns the console's files: index.html, console.css and the
// scripts (ES modules) it loads from /assets/.
func Assets() fs.FS {
	sub, err := fs.Sub(files, "assets")
	if err != nil {
		panic(err) // the embedded folder is always there
	}
	return sub
}
