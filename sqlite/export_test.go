package sqlite

import (
	"context"
	"database/sql"
	"strconv"
)

// Statements of the ordered index, for the tests of their query plans.
const (
	DeleteIndexRows = deleteIndexRows
	IndexRowsByKey  = indexRowsByKey
	ListIndexed     = listIndexed
)

// Strings runs a query on the writer and returns the first column of each row.
func (db *DB) Strings(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := db.w.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// QueryPlan returns the details of a query's plan (EXPLAIN QUERY PLAN), one a step.
func (db *DB) QueryPlan(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := db.w.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return nil, err
		}
		out = append(out, detail)
	}
	return out, rows.Err()
}

// SetRestartFrames sets the size of the write-ahead log, in frames, past which the
// checkpointer resets it.
func SetRestartFrames(db *DB, n int) { db.restartFrames.Store(int64(n)) }

// WALFrames checkpoints what it can and returns the frames in the write-ahead log.
func WALFrames(ctx context.Context, db *DB) (int, error) {
	var busy, frames, done int
	err := db.ck.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &done)
	return frames, err
}

// SetMaxPages bounds the database's pages on the writer's connection (PRAGMA
// max_page_count): a write past it fails as on a full disk, SQLITE_FULL.
func SetMaxPages(ctx context.Context, db *DB, n int) error {
	_, err := db.w.ExecContext(ctx, `PRAGMA max_page_count = `+strconv.Itoa(n))
	return err
}

// PageCount returns the database's pages.
func PageCount(ctx context.Context, db *DB) (int, error) {
	var n int
	err := db.w.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&n)
	return n, err
}

// ShortBusyTimeout makes the store wait ms milliseconds, not ten seconds, for a lock
// another connection holds: the writer's one connection and the read pool, which it
// bounds to one connection for the setting to hold for every read.
func (db *DB) ShortBusyTimeout(ctx context.Context, ms int) error {
	db.r.SetMaxOpenConns(1)
	for _, c := range []interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	}{db.w, db.r} {
		if _, err := c.ExecContext(ctx, `PRAGMA busy_timeout = `+strconv.Itoa(ms)); err != nil {
			return err
		}
	}
	return nil
}

// Unavailable is unavailable, for the tests of what it marks.
var Unavailable = unavailable
