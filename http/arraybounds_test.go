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
