package services_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
	"linkfin/ubl"
)

// stored is what an accepted e-invoice must become, read off the document by eye: the
// invoice's total (TaxInclusiveAmount) and tax, what the payable asks (PayableAmount),
// its due date (the document's, or the issue date plus the program's 30 days of
// payment terms), and the number of lines.
type stored struct {
	total, tax, payable int64
	due                 string
	lines               int
}

// unmatched is an e-invoice taken but not matched to the order made to fit its lines,
// with the reasons of the match.
type unmatched struct {
	total   int64
	reasons []string
}

// refused is the reason a document is refused: the error code and, for a breach of
// EN 16931's rules, the rule ids.
type refused struct {
	code  string
	rules []string
}

// einvoices lists every published document in ../ubl/testdata (the shared samples),
// ../ubl/testdata/cen and ../ubl/testdata/cen-cii (the CEN/TC 434 examples in UBL and
// CII; see their NOTICEs), with what each must become. TestEveryEInvoice fails on a
// file that is not listed.
var einvoices = map[string]any{
	"en16931-bis3-factoring.xml": stored{115_000_00, 23_000_00, 115_000_00, "2017-09-29", 2},
	// Line 20 returns frying fat with quantity 6 and amount −109.98.
	"en16931-ubl-example1.xml": refused{services.ERULES, []string{"PEPPOL-EN16931-R120"}},
	// TaxInclusiveAmount 1729 is not 1436.50 + 292.20, and the rounding is counted twice.
	"oasis-ubl-creditnote-2.1-example.xml": refused{services.ERULES, []string{"BR-CO-15", "BR-CO-16"}},
	// The same, and line 1's amount leaves out its allowance and charge.
	"oasis-ubl-invoice-2.1-example.xml": refused{services.ERULES, []string{"BR-CO-15", "BR-CO-16", "PEPPOL-EN16931-R120"}},
	// Two lines on order line 123: 7 days at 400, and −3 at 500; a 25.00 charge.
	"peppol-bis3-base-example.xml": stored{1656_25, 331_25, 1656_25, "2017-12-01", 2},

	// A negative invoice: −782,179.43 DKK.
	"cen/BIS3_Invoice_negativ.XML":  refused{services.EUNBILLABLE, nil},
	"cen/BIS3_Invoice_positive.XML": stored{782_179_43, 156_435_89, 782_179_43, "2019-02-24", 1},
	"cen/guide-example1.xml":        refused{services.ERULES, []string{"PEPPOL-EN16931-R120"}},
	// Line 1: 2 × 1273.00 with an allowance and a charge of 12.00 each, for 1273.00.
	"cen/guide-example2.xml": refused{services.ERULES, []string{"PEPPOL-EN16931-R120"}},
	// Each line 2 × 800.00 for 400.00.
	"cen/guide-example3.xml": refused{services.ERULES, []string{"PEPPOL-EN16931-R120", "PEPPOL-EN16931-R120"}},
	// Document-level allowance and charge of 1.00 SEK each.
	"cen/issue116.xml": stored{830_00, 130_00, 830_00, "2018-03-07", 4},
	// A unit price of 12.625 EUR.
	"cen/sample-discount-price.xml": stored{15_15, 3_03, 15_15, "2018-02-28", 1},
	// No BillingReference to the invoice it credits.
	"cen/ubl-tc434-creditnote1.xml": refused{services.EREFERENCE, nil},
	"cen/ubl-tc434-example1.xml":    refused{services.ERULES, []string{"PEPPOL-EN16931-R120"}},
	"cen/ubl-tc434-example10.xml":   refused{services.ERULES, []string{"PEPPOL-EN16931-R120"}},
	"cen/ubl-tc434-example2.xml":    refused{services.ERULES, []string{"PEPPOL-EN16931-R120"}},
	"cen/ubl-tc434-example3.xml":    refused{services.ERULES, []string{"PEPPOL-EN16931-R120", "PEPPOL-EN16931-R120"}},
	"cen/ubl-tc434-example4.xml":    stored{4675_00, 675_00, 4675_00, "2013-05-10", 3},
	// Half prepaid (2337.50), line allowances and charges.
	"cen/ubl-tc434-example5.xml": stored{4675_00, 675_00, 2337_50, "2013-05-10", 3},
	"cen/ubl-tc434-example6.xml": stored{4675_00, 675_00, 4675_00, "2013-05-10", 3},
	// No due date, and in SEK, for which the platform runs no program whose payment
	// terms would give one (TestEInvoiceDueByTerms has one that does).
	"cen/ubl-tc434-example7.xml": refused{services.EDUEDATE, nil},
	// Prices of 0.00880 and 0.00101 EUR a unit, and prices per 12 units.
	"cen/ubl-tc434-example8.xml": stored{1099_78, 190_87, 1099_78, "2014-11-24", 10},
	"cen/ubl-tc434-example9.xml": stored{177_87, 30_87, 177_87, "2015-04-14", 1},

	// The CII examples (see ../ubl/testdata/cen-cii/NOTICE). Most of them give a line's
	// price base quantity (BT-149) the price's own value: quantity × price ÷ base
	// quantity is then not the line's amount.
	//
	// A zero invoice.
	"cen-cii/CII-BR-CO-10-RoundingIssue.xml": refused{services.EUNBILLABLE, nil},
	// Line 1 prices 1 unit at 1273 per 1273 units, and so on for every line.
	"cen-cii/CII_business_example_01.xml": refused{services.ERULES, []string{"PEPPOL-EN16931-R120", "PEPPOL-EN16931-R120", "PEPPOL-EN16931-R120", "PEPPOL-EN16931-R120", "PEPPOL-EN16931-R120"}},
	// Issued on 2013-08-25, due on 2013-05-10.
	"cen-cii/CII_business_example_02.xml": refused{linkfin.EINVALID, nil},
	// Line 16 bills 1 × 1.50 for 177.41.
	"cen-cii/CII_business_example_Z.xml": refused{services.ERULES, []string{"PEPPOL-EN16931-R120"}},
	// As the UBL example 1: line 20 returns 6 at 18.33 for −109.98.
	"cen-cii/CII_example1.xml": refused{services.ERULES, []string{"PEPPOL-EN16931-R120"}},
	"cen-cii/CII_example2.xml": refused{services.ERULES, []string{"PEPPOL-EN16931-R120", "PEPPOL-EN16931-R120", "PEPPOL-EN16931-R120", "PEPPOL-EN16931-R120", "PEPPOL-EN16931-R120"}},
	// One line of 1 × 800.00 (the UBL example 3 has two of 2 × 800.00 for 800.00), and
	// a charge of 100.00 that the order made to fit the line does not cover.
	"cen-cii/CII_example3.xml": unmatched{1125_00, []string{"total_exceeds_tolerance"}},
	"cen-cii/CII_example4.xml": stored{4675_00, 675_00, 4675_00, "2013-05-10", 3},
	// Half prepaid, line allowances and charges, as the UBL example 5.
	"cen-cii/CII_example5.xml": stored{4675_00, 675_00, 2337_50, "2013-05-10", 3},
	"cen-cii/CII_example6.xml": stored{4675_00, 675_00, 4675_00, "2013-05-10", 3},
	// No due date, in SEK, as the UBL example 7.
	"cen-cii/CII_example7.xml": refused{services.EDUEDATE, nil},
	"cen-cii/CII_example8.xml": refused{services.ERULES, slices.Repeat([]string{"PEPPOL-EN16931-R120"}, 10)},
	// 3 at 49 per 49 units for 147.00.
	"cen-cii/CII_example9.xml": refused{services.ERULES, []string{"PEPPOL-EN16931-R120"}},
	// Each line's net price is its amount plus the insurance tax charged on it, which
	// is charged again.
	"cen-cii/XRechnung-O.xml": refused{services.ERULES, []string{"PEPPOL-EN16931-R120", "PEPPOL-EN16931-R120"}},
	// In forints, each line's amount rounded to the forint: 0.24 and more off.
	"cen-cii/huf_example_cii.xml": refused{services.ERULES, []string{"PEPPOL-EN16931-R120", "PEPPOL-EN16931-R120", "PEPPOL-EN16931-R120"}},
}

