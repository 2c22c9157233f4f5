package linkfin_test

import (
	"testing"

	"linkfin"
)

// The keys of a duplicate window are each day's fingerprint key, the invoice's own day
// in the middle.
func TestInvoiceFingerprintKeys(t *testing.T) {
	issued := linkfin.NewDate(2026, 12, 30)
	for _, w := range []int{0, 1, 7, linkfin.MaxDuplicateWindowDays} {
		keys := linkfin.InvoiceFingerprintKeys("tier2", "tier1", "CNY", 1_234_567, issued, w)
		if len(keys) != 2*w+1 {
			t.Fatalf("window %d: %d keys", w, len(keys))
		}
		for d := -w; d <= w; d++ {
			if want := linkfin.InvoiceFingerprintKey("tier2", "tier1", "CNY", 1_234_567, issued.AddDays(d)); keys[w+d] != want {
				t.Fatalf("window %d, day %+d: %q, want %q", w, d, keys[w+d], want)
			}
		}
	}
	if got := linkfin.InvoiceFingerprintKey("tier2", "tier1", "CNY", 1_234_567, issued); got != "tier2~tier1~CNY~1234567~2026-12-30" {
		t.Fatalf("the key of a day: %q", got)
	}
}

// TestCheckDate: a business date is from 2000-01-01 to 2099-12-31, ends included;
// outside, it is refused invalid naming the field, the range and the date. An order's
// deliver_by is held to it.
func TestCheckDate(t *testing.T) {
	for _, d := range []linkfin.Date{{}, linkfin.NewDate(1, 1, 1), linkfin.NewDate(1999, 12, 31), linkfin.NewDate(2100, 1, 1), linkfin.NewDate(9999, 12, 31)} {
		err := linkfin.CheckDate("deliver_by", d)
		wantCode(t, err, linkfin.EINVALID)
		if want := "deliver_by is from 2000-01-01 to 2099-12-31, not " + d.String(); linkfin.ErrorMessage(err) != want {
			t.Errorf("%s: %q, want %q", d, linkfin.ErrorMessage(err), want)
		}
		po := linkfin.PurchaseOrder{Number: "PO-1", Currency: "CNY", DeliverBy: &d,
			Lines: []linkfin.POLine{{LineID: "1", Item: "bolt", Quantity: 1, Unit: "EA", UnitPrice: 100}}}
		wantCode(t, po.Validate(), linkfin.EINVALID)
	}
	for _, d := range []linkfin.Date{linkfin.MinInvoiceDate, linkfin.NewDate(2026, 12, 7), linkfin.MaxInvoiceDate} {
		if err := linkfin.CheckDate("deliver_by", d); err != nil {
			t.Errorf("%s: %v", d, err)
		}
		po := linkfin.PurchaseOrder{Number: "PO-1", Currency: "CNY", DeliverBy: &d,
			Lines: []linkfin.POLine{{LineID: "1", Item: "bolt", Quantity: 1, Unit: "EA", UnitPrice: 100}}}
		if err := po.Validate(); err != nil {
			t.Errorf("an order due %s: %v", d, err)
		}
	}
}
