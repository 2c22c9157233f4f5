package console

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"linkfin"
	"linkfin/services"
)

// The journeys of the console's people, each driven in a real Chromium through the
// pages a person would use, on a real engine and store. Set LINKFIN_SCREENSHOTS to a
// directory to keep a screenshot of each step's page (docs/console.md's come from
// here).

// journey is one person's browser, signed in through the sign-in page.
type journey struct {
	t    *testing.T
	s    *site
	ctx  context.Context
	name string
	step int
}

// signIn opens a browser and signs in as a user of org with role, whose language is
// lang.
func (s *site) signIn(t *testing.T, org string, role linkfin.Role, lang Lang) *journey {
	t.Helper()
	return s.signInAt(t, org, role, lang, 1280)
}

// signInAt signs in as signIn does, in a window width pixels wide.
func (s *site) signInAt(t *testing.T, org string, role linkfin.Role, lang Lang, width int) *journey {
	t.Helper()
	j := &journey{t: t, s: s, ctx: tab(t, width), name: org + "-" + string(role)}
	name := s.user(org, role, string(lang))
	j.do(chromedp.Navigate(s.srv.URL+"/sign-in"),
		chromedp.SendKeys(chromedp.CSS("#name"), name),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS(`form[action="/sign-in"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#wallets")),
	)
	j.shot("home")
	return j
}

// do runs browser steps, failing the test if one fails.
func (j *journey) do(steps ...chromedp.Action[chromedp.Void]) {
	j.t.Helper()
	if err := chromedp.Do(j.ctx, steps...); err != nil {
		j.t.Fatalf("%s: %v", j.name, err)
	}
}

// text is the visible text of the element.
func (j *journey) text(css string) string {
	j.t.Helper()
	return must(j.t, j.ctx, chromedp.Text(chromedp.CSS(css)))
}

// open goes to a page of the console and waits for its heading.
func (j *journey) open(path string) {
	j.t.Helper()
	j.do(chromedp.Navigate(j.s.srv.URL+path), chromedp.WaitVisible(chromedp.CSS("h1")))
}

// click clicks a link or a form's button and waits for the page it leads to.
func (j *journey) click(css string) {
	j.t.Helper()
	j.do(chromedp.Evaluate[chromedp.Void](`window.__page = 1`))
	j.do(chromedp.Click(chromedp.CSS(css)))
	for i := 0; ; i++ {
		// The old page kept the mark; the new one has none.
		fresh, err := chromedp.Run(j.ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && window.__page === undefined`))
		if err == nil && fresh {
			break
		}
		if i == 200 {
			j.t.Fatalf("%s: no new page after clicking %s", j.name, css)
		}
		j.do(chromedp.Sleep(25 * time.Millisecond))
	}
	j.do(chromedp.WaitVisible(chromedp.CSS("h1")))
}

// shot keeps a screenshot of the page (JPEG) where LINKFIN_SCREENSHOTS says.
func (j *journey) shot(what string) {
	dir := os.Getenv("LINKFIN_SCREENSHOTS")
	if dir == "" {
		return
	}
	j.step++
	img := must(j.t, j.ctx, chromedp.FullScreenshot(100))
	name := fmt.Sprintf("%s-%s-%02d-%s.png", strings.TrimPrefix(j.t.Name(), "TestJourney"), j.name, j.step, what)
	if err := os.WriteFile(filepath.Join(dir, name), img, 0o644); err != nil {
		j.t.Fatal(err)
	}
}

// certified is a site whose matched invoice is approved and certified: tier1 holds C-1.
func certified(t *testing.T) *site {
	s := newSite(t)
	s.run(&services.ApproveInvoice{Actor: "anchor", ID: "inv-1"})
	s.run(&services.IssueCertificate{Actor: "anchor", ID: "C-1", ProgramID: "auto-scf", PayableIDs: []string{linkfin.PayableID("inv-1")}})
	return s
}

// accepted is the certified site with tier1's discounting F-1 of C-1 by the bank
// accepted, not yet paid out.
func accepted(t *testing.T) *site {
	s := certified(t)
	s.run(&services.RequestCertificateDiscounting{Actor: "tier1", ID: "F-1", ProgramID: "auto-scf", PieceID: "C-1", FunderID: "bank"})
	s.run(&services.AcceptCertificateDiscounting{Actor: "tier1", ID: "F-1", PieceID: "C-1"})
	return s
}

