package mt940_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"linkfin"
	"linkfin/iso20022"
	"linkfin/mt940"

	"go.yaml.in/yaml/v4"
)

// readFile reads a file of testdata.
func readFile(t testing.TB, path string) *iso20022.StatementMessage {
	t.Helper()
	f, err := os.Open("testdata/" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := mt940.Read(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// wolphFiles are the files of WoLpH/mt940's tests that are whole statements in a
// currency linkfin knows, with the kind and number of messages each holds.
var wolphFiles = []struct {
	path       string
	version    string
	statements int
}{
	{"jejik/abnamro.sta", "MT940", 2},
	{"jejik/generic.sta", "MT940", 2},
	{"jejik/ing.sta", "MT940", 1},
	{"jejik/knab.sta", "MT940", 2},
	{"jejik/postfinance.sta", "MT940", 2},
	{"jejik/rabobank-iban.sta", "MT940", 2},
	{"jejik/rabobank.sta", "MT940", 4},
	{"jejik/sns.sta", "MT940", 2},
	{"jejik/triodos.sta", "MT940", 1},
	{"betterplace/sepa_mt9401.sta", "MT940", 26},
	{"betterplace/sepa_snippet.sta", "MT940", 2},
	{"betterplace/with_binary_character.sta", "MT940", 2},
	{"mBank/mt940.sta", "MT940", 1},
	{"mBank/mt942.sta", "MT942", 1},
	{"mBank/with_newline_in_tnr.sta", "MT940", 1},
	{"sberbank/171011_01234945.sta", "MT940", 1},
	{"self-provided/details_60-63.sta", "MT940", 1},
	{"self-provided/february_30.sta", "MT940", 1},
	{"self-provided/long_statement_number.sta", "MT940", 1},
	{"self-provided/malformed_details.sta", "MT940", 1},
	{"self-provided/mt942.sta", "MT942", 1},
	{"self-provided/overly_long_details.sta", "MT940", 1},
	{"self-provided/raiffeisen-cmi.sta", "MT940", 1},
	{"self-provided/transaction_details_wrapped.sta", "MT940", 1},
	{"self-provided/whitespace.sta", "MT940", 1},
	{"self-provided/wrapped_timestamp.sta", "MT940", 1},
}

// knownDifferences are where this package's reading of a file differs from WoLpH's, by
// file, place and field, and why. The test fails on a difference not listed, and on
// one listed that no longer differs.
var knownDifferences = map[string]string{
	"jejik/ing.sta entry 7 remittance": "the :86: after :62F: is the statement's; WoLpH adds it, and the -XXX that ends " +
		"the message, to the last entry (TestReadStatementInformation)",
	"jejik/rabobank-iban.sta entry 1 remittance": "WoLpH does not read the slash form: its REMI is empty (TestReadSlashForm)",
	"jejik/rabobank-iban.sta entry 2 remittance": "WoLpH does not read the slash form: REMI (TestReadSlashForm)",
	"jejik/rabobank-iban.sta entry 3 remittance": "WoLpH does not read the slash form: its REMI is empty (TestReadSlashForm)",
	"jejik/rabobank-iban.sta entry 4 remittance": "WoLpH does not read the slash form: REMI (TestReadSlashForm)",
	"jejik/triodos.sta entry 1 remittance":       "WoLpH does not read the DFÜ form with > for ? (TestReadTriodos)",
	"jejik/triodos.sta entry 2 remittance":       "WoLpH does not read the DFÜ form with > for ? (TestReadTriodos)",
	"betterplace/sepa_mt9401.sta entry 8 remittance": "?60 continues a full ?20–?29: SVWZ+ goes on there ('Richter Renat'); " +
		"WoLpH stops at ?29",
	"betterplace/sepa_mt9401.sta entry 31 remittance": "?60 continues a full ?20–?29; WoLpH stops at ?29",
	"betterplace/sepa_mt9401.sta entry 76 remittance": "?60 continues a full ?20–?29; WoLpH stops at ?29",
	"self-provided/malformed_details.sta entry 1 remittance": "?60 continues a full ?20–?29 (the IBAN DE00700500 goes on " +
		"000000012345 there); WoLpH stops at ?29",
	"self-provided/overly_long_details.sta entry 1 remittance": "?60 continues a full ?20–?29; WoLpH stops at ?29",
	"self-provided/long_statement_number.sta last statement statement number": ":28: 1810118101 is one number; " +
		"WoLpH splits it into a statement and a sequence number of five digits",
	"self-provided/raiffeisen-cmi.sta entry 1 references": "the file is in DOS code page 852, which WoLpH tries before " +
		"Latin-1; Read takes a file that is not UTF-8 as windows-1252 (TestReadWindows1252)",
	"self-provided/raiffeisen-cmi.sta entry 1 remittance": "code page 852, read as windows-1252",
	"self-provided/raiffeisen-cmi.sta entry 2 references": "code page 852, read as windows-1252",
	"self-provided/raiffeisen-cmi.sta entry 3 references": "code page 852, read as windows-1252",
	"self-provided/raiffeisen-cmi.sta entry 4 references": "code page 852, read as windows-1252",
	"self-provided/raiffeisen-cmi.sta entry 5 references": "code page 852, read as windows-1252",
	"self-provided/raiffeisen-cmi.sta entry 6 references": "code page 852, read as windows-1252",
	"self-provided/raiffeisen-cmi.sta entry 7 references": "code page 852, read as windows-1252",
}

// TestReadAgreesWithWoLpH reads the published test files of WoLpH/mt940 and compares
// what Read gives with what that library reads from them: each statement's kind and
// count, the account, reference and number, the balances, and every entry's sign,
// amount, currency, dates, transaction type, references, end-to-end id, remittance
// information and counterparty.
func TestReadAgreesWithWoLpH(t *testing.T) {
	met := map[string]bool{}
	for _, c := range wolphFiles {
		t.Run(c.path, func(t *testing.T) {
			m := readFile(t, "wolph/"+c.path)
			want := loadWoLpH(t, "testdata/wolph/"+strings.TrimSuffix(c.path, ".sta")+".yml")
			if m.Version != c.version || len(m.Statements) != c.statements {
				t.Fatalf("%s with %d statements, want %s with %d", m.Version, len(m.Statements), c.version, c.statements)
			}
			cmp := &comparison{t: t, file: c.path, met: met}
			cmp.data(m, want)
			cmp.balances(m, want)
			cmp.entries(m, want)
		})
	}
	for key := range knownDifferences {
		if !met[key] {
			t.Errorf("%s: listed as a known difference, but the readings agree", key)
		}
	}
}

// comparison compares one file's reading with WoLpH's.
type comparison struct {
	t    *testing.T
	file string
	met  map[string]bool
}

// check compares a value with WoLpH's, minding the known differences.
func (c *comparison) check(where, field, got, want string) {
	c.t.Helper()
	key := c.file + " " + where + " " + field
	if got == want {
		return
	}
	if _, ok := knownDifferences[key]; ok {
		c.met[key] = true
		return
	}
	c.t.Errorf("%s: %s %q, WoLpH reads %q", where, field, got, want)
}

// data compares what WoLpH keeps of the last statement (the account, reference and
// number) and an MT942's date and floor limits.
func (c *comparison) data(m *iso20022.StatementMessage, w wolphReading) {
	last := m.Statements[len(m.Statements)-1]
	account, _ := text(w.data["account_identification"])
	c.check("last statement", "account", last.Account.ID(), asRead(last.Account, account))
	ref, _ := text(w.data["transaction_reference"])
	withoutDate := last.ID[:max(0, len(last.ID)-len("/2006-01-02"))]
	c.check("last statement", "reference", strings.TrimSuffix(withoutDate, "/"+last.ElectronicSequence), ref)
	number, _ := text(w.data["statement_number"])
	if seq, ok := text(w.data["sequence_number"]); ok {
		number += "/" + seq
	}
	c.check("last statement", "statement number", last.ElectronicSequence, number)
	if created := w.data["date"]; created != nil {
		c.check("message", "created", m.CreatedAt[:min(16, len(m.CreatedAt))], wolphDateTime(c.t, created))
	}
	for _, limit := range []string{"c_floor_limit", "d_floor_limit"} {
		if f := fields(w.data[limit]); f != nil {
			cur, _ := text(f["currency"])
			c.check("last statement", limit+" currency", string(last.Account.Currency), cur)
		}
	}
}

// asRead is WoLpH's account identification as this package reads it: an IBAN followed
// by a currency is the IBAN.
func asRead(a iso20022.Account, wolph string) string {
	if a.IBAN != "" && strings.HasPrefix(strings.ReplaceAll(wolph, " ", ""), a.IBAN) {
		return a.IBAN
	}
	return wolph
}

// wolphBalances are WoLpH's names of the balances, with the ISO 20022 type each reads
// as and whether it opens the statement.
var wolphBalances = []struct {
	name, typ string
	opening   bool
}{
	{"final_opening_balance", "OPBD", true},
	{"intermediate_opening_balance", "ITBD", true},
	{"final_closing_balance", "CLBD", false},
	{"intermediate_closing_balance", "ITBD", false},
	{"available_balance", "CLAV", false},
	{"forward_available_balance", "FWAV", false},
}

// balances compares, for each kind of balance, the last one of the file, which is the
// one WoLpH's data keeps.
func (c *comparison) balances(m *iso20022.StatementMessage, w wolphReading) {
	for _, kind := range wolphBalances {
		want, ok := balance(c.t, w.data[kind.name])
		got := lastBalance(m, kind.typ, kind.opening)
		if (got != nil) != ok {
			c.t.Errorf("%s: read %v, WoLpH reads %v", kind.name, got != nil, ok)
			continue
		}
		if !ok {
			continue
		}
		c.check(kind.name, "sign", got.CreditDebit, map[string]string{"C": iso20022.Credit, "D": iso20022.Debit}[want.status])
		c.check(kind.name, "amount", strconv.FormatInt(got.Amount, 10), minorUnits(c.t, want.amount, got.Currency))
		c.check(kind.name, "currency", string(got.Currency), want.currency)
		c.check(kind.name, "date", got.Date.String(), want.date)
	}
}

// lastBalance is the file's last balance of a type: for an opening one, a statement's
// first balance; for a closing booked or interim one, a later one.
func lastBalance(m *iso20022.StatementMessage, typ string, opening bool) *iso20022.Balance {
	var last *iso20022.Balance
	for i := range m.Statements {
		for j, b := range m.Statements[i].Balances {
			if b.Type == typ && (j == 0) == opening {
				last = &m.Statements[i].Balances[j]
			}
		}
	}
	return last
}

// minorUnits is a WoLpH amount ("-11.8") without its sign, in minor units of cur.
func minorUnits(t testing.TB, amount string, cur linkfin.Currency) string {
	t.Helper()
	v, err := iso20022.ParseAmount(strings.TrimPrefix(amount, "-"), cur)
	if err != nil {
		t.Fatalf("WoLpH's amount %q: %v", amount, err)
	}
	return strconv.FormatInt(v, 10)
}

// wolphMarks are the entry signs of WoLpH's debit/credit marks, and whether they
// reverse an entry.
var wolphMarks = map[string]string{"C": "CRDT", "D": "DBIT", "RC": "DBIT reversal", "RD": "CRDT reversal"}

// entries compares every entry of every statement with WoLpH's transactions.
func (c *comparison) entries(m *iso20022.StatementMessage, w wolphReading) {
	var entries []iso20022.Entry
	for _, st := range m.Statements {
		entries = append(entries, st.Entries...)
	}
	if len(entries) != len(w.transactions) {
		c.t.Fatalf("%d entries, WoLpH reads %d", len(entries), len(w.transactions))
	}
	for i, e := range entries {
		tx, where := w.transactions[i], fmt.Sprintf("entry %d", i+1)
		mark, _ := text(tx["status"])
		got := e.CreditDebit
		if e.Reversal {
			got += " reversal"
		}
		c.check(where, "sign", got, wolphMarks[mark])
		amount := fields(tx["amount"])
		c.check(where, "amount", strconv.FormatInt(e.Amount, 10), minorUnits(c.t, decimal(c.t, amount["amount"]), e.Currency))
		if cur, ok := text(tx["currency"]); ok {
			c.check(where, "currency", string(e.Currency), cur)
		}
		c.check(where, "value date", e.ValueDate.String(), wolphDate(c.t, tx["date"]))
		c.check(where, "booking date", dateOrNone(e.BookingDate), wolphDate(c.t, tx["entry_date"]))
		id, _ := text(tx["id"])
		c.check(where, "transaction type", e.BankTransactionCode, strings.TrimSpace(id))
		c.references(where, e, tx)
		c.information(where, e, tx)
	}
}

// dateOrNone is a date, "" for none.
func dateOrNone(d linkfin.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// references compares the references of a :61:. WoLpH reads the reference for the
// account owner as its first 16 characters, "//" and the bank's reference included
// when they fit, and what is left on the line or the next as supplementary details;
// written out whole, without spaces and NONREF, both readings are the same text.
// WoLpH's SEPA reading drops the reference it cut (then its details end that text), or
// writes the :86: purpose it read after it, on a line of its own (which is left out).
func (c *comparison) references(where string, e iso20022.Entry, tx map[string]*yaml.Node) {
	ours := e.EntryReference
	if e.AccountServicerReference != "" {
		ours += "//" + e.AccountServicerReference
	}
	ours = squashRefs(ours + e.AdditionalInfo)
	own, kept := text(tx["customer_reference"])
	own, _, _ = strings.Cut(own, "\n")
	bank, hasBank := text(tx["bank_reference"])
	details, _ := text(tx["extra_details"])
	theirs := own
	if hasBank {
		theirs += "//" + bank
	}
	theirs = squashRefs(theirs + details)
	if !kept && strings.HasSuffix(ours, theirs) {
		theirs = ours
	}
	c.check(where, "references", ours, theirs)
}

// squashRefs is references without white space and NONREF, for comparing.
func squashRefs(s string) string {
	s = strings.ReplaceAll(s, "NONREF", "")
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// information compares what an entry's :86: says: the end-to-end id, the remittance
// information (WoLpH's purpose, or its whole text where it reads no structure) and the
// counterparty.
func (c *comparison) information(where string, e iso20022.Entry, tx map[string]*yaml.Node) {
	if eref, ok := text(tx["end_to_end_reference"]); ok {
		c.check(where, "end-to-end id", e.EndToEndID, strings.TrimSpace(eref))
	}
	purpose, structured := text(tx["purpose"])
	_, posting := text(tx["posting_text"])
	if details, ok := text(tx["transaction_details"]); ok && !structured && !posting {
		purpose, structured = lines(details), true
	}
	if structured {
		c.check(where, "remittance", e.RemittanceInformation, strings.TrimSpace(purpose))
	}
	if len(e.Transactions) != 1 {
		c.t.Errorf("%s: %d transactions, want 1", where, len(e.Transactions))
		return
	}
	tr := e.Transactions[0]
	name, account := tr.CreditorName, tr.CreditorAccount
	if e.CreditDebit == iso20022.Credit {
		name, account = tr.DebtorName, tr.DebtorAccount
	}
	if want, ok := text(tx["applicant_name"]); ok {
		c.check(where, "counterparty", name, strings.TrimSpace(want))
	}
	if want, ok := text(tx["applicant_iban"]); ok {
		c.check(where, "counterparty account", account, strings.TrimSpace(want))
	}
	if tr.Amount != e.Amount || tr.Currency != e.Currency || tr.CreditDebit != e.CreditDebit ||
		tr.EndToEndID != e.EndToEndID || tr.RemittanceInformation != e.RemittanceInformation ||
		tr.AccountServicerReference != e.AccountServicerReference {
		c.t.Errorf("%s: the transaction %+v does not repeat its entry", where, tr)
	}
}

// lines is a text's lines trimmed, without the empty ones, joined by a space.
func lines(s string) string {
	var kept []string
	for l := range strings.SplitSeq(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, " ")
}
