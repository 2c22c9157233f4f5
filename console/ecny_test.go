package console

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"linkfin"
	"linkfin/postgres"
	"linkfin/postgres/pgtest"
	"linkfin/services"
	"linkfin/sqlite/sqlitetest"
)

var walletIDs = regexp.MustCompile(`<h2 id="wallet-(ew_[0-9a-z]+)">`)

// TestECNYWallets: an admin opens an e-CNY wallet from the console, tops it up from its
// platform wallet and pays another organization's wallet; a payment past the class's
// single-payment limit is refused with its code and moves nothing; the page shows what
// the wallet holds and paid today against its limits; a viewer changes nothing.
func TestECNYWallets(t *testing.T) {
	s := newSite(t)
	s.run(&services.RecordInboundPayment{Rail: "bank", InstructionID: "tier1-cash", OrgID: "tier1", Currency: "CNY", Amount: 10_000_00})
	var payee linkfin.ECNYWallet
	if err := s.e.Run(t.Context(), &services.OpenECNYWallet{Actor: "tier2", OrgID: "tier2"}, &payee); err != nil {
		t.Fatal(err)
	}

	tier1 := s.as("tier1", linkfin.RoleAdmin)
	_, page := tier1.get("/ecny")
	if code, body := tier1.post("/ecny/open", url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}}); code != http.StatusSeeOther {
		t.Fatalf("opening a wallet: %d\n%s", code, body)
	}
	_, page = tier1.get("/ecny")
	m := walletIDs.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no wallet on the page:\n%s", page)
	}
	id := m[1]
	form := func(extra url.Values) url.Values {
		f := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {randomToken()}}
		for k, v := range extra {
			f[k] = v
		}
		return f
	}
	if code, body := tier1.post("/ecny/"+id+"/top-up", form(url.Values{"amount": {"800.00"}})); code != http.StatusSeeOther {
		t.Fatalf("top-up: %d\n%s", code, body)
	}
	code, body := tier1.post("/ecny/"+id+"/pay", form(url.Values{"to": {payee.ID}, "amount": {"500.01"}}))
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "<code>wallet_payment_limit</code>") {
		t.Fatalf("a payment past the single-payment limit: %d\n%s", code, body)
	}
	if code, body := tier1.post("/ecny/"+id+"/pay", form(url.Values{"to": {payee.ID}, "amount": {"200.00"}})); code != http.StatusSeeOther {
		t.Fatalf("a payment: %d\n%s", code, body)
	}
	_, page = tier1.get("/ecny")
	for _, want := range []string{`id="balance-` + id + `">CNY 600.00 / CNY 1,000.00<`, `id="today-` + id + `">CNY 200.00 / CNY 1,000.00<`,
		`id="year-` + id + `">CNY 200.00 / CNY 10,000.00<`} {
		if !strings.Contains(page, want) {
			t.Fatalf("the wallet page has no %s:\n%s", want, page)
		}
	}
	if strings.Contains(page, payee.ID+`">`) {
		t.Fatalf("tier1 sees tier2's wallet:\n%s", page)
	}
	// tier1 designates its wallet for the e-CNY rail; tier2's cannot be designated.
	if strings.Contains(page, `id="designated-`) || !strings.Contains(page, `action="/ecny/`+id+`/designate"`) {
		t.Fatalf("before designation:\n%s", page)
	}
	if code, _ := tier1.post("/ecny/"+payee.ID+"/designate", form(nil)); code != http.StatusNotFound {
		t.Fatalf("designating another's wallet: %d, want 404", code)
	}
	if code, body := tier1.post("/ecny/"+id+"/designate", form(nil)); code != http.StatusSeeOther {
		t.Fatalf("designating: %d\n%s", code, body)
	}
	_, page = tier1.get("/ecny")
	if !strings.Contains(page, `id="designated-`+id+`"`) || strings.Contains(page, `action="/ecny/`+id+`/designate"`) {
		t.Fatalf("after designation:\n%s", page)
	}
	var org linkfin.Organization
	if o, err := s.e.Records().Object(t.Context(), linkfin.KindOrganization, "tier1"); err != nil || json.Unmarshal(o.Data, &org) != nil || org.ECNYWalletID != id {
		t.Fatalf("tier1's designated wallet: %+v, %v", org, err)
	}

	viewer := s.as("tier1", linkfin.RoleViewer)
	_, vpage := viewer.get("/ecny")
	if strings.Contains(vpage, `action="/ecny/`) {
		t.Fatalf("a viewer is offered forms:\n%s", vpage)
	}
	if code, _ := viewer.post("/ecny/"+id+"/designate", url.Values{"csrf": {hidden(vpage, "csrf")}}); code != http.StatusForbidden {
		t.Fatalf("a viewer designating: %d, want 403", code)
	}
	if code, _ := viewer.post("/ecny/"+id+"/pay", url.Values{"csrf": {hidden(vpage, "csrf")}, "to": {payee.ID}, "amount": {"1.00"}}); code != http.StatusForbidden {
		t.Fatalf("a viewer paying: %d, want 403", code)
	}
}

