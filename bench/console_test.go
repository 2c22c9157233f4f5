package bench

import (
	"context"
	"net/url"
	"strings"
	"testing"
)

// The console benchmark runs on a small store: every party reaches its pages, and
// every page it reaches answers (Console fails on any page that does not answer 200).
func TestConsole(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds a store of 2,000 certificates")
	}
	res, err := Console(context.Background(), ConsoleOptions{Preload: 2000, Renders: 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.Financings != 20 || res.OpenPayables != 10 {
		t.Errorf("financings %d, open payables %d; want 20 and 10", res.Financings, res.OpenPayables)
	}
	pages := map[string]map[string]bool{}
	for _, p := range res.Pages {
		if pages[p.Party] == nil {
			pages[p.Party] = map[string]bool{}
		}
		pages[p.Party][p.Page] = true
		if p.Renders != 2 || p.P95MS <= 0 || p.Bytes == 0 {
			t.Errorf("%s %s: %+v", p.Party, p.Page, p)
		}
	}
	for party, want := range map[string][]string{
		"tier1":    {"/", "/pieces/{id}", "/financings", "/invoices", "/orders/{id}", "/ecny", "/ecny/{id}"},
		"anchor":   {"/", "/settlements", "/programs/{id}", "/payables"},
		"bank":     {"/", "/financings/{id}", "/exposure"},
		"port":     {"/"},
		"operator": {"/", "/audit", "/organizations", "/users", "/ecny/{id}"},
	} {
		for _, page := range want {
			if !pages[party][page] {
				t.Errorf("%s did not reach %s; it reached %v", party, page, pages[party])
			}
		}
	}
	if res.Slowest.Page == "" || res.Slowest.P95MS <= 0 {
		t.Errorf("no slowest page: %+v", res.Slowest)
	}
	var b strings.Builder
	res.Print(&b)
	if !strings.Contains(b.String(), "slowest page: "+res.Slowest.Page) {
		t.Errorf("the printed result:\n%s", b.String())
	}
}

// With suppliers, each of them trades once and so has a scorecard, and every viewer
// that may see one reads it through the API (readScorecards fails on any answer but
// 200); the anchor's console lists them among its suppliers' scorecards.
func TestConsoleSuppliers(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds a store of 200 certificates and 100 suppliers")
	}
	res, err := Console(context.Background(), ConsoleOptions{Preload: 200, Renders: 1, Suppliers: 100, ScorecardReads: 20})
	if err != nil {
		t.Fatal(err)
	}
	if res.Suppliers != 100 {
		t.Errorf("suppliers %d, want 100", res.Suppliers)
	}
	var viewers []string
	for _, s := range res.Scorecards {
		viewers = append(viewers, s.Viewer)
		if s.Reads != 20 || s.P50MS <= 0 || s.P99MS < s.P50MS || s.MaxMS < s.P99MS {
			t.Errorf("%+v", s)
		}
	}
	if want := "anchor bank factor supplier itself"; strings.Join(viewers, " ") != want {
		t.Errorf("viewers %q, want %q", viewers, want)
	}
	anchorPages := map[string]bool{}
	for _, p := range res.Pages {
		if p.Party == "anchor" {
			anchorPages[p.Page] = true
		}
	}
	if !anchorPages["/scorecard"] {
		t.Errorf("the anchor did not reach its suppliers' scorecards: %v", anchorPages)
	}
}

// A record's id, a cursor and an organization whose card is open are one page
// whatever their value: the crawl measures two of each, not every supplier's card.
func TestPageKey(t *testing.T) {
	for in, want := range map[string]string{
		"/pieces/P-1":                    "/pieces/{id}",
		"/scorecard?org=sup-000001":      "/scorecard?org={id}",
		"/financings?after=F-9&status=x": "/financings?after={id}&status=x",
		"/pieces/P-1?history_after=12":   "/pieces/{id}?history_after={id}",
		"/offers/confirm?asset=C-1":      "/offers/confirm?asset={id}",
		"/financings?status=disbursed":   "/financings?status=disbursed",
	} {
		u, err := url.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := pageKey(u); got != want {
			t.Errorf("pageKey(%s) = %s, want %s", in, got, want)
		}
	}
}
