package webhook_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"linkfin"
	"linkfin/engine"
	"linkfin/services"
	"linkfin/sqlite"
	"linkfin/sqlite/sqlitetest"
	"linkfin/storetest"
	"linkfin/webhook"
)

var key = []byte("the platform's webhook key, for tests only")

// env is a real engine on a SQLite store, with a settable clock that the engine and
// the dispatchers share.
type env struct {
	t      *testing.T
	store  *sqlite.DB
	engine *engine.Engine
	clock  *storetest.Clock
}

func newEnv(t *testing.T) *env {
	t.Helper()
	s := sqlitetest.Open(t)
	signer, _ := storetest.Keys(t)
	clock := storetest.NewClock()
	e, err := engine.Open(context.Background(), engine.Config{Store: s, Signer: signer, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	env := &env{t: t, store: s, engine: e, clock: clock}
	for _, id := range []string{"acme", "globex", "initech"} {
		env.submit(&services.CreateOrganization{Org: linkfin.Organization{ID: id, Name: id, Capabilities: []linkfin.Capability{linkfin.CapTrade},
			BankAccount: &linkfin.BankAccount{Account: "acct-" + id}}})
	}
	return env
}

func (e *env) submit(c linkfin.Command) {
	e.t.Helper()
	if err := e.engine.Run(context.Background(), c, new(json.RawMessage)); err != nil {
		e.t.Fatalf("%T: %v", c, err)
	}
}

// endpoint registers an endpoint at the log's end, as the API does.
func (e *env) endpoint(id, org, url string, events ...string) {
	e.t.Helper()
	h, err := e.store.Head(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	e.submit(&services.CreateWebhookEndpoint{Actor: org, Endpoint: linkfin.WebhookEndpoint{ID: id, OrgID: org, URL: url, Events: events, Cursor: h.Size - 1}})
}

func (e *env) key(org, id string) {
	e.t.Helper()
	e.submit(&services.CreateAPIKey{Actor: org, Key: linkfin.APIKey{ID: id, OrgID: org, Role: linkfin.RoleViewer, Hash: strings.Repeat("0", 64)}})
}

func (e *env) dispatcher() *webhook.Dispatcher {
	return &webhook.Dispatcher{Engine: e.engine, Store: e.store, Key: key, Client: &http.Client{}, Now: e.clock.Now}
}

func (e *env) poll(d *webhook.Dispatcher) {
	e.t.Helper()
	if err := d.Poll(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) endpointRecord(id string) linkfin.WebhookEndpoint {
	e.t.Helper()
	o, err := e.store.Object(context.Background(), linkfin.KindWebhookEndpoint, id)
	if err != nil {
		e.t.Fatal(err)
	}
	var w linkfin.WebhookEndpoint
	if err := json.Unmarshal(o.Data, &w); err != nil {
		e.t.Fatal(err)
	}
	return w
}

func (e *env) delivery(endpoint string, seq int64) linkfin.WebhookDelivery {
	e.t.Helper()
	o, err := e.store.Object(context.Background(), linkfin.KindWebhookDelivery, linkfin.WebhookDeliveryID(endpoint, seq))
	if err != nil {
		e.t.Fatalf("delivery of %d to %s: %v", seq, endpoint, err)
	}
	var d linkfin.WebhookDelivery
	if err := json.Unmarshal(o.Data, &d); err != nil {
		e.t.Fatal(err)
	}
	return d
}

// countEvents counts the log's events of a type whose data holds a string.
func (e *env) countEvents(typ, holds string) int {
	e.t.Helper()
	evs, err := e.store.Events(context.Background(), 0, 100_000)
	if err != nil {
		e.t.Fatal(err)
	}
	n := 0
	for _, ev := range evs {
		if ev.Type == typ && strings.Contains(string(ev.Data), holds) {
			n++
		}
	}
	return n
}

// request is one delivery a receiver got.
type request struct {
	path, id, typ, signature string
	body                     []byte
	payload                  webhook.Payload
	acked                    bool
	verified                 error // Verify's verdict when the request came
}

// receiver records every request, and answers 503 while it is failing.
type receiver struct {
	t       *testing.T
	now     func() time.Time
	mu      sync.Mutex
	secrets map[string][]byte // path → the secret of the endpoint that posts there
	failing map[string]int    // path → requests still to refuse
	hang    map[string]bool
	got     []request
}

func newReceiver(t *testing.T, now func() time.Time) *receiver {
	return &receiver{t: t, now: now, secrets: map[string][]byte{}, failing: map[string]int{}, hang: map[string]bool{}}
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	req := request{path: r.URL.Path, id: r.Header.Get("Linkfin-Event-Id"), typ: r.Header.Get("Linkfin-Event-Type"),
		signature: r.Header.Get("Linkfin-Signature"), body: body}
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		rc.t.Errorf("a delivery by %s of %s", r.Method, r.Header.Get("Content-Type"))
	}
	if err := json.Unmarshal(body, &req.payload); err != nil {
		rc.t.Errorf("a delivery that is not JSON: %s", body)
	}
	rc.mu.Lock()
	req.verified = webhook.Verify(rc.secrets[r.URL.Path], req.signature, body, time.Minute, rc.now())
	hang := rc.hang[r.URL.Path]
	req.acked = rc.failing[r.URL.Path] == 0 && !hang
	if rc.failing[r.URL.Path] > 0 {
		rc.failing[r.URL.Path]--
	}
	rc.got = append(rc.got, req)
	rc.mu.Unlock()
	switch {
	case hang:
		<-r.Context().Done()
	case !req.acked:
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// requests returns what the path got.
func (rc *receiver) requests(path string) []request {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []request
	for _, r := range rc.got {
		if r.path == path {
			out = append(out, r)
		}
	}
	return out
}

// acked lists the "type id" of the events a path acknowledged, in order, and fails on
// any acknowledged twice or sent with a signature that did not verify.
func (rc *receiver) acked(path string) []string {
	rc.t.Helper()
	seen := map[string]bool{}
	var out []string
	var last int64 = -1
	for _, r := range rc.requests(path) {
		if r.verified != nil {
			rc.t.Errorf("%s: event %s: %v", path, r.id, r.verified)
		}
		if r.id != r.payload.ID || r.typ != r.payload.Type {
			rc.t.Errorf("%s: headers say %s %s, the body %s %s", path, r.id, r.typ, r.payload.ID, r.payload.Type)
		}
		if _, err := time.Parse(time.RFC3339Nano, r.payload.Time); err != nil {
			rc.t.Errorf("%s: event %s: time %q", path, r.id, r.payload.Time)
		}
		if !r.acked {
			continue
		}
		if seen[r.id] {
			rc.t.Errorf("%s: event %s acknowledged twice", path, r.id)
		}
		seen[r.id] = true
		var seq int64
		if err := json.Unmarshal([]byte(r.id), &seq); err != nil || seq <= last {
			rc.t.Errorf("%s: event %s out of order after %d", path, r.id, last)
		}
		last = seq
		var rec struct{ ID string }
		json.Unmarshal(r.payload.Data, &rec)
		out = append(out, r.payload.Type+" "+rec.ID)
	}
	return out
}

// TestReceiverDownThenUp: a receiver that refuses its first deliveries, then is shut
// down, then is back on the same address, gets every event of its organization that
// its filters take, in log order, signed, and none twice once acknowledged; the
// backoff holds across a restart of the dispatcher, and a restarted dispatcher sends
// nothing again.
func TestReceiverDownThenUp(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, e.clock.Now)
	srv := httptest.NewServer(rc)
	defer func() { srv.Close() }()
	rc.secrets["/acme"], rc.secrets["/globex"] = webhook.Secret(key, "acme-hooks"), webhook.Secret(key, "globex-hooks")
	e.endpoint("acme-hooks", "acme", srv.URL+"/acme", "relationship.*", "api_key.created")
	e.endpoint("globex-hooks", "globex", srv.URL+"/globex", "*")
	rc.failing["/acme"] = 3

	e.key("acme", "k1")                                                                         // acme
	e.key("globex", "g1")                                                                       // globex
	e.submit(&services.ProposeRelationship{Actor: "acme", BuyerID: "acme", SellerID: "globex"}) // both
	e.submit(&services.ProposeRelationship{Actor: "globex", BuyerID: "globex", SellerID: "initech"})
	e.submit(&services.AcceptRelationship{Actor: "globex", BuyerID: "acme", SellerID: "globex"}) // both
	e.submit(&services.RevokeAPIKey{Actor: "acme", ID: "k1"})                                    // acme, but no filter takes it
	e.key("initech", "i1")                                                                       // neither
	e.key("acme", "k2")                                                                          // acme

	d := e.dispatcher()
	e.poll(d)
	if n := len(rc.requests("/acme")); n != 1 {
		t.Fatalf("acme got %d requests, want 1", n)
	}
	first := rc.requests("/acme")[0]
	// Not before the next attempt is due: not by this dispatcher, nor by a new one,
	// which reads the backoff from the delivery log.
	e.poll(d)
	e.poll(e.dispatcher())
	if n := len(rc.requests("/acme")); n != 1 {
		t.Fatalf("acme got %d requests before its retry was due, want 1", n)
	}
	// 1 s, then 2 s, then 4 s: the third failure waits 4 s.
	for _, step := range []struct {
		advance time.Duration
		want    int
	}{{time.Second, 2}, {time.Second, 2}, {time.Second, 3}, {3 * time.Second, 3}} {
		e.clock.Advance(step.advance)
		e.poll(d)
		if n := len(rc.requests("/acme")); n != step.want {
			t.Fatalf("acme got %d requests, want %d", n, step.want)
		}
	}
	var seq int64
	json.Unmarshal([]byte(first.id), &seq)
	rec := e.delivery("acme-hooks", seq)
	if rec.Status != linkfin.WebhookFailed || rec.Attempts != 3 || rec.HTTPStatus != 503 || rec.NextAttemptAt == nil ||
		rec.NextAttemptAt.Sub(rec.AttemptedAt) != 4*time.Second || !strings.Contains(rec.Error, "503") {
		t.Fatalf("after three failures: %+v", rec)
	}
	e.clock.Advance(time.Second)
	e.poll(d)

	wantAcme := []string{"api_key.created k1", "relationship.proposed acme~globex", "relationship.accepted acme~globex", "api_key.created k2"}
	wantGlobex := []string{"api_key.created g1", "relationship.proposed acme~globex", "relationship.proposed globex~initech", "relationship.accepted acme~globex"}
	if got := rc.acked("/acme"); !slices.Equal(got, wantAcme) {
		t.Fatalf("acme acknowledged %q, want %q", got, wantAcme)
	}
	if got := rc.acked("/globex"); !slices.Equal(got, wantGlobex) {
		t.Fatalf("globex acknowledged %q, want %q", got, wantGlobex)
	}
	if n := len(rc.requests("/acme")); n != 3+len(wantAcme) {
		t.Fatalf("acme got %d requests, want %d", n, 3+len(wantAcme))
	}
	// The delivery log: the first event's three failures and its delivery.
	rec = e.delivery("acme-hooks", seq)
	if rec.Status != linkfin.WebhookDelivered || rec.Attempts != 4 || rec.HTTPStatus != 204 || rec.Error != "" ||
		rec.NextAttemptAt != nil || rec.DeliveredAt == nil || rec.OrgID != "acme" {
		t.Fatalf("after the delivery: %+v", rec)
	}
	if f, ok := e.countEvents("webhook_delivery.failed", `"endpoint_id":"acme-hooks"`), e.countEvents("webhook_delivery.delivered", `"endpoint_id":"acme-hooks"`); f != 3 || ok != 4 {
		t.Fatalf("the log holds %d failed and %d delivered attempts to acme, want 3 and 4", f, ok)
	}
	last, _ := json.Marshal(rc.requests("/acme")[3+len(wantAcme)-1].payload.ID)
	if w := e.endpointRecord("acme-hooks"); `"`+jsonString(w.Cursor)+`"` != string(last) {
		t.Fatalf("acme's cursor is %d, want the last event delivered, %s", w.Cursor, last)
	}

	// Polls and a new dispatcher send nothing again.
	before := len(rc.requests("/acme")) + len(rc.requests("/globex"))
	for _, dd := range []*webhook.Dispatcher{d, e.dispatcher(), e.dispatcher()} {
		e.clock.Advance(time.Hour)
		e.poll(dd)
	}
	if after := len(rc.requests("/acme")) + len(rc.requests("/globex")); after != before {
		t.Fatalf("%d requests after everything was acknowledged", after-before)
	}

	// The receiver is shut down; an event waits; the receiver is back on its address.
	addr := srv.Listener.Addr().String()
	srv.Close()
	e.key("acme", "k3")
	d = e.dispatcher()
	e.poll(d)
	var k3 int64
	evs, _ := e.store.Events(context.Background(), e.endpointRecord("acme-hooks").Cursor+1, 100)
	for _, ev := range evs {
		if ev.Type == "api_key.created" && strings.Contains(string(ev.Data), `"id":"k3"`) {
			k3 = ev.Seq
		}
	}
	rec = e.delivery("acme-hooks", k3)
	// Why, in words for the organization, not Go's error naming the platform's network.
	if rec.Status != linkfin.WebhookFailed || rec.Attempts != 1 || rec.HTTPStatus != 0 || rec.Error != "the endpoint refused the connection" {
		t.Fatalf("a delivery to a receiver that is down: %+v", rec)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("the receiver's address cannot be taken again: %v", err)
	}
	srv = &httptest.Server{Listener: ln, Config: &http.Server{Handler: rc}}
	srv.Start()
	e.clock.Advance(time.Second)
	e.poll(d)
	wantAcme = append(wantAcme, "api_key.created k3")
	if got := rc.acked("/acme"); !slices.Equal(got, wantAcme) {
		t.Fatalf("acme acknowledged %q, want %q", got, wantAcme)
	}
	if got := rc.acked("/globex"); !slices.Equal(got, wantGlobex) {
		t.Fatalf("globex acknowledged %q, want %q", got, wantGlobex)
	}

	// A disabled endpoint gets nothing more while it is disabled.
	e.submit(&services.DisableWebhookEndpoint{Actor: "acme", ID: "acme-hooks"})
	e.key("acme", "k4")
	e.poll(d)
	if got := rc.acked("/acme"); !slices.Equal(got, wantAcme) {
		t.Fatalf("a disabled endpoint acknowledged %q", got)
	}
	// Enabled again, it gets what happened meanwhile; moved, it gets the rest at its
	// new URL, signed with the same secret.
	e.submit(&services.EnableWebhookEndpoint{Actor: "acme", ID: "acme-hooks"})
	e.poll(d)
	wantAcme = append(wantAcme, "api_key.created k4")
	if got := rc.acked("/acme"); !slices.Equal(got, wantAcme) {
		t.Fatalf("an endpoint enabled again acknowledged %q, want %q", got, wantAcme)
	}
	rc.mu.Lock()
	rc.secrets["/acme-new"] = rc.secrets["/acme"]
	rc.mu.Unlock()
	e.submit(&services.UpdateWebhookEndpoint{Actor: "acme", ID: "acme-hooks", URL: srv.URL + "/acme-new", Events: []string{"api_key.*"}})
	e.key("acme", "k5")
	e.poll(d)
	if got := rc.acked("/acme-new"); !slices.Equal(got, []string{"api_key.created k5"}) {
		t.Fatalf("the endpoint's new URL acknowledged %q", got)
	}
	if got := rc.acked("/acme"); !slices.Equal(got, wantAcme) {
		t.Fatalf("the endpoint's old URL acknowledged %q after the move", got)
	}
}

func jsonString(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestRun runs the dispatcher on its own, on the real clock, while commands run: every
// event arrives once, in order, after the receiver's first refusals.
func TestRun(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, time.Now)
	srv := httptest.NewServer(rc)
	defer srv.Close()
	rc.secrets["/acme"] = webhook.Secret(key, "acme-hooks")
	e.endpoint("acme-hooks", "acme", srv.URL+"/acme", "api_key.*")
	rc.failing["/acme"] = 2
	ctx, cancel := context.WithCancel(context.Background())
	d := &webhook.Dispatcher{Engine: e.engine, Store: e.store, Key: key, Client: &http.Client{},
		PollInterval: 5 * time.Millisecond, MaxBackoff: 10 * time.Millisecond}
	done := make(chan error)
	go func() { done <- d.Run(ctx) }()
	var want []string
	for i := range 20 {
		id := "k" + jsonString(int64(i))
		e.key("acme", id)
		e.key("globex", "g"+id)
		want = append(want, "api_key.created "+id)
	}
	deadline := time.Now().Add(30 * time.Second)
	for len(rc.acked("/acme")) < len(want) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got := rc.acked("/acme"); !slices.Equal(got, want) {
		t.Fatalf("acknowledged %q, want %q", got, want)
	}
	if n := len(rc.requests("/acme")); n != len(want)+2 {
		t.Fatalf("%d requests, want %d", n, len(want)+2)
	}
	if err := (&webhook.Dispatcher{Engine: e.engine, Store: e.store}).Run(context.Background()); err == nil || !strings.Contains(err.Error(), "needs the platform's webhook key") {
		t.Fatalf("a dispatcher without a key: %v", err)
	}
}

// TestPassOver: the cursor moves past a long stretch of events that concern the
// endpoint not at all, in one command, and its own moves do not feed one another.
func TestPassOver(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, e.clock.Now)
	srv := httptest.NewServer(rc)
	defer srv.Close()
	e.endpoint("acme-hooks", "acme", srv.URL+"/acme", "*")
	e.endpoint("initech-hooks", "initech", srv.URL+"/initech", "*")
	d := e.dispatcher()
	d.SkipAfter = 10
	// Making each endpoint also counted it in its organization's quota, an event of
	// its own, and so does each key: three keys (six events) after initech's endpoint
	// (two) keep the stretch of events that concern acme not at all short of SkipAfter.
	for i := range 3 {
		e.key("globex", "g"+jsonString(int64(i)))
	}
	start := e.endpointRecord("acme-hooks").Cursor
	e.poll(d)
	if w := e.endpointRecord("acme-hooks"); w.Cursor != start {
		t.Fatalf("the cursor moved past a stretch under SkipAfter: %d → %d", start, w.Cursor)
	}
	e.key("globex", "g9")
	e.poll(d)
	w := e.endpointRecord("acme-hooks")
	if w.Cursor < start+10 {
		t.Fatalf("the cursor did not move past 10 events: %d → %d", start, w.Cursor)
	}
	for range 5 {
		e.poll(d)
	}
	if n := e.countEvents("webhook_endpoint.advanced", `"id":"acme-hooks"`); n != 1 {
		t.Fatalf("%d moves of acme's cursor, want 1", n)
	}
	if n := len(rc.requests("/acme")) + len(rc.requests("/initech")); n != 0 {
		t.Fatalf("%d deliveries of events that concern no endpoint", n)
	}
	// A delivery moves the cursor over what came before it.
	e.key("globex", "g10")
	e.key("acme", "k1")
	e.poll(d)
	evs, _ := e.store.Events(context.Background(), 0, 100_000)
	var k1 int64
	for _, ev := range evs {
		if ev.Type == "api_key.created" && strings.Contains(string(ev.Data), `"id":"k1"`) {
			k1 = ev.Seq
		}
	}
	if w := e.endpointRecord("acme-hooks"); w.Cursor != k1 {
		t.Fatalf("cursor %d, want %d", w.Cursor, k1)
	}
}

// TestTimeout: an endpoint that does not answer in time failed.
func TestTimeout(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, e.clock.Now)
	srv := httptest.NewServer(rc)
	defer srv.Close()
	rc.hang["/acme"] = true
	e.endpoint("acme-hooks", "acme", srv.URL+"/acme", "*")
	e.key("acme", "k1")
	d := e.dispatcher()
	d.Timeout = 50 * time.Millisecond
	e.poll(d)
	reqs := rc.requests("/acme")
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	var seq int64
	json.Unmarshal([]byte(reqs[0].id), &seq)
	if rec := e.delivery("acme-hooks", seq); rec.Status != linkfin.WebhookFailed || rec.Error != "the endpoint did not answer in time" {
		t.Fatalf("a delivery that timed out: %+v", rec)
	}
}

// TestDefaultClient: the default client reaches no address of the platform's own
// network.
func TestDefaultClient(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	_, err := webhook.NewClient().Post(srv.URL, "application/json", strings.NewReader("{}"))
	if err == nil || !strings.Contains(err.Error(), "not a public one") {
		t.Fatalf("posting to %s: %v", srv.URL, err)
	}
}

func TestSignVerify(t *testing.T) {
	secret := webhook.Secret(key, "acme-hooks")
	at := time.Unix(1_800_000_000, 0)
	body := []byte(`{"id":"7","type":"invoice.approved","time":"2027-01-15T08:00:00Z","data":{"id":"inv-1"}}`)
	sig := webhook.Sign(secret, at, body)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("1800000000." + string(body)))
	if want := "t=1800000000,v1=" + hex.EncodeToString(m.Sum(nil)); sig != want {
		t.Fatalf("Sign = %s, want %s", sig, want)
	}
	other := webhook.Sign(webhook.Secret(key, "other"), at, body)
	_, otherV1, _ := strings.Cut(other, ",")
	for _, c := range []struct {
		name   string
		secret []byte
		header string
		body   []byte
		now    time.Time
		want   error
	}{
		{"valid", secret, sig, body, at.Add(time.Minute), nil},
		{"valid, just sent", secret, sig, body, at, nil},
		{"valid among others", secret, sig + "," + otherV1 + ",v0=x", body, at, nil},
		{"tampered body", secret, sig, []byte(strings.Replace(string(body), "inv-1", "inv-2", 1)), at, webhook.ErrSignature},
		{"wrong secret", webhook.Secret(key, "other"), sig, body, at, webhook.ErrSignature},
		{"another endpoint's signature", secret, other, body, at, webhook.ErrSignature},
		{"other platform key", webhook.Secret([]byte("another key"), "acme-hooks"), sig, body, at, webhook.ErrSignature},
		{"stale", secret, sig, body, at.Add(6 * time.Minute), webhook.ErrStale},
		{"from the future", secret, sig, body, at.Add(-6 * time.Minute), webhook.ErrStale},
		{"timestamp changed", secret, strings.Replace(sig, "t=1800000000", "t=1800000300", 1), body, at.Add(5 * time.Minute), webhook.ErrSignature},
		{"empty", secret, "", body, at, webhook.ErrMalformed},
		{"no timestamp", secret, strings.TrimPrefix(sig, "t=1800000000,"), body, at, webhook.ErrMalformed},
		{"no signature", secret, "t=1800000000", body, at, webhook.ErrMalformed},
		{"bad timestamp", secret, strings.Replace(sig, "t=1800000000", "t=soon", 1), body, at, webhook.ErrMalformed},
		{"bad hex", secret, "t=1800000000,v1=zz", body, at, webhook.ErrMalformed},
		{"two timestamps", secret, "t=1," + sig, body, at, webhook.ErrMalformed},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := webhook.Verify(c.secret, c.header, c.body, 5*time.Minute, c.now); !errors.Is(err, c.want) {
				t.Fatalf("Verify = %v, want %v", err, c.want)
			}
		})
	}
	// No tolerance means the default one.
	if err := webhook.Verify(secret, sig, body, 0, at.Add(webhook.DefaultTolerance+time.Second)); !errors.Is(err, webhook.ErrStale) {
		t.Fatalf("Verify with no tolerance = %v", err)
	}
}

