package console

import (
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"linkfin"
	"linkfin/services"
)

// crawl follows every console link from the home page, up to limit pages, and hands
// each page that renders to visit; it fails on a page that does not.
func crawl(t *testing.T, c *client, who string, limit int, visit func(path, page string)) {
	t.Helper()
	queue, visited := []string{"/"}, map[string]bool{}
	for len(queue) > 0 && len(visited) < limit {
		path := queue[0]
		queue = queue[1:]
		if visited[path] || strings.Contains(path, "format=csv") {
			continue
		}
		visited[path] = true
		code, page := c.get(path)
		if code != http.StatusOK {
			t.Errorf("%s: %s answered %d", who, path, code)
			continue
		}
		visit(path, page)
		for _, m := range links.FindAllStringSubmatch(page, -1) {
			next := strings.ReplaceAll(m[1], "&amp;", "&")
			if u, err := url.Parse(next); err == nil && !strings.HasPrefix(u.Path, "/static/") && u.Path != "/language" {
				queue = append(queue, next)
			}
		}
	}
}

// unlabelled lists a page's controls that have no label: an input (but hidden ones
// and buttons), select or textarea neither inside a label, nor named by a label's for,
// nor by aria-label or aria-labelledby.
func unlabelled(page string) []string {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return []string{err.Error()}
	}
	attr := func(n *html.Node, key string) string {
		for _, a := range n.Attr {
			if a.Key == key {
				return a.Val
			}
		}
		return ""
	}
	fors := map[string]bool{}
	var walk func(n *html.Node, f func(*html.Node, bool), inLabel bool)
	walk = func(n *html.Node, f func(*html.Node, bool), inLabel bool) {
		if n.Type == html.ElementNode {
			f(n, inLabel)
			if n.Data == "label" {
				inLabel = true
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch, f, inLabel)
		}
	}
	walk(doc, func(n *html.Node, _ bool) {
		if n.Data == "label" && attr(n, "for") != "" {
			fors[attr(n, "for")] = true
		}
	}, false)
	var out []string
	walk(doc, func(n *html.Node, inLabel bool) {
		switch n.Data {
		case "input":
			switch attr(n, "type") {
			case "hidden", "submit", "button", "reset", "image":
				return
			}
		case "select", "textarea":
		default:
			return
		}
		if inLabel || fors[attr(n, "id")] && attr(n, "id") != "" || strings.TrimSpace(attr(n, "aria-label")) != "" || attr(n, "aria-labelledby") != "" {
			return
		}
		out = append(out, "<"+n.Data+` name="`+attr(n, "name")+`">`)
	}, false)
	return out
}

// text is what a page says to the eye: its text, without its tags, attributes,
// scripts, and the data it shows as logged (pre, code).
func text(page string) string {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return ""
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "pre", "code", "script", "style", "textarea", "title":
				return
			}
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(doc)
	return b.String()
}

// unsaid lists a page's fields that a person types in (not hidden, a box to tick, a
// file) without an autocomplete attribute: each says what the browser may fill in, the
// person's own sign-in name, password or one-time code, or "off" for what is not the
// person's (another organization's name or address, another user's, an amount, an id),
// which the browser would otherwise fill with the person's own name and address.
func unsaid(page string) []string {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "input" || n.Data == "textarea") {
			typ, name, said := "", "", false
			for _, a := range n.Attr {
				switch a.Key {
				case "type":
					typ = a.Val
				case "name":
					name = a.Val
				case "autocomplete":
					said = a.Val != ""
				}
			}
			if !said && !slices.Contains([]string{"hidden", "checkbox", "radio", "file", "submit", "button"}, typ) {
				out = append(out, n.Data+" "+name)
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(doc)
	return out
}

// place is the page a path is, less its list's filters and cursors, which show the
// same page filtered or further on: /scorecard?org=tier2 is a page of its own,
// /invoices?status=matched&after=x the invoices.
func place(path string) string {
	u, err := url.Parse(path)
	if err != nil {
		return path
	}
	q := u.Query()
	for k := range q {
		if k == "status" || k == "waiting" || k == "counterparty" || k == "number" || k == "from" || k == "to" || strings.HasSuffix(k, "after") {
			q.Del(k)
		}
	}
	return addressOf(u.Path, q)
}

// headings are a page's title and the text of each of its h1s, spaces folded.
func headings(page string) (title string, h1 []string) {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return "", nil
	}
	var words func(n *html.Node) string
	words = func(n *html.Node) string {
		if n.Type == html.TextNode {
			return n.Data
		}
		var b strings.Builder
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			b.WriteString(words(ch))
		}
		return b.String()
	}
	var walk func(n *html.Node, inSVG bool)
	walk = func(n *html.Node, inSVG bool) {
		if n.Type == html.ElementNode {
			switch {
			case n.Data == "svg":
				inSVG = true
			case n.Data == "title" && !inSVG && title == "":
				title = strings.Join(strings.Fields(words(n)), " ")
			case n.Data == "h1":
				h1 = append(h1, strings.Join(strings.Fields(words(n)), " "))
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch, inSVG)
		}
	}
	walk(doc, false)
	return title, h1
}

