package ubl

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"linkfin"
)

func dkk(ore int64) linkfin.Money { return linkfin.Money{Amount: ore, Currency: "DKK"} }

// CII_example4 read by eye: three lines, VAT at 25 % and 12 %, due 10 May 2013.
func TestParseCII(t *testing.T) {
	doc, err := Parse(bytes.NewReader(readSample(t, "cen-cii/CII_example4.xml")))
	if err != nil {
		t.Fatal(err)
	}
	if c := doc.Check(); c != nil {
		t.Errorf("Check = %q", c)
	}
	lines := doc.Lines
	doc.Lines = nil
	want := Document{Kind: KindInvoice, Syntax: SyntaxCII, TypeCode: "380", ID: "TOSL110",
		IssueDate: "2013-04-10", DueDate: "2013-05-10", Currency: "DKK", Note: "Ordered through our website", OrderRef: "123",
		Seller: Party{Name: "SellerCompany", LegalName: "SellerCompany", ID: "5790000436101", IDScheme: "0088",
			VATID: "DK16356706", LegalID: "DK16356706", Country: "DK", Identifications: []Identification{{ID: "5790000436101", Scheme: "0088"}}},
		Buyer: Party{Name: "Buyercompany ltd", LegalName: "Buyercompany ltd", ID: "5790000436057", IDScheme: "0088", Country: "DK",
			Identifications: []Identification{{ID: "5790000436057", Scheme: "0088"}}},
		LineTotal: dkk(4000_00), TaxExclusive: dkk(4000_00), TaxTotal: dkk(675_00), TaxSubtotals: dkk(675_00),
		TaxInclusive: dkk(4675_00), Payable: dkk(4675_00), PaymentAccount: "DK1212341234123412",
	}
	if !reflect.DeepEqual(*doc, want) {
		t.Errorf("document:\n got %+v\nwant %+v", *doc, want)
	}
	wantLines := []Line{
		{ID: "1", Item: "Printing paper", Quantity: dec(t, "1000"), UnitCode: "C62", Price: dec(t, "1"), BaseQuantity: dec(t, "1"), Amount: dkk(1000_00)},
		{ID: "2", Item: "Parker Pen", Quantity: dec(t, "100"), UnitCode: "C62", Price: dec(t, "5"), BaseQuantity: dec(t, "1"), Amount: dkk(500_00)},
		{ID: "3", Item: "American Cookies", Quantity: dec(t, "500"), UnitCode: "C62", Price: dec(t, "5"), BaseQuantity: dec(t, "1"), Amount: dkk(2500_00)},
	}
	if !reflect.DeepEqual(lines, wantLines) {
		t.Errorf("lines:\n got %+v\nwant %+v", lines, wantLines)
	}
}

// The CEN examples 4, 5 and 6 are the same invoices in both syntaxes: read, they are
// the same Document but for what the two files really write differently.
func TestCIIAgreesWithUBL(t *testing.T) {
	for _, n := range []int{4, 5, 6} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			cii, err := Parse(bytes.NewReader(readSample(t, fmt.Sprintf("cen-cii/CII_example%d.xml", n))))
			if err != nil {
				t.Fatal(err)
			}
			u, err := Parse(bytes.NewReader(readSample(t, fmt.Sprintf("cen/ubl-tc434-example%d.xml", n))))
			if err != nil {
				t.Fatal(err)
			}
			if cii.Syntax != SyntaxCII || u.Syntax != SyntaxUBL {
				t.Fatalf("syntaxes %q and %q", cii.Syntax, u.Syntax)
			}
			cii.Syntax = SyntaxUBL
			if len(cii.Lines) != len(u.Lines) {
				t.Fatalf("%d lines against %d", len(cii.Lines), len(u.Lines))
			}
			for i := range cii.Lines {
				c, l := &cii.Lines[i], &u.Lines[i]
				// The UBL files count pieces in EA, the CII ones in C62 (both "one");
				// the prices are the same numbers, written 1.00 and 1.
				if c.UnitCode != "C62" || l.UnitCode != "EA" {
					t.Errorf("line %d: unit codes %q and %q", i+1, c.UnitCode, l.UnitCode)
				}
				if c.Price.Rat().Cmp(l.Price.Rat()) != 0 {
					t.Errorf("line %d: prices %s and %s", i+1, c.Price, l.Price)
				}
				c.UnitCode, c.Price = l.UnitCode, l.Price
			}
			if n == 5 {
				// The UBL file's note carries a subject code the CII one does not; the
				// CII file names the payee's legal name and the seller's account.
				if cii.Note != "Ordered through our website" || u.Note != "Ordered through our website#Ordering information" {
					t.Errorf("notes %q and %q", cii.Note, u.Note)
				}
				if cii.Payee.LegalName != "Dagobert Duck" || cii.PaymentAccount != "DK1212341234123412" || u.PaymentAccount != "" {
					t.Errorf("payee %+v, accounts %q and %q", cii.Payee, cii.PaymentAccount, u.PaymentAccount)
				}
				cii.Note, cii.Payee.LegalName, cii.PaymentAccount = u.Note, "", ""
			}
			if !reflect.DeepEqual(cii, u) {
				t.Errorf("CII:\n%+v\nUBL:\n%+v", cii, u)
			}
		})
	}
}

