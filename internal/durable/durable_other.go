//go:build !windows

package durable

import "os"

// Sync flushes a file's contents, or a directory's entries, to the disk: a new file
// survives a crash only once both it and its directory are flushed.
func Sync(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
