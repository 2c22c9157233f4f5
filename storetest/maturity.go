package storetest

import (
	"fmt"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// testMaturityChunks: a date of more pieces than a maturity index's record holds
// (linkfin.MaturityChunkPieces) goes on in a second chunk; a piece of it passes on and
// the date settles whole, every piece paid once, through the engine and from a cold
// start as in memory.
func testMaturityChunks(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env)
	p := approvedPayable(t, env, 1, 1000, 1_000_00, "2027-01-31") // 1,000,000.00
	mustRun(t, env, &services.IssueCertificate{Actor: "anchor", ID: "c1", ProgramID: "auto-scf", PayableIDs: []string{p.ID}})
	split := func(id string, n int, face int64, name func(int) string) {
		pieces := make([]linkfin.Piece, n)
		for i := range pieces {
			pieces[i] = linkfin.Piece{ID: name(i), Face: face}
		}
		mustRun(t, env, &services.SplitCertificate{Actor: "tier1", ID: id, Pieces: pieces})
	}
	// c1 into 100 pieces of 10,000.00, and ten of them into 100 of 100.00: 1,090 pieces.
	split("c1", 100, 10_000_00, func(i int) string { return fmt.Sprintf("p%d", i) })
	for j := range 10 {
		split(fmt.Sprintf("p%d", j), 100, 100_00, func(i int) string { return fmt.Sprintf("p%d.%d", j, i) })
	}
	d := date(t, "2027-02-01")
	maturity := func(k int) *linkfin.Maturity {
		t.Helper()
		m := record[linkfin.Maturity](t, env, linkfin.KindMaturity, linkfin.MaturityChunkID("auto-scf", d, k))
		return &m
	}
	first, second := maturity(0), maturity(1)
	if first.Chunks != 1 || first.Later != 100 || len(first.Pieces) != 990 || len(second.Pieces) != 100 || second.Pieces[0] != "p9.0" {
		t.Fatalf("the index: %d pieces, then %d chunk(s) of %d (first %d, %v…)", len(first.Pieces), first.Chunks, first.Later, len(second.Pieces), second.Pieces[:1])
	}
	mustRun(t, env, &services.ProposeRelationship{Actor: "tier1", BuyerID: "tier1", SellerID: "tier2"})
	mustRun(t, env, &services.AcceptRelationship{Actor: "tier2", BuyerID: "tier1", SellerID: "tier2"})
	mustRun(t, env, &services.TransferCertificate{Actor: "tier1", ID: "p9.5", To: "tier2", Amount: 100_00, NewID: "t1"})
	if t1 := record[linkfin.Certificate](t, env, linkfin.KindCertificate, "t1"); t1.MaturityChunk != 1 {
		t.Fatalf("t1: %+v", t1)
	}
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-1", OrgID: "anchor", Currency: "CNY", Amount: 1_000_000_00})
	env.Clock.Advance(91 * 24 * time.Hour) // to 2027-02-01
	env.Restart()
	r, err := run[linkfin.SettlementResult](t, env, &services.SettleMaturity{ProgramID: "auto-scf", Date: d})
	if err != nil || len(r.Paid) != 1090 || len(r.Overdue) != 0 || r.PaidTotal != 1_000_000_00 || r.Paid[0] != "p10" || r.Paid[1089] != "t1" {
		t.Fatalf("settlement: %d paid (%v … %v), %d overdue, %d, %v", len(r.Paid), r.Paid[:1], r.Paid[len(r.Paid)-1:], len(r.Overdue), r.PaidTotal, err)
	}
	if first, second = maturity(0), maturity(1); first.Lists() || len(second.Pieces) != 0 || len(first.Paid)+len(second.Paid) != 1090 {
		t.Fatalf("after settlement: %d and %d pieces left, %d and %d paid", len(first.Pieces), len(second.Pieces), len(first.Paid), len(second.Paid))
	}
	env.MustVerify()
}
