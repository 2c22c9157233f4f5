package mt940

import (
	"time"

	"linkfin"
)

// century is the year of a two-digit year: 00 to 79 are 2000 to 2079, 80 to 99 are
// 1980 to 1999.
func century(yy int) int {
	if yy < 80 {
		return 2000 + yy
	}
	return 1900 + yy
}

// yymmdd reads a date YYMMDD; s is six digits.
func yymmdd(s string) (linkfin.Date, bool) {
	return civil(century(atoi(s[:2])), atoi(s[2:4]), atoi(s[4:6]))
}

// civil is the date year-month-day, when the calendar has it. German banks date the
// quarter's interest and charges on 30 February: a day 29 or 30 of February that the
// year lacks is February's last.
func civil(year, month, day int) (linkfin.Date, bool) {
	if month < 1 || month > 12 || day < 1 {
		return linkfin.Date{}, false
	}
	last := time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if day > last {
		if month != 2 || day > 30 {
			return linkfin.Date{}, false
		}
		day = last
	}
	return linkfin.NewDate(year, time.Month(month), day), true
}

// entryDate reads a :61: entry date MMDD (four digits), in the year around the value
// date that puts it nearest: an entry of 0102 valued on 2026-12-31 books on
// 2027-01-02, one of 1231 valued on 2027-01-02 on 2026-12-31.
func entryDate(mmdd string, value linkfin.Date) (linkfin.Date, bool) {
	month, day := atoi(mmdd[:2]), atoi(mmdd[2:])
	year, _, _ := value.YMD()
	var best linkfin.Date
	found := false
	for _, y := range []int{year - 1, year, year + 1} {
		d, ok := civil(y, month, day)
		if ok && (!found || distance(d, value) < distance(best, value)) {
			best, found = d, true
		}
	}
	return best, found
}

// distance is the number of days between two dates.
func distance(a, b linkfin.Date) int {
	if n := linkfin.DaysBetween(a, b); n >= 0 {
		return n
	}
	return -linkfin.DaysBetween(a, b)
}

// dateTime reads :13D:'s YYMMDDHHMM and offset ("1701191815+0100"), or :13:'s
// YYMMDDHHMM, into ISO 8601 ("2017-01-19T18:15:00+01:00") and the date.
func dateTime(v string) (string, linkfin.Date, bool) {
	if len(v) != 10 && len(v) != 15 || !linkfin.IsDigits(v[:10]) {
		return "", linkfin.Date{}, false
	}
	date, ok := yymmdd(v[:6])
	if !ok || atoi(v[6:8]) > 23 || atoi(v[8:10]) > 59 {
		return "", linkfin.Date{}, false
	}
	iso := date.String() + "T" + v[6:8] + ":" + v[8:10] + ":00"
	if len(v) == 15 {
		if v[10] != '+' && v[10] != '-' || !linkfin.IsDigits(v[11:]) || atoi(v[11:13]) > 14 || atoi(v[13:]) > 59 {
			return "", linkfin.Date{}, false
		}
		iso += v[10:13] + ":" + v[13:]
	}
	return iso, date, true
}

// atoi is the value of a short run of ASCII digits.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
