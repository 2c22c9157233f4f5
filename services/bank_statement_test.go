package services_test

import (
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"linkfin"
	"linkfin/iso20022"
	"linkfin/services"
)

// TestBankStatementProperties: whatever a statement's entries quote and whatever their
// amounts, signs and dates, importing it settles each instruction and expected payment
// at most once, each by an entry of its sign whose amount its items make exactly; a
// wallet gains exactly the credits booked into it; an item is booked or received
// exactly when an entry names it; and the same statement again changes nothing.
func TestBankStatementProperties(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		w := newWorld(t)
		orgs := []string{"o1", "o2"}
		for _, o := range orgs {
			w.must(&services.CreateOrganization{Org: linkfin.Organization{ID: o, Name: "Org " + o, Capabilities: []linkfin.Capability{linkfin.CapTrade}, BankAccount: &linkfin.BankAccount{Account: "acct"}}},
				&services.RecordInboundPayment{Rail: "bank", InstructionID: "cash-" + o, OrgID: o, Currency: "CNY", Amount: 1_000_000_00})
		}
		amounts := []int64{10_00, 20_00, 30_00}
		base := linkfin.NewDate(2026, 11, 3)
		type item struct {
			id, org string
			amount  int64
			debit   bool
		}
		var items []item
		for i := range rapid.IntRange(0, 5).Draw(rt, "withdrawals") {
			org, amount := rapid.SampledFrom(orgs).Draw(rt, "org"), rapid.SampledFrom(amounts).Draw(rt, "amount")
			out, err := run[linkfin.PaymentOut](w, &services.RecordOutboundPayment{Rail: "bank", InstructionID: fmt.Sprintf("w-%d", i),
				OrgID: org, Currency: "CNY", Amount: amount})
			if err != nil {
				rt.Fatal(err)
			}
			items = append(items, item{out.CreditTransferID, org, amount, true})
		}
		if len(items) > 0 {
			w.must(&services.CreatePaymentFile{Rail: "bank", Date: base})
		}
		for range rapid.IntRange(0, 5).Draw(rt, "expected") {
			org, amount := rapid.SampledFrom(orgs).Draw(rt, "org"), rapid.SampledFrom(amounts).Draw(rt, "amount")
			when := base.AddDays(rapid.IntRange(-2, 2).Draw(rt, "expected day"))
			ep, err := run[linkfin.ExpectedPayment](w, &services.CreateExpectedPayment{Actor: org,
				In: linkfin.ExpectedPaymentIn{Currency: "CNY", Amount: amount, Date: when}})
			if err != nil {
				rt.Fatal(err)
			}
			items = append(items, item{ep.ID, org, amount, false})
		}
		st := iso20022.Statement{ID: "S-1", Account: iso20022.Account{Other: "6222", Currency: "CNY"}}
		for j := range rapid.IntRange(0, 8).Draw(rt, "entries") {
			e := iso20022.Entry{Amount: rapid.SampledFrom(amounts).Draw(rt, "entry amount"), Currency: "CNY", CreditDebit: iso20022.Credit,
				Status: "BOOK", ValueDate: base.AddDays(rapid.IntRange(-4, 4).Draw(rt, "entry day")), AccountServicerReference: fmt.Sprintf("R%d", j)}
			if rapid.Bool().Draw(rt, "debit") {
				e.CreditDebit = iso20022.Debit
			}
			var tx iso20022.Transaction
			if len(items) > 0 {
				named := rapid.SampledFrom(items).Draw(rt, "named")
				switch rapid.IntRange(0, 2).Draw(rt, "how named") {
				case 0:
					tx.EndToEndID, e.EndToEndID = named.id, named.id
				case 1:
					tx.RemittanceInformation = "REF " + strings.ToUpper(named.id)
				}
			}
			e.Transactions = []iso20022.Transaction{tx}
			st.Entries = append(st.Entries, e)
		}
		msg := &iso20022.StatementMessage{Version: "camt.053.001.08", MessageID: "M-1", Statements: []iso20022.Statement{st}}
		before := map[string]int64{}
		for _, o := range orgs {
			before[o] = w.wallet(o)
		}
		imp, err := run[linkfin.BankStatementImport](w, &services.ImportBankStatement{Message: msg})
		if err != nil {
			rt.Fatal(err)
		}
		s := imp.Statements[0]
		settledBy := map[string]string{}
		gained := map[string]int64{}
		for pos := 1; pos <= s.Entries; pos++ {
			var e linkfin.BankEntry
			id := services.BankEntryID(&s, pos)
			if found, err := w.db.Get(linkfin.KindBankEntry, id, &e); err != nil || !found {
				rt.Fatalf("entry %s: %v", id, err)
			}
			if e.Status != linkfin.BankEntryMatched {
				if len(e.CreditTransferIDs) > 0 || e.ExpectedPaymentID != "" {
					rt.Fatalf("an entry not matched settles something: %+v", e)
				}
				continue
			}
			names := e.CreditTransferIDs
			if e.ExpectedPaymentID != "" {
				names = append(names, e.ExpectedPaymentID)
			}
			var sum int64
			for _, n := range names {
				if other, ok := settledBy[n]; ok {
					rt.Fatalf("%s settled by %s and %s", n, other, e.ID)
				}
				settledBy[n] = e.ID
				for _, it := range items {
					if it.id == n {
						sum += it.amount
						if it.debit != (e.CreditDebit == iso20022.Debit) {
							rt.Fatalf("entry %+v settles %+v of the other sign", e, it)
						}
						if !it.debit {
							gained[it.org] += e.Amount
						}
					}
				}
			}
			if len(names) == 0 || sum != e.Amount {
				rt.Fatalf("entry %+v settles %v, of %d in all", e, names, sum)
			}
		}
		for _, o := range orgs {
			if got := w.wallet(o) - before[o]; got != gained[o] {
				rt.Fatalf("%s's wallet gained %d, the credits booked into it %d", o, got, gained[o])
			}
		}
		for _, it := range items {
			kind, want := linkfin.KindExpectedPayment, string(linkfin.ExpectedPaymentExpected)
			if it.debit {
				kind, want = linkfin.KindCreditTransfer, string(linkfin.CreditTransferFiled)
			}
			if _, ok := settledBy[it.id]; ok {
				want = map[bool]string{true: string(linkfin.CreditTransferBooked), false: string(linkfin.ExpectedPaymentReceived)}[it.debit]
			}
			var rec struct{ Status string }
			if _, err := w.db.Get(kind, it.id, &rec); err != nil || rec.Status != want {
				rt.Fatalf("%s %s is %q, want %q", kind, it.id, rec.Status, want)
			}
		}
		events := len(w.db.Events())
		again, err := run[linkfin.BankStatementImport](w, &services.ImportBankStatement{Message: msg})
		if err != nil || !again.Replayed || len(w.db.Events()) != events {
			rt.Fatalf("the same statement again: %+v, %v, %d events more", again, err, len(w.db.Events())-events)
		}
	})
}

