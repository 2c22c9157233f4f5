package console

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

// navLinks are the sections a page's header offers.
var navLinks = regexp.MustCompile(`(?s)<nav aria-label="[^"]*" class="main-nav">(.*?)</nav>`)

// The header offers each organization the sections of what it may do; a section it
// lacks is not found for it. The operator has every section.
func TestNavigationPerParty(t *testing.T) {
	s := certified(t)
	all := []string{"/", "/orders", "/invoices", "/payables", "/financings", "/receipts", "/devices", "/settlements", "/programs", "/exposure", "/alerts", "/scorecard", "/discounting", "/wallet", "/ecny", "/conditional-payments", "/webhooks", "/organizations", "/bank", "/payment-files", "/organization", "/users", "/audit"}
	for _, tc := range []struct {
		org  string
		role linkfin.Role
		want []string
	}{
		{"tier1", linkfin.RoleAdmin, []string{"/", "/orders", "/invoices", "/payables", "/financings", "/receipts", "/scorecard", "/wallet", "/ecny", "/conditional-payments", "/webhooks", "/organization", "/users", "/audit"}},
		{"tier1", linkfin.RoleFinance, []string{"/", "/orders", "/invoices", "/payables", "/financings", "/receipts", "/scorecard", "/wallet", "/ecny", "/conditional-payments", "/audit"}},
		{"anchor", linkfin.RoleFinance, []string{"/", "/orders", "/invoices", "/payables", "/financings", "/receipts", "/settlements", "/programs", "/exposure", "/alerts", "/scorecard", "/discounting", "/wallet", "/ecny", "/conditional-payments", "/audit"}},
		{"bank", linkfin.RoleViewer, []string{"/", "/invoices", "/payables", "/financings", "/receipts", "/programs", "/exposure", "/alerts", "/scorecard", "/wallet", "/ecny", "/conditional-payments", "/audit"}},
		{"port", linkfin.RoleFinance, []string{"/", "/orders", "/receipts", "/devices", "/wallet", "/conditional-payments", "/audit"}},
		{"", linkfin.RoleOperator, all},
		// An organization granted operate runs nothing of the platform: the operator's
		// sections are the operator's.
		{"tier2", linkfin.RoleAdmin, []string{"/", "/orders", "/invoices", "/payables", "/financings", "/receipts", "/scorecard", "/wallet", "/ecny", "/conditional-payments", "/webhooks", "/organization", "/users", "/audit"}},
	} {
		if tc.org == "tier2" {
			s.run(&services.SetCapabilities{OrgID: "tier2", Capabilities: []linkfin.Capability{linkfin.CapTrade, linkfin.CapOperate}})
		}
		c := s.as(tc.org, tc.role)
		_, home := c.get("/")
		m := navLinks.FindStringSubmatch(home)
		if m == nil {
			t.Fatalf("%s/%s: no sections\n%s", tc.org, tc.role, home)
		}
		var got []string
		for _, l := range links.FindAllStringSubmatch(m[1], -1) {
			got = append(got, l[1])
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s/%s is offered %v, want %v", tc.org, tc.role, got, tc.want)
		}
		for _, path := range all {
			if slices.Contains(tc.want, path) || path == "/webhooks" || path == "/users" || path == "/organization" {
				continue
			}
			if code, _ := c.get(path); code != http.StatusNotFound {
				t.Errorf("%s/%s reads %s, a section it does not have: %d", tc.org, tc.role, path, code)
			}
		}
	}
}

// postForms finds the forms of a page that post, by where they post.
var postForms = regexp.MustCompile(`<form method="post" action="([^"]*)"`)

// A viewer is offered nothing to change: no page it reaches has a form that posts,
// but signing out and its own account's.
func TestViewerSeesNoActions(t *testing.T) {
	s := certified(t)
	s.run(&services.RequestCertificateDiscounting{Actor: "tier1", ID: "F-1", ProgramID: "auto-scf", PieceID: "C-1", FunderID: "bank"})
	s.run(&services.AcceptCertificateDiscounting{Actor: "tier1", ID: "F-1", PieceID: "C-1"})
	for _, org := range []string{"anchor", "tier1", "tier2", "bank", "port"} {
		c := s.as(org, linkfin.RoleViewer)
		queue, visited := []string{"/"}, map[string]bool{}
		for len(queue) > 0 && len(visited) < 200 {
			path := queue[0]
			queue = queue[1:]
			if visited[path] || strings.Contains(path, "format=csv") {
				continue
			}
			visited[path] = true
			code, page := c.get(path)
			if code != http.StatusOK {
				t.Errorf("%s viewer: %s answered %d", org, path, code)
				continue
			}
			for _, f := range postForms.FindAllStringSubmatch(page, -1) {
				if f[1] != "/sign-out" && !strings.HasPrefix(f[1], "/account/") {
					t.Errorf("%s viewer is offered %s on %s", org, f[1], path)
				}
			}
			for _, m := range links.FindAllStringSubmatch(page, -1) {
				next := strings.ReplaceAll(m[1], "&amp;", "&")
				if u, err := url.Parse(next); err == nil && !strings.HasPrefix(u.Path, "/static/") && u.Path != "/language" {
					queue = append(queue, next)
				}
			}
		}
		if len(visited) < 5 {
			t.Errorf("%s viewer reached only %v", org, visited)
		}
	}
}

// placeless is a page without what says where it is (the language switch's way back,
// the header's current section), which differ from page to page.
func placeless(page string) string {
	return regexp.MustCompile(`back=[^"]*"| aria-current="page"`).ReplaceAllString(page, "")
}

// A form of a section's page answers an organization without the section as the page
// does, not found, before it reads what was sent, and changes and keeps nothing; the
// answer is the one a form of no page gets.
func TestSectionFormsNotFound(t *testing.T) {
	s := newSite(t)
	tier2 := s.as("tier2", linkfin.RoleAdmin) // trade alone
	_, home := tier2.get("/")
	before, _ := s.store.Head(context.Background())
	_, none := tier2.post("/no/such/form", url.Values{"csrf": {hidden(home, "csrf")}})
	for _, path := range []string{"/bank/statements", "/bank/entries/x/assign", "/payment-files", "/payment-files/debtor", "/payment-files/x/status",
		"/organizations", "/organizations/tier1/capabilities", "/organizations/tier2/bank-account/confirm", "/settlements/run",
		"/discounting/offer", "/devices", "/devices/x/retire", "/alerts/x/acknowledge", "/alerts/x/resolve"} {
		page, _, _ := strings.Cut(path[1:], "/")
		if code, _ := tier2.get("/" + page); code != http.StatusNotFound {
			t.Fatalf("/%s: %d, not the section tier2 lacks", page, code)
		}
		form := url.Values{"csrf": {hidden(home, "csrf")}, "idempotency_key": {"k-" + page}, "date": {"2026-12-01"}, "public_key": {"x"},
			"name": {"Eve"}, "id": {"eve"}, "capability": {"trade"}, "reason": {"x"}, "payable": {"pay-inv-1"}}
		code, body := tier2.post(path, form)
		if code != http.StatusNotFound || placeless(body) != placeless(none) {
			t.Errorf("%s: %d, not the page a form of no page gets\n%.400s", path, code, body)
		}
	}
	// Not even a refusal is kept under the forms' keys.
	if after, _ := s.store.Head(context.Background()); after.Size != before.Size {
		t.Fatalf("the forms logged %d events", after.Size-before.Size)
	}
}
