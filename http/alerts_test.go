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

// A buyer's payment terms with its seller, over the API: the seller is forbidden, a
// stranger answered as for no relationship, terms beyond ten years are invalid, and
// none of it changes anything; the buyer sets them.
func TestPaymentTermsOverTheAPI(t *testing.T) {
	p := newPlatform(t)
	base := p.snapshot()
	wantProblem(t, p.as("tier1", "POST", "/v1/relationships/anchor~tier1/payment-terms", `{"payment_terms_days":60}`), http.StatusForbidden, linkfin.EFORBIDDEN)
	wantProblem(t, p.as("outsider", "POST", "/v1/relationships/anchor~tier1/payment-terms", `{"payment_terms_days":60}`), http.StatusNotFound, linkfin.ENOTFOUND)
	wantProblem(t, p.as("anchor", "POST", "/v1/relationships/anchor~tier1/payment-terms", `{"payment_terms_days":-1}`), http.StatusBadRequest, linkfin.EINVALID)
	if after := p.snapshot(); !reflect.DeepEqual(base, after) {
		t.Fatal("a refused change of terms changed the store")
	}
	var rel linkfin.Relationship
	wantJSON(t, p.as("anchor", "POST", "/v1/relationships/anchor~tier1/payment-terms", `{"payment_terms_days":60}`), http.StatusOK, &rel)
	if rel.PaymentTermsDays == nil || *rel.PaymentTermsDays != 60 || rel.TermsChangedAt == nil {
		t.Fatalf("the relationship: %+v", rel)
	}
}
