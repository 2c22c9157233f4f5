package linkfin_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"linkfin"
)

func chinaCalendar(t *testing.T) *linkfin.Calendar {
	t.Helper()
	cn, err := linkfin.ChinaCalendar()
	if err != nil {
		t.Fatal(err)
	}
	return cn
}

func TestChinaCalendar(t *testing.T) {
	cn := chinaCalendar(t)
	if cn.Name() != "CN" {
		t.Errorf("Name = %q", cn.Name())
	}
	tests := []struct {
		date      string
		business  bool
		following string
	}{
		// National Day 2026: 1–7 October off, Saturday 10 October worked.
		{"2026-10-01", false, "2026-10-08"},
		{"2026-10-03", false, "2026-10-08"}, // Saturday inside the holiday
		{"2026-10-07", false, "2026-10-08"},
		{"2026-10-08", true, "2026-10-08"},
		{"2026-10-10", true, "2026-10-10"},  // Saturday, adjusted working day
		{"2026-10-17", false, "2026-10-19"}, // a plain Saturday
		{"2026-09-20", true, "2026-09-20"},  // Sunday, adjusted working day
		{"2026-09-25", false, "2026-09-28"}, // Mid-Autumn Festival, Friday
		// New Year 2026 runs into a worked Sunday.
		{"2026-01-01", false, "2026-01-04"},
		// Spring Festival 2024: Sunday 4 February worked, 10–17 February off.
		{"2024-02-04", true, "2024-02-04"},
		{"2024-02-12", false, "2024-02-18"}, // rolls onto the worked Sunday
		{"2024-10-01", false, "2024-10-08"},
		{"2024-10-12", true, "2024-10-12"}, // Saturday, adjusted working day
		// 2025: Sunday 26 January worked; National Day and Mid-Autumn run to 8 October.
		{"2025-01-26", true, "2025-01-26"},
		{"2025-10-08", false, "2025-10-09"},
		{"2025-05-31", false, "2025-06-03"}, // Dragon Boat Festival
		// An ordinary Tuesday.
		{"2025-03-04", true, "2025-03-04"},
	}
	for _, tt := range tests {
		d := mustDate(t, tt.date)
		if got := cn.IsBusinessDay(d); got != tt.business {
			t.Errorf("IsBusinessDay(%s) = %v, want %v", tt.date, got, tt.business)
		}
		if got := cn.Following(d).String(); got != tt.following {
			t.Errorf("Following(%s) = %s, want %s", tt.date, got, tt.following)
		}
	}
	for year, want := range map[int]bool{2023: false, 2024: true, 2025: true, 2026: true, 2027: false} {
		if cn.HasYear(year) != want {
			t.Errorf("HasYear(%d) = %v, want %v", year, !want, want)
		}
	}
}

// Outside the shipped years only weekends are closed: 1 October 2030 is a Tuesday.
func TestChinaCalendarFallsBackToWeekends(t *testing.T) {
	cn := chinaCalendar(t)
	for _, tt := range []struct {
		date      string
		business  bool
		following string
	}{
		{"2030-10-01", true, "2030-10-01"},
		{"2030-10-05", false, "2030-10-07"},
		{"2023-10-02", true, "2023-10-02"},
	} {
		d := mustDate(t, tt.date)
		if cn.IsBusinessDay(d) != tt.business || cn.Following(d).String() != tt.following {
			t.Errorf("%s: business %v, following %s", tt.date, cn.IsBusinessDay(d), cn.Following(d))
		}
	}
}

func TestWeekendCalendar(t *testing.T) {
	for _, c := range []*linkfin.Calendar{linkfin.WeekendCalendar(), {}} {
		for _, tt := range []struct {
			date      string
			business  bool
			following string
		}{
			{"2026-10-01", true, "2026-10-01"}, // a holiday in China, not here
			{"2026-10-09", true, "2026-10-09"},
			{"2026-10-10", false, "2026-10-12"},
			{"2026-10-11", false, "2026-10-12"},
		} {
			d := mustDate(t, tt.date)
			if c.IsBusinessDay(d) != tt.business || c.Following(d).String() != tt.following {
				t.Errorf("%q %s: business %v, following %s", c.Name(), tt.date, c.IsBusinessDay(d), c.Following(d))
			}
		}
	}
}