// TestECNYSettlementRefused: the operator settles a program on the e-CNY rail whose
// anchor designated no wallet: the run pays nothing, and the page lists the piece with
// the refusal's code and its words.
func TestECNYSettlementRefused(t *testing.T) {
	s := newSite(t)
	apr, _ := linkfin.ParseRate("0.6")
	s.run(&services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: "ecny-scf", Name: "e-CNY settlement", Currency: "CNY",
		Limit: 1_000_000_00, Products: []linkfin.Product{linkfin.ProductCertificateDiscounting}, MaxTenorDays: 180, AdvanceRate: apr,
		DayCount: linkfin.ACT360, Calendar: "CN", SettlementRail: linkfin.RailECNY}})
	due := linkfin.BusinessDate(s.clock.Now()).AddDays(30)
	s.run(&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "PO-E", Number: "PO-E", SellerID: "tier1", ProgramID: "ecny-scf",
		Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "wiper", Quantity: 10, Unit: "EA", UnitPrice: 100_00}}}})
	s.run(&services.AcceptPurchaseOrder{Actor: "tier1", ID: "PO-E"})
	s.run(&services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "GR-E", POID: "PO-E", Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: 10}}}})
	s.run(&services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-e", Number: "INV-E", BuyerID: "anchor", POID: "PO-E", Currency: "CNY",
		IssueDate: linkfin.BusinessDate(s.clock.Now()), DueDate: due, Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: 10, UnitPrice: 100_00, Amount: 1_000_00}},
		Total: 1_000_00}})
	s.run(&services.ApproveInvoice{Actor: "anchor", ID: "inv-e"})
	var c linkfin.Certificate
	json.Unmarshal(s.run(&services.IssueCertificate{Actor: "anchor", ID: "C-E", ProgramID: "ecny-scf", PayableIDs: []string{linkfin.PayableID("inv-e")}}), &c)
	s.clock.Advance(c.Maturity.Time(time.UTC).Sub(s.clock.Now()) + time.Hour)
	op := s.as("", linkfin.RoleOperator)
	_, page := op.get("/settlements")
	code, page := op.post("/settlements/run", url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {"run-e"}, "program": {"ecny-scf"},
		"date": {c.Maturity.String()}})
	if code != http.StatusOK || !strings.Contains(page, "1 refused on the e-CNY rail") || !strings.Contains(page, `id="refused-C-E"`) ||
		!strings.Contains(page, "<code>ecny_wallet_not_designated</code> "+codeMessages[linkfin.ENOECNYWALLET].en) {
		t.Fatalf("the run: %d\n%s", code, page)
	}
	if s.piece("C-E").Status != linkfin.CertificateActive {
		t.Fatalf("C-E is %s", s.piece("C-E").Status)
	}
}

