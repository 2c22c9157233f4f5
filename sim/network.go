// Package sim runs a generated supply network through linkfin's own domain under
// several financing scenarios, on one seed, and measures from the ledger and the
// records what each scenario does to every tier of suppliers.
//
// The simulator decides what firms do (order, deliver, pay, borrow, discount); the
// domain decides what happens: every step is a command of package services, run on an
// in-memory transaction (memtx), or through the engine on a SQLite database
// (Config.DBDir), whose clock moves a day at a time, and maturities,
// collections and lapses run through the platform's scheduler (services.Due). The
// figures are read back afterwards from the records and the ledger transfers.
package sim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"linkfin"
)

// Kinds of firm.
const (
	KindAnchor      = "anchor"
	KindSupplier    = "supplier"
	KindFunder      = "funder"
	KindDistributor = "distributor"
	KindWarehouse   = "warehouse"
)

// MaxTier is the deepest tier of suppliers.
const MaxTier = 4

// Firm is one organization of the network.
type Firm struct {
	ID   string
	Kind string
	Tier int // 1 to MaxTier for suppliers; 0 otherwise
	// Anchor is the index of the anchor whose chain the firm is in (its own for an anchor).
	Anchor int
	// Buyers and Suppliers are indexes of the firms it sells to and buys from.
	Buyers, Suppliers []int
	// RateBP is the firm's own cost of credit (basis points a year); Line its bank
	// credit line, in fen.
	RateBP int
	Line   int64
	// Terms is the days a buyer takes to pay after receipt (its payment terms).
	Terms int
	// Cash0 is what it holds on day 0.
	Cash0 int64
	// CostBP is its own costs (wages, energy) paid on each delivery, in basis points of
	// the order's value.
	CostBP int
	// Lead is the days from order to delivery it quotes.
	Lead int
	// Price is its unit price, in fen.
	Price int64
	// Sales is the value it expects to sell in a 30-day month, in fen (for a
	// distributor, what it expects to buy from its anchor).
	Sales int64
	// Stock is the value of the goods a supplier keeps in warehouse Warehouse (an
	// index), which it may pledge for a loan; 0 when it keeps none there.
	Stock     int64
	Warehouse int
}

// Link is a trading relationship: Seller sells to Buyer, Base fen a month.
type Link struct {
	Seller, Buyer int
	Base          int64
	Cycle, Phase  int // an order every Cycle days, the first on day Phase
}

// Order is one purchase order of the plan. The plan is drawn once per seed, before
// any scenario runs, so every scenario sees the same orders.
type Order struct {
	N             int
	Link          int
	Day, Delivery int   // the day it is placed, the day the goods arrive
	Qty           int64 // ordered
	Accepted      int64 // accepted at receipt (short or rejected goods are the rest)
	Rejected      int64 // rejected at receipt
	Dispute       bool  // the buyer disputes the first invoice; the seller issues a credit note
}

// Network is a generated supply network and its year of orders.
type Network struct {
	Seed   uint64
	Days   int
	Firms  []Firm
	Links  []Link
	Orders []Order
	// AnchorBP is each anchor's funding rate (by firm index), FunderBP each funder's
	// spread over it, in basis points.
	AnchorBP map[int]int
	FunderBP map[int]int
	// Seasonality is the generator's, by month (percent), which the anchors' sales
	// follow as its orders do; a network built by hand has the default's.
	Seasonality [12]int
	// DistributorSales is the percent of an anchor's sales made through its
	// distributors, which its own takings are short of; PledgeMarginBP a pledge loan's
	// rate over the anchor-backed one (the generator's).
	DistributorSales, PledgeMarginBP int
}

// Params are the calibration of the generator (see docs/SIMULATION.md).
type Params struct {
	AnchorShare, FunderShare, DistributorShare, WarehouseShare int              // per 1,000 firms, at least 1 each
	TierShare                                                  [MaxTier + 1]int // per 100 suppliers, by tier
	AnchorTermsMin, AnchorTermsMax                             int              // days (60–120)
	SupplierTermsMin, SupplierTermsMax                         int              // days a supplier-buyer takes
	RateBP                                                     [MaxTier + 1][2]int
	AnchorRateBP                                               [2]int
	FunderSpreadBP                                             [2]int
	CycleMin, CycleMax                                         int // days between a link's orders
	LateShare, RejectShare, ShortShare, DisputeShare           int // per 1,000 orders
	InputBP                                                    int // a supplier's inputs, bp of its sales
	CostBP                                                     [2]int
	Seasonality                                                [12]int // percent, by month
	DistributorSales                                           int     // percent of an anchor's sales made through its distributors
	StockShare                                                 int     // per 100 suppliers: those that keep stock in a warehouse
	StockDays                                                  int     // the stock's value, in days of the supplier's sales
	PledgeMarginBP                                             int     // a pledge loan's rate over the anchor-backed one
}

