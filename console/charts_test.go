package console

import (
	"context"
	"html"
	"html/template"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// disbursed is the site with tier1's piece C-1 financed by the bank and paid out.
func disbursed(t *testing.T) *site {
	s := accepted(t)
	s.run(&services.DisburseFinancing{Actor: "bank", ID: "F-1"})
	return s
}

// exposureOf is the exposure report's row of the anchor as the organization sees it.
func (s *site) exposureOf(org string) linkfin.Exposure {
	s.t.Helper()
	rows, err := services.ExposureFor(context.Background(), s.store, linkfin.Viewer{Org: org})
	if err != nil {
		s.t.Fatal(err)
	}
	for _, r := range rows {
		if r.AnchorID == "anchor" && r.Currency == "CNY" {
			return r
		}
	}
	s.t.Fatalf("%s sees no exposure to the anchor: %+v", org, rows)
	return linkfin.Exposure{}
}

// field is the text of the element with the id on a page.
func field(page, id string) string {
	_, rest, ok := strings.Cut(page, `id="`+id+`"`)
	if !ok {
		return ""
	}
	_, rest, _ = strings.Cut(rest, ">")
	text, _, _ := strings.Cut(rest, "<")
	return text
}

// An anchor's program usage: the limit, what is used, and that by funder, tier and
// product, as services computes them; a funder sees its own part; a member of the
// program or a stranger sees nothing of it.
func TestProgramUsage(t *testing.T) {
	s := disbursed(t)
	whole := s.exposureOf("anchor")
	if whole.ByFunder["bank"] == 0 {
		t.Fatalf("the bank's financing is not in the exposure: %+v", whole)
	}
	anchor := s.as("anchor", linkfin.RoleViewer)
	for _, path := range []string{"/programs", "/programs/auto-scf"} {
		code, page := anchor.get(path)
		if code != http.StatusOK {
			t.Fatalf("%s: %d\n%s", path, code, page)
		}
		if got, want := field(page, "limit-auto-scf"), Money(English, "CNY", 50_000_000_00); got != want {
			t.Errorf("%s: the limit is %q, want %q", path, got, want)
		}
		if got, want := field(page, "used-auto-scf"), Money(English, "CNY", whole.Total)+" · "+English.T("programs.financings", whole.Count); got != want {
			t.Errorf("%s: used is %q, want %q", path, got, want)
		}
		if got, want := field(page, "available-auto-scf"), Money(English, "CNY", 50_000_000_00-whole.Total); got != want {
			t.Errorf("%s: available is %q, want %q", path, got, want)
		}
		// Each breakdown as a chart (titled, labelled) and a table of the same numbers.
		for _, title := range []string{English.T("chart.by_funder", "anchor", "CNY"), English.T("chart.by_tier", "anchor", "CNY"), English.T("chart.by_product", "anchor", "CNY")} {
			if !strings.Contains(page, `aria-label="`+title+`"><title>`+title+`</title>`) {
				t.Errorf("%s: no chart %q", path, title)
			}
		}
		for funder, v := range whole.ByFunder {
			if !strings.Contains(page, `<th scope="row">`+funder+`</th><td class="num">`+Money(English, "CNY", v)+`</td>`) {
				t.Errorf("%s: %s's %s is not in a table", path, funder, Money(English, "CNY", v))
			}
		}
		for tier, v := range whole.ByTier {
			if !strings.Contains(page, `<th scope="row">`+tierName(English)(tier)+`</th><td class="num">`+Money(English, "CNY", v)+`</td>`) {
				t.Errorf("%s: tier %s's %s is not in a table", path, tier, Money(English, "CNY", v))
			}
		}
		for product, v := range whole.ByProduct {
			if !strings.Contains(page, `<th scope="row">`+English.T("product."+product)+`</th><td class="num">`+Money(English, "CNY", v)+`</td>`) {
				t.Errorf("%s: %s's %s is not in a table", path, product, Money(English, "CNY", v))
			}
		}
	}
	// A funder whose fund capability the operator withdrew is not live: the anchor's
	// page says so of it, as the API marks it idle; granted again, it is live again.
	idle := template.HTMLEscapeString(English.T("programs.idle", "bank"))
	if _, page := anchor.get("/programs/auto-scf"); strings.Contains(page, idle) {
		t.Fatalf("the bank does not fund now, before its capability is withdrawn:\n%s", page)
	}
	s.run(&services.SetCapabilities{OrgID: "bank", Capabilities: []linkfin.Capability{linkfin.CapTrade}})
	if _, page := anchor.get("/programs/auto-scf"); !strings.Contains(page, idle) {
		t.Fatalf("the anchor's page does not say the bank does not fund now:\n%s", page)
	}
	s.run(&services.SetCapabilities{OrgID: "bank", Capabilities: []linkfin.Capability{linkfin.CapFund}})
	if _, page := anchor.get("/programs/auto-scf"); strings.Contains(page, idle) {
		t.Fatalf("the bank does not fund now, once granted again:\n%s", page)
	}
	// The bank sees its own limit and its own part alone.
	own := s.exposureOf("bank")
	_, page := s.as("bank", linkfin.RoleViewer).get("/programs/auto-scf")
	if got, want := field(page, "limit-auto-scf"), Money(English, "CNY", 30_000_000_00); got != want {
		t.Errorf("the bank's limit is %q, want %q", got, want)
	}
	if got := field(page, "used-auto-scf"); !strings.HasPrefix(got, Money(English, "CNY", own.Total)+" ") {
		t.Errorf("the bank's used is %q, want %s", got, Money(English, "CNY", own.Total))
	}
	if strings.Contains(page, `<th scope="row">factor</th><td class="num">`) {
		t.Errorf("the bank sees the factor's part:\n%s", page)
	}
	// A member of the program (a supplier) and a stranger: not found, and no list.
	s.run(&services.CreateOrganization{Org: linkfin.Organization{ID: "outsider", Name: "Outsider Trading", Capabilities: []linkfin.Capability{linkfin.CapTrade, linkfin.CapFund}}})
	for _, org := range []string{"tier1", "outsider"} {
		c := s.as(org, linkfin.RoleAdmin)
		if code, _ := c.get("/programs/auto-scf"); code != http.StatusNotFound {
			t.Errorf("%s reads the program's usage: %d", org, code)
		}
		// A supplier has no programs section; a funder of none sees none of this one.
		want := map[string]int{"tier1": http.StatusNotFound, "outsider": http.StatusOK}[org]
		if code, page := c.get("/programs"); code != want || strings.Contains(page, "auto-scf") {
			t.Errorf("%s's programs: %d, want %d\n%s", org, code, want, page)
		}
	}
}

// A funder's portfolio: its own outstanding by anchor, tier and product, as services
// computes it, and its overdue financings once past maturity; another funder sees
// nothing of it.
func TestFunderExposure(t *testing.T) {
	s := disbursed(t)
	own := s.exposureOf("bank")
	bank := s.as("bank", linkfin.RoleViewer)
	code, page := bank.get("/exposure")
	if code != http.StatusOK {
		t.Fatalf("/exposure: %d\n%s", code, page)
	}
	if got, want := field(page, "exposure-anchor-CNY"), English.T("exposure.total", Money(English, "CNY", own.Total), own.Count); got != want {
		t.Errorf("the bank's exposure is %q, want %q", got, want)
	}
	for tier, v := range own.ByTier {
		if !strings.Contains(page, `<th scope="row">`+tierName(English)(tier)+`</th><td class="num">`+Money(English, "CNY", v)+`</td>`) {
			t.Errorf("tier %s's %s is not in a table", tier, Money(English, "CNY", v))
		}
	}
	if strings.Contains(page, `<th scope="row">factor</th>`) || strings.Contains(page, "/financings/F-1") {
		t.Errorf("the bank sees another's part, or F-1 overdue before its maturity:\n%s", page)
	}
	if !strings.Contains(page, `href="/financings?status=defaulted"`) {
		t.Errorf("no link to the defaulted financings:\n%s", page)
	}
	// The factor's own part does not hold the bank's financing.
	if _, page := s.as("factor", linkfin.RoleViewer).get("/exposure"); strings.Contains(page, "F-1") || strings.Contains(page, `<th scope="row">bank</th>`) {
		t.Errorf("the factor sees the bank's financing:\n%s", page)
	}
	// Past its maturity and not repaid, F-1 is overdue.
	c1 := s.piece("C-1")
	s.clock.Advance(c1.Maturity.Time(time.UTC).Sub(s.clock.Now()) + 48*time.Hour)
	_, page = s.as("bank", linkfin.RoleViewer).get("/exposure")
	if !strings.Contains(page, `<a href="/financings/F-1">F-1</a>`) {
		t.Errorf("F-1 is not overdue past its maturity:\n%s", page)
	}
}

// The anchor's maturity calendar sets its available cash against what is due.
func TestMaturityCash(t *testing.T) {
	s := certified(t)
	var cash int64
	accounts, err := services.ListAccounts(context.Background(), s.e, linkfin.Viewer{Org: "anchor"}, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accounts {
		if services.IsWallet("anchor", &a) && a.Currency == "CNY" {
			cash = int64(a.CreditsPosted) - int64(a.DebitsPosted) - int64(a.DebitsPending)
		}
	}
	_, page := s.as("anchor", linkfin.RoleViewer).get("/settlements")
	if got, want := field(page, "cash-CNY"), English.T("settlements.cash", Money(English, "CNY", cash)); got != want {
		t.Errorf("the anchor's cash is %q, want %q\n%s", got, want, page)
	}
	if !strings.Contains(page, `<td class="num">`+Money(English, "CNY", cash-100_000_00)) {
		t.Errorf("no cash left of %s once C-1 is paid:\n%s", Money(English, "CNY", cash-100_000_00), page)
	}
}

// Where what falls due outruns the anchor's cash, the calendar says from which day.
func TestMaturityCashShort(t *testing.T) {
	s := newSite(t)
	c := New(s.store, s.e, s.auth, nil)
	_, page := s.as("anchor", linkfin.RoleViewer).get("/settlements")
	cash := field(page, "cash-CNY")
	p := &Person{Viewer: linkfin.Viewer{Org: "anchor"}, Role: linkfin.RoleViewer}
	wallets, err := c.wallets(context.Background(), p)
	if err != nil || len(wallets) != 1 || cash != English.T("settlements.cash", Money(English, "CNY", wallets[0].Available)) {
		t.Fatalf("the anchor's wallets %+v (%v); the page says %q", wallets, err, cash)
	}
	have := wallets[0].Available
	v := &settlementsView{Rows: []maturityRow{{Currency: "CNY", Due: have - 1}, {Currency: "CNY", Due: 1}, {Currency: "CNY", Due: 1}}}
	if err := c.cashAgainst(context.Background(), p, v); err != nil {
		t.Fatal(err)
	}
	for i, want := range []struct {
		left  int64
		short bool
	}{{1, false}, {0, false}, {-1, true}} {
		if v.Rows[i].Left != want.left || v.Rows[i].Short != want.short {
			t.Errorf("day %d: left %d short %v, want %d %v", i, v.Rows[i].Left, v.Rows[i].Short, want.left, want.short)
		}
	}
}

// The exposure report sums an anchor's programs in a currency: where the anchor has
// two, each program's page says that what is used counts the other's too.
func TestProgramUsageShared(t *testing.T) {
	s := disbursed(t)
	advance, _ := linkfin.ParseRate("0.8")
	s.run(&services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: "aftermarket", Name: "Aftermarket parts",
		Currency: "CNY", Limit: 10_000_000_00, MaxTenorDays: 90, AdvanceRate: advance, DayCount: linkfin.ACT360, Calendar: "CN",
		Products: []linkfin.Product{linkfin.ProductCertificateDiscounting}}})
	_, page := s.as("anchor", linkfin.RoleViewer).get("/programs/aftermarket")
	if !strings.Contains(page, template.HTMLEscapeString(English.T("programs.shared"))) || !strings.Contains(page, `href="/programs/auto-scf"`) {
		t.Errorf("the page does not say what is used counts auto-scf too:\n%s", page)
	}
	if got, want := field(page, "used-aftermarket"), Money(English, "CNY", s.exposureOf("anchor").Total); !strings.HasPrefix(got, want+" ") {
		t.Errorf("used is %q, want %s", got, want)
	}
}

