package console

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"linkfin"
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
