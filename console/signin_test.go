package console

import (
	"bytes"
	"context"
	"crypto/sha256"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"linkfin"
	"linkfin/engine"
	"linkfin/services"
)

// Signing in and out: a wrong password changes nothing and says so in the person's
// language; a cookie planted before signing in is never the session's (fixation); the
// session's cookie is HttpOnly and SameSite=Strict; signing out ends the session for
// good; a form from another site is refused; too many failures are limited.
func TestSignInAndOut(t *testing.T) {
	s := newSite(t)
	name := s.user("tier1", linkfin.RoleFinance, "zh-CN")

	b := s.browser()
	if code, page := b.signIn(name, "not the password", ""); code != http.StatusUnauthorized || !strings.Contains(page, "登录名、密码或验证码不正确") {
		t.Fatalf("a wrong password: %d\n%s", code, page)
	}
	if b.cookie(sessionCookie) != "" {
		t.Fatal("a failed sign-in set a session cookie")
	}

	// Fixation: whatever session cookie the browser had, signing in gives a new one.
	u, _ := url.Parse(b.base)
	b.jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: "planted.by-someone-else", Path: "/"}})
	_, page := b.get("/sign-in")
	req, _ := http.NewRequest("POST", b.base+"/sign-in", strings.NewReader(url.Values{"csrf": {hidden(page, "csrf")}, "name": {name}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var set *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie {
			set = ck
		}
	}
	if resp.StatusCode != http.StatusSeeOther || set == nil || set.Value == "planted.by-someone-else" || !set.HttpOnly || set.SameSite != http.SameSiteStrictMode {
		t.Fatalf("signing in: %d, cookie %+v", resp.StatusCode, set)
	}
	code, home := b.get("/")
	if code != http.StatusOK || !strings.Contains(home, `lang="zh-CN"`) || !strings.Contains(home, "钱包余额") {
		t.Fatalf("home after signing in, in the user's language: %d\n%s", code, home)
	}

	// A form from another site is refused, even with the token.
	req, _ = http.NewRequest("POST", b.base+"/sign-out", strings.NewReader(url.Values{"csrf": {hidden(home, "csrf")}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	if resp, err := b.c.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a cross-site sign-out: %v %v", resp.StatusCode, err)
	}
	// As the API: a browser that says the form is from another site (Sec-Fetch-Site),
	// or from an opaque origin (a sandboxed frame, a data: page), is refused too.
	for _, h := range []map[string]string{{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
		{"Origin": "null", "Sec-Fetch-Site": "cross-site"}, {"Origin": "null"}} {
		req, _ = http.NewRequest("POST", b.base+"/sign-out", strings.NewReader(url.Values{"csrf": {hidden(home, "csrf")}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		if resp, err := b.c.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("a sign-out with %v: %v %v", h, resp.StatusCode, err)
		}
	}
	if code, _ := b.get("/"); code != http.StatusOK {
		t.Fatal("a cross-site form ended the session")
	}

	// Signing out ends the session: its cookie, replayed, opens nothing.
	token := b.cookie(sessionCookie)
	if code, _ := b.post("/sign-out", url.Values{"csrf": {hidden(home, "csrf")}}); code != http.StatusSeeOther {
		t.Fatalf("sign out: %d", code)
	}
	replay := s.browser()
	replay.jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: token, Path: "/"}})
	if code, _ := replay.get("/"); code != http.StatusSeeOther {
		t.Fatalf("the signed-out session's cookie still opens the console: %d", code)
	}

	// Failures are limited per name: the eleventh in a row waits.
	limited := 0
	for range 12 {
		if code, _ := s.browser().signIn(name, "wrong wrong wrong", ""); code == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited == 0 {
		t.Fatal("twelve wrong passwords in a row were never limited")
	}
}

// A person sets up a second factor from its account page, and from then on signs in
// with its code as well; a code used once does not sign in twice. It sees its sessions
// and ends the others.
func TestSecondFactor(t *testing.T) {
	s := newSite(t)
	c := s.as("tier1", linkfin.RoleAdmin)
	other := s.as("tier1", linkfin.RoleAdmin) // the same user, signed in elsewhere
	code, page := c.get("/account")
	if code != http.StatusOK || strings.Count(page, "this browser") != 1 || strings.Count(page, ">live") < 2 {
		t.Fatalf("the account page: %d\n%s", code, page)
	}
	code, page = c.post("/account/totp", url.Values{"csrf": {hidden(page, "csrf")}})
	secret := regexp.MustCompile(`<code class="secret">([A-Z2-7]+)</code>`).FindStringSubmatch(page)
	if code != http.StatusOK || secret == nil || !strings.Contains(page, `href="otpauth://totp/`) || strings.Contains(page, "ZgotmplZ") {
		t.Fatalf("enrolling: %d\n%s", code, page)
	}
	// The page answers a form: its language links go back to the account page, which
	// a GET finds, not to the form's address.
	back := regexp.MustCompile(`back=([^"&]*)"`).FindAllStringSubmatch(page, -1)
	if len(back) == 0 {
		t.Fatalf("no language link on the answer to a form:\n%s", page)
	}
	for _, b := range back {
		if u, _ := url.QueryUnescape(b[1]); u != "/account" {
			t.Fatalf("a language link goes back to %q", u)
		}
	}
	if code, body := c.post("/account/totp/confirm", url.Values{"csrf": {hidden(page, "csrf")}, "code": {"000000"}}); code != http.StatusBadRequest {
		t.Fatalf("a wrong first code: %d\n%s", code, body)
	}
	first, err := totp.GenerateCode(secret[1], s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if code, body := c.submit("/account/totp/confirm", url.Values{"csrf": {hidden(page, "csrf")}, "code": {first}}); code != http.StatusOK || !strings.Contains(body, "The second factor is on") {
		t.Fatalf("confirming: %d\n%s", code, body)
	}
	name := "tier1-admin"
	if code, body := s.browser().signIn(name, password, ""); code != http.StatusUnauthorized || !strings.Contains(body, "身份验证器显示的动态码") {
		t.Fatalf("signing in without the code: %d\n%s", code, body)
	}
	s.clock.Advance(31 * time.Second)
	next, _ := totp.GenerateCode(secret[1], s.clock.Now())
	if code, _ := s.browser().signIn(name, password, next); code != http.StatusSeeOther {
		t.Fatalf("signing in with the code: %d", code)
	}
	if code, _ := s.browser().signIn(name, password, next); code != http.StatusUnauthorized {
		t.Fatalf("the same code again: %d", code)
	}
	// Sign out everywhere else: the other browser's session ends.
	_, page = c.get("/account")
	if code, body := c.submit("/account/sessions/revoke", url.Values{"csrf": {hidden(page, "csrf")}}); code != http.StatusOK || !strings.Contains(body, "other sessions ended") {
		t.Fatalf("revoking the others: %d\n%s", code, body)
	}
	if code, _ := other.get("/"); code != http.StatusSeeOther {
		t.Fatalf("the other browser is still signed in: %d", code)
	}
	if code, _ := c.get("/"); code != http.StatusOK {
		t.Fatalf("this browser was signed out too: %d", code)
	}
}

// An organization that requires a second factor of its finance and admin users gives
// one without it a session that only sets one up: every other page sends it to its
// account, and no form of another page is taken.
func TestSecondFactorRequired(t *testing.T) {
	s := newSite(t)
	c := s.as("anchor", linkfin.RoleFinance)
	s.auth.ForgetOrg("anchor")
	s.run(&services.SetSignInPolicy{OrgID: "anchor", Policy: linkfin.SignInPolicyIn{RequireSecondFactor: true}})
	s.auth.ForgetOrg("anchor")
	code, page := c.get("/invoices/inv-1")
	if code != http.StatusSeeOther {
		t.Fatalf("a page of an enroll-only session: %d\n%s", code, page)
	}
	code, page = c.get("/account")
	if code != http.StatusOK || !strings.Contains(page, "requires a second factor") {
		t.Fatalf("the account page of an enroll-only session: %d\n%s", code, page)
	}
	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {"k-1"}}
	if code, _ := c.post("/invoices/inv-1/approve", form); code != http.StatusForbidden {
		t.Fatalf("an approval from an enroll-only session: %d", code)
	}
	if s.invoice("inv-1").Status != linkfin.InvoiceMatched {
		t.Fatal("an enroll-only session approved the invoice")
	}
}

// An organization's admin makes a user, who signs in; disabling it ends its session;
// a user who is not an admin manages no one.
func TestUsersPage(t *testing.T) {
	s := newSite(t)
	admin := s.as("tier1", linkfin.RoleAdmin)
	code, page := admin.get("/users")
	if code != http.StatusOK || !strings.Contains(page, "tier1-admin") {
		t.Fatalf("the users page: %d\n%s", code, page)
	}
	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")},
		"name": {"clerk@tier1"}, "display_name": {"Clerk"}, "role": {"viewer"}, "language": {"en"}, "password": {"a clerk's long password"}}
	if code, body := admin.submit("/users", form); code != http.StatusOK || !strings.Contains(body, "User clerk@tier1 made") {
		t.Fatalf("making a user: %d\n%s", code, body)
	}
	// The form's fingerprint, kept with its answer, holds no password: a fast hash of
	// it could be guessed past Argon2id by whoever reads the database.
	recs, err := s.store.IdempotencyByKey(t.Context(), []string{"console:tier1:" + form.Get("idempotency_key")})
	if err != nil || len(recs) != 1 {
		t.Fatalf("the form's record: %+v, %v", recs, err)
	}
	fingerprint := func(password string) []byte {
		v := url.Values{"name": {"clerk@tier1"}, "display_name": {"Clerk"}, "role": {"viewer"}, "language": {"en"}, "password": {password}}
		h := sha256.Sum256([]byte(engine.Name(&services.CreateUser{}) + "\n" + v.Encode()))
		return h[:]
	}
	if bytes.Equal(recs[0].RequestHash, fingerprint("a clerk's long password")) || !bytes.Equal(recs[0].RequestHash, fingerprint("secret")) {
		t.Fatalf("the fingerprint kept is %x", recs[0].RequestHash)
	}
	clerk := s.browser()
	if code, _ := clerk.signIn("clerk@tier1", "a clerk's long password", ""); code != http.StatusSeeOther {
		t.Fatalf("the new user signing in: %d", code)
	}
	if code, _ := clerk.get("/users"); code != http.StatusForbidden {
		t.Fatalf("a viewer on the users page: %d", code)
	}
	_, page = admin.get("/users")
	id := regexp.MustCompile(`action="/users/(usr_[a-z0-9]+)"`).FindStringSubmatch(page)
	if id == nil {
		t.Fatalf("no disable form:\n%s", page)
	}
	disable := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {"disable-1"}, "status": {"disabled"}}
	if code, body := admin.submit("/users/"+id[1], disable); code != http.StatusOK {
		t.Fatalf("disabling: %d\n%s", code, body)
	}
	if code, _ := clerk.get("/"); code != http.StatusSeeOther {
		t.Fatalf("a disabled user's session still opens the console: %d", code)
	}
	if code, _ := s.browser().signIn("clerk@tier1", "a clerk's long password", ""); code != http.StatusUnauthorized {
		t.Fatalf("a disabled user signing in: %d", code)
	}
}

// The operator onboards an organization and grants it anchor; no one else may.
func TestOrganizationsPage(t *testing.T) {
	s := newSite(t)
	op := s.as("", linkfin.RoleOperator)
	code, page := op.get("/organizations")
	if code != http.StatusOK || !strings.Contains(page, "Core Auto") && !strings.Contains(page, ">anchor<") {
		t.Fatalf("the organizations page: %d\n%s", code, page)
	}
	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {"onboard-1"}, "id": {"newco"}, "name": {"New Co"}, "capability": {"trade"}}
	if code, body := op.submit("/organizations", form); code != http.StatusOK || !strings.Contains(body, "Organization newco onboarded") {
		t.Fatalf("onboarding: %d\n%s", code, body)
	}
	grant := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {"grant-1"}, "capability": {"trade", "anchor"}}
	if code, body := op.submit("/organizations/newco/capabilities", grant); code != http.StatusOK {
		t.Fatalf("granting anchor: %d\n%s", code, body)
	}
	var o linkfin.Organization
	if err := services.ReadAs(context.Background(), s.store, linkfin.Viewer{Operator: true}, linkfin.KindOrganization, "newco", &o); err != nil || !o.Can(linkfin.CapAnchor) {
		t.Fatalf("newco after the grant: %+v, %v", o, err)
	}
	bad := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {"grant-2"}, "capability": {"trade", "banking"}}
	if code, _ := op.post("/organizations/newco/capabilities", bad); code != http.StatusBadRequest {
		t.Fatalf("an unknown capability: %d", code)
	}
	admin := s.as("tier1", linkfin.RoleAdmin)
	_, apage := admin.get("/")
	if code, _ := admin.post("/organizations/tier1/capabilities", url.Values{"csrf": {hidden(apage, "csrf")}, "idempotency_key": {"g"}, "capability": {"anchor"}}); code != http.StatusNotFound {
		t.Fatalf("an organization granting itself anchor: %d", code)
	}
}

