package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// testECNYWallets: every limit of an e-CNY wallet holds at its boundary and refuses one
// fen past it with its own code; the daily and yearly totals start again at midnight
// China time; a class rises only on recorded evidence; a sub-wallet's limits are
// delegated within its parent's; and concurrent payments racing a limit pass exactly
// as many as it allows.
func testECNYWallets(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	tradeFixture(t, env)
	ctx := context.Background()
	deposit := func(org string, amount int64) {
		mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: fmt.Sprintf("dep-%s-%d", org, amount),
			OrgID: org, Currency: "CNY", Amount: amount})
	}
	deposit("tier1", 10_000_000_00)
	deposit("tier2", 10_000_000_00)
	openWallet := func(actor, org string, in linkfin.ECNYWalletIn) *linkfin.ECNYWallet {
		t.Helper()
		w, err := run[linkfin.ECNYWallet](t, env, &services.OpenECNYWallet{Actor: actor, OrgID: org, In: in})
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	a := openWallet("tier1", "tier1", linkfin.ECNYWalletIn{})
	b := openWallet("tier2", "tier2", linkfin.ECNYWalletIn{})
	if a.Class != 4 || a.Limits != linkfin.ClassLimits[4] {
		t.Fatalf("a new wallet: %+v", a)
	}
	move := func(op, id string, amount int64) error {
		_, err := run[linkfin.ECNYWallet](t, env, &services.MoveECNY{Actor: "tier1", ID: id, Op: op, Amount: amount})
		return err
	}
	pay := func(from, to string, amount int64) error {
		_, err := run[linkfin.ECNYPayment](t, env, &services.PayECNY{Actor: "tier1", From: from, To: to, Amount: amount})
		return err
	}
	balance := func(w *linkfin.ECNYWallet) int64 {
		acct, err := env.Domain.Account(ctx, int64(w.Ledger.Wallet))
		if err != nil {
			t.Fatal(err)
		}
		return acct.CreditsPosted - acct.DebitsPosted
	}
	want := func(what string, err error, code string) {
		t.Helper()
		if linkfin.ErrorCode(err) != code {
			t.Fatalf("%s: %v, want %s", what, err, code)
		}
	}
	// Class IV: holds 1,000.00; pays 500.00 at once, 1,000.00 a day, 10,000.00 a year.
	want("top-up to the balance limit", move("top-up", a.ID, 1_000_00), "")
	want("one fen past the balance limit", move("top-up", a.ID, 1), linkfin.EWALLETBALANCE)
	want("a payment at the single limit", pay(a.ID, b.ID, 500_00), "")
	want("one fen past the single limit", pay(a.ID, b.ID, 500_01), linkfin.EWALLETPAYMENT)
	want("a payment that fills the payee to its balance limit", pay(a.ID, b.ID, 500_00), "")
	if balance(a) != 0 || balance(b) != 1_000_00 {
		t.Fatalf("balances %d and %d, want 0 and 1,000.00", balance(a), balance(b))
	}
	// Each payment made is a record announced to the payer and the payee, naming both
	// wallets; the refused one made none.
	paid := "payment tier1→tier2 50000 " + a.ID + "→" + b.ID
	if got := fmt.Sprint(ecnyRail{t, env}.payments("tier2")); got != "["+paid+" "+paid+"]" {
		t.Fatalf("tier2's e-CNY payments: %s", got)
	}
	d := openWallet("tier1", "tier1", linkfin.ECNYWalletIn{})
	want("a payer short of money", pay(d.ID, b.ID, 1), linkfin.EWALLETFUNDS)
	want("top-up", move("top-up", d.ID, 1), "")
	want("a payee one fen past its balance limit", pay(d.ID, b.ID, 1), linkfin.EWALLETBALANCE)
	// a has paid 1,000.00 today: its daily limit. Another wallet pays on; a fen more from a is refused.
	c := openWallet("tier2", "tier2", linkfin.ECNYWalletIn{})
	want("top-up", move("top-up", a.ID, 1_00), "")
	want("one fen past the daily limit", pay(a.ID, c.ID, 1), linkfin.EWALLETDAILY)
	// 15:59:59 UTC is 23:59:59 in China: still the same day. A second on, the next.
	now := env.Clock.Now()
	env.Clock.Advance(time.Date(now.Year(), now.Month(), now.Day(), 15, 59, 59, 0, time.UTC).Sub(now))
	want("at 23:59:59 China time", pay(a.ID, c.ID, 1), linkfin.EWALLETDAILY)
	env.Clock.Advance(time.Second)
	want("at midnight China time, the day's total starts again", pay(a.ID, c.ID, 1_00), "")

	// The yearly total: 10,000.00. The wallet pays 1,000.00 a day until it has paid
	// 10,000.00 this year, then a fen more is refused, until the year turns in China.
	w2 := openWallet("tier1", "tier1", linkfin.ECNYWalletIn{})
	sink := openWallet("tier2", "tier2", linkfin.ECNYWalletIn{})
	mustRun(t, env, &services.RecordECNYEvidence{ID: sink.ID, Evidence: linkfin.ECNYEvidenceIn{Kind: linkfin.EvidenceIdentity, Reference: "ID 3301"}})
	mustRun(t, env, &services.RecordECNYEvidence{ID: sink.ID, Evidence: linkfin.ECNYEvidenceIn{Kind: linkfin.EvidenceBankAccount, Reference: "6222 0001"}})
	mustRun(t, env, &services.RecordECNYEvidence{ID: sink.ID, Evidence: linkfin.ECNYEvidenceIn{Kind: linkfin.EvidenceInPerson, Reference: "branch 12"}})
	if _, err := run[linkfin.ECNYWallet](t, env, &services.RaiseECNYClass{Actor: "tier2", ID: sink.ID, Class: 1}); err != nil {
		t.Fatal(err)
	}
	for day := 0; day < 10; day++ {
		want("top-up", move("top-up", w2.ID, 1_000_00), "")
		want("the day's two payments", pay(w2.ID, sink.ID, 500_00), "")
		want("the day's two payments", pay(w2.ID, sink.ID, 500_00), "")
		env.Clock.Advance(24 * time.Hour)
	}
	want("top-up", move("top-up", w2.ID, 1_00), "")
	want("one fen past the yearly limit", pay(w2.ID, sink.ID, 1), linkfin.EWALLETYEARLY)
	now = env.Clock.Now()
	env.Clock.Advance(time.Date(now.Year(), 12, 31, 16, 0, 0, 0, time.UTC).Sub(now)) // midnight, 1 January, China time
	want("a new year in China", pay(w2.ID, sink.ID, 1), "")

	// A class rises only on the evidence it needs, and its limits rise with it.
	want("class III without evidence", func() error {
		_, err := run[linkfin.ECNYWallet](t, env, &services.RaiseECNYClass{Actor: "tier1", ID: a.ID, Class: 3})
		return err
	}(), linkfin.EEVIDENCEREQUIRED)
	mustRun(t, env, &services.RecordECNYEvidence{ID: a.ID, Evidence: linkfin.ECNYEvidenceIn{Kind: linkfin.EvidenceIdentity, Reference: "ID 1101"}})
	want("class II with an identity document alone", func() error {
		_, err := run[linkfin.ECNYWallet](t, env, &services.RaiseECNYClass{Actor: "tier1", ID: a.ID, Class: 2})
		return err
	}(), linkfin.EEVIDENCEREQUIRED)
	raised, err := run[linkfin.ECNYWallet](t, env, &services.RaiseECNYClass{Actor: "tier1", ID: a.ID, Class: 3})
	if err != nil || raised.Class != 3 || raised.Limits != linkfin.ClassLimits[3] {
		t.Fatalf("class III with an identity document: %+v, %v", raised, err)
	}
	held := balance(a)
	want("class III holds 2,000.00", move("top-up", a.ID, 2_000_00-held), "")
	want("one fen more", move("top-up", a.ID, 1), linkfin.EWALLETBALANCE)

	// A corporate wallet has the limits its bank sets (the operator); its sub-wallets,
	// limits within its own, and are funded from it.
	want("a corporate wallet opened by its owner", func() error {
		_, err := run[linkfin.ECNYWallet](t, env, &services.OpenECNYWallet{Actor: "tier1", OrgID: "tier1",
			In: linkfin.ECNYWalletIn{Limits: &linkfin.WalletLimits{Balance: 1, Payment: 1, Daily: 1, Yearly: 1}}})
		return err
	}(), linkfin.EFORBIDDEN)
	corp := openWallet("", "tier1", linkfin.ECNYWalletIn{Limits: &linkfin.WalletLimits{Balance: 5_000_000_00, Payment: 1_000_000_00,
		Daily: 2_000_000_00, Yearly: 50_000_000_00}})
	want("a sub-wallet delegated more than its parent has", func() error {
		_, err := run[linkfin.ECNYWallet](t, env, &services.OpenECNYWallet{Actor: "tier1", OrgID: "tier1",
			In: linkfin.ECNYWalletIn{ParentID: corp.ID, Limits: &linkfin.WalletLimits{Balance: 5_000_000_01, Payment: 1, Daily: 1, Yearly: 1}}})
		return err
	}(), linkfin.EINVALID)
	sub := openWallet("tier1", "tier1", linkfin.ECNYWalletIn{ParentID: corp.ID,
		Limits: &linkfin.WalletLimits{Balance: 100_000_00, Payment: 15_000_00, Daily: 80_000_00, Yearly: 1_000_000_00}})
	want("top-up of the corporate wallet", move("top-up", corp.ID, 1_000_000_00), "")
	want("funding the sub-wallet to its limit", move("fund", sub.ID, 100_000_00), "")
	want("one fen past it", move("fund", sub.ID, 1), linkfin.EWALLETBALANCE)
	if balance(corp) != 900_000_00 || balance(sub) != 100_000_00 {
		t.Fatalf("corporate %d, sub-wallet %d", balance(corp), balance(sub))
	}

	// Ten payments of 15,000.00 race the sub-wallet's daily 80,000.00: five pass.
	payee := openWallet("tier2", "tier2", linkfin.ECNYWalletIn{Limits: nil})
	mustRun(t, env, &services.RecordECNYEvidence{ID: payee.ID, Evidence: linkfin.ECNYEvidenceIn{Kind: linkfin.EvidenceIdentity, Reference: "ID 1"}})
	mustRun(t, env, &services.RecordECNYEvidence{ID: payee.ID, Evidence: linkfin.ECNYEvidenceIn{Kind: linkfin.EvidenceBankAccount, Reference: "6222 2"}})
	mustRun(t, env, &services.RecordECNYEvidence{ID: payee.ID, Evidence: linkfin.ECNYEvidenceIn{Kind: linkfin.EvidenceInPerson, Reference: "branch 3"}})
	mustRun(t, env, &services.RaiseECNYClass{Actor: "tier2", ID: payee.ID, Class: 1})
	passed := racing(t, 10, "a racing payment", linkfin.EWALLETDAILY, func() error {
		var v linkfin.ECNYPayment
		return env.Domain.Run(ctx, &services.PayECNY{Actor: "tier1", From: sub.ID, To: payee.ID, Amount: 15_000_00}, &v)
	})
	if passed != 5 || balance(sub) != 25_000_00 || balance(payee) != 75_000_00 {
		t.Fatalf("%d racing payments passed (sub-wallet %d, payee %d), want 5", passed, balance(sub), balance(payee))
	}
	if env.Engine != nil {
		env.MustVerify()
	}
}