// A funder's desk: what it holds — the pieces it paid for, on its home page, and its
// portfolio of financings paid out — then, past maturity, the financing overdue on its
// exposure page, beside links to its defaulted and recourse financings' lists.
func TestFunderHoldingsAndTrouble(t *testing.T) {
	s := disbursed(t)
	bank := s.as("bank", linkfin.RoleViewer)
	if _, home := bank.get("/"); !strings.Contains(home, `<a href="/pieces/C-1">C-1</a>`) {
		t.Fatalf("the bank's home does not show the piece it holds:\n%s", home)
	}
	if _, page := bank.get("/financings?status=disbursed"); !strings.Contains(page, `href="/financings/F-1"`) {
		t.Fatalf("the bank's portfolio lacks F-1:\n%s", page)
	}
	if _, page := bank.get("/financings?status=defaulted"); strings.Contains(page, `href="/financings/F-1"`) {
		t.Fatalf("F-1 is listed defaulted:\n%s", page)
	}
	c1 := s.piece("C-1")
	s.clock.Advance(c1.Maturity.Time(time.UTC).Sub(s.clock.Now()) + 48*time.Hour)
	bank = s.as("bank", linkfin.RoleViewer)
	_, page := bank.get("/exposure")
	for _, want := range []string{`<a href="/financings/F-1">F-1</a>`, `href="/financings?status=defaulted"`, `href="/financings?status=recourse"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the exposure page lacks %s:\n%s", want, page)
		}
	}
	if _, page := s.as("factor", linkfin.RoleViewer).get("/exposure"); strings.Contains(page, "F-1") {
		t.Errorf("another funder sees F-1 overdue:\n%s", page)
	}
}

// A maturity in a year whose holidays its program's China calendar has not loaded says
// so: it followed the weekend rule alone. A year with them, or a weekend-only program,
// says nothing. (2097: no test loads it.)
func TestMaturityUnconfirmed(t *testing.T) {
	day := func(y int) services.DueDay {
		return services.DueDay{ProgramID: "auto-scf", Date: linkfin.NewDate(y, time.March, 1), Currency: "CNY", Due: 100, Pieces: 1}
	}
	calendar := func(name string) *linkfin.Calendar {
		c, err := linkfin.SharedCalendar(name)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, c := range []struct {
		year int
		cal  string
		want bool
	}{{2097, "CN", true}, {2026, "CN", false}, {2097, "WEEKEND", false}} {
		if got := rowOf(day(c.year), calendar(c.cal)).Unconfirmed; got != c.want {
			t.Errorf("%d, calendar %s: unconfirmed %v, want %v", c.year, c.cal, got, c.want)
		}
	}
	s := newSite(t)
	c := New(s.store, s.e, s.auth, nil)
	for _, lang := range []Lang{English, Chinese} {
		p := &Person{Viewer: linkfin.Viewer{Operator: true}, Role: linkfin.RoleViewer, Lang: lang}
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/settlements", nil)
		c.render(w, r, http.StatusOK, "settlements", "settlements.title", p, &settlementsView{Rows: []maturityRow{rowOf(day(2097), calendar("CN")), rowOf(day(2026), calendar("CN"))}}, "")
		page := w.Body.String()
		if n := strings.Count(page, html.EscapeString(lang.T("settlements.unconfirmed", 2097))); n != 1 {
			t.Errorf("%v: the warning is on %d rows, want 1:\n%s", lang, n, page)
		}
	}
}
