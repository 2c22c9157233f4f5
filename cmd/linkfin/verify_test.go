package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"linkfin/services"
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
}
