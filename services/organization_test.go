package services_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"linkfin"
	"linkfin/services"
	"linkfin/storetest"
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

// Organizations registered before names were are listed by OrganizationsUnnamed, and
// RegisterOrganizationNames registers their names, each for the first organization of
// that name by id: a new organization is then refused an old one's name. An old one
// whose name another holds (an older one's, or that of one registered since) is left
// as it is and answered among Shared. Run again, the command logs nothing.
func TestRegisterOrganizationNames(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	trade := []linkfin.Capability{linkfin.CapTrade}
	for _, o := range [][2]string{{"acme", "Acme Castings Co."}, {"acme-old", "ACME CASTINGS CO."}, {"beta", "Beta Ltd"}, {"huaxin", "华鑫精密铸造有限公司"}} {
		w.must(&storetest.LegacyOrganization{Org: linkfin.Organization{ID: o[0], Name: o[1], Capabilities: trade}})
	}
	// Registered since names are, before the old ones' were: it holds beta's name.
	w.must(&services.CreateOrganization{Org: linkfin.Organization{ID: "alpha", Name: "BETA LTD", Capabilities: trade}})
	ids, err := services.OrganizationsUnnamed(ctx, w.db)
	if err != nil || !slices.Equal(ids, []string{"acme", "acme-old", "beta", "huaxin"}) {
		t.Fatalf("unnamed: %v, %v", ids, err)
	}
	events := len(w.db.Events())
	r, err := run[services.NamesRegistered](w, &services.RegisterOrganizationNames{IDs: ids})
	if err != nil || !slices.Equal(r.Registered, []string{"acme", "huaxin"}) || !slices.Equal(r.Shared, []services.SharedName{
		{ID: "acme-old", Name: "ACME CASTINGS CO.", With: "acme"}, {ID: "beta", Name: "Beta Ltd", With: "alpha"}}) {
		t.Fatalf("registered: %+v, %v", r, err)
	}
	for _, e := range w.db.Events()[events:] {
		if e.Type != "folded_id.taken" {
			t.Fatalf("logged %s", e.Type)
		}
	}
	if n := len(w.db.Events()) - events; n != 2 {
		t.Fatalf("logged %d events, want 2 (acme's name, huaxin's)", n)
	}
	org := func(id, name string) *services.CreateOrganization {
		return &services.CreateOrganization{Org: linkfin.Organization{ID: id, Name: name, Capabilities: trade}}
	}
	w.refused(org("acme2", "acme castings co."), services.EORGNAMETAKEN)
	w.refused(org("huaxin2", "华鑫精密铸造　有限公司"), services.EORGNAMETAKEN)
	// Again: the shared ones are still listed, and nothing is logged.
	ids, err = services.OrganizationsUnnamed(ctx, w.db)
	if err != nil || !slices.Equal(ids, []string{"acme-old", "beta"}) {
		t.Fatalf("unnamed after: %v, %v", ids, err)
	}
	events = len(w.db.Events())
	r, err = run[services.NamesRegistered](w, &services.RegisterOrganizationNames{IDs: []string{"huaxin", "acme", "acme-old", "beta", "nobody"}})
	if err != nil || len(r.Registered) != 0 || len(r.Shared) != 2 || len(w.db.Events()) != events {
		t.Fatalf("again: %+v, %v, %d events", r, err, len(w.db.Events())-events)
	}
}
