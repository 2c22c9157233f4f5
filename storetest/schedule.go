package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// testSchedule: the scheduler's list of due work holds nothing before its day; on the
// day it settles the maturity and collects the factored payable; run, it leaves
// nothing due, and a later day finds nothing again.
func testSchedule(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env)
	ctx := context.Background()
	factoringProgram(t, env)
	fp := approvedPayableIn(t, env, "fx", 30, 100, 1_000_00, "2027-01-04") // a Monday
	mustRun(t, env, &services.RequestFactoring{Actor: "tier1", ID: "fx-1", PayableID: fp.ID, ProgramID: "fx", FunderID: "bank"})
	mustRun(t, env, &services.AcceptFactoring{Actor: "tier1", ID: "fx-1", PayableID: fp.ID})
	mustRun(t, env, &services.DisburseFinancing{Actor: "bank", ID: "fx-1"})
	cp := approvedPayable(t, env, 31, 10, 1_000_00, "2027-01-04")
	c := record[linkfin.Certificate](t, env, linkfin.KindCertificate, mustIssue(t, env, "c-sched", cp.ID))
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-sched", OrgID: "anchor", Currency: "CNY", Amount: 200_000_00})

	due := func(day string) string {
		t.Helper()
		cs, err := services.Due(ctx, env.Records(), date(t, day).Time(time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		s := ""
		for _, c := range cs {
			switch c := c.(type) {
			case *services.SettleMaturity:
				s += fmt.Sprintf("settle %s %s; ", c.ProgramID, c.Date)
			case *services.CollectFactored:
				s += "collect " + c.ID + "; "
			default:
				s += fmt.Sprintf("%T; ", c)
			}
		}
		return s
	}
	if got := due("2027-01-03"); got != "" {
		t.Fatalf("due the day before: %q", got)
	}
	want := "settle auto-scf " + c.Maturity.String() + "; collect fx-1; "
	if got := due("2027-01-04"); got != want {
		t.Fatalf("due on the day: %q, want %q", got, want)
	}
	env.Clock.Advance(time.Date(2027, 1, 4, 10, 0, 0, 0, time.UTC).Sub(env.Clock.Now()))
	cs, err := services.Due(ctx, env.Records(), env.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if _, err := run[json.RawMessage](t, env, c); err != nil {
			t.Fatalf("%T: %v", c, err)
		}
	}
	if f := mustFinancing(t, env, "fx-1"); f.Status != linkfin.FinancingSettled {
		t.Fatalf("the factored payable after the scheduler: %s", f.Status)
	}
	if p := record[linkfin.Certificate](t, env, linkfin.KindCertificate, "c-sched"); p.Status != linkfin.CertificateSettled {
		t.Fatalf("the certificate after the scheduler: %s", p.Status)
	}
	if got := due("2027-01-05"); got != "" {
		t.Fatalf("due after the scheduler ran: %q", got)
	}
	env.MustVerify()
}

// testLapse: an accepted financing the funder does not disburse while its limits are
// held lapses. The scheduler finds it once HoldsUntil has passed, and not before; the
// limits are free again, and so is the piece, which another funder then finances.
func testLapse(t *testing.T, open Opener) {
	env := certificateFixture(t, open)
	ctx := context.Background()
	limit := func() int64 {
		t.Helper()
		return env.Account(services.LimitID("auto-scf", "poor")).DebitsPending
	}
	lapses := func(at time.Time) (ids []string) {
		t.Helper()
		cs, err := services.Due(ctx, env.Records(), at)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if l, ok := c.(*services.LapseFinancing); ok {
				ids = append(ids, l.ID)
			}
		}
		return ids
	}
	mustRun(t, env, &services.RequestCertificateDiscounting{Actor: "tier1", ID: "f-poor", ProgramID: "auto-scf", PieceID: "c1", FunderID: "poor"})
	accepted := env.Clock.Now()
	f, err := run[linkfin.Financing](t, env, &services.AcceptCertificateDiscounting{Actor: "tier1", ID: "f-poor", PieceID: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	// The batch's time is the clock's, plus the nanoseconds that order its timestamps.
	if f.HoldsUntil == nil || f.HoldsUntil.Sub(accepted.Add(services.HoldTimeout)).Abs() > time.Millisecond || limit() != 1_000_000_00 {
		t.Fatalf("accepted at %s: holds until %v, %d held", accepted, f.HoldsUntil, limit())
	}
	before := f.HoldsUntil.Add(-time.Second)
	if got := lapses(before); len(got) != 0 {
		t.Fatalf("a second before the holds end, the scheduler lapses %v", got)
	}
	env.Clock.Advance(before.Sub(env.Clock.Now()))
	if _, err := run[linkfin.Financing](t, env, &services.LapseFinancing{ID: "f-poor"}); !refusal(err, linkfin.ECONFLICT, "holds its limits until") {
		t.Fatalf("lapsing while the limits are held: %v", err)
	}
	env.Clock.Advance(2 * time.Second)
	if got := lapses(env.Clock.Now()); len(got) != 1 || got[0] != "f-poor" {
		t.Fatalf("after the holds ended, the scheduler lapses %v", got)
	}
	for range 2 { // the second run answers the lapse already made
		if f, err = run[linkfin.Financing](t, env, &services.LapseFinancing{ID: "f-poor"}); err != nil || f.Status != linkfin.FinancingLapsed {
			t.Fatalf("lapse: %+v, %v", f, err)
		}
	}
	if piece := record[linkfin.Certificate](t, env, linkfin.KindCertificate, "c1"); piece.FinancingID != "" || limit() != 0 {
		t.Fatalf("after the lapse the piece is locked to %q and %d is held", piece.FinancingID, limit())
	}
	if _, err := run[linkfin.Financing](t, env, &services.DisburseFinancing{Actor: "poor", ID: "f-poor"}); !refusal(err, linkfin.EFINANCINGLAPSED, "financing f-poor lapsed") {
		t.Fatalf("disbursing a lapsed financing: %v", err)
	}
	if got := lapses(env.Clock.Now()); len(got) != 0 {
		t.Fatalf("after the lapse the scheduler lapses %v", got)
	}
	mustRun(t, env, &services.RequestCertificateDiscounting{Actor: "tier1", ID: "f-bank", ProgramID: "auto-scf", PieceID: "c1", FunderID: "bank"})
	mustRun(t, env, &services.AcceptCertificateDiscounting{Actor: "tier1", ID: "f-bank", PieceID: "c1"})
	mustRun(t, env, &services.DisburseFinancing{Actor: "bank", ID: "f-bank"})
	env.MustVerify()
}

// mustIssue issues a certificate from one approved payable and returns its id.
func mustIssue(t *testing.T, env *Env, id, payable string) string {
	t.Helper()
	mustRun(t, env, &services.IssueCertificate{Actor: "anchor", ID: id, ProgramID: "auto-scf", PayableIDs: []string{payable}})
	return id
}
