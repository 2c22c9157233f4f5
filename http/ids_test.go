package http_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"linkfin"
	lfhttp "linkfin/http"
	"linkfin/services"
)

// strangers is a second supply chain beside the platform's, party to none of its
// records: an anchor, its supplier, a warehouse and a funder, under a program of the
// anchor's, with an order delivered, invoiced, approved and certified.
type strangers struct {
	po, invoice, payable, piece string
}

func (p *platform) strangers(t *testing.T) strangers {
	t.Helper()
	ctx := context.Background()
	submit := func(c linkfin.Command, v any) {
		t.Helper()
		if v == nil {
			v = new(json.RawMessage)
		}
		if err := p.engine.Run(ctx, c, v); err != nil {
			t.Fatalf("%T: %v", c, err)
		}
	}
	for _, o := range []linkfin.Organization{
		{ID: "s-anchor", Name: "Stranger Motors", Capabilities: []linkfin.Capability{linkfin.CapAnchor, linkfin.CapTrade}},
		{ID: "s-supplier", Name: "Stranger Parts", Capabilities: []linkfin.Capability{linkfin.CapTrade}},
		{ID: "s-sub", Name: "Stranger Castings", Capabilities: []linkfin.Capability{linkfin.CapTrade}},
		{ID: "s-port", Name: "Stranger Storage", Capabilities: []linkfin.Capability{linkfin.CapLogistics}},
		{ID: "s-bank", Name: "Stranger Bank", Capabilities: []linkfin.Capability{linkfin.CapFund}},
	} {
		submit(&services.CreateOrganization{Org: o}, nil)
		secret, key := linkfin.NewAPIKey(o.ID, linkfin.RoleAdmin, "test")
		submit(&services.CreateAPIKey{Key: key}, nil)
		p.keys[o.ID] = secret
	}
	submit(&services.ProposeRelationship{Actor: "s-anchor", BuyerID: "s-anchor", SellerID: "s-supplier"}, nil)
	submit(&services.AcceptRelationship{Actor: "s-supplier", BuyerID: "s-anchor", SellerID: "s-supplier"}, nil)
	// Its own supplier, to pass pieces down to (never back to the anchor that owes them).
	submit(&services.ProposeRelationship{Actor: "s-supplier", BuyerID: "s-supplier", SellerID: "s-sub"}, nil)
	submit(&services.AcceptRelationship{Actor: "s-sub", BuyerID: "s-supplier", SellerID: "s-sub"}, nil)
	var prog linkfin.Program
	wantJSON(t, p.as("s-anchor", "POST", "/v1/programs", strangerProgram), http.StatusCreated, &prog)
	wantJSON(t, p.as("s-anchor", "POST", "/v1/programs/"+prog.ID+"/funders", `{"funder_id":"s-bank","limit":100000000,"pricing":{"fixed_rate":"0.05"}}`), http.StatusOK, nil)
	wantJSON(t, p.as("s-bank", "POST", "/v1/programs/"+prog.ID+"/funders/s-bank/accept", ""), http.StatusOK, nil)
	strangerProgramID = prog.ID
	var s strangers
	var po linkfin.PurchaseOrder
	wantJSON(t, p.as("s-anchor", "POST", "/v1/purchase-orders", strangerOrder("S-PO-0")), http.StatusCreated, &po)
	wantJSON(t, p.as("s-supplier", "POST", "/v1/purchase-orders/"+po.ID+"/accept", ""), http.StatusOK, nil)
	wantJSON(t, p.as("s-anchor", "POST", "/v1/goods-receipts", `{"po_id":"`+po.ID+`","lines":[{"line_id":"1","accepted":10,"rejected":0}]}`), http.StatusCreated, nil)
	var inv linkfin.Invoice
	wantJSON(t, p.as("s-supplier", "POST", "/v1/invoices", strangerInvoice(p, po.ID, "S-INV-0")), http.StatusCreated, &inv)
	var pay linkfin.Payable
	wantJSON(t, p.as("s-anchor", "POST", "/v1/invoices/"+inv.ID+"/approve", ""), http.StatusOK, &pay)
	s.po, s.invoice, s.payable = po.ID, inv.ID, pay.ID
	var cert linkfin.Certificate
	wantJSON(t, p.as("s-anchor", "POST", "/v1/certificates", `{"program_id":"`+prog.ID+`","payable_ids":["`+pay.ID+`"]}`), http.StatusCreated, &cert)
	s.piece = cert.ID
	return s
}

