package http_test

import (
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"linkfin"
	lfhttp "linkfin/http"
)

// operatorActs finds where a route's description says the operator acts on it.
var operatorActs = regexp.MustCompile(`\bor the operator\b|\bthe operator names\b`)

// TestOperatorActsWhereRoutesSay: a route whose description says the operator acts on
// it admits an operator key; and the operator does: it acknowledges and resolves an
// alert, registers a device for the warehouse it names, and reaches an invoice's hold
// (one never held is the domain's conflict, not a refusal of the key).
func TestOperatorActsWhereRoutesSay(t *testing.T) {
	p := newPlatform(t)
	for _, route := range p.srv.Routes() {
		says := operatorActs.MatchString(route.Summary)
		admits := route.Access == lfhttp.AnyKey || route.Access == lfhttp.Admin || route.Access == lfhttp.Operator ||
			route.Access == lfhttp.WriteOrOperator
		if says && !admits {
			t.Errorf("%s says the operator acts on it, and needs %s", route.Pattern, route.Access)
		}
	}
	var a linkfin.Alert
	wantJSON(t, p.as("operator", "POST", "/v1/alerts/"+p.alert+"/acknowledge", `{"reason":"seen by the platform"}`), http.StatusOK, &a)
	if a.Status != linkfin.AlertAcknowledged {
		t.Fatalf("the alert acknowledged by the operator: %+v", a)
	}
	wantJSON(t, p.as("operator", "POST", "/v1/alerts/"+p.alert+"/resolve", `{"reason":"counted whole"}`), http.StatusOK, &a)
	if a.Status != linkfin.AlertResolved {
		t.Fatalf("the alert resolved by the operator: %+v", a)
	}
	var d linkfin.Device
	wantJSON(t, p.as("operator", "POST", "/v1/devices", `{"warehouse_id":"port","lot_id":"LOT-OP","public_key":"`+sensorKey(40)+`"}`),
		http.StatusCreated, &d)
	if d.WarehouseID != "port" || d.LotID != "LOT-OP" {
		t.Fatalf("the operator's device: %+v", d)
	}
	// The operator names the warehouse: without one it is refused before anything runs.
	base := p.snapshot()
	wantProblem(t, p.as("operator", "POST", "/v1/devices", `{"lot_id":"LOT-OP2","public_key":"`+sensorKey(41)+`"}`, "Idempotency-Key", "dev-op"),
		http.StatusBadRequest, linkfin.EINVALID)
	if after := p.snapshot(); !reflect.DeepEqual(after, base) {
		t.Fatal("a device refused to the operator changed the store")
	}
	wantProblem(t, p.as("operator", "POST", "/v1/invoices/inv-1/clear-hold", `{"reason":"checked"}`), http.StatusConflict, linkfin.ECONFLICT)
}

// TestOperatorReadsOrganizationsThatExist: the operator, who may read any
// organization's keys and scorecard, is answered not_found for an organization that
// does not exist, not an empty list or a scorecard of nothing; another organization is
// answered alike for a buyer it does not trade with and one that does not exist.
func TestOperatorReadsOrganizationsThatExist(t *testing.T) {
	p := newPlatform(t)
	for _, path := range []string{"/v1/organizations/ghost/api-keys", "/v1/organizations/ghost/scorecard",
		"/v1/organizations/tier1/scorecard?buyer_id=ghost"} {
		wantProblem(t, p.as("operator", "GET", path, ""), http.StatusNotFound, linkfin.ENOTFOUND)
	}
	// An id that is not text names nothing: the address is refused (TestAddressNotText).
	wantProblem(t, p.as("operator", "GET", "/v1/organizations/a%00b/scorecard", ""), http.StatusBadRequest, linkfin.EINVALID)
	var keys linkfin.List[linkfin.APIKeyOut]
	wantJSON(t, p.as("operator", "GET", "/v1/organizations/tier1/api-keys", ""), http.StatusOK, &keys)
	var sc, ghost linkfin.Score
	wantJSON(t, p.as("operator", "GET", "/v1/organizations/tier1/scorecard?buyer_id=anchor", ""), http.StatusOK, &sc)
	if sc.SellerID != "tier1" || sc.BuyerID != "anchor" {
		t.Fatalf("the operator's scorecard: %+v", sc)
	}
	wantJSON(t, p.as("tier1", "GET", "/v1/organizations/tier1/scorecard?buyer_id=ghost", ""), http.StatusOK, &ghost)
	var stranger linkfin.Score
	wantJSON(t, p.as("tier1", "GET", "/v1/organizations/tier1/scorecard?buyer_id=outsider", ""), http.StatusOK, &stranger)
	if ghost.Score != stranger.Score || ghost.Grade != stranger.Grade {
		t.Fatalf("tier1's scorecard with a buyer that does not exist %+v, with one it does not trade with %+v", ghost, stranger)
	}
}

// TestMarginCheckOfAnotherProduct: a margin check is of a warehouse pledge loan; of a
// financing of another product it is not_found as a pledge loan, saying what the
// financing is, not that its asset is a missing warehouse receipt.
func TestMarginCheckOfAnotherProduct(t *testing.T) {
	p := newPlatform(t)
	r := p.as("operator", "POST", "/v1/financings/F-1/margin-check", "", "Idempotency-Key", "mc-1")
	pr := wantProblem(t, r, http.StatusNotFound, linkfin.ENOTFOUND)
	if !strings.Contains(pr.Detail, "pledge loan F-1 not found") || strings.Contains(pr.Detail, "warehouse receipt") {
		t.Fatalf("the detail: %s", pr.Detail)
	}
}
