package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"linkfin"
	"linkfin/internal/testrand"
	"linkfin/services"
)

// approvedPayable runs one order through receipt, a matched invoice and approval.
func approvedPayable(t *testing.T, env *Env, n int, qty, price int64, due string) *linkfin.Payable {
	t.Helper()
	return approvedPayableIn(t, env, "auto-scf", n, qty, price, due)
}

func approvedPayableIn(t *testing.T, env *Env, program string, n int, qty, price int64, due string) *linkfin.Payable {
	t.Helper()
	matchedInvoiceIn(t, env, program, n, qty, price, due)
	p, err := run[linkfin.Payable](t, env, &services.ApproveInvoice{Actor: "anchor", ID: fmt.Sprintf("inv-%d", n)})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// matchedInvoiceIn runs one order of the program (none: "") through receipt to a
// matched invoice, inv-n, that the buyer has yet to approve.
func matchedInvoiceIn(t *testing.T, env *Env, program string, n int, qty, price int64, due string) {
	t.Helper()
	id := fmt.Sprintf("%d", n)
	// Invoices of the same amount between the same parties within days of each other
	// are held as possible duplicates: the fixture's tenth and later invoices, which
	// tests make in series of equal ones, are issued 16 days apart (in a cycle of a
	// year or so).
	issued := date(t, "2026-11-02")
	if n >= 10 {
		issued = issued.AddDays(-16 * ((n-10)%22 + 1))
	}
	order := linkfin.PurchaseOrder{ID: "po-" + id, Number: "po-" + id, SellerID: "tier1", ProgramID: program, Currency: "CNY",
		Lines: []linkfin.POLine{{LineID: "L1", Item: "part", Quantity: qty, Unit: "pc", UnitPrice: price}}}
	steps := []func() error{
		func() error {
			_, err := run[linkfin.PurchaseOrder](t, env, &services.CreatePurchaseOrder{Actor: "anchor", Order: order})
			return err
		},
		func() error {
			_, err := run[linkfin.PurchaseOrder](t, env, &services.AcceptPurchaseOrder{Actor: "tier1", ID: order.ID})
			return err
		},
		func() error {
			_, err := run[linkfin.GoodsReceipt](t, env, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{
				ID: "gr-" + id, POID: order.ID, Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: qty}}}})
			return err
		},
		func() error {
			_, err := run[linkfin.Invoice](t, env, &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{
				ID: "inv-" + id, Number: "INV-" + id, BuyerID: "anchor", POID: order.ID, Currency: "CNY", IssueDate: issued,
				DueDate: date(t, due), Lines: []linkfin.InvoiceLine{{LineID: "L1", Quantity: qty, UnitPrice: price, Amount: qty * price}},
				Total: qty * price}})
			return err
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
}

// tree reads every piece of a certificate tree from the store.
func tree(t *testing.T, env *Env, root string) []linkfin.Certificate {
	t.Helper()
	objs, err := env.Records().ListObjects(context.Background(), linkfin.KindCertificate, "", 100000)
	if err != nil {
		t.Fatal(err)
	}
	var out []linkfin.Certificate
	for _, o := range objs {
		var c linkfin.Certificate
		if err := json.Unmarshal(o.Data, &c); err != nil {
			t.Fatal(err)
		}
		if c.RootID == root {
			out = append(out, c)
		}
	}
	return out
}

