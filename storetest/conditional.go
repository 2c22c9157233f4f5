package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"linkfin"
	"linkfin/engine"
	"linkfin/services"
)

// conditionalFixture: the trade fixture, a carrier, and money in the anchor's wallet.
func conditionalFixture(t *testing.T, env *Env) {
	t.Helper()
	tradeFixture(t, env)
	mustRun(t, env, &services.CreateOrganization{Org: linkfin.Organization{ID: "carrier", Name: "Fast Freight",
		Capabilities: []linkfin.Capability{linkfin.CapLogistics}}})
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "dep-anchor-cp", OrgID: "anchor", Currency: "CNY",
		Amount: 10_000_000_00})
}

// acceptedOrder places and accepts an order of the anchor's from tier1: 1000 discs at
// 12.50 and 200 calipers at 99.00 (32,300.00 in all).
func acceptedOrder(t *testing.T, env *Env, id string) {
	t.Helper()
	mustRun(t, env, &services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: id, Number: id, SellerID: "tier1",
		ProgramID: "auto-scf", Currency: "CNY", Lines: []linkfin.POLine{
			{LineID: "L1", Item: "brake disc", Quantity: 1000, Unit: "pc", UnitPrice: 12_50},
			{LineID: "L2", Item: "caliper", Quantity: 200, Unit: "pc", UnitPrice: 99_00}}}})
	mustRun(t, env, &services.AcceptPurchaseOrder{Actor: "tier1", ID: id})
}

func receive(t *testing.T, env *Env, po string, lines ...linkfin.ReceiptLine) {
	t.Helper()
	mustRun(t, env, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{POID: po, Lines: lines}})
}

