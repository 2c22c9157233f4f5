package storetest

import (
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

// testWithdrawnFunder: a live funder whose fund capability the operator withdrew is
// offered to no one and quoted by no request, in any product, until the capability
// is granted again; what it financed before stays as it is. Nothing is recorded of a
// refused request.
func testWithdrawnFunder(t *testing.T, open Opener) {
	env := offersFixture(t, open)
	// A dealer's order under a distributor program that bank funds.
	rate := mustRate(t, "0.072")
	bankFunds(t, env, linkfin.Program{ID: "dist", Name: "Dealer finance",
		Currency: "CNY", Limit: 10_000_000_00, Products: []linkfin.Product{linkfin.ProductDistributorFinancing}, MaxTenorDays: 90,
		AdvanceRate: mustRate(t, "0.9"), DayCount: linkfin.ACT360, Calendar: "CN"}, rate)
	mustRun(t, env, &services.CreateOrganization{Org: linkfin.Organization{ID: "dealer", Name: "Dealer",
		Capabilities: []linkfin.Capability{linkfin.CapTrade}}})
	mustRun(t, env, &services.ProposeRelationship{Actor: "dealer", BuyerID: "dealer", SellerID: "anchor"})
	mustRun(t, env, &services.AcceptRelationship{Actor: "anchor", BuyerID: "dealer", SellerID: "anchor"})
	mustRun(t, env, &services.CreatePurchaseOrder{Actor: "dealer", Order: linkfin.PurchaseOrder{ID: "dpo", Number: "dpo", SellerID: "anchor",
		ProgramID: "dist", Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "sedan", Quantity: 2, Unit: "car", UnitPrice: 100_000_00}}}})
	mustRun(t, env, &services.AcceptPurchaseOrder{Actor: "anchor", ID: "dpo"})

	tier1 := linkfin.Viewer{Org: "tier1"}
	before := offers(t, env, tier1)
	mustRun(t, env, &services.SetCapabilities{OrgID: "bank", Capabilities: []linkfin.Capability{linkfin.CapTrade}})
	// bank's lines go: its certificate discounting and factoring offers, and the
	// refusal of its factoring past the program's tenor.
	var want []string
	for _, line := range strings.SplitAfter(before, "\n") {
		if !strings.Contains(line, " bank ") {
			want = append(want, line)
		}
	}
	if got := offers(t, env, tier1); got != strings.Join(want, "") {
		t.Fatalf("tier1's offers once bank no longer funds:\n%s\nwant:\n%s", got, strings.Join(want, ""))
	}
	for _, r := range []struct {
		what string
		c    linkfin.Command
		id   string
	}{
		{"certificate discounting", &services.RequestCertificateDiscounting{Actor: "tier1", ID: "wc", ProgramID: "auto-scf", PieceID: "c1", FunderID: "bank"}, "wc"},
		{"factoring", &services.RequestFactoring{Actor: "tier1", ID: "wf", ProgramID: "both", PayableID: linkfin.PayableID("inv-3"), FunderID: "bank"}, "wf"},
		{"distributor financing", &services.RequestDistributorFinancing{Actor: "dealer", ID: "wd", ProgramID: "dist", POID: "dpo", FunderID: "bank"}, "wd"},
		{"an offer taken", &services.TakeOffer{Actor: "tier1", Product: linkfin.ProductCertificateDiscounting, AssetID: "c1", ProgramID: "auto-scf",
			FunderID: "bank", Price: 989_256_94}, ""},
	} {
		if _, err := run[linkfin.Financing](t, env, r.c); !refusal(err, linkfin.EINVALID, "bank does not fund now") {
			t.Fatalf("%s from a funder that no longer funds: %v, want %s", r.what, err, linkfin.EINVALID)
		}
		if r.id == "" {
			continue
		}
		if _, err := env.object(linkfin.KindFinancing, r.id); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
			t.Fatalf("the refused %s is recorded: %v", r.what, err)
		}
	}
	if c := record[linkfin.Certificate](t, env, linkfin.KindCertificate, "c1"); c.FinancingID != "" {
		t.Fatalf("c1 after the refusals: %+v", c)
	}

	// Granted again, it is offered and quoted again.
	mustRun(t, env, &services.SetCapabilities{OrgID: "bank", Capabilities: []linkfin.Capability{linkfin.CapFund}})
	if got := offers(t, env, tier1); got != before {
		t.Fatalf("tier1's offers once bank funds again:\n%s\nwant:\n%s", got, before)
	}
	mustRun(t, env, &services.RequestDistributorFinancing{Actor: "dealer", ID: "wd", ProgramID: "dist", POID: "dpo", FunderID: "bank"})
}
