package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"linkfin"
	"linkfin/engine"
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
		cs, err := services.Due(ctx, env.Store, date(t, day))
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
	cs, err := services.Due(ctx, env.Store, linkfin.DateOf(env.Clock.Now()))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if out := env.Submit(&engine.Request{Commands: []engine.Command{c}}).Outcomes[0]; out.Err() != nil {
			t.Fatalf("%T: %v", c, out.Err())
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

// mustIssue issues a certificate from one approved payable and returns its id.
func mustIssue(t *testing.T, env *Env, id, payable string) string {
	t.Helper()
	mustRun(t, env, &services.IssueCertificate{Actor: "anchor", ID: id, ProgramID: "auto-scf", PayableIDs: []string{payable}})
	return id
}
