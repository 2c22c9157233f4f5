package sim

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"linkfin"
	"linkfin/services"
)

// Scenario is one way of financing the same network.
type Scenario struct {
	Name string
	// ReverseFactoring: tier-1 suppliers factor the anchor's approved payables with the
	// anchor's funders, at the anchor-backed rate.
	ReverseFactoring bool
	// Certificates: the anchor pays tier 1 in certificates, which every holder may
	// split and pass down to pay its own suppliers, or discount with a funder when it
	// needs cash.
	Certificates bool
	// DynamicDiscounting: an anchor with cash to spare pays tier 1 early from it, at
	// its early-payment rate, instead of issuing a certificate.
	DynamicDiscounting bool
	// Scorecards: the funders price over the anchor's rate with a margin that the
	// supplier's grade sets (its scorecard, from its record of deliveries and payments
	// on the platform): better grades pay less to discount or factor.
	Scorecards bool
	// Conditional: a supplier-buyer with the cash locks the order's value for its
	// supplier when it orders, in a conditional payment released pro rata as the goods
	// are received and accepted; what is left is refunded when it expires.
	Conditional bool
	// DistributorFinancing: a distributor has a funder pay the anchor for its order
	// when the anchor accepts it (distributor financing), and repays the loan with
	// interest at the end of the program's tenor, instead of paying on its terms after
	// delivery.
	DistributorFinancing bool
	// WarehousePledges: a supplier short of cash that keeps stock in a warehouse
	// pledges it for a loan (warehouse pledge financing) before it draws on its bank
	// line, at its anchor's pledge program's loan-to-value and rate, and repays it when
	// due.
	WarehousePledges bool
}

// Scenarios are the scenarios linkfin sim knows, in the order it runs them.
var Scenarios = []Scenario{
	{Name: "none"},
	{Name: "reverse_factoring_tier1", ReverseFactoring: true, DistributorFinancing: true, WarehousePledges: true},
	{Name: "certificates", Certificates: true, DistributorFinancing: true, WarehousePledges: true},
	{Name: "certificates_dynamic_discounting", Certificates: true, DynamicDiscounting: true, DistributorFinancing: true, WarehousePledges: true},
	{Name: "conditional_payments", Certificates: true, DynamicDiscounting: true, Conditional: true, DistributorFinancing: true, WarehousePledges: true},
	{Name: "scorecard_terms", Certificates: true, DynamicDiscounting: true, Conditional: true, Scorecards: true, DistributorFinancing: true, WarehousePledges: true},
}

// gradeMargins are the margins over the anchor's rate, in basis points, that the
// scorecard_terms scenario gives each grade of the scoring model, in place of its
// funder's own spread (0.20–0.90 %).
var gradeMargins = []struct {
	grade string
	bp    int
}{{"A", 10}, {"B", 30}, {"C", 60}, {"D", 150}, {"E", 300}}

// ScenarioNamed finds a scenario by name.
func ScenarioNamed(name string) (Scenario, bool) {
	for _, s := range Scenarios {
		if s.Name == name {
			return s, true
		}
	}
	return Scenario{}, false
}

// Tail is how many days a run goes on after its last order, so that what was
// delivered in the year is paid.
const Tail = 240

const (
	// outRail is the rail money leaves the platform by: a firm's own costs, loan
	// repayments, and payments to suppliers outside any program. The e-CNY rail's
	// withdrawals file no bank instruction, so a year of them needs no bank statements
	// to reconcile.
	outRail  = services.RailECNY
	currency = linkfin.Currency("CNY")
	operator = "operator"
)

type loan struct {
	k         int
	principal int64
	day       int
}

// piece is a certificate piece a firm holds, as the answers to its commands gave it.
type piece struct {
	id, program string
	face        int64
	maturity    linkfin.Date
}

type debt struct {
	order  int // index in Network.Orders
	seller int
	owed   int64
	due    int
	paid   int // payments so far (for instruction ids)
	passed int // pieces passed so far (for piece ids)
}

// runner runs one scenario over a network.
type runner struct {
	ctx       context.Context
	net       *Network
	sc        Scenario
	db        DB
	now       time.Time
	day       int
	failed    []bool
	pieces    [][]piece // pieces each firm holds, active and unfinanced (as far as its own acts go)
	loans     [][]loan
	loanSeq   []int
	owes      [][]debt // open payables each firm owes, in due order
	used      []int64  // credit line in use
	commands  int64
	events    int64
	held      int64 // invoices held as possible duplicates, and cleared
	progress  func(day, days int)
	anchorsPr map[int]string // anchor index → program id
	due       *dueReader
	early     map[int][]debt // what each anchor paid early, until its due date
	funders   []int
	rates     map[int]linkfin.Rate // made by rate
	// distFinanced are the orders (by index) a funder paid the anchor for.
	distFinanced map[int]bool
	// pledges are each supplier's pledge loan, while it is open; receipts the
	// warehouse receipt of its stock, once issued ("" when forfeited).
	pledges   []pledge
	receipts  []string
	pledgeSeq []int
	forfeited []bool
	// ecny is each firm's designated e-CNY wallet, once it pays or is paid a
	// conditional payment; ecnyFirms those firms, in the order their wallets opened.
	ecny      []*linkfin.ECNYWallet
	ecnyFirms []int
	// changes, when the database tells what its commands changed (memtx), is where
	// follow reads it: walletOf finds the firm of an e-CNY wallet's ledger account, and
	// walletMoved says which wallets moved since the morning's redemption last read them.
	changes     changeFeed
	walletOf    map[int64]int
	walletMoved []bool
	walletReads int // how many wallets the morning's redemptions read
}

