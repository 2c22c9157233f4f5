package storetest

import (
	"testing"

	"linkfin"
	"linkfin/services"
)

// testWithdrawnCapabilities: a capability the operator withdraws governs from then on
// every act it grants, not only the first. What was done stays done (the program
// runs on, its certificates mature and are paid), but an organization whose anchor
// capability was withdrawn invites no funder into its program and issues no
// certificate, and one whose fund capability was withdrawn before it accepted an
// invitation does not join the program.
func testWithdrawnCapabilities(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env)
	p := approvedPayable(t, env, 1, 1000, 1_000_00, "2027-01-31")
	rate := mustRate(t, "0.05")
	for _, id := range []string{"fund2", "fund3"} {
		mustRun(t, env, &services.CreateOrganization{Org: linkfin.Organization{ID: id, Name: "Funder " + id,
			Capabilities: []linkfin.Capability{linkfin.CapFund}}})
	}

	// fund3, invited while it funds, loses the capability before it accepts.
	mustRun(t, env, &services.InviteFunder{Actor: "anchor", ProgramID: "auto-scf", FunderID: "fund3", Limit: 1_000_00,
		Pricing: linkfin.Pricing{FixedRate: &rate}})
	mustRun(t, env, &services.SetCapabilities{OrgID: "fund3", Capabilities: []linkfin.Capability{linkfin.CapTrade}})
	if _, err := run[linkfin.Program](t, env, &services.AcceptFunder{Actor: "fund3", ProgramID: "auto-scf"}); !refusal(err, linkfin.EFORBIDDEN, "does not fund") {
		t.Fatalf("an invitation accepted by an organization that no longer funds: %v, want %s", err, linkfin.EFORBIDDEN)
	}
	prog := record[linkfin.Program](t, env, linkfin.KindProgram, "auto-scf")
	if f := prog.Funder("fund3"); f == nil || f.Status != linkfin.FunderInvited {
		t.Fatalf("fund3 after the refusal: %+v", f)
	}

	// The anchor loses the anchor capability.
	mustRun(t, env, &services.SetCapabilities{OrgID: "anchor", Capabilities: []linkfin.Capability{linkfin.CapTrade}})
	if _, err := run[linkfin.Program](t, env, &services.InviteFunder{Actor: "anchor", ProgramID: "auto-scf", FunderID: "fund2", Limit: 1_000_00,
		Pricing: linkfin.Pricing{FixedRate: &rate}}); !refusal(err, linkfin.EFORBIDDEN, "not an anchor") {
		t.Fatalf("a funder invited by an organization that is no longer an anchor: %v, want %s", err, linkfin.EFORBIDDEN)
	}
	if prog := record[linkfin.Program](t, env, linkfin.KindProgram, "auto-scf"); prog.Funder("fund2") != nil {
		t.Fatalf("fund2 is in the program after the refusal: %+v", prog.Funders)
	}
	if _, err := run[linkfin.Certificate](t, env, &services.IssueCertificate{Actor: "anchor", ID: "c-gone", ProgramID: "auto-scf",
		PayableIDs: []string{p.ID}}); !refusal(err, linkfin.EFORBIDDEN, "not an anchor") {
		t.Fatalf("a certificate issued by an organization that is no longer an anchor: %v, want %s", err, linkfin.EFORBIDDEN)
	}
	if _, err := env.object(linkfin.KindCertificate, "c-gone"); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		t.Fatalf("the refused certificate is recorded: %v", err)
	}

	// Granted again, both go through.
	mustRun(t, env, &services.SetCapabilities{OrgID: "anchor", Capabilities: []linkfin.Capability{linkfin.CapTrade, linkfin.CapAnchor}})
	mustRun(t, env, &services.InviteFunder{Actor: "anchor", ProgramID: "auto-scf", FunderID: "fund2", Limit: 1_000_00,
		Pricing: linkfin.Pricing{FixedRate: &rate}})
	mustRun(t, env, &services.IssueCertificate{Actor: "anchor", ID: "c-back", ProgramID: "auto-scf", PayableIDs: []string{p.ID}})
	mustRun(t, env, &services.SetCapabilities{OrgID: "fund3", Capabilities: []linkfin.Capability{linkfin.CapFund}})
	mustRun(t, env, &services.AcceptFunder{Actor: "fund3", ProgramID: "auto-scf"})
}
