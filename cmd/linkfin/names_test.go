package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"linkfin"
	"linkfin/engine"
	"linkfin/storetest"
)

// TestNamesOfOldOrganizations starts serve on a database whose organizations were
// registered before names were: it registers their names, so that a new organization
// is refused an old one's name in another case (409 organization_name_taken); an old
// one whose name an older one holds is logged, and left as it is. verify passes, and
// a later start registers nothing again.
func TestNamesOfOldOrganizations(t *testing.T) {
	dir := t.TempDir()
	s := serve(t, "--data", dir)
	key := s.key
	if code := s.stop(); code != 0 {
		t.Fatalf("serve: exit %d\n%s", code, s.stderr)
	}
	// The database as one made before names were registered holds it: organizations
	// without their names' records, and no mark that names were registered.
	writeLegacyOrganizations(t, dir, "", [][2]string{{"acme", "Acme Castings Co."}, {"acme-old", "ACME Castings Co."}, {"huaxin", "华鑫精密铸造有限公司"}})

	s = serve(t, "--data", dir)
	for _, name := range []string{"acme castings co.", "华鑫精密铸造 有限公司"} {
		b := s.want("POST", "/v1/organizations", key, `{"id":"newco","name":"`+name+`","capabilities":["trade"]}`, http.StatusConflict)
		if !strings.Contains(string(b), `"code":"organization_name_taken"`) {
			t.Fatalf("%s: %s", name, b)
		}
	}
	s.want("POST", "/v1/organizations", key, `{"id":"newco","name":"New Co","capabilities":["trade"]}`, http.StatusCreated)
	if code := s.stop(); code != 0 {
		t.Fatalf("serve: exit %d\n%s", code, s.stderr)
	}
	logged := s.stderr.String()
	if !strings.Contains(logged, "organizations=2") || !strings.Contains(logged, "organization=acme-old") || !strings.Contains(logged, "holder=acme") {
		t.Fatalf("serve logged:\n%s", logged)
	}
	if code, stdout, stderr := cli(t, "verify", "--data", dir); code != 0 || !strings.Contains(stdout, "\nOK: ") {
		t.Fatalf("verify: exit %d\n%s%s", code, stdout, stderr)
	}
	// Once registered, a start reads nothing more, and logs nothing of names.
	s = serve(t, "--data", dir)
	if code := s.stop(); code != 0 || strings.Contains(s.stderr.String(), "holder=") || strings.Contains(s.stderr.String(), "registered the names") {
		t.Fatalf("serve again: exit %d\n%s", code, s.stderr)
	}
}

// TestNamesFoldedAgain starts serve on a database whose names were registered before
// names were compared without invisible characters ("yes"), and whose organization
// "Zero\u200bWidth Ltd" holds its name as it was folded then, character and all, as
// linkfin wrote it: serve registers its name again, once, as it reads now, so that a
// new organization is refused it (409 organization_name_taken) as "Zerowidth Ltd" and
// as "Zero\u200bWidth Ltd", which CreateOrganization reads under the key of now
// alone; the rest, already registered, are passed over. verify passes, and a later
// start registers nothing again.
func TestNamesFoldedAgain(t *testing.T) {
	dir := t.TempDir()
	s := serve(t, "--data", dir)
	key := s.key
	if code := s.stop(); code != 0 {
		t.Fatalf("serve: exit %d\n%s", code, s.stderr)
	}
	sum := sha256.Sum256([]byte("zero\u200bwidthltd")) // the name as it was folded then
	old := linkfin.FoldedIDKey("organization_name", "", hex.EncodeToString(sum[:]))
	writeLegacyOrganizations(t, dir, "yes", [][2]string{{"zw", "Zero\u200bWidth Ltd"}},
		&legacyRecord{linkfin.KindFoldedID, old, &linkfin.FoldedID{ID: old, Taken: "zw"}, "folded_id.taken"})
	s = serve(t, "--data", dir)
	for _, name := range []string{"Zerowidth Ltd", "Zero\u200bWidth Ltd", "ZERO\u200b WIDTH LTD"} {
		b := s.want("POST", "/v1/organizations", key, `{"id":"newco","name":"`+name+`","capabilities":["trade"]}`, http.StatusConflict)
		if !strings.Contains(string(b), `"code":"organization_name_taken"`) || !strings.Contains(string(b), "organization zw's") {
			t.Fatalf("%q: %s", name, b)
		}
	}
	if code := s.stop(); code != 0 || !strings.Contains(s.stderr.String(), "organizations=1") {
		t.Fatalf("serve: exit %d\n%s", code, s.stderr)
	}
	if code, stdout, stderr := cli(t, "verify", "--data", dir); code != 0 || !strings.Contains(stdout, "\nOK: ") {
		t.Fatalf("verify: exit %d\n%s%s", code, stdout, stderr)
	}
	s = serve(t, "--data", dir)
	if code := s.stop(); code != 0 || strings.Contains(s.stderr.String(), "registered the names") {
		t.Fatalf("serve again: exit %d\n%s", code, s.stderr)
	}
}

// writeLegacyOrganizations writes, into the database of the data directory dir, which
// no serve runs on, organizations as linkfin wrote them before names were registered
// (the organization's record alone), and sets the mark that names were registered to
// names ("" for none); then it runs more, commands that write other records as linkfin
// wrote them.
func writeLegacyOrganizations(t *testing.T, dir, names string, orgs [][2]string, more ...linkfin.Command) {
	t.Helper()
	var cs []linkfin.Command
	for _, o := range orgs {
		cs = append(cs, &storetest.LegacyOrganization{Org: linkfin.Organization{ID: o[0], Name: o[1], Capabilities: []linkfin.Capability{linkfin.CapTrade}}})
	}
	writeLegacy(t, dir, map[string]string{metaNamesKey: names}, append(cs, more...)...)
}

// writeLegacy runs, through an engine on the database of the data directory dir,
// which no serve runs on, commands that write records as linkfin wrote them before,
// and then sets the meta entries meta.
func writeLegacy(t *testing.T, dir string, meta map[string]string, cs ...linkfin.Command) {
	t.Helper()
	ctx := context.Background()
	db := openDB(t, filepath.Join(dir, "linkfin.db"))
	skey, err := os.ReadFile(filepath.Join(dir, "log.key"))
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(strings.TrimSpace(string(skey)))
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.Open(ctx, engine.Config{Store: db, Signer: signer, Origin: Origin})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if err := e.Run(ctx, c, new(json.RawMessage)); err != nil {
			t.Fatal(err)
		}
	}
	e.Close()
	for k, v := range meta {
		if err := db.SetMeta(ctx, k, v); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
}
