package linkfin

import (
	"math"
	"math/big"
	"testing"

	"pgregory.net/rapid"
)

// simpleWords, where it answers, answers what the exact fraction rounds to; where the
// fraction's result is out of range it does not answer; and it answers for the
// amounts, rates and days of real trade.
func TestSimpleWordsIsExact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		amount := rapid.OneOf(rapid.Int64Range(0, 1_000_000_000_00), rapid.Int64Range(0, math.MaxInt64),
			rapid.Int64Range(math.MaxInt64-1000, math.MaxInt64)).Draw(t, "amount")
		days := rapid.OneOf(rapid.IntRange(0, 3660), rapid.IntRange(0, math.MaxInt32)).Draw(t, "days")
		// A rate as its decimal digits: num / 10^places, up to 18 places.
		places := rapid.IntRange(0, 18).Draw(t, "places")
		num := rapid.OneOf(rapid.Int64Range(0, 1_000_000), rapid.Int64Range(0, math.MaxInt64)).Draw(t, "num")
		rate := Rate{new(big.Rat).SetFrac(big.NewInt(num), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil))}
		if num == 0 {
			rate = Rate{}
		}
		basis := rapid.SampledFrom([]int{360, 365}).Draw(t, "basis")
		want, err := simpleRat(amount, rate, days, basis)
		got, ok := simpleWords(uint64(amount), rate, uint64(days), uint64(basis))
		switch {
		case ok && err != nil:
			t.Fatalf("words answered %d where the fraction refuses: %v", got, err)
		case ok && got != want:
			t.Fatalf("words answered %d, the fraction %d", got, want)
		case !ok && err == nil && amount <= 1_000_000_000_00 && days <= 3660 && num <= 1_000_000 && places <= 12:
			t.Fatalf("words did not answer an ordinary case (fraction: %d)", want)
		}
	})
}

// Halves round to even, in words as in the fraction.
func TestSimpleWordsHalves(t *testing.T) {
	half := Rate{big.NewRat(1, 2)}
	for _, tc := range []struct {
		amount, days int64
		want         int64
	}{
		{360, 1, 0},  // 360 × 1/2 × 1/360 = 0.5 → 0
		{1080, 1, 2}, // 1.5 → 2
		{1800, 1, 2}, // 2.5 → 2
		{2520, 1, 4}, // 3.5 → 4
		{2521, 1, 4}, // 3.5013… → 4
	} {
		got, ok := simpleWords(uint64(tc.amount), half, uint64(tc.days), 360)
		if !ok || got != tc.want {
			t.Errorf("%d for %d days at 1/2: %d, %v, want %d", tc.amount, tc.days, got, ok, tc.want)
		}
		if r, err := simpleRat(tc.amount, half, int(tc.days), 360); err != nil || r != tc.want {
			t.Errorf("the fraction: %d, %v, want %d", r, err, tc.want)
		}
	}
}