var (
	strangerProgram = `{"name":"Core Auto supply chain finance","currency":"CNY","limit":100000000,"products":["certificate_discounting"],` +
		`"max_tenor_days":180,"advance_rate":"0.8","day_count":"ACT/360","calendar":"CN",` +
		`"tolerances":{"quantity_rate":"0","price_rate":"0","amount_abs":0},"buy_back":false}`
	strangerProgramID string
	strangerPO        = `{"number":"{number}","seller_id":"s-supplier","program_id":"{program}","currency":"CNY",` +
		`"lines":[{"line_id":"1","item":"bolt","quantity":10,"unit":"EA","unit_price":100000}]}`
)

// strangerOrder is the stranger anchor's order numbered number, under its program.
func strangerOrder(number string) string {
	return strings.NewReplacer("{number}", number, "{program}", strangerProgramID).Replace(strangerPO)
}

func strangerInvoice(p *platform, po, number string) string {
	today := linkfin.BusinessDate(p.clock.Now())
	// Each is issued 16 days before the last: alike invoices within days of each other
	// would be held as possible duplicates.
	issued := today.AddDays(-16 * int(strangerInvoices.Add(1)))
	return fmt.Sprintf(`{"number":%q,"buyer_id":"s-anchor","po_id":%q,"currency":"CNY","issue_date":"%s","due_date":"%s",`+
		`"lines":[{"line_id":"1","quantity":10,"unit_price":100000,"amount":1000000}],"tax":0,"total":1000000}`, number, po, issued, today.AddDays(60))
}

// strangerInvoices counts the stranger's invoices, for their issue dates.
var strangerInvoices atomic.Int64