// ciiEdit is CII_example4 with each pair's first string replaced by its second.
func ciiEdit(t *testing.T, pairs ...string) string {
	t.Helper()
	return editSample(t, "cen-cii/CII_example4.xml", pairs...)
}

// A CII credit note is an invoice's document with a credit note's type code; it names
// the invoice it credits in InvoiceReferencedDocument.
func TestParseCIICreditNote(t *testing.T) {
	doc, err := Parse(strings.NewReader(ciiEdit(t,
		"<ram:TypeCode>380</ram:TypeCode>", "<ram:TypeCode>381</ram:TypeCode>",
		"</ram:SpecifiedTradeSettlementHeaderMonetarySummation>",
		"</ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:InvoiceReferencedDocument><ram:IssuerAssignedID>TOSL108</ram:IssuerAssignedID></ram:InvoiceReferencedDocument>")))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Kind != KindCreditNote || doc.TypeCode != "381" || !reflect.DeepEqual(doc.BillingRefs, []string{"TOSL108"}) {
		t.Errorf("kind %q, type code %q, billing references %q", doc.Kind, doc.TypeCode, doc.BillingRefs)
	}
}

// Check names the totals as CII does.
func TestCheckCII(t *testing.T) {
	doc, err := Parse(strings.NewReader(ciiEdit(t,
		"<ram:GrandTotalAmount>4675</ram:GrandTotalAmount>", "<ram:GrandTotalAmount>4676</ram:GrandTotalAmount>")))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"BR-CO-15: TaxBasisTotalAmount + TaxTotalAmount is 4675.00 DKK but GrandTotalAmount is 4676.00 DKK",
		"BR-CO-16: GrandTotalAmount - TotalPrepaidAmount + RoundingAmount is 4676.00 DKK but DuePayableAmount is 4675.00 DKK",
	}
	if c := doc.Check(); !reflect.DeepEqual(c, want) {
		t.Errorf("Check:\n got %q\nwant %q", c, want)
	}
}

