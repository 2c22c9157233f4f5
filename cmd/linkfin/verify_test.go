package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
	"linkfin/tlog"
)

// verify --record keeps its outcome as the platform's last verification, which the
// console's audit page shows; the database verifies with it recorded.
func TestVerifyRecords(t *testing.T) {
	dir := t.TempDir()
	s := serve(t, "--data", dir)
	if code := s.stop(); code != 0 {
		t.Fatalf("serve: exit %d\n%s", code, s.stderr)
	}
	code, stdout, stderr := cli(t, "verify", "--data", dir, "--record")
	if code != 0 || !strings.Contains(stdout, "recorded:    the platform's last verification") {
		t.Fatalf("verify --record: exit %d\n%s%s", code, stdout, stderr)
	}
	db := openDB(t, filepath.Join(dir, "linkfin.db"))
	o, err := db.Object(context.Background(), services.KindVerification, "last")
	if err != nil {
		t.Fatalf("no verification recorded: %v", err)
	}
	var v services.Verification
	json.Unmarshal(o.Data, &v)
	if !v.OK || v.By != "cli" || v.Events == 0 {
		t.Fatalf("recorded %+v", v)
	}
	db.Close()
	if code, stdout, _ := cli(t, "verify", "--data", dir); code != 0 || !strings.Contains(stdout, "\nOK: ") {
		t.Fatalf("verify after recording: exit %d\n%s", code, stdout)
	}
	// While a server runs on the database, --record is refused before anything is
	// verified: nothing is printed of a verification that is not recorded.
	s = serve(t, "--data", dir)
	defer s.stop()
	code, stdout, stderr = cli(t, "verify", "--data", dir, "--record")
	if code != 1 || stdout != "" || !strings.HasPrefix(stderr, "linkfin verify: --record: ") || !strings.Contains(stderr, "(writer_locked): a server is running on this database") {
		t.Fatalf("verify --record beside a server: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

// TestVerifyCheckpoint: a database rolled back (a copy older than a checkpoint the
// server published) verifies by itself; against the checkpoint an auditor kept, verify
// --checkpoint fails it, naming the sizes, and fails a log rewritten after it. A
// checkpoint not signed with the log's key is refused.
func TestVerifyCheckpoint(t *testing.T) {
	isolate(t)
	dir, old := filepath.Join(t.TempDir(), "data"), filepath.Join(t.TempDir(), "old")
	files := t.TempDir()
	keep := func(s *server, name string) (linkfin.CheckpointOut, string) {
		t.Helper()
		b := s.want("GET", "/v1/audit/checkpoint", s.key, "", http.StatusOK)
		var cp linkfin.CheckpointOut
		if err := json.Unmarshal(b, &cp); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(files, name)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return cp, path
	}
	s := serve(t, "--data", dir)
	s.want("POST", "/v1/organizations", s.key, `{"id":"first","name":"First","capabilities":["trade"]}`, http.StatusCreated)
	early, earlyJSON := keep(s, "early.json")
	earlyNote := filepath.Join(files, "early.note")
	os.WriteFile(earlyNote, []byte(early.Note+"\n"), 0o600) // as `jq -r .note` saves it
	if code, stdout, stderr := cli(t, "backup", "--data", dir, "--to", old); code != 0 {
		t.Fatalf("backup: exit %d\n%s%s", code, stdout, stderr)
	}
	for i := range 3 {
		s.want("POST", "/v1/organizations", s.key, fmt.Sprintf(`{"id":"later-%d","name":"Later %d","capabilities":["trade"]}`, i, i), http.StatusCreated)
	}
	late, lateJSON := keep(s, "late.json")
	if code := s.stop(); code != 0 || late.Size <= early.Size {
		t.Fatalf("serve: exit %d; checkpoints of %d and %d events", code, early.Size, late.Size)
	}

	for _, c := range []struct{ data, checkpoint string }{
		{dir, earlyJSON}, {dir, earlyNote}, {dir, lateJSON}, {old, earlyJSON},
	} {
		code, stdout, stderr := cli(t, "verify", "--data", c.data, "--checkpoint", c.checkpoint)
		if code != 0 || !strings.Contains(stdout, "\ncheckpoint:  ") || !strings.Contains(stdout, "\nOK: ") {
			t.Fatalf("verify --data %s --checkpoint %s: exit %d\n%s%s", c.data, c.checkpoint, code, stdout, stderr)
		}
	}

	// The copy taken before the late checkpoint is a whole log, as it once was: it
	// verifies alone, and not against the checkpoint.
	if code, stdout, _ := cli(t, "verify", "--data", old); code != 0 {
		t.Fatalf("verify of the older copy: exit %d\n%s", code, stdout)
	}
	code, stdout, stderr := cli(t, "verify", "--data", old, "--checkpoint", lateJSON)
	want := fmt.Sprintf("kept checkpoint: it covers %d events, the database's log has %d: the database was rolled back", late.Size, early.Size)
	if code != 1 || !strings.Contains(stdout, want) || strings.Contains(stdout, "\nOK: ") {
		t.Fatalf("verify of the older copy against a later checkpoint: exit %d, want 1 and %q\n%s%s", code, want, stdout, stderr)
	}

	// The older copy served and written on other events than the late checkpoint's: a
	// log as long, which is not the one the checkpoint signed.
	r := serve(t, "--data", old)
	for i := 0; ; i++ {
		var cp linkfin.CheckpointOut
		json.Unmarshal(r.want("GET", "/v1/audit/checkpoint", s.key, "", http.StatusOK), &cp)
		if cp.Size >= late.Size {
			break
		}
		r.want("POST", "/v1/organizations", s.key, fmt.Sprintf(`{"id":"other-%d","name":"Other %d","capabilities":["trade"]}`, i, i), http.StatusCreated)
	}
	r.stop()
	code, stdout, stderr = cli(t, "verify", "--data", old, "--checkpoint", lateJSON)
	want = fmt.Sprintf("kept checkpoint: its tree of %d events (root %s) is not the first %d events of the database's log", late.Size, late.Root, late.Size)
	if code != 1 || !strings.Contains(stdout, want) {
		t.Fatalf("verify of a rewritten log against the checkpoint: exit %d, want 1 and %q\n%s%s", code, want, stdout, stderr)
	}

	// A checkpoint signed with another key, or not a checkpoint: refused, before
	// anything is verified.
	signer := newSigner(t)
	tree := tlog.Tree{Size: late.Size}
	root, _ := base64.StdEncoding.DecodeString(late.Root)
	copy(tree.Hash[:], root)
	forged, err := tlog.SignCheckpoint(signer, Origin, tree)
	if err != nil {
		t.Fatal(err)
	}
	forgedPath, junk := filepath.Join(files, "forged.note"), filepath.Join(files, "junk.json")
	os.WriteFile(forgedPath, forged, 0o600)
	os.WriteFile(junk, []byte(`{"size": 3}`), 0o600)
	for _, c := range []struct{ path, want string }{
		{forgedPath, "not a checkpoint of this log signed with its key"},
		{junk, "not the answer of GET /v1/audit/checkpoint"},
		{filepath.Join(files, "missing"), "no such file"},
	} {
		code, stdout, stderr := cli(t, "verify", "--data", dir, "--checkpoint", c.path)
		if code != 1 || stdout != "" || !strings.HasPrefix(stderr, "linkfin verify: --checkpoint "+c.path+": ") || !strings.Contains(stderr, c.want) {
			t.Fatalf("verify --checkpoint %s: exit %d, want 1 and %q\n%s%s", c.path, code, c.want, stdout, stderr)
		}
	}
}

// TestVerifyAnotherKey: verify --key with a key that is not the log's fails every
// checkpoint, and says which key the database records, so that the auditor tells a
// log of another key from a key of another log; "signed by:" names the key checked.
func TestVerifyAnotherKey(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	s := serve(t, "--data", dir)
	if code := s.stop(); code != 0 {
		t.Fatalf("serve: exit %d\n%s", code, s.stderr)
	}
	_, other, err := tlog.GenerateKey(Origin)
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := cli(t, "verify", "--data", dir)
	own := regexp.MustCompile(`(?m)^signed by:   (\S+)$`).FindStringSubmatch(stdout)
	if code != 0 || own == nil || strings.Contains(stdout, "recorded as:") {
		t.Fatalf("verify: exit %d\n%s", code, stdout)
	}
	code, stdout, stderr := cli(t, "verify", "--data", dir, "--key", other)
	if code != 1 || !strings.Contains(stdout, "\nsigned by:   "+other+"\n") || !strings.Contains(stdout, "\nFAILED: ") ||
		!strings.Contains(stdout, "\nrecorded as: "+own[1]+" (the key the database says its log is signed by, not --key's)\n") {
		t.Fatalf("verify --key of another log: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if code, stdout, _ := cli(t, "verify", "--data", dir, "--key", own[1]); code != 0 || strings.Contains(stdout, "recorded as:") {
		t.Fatalf("verify --key of its own log: exit %d\n%s", code, stdout)
	}
	// A verification with another key says nothing of the database: --record refuses
	// it, before it verifies, and records nothing; with the log's own key it records.
	code, stdout, stderr = cli(t, "verify", "--data", dir, "--key", other, "--record")
	if code != 1 || stdout != "" || !strings.HasPrefix(stderr, "linkfin verify: --record: --key is not the key the database records its log as signed by ("+own[1]+")") {
		t.Fatalf("verify --key of another log --record: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	db := openDB(t, filepath.Join(dir, "linkfin.db"))
	if _, err := db.Object(context.Background(), services.KindVerification, "last"); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		t.Fatalf("a verification with another key was recorded (%v)", err)
	}
	db.Close()
	if code, stdout, stderr := cli(t, "verify", "--data", dir, "--key", own[1], "--record"); code != 0 || !strings.Contains(stdout, "recorded:    the platform's last verification") {
		t.Fatalf("verify --key of its own log --record: exit %d\n%s%s", code, stdout, stderr)
	}
}
