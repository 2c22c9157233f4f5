package bench

import (
	"context"
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
		"tier1":    {"/", "/pieces/{id}", "/financings", "/invoices", "/orders/{id}"},
		"anchor":   {"/", "/settlements", "/programs/{id}", "/payables"},
		"bank":     {"/", "/financings/{id}", "/exposure"},
		"port":     {"/"},
		"operator": {"/", "/audit", "/organizations", "/users"},
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
