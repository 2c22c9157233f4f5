package http_test

import (
	"context"
	"encoding/csv"
	"linkfin/internal/shareddocs"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"linkfin"
	"linkfin/audit"
	"linkfin/engine"
	lfhttp "linkfin/http"
	"linkfin/iso20022"
	"linkfin/services"
	"linkfin/storetest"
)

// postStatement sends a camt.053 document as the operator.
func (a *api) postStatement(doc string, headers ...string) reply {
	a.t.Helper()
	return a.do("POST", "/v1/bank-statements", doc, append([]string{"Content-Type", "application/xml"}, headers...)...)
}

// mustVerify runs the auditor over the API's database.
func (a *api) mustVerify() {
	a.t.Helper()
	rep, err := audit.Verify(context.Background(), a.store, a.verif, "linkfin")
	if err != nil {
		a.t.Fatal(err)
	}
	if !rep.OK() {
		a.t.Fatalf("verify: %s", strings.Join(rep.Problems, "\n"))
	}
}

// TestBankStatementVersions: a real statement of every camt.053 version linkfin reads,
// and the published camt.052 reports and camt.054 notifications, import, each
// statement once with each of its entries; sent again, it answers the same and changes
// nothing. The database verifies.
func TestBankStatementVersions(t *testing.T) {
	files, _ := filepath.Glob("../iso20022/testdata/*camt*.xml")
	// viafintech/camt_parser's, kept beside the repository (their NOTICE there; the
	// one whose entry is in another currency than its account's is refused:
	// TestStatementEntryInAnotherCurrency).
	files = append(files, shareddocs.Glob("iso20022/viafintech-camt05*.xml")...)
	versions := map[string]bool{}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			doc, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want, err := iso20022.ReadStatement(strings.NewReader(string(doc)))
			if err != nil {
				t.Fatal(err)
			}
			a := newAPI(t)
			var first linkfin.BankStatementImport
			wantJSON(t, a.postStatement(string(doc)), http.StatusOK, &first)
			if first.Replayed || first.Version != want.Version || len(first.Statements) != len(want.Statements) {
				t.Fatalf("imported %+v, want %d statements of %s", first, len(want.Statements), want.Version)
			}
			versions[want.Version] = true
			for i, st := range first.Statements {
				w := want.Statements[i]
				if st.StatementID != w.ID || st.Account != w.Account.ID() || st.Entries != len(w.Entries) ||
					st.Unmatched+st.NotBooked+st.Duplicates != len(w.Entries) {
					t.Errorf("statement %d: %+v, want %s of %s with %d entries, none matched (nothing is open)", i, st, w.ID, w.Account.ID(), len(w.Entries))
				}
				var entries linkfin.List[linkfin.BankEntry]
				wantJSON(t, a.do("GET", "/v1/bank-statements/"+st.ID+"/entries", ""), http.StatusOK, &entries)
				if len(entries.Data) != len(w.Entries) {
					t.Fatalf("statement %s lists %d entries, want %d", st.ID, len(entries.Data), len(w.Entries))
				}
				for j, e := range entries.Data {
					we := w.Entries[j]
					if e.Amount != we.Amount || e.Currency != we.Currency || e.CreditDebit != we.CreditDebit || e.Position != j+1 ||
						e.AccountServicerReference != we.BankReference() || e.ValueDate != we.ValueDate {
						t.Errorf("entry %d: %+v, want %+v", j+1, e, we)
					}
				}
			}
			base := a.snapshot()
			var again linkfin.BankStatementImport
			wantJSON(t, a.postStatement(string(doc)), http.StatusOK, &again)
			if !again.Replayed || !reflect.DeepEqual(again.Statements, first.Statements) {
				t.Fatalf("the second import answers %+v, the first %+v", again, first)
			}
			if after := a.snapshot(); !reflect.DeepEqual(after, base) {
				t.Fatal("the second import changed the store")
			}
			a.mustVerify()
		})
	}
	for _, v := range iso20022.Camt053Versions {
		if !versions["camt.053.001."+v] {
			t.Errorf("no real statement of camt.053.001.%s was imported", v)
		}
	}
	// The account reports and notifications published with entries (genkgo/camt's).
	for _, v := range []string{"camt.052.001.02", "camt.052.001.04", "camt.052.001.06", "camt.052.001.08",
		"camt.054.001.02", "camt.054.001.04", "camt.054.001.08"} {
		if !versions[v] {
			t.Errorf("no real %s was imported", v)
		}
	}
}

