package storetest

import (
	"slices"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

// testRecordIDs: records made without an id get one from the engine, of their kind's
// prefix, growing and never repeated, across a restart; a new program's limit
// accounts are made under its new id; a document's number is its organization's
// once, and another organization's never meets it. Everything verifies.
func testRecordIDs(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	tradeFixture(t, env)
	mustRun(t, env, &services.ProposeRelationship{Actor: "tier2", BuyerID: "tier2", SellerID: "tier1"})
	mustRun(t, env, &services.AcceptRelationship{Actor: "tier1", BuyerID: "tier2", SellerID: "tier1"})
	var ids []string
	made := func(kind, id string) {
		t.Helper()
		prefix := linkfin.IDPrefix[kind] + "_"
		if !strings.HasPrefix(id, prefix) || len(id) != len(prefix)+13 || linkfin.ValidateID("id", id) != nil || slices.Contains(ids, id) {
			t.Fatalf("%s id %q: not a new %s id of the alphabet", kind, id, prefix)
		}
		// The 13 digits grow with the order the ids were given, whatever the kind.
		if last := len(ids) - 1; last >= 0 && id[len(prefix):] <= ids[last][strings.Index(ids[last], "_")+1:] {
			t.Fatalf("%s id %q does not follow %q", kind, id, ids[last])
		}
		ids = append(ids, id)
	}
	// A program under a new id, with its limit on the ledger.
	prog := linkfin.Program{Name: "Second program", Currency: "CNY", Limit: 1_000_000_00,
		Products: []linkfin.Product{linkfin.ProductCertificateDiscounting}, MaxTenorDays: 90,
		AdvanceRate: mustRate(t, "0.8"), DayCount: linkfin.ACT360, Calendar: "CN",
		Tolerances: linkfin.MatchTolerances{QuantityRate: mustRate(t, "0"), PriceRate: mustRate(t, "0"), AmountAbs: 0}}
	p, err := run[linkfin.Program](t, env, &services.CreateProgram{Actor: "anchor", Program: prog})
	if err != nil {
		t.Fatal(err)
	}
	made(linkfin.KindProgram, p.ID)
	if lim := env.Account(services.LimitID(p.ID, "")); lim.CreditsPosted != 1_000_000_00 {
		t.Fatalf("the new program's limit account: %+v", lim)
	}
	order := func(actor, seller, number string) (*linkfin.PurchaseOrder, error) {
		return run[linkfin.PurchaseOrder](t, env, &services.CreatePurchaseOrder{Actor: actor, Order: linkfin.PurchaseOrder{Number: number,
			SellerID: seller, Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "disc", Quantity: 1, Unit: "pc", UnitPrice: 100}}}})
	}
	for i, number := range []string{"PO-1", "PO-2"} {
		if i == 1 {
			env.Restart() // the clock, and the ids with it, go on from the store
		}
		po, err := order("anchor", "tier1", number)
		if err != nil {
			t.Fatal(err)
		}
		made(linkfin.KindPurchaseOrder, po.ID)
	}
	// The anchor's number again is refused; tier2's PO-1 is its own.
	if _, err := order("anchor", "tier1", "PO-1"); linkfin.ErrorCode(err) != linkfin.EDUPLICATENUMBER {
		t.Fatalf("the anchor's PO-1 again: %v", err)
	}
	po, err := order("tier2", "tier1", "PO-1")
	if err != nil {
		t.Fatal(err)
	}
	made(linkfin.KindPurchaseOrder, po.ID)
	if po.Number != "PO-1" || po.BuyerID != "tier2" {
		t.Fatalf("tier2's order: %+v", po)
	}
	env.MustVerify()
}
