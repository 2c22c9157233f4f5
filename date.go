package linkfin

import (
	"cmp"
	"time"
)

// epochDays is the number of days from 0001-01-01 to 1970-01-01.
const epochDays = 719162

// Date is a civil calendar date with no time of day and no time zone, such as a
// certificate's maturity. The zero value is 0001-01-01, which IsZero reports, as with
// time.Time. Dates are comparable with ==.
type Date struct {
	days int64 // since 0001-01-01, proleptic Gregorian
}

// NewDate returns the date year-month-day. Out-of-range months and days are normalised
// as time.Date does: NewDate(2026, 2, 30) is 2026-03-02.
func NewDate(year int, month time.Month, day int) Date {
	return DateOf(time.Date(year, month, day, 0, 0, 0, 0, time.UTC))
}

// DateOf returns the calendar date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	// Midnight UTC is a whole number of days from the Unix epoch, so the division is exact.
	return Date{days: time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()/86400 + epochDays}
}

// BusinessDate returns the platform's business day of an instant: its date in China
// Standard Time (ChinaTime), where the platform's parties trade. Every "today" of the
// domain is this: a quote's value date, the day a maturity may be settled, the
// scheduler's days, expiries and the latest issue date of an invoice. Where a day
// turns back into an instant (the end of an offer's day), it is in ChinaTime too.
func BusinessDate(t time.Time) Date { return DateOf(t.In(ChinaTime)) }

// ParseDate reads a date written exactly as "YYYY-MM-DD" (ISO 8601 calendar date, years
// 0001 to 9999). Anything else, including impossible dates such as "2026-02-30", is EINVALID.
func ParseDate(s string) (Date, error) {
	ok := len(s) == 10 && s[4] == '-' && s[7] == '-' &&
		IsDigits(s[0:4]) && IsDigits(s[5:7]) && IsDigits(s[8:10]) && s[0:4] != "0000"
	if ok {
		if t, err := time.Parse(time.DateOnly, s); err == nil {
			return DateOf(t), nil
		}
	}
	return Date{}, Errorf(EINVALID, "invalid date %s: want an existing date as YYYY-MM-DD", quote(s))
}

// YMD returns the year, month and day of d.
func (d Date) YMD() (year int, month time.Month, day int) {
	return d.Time(time.UTC).Date()
}

// Time returns midnight at the start of d in loc.
func (d Date) Time(loc *time.Location) time.Time {
	y, m, day := time.Unix((d.days-epochDays)*86400, 0).UTC().Date()
	return time.Date(y, m, day, 0, 0, 0, 0, loc)
}

// String returns d as "YYYY-MM-DD".
func (d Date) String() string {
	var b [10]byte
	return string(d.appendTo(b[:0]))
}

// appendTo appends d as String writes it to b: many ids hold a date, some made many at
// a time (InvoiceFingerprintKeys).
func (d Date) appendTo(b []byte) []byte {
	y, m, day := time.Unix((d.days-epochDays)*86400, 0).UTC().Date()
	if y < 0 || y > 9999 {
		return d.Time(time.UTC).AppendFormat(b, time.DateOnly)
	}
	// As time.DateOnly formats it, without reading the layout.
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+day/10), byte('0'+day%10))
}

// MarshalText encodes d as "YYYY-MM-DD", which makes it a JSON string.
func (d Date) MarshalText() ([]byte, error) {
	return []byte(d.String()), nil
}

// UnmarshalText decodes a date with ParseDate.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// IsZero reports whether d is the zero Date, 0001-01-01, which usually means "not set".
func (d Date) IsZero() bool { return d.days == 0 }

// AddDays returns the date n calendar days after d (before it if n < 0).
func (d Date) AddDays(n int) Date { return Date{days: d.days + int64(n)} }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// 0001-01-01 was a Monday.
	w := (d.days + 1) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// DaysBetween returns the number of calendar days from a to b, b − a: negative if b is
// before a. It is the "actual" day count of ACT/360 and ACT/365F.
func DaysBetween(a, b Date) int { return int(b.days - a.days) }

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.days < o.days }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.days > o.days }

// Compare returns -1, 0 or +1 as d is before, equal to or after o; it suits slices.SortFunc.
func (d Date) Compare(o Date) int { return cmp.Compare(d.days, o.days) }