// TestBankStatements: over the API, a statement's debit settles the instruction the
// anchor's withdrawal made, by its end-to-end id; its credits settle the anchor's expected
// payment, by the reference quoted, crediting its wallet; what matches nothing is
// listed unmatched, and the operator assigns it. Statements and entries list and page,
// as JSON and CSV; every refusal has its code and changes nothing; only the operator
// imports, reads and assigns.
func TestBankStatements(t *testing.T) {
	p := newPlatform(t)
	wallet := func(org string) int64 {
		a := p.account(linkfin.WalletID(org, "CNY"))
		return a.CreditsPosted - a.DebitsPosted
	}
	var ep linkfin.ExpectedPayment
	wantJSON(t, p.as("anchor", "POST", "/v1/expected-payments", `{"currency":"CNY","amount":250000,"date":"2026-11-04"}`), http.StatusCreated, &ep)
	if ep.Status != linkfin.ExpectedPaymentExpected || ep.OrgID != "anchor" || !strings.HasPrefix(ep.ID, "ep_") {
		t.Fatalf("the expected payment: %+v", ep)
	}
	var out linkfin.PaymentOut
	wantJSON(t, p.as("anchor", "POST", "/v1/payments/withdrawals", `{"rail":"bank","instruction_id":"A-OUT","currency":"CNY","amount":12345}`), http.StatusOK, &out)
	var file linkfin.PaymentFile
	wantJSON(t, p.as("operator", "POST", "/v1/payment-files", `{"rail":"bank","date":"2026-11-03"}`), http.StatusCreated, &file)
	anchor := wallet("anchor")

	doc := storetest.Camt053("BANK-MSG-9", "STMT-9", "6222 0000 1111", "CNY",
		storetest.CamtEntry{Sign: "DBIT", Amount: "123.45", Date: "2026-11-04", Ref: "R1", EndToEnd: []string{out.CreditTransferID}},
		storetest.CamtEntry{Sign: "CRDT", Amount: "2500.00", Date: "2026-11-04", Ref: "R2", Remitting: "Core Auto top-up " + ep.ID},
		storetest.CamtEntry{Sign: "CRDT", Amount: "88.00", Date: "2026-11-04", Ref: "R3", Remitting: "no idea"},
		storetest.CamtEntry{Sign: "DBIT", Amount: "3.50", Date: "2026-11-04", Ref: "R4"},
	)
	// Only the operator imports.
	wantProblem(t, p.as("anchor", "POST", "/v1/bank-statements", doc, "Content-Type", "application/xml"), http.StatusForbidden, linkfin.EFORBIDDEN)
	var imp linkfin.BankStatementImport
	wantJSON(t, p.postStatement(doc), http.StatusOK, &imp)
	st := imp.Statements[0]
	if imp.Replayed || st.Matched != 2 || st.Unmatched != 2 || st.Entries != 4 || st.MessageID != "BANK-MSG-9" || st.Version != "camt.053.001.08" {
		t.Fatalf("the import: %+v", imp)
	}
	if wallet("anchor") != anchor+2_500_00 {
		t.Fatalf("the anchor's wallet moved by %d", wallet("anchor")-anchor)
	}
	var ct linkfin.CreditTransfer
	wantJSON(t, p.as("anchor", "GET", "/v1/credit-transfers/"+out.CreditTransferID, ""), http.StatusOK, &ct)
	if ct.Status != linkfin.CreditTransferBooked || ct.EntryID == "" {
		t.Fatalf("the instruction: %+v", ct)
	}
	// Its payment file lists it as its record says.
	var listed linkfin.PaymentFile
	wantJSON(t, p.as("operator", "GET", "/v1/payment-files/"+file.ID, ""), http.StatusOK, &listed)
	if len(listed.Transfers) != 1 || listed.Transfers[0].ID != ct.ID || listed.Transfers[0].Status != linkfin.CreditTransferBooked {
		t.Fatalf("the payment file after the statement: %+v", listed.Transfers)
	}
	wantJSON(t, p.as("anchor", "GET", "/v1/expected-payments/"+ep.ID, ""), http.StatusOK, &ep)
	if ep.Status != linkfin.ExpectedPaymentReceived || ep.EntryID == "" {
		t.Fatalf("the expected payment after the statement: %+v", ep)
	}
	// The statement and its entries are the operator's.
	for _, path := range []string{"/v1/bank-statements/" + st.ID, "/v1/bank-statements/" + st.ID + "/entries", "/v1/bank-entries/" + ep.EntryID} {
		wantProblem(t, p.as("anchor", "GET", path, ""), http.StatusNotFound, linkfin.ENOTFOUND)
	}

	// Entries page in the statement's order, as JSON and as CSV.
	var page1, page2 linkfin.List[linkfin.BankEntry]
	wantJSON(t, p.do("GET", "/v1/bank-statements/"+st.ID+"/entries?limit=3", ""), http.StatusOK, &page1)
	if len(page1.Data) != 3 || page1.NextCursor != "3" || page1.Data[0].Match != linkfin.MatchEndToEnd || page1.Data[1].Match != linkfin.MatchReference {
		t.Fatalf("the first page: %+v", page1)
	}
	wantJSON(t, p.do("GET", "/v1/bank-statements/"+st.ID+"/entries?limit=3&after="+page1.NextCursor, ""), http.StatusOK, &page2)
	if len(page2.Data) != 1 || page2.NextCursor != "" || page2.Data[0].Position != 4 {
		t.Fatalf("the second page: %+v", page2)
	}
	r := p.do("GET", "/v1/bank-statements/"+st.ID+"/entries", "", "Accept", "text/csv")
	rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
	if err != nil || len(rows) != 5 || !slices.Contains(rows[0], "amount") || !slices.Contains(rows[3], "8800") {
		t.Fatalf("the entries as CSV: %v\n%s", err, r.body)
	}
	var unmatched linkfin.List[linkfin.BankEntry]
	wantJSON(t, p.do("GET", "/v1/bank-entries?status=unmatched", ""), http.StatusOK, &unmatched)
	var ids []string
	for _, e := range unmatched.Data {
		ids = append(ids, e.ID)
	}
	credit, debit := page1.Data[2].ID, page2.Data[0].ID
	if !slices.Contains(ids, credit) || !slices.Contains(ids, debit) || slices.Contains(ids, ep.EntryID) {
		t.Fatalf("the unmatched entries: %v", ids)
	}

	// Refusals, each with its code, change nothing.
	base := p.snapshot()
	other := strings.Replace(doc, "88.00", "88.01", 1)
	mixed := storetest.Camt053("BANK-MSG-10", "STMT-10", "6222 0000 1111", "CNY", storetest.CamtEntry{Sign: "CRDT", Amount: "1.00", Currency: "EUR", Date: "2026-11-04"})
	// A statement not imported yet, which the faults of XML after it must keep out.
	fresh := storetest.Camt053("BANK-MSG-11", "STMT-11", "6222 0000 1111", "CNY", storetest.CamtEntry{Sign: "CRDT", Amount: "7.00", Date: "2026-11-04", Ref: "R11"})
	for _, c := range []struct {
		name, doc string
		status    int
		code      string
	}{
		{"malformed", doc[:len(doc)/2], http.StatusBadRequest, iso20022.EMALFORMED},
		{"an end tag and an unclosed element after the root", fresh + "</Document><junk", http.StatusBadRequest, iso20022.EMALFORMED},
		{"a second root element", fresh + fresh[strings.Index(fresh, "<Document"):], http.StatusBadRequest, iso20022.EMALFORMED},
		{"text after the root", fresh + "garbage<", http.StatusBadRequest, iso20022.EMALFORMED},
		{"UTF-8 declared as UTF-16", strings.Replace(fresh, `encoding="UTF-8"`, `encoding="UTF-16"`, 1), http.StatusBadRequest, iso20022.EMALFORMED},
		{"an unsupported version", strings.ReplaceAll(doc, "camt.053.001.08", "camt.053.001.01"), http.StatusUnprocessableEntity, iso20022.EUNSUPPORTED},
		{"another message", strings.ReplaceAll(doc, "camt.053.001.08", "camt.056.001.08"), http.StatusUnprocessableEntity, iso20022.EUNSUPPORTED},
		{"a statement in a notification's namespace", strings.ReplaceAll(doc, "camt.053.001.08", "camt.054.001.08"), http.StatusBadRequest, linkfin.EINVALID},
		{"an entry in another currency", mixed, http.StatusUnprocessableEntity, linkfin.ECURRENCYMISMATCH},
		{"an entry in another currency than the balances, the account's naming none", strings.Replace(mixed, "<Ccy>CNY</Ccy>", "", 1),
			http.StatusUnprocessableEntity, linkfin.ECURRENCYMISMATCH},
		{"an entry of another namespace", strings.Replace(fresh, "</Stmt>", `<Ntry xmlns="urn:example:other"><Amt Ccy="CNY">9000.00</Amt>`+
			`<CdtDbtInd>CRDT</CdtDbtInd><AcctSvcrRef>X1</AcctSvcrRef></Ntry></Stmt>`, 1), http.StatusBadRequest, linkfin.EINVALID},
		{"the same statement, changed", other, http.StatusConflict, linkfin.ESTATEMENTCONFLICT},
		{"a missing amount", strings.Replace(doc, `<Amt Ccy="CNY">88.00</Amt>`, "", 1), http.StatusBadRequest, linkfin.EINVALID},
		{"no body", "", http.StatusBadRequest, "missing_field"},
	} {
		t.Run(c.name, func(t *testing.T) {
			wantProblem(t, p.postStatement(c.doc), c.status, c.code)
		})
	}
	wantProblem(t, p.do("POST", "/v1/bank-statements", `{"statement":1}`), http.StatusUnsupportedMediaType, "unsupported_media_type")
	assign := func(id, body string) reply { return p.do("POST", "/v1/bank-entries/"+id+"/assign", body) }
	for _, c := range []struct {
		name, id, body string
		status         int
		code           string
	}{
		{"a matched entry", ep.EntryID, `{"kind":"organization","id":"anchor"}`, http.StatusConflict, linkfin.EENTRYBOOKED},
		{"a credit to an instruction", credit, `{"kind":"credit_transfer","id":"` + out.CreditTransferID + `"}`, http.StatusUnprocessableEntity, linkfin.EENTRYMISMATCH},
		{"a debit to an organization", debit, `{"kind":"organization","id":"anchor"}`, http.StatusUnprocessableEntity, linkfin.EENTRYMISMATCH},
		{"a received payment", credit, `{"kind":"expected_payment","id":"` + ep.ID + `"}`, http.StatusConflict, linkfin.ENOTOPEN},
		{"an unknown kind", credit, `{"kind":"invoice","id":"inv-1"}`, http.StatusBadRequest, linkfin.EINVALID},
		{"no such organization", credit, `{"kind":"organization","id":"nobody"}`, http.StatusNotFound, linkfin.ENOTFOUND},
		{"no such entry", "be_0.00001", `{"kind":"organization","id":"anchor"}`, http.StatusNotFound, linkfin.ENOTFOUND},
		{"by an organization", credit, `{"kind":"organization","id":"anchor"}`, http.StatusForbidden, linkfin.EFORBIDDEN},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.code == linkfin.EFORBIDDEN {
				wantProblem(t, p.as("anchor", "POST", "/v1/bank-entries/"+c.id+"/assign", c.body), c.status, c.code)
				return
			}
			wantProblem(t, assign(c.id, c.body), c.status, c.code)
		})
	}
	wantProblem(t, p.as("anchor", "POST", "/v1/expected-payments", `{"currency":"CNY","amount":0,"date":"2026-11-04"}`), http.StatusBadRequest, linkfin.EINVALID)
	if after := p.snapshot(); !reflect.DeepEqual(after, base) {
		t.Fatal("a refusal changed the store")
	}

	// The operator assigns the unmatched credit to the anchor: its wallet is credited,
	// once.
	var assigned linkfin.BankEntry
	wantJSON(t, assign(credit, `{"kind":"organization","id":"anchor"}`), http.StatusOK, &assigned)
	if assigned.Status != linkfin.BankEntryAssigned || assigned.OrgID != "anchor" || wallet("anchor") != anchor+2_500_00+88_00 {
		t.Fatalf("the assigned entry: %+v, the anchor's wallet moved by %d", assigned, wallet("anchor")-anchor)
	}
	wantProblem(t, assign(credit, `{"kind":"organization","id":"anchor"}`), http.StatusConflict, linkfin.EENTRYBOOKED)
	var again linkfin.BankStatementImport
	wantJSON(t, p.postStatement(doc), http.StatusOK, &again)
	if !again.Replayed || !reflect.DeepEqual(again.Statements, imp.Statements) || wallet("anchor") != anchor+2_500_00+88_00 {
		t.Fatalf("the statement again: %+v", again)
	}
	var list linkfin.List[linkfin.BankStatement]
	wantJSON(t, p.do("GET", "/v1/bank-statements", ""), http.StatusOK, &list)
	if len(list.Data) != 2 || list.Data[1].ID != st.ID || list.Data[1].Assigned != 1 || list.Data[1].Unmatched != 1 {
		t.Fatalf("the statements: %+v", list.Data)
	}
	p.mustVerify()
}

