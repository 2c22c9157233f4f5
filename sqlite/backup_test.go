package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"linkfin/sqlite"
	"linkfin/sqlite/sqlitetest"
)

// Backup writes a database that opens with the same rows; a file already at the path
// is refused and left as it was; a copy that fails leaves no file.
func TestBackup(t *testing.T) {
	ctx := context.Background()
	db := sqlitetest.Open(t)
	if err := db.SetMeta(ctx, "note", "kept"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "copy.db")
	if err := db.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	c, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if v, err := c.Meta(ctx, "note"); err != nil || v != "kept" {
		t.Errorf("the copy's meta: %q, %v", v, err)
	}

	there := filepath.Join(dir, "there.db")
	os.WriteFile(there, []byte("mine"), 0o600)
	if err := db.Backup(ctx, there); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("onto a file: %v", err)
	}
	if b, _ := os.ReadFile(there); string(b) != "mine" {
		t.Errorf("the file there now holds %q", b)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	failed := filepath.Join(dir, "failed.db")
	if err := db.Backup(cancelled, failed); err == nil {
		t.Error("a cancelled backup succeeded")
	}
	if _, err := os.Stat(failed); !os.IsNotExist(err) {
		t.Errorf("a failed backup left its file (%v)", err)
	}
}
