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

// pledged is the site with tier2's 40 t of copper receipted by the port and pledged
// to the bank for a loan the bank has paid.
func pledged(t *testing.T) (*site, linkfin.Financing) {
	s := newSite(t)
	s.run(&services.MarkPrice{Mark: linkfin.PriceMark{ID: "copper", Currency: "CNY", Price: 60_000_00}})
	s.run(&services.IssueWarehouseReceipt{Actor: "port", Receipt: linkfin.WarehouseReceipt{ID: "WR-1", Number: "WR-1", OwnerID: "tier2",
		LotID: "LOT-7", Commodity: "copper", Quantity: 40, Unit: "t"}})
	p, err := services.ProductNamed(linkfin.ProductWarehousePledge)
	if err != nil {
		t.Fatal(err)
	}
	req, err := p.Request(context.Background(), s.store, "tier2", &linkfin.FinancingIn{Product: linkfin.ProductWarehousePledge, ProgramID: "auto-scf",
		AssetID: "WR-1", FunderID: "bank"})
	if err != nil {
		t.Fatal(err)
	}
	var f linkfin.Financing
	json.Unmarshal(s.run(req), &f)
	s.run(p.Accept("tier2", &f))
	s.run(&services.DisburseFinancing{Actor: "bank", ID: f.ID})
	return s, f
}

func (s *site) receipt(id string) linkfin.WarehouseReceipt {
	s.t.Helper()
	o, err := s.store.Object(context.Background(), linkfin.KindWarehouseReceipt, id)
	if err != nil {
		s.t.Fatal(err)
	}
	var w linkfin.WarehouseReceipt
	json.Unmarshal(o.Data, &w)
	return w
}

// The warehouse's receipts: listed by status and as CSV; the receipt's page charts its
// counts against the quantity pledged; the warehouse counts the lot short and the loan
// freezes, which the receipt's chart marks and the financing's page shows. The owner
// and the funder see it and cannot count; a viewer cannot; a stranger sees nothing.
func TestWarehouseReceipts(t *testing.T) {
	s, f := pledged(t)
	port := s.as("port", linkfin.RoleFinance)
	code, page := port.get("/receipts?status=pledged")
	if code != http.StatusOK || !strings.Contains(page, `href="/receipts/WR-1"`) || !strings.Contains(page, `href="/receipts"`) {
		t.Fatalf("the port's pledged receipts: %d\n%s", code, page)
	}
	if _, page := port.get("/receipts?status=frozen"); strings.Contains(page, `href="/receipts/WR-1"`) {
		t.Fatal("a pledged receipt is listed as frozen")
	}
	code, csv := port.get("/receipts?format=csv")
	if code != http.StatusOK || !strings.HasPrefix(csv, "id,number,warehouse_id,owner_id") || !strings.Contains(csv, "WR-1,WR-1,port,tier2,LOT-7,copper,40,t,40,pledged") {
		t.Fatalf("CSV: %d\n%s", code, csv)
	}

	code, page = port.get("/receipts/WR-1")
	if code != http.StatusOK || !strings.Contains(page, `action="/receipts/WR-1/count"`) || !strings.Contains(page, `aria-label="Counts of the copper lot over time, against the 40 t receipted"`) {
		t.Fatalf("the port's receipt: %d\n%s", code, page)
	}
	for _, org := range []string{"tier2", "bank"} {
		code, other := s.as(org, linkfin.RoleAdmin).get("/receipts/WR-1")
		if code != http.StatusOK || strings.Contains(other, "/count") {
			t.Fatalf("%s's view of the receipt: %d\n%s", org, code, other)
		}
	}
	if code, _ := s.as("tier1", linkfin.RoleAdmin).get("/receipts/WR-1"); code != http.StatusNotFound {
		t.Fatalf("a stranger reads the receipt: %d", code)
	}
	viewer := s.as("port", linkfin.RoleViewer)
	_, vpage := viewer.get("/receipts/WR-1")
	if strings.Contains(vpage, "/count") {
		t.Fatal("a viewer is offered the count")
	}
	if code, _ := viewer.post("/receipts/WR-1/count", url.Values{"csrf": {hidden(vpage, "csrf")}, "idempotency_key": {"v"}, "quantity": {"1"}}); code != http.StatusForbidden {
		t.Fatalf("a viewer's count: %d", code)
	}
	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}, "quantity": {"3.5"}}
	if code, body := port.post("/receipts/WR-1/count", form); code != http.StatusUnprocessableEntity || !strings.Contains(body, `role="alert"`) {
		t.Fatalf("a count of 3.5: %d\n%s", code, body)
	}
	if s.receipt("WR-1").Observed != 40 {
		t.Fatal("refused counts changed the receipt")
	}

	// 38 t of 40: the loan freezes, once however often the form is sent.
	form.Set("quantity", "38")
	for range 2 {
		if code, body := port.post("/receipts/WR-1/count", form); code != http.StatusSeeOther {
			t.Fatalf("the count: %d\n%s", code, body)
		}
	}
	if w := s.receipt("WR-1"); w.Status != linkfin.ReceiptFrozen || w.Observed != 38 {
		t.Fatalf("after the count the receipt is %s, %d t", w.Status, w.Observed)
	}
	_, page = port.get("/receipts/WR-1")
	form = url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}, "quantity": {"37"}}
	if code, body := port.post("/receipts/WR-1/count", form); code != http.StatusSeeOther {
		t.Fatalf("a second count: %d\n%s", code, body)
	}

	_, page = s.as("tier2", linkfin.RoleViewer).get("/receipts/WR-1")
	svg := regexp.MustCompile(`(?s)<svg class="chart".*?</svg>`).FindString(page)
	if !strings.Contains(page, "the loan it backs is frozen") || svg == "" || !strings.Contains(svg, "<title>") {
		t.Fatalf("the frozen receipt:\n%s", page)
	}
	// Three counts — at issue, 38, 37 — one of which froze the loan, against the 40 t line.
	points := regexp.MustCompile(`<polyline class="counts" points="([^"]*)"`).FindStringSubmatch(svg)
	if points == nil || len(strings.Fields(points[1])) != 3 {
		t.Fatalf("the chart's counts: %v\n%s", points, svg)
	}
	if strings.Count(svg, `<circle class="froze"`) != 1 || strings.Count(svg, `<circle class="count"`) != 2 || !strings.Contains(svg, ">40 t</text>") {
		t.Fatalf("the chart marks the freeze wrong:\n%s", svg)
	}
	if !strings.Contains(svg, "38 t counted on") {
		t.Fatalf("the chart does not name the count that froze the loan:\n%s", svg)
	}
	if _, fpage := s.as("bank", linkfin.RoleViewer).get("/financings/" + f.ID); !strings.Contains(fpage, "frozen: the warehouse counted less than pledged") {
		t.Fatalf("the financing's page does not show it frozen:\n%s", fpage)
	}
	if _, list := port.get("/receipts?status=frozen"); !strings.Contains(list, `href="/receipts/WR-1"`) {
		t.Fatal("the frozen receipt is not listed as frozen")
	}
}
