package console

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

// The operator's organizations page shows a page of them at a time, and its next
// link the rest: every organization once, however many there are.
func TestOrganizationsPages(t *testing.T) {
	s := newSite(t)
	for i := range 2 * pageSize {
		id := fmt.Sprintf("org-%03d", i)
		s.run(&services.CreateOrganization{Org: linkfin.Organization{ID: id, Name: "Org " + id, Capabilities: []linkfin.Capability{linkfin.CapTrade}}})
	}
	op := s.as("", linkfin.RoleOperator)
	row := regexp.MustCompile(`<tr><td>([^<]+)</td>`)
	next := regexp.MustCompile(`<a rel="next" href="([^"]+)">`)
	seen, pages := map[string]bool{}, 0
	for path := "/organizations"; path != ""; pages++ {
		code, page := op.get(path)
		if code != http.StatusOK {
			t.Fatalf("%s: %d\n%s", path, code, page)
		}
		rows := row.FindAllStringSubmatch(page, -1)
		if len(rows) > pageSize || len(rows) == 0 {
			t.Fatalf("%s shows %d organizations, at most %d a page", path, len(rows), pageSize)
		}
		for _, m := range rows {
			if seen[m[1]] {
				t.Fatalf("%s shows %s again", path, m[1])
			}
			seen[m[1]] = true
		}
		path = ""
		if m := next.FindStringSubmatch(page); m != nil {
			path = strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	for i := range 2 * pageSize {
		if id := fmt.Sprintf("org-%03d", i); !seen[id] {
			t.Errorf("%s is on no page", id)
		}
	}
	if pages < 3 {
		t.Errorf("%d organizations on %d pages", len(seen), pages)
	}

	// Those whose bank account waits for the operator, likewise a page at a time, and
	// those alone: the admins of a page and one more register an account.
	waiting := map[string]bool{}
	for i := 0; i <= pageSize; i++ {
		id := fmt.Sprintf("org-%03d", i)
		s.run(&services.SetBankAccount{Actor: id, OrgID: id, Account: linkfin.BankAccount{Account: fmt.Sprintf("6222%05d", i)}})
		waiting[id] = true
	}
	seen, pages = map[string]bool{}, 0
	for path := "/organizations?waiting=bank_account"; path != ""; pages++ {
		code, page := op.get(path)
		if code != http.StatusOK {
			t.Fatalf("%s: %d\n%s", path, code, page)
		}
		for _, m := range row.FindAllStringSubmatch(page, -1) {
			if seen[m[1]] || !waiting[m[1]] {
				t.Fatalf("%s shows %s, again or not waiting", path, m[1])
			}
			seen[m[1]] = true
		}
		path = ""
		if m := next.FindStringSubmatch(page); m != nil {
			path = strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	if len(seen) != len(waiting) || pages != 2 {
		t.Errorf("%d of %d waiting organizations on %d pages", len(seen), len(waiting), pages)
	}
	admin := s.as("org-000", linkfin.RoleAdmin)
	if code, _ := admin.get("/organizations?waiting=bank_account"); code != http.StatusNotFound {
		t.Errorf("an organization's admin lists what waits: %d", code)
	}
}