// A debit entry booked by one statement and given again by a later one (an intraday
// statement, then the day's) is a duplicate there: it settles nothing a second time,
// not even another instruction of its amount and date.
func TestBankDebitInTwoStatements(t *testing.T) {
	p := newPlatform(t)
	withdraw := func(instruction, amount string) string {
		var out linkfin.PaymentOut
		wantJSON(t, p.as("anchor", "POST", "/v1/payments/withdrawals", `{"rail":"bank","instruction_id":"`+instruction+`","currency":"CNY","amount":`+amount+`}`), http.StatusOK, &out)
		var file linkfin.PaymentFile
		wantJSON(t, p.as("operator", "POST", "/v1/payment-files", `{"rail":"bank","date":"2026-11-03"}`), http.StatusCreated, &file)
		return out.CreditTransferID
	}
	first := withdraw("A-OUT-1", "12345")
	entry := storetest.CamtEntry{Sign: "DBIT", Amount: "123.45", Date: "2026-11-04", Ref: "R-DEBIT", EndToEnd: []string{first}}
	var imp linkfin.BankStatementImport
	wantJSON(t, p.postStatement(storetest.Camt053("MSG-A", "STMT-A", "6222 0000 1111", "CNY", entry)), http.StatusOK, &imp)
	if st := imp.Statements[0]; st.Matched != 1 {
		t.Fatalf("the first statement: %+v", st)
	}
	second := withdraw("A-OUT-2", "12345") // of the same amount, on the same day
	wantJSON(t, p.postStatement(storetest.Camt053("MSG-B", "STMT-B", "6222 0000 1111", "CNY", entry)), http.StatusOK, &imp)
	if st := imp.Statements[0]; st.Matched != 0 || st.Duplicates != 1 {
		t.Fatalf("the second statement: %+v", st)
	}
	var ct linkfin.CreditTransfer
	wantJSON(t, p.as("anchor", "GET", "/v1/credit-transfers/"+second, ""), http.StatusOK, &ct)
	if ct.Status == linkfin.CreditTransferBooked {
		t.Fatalf("the other instruction was booked by the first's entry: %+v", ct)
	}
	var entries linkfin.List[linkfin.BankEntry]
	wantJSON(t, p.do("GET", "/v1/bank-statements/"+imp.Statements[0].ID+"/entries", ""), http.StatusOK, &entries)
	if len(entries.Data) != 1 || entries.Data[0].Status != linkfin.BankEntryDuplicate {
		t.Fatalf("the second statement's entries: %+v", entries.Data)
	}
	// Nor can a person book it.
	wantProblem(t, p.do("POST", "/v1/bank-entries/"+entries.Data[0].ID+"/assign", `{"kind":"credit_transfer","id":"`+second+`"}`),
		http.StatusConflict, linkfin.EENTRYBOOKED)

	// A debit that matched nothing in two statements waits in both; once a person books
	// one, the other cannot be booked too.
	odd := storetest.CamtEntry{Sign: "DBIT", Amount: "5.00", Date: "2026-11-04", Ref: "R-ODD"}
	var waiting []string
	for _, id := range []string{"C", "D"} {
		wantJSON(t, p.postStatement(storetest.Camt053("MSG-"+id, "STMT-"+id, "6222 0000 1111", "CNY", odd)), http.StatusOK, &imp)
		if st := imp.Statements[0]; st.Unmatched != 1 {
			t.Fatalf("statement %s: %+v", id, st)
		}
		wantJSON(t, p.do("GET", "/v1/bank-statements/"+imp.Statements[0].ID+"/entries", ""), http.StatusOK, &entries)
		waiting = append(waiting, entries.Data[0].ID)
	}
	z, w := withdraw("ODD-1", "500"), withdraw("ODD-2", "500")
	var be linkfin.BankEntry
	wantJSON(t, p.do("POST", "/v1/bank-entries/"+waiting[0]+"/assign", `{"kind":"credit_transfer","id":"`+z+`"}`), http.StatusOK, &be)
	if be.Status != linkfin.BankEntryAssigned {
		t.Fatalf("the assigned entry: %+v", be)
	}
	wantProblem(t, p.do("POST", "/v1/bank-entries/"+waiting[1]+"/assign", `{"kind":"credit_transfer","id":"`+w+`"}`),
		http.StatusConflict, linkfin.EENTRYBOOKED)
}

