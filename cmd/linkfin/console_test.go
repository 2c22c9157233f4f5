package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// serve --demo serves the console on the API's port, and the users it prints sign in
// to it: the anchor's admin sees its home page.
func TestServeConsole(t *testing.T) {
	isolate(t)
	s := serve(t, "--data", t.TempDir(), "--demo", "--schedule-every", "0")
	out := s.stdout.String()
	m := regexp.MustCompile(`(?m)^  (anchor@demo) +(\S+)$`).FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "the console: http://"+s.addr+"/") {
		t.Fatalf("serve --demo prints no console and no anchor user:\n%s", out)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	base := "http://" + s.addr
	resp, err := c.Get(base + "/sign-in")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("the sign-in page: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if csrf == nil {
		t.Fatalf("no form token on the sign-in page:\n%s", page)
	}
	resp, err = c.PostForm(base+"/sign-in", url.Values{"csrf": {string(csrf[1])}, "name": {m[1]}, "password": {m[2]}})
	if err != nil {
		t.Fatal(err)
	}
	home, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(home), `id="wallets"`) {
		t.Fatalf("the anchor's home after signing in: %d\n%s", resp.StatusCode, home)
	}
	// The API's own paths still answer as the API does.
	if code, body := s.do("GET", "/v1/nothing", "", ""); code != http.StatusNotFound || !strings.Contains(string(body), `"code"`) {
		t.Fatalf("an unknown API path: %d %s", code, body)
	}
}
