package linkfin_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"linkfin"
)

func mustDate(t testing.TB, s string) linkfin.Date {
	t.Helper()
	d, err := linkfin.ParseDate(s)
	if err != nil {
		t.Fatalf("ParseDate(%q): %v", s, err)
	}
	return d
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		s       string
		y       int
		m       time.Month
		d       int
		weekday time.Weekday
	}{
		{"2026-10-01", 2026, time.October, 1, time.Thursday},
		{"2024-02-29", 2024, time.February, 29, time.Thursday},
		{"2000-02-29", 2000, time.February, 29, time.Tuesday},
		{"1970-01-01", 1970, time.January, 1, time.Thursday},
		{"0001-01-01", 1, time.January, 1, time.Monday},
		{"9999-12-31", 9999, time.December, 31, time.Friday},
	}
	for _, tt := range tests {
		d := mustDate(t, tt.s)
		if y, m, day := d.YMD(); y != tt.y || m != tt.m || day != tt.d {
			t.Errorf("ParseDate(%q).YMD() = %d-%d-%d", tt.s, y, m, day)
		}
		if got := d.Weekday(); got != tt.weekday {
			t.Errorf("%s.Weekday() = %v, want %v", tt.s, got, tt.weekday)
		}
		if got := d.String(); got != tt.s {
			t.Errorf("String() = %q, want %q", got, tt.s)
		}
		if d != linkfin.NewDate(tt.y, tt.m, tt.d) {
			t.Errorf("NewDate(%d, %d, %d) != ParseDate(%q)", tt.y, tt.m, tt.d, tt.s)
		}
	}
	if !mustDate(t, "0001-01-01").IsZero() || !(linkfin.Date{}).IsZero() {
		t.Error("0001-01-01 is not the zero Date")
	}
	if got := (linkfin.Date{}).String(); got != "0001-01-01" {
		t.Errorf("zero Date = %q", got)
	}
}

func TestParseDateRejects(t *testing.T) {
	for _, s := range []string{
		"", "2026-1-01", "2026-10-1", "26-10-01", "2026/10/01", "20261001", "2026-10-01T00:00:00Z",
		"2026-02-29", "2024-02-30", "2026-13-01", "2026-00-10", "2026-10-00", "2026-04-31",
		"0000-01-01", "+202-10-01", "-001-10-01", " 2026-10-01", "2026-10-01 ", "abcd-ef-gh",
	} {
		d, err := linkfin.ParseDate(s)
		if err == nil {
			t.Errorf("ParseDate(%q) = %s, want error", s, d)
			continue
		}
		wantCode(t, err, linkfin.EINVALID)
	}
}

func TestDaysBetween(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"2011-12-28", "2012-02-29", 63},
		{"2026-10-01", "2026-10-08", 7},
		{"2026-10-08", "2026-10-01", -7},
		{"2026-10-01", "2026-10-01", 0},
		{"2024-01-01", "2025-01-01", 366},
		{"2023-01-01", "2024-01-01", 365},
		{"1900-02-28", "1900-03-01", 1}, // 1900 is not a leap year
		{"2000-02-28", "2000-03-01", 2}, // 2000 is
		{"1969-12-31", "1970-01-01", 1},
		{"0001-01-01", "1970-01-01", 719162},
	}
	for _, tt := range tests {
		a, b := mustDate(t, tt.a), mustDate(t, tt.b)
		if got := linkfin.DaysBetween(a, b); got != tt.want {
			t.Errorf("DaysBetween(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := a.AddDays(tt.want); got != b {
			t.Errorf("%s.AddDays(%d) = %s, want %s", tt.a, tt.want, got, tt.b)
		}
	}
}

func TestDateCompare(t *testing.T) {
	a, b := mustDate(t, "2026-09-30"), mustDate(t, "2026-10-01")
	if !a.Before(b) || a.After(b) || !b.After(a) || b.Before(a) || a.Before(a) || a.After(a) {
		t.Error("Before/After wrong")
	}
	if a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Error("Compare wrong")
	}
	ds := []linkfin.Date{b, mustDate(t, "2025-01-01"), a}
	slices.SortFunc(ds, linkfin.Date.Compare)
	if got := []string{ds[0].String(), ds[1].String(), ds[2].String()}; !slices.Equal(got, []string{"2025-01-01", "2026-09-30", "2026-10-01"}) {
		t.Errorf("sorted = %v", got)
	}
}

func TestDateOf(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	// 2026-09-30 20:00 UTC is already 1 October in Shanghai.
	instant := time.Date(2026, 9, 30, 20, 0, 0, 0, time.UTC)
	if got := linkfin.DateOf(instant.In(shanghai)).String(); got != "2026-10-01" {
		t.Errorf("DateOf in Shanghai = %s", got)
	}
	if got := linkfin.DateOf(instant).String(); got != "2026-09-30" {
		t.Errorf("DateOf in UTC = %s", got)
	}
	if got := mustDate(t, "2026-10-01").Time(shanghai); !got.Equal(time.Date(2026, 10, 1, 0, 0, 0, 0, shanghai)) {
		t.Errorf("Time = %v", got)
	}
}

func TestDateJSON(t *testing.T) {
	type cert struct {
		Maturity linkfin.Date `json:"maturity"`
	}
	b, err := json.Marshal(cert{mustDate(t, "2026-10-01")})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"maturity":"2026-10-01"}`; got != want {
		t.Errorf("Marshal = %s, want %s", got, want)
	}
	var c cert
	if err := json.Unmarshal([]byte(`{"maturity":"2024-02-29"}`), &c); err != nil {
		t.Fatal(err)
	}
	if c.Maturity != mustDate(t, "2024-02-29") {
		t.Errorf("Unmarshal = %s", c.Maturity)
	}
	for _, in := range []string{`{"maturity":"2026-02-29"}`, `{"maturity":20261001}`, `{"maturity":"2026-10-01T00:00:00Z"}`} {
		if err := json.Unmarshal([]byte(in), &c); err == nil {
			t.Errorf("Unmarshal(%s) accepted %s", in, c.Maturity)
		}
	}
}

// TestDateMatchesTime walks day by day across four centuries and checks the date
// arithmetic against the time package.
func TestDateMatchesTime(t *testing.T) {
	d := mustDate(t, "1899-12-25")
	tm := time.Date(1899, 12, 25, 0, 0, 0, 0, time.UTC)
	for i := range 400*366 + 10 {
		if got, want := d.String(), tm.Format(time.DateOnly); got != want {
			t.Fatalf("day %d: %s, want %s", i, got, want)
		}
		if d.Weekday() != tm.Weekday() {
			t.Fatalf("%s: weekday %v, want %v", d, d.Weekday(), tm.Weekday())
		}
		d, tm = d.AddDays(1), tm.AddDate(0, 0, 1)
	}
}

// TestDateStringEveryYear: a date reads as the time package formats it, on the first
// and last day of every year from before year 0 to past 9999.
func TestDateStringEveryYear(t *testing.T) {
	for y := -3; y <= 10003; y++ {
		for _, tm := range []time.Time{time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)} {
			if got, want := linkfin.DateOf(tm).String(), tm.Format(time.DateOnly); got != want {
				t.Fatalf("%s, want %s", got, want)
			}
		}
	}
	if got := (linkfin.Date{}).String(); got != "0001-01-01" {
		t.Errorf("the zero date is %s", got)
	}
}
