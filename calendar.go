package linkfin

import (
	"encoding/json"
	"io"
	"maps"
	"slices"
	"time"
)

// Calendar says which dates are business days. Saturdays and Sundays are not, unless
// the calendar lists them as adjusted working days; weekdays are, unless it lists them as
// holidays. A Calendar has holiday data for some years only (see HasYear): on dates outside
// them just the weekend rule applies, so maturities far ahead should be rechecked once
// the government publishes that year's holidays.
//
// The zero value is a weekend-only calendar. A Calendar is safe for concurrent reads;
// LoadHolidayCN must not run concurrently with anything else on the same Calendar.
type Calendar struct {
	name  string
	off   map[Date]bool // listed dates: true for a holiday, false for a worked weekend day
	years map[int]bool  // years with holiday data
}

// WeekendCalendar returns a calendar, named "WEEKEND", of Monday to Friday business days
// with no holidays.
func WeekendCalendar() *Calendar {
	return &Calendar{name: "WEEKEND"}
}

// CalendarNames are the calendars a program may name (Program.Calendar), as
// CalendarByName knows them.
var CalendarNames = []string{"CN", "WEEKEND"}

// CalendarByName returns a new calendar by name: "CN" (ChinaCalendar) or "WEEKEND"
// (WeekendCalendar). Other names are EINVALID.
func CalendarByName(name string) (*Calendar, error) {
	switch name {
	case "CN":
		return ChinaCalendar()
	case "WEEKEND":
		return WeekendCalendar(), nil
	}
	return nil, Errorf(EINVALID, "unknown calendar %s: want \"CN\" or \"WEEKEND\"", quote(name))
}

// SharedCalendar returns the calendar CalendarByName names, the same one to every
// caller instead of a new one: for reading only, never to load more years into. Errors
// are CalendarByName's.
func SharedCalendar(name string) (*Calendar, error) {
	switch name {
	case "CN":
		return sharedChina()
	case "WEEKEND":
		return weekendCalendar, nil
	}
	return CalendarByName(name)
}

var weekendCalendar = WeekendCalendar()

// Name returns the name CalendarByName knows the calendar by.
func (c *Calendar) Name() string { return c.name }

// HasYear reports whether holiday data for year has been loaded.
func (c *Calendar) HasYear(year int) bool { return c.years[year] }

// Years lists, in order, the years whose holiday data the calendar holds (none: an
// empty list).
func (c *Calendar) Years() []int {
	ys := slices.AppendSeq(make([]int, 0, len(c.years)), maps.Keys(c.years))
	slices.Sort(ys)
	return ys
}

// Calendars describes the calendars programs name, as every command reads them now
// (SharedCalendar): for GET /v1/calendars.
func Calendars() ([]CalendarOut, error) {
	out := make([]CalendarOut, 0, len(CalendarNames))
	for _, name := range CalendarNames {
		c, err := SharedCalendar(name)
		if err != nil {
			return nil, err
		}
		out = append(out, CalendarOut{Name: name, WeekendOnly: len(c.years) == 0, HolidayYears: c.Years()})
	}
	return out, nil
}

// Knows reports whether the calendar's business days of year are the ones published: a
// weekend-only calendar (no holiday data at all) knows every year, a holiday calendar
// the years whose holidays it has loaded; in any other it followed the weekend rule
// alone.
func (c *Calendar) Knows(year int) bool { return len(c.years) == 0 || c.years[year] }

// IsBusinessDay reports whether d is a business day.
func (c *Calendar) IsBusinessDay(d Date) bool {
	if off, ok := c.off[d]; ok {
		return !off
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Following returns d if it is a business day, and otherwise the first business day after
// it: the "following" convention for dates that fall on a holiday or weekend.
func (c *Calendar) Following(d Date) Date {
	for !c.IsBusinessDay(d) {
		d = d.AddDays(1)
	}
	return d
}

// holidayCN is one year's file of the holiday-cn project
// (https://github.com/NateScarlet/holiday-cn).
type holidayCN struct {
	Year int `json:"year"`
	Days []struct {
		Name     string `json:"name"`
		Date     string `json:"date"`
		IsOffDay *bool  `json:"isOffDay"`
	} `json:"days"`
}

// maxHolidayFile bounds what LoadHolidayCN reads; a year's file is a few kilobytes.
const maxHolidayFile = 1 << 20

// LoadHolidayCN adds one year of holidays and adjusted working days from a holiday-cn JSON
// file, such as the project's 2027.json. Entries with isOffDay true are holidays; false
// marks a weekend day that is worked (调休). An entry for a date already listed replaces
// it. The file is checked whole before anything is added: malformed data is EINVALID and
// leaves c unchanged.
func (c *Calendar) LoadHolidayCN(r io.Reader) error {
	_, err := c.loadHolidayCN(r)
	return err
}

// loadHolidayCN is LoadHolidayCN, and says the file's year.
func (c *Calendar) loadHolidayCN(r io.Reader) (int, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxHolidayFile+1))
	if err != nil {
		return 0, err
	} else if len(b) > maxHolidayFile {
		return 0, Errorf(EINVALID, "holiday-cn file is larger than %d bytes", maxHolidayFile)
	}
	var f holidayCN
	if err := json.Unmarshal(b, &f); err != nil {
		return 0, Errorf(EINVALID, "invalid holiday-cn file: %v", err)
	}
	if f.Year < 1 || f.Year > 9999 {
		return 0, Errorf(EINVALID, "invalid holiday-cn file: year %d", f.Year)
	}
	if len(f.Days) == 0 {
		// holiday-cn publishes a year's file empty until the State Council announces its
		// schedule: loaded, it would say the year has no holidays at all.
		return 0, Errorf(EINVALID, "the holiday-cn file for %d lists no day: that year's schedule is not published yet", f.Year)
	}
	off := make(map[Date]bool, len(f.Days))
	for _, e := range f.Days {
		d, err := ParseDate(e.Date)
		if err != nil {
			return 0, Errorf(EINVALID, "invalid holiday-cn file for %d: %s", f.Year, ErrorMessage(err))
		}
		if e.IsOffDay == nil {
			return 0, Errorf(EINVALID, "invalid holiday-cn file for %d: %s has no isOffDay", f.Year, d)
		}
		off[d] = *e.IsOffDay
	}

	if c.off == nil {
		c.off = make(map[Date]bool, len(off))
	}
	if c.years == nil {
		c.years = make(map[int]bool)
	}
	maps.Copy(c.off, off)
	c.years[f.Year] = true
	return f.Year, nil
}

// clone returns a deep copy of c, so that loading more years into it leaves c alone.
func (c *Calendar) clone() *Calendar {
	return &Calendar{name: c.name, off: maps.Clone(c.off), years: maps.Clone(c.years)}
}
