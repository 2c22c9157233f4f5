package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	sqlitedriver "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"linkfin"
)

// unavailable returns err marked as EUNAVAILABLE when it is the database's failure
// rather than the request's or linkfin's, and err unchanged otherwise (see
// isUnavailable).
func unavailable(err error) error {
	if err == nil {
		return nil
	}
	if isUnavailable(err) {
		return linkfin.Unavailable(err)
	}
	return err
}

// isUnavailable reports whether err is SQLite's failure of the database itself: a
// lock another process holds past the busy timeout (SQLITE_BUSY, SQLITE_LOCKED,
// SQLITE_PROTOCOL), the file system failing a read or a write (SQLITE_IOERR), no room
// on the disk or in memory (SQLITE_FULL, SQLITE_NOMEM), the file or its directory
// that cannot be opened, written or locked (SQLITE_CANTOPEN, SQLITE_PERM,
// SQLITE_READONLY: its mode or the file system changed), a file damaged or replaced
// by one that is no database (SQLITE_CORRUPT, SQLITE_NOTADB), the schema changed
// under a statement (SQLITE_SCHEMA), or a table of linkfin's gone from the file (a
// table dropped, or the file made again without it). Such a failure is the
// operator's to mend or to wait out; a constraint, a type mismatch, an error in SQL
// or its use stays linkfin's own fault, internal.
func isUnavailable(err error) bool {
	var se *sqlitedriver.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_PROTOCOL,
		sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL, sqlite3.SQLITE_NOMEM,
		sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_READONLY,
		sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_SCHEMA:
		return true
	case sqlite3.SQLITE_ERROR:
		// A generic code: SQLite tells a table missing from the file only in words.
		return strings.Contains(se.Error(), "no such table: ")
	}
	return false
}

// querier is a connection pool or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// checked runs queries on q and marks the database's failures as unavailable: every
// read of the store goes through one, or through checkedRows and checkedRow.
type checked struct{ q querier }

func (c checked) QueryContext(ctx context.Context, query string, args ...any) (checkedRows, error) {
	rows, err := c.q.QueryContext(ctx, query, args...)
	if err != nil {
		return checkedRows{}, unavailable(err)
	}
	return checkedRows{rows}, nil
}

func (c checked) QueryRowContext(ctx context.Context, query string, args ...any) checkedRow {
	return checkedRow{c.q.QueryRowContext(ctx, query, args...)}
}

// checkedRows marks the failures of reading rows, which surface in Scan and Err.
type checkedRows struct{ *sql.Rows }

func (r checkedRows) Scan(dest ...any) error { return unavailable(r.Rows.Scan(dest...)) }
func (r checkedRows) Err() error             { return unavailable(r.Rows.Err()) }

// checkedRow marks the failures of reading a row.
type checkedRow struct{ *sql.Row }

func (r checkedRow) Scan(dest ...any) error { return unavailable(r.Row.Scan(dest...)) }
