package linkfin

import (
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// ECURRENCYMISMATCH is returned when arithmetic mixes two currencies.
const ECURRENCYMISMATCH = "currency_mismatch"

// Currency is an ISO 4217 alphabetic code such as "CNY".
type Currency string

// Currencies linkfin knows. The exponent is the ISO 4217 number of minor-unit digits.
const (
	CNY Currency = "CNY"
	USD Currency = "USD"
	EUR Currency = "EUR"
	HKD Currency = "HKD"
	JPY Currency = "JPY"
)

var currencyExponents = map[Currency]int{
	"AED": 2, "AUD": 2, "BRL": 2, "CAD": 2, "CHF": 2, "CNY": 2, "CZK": 2, "DKK": 2,
	"EUR": 2, "GBP": 2, "HKD": 2, "HUF": 2, "IDR": 2, "INR": 2, "MOP": 2, "MXN": 2,
	"MYR": 2, "NOK": 2, "NZD": 2, "PHP": 2, "PLN": 2, "SAR": 2, "SEK": 2, "SGD": 2,
	"THB": 2, "TRY": 2, "TWD": 2, "USD": 2, "ZAR": 2,
	"CLP": 0, "ISK": 0, "JPY": 0, "KRW": 0, "VND": 0,
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}

// ParseCurrency returns the currency for an upper-case ISO 4217 code, or an EINVALID error
// if linkfin does not know it.
func ParseCurrency(s string) (Currency, error) {
	c := Currency(s)
	if _, ok := currencyExponents[c]; !ok {
		return "", Errorf(EINVALID, "unknown currency %s", quote(s))
	}
	return c, nil
}

// Exponent returns the number of minor-unit digits of c (2 for CNY: 1 yuan = 100 fen), or
// -1 if c is not a known currency.
func (c Currency) Exponent() int {
	if e, ok := currencyExponents[c]; ok {
		return e
	}
	return -1
}

// Add returns a+b, or an EOVERFLOW error instead of wrapping around.
func Add(a, b int64) (int64, error) {
	s := a + b
	// Overflow happened iff a and b have the same sign and s has the other one.
	if (a^s)&(b^s) < 0 {
		return 0, Errorf(EOVERFLOW, "%d + %d overflows int64", a, b)
	}
	return s, nil
}

// Sub returns a−b, or an EOVERFLOW error instead of wrapping around.
func Sub(a, b int64) (int64, error) {
	d := a - b
	// Overflow happened iff a and b have different signs and d's sign differs from a's.
	if (a^b)&(a^d) < 0 {
		return 0, Errorf(EOVERFLOW, "%d - %d overflows int64", a, b)
	}
	return d, nil
}

// Mul returns a×b, or an EOVERFLOW error instead of wrapping around.
func Mul(a, b int64) (int64, error) {
	hi, lo := bits.Mul64(abs(a), abs(b))
	neg := (a < 0) != (b < 0)
	switch {
	case hi != 0, !neg && lo > math.MaxInt64, neg && lo > 1<<63:
		return 0, Errorf(EOVERFLOW, "%d * %d overflows int64", a, b)
	case neg:
		return int64(-lo), nil
	default:
		return int64(lo), nil
	}
}

// abs returns |a| as a uint64, which holds |math.MinInt64| too.
func abs(a int64) uint64 {
	if a < 0 {
		return -uint64(a)
	}
	return uint64(a)
}

// Money is an amount of a currency, in integer minor units (fen for CNY, cents for USD).
type Money struct {
	Amount   int64
	Currency Currency
}

// Add returns m+o. Both must be in the same currency.
func (m Money) Add(o Money) (Money, error) {
	if m.Currency != o.Currency {
		return Money{}, mismatch(m, o)
	}
	a, err := Add(m.Amount, o.Amount)
	if err != nil {
		return Money{}, err
	}
	return Money{Amount: a, Currency: m.Currency}, nil
}

// Sub returns m−o. Both must be in the same currency.
func (m Money) Sub(o Money) (Money, error) {
	if m.Currency != o.Currency {
		return Money{}, mismatch(m, o)
	}
	a, err := Sub(m.Amount, o.Amount)
	if err != nil {
		return Money{}, err
	}
	return Money{Amount: a, Currency: m.Currency}, nil
}

func mismatch(m, o Money) *Error {
	return Errorf(ECURRENCYMISMATCH, "cannot combine %s with %s", m.Currency, o.Currency)
}

// Decimal returns the amount in major units with exactly the currency's number of fraction
// digits and no grouping: "1000000.00" for 100000000 fen, "-0.05", "1500" for 1500 JPY.
// ParseMoney reads it back.
func (m Money) Decimal() string {
	exp := max(m.Currency.Exponent(), 0)
	digits := strconv.FormatUint(abs(m.Amount), 10)
	if len(digits) <= exp {
		digits = strings.Repeat("0", exp-len(digits)+1) + digits
	}
	var b strings.Builder
	if m.Amount < 0 {
		b.WriteByte('-')
	}
	b.WriteString(digits[:len(digits)-exp])
	if exp > 0 {
		b.WriteByte('.')
		b.WriteString(digits[len(digits)-exp:])
	}
	return b.String()
}

// String returns the amount followed by the currency code, as in "1000000.00 CNY".
func (m Money) String() string {
	return m.Decimal() + " " + string(m.Currency)
}

// ParseMoney reads a plain decimal amount in major units of cur, such as "1000000.00",
// "-0.5" or "12". It is exact: more fraction digits than the currency has minor-unit digits
// is an error, not a rounding. Signs other than a leading '-', exponents, grouping
// separators, spaces and a bare or trailing '.' are rejected with EINVALID; amounts that do
// not fit int64 minor units with EOVERFLOW.
func ParseMoney(s string, cur Currency) (Money, error) {
	exp := cur.Exponent()
	if exp < 0 {
		return Money{}, Errorf(EINVALID, "unknown currency %s", quote(string(cur)))
	}
	body, neg := strings.CutPrefix(s, "-")
	intPart, frac, hasDot := strings.Cut(body, ".")
	if !isDigits(intPart) || (hasDot && !isDigits(frac)) {
		return Money{}, Errorf(EINVALID, "invalid amount %s: want digits with an optional '.' and fraction", quote(s))
	}
	if len(frac) > exp {
		return Money{}, Errorf(EINVALID, "invalid amount %s: %s has %d decimal places", quote(s), cur, exp)
	}

	limit := uint64(math.MaxInt64)
	if neg {
		limit = 1 << 63
	}
	var u uint64
	for _, c := range intPart + frac + strings.Repeat("0", exp-len(frac)) {
		d := uint64(c - '0')
		if u > (limit-d)/10 {
			return Money{}, Errorf(EOVERFLOW, "amount %s is out of range", quote(s))
		}
		u = u*10 + d
	}
	a := int64(u)
	if neg {
		a = int64(-u)
	}
	return Money{Amount: a, Currency: cur}, nil
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
