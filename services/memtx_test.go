package services_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"linkfin"
	"linkfin/ledger"
	"linkfin/memtx"
	"linkfin/services"
)

// The domain's scenarios, run in memory on memtx: no store, no engine.

// world is a memtx DB with a clock the test moves.
type world struct {
	t   *testing.T
	db  *memtx.DB
	now time.Time
}

func newWorld(t *testing.T) *world {
	w := &world{t: t, now: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	w.db = memtx.New(func() time.Time { return w.now })
	return w
}

// run runs one command and decodes its answer.
func run[T any](w *world, c linkfin.Command) (*T, error) {
	w.t.Helper()
	var v T
	err := w.db.Run(context.Background(), c, &v)
	return &v, err
}

func (w *world) must(cs ...linkfin.Command) {
	w.t.Helper()
	for _, c := range cs {
		if err := w.db.Run(context.Background(), c, new(json.RawMessage)); err != nil {
			w.t.Fatalf("%T: %v", c, err)
		}
	}
}

// refused runs c, expects the refusal code, and checks that the refusal changed nothing.
func (w *world) refused(c linkfin.Command, code string) {
	w.t.Helper()
	events := len(w.db.Events())
	err := w.db.Run(context.Background(), c, new(json.RawMessage))
	if linkfin.ErrorCode(err) != code {
		w.t.Fatalf("%T: %v, want %s", c, err, code)
	}
	if n := len(w.db.Events()); n != events {
		w.t.Fatalf("%T was refused but logged %d events", c, n-events)
	}
}

// wallet is what an organization's CNY wallet holds, posted.
func (w *world) wallet(org string) int64 {
	a, _ := w.db.Account(linkfin.WalletID(org, "CNY"))
	return a.CreditsPosted - a.DebitsPosted
}

func rate(t *testing.T, s string) linkfin.Rate {
	r, err := linkfin.ParseRate(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func day(t *testing.T, s string) linkfin.Date {
	d, err := linkfin.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// parties: an anchor buying from tier1 under the program auto-scf (certificate
// discounting), tier2 selling to tier1, and bank, a funder with 2,000,000.00 in its
// wallet and a limit of 3,000,000.00 at 4.25 %.
func parties(w *world) {
	t := w.t
	caps := func(cs ...linkfin.Capability) []linkfin.Capability { return cs }
	for _, o := range []linkfin.Organization{
		{ID: "anchor", Name: "Core Auto Group", Capabilities: caps(linkfin.CapAnchor, linkfin.CapTrade)},
		{ID: "tier1", Name: "Tier One Parts", Capabilities: caps(linkfin.CapTrade)},
		{ID: "tier2", Name: "Tier Two Castings", Capabilities: caps(linkfin.CapTrade)},
		{ID: "bank", Name: "Funder bank", Capabilities: caps(linkfin.CapFund)},
	} {
		w.must(&services.CreateOrganization{Org: o})
	}
	w.must(
		&services.ProposeRelationship{Actor: "anchor", BuyerID: "anchor", SellerID: "tier1"},
		&services.AcceptRelationship{Actor: "tier1", BuyerID: "anchor", SellerID: "tier1"},
		&services.ProposeRelationship{Actor: "tier1", BuyerID: "tier1", SellerID: "tier2"},
		&services.AcceptRelationship{Actor: "tier2", BuyerID: "tier1", SellerID: "tier2"},
	)
	r := rate(t, "0.0425")
	w.must(
		&services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: "auto-scf", Name: "Core Auto supplier finance",
			Currency: "CNY", Limit: 500_000_000_00, Products: []linkfin.Product{linkfin.ProductCertificateDiscounting, linkfin.ProductFactoring},
			MaxTenorDays: 180, AdvanceRate: rate(t, "0.8"), DayCount: linkfin.ACT360, Calendar: "CN",
			Tolerances: linkfin.MatchTolerances{QuantityRate: rate(t, "0.02"), PriceRate: rate(t, "0.01"), AmountAbs: 100_00}}},
		&services.InviteFunder{Actor: "anchor", ProgramID: "auto-scf", FunderID: "bank", Limit: 3_000_000_00,
			Pricing: linkfin.Pricing{FixedRate: &r}},
		&services.AcceptFunder{Actor: "bank", ProgramID: "auto-scf"},
		&services.RecordInboundPayment{Rail: "bank", InstructionID: "dep-bank", OrgID: "bank", Currency: "CNY", Amount: 2_000_000_00},
	)
}

// payable runs order n (qty × price, due on due) from order to approved payable.
func payable(w *world, n string, qty, price int64, due string) *linkfin.Payable {
	w.t.Helper()
	return payableUnder(w, "auto-scf", n, qty, price, due)
}

// payableUnder is payable, the order placed under the anchor's program programID.
func payableUnder(w *world, programID, n string, qty, price int64, due string) *linkfin.Payable {
	t := w.t
	t.Helper()
	w.must(
		&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "po-" + n, Number: "PO-" + n, SellerID: "tier1",
			ProgramID: programID, Currency: "CNY", Lines: []linkfin.POLine{{LineID: "L1", Item: "part", Quantity: qty, Unit: "pc", UnitPrice: price}}}},
		&services.AcceptPurchaseOrder{Actor: "tier1", ID: "po-" + n},
		&services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "gr-" + n, POID: "po-" + n,
			Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: qty}}}},
		&services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-" + n, Number: "INV-" + n, BuyerID: "anchor",
			POID: "po-" + n, Currency: "CNY", IssueDate: day(t, "2026-11-02"), DueDate: day(t, due),
			Lines: []linkfin.InvoiceLine{{LineID: "L1", Quantity: qty, UnitPrice: price, Amount: qty * price}}, Total: qty * price}},
	)
	p, err := run[linkfin.Payable](w, &services.ApproveInvoice{Actor: "anchor", ID: "inv-" + n})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// An order becomes a payable: the seller accepts it, the buyer receives the goods,
