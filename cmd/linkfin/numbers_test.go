package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"linkfin"
	"linkfin/client"
)

// TestNumbersKeyedAgain starts serve on a database whose numbers were registered
// before they were compared without invisible characters: the anchor's order
// "PO-", U+2060, "8" under its number with the word joiner, tier1's invoice "INV-1",
// U+200B, "002" as INV-1-002 (inv12) and under its number with the zero-width space,
// and, beside PO-9 and INV-3003 registered as now, "PO-", U+200B, "9" and "INV-3",
// U+200B, "003". serve registers the first two under their keys now, once, so that
// INV-1002 is refused between tier1 and the anchor (422 duplicate_invoice) and PO-8 to
// the anchor (422 duplicate_number), with the character or without it, and logs the
// other two, whose keys now PO-9 and INV-3003 hold, as warnings; ?number=INV-1002
// lists the old invoice; verify passes, and a later start registers nothing.
func TestNumbersKeyedAgain(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	s := serve(t, "--data", dir, "--demo")
	keys := map[string]string{}
	for _, m := range demoKey.FindAllStringSubmatch(s.stdout.String(), -1) {
		keys[strings.ToLower(m[1])] = m[2]
	}
	ctx := context.Background()
	url := "http://" + s.addr
	anchor, tier1 := client.New(url, keys["anchor"]), client.New(url, keys["tier1"])
	today := linkfin.BusinessDate(time.Now())
	order := func(number string) client.PurchaseOrderIn {
		return client.PurchaseOrderIn{Number: number, SellerID: "tier1", ProgramID: "auto-scf", Currency: "CNY",
			Lines: []client.POLineIn{{LineID: "1", Item: "rotor", Quantity: 100, Unit: "pc", UnitPrice: 1_000_00}}}
	}
	po, err := anchor.CreatePurchaseOrder(ctx, order("PO-9"))
	if err == nil {
		_, err = tier1.AcceptPurchaseOrder(ctx, po.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	invoice := func(number string, total int64) client.InvoiceIn {
		return client.InvoiceIn{Number: number, BuyerID: "anchor", POID: po.ID, Currency: "CNY", IssueDate: today, DueDate: today.AddDays(60),
			Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: 1, UnitPrice: total, Amount: total}}, Total: total}
	}
	inv3003, err := tier1.CreateInvoice(ctx, invoice("INV-3003", 3003_00))
	if err != nil {
		t.Fatal(err)
	}
	if code := s.stop(); code != 0 {
		t.Fatalf("serve: exit %d\n%s", code, s.stderr)
	}

	// The registries as linkfin wrote them before numbers were compared without
	// invisible characters, and no mark that they were registered so.
	var cs []linkfin.Command
	number := func(key, record string) {
		cs = append(cs, &legacyRecord{linkfin.KindNumber, key, &struct {
			ID       string `json:"id"`
			RecordID string `json:"record_id"`
		}{key, record}, "document_number.registered"})
	}
	number("anchor~purchase_order~PO-\u20608", "po-old")
	number("anchor~purchase_order~PO-\u200b9", "po-9-old")
	for _, l := range []struct{ id, number, key string }{
		{"inv-old", "INV-1\u200b002", "tier1~anchor~inv12"}, {"inv-3003-old", "INV-3\u200b003", "tier1~anchor~inv33"},
	} {
		in := invoice(l.number, 10_00)
		inv := &linkfin.Invoice{ID: l.id, Number: l.number, SellerID: "tier1", BuyerID: "anchor", POID: po.ID, ProgramID: "auto-scf",
			Currency: "CNY", IssueDate: today, DueDate: in.DueDate, Lines: in.Lines, Total: in.Total, Status: linkfin.InvoiceMismatched, CreatedAt: time.Now()}
		cs = append(cs, &legacyRecord{linkfin.KindInvoice, l.id, inv, "invoice.submitted"},
			&legacyRecord{linkfin.KindInvoiceNumber, l.key, &linkfin.InvoiceNumber{ID: l.key, InvoiceID: l.id}, "invoice_number.registered"})
		number("tier1~invoice~"+l.number, l.id)
	}
	writeLegacy(t, dir, map[string]string{metaNumbersKey: ""}, cs...)

	s = serve(t, "--data", dir)
	url = "http://" + s.addr
	anchor, tier1 = client.New(url, keys["anchor"]), client.New(url, keys["tier1"])
	refused := func(what string, err error, code string) {
		t.Helper()
		var e *client.Error
		if !errors.As(err, &e) || e.Status != http.StatusUnprocessableEntity || e.Code != code {
			t.Fatalf("%s: %v, want 422 %s", what, err, code)
		}
	}
	for _, n := range []string{"INV-1002", "INV-1\u200b002", "INV-100\u20602"} {
		_, err := tier1.CreateInvoice(ctx, invoice(n, 1002_00))
		refused(n, err, "duplicate_invoice")
	}
	for _, n := range []string{"PO-8", "PO-\u20608", "PO-\u200b8"} {
		_, err := anchor.CreatePurchaseOrder(ctx, order(n))
		refused(n, err, linkfin.EDUPLICATENUMBER)
	}
	var page struct{ Data []linkfin.Invoice }
	b := s.want("GET", "/v1/invoices?number=INV-1002", keys["tier1"], "", http.StatusOK)
	if err := json.Unmarshal(b, &page); err != nil || len(page.Data) != 1 || page.Data[0].ID != "inv-old" {
		t.Fatalf("?number=INV-1002: %v\n%s", err, b)
	}
	if code := s.stop(); code != 0 {
		t.Fatalf("serve: exit %d\n%s", code, s.stderr)
	}
	logged := s.stderr.String()
	for _, want := range []string{"numbers=2 invoice_numbers=1", "record=po-9-old holder=" + po.ID, "kind=invoice number=\"INV-3\\u200b003\" record=inv-3003-old holder=" + inv3003.ID,
		"record=inv-3003-old holder=" + inv3003.ID + " buyer=anchor"} {
		if !strings.Contains(logged, want) {
			t.Fatalf("serve logged no %s:\n%s", want, logged)
		}
	}
	if code, stdout, stderr := cli(t, "verify", "--data", dir); code != 0 || !strings.Contains(stdout, "\nOK: ") {
		t.Fatalf("verify: exit %d\n%s%s", code, stdout, stderr)
	}
	s = serve(t, "--data", dir)
	if code := s.stop(); code != 0 || strings.Contains(s.stderr.String(), "holder=") || strings.Contains(s.stderr.String(), "registered the numbers") {
		t.Fatalf("serve again: exit %d\n%s", code, s.stderr)
	}
}

// legacyRecord writes a record as linkfin wrote it before, and logs it as the event
// event.
type legacyRecord struct {
	kind, id string
	v        any
	event    string
}

func (c *legacyRecord) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: c.kind, ID: c.id}}
}

func (c *legacyRecord) Apply(tx linkfin.Tx) (any, error) {
	return c.v, tx.Put(c.kind, c.id, c.v, c.event)
}
