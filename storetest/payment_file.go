package storetest

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"linkfin"
	"linkfin/iso20022"
	"linkfin/ledger"
	"linkfin/services"
)

// testPaymentFiles: a withdrawal over the bank rail makes a credit transfer
// instruction, money and instruction in one command; a payment file gathers the
// instructions not yet filed, found in the store after a restart, each filed once; a
// file with none left is refused and changes nothing. Everything verifies.
func testPaymentFiles(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env)
	withdraw := func(org, rail, ref string, amount int64) map[string]any {
		t.Helper()
		out, err := run[map[string]any](t, env, &services.RecordOutboundPayment{Rail: rail, InstructionID: ref, OrgID: org,
			Currency: "CNY", Amount: amount})
		if err != nil {
			t.Fatal(err)
		}
		return *out
	}
	transfer := func(id string) linkfin.CreditTransfer {
		t.Helper()
		o, err := env.object(linkfin.KindCreditTransfer, id)
		if err != nil {
			t.Fatal(err)
		}
		var ct linkfin.CreditTransfer
		if err := json.Unmarshal(o.Data, &ct); err != nil {
			t.Fatal(err)
		}
		return ct
	}
	a := withdraw("bank", "bank", "out-1", 1_000_00)
	b := withdraw("factor", "bank", "out-1", 2_500_00) // another organization's same reference
	if e := withdraw("factor", "ecny", "out-2", 1_00); e["credit_transfer_id"] != nil {
		t.Fatalf("an e-CNY withdrawal made a credit transfer: %v", e)
	}
	// The e-CNY rail is the yuan's: money in or out on it in another currency is
	// refused, and moves nothing.
	usd := func() int64 {
		w := env.Account(linkfin.WalletID("factor", "USD"))
		return w.CreditsPosted - w.DebitsPosted
	}
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "usd-1", OrgID: "factor", Currency: "USD", Amount: 5_00})
	for _, c := range []linkfin.Command{
		&services.RecordInboundPayment{Rail: "ecny", InstructionID: "usd-2", OrgID: "factor", Currency: "USD", Amount: 1_00},
		&services.RecordOutboundPayment{Rail: "ecny", InstructionID: "usd-3", OrgID: "factor", Currency: "USD", Amount: 1_00},
	} {
		if _, err := run[map[string]any](t, env, c); !refusal(err, linkfin.EINVALID, "pays yuan") {
			t.Fatalf("a payment in dollars on the e-CNY rail: %T %v", c, err)
		}
	}
	if got := usd(); got != 5_00 {
		t.Fatalf("the factor's dollar wallet after the refusals: %d", got)
	}
	idA, _ := a["credit_transfer_id"].(string)
	idB, _ := b["credit_transfer_id"].(string)
	// A withdrawal retried (under another idempotency key, or none) names the
	// instruction the first made, and makes none; each organization's its own.
	env.Restart() // read from the store
	for _, w := range []struct {
		org string
		id  string
	}{{"bank", idA}, {"factor", idB}} {
		amount := map[string]int64{"bank": 1_000_00, "factor": 2_500_00}[w.org]
		if again := withdraw(w.org, "bank", "out-1", amount); again["replayed"] != true || again["credit_transfer_id"] != w.id || w.id == "" {
			t.Fatalf("%s's replayed withdrawal: %v, want credit transfer %s", w.org, again, w.id)
		}
	}
	if ct := transfer(idA); ct.Status != linkfin.CreditTransferPending || ct.OrgID != "bank" || ct.Amount != 1_000_00 || ct.Creditor != "Funder bank" {
		t.Fatalf("the instruction: %+v", ct)
	}
	if w := env.Account(linkfin.WalletID("bank", "CNY")); w.CreditsPosted-w.DebitsPosted != 2_000_000_00-1_000_00 {
		t.Fatalf("the bank's wallet after the withdrawal: %+v", w)
	}
	// The queue and the instructions come from the store, not the engine's memory.
	env.Restart()
	day := date(t, "2026-11-03")
	f, err := run[linkfin.PaymentFile](t, env, &services.CreatePaymentFile{Rail: "bank", Date: day})
	if err != nil {
		t.Fatal(err)
	}
	if f.Count != 2 || len(f.Transfers) != 2 || f.Transfers[0].ID != idA || f.Transfers[1].ID != idB || f.Date != day ||
		f.Debtor.Name != services.DefaultDebtor.Name || f.Debtor.Account != services.DefaultDebtor.Account {
		t.Fatalf("the file: %+v", f)
	}
	for _, id := range []string{idA, idB} {
		if ct := transfer(id); ct.Status != linkfin.CreditTransferFiled || ct.FileID != f.ID {
			t.Fatalf("instruction %s after filing: %+v", id, ct)
		}
	}
	var doc bytes.Buffer
	if err := iso20022.WritePain001(&doc, services.Pain001(f)); err != nil || !bytes.Contains(doc.Bytes(), []byte("<CtrlSum>3500.00</CtrlSum>")) {
		t.Fatalf("the document: %v\n%s", err, doc.Bytes())
	}
	if _, err := run[linkfin.PaymentFile](t, env, &services.CreatePaymentFile{Rail: "bank", Date: day}); !refusal(err, linkfin.ENOTHINGTOFILE, "waits to be filed") {
		t.Fatalf("a second file: %v", err)
	}
	// The operator registers the platform's own account: the files after it pay from
	// it when the request names none; the same again writes nothing; an account a
	// document could not name is refused.
	platform := linkfin.PaymentParty{Name: "Auto SCF Platform", BankAccount: linkfin.BankAccount{IBAN: "DE89370400440532013000", BIC: "COBADEFFXXX"},
		Address: &linkfin.PostalAddress{Town: "Frankfurt", Country: "DE"}}
	for _, bad := range []linkfin.PaymentParty{
		{Name: "Auto SCF Platform"},
		{Name: "Auto SCF Platform", BankAccount: linkfin.BankAccount{IBAN: "DE00370400440532013000"}},
		{Name: "", BankAccount: linkfin.BankAccount{Account: "6222"}},
	} {
		if _, err := run[linkfin.PaymentDebtor](t, env, &services.SetPaymentDebtor{Debtor: bad}); !refusal(err, linkfin.EINVALID, "") {
			t.Fatalf("debtor %+v: %v", bad, err)
		}
	}
	if d, err := run[linkfin.PaymentDebtor](t, env, &services.SetPaymentDebtor{Debtor: platform}); err != nil || d.ID != "bank" || !reflect.DeepEqual(d.Debtor, platform) {
		t.Fatalf("registering the platform's account: %+v, %v", d, err)
	}
	registered, err := env.object(linkfin.KindPaymentDebtor, "bank")
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, env, &services.SetPaymentDebtor{Debtor: platform})
	if again, _ := env.object(linkfin.KindPaymentDebtor, "bank"); again.Version != registered.Version {
		t.Fatalf("the same account again wrote version %d", again.Version)
	}
	c := withdraw("bank", "bank", "out-3", 7)
	g, err := run[linkfin.PaymentFile](t, env, &services.CreatePaymentFile{Rail: "bank", Date: day})
	if err != nil || g.Count != 1 || g.Transfers[0].ID != c["credit_transfer_id"] || !reflect.DeepEqual(g.Debtor, platform) {
		t.Fatalf("the next file: %+v, %v", g, err)
	}
	withdraw("bank", "bank", "out-4", 9)
	named := linkfin.PaymentParty{Name: "Other Platform Account", BankAccount: linkfin.BankAccount{Account: "6222"}}
	if h, err := run[linkfin.PaymentFile](t, env, &services.CreatePaymentFile{Rail: "bank", Date: day, Debtor: &named}); err != nil || !reflect.DeepEqual(h.Debtor, named) {
		t.Fatalf("a file naming its debtor: %+v, %v", h, err)
	}
	// The bank rejects one instruction and accepts the other; the rejected money goes
	// back to its wallet, after a restart too; the same report twice changes nothing.
	factor := func() int64 {
		w := env.Account(linkfin.WalletID("factor", "CNY"))
		return w.CreditsPosted - w.DebitsPosted
	}
	before := factor()
	rep := &iso20022.StatusReport{MessageID: "R1", OriginalMessageID: f.ID, Transactions: []iso20022.TransactionStatus{
		{EndToEndID: idA, Status: "ACSC"}, {EndToEndID: idB, Status: "RJCT", Reason: "AC04 account closed"}}}
	env.Restart()
	answered, err := run[linkfin.PaymentFile](t, env, &services.ApplyPaymentStatus{FileID: f.ID, Report: rep})
	if err != nil {
		t.Fatal(err)
	}
	if answered.Status != linkfin.PaymentFileReported || answered.Transfers[0].Status != linkfin.CreditTransferAccepted ||
		answered.Transfers[1].Status != linkfin.CreditTransferRejected || factor() != before+2_500_00 {
		t.Fatalf("after the report: %+v, the factor's wallet moved by %d", answered, factor()-before)
	}
	if ct := transfer(idB); ct.Status != linkfin.CreditTransferRejected || ct.Reason != "AC04 account closed" {
		t.Fatalf("the rejected instruction: %+v", ct)
	}
	o, _ := env.object(linkfin.KindPaymentFile, f.ID)
	if _, err := run[linkfin.PaymentFile](t, env, &services.ApplyPaymentStatus{FileID: f.ID, Report: rep}); err != nil {
		t.Fatal(err)
	}
	if again, _ := env.object(linkfin.KindPaymentFile, f.ID); again.Version != o.Version || factor() != before+2_500_00 {
		t.Fatalf("the report twice changed something: version %d then %d, wallet moved by %d", o.Version, again.Version, factor()-before)
	}
	// A report that accepts and rejects one instruction, or whose group status accepts
	// what a transaction's rejects, is refused as a whole: it changes nothing.
	idC := g.Transfers[0].ID
	gBefore, err := env.object(linkfin.KindPaymentFile, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	bankWallet := func() int64 {
		w := env.Account(linkfin.WalletID("bank", "CNY"))
		return w.CreditsPosted - w.DebitsPosted
	}
	wallet := bankWallet()
	for _, r := range []*iso20022.StatusReport{
		{MessageID: "R3", OriginalMessageID: g.ID, Transactions: []iso20022.TransactionStatus{
			{EndToEndID: idC, Status: "ACCP"}, {EndToEndID: idC, Status: "RJCT", Reason: "AC04"}}},
		{MessageID: "R4", OriginalMessageID: g.ID, GroupStatus: "ACCP", Transactions: []iso20022.TransactionStatus{
			{EndToEndID: idC, Status: "RJCT", Reason: "AC04"}}},
		{MessageID: "R5", OriginalMessageID: g.ID, GroupStatus: "RJCT", Transactions: []iso20022.TransactionStatus{
			{EndToEndID: idC, Status: "ACSC"}}},
	} {
		if _, err := run[linkfin.PaymentFile](t, env, &services.ApplyPaymentStatus{FileID: g.ID, Report: r}); !refusal(err, iso20022.ECONTRADICTORY, "contradicts itself") {
			t.Fatalf("report %s, which contradicts itself: %v", r.MessageID, err)
		}
	}
	after, err := env.object(linkfin.KindPaymentFile, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ct := transfer(idC); ct.Status != linkfin.CreditTransferFiled || after.Version != gBefore.Version || bankWallet() != wallet {
		t.Fatalf("a report that contradicts itself changed something: the instruction %s, the file version %d then %d, the wallet by %d",
			ct.Status, gBefore.Version, after.Version, bankWallet()-wallet)
	}
	other := &iso20022.StatusReport{MessageID: "R2", OriginalMessageID: g.ID, Transactions: []iso20022.TransactionStatus{{EndToEndID: idA, Status: "RJCT"}}}
	if _, err := run[linkfin.PaymentFile](t, env, &services.ApplyPaymentStatus{FileID: g.ID, Report: other}); !refusal(err, linkfin.EINVALID, "does not have") {
		t.Fatalf("a report naming another file's transaction: %v", err)
	}
	// A withdrawal made before linkfin registered instruction ids has no record naming
	// its credit transfer: a retry of it still answers replayed, and moves nothing.
	mustRun(t, env, &oldWithdrawal{Org: "bank", Instruction: "old-1", Amount: 1_00})
	wallet = bankWallet()
	if again := withdraw("bank", "bank", "old-1", 1_00); again["replayed"] != true || again["credit_transfer_id"] != nil || bankWallet() != wallet {
		t.Fatalf("a retry of a withdrawal made before instruction ids were registered: %v, the wallet moved by %d", again, bankWallet()-wallet)
	}
	env.MustVerify()
}

// oldWithdrawal pays money out of an organization's wallet over the bank rail as a
// withdrawal did before linkfin registered its instruction id: the ledger transfer
// alone, under the id the instruction gives it.
type oldWithdrawal struct {
	Org, Instruction string
	Amount           int64
}

func (c *oldWithdrawal) Keys() []linkfin.ObjectKey { return nil }

func (c *oldWithdrawal) LedgerKeys(linkfin.Records) (accounts, transfers []int64) {
	return []int64{linkfin.WalletID(c.Org, "CNY"), linkfin.LedgerID("rail/bank/CNY")}, []int64{c.transferID()}
}

func (c *oldWithdrawal) transferID() int64 {
	return linkfin.LedgerID("outbound/bank/" + c.Org + "/" + c.Instruction)
}

func (c *oldWithdrawal) Apply(tx linkfin.Tx) (any, error) {
	return nil, tx.Transfer(ledger.Transfer{ID: c.transferID(), DebitAccountID: linkfin.WalletID(c.Org, "CNY"),
		CreditAccountID: linkfin.LedgerID("rail/bank/CNY"), Amount: c.Amount, Ledger: 156, Currency: "CNY", Code: 2})
}
