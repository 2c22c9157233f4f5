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
