package storetest

import (
	"bytes"
	"context"
	"testing"

	"linkfin"
	"linkfin/iso20022"
	"linkfin/services"
)

// testBankAccounts: an organization's withdrawals over the bank rail are paid into the
// bank account it registered, which each instruction keeps as it was when made; one
// with no account is refused and nothing moves; only the organization (or the
// operator) registers its account, and only an account a pain.001 document can name;
// an account its admin registers is paid into only once the operator confirms it.
func testBankAccounts(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env) // "poor" has no bank account
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "dep-poor", OrgID: "poor", Currency: "CNY", Amount: 1_000_00})
	withdraw := func(ref string) (*map[string]any, error) {
		return run[map[string]any](t, env, &services.RecordOutboundPayment{Rail: "bank", InstructionID: ref, OrgID: "poor",
			Currency: "CNY", Amount: 100_00})
	}
	wallet := func() int64 {
		w := env.Account(linkfin.WalletID("poor", "CNY"))
		return w.CreditsPosted - w.DebitsPosted
	}
	if _, err := withdraw("out-0"); !refusal(err, linkfin.ENOBANKACCOUNT, "registered no bank account") {
		t.Fatalf("a withdrawal with no bank account: %v", err)
	}
	if wallet() != 1_000_00 {
		t.Fatalf("the refused withdrawal moved the wallet to %d", wallet())
	}
	if _, err := withdraw("out-e"); err == nil {
		t.Fatal("want the same refusal again")
	}
	if out, err := run[map[string]any](t, env, &services.RecordOutboundPayment{Rail: "ecny", InstructionID: "out-e", OrgID: "poor",
		Currency: "CNY", Amount: 1_00}); err != nil || (*out)["credit_transfer_id"] != nil {
		t.Fatalf("an e-CNY withdrawal needs no bank account: %v, %v", out, err)
	}

	iban := linkfin.BankAccount{IBAN: "DE89370400440532013000", BIC: "COBADEFFXXX"}
	for _, c := range []struct {
		cmd   *services.SetBankAccount
		code  string
		about string
	}{
		{&services.SetBankAccount{Actor: "tier1", OrgID: "poor", Account: iban}, linkfin.ENOTFOUND, "organization poor not found"},
		{&services.SetBankAccount{Actor: "poor", OrgID: "poor", Account: linkfin.BankAccount{IBAN: "DE00370400440532013000"}}, linkfin.EINVALID, "check digits"},
		{&services.SetBankAccount{Actor: "poor", OrgID: "poor", Account: linkfin.BankAccount{IBAN: iban.IBAN, Account: "6222"}}, linkfin.EINVALID, "one of the two"},
		{&services.SetBankAccount{Actor: "poor", OrgID: "poor", Account: linkfin.BankAccount{}}, linkfin.EINVALID, "one of the two"},
		{&services.SetBankAccount{Actor: "poor", OrgID: "poor", Account: linkfin.BankAccount{Account: "6222", BIC: "nope"}}, linkfin.EINVALID, "not a BIC"},
		{&services.SetBankAccount{Actor: "poor", OrgID: "poor", Account: linkfin.BankAccount{Account: "6222", BankCode: "1021"}}, linkfin.EINVALID, "not a CNAPS code"},
		{&services.SetBankAccount{Actor: "poor", OrgID: "poor", Account: linkfin.BankAccount{Account: "6222\x00"}}, linkfin.EINVALID, "control characters"},
		{&services.SetBankAccount{OrgID: "nobody", Account: iban}, linkfin.ENOTFOUND, "organization nobody not found"},
	} {
		if _, err := run[linkfin.Organization](t, env, c.cmd); !refusal(err, c.code, c.about) {
			t.Fatalf("%+v: %v", c.cmd, err)
		}
	}
	// The admin's account waits for the operator: until it is confirmed, withdrawals
	// over the bank rail are refused as before, and the same account again, or a
	// decision on another account or on none, changes nothing.
	o, err := run[linkfin.Organization](t, env, &services.SetBankAccount{Actor: "poor", OrgID: "poor", Account: iban})
	if err != nil || o.BankAccount != nil || o.PendingBankAccount == nil || o.PendingBankAccount.Account != iban || o.PendingBankAccount.RequestedAt.IsZero() {
		t.Fatalf("registering the account: %+v, %v", o, err)
	}
	if _, err := withdraw("out-p"); !refusal(err, linkfin.ENOBANKACCOUNT, "waits for the operator's confirmation") {
		t.Fatalf("a withdrawal while the account waits: %v", err)
	}
	version := func() int64 {
		t.Helper()
		o, err := env.object(linkfin.KindOrganization, "poor")
		if err != nil {
			t.Fatal(err)
		}
		return o.Version
	}
	before := version()
	mustRun(t, env, &services.SetBankAccount{Actor: "poor", OrgID: "poor", Account: iban})
	if v := version(); v != before {
		t.Fatalf("the same account again wrote version %d", v)
	}
	swapped := linkfin.BankAccount{IBAN: "GB82WEST12345698765432"}
	for _, c := range []struct {
		cmd   *services.DecideBankAccount
		code  string
		about string
	}{
		{&services.DecideBankAccount{OrgID: "poor", Account: swapped, Confirm: true}, linkfin.ECONFLICT, "is another one (DE89370400440532013000, registered 20"},
		{&services.DecideBankAccount{OrgID: "poor", Account: swapped}, linkfin.ECONFLICT, "is another one"},
		{&services.DecideBankAccount{OrgID: "tier1", Account: iban, Confirm: true}, linkfin.ECONFLICT, "organization tier1 has no bank account waiting"},
		{&services.DecideBankAccount{OrgID: "nobody", Account: iban, Confirm: true}, linkfin.ENOTFOUND, "organization nobody not found"},
		{&services.DecideBankAccount{OrgID: "poor", Account: linkfin.BankAccount{Account: "6222", BIC: "nope"}, Confirm: true}, linkfin.EINVALID, "not a BIC"},
	} {
		if _, err := run[linkfin.Organization](t, env, c.cmd); !refusal(err, c.code, c.about) {
			t.Fatalf("%+v: %v", c.cmd, err)
		}
	}
	if v := version(); v != before {
		t.Fatalf("a refused decision wrote version %d", v)
	}
	// A store lists what waits for the operator in its ordered index (the in-memory
	// transaction has none).
	waiting := func() []string {
		t.Helper()
		if env.Store == nil {
			return nil
		}
		objs, err := env.Store.ListIndexed(context.Background(), linkfin.KindOrganization, linkfin.IndexBankChange, "", "", "", 10)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, o := range objs {
			ids = append(ids, o.ID)
		}
		return ids
	}
	if w := waiting(); env.Store != nil && (len(w) != 1 || w[0] != "poor") {
		t.Fatalf("the organizations whose bank account waits: %v", w)
	}
	if o, err = run[linkfin.Organization](t, env, &services.DecideBankAccount{OrgID: "poor", Account: iban, Confirm: true}); err != nil ||
		o.BankAccount == nil || *o.BankAccount != iban || o.PendingBankAccount != nil {
		t.Fatalf("confirming the account: %+v, %v", o, err)
	}
	// A later change by the admin waits too, and the account in effect stays: registered
	// again, it withdraws the change; the operator rejects another.
	for _, step := range []struct {
		cmd     linkfin.Command
		pending *linkfin.BankAccount
	}{
		{&services.SetBankAccount{Actor: "poor", OrgID: "poor", Account: swapped}, &swapped},
		{&services.SetBankAccount{Actor: "poor", OrgID: "poor", Account: iban}, nil},
		{&services.SetBankAccount{Actor: "poor", OrgID: "poor", Account: swapped}, &swapped},
		{&services.DecideBankAccount{OrgID: "poor", Account: swapped}, nil},
	} {
		o, err := run[linkfin.Organization](t, env, step.cmd)
		if err != nil || o.BankAccount == nil || *o.BankAccount != iban || (o.PendingBankAccount == nil) != (step.pending == nil) ||
			step.pending != nil && o.PendingBankAccount.Account != *step.pending {
			t.Fatalf("%T %+v: %+v, %v", step.cmd, step.cmd, o, err)
		}
	}
	if w := waiting(); len(w) != 0 {
		t.Fatalf("after the decisions, waiting: %v", w)
	}
	if _, err := run[linkfin.Organization](t, env, &services.DecideBankAccount{OrgID: "poor", Account: swapped, Confirm: true}); !refusal(err, linkfin.ECONFLICT, "no bank account waiting") {
		t.Fatalf("confirming a rejected account: %v", err)
	}
	mustRun(t, env, &services.SetBankAccount{Actor: "poor", OrgID: "poor", Account: swapped})
	if _, err := run[linkfin.Organization](t, env, &services.SetAddress{Actor: "poor", OrgID: "poor",
		Address: linkfin.PostalAddress{Town: "Shanghai", Country: "China"}}); !refusal(err, linkfin.EINVALID, "ISO 3166-1") {
		t.Fatalf("an address in a country by name: %v", err)
	}
	if _, err := run[linkfin.Organization](t, env, &services.SetAddress{Actor: "tier1", OrgID: "poor",
		Address: linkfin.PostalAddress{Town: "Shanghai", Country: "CN"}}); !refusal(err, linkfin.ENOTFOUND, "organization poor not found") {
		t.Fatalf("another organization's address: %v", err)
	}
	home := linkfin.PostalAddress{Street: "Century Avenue", BuildingNumber: "100", PostCode: "200120", Town: "Shanghai", Country: "CN"}
	if o, err := run[linkfin.Organization](t, env, &services.SetAddress{Actor: "poor", OrgID: "poor", Address: home}); err != nil ||
		o.Address == nil || *o.Address != home {
		t.Fatalf("registering the address: %+v, %v", o, err)
	}
	first, err := withdraw("out-1")
	if err != nil {
		t.Fatal(err)
	}
	// The operator changes it, at once, and the change the admin asked for is dropped:
	// the instruction made before keeps the account it was made with.
	other := linkfin.BankAccount{Account: "6222020200100000099", BankCode: "102100000030"}
	if o, err := run[linkfin.Organization](t, env, &services.SetBankAccount{OrgID: "poor", Account: other}); err != nil ||
		o.BankAccount == nil || *o.BankAccount != other || o.PendingBankAccount != nil {
		t.Fatalf("the operator's account: %+v, %v", o, err)
	}
	moved := linkfin.PostalAddress{Town: "Suzhou", Subdivision: "Jiangsu", Country: "CN"}
	mustRun(t, env, &services.SetAddress{OrgID: "poor", Address: moved})
	second, err := withdraw("out-2")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct {
		out     *map[string]any
		want    linkfin.BankAccount
		address linkfin.PostalAddress
	}{{first, iban, home}, {second, other, moved}} {
		id, _ := (*w.out)["credit_transfer_id"].(string)
		ct := record[linkfin.CreditTransfer](t, env, linkfin.KindCreditTransfer, id)
		if ct.CreditorAccount == nil || *ct.CreditorAccount != w.want || ct.CreditorAddress == nil || *ct.CreditorAddress != w.address {
			t.Fatalf("instruction %s pays %+v at %+v, want %+v at %+v", id, ct.CreditorAccount, ct.CreditorAddress, w.want, w.address)
		}
	}
	env.Restart()
	f, err := run[linkfin.PaymentFile](t, env, &services.CreatePaymentFile{Rail: "bank", Date: date(t, "2026-11-03")})
	if err != nil || len(f.Transfers) != 2 || f.Transfers[0].CreditorAccount == nil || *f.Transfers[0].CreditorAccount != iban ||
		f.Transfers[1].CreditorAccount == nil || *f.Transfers[1].CreditorAccount != other {
		t.Fatalf("the file: %+v, %v", f, err)
	}
	var doc bytes.Buffer
	if err := iso20022.WritePain001(&doc, services.Pain001(f)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<IBAN>DE89370400440532013000</IBAN>", "<BICFI>COBADEFFXXX</BICFI>", "<Id>6222020200100000099</Id>",
		"<Cd>CNAPS</Cd>", "<MmbId>102100000030</MmbId>",
		"<StrtNm>Century Avenue</StrtNm>", "<TwnNm>Shanghai</TwnNm>", "<TwnNm>Suzhou</TwnNm>", "<CtrySubDvsn>Jiangsu</CtrySubDvsn>"} {
		if !bytes.Contains(doc.Bytes(), []byte(want)) {
			t.Fatalf("the document lacks %s:\n%s", want, doc.Bytes())
		}
	}
	env.MustVerify()
}