// ecnyFixture gives the site e-CNY wallets of every kind: a corporate wallet of
// tier1's, opened by the operator and topped up with 1,000.00, with a sub-wallet it
// delegates 500.00 / 100.00 / 200.00 / 1,000.00 to; and a personal wallet of tier2's,
// class IV, with an identity document recorded. The crawls reach their pages.
func ecnyFixture(s *site) (corporate, sub, personal linkfin.ECNYWallet) {
	s.t.Helper()
	json.Unmarshal(s.run(&services.OpenECNYWallet{OrgID: "tier1", In: linkfin.ECNYWalletIn{Limits: &linkfin.WalletLimits{
		Balance: 50_000_00, Payment: 10_000_00, Daily: 20_000_00, Yearly: 100_000_00}}}), &corporate)
	s.run(&services.RecordInboundPayment{Rail: "bank", InstructionID: "tier1-ecny", OrgID: "tier1", Currency: "CNY", Amount: 1_000_00})
	s.run(&services.MoveECNY{Actor: "tier1", ID: corporate.ID, Op: "top-up", Amount: 1_000_00})
	json.Unmarshal(s.run(&services.OpenECNYWallet{Actor: "tier1", OrgID: "tier1", In: linkfin.ECNYWalletIn{ParentID: corporate.ID,
		Limits: &linkfin.WalletLimits{Balance: 500_00, Payment: 100_00, Daily: 200_00, Yearly: 1_000_00}}}), &sub)
	json.Unmarshal(s.run(&services.OpenECNYWallet{Actor: "tier2", OrgID: "tier2"}), &personal)
	s.run(&services.RecordECNYEvidence{ID: personal.ID, Evidence: linkfin.ECNYEvidenceIn{Kind: linkfin.EvidenceIdentity, Reference: "ID 3301"}})
	return corporate, sub, personal
}

var subWalletIDs = regexp.MustCompile(`<tr id="sub-(ew_[0-9a-z]+)">`)

// TestECNYWalletPage: a wallet's page shows its class, its limits and what it has paid
// today and this year; the operator records its owner's identity evidence there and the
// owner raises its class, refused with the API's code and message until the evidence is
// recorded. A corporate wallet's page lists its sub-wallets with their delegated limits;
// its admin opens one there (refused past the parent's limits) and funds it from the
// parent (refused past the sub-wallet's balance limit). A viewer is offered no form and
// changes nothing; another organization finds no such page.
func TestECNYWalletPage(t *testing.T) {
	for _, store := range []struct {
		name string
		open func(*testing.T) linkfin.Store
	}{{"sqlite", func(t *testing.T) linkfin.Store { return sqlitetest.Open(t) }}, {"postgres", openPostgres}} {
		t.Run(store.name, func(t *testing.T) { testECNYWalletPage(t, newSiteOn(t, store.open(t))) })
	}
}

// openPostgres opens a schema of its own on the server of LINKFIN_TEST_POSTGRES_URL,
// dropped when the test ends; without one the test is skipped.
func openPostgres(t *testing.T) linkfin.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), pgtest.Schema(t, pgtest.Skip(t)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return s
}

