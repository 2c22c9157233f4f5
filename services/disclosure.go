package services

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"linkfin"
)

// Disclose answers the supplier finance disclosure of a program for the period from–to
// (dates YYYY-MM-DD, business days in China Standard Time, both included; see
// linkfin.Disclosure and linkfin.BusinessDate): by default, the year to date, from the
// first of January of to's year, to today. Only the program's
// anchor and the operator read it: to an organization that does not see the program, it
// does not exist, as the program does not; to one that sees it (a funder, a supplier),
// it does not exist either, and the answer says whose it is. Both are told so before
// anything about the period is checked.
//
// It is built from each payable's own account of its life (when it was confirmed,
// credited and paid), summed by day in the ordered index (linkfin.IndexBought), so the
// figures of any past period are what they were then, the roll-forward holds by
// construction, and the work is bounded by the days, never the payables. A payable
// approved before payables kept that account is read from its versions in the log.
func Disclose(ctx context.Context, s linkfin.HistoryReader, v linkfin.Viewer, programID, fromDate, toDate string, today linkfin.Date) (*linkfin.Disclosure, error) {
	var p linkfin.Program
	if err := read(ctx, s, linkfin.KindProgram, programID, &p); linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
		return nil, notFound(linkfin.KindProgram, programID)
	} else if err != nil {
		return nil, err
	}
	if !v.Operator && v.Org != p.AnchorID {
		if _, err := ProgramFor(ctx, s, programID, v.Org); err != nil {
			return nil, err
		}
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "the disclosure of program %s is its anchor's: only the anchor reads it", programID)
	}
	to, err := dateOr("to", toDate, today)
	if err != nil {
		return nil, err
	}
	y, _, _ := to.YMD()
	from, err := dateOr("from", fromDate, linkfin.NewDate(y, time.January, 1))
	if err != nil {
		return nil, err
	}
	if to.Before(from) {
		return nil, linkfin.Errorf(linkfin.EINVALID, "the period ends (to %s) before it starts (from %s)", to, from)
	}
	d := &linkfin.Disclosure{ProgramID: p.ID, AnchorID: p.AnchorID, Currency: p.Currency, From: from, To: to,
		Terms: linkfin.Terms{Name: p.Name, Products: p.Products, MaxTenorDays: p.MaxTenorDays, BuyBack: p.BuyBack,
			LateRate: p.LateRate, Funders: []string{}}}
	for _, f := range p.Funders {
		if f.Status == linkfin.FunderAccepted {
			d.Terms.Funders = append(d.Terms.Funders, f.FunderID)
		}
	}
	if ix, ok := s.(linkfin.IndexReader); ok {
		return d, discloseFromIndex(ctx, s, ix, d)
	}
	return d, discloseFromPayables(ctx, s, d)
}

// discloseFromIndex fills in the disclosure's figures from the totals of the anchor's
// payables under the program in the ordered index (linkfin.IndexBought), by day: never
// the payables themselves, but those approved before payables kept their own account,
// read one by one from their versions in the log.
func discloseFromIndex(ctx context.Context, s linkfin.HistoryReader, ix linkfin.IndexReader, d *linkfin.Disclosure) error {
	sums := disclosureSums{d: d, from: d.From.String(), to: d.To.String()}
	for _, program := range []string{d.ProgramID, ""} {
		prefix := linkfin.IndexValue(d.AnchorID, program, "")
		totals, err := ix.IndexTotals(ctx, linkfin.KindPayable, linkfin.IndexBought, prefix, linkfin.IndexEnd(prefix))
		if err != nil {
			return err
		}
		for _, t := range totals {
			if err := sums.add(program == "", strings.Split(strings.TrimPrefix(t.Value, prefix), linkfin.IndexSep), t); err != nil {
				return err
			}
		}
		if err := discloseUnkeptOf(ctx, s, ix, d, program); err != nil {
			return err
		}
	}
	return sums.figures()
}

