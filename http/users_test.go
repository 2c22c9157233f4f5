package http_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pquerna/otp/totp"

	"linkfin"
	lfhttp "linkfin/http"
	"linkfin/services"
)

// browser is a signed-in user's cookie and CSRF token.
type browser struct {
	p      *platform
	cookie string
	csrf   string
}

// signIn signs in over the API and checks the cookie it sets.
func (p *platform) signIn(t *testing.T, name, password, code string) *browser {
	t.Helper()
	body, _ := json.Marshal(linkfin.SignInIn{Name: name, Password: password, Code: code})
	r := p.do("POST", "/v1/sessions", string(body), "Authorization", "")
	var out linkfin.SessionOut
	wantJSON(t, r, http.StatusCreated, &out)
	resp := http.Response{Header: r.header}
	var c *http.Cookie
	for _, x := range resp.Cookies() {
		if x.Name == lfhttp.SessionCookie {
			c = x
		}
	}
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Secure || c.Expires.IsZero() {
		t.Fatalf("the session cookie: %+v", c)
	}
	if out.CSRFToken == "" || !out.Current || out.Status != "live" || strings.Contains(string(r.body), c.Value) {
		t.Fatalf("signed in: %s", r.body)
	}
	return &browser{p: p, cookie: c.Value, csrf: out.CSRFToken}
}

// do sends a request with the session's cookie and no key; headers follow, as for
// api.do (the CSRF token is not sent unless given).
func (b *browser) do(method, path, body string, headers ...string) reply {
	b.p.t.Helper()
	return b.p.do(method, path, body, append([]string{"Authorization", "", "Cookie", lfhttp.SessionCookie + "=" + b.cookie}, headers...)...)
}

// change sends a request that changes something, with the CSRF token.
func (b *browser) change(method, path, body string) reply {
	b.p.t.Helper()
	return b.do(method, path, body, "X-CSRF-Token", b.csrf)
}

