package storetest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

// mustRun runs a command that has to succeed.
func mustRun(t *testing.T, env *Env, c linkfin.Command) {
	t.Helper()
	if _, err := run[json.RawMessage](t, env, c); err != nil {
		t.Fatal(err)
	}
}

// run submits one command and decodes its value.
func run[T any](t *testing.T, env *Env, c linkfin.Command) (*T, error) {
	t.Helper()
	var v T
	err := env.Domain.Run(context.Background(), c, &v)
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

	// Relationships: one side proposes, the other accepts.
	type rel = linkfin.Relationship
	if _, err := run[rel](t, env, &services.ProposeRelationship{Actor: "tier2", BuyerID: "anchor", SellerID: "tier1"}); !refusal(err, linkfin.EFORBIDDEN, "only the buyer or the seller") {
		t.Fatalf("a third party proposes: %v", err)
	}
	if _, err := run[rel](t, env, &services.ProposeRelationship{Actor: "anchor", BuyerID: "anchor", SellerID: "bank"}); !refusal(err, linkfin.EINVALID, "organization bank does not trade") {
		t.Fatalf("a relationship with a non-trading funder: %v", err)
	}
	if _, err := run[rel](t, env, &services.ProposeRelationship{Actor: "anchor", BuyerID: "anchor", SellerID: "anchor"}); !refusal(err, linkfin.EINVALID, "needs two organizations") {
		t.Fatalf("a relationship with oneself: %v", err)
	}
	if _, err := run[rel](t, env, &services.ProposeRelationship{Actor: "anchor", BuyerID: "anchor", SellerID: "ghost"}); !refusal(err, linkfin.ENOTFOUND, "organization ghost not found") {
		t.Fatalf("a relationship with nobody: %v", err)
	}
	r, err := run[rel](t, env, &services.ProposeRelationship{Actor: "anchor", BuyerID: "anchor", SellerID: "tier1"})
	if err != nil || r.Status != linkfin.RelationshipProposed || r.ProposedBy != "anchor" {
		t.Fatalf("propose: %+v, %v", r, err)
	}
	if _, err := run[rel](t, env, &services.AcceptRelationship{Actor: "anchor", BuyerID: "anchor", SellerID: "tier1"}); !refusal(err, linkfin.EFORBIDDEN, "cannot accept it") {
		t.Fatalf("the proposer accepts: %v", err)
	}
	if _, err := run[rel](t, env, &services.AcceptRelationship{Actor: "tier2", BuyerID: "anchor", SellerID: "tier1"}); !refusal(err, linkfin.ENOTFOUND, "relationship not found") {
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
	if _, err := run[pg](t, env, &services.CreateProgram{Actor: "tier1", Program: prog}); !refusal(err, linkfin.EFORBIDDEN, "only an anchor runs programs") {
		t.Fatalf("a supplier opens a program: %v", err)
	}
	for name, c := range map[string]struct {
		mutate func(p *linkfin.Program)
		about  string
	}{
		"advance rate of 1":  {func(p *linkfin.Program) { p.AdvanceRate = mustRate(t, "1") }, "advance_rate is above 0 and below 1"},
		"unknown product":    {func(p *linkfin.Program) { p.Products = []linkfin.Product{"payday_loans"} }, `unknown product "payday_loans"`},
		"no limit":           {func(p *linkfin.Program) { p.Limit = 0 }, "limit is a positive amount"},
		"unknown currency":   {func(p *linkfin.Program) { p.Currency = "XYZ" }, `unknown currency "XYZ"`},
		"unknown calendar":   {func(p *linkfin.Program) { p.Calendar = "MARS" }, `unknown calendar "MARS"`},
		"no day count":       {func(p *linkfin.Program) { p.DayCount = 0 }, "day_count is"},
		"tenor of zero days": {func(p *linkfin.Program) { p.MaxTenorDays = 0 }, "max_tenor_days is"},
		// No annual rate is above linkfin.MaxAnnualRate: 100 % a year.
		"a grade's margin above 1": {func(p *linkfin.Program) {
			m := mustRate(t, "99999")
			p.Grades = []linkfin.GradeTerms{{Grade: "E", Margin: &m}}
		}, "grades: E's margin is an annual rate of at most 1 (100 % a year), not 99999"},
		"an early-payment APR above 1": {func(p *linkfin.Program) {
			apr := mustRate(t, "1.0001")
			p.Products = append(p.Products[:len(p.Products):len(p.Products)], linkfin.ProductDynamicDiscounting)
			p.EarlyPaymentAPR = &apr
		}, "early_payment_apr is an annual rate of at most 1"},
		"a late rate above 1": {func(p *linkfin.Program) { late := mustRate(t, "12"); p.LateRate = &late }, "late_rate is an annual rate of at most 1"},
	} {
		bad := prog
		c.mutate(&bad)
		if _, err := run[pg](t, env, &services.CreateProgram{Actor: "anchor", Program: bad}); !refusal(err, linkfin.EINVALID, c.about) {
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
	if _, err := run[pg](t, env, &services.CreateProgram{Actor: "anchor", Program: changed}); !refusal(err, linkfin.ECONFLICT, "program auto-scf exists") {
		t.Fatalf("same id, other terms: %v", err)
	}

	// Funders: invited by the anchor, live once they accept.
	rate := mustRate(t, "0.0425")
	base, margin := mustRate(t, "0.031"), mustRate(t, "0.012")
	invite := func(actor, funder string, limit int64, pricing linkfin.Pricing) (*pg, error) {
		return run[pg](t, env, &services.InviteFunder{Actor: actor, ProgramID: "auto-scf", FunderID: funder, Limit: limit, Pricing: pricing})
	}
	if _, err := invite("tier1", "bank", 100, linkfin.Pricing{FixedRate: &rate}); !refusal(err, linkfin.ENOTFOUND, "program auto-scf not found") {
		t.Fatalf("a stranger invites: %v", err)
	}
	if _, err := invite("anchor", "tier1", 100, linkfin.Pricing{FixedRate: &rate}); !refusal(err, linkfin.EINVALID, "organization tier1 does not fund") {
		t.Fatalf("a supplier invited as funder: %v", err)
	}
	if _, err := invite("anchor", "bank", prog.Limit+1, linkfin.Pricing{FixedRate: &rate}); !refusal(err, linkfin.EINVALID, "at most the program's") {
		t.Fatalf("a funder limit above the program's: %v", err)
	}
	if _, err := invite("anchor", "bank", 100, linkfin.Pricing{FixedRate: &rate, BaseRate: &base, Margin: &margin}); !refusal(err, linkfin.EINVALID, "not both") {
		t.Fatalf("two prices: %v", err)
	}
	high, one, half := mustRate(t, "99999"), mustRate(t, "1"), mustRate(t, "0.5")
	for about, pricing := range map[string]linkfin.Pricing{
		"pricing.fixed_rate is an annual rate of at most 1 (100 % a year), not 99999":               {FixedRate: &high},
		"pricing.base_rate is an annual rate of at most 1":                                          {BaseRate: &high, Margin: &margin},
		"pricing.margin is an annual rate of at most 1":                                             {BaseRate: &base, Margin: &high},
		"pricing.base_rate + pricing.margin is an annual rate of at most 1 (100 % a year), not 1.5": {BaseRate: &one, Margin: &half},
	} {
		if _, err := invite("anchor", "bank", 100, pricing); !refusal(err, linkfin.EINVALID, about) {
			t.Fatalf("pricing above 100 %% a year (%s): %v", about, err)
		}
	}
	if _, err := invite("anchor", "bank", 300_000_000_00, linkfin.Pricing{FixedRate: &rate}); err != nil {
		t.Fatal(err)
	}
	p, err = invite("anchor", "factor", 200_000_000_00, linkfin.Pricing{BaseRate: &base, Margin: &margin})
	if err != nil || len(p.Funders) != 2 || p.Funder("factor").Status != linkfin.FunderInvited {
		t.Fatalf("invite: %+v, %v", p, err)
	}
	if _, err := run[pg](t, env, &services.AcceptFunder{Actor: "tier1", ProgramID: "auto-scf"}); !refusal(err, linkfin.ENOTFOUND, "program auto-scf not found") {
		t.Fatalf("an uninvited party accepts: %v", err)
	}
	p, err = run[pg](t, env, &services.AcceptFunder{Actor: "bank", ProgramID: "auto-scf"})
	if err != nil || p.Funder("bank").Status != linkfin.FunderAccepted || p.Funder("factor").Status != linkfin.FunderInvited {
		t.Fatalf("accept: %+v, %v", p, err)
	}
	if _, err := invite("anchor", "bank", 1, linkfin.Pricing{FixedRate: &rate}); !refusal(err, linkfin.ECONFLICT, "already accepted its part") {
		t.Fatalf("re-inviting an accepted funder: %v", err)
	}
	if got := p.Funder("bank").Pricing.FixedRate.String(); got != "0.0425" {
		t.Fatalf("bank's rate = %s", got)
	}

	// A grade's margin replaces a base-rate funder's own: the two together are at
	// most 100 % a year too, whenever the funder is invited.
	graded := prog
	graded.ID, graded.Grades = "graded-scf", []linkfin.GradeTerms{{Grade: "E", Margin: &half}}
	mustRun(t, env, &services.CreateProgram{Actor: "anchor", Program: graded})
	above := mustRate(t, "0.6")
	if _, err := run[pg](t, env, &services.InviteFunder{Actor: "anchor", ProgramID: graded.ID, FunderID: "factor", Limit: 100,
		Pricing: linkfin.Pricing{BaseRate: &above, Margin: &margin}}); !refusal(err, linkfin.EINVALID, "pricing.base_rate + grades: E's margin is an annual rate of at most 1 (100 % a year), not 1.1") {
		t.Fatalf("a base rate that a grade's margin takes above 1: %v", err)
	}
	if _, err := run[pg](t, env, &services.InviteFunder{Actor: "anchor", ProgramID: graded.ID, FunderID: "factor", Limit: 100,
		Pricing: linkfin.Pricing{BaseRate: &half, Margin: &margin}}); err != nil {
		t.Fatalf("a base rate that a grade's margin takes to 1: %v", err)
	}
	if _, err := run[pg](t, env, &services.InviteFunder{Actor: "anchor", ProgramID: graded.ID, FunderID: "bank", Limit: 100,
		Pricing: linkfin.Pricing{FixedRate: &one}}); err != nil {
		t.Fatalf("a fixed rate of 1, which no grade changes: %v", err)
	}

	// All of it survives a restart and verifies, the records matching the log.
	env.Restart()
	obj, err := env.object(linkfin.KindProgram, "auto-scf")
	if err != nil || obj.Version != 4 {
		t.Fatalf("program record: %+v, %v", obj, err)
	}
	env.MustVerify()
}

// refusal reports whether err is the refusal a test expects: its stable code, and a
// message that names the reason, so that an unrelated refusal with the same code (a
// program that does not offer the product, a missing record) cannot pass for it.
func refusal(err error, code, about string) bool {
	return linkfin.ErrorCode(err) == code && strings.Contains(linkfin.ErrorMessage(err), about)
}

// short checks the setup of a refusal by the ledger, whose message need not say which
// account refused (of a financing's limits, it does not): the account meant to refuse
// has less than amount free, and each of the others the command draws on has enough,
// so no other account can be the one that refused.
func short(t *testing.T, env *Env, amount, refuses int64, others ...int64) {
	t.Helper()
	free := func(id int64) int64 {
		a, err := env.Domain.Account(context.Background(), id)
		if linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
			return 0 // a wallet nothing was ever paid into
		} else if err != nil {
			t.Fatal(err)
		}
		return a.CreditsPosted - a.DebitsPosted - a.DebitsPending
	}
	if f := free(refuses); f >= amount {
		t.Fatalf("account %d has %d free, not less than %d: it cannot be what refuses", refuses, f, amount)
	}
	for _, id := range others {
		if f := free(id); f < amount {
			t.Fatalf("account %d has %d free, less than %d: it may be what refuses", id, f, amount)
		}
	}
}
