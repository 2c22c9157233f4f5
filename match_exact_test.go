package linkfin

import (
	"math"
	"math/rand/v2"
	"testing"
)

// edgeInt64s are amounts and quantities at and near the edges of int64, where the
// three-way match's int64 arithmetic overflows and must give way to rationals.
var edgeInt64s = []int64{math.MinInt64, math.MinInt64 + 1, -1 << 62, -1_000_000_007, -100, -1, 0, 1, 2, 3, 7, 99,
	100, 101, 1_000, 1_050, 999_999, 1 << 31, 1_000_000_007, 1 << 62, math.MaxInt64 - 1, math.MaxInt64}

// The match's tolerances compared in int64 give the answers they give in rationals,
// on every edge and on random values; and int64 does answer most of them.
func TestWithinAsRationals(t *testing.T) {
	var rates []Rate
	for _, s := range []string{"0", "0.05", "0.1", "0.333", "1", "2.5", "12345678901234567890.5", "0.0000000000000000000001"} {
		r, err := ParseRate(s)
		if err != nil {
			t.Fatal(err)
		}
		rates = append(rates, r)
	}
	values := append([]int64(nil), edgeInt64s...)
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 60 {
		values = append(values, rnd.Int64N(2_000_000)-1_000_000, int64(rnd.Uint64()))
	}
	var exact, all int
	for _, got := range values {
		for _, want := range values {
			for _, rate := range rates {
				for _, up := range []bool{false, true} {
					all++
					if _, ok := withinInt(got, want, rate, up); ok {
						exact++
					}
					if a, b := within(got, want, rate, up), withinExact(got, want, rate, up); a != b {
						t.Fatalf("within(%d, %d, %s, %t) = %t, in rationals %t", got, want, rate, up, a, b)
					}
				}
			}
		}
	}
	if exact < all/2 {
		t.Errorf("int64 answered %d of %d comparisons", exact, all)
	}
}

// A line priced in minor units is checked in int64 as in rationals, overflowing or
// not.
func TestAmountOKAsRationals(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	small := func() int64 { return rnd.Int64N(2_000) - 1_000 }
	pick := func() int64 {
		if rnd.IntN(3) == 0 {
			return edgeInt64s[rnd.IntN(len(edgeInt64s))]
		}
		return small()
	}
	var matched int
	for i := range 40_000 {
		l := InvoiceLine{Quantity: pick(), UnitPrice: pick(), Allowance: pick(), Charge: pick()}
		if i%2 == 0 {
			// Often the right amount, or one off it, so that both answers are tried.
			l.Amount = l.Quantity*l.UnitPrice + l.Charge - l.Allowance + rnd.Int64N(3) - 1
		} else {
			l.Amount = pick()
		}
		for _, exp := range []int{0, 2} {
			ok := l.AmountOK(exp)
			if ok != l.amountOKExact(exp) {
				t.Fatalf("%+v: AmountOK(%d) = %t, in rationals %t", l, exp, ok, !ok)
			}
			if ok {
				matched++
			}
			for _, rate := range []Rate{{}, mustRate(t, "0.05")} {
				want := pick()
				if a, b := priceWithin(&l, exp, want, rate), withinRat(l.UnitPriceRat(exp), want, rate); a != b {
					t.Fatalf("%+v: price within %s of %d: %t, in rationals %t", l, rate, want, a, b)
				}
			}
		}
	}
	if matched < 200 {
		t.Errorf("only %d amounts matched: the right answer is hardly tried", matched)
	}
}

func mustRate(t *testing.T, s string) Rate {
	t.Helper()
	r, err := ParseRate(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
