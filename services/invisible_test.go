package services_test

import (
	"testing"

	"linkfin"
	"linkfin/services"
)

// legacyRecord writes a registry record as linkfin wrote it before numbers were
// compared without invisible characters, under the key of then.
type legacyRecord struct {
	kind, id string
	v        any
}

func (c *legacyRecord) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: c.kind, ID: c.id}}
}

func (c *legacyRecord) Apply(tx linkfin.Tx) (any, error) {
	return c.v, tx.Put(c.kind, c.id, c.v, c.kind+".registered")
}

// A document's number is another's if the two differ in invisible characters alone:
// the second is refused, duplicate_number. One registered before, with the character,
// under its key of then, is found by the same number, character and all; and a credit
// note finds its invoice by its number with an invisible character in it.
func TestDocumentNumberInvisible(t *testing.T) {
	w := newWorld(t)
	parties(w)
	order := func(id, number string) *services.CreatePurchaseOrder {
		return &services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: id, Number: number, SellerID: "tier1",
			ProgramID: "auto-scf", Currency: "CNY", Lines: []linkfin.POLine{{LineID: "L1", Item: "part", Quantity: 1, Unit: "pc", UnitPrice: 1_00}}}}
	}
	w.must(order("po-7", "PO-7"))
	for _, number := range []string{"PO-\u200b7", "PO-7\u2060", "PO-7\u00ad", "P\u200dO-7"} {
		w.refused(order("po-7b", number), linkfin.EDUPLICATENUMBER)
	}
	old := "PO-\u20608"
	key := linkfin.LegacyNumberKey("anchor", linkfin.KindPurchaseOrder, old)
	if key == "" || key == linkfin.NumberKey("anchor", linkfin.KindPurchaseOrder, old) {
		t.Fatalf("legacy key %q", key)
	}
	w.must(&legacyRecord{linkfin.KindNumber, key, &struct {
		ID       string `json:"id"`
		RecordID string `json:"record_id"`
	}{key, "po-old"}})
	w.refused(order("po-8", old), linkfin.EDUPLICATENUMBER)

	payable(w, "9", 10, 1_00, "2027-01-04")
	note := linkfin.CreditNote{ID: "cn-9", Number: "CN-9", Amount: 1_00, Reason: "a scratch"}
	cn, err := run[linkfin.CreditNote](w, &services.CreateCreditNote{Actor: "tier1", Note: note, InvoiceNumber: "INV-\u200b9"})
	if err != nil || cn.InvoiceID != "inv-9" {
		t.Fatalf("a credit note of INV-\u200b9: %+v, %v", cn, err)
	}
}

// An invoice number is another's, between the same seller and buyer, if the two
// differ in invisible characters alone, even inside a run of digits: the second is
// refused, duplicate_invoice, and cannot be financed twice. One registered before,
// under its key of then ("inv22" for INV-2\u200b002), is found by the same number.
func TestInvoiceNumberInvisible(t *testing.T) {
	w := newWorld(t)
	parties(w)
	payable(w, "1002", 10, 1_00, "2027-01-04")
	dup := linkfin.Invoice{ID: "inv-dup", BuyerID: "anchor", POID: "po-1002", Currency: "CNY", IssueDate: day(t, "2026-11-02"),
		DueDate: day(t, "2027-01-04"), Lines: []linkfin.InvoiceLine{{LineID: "L1", Quantity: 10, UnitPrice: 1_00, Amount: 10_00}}, Total: 10_00}
	for _, number := range []string{"INV-1\u200b002", "INV-10\u206002", "INV-1\u00ad002", "INV-100\u200e2"} {
		dup.Number = number
		w.refused(&services.CreateInvoice{Actor: "tier1", Invoice: dup}, "duplicate_invoice")
	}
	old := "INV-2\u200b002"
	key := linkfin.LegacyInvoiceNumberKey("tier1", "anchor", old)
	if key != "tier1~anchor~inv22" {
		t.Fatalf("legacy key %q", key)
	}
	w.must(&legacyRecord{linkfin.KindInvoiceNumber, key, &linkfin.InvoiceNumber{ID: key, InvoiceID: "inv-old"}})
	dup.Number = old
	w.refused(&services.CreateInvoice{Actor: "tier1", Invoice: dup}, "duplicate_invoice")
	dup.Number = "INV-2002"
	w.must(&services.CreateInvoice{Actor: "tier1", Invoice: dup})
}
