package linkfin_test

import (
	"testing"

	"linkfin"
)

// TestCheckRecordEvent: a record's event is one of its kind, "<kind>.<what happened>",
// and its kind is registered.
func TestCheckRecordEvent(t *testing.T) {
	for _, tc := range []struct {
		kind, event string
		ok          bool
	}{
		{linkfin.KindInvoice, "invoice.created", true},
		{linkfin.KindInvoice, "invoice.", true},
		{linkfin.KindInvoice, "invoice", false},
		{linkfin.KindInvoice, "invoices.created", false},
		{linkfin.KindInvoice, "invoic.created", false},
		{linkfin.KindInvoice, "payable.approved", false},
		{linkfin.KindInvoice, "", false},
		{"no_such_kind", "no_such_kind.made", false},
	} {
		if err := linkfin.CheckRecordEvent(tc.kind, tc.event); (err == nil) != tc.ok {
			t.Errorf("%s %q: %v, want ok %v", tc.kind, tc.event, err, tc.ok)
		}
	}
}
