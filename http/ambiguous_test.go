package http_test

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"linkfin"
	lfhttp "linkfin/http"
)

// TestAmbiguousRequests: a request that could be read two ways is refused before
// anything runs, on every route with a key: a query parameter given twice (the server
// would take one and drop the other), one given empty (which would be read as left
// out), a malformed query string (whose broken pairs would be dropped), and a header
// the request depends on sent twice.
func TestAmbiguousRequests(t *testing.T) {
	p := newPlatform(t)
	base := p.snapshot()
	send := func(method, path string, header http.Header) reply {
		t.Helper()
		return p.sendHeader(t, method, path, header)
	}
	problem := func(t *testing.T, method, path string) {
		t.Helper()
		wantProblem(t, p.do(method, path, ""), http.StatusBadRequest, linkfin.EINVALID)
	}
	routes := 0
	for _, route := range p.srv.Routes() {
		if route.Access == lfhttp.Public {
			continue
		}
		routes++
		path := p.fill(t, route)
		t.Run(route.Pattern, func(t *testing.T) {
			name := "unknown"
			if len(route.Query) > 0 {
				name = route.Query[0]
				if slices.Contains(route.Query, "limit") {
					name = "limit"
				}
			}
			problem(t, route.Method(), path+"?"+name+"=1&"+name+"=2")
			problem(t, route.Method(), path+"?"+name+"=%zz")
			// Every parameter but after given empty, with = or without: it is not read as
			// left out (no status, limit, date or id is empty).
			for _, q := range route.Query {
				if q == "after" {
					continue
				}
				for _, empty := range []string{q + "=", q} {
					pr := wantProblem(t, p.do(route.Method(), path+"?"+empty, ""), http.StatusBadRequest, linkfin.EINVALID)
					if !strings.Contains(pr.Detail, `"`+q+`" is empty`) {
						t.Errorf("?%s: %s", empty, pr.Detail)
					}
				}
			}
			for _, h := range []string{"Authorization", "Idempotency-Key", "Content-Type"} {
				header := http.Header{"Authorization": {"Bearer " + operatorKey}, "Idempotency-Key": {"amb-1"},
					"Content-Type": {"application/json"}}
				header[h] = append(header[h], header[h][0])
				if r := send(route.Method(), path, header); r.status != http.StatusBadRequest {
					t.Errorf("%s twice: status %d", h, r.status)
				}
			}
		})
	}
	if routes < 50 {
		t.Fatalf("walked %d routes", routes)
	}
	if after := p.snapshot(); !reflect.DeepEqual(after, base) {
		t.Fatal("an ambiguous request changed the store")
	}
}

// TestSessionCredentialsTwice: a session's credentials sent twice, which the server
// would read one of, are refused as a header sent twice is (400 invalid), and change
// nothing: the session cookie twice (two sessions, or one twice) on a request without
// a key, and the CSRF token twice, the right one first. With a key, cookies are not
// read, and a second one is no matter.
func TestSessionCredentialsTwice(t *testing.T) {
	p := newPlatform(t)
	first := p.signIn(t, "ann@anchor.example", "correct horse battery", "")
	second := p.signIn(t, "ann@anchor.example", "correct horse battery", "")
	base := p.snapshot()
	send := func(method, path string, header http.Header) reply {
		t.Helper()
		return p.sendHeader(t, method, path, header)
	}
	cookie := func(tokens ...string) string {
		var out []string
		for _, tok := range tokens {
			out = append(out, lfhttp.SessionCookie+"="+tok)
		}
		return strings.Join(out, "; ")
	}
	wantJSON(t, send("GET", "/v1/purchase-orders", http.Header{"Cookie": {cookie(first.cookie)}}), http.StatusOK, nil)
	wantProblem(t, send("GET", "/v1/purchase-orders", http.Header{"Cookie": {cookie(first.cookie, second.cookie)}}), http.StatusBadRequest, linkfin.EINVALID)
	wantProblem(t, send("GET", "/v1/purchase-orders", http.Header{"Cookie": {cookie(first.cookie), cookie(first.cookie)}}), http.StatusBadRequest, linkfin.EINVALID)
	wantProblem(t, send("POST", "/v1/purchase-orders/PO-1/cancel", http.Header{"Cookie": {cookie(first.cookie)},
		"X-Csrf-Token": {first.csrf, "forged"}}), http.StatusBadRequest, linkfin.EINVALID)
	wantJSON(t, send("GET", "/v1/purchase-orders", http.Header{"Authorization": {"Bearer " + p.keys["anchor"]},
		"Cookie": {cookie(first.cookie, second.cookie)}}), http.StatusOK, nil)
	if after := p.snapshot(); !reflect.DeepEqual(after, base) {
		t.Fatal("credentials sent twice changed the store")
	}
}

