package http_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"linkfin"
)

// TestBusinessDatesOfThisCentury: every business date a request carries is held to an
// invoice's range, 2000-01-01 to 2099-12-31: an order's deliver_by, a payment file's
// execution date and a settlement run's date took 0001-01-01 and 9999-12-31 (an order
// due in 9999 is never late, and its late day overflowed the calendar). Each is refused
// 400 invalid, naming the field and the range, and nothing is kept; the range's own
// ends are taken.
func TestBusinessDatesOfThisCentury(t *testing.T) {
	p := newPlatform(t)
	order := func(number, deliverBy string) string {
		return `{"number":"` + number + `","seller_id":"tier1","program_id":"auto-scf","currency":"CNY","deliver_by":"` + deliverBy + `","lines":[` +
			`{"line_id":"L1","item":"bolt","quantity":2000,"unit":"pc","unit_price":100}]}`
	}
	base := p.snapshot()
	for _, d := range []string{"0001-01-01", "1999-12-31", "2100-01-01", "9999-12-31"} {
		for _, c := range []struct{ who, path, body, field string }{
			{"anchor", "/v1/purchase-orders", order("PO-C", d), "deliver_by"},
			{"operator", "/v1/payment-files", `{"rail":"bank","date":"` + d + `"}`, "date"},
			{"operator", "/v1/settlements/run", `{"program_id":"auto-scf","date":"` + d + `"}`, "date"},
		} {
			prob := wantProblem(t, p.as(c.who, "POST", c.path, c.body), http.StatusBadRequest, linkfin.EINVALID)
			if want := c.field + " is from 2000-01-01 to 2099-12-31, not " + d; !strings.Contains(prob.Detail, want) {
				t.Errorf("POST %s of %s: %q, want %q", c.path, d, prob.Detail, want)
			}
		}
	}
	if !reflect.DeepEqual(p.snapshot(), base) {
		t.Fatal("a request of a date out of range changed the store")
	}
	var po linkfin.PurchaseOrder
	wantJSON(t, p.as("anchor", "POST", "/v1/purchase-orders", order("PO-C", "2099-12-31")), http.StatusCreated, &po)
	if po.DeliverBy == nil || *po.DeliverBy != linkfin.MaxInvoiceDate {
		t.Fatalf("the order is due %v", po.DeliverBy)
	}
	// The range's ends pass the date's check: nothing waits to be filed, and the last
	// day has not come.
	wantProblem(t, p.as("operator", "POST", "/v1/payment-files", `{"rail":"bank","date":"2099-12-31"}`), http.StatusUnprocessableEntity, linkfin.ENOTHINGTOFILE)
	wantProblem(t, p.as("operator", "POST", "/v1/settlements/run", `{"program_id":"auto-scf","date":"2099-12-31"}`), http.StatusConflict, linkfin.ECONFLICT)
	wantJSON(t, p.as("operator", "POST", "/v1/settlements/run", `{"program_id":"auto-scf","date":"2000-01-01"}`), http.StatusOK, nil)
}