// testCertificates issues a certificate from approved payables, splits it, passes
// pieces down the chain, and checks after every step that the tree is conserved.
func testCertificates(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	tradeFixture(t, env)
	// Dilution: a credit note lowers an open payable, but not one that backs a certificate.
	p0 := approvedPayable(t, env, 9, 10, 100_00, "2027-02-18")
	cn := func(id, invoice string, amount int64) (*linkfin.CreditNote, error) {
		return run[linkfin.CreditNote](t, env, &services.CreateCreditNote{Actor: "tier1", Note: linkfin.CreditNote{
			ID: id, Number: "CN-" + id, InvoiceID: invoice, Amount: amount, Reason: "two parts returned"}})
	}
	if _, err := cn("cn-0", "inv-9", p0.Amount+1); !refusal(err, linkfin.EINVALID, "at most what the invoice still asks") {
		t.Fatalf("a credit note above the invoice: %v", err)
	}
	if _, err := run[linkfin.CreditNote](t, env, &services.CreateCreditNote{Actor: "anchor", Note: linkfin.CreditNote{
		ID: "cn-x", Number: "CN-x", InvoiceID: "inv-9", Amount: 1, Reason: "x"}}); !refusal(err, linkfin.EFORBIDDEN, "only the seller issues a credit note") {
		t.Fatalf("the buyer issues a credit note: %v", err)
	}
	if _, err := cn("cn-1", "inv-9", 200_00); err != nil {
		t.Fatal(err)
	}
	if shrunk := record[linkfin.Payable](t, env, linkfin.KindPayable, p0.ID); shrunk.Amount != 800_00 {
		t.Fatalf("payable after the credit note: %+v", shrunk)
	}

	p1 := approvedPayable(t, env, 1, 1000, 1_000_01, "2027-02-18") // 1,000,010.00
	p2 := approvedPayable(t, env, 2, 3, 333_33, "2027-01-31")      // 999.99, due on a Sunday
	type cert = linkfin.Certificate
	issue := func(actor, id string, payables ...string) (*cert, error) {
		return run[cert](t, env, &services.IssueCertificate{Actor: actor, ID: id, ProgramID: "auto-scf", PayableIDs: payables})
	}
	if _, err := issue("tier1", "c1", p1.ID); !refusal(err, linkfin.ENOTFOUND, "program auto-scf not found") {
		t.Fatalf("a supplier issues: %v", err)
	}
	if _, err := issue("anchor", "c1", "pay-inv-404"); !refusal(err, linkfin.ENOTFOUND, "payable pay-inv-404 not found") {
		t.Fatalf("a certificate from no payable (Greensill): %v", err)
	}
	c1, err := issue("anchor", "c1", p1.ID, p2.ID)
	if err != nil || c1.Face != 100_001_000+99_999 || c1.HolderID != "tier1" || c1.Maturity.String() != "2027-02-18" {
		t.Fatalf("issue: %+v, %v", c1, err)
	}
	if _, err := issue("anchor", "c2", p2.ID); !refusal(err, "asset_financed", "payable pay-inv-2 is certified") {
		t.Fatalf("a payable certified twice: %v", err)
	}
	if _, err := cn("cn-2", "inv-1", 1); !refusal(err, linkfin.ECONFLICT, "is certified: it no longer shrinks") {
		t.Fatalf("a credit note against a certified payable: %v", err)
	}
	p3 := approvedPayable(t, env, 3, 1, 500_00, "2027-01-31") // due Sunday 2027-01-31
	c3, err := issue("anchor", "c3", p3.ID)
	if err != nil || c3.Maturity.String() != "2027-02-01" {
		t.Fatalf("maturity on a Sunday rolls to Monday: %+v, %v", c3, err)
	}

	// A payable backs a certificate of the program its order was written under
	// alone: not one of another program of the anchor's, nor one of an order in no
	// program. Nor does a payable that owes nothing: credited down to 0, or approved
	// at 0 from an invoice credited in full. Refused, the issue changes nothing.
	other := linkfin.Program{ID: "other-scf", Name: "Core Auto second program", Currency: "CNY", Limit: 100_000_000_00,
		Products: []linkfin.Product{linkfin.ProductCertificateDiscounting}, MaxTenorDays: 180,
		AdvanceRate: mustRate(t, "0.8"), DayCount: linkfin.ACT360, Calendar: "CN"}
	mustRun(t, env, &services.CreateProgram{Actor: "anchor", Program: other})
	p4 := approvedPayable(t, env, 4, 2, 400_00, "2027-02-18")                // 800.00, auto-scf's
	p5 := approvedPayableIn(t, env, "other-scf", 5, 3, 500_00, "2027-02-18") // 1,500.00
	p6 := approvedPayableIn(t, env, "", 6, 4, 600_00, "2027-02-18")          // 2,400.00, in no program
	// p0, credited down to 0.00.
	if _, err := cn("cn-3", "inv-9", 800_00); err != nil {
		t.Fatal(err)
	}
	matchedInvoiceIn(t, env, "auto-scf", 8, 5, 700_00, "2027-02-18")
	if _, err := cn("cn-8", "inv-8", 3_500_00); err != nil {
		t.Fatal(err)
	}
	p8, err := run[linkfin.Payable](t, env, &services.ApproveInvoice{Actor: "anchor", ID: "inv-8"})
	if err != nil || p8.Amount != 0 || p8.Status != linkfin.PayableOpen {
		t.Fatalf("an invoice credited in full, approved: %+v, %v", p8, err)
	}
	versions := func() string {
		t.Helper()
		var vs []string
		for _, id := range []string{p0.ID, p4.ID, p5.ID, p6.ID, p8.ID} {
			o, err := env.object(linkfin.KindPayable, id)
			if err != nil {
				t.Fatal(err)
			}
			var pay linkfin.Payable
			if err := json.Unmarshal(o.Data, &pay); err != nil {
				t.Fatal(err)
			}
			vs = append(vs, fmt.Sprintf("%s v%d %s %s", id, o.Version, pay.Status, pay.CertificateID))
		}
		return strings.Join(vs, ", ")
	}
	before := versions()
	for _, c := range []struct {
		payables []string
		want     string
	}{
		{[]string{p5.ID}, "payable pay-inv-5 is under program other-scf, not auto-scf"},
		{[]string{p4.ID, p5.ID}, "payable pay-inv-5 is under program other-scf, not auto-scf"},
		{[]string{p6.ID}, "payable pay-inv-6 is in no program"},
		{[]string{p4.ID, p6.ID}, "payable pay-inv-6 is in no program"},
		{[]string{p0.ID}, "payable pay-inv-9 owes nothing"},
		{[]string{p8.ID}, "payable pay-inv-8 owes nothing"},
		{[]string{p4.ID, p8.ID}, "payable pay-inv-8 owes nothing"},
	} {
		if _, err := issue("anchor", "c4", c.payables...); !refusal(err, linkfin.EINVALID, c.want) {
			t.Fatalf("a certificate of auto-scf from %v: %v, want %s: %s", c.payables, err, linkfin.EINVALID, c.want)
		}
		if _, err := env.object(linkfin.KindCertificate, "c4"); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
			t.Fatalf("a refused certificate from %v stored: %v", c.payables, err)
		}
		if after := versions(); after != before {
			t.Fatalf("a refused certificate from %v changed its payables:\n%s\nwas\n%s", c.payables, after, before)
		}
	}
	if _, err := run[cert](t, env, &services.IssueCertificate{Actor: "anchor", ID: "c5", ProgramID: "other-scf", PayableIDs: []string{p4.ID}}); !refusal(err, linkfin.EINVALID, "payable pay-inv-4 is under program auto-scf, not other-scf") {
		t.Fatalf("a certificate of other-scf from auto-scf's payable: %v", err)
	}
	if c5, err := run[cert](t, env, &services.IssueCertificate{Actor: "anchor", ID: "c5", ProgramID: "other-scf", PayableIDs: []string{p5.ID}}); err != nil ||
		c5.Face != 1_500_00 || c5.ProgramID != "other-scf" {
		t.Fatalf("a certificate of other-scf from its own payable: %+v, %v", c5, err)
	}
	if c4, err := issue("anchor", "c4", p4.ID); err != nil || c4.Face != 800_00 {
		t.Fatalf("a certificate of auto-scf from its own payable: %+v, %v", c4, err)
	}

	// Splits: exact, by the holder, of an active piece.
	split := func(actor, id string, pieces ...linkfin.Piece) ([]cert, error) {
		v, err := run[[]cert](t, env, &services.SplitCertificate{Actor: actor, ID: id, Pieces: pieces})
		if err != nil {
			return nil, err
		}
		return *v, nil
	}
	third := c1.Face / 3 // 33,366,999 with 2 fen left over: the holder places them
	if _, err := split("tier1", "c1", linkfin.Piece{ID: "c1a", Face: third}, linkfin.Piece{ID: "c1b", Face: third}, linkfin.Piece{ID: "c1c", Face: third}); !refusal(err, linkfin.EINVALID, "a split neither loses nor creates a fen") {
		t.Fatalf("a split that loses 2 fen: %v", err)
	}
	if _, err := split("anchor", "c1", linkfin.Piece{ID: "c1a", Face: 1}, linkfin.Piece{ID: "c1b", Face: c1.Face - 1}); !refusal(err, linkfin.EFORBIDDEN, "only the piece's holder") {
		t.Fatalf("the anchor splits the supplier's piece: %v", err)
	}
	parts, err := split("tier1", "c1", linkfin.Piece{ID: "c1a", Face: third}, linkfin.Piece{ID: "c1b", Face: third}, linkfin.Piece{ID: "c1c", Face: c1.Face - 2*third})
	if err != nil || len(parts) != 3 || parts[2].Face != third+2 || parts[0].ParentID != "c1" || parts[0].RootID != "c1" {
		t.Fatalf("split: %+v, %v", parts, err)
	}
	if _, err := split("tier1", "c1", linkfin.Piece{ID: "x1", Face: 1}, linkfin.Piece{ID: "x2", Face: c1.Face - 1}); !refusal(err, "certificate_not_active", "certificate c1 is split") {
		t.Fatalf("splitting a split piece: %v", err)
	}

	// Transfers: only to a trading partner, whole or in part.
	transfer := func(actor, id, to string, amount int64, newID, rest string) ([]cert, error) {
		v, err := run[[]cert](t, env, &services.TransferCertificate{Actor: actor, ID: id, To: to, Amount: amount, NewID: newID, RemainderID: rest})
		if err != nil {
			return nil, err
		}
		return *v, nil
	}
	if _, err := transfer("tier1", "c1a", "tier2", 100, "t1", "t1r"); !refusal(err, linkfin.EFORBIDDEN, "active relationship") {
		t.Fatalf("a transfer without a trade background: %v", err)
	}
	mustRun(t, env, &services.ProposeRelationship{Actor: "tier1", BuyerID: "tier1", SellerID: "tier2"})
	mustRun(t, env, &services.AcceptRelationship{Actor: "tier2", BuyerID: "tier1", SellerID: "tier2"})
	got, err := transfer("tier1", "c1a", "tier2", 10_000_00, "t1", "t1r")
	if err != nil || len(got) != 2 || got[0].HolderID != "tier2" || got[0].Face != 10_000_00 || got[1].HolderID != "tier1" || got[1].Face != third-10_000_00 {
		t.Fatalf("part transfer: %+v, %v", got, err)
	}
	if got[0].Tier != 2 || got[1].Tier != 1 {
		t.Fatalf("tiers after a transfer down the chain: %d and %d", got[0].Tier, got[1].Tier)
	}
	if got, err = transfer("tier1", "c1b", "tier2", third, "t2", ""); err != nil || len(got) != 1 || got[0].HolderID != "tier2" {
		t.Fatalf("whole transfer: %+v, %v", got, err)
	}
	if _, err := transfer("tier2", "t2", "anchor", 1, "t3", "t3r"); !refusal(err, linkfin.EFORBIDDEN, "active relationship") {
		t.Fatalf("passing to the anchor without a relationship: %v", err)
	}
	// Nor back to the anchor that owes it, with whom tier1 trades: its claim would be
	// on itself (and its maturity would pay it from its own wallet).
	if _, err := transfer("tier1", "t1r", "anchor", 1, "t3", "t3r"); !refusal(err, linkfin.EFORBIDDEN, "which owes it") {
		t.Fatalf("passing a piece to the anchor that owes it: %v", err)
	}
	if p := record[cert](t, env, linkfin.KindCertificate, "t1r"); p.HolderID != "tier1" || p.Status != linkfin.CertificateActive {
		t.Fatalf("the piece after a refused transfer: %+v", p)
	}
	// Passed back up the chain, to the holder's buyer, a piece goes a tier up: tier2
	// gives part of t2 back to tier1, tier 1 again, and keeps the rest at tier 2.
	if got, err := transfer("tier2", "t2", "tier1", 1_00, "t4", "t4r"); err != nil || len(got) != 2 || got[0].HolderID != "tier1" || got[0].Tier != 1 ||
		got[1].HolderID != "tier2" || got[1].Tier != 2 {
		t.Fatalf("a piece passed back up the chain: %+v, %v", got, err)
	}
	if p := linkfin.CheckTree(tree(t, env, "c1"), 0); len(p) > 0 {
		t.Fatalf("tree c1: %v", p)
	}
	walked, err := services.CertificateTree(context.Background(), env.Records(), "c1")
	if err != nil || len(walked) != len(tree(t, env, "c1")) || walked[0].ID != "c1" {
		t.Fatalf("CertificateTree: %d pieces, %v", len(walked), err)
	}

	// Random splits and transfers never lose or create a fen.
	rng := testrand.New(t)
	next := 0
	for step := 0; step < 150; step++ {
		var active []cert
		for _, c := range tree(t, env, "c1") {
			if c.Status == linkfin.CertificateActive && c.Face > 1 {
				active = append(active, c)
			}
		}
		c := active[rng.IntN(len(active))]
		next++
		a, b := fmt.Sprintf("r%da", next), fmt.Sprintf("r%db", next)
		cut := 1 + rng.Int64N(c.Face-1)
		switch {
		case rng.IntN(2) == 0:
			_, err = split(c.HolderID, c.ID, linkfin.Piece{ID: a, Face: cut}, linkfin.Piece{ID: b, Face: c.Face - cut})
		case c.HolderID == "tier1":
			_, err = transfer("tier1", c.ID, "tier2", cut, a, b)
		default:
			_, err = transfer("tier2", c.ID, "tier1", cut, a, b)
		}
		if err != nil {
			t.Fatalf("step %d on %s: %v", step, c.ID, err)
		}
		if p := linkfin.CheckTree(tree(t, env, "c1"), 0); len(p) > 0 {
			t.Fatalf("step %d: %s", step, strings.Join(p, "; "))
		}
	}
	// Any piece traces to its root, the root's payables, invoices and orders.
	l, err := services.CertificateLineage(context.Background(), env.Records(), "t1")
	if err != nil {
		t.Fatal(err)
	}
	var pieces, docs []string
	for _, p := range l.Pieces {
		pieces = append(pieces, p.ID)
	}
	for i := range l.Payables {
		docs = append(docs, l.Payables[i].ID+"<"+l.Invoices[i].ID+"<"+l.Orders[i].ID)
	}
	if strings.Join(pieces, ">") != "c1>c1a>t1" || strings.Join(docs, " ") != "pay-inv-1<inv-1<po-1 pay-inv-2<inv-2<po-2" {
		t.Fatalf("lineage: %s; %s", strings.Join(pieces, ">"), strings.Join(docs, " "))
	}
	env.Restart()
	env.MustVerify()
}
