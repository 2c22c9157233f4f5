package console

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"linkfin"
	"linkfin/demo"
	"linkfin/engine"
	"linkfin/services"
	"linkfin/sqlite/sqlitetest"
	"linkfin/storetest"
)

// site is the console on a real engine and store, seeded with the demo's supply chain
// and a matched invoice from tier1 to the anchor.
type site struct {
	clock *storetest.Clock
	t     *testing.T
	e     *engine.Engine
	store linkfin.Store
	srv   *httptest.Server
	auth  *services.Auth
	users map[string]bool
	pages *Console
}

func newSite(t *testing.T) *site {
	t.Helper()
	return newSiteOn(t, sqlitetest.Open(t))
}

// newSiteOn is newSite on the store s, migrated and empty.
func newSiteOn(t *testing.T, s linkfin.Store) *site {
	t.Helper()
	signer, _ := storetest.LogKey(t, s)
	clock := storetest.NewClock()
	e, err := engine.Open(context.Background(), engine.Config{Store: s, Signer: signer, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	if err := demo.Seed(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	st := &site{clock: clock, t: t, e: e, store: s, auth: services.NewAuth(s, e, make([]byte, 32)), users: map[string]bool{}}
	st.auth.Now = clock.Now
	due := linkfin.BusinessDate(clock.Now()).AddDays(60)
	for _, c := range []linkfin.Command{
		&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "PO-1", Number: "PO-1", SellerID: "tier1", ProgramID: "auto-scf",
			Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "brake disc", Quantity: 100, Unit: "EA", UnitPrice: 1_000_00}}}},
		&services.AcceptPurchaseOrder{Actor: "tier1", ID: "PO-1"},
		&services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "GR-1", POID: "PO-1", Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: 100}}}},
		&services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-1", Number: "INV-1", BuyerID: "anchor", POID: "PO-1",
			Currency: "CNY", IssueDate: linkfin.BusinessDate(clock.Now()), DueDate: due,
			Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: 100, UnitPrice: 1_000_00, Amount: 100_000_00}}, Total: 100_000_00}},
	} {
		if err := e.Run(context.Background(), c, new(json.RawMessage)); err != nil {
			t.Fatalf("%T: %v", c, err)
		}
	}
	st.pages = New(s, e, st.auth, nil)
	st.srv = httptest.NewServer(st.pages)
	t.Cleanup(st.srv.Close)
	t.Cleanup(st.pages.Close) // before the server and the engine close
	return st
}

// password is every test user's.
const password = "correct horse battery staple"

// user makes a user of the organization with the role (once), named <org>-<role>.
func (s *site) user(org string, role linkfin.Role, lang string) string {
	s.t.Helper()
	name := org + "-" + string(role)
	if org == "" {
		name = "platform-operator"
	}
	if !s.users[name] {
		sealed, err := s.auth.SealPassword(name, password)
		if err != nil {
			s.t.Fatal(err)
		}
		s.run(&services.CreateUser{User: linkfin.User{OrgID: org, Name: name, Role: role, Language: lang}, Password: sealed})
		s.users[name] = true
	}
	return name
}

// as is a browser of a user of the organization with the role, signed in through the
// sign-in page, reading English.
func (s *site) as(org string, role linkfin.Role) *client {
	s.t.Helper()
	c := s.browser()
	name := s.user(org, role, "en")
	if code, body := c.signIn(name, password, ""); code != http.StatusSeeOther {
		s.t.Fatalf("%s signing in: %d\n%s", name, code, body)
	}
	return c
}

// browser is a browser with no one signed in.
func (s *site) browser() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: s.t, base: s.srv.URL, jar: jar, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// signIn fills in the sign-in form and sends it.
func (c *client) signIn(name, password, code string) (int, string) {
	c.t.Helper()
	_, page := c.get("/sign-in")
	return c.post("/sign-in", url.Values{"csrf": {hidden(page, "csrf")}, "name": {name}, "password": {password}, "code": {code}})
}

