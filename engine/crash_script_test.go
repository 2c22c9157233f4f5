package engine_test

import (
	"context"
	"fmt"
	"time"

	"linkfin"
	"linkfin/services"
)

// The domain part of the crash test: one script of commands that takes every product
// from its parties to its end — certificates issued, split, passed on, financed and
// settled; factoring, purchase-order financing, dynamic discounting, distributor
// financing and a warehouse pledge, each disbursed and repaid or collected;
// conditional payments, locked, released in parts, on a date, and refunded; and e-CNY
// wallets, opened, designated, topped up and paying, with a conditional payment on the
// e-CNY rail released into the payee's wallet with each receipt. The child
// runs it in order, one command per request under the idempotency key of its step,
// and resumes after a kill at the first step it never saw answered.

// crashEpoch is the script's today: the child's clock is crashEpoch plus the time
// since the test began, plus crashShift once the script reaches its later half.
var crashEpoch = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// crashShift is how far the clock jumps at crashScript's shift: past the due dates
// (2027-01-31) and the maturity (2027-02-01) of what the first half financed.
const crashShift = 100 * 24 * time.Hour

// walletStep is a step that names e-CNY wallets, whose ids the platform gives when it
// opens them: it is made when it is sent (resolveStep), from the wallet each of orgs
// holds then, so that a step sent again is the same request.
type walletStep struct {
	orgs []string
	make func(wallets ...string) linkfin.Command
}

func (*walletStep) Keys() []linkfin.ObjectKey     { panic("a wallet step is made before it is sent") }
func (*walletStep) Apply(linkfin.Tx) (any, error) { panic("a wallet step is made before it is sent") }
func (*walletStep) DependentKeys(linkfin.Records) []linkfin.ObjectKey {
	panic("a wallet step is made before it is sent")
}

// resolveStep makes a wallet step's command from the store's wallets; any other step
// is itself.
func resolveStep(ctx context.Context, s linkfin.Store, c linkfin.Command) (linkfin.Command, error) {
	ws, ok := c.(*walletStep)
	if !ok {
		return c, nil
	}
	var ids []string
	for _, org := range ws.orgs {
		objs, err := s.ListObjectsByParty(ctx, linkfin.KindECNYWallet, org, "", 2)
		if err != nil {
			return nil, err
		}
		if len(objs) != 1 {
			return nil, fmt.Errorf("%s has %d e-CNY wallets, not one", org, len(objs))
		}
		ids = append(ids, objs[0].ID)
	}
	return ws.make(ids...), nil
}

// crashStepKey is the idempotency key of step i.
func crashStepKey(i int) string { return fmt.Sprintf("crash-step-%d", i) }

