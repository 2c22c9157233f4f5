package console

import (
	"cmp"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"linkfin"
	"linkfin/services"
)

func init() { pageNames = append(pageNames, "programs", "exposure") }

// bar is one row of a bar chart: an amount, and what it is measured against (a limit;
// 0 for none).
type bar struct {
	Label string
	Value int64
	Of    int64
}

// barChart is a chart of amounts in one currency: the figure, and the table that
// repeats its numbers.
type barChart struct {
	Title    string
	Currency linkfin.Currency
	Bars     []bar
	HTML     template.HTML // "" when there is nothing to draw
}

// chart draws amounts of a currency as horizontal bars, as SVG drawn here (no script,
// no library): each bar's label on the left, its amount after it, and where a bar is
// measured against a limit, the limit as the track the bar fills. Lengths are scaled
// to the largest amount or limit; the amounts themselves are formatted from their
// minor units. The chart has a title and its own label; each bar says its numbers;
// a table below repeats them.
func chart(l Lang, title string, cur linkfin.Currency, bars []bar) barChart {
	const width, row, labelW, gap = 640.0, 28.0, 150.0, 6.0
	out := barChart{Title: title, Currency: cur, Bars: bars}
	if len(bars) == 0 {
		return out
	}
	var scale int64
	limited := false
	for _, b := range bars {
		scale = max(scale, b.Value, b.Of)
		limited = limited || b.Of > 0
	}
	if scale == 0 {
		scale = 1
	}
	// The bars take what the labels and the amounts written after them leave.
	span := width - labelW - 2*gap - 190
	// A bar of any amount above zero shows, however small beside the scale.
	length := func(v int64) float64 {
		if v <= 0 {
			return 0
		}
		return max(span*float64(v)/float64(scale), 2)
	}
	height := row*float64(len(bars)) + 2*gap
	esc := template.HTMLEscapeString
	var s strings.Builder
	fmt.Fprintf(&s, `<figure class="chart"><figcaption>%s</figcaption>`, esc(title))
	fmt.Fprintf(&s, `<svg class="chart bars" role="img" viewBox="0 0 %g %g" aria-label="%s"><title>%s</title>`, width, height, esc(title), esc(title))
	for i, b := range bars {
		y := gap + row*float64(i)
		what := b.Label + ": " + Money(l, cur, b.Value)
		if b.Of > 0 {
			what = b.Label + ": " + l.T("chart.of", Money(l, cur, b.Value), Money(l, cur, b.Of))
		}
		fmt.Fprintf(&s, `<g class="bar"><title>%s</title>`, esc(what))
		fmt.Fprintf(&s, `<text x="%g" y="%g" text-anchor="end">%s</text>`, labelW, y+row/2+4, esc(b.Label))
		if b.Of > 0 {
			fmt.Fprintf(&s, `<rect class="limit" x="%g" y="%g" width="%.1f" height="%g"/>`, labelW+gap, y+4, length(b.Of), row-8)
		}
		class := "used"
		if b.Of > 0 && b.Value > b.Of {
			class = "used over"
		}
		fmt.Fprintf(&s, `<rect class="%s" x="%g" y="%g" width="%.1f" height="%g"/>`, class, labelW+gap, y+4, length(b.Value), row-8)
		end := labelW + gap + max(length(b.Value), length(b.Of))
		fmt.Fprintf(&s, `<text x="%.1f" y="%g">%s</text></g>`, end+gap, y+row/2+4, esc(Money(l, cur, b.Value)))
	}
	s.WriteString(`</svg></figure>`)
	// The same numbers, as a table.
	fmt.Fprintf(&s, `<table><caption class="sr">%s</caption><thead><tr><th scope="col"></th><th scope="col" class="num">%s</th>`, esc(title), esc(l.T("chart.amount")))
	if limited {
		fmt.Fprintf(&s, `<th scope="col" class="num">%s</th>`, esc(l.T("chart.limit")))
	}
	s.WriteString(`</tr></thead><tbody>`)
	for _, b := range bars {
		class := ""
		if b.Of > 0 && b.Value > b.Of {
			class = ` class="bad"`
		}
		fmt.Fprintf(&s, `<tr%s><th scope="row">%s</th><td class="num">%s</td>`, class, esc(b.Label), esc(Money(l, cur, b.Value)))
		if limited {
			lim := ""
			if b.Of > 0 {
				lim = Money(l, cur, b.Of)
			}
			fmt.Fprintf(&s, `<td class="num">%s</td>`, esc(lim))
		}
		s.WriteString(`</tr>`)
	}
	s.WriteString(`</tbody></table>`)
	out.HTML = template.HTML(s.String())
	return out
}