func TestSessions(t *testing.T) {
	p := newPlatform(t)
	// The anchor's admin key makes users; passwords are bounded and never answered.
	for body, code := range map[string]string{
		`{"name":"bob@anchor.example","role":"finance","password":"short"}`:                            linkfin.EPASSWORDSHORT,
		`{"name":"bob@anchor.example","role":"finance","password":"` + strings.Repeat("p", 257) + `"}`: linkfin.EPASSWORDLONG,
		`{"name":"ann@anchor.example","role":"finance","password":"correct horse battery"}`:            services.EUSERNAMETAKEN,
		`{"name":"bob@anchor.example","role":"boss","password":"correct horse battery"}`:               linkfin.EINVALID,
	} {
		wantProblem(t, p.as("anchor", "POST", "/v1/users", body), statusFor(code), code)
	}
	var bob linkfin.User
	r := p.as("anchor", "POST", "/v1/users", `{"name":"Bob@Anchor.example","display_name":"Bob","role":"finance","language":"en","password":"correct horse battery"}`)
	wantJSON(t, r, http.StatusCreated, &bob)
	if bob.Name != "bob@anchor.example" || bob.OrgID != "anchor" || bob.Role != linkfin.RoleFinance || strings.Contains(string(r.body), "argon2") ||
		strings.Contains(string(r.body), "password") {
		t.Fatalf("made %s", r.body)
	}
	var users linkfin.List[linkfin.User]
	wantJSON(t, p.as("anchor-viewer", "GET", "/v1/users", ""), http.StatusOK, &users)
	wantJSON(t, p.as("outsider", "GET", "/v1/users", ""), http.StatusOK, &users)
	if len(users.Data) != 0 {
		t.Fatalf("the outsider lists %d users", len(users.Data))
	}

	// Sign in: wrong password, wrong name, then right; a cookie set before signing in
	// opens nothing after (no fixation).
	wantProblem(t, p.do("POST", "/v1/sessions", `{"name":"bob@anchor.example","password":"wrong horse battery"}`, "Authorization", ""), 401, linkfin.EUNAUTHORIZED)
	wantProblem(t, p.do("POST", "/v1/sessions", `{"name":"nobody","password":"correct horse battery"}`, "Authorization", ""), 401, linkfin.EUNAUTHORIZED)
	wantProblem(t, p.do("POST", "/v1/sessions", `{"name":"bob@anchor.example"}`, "Authorization", ""), 400, lfhttp.EMISSING)
	planted := p.session.Session.ID + "." + strings.Repeat("A", 43)
	bob1 := p.signIn(t, "bob@anchor.example", "correct horse battery", "")
	if bob1.cookie == planted {
		t.Fatal("the planted cookie was kept")
	}
	wantProblem(t, (&browser{p: p, cookie: planted}).do("GET", "/v1/purchase-orders/PO-1", ""), 401, linkfin.EUNAUTHORIZED)

	// The session reads as its organization.
	wantJSON(t, bob1.do("GET", "/v1/purchase-orders/PO-1", ""), http.StatusOK, nil)
	wantProblem(t, bob1.do("GET", "/v1/users/"+bob.ID+"x", ""), 404, linkfin.ENOTFOUND)

	// A change without the CSRF token, or from another origin, is refused and changes
	// nothing; with the token from the API's origin, it runs.
	base := p.snapshot()
	wantProblem(t, bob1.do("POST", "/v1/purchase-orders/PO-1/cancel", ""), 403, services.ECSRF)
	wantProblem(t, bob1.do("POST", "/v1/purchase-orders/PO-1/cancel", "", "X-CSRF-Token", "forged"), 403, services.ECSRF)
	wantProblem(t, bob1.do("POST", "/v1/purchase-orders/PO-1/cancel", "", "X-CSRF-Token", bob1.csrf, "Origin", "https://evil.example"), 403, services.ECSRF)
	wantProblem(t, bob1.do("POST", "/v1/purchase-orders/PO-1/cancel", "", "X-CSRF-Token", bob1.csrf, "Sec-Fetch-Site", "cross-site"), 403, services.ECSRF)
	wantProblem(t, bob1.do("DELETE", "/v1/sessions/current", ""), 403, services.ECSRF)
	if after := p.snapshot(); !reflect.DeepEqual(after, base) {
		t.Fatal("a refused request changed the store")
	}
	// A finance user is not an admin.
	wantProblem(t, bob1.change("POST", "/v1/users", `{"name":"eve@anchor.example","role":"admin","password":"correct horse battery"}`), 403, linkfin.EFORBIDDEN)

	// Sessions: listed for the user; another of its sessions revoked; sign out.
	bob2 := p.signIn(t, "bob@anchor.example", "correct horse battery", "")
	var list linkfin.List[linkfin.SessionOut]
	wantJSON(t, bob1.do("GET", "/v1/sessions", ""), http.StatusOK, &list)
	if len(list.Data) != 2 || !list.Data[0].Current || list.Data[1].Current || list.Data[0].UserID != bob.ID {
		t.Fatalf("bob's sessions: %+v", list.Data)
	}
	var revoked linkfin.RevokedOut
	wantJSON(t, bob1.change("POST", "/v1/sessions/current/revoke-others", ""), http.StatusOK, &revoked)
	if revoked.Revoked != 1 {
		t.Fatalf("revoked %d", revoked.Revoked)
	}
	wantProblem(t, bob2.do("GET", "/v1/purchase-orders/PO-1", ""), 401, linkfin.EUNAUTHORIZED)
	r = bob1.change("DELETE", "/v1/sessions/current", "")
	wantJSON(t, r, http.StatusOK, nil)
	if c := r.header.Get("Set-Cookie"); !strings.Contains(c, lfhttp.SessionCookie+"=;") || !strings.Contains(c, "Max-Age=0") {
		t.Fatalf("sign out sets %q", c)
	}
	wantProblem(t, bob1.do("GET", "/v1/purchase-orders/PO-1", ""), 401, linkfin.EUNAUTHORIZED)
	evs := p.eventsOf(t, "session.")
	if got := strings.Join(evs, " "); !strings.Contains(got, "session.created") || !strings.Contains(got, "session.revoked") {
		t.Fatalf("the log's session events: %s", got)
	}

	// The admin revokes a user's session, disables it, and resets its password.
	bob3 := p.signIn(t, "bob@anchor.example", "correct horse battery", "")
	wantJSON(t, bob3.do("GET", "/v1/sessions/current", ""), http.StatusOK, nil)
	var cur linkfin.SessionOut
	wantJSON(t, bob3.do("GET", "/v1/sessions/current", ""), http.StatusOK, &cur)
	wantProblem(t, p.as("outsider", "DELETE", "/v1/sessions/"+cur.ID, ""), 404, linkfin.ENOTFOUND)
	wantJSON(t, p.as("anchor", "DELETE", "/v1/sessions/"+cur.ID, ""), http.StatusOK, nil)
	wantProblem(t, bob3.do("GET", "/v1/sessions/current", ""), 401, linkfin.EUNAUTHORIZED)
	bob4 := p.signIn(t, "bob@anchor.example", "correct horse battery", "")
	admin := p.signIn(t, "ann@anchor.example", "correct horse battery", "")
	var changed linkfin.User
	wantJSON(t, admin.change("PATCH", "/v1/users/"+bob.ID, `{"status":"disabled"}`), http.StatusOK, &changed)
	if changed.Status != linkfin.UserDisabled || changed.UpdatedBy != "user:"+p.user.ID {
		t.Fatalf("disabled %+v", changed)
	}
	wantProblem(t, bob4.do("GET", "/v1/purchase-orders/PO-1", ""), 401, linkfin.EUNAUTHORIZED)
	wantProblem(t, admin.change("PATCH", "/v1/users/"+p.user.ID, `{"role":"viewer"}`), 403, linkfin.EFORBIDDEN)
	wantJSON(t, p.as("anchor", "PATCH", "/v1/users/"+bob.ID, `{"status":"active"}`), http.StatusOK, nil)
	// Enabled again, bob's session from before stays ended (it may have been a thief's),
	// and the lists say so.
	wantProblem(t, bob4.do("GET", "/v1/purchase-orders/PO-1", ""), 401, linkfin.EUNAUTHORIZED)
	var bob4s linkfin.SessionOut
	bob6 := p.signIn(t, "bob@anchor.example", "correct horse battery", "")
	var mine linkfin.List[linkfin.SessionOut]
	wantJSON(t, bob6.do("GET", "/v1/sessions", ""), http.StatusOK, &mine)
	for _, s := range mine.Data {
		switch {
		case s.Current && s.Status != "live":
			t.Fatalf("the session in use is %s", s.Status)
		case !s.Current && s.Status == "live":
			t.Fatalf("bob's session %s from before he was disabled is live: %+v", s.ID, mine.Data)
		case !s.Current:
			bob4s = s
		}
	}
	var org linkfin.List[linkfin.SessionOut]
	wantJSON(t, p.as("anchor", "GET", "/v1/sessions?limit=1000", ""), http.StatusOK, &org)
	live := 0
	for _, s := range org.Data {
		if s.UserID == bob.ID && s.Status == "live" {
			live++
		}
	}
	if bob4s.ID == "" || live != 1 {
		t.Fatalf("the admin sees %d live sessions of bob's, after one sign-in since he was enabled: %+v", live, org.Data)
	}
	wantJSON(t, admin.change("POST", "/v1/users/"+bob.ID+"/password", `{"password":"a new horse battery"}`), http.StatusOK, nil)
	wantJSON(t, p.as("anchor", "GET", "/v1/sessions?limit=1000", ""), http.StatusOK, &org)
	for _, s := range org.Data {
		if s.UserID == bob.ID && s.Status == "live" {
			t.Fatalf("bob's session %s is live after his password changed", s.ID)
		}
	}
	wantProblem(t, p.do("POST", "/v1/sessions", `{"name":"bob@anchor.example","password":"correct horse battery"}`, "Authorization", ""), 401, linkfin.EUNAUTHORIZED)
	bob5 := p.signIn(t, "bob@anchor.example", "a new horse battery", "")
	// The user sets its own password with its current one.
	wantProblem(t, bob5.change("POST", "/v1/users/"+bob.ID+"/password", `{"password":"my own horse battery","current_password":"wrong horse battery"}`),
		401, linkfin.EUNAUTHORIZED)
	wantJSON(t, bob5.change("POST", "/v1/users/"+bob.ID+"/password", `{"password":"my own horse battery","current_password":"a new horse battery"}`),
		http.StatusOK, nil)
	p.signIn(t, "bob@anchor.example", "my own horse battery", "")
}