// An organization withdraws an expected payment that no entry has brought: it is
// cancelled (asked again, answered as it is), and no other organization finds it. A
// statement's credit that quotes it later waits unmatched and credits no wallet, and
// cannot be assigned to it; one received cannot be cancelled. Each refusal has its code
// and changes nothing.
func TestCancelExpectedPayment(t *testing.T) {
	p := newPlatform(t)
	wallet := func() int64 {
		a := p.account(linkfin.WalletID("anchor", "CNY"))
		return a.CreditsPosted - a.DebitsPosted
	}
	var ep, other linkfin.ExpectedPayment
	wantJSON(t, p.as("anchor", "POST", "/v1/expected-payments", `{"currency":"CNY","amount":70000,"date":"2026-11-04"}`), http.StatusCreated, &ep)
	wantJSON(t, p.as("anchor", "POST", "/v1/expected-payments", `{"currency":"CNY","amount":30000,"date":"2026-11-04"}`), http.StatusCreated, &other)
	cancel := func(org, id string) reply { return p.as(org, "POST", "/v1/expected-payments/"+id+"/cancel", "") }

	base := p.snapshot()
	wantProblem(t, cancel("tier1", ep.ID), http.StatusNotFound, linkfin.ENOTFOUND)
	wantProblem(t, cancel("operator", ep.ID), http.StatusForbidden, linkfin.EFORBIDDEN)
	wantProblem(t, cancel("anchor", "ep_0000000000000"), http.StatusNotFound, linkfin.ENOTFOUND)
	if after := p.snapshot(); !reflect.DeepEqual(after, base) {
		t.Fatal("a refusal changed the store")
	}

	var cancelled, again linkfin.ExpectedPayment
	wantJSON(t, cancel("anchor", ep.ID), http.StatusOK, &cancelled)
	if cancelled.Status != linkfin.ExpectedPaymentCancelled || cancelled.CancelledAt == nil || cancelled.ID != ep.ID {
		t.Fatalf("the cancelled payment: %+v", cancelled)
	}
	wantJSON(t, cancel("anchor", ep.ID), http.StatusOK, &again)
	if !reflect.DeepEqual(again, cancelled) {
		t.Fatalf("cancelled again: %+v, first %+v", again, cancelled)
	}
	// It left the rail's open items; the other stays.
	open, err := services.OpenItems(context.Background(), p.store, services.RailBank)
	if err != nil {
		t.Fatal(err)
	}
	if ids := openIDs(open); slices.Contains(ids, ep.ID) || !slices.Contains(ids, other.ID) {
		t.Fatalf("the open items: %v", ids)
	}

	before := wallet()
	doc := storetest.Camt053("BANK-MSG-C", "STMT-C", "6222 0000 1111", "CNY",
		storetest.CamtEntry{Sign: "CRDT", Amount: "700.00", Date: "2026-11-04", Ref: "C1", Remitting: "top-up " + ep.ID},
		storetest.CamtEntry{Sign: "CRDT", Amount: "300.00", Date: "2026-11-04", Ref: "C2", Remitting: "top-up " + other.ID},
	)
	var imp linkfin.BankStatementImport
	wantJSON(t, p.postStatement(doc), http.StatusOK, &imp)
	if st := imp.Statements[0]; st.Matched != 1 || st.Unmatched != 1 || wallet() != before+300_00 {
		t.Fatalf("the import: %+v, the wallet moved by %d", st, wallet()-before)
	}
	var entries linkfin.List[linkfin.BankEntry]
	wantJSON(t, p.do("GET", "/v1/bank-statements/"+imp.Statements[0].ID+"/entries", ""), http.StatusOK, &entries)
	if len(entries.Data) != 2 || entries.Data[0].Status != linkfin.BankEntryUnmatched {
		t.Fatalf("the entries: %+v", entries.Data)
	}
	base = p.snapshot()
	wantProblem(t, p.do("POST", "/v1/bank-entries/"+entries.Data[0].ID+"/assign", `{"kind":"expected_payment","id":"`+ep.ID+`"}`),
		http.StatusConflict, linkfin.ENOTOPEN)
	wantProblem(t, cancel("anchor", other.ID), http.StatusConflict, linkfin.ENOTOPEN)
	if after := p.snapshot(); !reflect.DeepEqual(after, base) {
		t.Fatal("a refusal changed the store")
	}
	var got linkfin.ExpectedPayment
	wantJSON(t, p.as("anchor", "GET", "/v1/expected-payments/"+other.ID, ""), http.StatusOK, &got)
	if got.Status != linkfin.ExpectedPaymentReceived {
		t.Fatalf("the payment received: %+v", got)
	}
	p.mustVerify()
}