// cookie is the value of the browser's cookie of the name, or "".
func (c *client) cookie(name string) string {
	u, _ := url.Parse(c.base)
	for _, ck := range c.jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

type client struct {
	t    *testing.T
	base string
	jar  *cookiejar.Jar
	c    *http.Client
}

// get reads a page: its status and body.
func (c *client) get(path string) (int, string) {
	c.t.Helper()
	resp, err := c.c.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// hidden finds a form's hidden field on a page.
func hidden(page, name string) string {
	m := regexp.MustCompile(`name="` + name + `" value="([^"]*)"`).FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return m[1]
}

// submit sends a form as post does and, where it is answered with a page to go to
// (303), goes there as a browser does: the page it ends on, and its code.
func (c *client) submit(path string, form url.Values) (int, string) {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.base)
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	return c.get(resp.Header.Get("Location"))
}

// post sends a form, from no page (postFrom).
func (c *client) post(path string, form url.Values) (int, string) {
	c.t.Helper()
	return c.postFrom(path, "", form)
}

func (s *site) invoice(id string) linkfin.Invoice {
	s.t.Helper()
	o, err := s.store.Object(context.Background(), linkfin.KindInvoice, id)
	if err != nil {
		s.t.Fatal(err)
	}
	var inv linkfin.Invoice
	json.Unmarshal(o.Data, &inv)
	return inv
}

// The anchor's approval queue: the matched invoice, its three-way match line by line,
// approved once however often the form is sent; a viewer and a stranger change nothing.
func TestInvoiceApproval(t *testing.T) {
	s := newSite(t)
	anchor := s.as("anchor", linkfin.RoleFinance)
	status, page := anchor.get("/invoices?status=matched")
	if status != http.StatusOK || !strings.Contains(page, `href="/invoices/inv-1"`) {
		t.Fatalf("the queue: %d\n%s", status, page)
	}
	status, page = anchor.get("/invoices/inv-1")
	if status != http.StatusOK || !strings.Contains(page, "CNY 1,000.00") || !strings.Contains(page, "Approve") {
		t.Fatalf("the invoice: %d\n%s", status, page)
	}

	viewer := s.as("anchor", linkfin.RoleViewer)
	_, vpage := viewer.get("/invoices/inv-1")
	if strings.Contains(vpage, "/approve") {
		t.Fatal("a viewer is offered the approval")
	}
	if code, _ := viewer.post("/invoices/inv-1/approve", url.Values{"csrf": {hidden(vpage, "csrf")}, "idempotency_key": {"k-v"}}); code != http.StatusForbidden {
		t.Fatalf("a viewer's approval: %d", code)
	}
	outsider := s.as("tier2", linkfin.RoleAdmin)
	if code, _ := outsider.get("/invoices/inv-1"); code != http.StatusNotFound {
		t.Fatalf("a stranger reads the invoice: %d", code)
	}
	// Without the form's token, or from another site, nothing happens.
	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}}
	if code, _ := anchor.post("/invoices/inv-1/approve", url.Values{"idempotency_key": form["idempotency_key"]}); code != http.StatusForbidden {
		t.Fatalf("no token: %d", code)
	}
	if s.invoice("inv-1").Status != linkfin.InvoiceMatched {
		t.Fatal("refused forms changed the invoice")
	}
	head, _ := s.store.Head(context.Background())
	for range 2 {
		if code, body := anchor.post("/invoices/inv-1/approve", form); code != http.StatusSeeOther {
			t.Fatalf("approve: %d\n%s", code, body)
		}
	}
	if got := s.invoice("inv-1").Status; got != linkfin.InvoiceApproved {
		t.Fatalf("after approval the invoice is %s", got)
	}
	after, _ := s.store.Head(context.Background())
	if after.Size <= head.Size {
		t.Fatal("the approval logged nothing")
	}
	// Sent twice, it ran once: sending it a third time logs nothing more.
	anchor.post("/invoices/inv-1/approve", form)
	again, _ := s.store.Head(context.Background())
	if again.Size != after.Size {
		t.Fatalf("a form sent again logged %d more events", again.Size-after.Size)
	}

	// The list downloads whole as CSV.
	code, csv := anchor.get("/invoices?format=csv")
	if code != http.StatusOK || !strings.HasPrefix(csv, bom+"id,number,seller_id,buyer_id") || !strings.Contains(csv, "inv-1,INV-1,tier1,anchor") {
		t.Fatalf("CSV: %d\n%s", code, csv)
	}
}

