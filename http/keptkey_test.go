package http_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"linkfin"
	"linkfin/engine"
)

// TestValuesRefusedBeforeExecution: a value that is wrong whatever the records hold
// (a role that is no role, a wallet paying itself, a shipment status that is none, a
// certificate of no payables, …) is refused by the command's Validate, before the
// request runs, on every route that takes one: nothing is kept under its
// Idempotency-Key, so the corrected request, sent under the same key, runs. Each of
// these was refused as its command ran, and kept: the corrected request was answered
// 409 idempotency_key_reused.
func TestValuesRefusedBeforeExecution(t *testing.T) {
	p := newPlatform(t)
	var wallets linkfin.List[linkfin.ECNYWallet]
	wantJSON(t, p.as("tier1", "GET", "/v1/ecny-wallets", ""), http.StatusOK, &wallets)
	if len(wallets.Data) != 1 {
		t.Fatalf("tier1's wallets: %+v", wallets)
	}
	tier1Wallet := wallets.Data[0].ID
	for i, tc := range []struct {
		who, path, bad, good string
		status               int // the corrected request's
	}{
		{"operator", "/v1/organizations", `{"id":"neworg","name":"New Org","capabilities":[]}`,
			`{"id":"neworg","name":"New Org","capabilities":["trade"]}`, http.StatusCreated},
		{"operator", "/v1/organizations", `{"id":"neworg2","name":"","capabilities":["trade"]}`,
			`{"id":"neworg2","name":"Newer Org","capabilities":["trade"]}`, http.StatusCreated},
		{"operator", "/v1/organizations/outsider/capabilities", `{"capabilities":["trade","trade"]}`,
			`{"capabilities":["trade","fund"]}`, http.StatusOK},
		{"anchor", "/v1/organizations/anchor/api-keys", `{"role":"owner"}`, `{"role":"viewer"}`, http.StatusCreated},
		{"bank", "/v1/programs/auto-scf/funders/bank/grade-floor", `{"grade_floor":"Z9"}`, `{"grade_floor":""}`, http.StatusOK},
		{"operator", "/v1/ecny-wallets/" + p.ecny + "/evidence", `{"kind":"passport","reference":"P-1"}`,
			`{"kind":"identity_document","reference":"P-1"}`, http.StatusOK},
		{"anchor", "/v1/ecny-wallets/" + p.ecny + "/top-up", `{"amount":0}`, `{"amount":1}`, http.StatusOK},
		{"anchor", "/v1/ecny-wallets/" + p.ecny + "/class", `{"class":4}`, `{"class":3}`, http.StatusOK},
		{"anchor", "/v1/ecny-payments", `{"from_wallet_id":"` + p.ecny + `","to_wallet_id":"` + p.ecny + `","amount":1}`,
			`{"from_wallet_id":"` + p.ecny + `","to_wallet_id":"` + tier1Wallet + `","amount":1}`, http.StatusCreated},
		{"port", "/v1/shipments/SH-1/events", `{"status":"lost"}`, `{"status":"picked_up"}`, http.StatusOK},
		{"anchor", "/v1/invoices/inv-1/clear-hold", `{"reason":""}`, `{"reason":"not a duplicate"}`, http.StatusConflict},
		{"anchor", "/v1/certificates", `{"program_id":"auto-scf","payable_ids":["pay-inv-1","pay-inv-1"]}`,
			`{"program_id":"auto-scf","payable_ids":["pay-inv-1"]}`, http.StatusUnprocessableEntity},
		{"tier1", "/v1/credit-notes", `{"invoice_number":"","number":"CN-8","amount":100,"reason":"scratch"}`,
			`{"invoice_number":"INV-1","number":"CN-8","amount":100,"reason":"scratch"}`, http.StatusConflict},
		{"tier1", "/v1/invoices/inv-1/credit-notes", `{"number":"CN-9","amount":100,"reason":"scratch","issue_date":"1999-12-31"}`,
			`{"number":"CN-9","amount":100,"reason":"scratch"}`, http.StatusConflict},
	} {
		t.Run(fmt.Sprintf("%d %s", i, tc.path), func(t *testing.T) {
			key := fmt.Sprintf("value-%d", i)
			wantProblem(t, p.as(tc.who, "POST", tc.path, tc.bad, "Idempotency-Key", key), http.StatusBadRequest, linkfin.EINVALID)
			r := p.as(tc.who, "POST", tc.path, tc.good, "Idempotency-Key", key)
			var problem linkfin.Problem
			_ = json.Unmarshal(r.body, &problem)
			if r.status != tc.status || problem.Code == engine.EIDEMPOTENCY || r.header.Get("Idempotency-Hit") != "" {
				t.Fatalf("the corrected request: %d (want %d), Idempotency-Hit %q\n%s", r.status, tc.status, r.header.Get("Idempotency-Hit"), r.body)
			}
		})
	}
}
