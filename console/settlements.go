package console

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"

	"linkfin"
	"linkfin/services"
)

// maturityRow is one program's pieces maturing on one day: how many, how much is
// still due, and what was paid.
type maturityRow struct {
	linkfin.Maturity
	Currency linkfin.Currency
	Due      int64
	Pieces   int
	// PaidPieces are the day's pieces paid (settled).
	PaidPieces int
	// Left is the cash the anchor has left once it has paid this day and every one
	// before it, from what its wallet holds now; Short when that is below zero.
	Left  int64
	Short bool
	// Unconfirmed is a day of a year whose holidays its program's calendar has not
	// loaded: it followed the weekend rule alone, and may be a holiday.
	Unconfirmed bool
}

// settlementsView is the maturity calendar, and the result of a run just made.
type settlementsView struct {
	Rows   []maturityRow
	Runs   bool // the operator, who runs settlement
	Result *linkfin.SettlementResult
	// Cash is the anchor's wallets, whose available cash the calendar sets against
	// what is due (none for the operator).
	Cash []wallet
}

// settlements is the maturity calendar the organization sees (an anchor's programs;
// every program's for the operator): each day with pieces due, and how much. The
// operator runs a day's settlement from it.
func (c *Console) settlements(w http.ResponseWriter, r *http.Request, p *Person) {
	v, err := c.calendar(r.Context(), p)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.render(w, r, http.StatusOK, "settlements", "settlements.title", p, v, "")
}

func (c *Console) calendar(ctx context.Context, p *Person) (*settlementsView, error) {
	v := &settlementsView{Runs: p.Viewer.Operator && p.CanAct()}
	if !p.Viewer.Operator {
		// An anchor's calendar is of the pieces it owes, which it is party to, set
		// against the cash it has to pay them.
		if err := c.owedBy(ctx, p, v); err != nil {
			return nil, err
		}
		return v, c.cashAgainst(ctx, p, v)
	}
	// Every program's days with pieces maturing on them, each with what is due on it
	// now and what was paid: the sums the index keeps.
	for after := ""; ; {
		page, err := services.List(ctx, c.Store, p.Viewer, linkfin.KindProgram, services.Filter{}, after, 1000)
		if err != nil {
			return nil, err
		}
		for _, raw := range page.Data {
			var prog linkfin.Program
			if err := json.Unmarshal(raw, &prog); err != nil {
				return nil, err
			}
			days, err := services.DueByDay(ctx, c.Store, prog.ID)
			if err != nil {
				return nil, err
			}
			cal, err := linkfin.SharedCalendar(prog.Calendar)
			if err != nil {
				return nil, err
			}
			for _, d := range days {
				v.Rows = append(v.Rows, rowOf(d, cal))
			}
		}
		if page.NextCursor == "" {
			break
		}
		after = page.NextCursor
	}
	slices.SortStableFunc(v.Rows, func(a, b maturityRow) int { return a.Date.Compare(b.Date) })
	return v, nil
}

// Year is the year of the row's day.
func (r maturityRow) Year() int {
	y, _, _ := r.Date.YMD()
	return y
}

// rowOf is a day of the calendar as the page shows it, of a program whose business days
// cal says.
func rowOf(d services.DueDay, cal *linkfin.Calendar) maturityRow {
	row := maturityRow{Maturity: linkfin.Maturity{ID: linkfin.MaturityID(d.ProgramID, d.Date), ProgramID: d.ProgramID, Date: d.Date},
		Currency: d.Currency, Due: d.Due, Pieces: int(d.Pieces), PaidPieces: int(d.Paid)}
	row.Unconfirmed = !cal.Knows(row.Year())
	return row
}

// runSettlement settles a program's pieces maturing on a day (the operator), and shows
// the result beside the calendar.
func (c *Console) runSettlement(w http.ResponseWriter, r *http.Request, p *Person) {
	d, err := linkfin.ParseDate(r.PostFormValue("date"))
	if err != nil {
		err = inField("date", "form.date", err)
		c.fail(w, r, p, err)
		return
	}
	if !p.Viewer.Operator {
		c.fail(w, r, p, linkfin.Errorf(linkfin.EFORBIDDEN, "the platform's operator runs settlement"))
		return
	}
	result, err := actInto[linkfin.SettlementResult](c, r.Context(), p, r.PostForm, &services.SettleMaturity{ProgramID: r.PostFormValue("program"), Date: d})
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	v, err := c.calendar(r.Context(), p)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	v.Result = result
	c.render(w, r, http.StatusOK, "settlements", "settlements.title", p, v, "")
}

// owedBy fills the calendar with the active pieces the organization owes as anchor,
// by program and maturity: the sums the index keeps for the programs it runs.
func (c *Console) owedBy(ctx context.Context, p *Person, v *settlementsView) error {
	programs, err := services.ProgramsOf(ctx, c.Store, p.Viewer.Org)
	if err != nil {
		return err
	}
	for _, prog := range programs {
		if prog.AnchorID != p.Viewer.Org {
			continue
		}
		days, err := services.DueByDay(ctx, c.Store, prog.ID)
		if err != nil {
			return err
		}
		cal, err := linkfin.SharedCalendar(prog.Calendar)
		if err != nil {
			return err
		}
		for _, d := range days {
			if d.Pieces > 0 {
				v.Rows = append(v.Rows, rowOf(d, cal))
			}
		}
	}
	slices.SortStableFunc(v.Rows, func(a, b maturityRow) int { return a.Date.Compare(b.Date) })
	return nil
}

// cashAgainst sets the organization's available cash against the calendar: for each
// day, what would be left of it once every piece due until then is paid.
func (c *Console) cashAgainst(ctx context.Context, p *Person, v *settlementsView) error {
	var err error
	if v.Cash, err = c.wallets(ctx, p); err != nil {
		return err
	}
	left := map[linkfin.Currency]int64{}
	for _, w := range v.Cash {
		left[w.Currency] = w.Available
	}
	for i := range v.Rows {
		row := &v.Rows[i]
		if left[row.Currency], err = linkfin.Sub(left[row.Currency], row.Due); err != nil {
			return err
		}
		row.Left, row.Short = left[row.Currency], left[row.Currency] < 0
	}
	return nil
}
