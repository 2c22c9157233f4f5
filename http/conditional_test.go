package http_test

import (
	"net/http"
	"reflect"
	"testing"

	"linkfin"
)

// TestDisbursementModes: a way of paying out is refused for a product that does not
// have it, before anything is quoted; the ones a product has are taken.
func TestDisbursementModes(t *testing.T) {
	p := newPlatform(t)
	base := p.snapshot()
	for _, body := range []string{
		`{"product":"certificate_discounting","program_id":"auto-scf","funder_id":"bank","asset_id":"C-1","disbursement":"on_receipt"}`,
		`{"product":"po_financing","program_id":"auto-scf","funder_id":"bank","asset_id":"PO-1","disbursement":"purpose_bound"}`,
		`{"product":"distributor_financing","program_id":"auto-scf","funder_id":"bank","asset_id":"PO-1","disbursement":"on_receipt"}`,
	} {
		pr := wantProblem(t, p.as("tier1", "POST", "/v1/financings", body), http.StatusBadRequest, linkfin.EINVALID)
		if pr.Detail != "disbursement is on_receipt for po_financing, purpose_bound for distributor_financing, or none" {
			t.Fatalf("%s: %q", body, pr.Detail)
		}
	}
	if !reflect.DeepEqual(p.snapshot(), base) {
		t.Fatal("a refused request changed the store")
	}
}

// TestConditionalDatesBounded: a conditional payment whose release date or expiry is
// past 2099-12-31 is refused, 400 invalid, and changes nothing.
func TestConditionalDatesBounded(t *testing.T) {
	p := newPlatform(t)
	base := p.snapshot()
	for _, body := range []string{
		`{"payee_id":"tier1","currency":"CNY","amount":100,"condition":{"type":"date","date":"9999-12-31"}}`,
		`{"payee_id":"tier1","currency":"CNY","amount":100,"expires_on":"2207-01-31",` +
			`"condition":{"type":"milestone","milestone":"tooling installed","confirmer_id":"tier2"}}`,
	} {
		wantProblem(t, p.as("anchor", "POST", "/v1/conditional-payments", body), http.StatusBadRequest, linkfin.EINVALID)
	}
	if !reflect.DeepEqual(p.snapshot(), base) {
		t.Fatal("a refused request changed the store")
	}
}
