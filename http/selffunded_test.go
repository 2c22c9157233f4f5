package http_test

import (
	"net/http"
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
