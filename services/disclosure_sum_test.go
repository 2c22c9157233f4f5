package services

import (
	"testing"
	"time"

	"linkfin"
)

// A disclosure sums every payable of a program over its period: figures past an int64
// (9,224 payables of the largest amount) are refused as total_too_large, not wrapped
// into negative ones.
func TestDisclosureFiguresDoNotWrap(t *testing.T) {
	from, _ := linkfin.ParseDate("2026-11-01")
	to, _ := linkfin.ParseDate("2026-11-30")
	d := &linkfin.Disclosure{From: from, To: to}
	pay := linkfin.Payable{Confirmed: linkfin.MaxAmount, ApprovedAt: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC),
		DueDate: to.AddDays(30)}
	var err error
	n := 0
	for ; n < 10_000 && err == nil; n++ {
		err = disclose(d, &pay)
		if d.Confirmed < 0 || d.OutstandingEnd < 0 {
			t.Fatalf("after %d payables: confirmed %d, outstanding %d", n+1, d.Confirmed, d.OutstandingEnd)
		}
	}
	if linkfin.ErrorCode(err) != linkfin.ETOTALTOOLARGE || n != 9_224 {
		t.Fatalf("payable %d: %v, want %s at the 9,224th", n, err, linkfin.ETOTALTOOLARGE)
	}
}
