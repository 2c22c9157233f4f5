package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"

	"linkfin/internal/durable"
)

// Backup writes a copy of the database to a new file at path: every table as of one
// moment, the last commit before it began, while the engine goes on writing (SQLite's
// VACUUM INTO, in a read transaction of its own). The copy is flushed to the disk,
// and its directory with it, before Backup returns; a file already at path is an
// error, and is left as it was. A copy cut short is removed.
func (db *DB) Backup(ctx context.Context, path string) (err error) {
	// The file is made here, empty (which VACUUM INTO writes into), so that it is this
	// backup's own to remove if the copy fails.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("backup: %s already exists", path)
	} else if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	f.Close()
	defer func() {
		if err != nil {
			os.Remove(path)
		}
	}()
	// A connection of its own: the readers' are query-only, which VACUUM INTO is not,
	// and the writer's is the engine's.
	c, err := sql.Open("sqlite", "file:"+(&url.URL{Path: db.path}).EscapedPath()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer c.Close()
	c.SetMaxOpenConns(1)
	if _, err := c.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := durable.Sync(path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := durable.Sync(filepath.Dir(path)); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}
