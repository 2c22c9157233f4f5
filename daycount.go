package linkfin

import (
	"fmt"
	"math"
	"math/big"
	"math/bits"
)

// DayCount is a day-count convention: how a number of calendar days becomes a fraction of
// a year. The zero value is not a valid convention, so an unset one is caught rather than
// silently defaulted.
type DayCount int

const (
	// ACT360 counts actual days over a 360-day year; the default for certificates and
	// Chinese bill discounting.
	ACT360 DayCount = iota + 1
	// ACT365F counts actual days over a fixed 365-day year, leap years included.
	ACT365F
)

// ParseDayCount reads "ACT/360" or "ACT/365F".
func ParseDayCount(s string) (DayCount, error) {
	switch s {
	case "ACT/360":
		return ACT360, nil
	case "ACT/365F":
		return ACT365F, nil
	}
	return 0, Errorf(EINVALID, "unknown day count %s: want \"ACT/360\" or \"ACT/365F\"", quote(s))
}

// String returns the name ParseDayCount reads.
func (dc DayCount) String() string {
	switch dc {
	case ACT360:
		return "ACT/360"
	case ACT365F:
		return "ACT/365F"
	}
	return fmt.Sprintf("DayCount(%d)", int(dc))
}

// Basis returns the number of days in the convention's year, or 0 for an invalid DayCount.
func (dc DayCount) Basis() int {
	switch dc {
	case ACT360:
		return 360
	case ACT365F:
		return 365
	}
	return 0
}

// MarshalText encodes dc by name, which makes it a JSON string.
func (dc DayCount) MarshalText() ([]byte, error) {
	if dc.Basis() == 0 {
		return nil, Errorf(EINVALID, "invalid day count %d", int(dc))
	}
	return []byte(dc.String()), nil
}

// UnmarshalText decodes a day count with ParseDayCount.
func (dc *DayCount) UnmarshalText(b []byte) error {
	v, err := ParseDayCount(string(b))
	if err != nil {
		return err
	}
	*dc = v
	return nil
}

// YearFraction returns the exact fraction of a year from from to to under dc: actual
// calendar days over the basis. It is negative if to is before from. It panics if dc is
// not a valid DayCount, which is a programming error.
func YearFraction(from, to Date, dc DayCount) *big.Rat {
	basis := dc.Basis()
	if basis == 0 {
		panic("linkfin: YearFraction with invalid " + dc.String())
	}
	return big.NewRat(int64(DaysBetween(from, to)), int64(basis))
}

// Discount returns the straight (bank) discount on face minor units at the annual rate
// for days calendar days: face × rate × days / basis, computed exactly and rounded once,
// half-even, to a minor unit. The price paid is face − discount. Dynamic discounting uses
// the same formula with the APR and the days paid early.
func Discount(face int64, rate Rate, days int, dc DayCount) (int64, error) {
	return simple("face", face, rate, days, dc)
}

// Interest returns simple interest in arrears on principal minor units at the annual rate
// for days calendar days: principal × rate × days / basis, computed exactly and rounded
// once, half-even, to a minor unit.
func Interest(principal int64, rate Rate, days int, dc DayCount) (int64, error) {
	return simple("principal", principal, rate, days, dc)
}

func simple(what string, amount int64, rate Rate, days int, dc DayCount) (int64, error) {
	basis := dc.Basis()
	switch {
	case basis == 0:
		return 0, Errorf(EINVALID, "invalid day count %d", int(dc))
	case amount < 0:
		return 0, Errorf(EINVALID, "%s must not be negative", what)
	case days < 0:
		return 0, Errorf(EINVALID, "days must not be negative")
	}
	if v, ok := simpleWords(uint64(amount), rate, uint64(days), uint64(basis)); ok {
		return v, nil
	}
	return simpleRat(amount, rate, days, basis)
}

// simpleRat is amount × rate × days / basis as an exact fraction, rounded half-even.
func simpleRat(amount int64, rate Rate, days, basis int) (int64, error) {
	n := new(big.Int).Mul(big.NewInt(amount), big.NewInt(int64(days)))
	x := rate.Rat()
	x.Mul(x, new(big.Rat).SetFrac(n, big.NewInt(int64(basis))))
	return RoundHalfEven(x)
}

// simpleWords is what simpleRat works out, in machine words where they hold it: the
// rate's numerator and denominator each in an int64 (Rate.int64s), amount × days too, the product of
// that and the numerator in 128, and the rounded quotient in an int64. It reports
// false where they do not, and simpleRat works it out (or refuses it) instead. A
// simulation prices millions of days of interest: big.Rat's allocations were most of
// their cost.
func simpleWords(amount uint64, rate Rate, days, basis uint64) (int64, bool) {
	num, den, ok := rate.int64s() // den > 0
	if !ok || num < 0 {
		return 0, false
	}
	ad, lo := bits.Mul64(amount, days)
	if ad != 0 {
		return 0, false
	}
	hi, lo := bits.Mul64(lo, uint64(num))
	dh, d := bits.Mul64(uint64(den), basis)
	if dh != 0 || hi >= d {
		return 0, false // the quotient does not fit in 64 bits
	}
	q, r := bits.Div64(hi, lo, d)
	if q >= math.MaxInt64 {
		return 0, false
	}
	// Half-even: up when the remainder is over half the divisor, or exactly half and
	// the quotient odd (r > d-r, not 2r > d: 2r may not fit in 64 bits).
	if r > d-r || r == d-r && q&1 == 1 {
		q++
	}
	return int64(q), true
}

// EffectiveRateDecimals is the number of decimal places of the rate EffectiveAnnualRate
// returns: 6 places is 0.0001 %, finer than any quote is read.
const EffectiveRateDecimals = 6

// EffectiveAnnualRate returns the simple annual yield earned by paying price now for face
// days later, both in minor units: (face − price) / price × basis / days. Unlike the
// discount rate, which is charged on face, it is a return on the money actually paid, so
// it is the rate to compare with a loan's interest rate. It is not compounded. The exact
// value is rounded half-even to EffectiveRateDecimals places.
//
// price and days must be positive and face at least price (a yield is never negative);
// otherwise the error is EINVALID.
func EffectiveAnnualRate(price, face int64, days int, dc DayCount) (Rate, error) {
	basis := dc.Basis()
	switch {
	case basis == 0:
		return Rate{}, Errorf(EINVALID, "invalid day count %d", int(dc))
	case price <= 0:
		return Rate{}, Errorf(EINVALID, "price must be positive")
	case face < price:
		return Rate{}, Errorf(EINVALID, "face must not be less than price")
	case days <= 0:
		return Rate{}, Errorf(EINVALID, "days must be positive")
	}
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(EffectiveRateDecimals), nil)
	num := new(big.Int).Sub(big.NewInt(face), big.NewInt(price))
	num.Mul(num, big.NewInt(int64(basis)))
	num.Mul(num, scale)
	den := new(big.Int).Mul(big.NewInt(price), big.NewInt(int64(days)))
	n, err := RoundHalfEven(new(big.Rat).SetFrac(num, den))
	if err != nil {
		return Rate{}, err
	}
	return Rate{r: new(big.Rat).SetFrac(big.NewInt(n), scale)}, nil
}