// pledge is a supplier's open pledge loan.
type pledge struct {
	id   string
	due  int
	owed int64
}

// pledgeProgram is the id of an anchor's warehouse pledge program.
func pledgeProgram(anchor string) string { return "wp." + anchor }

// dfID is the id of the distributor financing of order n.
func dfID(n int) string { return "df." + strconv.Itoa(n) }

// stock is the commodity suppliers keep in warehouses, marked at 1.00 a unit.
const stock = "stock"

func (r *runner) firm(i int) *Firm { return &r.net.Firms[i] }

// do runs one command; a refusal is an error of the run, for the simulator only sends
// what the firm may do.
func (r *runner) do(c linkfin.Command) error {
	// Stopped (Ctrl-C), the run gives the engine nothing more: once it has a
	// command, the engine runs it whatever its context.
	if err := r.ctx.Err(); err != nil {
		return err
	}
	r.commands++
	if err := r.db.Run(r.ctx, c, nil); err != nil {
		return fmt.Errorf("day %d: %T: %w", r.day, c, err)
	}
	return nil
}

// try runs one command and reports whether the domain took it.
func (r *runner) try(c linkfin.Command, v any) error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	r.commands++
	return r.db.Run(r.ctx, c, v)
}

func (r *runner) wallet(i int) int64 {
	a, _ := r.db.Account(linkfin.WalletID(r.firm(i).ID, currency))
	return a.CreditsPosted - a.DebitsPosted - a.DebitsPending
}

func bp(n int) linkfin.Rate {
	rt, err := linkfin.ParseRate(fmt.Sprintf("%d.%04d", n/10000, n%10000))
	if err != nil {
		panic(err)
	}
	return rt
}

// rate is bp(n), made once a run: a firm's own rate is read every day it owes its
// bank.
func (r *runner) rate(n int) linkfin.Rate {
	rt, ok := r.rates[n]
	if !ok {
		rt = bp(n)
		if r.rates == nil {
			r.rates = map[int]linkfin.Rate{}
		}
		r.rates[n] = rt
	}
	return rt
}

// run runs one scenario over the network, in memory (skipping memtx's key checks if
// asked), or through the engine on a new SQLite database at dbPath when it is not
// empty. The caller closes the runner's db.
func run(ctx context.Context, net *Network, sc Scenario, progress func(day, days int), dbPath string, skipKeyChecks bool) (*runner, error) {
	r := &runner{ctx: ctx, net: net, sc: sc, failed: make([]bool, len(net.Firms)),
		pieces: make([][]piece, len(net.Firms)), loans: make([][]loan, len(net.Firms)), loanSeq: make([]int, len(net.Firms)),
		owes: make([][]debt, len(net.Firms)), used: make([]int64, len(net.Firms)), progress: progress,
		anchorsPr: map[int]string{}, early: map[int][]debt{}, distFinanced: map[int]bool{},
		pledges: make([]pledge, len(net.Firms)), receipts: make([]string, len(net.Firms)), pledgeSeq: make([]int, len(net.Firms)),
		forfeited: make([]bool, len(net.Firms)), ecny: make([]*linkfin.ECNYWallet, len(net.Firms))}
	r.now = Start.Time(time.UTC).Add(8 * time.Hour)
	now := func() time.Time { return r.now }
	if dbPath == "" {
		m := newInMemory(now)
		if skipKeyChecks {
			m.SkipKeyChecks()
		}
		r.db = m
	} else {
		db, err := openEngine(ctx, dbPath, now)
		if err != nil {
			return nil, err
		}
		r.db = db
	}
	r.due = newDueReader(r.db)
	if m, ok := r.db.(*inMemory); ok && followChanges {
		m.TrackChanges()
		r.changes, r.walletOf, r.walletMoved = m, map[int64]int{}, make([]bool, len(net.Firms))
	}
	err := r.setup()
	if err == nil {
		err = r.loop()
	}
	if err != nil {
		r.db.Close()
		return nil, err
	}
	r.events = r.db.Events()
	return r, nil
}

