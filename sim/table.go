package sim

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteTable prints the report as tables, one per scenario.
func WriteTable(w io.Writer, rep *Report) error {
	fmt.Fprintf(w, "linkfin sim: seed %d, %d firms, %d days of orders (+%d days to settle)\n", rep.Seed, rep.Firms, rep.Days, Tail)
	for _, sc := range rep.Scenarios {
		fmt.Fprintf(w, "\n== %s\n", sc.Name)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "tier\tfirms\tpayables\tdays to cash mean\tp50\tp90\tcost of funding\tfinanced\tborrowed\tworking capital freed\tfailed\tunpaid\t")
		for _, t := range sc.Tiers {
			fmt.Fprintf(tw, "%d\t%d\t%d\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%d\t%s\t\n", t.Tier, t.Firms, t.Payables, t.DaysToCash.Mean, t.DaysToCash.P50, t.DaysToCash.P90,
				percent(t.CostOfFundingBP), percent(t.FinancedShareBP), percent(t.BorrowedShareBP), Yuan(t.WorkingCapitalFreed), t.Failed, Yuan(t.Unpaid))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		d := sc.Distributors
		fmt.Fprintf(w, "distributors: %d firms, %d orders of %s from their anchors; the anchors' days to cash mean %s (p50 %d, p90 %d), the distributors' days to pay mean %s (p50 %d, p90 %d); cost of funding %s, financed %s, unpaid %s\n",
			d.Firms, d.Orders, Yuan(d.Amount), d.AnchorDaysToCash.Mean, d.AnchorDaysToCash.P50, d.AnchorDaysToCash.P90, d.DaysToPay.Mean, d.DaysToPay.P50, d.DaysToPay.P90,
			percent(d.CostOfFundingBP), percent(d.FinancedShareBP), Yuan(d.Unpaid))
		for _, wh := range sc.Warehouses {
			fmt.Fprintf(w, "warehouse %s: %d receipts for suppliers' stock, %d pledge loans, %s lent, %d forfeited\n", wh.ID, wh.Receipts, wh.Loans, Yuan(wh.Lent), wh.Forfeited)
		}
		fmt.Fprintf(w, "anchors' days payable %s; certificates issued %s, passed on %s: debt-clearing multiplier %s\n",
			sc.AnchorDaysPayable, Yuan(sc.CertificatesIssued), Yuan(sc.PassedOn), sc.DebtClearing)
		for _, f := range sc.Funders {
			fmt.Fprintf(w, "funder %s: %d financings, %s financed, income %s, losses %s\n", f.ID, f.Financings, Yuan(f.Financed), Yuan(f.Income), Yuan(f.Losses))
		}
		c := sc.Check
		fmt.Fprintf(w, "check: %d commands, %d events, %d accounts balanced; money in %s = out %s + held %s; %d of %d certificate trees conserved\n",
			c.Commands, c.Events, c.Accounts, Yuan(c.MoneyIn), Yuan(c.MoneyOut), Yuan(c.Held), c.TreesConserved, c.Trees)
	}
	return nil
}

// percent formats basis points as a percentage with two decimals.
func percent(bp int) string {
	return fmt.Sprintf("%d.%02d %%", bp/100, bp%100)
}

// Yuan formats fen as whole yuan with thousands separators (rounded down).
func Yuan(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	s := fmt.Sprint(fen / 100)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
