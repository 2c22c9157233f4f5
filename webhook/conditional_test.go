package webhook_test

import (
	"encoding/json"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
	"linkfin/webhook"
)

// TestConditionalPaymentDelivered: a conditional payment's lock, its milestone's
// confirmation and its release reach the payer's and the payee's webhooks, each with
// the payment as it then stood and the reason of its last move; an organization party
// to none of it gets nothing of it.
func TestConditionalPaymentDelivered(t *testing.T) {
	e := newEnv(t)
	rc := hooked(t, e, "conditional_payment.*")
	p := milestonePayment(t, e, "acme")
	e.submit(&services.ConfirmMilestone{Actor: "acme", ID: p.ID})
	e.poll(e.dispatcher())

	want := []string{"conditional_payment.locked", "conditional_payment.milestone_confirmed", "conditional_payment.released"}
	for _, org := range []string{"acme", "globex"} {
		var types []string
		var last linkfin.ConditionalPayment
		for _, r := range rc.requests("/" + org) {
			types = append(types, r.typ)
			json.Unmarshal(r.payload.Data, &last)
		}
		if !slices.Equal(types, want) {
			t.Fatalf("%s's endpoint got %q, want %q", org, types, want)
		}
		if n := len(last.Moves); last.Status != linkfin.ConditionalReleased || n != 2 || last.Moves[n-1].Type != linkfin.MoveRelease ||
			last.Moves[n-1].Reason != "milestone confirmed by acme" {
			t.Errorf("%s: the release delivered: %+v", org, last)
		}
	}
	if got := rc.requests("/initech"); len(got) != 0 {
		t.Errorf("initech got %d deliveries", len(got))
	}
}

// TestConditionalPaymentDeliveredAsSeen: each endpoint gets the record as its
// organization sees it through the API (services.Seen): the payer and the payee the
// lock and each move's transfer, which touch their wallets; the milestone's confirmer,
// who reads neither wallet, neither.
func TestConditionalPaymentDeliveredAsSeen(t *testing.T) {
	e := newEnv(t)
	rc := hooked(t, e, "conditional_payment.*")
	milestonePayment(t, e, "initech")
	e.poll(e.dispatcher())
	for org, want := range map[string]bool{"acme": true, "globex": true, "initech": false} {
		got := rc.requests("/" + org)
		if len(got) != 1 || got[0].typ != "conditional_payment.locked" {
			t.Fatalf("%s's endpoint got %d deliveries", org, len(got))
		}
		var m struct {
			Lock  *json.RawMessage `json:"lock"`
			Moves []map[string]any `json:"moves"`
		}
		if err := json.Unmarshal(got[0].payload.Data, &m); err != nil {
			t.Fatal(err)
		}
		_, moved := m.Moves[0]["transfer_id"]
		if (m.Lock != nil) != want || moved != want {
			t.Errorf("%s sees the lock and its transfer %v, want %v: %s", org, !want, want, got[0].payload.Data)
		}
	}
}

// hooked starts a receiver, and registers an endpoint of acme, globex and initech each
// with it, for the events of pattern.
func hooked(t *testing.T, e *env, pattern string) *receiver {
	t.Helper()
	rc := newReceiver(t, time.Now)
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	for _, org := range []string{"acme", "globex", "initech"} {
		rc.secrets["/"+org] = webhook.Secret(key, org+"-hooks")
		e.endpoint(org+"-hooks", org, srv.URL+"/"+org, pattern)
	}
	return rc
}

// milestonePayment has acme, paid 100.00 in by bank, lock 60.00 for globex until
// confirmer confirms that the site was handed over.
func milestonePayment(t *testing.T, e *env, confirmer string) linkfin.ConditionalPayment {
	t.Helper()
	e.submit(&services.RecordInboundPayment{Rail: "bank", InstructionID: "in-1", OrgID: "acme", Currency: "CNY", Amount: 100_00})
	var p linkfin.ConditionalPayment
	if err := e.engine.Run(t.Context(), &services.CreateConditionalPayment{Actor: "acme", In: linkfin.ConditionalPaymentIn{PayeeID: "globex",
		Currency: "CNY", Amount: 60_00, Condition: linkfin.ConditionIn{Type: linkfin.ConditionMilestone, Milestone: "site handed over",
			ConfirmerID: confirmer}}}, &p); err != nil {
		t.Fatal(err)
	}
	return p
}