// setup creates the organizations, their relationships, the anchors' programs with
// every funder, and the opening cash.
func (r *runner) setup() error {
	caps := func(cs ...linkfin.Capability) []linkfin.Capability { return cs }
	for i := range r.net.Firms {
		f := r.firm(i)
		var cs []linkfin.Capability
		switch f.Kind {
		case KindAnchor:
			cs = caps(linkfin.CapAnchor, linkfin.CapTrade)
		case KindFunder:
			cs = caps(linkfin.CapFund)
			r.funders = append(r.funders, i)
		case KindWarehouse:
			cs = caps(linkfin.CapLogistics)
		default:
			cs = caps(linkfin.CapTrade)
		}
		if err := r.do(&services.CreateOrganization{Org: linkfin.Organization{ID: f.ID, Name: f.ID, Capabilities: cs}}); err != nil {
			return err
		}
		if f.Cash0 > 0 {
			if err := r.do(&services.RecordInboundPayment{Rail: services.RailBank, InstructionID: "capital." + f.ID, OrgID: f.ID, Currency: currency, Amount: f.Cash0}); err != nil {
				return err
			}
		}
	}
	for _, l := range r.net.Links {
		b, s := r.firm(l.Buyer).ID, r.firm(l.Seller).ID
		if err := r.do(&services.ProposeRelationship{Actor: b, BuyerID: b, SellerID: s}); err != nil {
			return err
		}
		if err := r.do(&services.AcceptRelationship{Actor: s, BuyerID: b, SellerID: s}); err != nil {
			return err
		}
	}
	zero := 0
	for i := range r.net.Firms {
		f := r.firm(i)
		if f.Kind != KindAnchor {
			continue
		}
		p := linkfin.Program{ID: "scf." + f.ID, Name: f.ID + " supplier finance", Currency: currency,
			Limit: f.Sales * 12, Products: []linkfin.Product{linkfin.ProductCertificateDiscounting, linkfin.ProductFactoring, linkfin.ProductDynamicDiscounting,
				linkfin.ProductDistributorFinancing}, BuyBack: true,
			MaxTenorDays: 180, AdvanceRate: bp(8000), DayCount: linkfin.ACT360, Calendar: "CN", DuplicateWindowDays: &zero,
			Tolerances: linkfin.MatchTolerances{QuantityRate: bp(200), PriceRate: bp(100), AmountAbs: 100_00}}
		apr := bp(r.net.AnchorBP[i] + 300)
		p.EarlyPaymentAPR = &apr
		if r.sc.Scorecards {
			for _, g := range gradeMargins {
				m := bp(g.bp)
				p.Grades = append(p.Grades, linkfin.GradeTerms{Grade: g.grade, Margin: &m})
			}
		}
		if err := r.do(&services.CreateProgram{Actor: f.ID, Program: p}); err != nil {
			return err
		}
		r.anchorsPr[i] = p.ID
		for _, fu := range r.funders {
			rate := bp(r.net.AnchorBP[i] + r.net.FunderBP[fu])
			pricing := linkfin.Pricing{FixedRate: &rate}
			if r.sc.Scorecards {
				// The same rate, as the anchor's plus a margin, which a grade replaces.
				base, margin := bp(r.net.AnchorBP[i]), bp(r.net.FunderBP[fu])
				pricing = linkfin.Pricing{BaseRate: &base, Margin: &margin}
			}
			if err := r.do(&services.InviteFunder{Actor: f.ID, ProgramID: p.ID, FunderID: r.firm(fu).ID, Limit: f.Sales * 6,
				Pricing: pricing}); err != nil {
				return err
			}
			if err := r.do(&services.AcceptFunder{Actor: r.firm(fu).ID, ProgramID: p.ID}); err != nil {
				return err
			}
		}
		if r.sc.WarehousePledges {
			if err := r.pledgeProgram(i); err != nil {
				return err
			}
		}
	}
	if r.sc.WarehousePledges {
		return r.do(&services.MarkPrice{Mark: linkfin.PriceMark{ID: stock, Currency: currency, Price: 100}})
	}
	return nil
}

// pledgeProgram creates an anchor's warehouse pledge program: loans of 60 % of the
// stock's value for 90 days, called for margin above 75 %, from every funder at the
// anchor-backed rate plus the pledge margin.
func (r *runner) pledgeProgram(a int) error {
	f := r.firm(a)
	zero := 0
	ltv, call := bp(6000), bp(7500)
	p := linkfin.Program{ID: pledgeProgram(f.ID), Name: f.ID + " warehouse pledges", Currency: currency, Limit: f.Sales * 12,
		Products: []linkfin.Product{linkfin.ProductWarehousePledge}, MaxTenorDays: 90, AdvanceRate: ltv, MarginCallLTV: &call,
		DayCount: linkfin.ACT360, Calendar: "CN", DuplicateWindowDays: &zero,
		Tolerances: linkfin.MatchTolerances{QuantityRate: bp(200), PriceRate: bp(100), AmountAbs: 100_00}}
	if err := r.do(&services.CreateProgram{Actor: f.ID, Program: p}); err != nil {
		return err
	}
	for _, fu := range r.funders {
		rate := bp(r.net.AnchorBP[a] + r.net.FunderBP[fu] + r.net.PledgeMarginBP)
		if err := r.do(&services.InviteFunder{Actor: f.ID, ProgramID: p.ID, FunderID: r.firm(fu).ID, Limit: f.Sales * 3,
			Pricing: linkfin.Pricing{FixedRate: &rate}}); err != nil {
			return err
		}
		if err := r.do(&services.AcceptFunder{Actor: r.firm(fu).ID, ProgramID: p.ID}); err != nil {
			return err
		}
	}
	return nil
}

// banks are the funders a firm asks, in turn: its house bank first (firms spread over
// the funders by their place in the network), then the others.
func (r *runner) banks(i int) []int {
	n := len(r.funders)
	out := make([]int, n)
	for k := range n {
		out[k] = r.funders[(i+k)%n]
	}
	return out
}

func (r *runner) loop() error {
	net := r.net
	byDelivery := map[int][]int{}
	next := 0
	end := net.Days + Tail
	for r.day = 0; r.day < end; r.day++ {
		// Stopped, the run ends here too: a command tried and refused (try) is taken
		// for the domain's refusal, and the day would go on.
		if err := r.ctx.Err(); err != nil {
			return err
		}
		r.now = Start.AddDays(r.day).Time(time.UTC).Add(8 * time.Hour)
		if r.progress != nil {
			r.progress(r.day, end)
		}
		if err := r.schedule(); err != nil {
			return err
		}
		if r.day < net.Days && r.day%7 == 0 {
			if err := r.anchorSales(); err != nil {
				return err
			}
		}
		for next < len(net.Orders) && net.Orders[next].Day == r.day {
			placed, err := r.place(next)
			if err != nil {
				return err
			}
			if placed {
				byDelivery[net.Orders[next].Delivery] = append(byDelivery[net.Orders[next].Delivery], next)
			}
			next++
		}
		for _, o := range byDelivery[r.day] {
			if err := r.deliver(o); err != nil {
				return err
			}
		}
		delete(byDelivery, r.day)
		// A firm repays its bank from what came in before it pays its suppliers: its
		// line is what keeps it alive when its own costs fall due. Its pieces go first
		// to its suppliers, and only then to a funder to repay the rest.
		if err := r.treasury(false); err != nil {
			return err
		}
		if err := r.pay(); err != nil {
			return err
		}
		if err := r.treasury(true); err != nil {
			return err
		}
	}
	return nil
}

