package console

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
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
	due := linkfin.DateOf(s.clock.Now()).AddDays(30)
	s.run(&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "PO-E", Number: "PO-E", SellerID: "tier1", ProgramID: "ecny-scf",
		Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "wiper", Quantity: 10, Unit: "EA", UnitPrice: 100_00}}}})
	s.run(&services.AcceptPurchaseOrder{Actor: "tier1", ID: "PO-E"})
	s.run(&services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "GR-E", POID: "PO-E", Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: 10}}}})
	s.run(&services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-e", Number: "INV-E", BuyerID: "anchor", POID: "PO-E", Currency: "CNY",
		IssueDate: linkfin.DateOf(s.clock.Now()), DueDate: due, Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: 10, UnitPrice: 100_00, Amount: 1_000_00}},
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
