package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"linkfin"
	"linkfin/sim"
)

// simDatabase runs a small network's month of conditional payments through the engine
// on SQLite and returns the database's path: certificates passed down, financings,
// distributor loans, pledges, e-CNY wallets with funds locked and the ordered index's
// totals (not saved answers: the simulator sends no requests).
func simDatabase(t *testing.T) string {
	t.Helper()
	sc, _ := sim.ScenarioNamed("conditional_payments")
	dir := t.TempDir()
	cfg := sim.Config{Seed: 5, Firms: 24, Days: 30, Params: sim.DefaultParams(), Scenarios: []sim.Scenario{sc}, DBDir: dir}
	if _, err := sim.Simulate(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, sc.Name+".db")
}

// contents reads every table of linkfin's schema in a SQLite file, object_totals too
// (the totals of something), each as its rows printed and sorted.
func contents(t *testing.T, path string) map[string][]string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string][]string{}
	for _, table := range append(slices.Clone(linkfin.CopiedTables), "object_totals") {
		q := `SELECT * FROM ` + table
		if table == "object_totals" {
			q += ` WHERE count > 0` // a value no entry holds any more keeps a total of nothing, which no reader reads
		}
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			row := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range row {
				ptrs[i] = &row[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out[table] = append(out[table], fmt.Sprintf("%#v", row))
		}
		rows.Close()
		slices.Sort(out[table])
	}
	return out
}

// sameContents fails the test where two SQLite files' tables differ.
func sameContents(t *testing.T, a, b map[string][]string) {
	t.Helper()
	for table, rows := range a {
		if !slices.Equal(rows, b[table]) {
			t.Errorf("table %s: %d rows, the copy's %d, not the same", table, len(rows), len(b[table]))
		}
	}
}

// TestCopy: linkfin copy moves a database, every table of it, into a new SQLite file
// and into an empty PostgreSQL schema and back, and each copy verifies; the rows come
// back the same, the ordered index's totals summed again in each store's own form.
func TestCopy(t *testing.T) {
	isolate(t)
	src := simDatabase(t)
	want := contents(t, src)
	for _, table := range []string{"events", "transfers", "pending_transfers", "objects", "object_index", "object_totals", "record_events", "object_parties"} {
		if len(want[table]) == 0 {
			t.Fatalf("the simulated database has no rows in %s", table)
		}
	}
	dir := t.TempDir()
	into := filepath.Join(dir, "copy.db")
	code, stdout, stderr := cli(t, "copy", "--db", src, "--to", into)
	if code != 0 || !strings.Contains(stdout, "copied "+src+" into "+into+": ") || !strings.Contains(stdout, "\nOK: ") {
		t.Fatalf("copy into SQLite: exit %d\n%s%s", code, stdout, stderr)
	}
	sameContents(t, want, contents(t, into))
	wantMode(t, into, 0o600)

	if code, _, stderr := cli(t, "copy", "--db", src, "--to", into); code != 1 || !strings.Contains(stderr, into+" already exists") {
		t.Errorf("into an existing file: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := cli(t, "copy", "--db", src, "--to", src); code != 1 || !strings.Contains(stderr, "--to names the database copied from") {
		t.Errorf("into itself: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := cli(t, "copy", "--db", src); code != 2 || !strings.Contains(stderr, "--to is required") {
		t.Errorf("without --to: exit %d\n%s", code, stderr)
	}

	url := postgresURL(t)
	if url == "" {
		t.Log("no PostgreSQL (LINKFIN_TEST_POSTGRES_URL): the copy into PostgreSQL and back is not run")
		return
	}
	code, stdout, stderr = cli(t, "copy", "--db", src, "--to", url)
	if code != 0 || !strings.Contains(stdout, "\nOK: ") {
		t.Fatalf("copy into PostgreSQL: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := cli(t, "copy", "--db", into, "--to", url); code != 1 || !strings.Contains(stderr, "the database to copy into is not empty") {
		t.Errorf("into a PostgreSQL schema with rows: exit %d\n%s", code, stderr)
	}
	back := filepath.Join(dir, "back.db")
	code, stdout, stderr = cli(t, "copy", "--db", url, "--to", back)
	if code != 0 || !strings.Contains(stdout, "\nOK: ") {
		t.Fatalf("copy from PostgreSQL: exit %d\n%s%s", code, stdout, stderr)
	}
	sameContents(t, want, contents(t, back))
}

// TestCopyServes: a server's database is copied once the server stops (while it runs,
// the copy is refused), and a server started on the copy, with the same data
// directory's keys, answers with the same operator key and writes on, signed by the
// same log key.
func TestCopyServes(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	s := serve(t, "--data", dir, "--demo", "--schedule-every", "0")
	op := regexp.MustCompile(`(?m)^  export OPERATOR_KEY=(lfk_\S+)$`).FindStringSubmatch(s.stdout.String())
	if op == nil {
		t.Fatalf("no operator key:\n%s", s.stdout)
	}
	// A request under an idempotency key, whose answer is saved.
	s.want("POST", "/v1/organizations", op[1], `{"id":"before","name":"Before the move","capabilities":["trade"]}`, http.StatusCreated)
	into := filepath.Join(t.TempDir(), "copy.db")
	if url := postgresURL(t); url != "" {
		into = url
	}
	code, _, stderr := cli(t, "copy", "--data", dir, "--to", into)
	if code != 1 || !strings.Contains(stderr, "(writer_locked): stop the server first") {
		t.Fatalf("copy of a running server's database: exit %d\n%s", code, stderr)
	}
	if code := s.stop(); code != 0 {
		t.Fatalf("serve: exit %d\n%s", code, s.stderr)
	}
	if code, stdout, stderr := cli(t, "copy", "--data", dir, "--to", into); code != 0 || !strings.Contains(stdout, "\nOK: ") ||
		!regexp.MustCompile(`records: +\d+ records, [1-9]\d* saved answers`).MatchString(stdout) {
		t.Fatalf("copy: exit %d\n%s%s", code, stdout, stderr)
	}
	r := serve(t, "--data", dir, "--db", into, "--schedule-every", "0")
	r.want("GET", "/v1/organizations/anchor", op[1], "", http.StatusOK)
	r.want("POST", "/v1/organizations", op[1], `{"id":"moved","name":"After the move","capabilities":["trade"]}`, http.StatusCreated)
	if code := r.stop(); code != 0 {
		t.Fatalf("serve on the copy: exit %d\n%s", code, r.stderr)
	}
	if code, stdout, _ := cli(t, "verify", "--data", dir, "--db", into); code != 0 || !strings.Contains(stdout, "\nOK: ") {
		t.Fatalf("verify of the copy after a server wrote on it: exit %d\n%s", code, stdout)
	}
}
