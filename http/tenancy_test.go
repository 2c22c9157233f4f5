package http_test

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"linkfin"
	"linkfin/demo"
	"linkfin/engine"
	lfhttp "linkfin/http"
	"linkfin/services"
)

// platform is an API over the demo's supply chain, with trade in flight: a record of
// every kind, keys of several roles, and an outsider that is party to nothing.
type platform struct {
	*api
	keys map[string]string // "anchor", "anchor-viewer", "anchor-finance", "outsider", … → key
}

func newPlatform(t *testing.T) *platform {
	t.Helper()
	a := newAPI(t)
	ctx := context.Background()
	if err := demo.Seed(ctx, a.engine); err != nil {
		t.Fatal(err)
	}
	p := &platform{api: a, keys: map[string]string{}}
	submit := func(c engine.Command) {
		t.Helper()
		if _, err := services.Submit(ctx, a.engine, "", nil, c, new(json.RawMessage)); err != nil {
			t.Fatalf("%T: %v", c, err)
		}
	}
	submit(&services.CreateOrganization{Org: linkfin.Organization{ID: "outsider", Name: "Outsider Trading",
		Capabilities: []linkfin.Capability{linkfin.CapTrade, linkfin.CapFund}}})
	for _, k := range []struct {
		name, org string
		role      linkfin.Role
	}{
		{"anchor", "anchor", linkfin.RoleAdmin}, {"anchor-finance", "anchor", linkfin.RoleFinance},
		{"anchor-viewer", "anchor", linkfin.RoleViewer}, {"tier1", "tier1", linkfin.RoleAdmin},
		{"tier2", "tier2", linkfin.RoleAdmin}, {"bank", "bank", linkfin.RoleAdmin}, {"port", "port", linkfin.RoleAdmin},
		{"outsider", "outsider", linkfin.RoleAdmin},
	} {
		secret, key := linkfin.NewAPIKey(k.org, k.role, k.name)
		submit(&services.CreateAPIKey{Key: key})
		p.keys[k.name] = secret
	}
	due := linkfin.DateOf(a.clock.Now()).AddDays(60)
	submit(&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "PO-1", Number: "PO-1", SellerID: "tier1", ProgramID: "auto-scf",
		Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "brake disc", Quantity: 100, Unit: "EA", UnitPrice: 1_000_00}}}})
	submit(&services.AcceptPurchaseOrder{Actor: "tier1", ID: "PO-1"})
	submit(&services.CreateShipment{Actor: "tier1", Shipment: linkfin.Shipment{ID: "SH-1", POID: "PO-1", CarrierID: "port"}})
	submit(&services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "GR-1", POID: "PO-1",
		Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: 100}}}})
	submit(&services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-1", Number: "INV-1", BuyerID: "anchor", POID: "PO-1",
		Currency: "CNY", IssueDate: linkfin.DateOf(a.clock.Now()), DueDate: due,
		Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: 100, UnitPrice: 1_000_00, Amount: 100_000_00}}, Total: 100_000_00}})
	submit(&services.ApproveInvoice{Actor: "anchor", ID: "inv-1"})
	submit(&services.CreateCreditNote{Actor: "tier1", Note: linkfin.CreditNote{ID: "CN-1", Number: "CN-1", InvoiceID: "inv-1", Amount: 1_00, Reason: "one scratch"}})
	submit(&services.IssueCertificate{Actor: "anchor", ID: "C-1", ProgramID: "auto-scf", PayableIDs: []string{linkfin.PayableID("inv-1")}})
	submit(&services.RequestFinancing{Actor: "tier1", ID: "F-1", ProgramID: "auto-scf", PieceID: "C-1", FunderID: "bank"})
	submit(&services.MarkPrice{Mark: linkfin.PriceMark{ID: "copper", Currency: "CNY", Price: 60_000_00}})
	submit(&services.IssueWarehouseReceipt{Actor: "port", Receipt: linkfin.WarehouseReceipt{ID: "WR-1", LotID: "LOT-1", OwnerID: "tier2",
		Commodity: "copper", Quantity: 40, Unit: "t"}})
	submit(&services.CreateWebhookEndpoint{Actor: "anchor", Endpoint: linkfin.WebhookEndpoint{ID: "wh-1", OrgID: "anchor",
		URL: "https://erp.anchor.example/hooks", Events: []string{"*"}}})
	return p
}

