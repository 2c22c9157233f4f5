package http_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"linkfin"
)

// TestDisclosure: an anchor reads its program's supplier finance disclosure as JSON or
// as a CSV table; a member of the program and a stranger are told it does not exist,
// before a bad period is; a bad date is refused with its code.
func TestDisclosure(t *testing.T) {
	p := newPlatform(t)
	day := linkfin.BusinessDate(p.clock.Now()).String()
	path := "/v1/programs/auto-scf/disclosure?from=" + day + "&to=" + day
	r := p.as("anchor-viewer", "GET", path, "")
	if r.status != http.StatusOK {
		t.Fatalf("the anchor's disclosure: %d %s", r.status, r.body)
	}
	var d linkfin.Disclosure
	if err := json.Unmarshal(r.body, &d); err != nil {
		t.Fatal(err)
	}
	// The platform's one payable: 100,000.00 confirmed, 1.00 credited, the same day.
	if d.OutstandingStart != 0 || d.Confirmed != 100_000_00 || d.Credited != 1_00 || d.Paid != 0 ||
		d.OutstandingEnd != 99_999_00 || d.CountEnd != 1 || d.DueDays == nil || *d.DueDays != (linkfin.DayRange{Min: 60, Max: 60}) {
		t.Fatalf("disclosure %s", r.body)
	}
	r = p.as("anchor-viewer", "GET", path, "", "Accept", "text/csv")
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("the disclosure as CSV: %d %s %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	for _, row := range []string{"item,value\r\n", "program_id,auto-scf\r\n", "confirmed,10000000\r\n", "credited,100\r\n",
		"outstanding_end,9999900\r\n", "due_days.min,60\r\n"} {
		if !strings.Contains(string(r.body), row) {
			t.Errorf("the CSV has no row %q:\n%s", row, r.body)
		}
	}
	for _, c := range []struct {
		who, query, code string
		status           int
	}{
		{"tier1", "?from=" + day, linkfin.ENOTFOUND, http.StatusNotFound},
		{"bank", "", linkfin.ENOTFOUND, http.StatusNotFound},
		{"outsider", "?from=yesterday", linkfin.ENOTFOUND, http.StatusNotFound},
		{"anchor", "?from=2026-13-01", linkfin.EINVALID, http.StatusBadRequest},
		{"anchor", "?from=2026-12-01&to=2026-11-01", linkfin.EINVALID, http.StatusBadRequest},
		{"anchor", "?since=2026-11-01", linkfin.EINVALID, http.StatusBadRequest},
	} {
		r := p.as(c.who, "GET", "/v1/programs/auto-scf/disclosure"+c.query, "")
		if r.status != c.status || problemOf(r).Code != c.code {
			t.Errorf("%s %s: %d %s, want %d %s", c.who, c.query, r.status, r.body, c.status, c.code)
		}
	}
}

// TestDisclosureToday: by default a disclosure runs to today, the business day in China
// Standard Time: at 17:30 UTC on 2 November it is the 3rd in Beijing.
func TestDisclosureToday(t *testing.T) {
	p := newPlatform(t)
	p.clock.Advance(linkfin.NewDate(2026, time.November, 2).Time(time.UTC).Add(17*time.Hour + 30*time.Minute).Sub(p.clock.Now()))
	r := p.as("anchor-viewer", "GET", "/v1/programs/auto-scf/disclosure", "")
	var d linkfin.Disclosure
	if err := json.Unmarshal(r.body, &d); r.status != http.StatusOK || err != nil {
		t.Fatalf("the anchor's disclosure: %d %s", r.status, r.body)
	}
	if d.To != linkfin.NewDate(2026, time.November, 3) || d.From != linkfin.NewDate(2026, time.January, 1) {
		t.Fatalf("the year to date at %s: %s to %s, want 2026-01-01 to 2026-11-03", p.clock.Now(), d.From, d.To)
	}
}
