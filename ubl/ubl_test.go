package ubl

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/text/encoding/unicode"

	"linkfin"
)

func eur(cents int64) linkfin.Money { return linkfin.Money{Amount: cents, Currency: linkfin.EUR} }

func dec(t *testing.T, s string) Decimal {
	t.Helper()
	d, err := ParseDecimal(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func readSample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The expected values below were read off the XML by eye.
func TestParseSamples(t *testing.T) {
	oasisSeller := Party{Name: "Salescompany ltd.", LegalName: "The Sellercompany Incorporated",
		ID: "1234567890123", IDScheme: "GLN", VATID: "DK12345", Country: "DK",
		Endpoint: "1234567890123", EndpointScheme: "GLN", LegalID: "5402697509", LegalIDScheme: "CVR",
		Identifications: []Identification{{ID: "Supp123", Scheme: "ZZZ"}}}
	oasisBuyer := Party{Name: "Buyercompany ltd", LegalName: "The buyercompany inc.",
		ID: "1234567987654", IDScheme: "GLN", VATID: "BE54321", Country: "BE",
		Endpoint: "1234567987654", EndpointScheme: "GLN", LegalID: "5645342123", LegalIDScheme: "ZZZ",
		Identifications: []Identification{{ID: "345KS5324", Scheme: "ZZZ"}}}
	oasisPayee := Party{Name: "Ebeneser Scrooge Inc.", ID: "098740918237", IDScheme: "GLN", LegalID: "6411982340", LegalIDScheme: "UK:CH",
		Identifications: []Identification{{ID: "098740918237", Scheme: "GLN"}}}
	// The OASIS examples round TaxInclusiveAmount to 1729 although 1436.50 + 292.20 is
	// 1728.70, and then add the 0.30 rounding to the payable amount a second time.
	oasisChecks := []string{
		"BR-CO-15: TaxExclusiveAmount + TaxTotal is 1728.70 EUR but TaxInclusiveAmount is 1729.00 EUR",
		"BR-CO-16: TaxInclusiveAmount - PrepaidAmount + PayableRoundingAmount is 729.30 EUR but PayableAmount is 729.00 EUR",
	}

	tests := []struct {
		file   string
		note   string   // how Note begins
		head   Document // without Lines and Note
		lines  int
		sample map[int]Line // index → the whole line
		checks []string
	}{{
		file: "en16931-bis3-factoring.xml",
		note: "Denna faktura har överlåtits",
		head: Document{
			Kind: KindInvoice, Syntax: SyntaxUBL, TypeCode: "380", ID: "7023708",
			IssueDate: "2017-08-29", DueDate: "2017-09-29", Currency: linkfin.EUR,
			Seller: Party{Name: "QVK Montage", LegalName: "QVK Montage AB", ID: "1122334455", IDScheme: "0007",
				VATID: "SE112233445501", Country: "SE", Endpoint: "1122334455", EndpointScheme: "0007", LegalID: "1122334455"},
			Buyer: Party{Name: "Komponentlagret AB", LegalName: "Komponentlagret AB", ID: "9876543210", IDScheme: "0007",
				Country: "SE", Endpoint: "9876543210", EndpointScheme: "0007", LegalID: "9876543210", LegalIDScheme: "0007"},
			Payee:        Party{Name: "Likviditet o. Finans AB"},
			LineTotal:    eur(9200000),
			TaxExclusive: eur(9200000),
			TaxTotal:     eur(2300000),
			TaxSubtotals: eur(2300000),
			TaxInclusive: eur(11500000),
			Payable:      eur(11500000),
			// A Swedish bankgiro number, not an IBAN.
			PaymentAccount: "12345678",
		},
		lines: 2,
		sample: map[int]Line{
			1: {ID: "20", Item: "Rundspik, 4.5 tum", Quantity: dec(t, "3"), UnitCode: "XDR",
				Price: dec(t, "14000"), BaseQuantity: dec(t, "1"), Amount: eur(4200000)},
		},
	}, {
		file: "en16931-ubl-example1.xml",
		note: "Alle leveringen zijn franco.",
		head: Document{
			Kind: KindInvoice, Syntax: SyntaxUBL, TypeCode: "380", ID: "12115118",
			IssueDate: "2015-01-09", DueDate: "2015-01-09", Currency: linkfin.EUR,
			Seller: Party{Name: "De Koksmaat", LegalName: "De Koksmaat", ID: "57151520",
				VATID: "NL8200.98.395.B.01", Country: "NL", LegalID: "57151520"},
			Buyer: Party{Name: "ODIN 59", LegalName: "ODIN 59", ID: "10202", Country: "NL",
				Identifications: []Identification{{ID: "10202"}}},
			LineTotal:      eur(22960),
			TaxExclusive:   eur(22960),
			TaxTotal:       eur(2073),
			TaxSubtotals:   eur(2073),
			TaxInclusive:   eur(25033),
			Payable:        eur(25033),
			PaymentAccount: "NL57 RABO 0107307510",
		},
		lines: 20,
		sample: map[int]Line{
			4: {ID: "5", Item: "KOFFIE BLIK 3,5KG SNELF", Quantity: dec(t, "1"), UnitCode: "EA",
				Price: dec(t, "35.00"), BaseQuantity: dec(t, "1"), Amount: eur(3500)},
			19: {ID: "20", Item: "FRITUUR VET 10 KG RETOUR", Quantity: dec(t, "6"), UnitCode: "EA",
				Price: dec(t, "18.33"), BaseQuantity: dec(t, "1"), Amount: eur(-10998)},
		},
		// The returned frying fat has a positive quantity and a negative amount; the
		// totals count the amount.
		checks: []string{
			`PEPPOL-EN16931-R120: line "20": quantity 6 × price 18.33 ÷ base quantity 1 + charges 0.00 EUR - allowances 0.00 EUR is 109.98 EUR but LineExtensionAmount is -109.98 EUR`,
		},
	}, {
		file: "oasis-ubl-invoice-2.1-example.xml",
		note: "Ordered in our booth at the convention.",
		head: Document{
			Kind: KindInvoice, Syntax: SyntaxUBL, TypeCode: "380", ID: "TOSL108",
			IssueDate: "2009-12-15", DueDate: "2009-12-31", Currency: linkfin.EUR, OrderRef: "123",
			Seller: oasisSeller, Buyer: oasisBuyer, Payee: oasisPayee,
			LineTotal:      eur(143650),
			AllowanceTotal: eur(10000),
			ChargeTotal:    eur(10000),
			TaxExclusive:   eur(143650),
			Allowances:     eur(10000),
			Charges:        eur(10000),
			TaxTotal:       eur(29220),
			TaxSubtotals:   eur(29220),
			TaxInclusive:   eur(172900),
			Prepaid:        eur(100000),
			Rounding:       eur(30),
			Payable:        eur(72900),
			PaymentAccount: "DK1212341234123412",
		},
		lines: 5,
		sample: map[int]Line{
			0: {ID: "1", Item: "Labtop computer", Quantity: dec(t, "1"), UnitCode: "C62",
				Price: dec(t, "1273"), BaseQuantity: dec(t, "1"),
				Allowance: eur(1200), Charge: eur(1000), Amount: eur(127300), OrderLine: "1"},
			1: {ID: "2", Item: `Returned "Advanced computing" book`, Quantity: dec(t, "-1"), UnitCode: "C62",
				Price: dec(t, "3.96"), BaseQuantity: dec(t, "1"), Amount: eur(-396), OrderLine: "5"},
			4: {ID: "5", Item: "Network cable", Quantity: dec(t, "250"), UnitCode: "C62",
				Price: dec(t, "0.75"), BaseQuantity: dec(t, "1"), Amount: eur(18750), OrderLine: "4"},
		},
		// Line 1's allowance (12) and charge (10) are not in its amount.
		checks: append(oasisChecks[:2:2],
			`PEPPOL-EN16931-R120: line "1": quantity 1 × price 1273 ÷ base quantity 1 + charges 10.00 EUR - allowances 12.00 EUR is 1271.00 EUR but LineExtensionAmount is 1273.00 EUR`),
	}, {
		file: "oasis-ubl-creditnote-2.1-example.xml",
		note: "Ordered in our booth at the convention.",
		head: Document{
			Kind: KindCreditNote, Syntax: SyntaxUBL, ID: "TOSL108",
			IssueDate: "2009-12-15", Currency: linkfin.EUR, OrderRef: "123",
			Seller: oasisSeller, Buyer: oasisBuyer, Payee: oasisPayee,
			LineTotal:      eur(143650),
			AllowanceTotal: eur(10000),
			ChargeTotal:    eur(10000),
			TaxExclusive:   eur(143650),
			Allowances:     eur(10000),
			Charges:        eur(10000),
			TaxTotal:       eur(29220),
			TaxSubtotals:   eur(29220),
			TaxInclusive:   eur(172900),
			Prepaid:        eur(100000),
			Rounding:       eur(30),
			Payable:        eur(72900),
		},
		lines: 5,
		sample: map[int]Line{
			0: {ID: "1", Item: "Labtop computer", Quantity: dec(t, "1"), UnitCode: "C62",
				Price: dec(t, "1273"), BaseQuantity: dec(t, "1"), Amount: eur(127300)},
			2: {ID: "3", Item: `"Computing for dummies" book`, Quantity: dec(t, "2"), UnitCode: "C62",
				Price: dec(t, "2.48"), BaseQuantity: dec(t, "1"), Amount: eur(496)},
		},
		checks: oasisChecks,
	}, {
		file: "peppol-bis3-base-example.xml",
		head: Document{
			Kind: KindInvoice, Syntax: SyntaxUBL, TypeCode: "380", ID: "Snippet1",
			IssueDate: "2017-11-13", DueDate: "2017-12-01", Currency: linkfin.EUR,
			Seller: Party{Name: "SupplierTradingName Ltd.", LegalName: "SupplierOfficialName Ltd",
				ID: "9482348239847239874", IDScheme: "0088", VATID: "GB1232434", Country: "GB",
				Endpoint: "9482348239847239874", EndpointScheme: "0088", LegalID: "GB983294",
				Identifications: []Identification{{ID: "99887766"}}},
			Buyer: Party{Name: "BuyerTradingName AS", LegalName: "Buyer Official Name",
				ID: "FR23342", IDScheme: "0002", VATID: "SE4598375937", Country: "SE",
				Endpoint: "FR23342", EndpointScheme: "0002", LegalID: "39937423947", LegalIDScheme: "0183",
				Identifications: []Identification{{ID: "FR23342", Scheme: "0002"}}},
			LineTotal:      eur(130000),
			ChargeTotal:    eur(2500),
			Charges:        eur(2500),
			TaxExclusive:   eur(132500),
			TaxTotal:       eur(33125),
			TaxSubtotals:   eur(33125),
			TaxInclusive:   eur(165625),
			Payable:        eur(165625),
			PaymentAccount: "IBAN32423940",
		},
		lines: 2,
		sample: map[int]Line{
			0: {ID: "1", Item: "item name", Quantity: dec(t, "7"), UnitCode: "DAY",
				Price: dec(t, "400"), BaseQuantity: dec(t, "1"), Amount: eur(280000), OrderLine: "123"},
			1: {ID: "2", Item: "item name 2", Quantity: dec(t, "-3"), UnitCode: "DAY",
				Price: dec(t, "500"), BaseQuantity: dec(t, "1"), Amount: eur(-150000), OrderLine: "123"},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			doc, err := Parse(bytes.NewReader(readSample(t, tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			if len(doc.Lines) != tt.lines {
				t.Fatalf("%d lines, want %d", len(doc.Lines), tt.lines)
			}
			for i, want := range tt.sample {
				if got := doc.Lines[i]; !reflect.DeepEqual(got, want) {
					t.Errorf("line %d:\n got %+v\nwant %+v", i, got, want)
				}
			}
			head := *doc
			head.Lines = nil
			if !strings.HasPrefix(head.Note, tt.note) || head.Note == "" && tt.note != "" {
				t.Errorf("note %q, want it to begin %q", head.Note, tt.note)
			}
			head.Note = ""
			if !reflect.DeepEqual(head, tt.head) {
				t.Errorf("document:\n got %+v\nwant %+v", head, tt.head)
			}
			if got := doc.Check(); !reflect.DeepEqual(got, tt.checks) {
				t.Errorf("Check:\n got %q\nwant %q", got, tt.checks)
			}
		})
	}
}

// edit returns the PEPPOL base example with each old string replaced once by its new one.
func edit(t *testing.T, pairs ...string) string {
	t.Helper()
	return editSample(t, "peppol-bis3-base-example.xml", pairs...)
}

// editSample returns the sample with each old string replaced once by its new one.
func editSample(t *testing.T, name string, pairs ...string) string {
	t.Helper()
	s := string(readSample(t, name))
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("sample has no %q", pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

func TestParseRejects(t *testing.T) {
	const minimal = `<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>`
	tests := []struct {
		name string
		body string
		code string
		msg  string // a part of the error message
	}{
		{"empty", ``, EINVALID, "no root element"},
		{"text", `hello`, EINVALID, "text before the root element"},
		{"JSON", `{"id": "1"}`, EINVALID, "text before the root element"},
		{"truncated XML", `<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><cbc:ID`, EINVALID, "not well-formed XML"},
		{"mismatched tags", `<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><b></Invoice></b>`, EINVALID, "not well-formed XML"},
		{"two roots", minimal + minimal, EINVALID, "second root element"},
		{"text after the root", edit(t, "</Invoice>", "</Invoice>trailing"), EINVALID, "text after the root element"},
		{"wrong root", `<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>`, EINVALID, `root element is "Order"`},
		{"Invoice without namespace", `<Invoice><ID>1</ID></Invoice>`, EINVALID, `root element is "Invoice" in namespace ""`},
		{"Invoice in the CreditNote namespace", `<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"/>`, EINVALID, "want a UBL 2.1 Invoice or CreditNote"},
		{"CII without its ExchangedDocument", `<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"/>`, EINVALID, "ExchangedDocument is missing"},
		{"DOCTYPE with an external entity (XXE)",
			`<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
				`<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&xxe;</Invoice>`,
			EINVALID, "DOCTYPE"},
		{"entity expansion (billion laughs)",
			`<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><Invoice>&lol2;</Invoice>`,
			EINVALID, "DOCTYPE"},
		{"DOCTYPE inside the document", edit(t, "<cac:InvoiceLine>", `<!DOCTYPE x SYSTEM "http://example.com/x.dtd"><cac:InvoiceLine>`), EINVALID, "declaration inside the root element"},
		{"undeclared entity", edit(t, "<cbc:ID>Snippet1</cbc:ID>", "<cbc:ID>&xxe;</cbc:ID>"), EINVALID, "not well-formed XML"},
		{"ISO-8859-1 bytes in a document declared UTF-8", edit(t, "SupplierTradingName Ltd.", "S\xf8ller"), EINVALID, "invalid UTF-8"},
		{"ISO-8859-1 bytes in a document that declares no encoding", edit(t, `<?xml version="1.0" encoding="UTF-8"?>`, "", "SupplierTradingName Ltd.", "S\xf8ller"), EINVALID, "invalid UTF-8"},
		{"ISO-8859-1 bytes in a comment", edit(t, "<cac:InvoiceLine>", "<!-- S\xf8ller --><cac:InvoiceLine>"), EINVALID, "comment that is not valid UTF-8"},
		{"a byte Shift_JIS does not have", edit(t, `encoding="UTF-8"`, `encoding="Shift_JIS"`, "SupplierTradingName Ltd.", "\xfd"), EINVALID, `declares the encoding "Shift_JIS", but holds bytes that are not`},
		{"an encoding linkfin does not read", edit(t, `encoding="UTF-8"`, `encoding="x-klingon"`), EINVALID, `the encoding "x-klingon", which is not one linkfin reads`},
		{"ASCII declared as UTF-16", edit(t, `encoding="UTF-8"`, `encoding="UTF-16"`), EINVALID, "its declaration is in ASCII"},
		{"UTF-8's byte order mark and another encoding", "\ufeff" + edit(t, `encoding="UTF-8"`, `encoding="ISO-8859-1"`), EINVALID, "byte order mark"},
		{"an attribute given twice", edit(t, `<cbc:PayableAmount currencyID="EUR">`, `<cbc:PayableAmount currencyID="USD" currencyID="EUR">`), EINVALID, "attribute currencyID given twice"},
		{"an XML declaration inside the document", edit(t, "<cac:InvoiceLine>", `<?xml version="1.0"?><cac:InvoiceLine>`), EINVALID, "XML declaration that is not at the start"},
		{"an XML declaration after white space", "\n" + edit(t), EINVALID, "XML declaration that is not at the start"},
		{"an end tag after the root", edit(t, "</Invoice>", "</Invoice></Invoice>"), EINVALID, "after the root element"},
		{"a CDATA section after the root", edit(t, "</Invoice>", "</Invoice><![CDATA[x]]>"), EINVALID, "text after the root element"},
		{"missing ID", edit(t, "<cbc:ID>Snippet1</cbc:ID>", ""), EINVALID, "ID (the document number) is missing"},
		{"ID in the wrong namespace", edit(t, "<cbc:ID>Snippet1</cbc:ID>", "<ID>Snippet1</ID>"), EINVALID, "ID (the document number) is missing"},
		{"missing IssueDate", edit(t, "<cbc:IssueDate>2017-11-13</cbc:IssueDate>", ""), EINVALID, "IssueDate is missing"},
		{"bad IssueDate", edit(t, "2017-11-13", "13.11.2017"), EINVALID, `IssueDate: "13.11.2017" is not a date`},
		{"impossible DueDate", edit(t, "2017-12-01", "2017-02-30"), EINVALID, `DueDate: "2017-02-30" is not a date`},
		// Dates outside 2000-01-01 to 2099-12-31 are typing errors, not business dates.
		{"an IssueDate in 1899", edit(t, "<cbc:IssueDate>2017-11-13", "<cbc:IssueDate>1899-11-13"), EINVALID,
			"IssueDate: 1899-11-13 is outside the dates an invoice states, 2000-01-01 to 2099-12-31"},
		{"an IssueDate the day before 2000", edit(t, "<cbc:IssueDate>2017-11-13", "<cbc:IssueDate>1999-12-31+08:00"), EINVALID, "IssueDate: 1999-12-31 is outside"},
		{"a DueDate in 2100", edit(t, "2017-12-01", "2100-01-01"), EINVALID, "DueDate: 2100-01-01 is outside the dates an invoice states"},
		{"a due date in the payment terms in 1900", edit(t, "<cbc:DueDate>2017-12-01</cbc:DueDate>", "",
			"<cac:PaymentTerms>", "<cac:PaymentTerms><cbc:PaymentDueDate>1900-01-31</cbc:PaymentDueDate>"), EINVALID, "PaymentTerms/PaymentDueDate: 1900-01-31 is outside"},
		{"missing currency", edit(t, "<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>", ""), EINVALID, "DocumentCurrencyCode is missing"},
		{"unknown currency", edit(t, "<cbc:DocumentCurrencyCode>EUR", "<cbc:DocumentCurrencyCode>ABC"), EINVALID, `unknown currency "ABC"`},
		{"a buyer of no name", edit(t,
			"<cac:PartyName>\n                <cbc:Name>BuyerTradingName AS</cbc:Name>\n            </cac:PartyName>", "",
			"<cbc:RegistrationName>Buyer Official Name</cbc:RegistrationName>", ""), EINVALID, "AccountingCustomerParty: the buyer has no name"},
		{"missing seller", edit(t, "<cac:AccountingSupplierParty>", "<cac:Other>", "</cac:AccountingSupplierParty>", "</cac:Other>"), EINVALID, "AccountingSupplierParty (the seller) is missing"},
		{"missing PayableAmount", edit(t, `<cbc:PayableAmount currencyID="EUR">1656.25</cbc:PayableAmount>`, ""), EINVALID, "LegalMonetaryTotal/PayableAmount is missing"},
		{"missing LegalMonetaryTotal", edit(t, "<cac:LegalMonetaryTotal>", "<cac:Other>", "</cac:LegalMonetaryTotal>", "</cac:Other>"), EINVALID, "LegalMonetaryTotal is missing"},
		{"too many decimals", edit(t, ">1656.25</cbc:PayableAmount>", ">1656.255</cbc:PayableAmount>"), EINVALID, `LegalMonetaryTotal/PayableAmount: "1656.255" has more decimals than EUR allows (2)`},
		{"line amount with too many decimals", edit(t, ">2800</cbc:LineExtensionAmount>", ">2800.001</cbc:LineExtensionAmount>"), EINVALID, "has more decimals than EUR allows"},
		{"not a number", edit(t, ">1656.25</cbc:PayableAmount>", ">1,656.25</cbc:PayableAmount>"), EINVALID, `"1,656.25" is not a decimal number`},
		{"currency mismatch", edit(t, `<cbc:PayableAmount currencyID="EUR">`, `<cbc:PayableAmount currencyID="USD">`), EINVALID, `PayableAmount: currency "USD" differs from the document currency EUR`},
		{"price in another currency", edit(t, `<cbc:PriceAmount currencyID="EUR">400`, `<cbc:PriceAmount currencyID="SEK">400`), EINVALID, `Price/PriceAmount: currency "SEK" differs`},
		{"amount without currencyID", edit(t, `<cbc:TaxAmount currencyID="EUR">331.25</cbc:TaxAmount>`, `<cbc:TaxAmount>331.25</cbc:TaxAmount>`), EINVALID, "TaxTotal[1]/TaxAmount: currencyID is missing"},
		{"tax total in a foreign currency not declared", edit(t, "<cac:TaxTotal>", `<cac:TaxTotal><cbc:TaxAmount currencyID="SEK">3500</cbc:TaxAmount></cac:TaxTotal><cac:TaxTotal>`), EINVALID, `currency "SEK" differs`},
		{"negative price", edit(t, ">400</cbc:PriceAmount>", ">-400</cbc:PriceAmount>"), EINVALID, "is negative (EN 16931 BR-27)"},
		{"zero base quantity", edit(t, "<cbc:PriceAmount currencyID=\"EUR\">400</cbc:PriceAmount>", "<cbc:PriceAmount currencyID=\"EUR\">400</cbc:PriceAmount><cbc:BaseQuantity>0</cbc:BaseQuantity>"), EINVALID, "BaseQuantity 0 is not positive"},
		{"missing quantity", edit(t, `<cbc:InvoicedQuantity unitCode="DAY">7</cbc:InvoicedQuantity>`, ""), EINVALID, `InvoiceLine[1] (ID "1"): the quantity is missing`},
		{"no lines", strings.Join(strings.SplitAfter(edit(t), "</cac:LegalMonetaryTotal>")[:1], "") + "</Invoice>", EINVALID, "the document has no InvoiceLine"},
		{"credit note lines in an invoice", edit(t, "<cac:InvoiceLine>", "<cac:CreditNoteLine/><cac:InvoiceLine>"), EINVALID, "an Invoice has CreditNoteLine elements"},
		// An element linkfin reads once, given twice under its parent: encoding/xml would
		// keep the last, or merge the two aggregates.
		{"PayableAmount given twice", edit(t, `<cbc:PayableAmount currencyID="EUR">1656.25</cbc:PayableAmount>`,
			`<cbc:PayableAmount currencyID="EUR">1656.25</cbc:PayableAmount><cbc:PayableAmount currencyID="EUR">1.00</cbc:PayableAmount>`),
			EINVALID, "LegalMonetaryTotal/PayableAmount is given twice"},
		{"the document number given twice", edit(t, "<cbc:ID>Snippet1</cbc:ID>", "<cbc:ID>Snippet1</cbc:ID>\n<cbc:ID>Snippet2</cbc:ID>"),
			EINVALID, "ID is given twice (line 8)"},
		{"LegalMonetaryTotal given twice", edit(t, "</cac:LegalMonetaryTotal>",
			`</cac:LegalMonetaryTotal><cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="EUR">1.00</cbc:PayableAmount></cac:LegalMonetaryTotal>`),
			EINVALID, "LegalMonetaryTotal is given twice"},
		{"a line's Price given twice", edit(t, "</cac:Price>", `</cac:Price><cac:Price><cbc:PriceAmount currencyID="EUR">1</cbc:PriceAmount></cac:Price>`),
			EINVALID, "InvoiceLine/Price is given twice"},
		{"a seller's EndpointID given twice", edit(t, `<cbc:EndpointID schemeID="0088">9482348239847239874</cbc:EndpointID>`,
			`<cbc:EndpointID schemeID="0088">9482348239847239874</cbc:EndpointID><cbc:EndpointID schemeID="0088">1</cbc:EndpointID>`),
			EINVALID, "AccountingSupplierParty/Party/EndpointID is given twice"},
		{"the currency given twice, under another prefix", edit(t, "<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>",
			`<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode><b:DocumentCurrencyCode xmlns:b="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">SEK</b:DocumentCurrencyCode>`),
			EINVALID, "DocumentCurrencyCode is given twice"},
		{"the due date given twice, in a default namespace", edit(t, "<cbc:DueDate>2017-12-01</cbc:DueDate>",
			`<cbc:DueDate>2017-12-01</cbc:DueDate><DueDate xmlns="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">2017-12-31</DueDate>`),
			EINVALID, "DueDate is given twice"},
		{"a credit note's type code given twice", strings.Replace(string(readSample(t, "oasis-ubl-creditnote-2.1-example.xml")),
			"<cbc:DocumentCurrencyCode", "<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode><cbc:CreditNoteTypeCode>380</cbc:CreditNoteTypeCode><cbc:DocumentCurrencyCode", 1),
			EINVALID, "CreditNoteTypeCode is given twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse(strings.NewReader(tt.body))
			if err == nil {
				t.Fatalf("accepted: %+v", doc)
			}
			if code := linkfin.ErrorCode(err); code != tt.code {
				t.Errorf("code %q, want %q (%v)", code, tt.code, err)
			}
			if msg := linkfin.ErrorMessage(err); !strings.Contains(msg, tt.msg) {
				t.Errorf("message %q does not contain %q", msg, tt.msg)
			}
		})
	}
}

func TestParseLimit(t *testing.T) {
	body := readSample(t, "peppol-bis3-base-example.xml")
	if _, err := ParseLimit(bytes.NewReader(body), int64(len(body))); err != nil {
		t.Errorf("a document of exactly the limit: %v", err)
	}
	_, err := ParseLimit(bytes.NewReader(body), int64(len(body))-1)
	if code := linkfin.ErrorCode(err); code != ETOOLARGE {
		t.Errorf("one byte over the limit: code %q (%v), want %q", code, err, ETOOLARGE)
	}
	// The limit holds however large the document claims to be: an endless body ends in
	// an error, not in memory exhaustion.
	endless := io.MultiReader(
		strings.NewReader(`<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">`),
		iotest.OneByteReader(&repeat{s: "<a>"}))
	if _, err := ParseLimit(endless, 1<<16); linkfin.ErrorCode(err) != ETOOLARGE {
		t.Errorf("endless body: %v, want %s", err, ETOOLARGE)
	}
}

// repeat reads s over and over.
type repeat struct {
	s string
	i int
}

func (r *repeat) Read(p []byte) (int, error) {
	for n := range p {
		p[n] = r.s[r.i%len(r.s)]
		r.i++
	}
	return len(p), nil
}

func TestParseReadError(t *testing.T) {
	boom := errors.New("connection reset")
	body := readSample(t, "peppol-bis3-base-example.xml")
	_, err := Parse(&failAfter{r: bytes.NewReader(body[:100]), err: boom})
	if !errors.Is(err, boom) {
		t.Errorf("Parse = %v, want the reader's error", err)
	}
	if code := linkfin.ErrorCode(err); code != linkfin.EINTERNAL {
		t.Errorf("a reader's failure has code %q; it is not the document's fault", code)
	}
}

// failAfter reads r, then fails with err instead of io.EOF.
type failAfter struct {
	r   *bytes.Reader
	err error
}

func (f *failAfter) Read(p []byte) (int, error) {
	if f.r.Len() == 0 {
		return 0, f.err
	}
	return f.r.Read(p)
}

// utf16Bytes writes s in UTF-16 of the byte order (by golang.org/x/text), after bom.
func utf16Bytes(s string, big bool, bom string) []byte {
	order := map[bool]unicode.Endianness{true: unicode.BigEndian, false: unicode.LittleEndian}[big]
	b, _ := unicode.UTF16(order, unicode.IgnoreBOM).NewEncoder().Bytes([]byte(s))
	return append([]byte(bom), b...)
}

func TestParseAccepts(t *testing.T) {
	t.Run("tax total also given in the tax currency", func(t *testing.T) {
		doc, err := Parse(strings.NewReader(edit(t,
			"<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>",
			"<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode><cbc:TaxCurrencyCode>SEK</cbc:TaxCurrencyCode>",
			"<cac:TaxTotal>",
			`<cac:TaxTotal><cbc:TaxAmount currencyID="SEK">3560.94</cbc:TaxAmount></cac:TaxTotal><cac:TaxTotal>`)))
		if err != nil {
			t.Fatal(err)
		}
		if doc.TaxTotal != eur(33125) {
			t.Errorf("TaxTotal = %v, want the EUR one, 331.25 EUR", doc.TaxTotal)
		}
	})
	t.Run("zeros beyond the minor unit, white space, a byte order mark, a time zone", func(t *testing.T) {
		doc, err := Parse(strings.NewReader("\ufeff" + edit(t,
			">1656.25</cbc:PayableAmount>", "> 1656.2500\n</cbc:PayableAmount>",
			"<cbc:IssueDate>2017-11-13", "<cbc:IssueDate>2017-11-13+08:00",
			"<cbc:ID>Snippet1</cbc:ID>", "<cbc:ID>\n  Snippet1\n</cbc:ID>")))
		if err != nil {
			t.Fatal(err)
		}
		if doc.Payable != eur(165625) || doc.IssueDate != "2017-11-13" || doc.ID != "Snippet1" {
			t.Errorf("Payable %v, IssueDate %q, ID %q", doc.Payable, doc.IssueDate, doc.ID)
		}
	})
	t.Run("the encoding the document declares", func(t *testing.T) {
		for _, c := range []struct{ encoding, bytes, text string }{
			{"ISO-8859-1", "S\xf8ller B\xfcsiness \xa4", "Søller Büsiness ¤"},
			{"iso-8859-15", "S\xf8ller B\xfcsiness \xa4", "Søller Büsiness €"},
			{"windows-1252", "S\xf8ller B\xfcsiness \x80", "Søller Büsiness €"},
			{"utf8", "Søller Büsiness €", "Søller Büsiness €"},
			{"US-ASCII", "Seller Business", "Seller Business"},
		} {
			want, err := Parse(strings.NewReader(edit(t, "SupplierTradingName Ltd.", c.text)))
			if err != nil {
				t.Fatal(err)
			}
			doc, err := Parse(strings.NewReader(edit(t, `encoding="UTF-8"`, `encoding="`+c.encoding+`"`, "SupplierTradingName Ltd.", c.bytes)))
			if err != nil {
				t.Errorf("%s: %v", c.encoding, err)
				continue
			}
			if !reflect.DeepEqual(doc, want) {
				t.Errorf("%s: read\n%+v\nwant\n%+v", c.encoding, doc, want)
			}
		}
	})
	t.Run("UTF-16", func(t *testing.T) {
		plain := edit(t, "SupplierTradingName Ltd.", "Søller 😀")
		want, err := Parse(strings.NewReader(plain))
		if err != nil {
			t.Fatal(err)
		}
		declared := strings.Replace(plain, `encoding="UTF-8"`, `encoding="UTF-16"`, 1)
		for name, doc := range map[string][]byte{
			"little-endian":                          utf16Bytes(declared, false, "\xff\xfe"),
			"big-endian":                             utf16Bytes(declared, true, "\xfe\xff"),
			"big-endian without its byte order mark": utf16Bytes(declared, true, ""),
		} {
			doc, err := Parse(bytes.NewReader(doc))
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			if !reflect.DeepEqual(doc, want) {
				t.Errorf("%s: read\n%+v\nwant\n%+v", name, doc, want)
			}
		}
		// UTF-16 declared as UTF-8.
		_, err = Parse(bytes.NewReader(utf16Bytes(plain, false, "\xff\xfe")))
		if code := linkfin.ErrorCode(err); code != EINVALID || !strings.Contains(linkfin.ErrorMessage(err), `declares the encoding "UTF-8"`) {
			t.Errorf("UTF-16 declared as UTF-8: %v", err)
		}
	})
	t.Run("a party named only where it is registered for tax", func(t *testing.T) {
		doc, err := Parse(strings.NewReader(edit(t,
			"<cac:PartyName>\n                <cbc:Name>BuyerTradingName AS</cbc:Name>\n            </cac:PartyName>", "",
			"<cbc:RegistrationName>Buyer Official Name</cbc:RegistrationName>", "",
			"<cbc:CompanyID>SE4598375937</cbc:CompanyID>", "<cbc:RegistrationName>Buyer Tax Name</cbc:RegistrationName><cbc:CompanyID>SE4598375937</cbc:CompanyID>")))
		if err != nil {
			t.Fatal(err)
		}
		if b := doc.Buyer; b.Name != "Buyer Tax Name" || b.LegalName != "" || b.VATID != "SE4598375937" {
			t.Errorf("buyer %+v", b)
		}
	})
	t.Run("credit note referencing the invoice it credits", func(t *testing.T) {
		s := strings.Replace(string(readSample(t, "oasis-ubl-creditnote-2.1-example.xml")),
			"<cac:ContractDocumentReference>",
			"<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>TOSL107</cbc:ID></cac:InvoiceDocumentReference></cac:BillingReference>"+
				"<cac:ContractDocumentReference>", 1)
		doc, err := Parse(strings.NewReader(s))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(doc.BillingRefs, []string{"TOSL107"}) {
			t.Errorf("BillingRefs = %q", doc.BillingRefs)
		}
	})
	t.Run("elements given more than once where linkfin reads a list, or that it does not read", func(t *testing.T) {
		want, err := Parse(strings.NewReader(edit(t)))
		if err != nil {
			t.Fatal(err)
		}
		const attachment = `<cac:AdditionalDocumentReference><cbc:ID>%s</cbc:ID><cbc:ID>again</cbc:ID>` +
			`<cac:Attachment><cbc:EmbeddedDocumentBinaryObject mimeCode="application/pdf" filename="a.pdf">JVBERi0=</cbc:EmbeddedDocumentBinaryObject></cac:Attachment>` +
			`</cac:AdditionalDocumentReference>`
		doc, err := Parse(strings.NewReader(edit(t,
			"<cbc:AccountingCost>", "<cbc:Note>first</cbc:Note><cbc:Note>second</cbc:Note><cbc:AccountingCost>",
			"<cbc:BuyerReference>0150abc</cbc:BuyerReference>", "<cbc:BuyerReference>0150abc</cbc:BuyerReference><cbc:BuyerReference>again</cbc:BuyerReference>"+
				strings.ReplaceAll(attachment, "%s", "a1")+strings.ReplaceAll(attachment, "%s", "a2"),
			"<cbc:ID>Snippet1</cbc:ID>", "<cbc:ID>Snippet1</cbc:ID><ID>not UBL's cbc:ID</ID>",
			"<cac:PaymentTerms>", "<cac:PaymentTerms><cbc:Note>also</cbc:Note></cac:PaymentTerms><cac:PaymentTerms>",
			"<cac:PartyName>", "<cac:PartyName><cbc:Name>SupplierTradingName Ltd.</cbc:Name></cac:PartyName><cac:PartyName>",
			"<cbc:LineID>123</cbc:LineID>", "<cbc:LineID>123</cbc:LineID><cbc:SalesOrderLineID>1</cbc:SalesOrderLineID><cbc:SalesOrderLineID>2</cbc:SalesOrderLineID>",
		)))
		if err != nil {
			t.Fatal(err)
		}
		want.Note = "first"
		if !reflect.DeepEqual(doc, want) {
			t.Errorf("read\n%+v\nwant\n%+v", doc, want)
		}
	})
	t.Run("the first and last dates an invoice states", func(t *testing.T) {
		doc, err := Parse(strings.NewReader(edit(t, "<cbc:IssueDate>2017-11-13", "<cbc:IssueDate>2000-01-01", "2017-12-01", "2099-12-31")))
		if err != nil {
			t.Fatal(err)
		}
		if doc.IssueDate != "2000-01-01" || doc.DueDate != "2099-12-31" {
			t.Errorf("IssueDate %q, DueDate %q", doc.IssueDate, doc.DueDate)
		}
	})
	t.Run("due date from the payment terms, price per base quantity", func(t *testing.T) {
		doc, err := Parse(strings.NewReader(edit(t,
			"<cbc:DueDate>2017-12-01</cbc:DueDate>", "",
			"<cac:PaymentTerms>", "<cac:PaymentTerms><cbc:PaymentDueDate>2018-01-31</cbc:PaymentDueDate>",
			`<cbc:PriceAmount currencyID="EUR">400</cbc:PriceAmount>`,
			`<cbc:PriceAmount currencyID="EUR">4000</cbc:PriceAmount><cbc:BaseQuantity unitCode="DAY">10</cbc:BaseQuantity>`)))
		if err != nil {
			t.Fatal(err)
		}
		if doc.DueDate != "2018-01-31" {
			t.Errorf("DueDate = %q", doc.DueDate)
		}
		if l := doc.Lines[0]; l.Price.String() != "4000" || l.BaseQuantity.String() != "10" {
			t.Errorf("price %s per %s", l.Price, l.BaseQuantity)
		}
		if c := doc.Check(); c != nil {
			t.Errorf("Check = %q", c)
		}
	})
}

// An attachment embedded in base64, as PEPPOL invoices carry their PDF, is passed over:
// the document read holds nothing of it.
func TestParseSkipsAttachments(t *testing.T) {
	const size = 3 << 20
	pdf := bytes.Repeat([]byte("JVBERi0xLjQK"), size/12)
	body := []byte(edit(t, "<cac:AccountingSupplierParty>",
		`<cac:AdditionalDocumentReference><cbc:ID>1.pdf</cbc:ID><cac:Attachment>`+
			`<cbc:EmbeddedDocumentBinaryObject mimeCode="application/pdf" filename="1.pdf">`+string(pdf)+
			`</cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference><cac:AccountingSupplierParty>`))
	want, err := Parse(strings.NewReader(edit(t)))
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	doc, err := Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if !reflect.DeepEqual(doc, want) {
		t.Errorf("read\n%+v\nwant\n%+v", doc, want)
	}
	// The document read, and what else Parse left, is a few kilobytes, not the
	// attachment's megabytes.
	if kept := int64(after.HeapAlloc) - int64(before.HeapAlloc); kept > size/8 {
		t.Errorf("%d bytes kept after reading a document of %d", kept, len(body))
	}
	t.Logf("a document of %d bytes: %d bytes allocated reading it", len(body), after.TotalAlloc-before.TotalAlloc)
	runtime.KeepAlive(doc)
}

// Every published example in testdata is read.
func TestParseTestdata(t *testing.T) {
	files, err := filepath.Glob("testdata/*.xml")
	if err != nil {
		t.Fatal(err)
	}
	cen, err := filepath.Glob("testdata/cen*/*.[xX][mM][lL]")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, cen...)
	if len(files) < 35 {
		t.Fatalf("only %d documents in testdata", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(bytes.NewReader(b)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// The sums the totals restate: document-level allowances (BR-CO-11), charges (BR-CO-12)
// and tax subtotals (BR-CO-14).
func TestCheckDocumentSums(t *testing.T) {
	doc, err := Parse(strings.NewReader(edit(t,
		`<cbc:Amount currencyID="EUR">25</cbc:Amount>`, `<cbc:Amount currencyID="EUR">24</cbc:Amount>`,
		`<cac:TaxSubtotal>`, `<cac:TaxSubtotal><cbc:TaxableAmount currencyID="EUR">0</cbc:TaxableAmount><cbc:TaxAmount currencyID="EUR">0.01</cbc:TaxAmount><cac:TaxCategory><cbc:ID>Z</cbc:ID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal><cac:TaxSubtotal>`,
		`</cac:AllowanceCharge>`, `</cac:AllowanceCharge><cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:Amount currencyID="EUR">3</cbc:Amount></cac:AllowanceCharge>`)))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"BR-CO-11: the document-level allowances add up to 3.00 EUR but AllowanceTotalAmount is 0.00 EUR",
		"BR-CO-12: the document-level charges add up to 24.00 EUR but ChargeTotalAmount is 25.00 EUR",
		"BR-CO-14: the tax subtotals add up to 331.26 EUR but TaxTotal/TaxAmount is 331.25 EUR",
	}
	if c := doc.Check(); !reflect.DeepEqual(c, want) {
		t.Errorf("Check:\n got %q\nwant %q", c, want)
	}
}

func TestCheck(t *testing.T) {
	doc, err := Parse(bytes.NewReader(readSample(t, "peppol-bis3-base-example.xml")))
	if err != nil {
		t.Fatal(err)
	}
	if c := doc.Check(); c != nil {
		t.Fatalf("Check = %q", c)
	}

	// PEPPOL tolerates 0.02 between a line's amount and quantity × price.
	doc.Lines[0].Amount = eur(280002)
	doc.LineTotal = eur(130002)
	doc.TaxExclusive = eur(132502)
	doc.TaxInclusive = eur(165627)
	doc.Payable = eur(165627)
	if c := doc.Check(); c != nil {
		t.Fatalf("0.02 off: Check = %q", c)
	}
	doc.Lines[0].Amount = eur(280003)
	doc.TaxTotal, doc.TaxSubtotals = linkfin.Money{}, linkfin.Money{} // absent: BR-CO-14 and BR-CO-15 are not checked
	doc.Payable = eur(165600)
	want := []string{
		"BR-CO-10: the lines add up to 1300.03 EUR but LineExtensionAmount is 1300.02 EUR",
		"BR-CO-16: TaxInclusiveAmount - PrepaidAmount + PayableRoundingAmount is 1656.27 EUR but PayableAmount is 1656.00 EUR",
		`PEPPOL-EN16931-R120: line "1": quantity 7 × price 400 ÷ base quantity 1 + charges 0.00 EUR - allowances 0.00 EUR is 2800.00 EUR but LineExtensionAmount is 2800.03 EUR`,
	}
	if c := doc.Check(); !reflect.DeepEqual(c, want) {
		t.Errorf("Check:\n got %q\nwant %q", c, want)
	}

	doc.ChargeTotal = linkfin.Money{}
	want = []string{
		"BR-CO-10: the lines add up to 1300.03 EUR but LineExtensionAmount is 1300.02 EUR",
		"BR-CO-12: the document-level charges add up to 25.00 EUR but ChargeTotalAmount is 0.00 EUR",
		"BR-CO-13: LineExtensionAmount - AllowanceTotalAmount + ChargeTotalAmount is 1300.02 EUR but TaxExclusiveAmount is 1325.02 EUR",
		"BR-CO-16: TaxInclusiveAmount - PrepaidAmount + PayableRoundingAmount is 1656.27 EUR but PayableAmount is 1656.00 EUR",
		`PEPPOL-EN16931-R120: line "1": quantity 7 × price 400 ÷ base quantity 1 + charges 0.00 EUR - allowances 0.00 EUR is 2800.00 EUR but LineExtensionAmount is 2800.03 EUR`,
	}
	if c := doc.Check(); !reflect.DeepEqual(c, want) {
		t.Errorf("Check without ChargeTotal:\n got %q\nwant %q", c, want)
	}
}

// An element inside a value that is read, such as
// <cbc:PayableAmount currencyID="EUR">1<x>9</x>656.25</cbc:PayableAmount>, is refused:
// encoding/xml would read 1656.25, without the element's text, where the element's
// value (its XPath string value, and what any other reader of the document reads) is
// 19656.25. Each sample's every value of digits that Parse reads (amounts, quantities,
// prices, dates, ids) is tried, in both syntaxes: it is read if the same digit put in
// as text changes the document or makes it refused.
func TestParseElementInValue(t *testing.T) {
	number := regexp.MustCompile(`<([a-z]+:[A-Za-z]+)((?: [^>]*)?)>(-?[0-9][0-9.]*)</[a-z]+:[A-Za-z]+>`)
	tried := map[string]bool{}
	for _, c := range []struct {
		file  string
		edits []string // old and new strings, as editSample takes them
		min   int      // values read, at least
	}{
		{"peppol-bis3-base-example.xml", nil, 20},
		{"oasis-ubl-invoice-2.1-example.xml", nil, 30}, // prepaid, rounding, allowances, base quantities
		{"oasis-ubl-creditnote-2.1-example.xml", nil, 30},
		{"cen-cii/CII_example4.xml", nil, 25},
		{"cen-cii/CII_example5.xml", []string{"<ram:GrandTotalAmount>", "<ram:RoundingAmount>0.00</ram:RoundingAmount><ram:GrandTotalAmount>"}, 30},
	} {
		t.Run(c.file, func(t *testing.T) {
			sample := editSample(t, c.file, c.edits...)
			want, err := Parse(strings.NewReader(sample))
			if err != nil {
				t.Fatal(err)
			}
			read := 0
			for _, m := range number.FindAllStringSubmatchIndex(sample, -1) {
				open, value := sample[m[0]:m[6]], sample[m[6]:m[7]]
				at := m[6] + 1 // after the value's first character
				plain := sample[:at] + "9" + sample[at:]
				if doc, err := Parse(strings.NewReader(plain)); err == nil && reflect.DeepEqual(doc, want) {
					continue // not read
				}
				read++
				_, local, _ := strings.Cut(sample[m[2]:m[3]], ":")
				tried[local] = true
				nested := sample[:at] + "<x>9</x>" + sample[at:]
				doc, err := Parse(strings.NewReader(nested))
				if linkfin.ErrorCode(err) != EINVALID || !strings.Contains(linkfin.ErrorMessage(err), local+` has an element "x" inside its value`) {
					t.Errorf("%s%s</…>, with an element inside: %+v, %v", open, value, doc, err)
				}
			}
			if read < c.min {
				t.Errorf("%d values read, want at least %d", read, c.min)
			}
		})
	}
	// Every amount and quantity of both syntaxes was tried.
	for _, name := range []string{
		"LineExtensionAmount", "AllowanceTotalAmount", "ChargeTotalAmount", "TaxExclusiveAmount", "TaxInclusiveAmount",
		"PrepaidAmount", "PayableRoundingAmount", "PayableAmount", "TaxAmount", "Amount", "PriceAmount", "BaseQuantity",
		"InvoicedQuantity", "CreditedQuantity",
		"LineTotalAmount", "TaxBasisTotalAmount", "TaxTotalAmount", "RoundingAmount", "GrandTotalAmount", "TotalPrepaidAmount",
		"DuePayableAmount", "CalculatedAmount", "ActualAmount", "ChargeAmount", "BasisQuantity", "BilledQuantity",
	} {
		if !tried[name] {
			t.Errorf("no %s tried", name)
		}
	}
	// The message names the element and says why.
	_, err := Parse(strings.NewReader(edit(t, `>1656.25</cbc:PayableAmount>`, `>1<x>0</x>656.25</cbc:PayableAmount>`)))
	if msg := linkfin.ErrorMessage(err); msg != `LegalMonetaryTotal/PayableAmount has an element "x" inside its value (line 144): UBL allows text alone there` {
		t.Errorf("%v", err)
	}
}
