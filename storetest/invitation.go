package storetest

import (
	"context"
	"testing"

	"linkfin"
	"linkfin/services"
)

// testInvitationTerms: a funder accepts the terms it saw. The anchor may invite a
// funder again, with other terms, until it accepts; an acceptance that carries no
// terms is then refused, and so is one that carries the terms of an earlier
// invitation, with invitation_changed, the funder still invited and no limit opened.
func testInvitationTerms(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	tradeFixture(t, env)
	for _, id := range []string{"bank2", "bank3"} {
		mustRun(t, env, &services.CreateOrganization{Org: linkfin.Organization{ID: id, Name: "Funder " + id,
			Capabilities: []linkfin.Capability{linkfin.CapFund}}})
	}
	seen, changed := mustRate(t, "0.05"), mustRate(t, "0.001")
	invite := func(funder string, limit int64, rate *linkfin.Rate) *linkfin.Program {
		t.Helper()
		p, err := run[linkfin.Program](t, env, &services.InviteFunder{Actor: "anchor", ProgramID: "auto-scf", FunderID: funder,
			Limit: limit, Pricing: linkfin.Pricing{FixedRate: rate}})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	invite("bank2", 100_000, &seen)
	// The anchor changes the terms before bank2 accepts.
	invite("bank2", 5_000_000_00, &changed)
	if _, err := run[linkfin.Program](t, env, &services.AcceptFunder{Actor: "bank2", ProgramID: "auto-scf"}); !refusal(err, linkfin.EINVITATIONCHANGED, "invited bank2 again with other terms (invitation 2)") {
		t.Fatalf("an acceptance without terms of an invitation changed: %v, want %s", err, linkfin.EINVITATIONCHANGED)
	}
	prog := record[linkfin.Program](t, env, linkfin.KindProgram, "auto-scf")
	if f := prog.Funder("bank2"); f == nil || f.Status != linkfin.FunderInvited {
		t.Fatalf("bank2 after the refusal: %+v", f)
	}
	if _, err := env.Domain.Account(context.Background(), services.LimitID("auto-scf", "bank2")); err == nil {
		t.Fatal("bank2's limit is open after the refusal")
	}
	if f := prog.Funder("bank2"); f.Invitation != 2 || f.Limit != 5_000_000_00 {
		t.Fatalf("bank2's invitation after the second: %+v", f)
	}

	// The terms bank2 saw first are not those it would accept now.
	accept := func(funder string, terms *linkfin.FunderTerms) (*linkfin.Program, error) {
		return run[linkfin.Program](t, env, &services.AcceptFunder{Actor: funder, ProgramID: "auto-scf", Terms: terms})
	}
	first := &linkfin.FunderTerms{Limit: 100_000, Pricing: linkfin.Pricing{FixedRate: &seen}}
	if _, err := accept("bank2", first); !refusal(err, linkfin.EINVITATIONCHANGED, "a limit of 500000000 at 0.001 a year (invitation 2)") {
		t.Fatalf("an acceptance of the first invitation's terms: %v, want %s", err, linkfin.EINVITATIONCHANGED)
	}
	if prog := record[linkfin.Program](t, env, linkfin.KindProgram, "auto-scf"); prog.Funder("bank2").Status != linkfin.FunderInvited {
		t.Fatalf("bank2 after the refusal: %+v", prog.Funder("bank2"))
	}
	// Inviting it again with the same terms changes nothing.
	if p := invite("bank2", 5_000_000_00, &changed); p.Funder("bank2").Invitation != 2 {
		t.Fatalf("the same invitation again: %+v", p.Funder("bank2"))
	}
	// The terms it shows now are accepted, a rate written otherwise too.
	same := mustRate(t, "0.0010")
	p, err := accept("bank2", &linkfin.FunderTerms{Limit: 5_000_000_00, Pricing: linkfin.Pricing{FixedRate: &same}})
	if err != nil || p.Funder("bank2").Status != linkfin.FunderAccepted {
		t.Fatalf("an acceptance of the terms shown: %+v, %v", p, err)
	}
	if a := env.Account(services.LimitID("auto-scf", "bank2")); a.CreditsPosted-a.DebitsPosted != 5_000_000_00 {
		t.Fatalf("bank2's limit account: %+v", a)
	}
	// Accepted, it is answered again for its own terms or none, not for others.
	if _, err := accept("bank2", nil); err != nil {
		t.Fatalf("a retry without terms: %v", err)
	}
	if _, err := accept("bank2", first); !refusal(err, linkfin.EINVITATIONCHANGED, "not those accepted") {
		t.Fatalf("an accepted funder's acceptance of other terms: %v, want %s", err, linkfin.EINVITATIONCHANGED)
	}

	// A first invitation, never changed, is accepted without its terms, as before.
	invite("bank3", 100_000, &seen)
	if p, err := accept("bank3", nil); err != nil || p.Funder("bank3").Status != linkfin.FunderAccepted {
		t.Fatalf("an acceptance of a first invitation: %+v, %v", p, err)
	}
	env.MustVerify()
}
