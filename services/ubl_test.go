package services_test

import (
	"os"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
	"linkfin/ubl"
)

func parse(t *testing.T, name string) *ubl.Document {
	t.Helper()
	f, err := os.Open("../ubl/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := ubl.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestInvoiceFromUBL(t *testing.T) {
	// The factoring sample: 2 lines, 92,000.00 EUR net, 23,000.00 VAT.
	inv, err := services.InvoiceFromUBL(parse(t, "en16931-bis3-factoring.xml"), "po-1", "buyer")
	if err != nil {
		t.Fatal(err)
	}
	if inv.Number != "7023708" || inv.Currency != "EUR" || inv.DueDate.String() != "2017-09-29" || len(inv.Lines) != 2 ||
		inv.Tax != 23_000_00 || inv.Total != 115_000_00 {
		t.Fatalf("invoice = %+v", inv)
	}
	var sum int64
	for _, l := range inv.Lines {
		if l.Quantity*l.UnitPrice != l.Amount {
			t.Fatalf("line %+v does not multiply out", l)
		}
		sum += l.Amount
	}
	if sum+inv.Tax != inv.Total {
		t.Fatalf("lines %d + tax %d != total %d", sum, inv.Tax, inv.Total)
	}
	// What linkfin does not bill is refused, not rounded.
	for name, want := range map[string]string{
		"oasis-ubl-creditnote-2.1-example.xml": "is not an invoice",
		"oasis-ubl-invoice-2.1-example.xml":    "not supported", // line allowances, prepayment, rounding
	} {
		_, err := services.InvoiceFromUBL(parse(t, name), "po-1", "buyer")
		if linkfin.ErrorCode(err) != linkfin.EINVALID || !strings.Contains(linkfin.ErrorMessage(err), want) {
			t.Errorf("%s: %v, want invalid mentioning %q", name, err, want)
		}
	}
}

// The EN 16931 example's line 20 bills +6 units for −109.98: it maps, and the three-way
// match will flag that line's amount.
func TestInvoiceFromUBLKeepsWhatTheMatchJudges(t *testing.T) {
	inv, err := services.InvoiceFromUBL(parse(t, "en16931-ubl-example1.xml"), "po-1", "buyer")
	if err != nil {
		t.Fatal(err)
	}
	wrong := 0
	for _, l := range inv.Lines {
		if l.Quantity*l.UnitPrice != l.Amount {
			wrong++
		}
	}
	if len(inv.Lines) != 20 || wrong != 1 {
		t.Fatalf("%d lines, %d whose amount is not quantity × price", len(inv.Lines), wrong)
	}
}
