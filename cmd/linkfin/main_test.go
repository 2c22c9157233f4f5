package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"linkfin/bench"
	"linkfin/engine"
	"linkfin/ledger"
	"linkfin/sqlite"
	"linkfin/tlog"
)

// syncBuffer is a buffer that a running command writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// isolate keeps every command away from the real environment and home directory, and
// restores the process-wide loggers that serve replaces.
func isolate(t *testing.T) {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, "xdg"))
	t.Setenv("LINKFIN_DB", "")
	t.Setenv("LINKFIN_DATA", "")
	t.Setenv("TMPDIR", t.TempDir())
	logger, flags, out := slog.Default(), log.Flags(), log.Writer()
	t.Cleanup(func() {
		slog.SetDefault(logger)
		log.SetFlags(flags)
		log.SetOutput(out)
	})
}

// cli runs the command to completion.
func cli(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut syncBuffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestHelp(t *testing.T) {
	isolate(t)
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		code, stdout, stderr := cli(t, args...)
		if code != 0 || !strings.Contains(stdout, "Usage:\n  linkfin <command> [flags]") || stderr != "" {
			t.Errorf("linkfin %v: exit %d\nstdout:\n%s\nstderr:\n%s", args, code, stdout, stderr)
		}
		for _, cmd := range []string{"serve", "migrate", "verify", "bench"} {
			if !strings.Contains(stdout, "\n  "+cmd+" ") {
				t.Errorf("linkfin %v does not list %s:\n%s", args, cmd, stdout)
			}
		}
	}
	for _, tc := range []struct {
		args  []string
		usage string
		flags []string
	}{
		{[]string{"serve", "--help"}, "Usage: linkfin serve ", []string{"-addr", "-data", "-db", "-v"}},
		{[]string{"serve", "-h"}, "Usage: linkfin serve ", []string{"-addr"}},
		{[]string{"migrate", "--help"}, "Usage: linkfin migrate ", []string{"-data", "-db"}},
		{[]string{"verify", "--help"}, "Usage: linkfin verify [--data DIR] [--db DSN]", []string{"-data", "-db", "-key"}},
		{[]string{"backup", "--help"}, "Usage: linkfin backup --to DIR [--data DIR] [--db DSN]", []string{"-data", "-db", "-to"}},
		{[]string{"copy", "--help"}, "Usage: linkfin copy --to DSN", []string{"-data", "-db", "-to"}},
		{[]string{"bench", "--help"}, "Usage: linkfin bench ledger", nil},
		{[]string{"demo", "--help"}, "Usage: linkfin demo\n\nRuns linkfin's whole process on a temporary database, and tells it as a story", nil},
		{[]string{"bench", "ledger", "--help"}, "Usage: linkfin bench ledger ", []string{"-transfers", "-accounts", "-batch", "-clients", "-hot", "-json", "-db"}},
	} {
		// Asked for, the usage is the answer, on standard output.
		code, stdout, stderr := cli(t, tc.args...)
		if code != 0 || !strings.HasPrefix(stdout, tc.usage) || stderr != "" {
			t.Errorf("linkfin %v: exit %d\nstdout:\n%s\nstderr:\n%s", tc.args, code, stdout, stderr)
		}
		for _, f := range tc.flags {
			if !regexp.MustCompile(`(?m)^  ` + f + `[ \t\n]`).MatchString(stdout) {
				t.Errorf("linkfin %v: usage lacks %s:\n%s", tc.args, f, stdout)
			}
		}
	}
	// "linkfin help X" and "linkfin X help" are "linkfin X --help", for every command
	// the usage lists, with verbs or without.
	for _, m := range regexp.MustCompile(`(?m)^  ([a-z0-9]+) {2,}`).FindAllStringSubmatch(usage, -1) {
		_, want, _ := cli(t, m[1], "--help")
		for _, args := range [][]string{{"help", m[1]}, {m[1], "help"}} {
			code, stdout, stderr := cli(t, args...)
			if code != 0 || stdout != want || stderr != "" {
				t.Errorf("linkfin %v: exit %d, want linkfin %s --help's usage on standard output\nstdout:\n%s\nstderr:\n%s", args, code, m[1], stdout, stderr)
			}
		}
	}
	if code, stdout, stderr := cli(t, "help", "frobnicate"); code != 2 || stdout != "" || !strings.HasPrefix(stderr, `linkfin help: unknown command "frobnicate"`) {
		t.Errorf("linkfin help frobnicate: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	// Help must not create anything.
	if entries, _ := os.ReadDir(os.Getenv("XDG_DATA_HOME")); len(entries) != 0 {
		t.Errorf("--help created %v", entries)
	}
}

func TestUsageErrors(t *testing.T) {
	isolate(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "Usage:\n  linkfin <command>"},
		{[]string{"frobnicate"}, `linkfin: unknown command "frobnicate"`},
		{[]string{"--versions"}, `linkfin: "--versions" is no command: the command comes first, then its flags, such as "linkfin serve --data DIR"`},
		{[]string{"--data", "walk", "serve"}, `linkfin: "--data" is no command: the command comes first, then its flags`},
		{[]string{"migrate", "--nope"}, "flag provided but not defined: -nope"},
		{[]string{"migrate", "extra"}, `unexpected arguments: ["extra"]`},
		{[]string{"serve", "--addr"}, "flag needs an argument: -addr"},
		{[]string{"verify", "now"}, `unexpected arguments: ["now"]`},
		{[]string{"bench"}, "Usage: linkfin bench ledger"},
		{[]string{"bench", "disk"}, "linkfin bench: unknown benchmark \"disk\"\n\nUsage: linkfin bench ledger"},
		{[]string{"bench", "ledger", "--transfers", "many"}, `invalid value "many" for flag -transfers`},
	} {
		code, stdout, stderr := cli(t, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) || stdout != "" {
			t.Errorf("linkfin %q: exit %d, want 2 and %q\nstdout:\n%s\nstderr:\n%s", tc.args, code, tc.want, stdout, stderr)
		}
	}
	if entries, _ := os.ReadDir(os.Getenv("XDG_DATA_HOME")); len(entries) != 0 {
		t.Errorf("a usage error created %v", entries)
	}
}

func TestMigrate(t *testing.T) {
	isolate(t)
	dir := filepath.Join(t.TempDir(), "new", "data")
	for _, want := range []string{"created the schema of a new sqlite database: " + filepath.Join(dir, "linkfin.db") + "\n", "sqlite database is up to date\n"} {
		code, stdout, stderr := cli(t, "migrate", "--data", dir)
		if code != 0 || stdout != want || stderr != "" {
			t.Fatalf("migrate: exit %d, want %q\nstdout:\n%s\nstderr:\n%s", code, want, stdout, stderr)
		}
	}
	wantMode(t, dir, 0o700)
	wantMode(t, filepath.Join(dir, "linkfin.db"), 0o600)
	s := openDB(t, filepath.Join(dir, "linkfin.db"))
	h, err := s.Head(context.Background())
	if err != nil || h.Size != 0 || h.Last != nil {
		t.Fatalf("head of a migrated database = %+v, %v", h, err)
	}
	// The schema is there: an empty table reads.
	if _, err := s.ListAccounts(context.Background(), 0, 10); err != nil {
		t.Fatal(err)
	}
	// With no flags, the default data directory is used.
	if code, _, stderr := cli(t, "migrate"); code != 0 {
		t.Fatalf("migrate with defaults: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(os.Getenv("XDG_DATA_HOME"), "linkfin", "linkfin.db")); err != nil {
		t.Fatalf("default database: %v", err)
	}
	// A database that cannot be opened is an error, exit 1.
	code, _, stderr := cli(t, "migrate", "--db", filepath.Join(t.TempDir(), "missing", "dir", "x.db"))
	if code != 1 || !strings.HasPrefix(stderr, "linkfin migrate: ") {
		t.Fatalf("migrate into a missing directory: exit %d: %s", code, stderr)
	}
}

func openDB(t *testing.T, path string) *sqlite.DB {
	t.Helper()
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newSigner is a signer with a new key for the platform's origin.
func newSigner(t *testing.T) note.Signer {
	t.Helper()
	skey, _, err := tlog.GenerateKey(Origin)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	return signer
}

// openEngine opens a new, migrated SQLite store and an engine on it that signs with a
// new key, both closed when the test ends. now is the engine's clock: nil for the
// machine's.
func openEngine(t *testing.T, now func() time.Time) (*sqlite.DB, *engine.Engine) {
	t.Helper()
	ctx := context.Background()
	st := openDB(t, filepath.Join(t.TempDir(), "x.db"))
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	e, err := engine.Open(ctx, engine.Config{Store: st, Signer: newSigner(t), Origin: Origin, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return st, e
}

// server is a running "linkfin serve".
type server struct {
	t      *testing.T
	cancel context.CancelFunc
	done   chan int
	stdout *syncBuffer
	stderr *syncBuffer
	addr   string
	key    string // printed on first start only
	client *http.Client
}

var (
	listening = regexp.MustCompile(`linkfin listening on http://(\S+) \((?:sqlite|postgres) store\)\n`)
	keyLine   = regexp.MustCompile(`operator API key \(shown once; keep it safe\):\n  (lfk_[0-9a-f]{16}_[A-Za-z0-9_-]{43})\n`)
)

// serve starts "linkfin serve" and waits until it listens.
func serve(t *testing.T, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{t: t, cancel: cancel, done: make(chan int, 1), stdout: &syncBuffer{}, stderr: &syncBuffer{},
		client: &http.Client{Transport: &http.Transport{}, Timeout: 30 * time.Second}}
	go func() {
		s.done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), s.stdout, s.stderr)
	}()
	deadline := time.After(30 * time.Second)
	for {
		if m := listening.FindStringSubmatch(s.stdout.String()); m != nil {
			s.addr = m[1]
			break
		}
		select {
		case code := <-s.done:
			cancel()
			t.Fatalf("serve exited %d before listening\nstdout:\n%s\nstderr:\n%s", code, s.stdout, s.stderr)
		case <-deadline:
			s.stop()
			t.Fatalf("serve is not listening after 30s\nstdout:\n%s\nstderr:\n%s", s.stdout, s.stderr)
		case <-time.After(5 * time.Millisecond):
		}
	}
	if m := keyLine.FindStringSubmatch(s.stdout.String()); m != nil {
		s.key = m[1]
	}
	t.Cleanup(func() { s.stop() })
	return s
}

// stop cancels the command's context and returns its exit code.
func (s *server) stop() int {
	s.t.Helper()
	s.cancel()
	s.client.CloseIdleConnections()
	select {
	case code := <-s.done:
		s.done <- code // later calls see it too
		return code
	case <-time.After(60 * time.Second):
		s.t.Fatalf("serve did not stop within 60s\nstderr:\n%s", s.stderr)
		return -1
	}
}

func (s *server) do(method, path, key, body string) (int, []byte) {
	s.t.Helper()
	req, err := http.NewRequest(method, "http://"+s.addr+path, strings.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if method == "POST" {
		req.Header.Set("Idempotency-Key", fmt.Sprintf("%s %s %d", method, path, time.Now().UnixNano()))
	}
	resp, err := s.client.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return resp.StatusCode, b
}

func (s *server) want(method, path, key, body string, status int) []byte {
	s.t.Helper()
	code, b := s.do(method, path, key, body)
	if code != status {
		s.t.Fatalf("%s %s %s: status %d, want %d\n%s", method, path, body, code, status, b)
	}
	return b
}

type wireAccount struct {
	ID             string `json:"id"`
	DebitsPending  int64  `json:"debits_pending,string"`
	DebitsPosted   int64  `json:"debits_posted,string"`
	CreditsPending int64  `json:"credits_pending,string"`
	CreditsPosted  int64  `json:"credits_posted,string"`
}

func (s *server) balances(key, id string) [4]int64 {
	s.t.Helper()
	var a wireAccount
	if err := json.Unmarshal(s.want("GET", "/v1/accounts/"+id, key, "", http.StatusOK), &a); err != nil {
		s.t.Fatal(err)
	}
	return [4]int64{a.DebitsPending, a.DebitsPosted, a.CreditsPending, a.CreditsPosted}
}

// goroutinesSettle waits for the goroutine count to fall back to n.
func goroutinesSettle(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines left running, %d before:\n%s", runtime.NumGoroutine(), n, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

const transfer = `{"id":"%d","debit_account_id":"%d","credit_account_id":"%d","amount":%d,"ledger":1,"currency":"CNY","code":1%s}`

func TestServeVerify(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	before := runtime.NumGoroutine()

	s := serve(t, "--data", dir)
	if s.key == "" {
		t.Fatalf("the first start prints no operator key:\n%s", s.stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, "log.key")); err != nil {
		t.Fatalf("log signing key: %v", err)
	}
	s.want("GET", "/healthz", "", "", http.StatusOK)
	s.want("GET", "/v1/accounts", "", "", http.StatusUnauthorized)
	s.want("GET", "/v1/accounts", "lf_op_"+strings.Repeat("0", 48), "", http.StatusUnauthorized)
	s.want("POST", "/v1/accounts", s.key, `[{"id":"1","ledger":1,"currency":"CNY","code":1},{"id":"2","ledger":1,"currency":"CNY","code":1}]`, http.StatusOK)
	s.want("POST", "/v1/transfers", s.key, fmt.Sprintf(transfer, 10, 1, 2, 500, ""), http.StatusCreated)
	s.want("POST", "/v1/transfers", s.key, fmt.Sprintf(transfer, 11, 2, 1, 200, ""), http.StatusCreated)
	s.want("POST", "/v1/transfers", s.key, fmt.Sprintf(transfer, 12, 1, 2, 300, `,"flags":["pending"]`), http.StatusCreated)
	s.want("POST", "/v1/transfers", s.key, `{"id":"13","pending_id":"12","amount":250,"flags":["post_pending"]}`, http.StatusCreated)
	if b := s.balances(s.key, "1"); b != [4]int64{0, 750, 0, 200} {
		t.Fatalf("account 1 balances = %v", b)
	}
	if code := s.stop(); code != 0 {
		t.Fatalf("serve exited %d after its context ended\nstderr:\n%s", code, s.stderr)
	}
	if !strings.Contains(s.stderr.String(), "shutting down") {
		t.Fatalf("no shutdown notice:\n%s", s.stderr)
	}
	if _, err := net.DialTimeout("tcp", s.addr, time.Second); err == nil {
		t.Fatalf("%s still accepts connections after serve returned", s.addr)
	}
	goroutinesSettle(t, before)

	// A second start keeps the key: none is printed, the first one still works.
	s2 := serve(t, "--data", dir)
	if s2.key != "" || strings.Contains(s2.stdout.String(), "operator API key") {
		t.Fatalf("a second start printed a new key:\n%s", s2.stdout)
	}
	if b := s2.balances(s.key, "2"); b != [4]int64{0, 200, 0, 750} {
		t.Fatalf("account 2 balances after a restart = %v", b)
	}
	s2.want("POST", "/v1/transfers", s.key, fmt.Sprintf(transfer, 10, 1, 2, 500, ""), http.StatusOK)
	if code := s2.stop(); code != 0 {
		t.Fatalf("second serve exited %d\nstderr:\n%s", code, s2.stderr)
	}
	goroutinesSettle(t, before)

	// Verify: the first operator key (2 events), 2 accounts and 4 transfers, and the
	// answers the 6 requests saved: 14 events.
	code, stdout, stderr := cli(t, "verify", "--data", dir)
	if code != 0 || stderr != "" {
		t.Fatalf("verify: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"log:         14 events, ",
		"ledger:      2 accounts, 4 transfers\n",
		"records:     2 records, 6 saved answers\n",
		"  ledger 1 CNY: debits posted 950, credits posted 950; pending 0 / 0\n",
		"signed by:   linkfin+",
		"\nOK: ",
	} {
		if !strings.Contains(stdout, want) {
			t.Fatalf("verify output lacks %q:\n%s", want, stdout)
		}
	}

	// Another log key: the signatures do not verify.
	_, otherKey, err := tlog.GenerateKey(Origin)
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = cli(t, "verify", "--data", dir, "--key", otherKey)
	if code != 1 || !strings.Contains(stdout, "FAILED") || !strings.Contains(stdout, "signature") || !strings.Contains(stdout, "signed by:   "+otherKey) {
		t.Fatalf("verify with another key: exit %d\n%s", code, stdout)
	}
	code, _, stderr = cli(t, "verify", "--data", dir, "--key", "not-a-key")
	if code != 1 || !strings.HasPrefix(stderr, `linkfin verify: --key "not-a-key" is not a log's public key (malformed verifier id): `) ||
		!strings.Contains(stderr, `as verify prints it after "signed by:"`) {
		t.Fatalf("verify with a malformed key: exit %d\n%s", code, stderr)
	}

	// Tamper with the 500 transfer's event: verify names it.
	db := filepath.Join(dir, "linkfin.db")
	seq := tamper(t, db, 500)
	code, stdout, stderr = cli(t, "verify", "--data", dir)
	if code != 1 || stderr != "" {
		t.Fatalf("verify of a tampered database: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "\nFAILED: ") {
		t.Fatalf("verify output lacks FAILED:\n%s", stdout)
	}
	if want := fmt.Sprintf("\n  - first bad entry: event %d ", seq); !strings.Contains(stdout, want) {
		t.Fatalf("verify output lacks %q:\n%s", want, stdout)
	}
	if strings.Contains(stdout, "\nOK: ") {
		t.Fatalf("a tampered database verifies OK:\n%s", stdout)
	}

	// Without its private key the log cannot be extended: serve refuses to start.
	if err := os.Rename(filepath.Join(dir, "log.key"), filepath.Join(dir, "log.key.bak")); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = cli(t, "serve", "--data", dir, "--addr", "127.0.0.1:0")
	if code != 1 || !strings.Contains(stderr, "its private key is not in") {
		t.Fatalf("serve without the log key: exit %d\n%s", code, stderr)
	}
	goroutinesSettle(t, before)
}

// tamper changes the amount of the first transfer event of that amount to amount+1
// and returns its seq.
func tamper(t *testing.T, path string, amount int64) int64 {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	evs, err := s.Events(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	from, to := fmt.Sprintf(`"amount":%d,`, amount), fmt.Sprintf(`"amount":%d,`, amount+1)
	for _, ev := range evs {
		if ev.Type != string(ledger.EventTransferCreated) || !bytes.Contains(ev.Data, []byte(from)) {
			continue
		}
		// A transfer event is encoded from its transfers row: edit the row by hand.
		if err := s.Exec(ctx, `UPDATE transfers SET amount = ? WHERE id = ?`, amount+1, ev.TransferID); err != nil {
			t.Fatal(err)
		}
		after, err := s.Events(ctx, ev.Seq, 1)
		if err != nil || len(after) != 1 || !bytes.Contains(after[0].Data, []byte(to)) {
			t.Fatalf("event %d was not altered: %v %v", ev.Seq, after, err)
		}
		return ev.Seq
	}
	t.Fatalf("no transfer event with amount %d in %d events", amount, len(evs))
	return -1
}

// TestVerifyEmpty: a database with no log yet has nothing to verify; a checkpoint
// file that is not there is said as that, before the database is read.
func TestVerifyEmpty(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	if code, _, stderr := cli(t, "migrate", "--data", dir); code != 0 {
		t.Fatal(stderr)
	}
	code, stdout, stderr := cli(t, "verify", "--data", dir)
	if code != 0 || stdout != "the database has no log yet: nothing to verify\n" || stderr != "" {
		t.Fatalf("verify of an empty database: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	// A kept checkpoint that is not there is said as that, not as a log rolled back.
	missing := filepath.Join(dir, "missing.json")
	code, stdout, stderr = cli(t, "verify", "--data", dir, "--checkpoint", missing)
	if want := "linkfin verify: --checkpoint " + missing + ": cannot read it ("; code != 1 || stdout != "" || !strings.HasPrefix(stderr, want) {
		t.Fatalf("verify --checkpoint of a missing file: exit %d, want 1 and %q\nstdout:\n%s\nstderr:\n%s", code, want, stdout, stderr)
	}
}

func TestServeAddressInUse(t *testing.T) {
	isolate(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	before := runtime.NumGoroutine()
	code, stdout, stderr := cli(t, "serve", "--data", t.TempDir(), "--addr", ln.Addr().String())
	if code != 1 || !strings.Contains(stderr, "linkfin serve: listen tcp "+ln.Addr().String()) || strings.Contains(stdout, "listening") ||
		!strings.Contains(stderr, "stop it, or choose another address with --addr") {
		t.Fatalf("serve on a busy address: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	goroutinesSettle(t, before)
	// An address that is not HOST:PORT, or a port that is none, is a command line
	// serve cannot take (exit 2), said with what one is; an address that is not this
	// machine's is said as that, not as a port another program holds.
	for _, tc := range []struct {
		addr string
		code int
		want string
	}{
		{"8080", 2, `linkfin serve: --addr is HOST:PORT, such as 127.0.0.1:8080, not "8080"`},
		{"127.0.0.1:99999", 2, `linkfin serve: --addr "127.0.0.1:99999": a port is 0 to 65535`},
		{"127.0.0.1:-1", 2, "a port is 0 to 65535"},
		{"192.0.2.1:0", 1, "--addr's host is no address of this machine: choose 127.0.0.1"},
	} {
		dir := filepath.Join(t.TempDir(), "data")
		code, stdout, stderr = cli(t, "serve", "--data", dir, "--addr", tc.addr)
		if code != tc.code || stdout != "" || !strings.Contains(stderr, tc.want) || strings.Contains(stderr, "another program") {
			t.Errorf("serve --addr %s: exit %d, want %d and %q\nstdout:\n%s\nstderr:\n%s", tc.addr, code, tc.code, tc.want, stdout, stderr)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("serve --addr %s made %s (%v)", tc.addr, dir, err)
		}
	}
}

// TestServeFirstSteps: the first start tells how to make a user to sign in to the
// console with, and that command, run as printed, makes one; a second serve on the
// same database is refused, exit 1, saying what runs and what to do: another data
// directory, or, where --db names the database, another database.
func TestServeFirstSteps(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	s := serve(t, "--data", dir)
	const hint = "a user to sign in to the console with: linkfin users create --key KEY --name NAME --role operator (prints its password)\n"
	if s.key == "" || !strings.Contains(s.stdout.String(), hint) {
		t.Fatalf("the first start:\n%s", s.stdout)
	}
	code, stdout, stderr := cli(t, "users", "create", "--url", "http://"+s.addr, "--key", s.key, "--name", "me@platform", "--role", "operator")
	made := decodeOut[struct {
		Role     string `json:"role"`
		Password string `json:"password"`
	}](t, stdout)
	if code != 0 || made.Role != "operator" || made.Password == "" {
		t.Fatalf("users create as the first start says: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if cookie, _ := signIn(t, s, "me@platform", made.Password); cookie == "" {
		t.Fatal("the user made as the first start says does not sign in")
	}
	code, stdout, stderr = cli(t, "serve", "--addr", "127.0.0.1:0", "--data", dir)
	if code != 1 || stdout != "" || !strings.Contains(stderr, "(writer_locked): another linkfin (a server, most likely) writes this database: stop it first, "+
		"or start this one with a data directory of its own (--data)\n") {
		t.Fatalf("a second serve on the same database: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	// Named by --db, the database is the same whatever the data directory: another
	// --data would not help.
	code, stdout, stderr = cli(t, "serve", "--addr", "127.0.0.1:0", "--data", dir, "--db", filepath.Join(dir, "linkfin.db"))
	if code != 1 || stdout != "" || !strings.Contains(stderr, "writes this database: stop it first, or start this one on a database of its own (--db, or LINKFIN_DB)\n") {
		t.Fatalf("a second serve on the same --db: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

func TestEnvironment(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	envDB := filepath.Join(t.TempDir(), "env.db")
	t.Setenv("LINKFIN_DB", envDB)

	// LINKFIN_DB picks the database, as --db does.
	if code, _, stderr := cli(t, "migrate", "--data", dir); code != 0 {
		t.Fatal(stderr)
	}
	if _, err := os.Stat(envDB); err != nil {
		t.Fatalf("LINKFIN_DB was not used: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "linkfin.db")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("migrate created the default database although LINKFIN_DB is set: %v", err)
	}
	// --db wins over LINKFIN_DB.
	flagDB := filepath.Join(t.TempDir(), "flag.db")
	if code, _, stderr := cli(t, "migrate", "--data", dir, "--db", flagDB); code != 0 {
		t.Fatal(stderr)
	}
	if _, err := os.Stat(flagDB); err != nil {
		t.Fatalf("--db was not used: %v", err)
	}

	// serve writes to the LINKFIN_DB database; verify reads it by --db.
	s := serve(t, "--data", dir)
	s.want("POST", "/v1/accounts", s.key, `{"id":"1","ledger":1,"currency":"CNY","code":1}`, http.StatusCreated)
	if code := s.stop(); code != 0 {
		t.Fatalf("serve: exit %d\n%s", code, s.stderr)
	}
	t.Setenv("LINKFIN_DB", "")
	code, stdout, _ := cli(t, "verify", "--data", dir, "--db", envDB)
	if code != 0 || !strings.Contains(stdout, "ledger:      1 accounts, 0 transfers\n") {
		t.Fatalf("verify --db: exit %d\n%s", code, stdout)
	}
	t.Setenv("LINKFIN_DB", envDB)
	code, stdout2, _ := cli(t, "verify", "--data", dir)
	if code != 0 || stdout2 != stdout {
		t.Fatalf("verify with LINKFIN_DB: exit %d\n%s\nwant the same as with --db:\n%s", code, stdout2, stdout)
	}
	// --db overrides the environment here too: the flag database has no log.
	code, stdout, _ = cli(t, "verify", "--data", dir, "--db", flagDB)
	if code != 0 || stdout != "the database has no log yet: nothing to verify\n" {
		t.Fatalf("verify --db over LINKFIN_DB: exit %d\n%s", code, stdout)
	}

	// LINKFIN_DATA picks the data directory, as --data does.
	t.Setenv("LINKFIN_DB", "")
	dataDir := filepath.Join(t.TempDir(), "data")
	t.Setenv("LINKFIN_DATA", dataDir)
	if code, _, stderr := cli(t, "migrate"); code != 0 {
		t.Fatal(stderr)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "linkfin.db")); err != nil {
		t.Fatalf("LINKFIN_DATA was not used: %v", err)
	}
}

func TestBench(t *testing.T) {
	isolate(t)
	tmp := os.Getenv("TMPDIR")
	for _, tc := range []struct {
		name                         string
		args                         []string
		mode                         string
		transfers, accounts, clients int
		batches                      int64 // the fewest engine batches; 0: no bound
	}{
		{"batch", []string{"--transfers", "20000", "--accounts", "1000", "--batch", "1000"}, "batch", 20000, 1000, 0, 20},
		{"clients", []string{"--clients", "8", "--transfers", "2000", "--accounts", "1000"}, "clients", 2000, 1000, 8, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := cli(t, append([]string{"bench", "ledger", "--json"}, tc.args...)...)
			if code != 0 || stderr != "" {
				t.Fatalf("bench: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
			}
			// Exactly one JSON object, on one line.
			dec := json.NewDecoder(strings.NewReader(stdout))
			var fields map[string]json.RawMessage
			if err := dec.Decode(&fields); err != nil {
				t.Fatalf("stdout is not a JSON object: %v\n%s", err, stdout)
			}
			var extra any
			if err := dec.Decode(&extra); err != io.EOF || strings.Count(stdout, "\n") != 1 || !strings.HasSuffix(stdout, "}\n") {
				t.Fatalf("stdout holds more than one JSON object:\n%s", stdout)
			}
			for _, f := range []string{"store", "mode", "transfers", "seconds", "transfers_per_second", "p50_commit_ms",
				"p99_commit_ms", "peak_rss_bytes", "baseline_rows_per_second", "ratio"} {
				if _, ok := fields[f]; !ok {
					t.Errorf("field %q missing:\n%s", f, stdout)
				}
			}
			var r bench.Result
			dec = json.NewDecoder(strings.NewReader(stdout))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&r); err != nil {
				t.Fatal(err)
			}
			if r.Store != "sqlite" || r.Mode != tc.mode || r.Transfers != tc.transfers || r.Accounts != tc.accounts ||
				r.Clients != tc.clients || r.Hot || r.GoVersion != runtime.Version() || r.CPUs != runtime.NumCPU() {
				t.Errorf("result = %+v", r)
			}
			for name, v := range map[string]float64{
				"seconds": r.Seconds, "transfers_per_second": r.TransfersPerSecond, "p50_commit_ms": r.P50CommitMS,
				"p99_commit_ms": r.P99CommitMS, "peak_rss_bytes": float64(r.PeakRSSBytes), "baseline_seconds": r.BaselineSeconds,
				"baseline_rows_per_second": r.BaselineRowsPerSecond, "ratio": r.Ratio, "engine_batches": float64(r.EngineBatches),
			} {
				if !(v > 0) || math.IsInf(v, 0) {
					t.Errorf("%s = %v, want a positive number", name, v)
				}
			}
			if r.P99CommitMS < r.P50CommitMS {
				t.Errorf("p99 %v < p50 %v", r.P99CommitMS, r.P50CommitMS)
			}
			// A batch holds at most --batch transfers; balance flushes may add batches.
			if tc.batches != 0 && r.EngineBatches < tc.batches {
				t.Errorf("engine_batches = %d, want at least %d", r.EngineBatches, tc.batches)
			}
			if r.BaselineRows != tc.transfers {
				t.Errorf("baseline_rows = %d, want %d", r.BaselineRows, tc.transfers)
			}
			near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) }
			if !near(r.TransfersPerSecond, float64(r.Transfers)/r.Seconds) ||
				!near(r.BaselineRowsPerSecond, float64(r.BaselineRows)/r.BaselineSeconds) ||
				!near(r.Ratio, r.TransfersPerSecond/r.BaselineRowsPerSecond) {
				t.Errorf("derived figures do not add up: %+v", r)
			}
		})
	}
	t.Run("text", func(t *testing.T) {
		code, stdout, stderr := cli(t, "bench", "ledger", "--transfers", "100", "--accounts", "10", "--batch", "10")
		if code != 0 || stderr != "" {
			t.Fatalf("bench: exit %d\n%s", code, stderr)
		}
		for _, want := range []string{"ledger benchmark: sqlite store, batch, 100 transfers over 10 accounts, batch 10\n",
			"durable transfers/s", "raw-insert baseline", "ratio to baseline"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("output lacks %q:\n%s", want, stdout)
			}
		}
	})
	t.Run("bad options", func(t *testing.T) {
		code, stdout, stderr := cli(t, "bench", "ledger", "--transfers", "0", "--json")
		if code != 2 || stdout != "" || !strings.HasPrefix(stderr, "linkfin bench ledger: --transfers ") {
			t.Fatalf("bench --transfers 0: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
		}
	})
	// The temporary databases are removed.
	entries, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "linkfin-bench-") {
			t.Errorf("bench left %s behind", e.Name())
		}
	}
}