func TestSignInLimited(t *testing.T) {
	p := newPlatform(t)
	p.srv.Auth.SetSignInLimit(1, 2, 60, 100)
	for range 2 {
		wantProblem(t, p.do("POST", "/v1/sessions", `{"name":"ann@anchor.example","password":"wrong horse battery"}`, "Authorization", ""), 401, linkfin.EUNAUTHORIZED)
	}
	r := p.do("POST", "/v1/sessions", `{"name":"ann@anchor.example","password":"correct horse battery"}`, "Authorization", "")
	wantProblem(t, r, http.StatusTooManyRequests, services.ESIGNINLIMITED)
	if r.header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
}

func TestSecondFactorOverAPI(t *testing.T) {
	p := newPlatform(t)
	before := p.signIn(t, "ann@anchor.example", "correct horse battery", "")
	wantJSON(t, before.do("GET", "/v1/purchase-orders/PO-1", ""), http.StatusOK, nil)
	wantJSON(t, p.as("anchor", "POST", "/v1/organizations/anchor/sign-in-policy", `{"require_second_factor":true}`), http.StatusOK, nil)
	// The policy binds a session opened before it.
	wantProblem(t, before.do("GET", "/v1/purchase-orders/PO-1", ""), 403, services.EENROLLREQUIRED)
	wantProblem(t, p.as("outsider", "POST", "/v1/organizations/anchor/sign-in-policy", `{"require_second_factor":false}`), 404, linkfin.ENOTFOUND)
	ann := p.signIn(t, "ann@anchor.example", "correct horse battery", "")
	// Until it enrolls, the session does nothing else.
	wantProblem(t, ann.do("GET", "/v1/purchase-orders/PO-1", ""), 403, services.EENROLLREQUIRED)
	var en linkfin.TOTPEnrollment
	wantJSON(t, ann.change("POST", "/v1/users/"+p.user.ID+"/totp", ""), http.StatusOK, &en)
	wantProblem(t, p.as("anchor", "POST", "/v1/users/"+p.user.ID+"/totp", ""), 403, linkfin.EFORBIDDEN)
	code, _ := totp.GenerateCode(en.Secret, p.clock.Now())
	wantJSON(t, ann.change("POST", "/v1/users/"+p.user.ID+"/totp/confirm", `{"code":"`+code+`"}`), http.StatusOK, nil)
	wantJSON(t, ann.do("GET", "/v1/purchase-orders/PO-1", ""), http.StatusOK, nil)
	wantProblem(t, p.do("POST", "/v1/sessions", `{"name":"ann@anchor.example","password":"correct horse battery"}`, "Authorization", ""), 401, services.ETOTPREQUIRED)
	wantProblem(t, p.do("POST", "/v1/sessions", `{"name":"ann@anchor.example","password":"correct horse battery","code":"`+code+`"}`, "Authorization", ""),
		401, services.ETOTPREPLAYED)
}

