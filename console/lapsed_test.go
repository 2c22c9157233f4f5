package console

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"linkfin"
)

// TestLapsedHoldsNotOffered: once an accepted financing's holds_until has passed, its
// funder is no longer offered the payment; sent from a page drawn before, it is
// refused as the API refuses it, 409 financing_lapsed, with the code's words, and the
// financing stays accepted until the scheduler lapses it.
func TestLapsedHoldsNotOffered(t *testing.T) {
	s := accepted(t)
	financing := func() linkfin.Financing {
		var f linkfin.Financing
		o, err := s.store.Object(context.Background(), linkfin.KindFinancing, "F-1")
		if err == nil {
			err = json.Unmarshal(o.Data, &f)
		}
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	f := financing()
	s.clock.Advance(f.HoldsUntil.Add(-time.Minute).Sub(s.clock.Now()))
	bank := s.as("bank", linkfin.RoleFinance)
	_, page := bank.get("/financings/F-1")
	if !strings.Contains(page, "/financings/F-1/disburse") {
		t.Fatalf("a minute before the holds end, the funder is not offered the payment:\n%s", page)
	}
	s.clock.Advance(2 * time.Minute)
	if _, later := bank.get("/financings/F-1"); strings.Contains(later, "/financings/F-1/disburse") {
		t.Fatalf("the holds lapsed, and the funder is offered the payment:\n%s", later)
	}
	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}}
	if code, body := bank.post("/financings/F-1/disburse", form); code != http.StatusConflict ||
		!strings.Contains(body, "<code>financing_lapsed</code>") || !strings.Contains(body, "The financing lapsed") {
		t.Fatalf("paid once the holds lapsed: %d, want 409 financing_lapsed\n%s", code, body)
	}
	if f := financing(); f.Status != linkfin.FinancingAccepted || f.DisbursedAt != nil {
		t.Fatalf("after the refusal F-1 is %s", f.Status)
	}
}
