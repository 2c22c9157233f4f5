package http_test

import (
	"net/http"
	"strings"
	"testing"

	"linkfin"
)

// TestProblemDetailBounded: a refusal that names the caller's input (an unknown
// product, a shipment status that is none) answers a detail of at most
// linkfin.MaxErrorMessage bytes, whatever the input's size: a body of nearly a
// megabyte was answered whole in the detail.
func TestProblemDetailBounded(t *testing.T) {
	p := newPlatform(t)
	huge := strings.Repeat("x", 900_000)
	for _, tc := range []struct{ who, path, body string }{
		{"tier1", "/v1/financings", `{"product":"` + huge + `","program_id":"auto-scf","asset_id":"C-1","funder_id":"bank"}`},
		{"port", "/v1/shipments/SH-1/events", `{"status":"` + huge + `"}`},
	} {
		pr := wantProblem(t, p.as(tc.who, "POST", tc.path, tc.body), http.StatusBadRequest, linkfin.EINVALID)
		if len(pr.Detail) > linkfin.MaxErrorMessage || !strings.HasSuffix(pr.Detail, "…") {
			t.Errorf("%s: a detail of %d bytes: %.80s", tc.path, len(pr.Detail), pr.Detail)
		}
	}
}
