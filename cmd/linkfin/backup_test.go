package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestBackup: linkfin backup copies a running server's database, as of one moment,
// while requests go on writing, with the data directory's keys and calendars, into a
// new directory that verifies and that a server starts on: the same operator key
// opens it, and what it writes is signed with the same log key.
func TestBackup(t *testing.T) {
	isolate(t)
	dir := filepath.Join(t.TempDir(), "data")
	cal := filepath.Join(dir, "calendars", "cn")
	if err := os.MkdirAll(cal, 0o755); err != nil {
		t.Fatal(err)
	}
	// 2093: no other test of this package reads it.
	calendar := []byte(`{"year": 2093, "days": [{"name": "元旦", "date": "2093-01-01", "isOffDay": true}]}`)
	os.WriteFile(filepath.Join(cal, "2093.json"), calendar, 0o644)
	s := serve(t, "--data", dir)
	s.want("POST", "/v1/organizations", s.key, `{"id":"before","name":"Before the backup","capabilities":["trade"]}`, http.StatusCreated)

	writing := writeOn(t, s) // while the backup runs
	to := filepath.Join(t.TempDir(), "backup")
	code, stdout, stderr := cli(t, "backup", "--data", dir, "--to", to)
	made := writing()
	if code != 0 || !strings.Contains(stdout, "backup of "+filepath.Join(dir, "linkfin.db")+" in "+to+": linkfin.db, log.key, webhook.key, credentials.key, "+filepath.Join("calendars", "cn", "2093.json")+"\n") ||
		!strings.Contains(stdout, "\nOK: ") {
		t.Fatalf("backup: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	t.Logf("%d organizations made, some of them while the backup ran", made)
	s.stop()

	wantMode(t, to, 0o700)
	for _, name := range []string{"linkfin.db", "log.key", "webhook.key", "credentials.key"} {
		wantMode(t, filepath.Join(to, name), 0o600)
	}
	for _, name := range []string{"log.key", "webhook.key", "credentials.key", filepath.Join("calendars", "cn", "2093.json")} {
		a, err1 := os.ReadFile(filepath.Join(dir, name))
		b, err2 := os.ReadFile(filepath.Join(to, name))
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: the backup's differs from the data directory's (%v, %v)", name, err1, err2)
		}
	}
	if code, stdout, _ := cli(t, "verify", "--data", to); code != 0 || !strings.Contains(stdout, "\nOK: ") {
		t.Fatalf("verify of the backup: exit %d\n%s", code, stdout)
	}

	r := serve(t, "--data", to)
	r.want("GET", "/v1/organizations/before", s.key, "", http.StatusOK)
	r.want("POST", "/v1/organizations", s.key, `{"id":"after","name":"After the restore","capabilities":["trade"]}`, http.StatusCreated)
	if !strings.Contains(r.stdout.String(), "calendar CN: the holidays of 2093 from "+filepath.Join(to, "calendars", "cn", "2093.json")) {
		t.Errorf("the restored server did not load the backup's calendar:\n%s", r.stdout)
	}
	r.stop()
	if code, stdout, _ := cli(t, "verify", "--data", to); code != 0 || !strings.Contains(stdout, "\nOK: ") {
		t.Fatalf("verify after the restored server wrote: exit %d\n%s", code, stdout)
	}
}

// TestBackupRefused: a backup goes into a new directory, of a SQLite database that
// exists; each refusal says why and leaves what was there as it was.
func TestBackupRefused(t *testing.T) {
	isolate(t)
	dir := filepath.Join(t.TempDir(), "data")
	s := serve(t, "--data", dir)
	s.stop()

	there := t.TempDir()
	marker := filepath.Join(there, "keep")
	os.WriteFile(marker, []byte("mine"), 0o600)
	code, _, stderr := cli(t, "backup", "--data", dir, "--to", there)
	if code != 1 || !strings.Contains(stderr, there+" already exists: a backup goes into a new directory") {
		t.Errorf("into an existing directory: exit %d\n%s", code, stderr)
	}
	if entries, _ := os.ReadDir(there); len(entries) != 1 {
		t.Errorf("the existing directory now holds %d entries, want its 1", len(entries))
	}

	fresh := filepath.Join(t.TempDir(), "none")
	code, _, stderr = cli(t, "backup", "--data", filepath.Join(t.TempDir(), "empty"), "--to", fresh)
	if code != 1 || !strings.Contains(stderr, "no database at") {
		t.Errorf("with no database: exit %d\n%s", code, stderr)
	}
	if code, _, stderr = cli(t, "backup", "--data", dir); code != 2 || !strings.Contains(stderr, "--to is required") {
		t.Errorf("without --to: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(fresh); !os.IsNotExist(err) {
		t.Errorf("a refused backup left %s (%v)", fresh, err)
	}
}

// writeOn makes organizations on the server, one after another, from 20 made on, until
// the function it returns is called, which says how many it made.
func writeOn(t *testing.T, s *server) func() int {
	t.Helper()
	stop, going := make(chan struct{}), make(chan struct{})
	var (
		wg    sync.WaitGroup
		made  int
		begun sync.Once
	)
	wg.Go(func() {
		defer begun.Do(func() { close(going) }) // if it stops early, the test goes on to fail
		for ; ; made++ {
			select {
			case <-stop:
				return
			default:
			}
			if made == 20 {
				begun.Do(func() { close(going) })
			}
			if code, b := s.do("POST", "/v1/organizations", s.key, fmt.Sprintf(`{"id":"during-%d","name":"During %d","capabilities":["trade"]}`, made, made)); code != http.StatusCreated {
				t.Errorf("a write: %d %s", code, b)
				return
			}
		}
	})
	<-going
	return func() int {
		close(stop)
		wg.Wait()
		return made
	}
}

// TestBackupPostgres: a PostgreSQL database is backed up as of one snapshot while
// requests write, into the backup's SQLite file, with the keys: it verifies, a server
// on it (SQLite) opens with the operator key, and linkfin copy moves it back into
// PostgreSQL.
func TestBackupPostgres(t *testing.T) {
	isolate(t)
	url := postgresURL(t)
	if url == "" {
		t.Skip("no PostgreSQL (LINKFIN_TEST_POSTGRES_URL)")
	}
	dir := t.TempDir()
	s := serve(t, "--data", dir, "--db", url)
	s.want("POST", "/v1/organizations", s.key, `{"id":"before","name":"Before the backup","capabilities":["trade"]}`, http.StatusCreated)
	writing := writeOn(t, s)
	to := filepath.Join(t.TempDir(), "backup")
	code, stdout, stderr := cli(t, "backup", "--data", dir, "--db", url, "--to", to)
	made := writing()
	if code != 0 || !strings.Contains(stdout, "backup of postgres://") || !strings.Contains(stdout, "in "+to+": linkfin.db, log.key, webhook.key, credentials.key\n") ||
		!strings.Contains(stdout, "\nOK: ") {
		t.Fatalf("backup: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	t.Logf("%d organizations made, some of them while the backup ran", made)
	s.stop()
	wantMode(t, filepath.Join(to, "linkfin.db"), 0o600)

	r := serve(t, "--data", to)
	r.want("GET", "/v1/organizations/before", s.key, "", http.StatusOK)
	r.stop()
	back := postgresURL(t)
	if code, stdout, stderr := cli(t, "copy", "--data", to, "--to", back); code != 0 || !strings.Contains(stdout, "\nOK: ") {
		t.Fatalf("copy of the backup into PostgreSQL: exit %d\n%s%s", code, stdout, stderr)
	}
}