// A supplier, in Chinese, takes the best offer for its piece from its home page; when
// the funder has paid, its wallet shows the price.
func TestJourneySupplierTakesBestOffer(t *testing.T) {

	s := certified(t)
	j := s.signIn(t, "tier1", linkfin.RoleFinance, Chinese)
	if got := j.text("#offers"); !strings.Contains(got, "融资报价") {
		t.Fatalf("no offers on the home page: %q", got)
	}
	j.click(`a.button[href^="/offers/confirm?asset=C-1"]`)
	j.shot("confirm")
	receive := j.text(".facts")
	if !strings.Contains(receive, "您将收到") || !strings.Contains(receive, "¥") {
		t.Fatalf("the confirmation does not say what tier1 receives: %q", receive)
	}
	j.click(`form[action="/offers/take"] button`)
	j.shot("taken")
	if got := j.text(".facts"); !strings.Contains(got, "已接受，待放款") {
		t.Fatalf("after taking the offer: %q", got)
	}
	var f linkfin.Financing
	if err := services.ReadAs(context.Background(), s.store, linkfin.Viewer{Operator: true}, linkfin.KindCertificate, "C-1", new(linkfin.Certificate)); err != nil {
		t.Fatal(err)
	}
	piece := s.piece("C-1")
	if err := services.ReadAs(context.Background(), s.store, linkfin.Viewer{Operator: true}, linkfin.KindFinancing, piece.FinancingID, &f); err != nil {
		t.Fatal(err)
	}
	s.run(&services.DisburseFinancing{Actor: f.FunderID, ID: f.ID})
	j.open("/")
	j.shot("paid")
	if got, want := j.text("#wallets + table, section[aria-labelledby=wallets]"), Money(Chinese, "CNY", f.Quote.Price); !strings.Contains(got, want) {
		t.Fatalf("the wallet shows %q, not the price %s", got, want)
	}
}

// A supplier, in English, splits its piece and passes part of it to its own supplier.
func TestJourneySupplierSplitsAndPasses(t *testing.T) {

	s := certified(t)
	j := s.signIn(t, "tier1", linkfin.RoleAdmin, English)
	j.open("/pieces/C-1")
	j.do(chromedp.SendKeys(chromedp.CSS("#split-amount"), "40,000.00"))
	j.click(`form[action$="/split"] button`)
	j.shot("split")
	children := s.piece("C-1").Children
	if len(children) != 2 || s.piece(children[0]).Face != 40_000_00 {
		t.Fatalf("the split: %v", children)
	}
	j.open("/pieces/" + children[0])
	j.do(chromedp.SetValue(chromedp.CSS("#pass-to"), "tier2"), chromedp.SendKeys(chromedp.CSS("#pass-amount"), "15000"))
	j.click(`form[action$="/pass"] button`)
	j.shot("passed")
	passed := s.piece(children[0])
	if len(passed.Children) != 2 || s.piece(passed.Children[0]).HolderID != "tier2" || s.piece(passed.Children[0]).Face != 15_000_00 {
		t.Fatalf("passing on: %+v", passed)
	}
	if got := j.text(".facts"); !strings.Contains(got, "passed on") {
		t.Fatalf("the piece's page after passing on: %q", got)
	}
}

// An anchor, in Chinese, approves an invoice from its queue after reading its
// three-way match, and issues a certificate from the payable.
func TestJourneyAnchorApprovesAndCertifies(t *testing.T) {

	s := newSite(t)
	j := s.signIn(t, "anchor", linkfin.RoleFinance, Chinese)
	j.open("/invoices?status=matched")
	j.click(`a[href="/invoices/inv-1"]`)
	j.shot("invoice")
	if got := j.text("table"); !strings.Contains(got, "¥1,000.00") {
		t.Fatalf("the three-way match: %q", got)
	}
	j.click(`form[action$="/approve"] button`)
	if s.invoice("inv-1").Status != linkfin.InvoiceApproved {
		t.Fatalf("the invoice is %s", s.invoice("inv-1").Status)
	}
	j.open("/payables?status=open")
	j.do(chromedp.Click(chromedp.CSS(`input[name="payable"][value="` + linkfin.PayableID("inv-1") + `"]`)))
	j.click(`form[action="/payables/certify"] button[type=submit]`)
	j.shot("certificate")
	if got := j.text("h1"); !strings.HasPrefix(got, "凭证") {
		t.Fatalf("after certifying: %q", got)
	}
	if h := j.text(".facts"); !strings.Contains(h, "tier1") || !strings.Contains(h, "¥100,000.00") {
		t.Fatalf("the new piece: %q", h)
	}
}

// A funder, in English, pays an accepted financing from its pipeline.
func TestJourneyFunderDisburses(t *testing.T) {

	s := certified(t)
	s.run(&services.RequestCertificateDiscounting{Actor: "tier1", ID: "F-1", ProgramID: "auto-scf", PieceID: "C-1", FunderID: "bank"})
	s.run(&services.AcceptCertificateDiscounting{Actor: "tier1", ID: "F-1", PieceID: "C-1"})
	j := s.signIn(t, "bank", linkfin.RoleFinance, English)
	j.open("/financings?status=accepted")
	j.shot("pipeline")
	j.click(`a[href="/financings/F-1"]`)
	j.click(`form[action$="/disburse"] button`)
	j.shot("disbursed")
	if got := j.text(".facts"); !strings.Contains(got, "disbursed") {
		t.Fatalf("after paying: %q", got)
	}
}

