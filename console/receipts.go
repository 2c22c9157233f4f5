package console

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"linkfin"
	"linkfin/services"
)

func init() { pageNames = append(pageNames, "receipts", "receipt") }

// receipts lists the warehouse receipts the organization is party to — a warehouse's
// of the lots it holds, an owner's of its goods, a funder's of what it financed — by
// status; as CSV with format=csv.
func (c *Console) receipts(w http.ResponseWriter, r *http.Request, p *Person) {
	if v, ok := listOf[linkfin.WarehouseReceipt](c, w, r, p, linkfin.KindWarehouseReceipt, "receipts", linkfin.ReceiptIssued, linkfin.ReceiptPledged, linkfin.ReceiptFrozen); ok {
		c.render(w, r, http.StatusOK, "receipts", "receipts.title", p, v, "")
	}
}

// count is one quantity the receipt's history records: at its issue, and each time
// the warehouse counted the lot.
type count struct {
	Time     int64 // Unix ns
	Observed int64
	Froze    bool // this count froze the loan the receipt backs
	Status   linkfin.ReceiptStatus
	Reading  *linkfin.Reading // the signed reading of the count, none at issue
}

// receiptView is a receipt with its counts over time, and what the person may do.
type receiptView struct {
	R       linkfin.WarehouseReceipt
	Counts  []count
	Chart   template.HTML
	Counter bool // the person's organization is the warehouse, whose devices count the lot
	History history
}

// maxCounts bounds the counts a receipt's chart draws (the latest are drawn).
const maxCounts = 2000

func (c *Console) receipt(w http.ResponseWriter, r *http.Request, p *Person) {
	var wr linkfin.WarehouseReceipt
	if err := services.ReadAs(r.Context(), c.Store, p.Viewer, linkfin.KindWarehouseReceipt, r.PathValue("id"), &wr); err != nil {
		c.fail(w, r, p, err)
		return
	}
	v := receiptView{R: wr, Counter: p.Viewer.Org == wr.WarehouseID}
	// The counts, from the receipt's history: each version's observed quantity.
	prev := linkfin.ReceiptStatus("")
	for after := int64(-1); ; {
		evs, next, err := services.History(r.Context(), c.Store, p.Viewer, linkfin.KindWarehouseReceipt, wr.ID, after, 500)
		if err != nil {
			c.fail(w, r, p, err)
			return
		}
		for _, e := range evs {
			var ver linkfin.WarehouseReceipt
			if err := json.Unmarshal(e.Data, &ver); err != nil {
				c.fail(w, r, p, err)
				return
			}
			if what := strings.TrimPrefix(e.Type, linkfin.KindWarehouseReceipt+"."); what == "issued" || what == "counted" {
				v.Counts = append(v.Counts, count{Time: e.Time, Observed: ver.Observed, Status: ver.Status, Reading: ver.Reading,
					Froze: ver.Status == linkfin.ReceiptFrozen && prev != linkfin.ReceiptFrozen})
			}
			prev = ver.Status
		}
		if next == "" {
			break
		}
		after, _ = strconv.ParseInt(next, 10, 64)
	}
	if len(v.Counts) > maxCounts {
		v.Counts = v.Counts[len(v.Counts)-maxCounts:]
	}
	l := langFor(r, p)
	v.Chart = countChart(l, wr, v.Counts)
	var err error
	if v.History, err = c.history(r.Context(), r, p, linkfin.KindWarehouseReceipt, wr.ID); err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.render(w, r, http.StatusOK, "receipt", "receipt.title", p, v, "")
}

// countChart draws a receipt's counts over time against its pledged quantity, as SVG
// drawn here (no script, no library): the counts as a line, the receipt's quantity as
// a dashed line, each count that froze the loan marked, and the axes labelled. Times
// are spread by their instants, or evenly when they are one instant.
func countChart(l Lang, wr linkfin.WarehouseReceipt, counts []count) template.HTML {
	const width, height, left, right, top, bottom = 640.0, 240.0, 56.0, 16.0, 16.0, 32.0
	if len(counts) == 0 {
		return ""
	}
	peak := wr.Quantity
	for _, c := range counts {
		peak = max(peak, c.Observed)
	}
	ymax := float64(peak) * 1.1
	if ymax == 0 {
		ymax = 1
	}
	first, last := counts[0].Time, counts[len(counts)-1].Time
	x := func(i int) float64 {
		if len(counts) == 1 {
			return left + (width-left-right)/2
		}
		if last > first {
			return left + (width-left-right)*float64(counts[i].Time-first)/float64(last-first)
		}
		return left + (width-left-right)*float64(i)/float64(len(counts)-1)
	}
	y := func(q int64) float64 { return top + (height-top-bottom)*(1-float64(q)/ymax) }
	esc := template.HTMLEscapeString
	label := l.T("receipt.chart", wr.Commodity, wr.Quantity, wr.Unit)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" viewBox="0 0 %g %g" aria-label="%s"><title>%s</title>`, width, height, esc(label), esc(label))
	// Axes, and their labels: the quantity on the left, the first and last count's dates below.
	fmt.Fprintf(&b, `<g class="axis"><line x1="%g" y1="%g" x2="%g" y2="%g"/><line x1="%g" y1="%g" x2="%g" y2="%g"/>`,
		left, top, left, height-bottom, left, height-bottom, width-right, height-bottom)
	fmt.Fprintf(&b, `<text x="%g" y="%g" text-anchor="end">0</text>`, left-6, height-bottom+4)
	fmt.Fprintf(&b, `<text x="%g" y="%g" text-anchor="start">%s</text>`, left, height-8, esc(Moment(l, timeOf(first))))
	if last != first {
		fmt.Fprintf(&b, `<text x="%g" y="%g" text-anchor="end">%s</text>`, width-right, height-8, esc(Moment(l, timeOf(last))))
	}
	if peak != wr.Quantity {
		fmt.Fprintf(&b, `<text x="%g" y="%.1f" text-anchor="end">%d</text>`, left-6, y(peak)+4, peak)
	}
	b.WriteString(`</g>`)
	// The pledged quantity.
	py := y(wr.Quantity)
	fmt.Fprintf(&b, `<g class="pledged"><line x1="%g" y1="%.1f" x2="%g" y2="%.1f"/><text x="%g" y="%.1f" text-anchor="end">%d %s</text><text x="%g" y="%.1f">%s</text></g>`,
		left, py, width-right, py, left-6, py+4, wr.Quantity, esc(wr.Unit), left+6, py-6, esc(l.T("receipt.pledged_line")))
	// The counts.
	var pts []string
	for i, c := range counts {
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(c.Observed)))
	}
	fmt.Fprintf(&b, `<polyline class="counts" points="%s"/>`, strings.Join(pts, " "))
	for i, c := range counts {
		what := l.T("receipt.counted_at", c.Observed, wr.Unit, Moment(l, timeOf(c.Time)))
		class := "count"
		if c.Froze {
			class, what = "froze", what+" · "+l.T("receipt.froze")
		}
		fmt.Fprintf(&b, `<circle class="%s" cx="%.1f" cy="%.1f" r="%d"><title>%s</title></circle>`, class, x(i), y(c.Observed), map[bool]int{true: 6, false: 3}[c.Froze], esc(what))
		if c.Froze {
			fmt.Fprintf(&b, `<text class="froze" x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, x(i), y(c.Observed)+18, esc(l.T("receipt.froze_mark")))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// timeOf is an instant of the log (Unix ns).
func timeOf(ns int64) time.Time { return time.Unix(0, ns) }
