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
	base := p.snapshot()
	r := p.as("tier1", "POST", "/v1/financings", `{"product":"certificate_discounting","program_id":"auto-scf","funder_id":"bank","asset_id":"C-1"}`)
	pr := wantProblem(t, r, http.StatusUnprocessableEntity, services.EGRADE)
	if !strings.Contains(pr.Detail, "graded "+sc.Grade) || !strings.Contains(pr.Detail, "["+sc.Reasons[0].Code+"]") {
		t.Fatalf("the refusal does not say the grade and reasons: %+v", pr)
	}
	if after := p.snapshot(); !reflect.DeepEqual(base, after) {
		t.Fatal("a refused request changed the store")
	}
}