// DefaultParams is the calibration documented in docs/SIMULATION.md.
func DefaultParams() Params {
	return Params{
		AnchorShare: 5, FunderShare: 3, DistributorShare: 10, WarehouseShare: 2,
		TierShare:      [MaxTier + 1]int{0, 12, 22, 30, 36},
		AnchorTermsMin: 60, AnchorTermsMax: 120,
		SupplierTermsMin: 30, SupplierTermsMax: 60,
		RateBP:       [MaxTier + 1][2]int{{}, {550, 800}, {750, 1100}, {1000, 1800}, {1200, 2000}},
		AnchorRateBP: [2]int{300, 380}, FunderSpreadBP: [2]int{20, 90},
		CycleMin: 25, CycleMax: 40,
		LateShare: 150, RejectShare: 60, ShortShare: 40, DisputeShare: 20,
		InputBP: 6000, CostBP: [2]int{2500, 3200},
		Seasonality:      [12]int{95, 70, 100, 100, 100, 105, 100, 100, 105, 105, 110, 115},
		DistributorSales: 20, StockShare: 25, StockDays: 15, PledgeMarginBP: 150,
	}
}

func between(r *rand.Rand, lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

// Generate draws a network of n firms and its orders over days, from seed.
func Generate(seed uint64, n, days int, p Params) (*Network, error) {
	if n < 12 {
		return nil, fmt.Errorf("a network has at least 12 firms")
	}
	if days < 1 || days > 3660 {
		return nil, fmt.Errorf("a run lasts 1 to 3,660 days")
	}
	r := rand.New(rand.NewPCG(seed, 0x6c696e6b66696e))
	net := &Network{Seed: seed, Days: days, AnchorBP: map[int]int{}, FunderBP: map[int]int{}, Seasonality: p.Seasonality,
		DistributorSales: p.DistributorSales, PledgeMarginBP: p.PledgeMarginBP}
	// The draws come in this order, each step's from the one stream: the same seed
	// gives the same network.
	g := &generator{r: r, net: net, p: p}
	g.firms(n)
	g.trade()
	g.volumes()
	g.money()
	// Distributors and warehouses are drawn from a stream of their own, so that the
	// suppliers' network and orders are the same with them or without.
	downstream(net, rand.New(rand.NewPCG(seed, 0x646f776e)), p, g.anchors)
	g.orders(days)
	distributorOrders(net, rand.New(rand.NewPCG(seed, 0x6f726473)), p, days)
	// The plan in the order the days bring it.
	slices.SortStableFunc(net.Orders, func(a, b Order) int { return a.Day - b.Day })
	return net, nil
}

// generator draws a network: the firms first (the anchors at the start of Firms),
// then who trades with whom, their volumes, their money and their orders.
type generator struct {
	r       *rand.Rand
	net     *Network
	p       Params
	anchors int
	funders int
	byTier  [MaxTier + 1][]int // the suppliers of each tier, by index in Firms
}

func (g *generator) add(f Firm) int {
	g.net.Firms = append(g.net.Firms, f)
	return len(g.net.Firms) - 1
}

// firms draws the n firms: anchors, funders, distributors, warehouses, and the
// suppliers of every tier (at least one in each).
func (g *generator) firms(n int) {
	r, net, p := g.r, g.net, g.p
	count := func(per int) int { return max(1, n*per/1000) }
	anchors, funders, dists, whs := count(p.AnchorShare), max(2, count(p.FunderShare)), count(p.DistributorShare), count(p.WarehouseShare)
	g.anchors, g.funders = anchors, funders
	suppliers := n - anchors - funders - dists - whs
	for i := range anchors {
		a := g.add(Firm{ID: fmt.Sprintf("anchor-%04d", i+1), Kind: KindAnchor, Terms: between(r, p.AnchorTermsMin, p.AnchorTermsMax)})
		net.Firms[a].Anchor = a
		net.AnchorBP[a] = between(r, p.AnchorRateBP[0], p.AnchorRateBP[1])
		net.Firms[a].RateBP = net.AnchorBP[a]
	}
	for i := range funders {
		f := g.add(Firm{ID: fmt.Sprintf("bank-%03d", i+1), Kind: KindFunder})
		net.FunderBP[f] = between(r, p.FunderSpreadBP[0], p.FunderSpreadBP[1])
	}
	for i := range dists {
		d := g.add(Firm{ID: fmt.Sprintf("dist-%04d", i+1), Kind: KindDistributor})
		net.Firms[d].Anchor = i % anchors
	}
	for i := range whs {
		g.add(Firm{ID: fmt.Sprintf("wh-%03d", i+1), Kind: KindWarehouse})
	}
	left := suppliers
	for t := 1; t <= MaxTier; t++ {
		k := max(1, suppliers*p.TierShare[t]/100)
		if t == MaxTier {
			k = max(1, left)
		}
		k = min(k, left-(MaxTier-t))
		left -= k
		for i := range k {
			f := Firm{ID: fmt.Sprintf("t%d-%05d", t, i+1), Kind: KindSupplier, Tier: t,
				Terms: between(r, p.SupplierTermsMin, p.SupplierTermsMax), Lead: between(r, 5, 25)}
			rb := p.RateBP[t]
			f.RateBP = between(r, rb[0], rb[1])
			f.CostBP = between(r, p.CostBP[0], p.CostBP[1])
			f.Price = int64(between(r, 20, 2000)) * 100
			g.byTier[t] = append(g.byTier[t], g.add(f))
		}
	}
}

// tier lists the firms of a tier by index: tier 0 is the anchors.
func (g *generator) tier(t int) []int {
	if t > 0 {
		return g.byTier[t]
	}
	anchors := make([]int, g.anchors)
	for i := range anchors {
		anchors[i] = i
	}
	return anchors
}

// trade draws who sells to whom: a tier-1 firm to one anchor (sometimes two), a tier-k
// firm to one to three firms of tier k−1, every buyer having at least one supplier.
func (g *generator) trade() {
	r, net := g.r, g.net
	for t := 1; t <= MaxTier; t++ {
		buyers := g.tier(t - 1)
		for j, s := range g.byTier[t] {
			nb := 1
			if x := r.IntN(100); x < 20 {
				nb = 2
			} else if x < 25 && t > 1 {
				nb = 3
			}
			nb = min(nb, len(buyers))
			first := buyers[j%len(buyers)] // every buyer gets a supplier
			if j >= len(buyers) {
				first = buyers[r.IntN(len(buyers))]
			}
			chosen := []int{first}
			for len(chosen) < nb {
				b := buyers[r.IntN(len(buyers))]
				if !slices.Contains(chosen, b) {
					chosen = append(chosen, b)
				}
			}
			for _, b := range chosen {
				net.Firms[s].Buyers = append(net.Firms[s].Buyers, b)
				net.Firms[b].Suppliers = append(net.Firms[b].Suppliers, s)
			}
			net.Firms[s].Anchor = net.Firms[first].Anchor
		}
	}
}

// volumes draws what flows, top down: an anchor buys 3 to 30 million a month; a
// supplier buys InputBP of its sales from its suppliers, each a share by weight; each
// pair trades on a cycle of its own.
func (g *generator) volumes() {
	r, net, p := g.r, g.net, g.p
	for i := range g.anchors {
		net.Firms[i].Sales = int64(between(r, 300, 3000)) * 1_000_000 // 3.00m–30.00m yuan in fen
	}
	for t := 0; t < MaxTier; t++ {
		for _, b := range g.tier(t) {
			bf := &net.Firms[b]
			spend := bf.Sales * int64(p.InputBP) / 10000
			if t == 0 {
				spend = bf.Sales // the anchor's purchases are its volume
			}
			weights := make([]int, len(bf.Suppliers))
			total := 0
			for k := range weights {
				weights[k] = between(r, 1, 4)
				total += weights[k]
			}
			for k, s := range bf.Suppliers {
				base := spend * int64(weights[k]) / int64(total)
				cycle := between(r, p.CycleMin, p.CycleMax)
				net.Links = append(net.Links, Link{Seller: s, Buyer: b, Base: base, Cycle: cycle, Phase: r.IntN(cycle)})
				net.Firms[s].Sales += base
			}
		}
	}
}

// money draws cash and credit: a supplier starts with about a month of its own costs
// and a bank line of one to three months of sales, deeper tiers less; an anchor with
// three months of its purchases; the funders with a year of the anchors' volume
// between them.
func (g *generator) money() {
	r, net := g.r, g.net
	for i := range net.Firms {
		f := &net.Firms[i]
		switch f.Kind {
		case KindSupplier:
			cost := f.Sales * int64(f.CostBP) / 10000
			f.Cash0 = cost * int64(between(r, 50, 150)) / 100
			f.Line = f.Sales * int64(between(r, 100, 300)) / 100 * int64(6-f.Tier) / 5
			if f.Price > f.Sales/40 {
				f.Price = max(100, f.Sales/40/100*100)
			}
		case KindAnchor:
			f.Cash0 = f.Sales * 3
		case KindFunder:
			f.Cash0 = 0 // funded below, from the volume it may finance
		}
	}
	var volume int64
	for i := range g.anchors {
		volume += net.Firms[i].Sales
	}
	for f := range net.FunderBP {
		net.Firms[f].Cash0 = volume * 12 / int64(g.funders)
	}
}

// orders draws the suppliers' orders over days: each link orders every cycle, by the
// month's season, ±20 %, some delivered late, short or partly rejected, some disputed.
func (g *generator) orders(days int) {
	r, net, p := g.r, g.net, g.p
	for li, l := range net.Links {
		seller := &net.Firms[l.Seller]
		if seller.Kind == KindAnchor {
			continue // a distributor's: distributorOrders
		}
		for d := l.Phase; d < days; d += l.Cycle {
			month := monthOf(d)
			amount := l.Base * int64(l.Cycle) / 30 * int64(p.Seasonality[month]) / 100 * int64(between(r, 80, 120)) / 100
			qty := max(1, amount/seller.Price)
			o := Order{N: len(net.Orders) + 1, Link: li, Day: d, Qty: qty, Accepted: qty}
			o.Delivery = d + seller.Lead
			if r.IntN(1000) < p.LateShare {
				o.Delivery += between(r, 3, 20)
			}
			switch x := r.IntN(1000); {
			case x < p.RejectShare:
				o.Rejected = max(1, qty*int64(between(r, 1, 10))/100)
				o.Accepted = qty - o.Rejected
			case x < p.RejectShare+p.ShortShare:
				o.Accepted = qty - max(1, qty*int64(between(r, 1, 15))/100)
			}
			o.Dispute = r.IntN(1000) < p.DisputeShare
			if o.Accepted <= 0 {
				o.Accepted, o.Rejected = qty, 0
			}
			net.Orders = append(net.Orders, o)
		}
	}
}

// Start is the first day of every run.
var Start = linkfin.NewDate(2027, time.January, 1)

// monthOf is the month (0–11) of day d of the run.
func monthOf(d int) int {
	_, m, _ := Start.AddDays(d).YMD()
	return int(m) - 1
}

// downstream gives each distributor its anchor's goods to buy (a link from the
// anchor, a share of the anchor's sales split among its distributors), terms to pay
// them and the cash to start with; and gives some suppliers stock in a warehouse.
func downstream(net *Network, r *rand.Rand, p Params, anchors int) {
	dists := make([][]int, anchors) // by anchor
	var whs []int
	for i, f := range net.Firms {
		switch f.Kind {
		case KindDistributor:
			dists[f.Anchor] = append(dists[f.Anchor], i)
		case KindWarehouse:
			whs = append(whs, i)
		}
	}
	for a, ds := range dists {
		if len(ds) == 0 {
			continue
		}
		anchor := &net.Firms[a]
		anchor.Price = int64(between(r, 50, 300)) * 1000_00 // 50,000–300,000 yuan a unit
		anchor.Lead = between(r, 5, 15)
		for _, d := range ds {
			f := &net.Firms[d]
			f.Sales = anchor.Sales * 115 / 100 * int64(p.DistributorSales) / 100 / int64(len(ds))
			f.Terms = between(r, p.SupplierTermsMin, p.SupplierTermsMax)
			f.Cash0 = f.Sales
			f.Suppliers = []int{a}
			anchor.Buyers = append(anchor.Buyers, d)
			cycle := between(r, p.CycleMin, p.CycleMax)
			net.Links = append(net.Links, Link{Seller: a, Buyer: d, Base: f.Sales, Cycle: cycle, Phase: r.IntN(cycle)})
		}
	}
	if len(whs) == 0 {
		return
	}
	for i := range net.Firms {
		f := &net.Firms[i]
		if f.Kind == KindSupplier && r.IntN(100) < p.StockShare {
			f.Stock = f.Sales * int64(p.StockDays) / 30 / 100 * 100
			f.Warehouse = whs[r.IntN(len(whs))]
		}
	}
}

// distributorOrders draws the distributors' orders from their anchors: every cycle,
// by the month's season, ±20 %, delivered whole after the anchor's lead time.
func distributorOrders(net *Network, r *rand.Rand, p Params, days int) {
	for li, l := range net.Links {
		seller := &net.Firms[l.Seller]
		if seller.Kind != KindAnchor {
			continue
		}
		for d := l.Phase; d < days; d += l.Cycle {
			amount := l.Base * int64(l.Cycle) / 30 * int64(p.Seasonality[monthOf(d)]) / 100 * int64(between(r, 80, 120)) / 100
			qty := max(1, amount/seller.Price)
			net.Orders = append(net.Orders, Order{N: len(net.Orders) + 1, Link: li, Day: d, Delivery: d + seller.Lead, Qty: qty, Accepted: qty})
		}
	}
}
