package client_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"linkfin"
	"linkfin/audit"
	"linkfin/client"
	"linkfin/demo"
	"linkfin/engine"
	lfhttp "linkfin/http"
	"linkfin/postgres"
	"linkfin/postgres/pgtest"
	"linkfin/services"
	"linkfin/sqlite/sqlitetest"
	"linkfin/storetest"
)

// opener opens a fresh, migrated store for one test.
type opener func(t *testing.T) linkfin.Store

func openSQLite(t *testing.T) linkfin.Store { return sqlitetest.Open(t) }

// openPostgres opens a schema of its own on the server of LINKFIN_TEST_POSTGRES_URL,
// dropped when the test ends.
func openPostgres(t *testing.T) linkfin.Store {
	t.Helper()
	ctx := context.Background()
	s, err := postgres.Open(ctx, pgtest.Schema(t, pgtest.Skip(t)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

var stores = []struct {
	name string
	open opener
}{{"sqlite", openSQLite}, {"postgres", openPostgres}}

// server is a real linkfin server on a store, with a clock the test moves.
type server struct {
	url    string
	store  linkfin.Store
	engine *engine.Engine
	clock  *storetest.Clock
	verif  note.Verifier
	op     *client.Client // an operator key's client
}

func newServer(t *testing.T, open opener) *server {
	t.Helper()
	ctx := context.Background()
	s := &server{store: open(t), clock: storetest.NewClock()}
	signer, verif := storetest.Keys(t)
	s.verif = verif
	e, err := engine.Open(ctx, engine.Config{Store: s.store, Signer: signer, Now: s.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	s.engine = e
	t.Cleanup(func() { e.Close() })
	ts := httptest.NewServer(lfhttp.NewServer(e, s.store, nil))
	t.Cleanup(ts.Close)
	s.url = ts.URL
	secret, k := linkfin.NewAPIKey("", linkfin.RoleOperator, "")
	var res services.BootstrapResult
	if err := e.Run(ctx, &services.BootstrapOperator{Key: k}, &res); err != nil || !res.Created {
		t.Fatalf("bootstrap: %v, %+v", err, res)
	}
	s.op = client.New(ts.URL, secret)
	return s
}

// failure is an error that must stops a test with, and where it happened.
type failure struct {
	at  string
	err error
}

// must returns v, or stops the test when err is not nil. Every test that calls it
// defers stop.
func must[T any](v T, err error) T {
	if err != nil {
		_, file, line, _ := runtime.Caller(1)
		panic(failure{fmt.Sprintf("%s:%d", filepath.Base(file), line), err})
	}
	return v
}

// stop fails the test with must's error.
func stop(t *testing.T) {
	if r := recover(); r != nil {
		f, ok := r.(failure)
		if !ok {
			panic(r)
		}
		t.Fatalf("%s: %v", f.at, f.err)
	}
}

// refused checks that err is an API error with the status and the code.
func refused(t *testing.T, what string, err error, status int, code string) {
	t.Helper()
	var ce *client.Error
	if !errors.As(err, &ce) || ce.Status != status || ce.Code != code || linkfin.ErrorCode(err) != code || ce.Detail == "" {
		t.Fatalf("%s: got %v, want %d %s", what, err, status, code)
	}
	var le *linkfin.Error
	if !errors.As(err, &le) || le.Code != code || le.Message != ce.Detail {
		t.Fatalf("%s: %v does not unwrap to a *linkfin.Error with code %s", what, err, code)
	}
}

func rate(t *testing.T, s string) linkfin.Rate {
	t.Helper()
	r, err := linkfin.ParseRate(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func date(t *testing.T, s string) linkfin.Date {
	t.Helper()
	d, err := linkfin.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// world is the supply chain of the demo on a server, one client per organization,
// and the CNY balance each organization's wallet must have.
type world struct {
	t      *testing.T
	ctx    context.Context
	srv    *server
	op     *client.Client
	org    map[string]*client.Client
	wallet map[string]int64
	// ids are the ids the platform gave the records made, by the names the story
	// gives them ("PO-1001", "C-1a"); program is the program's.
	ids     map[string]string
	program string
}

// id is the id the platform gave the record the story names.
func (w *world) id(name string) string {
	w.t.Helper()
	id, ok := w.ids[name]
	if !ok {
		w.t.Fatalf("no record %s was made", name)
	}
	return id
}

// made records the id the platform gave a record, checking it is one of its ids.
func (w *world) made(name, prefix, id string) {
	w.t.Helper()
	if !strings.HasPrefix(id, prefix+"_") || linkfin.ValidateID("id", id) != nil {
		w.t.Fatalf("%s was given the id %q, not one of the platform's %s_ ids", name, id, prefix)
	}
	w.ids[name] = id
}

// move records a payment the platform must have made.
func (w *world) move(from, to string, amount int64) {
	w.wallet[from] -= amount
	w.wallet[to] += amount
}

// checkWallets reads every organization's wallet with its own key.
func (w *world) checkWallets(step string) {
	w.t.Helper()
	for _, o := range demo.Organizations {
		a, err := w.org[o.ID].Wallet(w.ctx, o.ID, "CNY")
		if linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
			a = &client.Account{}
		} else if err != nil {
			w.t.Fatalf("%s: wallet of %s: %v", step, o.ID, err)
		}
		if got := int64(a.CreditsPosted - a.DebitsPosted); got != w.wallet[o.ID] || a.CreditsPending != 0 || a.DebitsPending != 0 {
			w.t.Fatalf("%s: wallet of %s holds %d (pending %d/%d), want %d", step, o.ID, got, a.DebitsPending, a.CreditsPending, w.wallet[o.ID])
		}
	}
}

// setUp brings the demo's supply chain onto the platform through the API alone: the
// organizations, an admin key each, the relationships, the program, its funders and
// the opening payments.
func setUp(t *testing.T, srv *server) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{t: t, ctx: ctx, srv: srv, op: srv.op, org: map[string]*client.Client{}, wallet: map[string]int64{}, ids: map[string]string{}}
	for _, o := range demo.Organizations {
		got := must(w.op.CreateOrganization(ctx, client.OrganizationIn{ID: o.ID, Name: o.Name, Capabilities: o.Capabilities}))
		if got.ID != o.ID || got.Name != o.Name || !slices.Equal(slices.Sorted(slices.Values(got.Capabilities)), slices.Sorted(slices.Values(o.Capabilities))) {
			t.Fatalf("organization %+v, want %+v", got, o)
		}
		key := must(w.op.CreateAPIKey(ctx, o.ID, client.APIKeyIn{Role: linkfin.RoleAdmin, Name: "e2e"}))
		if key.OrgID != o.ID || key.Role != linkfin.RoleAdmin || !strings.HasPrefix(key.Key, linkfin.KeyPrefix+key.ID+"_") {
			t.Fatalf("key %+v", key)
		}
		w.org[o.ID] = client.New(srv.url, key.Key)
	}
	// Registering the same organization again answers it as it is, 200.
	var m client.Meta
	if _, err := w.op.CreateOrganization(client.WithMeta(ctx, &m), client.OrganizationIn{ID: "anchor", Name: demo.Organizations[0].Name,
		Capabilities: demo.Organizations[0].Capabilities}); err != nil || m.Status != http.StatusOK {
		t.Fatalf("the anchor again: %v, status %d", err, m.Status)
	}
	for _, pair := range [][2]string{{"anchor", "tier1"}, {"tier1", "tier2"}, {"tier2", "tier3"}, {"dealer", "anchor"}} {
		r := must(w.org[pair[0]].ProposeRelationship(ctx, pair[0], pair[1]))
		if r.Status != linkfin.RelationshipProposed {
			t.Fatalf("proposed: %+v", r)
		}
		r = must(w.org[pair[1]].AcceptRelationship(ctx, pair[0], pair[1]))
		if r.Status != linkfin.RelationshipActive {
			t.Fatalf("accepted: %+v", r)
		}
	}
	apr, marginCall := rate(t, "0.18"), rate(t, "0.75")
	p := must(w.org["anchor"].CreateProgram(ctx, client.ProgramIn{Name: "Core Auto supply chain finance",
		Currency: "CNY", Limit: 50_000_000_00, MaxTenorDays: 180, AdvanceRate: rate(t, "0.6"), DayCount: linkfin.ACT360, Calendar: "CN",
		Products: []linkfin.Product{linkfin.ProductCertificateDiscounting, linkfin.ProductFactoring, linkfin.ProductDynamicDiscounting,
			linkfin.ProductPOFinancing, linkfin.ProductWarehousePledge, linkfin.ProductDistributorFinancing},
		EarlyPaymentAPR: &apr, MarginCallLTV: &marginCall, BuyBack: true, SupplierLimit: 2_100_000_00,
		Tolerances: linkfin.MatchTolerances{QuantityRate: rate(t, "0.02"), PriceRate: rate(t, "0.01"), AmountAbs: 100_00}}))
	if p.AnchorID != "anchor" {
		t.Fatalf("program %+v", p)
	}
	w.made("auto-scf", "prog", p.ID)
	w.program = p.ID
	fixed, base, margin := rate(t, "0.0425"), rate(t, "0.031"), rate(t, "0.012")
	must(w.org["anchor"].InviteFunder(ctx, w.program, client.FunderIn{FunderID: "bank", Limit: 30_000_000_00, Pricing: linkfin.Pricing{FixedRate: &fixed}}))
	must(w.org["anchor"].InviteFunder(ctx, w.program, client.FunderIn{FunderID: "factor", Limit: 20_000_000_00,
		Pricing: linkfin.Pricing{BaseRate: &base, Margin: &margin}}))
	must(w.org["bank"].AcceptFunder(ctx, w.program, "bank", &client.FunderAcceptIn{Limit: 30_000_000_00, Pricing: &linkfin.Pricing{FixedRate: &fixed}}))
	p = must(w.org["factor"].AcceptFunder(ctx, w.program, "factor", nil))
	for _, f := range p.Funders {
		if f.Status != linkfin.FunderAccepted {
			t.Fatalf("funder %+v", f)
		}
	}
	for _, d := range []struct {
		org, rail string
		amount    int64
	}{{"bank", "bank", 20_000_000_00}, {"factor", "bank", 10_000_000_00}, {"anchor", "ecny", 3_000_000_00}} {
		must(w.op.RecordInboundPayment(ctx, client.InboundPaymentIn{Rail: d.rail, InstructionID: "open-" + d.org, OrgID: d.org, Currency: "CNY", Amount: d.amount}))
		w.wallet[d.org] += d.amount
	}
	w.checkWallets("opening payments")
	return w
}

// order runs an order of one line from its placing to the buyer's approval of its
// invoice, and returns the payable.
func (w *world) order(buyer, seller, po string, qty, price int64, due string, placed bool) *linkfin.Payable {
	w.t.Helper()
	t, ctx := w.t, w.ctx
	if !placed {
		o := must(w.org[buyer].CreatePurchaseOrder(ctx, client.PurchaseOrderIn{Number: po, SellerID: seller, ProgramID: w.program, Currency: "CNY",
			Lines: []client.POLineIn{{LineID: "1", Item: "part", Quantity: qty, Unit: "pc", UnitPrice: price}}}))
		w.made(po, "po", o.ID)
		must(w.org[seller].AcceptPurchaseOrder(ctx, o.ID))
	}
	must(w.org[buyer].CreateGoodsReceipt(ctx, client.GoodsReceiptIn{Number: "GR-" + po, POID: w.id(po), Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: qty}}}))
	inv := must(w.org[seller].CreateInvoice(ctx, client.InvoiceIn{Number: "INV-" + po, BuyerID: buyer, POID: w.id(po), Currency: "CNY",
		IssueDate: date(t, "2026-11-02"), DueDate: date(t, due), Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: qty, UnitPrice: price, Amount: qty * price}},
		Total: qty * price}))
	if inv.Status != linkfin.InvoiceMatched {
		t.Fatalf("invoice %s: %s, %+v", inv.ID, inv.Status, inv.Match)
	}
	w.made("inv-"+po, "inv", inv.ID)
	pay := must(w.org[buyer].ApproveInvoice(ctx, inv.ID))
	if pay.ID != linkfin.PayableID(inv.ID) || pay.Amount != qty*price || pay.Status != linkfin.PayableOpen && pay.Status != linkfin.PayableFactored {
		t.Fatalf("payable %+v", pay)
	}
	return pay
}

// doubled returns a word said twice in a row, as in "the anchor anchor" when the
// anchor's id is "anchor", or "".
func doubled(s string) string {
	words := strings.Fields(s)
	for i := 1; i < len(words); i++ {
		if strings.EqualFold(strings.TrimSuffix(words[i], "'s"), words[i-1]) {
			return words[i] + " " + words[i]
		}
	}
	return ""
}

// finance requests, accepts and disburses a financing and returns its quote.
func (w *world) finance(who string, in client.FinancingIn) *linkfin.Financing {
	w.t.Helper()
	t, ctx := w.t, w.ctx
	in.ProgramID = w.program
	q := must(w.org[who].RequestFinancing(ctx, in))
	if q.Status != linkfin.FinancingQuoted || q.Product != in.Product || q.RequesterID != who || q.AssetID != in.AssetID || len(q.Quote.Reasons) == 0 {
		t.Fatalf("quote %+v", q)
	}
	for _, r := range q.Quote.Reasons {
		if m := doubled(r); m != "" {
			t.Errorf("%s quote: a reason says %q: %s", in.Product, m, r)
		}
	}
	if f := must(w.org[who].AcceptFinancing(ctx, q.ID)); f.Status != linkfin.FinancingAccepted {
		t.Fatalf("accepted %+v", f)
	}
	f := must(w.org[in.FunderID].DisburseFinancing(ctx, q.ID))
	if f.Status != linkfin.FinancingDisbursed || f.Quote.Price != q.Quote.Price || f.Quote.Face != q.Quote.Face {
		t.Fatalf("disbursed %+v, quoted %+v", f, q)
	}
	// The disbursement is the funder's newest transfer, at its slot in the ledger ids
	// the financing reserved when it was accepted.
	paid := must(w.org[in.FunderID].ListTransfers(ctx, linkfin.WalletID(in.FunderID, f.Currency), &client.ListOptions{Limit: 1}))
	if int64(f.LedgerBase) < linkfin.ReservedLedgerIDs || len(paid.Data) != 1 || int64(paid.Data[0].ID) != services.LegID(f, "disbursement") || paid.Data[0].Amount != f.Quote.Price {
		t.Fatalf("financing %s with ledger ids from %d: the funder's newest transfer is %+v, not its disbursement (%d)", f.ID, f.LedgerBase, paid.Data, services.LegID(f, "disbursement"))
	}
	return q
}

// TestEndToEnd runs the whole process of DESIGN §2 over HTTP through the client alone,
// on every store, and checks every wallet against the quotes at each step.
func TestEndToEnd(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) { endToEnd(t, st.open) })
	}
}

