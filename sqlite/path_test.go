package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
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

// TestMigrateRefusesAnotherProgramsDatabase: Migrate makes linkfin's schema in a new or
// empty database, or brings linkfin's up to date, but does not write it among another
// program's tables (a --db naming the wrong file): that database is left as it was.
func TestMigrateRefusesAnotherProgramsDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.db")
	other, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('hello')`); err != nil {
		t.Fatal(err)
	}
	other.Close()
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Migrate(context.Background())
	tables, terr := db.Tables(context.Background())
	db.Close()
	if err == nil || !strings.Contains(err.Error(), path+" is another program's database (its tables: notes), not linkfin's") {
		t.Errorf("Migrate of another program's database: %v", err)
	}
	if terr != nil || len(tables) != 1 || tables["notes"] != 1 {
		t.Errorf("the database was changed: %v, %v", tables, terr)
	}
	// A linkfin database, once made, is brought up to date as before.
	path = filepath.Join(t.TempDir(), "linkfin.db")
	for range 2 {
		db, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
}
