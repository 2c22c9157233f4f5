package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// testDistributorFinancing: a funder pays the anchor for distributors' orders; one
// distributor repays, one does not and the anchor buys its loan back, and without a
// buy-back the loan defaults.
func testDistributorFinancing(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env)
	ctx := context.Background()
	dealerPrograms(t, env)
	loans := []struct{ dealer, program string }{{"dealer1", "dist"}, {"dealer2", "dist"}, {"dealer3", "dist-nb"}}
	for i, l := range loans {
		po := fmt.Sprintf("dpo-%d", i)
		dealerOrder(t, env, l.dealer, l.program, po)
		q, err := run[linkfin.Financing](t, env, &services.RequestDistributorFinancing{Actor: l.dealer, ID: "d" + po, POID: po, ProgramID: l.program, FunderID: "bank"})
		// 200,000.00 for 90 days at 7.2 %: the 90th day is a Sunday, 2027-01-31, so the
		// loan is due the next business day and its interest runs 91 days: 3,640.00.
		if err != nil || q.Quote.Price != 200_000_00 || q.Interest != 3_640_00 || q.Quote.Days != 91 || q.DueDate.String() != "2027-02-01" {
			t.Fatalf("quote %s: %+v, %v", po, q, err)
		}
		mustRun(t, env, &services.AcceptDistributorFinancing{Actor: l.dealer, ID: "d" + po, POID: po})
		mustRun(t, env, &services.DisburseFinancing{Actor: "bank", ID: "d" + po})
	}
	if _, err := run[linkfin.Financing](t, env, &services.RequestDistributorFinancing{Actor: "tier1", ID: "dx", POID: "dpo-0", ProgramID: "dist", FunderID: "bank"}); !refusal(err, linkfin.ENOTFOUND, "purchase order dpo-0 not found") {
		t.Fatalf("a stranger finances a dealer's order: %v", err)
	}
	// An order cancelled between the quote and its acceptance is not financed: the
	// funder would pay the anchor for nothing.
	mustRun(t, env, &services.CreatePurchaseOrder{Actor: "dealer1", Order: linkfin.PurchaseOrder{ID: "dpo-x", Number: "dpo-x", SellerID: "anchor",
		ProgramID: "dist", Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "sedan", Quantity: 1, Unit: "car", UnitPrice: 100_000_00}}}})
	mustRun(t, env, &services.AcceptPurchaseOrder{Actor: "anchor", ID: "dpo-x"})
	mustRun(t, env, &services.RequestDistributorFinancing{Actor: "dealer1", ID: "ddpo-x", POID: "dpo-x", ProgramID: "dist", FunderID: "bank"})
	mustRun(t, env, &services.CancelPurchaseOrder{Actor: "dealer1", ID: "dpo-x"})
	if _, err := run[linkfin.Financing](t, env, &services.AcceptDistributorFinancing{Actor: "dealer1", ID: "ddpo-x", POID: "dpo-x"}); !refusal(err, "asset_financed", "purchase order dpo-x is taken or no longer accepted") {
		t.Fatalf("accepting the financing of a cancelled order: %v", err)
	}
	wallet := func(org string) int64 {
		a, err := env.Domain.Account(ctx, linkfin.WalletID(org, "CNY"))
		if err != nil {
			return 0
		}
		return a.CreditsPosted - a.DebitsPosted
	}
	if wallet("anchor") != 600_000_00 {
		t.Fatalf("the anchor was paid %d for three orders", wallet("anchor"))
	}
	closeLoan := func(id string) (string, error) {
		f, err := run[linkfin.Financing](t, env, &services.CloseDistributorLoan{ID: id})
		if err != nil {
			return "", err
		}
		return string(f.Status), nil
	}
	// dealer1 repays on time from its own sales.
	mustRun(t, env, &services.RecordInboundPayment{Rail: "ecny", InstructionID: "d1", OrgID: "dealer1", Currency: "CNY", Amount: 203_640_00})
	if s, err := closeLoan("ddpo-0"); err != nil || s != "settled" {
		t.Fatalf("dealer1: %s, %v", s, err)
	}
	// dealer2 cannot; before the due date that is not yet anyone else's problem.
	if _, err := closeLoan("ddpo-1"); !refusal(err, linkfin.ECONFLICT, "cannot repay") {
		t.Fatalf("closing a loan not yet due: %v", err)
	}
	env.Clock.Advance(91 * 24 * time.Hour) // 2027-02-01, the due date: it may still repay
	if _, err := closeLoan("ddpo-1"); !refusal(err, linkfin.ECONFLICT, "due on 2027-02-01") {
		t.Fatalf("closing a loan on its due date: %v", err)
	}
	env.Clock.Advance(24 * time.Hour)
	if s, err := closeLoan("ddpo-1"); err != nil || s != "bought_back" {
		t.Fatalf("dealer2 after the due date: %s, %v", s, err)
	}
	if s, err := closeLoan("ddpo-2"); err != nil || s != "defaulted" {
		t.Fatalf("dealer3 without a buy-back: %s, %v", s, err)
	}
	// The anchor received 600,000.00 and bought dealer2's loan back for 203,640.00.
	if wallet("anchor") != 600_000_00-203_640_00 {
		t.Fatalf("the anchor holds %d", wallet("anchor"))
	}
	env.Restart()
	env.MustVerify()
}

// dealerOrder onboards the distributor dealer, a buyer of the anchor's, and has it order
// two sedans of 100,000.00 from the anchor under the program, as po, accepted.
func dealerOrder(t *testing.T, env *Env, dealer, program, po string) {
	t.Helper()
	mustRun(t, env, &services.CreateOrganization{Org: linkfin.Organization{ID: dealer, Name: "Dealer " + dealer,
		Capabilities: []linkfin.Capability{linkfin.CapTrade}}})
	mustRun(t, env, &services.ProposeRelationship{Actor: dealer, BuyerID: dealer, SellerID: "anchor"})
	mustRun(t, env, &services.AcceptRelationship{Actor: "anchor", BuyerID: dealer, SellerID: "anchor"})
	mustRun(t, env, &services.CreatePurchaseOrder{Actor: dealer, Order: linkfin.PurchaseOrder{ID: po, Number: po, SellerID: "anchor",
		ProgramID: program, Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "sedan", Quantity: 2, Unit: "car", UnitPrice: 100_000_00}}}})
	mustRun(t, env, &services.AcceptPurchaseOrder{Actor: "anchor", ID: po})
}

// dealerPrograms has the anchor run two distributor financing programs that bank funds
// at a fixed 7.2 %, advancing 90 % for up to 90 days: "dist", whose anchor buys back a
// loan its distributor does not repay, and "dist-nb", without a buy-back.
func dealerPrograms(t *testing.T, env *Env) {
	t.Helper()
	rate := mustRate(t, "0.072")
	for _, prog := range []struct {
		id      string
		buyBack bool
	}{{"dist", true}, {"dist-nb", false}} {
		bankFunds(t, env, linkfin.Program{ID: prog.id, Name: "Dealer finance",
			Currency: "CNY", Limit: 10_000_000_00, Products: []linkfin.Product{linkfin.ProductDistributorFinancing}, MaxTenorDays: 90,
			AdvanceRate: mustRate(t, "0.9"), DayCount: linkfin.ACT360, Calendar: "CN", BuyBack: prog.buyBack}, rate)
	}
}