// schedule runs what the platform's scheduler finds due.
func (r *runner) schedule() error {
	r.follow()
	r.due.today = Start.AddDays(r.day)
	due, err := services.Due(r.ctx, r.due, r.now)
	if err != nil {
		return err
	}
	for _, c := range due {
		// As the scheduler: a command that cannot run yet (a short anchor) is tried
		// again the next day.
		_ = r.try(c, nil)
	}
	// What conditional payments refunded to their payers' e-CNY wallets (or released
	// to their payees'), back where the firms pay from: of the wallets that moved, where
	// the database tells which did.
	r.follow()
	for _, i := range r.ecnyFirms {
		if r.changes != nil {
			if !r.walletMoved[i] {
				continue
			}
			r.walletMoved[i] = false
		}
		r.walletReads++
		if err := r.redeemECNY(i); err != nil {
			return err
		}
	}
	return nil
}

// followChanges: a run in memory follows what its commands change (off in a test
// that compares a run that does not).
var followChanges = true

// changeFeed is a database that tells what its commands changed (memtx.DB.Changes).
type changeFeed interface {
	Changes() (records []linkfin.ObjectKey, accounts []int64)
}

// follow reads what the commands changed since it last did, where the database tells
// it: the records written, for the scheduler's reader, and the e-CNY wallets moved,
// for the morning's redemption. Each reads again only what moved, not everything it
// watches every simulated day.
func (r *runner) follow() {
	if r.changes == nil {
		return
	}
	records, accounts := r.changes.Changes()
	r.due.changed(records)
	for _, id := range accounts {
		if i, ok := r.walletOf[id]; ok {
			r.walletMoved[i] = true
		}
	}
}

// anchorSales is the anchors' and the distributors' weekly takings from their own
// customers: an anchor's 115 % of its purchases, less what its distributors buy of
// it; a distributor's 110 % of what it buys.
func (r *runner) anchorSales() error {
	for i := range r.net.Firms {
		f := r.firm(i)
		var amount int64
		switch f.Kind {
		case KindAnchor:
			amount = f.Sales * 7 / 30 * 115 / 100 * int64(r.net.seasonOf(r.day)) / 100
			if len(f.Buyers) > 0 {
				amount = amount * int64(100-r.net.DistributorSales) / 100
			}
		case KindDistributor:
			amount = f.Sales * 7 / 30 * 110 / 100 * int64(r.net.seasonOf(r.day)) / 100
		}
		if amount <= 0 {
			continue
		}
		if err := r.do(&services.RecordInboundPayment{Rail: services.RailBank, InstructionID: "sales." + f.ID + "." + strconv.Itoa(r.day), OrgID: f.ID, Currency: currency, Amount: amount}); err != nil {
			return err
		}
	}
	return nil
}

func (n *Network) seasonOf(day int) int {
	s := n.Seasonality
	if s == ([12]int{}) {
		s = DefaultParams().Seasonality
	}
	return s[monthOf(day)]
}

func poID(n int) string  { return "po." + strconv.Itoa(n) }
func invID(n int) string { return "inv." + strconv.Itoa(n) }

// place places an order and has the seller accept it; a failed party trades no more.
func (r *runner) place(o int) (bool, error) {
	ord := &r.net.Orders[o]
	l := r.net.Links[ord.Link]
	if r.failed[l.Seller] || r.failed[l.Buyer] {
		return false, nil
	}
	buyer, seller := r.firm(l.Buyer), r.firm(l.Seller)
	po := linkfin.PurchaseOrder{ID: poID(ord.N), Number: "PO-" + strconv.Itoa(ord.N), SellerID: seller.ID, Currency: currency,
		Lines: []linkfin.POLine{{LineID: "1", Item: "part", Quantity: ord.Qty, Unit: "pc", UnitPrice: seller.Price}}}
	switch {
	case buyer.Kind == KindAnchor:
		po.ProgramID = r.anchorsPr[l.Buyer]
	case seller.Kind == KindAnchor:
		po.ProgramID = r.anchorsPr[l.Seller] // a distributor's order
	}
	if err := r.do(&services.CreatePurchaseOrder{Actor: buyer.ID, Order: po}); err != nil {
		return false, err
	}
	if err := r.do(&services.AcceptPurchaseOrder{Actor: seller.ID, ID: po.ID}); err != nil {
		return false, err
	}
	if buyer.Kind == KindDistributor && r.sc.DistributorFinancing {
		return true, r.financeOrder(o)
	}
	value := ord.Qty * seller.Price
	if r.sc.Conditional && buyer.Kind != KindAnchor && r.wallet(l.Buyer) >= 2*value {
		// Cash on receipt, locked now on the e-CNY rail: the buyer keeps as much again
		// for its own costs, and moves the order's value into its e-CNY wallet to lock.
		from, err := r.ecnyWallet(l.Buyer)
		if err != nil {
			return false, err
		}
		if _, err := r.ecnyWallet(l.Seller); err != nil {
			return false, err
		}
		if err := r.do(&services.MoveECNY{Actor: buyer.ID, ID: from.ID, Op: "top-up", Amount: value}); err != nil {
			return false, err
		}
		expires := Start.AddDays(ord.Delivery + 30)
		if err := r.do(&services.CreateConditionalPayment{Actor: buyer.ID, ID: cpID(ord.N), In: linkfin.ConditionalPaymentIn{
			PayeeID: seller.ID, Currency: currency, Amount: value, Reference: po.Number, ExpiresOn: &expires, Rail: linkfin.RailECNY,
			Condition: linkfin.ConditionIn{Type: linkfin.ConditionGoodsReceived, POID: po.ID, Release: linkfin.ReleaseProRata}}}); err != nil {
			return false, err
		}
		r.due.watch(linkfin.KindConditionalPayment, cpID(ord.N))
	}
	return true, nil
}

