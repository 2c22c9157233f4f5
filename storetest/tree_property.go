package storetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"linkfin"
	"linkfin/internal/testrand"
	"linkfin/services"
)

// testTreeProperty: random sequences of splits, transfers and financings, then the
// settlement at maturity, keep the certificate tree conserved after every step, pay
// every piece exactly once, and keep the ledger balanced.
func testTreeProperty(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env)
	mustRun(t, env, &services.ProposeRelationship{Actor: "tier1", BuyerID: "tier1", SellerID: "tier2"})
	mustRun(t, env, &services.AcceptRelationship{Actor: "tier2", BuyerID: "tier1", SellerID: "tier2"})
	p := approvedPayable(t, env, 1, 1000, 1_000_00, "2027-01-29") // 1,000,000.00
	mustRun(t, env, &services.IssueCertificate{Actor: "anchor", ID: "c1", ProgramID: "auto-scf", PayableIDs: []string{p.ID}})
	rng := testrand.New(t)
	financed := 0
	for step := 0; step < 120; step++ {
		var active []linkfin.Certificate
		for _, c := range tree(t, env, "c1") {
			if c.Status == linkfin.CertificateActive && c.FinancingID == "" && c.Face > 1 && (c.HolderID == "tier1" || c.HolderID == "tier2") {
				active = append(active, c)
			}
		}
		if len(active) == 0 {
			break
		}
		c := active[rng.IntN(len(active))]
		a, b := fmt.Sprintf("s%d-a", step), fmt.Sprintf("s%d-b", step)
		cut := 1 + rng.Int64N(c.Face-1)
		other := map[string]string{"tier1": "tier2", "tier2": "tier1"}[c.HolderID]
		var err error
		switch k := rng.IntN(10); {
		case k < 4:
			_, err = run[[]linkfin.Certificate](t, env, &services.SplitCertificate{Actor: c.HolderID, ID: c.ID, Pieces: []linkfin.Piece{{ID: a, Face: cut}, {ID: b, Face: c.Face - cut}}})
		case k < 8:
			_, err = run[[]linkfin.Certificate](t, env, &services.TransferCertificate{Actor: c.HolderID, ID: c.ID, To: other, Amount: cut, NewID: a, RemainderID: b})
		default:
			funder := []string{"bank", "factor"}[rng.IntN(2)]
			_, err = run[linkfin.Financing](t, env, &services.RequestCertificateDiscounting{Actor: c.HolderID, ID: "f-" + a, ProgramID: "auto-scf", PieceID: c.ID, FunderID: funder})
			if err == nil {
				_, err = run[linkfin.Financing](t, env, &services.AcceptCertificateDiscounting{Actor: c.HolderID, ID: "f-" + a, PieceID: c.ID})
			}
			if err == nil {
				_, err = run[linkfin.Financing](t, env, &services.DisburseFinancing{Actor: funder, ID: "f-" + a})
			}
			if linkfin.ErrorCode(err) == "exceeds_credits" {
				err = nil // the factor's limit of 500,000.00 is spent: refused, and nothing moved
			} else if err == nil {
				financed++
			}
		}
		if err != nil {
			t.Fatalf("step %d on %s: %v", step, c.ID, err)
		}
		if p := linkfin.CheckTree(tree(t, env, "c1"), 0); len(p) > 0 {
			t.Fatalf("step %d: %s", step, strings.Join(p, "; "))
		}
	}
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor", OrgID: "anchor", Currency: "CNY", Amount: 1_000_000_00})
	env.Clock.Advance(88 * 24 * time.Hour) // to the maturity, 2027-01-29
	r, err := run[linkfin.SettlementResult](t, env, &services.SettleMaturity{ProgramID: "auto-scf", Date: date(t, "2027-01-29")})
	if err != nil || r.PaidTotal != 1_000_000_00 || len(r.Overdue) != 0 {
		t.Fatalf("settlement: %+v, %v", r, err)
	}
	if p := linkfin.CheckTree(tree(t, env, "c1"), 1_000_000_00); len(p) > 0 {
		t.Fatalf("after settlement: %s", strings.Join(p, "; "))
	}
	t.Logf("%d pieces paid, %d financed along the way", len(r.Paid), financed)
	env.Restart()
	env.MustVerify()
}
