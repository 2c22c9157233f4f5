package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"linkfin"
	"linkfin/services"
)

// BenchmarkTransferOnBusyDate passes whole certificate pieces back and forth between
// two parties, one request each, on a temporary SQLite store whose program has n
// pieces maturing on the transfers' date (made by splits of 100, one a request), and
// reports what each transfer adds to the log (log-bytes/op): a transfer rewrites the
// chunk of the date's maturity index that lists its piece and the one its new piece
// goes to, whatever the date's number of pieces.
//
//	go test ./bench/ -run '^$' -bench BenchmarkTransferOnBusyDate -benchtime 500x
func BenchmarkTransferOnBusyDate(b *testing.B) {
	for _, n := range []int{200, 1000, 4000} {
		b.Run(fmt.Sprintf("pieces=%d", n), func(b *testing.B) {
			ctx := context.Background()
			store, e, cleanup, err := openEngine(ctx, "", 0)
			if err != nil {
				b.Fatal(err)
			}
			defer cleanup()
			roots := n / 100
			if _, err := setUpFinancing(ctx, e, roots); err != nil { // pieces P-0… of 100.00
				b.Fatal(err)
			}
			var pieces []string
			for i := range roots {
				split := &services.SplitCertificate{Actor: "supplier", ID: pieceID(i), Pieces: make([]linkfin.Piece, 100)}
				for k := range split.Pieces {
					split.Pieces[k] = linkfin.Piece{ID: fmt.Sprintf("L%d.%d", i, k), Face: pieceFace / 100}
					pieces = append(pieces, split.Pieces[k].ID)
				}
				if err := e.Run(ctx, split, new(json.RawMessage)); err != nil {
					b.Fatal(err)
				}
			}
			for _, c := range []linkfin.Command{
				&services.CreateOrganization{Org: linkfin.Organization{ID: "tier2", Name: "Tier 2", Capabilities: []linkfin.Capability{linkfin.CapTrade}}},
				&services.ProposeRelationship{Actor: "supplier", BuyerID: "supplier", SellerID: "tier2"},
				&services.AcceptRelationship{Actor: "tier2", BuyerID: "supplier", SellerID: "tier2"},
			} {
				if err := e.Run(ctx, c, new(json.RawMessage)); err != nil {
					b.Fatal(err)
				}
			}
			logBytes := func() int64 {
				var sum int64
				for from := int64(0); ; {
					evs, err := store.Events(ctx, from, 10_000)
					if err != nil {
						b.Fatal(err)
					}
					for _, ev := range evs {
						sum += int64(len(ev.Data))
					}
					if len(evs) < 10_000 {
						return sum
					}
					from += int64(len(evs))
				}
			}
			holder := map[string]string{}
			before := logBytes()
			b.ResetTimer()
			for i := range b.N {
				id := pieces[i%len(pieces)]
				from, to := "supplier", "tier2"
				if holder[id] == "tier2" {
					from, to = to, from
				}
				var got []linkfin.Certificate
				if err := e.Run(ctx, &services.TransferCertificate{Actor: from, ID: id, To: to, Amount: pieceFace / 100}, &got); err != nil {
					b.Fatal(err)
				}
				pieces[i%len(pieces)], holder[got[0].ID] = got[0].ID, to
			}
			b.StopTimer()
			b.ReportMetric(float64(logBytes()-before)/float64(b.N), "log-bytes/op")
		})
	}
}