// TestBankStatementOpeningBalance: a statement's opening booked balance is its OPBD,
// else its PRCD (the closing booked balance of the period before), which banks such as
// ABN AMRO give instead, with its sign; a balance whose sign the bank left out is not
// recorded, unless it is zero.
func TestBankStatementOpeningBalance(t *testing.T) {
	w := newWorld(t)
	bal := func(tp, sign string, amount int64) iso20022.Balance {
		return iso20022.Balance{Type: tp, Amount: amount, Currency: "EUR", CreditDebit: sign, Date: linkfin.NewDate(2026, 11, 3)}
	}
	stmt := func(id string, bals ...iso20022.Balance) iso20022.Statement {
		return iso20022.Statement{ID: id, Account: iso20022.Account{IBAN: "NL77ABNA0574908765", Currency: "EUR"}, Balances: bals,
			Entries: []iso20022.Entry{}}
	}
	msg := &iso20022.StatementMessage{Version: "camt.053.001.02", MessageID: "M-1", Statements: []iso20022.Statement{
		stmt("S-1", bal("PRCD", iso20022.Credit, 150_00), bal("CLBD", iso20022.Credit, 170_00)),
		stmt("S-2", bal("PRCD", iso20022.Debit, 20_00), bal("CLBD", iso20022.Credit, 5_00)),
		stmt("S-3", bal("PRCD", iso20022.Credit, 1_00), bal("OPBD", iso20022.Credit, 2_00), bal("CLBD", iso20022.Credit, 2_00)),
		stmt("S-4", bal("CLAV", iso20022.Credit, 7_00)),
		// Balances whose sign the bank left out: not recorded, but a zero, which has none.
		stmt("S-5", bal("OPBD", "", 9_00), bal("CLBD", "", 9_00)),
		stmt("S-6", bal("OPBD", "", 0), bal("CLBD", "", 3_00)),
	}}
	imp, err := run[linkfin.BankStatementImport](w, &services.ImportBankStatement{Message: msg})
	if err != nil {
		t.Fatal(err)
	}
	ptr := func(v int64) *int64 { return &v }
	for i, want := range []struct{ opening, closing *int64 }{{ptr(150_00), ptr(170_00)}, {ptr(-20_00), ptr(5_00)}, {ptr(2_00), ptr(2_00)}, {}, {}, {ptr(0), nil}} {
		st := imp.Statements[i]
		if !sameBalance(st.OpeningBalance, want.opening) || !sameBalance(st.ClosingBalance, want.closing) {
			t.Errorf("statement %s: opening %v closing %v, want %v %v", st.StatementID, show(st.OpeningBalance), show(st.ClosingBalance),
				show(want.opening), show(want.closing))
		}
	}
}

