package http_test

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"linkfin"
)

// TestArrayBounds: every array of a request whose length the server bounds says so
// in the OpenAPI document (minItems, maxItems), and the server holds to what it says:
// one item fewer than the least, or one more than the most, is 400 invalid and
// changes nothing. A client that validates against the document sent 1001 order
// lines, 101 payables or 51 event filters, which the document allowed.
func TestArrayBounds(t *testing.T) {
	p := newPlatform(t)
	doc, err := p.srv.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	spec := loadOpenAPI(t, doc)
	base := p.snapshot()
	for _, c := range []struct {
		who, path, schema, field string
		body                     string // with %s for the items
		item                     string // with %d for the item's number
		min, max                 int
	}{
		{"anchor", "/v1/purchase-orders", "PurchaseOrderIn", "lines", `{"number":"PO-B","seller_id":"tier1","currency":"CNY","lines":[%s]}`,
			`{"line_id":"%d","item":"bolt","quantity":1,"unit":"EA","unit_price":1}`, 1, linkfin.MaxOrderLines},
		{"anchor", "/v1/goods-receipts", "GoodsReceiptIn", "lines", `{"po_id":"PO-1","lines":[%s]}`,
			`{"line_id":"%d","accepted":1,"rejected":0}`, 1, linkfin.MaxOrderLines},
		{"tier1", "/v1/invoices", "InvoiceIn", "lines", `{"number":"INV-B","buyer_id":"anchor","po_id":"PO-1","currency":"CNY","issue_date":"2026-11-02","lines":[%s],"tax":0,"total":1}`,
			`{"line_id":"%d","quantity":1,"unit_price":1,"amount":1}`, 1, linkfin.MaxInvoiceLines},
		{"anchor", "/v1/certificates", "CertificateIn", "payable_ids", `{"program_id":"auto-scf","payable_ids":[%s]}`,
			`"pay-%d"`, 1, linkfin.MaxCertificatePayables},
		{"tier1", "/v1/certificates/C-1/split", "SplitIn", "pieces", `{"pieces":[%s]}`,
			`{"face":%d}`, linkfin.MinSplitPieces, linkfin.MaxSplitPieces},
		{"anchor", "/v1/purpose-bound-wallets", "BoundWalletIn", "payee_ids", `{"holder_id":"tier2","currency":"CNY","payee_ids":[%s],"amount":1}`,
			`"payee-%d"`, 1, linkfin.MaxBoundPayees},
		{"anchor", "/v1/webhook-endpoints", "WebhookEndpointIn", "events", `{"url":"https://erp.anchor.example/b","events":[%s]}`,
			`"invoice.e%d"`, 1, linkfin.MaxWebhookEvents},
		{"anchor", "/v1/webhook-endpoints/wh-1", "WebhookEndpointUpdate", "events", `{"url":"https://erp.anchor.example/b","events":[%s]}`,
			`"invoice.e%d"`, 1, linkfin.MaxWebhookEvents},
	} {
		s := spec.Components.Schemas[c.schema]
		if s == nil || s.Value.Properties[c.field] == nil {
			t.Fatalf("%s.%s is not in the document", c.schema, c.field)
		}
		f := s.Value.Properties[c.field].Value
		if f.MinItems != uint64(c.min) || f.MaxItems == nil || *f.MaxItems != uint64(c.max) {
			t.Errorf("%s.%s: the document says minItems %d, maxItems %v; the server takes %d to %d", c.schema, c.field, f.MinItems, f.MaxItems, c.min, c.max)
		}
		for _, n := range []int{c.min - 1, c.max + 1} {
			items := make([]string, n)
			for i := range items {
				items[i] = fmt.Sprintf(c.item, i+1)
			}
			wantProblem(t, p.as(c.who, "POST", c.path, fmt.Sprintf(c.body, strings.Join(items, ","))), http.StatusBadRequest, linkfin.EINVALID)
		}
	}
	if after := p.snapshot(); !reflect.DeepEqual(after, base) {
		t.Fatal("a request of too few or too many items changed the store")
	}
}

