package linkfin_test

import (
	"encoding/json"
	"math"
	"math/big"
	"testing"

	"linkfin"
)

func TestDayCountNames(t *testing.T) {
	for _, tt := range []struct {
		name  string
		dc    linkfin.DayCount
		basis int
	}{
		{"ACT/360", linkfin.ACT360, 360},
		{"ACT/365F", linkfin.ACT365F, 365},
	} {
		dc, err := linkfin.ParseDayCount(tt.name)
		if err != nil || dc != tt.dc {
			t.Errorf("ParseDayCount(%q) = %v, %v", tt.name, dc, err)
		}
		if dc.String() != tt.name || dc.Basis() != tt.basis {
			t.Errorf("%v: String %q, Basis %d", dc, dc.String(), dc.Basis())
		}
	}
	for _, s := range []string{"", "act/360", "ACT360", "ACT/365", "30/360", "ACT/ACT"} {
		_, err := linkfin.ParseDayCount(s)
		wantCode(t, err, linkfin.EINVALID)
	}
	var zero linkfin.DayCount
	if zero.Basis() != 0 || zero.String() != "DayCount(0)" {
		t.Errorf("zero DayCount: Basis %d, String %q", zero.Basis(), zero)
	}
}

func TestDayCountJSON(t *testing.T) {
	b, err := json.Marshal(map[string]linkfin.DayCount{"dc": linkfin.ACT365F})
	if err != nil || string(b) != `{"dc":"ACT/365F"}` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
	var dc linkfin.DayCount
	if err := json.Unmarshal([]byte(`"ACT/360"`), &dc); err != nil || dc != linkfin.ACT360 {
		t.Errorf("Unmarshal = %v, %v", dc, err)
	}
	if _, err := json.Marshal(linkfin.DayCount(0)); err == nil {
		t.Error("Marshal of the zero DayCount succeeded")
	}
}

func TestYearFraction(t *testing.T) {
	tests := []struct {
		from, to string
		dc       linkfin.DayCount
		want     *big.Rat
	}{
		{"2011-12-28", "2012-02-29", linkfin.ACT360, big.NewRat(63, 360)},
		{"2007-12-28", "2008-02-28", linkfin.ACT360, big.NewRat(62, 360)},
		{"2007-12-28", "2008-02-28", linkfin.ACT365F, big.NewRat(62, 365)},
		{"2007-12-28", "2008-02-29", linkfin.ACT365F, big.NewRat(63, 365)},
		{"2007-10-31", "2008-11-30", linkfin.ACT365F, big.NewRat(396, 365)},
		{"2008-02-01", "2009-05-31", linkfin.ACT365F, big.NewRat(485, 365)},
		{"2024-01-01", "2025-01-01", linkfin.ACT365F, big.NewRat(366, 365)}, // leap year > 1
		{"2025-01-01", "2026-01-01", linkfin.ACT365F, big.NewRat(1, 1)},
		{"2026-10-08", "2026-10-01", linkfin.ACT360, big.NewRat(-7, 360)},
	}
	for _, tt := range tests {
		got := linkfin.YearFraction(mustDate(t, tt.from), mustDate(t, tt.to), tt.dc)
		if got.Cmp(tt.want) != 0 {
			t.Errorf("YearFraction(%s, %s, %v) = %s, want %s", tt.from, tt.to, tt.dc, got.RatString(), tt.want.RatString())
		}
	}
}

func TestYearFractionPanicsOnInvalidDayCount(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	d := mustDate(t, "2026-10-01")
	linkfin.YearFraction(d, d, 0)
}

