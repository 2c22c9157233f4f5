package services_test

import (
	"context"
	"slices"
	"testing"

	"linkfin"
	"linkfin/services"
)

// An organization's name is another's if the two differ in invisible characters
// alone (a zero-width space, a word joiner, a soft hyphen, a mark of direction, a
// joiner, a variation selector): a second one is refused, organization_name_taken,
// and logs nothing. A name that needs a joiner, in Persian or in an emoji, is taken,
// and is the same name without it.
func TestOrganizationNameInvisible(t *testing.T) {
	w := newWorld(t)
	org := func(id, name string) *services.CreateOrganization {
		return &services.CreateOrganization{Org: linkfin.Organization{ID: id, Name: name, Capabilities: []linkfin.Capability{linkfin.CapTrade}}}
	}
	w.must(org("acme", "ACME"))
	for _, name := range []string{
		"AC\u200bME", "AC\u2060ME", "A\u00adCME", "ACME\u200e", "\u200fACME", "AC\u200dME", "AC\u200cME", "A\u034fCME", "ACME\ufe0f",
		"ac\u200bme", "Ａ\u200bＣＭＥ",
	} {
		w.refused(org("acme2", name), services.EORGNAMETAKEN)
	}
	persian := "می\u200cخواهم"                                   // a zero-width non-joiner inside a word
	family := "\U0001F468\u200d\U0001F469\u200d\U0001F467 Foods" // an emoji of zero-width joiners
	w.must(org("fa", persian), org("family", family))
	w.refused(org("fa2", "میخواهم"), services.EORGNAMETAKEN)
	w.refused(org("family2", "\U0001F468\U0001F469\U0001F467 foods"), services.EORGNAMETAKEN)
	if r, err := run[services.OrganizationResult](w, org("fa", persian)); err != nil || !r.Existed || r.Organization.Name != persian {
		t.Fatalf("the Persian name again: %+v, %v", r, err)
	}
}

// An organization whose name holds an invisible character, registered before names
// were compared without them, holds its name under the key of then. A new
// organization of the same name, character and all, is refused it at once; serve's
// run of RegisterOrganizationNames (OrganizationsUnnamed lists it, and no other)
// registers it under the name without the character, after which ACME is refused
// too. The organization's own retry finds its own record, and run again the command
// logs nothing.
func TestLegacyNameWithInvisible(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	org := func(id, name string) *services.CreateOrganization {
		return &services.CreateOrganization{Org: linkfin.Organization{ID: id, Name: name, Capabilities: []linkfin.Capability{linkfin.CapTrade}}}
	}
	restore := services.SetLegacyNameFold()
	w.must(org("zw", "AC\u200bME"), org("beta", "Beta Ltd"), org("zw-other", "Zeta\u2060 Co"), org("zeta", "Zeta Co"))
	restore()

	w.refused(org("zw2", "AC\u200bME"), services.EORGNAMETAKEN)
	w.refused(org("zw2", "ac\u200b me"), services.EORGNAMETAKEN)
	ids, err := services.OrganizationsUnnamed(ctx, w.db)
	if err != nil || !slices.Equal(ids, []string{"zw", "zw-other"}) {
		t.Fatalf("unnamed: %v, %v", ids, err)
	}
	r, err := run[services.NamesRegistered](w, &services.RegisterOrganizationNames{IDs: ids})
	if err != nil || !slices.Equal(r.Registered, []string{"zw"}) ||
		!slices.Equal(r.Shared, []services.SharedName{{ID: "zw-other", Name: "Zeta\u2060 Co", With: "zeta"}}) {
		t.Fatalf("registered: %+v, %v", r, err)
	}
	for _, name := range []string{"ACME", "A\u200bCME", "AC\u200bME"} {
		w.refused(org("acme", name), services.EORGNAMETAKEN)
	}
	if r, err := run[services.OrganizationResult](w, org("zw", "AC\u200bME")); err != nil || !r.Existed {
		t.Fatalf("its own retry: %+v, %v", r, err)
	}
	events := len(w.db.Events())
	if r, err := run[services.NamesRegistered](w, &services.RegisterOrganizationNames{IDs: []string{"zw", "zw-other", "beta"}}); err != nil ||
		len(r.Registered) != 0 || len(r.Shared) != 1 || len(w.db.Events()) != events {
		t.Fatalf("again: %+v, %v, %d events", r, err, len(w.db.Events())-events)
	}
	w.must(org("acme", "ACME Ltd"))
}

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