// held is what the organization's wallet in CNY holds, as the engine has it: 0 before
// it is opened.
func (s *site) held(org string) int64 {
	s.t.Helper()
	a, err := s.e.Account(s.t.Context(), linkfin.WalletID(org, "CNY"))
	if linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
		return 0
	}
	if err != nil {
		s.t.Fatal(err)
	}
	return a.CreditsPosted - a.DebitsPosted
}

func (s *site) run(c linkfin.Command) json.RawMessage {
	s.t.Helper()
	var out json.RawMessage
	if err := s.e.Run(context.Background(), c, &out); err != nil {
		s.t.Fatalf("%T: %v", c, err)
	}
	return out
}

func (s *site) piece(id string) linkfin.Certificate {
	s.t.Helper()
	o, err := s.store.Object(context.Background(), linkfin.KindCertificate, id)
	if err != nil {
		s.t.Fatal(err)
	}
	var c linkfin.Certificate
	json.Unmarshal(o.Data, &c)
	return c
}

// A supplier splits a piece and passes part of it to its own supplier; the piece's page
// shows where it comes from; a stranger does not see it.
func TestSplitAndPassOn(t *testing.T) {
	s := newSite(t)
	s.run(&services.ApproveInvoice{Actor: "anchor", ID: "inv-1"})
	s.run(&services.IssueCertificate{Actor: "anchor", ID: "C-1", ProgramID: "auto-scf", PayableIDs: []string{linkfin.PayableID("inv-1")}})

	tier1 := s.as("tier1", linkfin.RoleFinance)
	code, home := tier1.get("/")
	if code != http.StatusOK || !strings.Contains(home, `href="/pieces/C-1"`) || !strings.Contains(home, "CNY 100,000.00") {
		t.Fatalf("tier1's home: %d\n%s", code, home)
	}
	_, page := tier1.get("/pieces/C-1")
	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}, "amount": {"40,000.00"}}
	if code, body := tier1.post("/pieces/C-1/split", form); code != http.StatusSeeOther {
		t.Fatalf("split: %d\n%s", code, body)
	}
	c1 := s.piece("C-1")
	if c1.Status != linkfin.CertificateSplit || len(c1.Children) != 2 {
		t.Fatalf("after the split C-1 is %+v", c1)
	}
	first := s.piece(c1.Children[0])
	if first.Face != 40_000_00 || s.piece(c1.Children[1]).Face != 60_000_00 {
		t.Fatalf("the split made %d and %d", first.Face, s.piece(c1.Children[1]).Face)
	}
	// Bad input is refused with the platform's words, and changes nothing.
	_, page = tier1.get("/pieces/" + first.ID)
	bad := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}, "amount": {"12.345"}, "to": {"tier2"}}
	if code, body := tier1.post("/pieces/"+first.ID+"/pass", bad); code != http.StatusBadRequest || !strings.Contains(body, "role=\"alert\"") {
		t.Fatalf("an amount with three decimals: %d\n%s", code, body)
	}
	pass := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}, "amount": {"15000"}, "to": {"tier2"}}
	if !strings.Contains(page, `<option value="tier2">`) {
		t.Fatalf("tier1 is not offered its supplier tier2:\n%s", page)
	}
	if code, body := tier1.post("/pieces/"+first.ID+"/pass", pass); code != http.StatusSeeOther {
		t.Fatalf("pass on: %d\n%s", code, body)
	}
	passed := s.piece(first.ID)
	if passed.Status != linkfin.CertificateTransferred || len(passed.Children) != 2 || s.piece(passed.Children[0]).HolderID != "tier2" {
		t.Fatalf("after passing on: %+v", passed)
	}
	tier2 := s.as("tier2", linkfin.RoleAdmin)
	code, page = tier2.get("/pieces/" + passed.Children[0])
	if code != http.StatusOK || !strings.Contains(page, "CNY 15,000.00") || !strings.Contains(page, "<li>C-1 · ") {
		t.Fatalf("tier2's piece: %d\n%s", code, page)
	}
	// The lineage names the pieces above, but links only those tier2 may open: C-1
	// and the piece passed on are tier1's.
	if strings.Contains(page, `href="/pieces/C-1"`) || strings.Contains(page, `href="/pieces/`+first.ID+`"`) {
		t.Errorf("tier2's piece links pieces it may not open:\n%s", page)
	}
	for _, m := range regexp.MustCompile(`href="(/pieces/[^"/]+)"`).FindAllStringSubmatch(page, -1) {
		if code, _ := tier2.get(m[1]); code != http.StatusOK {
			t.Errorf("tier2's piece links %s, which answers %d", m[1], code)
		}
	}
	if code, _ := tier2.get("/pieces/C-1"); code != http.StatusNotFound {
		t.Errorf("tier2 opens C-1: %d", code)
	}
	if code, _ := s.as("bank", linkfin.RoleAdmin).get("/pieces/C-1"); code != http.StatusNotFound {
		t.Fatalf("a stranger reads the piece: %d", code)
	}
}

