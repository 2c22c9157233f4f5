package sim

import (
	"fmt"
	"html/template"
	"math/big"
	"os"
	"path/filepath"
	"strings"
)

// WriteHTML writes report.html into dir: the tables, three charts (days to cash by
// tier in each scenario, cost of funding by tier, a typical firm's cash over the run
// for each tier) drawn as inline SVG, and the inputs that produced them.
func WriteHTML(dir string, rep *Report, cfg Config) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var table strings.Builder
	if err := WriteTable(&table, rep); err != nil {
		return err
	}
	days := grouped{Title: "Days from delivery to cash (mean), by tier", Unit: "days"}
	cost := grouped{Title: "Cost of funding (effective annual rate), by tier", Unit: "%"}
	for t := 1; t <= MaxTier; t++ {
		days.Groups = append(days.Groups, fmt.Sprintf("tier %d", t))
		cost.Groups = append(cost.Groups, fmt.Sprintf("tier %d", t))
	}
	for _, sc := range rep.Scenarios {
		days.Series = append(days.Series, sc.Name)
		cost.Series = append(cost.Series, sc.Name)
		var dv, cv []float64
		for _, t := range sc.Tiers {
			dv = append(dv, parseDecimal(t.DaysToCash.Mean))
			cv = append(cv, float64(t.CostOfFundingBP)/100)
		}
		days.Values = append(days.Values, dv)
		cost.Values = append(cost.Values, cv)
	}
	var cash []template.HTML
	for t := 1; t <= MaxTier; t++ {
		l := lines{Title: fmt.Sprintf("Cash of a typical tier-%d firm, week by week (yuan)", t)}
		for _, sc := range rep.Scenarios {
			for _, c := range sc.Cash {
				if c.Tier != t {
					continue
				}
				l.Firm = c.Firm
				l.Series = append(l.Series, sc.Name)
				var ys []float64
				for _, v := range c.Weeks {
					ys = append(ys, float64(v)/100)
				}
				l.Values = append(l.Values, ys)
			}
		}
		if len(l.Series) > 0 {
			cash = append(cash, l.svg())
		}
	}
	scs := cfg.Scenarios
	if len(scs) == 0 {
		scs = Scenarios
	}
	data := map[string]any{
		"Report": rep, "Table": table.String(), "Days": days.svg(), "Cost": cost.svg(), "Cash": cash,
		"Params": fmt.Sprintf("%+v", cfg.Params), "Scenarios": scs, "Tail": Tail,
	}
	f, err := os.Create(filepath.Join(dir, "report.html"))
	if err != nil {
		return err
	}
	if err := page.Execute(f, data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// parseDecimal reads a figure the report formatted, for drawing only.
func parseDecimal(s string) float64 {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0
	}
	f, _ := r.Float64()
	return f
}

var palette = []string{"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948"}

type grouped struct {
	Title, Unit string
	Groups      []string
	Series      []string
	Values      [][]float64 // [series][group]
}

