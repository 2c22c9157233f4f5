package linkfin

import (
	"strings"
	"testing"
)

// TestMarginCallLTVBound: a pledge program calls for margin at a loan-to-value of at
// most 1. Above it, the loan would be worth more than the lot before any call: a
// program of "50" was taken, and its pledges were never called.
func TestMarginCallLTVBound(t *testing.T) {
	program := func(ltv string) *Program {
		r, err := ParseRate(ltv)
		if err != nil {
			t.Fatal(err)
		}
		adv, _ := ParseRate("0.6")
		return &Program{Name: "P", Currency: "CNY", Limit: 100_000, Products: []Product{ProductWarehousePledge}, MaxTenorDays: 90,
			AdvanceRate: adv, DayCount: ACT360, Calendar: "CN", MarginCallLTV: &r}
	}
	for _, ltv := range []string{"1.0001", "1.5", "50"} {
		err := program(ltv).Validate()
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "margin_call_ltv") {
			t.Errorf("margin_call_ltv %s: %v, want %s", ltv, err, EINVALID)
		}
	}
	for _, ltv := range []string{"0.75", "1"} {
		if err := program(ltv).Validate(); err != nil {
			t.Errorf("margin_call_ltv %s: %v", ltv, err)
		}
	}
}
