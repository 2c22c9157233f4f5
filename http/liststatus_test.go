package http_test

import (
	"net/http"
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
