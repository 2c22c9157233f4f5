package http_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"linkfin"
	lfhttp "linkfin/http"
)

// TestPublicRoutesCheckTheirQuery: the routes that take no key (the probes, the
// OpenAPI document, signing in) refuse a query parameter they do not take, one given
// twice, or a header sent twice, 400 invalid, as every other route does; they took
// any, and the OpenAPI document had no 400 for the probes and the document.
func TestPublicRoutesCheckTheirQuery(t *testing.T) {
	a := newAPI(t)
	public := 0
	for _, rt := range a.srv.Routes() {
		if rt.Access != lfhttp.Public {
			continue
		}
		public++
		t.Run(rt.Pattern, func(t *testing.T) {
			for _, query := range []string{"?stray=1", "?x=1&x=2"} {
				wantProblem(t, a.do(rt.Method(), rt.Path()+query, `{"name":"nobody@example","password":"correct horse battery"}`),
					http.StatusBadRequest, linkfin.EINVALID)
			}
		})
	}
	if public < 4 {
		t.Fatalf("%d public routes", public)
	}
	req, err := http.NewRequest("POST", a.url+"/v1/sessions", strings.NewReader(`{"name":"nobody@example","password":"correct horse battery"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Add("Content-Type", "application/json")
	req.Header.Add("Content-Type", "application/json")
	resp, err := a.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	wantProblem(t, reply{status: resp.StatusCode, header: resp.Header, body: body}, http.StatusBadRequest, linkfin.EINVALID)
	// The console's pages, and the paths no route takes, keep their queries.
	wantProblem(t, a.do("GET", "/v1/nothing?stray=1", ""), http.StatusNotFound, linkfin.ENOTFOUND)
	wantJSON(t, a.do("GET", "/healthz", ""), http.StatusOK, nil)
}
