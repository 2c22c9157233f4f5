package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"linkfin"
	"linkfin/sqlite"
	"linkfin/storetest"
)

func open(t *testing.T) linkfin.Store {
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

func TestConformance(t *testing.T) { storetest.Run(t, open) }