// TestExpectedPaymentKeyAndDate: announcing an expected payment is announcing money,
// as a payment is: it requires an Idempotency-Key (one sent twice without a key made
// two payments, each open for a statement's entry to settle), a retry under the key
// answers the first announcement and makes no second, and the key under another body
// is refused. Its date is from 2000-01-01 to 2099-12-31, as an invoice's: 9999-12-31
// was taken before. Refusals change nothing.
func TestExpectedPaymentKeyAndDate(t *testing.T) {
	p := newPlatform(t)
	post := func(body string, headers ...string) reply {
		return p.as("anchor", "POST", "/v1/expected-payments", body, headers...)
	}
	body := `{"currency":"CNY","amount":70000,"date":"2026-11-04"}`
	base := p.snapshot()
	wantProblem(t, post(body, "Idempotency-Key", ""), http.StatusBadRequest, lfhttp.EKEYREQUIRED)
	for _, day := range []string{"9999-12-31", "2100-01-01", "1999-12-31", "0001-01-01"} {
		pr := wantProblem(t, post(`{"currency":"CNY","amount":70000,"date":"`+day+`"}`), http.StatusBadRequest, linkfin.EINVALID)
		if !strings.Contains(pr.Detail, "date") || !strings.Contains(pr.Detail, "2000-01-01 to 2099-12-31") {
			t.Errorf("the date %s: %q", day, pr.Detail)
		}
	}
	if after := p.snapshot(); !reflect.DeepEqual(after, base) {
		t.Fatal("a refusal changed the store")
	}

	openNow := func() []string {
		t.Helper()
		open, err := services.OpenItems(context.Background(), p.store, services.RailBank)
		if err != nil {
			t.Fatal(err)
		}
		return openIDs(open)
	}
	before := openNow()
	var first, again linkfin.ExpectedPayment
	r := post(body, "Idempotency-Key", "expect-1")
	wantJSON(t, r, http.StatusCreated, &first)
	retry := post(body, "Idempotency-Key", "expect-1")
	wantJSON(t, retry, http.StatusCreated, &again)
	if retry.header.Get("Idempotency-Hit") != "true" || again.ID != first.ID {
		t.Fatalf("the retry: Idempotency-Hit %q, %s after %s", retry.header.Get("Idempotency-Hit"), again.ID, first.ID)
	}
	wantProblem(t, post(`{"currency":"CNY","amount":70001,"date":"2026-11-04"}`, "Idempotency-Key", "expect-1"), http.StatusConflict, engine.EIDEMPOTENCY)
	if ids, want := openNow(), append(before, first.ID); !slices.Equal(slices.Sorted(slices.Values(ids)), slices.Sorted(slices.Values(want))) {
		t.Fatalf("open after a retry and a reused key: %v, want %v and %s", ids, before, first.ID)
	}
	for _, day := range []string{"2000-01-01", "2099-12-31"} {
		var ep linkfin.ExpectedPayment
		wantJSON(t, post(`{"currency":"CNY","amount":70000,"date":"`+day+`"}`), http.StatusCreated, &ep)
		if ep.Date.String() != day {
			t.Errorf("expected on %s: %+v", day, ep)
		}
	}
	p.mustVerify()
}