// barsOf are the amounts of a breakdown (by funder, tier or product), largest first,
// each named in words.
func barsOf(m map[string]int64, name func(string) string) []bar {
	out := make([]bar, 0, len(m))
	for k, v := range m {
		out = append(out, bar{Label: name(k), Value: v})
	}
	slices.SortFunc(out, func(a, b bar) int { return cmp.Or(cmp.Compare(b.Value, a.Value), strings.Compare(a.Label, b.Label)) })
	return out
}

// tierName is a tier of the exposure report in words: a supplier's tier, the
// distributors (downstream), or unknown.
func tierName(l Lang) func(string) string {
	return func(k string) string {
		switch k {
		case "distributors":
			return l.T("chart.distributors")
		case "unknown":
			return l.T("chart.tier_unknown")
		}
		return l.T("chart.tier", k)
	}
}

// productName is a product in words.
func productName(l Lang) func(string) string {
	return func(k string) string {
		if _, ok := messages["product."+k]; ok {
			return l.T("product." + k)
		}
		return k
	}
}

// breakdown is an exposure row drawn: by funder, by tier and by product.
func breakdown(l Lang, e linkfin.Exposure) []barChart {
	self := func(k string) string { return k }
	return []barChart{
		chart(l, l.T("chart.by_funder", e.AnchorID, e.Currency), e.Currency, barsOf(e.ByFunder, self)),
		chart(l, l.T("chart.by_tier", e.AnchorID, e.Currency), e.Currency, barsOf(e.ByTier, tierName(l))),
		chart(l, l.T("chart.by_product", e.AnchorID, e.Currency), e.Currency, barsOf(e.ByProduct, productName(l))),
	}
}

// usage is a program's limit and what is used of it, as the viewer may see them.
type usage struct {
	P linkfin.Program
	// Limit is the program's limit, or for a funder, its own part of it.
	Limit, Used, Available int64
	Count                  int
	// Own: the viewer is one of the program's funders, and sees its own part alone.
	Own bool
	// Shared names the anchor's other programs in the currency: the exposure report
	// sums what is outstanding per anchor and currency, so Used counts theirs too.
	Shared []string
	Limits barChart   // used against the limit, and each funder's against its own
	Charts []barChart // by funder, tier and product
}

// programsView is the programs the viewer anchors or funds (every one, for the
// operator), each with its usage.
type programsView struct {
	Programs []usage
	One      bool // the page of one program
}

// programs shows the usage of every program the organization anchors or funds: its
// limit, what is used — the face of its disbursed financings, outstanding — and that
// by funder, tier and product. What is used comes from the exposure report as the
// viewer may see it (services.ExposureFor): an anchor its programs whole, a funder
// its own part. The limit accounts of the ledger are not the anchor's to read.
func (c *Console) programs(w http.ResponseWriter, r *http.Request, p *Person) {
	all, err := c.allPrograms(r, p)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	var progs []linkfin.Program
	for _, pr := range all {
		if p.Viewer.Operator || slices.Contains(pr.Parties(), p.Viewer.Org) {
			progs = append(progs, pr)
		}
	}
	v, err := c.usages(r, p, progs, progs)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.render(w, r, http.StatusOK, "programs", "programs.title", p, v, "")
}

// program is one program's usage, to its anchor, its funders and the operator; to
// anyone else it is not found.
func (c *Console) program(w http.ResponseWriter, r *http.Request, p *Person) {
	id := r.PathValue("id")
	raw, err := services.Program(r.Context(), c.Store, p.Viewer, id)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	var pr linkfin.Program
	if err := json.Unmarshal(raw, &pr); err != nil {
		c.fail(w, r, p, err)
		return
	}
	if !p.Viewer.Operator && !slices.Contains(pr.Parties(), p.Viewer.Org) {
		// A member sees the program's terms (the API's view), not its usage.
		c.fail(w, r, p, linkfin.Errorf(linkfin.ENOTFOUND, "program %s not found", id))
		return
	}
	// The anchor's other programs tell whether its exposure is this program's alone.
	siblings, err := c.allPrograms(r, p)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	v, err := c.usages(r, p, []linkfin.Program{pr}, siblings)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	v.One = true
	c.render(w, r, http.StatusOK, "programs", "programs.title", p, v, "")
}