// as sends a request with one of the platform's keys ("operator" for the operator's).
func (p *platform) as(who, method, path, body string, headers ...string) reply {
	p.t.Helper()
	key := operatorKey
	if who != "operator" {
		key = p.keys[who]
	}
	return p.do(method, path, body, append([]string{"Authorization", "Bearer " + key}, headers...)...)
}

// fill puts in a route's wildcards the ids of real records that the anchor and its
// suppliers are party to, and the outsider is not.
func (p *platform) fill(t *testing.T, route lfhttp.Route) string {
	t.Helper()
	path := route.Path()
	ids := map[string]string{
		"/v1/organizations/": "anchor", "/v1/relationships/": "anchor~tier1", "/v1/programs/": "auto-scf",
		"/v1/purchase-orders/": "PO-1", "/v1/shipments/": "SH-1", "/v1/goods-receipts/": "GR-1", "/v1/invoices/": "inv-1",
		"/v1/credit-notes/": "CN-1", "/v1/payables/": linkfin.PayableID("inv-1"), "/v1/certificates/": "C-1",
		"/v1/financings/": "F-1", "/v1/warehouse-receipts/": "WR-1", "/v1/price-marks/": "copper", "/v1/webhook-endpoints/": "wh-1",
		"/v1/accounts/":  strconv.FormatInt(services.WalletID("anchor", "CNY"), 10),
		"/v1/transfers/": strconv.FormatInt(p.anchorTransfer(t), 10),
	}
	for prefix, id := range ids {
		if strings.HasPrefix(path, prefix+"{id}") {
			path = strings.Replace(path, "{id}", id, 1)
		}
	}
	var anchorKey linkfin.APIKey
	id, _ := linkfin.ParseAPIKey(p.keys["anchor-viewer"])
	anchorKey.ID = id
	path = strings.NewReplacer("{funder}", "bank", "{key}", anchorKey.ID, "{seq}", strconv.FormatInt(p.anchorEvent(t), 10)).Replace(path)
	if strings.Contains(path, "{") {
		t.Fatalf("route %s has a wildcard this test does not fill in", route.Pattern)
	}
	return path
}

// anchorTransfer is the transfer that paid the anchor's opening balance in.
func (p *platform) anchorTransfer(t *testing.T) int64 {
	ts, _, err := p.engine.AccountTransfers(context.Background(), services.WalletID("anchor", "CNY"), 0, 1)
	if err != nil || len(ts) == 0 {
		t.Fatalf("the anchor's wallet has no transfer: %v", err)
	}
	return ts[0].ID
}