// crashScript returns the script's commands, and the index of the first one that
// runs after the clock's jump.
func crashScript() (steps []linkfin.Command, shift int) {
	rate := func(s string) *linkfin.Rate {
		r, err := linkfin.ParseRate(s)
		if err != nil {
			panic(err)
		}
		return &r
	}
	date := func(s string) linkfin.Date {
		d, err := linkfin.ParseDate(s)
		if err != nil {
			panic(err)
		}
		return d
	}
	add := func(cs ...linkfin.Command) { steps = append(steps, cs...) }
	caps := func(cs ...linkfin.Capability) []linkfin.Capability { return cs }
	for _, o := range []linkfin.Organization{
		{ID: "anchor", Name: "Core Auto Group", Capabilities: caps(linkfin.CapAnchor, linkfin.CapTrade)},
		{ID: "tier1", Name: "Tier One Parts", Capabilities: caps(linkfin.CapTrade)},
		{ID: "tier2", Name: "Tier Two Castings", Capabilities: caps(linkfin.CapTrade)},
		{ID: "dealer", Name: "City Dealer", Capabilities: caps(linkfin.CapTrade)},
		{ID: "trader", Name: "Copper Trader", Capabilities: caps(linkfin.CapTrade)},
		{ID: "port", Name: "Port Warehouse", Capabilities: caps(linkfin.CapLogistics)},
		{ID: "bank", Name: "River Bank", Capabilities: caps(linkfin.CapFund)},
	} {
		add(&services.CreateOrganization{Org: o})
	}
	for _, r := range [][2]string{{"anchor", "tier1"}, {"tier1", "tier2"}, {"dealer", "anchor"}} {
		add(&services.ProposeRelationship{Actor: r[0], BuyerID: r[0], SellerID: r[1]},
			&services.AcceptRelationship{Actor: r[1], BuyerID: r[0], SellerID: r[1]})
	}
	program := func(id string, p ...linkfin.Product) linkfin.Program {
		return linkfin.Program{ID: id, Name: "Program " + id, Currency: "CNY", Limit: 100_000_000_00, Products: p,
			MaxTenorDays: 180, AdvanceRate: *rate("0.8"), DayCount: linkfin.ACT360, Calendar: "CN"}
	}
	dd := program("dd", linkfin.ProductDynamicDiscounting)
	dd.EarlyPaymentAPR = rate("0.18")
	dist := program("dist", linkfin.ProductDistributorFinancing)
	dist.MaxTenorDays, dist.BuyBack = 90, true
	wh := program("wh", linkfin.ProductWarehousePledge)
	wh.MaxTenorDays, wh.AdvanceRate, wh.MarginCallLTV = 90, *rate("0.6"), rate("0.75")
	for _, p := range []linkfin.Program{program("scf", linkfin.ProductCertificateDiscounting),
		program("fx", linkfin.ProductFactoring, linkfin.ProductPOFinancing), dd, dist, wh} {
		add(&services.CreateProgram{Actor: "anchor", Program: p})
		if p.ID != "dd" {
			add(&services.InviteFunder{Actor: "anchor", ProgramID: p.ID, FunderID: "bank", Limit: 50_000_000_00,
				Pricing: linkfin.Pricing{FixedRate: rate("0.05")}},
				&services.AcceptFunder{Actor: "bank", ProgramID: p.ID})
		}
	}
	for _, d := range []struct {
		org    string
		amount int64
	}{{"bank", 50_000_000_00}, {"anchor", 50_000_000_00}, {"dealer", 1_000_000_00}, {"trader", 1_000_000_00}} {
		add(&services.RecordInboundPayment{Rail: "bank", InstructionID: "dep-" + d.org, OrgID: d.org, Currency: "CNY", Amount: d.amount})
	}
	// The anchor's orders from tier1, each up to an approved payable; po-4 is financed
	// before it ships, so its steps are split around the advance.
	order := func(n int, program string) (create, accept linkfin.Command) {
		id := fmt.Sprint(n)
		o := linkfin.PurchaseOrder{ID: "po-" + id, Number: "po-" + id, SellerID: "tier1", ProgramID: program, Currency: "CNY",
			Lines: []linkfin.POLine{{LineID: "L1", Item: "part", Quantity: 1000, Unit: "pc", UnitPrice: 1_000_00}}}
		return &services.CreatePurchaseOrder{Actor: "anchor", Order: o}, &services.AcceptPurchaseOrder{Actor: "tier1", ID: o.ID}
	}
	invoiced := func(n int, due string) []linkfin.Command {
		id := fmt.Sprint(n)
		return []linkfin.Command{
			&services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "gr-" + id, POID: "po-" + id,
				Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: 1000}}}},
			&services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-" + id, Number: "INV-" + id, BuyerID: "anchor",
				// Alike invoices within days would be held as possible duplicates: each
				// is issued 16 days before the last.
				POID: "po-" + id, Currency: "CNY", IssueDate: date("2026-11-02").AddDays(-16 * (n - 1)), DueDate: date(due),
				Lines: []linkfin.InvoiceLine{{LineID: "L1", Quantity: 1000, UnitPrice: 1_000_00, Amount: 1_000_000_00}}, Total: 1_000_000_00}},
			&services.ApproveInvoice{Actor: "anchor", ID: "inv-" + id},
		}
	}
	for _, o := range []struct {
		n       int
		program string
		due     string
	}{{1, "scf", "2027-01-31"}, {2, "fx", "2027-01-31"}, {3, "dd", "2026-11-30"}} {
		c, a := order(o.n, o.program)
		add(c, a)
		add(invoiced(o.n, o.due)...)
	}
	// Certificates: issued, split, part passed down to tier2, a piece financed.
	add(&services.IssueCertificate{Actor: "anchor", ID: "c1", ProgramID: "scf", PayableIDs: []string{linkfin.PayableID("inv-1")}},
		&services.SplitCertificate{Actor: "tier1", ID: "c1", Pieces: []linkfin.Piece{{ID: "c1a", Face: 600_000_00}, {ID: "c1b", Face: 400_000_00}}},
		&services.TransferCertificate{Actor: "tier1", ID: "c1b", To: "tier2", Amount: 150_000_00, NewID: "t1", RemainderID: "c1c"},
		&services.RequestCertificateDiscounting{Actor: "tier1", ID: "f-cert", ProgramID: "scf", PieceID: "c1a", FunderID: "bank"},
		&services.AcceptCertificateDiscounting{Actor: "tier1", ID: "f-cert", PieceID: "c1a"},
		&services.DisburseFinancing{Actor: "bank", ID: "f-cert"})
	// Factoring.
	add(&services.RequestFactoring{Actor: "tier1", ID: "f-fx", PayableID: linkfin.PayableID("inv-2"), ProgramID: "fx", FunderID: "bank"},
		&services.AcceptFactoring{Actor: "tier1", ID: "f-fx", PayableID: linkfin.PayableID("inv-2")},
		&services.DisburseFinancing{Actor: "bank", ID: "f-fx"})
	// Dynamic discounting: the anchor pays early from its own cash.
	add(&services.RequestDynamicDiscounting{Actor: "tier1", ID: "f-dd", PayableID: linkfin.PayableID("inv-3"), ProgramID: "dd"},
		&services.AcceptDynamicDiscounting{Actor: "tier1", ID: "f-dd", PayableID: linkfin.PayableID("inv-3")})
	// Purchase-order financing, then the order ships and becomes the advance's payable.
	c4, a4 := order(4, "fx")
	add(c4, a4,
		&services.RequestPOFinancing{Actor: "tier1", ID: "f-po", POID: "po-4", ProgramID: "fx", FunderID: "bank"},
		&services.AcceptPOFinancing{Actor: "tier1", ID: "f-po", POID: "po-4"},
		&services.DisburseFinancing{Actor: "bank", ID: "f-po"})
	add(invoiced(4, "2027-01-31")...)
	// Distributor financing: the bank pays the anchor for the dealer's order; the
	// dealer repays from its own cash.
	add(&services.CreatePurchaseOrder{Actor: "dealer", Order: linkfin.PurchaseOrder{ID: "dpo-1", Number: "dpo-1", SellerID: "anchor", ProgramID: "dist",
		Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "sedan", Quantity: 2, Unit: "car", UnitPrice: 100_000_00}}}},
		&services.AcceptPurchaseOrder{Actor: "anchor", ID: "dpo-1"},
		&services.RequestDistributorFinancing{Actor: "dealer", ID: "f-dist", POID: "dpo-1", ProgramID: "dist", FunderID: "bank"},
		&services.AcceptDistributorFinancing{Actor: "dealer", ID: "f-dist", POID: "dpo-1"},
		&services.DisburseFinancing{Actor: "bank", ID: "f-dist"},
		&services.CloseDistributorLoan{ID: "f-dist"})
	// Conditional payments: the anchor locks money for tier1 on po-5's goods, released
	// pro rata with each receipt; one to be released on a date, and one whose
	// milestone is never confirmed, refunded at its expiry, both by the scheduler
	// after the clock's jump.
	c5, a5 := order(5, "fx")
	releaseOn, expiresOn := date("2027-01-15"), date("2027-01-20")
	add(c5, a5,
		&services.CreateConditionalPayment{Actor: "anchor", ID: "cp-1", In: linkfin.ConditionalPaymentIn{PayeeID: "tier1", Currency: "CNY",
			Amount: 300_000_00, Condition: linkfin.ConditionIn{Type: linkfin.ConditionGoodsReceived, POID: "po-5", Release: linkfin.ReleaseProRata}}},
		&services.CreateConditionalPayment{Actor: "anchor", ID: "cp-2", In: linkfin.ConditionalPaymentIn{PayeeID: "tier1", Currency: "CNY",
			Amount: 20_000_00, Condition: linkfin.ConditionIn{Type: linkfin.ConditionDate, Date: &releaseOn}}},
		&services.CreateConditionalPayment{Actor: "anchor", ID: "cp-3", In: linkfin.ConditionalPaymentIn{PayeeID: "tier1", Currency: "CNY",
			Amount: 10_000_00, Condition: linkfin.ConditionIn{Type: linkfin.ConditionMilestone, Milestone: "tooling installed", ConfirmerID: "tier2"},
			ExpiresOn: &expiresOn}},
		&services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "gr-5a", POID: "po-5",
			Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: 333}}}},
		&services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "gr-5b", POID: "po-5",
			Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: 667}}}})
	// e-CNY: the operator opens the anchor's and tier1's corporate wallets, each
	// designates its own; the anchor tops its wallet up, pays tier1's at once, and
	// locks a conditional payment on the e-CNY rail for po-6's goods, released into
	// tier1's wallet with each receipt.
	limits := linkfin.WalletLimits{Balance: 10_000_000_00, Payment: 1_000_000_00, Daily: 2_000_000_00, Yearly: 10_000_000_00}
	add(&services.OpenECNYWallet{OrgID: "anchor", In: linkfin.ECNYWalletIn{Limits: &limits}},
		&services.OpenECNYWallet{OrgID: "tier1", In: linkfin.ECNYWalletIn{Limits: &limits}})
	for _, org := range []string{"anchor", "tier1"} {
		add(&walletStep{orgs: []string{org}, make: func(w ...string) linkfin.Command {
			return &services.DesignateECNYWallet{Actor: org, OrgID: org, WalletID: w[0]}
		}})
	}
	add(&walletStep{orgs: []string{"anchor"}, make: func(w ...string) linkfin.Command {
		return &services.MoveECNY{Actor: "anchor", ID: w[0], Op: "top-up", Amount: 1_500_000_00}
	}}, &walletStep{orgs: []string{"anchor", "tier1"}, make: func(w ...string) linkfin.Command {
		return &services.PayECNY{Actor: "anchor", From: w[0], To: w[1], Amount: 200_000_00}
	}})
	c6, a6 := order(6, "fx")
	add(c6, a6,
		&services.CreateConditionalPayment{Actor: "anchor", ID: "cp-4", In: linkfin.ConditionalPaymentIn{PayeeID: "tier1", Currency: "CNY",
			Amount: 500_000_00, Rail: linkfin.RailECNY, Condition: linkfin.ConditionIn{Type: linkfin.ConditionGoodsReceived, POID: "po-6",
				Release: linkfin.ReleaseProRata}}},
		&services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "gr-6a", POID: "po-6",
			Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: 400}}}},
		&services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "gr-6b", POID: "po-6",
			Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: 600}}}})
	// A warehouse pledge: marked, receipted, lent against, repaid.
	add(&services.MarkPrice{Mark: linkfin.PriceMark{ID: "copper", Currency: "CNY", Price: 60_000_00}},
		&services.IssueWarehouseReceipt{Actor: "port", Receipt: linkfin.WarehouseReceipt{ID: "R1", OwnerID: "trader", LotID: "LOT-1",
			Commodity: "copper", Quantity: 10, Unit: "t"}},
		&services.RequestPledgeLoan{Actor: "trader", ID: "f-wh", ReceiptID: "R1", ProgramID: "wh", FunderID: "bank"},
		&services.AcceptPledgeLoan{Actor: "trader", ID: "f-wh", ReceiptID: "R1"},
		&services.DisburseFinancing{Actor: "bank", ID: "f-wh"},
		&services.RepayPledgeLoan{Actor: "trader", ID: "f-wh"})
	// Past the due dates: the factored payables are collected, the certificates settled.
	shift = len(steps)
	add(&services.CollectFactored{ID: "f-fx"},
		&services.CollectFactored{ID: "f-po"},
		&services.SettleMaturity{ProgramID: "scf", Date: date("2027-02-01")},
		&services.SettleConditionalPayment{ID: "cp-2"},
		&services.SettleConditionalPayment{ID: "cp-3"})
	return steps, shift
}
