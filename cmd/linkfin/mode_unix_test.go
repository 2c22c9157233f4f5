//go:build unix

package main

import (
	"io/fs"
	"os"
	"testing"
)

// wantMode fails t unless the file or directory at path is there with the
// permission bits want.
func wantMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	if fi, err := os.Stat(path); err != nil {
		t.Errorf("%s: %v; want mode %v", path, err, want)
	} else if fi.Mode().Perm() != want {
		t.Errorf("%s: %v; want mode %v", path, fi.Mode(), want)
	}
}
