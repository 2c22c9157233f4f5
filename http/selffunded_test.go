package http_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"linkfin"
)

// TestSelfFundedRefused: a funder that owns goods in a warehouse asking for a pledge
// loan from itself is refused, 400 invalid, and nothing is recorded: the receipt is
// pledged to nothing.
func TestSelfFundedRefused(t *testing.T) {
	p := newPlatform(t)
	var wr linkfin.WarehouseReceipt
	wantJSON(t, p.as("port", "POST", "/v1/warehouse-receipts",
		`{"lot_id":"LOT-BANK","owner_id":"bank","commodity":"copper","quantity":10,"unit":"t"}`), http.StatusCreated, &wr)
	prob := wantProblem(t, p.as("bank", "POST", "/v1/financings",
		`{"product":"warehouse_pledge","program_id":"auto-scf","funder_id":"bank","asset_id":"`+wr.ID+`"}`), http.StatusBadRequest, linkfin.EINVALID)
	if !strings.Contains(prob.Detail, "does not finance its own asset") {
		t.Errorf("detail %q", prob.Detail)
	}
	var after linkfin.WarehouseReceipt
	wantJSON(t, p.as("bank", "GET", "/v1/warehouse-receipts/"+wr.ID, ""), http.StatusOK, &after)
	if after.Status != linkfin.ReceiptIssued || after.FinancingID != "" {
		t.Fatalf("the receipt after the refusal: %+v", after)
	}
}

// TestSelfCertifiedRefused: a warehouse does not receipt goods it owns, nor a seller
// carry its own goods: each is 400 invalid and records nothing.
func TestSelfCertifiedRefused(t *testing.T) {
	p := newPlatform(t)
	base := p.snapshot()
	prob := wantProblem(t, p.as("port", "POST", "/v1/warehouse-receipts",
		`{"lot_id":"LOT-PORT","owner_id":"port","commodity":"copper","quantity":10,"unit":"t"}`), http.StatusBadRequest, linkfin.EINVALID)
	if !strings.Contains(prob.Detail, "not its own goods") {
		t.Errorf("detail %q", prob.Detail)
	}
	if !reflect.DeepEqual(p.snapshot(), base) {
		t.Fatal("the refused receipt changed the store")
	}
	wantJSON(t, p.as("operator", "POST", "/v1/organizations/tier1/capabilities", `{"capabilities":["trade","logistics"]}`), http.StatusOK, nil)
	base = p.snapshot()
	prob = wantProblem(t, p.as("tier1", "POST", "/v1/shipments", `{"po_id":"PO-1","carrier_id":"tier1"}`), http.StatusBadRequest, linkfin.EINVALID)
	if !strings.Contains(prob.Detail, "its own delivery") {
		t.Errorf("detail %q", prob.Detail)
	}
	if !reflect.DeepEqual(p.snapshot(), base) {
		t.Fatal("the refused shipment changed the store")
	}
}
