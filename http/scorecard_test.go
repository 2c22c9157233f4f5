package http_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

// A supplier's scorecard over the API: the supplier, its program's anchor and funders
// read it; its own supplier and an outsider are answered as for no organization. A
// quote shows the decision it was made on; a funder's floor above the supplier's
// grade refuses the request with grade_below_floor and the reasons, and changes
// nothing.
func TestScorecardOverTheAPI(t *testing.T) {
	p := newPlatform(t)
	var sc linkfin.Score
	wantJSON(t, p.as("tier1", "GET", "/v1/organizations/tier1/scorecard", ""), http.StatusOK, &sc)
	if sc.ModelVersion != "v1" || len(sc.Factors) != len(linkfin.ScoreFactors) || sc.Grade == "" || len(sc.Reasons) == 0 {
		t.Fatalf("scorecard %+v", sc)
	}
	for _, who := range []string{"anchor-viewer", "bank"} {
		var other linkfin.Score
		wantJSON(t, p.as(who, "GET", "/v1/organizations/tier1/scorecard", ""), http.StatusOK, &other)
		if other.Score != sc.Score || other.Grade != sc.Grade {
			t.Fatalf("%s reads score %d %s, tier1 %d %s", who, other.Score, other.Grade, sc.Score, sc.Grade)
		}
	}
	wantJSON(t, p.as("tier1", "GET", "/v1/organizations/tier1/scorecard?buyer_id=anchor", ""), http.StatusOK, nil)
	// The anchor is a party to its program, not a supplier in it: its funder does not
	// read its scorecard, nor it the funder's.
	wantProblem(t, p.as("bank", "GET", "/v1/organizations/anchor/scorecard", ""), http.StatusNotFound, linkfin.ENOTFOUND)
	wantProblem(t, p.as("anchor-viewer", "GET", "/v1/organizations/bank/scorecard", ""), http.StatusNotFound, linkfin.ENOTFOUND)
	for _, who := range []string{"tier2", "outsider"} {
		pr := wantProblem(t, p.as(who, "GET", "/v1/organizations/tier1/scorecard", ""), http.StatusNotFound, linkfin.ENOTFOUND)
		if gp := problemOf(p.as(who, "GET", "/v1/organizations/"+ghost+"/scorecard", "")); gp.Detail != strings.ReplaceAll(pr.Detail, "tier1", ghost) {
			t.Fatalf("%s: tier1's scorecard answers %q, no organization's %q", who, pr.Detail, gp.Detail)
		}
	}

	var f linkfin.Financing
	wantJSON(t, p.as("tier1", "GET", "/v1/financings/F-1", ""), http.StatusOK, &f)
	if f.Decision == nil || f.Decision.ModelVersion != "v1" || f.Decision.Grade == "" || len(f.Decision.Reasons) == 0 {
		t.Fatalf("the quote shows no decision: %+v", f.Decision)
	}
	wantProblem(t, p.as("anchor", "POST", "/v1/programs/auto-scf/funders/bank/grade-floor", `{"grade_floor":"A"}`), http.StatusForbidden, linkfin.EFORBIDDEN)
	wantJSON(t, p.as("bank", "POST", "/v1/programs/auto-scf/funders/bank/grade-floor", `{"grade_floor":"A"}`), http.StatusOK, nil)
	var before linkfin.List[linkfin.DeclinedRequest]
	wantJSON(t, p.as("bank", "GET", "/v1/declined-requests", ""), http.StatusOK, &before)
	base := p.snapshot()
	body := `{"product":"certificate_discounting","program_id":"auto-scf","funder_id":"bank","asset_id":"C-1"}`
	r := p.as("tier1", "POST", "/v1/financings", body, "Idempotency-Key", "graded-c1")
	pr := wantProblem(t, r, http.StatusUnprocessableEntity, services.EGRADE)
	if !strings.Contains(pr.Detail, "graded "+sc.Grade) || !strings.Contains(pr.Detail, "["+sc.Reasons[0].Code+"]") {
		t.Fatalf("the refusal does not say the grade and reasons: %+v", pr)
	}
	// The refusal is kept as a declined request, and that is all it changed: its
	// event and who asked (the attribution), no money moved.
	after := p.snapshot()
	if !reflect.DeepEqual(base.Accounts, after.Accounts) || len(after.Events) != len(base.Events)+2 ||
		after.Events[len(base.Events)].Type != "declined_request.recorded" {
		t.Fatalf("the refusal changed the store beyond its record: %+v", after.Events[len(base.Events):])
	}
	var list linkfin.List[linkfin.DeclinedRequest]
	wantJSON(t, p.as("bank", "GET", "/v1/declined-requests", ""), http.StatusOK, &list)
	if len(list.Data) != len(before.Data)+1 {
		t.Fatalf("the bank lists %d declined requests, %d before", len(list.Data), len(before.Data))
	}
	var dr linkfin.DeclinedRequest
	for _, d := range list.Data {
		if d.AssetID == "C-1" {
			dr = d
		}
	}
	if dr.RequesterID != "tier1" || dr.Product != linkfin.ProductCertificateDiscounting || dr.Floor != "A" || dr.FloorSetBy != "funder" ||
		dr.Decision.Grade != sc.Grade || dr.Decision.ModelVersion != "v1" || len(dr.Decision.Reasons) == 0 || !strings.Contains(pr.Detail, dr.ID) {
		t.Fatalf("declined request %+v for the refusal %q", dr, pr.Detail)
	}
	for _, who := range []string{"tier1", "anchor-viewer"} {
		var got linkfin.DeclinedRequest
		wantJSON(t, p.as(who, "GET", "/v1/declined-requests/"+dr.ID, ""), http.StatusOK, &got)
		if !reflect.DeepEqual(got, dr) {
			t.Fatalf("%s reads %+v, want %+v", who, got, dr)
		}
	}
	wantProblem(t, p.as("outsider", "GET", "/v1/declined-requests/"+dr.ID, ""), http.StatusNotFound, linkfin.ENOTFOUND)
	// The same request again, under its key, is answered the same and records nothing more.
	again := wantProblem(t, p.as("tier1", "POST", "/v1/financings", body, "Idempotency-Key", "graded-c1"), http.StatusUnprocessableEntity, services.EGRADE)
	if again.Detail != pr.Detail {
		t.Fatalf("the retry is answered %q, first %q", again.Detail, pr.Detail)
	}
	if n := len(p.snapshot().Events); n != len(after.Events) {
		t.Fatalf("the retry logged %d events", n-len(after.Events))
	}

	// The quote F-1 was made before the floor: it no longer stands while the floor
	// does, and stands again once the bank lifts it.
	if pr := wantProblem(t, p.as("tier1", "POST", "/v1/financings/F-1/accept", ""), http.StatusUnprocessableEntity, services.EGRADE); !strings.Contains(pr.Detail, "for this quote") {
		t.Fatalf("accepting a quote below the floor raised since: %+v", pr)
	}
	wantJSON(t, p.as("bank", "POST", "/v1/programs/auto-scf/funders/bank/grade-floor", `{"grade_floor":""}`), http.StatusOK, nil)

	// Accepted, the financing keeps the decision's summary; its decision reads whole,
	// from its quote, to whoever sees the financing, and as for none to anyone else.
	var accepted linkfin.Financing
	wantJSON(t, p.as("tier1", "POST", "/v1/financings/F-1/accept", ""), http.StatusOK, &accepted)
	if d := accepted.Decision; !d.IsSummary() || d.Score != f.Decision.Score || d.Grade != f.Decision.Grade || d.ModelVersion != "v1" ||
		!d.AsOf.Equal(f.Decision.AsOf) || accepted.Status != linkfin.FinancingAccepted {
		t.Fatalf("the acceptance keeps %+v of the decision %+v", d, f.Decision)
	}
	var read linkfin.Financing
	wantJSON(t, p.as("bank", "GET", "/v1/financings/F-1", ""), http.StatusOK, &read)
	if !reflect.DeepEqual(read.Decision, accepted.Decision) {
		t.Fatalf("the accepted financing reads with decision %+v, answered %+v", read.Decision, accepted.Decision)
	}
	// The quote keeps no inputs: they are tier1's scorecard as the quote read it, its
	// top buyer's share without its name.
	want := *f.Decision
	in := sc.Inputs
	in.Counts.TopBuyer = ""
	want.Inputs = &in
	for _, who := range []string{"tier1", "bank"} {
		var whole linkfin.CreditDecision
		wantJSON(t, p.as(who, "GET", "/v1/financings/F-1/decision", ""), http.StatusOK, &whole)
		if f.Decision.Inputs != nil || !reflect.DeepEqual(&whole, &want) {
			t.Fatalf("%s reads the accepted financing's decision %+v, want %+v (the quote's with its inputs)", who, whole, want)
		}
	}
	pr = wantProblem(t, p.as("outsider", "GET", "/v1/financings/F-1/decision", ""), http.StatusNotFound, linkfin.ENOTFOUND)
	if gp := problemOf(p.as("outsider", "GET", "/v1/financings/"+ghost+"/decision", "")); gp.Detail != strings.ReplaceAll(pr.Detail, "F-1", ghost) {
		t.Fatalf("an outsider is answered %q for F-1's decision, %q for no financing's", pr.Detail, gp.Detail)
	}
}