// testECNYSubWalletLimits: a corporate wallet's sub-wallets do not multiply the limits
// its bank set. Each sub-wallet's limits are carved out of its parent's: once its
// sub-wallets' balance, daily or yearly limits add up to the parent's, another is
// refused with wallet_limits_exceeded, changing nothing, and openings racing for what
// is left pass only as far as it goes. So the sub-wallets of a corporate wallet with a
// daily limit of 2,000.00 pay at most 2,000.00 in a day between them. What the parent
// delegates of its daily and yearly limits it no longer pays itself, and it delegates
// only what it has left. A sub-wallet is funded from its parent, never topped up from
// the platform wallet.
func testECNYSubWalletLimits(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	tradeFixture(t, env)
	ctx := context.Background()
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "dep-tier1-sub", OrgID: "tier1", Currency: "CNY", Amount: 100_000_00})
	want := func(what string, err error, code string) {
		t.Helper()
		if linkfin.ErrorCode(err) != code {
			t.Fatalf("%s: %v, want %q", what, err, code)
		}
	}
	limits := linkfin.WalletLimits{Balance: 10_000_00, Payment: 1_000_00, Daily: 2_000_00, Yearly: 10_000_00}
	corp, err := run[linkfin.ECNYWallet](t, env, &services.OpenECNYWallet{OrgID: "tier1", In: linkfin.ECNYWalletIn{Limits: &limits}})
	if err != nil {
		t.Fatal(err)
	}
	payee, err := run[linkfin.ECNYWallet](t, env, &services.OpenECNYWallet{OrgID: "tier2",
		In: linkfin.ECNYWalletIn{Limits: &linkfin.WalletLimits{Balance: 1_000_000_00, Payment: 1_000_000_00, Daily: 1_000_000_00, Yearly: 1_000_000_00}}})
	if err != nil {
		t.Fatal(err)
	}
	openSub := func(l linkfin.WalletLimits) (*linkfin.ECNYWallet, error) {
		return run[linkfin.ECNYWallet](t, env, &services.OpenECNYWallet{Actor: "tier1", OrgID: "tier1",
			In: linkfin.ECNYWalletIn{ParentID: corp.ID, Limits: &l}})
	}
	move := func(op, id string, amount int64) error {
		_, err := run[linkfin.ECNYWallet](t, env, &services.MoveECNY{Actor: "tier1", ID: id, Op: op, Amount: amount})
		return err
	}
	want("top-up of the corporate wallet", move("top-up", corp.ID, 10_000_00), "")

	// The probe: sub-wallets with the parent's full limits. The first takes them all;
	// the second is refused, and the parent's record is as it was.
	first, err := openSub(limits)
	want("a sub-wallet with all its parent's limits", err, "")
	want("a second one", func() error { _, err := openSub(limits); return err }(), linkfin.EWALLETLIMITS)
	var parent linkfin.ECNYWallet
	if o, err := env.object(linkfin.KindECNYWallet, corp.ID); err != nil {
		t.Fatal(err)
	} else if err := json.Unmarshal(o.Data, &parent); err != nil ||
		parent.Delegated == nil || *parent.Delegated != (linkfin.WalletLimits{Balance: 10_000_00, Daily: 2_000_00, Yearly: 10_000_00}) {
		t.Fatalf("the parent's delegated sums: %+v, %v", parent.Delegated, err)
	}
	want("top-up of a sub-wallet", move("top-up", first.ID, 1_00), linkfin.EINVALID)
	want("funding it from its parent", move("fund", first.ID, 3_000_00), "")
	for i := range 2 {
		_, err := run[linkfin.ECNYPayment](t, env, &services.PayECNY{Actor: "tier1", From: first.ID, To: payee.ID, Amount: 1_000_00})
		want(fmt.Sprintf("payment %d of the day", i+1), err, "")
	}
	_, err = run[linkfin.ECNYPayment](t, env, &services.PayECNY{Actor: "tier1", From: first.ID, To: payee.ID, Amount: 1})
	want("one fen more that day", err, linkfin.EWALLETDAILY)
	// The parent delegated all its daily limit: it pays nothing itself.
	_, err = run[linkfin.ECNYPayment](t, env, &services.PayECNY{Actor: "tier1", From: corp.ID, To: payee.ID, Amount: 1})
	want("a fen from the parent", err, linkfin.EWALLETDAILY)

	// Each limit is counted on its own: a second corporate wallet's sub-wallets split
	// its daily limit; one asking a fen more than is left of any of the three is
	// refused.
	corp2, err := run[linkfin.ECNYWallet](t, env, &services.OpenECNYWallet{OrgID: "tier1", In: linkfin.ECNYWalletIn{Limits: &limits}})
	if err != nil {
		t.Fatal(err)
	}
	corp = corp2
	half := linkfin.WalletLimits{Balance: 5_000_00, Payment: 1_000_00, Daily: 1_000_00, Yearly: 5_000_00}
	if _, err := openSub(half); err != nil {
		t.Fatal(err)
	}
	for _, over := range []linkfin.WalletLimits{
		{Balance: 5_000_01, Payment: 1_000_00, Daily: 1_000_00, Yearly: 5_000_00},
		{Balance: 5_000_00, Payment: 1_000_00, Daily: 1_000_01, Yearly: 5_000_00},
		{Balance: 5_000_00, Payment: 1_000_00, Daily: 1_000_00, Yearly: 5_000_01},
	} {
		want(fmt.Sprintf("a sub-wallet of %+v", over), func() error { _, err := openSub(over); return err }(), linkfin.EWALLETLIMITS)
	}

	// Four openings race for the other half: one passes.
	passed := racing(t, 4, "a racing opening", linkfin.EWALLETLIMITS, func() error {
		var v linkfin.ECNYWallet
		return env.Domain.Run(ctx, &services.OpenECNYWallet{Actor: "tier1", OrgID: "tier1",
			In: linkfin.ECNYWalletIn{ParentID: corp.ID, Limits: &half}}, &v)
	})
	if passed != 1 {
		t.Fatalf("%d racing openings of half the parent's limits passed, want 1", passed)
	}

	// A parent delegates of its daily limit only what it has not paid today: one that
	// paid 1,500.00 of its 2,000.00 gives a sub-wallet 500.00 a day, not a fen more, and
	// then pays no more itself that day.
	corp3, err := run[linkfin.ECNYWallet](t, env, &services.OpenECNYWallet{OrgID: "tier1", In: linkfin.ECNYWalletIn{Limits: &limits}})
	if err != nil {
		t.Fatal(err)
	}
	corp = corp3
	want("top-up of the third corporate wallet", move("top-up", corp.ID, 3_000_00), "")
	for range 2 {
		_, err := run[linkfin.ECNYPayment](t, env, &services.PayECNY{Actor: "tier1", From: corp.ID, To: payee.ID, Amount: 750_00})
		want("the parent's own payment", err, "")
	}
	small := linkfin.WalletLimits{Balance: 1_000_00, Payment: 500_00, Daily: 500_01, Yearly: 1_000_00}
	want("a sub-wallet a fen past what the parent has left today", func() error { _, err := openSub(small); return err }(), linkfin.EWALLETLIMITS)
	small.Daily = 500_00
	want("one within it", func() error { _, err := openSub(small); return err }(), "")
	_, err = run[linkfin.ECNYPayment](t, env, &services.PayECNY{Actor: "tier1", From: corp.ID, To: payee.ID, Amount: 1})
	want("a fen more from the parent", err, linkfin.EWALLETDAILY)
	if env.Engine != nil {
		env.MustVerify()
	}
}

// racing runs n copies of run at once and counts those that passed; each of the others
// must have been refused with the code refused, else the test fails naming what.
func racing(t *testing.T, n int, what, refused string, run func() error) int {
	t.Helper()
	var wg sync.WaitGroup
	codes := make([]string, n)
	for i := range codes {
		wg.Go(func() { codes[i] = linkfin.ErrorCode(run()) })
	}
	wg.Wait()
	passed := 0
	for _, c := range codes {
		switch c {
		case "":
			passed++
		case refused:
		default:
			t.Fatalf("%s: %s", what, c)
		}
	}
	return passed
}