func cpID(n int) string { return "cp." + strconv.Itoa(n) }

// ecnyLimits are the limits of the corporate e-CNY wallets firms open for conditional
// payments: set by their banks, and above any firm's flows here, so that they never
// bind (a simplification): a billion yuan a payment, a day and held, ten billion a
// year. Not the largest limits there are: every wallet's limits are granted from one
// ledger account, whose posted totals the largest would overflow after some
// thousands of wallets.
var ecnyLimits = linkfin.WalletLimits{Balance: 1e11, Payment: 1e11, Daily: 1e11, Yearly: 1e12}

// ecnyWallet is firm i's designated e-CNY wallet: a corporate wallet its bank (the
// operator) opens, and the firm designates, the first time it is asked for.
func (r *runner) ecnyWallet(i int) (*linkfin.ECNYWallet, error) {
	if w := r.ecny[i]; w != nil {
		return w, nil
	}
	f := r.firm(i)
	var w linkfin.ECNYWallet
	if err := r.try(&services.OpenECNYWallet{OrgID: f.ID, In: linkfin.ECNYWalletIn{Limits: &ecnyLimits}}, &w); err != nil {
		return nil, fmt.Errorf("day %d: open an e-CNY wallet for %s: %w", r.day, f.ID, err)
	}
	if err := r.do(&services.DesignateECNYWallet{Actor: f.ID, OrgID: f.ID, WalletID: w.ID}); err != nil {
		return nil, err
	}
	r.ecny[i] = &w
	r.ecnyFirms = append(r.ecnyFirms, i)
	if r.changes != nil {
		r.walletOf[int64(w.Ledger.Wallet)] = i
		r.walletMoved[i] = true
	}
	return &w, nil
}

// redeemECNY moves what firm i's e-CNY wallet holds free of locks back to its
// platform wallet, where it pays from: a release paid into it, a refund freed in it.
func (r *runner) redeemECNY(i int) error {
	w := r.ecny[i]
	if w == nil {
		return nil
	}
	a, _ := r.db.Account(int64(w.Ledger.Wallet))
	if free := a.CreditsPosted - a.DebitsPosted - a.DebitsPending; free > 0 {
		return r.do(&services.MoveECNY{Actor: w.OrgID, ID: w.ID, Op: "redeem", Amount: free})
	}
	return nil
}

// financeOrder has a funder pay the anchor for a distributor's order, its house bank
// or the next that takes it; the scheduler closes the loan the day after it is due,
// from the distributor's wallet (or the anchor's, which buys it back). An order no
// funder takes is paid on the distributor's terms.
func (r *runner) financeOrder(o int) error {
	ord := &r.net.Orders[o]
	l := r.net.Links[ord.Link]
	dist := r.firm(l.Buyer)
	id := dfID(ord.N)
	for _, fu := range r.banks(l.Buyer) {
		if err := r.try(&services.RequestDistributorFinancing{Actor: dist.ID, ID: id, POID: poID(ord.N), ProgramID: r.anchorsPr[l.Seller],
			FunderID: r.firm(fu).ID}, nil); err != nil {
			continue // over this funder's limit: the next
		}
		if err := r.try(&services.AcceptDistributorFinancing{Actor: dist.ID, ID: id, POID: poID(ord.N)}, nil); err != nil {
			_ = r.try(&services.CancelFinancing{Actor: dist.ID, ID: id}, nil)
			return nil
		}
		r.due.watch(linkfin.KindFinancing, id)
		r.distFinanced[o] = true
		return r.do(&services.DisburseFinancing{Actor: r.firm(fu).ID, ID: id})
	}
	return nil
}

