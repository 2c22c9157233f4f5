package services_test

import (
	"testing"

	"linkfin"
	"linkfin/ledger"
	"linkfin/services"
)

// ecnyMax are the largest limits a bank may set on a corporate wallet.
var ecnyMax = linkfin.WalletLimits{Balance: linkfin.MaxAmount, Payment: linkfin.MaxAmount,
	Daily: linkfin.MaxAmount, Yearly: linkfin.MaxAmount}

// Wallets opened with the largest limits, more of them than one ledger account could
// grant limits to (3 × MaxAmount each: some three thousand passed 2^63), all open, and
// money still moves between them: each wallet grants its headroom from its own limit
// source, so no sum over wallets lives in one account.
func TestECNYWalletsOpenPastASharedSourcesRange(t *testing.T) {
	w := newWorld(t)
	w.must(&services.CreateOrganization{Org: linkfin.Organization{ID: "corp", Name: "Corp", Capabilities: []linkfin.Capability{linkfin.CapTrade}}},
		&services.RecordInboundPayment{Rail: "bank", InstructionID: "dep-1", OrgID: "corp", Currency: "CNY", Amount: 5_000_00})
	const wallets = 3_200 // 3,200 × 3 × 10^15 > 2^63
	var first, last *linkfin.ECNYWallet
	for i := range wallets {
		ew, err := run[linkfin.ECNYWallet](w, &services.OpenECNYWallet{OrgID: "corp", In: linkfin.ECNYWalletIn{Limits: &ecnyMax}})
		if err != nil {
			t.Fatalf("wallet %d: %v", i+1, err)
		}
		if ew.Ledger.LimitSource == 0 {
			t.Fatalf("wallet %d has no limit source of its own: %+v", i+1, ew.Ledger)
		}
		if first == nil {
			first = ew
		}
		last = ew
	}
	w.must(&services.MoveECNY{Actor: "corp", ID: first.ID, Op: "top-up", Amount: 3_000_00},
		&services.PayECNY{Actor: "corp", From: first.ID, To: last.ID, Amount: 1_000_00})
	for _, c := range []struct {
		w    *linkfin.ECNYWallet
		want int64
	}{{first, 2_000_00}, {last, 1_000_00}} {
		a, _ := w.db.Account(int64(c.w.Ledger.Wallet))
		if got := a.CreditsPosted - a.DebitsPosted; got != c.want {
			t.Fatalf("wallet %s holds %d, want %d", c.w.ID, got, c.want)
		}
	}
	// The payer's source: debited the 3 × MaxAmount it granted and the 1,000.00 of
	// balance headroom the payment gave back; credited the top-up's balance headroom
	// and the payment's daily and yearly headroom.
	src, _ := w.db.Account(int64(first.Ledger.LimitSource))
	if src.DebitsPosted != 3*linkfin.MaxAmount+1_000_00 || src.CreditsPosted != 3_000_00+2*1_000_00 {
		t.Fatalf("the payer's limit source: %+v", src)
	}
	if shared, ok := w.db.Account(linkfin.LedgerID("ecny-limits")); ok && (shared.DebitsPosted != 0 || shared.CreditsPosted != 0) {
		t.Fatalf("the shared limit source moved: %+v", shared)
	}
}

// openLegacyWallet opens a wallet as linkfin did before wallets had limit sources of
// their own: its headroom granted from the platform's shared source, its record naming
// no source. Databases hold such wallets.
type openLegacyWallet struct{ org string }

func (c *openLegacyWallet) Keys() []linkfin.ObjectKey { return nil }

func (c *openLegacyWallet) LedgerKeys(linkfin.Records) (accounts, transfers []int64) {
	return []int64{linkfin.LedgerID("ecny-limits")}, nil
}

