package client_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"linkfin"
	"linkfin/client"
	lfhttp "linkfin/http"
)

// TestCoversMoneyRoutes: every route of e-CNY wallets and payments, the designated
// wallet, conditional payments, purpose-bound wallets and bank money (statements,
// entries, expected payments, credit transfers, payment files) has a method of the
// client, which sends the request the route takes. Records' histories (…/events) are
// read through Do, as for every other kind.
func TestCoversMoneyRoutes(t *testing.T) {
	defer stop(t)
	srv := newServer(t, openSQLite)
	prefixes := []string{"/v1/ecny-wallets", "/v1/ecny-payments", "/v1/organizations/{id}/ecny-wallet", "/v1/conditional-payments",
		"/v1/purpose-bound-wallets", "/v1/bank-statements", "/v1/bank-entries", "/v1/expected-payments", "/v1/credit-transfers", "/v1/payment-files"}
	mux := http.NewServeMux()
	hit := map[string]bool{}
	var want []string
	for _, r := range lfhttp.NewServer(srv.engine, srv.store, nil).Routes() {
		path := r.Path()
		money := false
		for _, p := range prefixes {
			money = money || strings.HasPrefix(path, p)
		}
		if !money || strings.HasSuffix(path, "/events") {
			continue
		}
		want = append(want, r.Pattern)
		mux.HandleFunc(r.Pattern, func(w http.ResponseWriter, req *http.Request) {
			hit[r.Pattern] = true
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"id":"x","data":[]}`)
		})
	}
	if len(want) < 30 {
		t.Fatalf("only %d routes of money: %v", len(want), want)
	}
	ts := httptest.NewServer(mux)
	defer ts.Close()
	c := client.New(ts.URL, "lfk_k_secret")
	ctx := context.Background()
	xml := []byte("<Document/>")
	must(c.OpenECNYWallet(ctx, client.ECNYWalletIn{}))
	must(c.GetECNYWallet(ctx, "w"))
	must(c.ListECNYWallets(ctx, nil))
	must(c.RecordECNYEvidence(ctx, "w", client.ECNYEvidenceIn{Kind: linkfin.EvidenceIdentity, Reference: "r"}))
	must(c.RaiseECNYClass(ctx, "w", 3))
	must(c.TopUpECNY(ctx, "w", 1))
	must(c.RedeemECNY(ctx, "w", 1))
	must(c.FundECNYSubWallet(ctx, "w", 1))
	must(c.PayECNY(ctx, client.ECNYPaymentIn{FromWalletID: "a", ToWalletID: "b", Amount: 1}))
	must(c.GetECNYPayment(ctx, "p"))
	must(c.ListECNYPayments(ctx, nil))
	must(c.DesignateECNYWallet(ctx, "org", "w"))
	must(c.CreateConditionalPayment(ctx, client.ConditionalPaymentIn{}))
	must(c.GetConditionalPayment(ctx, "cp"))
	must(c.ListConditionalPayments(ctx, nil))
	must(c.ConfirmMilestone(ctx, "cp"))
	must(c.CancelConditionalPayment(ctx, "cp"))
	must(c.OpenBoundWallet(ctx, client.BoundWalletIn{}))
	must(c.GetBoundWallet(ctx, "bw"))
	must(c.ListBoundWallets(ctx, nil))
	must(c.FundBoundWallet(ctx, "bw", 1))
	must(c.PayFromBoundWallet(ctx, "bw", client.BoundPaymentIn{PayeeID: "anchor", Amount: 1}))
	must(c.ImportBankStatement(ctx, xml))
	must(c.GetBankStatement(ctx, "st"))
	must(c.ListBankStatements(ctx, nil))
	must(c.ListStatementEntries(ctx, "st", nil))
	must(c.GetBankEntry(ctx, "be"))
	must(c.ListBankEntries(ctx, &client.ListOptions{Status: "unmatched"}))
	must(c.AssignBankEntry(ctx, "be", client.BankEntryAssignIn{Kind: linkfin.AssignOrganization, ID: "tier1"}))
	must(c.ExpectPayment(ctx, client.ExpectedPaymentIn{}))
	must(c.GetExpectedPayment(ctx, "ep"))
	must(c.CancelExpectedPayment(ctx, "ep"))
	must(c.ListExpectedPayments(ctx, nil))
	must(c.GetCreditTransfer(ctx, "ct"))
	must(c.ListCreditTransfers(ctx, nil))
	must(c.CreatePaymentFile(ctx, client.PaymentFileIn{Rail: "bank"}))
	must(c.SetPaymentDebtor(ctx, linkfin.PaymentParty{Name: "Auto SCF Platform"}))
	must(c.PaymentDebtor(ctx))
	must(c.GetPaymentFile(ctx, "pf"))
	must(c.PaymentFileDocument(ctx, "pf"))
	must(c.PaymentFileDocumentAs(ctx, "pf", "pain.001.001.03"))
	must(c.ListPaymentFiles(ctx, nil))
	must(c.ApplyPaymentStatus(ctx, "pf", xml))
	for _, p := range want {
		if !hit[p] {
			t.Errorf("the client has no method for %s", p)
		}
	}
}
