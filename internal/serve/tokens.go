package serve

import (
	"bufio"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"os"
	"strings"
)

// Tokens are the bearer tokens of a tokens file, one per line:
// `TOKEN SCOPE[,SCOPE...]`; blank lines and lines starting with # are
// left out.
type Tokens struct {
	entries []tokenEntry
}

type tokenEntry struct {
	// sum is the token's SHA-256: tokens are compared in constant time,
	// over digests of equal length.
	sum    [sha256.Size]byte
	scopes Scopes
}

// Scopes is a set of scopes.
type Scopes map[Scope]bool

// Allows reports whether the scopes grant want; admin grants every scope.
func (s Scopes) Allows(want Scope) bool { return s[want] || s[ScopeAdmin] }

// LoadTokens reads a tokens file.
func LoadTokens(path string) (*Tokens, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--tokens: %v", err)
	}
	defer f.Close()
	t := &Tokens{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Fields(text)
		if len(fields) != 2 {
			return nil, fmt.Errorf("%s:%d: expected TOKEN SCOPE[,SCOPE...], got %d fields", path, line, len(fields))
		}
		e := tokenEntry{sum: sha256.Sum256([]byte(fields[0])), scopes: Scopes{}}
		for _, sc := range strings.Split(fields[1], ",") {
			switch s := Scope(sc); s {
			case ScopeRead, ScopeIngest, ScopeAdmin:
				e.scopes[s] = true
			default:
				return nil, fmt.Errorf("%s:%d: unknown scope %q, expected read, ingest or admin", path, line, sc)
			}
		}
		t.entries = append(t.entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--tokens: %v", err)
	}
	if len(t.entries) == 0 {
		return nil, fmt.Errorf("--tokens %s: no token in the file", path)
	}
	return t, nil
}

// Check returns the scopes of the token of an Authorization header
// (`Bearer TOKEN`), and false when it names no known token. Every entry
// is compared, in constant time, whatever matches.
func (t *Tokens) Check(header string) (Scopes, bool) {
	tok, ok := strings.CutPrefix(header, "Bearer ")
	if !ok || tok == "" {
		return nil, false
	}
	sum := sha256.Sum256([]byte(tok))
	var found Scopes
	for _, e := range t.entries {
		if subtle.ConstantTimeCompare(sum[:], e.sum[:]) == 1 {
			found = e.scopes
		}
	}
	return found, found != nil
}
