// Package pgtest gives tests a PostgreSQL schema of their own, on the server named by
// LINKFIN_TEST_POSTGRES_URL (.ci/run starts one and sets it).
package pgtest

import (
	"context"
	"crypto/rand"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Env is the variable that names the test server.
const Env = "LINKFIN_TEST_POSTGRES_URL"

// URL is the test server's URL, or "" when there is none.
func URL() string { return os.Getenv(Env) }

// Skip skips tb when there is no test server, and returns its URL otherwise.
func Skip(tb testing.TB) string {
	tb.Helper()
	u := URL()
	if u == "" {
		tb.Skip(Env + " is not set; skipping the PostgreSQL run (see .ci/run)")
	}
	return u
}

// Schema creates an empty schema of tb's own on the server at base, dropped when tb
// ends, and returns base with its search_path set to it.
func Schema(tb testing.TB, base string) string {
	tb.Helper()
	ctx := context.Background()
	schema := "lf_test_" + strings.ToLower(rand.Text())
	exec := func(sql string) error {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	if err := exec(`CREATE SCHEMA ` + schema); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			tb.Error(err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
