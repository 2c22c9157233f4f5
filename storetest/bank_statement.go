package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"reflect"
	"slices"
	"strings"
	"testing"

	"linkfin"
	"linkfin/engine"
	"linkfin/iso20022"
	"linkfin/ledger"
	"linkfin/mt940"
	"linkfin/services"
)

// CamtEntry is one entry of a statement Camt053 writes.
type CamtEntry struct {
	Sign      string // CRDT or DBIT
	Amount    string // as the bank writes it: "1000.00"
	Currency  string // "CNY" if empty
	Date      string // its booking and value date
	Ref       string // the bank's reference (AcctSvcrRef)
	Status    string // BOOK if empty
	EndToEnd  []string
	PmtInfID  string // the payment information block it books, for a batch
	Remitting string // unstructured remittance information
	Reversal  bool   // the bank reverses an earlier entry (RvslInd)
}

// Camt053 writes a camt.053.001.08 message of one statement of the account, in
// currency, holding the entries: what a bank sends at the end of a day.
func Camt053(msgID, stmtID, account, currency string, entries ...CamtEntry) string {
	return camt("camt.053", "BkToCstmrStmt", "Stmt", msgID, stmtID, account, currency, entries)
}

// Camt052 writes a camt.052.001.08 account report (intraday, without balances) as
// Camt053 writes a statement.
func Camt052(msgID, rptID, account, currency string, entries ...CamtEntry) string {
	return camt("camt.052", "BkToCstmrAcctRpt", "Rpt", msgID, rptID, account, currency, entries)
}

// Camt054 writes a camt.054.001.08 debit/credit notification (which has no balances)
// as Camt053 writes a statement.
func Camt054(msgID, ntfctnID, account, currency string, entries ...CamtEntry) string {
	return camt("camt.054", "BkToCstmrDbtCdtNtfctn", "Ntfctn", msgID, ntfctnID, account, currency, entries)
}

