package linkfin

import (
	"fmt"
	"maps"
	"math"
	"math/bits"
	"slices"
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

// currencyExponents are the active currencies of ISO 4217 (List One, as amended to
// 2026) that have minor units, with their number of minor-unit digits. Funds codes
// kept for accounting (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI, UYW) are currencies
// too; precious metals, SDRs and testing codes (XAU, XDR, XTS, XXX, …) are not money
// linkfin moves, and withdrawn codes (HRK, SLL, ZWL, ANG, …) are refused.
var currencyExponents = map[Currency]int{
	"AED": 2, "AFN": 2, "ALL": 2, "AMD": 2, "AOA": 2, "ARS": 2, "AUD": 2, "AWG": 2, "AZN": 2,
	"BAM": 2, "BBD": 2, "BDT": 2, "BGN": 2, "BHD": 3, "BIF": 0, "BMD": 2, "BND": 2, "BOB": 2,
	"BOV": 2, "BRL": 2, "BSD": 2, "BTN": 2, "BWP": 2, "BYN": 2, "BZD": 2, "CAD": 2, "CDF": 2,
	"CHE": 2, "CHF": 2, "CHW": 2, "CLF": 4, "CLP": 0, "CNY": 2, "COP": 2, "COU": 2, "CRC": 2,
	"CUP": 2, "CVE": 2, "CZK": 2, "DJF": 0, "DKK": 2, "DOP": 2, "DZD": 2, "EGP": 2, "ERN": 2,
	"ETB": 2, "EUR": 2, "FJD": 2, "FKP": 2, "GBP": 2, "GEL": 2, "GHS": 2, "GIP": 2, "GMD": 2,
	"GNF": 0, "GTQ": 2, "GYD": 2, "HKD": 2, "HNL": 2, "HTG": 2, "HUF": 2, "IDR": 2, "ILS": 2,
	"INR": 2, "IQD": 3, "IRR": 2, "ISK": 0, "JMD": 2, "JOD": 3, "JPY": 0, "KES": 2, "KGS": 2,
	"KHR": 2, "KMF": 0, "KPW": 2, "KRW": 0, "KWD": 3, "KYD": 2, "KZT": 2, "LAK": 2, "LBP": 2,
	"LKR": 2, "LRD": 2, "LSL": 2, "LYD": 3, "MAD": 2, "MDL": 2, "MGA": 2, "MKD": 2, "MMK": 2,
	"MNT": 2, "MOP": 2, "MRU": 2, "MUR": 2, "MVR": 2, "MWK": 2, "MXN": 2, "MXV": 2, "MYR": 2,
	"MZN": 2, "NAD": 2, "NGN": 2, "NIO": 2, "NOK": 2, "NPR": 2, "NZD": 2, "OMR": 3, "PAB": 2,
	"PEN": 2, "PGK": 2, "PHP": 2, "PKR": 2, "PLN": 2, "PYG": 0, "QAR": 2, "RON": 2, "RSD": 2,
	"RUB": 2, "RWF": 0, "SAR": 2, "SBD": 2, "SCR": 2, "SDG": 2, "SEK": 2, "SGD": 2, "SHP": 2,
	"SLE": 2, "SOS": 2, "SRD": 2, "SSP": 2, "STN": 2, "SVC": 2, "SYP": 2, "SZL": 2, "THB": 2,
	"TJS": 2, "TMT": 2, "TND": 3, "TOP": 2, "TRY": 2, "TTD": 2, "TWD": 2, "TZS": 2, "UAH": 2,
	"UGX": 0, "USD": 2, "USN": 2, "UYI": 0, "UYU": 2, "UYW": 4, "UZS": 2, "VED": 2, "VES": 2,
	"VND": 0, "VUV": 0, "WST": 2, "XAF": 0, "XCD": 2, "XCG": 2, "XOF": 0, "XPF": 0, "YER": 2,
	"ZAR": 2, "ZMW": 2, "ZWG": 2,
}

// Currencies lists the currencies linkfin takes, in alphabetical order.
func Currencies() []Currency {
	out := slices.Collect(maps.Keys(currencyExponents))
	slices.Sort(out)
	return out
}

// EOUTOFRANGE refuses an amount, price or quantity above its maximum.
const EOUTOFRANGE = "out_of_range"

// The most an amount, a price and a quantity may be. They are far beyond any business
// (MaxAmount is ten trillion yuan in fen) and far below the overflow of any sum the
// ledger forms: an account's posted debits reach 2^63 only after 9,223 payments of
// MaxAmount each. Both are below 2^53, so every JSON client reads them exactly.
const (
	// MaxAmount bounds every amount in minor units: a payment, a transfer, a limit, a
	// tax, a total, a face, a tolerance.
	MaxAmount int64 = 1_000_000_000_000_000 // 10^15
	// MaxPrice bounds a price per unit in minor units: a line's unit price, a
	// commodity's price mark. A unit costs at most what any amount may be.
	MaxPrice = MaxAmount
	// MaxQuantity bounds a quantity of whole units: ordered, received, invoiced,
	// held in a warehouse, counted by sensors.
	MaxQuantity int64 = 1_000_000_000_000 // 10^12
)

// CheckAmount refuses an amount above MaxAmount; what names it for the message.
func CheckAmount(what string, v int64) error { return checkMax(what, v, MaxAmount) }

// CheckPrice refuses a price above MaxPrice.
func CheckPrice(what string, v int64) error { return checkMax(what, v, MaxPrice) }

// CheckQuantity refuses a quantity above MaxQuantity.
func CheckQuantity(what string, v int64) error { return checkMax(what, v, MaxQuantity) }

func checkMax(what string, v, max int64) error {
	if v > max || v < -max {
		return Errorf(EOUTOFRANGE, "%s %d is beyond the maximum of %d", what, v, max)
	}
	return nil
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
	s, ok := add64(a, b)
	if !ok {
		return 0, Errorf(EOVERFLOW, "%d + %d overflows int64", a, b)
	}
	return s, nil
}

// Sub returns a−b, or an EOVERFLOW error instead of wrapping around.
func Sub(a, b int64) (int64, error) {
	d, ok := sub64(a, b)
	if !ok {
		return 0, Errorf(EOVERFLOW, "%d - %d overflows int64", a, b)
	}
	return d, nil
}

// Mul returns a×b, or an EOVERFLOW error instead of wrapping around.
func Mul(a, b int64) (int64, error) {
	p, ok := mul64(a, b)
	if !ok {
		return 0, Errorf(EOVERFLOW, "%d * %d overflows int64", a, b)
	}
	return p, nil
}

// add64, sub64 and mul64 are Add, Sub and Mul reporting overflow as false, without
// making an error: for exact comparisons that go on in rationals when int64 is too
// narrow.
func add64(a, b int64) (int64, bool) {
	s := a + b
	// Overflow happened iff a and b have the same sign and s has the other one.
	return s, (a^s)&(b^s) >= 0
}

func sub64(a, b int64) (int64, bool) {
	d := a - b
	// Overflow happened iff a and b have different signs and d's sign differs from a's.
	return d, (a^b)&(a^d) >= 0
}

func mul64(a, b int64) (int64, bool) {
	hi, lo := bits.Mul64(abs(a), abs(b))
	neg := (a < 0) != (b < 0)
	switch {
	case hi != 0, !neg && lo > math.MaxInt64, neg && lo > 1<<63:
		return 0, false
	case neg:
		return int64(-lo), true
	default:
		return int64(lo), true
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
// In JSON it is {"amount", "currency"}, as the API writes an amount beside its currency.
type Money struct {
	Amount   int64    `json:"amount"`
	Currency Currency `json:"currency"`
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
	if !IsDigits(intPart) || (hasDot && !IsDigits(frac)) {
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

// IsDigits reports whether s is a non-empty run of ASCII digits, as dates, amounts and
// the fields of bank messages are written.
func IsDigits(s string) bool {
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

// ETOTALTOOLARGE is returned when a figure a report sums from many amounts (a total of
// the ordered index, or a sum of such totals) is beyond what an amount on the API can
// be, an int64 of minor units: the stores keep the total exactly, but it is not
// reported, rather than reported wrong.
const ETOTALTOOLARGE = "total_too_large"

// totalTooLarge is the ETOTALTOOLARGE refusal. It names no figure: a report may sum
// totals that its reader does not see.
func totalTooLarge() *Error {
	return Errorf(ETOTALTOOLARGE, "a total of the report is beyond %d minor units, the most an amount on the API can be", int64(math.MaxInt64))
}

// AddTotal adds an amount to a figure a report sums: Add, with an overflow reported
// as ETOTALTOOLARGE.
func AddTotal(total, amount int64) (int64, error) {
	s, err := Add(total, amount)
	if err != nil {
		return 0, totalTooLarge()
	}
	return s, nil
}

// SumBase is the base of a Sum's two parts: 10^18, so that a sum below it is its Low
// part alone and both parts read as decimal digits.
const SumBase int64 = 1_000_000_000_000_000_000

// Sum is an exact sum of any number of amounts, wider than an int64: High×SumBase +
// Low, with 0 ≤ Low < SumBase. Amounts are at most MaxAmount, and 9,224 of them pass
// 2^63; the totals of the ordered index sum every entry of a value, as many as there
// are records, so they are kept as a Sum and turned into an int64 only when a figure
// is reported (Int64). High moves by at most 10 for an int64 added, so it reaches
// 2^63 only after some 10^18 amounts; it is checked all the same. Two equal sums are
// equal values (==).
type Sum struct {
	High, Low int64
}

// SumOf is the sum of one amount.
func SumOf(a int64) Sum {
	s, _ := NewSum(0, a) // cannot overflow: |a / SumBase| < 10
	return s
}

// NewSum is the sum high×SumBase + low of any two int64s (the stores keep a total as
// two such parts), or an EOVERFLOW error if it is beyond a Sum.
func NewSum(high, low int64) (Sum, error) {
	q, r := low/SumBase, low%SumBase
	if r < 0 {
		q, r = q-1, r+SumBase
	}
	h, err := Add(high, q)
	if err != nil {
		return Sum{}, err
	}
	return Sum{High: h, Low: r}, nil
}

// Add returns s+o, or an EOVERFLOW error instead of wrapping around.
func (s Sum) Add(o Sum) (Sum, error) {
	h, err := Add(s.High, o.High)
	if err != nil {
		return Sum{}, err
	}
	return NewSum(h, s.Low+o.Low) // below 2×SumBase: no overflow
}

// Sub returns s−o, or an EOVERFLOW error instead of wrapping around.
func (s Sum) Sub(o Sum) (Sum, error) {
	h, err := Sub(s.High, o.High)
	if err != nil {
		return Sum{}, err
	}
	return NewSum(h, s.Low-o.Low) // above −SumBase: no overflow
}

// IsZero reports whether the sum is 0.
func (s Sum) IsZero() bool { return s == Sum{} }

// Int64 is the sum as an int64, the figure a report gives, or an ETOTALTOOLARGE error
// if it is beyond one.
func (s Sum) Int64() (int64, error) {
	high, low := s.High, s.Low
	if high < 0 { // (High+1)×SumBase + (Low−SumBase): the product may fit when High×SumBase does not
		high, low = high+1, low-SumBase
	}
	hi, err := Mul(high, SumBase)
	if err == nil {
		hi, err = Add(hi, low)
	}
	if err != nil {
		return 0, totalTooLarge()
	}
	return hi, nil
}

// String is the sum in decimal, "-12" or "9223372036854775808".
func (s Sum) String() string {
	if s.High == 0 {
		return strconv.FormatInt(s.Low, 10)
	}
	if s.High > 0 {
		return strconv.FormatInt(s.High, 10) + fmt.Sprintf("%018d", s.Low)
	}
	// −(|High|×SumBase − Low): with the borrow, (|High|−1)×SumBase + (SumBase − Low).
	n, _ := Sub(0, s.High+1) // High < 0, so High+1 ≤ 0 and its negation fits
	if s.Low == 0 {
		return "-" + strconv.FormatUint(uint64(n)+1, 10) + strings.Repeat("0", 18)
	}
	if n == 0 {
		return "-" + strconv.FormatInt(SumBase-s.Low, 10)
	}
	return "-" + strconv.FormatInt(n, 10) + fmt.Sprintf("%018d", SumBase-s.Low)
}