// the seller's invoice matches order and receipt, the buyer approves it. Each step
// refuses the wrong party and changes nothing when it does.
func TestTradeInMemory(t *testing.T) {
	w := newWorld(t)
	parties(w)
	order := linkfin.PurchaseOrder{ID: "po-1", Number: "PO-1", SellerID: "tier1", ProgramID: "auto-scf", Currency: "CNY",
		Lines: []linkfin.POLine{{LineID: "L1", Item: "brake disc", Quantity: 1000, Unit: "pc", UnitPrice: 12_50},
			{LineID: "L2", Item: "caliper", Quantity: 200, Unit: "pc", UnitPrice: 99_00}}}
	w.refused(&services.CreatePurchaseOrder{Actor: "tier2", Order: order}, linkfin.EFORBIDDEN)
	po, err := run[linkfin.PurchaseOrder](w, &services.CreatePurchaseOrder{Actor: "anchor", Order: order})
	if err != nil || po.Total != 32_300_00 || po.Status != linkfin.POIssued || po.BuyerID != "anchor" {
		t.Fatalf("order: %+v, %v", po, err)
	}
	w.refused(&services.AcceptPurchaseOrder{Actor: "anchor", ID: "po-1"}, linkfin.EFORBIDDEN)
	w.refused(&services.AcceptPurchaseOrder{Actor: "tier2", ID: "po-1"}, linkfin.ENOTFOUND)
	w.must(&services.AcceptPurchaseOrder{Actor: "tier1", ID: "po-1"})
	receipt := linkfin.GoodsReceipt{ID: "gr-1", POID: "po-1", Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: 980, Rejected: 20}, {LineID: "L2", Accepted: 200}}}
	w.refused(&services.CreateGoodsReceipt{Actor: "tier1", Receipt: receipt}, linkfin.EFORBIDDEN)
	w.must(&services.CreateGoodsReceipt{Actor: "anchor", Receipt: receipt})

	invoice := func(id string, q1 int64) linkfin.Invoice {
		lines := []linkfin.InvoiceLine{{LineID: "L1", Quantity: q1, UnitPrice: 12_50, Amount: q1 * 12_50}, {LineID: "L2", Quantity: 200, UnitPrice: 99_00, Amount: 200 * 99_00}}
		return linkfin.Invoice{ID: id, Number: "INV-" + id, BuyerID: "anchor", POID: "po-1", Currency: "CNY", IssueDate: day(t, "2026-11-02"),
			DueDate: day(t, "2027-02-18"), Lines: lines, Tax: 4_166_50, Total: q1*12_50 + 200*99_00 + 4_166_50}
	}
	// 1,000 brake discs invoiced, 980 received: over the 2 % tolerance.
	bad, err := run[linkfin.Invoice](w, &services.CreateInvoice{Actor: "tier1", Invoice: invoice("inv-2", 1000)})
	if err != nil || bad.Status != linkfin.InvoiceMismatched || bad.Match.OK {
		t.Fatalf("an invoice over what was received: %+v, %v", bad, err)
	}
	good, err := run[linkfin.Invoice](w, &services.CreateInvoice{Actor: "tier1", Invoice: invoice("inv-1", 980)})
	if err != nil || good.Status != linkfin.InvoiceMatched || good.Total != 36_216_50 {
		t.Fatalf("matched invoice: %+v, %v", good, err)
	}
	w.refused(&services.ApproveInvoice{Actor: "tier1", ID: "inv-1"}, linkfin.EFORBIDDEN)
	w.refused(&services.ApproveInvoice{Actor: "anchor", ID: "inv-2"}, "invoice_not_matched")
	p, err := run[linkfin.Payable](w, &services.ApproveInvoice{Actor: "anchor", ID: "inv-1"})
	if err != nil || p.ID != "pay-inv-1" || p.Amount != 36_216_50 || p.DueDate.String() != "2027-02-18" || p.SellerID != "tier1" ||
		!p.ApprovedAt.Truncate(time.Second).Equal(w.now) {
		t.Fatalf("payable: %+v, %v", p, err)
	}
	w.refused(&services.DisputeInvoice{Actor: "anchor", ID: "inv-1", Reason: "late"}, linkfin.ECONFLICT)
	w.refused(&services.CancelPurchaseOrder{Actor: "anchor", ID: "po-1"}, linkfin.ECONFLICT)
}

