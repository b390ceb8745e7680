package alerts

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// openLog opens the append-only log of JSON lines at path, creating it,
// and returns its complete lines. A last line without its newline (a
// write that a crash cut short, which was never acknowledged) is cut
// off the file.
func openLog(path string) (*os.File, [][]byte, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, err
	}
	data, err := io.ReadAll(f)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	good := bytes.LastIndexByte(data, '\n') + 1
	if good < len(data) {
		if err := f.Truncate(int64(good)); err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("%s: cutting off a partial last line: %w", path, err)
		}
	}
	if _, err := f.Seek(int64(good), io.SeekStart); err != nil {
		f.Close()
		return nil, nil, err
	}
	var lines [][]byte
	for _, l := range bytes.Split(data[:good], []byte("\n")) {
		if len(bytes.TrimSpace(l)) > 0 {
			lines = append(lines, l)
		}
	}
	return f, lines, nil
}

// appendSync writes b at the end of f and syncs it. On error it cuts
// off what it wrote, so that the next line starts on a line of its own.
func appendSync(f *os.File, b []byte) error {
	off, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		f.Truncate(off)
		f.Seek(off, io.SeekStart)
	}
	return err
}
