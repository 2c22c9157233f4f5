package ubl

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"linkfin"
)

// TestFacturXProfilesAndZUGFeRD1 reads Mustangproject's documents (testdata/mustang):
// a Factur-X MINIMUM invoice, which has no lines, and a ZUGFeRD 1.0 one, which came
// before EN 16931, are refused, each saying what it is; a BASIC one is read.
func TestFacturXProfilesAndZUGFeRD1(t *testing.T) {
	for _, c := range []struct{ file, says string }{
		{"facturFrMinimum.xml", `Factur-X's MINIMUM profile ("urn:factur-x.eu:1p0:minimum"), which has no invoice lines`},
		{"validV1.xml", `a ZUGFeRD 1.0 invoice (namespace "urn:ferd:CrossIndustryDocument:invoice:1p0")`},
	} {
		b, err := os.ReadFile("testdata/mustang/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Parse(bytes.NewReader(b))
		if linkfin.ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want %s saying %s", c.file, err, EINVALID, c.says)
		}
	}
	// BASIC WL, the other profile without lines, named by its guideline id.
	b, err := os.ReadFile("testdata/mustang/facturFrMinimum.xml")
	if err != nil {
		t.Fatal(err)
	}
	wl := bytes.Replace(b, []byte("urn:factur-x.eu:1p0:minimum"), []byte("urn:factur-x.eu:1p0:basicwl"), 1)
	if _, err := Parse(bytes.NewReader(wl)); linkfin.ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), "BASIC WL profile") {
		t.Errorf("BASIC WL: %v", err)
	}

	b, err = os.ReadFile("testdata/mustang/Factur-X_basic.xml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Syntax != SyntaxCII || doc.ID != "471102" || doc.IssueDate != "2024-11-15" || len(doc.Lines) != 1 ||
		doc.Payable != (linkfin.Money{Amount: 235_62, Currency: linkfin.EUR}) || doc.Check() != nil {
		t.Errorf("the BASIC invoice: %+v, rules broken %q", doc, doc.Check())
	}
}

// TestXRechnungSuite reads invoices of KoSIT's XRechnung test suite (testdata/xrechnung):
// one invoice in UBL and in CII reads the same, with no rule broken; 05.01a, of
// XRechnung's extension, adds two third-party payments to its payable amount and is
// refused saying so.
func TestXRechnungSuite(t *testing.T) {
	read := func(file string) *Document {
		t.Helper()
		b, err := os.ReadFile("testdata/xrechnung/" + file)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Parse(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		return doc
	}
	u, c := read("01.01a-INVOICE_ubl.xml"), read("01.01a-INVOICE_uncefact.xml")
	if u.Check() != nil || c.Check() != nil {
		t.Errorf("rules broken: UBL %q, CII %q", u.Check(), c.Check())
	}
	if u.ID != "123456XX" || u.Payable != (linkfin.Money{Amount: 336_90, Currency: linkfin.EUR}) || len(u.Lines) != 2 {
		t.Errorf("the UBL invoice: %+v", u)
	}
	c.Syntax = u.Syntax
	if !reflect.DeepEqual(u.Lines, c.Lines) || u.Payable != c.Payable || u.TaxTotal != c.TaxTotal || u.Seller.Name != c.Seller.Name || u.Buyer.Name != c.Buyer.Name {
		t.Errorf("the two syntaxes read differently:\nUBL %+v\nCII %+v", u, c)
	}
	b, err := os.ReadFile("testdata/xrechnung/05.01a-INVOICE_ubl.xml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(bytes.NewReader(b)); linkfin.ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), "gives 2 third-party payment(s)") {
		t.Errorf("05.01a: %v, want %s naming its two third-party payments", err, EINVALID)
	}
}

// TestSubInvoiceLines reads Factur-X EXTENDED invoices whose lines have sub-types
// (LineStatusReasonCode, testdata/mustang): a GROUP line heads DETAIL lines and repeats
// their sum, an INFORMATION line describes; the invoice's lines are its DETAIL lines,
// which add up to LineTotalAmount, so no rule is broken. Read as lines, the groups
// would count twice (BR-CO-10), as they did. A document of GROUP and INFORMATION lines
// alone has no invoice line.
func TestSubInvoiceLines(t *testing.T) {
	for _, c := range []struct {
		file  string
		lines []string // each line's id and amount in minor units
	}{
		{"Extended_SubInvoiceLines_Hardware_Bsp2.xml", []string{"0101 60000", "0102 45000", "0201 36000", "0202 9000"}},
		{"UC10_F202600004_EXTENDED_FX_CII_Commentee.xml", []string{"2 60000", "3 40000", "5 300000", "6 150000"}},
		{"Extended_Fallschutz-Set_SubInvoiceLine_Bsp5.xml", []string{"01 4500000"}},
	} {
		b, err := os.ReadFile("testdata/mustang/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Parse(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		var got []string
		for _, l := range doc.Lines {
			got = append(got, fmt.Sprintf("%s %d", l.ID, l.Amount.Amount))
		}
		if !reflect.DeepEqual(got, c.lines) || doc.Check() != nil {
			t.Errorf("%s: lines %q, want %q; rules broken %q", c.file, got, c.lines, doc.Check())
		}
		if c.file != "UC10_F202600004_EXTENDED_FX_CII_Commentee.xml" {
			continue
		}
		// The same document with every line a group: nothing is invoiced.
		groups := bytes.ReplaceAll(b, []byte(">DETAIL<"), []byte(">GROUP<"))
		if _, err := Parse(bytes.NewReader(groups)); linkfin.ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), "no invoice line") {
			t.Errorf("groups alone: %v", err)
		}
	}
}

// TestLogisticsServiceCharge reads Mustangproject's EXTENDED invoice with freight as a
// logistics service charge (testdata/mustang/factur-x-extended.xml): its ChargeTotalAmount
// of 15.00 is that charge, so no rule is broken; freight the totals do not count is
// BR-CO-12.
func TestLogisticsServiceCharge(t *testing.T) {
	b, err := os.ReadFile("testdata/mustang/factur-x-extended.xml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	eur := func(n int64) linkfin.Money { return linkfin.Money{Amount: n, Currency: linkfin.EUR} }
	if doc.ID != "KR87654321012" || doc.Charges != eur(15_00) || doc.ChargeTotal != eur(15_00) ||
		doc.Payable != eur(480_22) || doc.Check() != nil {
		t.Errorf("read %+v, rules broken %q", doc, doc.Check())
	}
	more := bytes.Replace(b, []byte("<ram:AppliedAmount>15.00</ram:AppliedAmount>"), []byte("<ram:AppliedAmount>16.00</ram:AppliedAmount>"), 1)
	if bytes.Equal(more, b) {
		t.Fatal("the freight's AppliedAmount is not in the file")
	}
	if doc, err = Parse(bytes.NewReader(more)); err != nil {
		t.Fatal(err)
	}
	want := []string{"BR-CO-12: the document-level charges add up to 16.00 EUR but ChargeTotalAmount is 15.00 EUR"}
	if got := doc.Check(); !reflect.DeepEqual(got, want) {
		t.Errorf("freight of 16.00: %q, want %q", got, want)
	}
}
