package http_test

import (
	"bytes"
	"context"
	"crypto/sha256"
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
	"linkfin/services"
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
	// {} says what no body says: the same request (TestIdempotencyOfEmptyBodies).
	if r := p.as("tier1", "POST", "/v1/financings/F-1/accept", "{}", "Idempotency-Key", "accept-1"); r.status != first.status ||
		r.header.Get("Idempotency-Hit") != "true" || !bytes.Equal(r.body, first.body) {
		t.Fatalf("retry with {}: %d, Idempotency-Hit %q\n%s", r.status, r.header.Get("Idempotency-Hit"), r.body)
	}
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

// TestRetryInOtherForm: a retry under the same key of the same JSON written otherwise
// (other spacing, other member order, a letter escaped) is the same request, answered
// as the first with Idempotency-Hit, and makes nothing more; a retry with one value
// changed, or one number written otherwise, is another request and is refused.
func TestRetryInOtherForm(t *testing.T) {
	p := newPlatform(t)
	const first = `{"number":"PO-FORM","seller_id":"tier1","currency":"CNY","lines":[{"line_id":"1","item":"bolt","quantity":10,"unit":"EA","unit_price":100}]}`
	made := p.as("anchor", "POST", "/v1/purchase-orders", first, "Idempotency-Key", "form-1")
	var o linkfin.PurchaseOrder
	wantJSON(t, made, http.StatusCreated, &o)
	base := p.snapshot()
	for _, body := range []string{
		" {\n  \"currency\" : \"CNY\",\t\"lines\": [ {\"unit_price\":100, \"unit\":\"EA\", \"quantity\":10, \"item\":\"\\u0062olt\", \"line_id\":\"1\"} ],\r\n \"seller_id\":\"tier1\", \"number\":\"PO-FORM\" }\n",
		`{"seller_id":"tier1","number":"PO-FORM","lines":[{"line_id":"1","item":"bolt","quantity":10,"unit":"EA","unit_price":100}],"currency":"CNY"}`,
	} {
		r := p.as("anchor", "POST", "/v1/purchase-orders", body, "Idempotency-Key", "form-1")
		if r.status != http.StatusCreated || r.header.Get("Idempotency-Hit") != "true" || !bytes.Equal(r.body, made.body) {
			t.Fatalf("the same order written otherwise: %d, Idempotency-Hit %q\n%s", r.status, r.header.Get("Idempotency-Hit"), r.body)
		}
	}
	for _, body := range []string{
		strings.Replace(first, `"quantity":10`, `"quantity":11`, 1),
		strings.Replace(first, `"item":"bolt"`, `"item":"Bolt"`, 1),
		// The order of an array's items is part of what it says.
		`{"number":"PO-FORM","seller_id":"tier1","currency":"CNY","lines":[{"line_id":"1","item":"bolt","quantity":10,"unit":"EA","unit_price":100},{"line_id":"2","item":"nut","quantity":1,"unit":"EA","unit_price":1}]}`,
		`{"number":"PO-FORM","seller_id":"tier1","currency":"CNY","lines":[{"line_id":"2","item":"nut","quantity":1,"unit":"EA","unit_price":1},{"line_id":"1","item":"bolt","quantity":10,"unit":"EA","unit_price":100}]}`,
	} {
		wantProblem(t, p.as("anchor", "POST", "/v1/purchase-orders", body, "Idempotency-Key", "form-1"), http.StatusConflict, engine.EIDEMPOTENCY)
	}
	if after := p.snapshot(); !reflect.DeepEqual(after, base) {
		t.Fatal("a retry in another form, or a reused key, changed the store")
	}
}

// TestRetryOfKeptBytes: an answer kept by a linkfin that fingerprinted a request by
// its body's bytes (SHA-256 of method, path, query and body) is still the answer to a
// retry of those very bytes.
func TestRetryOfKeptBytes(t *testing.T) {
	p := newPlatform(t)
	const body = `{ "seller_id": "tier1", "number": "PO-KEPT", "currency": "CNY",
  "lines": [ { "line_id": "1", "item": "bolt", "quantity": 10, "unit": "EA", "unit_price": 100 } ] }`
	sum := sha256.Sum256([]byte("POST /v1/purchase-orders?\n" + body))
	kept, err := p.engine.Submit(context.Background(), &engine.Request{IdempotencyKey: "org/anchor:kept-1", Hash: sum[:],
		Commands: []linkfin.Command{&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{Number: "PO-KEPT",
			SellerID: "tier1", Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "bolt", Quantity: 10, Unit: "EA", UnitPrice: 100}}}}}})
	if err != nil || kept.Outcomes[0].Err() != nil {
		t.Fatalf("the kept answer: %v, %v", err, kept.Outcomes[0].Err())
	}
	var was linkfin.PurchaseOrder
	if err := json.Unmarshal(kept.Outcomes[0].Value, &was); err != nil {
		t.Fatal(err)
	}
	base := p.snapshot()
	r := p.as("anchor", "POST", "/v1/purchase-orders", body, "Idempotency-Key", "kept-1")
	var o linkfin.PurchaseOrder
	wantJSON(t, r, http.StatusCreated, &o)
	if r.header.Get("Idempotency-Hit") != "true" || o.ID != was.ID {
		t.Fatalf("a retry of the kept bytes: Idempotency-Hit %q, order %s, kept %s", r.header.Get("Idempotency-Hit"), o.ID, was.ID)
	}
	wantProblem(t, p.as("anchor", "POST", "/v1/purchase-orders", strings.Replace(body, `"quantity": 10`, `"quantity": 11`, 1),
		"Idempotency-Key", "kept-1"), http.StatusConflict, engine.EIDEMPOTENCY)
	if after := p.snapshot(); !reflect.DeepEqual(after, base) {
		t.Fatal("a retry of a kept answer changed the store")
	}
}