func endToEnd(t *testing.T, open opener) {
	defer stop(t)
	srv := newServer(t, open)
	w := setUp(t, srv)
	ctx := w.ctx
	anchor, tier1, tier2, tier3 := w.org["anchor"], w.org["tier1"], w.org["tier2"], w.org["tier3"]
	bank, port, dealer := w.org["bank"], w.org["port"], w.org["dealer"]
	today := linkfin.BusinessDate(srv.clock.Now())

	// A purchase order travels: accepted, shipped, delivered, received.
	po := must(anchor.CreatePurchaseOrder(ctx, client.PurchaseOrderIn{Number: "PO-1001", SellerID: "tier1", ProgramID: w.program, Currency: "CNY",
		Lines: []client.POLineIn{{LineID: "1", Item: "brake disc", Quantity: 8000, Unit: "pc", UnitPrice: 125_00},
			{LineID: "2", Item: "caliper", Quantity: 1000, Unit: "pc", UnitPrice: 1000_00}}}))
	if po.Total != 2_000_000_00 || po.Status != linkfin.POIssued || po.BuyerID != "anchor" || po.Number != "PO-1001" {
		t.Fatalf("order %+v", po)
	}
	w.made("PO-1001", "po", po.ID)
	// The number filters the buyer's orders, and is the buyer's once.
	if got := must(client.Collect(ctx, anchor.ListPurchaseOrders, &client.ListOptions{Number: "PO-1001"})); len(got) != 1 || got[0].ID != po.ID {
		t.Fatalf("the anchor's orders numbered PO-1001: %+v", got)
	}
	_, err := anchor.CreatePurchaseOrder(ctx, client.PurchaseOrderIn{Number: "PO-1001", SellerID: "tier1", Currency: "CNY",
		Lines: []client.POLineIn{{LineID: "1", Item: "x", Quantity: 1, Unit: "pc", UnitPrice: 1}}})
	refused(t, "the anchor's number again", err, http.StatusUnprocessableEntity, linkfin.EDUPLICATENUMBER)
	if po = must(tier1.AcceptPurchaseOrder(ctx, w.id("PO-1001"))); po.Status != linkfin.POAccepted {
		t.Fatalf("accepted order %+v", po)
	}
	sh := must(tier1.CreateShipment(ctx, client.ShipmentIn{Number: "SH-1", POID: w.id("PO-1001"), CarrierID: "port"}))
	w.made("SH-1", "ship", sh.ID)
	for _, s := range []linkfin.ShipmentStatus{linkfin.ShipmentPickedUp, linkfin.ShipmentInTransit, linkfin.ShipmentDelivered} {
		must(port.ReportShipmentEvent(ctx, w.id("SH-1"), client.ShipmentEventIn{Status: s, Location: "Ningbo"}))
	}
	_, err = tier1.ReportShipmentEvent(ctx, w.id("SH-1"), client.ShipmentEventIn{Status: linkfin.ShipmentDelivered})
	if linkfin.ErrorCode(err) == "" {
		t.Fatal("the seller reported the carrier's event")
	}
	if sh := must(anchor.GetShipment(ctx, w.id("SH-1"))); sh.Status != linkfin.ShipmentDelivered || len(sh.Events) != 3 {
		t.Fatalf("shipment %+v", sh)
	}
	must(anchor.CreateGoodsReceipt(ctx, client.GoodsReceiptIn{Number: "GR-1", POID: w.id("PO-1001"),
		Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: 8000}, {LineID: "2", Accepted: 1000}}}))

	// The invoice is matched three ways and approved by the buyer alone.
	in := client.InvoiceIn{Number: "INV-0042", BuyerID: "anchor", POID: w.id("PO-1001"), Currency: "CNY",
		IssueDate: date(t, "2026-11-02"), DueDate: date(t, "2027-01-29"),
		Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: 8000, UnitPrice: 125_00, Amount: 1_000_000_00}, {LineID: "2", Quantity: 1000, UnitPrice: 1000_00, Amount: 1_000_000_00}},
		Tax:   260_000_00, Total: 2_260_000_00}
	inv := must(tier1.CreateInvoice(ctx, in))
	if inv.Status != linkfin.InvoiceMatched || inv.Match == nil || !inv.Match.OK || inv.SellerID != "tier1" {
		t.Fatalf("invoice %+v", inv)
	}
	w.made("inv-0042", "inv", inv.ID)
	dup := in
	dup.Number = "inv 42"
	_, err = tier1.CreateInvoice(ctx, dup)
	refused(t, "the same invoice again", err, http.StatusUnprocessableEntity, "duplicate_invoice")
	_, err = tier1.ApproveInvoice(ctx, w.id("inv-0042"))
	refused(t, "the seller approving its own invoice", err, http.StatusForbidden, linkfin.EFORBIDDEN)
	_, err = tier3.GetInvoice(ctx, w.id("inv-0042"))
	refused(t, "an invoice tier3 is not party to", err, http.StatusNotFound, linkfin.ENOTFOUND)
	_, err = anchor.IssueCertificate(ctx, client.CertificateIn{ProgramID: w.program, PayableIDs: []string{linkfin.PayableID(w.id("inv-0042"))}})
	refused(t, "a certificate from a payable nobody approved", err, http.StatusNotFound, linkfin.ENOTFOUND)

	// A viewer reads but does not approve; once revoked, it opens nothing.
	vk := must(anchor.CreateAPIKey(ctx, "anchor", client.APIKeyIn{Role: linkfin.RoleViewer, Name: "auditor"}))
	viewer := client.New(srv.url, vk.Key)
	if got := must(viewer.GetInvoice(ctx, w.id("inv-0042"))); got.Total != 2_260_000_00 {
		t.Fatalf("viewer read %+v", got)
	}
	_, err = viewer.ApproveInvoice(ctx, w.id("inv-0042"))
	refused(t, "a viewer approving", err, http.StatusForbidden, linkfin.EFORBIDDEN)
	if k := must(anchor.RevokeAPIKey(ctx, "anchor", vk.ID)); k.RevokedAt == "" {
		t.Fatalf("revoked key %+v", k)
	}
	_, err = viewer.GetInvoice(ctx, w.id("inv-0042"))
	refused(t, "a revoked key", err, http.StatusUnauthorized, linkfin.EUNAUTHORIZED)
	keys := must(anchor.ListAPIKeys(ctx, "anchor", nil))
	if len(keys.Data) != 2 || keys.Data[0].Key != "" || keys.Data[1].Key != "" {
		t.Fatalf("anchor's keys %+v", keys.Data)
	}

	// Approval, retried under one idempotency key, is applied once.
	var m1, m2 client.Meta
	ictx := client.WithIdempotencyKey(ctx, "approve-inv-0042")
	pay := must(anchor.ApproveInvoice(client.WithMeta(ictx, &m1), w.id("inv-0042")))
	again := must(anchor.ApproveInvoice(client.WithMeta(ictx, &m2), w.id("inv-0042")))
	if m1.IdempotencyHit || !m2.IdempotencyHit || m1.IdempotencyKey != "approve-inv-0042" || !reflect.DeepEqual(again, pay) ||
		pay.Amount != 2_260_000_00 || pay.DueDate != date(t, "2027-01-29") {
		t.Fatalf("approvals %+v %+v, metas %+v %+v", pay, again, m1, m2)
	}
	var m3 client.Meta
	_, err = tier1.CreateInvoice(client.WithMeta(ictx, &m3), dup)
	if linkfin.ErrorCode(err) != "duplicate_invoice" || m3.IdempotencyKey != "approve-inv-0042" || m3.IdempotencyHit {
		t.Fatalf("another organization's request under the same key: %v, %+v", err, m3)
	}

	// A UBL invoice: the EN 16931 factoring sample bills two lines in EUR.
	xml, err := os.ReadFile("../ubl/testdata/en16931-bis3-factoring.xml")
	if err != nil {
		t.Fatal(err)
	}
	w.made("PO-EUR", "po", must(anchor.CreatePurchaseOrder(ctx, client.PurchaseOrderIn{Number: "PO-EUR", SellerID: "tier1", Currency: "EUR",
		Lines: []client.POLineIn{{LineID: "10", Item: "service", Quantity: 5, Unit: "day", UnitPrice: 10_000_00},
			{LineID: "20", Item: "service", Quantity: 3, Unit: "day", UnitPrice: 14_000_00}}})).ID)
	must(tier1.AcceptPurchaseOrder(ctx, w.id("PO-EUR")))
	must(anchor.CreateGoodsReceipt(ctx, client.GoodsReceiptIn{POID: w.id("PO-EUR"),
		Lines: []linkfin.ReceiptLine{{LineID: "10", Accepted: 5}, {LineID: "20", Accepted: 3}}}))
	ubl := must(tier1.CreateInvoiceUBL(ctx, xml, w.id("PO-EUR"), "anchor"))
	if ubl.Number != "7023708" || ubl.Currency != "EUR" || ubl.Total != 115_000_00 || ubl.Tax != 23_000_00 || ubl.Status != linkfin.InvoiceMatched {
		t.Fatalf("UBL invoice %+v, match %+v", ubl, ubl.Match)
	}
	w.made("inv-ubl", "inv", ubl.ID)
	if p := must(anchor.ApproveInvoice(ctx, w.id("inv-ubl"))); p.Amount != 115_000_00 || p.Currency != "EUR" {
		t.Fatalf("UBL payable %+v", p)
	}

	// The anchor issues a certificate; it is split and passed down the chain.
	cert := must(anchor.IssueCertificate(ctx, client.CertificateIn{ProgramID: w.program, PayableIDs: []string{pay.ID}}))
	if cert.Face != 2_260_000_00 || cert.HolderID != "tier1" || cert.Maturity.Before(pay.DueDate) {
		t.Fatalf("certificate %+v", cert)
	}
	w.made("C-1", "cert", cert.ID)
	maturity := cert.Maturity
	split := must(tier1.SplitCertificate(ctx, w.id("C-1"), 1_260_000_00, 1_000_000_00))
	if len(split) != 2 || split[0].Face != 1_260_000_00 || split[1].Face != 1_000_000_00 || split[1].ParentID != w.id("C-1") || split[1].HolderID != "tier1" {
		t.Fatalf("split %+v", split)
	}
	w.made("C-1a", "cert", split[0].ID)
	w.made("C-1b", "cert", split[1].ID)
	passed := must(tier1.TransferCertificate(ctx, w.id("C-1b"), client.CertificateTransferIn{To: "tier2", Amount: 600_000_00}))
	if len(passed) != 2 || passed[0].Face != 600_000_00 || passed[0].HolderID != "tier2" || passed[0].Tier != 2 || passed[1].HolderID != "tier1" || passed[1].Face != 400_000_00 {
		t.Fatalf("transfer %+v", passed)
	}
	w.made("C-1b1", "cert", passed[0].ID)
	w.made("C-1b2", "cert", passed[1].ID)
	passed = must(tier2.TransferCertificate(ctx, w.id("C-1b1"), client.CertificateTransferIn{To: "tier3", Amount: 200_000_00}))
	w.made("C-1b1a", "cert", passed[0].ID)
	w.made("C-1b1b", "cert", passed[1].ID)
	_, err = tier3.TransferCertificate(ctx, w.id("C-1b1a"), client.CertificateTransferIn{To: "anchor", Amount: 200_000_00})
	refused(t, "tier3 passing a piece to the anchor it does not trade with", err, http.StatusForbidden, linkfin.EFORBIDDEN)
	leaf := must(tier3.GetCertificate(ctx, w.id("C-1b1a")))
	var chain []string
	for _, p := range leaf.Lineage.Pieces {
		chain = append(chain, p.ID)
	}
	if leaf.HolderID != "tier3" || leaf.Face != 200_000_00 || strings.Join(chain, ",") != strings.Join([]string{w.id("C-1"), w.id("C-1b"), w.id("C-1b1"), w.id("C-1b1a")}, ",") ||
		len(leaf.Lineage.Invoices) != 1 || leaf.Lineage.Invoices[0].ID != w.id("inv-0042") || len(leaf.Lineage.Orders) != 1 || leaf.Lineage.Orders[0].ID != w.id("PO-1001") {
		t.Fatalf("piece %+v, lineage %v", leaf.Certificate, chain)
	}
	// tier3 was party to neither the invoice nor the order: it sees their parties,
	// totals, dates and match, not their lines. The seller, tier1, sees them whole.
	own := must(tier1.GetCertificate(ctx, w.id("C-1b2")))
	oinv, opo := own.Lineage.Invoices[0], own.Lineage.Orders[0]
	if len(oinv.Lines) == 0 || len(opo.Lines) == 0 || oinv.Match == nil || len(oinv.Match.Lines) == 0 {
		t.Fatalf("the seller's lineage lacks the lines: %+v", own.Lineage)
	}
	linv, lpo := leaf.Lineage.Invoices[0], leaf.Lineage.Orders[0]
	if len(linv.Lines) != 0 || len(lpo.Lines) != 0 || linv.Total != oinv.Total || linv.DueDate != oinv.DueDate || linv.SellerID != "tier1" ||
		linv.Match == nil || !linv.Match.OK || len(linv.Match.Lines) != 0 || lpo.Total != opo.Total {
		t.Fatalf("tier3's lineage: invoice %+v, order %+v", linv, lpo)
	}

	// Certificate discounting: suppliers sell their pieces to funders. The pieces
	// mature on Friday 2027-01-29, 88 days from 2026-11-02 (28 + 31 + 29), ACT/360:
	//   C-1a, 1,260,000.00 at 4.25 %: 1,260,000.00 × 0.0425 × 88 / 360 = 13,090.00
	//     exactly; price 1,260,000.00 − 13,090.00 = 1,246,910.00.
	//   C-1b1b, 400,000.00 at 4.3 %: 400,000.00 × 0.043 × 88 / 360 = 4,204.444…
	//     → 4,204.44 (half-even); price 400,000.00 − 4,204.44 = 395,795.56.
	if maturity != date(t, "2027-01-29") {
		t.Fatalf("maturity %s, want 2027-01-29", maturity)
	}
	for _, f := range []struct {
		id, who, piece, funder, rate string
		face, discount, price        int64
	}{
		{"F-1", "tier1", w.id("C-1a"), "bank", "0.0425", 1_260_000_00, 13_090_00, 1_246_910_00},
		{"F-2", "tier2", w.id("C-1b1b"), "factor", "0.043", 400_000_00, 4_204_44, 395_795_56},
	} {
		q := w.finance(f.who, client.FinancingIn{Product: linkfin.ProductCertificateDiscounting, FunderID: f.funder, AssetID: f.piece})
		if q.Quote.Days != 88 || q.Quote.Rate.String() != f.rate || q.Quote.Face != f.face || q.Quote.Discount != f.discount || q.Quote.Price != f.price {
			t.Fatalf("%s quote %+v, want 88 days at %s: face %d, discount %d, price %d", f.id, q.Quote, f.rate, f.face, f.discount, f.price)
		}
		w.made(f.id, "fin", q.ID)
		w.move(f.funder, f.who, q.Quote.Price)
		if c := must(w.org[f.funder].GetCertificate(ctx, f.piece)); c.HolderID != f.funder {
			t.Fatalf("%s after its sale: %+v", f.piece, c.Certificate)
		}
	}
	w.checkWallets("certificate discounting")
	_, err = bank.RequestFinancing(ctx, client.FinancingIn{Product: linkfin.ProductCertificateDiscounting, ProgramID: w.program, AssetID: w.id("C-1a"), FunderID: "factor"})
	refused(t, "the same piece financed again", err, http.StatusUnprocessableEntity, "asset_financed")

	// Dynamic discounting: the anchor pays a small invoice early from its own cash.
	w.order("anchor", "tier1", "PO-1002", 100, 100_00, "2026-11-09", false)
	e1 := must(tier1.RequestFinancing(ctx, client.FinancingIn{Product: linkfin.ProductDynamicDiscounting, ProgramID: w.program,
		AssetID: linkfin.PayableID(w.id("inv-PO-1002"))}))
	w.made("E-1", "fin", e1.ID)
	// 10,000.00 × 0.18 × 7 / 360 = 35.00; price 9,965.00.
	if e1.Quote.Days != 7 || e1.Quote.Discount != 35_00 || e1.Quote.Price != 9_965_00 {
		t.Fatalf("early payment quote %+v, want 7 days, discount 35.00, price 9,965.00", e1.Quote)
	}
	if f := must(tier1.AcceptFinancing(ctx, w.id("E-1"))); f.Status != linkfin.FinancingSettled {
		t.Fatalf("early payment %+v", f)
	}
	w.move("anchor", "tier1", e1.Quote.Price)
	w.checkWallets("dynamic discounting")

	// The same as the supplier sees it: among its offers, the anchor's early payment,
	// taken in one step at the price shown, and not at another. (An invoice for the
	// same amount as the one before would be held as its repeat.)
	// 20,000.00 × 0.18 × 7 / 360 = 70.00; price 19,930.00.
	w.order("anchor", "tier1", "PO-1008", 200, 100_00, "2026-11-09", false)
	owed := linkfin.PayableID(w.id("inv-PO-1008"))
	var early *client.Offer
	for _, a := range must(tier1.Offers(ctx)) {
		for i, o := range a.Offers {
			if a.AssetID == owed && o.Product == linkfin.ProductDynamicDiscounting {
				early = &a.Offers[i]
			}
		}
	}
	if early == nil || early.FunderID != "anchor" || early.Quote.Price != 19_930_00 {
		t.Fatalf("tier1's early-payment offer on %s: %+v", owed, early)
	}
	take := client.OfferIn{Product: early.Product, ProgramID: w.program, FunderID: early.FunderID, AssetID: owed, Price: early.Quote.Price + 1}
	_, err = tier1.TakeOffer(ctx, take)
	refused(t, "an offer at a price not offered", err, http.StatusUnprocessableEntity, "offer_changed")
	take.Price = early.Quote.Price
	if f := must(tier1.TakeOffer(ctx, take)); f.Status != linkfin.FinancingSettled || f.Quote.Price != 19_930_00 {
		t.Fatalf("the early payment taken: %+v", f)
	}
	w.move("anchor", "tier1", early.Quote.Price)
	w.checkWallets("an offer taken")

	// The same in e-CNY: the anchor pays early from the corporate wallet it designated
	// into the one tier1 designated, refused until tier1 has one. Its platform wallet
	// pays nothing but the top-up.
	// 15,000.00 × 0.18 × 7 / 360 = 52.50; price 14,947.50.
	corporate := func(org string) *linkfin.ECNYWallet {
		return must(w.op.OpenECNYWallet(ctx, client.ECNYWalletIn{OrgID: org, Limits: &client.WalletLimits{
			Balance: 1_000_000_00, Payment: 100_000_00, Daily: 200_000_00, Yearly: 1_000_000_00}}))
	}
	anchorW, tier1W := corporate("anchor"), corporate("tier1")
	must(anchor.TopUpECNY(ctx, anchorW.ID, 15_000_00))
	w.wallet["anchor"] -= 15_000_00
	if o := must(anchor.DesignateECNYWallet(ctx, "anchor", anchorW.ID)); o.ECNYWalletID != anchorW.ID {
		t.Fatalf("the anchor's designation: %+v", o)
	}
	w.order("anchor", "tier1", "PO-1009", 150, 100_00, "2026-11-09", false)
	e2 := must(tier1.RequestFinancing(ctx, client.FinancingIn{Product: linkfin.ProductDynamicDiscounting, ProgramID: w.program,
		AssetID: linkfin.PayableID(w.id("inv-PO-1009")), Rail: linkfin.RailECNY}))
	if e2.Rail != linkfin.RailECNY || e2.Quote.Price != 14_947_50 {
		t.Fatalf("the early payment in e-CNY: %+v", e2)
	}
	_, err = tier1.AcceptFinancing(ctx, e2.ID)
	refused(t, "an early payment in e-CNY to a seller without a wallet", err, http.StatusUnprocessableEntity, linkfin.ENOECNYWALLET)
	must(tier1.DesignateECNYWallet(ctx, "tier1", tier1W.ID))
	if f := must(tier1.AcceptFinancing(ctx, e2.ID)); f.Status != linkfin.FinancingSettled || f.ECNYTransferID == 0 {
		t.Fatalf("the early payment in e-CNY: %+v", f)
	}
	if got := must(tier1.GetECNYWallet(ctx, tier1W.ID)); got.Balance != 14_947_50 {
		t.Fatalf("tier1's e-CNY wallet: %+v", got)
	}
	if got := must(anchor.GetECNYWallet(ctx, anchorW.ID)); got.Balance != 52_50 || got.PaidToday != 14_947_50 {
		t.Fatalf("the anchor's e-CNY wallet: %+v", got)
	}
	inECNY := must(client.Collect(ctx, tier1.ListECNYPayments, nil))
	if len(inECNY) != 1 || inECNY[0].For != linkfin.ECNYForEarly || inECNY[0].FinancingID != e2.ID || inECNY[0].PayerID != "anchor" ||
		inECNY[0].Amount != 14_947_50 || inECNY[0].From != "" || inECNY[0].To != "" {
		t.Fatalf("tier1's e-CNY payments: %+v", inECNY)
	}
	if got := must(anchor.GetECNYPayment(ctx, inECNY[0].ID)); got.TransferID != inECNY[0].TransferID {
		t.Fatalf("the anchor's e-CNY payment: %+v", got)
	}
	_, err = tier2.GetECNYPayment(ctx, inECNY[0].ID)
	refused(t, "another's e-CNY payment", err, http.StatusNotFound, linkfin.ENOTFOUND)
	w.checkWallets("an early payment in e-CNY")

	// A conditional payment on the e-CNY rail: held in the anchor's designated wallet,
	// released into tier1's by the goods receipt that accepts the order.
	must(anchor.TopUpECNY(ctx, anchorW.ID, 1_000_00))
	w.wallet["anchor"] -= 1_000_00
	ecnyPO := must(anchor.CreatePurchaseOrder(ctx, client.PurchaseOrderIn{Number: "PO-1010", SellerID: "tier1", ProgramID: w.program, Currency: "CNY",
		Lines: []client.POLineIn{{LineID: "1", Item: "part", Quantity: 10, Unit: "pc", UnitPrice: 100_00}}}))
	w.made("PO-1010", "po", ecnyPO.ID)
	must(tier1.AcceptPurchaseOrder(ctx, ecnyPO.ID))
	ecnyCP := must(anchor.CreateConditionalPayment(ctx, client.ConditionalPaymentIn{PayeeID: "tier1", Currency: "CNY", Amount: 1_000_00,
		Rail: linkfin.RailECNY, Condition: linkfin.ConditionIn{Type: linkfin.ConditionGoodsReceived, POID: ecnyPO.ID}}))
	if got := must(anchor.GetECNYWallet(ctx, anchorW.ID)); ecnyCP.Rail != linkfin.RailECNY || ecnyCP.Status != linkfin.ConditionalLocked || got.Held != 1_000_00 {
		t.Fatalf("a conditional payment locked in e-CNY: %+v; the anchor's wallet %+v", ecnyCP, got)
	}
	w.order("anchor", "tier1", "PO-1010", 10, 100_00, "2026-12-09", true)
	if got := must(tier1.GetConditionalPayment(ctx, ecnyCP.ID)); got.Status != linkfin.ConditionalReleased || got.Moves[1].ECNYPaymentID == "" {
		t.Fatalf("the conditional payment after the receipt: %+v", got)
	}
	if got := must(tier1.GetECNYWallet(ctx, tier1W.ID)); got.Balance != 14_947_50+1_000_00 {
		t.Fatalf("tier1's e-CNY wallet: %+v", got)
	}
	if got := must(anchor.GetECNYWallet(ctx, anchorW.ID)); got.Balance != 52_50 || got.Held != 0 {
		t.Fatalf("the anchor's e-CNY wallet: %+v", got)
	}
	if got := must(tier1.GetECNYPayment(ctx, must(tier1.GetConditionalPayment(ctx, ecnyCP.ID)).Moves[1].ECNYPaymentID)); got.For != linkfin.ECNYForConditional ||
		got.ConditionalPaymentID != ecnyCP.ID || got.Amount != 1_000_00 {
		t.Fatalf("the release's e-CNY payment: %+v", got)
	}
	w.checkWallets("a conditional payment in e-CNY")

	// Factoring with recourse: 60 % of an approved invoice now, the rest at collection.
	w.order("anchor", "tier1", "PO-1003", 200, 1_000_00, "2027-01-15", false)
	fx := w.finance("tier1", client.FinancingIn{Product: linkfin.ProductFactoring, FunderID: "factor", AssetID: linkfin.PayableID(w.id("inv-PO-1003"))})
	// 60 % of 200,000.00 = 120,000.00 now; due 2027-01-15, 74 days away (28 + 31 +
	// 15): interest 120,000.00 × 0.043 × 74 / 360 = 1,060.666… → 1,060.67.
	if fx.Quote.Face != 200_000_00 || fx.Quote.Price != 120_000_00 || fx.Interest != 1_060_67 {
		t.Fatalf("factoring quote %+v, interest %d, want 1,060.67", fx.Quote, fx.Interest)
	}
	w.made("FX-1", "fin", fx.ID)
	w.move("factor", "tier1", fx.Quote.Price)

	// Purchase-order financing: an advance before shipping, repaid from the payable.
	w.made("PO-1004", "po", must(anchor.CreatePurchaseOrder(ctx, client.PurchaseOrderIn{Number: "PO-1004", SellerID: "tier1", ProgramID: w.program, Currency: "CNY",
		Lines: []client.POLineIn{{LineID: "1", Item: "hub", Quantity: 300, Unit: "pc", UnitPrice: 1_000_00}}})).ID)
	must(tier1.AcceptPurchaseOrder(ctx, w.id("PO-1004")))
	pf := w.finance("tier1", client.FinancingIn{Product: linkfin.ProductPOFinancing, FunderID: "bank", AssetID: w.id("PO-1004")})
	if pf.Quote.Face != 300_000_00 || pf.Quote.Price != 180_000_00 {
		t.Fatalf("PO financing quote %+v", pf.Quote)
	}
	w.made("PF-1", "fin", pf.ID)
	w.move("bank", "tier1", pf.Quote.Price)
	w.order("anchor", "tier1", "PO-1004", 300, 1_000_00, "2027-01-20", true)
	if f := must(bank.GetFinancing(ctx, w.id("PF-1"))); f.PayableID != linkfin.PayableID(w.id("inv-PO-1004")) {
		t.Fatalf("PO financing after the invoice: %+v", f)
	}
	w.checkWallets("factoring and PO financing")

	// A supplier's cap across funders holds (Carillion): the request is refused, as
	// its acceptance would be.
	_, err = tier1.RequestFinancing(ctx, client.FinancingIn{Product: linkfin.ProductCertificateDiscounting, ProgramID: w.program, AssetID: w.id("C-1b2"), FunderID: "factor"})
	refused(t, "tier1 financing past its cap", err, http.StatusUnprocessableEntity, "exceeds_credits")

	// Distributor financing: the factor pays the anchor for the dealer's cars.
	w.made("DPO-1", "po", must(dealer.CreatePurchaseOrder(ctx, client.PurchaseOrderIn{Number: "DPO-1", SellerID: "anchor", ProgramID: w.program, Currency: "CNY",
		Lines: []client.POLineIn{{LineID: "1", Item: "sedan", Quantity: 2, Unit: "car", UnitPrice: 200_000_00}}})).ID)
	must(anchor.AcceptPurchaseOrder(ctx, w.id("DPO-1")))
	df := w.finance("dealer", client.FinancingIn{Product: linkfin.ProductDistributorFinancing, FunderID: "factor", AssetID: w.id("DPO-1")})
	// 400,000.00 for the program's 180 days at 4.3 %, to 2027-05-01, a Saturday: due
	// the Monday after, 182 days: 400,000.00 × 0.043 × 182 / 360 = 8,695.56.
	if df.PayeeID != "anchor" || df.Quote.Price != 400_000_00 || df.Interest != 8_695_56 || df.DueDate != date(t, "2027-05-03") {
		t.Fatalf("distributor quote %+v, want interest 8,695.56 due 2027-05-03", df)
	}
	w.made("DF-1", "fin", df.ID)
	w.move("factor", "anchor", df.Quote.Price)
	w.checkWallets("distributor financing")

	// Warehouse-receipt pledge: tier2 borrows against copper in the port's warehouse.
	must(w.op.MarkPrice(ctx, client.PriceMarkIn{Commodity: "copper", Currency: "CNY", Price: 60_000_00}))
	lot := client.WarehouseReceiptIn{Number: "WR-1", LotID: "LOT-7", OwnerID: "tier2", Commodity: "copper", Quantity: 40, Unit: "t"}
	w.made("WR-1", "wr", must(port.CreateWarehouseReceipt(ctx, lot)).ID)
	lot.Number = "WR-2"
	_, err = port.CreateWarehouseReceipt(ctx, lot)
	refused(t, "a second receipt for the same lot", err, http.StatusUnprocessableEntity, "lot_has_receipt")
	wl := w.finance("tier2", client.FinancingIn{Product: linkfin.ProductWarehousePledge, FunderID: "bank", AssetID: w.id("WR-1")})
	// 40 t × 60,000.00 = 2,400,000.00; 60 % = 1,440,000.00 lent; 180 days at 4.25 %,
	// to a Saturday, so 182 to the Monday: 1,440,000.00 × 0.0425 × 182 / 360 = 30,940.00.
	if wl.Quote.Price != 1_440_000_00 || wl.Interest != 30_940_00 {
		t.Fatalf("pledge quote %+v, interest %d, want 1,440,000.00 and 30,940.00", wl.Quote, wl.Interest)
	}
	w.made("WL-1", "fin", wl.ID)
	w.move("bank", "tier2", wl.Quote.Price)
	_, err = tier2.RequestFinancing(ctx, client.FinancingIn{Product: linkfin.ProductWarehousePledge, ProgramID: w.program, AssetID: w.id("WR-1"), FunderID: "factor"})
	refused(t, "the receipt pledged a second time", err, http.StatusUnprocessableEntity, "asset_financed")
	must(w.op.MarkPrice(ctx, client.PriceMarkIn{Commodity: "copper", Currency: "CNY", Price: 45_000_00}))
	if mark := must(tier2.GetPriceMark(ctx, "copper")); mark.Price != 45_000_00 {
		t.Fatalf("price mark %+v", mark)
	}
	if f := must(w.op.CheckMargin(ctx, w.id("WL-1"))); !f.MarginCall {
		t.Fatalf("no margin call at 45,000.00: %+v", f)
	}
	// The port's sensor on the lot signs its readings; unsigned or replayed, they are refused.
	_, sensorKey, _ := ed25519.GenerateKey(nil)
	sensor := must(port.RegisterDevice(ctx, client.DeviceIn{LotID: "LOT-7",
		PublicKey: base64.StdEncoding.EncodeToString(sensorKey.Public().(ed25519.PublicKey))}))
	_, err = port.ReportTelemetry(ctx, w.id("WR-1"), linkfin.Reading{Quantity: 38})
	refused(t, "an unsigned reading", err, http.StatusBadRequest, linkfin.ETELEMETRYUNSIGNED)
	reading := client.SignReading(sensorKey, sensor.ID, w.id("WR-1"), 1, srv.clock.Now(), 38)
	if r := must(port.ReportTelemetry(ctx, w.id("WR-1"), reading)); r.Status != linkfin.ReceiptFrozen || r.Observed != 38 || r.Reading.DeviceID != sensor.ID {
		t.Fatalf("receipt after 38 t of 40 t counted: %+v", r)
	}
	_, err = port.ReportTelemetry(ctx, w.id("WR-1"), reading)
	refused(t, "a replayed reading", err, http.StatusConflict, linkfin.ETELEMETRYREPLAYED)
	must(w.op.RecordInboundPayment(ctx, client.InboundPaymentIn{Rail: "bank", InstructionID: "tier2-interest", OrgID: "tier2", Currency: "CNY", Amount: wl.Interest}))
	w.wallet["tier2"] += wl.Interest
	_, err = bank.RepayFinancing(ctx, w.id("WL-1"))
	refused(t, "the funder repaying the borrower's loan", err, http.StatusForbidden, linkfin.EFORBIDDEN)
	if f := must(tier2.RepayFinancing(ctx, w.id("WL-1"))); f.Status != linkfin.FinancingSettled {
		t.Fatalf("repaid pledge %+v", f)
	}
	w.move("tier2", "bank", wl.Quote.Price+wl.Interest)
	// Repaid, the receipt backs nothing; counted short, it stays frozen until the
	// warehouse counts the lot whole.
	if r := must(tier2.GetWarehouseReceipt(ctx, w.id("WR-1"))); r.Status != linkfin.ReceiptFrozen || r.FinancingID != "" {
		t.Fatalf("receipt after repayment: %+v", r)
	}
	w.checkWallets("warehouse pledge")

	// Exposure: the anchor sees its whole program, a funder its own part.
	ex := must(anchor.Exposure(ctx))
	bx := must(bank.Exposure(ctx))
	if len(ex) != 1 || ex[0].AnchorID != "anchor" || ex[0].Total <= 0 || len(bx) != 1 || bx[0].Total != ex[0].ByFunder["bank"] || len(bx[0].ByFunder) != 1 {
		t.Fatalf("exposure: anchor %+v, bank %+v", ex, bx)
	}

	// Lists, page by page.
	invs := must(client.Collect(ctx, anchor.ListInvoices, &client.ListOptions{Limit: 2}))
	var ids []string
	for _, inv := range invs {
		ids = append(ids, inv.ID)
	}
	// In the order they were made: the platform's ids grow with time.
	if strings.Join(ids, ",") != strings.Join([]string{w.id("inv-0042"), w.id("inv-ubl"), w.id("inv-PO-1002"), w.id("inv-PO-1008"), w.id("inv-PO-1009"), w.id("inv-PO-1010"), w.id("inv-PO-1003"), w.id("inv-PO-1004")}, ",") {
		t.Fatalf("anchor's invoices: %v", ids)
	}
	n := 0
	for _, err := range client.All(ctx, anchor.ListInvoices, &client.ListOptions{Limit: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 2 {
			break
		}
	}
	if dpo := must(client.Collect(ctx, anchor.ListPurchaseOrders, &client.ListOptions{Counterparty: "dealer"})); len(dpo) != 1 || dpo[0].ID != w.id("DPO-1") {
		t.Fatalf("the anchor's orders with the dealer: %+v", dpo)
	}
	if held := must(client.Collect(ctx, tier3.ListCertificates, &client.ListOptions{Status: "active"})); len(held) != 1 || held[0].ID != w.id("C-1b1a") {
		t.Fatalf("tier3's active pieces: %+v", held)
	}
	if fins := must(client.Collect(ctx, bank.ListFinancings, nil)); len(fins) != 3 {
		t.Fatalf("the bank's financings: %d", len(fins))
	}

	// Maturity: the anchor pays once; every holder of every piece gets its face.
	srv.clock.Advance(maturity.Time(time.UTC).Sub(today.Time(time.UTC)))
	must(w.op.RecordInboundPayment(ctx, client.InboundPaymentIn{Rail: "bank", InstructionID: "maturity-anchor", OrgID: "anchor", Currency: "CNY", Amount: 2_760_000_00}))
	w.wallet["anchor"] += 2_760_000_00
	// Collected on 2027-01-29. The factoring keeps its quoted interest, 1,060.67: the
	// reserve is 200,000.00 − 120,000.00 − 1,060.67 = 78,939.33. The PO advance pays
	// interest from the advance to the collection, 88 days at the bank's 4.25 %:
	// 180,000.00 × 0.0425 × 88 / 360 = 1,870.00; reserve 300,000.00 − 180,000.00 −
	// 1,870.00 = 118,130.00.
	for _, c := range []struct {
		id, funder              string
		owed, interest, reserve int64
	}{{"FX-1", "factor", 200_000_00, 1_060_67, 78_939_33}, {"PF-1", "bank", 300_000_00, 1_870_00, 118_130_00}} {
		f := must(w.op.CloseFinancing(ctx, w.id(c.id)))
		if f.Status != linkfin.FinancingSettled || f.Interest != c.interest {
			t.Fatalf("%s collected: %+v, want interest %d", c.id, f, c.interest)
		}
		w.move("anchor", c.funder, c.owed)
		w.move(c.funder, "tier1", c.reserve)
	}
	must(w.op.RecordInboundPayment(ctx, client.InboundPaymentIn{Rail: "ecny", InstructionID: "dealer-sales", OrgID: "dealer", Currency: "CNY",
		Amount: df.Quote.Price + df.Interest}))
	w.wallet["dealer"] += df.Quote.Price + df.Interest
	if f := must(dealer.RepayFinancing(ctx, w.id("DF-1"))); f.Status != linkfin.FinancingSettled {
		t.Fatalf("distributor loan %+v", f)
	}
	w.move("dealer", "factor", df.Quote.Price+df.Interest)
	w.checkWallets("collections")

	res := must(w.op.RunSettlement(ctx, client.SettlementIn{ProgramID: w.program, Date: maturity}))
	slices.Sort(res.Paid)
	paid := []string{w.id("C-1a"), w.id("C-1b1a"), w.id("C-1b1b"), w.id("C-1b2")}
	slices.Sort(paid)
	if strings.Join(res.Paid, ",") != strings.Join(paid, ",") || res.PaidTotal != 2_260_000_00 || len(res.Overdue) != 0 {
		t.Fatalf("settlement %+v", res)
	}
	w.move("anchor", "bank", 1_260_000_00)
	w.move("anchor", "tier3", 200_000_00)
	w.move("anchor", "factor", 400_000_00)
	w.move("anchor", "tier1", 400_000_00)
	w.checkWallets("settlement")
	res = must(w.op.RunSettlement(ctx, client.SettlementIn{ProgramID: w.program, Date: maturity}))
	if len(res.Paid) != 0 || res.PaidTotal != 0 {
		t.Fatalf("second settlement run %+v", res)
	}
	w.checkWallets("second settlement run")
	f1 := must(bank.GetFinancing(ctx, w.id("F-1")))
	if f1.Status != linkfin.FinancingSettled || !f1.Decision.IsSummary() {
		t.Fatalf("F-1 after settlement: %+v", f1)
	}
	if d := must(bank.FinancingDecision(ctx, w.id("F-1"))); d.IsSummary() || d.Grade != f1.Decision.Grade || d.Reasons == nil {
		t.Fatalf("F-1's decision %+v; it keeps %+v", d, f1.Decision)
	}

	// A withdrawal, retried, pays out once.
	var wm client.Meta
	wctx := client.WithIdempotencyKey(ctx, "tier3-out-1")
	wd := client.WithdrawalIn{Rail: "ecny", InstructionID: "out-1", Currency: "CNY", Amount: 50_000_00}
	must(tier3.Withdraw(wctx, wd))
	must(tier3.Withdraw(client.WithMeta(wctx, &wm), wd))
	if !wm.IdempotencyHit {
		t.Fatalf("the retried withdrawal: %+v", wm)
	}
	w.wallet["tier3"] -= 50_000_00
	w.checkWallets("withdrawal")
	ts := must(tier3.ListTransfers(ctx, linkfin.WalletID("tier3", "CNY"), nil))
	if len(ts.Data) != 2 || ts.Data[0].Amount != 50_000_00 || ts.Data[1].Amount != 200_000_00 {
		t.Fatalf("tier3's transfers %+v", ts.Data)
	}
	_, err = tier3.GetAccount(ctx, linkfin.WalletID("anchor", "CNY"))
	refused(t, "another organization's wallet", err, http.StatusNotFound, linkfin.ENOTFOUND)

	// Audit: the trial balance balances, and the log verifies end to end.
	var tb linkfin.TrialBalance
	if err := w.op.Do(ctx, http.MethodGet, "/v1/ledger/trial-balance", nil, &tb); err != nil || !tb.Balanced {
		t.Fatalf("trial balance %+v, %v", tb, err)
	}
	cals := must(tier3.Calendars(ctx))
	if len(cals) != 2 || cals[0].Name != "CN" || !slices.Contains(cals[0].HolidayYears, 2026) || !cals[1].WeekendOnly {
		t.Fatalf("calendars %+v", cals)
	}
	cp := must(tier3.Checkpoint(ctx))
	rep, err := audit.Verify(ctx, srv.store, srv.verif, "linkfin")
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Events < cp.Size || cp.Size == 0 || !strings.HasPrefix(cp.Note, "linkfin\n") {
		t.Fatalf("verify: %+v, checkpoint %+v", rep, cp)
	}
}

