package http_test

import (
	"net/http"
	"regexp"
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
	wantProblem(t, p.as("operator", "POST", "/v1/invoices/inv-1/clear-hold", `{"reason":"checked"}`), http.StatusConflict, linkfin.ECONFLICT)
}
