package http_test

import (
	"net/http"
	"testing"

	"linkfin"
)

func TestOrganizations(t *testing.T) {
	a := newAPI(t)
	body := `{"id":"anchor-1","name":"Core Auto Group","capabilities":["anchor","trade"]}`
	var created linkfin.Organization
	wantJSON(t, a.do("POST", "/v1/organizations", body, "Idempotency-Key", "org-1"), http.StatusCreated, &created)
	if created.ID != "anchor-1" || created.Name != "Core Auto Group" || len(created.Capabilities) != 2 ||
		created.Capabilities[0] != linkfin.CapTrade || created.CreatedAt.IsZero() {
		t.Fatalf("created %+v", created)
	}
	// The same key replays; the same body under no key answers the record as it is.
	r := a.do("POST", "/v1/organizations", body, "Idempotency-Key", "org-1")
	if r.status != http.StatusCreated || r.header.Get("Idempotency-Hit") != "true" {
		t.Fatalf("replay: %d %q", r.status, r.header.Get("Idempotency-Hit"))
	}
	var again linkfin.Organization
	wantJSON(t, a.do("POST", "/v1/organizations", body), http.StatusOK, &again)
	if !again.CreatedAt.Equal(created.CreatedAt) {
		t.Fatalf("retry answered %+v", again)
	}
	wantProblem(t, a.do("POST", "/v1/organizations", `{"id":"anchor-1","name":"Other","capabilities":["trade"]}`),
		http.StatusConflict, linkfin.ECONFLICT)
	for _, id := range []string{"s-1", "s-2", "s-3"} {
		a.mustCreate("/v1/organizations", `{"id":"`+id+`","name":"Supplier `+id+`","capabilities":["trade"]}`)
	}
	var got linkfin.Organization
	wantJSON(t, a.do("GET", "/v1/organizations/anchor-1", ""), http.StatusOK, &got)
	if !got.CreatedAt.Equal(created.CreatedAt) || got.Name != created.Name {
		t.Fatalf("get %+v", got)
	}
	wantProblem(t, a.do("GET", "/v1/organizations/nobody", ""), http.StatusNotFound, linkfin.ENOTFOUND)
	var page struct {
		Data       []linkfin.Organization `json:"data"`
		NextCursor string                 `json:"next_cursor"`
	}
	wantJSON(t, a.do("GET", "/v1/organizations?limit=3", ""), http.StatusOK, &page)
	if len(page.Data) != 3 || page.Data[0].ID != "anchor-1" || page.Data[2].ID != "s-2" || page.NextCursor != "s-2" {
		t.Fatalf("page 1 = %+v", page)
	}
	wantJSON(t, a.do("GET", "/v1/organizations?limit=3&after=s-2", ""), http.StatusOK, &page)
	if len(page.Data) != 1 || page.Data[0].ID != "s-3" || page.NextCursor != "" {
		t.Fatalf("page 2 = %+v", page)
	}
}

// The operator sets what an organization may do; an unknown capability is refused and
// changes nothing.
func TestSetCapabilities(t *testing.T) {
	a := newAPI(t)
	a.mustCreate("/v1/organizations", `{"id":"newco","name":"New Co","capabilities":["trade"]}`)
	var o linkfin.Organization
	wantJSON(t, a.do("POST", "/v1/organizations/newco/capabilities", `{"capabilities":["trade","anchor"]}`), http.StatusOK, &o)
	if !o.Can(linkfin.CapAnchor) || !o.Can(linkfin.CapTrade) {
		t.Fatalf("after granting anchor: %+v", o)
	}
	wantProblem(t, a.do("POST", "/v1/organizations/newco/capabilities", `{"capabilities":["banking"]}`), http.StatusBadRequest, linkfin.EINVALID)
	wantJSON(t, a.do("GET", "/v1/organizations/newco", ""), http.StatusOK, &o)
	if !o.Can(linkfin.CapAnchor) || len(o.Capabilities) != 2 {
		t.Fatalf("a refused change changed it: %+v", o)
	}
	wantProblem(t, a.do("POST", "/v1/organizations/nobody/capabilities", `{"capabilities":["trade"]}`), http.StatusNotFound, linkfin.ENOTFOUND)
}
