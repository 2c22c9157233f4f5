package main

import (
	"io/fs"
	"os"
	"testing"
)

// wantMode fails t unless the file or directory at path is there. Windows keeps no
// permission bits (a file is its owner's alone by its directory's access control
// list), so want is not checked.
func wantMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("%s: %v; want mode %v", path, err, want)
	}
}