func sameBalance(a, b *int64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func show(v *int64) string {
	if v == nil {
		return "none"
	}
	return fmt.Sprint(*v)
}

// TestTransactionReferenceBooksOnce: a bank that gives its reference in the entry's one
// transaction (TxDtls/Refs/AcctSvcrRef) and not in the entry has the same credit, sent
// again in a later statement, booked once, as for a reference in the entry.
func TestTransactionReferenceBooksOnce(t *testing.T) {
	w := newWorld(t)
	day := linkfin.NewDate(2026, 11, 3)
	w.must(&services.CreateOrganization{Org: linkfin.Organization{ID: "o1", Name: "Org o1", Capabilities: []linkfin.Capability{linkfin.CapTrade}, BankAccount: &linkfin.BankAccount{Account: "acct"}}})
	ep, err := run[linkfin.ExpectedPayment](w, &services.CreateExpectedPayment{Actor: "o1", In: linkfin.ExpectedPaymentIn{Currency: "CNY", Amount: 10_00, Date: day}})
	if err != nil {
		t.Fatal(err)
	}
	credit := iso20022.Entry{Amount: 10_00, Currency: "CNY", CreditDebit: iso20022.Credit, Status: "BOOK", ValueDate: day,
		Transactions: []iso20022.Transaction{{EndToEndID: ep.ID, AccountServicerReference: "GS-0001"}}}
	for i, id := range []string{"INTRADAY-1", "EOD-1"} {
		be := importEntry(w, id, "6222", credit)
		want := linkfin.BankEntryMatched
		if i == 1 {
			want = linkfin.BankEntryDuplicate
		}
		if be.Status != want || be.AccountServicerReference != "GS-0001" || w.wallet("o1") != 10_00 {
			t.Fatalf("statement %s: entry %+v, wallet %d", id, be, w.wallet("o1"))
		}
	}
}

// TestBookingPerAccountAndReference: a credit is booked once per account and bank
// reference, and no two of them share a booking because an account's identification
// holds a "/" (account 6222/01 with reference 77 is not account 6222 with reference
// 01/77). An account of letters and digits keeps the booking name it always had; one
// written with a space is booked under its letters and digits, as every spelling of it
// is.
func TestBookingPerAccountAndReference(t *testing.T) {
	w := newWorld(t)
	day := linkfin.NewDate(2026, 11, 3)
	entries := []struct{ account, ref string }{
		{"6222/01", "77"},
		{"6222", "01/77"},
		{"6222%2F01", "77"},
		{"6222 0000", "R1"},
	}
	for round, want := range []linkfin.BankEntryStatus{linkfin.BankEntryMatched, linkfin.BankEntryDuplicate} {
		for i, e := range entries {
			org := fmt.Sprintf("o%d", i+1)
			amount := int64(i+1) * 10_00
			credit := iso20022.Entry{Amount: amount, Currency: "CNY", CreditDebit: iso20022.Credit, Status: "BOOK", ValueDate: day,
				AccountServicerReference: e.ref}
			if round == 0 {
				w.must(&services.CreateOrganization{Org: linkfin.Organization{ID: org, Name: "Org " + org, Capabilities: []linkfin.Capability{linkfin.CapTrade}, BankAccount: &linkfin.BankAccount{Account: "acct"}}})
				ep, err := run[linkfin.ExpectedPayment](w, &services.CreateExpectedPayment{Actor: org, In: linkfin.ExpectedPaymentIn{Currency: "CNY", Amount: amount, Date: day}})
				if err != nil {
					t.Fatal(err)
				}
				credit.EndToEndID = ep.ID
			}
			be := importEntry(w, fmt.Sprintf("S-%d-%d", round, i), e.account, credit)
			if be.Status != want || w.wallet(org) != amount {
				t.Fatalf("round %d, account %q reference %q: entry %s, wallet %d, want %s and %d", round, e.account, e.ref, be.Status, w.wallet(org), want, amount)
			}
		}
	}
	if _, ok := w.db.Transfer(linkfin.LedgerID("bank-entry/bank/6222/01/77")); !ok {
		t.Fatal("the credit on account 6222 is not booked under the name credits always had")
	}
	if _, ok := w.db.Transfer(linkfin.LedgerID("bank-entry/bank/62220000/R1")); !ok {
		t.Fatal("the credit on account 6222 0000 is not booked under its letters and digits")
	}
}

// importEntry imports a statement id of the account (in CNY) with the one entry, and
// reads the bank entry it makes.
func importEntry(w *world, id, account string, entry iso20022.Entry) linkfin.BankEntry {
	w.t.Helper()
	st := iso20022.Statement{ID: id, Account: iso20022.Account{Other: account, Currency: "CNY"}, Entries: []iso20022.Entry{entry}}
	msg := &iso20022.StatementMessage{Version: "camt.053.001.08", MessageID: "M-" + id, Statements: []iso20022.Statement{st}}
	imp, err := run[linkfin.BankStatementImport](w, &services.ImportBankStatement{Message: msg})
	if err != nil {
		w.t.Fatal(err)
	}
	var be linkfin.BankEntry
	if found, err := w.db.Get(linkfin.KindBankEntry, services.BankEntryID(&imp.Statements[0], 1), &be); err != nil || !found {
		w.t.Fatalf("entry of %s: %v", id, err)
	}
	return be
}

// A message's import is one command: it holds at most MaxStatementEntries entries, in
// one statement or in all of them, and a larger one is refused before it runs.
func TestStatementMessageBounded(t *testing.T) {
	statement := func(id string, n int) iso20022.Statement {
		st := iso20022.Statement{ID: id, Account: iso20022.Account{Other: "6222", Currency: "CNY"}}
		st.Entries = make([]iso20022.Entry, n)
		for i := range st.Entries {
			st.Entries[i] = iso20022.Entry{Amount: 1, Currency: "CNY", CreditDebit: iso20022.Credit}
		}
		return st
	}
	for _, c := range []struct {
		sizes []int
		about string
	}{
		{[]int{linkfin.MaxStatementEntries}, ""},
		{[]int{linkfin.MaxStatementEntries + 1}, "Stmt[1]: a message holds at most 99999 entries"},
		{[]int{60_000, 39_999}, ""},
		{[]int{60_000, 40_000}, "Stmt[2]: a message holds at most 99999 entries in all"},
	} {
		m := &iso20022.StatementMessage{Version: "camt.053.001.08"}
		for i, n := range c.sizes {
			m.Statements = append(m.Statements, statement(fmt.Sprint("S", i), n))
		}
		err := (&services.ImportBankStatement{Message: m}).Validate()
		if c.about == "" && err != nil || c.about != "" && (linkfin.ErrorCode(err) != linkfin.EINVALID || !strings.Contains(err.Error(), c.about)) {
			t.Errorf("%v: %v", c.sizes, err)
		}
	}
}

// TestStatementKeysOfBefore: a database whose statements and entries were keyed on
// their account as each statement wrote it keeps them imported and booked once. Its
// statements sent again as they were answer as imported, and so does one whose account
// was written as linkfin keys it now, sent under another spelling; its entries stated
// again under the spelling it had, or under that one, are duplicates; and an entry of
// then assigned now is booked where a later statement under either finds it.
func TestStatementKeysOfBefore(t *testing.T) {
	w := newWorld(t)
	day := linkfin.NewDate(2026, 11, 3)
	const digits, spaced = "6222020200100000099", "6222 0202 0010 0000 099"
	w.must(&services.SetPaymentDebtor{Debtor: linkfin.PaymentParty{Name: "Platform", BankAccount: linkfin.BankAccount{Account: digits}}},
		&services.CreateOrganization{Org: linkfin.Organization{ID: "o1", Name: "Org o1", Capabilities: []linkfin.Capability{linkfin.CapTrade}, BankAccount: &linkfin.BankAccount{Account: "acct"}}},
		&services.RecordInboundPayment{Rail: "bank", InstructionID: "cash-o1", OrgID: "o1", Currency: "CNY", Amount: 1_000_00})
	expect := func(amount int64) string {
		ep, err := run[linkfin.ExpectedPayment](w, &services.CreateExpectedPayment{Actor: "o1", In: linkfin.ExpectedPaymentIn{Currency: "CNY", Amount: amount, Date: day}})
		if err != nil {
			t.Fatal(err)
		}
		return ep.ID
	}
	withdraw := func(ref string, amount int64) string {
		out, err := run[linkfin.PaymentOut](w, &services.RecordOutboundPayment{Rail: "bank", InstructionID: ref, OrgID: "o1", Currency: "CNY", Amount: amount})
		if err != nil {
			t.Fatal(err)
		}
		return out.CreditTransferID
	}
	ep1, ep3 := expect(10_00), expect(30_00)
	ct1, ct2, ct2b, ct3 := withdraw("w1", 11_00), withdraw("w2", 22_00), withdraw("w2b", 22_00), withdraw("w3", 33_00)
	w.must(&services.CreatePaymentFile{Rail: "bank", Date: day})
	entry := func(sign string, amount int64, ref, e2e string) iso20022.Entry {
		return iso20022.Entry{Amount: amount, Currency: "CNY", CreditDebit: sign, Status: "BOOK", ValueDate: day, AccountServicerReference: ref, EndToEndID: e2e}
	}
	c1, d1, c2, d2 := entry(iso20022.Credit, 10_00, "C1", ep1), entry(iso20022.Debit, 11_00, "D1", ct1), entry(iso20022.Credit, 5_55, "C2", ""), entry(iso20022.Debit, 22_00, "D2", "")
	c3, d3 := entry(iso20022.Credit, 30_00, "C3", ep3), entry(iso20022.Debit, 33_00, "D3", ct3)
	message := func(id, account string, entries ...iso20022.Entry) *iso20022.StatementMessage {
		st := iso20022.Statement{ID: id, Account: iso20022.Account{Other: account, Currency: "CNY"}, Entries: entries}
		return &iso20022.StatementMessage{Version: "camt.053.001.08", MessageID: "M-" + id, Statements: []iso20022.Statement{st}}
	}
	imp := func(m *iso20022.StatementMessage) *linkfin.BankStatementImport {
		t.Helper()
		out, err := run[linkfin.BankStatementImport](w, &services.ImportBankStatement{Message: m})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	restore := services.SetLegacyAccountKeys()
	old, dig := imp(message("S-OLD", spaced, c1, d1, c2, d2)), imp(message("S-DIG", digits, c3, d3))
	restore()
	if s := old.Statements[0]; s.Matched != 2 || s.Unmatched != 2 || dig.Statements[0].Matched != 2 {
		t.Fatalf("the statements of then: %+v, %+v", s, dig.Statements[0])
	}
	for _, c := range []struct {
		m     *iso20022.StatementMessage
		first string
	}{
		{message("S-OLD", spaced, c1, d1, c2, d2), old.Statements[0].ID},
		{message("S-DIG", digits, c3, d3), dig.Statements[0].ID},
		{message("S-DIG", "ICBKCNBJ/"+spaced, c3, d3), dig.Statements[0].ID},
	} {
		if got := imp(c.m); !got.Replayed || got.Statements[0].ID != c.first {
			t.Fatalf("%s of %s sent again: %+v", c.m.Statements[0].ID, c.m.Statements[0].Account.Other, got)
		}
	}
	if s := imp(message("S-NEW", spaced, c1, d1, c3, d3)).Statements[0]; s.Duplicates != 4 {
		t.Fatalf("the entries of then stated again: %+v", s)
	}
	for pos, to := range []linkfin.BankEntryAssignIn{{Kind: linkfin.AssignOrganization, ID: "o1"}, {Kind: linkfin.AssignCreditTransfer, ID: ct2}} {
		if _, err := run[linkfin.BankEntry](w, &services.AssignBankEntry{EntryID: services.BankEntryID(&old.Statements[0], pos+3), In: to}); err != nil {
			t.Fatal(err)
		}
	}
	if s := imp(message("S-NEW2", digits, c2, d2)).Statements[0]; s.Duplicates != 2 {
		t.Fatalf("the entries of then assigned now, stated again: %+v", s)
	}
	var ct linkfin.CreditTransfer
	if _, err := w.db.Get(linkfin.KindCreditTransfer, ct2b, &ct); err != nil || ct.Status != linkfin.CreditTransferFiled {
		t.Fatalf("the other instruction of the debit's amount: %+v, %v", ct, err)
	}
	if got := w.wallet("o1"); got != 1_000_00-11_00-2*22_00-33_00+10_00+5_55+30_00 {
		t.Fatalf("the wallet holds %d", got)
	}
}