// TestTransferRetryInOtherForm: the raw ledger's transfers are fingerprinted by what
// they say, as the domain's requests are: a transfer retried with its members in
// another order, or spaced and with its id's digit escaped, is answered
// as the first; another amount, or the same transfer as a batch of one (which is
// answered otherwise), is the key's reuse.
func TestTransferRetryInOtherForm(t *testing.T) {
	a := newAPI(t)
	wantJSON(t, a.do("POST", "/v1/accounts", "["+accountJSON(4, "CNY")+","+accountJSON(5, "CNY")+"]"), http.StatusOK, nil)
	first := a.do("POST", "/v1/transfers", transferJSON(7, 4, 5, 100), "Idempotency-Key", "t-7")
	wantJSON(t, first, http.StatusCreated, nil)
	for _, body := range []string{
		`{"code":1,"currency":"CNY","ledger":1,"amount":100,"credit_account_id":"5","debit_account_id":"4","id":"7"}`,
		` {"id": "\u0037", "debit_account_id": "4", "credit_account_id": "5", "amount": 100, "ledger": 1, "currency": "CNY", "code": 1}  `,
	} {
		r := a.do("POST", "/v1/transfers", body, "Idempotency-Key", "t-7")
		if r.status != http.StatusCreated || r.header.Get("Idempotency-Hit") != "true" || !bytes.Equal(r.body, first.body) {
			t.Fatalf("the same transfer written otherwise: %d, Idempotency-Hit %q\n%s", r.status, r.header.Get("Idempotency-Hit"), r.body)
		}
	}
	for _, body := range []string{transferJSON(7, 4, 5, 101), batch(transferJSON(7, 4, 5, 100))} {
		wantProblem(t, a.do("POST", "/v1/transfers", body, "Idempotency-Key", "t-7"), http.StatusConflict, engine.EIDEMPOTENCY)
	}
}

