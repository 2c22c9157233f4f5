package main

import (
	"context"
	"crypto/rand"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"linkfin/client"
	"linkfin/postgres/pgtest"
	"linkfin/services"
	"linkfin/tlog"

	"linkfin"
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

// TestReadOnlyCreatesNothing runs verify, which only reads, and the key commands that
// need what a database holds (a key to revoke, an organization to make a key for), on
// databases that are not there: each is an error, exit 1, and nothing is created.
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
		// Revoking changes an existing key: no database, no key to revoke.
		{[]string{"keys", "revoke", "0123456789abcdef", "--local", "--data", filepath.Join(tmp, "TYPO")}, "no database at "},
		// An organization's key needs the organization: no database, no organization.
		{[]string{"keys", "create", "--local", "--data", filepath.Join(tmp, "TYPO"), "--org", "acme", "--role", "admin"}, "no database at "},
	} {
		code, stdout, stderr := cli(t, tc.args...)
		if code != 1 || stdout != "" || !strings.HasPrefix(stderr, "linkfin "+tc.args[0]+": ") || !strings.Contains(stderr, tc.want) ||
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

// TestServeBindsFirst starts serve on a busy port: it fails before it makes a data
// directory, a database or a key, and prints no key.
func TestServeBindsFirst(t *testing.T) {
	isolate(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir := filepath.Join(t.TempDir(), "data")
	for _, args := range [][]string{{"--data", dir}, {"--data", dir, "--demo"}, {}} {
		code, stdout, stderr := cli(t, append([]string{"serve", "--addr", ln.Addr().String()}, args...)...)
		if code != 1 || stdout != "" || !strings.Contains(stderr, "linkfin serve: listen tcp "+ln.Addr().String()) {
			t.Fatalf("serve %q on a busy port: exit %d\nstdout:\n%s\nstderr:\n%s", args, code, stdout, stderr)
		}
	}
	for _, d := range []string{dir, os.Getenv("XDG_DATA_HOME")} {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("serve on a busy port made %s (%v)", d, err)
		}
	}
	// Once the port is free, --demo seeds the same directory.
	ln.Close()
	s := serve(t, "--data", dir, "--demo")
	if n := len(demoKey.FindAllString(s.stdout.String(), -1)); n != 9 {
		t.Fatalf("serve --demo printed %d keys:\n%s", n, s.stdout)
	}
}

// TestServeDemoSeedsAtOnce checks that serve --demo seeds in one batch of the engine,
// so that a seeding cut short leaves nothing, and prints the operator key once.
func TestServeDemoSeedsAtOnce(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	s := serve(t, "--data", dir, "--demo", "--schedule-every", "0")
	out := s.stdout.String()
	op := regexp.MustCompile(`(?m)^  export OPERATOR_KEY=(lfk_\S+)$`).FindStringSubmatch(out)
	if op == nil || strings.Count(out, op[1]) != 1 || strings.Contains(out, "operator API key") {
		t.Fatalf("serve --demo shows the operator key other than once:\n%s", out)
	}
	s.want("GET", "/v1/organizations/anchor", op[1], "", http.StatusOK)
	if code := s.stop(); code != 0 {
		t.Fatalf("serve: exit %d\n%s", code, s.stderr)
	}
	// Every event of the seeding is in one batch: the log has one signed checkpoint.
	code, stdout, stderr := cli(t, "verify", "--data", dir)
	if code != 0 || !regexp.MustCompile(`log: +\d+ events, 1 signed checkpoints,`).MatchString(stdout) {
		t.Fatalf("verify after serve --demo: exit %d\n%s%s", code, stdout, stderr)
	}
	// A seeded database is not seeded again; the message says what to do.
	code, stdout, stderr = cli(t, "serve", "--data", dir, "--demo", "--addr", "127.0.0.1:0")
	if code != 1 || stdout != "" || !strings.Contains(stderr, "start without --demo to use it, or choose an empty --data directory") {
		t.Fatalf("serve --demo on a seeded database: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

// TestErrorsNameNoGoTypes makes the demo's seeding fail and reads its error: it names
// the command in words, never by its Go type.
func TestErrorsNameNoGoTypes(t *testing.T) {
	ctx := context.Background()
	st, e := openEngine(t, nil)
	auth := services.NewAuth(st, e, make([]byte, 32))
	if _, _, err := seedDemo(ctx, e, auth); err != nil {
		t.Fatal(err)
	}
	_, _, err := seedDemo(ctx, e, auth)
	if err == nil {
		t.Fatal("seeding twice succeeded")
	}
	got := describe(err)
	if !strings.HasPrefix(got, "seed the demo: invite funder: conflict: funder bank ") || strings.ContainsAny(got, "*=") ||
		strings.Contains(got, "services.") {
		t.Fatalf("seeding twice: %s", got)
	}
}

func TestVersion(t *testing.T) {
	isolate(t)
	for _, arg := range []string{"--version", "version", "-version"} {
		code, stdout, stderr := cli(t, arg)
		if code != 0 || stderr != "" || !regexp.MustCompile(`^linkfin \S+( commit [0-9a-f]{12}( with local changes)?)?, go\S+\n$`).MatchString(stdout) ||
			!strings.HasSuffix(stdout, ", "+runtime.Version()+"\n") {
			t.Errorf("linkfin %s: exit %d\nstdout:\n%s\nstderr:\n%s", arg, code, stdout, stderr)
		}
	}
	Version = "v1.2.3"
	defer func() { Version = "" }()
	if _, stdout, _ := cli(t, "--version"); !strings.HasPrefix(stdout, "linkfin v1.2.3") {
		t.Errorf("with Version set: %s", stdout)
	}
}

// TestGitignore checks that the keys and databases linkfin writes into a --data
// directory inside the repository stay out of git, wherever it is.
func TestGitignore(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	root := filepath.Join("..", "..")
	if err := exec.Command("git", "-C", root, "rev-parse", "--git-dir").Run(); err != nil {
		t.Skip("not in a git checkout")
	}
	for _, f := range []string{"walk/log.key", "walk/webhook.key", "walk/linkfin.db", "walk/linkfin.db-wal", "data/x/log.key", "log.key", "webhook.key"} {
		if err := exec.Command("git", "-C", root, "check-ignore", "-q", "--no-index", f).Run(); err != nil {
			t.Errorf("git does not ignore %s (%v)", f, err)
		}
	}
	for _, f := range []string{"cmd/linkfin/main.go", "docs/walkthrough.md", "apikey.go"} {
		if err := exec.Command("git", "-C", root, "check-ignore", "-q", "--no-index", f).Run(); err == nil {
			t.Errorf("git ignores %s", f)
		}
	}
}

// TestReadmeSetup checks that the README's set-up gives the linkfin command that the
// walkthrough runs, and starts the walkthrough's server as the walkthrough does.
func TestReadmeSetup(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	walk, err := os.ReadFile(filepath.Join("..", "..", "docs", "walkthrough.md"))
	if err != nil {
		t.Fatal(err)
	}
	setup := string(readme)
	if i := strings.Index(setup, "## Run it"); i >= 0 {
		setup = setup[i:]
	}
	if i := strings.Index(setup[1:], "\n## "); i >= 0 {
		setup = setup[:i+1]
	}
	for _, want := range []string{"```sh\ngo install ./cmd/linkfin\nlinkfin --version\n```", "```sh\nlinkfin serve --demo --data ./walk\n```"} {
		if !strings.Contains(setup, want) {
			t.Errorf("the README's set-up lacks\n%s", want)
		}
	}
	for name, doc := range map[string]string{"README.md": string(readme), "docs/walkthrough.md": string(walk)} {
		if strings.Contains(doc, "go run ./cmd/linkfin") {
			t.Errorf("%s runs linkfin with go run, not as the command the set-up installs", name)
		}
	}
	if !strings.Contains(string(walk), "\nlinkfin serve --demo --data ./walk\n") {
		t.Error("the walkthrough starts its server other than as the README says")
	}
}

// TestServeLimitsFailedAuthentication: serve limits failed authentications per
// address, as its flags say, and keeps /metrics for operator keys.
func TestServeLimitsFailedAuthentication(t *testing.T) {
	isolate(t)
	s := serve(t, "--data", t.TempDir(), "--auth-fail-burst", "2", "--auth-fail-limit", "1")
	bad := "lfk_0123456789abcdef_" + strings.Repeat("x", 43)
	s.want("GET", "/metrics", "", "", http.StatusUnauthorized)
	s.want("GET", "/metrics", s.key, "", http.StatusOK)
	s.want("GET", "/v1/organizations", bad, "", http.StatusUnauthorized)
	s.want("GET", "/v1/organizations", bad, "", http.StatusUnauthorized)
	body := s.want("GET", "/v1/organizations", bad, "", http.StatusTooManyRequests)
	if !strings.Contains(string(body), `"code":"authentication_rate_limited"`) {
		t.Fatalf("third failure: %s", body)
	}
	s.want("GET", "/v1/organizations", s.key, "", http.StatusTooManyRequests)
}

// postgresURL returns the URL of a schema of its own on the test server, dropped when
// the test ends, or "" without a server.
func postgresURL(t *testing.T) string {
	t.Helper()
	if pgtest.URL() == "" {
		return ""
	}
	return pgtest.Schema(t, pgtest.URL())
}

// TestServeLoadsCalendars: serve adds each holiday-cn year file in the data directory's
// calendars/cn to the China calendar before it starts, and says so; a year's file with
// no days (holiday-cn's before the schedule is published) stops it, naming the file,
// before any database is made. (2098: no other test reads it.)
func TestServeLoadsCalendars(t *testing.T) {
	isolate(t)
	dir := filepath.Join(t.TempDir(), "data")
	cal := filepath.Join(dir, "calendars", "cn")
	if err := os.MkdirAll(cal, 0o755); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(cal, "2098.json")
	os.WriteFile(empty, []byte(`{"year": 2098, "papers": [], "days": []}`), 0o644)
	code, stdout, stderr := cli(t, "serve", "--addr", "127.0.0.1:0", "--data", dir)
	if code != 1 || !strings.Contains(stderr, empty+": the holiday-cn file for 2098 lists no day") || strings.Contains(stdout, "listening") {
		t.Fatalf("an empty year: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "linkfin.db")); !os.IsNotExist(err) {
		t.Errorf("a refused calendar left a database (%v)", err)
	}
	os.WriteFile(empty, []byte(`{"year": 2098, "days": [{"name": "元旦", "date": "2098-01-01", "isOffDay": true}]}`), 0o644)
	s := serve(t, "--data", dir)
	if !strings.Contains(s.stdout.String(), "calendar CN: the holidays of 2098 from "+empty) {
		t.Fatalf("serve did not say it loaded 2098:\n%s", s.stdout)
	}
	cn, err := linkfin.SharedCalendar("CN")
	if err != nil {
		t.Fatal(err)
	}
	if cn.IsBusinessDay(linkfin.NewDate(2098, 1, 1)) { // a Wednesday
		t.Error("2098-01-01 is still a business day")
	}
}

// TestStoreErrorsInWords: a data directory or database linkfin cannot use is refused,
// exit 1, before anything starts, in words that name the file and say what to do: a
// data directory that is a file, a database that is a directory, in a directory that
// is not there, not SQLite's, or damaged, a URL of another database, a PostgreSQL that
// does not answer or a URL it cannot read (the advice naming the flag that gave it),
// never with its password. A file that is not SQLite's is left as it was.
func TestStoreErrorsInWords(t *testing.T) {
	isolate(t)
	tmp := t.TempDir()
	file := filepath.Join(tmp, "notes.txt")
	if err := os.WriteFile(file, []byte("not a database\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A linkfin database cut short: SQLite finds it malformed.
	good := filepath.Join(tmp, "good")
	if code, _, stderr := cli(t, "migrate", "--data", good); code != 0 {
		t.Fatal(stderr)
	}
	b, err := os.ReadFile(filepath.Join(good, "linkfin.db"))
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(tmp, "cut.db")
	if err := os.WriteFile(cut, b[:len(b)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	// A key that is a directory: a key linkfin cannot read.
	keyDir, hookDir := filepath.Join(tmp, "keydir"), filepath.Join(tmp, "hookdir")
	for _, d := range []string{filepath.Join(keyDir, "log.key"), filepath.Join(hookDir, "webhook.key")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--addr", "127.0.0.1:0", "--data", file}, "cannot make the data directory " + file},
		{[]string{"migrate", "--data", filepath.Join(file, "sub")}, "choose one you may write with --data or LINKFIN_DATA"},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--data", tmp, "--db", tmp}, tmp + " is a directory, not a database file: check --db"},
		{[]string{"migrate", "--db", filepath.Join(tmp, "missing", "x.db")}, "cannot make the database " + filepath.Join(tmp, "missing", "x.db")},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--data", tmp, "--db", file}, "the file is not a SQLite database, or is damaged: check --data and --db"},
		{[]string{"verify", "--data", good, "--db", cut}, "the database file is damaged: restore it from a backup"},
		{[]string{"backup", "--data", good, "--db", cut, "--to", filepath.Join(tmp, "backup")}, "the database file is damaged: restore it from a backup"},
		{[]string{"backup", "--data", good, "--to", filepath.Join(tmp, "missing", "backup")}, "cannot make the backup's directory " + filepath.Join(tmp, "missing", "backup")},
		// No PostgreSQL listens on port 1.
		{[]string{"migrate", "--db", "postgres://linkfin@127.0.0.1:1/linkfin"}, "\ncheck --db's postgres:// URL (host, port, user, password, database) and that PostgreSQL runs there"},
		// The data directory and its keys, where the database is elsewhere.
		{[]string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(tmp, "elsewhere.db"), "--data", filepath.Join(file, "sub")}, "cannot make the data directory " + filepath.Join(file, "sub") + " ("},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(tmp, "keyless.db"), "--data", keyDir}, "cannot read the key " + filepath.Join(keyDir, "log.key") + " ("},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--data", hookDir}, "cannot read the key " + filepath.Join(hookDir, "webhook.key") + " ("},
		{[]string{"sim", "--firms", "12", "--days", "1", "--cpuprofile", filepath.Join(tmp, "missing", "cpu.prof")}, "cannot write the CPU profile " + filepath.Join(tmp, "missing", "cpu.prof") + " ("},
		{[]string{"bench", "ledger", "--cpuprofile", filepath.Join(tmp, "missing", "cpu.prof")}, "--cpuprofile names a file in a directory that is there and that you may write"},
		// copy's advice names the flag of the database it could not open.
		{[]string{"copy", "--data", good, "--to", "postgres://linkfin@127.0.0.1:1/linkfin"}, "\ncheck --to's postgres:// URL (host, port, user, password, database)"},
		{[]string{"copy", "--data", good, "--to", "postgres://linkfin:secret@%zz/linkfin"}, "\ncheck --to's postgres:// URL: postgres://USER:PASSWORD@HOST:PORT/DATABASE"},
		{[]string{"verify", "--db", "postgres://linkfin@127.0.0.1:5432/linkfin?sslmode=maybe"}, "\ncheck --db's postgres:// URL: postgres://USER:PASSWORD@HOST:PORT/DATABASE"},
		{[]string{"copy", "--data", good, "--to", filepath.Join(tmp, "missing", "copy.db")}, "cannot make the copy " + filepath.Join(tmp, "missing", "copy.db") + " ("},
		// A URL of another database is not taken for a file's path.
		{[]string{"copy", "--data", good, "--to", "mysql://linkfin:secret@127.0.0.1/linkfin"}, "--to mysql://linkfin:xxxxx@127.0.0.1/linkfin: linkfin's database is a SQLite file (its path) or PostgreSQL (a postgres:// URL), not mysql"},
		{[]string{"migrate", "--db", "sqlite://" + filepath.Join(tmp, "x.db")}, "--db sqlite://" + filepath.Join(tmp, "x.db") + ": linkfin's database is a SQLite file (its path)"},
		{[]string{"verify", "--db", "mysql://127.0.0.1/linkfin"}, "not mysql"},
	} {
		code, stdout, stderr := cli(t, tc.args...)
		if code != 1 || stdout != "" || !strings.HasPrefix(stderr, "linkfin "+tc.args[0]+": ") || !strings.Contains(stderr, tc.want) ||
			strings.Contains(stderr, "secret") {
			t.Errorf("linkfin %q: exit %d, want 1 and %q\nstdout:\n%s\nstderr:\n%s", tc.args, code, tc.want, stdout, stderr)
		}
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != "not a database\n" {
		t.Errorf("a file that is not SQLite's was changed: %q, %v", b, err)
	}
	for _, p := range []string{filepath.Join(tmp, "missing"), filepath.Join(tmp, "backup")} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("a refused command made %s (%v)", p, err)
		}
	}
}

// TestStoreErrorsNameEnv: a database that LINKFIN_DB names, with no --db, is said in
// the advice as LINKFIN_DB's, so that one who passed no --db knows where to look; a
// --db given is named as --db, whatever the environment says.
func TestStoreErrorsNameEnv(t *testing.T) {
	isolate(t)
	tmp := t.TempDir()
	missing := filepath.Join(tmp, "missing.db")
	for _, tc := range []struct {
		env  string
		args []string
		want string
	}{
		// No PostgreSQL listens on port 1.
		{"postgres://linkfin@127.0.0.1:1/linkfin", []string{"migrate"}, "\ncheck LINKFIN_DB's postgres:// URL (host, port, user, password, database) and that PostgreSQL runs there"},
		{"postgres://linkfin@127.0.0.1:1/linkfin", []string{"serve", "--addr", "127.0.0.1:0", "--data", tmp}, "\ncheck LINKFIN_DB's postgres:// URL (host, port"},
		{"postgres://linkfin@127.0.0.1:5432/linkfin?sslmode=maybe", []string{"verify"}, "\ncheck LINKFIN_DB's postgres:// URL: postgres://USER:PASSWORD@HOST:PORT/DATABASE"},
		{"mysql://linkfin:secret@127.0.0.1/linkfin", []string{"migrate"}, "LINKFIN_DB=mysql://linkfin:xxxxx@127.0.0.1/linkfin: linkfin's database is a SQLite file (its path) or PostgreSQL (a postgres:// URL), not mysql"},
		{tmp, []string{"migrate"}, tmp + " is a directory, not a database file: check LINKFIN_DB (or --data, for a data directory)"},
		{missing, []string{"verify", "--data", tmp}, "no database at " + missing + ": check --data and LINKFIN_DB"},
		{filepath.Join(tmp, "no", "x.db"), []string{"migrate"}, "or a file with LINKFIN_DB"},
		{"postgres://linkfin@127.0.0.1:1/linkfin", []string{"migrate", "--db", "postgres://linkfin@127.0.0.1:1/other"}, "\ncheck --db's postgres:// URL"},
		{"mysql://127.0.0.1/linkfin", []string{"verify", "--db", "mysql://127.0.0.1/other"}, "--db mysql://127.0.0.1/other: linkfin's database"},
	} {
		t.Setenv("LINKFIN_DB", tc.env)
		code, stdout, stderr := cli(t, tc.args...)
		fromEnv := !slices.Contains(tc.args, "--db")
		if code != 1 || stdout != "" || !strings.HasPrefix(stderr, "linkfin "+tc.args[0]+": ") || !strings.Contains(stderr, tc.want) ||
			strings.Contains(stderr, "secret") || fromEnv && strings.Contains(stderr, "--db") {
			t.Errorf("LINKFIN_DB=%s linkfin %q: exit %d, want 1 and %q, and no --db where the environment named the database\nstdout:\n%s\nstderr:\n%s", tc.env, tc.args, code, tc.want, stdout, stderr)
		}
	}
}

// TestServeRefusesNegativeSettings: a negative limit or period (which the limiters
// would take for none), a rate that is no number or none, a session that lasts no
// time or may idle longer than it lasts, and due work run back to back are refused as a command line serve cannot take, exit 2, naming the flags,
// before a data directory, database or key is made.
func TestServeRefusesNegativeSettings(t *testing.T) {
	isolate(t)
	dir := filepath.Join(t.TempDir(), "data")
	for _, tc := range []struct {
		flag, value, want string
	}{
		{"--rate-limit", "-5", "are 0 or more (0: no limit, or never)"},
		{"--rate-limit", "NaN", "are 0 or more"},
		{"--rate-limit", "+Inf", "are 0 or more"},
		{"--auth-fail-limit", "nan", "are 0 or more"},
		{"--rate-burst", "-1", "are 0 or more"},
		{"--auth-fail-limit", "-1", "are 0 or more"},
		{"--auth-fail-burst", "-1", "are 0 or more"},
		{"--schedule-every", "-1s", "are 0 or more"},
		{"--session-max", "0", "--session-max and --session-idle are positive durations"},
		{"--session-idle", "-1h", "--session-max and --session-idle are positive durations"},
		{"--session-idle", "13h", "--session-idle (13h0m0s) is longer than --session-max (12h0m0s), which ends a session however it is used"},
		{"--schedule-every", "1ns", "--schedule-every is 0 (never) or a period of 1s or more, such as 1h, not 1ns"},
		{"--schedule-every", "999ms", "not 999ms"},
	} {
		code, stdout, stderr := cli(t, "serve", "--addr", "127.0.0.1:0", "--data", dir, tc.flag, tc.value)
		if code != 2 || stdout != "" || !strings.HasPrefix(stderr, "linkfin serve: ") || !strings.Contains(stderr, tc.want) ||
			!strings.HasSuffix(stderr, "\nRun \"linkfin serve --help\" for its flags.\n") {
			t.Errorf("serve %s %s: exit %d\nstdout:\n%s\nstderr:\n%s", tc.flag, tc.value, code, stdout, stderr)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("a refused serve made %s (%v)", dir, err)
	}
	// A --session-max shorter than the default idle time is taken: sessions then idle
	// as long as they last.
	s := serve(t, "--data", dir, "--session-max", "1h")
	if code := s.stop(); code != 0 {
		t.Errorf("serve --session-max 1h: exit %d\n%s", code, s.stderr)
	}
}

// TestPostgresRefusalsInWords: a PostgreSQL database that refuses linkfin's schema is
// said with what to do, naming the flag that gave its URL: a search_path that names
// no schema (for migrate's --db and copy's --to).
func TestPostgresRefusalsInWords(t *testing.T) {
	if pgtest.URL() == "" {
		t.Skip("no PostgreSQL: set LINKFIN_TEST_POSTGRES_URL (.ci/run does)")
	}
	isolate(t)
	u, err := url.Parse(pgtest.URL())
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", "lf_test_absent_"+strings.ToLower(rand.Text()))
	u.RawQuery = q.Encode()
	data := filepath.Join(t.TempDir(), "data")
	if code, _, stderr := cli(t, "migrate", "--data", data); code != 0 {
		t.Fatal(stderr)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"migrate", "--db", u.String()}, "(SQLSTATE 3F000)\nthe search_path of --db names no schema of the database: create the schema"},
		{[]string{"copy", "--data", data, "--to", u.String()}, "(SQLSTATE 3F000)\nthe search_path of --to names no schema of the database: create the schema"},
	} {
		code, stdout, stderr := cli(t, tc.args...)
		if code != 1 || stdout != "" || !strings.Contains(stderr, tc.want) {
			t.Errorf("linkfin %s: exit %d, want 1 and %q\nstdout:\n%s\nstderr:\n%s", tc.args[0], code, tc.want, stdout, stderr)
		}
	}
}

// TestPostgresDeniedInWords: a linkfin database in PostgreSQL whose tables the user of
// --db may not read is said to be that, with what to grant, by every command that
// opens one (keys with --local), and not to hold no linkfin database.
func TestPostgresDeniedInWords(t *testing.T) {
	if pgtest.URL() == "" {
		t.Skip("no PostgreSQL: set LINKFIN_TEST_POSTGRES_URL (.ci/run does)")
	}
	isolate(t)
	db := pgtest.Schema(t, pgtest.URL())
	if code, _, stderr := cli(t, "migrate", "--db", db); code != 0 {
		t.Fatal(stderr)
	}
	// The test's user makes no other user: it denies itself the tables it owns, as a
	// user other than linkfin's is denied them.
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `DO $$ BEGIN EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM CURRENT_USER', current_schema()); END $$`); err != nil {
		t.Fatal(err)
	}
	denied := "may not read linkfin's tables in postgres://"
	grant := "\nthe PostgreSQL user of --db may not make or use linkfin's tables there: "
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"verify", "--db", db}, []string{"linkfin verify: the PostgreSQL user of --db " + denied, grant, "GRANT ALL ON ALL TABLES IN SCHEMA"}},
		{[]string{"backup", "--db", db, "--to", filepath.Join(t.TempDir(), "b")}, []string{"linkfin backup: the PostgreSQL user of --db " + denied, grant}},
		{[]string{"copy", "--db", db, "--to", filepath.Join(t.TempDir(), "c.db")}, []string{"linkfin copy: the PostgreSQL user of --db " + denied, grant}},
		{[]string{"keys", "create", "--local", "--db", db, "--org", "acme", "--role", "finance"}, []string{"linkfin keys: the PostgreSQL user of --db " + denied, grant}},
		{[]string{"keys", "revoke", "0123456789abcdef", "--local", "--db", db}, []string{"linkfin keys: the PostgreSQL user of --db " + denied, grant}},
		{[]string{"migrate", "--db", db}, []string{grant, "GRANT ALL ON ALL TABLES IN SCHEMA"}},
		{[]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, []string{grant}},
	} {
		code, stdout, stderr := cli(t, tc.args...)
		ok := code == 1 && strings.Contains(stderr, "(SQLSTATE 42501)") && !strings.Contains(stderr, "holds no linkfin database") && !strings.Contains(stderr, "linkfin_ci:linkfin_ci@")
		for _, w := range tc.want {
			ok = ok && strings.Contains(stderr, w)
		}
		if !ok {
			t.Errorf("linkfin %s: exit %d, want 1 and %q\nstdout:\n%s\nstderr:\n%s", tc.args[0], code, tc.want, stdout, stderr)
		}
	}
}

// TestServeEveryAddress: serve on every address of the machine (0.0.0.0, or no host)
// says an address to open, this machine's own, not 0.0.0.0 or [::], and that it
// listens on the others too.
func TestServeEveryAddress(t *testing.T) {
	isolate(t)
	for _, addr := range []string{"0.0.0.0:0", ":0"} {
		s := serve(t, "--data", t.TempDir(), "--addr", addr)
		out := s.stdout.String()
		if !strings.HasPrefix(s.addr, "127.0.0.1:") || !strings.Contains(out, "\nand on every other address of this machine (--addr "+addr+")\n") ||
			!strings.Contains(out, "the console: http://"+s.addr+"/ ") {
			t.Errorf("serve --addr %s:\n%s", addr, out)
		}
		s.want("GET", "/healthz", "", "", http.StatusOK)
		if code := s.stop(); code != 0 {
			t.Errorf("serve --addr %s: exit %d\n%s", addr, code, s.stderr)
		}
	}
}