// A funder's pipeline: the accepted financing awaiting its payment, paid from the
// financing's page; the supplier's wallet then holds the price.
func TestFunderDisburses(t *testing.T) {
	s := newSite(t)
	s.run(&services.ApproveInvoice{Actor: "anchor", ID: "inv-1"})
	s.run(&services.IssueCertificate{Actor: "anchor", ID: "C-1", ProgramID: "auto-scf", PayableIDs: []string{linkfin.PayableID("inv-1")}})
	s.run(&services.RequestCertificateDiscounting{Actor: "tier1", ID: "F-1", ProgramID: "auto-scf", PieceID: "C-1", FunderID: "bank"})
	s.run(&services.AcceptCertificateDiscounting{Actor: "tier1", ID: "F-1", PieceID: "C-1"})

	bank := s.as("bank", linkfin.RoleFinance)
	code, page := bank.get("/financings?status=accepted")
	if code != http.StatusOK || !strings.Contains(page, `href="/financings/F-1"`) {
		t.Fatalf("the pipeline: %d\n%s", code, page)
	}
	_, page = bank.get("/financings/F-1")
	if !strings.Contains(page, "/financings/F-1/disburse") {
		t.Fatalf("the funder is not offered the payment:\n%s", page)
	}
	if _, tier1 := s.as("tier1", linkfin.RoleFinance).get("/financings/F-1"); strings.Contains(tier1, "/disburse") {
		t.Fatal("the requester is offered the funder's payment")
	}
	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}}
	if code, body := bank.post("/financings/F-1/disburse", form); code != http.StatusSeeOther {
		t.Fatalf("disburse: %d\n%s", code, body)
	}
	var f linkfin.Financing
	o, _ := s.store.Object(context.Background(), linkfin.KindFinancing, "F-1")
	json.Unmarshal(o.Data, &f)
	if f.Status != linkfin.FinancingDisbursed {
		t.Fatalf("F-1 is %s", f.Status)
	}
	_, home := s.as("tier1", linkfin.RoleViewer).get("/")
	if !strings.Contains(home, Money(English, "CNY", f.Quote.Price)) {
		t.Fatalf("tier1's home does not show the price %s it received:\n%s", Money(English, "CNY", f.Quote.Price), home)
	}
}

