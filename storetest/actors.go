package storetest

import (
	"context"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

// testActors: a record's history names who made each change, from the attribution its
// command recorded: the key of the organization that acted, to that organization and
// the operator alone; a change no one was attributed has none.
func testActors(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	tradeFixture(t, env)
	for _, k := range []linkfin.APIKey{{ID: "k-anchor", OrgID: "anchor", Role: linkfin.RoleFinance, Name: "ERP"}, {ID: "k-tier1", OrgID: "tier1", Role: linkfin.RoleFinance}} {
		k.Hash = strings.Repeat("0f", 32)
		mustRun(t, env, &services.CreateAPIKey{Key: k})
	}
	order := linkfin.PurchaseOrder{ID: "po-a", Number: "po-a", SellerID: "tier1", ProgramID: "auto-scf", Currency: "CNY",
		Lines: []linkfin.POLine{{LineID: "L1", Item: "bolts", Quantity: 10, Unit: "box", UnitPrice: 100_00}}}
	mustRun(t, env, services.Attribute("anchor", "key:k-anchor", &services.CreatePurchaseOrder{Actor: "anchor", Order: order}))
	mustRun(t, env, services.Attribute("tier1", "key:k-tier1", &services.AcceptPurchaseOrder{Actor: "tier1", ID: "po-a"}))
	// A change attributed to no one comes last: nothing after it names the order.
	mustRun(t, env, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "gr-a", POID: "po-a",
		Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: 10}}}})
	ctx := context.Background()
	evs, err := env.Store.RecordEvents(ctx, linkfin.KindPurchaseOrder, "po-a", -1, 100)
	if err != nil || len(evs) < 3 {
		t.Fatalf("po-a's history: %d events, %v", len(evs), err)
	}
	last := evs[len(evs)-1].Seq
	for _, tc := range []struct {
		v    linkfin.Viewer
		want []string // the first two events' actors, "" for none
	}{
		{linkfin.Viewer{Org: "anchor"}, []string{"anchor key k-anchor ERP", ""}},
		{linkfin.Viewer{Org: "tier1"}, []string{"", "tier1 key k-tier1 "}},
		{linkfin.Viewer{Operator: true}, []string{"anchor key k-anchor ERP", "tier1 key k-tier1 "}},
	} {
		by, err := services.Actors(ctx, env.Store, tc.v, linkfin.KindPurchaseOrder, "po-a", evs)
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range tc.want {
			got := ""
			if a, ok := by[evs[i].Seq]; ok {
				got = a.OrgID + " " + a.Kind + " " + a.ID + " " + a.Name
			}
			if got != want {
				t.Errorf("%+v reads event %d (%s) as made by %q, want %q", tc.v, evs[i].Seq, evs[i].Type, got, want)
			}
		}
		if a, ok := by[last]; ok {
			t.Errorf("%+v reads the unattributed change as made by %+v", tc.v, a)
		}
	}
}
