package linkfin

import (
	"strconv"
	"strings"
)

// Disclosure is what a buyer discloses of a supplier finance program for a period, as
// ASU 2022-04 (US GAAP, ASC 405-50) and the 2024 amendments to IAS 7 and IFRS 7 ask:
// the program's key terms, the confirmed obligations outstanding at the start and end
// of the period and how the one became the other, and the range of payment due dates
// of the obligations in the program beside comparable trade payables outside it.
//
// The obligations are the buyer's payables under the program: confirmed when its
// invoice is approved (the payable is created), reduced by the seller's credit notes,
// and settled when paid, early or at maturity. A certified or factored payable is
// still owed, to whoever holds it. Amounts are in minor units of the program's
// currency; the period's dates are business days (BusinessDate: China Standard Time),
// both included.
type Disclosure struct {
	ProgramID string   `json:"program_id"`
	AnchorID  string   `json:"anchor_id"`
	Currency  Currency `json:"currency"`
	From      Date     `json:"from"`
	To        Date     `json:"to"`
	Terms     Terms    `json:"terms"`
	// The roll-forward: OutstandingStart + Confirmed − Credited − Paid = OutstandingEnd.
	OutstandingStart int64 `json:"outstanding_start"` // owed at the start of From
	Confirmed        int64 `json:"confirmed"`         // confirmed during the period
	Credited         int64 `json:"credited"`          // reduced by credit notes during the period
	Paid             int64 `json:"paid"`              // paid during the period
	OutstandingEnd   int64 `json:"outstanding_end"`   // owed at the end of To
	CountEnd         int   `json:"count_end"`         // obligations outstanding at the end
	// The range of payment due dates, in days after the invoice's issue date: of the
	// obligations in the program confirmed up to the end of the period, and of the
	// buyer's comparable trade payables (in no program) confirmed in that time. Absent
	// where there are none.
	DueDays           *DayRange `json:"due_days,omitempty"`
	ComparableDueDays *DayRange `json:"comparable_due_days,omitempty"`
}

// Terms are a supplier finance program's key terms, as its buyer discloses them.
type Terms struct {
	Name         string    `json:"name"`
	Products     []Product `json:"products"`
	MaxTenorDays int       `json:"max_tenor_days"`
	Funders      []string  `json:"funders"`             // the funders that accepted to fund it
	BuyBack      bool      `json:"buy_back"`            // the buyer guarantees overdue distributor loans
	LateRate     *Rate     `json:"late_rate,omitempty"` // late interest the buyer owes on a certificate paid after maturity
}

// DayRange is a range of whole days, both ends included.
type DayRange struct {
	Min int64 `json:"min"`
	Max int64 `json:"max"`
}

// Add widens the range to hold d.
func (r *DayRange) Add(d int64) *DayRange {
	if r == nil {
		return &DayRange{Min: d, Max: d}
	}
	r.Min, r.Max = min(r.Min, d), max(r.Max, d)
	return r
}

// Rows are the disclosure as a table of items and values, in the order of its JSON,
// for its CSV: a nested value's item is its path ("terms.name"), a list's values are
// joined by ";", an amount is in minor units, and an absent range has no rows.
func (d *Disclosure) Rows() [][2]string {
	i := func(n int64) string { return strconv.FormatInt(n, 10) }
	products := make([]string, len(d.Terms.Products))
	for k, p := range d.Terms.Products {
		products[k] = string(p)
	}
	rows := [][2]string{
		{"program_id", d.ProgramID}, {"anchor_id", d.AnchorID}, {"currency", string(d.Currency)},
		{"from", d.From.String()}, {"to", d.To.String()},
		{"terms.name", d.Terms.Name}, {"terms.products", strings.Join(products, ";")},
		{"terms.max_tenor_days", strconv.Itoa(d.Terms.MaxTenorDays)}, {"terms.funders", strings.Join(d.Terms.Funders, ";")},
		{"terms.buy_back", strconv.FormatBool(d.Terms.BuyBack)},
	}
	if d.Terms.LateRate != nil {
		rows = append(rows, [2]string{"terms.late_rate", d.Terms.LateRate.String()})
	}
	rows = append(rows, [][2]string{
		{"outstanding_start", i(d.OutstandingStart)}, {"confirmed", i(d.Confirmed)}, {"credited", i(d.Credited)},
		{"paid", i(d.Paid)}, {"outstanding_end", i(d.OutstandingEnd)}, {"count_end", strconv.Itoa(d.CountEnd)},
	}...)
	for _, r := range []struct {
		name string
		r    *DayRange
	}{{"due_days", d.DueDays}, {"comparable_due_days", d.ComparableDueDays}} {
		if r.r != nil {
			rows = append(rows, [2]string{r.name + ".min", i(r.r.Min)}, [2]string{r.name + ".max", i(r.r.Max)})
		}
	}
	return rows
}
