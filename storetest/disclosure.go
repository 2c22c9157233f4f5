package storetest

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// testDisclosure: an anchor's supplier finance disclosure rolls its confirmed
// obligations forward over any period from the log (start + confirmed − credited −
// paid = end), with the due dates of the program's payables beside its comparable
// trade payables; only the anchor and the operator read it.
func testDisclosure(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env)
	ctx := context.Background()
	p1 := approvedPayable(t, env, 1, 1000, 1_000_00, "2027-01-31") // 1,000,000.00, 90 days after its invoice
	p2 := approvedPayable(t, env, 2, 3, 100_00, "2027-01-31")      // 300.00
	approvedPayableIn(t, env, "", 3, 2, 100_00, "2026-12-17")      // in no program: 45 days
	mustRun(t, env, &services.IssueCertificate{Actor: "anchor", ID: "c1", ProgramID: "auto-scf", PayableIDs: []string{p1.ID}})
	env.Clock.Advance(10 * 24 * time.Hour) // 2026-11-12
	mustRun(t, env, &services.CreateCreditNote{Actor: "tier1", Note: linkfin.CreditNote{ID: "cn1", Number: "CN-1",
		InvoiceID: p2.InvoiceID, Amount: 50_00, Reason: "two parts returned"}})
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-1", OrgID: "anchor", Currency: "CNY", Amount: 1_000_000_00})
	env.Clock.Advance(81 * 24 * time.Hour) // 2027-02-01
	if _, err := run[linkfin.SettlementResult](t, env, &services.SettleMaturity{ProgramID: "auto-scf", Date: date(t, "2027-02-01")}); err != nil {
		t.Fatal(err)
	}

	anchor := linkfin.Viewer{Org: "anchor"}
	disclose := func(v linkfin.Viewer, from, to string) (*linkfin.Disclosure, error) {
		return services.Disclose(ctx, env.Store, v, "auto-scf", from, to, date(t, "2027-02-01"))
	}
	// The same figures from payables approved before payables kept their own
	// account of their life, read from their versions in the log.
	for _, forgets := range []bool{false, true} {
		if forgets {
			for _, id := range []string{p1.ID, p2.ID} {
				mustRun(t, env, &forgetLife{ID: id})
			}
		}
		rollForward(t, disclose, anchor)
		sameFromRecords(t, env)
	}
	d, err := disclose(linkfin.Viewer{Operator: true}, "2026-11-01", "2026-11-30")
	if err != nil {
		t.Fatal(err)
	}
	if d.DueDays == nil || *d.DueDays != (linkfin.DayRange{Min: 90, Max: 90}) ||
		d.ComparableDueDays == nil || *d.ComparableDueDays != (linkfin.DayRange{Min: 45, Max: 45}) {
		t.Errorf("due days %+v, comparable %+v; want 90–90 and 45–45", d.DueDays, d.ComparableDueDays)
	}
	refusals(t, disclose, anchor)

	// A payable credited down to nothing is no longer owed; one credited twice in a
	// day, then again, owes the rest.
	// (200.02: 200.00 is the invoice outside the program, issued the same day.)
	p4 := approvedPayable(t, env, 4, 2, 100_01, "2027-04-30")
	p5 := approvedPayable(t, env, 5, 10, 100_00, "2027-04-30")
	env.Clock.Advance(24 * time.Hour) // 2027-02-02
	for i, c := range []struct {
		inv    string
		amount int64
	}{{p4.InvoiceID, 150_00}, {p4.InvoiceID, 50_02}, {p5.InvoiceID, 100_00}, {p5.InvoiceID, 100_00}} {
		mustRun(t, env, &services.CreateCreditNote{Actor: "tier1", Note: linkfin.CreditNote{ID: fmt.Sprintf("cn-x%d", i), Number: fmt.Sprintf("CN-X%d", i),
			InvoiceID: c.inv, Amount: c.amount, Reason: "returned"}})
	}
	env.Clock.Advance(24 * time.Hour) // 2027-02-03
	mustRun(t, env, &services.CreateCreditNote{Actor: "tier1", Note: linkfin.CreditNote{ID: "cn-y", Number: "CN-Y", InvoiceID: p5.InvoiceID, Amount: 1_00, Reason: "returned"}})
	sameFromRecords(t, env)
	d, err = services.Disclose(ctx, env.Store, anchor, "auto-scf", "2027-02-02", "2027-02-03", date(t, "2027-02-03"))
	if err != nil {
		t.Fatal(err)
	}
	if d.OutstandingStart != 250_00+1_200_02 || d.Credited != 401_02 || d.OutstandingEnd != 250_00+799_00 || d.CountEnd != 2 {
		t.Errorf("after the credit notes: %+v", d)
	}
}

// sameFromRecords checks the disclosure read from the ordered index against the one
// read from every payable, over periods before, across and after each change.
func sameFromRecords(t *testing.T, env *Env) {
	t.Helper()
	ctx := context.Background()
	days := []string{"2026-10-31", "2026-11-01", "2026-11-02", "2026-11-03", "2026-11-11", "2026-11-12", "2026-11-13",
		"2027-01-31", "2027-02-01", "2027-02-02", "2027-02-03", "2027-02-04"}
	for i, from := range days {
		for _, to := range days[i:] {
			for _, v := range []linkfin.Viewer{{Org: "anchor"}, {Operator: true}} {
				got, err := services.Disclose(ctx, env.Store, v, "auto-scf", from, to, date(t, "2027-02-01"))
				if err != nil {
					t.Fatal(err)
				}
				want, err := services.Disclose(ctx, struct{ linkfin.HistoryReader }{env.Store}, v, "auto-scf", from, to, date(t, "2027-02-01"))
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s–%s: the disclosure from the index\n%+v\nfrom the payables\n%+v", from, to, got, want)
				}
			}
		}
	}
}

