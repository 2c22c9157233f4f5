package console

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

// An anchor sees the payables it can pay early today and at what price, offers one to
// its supplier from the console, and sees the offer's state; the supplier accepts it
// from the financing's page and is paid the price from the anchor's wallet.
func TestAnchorOffersEarlyPayment(t *testing.T) {
	s := newSite(t)
	s.run(&services.ApproveInvoice{Actor: "anchor", ID: "inv-1"})
	pay := linkfin.PayableID("inv-1")
	anchor := s.as("anchor", linkfin.RoleFinance)
	code, page := anchor.get("/discounting")
	if code != http.StatusOK || !strings.Contains(page, `href="/payables/`+pay+`"`) || !strings.Contains(page, `action="/discounting/offer"`) {
		t.Fatalf("the anchor's early payments: %d\n%s", code, page)
	}
	// What the page shows it would pay is the domain's price for today.
	var prog linkfin.Program
	var p linkfin.Payable
	o, _ := s.store.Object(context.Background(), linkfin.KindProgram, "auto-scf")
	json.Unmarshal(o.Data, &prog)
	o, _ = s.store.Object(context.Background(), linkfin.KindPayable, pay)
	json.Unmarshal(o.Data, &p)
	q, err := services.DynamicDiscountingQuote(&prog, &p, linkfin.BusinessDate(s.clock.Now()))
	if err != nil || !strings.Contains(page, Money(English, "CNY", q.Price)) {
		t.Fatalf("the page does not show the price %d: %v\n%s", q.Price, err, page)
	}
	if _, viewer := s.as("anchor", linkfin.RoleViewer).get("/discounting"); strings.Contains(viewer, "/discounting/offer") {
		t.Fatal("a viewer is offered to make an offer")
	}
	if code, _ := s.as("tier1", linkfin.RoleAdmin).get("/discounting"); code != http.StatusNotFound {
		t.Fatalf("a supplier reads the anchor's discounting: %d", code)
	}
	// Only the anchor that owes the payable offers to pay it early.
	var out json.RawMessage
	err = s.e.Run(context.Background(), &services.OfferDynamicDiscounting{Actor: "tier1", PayableID: pay, ProgramID: "auto-scf"}, &out)
	if linkfin.ErrorCode(err) != linkfin.EFORBIDDEN && linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		t.Fatalf("the seller offers its own early payment: %v", err)
	}

	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}, "payable": {pay}, "program": {"auto-scf"}}
	req, _ := http.NewRequest("POST", anchor.base+"/discounting/offer", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := anchor.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/financings/") {
		t.Fatalf("offer: %d to %q", resp.StatusCode, loc)
	}
	id := strings.TrimPrefix(loc, "/financings/")
	_, page = anchor.get("/discounting")
	if !regexp.MustCompile(`href="/financings/` + id + `">` + id + `</a>.*open until`).MatchString(page) {
		t.Fatalf("the offer made is not shown open:\n%s", page)
	}

	s.run(&services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-cash", OrgID: "anchor", Currency: "CNY", Amount: 200_000_00})
	tier1 := s.as("tier1", linkfin.RoleFinance)
	_, fpage := tier1.get(loc)
	if !strings.Contains(fpage, "/financings/"+id+"/accept") {
		t.Fatalf("the supplier is not offered to accept:\n%s", fpage)
	}
	if _, apage := anchor.get(loc); strings.Contains(apage, "/accept") {
		t.Fatal("the anchor is offered to accept its own offer")
	}
	accept := url.Values{"csrf": {hidden(fpage, "csrf")}, "idempotency_key": {hidden(fpage, "idempotency_key")}}
	if code, body := tier1.post(loc+"/accept", accept); code != http.StatusSeeOther {
		t.Fatalf("accept: %d\n%s", code, body)
	}
	if _, home := tier1.get("/"); !strings.Contains(home, Money(English, "CNY", q.Price)) {
		t.Fatalf("the supplier's wallet does not show %s:\n%s", Money(English, "CNY", q.Price), home)
	}
	if _, page = anchor.get("/discounting"); !strings.Contains(page, "taken: paid early") || strings.Contains(page, `action="/discounting/offer"`) {
		t.Fatalf("after acceptance:\n%s", page)
	}
}