func TestCalendarByName(t *testing.T) {
	d := mustDate(t, "2026-10-01")
	cn, err := linkfin.CalendarByName("CN")
	if err != nil || cn.Name() != "CN" || cn.IsBusinessDay(d) {
		t.Errorf("CN: %v, %v", cn, err)
	}
	wk, err := linkfin.CalendarByName("WEEKEND")
	if err != nil || wk.Name() != "WEEKEND" || !wk.IsBusinessDay(d) {
		t.Errorf("WEEKEND: %v, %v", wk, err)
	}
	for _, name := range []string{"", "cn", "US", "TARGET"} {
		_, err := linkfin.CalendarByName(name)
		wantCode(t, err, linkfin.EINVALID)
	}
}

// SharedCalendar gives the calendars CalendarByName gives, the same one each time,
// and CalendarByName's refusals.
func TestSharedCalendar(t *testing.T) {
	for _, name := range []string{"CN", "WEEKEND"} {
		shared, err := linkfin.SharedCalendar(name)
		if err != nil {
			t.Fatal(err)
		}
		own, _ := linkfin.CalendarByName(name)
		if shared.Name() != name || !reflect.DeepEqual(shared, own) {
			t.Errorf("%s: the shared calendar differs from CalendarByName's", name)
		}
		if again, _ := linkfin.SharedCalendar(name); again != shared {
			t.Errorf("%s: a new calendar each time", name)
		}
	}
	for _, name := range []string{"", "cn", "US"} {
		_, err := linkfin.SharedCalendar(name)
		_, want := linkfin.CalendarByName(name)
		wantCode(t, err, linkfin.EINVALID)
		if err.Error() != want.Error() {
			t.Errorf("%q: %v, want %v", name, err, want)
		}
	}
}

const holidays2027 = `{
  "year": 2027,
  "papers": [],
  "days": [
    {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
    {"name": "春节", "date": "2027-02-06", "isOffDay": false}
  ]
}`

func TestLoadHolidayCN(t *testing.T) {
	cn := chinaCalendar(t)
	if err := cn.LoadHolidayCN(strings.NewReader(holidays2027)); err != nil {
		t.Fatal(err)
	}
	if !cn.HasYear(2027) || !cn.HasYear(2026) {
		t.Error("years not recorded")
	}
	if cn.IsBusinessDay(mustDate(t, "2027-01-01")) { // Friday, New Year
		t.Error("2027-01-01 is a business day")
	}
	if !cn.IsBusinessDay(mustDate(t, "2027-02-06")) { // Saturday, worked
		t.Error("2027-02-06 is not a business day")
	}
	if cn.IsBusinessDay(mustDate(t, "2026-10-01")) {
		t.Error("loading 2027 lost 2026")
	}

	// Each ChinaCalendar is independent: the year added above is not in a new one.
	if fresh := chinaCalendar(t); fresh.HasYear(2027) || !fresh.IsBusinessDay(mustDate(t, "2027-01-01")) {
		t.Error("LoadHolidayCN changed the shared calendar")
	}
}

func TestLoadHolidayCNRejects(t *testing.T) {
	for name, in := range map[string]string{
		"not json":     `holidays`,
		"truncated":    `{"year": 2027, "days": [`,
		"no year":      `{"days": []}`,
		"bad date":     `{"year": 2027, "days": [{"name": "x", "date": "2027-02-30", "isOffDay": true}]}`,
		"date format":  `{"year": 2027, "days": [{"name": "x", "date": "2027/01/01", "isOffDay": true}]}`,
		"no isOffDay":  `{"year": 2027, "days": [{"name": "x", "date": "2027-01-01"}]}`,
		"isOffDay str": `{"year": 2027, "days": [{"name": "x", "date": "2027-01-01", "isOffDay": "true"}]}`,
		"trailing":     `{"year": 2027, "days": []} {}`,
		"no days":      `{"year": 2027, "papers": [], "days": []}`, // holiday-cn's file before the schedule is out
	} {
		t.Run(name, func(t *testing.T) {
			var c linkfin.Calendar
			err := c.LoadHolidayCN(strings.NewReader(in))
			wantCode(t, err, linkfin.EINVALID)
			if c.HasYear(2027) {
				t.Error("a rejected file was partly loaded")
			}
		})
	}
	// A bad entry after good ones leaves the calendar as it was.
	var c linkfin.Calendar
	err := c.LoadHolidayCN(strings.NewReader(`{"year": 2027, "days": [
		{"name": "元旦", "date": "2027-01-01", "isOffDay": true},
		{"name": "x", "date": "bad", "isOffDay": true}]}`))
	wantCode(t, err, linkfin.EINVALID)
	if !c.IsBusinessDay(mustDate(t, "2027-01-01")) {
		t.Error("a rejected file was partly loaded")
	}
}

