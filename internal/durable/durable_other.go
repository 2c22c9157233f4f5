//go:build !windows

package durable

import "os"

// Sync flushes a file's contents, or a directory's entries, to the disk: a new file
// survives a crash only once both it and its directory are flushed.
func Sync(path string) error { return syncOpened(path, os.O_RDONLY) }
