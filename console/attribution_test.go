package console

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"linkfin"
)

// TestActionsAttributed: what a person does in the console is attributed to that
// user in the log, as what it does over the API is.
func TestActionsAttributed(t *testing.T) {
	s := newSite(t)
	anchor := s.as("anchor", linkfin.RoleFinance)
	_, page := anchor.get("/invoices/inv-1")
	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}}
	if code, body := anchor.post("/invoices/inv-1/approve", form); code != http.StatusSeeOther {
		t.Fatalf("approve: %d\n%s", code, body)
	}
	ctx := context.Background()
	users, err := s.store.ListObjectsByParty(ctx, linkfin.KindUser, "anchor", "", 100)
	if err != nil || len(users) != 1 {
		t.Fatalf("the anchor's users: %v %v", users, err)
	}
	evs, err := s.store.Events(ctx, 0, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, e := range evs {
		if e.Type != "attribution.recorded" {
			continue
		}
		var a linkfin.Attribution
		json.Unmarshal(e.Data, &a)
		if a.OrgID == "anchor" && a.By == "user:"+users[0].ID && slices.Contains(a.Records, "invoice/inv-1") {
			found = true
		}
	}
	if !found {
		t.Fatal("the approval is attributed to no one")
	}
}
