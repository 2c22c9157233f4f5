package linkfin_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"linkfin"
	"linkfin/internal/testrand"
)

// A decision is the score worked out in full, without the sentences: the same score,
// grade, model and time, and the same reasons, by code and points lost, in order.
func TestDecisionIsComputeWithoutSentences(t *testing.T) {
	rng := testrand.New(t)
	m := linkfin.ScoreModels()[linkfin.CurrentScoreModel]
	now := time.Date(2026, 6, 15, 8, 0, 0, 0, time.UTC)
	n := func(max int64) int64 { return rng.Int64N(max + 1) }
	for i := range 2000 {
		var c linkfin.ScoreCounts
		if i > 0 { // the first has no history at all
			c.Receipts = n(50)
			c.OnTimeInFull = n(c.Receipts)
			c.Accepted, c.Rejected = n(1000), n(200)
			c.Invoices = n(40)
			c.Disputed = n(c.Invoices)
			c.Invoiced = n(1_000_000)
			c.Credited = n(c.Invoiced / 4)
			c.TopBuyerInvoiced = n(c.Invoiced)
			c.Paid, c.Unpaid = n(30), n(5)
			c.PaidOnTime = n(c.Paid)
			if rng.IntN(4) > 0 {
				since := linkfin.DateOf(now.AddDate(0, 0, -rng.IntN(1000)))
				c.Since = &since
			}
			for mo := range rng.IntN(8) {
				c.Months = append(c.Months, linkfin.MonthVolume{Month: fmt.Sprintf("2026-%02d", mo+1), Amount: n(100_000)})
			}
		}
		in := linkfin.ScoreInputs{Counts: c}
		if rng.IntN(3) == 0 {
			in.TotalInvoiced = c.Invoiced + n(1_000_000)
		}
		whole, d := m.Compute(in, now), m.Decision(in, now)
		want := []linkfin.ReasonCode{}
		for _, r := range whole.Reasons {
			want = append(want, linkfin.ReasonCode{Code: r.Code, Lost: r.Lost})
		}
		if d.Score != whole.Score || d.Grade != whole.Grade || d.ModelVersion != whole.ModelVersion ||
			!d.AsOf.Equal(whole.AsOf) || !slices.Equal(d.Reasons, want) || d.Reasons == nil {
			t.Fatalf("counts %+v: decision %+v, computed %d %s %s %v", c, d, whole.Score, whole.Grade, whole.ModelVersion, want)
		}
	}
}

// What a supplier invoiced is added to the month's volume, a new month starting a new
// entry, and only the last ScoreMonths months kept.
func TestAddInvoicedMonths(t *testing.T) {
	var c linkfin.ScoreCounts
	add := func(d linkfin.Date, amount int64) {
		t.Helper()
		if err := c.AddInvoiced("CNY", amount, d); err != nil {
			t.Fatal(err)
		}
	}
	add(linkfin.NewDate(2026, 1, 5), 100)
	add(linkfin.NewDate(2026, 1, 31), 50)
	add(linkfin.NewDate(2026, 2, 1), 7)
	if want := []linkfin.MonthVolume{{Month: "2026-01", Amount: 150}, {Month: "2026-02", Amount: 7}}; !slices.Equal(c.Months, want) {
		t.Fatalf("months %v, want %v", c.Months, want)
	}
	for m := 3; m <= 14; m++ {
		add(linkfin.NewDate(2026, time.Month(m), 1), int64(m))
	}
	if len(c.Months) != linkfin.ScoreMonths || c.Months[0].Month != "2026-03" || c.Months[11] != (linkfin.MonthVolume{Month: "2027-02", Amount: 14}) {
		t.Fatalf("months %v", c.Months)
	}
	if c.Invoiced != 150+7+(3+14)*12/2 || c.Since == nil || *c.Since != linkfin.NewDate(2026, 1, 5) {
		t.Fatalf("invoiced %d since %v", c.Invoiced, c.Since)
	}
}