func testECNYWalletPage(t *testing.T, s *site) {
	corporate, _, _ := ecnyFixture(s)
	var personal linkfin.ECNYWallet
	json.Unmarshal(s.run(&services.OpenECNYWallet{Actor: "tier1", OrgID: "tier1"}), &personal)

	tier1 := s.as("tier1", linkfin.RoleAdmin)
	op := s.as("", linkfin.RoleOperator)
	_, page := tier1.get("/ecny")
	if !strings.Contains(page, `<a href="/ecny/`+personal.ID+`">`) || !strings.Contains(page, `<a href="/ecny/`+corporate.ID+`">`) {
		t.Fatalf("the wallets page links to no wallet's page:\n%s", page)
	}
	form := func(page string, extra url.Values) url.Values {
		f := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {randomToken()}}
		for k, v := range extra {
			f[k] = v
		}
		return f
	}

	// A personal wallet: class IV, its limits, and the classes it may rise to.
	_, page = tier1.get("/ecny/" + personal.ID)
	for _, want := range []string{`id="kind">Personal, class 4<`, `id="balance">CNY 0.00 / CNY 1,000.00<`, `id="payment">CNY 500.00<`,
		`id="today">CNY 0.00 / CNY 1,000.00<`, `id="year">CNY 0.00 / CNY 10,000.00<`, `id="needs-3">Class 3 needs: Identity document<`,
		`action="/ecny/` + personal.ID + `/class"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("the personal wallet's page has no %s:\n%s", want, page)
		}
	}
	if strings.Contains(page, "/evidence\"") || strings.Contains(page, "/sub-wallets\"") {
		t.Fatalf("the owner is offered the operator's or a corporate wallet's forms:\n%s", page)
	}
	code, body := tier1.post("/ecny/"+personal.ID+"/class", form(page, url.Values{"class": {"3"}}))
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "<code>identity_evidence_required</code>") ||
		!strings.Contains(body, "class 3 needs recorded identity evidence") {
		t.Fatalf("a class raised without evidence: %d\n%s", code, body)
	}
	if code, _ := tier1.post("/ecny/"+personal.ID+"/evidence", form(page, url.Values{"kind": {"identity_document"}, "reference": {"mine"}})); code != http.StatusForbidden {
		t.Fatalf("the owner recording its own evidence: %d, want 403", code)
	}
	// The operator records the identity document; the owner raises the class to III.
	_, opPage := op.get("/ecny/" + personal.ID)
	if !strings.Contains(opPage, `action="/ecny/`+personal.ID+`/evidence"`) || strings.Contains(opPage, "/class\"") {
		t.Fatalf("the operator's forms:\n%s", opPage)
	}
	if code, body := op.post("/ecny/"+personal.ID+"/evidence", form(opPage, url.Values{"kind": {"identity_document"}, "reference": {"ID 1101"}})); code != http.StatusSeeOther {
		t.Fatalf("recording evidence: %d\n%s", code, body)
	}
	_, page = tier1.get("/ecny/" + personal.ID)
	if !strings.Contains(page, `<tr id="evidence-identity_document"><td>Identity document</td><td>ID 1101</td>`) {
		t.Fatalf("the evidence recorded is not shown:\n%s", page)
	}
	if code, body := tier1.post("/ecny/"+personal.ID+"/class", form(page, url.Values{"class": {"3"}})); code != http.StatusSeeOther {
		t.Fatalf("raising the class: %d\n%s", code, body)
	}
	_, page = tier1.get("/ecny/" + personal.ID)
	if !strings.Contains(page, `id="kind">Personal, class 3<`) || !strings.Contains(page, `id="balance">CNY 0.00 / CNY 2,000.00<`) {
		t.Fatalf("after the raise:\n%s", page)
	}

	// A corporate wallet: its sub-wallet, with the limits it delegated.
	_, page = tier1.get("/ecny/" + corporate.ID)
	subs := subWalletIDs.FindAllStringSubmatch(page, -1)
	if !strings.Contains(page, `id="kind">Corporate<`) || len(subs) != 1 {
		t.Fatalf("the corporate wallet's page:\n%s", page)
	}
	first := subs[0][1]
	for _, want := range []string{`id="sub-balance-` + first + `">CNY 0.00 / CNY 500.00<`, `id="sub-payment-` + first + `">CNY 100.00<`,
		`id="sub-today-` + first + `">CNY 0.00 / CNY 200.00<`, `id="sub-year-` + first + `">CNY 0.00 / CNY 1,000.00<`} {
		if !strings.Contains(page, want) {
			t.Fatalf("the corporate wallet's page has no %s:\n%s", want, page)
		}
	}
	limits := func(balance string) url.Values {
		return url.Values{"balance": {balance}, "payment": {"50.00"}, "daily": {"100.00"}, "yearly": {"300.00"}}
	}
	code, body = tier1.post("/ecny/"+corporate.ID+"/sub-wallets", form(page, limits("50,000.01")))
	if code != http.StatusBadRequest && code != http.StatusUnprocessableEntity || !strings.Contains(body, "<code>invalid</code>") ||
		!strings.Contains(body, "within its parent") {
		t.Fatalf("a sub-wallet past its parent's limits: %d\n%s", code, body)
	}
	if code, body := tier1.post("/ecny/"+corporate.ID+"/sub-wallets", form(page, limits("300.00"))); code != http.StatusSeeOther {
		t.Fatalf("opening a sub-wallet: %d\n%s", code, body)
	}
	_, page = tier1.get("/ecny/" + corporate.ID)
	var second string
	for _, m := range subWalletIDs.FindAllStringSubmatch(page, -1) {
		if m[1] != first {
			second = m[1]
		}
	}
	if second == "" || !strings.Contains(page, `id="sub-balance-`+second+`">CNY 0.00 / CNY 300.00<`) || !strings.Contains(page, `id="sub-payment-`+second+`">CNY 50.00<`) {
		t.Fatalf("the new sub-wallet:\n%s", page)
	}
	// Funded from the parent, up to its balance limit.
	code, body = tier1.post("/ecny/"+second+"/fund", form(page, url.Values{"amount": {"300.01"}}))
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "<code>wallet_balance_limit</code>") || !strings.Contains(body, "may hold 300.00 CNY more") {
		t.Fatalf("funding past the sub-wallet's balance limit: %d\n%s", code, body)
	}
	if code, body := tier1.post("/ecny/"+second+"/fund", form(page, url.Values{"amount": {"250.00"}})); code != http.StatusSeeOther {
		t.Fatalf("funding: %d\n%s", code, body)
	}
	_, page = tier1.get("/ecny/" + corporate.ID)
	if !strings.Contains(page, `id="sub-balance-`+second+`">CNY 250.00 / CNY 300.00<`) || !strings.Contains(page, `id="balance">CNY 750.00 / CNY 50,000.00<`) {
		t.Fatalf("after funding:\n%s", page)
	}
	_, page = tier1.get("/ecny/" + second)
	if !strings.Contains(page, `href="/ecny/`+corporate.ID+`"`) || !strings.Contains(page, `id="balance">CNY 250.00 / CNY 300.00<`) {
		t.Fatalf("the sub-wallet's page:\n%s", page)
	}

	// Finance funds but opens no wallet; a viewer does nothing; another organization
	// finds no such page.
	_, page = s.as("tier1", linkfin.RoleFinance).get("/ecny/" + corporate.ID)
	if !strings.Contains(page, `action="/ecny/`+second+`/fund"`) || strings.Contains(page, "/sub-wallets\"") {
		t.Fatalf("finance's forms:\n%s", page)
	}
	viewer := s.as("tier1", linkfin.RoleViewer)
	_, vpage := viewer.get("/ecny/" + corporate.ID)
	if strings.Contains(vpage, `<form method="post" action="/ecny/`) || !strings.Contains(vpage, `id="sub-`+second+`"`) {
		t.Fatalf("a viewer's page:\n%s", vpage)
	}
	if code, _ := viewer.post("/ecny/"+second+"/fund", form(vpage, url.Values{"amount": {"1.00"}})); code != http.StatusForbidden {
		t.Fatalf("a viewer funding: %d, want 403", code)
	}
	if code, _ := viewer.post("/ecny/"+corporate.ID+"/sub-wallets", form(vpage, limits("1.00"))); code != http.StatusForbidden {
		t.Fatalf("a viewer opening a sub-wallet: %d, want 403", code)
	}
	for _, id := range []string{corporate.ID, second, personal.ID} {
		if code, _ := s.as("tier2", linkfin.RoleAdmin).get("/ecny/" + id); code != http.StatusNotFound {
			t.Fatalf("tier2 reads tier1's wallet %s: %d", id, code)
		}
	}
	tier2 := s.as("tier2", linkfin.RoleAdmin)
	_, page = tier2.get("/ecny")
	if code, _ := tier2.post("/ecny/"+second+"/fund", form(page, url.Values{"amount": {"1.00"}})); code != http.StatusNotFound {
		t.Fatalf("tier2 funding tier1's sub-wallet: %d, want 404", code)
	}
	if code, _ := tier2.post("/ecny/"+corporate.ID+"/sub-wallets", form(page, limits("1.00"))); code != http.StatusNotFound {
		t.Fatalf("tier2 opening a sub-wallet of tier1's: %d, want 404", code)
	}
}

