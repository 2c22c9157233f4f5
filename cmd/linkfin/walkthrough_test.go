package main

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestMain lets the walkthrough's shell run this test binary as linkfin.
func TestMain(m *testing.M) {
	if os.Getenv("LINKFIN_TEST_AS_MAIN") == "1" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	// os/signal's goroutine starts with the process's first signal.Notify (serve's)
	// and runs until it exits: started here, no test that counts goroutines around a
	// serve takes it for one the serve left running, whichever test runs first.
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt)
	signal.Stop(c)
	os.Exit(m.Run())
}

// step is one shell block of the walkthrough, with what its output must hold.
type step struct {
	line   int
	script string
	expect []string
	fails  string // the problem code it must fail with, if it must fail
}

var (
	expectLine = regexp.MustCompile(`^<!-- expect: (.*) -->$`)
	failsLine  = regexp.MustCompile(`^<!-- fails: (.*) -->$`)
	assignment = regexp.MustCompile(`(?m)^(?:export )?([A-Z][A-Z0-9_]*)=`)
)

// walkthrough reads the shell blocks of docs/walkthrough.md and the expectations
// written after each.
func walkthrough(t *testing.T) []step {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "docs", "walkthrough.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var steps []step
	var cur *step
	in := false
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case line == "```sh":
			steps = append(steps, step{line: n})
			cur, in = &steps[len(steps)-1], true
		case in && line == "```":
			in = false
		case in:
			cur.script += line + "\n"
		case cur != nil && expectLine.MatchString(line):
			cur.expect = append(cur.expect, expectLine.FindStringSubmatch(line)[1])
		case cur != nil && failsLine.MatchString(line):
			cur.fails = failsLine.FindStringSubmatch(line)[1]
		case strings.TrimSpace(line) != "":
			cur = nil
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(steps) < 20 {
		t.Fatalf("the walkthrough has %d shell blocks", len(steps))
	}
	return steps
}

// TestWalkthrough runs docs/walkthrough.md against "linkfin serve --demo": every shell
// block, in order, in bash with curl, checking what each must print or refuse. The
// server is stopped before the blocks that run linkfin itself, as the text says.
func TestWalkthrough(t *testing.T) { walk(t, "") }

// TestWalkthroughPostgres runs the walkthrough on a PostgreSQL store (LINKFIN_DB, for
// serve and for the blocks that run linkfin): the same requests get the same answers,
// and verify checks that database at the end.
func TestWalkthroughPostgres(t *testing.T) {
	db := postgresURL(t)
	if db == "" {
		t.Skip("no PostgreSQL to walk through on: set LINKFIN_TEST_POSTGRES_URL (.ci/run does)")
	}
	walk(t, db)
}

// walk runs the walkthrough on the database db: the data directory's SQLite file when
// db is "".
func walk(t *testing.T, db string) {
	if testing.Short() {
		t.Skip("the walkthrough starts a server and runs curl: not in -short")
	}
	for _, tool := range []string{"bash", "curl", "sed", "date", "openssl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the walkthrough needs %s, which is not installed", tool)
		}
	}
	isolate(t)
	steps := walkthrough(t)
	dir := t.TempDir()
	args := []string{"--data", filepath.Join(dir, "walk"), "--demo"}
	if db != "" {
		args = append(args, "--db", db)
	}
	s := serve(t, args...)
	exports := regexp.MustCompile(`(?m)^  export ([A-Z0-9]+_KEY)=(lfk_\S+)$`).FindAllStringSubmatch(s.stdout.String(), -1)
	if len(exports) != 9 {
		t.Fatalf("serve --demo printed %d keys, want the operator's and 8 organizations':\n%s", len(exports), s.stdout)
	}
	state := filepath.Join(dir, "state.sh")
	var env strings.Builder
	var names []string
	for _, e := range exports {
		env.WriteString("export " + e[1] + "=" + e[2] + "\n")
		names = append(names, e[1])
	}
	if err := os.WriteFile(state, []byte(env.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range steps {
		for _, m := range assignment.FindAllStringSubmatch(st.script, -1) {
			names = append(names, m[1])
		}
	}
	for _, st := range steps {
		if strings.Contains(st.script, "linkfin ") {
			if code := s.stop(); code != 0 {
				t.Fatalf("serve exited %d\n%s", code, s.stderr)
			}
		}
		// Each block runs in its own shell that picks up the variables of the blocks
		// before it. curl fails on an HTTP error, so that a refusal shows.
		script := "set -e\n. " + state + "\n" +
			"trap 'declare -p " + strings.Join(names, " ") + " 2>/dev/null | sed \"s/^declare -x /export /; s/^declare -- /export /\" > " + state + "' EXIT\n" +
			"curl() { command curl --fail-with-body -sS \"$@\"; }\n" +
			"linkfin() { LINKFIN_TEST_AS_MAIN=1 " + self + " \"$@\"; }\n" +
			"export LINKFIN=http://" + s.addr + "\n" +
			strings.ReplaceAll(st.script, "export LINKFIN=http://127.0.0.1:8080\n", "")
		cmd := exec.Command("bash", "-c", script)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "LINKFIN_DATA=", "LINKFIN_DB="+db)
		out, err := cmd.CombinedOutput()
		switch {
		case st.fails == "" && err != nil:
			t.Fatalf("walkthrough.md:%d failed: %v\n%s\n%s", st.line, err, st.script, out)
		case st.fails != "" && err == nil:
			t.Fatalf("walkthrough.md:%d should fail with %s, but succeeded:\n%s\n%s", st.line, st.fails, st.script, out)
		case st.fails != "" && !strings.Contains(string(out), `"code":"`+st.fails+`"`):
			t.Fatalf("walkthrough.md:%d should fail with %s:\n%s\n%s", st.line, st.fails, st.script, out)
		}
		for _, want := range st.expect {
			if !strings.Contains(string(out), want) {
				t.Fatalf("walkthrough.md:%d: the output lacks %q:\n%s\n%s", st.line, want, st.script, out)
			}
		}
	}
	leavesNothingToCommit(t, dir, "state.sh")
}

// leavesNothingToCommit fails t for each file or directory in dir, but those named
// mine, that the repository's .gitignore does not keep out of git: README says the
// walkthrough, followed in a clone, leaves nothing git would add (its data directory,
// its answers, the sensor's private key). Outside a git work tree, or without git, it
// checks nothing.
func leavesNothingToCommit(t *testing.T, dir string, mine ...string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Log("git is not installed: .gitignore not checked")
		return
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if slices.Contains(mine, name) {
			continue
		}
		if e.IsDir() {
			name += "/"
		}
		// As if at the repository's root, where README has the walkthrough followed.
		cmd := exec.Command("git", "check-ignore", "--no-index", "-q", name)
		cmd.Dir = filepath.Join("..", "..")
		err := cmd.Run()
		var exit *exec.ExitError
		switch {
		case errors.As(err, &exit) && exit.ExitCode() == 1:
			t.Errorf("the walkthrough leaves %s, which .gitignore does not keep out of git", name)
		case err != nil:
			t.Logf("git check-ignore: %v: .gitignore not checked", err)
			return
		}
	}
}