func lockPayment(t *testing.T, env *Env, actor string, in linkfin.ConditionalPaymentIn) *linkfin.ConditionalPayment {
	t.Helper()
	p, err := run[linkfin.ConditionalPayment](t, env, &services.CreateConditionalPayment{Actor: actor, In: in})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func cpRecord(t *testing.T, env *Env, id string) linkfin.ConditionalPayment {
	t.Helper()
	return record[linkfin.ConditionalPayment](t, env, linkfin.KindConditionalPayment, id)
}

// wantPayment checks where a conditional payment stands, and that the ledger agrees:
// what remains is still pending.
func wantPayment(t *testing.T, env *Env, id string, status linkfin.ConditionalStatus, released, refunded int64) linkfin.ConditionalPayment {
	t.Helper()
	p := cpRecord(t, env, id)
	if p.Status != status || p.Released != released || p.Refunded != refunded {
		t.Fatalf("payment %s: %s, released %d, refunded %d; want %s, %d, %d", id, p.Status, p.Released, p.Refunded, status, released, refunded)
	}
	var sum [4]int64
	for _, m := range p.Moves {
		switch m.Type {
		case linkfin.MoveLock:
			sum[0] += m.Amount
		case linkfin.MoveRelease, linkfin.MovePartialRelease:
			sum[1] += m.Amount
		case linkfin.MoveRefund:
			sum[2] += m.Amount
		}
		if m.Reason == "" {
			t.Fatalf("payment %s: a %s without its reason", id, m.Type)
		}
	}
	if sum[0] != p.Amount || sum[1] != released || sum[2] != refunded {
		t.Fatalf("payment %s: its moves lock %d, release %d, refund %d", id, sum[0], sum[1], sum[2])
	}
	return p
}

// free is what an account may pay: posted credits less posted and pending debits.
func free(t *testing.T, env *Env, id int64) int64 {
	t.Helper()
	a := env.Account(id)
	return a.CreditsPosted - a.DebitsPosted - a.DebitsPending
}

// testConditionalPayments: each condition releases when it is met and not before — a
// purchase order's goods accepted, in full or pro rata with a partial release per
// receipt; a shipment delivered by its carrier; an invoice approved; a milestone
// confirmed by the party named; a date, by the scheduler — each in the command that
// meets it. A payment is refunded at its expiry, or when both sides cancel; a
// stranger sees none of it; and the ledger holds what remains as pending all along.
func testConditionalPayments(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	conditionalFixture(t, env)
	ctx := context.Background()
	anchorWallet, tier1Wallet := linkfin.WalletID("anchor", "CNY"), linkfin.WalletID("tier1", "CNY")
	start := free(t, env, anchorWallet)

	// Pro rata: 1,000,000.00 locked on an order of 32,300.00.
	acceptedOrder(t, env, "po-pr")
	pr := lockPayment(t, env, "anchor", linkfin.ConditionalPaymentIn{PayeeID: "tier1", Currency: "CNY", Amount: 1_000_000_00,
		Condition: linkfin.ConditionIn{Type: linkfin.ConditionGoodsReceived, POID: "po-pr", Release: linkfin.ReleaseProRata}})
	if pr.Status != linkfin.ConditionalLocked || pr.Remaining() != 1_000_000_00 || free(t, env, anchorWallet) != start-1_000_000_00 ||
		env.Account(tier1Wallet).CreditsPending != 1_000_000_00 || free(t, env, tier1Wallet) != 0 {
		t.Fatalf("locked: %+v, anchor free %d, tier1 %+v", pr, free(t, env, anchorWallet), env.Account(tier1Wallet))
	}
	// 400 discs (5,000.00 of 32,300.00): 154,798.76 released, floored.
	receive(t, env, "po-pr", linkfin.ReceiptLine{LineID: "L1", Accepted: 400, Rejected: 10})
	first := int64(1_000_000_00) * 5_000_00 / 32_300_00
	p := wantPayment(t, env, pr.ID, linkfin.ConditionalLocked, first, 0)
	if free(t, env, tier1Wallet) != first || env.Account(tier1Wallet).CreditsPending != 1_000_000_00-first ||
		free(t, env, anchorWallet) != start-1_000_000_00 || p.Moves[1].Type != linkfin.MovePartialRelease {
		t.Fatalf("after the first receipt: tier1 free %d, %+v", free(t, env, tier1Wallet), p)
	}
	// A receipt of rejects alone releases nothing more.
	receive(t, env, "po-pr", linkfin.ReceiptLine{LineID: "L2", Rejected: 5})
	wantPayment(t, env, pr.ID, linkfin.ConditionalLocked, first, 0)
	// The rest of the order: all of it, to the fen.
	receive(t, env, "po-pr", linkfin.ReceiptLine{LineID: "L1", Accepted: 600}, linkfin.ReceiptLine{LineID: "L2", Accepted: 200})
	wantPayment(t, env, pr.ID, linkfin.ConditionalReleased, 1_000_000_00, 0)
	if free(t, env, tier1Wallet) != 1_000_000_00 || env.Account(tier1Wallet).CreditsPending != 0 ||
		free(t, env, anchorWallet) != start-1_000_000_00 || env.Account(anchorWallet).DebitsPending != 0 {
		t.Fatalf("released in full: tier1 %+v, anchor %+v", env.Account(tier1Wallet), env.Account(anchorWallet))
	}
	if w := record[linkfin.ConditionWatch](t, env, linkfin.KindConditionWatch, linkfin.ConditionWatchID(linkfin.KindPurchaseOrder, "po-pr")); len(w.Payments) != 0 {
		t.Fatalf("a released payment still watched: %+v", w)
	}

	// In full: nothing until the whole order is accepted.
	acceptedOrder(t, env, "po-full")
	full := lockPayment(t, env, "anchor", linkfin.ConditionalPaymentIn{PayeeID: "tier1", Currency: "CNY", Amount: 30_000_00,
		Condition: linkfin.ConditionIn{Type: linkfin.ConditionGoodsReceived, POID: "po-full"}})
	if full.Condition.Release != linkfin.ReleaseFull {
		t.Fatalf("release by default: %q", full.Condition.Release)
	}
	receive(t, env, "po-full", linkfin.ReceiptLine{LineID: "L1", Accepted: 1000}, linkfin.ReceiptLine{LineID: "L2", Accepted: 199})
	wantPayment(t, env, full.ID, linkfin.ConditionalLocked, 0, 0)
	receive(t, env, "po-full", linkfin.ReceiptLine{LineID: "L2", Accepted: 1})
	wantPayment(t, env, full.ID, linkfin.ConditionalReleased, 30_000_00, 0)

	// Delivered: the carrier's report of delivery releases it, not before.
	acceptedOrder(t, env, "po-ship")
	ship, err := run[linkfin.Shipment](t, env, &services.CreateShipment{Actor: "tier1", Shipment: linkfin.Shipment{POID: "po-ship", CarrierID: "carrier"}})
	if err != nil {
		t.Fatal(err)
	}
	dl := lockPayment(t, env, "anchor", linkfin.ConditionalPaymentIn{PayeeID: "tier1", Currency: "CNY", Amount: 5_000_00,
		Condition: linkfin.ConditionIn{Type: linkfin.ConditionDelivered, ShipmentID: ship.ID}})
	mustRun(t, env, &services.ReportShipmentEvent{Actor: "carrier", ShipmentID: ship.ID, Status: linkfin.ShipmentInTransit})
	wantPayment(t, env, dl.ID, linkfin.ConditionalLocked, 0, 0)
	mustRun(t, env, &services.ReportShipmentEvent{Actor: "carrier", ShipmentID: ship.ID, Status: linkfin.ShipmentDelivered})
	wantPayment(t, env, dl.ID, linkfin.ConditionalReleased, 5_000_00, 0)

	// Invoice approved: the buyer's approval releases it.
	inv := billWhole(t, env, "INV-CP", "po-full")
	ia := lockPayment(t, env, "anchor", linkfin.ConditionalPaymentIn{PayeeID: "tier1", Currency: "CNY", Amount: 7_000_00,
		Condition: linkfin.ConditionIn{Type: linkfin.ConditionInvoiceApproved, InvoiceID: inv.ID}})
	wantPayment(t, env, ia.ID, linkfin.ConditionalLocked, 0, 0)
	mustRun(t, env, &services.ApproveInvoice{Actor: "anchor", ID: inv.ID})
	wantPayment(t, env, ia.ID, linkfin.ConditionalReleased, 7_000_00, 0)

	// A milestone: only the party named confirms it.
	ms := lockPayment(t, env, "anchor", linkfin.ConditionalPaymentIn{PayeeID: "tier1", Currency: "CNY", Amount: 2_000_00,
		Condition: linkfin.ConditionIn{Type: linkfin.ConditionMilestone, Milestone: "tooling installed", ConfirmerID: "tier2"}})
	if _, err := run[linkfin.ConditionalPayment](t, env, &services.ConfirmMilestone{Actor: "tier1", ID: ms.ID}); linkfin.ErrorCode(err) != linkfin.EFORBIDDEN {
		t.Fatalf("the payee confirms its own milestone: %v", err)
	}
	if _, err := run[linkfin.ConditionalPayment](t, env, &services.ConfirmMilestone{Actor: "tier2", ID: ms.ID}); err != nil {
		t.Fatal(err)
	}
	wantPayment(t, env, ms.ID, linkfin.ConditionalReleased, 2_000_00, 0)
	if _, err := run[linkfin.ConditionalPayment](t, env, &services.ConfirmMilestone{Actor: "tier2", ID: ms.ID}); linkfin.ErrorCode(err) != linkfin.ECONDITIONCLOSED {
		t.Fatalf("a milestone confirmed twice: %v", err)
	}

	// A date, and an expiry: the scheduler's, from their day on.
	on := date(t, "2026-11-10")
	dt := lockPayment(t, env, "anchor", linkfin.ConditionalPaymentIn{PayeeID: "tier1", Currency: "CNY", Amount: 3_000_00,
		Condition: linkfin.ConditionIn{Type: linkfin.ConditionDate, Date: &on}})
	acceptedOrder(t, env, "po-exp")
	exp := lockPayment(t, env, "anchor", linkfin.ConditionalPaymentIn{PayeeID: "tier1", Currency: "CNY", Amount: 4_000_00,
		Condition: linkfin.ConditionIn{Type: linkfin.ConditionGoodsReceived, POID: "po-exp", Release: linkfin.ReleaseProRata}, ExpiresOn: &on})
	receive(t, env, "po-exp", linkfin.ReceiptLine{LineID: "L2", Accepted: 100}) // 9,900.00 of 32,300.00
	part := int64(4_000_00) * 9_900_00 / 32_300_00
	wantPayment(t, env, exp.ID, linkfin.ConditionalLocked, part, 0)
	due := func(day string) []string {
		t.Helper()
		cs, err := services.Due(ctx, env.Records(), date(t, day).Time(time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, c := range cs {
			if c, ok := c.(*services.SettleConditionalPayment); ok {
				ids = append(ids, c.ID)
			}
		}
		return ids
	}
	if got := due("2026-11-09"); len(got) != 0 {
		t.Fatalf("due the day before: %v", got)
	}
	if got := due("2026-11-10"); len(got) != 2 {
		t.Fatalf("due on the day: %v", got)
	}
	beforeExpiry := free(t, env, anchorWallet)
	env.Clock.Advance(on.Time(time.UTC).Add(time.Hour).Sub(env.Clock.Now()))
	for _, id := range due("2026-11-10") {
		mustRun(t, env, &services.SettleConditionalPayment{ID: id})
	}
	wantPayment(t, env, dt.ID, linkfin.ConditionalReleased, 3_000_00, 0)
	wantPayment(t, env, exp.ID, linkfin.ConditionalExpired, part, 4_000_00-part)
	if got := free(t, env, anchorWallet); got != beforeExpiry+4_000_00-part {
		t.Fatalf("the anchor after the refund: %d, want %d", got, beforeExpiry+4_000_00-part)
	}
	if got := due("2026-11-11"); len(got) != 0 {
		t.Fatalf("due after the scheduler ran: %v", got)
	}
	// Goods received after the expiry release nothing.
	receive(t, env, "po-exp", linkfin.ReceiptLine{LineID: "L2", Accepted: 100})
	wantPayment(t, env, exp.ID, linkfin.ConditionalExpired, part, 4_000_00-part)

	// Cancellation needs both sides: the payer's request, then the payee's.
	acceptedOrder(t, env, "po-cancel")
	cc := lockPayment(t, env, "anchor", linkfin.ConditionalPaymentIn{PayeeID: "tier1", Currency: "CNY", Amount: 8_000_00,
		Condition: linkfin.ConditionIn{Type: linkfin.ConditionGoodsReceived, POID: "po-cancel"}})
	before := free(t, env, anchorWallet)
	for range 2 {
		got, err := run[linkfin.ConditionalPayment](t, env, &services.CancelConditionalPayment{Actor: "anchor", ID: cc.ID})
		if err != nil || got.Status != linkfin.ConditionalLocked || got.CancelRequestedBy != "anchor" {
			t.Fatalf("the payer asks to cancel: %+v, %v", got, err)
		}
	}
	if free(t, env, anchorWallet) != before {
		t.Fatalf("one side's request refunded")
	}
	if _, err := run[linkfin.ConditionalPayment](t, env, &services.CancelConditionalPayment{Actor: "tier2", ID: cc.ID}); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		t.Fatalf("a stranger cancels: %v", err)
	}
	if _, err := run[linkfin.ConditionalPayment](t, env, &services.CancelConditionalPayment{Actor: "tier1", ID: cc.ID}); err != nil {
		t.Fatal(err)
	}
	wantPayment(t, env, cc.ID, linkfin.ConditionalCancelled, 0, 8_000_00)
	if free(t, env, anchorWallet) != before+8_000_00 {
		t.Fatalf("the anchor after the cancellation: %d", free(t, env, anchorWallet))
	}
	receive(t, env, "po-cancel", linkfin.ReceiptLine{LineID: "L1", Accepted: 1000}, linkfin.ReceiptLine{LineID: "L2", Accepted: 200})
	wantPayment(t, env, cc.ID, linkfin.ConditionalCancelled, 0, 8_000_00)
	if _, err := run[linkfin.ConditionalPayment](t, env, &services.CancelConditionalPayment{Actor: "anchor", ID: cc.ID}); linkfin.ErrorCode(err) != linkfin.ECONDITIONCLOSED {
		t.Fatalf("a cancelled payment cancelled again: %v", err)
	}

	// Refusals: more than the payer holds; a condition on a stranger's order; a
	// release date that has passed.
	if _, err := run[linkfin.ConditionalPayment](t, env, &services.CreateConditionalPayment{Actor: "tier2", In: linkfin.ConditionalPaymentIn{
		PayeeID: "tier1", Currency: "CNY", Amount: 1,
		Condition: linkfin.ConditionIn{Type: linkfin.ConditionMilestone, Milestone: "x", ConfirmerID: "anchor"}}}); linkfin.ErrorCode(err) != linkfin.EINSUFFICIENTFUNDS {
		t.Fatalf("a lock without the money: %v", err)
	}
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "dep-tier2-cp", OrgID: "tier2", Currency: "CNY", Amount: 100_00})
	if _, err := run[linkfin.ConditionalPayment](t, env, &services.CreateConditionalPayment{Actor: "tier2", In: linkfin.ConditionalPaymentIn{
		PayeeID: "tier1", Currency: "CNY", Amount: 1,
		Condition: linkfin.ConditionIn{Type: linkfin.ConditionGoodsReceived, POID: "po-cancel"}}}); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		t.Fatalf("a condition on a stranger's order: %v", err)
	}
	past := date(t, "2026-11-01")
	if _, err := run[linkfin.ConditionalPayment](t, env, &services.CreateConditionalPayment{Actor: "anchor", In: linkfin.ConditionalPaymentIn{
		PayeeID: "tier1", Currency: "CNY", Amount: 1, Condition: linkfin.ConditionIn{Type: linkfin.ConditionDate, Date: &past}}}); linkfin.ErrorCode(err) != linkfin.EINVALID {
		t.Fatalf("a release date in the past: %v", err)
	}

	// A stranger does not see another's payment; its parties do.
	if _, err := services.Read(ctx, env.Records().(linkfin.PartyReader), linkfin.Viewer{Org: "tier2"}, linkfin.KindConditionalPayment, pr.ID); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		t.Fatalf("a stranger reads a payment: %v", err)
	}
	if _, err := services.Read(ctx, env.Records().(linkfin.PartyReader), linkfin.Viewer{Org: "tier1"}, linkfin.KindConditionalPayment, pr.ID); err != nil {
		t.Fatalf("the payee reads its payment: %v", err)
	}
	env.MustVerify()
}

