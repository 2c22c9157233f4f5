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
