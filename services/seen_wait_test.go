package services_test

import (
	"encoding/json"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

// A conditional payment on the e-CNY rail whose release waited before the wait was
// recorded in words that name none of the payee's wallet's figures keeps, as stored,
// the wallet's room and limit in its reason. Its payer and its milestone's confirmer
// read it (its GET, its list, an act's answer, a webhook's delivery: all through Seen)
// with that part in the words of a wait recorded now, the code and amount as they
// are; the payee and the operator read it whole.
func TestSeenWaitingReleaseOfBefore(t *testing.T) {
	const (
		before   = "milestone confirmed by tier2"
		figures  = "; the payee's e-CNY wallet may hold 12.00 CNY more (its limit is 500.00 CNY)"
		withheld = "; the payee's e-CNY wallet cannot be paid this amount now"
	)
	stored := linkfin.ConditionalPayment{ID: "cp_1", PayerID: "anchor", PayeeID: "tier1", Currency: "CNY", Amount: 40_00,
		Rail: linkfin.RailECNY, ECNY: &linkfin.ConditionalECNY{}, Status: linkfin.ConditionalLocked,
		Condition: linkfin.Condition{Type: linkfin.ConditionMilestone, Milestone: "installed", ConfirmerID: "tier2"},
		Waiting:   &linkfin.ReleaseWait{Amount: 40_00, Code: linkfin.EWALLETBALANCE, Reason: before + figures}}
	data, err := json.Marshal(&stored)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		v      linkfin.Viewer
		reason string
	}{
		{linkfin.Viewer{Org: "anchor"}, before + withheld},
		{linkfin.Viewer{Org: "tier2"}, before + withheld},
		{linkfin.Viewer{Org: "tier1"}, before + figures},
		{linkfin.Viewer{Operator: true}, before + figures},
	} {
		seen, err := services.Seen(c.v, &linkfin.Object{Kind: linkfin.KindConditionalPayment, ID: stored.ID, Data: data})
		if err != nil {
			t.Fatal(err)
		}
		var p linkfin.ConditionalPayment
		if err := json.Unmarshal(seen, &p); err != nil {
			t.Fatal(err)
		}
		if w := p.Waiting; w == nil || w.Reason != c.reason || w.Code != linkfin.EWALLETBALANCE || w.Amount != 40_00 {
			t.Fatalf("%+v reads the waiting release %+v, want the reason %q", c.v, w, c.reason)
		}
		if c.reason == before+withheld && strings.Contains(string(seen), "12.00") {
			t.Fatalf("%+v reads the payee's room: %s", c.v, seen)
		}
	}
}