func TestDiscountAndInterest(t *testing.T) {
	tests := []struct {
		name   string
		amount int64
		rate   string
		days   int
		dc     linkfin.DayCount
		want   int64
	}{
		// A 1,000,000.00 CNY certificate, 90 days to maturity at 4.25 %: 10,625.00.
		{"certificate", 100000000, "0.0425", 90, linkfin.ACT360, 1062500},
		// 10,000.00 paid 7 days early at an 18 % APR: 35.00.
		{"dynamic discount", 1000000, "0.18", 7, linkfin.ACT360, 3500},
		// 1,000,000.00 × 0.0425 × 90 / 365 = 10479.452054…
		{"certificate 365", 100000000, "0.0425", 90, linkfin.ACT365F, 1047945},
		// 100,000.00 for 30 days at 3.65 % on 365: exactly 300.00.
		{"loan 365", 10000000, "0.0365", 30, linkfin.ACT365F, 30000},
		{"zero days", 100000000, "0.0425", 0, linkfin.ACT360, 0},
		{"zero rate", 100000000, "0", 90, linkfin.ACT360, 0},
		// 1.00 × 0.09 × 1 / 360 = 0.025 fen: rounds down to 0.
		{"tiny", 100, "0.09", 1, linkfin.ACT360, 0},
		// Ties go to the even fen: 0.5 → 0, 1.5 → 2, 2.5 → 2.
		{"tie 0.5", 100, "0.18", 10, linkfin.ACT360, 0},
		{"tie 1.5", 300, "0.18", 10, linkfin.ACT360, 2},
		{"tie 2.5", 500, "0.18", 10, linkfin.ACT360, 2},
		{"tie 3.5", 700, "0.18", 10, linkfin.ACT360, 4},
		{"just above tie", 500, "0.1800001", 10, linkfin.ACT360, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustRate(t, tt.rate)
			got, err := linkfin.Discount(tt.amount, r, tt.days, tt.dc)
			if err != nil || got != tt.want {
				t.Errorf("Discount = %d, %v; want %d", got, err, tt.want)
			}
			got, err = linkfin.Interest(tt.amount, r, tt.days, tt.dc)
			if err != nil || got != tt.want {
				t.Errorf("Interest = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

func TestDiscountRejects(t *testing.T) {
	r := mustRate(t, "0.0425")
	tests := []struct {
		name   string
		amount int64
		rate   linkfin.Rate
		days   int
		dc     linkfin.DayCount
		code   string
	}{
		{"negative days", 100000000, r, -1, linkfin.ACT360, linkfin.EINVALID},
		{"negative face", -100000000, r, 90, linkfin.ACT360, linkfin.EINVALID},
		{"no day count", 100000000, r, 90, 0, linkfin.EINVALID},
		{"overflow", math.MaxInt64, mustRate(t, "2"), 360, linkfin.ACT360, linkfin.EOVERFLOW},
	}
	for _, tt := range tests {
		_, err := linkfin.Discount(tt.amount, tt.rate, tt.days, tt.dc)
		wantCode(t, err, tt.code)
		_, err = linkfin.Interest(tt.amount, tt.rate, tt.days, tt.dc)
		wantCode(t, err, tt.code)
	}
}

func TestEffectiveAnnualRate(t *testing.T) {
	tests := []struct {
		name        string
		price, face int64
		days        int
		dc          linkfin.DayCount
		want        string
	}{
		// The certificate above: 10,625.00 earned on 989,375.00 over 90 days is
		// 68/1583 = 0.04295641… a year.
		{"certificate", 98937500, 100000000, 90, linkfin.ACT360, "0.042956"},
		// The dynamic discount above: 35.00 on 9,965.00 for 7 days is 360/1993 = 0.1806322…
		{"dynamic discount", 996500, 1000000, 7, linkfin.ACT360, "0.180632"},
		{"exact", 10000, 10100, 365, linkfin.ACT365F, "0.01"},
		{"par", 10000, 10000, 30, linkfin.ACT360, "0"},
		// 1/128 = 0.0078125 is a tie at the sixth place: half-even keeps 0.007812.
		{"tie down", 128, 129, 360, linkfin.ACT360, "0.007812"},
		// 3/128 = 0.0234375: the tie goes up to the even 0.023438.
		{"tie up", 128, 131, 360, linkfin.ACT360, "0.023438"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := linkfin.EffectiveAnnualRate(tt.price, tt.face, tt.days, tt.dc)
			if err != nil || got.String() != tt.want {
				t.Errorf("EffectiveAnnualRate = %s, %v; want %s", got, err, tt.want)
			}
		})
	}

	for _, bad := range []struct {
		price, face int64
		days        int
		dc          linkfin.DayCount
	}{
		{0, 100, 30, linkfin.ACT360},
		{-1, 100, 30, linkfin.ACT360},
		{101, 100, 30, linkfin.ACT360},
		{99, 100, 0, linkfin.ACT360},
		{99, 100, -5, linkfin.ACT360},
		{99, 100, 30, 0},
	} {
		_, err := linkfin.EffectiveAnnualRate(bad.price, bad.face, bad.days, bad.dc)
		wantCode(t, err, linkfin.EINVALID)
	}
	_, err := linkfin.EffectiveAnnualRate(1, math.MaxInt64, 1, linkfin.ACT365F)
	wantCode(t, err, linkfin.EOVERFLOW)
}

// TestDiscountFromDates ties the pieces together: a certificate maturing on a holiday
// is paid on the following business day, and discounted for the days until then.
func TestDiscountFromDates(t *testing.T) {
	cn, err := linkfin.ChinaCalendar()
	if err != nil {
		t.Fatal(err)
	}
	value := mustDate(t, "2026-07-03")
	maturity := cn.Following(mustDate(t, "2026-10-01"))
	days := linkfin.DaysBetween(value, maturity)
	if days != 97 {
		t.Fatalf("days = %d, want 97", days)
	}
	// 1,000,000.00 × 0.0425 × 97 / 360 = 11451.388… → 11,451.39
	got, err := linkfin.Discount(100000000, mustRate(t, "0.0425"), days, linkfin.ACT360)
	if err != nil || got != 1145139 {
		t.Errorf("Discount = %d, %v; want 1145139", got, err)
	}
}
