package http_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"linkfin"
)

// TestListStatusFilter: every list refuses a status its records never have, 400
// invalid, whether its records have statuses (then ?status= is one of them) or none
// (then it takes no ?status= at all). Nine lists whose records have no status, and
// the users' list, whose status is plain text, answered such a filter with an empty
// page, as if nothing were in it.
func TestListStatusFilter(t *testing.T) {
	a := newAPI(t)
	lists := 0
	for _, rt := range a.srv.Routes() {
		if !rt.List || strings.Contains(rt.Path(), "{") {
			continue
		}
		lists++
		t.Run(rt.Path(), func(t *testing.T) {
			wantProblem(t, a.do("GET", rt.Path()+"?status=nosuch", ""), http.StatusBadRequest, linkfin.EINVALID)
		})
	}
	if lists < 25 {
		t.Fatalf("%d lists", lists)
	}
	// A list whose records have a status takes one of them.
	wantJSON(t, a.do("GET", "/v1/invoices?status=approved", ""), http.StatusOK, nil)
	wantJSON(t, a.do("GET", "/v1/users?status=active", ""), http.StatusOK, nil)
}

// TestListPeriodInOrder: every list that filters by creation date refuses a period
// that ends before it starts, 400 invalid, as a disclosure's period is refused; such
// a filter was answered with an empty page, as if nothing had been made. A period of
// one day is a period.
func TestListPeriodInOrder(t *testing.T) {
	a := newAPI(t)
	lists := 0
	for _, rt := range a.srv.Routes() {
		if !rt.List || !slices.Contains(rt.Query, "from") {
			continue
		}
		lists++
		t.Run(rt.Path(), func(t *testing.T) {
			wantProblem(t, a.do("GET", rt.Path()+"?from=2026-12-31&to=2026-01-01", ""), http.StatusBadRequest, linkfin.EINVALID)
			wantJSON(t, a.do("GET", rt.Path()+"?from=2026-12-31&to=2026-12-31", ""), http.StatusOK, nil)
		})
	}
	if lists < 20 {
		t.Fatalf("%d lists filter by date", lists)
	}
}

// TestListCursorShape: every list refuses a cursor no page of it could have given, 400
// invalid naming the parameter. The lists in id order read any ?after= as a position
// and answered 200, where the numeric lists refused what is not a number; a cursor of
// an id's shape that no record has is still a position (records may go while a client
// pages), and a next_cursor a page gave is followed.
func TestListCursorShape(t *testing.T) {
	p := newPlatform(t)
	numeric := func(path string) bool {
		return strings.HasSuffix(path, "/events") || slices.Contains([]string{"/v1/accounts", "/v1/accounts/{id}/transfers",
			"/v1/bank-statements/{id}/entries"}, path)
	}
	bad := []string{"-x", "x y", "x/../y", "é", "a~b~c", strings.Repeat("a", 65), "'; drop"}
	lists := 0
	for _, rt := range p.srv.Routes() {
		if !rt.List {
			continue
		}
		lists++
		path := p.fill(t, rt)
		t.Run(rt.Path(), func(t *testing.T) {
			for _, after := range bad {
				pr := wantProblem(t, p.as("operator", "GET", path+"?after="+url.QueryEscape(after), ""), http.StatusBadRequest, linkfin.EINVALID)
				if !strings.HasPrefix(pr.Detail, "after ") {
					t.Errorf("after=%q: detail %q does not name the parameter", after, pr.Detail)
				}
			}
			if numeric(rt.Path()) {
				return
			}
			unknown := "zz-none"
			switch rt.Path() {
			case "/v1/bank-account-changes":
				unknown = "2026-01-01T00:00:00Z~zz-none"
				wantProblem(t, p.as("operator", "GET", path+"?after=junk~anchor", ""), http.StatusBadRequest, linkfin.EINVALID)
			case "/v1/relationships":
				unknown = "zz~none"
				wantProblem(t, p.as("operator", "GET", path+"?after=anchor", ""), http.StatusBadRequest, linkfin.EINVALID)
			case "/v1/webhook-endpoints/{id}/deliveries":
				unknown = "wh-1/0000000000000999999"
				wantProblem(t, p.as("operator", "GET", path+"?after=wh-1/1", ""), http.StatusBadRequest, linkfin.EINVALID)
			}
			wantJSON(t, p.as("operator", "GET", path+"?after="+url.QueryEscape(unknown), ""), http.StatusOK, nil)
			var page struct {
				Data       []json.RawMessage `json:"data"`
				NextCursor string            `json:"next_cursor"`
			}
			wantJSON(t, p.as("operator", "GET", path+"?limit=1", ""), http.StatusOK, &page)
			if page.NextCursor != "" {
				wantJSON(t, p.as("operator", "GET", path+"?limit=1&after="+url.QueryEscape(page.NextCursor), ""), http.StatusOK, nil)
			}
		})
	}
	if lists < 55 {
		t.Fatalf("%d lists", lists)
	}
}