// usages draws each program's usage from the exposure report as the viewer sees it.
func (c *Console) usages(r *http.Request, p *Person, progs, all []linkfin.Program) (*programsView, error) {
	rows, err := services.ExposureFor(r.Context(), c.Store, p.Viewer)
	if err != nil {
		return nil, err
	}
	l := langFor(r, p)
	v := &programsView{}
	for _, pr := range progs {
		u := usage{P: pr, Limit: pr.Limit}
		var e linkfin.Exposure
		for _, row := range rows {
			if row.AnchorID == pr.AnchorID && row.Currency == pr.Currency {
				e = row
			}
		}
		e.AnchorID, e.Currency = pr.AnchorID, pr.Currency
		u.Used, u.Count = e.Total, e.Count
		for _, o := range all {
			if o.ID != pr.ID && o.AnchorID == pr.AnchorID && o.Currency == pr.Currency {
				u.Shared = append(u.Shared, o.ID)
			}
		}
		var limits []bar
		if f := pr.Funder(p.Viewer.Org); f != nil && !p.Viewer.Operator && pr.AnchorID != p.Viewer.Org {
			u.Own, u.Limit = true, f.Limit
			limits = append(limits, bar{Label: f.FunderID, Value: e.ByFunder[f.FunderID], Of: f.Limit})
		} else {
			limits = append(limits, bar{Label: l.T("programs.whole"), Value: e.Total, Of: pr.Limit})
			for _, f := range pr.Funders {
				label := f.FunderID
				if f.Idle {
					label = l.T("programs.idle", f.FunderID) // not live: the operator withdrew its fund capability
				}
				limits = append(limits, bar{Label: label, Value: e.ByFunder[f.FunderID], Of: f.Limit})
			}
		}
		if u.Available, err = linkfin.Sub(u.Limit, u.Used); err != nil {
			return nil, err
		}
		u.Limits = chart(l, l.T("programs.chart", pr.Name, pr.Currency), pr.Currency, limits)
		u.Charts = breakdown(l, e)
		v.Programs = append(v.Programs, u)
	}
	return v, nil
}

// troubled is a financing that is not being repaid as agreed.
type troubled struct {
	F   linkfin.Financing
	Due linkfin.Date
}

// exposureView is a funder's (or an anchor's, or the operator's) exposure, drawn, and
// the financings that are overdue, defaulted or otherwise in trouble.
type exposureView struct {
	Rows []exposureRow
	// Overdue are disbursed financings past their maturity, not yet repaid.
	Overdue []troubled
	// Statuses are the financings' states that mean trouble, with how many are in each.
	Statuses []statusCount
}

type exposureRow struct {
	linkfin.Exposure
	Charts []barChart
}

type statusCount struct {
	Status linkfin.FinancingStatus
	Count  int
}

// maxOverdue bounds the overdue financings the exposure page lists.
const maxOverdue = 100

// exposure shows what the organization has outstanding, by anchor, tier and product,
// as the exposure report gives it to the viewer (services.ExposureFor): a funder its
// own part alone, an anchor what its programs owe, the operator all. Beside it, the
// organization's financings overdue, and how many are defaulted, in recourse or
// bought back, each linked to its list.
func (c *Console) exposure(w http.ResponseWriter, r *http.Request, p *Person) {
	rows, err := services.ExposureFor(r.Context(), c.Store, p.Viewer)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	l := langFor(r, p)
	v := exposureView{}
	for _, e := range rows {
		v.Rows = append(v.Rows, exposureRow{Exposure: e, Charts: breakdown(l, e)})
	}
	// The financings overdue, the earliest due first, and how many are in trouble:
	// read from the index of financings by party, status and due date.
	overdue, err := services.FinancingsDue(r.Context(), c.Store, p.Viewer, linkfin.FinancingDisbursed, linkfin.BusinessDate(c.now()), maxOverdue)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	for _, f := range overdue {
		v.Overdue = append(v.Overdue, troubled{F: f, Due: linkfin.FinancingDue(&f)})
	}
	for _, st := range []linkfin.FinancingStatus{linkfin.FinancingRecourse, linkfin.FinancingDefaulted, linkfin.FinancingBoughtBack} {
		n, err := services.CountFinancings(r.Context(), c.Store, p.Viewer, st)
		if err != nil {
			c.fail(w, r, p, err)
			return
		}
		v.Statuses = append(v.Statuses, statusCount{Status: st, Count: int(n)})
	}
	c.render(w, r, http.StatusOK, "exposure", "exposure.title", p, v, "")
}

// allPrograms reads every program the person sees, each as it may see it
// (services.ListPrograms).
func (c *Console) allPrograms(r *http.Request, p *Person) ([]linkfin.Program, error) {
	var out []linkfin.Program
	for after := ""; ; {
		page, err := services.ListPrograms(r.Context(), c.Store, p.Viewer, services.Filter{}, after, 1000)
		if err != nil {
			return nil, err
		}
		for _, raw := range page.Data {
			var pr linkfin.Program
			if err := json.Unmarshal(raw, &pr); err != nil {
				return nil, err
			}
			out = append(out, pr)
		}
		if page.NextCursor == "" {
			return out, nil
		}
		after = page.NextCursor
	}
}