func (c *openLegacyWallet) Apply(tx linkfin.Tx) (any, error) {
	shared := linkfin.LedgerID("ecny-limits")
	w := linkfin.ECNYWallet{OrgID: c.org, Limits: ecnyMax, CreatedAt: tx.Now()}
	w.ID = tx.NewID("ew")
	id := func(s string) linkfin.StringInt { return linkfin.StringInt(linkfin.LedgerID("ecny/" + w.ID + s)) }
	w.Ledger = linkfin.ECNYWalletLedger{Wallet: id(""), Balance: id("/balance"), Daily: id("/daily"), Yearly: id("/yearly")}
	w.Day = linkfin.BusinessDate(tx.Now())
	w.Year, _, _ = w.Day.YMD()
	acct := func(id int64, code uint16, flags ledger.AccountFlags) ledger.Account {
		return ledger.Account{ID: id, Ledger: 156, Currency: "CNY", Code: code, Flags: flags}
	}
	if err := tx.CreateAccounts(acct(shared, 7, 0)); err != nil {
		return nil, err
	}
	if err := tx.CreateNewAccounts(acct(int64(w.Ledger.Wallet), 5, ledger.DebitsMustNotExceedCredits),
		acct(int64(w.Ledger.Balance), 6, ledger.DebitsMustNotExceedCredits), acct(int64(w.Ledger.Daily), 6, ledger.DebitsMustNotExceedCredits),
		acct(int64(w.Ledger.Yearly), 6, ledger.DebitsMustNotExceedCredits)); err != nil {
		return nil, err
	}
	base := tx.ReserveLedgerIDs(3)
	var ts []ledger.Transfer
	for i, to := range []linkfin.StringInt{w.Ledger.Balance, w.Ledger.Daily, w.Ledger.Yearly} {
		ts = append(ts, ledger.Transfer{ID: base + int64(i), DebitAccountID: shared, CreditAccountID: int64(to),
			Amount: linkfin.MaxAmount, Ledger: 156, Currency: "CNY", Code: 6})
	}
	if err := tx.Transfer(ts...); err != nil {
		return nil, err
	}
	return &w, tx.Put(linkfin.KindECNYWallet, w.ID, &w, "ecny_wallet.opened")
}

// A wallet opened before wallets had their own limit source keeps the shared one: its
// payments, top-ups and new days move headroom between its accounts and that source,
// and a payment to a wallet with a source of its own gives the payee's balance
// headroom to the payee's.
func TestECNYWalletWithTheSharedSourceStillPays(t *testing.T) {
	w := newWorld(t)
	w.must(&services.CreateOrganization{Org: linkfin.Organization{ID: "corp", Name: "Corp", Capabilities: []linkfin.Capability{linkfin.CapTrade}}},
		&services.RecordInboundPayment{Rail: "bank", InstructionID: "dep-1", OrgID: "corp", Currency: "CNY", Amount: 5_000_00})
	old, err := run[linkfin.ECNYWallet](w, &openLegacyWallet{org: "corp"})
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := run[linkfin.ECNYWallet](w, &services.OpenECNYWallet{OrgID: "corp", In: linkfin.ECNYWalletIn{Limits: &ecnyMax}})
	if err != nil {
		t.Fatal(err)
	}
	w.must(&services.MoveECNY{Actor: "corp", ID: old.ID, Op: "top-up", Amount: 3_000_00},
		&services.PayECNY{Actor: "corp", From: old.ID, To: fresh.ID, Amount: 1_000_00})
	w.now = w.now.AddDate(0, 0, 1) // a new day gives the old wallet's daily headroom back from the shared source
	w.must(&services.PayECNY{Actor: "corp", From: old.ID, To: fresh.ID, Amount: 500_00},
		&services.PayECNY{Actor: "corp", From: fresh.ID, To: old.ID, Amount: 200_00})
	shared, _ := w.db.Account(linkfin.LedgerID("ecny-limits"))
	// Debits: 3 × MaxAmount granted, the old wallet's balance headroom back as it paid
	// (1,000.00, 500.00), the day's 1,000.00 given back. Credits: its top-up (3,000.00),
	// its daily and yearly headroom as it paid (2 × 1,500.00), what it was paid (200.00).
	if shared.DebitsPosted != 3*linkfin.MaxAmount+1_500_00+1_000_00 || shared.CreditsPosted != 3_000_00+2*1_500_00+200_00 {
		t.Fatalf("the shared limit source: %+v", shared)
	}
	src, _ := w.db.Account(int64(fresh.Ledger.LimitSource))
	if src.DebitsPosted != 3*linkfin.MaxAmount+200_00 || src.CreditsPosted != 1_500_00+2*200_00 {
		t.Fatalf("the fresh wallet's limit source: %+v", src)
	}
}