// deliver delivers an order: the seller pays its own costs (and fails if it cannot
// find the cash), the buyer records the receipt, the seller invoices what was
// accepted, a disputed price is settled by a credit note, and the buyer approves.
// Then the payable is paid as the scenario has it.
func (r *runner) deliver(o int) error {
	ord := &r.net.Orders[o]
	l := r.net.Links[ord.Link]
	buyer, seller := r.firm(l.Buyer), r.firm(l.Seller)
	switch {
	case r.failed[l.Buyer]:
		return nil // no one receives the goods: the order stays open
	case r.failed[l.Seller]:
		return r.do(&services.CancelPurchaseOrder{Actor: buyer.ID, ID: poID(ord.N)})
	}
	value := ord.Qty * seller.Price
	cost := value * int64(seller.CostBP) / 10000
	ok, err := r.cash(l.Seller, cost)
	if err != nil {
		return err
	}
	if !ok {
		if err := r.fail(l.Seller); err != nil {
			return err
		}
		return r.do(&services.CancelPurchaseOrder{Actor: buyer.ID, ID: poID(ord.N)})
	}
	if cost > 0 {
		if err := r.do(&services.RecordOutboundPayment{Rail: outRail, InstructionID: "cost." + strconv.Itoa(ord.N), OrgID: seller.ID, Currency: currency, Amount: cost}); err != nil {
			return err
		}
	}
	line := linkfin.ReceiptLine{LineID: "1", Accepted: ord.Accepted, Rejected: ord.Rejected}
	if err := r.do(&services.CreateGoodsReceipt{Actor: buyer.ID, Receipt: linkfin.GoodsReceipt{ID: "gr." + strconv.Itoa(ord.N), POID: poID(ord.N), Lines: []linkfin.ReceiptLine{line}}}); err != nil {
		return err
	}
	if err := r.redeemECNY(l.Seller); err != nil { // what the receipt released to it
		return err
	}
	if r.distFinanced[o] {
		return nil // the funder paid the anchor when it accepted the order
	}
	total := ord.Accepted * seller.Price
	today := Start.AddDays(r.day)
	due := today.AddDays(buyer.Terms)
	inv := linkfin.Invoice{ID: invID(ord.N), Number: "INV-" + strconv.Itoa(ord.N), BuyerID: buyer.ID, POID: poID(ord.N), Currency: currency,
		IssueDate: today, DueDate: due, Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: ord.Accepted, UnitPrice: seller.Price, Amount: total}}, Total: total}
	if err := r.do(&services.CreateInvoice{Actor: seller.ID, Invoice: inv}); err != nil {
		return err
	}
	if ord.Dispute {
		credit := max(1, total*3/100)
		if err := r.do(&services.CreateCreditNote{Actor: seller.ID, Note: linkfin.CreditNote{ID: "cn." + strconv.Itoa(ord.N), Number: "CN-" + strconv.Itoa(ord.N),
			InvoiceID: inv.ID, Amount: credit, Reason: "price disputed"}}); err != nil {
			return err
		}
	}
	var pay linkfin.Payable
	err = r.try(&services.ApproveInvoice{Actor: buyer.ID, ID: inv.ID}, &pay)
	if linkfin.ErrorCode(err) == services.EHELD {
		// The same total from the same seller within days: the platform holds it as a
		// possible renumbered duplicate; the buyer checks its receipt and clears it.
		r.held++
		if err := r.do(&services.ClearInvoiceHold{Actor: buyer.ID, ID: inv.ID, Reason: "a new delivery, received"}); err != nil {
			return err
		}
		err = r.try(&services.ApproveInvoice{Actor: buyer.ID, ID: inv.ID}, &pay)
	}
	if err != nil {
		return fmt.Errorf("day %d: approve %s: %w", r.day, inv.ID, err)
	}
	d := debt{order: o, seller: l.Seller, owed: pay.Amount, due: r.day + buyer.Terms}
	var cp linkfin.ConditionalPayment
	if found, err := r.db.Get(linkfin.KindConditionalPayment, cpID(ord.N), &cp); err != nil {
		return err
	} else if found {
		// Released on receipt: the rest of the payable is owed as usual. (A credit note
		// on goods paid for on receipt is not paid back: a simplification.)
		d.owed = max(0, d.owed-cp.Released)
		if d.owed == 0 {
			return nil
		}
	}
	if buyer.Kind == KindAnchor {
		return r.anchorPays(l.Buyer, l.Seller, &d, &pay)
	}
	if r.sc.Certificates {
		// The buyer pays at once in what certificate pieces it holds.
		if err := r.passDown(l.Buyer, &d); err != nil {
			return err
		}
	}
	if d.owed > 0 {
		r.owe(l.Buyer, d)
	}
	return nil
}

// owe adds a debt to what firm i owes. The list stays in order of due date without a
// sort: a debt is due r.day plus the buyer's terms, which do not change, and pay keeps
// the order of what it leaves.
func (r *runner) owe(i int, d debt) {
	r.owes[i] = append(r.owes[i], d)
}

// anchorPays pays an anchor's payable to a tier-1 supplier as the scenario has it.
func (r *runner) anchorPays(a, s int, d *debt, pay *linkfin.Payable) error {
	anchor, seller := r.firm(a), r.firm(s)
	prog := r.anchorsPr[a]
	n := r.net.Orders[d.order].N
	switch {
	case r.sc.DynamicDiscounting && r.spare(a, pay.Amount):
		// The anchor has cash to spare: it offers to pay now, and the supplier, whose
		// own credit costs more than the anchor's rate, accepts.
		r.early[a] = append(r.early[a], *d)
		id := "dd." + strconv.Itoa(n)
		if err := r.do(&services.OfferDynamicDiscounting{Actor: anchor.ID, ID: id, PayableID: pay.ID, ProgramID: prog}); err != nil {
			return err
		}
		return r.do(&services.AcceptDynamicDiscounting{Actor: seller.ID, ID: id, PayableID: pay.ID})
	case r.sc.Certificates:
		id := "c." + strconv.Itoa(n)
		var c linkfin.Certificate
		if err := r.try(&services.IssueCertificate{Actor: anchor.ID, ID: id, ProgramID: prog, PayableIDs: []string{pay.ID}}, &c); err != nil {
			return fmt.Errorf("day %d: issue %s: %w", r.day, id, err)
		}
		r.due.watch(linkfin.KindMaturity, linkfin.MaturityID(prog, c.Maturity))
		r.pieces[s] = append(r.pieces[s], piece{id: id, program: prog, face: c.Face, maturity: c.Maturity})
		return nil
	case r.sc.ReverseFactoring:
		id := "rf." + strconv.Itoa(n)
		for _, fu := range r.banks(s) {
			if err := r.try(&services.RequestFactoring{Actor: seller.ID, ID: id, PayableID: pay.ID, ProgramID: prog, FunderID: r.firm(fu).ID}, nil); err != nil {
				continue // over this funder's limit: the next
			}
			r.due.watch(linkfin.KindFinancing, id)
			if err := r.do(&services.AcceptFactoring{Actor: seller.ID, ID: id, PayableID: pay.ID}); err != nil {
				return err
			}
			return r.do(&services.DisburseFinancing{Actor: r.firm(fu).ID, ID: id})
		}
	}
	r.owe(a, *d)
	return nil
}