// TestScorecardOtherBuyers: what a funder or an anchor reads of a supplier's
// scorecard is what its own programs justify. tier1 sells to the platform's anchor,
// whose program bank funds, and far more to anchor2, whose program outsider funds.
// tier1 reads all of its own; bank reads tier1's score, not that anchor2 is its top
// buyer, nor its trade with anchor2 (buyer_id=anchor2 is not_found); outsider reads
// anchor2 as the top buyer, not tier1's trade with the anchor. A decision a funder
// reads never names the top buyer.
func TestScorecardOtherBuyers(t *testing.T) {
	p := newPlatform(t)
	p.submit(t, &services.CreateOrganization{Org: linkfin.Organization{ID: "anchor2", Name: "Other Motors",
		Capabilities: []linkfin.Capability{linkfin.CapAnchor, linkfin.CapTrade}}})
	p.submit(t, &services.ProposeRelationship{Actor: "anchor2", BuyerID: "anchor2", SellerID: "tier1"})
	p.submit(t, &services.AcceptRelationship{Actor: "tier1", BuyerID: "anchor2", SellerID: "tier1"})
	p.submit(t, &services.CreateProgram{Actor: "anchor2", Program: linkfin.Program{ID: "other-scf", Name: "Other supplier finance",
		Currency: "CNY", Limit: 100_000_000_00, Products: []linkfin.Product{linkfin.ProductCertificateDiscounting}, MaxTenorDays: 180,
		AdvanceRate: rate(t, "0.8"), DayCount: linkfin.ACT360, Calendar: "CN"}})
	fixed := rate(t, "0.05")
	p.submit(t, &services.InviteFunder{Actor: "anchor2", ProgramID: "other-scf", FunderID: "outsider", Limit: 1_000_000_00,
		Pricing: linkfin.Pricing{FixedRate: &fixed}})
	p.submit(t, &services.AcceptFunder{Actor: "outsider", ProgramID: "other-scf"})
	now := linkfin.BusinessDate(p.clock.Now())
	p.submit(t, &services.CreatePurchaseOrder{Actor: "anchor2", Order: linkfin.PurchaseOrder{ID: "PO-O", Number: "PO-O", SellerID: "tier1",
		ProgramID: "other-scf", Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "gearbox", Quantity: 1000, Unit: "EA", UnitPrice: 10_000_00}}}})
	p.submit(t, &services.AcceptPurchaseOrder{Actor: "tier1", ID: "PO-O"})
	p.submit(t, &services.CreateGoodsReceipt{Actor: "anchor2", Receipt: linkfin.GoodsReceipt{ID: "GR-O", POID: "PO-O",
		Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: 1000}}}})
	p.submit(t, &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-o", Number: "INV-O", BuyerID: "anchor2", POID: "PO-O",
		Currency: "CNY", IssueDate: now, DueDate: now.AddDays(60),
		Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: 1000, UnitPrice: 10_000_00, Amount: 10_000_000_00}}, Total: 10_000_000_00}})

	read := func(who, query string) linkfin.Score {
		t.Helper()
		var sc linkfin.Score
		wantJSON(t, p.as(who, "GET", "/v1/organizations/tier1/scorecard"+query, ""), http.StatusOK, &sc)
		return sc
	}
	own := read("tier1", "")
	if own.Inputs.Counts.TopBuyer != "anchor2" || own.Inputs.Counts.TopBuyerInvoiced != 10_000_000_00 {
		t.Fatalf("tier1's own scorecard: top buyer %q, %d", own.Inputs.Counts.TopBuyer, own.Inputs.Counts.TopBuyerInvoiced)
	}
	read("tier1", "?buyer_id=anchor2")
	for _, who := range []string{"bank", "anchor-viewer"} {
		sc := read(who, "")
		if sc.Inputs.Counts.TopBuyer != "" || sc.Score != own.Score || sc.Inputs.Counts.TopBuyerInvoiced != own.Inputs.Counts.TopBuyerInvoiced {
			t.Fatalf("%s reads tier1's top buyer %q (score %d, tier1's %d)", who, sc.Inputs.Counts.TopBuyer, sc.Score, own.Score)
		}
		read(who, "?buyer_id=anchor")
		pr := wantProblem(t, p.as(who, "GET", "/v1/organizations/tier1/scorecard?buyer_id=anchor2", ""), http.StatusNotFound, linkfin.ENOTFOUND)
		if gp := problemOf(p.as(who, "GET", "/v1/organizations/tier1/scorecard?buyer_id="+ghost, "")); gp.Detail != strings.ReplaceAll(pr.Detail, "anchor2", ghost) {
			t.Fatalf("%s: tier1's trade with anchor2 answers %q, with no organization %q", who, pr.Detail, gp.Detail)
		}
	}
	if sc := read("outsider", ""); sc.Inputs.Counts.TopBuyer != "anchor2" {
		t.Fatalf("anchor2's funder reads tier1's top buyer %q", sc.Inputs.Counts.TopBuyer)
	}
	read("outsider", "?buyer_id=anchor2")
	wantProblem(t, p.as("outsider", "GET", "/v1/organizations/tier1/scorecard?buyer_id=anchor", ""), http.StatusNotFound, linkfin.ENOTFOUND)

	// A request below bank's floor: the declined request bank and the anchor read keeps
	// the top buyer's share, not its name.
	wantJSON(t, p.as("bank", "POST", "/v1/programs/auto-scf/funders/bank/grade-floor", `{"grade_floor":"A"}`), http.StatusOK, nil)
	wantProblem(t, p.as("tier1", "POST", "/v1/financings", `{"product":"certificate_discounting","program_id":"auto-scf","funder_id":"bank","asset_id":"C-1"}`),
		http.StatusUnprocessableEntity, services.EGRADE)
	var list linkfin.List[linkfin.DeclinedRequest]
	wantJSON(t, p.as("bank", "GET", "/v1/declined-requests", ""), http.StatusOK, &list)
	found := false
	for _, d := range list.Data {
		if d.AssetID != "C-1" {
			continue
		}
		found = true
		if in := d.Decision.Inputs; in == nil || in.Counts.TopBuyer != "" || in.Counts.TopBuyerInvoiced != 10_000_000_00 {
			t.Fatalf("the declined request's inputs: %+v", in)
		}
	}
	if !found {
		t.Fatal("no declined request on C-1")
	}
}

// rate parses a decimal rate, or fails the test.
func rate(t *testing.T, s string) linkfin.Rate {
	t.Helper()
	r, err := linkfin.ParseRate(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
