package http_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"linkfin"
	"linkfin/demo"
	lfhttp "linkfin/http"
	"linkfin/iso20022"
	"linkfin/ledger"
	"linkfin/services"
	"linkfin/storetest"
)

// platform is an API over the demo's supply chain, with trade in flight: a record of
// every kind, keys of several roles, and an outsider that is party to nothing.
type platform struct {
	*api
	keys map[string]string // "anchor", "anchor-viewer", "anchor-finance", "outsider", … → key
	ecny string            // the anchor's e-CNY wallet
	// ecnyPayment is a payment from it to tier1's.
	ecnyPayment string
	// cp is the anchor's conditional payment to tier1, bound a purpose-bound wallet
	// the anchor granted tier2.
	cp, bound string
	// user is the anchor's admin user, signed in as session.
	user    linkfin.User
	session *services.SignedIn
	// creditTransfer is the anchor's withdrawal's instruction to the bank, which
	// paymentFile filed.
	creditTransfer, paymentFile string
	// bankStatement is an imported statement whose bankEntry, a credit, waits to be
	// assigned; expectedPayment is a payment the anchor announced into its wallet.
	bankStatement, bankEntry, expectedPayment string
	alert                                     string // raised in the demo on tier2's pledge loan, watched by the anchor and the bank
	declined                                  string // tier2's pledge loan request below the bank's floor
}