var (
	isoDate = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)
	cnyCode = regexp.MustCompile(`CNY\s*-?\d`)
)

// Every page every demo organization and the operator reach, in Chinese and in
// English: each control has a label, money is written as the language writes it
// (¥1,234.56 in Chinese, CNY 1,234.56 in English) and dates too (2027年1月29日,
// 29 Jan 2027), never as the wire's 2027-01-29.
// ambiguous lists the names that more than one of a page's buttons answers to (its
// aria-label, else its text): a person who moves from button to button, or a screen
// reader's list of them, cannot tell "Disable" of one user from another's. It lists
// too a button whose aria-label leaves out the words it shows, by which a person who
// speaks to the page names it (WCAG 2.5.3).
func ambiguous(page string) []string {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return []string{err.Error()}
	}
	seen := map[string]int{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "button" {
			name := ""
			for _, a := range n.Attr {
				if a.Key == "aria-label" {
					name = a.Val
				}
			}
			{
				var b strings.Builder
				var words func(*html.Node)
				words = func(m *html.Node) {
					if m.Type == html.TextNode {
						b.WriteString(m.Data)
					}
					for ch := m.FirstChild; ch != nil; ch = ch.NextSibling {
						words(ch)
					}
				}
				words(n)
				shown := strings.Join(strings.Fields(b.String()), " ")
				if name == "" {
					name = shown
				} else if !strings.Contains(name, shown) {
					seen["label "+name+" leaves out "+shown] += 2
				}
			}
			seen[name]++
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(doc)
	var out []string
	for name, n := range seen {
		if n > 1 {
			out = append(out, fmt.Sprintf("%q ×%d", name, n))
		}
	}
	slices.Sort(out)
	return out
}

// wordless lists the marks a page shows that say nothing to a screen reader: a ✓ or ✗
// read out as "check mark", in no element hidden from it (aria-hidden) beside the
// words it stands for.
func wordless(page string) []string {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "aria-hidden" && a.Val == "true" {
					return
				}
			}
		}
		if n.Type == html.TextNode && strings.ContainsAny(n.Data, "✓✗") {
			out = append(out, strings.TrimSpace(n.Data))
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(doc)
	return out
}

