package services_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

// TestMaturityChunks: past its chunk size a date's maturity index goes on in further
// chunks. Every active piece of the date is listed once, in the chunk its record
// names, in the order the pieces were made; a split or transfer writes only the chunks
// it changes; settlement pays the pieces in that order across the chunks, and the
// date is due until none is left.
func TestMaturityChunks(t *testing.T) {
	defer services.SetMaturityChunkPieces(3)()
	w := newWorld(t)
	parties(w)
	date := day(t, "2027-02-01")
	p1 := payable(w, "1", 1000, 1_000_00, "2027-01-31") // 1,000,000.00, due on a Sunday
	p2 := payable(w, "2", 10, 1_000_00, "2027-01-31")   // 10,000.00
	var made []string                                   // the active pieces, in the order they were made
	replace := func(old string, with ...string) {
		i := slices.Index(made, old)
		made = append(slices.Delete(made, i, i+1), with...)
	}
	w.must(&services.IssueCertificate{Actor: "anchor", ID: "c1", ProgramID: "auto-scf", PayableIDs: []string{p1.ID}})
	made = append(made, "c1")
	check := func(step string) {
		t.Helper()
		var first linkfin.Maturity
		if found, err := w.db.Get(linkfin.KindMaturity, linkfin.MaturityID("auto-scf", date), &first); err != nil || !found {
			t.Fatalf("%s: no maturity index: %v", step, err)
		}
		listed := slices.Clone(first.Pieces)
		chunkOf := map[string]int{}
		for _, id := range first.Pieces {
			chunkOf[id] = 0
		}
		later := 0
		for k := 1; k <= first.Chunks; k++ {
			var m linkfin.Maturity
			if found, err := w.db.Get(linkfin.KindMaturity, linkfin.MaturityChunkID("auto-scf", date, k), &m); err != nil || !found || m.Chunk != k {
				t.Fatalf("%s: chunk %d: %+v, %v", step, k, m, err)
			}
			for _, id := range m.Pieces {
				chunkOf[id] = k
			}
			listed = append(listed, m.Pieces...)
			later += len(m.Pieces)
		}
		if !slices.Equal(listed, made) || first.Later != later {
			t.Fatalf("%s: the index lists %v (%d after the first record, which says %d), want %v", step, listed, later, first.Later, made)
		}
		for _, id := range made {
			var c linkfin.Certificate
			if found, err := w.db.Get(linkfin.KindCertificate, id, &c); err != nil || !found || c.Status != linkfin.CertificateActive || c.MaturityChunk != chunkOf[id] {
				t.Fatalf("%s: piece %s in chunk %d: %+v, %v", step, id, chunkOf[id], c, err)
			}
		}
	}
	check("issued")
	// maturityWrites runs c and counts the index records it writes.
	maturityWrites := func(c linkfin.Command) int {
		t.Helper()
		n := len(w.db.Events())
		w.must(c)
		writes := 0
		for _, e := range w.db.Events()[n:] {
			if strings.HasPrefix(e.Type, "maturity.") {
				writes++
			}
		}
		return writes
	}

	// Five pieces do not fit beside c1's place: they start chunk 1.
	if n := maturityWrites(&services.SplitCertificate{Actor: "tier1", ID: "c1", Pieces: []linkfin.Piece{{ID: "a", Face: 200_000_00},
		{ID: "b", Face: 200_000_00}, {ID: "c", Face: 200_000_00}, {ID: "d", Face: 200_000_00}, {ID: "e", Face: 200_000_00}}}); n != 2 {
		t.Fatalf("the split wrote %d index records, want 2 (the first, without c1 and counting chunk 1, and chunk 1)", n)
	}
	replace("c1", "a", "b", "c", "d", "e")
	check("split")
	// A part of b passed to tier2: two pieces, in a new chunk 2.
	w.must(&services.TransferCertificate{Actor: "tier1", ID: "b", To: "tier2", Amount: 50_000_00, NewID: "b1", RemainderID: "b2"})
	replace("b", "b1", "b2")
	check("transfer")
	// A whole piece passed on in the last chunk, which has room: that chunk alone is written.
	if n := maturityWrites(&services.TransferCertificate{Actor: "tier2", ID: "b1", To: "tier1", Amount: 50_000_00, NewID: "b1x"}); n != 1 {
		t.Fatalf("a whole transfer wrote %d index records, want 1", n)
	}
	replace("b1", "b1x")
	check("whole transfer")
	// A new certificate of the date joins the last chunk.
	w.must(&services.IssueCertificate{Actor: "anchor", ID: "c2", ProgramID: "auto-scf", PayableIDs: []string{p2.ID}})
	made = append(made, "c2")
	check("second certificate")
	// Another split, which the last chunk has no room for: it starts chunk 3.
	w.must(&services.SplitCertificate{Actor: "tier1", ID: "b2", Pieces: []linkfin.Piece{{ID: "b2a", Face: 100_000_00}, {ID: "b2b", Face: 50_000_00}}})
	replace("b2", "b2a", "b2b")
	check("split into a new chunk")

	// Settlement with money for the first three pieces, in the order made: a, c, d
	// (600,000.00 of 1,010,000.00); the rest stay, overdue.
	if due, err := services.Due(context.Background(), w.db, w.now.AddDate(0, 0, 91)); err != nil || len(due) != 1 {
		t.Fatalf("due: %v, %v", due, err)
	}
	w.must(&services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-1", OrgID: "anchor", Currency: "CNY", Amount: 600_000_00})
	w.now = w.now.AddDate(0, 0, 91)
	r, err := run[linkfin.SettlementResult](w, &services.SettleMaturity{ProgramID: "auto-scf", Date: date})
	if err != nil || !slices.Equal(r.Paid, []string{"a", "c", "d"}) || !slices.Equal(r.Overdue, []string{"e", "b1x", "c2", "b2a", "b2b"}) {
		t.Fatalf("settlement: %+v, %v", r, err)
	}
	made = []string{"e", "b1x", "c2", "b2a", "b2b"}
	check("settled in part")
	if due, err := services.Due(context.Background(), w.db, w.now); err != nil || len(due) != 1 {
		t.Fatalf("due with pieces left in later chunks: %v, %v", due, err)
	}
	w.must(&services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-2", OrgID: "anchor", Currency: "CNY", Amount: 410_000_00})
	r, err = run[linkfin.SettlementResult](w, &services.SettleMaturity{ProgramID: "auto-scf", Date: date})
	if err != nil || !slices.Equal(r.Paid, []string{"e", "b1x", "c2", "b2a", "b2b"}) || len(r.Overdue) != 0 || w.wallet("anchor") != 0 {
		t.Fatalf("settlement of the rest: %+v, %v; the anchor holds %d", r, err, w.wallet("anchor"))
	}
	made = nil
	check("settled")
	if due, err := services.Due(context.Background(), w.db, w.now); err != nil || len(due) != 0 {
		t.Fatalf("due once every piece is paid: %v, %v", due, err)
	}
}