func TestSecret(t *testing.T) {
	a, b := webhook.Secret(key, "a"), webhook.Secret(key, "b")
	if len(a) != 32 || hmac.Equal(a, b) || !hmac.Equal(a, webhook.Secret(key, "a")) || hmac.Equal(a, webhook.Secret([]byte("k2"), "a")) {
		t.Fatal("a secret is not one per key and endpoint")
	}
	s := webhook.FormatSecret(a)
	if !strings.HasPrefix(s, webhook.SecretPrefix) || len(s) != len(webhook.SecretPrefix)+64 {
		t.Fatalf("FormatSecret = %s", s)
	}
	if back, err := webhook.ParseSecret(s); err != nil || !hmac.Equal(back, a) {
		t.Fatalf("ParseSecret = %x, %v", back, err)
	}
	for _, bad := range []string{"", hex.EncodeToString(a), webhook.SecretPrefix + "zz", webhook.SecretPrefix + hex.EncodeToString(a[:16])} {
		if _, err := webhook.ParseSecret(bad); err == nil {
			t.Errorf("ParseSecret(%q) took it", bad)
		}
	}
}

// TestFilters: what an endpoint's filters take, and what they may be.
func TestFilters(t *testing.T) {
	w := linkfin.WebhookEndpoint{ID: "h", OrgID: "acme", URL: "https://a.example/h", Events: []string{"invoice.*", "financing.accepted"}}
	for typ, want := range map[string]bool{
		"invoice.approved": true, "invoice.disputed": true, "financing.accepted": true, "financing.quoted": false,
		"invoice_number.registered": false, "payable.created": false, "invoice": false,
	} {
		if w.Wants(typ) != want {
			t.Errorf("%v wants %s: %v", w.Events, typ, !want)
		}
	}
	w.Events = []string{"*"}
	for typ, want := range map[string]bool{"payable.paid": true, "webhook_delivery.delivered": false, "webhook_endpoint.advanced": false} {
		if w.Wants(typ) != want {
			t.Errorf("* wants %s: %v", typ, !want)
		}
	}
	for _, events := range [][]string{nil, {""}, {"invoice"}, {"Invoice.*"}, {"*.approved"}, {"invoice.*.x"}, {"webhook_endpoint.*"}, {"a.b", "a.b"}} {
		w.Events = events
		if err := w.Validate(); linkfin.ErrorCode(err) != linkfin.EINVALID {
			t.Errorf("filters %q: %v", events, err)
		}
	}
	w.Events = []string{"*", "shipment.picked_up", "certificate.*"}
	if err := w.Validate(); err != nil {
		t.Error(err)
	}
}

