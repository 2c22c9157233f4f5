package storetest

import (
	"fmt"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

// testAmbiguousMatches: an entry that names nothing is matched by amount and date only
// when one open item of its amount lies within linkfin.MatchWindowDays days of it.
// Where several do, of different organizations or of one, the nearest in date is no
// better a guess than the others: the entry waits, unmatched with a note, for a person
// to assign it, and nothing moves. A credit of 77,700.00 on 12-09 that tier2 expected
// on 12-08 and tier1 on 12-09 credited tier1 before. The one item of an amount still
// matches, a few days off. All verifies.
func testAmbiguousMatches(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env)
	expect := func(org string, amount int64, day string) string {
		t.Helper()
		ep, err := run[linkfin.ExpectedPayment](t, env, &services.CreateExpectedPayment{Actor: org,
			In: linkfin.ExpectedPaymentIn{Currency: "CNY", Amount: amount, Date: date(t, day)}})
		if err != nil {
			t.Fatal(err)
		}
		return ep.ID
	}
	// Credits: two parties' payments of one amount a day apart; one party's two, two
	// days either side of the entry; and one alone, two days off.
	tier2Early, tier1Same := expect("tier2", 77_700_00, "2026-12-08"), expect("tier1", 77_700_00, "2026-12-09")
	ownA, ownB := expect("tier1", 12_300_00, "2026-12-07"), expect("tier1", 12_300_00, "2026-12-10")
	alone := expect("tier2", 4_560_00, "2026-12-11")
	// Debits: two parties' instructions of one amount, in files a day apart.
	ctFactor := withdrawBank(t, env, "factor", "w-a1", 3_300_00)
	fileBank(t, env, "2026-12-08")
	ctBank := withdrawBank(t, env, "bank", "w-a2", 3_300_00)
	fileBank(t, env, "2026-12-09")
	tier1, tier2 := cnyBalance(t, env, "tier1"), cnyBalance(t, env, "tier2")

	doc := Camt053("MSG-A", "STMT-2026-12-09", "6222 0000 1111", "CNY",
		CamtEntry{Sign: "CRDT", Amount: "77700.00", Date: "2026-12-09", Ref: "A1"},
		CamtEntry{Sign: "CRDT", Amount: "12300.00", Date: "2026-12-09", Ref: "A2"},
		CamtEntry{Sign: "CRDT", Amount: "4560.00", Date: "2026-12-09", Ref: "A3"},
		CamtEntry{Sign: "DBIT", Amount: "3300.00", Date: "2026-12-09", Ref: "A4"},
	)
	env.Restart() // the open items come from the store
	imp, err := run[linkfin.BankStatementImport](t, env, &services.ImportBankStatement{Message: readCamt(t, doc)})
	if err != nil {
		t.Fatal(err)
	}
	st := imp.Statements[0]
	if st.Matched != 1 || st.Unmatched != 3 {
		t.Fatalf("the import answered %d matched and %d unmatched, want 1 and 3: %+v", st.Matched, st.Unmatched, st)
	}
	for pos, n := range map[int]int{1: 2, 2: 2, 4: 2} {
		e := record[linkfin.BankEntry](t, env, linkfin.KindBankEntry, services.BankEntryID(&st, pos))
		if e.Status != linkfin.BankEntryUnmatched || e.ExpectedPaymentID != "" || len(e.CreditTransferIDs) != 0 ||
			!strings.HasPrefix(e.Note, fmt.Sprintf("%d open items have its amount within %d days of its date", n, linkfin.MatchWindowDays)) {
			t.Errorf("entry %d, which %d open items fit: %+v", pos, n, e)
		}
	}
	if e := record[linkfin.BankEntry](t, env, linkfin.KindBankEntry, services.BankEntryID(&st, 3)); e.Status != linkfin.BankEntryMatched ||
		e.Match != linkfin.MatchAmountDate || e.ExpectedPaymentID != alone {
		t.Errorf("the entry one open item fits: %+v, want matched to %s", e, alone)
	}
	for _, id := range []string{tier2Early, tier1Same, ownA, ownB} {
		if ep := record[linkfin.ExpectedPayment](t, env, linkfin.KindExpectedPayment, id); ep.Status != linkfin.ExpectedPaymentExpected {
			t.Errorf("expected payment %s of an ambiguous entry: %+v", id, ep)
		}
	}
	for _, id := range []string{ctFactor, ctBank} {
		if ct := record[linkfin.CreditTransfer](t, env, linkfin.KindCreditTransfer, id); ct.Status != linkfin.CreditTransferFiled {
			t.Errorf("instruction %s of an ambiguous entry: %+v", id, ct)
		}
	}
	if got1, got2 := cnyBalance(t, env, "tier1"), cnyBalance(t, env, "tier2"); got1 != tier1 || got2 != tier2+4_560_00 {
		t.Fatalf("wallets moved by tier1 %d, tier2 %d; want 0 and 4560.00", got1-tier1, got2-tier2)
	}

	// A person settles it: assigned to tier2's, the credit enters tier2's wallet.
	e, err := run[linkfin.BankEntry](t, env, &services.AssignBankEntry{EntryID: services.BankEntryID(&st, 1),
		In: linkfin.BankEntryAssignIn{Kind: linkfin.AssignExpectedPayment, ID: tier2Early}})
	if err != nil || e.Status != linkfin.BankEntryAssigned || e.OrgID != "tier2" {
		t.Fatalf("assigning the credit: %+v, %v", e, err)
	}
	if got := cnyBalance(t, env, "tier2"); got != tier2+4_560_00+77_700_00 {
		t.Fatalf("tier2's wallet moved by %d", got-tier2)
	}
	env.MustVerify()
}