// anchorEvent is the seq of the event that registered the anchor.
func (p *platform) anchorEvent(t *testing.T) int64 {
	evs, err := p.store.Events(context.Background(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if e.Type == "organization.created" && strings.Contains(string(e.Data), `"id":"anchor"`) {
			return e.Seq
		}
	}
	t.Fatal("no event registers the anchor")
	return 0
}

// foreignBodies are what an outsider sends to the routes that create: each names
// records of others.
var foreignBodies = map[string]string{
	"/v1/organizations":         `{"id":"anchor","name":"Core Auto Group","capabilities":["trade"]}`,
	"/v1/relationships":         `{"buyer_id":"anchor","seller_id":"tier1"}`,
	"/v1/programs":              `{"name":"Taken","currency":"CNY","limit":100,"products":["factoring"],"max_tenor_days":90,"advance_rate":"0.8","day_count":"ACT/360","calendar":"CN","tolerances":{"quantity_rate":"0","price_rate":"0","amount_abs":0}}`,
	"/v1/purchase-orders":       `{"number":"PO-1","seller_id":"tier1","currency":"CNY","lines":[{"line_id":"1","item":"x","quantity":1,"unit":"EA","unit_price":1}]}`,
	"/v1/shipments":             `{"po_id":"PO-1","carrier_id":"port"}`,
	"/v1/goods-receipts":        `{"po_id":"PO-1","lines":[{"line_id":"1","accepted":1,"rejected":0}]}`,
	"/v1/invoices":              `{"number":"INV-1","buyer_id":"anchor","po_id":"PO-1","currency":"CNY","issue_date":"2026-11-02","due_date":"2027-01-01","lines":[{"line_id":"1","quantity":1,"unit_price":100000,"amount":100000}],"tax":0,"total":100000}`,
	"/v1/certificates":          `{"program_id":"auto-scf","payable_ids":["pay-inv-1"]}`,
	"/v1/financings":            `{"product":"certificate_discounting","program_id":"auto-scf","funder_id":"bank","asset_id":"C-1"}`,
	"/v1/warehouse-receipts":    `{"lot_id":"LOT-1","owner_id":"tier2","commodity":"copper","quantity":1,"unit":"t"}`,
	"/v1/price-marks":           `{"commodity":"copper","currency":"CNY","price":1}`,
	"/v1/payments/inbound":      `{"rail":"bank","instruction_id":"x","org_id":"outsider","currency":"CNY","amount":1}`,
	"/v1/payments/withdrawals":  `{"rail":"bank","instruction_id":"x","currency":"CNY","amount":1}`,
	"/v1/settlements/run":       `{"program_id":"auto-scf","date":"2027-01-01"}`,
	"/v1/accounts":              `{"id":"77","ledger":156,"currency":"CNY","code":1}`,
	"/v1/transfers":             `{"id":"77","debit_account_id":"1","credit_account_id":"2","amount":1,"ledger":156,"currency":"CNY","code":1}`,
	"/v1/webhook-endpoints":     `{"url":"http://127.0.0.1:1/hook","events":["webhook_endpoint.*"]}`,
	"/v1/programs/{id}/funders": `{"funder_id":"outsider","limit":1,"pricing":{"fixed_rate":"0.01"}}`,
}

// TestTenancy walks every route of the router with the key of an organization that is
// party to nothing: whatever names another's record answers 404, as a missing id
// does; lists show only its own; nothing changes. The walk is built from the router's
// own list, so a new route cannot be forgotten.
func TestTenancy(t *testing.T) {
	p := newPlatform(t)
	base := p.snapshot()
	for _, route := range p.srv.Routes() {
		if route.Access == lfhttp.Public {
			continue
		}
		path := p.fill(t, route)
		t.Run(route.Pattern, func(t *testing.T) {
			body := ""
			if route.Method() == "POST" {
				body = foreignBodies[route.Path()]
			}
			r := p.as("outsider", route.Method(), path, body)
			switch {
			case route.Access == lfhttp.Operator:
				wantProblem(t, r, http.StatusForbidden, linkfin.EFORBIDDEN)
			case strings.Contains(route.Path(), "{") && !strings.HasPrefix(route.Path(), "/v1/price-marks/"):
				wantProblem(t, r, http.StatusNotFound, linkfin.ENOTFOUND)
			case route.Path() == "/v1/exposure":
				// Not a paged list, but a list all the same: the outsider funds nothing.
				var exposure struct{ Data []json.RawMessage }
				wantJSON(t, r, http.StatusOK, &exposure)
				if len(exposure.Data) != 0 {
					t.Errorf("the outsider sees exposure: %s", r.body)
				}
			case route.Method() == "GET" && !route.List:
				// The log's checkpoint and proofs are hashes, and price marks market data.
				if r.status >= 500 {
					t.Fatalf("status %d", r.status)
				}
			case route.Method() == "GET":
				var list struct{ Data []json.RawMessage }
				wantJSON(t, r, http.StatusOK, &list)
				for _, item := range list.Data {
					if route.Path() == "/v1/audit/events" || strings.Contains(string(item), `"outsider"`) {
						continue
					}
					t.Errorf("the outsider's list holds another's record: %s", item)
				}
			default:
				if r.status < 400 || r.status >= 500 {
					t.Fatalf("status %d, want 4xx\n%s", r.status, r.body)
				}
			}
			if after := p.snapshot(); !reflect.DeepEqual(after, base) {
				t.Fatalf("the outsider's request changed the store:\n%s", r.body)
			}
		})
	}
	// The events it may read are those of its own records.
	var evs lfhttp.List[lfhttp.Event]
	wantJSON(t, p.as("outsider", "GET", "/v1/audit/events?limit=1000", ""), http.StatusOK, &evs)
	if len(evs.Data) != 2 {
		t.Fatalf("the outsider reads %d events, want its organization's and its key's", len(evs.Data))
	}
	for _, e := range evs.Data {
		if !strings.Contains(e.Data, `"outsider"`) {
			t.Fatalf("the outsider reads another's event: %+v", e)
		}
	}
	// A party reads what the outsider may not.
	for who, path := range map[string]string{"tier1": "/v1/purchase-orders/PO-1", "port": "/v1/shipments/SH-1",
		"bank": "/v1/financings/F-1", "tier2": "/v1/warehouse-receipts/WR-1", "anchor-viewer": "/v1/certificates/C-1"} {
		wantJSON(t, p.as(who, "GET", path, ""), http.StatusOK, nil)
	}
}

// TestRoles: a viewer key changes nothing, a finance key does not manage keys, and an
// operator key does not act for an organization.
func TestRoles(t *testing.T) {
	p := newPlatform(t)
	base := p.snapshot()
	for _, route := range p.srv.Routes() {
		if route.Method() != "POST" {
			continue
		}
		path := p.fill(t, route)
		for _, who := range []string{"anchor-viewer", "anchor-finance", "operator"} {
			want := 0
			switch {
			case who == "anchor-viewer" && route.Access != lfhttp.Public:
				want = http.StatusForbidden
			case who == "anchor-finance" && (route.Access == lfhttp.Admin || route.Access == lfhttp.Operator):
				want = http.StatusForbidden
			case who == "operator" && route.Access == lfhttp.Write:
				want = http.StatusForbidden
			}
			if want == 0 {
				continue
			}
			r := p.as(who, "POST", path, foreignBodies[route.Path()])
			wantProblem(t, r, want, linkfin.EFORBIDDEN)
			if after := p.snapshot(); !reflect.DeepEqual(after, base) {
				t.Fatalf("%s by %s changed the store", route.Pattern, who)
			}
		}
	}
	// The viewer still reads.
	wantJSON(t, p.as("anchor-viewer", "GET", "/v1/invoices/inv-1", ""), http.StatusOK, nil)
	wantJSON(t, p.as("anchor-viewer", "GET", "/v1/purchase-orders?status=accepted", ""), http.StatusOK, nil)
}

// TestAPIKeys: a key is shown once, stored as a hash, listed without it, and revoked.
func TestAPIKeys(t *testing.T) {
	p := newPlatform(t)
	var made lfhttp.APIKeyOut
	wantJSON(t, p.as("tier1", "POST", "/v1/organizations/tier1/api-keys", `{"role":"finance","name":"erp"}`), http.StatusCreated, &made)
	if made.OrgID != "tier1" || made.Role != linkfin.RoleFinance || !strings.HasPrefix(made.Key, linkfin.KeyPrefix+made.ID+"_") {
		t.Fatalf("made %+v", made)
	}
	p.keys["erp"] = made.Key
	wantJSON(t, p.as("erp", "GET", "/v1/purchase-orders/PO-1", ""), http.StatusOK, nil)
	// A retry under an Idempotency-Key makes no second key: it answers the first, whose
	// secret was shown once.
	var first, retry lfhttp.APIKeyOut
	wantJSON(t, p.as("tier1", "POST", "/v1/organizations/tier1/api-keys", `{"role":"viewer"}`, "Idempotency-Key", "key-1"), http.StatusCreated, &first)
	r := p.as("tier1", "POST", "/v1/organizations/tier1/api-keys", `{"role":"viewer"}`, "Idempotency-Key", "key-1")
	wantJSON(t, r, http.StatusCreated, &retry)
	if first.Key == "" || retry.ID != first.ID || retry.Key != "" || r.header.Get("Idempotency-Hit") != "true" {
		t.Fatalf("made %+v, then on the retry %+v (Idempotency-Hit %q)", first, retry, r.header.Get("Idempotency-Hit"))
	}
	var keys lfhttp.List[lfhttp.APIKeyOut]
	r = p.as("tier1", "GET", "/v1/organizations/tier1/api-keys", "")
	wantJSON(t, r, http.StatusOK, &keys)
	if len(keys.Data) != 3 || strings.Contains(string(r.body), made.Key) || strings.Contains(string(r.body), linkfin.HashAPIKey(made.Key)) {
		t.Fatalf("tier1's keys: %s", r.body)
	}
	// Another organization's admin cannot touch them; the key's own organization can.
	wantProblem(t, p.as("tier2", "POST", "/v1/organizations/tier1/api-keys/"+made.ID+"/revoke", ""), http.StatusNotFound, linkfin.ENOTFOUND)
	wantProblem(t, p.as("tier2", "POST", "/v1/organizations/tier2/api-keys/"+made.ID+"/revoke", ""), http.StatusNotFound, linkfin.ENOTFOUND)
	wantProblem(t, p.as("tier2", "POST", "/v1/organizations/tier2/api-keys", `{"role":"operator"}`), http.StatusBadRequest, linkfin.EINVALID)
	var revoked lfhttp.APIKeyOut
	wantJSON(t, p.as("tier1", "POST", "/v1/organizations/tier1/api-keys/"+made.ID+"/revoke", ""), http.StatusOK, &revoked)
	if revoked.RevokedAt == "" {
		t.Fatalf("revoked %+v", revoked)
	}
	wantProblem(t, p.as("erp", "GET", "/v1/purchase-orders/PO-1", ""), http.StatusUnauthorized, linkfin.EUNAUTHORIZED)
	// The log holds the hash, never the secret.
	evs, err := p.store.Events(context.Background(), 0, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if strings.Contains(string(e.Data), made.Key[len(made.Key)-20:]) {
			t.Fatalf("event %d holds the secret", e.Seq)
		}
	}
}

// TestRateLimit: a key over its rate is refused with 429 and Retry-After, changing
// nothing, while other keys go on.
func TestRateLimit(t *testing.T) {
	p := newPlatform(t)
	p.srv.SetRateLimit(1, 3)
	for range 3 {
		wantJSON(t, p.as("tier1", "GET", "/v1/purchase-orders/PO-1", ""), http.StatusOK, nil)
	}
	base := p.snapshot()
	r := p.as("tier1", "POST", "/v1/purchase-orders/PO-1/cancel", "")
	wantProblem(t, r, http.StatusTooManyRequests, lfhttp.ERATELIMITED)
	if r.header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	if after := p.snapshot(); !reflect.DeepEqual(after, base) {
		t.Fatal("a rate-limited request changed the store")
	}
	wantJSON(t, p.as("anchor", "GET", "/v1/purchase-orders/PO-1", ""), http.StatusOK, nil)
}

// TestBadInputEveryRoute sends each state-changing route the cases that must be
// refused before anything happens: malformed JSON, an unknown field, a wrong type, an
// oversized body, no key, a bad key, and, where money moves, no Idempotency-Key.
// Each answers 4xx with its code, and the store is as it was.
func TestBadInputEveryRoute(t *testing.T) {
	p := newPlatform(t)
	base := p.snapshot()
	huge := `{"id":"` + strings.Repeat("x", lfhttp.MaxBodyBytes) + `"}`
	for _, route := range p.srv.Routes() {
		if route.Method() != "POST" {
			continue
		}
		who := "anchor"
		switch {
		case route.Access == lfhttp.Operator:
			who = "operator"
		case strings.HasPrefix(route.Path(), "/v1/warehouse-receipts/"):
			who = "port"
		case strings.HasPrefix(route.Path(), "/v1/financings/"), strings.HasPrefix(route.Path(), "/v1/certificates/"):
			who = "tier1"
		}
		path := p.fill(t, route)
		if strings.HasPrefix(path, "/v1/organizations/anchor") && who == "tier1" {
			path = strings.Replace(path, "anchor", "tier1", 1)
		}
		cases := []struct {
			name, body string
			headers    []string
			status     int
			code       string
		}{
			{"malformed", `{,}`, nil, 400, lfhttp.EMALFORMED},
			{"unknown field", `{"bogus":1}`, nil, 400, lfhttp.EUNKNOWNFIELD},
			{"wrong type", `"text"`, nil, 400, lfhttp.ETYPE},
			{"too large", huge, nil, 413, lfhttp.ETOOLARGE},
			{"no key", `{}`, []string{"Authorization", ""}, 401, linkfin.EUNAUTHORIZED},
			{"bad key", `{}`, []string{"Authorization", "Bearer lfk_0000000000000000_" + strings.Repeat("x", 43)}, 401, linkfin.EUNAUTHORIZED},
		}
		if route.Money {
			cases = append(cases, struct {
				name, body string
				headers    []string
				status     int
				code       string
			}{"no idempotency key", `{}`, []string{"Idempotency-Key", ""}, 400, lfhttp.EKEYREQUIRED})
		}
		for _, tc := range cases {
			t.Run(route.Pattern+"/"+tc.name, func(t *testing.T) {
				headers := tc.headers
				if len(headers) == 0 || headers[0] != "Authorization" {
					key := operatorKey
					if who != "operator" {
						key = p.keys[who]
					}
					headers = append([]string{"Authorization", "Bearer " + key}, headers...)
				}
				r := p.do("POST", path, tc.body, headers...)
				pr := wantProblem(t, r, tc.status, tc.code)
				if pr.Detail == "" {
					t.Fatal("a problem without a detail")
				}
				if after := p.snapshot(); !reflect.DeepEqual(after, base) {
					t.Fatalf("the refused request changed the store: %s", r.body)
				}
			})
		}
	}
}

// TestFundersSeeTheirAssets: a funder becomes party to the payable, order or receipt
// it finances, and stays so; another funder does not see it.
func TestFundersSeeTheirAssets(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	submit := func(c engine.Command) {
		t.Helper()
		if _, err := services.Submit(ctx, p.engine, "", nil, c, new(json.RawMessage)); err != nil {
			t.Fatalf("%T: %v", c, err)
		}
	}
	today := linkfin.DateOf(p.clock.Now())
	for _, po := range []string{"PO-2", "PO-3"} {
		submit(&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: po, Number: po, SellerID: "tier1", ProgramID: "auto-scf",
			Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "disc", Quantity: 10, Unit: "EA", UnitPrice: 1_000_00}}}})
		submit(&services.AcceptPurchaseOrder{Actor: "tier1", ID: po})
	}
	submit(&services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "GR-2", POID: "PO-2",
		Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: 10}}}})
	submit(&services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-2", Number: "INV-2", BuyerID: "anchor", POID: "PO-2",
		Currency: "CNY", IssueDate: today, DueDate: today.AddDays(60),
		Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: 10, UnitPrice: 1_000_00, Amount: 10_000_00}}, Total: 10_000_00}})
	submit(&services.ApproveInvoice{Actor: "anchor", ID: "inv-2"})
	pay := linkfin.PayableID("inv-2")
	submit(&services.RequestFactoring{Actor: "tier1", ID: "FX-2", PayableID: pay, ProgramID: "auto-scf", FunderID: "bank"})
	submit(&services.RequestPOFinancing{Actor: "tier1", ID: "PF-3", POID: "PO-3", ProgramID: "auto-scf", FunderID: "bank"})
	// Quoted only: the bank is not party to the assets yet.
	wantProblem(t, p.as("bank", "GET", "/v1/payables/"+pay, ""), http.StatusNotFound, linkfin.ENOTFOUND)
	submit(&services.AcceptFactoring{Actor: "tier1", ID: "FX-2", PayableID: pay})
	submit(&services.AcceptPOFinancing{Actor: "tier1", ID: "PF-3", POID: "PO-3"})
	submit(&services.CancelFinancing{Actor: "tier1", ID: "PF-3"})
	var got linkfin.Payable
	wantJSON(t, p.as("bank", "GET", "/v1/payables/"+pay, ""), http.StatusOK, &got)
	if got.FinancingID != "FX-2" || len(got.Funders) != 1 || got.Funders[0] != "bank" {
		t.Fatalf("the factored payable: %+v", got)
	}
	// Still party after the financing was cancelled.
	wantJSON(t, p.as("bank", "GET", "/v1/purchase-orders/PO-3", ""), http.StatusOK, nil)
	var list lfhttp.List[linkfin.Payable]
	wantJSON(t, p.as("bank", "GET", "/v1/payables", ""), http.StatusOK, &list)
	if len(list.Data) != 1 || list.Data[0].ID != pay {
		t.Fatalf("the bank's payables: %+v", list.Data)
	}
	for _, path := range []string{"/v1/payables/" + pay, "/v1/purchase-orders/PO-3", "/v1/purchase-orders/PO-2"} {
		wantProblem(t, p.as("outsider", "GET", path, ""), http.StatusNotFound, linkfin.ENOTFOUND)
	}
}