// An anchor approves an invoice and issues a certificate from its payable; the seller
// then holds the piece.
func TestApproveAndCertify(t *testing.T) {
	s := newSite(t)
	anchor := s.as("anchor", linkfin.RoleAdmin)
	_, page := anchor.get("/invoices/inv-1")
	if code, body := anchor.post("/invoices/inv-1/approve", url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}}); code != http.StatusSeeOther {
		t.Fatalf("approve: %d\n%s", code, body)
	}
	code, page := anchor.get("/payables?status=open")
	pay := linkfin.PayableID("inv-1")
	if code != http.StatusOK || !strings.Contains(page, `value="`+pay+`"`) {
		t.Fatalf("the open payables: %d\n%s", code, page)
	}
	if _, tier1 := s.as("tier1", linkfin.RoleAdmin).get("/payables"); strings.Contains(tier1, `type="checkbox"`) {
		t.Fatal("the seller is offered to certify its buyer's payable")
	}
	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}, "payable": {pay}}
	req, _ := http.NewRequest("POST", anchor.base+"/payables/certify", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := anchor.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/pieces/") {
		t.Fatalf("certify: %d to %q", resp.StatusCode, loc)
	}
	piece := s.piece(strings.TrimPrefix(loc, "/pieces/"))
	if piece.HolderID != "tier1" || piece.Face != 100_000_00 {
		t.Fatalf("the certificate: %+v", piece)
	}
}

// An offer the organization can no longer take (the operator withdrew its trade
// capability, and the offers list it among the refused) is said on its confirmation
// in the refusal's own words and code, not as an offer that is gone; taking it is
// refused in the same words.
func TestOfferRefusedInWords(t *testing.T) {
	s := newSite(t)
	s.run(&services.ApproveInvoice{Actor: "anchor", ID: "inv-1"})
	s.run(&services.IssueCertificate{Actor: "anchor", ID: "C-1", ProgramID: "auto-scf", PayableIDs: []string{linkfin.PayableID("inv-1")}})

	tier1 := s.as("tier1", linkfin.RoleFinance)
	_, home := tier1.get("/")
	m := regexp.MustCompile(`href="(/offers/confirm\?asset=C-1&amp;product=[a-z_]+&amp;funder=[a-z0-9]+)">Take the best offer`).FindStringSubmatch(home)
	if m == nil {
		t.Fatalf("tier1's home shows no best offer for C-1:\n%s", home)
	}
	confirm := strings.ReplaceAll(m[1], "&amp;", "&")
	code, page := tier1.get(confirm)
	if code != http.StatusOK {
		t.Fatalf("the confirmation: %d\n%s", code, page)
	}
	form := url.Values{}
	for _, f := range []string{"csrf", "idempotency_key", "product", "asset", "program", "funder", "price"} {
		form.Set(f, hidden(page, f))
	}

	s.run(&services.SetCapabilities{OrgID: "tier1", Capabilities: []linkfin.Capability{linkfin.CapFund}})
	const words = "organization tier1 does not trade"
	code, page = tier1.get(confirm)
	if code != http.StatusBadRequest || !strings.Contains(page, "<code>invalid</code>") || !strings.Contains(page, words) ||
		strings.Contains(page, "no such offer") {
		t.Fatalf("the confirmation of an offer tier1 can no longer take: %d\n%s", code, page)
	}
	if code, body := tier1.post("/offers/take", form); code != http.StatusBadRequest || !strings.Contains(body, "<code>invalid</code>") ||
		!strings.Contains(body, words) {
		t.Fatalf("taking an offer tier1 can no longer take: %d\n%s", code, body)
	}
	if s.piece("C-1").FinancingID != "" {
		t.Fatal("an offer was taken by an organization that does not trade")
	}
}