// TestEveryEInvoice reads every published document, submits it as tier1's invoice to
// the anchor against an order made to fit it, has the anchor approve it, and checks
// what was stored — or checks that it is refused for the reason it really has, with
// nothing stored.
func TestEveryEInvoice(t *testing.T) {
	files, err := filepath.Glob("../ubl/testdata/*.xml")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("../ubl/testdata/cen*/*.[xX][mM][lL]")
	files = append(files, more...)
	if len(files) < 35 {
		t.Fatalf("%d files", len(files))
	}
	for _, f := range files {
		name, _ := filepath.Rel("../ubl/testdata", f)
		want, ok := einvoices[filepath.ToSlash(name)]
		if !ok {
			t.Errorf("%s is not listed in einvoices", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := ubl.Parse(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			w := newWorld(t)
			parties(w)
			switch want := want.(type) {
			case stored:
				checkStored(w, doc, want)
			case unmatched:
				checkUnmatched(w, doc, want)
			case refused:
				checkRefused(w, doc, want)
			}
		})
	}
}

// termsProgram is the anchor's program in cur with 30 days of payment terms and
// tolerances wide enough for any document's prices: what is tested is what is stored.
// The platform runs programs in the currencies it keeps ledgers for; in another (DKK,
// SEK) the order has no program.
func termsProgram(w *world, cur linkfin.Currency) string {
	id := "terms-" + string(cur)
	w.must(&services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: id, Name: "Terms", Currency: cur,
		Limit: 1_000_000_000_00, Products: []linkfin.Product{linkfin.ProductFactoring}, MaxTenorDays: 180,
		AdvanceRate: rate(w.t, "0.8"), DayCount: linkfin.ACT360, Calendar: "WEEKEND", PaymentTermsDays: 30,
		Tolerances: linkfin.MatchTolerances{QuantityRate: rate(w.t, "0"), PriceRate: rate(w.t, "1"), AmountAbs: linkfin.MaxAmount}}})
	return id
}

// orderFor makes the anchor's order to tier1 that the invoice bills, accepted and
// received in full: one order line per line the invoice names, for the net quantity.
func orderFor(w *world, inv linkfin.Invoice) string {
	w.t.Helper()
	po, err := tryOrder(w, inv)
	if err != nil {
		w.t.Fatal(err)
	}
	return po
}

// submitted is the invoice tier1 made of the document, against an order made to fit.
func submitted(w *world, doc *ubl.Document) *linkfin.Invoice {
	w.t.Helper()
	inv, err := services.InvoiceFromEInvoice(doc, "", "anchor")
	if err != nil {
		w.t.Fatal(err)
	}
	inv.POID = orderFor(w, inv)
	got, err := run[linkfin.Invoice](w, &services.CreateInvoice{Actor: "tier1", Invoice: inv})
	if err != nil {
		w.t.Fatal(err)
	}
	return got
}

func checkStored(w *world, doc *ubl.Document, want stored) {
	t := w.t
	got := submitted(w, doc)
	if got.Total != want.total || got.Tax != want.tax || got.DueDate.String() != want.due || len(got.Lines) != want.lines ||
		got.Number != doc.ID || got.Status != linkfin.InvoiceMatched {
		t.Fatalf("stored total %d tax %d due %s, %d lines, number %q, %s (%+v); want %+v",
			got.Total, got.Tax, got.DueDate, len(got.Lines), got.Number, got.Status, got.Match, want)
	}
	// The lines keep the document's: the amounts add up to LineExtensionAmount, and
	// each is its quantity × price − allowance + charge.
	var sum int64
	for _, l := range got.Lines {
		sum += l.Amount
		if !l.AmountOK(got.Currency.Exponent()) {
			t.Errorf("line %+v does not multiply out", l)
		}
	}
	if sum != doc.LineTotal.Amount || sum-got.Allowance+got.Charge+got.Tax != got.Total {
		t.Errorf("lines add up to %d, document %d; allowance %d, charge %d, tax %d, total %d",
			sum, doc.LineTotal.Amount, got.Allowance, got.Charge, got.Tax, got.Total)
	}
	p, err := run[linkfin.Payable](w, &services.ApproveInvoice{Actor: "anchor", ID: got.ID})
	if err != nil || p.Amount != want.payable || p.DueDate.String() != want.due {
		t.Fatalf("payable %+v, %v; want %d due %s", p, err, want.payable, want.due)
	}
}

func checkUnmatched(w *world, doc *ubl.Document, want unmatched) {
	got := submitted(w, doc)
	if got.Total != want.total || got.Status != linkfin.InvoiceMismatched || got.Match == nil || !reflect.DeepEqual(got.Match.Reasons, want.reasons) {
		w.t.Fatalf("stored total %d, %s (%+v); want %+v", got.Total, got.Status, got.Match, want)
	}
}

func checkRefused(w *world, doc *ubl.Document, want refused) {
	t := w.t
	var err error
	if doc.Kind == ubl.KindCreditNote {
		_, _, err = services.CreditNoteFromEInvoice(doc)
	} else {
		var inv linkfin.Invoice
		if inv, err = services.InvoiceFromEInvoice(doc, "", "anchor"); err == nil {
			inv.POID = orderFor(w, inv)
			events := len(w.db.Events())
			_, err = run[linkfin.Invoice](w, &services.CreateInvoice{Actor: "tier1", Invoice: inv})
			if n := len(w.db.Events()); n != events {
				t.Errorf("the refused invoice logged %d events", n-events)
			}
		}
	}
	if linkfin.ErrorCode(err) != want.code {
		t.Fatalf("%v, want code %s", err, want.code)
	}
	var rules []string
	var lerr *linkfin.Error
	if e, ok := err.(*linkfin.Error); ok {
		lerr = e
	}
	for _, v := range lerr.Violations {
		rules = append(rules, v.Rule)
	}
	if !reflect.DeepEqual(rules, want.rules) {
		t.Fatalf("rules %q, want %q (%v)", rules, want.rules, err)
	}
}