// TestRequests checks what the client sends and how it reads answers, against a
// stand-in server.
func TestRequests(t *testing.T) {
	defer stop(t)
	var seen []*http.Request
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r)
		switch r.URL.Path {
		case "/v1/invoices/bad/approve":
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"type":"https://linkfin.dev/problems/forbidden","title":"Forbidden","status":403,"detail":"only the buyer approves","code":"forbidden"}`)
		case "/v1/invoices/proxy":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, "<html>bad gateway</html>")
		case "/v1/invoices":
			w.Header().Set("Content-Type", "application/json")
			if r.URL.Query().Get("after") == "" {
				fmt.Fprint(w, `{"data":[{"id":"a"},{"id":"b"}],"next_cursor":"b"}`)
			} else {
				fmt.Fprint(w, `{"data":[{"id":"c"}]}`)
			}
		default:
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Idempotency-Hit", "true")
			fmt.Fprint(w, `{"id":"x"}`)
		}
	})
	ts := httptest.NewServer(h)
	defer ts.Close()
	c := client.New(ts.URL+"/", "lfk_k_secret")
	ctx := context.Background()

	_, err := c.ApproveInvoice(ctx, "bad")
	refused(t, "a problem", err, http.StatusForbidden, linkfin.EFORBIDDEN)
	if got := err.Error(); got != "forbidden: only the buyer approves (HTTP 403)" {
		t.Fatalf("error text %q", got)
	}
	_, err = c.GetInvoice(ctx, "proxy")
	var ce *client.Error
	if !errors.As(err, &ce) || ce.Status != http.StatusBadGateway || ce.Code != client.EUNEXPECTED || ce.Detail != "<html>bad gateway</html>" {
		t.Fatalf("a proxy's page: %#v", err)
	}
	var m client.Meta
	must(c.ApproveInvoice(client.WithMeta(ctx, &m), "a/b"))
	must(c.ApproveInvoice(ctx, "a/b"))
	must(c.ApproveInvoice(client.WithIdempotencyKey(ctx, "mine"), "x"))
	must(c.CreateInvoiceUBL(ctx, []byte("<Invoice/>"), "po 1", "anchor"))
	invs := must(client.Collect(ctx, c.ListInvoices, &client.ListOptions{Limit: 2, Status: "approved", From: date(t, "2026-11-02")}))
	if len(invs) != 3 || invs[2].ID != "c" {
		t.Fatalf("collected %+v", invs)
	}

	if !m.IdempotencyHit || m.Status != http.StatusOK || len(m.IdempotencyKey) < 16 {
		t.Fatalf("meta %+v", m)
	}
	for i, r := range seen {
		if r.Header.Get("Authorization") != "Bearer lfk_k_secret" {
			t.Errorf("request %d: Authorization %q", i, r.Header.Get("Authorization"))
		}
		if (r.Method == http.MethodPost) != (r.Header.Get("Idempotency-Key") != "") {
			t.Errorf("request %d: %s with Idempotency-Key %q", i, r.Method, r.Header.Get("Idempotency-Key"))
		}
	}
	if seen[2].URL.EscapedPath() != "/v1/invoices/a%2Fb/approve" {
		t.Errorf("escaped path %q", seen[2].URL.EscapedPath())
	}
	if k1, k2 := seen[2].Header.Get("Idempotency-Key"), seen[3].Header.Get("Idempotency-Key"); k1 == k2 {
		t.Errorf("two calls share the key %q", k1)
	}
	if k := seen[4].Header.Get("Idempotency-Key"); k != "mine" {
		t.Errorf("the caller's key: %q", k)
	}
	if r := seen[5]; r.Header.Get("Content-Type") != "application/xml" || r.URL.RawQuery != "buyer_id=anchor&po_id=po+1" {
		t.Errorf("UBL request: %s ?%s", r.Header.Get("Content-Type"), r.URL.RawQuery)
	}
	if q := seen[6].URL.Query(); q.Get("limit") != "2" || q.Get("status") != "approved" || q.Get("from") != "2026-11-02" || q.Has("to") || q.Has("after") {
		t.Errorf("first page query %v", q)
	}
	if q := seen[7].URL.Query(); q.Get("after") != "b" || q.Get("status") != "approved" {
		t.Errorf("second page query %v", q)
	}
}

// TestListLimitSent: a list's Limit is sent as given, but 0 (the server's default):
// a negative one is refused by the server (400 invalid) as one over 1000 is, rather
// than left out and answered with the default page.
func TestListLimitSent(t *testing.T) {
	var got []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.URL.RawQuery)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"data":[]}`)
	}))
	defer ts.Close()
	c := client.New(ts.URL, "lfk_k_secret")
	for _, limit := range []int{0, 5, -5, 5000} {
		must(c.ListInvoices(context.Background(), &client.ListOptions{Limit: limit}))
	}
	if want := []string{"", "limit=5", "limit=-5", "limit=5000"}; !slices.Equal(got, want) {
		t.Fatalf("queries %q, want %q", got, want)
	}
}

