package storetest

import (
	"context"
	"encoding/json"
	"testing"

	"linkfin"
	"linkfin/engine"
	"linkfin/services"
)

// mustRun runs a command that has to succeed.
func mustRun(t *testing.T, env *Env, c engine.Command) {
	t.Helper()
	if _, err := run[json.RawMessage](t, env, c); err != nil {
		t.Fatal(err)
	}
}

// run submits one command and decodes its value.
func run[T any](t *testing.T, env *Env, c engine.Command) (*T, error) {
	t.Helper()
	var v T
	_, err := services.Submit(context.Background(), env.Engine, "", nil, c, &v)
	return &v, err
}

func mustRate(t *testing.T, s string) linkfin.Rate {
	r, err := linkfin.ParseRate(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// testParties: organizations, buyer–seller relationships, and an anchor's program
// with funders that accept their part — with the refusals each step must give.
func testParties(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	caps := func(cs ...linkfin.Capability) []linkfin.Capability { return cs }
	for _, o := range []linkfin.Organization{
		{ID: "anchor", Name: "Core Auto Group", Capabilities: caps(linkfin.CapAnchor, linkfin.CapTrade)},
		{ID: "tier1", Name: "Tier One Parts", Capabilities: caps(linkfin.CapTrade)},
		{ID: "tier2", Name: "Tier Two Castings", Capabilities: caps(linkfin.CapTrade)},
		{ID: "bank", Name: "River Bank", Capabilities: caps(linkfin.CapFund)},
		{ID: "factor", Name: "Quick Factor", Capabilities: caps(linkfin.CapFund)},
		{ID: "wh", Name: "Port Warehouse", Capabilities: caps(linkfin.CapLogistics)},
	} {
		mustRun(t, env, &services.CreateOrganization{Org: o})
	}
	code := func(err error) string { return linkfin.ErrorCode(err) }

	// Relationships: one side proposes, the other accepts.
	type rel = linkfin.Relationship
	if _, err := run[rel](t, env, &services.ProposeRelationship{Actor: "tier2", BuyerID: "anchor", SellerID: "tier1"}); code(err) != linkfin.EFORBIDDEN {
		t.Fatalf("a third party proposes: %v", err)
	}
	if _, err := run[rel](t, env, &services.ProposeRelationship{Actor: "anchor", BuyerID: "anchor", SellerID: "bank"}); code(err) != linkfin.EINVALID {
		t.Fatalf("a relationship with a non-trading funder: %v", err)
	}
	if _, err := run[rel](t, env, &services.ProposeRelationship{Actor: "anchor", BuyerID: "anchor", SellerID: "anchor"}); code(err) != linkfin.EINVALID {
		t.Fatalf("a relationship with oneself: %v", err)
	}
	if _, err := run[rel](t, env, &services.ProposeRelationship{Actor: "anchor", BuyerID: "anchor", SellerID: "ghost"}); code(err) != linkfin.ENOTFOUND {
		t.Fatalf("a relationship with nobody: %v", err)
	}
	r, err := run[rel](t, env, &services.ProposeRelationship{Actor: "anchor", BuyerID: "anchor", SellerID: "tier1"})
	if err != nil || r.Status != linkfin.RelationshipProposed || r.ProposedBy != "anchor" {
		t.Fatalf("propose: %+v, %v", r, err)
	}
	if _, err := run[rel](t, env, &services.AcceptRelationship{Actor: "anchor", BuyerID: "anchor", SellerID: "tier1"}); code(err) != linkfin.EFORBIDDEN {
		t.Fatalf("the proposer accepts: %v", err)
	}
	if _, err := run[rel](t, env, &services.AcceptRelationship{Actor: "tier2", BuyerID: "anchor", SellerID: "tier1"}); code(err) != linkfin.ENOTFOUND {
		t.Fatalf("a third party accepts: %v", err)
	}
	r, err = run[rel](t, env, &services.AcceptRelationship{Actor: "tier1", BuyerID: "anchor", SellerID: "tier1"})
	if err != nil || r.Status != linkfin.RelationshipActive || r.AcceptedAt == nil {
		t.Fatalf("accept: %+v, %v", r, err)
	}
	// The seller proposes the next tier down; the buyer proposing the same accepts it.
	mustRun(t, env, &services.ProposeRelationship{Actor: "tier2", BuyerID: "tier1", SellerID: "tier2"})
	r, err = run[rel](t, env, &services.ProposeRelationship{Actor: "tier1", BuyerID: "tier1", SellerID: "tier2"})
	if err != nil || r.Status != linkfin.RelationshipActive {
		t.Fatalf("crossing proposals: %+v, %v", r, err)
	}

	// A program: only an anchor opens one, with valid terms.
	prog := linkfin.Program{ID: "auto-scf", Name: "Core Auto supplier finance", Currency: "CNY", Limit: 500_000_000_00,
		Products:     []linkfin.Product{linkfin.ProductCertificateDiscounting, linkfin.ProductFactoring},
		MaxTenorDays: 180, AdvanceRate: mustRate(t, "0.8"), DayCount: linkfin.ACT360, Calendar: "CN",
		Tolerances: linkfin.MatchTolerances{QuantityRate: mustRate(t, "0.02"), PriceRate: mustRate(t, "0.01"), AmountAbs: 100_00}}
	type pg = linkfin.Program
	if _, err := run[pg](t, env, &services.CreateProgram{Actor: "tier1", Program: prog}); code(err) != linkfin.EFORBIDDEN {
		t.Fatalf("a supplier opens a program: %v", err)
	}
	for name, mutate := range map[string]func(p *linkfin.Program){
		"advance rate of 1":  func(p *linkfin.Program) { p.AdvanceRate = mustRate(t, "1") },
		"unknown product":    func(p *linkfin.Program) { p.Products = []linkfin.Product{"payday_loans"} },
		"no limit":           func(p *linkfin.Program) { p.Limit = 0 },
		"unknown currency":   func(p *linkfin.Program) { p.Currency = "XYZ" },
		"unknown calendar":   func(p *linkfin.Program) { p.Calendar = "MARS" },
		"no day count":       func(p *linkfin.Program) { p.DayCount = 0 },
		"tenor of zero days": func(p *linkfin.Program) { p.MaxTenorDays = 0 },
	} {
		bad := prog
		mutate(&bad)
		if _, err := run[pg](t, env, &services.CreateProgram{Actor: "anchor", Program: bad}); code(err) != linkfin.EINVALID {
			t.Fatalf("%s: %v", name, err)
		}
	}
	p, err := run[pg](t, env, &services.CreateProgram{Actor: "anchor", Program: prog})
	if err != nil || p.AnchorID != "anchor" || len(p.Funders) != 0 || p.CreatedAt.IsZero() {
		t.Fatalf("create program: %+v, %v", p, err)
	}
	if again, err := run[pg](t, env, &services.CreateProgram{Actor: "anchor", Program: prog}); err != nil || !again.CreatedAt.Equal(p.CreatedAt) {
		t.Fatalf("retry: %+v, %v", again, err)
	}
	changed := prog
	changed.Limit++
	if _, err := run[pg](t, env, &services.CreateProgram{Actor: "anchor", Program: changed}); code(err) != linkfin.ECONFLICT {
		t.Fatalf("same id, other terms: %v", err)
	}

	// Funders: invited by the anchor, live once they accept.
	rate := mustRate(t, "0.0425")
	base, margin := mustRate(t, "0.031"), mustRate(t, "0.012")
	invite := func(actor, funder string, limit int64, pricing linkfin.Pricing) (*pg, error) {
		return run[pg](t, env, &services.InviteFunder{Actor: actor, ProgramID: "auto-scf", FunderID: funder, Limit: limit, Pricing: pricing})
	}
	if _, err := invite("tier1", "bank", 100, linkfin.Pricing{FixedRate: &rate}); code(err) != linkfin.ENOTFOUND {
		t.Fatalf("a stranger invites: %v", err)
	}
	if _, err := invite("anchor", "tier1", 100, linkfin.Pricing{FixedRate: &rate}); code(err) != linkfin.EINVALID {
		t.Fatalf("a supplier invited as funder: %v", err)
	}
	if _, err := invite("anchor", "bank", prog.Limit+1, linkfin.Pricing{FixedRate: &rate}); code(err) != linkfin.EINVALID {
		t.Fatalf("a funder limit above the program's: %v", err)
	}
	if _, err := invite("anchor", "bank", 100, linkfin.Pricing{FixedRate: &rate, BaseRate: &base, Margin: &margin}); code(err) != linkfin.EINVALID {
		t.Fatalf("two prices: %v", err)
	}
	if _, err := invite("anchor", "bank", 300_000_000_00, linkfin.Pricing{FixedRate: &rate}); err != nil {
		t.Fatal(err)
	}
	p, err = invite("anchor", "factor", 200_000_000_00, linkfin.Pricing{BaseRate: &base, Margin: &margin})
	if err != nil || len(p.Funders) != 2 || p.Funder("factor").Status != linkfin.FunderInvited {
		t.Fatalf("invite: %+v, %v", p, err)
	}
	if _, err := run[pg](t, env, &services.AcceptFunder{Actor: "tier1", ProgramID: "auto-scf"}); code(err) != linkfin.ENOTFOUND {
		t.Fatalf("an uninvited party accepts: %v", err)
	}
	p, err = run[pg](t, env, &services.AcceptFunder{Actor: "bank", ProgramID: "auto-scf"})
	if err != nil || p.Funder("bank").Status != linkfin.FunderAccepted || p.Funder("factor").Status != linkfin.FunderInvited {
		t.Fatalf("accept: %+v, %v", p, err)
	}
	if _, err := invite("anchor", "bank", 1, linkfin.Pricing{FixedRate: &rate}); code(err) != linkfin.ECONFLICT {
		t.Fatalf("re-inviting an accepted funder: %v", err)
	}
	if got := p.Funder("bank").Pricing.FixedRate.String(); got != "0.0425" {
		t.Fatalf("bank's rate = %s", got)
	}

	// All of it survives a restart and verifies, the records matching the log.
	env.Restart()
	obj, err := env.Store.Object(context.Background(), linkfin.KindProgram, "auto-scf")
	if err != nil || obj.Version != 4 {
		t.Fatalf("program record: %+v, %v", obj, err)
	}
	env.MustVerify()
}
