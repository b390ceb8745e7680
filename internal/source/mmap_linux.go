package source

import (
	"os"
	"syscall"
)

// mapFile maps the whole of f, a regular file of size bytes, read-only,
// or returns nil when it cannot (the file is then read). A parallel scan
// of JSON lines slices its chunks from the mapping instead of copying the
// file into buffers: the bytes are read by the decoders themselves, on
// every core, without a system call per megabyte.
func mapFile(f *os.File, size int64) []byte {
	if size <= 0 || int64(int(size)) != size {
		return nil
	}
	m, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil
	}
	// The kernel reads ahead generously for a sequential pass.
	_ = syscall.Madvise(m, syscall.MADV_SEQUENTIAL)
	return m
}

// unmapFile releases a mapping of mapFile.
func unmapFile(m []byte) { _ = syscall.Munmap(m) }

// releaseMapped tells the kernel that the pages of m (a page-aligned
// part of a mapping) are not needed any more, so that they stop counting
// in the process's resident memory (the page cache keeps them).
func releaseMapped(m []byte) { _ = syscall.Madvise(m, syscall.MADV_DONTNEED) }
