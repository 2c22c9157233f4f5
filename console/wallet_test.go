package console

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

// An organization's money in and out: its wallet, a withdrawal to the bank account in
// effect (the same form twice withdraws once; more than it holds, or an amount that is
// not one, is refused with its code and moves nothing), a payment in announced with
// the reference to quote, and withdrawn again. A viewer sees it and changes nothing;
// the operator has no wallet.
func TestWalletPage(t *testing.T) {
	s := newSite(t)
	s.run(&services.RecordInboundPayment{Rail: "bank", InstructionID: "in-t2", OrgID: "tier2", Currency: "CNY", Amount: 1_000_00})
	held := func() int64 { return s.held("tier2") }
	before := held()
	finance := s.as("tier2", linkfin.RoleFinance)
	code, page := finance.get("/wallet")
	if code != http.StatusOK || !strings.Contains(page, `action="/wallet/withdraw"`) || !strings.Contains(page, "6228480010000000033") {
		t.Fatalf("the page: %d\n%s", code, page)
	}
	form := func(page string, kv ...string) url.Values {
		v := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	out := form(page, "currency", "CNY", "amount", "300.00", "rail", "bank")
	for range 2 { // the same form twice: one withdrawal
		code, page = finance.submit("/wallet/withdraw", out)
		if code != http.StatusOK || !strings.Contains(page, "Withdrawn: instruction console-") {
			t.Fatalf("withdrawing: %d\n%s", code, page)
		}
	}
	if held() != before-300_00 {
		t.Fatalf("the wallet moved by %d, want -300.00 once", held()-before)
	}
	if n := len(regexp.MustCompile(`<tr id="ct-ct_`).FindAllString(page, -1)); n != 1 ||
		!strings.Contains(page, "waiting for the platform&#39;s next payment file") || !strings.Contains(page, "CNY 300.00") {
		t.Fatalf("%d withdrawals listed:\n%s", n, page)
	}
	for _, c := range []struct {
		amount string
		status int
		code   string
	}{{"5,000.00", http.StatusUnprocessableEntity, "exceeds_credits"}, {"a lot", http.StatusBadRequest, "invalid"}, {"1.001", http.StatusBadRequest, "invalid"}} {
		bad := form(page, "currency", "CNY", "amount", c.amount, "rail", "bank")
		if code, body := finance.post("/wallet/withdraw", bad); code != c.status || !strings.Contains(body, "<code>"+c.code+"</code>") {
			t.Errorf("%s: %d\n%s", c.amount, code, body)
		}
	}
	if held() != before-300_00 {
		t.Fatalf("a refused withdrawal moved the wallet by %d", held()-before+300_00)
	}

	_, page = finance.get("/wallet")
	code, page = finance.submit("/wallet/expected", form(page, "currency", "CNY", "amount", "500", "date", "2026-12-01"))
	ref := regexp.MustCompile(`Announced: quote (ep_[a-z0-9]+) as the payment`).FindStringSubmatch(page)
	if code != http.StatusOK || ref == nil || !strings.Contains(page, `<tr id="ep-`+ref[1]+`">`) {
		t.Fatalf("announcing a payment: %d\n%s", code, page)
	}
	expected := func() linkfin.ExpectedPayment {
		t.Helper()
		o, err := s.store.Object(t.Context(), linkfin.KindExpectedPayment, ref[1])
		var ep linkfin.ExpectedPayment
		if err == nil {
			err = json.Unmarshal(o.Data, &ep)
		}
		if err != nil {
			t.Fatal(err)
		}
		return ep
	}
	ep := expected()
	if ep.OrgID != "tier2" || ep.Amount != 500_00 || ep.Status != linkfin.ExpectedPaymentExpected {
		t.Fatalf("the expected payment: %+v", ep)
	}
	cancel := formOn(t, page, "/wallet/expected/"+ref[1]+"/cancel")
	if code, page = finance.submit("/wallet/expected/"+ref[1]+"/cancel", cancel); code != http.StatusOK || !strings.Contains(page, "The announcement "+ref[1]+" is withdrawn") {
		t.Fatalf("withdrawing the announcement: %d\n%s", code, page)
	}
	if ep = expected(); ep.Status != linkfin.ExpectedPaymentCancelled {
		t.Fatalf("the expected payment after: %+v", ep)
	}

	viewer := s.as("tier2", linkfin.RoleViewer)
	code, vpage := viewer.get("/wallet")
	if code != http.StatusOK || strings.Contains(vpage, `action="/wallet/`) || !strings.Contains(vpage, "CNY 300.00") {
		t.Fatalf("the viewer's page: %d\n%s", code, vpage)
	}
	if code, _ := viewer.post("/wallet/withdraw", form(vpage, "currency", "CNY", "amount", "1", "rail", "bank")); code != http.StatusForbidden {
		t.Errorf("a viewer withdraws: %d", code)
	}
	op := s.as("", linkfin.RoleOperator)
	code, opage := op.get("/wallet")
	if code != http.StatusOK || !strings.Contains(opage, "has no wallet of its own") || strings.Contains(opage, `action="/wallet/`) {
		t.Fatalf("the operator's page: %d\n%s", code, opage)
	}
	if code, _ := op.post("/wallet/withdraw", form(opage, "currency", "CNY", "amount", "1", "rail", "bank")); code != http.StatusForbidden {
		t.Errorf("the operator withdraws: %d", code)
	}
	if held() != before-300_00 {
		t.Fatalf("the wallet moved by %d", held()-before)
	}
}

// The wallet page's two lists go on a page at a time, each on its own: every payment
// announced is on one page, once, and the withdrawals stay where they were.
func TestWalletPages(t *testing.T) {
	s := newSite(t)
	for range pageSize + 1 {
		s.run(&services.CreateExpectedPayment{Actor: "tier2", In: linkfin.ExpectedPaymentIn{Currency: "CNY", Amount: 1_00, Date: linkfin.BusinessDate(s.clock.Now())}})
	}
	finance := s.as("tier2", linkfin.RoleFinance)
	row := regexp.MustCompile(`<tr id="ep-(ep_[a-z0-9]+)">`)
	next := regexp.MustCompile(`href="(/wallet\?expected_after=[^"]+)"`)
	seen, pages := map[string]bool{}, 0
	for path := "/wallet"; path != ""; pages++ {
		code, page := finance.get(path)
		if code != http.StatusOK {
			t.Fatalf("%s: %d\n%s", path, code, page)
		}
		for _, m := range row.FindAllStringSubmatch(page, -1) {
			if seen[m[1]] {
				t.Fatalf("%s shows %s again", path, m[1])
			}
			seen[m[1]] = true
		}
		path = ""
		if m := next.FindStringSubmatch(page); m != nil {
			path = html.UnescapeString(m[1])
		}
	}
	if len(seen) != pageSize+1 || pages != 2 {
		t.Errorf("%d announced payments on %d pages, want %d on 2", len(seen), pages, pageSize+1)
	}
}
