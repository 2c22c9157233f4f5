package sim

import (
	"context"
	"fmt"
	"testing"

	"linkfin"
)

// handNetwork is a dozen firms whose year is worked out by hand below: one anchor
// (terms 80 days, funded at 3.00 %), two funders (spreads 0.50 % and 1.00 %), a
// distributor and a warehouse that do nothing, and two chains of suppliers:
//
//	anchor ← t1-a ← t2-a ← t3-a ← t4-a
//	anchor ← t1-b ← t2-b ← t3-b
//
// Everyone orders on day 0 (2027-01-01) at 100.00 a unit: tier 1 sells 1,000 units
// (100,000.00) delivered on day 10, tier 2 600 (60,000.00) on day 5, tier 3 360
// (36,000.00) on day 3, tier 4 200 (20,000.00) on day 2. A supplier-buyer's terms
// are 30 days. Each supplier's own costs are 10 % of its order, paid on delivery, and
// it starts with exactly that much cash — except t1-b, which starts with nothing and
// borrows its 10,000.00 at 12 % a year on its bank line.
func handNetwork() *Network {
	net := &Network{Seed: 0, Days: 30, AnchorBP: map[int]int{0: 300}, FunderBP: map[int]int{1: 50, 2: 100}}
	net.Firms = []Firm{
		{ID: "anchor-0001", Kind: KindAnchor, Terms: 80, Sales: 100_000_000_00, Cash0: 100_000_000_00, RateBP: 300},
		{ID: "bank-001", Kind: KindFunder, Cash0: 10_000_000_00},
		{ID: "bank-002", Kind: KindFunder, Cash0: 10_000_000_00},
		{ID: "dist-0001", Kind: KindDistributor},
		{ID: "wh-001", Kind: KindWarehouse},
	}
	supplier := func(id string, tier int, buyer int, cash, line int64, rate int) {
		net.Firms = append(net.Firms, Firm{ID: id, Kind: KindSupplier, Tier: tier, Buyers: []int{buyer}, Terms: 30, CostBP: 1000,
			Price: 100_00, Cash0: cash, Line: line, RateBP: rate})
	}
	supplier("t1-a", 1, 0, 10_000_00, 0, 800)     // 5
	supplier("t1-b", 1, 0, 0, 1_000_000_00, 1200) // 6
	supplier("t2-a", 2, 5, 6_000_00, 0, 1000)     // 7
	supplier("t2-b", 2, 6, 6_000_00, 0, 1000)     // 8
	supplier("t3-a", 3, 7, 3_600_00, 0, 1400)     // 9
	supplier("t3-b", 3, 8, 3_600_00, 0, 1400)     // 10
	supplier("t4-a", 4, 9, 2_000_00, 0, 1600)     // 11
	for i, f := range net.Firms {
		for _, b := range f.Buyers {
			net.Links = append(net.Links, Link{Seller: i, Buyer: b})
		}
	}
	qty := map[int]int64{1: 1000, 2: 600, 3: 360, 4: 200}
	lead := map[int]int{1: 10, 2: 5, 3: 3, 4: 2}
	for li, l := range net.Links {
		t := net.Firms[l.Seller].Tier
		net.Orders = append(net.Orders, Order{N: li + 1, Link: li, Day: 0, Delivery: lead[t], Qty: qty[t], Accepted: qty[t]})
	}
	return net
}

func handRun(t *testing.T, scenario string) *ScenarioReport {
	t.Helper()
	sc, _ := ScenarioNamed(scenario)
	rep, err := SimulateNetwork(context.Background(), handNetwork(), Config{Scenarios: []Scenario{sc}, PerFirm: true})
	if err != nil {
		t.Fatal(err)
	}
	return &rep.Scenarios[0]
}

type handFigures struct {
	mean     string
	p50, p90 int
	costBP   int
	cost     int64
}

func checkFirms(t *testing.T, sc *ScenarioReport, want map[string]handFigures) {
	t.Helper()
	if len(sc.Firms) != len(want) {
		t.Fatalf("%s: %d firms measured", sc.Name, len(sc.Firms))
	}
	for _, f := range sc.Firms {
		w := want[f.ID]
		got := handFigures{f.DaysToCash.Mean, f.DaysToCash.P50, f.DaysToCash.P90, f.CostOfFundingBP, f.FundingCost}
		if got != w {
			t.Errorf("%s, %s: %+v, want %+v", sc.Name, f.ID, got, w)
		}
	}
}

