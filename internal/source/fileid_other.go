//go:build !unix

package source

import "path/filepath"

// fileKey identifies the file or folder at path by its absolute path.
func fileKey(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}