// sendHeader sends a request with no body and exactly the headers given (no key of
// the platform's), and returns the answer.
func (p *platform) sendHeader(t *testing.T, method, path string, header http.Header) reply {
	t.Helper()
	req, err := http.NewRequest(method, p.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: body}
}

// TestDetailShowsHiddenCharacters: a problem's detail that quotes what the request
// sent shows a bidirectional override or a control character in it as its code point
// ("‹U+202E›"), never the character itself, which would show the detail in another
// order than it is or act on a terminal that prints it: an id in the path of every
// route that takes one, and a value of a body.
func TestDetailShowsHiddenCharacters(t *testing.T) {
	p := newPlatform(t)
	base := p.snapshot()
	hidden := func(r rune) bool { return linkfin.IsBidiControl(r) || unicode.IsControl(r) && r != '\n' && r != '\t' }
	check := func(t *testing.T, r reply) linkfin.Problem {
		t.Helper()
		var pr linkfin.Problem
		if err := json.Unmarshal(r.body, &pr); err != nil || pr.Code == "" {
			t.Fatalf("status %d: not a problem: %s", r.status, r.body)
		}
		if i := strings.IndexFunc(pr.Detail, hidden); i >= 0 {
			t.Fatalf("%d %s: the detail holds %U: %q", r.status, pr.Code, []rune(pr.Detail[i:])[0], pr.Detail)
		}
		return pr
	}
	routes := 0
	for _, route := range p.srv.Routes() {
		if !strings.Contains(route.Pattern, "{") || route.Access == lfhttp.Public {
			continue
		}
		routes++
		t.Run(route.Pattern, func(t *testing.T) {
			path := regexp.MustCompile(`\{[a-z]+\}`).ReplaceAllString(route.Path(), "INV-%E2%80%AE1002")
			pr := check(t, p.do(route.Method(), path, ""))
			if strings.Contains(pr.Detail, "INV-") && !strings.Contains(pr.Detail, "INV-‹U+202E›1002") && !strings.Contains(pr.Detail, `INV-\u202e1002`) {
				t.Errorf("the detail quotes the id otherwise: %q", pr.Detail)
			}
		})
	}
	if routes < 50 {
		t.Fatalf("walked %d routes", routes)
	}
	pr := check(t, p.as("anchor", "GET", "/v1/purchase-orders/PO-%E2%80%AE1002", ""))
	if pr.Detail != "purchase order PO-‹U+202E›1002 not found" {
		t.Errorf("detail %q", pr.Detail)
	}
	// A value of a body, quoted in its refusal: an escape, shown as its code point.
	pr = check(t, p.as("bank", "POST", "/v1/purpose-bound-wallets", `{"holder_id":"tier1","currency":"C\u001bNY","payee_ids":["anchor"],"purpose":"p","amount":1}`))
	if !strings.Contains(pr.Detail, "C‹U+001B›NY") {
		t.Errorf("detail %q", pr.Detail)
	}
	if after := p.snapshot(); !reflect.DeepEqual(after, base) {
		t.Fatal("a refused request changed the store")
	}
}
