package http_test

import (
	"net/http"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// TestLapsedHoldsOverHTTP: tier1 accepts F-1 and the bank disburses it only once
// holds_until has passed: 409 financing_lapsed (the ledger's 422
// pending_transfer_expired before), and the financing stays accepted, the piece
// tier1's and the bank's wallet as it was; the scheduler lapses it as before, and the
// bank is answered the same.
func TestLapsedHoldsOverHTTP(t *testing.T) {
	p := newPlatform(t)
	var f linkfin.Financing
	wantJSON(t, p.as("tier1", "POST", "/v1/financings/F-1/accept", "", "Idempotency-Key", "accept-1"), http.StatusOK, &f)
	if f.HoldsUntil == nil {
		t.Fatalf("the accepted financing holds its limits until nothing: %+v", f)
	}
	p.clock.Advance(f.HoldsUntil.Add(time.Second).Sub(p.clock.Now()))
	wallet := p.account(linkfin.WalletID("bank", "CNY"))
	pr := wantProblem(t, p.as("bank", "POST", "/v1/financings/F-1/disburse", "", "Idempotency-Key", "disburse-1"),
		http.StatusConflict, linkfin.EFINANCINGLAPSED)
	wantJSON(t, p.as("bank", "GET", "/v1/financings/F-1", ""), http.StatusOK, &f)
	var c linkfin.CertificateOut
	wantJSON(t, p.as("tier1", "GET", "/v1/certificates/C-1", ""), http.StatusOK, &c)
	if f.Status != linkfin.FinancingAccepted || f.DisbursedAt != nil || c.HolderID != "tier1" || p.account(linkfin.WalletID("bank", "CNY")) != wallet {
		t.Fatalf("after the refusal (%s): %s, the piece held by %s, the bank's wallet %+v (was %+v)", pr.Detail, f.Status, c.HolderID,
			p.account(linkfin.WalletID("bank", "CNY")), wallet)
	}
	p.submit(t, &services.LapseFinancing{ID: "F-1"}) // the scheduler
	wantProblem(t, p.as("bank", "POST", "/v1/financings/F-1/disburse", "", "Idempotency-Key", "disburse-2"),
		http.StatusConflict, linkfin.EFINANCINGLAPSED)
	wantJSON(t, p.as("bank", "GET", "/v1/financings/F-1", ""), http.StatusOK, &f)
	if f.Status != linkfin.FinancingLapsed || p.account(linkfin.WalletID("bank", "CNY")) != wallet {
		t.Fatalf("after the scheduler: %s, the bank's wallet %+v (was %+v)", f.Status, p.account(linkfin.WalletID("bank", "CNY")), wallet)
	}
}