// An invoice that states no due date is due after the payment terms of its order's
// program; without such terms it is refused, and nothing changes.
func TestEInvoiceDueByTerms(t *testing.T) {
	doc := edited(t, "peppol-bis3-base-example.xml", "<cbc:DueDate>2017-12-01</cbc:DueDate>", "")
	w := newWorld(t)
	parties(w)
	inv, err := services.InvoiceFromEInvoice(doc, "", "anchor")
	if err != nil {
		t.Fatal(err)
	}
	inv.POID = orderFor(w, inv)
	got, err := run[linkfin.Invoice](w, &services.CreateInvoice{Actor: "tier1", Invoice: inv})
	if err != nil || got.DueDate.String() != "2017-12-13" || got.IssueDate.String() != "2017-11-13" {
		t.Fatalf("%+v, %v", got, err)
	}
	p, err := run[linkfin.Payable](w, &services.ApproveInvoice{Actor: "anchor", ID: got.ID})
	if err != nil || p.DueDate.String() != "2017-12-13" {
		t.Fatalf("payable %+v, %v", p, err)
	}

	// An order without a program has no terms.
	w.must(&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "po-2", Number: "PO-2", SellerID: "tier1",
		Currency: "EUR", Lines: []linkfin.POLine{{LineID: "123", Item: "days", Unit: "DAY", Quantity: 4, UnitPrice: 400_00}}}},
		&services.AcceptPurchaseOrder{Actor: "tier1", ID: "po-2"})
	inv.POID, inv.Number = "po-2", "Snippet2"
	w.refused(&services.CreateInvoice{Actor: "tier1", Invoice: inv}, services.EDUEDATE)
}

// A UBL credit note credits the invoice its BillingReference names: before approval
// it lowers what the payable will be, after it the open payable.
func TestEInvoiceCreditNote(t *testing.T) {
	w := newWorld(t)
	parties(w)
	inv, err := services.InvoiceFromEInvoice(parse(t, "peppol-bis3-base-example.xml"), "", "anchor")
	if err != nil {
		t.Fatal(err)
	}
	inv.POID = orderFor(w, inv)
	got, err := run[linkfin.Invoice](w, &services.CreateInvoice{Actor: "tier1", Invoice: inv})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run[linkfin.Payable](w, &services.ApproveInvoice{Actor: "anchor", ID: got.ID}); err != nil {
		t.Fatal(err)
	}
	note, number, err := services.CreditNoteFromEInvoice(creditNote(t, "Snippet1"))
	if err != nil {
		t.Fatal(err)
	}
	// A credit note in another currency than its invoice's credits nothing: its amount
	// is in another currency's units.
	w.refused(&services.CreateCreditNote{Actor: "tier1", Note: note, InvoiceNumber: number, Currency: "USD"}, linkfin.ECURRENCYMISMATCH)
	// Only the seller credits its invoice, and only one it has.
	w.refused(&services.CreateCreditNote{Actor: "anchor", Note: note, InvoiceNumber: number}, linkfin.ENOTFOUND)
	w.refused(&services.CreateCreditNote{Actor: "tier1", Note: note, InvoiceNumber: "Snippet9"}, linkfin.ENOTFOUND)
	n, err := run[linkfin.CreditNote](w, &services.CreateCreditNote{Actor: "tier1", Note: note, InvoiceNumber: number, Currency: "EUR"})
	if err != nil || n.InvoiceID != got.ID || n.Amount != 100_11 || n.BuyerID != "anchor" {
		t.Fatalf("credit note %+v, %v", n, err)
	}
	p, err := run[linkfin.Payable](w, &services.ApproveInvoice{Actor: "anchor", ID: got.ID})
	if err != nil || p.Amount != 1656_25-100_11 {
		t.Fatalf("payable %+v, %v", p, err)
	}
	// The same number again is another credit note of the same seller: refused.
	w.refused(&services.CreateCreditNote{Actor: "tier1", Note: note, InvoiceNumber: number}, linkfin.EDUPLICATENUMBER)
}

// A prepaid and rounded invoice: the payable is what is left to pay.
func TestEInvoicePrepaidAndRounded(t *testing.T) {
	w := newWorld(t)
	parties(w)
	inv, err := services.InvoiceFromEInvoice(edited(t, "peppol-bis3-base-example.xml",
		`<cbc:PayableAmount currencyID="EUR">1656.25</cbc:PayableAmount>`,
		`<cbc:PrepaidAmount currencyID="EUR">1000</cbc:PrepaidAmount><cbc:PayableRoundingAmount currencyID="EUR">-0.25</cbc:PayableRoundingAmount><cbc:PayableAmount currencyID="EUR">656.00</cbc:PayableAmount>`),
		"", "anchor")
	if err != nil {
		t.Fatal(err)
	}
	inv.POID = orderFor(w, inv)
	got, err := run[linkfin.Invoice](w, &services.CreateInvoice{Actor: "tier1", Invoice: inv})
	if err != nil || got.Status != linkfin.InvoiceMatched {
		t.Fatalf("%+v, %v", got, err)
	}
	// A credit note for more than is left to pay is refused.
	w.refused(&services.CreateCreditNote{Actor: "tier1", Note: linkfin.CreditNote{Number: "CN-1", InvoiceID: got.ID, Amount: 656_01, Reason: "x"}}, linkfin.EINVALID)
	p, err := run[linkfin.Payable](w, &services.ApproveInvoice{Actor: "anchor", ID: got.ID})
	if err != nil || p.Amount != 656_00 {
		t.Fatalf("payable %+v, %v", p, err)
	}
	// Rounding rounds to a whole unit: a cent short of one euro either way is taken,
	// one euro or more is refused (it would raise or cut what the buyer owes past what
	// the lines and the match say), in a document as in JSON, and nothing is kept.
	eur := func(cents int64) string {
		sign := ""
		if cents < 0 {
			sign, cents = "-", -cents
		}
		return fmt.Sprintf("%s%d.%02d", sign, cents/100, cents%100)
	}
	for i, c := range []struct {
		rounding int64 // cents
		ok       bool
	}{{99, true}, {-99, true}, {100, false}, {-100, false}, {5_000_000, false}} {
		doc, err := services.InvoiceFromEInvoice(edited(t, "peppol-bis3-base-example.xml",
			`<cbc:PayableAmount currencyID="EUR">1656.25</cbc:PayableAmount>`,
			`<cbc:PrepaidAmount currencyID="EUR">1000</cbc:PrepaidAmount><cbc:PayableRoundingAmount currencyID="EUR">`+eur(c.rounding)+
				`</cbc:PayableRoundingAmount><cbc:PayableAmount currencyID="EUR">`+eur(656_25+c.rounding)+`</cbc:PayableAmount>`),
			"", "anchor")
		if !c.ok {
			if linkfin.ErrorCode(err) != linkfin.EINVALID || !strings.Contains(err.Error(), "rounding") {
				t.Fatalf("a document rounding by %d: %+v, %v", c.rounding, doc, err)
			}
			continue
		}
		if err != nil || doc.Rounding != c.rounding {
			t.Fatalf("rounding %d: %+v, %v", c.rounding, doc, err)
		}
		inv = doc
		inv.Number, inv.POID = "ROUNDED-"+string(rune('A'+i)), got.POID // the same order: the match may say so, not the rounding
		if got, err := run[linkfin.Invoice](w, &services.CreateInvoice{Actor: "tier1", Invoice: inv}); err != nil || got.Rounding != c.rounding {
			t.Fatalf("rounding %d: %+v, %v", c.rounding, got, err)
		}
	}
	// As JSON: one euro either way, or a whole yen, is refused.
	inv.Number, inv.POID, inv.Currency = "ROUNDED-X", got.POID, "EUR"
	for _, r := range []int64{100, -100, 5_000_000} {
		inv.Rounding = r
		w.refused(&services.CreateInvoice{Actor: "tier1", Invoice: inv}, linkfin.EINVALID)
	}
	inv.Currency, inv.Rounding = "JPY", 1
	w.refused(&services.CreateInvoice{Actor: "tier1", Invoice: inv}, linkfin.EINVALID)
}