// spare reports whether an anchor can pay amount early: it keeps a month of
// purchases in its wallet, and has no more than a month of purchases paid ahead of
// their due dates.
func (r *runner) spare(a int, amount int64) bool {
	f := r.firm(a)
	var ahead int64
	keep := r.early[a][:0]
	for _, d := range r.early[a] {
		if d.due > r.day {
			keep = append(keep, d)
			ahead += d.owed
		}
	}
	r.early[a] = keep
	return ahead+amount <= f.Sales && r.wallet(a) >= f.Sales+amount
}

// passDown pays what a buyer owes with the pieces it holds, soonest maturity first:
// whole pieces, and a split of the last.
func (r *runner) passDown(b int, d *debt) error {
	buyer, seller := r.firm(b), r.firm(d.seller)
	n := r.net.Orders[d.order].N
	var keep []piece
	for _, c := range r.heldPieces(b) {
		if d.owed == 0 {
			keep = append(keep, c)
			continue
		}
		d.passed++
		k := d.passed
		amount := min(c.face, d.owed)
		t := &services.TransferCertificate{Actor: buyer.ID, ID: c.id, To: seller.ID, Amount: amount, NewID: "p." + strconv.Itoa(n) + "." + strconv.Itoa(k)}
		if amount < c.face {
			t.RemainderID = "r." + strconv.Itoa(n) + "." + strconv.Itoa(k)
			keep = append(keep, piece{id: t.RemainderID, program: c.program, face: c.face - amount, maturity: c.maturity})
		}
		if err := r.do(t); err != nil {
			return err
		}
		r.pieces[d.seller] = append(r.pieces[d.seller], piece{id: t.NewID, program: c.program, face: amount, maturity: c.maturity})
		d.owed -= amount
	}
	r.pieces[b] = keep
	return nil
}

// heldPieces is what a firm holds that has yet to mature, soonest maturity first.
func (r *runner) heldPieces(i int) []piece {
	today := Start.AddDays(r.day)
	hs := slices.DeleteFunc(r.pieces[i], func(c piece) bool { return !c.maturity.After(today) })
	slices.SortStableFunc(hs, func(a, b piece) int { return a.maturity.Compare(b.maturity) })
	r.pieces[i] = hs
	return slices.Clone(hs)
}

// cash finds need in a firm's wallet: what it holds, then pieces discounted, then a
// loan on the stock it keeps in a warehouse, then its bank line. It reports false when the firm cannot.
func (r *runner) cash(i int, need int64) (bool, error) {
	have := r.wallet(i)
	if have >= need {
		return true, nil
	}
	if r.sc.Certificates {
		if err := r.discount(i, need-have); err != nil {
			return false, err
		}
		if have = r.wallet(i); have >= need {
			return true, nil
		}
	}
	if r.sc.WarehousePledges {
		if err := r.pledge(i); err != nil {
			return false, err
		}
		if have = r.wallet(i); have >= need {
			return true, nil
		}
	}
	f := r.firm(i)
	want := need - have
	if r.used[i]+want > f.Line {
		return false, nil
	}
	r.loanSeq[i]++
	k := r.loanSeq[i]
	if err := r.do(&services.RecordInboundPayment{Rail: services.RailBank, InstructionID: "loan." + f.ID + "." + strconv.Itoa(k), OrgID: f.ID, Currency: currency, Amount: want}); err != nil {
		return false, err
	}
	r.used[i] += want
	r.loans[i] = append(r.loans[i], loan{k: k, principal: want, day: r.day})
	return true, nil
}

// pledge has a supplier short of cash pledge the stock it keeps in a warehouse, when
// it has no pledge loan open: the warehouse issues a receipt for the
// lot the first time, and the supplier borrows against it from its house bank (or the
// next that lends) under its anchor's pledge program.
func (r *runner) pledge(i int) error {
	f := r.firm(i)
	if f.Stock <= 0 || r.pledges[i].id != "" || r.forfeited[i] {
		return nil
	}
	if r.receipts[i] == "" {
		id := "wr." + f.ID
		wh := r.firm(f.Warehouse)
		if err := r.do(&services.IssueWarehouseReceipt{Actor: wh.ID, Receipt: linkfin.WarehouseReceipt{ID: id, Number: id, OwnerID: f.ID, LotID: f.ID,
			Commodity: stock, Quantity: f.Stock / 100, Unit: "unit"}}); err != nil {
			return err
		}
		r.receipts[i] = id
	}
	r.pledgeSeq[i]++
	id := "wp." + f.ID + "." + strconv.Itoa(r.pledgeSeq[i])
	prog := pledgeProgram(r.firm(f.Anchor).ID)
	for _, fu := range r.banks(i) {
		if err := r.try(&services.RequestPledgeLoan{Actor: f.ID, ID: id, ReceiptID: r.receipts[i], ProgramID: prog, FunderID: r.firm(fu).ID}, nil); err != nil {
			continue
		}
		if err := r.try(&services.AcceptPledgeLoan{Actor: f.ID, ID: id, ReceiptID: r.receipts[i]}, nil); err != nil {
			_ = r.try(&services.CancelFinancing{Actor: f.ID, ID: id}, nil)
			return nil
		}
		var fin linkfin.Financing
		if err := r.try(&services.DisburseFinancing{Actor: r.firm(fu).ID, ID: id}, &fin); err != nil {
			return fmt.Errorf("day %d: disburse %s: %w", r.day, id, err)
		}
		owed, err := fin.Owed()
		if err != nil {
			return err
		}
		r.due.watch(linkfin.KindFinancing, id)
		r.pledges[i] = pledge{id: id, due: linkfin.DaysBetween(Start, fin.DueDate), owed: owed}
		return nil
	}
	return nil
}

