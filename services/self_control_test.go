package services_test

import (
	"testing"

	"linkfin"
	"linkfin/services"
)

// A control is another party's: a milestone's confirmer is not the payee it releases
// the money to. It is refused at creation, 400 invalid, logging nothing; the same with
// another confirmer is made. A purpose-bound wallet may bind its own grantor (a
// purpose an organization sets itself): granted to itself or to another, it is made.
func TestSelfControlRefused(t *testing.T) {
	w := newWorld(t)
	parties(w)
	w.must(&services.RecordInboundPayment{Rail: "bank", InstructionID: "dep-anchor", OrgID: "anchor", Currency: "CNY", Amount: 100_000_00})
	milestone := func(confirmer string) *services.CreateConditionalPayment {
		return &services.CreateConditionalPayment{Actor: "anchor", In: linkfin.ConditionalPaymentIn{PayeeID: "tier1", Currency: "CNY", Amount: 1_000_00,
			Condition: linkfin.ConditionIn{Type: linkfin.ConditionMilestone, Milestone: "tooling approved", ConfirmerID: confirmer}}}
	}
	w.refused(milestone("tier1"), linkfin.EINVALID)
	for _, confirmer := range []string{"tier2", "anchor"} {
		p, err := run[linkfin.ConditionalPayment](w, milestone(confirmer))
		if err != nil || p.Status != linkfin.ConditionalLocked || p.Condition.ConfirmerID != confirmer {
			t.Fatalf("a milestone %s confirms: %+v, %v", confirmer, p, err)
		}
	}
	wallet := func(holder string) *services.OpenBoundWallet {
		return &services.OpenBoundWallet{Actor: "anchor", In: linkfin.BoundWalletIn{HolderID: holder, Currency: "CNY",
			PayeeIDs: []string{"tier2"}, Purpose: "castings from tier2", Amount: 1_000_00}}
	}
	for _, holder := range []string{"anchor", "tier1"} {
		if b, err := run[linkfin.BoundWallet](w, wallet(holder)); err != nil || b.HolderID != holder || b.GrantorID != "anchor" {
			t.Fatalf("a wallet the anchor grants %s: %+v, %v", holder, b, err)
		}
	}
}