// The match judges each order line on the net quantity of the lines that bill it.
func TestMatchNetsLinesPerOrderLine(t *testing.T) {
	w := newWorld(t)
	parties(w)
	w.must(&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "po-1", Number: "PO-1", SellerID: "tier1",
		ProgramID: "auto-scf", Currency: "CNY", Lines: []linkfin.POLine{{LineID: "L1", Item: "disc", Unit: "pc", Quantity: 100, UnitPrice: 10_00},
			{LineID: "L2", Item: "pad", Unit: "pc", Quantity: 100, UnitPrice: 1_00}}}},
		&services.AcceptPurchaseOrder{Actor: "tier1", ID: "po-1"},
		&services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "gr-1", POID: "po-1",
			Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: 100}, {LineID: "L2", Accepted: 100}}}})
	invoice := func(n string, lines ...linkfin.InvoiceLine) *linkfin.Invoice {
		var sum int64
		for _, l := range lines {
			sum += l.Amount
		}
		got, err := run[linkfin.Invoice](w, &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{Number: n, BuyerID: "anchor",
			POID: "po-1", Currency: "CNY", IssueDate: day(t, "2026-11-02"), DueDate: day(t, "2026-12-02"), Lines: lines, Total: sum}})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	reasons := func(inv *linkfin.Invoice) map[string][]string {
		out := map[string][]string{}
		for _, l := range inv.Match.Lines {
			out[l.LineID] = l.Reasons
		}
		return out
	}
	// 60 + 60 − 30 = 90 of L1, 0.995 a pad for 100 pads (99.50), both within received.
	ok := invoice("INV-1",
		linkfin.InvoiceLine{LineID: "L1", Quantity: 60, UnitPrice: 10_00, Amount: 600_00},
		linkfin.InvoiceLine{LineID: "L2", Quantity: 100, Price: rate(t, "0.995"), Amount: 99_50},
		linkfin.InvoiceLine{LineID: "L1", Quantity: 60, UnitPrice: 10_00, Amount: 600_00},
		linkfin.InvoiceLine{LineID: "L1", Quantity: -30, UnitPrice: 10_00, Amount: -300_00})
	if ok.Status != linkfin.InvoiceMatched || len(ok.Match.Lines) != 2 || ok.Match.Lines[0].Invoiced != 90 || ok.Match.Lines[1].Price != 1_00 {
		t.Fatalf("%+v", ok.Match)
	}
	// The order now has 10 discs left to invoice and no pads: 20 discs in two lines
	// are over what was received; a line netting to nothing is flagged.
	bad := invoice("INV-2",
		linkfin.InvoiceLine{LineID: "L1", Quantity: 10, UnitPrice: 10_00, Amount: 100_00},
		linkfin.InvoiceLine{LineID: "L1", Quantity: 10, UnitPrice: 10_00, Amount: 100_00},
		linkfin.InvoiceLine{LineID: "L2", Quantity: 5, UnitPrice: 1_00, Amount: 5_00},
		linkfin.InvoiceLine{LineID: "L2", Quantity: -5, UnitPrice: 1_00, Amount: -5_00})
	want := map[string][]string{"L1": {linkfin.ReasonQuantityOverRecvd}, "L2": {linkfin.ReasonNetNotPositive}}
	if bad.Status != linkfin.InvoiceMismatched || !reflect.DeepEqual(reasons(bad), want) {
		t.Fatalf("reasons %v, want %v", reasons(bad), want)
	}
	// A finer price whose amount is off by a whole cent is wrong.
	off := invoice("INV-3", linkfin.InvoiceLine{LineID: "L1", Quantity: 3, Price: rate(t, "3.333"), Amount: 10_01})
	if !slices.Contains(reasons(off)["L1"], linkfin.ReasonAmountWrong) {
		t.Fatalf("reasons %v", reasons(off))
	}
}

// A self-billed invoice (389) is issued by the order's buyer for its seller.
func TestEInvoiceSelfBilled(t *testing.T) {
	w := newWorld(t)
	parties(w)
	inv, err := services.InvoiceFromEInvoice(edited(t, "peppol-bis3-base-example.xml",
		"<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>", "<cbc:InvoiceTypeCode>389</cbc:InvoiceTypeCode>"), "", "anchor")
	if err != nil || !inv.SelfBilled {
		t.Fatalf("%+v, %v", inv, err)
	}
	inv.POID, inv.SellerID = orderFor(w, inv), "tier1"
	w.refused(&services.CreateInvoice{Actor: "tier1", Invoice: inv}, linkfin.EFORBIDDEN)
	got, err := run[linkfin.Invoice](w, &services.CreateInvoice{Actor: "anchor", Invoice: inv})
	if err != nil || got.SellerID != "tier1" || got.BuyerID != "anchor" || !got.SelfBilled || got.Status != linkfin.InvoiceMatched {
		t.Fatalf("%+v, %v", got, err)
	}
	// The seller's own invoice with the same number is the same invoice: refused.
	inv.SelfBilled, inv.SellerID = false, ""
	w.refused(&services.CreateInvoice{Actor: "tier1", Invoice: inv}, "duplicate_invoice")
}

// withOrder is the PEPPOL base example naming the buyer's order number.
func withOrder(t *testing.T, number string, pairs ...string) *ubl.Document {
	return edited(t, "peppol-bis3-base-example.xml", append([]string{"<cac:AccountingSupplierParty>",
		"<cac:OrderReference><cbc:ID>" + number + "</cbc:ID></cac:OrderReference><cac:AccountingSupplierParty>"}, pairs...)...)
}

