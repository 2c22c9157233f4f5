package http_test

import (
	"fmt"
	"net/http"
	"reflect"
	"testing"

	"linkfin"
	"linkfin/services"
)

// TestInvisibleCharacters: a name, an invoice number or a document number that
// differs from one taken in invisible characters alone (a zero-width space, a word
// joiner, a soft hyphen, a mark of direction) reads as it, and is refused with the
// code of a duplicate: 409 organization_name_taken, 422 duplicate_invoice, 422
// duplicate_number. A line or paragraph separator in a name, and a byte order mark in
// any text, answer 400 invalid; none of them changes anything. A list filtered by a
// number finds it with an invisible character too. A name that needs a joiner, in
// Persian or in an emoji, is taken.
func TestInvisibleCharacters(t *testing.T) {
	p := newPlatform(t)
	p.mustCreate("/v1/organizations", `{"id":"acme","name":"ACME","capabilities":["trade"]}`)
	var inv linkfin.Invoice
	invoice := `{"number":%q,"buyer_id":"anchor","po_id":"PO-1","currency":"CNY","issue_date":"%s","due_date":"%s",` +
		`"lines":[{"line_id":"1","quantity":1,"unit_price":100000,"amount":100000}],"tax":0,"total":100000}`
	today := linkfin.DateOf(p.clock.Now())
	wantJSON(t, p.as("tier1", "POST", "/v1/invoices", fmt.Sprintf(invoice, "INV-1002", today, today.AddDays(60))), http.StatusCreated, &inv)
	base := p.snapshot()
	for _, name := range []string{`AC\u200bME`, `AC\u2060ME`, `\u00adACME`, `ACME\u200e`, `A\u200dCME`} {
		wantProblem(t, p.as("operator", "POST", "/v1/organizations", `{"id":"acme2","name":"`+name+`","capabilities":["trade"]}`),
			http.StatusConflict, services.EORGNAMETAKEN)
	}
	for _, number := range []string{"INV-1\u200b002", "INV-10\u206002", "INV-1\u00ad002"} {
		wantProblem(t, p.as("tier1", "POST", "/v1/invoices", fmt.Sprintf(invoice, number, today, today.AddDays(60))),
			http.StatusUnprocessableEntity, "duplicate_invoice")
	}
	wantProblem(t, p.as("anchor", "POST", "/v1/purchase-orders",
		`{"number":"PO-\u200b1","seller_id":"tier1","currency":"CNY","lines":[{"line_id":"1","item":"x","quantity":1,"unit":"EA","unit_price":100}]}`),
		http.StatusUnprocessableEntity, linkfin.EDUPLICATENUMBER)
	for _, name := range []string{`Acme\u2028Castings`, `Acme\u2029Castings`, `\ufeffAcme Castings`, `Acme\ufeff`} {
		wantProblem(t, p.as("operator", "POST", "/v1/organizations", `{"id":"acme3","name":"`+name+`","capabilities":["trade"]}`),
			http.StatusBadRequest, linkfin.EINVALID)
	}
	wantProblem(t, p.as("tier1", "POST", "/v1/invoices", fmt.Sprintf(invoice, "INV-\ufeff7", today, today.AddDays(60))),
		http.StatusBadRequest, linkfin.EINVALID)
	if after := p.snapshot(); !reflect.DeepEqual(after, base) {
		t.Fatal("a refused create changed the store")
	}
	// A list filtered by the number with a zero-width space finds the invoice, as the
	// registry does.
	var list linkfin.List[linkfin.Invoice]
	wantJSON(t, p.as("tier1", "GET", "/v1/invoices?number=INV-1%E2%80%8B002", ""), http.StatusOK, &list)
	if len(list.Data) != 1 || list.Data[0].ID != inv.ID {
		t.Fatalf("the invoices numbered %q: %+v", "INV-1\u200b002", list.Data)
	}
	var o linkfin.Organization
	for _, name := range []string{"می\u200cخواهم", "\U0001F468\u200d\U0001F469\u200d\U0001F467 Foods"} {
		wantJSON(t, p.as("operator", "POST", "/v1/organizations", fmt.Sprintf(`{"id":"org-%d","name":%q,"capabilities":["trade"]}`, len(name), name)),
			http.StatusCreated, &o)
		if o.Name != name {
			t.Fatalf("name %q kept as %q", name, o.Name)
		}
	}
}

// TestInvisibleInIdentifiers: an identifier that differs from a registered one in
// invisible characters alone, of any kind Unicode makes default ignorable (a
// variation selector, U+034F, a Hangul filler, a Mongolian free variation selector,
// U+17B4, as well as a zero-width space), is it: another organization is refused it,
// 409 identifier_taken, and nothing changes. A value of invisible characters alone
// answers 400 invalid.
func TestInvisibleInIdentifiers(t *testing.T) {
	p := newPlatform(t)
	wantJSON(t, p.as("tier1", "POST", "/v1/organizations/tier1/identifiers", `{"type":"legal","value":"91310000MA1FL5LX3Q"}`), http.StatusOK, nil)
	wantJSON(t, p.as("tier1", "POST", "/v1/organizations/tier1/identifiers", `{"type":"vat","value":"DE123456789"}`), http.StatusOK, nil)
	base := p.snapshot()
	for _, c := range []string{`\ufe0f`, `\ufe00`, `\u034f`, `\u115f`, `\u3164`, `\uffa0`, `\u17b4`, `\u180b`, `\u200b`} {
		wantProblem(t, p.as("tier2", "POST", "/v1/organizations/tier2/identifiers", `{"type":"legal","value":"91310000MA1FL5LX3`+c+`Q"}`),
			http.StatusConflict, services.EIDENTIFIERTAKEN)
		wantProblem(t, p.as("tier2", "POST", "/v1/organizations/tier2/identifiers", `{"type":"vat","value":"DE`+c+` 123456789"}`),
			http.StatusConflict, services.EIDENTIFIERTAKEN)
	}
	wantProblem(t, p.as("tier2", "POST", "/v1/organizations/tier2/identifiers", `{"type":"legal","value":"\u3164\u3164"}`),
		http.StatusBadRequest, linkfin.EINVALID)
	if after := p.snapshot(); !reflect.DeepEqual(after, base) {
		t.Fatal("a refused identifier changed the store")
	}
}
