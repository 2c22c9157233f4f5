package ubl

import (
	"strings"
	"testing"

	"linkfin"
)

// thirdPartyInvoice is the small invoice of oioublInvoice made EN 16931's (its
// TaxExclusiveAmount the 1000.00 without VAT) under the specification identifier
// customization, with the cac:PrepaidPayment elements payments before its TaxTotal and
// payable as its PayableAmount.
func thirdPartyInvoice(customization, payments, payable string) string {
	s := oioublInvoice("Invoice", customization)
	for _, r := range [][2]string{
		{`<cbc:TaxExclusiveAmount currencyID="DKK">250.00<`, `<cbc:TaxExclusiveAmount currencyID="DKK">1000.00<`},
		{" <cac:TaxTotal>", payments + " <cac:TaxTotal>"},
		{`<cbc:PayableAmount currencyID="DKK">1250.00<`, `<cbc:PayableAmount currencyID="DKK">` + payable + `<`},
	} {
		s = strings.Replace(s, r[0], r[1], 1)
	}
	return s
}

// TestXRechnungThirdPartyPayments: an invoice of XRechnung's extension that gives
// third-party payments (cac:PrepaidPayment, BG-DEX-09), which its PayableAmount adds to
// what the buyer owes, is refused as ubl_invalid saying so; without the extension's
// identifier a cac:PrepaidPayment is UBL's prepayment, read as before, and so is an
// invoice of the extension that gives none.
func TestXRechnungThirdPartyPayments(t *testing.T) {
	const ext = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0#conformant#urn:xeinkauf.de:kosit:extension:xrechnung_3.0"
	const payments = ` <cac:PrepaidPayment><cbc:ID>Parking</cbc:ID><cbc:PaidAmount currencyID="DKK">40.00</cbc:PaidAmount></cac:PrepaidPayment>
 <cac:PrepaidPayment><cbc:ID>Toll</cbc:ID><cbc:PaidAmount currencyID="DKK">10.00</cbc:PaidAmount></cac:PrepaidPayment>
`
	_, err := Parse(strings.NewReader(thirdPartyInvoice(ext, payments, "1300.00")))
	if linkfin.ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), "gives 2 third-party payment(s) (cac:PrepaidPayment, BG-DEX-09)") {
		t.Errorf("third-party payments: %v, want %s naming them", err, EINVALID)
	}
	for _, c := range []struct{ name, customization, payments string }{
		{"a prepayment of EN 16931", "urn:cen.eu:en16931:2017", payments},
		{"the extension without third-party payments", ext, ""},
	} {
		doc, err := Parse(strings.NewReader(thirdPartyInvoice(c.customization, c.payments, "1250.00")))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if doc.Payable != (linkfin.Money{Amount: 1250_00, Currency: "DKK"}) || doc.Check() != nil {
			t.Errorf("%s: payable %+v, rules broken %q", c.name, doc.Payable, doc.Check())
		}
	}
}