// Organizations register their identifiers; an e-invoice finds its seller, buyer and
// order by what it names, and is refused when they do not match.
func TestEInvoiceParties(t *testing.T) {
	w := newWorld(t)
	parties(w)
	ctx := context.Background()
	endpoint := linkfin.Identifier{Type: linkfin.IdentifierEndpoint, Scheme: "0088", Value: "9482348239847239874"}
	w.refused(&services.RegisterIdentifier{Actor: "tier2", OrgID: "tier1", Identifier: endpoint}, linkfin.ENOTFOUND)
	w.refused(&services.RegisterIdentifier{Actor: "tier1", OrgID: "tier1", Identifier: linkfin.Identifier{Type: "gln", Value: "1"}}, linkfin.EINVALID)
	o, err := run[linkfin.Organization](w, &services.RegisterIdentifier{Actor: "tier1", OrgID: "tier1", Identifier: endpoint})
	if err != nil || !reflect.DeepEqual(o.Identifiers, []linkfin.Identifier{endpoint}) {
		t.Fatalf("%+v, %v", o, err)
	}
	w.must(&services.RegisterIdentifier{Actor: "tier1", OrgID: "tier1", Identifier: endpoint}) // again: no change
	// The buyer's VAT number, as another writes it; registered by the operator.
	w.must(&services.RegisterIdentifier{OrgID: "anchor", Identifier: linkfin.Identifier{Type: linkfin.IdentifierVAT, Value: "se 4598-375937"}})
	w.refused(&services.RegisterIdentifier{Actor: "tier2", OrgID: "tier2", Identifier: linkfin.Identifier{Type: linkfin.IdentifierVAT, Value: "SE4598375937"}},
		services.EIDENTIFIERTAKEN)
	// Nor as look-alikes of it: full-width letters, an invisible space, another dash.
	for _, v := range []string{"ＳＥ4598375937", "SE4598375937\u200b", "SE\u20104598\u2013375937"} {
		w.refused(&services.RegisterIdentifier{Actor: "tier2", OrgID: "tier2", Identifier: linkfin.Identifier{Type: linkfin.IdentifierVAT, Value: v}},
			services.EIDENTIFIERTAKEN)
	}
	// An identifier of punctuation alone names nothing.
	for _, v := range []string{"-.-", ".", "\u200b-"} {
		w.refused(&services.RegisterIdentifier{Actor: "tier2", OrgID: "tier2", Identifier: linkfin.Identifier{Type: linkfin.IdentifierVAT, Value: v}},
			linkfin.EINVALID)
	}

	inv, err := services.InvoiceFromEInvoice(parse(t, "peppol-bis3-base-example.xml"), "", "anchor")
	if err != nil {
		t.Fatal(err)
	}
	orderFor(w, inv) // PO-E, the anchor's order to tier1

	seller, buyer, po, id, err := services.EInvoiceParties(ctx, w.db, withOrder(t, "PO-E"), "tier1")
	if err != nil || seller != "tier1" || buyer != "anchor" || po != "po-e" {
		t.Fatalf("%s %s %s, %v", seller, buyer, po, err)
	}
	inv.POID = po
	got, err := run[linkfin.Invoice](w, &services.CreateInvoice{Actor: "tier1", Invoice: inv, Identified: id})
	if err != nil || got.POID != "po-e" || got.SellerID != "tier1" || got.BuyerID != "anchor" {
		t.Fatalf("%+v, %v", got, err)
	}

	for _, c := range []struct {
		doc    *ubl.Document
		sender string
		why    string
	}{
		{withOrder(t, "PO-E"), "tier2", "is not you"},
		{withOrder(t, "PO-X"), "tier1", `no purchase order numbered "PO-X"`},
		{parse(t, "peppol-bis3-base-example.xml"), "tier1", "names no purchase order"},
		{withOrder(t, "PO-E", "SE4598375937", "SE0000000000", "39937423947", "1"), "tier1", "no organization registered the buyer"},
		{withOrder(t, "PO-E", "<cbc:EndpointID schemeID=\"0088\">9482348239847239874</cbc:EndpointID>", ""), "tier1", "no organization registered the seller"},
	} {
		_, _, _, _, err := services.EInvoiceParties(ctx, w.db, c.doc, c.sender)
		if linkfin.ErrorCode(err) != services.EPARTIES || !strings.Contains(linkfin.ErrorMessage(err), c.why) {
			t.Errorf("%v, want %s mentioning %q", err, services.EPARTIES, c.why)
		}
	}
	// The buyer's endpoint registered to another: its identifiers name two organizations.
	w.must(&services.RegisterIdentifier{Actor: "tier2", OrgID: "tier2", Identifier: linkfin.Identifier{Type: linkfin.IdentifierEndpoint, Scheme: "0002", Value: "FR23342"}})
	if _, _, _, _, err := services.EInvoiceParties(ctx, w.db, withOrder(t, "PO-E"), "tier1"); linkfin.ErrorCode(err) != services.EPARTIES {
		t.Errorf("two buyers: %v", err)
	}
	// What was found is checked again as the invoice is made: an identifier of the
	// seller's that another registered since refuses it.
	inv.Number = "Snippet2"
	id.Seller = append(id.Seller, linkfin.Identifier{Type: linkfin.IdentifierEndpoint, Scheme: "0002", Value: "FR23342"}.Key())
	w.refused(&services.CreateInvoice{Actor: "tier1", Invoice: inv, Identified: id}, services.EPARTIES)

	// An identifier registered by mistake is removed by its organization (another, or
	// one it does not hold, is not found); e-invoices no longer find it by it, and
	// another organization may register it.
	mistake := linkfin.Identifier{Type: linkfin.IdentifierEndpoint, Scheme: "0002", Value: "fr23342"} // as another writes it
	w.refused(&services.RemoveIdentifier{Actor: "tier1", OrgID: "tier2", Identifier: mistake}, linkfin.ENOTFOUND)
	w.refused(&services.RemoveIdentifier{Actor: "tier1", OrgID: "tier1", Identifier: mistake}, linkfin.ENOTFOUND)
	w.refused(&services.RemoveIdentifier{Actor: "tier2", OrgID: "tier2", Identifier: linkfin.Identifier{Type: "gln", Value: "1"}}, linkfin.EINVALID)
	o, err = run[linkfin.Organization](w, &services.RemoveIdentifier{Actor: "tier2", OrgID: "tier2", Identifier: mistake})
	if err != nil || len(o.Identifiers) != 0 {
		t.Fatalf("removed: %+v, %v", o, err)
	}
	w.refused(&services.RemoveIdentifier{Actor: "tier2", OrgID: "tier2", Identifier: mistake}, linkfin.ENOTFOUND)
	if _, buyer, _, _, err := services.EInvoiceParties(ctx, w.db, withOrder(t, "PO-E"), "tier1"); err != nil || buyer != "anchor" {
		t.Errorf("after the removal the buyer is %q, %v", buyer, err)
	}
	w.must(&services.CreateInvoice{Actor: "tier1", Invoice: inv, Identified: id}) // its seller's identifier no longer another's
	o, err = run[linkfin.Organization](w, &services.RegisterIdentifier{OrgID: "anchor", Identifier: mistake})
	if err != nil || len(o.Identifiers) != 2 {
		t.Fatalf("registered again by another: %+v, %v", o, err)
	}
	w.refused(&services.RegisterIdentifier{Actor: "tier2", OrgID: "tier2", Identifier: mistake}, services.EIDENTIFIERTAKEN)
	// The operator removes one too.
	if o, err = run[linkfin.Organization](w, &services.RemoveIdentifier{OrgID: "anchor", Identifier: mistake}); err != nil || len(o.Identifiers) != 1 {
		t.Fatalf("the operator removes: %+v, %v", o, err)
	}
}

