package source

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/hamba/avro/v2"
	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/zstd"
)

// Event Hub Capture writes Avro object container files
// (namespace/hub/partition/yyyy/MM/dd/HH/mm/ss.avro) whose records are
// {SequenceNumber, Offset, EnqueuedTimeUtc, SystemProperties, Properties,
// Body}; a Body holds the message sent to the hub, for Defender's
// streaming API a JSON document {"records": [...]}.
//
// ocfReader reads the container's framing (the header, then blocks of
// records, each ended by the file's sync marker) itself, so that memory
// is bounded by the largest block (at most maxLine bytes, compressed or
// not) and every problem has its block and record; the Avro library
// (hamba/avro) parses the schema and decodes the records.

// errHeaderCut is the error for an Avro header that the data ends in.
var errHeaderCut = errors.New("the Avro header is cut short")

// avroMagic starts an Avro object container file.
const avroMagic = "Obj\x01"

// captureRecord is the part of an Event Hub Capture record that kqlhunt
// reads; the other fields of the schema are skipped.
type captureRecord struct {
	Body []byte `avro:"Body"`
}

// avroConfig bounds what one value may allocate.
var avroConfig = avro.Config{MaxByteSliceSize: MaxRecordSize, MaxSliceAllocSize: MaxRecordSize}.Freeze()

// ocfReader reads the records of an Avro object container file.
type ocfReader struct {
	br     *bufio.Reader
	schema avro.Schema
	codec  string
	sync   [16]byte
	zstd   *zstd.Decoder

	block  []byte        // the decompressed records of the current block
	dec    *avro.Decoder // decodes block
	left   int64         // records of the block not yet decoded
	blockN int64         // the current block, from 1
	record int64         // records decoded so far, in the file
	failed bool
}

// newOCFReader reads the header of the container file that r reads: its
// magic number, metadata (schema and codec) and sync marker.
func newOCFReader(r io.Reader) (*ocfReader, error) {
	o := &ocfReader{br: bufio.NewReaderSize(r, 64<<10)}
	var magic [4]byte
	if _, err := io.ReadFull(o.br, magic[:]); err != nil || string(magic[:]) != avroMagic {
		return nil, errors.New("not an Avro object container file: no magic number Obj\\x01")
	}
	meta := map[string][]byte{}
	for {
		n, err := o.long()
		if err != nil {
			return nil, errHeaderCut
		}
		if n == 0 {
			break
		}
		if n < 0 {
			n = -n
			if _, err := o.long(); err != nil { // the block's size in bytes
				return nil, errHeaderCut
			}
		}
		if n > 1<<16 {
			return nil, fmt.Errorf("corrupt Avro header: %d metadata entries", n)
		}
		for range n {
			k, err := o.bytes(1 << 20)
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, errHeaderCut
			}
			if err != nil {
				return nil, fmt.Errorf("corrupt Avro header: %w", err)
			}
			v, err := o.bytes(16 << 20)
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, errHeaderCut
			}
			if err != nil {
				return nil, fmt.Errorf("corrupt Avro header: %w", err)
			}
			meta[string(k)] = v
		}
	}
	if _, err := io.ReadFull(o.br, o.sync[:]); err != nil {
		return nil, errHeaderCut
	}
	s, err := avro.ParseWithCache(string(meta["avro.schema"]), "", &avro.SchemaCache{})
	if err != nil {
		return nil, fmt.Errorf("the Avro header's schema: %w", err)
	}
	rec, ok := s.(*avro.RecordSchema)
	body := false
	if ok {
		for _, f := range rec.Fields() {
			if f.Name() == "Body" {
				body = f.Type().Type() == avro.Bytes || unionWithBytes(f.Type())
			}
		}
	}
	if !body {
		return nil, fmt.Errorf("not an Event Hub Capture file: its records have no Body of bytes (schema %s)", quote(meta["avro.schema"]))
	}
	o.schema = s
	o.codec = string(meta["avro.codec"])
	switch o.codec {
	case "", "null", "deflate", "snappy", "bzip2":
	case "zstandard":
		o.zstd, err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(uint64(maxLine)))
		if err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("the Avro codec %q is not supported (null, deflate, snappy, zstandard, bzip2 are)", o.codec)
	}
	return o, nil
}

