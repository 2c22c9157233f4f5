package console

import (
	"encoding/json"
	"io/fs"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"linkfin"
	"linkfin/services"
)

// describedBy is, for each field of the page (input, select, textarea) that has an
// id, the words of the elements its aria-describedby names, in its order; a name that
// is no element of the page fails the test.
func describedBy(t *testing.T, page string) map[string]string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*html.Node{}
	var fields []*html.Node
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		if id := attrOf(n, "id"); id != "" {
			byID[id] = n
		}
		if n.Data == "input" || n.Data == "select" || n.Data == "textarea" {
			fields = append(fields, n)
		}
	}
	out := map[string]string{}
	for _, f := range fields {
		var words []string
		for _, id := range strings.Fields(attrOf(f, "aria-describedby")) {
			n, ok := byID[id]
			if !ok {
				t.Fatalf("field %q is described by %q, which is not on the page", attrOf(f, "id"), id)
			}
			var b strings.Builder
			for d := range n.Descendants() {
				if d.Type == html.TextNode {
					b.WriteString(d.Data)
				}
			}
			words = append(words, strings.Join(strings.Fields(b.String()), " "))
		}
		if id := attrOf(f, "id"); id != "" {
			out[id] = strings.Join(words, " | ")
		}
	}
	return out
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// Help shown beside a form's fields is linked to them (aria-describedby), so that a
// screen reader says it with the field: the organization's bank account help with its
// four fields, the wallet's word that no account is in effect with the rail, and an
// e-CNY wallet's classes and the evidence each needs with the class to raise to. A
// field refused keeps its help after the refusal. Every paragraph of a template's form
// that is not a field's label is a field's help.
func TestHelpDescribesFields(t *testing.T) {
	s := newSite(t)
	admin := s.as("tier2", linkfin.RoleAdmin)
	_, page := admin.get("/organization")
	const accountHelp = "An account number, or an IBAN outside China, one of the two."
	fields := describedBy(t, page)
	for _, id := range []string{"a-account", "a-iban", "a-code", "a-bic"} {
		if !strings.HasPrefix(fields[id], accountHelp) {
			t.Errorf("the organization's field %s is described by %q, want the account's help", id, fields[id])
		}
	}
	if fields["d-town"] != "" {
		t.Errorf("the address's town is described by %q, which is no help of it", fields["d-town"])
	}
	// A field refused is described by the refusal, then by its help.
	form := `<form method="post" action="/x"><p id="h">help</p><input id="f" name="f" aria-describedby="h"></form>`
	if got := refill(form, &refused{field: "f", nth: -1, action: "/x", form: url.Values{"f": {"1"}}}); !strings.Contains(got, `aria-describedby="refusal h"`) {
		t.Errorf("a refused field with help: %s", got)
	}

	s.run(&services.CreateOrganization{Org: linkfin.Organization{ID: "newco", Name: "New Co", Capabilities: []linkfin.Capability{linkfin.CapTrade}}})
	newco := s.as("newco", linkfin.RoleFinance)
	_, page = newco.get("/wallet")
	if got := describedBy(t, page)["w-rail"]; !strings.HasPrefix(got, "No bank account in effect") {
		t.Errorf("the rail of a wallet with no bank account is described by %q", got)
	}
	_, page = admin.get("/wallet")
	if got := describedBy(t, page)["w-rail"]; got != "" {
		t.Errorf("the rail of a wallet with a bank account is described by %q", got)
	}

	var w linkfin.ECNYWallet
	if err := json.Unmarshal(s.run(&services.OpenECNYWallet{Actor: "tier1", OrgID: "tier1"}), &w); err != nil {
		t.Fatal(err)
	}
	_, page = s.as("tier1", linkfin.RoleAdmin).get("/ecny/" + w.ID)
	if got := describedBy(t, page)["raise-class"]; !strings.HasPrefix(got, "A stronger class has higher limits.") || !strings.Contains(got, "needs:") {
		t.Errorf("the class to raise a wallet to is described by %q, want the classes and what each needs", got)
	}

	// Every template: a paragraph of a form that labels no field is help, which one of
	// the form's fields names.
	forms := regexp.MustCompile(`(?s)<form\b.*?</form>`)
	paragraphs := regexp.MustCompile(`(?s)<p\b([^>]*)>(.*?)</p>`)
	names := regexp.MustCompile(`aria-describedby="([^"]*)"`)
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFS, path)
		if err != nil {
			return err
		}
		for _, form := range forms.FindAllString(string(b), -1) {
			described := map[string]bool{}
			for _, m := range names.FindAllStringSubmatch(form, -1) {
				for _, id := range strings.Fields(m[1]) {
					described[id] = true
				}
			}
			for _, p := range paragraphs.FindAllStringSubmatch(form, -1) {
				if strings.Contains(p[2], "<label") {
					continue
				}
				id := regexp.MustCompile(`id="([^"]+)"`).FindStringSubmatch(p[1])
				if id == nil || !described[id[1]] {
					t.Errorf("%s: the help %q describes none of its form's fields", path, p[0])
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