// TestNilHTTPClient: WithHTTPClient(nil) keeps the client's own, rather than leaving
// none and panicking at the first request.
func TestNilHTTPClient(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":"acme"}`)
	}))
	defer ts.Close()
	c := client.New(ts.URL, "lfk_k_secret", client.WithHTTPClient(nil))
	if o := must(c.GetOrganization(context.Background(), "acme")); o.ID != "acme" {
		t.Fatalf("got %+v", o)
	}
}

// TestNoAnswer: a request that gets no answer carries the code no_answer, not the
// server's internal, with the transport's error and, for a POST, the key to send it
// again under.
func TestNoAnswer(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	base := ts.URL
	ts.Close() // nothing listens there now
	c := client.New(base, "lfk_k_secret")
	_, err := c.GetOrganization(context.Background(), "acme")
	var na *client.NoAnswerError
	var ue *url.Error
	if linkfin.ErrorCode(err) != client.ENOANSWER || !errors.As(err, &na) || !errors.As(err, &ue) || na.Method != "GET" || na.IdempotencyKey != "" {
		t.Fatalf("GET to no server: %v (code %s)", err, linkfin.ErrorCode(err))
	}
	_, err = c.ApproveInvoice(client.WithIdempotencyKey(context.Background(), "retry-me"), "inv-1")
	if !errors.As(err, &na) || na.Method != "POST" || na.IdempotencyKey != "retry-me" || linkfin.ErrorCode(err) != client.ENOANSWER {
		t.Fatalf("POST to no server: %#v", err)
	}
	// A context the caller ended is said as that.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.GetOrganization(ctx, "acme"); !errors.Is(err, context.Canceled) || errors.As(err, &na) {
		t.Fatalf("a canceled request: %v", err)
	}
}

// TestCreateInvoiceUBLLeavesOutEmpty: an e-invoice sent without its order or buyer
// leaves that parameter out of the query, which the server refuses given empty, so
// that the document names them itself.
func TestCreateInvoiceUBLLeavesOutEmpty(t *testing.T) {
	var queries []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		queries = append(queries, r.URL.RawQuery)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"id":"inv-1"}`))
	}))
	defer ts.Close()
	c := client.New(ts.URL, "lfk_k_secret")
	for _, ids := range [][2]string{{"", ""}, {"po-1", ""}, {"", "anchor"}} {
		if _, err := c.CreateInvoiceUBL(context.Background(), []byte("<Invoice/>"), ids[0], ids[1]); err != nil {
			t.Fatal(err)
		}
	}
	if want := []string{"", "po_id=po-1", "buyer_id=anchor"}; !slices.Equal(queries, want) {
		t.Fatalf("queries %q, want %q", queries, want)
	}
}
