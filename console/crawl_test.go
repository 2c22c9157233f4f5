package console

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

// links are the console's own links on a page.
var links = regexp.MustCompile(`href="(/[^"#]*)"`)

// Every page a person can reach by following links renders without an error, for a
// user of every organization of the demo and for the operator; and every record page
// one organization reaches is not found for an organization party to none of it —
// the console shows an organization what the API shows it.
func TestCrawl(t *testing.T) {
	s := certified(t)
	s.run(&services.RequestCertificateDiscounting{Actor: "tier1", ID: "F-1", ProgramID: "auto-scf", PieceID: "C-1", FunderID: "bank"})
	s.run(&services.AcceptCertificateDiscounting{Actor: "tier1", ID: "F-1", PieceID: "C-1"})
	s.run(&services.CreateOrganization{Org: linkfin.Organization{ID: "outsider", Name: "Outsider Trading", Capabilities: []linkfin.Capability{linkfin.CapTrade, linkfin.CapFund}}})
	ecnyFixture(s)

	records := regexp.MustCompile(`^/(invoices|pieces|financings|receipts|payables|orders|programs|ecny)/[^/?]+$`)
	seen := map[string]bool{}
	for _, who := range []struct {
		org  string
		role linkfin.Role
	}{{"anchor", linkfin.RoleAdmin}, {"tier1", linkfin.RoleFinance}, {"tier2", linkfin.RoleAdmin}, {"tier3", linkfin.RoleViewer},
		{"bank", linkfin.RoleAdmin}, {"factor", linkfin.RoleAdmin}, {"dealer", linkfin.RoleAdmin}, {"port", linkfin.RoleAdmin},
		{"", linkfin.RoleOperator}} {
		c := s.as(who.org, who.role)
		queue, visited := []string{"/"}, map[string]bool{}
		for len(queue) > 0 && len(visited) < 300 {
			path := queue[0]
			queue = queue[1:]
			if visited[path] {
				continue
			}
			visited[path] = true
			code, page := c.get(path)
			if code != http.StatusOK {
				t.Errorf("%s/%s: %s answered %d", who.org, who.role, path, code)
				continue
			}
			if strings.Contains(path, "format=csv") {
				// A download is kept out of caches as a page is.
				resp, err := c.c.Get(c.base + path)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
					t.Errorf("%s/%s: %s is sent with Cache-Control %q", who.org, who.role, path, cc)
				}
				continue
			}
			for _, m := range links.FindAllStringSubmatch(page, -1) {
				next := strings.ReplaceAll(m[1], "&amp;", "&")
				u, err := url.Parse(next)
				if err != nil || strings.HasPrefix(u.Path, "/static/") || u.Path == "/language" {
					continue
				}
				if records.MatchString(u.Path) && who.org != "" {
					seen[u.Path] = true
				}
				queue = append(queue, next)
			}
		}
		if len(visited) < 3 {
			t.Errorf("%s/%s reached only %v", who.org, who.role, visited)
		}
	}
	wallets := 0
	for path := range seen {
		if strings.HasPrefix(path, "/ecny/") {
			wallets++
		}
	}
	if len(seen) < 3 || wallets < 3 {
		t.Fatalf("the crawl reached only these records: %v", seen)
	}
	outsider := s.as("outsider", linkfin.RoleAdmin)
	for path := range seen {
		if code, _ := outsider.get(path); code != http.StatusNotFound {
			t.Errorf("an organization party to nothing reads %s: %d", path, code)
		}
	}
}