func newPlatform(t *testing.T) *platform {
	t.Helper()
	a := newAPI(t)
	ctx := context.Background()
	if err := demo.Seed(ctx, a.engine); err != nil {
		t.Fatal(err)
	}
	p := &platform{api: a, keys: map[string]string{}}
	p.submit(t, &services.CreateOrganization{Org: linkfin.Organization{ID: "outsider", Name: "Outsider Trading",
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
		p.key(t, k.name, k.org, k.role)
	}
	due := linkfin.BusinessDate(a.clock.Now()).AddDays(60)
	p.submit(t, &services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "PO-1", Number: "PO-1", SellerID: "tier1", ProgramID: "auto-scf",
		Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "brake disc", Quantity: 100, Unit: "EA", UnitPrice: 1_000_00}}}})
	p.submit(t, &services.AcceptPurchaseOrder{Actor: "tier1", ID: "PO-1"})
	p.submit(t, &services.CreateShipment{Actor: "tier1", Shipment: linkfin.Shipment{ID: "SH-1", POID: "PO-1", CarrierID: "port"}})
	p.submit(t, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "GR-1", POID: "PO-1",
		Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: 100}}}})
	p.submit(t, &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-1", Number: "INV-1", BuyerID: "anchor", POID: "PO-1",
		Currency: "CNY", IssueDate: linkfin.BusinessDate(a.clock.Now()), DueDate: due,
		Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: 100, UnitPrice: 1_000_00, Amount: 100_000_00}}, Total: 100_000_00}})
	p.submit(t, &services.ApproveInvoice{Actor: "anchor", ID: "inv-1"})
	p.submit(t, &services.CreateCreditNote{Actor: "tier1", Note: linkfin.CreditNote{ID: "CN-1", Number: "CN-1", InvoiceID: "inv-1", Amount: 1_00, Reason: "one scratch"}})
	p.submit(t, &services.IssueCertificate{Actor: "anchor", ID: "C-1", ProgramID: "auto-scf", PayableIDs: []string{linkfin.PayableID("inv-1")}})
	p.submit(t, &services.RequestCertificateDiscounting{Actor: "tier1", ID: "F-1", ProgramID: "auto-scf", PieceID: "C-1", FunderID: "bank"})
	p.submit(t, &services.MarkPrice{Mark: linkfin.PriceMark{ID: "copper", Currency: "CNY", Price: 60_000_00}})
	p.submit(t, &services.IssueWarehouseReceipt{Actor: "port", Receipt: linkfin.WarehouseReceipt{ID: "WR-1", LotID: "LOT-1", OwnerID: "tier2",
		Commodity: "copper", Quantity: 40, Unit: "t"}})
	p.submit(t, &services.RegisterDevice{Actor: "port", Device: linkfin.Device{ID: "dev-1", LotID: "LOT-1", PublicKey: make([]byte, 32)}})
	p.submit(t, &services.CreateWebhookEndpoint{Actor: "anchor", Endpoint: linkfin.WebhookEndpoint{ID: "wh-1", OrgID: "anchor",
		URL: "https://erp.anchor.example/hooks", Events: []string{"*"}}})
	var paid linkfin.PaymentOut
	if err := a.engine.Run(ctx, &services.RecordOutboundPayment{Rail: "bank", InstructionID: "W-1", OrgID: "anchor", Currency: "CNY", Amount: 1_00}, &paid); err != nil {
		t.Fatal(err)
	}
	p.creditTransfer = paid.CreditTransferID
	var file linkfin.PaymentFile
	if err := a.engine.Run(ctx, &services.CreatePaymentFile{Rail: "bank", Date: due}, &file); err != nil {
		t.Fatal(err)
	}
	p.paymentFile = file.ID
	var ep linkfin.ExpectedPayment
	if err := a.engine.Run(ctx, &services.CreateExpectedPayment{Actor: "anchor", In: linkfin.ExpectedPaymentIn{Currency: "CNY", Amount: 1_00, Date: due}}, &ep); err != nil {
		t.Fatal(err)
	}
	p.expectedPayment = ep.ID
	// A lot of tier2's pledged to the bank, counted short by a sensor: an alert the
	// anchor and the bank watch.
	p.submit(t, &services.IssueWarehouseReceipt{Actor: "port", Receipt: linkfin.WarehouseReceipt{ID: "WR-A", LotID: "LOT-A", OwnerID: "tier2",
		Commodity: "copper", Quantity: 40, Unit: "t"}})
	p.submit(t, &services.RequestPledgeLoan{Actor: "tier2", ID: "WL-A", ReceiptID: "WR-A", ProgramID: "auto-scf", FunderID: "bank"})
	p.submit(t, &services.AcceptPledgeLoan{Actor: "tier2", ID: "WL-A", ReceiptID: "WR-A"})
	sensor := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize))
	p.submit(t, &services.RegisterDevice{Actor: "port", Device: linkfin.Device{ID: "dev-A", LotID: "LOT-A", PublicKey: sensor.Public().(ed25519.PublicKey)}})
	reading := linkfin.Reading{DeviceID: "dev-A", ReceiptID: "WR-A", Sequence: 1, ReadAt: a.clock.Now(), Quantity: 39}
	reading.Sign(sensor)
	p.submit(t, &services.ReportTelemetry{Actor: "port", ReceiptID: "WR-A", Reading: reading})
	alerts, err := a.store.ListObjects(ctx, linkfin.KindAlert, "", 1)
	if err != nil || len(alerts) != 1 {
		t.Fatalf("the alert: %v, %v", alerts, err)
	}
	p.alert = alerts[0].ID
	// tier2, graded below the bank's floor for a moment, asks it for a pledge loan: a
	// declined request that tier2, the bank and the anchor see.
	p.submit(t, &services.SetGradeFloor{Actor: "bank", ProgramID: "auto-scf", Floor: "A"})
	if err := a.engine.Run(ctx, &services.RequestPledgeLoan{Actor: "tier2", ReceiptID: "WR-1", ProgramID: "auto-scf", FunderID: "bank"},
		new(json.RawMessage)); linkfin.ErrorCode(err) != services.EGRADE {
		t.Fatalf("tier2's request below the floor: %v", err)
	}
	p.submit(t, &services.SetGradeFloor{Actor: "bank", ProgramID: "auto-scf", Floor: ""})
	declined, err := a.store.ListObjects(ctx, linkfin.KindDeclinedRequest, "", 1)
	if err != nil || len(declined) != 1 {
		t.Fatalf("the declined request: %v, %v", declined, err)
	}
	p.declined = declined[0].ID
	msg, err := iso20022.ReadStatement(strings.NewReader(storetest.Camt053("PLATFORM-1", "PLATFORM-1", "6222 0000 1111", "CNY",
		storetest.CamtEntry{Sign: "CRDT", Amount: "5.00", Date: due.String(), Ref: "P-1", Remitting: "unannounced"})))
	if err != nil {
		t.Fatal(err)
	}
	var imported linkfin.BankStatementImport
	if err := a.engine.Run(ctx, &services.ImportBankStatement{Message: msg}, &imported); err != nil {
		t.Fatal(err)
	}
	p.bankStatement = imported.Statements[0].ID
	p.bankEntry = services.BankEntryID(&imported.Statements[0], 1)
	var w linkfin.ECNYWallet
	if err := a.engine.Run(ctx, &services.OpenECNYWallet{Actor: "anchor", OrgID: "anchor"}, &w); err != nil {
		t.Fatal(err)
	}
	p.ecny = w.ID
	// A payment from it to tier1's: a record the anchor and tier1 are party to.
	var tw linkfin.ECNYWallet
	if err := a.engine.Run(ctx, &services.OpenECNYWallet{Actor: "tier1", OrgID: "tier1"}, &tw); err != nil {
		t.Fatal(err)
	}
	p.submit(t, &services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-ecny-wallet", OrgID: "anchor", Currency: "CNY", Amount: 1_00})
	p.submit(t, &services.MoveECNY{Actor: "anchor", ID: w.ID, Op: "top-up", Amount: 1_00})
	var ecnyPaid linkfin.ECNYPayment
	if err := a.engine.Run(ctx, &services.PayECNY{Actor: "anchor", From: w.ID, To: tw.ID, Amount: 1_00}, &ecnyPaid); err != nil {
		t.Fatal(err)
	}
	p.ecnyPayment = ecnyPaid.ID
	var cp linkfin.ConditionalPayment
	if err := a.engine.Run(ctx, &services.CreateConditionalPayment{Actor: "anchor", In: linkfin.ConditionalPaymentIn{PayeeID: "tier1",
		Currency: "CNY", Amount: 1_00, Condition: linkfin.ConditionIn{Type: linkfin.ConditionMilestone, Milestone: "tooling installed",
			ConfirmerID: "tier2"}}}, &cp); err != nil {
		t.Fatal(err)
	}
	p.cp = cp.ID
	var bw linkfin.BoundWallet
	if err := a.engine.Run(ctx, &services.OpenBoundWallet{Actor: "anchor", In: linkfin.BoundWalletIn{HolderID: "tier2", Currency: "CNY",
		PayeeIDs: []string{"tier1"}, Amount: 1_00}}, &bw); err != nil {
		t.Fatal(err)
	}
	p.bound = bw.ID
	sealed, err := a.srv.Auth.SealPassword("ann@anchor.example", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.engine.Run(ctx, &services.CreateUser{Actor: "anchor", Password: sealed, User: linkfin.User{OrgID: "anchor",
		Name: "ann@anchor.example", Role: linkfin.RoleAdmin}}, &p.user); err != nil {
		t.Fatal(err)
	}
	if p.session, err = a.srv.Auth.SignIn(ctx, linkfin.SignInIn{Name: "ann@anchor.example", Password: "correct horse battery"}, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	return p
}

// submit runs a command on the platform's engine, or fails the test.
func (p *platform) submit(t *testing.T, c linkfin.Command) {
	t.Helper()
	if err := p.engine.Run(context.Background(), c, new(json.RawMessage)); err != nil {
		t.Fatalf("%T: %v", c, err)
	}
}

// key gives the platform a key, under name, of the organization with the role.
func (p *platform) key(t *testing.T, name, org string, role linkfin.Role) {
	t.Helper()
	secret, key := linkfin.NewAPIKey(org, role, name)
	p.submit(t, &services.CreateAPIKey{Key: key})
	p.keys[name] = secret
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
		"/v1/devices/":   "dev-1",
		"/v1/accounts/":  strconv.FormatInt(linkfin.WalletID("anchor", "CNY"), 10),
		"/v1/transfers/": strconv.FormatInt(p.anchorTransfer(t), 10),
		"/v1/users/":     p.user.ID, "/v1/sessions/": p.session.Session.ID, "/v1/ecny-wallets/": p.ecny,
		"/v1/ecny-payments/":    p.ecnyPayment,
		"/v1/credit-transfers/": p.creditTransfer, "/v1/payment-files/": p.paymentFile,
		"/v1/conditional-payments/": p.cp, "/v1/purpose-bound-wallets/": p.bound,
		"/v1/bank-statements/": p.bankStatement, "/v1/bank-entries/": p.bankEntry, "/v1/expected-payments/": p.expectedPayment,
		"/v1/alerts/": p.alert, "/v1/declined-requests/": p.declined,
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
	ts, _, err := p.engine.AccountTransfers(context.Background(), linkfin.WalletID("anchor", "CNY"), 0, 1)
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

// foreignCase is what an outsider sends to a route that takes a body or names no
// record in its path, and the answer it must get.
type foreignCase struct {
	body string
	// names is the other organization's record the request names; the same request
	// naming a record that does not exist must get the same answer, so that a refusal
	// tells the outsider nothing about another's records. "" for a route that names
	// none of another's records (the outsider's own wallet, its own endpoint).
	names  string
	status int
	code   string
	about  string // a part of the problem's detail: the refusal is this one, not another
	// why the outsider's answer is not a refusal, for routes that answer anyone.
	public string
}

// ghost is an id no record has.
const ghost = "987654321"

// foreignCases are the outsider's requests, by route. A route whose path names a
// record answers 404 not_found, exactly as for a record that does not exist, and an
// operator's route 403 forbidden; a list holds only the outsider's own records. Every
// other route, and every route that takes a body, must be here: TestTenancy fails on
// one it has no case for, so a new route cannot go untried. Each body is valid in
// every field but the records it names, so that what refuses it is tenancy.
var foreignCases = map[string]foreignCase{
	"POST /v1/users": {body: `{"org_id":"anchor","name":"eve@anchor.example","role":"admin","password":"correct horse battery"}`, names: "anchor",
		status: 404, code: linkfin.ENOTFOUND, about: "organization anchor not found"},
	"PATCH /v1/users/{id}":                           {body: `{"role":"viewer"}`},
	"POST /v1/users/{id}/password":                   {body: `{"password":"a new horse battery"}`},
	"POST /v1/users/{id}/totp/confirm":               {body: `{"code":"123456"}`},
	"POST /v1/organizations/{id}/sign-in-policy":     {body: `{"require_second_factor":true}`},
	"POST /v1/organizations/{id}/identifiers":        {body: `{"type":"vat","value":"SE4598375937"}`},
	"POST /v1/organizations/{id}/bank-account":       {body: `{"bank_account":{"iban":"DE89370400440532013000"}}`},
	"POST /v1/organizations/{id}/address":            {body: `{"address":{"town":"Shanghai","country":"CN"}}`},
	"POST /v1/organizations/{id}/identifiers/remove": {body: `{"type":"vat","value":"SE4598375937"}`},
	"GET /v1/sessions/current":                       {status: 403, code: linkfin.EFORBIDDEN, about: "sessions belong to users"},
	"DELETE /v1/sessions/current":                    {status: 403, code: linkfin.EFORBIDDEN, about: "sessions belong to users"},
	"POST /v1/sessions/current/revoke-others":        {body: `{}`, status: 403, code: linkfin.EFORBIDDEN, about: "sessions belong to users"},
	"POST /v1/relationships": {body: `{"buyer_id":"anchor","seller_id":"tier1"}`, names: "anchor",
		status: 403, code: linkfin.EFORBIDDEN, about: "only the buyer or the seller"},
	"POST /v1/purchase-orders": {body: `{"number":"PO-9","seller_id":"tier1","currency":"CNY","lines":[{"line_id":"1","item":"x","quantity":1,"unit":"EA","unit_price":1}]}`,
		names: "tier1", status: 403, code: linkfin.EFORBIDDEN, about: "needs an active relationship"},
	"POST /v1/shipments": {body: `{"number":"SH-9","po_id":"PO-1","carrier_id":"port"}`, names: "PO-1",
		status: 404, code: linkfin.ENOTFOUND, about: "purchase order PO-1 not found"},
	"POST /v1/goods-receipts": {body: `{"number":"GR-9","po_id":"PO-1","lines":[{"line_id":"1","accepted":1,"rejected":0}]}`, names: "PO-1",
		status: 404, code: linkfin.ENOTFOUND, about: "purchase order PO-1 not found"},
	"POST /v1/invoices": {body: `{"number":"INV-9","buyer_id":"anchor","po_id":"PO-1","currency":"CNY","issue_date":"2026-11-02","due_date":"2027-01-01","lines":[{"line_id":"1","quantity":1,"unit_price":100000,"amount":100000}],"tax":0,"total":100000}`,
		names: "PO-1", status: 404, code: linkfin.ENOTFOUND, about: "purchase order PO-1 not found"},
	"POST /v1/credit-notes": {body: `{"invoice_number":"INV-1","number":"CN-9","amount":1,"reason":"one scratch"}`, names: "INV-1",
		status: 404, code: linkfin.ENOTFOUND, about: "you have no invoice numbered"},
	"POST /v1/certificates": {body: `{"program_id":"auto-scf","payable_ids":["pay-inv-1"]}`, names: "auto-scf",
		status: 404, code: linkfin.ENOTFOUND, about: "program auto-scf not found"},
	"POST /v1/financings": {body: `{"product":"certificate_discounting","program_id":"auto-scf","funder_id":"bank","asset_id":"C-1"}`, names: "C-1",
		status: 404, code: linkfin.ENOTFOUND, about: "certificate C-1 not found"},
	"POST /v1/offers/take": {body: `{"product":"certificate_discounting","program_id":"auto-scf","funder_id":"bank","asset_id":"C-1","price":98925694}`, names: "C-1",
		status: 404, code: linkfin.ENOTFOUND, about: "certificate C-1 not found"},
	"POST /v1/payment-files": {body: `{"rail":"bank","date":"2026-12-01"}`},
	"POST /v1/devices": {body: `{"warehouse_id":"port","public_key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}`, names: "port",
		status: 404, code: linkfin.ENOTFOUND, about: "organization port not found"},
	"POST /v1/alerts/{id}/acknowledge":          {body: `{"reason":"seen"}`},
	"POST /v1/programs/{id}/alert-actions":      {body: `{"alert_actions":["stop_financing"]}`},
	"POST /v1/relationships/{id}/payment-terms": {body: `{"payment_terms_days":45}`},
	"POST /v1/alerts/{id}/resolve":              {body: `{"reason":"counted whole"}`},
	"POST /v1/devices/{id}/replace":             {body: `{"public_key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}`},
	"POST /v1/ecny-wallets": {body: `{"org_id":"anchor"}`, names: "anchor",
		status: 404, code: linkfin.ENOTFOUND, about: "organization anchor not found"},
	"POST /v1/ecny-payments": {body: `{"from_wallet_id":"{ecny}","to_wallet_id":"ew_elsewhere","amount":1}`, names: "{ecny}",
		status: 404, code: linkfin.ENOTFOUND, about: "not found"},
	"POST /v1/ecny-wallets/{id}/evidence":     {body: `{"kind":"identity_document","reference":"ID 1"}`},
	"POST /v1/ecny-wallets/{id}/class":        {body: `{"class":3}`},
	"POST /v1/ecny-wallets/{id}/top-up":       {body: `{"amount":1}`},
	"POST /v1/ecny-wallets/{id}/redeem":       {body: `{"amount":1}`},
	"POST /v1/ecny-wallets/{id}/fund":         {body: `{"amount":1}`},
	"POST /v1/organizations/{id}/ecny-wallet": {body: `{"wallet_id":"{ecny}"}`},
	"POST /v1/conditional-payments": {body: `{"payee_id":"tier1","currency":"CNY","amount":1,"condition":{"type":"goods_received","po_id":"PO-1"}}`,
		names: "PO-1", status: 404, code: linkfin.ENOTFOUND, about: "purchase order PO-1 not found"},
	"POST /v1/purpose-bound-wallets": {body: `{"holder_id":"outsider","currency":"CNY","payee_ids":["tier1"],"amount":1}`,
		status: 422, code: linkfin.EINSUFFICIENTFUNDS, about: "your wallet holds"}, // its own wallet, which is empty
	"POST /v1/purpose-bound-wallets/{id}/fund":     {body: `{"amount":1}`},
	"POST /v1/purpose-bound-wallets/{id}/payments": {body: `{"payee_id":"tier1","amount":1}`},
	// The routes under a record in the path, with a valid body.
	"POST /v1/organizations/{id}/api-keys":                {body: `{"role":"viewer","name":"x"}`},
	"POST /v1/programs/{id}/funders":                      {body: `{"funder_id":"outsider","limit":1,"pricing":{"fixed_rate":"0.01"}}`},
	"POST /v1/programs/{id}/funders/{funder}/grade-floor": {body: `{"grade_floor":"B"}`},
	"POST /v1/programs/{id}/funders/{funder}/accept":      {body: `{"limit":1,"pricing":{"fixed_rate":"0.01"}}`},
	"POST /v1/financings/{id}/repayments":                 {body: `{"amount":1}`},
	"POST /v1/shipments/{id}/events":                      {body: `{"status":"picked_up","location":"Ningbo"}`},
	"POST /v1/invoices/{id}/dispute":                      {body: `{"reason":"late"}`},
	"POST /v1/invoices/{id}/clear-hold":                   {body: `{"reason":"not a duplicate"}`},
	"POST /v1/invoices/{id}/credit-notes":                 {body: `{"number":"CN-9","amount":1,"reason":"one scratch"}`},
	"POST /v1/certificates/{id}/split":                    {body: `{"pieces":[{"face":1},{"face":1}]}`},
	"POST /v1/certificates/{id}/transfer":                 {body: `{"to":"tier2","amount":1}`},
	"POST /v1/warehouse-receipts/{id}/telemetry":          {body: `{"device_id":"dev-1","sequence":1,"read_at":"2026-11-02T09:00:00Z","quantity":1,"signature":"AAAA"}`},
	"POST /v1/webhook-endpoints/{id}":                     {body: `{"url":"https://erp.outsider.example/hooks","events":["*"]}`},
	// Routes that name none of another's records: the answer the outsider gets for
	// its own request, which changes nothing.
	"POST /v1/programs": {body: `{"name":"Mine","currency":"CNY","limit":100,"products":["factoring"],"max_tenor_days":90,"advance_rate":"0.8","day_count":"ACT/360","calendar":"CN","tolerances":{"quantity_rate":"0","price_rate":"0","amount_abs":0},"buy_back":false}`,
		status: 403, code: linkfin.EFORBIDDEN, about: "only an anchor runs programs"},
	"POST /v1/warehouse-receipts": {body: `{"number":"WR-9","lot_id":"LOT-1","owner_id":"outsider","commodity":"copper","quantity":1,"unit":"t"}`,
		status: 403, code: linkfin.EFORBIDDEN, about: "only a logistics operator issues"},
	"POST /v1/payments/withdrawals": {body: `{"rail":"bank","instruction_id":"x","currency":"CNY","amount":1}`,
		status: 422, code: string(ledger.ExceedsCredits)}, // its own wallet, which is empty
	"POST /v1/expected-payments": {body: `{"currency":"SEK","amount":1,"date":"2026-12-01"}`,
		status: 400, code: linkfin.EINVALID, about: "no ledger for currency SEK"}, // its own wallet, in a currency the platform keeps no ledger for
	"POST /v1/webhook-endpoints": {body: `{"url":"https://erp.outsider.example/hooks","events":["webhook_endpoint.*"]}`,
		status: 400, code: linkfin.EINVALID, about: "not delivered to webhooks"}, // its own endpoint, refused on its own merits
	// Routes that answer any key with what is no one's secret.
	"GET /v1/audit/checkpoint":        {public: "the log's signed head: a size and a hash"},
	"GET /v1/audit/public-key":        {public: "the key that checks checkpoints"},
	"GET /v1/audit/consistency":       {public: "hashes that prove one checkpoint extends another"},
	"GET /v1/price-marks/{id}":        {public: "a commodity's market price"},
	"GET /v1/price-marks/{id}/events": {public: "a commodity's market prices, mark by mark"},
	"GET /v1/calendars":               {public: "the published holidays each business-day calendar holds"},
	// Operator routes that take a body, for TestRoles (TestTenancy refuses them by key).
	"POST /v1/organizations":                           {body: `{"id":"anchor","name":"Core Auto Group","capabilities":["trade"]}`},
	"POST /v1/organizations/{id}/capabilities":         {body: `{"capabilities":["trade","anchor"]}`},
	"POST /v1/organizations/{id}/bank-account/confirm": {body: `{"bank_account":{"iban":"DE89370400440532013000"}}`},
	"POST /v1/payment-files/debtor":                    {body: `{"debtor":{"name":"Auto SCF Platform","iban":"DE89370400440532013000"}}`},
	"POST /v1/organizations/{id}/bank-account/reject":  {body: `{"bank_account":{"iban":"DE89370400440532013000"}}`},
	"POST /v1/price-marks":                             {body: `{"commodity":"copper","currency":"CNY","price":1}`},
	"POST /v1/bank-entries/{id}/assign":                {body: `{"kind":"organization","id":"anchor"}`},
	"POST /v1/payments/inbound":                        {body: `{"rail":"bank","instruction_id":"x","org_id":"outsider","currency":"CNY","amount":1}`},
	"POST /v1/settlements/run":                         {body: `{"program_id":"auto-scf","date":"2027-01-01"}`},
	"POST /v1/accounts":                                {body: `{"id":"77","ledger":1,"currency":"CNY","code":1}`},
	"POST /v1/transfers":                               {body: `{"id":"77","debit_account_id":"1","credit_account_id":"2","amount":1,"ledger":1,"currency":"CNY","code":1}`},
}

// problemOf decodes a reply's problem, or returns the zero Problem.
func problemOf(r reply) linkfin.Problem {
	var p linkfin.Problem
	json.Unmarshal(r.body, &p)
	return p
}

// TestTenancy walks every route of the router with the key of an organization that is
// party to nothing. Whatever names another's record answers exactly as for a record
// that does not exist (404 not_found for a record in the path); lists show only its
// own; routes that name no record answer as their case says; nothing changes. The
// walk is built from the router's own list, so a new route cannot be forgotten: one
// this test has no case for fails it.
func TestTenancy(t *testing.T) {
	p := newPlatform(t)
	base := p.snapshot()
	for _, route := range p.srv.Routes() {
		if route.Access == lfhttp.Public {
			continue
		}
		path := p.fill(t, route)
		t.Run(route.Pattern, func(t *testing.T) {
			c, hasCase := foreignCases[route.Pattern]
			// The platform's e-CNY wallet has an id the server made.
			c.body, c.names = strings.ReplaceAll(c.body, "{ecny}", p.ecny), strings.ReplaceAll(c.names, "{ecny}", p.ecny)
			if route.In != nil && c.body == "" {
				t.Fatalf("the route takes a body and foreignCases has none for it: a request without one could be refused for that alone")
			}
			r := p.as("outsider", route.Method(), path, c.body)
			wildcard := strings.Contains(route.Path(), "{id}") || strings.Contains(route.Path(), "{seq}")
			switch {
			case route.Access == lfhttp.Operator:
				pr := wantProblem(t, r, http.StatusForbidden, linkfin.EFORBIDDEN)
				if !strings.Contains(pr.Detail, "operator key") {
					t.Fatalf("refused for another reason than its key: %s", pr.Detail)
				}
			case c.public != "":
				wantJSON(t, p.as("outsider", route.Method(), path+publicQuery[route.Pattern], ""), http.StatusOK, nil)
			case wildcard:
				// As for a record that does not exist, to the word.
				pr := wantProblem(t, r, http.StatusNotFound, linkfin.ENOTFOUND)
				id := wildcardID(route.Path(), path)
				gr := p.as("outsider", route.Method(), strings.Replace(path, "/"+id, "/"+ghost, 1), c.body)
				if gp := problemOf(gr); gr.status != r.status || gp.Code != pr.Code || gp.Detail != strings.ReplaceAll(pr.Detail, id, ghost) {
					t.Fatalf("another's record answers %d %q, a missing one %d %q", r.status, pr.Detail, gr.status, gp.Detail)
				}
			case route.Path() == "/v1/exposure" || route.Path() == "/v1/offers":
				// Not paged lists, but lists all the same: the outsider funds nothing
				// and holds nothing.
				var rows struct{ Data []json.RawMessage }
				wantJSON(t, r, http.StatusOK, &rows)
				if len(rows.Data) != 0 {
					t.Errorf("the outsider sees another's %s: %s", route.Path(), r.body)
				}
			case route.Method() == "GET" && route.List:
				var list struct{ Data []json.RawMessage }
				wantJSON(t, r, http.StatusOK, &list)
				for _, item := range list.Data {
					if route.Path() == "/v1/audit/events" || strings.Contains(string(item), `"outsider"`) {
						continue
					}
					t.Errorf("the outsider's list holds another's record: %s", item)
				}
			case !hasCase || c.status == 0:
				t.Fatalf("foreignCases has no case for this route: say what an outsider sends it and what it must answer")
			default:
				pr := wantProblem(t, r, c.status, c.code)
				if !strings.Contains(pr.Detail, c.about) {
					t.Fatalf("refused for another reason: %q, want one about %q", pr.Detail, c.about)
				}
				if c.names != "" {
					gr := p.as("outsider", route.Method(), path, strings.ReplaceAll(c.body, `"`+c.names+`"`, `"`+ghost+`"`))
					if gp := problemOf(gr); gr.status != r.status || gp.Code != pr.Code || gp.Detail != strings.ReplaceAll(pr.Detail, c.names, ghost) {
						t.Fatalf("naming another's %s answers %d %q, naming a missing one %d %q", c.names, r.status, pr.Detail, gr.status, gp.Detail)
					}
				}
			}
			if after := p.snapshot(); !reflect.DeepEqual(after, base) {
				t.Fatalf("the outsider's request changed the store:\n%s", r.body)
			}
		})
	}
	// The events it may read are those of its own records.
	var evs linkfin.List[linkfin.EventOut]
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

// wildcardID is the id a filled path has where its route has {id} (or {seq}).
func wildcardID(pattern, path string) string {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	for i := range ps {
		if (ps[i] == "{id}" || ps[i] == "{seq}") && i < len(xs) {
			return xs[i]
		}
	}
	return ""
}

// publicQuery completes the path of a public route that needs a query to answer.
var publicQuery = map[string]string{"GET /v1/audit/consistency": "?old_size=1"}

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
			r := p.as(who, "POST", path, foreignCases[route.Pattern].body)
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
	var made linkfin.APIKeyOut
	wantJSON(t, p.as("tier1", "POST", "/v1/organizations/tier1/api-keys", `{"role":"finance","name":"erp"}`), http.StatusCreated, &made)
	if made.OrgID != "tier1" || made.Role != linkfin.RoleFinance || !strings.HasPrefix(made.Key, linkfin.KeyPrefix+made.ID+"_") {
		t.Fatalf("made %+v", made)
	}
	p.keys["erp"] = made.Key
	wantJSON(t, p.as("erp", "GET", "/v1/purchase-orders/PO-1", ""), http.StatusOK, nil)
	// A retry under an Idempotency-Key makes no second key: it answers the first, whose
	// secret was shown once.
	var first, retry linkfin.APIKeyOut
	wantJSON(t, p.as("tier1", "POST", "/v1/organizations/tier1/api-keys", `{"role":"viewer"}`, "Idempotency-Key", "key-1"), http.StatusCreated, &first)
	r := p.as("tier1", "POST", "/v1/organizations/tier1/api-keys", `{"role":"viewer"}`, "Idempotency-Key", "key-1")
	wantJSON(t, r, http.StatusCreated, &retry)
	if first.Key == "" || retry.ID != first.ID || retry.Key != "" || r.header.Get("Idempotency-Hit") != "true" {
		t.Fatalf("made %+v, then on the retry %+v (Idempotency-Hit %q)", first, retry, r.header.Get("Idempotency-Hit"))
	}
	var keys linkfin.List[linkfin.APIKeyOut]
	r = p.as("tier1", "GET", "/v1/organizations/tier1/api-keys", "")
	wantJSON(t, r, http.StatusOK, &keys)
	if len(keys.Data) != 3 || strings.Contains(string(r.body), made.Key) || strings.Contains(string(r.body), linkfin.HashAPIKey(made.Key)) {
		t.Fatalf("tier1's keys: %s", r.body)
	}
	// Another organization's admin cannot touch them; the key's own organization can.
	wantProblem(t, p.as("tier2", "POST", "/v1/organizations/tier1/api-keys/"+made.ID+"/revoke", ""), http.StatusNotFound, linkfin.ENOTFOUND)
	wantProblem(t, p.as("tier2", "POST", "/v1/organizations/tier2/api-keys/"+made.ID+"/revoke", ""), http.StatusNotFound, linkfin.ENOTFOUND)
	wantProblem(t, p.as("tier2", "POST", "/v1/organizations/tier2/api-keys", `{"role":"operator"}`), http.StatusBadRequest, linkfin.EINVALID)
	var revoked linkfin.APIKeyOut
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
	hugeXML := `<Document>` + strings.Repeat("x", lfhttp.MaxBankDocumentBytes) + `</Document>`
	for _, route := range p.srv.Routes() {
		if route.Method() != "POST" || route.Access == lfhttp.Public {
			continue // signing in takes no key: TestSessions refuses its bad input
		}
		who, path := p.writer(t, route)
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
		if route.XML {
			// The body is an XML document: a malformed one, or JSON, is refused for it.
			cases[0].body, cases[0].headers, cases[0].code = `<Document`, []string{"Content-Type", "application/xml"}, iso20022.EMALFORMED
			cases[1].body, cases[1].headers, cases[1].status, cases[1].code = `{"bogus":1}`, nil, 415, lfhttp.EMEDIATYPE
			cases[2].body, cases[2].headers, cases[2].status, cases[2].code = `"text"`, nil, 415, lfhttp.EMEDIATYPE
			// A bank's document may be up to MaxBankDocumentBytes.
			cases[3].body, cases[3].headers = hugeXML, []string{"Content-Type", "application/xml"}
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
	today := linkfin.BusinessDate(p.clock.Now())
	for _, po := range []string{"PO-2", "PO-3"} {
		p.submit(t, &services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: po, Number: po, SellerID: "tier1", ProgramID: "auto-scf",
			Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "disc", Quantity: 10, Unit: "EA", UnitPrice: 1_000_00}}}})
		p.submit(t, &services.AcceptPurchaseOrder{Actor: "tier1", ID: po})
	}
	p.submit(t, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "GR-2", POID: "PO-2",
		Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: 10}}}})
	p.submit(t, &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-2", Number: "INV-2", BuyerID: "anchor", POID: "PO-2",
		Currency: "CNY", IssueDate: today, DueDate: today.AddDays(60),
		Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: 10, UnitPrice: 1_000_00, Amount: 10_000_00}}, Total: 10_000_00}})
	p.submit(t, &services.ApproveInvoice{Actor: "anchor", ID: "inv-2"})
	pay := linkfin.PayableID("inv-2")
	p.submit(t, &services.RequestFactoring{Actor: "tier1", ID: "FX-2", PayableID: pay, ProgramID: "auto-scf", FunderID: "bank"})
	p.submit(t, &services.RequestPOFinancing{Actor: "tier1", ID: "PF-3", POID: "PO-3", ProgramID: "auto-scf", FunderID: "bank"})
	// Quoted only: the bank is not party to the assets yet.
	wantProblem(t, p.as("bank", "GET", "/v1/payables/"+pay, ""), http.StatusNotFound, linkfin.ENOTFOUND)
	p.submit(t, &services.AcceptFactoring{Actor: "tier1", ID: "FX-2", PayableID: pay})
	p.submit(t, &services.AcceptPOFinancing{Actor: "tier1", ID: "PF-3", POID: "PO-3"})
	p.submit(t, &services.CancelFinancing{Actor: "tier1", ID: "PF-3"})
	var got linkfin.Payable
	wantJSON(t, p.as("bank", "GET", "/v1/payables/"+pay, ""), http.StatusOK, &got)
	if got.FinancingID != "FX-2" || len(got.Funders) != 1 || got.Funders[0] != "bank" {
		t.Fatalf("the factored payable: %+v", got)
	}
	// Still party after the financing was cancelled.
	wantJSON(t, p.as("bank", "GET", "/v1/purchase-orders/PO-3", ""), http.StatusOK, nil)
	var list linkfin.List[linkfin.Payable]
	wantJSON(t, p.as("bank", "GET", "/v1/payables", ""), http.StatusOK, &list)
	if len(list.Data) != 1 || list.Data[0].ID != pay {
		t.Fatalf("the bank's payables: %+v", list.Data)
	}
	for _, path := range []string{"/v1/payables/" + pay, "/v1/purchase-orders/PO-3", "/v1/purchase-orders/PO-2"} {
		wantProblem(t, p.as("outsider", "GET", path, ""), http.StatusNotFound, linkfin.ENOTFOUND)
	}
}
