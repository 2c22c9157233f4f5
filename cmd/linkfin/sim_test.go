package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// linkfin sim prints the same JSON for the same seed, a progress bar on stderr, the
// table without --json, and writes an HTML report with its charts; it refuses a
// scenario it does not know.
func TestSimCommand(t *testing.T) {
	isolate(t)
	args := []string{"sim", "--firms", "40", "--days", "90", "--seed", "5", "--scenario", "none,certificates", "--json"}
	code, a, stderr := cli(t, args...)
	if code != 0 || !strings.Contains(stderr, "simulating") || !strings.Contains(stderr, "100%") {
		t.Fatalf("exit %d\nstderr:\n%s", code, stderr)
	}
	var rep struct {
		Seed      uint64 `json:"seed"`
		Firms     int    `json:"firms"`
		Days      int    `json:"days"`
		Scenarios []struct {
			Name  string            `json:"name"`
			Tiers []json.RawMessage `json:"tiers"`
		} `json:"scenarios"`
	}
	if err := json.Unmarshal([]byte(a), &rep); err != nil || rep.Seed != 5 || rep.Firms != 40 || rep.Days != 90 ||
		len(rep.Scenarios) != 2 || rep.Scenarios[1].Name != "certificates" || len(rep.Scenarios[1].Tiers) != 4 {
		t.Fatalf("%v: %s", err, a)
	}
	if _, b, _ := cli(t, append(args, "--quiet")...); b != a {
		t.Fatalf("the same seed printed other JSON:\n%s\n%s", a, b)
	}
	// Through the engine on temporary SQLite databases: the same bytes, and nothing left.
	if code, b, stderr := cli(t, append(args, "--quiet", "--db")...); code != 0 || b != a {
		t.Fatalf("--db: exit %d, %s\n%s\nin memory:\n%s", code, stderr, b, a)
	}
	if left, _ := filepath.Glob(filepath.Join(os.Getenv("TMPDIR"), "linkfin-sim-*")); len(left) != 0 {
		t.Fatalf("--db left %v", left)
	}
	// Each command held to what it names: the same bytes.
	if code, b, stderr := cli(t, append(args, "--quiet", "--check-keys")...); code != 0 || b != a {
		t.Fatalf("--check-keys: exit %d, %s\n%s\nwithout:\n%s", code, stderr, b, a)
	}
	dir := t.TempDir()
	code, table, _ := cli(t, "sim", "--firms", "40", "--days", "90", "--scenario", "none", "--quiet", "--out", dir)
	if code != 0 || !strings.Contains(table, "days to cash") {
		t.Fatalf("exit %d:\n%s", code, table)
	}
	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil || strings.Count(string(html), "<svg") < 3 {
		t.Fatalf("%v: %s", err, html)
	}
	// An --out that cannot be made is said before the run, in words.
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = cli(t, "sim", "--firms", "40", "--days", "90", "--scenario", "none", "--out", file)
	if want := "cannot make the report's directory " + file; code != 1 || !strings.Contains(stderr, want) || strings.Contains(stderr, "simulating") {
		t.Fatalf("--out a file: exit %d, want %q before the run:\n%s", code, want, stderr)
	}
	for _, bad := range [][]string{{"--scenario", "cheap_money"}, {"--firms", "11"}, {"--days", "0"}} {
		if code, _, stderr := cli(t, append([]string{"sim"}, bad...)...); code != 2 || !strings.HasPrefix(stderr, "linkfin sim: "+bad[0]) {
			t.Fatalf("%v: exit %d: %s", bad, code, stderr)
		}
	}
}

