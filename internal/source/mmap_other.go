//go:build !linux

package source

import "os"

// mapFile maps files on Linux only; elsewhere files are read.
func mapFile(*os.File, int64) []byte { return nil }

func unmapFile([]byte) {}

func releaseMapped([]byte) {}