// With no supply chain finance, the anchor pays tier 1 on day 90 (delivery on day 10
// plus 80 days). No supplier-buyer has cash to pay its own supplier before (each spent
// what it had on its costs), so the whole chain is paid back to back on day 90, each
// paying as soon as it is paid: t2 delivered on day 5 waits 85 days, t3 (day 3) 87,
// t4 (day 2) 88. t1-b's loan of 10,000.00 runs 80 days at 12 % ACT/365:
// 10,000.00 × 0.12 × 80 / 365 = 263.0137 → 263.01, an effective 263.01 × 365 /
// (10,000.00 × 80) = 11.9998 % → 1,200 bp.
func TestHandWorkedNone(t *testing.T) {
	sc := handRun(t, "none")
	checkFirms(t, sc, map[string]handFigures{
		"t1-a": {"80.0", 80, 80, 0, 0},
		"t1-b": {"80.0", 80, 80, 1200, 263_01},
		"t2-a": {"85.0", 85, 85, 0, 0},
		"t2-b": {"85.0", 85, 85, 0, 0},
		"t3-a": {"87.0", 87, 87, 0, 0},
		"t3-b": {"87.0", 87, 87, 0, 0},
		"t4-a": {"88.0", 88, 88, 0, 0},
	})
	if sc.AnchorDaysPayable != "80.0" || sc.DebtClearing != "0.00" {
		t.Errorf("anchor's days payable %s, debt clearing %s", sc.AnchorDaysPayable, sc.DebtClearing)
	}
}

// With certificates, the anchor pays tier 1 on day 10 in two certificates of
// 100,000.00 maturing on day 90 (2027-04-01, a Thursday). The same day each holder
// passes pieces down to pay what it owes: t1 60,000.00 to t2 (which delivered on day
// 5: 5 days), t2 36,000.00 to t3 (day 3: 7 days), t3-a 20,000.00 to t4-a (day 2);
// every remainder is paid at maturity, day 90.
//
//	t1-a: 60,000 settled at 0 days, 40,000 at 80: mean 32.0, p50 0, p90 80
//	t2:   36,000 at 5 days, 24,000 at 85:          mean 37.0, p50 5, p90 85
//	t3-a: 20,000 at 7 days, 16,000 at 87:          mean 42.6 (42.555…), p50 7, p90 87
//	t3-b: holds its 36,000 piece to day 90:        87 days
//	t4-a: holds its 20,000 piece to day 90:        88 days
//
// t1-b still borrows its costs on day 10, but at once discounts its 40,000.00
// remainder with its house bank, bank-001 at 3.50 %, to repay the loan the same day
// (no interest for 0 days): 40,000.00 × 0.035 × 80 / 360 = 311.11, so all of its
// payable is cash on day 10, and it paid 311.11 on 39,688.89 for 80 days:
// 311.11 × 365 / (39,688.89 × 80) = 3.5764 % → 358 bp. The debt settled by pieces,
// 60,000 × 2 + 36,000 × 2 + 20,000 = 212,000.00, over the 200,000.00 issued: 1.06.
func TestHandWorkedCertificates(t *testing.T) {
	sc := handRun(t, "certificates")
	checkFirms(t, sc, map[string]handFigures{
		"t1-a": {"32.0", 0, 80, 0, 0},
		"t1-b": {"0.0", 0, 0, 358, 311_11},
		"t2-a": {"37.0", 5, 85, 0, 0},
		"t2-b": {"37.0", 5, 85, 0, 0},
		"t3-a": {"42.6", 7, 87, 0, 0},
		"t3-b": {"87.0", 87, 87, 0, 0},
		"t4-a": {"88.0", 88, 88, 0, 0},
	})
	if sc.AnchorDaysPayable != "80.0" || sc.DebtClearing != "1.06" || sc.CertificatesIssued != 200_000_00 || sc.PassedOn != 212_000_00 {
		t.Errorf("anchor's days payable %s, debt clearing %s (%d of %d)", sc.AnchorDaysPayable, sc.DebtClearing, sc.PassedOn, sc.CertificatesIssued)
	}
	if f := sc.Funders[0]; f.ID != "bank-001" || f.Financings != 1 || f.Financed != 39_688_89 || f.Income != 311_11 || f.Losses != 0 {
		t.Errorf("bank-001: %+v", f)
	}
	if !sc.Check.OK() || sc.Check.Trees != 2 || sc.Check.TreesConserved != 2 {
		t.Errorf("check: %+v", sc.Check)
	}
}

