package durable

import "os"

// Sync flushes a file's contents to the disk. Windows flushes a file only through a
// handle that may write it (FlushFileBuffers), so the file is opened to write; it has
// no flush of a directory's entries, so a directory is left as it is (NTFS journals
// them).
func Sync(path string) error {
	fi, err := os.Stat(path)
	if err != nil || fi.IsDir() {
		return err
	}
	return syncOpened(path, os.O_WRONLY)
}
