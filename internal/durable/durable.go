// Package durable flushes what a command wrote outside a database to the disk.
package durable

import "os"

// syncOpened opens path with flag, flushes it and closes it.
func syncOpened(path string, flag int) error {
	f, err := os.OpenFile(path, flag, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
