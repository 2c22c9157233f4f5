package http_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"linkfin"
	lfhttp "linkfin/http"
	"linkfin/services"
)

// TestLapsedHoldsOverHTTP: tier1 accepts F-1, and tier2 a pledge loan, and the bank
// disburses them only once holds_until has passed: 409 financing_lapsed (the ledger's
// 422 pending_transfer_expired before), and the financing stays accepted, the piece
// tier1's and the bank's wallet as it was; the scheduler lapses it as before, and the
// bank is answered the same.
func TestLapsedHoldsOverHTTP(t *testing.T) {
	p := newPlatform(t)
	var f linkfin.Financing
	wantJSON(t, p.as("tier1", "POST", "/v1/financings/F-1/accept", "", "Idempotency-Key", "accept-1"), http.StatusOK, &f)
	if f.HoldsUntil == nil {
		t.Fatalf("the accepted financing holds its limits until nothing: %+v", f)
	}
	// A pledge loan accepted at the same time: another product, the same holds.
	p.submit(t, &services.IssueWarehouseReceipt{Actor: "port", Receipt: linkfin.WarehouseReceipt{ID: "WR-L", LotID: "LOT-L", OwnerID: "tier2",
		Commodity: "copper", Quantity: 1, Unit: "t"}})
	p.submit(t, &services.RequestPledgeLoan{Actor: "tier2", ID: "WL-L", ReceiptID: "WR-L", ProgramID: "auto-scf", FunderID: "bank"})
	p.submit(t, &services.AcceptPledgeLoan{Actor: "tier2", ID: "WL-L", ReceiptID: "WR-L"})
	p.clock.Advance(f.HoldsUntil.Add(time.Second).Sub(p.clock.Now()))
	wallet := p.account(linkfin.WalletID("bank", "CNY"))
	wantProblem(t, p.as("bank", "POST", "/v1/financings/WL-L/disburse", "", "Idempotency-Key", "disburse-wl"),
		http.StatusConflict, linkfin.EFINANCINGLAPSED)
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

// TestReservedPendingOverHTTP: the operator's raw ledger requests neither post nor
// void a pending transfer of the platform's (a financing's holds, a conditional
// payment's lock), as they make none of its ids: 422 id_reserved, alone or in a
// batch, and nothing moves. Posted or voided behind the domain's back, the
// financing's disbursement and the payment's release met the ledger's
// pending_transfer_already_voided and _posted; refused, both go through.
func TestReservedPendingOverHTTP(t *testing.T) {
	p := newPlatform(t)
	var f linkfin.Financing
	wantJSON(t, p.as("tier1", "POST", "/v1/financings/F-1/accept", "", "Idempotency-Key", "accept-1"), http.StatusOK, &f)
	var cp linkfin.ConditionalPayment
	wantJSON(t, p.as("anchor", "GET", "/v1/conditional-payments/"+p.cp, ""), http.StatusOK, &cp)
	limit := p.account(services.LimitID("auto-scf", "bank"))
	anchor := p.account(linkfin.WalletID("anchor", "CNY"))
	for i, body := range []string{
		resolveJSON(900, int64(f.LedgerBase), 0, "void_pending"),
		resolveJSON(901, int64(f.LedgerBase)+1, 0, "post_pending"),
		resolveJSON(902, int64(cp.Lock), 0, "post_pending"),
		batch(resolveJSON(903, 25, 0, "void_pending"), resolveJSON(904, int64(cp.Lock), 0, "void_pending")),
	} {
		wantProblem(t, p.as("operator", "POST", "/v1/transfers", body, "Idempotency-Key", "raw-"+strconv.Itoa(i)),
			http.StatusUnprocessableEntity, lfhttp.EIDRESERVED)
	}
	if p.account(services.LimitID("auto-scf", "bank")) != limit || p.account(linkfin.WalletID("anchor", "CNY")) != anchor {
		t.Fatalf("after the refusals: the bank's limit %+v (was %+v), the anchor's wallet %+v (was %+v)",
			p.account(services.LimitID("auto-scf", "bank")), limit, p.account(linkfin.WalletID("anchor", "CNY")), anchor)
	}
	wantJSON(t, p.as("bank", "POST", "/v1/financings/F-1/disburse", "", "Idempotency-Key", "disburse-1"), http.StatusOK, &f)
	wantJSON(t, p.as("tier2", "POST", "/v1/conditional-payments/"+p.cp+"/confirm", "", "Idempotency-Key", "confirm-1"), http.StatusOK, &cp)
	if f.Status != linkfin.FinancingDisbursed || cp.Status != linkfin.ConditionalReleased {
		t.Fatalf("after the refusals: financing %s, conditional payment %s", f.Status, cp.Status)
	}
}
