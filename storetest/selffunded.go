package storetest

import (
	"testing"

	"linkfin"
	"linkfin/services"
)

// testSelfFunded: no organization is its own funder. A funder that owns goods in a
// warehouse asking for a pledge loan from itself, or a trader that also funds asking
// for a distributor loan on its own order from itself, is refused before anything is
// recorded: otherwise the asset is locked, the limits drawn and the exposure counted
// for a loan that can never be paid out (the ledger moves no money from a wallet into
// itself).
func testSelfFunded(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	pledgeFixture(t, env, nil)
	mustRun(t, env, &services.MarkPrice{Mark: linkfin.PriceMark{ID: "copper", Currency: "CNY", Price: 60_000_00}})
	mustRun(t, env, &services.IssueWarehouseReceipt{Actor: "port", Receipt: linkfin.WarehouseReceipt{ID: "RF", OwnerID: "factor",
		LotID: "LOT-F", Commodity: "copper", Quantity: 10, Unit: "t"}})
	if _, err := run[linkfin.Financing](t, env, &services.RequestPledgeLoan{Actor: "factor", ID: "wf", ReceiptID: "RF", ProgramID: "wh", FunderID: "factor"}); !refusal(err, linkfin.EINVALID, "does not finance its own asset") {
		t.Fatalf("a funder pledging its goods to itself: %v, want %s", err, linkfin.EINVALID)
	}
	if _, err := env.object(linkfin.KindFinancing, "wf"); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		t.Fatalf("the refused pledge loan is recorded: %v", err)
	}
	if w := record[linkfin.WarehouseReceipt](t, env, linkfin.KindWarehouseReceipt, "RF"); w.Status != linkfin.ReceiptIssued || w.FinancingID != "" {
		t.Fatalf("the receipt after the refusal: %+v", w)
	}

	// A trader that also funds, in the anchor's dealer program as a dealer and a funder.
	rate := mustRate(t, "0.072")
	mustRun(t, env, &services.CreateOrganization{Org: linkfin.Organization{ID: "tradebank", Name: "Trading Bank",
		Capabilities: []linkfin.Capability{linkfin.CapTrade, linkfin.CapFund}}})
	mustRun(t, env, &services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: "dist", Name: "Dealer finance",
		Currency: "CNY", Limit: 10_000_000_00, Products: []linkfin.Product{linkfin.ProductDistributorFinancing}, MaxTenorDays: 90,
		AdvanceRate: mustRate(t, "0.9"), DayCount: linkfin.ACT360, Calendar: "CN"}})
	mustRun(t, env, &services.InviteFunder{Actor: "anchor", ProgramID: "dist", FunderID: "tradebank", Limit: 1_000_000_00,
		Pricing: linkfin.Pricing{FixedRate: &rate}})
	mustRun(t, env, &services.AcceptFunder{Actor: "tradebank", ProgramID: "dist"})
	mustRun(t, env, &services.ProposeRelationship{Actor: "tradebank", BuyerID: "tradebank", SellerID: "anchor"})
	mustRun(t, env, &services.AcceptRelationship{Actor: "anchor", BuyerID: "tradebank", SellerID: "anchor"})
	mustRun(t, env, &services.CreatePurchaseOrder{Actor: "tradebank", Order: linkfin.PurchaseOrder{ID: "tpo", Number: "tpo", SellerID: "anchor",
		ProgramID: "dist", Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "sedan", Quantity: 2, Unit: "car", UnitPrice: 100_000_00}}}})
	mustRun(t, env, &services.AcceptPurchaseOrder{Actor: "anchor", ID: "tpo"})
	if _, err := run[linkfin.Financing](t, env, &services.RequestDistributorFinancing{Actor: "tradebank", ID: "df", POID: "tpo", ProgramID: "dist", FunderID: "tradebank"}); !refusal(err, linkfin.EINVALID, "does not finance its own asset") {
		t.Fatalf("a dealer that funds financing its order from itself: %v, want %s", err, linkfin.EINVALID)
	}
	if _, err := env.object(linkfin.KindFinancing, "df"); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		t.Fatalf("the refused distributor loan is recorded: %v", err)
	}
	if po := record[linkfin.PurchaseOrder](t, env, linkfin.KindPurchaseOrder, "tpo"); po.FinancingID != "" {
		t.Fatalf("the order after the refusal: %+v", po)
	}
}