// TestUniqueItems: every list of a request whose items the server takes once each
// says so in the OpenAPI document (uniqueItems), and the server holds to it: a list
// with an item twice is 400 invalid and changes nothing, and the same list with the
// items once each is not refused for them.
func TestUniqueItems(t *testing.T) {
	p := newPlatform(t)
	doc, err := p.srv.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	spec := loadOpenAPI(t, doc)
	const program = `{"name":"Mine","currency":"CNY","limit":100,"products":%s,"max_tenor_days":90,"advance_rate":"0.8","day_count":"ACT/360",` +
		`"calendar":"CN","tolerances":{"quantity_rate":"0","price_rate":"0","amount_abs":0},"buy_back":false,"alert_actions":%s}`
	for _, c := range []struct {
		who, path, schema, field string
		body                     string // with %s for the list
		once, twice              string
	}{
		{"operator", "/v1/organizations", "OrganizationIn", "capabilities", `{"id":"uniq-org","name":"Unique Trading","capabilities":%s}`,
			`["trade","fund"]`, `["trade","fund","trade"]`},
		{"operator", "/v1/organizations/outsider/capabilities", "CapabilitiesIn", "capabilities", `{"capabilities":%s}`,
			`["trade","fund"]`, `["fund","fund"]`},
		{"anchor", "/v1/programs", "ProgramIn", "products", fmt.Sprintf(program, "%s", `["notify"]`),
			`["factoring","po_financing"]`, `["factoring","po_financing","factoring"]`},
		{"anchor", "/v1/programs", "ProgramIn", "alert_actions", fmt.Sprintf(program, `["factoring"]`, "%s"),
			`["notify","freeze"]`, `["notify","freeze","notify"]`},
		{"anchor", "/v1/programs/auto-scf/alert-actions", "AlertActionsIn", "alert_actions", `{"alert_actions":%s}`,
			`["stop_financing","freeze"]`, `["freeze","freeze"]`},
		{"anchor", "/v1/webhook-endpoints", "WebhookEndpointIn", "events", `{"url":"https://erp.anchor.example/u","events":%s}`,
			`["invoice.*","*"]`, `["invoice.*","*","invoice.*"]`},
		{"anchor", "/v1/webhook-endpoints/wh-1", "WebhookEndpointUpdate", "events", `{"url":"https://erp.anchor.example/u","events":%s}`,
			`["invoice.*","*"]`, `["*","*"]`},
		{"anchor", "/v1/purpose-bound-wallets", "BoundWalletIn", "payee_ids", `{"holder_id":"tier2","currency":"CNY","payee_ids":%s,"amount":1}`,
			`["tier1","tier3"]`, `["tier1","tier3","tier1"]`},
		{"anchor", "/v1/certificates", "CertificateIn", "payable_ids", `{"program_id":"auto-scf","payable_ids":%s}`,
			`["pay-x","pay-y"]`, `["pay-x","pay-y","pay-x"]`},
	} {
		s := spec.Components.Schemas[c.schema]
		if s == nil || s.Value.Properties[c.field] == nil {
			t.Fatalf("%s.%s is not in the document", c.schema, c.field)
		}
		if !s.Value.Properties[c.field].Value.UniqueItems {
			t.Errorf("%s.%s: the document does not say its items are unique; the server refuses one twice", c.schema, c.field)
		}
		base := p.snapshot()
		prob := wantProblem(t, p.as(c.who, "POST", c.path, fmt.Sprintf(c.body, c.twice)), http.StatusBadRequest, linkfin.EINVALID)
		if !strings.Contains(prob.Detail, "twice") {
			t.Errorf("%s with %s: %s", c.path, c.twice, prob.Detail)
		}
		if after := p.snapshot(); !reflect.DeepEqual(after, base) {
			t.Fatalf("%s with an item twice changed the store", c.path)
		}
		if r := p.as(c.who, "POST", c.path, fmt.Sprintf(c.body, c.once)); strings.Contains(string(r.body), "twice") {
			t.Errorf("%s with %s, each once: %d %s", c.path, c.once, r.status, r.body)
		}
	}
}
