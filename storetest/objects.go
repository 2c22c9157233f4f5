package storetest

import (
	"context"
	"strings"
	"testing"

	"linkfin"
	"linkfin/engine"
	"linkfin/ledger"
	"linkfin/services"
)

// testObjects runs domain commands through the engine: records stored, retried,
// refused without a trace, kept across a restart, and logged.
func testObjects(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	ctx := context.Background()
	create := func(o linkfin.Organization) (*linkfin.Organization, error) {
		var got services.OrganizationResult
		err := env.Engine.Run(ctx, &services.CreateOrganization{Org: o}, &got)
		return &got.Organization, err
	}
	anchor := linkfin.Organization{ID: "anchor-1", Name: "Core Auto Group", Capabilities: []linkfin.Capability{linkfin.CapAnchor, linkfin.CapTrade}}
	got, err := create(anchor)
	if err != nil {
		t.Fatal(err)
	}
	if got.CreatedAt.IsZero() || strings.Join(capNames(got.Capabilities), ",") != "trade,anchor" {
		t.Fatalf("created %+v", got)
	}
	// A retry answers the same record; other fields under the same id conflict.
	again, err := create(anchor)
	if err != nil || !again.CreatedAt.Equal(got.CreatedAt) {
		t.Fatalf("retry: %+v, %v", again, err)
	}
	other := anchor
	other.Name = "Someone Else"
	if _, err := create(other); !refusal(err, linkfin.ECONFLICT, "exists with other fields") {
		t.Fatalf("same id, other name: %v", err)
	}
	for _, c := range []struct {
		org   linkfin.Organization
		about string
	}{
		{linkfin.Organization{ID: "", Name: "x", Capabilities: []linkfin.Capability{linkfin.CapTrade}}, "1 to 64 characters"},
		{linkfin.Organization{ID: "a b", Name: "x", Capabilities: []linkfin.Capability{linkfin.CapTrade}}, "may hold only letters"},
		{linkfin.Organization{ID: "s-1", Name: "", Capabilities: []linkfin.Capability{linkfin.CapTrade}}, "name has 1 to 200 characters"},
		{linkfin.Organization{ID: "s-1", Name: "x"}, "at least one capability"},
		{linkfin.Organization{ID: "s-1", Name: "x", Capabilities: []linkfin.Capability{"bank"}}, `unknown capability "bank"`},
		{linkfin.Organization{ID: "s-1", Name: "x", Capabilities: []linkfin.Capability{linkfin.CapFund, linkfin.CapFund}}, `"fund" is listed twice`},
	} {
		if _, err := create(c.org); !refusal(err, linkfin.EINVALID, c.about) {
			t.Fatalf("%+v: err = %v, want invalid: %s", c.org, err, c.about)
		}
	}
	// A command refused as it runs (for what the records hold: its id is another
	// organization's) changes nothing, and does not stop the others in its request.
	resp := env.Submit(&engine.Request{
		CreateAccounts: []ledger.Account{Acct(1, 0)},
		Commands: []linkfin.Command{
			&services.CreateOrganization{Org: other},
			&services.CreateOrganization{Org: linkfin.Organization{ID: "supplier-1", Name: "Tier One Parts", Capabilities: []linkfin.Capability{linkfin.CapTrade}}},
		},
	})
	if resp.Results[0] != ledger.OK || resp.Outcomes[0].Code != linkfin.ECONFLICT || resp.Outcomes[1].Code != "" {
		t.Fatalf("mixed request: %+v", resp)
	}
	env.Restart()
	list, err := env.Store.ListObjects(ctx, linkfin.KindOrganization, "", 10)
	if err != nil || len(list) != 2 || list[0].ID != "anchor-1" || list[1].ID != "supplier-1" {
		t.Fatalf("list = %+v, %v", list, err)
	}
	obj, err := env.Store.Object(ctx, linkfin.KindOrganization, "anchor-1")
	if err != nil || obj.Version != 1 || !strings.Contains(string(obj.Data), `"Core Auto Group"`) {
		t.Fatalf("object = %+v, %v", obj, err)
	}
	// Both creations are in the log, in order with the ledger's events, each after the
	// registry's record of its id in lower case and before that of its name.
	rep := env.MustVerify()
	evs, err := env.Store.Events(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range evs {
		types = append(types, e.Type)
	}
	if got := strings.Join(types, " "); got != "folded_id.taken organization.created folded_id.taken account.created folded_id.taken organization.created folded_id.taken" ||
		rep.Events != 7 {
		t.Fatalf("events = %s", got)
	}
}

func capNames(cs []linkfin.Capability) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}
