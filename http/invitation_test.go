package http_test

import (
	"net/http"
	"strings"
	"testing"

	"linkfin"
)

// TestInvitationTermsOverHTTP: a funder accepts the terms it saw. The anchor invites
// a funder, then invites it again with a limit fifty thousand times larger at a
// fiftieth of the rate; the funder's acceptance without terms, or with the terms of
// the first invitation, is 409 invitation_changed and leaves it invited; with the
// terms the invitation shows now it joins.
func TestInvitationTermsOverHTTP(t *testing.T) {
	p := newPlatform(t)
	invite := func(body string) {
		t.Helper()
		wantJSON(t, p.as("anchor", "POST", "/v1/programs/auto-scf/funders", body), http.StatusOK, nil)
	}
	accept := "/v1/programs/auto-scf/funders/outsider/accept"
	invite(`{"funder_id":"outsider","limit":100000,"pricing":{"fixed_rate":"0.05"}}`)
	invite(`{"funder_id":"outsider","limit":5000000000,"pricing":{"fixed_rate":"0.001"}}`)
	prob := wantProblem(t, p.as("outsider", "POST", accept, ""), http.StatusConflict, linkfin.EINVITATIONCHANGED)
	if !strings.Contains(prob.Detail, "invitation 2") {
		t.Errorf("detail %q", prob.Detail)
	}
	wantProblem(t, p.as("outsider", "POST", accept, `{"limit":100000,"pricing":{"fixed_rate":"0.05"}}`), http.StatusConflict, linkfin.EINVITATIONCHANGED)
	wantProblem(t, p.as("outsider", "POST", accept, `{"limit":5000000000}`), http.StatusBadRequest, linkfin.EINVALID)
	var prog linkfin.Program
	wantJSON(t, p.as("outsider", "GET", "/v1/programs/auto-scf", ""), http.StatusOK, &prog)
	if f := prog.Funder("outsider"); f == nil || f.Status != linkfin.FunderInvited || f.Invitation != 2 || f.Limit != 5_000_000_000 {
		t.Fatalf("the invitation after the refusals: %+v", f)
	}
	wantJSON(t, p.as("outsider", "POST", accept, `{"limit":5000000000,"pricing":{"fixed_rate":"0.001"}}`), http.StatusOK, &prog)
	if f := prog.Funder("outsider"); f.Status != linkfin.FunderAccepted || f.Limit != 5_000_000_000 {
		t.Fatalf("the acceptance of the terms shown: %+v", f)
	}
}