func TestEveryPageInItsLanguage(t *testing.T) {
	s := certified(t)
	s.run(&services.RequestCertificateDiscounting{Actor: "tier1", ID: "F-1", ProgramID: "auto-scf", PieceID: "C-1", FunderID: "bank"})
	s.run(&services.AcceptCertificateDiscounting{Actor: "tier1", ID: "F-1", PieceID: "C-1"})
	ecnyFixture(s)
	pages, walletPages := 0, 0
	for _, lang := range []Lang{Chinese, English} {
		for _, org := range []string{"anchor", "tier1", "tier2", "bank", "factor", "dealer", "port", ""} {
			name := "all-" + org + "-" + strings.ToLower(string(lang))
			role := linkfin.RoleAdmin
			if org == "" {
				role = linkfin.RoleOperator
			}
			if !s.users[name] {
				sealed, err := s.auth.SealPassword(name, password)
				if err != nil {
					t.Fatal(err)
				}
				s.run(&services.CreateUser{User: linkfin.User{OrgID: org, Name: name, Role: role, Language: string(lang)}, Password: sealed})
				s.users[name] = true
			}
			c := s.browser()
			if code, body := c.signIn(name, password, ""); code != http.StatusSeeOther {
				t.Fatalf("%s signing in: %d\n%s", name, code, body)
			}
			titled := map[string]string{} // a title, and the first path that had it
			crawl(t, c, name, 150, func(path, page string) {
				pages++
				// A page's title says where the person is: its heading, which names
				// the record on a record's page, so that no two pages share one.
				title, h1 := headings(page)
				if len(h1) != 1 || title != h1[0]+" · "+lang.T("app.name") {
					t.Errorf("%s: %s is titled %q, its headings %q: want one h1, and the title to be it", name, path, title, h1)
				}
				at := place(path)
				if first, ok := titled[title]; ok && first != at {
					t.Errorf("%s: %s is titled %q, as %s is", name, at, title, first)
				} else if !ok {
					titled[title] = at
				}
				if strings.HasPrefix(path, "/ecny/ew_") {
					walletPages++
				}
				for _, u := range unlabelled(page) {
					t.Errorf("%s: %s has a control without a label: %s", name, path, u)
				}
				for _, f := range unsaid(page) {
					t.Errorf("%s: %s has a field that does not say what the browser may fill in (autocomplete): %s", name, path, f)
				}
				if marks := wordless(page); len(marks) > 0 {
					t.Errorf("%s: %s shows a mark without words: %q", name, path, marks)
				}
				if same := ambiguous(page); len(same) > 0 {
					t.Errorf("%s: %s has buttons of one name: %s", name, path, strings.Join(same, ", "))
				}
				said := text(page)
				if d := isoDate.FindString(said); d != "" {
					t.Errorf("%s: %s writes the date %s as the wire does", name, path, d)
				}
				if lang == Chinese && cnyCode.MatchString(said) {
					t.Errorf("%s: %s writes yuan as %q in Chinese", name, path, cnyCode.FindString(said))
				}
				if lang == English && strings.Contains(said, "¥") {
					t.Errorf("%s: %s writes ¥ in English", name, path)
				}
			})
		}
	}
	if pages < 50 || walletPages < 6 {
		t.Fatalf("the crawl read only %d pages, %d of them e-CNY wallets'", pages, walletPages)
	}
}

// Every CSV a page offers to download, to each party: an attachment in UTF-8 that
// begins with a byte order mark, so that a spreadsheet program reads its Chinese names
// as written, and its header after it.
func TestDownloadsReadAsUTF8(t *testing.T) {
	s := certified(t)
	s.run(&services.RequestCertificateDiscounting{Actor: "tier1", ID: "F-1", ProgramID: "auto-scf", PieceID: "C-1", FunderID: "bank"})
	downloads := map[string]bool{}
	for _, org := range []string{"anchor", "tier1", "bank", "port", ""} {
		role := linkfin.RoleAdmin
		if org == "" {
			role = linkfin.RoleOperator
		}
		c := s.as(org, role)
		crawl(t, c, org, 150, func(path, page string) {
			for _, m := range links.FindAllStringSubmatch(page, -1) {
				to := strings.ReplaceAll(m[1], "&amp;", "&")
				if !strings.Contains(to, "format=csv") {
					continue
				}
				at, _, _ := strings.Cut(to, "?")
				downloads[at] = true
				resp, err := c.c.Get(c.base + to)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
					!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment; ") {
					t.Errorf("%s: %s answered %d, %s, %s", org, to, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
				}
				if body := string(b); !strings.HasPrefix(body, "\uFEFF") || strings.HasPrefix(body, "\uFEFF\uFEFF") || !regexp.MustCompile(`^\x{FEFF}[a-z_]+,`).MatchString(body) {
					t.Errorf("%s: %s does not begin with one byte order mark and its header: %q", org, to, body[:min(len(body), 40)])
				}
			}
		})
	}
	for _, want := range []string{"/invoices", "/payables", "/financings", "/orders", "/receipts", "/bank", "/alerts", "/declined", "/conditional-payments", "/programs/auto-scf/disclosure"} {
		if !downloads[want] {
			t.Errorf("no page offered %s as CSV", want)
		}
	}
}

// No template formats a time with a layout of its own (2006-01-02, 15:04): an instant
// is shown through when (or moment, day), as the language writes its day, in China
// Standard Time and saying so. A date written as the wire writes it in a page that no
// crawl reaches (a conditional payment's moves) is caught here.
func TestTemplatesFormatNoTime(t *testing.T) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil || len(names) == 0 {
		t.Fatal(names, err)
	}
	for _, name := range names {
		b, _ := fs.ReadFile(templateFS, name)
		for _, m := range regexp.MustCompile(`\.Format\s+"[^"]*"`).FindAllString(string(b), -1) {
			t.Errorf("%s formats a time itself: %s", name, m)
		}
	}
}
