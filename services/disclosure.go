package services

import (
	"context"
	"encoding/json"
	"time"

	"linkfin"
)

// Disclose answers the supplier finance disclosure of a program for the period from–to
// (dates YYYY-MM-DD in UTC, both included; see linkfin.Disclosure): by default, the
// year to date, from the first of January of to's year, to today. Only the program's
// anchor and the operator read it: to an organization that does not see the program, it
// does not exist, as the program does not; to one that sees it (a funder, a supplier),
// it does not exist either, and the answer says whose it is. Both are told so before
// anything about the period is checked.
//
// It is built from the log: each payable's versions, read in its history, say when it
// was confirmed, credited and paid, so the figures of any past period are what they
// were then, and the roll-forward holds by construction.
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
	var after string
	for {
		page, err := s.ListObjectsByParty(ctx, linkfin.KindPayable, p.AnchorID, after, 500)
		if err != nil {
			return nil, err
		}
		for i := range page {
			var pay linkfin.Payable
			if err := json.Unmarshal(page[i].Data, &pay); err != nil {
				return nil, err
			}
			if pay.BuyerID != p.AnchorID {
				continue
			}
			switch pay.ProgramID {
			case p.ID:
				if pay.Confirmed != 0 {
					disclose(d, &pay)
					continue
				}
				if err := discloseObligation(ctx, s, d, pay.ID); err != nil {
					return nil, err
				}
			case "":
				if pay.InvoiceDate != nil {
					if !linkfin.DateOf(pay.ApprovedAt.UTC()).After(d.To) {
						d.ComparableDueDays = d.ComparableDueDays.Add(int64(linkfin.DaysBetween(*pay.InvoiceDate, pay.DueDate)))
					}
					continue
				}
				if err := compareDueDays(ctx, s, d, &pay); err != nil {
					return nil, err
				}
			}
		}
		if len(page) < 500 {
			return d, nil
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

// disclose adds one payable of the program to the disclosure from its own account of
// its life: confirmed at approval, credited, paid.
func disclose(d *linkfin.Disclosure, pay *linkfin.Payable) {
	day := func(t time.Time) linkfin.Date { return linkfin.DateOf(t.UTC()) }
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
		return
	}
	if pay.InvoiceDate != nil {
		d.DueDays = d.DueDays.Add(int64(linkfin.DaysBetween(*pay.InvoiceDate, pay.DueDate)))
	}
	d.OutstandingStart += owed(d.From.AddDays(-1))
	if in(confirmed) {
		d.Confirmed += pay.Confirmed
	}
	for _, c := range pay.Credits {
		if in(day(c.At)) {
			d.Credited += c.Amount
		}
	}
	if pay.PaidAt != nil && in(day(*pay.PaidAt)) {
		// What it owed when paid: no credit note reduces a payable once paid.
		o := pay.Confirmed
		for _, c := range pay.Credits {
			o -= c.Amount
		}
		d.Paid += o
	}
	if o := owed(d.To); o > 0 {
		d.OutstandingEnd += o
		d.CountEnd++
	}
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
			day := linkfin.DateOf(time.Unix(0, e.Time).UTC())
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
				switch {
				case e.Type == "payable.paid":
					d.Paid += was - now
				case now > was:
					d.Confirmed += now - was
				default:
					d.Credited += was - now
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
	d.OutstandingStart += owed(start)
	if o := owed(end); o > 0 {
		d.OutstandingEnd += o
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
	if linkfin.DateOf(pay.ApprovedAt.UTC()).After(d.To) {
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
