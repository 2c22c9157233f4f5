package http_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"linkfin"
	lfhttp "linkfin/http"
)

// notText are path segments and query values that are not text once decoded: a NUL,
// bytes that are not UTF-8 (a lone 0xff, an overlong '/', a UTF-16 surrogate), and a
// control character.
var notText = []string{"%00", "a%00b", "%FF", "%C0%AF", "%ED%A0%80", "%01", "%7F"}

// TestAddressNotText: an address of the API whose path or query parameter is not text
// is refused with 400 invalid on every route, before anything reads it, whoever asks
// (PostgreSQL cannot even take such a name as a parameter: a read with it failed the
// request, and a command naming it failed every request of its batch).
func TestAddressNotText(t *testing.T) {
	a := newAPI(t)
	send := func(method, path string) reply {
		t.Helper()
		req, err := http.NewRequest(method, a.url+path, strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+operatorKey)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", "not-text")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return reply{status: resp.StatusCode, header: resp.Header, body: b}
	}
	wildcard := regexp.MustCompile(`{[a-z]+}`)
	routes := 0
	for _, rt := range a.srv.Routes() {
		path := rt.Path()
		wild := wildcard.MatchString(path)
		if wild {
			routes++
		}
		for _, bad := range notText {
			if wild {
				wantProblem(t, send(rt.Method(), wildcard.ReplaceAllString(path, bad)), 400, linkfin.EINVALID)
				// The last wildcard alone not text, the others ids.
				locs := wildcard.FindAllStringIndex(path, -1)
				last := locs[len(locs)-1]
				p := wildcard.ReplaceAllString(path[:last[0]], "x1") + bad + path[last[1]:]
				wantProblem(t, send(rt.Method(), p), 400, linkfin.EINVALID)
			}
			plain := wildcard.ReplaceAllString(path, "x1")
			for _, q := range rt.Query {
				wantProblem(t, send(rt.Method(), plain+"?"+q+"="+bad), 400, linkfin.EINVALID)
				wantProblem(t, send(rt.Method(), plain+"?limit=1&"+q+"=a"+bad), 400, linkfin.EINVALID)
			}
			// A parameter's name, on a route that takes some and on one that takes none.
			wantProblem(t, send(rt.Method(), plain+"?"+bad+"=1"), 400, linkfin.EINVALID)
		}
	}
	if routes < 100 {
		t.Fatalf("%d routes with a wildcard walked", routes)
	}
	// No route at all.
	wantProblem(t, send("GET", "/v1/%00"), 400, linkfin.EINVALID)
	// Text that names nothing is still not found, and text is any script.
	wantProblem(t, send("GET", "/v1/invoices/%E5%8F%91%E7%A5%A8"), 404, linkfin.ENOTFOUND)
	u, err := url.Parse("/v1/invoices/%E5%8F%91?limit=2&after=inv%09")
	if err != nil {
		t.Fatal(err)
	}
	if err := lfhttp.CheckURL(u); linkfin.ErrorCode(err) != linkfin.EINVALID || !strings.Contains(err.Error(), `"after"`) {
		t.Fatalf("a tab in after: %v", err)
	}
}
