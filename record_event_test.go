package linkfin_test

import (
	"testing"

	"linkfin"
)

// TestCheckRecord: a record's event is one of its kind, "<kind>.<what happened>", its
// kind is registered, and its id is one every store can hold: UTF-8 text without NUL.
func TestCheckRecord(t *testing.T) {
	for _, tc := range []struct {
		kind, id, event string
		ok              bool
	}{
		{linkfin.KindInvoice, "inv-1", "invoice.created", true},
		{linkfin.KindInvoice, "inv-1", "invoice.", true},
		{linkfin.KindInvoice, "发票~1", "invoice.created", true},
		{linkfin.KindInvoice, "inv-1", "invoice", false},
		{linkfin.KindInvoice, "inv-1", "invoices.created", false},
		{linkfin.KindInvoice, "inv-1", "invoic.created", false},
		{linkfin.KindInvoice, "inv-1", "payable.approved", false},
		{linkfin.KindInvoice, "inv-1", "", false},
		{"no_such_kind", "x", "no_such_kind.made", false},
		{linkfin.KindInvoice, "inv\x00", "invoice.created", false},
		{linkfin.KindInvoice, "inv\xff", "invoice.created", false},
		{linkfin.KindInvoice, "\xed\xa0\x80", "invoice.created", false},
	} {
		err := linkfin.CheckRecord(tc.kind, tc.id, tc.event)
		if (err == nil) != tc.ok {
			t.Errorf("%s %q %q: %v, want ok %v", tc.kind, tc.id, tc.event, err, tc.ok)
		}
		if !(linkfin.ObjectKey{Kind: tc.kind, ID: tc.id}).Storable() && linkfin.ErrorCode(err) != linkfin.EINVALID {
			t.Errorf("%s %q: %v, want %s", tc.kind, tc.id, err, linkfin.EINVALID)
		}
	}
}
