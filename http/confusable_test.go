package http_test

import (
	"net/http"
	"reflect"
	"testing"

	"linkfin"
)

// TestConfusableIDs: an organization whose id differs from another's in case alone,
// and a lot whose id differs from one the warehouse receipted in case alone, answer
// 409 id_taken and change nothing.
func TestConfusableIDs(t *testing.T) {
	p := newPlatform(t)
	base := p.snapshot()
	for _, r := range []reply{
		p.as("operator", "POST", "/v1/organizations", `{"id":"BANK","name":"Not the bank","capabilities":["fund"]}`),
		p.as("operator", "POST", "/v1/organizations", `{"id":"Anchor","name":"Not the anchor","capabilities":["trade"]}`),
		p.as("port", "POST", "/v1/warehouse-receipts", `{"lot_id":"lot-1","owner_id":"tier2","commodity":"copper","quantity":40,"unit":"t"}`),
		p.as("port", "POST", "/v1/warehouse-receipts", `{"lot_id":"Lot-A","owner_id":"tier2","commodity":"copper","quantity":40,"unit":"t"}`),
	} {
		wantProblem(t, r, http.StatusConflict, linkfin.EIDTAKEN)
	}
	if after := p.snapshot(); !reflect.DeepEqual(after, base) {
		t.Fatal("a refused create changed the store")
	}
	// A new id of its own is taken, and its case variants are refused after it.
	p.mustCreate("/v1/organizations", `{"id":"River-Bank","name":"River Bank Group","capabilities":["fund"]}`)
	wantProblem(t, p.as("operator", "POST", "/v1/organizations", `{"id":"river-bank","name":"River Bank Group","capabilities":["fund"]}`),
		http.StatusConflict, linkfin.EIDTAKEN)
}