// testPurposeBound: money in a purpose-bound wallet goes only to the payees it lists,
// directly or into a conditional payment, each other payee refused with
// purpose_bound_payee; a refund returns it to the wallet, not to the holder.
func testPurposeBound(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	conditionalFixture(t, env)
	ctx := context.Background()
	open1 := func(actor string, in linkfin.BoundWalletIn) (*linkfin.BoundWallet, error) {
		return run[linkfin.BoundWallet](t, env, &services.OpenBoundWallet{Actor: actor, In: in})
	}
	if _, err := open1("anchor", linkfin.BoundWalletIn{HolderID: "tier2", Currency: "CNY", PayeeIDs: []string{"tier2"}, Amount: 1}); linkfin.ErrorCode(err) != linkfin.EINVALID {
		t.Fatalf("a wallet that pays its holder: %v", err)
	}
	if _, err := open1("tier1", linkfin.BoundWalletIn{HolderID: "tier2", Currency: "CNY", PayeeIDs: []string{"anchor"}, Amount: 1}); linkfin.ErrorCode(err) != linkfin.EINSUFFICIENTFUNDS {
		t.Fatalf("a grantor without the money: %v", err)
	}
	w, err := open1("anchor", linkfin.BoundWalletIn{HolderID: "tier2", Currency: "CNY", PayeeIDs: []string{"tier1"}, Purpose: "castings for tier1",
		Amount: 20_000_00})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run[linkfin.BoundWallet](t, env, &services.FundBoundWallet{Actor: "tier2", ID: w.ID, Amount: 1}); linkfin.ErrorCode(err) != linkfin.EFORBIDDEN {
		t.Fatalf("the holder funds it: %v", err)
	}
	mustRun(t, env, &services.FundBoundWallet{Actor: "anchor", ID: w.ID, Amount: 30_000_00})
	bound := int64(w.Ledger)
	pay := func(actor, payee string, amount int64) error {
		_, err := run[linkfin.BoundPayment](t, env, &services.PayFromBoundWallet{Actor: actor, ID: w.ID, PayeeID: payee, Amount: amount})
		return err
	}
	if err := pay("tier2", "anchor", 1_00); linkfin.ErrorCode(err) != linkfin.EPURPOSEBOUND {
		t.Fatalf("a payment to a payee not listed: %v", err)
	}
	if err := pay("tier2", "tier1", 60_000_00); linkfin.ErrorCode(err) != linkfin.EINSUFFICIENTFUNDS {
		t.Fatalf("more than it holds: %v", err)
	}
	if err := pay("anchor", "tier1", 1_00); linkfin.ErrorCode(err) != linkfin.EFORBIDDEN {
		t.Fatalf("the grantor pays from it: %v", err)
	}
	if err := pay("tier2", "tier1", 10_000_00); err != nil {
		t.Fatal(err)
	}
	if free(t, env, bound) != 40_000_00 || free(t, env, linkfin.WalletID("tier1", "CNY")) != 10_000_00 {
		t.Fatalf("after a payment: wallet %d", free(t, env, bound))
	}
	// Into a conditional payment: to a listed payee alone; a refund comes back here.
	cp := func(payee string) (*linkfin.ConditionalPayment, error) {
		return run[linkfin.ConditionalPayment](t, env, &services.CreateConditionalPayment{Actor: "tier2", In: linkfin.ConditionalPaymentIn{
			PayeeID: payee, Currency: "CNY", Amount: 15_000_00, SourceWalletID: w.ID,
			Condition: linkfin.ConditionIn{Type: linkfin.ConditionMilestone, Milestone: "castings delivered", ConfirmerID: "anchor"}}})
	}
	if _, err := cp("anchor"); linkfin.ErrorCode(err) != linkfin.EPURPOSEBOUND {
		t.Fatalf("a conditional payment to a payee not listed: %v", err)
	}
	p, err := cp("tier1")
	if err != nil {
		t.Fatal(err)
	}
	if free(t, env, bound) != 25_000_00 {
		t.Fatalf("locked from the wallet: %d", free(t, env, bound))
	}
	mustRun(t, env, &services.CancelConditionalPayment{Actor: "tier1", ID: p.ID})
	mustRun(t, env, &services.CancelConditionalPayment{Actor: "tier2", ID: p.ID})
	wantPayment(t, env, p.ID, linkfin.ConditionalCancelled, 0, 15_000_00)
	if free(t, env, bound) != 40_000_00 {
		t.Fatalf("refunded to its source: wallet %d", free(t, env, bound))
	}
	out, err := services.ReadBoundWallet(ctx, env.Records().(linkfin.PartyReader), env.Domain, linkfin.Viewer{Org: "tier2"}, w.ID)
	if err != nil || out.Balance != 40_000_00 || out.Funded != 50_000_00 || out.Paid != 10_000_00 {
		t.Fatalf("the holder reads its wallet: %+v, %v", out, err)
	}
	if _, err := services.ReadBoundWallet(ctx, env.Records().(linkfin.PartyReader), env.Domain, linkfin.Viewer{Org: "tier1"}, w.ID); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		t.Fatalf("a payee reads the wallet: %v", err)
	}
	env.MustVerify()
}

