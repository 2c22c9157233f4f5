package main

import (
	"context"
	"crypto/rand"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"linkfin/client"
	"linkfin/tlog"
)

// plusKey returns a log signing key whose base64 key data holds a '+', as about half
// of all keys do, and its verifier key.
func plusKey(t *testing.T) (skey, vkey string) {
	t.Helper()
	for range 200 {
		skey, vkey, err := tlog.GenerateKey(Origin)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Count(skey, "+") > 4 {
			return skey, vkey
		}
	}
	t.Fatal("no key with a '+' in 200")
	return "", ""
}

// postgresURL returns the URL of a schema of its own on the server of
// LINKFIN_TEST_POSTGRES_URL, dropped when the test ends, or "" without one.
func postgresURL(t *testing.T) string {
	t.Helper()
	base := os.Getenv("LINKFIN_TEST_POSTGRES_URL")
	if base == "" {
		return ""
	}
	ctx := context.Background()
	schema := "lf_cmd_" + strings.ToLower(rand.Text())
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Error(err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// TestNewDatabaseBesideKey starts new databases, SQLite and PostgreSQL, in a data
// directory that already holds the log's signing key: each is signed with that key.
func TestNewDatabaseBesideKey(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	skey, vkey := plusKey(t)
	keyFile := filepath.Join(dir, "log.key")
	if err := os.WriteFile(keyFile, []byte(skey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dbs := []string{filepath.Join(dir, "linkfin.db"), filepath.Join(dir, "other.db")}
	if pg := postgresURL(t); pg != "" {
		dbs = append(dbs, pg)
	} else {
		t.Log("LINKFIN_TEST_POSTGRES_URL is not set: SQLite only")
	}
	for _, db := range dbs {
		code, stdout, stderr := cli(t, "keys", "create", "--local", "--data", dir, "--db", db, "--role", "operator")
		if code != 0 || decodeOut[client.APIKey](t, stdout).Role != "operator" {
			t.Fatalf("keys create --local --db %s beside a key: exit %d\n%s%s", db, code, stdout, stderr)
		}
		code, stdout, stderr = cli(t, "verify", "--data", dir, "--db", db)
		if code != 0 || !strings.Contains(stdout, "signed by:   "+vkey+"\n") || !strings.Contains(stdout, "\nOK: ") {
			t.Fatalf("verify --db %s: exit %d\n%s%s", db, code, stdout, stderr)
		}
	}
	// serve starts a new database beside the key too.
	s := serve(t, "--data", dir, "--db", filepath.Join(dir, "third.db"))
	if s.key == "" {
		t.Fatalf("no operator key:\n%s", s.stdout)
	}
	if code := s.stop(); code != 0 {
		t.Fatalf("serve: exit %d\n%s", code, s.stderr)
	}
	if b, err := os.ReadFile(keyFile); err != nil || string(b) != skey+"\n" {
		t.Fatalf("the key file changed: %q, %v", b, err)
	}

	// A key error names the file and says how to recover.
	for _, tc := range []struct {
		name, key string
		want      []string
	}{
		{"damaged", "PRIVATE+KEY+linkfin+0000", []string{keyFile, "does not hold a log signing key", "restore it from a backup"}},
		{"another", "", []string{keyFile, "signed by " + vkey, "restore the log.key of this database"}},
		{"missing", "-", []string{keyFile, "its private key is not in", "copy the log.key of this database back"}},
	} {
		switch tc.key {
		case "":
			other, _, err := tlog.GenerateKey(Origin)
			if err != nil {
				t.Fatal(err)
			}
			tc.key = other
		case "-":
			if err := os.Remove(keyFile); err != nil {
				t.Fatal(err)
			}
		}
		if tc.key != "-" {
			if err := os.WriteFile(keyFile, []byte(tc.key+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		code, stdout, stderr := cli(t, "keys", "create", "--local", "--data", dir, "--role", "operator")
		if code != 1 || stdout != "" {
			t.Fatalf("%s key: exit %d\n%s%s", tc.name, code, stdout, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%s key: stderr lacks %q:\n%s", tc.name, w, stderr)
			}
		}
	}
}

// TestReadOnlyCreatesNothing runs verify, which only reads, on databases that are not
// there: each is an error, exit 1, and nothing is created.
func TestReadOnlyCreatesNothing(t *testing.T) {
	isolate(t)
	tmp := t.TempDir()
	notLinkfin := filepath.Join(tmp, "empty.db")
	if err := os.WriteFile(notLinkfin, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"verify", "--data", filepath.Join(tmp, "TYPO")}, "no database at " + filepath.Join(tmp, "TYPO", "linkfin.db")},
		{[]string{"verify"}, "no database at " + filepath.Join(os.Getenv("XDG_DATA_HOME"), "linkfin", "linkfin.db")},
		{[]string{"verify", "--data", tmp, "--db", filepath.Join(tmp, "missing.db")}, "no database at "},
		{[]string{"verify", "--data", tmp, "--db", filepath.Join(tmp, "no", "dir", "x.db")}, "no database at "},
		{[]string{"verify", "--data", tmp, "--db", tmp}, "no database at " + tmp},
		{[]string{"verify", "--data", tmp, "--db", notLinkfin}, notLinkfin + " holds no linkfin database"},
	} {
		code, stdout, stderr := cli(t, tc.args...)
		if code != 1 || stdout != "" || !strings.HasPrefix(stderr, "linkfin verify: ") || !strings.Contains(stderr, tc.want) ||
			!strings.Contains(stderr, "check --data and --db") {
			t.Errorf("linkfin %q: exit %d, want 1 and %q\nstdout:\n%s\nstderr:\n%s", tc.args, code, tc.want, stdout, stderr)
		}
	}
	entries, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "empty.db" && !strings.HasPrefix(e.Name(), "empty.db-") {
			t.Errorf("verify created %s", e.Name())
		}
	}
	if fi, err := os.Stat(notLinkfin); err != nil || fi.Size() != 0 {
		t.Errorf("verify wrote into a file that is not a linkfin database: %v, %v", fi, err)
	}
	if _, err := os.Stat(os.Getenv("XDG_DATA_HOME")); !os.IsNotExist(err) {
		t.Errorf("verify created the default data directory: %v", err)
	}

	// An empty PostgreSQL schema gets no tables.
	pg := postgresURL(t)
	if pg == "" {
		t.Skip("LINKFIN_TEST_POSTGRES_URL is not set: no PostgreSQL check")
	}
	code, stdout, stderr := cli(t, "verify", "--data", tmp, "--db", pg)
	if code != 1 || stdout != "" || !strings.Contains(stderr, "holds no linkfin database") || strings.Contains(stderr, "linkfin_ci:linkfin_ci@") {
		t.Fatalf("verify of an empty schema: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	u, _ := url.Parse(pg)
	conn, err := pgx.Connect(context.Background(), os.Getenv("LINKFIN_TEST_POSTGRES_URL"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var tables int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM information_schema.tables WHERE table_schema = $1`,
		u.Query().Get("search_path")).Scan(&tables); err != nil || tables != 0 {
		t.Fatalf("verify made %d tables in an empty schema (%v)", tables, err)
	}
}
