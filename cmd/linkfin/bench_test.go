package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestBenchHTTPHelp(t *testing.T) {
	isolate(t)
	code, stdout, stderr := cli(t, "bench", "http", "--help")
	if code != 0 || stderr != "" || !strings.HasPrefix(stdout, "Usage: linkfin bench http ") ||
		!strings.Contains(stdout, "bare net/http handler") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, f := range []string{"-db", "-transfers", "-accounts", "-clients", "-hot", "-json", "-cpuprofile"} {
		if !regexp.MustCompile(`(?m)^  ` + f + `[ \t\n]`).MatchString(stdout) {
			t.Errorf("usage lacks %s:\n%s", f, stdout)
		}
	}
	for _, d := range []string{"(default 32)", "(default 200)"} {
		if !strings.Contains(stdout, d) {
			t.Errorf("usage lacks %s:\n%s", d, stdout)
		}
	}
	if code, stdout, _ := cli(t, "bench", "--help"); code != 0 || !strings.Contains(stdout, "ledger|http|api|console") ||
		!strings.Contains(stdout, `Run "linkfin bench ledger --help" (or http, api, console) for a benchmark's flags.`) {
		t.Errorf("bench --help: exit %d, %s", code, stdout)
	}
	// A count a benchmark cannot run with is a usage error, said once under the
	// benchmark's name with the flag's, before anything runs.
	for _, tc := range []struct{ args, want string }{
		{"ledger --transfers 0", "linkfin bench ledger: --transfers is 1 or more, not 0\n"},
		{"ledger --accounts 1", "linkfin bench ledger: --accounts is 2 or more, not 1\n"},
		{"ledger --clients -1", "linkfin bench ledger: --clients is 0 or more, not -1\n"},
		{"http --clients 0", "linkfin bench http: --clients is 1 or more, not 0\n"},
		{"api --preload -1", "linkfin bench api: --preload is 0 or more, not -1\n"},
		{"console --renders 0", "linkfin bench console: --renders is 1 or more, not 0\n"},
	} {
		code, stdout, stderr = cli(t, append([]string{"bench"}, strings.Fields(tc.args)...)...)
		name, _, _ := strings.Cut(tc.args, " ")
		if code != 2 || stdout != "" || stderr != tc.want+"Run \"linkfin bench "+name+" --help\" for its flags.\n" {
			t.Errorf("bench %s: exit %d\nstdout:\n%s\nstderr:\n%s", tc.args, code, stdout, stderr)
		}
	}
}

// TestBenchHTTPJSON runs a tiny benchmark: --json prints one object with the figures
// and nothing else.
func TestBenchHTTPJSON(t *testing.T) {
	isolate(t)
	code, stdout, stderr := cli(t, "bench", "http", "--transfers", "40", "--accounts", "5", "--clients", "2", "--hot", "--json")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	var res map[string]any
	dec := json.NewDecoder(strings.NewReader(stdout))
	if err := dec.Decode(&res); err != nil || dec.More() || strings.Count(stdout, "\n") != 1 {
		t.Fatalf("stdout is not one JSON object (%v):\n%s", err, stdout)
	}
	for k, want := range map[string]any{"store": "sqlite", "transfers": 40.0, "bare_requests": 40.0, "accounts": 5.0, "clients": 2.0, "hot": true} {
		if res[k] != want {
			t.Errorf("%s = %v, want %v", k, res[k], want)
		}
	}
	for _, k := range []string{"transfers_per_second", "bare_requests_per_second", "ratio", "p50_ms", "p99_ms"} {
		if v, ok := res[k].(float64); !ok || v <= 0 {
			t.Errorf("%s = %v", k, res[k])
		}
	}
}

// TestBenchRefusesADatabaseInUse: bench ledger --db on a database that holds a log
// (a server's) is refused, exit 1, and the database is left as it was, as its help
// says.
func TestBenchRefusesADatabaseInUse(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	if code, stdout, stderr := cli(t, "keys", "create", "--local", "--data", dir, "--role", "operator"); code != 0 {
		t.Fatalf("keys create --local: exit %d\n%s%s", code, stdout, stderr)
	}
	db := filepath.Join(dir, "linkfin.db")
	code, stdout, stderr := cli(t, "bench", "ledger", "--db", db, "--transfers", "10", "--accounts", "2")
	if code != 1 || !strings.Contains(stderr, "linkfin bench: the database is not empty; give it an empty database") {
		t.Fatalf("bench ledger on a database in use: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if code, stdout, stderr := cli(t, "verify", "--data", dir); code != 0 || !strings.Contains(stdout, "log:         1 events") {
		t.Fatalf("the database after bench: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}