// A warehouse operator, in Chinese, registers the lot's sensor with its public key;
// the sensor's signed reading below the pledged quantity freezes the receipt and the
// loan it backs, which both show.
func TestJourneyWarehouseFreezes(t *testing.T) {
	s, f := pledged(t)
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{5}, ed25519.SeedSize))
	j := s.signIn(t, "port", linkfin.RoleFinance, Chinese)
	j.open("/devices")
	j.do(chromedp.SendKeys(chromedp.CSS("#public_key"), base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))))
	j.do(chromedp.SendKeys(chromedp.CSS("#lot_id"), "LOT-7"))
	j.click(`form[action="/devices"] button`)
	j.shot("device")
	list, err := services.List(context.Background(), s.store, linkfin.Viewer{Org: "port"}, linkfin.KindDevice, services.Filter{}, "", 10)
	if err != nil || len(list.Data) != 1 {
		t.Fatalf("the port's devices: %v, %v", list, err)
	}
	var d linkfin.Device
	json.Unmarshal(list.Data[0], &d)
	s.read(&sensor{id: d.ID, key: key}, 38)
	j.open("/receipts/WR-1")
	j.shot("counted")
	if got := j.text("#receipt-status"); !strings.Contains(got, Chinese.T("receipt.frozen")) {
		t.Fatalf("the receipt after a short count: %q", got)
	}
	owner := s.signIn(t, "tier2", linkfin.RoleViewer, English)
	owner.open("/financings/" + f.ID)
	owner.shot("frozen")
	if got := owner.text(".facts"); !strings.Contains(got, "frozen") {
		t.Fatalf("the loan after a short count: %q", got)
	}
}

// The operator, in English, settles a day's maturities from the calendar, then opens
// the settlement's event and its page checks the inclusion proof.
func TestJourneyOperatorSettlesAndChecksProof(t *testing.T) {
	s := certified(t)
	c1 := s.piece("C-1")
	s.clock.Advance(c1.Maturity.Time(time.UTC).Sub(s.clock.Now()) + time.Hour)
	s.run(&services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-m", OrgID: "anchor", Currency: "CNY", Amount: 100_000_00})
	j := s.signIn(t, "", linkfin.RoleOperator, English)
	j.open("/settlements")
	j.click(`form[action="/settlements/run"] button`)
	j.shot("settled")
	if got := j.text("[role=status]"); !strings.Contains(got, "1 pieces paid") {
		t.Fatalf("the settlement's result: %q", got)
	}
	if s.piece("C-1").Status != linkfin.CertificateSettled {
		t.Fatal("C-1 was not paid")
	}
	evs, err := s.store.RecordEvents(context.Background(), linkfin.KindCertificate, "C-1", -1, 100)
	if err != nil || len(evs) == 0 {
		t.Fatalf("C-1's events: %v", err)
	}
	last := evs[len(evs)-1]
	if last.Type != "certificate.settled" {
		t.Fatalf("C-1's last event is %s", last.Type)
	}
	j.open("/audit/events/" + strconv.FormatInt(last.Seq, 10))
	for i := 0; ; i++ {
		got := j.text("#check")
		if got == English.T("audit.verified") {
			break
		}
		if got == English.T("audit.mismatch") || i == 200 {
			t.Fatalf("the settlement's proof: %q", got)
		}
		j.do(chromedp.Sleep(25 * time.Millisecond))
	}
	j.shot("proof")
}

// An order placed at 17:00 UTC is placed at 01:00 the next day in Beijing: an anchor,
// in Chinese, and its supplier, in English, see it issued on that business day in the
// list and on its page, and its history's time is Beijing's, saying so.
func TestJourneyOrderOnBeijingsDay(t *testing.T) {
	s := newSite(t)
	now := s.clock.Now()
	s.clock.Advance(time.Date(now.Year(), now.Month(), now.Day(), 17, 0, 0, 0, time.UTC).Sub(now))
	placed := s.clock.Now()
	s.run(&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "PO-late", Number: "PO-late", SellerID: "tier1", ProgramID: "auto-scf",
		Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "caliper", Quantity: 4, Unit: "EA", UnitPrice: 250_00}}}})
	next := linkfin.DateOf(placed).AddDays(1)
	for _, tc := range []struct {
		org    string
		lang   Lang
		moment string
	}{
		{"anchor", Chinese, "北京时间 " + Date(Chinese, next) + " 01:00:00"},
		{"tier1", English, Date(English, next) + " 01:00:00 China Standard Time"},
	} {
		j := s.signIn(t, tc.org, linkfin.RoleFinance, tc.lang)
		j.open("/orders")
		j.shot("orders")
		row := must(t, j.ctx, chromedp.Evaluate[string](`document.querySelector('a[href="/orders/PO-late"]').closest("tr").innerText`))
		if !strings.Contains(row, Date(tc.lang, next)) {
			t.Fatalf("%s: the order placed at %s is not listed as issued on %s: %q", tc.org, placed, Date(tc.lang, next), row)
		}
		j.open("/orders/PO-late")
		j.shot("order")
		if got := j.text(".facts"); !strings.Contains(got, Date(tc.lang, next)) || strings.Contains(got, Date(tc.lang, linkfin.DateOf(placed))) {
			t.Fatalf("%s: the order's page does not say it was issued on %s: %q", tc.org, Date(tc.lang, next), got)
		}
		if got := j.text("table.history tbody td"); got != tc.moment {
			t.Fatalf("%s: the order's history shows its placing at %q, not %q", tc.org, got, tc.moment)
		}
	}
}