// A supplier takes the best offer for a piece in one step, after a confirmation of
// exactly what it receives; a confirmation that went stale changes nothing and shows
// the offer as it is now; once the funder pays, the supplier's wallet holds the price.
func TestTakeTheBestOffer(t *testing.T) {
	s := newSite(t)
	s.run(&services.ApproveInvoice{Actor: "anchor", ID: "inv-1"})
	s.run(&services.IssueCertificate{Actor: "anchor", ID: "C-1", ProgramID: "auto-scf", PayableIDs: []string{linkfin.PayableID("inv-1")}})

	tier1 := s.as("tier1", linkfin.RoleFinance)
	code, home := tier1.get("/")
	m := regexp.MustCompile(`href="(/offers/confirm\?asset=C-1&amp;product=[a-z_]+&amp;funder=[a-z0-9]+)">Take the best offer`).FindStringSubmatch(home)
	if code != http.StatusOK || m == nil {
		t.Fatalf("tier1's home shows no best offer for C-1: %d\n%s", code, home)
	}
	code, page := tier1.get(strings.ReplaceAll(m[1], "&amp;", "&"))
	if code != http.StatusOK || !strings.Contains(page, "You receive") {
		t.Fatalf("the confirmation: %d\n%s", code, page)
	}
	price := hidden(page, "price")
	form := url.Values{}
	for _, f := range []string{"csrf", "idempotency_key", "product", "asset", "program", "funder", "price"} {
		form.Set(f, hidden(page, f))
	}
	stale := url.Values{}
	for k, v := range form {
		stale[k] = v
	}
	stale.Set("price", "1")
	stale.Set("idempotency_key", "stale-1")
	if code, body := tier1.post("/offers/take", stale); code != http.StatusConflict || !strings.Contains(body, "The offer changed") || !strings.Contains(body, `value="`+price+`"`) {
		t.Fatalf("a stale price: %d\n%s", code, body)
	}
	if s.piece("C-1").FinancingID != "" {
		t.Fatal("a stale offer was taken")
	}

	req, _ := http.NewRequest("POST", tier1.base+"/offers/take", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := tier1.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/financings/") {
		t.Fatalf("take: %d to %q", resp.StatusCode, loc)
	}
	var f linkfin.Financing
	o, err := s.store.Object(context.Background(), linkfin.KindFinancing, strings.TrimPrefix(loc, "/financings/"))
	if err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(o.Data, &f)
	if f.Status != linkfin.FinancingAccepted || strconvI(f.Quote.Price) != price {
		t.Fatalf("the financing taken: %s at %d, confirmed %s", f.Status, f.Quote.Price, price)
	}
	s.run(&services.DisburseFinancing{Actor: f.FunderID, ID: f.ID})
	if _, home := tier1.get("/"); !strings.Contains(home, Money(English, "CNY", f.Quote.Price)) {
		t.Fatalf("the wallet does not show the price %s:\n%s", Money(English, "CNY", f.Quote.Price), home)
	}
}

func strconvI(v int64) string { return strconv.FormatInt(v, 10) }

// The operator settles a day's maturities from the calendar: the holder is paid its
// face, and the result is shown, each piece paid said in words, not by a mark alone.
func TestOperatorSettles(t *testing.T) {
	s := newSite(t)
	s.run(&services.ApproveInvoice{Actor: "anchor", ID: "inv-1"})
	out := s.run(&services.IssueCertificate{Actor: "anchor", ID: "C-1", ProgramID: "auto-scf", PayableIDs: []string{linkfin.PayableID("inv-1")}})
	var c1 linkfin.Certificate
	json.Unmarshal(out, &c1)

	op := s.as("", linkfin.RoleOperator)
	code, page := op.get("/settlements")
	if code != http.StatusOK || !strings.Contains(page, "CNY 100,000.00") || !strings.Contains(page, `name="date" value="`+c1.Maturity.String()+`"`) {
		t.Fatalf("the operator's calendar: %d\n%s", code, page)
	}
	if _, anchor := s.as("anchor", linkfin.RoleAdmin).get("/settlements"); !strings.Contains(anchor, "CNY 100,000.00") || strings.Contains(anchor, "/settlements/run") {
		t.Fatalf("the anchor's calendar (it sees, it does not run):\n%s", anchor)
	}
	s.clock.Advance(c1.Maturity.Time(time.UTC).Sub(s.clock.Now()) + time.Hour)
	s.run(&services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-m", OrgID: "anchor", Currency: "CNY", Amount: 100_000_00})
	// Two months on, the session has ended: sign in again.
	if code, _ := op.get("/settlements"); code != http.StatusSeeOther {
		t.Fatalf("a session two months old: %d", code)
	}
	op = s.as("", linkfin.RoleOperator)
	_, page = op.get("/settlements")
	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {"run-1"}, "program": {"auto-scf"}, "date": {c1.Maturity.String()}}
	code, page = op.post("/settlements/run", form)
	if code != http.StatusOK || !strings.Contains(page, "1 pieces paid") {
		t.Fatalf("the run: %d\n%s", code, page)
	}
	if marks := wordless(page); len(marks) > 0 || !strings.Contains(page, `<span class="sr">paid</span>`) {
		t.Errorf("the paid piece is marked %q without words:\n%s", marks, page)
	}
	if s.piece("C-1").Status != linkfin.CertificateSettled {
		t.Fatalf("C-1 is %s after settlement", s.piece("C-1").Status)
	}
}

