package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"

	sqlitedriver "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"linkfin"
	"linkfin/sqlite"
)

// wantUnavailable fails the test unless err is linkfin's EUNAVAILABLE, which the API
// answers 503, with SQLite's error of the primary code under it for the log and for
// errors.As.
func wantUnavailable(t *testing.T, what string, err error, code int) {
	t.Helper()
	if got := linkfin.ErrorCode(err); got != linkfin.EUNAVAILABLE {
		t.Fatalf("%s: code %q (%v), want %q", what, got, err, linkfin.EUNAVAILABLE)
	}
	var se *sqlitedriver.Error
	if !errors.As(err, &se) || se.Code()&0xff != code {
		t.Fatalf("%s: %v, want SQLite's error %d under it", what, err, code)
	}
}

// openStore opens a migrated store at a path of its own, whose read pool has not yet
// opened a connection.
func openStore(t *testing.T) (*sqlite.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "linkfin.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db, path
}

// TestUnavailableTableDropped: a read of a table dropped under a running store (or a
// file made again without it) is unavailable, as is a write to it.
func TestUnavailableTableDropped(t *testing.T) {
	ctx := context.Background()
	db, _ := openStore(t)
	if err := db.SetMeta(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"meta", "objects", "accounts", "events"} {
		if err := db.Exec(ctx, `DROP TABLE `+table); err != nil {
			t.Fatal(err)
		}
	}
	_, err := db.Meta(ctx, "k")
	wantUnavailable(t, "a row of a table dropped", err, sqlite3.SQLITE_ERROR)
	_, err = db.Object(ctx, "organization", "nobody")
	wantUnavailable(t, "a record of a table dropped", err, sqlite3.SQLITE_ERROR)
	_, err = db.ListObjects(ctx, "organization", "", 10)
	wantUnavailable(t, "a list of a table dropped", err, sqlite3.SQLITE_ERROR)
	_, err = db.Account(ctx, 1)
	wantUnavailable(t, "an account of a table dropped", err, sqlite3.SQLITE_ERROR)
	_, err = db.Events(ctx, 0, 10)
	wantUnavailable(t, "the log of a table dropped", err, sqlite3.SQLITE_ERROR)
	_, err = db.Head(ctx)
	wantUnavailable(t, "the head of a table dropped", err, sqlite3.SQLITE_ERROR)
	snap, err := db.Snapshot(ctx)
	if err == nil {
		snap.Close()
	}
	wantUnavailable(t, "a snapshot of a table dropped", err, sqlite3.SQLITE_ERROR)
	wantUnavailable(t, "a write to a table dropped", db.SetMeta(ctx, "k", "w"), sqlite3.SQLITE_ERROR)
}

// TestUnavailableFile: a read of a database whose file cannot be opened any more (a
// directory now stands under its name) or is no database (its header overwritten) is
// unavailable, SQLite's SQLITE_CANTOPEN or SQLITE_NOTADB under it.
func TestUnavailableFile(t *testing.T) {
	ctx := context.Background()
	db, path := openStore(t)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := db.ListObjects(ctx, "organization", "", 10)
	wantUnavailable(t, "a list of a file that cannot be opened", err, sqlite3.SQLITE_CANTOPEN)

	// The header is read from the file once the log is in it and empty.
	db, path = openStore(t)
	if err := db.Exec(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(make([]byte, 100), 0); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = db.Meta(ctx, "k")
	wantUnavailable(t, "a row of a file that is no database", err, sqlite3.SQLITE_NOTADB)
}

// TestUnavailableBusy: a write that waits past the busy timeout for the lock another
// process holds is unavailable, SQLite's SQLITE_BUSY under it. (In WAL mode a read
// waits for no writer.)
func TestUnavailableBusy(t *testing.T) {
	ctx := context.Background()
	db, path := openStore(t)
	if err := db.ShortBusyTimeout(ctx, 100); err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	c, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, q := range []string{`BEGIN IMMEDIATE`,
		`INSERT INTO meta (key, value) VALUES ('other', 'x')`} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	defer c.ExecContext(ctx, `ROLLBACK`)
	wantUnavailable(t, "a write past the busy timeout", db.SetMeta(ctx, "k", "v"), sqlite3.SQLITE_BUSY)
	if _, err := db.Meta(ctx, "k"); err != nil {
		t.Fatalf("a read while another process writes: %v", err)
	}
}

// TestUnavailableOwnFaults: what is linkfin's own fault (a constraint broken, SQL
// SQLite cannot parse, a column no table has) stays internal, and a record not there
// not_found.
func TestUnavailableOwnFaults(t *testing.T) {
	ctx := context.Background()
	db, _ := openStore(t)
	if _, err := db.Object(ctx, "organization", "nobody"); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		t.Fatalf("Object of no record: %v, want %s", err, linkfin.ENOTFOUND)
	}
	for _, q := range []string{`INSERT INTO meta (key, value) VALUES (NULL, NULL)`, `SELEC 1`,
		`SELECT no_such_column FROM meta`} {
		err := sqlite.Unavailable(db.Exec(ctx, q))
		var se *sqlitedriver.Error
		if !errors.As(err, &se) || linkfin.ErrorCode(err) != linkfin.EINTERNAL {
			t.Fatalf("%s: code %q (%v), want SQLite's error, %s", q, linkfin.ErrorCode(err), err, linkfin.EINTERNAL)
		}
	}
}
