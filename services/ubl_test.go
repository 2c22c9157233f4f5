package services_test

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
	"linkfin/ubl"
)

func parse(t *testing.T, name string) *ubl.Document {
	t.Helper()
	return parseString(t, sample(t, name))
}

func sample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../ubl/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func parseString(t *testing.T, s string) *ubl.Document {
	t.Helper()
	d, err := ubl.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// edited is the named sample with each old string replaced once by its new one.
func edited(t *testing.T, name string, pairs ...string) *ubl.Document {
	t.Helper()
	s := sample(t, name)
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("%s has no %q", name, pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return parseString(t, s)
}

func rules(err error) []string {
	var e *linkfin.Error
	if !errors.As(err, &e) {
		return nil
	}
	var out []string
	for _, v := range e.Violations {
		out = append(out, v.Rule)
	}
	return out
}

func TestInvoiceFromEInvoice(t *testing.T) {
	// The factoring sample: 2 lines, 92,000.00 EUR net, 23,000.00 VAT.
	inv, err := services.InvoiceFromEInvoice(parse(t, "en16931-bis3-factoring.xml"), "po-1", "buyer")
	if err != nil {
		t.Fatal(err)
	}
	if inv.Number != "7023708" || inv.Currency != "EUR" || inv.DueDate.String() != "2017-09-29" || len(inv.Lines) != 2 ||
		inv.Tax != 23_000_00 || inv.Total != 115_000_00 || inv.TypeCode != "380" || inv.SelfBilled {
		t.Fatalf("invoice = %+v", inv)
	}
	for _, l := range inv.Lines {
		if l.Quantity*l.UnitPrice != l.Amount || l.Priced() || l.DocumentLine == "" {
			t.Fatalf("line %+v does not multiply out", l)
		}
	}
	// What breaks EN 16931's arithmetic is refused, each rule named.
	_, err = services.InvoiceFromEInvoice(parse(t, "oasis-ubl-invoice-2.1-example.xml"), "po-1", "buyer")
	if linkfin.ErrorCode(err) != services.ERULES ||
		!reflect.DeepEqual(rules(err), []string{"BR-CO-15", "BR-CO-16", "PEPPOL-EN16931-R120"}) {
		t.Errorf("OASIS invoice: %v, rules %q", err, rules(err))
	}
	_, err = services.InvoiceFromEInvoice(parse(t, "oasis-ubl-creditnote-2.1-example.xml"), "po-1", "buyer")
	if linkfin.ErrorCode(err) != services.ETYPECODE {
		t.Errorf("a credit note as an invoice: %v", err)
	}
}

// What real invoices carry, on the PEPPOL base example: 7 days at 400 and −3 days at
// 500 on order line 123, and a 25.00 charge.
func TestInvoiceFromEInvoiceRealContent(t *testing.T) {
	const base = "peppol-bis3-base-example.xml"
	inv, err := services.InvoiceFromEInvoice(parse(t, base), "po-1", "buyer")
	if err != nil {
		t.Fatal(err)
	}
	want := []linkfin.InvoiceLine{
		{LineID: "123", Quantity: 7, UnitPrice: 400_00, Amount: 2800_00, DocumentLine: "1"},
		{LineID: "123", Quantity: -3, UnitPrice: 500_00, Amount: -1500_00, DocumentLine: "2"},
	}
	if !reflect.DeepEqual(inv.Lines, want) || inv.Charge != 25_00 || inv.Tax != 331_25 || inv.Total != 1656_25 {
		t.Fatalf("invoice = %+v", inv)
	}

	// A price finer than the cent, per 10 units, with a line allowance and charge:
	// 7 × 4000.125 / 10 = 2800.0875, − 1.00 + 0.91 = 2799.9975 → 2800.00.
	inv, err = services.InvoiceFromEInvoice(edited(t, base,
		`<cbc:PriceAmount currencyID="EUR">400</cbc:PriceAmount>`,
		`<cbc:PriceAmount currencyID="EUR">4000.125</cbc:PriceAmount><cbc:BaseQuantity unitCode="DAY">10</cbc:BaseQuantity>`,
		`<cac:Item>`, `<cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:Amount currencyID="EUR">1.00</cbc:Amount></cac:AllowanceCharge>`+
			`<cac:AllowanceCharge><cbc:ChargeIndicator>true</cbc:ChargeIndicator><cbc:Amount currencyID="EUR">0.91</cbc:Amount></cac:AllowanceCharge><cac:Item>`),
		"po-1", "buyer")
	if err != nil {
		t.Fatal(err)
	}
	l := inv.Lines[0]
	if l.UnitPrice != 0 || l.Price.String() != "4000.125" || l.BaseQuantity.String() != "10" || l.Allowance != 1_00 || l.Charge != 91 ||
		l.Amount != 2800_00 || !l.AmountOK(2) {
		t.Fatalf("line %+v", l)
	}
	if p := l.UnitPriceRat(2); p.String() != "160005/4" { // 400.0125 EUR = 40001.25 cents
		t.Fatalf("unit price %s cents", p)
	}

	// Prepaid and rounding: 1656.25 − 1000 + 0.05 = 656.30 is what the buyer owes.
	inv, err = services.InvoiceFromEInvoice(edited(t, base,
		`<cbc:PayableAmount currencyID="EUR">1656.25</cbc:PayableAmount>`,
		`<cbc:PrepaidAmount currencyID="EUR">1000</cbc:PrepaidAmount><cbc:PayableRoundingAmount currencyID="EUR">0.05</cbc:PayableRoundingAmount><cbc:PayableAmount currencyID="EUR">656.30</cbc:PayableAmount>`),
		"po-1", "buyer")
	if due, _ := inv.Due(); err != nil || inv.Prepaid != 1000_00 || inv.Rounding != 5 || due != 656_30 {
		t.Fatalf("invoice = %+v, due %d, %v", inv, due, err)
	}

	// No due date: the program's payment terms give it, later.
	inv, err = services.InvoiceFromEInvoice(edited(t, base, "<cbc:DueDate>2017-12-01</cbc:DueDate>", ""), "po-1", "buyer")
	if err != nil || !inv.DueDate.IsZero() {
		t.Fatalf("due %s, %v", inv.DueDate, err)
	}

	// A fraction of a unit is refused, not rounded.
	_, err = services.InvoiceFromEInvoice(edited(t, base, `<cbc:InvoicedQuantity unitCode="DAY">7</cbc:InvoicedQuantity>`,
		`<cbc:InvoicedQuantity unitCode="DAY">7.5</cbc:InvoicedQuantity>`,
		`<cbc:LineExtensionAmount currencyID= "EUR">2800</cbc:LineExtensionAmount>`, `<cbc:LineExtensionAmount currencyID= "EUR">3000</cbc:LineExtensionAmount>`,
		`<cbc:LineExtensionAmount currencyID="EUR">1300</cbc:LineExtensionAmount>`, `<cbc:LineExtensionAmount currencyID="EUR">1500</cbc:LineExtensionAmount>`,
		`<cbc:TaxExclusiveAmount currencyID="EUR">1325</cbc:TaxExclusiveAmount>`, `<cbc:TaxExclusiveAmount currencyID="EUR">1525</cbc:TaxExclusiveAmount>`,
		`<cbc:TaxAmount currencyID="EUR">331.25</cbc:TaxAmount>`, `<cbc:TaxAmount currencyID="EUR">381.25</cbc:TaxAmount>`,
		`<cbc:TaxAmount currencyID="EUR">331.25</cbc:TaxAmount>`, `<cbc:TaxAmount currencyID="EUR">381.25</cbc:TaxAmount>`,
		`<cbc:TaxInclusiveAmount currencyID="EUR">1656.25</cbc:TaxInclusiveAmount>`, `<cbc:TaxInclusiveAmount currencyID="EUR">1906.25</cbc:TaxInclusiveAmount>`,
		`<cbc:PayableAmount currencyID="EUR">1656.25</cbc:PayableAmount>`, `<cbc:PayableAmount currencyID="EUR">1906.25</cbc:PayableAmount>`),
		"po-1", "buyer")
	if linkfin.ErrorCode(err) != services.EUNBILLABLE || !strings.Contains(linkfin.ErrorMessage(err), "7.5") {
		t.Errorf("7.5 days: %v", err)
	}
}

// Invoice type codes are honoured or refused with their reason.
func TestInvoiceTypeCodes(t *testing.T) {
	const base = "peppol-bis3-base-example.xml"
	typed := func(code string) *ubl.Document {
		return edited(t, base, "<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>", "<cbc:InvoiceTypeCode>"+code+"</cbc:InvoiceTypeCode>")
	}
	for code, self := range map[string]bool{"380": false, "393": false, "326": false, "389": true} {
		inv, err := services.InvoiceFromEInvoice(typed(code), "po-1", "buyer")
		if err != nil || inv.TypeCode != code || inv.SelfBilled != self {
			t.Errorf("%s: %+v, %v", code, inv, err)
		}
	}
	for code, why := range map[string]string{"381": "CreditNote", "384": "credit note", "386": "prepayment", "383": "debit note", "71": "71"} {
		_, err := services.InvoiceFromEInvoice(typed(code), "po-1", "buyer")
		if linkfin.ErrorCode(err) != services.ETYPECODE || !strings.Contains(linkfin.ErrorMessage(err), why) {
			t.Errorf("%s: %v, want %s mentioning %q", code, err, services.ETYPECODE, why)
		}
	}
}

// CEN's credit note example, naming the invoice it credits.
func creditNote(t *testing.T, invoiceNumber string) *ubl.Document {
	return edited(t, "cen/ubl-tc434-creditnote1.xml", "<cac:InvoicePeriod>",
		"<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>"+invoiceNumber+"</cbc:ID></cac:InvoiceDocumentReference></cac:BillingReference><cac:InvoicePeriod>")
}

func TestCreditNoteFromEInvoice(t *testing.T) {
	n, ref, err := services.CreditNoteFromEInvoice(creditNote(t, "INV-9"))
	if err != nil || ref != "INV-9" || n.Number != "018304 / 28865" || n.Amount != 100_11 || n.Reason == "" {
		t.Fatalf("%+v %q %v", n, ref, err)
	}
	if _, _, err := services.CreditNoteFromEInvoice(parse(t, "cen/ubl-tc434-creditnote1.xml")); linkfin.ErrorCode(err) != services.EREFERENCE {
		t.Errorf("no reference: %v", err)
	}
	two := edited(t, "cen/ubl-tc434-creditnote1.xml", "<cac:InvoicePeriod>",
		"<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>A</cbc:ID></cac:InvoiceDocumentReference></cac:BillingReference>"+
			"<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>B</cbc:ID></cac:InvoiceDocumentReference></cac:BillingReference><cac:InvoicePeriod>")
	if _, _, err := services.CreditNoteFromEInvoice(two); linkfin.ErrorCode(err) != services.EREFERENCE {
		t.Errorf("two references: %v", err)
	}
	typed := edited(t, "cen/ubl-tc434-creditnote1.xml", "<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>", "<cbc:CreditNoteTypeCode>261</cbc:CreditNoteTypeCode>")
	if _, _, err := services.CreditNoteFromEInvoice(typed); linkfin.ErrorCode(err) != services.ETYPECODE {
		t.Errorf("a self-billed credit note: %v", err)
	}
	if _, _, err := services.CreditNoteFromEInvoice(parse(t, "peppol-bis3-base-example.xml")); linkfin.ErrorCode(err) != services.ETYPECODE {
		t.Errorf("an invoice as a credit note: %v", err)
	}
}
