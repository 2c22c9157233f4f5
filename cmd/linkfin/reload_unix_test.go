//go:build unix

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"linkfin"
)

// TestServeReloadsCalendars: SIGHUP loads the data directory's calendar files again
// while serve runs, all of them or, when one is not a year's schedule, none, which it
// logs naming the file; the server goes on either way. (2096: no other test of this
// package reads it; 2096-01-02 is a Monday.)
func TestServeReloadsCalendars(t *testing.T) {
	isolate(t)
	dir := filepath.Join(t.TempDir(), "data")
	cal := filepath.Join(dir, "calendars", "cn")
	if err := os.MkdirAll(cal, 0o755); err != nil {
		t.Fatal(err)
	}
	s := serve(t, "--data", dir)
	holiday := linkfin.NewDate(2096, 1, 2)
	years := func() []int {
		t.Helper()
		var out struct {
			Data []struct {
				Name  string `json:"name"`
				Years []int  `json:"holiday_years"`
			} `json:"data"`
		}
		if err := json.Unmarshal(s.want("GET", "/v1/calendars", s.key, "", 200), &out); err != nil {
			t.Fatal(err)
		}
		for _, c := range out.Data {
			if c.Name == "CN" {
				return c.Years
			}
		}
		t.Fatal("GET /v1/calendars lists no CN")
		return nil
	}
	hangUp := func(log string) {
		t.Helper()
		if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(s.stderr.String(), log) {
			if time.Now().After(deadline) {
				t.Fatalf("no %q logged after SIGHUP:\n%s", log, s.stderr)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}

	good := filepath.Join(cal, "2096.json")
	os.WriteFile(good, []byte(`{"year": 2096, "days": [{"name": "元旦", "date": "2096-01-02", "isOffDay": true}]}`), 0o644)
	bad := filepath.Join(cal, "2094.json") // before 2096 in name order
	os.WriteFile(bad, []byte(`{"year": 2094, "papers": [], "days": []}`), 0o644)
	hangUp("calendars not reloaded: no file was loaded")
	if !strings.Contains(s.stderr.String(), bad) || !strings.Contains(s.stderr.String(), "lists no day") {
		t.Errorf("the refusal does not name the file and why:\n%s", s.stderr)
	}
	if got := years(); slices.Contains(got, 2096) {
		t.Fatalf("a bad file beside it, 2096 was loaded all the same: %v", got)
	}

	os.Remove(bad)
	hangUp(`msg="calendar CN reloaded" year=2096`)
	if got := years(); !slices.Contains(got, 2096) {
		t.Fatalf("after SIGHUP the calendars hold %v, not 2096", got)
	}
	cn, err := linkfin.SharedCalendar("CN")
	if err != nil {
		t.Fatal(err)
	}
	if cn.IsBusinessDay(holiday) {
		t.Errorf("%s is still a business day", holiday)
	}
}