func (g grouped) svg() template.HTML {
	const w, h, left, bottom, top = 720, 300, 50, 40, 30
	var peak float64
	for _, vs := range g.Values {
		for _, v := range vs {
			peak = max(peak, v)
		}
	}
	if peak == 0 {
		peak = 1
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" role="img"><title>%s</title>`, w, h+len(g.Series)*16, template.HTMLEscapeString(g.Title))
	fmt.Fprintf(&b, `<text x="%d" y="18" font-size="14">%s</text>`, left, template.HTMLEscapeString(g.Title))
	plotW, plotH := float64(w-left-10), float64(h-bottom-top)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"/>`, left, h-bottom, w-10, h-bottom)
	for i := 0; i <= 4; i++ {
		y := float64(h-bottom) - plotH*float64(i)/4
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" font-size="10" text-anchor="end">%.1f</text><line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`, left-4, y+3, peak*float64(i)/4, left, y, w-10, y)
	}
	gw := plotW / float64(max(len(g.Groups), 1))
	bw := gw * 0.8 / float64(max(len(g.Series), 1))
	for gi, name := range g.Groups {
		x0 := float64(left) + gw*float64(gi) + gw*0.1
		for si := range g.Series {
			v := g.Values[si][gi]
			bh := plotH * v / peak
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s, %s: %.1f %s</title></rect>`,
				x0+bw*float64(si), float64(h-bottom)-bh, bw-1, bh, palette[si%len(palette)], template.HTMLEscapeString(g.Series[si]), name, v, g.Unit)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="11" text-anchor="middle">%s</text>`, x0+gw*0.4, h-bottom+16, name)
	}
	legend(&b, g.Series, left, h)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func legend(b *strings.Builder, series []string, x, y int) {
	for i, s := range series {
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d" font-size="11">%s</text>`,
			x, y+i*16, palette[i%len(palette)], x+14, y+i*16+9, template.HTMLEscapeString(s))
	}
}

type lines struct {
	Title, Firm string
	Series      []string
	Values      [][]float64
}

func (l lines) svg() template.HTML {
	const w, h, left, bottom, top = 720, 260, 90, 30, 30
	lo, hi := 0.0, 0.0
	n := 0
	for _, vs := range l.Values {
		n = max(n, len(vs))
		for _, v := range vs {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if hi == lo {
		hi = lo + 1
	}
	plotW, plotH := float64(w-left-10), float64(h-bottom-top)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" role="img"><title>%s</title>`, w, h+len(l.Series)*16, template.HTMLEscapeString(l.Title))
	fmt.Fprintf(&b, `<text x="%d" y="18" font-size="14">%s (%s)</text>`, left, template.HTMLEscapeString(l.Title), template.HTMLEscapeString(l.Firm))
	for i := 0; i <= 4; i++ {
		v := lo + (hi-lo)*float64(i)/4
		y := float64(h-bottom) - plotH*float64(i)/4
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" font-size="10" text-anchor="end">%s</text><line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`, left-4, y+3, Yuan(int64(v*100)), left, y, w-10, y)
	}
	for si, vs := range l.Values {
		var pts []string
		for i, v := range vs {
			x := float64(left) + plotW*float64(i)/float64(max(n-1, 1))
			y := float64(h-bottom) - plotH*(v-lo)/(hi-lo)
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"/>`, palette[si%len(palette)], strings.Join(pts, " "))
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="10">week 0</text><text x="%d" y="%d" font-size="10" text-anchor="end">week %d</text>`, left, h-bottom+14, w-10, h-bottom+14, n-1)
	legend(&b, l.Series, left, h)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

var page = template.Must(template.New("report").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>linkfin sim: seed {{.Report.Seed}}, {{.Report.Firms}} firms</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px}pre{font-size:12px;overflow-x:auto;background:#f6f6f6;padding:1em}figure{margin:1.5em 0}</style>
</head><body>
<h1>linkfin sim</h1>
<p>Seed {{.Report.Seed}}, {{.Report.Firms}} firms, {{.Report.Days}} days of orders and {{.Tail}} more for them to be paid. Every figure was read back from each scenario's ledger and records; every scenario reconciled (ledger balanced, money in = money out + held, every certificate tree conserved).</p>
<figure>{{.Days}}</figure>
<figure>{{.Cost}}</figure>
{{range .Cash}}<figure>{{.}}</figure>
{{end}}
<h2>Figures</h2>
<pre>{{.Table}}</pre>
<h2>Inputs</h2>
<p>linkfin sim --seed {{.Report.Seed}} --firms {{.Report.Firms}} --days {{.Report.Days}} --scenario {{range $i, $s := .Scenarios}}{{if $i}},{{end}}{{$s.Name}}{{end}}</p>
<ul>{{range .Scenarios}}<li>{{.Name}}: reverse factoring {{.ReverseFactoring}}, certificates {{.Certificates}}, dynamic discounting {{.DynamicDiscounting}}, conditional payments {{.Conditional}}, scorecard terms {{.Scorecards}}, distributor financing {{.DistributorFinancing}}, warehouse pledges {{.WarehousePledges}}</li>{{end}}</ul>
<pre>{{.Params}}</pre>
</body></html>
`))