// testConditionalCrash: a conditional payment's lock is committed; the batch of the
// goods receipt that releases it fails to commit (the process dies with it), and
// the engine starts again on the store: the money is still locked, nothing was
// released. The receipt sent again releases it once; the scheduler's pass then finds
// nothing more to release, and concurrent receipts release each share once.
func testConditionalCrash(t *testing.T, open Opener) {
	fs := &failingStore{}
	env := NewEnv(t, func(t *testing.T) linkfin.Store { fs.Store = open(t); return fs })
	conditionalFixture(t, env)
	anchorWallet, tier1Wallet := linkfin.WalletID("anchor", "CNY"), linkfin.WalletID("tier1", "CNY")
	acceptedOrder(t, env, "po-crash")
	p := lockPayment(t, env, "anchor", linkfin.ConditionalPaymentIn{PayeeID: "tier1", Currency: "CNY", Amount: 32_300_00,
		Condition: linkfin.ConditionIn{Type: linkfin.ConditionGoodsReceived, POID: "po-crash", Release: linkfin.ReleaseProRata}})
	locked := free(t, env, anchorWallet)

	fs.mu.Lock()
	fs.fail = true
	fs.mu.Unlock()
	gr := &services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{POID: "po-crash",
		Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: 1000}}}}
	if _, err := env.Engine.Submit(context.Background(), &engine.Request{Commands: []linkfin.Command{gr}}); linkfin.ErrorCode(err) != engine.EUNAVAILABLE {
		t.Fatalf("the failed commit: %v", err)
	}
	fs.mu.Lock()
	fs.fail = false
	fs.mu.Unlock()
	env.Restart()
	wantPayment(t, env, p.ID, linkfin.ConditionalLocked, 0, 0)
	if free(t, env, anchorWallet) != locked || env.Account(tier1Wallet).CreditsPending != 32_300_00 || free(t, env, tier1Wallet) != 0 {
		t.Fatalf("after the crash: anchor %+v, tier1 %+v", env.Account(anchorWallet), env.Account(tier1Wallet))
	}
	if po := record[linkfin.PurchaseOrder](t, env, linkfin.KindPurchaseOrder, "po-crash"); len(po.Receipts) != 0 {
		t.Fatalf("the receipt outlived its failed batch: %v", po.Receipts)
	}
	// Sent again: 12,500.00 of the order's 32,300.00 accepted, released once.
	mustRun(t, env, gr)
	wantPayment(t, env, p.ID, linkfin.ConditionalLocked, 12_500_00, 0)
	mustRun(t, env, &services.SettleConditionalPayment{ID: p.ID})
	wantPayment(t, env, p.ID, linkfin.ConditionalLocked, 12_500_00, 0)
	// The calipers in four receipts at once, in whatever batches they fall.
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := run[linkfin.GoodsReceipt](t, env, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{POID: "po-crash",
				Lines: []linkfin.ReceiptLine{{LineID: "L2", Accepted: 50}}}})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	wantPayment(t, env, p.ID, linkfin.ConditionalReleased, 32_300_00, 0)
	if a := env.Account(tier1Wallet); a.CreditsPosted != 32_300_00 || a.CreditsPending != 0 {
		t.Fatalf("the payee after every receipt: %+v", a)
	}
	if a := env.Account(anchorWallet); a.DebitsPending != 0 || free(t, env, anchorWallet) != locked {
		t.Fatalf("the payer after every receipt: %+v", a)
	}
	env.MustVerify()
}