// A certificate is issued on a payable, split, passed down to tier2 in part, and a
// piece of it discounted with the bank: quoted, accepted (the limits held), disbursed
// (the price paid, the holds posted). At maturity the anchor pays every holder.
func TestCertificateInMemory(t *testing.T) {
	w := newWorld(t)
	parties(w)
	p := payable(w, "1", 1000, 1_000_00, "2027-01-31") // 1,000,000.00, due on a Sunday
	w.refused(&services.IssueCertificate{Actor: "tier1", ID: "c1", ProgramID: "auto-scf", PayableIDs: []string{p.ID}}, linkfin.ENOTFOUND)
	c1, err := run[linkfin.Certificate](w, &services.IssueCertificate{Actor: "anchor", ID: "c1", ProgramID: "auto-scf", PayableIDs: []string{p.ID}})
	if err != nil || c1.Face != 1_000_000_00 || c1.HolderID != "tier1" || c1.Maturity.String() != "2027-02-01" {
		t.Fatalf("issue: %+v, %v", c1, err)
	}
	w.refused(&services.SplitCertificate{Actor: "tier1", ID: "c1", Pieces: []linkfin.Piece{{ID: "c1a", Face: 600_000_00}, {ID: "c1b", Face: 399_999_99}}}, linkfin.EINVALID)
	w.must(&services.SplitCertificate{Actor: "tier1", ID: "c1", Pieces: []linkfin.Piece{{ID: "c1a", Face: 600_000_00}, {ID: "c1b", Face: 400_000_00}}})
	w.refused(&services.TransferCertificate{Actor: "tier1", ID: "c1b", To: "bank", Amount: 1, NewID: "x"}, linkfin.EFORBIDDEN)
	got, err := run[[]linkfin.Certificate](w, &services.TransferCertificate{Actor: "tier1", ID: "c1b", To: "tier2", Amount: 100_000_00, NewID: "t1", RemainderID: "t1r"})
	if err != nil || len(*got) != 2 || (*got)[0].HolderID != "tier2" || (*got)[0].Face != 100_000_00 || (*got)[1].Face != 300_000_00 {
		t.Fatalf("transfer: %+v, %v", got, err)
	}

	// Discounting c1a: 600,000.00 × 4.25 % × 91 / 360 = 6,445.833… → 6,445.83.
	q, err := run[linkfin.Financing](w, &services.RequestCertificateDiscounting{Actor: "tier1", ID: "f1", ProgramID: "auto-scf", PieceID: "c1a", FunderID: "bank"})
	if err != nil || q.Quote.Days != 91 || q.Quote.Discount != 6_445_83 || q.Quote.Price != 593_554_17 || q.Status != linkfin.FinancingQuoted {
		t.Fatalf("quote: %+v, %v", q, err)
	}
	w.refused(&services.AcceptCertificateDiscounting{Actor: "bank", ID: "f1", PieceID: "c1a"}, linkfin.EFORBIDDEN)
	w.must(&services.AcceptCertificateDiscounting{Actor: "tier1", ID: "f1", PieceID: "c1a"})
	if held, _ := w.db.Account(services.LimitID("auto-scf", "bank")); held.DebitsPending != 600_000_00 {
		t.Fatalf("the bank's limit holds %d", held.DebitsPending)
	}
	w.refused(&services.RequestCertificateDiscounting{Actor: "tier1", ID: "f2", ProgramID: "auto-scf", PieceID: "c1a", FunderID: "bank"}, "asset_financed")
	w.refused(&services.DisburseFinancing{Actor: "tier1", ID: "f1"}, linkfin.EFORBIDDEN)
	f, err := run[linkfin.Financing](w, &services.DisburseFinancing{Actor: "bank", ID: "f1"})
	if err != nil || f.Status != linkfin.FinancingDisbursed {
		t.Fatalf("disburse: %+v, %v", f, err)
	}
	if w.wallet("tier1") != 593_554_17 || w.wallet("bank") != 2_000_000_00-593_554_17 {
		t.Fatalf("after the disbursement tier1 holds %d, the bank %d", w.wallet("tier1"), w.wallet("bank"))
	}
	if held, _ := w.db.Account(services.LimitID("auto-scf", "bank")); held.DebitsPending != 0 || held.DebitsPosted != 600_000_00 {
		t.Fatalf("the bank's limit: %+v", held)
	}

	// Maturity: the anchor pays 1,000,000.00 and each holder gets its face: the bank
	// for c1a, tier2 for t1, tier1 for t1r.
	w.must(&services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-1", OrgID: "anchor", Currency: "CNY", Amount: 1_000_000_00})
	w.refused(&services.SettleMaturity{ProgramID: "auto-scf", Date: day(t, "2027-02-01")}, linkfin.ECONFLICT)
	w.now = w.now.AddDate(0, 0, 91)
	r, err := run[linkfin.SettlementResult](w, &services.SettleMaturity{ProgramID: "auto-scf", Date: day(t, "2027-02-01")})
	if err != nil || len(r.Paid) != 3 || len(r.Overdue) != 0 || r.PaidTotal != 1_000_000_00 {
		t.Fatalf("settlement: %+v, %v", r, err)
	}
	if w.wallet("anchor") != 0 || w.wallet("tier2") != 100_000_00 || w.wallet("tier1") != 593_554_17+300_000_00 ||
		w.wallet("bank") != 2_000_000_00-593_554_17+600_000_00 {
		t.Fatalf("after maturity: anchor %d, tier1 %d, tier2 %d, bank %d", w.wallet("anchor"), w.wallet("tier1"), w.wallet("tier2"), w.wallet("bank"))
	}
}

// A payable factored with recourse: 80 % advanced now, collected from the buyer at
// the due date, and the reserve less interest paid back to the seller.
func TestFactoringInMemory(t *testing.T) {
	w := newWorld(t)
	parties(w)
	p := payable(w, "1", 100, 1_000_00, "2027-01-01") // 100,000.00 in 60 days
	w.refused(&services.RequestFactoring{Actor: "anchor", ID: "fx", PayableID: p.ID, ProgramID: "auto-scf", FunderID: "bank"}, linkfin.EFORBIDDEN)
	q, err := run[linkfin.Financing](w, &services.RequestFactoring{Actor: "tier1", ID: "fx", PayableID: p.ID, ProgramID: "auto-scf", FunderID: "bank"})
	// Advance 80 % = 80,000.00; interest 80,000.00 × 4.25 % × 60 / 360 = 566.67.
	if err != nil || q.Quote.Price != 80_000_00 || q.Interest != 566_67 || q.Quote.Days != 60 {
		t.Fatalf("quote: %+v, %v", q, err)
	}
	w.must(&services.AcceptFactoring{Actor: "tier1", ID: "fx", PayableID: p.ID}, &services.DisburseFinancing{Actor: "bank", ID: "fx"})
	if w.wallet("tier1") != 80_000_00 {
		t.Fatalf("tier1 holds %d after the advance", w.wallet("tier1"))
	}
	w.refused(&services.IssueCertificate{Actor: "anchor", ID: "cx", ProgramID: "auto-scf", PayableIDs: []string{p.ID}}, "asset_financed")
	w.refused(&services.CollectFactored{ID: "fx"}, linkfin.ECONFLICT) // not due yet
	w.now = w.now.AddDate(0, 0, 60)
	w.must(&services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-fx", OrgID: "anchor", Currency: "CNY", Amount: 100_000_00})
	f, err := run[linkfin.Financing](w, &services.CollectFactored{ID: "fx"})
	if err != nil || f.Status != linkfin.FinancingSettled {
		t.Fatalf("collect: %+v, %v", f, err)
	}
	// The seller gets the reserve, 20,000.00, less the interest.
	if w.wallet("tier1") != 80_000_00+20_000_00-566_67 || w.wallet("bank") != 2_000_000_00+566_67 || w.wallet("anchor") != 0 {
		t.Fatalf("after collection: tier1 %d, bank %d, anchor %d", w.wallet("tier1"), w.wallet("bank"), w.wallet("anchor"))
	}
	// The disbursement posted the limits' holds: none was left to expire.
	for _, e := range w.db.Events() {
		if e.Type == string(ledger.EventPendingExpired) {
			t.Fatalf("a hold expired: %s", e.Data)
		}
	}
}
