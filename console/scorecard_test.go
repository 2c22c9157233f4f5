package console

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

// A supplier sees its own scorecard with what would raise it; the anchor and the
// funder see their suppliers' scores and open each; the buyer that is neither (tier1
// for its own supplier tier2) and an outsider do not; a financing's page shows the
// decision the quote was made on.
func TestScorecardPages(t *testing.T) {
	s := certified(t)
	s.run(&services.RequestCertificateDiscounting{Actor: "tier1", ID: "F-1", ProgramID: "auto-scf", PieceID: "C-1", FunderID: "bank"})
	want, err := services.ScorecardFor(t.Context(), s.store, linkfin.Viewer{Org: "tier1"}, "tier1", "", s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	code, page := s.as("tier1", linkfin.RoleViewer).get("/scorecard")
	if code != http.StatusOK || !strings.Contains(page, "Your scorecard") || !strings.Contains(page, "What would raise it") ||
		!strings.Contains(page, want.Reasons[0].ImproveEN) || !strings.Contains(page, want.Reasons[0].EN) {
		t.Fatalf("tier1's own scorecard: %d\n%s", code, page)
	}
	for _, org := range []string{"anchor", "bank"} {
		c := s.as(org, linkfin.RoleViewer)
		code, page := c.get("/scorecard")
		if code != http.StatusOK || !strings.Contains(page, `href="/scorecard?org=tier1"`) || !strings.Contains(page, `href="/scorecard?org=tier2"`) {
			t.Fatalf("%s's suppliers: %d\n%s", org, code, page)
		}
		if code, page := c.get("/scorecard?org=tier1"); code != http.StatusOK || !strings.Contains(page, "Scorecard of tier1") || strings.Contains(page, want.Reasons[0].ImproveEN) {
			t.Fatalf("%s opens tier1's scorecard: %d\n%s", org, code, page)
		} else if strings.Contains(page, `id="suppliers"`) {
			t.Fatalf("%s's card of tier1 works out the list of suppliers again:\n%s", org, page)
		}
	}
	if code, _ := s.as("tier1", linkfin.RoleViewer).get("/scorecard?org=tier2"); code != http.StatusNotFound {
		t.Fatalf("tier1 opens its supplier's scorecard: %d", code)
	}
	code, page = s.as("tier1", linkfin.RoleViewer).get("/financings/F-1")
	if code != http.StatusOK || !strings.Contains(page, `id="decision"`) || !strings.Contains(page, "grade "+want.Grade) {
		t.Fatalf("the financing's decision: %d\n%s", code, page)
	}
	// Accepted, the financing keeps the decision's summary; its page still gives the
	// reasons, from the quote.
	s.run(&services.AcceptCertificateDiscounting{Actor: "tier1", ID: "F-1", PieceID: "C-1"})
	code, page = s.as("bank", linkfin.RoleViewer).get("/financings/F-1")
	if code != http.StatusOK || !strings.Contains(page, "grade "+want.Grade) || !strings.Contains(page, "<code>"+want.Reasons[0].Code+"</code>") {
		t.Fatalf("the accepted financing's decision: %d\n%s", code, page)
	}
}

// A request refused on its grade is kept, and the declined requests page shows it to
// the requester, the funder asked and the anchor, with the decision's reasons in
// words; an organization not party to it does not see it.
func TestDeclinedRequestsPage(t *testing.T) {
	s := certified(t)
	s.run(&services.SetGradeFloor{Actor: "bank", ProgramID: "auto-scf", Floor: "A"})
	err := s.e.Run(t.Context(), &services.RequestCertificateDiscounting{Actor: "tier1", ID: "F-1", ProgramID: "auto-scf", PieceID: "C-1", FunderID: "bank"}, new(json.RawMessage))
	if linkfin.ErrorCode(err) != services.EGRADE {
		t.Fatalf("the request below the floor: %v", err)
	}
	objs, err := s.store.ListObjects(t.Context(), linkfin.KindDeclinedRequest, "", 10)
	if err != nil || len(objs) != 1 {
		t.Fatalf("declined requests: %v, %v", objs, err)
	}
	var dr linkfin.DeclinedRequest
	if err := json.Unmarshal(objs[0].Data, &dr); err != nil {
		t.Fatal(err)
	}
	sc, err := services.Recompute(&dr.Decision)
	if err != nil {
		t.Fatal(err)
	}
	if _, page := s.as("tier1", linkfin.RoleViewer).get("/scorecard"); !strings.Contains(page, `href="/declined"`) {
		t.Fatalf("the scorecard page does not link the declined requests:\n%s", page)
	}
	for _, org := range []string{"tier1", "bank", "anchor"} {
		code, page := s.as(org, linkfin.RoleViewer).get("/declined")
		if code != http.StatusOK || !strings.Contains(page, `id="declined-`+dr.ID+`"`) || !strings.Contains(page, sc.Reasons[0].EN) ||
			!strings.Contains(page, "grade A, the funder&#39;s") || !strings.Contains(page, "grade "+dr.Decision.Grade) {
			t.Fatalf("%s's declined requests: %d\n%s", org, code, page)
		}
	}
	zh := s.browser()
	if code, body := zh.signIn(s.user("bank", linkfin.RoleFinance, linkfin.LangZH), password, ""); code != http.StatusSeeOther {
		t.Fatalf("signing in: %d\n%s", code, body)
	}
	if _, page := zh.get("/declined"); !strings.Contains(page, sc.Reasons[0].ZH) {
		t.Fatalf("the bank's declined requests in Chinese:\n%s", page)
	}
	if code, page := s.as("tier2", linkfin.RoleViewer).get("/declined"); code != http.StatusOK || strings.Contains(page, dr.ID) {
		t.Fatalf("tier2 sees tier1's declined request: %d\n%s", code, page)
	}
	if code, csv := s.as("bank", linkfin.RoleViewer).get("/declined?format=csv"); code != http.StatusOK || !strings.Contains(csv, dr.ID) {
		t.Fatalf("the declined requests as a table: %d\n%s", code, csv)
	}
}
