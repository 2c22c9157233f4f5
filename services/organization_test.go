package services_test

import (
	"context"
	"encoding/json"
	"testing"

	"linkfin"
	"linkfin/services"
)

// The operator sets what an organization may do: an unknown organization or
// capability is refused and changes nothing; the same capabilities again log nothing.
func TestSetCapabilities(t *testing.T) {
	w := newWorld(t)
	w.must(&services.CreateOrganization{Org: linkfin.Organization{ID: "newco", Name: "New Co", Capabilities: []linkfin.Capability{linkfin.CapTrade}}})
	w.refused(&services.SetCapabilities{OrgID: "nobody", Capabilities: []linkfin.Capability{linkfin.CapTrade}}, linkfin.ENOTFOUND)
	w.refused(&services.SetCapabilities{OrgID: "newco", Capabilities: []linkfin.Capability{"banking"}}, linkfin.EINVALID)
	o, err := run[linkfin.Organization](w, &services.SetCapabilities{OrgID: "newco", Capabilities: []linkfin.Capability{linkfin.CapAnchor, linkfin.CapTrade}})
	if err != nil || !o.Can(linkfin.CapAnchor) || !o.Can(linkfin.CapTrade) {
		t.Fatalf("granting anchor: %+v, %v", o, err)
	}
	events := len(w.db.Events())
	if err := w.db.Run(context.Background(), &services.SetCapabilities{OrgID: "newco", Capabilities: []linkfin.Capability{linkfin.CapTrade, linkfin.CapAnchor}}, new(json.RawMessage)); err != nil {
		t.Fatal(err)
	}
	if n := len(w.db.Events()); n != events {
		t.Fatalf("the same capabilities again logged %d events", n-events)
	}
}

// An organization's name is another's if the two differ in case, width or white space
// alone: a second one is refused, organization_name_taken, and logs nothing; a retry
// of the first with its fields answers it as it is, and a name that differs in a
// letter is taken.
func TestOrganizationNameTaken(t *testing.T) {
	w := newWorld(t)
	org := func(id, name string) *services.CreateOrganization {
		return &services.CreateOrganization{Org: linkfin.Organization{ID: id, Name: name, Capabilities: []linkfin.Capability{linkfin.CapTrade}}}
	}
	w.must(org("acme", "Acme Castings Co."), org("huaxin", "华鑫精密铸造有限公司"))
	for _, name := range []string{
		"ACME CASTINGS CO.",      // case
		"acme castings co.",      // case
		" Acme  Castings   Co. ", // spacing
		"AcmeCastings Co.",       // spacing
		"Ａｃｍｅ　Ｃａｓｔｉｎｇｓ　Ｃｏ．", // full width, an ideographic space
		"华鑫精密铸造有限公司 ",       // a space after
		"华鑫精密铸造　有限公司",       // an ideographic space within
	} {
		w.refused(org("acme2", name), services.EORGNAMETAKEN)
	}
	if r, err := run[services.OrganizationResult](w, org("acme", "Acme Castings Co.")); err != nil || !r.Existed {
		t.Fatalf("the first again: %+v, %v", r, err)
	}
	w.must(org("acme2", "Acme Castings Ltd."), org("huaxin2", "华鑫精密铸造有限公司二厂"))
}
