package source

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// hasMeta reports whether path holds a glob metacharacter: *, ? or [.
func hasMeta(path string) bool {
	return strings.ContainsAny(path, "*?[")
}

// expandGlob returns, sorted, the files and folders that pattern matches.
// Its syntax is filepath.Match's, per path segment, and a segment "**"
// matches any number of folders (none included): exports/**/*.json,
// exports/*/2025/*.avro. Hidden files and folders match only a segment
// that starts with a dot. A pattern that matches nothing, or that is
// malformed, is an error naming it.
func expandGlob(pattern string) ([]string, error) {
	clean := filepath.ToSlash(filepath.Clean(pattern))
	root := "."
	rest := clean
	if strings.HasPrefix(clean, "/") {
		root, rest = "/", clean[1:]
	} else if vol := filepath.VolumeName(pattern); vol != "" {
		root, rest = vol+"/", strings.TrimPrefix(clean[len(vol):], "/")
	}
	segs := strings.Split(rest, "/")
	for _, s := range segs {
		if _, err := filepath.Match(s, ""); err != nil {
			return nil, fmt.Errorf("pattern %q: %v", pattern, err)
		}
	}
	var out []string
	seen := map[string]bool{}
	// walked holds the folders "**" has walked, by identity and the
	// segments left, so that a link to a folder above is walked once.
	walked := map[string]bool{}
	var match func(dir string, segs []string)
	join := func(dir, name string) string {
		if dir == "." {
			return name
		}
		return filepath.Join(dir, name)
	}
	match = func(dir string, segs []string) {
		if len(segs) == 0 {
			if !seen[dir] {
				seen[dir] = true
				out = append(out, dir)
			}
			return
		}
		seg := segs[0]
		switch {
		case seg == "**":
			key := fileKey(dir) + "\x00" + strconv.Itoa(len(segs))
			if walked[key] {
				return
			}
			walked[key] = true
			match(dir, segs[1:])
			entries, err := os.ReadDir(dir)
			if err != nil {
				return
			}
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), ".") {
					continue
				}
				p := join(dir, e.Name())
				if st, err := os.Stat(p); err == nil && st.IsDir() {
					match(p, segs)
				}
			}
		case !hasMeta(seg):
			p := join(dir, seg)
			if _, err := os.Lstat(p); err == nil {
				match(p, segs[1:])
			}
		default:
			entries, err := os.ReadDir(dir)
			if err != nil {
				return
			}
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), ".") && !strings.HasPrefix(seg, ".") {
					continue
				}
				if ok, _ := filepath.Match(seg, e.Name()); ok {
					match(join(dir, e.Name()), segs[1:])
				}
			}
		}
	}
	match(root, segs)
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no file matches the pattern", pattern)
	}
	slices.Sort(out)
	return out, nil
}