// TestStrangerCreates: a stranger's create never collides with another organization's
// record and never learns of one. For every route that makes a record, an organization
// party to none of the platform's records creates with the numbers the platform's
// records carry, and succeeds; names an id, taken or not, and is refused the same; and
// names another's records as its references, and is answered exactly as for references
// that were never used, changing nothing. A route that makes records and has no case
// here fails the test.
func TestStrangerCreates(t *testing.T) {
	p := newPlatform(t)
	p.srv.WebhookKey = testWebhookKey
	s := p.strangers(t)
	doc, err := os.ReadFile("../ubl/testdata/en16931-bis3-factoring.xml")
	if err != nil {
		t.Fatal(err)
	}
	// A new order of the stranger's, accepted, for the documents that need one.
	freshPO := func(t *testing.T, number string) string {
		var po linkfin.PurchaseOrder
		wantJSON(t, p.as("s-anchor", "POST", "/v1/purchase-orders", strangerOrder(number)), http.StatusCreated, &po)
		wantJSON(t, p.as("s-supplier", "POST", "/v1/purchase-orders/"+po.ID+"/accept", ""), http.StatusOK, nil)
		return po.ID
	}
	// A piece the stranger supplier holds, fresh.
	freshPiece := func(t *testing.T, number string) string {
		po := freshPO(t, "P-"+number)
		wantJSON(t, p.as("s-anchor", "POST", "/v1/goods-receipts", `{"po_id":"`+po+`","lines":[{"line_id":"1","accepted":10,"rejected":0}]}`), http.StatusCreated, nil)
		var inv linkfin.Invoice
		wantJSON(t, p.as("s-supplier", "POST", "/v1/invoices", strangerInvoice(p, po, "I-"+number)), http.StatusCreated, &inv)
		var pay linkfin.Payable
		wantJSON(t, p.as("s-anchor", "POST", "/v1/invoices/"+inv.ID+"/approve", ""), http.StatusOK, &pay)
		var c linkfin.Certificate
		wantJSON(t, p.as("s-anchor", "POST", "/v1/certificates", `{"program_id":"`+strangerProgramID+`","payable_ids":["`+pay.ID+`"]}`), http.StatusCreated, &c)
		return c.ID
	}

	type request struct {
		who, path, body string
		headers         []string
	}
	jsonReq := func(who, path, body string) request { return request{who: who, path: path, body: body} }
	type createCase struct {
		// own makes a record of the stranger's that carries the numbers the platform's
		// records carry; it must succeed.
		own func(t *testing.T) request
		// foreign and unused name, as references, the platform's records and ids never
		// used; they must be answered alike.
		foreign, unused request
		// withID is own with an "id" field in the body (nil for a route that takes no
		// JSON body of its own).
		withID func(id string) request
	}
	body := func(who, path, b string) func(string) request {
		return func(id string) request {
			return jsonReq(who, path, `{"id":"`+id+`",`+strings.TrimPrefix(b, "{"))
		}
	}
	poBody := strangerOrder("PO-1")
	whBody := `{"url":"https://erp.stranger.example/hooks","events":["*"]}`
	wrBody := `{"number":"WR-1","lot_id":"LOT-1","owner_id":"s-supplier","commodity":"copper","quantity":40,"unit":"t"}`
	cases := map[string]createCase{
		"POST /v1/relationships": {
			own: func(*testing.T) request {
				return jsonReq("s-anchor", "/v1/relationships", `{"buyer_id":"s-anchor","seller_id":"tier3"}`)
			},
			foreign: jsonReq("s-anchor", "/v1/relationships", `{"buyer_id":"anchor","seller_id":"tier1"}`),
			unused:  jsonReq("s-anchor", "/v1/relationships", `{"buyer_id":"anchor","seller_id":"tier3"}`),
		},
		"POST /v1/programs": {
			own:     func(*testing.T) request { return jsonReq("s-anchor", "/v1/programs", strangerProgram) },
			foreign: jsonReq("s-anchor", "/v1/programs/auto-scf/funders", `{"funder_id":"s-bank","limit":1,"pricing":{"fixed_rate":"0.01"}}`),
			unused:  jsonReq("s-anchor", "/v1/programs/prog-never/funders", `{"funder_id":"s-bank","limit":1,"pricing":{"fixed_rate":"0.01"}}`),
			withID:  body("s-anchor", "/v1/programs", strangerProgram),
		},
		"POST /v1/purchase-orders": {
			own:     func(*testing.T) request { return jsonReq("s-anchor", "/v1/purchase-orders", poBody) },
			foreign: jsonReq("s-anchor", "/v1/purchase-orders", strings.Replace(poBody, `"currency"`, `"program_id":"auto-scf","currency"`, 1)),
			unused:  jsonReq("s-anchor", "/v1/purchase-orders", strings.Replace(poBody, `"currency"`, `"program_id":"prog-never","currency"`, 1)),
			withID:  body("s-anchor", "/v1/purchase-orders", poBody),
		},
		"POST /v1/shipments": {
			own: func(t *testing.T) request {
				return jsonReq("s-supplier", "/v1/shipments", `{"number":"SH-1","po_id":"`+freshPO(t, "PO-sh")+`","carrier_id":"s-port"}`)
			},
			foreign: jsonReq("s-supplier", "/v1/shipments", `{"number":"SH-1","po_id":"PO-1","carrier_id":"port"}`),
			unused:  jsonReq("s-supplier", "/v1/shipments", `{"number":"SH-1","po_id":"PO-never","carrier_id":"port"}`),
			withID:  body("s-supplier", "/v1/shipments", `{"number":"SH-2","po_id":"`+s.po+`","carrier_id":"s-port"}`),
		},
		"POST /v1/goods-receipts": {
			own: func(t *testing.T) request {
				return jsonReq("s-anchor", "/v1/goods-receipts", `{"number":"GR-1","po_id":"`+freshPO(t, "PO-gr")+`","lines":[{"line_id":"1","accepted":1,"rejected":0}]}`)
			},
			foreign: jsonReq("s-anchor", "/v1/goods-receipts", `{"number":"GR-1","po_id":"PO-1","lines":[{"line_id":"1","accepted":1,"rejected":0}]}`),
			unused:  jsonReq("s-anchor", "/v1/goods-receipts", `{"number":"GR-1","po_id":"PO-never","lines":[{"line_id":"1","accepted":1,"rejected":0}]}`),
			withID:  body("s-anchor", "/v1/goods-receipts", `{"po_id":"`+s.po+`","lines":[{"line_id":"1","accepted":1,"rejected":0}]}`),
		},
		"POST /v1/invoices": {
			own: func(t *testing.T) request {
				return jsonReq("s-supplier", "/v1/invoices", strangerInvoice(p, freshPO(t, "PO-inv"), "INV-1"))
			},
			foreign: jsonReq("s-supplier", "/v1/invoices", strings.Replace(strangerInvoice(p, "PO-1", "INV-1"), `"s-anchor"`, `"anchor"`, 1)),
			unused:  jsonReq("s-supplier", "/v1/invoices", strings.Replace(strangerInvoice(p, "PO-never", "INV-1"), `"s-anchor"`, `"anchor"`, 1)),
			withID:  body("s-supplier", "/v1/invoices", strangerInvoice(p, s.po, "INV-9")),
		},
		"POST /v1/invoices/{id}/credit-notes": {
			own: func(t *testing.T) request {
				po := freshPO(t, "PO-cn")
				wantJSON(t, p.as("s-anchor", "POST", "/v1/goods-receipts", `{"po_id":"`+po+`","lines":[{"line_id":"1","accepted":10,"rejected":0}]}`), http.StatusCreated, nil)
				var inv linkfin.Invoice
				wantJSON(t, p.as("s-supplier", "POST", "/v1/invoices", strangerInvoice(p, po, "INV-cn")), http.StatusCreated, &inv)
				return jsonReq("s-supplier", "/v1/invoices/"+inv.ID+"/credit-notes", `{"number":"CN-1","amount":100,"reason":"a scratch"}`)
			},
			foreign: jsonReq("s-supplier", "/v1/invoices/inv-1/credit-notes", `{"number":"CN-1","amount":100,"reason":"a scratch"}`),
			unused:  jsonReq("s-supplier", "/v1/invoices/inv-never/credit-notes", `{"number":"CN-1","amount":100,"reason":"a scratch"}`),
			withID:  body("s-supplier", "/v1/invoices/"+s.invoice+"/credit-notes", `{"number":"CN-2","amount":100,"reason":"a scratch"}`),
		},
		// A credit note names its invoice by the seller's own number: another's
		// number, named by an organization that has no invoice, is one never used.
		"POST /v1/credit-notes": {
			own: func(t *testing.T) request {
				po := freshPO(t, "PO-cn2")
				wantJSON(t, p.as("s-anchor", "POST", "/v1/goods-receipts", `{"po_id":"`+po+`","lines":[{"line_id":"1","accepted":10,"rejected":0}]}`), http.StatusCreated, nil)
				wantJSON(t, p.as("s-supplier", "POST", "/v1/invoices", strangerInvoice(p, po, "INV-cn2")), http.StatusCreated, nil)
				return jsonReq("s-supplier", "/v1/credit-notes", `{"invoice_number":"INV-cn2","number":"CN-5","amount":100,"reason":"a scratch"}`)
			},
			foreign: jsonReq("s-anchor", "/v1/credit-notes", `{"invoice_number":"INV-1","number":"CN-1","amount":100,"reason":"a scratch"}`),
			unused:  jsonReq("s-anchor", "/v1/credit-notes", `{"invoice_number":"INV-never","number":"CN-1","amount":100,"reason":"a scratch"}`),
			withID:  body("s-supplier", "/v1/credit-notes", `{"invoice_number":"S-INV-0","number":"CN-3","amount":100,"reason":"a scratch"}`),
		},
		"POST /v1/certificates": {
			own: func(t *testing.T) request {
				po := freshPO(t, "PO-c")
				wantJSON(t, p.as("s-anchor", "POST", "/v1/goods-receipts", `{"po_id":"`+po+`","lines":[{"line_id":"1","accepted":10,"rejected":0}]}`), http.StatusCreated, nil)
				var inv linkfin.Invoice
				wantJSON(t, p.as("s-supplier", "POST", "/v1/invoices", strangerInvoice(p, po, "INV-c")), http.StatusCreated, &inv)
				var pay linkfin.Payable
				wantJSON(t, p.as("s-anchor", "POST", "/v1/invoices/"+inv.ID+"/approve", ""), http.StatusOK, &pay)
				return jsonReq("s-anchor", "/v1/certificates", `{"program_id":"`+strangerProgramID+`","payable_ids":["`+pay.ID+`"]}`)
			},
			foreign: jsonReq("s-anchor", "/v1/certificates", `{"program_id":"`+strangerProgramID+`","payable_ids":["pay-inv-1"]}`),
			unused:  jsonReq("s-anchor", "/v1/certificates", `{"program_id":"`+strangerProgramID+`","payable_ids":["pay-inv-never"]}`),
			withID:  body("s-anchor", "/v1/certificates", `{"program_id":"`+strangerProgramID+`","payable_ids":["`+s.payable+`"]}`),
		},
		"POST /v1/certificates/{id}/split": {
			own: func(t *testing.T) request {
				return jsonReq("s-supplier", "/v1/certificates/"+freshPiece(t, "split")+"/split", `{"pieces":[{"face":600000},{"face":400000}]}`)
			},
			foreign: jsonReq("s-supplier", "/v1/certificates/C-1/split", `{"pieces":[{"face":600000},{"face":400000}]}`),
			unused:  jsonReq("s-supplier", "/v1/certificates/C-never/split", `{"pieces":[{"face":600000},{"face":400000}]}`),
			withID: func(id string) request {
				return jsonReq("s-supplier", "/v1/certificates/"+s.piece+"/split", `{"pieces":[{"id":"`+id+`","face":600000},{"face":400000}]}`)
			},
		},
		"POST /v1/certificates/{id}/transfer": {
			own: func(t *testing.T) request {
				return jsonReq("s-supplier", "/v1/certificates/"+freshPiece(t, "transfer")+"/transfer", `{"to":"s-sub","amount":300000}`)
			},
			foreign: jsonReq("s-supplier", "/v1/certificates/C-1/transfer", `{"to":"s-sub","amount":300000}`),
			unused:  jsonReq("s-supplier", "/v1/certificates/C-never/transfer", `{"to":"s-sub","amount":300000}`),
			withID: func(id string) request {
				return jsonReq("s-supplier", "/v1/certificates/"+s.piece+"/transfer", `{"to":"s-sub","amount":300000,"new_id":"`+id+`"}`)
			},
		},
		"POST /v1/financings": {
			own: func(t *testing.T) request {
				return jsonReq("s-supplier", "/v1/financings", `{"product":"certificate_discounting","program_id":"`+strangerProgramID+`","funder_id":"s-bank","asset_id":"`+freshPiece(t, "fin")+`"}`)
			},
			foreign: jsonReq("s-supplier", "/v1/financings", `{"product":"certificate_discounting","program_id":"auto-scf","funder_id":"bank","asset_id":"C-1"}`),
			unused:  jsonReq("s-supplier", "/v1/financings", `{"product":"certificate_discounting","program_id":"auto-scf","funder_id":"bank","asset_id":"C-never"}`),
			withID:  body("s-supplier", "/v1/financings", `{"product":"certificate_discounting","program_id":"`+strangerProgramID+`","funder_id":"s-bank","asset_id":"`+s.piece+`"}`),
		},
		"POST /v1/offers/take": {
			own: func(t *testing.T) request {
				piece := freshPiece(t, "take")
				var offers linkfin.List[linkfin.AssetOffers]
				wantJSON(t, p.as("s-supplier", "GET", "/v1/offers", ""), http.StatusOK, &offers)
				for _, a := range offers.Data {
					if a.AssetID == piece && len(a.Offers) > 0 {
						o := a.Offers[0]
						return jsonReq("s-supplier", "/v1/offers/take", fmt.Sprintf(`{"product":%q,"program_id":%q,"funder_id":%q,"asset_id":%q,"price":%d}`,
							o.Product, a.ProgramID, o.FunderID, piece, o.Quote.Price))
					}
				}
				t.Fatalf("no offer on the stranger's piece %s: %+v", piece, offers.Data)
				return request{}
			},
			foreign: jsonReq("s-supplier", "/v1/offers/take", `{"product":"certificate_discounting","program_id":"auto-scf","funder_id":"bank","asset_id":"C-1","price":1}`),
			unused:  jsonReq("s-supplier", "/v1/offers/take", `{"product":"certificate_discounting","program_id":"auto-scf","funder_id":"bank","asset_id":"C-never","price":1}`),
			withID:  body("s-supplier", "/v1/offers/take", `{"product":"certificate_discounting","program_id":"`+strangerProgramID+`","funder_id":"s-bank","asset_id":"`+s.piece+`","price":1}`),
		},
		"POST /v1/warehouse-receipts": {
			own:     func(*testing.T) request { return jsonReq("s-port", "/v1/warehouse-receipts", wrBody) },
			foreign: jsonReq("s-port", "/v1/warehouse-receipts/WR-1/telemetry", `{"quantity":1}`),
			unused:  jsonReq("s-port", "/v1/warehouse-receipts/WR-never/telemetry", `{"quantity":1}`),
			withID:  body("s-port", "/v1/warehouse-receipts", strings.Replace(wrBody, "LOT-1", "LOT-2", 1)),
		},
		"POST /v1/webhook-endpoints": {
			own:     func(*testing.T) request { return jsonReq("s-anchor", "/v1/webhook-endpoints", whBody) },
			foreign: jsonReq("s-anchor", "/v1/webhook-endpoints/wh-1", whBody),
			unused:  jsonReq("s-anchor", "/v1/webhook-endpoints/wh-never", whBody),
			withID:  body("s-anchor", "/v1/webhook-endpoints", whBody),
		},
		// e-CNY: a stranger's wallet is its own; another's wallet as a parent is not
		// found, as one never opened.
		"POST /v1/ecny-wallets": {
			own:     func(*testing.T) request { return jsonReq("s-supplier", "/v1/ecny-wallets", `{}`) },
			foreign: jsonReq("s-supplier", "/v1/ecny-wallets", `{"parent_id":"`+p.ecny+`","limits":{"balance":1,"payment":1,"daily":1,"yearly":1}}`),
			unused:  jsonReq("s-supplier", "/v1/ecny-wallets", `{"parent_id":"ew_never","limits":{"balance":1,"payment":1,"daily":1,"yearly":1}}`),
		},
		// A conditional payment on the stranger's own order; another's order as its
		// condition is not found, as one never placed.
		"POST /v1/conditional-payments": {
			own: func(t *testing.T) request {
				p.submit(t, &services.RecordInboundPayment{Rail: "bank", InstructionID: "s-cp", OrgID: "s-anchor", Currency: "CNY", Amount: 1_000_00})
				return jsonReq("s-anchor", "/v1/conditional-payments", `{"payee_id":"s-supplier","currency":"CNY","amount":100,`+
					`"condition":{"type":"goods_received","po_id":"`+s.po+`"}}`)
			},
			foreign: jsonReq("s-anchor", "/v1/conditional-payments", `{"payee_id":"s-supplier","currency":"CNY","amount":100,"condition":{"type":"goods_received","po_id":"PO-1"}}`),
			unused:  jsonReq("s-anchor", "/v1/conditional-payments", `{"payee_id":"s-supplier","currency":"CNY","amount":100,"condition":{"type":"goods_received","po_id":"PO-never"}}`),
			withID:  body("s-anchor", "/v1/conditional-payments", `{"payee_id":"s-supplier","currency":"CNY","amount":100,"condition":{"type":"goods_received","po_id":"`+s.po+`"}}`),
		},
		// A purpose-bound wallet the stranger grants; another's wallet is not found to
		// it, as one never opened.
		"POST /v1/purpose-bound-wallets": {
			own: func(t *testing.T) request {
				p.submit(t, &services.RecordInboundPayment{Rail: "bank", InstructionID: "s-pb", OrgID: "s-bank", Currency: "CNY", Amount: 1_000_00})
				return jsonReq("s-bank", "/v1/purpose-bound-wallets", `{"holder_id":"s-supplier","currency":"CNY","payee_ids":["s-anchor"],"amount":100}`)
			},
			foreign: jsonReq("s-bank", "/v1/purpose-bound-wallets/"+p.bound+"/fund", `{"amount":1}`),
			unused:  jsonReq("s-bank", "/v1/purpose-bound-wallets/pb_never/fund", `{"amount":1}`),
			withID:  body("s-bank", "/v1/purpose-bound-wallets", `{"holder_id":"s-supplier","currency":"CNY","payee_ids":["s-anchor"],"amount":100}`),
		},
		// A device watches a warehouse's lots: the stranger's own; another warehouse is
		// not found, as one that does not exist, and so is another's device.
		"POST /v1/devices": {
			own: func(*testing.T) request {
				return jsonReq("s-port", "/v1/devices", `{"lot_id":"LOT-1","public_key":"`+sensorKey(19)+`"}`)
			},
			foreign: jsonReq("s-port", "/v1/devices", `{"warehouse_id":"port","public_key":"`+sensorKey(19)+`"}`),
			unused:  jsonReq("s-port", "/v1/devices", `{"warehouse_id":"port-never","public_key":"`+sensorKey(19)+`"}`),
			withID:  body("s-port", "/v1/devices", `{"lot_id":"LOT-1","public_key":"`+sensorKey(19)+`"}`),
		},
		"POST /v1/devices/{id}/replace": {
			own: func(t *testing.T) request {
				var d linkfin.Device
				wantJSON(t, p.as("s-port", "POST", "/v1/devices", `{"lot_id":"LOT-1","public_key":"`+sensorKey(8)+`"}`), http.StatusCreated, &d)
				return jsonReq("s-port", "/v1/devices/"+d.ID+"/replace", `{"public_key":"`+sensorKey(7)+`"}`)
			},
			foreign: jsonReq("s-port", "/v1/devices/dev-1/replace", `{"public_key":"`+sensorKey(7)+`"}`),
			unused:  jsonReq("s-port", "/v1/devices/dev-never/replace", `{"public_key":"`+sensorKey(7)+`"}`),
		},
		// A UBL invoice: the stranger bills its own order with a document any seller
		// could send, and names another's order as one never made.
		"POST /v1/invoices (UBL)": {
			own: func(t *testing.T) request {
				return request{"s-supplier", "/v1/invoices?buyer_id=s-anchor&po_id=" + freshPO(t, "PO-ubl"), string(doc), []string{"Content-Type", "application/xml"}}
			},
			foreign: request{"s-supplier", "/v1/invoices?buyer_id=anchor&po_id=PO-1", string(doc), []string{"Content-Type", "application/xml"}},
			unused:  request{"s-supplier", "/v1/invoices?buyer_id=anchor&po_id=PO-never", string(doc), []string{"Content-Type", "application/xml"}},
		},
	}
	// Organizations, ledger accounts and raw transfers are the operator's to name; API
	// keys are named at random.
	// Sign-in names are unique on the platform, as a person signs in without naming
	// an organization: a name taken elsewhere answers user_name_taken and nothing
	// more. A session's id is the platform's.
	// An e-CNY payment makes no record: it is ledger transfers, with ids the platform
	// reserves; paying from another's wallet is not found (TestTenancy).
	// A payment from a purpose-bound wallet is one too; from another's wallet, it is
	// not found (TestTenancy). An expected payment names no record but its
	// organization's, the caller's own, and its id is the platform's.
	exempt := map[string]bool{"POST /v1/organizations/{id}/api-keys": true, "POST /v1/users": true, "POST /v1/sessions": true,
		"POST /v1/ecny-payments": true, "POST /v1/purpose-bound-wallets/{id}/payments": true, "POST /v1/expected-payments": true}
	for _, rt := range p.srv.Routes() {
		makes := rt.Method() == "POST" && rt.Access != lfhttp.Operator && (rt.Status == http.StatusCreated || strings.HasSuffix(rt.Path(), "/split") || strings.HasSuffix(rt.Path(), "/transfer"))
		if _, ok := cases[rt.Pattern]; makes && !ok && !exempt[rt.Pattern] {
			t.Errorf("%s makes records and has no case here", rt.Pattern)
		}
	}
	send := func(q request) reply {
		return p.as(q.who, "POST", q.path, q.body, q.headers...)
	}
	same := func(t *testing.T, what string, a, b reply) {
		t.Helper()
		var pa, pb linkfin.Problem
		_ = json.Unmarshal(a.body, &pa)
		_ = json.Unmarshal(b.body, &pb)
		if a.status != b.status || pa.Code != pb.Code {
			t.Errorf("%s: %d %s, but %d %s for what was never used\n%s\n%s", what, a.status, pa.Code, b.status, pb.Code, a.body, b.body)
		}
	}
	// A warehouse receipt belongs to no program: its owner names one. Another
	// anchor's program is not found to a stranger, as one never made, and lends it
	// nothing.
	t.Run("POST /v1/financings (a pledge under another's program)", func(t *testing.T) {
		var wr linkfin.WarehouseReceipt
		wantJSON(t, p.as("s-port", "POST", "/v1/warehouse-receipts", `{"lot_id":"LOT-9","owner_id":"s-supplier","commodity":"copper","quantity":40,"unit":"t"}`),
			http.StatusCreated, &wr)
		pledge := `{"product":"warehouse_pledge","program_id":"%s","funder_id":"bank","asset_id":"` + wr.ID + `"}`
		base := p.snapshot()
		foreign := p.as("s-supplier", "POST", "/v1/financings", fmt.Sprintf(pledge, "auto-scf"))
		wantProblem(t, foreign, http.StatusNotFound, linkfin.ENOTFOUND)
		same(t, "another's program", foreign, p.as("s-supplier", "POST", "/v1/financings", fmt.Sprintf(pledge, "prog-never")))
		if after := p.snapshot(); !reflect.DeepEqual(after, base) {
			t.Fatal("a pledge under another's program changed the store")
		}
	})
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			// Another's records as references answer as references never used, and
			// change nothing.
			base := p.snapshot()
			foreign := send(c.foreign)
			if after := p.snapshot(); !reflect.DeepEqual(after, base) {
				t.Fatalf("naming another's records changed the store: %d %s", foreign.status, foreign.body)
			}
			same(t, "another's records", foreign, send(c.unused))
			if foreign.status < 400 {
				t.Fatalf("naming another's records answered %d", foreign.status)
			}
			// An id in the body is no one's to choose: refused alike, taken or not.
			if c.withID != nil {
				taken := map[string]string{"POST /v1/programs": "auto-scf", "POST /v1/purchase-orders": "PO-1", "POST /v1/shipments": "SH-1",
					"POST /v1/goods-receipts": "GR-1", "POST /v1/invoices": "inv-1", "POST /v1/invoices/{id}/credit-notes": "CN-1", "POST /v1/credit-notes": "CN-1",
					"POST /v1/certificates": "C-1", "POST /v1/certificates/{id}/split": "C-1", "POST /v1/certificates/{id}/transfer": "C-1",
					"POST /v1/financings": "F-1", "POST /v1/offers/take": "F-1", "POST /v1/warehouse-receipts": "WR-1", "POST /v1/webhook-endpoints": "wh-1",
					"POST /v1/conditional-payments": p.cp, "POST /v1/purpose-bound-wallets": p.bound,
					"POST /v1/devices": "dev-1"}[name]
				if taken == "" {
					t.Fatal("no taken id for the route")
				}
				base := p.snapshot()
				r := send(c.withID(taken))
				wantProblem(t, r, http.StatusBadRequest, lfhttp.EUNKNOWNFIELD)
				same(t, "a taken id", r, send(c.withID("never-used-9")))
				if after := p.snapshot(); !reflect.DeepEqual(after, base) {
					t.Fatal("a body with an id changed the store")
				}
			}
			// The stranger's own record, with the numbers others' records carry.
			r := send(c.own(t))
			if r.status != http.StatusCreated && r.status != http.StatusOK {
				t.Fatalf("the stranger's own create: %d %s", r.status, r.body)
			}
			var made []struct {
				ID     string `json:"id"`
				Number string `json:"number"`
			}
			if err := json.Unmarshal(r.body, &made); err != nil {
				var one struct {
					ID     string `json:"id"`
					Number string `json:"number"`
				}
				if err := json.Unmarshal(r.body, &one); err != nil {
					t.Fatal(err)
				}
				made = append(made, one)
			}
			for _, m := range made {
				if name == "POST /v1/relationships" {
					continue // named by its two sides, of which the caller is one
				}
				prefix, _, ok := strings.Cut(m.ID, "_")
				if !ok || linkfin.ValidateID("id", m.ID) != nil || !slices.Contains(slices.Collect(maps.Values(linkfin.IDPrefix)), prefix) {
					t.Errorf("the new record's id %q is not one the platform gives", m.ID)
				}
			}
		})
	}
}

