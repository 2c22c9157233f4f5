package http_test

import (
	"net/http"
	"reflect"
	"slices"
	"testing"

	"linkfin"
)

// A program's alert actions are changed by its anchor alone, validated: a funder is
// forbidden, an unknown or repeated action is invalid, and neither changes anything;
// an empty list means notify.
func TestAlertActionsOverTheAPI(t *testing.T) {
	p := newPlatform(t)
	base := p.snapshot()
	wantProblem(t, p.as("bank", "POST", "/v1/programs/auto-scf/alert-actions", `{"alert_actions":["stop_financing"]}`), http.StatusForbidden, linkfin.EFORBIDDEN)
	wantProblem(t, p.as("anchor", "POST", "/v1/programs/auto-scf/alert-actions", `{"alert_actions":["shout"]}`), http.StatusBadRequest, linkfin.EINVALID)
	wantProblem(t, p.as("anchor", "POST", "/v1/programs/auto-scf/alert-actions", `{"alert_actions":["freeze","freeze"]}`), http.StatusBadRequest, linkfin.EINVALID)
	wantProblem(t, p.as("outsider", "POST", "/v1/programs/auto-scf/alert-actions", `{"alert_actions":["freeze"]}`), http.StatusNotFound, linkfin.ENOTFOUND)
	if after := p.snapshot(); !reflect.DeepEqual(base, after) {
		t.Fatal("a refused change of alert actions changed the store")
	}
	var prog linkfin.Program
	wantJSON(t, p.as("anchor", "POST", "/v1/programs/auto-scf/alert-actions", `{"alert_actions":["stop_financing","freeze"]}`), http.StatusOK, &prog)
	if !slices.Equal(prog.AlertActions, []linkfin.AlertAction{linkfin.ActionStopFinancing, linkfin.ActionFreeze}) {
		t.Fatalf("alert actions %v", prog.AlertActions)
	}
	wantJSON(t, p.as("anchor", "POST", "/v1/programs/auto-scf/alert-actions", `{"alert_actions":[]}`), http.StatusOK, &prog)
	if len(prog.AlertActions) != 0 {
		t.Fatalf("alert actions %v after an empty list", prog.AlertActions)
	}
}
