package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"linkfin/sqlite"
)

// TestPathCharacters: a database opens at the path it is given, whatever characters
// the path holds, not at a path cut short at a '?' or '#' or decoded at a '%'.
func TestPathCharacters(t *testing.T) {
	dir := t.TempDir()
	for _, name := range pathNames {
		path := filepath.Join(dir, name)
		db, err := sqlite.Open(path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := db.Migrate(context.Background()); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		db.Close()
		if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
			t.Errorf("%s: no database at its path (%v)", name, err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		switch filepath.Ext(e.Name()) {
		case ".db", ".db-wal", ".db-shm":
		default:
			t.Errorf("a file at a path not asked for: %s", e.Name())
		}
	}
}