// With conditional payments, t2-a, given 72,000.00 more (twice the 36,000.00 it
// orders from t3-a), locks t3-a's order on day 0, and the receipt on day 3 releases
// it: t3-a is paid on delivery. t3-a, whose own cash went on its costs, pays t4-a its
// 20,000.00 from that when it falls due on day 32 (delivered on day 2: 30 days). The
// anchor, its wallet above a month of purchases once the first week's takings are in,
// pays tier 1 early on day 10 (dynamic discounting) instead of in certificates, so t1-a
// pays t2-a in cash when it falls due, day 35 (delivered on day 5: 30 days).
func TestHandWorkedConditional(t *testing.T) {
	net := handNetwork()
	net.Firms[7].Cash0 += 72_000_00
	sc, _ := ScenarioNamed("conditional_payments")
	rep, err := SimulateNetwork(context.Background(), net, Config{Scenarios: []Scenario{sc}, PerFirm: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]handFigures{"t2-a": {"30.0", 30, 30, 0, 0}, "t3-a": {"0.0", 0, 0, 0, 0}, "t4-a": {"30.0", 30, 30, 0, 0}}
	for _, f := range rep.Scenarios[0].Firms {
		w, ok := want[f.ID]
		if got := (handFigures{f.DaysToCash.Mean, f.DaysToCash.P50, f.DaysToCash.P90, f.CostOfFundingBP, f.FundingCost}); ok && got != w {
			t.Errorf("%s: %+v, want %+v", f.ID, got, w)
		}
	}
}

// The conditional payment of TestHandWorkedConditional is on the e-CNY rail: t2-a
// moves the 36,000.00 into its designated e-CNY wallet and locks it there on day 0;
// the receipt on day 3 pays it into t3-a's as one e-CNY payment, counted in t2-a's
// totals of day 0, which t3-a moves at once to its platform wallet, where it pays
// from. Neither wallet keeps anything.
func TestHandWorkedConditionalInECNY(t *testing.T) {
	net := handNetwork()
	net.Firms[7].Cash0 += 72_000_00
	sc, _ := ScenarioNamed("conditional_payments")
	r, err := run(context.Background(), net, sc, nil, "", false)
	if err != nil {
		t.Fatal(err)
	}
	var cp linkfin.ConditionalPayment
	if found, err := r.db.Get(linkfin.KindConditionalPayment, cpID(5), &cp); err != nil || !found {
		t.Fatalf("t2-a's conditional payment: %v", err)
	}
	if cp.Rail != linkfin.RailECNY || cp.Status != linkfin.ConditionalReleased || cp.Released != 36_000_00 || len(cp.Moves) != 2 ||
		dayOf(cp.Moves[1].At) != 3 || cp.ECNY == nil || cp.ECNY.Day != Start {
		t.Fatalf("t2-a's conditional payment: %+v", cp)
	}
	var paid linkfin.ECNYPayment
	if found, err := r.db.Get(linkfin.KindECNYPayment, cp.Moves[1].ECNYPaymentID, &paid); err != nil || !found ||
		paid.PayerID != "t2-a" || paid.PayeeID != "t3-a" || paid.Amount != 36_000_00 || paid.Day != Start {
		t.Fatalf("the release's e-CNY payment: %+v, %v", paid, err)
	}
	for _, i := range []int{7, 9} {
		w := r.ecny[i]
		if w == nil {
			t.Fatalf("%s has no e-CNY wallet", r.firm(i).ID)
		}
		if a, _ := r.db.Account(int64(w.Ledger.Wallet)); a.CreditsPosted != 36_000_00 || a.DebitsPosted != 36_000_00 || a.DebitsPending != 0 {
			t.Fatalf("%s's e-CNY wallet: %+v", r.firm(i).ID, a)
		}
	}
}

// With scorecard terms, t1-b's discount on day 10 (the anchor, holding less than a
// month of purchases, pays in certificates) is priced by its grade: the anchor's
// 3.00 % plus the grade's margin, in place of bank-001's own 0.50 %; the decision the
// quote was made on is kept with the financing, with the grade's terms.
func TestScorecardTerms(t *testing.T) {
	net := handNetwork()
	net.Firms[0].Cash0 = 30_000_000_00
	sc, _ := ScenarioNamed("scorecard_terms")
	r, err := run(context.Background(), net, sc, nil, "", false)
	if err != nil {
		t.Fatal(err)
	}
	var f linkfin.Financing
	if found, err := r.db.Get(linkfin.KindFinancing, "cd.r.4.1", &f); err != nil || !found || f.Decision == nil || f.DisbursedAt == nil {
		t.Fatalf("t1-b's discount: %+v, %v", f, err)
	}
	margin := -1
	for _, g := range gradeMargins {
		if g.grade == f.Decision.Grade {
			margin = g.bp
		}
	}
	if margin < 0 || f.Quote.Rate.Cmp(bp(300+margin)) != 0 || f.Decision.Terms == nil || f.Decision.Terms.Grade != f.Decision.Grade {
		t.Fatalf("grade %s: rate %s, terms %+v", f.Decision.Grade, f.Quote.Rate, f.Decision.Terms)
	}
}

// handDownstream is handNetwork with its distributor and warehouse at work.
// dist-0001 orders two units of the anchor's at 100,000.00 on day 0, delivered on day
// 10; it pays on terms of 30 days and starts with 204,000.00. t2-b starts with no
// cash and no bank line, but keeps stock worth 20,000.00 in wh-001.
func handDownstream() *Network {
	net := handNetwork()
	net.PledgeMarginBP = 150
	net.Firms[0].Price, net.Firms[0].Lead, net.Firms[0].Buyers = 100_000_00, 10, []int{3}
	d := &net.Firms[3]
	d.Anchor, d.Terms, d.Cash0, d.Suppliers = 0, 30, 204_000_00, []int{0}
	t2b := &net.Firms[8]
	t2b.Cash0, t2b.Stock, t2b.Warehouse = 0, 20_000_00, 4
	net.Links = append(net.Links, Link{Seller: 0, Buyer: 3})
	net.Orders = append(net.Orders, Order{N: len(net.Orders) + 1, Link: len(net.Links) - 1, Day: 0, Delivery: 10, Qty: 2, Accepted: 2})
	return net
}

// With no supply chain finance, the anchor invoices dist-0001 on delivery, day 10, and
// is paid on the due date, day 40: 30 days to cash, and the distributor's 30 days to
// pay, at no cost. t2-b cannot pay its costs on day 5 and fails.
//
// With certificates (and so distributor financing and warehouse pledges), dist-0001's
// house bank, bank-002, pays the anchor the order's 200,000.00 when it accepts it, on
// day 0: the anchor is paid 10 days before delivery. The loan runs the program's 180
// days at the anchor's 3.00 % plus bank-002's 1.00 %, ACT/360: 200,000.00 × 0.04 × 180
// / 360 = 4,000.00; the scheduler closes it the day after its due date, day 181, from
// the distributor's wallet: 171 days from delivery to paying, at 4,000.00 × 365 /
// (200,000.00 × 181) = 4.0331 % → 403 bp.
//
// t2-b, short of its 6,000.00 of costs on day 5, pledges its stock: wh-001 issues a
// receipt for 2,000,000 units at the mark of 1.00, and its house bank, bank-001, lends
// 60 % of it, 12,000.00, for 90 days at 3.00 + 0.50 + 1.50 = 5.00 %: interest 12,000.00
// × 0.05 × 90 / 360 = 150.00, due on day 95. It is paid as in the certificates scenario
// (36,000.00 passed on at 5 days, its 24,000.00 piece at maturity, day 90), and repays
// 12,150.00 that day: 150.00 × 365 / (12,000.00 × 85) = 5.3676 % → 537 bp.
func TestHandWorkedDownstream(t *testing.T) {
	for _, name := range []string{"none", "certificates"} {
		sc, _ := ScenarioNamed(name)
		rep, err := SimulateNetwork(context.Background(), handDownstream(), Config{Scenarios: []Scenario{sc}, PerFirm: true})
		if err != nil {
			t.Fatal(err)
		}
		s := &rep.Scenarios[0]
		d := s.Distributors
		got := []any{d.Firms, d.Orders, d.Amount, d.AnchorDaysToCash, d.DaysToPay, d.CostOfFundingBP, d.FundingCost, d.FinancedShareBP, d.Unpaid}
		want := []any{1, 1, int64(200_000_00), Days{"30.0", 30, 30}, Days{"30.0", 30, 30}, 0, int64(0), 0, int64(0)}
		wh := WarehouseReport{ID: "wh-001"}
		if name == "certificates" {
			want = []any{1, 1, int64(200_000_00), Days{"-10.0", -10, -10}, Days{"171.0", 171, 171}, 403, int64(4_000_00), 10000, int64(0)}
			wh = WarehouseReport{ID: "wh-001", Receipts: 1, Loans: 1, Lent: 12_000_00}
			for _, f := range s.Firms {
				if got := (handFigures{f.DaysToCash.Mean, f.DaysToCash.P50, f.DaysToCash.P90, f.CostOfFundingBP, f.FundingCost}); f.ID == "t2-b" && got != (handFigures{"37.0", 5, 85, 537, 150_00}) {
					t.Errorf("t2-b: %+v", got)
				}
			}
			if f := s.Funders[1]; f.ID != "bank-002" || f.Financings != 1 || f.Financed != 200_000_00 || f.Income != 4_000_00 {
				t.Errorf("bank-002: %+v", f)
			}
		} else if s.Tiers[1].Failed != 1 {
			t.Errorf("none: %d of tier 2 failed", s.Tiers[1].Failed)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: distributors %v, want %v", name, got, want)
		}
		if len(s.Warehouses) != 1 || s.Warehouses[0] != wh {
			t.Errorf("%s: warehouses %+v", name, s.Warehouses)
		}
	}
}