// openIDs are the ids of open items.
func openIDs(items []linkfin.OpenItem) []string {
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	return ids
}

// The bank's documents may be larger than other bodies: a month's statement of a busy
// account holds thousands of entries, and a pain.002 answering a file of 10,000
// instructions echoes each one. Both routes take up to MaxBankDocumentBytes, and refuse
// more with 413, changing nothing.
func TestBankDocumentBodyLimits(t *testing.T) {
	p := newPlatform(t)
	remit := strings.Repeat("Invoice 2026-11 payment for goods delivered under contract ", 2)
	var entries []storetest.CamtEntry
	for i := range 3000 {
		entries = append(entries, storetest.CamtEntry{Sign: "CRDT", Amount: "10.00", Date: "2026-11-04",
			Ref: "LARGE-" + strconv.Itoa(i), Remitting: remit})
	}
	doc := storetest.Camt053("BANK-LARGE", "STMT-LARGE", "6222 0000 1111", "CNY", entries...)
	if len(doc) <= lfhttp.MaxBodyBytes || len(doc) > lfhttp.MaxBankDocumentBytes {
		t.Fatalf("the statement is %d bytes", len(doc))
	}
	var imp linkfin.BankStatementImport
	wantJSON(t, p.postStatement(doc), http.StatusOK, &imp)
	if len(imp.Statements) != 1 || imp.Statements[0].Entries != 3000 {
		t.Fatalf("the import: %+v", imp)
	}

	var out linkfin.PaymentOut
	wantJSON(t, p.as("anchor", "POST", "/v1/payments/withdrawals", `{"rail":"bank","instruction_id":"L-1","currency":"CNY","amount":100}`), http.StatusOK, &out)
	var file linkfin.PaymentFile
	wantJSON(t, p.as("operator", "POST", "/v1/payment-files", `{"rail":"bank","date":"2026-11-03"}`), http.StatusCreated, &file)
	report := statusReport("10", file.ID, "", file.ID+"-CNY", out.CreditTransferID+":ACSC")
	// The bank's echo of the original transaction, as some banks give it, padded.
	echo := `<TxInfAndSts><OrgnlTxRef><Amt><InstdAmt Ccy="CNY">1.00</InstdAmt></Amt><RmtInf><Ustrd>` + remit + `</Ustrd></RmtInf></OrgnlTxRef></TxInfAndSts>`
	large := strings.Replace(report, "</OrgnlPmtInfAndSts>", strings.Repeat(echo, lfhttp.MaxBodyBytes/len(echo)+1)+"</OrgnlPmtInfAndSts>", 1)
	if len(large) <= lfhttp.MaxBodyBytes || len(large) > lfhttp.MaxBankDocumentBytes {
		t.Fatalf("the report is %d bytes", len(large))
	}
	wantJSON(t, p.as("operator", "POST", "/v1/payment-files/"+file.ID+"/status", large, "Content-Type", "application/xml"), http.StatusOK, &file)
	if file.Transfers[0].Status != linkfin.CreditTransferAccepted {
		t.Fatalf("the file: %+v", file)
	}

	base := p.snapshot()
	pad := "<!--" + strings.Repeat(" ", lfhttp.MaxBankDocumentBytes) + "-->"
	wantProblem(t, p.postStatement(strings.Replace(doc, "<BkToCstmrStmt>", pad+"<BkToCstmrStmt>", 1)), http.StatusRequestEntityTooLarge, lfhttp.ETOOLARGE)
	wantProblem(t, p.as("operator", "POST", "/v1/payment-files/"+file.ID+"/status", strings.Replace(report, "<CstmrPmtStsRpt>", pad+"<CstmrPmtStsRpt>", 1),
		"Content-Type", "application/xml"), http.StatusRequestEntityTooLarge, lfhttp.ETOOLARGE)
	if !reflect.DeepEqual(p.snapshot(), base) {
		t.Fatal("a body refused for its size changed the store")
	}
}