// testFinancedConditional: a PO financing's advance paid on receipt is locked for the
// seller as a conditional payment from the funder, released pro rata as the order's
// goods are accepted; a distributor loan paid purpose-bound goes into a wallet of the
// distributor's that pays the anchor alone. A way of paying out the product does not
// have is refused.
func testFinancedConditional(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env)
	ctx := context.Background()
	rate := mustRate(t, "0.06")
	bankFunds(t, env, linkfin.Program{ID: "pof", Name: "Order finance",
		Currency: "CNY", Limit: 10_000_000_00, Products: []linkfin.Product{linkfin.ProductPOFinancing, linkfin.ProductDistributorFinancing},
		MaxTenorDays: 90, AdvanceRate: mustRate(t, "0.7"), DayCount: linkfin.ACT360, Calendar: "CN"}, rate)
	bankWallet, tier1Wallet := linkfin.WalletID("bank", "CNY"), linkfin.WalletID("tier1", "CNY")
	for _, org := range []string{"tier1", "anchor"} {
		mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "dep-fc-" + org, OrgID: org, Currency: "CNY", Amount: 1_00})
	}

	// The advance, on receipt.
	mustRun(t, env, &services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "po-r", Number: "po-r", SellerID: "tier1",
		ProgramID: "pof", Currency: "CNY", Lines: []linkfin.POLine{{LineID: "L1", Item: "housing", Quantity: 100, Unit: "pc", UnitPrice: 1_000_00}}}})
	mustRun(t, env, &services.AcceptPurchaseOrder{Actor: "tier1", ID: "po-r"})
	if _, err := run[linkfin.Financing](t, env, &services.RequestPOFinancing{Actor: "tier1", ID: "pf-x", POID: "po-r", ProgramID: "pof", FunderID: "bank",
		Disbursement: linkfin.DisbursePurposeBound}); linkfin.ErrorCode(err) != linkfin.EINVALID {
		t.Fatalf("a PO financing paid purpose-bound: %v", err)
	}
	mustRun(t, env, &services.RequestPOFinancing{Actor: "tier1", ID: "pf-r", POID: "po-r", ProgramID: "pof", FunderID: "bank",
		Disbursement: linkfin.DisburseOnReceipt})
	mustRun(t, env, &services.AcceptPOFinancing{Actor: "tier1", ID: "pf-r", POID: "po-r"})
	bankBefore, tier1Before := free(t, env, bankWallet), free(t, env, tier1Wallet)
	f, err := run[linkfin.Financing](t, env, &services.DisburseFinancing{Actor: "bank", ID: "pf-r"})
	if err != nil || f.Status != linkfin.FinancingDisbursed || f.ConditionalPaymentID == "" {
		t.Fatalf("disbursed on receipt: %+v, %v", f, err)
	}
	p := wantPayment(t, env, f.ConditionalPaymentID, linkfin.ConditionalLocked, 0, 0)
	if p.PayerID != "bank" || p.PayeeID != "tier1" || p.Amount != 70_000_00 || p.FinancingID != "pf-r" ||
		free(t, env, bankWallet) != bankBefore-70_000_00 || free(t, env, tier1Wallet) != tier1Before {
		t.Fatalf("the advance locked: %+v; bank free %d, tier1 free %d", p, free(t, env, bankWallet), free(t, env, tier1Wallet))
	}
	receive := func(n int64) {
		mustRun(t, env, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{POID: "po-r",
			Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: n}}}})
	}
	receive(40)
	wantPayment(t, env, p.ID, linkfin.ConditionalLocked, 28_000_00, 0)
	if free(t, env, tier1Wallet) != tier1Before+28_000_00 {
		t.Fatalf("tier1 after 40 of 100: %d", free(t, env, tier1Wallet)-tier1Before)
	}
	receive(60)
	wantPayment(t, env, p.ID, linkfin.ConditionalReleased, 70_000_00, 0)
	if free(t, env, tier1Wallet) != tier1Before+70_000_00 || free(t, env, bankWallet) != bankBefore-70_000_00 {
		t.Fatalf("after every receipt: tier1 %d, bank %d", free(t, env, tier1Wallet)-tier1Before, free(t, env, bankWallet)-bankBefore)
	}

	// The distributor's loan, purpose-bound.
	mustRun(t, env, &services.CreateOrganization{Org: linkfin.Organization{ID: "dealer", Name: "City Dealer", Capabilities: []linkfin.Capability{linkfin.CapTrade}}})
	mustRun(t, env, &services.ProposeRelationship{Actor: "dealer", BuyerID: "dealer", SellerID: "anchor"})
	mustRun(t, env, &services.AcceptRelationship{Actor: "anchor", BuyerID: "dealer", SellerID: "anchor"})
	mustRun(t, env, &services.CreatePurchaseOrder{Actor: "dealer", Order: linkfin.PurchaseOrder{ID: "dpo", Number: "dpo", SellerID: "anchor",
		ProgramID: "pof", Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "sedan", Quantity: 2, Unit: "car", UnitPrice: 100_000_00}}}})
	mustRun(t, env, &services.AcceptPurchaseOrder{Actor: "anchor", ID: "dpo"})
	if _, err := run[linkfin.Financing](t, env, &services.RequestDistributorFinancing{Actor: "dealer", ID: "df-x", POID: "dpo", ProgramID: "pof",
		FunderID: "bank", Disbursement: linkfin.DisburseOnReceipt}); linkfin.ErrorCode(err) != linkfin.EINVALID {
		t.Fatalf("a distributor loan paid on receipt: %v", err)
	}
	mustRun(t, env, &services.RequestDistributorFinancing{Actor: "dealer", ID: "df", POID: "dpo", ProgramID: "pof", FunderID: "bank",
		Disbursement: linkfin.DisbursePurposeBound})
	mustRun(t, env, &services.AcceptDistributorFinancing{Actor: "dealer", ID: "df", POID: "dpo"})
	anchorWallet := linkfin.WalletID("anchor", "CNY")
	anchorBefore := free(t, env, anchorWallet)
	f, err = run[linkfin.Financing](t, env, &services.DisburseFinancing{Actor: "bank", ID: "df"})
	if err != nil || f.BoundWalletID == "" || free(t, env, anchorWallet) != anchorBefore {
		t.Fatalf("disbursed purpose-bound: %+v, %v; the anchor got %d", f, err, free(t, env, anchorWallet)-anchorBefore)
	}
	w, err := services.ReadBoundWallet(ctx, env.Records().(linkfin.PartyReader), env.Domain, linkfin.Viewer{Org: "dealer"}, f.BoundWalletID)
	if err != nil || w.Balance != 200_000_00 || w.HolderID != "dealer" || w.GrantorID != "bank" || len(w.PayeeIDs) != 1 || w.PayeeIDs[0] != "anchor" {
		t.Fatalf("the dealer's purpose-bound wallet: %+v, %v", w, err)
	}
	if _, err := run[linkfin.BoundPayment](t, env, &services.PayFromBoundWallet{Actor: "dealer", ID: w.ID, PayeeID: "tier1", Amount: 1_00}); linkfin.ErrorCode(err) != linkfin.EPURPOSEBOUND {
		t.Fatalf("the loan paid to another than the anchor: %v", err)
	}
	mustRun(t, env, &services.PayFromBoundWallet{Actor: "dealer", ID: w.ID, PayeeID: "anchor", Amount: 200_000_00})
	if free(t, env, anchorWallet) != anchorBefore+200_000_00 {
		t.Fatalf("the anchor paid from the loan: %d", free(t, env, anchorWallet)-anchorBefore)
	}
	env.MustVerify()
}

