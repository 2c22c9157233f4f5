// Package sqlitetest opens fresh embedded stores for tests.
package sqlitetest

import (
	"context"
	"path/filepath"
	"testing"

	"linkfin/sqlite"
)

// Open opens a migrated SQLite store in a temporary directory of the test, closed when
// the test ends.
func Open(t testing.TB) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "linkfin.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}