// unionWithBytes tells whether t is a union of null and bytes.
func unionWithBytes(t avro.Schema) bool {
	u, ok := t.(*avro.UnionSchema)
	if !ok {
		return false
	}
	for _, m := range u.Types() {
		if m.Type() == avro.Bytes {
			return true
		}
	}
	return false
}

func (o *ocfReader) close() {
	if o.zstd != nil {
		o.zstd.Close()
		o.zstd = nil
	}
}

// long reads a zig-zag varint.
func (o *ocfReader) long() (int64, error) {
	u, err := binary.ReadUvarint(o.br)
	if err != nil {
		if err == io.EOF {
			return 0, err
		}
		return 0, unexpected(err)
	}
	return int64(u>>1) ^ -int64(u&1), nil
}

// bytes reads a length and that many bytes, at most limit.
func (o *ocfReader) bytes(limit int64) ([]byte, error) {
	n, err := o.long()
	if err != nil {
		return nil, unexpected(err)
	}
	if n < 0 || n > limit {
		return nil, fmt.Errorf("a length of %d bytes", n)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(o.br, b); err != nil {
		return nil, unexpected(err)
	}
	return b, nil
}

// unexpected turns the end of the data into io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// next returns the Body of the next record, and the record's number in
// the file (from 1). It returns io.EOF at the end of the file; any other
// error ends the reading (the rest of the file cannot be framed).
func (o *ocfReader) next() ([]byte, int64, error) {
	if o.failed {
		return nil, o.record, io.EOF
	}
	for o.left == 0 {
		if err := o.readBlock(); err != nil {
			o.failed = true
			return nil, o.record + 1, err
		}
	}
	o.left--
	o.record++
	var rec captureRecord
	if err := o.dec.Decode(&rec); err != nil {
		o.failed = true
		return nil, o.record, fmt.Errorf("block %d: corrupt Avro record: %v", o.blockN, err)
	}
	return rec.Body, o.record, nil
}

// readBlock reads the next block and decompresses it.
func (o *ocfReader) readBlock() error {
	if _, err := o.br.Peek(1); err == io.EOF {
		return io.EOF
	}
	o.blockN++
	count, err := o.long()
	if err != nil {
		return fmt.Errorf("block %d: the file is cut short in a block header", o.blockN)
	}
	size, err := o.long()
	if err != nil {
		return fmt.Errorf("block %d: the file is cut short in a block header", o.blockN)
	}
	if count < 0 || size < 0 || size > int64(maxLine) {
		return fmt.Errorf("block %d: corrupt block header (%d records in %d bytes; blocks of at most %d bytes are read)", o.blockN, count, size, maxLine)
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(o.br, data); err != nil {
		return fmt.Errorf("block %d: the file is cut short in the block's data", o.blockN)
	}
	var sync [16]byte
	if _, err := io.ReadFull(o.br, sync[:]); err != nil {
		return fmt.Errorf("block %d: the file is cut short before the block's sync marker", o.blockN)
	}
	if sync != o.sync {
		return fmt.Errorf("block %d: the sync marker after the block is wrong: the file is corrupt", o.blockN)
	}
	data, err = o.decompress(data)
	if err != nil {
		return fmt.Errorf("block %d: %s block: %v", o.blockN, o.codec, err)
	}
	o.block, o.left = data, count
	o.dec = avroConfig.NewDecoder(o.schema, bytes.NewReader(data))
	return nil
}

// errTooLarge is the error for a block larger than maxLine decompressed.
var errTooLarge = errors.New("decompressed larger than the limit")

// decompress decompresses a block by the file's codec, to at most maxLine
// bytes.
func (o *ocfReader) decompress(data []byte) ([]byte, error) {
	limited := func(r io.Reader) ([]byte, error) {
		b, err := io.ReadAll(io.LimitReader(r, int64(maxLine)+1))
		if err == nil && len(b) > maxLine {
			err = errTooLarge
		}
		return b, err
	}
	switch o.codec {
	case "deflate":
		return limited(flate.NewReader(bytes.NewReader(data)))
	case "bzip2":
		return limited(bzip2.NewReader(bytes.NewReader(data)))
	case "snappy":
		if len(data) < 4 {
			return nil, errors.New("no checksum")
		}
		n, err := s2.DecodedLen(data[:len(data)-4])
		if err != nil {
			return nil, err
		}
		if n > maxLine {
			return nil, errTooLarge
		}
		out, err := s2.Decode(nil, data[:len(data)-4])
		if err != nil {
			return nil, err
		}
		if crc32.ChecksumIEEE(out) != binary.BigEndian.Uint32(data[len(data)-4:]) {
			return nil, errors.New("checksum mismatch")
		}
		return out, nil
	case "zstandard":
		return o.zstd.DecodeAll(data, nil)
	}
	return data, nil
}

// avroReader reads the rows of an Event Hub Capture file: the JSON
// document in each record's Body is read as a docReader reads a file, and
// its problems are placed at FILE:record N[:LINE:COL], the line and column
// in the Body.
type avroReader struct {
	rc  *dataReader
	ocf *ocfReader
	err error // from the header
	dec *objDecoder
	w   *rowWriter
	doc *docReader // the current record's Body
}

func newAvroReader(rc *dataReader, dec *objDecoder) *avroReader {
	r := &avroReader{rc: rc, dec: dec, w: dec.w}
	r.ocf, r.err = newOCFReader(rc)
	return r
}

func (r *avroReader) close() error {
	if r.ocf != nil {
		r.ocf.close()
	}
	r.w.record = 0
	return r.rc.Close()
}

func (r *avroReader) read(max int) error {
	w := r.w
	if r.err != nil {
		w.record = 0
		w.skip(&DataError{File: w.file, Reason: r.err.Error() + "; the file is not read"})
		r.err = nil
		r.ocf = nil
		if w.err != nil {
			return w.err
		}
		return io.EOF
	}
	if r.ocf == nil {
		return io.EOF
	}
	for w.batch.N < max {
		if r.doc == nil {
			body, n, err := r.ocf.next()
			if err == io.EOF {
				return io.EOF
			}
			w.record = n
			if err != nil {
				w.skip(&DataError{File: w.file, Reason: err.Error() + "; the rest of the file is skipped"})
				if w.err != nil {
					return w.err
				}
				return io.EOF
			}
			if len(bytes.TrimSpace(body)) == 0 {
				w.skip(&DataError{File: w.file, Reason: "the record's Body is empty"})
				if w.err != nil {
					return w.err
				}
				continue
			}
			r.doc = &docReader{walk: newDocWalker(bytes.NewReader(body)), dec: r.dec, w: w}
		}
		err := r.doc.read(max)
		if err == io.EOF {
			r.doc = nil
			continue
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// avroBodies calls fn with the Body of each record of the Event Hub
// Capture file that r reads, up to the first problem, which it returns
// placed at its record (the scans report it too).
func avroBodies(path string, r io.Reader, fn func(body []byte, record int64)) *DataError {
	o, err := newOCFReader(r)
	if err != nil {
		return &DataError{File: path, Reason: err.Error() + "; the file is not read"}
	}
	defer o.close()
	for {
		body, n, err := o.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return &DataError{File: path, Record: n, Reason: err.Error() + "; the rest of the file is skipped"}
		}
		fn(body, n)
	}
}
