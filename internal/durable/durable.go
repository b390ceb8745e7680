// Package durable writes files so that a crash, at any instant, leaves
// either their old content or their new one: the server's store, its
// scheduler state, alerts and ledgers, and convert's Parquet files go
// through it. It imports nothing of the module.
package durable

import (
	"errors"
	"os"
	"path/filepath"
)

// WriteFile replaces the file at path with data durably: it writes a
// hidden temporary file beside it, syncs it, renames it over path and
// syncs the folder.
func WriteFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	err = errors.Join(err, f.Close())
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return SyncDir(dir)
}

// SyncDir fsyncs the folder dir, making the creation, renaming and
// removal of its entries durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}
