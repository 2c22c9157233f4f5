package postgres

import (
	"context"
	"errors"
	"io"
	"net"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"linkfin"
)

// unavailable returns err marked as EUNAVAILABLE when it is the database's failure
// rather than the request's or linkfin's, and err unchanged otherwise: the server
// cannot be reached or closed the connection (a restart, a network fault), refuses a
// connection (too many, starting up or shutting down, the database dropped, the
// login refused), cancelled the statement (statement_timeout, an operator's
// pg_cancel_backend), ran out of a resource (disk, memory), is a read-only standby,
// or denies linkfin's user its tables (privileges revoked, the schema dropped or made
// again without them). Such a failure ends when the database is back as it was, so
// the request may be sent again then; linkfin's own faults stay internal.
func unavailable(err error) error {
	if err == nil || errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	if isUnavailable(err) {
		return linkfin.Unavailable(err)
	}
	return err
}

func isUnavailable(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code[:2] {
		case "08", // connection exception
			"28", // invalid authorization: the login refused
			"3D", // invalid catalog name: the database dropped
			"3F", // invalid schema name: the schema dropped
			"53", // insufficient resources: disk full, too many connections
			"57", // operator intervention: statement_timeout, shutdown, starting up
			"58": // system error: I/O
			return true
		}
		switch pg.Code {
		case "25006", // read_only_sql_transaction: a standby, or read-only by default
			"42501", // insufficient_privilege
			"42P01": // undefined_table: the schema made again without linkfin's tables
			return true
		}
		return false
	}
	if errors.Is(err, context.Canceled) {
		return false // the caller went away: nothing failed
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || pgconn.Timeout(err) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || pgconn.SafeToRetry(err)
}

// checked runs queries on q and marks the database's failures as unavailable: every
// read of the store goes through one (reader).
type checked struct{ q querier }

func (c checked) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	rows, err := c.q.Query(ctx, sql, args...)
	if err != nil {
		return nil, unavailable(err)
	}
	return checkedRows{rows}, nil
}

func (c checked) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return checkedRow{c.q.QueryRow(ctx, sql, args...)}
}

// checkedRows marks the failures of reading rows, which surface in Scan and Err.
type checkedRows struct{ pgx.Rows }

func (r checkedRows) Scan(dest ...any) error { return unavailable(r.Rows.Scan(dest...)) }
func (r checkedRows) Err() error             { return unavailable(r.Rows.Err()) }

// checkedRow marks the failures of reading a row.
type checkedRow struct{ pgx.Row }

func (r checkedRow) Scan(dest ...any) error { return unavailable(r.Row.Scan(dest...)) }
