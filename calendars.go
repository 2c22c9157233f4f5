package linkfin

import (
	"embed"
	"io/fs"
	"sync"
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
// (2024 to 2026), and the weekend rule elsewhere. Load later years with LoadHolidayCN.
func ChinaCalendar() (*Calendar, error) {
	c, err := chinaCalendar()
	if err != nil {
		return nil, err
	}
	return c.clone(), nil
}
