package http

import (
	"net/http"
	"reflect"

	"linkfin"
)

// calendarRoutes registers the read of the business-day calendars: which years of
// published holidays each holds, so that a client knows which maturities followed the
// weekend rule alone.
func (s *Server) calendarRoutes() {
	s.handle(Route{Pattern: "GET /v1/calendars", Access: AnyKey, Out: reflect.TypeFor[linkfin.List[linkfin.CalendarOut]](),
		Summary: "The business-day calendars programs name, and the years of published holidays each holds."}, s.calendars)
}

func (s *Server) calendars(w http.ResponseWriter, r *http.Request) {
	cals, err := linkfin.Calendars()
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, linkfin.List[linkfin.CalendarOut]{Data: cals})
}
