package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"linkfin/webhook"
)

// TestServeWebhooks: linkfin serve delivers an organization's events to its endpoint,
// signed with the secret the API showed once.
func TestServeWebhooks(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server: not in -short")
	}
	isolate(t)
	var mu sync.Mutex
	var got []string
	var secret []byte
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if err := webhook.Verify(secret, r.Header.Get("Linkfin-Signature"), body, time.Minute, time.Now()); err != nil {
			t.Errorf("a delivery's signature: %v", err)
			http.Error(w, "bad signature", http.StatusBadRequest)
			return
		}
		got = append(got, r.Header.Get("Linkfin-Event-Type"))
	}))
	defer receiver.Close()

	s := serve(t, "--data", filepath.Join(t.TempDir(), "data"), "--demo", "--webhooks-to-private")
	key := regexp.MustCompile(`(?m)^  export TIER1_KEY=(\S+)$`).FindStringSubmatch(s.stdout.String())[1]
	anchor := regexp.MustCompile(`(?m)^  export ANCHOR_KEY=(\S+)$`).FindStringSubmatch(s.stdout.String())[1]
	var ep struct{ Secret string }
	if err := json.Unmarshal(s.want("POST", "/v1/webhook-endpoints", key,
		`{"url":"`+receiver.URL+`","events":["purchase_order.*"]}`, http.StatusCreated), &ep); err != nil {
		t.Fatal(err)
	}
	sec, err := webhook.ParseSecret(ep.Secret)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	secret = sec
	mu.Unlock()
	var po struct{ ID string }
	if err := json.Unmarshal(s.want("POST", "/v1/purchase-orders", anchor, `{"number":"PO-9","seller_id":"tier1","currency":"CNY",`+
		`"lines":[{"line_id":"1","item":"disc","quantity":1,"unit":"EA","unit_price":100}]}`, http.StatusCreated), &po); err != nil {
		t.Fatal(err)
	}
	s.want("POST", "/v1/purchase-orders/"+po.ID+"/accept", key, "", http.StatusOK)
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the endpoint received %d events in 20 s, want 2", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0] != "purchase_order.issued" || got[1] != "purchase_order.accepted" {
		t.Fatalf("received %v", got)
	}
}
