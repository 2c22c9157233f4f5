package webhook_test

import (
	"encoding/json"
	"slices"
	"testing"

	"linkfin"
	"linkfin/services"
)

// TestECNYPaymentDelivered: a payment between e-CNY wallets reaches the payer's and the
// payee's webhooks as ecny_payment.paid, with the payment as each sees it (the payee
// not the payer's wallet), as a bank-rail payment's instruction does; a refused payment announces nothing, and an organization party to
// neither side gets nothing of it.
func TestECNYPaymentDelivered(t *testing.T) {
	e := newEnv(t)
	rc := hooked(t, e, "ecny_payment.*")
	wallet := func(org string) *linkfin.ECNYWallet {
		var w linkfin.ECNYWallet
		if err := e.engine.Run(t.Context(), &services.OpenECNYWallet{Actor: org, OrgID: org}, &w); err != nil {
			t.Fatal(err)
		}
		return &w
	}
	from, to := wallet("acme"), wallet("globex")
	e.submit(&services.RecordInboundPayment{Rail: "bank", InstructionID: "in-1", OrgID: "acme", Currency: "CNY", Amount: 800_00})
	e.submit(&services.MoveECNY{Actor: "acme", ID: from.ID, Op: "top-up", Amount: 800_00})
	if err := e.engine.Run(t.Context(), &services.PayECNY{Actor: "acme", From: from.ID, To: to.ID, Amount: 500_01}, new(json.RawMessage)); linkfin.ErrorCode(err) != linkfin.EWALLETPAYMENT {
		t.Fatalf("a payment past the single-payment limit: %v", err)
	}
	var paid linkfin.ECNYPayment
	if err := e.engine.Run(t.Context(), &services.PayECNY{Actor: "acme", From: from.ID, To: to.ID, Amount: 300_00}, &paid); err != nil {
		t.Fatal(err)
	}
	e.poll(e.dispatcher())

	for _, org := range []string{"acme", "globex"} {
		var types []string
		var got linkfin.ECNYPayment
		for _, r := range rc.requests("/" + org) {
			types = append(types, r.typ)
			json.Unmarshal(r.payload.Data, &got)
		}
		if !slices.Equal(types, []string{"ecny_payment.paid"}) {
			t.Fatalf("%s's endpoint got %q", org, types)
		}
		// The payee sees its own wallet, not the payer's (services.Seen).
		wantFrom := from.ID
		if org == "globex" {
			wantFrom = ""
		}
		if got.ID != paid.ID || got.PayerID != "acme" || got.PayeeID != "globex" || got.Amount != 300_00 || got.For != linkfin.ECNYForPayment ||
			got.From != wantFrom || got.To != to.ID || got.TransferID == 0 {
			t.Errorf("%s: the payment delivered: %+v", org, got)
		}
	}
	if got := rc.requests("/initech"); len(got) != 0 {
		t.Errorf("initech got %d deliveries", len(got))
	}
}
