package console

import (
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
		}
	}
	if code, _ := s.as("tier1", linkfin.RoleViewer).get("/scorecard?org=tier2"); code != http.StatusNotFound {
		t.Fatalf("tier1 opens its supplier's scorecard: %d", code)
	}
	code, page = s.as("tier1", linkfin.RoleViewer).get("/financings/F-1")
	if code != http.StatusOK || !strings.Contains(page, `id="decision"`) || !strings.Contains(page, "grade "+want.Grade) {
		t.Fatalf("the financing's decision: %d\n%s", code, page)
	}
}