func TestParseRejectsCII(t *testing.T) {
	tests := []struct {
		name  string
		pairs []string
		msg   string
	}{
		{"no number", []string{"<ram:ID>TOSL110</ram:ID>", ""}, "ExchangedDocument/ID (the document number) is missing"},
		{"a date not of format 102", []string{`<udt:DateTimeString format="102">20130410</udt:DateTimeString>`, `<udt:DateTimeString format="610">201304</udt:DateTimeString>`},
			`ExchangedDocument/IssueDateTime: DateTimeString has format "610": want 102`},
		{"a date that is none", []string{`20130410`, `20130231`}, `"20130231" is not a date YYYYMMDD`},
		{"no currency", []string{"<ram:InvoiceCurrencyCode>DKK</ram:InvoiceCurrencyCode>", ""}, "InvoiceCurrencyCode is missing"},
		{"an amount in another currency", []string{"<ram:LineTotalAmount>4000</ram:LineTotalAmount>", `<ram:LineTotalAmount currencyID="EUR">4000</ram:LineTotalAmount>`},
			`SpecifiedTradeSettlementHeaderMonetarySummation/LineTotalAmount: currency "EUR" differs from the document currency DKK`},
		{"no payable amount", []string{"<ram:DuePayableAmount>4675</ram:DuePayableAmount>", ""}, "DuePayableAmount is missing"},
		{"the payable amount twice", []string{"<ram:DuePayableAmount>4675</ram:DuePayableAmount>", "<ram:DuePayableAmount>4675</ram:DuePayableAmount><ram:DuePayableAmount>1</ram:DuePayableAmount>"},
			"…/SpecifiedTradeSettlementHeaderMonetarySummation/DuePayableAmount is given twice (line 210): CII allows it once there"},
		{"the VAT total twice in the invoice currency", []string{`<ram:TaxTotalAmount currencyID="DKK">675</ram:TaxTotalAmount>`, `<ram:TaxTotalAmount currencyID="DKK">675</ram:TaxTotalAmount><ram:TaxTotalAmount>675</ram:TaxTotalAmount>`},
			"TaxTotalAmount[2]: the VAT total is given twice in the invoice currency DKK"},
		{"an issue date in 1899", []string{`<udt:DateTimeString format="102">20130410</udt:DateTimeString>`, `<udt:DateTimeString format="102">18990410</udt:DateTimeString>`},
			"ExchangedDocument/IssueDateTime: 1899-04-10 is outside the dates an invoice states, 2000-01-01 to 2099-12-31"},
		{"a due date in 2100", []string{`<udt:DateTimeString format="102">20130510</udt:DateTimeString>`, `<udt:DateTimeString format="102">21000510</udt:DateTimeString>`},
			"SpecifiedTradePaymentTerms/DueDateDateTime: 2100-05-10 is outside"},
		{"a fraction of a minor unit", []string{"<ram:DuePayableAmount>4675</ram:DuePayableAmount>", "<ram:DuePayableAmount>4675.001</ram:DuePayableAmount>"}, "DuePayableAmount"},
		{"no seller", []string{"<ram:SellerTradeParty>", "<ram:X>", "</ram:SellerTradeParty>", "</ram:X>"}, "SellerTradeParty (the seller) is missing"},
		{"a line without a quantity", []string{`<ram:BilledQuantity unitCode="C62">1000</ram:BilledQuantity>`, ""},
			`IncludedSupplyChainTradeLineItem[1] (LineID "1"): SpecifiedLineTradeDelivery/BilledQuantity is missing`},
		{"a negative price", []string{"<ram:ChargeAmount>1</ram:ChargeAmount>", "<ram:ChargeAmount>-1</ram:ChargeAmount>"}, "ChargeAmount -1 is negative (EN 16931 BR-27)"},
		{"an allowance neither true nor false", []string{"</ram:ApplicableTradeTax>\n            <ram:SpecifiedTradePaymentTerms>",
			"</ram:ApplicableTradeTax><ram:SpecifiedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>yes</udt:Indicator></ram:ChargeIndicator><ram:ActualAmount>1</ram:ActualAmount></ram:SpecifiedTradeAllowanceCharge>\n            <ram:SpecifiedTradePaymentTerms>"},
			`SpecifiedTradeAllowanceCharge[1]: ChargeIndicator "yes" is not true or false`},
		{"no lines", []string{"<ram:IncludedSupplyChainTradeLineItem>", "<ram:X>", "</ram:IncludedSupplyChainTradeLineItem>", "</ram:X>",
			"<ram:IncludedSupplyChainTradeLineItem>", "<ram:X>", "</ram:IncludedSupplyChainTradeLineItem>", "</ram:X>",
			"<ram:IncludedSupplyChainTradeLineItem>", "<ram:X>", "</ram:IncludedSupplyChainTradeLineItem>", "</ram:X>"},
			"the document has no IncludedSupplyChainTradeLineItem"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse(strings.NewReader(ciiEdit(t, tt.pairs...)))
			if err == nil {
				t.Fatalf("accepted: %+v", doc)
			}
			if code := linkfin.ErrorCode(err); code != EINVALID {
				t.Errorf("code %q, want %q (%v)", code, EINVALID, err)
			}
			if msg := linkfin.ErrorMessage(err); !strings.Contains(msg, tt.msg) {
				t.Errorf("message %q does not contain %q", msg, tt.msg)
			}
		})
	}
}

// A party's electronic address, trading name, an identifier of no scheme (the buyer's
// number for the seller) and a national account number, which CII_example4 does not
// give.
func TestParseCIIParty(t *testing.T) {
	doc, err := Parse(strings.NewReader(ciiEdit(t,
		`<ram:GlobalID schemeID="0088">5790000436101</ram:GlobalID>`, `<ram:ID>S-17</ram:ID><ram:GlobalID schemeID="0088">5790000436101</ram:GlobalID>`,
		"<ram:Name>SellerCompany</ram:Name>", `<ram:Name>SellerCompany</ram:Name><ram:URIUniversalCommunication><ram:URIID schemeID="0088">5790000436101</ram:URIID></ram:URIUniversalCommunication>`,
		"<ram:ID>DK16356706</ram:ID>\n                </ram:SpecifiedLegalOrganization>", `<ram:ID schemeID="0184">DK16356706</ram:ID><ram:TradingBusinessName>Seller</ram:TradingBusinessName></ram:SpecifiedLegalOrganization>`,
		"<ram:IBANID>DK1212341234123412</ram:IBANID>", "<ram:ProprietaryID>1234-5678</ram:ProprietaryID>")))
	if err != nil {
		t.Fatal(err)
	}
	want := Party{Name: "Seller", LegalName: "SellerCompany", ID: "5790000436101", IDScheme: "0088", VATID: "DK16356706",
		Endpoint: "5790000436101", EndpointScheme: "0088", LegalID: "DK16356706", LegalIDScheme: "0184", Country: "DK",
		Identifications: []Identification{{ID: "5790000436101", Scheme: "0088"}, {ID: "S-17"}}}
	if !reflect.DeepEqual(doc.Seller, want) {
		t.Errorf("seller\n got %+v\nwant %+v", doc.Seller, want)
	}
	if doc.PaymentAccount != "1234-5678" {
		t.Errorf("payment account %q", doc.PaymentAccount)
	}
}
