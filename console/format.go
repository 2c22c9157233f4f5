package console

import (
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"linkfin"
)

// Money formats an amount of minor units for people: grouped by thousands, with the
// currency's minor-unit digits, and the currency as the language writes it: ¥1,234.56
// in Chinese, CNY 1,234.56 in English. It works on the integer alone — a formatting
// library would take a float or a decimal, and money never passes through a float.
func Money(l Lang, c linkfin.Currency, minor int64) string {
	digits := c.Exponent()
	if digits < 0 {
		digits = 2
	}
	neg := minor < 0
	// -minor would overflow at MinInt64; no amount comes near it, but a string does.
	s := strings.TrimPrefix(strconv.FormatInt(minor, 10), "-")
	for len(s) <= digits {
		s = "0" + s
	}
	whole, frac := s[:len(s)-digits], s[len(s)-digits:]
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	if sym := symbol(l, c); sym != "" {
		b.WriteString(sym)
	} else {
		b.WriteString(string(c))
		b.WriteByte(' ')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if digits > 0 {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// symbol is the sign a language puts before an amount of the currency, or "" where it
// writes the code: Chinese writes the yuan as ¥.
func symbol(l Lang, c linkfin.Currency) string {
	if l == Chinese && c == "CNY" {
		return "¥"
	}
	return ""
}

// Date formats a date as the language writes it: 2027年1月29日 in Chinese, 29 Jan 2027
// in English.
func Date(l Lang, d linkfin.Date) string {
	if d.IsZero() {
		return ""
	}
	y, m, day := d.YMD()
	if l == Chinese {
		return strconv.Itoa(y) + "年" + strconv.Itoa(int(m)) + "月" + strconv.Itoa(day) + "日"
	}
	return strconv.Itoa(day) + " " + m.String()[:3] + " " + strconv.Itoa(y)
}

// Percent writes an annual rate as a percentage with two decimals: 0.0425 is 4.25%.
// It works on the exact rate; only the shown digits are rounded.
func Percent(r linkfin.Rate) string {
	return new(big.Rat).Mul(r.Rat(), big.NewRat(100, 1)).FloatString(2) + "%"
}

// wireDate is a date as the platform's messages write it.
var wireDate = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)

// Said is a message of the platform (a quote's reasons, a refusal's particulars),
// written in English, with its dates as the language writes them.
func Said(l Lang, msg string) string {
	return wireDate.ReplaceAllStringFunc(msg, func(s string) string {
		d, err := linkfin.ParseDate(s)
		if err != nil || d.IsZero() {
			return s // not a date, or the zero one (0001-01-01), which Date leaves blank
		}
		return Date(l, d)
	})
}
