package http_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
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

// TestSameKeyAtOnce: requests under one Idempotency-Key sent at once, before any has
// been answered, are applied once. The same request from sixteen clients creates one
// order, and every client is answered with it; sixteen different requests under one
// key create one order, and every other is refused as the key's reuse.
func TestSameKeyAtOnce(t *testing.T) {
	p := newPlatform(t)
	order := func(number string) string {
		return `{"number":"` + number + `","seller_id":"tier1","currency":"CNY","lines":[{"line_id":"1","item":"bolt","quantity":10,"unit":"EA","unit_price":100}]}`
	}
	at := func(key string, bodies []string) []reply {
		out := make([]reply, len(bodies))
		var wg sync.WaitGroup
		for i, body := range bodies {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest("POST", p.url+"/v1/purchase-orders", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+p.keys["anchor"])
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Idempotency-Key", key)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				out[i] = reply{status: resp.StatusCode, header: resp.Header, body: b}
			}()
		}
		wg.Wait()
		return out
	}
	orders := func(number string) int {
		var page struct{ Data []linkfin.PurchaseOrder }
		wantJSON(t, p.as("anchor", "GET", "/v1/purchase-orders?limit=500", ""), http.StatusOK, &page)
		n := 0
		for _, o := range page.Data {
			if o.Number == number {
				n++
			}
		}
		return n
	}

	same := make([]string, 16)
	for i := range same {
		same[i] = order("PO-AT-ONCE")
	}
	var first linkfin.PurchaseOrder
	for i, r := range at("at-once-1", same) {
		var o linkfin.PurchaseOrder
		if r.status != http.StatusCreated || json.Unmarshal(r.body, &o) != nil {
			t.Fatalf("client %d: %d %s", i, r.status, r.body)
		}
		if first.ID == "" {
			first = o
		} else if o.ID != first.ID {
			t.Fatalf("client %d was answered order %s, another %s", i, o.ID, first.ID)
		}
	}
	if n := orders("PO-AT-ONCE"); n != 1 {
		t.Fatalf("%d orders made of one request sent sixteen times", n)
	}

	different := make([]string, 16)
	for i := range different {
		different[i] = order(fmt.Sprintf("PO-KEY-%02d", i))
	}
	made := 0
	for i, r := range at("at-once-2", different) {
		switch r.status {
		case http.StatusCreated:
			made++
		case http.StatusConflict:
			var prob struct{ Code string }
			if json.Unmarshal(r.body, &prob) != nil || prob.Code != engine.EIDEMPOTENCY {
				t.Fatalf("client %d: %s", i, r.body)
			}
		default:
			t.Fatalf("client %d: %d %s", i, r.status, r.body)
		}
	}
	n := 0
	for i := range different {
		n += orders(fmt.Sprintf("PO-KEY-%02d", i))
	}
	if made != 1 || n != 1 {
		t.Fatalf("sixteen requests under one key: %d answered created, %d orders made", made, n)
	}
}
