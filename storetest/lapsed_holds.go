package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"linkfin"
	"linkfin/ledger"
	"linkfin/services"
)

// testLapsedHolds: a funder that disburses an accepted financing once the limits it
// held have lapsed (HoldsUntil passed, the ledger released the holds) is refused in
// the domain's words, financing_lapsed, whether the scheduler has lapsed it yet or
// not, and the refusal changes nothing: the financing stays accepted, the piece
// locked to it and the funder's wallet as it was, until the scheduler lapses it as
// before. A second before the holds end the same disbursement is paid.
func testLapsedHolds(t *testing.T, open Opener) {
	env := certificateFixture(t, open)
	ctx := context.Background()
	type fin = linkfin.Financing
	wallet := func() ledger.Account { return env.Account(linkfin.WalletID("bank", "CNY")) }
	disburse := func() (*fin, error) {
		return run[fin](t, env, &services.DisburseFinancing{Actor: "bank", ID: "f-late"})
	}
	mustRun(t, env, &services.RequestCertificateDiscounting{Actor: "tier1", ID: "f-late", ProgramID: "auto-scf", PieceID: "c1", FunderID: "bank"})
	f, err := run[fin](t, env, &services.AcceptCertificateDiscounting{Actor: "tier1", ID: "f-late", PieceID: "c1"})
	if err != nil || f.HoldsUntil == nil {
		t.Fatalf("accept: %+v, %v", f, err)
	}
	env.Clock.Advance(f.HoldsUntil.Add(time.Second).Sub(env.Clock.Now()))
	before := wallet()
	_, end := logged(t, env, 0)
	for range 2 { // the batch of the first expires the holds; the second finds them so
		if _, err := disburse(); !refusal(err, linkfin.EFINANCINGLAPSED, "financing f-late lapsed") {
			t.Fatalf("disbursing once the holds lapsed: %v, want %s", err, linkfin.EFINANCINGLAPSED)
		}
	}
	if types, _ := logged(t, env, end); slices.ContainsFunc(types, func(e string) bool { return e != string(ledger.EventPendingExpired) }) {
		t.Fatalf("the refused disbursements logged %v: only the ledger's expiry of the holds is the batch's", types)
	}
	f = new(fin)
	*f = record[fin](t, env, linkfin.KindFinancing, "f-late")
	piece := record[linkfin.Certificate](t, env, linkfin.KindCertificate, "c1")
	if f.Status != linkfin.FinancingAccepted || f.DisbursedAt != nil || piece.FinancingID != "f-late" || piece.HolderID != "tier1" || wallet() != before {
		t.Fatalf("after the refusals: financing %s, piece held by %s for %q, the bank's wallet %+v (was %+v)",
			f.Status, piece.HolderID, piece.FinancingID, wallet(), before)
	}
	// The scheduler lapses it as before, and the funder is answered the same.
	due, err := services.Due(ctx, env.Records(), env.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(due, func(c linkfin.Command) bool { l, ok := c.(*services.LapseFinancing); return ok && l.ID == "f-late" }) {
		t.Fatalf("the scheduler does not lapse f-late: %v", due)
	}
	if f, err = run[fin](t, env, &services.LapseFinancing{ID: "f-late"}); err != nil || f.Status != linkfin.FinancingLapsed {
		t.Fatalf("lapse: %+v, %v", f, err)
	}
	if _, err := disburse(); !refusal(err, linkfin.EFINANCINGLAPSED, "financing f-late lapsed") {
		t.Fatalf("disbursing a lapsed financing: %v, want %s", err, linkfin.EFINANCINGLAPSED)
	}
	if piece := record[linkfin.Certificate](t, env, linkfin.KindCertificate, "c1"); piece.FinancingID != "" || wallet() != before {
		t.Fatalf("after the lapse the piece is locked to %q, the bank's wallet %+v", piece.FinancingID, wallet())
	}

	// A second before the holds end, the funder pays.
	mustRun(t, env, &services.RequestCertificateDiscounting{Actor: "tier1", ID: "f-paid", ProgramID: "auto-scf", PieceID: "c1", FunderID: "bank"})
	if f, err = run[fin](t, env, &services.AcceptCertificateDiscounting{Actor: "tier1", ID: "f-paid", PieceID: "c1"}); err != nil {
		t.Fatal(err)
	}
	env.Clock.Advance(f.HoldsUntil.Add(-time.Second).Sub(env.Clock.Now()))
	if f, err = run[fin](t, env, &services.DisburseFinancing{Actor: "bank", ID: "f-paid"}); err != nil || f.Status != linkfin.FinancingDisbursed {
		t.Fatalf("disbursing a second before the holds end: %+v, %v", f, err)
	}
	env.MustVerify()
}