// TestDocumentNumbers: an organization gives a number to one document of a kind; a
// second use is refused with duplicate_number and changes nothing; another
// organization's use of the same number is its own; lists filter by number.
func TestDocumentNumbers(t *testing.T) {
	p := newPlatform(t)
	po := `{"number":"PO-1","seller_id":"%s","currency":"CNY","lines":[{"line_id":"1","item":"x","quantity":1,"unit":"EA","unit_price":100}]}`
	base := p.snapshot()
	wantProblem(t, p.as("anchor", "POST", "/v1/purchase-orders", fmt.Sprintf(po, "tier1")), http.StatusUnprocessableEntity, linkfin.EDUPLICATENUMBER)
	wantProblem(t, p.as("tier1", "POST", "/v1/invoices/inv-1/credit-notes", `{"number":"CN-1","amount":1,"reason":"again"}`),
		http.StatusUnprocessableEntity, linkfin.EDUPLICATENUMBER)
	wantProblem(t, p.as("port", "POST", "/v1/warehouse-receipts", `{"lot_id":"LOT-1","owner_id":"tier2","commodity":"copper","quantity":1,"unit":"t"}`),
		http.StatusUnprocessableEntity, "lot_has_receipt")
	if after := p.snapshot(); !reflect.DeepEqual(after, base) {
		t.Fatal("a refused number changed the store")
	}
	// tier1's own order PO-1, to its own supplier.
	var mine linkfin.PurchaseOrder
	wantJSON(t, p.as("tier1", "POST", "/v1/purchase-orders", fmt.Sprintf(po, "tier2")), http.StatusCreated, &mine)
	if mine.Number != "PO-1" || mine.ID == "PO-1" || !strings.HasPrefix(mine.ID, "po_") {
		t.Fatalf("tier1's order: %+v", mine)
	}
	var list linkfin.List[linkfin.PurchaseOrder]
	wantJSON(t, p.as("anchor", "GET", "/v1/purchase-orders?number=PO-1", ""), http.StatusOK, &list)
	if len(list.Data) != 1 || list.Data[0].ID != "PO-1" {
		t.Fatalf("the anchor's orders numbered PO-1: %+v", list.Data)
	}
	wantJSON(t, p.as("tier2", "GET", "/v1/purchase-orders?number=PO-1", ""), http.StatusOK, &list)
	if len(list.Data) != 1 || list.Data[0].ID != mine.ID {
		t.Fatalf("tier2's orders numbered PO-1: %+v", list.Data)
	}
	wantJSON(t, p.as("tier2", "GET", "/v1/purchase-orders?number=PO-2", ""), http.StatusOK, &list)
	if len(list.Data) != 0 {
		t.Fatalf("tier2's orders numbered PO-2: %+v", list.Data)
	}
	// A number is text: blank or with control characters, it is refused.
	for bad, code := range map[string]string{" ": linkfin.EINVALID, "PO\n1": linkfin.EINVALID, strings.Repeat("9", linkfin.MaxNumber+1): linkfin.ETOOLONG} {
		b, _ := json.Marshal(bad)
		wantProblem(t, p.as("tier1", "POST", "/v1/purchase-orders", strings.Replace(fmt.Sprintf(po, "tier2"), `"PO-1"`, string(b), 1)),
			http.StatusBadRequest, code)
	}
}
