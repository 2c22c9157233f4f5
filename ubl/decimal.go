package ubl

import (
	"math/big"
	"strconv"
	"strings"

	"linkfin"
)

// maxScale bounds the fraction digits of a Decimal. Quantities and unit prices in
// invoices use a handful; eighteen keeps every value inside an int64 mantissa.
const maxScale = 18

// Decimal is an exact decimal number, the value of an xsd:decimal such as a quantity or a
// unit price. It keeps the scale it was written with: "1.50" and "1.5" are equal in value
// but print differently. The zero value is 0.
type Decimal struct {
	unscaled int64 // the value is unscaled × 10^−scale
	scale    int32 // number of fraction digits, 0 to maxScale
}

// ParseDecimal reads an xsd:decimal: an optional sign, digits, and an optional '.' with
// more digits ("12", "-0.5", "+3.", ".25"). Surrounding white space is ignored, as XML
// Schema does for decimals. Exponents, grouping separators and values that do not fit 18
// fraction digits or an int64 mantissa, once the zeros that end their fraction are
// dropped as needed, are errors. A value keeps the scale it is written with where it
// fits: "1.50" stays "1.50".
func ParseDecimal(s string) (Decimal, error) {
	s = strings.TrimSpace(s)
	body, neg := strings.CutPrefix(s, "-")
	if !neg {
		body = strings.TrimPrefix(body, "+")
	}
	intPart, frac, _ := strings.Cut(body, ".")
	if intPart+frac == "" || !allDigits(intPart) || !allDigits(frac) {
		return Decimal{}, invalid("%s is not a decimal number", quote(s))
	}
	// Zeros at the end of the fraction change nothing: a writer of decimals with a fixed
	// scale (.NET's decimal keeps up to 28) adds them. Those that would not fit are
	// dropped.
	for len(frac) > maxScale && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	if len(frac) > maxScale {
		return Decimal{}, invalid("%s has more than %d decimals", quote(s), maxScale)
	}
	u, ok := mantissa(intPart+frac, neg)
	for !ok && strings.HasSuffix(frac, "0") {
		frac = frac[:len(frac)-1]
		u, ok = mantissa(intPart+frac, neg)
	}
	if !ok {
		return Decimal{}, invalid("%s is out of range", quote(s))
	}
	v := int64(u)
	if neg {
		v = int64(-u)
	}
	return Decimal{unscaled: v, scale: int32(len(frac))}, nil
}

// String returns the number with its scale and no exponent: "1.50", "-3", "0.001".
// ParseDecimal reads it back to the same Decimal.
func (d Decimal) String() string {
	digits := strconv.FormatUint(absUint(d.unscaled), 10)
	scale := int(d.scale)
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	var b strings.Builder
	if d.unscaled < 0 {
		b.WriteByte('-')
	}
	b.WriteString(digits[:len(digits)-scale])
	if scale > 0 {
		b.WriteByte('.')
		b.WriteString(digits[len(digits)-scale:])
	}
	return b.String()
}

// Rat returns the exact value of d.
func (d Decimal) Rat() *big.Rat {
	den := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.scale)), nil)
	return new(big.Rat).SetFrac(big.NewInt(d.unscaled), den)
}

// Sign returns -1, 0 or +1.
func (d Decimal) Sign() int {
	switch {
	case d.unscaled < 0:
		return -1
	case d.unscaled > 0:
		return 1
	}
	return 0
}

// MarshalText writes d as String does, so that JSON carries decimals as strings.
func (d Decimal) MarshalText() ([]byte, error) {
	return []byte(d.String()), nil
}

// UnmarshalText reads what MarshalText writes.
func (d *Decimal) UnmarshalText(b []byte) error {
	v, err := ParseDecimal(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// money converts an amount of the document into minor units of cur. It never rounds:
// a value with more precision than the currency's minor unit ("1.005" EUR) is an error,
// while zeros beyond it ("1.000" EUR, "1500.00" JPY) are accepted since they change
// nothing.
func money(s string, cur linkfin.Currency) (linkfin.Money, error) {
	exp := cur.Exponent()
	if exp < 0 {
		return linkfin.Money{}, invalid("unknown currency %s", quote(string(cur)))
	}
	d, err := ParseDecimal(s)
	if err != nil {
		return linkfin.Money{}, err
	}
	v, scale := d.unscaled, int(d.scale)
	for ; scale > exp; scale-- {
		if v%10 != 0 {
			return linkfin.Money{}, invalid("%s has more decimals than %s allows (%d)", quote(strings.TrimSpace(s)), cur, exp)
		}
		v /= 10
	}
	for ; scale < exp; scale++ {
		if v, err = linkfin.Mul(v, 10); err != nil {
			return linkfin.Money{}, invalid("%s is out of range", quote(strings.TrimSpace(s)))
		}
	}
	return linkfin.Money{Amount: v, Currency: cur}, nil
}

// mantissa reads digits as the absolute value of an int64, negative if neg; ok is
// false if it does not fit.
func mantissa(digits string, neg bool) (u uint64, ok bool) {
	limit := uint64(1<<63 - 1)
	if neg {
		limit = 1 << 63
	}
	for _, c := range digits {
		d := uint64(c - '0')
		if u > (limit-d)/10 {
			return 0, false
		}
		u = u*10 + d
	}
	return u, true
}

// allDigits reports whether s holds only ASCII digits; the empty string does.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// absUint returns |v| as a uint64, which holds |math.MinInt64| too.
func absUint(v int64) uint64 {
	if v < 0 {
		return -uint64(v)
	}
	return uint64(v)
}
