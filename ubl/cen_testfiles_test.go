package ubl

import (
	"bytes"
	"linkfin/internal/shareddocs"
	"testing"

	"linkfin"
)

// TestCENTestFiles reads test documents of the CEN/TC 434 validation artefacts
// (test/testfiles/ of ConnectingEurope/eInvoicing-EN16931, kept with the shared test
// documents; their NOTICE says where each comes from), which break none of the rules
// Check knows: an invoice in USD whose VAT is also given in SEK, the accounting
// currency (TaxCurrencyCode), and only the USD figures count; a reverse-charged one
// (category AE, no VAT); a final invoice after an advance payment (PrepaidAmount); a
// negative invoice that credits an earlier one, with a negative prepaid amount and a
// rounding written with a plus sign (+0.10); and the credit note and invoice that give
// every element EN 16931 has. The figures were read from the documents by eye.
func TestCENTestFiles(t *testing.T) {
	sek := func(minor int64) linkfin.Money { return linkfin.Money{Amount: minor, Currency: "SEK"} }
	for _, c := range []struct {
		file, kind, id                                        string
		lines                                                 int
		lineTotal, tax, inclusive, prepaid, rounding, payable linkfin.Money
	}{
		{"BIS_Billing_30-Valutor i faktura.xml", KindInvoice, "800018", 2,
			linkfin.Money{Amount: 92_000_00, Currency: "USD"}, linkfin.Money{Amount: 23_000_00, Currency: "USD"},
			linkfin.Money{Amount: 115_000_00, Currency: "USD"}, linkfin.Money{}, linkfin.Money{}, linkfin.Money{Amount: 115_000_00, Currency: "USD"}},
		{"BIS_Billing_30-OmvandSkattskyldighet.xml", KindInvoice, "912345", 2,
			sek(140_000_00), sek(0), sek(140_000_00), linkfin.Money{}, linkfin.Money{}, sek(140_000_00)},
		{"BIS_Billing_30-Forskott_slutreglering.xml", KindInvoice, "20180112", 2,
			sek(380_000_00), sek(95_000_00), sek(475_000_00), sek(400_000_00), linkfin.Money{}, sek(75_000_00)},
		{"BIS_Billing_30-Kreditering_med_negativ_faktura.xml", KindInvoice, "2018140", 2,
			sek(-9_560_00), sek(-2_167_00), sek(-10_835_00), sek(-834_90), sek(10), sek(-10_000_00)},
		{"CreditNote-Max_content.xml", KindCreditNote, "2018210", 2,
			sek(10_000_00), sek(2_500_00), sek(12_500_00), sek(0), sek(0), sek(12_500_00)},
		{"Invoice-Max_content.xml", KindInvoice, "2018210", 2,
			sek(10_000_00), sek(2_500_00), sek(12_500_00), sek(0), sek(0), sek(12_500_00)},
	} {
		b := shareddocs.Read(t, "einvoice/cen-testfiles/"+c.file)
		doc, err := Parse(bytes.NewReader(b))
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
			continue
		}
		if doc.Kind != c.kind || doc.ID != c.id || len(doc.Lines) != c.lines {
			t.Errorf("%s: a %s %q of %d lines, want a %s %q of %d", c.file, doc.Kind, doc.ID, len(doc.Lines), c.kind, c.id, c.lines)
		}
		got := []linkfin.Money{doc.LineTotal, doc.TaxTotal, doc.TaxInclusive, doc.Prepaid, doc.Rounding, doc.Payable}
		want := []linkfin.Money{c.lineTotal, c.tax, c.inclusive, c.prepaid, c.rounding, c.payable}
		for i, name := range []string{"LineExtensionAmount", "TaxAmount", "TaxInclusiveAmount", "PrepaidAmount", "PayableRoundingAmount", "PayableAmount"} {
			if got[i] != want[i] {
				t.Errorf("%s: %s %+v, want %+v", c.file, name, got[i], want[i])
			}
		}
		if v := doc.Check(); v != nil {
			t.Errorf("%s: rules broken %q", c.file, v)
		}
	}
}
