package linkfin

import (
	"math/big"
	"strings"
)

// maxRateLen bounds the input ParseRate accepts, so that a request cannot make it build
// an arbitrarily large number; real rates need a handful of digits.
const maxRateLen = 40

// MaxAnnualRate is the highest annual rate anything on the platform is priced at: 1,
// which is 100 % a year. A funder's pricing (a fixed rate, or a base rate, a margin and
// their sum), a grade's margin and the funder's base rate under it, a program's
// early-payment APR and its late rate are each at most this much; no lender charges
// more, and a quote at such a rate would be nonsense, or would overflow its price.
const MaxAnnualRate = 1

// CheckAnnualRate refuses, with EINVALID naming the field and the bound, an annual
// rate above MaxAnnualRate.
func CheckAnnualRate(field string, r Rate) error {
	if r.Rat().Cmp(big.NewRat(MaxAnnualRate, 1)) > 0 {
		return Errorf(EINVALID, "%s is an annual rate of at most %d (%d %% a year), not %s", field, MaxAnnualRate, MaxAnnualRate*100, r)
	}
	return nil
}

// Rate is an exact, non-negative annual rate written as a decimal fraction: "0.0425" is
// 4.25 % a year. It is never a float. The zero value is a rate of 0. A Rate is immutable
// and safe to copy; compare rates with Cmp, not ==.
type Rate struct {
	r *big.Rat // nil means 0; always a terminating decimal
}

// ParseRate reads a rate written as plain decimal digits with an optional fraction, such as
// "0.0425", "1" or "0.18". Signs, exponents, percent signs, spaces, a bare or trailing
// '.' and a leading zero ("00.5", "01": the integer part is "0" or starts with another
// digit) are rejected with EINVALID. Zeros that end the fraction ("0.0400") are taken:
// they state a decimal's precision, and no reader takes them for another number, where
// a leading zero is octal to some and "0100.00" would be a price of 100 spelt two ways.
func ParseRate(s string) (Rate, error) {
	if len(s) > maxRateLen {
		return Rate{}, Errorf(EINVALID, "invalid rate %s: longer than %d characters", quote(s), maxRateLen)
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if !IsDigits(intPart) || (hasDot && !IsDigits(frac)) {
		return Rate{}, Errorf(EINVALID, "invalid rate %s: want a decimal fraction such as \"0.0425\"", quote(s))
	}
	if len(intPart) > 1 && intPart[0] == '0' {
		return Rate{}, Errorf(EINVALID, "invalid rate %s: a decimal has no leading zero, as in \"0.0425\" or \"12.5\"", quote(s))
	}
	// Only digits are left, which big.Rat reads exactly.
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return Rate{}, Errorf(EINVALID, "invalid rate %s", quote(s))
	}
	return Rate{r: r}, nil
}

// Rat returns the rate as a new big.Rat that the caller may modify.
func (r Rate) Rat() *big.Rat {
	if r.r == nil {
		return new(big.Rat)
	}
	return new(big.Rat).Set(r.r)
}

// int64s returns the rate as num/den in lowest terms, den > 0, if both fit in an
// int64.
func (r Rate) int64s() (num, den int64, ok bool) {
	if r.r == nil {
		return 0, 1, true
	}
	if !r.r.Num().IsInt64() {
		return 0, 0, false
	}
	if r.r.IsInt() { // Denom would make a new 1
		return r.r.Num().Int64(), 1, true
	}
	if !r.r.Denom().IsInt64() {
		return 0, 0, false
	}
	return r.r.Num().Int64(), r.r.Denom().Int64(), true
}

// IsZero reports whether the rate is 0.
func (r Rate) IsZero() bool { return r.r == nil || r.r.Sign() == 0 }

// Cmp compares r and o and returns -1, 0 or +1.
func (r Rate) Cmp(o Rate) int { return r.Rat().Cmp(o.Rat()) }

// String returns the canonical decimal form: no exponent, no trailing zeros, no trailing
// '.', at least one integer digit ("0.0425", "0.04", "1", "0").
func (r Rate) String() string {
	if r.r == nil {
		return "0"
	}
	// The denominator is 2^a·5^b, so max(a, b) fraction digits are exact and minimal.
	d := new(big.Int).Set(r.r.Denom())
	twos := d.TrailingZeroBits()
	d.Rsh(d, twos)
	var fives uint
	five, q, m := big.NewInt(5), new(big.Int), new(big.Int)
	for {
		q.QuoRem(d, five, m)
		if m.Sign() != 0 {
			break
		}
		d.Set(q)
		fives++
	}
	return r.r.FloatString(int(max(twos, fives)))
}

// MarshalText encodes the rate as its canonical decimal string, which makes it a JSON string.
func (r Rate) MarshalText() ([]byte, error) {
	return []byte(r.String()), nil
}

// UnmarshalText decodes a rate with ParseRate. As JSON, a rate must be a string: a JSON
// number is rejected, since clients would likely have produced it from a float.
func (r *Rate) UnmarshalText(b []byte) error {
	v, err := ParseRate(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// Add returns r + o; the sum of two terminating decimals is one.
func (r Rate) Add(o Rate) Rate {
	return Rate{r: new(big.Rat).Add(r.Rat(), o.Rat())}
}

// Of returns amount × r, rounded half-even to minor units.
func (r Rate) Of(amount int64) (int64, error) {
	return RoundHalfEven(new(big.Rat).Mul(new(big.Rat).SetInt64(amount), r.Rat()))
}