// statusFor is the status a refusal's code answers.
func statusFor(code string) int {
	switch code {
	case services.EUSERNAMETAKEN:
		return http.StatusConflict
	}
	return http.StatusBadRequest
}

// eventsOf lists the types of the log's events that start with prefix.
func (p *platform) eventsOf(t *testing.T, prefix string) []string {
	evs, err := p.store.Events(t.Context(), 0, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		if strings.HasPrefix(e.Type, prefix) {
			out = append(out, e.Type)
		}
	}
	return out
}

// TestAttribution: every change sent with a key or a session is followed in the log by
// an attribution naming the key or the user and the records it wrote, which the
// acting organization reads and its counterparty does not.
func TestAttribution(t *testing.T) {
	p := newPlatform(t)
	ann := p.signIn(t, "ann@anchor.example", "correct horse battery", "")
	po := `{"number":"PO-7","seller_id":"tier1","program_id":"auto-scf","currency":"CNY","lines":[{"line_id":"1","item":"x","quantity":1,"unit":"EA","unit_price":100}]}`
	var made linkfin.PurchaseOrder
	wantJSON(t, ann.change("POST", "/v1/purchase-orders", po), http.StatusCreated, &made)
	keyID, _ := linkfin.ParseAPIKey(p.keys["tier1"])
	wantJSON(t, p.as("tier1", "POST", "/v1/purchase-orders/"+made.ID+"/accept", ""), http.StatusOK, nil)
	// What changes nothing (accepting again), or is refused, leaves no attribution.
	wantJSON(t, p.as("tier1", "POST", "/v1/purchase-orders/"+made.ID+"/accept", ""), http.StatusOK, nil)
	if r := p.as("tier1", "POST", "/v1/purchase-orders/"+made.ID+"/cancel", ""); r.status < 400 {
		t.Fatalf("the seller cancels: %d", r.status)
	}

	evs, err := p.store.Events(t.Context(), 0, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	var got []linkfin.Attribution
	for i, e := range evs {
		if e.Type != "attribution.recorded" {
			continue
		}
		var a linkfin.Attribution
		if err := json.Unmarshal(e.Data, &a); err != nil {
			t.Fatal(err)
		}
		// The attribution follows the records it names.
		if prev := evs[i-1]; !strings.HasPrefix(prev.Type, strings.Split(a.Records[len(a.Records)-1], "/")[0]+".") {
			t.Errorf("attribution %s follows %s", e.Data, prev.Type)
		}
		got = append(got, a)
	}
	want := []linkfin.Attribution{
		{OrgID: "anchor", By: "user:" + p.user.ID, Records: []string{"purchase_order_number/anchor/PO-7", "purchase_order/" + made.ID}},
		{OrgID: "tier1", By: "key:" + keyID, Records: []string{"purchase_order/" + made.ID}},
	}
	if len(got) != len(want) {
		t.Fatalf("attributions %+v, want %+v", got, want)
	}
	for i := range want {
		got[i].ID = ""
		if want[i].OrgID != got[i].OrgID || want[i].By != got[i].By || !slices.Contains(got[i].Records, "purchase_order/"+made.ID) {
			t.Errorf("attribution %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	// The anchor reads its own, not tier1's; tier1 its own.
	for org, by := range map[string]string{"anchor": "user:" + p.user.ID, "tier1": "key:" + keyID} {
		list, _, err := services.Events(t.Context(), p.store, linkfin.Viewer{Org: org}, -1, 100_000)
		if err != nil {
			t.Fatal(err)
		}
		var seen []string
		for _, e := range list {
			if e.Type == "attribution.recorded" {
				var a linkfin.Attribution
				json.Unmarshal(e.Data, &a)
				seen = append(seen, a.By)
			}
		}
		if len(seen) != 1 || seen[0] != by {
			t.Errorf("%s reads attributions by %v, want [%s]", org, seen, by)
		}
	}
}

// TestSessionCookieSecureUnderTLS: a sign-in over TLS sets a Secure cookie, and so does
// one over plain HTTP to a server reached over HTTPS through a proxy (Server.HTTPS).
func TestSessionCookieSecureUnderTLS(t *testing.T) {
	p := newPlatform(t)
	for _, proxied := range []bool{false, true} {
		p.srv.HTTPS = proxied
		for _, target := range []string{"https://linkfin.example/v1/sessions", "http://linkfin.example/v1/sessions"} {
			req := httptest.NewRequest("POST", target, strings.NewReader(`{"name":"ann@anchor.example","password":"correct horse battery"}`))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			p.srv.ServeHTTP(rec, req)
			cookies := rec.Result().Cookies()
			if rec.Code != http.StatusCreated || len(cookies) != 1 || cookies[0].Secure != (req.TLS != nil || proxied) || !cookies[0].HttpOnly {
				t.Fatalf("%s, HTTPS %v: %d %+v", target, proxied, rec.Code, cookies)
			}
		}
	}
}

// TestPasswordsOutOfFingerprints: a request's fingerprint, kept with its answer under
// its Idempotency-Key, holds no password (a fast hash of one could be guessed by
// whoever reads the database, past Argon2id): the stored hash is that of the body with
// the password set aside, and a retry that differs only in the password is answered
// as the first, not refused as another request.
func TestPasswordsOutOfFingerprints(t *testing.T) {
	p := newPlatform(t)
	const path = "/v1/users"
	body := func(pw string) string {
		return `{"name":"fp@anchor.example","role":"finance","password":"` + pw + `"}`
	}
	wantJSON(t, p.as("anchor", "POST", path, body("first horse battery"), "Idempotency-Key", "fp-1"), http.StatusCreated, nil)
	r := p.as("anchor", "POST", path, body("other horse battery"), "Idempotency-Key", "fp-1")
	if r.status != http.StatusCreated || r.header.Get("Idempotency-Hit") != "true" {
		t.Fatalf("a retry with another password: %d %s", r.status, r.body)
	}
	// Anything else in the body still makes another request.
	wantProblem(t, p.as("anchor", "POST", path, `{"name":"fp@anchor.example","role":"viewer","password":"first horse battery"}`, "Idempotency-Key", "fp-1"),
		http.StatusConflict, "idempotency_key_reused")
	recs, err := p.store.IdempotencyByKey(context.Background(), []string{"org/anchor:fp-1"})
	if err != nil || len(recs) != 1 {
		t.Fatalf("the key's record: %+v, %v", recs, err)
	}
	hash := func(b string) []byte {
		h := sha256.Sum256([]byte("POST " + path + "?\n" + b))
		return h[:]
	}
	if bytes.Equal(recs[0].RequestHash, hash(body("first horse battery"))) ||
		!bytes.Equal(recs[0].RequestHash, hash(`{"name":"fp@anchor.example","password":"secret","role":"finance"}`)) {
		t.Fatalf("the fingerprint kept is %x", recs[0].RequestHash)
	}
}

// TestSecretsTagged: a body field that carries a password, a one-time code or another
// secret is tagged secret:"true" on every route, so that no fingerprint keeps it and
// the OpenAPI document marks it writeOnly; a route added with one is covered by its
// type, with no list to keep.
func TestSecretsTagged(t *testing.T) {
	p := newPlatform(t)
	secretName := func(name string) bool {
		return strings.Contains(name, "password") || name == "code" || name == "totp" || name == "secret"
	}
	found := 0
	for _, rt := range p.srv.Routes() {
		if rt.In == nil || rt.In.Kind() != reflect.Struct {
			continue
		}
		for i := 0; i < rt.In.NumField(); i++ {
			f := rt.In.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !secretName(name) || f.Type.Kind() != reflect.String {
				continue // a ledger code is a number, no secret
			}
			found++
			if f.Tag.Get("secret") != "true" {
				t.Errorf("%s: %s.%s (%q) carries a secret and is not tagged secret:\"true\"", rt.Pattern, rt.In, f.Name, name)
			}
		}
	}
	if found < 5 {
		t.Fatalf("found %d secret fields on the routes; the users' routes have at least 5", found)
	}
	doc := p.as("anchor", "GET", "/v1/openapi.json", "")
	var spec struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]map[string]any `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(doc.body, &spec); err != nil {
		t.Fatal(err)
	}
	for typ, field := range map[string]string{"UserIn": "password", "PasswordIn": "current_password", "TOTPCodeIn": "code", "SignInIn": "password"} {
		s := spec.Components.Schemas[typ].Properties[field]
		if s["writeOnly"] != true || s["format"] != "password" {
			t.Errorf("the OpenAPI document's %s.%s: %v, want writeOnly and format password", typ, field, s)
		}
	}
}
