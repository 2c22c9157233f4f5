package storetest

import (
	"context"
	"fmt"
	"testing"

	"linkfin"
	"linkfin/ledger"
	"linkfin/services"
)

// testExposure replays Carillion: supply chain finance debt that adds up across
// funders. Each funder is within its own limit, but the anchor's program limit caps
// the sum, and the exposure report shows all of it per anchor, funder, tier and product.
func testExposure(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env)
	small := linkfin.Program{ID: "small", Name: "Capped program", Currency: "CNY", Limit: 1_500_000_00,
		Products: []linkfin.Product{linkfin.ProductCertificateDiscounting}, MaxTenorDays: 180,
		AdvanceRate: mustRate(t, "0.8"), DayCount: linkfin.ACT360, Calendar: "CN"}
	mustRun(t, env, &services.CreateProgram{Actor: "anchor", Program: small})
	rate := mustRate(t, "0.05")
	for _, f := range []string{"bank", "factor"} {
		mustRun(t, env, &services.InviteFunder{Actor: "anchor", ProgramID: "small", FunderID: f,
			Limit: 1_000_000_00, Pricing: linkfin.Pricing{FixedRate: &rate}})
		mustRun(t, env, &services.AcceptFunder{Actor: f, ProgramID: "small"})
	}
	for i, id := range []string{"s1", "s2"} {
		p := approvedPayableIn(t, env, "small", 10+i, 1000, 1_000_00, "2027-01-29") // 1,000,000.00 each
		mustRun(t, env, &services.IssueCertificate{Actor: "anchor", ID: id, ProgramID: "small", PayableIDs: []string{p.ID}})
	}
	finance := func(id, piece, funder string) error {
		if _, err := run[linkfin.Financing](t, env, &services.RequestCertificateDiscounting{Actor: "tier1", ID: id, ProgramID: "small", PieceID: piece, FunderID: funder}); err != nil {
			return err
		}
		if _, err := run[linkfin.Financing](t, env, &services.AcceptCertificateDiscounting{Actor: "tier1", ID: id, PieceID: piece}); err != nil {
			return err
		}
		_, err := run[linkfin.Financing](t, env, &services.DisburseFinancing{Actor: funder, ID: id})
		return err
	}
	if err := finance("x1", "s1", "bank"); err != nil {
		t.Fatal(err)
	}
	// The factor has 1,000,000.00 of its own limit free, but the program has 500,000.00.
	short(t, env, 1_000_000_00, services.LimitID("small", ""), services.LimitID("small", "factor"))
	if err := finance("x2", "s2", "factor"); !refusal(err, string(ledger.ExceedsCredits), "the limits of program small leave less than the 1000000.00 CNY") {
		t.Fatalf("a second funder taking the anchor past its program limit: %v", err)
	}
	mustRun(t, env, &services.SplitCertificate{Actor: "tier1", ID: "s2",
		Pieces: []linkfin.Piece{{ID: "s2a", Face: 500_000_00}, {ID: "s2b", Face: 500_000_00}}})
	if err := finance("x3", "s2a", "factor"); err != nil {
		t.Fatal(err)
	}
	// The factor has 500,000.00 of its limit left (the bank none): only the program's is spent.
	short(t, env, 500_000_00, services.LimitID("small", ""), services.LimitID("small", "factor"))
	if err := finance("x4", "s2b", "factor"); !refusal(err, string(ledger.ExceedsCredits), "the limits of program small leave less than the 500000.00 CNY") {
		t.Fatalf("past the program limit: %v", err)
	}
	report, err := services.ExposureReport(context.Background(), env.Records())
	if err != nil {
		t.Fatal(err)
	}
	if len(report) != 1 {
		t.Fatalf("report: %+v", report)
	}
	e := report[0]
	if e.AnchorID != "anchor" || e.Total != 1_500_000_00 || e.ByFunder["bank"] != 1_000_000_00 || e.ByFunder["factor"] != 500_000_00 ||
		e.ByTier["1"] != 1_500_000_00 || e.ByProduct["certificate_discounting"] != 1_500_000_00 || e.Count != 2 {
		t.Fatalf("exposure: %+v", e)
	}
	// A per-supplier cap: tier1 may have 700,000.00 financed at once under "sup".
	sup := small
	sup.ID, sup.Limit, sup.SupplierLimit = "sup", 10_000_000_00, 700_000_00
	mustRun(t, env, &services.CreateProgram{Actor: "anchor", Program: sup})
	mustRun(t, env, &services.InviteFunder{Actor: "anchor", ProgramID: "sup", FunderID: "bank",
		Limit: 10_000_000_00, Pricing: linkfin.Pricing{FixedRate: &rate}})
	mustRun(t, env, &services.AcceptFunder{Actor: "bank", ProgramID: "sup"})
	for i, id := range []string{"u1", "u2"} {
		p := approvedPayableIn(t, env, "sup", 20+i, 500, 1_000_00, "2027-01-29") // 500,000.00 each
		mustRun(t, env, &services.IssueCertificate{Actor: "anchor", ID: id, ProgramID: "sup", PayableIDs: []string{p.ID}})
	}
	financeIn := func(id, piece string) error {
		if _, err := run[linkfin.Financing](t, env, &services.RequestCertificateDiscounting{Actor: "tier1", ID: id, ProgramID: "sup", PieceID: piece, FunderID: "bank"}); err != nil {
			return err
		}
		if _, err := run[linkfin.Financing](t, env, &services.AcceptCertificateDiscounting{Actor: "tier1", ID: id, PieceID: piece}); err != nil {
			return err
		}
		_, err := run[linkfin.Financing](t, env, &services.DisburseFinancing{Actor: "bank", ID: id})
		return err
	}
	if err := financeIn("y1", "u1"); err != nil {
		t.Fatal(err)
	}
	short(t, env, 500_000_00, services.LimitID("sup", "supplier/tier1"), services.LimitID("sup", ""), services.LimitID("sup", "bank"))
	if err := financeIn("y2", "u2"); !refusal(err, string(ledger.ExceedsCredits), "the limits of program sup leave less than the 500000.00 CNY") {
		t.Fatalf("past the supplier's cap: %v", err)
	}
	env.Restart()
	env.MustVerify()
}

