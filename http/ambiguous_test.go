package http_test

import (
	"net/http"
	"reflect"
	"slices"
	"testing"

	"linkfin"
	lfhttp "linkfin/http"
)

// TestAmbiguousRequests: a request that could be read two ways is refused before
// anything runs, on every route with a key: a query parameter given twice (the server
// would take one and drop the other), a malformed query string (whose broken pairs
// would be dropped), and a header the request depends on sent twice.
func TestAmbiguousRequests(t *testing.T) {
	p := newPlatform(t)
	base := p.snapshot()
	send := func(method, path string, header http.Header) reply {
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
		resp.Body.Close()
		return reply{status: resp.StatusCode, header: resp.Header}
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
