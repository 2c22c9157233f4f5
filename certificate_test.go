package linkfin_test

import (
	"strings"
	"testing"

	"linkfin"
)

func TestCheckTree(t *testing.T) {
	piece := func(id, parent string, face int64, status linkfin.CertificateStatus, children ...string) linkfin.Certificate {
		return linkfin.Certificate{ID: id, RootID: "r", ParentID: parent, Face: face, Status: status, Children: children}
	}
	sound := []linkfin.Certificate{
		piece("r", "", 100_00, linkfin.CertificateSplit, "a", "b"),
		piece("a", "r", 33_33, linkfin.CertificateTransferred, "a1", "a2"),
		piece("b", "r", 66_67, linkfin.CertificateActive),
		piece("a1", "a", 1, linkfin.CertificateActive),
		piece("a2", "a", 33_32, linkfin.CertificateActive),
	}
	if p := linkfin.CheckTree(sound, 0); len(p) != 0 {
		t.Fatalf("a sound tree: %v", p)
	}
	if p := linkfin.CheckTree(sound, 1); len(p) != 2 {
		t.Fatalf("settled 1 fen that no piece accounts for: %v", p)
	}
	// Piece b paid at maturity: 66.67 settled.
	paid := append([]linkfin.Certificate(nil), sound...)
	paid[2].Status = linkfin.CertificateSettled
	if p := linkfin.CheckTree(paid, 66_67); len(p) != 0 {
		t.Fatalf("after settling b: %v", p)
	}
	if p := linkfin.CheckTree(paid, 0); len(p) == 0 {
		t.Fatal("a settled piece the ledger never paid went unnoticed")
	}
	cases := map[string]func(ps []linkfin.Certificate){
		"a fen created":      func(ps []linkfin.Certificate) { ps[4].Face++ },
		"a child lost":       func(ps []linkfin.Certificate) { ps[1].Children = []string{"a1", "zz"} },
		"an active parent":   func(ps []linkfin.Certificate) { ps[1].Status = linkfin.CertificateActive },
		"a zero piece":       func(ps []linkfin.Certificate) { ps[3].Face, ps[4].Face = 0, 33_33 },
		"another root named": func(ps []linkfin.Certificate) { ps[2].RootID = "q" },
	}
	for name, breakIt := range cases {
		ps := append([]linkfin.Certificate(nil), sound...)
		breakIt(ps)
		if p := linkfin.CheckTree(ps, 0); len(p) == 0 {
			t.Errorf("%s: CheckTree found nothing", name)
		}
	}
}

func TestThreeWayMatchTolerances(t *testing.T) {
	rate := func(s string) linkfin.Rate {
		r, err := linkfin.ParseRate(s)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	po := &linkfin.PurchaseOrder{Currency: "CNY", Tolerances: linkfin.MatchTolerances{QuantityRate: rate("0.05"), PriceRate: rate("0.02"), AmountAbs: 50_00},
		Lines: []linkfin.POLine{{LineID: "1", Quantity: 100, UnitPrice: 10_00, Received: 100}}}
	inv := func(q, p int64) *linkfin.Invoice {
		return &linkfin.Invoice{Currency: "CNY", Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: q, UnitPrice: p, Amount: q * p}}, Total: q * p}
	}
	for _, c := range []struct {
		q, p int64
		ok   bool
	}{
		{100, 10_00, true},
		{105, 10_00, true},  // 5 % over received, at the edge; 50.00 over the order's prices, at the edge
		{106, 10_00, false}, // over 5 %
		{100, 10_20, true},  // 2 % over on price, at the edge; 20.00 over in all, within 50.00
		{100, 10_21, false}, // over 2 %
		{90, 9_80, true},    // less and cheaper is fine
	} {
		m := linkfin.ThreeWayMatch(po, inv(c.q, c.p))
		if m.OK != c.ok {
			t.Errorf("quantity %d at %d: ok = %v, want %v (%+v)", c.q, c.p, m.OK, c.ok, m)
		}
	}
	// What the order's other invoices took is not there to invoice again: of 100
	// received, 60 invoiced before leave 60 for this one (40, and 5 % more of it).
	po.Lines[0].Invoiced = 60
	for _, c := range []struct {
		q      int64
		reason string
	}{{40, ""}, {42, ""}, {43, linkfin.ReasonQuantityOverRecvd}, {100, linkfin.ReasonQuantityOverRecvd}} {
		m := linkfin.ThreeWayMatch(po, inv(c.q, 10_00))
		if got := strings.Join(m.Lines[0].Reasons, ","); got != c.reason || m.Lines[0].InvoicedBefore != 60 {
			t.Errorf("%d after 60 invoiced: reasons %q, want %q (%+v)", c.q, got, c.reason, m.Lines[0])
		}
	}
	po.Lines[0].Invoiced = 100
	if m := linkfin.ThreeWayMatch(po, inv(1, 10_00)); m.OK || strings.Join(m.Lines[0].Reasons, ",") != linkfin.ReasonAlreadyInvoiced {
		t.Errorf("one more once all is invoiced: %+v", m.Lines[0])
	}
}

func TestNormalizeInvoiceNumber(t *testing.T) {
	for in, want := range map[string]string{
		"INV-0042": "inv42", "inv 42": "inv42", "Inv.42": "inv42", "inv-00042": "inv42",
		"2026/001": "20261", "A-0-B": "a0b", "000": "0", "INV-420": "inv420", "发票-007": "发票7",
		// Look-alikes of INV-0042: hyphens and dashes of other code points, full-width
		// letters and digits, a zero-width space, a dotted capital I.
		"INV\u20100042": "inv42", "INV\u20110042": "inv42", "INV\u20130042": "inv42", "ＩＮＶ-００４２": "inv42",
		"INV-0042\u200b": "inv42", "\u0130NV-0042": "inv42", "发票\u3000007": "发票7",
		// Invisible characters inside a run of digits: INV-1002 and INV-0042 still.
		"INV-1\u200b002": "inv1002", "INV-1\u2060002": "inv1002", "INV-1\u00ad002": "inv1002", "INV-10\ufeff02": "inv1002",
		"INV-1\u200e002": "inv1002", "INV-0\u200b042": "inv42", "INV-1\u3164002": "inv1002",
	} {
		if got := linkfin.NormalizeInvoiceNumber(in); got != want {
			t.Errorf("NormalizeInvoiceNumber(%q) = %q, want %q", in, got, want)
		}
	}
	if linkfin.NormalizeInvoiceNumber("INV-42") == linkfin.NormalizeInvoiceNumber("INV-420") {
		t.Error("42 and 420 are different numbers")
	}
}

// A maturity index's id is its program's id and the date, whatever their lengths.
func TestMaturityID(t *testing.T) {
	long := strings.Repeat("p", 100)
	for _, tt := range []struct {
		program string
		date    linkfin.Date
		want    string
	}{
		{"auto-scf", linkfin.NewDate(2027, 2, 1), "auto-scf@2027-02-01"},
		{"", linkfin.Date{}, "@0001-01-01"},
		{long, linkfin.NewDate(2026, 12, 31), long + "@2026-12-31"},
		{"p", linkfin.NewDate(10000, 1, 1), "p@10000-01-01"},
	} {
		if got := linkfin.MaturityID(tt.program, tt.date); got != tt.want {
			t.Errorf("MaturityID(%q, %s) = %q, want %q", tt.program, tt.date, got, tt.want)
		}
	}
}
