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
	// The quote keeps no inputs: they are tier1's scorecard as the quote read it.
	want := *f.Decision
	want.Inputs = &sc.Inputs
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