// TestLoadChinaHolidays adds a year to the China calendar every command reads: the shared
// one and a new one both have it from then on; a year's file with no days (holiday-cn's
// before the schedule is published) is refused and changes nothing. (2099: no other
// test reads it.)
func TestLoadChinaHolidays(t *testing.T) {
	shared, err := linkfin.SharedCalendar("CN")
	if err != nil {
		t.Fatal(err)
	}
	had := shared.HasYear(2099) // when the test runs again in the same process
	if _, err := linkfin.LoadChinaHolidays(strings.NewReader(`{"year": 2099, "papers": [], "days": []}`)); linkfin.ErrorCode(err) != linkfin.EINVALID {
		t.Fatalf("an empty year: %v", err)
	}
	if after, _ := linkfin.SharedCalendar("CN"); after != shared {
		t.Fatal("a refused file changed the shared calendar")
	}
	// Files are taken all at once or not at all: a good one before a bad one is not
	// loaded either, and the years returned say which file was bad. (2096: no other
	// test of this package reads it.)
	years, err := linkfin.LoadChinaHolidays(strings.NewReader(`{"year": 2096, "days": [{"name": "元旦", "date": "2096-01-02", "isOffDay": true}]}`),
		strings.NewReader(`{"year": 2099, "papers": [], "days": []}`))
	if linkfin.ErrorCode(err) != linkfin.EINVALID || !slices.Equal(years, []int{2096}) {
		t.Fatalf("a good file, then an empty year: %v, %v", years, err)
	}
	if after, _ := linkfin.SharedCalendar("CN"); after != shared || after.HasYear(2096) {
		t.Fatal("a good file before a refused one changed the shared calendar")
	}
	years, err = linkfin.LoadChinaHolidays(strings.NewReader(`{"year": 2099, "days": [
		{"name": "元旦", "date": "2099-01-01", "isOffDay": true},
		{"name": "春节", "date": "2099-01-03", "isOffDay": false}]}`))
	if err != nil || !slices.Equal(years, []int{2099}) {
		t.Fatalf("loaded %v: %v", years, err)
	}
	fresh := chinaCalendar(t)
	now, err := linkfin.SharedCalendar("CN")
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*linkfin.Calendar{"shared": now, "new": fresh} {
		if !c.HasYear(2099) || c.IsBusinessDay(mustDate(t, "2099-01-01")) || !c.IsBusinessDay(mustDate(t, "2099-01-03")) || c.IsBusinessDay(mustDate(t, "2026-10-01")) {
			t.Errorf("the %s calendar after loading 2099: has it %v, 2099-01-01 (Thursday, a holiday) business %v, 2099-01-03 (Saturday, worked) %v, 2026-10-01 %v",
				name, c.HasYear(2099), c.IsBusinessDay(mustDate(t, "2099-01-01")), c.IsBusinessDay(mustDate(t, "2099-01-03")), c.IsBusinessDay(mustDate(t, "2026-10-01")))
		}
	}
	if shared.HasYear(2099) != had {
		t.Error("the calendar a reader held changed under it: loading replaces the shared calendar whole")
	}
}

// TestCalendars: every calendar a program may name, with the years of holidays it
// holds, in order, as the shared calendars hold them; a weekend-only one holds none
// (an empty list, not none at all).
func TestCalendars(t *testing.T) {
	cals, err := linkfin.Calendars()
	if err != nil {
		t.Fatal(err)
	}
	if len(cals) != len(linkfin.CalendarNames) {
		t.Fatalf("calendars %+v", cals)
	}
	for i, c := range cals {
		shared, err := linkfin.SharedCalendar(c.Name)
		if err != nil || c.Name != linkfin.CalendarNames[i] {
			t.Fatalf("calendar %d: %+v, %v", i, c, err)
		}
		if !slices.Equal(c.HolidayYears, shared.Years()) || !slices.IsSorted(c.HolidayYears) || c.HolidayYears == nil {
			t.Errorf("%s: years %v, shared %v", c.Name, c.HolidayYears, shared.Years())
		}
		for _, y := range c.HolidayYears {
			if !shared.HasYear(y) {
				t.Errorf("%s lists %d, which it does not hold", c.Name, y)
			}
		}
		if c.WeekendOnly != (len(c.HolidayYears) == 0) {
			t.Errorf("%s: weekend only %v with years %v", c.Name, c.WeekendOnly, c.HolidayYears)
		}
	}
	if !slices.Contains(cals[0].HolidayYears, 2025) || !cals[1].WeekendOnly {
		t.Fatalf("CN and WEEKEND: %+v", cals)
	}
}