// disclosureSums are the figures the index's totals make, summed exactly: a day's
// total may be beyond an int64, and what is outstanding is what is left of larger
// sums. Each is made a figure once, at the end (figures).
type disclosureSums struct {
	d                                     *linkfin.Disclosure
	from, to                              string // the period's days, as the index writes them
	confirmed, credited, paid, start, end linkfin.Sum
}

// add adds one total of the index, its value's parts after the prefix (what befell the
// payables, the day, and for those confirmed their due days): of the program's
// payables, or of the anchor's other trade payables (comparable), whose due days
// alone count.
func (s *disclosureSums) add(comparable bool, parts []string, t linkfin.IndexTotal) error {
	d := s.d
	if len(parts) < 2 || parts[0] == linkfin.BoughtOpen || parts[0] == linkfin.BoughtUnkept || parts[1] > s.to {
		return nil
	}
	dueDays := func() (int64, bool, error) {
		if parts[0] != linkfin.BoughtConfirmed || len(parts) != 3 || parts[2] == "" {
			return 0, false, nil
		}
		n, err := strconv.ParseInt(parts[2], 10, 64)
		if err != nil {
			return 0, false, linkfin.Errorf(linkfin.EINTERNAL, "the index of payables by buyer holds %q", t.Value)
		}
		return n, true, nil
	}
	if comparable {
		n, ok, err := dueDays()
		if ok {
			d.ComparableDueDays = d.ComparableDueDays.Add(n)
		}
		return err
	}
	before := parts[1] < s.from
	// What each day's entries did to what the buyer owes: confirmed adds; a credit and
	// an end take off.
	var change *linkfin.Sum
	switch parts[0] {
	case linkfin.BoughtConfirmed:
		change = &s.confirmed
		if err := moveSum(&s.end, t, true); err != nil {
			return err
		}
		d.CountEnd += int(t.Count)
		n, ok, err := dueDays()
		if err != nil {
			return err
		}
		if ok {
			d.DueDays = d.DueDays.Add(n)
		}
	case linkfin.BoughtCredited, linkfin.BoughtEnded:
		change = &s.credited
		if parts[0] == linkfin.BoughtEnded {
			change = &s.paid
			d.CountEnd -= int(t.Count)
		}
		if err := moveSum(&s.end, t, false); err != nil {
			return err
		}
	default:
		return nil
	}
	if before {
		change = &s.start
	}
	return moveSum(change, t, !before || parts[0] == linkfin.BoughtConfirmed)
}

// moveSum adds a total's amount to a sum, or takes it off.
func moveSum(to *linkfin.Sum, t linkfin.IndexTotal, add bool) (err error) {
	if add {
		*to, err = to.Add(t.Amount)
	} else {
		*to, err = to.Sub(t.Amount)
	}
	return err
}