// copyFinancing writes copies of a disbursed financing under the ids given, each of
// face linkfin.MaxAmount: as many as no funder can hold in one program, whose limit
// every financing draws by its face, so that a funder's totals pass 2^63 without the
// thousands of programs that would take.
type copyFinancing struct {
	From string
	IDs  []string
}

func (c *copyFinancing) Keys() []linkfin.ObjectKey {
	keys := []linkfin.ObjectKey{{Kind: linkfin.KindFinancing, ID: c.From}}
	for _, id := range c.IDs {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindFinancing, ID: id})
	}
	return keys
}

func (c *copyFinancing) Apply(tx linkfin.Tx) (any, error) {
	for _, id := range c.IDs {
		var f linkfin.Financing // read afresh: a Put takes over what it writes
		if _, err := tx.Get(linkfin.KindFinancing, c.From, &f); err != nil {
			return nil, err
		}
		f.ID, f.Quote.Face = id, linkfin.MaxAmount
		if err := tx.Put(linkfin.KindFinancing, id, &f, "financing.copied"); err != nil {
			return nil, err
		}
	}
	return len(c.IDs), nil
}

// testExposureOwnFigures: a funder's exposure is summed from its own financings alone.
// Another funder of the same program holds more than 2^63 disbursed: its answer, the
// anchor's and the operator's are refused with total_too_large, but the first funder,
// whose own part fits, gets it, from the index as from the financings.
func testExposureOwnFigures(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	ctx := context.Background()
	financingFixture(t, env)
	const copies, perCommand = 9_300, 1_000
	disbursed := func(n int, id, funder string, amount int64) {
		t.Helper()
		p := approvedPayable(t, env, n, 1, amount, "2027-01-29")
		mustRun(t, env, &services.IssueCertificate{Actor: "anchor", ID: "c-" + id, ProgramID: "auto-scf", PayableIDs: []string{p.ID}})
		mustRun(t, env, &services.RequestCertificateDiscounting{Actor: "tier1", ID: id, ProgramID: "auto-scf", PieceID: "c-" + id, FunderID: funder})
		mustRun(t, env, &services.AcceptCertificateDiscounting{Actor: "tier1", ID: id, PieceID: "c-" + id})
		mustRun(t, env, &services.DisburseFinancing{Actor: funder, ID: id})
	}
	disbursed(801, "f-bank", "bank", 1_000_00)
	disbursed(802, "f-factor", "factor", 2_000_00)
	for from := 0; from < copies; from += perCommand {
		c := &copyFinancing{From: "f-factor"}
		for i := from; i < min(from+perCommand, copies); i++ {
			c.IDs = append(c.IDs, fmt.Sprintf("f-factor-%d", i))
		}
		mustRun(t, env, c)
	}
	readers := map[string]linkfin.RecordReader{"the financings": struct{ linkfin.RecordReader }{env.Records()}}
	if env.Mem == nil {
		readers["the index"] = env.Store
	}
	for from, r := range readers {
		rows, err := services.ExposureFor(ctx, r, linkfin.Viewer{Org: "bank"})
		if err != nil || len(rows) != 1 {
			t.Fatalf("the bank's exposure from %s: %+v, %v", from, rows, err)
		}
		if e := rows[0]; e.AnchorID != "anchor" || e.Total != 1_000_00 || e.Count != 1 || len(e.ByFunder) != 1 || e.ByFunder["bank"] != 1_000_00 {
			t.Fatalf("the bank's exposure from %s: %+v", from, e)
		}
		for _, v := range []linkfin.Viewer{{Org: "factor"}, {Org: "anchor"}, {Operator: true}} {
			if rows, err := services.ExposureFor(ctx, r, v); linkfin.ErrorCode(err) != linkfin.ETOTALTOOLARGE {
				t.Fatalf("%+v's exposure from %s, more than 2^63: %+v, %v; want %s", v, from, rows, err, linkfin.ETOTALTOOLARGE)
			}
		}
	}
	env.Restart()
	env.MustVerify()
}