// repayPledge repays a supplier's pledge loan as soon as its wallet holds principal
// and interest in the loan's last 30 days (before it pays its suppliers: the interest
// is for the whole tenor, and the stock is at stake). One it has not repaid by its due
// date the scheduler closes the day after: from the wallet if it can by then, else the
// funder takes the receipt, and the supplier has no stock to pledge again.
func (r *runner) repayPledge(i int) error {
	p := r.pledges[i]
	if p.id == "" || r.day < p.due-30 {
		return nil
	}
	if r.day > p.due {
		var fin linkfin.Financing
		if _, err := r.db.Get(linkfin.KindFinancing, p.id, &fin); err != nil {
			return err
		}
		if fin.Status != linkfin.FinancingDisbursed {
			r.forfeited[i] = fin.Status == linkfin.FinancingDefaulted
			r.pledges[i] = pledge{}
		}
		return nil
	}
	if r.wallet(i) < p.owed {
		return nil
	}
	r.pledges[i] = pledge{}
	return r.do(&services.RepayPledgeLoan{Actor: r.firm(i).ID, ID: p.id})
}

// discount sells a firm's pieces to its house bank (or the next that takes them),
// until it has raised at least need.
func (r *runner) discount(i int, need int64) error {
	f := r.firm(i)
	var raised int64
	sold := map[string]bool{}
	for _, c := range r.heldPieces(i) {
		if raised >= need {
			break
		}
		fid := "cd." + c.id
		for _, fu := range r.banks(i) {
			var q linkfin.Financing
			if err := r.try(&services.RequestCertificateDiscounting{Actor: f.ID, ID: fid, ProgramID: c.program, PieceID: c.id, FunderID: r.firm(fu).ID}, &q); err != nil {
				continue
			}
			r.due.watch(linkfin.KindFinancing, fid)
			if err := r.try(&services.AcceptCertificateDiscounting{Actor: f.ID, ID: fid, PieceID: c.id}, nil); err != nil {
				_ = r.try(&services.CancelFinancing{Actor: f.ID, ID: fid}, nil)
				break
			}
			if err := r.do(&services.DisburseFinancing{Actor: r.firm(fu).ID, ID: fid}); err != nil {
				return err
			}
			raised += q.Quote.Price
			sold[c.id] = true
			break
		}
	}
	r.pieces[i] = slices.DeleteFunc(r.pieces[i], func(c piece) bool { return sold[c.id] })
	return nil
}

// fail ends a firm that could not pay its costs: it delivers, orders and pays nothing
// more, and its buyers cancel what it had yet to deliver (which is how the records
// show a failure: a seller's order cancelled).
func (r *runner) fail(i int) error {
	r.failed[i] = true
	return nil
}

// pay has every firm pay what falls due, as far as its cash goes: back to back, a
// supplier is paid when its buyer has been.
func (r *runner) pay() error {
	for i := range r.owes {
		if len(r.owes[i]) == 0 || r.failed[i] {
			continue
		}
		rest := r.owes[i][:0] // what is still owed, in place: a debt is read before its place is written
		for j := range r.owes[i] {
			d := r.owes[i][j]
			if r.sc.Certificates && len(r.pieces[i]) > 0 && d.owed > 0 {
				// Pieces it holds pay what it owes at once, due or not: they cost it
				// nothing, and its supplier gets the anchor's credit.
				if err := r.passDown(i, &d); err != nil {
					return err
				}
			}
			if d.owed == 0 {
				continue
			}
			if d.due > r.day {
				rest = append(rest, d)
				continue
			}
			amount := min(d.owed, r.wallet(i))
			if amount > 0 {
				d.paid++
				instr := "pay." + strconv.Itoa(r.net.Orders[d.order].N) + "." + strconv.Itoa(d.paid)
				if err := r.do(&services.RecordOutboundPayment{Rail: outRail, InstructionID: instr, OrgID: r.firm(i).ID, Currency: currency, Amount: amount}); err != nil {
					return err
				}
				if err := r.do(&services.RecordInboundPayment{Rail: services.RailBank, InstructionID: instr, OrgID: r.firm(d.seller).ID, Currency: currency, Amount: amount}); err != nil {
					return err
				}
				d.owed -= amount
			}
			if d.owed > 0 {
				rest = append(rest, d)
			}
		}
		r.owes[i] = rest
	}
	return nil
}

// treasury repays bank loans, oldest first, when the wallet holds principal and
// interest; a firm holding pieces discounts them first, for its own rate is above
// the anchor-backed one.
func (r *runner) treasury(discount bool) error {
	for i := range r.loans {
		if err := r.repayPledge(i); err != nil {
			return err
		}
		if len(r.loans[i]) == 0 {
			continue
		}
		f := r.firm(i)
		if discount && r.sc.Certificates && len(r.pieces[i]) > 0 {
			var owed int64
			for _, l := range r.loans[i] {
				owed += l.principal
			}
			if err := r.discount(i, owed); err != nil {
				return err
			}
		}
		for len(r.loans[i]) > 0 {
			l := r.loans[i][0]
			interest, err := linkfin.Interest(l.principal, r.rate(f.RateBP), r.day-l.day, linkfin.ACT365F)
			if err != nil {
				return err
			}
			if r.wallet(i) < l.principal+interest {
				break
			}
			if err := r.do(&services.RecordOutboundPayment{Rail: outRail, InstructionID: "repay." + f.ID + "." + strconv.Itoa(l.k), OrgID: f.ID, Currency: currency, Amount: l.principal + interest}); err != nil {
				return err
			}
			r.used[i] -= l.principal
			r.loans[i] = r.loans[i][1:]
		}
	}
	return nil
}