// A UBL credit note's parties are checked as an invoice's are: its seller must be
// found by a registered identifier, and be the sender; every identifier it gives its
// seller or buyer that is registered must be the credited invoice's seller's or
// buyer's, at once and again as the note is made. Refused notes credit nothing.
func TestEInvoiceCreditNoteParties(t *testing.T) {
	w := newWorld(t)
	parties(w)
	ctx := context.Background()
	inv, err := services.InvoiceFromEInvoice(parse(t, "peppol-bis3-base-example.xml"), "", "anchor")
	if err != nil {
		t.Fatal(err)
	}
	inv.POID = orderFor(w, inv)
	w.must(&services.CreateInvoice{Actor: "tier1", Invoice: inv})
	doc := creditNote(t, "Snippet1") // seller endpoint 0201:0000000196, VAT BE0000000196; buyer VAT BE0000000295
	note, number, err := services.CreditNoteFromEInvoice(doc)
	if err != nil {
		t.Fatal(err)
	}
	vat := func(v string) linkfin.Identifier { return linkfin.Identifier{Type: linkfin.IdentifierVAT, Value: v} }
	sellerEndpoint := linkfin.Identifier{Type: linkfin.IdentifierEndpoint, Scheme: "0201", Value: "0000000196"}

	// Nobody registered the seller's identifiers, or it gives none: refused, as an
	// invoice is.
	if _, err := services.CreditNoteParties(ctx, w.db, doc, "tier1"); linkfin.ErrorCode(err) != services.EPARTIES ||
		!strings.Contains(linkfin.ErrorMessage(err), "no organization registered the seller (AccountingSupplierParty)'s identifiers") {
		t.Fatalf("a seller nobody registered: %v", err)
	}
	bare := edited(t, "cen/ubl-tc434-creditnote1.xml", `<cbc:EndpointID schemeID="0201">0000000196</cbc:EndpointID>`, "",
		"<cbc:CompanyID>BE0000000196</cbc:CompanyID>", "", "<cbc:CompanyID>0000000196</cbc:CompanyID>", "")
	if _, err := services.CreditNoteParties(ctx, w.db, bare, "tier1"); linkfin.ErrorCode(err) != services.EPARTIES ||
		!strings.Contains(linkfin.ErrorMessage(err), "has no EndpointID") {
		t.Fatalf("a seller without identifiers: %v", err)
	}
	w.must(&services.RegisterIdentifier{Actor: "tier1", OrgID: "tier1", Identifier: vat("BE0000000196")})
	if _, err := services.CreditNoteParties(ctx, w.db, doc, "anchor"); linkfin.ErrorCode(err) != services.EPARTIES ||
		!strings.Contains(linkfin.ErrorMessage(err), "not you") {
		t.Fatalf("sent by another than its seller: %v", err)
	}
	// Each party's EndpointID is looked up as an endpoint and as a legal id of its
	// scheme, with its VAT number and legal id. The buyer registered none: the buyer
	// is the invoice's.
	id, err := services.CreditNoteParties(ctx, w.db, doc, "tier1")
	if err != nil || len(id.Seller) != 4 || len(id.Buyer) != 4 {
		t.Fatalf("%+v, %v", id, err)
	}
	credit := &services.CreateCreditNote{Actor: "tier1", Note: note, InvoiceNumber: number, Identified: id}

	// The seller's endpoint registered to another since: refused as the note is made,
	// and at once after.
	w.must(&services.RegisterIdentifier{Actor: "tier2", OrgID: "tier2", Identifier: sellerEndpoint})
	w.refused(credit, services.EPARTIES)
	if _, err := services.CreditNoteParties(ctx, w.db, doc, "tier1"); linkfin.ErrorCode(err) != services.EPARTIES {
		t.Fatalf("a seller's identifier another's: %v", err)
	}
	w.must(&services.RemoveIdentifier{Actor: "tier2", OrgID: "tier2", Identifier: sellerEndpoint})
	// The buyer's VAT number another's than the invoice's buyer.
	w.must(&services.RegisterIdentifier{Actor: "tier2", OrgID: "tier2", Identifier: vat("BE0000000295")})
	w.refused(credit, services.EPARTIES)
	w.must(&services.RemoveIdentifier{Actor: "tier2", OrgID: "tier2", Identifier: vat("BE0000000295")})
	// The invoice's buyer's own: the note credits the invoice.
	w.must(&services.RegisterIdentifier{Actor: "anchor", OrgID: "anchor", Identifier: vat("BE0000000295")})
	n, err := run[linkfin.CreditNote](w, credit)
	if err != nil || n.Amount != 100_11 || n.BuyerID != "anchor" {
		t.Fatalf("credit note %+v, %v", n, err)
	}
}