// TestInterrupted: a command stopped by a signal (its context ended) before it was
// done says so, exit 1, rather than each part's "context canceled".
func TestInterrupted(t *testing.T) {
	isolate(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, args := range [][]string{{"sim", "--firms", "12", "--days", "5", "--quiet"}, {"sim", "--firms", "12", "--days", "5", "--quiet", "--db"}} {
		var stdout, stderr bytes.Buffer
		if code := run(ctx, args, &stdout, &stderr); code != 1 || stdout.Len() != 0 || stderr.String() != "linkfin sim: interrupted before it was done\n" {
			t.Errorf("linkfin %q, interrupted: exit %d\nstdout:\n%s\nstderr:\n%s", args, code, &stdout, &stderr)
		}
	}
}

// TestFlagsDocumented: every flag of linkfin sim and of each benchmark is in its
// synopsis and in its document (docs/SIMULATION.md; docs/BENCHMARKS.md's Reproduce
// section), and every flag of users create in the README, which documents it.
func TestFlagsDocumented(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("..", "..", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	_, reproduce, _ := strings.Cut(read("docs/BENCHMARKS.md"), "\n## Reproduce\n")
	reproduce, _, _ = strings.Cut(reproduce, "\n## ")
	for _, tc := range []struct {
		args     []string
		doc      string // where it is documented
		text     string
		synopsis bool // its synopsis names every flag
		least    int  // flags it has at least
	}{
		{[]string{"sim"}, "docs/SIMULATION.md", read("docs/SIMULATION.md"), true, 10},
		{[]string{"bench", "ledger"}, "docs/BENCHMARKS.md's Reproduce section", reproduce, true, 8},
		{[]string{"bench", "http"}, "docs/BENCHMARKS.md's Reproduce section", reproduce, true, 7},
		{[]string{"bench", "api"}, "docs/BENCHMARKS.md's Reproduce section", reproduce, true, 6},
		{[]string{"bench", "console"}, "docs/BENCHMARKS.md's Reproduce section", reproduce, true, 7},
		// Its synopsis names the flags it needs; --url and --key every API command takes.
		{[]string{"users", "create"}, "README.md", read("README.md"), false, 8},
	} {
		name := strings.Join(tc.args, " ")
		code, stdout, _ := cli(t, append(tc.args, "--help")...)
		synopsis, _, _ := strings.Cut(stdout, "\n")
		flags := regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(stdout, -1)
		if code != 0 || len(flags) < tc.least {
			t.Fatalf("%s --help: exit %d, %d flags\n%s", name, code, len(flags), stdout)
		}
		for _, f := range flags {
			if tc.synopsis && !strings.Contains(synopsis, "[--"+f[1]+"]") && !strings.Contains(synopsis, "[--"+f[1]+" ") {
				t.Errorf("%s's synopsis lacks --%s: %s", name, f[1], synopsis)
			}
			if !regexp.MustCompile(`--` + f[1] + `\b`).MatchString(tc.text) {
				t.Errorf("%s does not name %s's --%s", tc.doc, name, f[1])
			}
		}
	}
}

// As linkfin runs several scenarios, each in a process of its own: the same bytes as
// in one process, in memory and through the engine, and the processes' days shown on
// the progress bar.
func TestSimScenariosApart(t *testing.T) {
	isolate(t)
	args := []string{"sim", "--firms", "40", "--days", "90", "--seed", "5", "--scenario", "none,certificates", "--json"}
	code, together, stderr := cli(t, append(args, "--quiet")...)
	if code != 0 {
		t.Fatalf("in one process: exit %d\n%s", code, stderr)
	}
	t.Setenv("LINKFIN_TEST_AS_MAIN", "1") // the processes are this test binary, run as linkfin
	scenariosApart = true
	t.Cleanup(func() { scenariosApart = false })
	code, apart, stderr := cli(t, args...)
	if code != 0 || apart != together {
		t.Fatalf("apart: exit %d, %s\n%s\ntogether:\n%s", code, stderr, apart, together)
	}
	if !strings.Contains(stderr, "100%") || strings.Contains(stderr, "\x00") {
		t.Fatalf("apart, the progress bar:\n%q", stderr)
	}
	if code, b, stderr := cli(t, append(args, "--quiet", "--db")...); code != 0 || b != together {
		t.Fatalf("apart, --db: exit %d, %s\n%s", code, stderr, b)
	}
}
