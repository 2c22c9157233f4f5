package http_test

import (
	"encoding/json"
	"net/http"
	"reflect"
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
	wantJSON(t, admin.change("POST", "/v1/users/"+bob.ID+"/password", `{"password":"a new horse battery"}`), http.StatusOK, nil)
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
	wantJSON(t, p.as("anchor", "POST", "/v1/organizations/anchor/sign-in-policy", `{"require_second_factor":true}`), http.StatusOK, nil)
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
