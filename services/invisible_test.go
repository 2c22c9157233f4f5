package services_test

import (
	"context"
	"encoding/json"
	"reflect"
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
// were compared without them, holds its name under the key of then, which
// CreateOrganization does not read: it reads the same records for a name with the
// character and without it. serve's run of RegisterOrganizationNames
// (OrganizationsUnnamed lists it, and no other) registers it under the name without
// the character, after which a new organization of the same name, character and
// all, is refused it, and so is ACME. The organization's own retry finds its own
// record, and run again the command logs nothing.
func TestLegacyNameWithInvisible(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	org := func(id, name string) *services.CreateOrganization {
		return &services.CreateOrganization{Org: linkfin.Organization{ID: id, Name: name, Capabilities: []linkfin.Capability{linkfin.CapTrade}}}
	}
	restore := services.SetLegacyNameFold()
	w.must(org("zw", "AC\u200bME"), org("beta", "Beta Ltd"), org("zw-other", "Zeta\u2060 Co"), org("zeta", "Zeta Co"))
	restore()

	if a, b := org("zw2", "AC\u200bME").Keys(), org("zw2", "ACME").Keys(); !slices.Equal(a, b) {
		t.Fatalf("AC\u200bME reads %v, ACME %v", a, b)
	}
	ids, err := services.OrganizationsUnnamed(ctx, w.db)
	if err != nil || !slices.Equal(ids, []string{"zw", "zw-other"}) {
		t.Fatalf("unnamed: %v, %v", ids, err)
	}
	r, err := run[services.NamesRegistered](w, &services.RegisterOrganizationNames{IDs: ids})
	if err != nil || !slices.Equal(r.Registered, []string{"zw"}) ||
		!slices.Equal(r.Shared, []services.SharedName{{ID: "zw-other", Name: "Zeta\u2060 Co", With: "zeta"}}) {
		t.Fatalf("registered: %+v, %v", r, err)
	}
	for _, name := range []string{"AC\u200bME", "ac\u200b me", "ACME", "A\u200bCME"} {
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

// registerNumbers lists the numbers registered before they were compared without
// invisible characters that the registries do not hold under their keys now, wants
// them to be want, and registers them again, as linkfin serve does once; a second
// run writes nothing.
func registerNumbers(w *world, want services.UnregisteredNumbers) *services.NumbersRegistered {
	w.t.Helper()
	listed, err := services.NumbersUnregistered(context.Background(), w.db)
	if err != nil || !reflect.DeepEqual(listed, want) {
		w.t.Fatalf("unregistered: %+v, %v; want %+v", listed, err, want)
	}
	res, err := run[services.NumbersRegistered](w, &services.RegisterNumbers{UnregisteredNumbers: listed})
	if err != nil {
		w.t.Fatal(err)
	}
	events := len(w.db.Events())
	if again, err := run[services.NumbersRegistered](w, &services.RegisterNumbers{UnregisteredNumbers: listed}); err != nil ||
		again.Numbers != 0 || again.Invoices != 0 || !reflect.DeepEqual(again.Shared, res.Shared) || len(w.db.Events()) != events {
		w.t.Fatalf("registered again: %+v, %v, %d events", again, err, len(w.db.Events())-events)
	}
	return res
}

// A document's number is another's if the two differ in invisible characters alone:
// the second is refused, duplicate_number. One registered before, with the character,
// under its key of then, is registered under its key now (RegisterNumbers, as linkfin
// serve runs it once), after which it is refused with the character or without it;
// one whose key now another document holds is left as it is. A credit note finds its
// invoice by its number with an invisible character in it.
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
	// The registry of then: PO-\u20608 under its key with the word joiner, and
	// PO-\u200b7 beside PO-7.
	for _, l := range [][2]string{{"anchor~purchase_order~PO-\u20608", "po-old"}, {"anchor~purchase_order~PO-\u200b7", "po-7-old"}} {
		if l[0] == linkfin.NumberKey("anchor", linkfin.KindPurchaseOrder, "PO-\u20608") {
			t.Fatalf("%q is the key now", l[0])
		}
		w.must(&legacyRecord{linkfin.KindNumber, l[0], &struct {
			ID       string `json:"id"`
			RecordID string `json:"record_id"`
		}{l[0], l[1]}})
	}
	res := registerNumbers(w, services.UnregisteredNumbers{Numbers: []string{"anchor~purchase_order~PO-\u200b7", "anchor~purchase_order~PO-\u20608"}})
	if want := []services.SharedNumber{{Org: "anchor", Kind: linkfin.KindPurchaseOrder, Number: "PO-\u200b7", ID: "po-7-old", With: "po-7"}}; res.Numbers != 1 ||
		res.Invoices != 0 || !reflect.DeepEqual(res.Shared, want) {
		t.Fatalf("registered %+v", res)
	}
	for _, number := range []string{"PO-\u20608", "PO-8", "PO-\u200b8"} {
		w.refused(order("po-8", number), linkfin.EDUPLICATENUMBER)
	}

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
// under its key of then ("inv22" for INV-2\u200b002), is registered under its key now
// (RegisterNumbers, as linkfin serve runs it once), after which INV-2002 is refused,
// and so is the same number; INV-2-002 meets the record of then, which stays. One
// whose key now another invoice holds is left as it is.
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
	// The registries of then: INV-2\u200b002 as inv22, and INV-1\u200b002, beside
	// INV-1002, as inv12.
	for _, l := range []struct{ id, number, key string }{
		{"inv-old", "INV-2\u200b002", "tier1~anchor~inv22"}, {"inv-1002-old", "INV-1\u200b002", "tier1~anchor~inv12"},
	} {
		if l.key == linkfin.InvoiceNumberKey("tier1", "anchor", l.number) {
			t.Fatalf("%q is the key now", l.key)
		}
		old := dup
		old.ID, old.Number, old.SellerID, old.Status = l.id, l.number, "tier1", linkfin.InvoiceMatched
		w.must(&legacyRecord{linkfin.KindInvoice, l.id, &old},
			&legacyRecord{linkfin.KindInvoiceNumber, l.key, &linkfin.InvoiceNumber{ID: l.key, InvoiceID: l.id}})
	}
	res := registerNumbers(w, services.UnregisteredNumbers{Invoices: []string{"inv-1002-old", "inv-old"}})
	if want := []services.SharedNumber{{Org: "tier1", Buyer: "anchor", Kind: linkfin.KindInvoice, Number: "INV-1\u200b002", ID: "inv-1002-old", With: "inv-1002"}}; res.Numbers != 0 ||
		res.Invoices != 1 || !reflect.DeepEqual(res.Shared, want) {
		t.Fatalf("registered %+v", res)
	}
	for _, number := range []string{"INV-2002", "INV-2\u200b002", "INV-20\u200b02", "INV-2-002"} {
		dup.Number = number
		w.refused(&services.CreateInvoice{Actor: "tier1", Invoice: dup}, "duplicate_invoice")
	}
	dup.Number = "INV-2003"
	w.must(&services.CreateInvoice{Actor: "tier1", Invoice: dup})
}

// An identifier is another's if the two differ in invisible characters alone: every
// default ignorable code point, not the format characters alone (a variation
// selector, U+034F, the Hangul fillers, U+17B4, a Mongolian free variation selector,
// as well as a zero-width space). Another organization is refused it,
// identifier_taken, and the registering one's own retry changes nothing. A value, or
// an endpoint's scheme, of invisible characters alone names nothing: invalid.
func TestIdentifierInvisible(t *testing.T) {
	w := newWorld(t)
	for _, id := range []string{"tier1", "tier2"} {
		w.must(&services.CreateOrganization{Org: linkfin.Organization{ID: id, Name: id, Capabilities: []linkfin.Capability{linkfin.CapTrade}}})
	}
	legal := func(value string) linkfin.Identifier {
		return linkfin.Identifier{Type: linkfin.IdentifierLegal, Value: value}
	}
	vat := func(value string) linkfin.Identifier {
		return linkfin.Identifier{Type: linkfin.IdentifierVAT, Value: value}
	}
	endpoint := func(scheme, value string) linkfin.Identifier {
		return linkfin.Identifier{Type: linkfin.IdentifierEndpoint, Scheme: scheme, Value: value}
	}
	w.must(
		&services.RegisterIdentifier{Actor: "tier1", OrgID: "tier1", Identifier: legal("91310000MA1FL5LX3Q")},
		&services.RegisterIdentifier{Actor: "tier1", OrgID: "tier1", Identifier: vat("DE123456789")},
		&services.RegisterIdentifier{Actor: "tier1", OrgID: "tier1", Identifier: endpoint("0088", "5790000435975")},
	)
	for _, c := range []string{"\ufe0f", "\ufe00", "\U000e0100", "\u034f", "\u115f", "\u1160", "\u3164", "\uffa0", "\u17b4", "\u17b5",
		"\u180b", "\u180f", "\u200b", "\u2060", "\u00ad"} {
		for _, i := range []linkfin.Identifier{legal("91310000MA1FL5LX3" + c + "Q"), legal(c + "91310000ma1fl5lx3q"), vat("DE 123" + c + "456789"),
			endpoint("00"+c+"88", "5790000435975"), endpoint("0088", "579000"+c+"0435975")} {
			w.refused(&services.RegisterIdentifier{Actor: "tier2", OrgID: "tier2", Identifier: i}, services.EIDENTIFIERTAKEN)
			events := len(w.db.Events())
			if o, err := run[linkfin.Organization](w, &services.RegisterIdentifier{Actor: "tier1", OrgID: "tier1", Identifier: i}); err != nil ||
				len(o.Identifiers) != 3 || len(w.db.Events()) != events {
				t.Fatalf("tier1's own %q again: %+v, %v, %d events", i, o, err, len(w.db.Events())-events)
			}
		}
	}
	for _, i := range []linkfin.Identifier{legal("\u3164\u3164"), legal("\ufe0f"), endpoint("\u034f", "5790000435975")} {
		w.refused(&services.RegisterIdentifier{Actor: "tier2", OrgID: "tier2", Identifier: i}, linkfin.EINVALID)
	}
}

// An identifier registered before Key left out every invisible character, holding
// one that Key kept then, is under its key of then: IdentifiersUnregistered lists it,
// and RegisterIdentifier (as linkfin serve runs it, once) registers it under its key
// now, without listing it twice, after which another organization is refused it
// written with or without the character. One that another organization holds as it
// reads now is listed, refused and left as it is. The organization's own retry finds
// its record, and it removes the identifier as it reads.
func TestLegacyIdentifierWithInvisible(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	for _, id := range []string{"tier1", "tier2", "anchor"} {
		w.must(&services.CreateOrganization{Org: linkfin.Organization{ID: id, Name: id, Capabilities: []linkfin.Capability{linkfin.CapTrade}}})
	}
	old := linkfin.Identifier{Type: linkfin.IdentifierLegal, Value: "91310000MA1FL5LX3\ufe0fQ"}
	shared := linkfin.Identifier{Type: linkfin.IdentifierVAT, Value: "CN55\u180b66"}
	w.must(&services.RegisterIdentifier{OrgID: "anchor", Identifier: linkfin.Identifier{Type: linkfin.IdentifierVAT, Value: "CN5566"}})
	// The database of then: each organization lists its identifier, held under its key of then.
	for _, l := range []struct {
		org, key string
		id       linkfin.Identifier
	}{{"tier1", "legal~~91310000MA1FL5LX3\ufe0fQ", old}, {"tier2", "vat~~CN55\u180b66", shared}} {
		if l.key == l.id.Key() {
			t.Fatalf("%s: the key of then is the key now", l.key)
		}
		obj, err := w.db.Object(ctx, linkfin.KindOrganization, l.org)
		if err != nil {
			t.Fatal(err)
		}
		var o linkfin.Organization
		if err := json.Unmarshal(obj.Data, &o); err != nil {
			t.Fatal(err)
		}
		o.Identifiers = []linkfin.Identifier{l.id}
		w.must(&legacyRecord{linkfin.KindIdentifier, l.key, &linkfin.IdentifierHolder{ID: l.key, OrgID: l.org, Identifier: l.id}},
			&legacyRecord{linkfin.KindOrganization, l.org, &o})
	}

	listed, err := services.IdentifiersUnregistered(ctx, w.db)
	want := []services.UnregisteredIdentifier{{OrgID: "tier1", Identifier: old}, {OrgID: "tier2", Identifier: shared}}
	if err != nil || !reflect.DeepEqual(listed, want) {
		t.Fatalf("unregistered: %+v, %v", listed, err)
	}
	o, err := run[linkfin.Organization](w, &services.RegisterIdentifier{OrgID: "tier1", Identifier: old})
	if err != nil || !reflect.DeepEqual(o.Identifiers, []linkfin.Identifier{old}) {
		t.Fatalf("tier1's registered again: %+v, %v", o, err)
	}
	w.refused(&services.RegisterIdentifier{OrgID: "tier2", Identifier: shared}, services.EIDENTIFIERTAKEN)
	for _, value := range []string{"91310000MA1FL5LX3Q", "91310000MA1FL5LX3\ufe0fQ", "91310000MA1FL5LX3\u034fQ"} {
		w.refused(&services.RegisterIdentifier{Actor: "anchor", OrgID: "anchor", Identifier: linkfin.Identifier{Type: linkfin.IdentifierLegal, Value: value}},
			services.EIDENTIFIERTAKEN)
	}
	events := len(w.db.Events())
	if o, err := run[linkfin.Organization](w, &services.RegisterIdentifier{Actor: "tier1", OrgID: "tier1", Identifier: old}); err != nil ||
		len(o.Identifiers) != 1 || len(w.db.Events()) != events {
		t.Fatalf("tier1's own retry: %+v, %v, %d events", o, err, len(w.db.Events())-events)
	}
	if listed, err := services.IdentifiersUnregistered(ctx, w.db); err != nil || !reflect.DeepEqual(listed, want[1:]) {
		t.Fatalf("unregistered after: %+v, %v", listed, err)
	}
	plain := linkfin.Identifier{Type: linkfin.IdentifierLegal, Value: "91310000MA1FL5LX3Q"}
	if o, err := run[linkfin.Organization](w, &services.RemoveIdentifier{Actor: "tier1", OrgID: "tier1", Identifier: plain}); err != nil || len(o.Identifiers) != 0 {
		t.Fatalf("tier1 removes it: %+v, %v", o, err)
	}
	w.must(&services.RegisterIdentifier{Actor: "anchor", OrgID: "anchor", Identifier: plain})
}