// testConditionalExpiry: from a payment's expires_on (a business day) nothing releases
// it any more, whether the scheduler has run yet or not: goods accepted on the day
// refund what is locked rather than release it, a milestone confirmed then is refused with
// conditional_payment_closed, and on the e-CNY rail a release that waited for room in
// the payee's wallet is refunded, waiting or not, even once the wallet has room.
func testConditionalExpiry(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	conditionalFixture(t, env)
	anchorWallet, tier1Wallet := linkfin.WalletID("anchor", "CNY"), linkfin.WalletID("tier1", "CNY")
	on := linkfin.BusinessDate(env.Clock.Now()).AddDays(2)

	acceptedOrder(t, env, "po-late")
	goods := lockPayment(t, env, "anchor", linkfin.ConditionalPaymentIn{PayeeID: "tier1", Currency: "CNY", Amount: 4_000_00,
		Condition: linkfin.ConditionIn{Type: linkfin.ConditionGoodsReceived, POID: "po-late", Release: linkfin.ReleaseProRata}, ExpiresOn: &on})
	ms := lockPayment(t, env, "anchor", linkfin.ConditionalPaymentIn{PayeeID: "tier1", Currency: "CNY", Amount: 2_000_00,
		Condition: linkfin.ConditionIn{Type: linkfin.ConditionMilestone, Milestone: "tooling installed", ConfirmerID: "tier2"}, ExpiresOn: &on})

	// The e-CNY rail: the payee's small wallet has no room for what a receipt makes due.
	e := ecnyRail{t, env}
	anchorW := e.corporate("anchor")
	e.topUp("anchor", anchorW, 10_000_00)
	if err := e.designate("anchor", "anchor", anchorW.ID); err != nil {
		t.Fatal(err)
	}
	small := e.personal("tier1") // holds 1,000.00 at most
	if err := e.designate("tier1", "tier1", small.ID); err != nil {
		t.Fatal(err)
	}
	acceptedOrder(t, env, "po-wait")
	wait, err := run[linkfin.ConditionalPayment](t, env, &services.CreateConditionalPayment{Actor: "anchor", In: linkfin.ConditionalPaymentIn{
		PayeeID: "tier1", Currency: "CNY", Amount: 3_230_00, Rail: linkfin.RailECNY, ExpiresOn: &on,
		Condition: linkfin.ConditionIn{Type: linkfin.ConditionGoodsReceived, POID: "po-wait", Release: linkfin.ReleaseProRata}}})
	if err != nil {
		t.Fatal(err)
	}
	receive(t, env, "po-wait", linkfin.ReceiptLine{LineID: "L1", Accepted: 1000}) // 1,250.00 due, waits
	if p := wantPayment(t, env, wait.ID, linkfin.ConditionalLocked, 0, 0); p.Waiting == nil {
		t.Fatalf("a release past the payee's balance limit does not wait: %+v", p)
	}

	// The expiry's day comes; the scheduler has not run yet.
	env.Clock.Advance(on.Time(time.UTC).Add(time.Hour).Sub(env.Clock.Now()))
	anchorFree, tier1Free := free(t, env, anchorWallet), free(t, env, tier1Wallet)

	// Goods accepted on the day release nothing: the receipt refunds what is locked.
	receive(t, env, "po-late", linkfin.ReceiptLine{LineID: "L1", Accepted: 1000}, linkfin.ReceiptLine{LineID: "L2", Accepted: 200})
	wantPayment(t, env, goods.ID, linkfin.ConditionalExpired, 0, 4_000_00)
	if got := free(t, env, tier1Wallet); got != tier1Free {
		t.Fatalf("the payee after goods accepted past the expiry: %d, was %d", got, tier1Free)
	}
	if got := free(t, env, anchorWallet); got != anchorFree+4_000_00 {
		t.Fatalf("the payer after goods accepted past the expiry: %d, want %d", got, anchorFree+4_000_00)
	}

	// A milestone confirmed on the day is refused, and releases nothing.
	if _, err := run[linkfin.ConditionalPayment](t, env, &services.ConfirmMilestone{Actor: "tier2", ID: ms.ID}); linkfin.ErrorCode(err) != linkfin.ECONDITIONCLOSED {
		t.Fatalf("a milestone confirmed past the expiry: %v", err)
	}
	wantPayment(t, env, ms.ID, linkfin.ConditionalLocked, 0, 0)
	if got := free(t, env, tier1Wallet); got != tier1Free {
		t.Fatalf("the payee after a milestone confirmed past the expiry: %d, was %d", got, tier1Free)
	}

	// The payee's wallet has room again (a bigger one designated): the scheduler
	// refunds the waiting release all the same.
	big := e.corporate("tier1")
	if err := e.designate("tier1", "tier1", big.ID); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{ms.ID, wait.ID} {
		mustRun(t, env, &services.SettleConditionalPayment{ID: id})
	}
	wantPayment(t, env, ms.ID, linkfin.ConditionalExpired, 0, 2_000_00)
	if p := wantPayment(t, env, wait.ID, linkfin.ConditionalExpired, 0, 3_230_00); p.Waiting != nil {
		t.Fatalf("expired, still waiting: %+v", p)
	}
	if e.balance(small) != 0 || e.balance(big) != 0 {
		t.Fatalf("the payee's e-CNY wallets after the expiry: %d and %d", e.balance(small), e.balance(big))
	}
	env.Restart()
	env.MustVerify()
}

// billWhole is tier1's invoice, matched, of the whole of an order of the conditional
// payments' fixture (1,000 discs at 12.50 and 200 at 99.00, received).
func billWhole(t *testing.T, env *Env, number, po string) *linkfin.Invoice {
	t.Helper()
	inv, err := run[linkfin.Invoice](t, env, &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{Number: number, BuyerID: "anchor",
		POID: po, Currency: "CNY", IssueDate: date(t, "2026-11-02"), DueDate: date(t, "2027-01-04"),
		Lines: []linkfin.InvoiceLine{{LineID: "L1", Quantity: 1000, UnitPrice: 12_50, Amount: 12_500_00},
			{LineID: "L2", Quantity: 200, UnitPrice: 99_00, Amount: 19_800_00}}, Total: 32_300_00}})
	if err != nil || inv.Status != linkfin.InvoiceMatched {
		t.Fatalf("invoice %s: %+v, %v", number, inv, err)
	}
	return inv
}
