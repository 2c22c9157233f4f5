package storetest

import (
	"strings"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// recordEventTypes lists the types of the events of one record, in the log's order.
func recordEventTypes(t *testing.T, env *Env, kind, id string) []string {
	t.Helper()
	var log map[linkfin.ObjectKey][]linkfin.Event
	if env.Mem != nil {
		log = eventsByRecord(t, env.Mem.Events())
	} else {
		log = logByRecord(t, env.Store)
	}
	var out []string
	for _, e := range log[linkfin.ObjectKey{Kind: kind, ID: id}] {
		out = append(out, e.Type)
	}
	return out
}

// testConditionalLapse: a conditional payment whose condition can no longer be met is
// refunded to its payer by the command that makes it so, on either rail: cancelling a
// purchase order refunds every payment that waits on its goods, or on a shipment or
// an invoice of it (one past its expiry is expired instead), and disputing an invoice
// every payment that waits on its approval; each gets its refund move and event, and
// leaves its watch. A payment on another order stays locked, and a new one on a
// condition that can no longer be met is refused (409 conflict).
func testConditionalLapse(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	conditionalFixture(t, env)
	anchorWallet, tier1Wallet := linkfin.WalletID("anchor", "CNY"), linkfin.WalletID("tier1", "CNY")
	e := ecnyRail{t, env}
	anchorW := e.corporate("anchor")
	e.topUp("anchor", anchorW, 100_000_00)
	tier1W := e.corporate("tier1")
	for org, w := range map[string]*linkfin.ECNYWallet{"anchor": anchorW, "tier1": tier1W} {
		if err := e.designate(org, org, w.ID); err != nil {
			t.Fatal(err)
		}
	}
	pay := func(amount int64, rail linkfin.PaymentRail, cond linkfin.ConditionIn, expires *linkfin.Date) (*linkfin.ConditionalPayment, error) {
		return run[linkfin.ConditionalPayment](t, env, &services.CreateConditionalPayment{Actor: "anchor", In: linkfin.ConditionalPaymentIn{
			PayeeID: "tier1", Currency: "CNY", Amount: amount, Rail: rail, Condition: cond, ExpiresOn: expires}})
	}
	mustPay := func(amount int64, rail linkfin.PaymentRail, cond linkfin.ConditionIn, expires *linkfin.Date) *linkfin.ConditionalPayment {
		t.Helper()
		p, err := pay(amount, rail, cond, expires)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	refunded := func(p *linkfin.ConditionalPayment, status linkfin.ConditionalStatus, about string) {
		t.Helper()
		got := wantPayment(t, env, p.ID, status, 0, p.Amount)
		if last := got.Moves[len(got.Moves)-1]; last.Type != linkfin.MoveRefund || !strings.Contains(last.Reason, about) {
			t.Fatalf("payment %s's last move: %+v", p.ID, last)
		}
		if evs := recordEventTypes(t, env, linkfin.KindConditionalPayment, p.ID); evs[len(evs)-1] != "conditional_payment.refunded" {
			t.Fatalf("payment %s's events: %v", p.ID, evs)
		}
	}
	watch := func(kind, id string) linkfin.ConditionWatch {
		t.Helper()
		return record[linkfin.ConditionWatch](t, env, linkfin.KindConditionWatch, linkfin.ConditionWatchID(kind, id))
	}

	// An order the anchor will cancel, with payments on its goods, on a shipment of
	// it, and one whose expiry comes before the cancellation; on both rails.
	acceptedOrder(t, env, "po-gone")
	acceptedOrder(t, env, "po-stays")
	ship, err := run[linkfin.Shipment](t, env, &services.CreateShipment{Actor: "tier1", Shipment: linkfin.Shipment{POID: "po-gone", CarrierID: "carrier"}})
	if err != nil {
		t.Fatal(err)
	}
	goodsGone := linkfin.ConditionIn{Type: linkfin.ConditionGoodsReceived, POID: "po-gone"}
	delivered := linkfin.ConditionIn{Type: linkfin.ConditionDelivered, ShipmentID: ship.ID}
	expiry := linkfin.BusinessDate(env.Clock.Now()).AddDays(1)
	goods := mustPay(4_000_00, "", goodsGone, nil)
	goodsE := mustPay(3_000_00, linkfin.RailECNY, linkfin.ConditionIn{Type: linkfin.ConditionGoodsReceived, POID: "po-gone",
		Release: linkfin.ReleaseProRata}, nil)
	dl := mustPay(2_000_00, "", delivered, nil)
	dlE := mustPay(1_000_00, linkfin.RailECNY, delivered, nil)
	late := mustPay(500_00, "", goodsGone, &expiry)
	stays := mustPay(700_00, "", linkfin.ConditionIn{Type: linkfin.ConditionGoodsReceived, POID: "po-stays"}, nil)
	// An invoice of an order with nothing received does not match: it will never be
	// approved, and nothing waits on it.
	inv, err := run[linkfin.Invoice](t, env, &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{Number: "INV-GONE", BuyerID: "anchor",
		POID: "po-gone", Currency: "CNY", IssueDate: date(t, "2026-11-02"), DueDate: date(t, "2027-01-04"),
		Lines: []linkfin.InvoiceLine{{LineID: "L1", Quantity: 1000, UnitPrice: 12_50, Amount: 12_500_00}}, Total: 12_500_00}})
	if err != nil || inv.Status != linkfin.InvoiceMismatched {
		t.Fatalf("invoice: %+v, %v", inv, err)
	}
	if _, err := pay(1_00, "", linkfin.ConditionIn{Type: linkfin.ConditionInvoiceApproved, InvoiceID: inv.ID}, nil); !refusal(err, linkfin.ECONFLICT, "will never be approved") {
		t.Fatalf("a payment on a mismatched invoice: %v", err)
	}

	env.Clock.Advance(expiry.Time(time.UTC).Add(time.Hour).Sub(env.Clock.Now()))
	anchorFree, tier1Free, anchorE := free(t, env, anchorWallet), free(t, env, tier1Wallet), e.balance(anchorW)
	if held := env.Account(int64(anchorW.Ledger.Wallet)).DebitsPending; held != 4_000_00 {
		t.Fatalf("the anchor's e-CNY wallet holds %d locked", held)
	}
	// Cancelling the order refunds them all, in the same command.
	mustRun(t, env, &services.CancelPurchaseOrder{Actor: "anchor", ID: "po-gone"})
	for _, p := range []*linkfin.ConditionalPayment{goods, goodsE, dl, dlE} {
		refunded(p, linkfin.ConditionalCancelled, "purchase order po-gone was cancelled by its buyer")
	}
	refunded(late, linkfin.ConditionalExpired, "expired on "+expiry.String())
	wantPayment(t, env, stays.ID, linkfin.ConditionalLocked, 0, 0)
	if got := free(t, env, anchorWallet); got != anchorFree+4_000_00+2_000_00+500_00 {
		t.Fatalf("the anchor's wallet after the cancellation: %d free, want %d", got, anchorFree+6_500_00)
	}
	if w := env.Account(int64(anchorW.Ledger.Wallet)); w.DebitsPending != 0 || e.balance(anchorW) != anchorE {
		t.Fatalf("the anchor's e-CNY wallet after the cancellation: %+v, was %d", w, anchorE)
	}
	if free(t, env, tier1Wallet) != tier1Free || e.balance(tier1W) != 0 || env.Account(tier1Wallet).CreditsPending != 700_00 {
		t.Fatalf("the payee after the cancellation: %+v, e-CNY %d", env.Account(tier1Wallet), e.balance(tier1W))
	}
	if w := watch(linkfin.KindPurchaseOrder, "po-gone"); len(w.Payments) != 0 || len(w.Related) != 0 {
		t.Fatalf("the cancelled order's watch: %+v", w)
	}
	if w := watch(linkfin.KindShipment, ship.ID); len(w.Payments) != 0 {
		t.Fatalf("the shipment's watch: %+v", w)
	}
	// Its shipment delivered after all releases nothing; nothing new waits on it.
	mustRun(t, env, &services.ReportShipmentEvent{Actor: "carrier", ShipmentID: ship.ID, Status: linkfin.ShipmentDelivered})
	wantPayment(t, env, dl.ID, linkfin.ConditionalCancelled, 0, 2_000_00)
	for what, cond := range map[string]linkfin.ConditionIn{"its goods": goodsGone, "its shipment": delivered} {
		if _, err := pay(1_00, "", cond, nil); !refusal(err, linkfin.ECONFLICT, "purchase order po-gone is cancelled") {
			t.Fatalf("a payment on %s once the order is cancelled: %v", what, err)
		}
	}

	// A disputed invoice is never approved: what waits on its approval is refunded.
	receive(t, env, "po-stays", linkfin.ReceiptLine{LineID: "L1", Accepted: 1000}, linkfin.ReceiptLine{LineID: "L2", Accepted: 200})
	wantPayment(t, env, stays.ID, linkfin.ConditionalReleased, 700_00, 0)
	bill := billWhole(t, env, "INV-STAYS", "po-stays")
	approved := linkfin.ConditionIn{Type: linkfin.ConditionInvoiceApproved, InvoiceID: bill.ID}
	ia, iaE := mustPay(6_000_00, "", approved, nil), mustPay(5_000_00, linkfin.RailECNY, approved, nil)
	anchorFree, anchorE = free(t, env, anchorWallet), e.balance(anchorW)
	mustRun(t, env, &services.DisputeInvoice{Actor: "anchor", ID: bill.ID, Reason: "wrong calipers"})
	refunded(ia, linkfin.ConditionalCancelled, "invoice "+bill.ID+" was disputed by its buyer")
	refunded(iaE, linkfin.ConditionalCancelled, "invoice "+bill.ID+" was disputed by its buyer")
	if got := free(t, env, anchorWallet); got != anchorFree+6_000_00 {
		t.Fatalf("the anchor's wallet after the dispute: %d free, want %d", got, anchorFree+6_000_00)
	}
	if w := env.Account(int64(anchorW.Ledger.Wallet)); w.DebitsPending != 0 || e.balance(anchorW) != anchorE {
		t.Fatalf("the anchor's e-CNY wallet after the dispute: %+v, was %d", w, anchorE)
	}
	if w := watch(linkfin.KindInvoice, bill.ID); len(w.Payments) != 0 {
		t.Fatalf("the disputed invoice's watch: %+v", w)
	}
	if _, err := pay(1_00, "", approved, nil); !refusal(err, linkfin.ECONFLICT, "will never be approved") {
		t.Fatalf("a payment on a disputed invoice: %v", err)
	}
	env.Restart()
	env.MustVerify()
}
