package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"linkfin"
	"linkfin/engine"
	"linkfin/services"
)

// testMaturityChunks: a date of more pieces than a maturity index's record holds
// (linkfin.MaturityChunkPieces) goes on in further chunks, also when one batch's
// splits pass the boundary; every active piece is listed once, in the chunk its record
// names; a piece passes on, and the date settles whole, every piece paid once, through
// the engine, from a cold start, and in memory.
func testMaturityChunks(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env)
	p := approvedPayable(t, env, 1, 1000, 1_000_00, "2027-01-31") // 1,000,000.00
	mustRun(t, env, &services.IssueCertificate{Actor: "anchor", ID: "c1", ProgramID: "auto-scf", PayableIDs: []string{p.ID}})
	split := func(id string, n int, face int64, name func(int) string) linkfin.Command {
		pieces := make([]linkfin.Piece, n)
		for i := range pieces {
			pieces[i] = linkfin.Piece{ID: name(i), Face: face}
		}
		return &services.SplitCertificate{Actor: "tier1", ID: id, Pieces: pieces}
	}
	leaves := func(j int) func(int) string { return func(i int) string { return fmt.Sprintf("p%d.%d", j, i) } }
	// c1 into 100 pieces of 10,000.00; nine of them into 100 of 100.00 each, one at a
	// time (991 pieces: the first record and chunks after it); twelve more at once, in
	// one request (2,179 pieces). An engine's batch plans where its pieces go before any
	// runs: the request's go to one chunk, past its room; one at a time (in memory) they
	// fill chunks and start others.
	mustRun(t, env, split("c1", 100, 10_000_00, func(i int) string { return fmt.Sprintf("p%d", i) }))
	for j := range 9 {
		mustRun(t, env, split(fmt.Sprintf("p%d", j), 100, 100_00, leaves(j)))
	}
	var batch []linkfin.Command
	for j := 9; j < 21; j++ {
		batch = append(batch, split(fmt.Sprintf("p%d", j), 100, 100_00, leaves(j)))
	}
	// oneRequest runs the commands as one request on an engine (one batch), one by one
	// in memory.
	oneRequest := func(cmds ...linkfin.Command) {
		t.Helper()
		if env.Engine == nil {
			for _, c := range cmds {
				mustRun(t, env, c)
			}
			return
		}
		resp, err := env.Engine.Submit(context.Background(), &engine.Request{Commands: cmds})
		if err != nil {
			t.Fatal(err)
		}
		for _, out := range resp.Outcomes {
			if err := out.Err(); err != nil {
				t.Fatal(err)
			}
		}
	}
	oneRequest(batch...)
	var active []string
	for j := 21; j < 100; j++ {
		active = append(active, fmt.Sprintf("p%d", j))
	}
	for j := range 21 {
		for i := range 100 {
			active = append(active, fmt.Sprintf("p%d.%d", j, i))
		}
	}
	d := date(t, "2027-02-01")
	// listed reads the index: every piece it lists, and the chunks it has.
	listed := func() (pieces []string, chunks int) {
		t.Helper()
		first := record[linkfin.Maturity](t, env, linkfin.KindMaturity, linkfin.MaturityID("auto-scf", d))
		pieces = slices.Clone(first.Pieces)
		later := 0
		for k := 1; k <= first.Chunks; k++ {
			m := record[linkfin.Maturity](t, env, linkfin.KindMaturity, linkfin.MaturityChunkID("auto-scf", d, k))
			for _, id := range m.Pieces {
				if c := record[linkfin.Certificate](t, env, linkfin.KindCertificate, id); c.MaturityChunk != k || c.Status != linkfin.CertificateActive {
					t.Fatalf("chunk %d lists %s: %+v", k, id, c)
				}
			}
			pieces = append(pieces, m.Pieces...)
			later += len(m.Pieces)
		}
		if first.Later != later {
			t.Fatalf("the index's first record counts %d pieces after it; its chunks list %d", first.Later, later)
		}
		return pieces, first.Chunks
	}
	pieces, chunks := listed()
	if got, want := slices.Sorted(slices.Values(pieces)), slices.Sorted(slices.Values(active)); !slices.Equal(got, want) || chunks < 1 {
		t.Fatalf("the index lists %d pieces in %d chunks after the first, want the %d active", len(pieces), chunks, len(active))
	}
	mustRun(t, env, &services.ProposeRelationship{Actor: "tier1", BuyerID: "tier1", SellerID: "tier2"})
	mustRun(t, env, &services.AcceptRelationship{Actor: "tier2", BuyerID: "tier1", SellerID: "tier2"})
	mustRun(t, env, &services.TransferCertificate{Actor: "tier1", ID: "p20.5", To: "tier2", Amount: 100_00, NewID: "t1"})
	active[slices.Index(active, "p20.5")] = "t1"
	// A split of the piece the request's previous split made: planned before the batch
	// ran, when the piece did not exist, the second split is planned again once the
	// first has run, and runs.
	oneRequest(split("p21", 2, 5_000_00, func(i int) string { return fmt.Sprintf("q%d", i) }),
		split("q0", 2, 2_500_00, func(i int) string { return fmt.Sprintf("q0.%d", i) }))
	active = append(slices.DeleteFunc(active, func(id string) bool { return id == "p21" }), "q1", "q0.0", "q0.1")
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-1", OrgID: "anchor", Currency: "CNY", Amount: 1_000_000_00})
	env.Clock.Advance(91 * 24 * time.Hour) // to 2027-02-01
	env.Restart()
	r, err := run[linkfin.SettlementResult](t, env, &services.SettleMaturity{ProgramID: "auto-scf", Date: d})
	if err != nil || len(r.Overdue) != 0 || r.PaidTotal != 1_000_000_00 ||
		!slices.Equal(slices.Sorted(slices.Values(r.Paid)), slices.Sorted(slices.Values(active))) {
		t.Fatalf("settlement: %d paid, %d overdue, %d, %v", len(r.Paid), len(r.Overdue), r.PaidTotal, err)
	}
	if pieces, _ := listed(); len(pieces) != 0 {
		t.Fatalf("after settlement the index lists %d pieces", len(pieces))
	}
	env.MustVerify()
}