// figures adds the sums to the disclosure's figures.
func (s *disclosureSums) figures() error {
	d := s.d
	for _, f := range []struct {
		figure *int64
		sum    linkfin.Sum
	}{{&d.Confirmed, s.confirmed}, {&d.Credited, s.credited}, {&d.Paid, s.paid}, {&d.OutstandingStart, s.start}, {&d.OutstandingEnd, s.end}} {
		v, err := f.sum.Int64()
		if err == nil {
			*f.figure, err = linkfin.AddTotal(*f.figure, v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// discloseUnkeptOf adds to the disclosure the anchor's payables under the program ("":
// its other trade payables) approved before payables kept their own account of their
// life, each read from its versions in the log (discloseUnkept).
func discloseUnkeptOf(ctx context.Context, s linkfin.HistoryReader, ix linkfin.IndexReader, d *linkfin.Disclosure, program string) error {
	prefix := linkfin.IndexValue(d.AnchorID, program, linkfin.BoughtUnkept, "")
	for afterValue, afterID := "", ""; ; {
		objs, err := ix.ListIndexed(ctx, linkfin.KindPayable, linkfin.IndexBought, prefix, afterValue, afterID, 500)
		if err != nil {
			return err
		}
		for _, o := range objs {
			var pay linkfin.Payable
			if err := json.Unmarshal(o.Data, &pay); err != nil {
				return err
			}
			if err := discloseUnkept(ctx, s, d, &pay); err != nil {
				return err
			}
			afterValue, afterID = o.Value, o.ID
		}
		if len(objs) < 500 {
			return nil
		}
	}
}

// discloseUnkept adds to the disclosure one payable of the anchor's, under the program
// or in none, approved before payables kept their own account of their life.
func discloseUnkept(ctx context.Context, s linkfin.HistoryReader, d *linkfin.Disclosure, pay *linkfin.Payable) error {
	switch pay.ProgramID {
	case d.ProgramID:
		return discloseObligation(ctx, s, d, pay.ID)
	case "":
		return compareDueDays(ctx, s, d, pay)
	}
	return nil
}

// discloseFromPayables fills in the disclosure's figures from every payable of the
// anchor's, one by one: what a store without the ordered index answers from.
func discloseFromPayables(ctx context.Context, s linkfin.HistoryReader, d *linkfin.Disclosure) error {
	var after string
	for {
		page, err := s.ListObjectsByParty(ctx, linkfin.KindPayable, d.AnchorID, after, 500)
		if err != nil {
			return err
		}
		for i := range page {
			var pay linkfin.Payable
			if err := json.Unmarshal(page[i].Data, &pay); err != nil {
				return err
			}
			if pay.BuyerID != d.AnchorID {
				continue
			}
			switch pay.ProgramID {
			case d.ProgramID:
				if pay.Confirmed != 0 {
					if err := disclose(d, &pay); err != nil {
						return err
					}
					continue
				}
			case "":
				if pay.InvoiceDate != nil {
					if !linkfin.BusinessDate(pay.ApprovedAt).After(d.To) {
						d.ComparableDueDays = d.ComparableDueDays.Add(int64(linkfin.DaysBetween(*pay.InvoiceDate, pay.DueDate)))
					}
					continue
				}
			}
			if err := discloseUnkept(ctx, s, d, &pay); err != nil {
				return err
			}
		}
		if len(page) < 500 {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

// dateOr reads a date given as YYYY-MM-DD, or answers def for none.
func dateOr(name, s string, def linkfin.Date) (linkfin.Date, error) {
	if s == "" {
		return def, nil
	}
	d, err := linkfin.ParseDate(s)
	if err != nil {
		return d, linkfin.Errorf(linkfin.EINVALID, "%s: %s", name, linkfin.ErrorMessage(err))
	}
	return d, nil
}

// addTo adds an amount to a figure of the disclosure, which sums many payables:
// beyond an int64 it is refused as total_too_large, never wrapped.
func addTo(figure *int64, amount int64) error {
	s, err := linkfin.AddTotal(*figure, amount)
	if err != nil {
		return err
	}
	*figure = s
	return nil
}

// disclose adds one payable of the program to the disclosure from its own account of
// its life: confirmed at approval, credited, paid.
func disclose(d *linkfin.Disclosure, pay *linkfin.Payable) error {
	day := linkfin.BusinessDate
	confirmed := day(pay.ApprovedAt)
	in := func(x linkfin.Date) bool { return !x.Before(d.From) && !x.After(d.To) }
	// owed is what the buyer owed at the end of the day x.
	owed := func(x linkfin.Date) int64 {
		if confirmed.After(x) || (pay.PaidAt != nil && !day(*pay.PaidAt).After(x)) {
			return 0
		}
		o := pay.Confirmed
		for _, c := range pay.Credits {
			if !day(c.At).After(x) {
				o -= c.Amount
			}
		}
		return o
	}
	if confirmed.After(d.To) {
		return nil
	}
	if pay.InvoiceDate != nil {
		d.DueDays = d.DueDays.Add(int64(linkfin.DaysBetween(*pay.InvoiceDate, pay.DueDate)))
	}
	if err := addTo(&d.OutstandingStart, owed(d.From.AddDays(-1))); err != nil {
		return err
	}
	if in(confirmed) {
		if err := addTo(&d.Confirmed, pay.Confirmed); err != nil {
			return err
		}
	}
	for _, c := range pay.Credits {
		if in(day(c.At)) {
			if err := addTo(&d.Credited, c.Amount); err != nil {
				return err
			}
		}
	}
	if pay.PaidAt != nil && in(day(*pay.PaidAt)) {
		// What it owed when paid: no credit note reduces a payable once paid.
		o := pay.Confirmed
		for _, c := range pay.Credits {
			o -= c.Amount
		}
		if err := addTo(&d.Paid, o); err != nil {
			return err
		}
	}
	if o := owed(d.To); o > 0 {
		if err := addTo(&d.OutstandingEnd, o); err != nil {
			return err
		}
		d.CountEnd++
	}
	return nil
}

// markPaid notes when a payable was paid, for its buyer's disclosures.
func markPaid(pay *linkfin.Payable, at time.Time) { pay.PaidAt = &at }

// discloseObligation adds one payable of the program to the disclosure, from its
// versions in the log: a payable approved before payables kept their own account.
func discloseObligation(ctx context.Context, s linkfin.HistoryReader, d *linkfin.Disclosure, id string) error {
	var start, end *linkfin.Payable // the versions standing at the start of From and the end of To
	var prev *linkfin.Payable
	first := true
	for after := int64(-1); ; {
		evs, err := s.RecordEvents(ctx, linkfin.KindPayable, id, after, 100)
		if err != nil {
			return err
		}
		for _, e := range evs {
			var pay linkfin.Payable
			if err := json.Unmarshal(e.Data, &pay); err != nil {
				return err
			}
			day := linkfin.BusinessDate(time.Unix(0, e.Time))
			if day.After(d.To) {
				break
			}
			if first {
				if err := dueDays(ctx, s, &pay, &d.DueDays); err != nil {
					return err
				}
				first = false
			}
			if day.Before(d.From) {
				start = &pay
			} else {
				// A change in the period: what it did to what the buyer owes.
				was, now := owed(prev), owed(&pay)
				var err error
				switch {
				case e.Type == "payable.paid":
					err = addTo(&d.Paid, was-now)
				case now > was:
					err = addTo(&d.Confirmed, now-was)
				default:
					err = addTo(&d.Credited, was-now)
				}
				if err != nil {
					return err
				}
			}
			end = &pay
			prev = &pay
		}
		if len(evs) < 100 {
			break
		}
		after = evs[len(evs)-1].Seq
	}
	if err := addTo(&d.OutstandingStart, owed(start)); err != nil {
		return err
	}
	if o := owed(end); o > 0 {
		if err := addTo(&d.OutstandingEnd, o); err != nil {
			return err
		}
		d.CountEnd++
	}
	return nil
}

// owed is what the buyer owes on a version of a payable: its amount until it is paid.
func owed(p *linkfin.Payable) int64 {
	if p == nil || p.Status == linkfin.PayablePaid {
		return 0
	}
	return p.Amount
}

// compareDueDays adds a payable in no program to the comparable range, if it was
// confirmed by the end of the period.
func compareDueDays(ctx context.Context, s linkfin.RecordReader, d *linkfin.Disclosure, pay *linkfin.Payable) error {
	if linkfin.BusinessDate(pay.ApprovedAt).After(d.To) {
		return nil
	}
	return dueDays(ctx, s, pay, &d.ComparableDueDays)
}

// dueDays widens r to hold the payable's due date in days after its invoice's issue.
func dueDays(ctx context.Context, s linkfin.RecordReader, pay *linkfin.Payable, r **linkfin.DayRange) error {
	var inv linkfin.Invoice
	if err := read(ctx, s, linkfin.KindInvoice, pay.InvoiceID, &inv); err != nil {
		return err
	}
	*r = (*r).Add(int64(linkfin.DaysBetween(inv.IssueDate, pay.DueDate)))
	return nil
}
