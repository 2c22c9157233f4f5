//go:build unix

package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"linkfin/sqlite"
)

// pathNames are the file names TestPathCharacters opens: each holds a character a
// file: URI gives a meaning to.
var pathNames = []string{"a#b.db", "c?d=e.db", "f%41g.db", "h i.db", "j:k.db"}

// TestNewFileOwnerOnly: a database Open makes is its owner's alone, as is its
// journal, whatever made it (a server, a benchmark's --db, a simulation): SQLite
// alone would make it 0644 less the umask, for every user of the machine to read.
func TestNewFileOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "new.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{path, path + "-wal"} {
		if fi, err := os.Stat(name); err != nil {
			t.Error(err)
		} else if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want -rw-------", filepath.Base(name), fi.Mode())
		}
	}
}
