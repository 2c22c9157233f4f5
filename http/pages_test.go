package http_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	lfhttp "linkfin/http"
)

// The console's pages take every path outside the API; the API's own paths, known or
// not, still answer as the API does.
func TestPagesBesideAPI(t *testing.T) {
	a := newAPI(t)
	srv := a.current.Load()
	srv.Pages = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusTeapot)
	})
	defer func() { srv.Pages = nil }()
	for _, tc := range []struct {
		method, path string
		status       int
		problem      string
	}{
		{"GET", "/", http.StatusTeapot, ""},
		{"GET", "/sign-in", http.StatusTeapot, ""},
		{"POST", "/sign-out", http.StatusTeapot, ""},
		{"GET", "/v1/nothing", http.StatusNotFound, "not_found"},
		{"GET", "/v1", http.StatusNotFound, "not_found"},
		{"POST", "/healthz", http.StatusMethodNotAllowed, lfhttp.EMETHOD},
		{"GET", "/healthz", http.StatusOK, ""},
	} {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		if rec.Code != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, rec.Code, tc.status)
		}
		if tc.problem != "" && rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s %s: %s, want a problem", tc.method, tc.path, rec.Header().Get("Content-Type"))
		}
	}
}