// TestEarlyPaymentOfferInECNY: an early payment offered to the supplier is taken from
// its confirmation on the e-CNY rail too, as the API's POST /v1/offers/take with
// "rail": "ecny": refused with the rail's code while the supplier has designated no
// wallet, then paid from the anchor's designated wallet into the supplier's.
func TestEarlyPaymentOfferInECNY(t *testing.T) {
	s := newSite(t)
	s.run(&services.ApproveInvoice{Actor: "anchor", ID: "inv-1"})
	corporate := func(org string) linkfin.ECNYWallet {
		var w linkfin.ECNYWallet
		json.Unmarshal(s.run(&services.OpenECNYWallet{OrgID: org, In: linkfin.ECNYWalletIn{Limits: &linkfin.WalletLimits{
			Balance: 1_000_000_00, Payment: 200_000_00, Daily: 200_000_00, Yearly: 1_000_000_00}}}), &w)
		return w
	}
	anchorW, tier1W := corporate("anchor"), corporate("tier1")
	s.run(&services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-ecny", OrgID: "anchor", Currency: "CNY", Amount: 100_000_00})
	s.run(&services.MoveECNY{Actor: "anchor", ID: anchorW.ID, Op: "top-up", Amount: 100_000_00})
	s.run(&services.DesignateECNYWallet{Actor: "anchor", OrgID: "anchor", WalletID: anchorW.ID})

	tier1 := s.as("tier1", linkfin.RoleFinance)
	pay := linkfin.PayableID("inv-1")
	code, page := tier1.get("/offers/confirm?asset=" + pay + "&product=dynamic_discounting&funder=anchor")
	if code != http.StatusOK || !strings.Contains(page, `name="rail" value="ecny"`) {
		t.Fatalf("the early payment's confirmation offers no e-CNY: %d\n%s", code, page)
	}
	take := func() (int, string) {
		form := url.Values{"rail": {"ecny"}, "idempotency_key": {randomToken()}}
		for _, f := range []string{"csrf", "product", "asset", "program", "funder", "price"} {
			form.Set(f, hidden(page, f))
		}
		return tier1.post("/offers/take", form)
	}
	if code, body := take(); code != http.StatusUnprocessableEntity || !strings.Contains(body, "<code>ecny_wallet_not_designated</code>") {
		t.Fatalf("taken before tier1 designated a wallet: %d\n%s", code, body)
	}
	s.run(&services.DesignateECNYWallet{Actor: "tier1", OrgID: "tier1", WalletID: tier1W.ID})
	if code, body := take(); code != http.StatusSeeOther {
		t.Fatalf("taken on the e-CNY rail: %d\n%s", code, body)
	}
	price, _ := strconv.ParseInt(hidden(page, "price"), 10, 64)
	out, err := services.ReadECNYWallet(t.Context(), s.store, s.e, linkfin.Viewer{Org: "tier1"}, tier1W.ID, linkfin.BusinessDate(s.clock.Now()))
	if err != nil || out.Balance != price || price <= 0 {
		t.Fatalf("tier1's e-CNY wallet: %+v, %v; the price %d", out, err, price)
	}
}
