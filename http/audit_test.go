package http_test

import (
	"net/http"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"linkfin"
	"linkfin/tlog"
)

// TestPublicKey reads the log's public key from the API and checks the latest
// checkpoint with it, offline, as any party can.
func TestPublicKey(t *testing.T) {
	a := newAPI(t)
	var k linkfin.LogKey
	wantJSON(t, a.do("GET", "/v1/audit/public-key", ""), http.StatusOK, &k)
	if k.Key != a.logKey || k.Name != "linkfin" || k.Origin != "linkfin" || k.Algorithm != "ed25519" {
		t.Fatalf("public key %+v, want %s", k, a.logKey)
	}
	cp := a.checkpoint()
	if cp.PublicKey != k.Key {
		t.Fatalf("the checkpoint names the key %q, the API %q", cp.PublicKey, k.Key)
	}
	v, err := note.NewVerifier(k.Key)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := tlog.OpenCheckpoint([]byte(cp.Note), v, k.Origin)
	if err != nil || tree.Size != cp.Size || tree.Hash != rootOf(t, cp) {
		t.Fatalf("the checkpoint does not check with the served key: %+v, %v", tree, err)
	}
	// Another key does not check it.
	_, other, err := tlog.GenerateKey("linkfin")
	if err != nil {
		t.Fatal(err)
	}
	ov, _ := note.NewVerifier(other)
	if _, err := tlog.OpenCheckpoint([]byte(cp.Note), ov, k.Origin); err == nil {
		t.Fatal("the checkpoint checks with another key")
	}
	// It takes a key, as the other audit reads do.
	wantProblem(t, a.do("GET", "/v1/audit/public-key", "", "Authorization", ""), http.StatusUnauthorized, linkfin.EUNAUTHORIZED)
}
