package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"time"

	"linkfin"
	"linkfin/demo"
	"linkfin/engine"
	lfhttp "linkfin/http"
	"linkfin/services"
)

// ScorecardReads is one viewer's reads of suppliers' scorecards through the API
// (GET /v1/organizations/{id}/scorecard), each of a supplier drawn at random.
type ScorecardReads struct {
	Viewer string  `json:"viewer"` // the organization reading: the anchor, a funder, a supplier itself
	Reads  int     `json:"reads"`
	P50MS  float64 `json:"p50_ms"`
	P99MS  float64 `json:"p99_ms"`
	MaxMS  float64 `json:"max_ms"`
}

// supplierID names the n'th of the benchmark's many suppliers.
func supplierID(n int) string { return fmt.Sprintf("sup-%06d", n) }

// addSuppliers writes n suppliers of the chain's anchor: each an organization whose
// relationship with the anchor is active, and one order of its own received and
// invoiced, so that each has a scorecard with counts in it. The commands go step by
// step, many suppliers a request (stepwise), as spread's orders do.
func (ch chain) addSuppliers(ctx context.Context, e *engine.Engine, n int) error {
	today := linkfin.BusinessDate(time.Now())
	return stepwise(ctx, e, n, 7, func(i, step int) linkfin.Command { return supplierStep(ch, today, i, step) })
}

// supplierStep is the step'th command that makes the n'th supplier.
func supplierStep(ch chain, today linkfin.Date, n, step int) linkfin.Command {
	s := supplierID(n)
	po, inv := "PO-"+s, "inv-"+s
	// Amounts and due dates vary, so that the scorecards differ.
	qty := int64(1 + n%17)
	switch step {
	case 0:
		return &services.CreateOrganization{Org: linkfin.Organization{ID: s, Name: "Supplier " + s, Capabilities: []linkfin.Capability{linkfin.CapTrade}}}
	case 1:
		return &services.ProposeRelationship{Actor: ch.anchor, BuyerID: ch.anchor, SellerID: s}
	case 2:
		return &services.AcceptRelationship{Actor: s, BuyerID: ch.anchor, SellerID: s}
	case 3:
		return &services.CreatePurchaseOrder{Actor: ch.anchor, Order: linkfin.PurchaseOrder{ID: po, Number: po, SellerID: s, Currency: "CNY",
			Lines: []linkfin.POLine{{LineID: "1", Item: "part", Quantity: qty, Unit: "EA", UnitPrice: pieceFace}}}}
	case 4:
		return &services.AcceptPurchaseOrder{Actor: s, ID: po}
	case 5:
		// One supplier in five has a line rejected: the rejection rate differs too.
		rejected := int64(0)
		if n%5 == 0 && qty > 1 {
			rejected = 1
		}
		return &services.CreateGoodsReceipt{Actor: ch.anchor, Receipt: linkfin.GoodsReceipt{ID: "GR-" + po, POID: po,
			Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: qty - rejected, Rejected: rejected}}}}
	default:
		return &services.CreateInvoice{Actor: s, Invoice: linkfin.Invoice{ID: inv, Number: "INV-" + inv, BuyerID: ch.anchor, POID: po, Currency: "CNY",
			IssueDate: today, DueDate: today.AddDays(30 + n%90), Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: qty, UnitPrice: pieceFace, Amount: qty * pieceFace}},
			Total: qty * pieceFace}}
	}
}

// readScorecards reads the scorecards of suppliers drawn at random (a fixed seed)
// through the API's handler in process, as each viewer: the anchor, each funder,
// and the supplier itself. Every read must answer 200 with the supplier's score.
func readScorecards(ctx context.Context, e *engine.Engine, store linkfin.Store, ch chain, suppliers, reads int) ([]ScorecardReads, error) {
	srv := lfhttp.NewServer(e, store, nil)
	defer srv.Close(ctx)
	viewers := append([]string{ch.anchor}, ch.funders...)
	viewers = append(viewers, "") // "": each supplier reads its own
	keys := map[string]string{}
	var cs []linkfin.Command
	for _, v := range viewers[:len(viewers)-1] {
		secret, k := linkfin.NewAPIKey(v, linkfin.RoleFinance, "bench scorecards")
		keys[v] = secret
		cs = append(cs, &services.CreateAPIKey{Key: k})
	}
	rng := rand.New(rand.NewPCG(1, 2))
	own := make([]int, reads)
	for i := range own {
		own[i] = rng.IntN(suppliers)
		secret, k := linkfin.NewAPIKey(supplierID(own[i]), linkfin.RoleFinance, "bench scorecards")
		keys[supplierID(own[i])] = secret
		cs = append(cs, &services.CreateAPIKey{Key: k})
	}
	if err := demo.SubmitAll(ctx, e, cs); err != nil {
		return nil, err
	}
	var out []ScorecardReads
	for _, v := range viewers {
		times := make([]time.Duration, 0, reads)
		for i := range reads {
			org, who := supplierID(rng.IntN(suppliers)), v
			if v == "" {
				org, who = supplierID(own[i]), supplierID(own[i])
			}
			req := httptest.NewRequestWithContext(ctx, "GET", "/v1/organizations/"+org+"/scorecard", nil)
			req.Header.Set("Authorization", "Bearer "+keys[who])
			rec := httptest.NewRecorder()
			t0 := time.Now()
			srv.ServeHTTP(rec, req)
			times = append(times, time.Since(t0))
			if rec.Code != http.StatusOK {
				return nil, fmt.Errorf("bench: %s reading the scorecard of %s: status %d: %s", who, org, rec.Code, rec.Body)
			}
		}
		slices.Sort(times)
		name := v
		if v == "" {
			name = "supplier itself"
		}
		out = append(out, ScorecardReads{Viewer: name, Reads: reads, P50MS: percentile(times, 0.50), P99MS: percentile(times, 0.99),
			MaxMS: float64(times[len(times)-1]) / 1e6})
	}
	return out, nil
}
