package linkfin

import (
	"embed"
	"io"
	"io/fs"
	"sync"
	"sync/atomic"
)

// cnHolidays holds the holiday-cn files for the years linkfin ships (see calendars/cn).
//
//go:embed calendars/cn/*.json
var cnHolidays embed.FS

// chinaCalendar parses the embedded files once; callers get copies.
var chinaCalendar = sync.OnceValues(func() (*Calendar, error) {
	c := &Calendar{name: "CN"}
	names, err := fs.Glob(cnHolidays, "calendars/cn/*.json")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		f, err := cnHolidays.Open(name)
		if err != nil {
			return nil, err
		}
		err = c.LoadHolidayCN(f)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	return c, nil
})

// ChinaCalendar returns a new calendar, named "CN", of mainland China business days: the
// public holidays and adjusted working days (调休) of the years shipped in calendars/cn
// (2024 to 2026) and of those LoadChinaHolidays added, and the weekend rule elsewhere.
// Load later years into it with LoadHolidayCN.
func ChinaCalendar() (*Calendar, error) {
	c, err := sharedChina()
	if err != nil {
		return nil, err
	}
	return c.clone(), nil
}

// loadedChina is the shipped China calendar with the years LoadChinaHolidays added, once
// one has been; loading replaces it whole, so a reader never sees one half loaded.
var (
	loadedChina  atomic.Pointer[Calendar]
	loadingChina sync.Mutex
)

// sharedChina is the China calendar every command reads: the shipped one, with the
// years LoadChinaHolidays added.
func sharedChina() (*Calendar, error) {
	if c := loadedChina.Load(); c != nil {
		return c, nil
	}
	return chinaCalendar()
}

// LoadChinaHolidays adds years of holiday-cn data (see LoadHolidayCN), a file each, in
// order, to the China calendar that SharedCalendar("CN") and ChinaCalendar return from
// then on, and says which year each file held: the State Council announces each year's
// holidays and adjusted working days in the autumn before, after a release of linkfin
// may have shipped, and "linkfin serve" loads the files an operator puts in its data
// directory with it (at start, and on SIGHUP where there is one). A year already known is replaced by the
// file's, and of two files of a year the later wins. The files are taken all at once or
// not at all: a bad one is EINVALID, changes nothing, and is the file after the years
// returned with it. Maturities already worked out keep their dates.
func LoadChinaHolidays(files ...io.Reader) ([]int, error) {
	loadingChina.Lock()
	defer loadingChina.Unlock()
	base, err := sharedChina()
	if err != nil {
		return nil, err
	}
	c := base.clone()
	years := make([]int, 0, len(files))
	for _, r := range files {
		year, err := c.loadHolidayCN(r)
		if err != nil {
			return years, err
		}
		years = append(years, year)
	}
	loadedChina.Store(c)
	return years, nil
}
