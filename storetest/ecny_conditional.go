package storetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// testECNYConditional: a conditional payment on the e-CNY rail holds the money in the
// payer's designated wallet, with its single-payment, daily and yearly limits checked
// and reserved when it is locked (each refused with its code, changing nothing); a
// goods receipt releases it into the payee's designated wallet as an e-CNY payment,
// announced to both; a payee's wallet without room makes the release wait, locked,
// recorded in words that name none of that wallet's figures, until the scheduler
// finds room; a release on a later day takes nothing from that
// day's limits, and a refund gives back the headroom of the lock's day only on that
// day, and of its year in that year.
func testECNYConditional(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	conditionalFixture(t, env)
	e := ecnyRail{t, env}
	lock := func(amount int64, po string, release linkfin.ReleaseMode) (*linkfin.ConditionalPayment, error) {
		return run[linkfin.ConditionalPayment](t, env, &services.CreateConditionalPayment{Actor: "anchor", In: linkfin.ConditionalPaymentIn{
			PayeeID: "tier1", Currency: "CNY", Amount: amount, Rail: linkfin.RailECNY,
			Condition: linkfin.ConditionIn{Type: linkfin.ConditionGoodsReceived, POID: po, Release: release}}})
	}
	acceptedOrder(t, env, "po-a") // 32,300.00
	acceptedOrder(t, env, "po-b")

	// What the rail refuses before anything is read.
	for _, in := range []struct {
		what, about string
		in          linkfin.ConditionalPaymentIn
	}{
		{"a rail that is none", "the rail is ecny", linkfin.ConditionalPaymentIn{Rail: "bank", Currency: "CNY"}},
		{"the e-CNY rail in dollars", "pays yuan", linkfin.ConditionalPaymentIn{Rail: linkfin.RailECNY, Currency: "USD"}},
		{"a purpose-bound source", "not from a purpose-bound wallet", linkfin.ConditionalPaymentIn{Rail: linkfin.RailECNY, Currency: "CNY",
			SourceWalletID: "pb_x"}},
	} {
		in.in.PayeeID, in.in.Amount = "tier1", 1_00
		in.in.Condition = linkfin.ConditionIn{Type: linkfin.ConditionGoodsReceived, POID: "po-a"}
		if _, err := run[linkfin.ConditionalPayment](t, env, &services.CreateConditionalPayment{Actor: "anchor", In: in.in}); !refusal(err, linkfin.EINVALID, in.about) {
			t.Fatalf("%s: %v", in.what, err)
		}
	}
	if _, err := lock(1_00, "po-a", ""); !refusal(err, linkfin.ENOECNYWALLET, "organization anchor") {
		t.Fatalf("a payer without a designated wallet: %v", err)
	}
	anchorW, err := run[linkfin.ECNYWallet](t, env, &services.OpenECNYWallet{OrgID: "anchor", In: linkfin.ECNYWalletIn{
		Limits: &linkfin.WalletLimits{Balance: 5_000_000_00, Payment: 40_000_00, Daily: 60_000_00, Yearly: 70_000_00}}})
	if err != nil {
		t.Fatal(err)
	}
	e.topUp("anchor", anchorW, 100_000_00)
	if err := e.designate("anchor", "anchor", anchorW.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := lock(1_00, "po-a", ""); !refusal(err, linkfin.ENOECNYWALLET, "organization tier1") {
		t.Fatalf("a payee without a designated wallet: %v", err)
	}
	small := e.personal("tier1") // holds 1,000.00 at most
	if err := e.designate("tier1", "tier1", small.ID); err != nil {
		t.Fatal(err)
	}

	// The anchor's wallet as the ledger holds it: its balance, what is held of it, and
	// what its daily and yearly totals count (posted or reserved).
	type state struct{ balance, held, day, year int64 }
	anchor := func() state {
		t.Helper()
		w, d, y := env.Account(int64(anchorW.Ledger.Wallet)), env.Account(int64(anchorW.Ledger.Daily)), env.Account(int64(anchorW.Ledger.Yearly))
		return state{w.CreditsPosted - w.DebitsPosted, w.DebitsPending,
			anchorW.Limits.Daily - (d.CreditsPosted - d.DebitsPosted - d.DebitsPending),
			anchorW.Limits.Yearly - (y.CreditsPosted - y.DebitsPosted - y.DebitsPending)}
	}
	want := func(what string, s state) {
		t.Helper()
		if got := anchor(); got != s {
			t.Fatalf("%s: the anchor's wallet %+v, want %+v", what, got, s)
		}
	}
	want("topped up", state{100_000_00, 0, 0, 0})

	// The single-payment limit, at lock.
	if _, err := lock(40_000_01, "po-a", ""); linkfin.ErrorCode(err) != linkfin.EWALLETPAYMENT {
		t.Fatalf("one fen past the single-payment limit: %v", err)
	}
	want("past the single-payment limit", state{100_000_00, 0, 0, 0})

	// Locked: the money is held in the anchor's wallet, and counts in today's totals.
	a, err := lock(32_300_00, "po-a", linkfin.ReleaseProRata)
	if err != nil || a.Rail != linkfin.RailECNY || a.ECNY == nil || a.ECNY.PayerAccounts != anchorW.Ledger || a.Status != linkfin.ConditionalLocked {
		t.Fatalf("locked on the e-CNY rail: %+v, %v", a, err)
	}
	want("locked", state{100_000_00, 32_300_00, 32_300_00, 32_300_00})
	if e.balance(small) != 0 || len(e.payments("tier1")) != 0 {
		t.Fatalf("the payee before any receipt: %d, %v", e.balance(small), e.payments("tier1"))
	}

	// The daily limit, at lock: 27,700.00 are left today.
	if _, err := lock(27_700_01, "po-b", ""); linkfin.ErrorCode(err) != linkfin.EWALLETDAILY {
		t.Fatalf("one fen past the daily limit: %v", err)
	}
	want("past the daily limit", state{100_000_00, 32_300_00, 32_300_00, 32_300_00})
	b, err := lock(27_700_00, "po-b", "")
	if err != nil {
		t.Fatal(err)
	}
	want("the day's limit reached", state{100_000_00, 60_000_00, 60_000_00, 60_000_00})

	// 400 discs accepted (5,000.00 of 32,300.00): 5,000.00 due, but the payee's wallet
	// may hold 1,000.00. The receipt stands; the release waits, locked.
	receive(t, env, "po-a", linkfin.ReceiptLine{LineID: "L1", Accepted: 400})
	p := wantPayment(t, env, a.ID, linkfin.ConditionalLocked, 0, 0)
	if p.Waiting == nil || p.Waiting.Amount != 5_000_00 || p.Waiting.Code != linkfin.EWALLETBALANCE {
		t.Fatalf("a release past the payee's balance limit: %+v", p.Waiting)
	}
	// The payment, as the log keeps it for the payer and every other reader, says why
	// in words that name neither the payee's wallet nor its room or limit.
	if r := p.Waiting.Reason; !strings.HasPrefix(r, "goods receipt ") || !strings.HasSuffix(r, "; the payee's e-CNY wallet cannot be paid this amount now") ||
		strings.Contains(r, "1000.00") || strings.Contains(r, small.ID) {
		t.Fatalf("the waiting release's reason: %q", r)
	}
	if e.balance(small) != 0 || len(e.payments("tier1")) != 0 {
		t.Fatalf("the payee after the waiting release: %d, %v", e.balance(small), e.payments("tier1"))
	}
	want("a release waiting", state{100_000_00, 60_000_00, 60_000_00, 60_000_00})

	// The next day, China time, with a wallet that has room, the scheduler releases it.
	// It counts in the day it was locked: nothing of the new day's limit is taken.
	big := e.corporate("tier1")
	if err := e.designate("tier1", "tier1", big.ID); err != nil {
		t.Fatal(err)
	}
	env.Clock.Advance(24 * time.Hour)
	due, err := services.Due(t.Context(), env.Records(), env.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	var settled int
	for _, c := range due {
		if c, ok := c.(*services.SettleConditionalPayment); ok && c.ID == a.ID {
			mustRun(t, env, c)
			settled++
		}
	}
	if settled != 1 {
		t.Fatalf("the scheduler's due list: %v", due)
	}
	p = wantPayment(t, env, a.ID, linkfin.ConditionalLocked, 5_000_00, 0)
	if p.Waiting != nil || p.Moves[1].Type != linkfin.MovePartialRelease || p.Moves[1].ECNYPaymentID == "" {
		t.Fatalf("released after waiting: %+v", p)
	}
	if e.balance(big) != 5_000_00 || e.balance(small) != 0 {
		t.Fatalf("the payee's wallets: %d and %d", e.balance(big), e.balance(small))
	}
	paidA := fmt.Sprintf("conditional_payment anchor→tier1 %d", 5_000_00)
	for _, org := range []string{"anchor", "tier1"} {
		if got := fmt.Sprint(e.payments(org)); got != "["+paidA+"]" {
			t.Fatalf("%s's e-CNY payments: %s", org, got)
		}
	}
	ep := record[linkfin.ECNYPayment](t, env, linkfin.KindECNYPayment, p.Moves[1].ECNYPaymentID)
	if ep.ConditionalPaymentID != a.ID || ep.Day != a.ECNY.Day || ep.From != "" || ep.To != "" {
		t.Fatalf("the release's e-CNY payment: %+v", ep)
	}
	// A new day: its totals start again; the release took nothing from them.
	mustRun(t, env, &services.PayECNY{Actor: "anchor", From: anchorW.ID, To: big.ID, Amount: 1_00})
	want("released the next day", state{95_000_00 - 1_00, 55_000_00, 1_00, 60_001_00})

	// Cancelled the next day: the money and the year's headroom come back, not the
	// past day's.
	mustRun(t, env, &services.CancelConditionalPayment{Actor: "anchor", ID: b.ID})
	mustRun(t, env, &services.CancelConditionalPayment{Actor: "tier1", ID: b.ID})
	wantPayment(t, env, b.ID, linkfin.ConditionalCancelled, 0, 27_700_00)
	want("refunded the next day", state{95_000_00 - 1_00, 27_300_00, 1_00, 32_301_00})

	// The yearly limit, at lock: 37,699.00 are left this year.
	if _, err := lock(37_699_01, "po-b", ""); linkfin.ErrorCode(err) != linkfin.EWALLETYEARLY {
		t.Fatalf("one fen past the yearly limit: %v", err)
	}
	want("past the yearly limit", state{95_000_00 - 1_00, 27_300_00, 1_00, 32_301_00})
	// Locked and cancelled on one day: all its headroom comes back.
	c, err := lock(30_000_00, "po-b", "")
	if err != nil {
		t.Fatal(err)
	}
	want("locked on the day", state{95_000_00 - 1_00, 57_300_00, 30_001_00, 62_301_00})
	mustRun(t, env, &services.CancelConditionalPayment{Actor: "tier1", ID: c.ID})
	mustRun(t, env, &services.CancelConditionalPayment{Actor: "anchor", ID: c.ID})
	want("refunded on the day", state{95_000_00 - 1_00, 27_300_00, 1_00, 32_301_00})

	// The rest of the order: all of it, to the fen.
	receive(t, env, "po-a", linkfin.ReceiptLine{LineID: "L1", Accepted: 600}, linkfin.ReceiptLine{LineID: "L2", Accepted: 200})
	wantPayment(t, env, a.ID, linkfin.ConditionalReleased, 32_300_00, 0)
	want("released in full", state{67_700_00 - 1_00, 0, 1_00, 32_301_00})
	if e.balance(big) != 32_300_00+1_00 {
		t.Fatalf("the payee's wallet: %d", e.balance(big))
	}
	if got := fmt.Sprint(e.payments("tier1")); got != fmt.Sprintf("[%s payment anchor→tier1 100 %s→%s conditional_payment anchor→tier1 %d]",
		paidA, anchorW.ID, big.ID, 27_300_00) {
		t.Fatalf("tier1's e-CNY payments: %s", got)
	}

	// Expired while its release waits: what is still locked is refunded all the same;
	// the year's headroom comes back, not that of the day it was locked.
	acceptedOrder(t, env, "po-c")
	if err := e.designate("tier1", "tier1", small.ID); err != nil {
		t.Fatal(err)
	}
	on := linkfin.BusinessDate(env.Clock.Now()).AddDays(2)
	d, err := run[linkfin.ConditionalPayment](t, env, &services.CreateConditionalPayment{Actor: "anchor", In: linkfin.ConditionalPaymentIn{
		PayeeID: "tier1", Currency: "CNY", Amount: 3_230_00, Rail: linkfin.RailECNY, ExpiresOn: &on,
		Condition: linkfin.ConditionIn{Type: linkfin.ConditionGoodsReceived, POID: "po-c", Release: linkfin.ReleaseProRata}}})
	if err != nil {
		t.Fatal(err)
	}
	want("locked to expire", state{67_700_00 - 1_00, 3_230_00, 3_231_00, 35_531_00})
	receive(t, env, "po-c", linkfin.ReceiptLine{LineID: "L1", Accepted: 1000}) // 12,500.00 of 32,300.00: 1,250.00 due
	if p := wantPayment(t, env, d.ID, linkfin.ConditionalLocked, 0, 0); p.Waiting == nil || p.Waiting.Amount != 1_250_00 {
		t.Fatalf("a release past the payee's balance limit: %+v", p.Waiting)
	}
	env.Clock.Advance(48 * time.Hour)
	mustRun(t, env, &services.SettleConditionalPayment{ID: d.ID})
	if p := wantPayment(t, env, d.ID, linkfin.ConditionalExpired, 0, 3_230_00); p.Waiting != nil {
		t.Fatalf("expired: %+v", p)
	}
	want("expired", state{67_700_00 - 1_00, 0, 3_231_00, 32_301_00})
	if e.balance(small) != 0 {
		t.Fatalf("the payee's wallet after the expiry: %d", e.balance(small))
	}
	// Its lock resolved already, by the other side or by the scheduler, a payment is
	// refused in the domain's words before its legs reach the ledger, and nothing
	// moves.
	for _, id := range []string{b.ID, d.ID} {
		if _, err := run[linkfin.ConditionalPayment](t, env, &services.CancelConditionalPayment{Actor: "anchor", ID: id}); !refusal(err, linkfin.ECONDITIONCLOSED, "conditional payment "+id+" is") {
			t.Fatalf("cancelling %s once its lock is resolved: %v", id, err)
		}
	}
	want("expired", state{67_700_00 - 1_00, 0, 3_231_00, 32_301_00})

	env.Restart()
	env.MustVerify()
}