// TestBankNotifications: a bank's camt.054 notification of a credit books the expected
// payment it brings, at once; the day's camt.052 report and camt.053 statement, which
// repeat the entry (by its bank reference), book nothing again, though the report and
// the statement have the same id. A notification sent again is replayed. Each is kept
// with its message's version, and the database verifies.
func TestBankNotifications(t *testing.T) {
	p := newPlatform(t)
	wallet := func() int64 {
		a := p.account(linkfin.WalletID("anchor", "CNY"))
		return a.CreditsPosted - a.DebitsPosted
	}
	var ep linkfin.ExpectedPayment
	wantJSON(t, p.as("anchor", "POST", "/v1/expected-payments", `{"currency":"CNY","amount":50000,"date":"2026-11-04"}`), http.StatusCreated, &ep)
	before := wallet()
	credit := storetest.CamtEntry{Sign: "CRDT", Amount: "500.00", Date: "2026-11-04", Ref: "R-IN-1", EndToEnd: []string{ep.ID}}
	other := storetest.CamtEntry{Sign: "CRDT", Amount: "7.00", Date: "2026-11-04", Ref: "R-IN-2", Remitting: "no idea"}

	notification := storetest.Camt054("N-MSG-1", "N-1", "6222 0000 1111", "CNY", credit)
	var imp linkfin.BankStatementImport
	wantJSON(t, p.postStatement(notification), http.StatusOK, &imp)
	if st := imp.Statements[0]; imp.Version != "camt.054.001.08" || st.Version != "camt.054.001.08" || st.StatementID != "N-1" ||
		st.Matched != 1 || st.OpeningBalance != nil || st.ClosingBalance != nil {
		t.Fatalf("the notification: %+v", imp)
	}
	if wallet() != before+500_00 {
		t.Fatalf("the wallet moved by %d", wallet()-before)
	}
	wantJSON(t, p.as("anchor", "GET", "/v1/expected-payments/"+ep.ID, ""), http.StatusOK, &ep)
	if ep.Status != linkfin.ExpectedPaymentReceived {
		t.Fatalf("the expected payment: %+v", ep)
	}
	base := p.snapshot()
	wantJSON(t, p.postStatement(notification), http.StatusOK, &imp)
	if !imp.Replayed || !reflect.DeepEqual(p.snapshot(), base) {
		t.Fatalf("the notification again: %+v", imp)
	}

	// The day's report so far, and its statement, of the same id.
	wantJSON(t, p.postStatement(storetest.Camt052("R-MSG-1", "2026-11-04", "6222 0000 1111", "CNY", credit)), http.StatusOK, &imp)
	if st := imp.Statements[0]; st.Version != "camt.052.001.08" || st.Duplicates != 1 || st.Matched != 0 {
		t.Fatalf("the report: %+v", imp)
	}
	wantJSON(t, p.postStatement(storetest.Camt053("S-MSG-1", "2026-11-04", "6222 0000 1111", "CNY", credit, other)), http.StatusOK, &imp)
	if st := imp.Statements[0]; imp.Replayed || st.Version != "camt.053.001.08" || st.Duplicates != 1 || st.Unmatched != 1 {
		t.Fatalf("the statement: %+v", imp)
	}
	if wallet() != before+500_00 {
		t.Fatalf("the wallet moved by %d", wallet()-before)
	}
	// A notification's messages name its element.
	twice := storetest.Camt054("N-MSG-2", "N-2", "6222 0000 1111", "CNY", storetest.CamtEntry{Sign: "CRDT", Amount: "1.00", Currency: "EUR", Date: "2026-11-04", Ref: "R-EUR"})
	prob := wantProblem(t, p.postStatement(twice), http.StatusUnprocessableEntity, linkfin.ECURRENCYMISMATCH)
	if !strings.Contains(prob.Detail, "Ntfctn[1]/Ntry[1]") {
		t.Errorf("detail %q", prob.Detail)
	}
	p.mustVerify()
}