// forgetLife writes a payable again as one approved before payables kept their own
// account of their life (Confirmed, InvoiceDate, Credits, PaidAt).
type forgetLife struct{ ID string }

func (c *forgetLife) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindPayable, ID: c.ID}}
}

func (c *forgetLife) Apply(tx linkfin.Tx) (any, error) {
	var p linkfin.Payable
	if _, err := tx.Get(linkfin.KindPayable, c.ID, &p); err != nil {
		return nil, err
	}
	p.Confirmed, p.InvoiceDate, p.Credits, p.PaidAt = 0, nil, nil, nil
	return &p, tx.Put(linkfin.KindPayable, p.ID, &p, "payable.rewritten")
}

type discloser func(v linkfin.Viewer, from, to string) (*linkfin.Disclosure, error)

func rollForward(t *testing.T, disclose discloser, anchor linkfin.Viewer) {
	t.Helper()
	for _, c := range []struct {
		from, to                                     string
		start, confirmed, credited, paid, end, count int64
	}{
		{"2026-11-01", "2026-11-30", 0, 1_000_300_00, 50_00, 0, 1_000_250_00, 2},
		{"2026-12-01", "2027-02-28", 1_000_250_00, 0, 0, 1_000_000_00, 250_00, 1},
		{"2026-11-01", "2027-02-28", 0, 1_000_300_00, 50_00, 1_000_000_00, 250_00, 1},
		{"2026-10-01", "2026-10-31", 0, 0, 0, 0, 0, 0},
		{"2026-11-12", "2026-11-12", 1_000_300_00, 0, 50_00, 0, 1_000_250_00, 2},
	} {
		d, err := disclose(anchor, c.from, c.to)
		if err != nil {
			t.Fatal(err)
		}
		got := []int64{d.OutstandingStart, d.Confirmed, d.Credited, d.Paid, d.OutstandingEnd, int64(d.CountEnd)}
		want := []int64{c.start, c.confirmed, c.credited, c.paid, c.end, c.count}
		if !equalInts(got, want) {
			t.Errorf("%s–%s: start, confirmed, credited, paid, end, count = %v, want %v", c.from, c.to, got, want)
		}
		if d.OutstandingStart+d.Confirmed-d.Credited-d.Paid != d.OutstandingEnd {
			t.Errorf("%s–%s: the roll-forward does not hold: %+v", c.from, c.to, d)
		}
		// Both payables were confirmed on 2026-11-02, due 90 days after their invoices.
		if confirmed := c.to >= "2026-11-02"; confirmed != (d.DueDays != nil) || confirmed && *d.DueDays != (linkfin.DayRange{Min: 90, Max: 90}) {
			t.Errorf("%s–%s: due days %+v", c.from, c.to, d.DueDays)
		}
	}
}

func refusals(t *testing.T, disclose discloser, anchor linkfin.Viewer) {
	t.Helper()
	d, err := disclose(linkfin.Viewer{Operator: true}, "2026-11-01", "2026-11-30")
	if err != nil {
		t.Fatal(err)
	}
	if d.Terms.Name != "Core Auto supplier finance" || len(d.Terms.Funders) != 3 || d.Currency != "CNY" {
		t.Errorf("terms %+v", d.Terms)
	}
	if _, err := disclose(linkfin.Viewer{Org: "bank"}, "2026-11-01", "2026-11-30"); linkfin.ErrorCode(err) != linkfin.ENOTFOUND ||
		!strings.Contains(err.Error(), "only the anchor reads it") {
		t.Errorf("a funder of the program: %v, want %s, the anchor's", err, linkfin.ENOTFOUND)
	}
	if _, err := disclose(linkfin.Viewer{Org: "stranger"}, "2026-11-01", "2026-11-30"); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		t.Errorf("a stranger: %v, want %s", err, linkfin.ENOTFOUND)
	}
	for _, bad := range [][2]string{{"2026-11-30", "2026-11-01"}, {"2026-02-30", ""}, {"", "tomorrow"}} {
		if _, err := disclose(anchor, bad[0], bad[1]); linkfin.ErrorCode(err) != linkfin.EINVALID {
			t.Errorf("from %q to %q: %v, want %s", bad[0], bad[1], err, linkfin.EINVALID)
		}
	}
	// A stranger learns nothing of the program, even from a bad period.
	if _, err := disclose(linkfin.Viewer{Org: "stranger"}, "2026-11-30", "2026-11-01"); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		t.Errorf("a stranger's bad period: %v, want %s", err, linkfin.ENOTFOUND)
	}
	// By default, the year to date: 2027-01-01 to today, 2027-02-01.
	ytd, err := disclose(anchor, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if ytd.From.String() != "2027-01-01" || ytd.To.String() != "2027-02-01" || ytd.OutstandingStart != 1_000_250_00 ||
		ytd.Paid != 1_000_000_00 || ytd.OutstandingEnd != 250_00 {
		t.Errorf("year to date: %+v", ytd)
	}
}

func equalInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
