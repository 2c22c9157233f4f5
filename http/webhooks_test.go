package http_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"linkfin"
	lfhttp "linkfin/http"
	"linkfin/services"
	"linkfin/webhook"
)

var testWebhookKey = []byte("the platform's webhook key, for tests only")

// checked sends a request as p.as does, through a client that checks the request and
// the answer against the OpenAPI document.
func (p *platform) checked(client *http.Client, who, method, path, body string, headers ...string) reply {
	p.t.Helper()
	req, err := http.NewRequest(method, p.url+path, strings.NewReader(body))
	if err != nil {
		p.t.Fatal(err)
	}
	key := operatorKey
	if who != "operator" {
		key = p.keys[who]
	}
	req.Header.Set("Authorization", "Bearer "+key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if method == http.MethodPost {
		req.Header.Set("Idempotency-Key", fmt.Sprintf("test-%d", keySeq.Add(1)))
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		p.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		p.t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

// TestWebhookEndpoints: an organization's admin registers an endpoint and sees its
// secret once; the endpoint starts at the log's end; lists, reads, the delivery log
// and disabling keep to the organization; the secret is in no record and no event.
func TestWebhookEndpoints(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	doc, err := p.srv.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	client := validatingClient(t, doc)
	as := func(who, method, path, body string, headers ...string) reply {
		t.Helper()
		return p.checked(client, who, method, path, body, headers...)
	}
	body := `{"url":"https://erp.anchor.example/linkfin","events":["invoice.*","financing.accepted"]}`

	// A server without the platform's webhook key makes no endpoints.
	wantProblem(t, as("anchor", "POST", "/v1/webhook-endpoints", body), http.StatusServiceUnavailable, "unavailable")
	p.srv.WebhookKey = testWebhookKey

	head, err := p.store.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r := as("anchor", "POST", "/v1/webhook-endpoints", body, "Idempotency-Key", "erp-1")
	var made linkfin.WebhookEndpointOut
	wantJSON(t, r, http.StatusCreated, &made)
	erp := made.ID
	secret := webhook.FormatSecret(webhook.Secret(testWebhookKey, erp))
	if !strings.HasPrefix(erp, "wh_") || made.OrgID != "anchor" || made.URL != "https://erp.anchor.example/linkfin" || len(made.Events) != 2 ||
		made.Cursor != head.Size-1 || made.CreatedAt.IsZero() || made.DisabledAt != nil || made.Secret != secret {
		t.Fatalf("made %+v, want cursor %d and secret %s", made, head.Size-1, secret)
	}
	// The endpoint's own event is the first after its cursor.
	evs, err := p.store.Events(ctx, made.Cursor+1, 1)
	if err != nil || len(evs) != 1 || evs[0].Type != "webhook_endpoint.created" || !strings.Contains(string(evs[0].Data), `"id":"`+erp+`"`) {
		t.Fatalf("the event after the cursor: %v %+v", err, evs)
	}
	// A retry answers the same, secret included, and makes nothing twice.
	r = as("anchor", "POST", "/v1/webhook-endpoints", body, "Idempotency-Key", "erp-1")
	var again linkfin.WebhookEndpointOut
	wantJSON(t, r, http.StatusCreated, &again)
	if r.header.Get("Idempotency-Hit") != "true" || again.Secret != secret || !again.CreatedAt.Equal(made.CreatedAt) {
		t.Fatalf("the retry answered %+v (hit %q)", again, r.header.Get("Idempotency-Hit"))
	}

	// The platform names the endpoint: an id in the body is refused as an unknown field.
	wantProblem(t, as("anchor", "POST", "/v1/webhook-endpoints", `{"id":"erp","url":"https://a.example/h","events":["*"]}`), http.StatusBadRequest, lfhttp.EUNKNOWNFIELD)
	wantProblem(t, as("anchor", "POST", "/v1/webhook-endpoints", `{"events":["*"]}`), http.StatusBadRequest, lfhttp.EMISSING)
	wantProblem(t, as("anchor", "POST", "/v1/webhook-endpoints", `{"url":"https://a.example/`+strings.Repeat("a", 2048)+`","events":["*"]}`),
		http.StatusBadRequest, linkfin.ETOOLONG)
	for name, bad := range map[string]string{
		"relative url":     `{"url":"/hooks","events":["*"]}`,
		"ftp url":          `{"url":"ftp://a.example/h","events":["*"]}`,
		"password in url":  `{"url":"https://me:pw@a.example/h","events":["*"]}`,
		"port past 65535":  `{"url":"https://a.example:99999/h","events":["*"]}`,
		"port 0":           `{"url":"http://a.example:0/h","events":["*"]}`,
		"port 0443":        `{"url":"https://a.example:0443/h","events":["*"]}`, // 443 spelt another way
		"port 00080":       `{"url":"http://a.example:00080/h","events":["*"]}`,
		"no events":        `{"url":"https://a.example/h","events":[]}`,
		"bad filter":       `{"url":"https://a.example/h","events":["invoice"]}`,
		"filter of itself": `{"url":"https://a.example/h","events":["webhook_delivery.*"]}`,
		"filter twice":     `{"url":"https://a.example/h","events":["*","*"]}`,
	} {
		t.Run(name, func(t *testing.T) {
			wantProblem(t, as("anchor", "POST", "/v1/webhook-endpoints", bad), http.StatusBadRequest, linkfin.EINVALID)
		})
	}
	// An endpoint belongs to an organization: the operator makes none.
	wantProblem(t, as("operator", "POST", "/v1/webhook-endpoints", body), http.StatusForbidden, linkfin.EFORBIDDEN)

	// The record and the log hold no secret.
	evs, err = p.store.Events(ctx, 0, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if strings.Contains(string(e.Data), secret[len(webhook.SecretPrefix):]) {
			t.Fatalf("event %d holds the secret", e.Seq)
		}
	}
	r = as("anchor-viewer", "GET", "/v1/webhook-endpoints/"+erp, "")
	var got linkfin.WebhookEndpoint
	wantJSON(t, r, http.StatusOK, &got)
	if got.ID != erp || strings.Contains(string(r.body), "secret") {
		t.Fatalf("GET answered %s", r.body)
	}
	wantProblem(t, as("tier1", "GET", "/v1/webhook-endpoints/"+erp, ""), http.StatusNotFound, linkfin.ENOTFOUND)

	// Lists keep to the organization.
	var tier1Made linkfin.WebhookEndpointOut
	wantJSON(t, as("tier1", "POST", "/v1/webhook-endpoints", `{"url":"http://tier1.example/h","events":["*"]}`), http.StatusCreated, &tier1Made)
	tier1ERP := tier1Made.ID
	var list linkfin.List[linkfin.WebhookEndpoint]
	wantJSON(t, as("anchor", "GET", "/v1/webhook-endpoints", ""), http.StatusOK, &list)
	if len(list.Data) != 2 || list.Data[0].ID != "wh-1" || list.Data[1].ID != erp {
		t.Fatalf("the anchor lists %+v", list.Data)
	}
	wantJSON(t, as("tier1", "GET", "/v1/webhook-endpoints", ""), http.StatusOK, &list)
	if len(list.Data) != 1 || list.Data[0].ID != tier1ERP {
		t.Fatalf("tier1 lists %+v", list.Data)
	}
	wantJSON(t, as("operator", "GET", "/v1/webhook-endpoints", ""), http.StatusOK, &list)
	if len(list.Data) != 3 {
		t.Fatalf("the operator lists %+v", list.Data)
	}

	// The delivery log: one endpoint's deliveries alone, in log order, a page at a time.
	record := func(endpoint string, seq int64, status string, attempt int) {
		t.Helper()
		rec := &services.RecordDelivery{EndpointID: endpoint, Seq: seq, EventType: "invoice.approved", Status: status, Attempt: attempt}
		if status == linkfin.WebhookFailed {
			next := p.clock.Now().Add(time.Second)
			rec.NextAttemptAt, rec.HTTPStatus, rec.Error = &next, 503, "the endpoint answered 503"
		} else {
			rec.HTTPStatus = 200
		}
		if err := p.engine.Run(ctx, rec, new(json.RawMessage)); err != nil {
			t.Fatal(err)
		}
	}
	record(erp, 9, linkfin.WebhookFailed, 1)
	record(erp, 9, linkfin.WebhookDelivered, 2)
	record(erp, 10, linkfin.WebhookDelivered, 1)
	record(erp, 100, linkfin.WebhookFailed, 1)
	record("wh-1", 11, linkfin.WebhookDelivered, 1)
	record(tier1ERP, 12, linkfin.WebhookDelivered, 1)
	var page linkfin.List[linkfin.WebhookDeliveryOut]
	wantJSON(t, as("anchor-viewer", "GET", "/v1/webhook-endpoints/"+erp+"/deliveries?limit=2", ""), http.StatusOK, &page)
	if len(page.Data) != 2 || page.NextCursor == "" || page.Data[0].Seq != 9 || page.Data[0].Attempts != 2 ||
		page.Data[0].Status != linkfin.WebhookDelivered || page.Data[1].Seq != 10 {
		t.Fatalf("first page %+v", page)
	}
	wantJSON(t, as("anchor", "GET", "/v1/webhook-endpoints/"+erp+"/deliveries?limit=2&after="+page.NextCursor, ""), http.StatusOK, &page)
	if len(page.Data) != 1 || page.NextCursor != "" || page.Data[0].Seq != 100 || page.Data[0].Status != linkfin.WebhookFailed ||
		page.Data[0].HTTPStatus != 503 || page.Data[0].NextAttemptAt == nil || page.Data[0].EndpointID != erp {
		t.Fatalf("second page %+v", page)
	}
	wantJSON(t, as("operator", "GET", "/v1/webhook-endpoints/"+erp+"/deliveries", ""), http.StatusOK, &page)
	if len(page.Data) != 3 {
		t.Fatalf("the operator reads %d deliveries of erp, want 3", len(page.Data))
	}
	wantProblem(t, as("tier1", "GET", "/v1/webhook-endpoints/"+erp+"/deliveries", ""), http.StatusNotFound, linkfin.ENOTFOUND)
	wantProblem(t, as("anchor", "GET", "/v1/webhook-endpoints/"+erp+"/deliveries?after=wh-1/1", ""), http.StatusBadRequest, linkfin.EINVALID)
	wantProblem(t, as("anchor", "GET", "/v1/webhook-endpoints/"+erp+"/deliveries?status=failed", ""), http.StatusBadRequest, linkfin.EINVALID)
	// A delivery moved erp's cursor; a stale one does not move it back.
	wantJSON(t, as("anchor", "GET", "/v1/webhook-endpoints/"+erp, ""), http.StatusOK, &got)
	if got.Cursor != made.Cursor {
		t.Fatalf("cursor %d, want %d: deliveries before it do not move it", got.Cursor, made.Cursor)
	}

	// Disabling keeps to the organization too, and is for good.
	wantProblem(t, as("tier1", "POST", "/v1/webhook-endpoints/"+erp+"/disable", ""), http.StatusNotFound, linkfin.ENOTFOUND)
	wantJSON(t, as("anchor", "POST", "/v1/webhook-endpoints/"+erp+"/disable", ""), http.StatusOK, &got)
	if got.DisabledAt == nil {
		t.Fatalf("disabled %+v", got)
	}
	var twice linkfin.WebhookEndpoint
	wantJSON(t, as("anchor", "POST", "/v1/webhook-endpoints/"+erp+"/disable", "{}"), http.StatusOK, &twice)
	if twice.DisabledAt == nil || !twice.DisabledAt.Equal(*got.DisabledAt) {
		t.Fatalf("disabled again %+v", twice)
	}
	wantJSON(t, as("operator", "POST", "/v1/webhook-endpoints/"+tier1ERP+"/disable", ""), http.StatusOK, &got)
	if got.DisabledAt == nil || got.OrgID != "tier1" {
		t.Fatalf("the operator disabled %+v", got)
	}

	// Enabling and changing keep to the organization; the operator does neither.
	wantProblem(t, as("tier1", "POST", "/v1/webhook-endpoints/"+erp+"/enable", ""), http.StatusNotFound, linkfin.ENOTFOUND)
	wantProblem(t, as("operator", "POST", "/v1/webhook-endpoints/"+tier1ERP+"/enable", ""), http.StatusForbidden, linkfin.EFORBIDDEN)
	wantProblem(t, as("anchor-viewer", "POST", "/v1/webhook-endpoints/"+erp+"/enable", ""), http.StatusForbidden, linkfin.EFORBIDDEN)
	wantJSON(t, as("anchor", "POST", "/v1/webhook-endpoints/"+erp+"/enable", ""), http.StatusOK, &got)
	if got.DisabledAt != nil || got.Cursor != made.Cursor {
		t.Fatalf("enabled %+v, cursor %d", got, made.Cursor)
	}
	change := `{"url":"https://erp2.example.com/hooks","events":["financing.*"]}`
	wantProblem(t, as("tier1", "POST", "/v1/webhook-endpoints/"+erp, change), http.StatusNotFound, linkfin.ENOTFOUND)
	wantProblem(t, as("anchor", "POST", "/v1/webhook-endpoints/"+erp, `{"url":"ftp://erp2.example.com","events":["financing.*"]}`),
		http.StatusBadRequest, linkfin.EINVALID)
	wantProblem(t, as("anchor", "POST", "/v1/webhook-endpoints/"+erp, `{"url":"https://erp2.example.com/hooks","events":[]}`),
		http.StatusBadRequest, linkfin.EINVALID)
	wantJSON(t, as("anchor", "POST", "/v1/webhook-endpoints/"+erp, change), http.StatusOK, &got)
	if got.URL != "https://erp2.example.com/hooks" || !slices.Equal(got.Events, []string{"financing.*"}) || got.Cursor != made.Cursor || got.DisabledAt != nil {
		t.Fatalf("changed %+v", got)
	}
	wantJSON(t, as("anchor", "GET", "/v1/webhook-endpoints/"+erp, ""), http.StatusOK, &got)
	if got.URL != "https://erp2.example.com/hooks" {
		t.Fatalf("read back %+v", got)
	}
}

// TestWebhookEndpointLimit: an organization makes at most MaxWebhookEndpoints
// endpoints; the one past it is refused, and nothing changes.
func TestWebhookEndpointLimit(t *testing.T) {
	p := newPlatform(t)
	p.srv.WebhookKey = testWebhookKey
	make := func(i int) reply {
		t.Helper()
		return p.as("tier2", "POST", "/v1/webhook-endpoints", fmt.Sprintf(`{"url":"https://erp.tier2.example/%d","events":["*"]}`, i))
	}
	for i := range linkfin.MaxWebhookEndpoints {
		wantJSON(t, make(i), http.StatusCreated, nil)
	}
	before := p.snapshot()
	wantProblem(t, make(linkfin.MaxWebhookEndpoints), http.StatusUnprocessableEntity, services.EWEBHOOKLIMIT)
	if after := p.snapshot(); !reflect.DeepEqual(after, before) {
		t.Fatal("a refused endpoint changed the store")
	}
	// Another organization is not held to tier2's count.
	wantJSON(t, p.as("tier1", "POST", "/v1/webhook-endpoints", `{"url":"https://erp.tier1.example/","events":["*"]}`), http.StatusCreated, nil)
}

// TestWebhookDelivered: the secret the API shows verifies what the dispatcher sends.
func TestWebhookDelivered(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	p.srv.WebhookKey = testWebhookKey
	var (
		mu   sync.Mutex
		got  []webhook.Payload
		sigs []string
	)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var pl webhook.Payload
		if err := json.Unmarshal(b, &pl); err != nil {
			t.Errorf("a delivery that is not JSON: %s", b)
		}
		mu.Lock()
		got, sigs = append(got, pl), append(sigs, r.Header.Get("Linkfin-Signature")+"\n"+string(b))
		mu.Unlock()
	}))
	defer receiver.Close()
	wantJSON(t, p.as("anchor", "POST", "/v1/webhook-endpoints/wh-1/disable", ""), http.StatusOK, nil)
	var made linkfin.WebhookEndpointOut
	wantJSON(t, p.as("anchor", "POST", "/v1/webhook-endpoints", `{"url":"`+receiver.URL+`/in","events":["api_key.*"]}`),
		http.StatusCreated, &made)
	var key linkfin.APIKeyOut
	wantJSON(t, p.as("anchor", "POST", "/v1/organizations/anchor/api-keys", `{"role":"viewer"}`), http.StatusCreated, &key)
	wantJSON(t, p.as("tier1", "POST", "/v1/organizations/tier1/api-keys", `{"role":"viewer"}`), http.StatusCreated, nil)

	d := &webhook.Dispatcher{Engine: p.engine, Store: p.store, Key: testWebhookKey, Client: &http.Client{}, Now: p.clock.Now}
	for range 3 {
		if err := d.Poll(ctx); err != nil {
			t.Fatal(err)
		}
	}
	secret, err := webhook.ParseSecret(made.Secret)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0].Type != "api_key.created" || !strings.Contains(string(got[0].Data), `"id":"`+key.ID+`"`) {
		t.Fatalf("delivered %+v, want the anchor's new key alone", got)
	}
	header, body, _ := strings.Cut(sigs[0], "\n")
	if err := webhook.Verify(secret, header, []byte(body), time.Minute, p.clock.Now()); err != nil {
		t.Fatalf("the shown secret does not verify the delivery: %v", err)
	}
	var log linkfin.List[linkfin.WebhookDeliveryOut]
	wantJSON(t, p.as("anchor", "GET", "/v1/webhook-endpoints/"+made.ID+"/deliveries", ""), http.StatusOK, &log)
	if len(log.Data) != 1 || log.Data[0].Status != linkfin.WebhookDelivered || log.Data[0].HTTPStatus != 200 || log.Data[0].Attempts != 1 {
		t.Fatalf("delivery log %+v", log.Data)
	}
}