// TestManyInOnePoll: a poll delivers everything pending, beyond one round's bound, in
// order.
func TestManyInOnePoll(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, e.clock.Now)
	srv := httptest.NewServer(rc)
	defer srv.Close()
	rc.secrets["/acme"] = webhook.Secret(key, "acme-hooks")
	e.endpoint("acme-hooks", "acme", srv.URL+"/acme", "api_key.created")
	var want []string
	for i := range 250 {
		id := "k" + jsonString(int64(i))
		e.key("acme", id)
		// Revoked at once: an organization holds at most linkfin.MaxAPIKeys live keys.
		e.submit(&services.RevokeAPIKey{Actor: "acme", ID: id})
		want = append(want, "api_key.created "+id)
	}
	e.poll(e.dispatcher())
	if got := rc.acked("/acme"); !slices.Equal(got, want) {
		t.Fatalf("acknowledged %d events, want %d in order", len(got), len(want))
	}
}

// TestNoAddressSetApart: the default client dials no address that the IANA's
// registries set apart as not public, whether Go calls it global unicast or not, nor
// one that carries such an IPv4 address through NAT64 or 6to4: each is refused before
// any connection is made.
func TestNoAddressSetApart(t *testing.T) {
	client := webhook.NewClient()
	post := func(host string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+host+":8080/hook", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	for _, host := range []string{
		"0.0.0.1", "192.0.0.8", "192.0.2.1", "198.18.0.1", "198.19.255.254", "198.51.100.7", "203.0.113.9", "240.0.0.1",
		"[::7f00:1]", "[::ffff:0:7f00:1]", "[64:ff9b::7f00:1]", "[64:ff9b::a9fe:a9fe]", "[64:ff9b::a00:1]",
		"[64:ff9b:1::a00:1]", "[2002:7f00:1::1]", "[2002:a9fe:a9fe::1]", "[2001::1]", "[2001:db8::1]", "[fec0::1]",
		"[100::1]", "[3fff::1]",
	} {
		if err := post(host); err == nil || !strings.Contains(err.Error(), "not a public one") {
			t.Errorf("posting to %s: %v, want the address refused as not a public one", host, err)
		}
	}
}