// A viewer changes nothing of its organization's but keeps its own account: it
// changes its own password, after which its session ends and the new one signs in.
func TestViewerChangesOwnPassword(t *testing.T) {
	s := newSite(t)
	v := s.as("tier1", linkfin.RoleViewer)
	code, page := v.get("/account")
	if code != http.StatusOK || !strings.Contains(page, `action="/account/password"`) {
		t.Fatalf("a viewer's account page: %d\n%s", code, page)
	}
	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")},
		"current": {password}, "new": {"a viewer's own new password"}}
	if code, body := v.post("/account/password", form); code != http.StatusSeeOther {
		t.Fatalf("a viewer changing its own password: %d\n%s", code, body)
	}
	name := s.user("tier1", linkfin.RoleViewer, "en")
	if code, _ := s.browser().signIn(name, password, ""); code != http.StatusUnauthorized {
		t.Fatalf("the old password after the change: %d", code)
	}
	if code, _ := s.browser().signIn(name, "a viewer's own new password", ""); code != http.StatusSeeOther {
		t.Fatalf("the new password: %d", code)
	}
}

// The console's files are served as their type. A listing of them is not: a file the
// console does not have under /static/, a directory of them, or a path that climbs out
// of them, answers the not-found page in the person's language, as any other path does.
func TestStaticFiles(t *testing.T) {
	s := newSite(t)
	c := s.browser()
	for _, path := range []string{"/static/", "/static/console.css/", "/static/nothing.css", "/static/..%2fconsole.go", "/static/%2e%2e/templates/layout.html", "/static/..%2F..%2Fconsole.go"} {
		resp, err := c.c.Get(c.base + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(b), Chinese.T("notfound.text")) || strings.Contains(string(b), `href="console.css"`) {
			t.Errorf("%s: %d %s\n%s", path, resp.StatusCode, resp.Header.Get("Content-Type"), b)
		}
	}
	for path, typ := range map[string]string{"/static/console.css": "text/css; charset=utf-8", "/static/audit.js": "text/javascript; charset=utf-8"} {
		resp, err := c.c.Get(c.base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != typ {
			t.Errorf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
}

// A page asked for signed out sends the browser to sign in and, signed in, back to it,
// with its query; home needs no return. The page to return to is a path of the console
// alone: another host, however written, is dropped, and the sign-in goes home.
func TestSignInReturns(t *testing.T) {
	s := newSite(t)
	name := s.user("anchor", linkfin.RoleAdmin, "en")
	b := s.browser()
	resp, err := b.c.Get(b.base + "/invoices?status=matched&number=INV-1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	to := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || to != "/sign-in?next=%2Finvoices%3Fstatus%3Dmatched%26number%3DINV-1" {
		t.Fatalf("a list signed out: %d to %q", resp.StatusCode, to)
	}
	_, page := b.get(to)
	if hidden(page, "next") != "/invoices?status=matched&amp;number=INV-1" {
		t.Fatalf("the sign-in form returns to %q", hidden(page, "next"))
	}
	// A wrong password keeps where to return.
	form := url.Values{"csrf": {hidden(page, "csrf")}, "name": {name}, "password": {"not it"}, "next": {"/invoices?status=matched&number=INV-1"}}
	if code, again := b.post("/sign-in", form); code != http.StatusUnauthorized || hidden(again, "next") != "/invoices?status=matched&amp;number=INV-1" {
		t.Fatalf("a wrong password: %d, next %q", code, hidden(again, "next"))
	}
	form.Set("password", password)
	req, _ := http.NewRequest("POST", b.base+"/sign-in", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, err = b.c.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/invoices?status=matched&number=INV-1" {
		t.Fatalf("signed in: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}

	if resp, err = s.browser().c.Get(b.base + "/"); err != nil || resp.Header.Get("Location") != "/sign-in" {
		t.Fatalf("home signed out: %v to %q", err, resp.Header.Get("Location"))
	}
	for _, evil := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example", "/\t/evil.example", "evil.example", "/sign-out", "javascript:alert(1)"} {
		b := s.browser()
		_, page := b.get("/sign-in?" + url.Values{"next": {evil}}.Encode())
		if strings.Contains(page, `name="next"`) {
			t.Errorf("next=%q is offered: %s", evil, page)
		}
		_, signin := b.get("/sign-in") // next with a tab is no address (400) and offers no form
		form := url.Values{"csrf": {hidden(signin, "csrf")}, "name": {name}, "password": {password}, "next": {evil}}
		req, _ := http.NewRequest("POST", b.base+"/sign-in", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			t.Errorf("signed in with next=%q: %d to %q", evil, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}

// The users page says in words, in the reader's language, whether each user has a
// second factor: its "✓" is hidden from screen readers, and a text stands for it and
// for its absence (an empty cell read nothing, a bare "✓" read as "check mark").
func TestUsersSecondFactorInWords(t *testing.T) {
	s := newSite(t)
	zh := s.browser()
	if code, body := zh.signIn(s.user("tier1", linkfin.RoleAdmin, "zh-CN"), password, ""); code != http.StatusSeeOther {
		t.Fatalf("signing in: %d\n%s", code, body)
	}
	sealed, err := s.auth.SealPassword("tier1-en", password)
	if err != nil {
		t.Fatal(err)
	}
	s.run(&services.CreateUser{User: linkfin.User{OrgID: "tier1", Name: "tier1-en", Role: linkfin.RoleAdmin, Language: "en"}, Password: sealed})
	en := s.browser()
	if code, body := en.signIn("tier1-en", password, ""); code != http.StatusSeeOther {
		t.Fatalf("signing in: %d\n%s", code, body)
	}
	_, page := en.get("/account")
	_, page = en.post("/account/totp", url.Values{"csrf": {hidden(page, "csrf")}})
	secret := regexp.MustCompile(`<code class="secret">([A-Z2-7]+)</code>`).FindStringSubmatch(page)
	if secret == nil {
		t.Fatalf("enrolling:\n%s", page)
	}
	code, _ := totp.GenerateCode(secret[1], s.clock.Now())
	if status, body := en.submit("/account/totp/confirm", url.Values{"csrf": {hidden(page, "csrf")}, "code": {code}}); status != http.StatusOK {
		t.Fatalf("confirming: %d\n%s", status, body)
	}
	factor := func(page, name string) string {
		m := regexp.MustCompile(`<tr><td>` + regexp.QuoteMeta(name) + `</td><td>[^<]*</td><td>[^<]*</td><td>(.*?)</td>`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no row of %s:\n%s", name, page)
		}
		return m[1]
	}
	for _, c := range []struct {
		who     *client
		on, off string
	}{{en, "On", "Off"}, {zh, "已启用", "未启用"}} {
		_, page := c.who.get("/users")
		if got, want := factor(page, "tier1-en"), `<span aria-hidden="true">✓</span><span class="sr">`+c.on+`</span>`; got != want {
			t.Errorf("the enrolled user's second factor reads %s, want %s", got, want)
		}
		if got, want := factor(page, "tier1-admin"), `<span class="sr">`+c.off+`</span>`; got != want {
			t.Errorf("the other user's second factor reads %s, want %s", got, want)
		}
	}
}

// A form that did what it asked sends the browser on to its page (303), so that a
// reload or the back button does not send it again, and that page says once what the
// form did; the words, kept in a cookie until then, show to the session that sent the
// form alone.
func TestFormDoneThenPage(t *testing.T) {
	s := newSite(t)
	admin := s.as("tier1", linkfin.RoleAdmin)
	op := s.as("", linkfin.RoleOperator)
	fill := func(c *client, page string, kv ...string) url.Values {
		_, p := c.get(page)
		f := url.Values{"csrf": {hidden(p, "csrf")}, "idempotency_key": {hidden(p, "idempotency_key")}}
		for i := 0; i+1 < len(kv); i += 2 {
			f.Add(kv[i], kv[i+1])
		}
		return f
	}
	for _, tc := range []struct {
		who         *client
		form, page  string
		values      url.Values
		words, back string
	}{
		{admin, "/users", "/users", fill(admin, "/users", "name", "clerk@tier1", "role", "viewer", "language", "en", "password", "a clerk's long password"), "User clerk@tier1 made", "/users"},
		{admin, "/organization/address", "/organization", fill(admin, "/organization", "town", "Suzhou", "country", "CN"), "Address saved.", "/organization"},
		{admin, "/account/sessions/revoke", "/account", fill(admin, "/account"), "other sessions ended", "/account"},
		{op, "/organizations?waiting=bank_account", "/organizations", fill(op, "/organizations", "id", "newco", "name", "New Co", "capability", "trade"), "Organization newco onboarded", "/organizations?waiting=bank_account"},
		{op, "/payment-files/debtor", "/payment-files", fill(op, "/payment-files", "name", "Auto SCF Platform", "iban", "DE89370400440532013000", "bic", "COBADEFFXXX"), "account is saved", "/payment-files"},
	} {
		req, _ := http.NewRequest("POST", tc.who.base+tc.form, strings.NewReader(tc.values.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", tc.who.base)
		resp, err := tc.who.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != tc.back {
			t.Errorf("%s: %d to %q, not sent on to %s", tc.form, resp.StatusCode, resp.Header.Get("Location"), tc.back)
			continue
		}
		u, _ := url.Parse(tc.who.base)
		var sealed string
		for _, ck := range tc.who.jar.Cookies(u) {
			if ck.Name == doneCookie {
				sealed = ck.Value
			}
		}
		// Another person's browser given the same cookie is told nothing.
		other := s.as("tier2", linkfin.RoleAdmin)
		other.jar.SetCookies(u, []*http.Cookie{{Name: doneCookie, Value: sealed, Path: "/"}})
		if _, page := other.get(tc.page); strings.Contains(html.UnescapeString(page), tc.words) {
			t.Errorf("%s: another session's page says %q", tc.form, tc.words)
		}
		code, page := tc.who.get(tc.back)
		if code != http.StatusOK || !strings.Contains(html.UnescapeString(page), tc.words) {
			t.Errorf("%s: its page %s (%d) does not say %q", tc.form, tc.back, code, tc.words)
		}
		if _, again := tc.who.get(tc.back); strings.Contains(html.UnescapeString(again), tc.words) {
			t.Errorf("%s: its page says %q again", tc.form, tc.words)
		}
	}
}

// A request that carries one of the console's credentials twice is refused, as the API
// refuses a session's cookie or CSRF token sent twice (400 invalid), and nothing is
// shown or run: two session cookies (two sessions, or another site's beside the
// console's) open no page and sign nobody out, and a not-found page is a stranger's;
// a form's token twice, the right one first, runs nothing; the sign-in form's cookie
// twice, or its token twice, signs nobody in.
func TestCredentialsTwice(t *testing.T) {
	s := newSite(t)
	name := s.user("tier1", linkfin.RoleFinance, "en")
	first, second := s.browser(), s.browser()
	for _, b := range []*client{first, second} {
		if code, _ := b.signIn(name, password, ""); code != http.StatusSeeOther {
			t.Fatalf("signing in: %d", code)
		}
	}
	_, home := first.get("/")
	csrf := hidden(home, "csrf")
	send := func(method, path, cookie string, form url.Values) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, first.base+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", cookie)
		req.Header.Set("Accept-Language", "en")
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	own := sessionCookie + "=" + first.cookie(sessionCookie)
	refusedTwice := func(what string, code int, page, words string) {
		t.Helper()
		if code != http.StatusBadRequest || !strings.Contains(page, words) || !strings.Contains(page, "<code>invalid</code>") || strings.Contains(page, `action="/sign-out"`) {
			t.Fatalf("%s: %d, want 400 invalid saying %q\n%s", what, code, words, page)
		}
	}
	cookieTwice := "sign-in cookie twice"
	for _, cookie := range []string{own + "; " + sessionCookie + "=" + second.cookie(sessionCookie), own + "; " + own, own + "; " + sessionCookie + "=another-sites"} {
		code, page := send("GET", "/", cookie, nil)
		refusedTwice("home with "+cookie, code, page, cookieTwice)
		code, page = send("GET", "/invoices", cookie, nil)
		refusedTwice("a list with "+cookie, code, page, cookieTwice)
		code, page = send("POST", "/sign-out", cookie, url.Values{"csrf": {csrf}})
		refusedTwice("signing out with "+cookie, code, page, cookieTwice)
		if code, page := send("GET", "/no-such-page", cookie, nil); code != http.StatusNotFound || strings.Contains(page, `action="/sign-out"`) {
			t.Fatalf("not found with %s: %d, the page is the person's\n%s", cookie, code, page)
		}
	}
	if code, page := send("GET", "/no-such-page", own, nil); code != http.StatusNotFound || !strings.Contains(page, `action="/sign-out"`) {
		t.Fatalf("not found with the session: %d, not the person's\n%s", code, page)
	}
	code, page := send("POST", "/sign-out", own, url.Values{"csrf": {csrf, "forged"}})
	refusedTwice("signing out with the token twice", code, page, "carried its security token twice")
	if code, _ := first.get("/"); code != http.StatusOK {
		t.Fatalf("a refused sign-out ended the session: %d", code)
	}

	// The sign-in form: its cookie twice, or its token twice.
	stranger := s.browser()
	_, signIn := stranger.get("/sign-in")
	token := hidden(signIn, "csrf")
	form := formCookie + "=" + token
	code, page = send("POST", "/sign-in", form+"; "+formCookie+"=another-sites", url.Values{"csrf": {token}, "name": {name}, "password": {password}})
	refusedTwice("signing in with the form's cookie twice", code, page, cookieTwice)
	code, page = send("POST", "/sign-in", form, url.Values{"csrf": {token, "another"}, "name": {name}, "password": {password}})
	refusedTwice("signing in with the form's token twice", code, page, "carried its security token twice")
	if code, _ := send("POST", "/sign-in", form, url.Values{"csrf": {token}, "name": {name}, "password": {password}}); code != http.StatusSeeOther {
		t.Fatalf("signing in once: %d", code)
	}
}