// camt writes a message of version 001.08 of the kind (camt.05x), whose element is
// message and whose one report, element report, is of the account and holds the
// entries; a statement has an opening balance.
func camt(kind, message, report, msgID, id, account, currency string, entries []CamtEntry) string {
	var b strings.Builder
	e := html.EscapeString
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:%s.001.08"><%s>
<GrpHdr><MsgId>%s</MsgId><CreDtTm>2026-11-04T18:00:00+08:00</CreDtTm></GrpHdr>
<%s><Id>%s</Id><ElctrncSeqNb>7</ElctrncSeqNb><CreDtTm>2026-11-04T18:00:00+08:00</CreDtTm>
<Acct><Id><Othr><Id>%s</Id></Othr></Id><Ccy>%s</Ccy></Acct>
`, kind, message, e(msgID), report, e(id), e(account), currency)
	if kind == "camt.053" {
		fmt.Fprintf(&b, `<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="%s">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-03</Dt></Dt></Bal>
`, currency)
	}
	for _, n := range entries {
		cur, status := n.Currency, n.Status
		if cur == "" {
			cur = "CNY"
		}
		if status == "" {
			status = "BOOK"
		}
		fmt.Fprintf(&b, `<Ntry><Amt Ccy="%s">%s</Amt><CdtDbtInd>%s</CdtDbtInd>`, cur, n.Amount, n.Sign)
		if n.Reversal {
			b.WriteString(`<RvslInd>true</RvslInd>`)
		}
		fmt.Fprintf(&b, `<Sts><Cd>%s</Cd></Sts>`, status)
		fmt.Fprintf(&b, `<BookgDt><Dt>%s</Dt></BookgDt><ValDt><Dt>%[1]s</Dt></ValDt>`, n.Date)
		if n.Ref != "" {
			fmt.Fprintf(&b, `<AcctSvcrRef>%s</AcctSvcrRef>`, e(n.Ref))
		}
		b.WriteString(`<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>`)
		txs := n.EndToEnd
		if len(txs) == 0 {
			txs = []string{""}
		}
		b.WriteString(`<NtryDtls>`)
		for _, id := range txs {
			b.WriteString(`<TxDtls><Refs>`)
			if n.PmtInfID != "" {
				fmt.Fprintf(&b, `<PmtInfId>%s</PmtInfId>`, e(n.PmtInfID))
			}
			if id != "" {
				fmt.Fprintf(&b, `<EndToEndId>%s</EndToEndId>`, e(id))
			} else {
				b.WriteString(`<EndToEndId>NOTPROVIDED</EndToEndId>`)
			}
			b.WriteString(`</Refs>`)
			if n.Remitting != "" {
				fmt.Fprintf(&b, `<RmtInf><Ustrd>%s</Ustrd></RmtInf>`, e(n.Remitting))
			}
			b.WriteString(`</TxDtls>`)
		}
		b.WriteString("</NtryDtls></Ntry>\n")
	}
	fmt.Fprintf(&b, "</%s></%s></Document>\n", report, message)
	return b.String()
}

// readCamt reads a statement message, or fails the test.
func readCamt(t *testing.T, doc string) *iso20022.StatementMessage {
	t.Helper()
	m, err := iso20022.ReadStatement(strings.NewReader(doc))
	if err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	return m
}

// bankState is what a statement imported again must leave as it was: every wallet's
// and the rail's balance, the records the statement touches, and the log's size.
type bankState struct {
	Accounts map[int64]ledger.Account
	Records  map[string]string
	Open     []linkfin.OpenItem // the rail's open items
	LogSize  int64
}

func snapshotBank(t *testing.T, env *Env, accounts []int64, keys ...linkfin.ObjectKey) bankState {
	t.Helper()
	s := bankState{Accounts: map[int64]ledger.Account{}, Records: map[string]string{}}
	for _, id := range accounts {
		s.Accounts[id] = env.Account(id)
	}
	for _, k := range keys {
		o, err := env.object(k.Kind, k.ID)
		if err != nil {
			t.Fatalf("%s %s: %v", k.Kind, k.ID, err)
		}
		s.Records[k.Kind+"/"+k.ID] = fmt.Sprintf("v%d %s", o.Version, o.Data)
	}
	s.Open = openItems(t, env)
	if env.Store != nil {
		h, err := env.Store.Head(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		s.LogSize = h.Size
	}
	return s
}

// openItems lists the bank rail's open items.
func openItems(t *testing.T, env *Env) []linkfin.OpenItem {
	t.Helper()
	items, err := services.OpenItems(context.Background(), env.Records(), services.RailBank)
	if err != nil {
		t.Fatal(err)
	}
	return items
}

// testBankStatements: a camt.053 statement books its entries against what they
// settle — debits against the credit transfer instructions of payment files, by
// end-to-end id, by a reference they quote (an instruction's id, or a file's payment
// information id for a batch) and by amount and date; credits against expected
// payments, the same ways, whose wallets they credit. What matches nothing waits, and
// a person assigns it, booking it as matching would; assigning refuses what cannot be.
// The same statement twice changes nothing; the same id with other content is
// refused; an entry in another currency than its account is refused. All verifies.
func testBankStatements(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env)
	withdraw := func(org, ref string, amount int64) string { return withdrawBank(t, env, org, ref, amount) }
	file := func(day string) *linkfin.PaymentFile { return fileBank(t, env, day) }
	expect := func(org, currency string, amount int64, day string) string {
		t.Helper()
		ep, err := run[linkfin.ExpectedPayment](t, env, &services.CreateExpectedPayment{Actor: org,
			In: linkfin.ExpectedPaymentIn{Currency: linkfin.Currency(currency), Amount: amount, Date: date(t, day)}})
		if err != nil {
			t.Fatal(err)
		}
		return ep.ID
	}
	balance := func(org string) int64 { t.Helper(); return cnyBalance(t, env, org) }
	byE2E, byRef, byAmount := withdraw("bank", "w-1", 1_000_00), withdraw("factor", "w-2", 2_500_00), withdraw("bank", "w-3", 700_00)
	f1 := file("2026-11-03")
	batch1, batch2 := withdraw("bank", "w-4", 300_00), withdraw("factor", "w-5", 55_00)
	f2 := file("2026-11-03")
	late := withdraw("factor", "w-6", 42_00)
	f3 := file("2026-12-20") // far from the statement's dates: only a person matches it
	// A payment file lists its instructions with their records' statuses: booked once
	// a statement's entry books them.
	filesAgree := func(when string, booked ...string) {
		t.Helper()
		for _, f := range []*linkfin.PaymentFile{f1, f2, f3} {
			pf := record[linkfin.PaymentFile](t, env, linkfin.KindPaymentFile, f.ID)
			for _, tr := range pf.Transfers {
				ct := record[linkfin.CreditTransfer](t, env, linkfin.KindCreditTransfer, tr.ID)
				if tr.Status != ct.Status || slices.Contains(booked, tr.ID) && tr.Status != linkfin.CreditTransferBooked {
					t.Errorf("%s: payment file %s lists instruction %s %s, its record is %s", when, f.ID, tr.ID, tr.Status, ct.Status)
				}
			}
		}
	}
	epRef, epE2E, epAmount := expect("tier1", "CNY", 5_000_00, "2026-11-04"), expect("tier2", "CNY", 800_00, "2026-11-04"),
		expect("tier1", "CNY", 123_45, "2026-11-02")
	twinA, twinB := expect("tier1", "CNY", 10_00, "2026-11-04"), expect("tier2", "CNY", 10_00, "2026-11-04")
	usd := expect("tier1", "USD", 77_00, "2026-11-04")
	tier1, tier2, factor := balance("tier1"), balance("tier2"), balance("factor")

	doc := Camt053("MSG-1", "STMT-2026-11-04", "6222 0000 1111", "CNY",
		CamtEntry{Sign: "DBIT", Amount: "1000.00", Date: "2026-11-04", Ref: "B1", EndToEnd: []string{byE2E}},
		CamtEntry{Sign: "DBIT", Amount: "2500.00", Date: "2026-11-04", Ref: "B2", Remitting: strings.ToUpper("linkfin withdrawal " + strings.ReplaceAll(byRef, "_", ""))},
		CamtEntry{Sign: "DBIT", Amount: "700.00", Date: "2026-11-04", Ref: "B3"},
		CamtEntry{Sign: "DBIT", Amount: "355.00", Date: "2026-11-04", Ref: "B4", PmtInfID: f2.ID + "-CNY", EndToEnd: []string{"", ""}},
		CamtEntry{Sign: "CRDT", Amount: "5000.00", Date: "2026-11-04", Ref: "B5", Remitting: "top-up " + epRef},
		CamtEntry{Sign: "CRDT", Amount: "800.00", Date: "2026-11-04", Ref: "B6", EndToEnd: []string{epE2E}},
		CamtEntry{Sign: "CRDT", Amount: "123.45", Date: "2026-11-04", Ref: "B7"},
		CamtEntry{Sign: "CRDT", Amount: "10.00", Date: "2026-11-04", Ref: "B8"},
		CamtEntry{Sign: "CRDT", Amount: "999.99", Date: "2026-11-04", Ref: "B9", Remitting: "who am I"},
		CamtEntry{Sign: "DBIT", Amount: "42.00", Date: "2026-11-04", Ref: "B10"},
		CamtEntry{Sign: "CRDT", Amount: "1.00", Date: "2026-11-04", Ref: "B11", Status: "PDNG"},
	)
	env.Restart() // the open items come from the store
	imp, err := run[linkfin.BankStatementImport](t, env, &services.ImportBankStatement{Message: readCamt(t, doc)})
	if err != nil {
		t.Fatal(err)
	}
	if imp.Replayed || len(imp.Statements) != 1 {
		t.Fatalf("the import: %+v", imp)
	}
	st := imp.Statements[0]
	if st.Entries != 11 || st.Matched != 7 || st.Unmatched != 3 || st.NotBooked != 1 || st.Account != "6222 0000 1111" ||
		st.OpeningBalance == nil || *st.OpeningBalance != 100_00 {
		t.Fatalf("the statement: %+v", st)
	}
	entry := func(pos int) linkfin.BankEntry {
		t.Helper()
		return record[linkfin.BankEntry](t, env, linkfin.KindBankEntry, services.BankEntryID(&st, pos))
	}
	for _, w := range []struct {
		pos   int
		match string
		cts   []string
		ep    string
	}{
		{1, linkfin.MatchEndToEnd, []string{byE2E}, ""},
		{2, linkfin.MatchReference, []string{byRef}, ""},
		{3, linkfin.MatchAmountDate, []string{byAmount}, ""},
		{4, linkfin.MatchReference, []string{batch1, batch2}, ""},
		{5, linkfin.MatchReference, nil, epRef},
		{6, linkfin.MatchEndToEnd, nil, epE2E},
		{7, linkfin.MatchAmountDate, nil, epAmount},
	} {
		e := entry(w.pos)
		if e.Status != linkfin.BankEntryMatched || e.Match != w.match || !reflect.DeepEqual(e.CreditTransferIDs, w.cts) || e.ExpectedPaymentID != w.ep {
			t.Errorf("entry %d: %+v, want matched by %s to %v %s", w.pos, e, w.match, w.cts, w.ep)
		}
	}
	for _, id := range []string{byE2E, byRef, byAmount, batch1, batch2} {
		if ct := record[linkfin.CreditTransfer](t, env, linkfin.KindCreditTransfer, id); ct.Status != linkfin.CreditTransferBooked || ct.EntryID == "" {
			t.Errorf("instruction %s: %+v", id, ct)
		}
	}
	if ct := record[linkfin.CreditTransfer](t, env, linkfin.KindCreditTransfer, late); ct.Status != linkfin.CreditTransferFiled {
		t.Errorf("the instruction no entry matched: %+v", ct)
	}
	filesAgree("after the statement", byE2E, byRef, byAmount, batch1, batch2)
	if e := entry(8); e.Status != linkfin.BankEntryUnmatched || !strings.Contains(e.Note, "2 open items") {
		t.Errorf("the entry two expected payments could settle: %+v", e)
	}
	if e := entry(11); e.Status != linkfin.BankEntryNotBooked {
		t.Errorf("the pending entry: %+v", e)
	}
	// The credits entered their wallets; the debits moved nothing more.
	if balance("tier1") != tier1+5_000_00+123_45 || balance("tier2") != tier2+800_00 || balance("factor") != factor {
		t.Fatalf("wallets moved by tier1 %d, tier2 %d, factor %d", balance("tier1")-tier1, balance("tier2")-tier2, balance("factor")-factor)
	}
	if ep := record[linkfin.ExpectedPayment](t, env, linkfin.KindExpectedPayment, epRef); ep.Status != linkfin.ExpectedPaymentReceived ||
		ep.EntryID != services.BankEntryID(&st, 5) {
		t.Fatalf("the expected payment: %+v", ep)
	}

	// The same statement again: the same answer, and nothing changes.
	wallets := []int64{linkfin.WalletID("tier1", "CNY"), linkfin.WalletID("tier2", "CNY"), linkfin.WalletID("factor", "CNY"),
		linkfin.WalletID("bank", "CNY"), linkfin.LedgerID("rail/bank/CNY")}
	keys := []linkfin.ObjectKey{{Kind: linkfin.KindBankStatement, ID: st.ID},
		{Kind: linkfin.KindBankEntry, ID: services.BankEntryID(&st, 5)}, {Kind: linkfin.KindCreditTransfer, ID: byE2E}}
	before := snapshotBank(t, env, wallets, keys...)
	env.Restart()
	again, err := run[linkfin.BankStatementImport](t, env, &services.ImportBankStatement{Message: readCamt(t, doc)})
	if err != nil {
		t.Fatal(err)
	}
	if !again.Replayed || !reflect.DeepEqual(again.Statements, imp.Statements) {
		t.Fatalf("the second import: %+v, the first %+v", again, imp)
	}
	if after := snapshotBank(t, env, wallets, keys...); !reflect.DeepEqual(after, before) {
		t.Fatalf("the second import changed something:\n%+v\n%+v", before, after)
	}
	// The same statement id with other content, and entries in another currency.
	other := strings.Replace(doc, "999.99", "999.98", 1)
	if _, err := run[linkfin.BankStatementImport](t, env, &services.ImportBankStatement{Message: readCamt(t, other)}); !refusal(err, linkfin.ESTATEMENTCONFLICT, "other content") {
		t.Fatalf("a changed statement: %v", err)
	}
	mixed := Camt053("MSG-2", "STMT-X", "6222 0000 1111", "CNY", CamtEntry{Sign: "CRDT", Amount: "1.00", Currency: "USD", Date: "2026-11-04"})
	if _, err := run[linkfin.BankStatementImport](t, env, &services.ImportBankStatement{Message: readCamt(t, mixed)}); !refusal(err, linkfin.ECURRENCYMISMATCH, "in USD") {
		t.Fatalf("an entry in another currency: %v", err)
	}
	// A statement that does not name its account's currency (no Acct/Ccy) is in its
	// opening booked balance's, else its closing one's: an entry in another is refused.
	for _, c := range []struct{ name, doc, says string }{
		{"the opening balance's", strings.Replace(mixed, "<Ccy>CNY</Ccy>", "", 1), "in CNY (its OPBD balance's currency)"},
		{"the closing balance's", strings.Replace(strings.Replace(mixed, "<Ccy>CNY</Ccy>", "", 1), "OPBD", "CLBD", 1), "in CNY (its CLBD balance's currency)"},
	} {
		if _, err := run[linkfin.BankStatementImport](t, env, &services.ImportBankStatement{Message: readCamt(t, c.doc)}); !refusal(err, linkfin.ECURRENCYMISMATCH, c.says) {
			t.Fatalf("an entry in USD in a statement of no Ccy, %s CNY: %v", c.name, err)
		}
	}
	if after := snapshotBank(t, env, wallets, keys...); !reflect.DeepEqual(after, before) {
		t.Fatal("a refused statement changed something")
	}

	// A person assigns what did not match; what cannot be is refused.
	assign := func(pos int, in linkfin.BankEntryAssignIn) (*linkfin.BankEntry, error) {
		return run[linkfin.BankEntry](t, env, &services.AssignBankEntry{EntryID: services.BankEntryID(&st, pos), In: in})
	}
	for _, bad := range []struct {
		pos        int
		in         linkfin.BankEntryAssignIn
		code, says string
	}{
		{1, linkfin.BankEntryAssignIn{Kind: linkfin.AssignCreditTransfer, ID: late}, linkfin.EENTRYBOOKED, "matched already"},
		{11, linkfin.BankEntryAssignIn{Kind: linkfin.AssignOrganization, ID: "tier1"}, linkfin.EENTRYMISMATCH, "not booked by the bank"},
		{10, linkfin.BankEntryAssignIn{Kind: linkfin.AssignExpectedPayment, ID: twinA}, linkfin.EENTRYMISMATCH, "is a debit"},
		{9, linkfin.BankEntryAssignIn{Kind: linkfin.AssignCreditTransfer, ID: late}, linkfin.EENTRYMISMATCH, "is a credit"},
		{9, linkfin.BankEntryAssignIn{Kind: linkfin.AssignExpectedPayment, ID: twinA}, linkfin.EENTRYMISMATCH, "999.99"},
		{8, linkfin.BankEntryAssignIn{Kind: linkfin.AssignExpectedPayment, ID: epRef}, linkfin.ENOTOPEN, "received already"},
		{8, linkfin.BankEntryAssignIn{Kind: linkfin.AssignExpectedPayment, ID: usd}, linkfin.ECURRENCYMISMATCH, "in USD"},
		{10, linkfin.BankEntryAssignIn{Kind: linkfin.AssignCreditTransfer, ID: byE2E}, linkfin.ENOTOPEN, "is booked"},
		{9, linkfin.BankEntryAssignIn{Kind: linkfin.AssignOrganization, ID: "nobody"}, linkfin.ENOTFOUND, "organization nobody"},
	} {
		if _, err := assign(bad.pos, bad.in); !refusal(err, bad.code, bad.says) {
			t.Errorf("assigning entry %d to %+v: %v, want %s about %q", bad.pos, bad.in, err, bad.code, bad.says)
		}
	}
	if after := snapshotBank(t, env, wallets, keys...); !reflect.DeepEqual(after, before) {
		t.Fatal("a refused assignment changed something")
	}
	if e, err := assign(8, linkfin.BankEntryAssignIn{Kind: linkfin.AssignExpectedPayment, ID: twinB}); err != nil || e.Status != linkfin.BankEntryAssigned || e.OrgID != "tier2" {
		t.Fatalf("assigning the twin: %+v, %v", e, err)
	}
	if e, err := assign(9, linkfin.BankEntryAssignIn{Kind: linkfin.AssignOrganization, ID: "factor"}); err != nil || e.Status != linkfin.BankEntryAssigned {
		t.Fatalf("assigning to an organization: %+v, %v", e, err)
	}
	if e, err := assign(10, linkfin.BankEntryAssignIn{Kind: linkfin.AssignCreditTransfer, ID: late}); err != nil || e.CreditTransferIDs[0] != late {
		t.Fatalf("assigning the debit: %+v, %v", e, err)
	}
	if _, err := assign(9, linkfin.BankEntryAssignIn{Kind: linkfin.AssignOrganization, ID: "factor"}); !refusal(err, linkfin.EENTRYBOOKED, "assigned already") {
		t.Fatalf("assigning twice: %v", err)
	}
	filesAgree("after the assignment", byE2E, byRef, byAmount, batch1, batch2, late)
	if balance("tier2") != tier2+800_00+10_00 || balance("factor") != factor+999_99 {
		t.Fatalf("after assigning, tier2 moved %d, factor %d", balance("tier2")-tier2, balance("factor")-factor)
	}
	if ep := record[linkfin.ExpectedPayment](t, env, linkfin.KindExpectedPayment, twinA); ep.Status != linkfin.ExpectedPaymentExpected {
		t.Fatalf("the twin not assigned: %+v", ep)
	}
	if s := record[linkfin.BankStatement](t, env, linkfin.KindBankStatement, st.ID); s.Unmatched != 0 || s.Assigned != 3 || s.Matched != 7 {
		t.Fatalf("the statement after assigning: %+v", s)
	}
	var stillOpen []string
	for _, it := range openItems(t, env) {
		stillOpen = append(stillOpen, it.ID)
	}
	if !reflect.DeepEqual(stillOpen, []string{twinA, usd}) {
		t.Fatalf("open after the statement: %v, want the twin and the dollars", stillOpen)
	}

	// The same bank reference in another statement is not booked twice.
	dup := Camt053("MSG-3", "STMT-2026-11-05", "6222 0000 1111", "CNY",
		CamtEntry{Sign: "CRDT", Amount: "10.00", Date: "2026-11-04", Ref: "B8"})
	d, err := run[linkfin.BankStatementImport](t, env, &services.ImportBankStatement{Message: readCamt(t, dup)})
	if err != nil || d.Statements[0].Duplicates != 1 || d.Statements[0].Matched != 0 {
		t.Fatalf("a statement repeating a booked entry: %+v, %v", d, err)
	}
	if balance("tier1") != tier1+5_000_00+123_45 {
		t.Fatal("the repeated entry was booked")
	}
	// The same statement twice in one batch (two requests at once): the second answers
	// what the first did.
	if env.Engine != nil {
		twice := Camt053("MSG-4", "STMT-2026-11-06", "6222 0000 1111", "CNY", CamtEntry{Sign: "CRDT", Amount: "3.00", Date: "2026-11-06", Ref: "B12"})
		resp := env.Submit(&engine.Request{Commands: []linkfin.Command{&services.ImportBankStatement{Message: readCamt(t, twice)},
			&services.ImportBankStatement{Message: readCamt(t, twice)}}})
		var first, second linkfin.BankStatementImport
		for i, v := range []*linkfin.BankStatementImport{&first, &second} {
			if err := resp.Outcomes[i].Err(); err != nil {
				t.Fatalf("import %d of the same statement in one batch: %v", i+1, err)
			}
			if err := json.Unmarshal(resp.Outcomes[i].Value, v); err != nil {
				t.Fatal(err)
			}
		}
		if first.Replayed || !second.Replayed || !reflect.DeepEqual(first.Statements, second.Statements) {
			t.Fatalf("the same statement twice in one batch: %+v then %+v", first, second)
		}
	}

	// A status report that rejects an instruction the statement showed paid comes too
	// late: the money stays paid out, not returned to the wallet as well.
	bank := balance("bank")
	rep := &iso20022.StatusReport{MessageID: "R-late", OriginalMessageID: f1.ID, Transactions: []iso20022.TransactionStatus{
		{EndToEndID: byE2E, Status: "RJCT", Reason: "AC04"}}}
	if _, err := run[linkfin.PaymentFile](t, env, &services.ApplyPaymentStatus{FileID: f1.ID, Report: rep}); err != nil {
		t.Fatal(err)
	}
	if ct := record[linkfin.CreditTransfer](t, env, linkfin.KindCreditTransfer, byE2E); ct.Status != linkfin.CreditTransferBooked || balance("bank") != bank {
		t.Fatalf("a rejection after the statement: %+v, the wallet moved by %d", ct, balance("bank")-bank)
	}
	filesAgree("after a late rejection", byE2E)

	// A statement without Acct/Ccy is recorded in its balances' currency; a balance in
	// another currency than the statement's is not recorded in its units.
	noCcy := strings.Replace(Camt053("MSG-5", "STMT-2026-11-07", "6222 0000 1111", "CNY",
		CamtEntry{Sign: "CRDT", Amount: "4.00", Date: "2026-11-07", Ref: "B13"}), "<Ccy>CNY</Ccy>", "", 1)
	if imp, err := run[linkfin.BankStatementImport](t, env, &services.ImportBankStatement{Message: readCamt(t, noCcy)}); err != nil ||
		imp.Statements[0].Currency != "CNY" || imp.Statements[0].OpeningBalance == nil || *imp.Statements[0].OpeningBalance != 100_00 {
		t.Fatalf("a statement of no Ccy, in CNY: %+v, %v", imp, err)
	}
	dollars := strings.Replace(Camt053("MSG-6", "STMT-2026-11-08", "6222 0000 1111", "CNY",
		CamtEntry{Sign: "CRDT", Amount: "5.00", Date: "2026-11-08", Ref: "B14"}), `<Amt Ccy="CNY">100.00</Amt>`, `<Amt Ccy="USD">100.00</Amt>`, 1)
	if imp, err := run[linkfin.BankStatementImport](t, env, &services.ImportBankStatement{Message: readCamt(t, dollars)}); err != nil ||
		imp.Statements[0].Currency != "CNY" || imp.Statements[0].OpeningBalance != nil {
		t.Fatalf("a CNY statement of an opening balance in USD: %+v, %v", imp, err)
	}
	env.MustVerify()
}

// testStatementAccounts: with the platform's account registered, a statement of
// another account is refused and books nothing; the same credit stated by a camt.053
// and an MT940 that writes the bank's BIC before the account is booked once; and two
// entries that share a bank reference in one statement, repeated in a later one, are
// found booked there, not booked again.
func testStatementAccounts(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env)
	mustRun(t, env, &services.SetPaymentDebtor{Debtor: linkfin.PaymentParty{Name: "Auto SCF Platform",
		BankAccount: linkfin.BankAccount{Account: "6222020200100000099"}}})
	expect := func(org string, amount int64) string {
		t.Helper()
		ep, err := run[linkfin.ExpectedPayment](t, env, &services.CreateExpectedPayment{Actor: org,
			In: linkfin.ExpectedPaymentIn{Currency: "CNY", Amount: amount, Date: date(t, "2026-11-04")}})
		if err != nil {
			t.Fatal(err)
		}
		return ep.ID
	}
	balance := func(org string) int64 { t.Helper(); return cnyBalance(t, env, org) }
	status := func(id string) string {
		return string(record[linkfin.ExpectedPayment](t, env, linkfin.KindExpectedPayment, id).Status)
	}
	imp := func(m *iso20022.StatementMessage) (*linkfin.BankStatementImport, error) {
		t.Helper()
		return run[linkfin.BankStatementImport](t, env, &services.ImportBankStatement{Message: m})
	}

	// Another account's statement: refused, nothing booked.
	other := expect("tier1", 70_00)
	before := balance("tier1")
	if _, err := imp(readCamt(t, Camt053("MSG-O", "S-O", "6217000010000000022", "CNY",
		CamtEntry{Sign: "CRDT", Amount: "70.00", Date: "2026-11-04", Ref: "O1", EndToEnd: []string{other}}))); !refusal(err, services.EACCOUNTMISMATCH, "6217000010000000022") {
		t.Fatalf("a statement of another account: %v", err)
	}
	if balance("tier1") != before || status(other) != "expected" {
		t.Fatalf("the refused statement booked: %d, %s", balance("tier1")-before, status(other))
	}

	// One credit, stated by a camt.053 and by an MT940 (":25:ICBKCNBJ/…").
	x, y := expect("tier2", 9_99), expect("tier2", 9_99)
	before = balance("tier2")
	if _, err := imp(readCamt(t, Camt053("MSG-X", "S-X", "6222020200100000099", "CNY",
		CamtEntry{Sign: "CRDT", Amount: "9.99", Date: "2026-11-04", Ref: "R50", EndToEnd: []string{x}}))); err != nil {
		t.Fatal(err)
	}
	mt, err := mt940.Read(strings.NewReader(":20:S-X-MT\n:25:ICBKCNBJ/6222020200100000099\n:28C:00001/001\n:60F:C261104CNY0,00\n" +
		":61:2611041104C9,99NTRF" + x + "//R50\n:62F:C261104CNY9,99\n-"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := imp(mt); err != nil || got.Statements[0].Duplicates != 1 {
		t.Fatalf("the MT940 of the same credit: %+v, %v", got, err)
	}
	if balance("tier2") != before+9_99 || status(x) != "received" || status(y) != "expected" {
		t.Fatalf("one credit in two spellings of the account: %d, %s, %s", balance("tier2")-before, status(x), status(y))
	}

	// Two entries with one bank reference in one statement, then in another.
	m, n := expect("tier1", 11_11), expect("tier1", 11_11)
	twice := func(msg, stmt string) *iso20022.StatementMessage {
		return readCamt(t, Camt053(msg, stmt, "6222020200100000099", "CNY",
			CamtEntry{Sign: "CRDT", Amount: "11.11", Date: "2026-11-04", Ref: "R20", EndToEnd: []string{m}},
			CamtEntry{Sign: "CRDT", Amount: "11.11", Date: "2026-11-04", Ref: "R20", EndToEnd: []string{n}}))
	}
	before = balance("tier1")
	if _, err := imp(twice("MSG-20", "S20")); err != nil {
		t.Fatal(err)
	}
	p := expect("tier1", 11_11)
	if got, err := imp(twice("MSG-21", "S21")); err != nil || got.Statements[0].Duplicates != 2 || got.Statements[0].Matched != 0 {
		t.Fatalf("the two entries stated again: %+v, %v", got, err)
	}
	if balance("tier1") != before+2*11_11 || status(p) != "expected" {
		t.Fatalf("entries sharing a reference, stated again, credited %d; the third payment is %s", balance("tier1")-before, status(p))
	}

	// One credit quoting two organizations' payments waits for a person (booked into
	// one wallet it would credit each the whole), and the rest of its statement books.
	j, k := expect("tier1", 30_00), expect("tier2", 30_00)
	solo := expect("tier2", 5_00)
	before1, before2 := balance("tier1"), balance("tier2")
	got, err := imp(readCamt(t, Camt053("MSG-JK", "S-JK", "6222020200100000099", "CNY",
		CamtEntry{Sign: "CRDT", Amount: "60.00", Date: "2026-11-04", Ref: "JK1", Remitting: j + " " + k},
		CamtEntry{Sign: "CRDT", Amount: "5.00", Date: "2026-11-04", Ref: "JK2", EndToEnd: []string{solo}})))
	if err != nil || got.Statements[0].Matched != 1 || got.Statements[0].Unmatched != 1 {
		t.Fatalf("a credit of two payers' payments: %+v, %v", got, err)
	}
	if balance("tier1") != before1 || balance("tier2") != before2+5_00 || status(j) != "expected" || status(k) != "expected" {
		t.Fatalf("a credit of two payers' payments booked: %d, %d, %s, %s", balance("tier1")-before1, balance("tier2")-before2, status(j), status(k))
	}

	// A debit that names an instruction it does not settle (booked already) books no
	// other instruction of its amount.
	withdraw := func(org, ref string, amount int64) string {
		t.Helper()
		out, err := run[linkfin.PaymentOut](t, env, &services.RecordOutboundPayment{Rail: "bank", InstructionID: ref, OrgID: org, Currency: "CNY", Amount: amount})
		if err != nil {
			t.Fatal(err)
		}
		return out.CreditTransferID
	}
	a, other2 := withdraw("bank", "w-a", 12_00), withdraw("factor", "w-t", 12_00)
	mustRun(t, env, &services.CreatePaymentFile{Rail: "bank", Date: date(t, "2026-11-04")})
	if _, err := imp(readCamt(t, Camt053("MSG-A", "S-A", "6222020200100000099", "CNY",
		CamtEntry{Sign: "DBIT", Amount: "12.00", Date: "2026-11-04", Ref: "DA1", EndToEnd: []string{a}}))); err != nil {
		t.Fatal(err)
	}
	if _, err := imp(readCamt(t, Camt053("MSG-A2", "S-A2", "6222020200100000099", "CNY",
		CamtEntry{Sign: "DBIT", Amount: "12.00", Date: "2026-11-04", Ref: "DA2", EndToEnd: []string{a}}))); err != nil {
		t.Fatal(err)
	}
	if ct := record[linkfin.CreditTransfer](t, env, linkfin.KindCreditTransfer, other2); ct.Status == linkfin.CreditTransferBooked {
		t.Fatalf("a debit naming another instruction booked %s: %+v", other2, ct)
	}

	// A reversal settles no instruction: a credit taken back (a debit reversal) is
	// not assigned to a withdrawal, nor to a wallet, and books nothing.
	rev, err := imp(readCamt(t, Camt053("MSG-R", "S-R", "6222020200100000099", "CNY",
		CamtEntry{Sign: "DBIT", Amount: "12.00", Date: "2026-11-04", Ref: "RV1", Reversal: true})))
	if err != nil || rev.Statements[0].Unmatched != 1 {
		t.Fatalf("a reversal's statement: %+v, %v", rev, err)
	}
	entry := services.BankEntryID(&rev.Statements[0], 1)
	for _, in := range []linkfin.BankEntryAssignIn{{Kind: linkfin.AssignCreditTransfer, ID: other2}, {Kind: linkfin.AssignOrganization, ID: "factor"}} {
		if _, err := run[linkfin.BankEntry](t, env, &services.AssignBankEntry{EntryID: entry, In: in}); !refusal(err, linkfin.EENTRYMISMATCH, "is a reversal") {
			t.Fatalf("assigning a reversal to %+v: %v", in, err)
		}
	}
	if ct := record[linkfin.CreditTransfer](t, env, linkfin.KindCreditTransfer, other2); ct.Status == linkfin.CreditTransferBooked {
		t.Fatalf("a reversal booked %s: %+v", other2, ct)
	}

	spellings(t, env, expect, withdraw)
	env.MustVerify()
}

// spellings: every spelling of the platform's account that its check takes for it
// (spaces, the bank's BIC before it, a lower-case IBAN, the IBAN and the account
// number registered with it) names one account: an entry stated under two of them is
// booked once, by matching or by a person, and a statement sent again under another
// is the statement imported before. The platform's account is 6222020200100000099,
// then the IBAN DE89370400440532013000 with its account number 0532013000.
func spellings(t *testing.T, env *Env, expect func(org string, amount int64) string, withdraw func(org, ref string, amount int64) string) {
	t.Helper()
	imp := func(what string, m *iso20022.StatementMessage) *linkfin.BankStatement {
		t.Helper()
		got, err := run[linkfin.BankStatementImport](t, env, &services.ImportBankStatement{Message: m})
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return &got.Statements[0]
	}
	// again imports a statement imported before: it answers the first import.
	again := func(what string, m *iso20022.StatementMessage, first *linkfin.BankStatement) {
		t.Helper()
		got, err := run[linkfin.BankStatementImport](t, env, &services.ImportBankStatement{Message: m})
		if err != nil || !got.Replayed || got.Statements[0].ID != first.ID {
			t.Fatalf("%s, imported as %s before: %+v, %v", what, first.ID, got, err)
		}
	}
	// mt is an MT940 of the account, whose :61: lines are the entries.
	mt := func(account, ref string, entries ...string) *iso20022.StatementMessage {
		t.Helper()
		m, err := mt940.Read(strings.NewReader(":20:" + ref + "\n:25:" + account + "\n:28C:00001/001\n:60F:C261104CNY0,00\n" +
			strings.Join(entries, "") + ":62F:C261104CNY0,00\n-"))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	// camt is a camt.053 of the account, an IBAN's when iban.
	camt := func(msg, stmt, account string, iban bool, entries ...CamtEntry) *iso20022.StatementMessage {
		t.Helper()
		doc := Camt053(msg, stmt, account, "CNY", entries...)
		if iban {
			doc = strings.Replace(doc, "<Othr><Id>"+account+"</Id></Othr>", "<IBAN>"+account+"</IBAN>", 1)
		}
		return readCamt(t, doc)
	}
	state := func(kind, id string) string {
		t.Helper()
		switch kind {
		case linkfin.KindExpectedPayment:
			return string(record[linkfin.ExpectedPayment](t, env, kind, id).Status)
		default:
			return string(record[linkfin.CreditTransfer](t, env, kind, id).Status)
		}
	}
	assign := func(s *linkfin.BankStatement, kind linkfin.AssignKind, id string) error {
		t.Helper()
		_, err := run[linkfin.BankEntry](t, env, &services.AssignBankEntry{EntryID: services.BankEntryID(s, 1), In: linkfin.BankEntryAssignIn{Kind: kind, ID: id}})
		return err
	}
	const digits, spaced = "6222020200100000099", "6222 0202 0010 0000 099"

	// A credit booked from a camt.053, stated again by MT940s with spaces in the
	// account, and with the bank's BIC before it: duplicates, and the expected payment
	// of its amount and day still waits.
	c1, c2 := expect("tier2", 8_88), expect("tier2", 8_88)
	before := cnyBalance(t, env, "tier2")
	first := imp("the camt.053", camt("MSG-SP", "S-SP", digits, false,
		CamtEntry{Sign: "CRDT", Amount: "8.88", Date: "2026-11-04", Ref: "SP1", EndToEnd: []string{c1}}))
	if first.Matched != 1 {
		t.Fatalf("the camt.053 of a credit: %+v", first)
	}
	var mtFirst *linkfin.BankStatement
	for i, account := range []string{spaced, "ICBKCNBJ/" + spaced} {
		s := imp(":25:"+account, mt(account, fmt.Sprintf("S-SP-MT%d", i), ":61:2611041104C8,88NTRF"+c1+"//SP1\n"))
		if s.Duplicates != 1 {
			t.Fatalf("the credit stated under %q: %+v", account, s)
		}
		if i == 0 {
			mtFirst = s
		}
	}
	if got := cnyBalance(t, env, "tier2") - before; got != 8_88 || state(linkfin.KindExpectedPayment, c1) != "received" || state(linkfin.KindExpectedPayment, c2) != "expected" {
		t.Fatalf("one credit under three spellings credited %d; %s, %s", got, state(linkfin.KindExpectedPayment, c1), state(linkfin.KindExpectedPayment, c2))
	}
	// The same statements sent again under other spellings.
	again("the camt.053 under "+spaced, camt("MSG-SP", "S-SP", spaced, false,
		CamtEntry{Sign: "CRDT", Amount: "8.88", Date: "2026-11-04", Ref: "SP1", EndToEnd: []string{c1}}), first)
	again("the MT940 under ICBKCNBJ/"+digits, mt("ICBKCNBJ/"+digits, "S-SP-MT0", ":61:2611041104C8,88NTRF"+c1+"//SP1\n"), mtFirst)

	// A debit booked from a camt.053, stated again with the BIC and with spaces: the
	// other instruction of its amount and day is not booked in its place.
	d1, d2 := withdraw("bank", "w-sp1", 13_00), withdraw("factor", "w-sp2", 13_00)
	mustRun(t, env, &services.CreatePaymentFile{Rail: "bank", Date: date(t, "2026-11-04")})
	if s := imp("the debit", camt("MSG-SPD", "S-SPD", digits, false,
		CamtEntry{Sign: "DBIT", Amount: "13.00", Date: "2026-11-04", Ref: "SPD", EndToEnd: []string{d1}})); s.Matched != 1 {
		t.Fatalf("the camt.053 of a debit: %+v", s)
	}
	for i, account := range []string{"ICBKCNBJ/" + digits, spaced} {
		if s := imp(":25:"+account, mt(account, fmt.Sprintf("S-SPD-MT%d", i), ":61:2611041104D13,00NTRFNONREF//SPD\n")); s.Duplicates != 1 {
			t.Fatalf("the debit stated under %q: %+v", account, s)
		}
	}
	if state(linkfin.KindCreditTransfer, d1) != "booked" || state(linkfin.KindCreditTransfer, d2) != "filed" {
		t.Fatalf("one debit under three spellings: %s, %s", state(linkfin.KindCreditTransfer, d1), state(linkfin.KindCreditTransfer, d2))
	}

	// An entry that waits in two statements, under two spellings, is booked by the
	// first assignment: the second is entry_booked.
	before = cnyBalance(t, env, "tier1")
	u1 := imp("a credit to assign", mt(spaced, "S-AS", ":61:2611041104C7,77NTRFNONREF//AS1\n"))
	u2 := imp("the credit again", camt("MSG-AS", "S-AS2", digits, false, CamtEntry{Sign: "CRDT", Amount: "7.77", Date: "2026-11-04", Ref: "AS1"}))
	if u1.Unmatched != 1 || u2.Unmatched != 1 {
		t.Fatalf("a credit no payment announced: %+v, %+v", u1, u2)
	}
	if err := assign(u2, linkfin.AssignOrganization, "tier1"); err != nil {
		t.Fatal(err)
	}
	if err := assign(u1, linkfin.AssignOrganization, "tier1"); !refusal(err, linkfin.EENTRYBOOKED, "AS1") {
		t.Fatalf("the credit assigned under another spelling: %v", err)
	}
	if got := cnyBalance(t, env, "tier1") - before; got != 7_77 {
		t.Fatalf("one credit assigned twice credited %d", got)
	}
	e1, e2 := withdraw("bank", "w-as1", 14_00), withdraw("factor", "w-as2", 14_00)
	mustRun(t, env, &services.CreatePaymentFile{Rail: "bank", Date: date(t, "2026-11-04")})
	v1 := imp("a debit to assign", mt("ICBKCNBJ/"+spaced, "S-AS3", ":61:2611041104D14,00NTRFNONREF//AS2\n"))
	v2 := imp("the debit again", camt("MSG-AS4", "S-AS4", digits, false, CamtEntry{Sign: "DBIT", Amount: "14.00", Date: "2026-11-04", Ref: "AS2"}))
	if v1.Unmatched != 1 || v2.Unmatched != 1 {
		t.Fatalf("a debit of two instructions' amount and day: %+v, %+v", v1, v2)
	}
	if err := assign(v2, linkfin.AssignCreditTransfer, e1); err != nil {
		t.Fatal(err)
	}
	if err := assign(v1, linkfin.AssignCreditTransfer, e2); !refusal(err, linkfin.EENTRYBOOKED, "AS2") {
		t.Fatalf("the debit assigned under another spelling: %v", err)
	}
	if state(linkfin.KindCreditTransfer, e2) != "filed" {
		t.Fatalf("one debit assigned twice booked %s: %s", e2, state(linkfin.KindCreditTransfer, e2))
	}

	// The platform's account registered with its IBAN and its account number: a
	// camt.053 of the IBAN, an MT940 of the account number and a camt.053 of the IBAN
	// in lower case state one account.
	const iban, number = "DE89370400440532013000", "0532013000"
	i1, i2 := expect("tier2", 6_66), expect("tier2", 6_66)
	before = cnyBalance(t, env, "tier2")
	register := &services.SetPaymentDebtor{Debtor: linkfin.PaymentParty{Name: "Auto SCF Platform",
		BankAccount: linkfin.BankAccount{IBAN: iban, Account: number}}}
	ibDoc := camt("MSG-IB", "S-IB", iban, true, CamtEntry{Sign: "CRDT", Amount: "6.66", Date: "2026-11-04", Ref: "IB1", EndToEnd: []string{i1}})
	var ib *linkfin.BankStatement
	if env.Engine != nil {
		// Registered in the batch of the statement's import, which was planned under
		// the account registered before: it is planned again, and imports.
		out := env.Submit(&engine.Request{Commands: []linkfin.Command{register, &services.ImportBankStatement{Message: ibDoc}}}).Outcomes
		var got linkfin.BankStatementImport
		if out[0].Code != "" || out[1].Code != "" || json.Unmarshal(out[1].Value, &got) != nil {
			t.Fatalf("the account registered and its statement imported in one batch: %q, then %q %s", out[0].Code, out[1].Code, out[1].Message)
		}
		ib = &got.Statements[0]
	} else {
		mustRun(t, env, register)
		ib = imp("the IBAN's camt.053", ibDoc)
	}
	if ib.Matched != 1 {
		t.Fatalf("the camt.053 of the IBAN: %+v", ib)
	}
	ibMT := imp("the account number's MT940", mt(number, "S-IB-MT", ":61:2611041104C6,66NTRF"+i1+"//IB1\n"))
	lower := imp("the lower-case IBAN's camt.053", camt("MSG-IB2", "S-IB2", strings.ToLower(iban), true,
		CamtEntry{Sign: "CRDT", Amount: "6.66", Date: "2026-11-04", Ref: "IB1", EndToEnd: []string{i1}}))
	if ibMT.Duplicates != 1 || lower.Duplicates != 1 {
		t.Fatalf("the credit stated under the account number, and the IBAN in lower case: %+v, %+v", ibMT, lower)
	}
	if got := cnyBalance(t, env, "tier2") - before; got != 6_66 || state(linkfin.KindExpectedPayment, i2) != "expected" {
		t.Fatalf("one credit of the IBAN and the account number credited %d; %s", got, state(linkfin.KindExpectedPayment, i2))
	}
	w1, w2 := withdraw("bank", "w-ib1", 15_00), withdraw("factor", "w-ib2", 15_00)
	mustRun(t, env, &services.CreatePaymentFile{Rail: "bank", Date: date(t, "2026-11-04")})
	if s := imp("the IBAN's debit", camt("MSG-IBD", "S-IBD", iban, true,
		CamtEntry{Sign: "DBIT", Amount: "15.00", Date: "2026-11-04", Ref: "IBD", EndToEnd: []string{w1}})); s.Matched != 1 {
		t.Fatalf("the camt.053 of the IBAN's debit: %+v", s)
	}
	ibdMT := imp("the account number's debit", mt(number, "S-IBD-MT", ":61:2611041104D15,00NTRFNONREF//IBD\n"))
	ibdLower := imp("the lower-case IBAN's debit", camt("MSG-IBD2", "S-IBD2", strings.ToLower(iban), true,
		CamtEntry{Sign: "DBIT", Amount: "15.00", Date: "2026-11-04", Ref: "IBD"}))
	if ibdMT.Duplicates != 1 || ibdLower.Duplicates != 1 || state(linkfin.KindCreditTransfer, w2) != "filed" {
		t.Fatalf("the debit stated under the account number, and the IBAN in lower case: %+v, %+v; %s", ibdMT, ibdLower, state(linkfin.KindCreditTransfer, w2))
	}
	again("the IBAN's camt.053 in lower case", camt("MSG-IB", "S-IB", strings.ToLower(iban), true,
		CamtEntry{Sign: "CRDT", Amount: "6.66", Date: "2026-11-04", Ref: "IB1", EndToEnd: []string{i1}}), ib)
	again("the account number's MT940 under the IBAN", mt(iban, "S-IB-MT", ":61:2611041104C6,66NTRF"+i1+"//IB1\n"), ibMT)
}

// cnyBalance is what the organization's CNY wallet holds, posted (0 before it has one).
func cnyBalance(t *testing.T, env *Env, org string) int64 {
	t.Helper()
	a, err := env.Domain.Account(context.Background(), linkfin.WalletID(org, "CNY"))
	if linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
		return 0
	} else if err != nil {
		t.Fatal(err)
	}
	return a.CreditsPosted - a.DebitsPosted
}

// withdrawBank withdraws amount CNY from org's wallet over the bank rail under the
// instruction id ref, and returns the credit transfer it made.
func withdrawBank(t *testing.T, env *Env, org, ref string, amount int64) string {
	t.Helper()
	out, err := run[linkfin.PaymentOut](t, env, &services.RecordOutboundPayment{Rail: "bank", InstructionID: ref, OrgID: org,
		Currency: "CNY", Amount: amount})
	if err != nil {
		t.Fatal(err)
	}
	return out.CreditTransferID
}

// fileBank files the bank rail's waiting instructions of the day.
func fileBank(t *testing.T, env *Env, day string) *linkfin.PaymentFile {
	t.Helper()
	f, err := run[linkfin.PaymentFile](t, env, &services.CreatePaymentFile{Rail: "bank", Date: date(t, day)})
	if err != nil {
		t.Fatal(err)
	}
	return f
}