// TestIdempotencyOfEmptyBodies: on every route that takes an empty body (an action
// that takes none, or a body that may be left out), an empty body, {} and either
// spaced out are one request: sent first under a key, any of them answers a retry
// in another with the first answer, and Idempotency-Hit where the first was kept.
// null is refused as a body. A body that says something else (where the route takes
// one) is another request under the key: 409 idempotency_key_reused.
func TestIdempotencyOfEmptyBodies(t *testing.T) {
	p := newPlatform(t)
	bodies := []string{"", "{}", " ", "\r\n", " {\n}\t"}
	// code is a problem's code, "" for another answer.
	code := func(r reply) string {
		var pr linkfin.Problem
		if r.header.Get("Content-Type") == "application/problem+json" && json.Unmarshal(r.body, &pr) == nil {
			return pr.Code
		}
		return ""
	}
	// send sends a body; one of whitespace alone goes past the OpenAPI validator,
	// which reads it as JSON cut short: the document has no words for it.
	send := func(who, path, body, key string) reply {
		if strings.TrimSpace(body) == "" && body != "" {
			return p.checked(http.DefaultClient, who, "POST", path, body, "Idempotency-Key", key)
		}
		return p.as(who, "POST", path, body, "Idempotency-Key", key)
	}
	// others are bodies that say something else, to the routes whose body may be
	// left out.
	others := map[string]string{
		"POST /v1/programs/{id}/funders/{funder}/accept": `{"limit":1,"pricing":{"fixed_rate":"0.05"}}`,
		"POST /v1/financings/{id}/repayments":            `{"amount":1}`,
	}
	routes, kept := 0, 0
	for _, route := range p.srv.Routes() {
		if route.Method() != http.MethodPost || route.Access == lfhttp.Public || route.XML || route.In != nil && !route.BodyOptional {
			continue
		}
		routes++
		if _, ok := others[route.Pattern]; route.BodyOptional && !ok {
			t.Errorf("%s: a body that says something, to send it after none", route.Pattern)
		}
		who, path := p.writer(t, route)
		if strings.HasSuffix(route.Pattern, "/funders/{funder}/accept") {
			who = "bank" // the funder itself, the one who accepts
		}
		for i, first := range bodies {
			key := fmt.Sprintf("empty-%d-%d", routes, i)
			t.Run(fmt.Sprintf("%s/first %q", route.Pattern, first), func(t *testing.T) {
				a := send(who, path, first, key)
				if a.status >= 500 {
					t.Fatalf("%d %s", a.status, a.body)
				}
				// Kept, or refused before it ran: the very same body again says which.
				hit := send(who, path, first, key).header.Get("Idempotency-Hit")
				if hit == "true" {
					kept++
				}
				for _, retry := range bodies {
					r := send(who, path, retry, key)
					if r.status != a.status || code(r) != code(a) || r.header.Get("Idempotency-Hit") != hit ||
						a.status < 300 && !bytes.Equal(r.body, a.body) {
						t.Fatalf("%q first answered %d %q (Idempotency-Hit on its retry %q), then %q answered %d %q, Idempotency-Hit %q\n%s",
							first, a.status, code(a), hit, retry, r.status, code(r), r.header.Get("Idempotency-Hit"), r.body)
					}
				}
				wantProblem(t, p.as(who, "POST", path, "null", "Idempotency-Key", key), http.StatusBadRequest, linkfin.ETYPE)
				if other, ok := others[route.Pattern]; ok && hit == "true" {
					wantProblem(t, p.as(who, "POST", path, other, "Idempotency-Key", key), http.StatusConflict, engine.EIDEMPOTENCY)
				}
			})
		}
	}
	t.Logf("%d routes take an empty body; %d first requests were kept under their key", routes, kept)
	if routes == 0 || kept == 0 {
		t.Fatal("no route's answer to an empty body was kept under its key")
	}
}

// TestIdempotencyOfNullMembers: on the routes that read their body themselves (not
// through act), as on the others, a retry that says the same in other words (an
// optional member given as null, which decodes as its absence) is the same request,
// answered as the first; one that says something else is 409 idempotency_key_reused.
func TestIdempotencyOfNullMembers(t *testing.T) {
	p := newPlatform(t)
	for _, c := range []struct {
		who, path, first string
		same             []string
		other            string
	}{
		{"operator", "/v1/organizations", `{"id":"null-org","name":"Null Trading","capabilities":["trade"]}`,
			[]string{`{"id":"null-org","name":"Null Trading","capabilities":["trade"],"address":null}`,
				`{"bank_account":null,"capabilities":["trade"],"name":"Null Trading","id":"null-org","address":null}`},
			`{"id":"null-org","name":"Null Trading Co","capabilities":["trade"]}`},
		{"anchor", "/v1/organizations/anchor/api-keys", `{"role":"viewer"}`,
			[]string{`{"role":"viewer","name":null}`, `{"name":"","role":"viewer"}`},
			`{"role":"viewer","name":"reports"}`},
		{"anchor", "/v1/purchase-orders", `{"number":"PO-NULL","seller_id":"tier1","currency":"CNY","lines":[{"line_id":"1","item":"bolt","quantity":10,"unit":"EA","unit_price":100}]}`,
			[]string{`{"number":"PO-NULL","seller_id":"tier1","currency":"CNY","lines":[{"line_id":"1","item":"bolt","quantity":10,"unit":"EA","unit_price":100}],"program_id":null}`},
			`{"number":"PO-NULL","seller_id":"tier1","currency":"CNY","lines":[{"line_id":"1","item":"bolt","quantity":11,"unit":"EA","unit_price":100}]}`},
	} {
		t.Run(c.path, func(t *testing.T) {
			key := "null-" + c.path
			first := p.as(c.who, "POST", c.path, c.first, "Idempotency-Key", key)
			if first.status != http.StatusCreated {
				t.Fatalf("first: %d %s", first.status, first.body)
			}
			for _, body := range c.same {
				// Through the OpenAPI validator: the document takes null for an optional
				// member, as the server does (TestNullMembers).
				r := p.as(c.who, "POST", c.path, body, "Idempotency-Key", key)
				if r.status != first.status || r.header.Get("Idempotency-Hit") != "true" {
					t.Fatalf("%s: %d, Idempotency-Hit %q\n%s", body, r.status, r.header.Get("Idempotency-Hit"), r.body)
				}
			}
			wantProblem(t, p.as(c.who, "POST", c.path, c.other, "Idempotency-Key", key), http.StatusConflict, engine.EIDEMPOTENCY)
		})
	}
}
