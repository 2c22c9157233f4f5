package http_test

import (
	"bytes"
	"net/http"
	"reflect"
	"testing"

	"linkfin"
	"linkfin/engine"
	lfhttp "linkfin/http"
)

// TestDomainIdempotency: a financing accepted twice under one key is accepted once,
// and the retry answers the first answer with Idempotency-Hit; the same key with
// another request is refused with its own code; keys of different organizations never
// meet.
func TestDomainIdempotency(t *testing.T) {
	p := newPlatform(t)
	first := p.as("tier1", "POST", "/v1/financings/F-1/accept", "", "Idempotency-Key", "accept-1")
	var f linkfin.Financing
	wantJSON(t, first, http.StatusOK, &f)
	if f.Status != linkfin.FinancingAccepted || first.header.Get("Idempotency-Hit") != "" {
		t.Fatalf("first acceptance: %s, Idempotency-Hit %q", f.Status, first.header.Get("Idempotency-Hit"))
	}
	base := p.snapshot()
	retry := p.as("tier1", "POST", "/v1/financings/F-1/accept", "", "Idempotency-Key", "accept-1")
	if retry.status != first.status || retry.header.Get("Idempotency-Hit") != "true" || !bytes.Equal(retry.body, first.body) {
		t.Fatalf("retry: %d, Idempotency-Hit %q\n%s", retry.status, retry.header.Get("Idempotency-Hit"), retry.body)
	}
	// The same key on another request.
	wantProblem(t, p.as("tier1", "POST", "/v1/financings/F-1/cancel", "", "Idempotency-Key", "accept-1"), http.StatusConflict, engine.EIDEMPOTENCY)
	wantProblem(t, p.as("tier1", "POST", "/v1/financings/F-1/accept", "{}", "Idempotency-Key", "accept-1"), http.StatusConflict, engine.EIDEMPOTENCY)
	if after := p.snapshot(); !reflect.DeepEqual(after, base) {
		t.Fatal("a retry or a reused key changed the store")
	}
	// Another organization's same key is its own: the bank's request runs.
	r := p.as("bank", "POST", "/v1/financings/F-1/disburse", "", "Idempotency-Key", "accept-1")
	var d linkfin.Financing
	wantJSON(t, r, http.StatusOK, &d)
	if d.Status != linkfin.FinancingDisbursed || r.header.Get("Idempotency-Hit") != "" {
		t.Fatalf("the bank's key met tier1's: %s", r.body)
	}
	wantProblem(t, p.as("tier1", "POST", "/v1/financings/F-1/accept", "", "Idempotency-Key", ""), http.StatusBadRequest, lfhttp.EKEYREQUIRED)
}