// Lists filter as the API's do (status, counterparty, number, dates); a bad date is
// refused in the platform's words; the CSV download keeps the filters.
func TestListFilters(t *testing.T) {
	s := newSite(t)
	anchor := s.as("anchor", linkfin.RoleViewer)
	for _, tc := range []struct {
		query string
		found bool
	}{{"number=INV-1", true}, {"number=INV-2", false}, {"counterparty=tier1", true}, {"counterparty=tier2", false},
		{"from=2026-11-01&to=2026-11-30", true}, {"from=2026-12-01", false}} {
		code, page := anchor.get("/invoices?" + tc.query)
		if code != http.StatusOK || strings.Contains(page, `href="/invoices/inv-1"`) != tc.found {
			t.Errorf("/invoices?%s: %d, lists inv-1: %v", tc.query, code, !tc.found)
		}
		if !strings.Contains(page, `name="number"`) {
			t.Fatalf("no filter form:\n%s", page)
		}
	}
	if code, page := anchor.get("/invoices?from=yesterday"); code != http.StatusBadRequest || !strings.Contains(page, "from must be a date") {
		t.Fatalf("a bad date: %d\n%s", code, page)
	}
	if _, page := anchor.get("/invoices?number=INV-1&after=x"); !strings.Contains(page, `href="/invoices?format=csv&amp;number=INV-1"`) {
		t.Fatalf("the download link drops the page's filters:\n%s", page)
	}
	if _, csv := anchor.get("/invoices?format=csv&number=INV-2"); strings.Contains(csv, "inv-1") {
		t.Fatalf("the CSV ignores the filter:\n%s", csv)
	}
}

// A list's links keep its filters: choosing a status keeps the dates, counterparty and
// number typed (and starts at the first page), and a later page links to the first,
// its filters kept, as the next page's link keeps them.
func TestListLinksKeepFilters(t *testing.T) {
	s := newSite(t)
	anchor, op := s.as("anchor", linkfin.RoleViewer), s.as("", linkfin.RoleOperator)
	statusLink := regexp.MustCompile(`<nav aria-label="[^"]*" class="filters">((?s).*?)</nav>`)
	href := regexp.MustCompile(`<a (?:class="download" )?href="([^"]*)"`)
	for who, paths := range map[*client][]string{anchor: {"/invoices", "/payables", "/financings", "/orders", "/alerts", "/conditional-payments"},
		op: {"/bank", "/payment-files", "/receipts"}} {
		for _, path := range paths {
			code, page := who.get(path + "?from=2026-01-01&after=x")
			if code != http.StatusOK {
				t.Errorf("%s: %d", path, code)
				continue
			}
			nav := statusLink.FindStringSubmatch(page)
			if nav == nil {
				t.Errorf("%s: no status filter", path)
				continue
			}
			links := href.FindAllStringSubmatch(nav[1], -1)
			if len(links) < 3 {
				t.Errorf("%s: status links %q", path, links)
			}
			for _, l := range links {
				to := strings.ReplaceAll(l[1], "&amp;", "&")
				u, err := url.Parse(to)
				if err != nil || u.Path != path || u.Query().Get("from") != "2026-01-01" || u.Query().Has("after") {
					t.Errorf("%s: the filter's link %q drops the page's dates, or keeps its cursor", path, to)
				}
			}
			if first := `<a rel="first" href="` + path + `?from=2026-01-01">`; !strings.Contains(page, first) {
				t.Errorf("%s: a later page has no %s", path, first)
			}
			if _, top := who.get(path + "?from=2026-01-01"); strings.Contains(top, `rel="first"`) {
				t.Errorf("%s: the first page links to the first page", path)
			}
		}
	}
}
