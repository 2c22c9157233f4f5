package console

import (
	"net/http"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

// TestDisclosure: an anchor reads its program's supplier finance disclosure in the
// console, in its language, and downloads it as the API's table; its program page
// links to it; a supplier or a funder of the program finds no such page.
func TestDisclosure(t *testing.T) {
	s := newSite(t)
	s.run(&services.ApproveInvoice{Actor: "anchor", ID: "inv-1"})
	today := linkfin.BusinessDate(s.clock.Now()).String()

	anchor := s.as("anchor", linkfin.RoleViewer)
	if _, page := anchor.get("/programs/auto-scf"); !strings.Contains(page, `href="/programs/auto-scf/disclosure"`) {
		t.Fatalf("the anchor's program page does not link its disclosure:\n%s", page)
	}
	code, page := anchor.get("/programs/auto-scf/disclosure?from=" + today + "&to=" + today)
	if code != http.StatusOK || !strings.Contains(page, `id="confirmed">CNY 100,000.00<`) ||
		!strings.Contains(page, `id="outstanding-start">CNY 0.00<`) || !strings.Contains(page, `id="outstanding-end">CNY 100,000.00<`) {
		t.Fatalf("the anchor's disclosure: %d\n%s", code, page)
	}
	code, table := anchor.get("/programs/auto-scf/disclosure?from=" + today + "&to=" + today + "&format=csv")
	if code != http.StatusOK || !strings.Contains(table, "item,value\r\n") || !strings.Contains(table, "confirmed,10000000\r\n") ||
		!strings.Contains(table, "outstanding_end,10000000\r\n") {
		t.Fatalf("the disclosure as CSV: %d\n%s", code, table)
	}
	if code, page := anchor.get("/programs/auto-scf/disclosure?from=2026-02-30"); code != http.StatusBadRequest || !strings.Contains(page, "<code>invalid</code>") {
		t.Fatalf("an impossible date: %d\n%s", code, page)
	}

	zh := s.browser()
	name := s.user("anchor", linkfin.RoleFinance, "zh-CN")
	if code, body := zh.signIn(name, password, ""); code != http.StatusSeeOther {
		t.Fatalf("signing in: %d\n%s", code, body)
	}
	if _, page := zh.get("/programs/auto-scf/disclosure?from=" + today + "&to=" + today); !strings.Contains(page, "供应链融资信息披露") ||
		!strings.Contains(page, `id="confirmed">¥100,000.00<`) {
		t.Fatalf("the disclosure in Chinese:\n%s", page)
	}

	for _, org := range []string{"tier1", "bank"} {
		c := s.as(org, linkfin.RoleAdmin)
		if code, _ := c.get("/programs/auto-scf/disclosure"); code != http.StatusNotFound {
			t.Errorf("%s reading the anchor's disclosure: %d, want 404", org, code)
		}
	}
	if _, page := s.as("bank", linkfin.RoleAdmin).get("/programs/auto-scf"); strings.Contains(page, "/disclosure") {
		t.Errorf("a funder's program page links the anchor's disclosure")
	}
}
