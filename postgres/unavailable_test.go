package postgres_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"linkfin"
	"linkfin/postgres"
)

// TestUnavailable checks that a read the database fails for no fault of the request's
// (a statement cancelled by statement_timeout, privileges revoked, a table dropped)
// answers linkfin's EUNAVAILABLE, which the API answers 503, and not an internal error,
// which it answers 500; that the driver's error is still there for the log; and that a
// record that is not there is still not_found.
func TestUnavailable(t *testing.T) {
	ctx := context.Background()
	db, u := openSchemaURL(t)
	if err := db.SetMeta(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Object(ctx, "organization", "nobody"); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		t.Fatalf("Object of no record: %v, want %s", err, linkfin.ENOTFOUND)
	}
	want := func(what string, err error, sqlstate string) {
		t.Helper()
		if code := linkfin.ErrorCode(err); code != linkfin.EUNAVAILABLE {
			t.Fatalf("%s: code %q (%v), want %q", what, code, err, linkfin.EUNAVAILABLE)
		}
		var pg *pgconn.PgError
		if !errors.As(err, &pg) || pg.Code != sqlstate {
			t.Fatalf("%s: %v, want the driver's error of SQLSTATE %s under it", what, err, sqlstate)
		}
	}

	// A read that waits on a lock longer than statement_timeout is cancelled (57014).
	slow, err := postgres.Open(ctx, u+"&statement_timeout=200")
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	locker, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close(ctx)
	tx, err := locker.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `LOCK TABLE objects, meta IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	_, err = slow.ListObjects(ctx, "organization", "", 10)
	want("a list past statement_timeout", err, "57014")
	_, err = slow.Meta(ctx, "k")
	want("a row past statement_timeout", err, "57014")
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}

	// linkfin's user denied its own table (42501), then the table gone (42P01).
	if err := db.Exec(ctx, `REVOKE ALL ON objects FROM CURRENT_USER`); err != nil {
		t.Fatal(err)
	}
	_, err = db.Object(ctx, "organization", "nobody")
	want("a record without the privilege to read it", err, "42501")
	if err := db.Exec(ctx, `DROP TABLE meta`); err != nil {
		t.Fatal(err)
	}
	_, err = db.Meta(ctx, "k")
	want("a table dropped", err, "42P01")
	want("a write to a table dropped", db.SetMeta(ctx, "k", "w"), "42P01")
}
