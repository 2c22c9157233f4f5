package ubl

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"linkfin"
	"linkfin/internal/shareddocs"
)

// oioublInvoice is a small invoice written as OIOUBL writes one: its TaxExclusiveAmount
// (250.00) is the VAT, not the 1000.00 without it, and its TaxInclusiveAmount is the
// lines and the VAT (1250.00).
func oioublInvoice(root, customization string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<` + root + ` xmlns="urn:oasis:names:specification:ubl:schema:xsd:` + root + `-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:UBLVersionID>2.1</cbc:UBLVersionID>
 <cbc:CustomizationID>` + customization + `</cbc:CustomizationID>
 <cbc:ID>DK-77</cbc:ID>
 <cbc:IssueDate>2026-03-02</cbc:IssueDate>
 <cbc:DocumentCurrencyCode>DKK</cbc:DocumentCurrencyCode>
 <cac:AccountingSupplierParty><cac:Party><cac:PartyName><cbc:Name>Nordlys ApS</cbc:Name></cac:PartyName></cac:Party></cac:AccountingSupplierParty>
 <cac:AccountingCustomerParty><cac:Party><cac:PartyName><cbc:Name>Havn Logistik A/S</cbc:Name></cac:PartyName></cac:Party></cac:AccountingCustomerParty>
 <cac:TaxTotal>
  <cbc:TaxAmount currencyID="DKK">250.00</cbc:TaxAmount>
  <cac:TaxSubtotal>
   <cbc:TaxableAmount currencyID="DKK">1000.00</cbc:TaxableAmount>
   <cbc:TaxAmount currencyID="DKK">250.00</cbc:TaxAmount>
   <cac:TaxCategory><cbc:ID>StandardRated</cbc:ID><cbc:Percent>25</cbc:Percent><cac:TaxScheme><cbc:ID>63</cbc:ID></cac:TaxScheme></cac:TaxCategory>
  </cac:TaxSubtotal>
 </cac:TaxTotal>
 <cac:LegalMonetaryTotal>
  <cbc:LineExtensionAmount currencyID="DKK">1000.00</cbc:LineExtensionAmount>
  <cbc:TaxExclusiveAmount currencyID="DKK">250.00</cbc:TaxExclusiveAmount>
  <cbc:TaxInclusiveAmount currencyID="DKK">1250.00</cbc:TaxInclusiveAmount>
  <cbc:PayableAmount currencyID="DKK">1250.00</cbc:PayableAmount>
 </cac:LegalMonetaryTotal>
 <cac:` + root + `Line>
  <cbc:ID>1</cbc:ID>
  <cbc:` + map[string]string{"Invoice": "Invoiced", "CreditNote": "Credited"}[root] + `Quantity unitCode="EA">4</cbc:` + map[string]string{"Invoice": "Invoiced", "CreditNote": "Credited"}[root] + `Quantity>
  <cbc:LineExtensionAmount currencyID="DKK">1000.00</cbc:LineExtensionAmount>
  <cac:Item><cbc:Name>Pallet</cbc:Name></cac:Item>
  <cac:Price><cbc:PriceAmount currencyID="DKK">250.00</cbc:PriceAmount></cac:Price>
 </cac:` + root + `Line>
</` + root + `>`
}

// TestOIOUBLRefused: a document of OIOUBL, Denmark's national UBL, whose
// TaxExclusiveAmount is its taxes, is refused as ubl_invalid saying so, whichever
// version and document; the same figures under EN 16931's identifier read, and break
// BR-CO-13 and BR-CO-15, as they should.
func TestOIOUBLRefused(t *testing.T) {
	for _, c := range []struct{ root, customization string }{
		{"Invoice", "OIOUBL-2.1"},
		{"Invoice", " OIOUBL-2.01 "},
		{"Invoice", "oioubl-2.02"},
		{"CreditNote", "OIOUBL-2.1"},
	} {
		_, err := Parse(strings.NewReader(oioublInvoice(c.root, c.customization)))
		if linkfin.ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), "follows OIOUBL (CustomizationID "+quote(strings.TrimSpace(c.customization))+")") ||
			!strings.Contains(err.Error(), "send it as PEPPOL BIS Billing 3.0") {
			t.Errorf("%s %q: %v, want %s naming OIOUBL", c.root, c.customization, err, EINVALID)
		}
	}
	doc, err := Parse(strings.NewReader(oioublInvoice("Invoice", "urn:cen.eu:en16931:2017")))
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	for _, v := range doc.Check() {
		rules = append(rules, v[:strings.Index(v, ":")])
	}
	if strings.Join(rules, " ") != "BR-CO-13 BR-CO-15" {
		t.Errorf("the same figures as EN 16931's: rules broken %q, want BR-CO-13 and BR-CO-15", rules)
	}
}

// TestOIOUBLPublished: the OIOUBL documents of invopop/gobl.dk.oioubl (kept with the
// shared test documents under einvoice/oioubl; its NOTICE names them), OIOUBL 2.01,
// 2.02 and 2.1 invoices and credit notes, are each refused saying it is OIOUBL.
func TestOIOUBLPublished(t *testing.T) {
	files := shareddocs.Glob("einvoice/oioubl/*.xml")
	if len(files) == 0 {
		t.Skip("einvoice/oioubl is not among the shared test documents beside the repository (../shared/testdata)")
	}
	for _, f := range files {
		b := shareddocs.Read(t, "einvoice/oioubl/"+filepath.Base(f))
		_, err := Parse(bytes.NewReader(b))
		if linkfin.ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), "follows OIOUBL") {
			t.Errorf("%s: %v, want %s naming OIOUBL", filepath.Base(f), err, EINVALID)
		}
	}
}
