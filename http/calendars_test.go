package http_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"linkfin"
)

// TestCalendars: GET /v1/calendars names every calendar a program may name, with the
// years of published holidays each holds now: a year loaded while the server runs
// (linkfin.LoadChinaHolidays, as serve does at start) is listed from then on. It takes
// a key, any key.
func TestCalendars(t *testing.T) {
	a := newAPI(t)
	read := func() map[string]linkfin.CalendarOut {
		t.Helper()
		var got linkfin.List[linkfin.CalendarOut]
		wantJSON(t, a.do("GET", "/v1/calendars", ""), http.StatusOK, &got)
		byName := map[string]linkfin.CalendarOut{}
		for _, c := range got.Data {
			byName[c.Name] = c
		}
		if len(byName) != len(linkfin.CalendarNames) {
			t.Fatalf("calendars %+v, want %v", got.Data, linkfin.CalendarNames)
		}
		return byName
	}
	cals := read()
	cn, weekend := cals["CN"], cals["WEEKEND"]
	if cn.WeekendOnly || !slices.IsSorted(cn.HolidayYears) || !slices.Contains(cn.HolidayYears, 2024) ||
		!slices.Contains(cn.HolidayYears, 2026) || slices.Contains(cn.HolidayYears, 2095) {
		t.Fatalf("CN: %+v", cn)
	}
	if !weekend.WeekendOnly || weekend.HolidayYears == nil || len(weekend.HolidayYears) != 0 {
		t.Fatalf("WEEKEND: %+v", weekend)
	}
	if _, err := linkfin.LoadChinaHolidays(strings.NewReader(`{"year": 2095, "days": [{"name": "元旦", "date": "2095-01-01", "isOffDay": true}]}`)); err != nil {
		t.Fatal(err)
	}
	if cn := read()["CN"]; !slices.Contains(cn.HolidayYears, 2095) || cn.HolidayYears[len(cn.HolidayYears)-1] != 2095 {
		t.Fatalf("CN after 2095 was loaded: %+v", cn)
	}
	wantProblem(t, a.do("GET", "/v1/calendars", "", "Authorization", ""), http.StatusUnauthorized, linkfin.EUNAUTHORIZED)
}