// TestStatementEntryInAnotherCurrency: a published camt.053.001.08 statement of a CHF
// account (viafintech/camt_parser's) books one of its entries, Ntry/Amt, in EUR. An
// entry's amount is in the account's currency, so the statement is refused whole,
// currency_mismatch naming that entry, and nothing is imported.
func TestStatementEntryInAnotherCurrency(t *testing.T) {
	doc := shareddocs.Read(t, "iso20022/viafintech-053.valid_example_v8.xml")
	a := newAPI(t)
	base := a.snapshot()
	p := wantProblem(t, a.postStatement(string(doc)), http.StatusUnprocessableEntity, linkfin.ECURRENCYMISMATCH)
	if !strings.Contains(p.Detail, "Stmt[1]/Ntry[3]") {
		t.Errorf("the refusal says %q, not which entry", p.Detail)
	}
	if after := a.snapshot(); !reflect.DeepEqual(after, base) {
		t.Fatal("the refused statement changed the store")
	}
}

// TestBankTextsBidiInCSV: a bank's texts are kept and answered in JSON as the bank
// sent them, a bidirectional override included (refusing the bank's file for it would
// refuse what the bank booked), but the CSV of the entries writes it as its code point,
// so that a spreadsheet shows "INV-‹U+202E›1002", not INV-2001. The statement is a real
// camt.053 whose remittance information was altered to hold one.
func TestBankTextsBidiInCSV(t *testing.T) {
	doc, err := os.ReadFile("../iso20022/testdata/genkgo-camt053.v2.five.decimals.xml")
	if err != nil {
		t.Fatal(err)
	}
	altered := strings.Replace(string(doc), "<Ustrd>Transaction Description</Ustrd>", "<Ustrd>INV-\u202E1002 paid</Ustrd>", 1)
	a := newAPI(t)
	wantJSON(t, a.postStatement(altered), http.StatusOK, nil)
	var entries linkfin.List[linkfin.BankEntry]
	wantJSON(t, a.do("GET", "/v1/bank-entries", ""), http.StatusOK, &entries)
	if len(entries.Data) != 1 || entries.Data[0].RemittanceInformation != "INV-\u202E1002 paid" {
		t.Fatalf("the entries: %+v, want the remittance information as the bank sent it", entries.Data)
	}
	r := a.do("GET", "/v1/bank-entries", "", "Accept", "text/csv")
	rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
	if r.status != http.StatusOK || err != nil || len(rows) != 2 {
		t.Fatalf("the entries as CSV: %d %v\n%s", r.status, err, r.body)
	}
	col := slices.Index(rows[0], "remittance_information")
	if col < 0 || rows[1][col] != "INV-‹U+202E›1002 paid" || strings.IndexFunc(string(r.body), linkfin.IsBidiControl) >= 0 {
		t.Fatalf("the entries as CSV:\n%s", r.body)
	}
}
