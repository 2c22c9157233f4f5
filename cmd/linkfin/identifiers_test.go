package main

import (
	"net/http"
	"strings"
	"testing"

	"linkfin"
	"linkfin/storetest"
)

// TestIdentifiersKeyedAgain starts serve on a database whose identifiers were
// registered before they were compared without every invisible character: "zw"
// registered 91310000MA1FL5LX3, U+FE0F, Q under its key of then, with the variation
// selector in it, and "late" registered CN55, U+180B, 66 while "early" held CN5566.
// serve registers zw's under its key now, once, so that another organization is
// refused 91310000MA1FL5LX3Q (409 identifier_taken), and logs late's, which early
// holds, as a warning, and so "filler"'s, of Hangul fillers alone, which names nothing
// now; verify passes, and a later start registers nothing.
func TestIdentifiersKeyedAgain(t *testing.T) {
	dir := t.TempDir()
	s := serve(t, "--data", dir)
	key := s.key
	if code := s.stop(); code != 0 {
		t.Fatalf("serve: exit %d\n%s", code, s.stderr)
	}
	var cs []linkfin.Command
	for _, l := range []struct {
		org, key string
		id       linkfin.Identifier
	}{
		{"zw", "legal~~91310000MA1FL5LX3\ufe0fQ", linkfin.Identifier{Type: linkfin.IdentifierLegal, Value: "91310000MA1FL5LX3\ufe0fQ"}},
		{"early", "vat~~CN5566", linkfin.Identifier{Type: linkfin.IdentifierVAT, Value: "CN5566"}},
		{"late", "vat~~CN55\u180b66", linkfin.Identifier{Type: linkfin.IdentifierVAT, Value: "CN55\u180b66"}},
		{"filler", "legal~~\u3164\u3164", linkfin.Identifier{Type: linkfin.IdentifierLegal, Value: "\u3164\u3164"}},
	} {
		cs = append(cs, &storetest.LegacyOrganization{Org: linkfin.Organization{ID: l.org, Name: l.org + " Ltd",
			Capabilities: []linkfin.Capability{linkfin.CapTrade}, Identifiers: []linkfin.Identifier{l.id}}},
			&legacyIdentifier{linkfin.IdentifierHolder{ID: l.key, OrgID: l.org, Identifier: l.id}})
	}
	// Names registered as now; identifiers not yet.
	writeLegacy(t, dir, map[string]string{metaNamesKey: "", metaIdentifiersKey: ""}, cs...)

	s = serve(t, "--data", dir)
	s.want("POST", "/v1/organizations", key, `{"id":"newco","name":"New Co","capabilities":["trade"]}`, http.StatusCreated)
	for _, value := range []string{"91310000MA1FL5LX3Q", `91310000MA1FL5LX3\ufe0fQ`, `91310000MA1FL5LX3\u034fQ`} {
		b := s.want("POST", "/v1/organizations/newco/identifiers", key, `{"type":"legal","value":"`+value+`"}`, http.StatusConflict)
		if !strings.Contains(string(b), `"code":"identifier_taken"`) {
			t.Fatalf("%s: %s", value, b)
		}
	}
	b := s.want("POST", "/v1/organizations/zw/identifiers", key, `{"type":"legal","value":"91310000MA1FL5LX3\ufe0fQ"}`, http.StatusOK)
	if strings.Count(string(b), "91310000MA1FL5LX3") != 1 {
		t.Fatalf("zw's own retry: %s", b)
	}
	if code := s.stop(); code != 0 {
		t.Fatalf("serve: exit %d\n%s", code, s.stderr)
	}
	logged := s.stderr.String()
	if !strings.Contains(logged, "identifiers=1") || !strings.Contains(logged, "organization=late") || !strings.Contains(logged, "organization=filler") {
		t.Fatalf("serve logged:\n%s", logged)
	}
	if code, stdout, stderr := cli(t, "verify", "--data", dir); code != 0 || !strings.Contains(stdout, "\nOK: ") {
		t.Fatalf("verify: exit %d\n%s%s", code, stdout, stderr)
	}
	s = serve(t, "--data", dir)
	if code := s.stop(); code != 0 || strings.Contains(s.stderr.String(), "organization=") || strings.Contains(s.stderr.String(), "registered the identifiers") {
		t.Fatalf("serve again: exit %d\n%s", code, s.stderr)
	}
}

// legacyIdentifier writes an identifier's registry record as linkfin wrote it before
// identifiers were compared without every invisible character, under its key of then.
type legacyIdentifier struct{ h linkfin.IdentifierHolder }

func (c *legacyIdentifier) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindIdentifier, ID: c.h.ID}}
}

func (c *legacyIdentifier) Apply(tx linkfin.Tx) (any, error) {
	return &c.h, tx.Put(linkfin.KindIdentifier, c.h.ID, &c.h, "identifier.registered")
}