// A party's identifications (UBL PartyIdentification/ID, CII GlobalID and ID) that
// carry a scheme are identifiers as its EndpointID and legal id are: a GLN (0088) is
// the same GLN whichever element names it. They find the party, and one registered to
// another organization refuses the document, at once or as the invoice is made. One
// without a scheme (the buyer's own number for its supplier) names nothing and is not
// looked up.
func TestEInvoicePartyIdentification(t *testing.T) {
	w := newWorld(t)
	parties(w)
	ctx := context.Background()
	gln := func(v string) linkfin.Identifier {
		return linkfin.Identifier{Type: linkfin.IdentifierEndpoint, Scheme: "0088", Value: v}
	}
	w.must(&services.RegisterIdentifier{Actor: "tier1", OrgID: "tier1", Identifier: gln("9482348239847239874")},
		&services.RegisterIdentifier{Actor: "anchor", OrgID: "anchor", Identifier: linkfin.Identifier{Type: linkfin.IdentifierVAT, Value: "SE4598375937"}},
		&services.RegisterIdentifier{Actor: "tier2", OrgID: "tier2", Identifier: gln("7300010000001")},
		&services.RegisterIdentifier{Actor: "tier2", OrgID: "tier2", Identifier: linkfin.Identifier{Type: linkfin.IdentifierLegal, Scheme: "0007", Value: "5566778899"}},
		// A number without a scheme, as the seller's supplier number 99887766 is.
		&services.RegisterIdentifier{Actor: "tier2", OrgID: "tier2", Identifier: linkfin.Identifier{Type: linkfin.IdentifierLegal, Value: "99887766"}})
	inv, err := services.InvoiceFromEInvoice(parse(t, "peppol-bis3-base-example.xml"), "", "anchor")
	if err != nil {
		t.Fatal(err)
	}
	orderFor(w, inv) // PO-E
	const (
		sellerID = "<cbc:ID>99887766</cbc:ID>"
		buyerID  = `<cbc:ID schemeID="0002">FR23342</cbc:ID>`
		endpoint = `<cbc:EndpointID schemeID="0088">9482348239847239874</cbc:EndpointID>`
	)
	// The supplier number names nothing: the document's parties are found.
	if seller, buyer, _, _, err := services.EInvoiceParties(ctx, w.db, withOrder(t, "PO-E"), "tier1"); err != nil || seller != "tier1" || buyer != "anchor" {
		t.Fatalf("%s, %s, %v", seller, buyer, err)
	}
	// The seller named by its GLN as its PartyIdentification alone is found.
	if seller, _, _, _, err := services.EInvoiceParties(ctx, w.db, withOrder(t, "PO-E", endpoint, "",
		sellerID, `<cbc:ID schemeID="0088">9482348239847239874</cbc:ID>`), "tier1"); err != nil || seller != "tier1" {
		t.Fatalf("the seller by its PartyIdentification: %s, %v", seller, err)
	}
	for _, c := range []struct {
		name  string
		edits []string
		why   string
	}{
		{"the seller's identification, another's GLN", []string{sellerID, `<cbc:ID schemeID="0088">7300010000001</cbc:ID>`}, "the seller (AccountingSupplierParty)'s identifiers name two organizations"},
		{"the buyer's identification, another's GLN", []string{buyerID, `<cbc:ID schemeID="0088">7300010000001</cbc:ID>`}, "the buyer (AccountingCustomerParty)'s identifiers name two organizations"},
		{"the seller's identification, another's legal id", []string{sellerID, `<cbc:ID schemeID="0007">5566778899</cbc:ID>`}, "the seller (AccountingSupplierParty)'s identifiers name two organizations"},
		{"a second identification of the seller", []string{sellerID, sellerID + `</cac:PartyIdentification><cac:PartyIdentification><cbc:ID schemeID="0088">7300010000001</cbc:ID>`},
			"the seller (AccountingSupplierParty)'s identifiers name two organizations"},
		{"the seller named by another's GLN alone", []string{endpoint, "", sellerID, `<cbc:ID schemeID="0088">7300010000001</cbc:ID>`}, "not you"},
		// The EndpointID is an identifier of its scheme, as another registered it.
		{"the seller's EndpointID, another's legal id", []string{endpoint, `<cbc:EndpointID schemeID="0007">5566778899</cbc:EndpointID>`}, "not you"},
		{"eleven identifications", []string{sellerID, strings.Repeat(sellerID+"</cac:PartyIdentification><cac:PartyIdentification>", 10) + sellerID},
			"the seller (AccountingSupplierParty) has 11 identifications (PartyIdentification): linkfin reads at most 10"},
	} {
		_, _, _, _, err := services.EInvoiceParties(ctx, w.db, withOrder(t, "PO-E", c.edits...), "tier1")
		if linkfin.ErrorCode(err) != services.EPARTIES || !strings.Contains(linkfin.ErrorMessage(err), c.why) {
			t.Errorf("%s: %v, want %s saying %q", c.name, err, services.EPARTIES, c.why)
		}
	}
	// A mutually defined identification (scheme ZZZ) names the party to its partner
	// alone, as one without a scheme does.
	w.must(&services.RegisterIdentifier{Actor: "tier2", OrgID: "tier2", Identifier: linkfin.Identifier{Type: linkfin.IdentifierEndpoint, Scheme: "ZZZ", Value: "Supp123"}})
	if _, _, _, _, err := services.EInvoiceParties(ctx, w.db, withOrder(t, "PO-E", sellerID, `<cbc:ID schemeID="ZZZ">Supp123</cbc:ID>`), "tier1"); err != nil {
		t.Errorf("a mutually defined identification: %v", err)
	}
	// Checked again as the invoice is made: a GLN of the seller's registered since by
	// another refuses it, and nothing is stored.
	doc := withOrder(t, "PO-E", sellerID, `<cbc:ID schemeID="0088">7300010000002</cbc:ID>`)
	_, _, po, id, err := services.EInvoiceParties(ctx, w.db, doc, "tier1")
	if err != nil {
		t.Fatal(err)
	}
	w.must(&services.RegisterIdentifier{Actor: "tier2", OrgID: "tier2", Identifier: gln("7300010000002")})
	inv.POID = po
	w.refused(&services.CreateInvoice{Actor: "tier1", Invoice: inv, Identified: id}, services.EPARTIES)

	// CII: the buyer found by its GlobalID; the seller's GlobalID registered to another
	// refuses the document.
	cii := parse(t, "cen-cii/CII_example4.xml") // seller GlobalID 0088:5790000436101, VAT DK16356706; buyer GlobalID 0088:5790000436057
	w.must(&services.RegisterIdentifier{Actor: "tier1", OrgID: "tier1", Identifier: linkfin.Identifier{Type: linkfin.IdentifierVAT, Value: "DK16356706"}},
		&services.RegisterIdentifier{Actor: "anchor", OrgID: "anchor", Identifier: gln("5790000436057")})
	if _, _, _, _, err := services.EInvoiceParties(ctx, w.db, cii, "tier1"); linkfin.ErrorCode(err) != services.EPARTIES ||
		!strings.Contains(linkfin.ErrorMessage(err), `no purchase order numbered "123"`) {
		t.Errorf("CII, the parties found: %v", err)
	}
	w.must(&services.RegisterIdentifier{Actor: "tier2", OrgID: "tier2", Identifier: gln("5790000436101")})
	if _, _, _, _, err := services.EInvoiceParties(ctx, w.db, cii, "tier1"); linkfin.ErrorCode(err) != services.EPARTIES ||
		!strings.Contains(linkfin.ErrorMessage(err), "the seller (AccountingSupplierParty)'s identifiers name two organizations") {
		t.Errorf("CII, the seller's GlobalID another's: %v", err)
	}
}

// An invoice's dates are from 2000-01-01 to 2099-12-31 (a typing error otherwise), and
// it is not issued after tomorrow, in China Standard Time, the platform's day: in JSON
// and as an e-invoice, refused with nothing stored.
func TestInvoiceDates(t *testing.T) {
	w := newWorld(t) // 2026-11-02 09:00 UTC, 17:00 in China
	parties(w)
	w.must(&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "po-1", Number: "PO-1", SellerID: "tier1",
		ProgramID: "auto-scf", Currency: "CNY", Lines: []linkfin.POLine{{LineID: "L1", Item: "disc", Unit: "pc", Quantity: 100, UnitPrice: 10_00}}}},
		&services.AcceptPurchaseOrder{Actor: "tier1", ID: "po-1"})
	n := 0
	invoice := func(issued, due string) *services.CreateInvoice {
		n++
		return &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{Number: fmt.Sprintf("INV-%d", n), BuyerID: "anchor", POID: "po-1",
			Currency: "CNY", IssueDate: day(t, issued), DueDate: day(t, due),
			Lines: []linkfin.InvoiceLine{{LineID: "L1", Quantity: 1, UnitPrice: 10_00, Amount: 10_00}}, Total: 10_00}}
	}
	w.refused(invoice("1899-12-31", "2026-12-31"), linkfin.EINVALID)
	w.refused(invoice("1999-12-31", "2026-12-31"), linkfin.EINVALID)
	w.refused(invoice("2026-11-02", "2100-01-01"), linkfin.EINVALID)
	w.refused(invoice("2099-01-01", "2099-02-01"), services.EISSUEDFUTURE)
	w.refused(invoice("2026-11-04", "2026-12-31"), services.EISSUEDFUTURE) // the day after tomorrow
	w.must(invoice("2000-01-01", "2099-12-31"), invoice("2026-11-03", "2026-12-31"))
	// At 20:00 UTC it is the 3rd in China: the 4th is tomorrow there.
	w.now = time.Date(2026, 11, 2, 20, 0, 0, 0, time.UTC)
	w.must(invoice("2026-11-04", "2026-12-31"))
	w.refused(invoice("2026-11-05", "2026-12-31"), services.EISSUEDFUTURE)

	// An e-invoice: the parser refuses a date outside the range, the invoice one
	// issued after tomorrow.
	for _, c := range []struct{ issued, code string }{{"1899-11-13", ubl.EINVALID}, {"2100-11-13", ubl.EINVALID}, {"2099-11-13", services.EISSUEDFUTURE}} {
		s := strings.Replace(sample(t, "peppol-bis3-base-example.xml"), "<cbc:IssueDate>2017-11-13", "<cbc:IssueDate>"+c.issued, 1)
		doc, err := ubl.Parse(strings.NewReader(strings.Replace(s, "2017-12-01", c.issued[:4]+"-12-01", 1)))
		if err == nil {
			var inv linkfin.Invoice
			if inv, err = services.InvoiceFromEInvoice(doc, "", "anchor"); err == nil {
				inv.POID = orderFor(w, inv)
				w.refused(&services.CreateInvoice{Actor: "tier1", Invoice: inv}, c.code)
				continue
			}
		}
		if linkfin.ErrorCode(err) != c.code {
			t.Errorf("issued %s: %v, want %s", c.issued, err, c.code)
		}
	}
}

