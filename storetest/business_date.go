package storetest

import (
	"context"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// lateInTheUTCDay moves the clock to 17:30 UTC on day, 01:30 in Beijing on the day
// after: the hours in which the date in UTC is still the business day before.
func lateInTheUTCDay(t *testing.T, env *Env, day string) {
	t.Helper()
	env.Clock.Advance(date(t, day).Time(time.UTC).Add(17*time.Hour + 30*time.Minute).Sub(env.Clock.Now()))
}

// testBusinessDate: "today" is the business day in China Standard Time
// (linkfin.BusinessDate), not the date in UTC. At 17:30 UTC on 2 November (01:30 on
// the 3rd in Beijing) a certificate-discounting quote's value date is the 3rd; at
// 17:30 UTC on 31 January, a maturity of 1 February is settled, not refused as not
// come yet; and the scheduler releases a conditional payment dated that day.
func testBusinessDate(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env)
	p := approvedPayable(t, env, 1, 10, 100_00, "2027-01-31")
	mustRun(t, env, &services.IssueCertificate{Actor: "anchor", ID: "c1", ProgramID: "auto-scf", PayableIDs: []string{p.ID}})

	lateInTheUTCDay(t, env, "2026-11-02")
	if today := linkfin.BusinessDate(env.Clock.Now()); today != date(t, "2026-11-03") {
		t.Fatalf("the business day at %s: %s", env.Clock.Now(), today)
	}
	f, err := run[linkfin.Financing](t, env, &services.RequestCertificateDiscounting{Actor: "tier1", ID: "f1", ProgramID: "auto-scf",
		PieceID: "c1", FunderID: "bank"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Quote.ValueDate != date(t, "2026-11-03") {
		t.Fatalf("the quote's value date at %s: %s, want 2026-11-03", env.Clock.Now(), f.Quote.ValueDate)
	}

	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-1", OrgID: "anchor", Currency: "CNY", Amount: 1_000_00})
	lateInTheUTCDay(t, env, "2027-01-31")
	r, err := run[linkfin.SettlementResult](t, env, &services.SettleMaturity{ProgramID: "auto-scf", Date: date(t, "2027-02-01")})
	if err != nil {
		t.Fatalf("settling the maturity of 2027-02-01 at %s, that day in Beijing: %v", env.Clock.Now(), err)
	}
	if len(r.Paid) != 1 || r.PaidTotal != 1_000_00 || len(r.Overdue) != 0 {
		t.Fatalf("the maturity of 2027-02-01 at %s: %+v", env.Clock.Now(), r)
	}
	// The next business day's maturity has not come.
	if _, err := run[linkfin.SettlementResult](t, env, &services.SettleMaturity{ProgramID: "auto-scf", Date: date(t, "2027-02-02")}); !refusal(err, linkfin.ECONFLICT, "has not come yet") {
		t.Fatalf("settling the maturity of 2027-02-02 on 2027-02-01: %v", err)
	}

	// A conditional payment dated 3 December: the scheduler releases it at 17:30 UTC on
	// the 2nd, and not an hour before midnight in Beijing.
	env = NewEnv(t, open)
	conditionalFixture(t, env)
	on := date(t, "2026-12-03")
	cp := lockPayment(t, env, "anchor", linkfin.ConditionalPaymentIn{PayeeID: "tier1", Currency: "CNY", Amount: 3_000_00,
		Condition: linkfin.ConditionIn{Type: linkfin.ConditionDate, Date: &on}})
	env.Clock.Advance(on.Time(linkfin.ChinaTime).Add(-time.Hour).Sub(env.Clock.Now())) // 23:00 on the 2nd in Beijing
	runDue(t, env)
	wantPayment(t, env, cp.ID, linkfin.ConditionalLocked, 0, 0)
	lateInTheUTCDay(t, env, "2026-12-02")
	runDue(t, env)
	wantPayment(t, env, cp.ID, linkfin.ConditionalReleased, 3_000_00, 0)
	env.MustVerify()
}

// testBusinessDateDisclosure: a disclosure counts a payable on the business day it
// was approved: one approved at 17:30 UTC on 2 November, the 3rd in Beijing, is
// confirmed on the 3rd, from the ordered index as from the payables themselves.
func testBusinessDateDisclosure(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env)
	lateInTheUTCDay(t, env, "2026-11-02")
	approvedPayable(t, env, 1, 10, 100_00, "2027-01-31")
	ctx := context.Background()
	for _, s := range []linkfin.HistoryReader{env.Store, struct{ linkfin.HistoryReader }{env.Store}} {
		for _, c := range []struct {
			from, to  string
			confirmed int64
		}{{"2026-11-01", "2026-11-02", 0}, {"2026-11-03", "2026-11-03", 1_000_00}} {
			d, err := services.Disclose(ctx, s, linkfin.Viewer{Org: "anchor"}, "auto-scf", c.from, c.to, date(t, "2026-11-03"))
			if err != nil {
				t.Fatal(err)
			}
			if d.Confirmed != c.confirmed || d.OutstandingEnd != c.confirmed {
				t.Fatalf("%s–%s (%T): confirmed %d, outstanding at the end %d; want %d", c.from, c.to, s, d.Confirmed, d.OutstandingEnd, c.confirmed)
			}
		}
	}
	env.MustVerify()
}
