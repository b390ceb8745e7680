//go:build unix

package source

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// fileKey identifies the file or folder at path, following links: by
// device and inode where the system has them, so that a file reached by
// two paths (through a linked folder) is read once; else by absolute path.
func fileKey(path string) string {
	if info, err := os.Stat(path); err == nil {
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			return fmt.Sprintf("%d:%d", st.Dev, st.Ino)
		}
	}
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}
