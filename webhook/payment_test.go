package webhook_test

import (
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"linkfin"
	"linkfin/iso20022"
	"linkfin/services"
	"linkfin/webhook"
)

// TestRejectedPaymentDelivered: a withdrawal's credit transfer, filed and then
// rejected by the bank, reaches the organization's webhooks with the bank's reason, as
// every event of its records does; another organization's get none of it.
func TestRejectedPaymentDelivered(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, time.Now)
	srv := httptest.NewServer(rc)
	defer srv.Close()
	rc.secrets["/acme"] = webhook.Secret(key, "acme-hooks")
	rc.secrets["/globex"] = webhook.Secret(key, "globex-hooks")
	e.endpoint("acme-hooks", "acme", srv.URL+"/acme", "credit_transfer.*")
	e.endpoint("globex-hooks", "globex", srv.URL+"/globex", "*")
	e.submit(&services.RecordInboundPayment{Rail: "bank", InstructionID: "in-1", OrgID: "acme", Currency: "CNY", Amount: 100_00})
	var paid map[string]any
	if err := e.engine.Run(t.Context(), &services.RecordOutboundPayment{Rail: "bank", InstructionID: "out-1", OrgID: "acme", Currency: "CNY", Amount: 40_00}, &paid); err != nil {
		t.Fatal(err)
	}
	ct, _ := paid["credit_transfer_id"].(string)
	var file linkfin.PaymentFile
	if err := e.engine.Run(t.Context(), &services.CreatePaymentFile{Rail: "bank", Date: linkfin.NewDate(2026, 11, 3)}, &file); err != nil {
		t.Fatal(err)
	}
	e.submit(&services.ApplyPaymentStatus{FileID: file.ID, Report: &iso20022.StatusReport{MessageID: "R1", OriginalMessageID: file.ID,
		Transactions: []iso20022.TransactionStatus{{EndToEndID: ct, Status: "RJCT", Reason: "AC04 account closed"}}}})
	e.poll(e.dispatcher())

	var types []string
	var rejected linkfin.CreditTransfer
	for _, r := range rc.requests("/acme") {
		types = append(types, r.typ)
		if r.typ == "credit_transfer.rejected" {
			json.Unmarshal(r.payload.Data, &rejected)
		}
	}
	if want := []string{"credit_transfer.created", "credit_transfer.filed", "credit_transfer.rejected"}; !slices.Equal(types, want) {
		t.Fatalf("acme's endpoint got %q, want %q", types, want)
	}
	if rejected.ID != ct || rejected.Reason != "AC04 account closed" || rejected.Status != linkfin.CreditTransferRejected {
		t.Errorf("the rejection delivered: %+v", rejected)
	}
	for _, r := range rc.requests("/globex") {
		if strings.HasPrefix(r.typ, "credit_transfer.") || strings.HasPrefix(r.typ, "payment_") {
			t.Errorf("globex got %s", r.typ)
		}
	}
}