// A credit note's issue date is held to an invoice's rules: from 2000-01-01 to
// 2099-12-31, and not after tomorrow in China Standard Time, in JSON and as an
// e-credit note (UBL CreditNote, CII 381), refused with nothing stored; nor is it
// before the invoice it credits (issued 2017-11-13), issue_date_before_invoice. The
// note keeps it; one given none in JSON is dated the day it is made, in China.
func TestCreditNoteDates(t *testing.T) {
	w := newWorld(t) // 2026-11-02 09:00 UTC, 17:00 in China
	parties(w)
	inv, err := services.InvoiceFromEInvoice(parse(t, "peppol-bis3-base-example.xml"), "", "anchor")
	if err != nil {
		t.Fatal(err)
	}
	inv.POID = orderFor(w, inv)
	w.must(&services.CreateInvoice{Actor: "tier1", Invoice: inv})
	n := 0
	note := func(issued string) *services.CreateCreditNote {
		n++
		c := &services.CreateCreditNote{Actor: "tier1", InvoiceNumber: inv.Number,
			Note: linkfin.CreditNote{Number: fmt.Sprintf("CN-%d", n), Amount: 1, Reason: "a scratch"}}
		if issued != "" {
			c.Note.IssueDate = day(t, issued)
		}
		return c
	}
	w.refused(note("1999-12-31"), linkfin.EINVALID)
	w.refused(note("2100-01-01"), linkfin.EINVALID)
	w.refused(note("2099-01-01"), services.EISSUEDFUTURE)
	w.refused(note("2026-11-04"), services.EISSUEDFUTURE) // the day after tomorrow
	w.refused(note("2000-01-01"), services.EISSUEDBEFOREINVOICE)
	w.refused(note("2017-11-12"), services.EISSUEDBEFOREINVOICE) // the day before the invoice
	for issued, want := range map[string]string{"2026-11-03": "2026-11-03", "2017-11-13": "2017-11-13", "": "2026-11-02"} {
		got, err := run[linkfin.CreditNote](w, note(issued))
		if err != nil || got.IssueDate.String() != want {
			t.Fatalf("issued %q: %+v, %v", issued, got, err)
		}
	}
	// At 20:00 UTC it is the 3rd in China: a note without a date is of the 3rd, and
	// the 4th is tomorrow there.
	w.now = time.Date(2026, 11, 2, 20, 0, 0, 0, time.UTC)
	if got, err := run[linkfin.CreditNote](w, note("")); err != nil || got.IssueDate.String() != "2026-11-03" {
		t.Fatalf("undated at 20:00 UTC: %+v, %v", got, err)
	}
	w.must(note("2026-11-04"))
	w.refused(note("2026-11-05"), services.EISSUEDFUTURE)

	// An e-credit note, UBL and CII: the parser refuses a date outside the range, the
	// note one issued after tomorrow or before its invoice; one of a good date keeps
	// it. CII_example4's own date, 2013-04-10, is before the invoice it is made to
	// credit here: refused as such.
	ubls := sample(t, "cen/ubl-tc434-creditnote1.xml")
	cii := strings.Replace(strings.Replace(sample(t, "cen-cii/CII_example4.xml"), "<ram:TypeCode>380</ram:TypeCode>", "<ram:TypeCode>381</ram:TypeCode>", 1),
		"</ram:SpecifiedTradeSettlementHeaderMonetarySummation>", "</ram:SpecifiedTradeSettlementHeaderMonetarySummation>"+
			"<ram:InvoiceReferencedDocument><ram:IssuerAssignedID>"+inv.Number+"</ram:IssuerAssignedID></ram:InvoiceReferencedDocument>", 1)
	for _, c := range []struct {
		doc, issued, code string
	}{
		{"ubl", "1899-09-23", ubl.EINVALID}, {"ubl", "2100-09-23", ubl.EINVALID}, {"ubl", "2099-09-23", services.EISSUEDFUTURE}, {"ubl", "2026-11-05", services.EISSUEDFUTURE},
		{"ubl", "2017-11-12", services.EISSUEDBEFOREINVOICE}, {"ubl", "2019-09-23", ""}, {"ubl", "2017-11-13", ""},
		{"cii", "1899-04-10", ubl.EINVALID}, {"cii", "2099-04-10", services.EISSUEDFUTURE},
		{"cii", "2013-04-10", services.EISSUEDBEFOREINVOICE}, {"cii", "2017-11-12", services.EISSUEDBEFOREINVOICE}, {"cii", "2018-04-10", ""},
	} {
		var s string
		if c.doc == "ubl" {
			s = strings.Replace(ubls, "<cbc:IssueDate>2019-09-23", "<cbc:IssueDate>"+c.issued, 1)
			s = strings.Replace(s, "<cac:InvoicePeriod>", "<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>"+inv.Number+
				"</cbc:ID></cac:InvoiceDocumentReference></cac:BillingReference><cac:InvoicePeriod>", 1)
		} else {
			s = strings.Replace(cii, ">20130410<", ">"+strings.ReplaceAll(c.issued, "-", "")+"<", 1)
		}
		s = strings.Replace(s, "<cbc:ID>018304 / 28865</cbc:ID>", fmt.Sprintf("<cbc:ID>CN-%s-%s</cbc:ID>", c.doc, c.issued), 1)
		s = strings.Replace(s, "<ram:ID>TOSL110</ram:ID>", fmt.Sprintf("<ram:ID>CN-%s-%s</ram:ID>", c.doc, c.issued), 1)
		doc, err := ubl.Parse(strings.NewReader(s))
		if err != nil {
			if linkfin.ErrorCode(err) != c.code {
				t.Errorf("%s issued %s: %v, want %s", c.doc, c.issued, err, c.code)
			}
			continue
		}
		cn, number, err := services.CreditNoteFromEInvoice(doc)
		if err != nil {
			t.Fatalf("%s issued %s: %v", c.doc, c.issued, err)
		}
		cn.Amount = 1 // what the invoice still asks bounds it
		credit := &services.CreateCreditNote{Actor: "tier1", Note: cn, InvoiceNumber: number}
		if c.code != "" {
			w.refused(credit, c.code)
			continue
		}
		if got, err := run[linkfin.CreditNote](w, credit); err != nil || got.IssueDate.String() != c.issued {
			t.Errorf("%s issued %s: %+v, %v", c.doc, c.issued, got, err)
		}
	}
}
