package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"slices"
	"strconv"
	"strings"
)

// A segment of the write-ahead log is a file wal/NNNNNNNNNNNNNNNN.wal of
// framed records, each
//
//	length  uint32, little endian: the bytes of payload
//	crc     uint32, little endian: CRC-32C (Castagnoli) of payload
//	payload JSON of one batch (walRecord)
//
// appended and fsynced before the batch is acknowledged.

const (
	frameHeader = 8
	// maxFrame bounds the length a frame header may claim; a longer one
	// is corruption.
	maxFrame = 1 << 30
	walExt   = ".wal"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// appendFrame appends the frame of payload to b.
func appendFrame(b, payload []byte) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(payload)))
	b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(payload, castagnoli))
	return append(b, payload...)
}

// segmentName returns the file name of segment n.
func segmentName(n uint64) string { return fmt.Sprintf("%016d%s", n, walExt) }

// listSegments returns the numbers of the segments in dir, in order.
func listSegments(dir string) ([]uint64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var ns []uint64
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, walExt) {
			continue
		}
		n, err := strconv.ParseUint(strings.TrimSuffix(name, walExt), 10, 64)
		if err != nil {
			continue
		}
		ns = append(ns, n)
	}
	slices.Sort(ns)
	return ns, nil
}

// CorruptError is a damaged record in the middle of the write-ahead log:
// acknowledged batches may follow it, so the store refuses to open rather
// than drop them.
type CorruptError struct {
	File   string
	Offset int64
	Reason string
	// Following is how many bytes follow the damaged record.
	Following int64
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("%s: the record at byte %d is corrupt (%s) and %d bytes follow it: acknowledged batches may be in them, so the store does not open; move the file out of the store to start without it", e.File, e.Offset, e.Reason, e.Following)
}

// Truncation is a torn tail cut at recovery: the end of the last segment
// that a crash left half-written (never acknowledged).
type Truncation struct {
	File   string
	Offset int64
	Bytes  int64
	Reason string
}

func (t Truncation) String() string {
	return fmt.Sprintf("%s: cut a torn record at byte %d (%d bytes: %s), a write that a crash interrupted before it was acknowledged", t.File, t.Offset, t.Bytes, t.Reason)
}

// readSegment calls fn with the payload of every record of the segment
// at path. A damaged end is a torn tail when last (the segment being
// written when the process stopped) and nothing but the damaged record
// (or zeros) follows; it is then returned as a Truncation at its offset,
// for the caller to cut. Any other damage is a *CorruptError.
func readSegment(path string, last bool, fn func(payload []byte) error) (*Truncation, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	size := int64(len(data))
	var off int64
	for off < size {
		rest := data[off:]
		torn := func(reason string) (*Truncation, error) {
			if last {
				return &Truncation{File: path, Offset: off, Bytes: size - off, Reason: reason}, nil
			}
			return nil, &CorruptError{File: path, Offset: off, Reason: reason + " in a sealed segment", Following: 0}
		}
		if allZero(rest) {
			return torn("zeros")
		}
		if len(rest) < frameHeader {
			return torn("a frame header cut short")
		}
		n := int64(binary.LittleEndian.Uint32(rest))
		sum := binary.LittleEndian.Uint32(rest[4:])
		if n > maxFrame {
			if last && n > int64(len(rest)-frameHeader) {
				// A header whose length is garbage: nothing after it
				// can be framed, so it is the tail.
				return torn(fmt.Sprintf("a frame length of %d bytes", n))
			}
			return nil, &CorruptError{File: path, Offset: off, Reason: fmt.Sprintf("a frame length of %d bytes", n), Following: size - off}
		}
		if frameHeader+n > int64(len(rest)) {
			return torn(fmt.Sprintf("a frame of %d bytes cut short at %d", n, len(rest)-frameHeader))
		}
		payload := rest[frameHeader : frameHeader+n]
		if crc32.Checksum(payload, castagnoli) != sum {
			following := int64(len(rest)) - frameHeader - n
			if following == 0 || allZero(rest[frameHeader+n:]) {
				return torn("checksum mismatch in the last record")
			}
			return nil, &CorruptError{File: path, Offset: off, Reason: "checksum mismatch", Following: following}
		}
		if err := fn(payload); err != nil {
			return nil, fmt.Errorf("%s: the record at byte %d: %w", path, off, err)
		}
		off += frameHeader + n
	}
	return nil, nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// truncateFile cuts the file at path to size bytes, durably.
func truncateFile(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	err = f.Truncate(size)
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}
