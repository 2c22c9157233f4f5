package http_test

import (
	"net/http"
	"testing"

	"linkfin"
	"linkfin/services"
)

// TestSubWalletLimits: a corporate wallet's sub-wallets do not multiply the limits its
// bank set. The operator opens tier1 a corporate wallet with a daily limit of
// 2,000.00; a sub-wallet with all its limits is opened, and a second one is refused
// with wallet_limits_exceeded (422), the parent carrying the sums it delegated and
// paying no more itself (wallet_daily_limit). A sub-wallet is funded from its parent:
// a top-up into it is refused (400 invalid).
func TestSubWalletLimits(t *testing.T) {
	p := newPlatform(t)
	limits := `"limits":{"balance":1000000,"payment":100000,"daily":200000,"yearly":1000000}`
	var parent linkfin.ECNYWallet
	wantJSON(t, p.as("operator", "POST", "/v1/ecny-wallets", `{"org_id":"tier1",`+limits+`}`, "Idempotency-Key", "w-0"),
		http.StatusCreated, &parent)
	p.submit(t, &services.RecordInboundPayment{Rail: "bank", InstructionID: "tier1-ecny", OrgID: "tier1", Currency: "CNY", Amount: 10_000_00})
	wantJSON(t, p.as("tier1", "POST", "/v1/ecny-wallets/"+parent.ID+"/top-up", `{"amount":1000000}`, "Idempotency-Key", "t-0"),
		http.StatusOK, nil)
	open := func(key string) reply {
		return p.as("tier1", "POST", "/v1/ecny-wallets", `{"parent_id":"`+parent.ID+`",`+limits+`}`, "Idempotency-Key", key)
	}
	var sub linkfin.ECNYWallet
	wantJSON(t, open("w-1"), http.StatusCreated, &sub)
	wantProblem(t, open("w-2"), http.StatusUnprocessableEntity, linkfin.EWALLETLIMITS)
	var read linkfin.ECNYWalletOut
	wantJSON(t, p.as("tier1", "GET", "/v1/ecny-wallets/"+parent.ID, ""), http.StatusOK, &read)
	if read.Delegated == nil || *read.Delegated != (linkfin.WalletLimits{Balance: 1_000_000, Daily: 200_000, Yearly: 1_000_000}) {
		t.Fatalf("the parent's delegated sums: %+v", read.Delegated)
	}
	wantProblem(t, p.as("tier1", "POST", "/v1/ecny-wallets/"+sub.ID+"/top-up", `{"amount":100}`, "Idempotency-Key", "t-1"),
		http.StatusBadRequest, linkfin.EINVALID)
	wantJSON(t, p.as("tier1", "POST", "/v1/ecny-wallets/"+sub.ID+"/fund", `{"amount":300000}`, "Idempotency-Key", "f-1"),
		http.StatusOK, nil)
	// The parent delegated all its daily limit: it pays nothing itself today.
	var payee linkfin.ECNYWallet
	wantJSON(t, p.as("tier2", "POST", "/v1/ecny-wallets", `{}`, "Idempotency-Key", "w-3"), http.StatusCreated, &payee)
	wantProblem(t, p.as("tier1", "POST", "/v1/ecny-payments", `{"from_wallet_id":"`+parent.ID+`","to_wallet_id":"`+payee.ID+`","amount":1}`,
		"Idempotency-Key", "p-1"), http.StatusUnprocessableEntity, linkfin.EWALLETDAILY)
	wantJSON(t, p.as("tier1", "POST", "/v1/ecny-payments", `{"from_wallet_id":"`+sub.ID+`","to_wallet_id":"`+payee.ID+`","amount":1}`,
		"Idempotency-Key", "p-2"), http.StatusCreated, nil)
}
