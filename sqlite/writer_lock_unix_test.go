//go:build unix

package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"linkfin/sqlite"
)

// TestWriterLockFileMode: the lock file beside the database is its owner's alone.
// (Windows keeps no Unix permission bits: the file takes its directory's ACL.)
func TestWriterLockFileMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "linkfin.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	release, err := db.LockWriter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	fi, err := os.Stat(path + "-writer.lock")
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode&^0o600 != 0 {
		t.Fatalf("lock file mode %v, want at most 0600", mode)
	}
}
