package services_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// scoreWorld: tier1 sells to the anchor (under the program "graded", which maps
// grades to terms) and to tier2; bank funds the program at base 3 % + 1.5 %.
func scoreWorld(t *testing.T) *world {
	w := newWorld(t)
	w.now = time.Date(2026, 8, 10, 9, 0, 0, 0, time.UTC)
	caps := func(cs ...linkfin.Capability) []linkfin.Capability { return cs }
	for _, o := range []linkfin.Organization{
		{ID: "anchor", Name: "Anchor", Capabilities: caps(linkfin.CapAnchor, linkfin.CapTrade)},
		{ID: "tier1", Name: "Tier One", Capabilities: caps(linkfin.CapTrade)},
		{ID: "tier2", Name: "Tier Two", Capabilities: caps(linkfin.CapTrade)},
		{ID: "bank", Name: "Bank", Capabilities: caps(linkfin.CapFund)},
	} {
		w.must(&services.CreateOrganization{Org: o})
	}
	w.must(
		&services.ProposeRelationship{Actor: "anchor", BuyerID: "anchor", SellerID: "tier1"},
		&services.AcceptRelationship{Actor: "tier1", BuyerID: "anchor", SellerID: "tier1"},
		&services.ProposeRelationship{Actor: "tier2", BuyerID: "tier2", SellerID: "tier1"},
		&services.AcceptRelationship{Actor: "tier1", BuyerID: "tier2", SellerID: "tier1"},
	)
	base, margin, c70, b85 := rate(t, "0.03"), rate(t, "0.015"), rate(t, "0.7"), rate(t, "0.85")
	cMargin := rate(t, "0.04")
	w.must(
		&services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: "graded", Name: "Graded", Currency: "CNY",
			Limit: 100_000_000_00, Products: []linkfin.Product{linkfin.ProductFactoring}, MaxTenorDays: 180,
			AdvanceRate: rate(t, "0.8"), DayCount: linkfin.ACT360, Calendar: "WEEKEND", DeclineBelow: "D",
			Grades: []linkfin.GradeTerms{{Grade: "B", AdvanceRate: &b85}, {Grade: "C", AdvanceRate: &c70, Margin: &cMargin, MaxTenorDays: 120}}}},
		&services.InviteFunder{Actor: "anchor", ProgramID: "graded", FunderID: "bank", Limit: 10_000_000_00,
			Pricing: linkfin.Pricing{BaseRate: &base, Margin: &margin}},
		&services.AcceptFunder{Actor: "bank", ProgramID: "graded"},
	)
	return w
}

// deliver runs an order of qty at 10.00 a unit from buyer to tier1 (deliver by the
// day given, or none), its receipts (accepted, rejected pairs, each on the day given)
// and its invoice for what was accepted, on the last receipt's day.
func deliver(w *world, n, buyer, deliverBy string, qty int64, receipts ...receiptOn) {
	t := w.t
	t.Helper()
	po := linkfin.PurchaseOrder{ID: "po-" + n, Number: "PO-" + n, SellerID: "tier1", Currency: "CNY",
		Lines: []linkfin.POLine{{LineID: "L1", Item: "part", Quantity: qty, Unit: "pc", UnitPrice: 10_00}}}
	if buyer == "anchor" {
		po.ProgramID = "graded"
	}
	if deliverBy != "" {
		d := day(t, deliverBy)
		po.DeliverBy = &d
	}
	w.must(&services.CreatePurchaseOrder{Actor: buyer, Order: po}, &services.AcceptPurchaseOrder{Actor: "tier1", ID: po.ID})
	var accepted int64
	for i, r := range receipts {
		on, err := time.Parse(time.DateOnly, r.on)
		if err != nil {
			t.Fatal(err)
		}
		w.now = on.Add(10 * time.Hour)
		w.must(&services.CreateGoodsReceipt{Actor: buyer, Receipt: linkfin.GoodsReceipt{ID: "gr-" + n + "-" + string(rune('a'+i)), POID: po.ID,
			Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: r.accepted, Rejected: r.rejected}}}})
		accepted += r.accepted
	}
	w.must(&services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-" + n, Number: "INV-" + n, BuyerID: buyer,
		POID: po.ID, Currency: "CNY", IssueDate: linkfin.DateOf(w.now), DueDate: linkfin.DateOf(w.now).AddDays(90),
		Lines: []linkfin.InvoiceLine{{LineID: "L1", Quantity: accepted, UnitPrice: 10_00, Amount: accepted * 10_00}}, Total: accepted * 10_00}})
}

type receiptOn struct {
	on                 string
	accepted, rejected int64
}

// history is tier1's small history, whose every figure docs/CREDIT.md works out by
// hand:
//
//	a1 anchor  100 due 08-20, received whole 08-15: on time, in full; invoiced 1,000.00
//	a2 anchor  200 due 09-10, 190 + 10 rejected 09-15: late; invoiced 1,900.00, credited 100.00 on 09-20
//	b1 tier2   100 no date, 30 on 10-05 then 70 on 10-06: the second in full; invoiced 1,000.00
//	a3 anchor  100 no date, received whole 11-02; invoiced 1,000.00 and disputed
func history(w *world) {
	deliver(w, "a1", "anchor", "2026-08-20", 100, receiptOn{"2026-08-15", 100, 0})
	deliver(w, "a2", "anchor", "2026-09-10", 200, receiptOn{"2026-09-15", 190, 10})
	w.now = w.now.AddDate(0, 0, 5)
	w.must(&services.CreateCreditNote{Actor: "tier1", Note: linkfin.CreditNote{ID: "cn-a2", Number: "CN-a2", InvoiceID: "inv-a2",
		Amount: 100_00, Reason: "ten rejected units billed"}})
	deliver(w, "b1", "tier2", "", 100, receiptOn{"2026-10-05", 30, 0}, receiptOn{"2026-10-06", 70, 0})
	deliver(w, "a3", "anchor", "", 100, receiptOn{"2026-11-02", 100, 0})
	w.must(&services.DisputeInvoice{Actor: "anchor", ID: "inv-a3", Reason: "wrong price"})
}

func factor(t *testing.T, sc *linkfin.Score, name string) linkfin.Factor {
	t.Helper()
	for _, f := range sc.Factors {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("no factor %s in %+v", name, sc.Factors)
	return linkfin.Factor{}
}

// Each factor of tier1's score, against the figures of its history worked out by
// hand, over all its buyers and with one.
func TestScorecardFactorsByHand(t *testing.T) {
	w := scoreWorld(t)
	history(w)
	s := store{db: w.db}
	sc, err := services.ScorecardFor(context.Background(), s, linkfin.Viewer{Org: "tier1"}, "tier1", "", w.now)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name          string
		value, points int64
	}{
		{linkfin.FactorOnTimeInFull, 6000, 12}, // 3 of 5 receipts: a1, b1's second, a3
		{linkfin.FactorRejections, 200, 13},    // 10 of 500 units; 15 × (2000 − 200) / 2000
		{linkfin.FactorDisputes, 2500, 0},      // 1 of 4 invoices, past the 20 % that gives none
		{linkfin.FactorDilution, 204, 13},      // 100.00 of 4,900.00; 15 × (2000 − 204) / 2000
		{linkfin.FactorTenure, 79, 1},          // 2026-08-15 to 2026-11-02; 10 × 79 / 730
		{linkfin.FactorStability, 2755, 7},     // months 1,000, 1,900, 1,000, 1,000: mean deviation 405 of 1,225
		{linkfin.FactorConcentration, 7959, 4}, // the anchor's 3,900.00 of 4,900.00; 10 × (10000 − 7959) / 5000
	}
	for _, x := range want {
		f := factor(t, sc, x.name)
		if f.Value == nil || *f.Value != x.value || f.Points != x.points {
			t.Errorf("%s: %+v (value %v), want %d points at %d", x.name, f, f.Value, x.points, x.value)
		}
	}
	if f := factor(t, sc, linkfin.FactorBuyerPayment); f.Value != nil || f.Points != 0 {
		t.Errorf("no payable was paid yet: %+v", f)
	}
	if sc.Score != 50 || sc.Grade != "C" || sc.ModelVersion != "v1" || !sc.AsOf.Equal(w.now) {
		t.Fatalf("score %d grade %s model %s as of %s, want 50, C, v1", sc.Score, sc.Grade, sc.ModelVersion, sc.AsOf)
	}
	var codes []string
	for _, r := range sc.Reasons {
		codes = append(codes, r.Code)
		if r.EN == "" || r.ZH == "" || r.ImproveEN == "" || r.ImproveZH == "" {
			t.Errorf("reason %s lacks a sentence: %+v", r.Code, r)
		}
	}
	if want := []string{"dispute_rate", "buyer_payment_no_history", "tenure", "on_time_in_full", "buyer_concentration"}; !reflect.DeepEqual(codes, want) {
		t.Errorf("reasons %v, want %v", codes, want)
	}

	// With tier2 alone: b1's two receipts, one in full; its 1,000.00 of 4,900.00.
	pair, err := services.ScorecardFor(context.Background(), s, linkfin.Viewer{Org: "tier1"}, "tier1", "tier2", w.now)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []struct {
		name          string
		value, points int64
	}{{linkfin.FactorOnTimeInFull, 5000, 10}, {linkfin.FactorRejections, 0, 15}, {linkfin.FactorDisputes, 0, 10},
		{linkfin.FactorDilution, 0, 15}, {linkfin.FactorTenure, 27, 0}, {linkfin.FactorConcentration, 2040, 10}} {
		f := factor(t, pair, x.name)
		if f.Value == nil || *f.Value != x.value || f.Points != x.points {
			t.Errorf("with tier2, %s: %+v (value %v), want %d points at %d", x.name, f, f.Value, x.points, x.value)
		}
	}
	if f := factor(t, pair, linkfin.FactorStability); f.Value != nil {
		t.Errorf("two months are too few to judge stability: %+v", f)
	}
	if pair.Score != 60 || pair.Grade != "C" {
		t.Errorf("with tier2: score %d grade %s, want 60 C", pair.Score, pair.Grade)
	}
}

// A quote keeps the score, grade, model and reasons it was decided on, at the terms
// of the grade; worked out again from what it stored, after the history changed, it
// gives the same. A grade below the funder's floor is refused with its code and the
// reasons, and changes nothing.
func TestDecisionFollowsTheScore(t *testing.T) {
	w := scoreWorld(t)
	history(w)
	if _, err := run[linkfin.Payable](w, &services.ApproveInvoice{Actor: "anchor", ID: "inv-a1"}); err != nil {
		t.Fatal(err)
	}
	// The offers price what a request would be quoted: grade C's terms.
	offers, err := services.Offers(context.Background(), store{db: w.db}, linkfin.Viewer{Org: "tier1"}, w.now)
	if err != nil || len(offers) != 1 || len(offers[0].Offers) != 1 || offers[0].Offers[0].Quote.Price != 700_00 {
		t.Fatalf("offers: %+v, %v", offers, err)
	}
	// One offer, found to be confirmed and taken, is priced as the list prices it.
	_, one, err := services.OfferOn(context.Background(), store{db: w.db}, linkfin.Viewer{Org: "tier1"}, w.now, linkfin.ProductFactoring, "pay-inv-a1", "bank")
	if err != nil || one.Quote == nil || !reflect.DeepEqual(*one.Quote, *offers[0].Offers[0].Quote) {
		t.Fatalf("the offer found: %+v, %v; listed: %+v", one.Quote, err, offers[0].Offers[0].Quote)
	}
	f, err := run[linkfin.Financing](w, &services.RequestFactoring{Actor: "tier1", ID: "fin-1", PayableID: "pay-inv-a1", ProgramID: "graded", FunderID: "bank"})
	if err != nil {
		t.Fatal(err)
	}
	d := f.Decision
	if d == nil || d.Score != 50 || d.Grade != "C" || d.ModelVersion != "v1" || len(d.Reasons) != 5 || d.Terms == nil || d.Terms.Grade != "C" ||
		d.Inputs != nil {
		t.Fatalf("decision %+v", d)
	}
	// The quote keeps no inputs: they are tier1's scorecard as it is now, its top
	// buyer's share without its name.
	var card linkfin.Scorecard
	if found, err := w.db.Get(linkfin.KindScorecard, linkfin.ScorecardID("tier1", ""), &card); err != nil || !found || card.TopBuyer == "" {
		t.Fatalf("tier1's scorecard: %+v, %v, %v", card, found, err)
	}
	card.TopBuyer = ""
	whole := *d
	whole.Inputs = &linkfin.ScoreInputs{Counts: card.ScoreCounts}
	// Grade C: 70 % advanced (not the program's 80 %), at base 3 % + the grade's 4 %.
	if f.Quote.Price != 700_00 || f.Quote.Rate.String() != "0.07" {
		t.Fatalf("quote at grade C: price %d rate %s, want 700.00 at 0.07", f.Quote.Price, f.Quote.Rate)
	}
	// The event webhooks deliver carries the decision too.
	var quoted linkfin.Financing
	for _, e := range w.db.Events() {
		if e.Type == "financing.quoted" {
			if err := json.Unmarshal(e.Data, &quoted); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !reflect.DeepEqual(quoted.Decision, d) {
		t.Fatalf("the financing.quoted event's decision: %+v, want %+v", quoted.Decision, d)
	}
	// Accepted, the financing keeps the decision's summary.
	accepted, err := run[linkfin.Financing](w, &services.AcceptFactoring{Actor: "tier1", ID: "fin-1", PayableID: "pay-inv-a1"})
	if err != nil {
		t.Fatal(err)
	}
	if s := accepted.Decision; !s.IsSummary() || s.Score != d.Score || s.Grade != d.Grade || !reflect.DeepEqual(s.Terms, d.Terms) ||
		s.Inputs != nil || s.Reasons != nil {
		t.Fatalf("the accepted financing keeps %+v of %+v", s, d)
	}
	var model linkfin.ScoreModel
	if found, err := w.db.Get(linkfin.KindScoreModel, "v1", &model); err != nil || !found || !reflect.DeepEqual(&model, linkfin.ScoreModelV1()) {
		t.Fatalf("the model's record: %+v, %v, %v", model, found, err)
	}

	// The history changes: another invoice, a month later. The live score moves; the
	// decision's, worked out again, does not.
	deliver(w, "a4", "anchor", "", 100, receiptOn{"2026-12-01", 100, 0})
	live, err := services.ScorecardFor(context.Background(), store{db: w.db}, linkfin.Viewer{Org: "tier1"}, "tier1", "", w.now)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(&live.Inputs, whole.Inputs) || live.Factors[0].Points == 12 {
		t.Fatalf("the history changed but the score did not: %+v", live)
	}
	// WholeDecision reads the decision back: its reasons from the quote, its inputs
	// from the scorecard as the quote read it, not as it is now.
	if err := services.WholeDecision(context.Background(), store{db: w.db}, accepted); err != nil || !reflect.DeepEqual(accepted.Decision, &whole) {
		t.Fatalf("the whole decision read back: %+v, %v; want %+v", accepted.Decision, err, &whole)
	}
	again, err := services.Recompute(accepted.Decision)
	if err != nil {
		t.Fatal(err)
	}
	var codes []linkfin.ReasonCode
	for _, r := range again.Reasons {
		codes = append(codes, linkfin.ReasonCode{Code: r.Code, Lost: r.Lost})
	}
	if again.Score != d.Score || again.Grade != d.Grade || !reflect.DeepEqual(codes, d.Reasons) {
		t.Fatalf("recomputed %d %s %+v, decided %d %s %+v", again.Score, again.Grade, again.Reasons, d.Score, d.Grade, d.Reasons)
	}

	// The bank finances grade B and better: tier1 (C) is refused for it.
	if _, err := run[linkfin.Payable](w, &services.ApproveInvoice{Actor: "anchor", ID: "inv-a4"}); err != nil {
		t.Fatal(err)
	}
	w.refused(&services.SetGradeFloor{Actor: "anchor", ProgramID: "graded", Floor: "B"}, linkfin.EFORBIDDEN)
	w.refused(&services.SetGradeFloor{Actor: "bank", ProgramID: "graded", Floor: "Z"}, linkfin.EINVALID)
	w.must(&services.SetGradeFloor{Actor: "bank", ProgramID: "graded", Floor: "B"})
	req := &services.RequestFactoring{Actor: "tier1", ID: "fin-2", PayableID: "pay-inv-a4", ProgramID: "graded", FunderID: "bank"}
	before, wallet := len(w.db.Events()), w.wallet("tier1")
	err = w.db.Run(context.Background(), req, new(linkfin.Financing))
	if code, msg := linkfin.ErrorCode(err), linkfin.ErrorMessage(err); code != services.EGRADE || !strings.Contains(msg, "graded "+live.Grade) ||
		!strings.Contains(msg, "["+live.Reasons[0].Code+"]") {
		t.Fatalf("the refusal names the grade and its reasons: %v", err)
	}
	// The refusal is kept as a declined request, and is all it changed: no financing,
	// the payable still open, no money moved.
	evs := w.db.Events()[before:]
	if len(evs) != 1 || evs[0].Type != "declined_request.recorded" {
		t.Fatalf("the refusal logged %+v, want one declined_request.recorded", evs)
	}
	var dr linkfin.DeclinedRequest
	if err := json.Unmarshal(evs[0].Data, &dr); err != nil {
		t.Fatal(err)
	}
	// Its event goes to the webhooks of the requester, the funder and the anchor.
	if parties, perr := evs[0].Parties(); perr != nil || !reflect.DeepEqual(parties, []string{"tier1", "bank", "anchor"}) {
		t.Errorf("the event's parties: %v, %v", parties, perr)
	}
	if !strings.Contains(linkfin.ErrorMessage(err), dr.ID) {
		t.Errorf("the refusal does not name its record %s: %v", dr.ID, err)
	}
	// It keeps the top buyer's share, not its name, which the funder and the anchor
	// read.
	in := live.Inputs
	if in.Counts.TopBuyer == "" {
		t.Fatalf("tier1's own scorecard names no top buyer: %+v", in)
	}
	in.Counts.TopBuyer = ""
	want := linkfin.DeclinedRequest{ID: dr.ID, Product: linkfin.ProductFactoring, ProgramID: "graded", AnchorID: "anchor", RequesterID: "tier1",
		FunderID: "bank", AssetKind: linkfin.KindPayable, AssetID: "pay-inv-a4", Floor: "B", FloorSetBy: "funder", CreatedAt: dr.CreatedAt,
		Decision: linkfin.CreditDecision{Score: live.Score, Grade: live.Grade, ModelVersion: "v1", AsOf: dr.CreatedAt, Inputs: &in,
			Terms: dr.Decision.Terms}}
	for _, r := range live.Reasons {
		want.Decision.Reasons = append(want.Decision.Reasons, linkfin.ReasonCode{Code: r.Code, Lost: r.Lost})
	}
	if !reflect.DeepEqual(dr, want) || dr.CreatedAt.Sub(w.now) > time.Microsecond || dr.CreatedAt.Before(w.now) {
		t.Errorf("declined request\n%+v\nwant\n%+v", dr, want)
	}
	if again, err := services.Recompute(&dr.Decision); err != nil || again.Grade != dr.Decision.Grade || again.Score != dr.Decision.Score {
		t.Errorf("the declined decision worked out again: %+v, %v", again, err)
	}
	if found, _ := w.db.Get(linkfin.KindFinancing, "fin-2", new(linkfin.Financing)); found {
		t.Error("the refused request made a financing")
	}
	var pay linkfin.Payable
	if _, err := w.db.Get(linkfin.KindPayable, "pay-inv-a4", &pay); err != nil || pay.Status != linkfin.PayableOpen || w.wallet("tier1") != wallet {
		t.Errorf("the refusal changed the payable (%s) or the wallet (%d, was %d)", pay.Status, w.wallet("tier1"), wallet)
	}
	// The requester, the funder and the anchor see it; no one else.
	s := store{db: w.db}
	for _, org := range []string{"tier1", "bank", "anchor"} {
		if _, err := services.Read(context.Background(), s, linkfin.Viewer{Org: org}, linkfin.KindDeclinedRequest, dr.ID); err != nil {
			t.Errorf("%s reads the declined request: %v", org, err)
		}
	}
	if _, err := services.Read(context.Background(), s, linkfin.Viewer{Org: "tier2"}, linkfin.KindDeclinedRequest, dr.ID); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		t.Errorf("tier2 reads the declined request: %v", err)
	}
	// A request of a funder not live in the program is refused for that, and kept
	// for no one: nothing is logged.
	w.refused(&services.RequestFactoring{Actor: "tier1", ID: "fin-3", PayableID: "pay-inv-a4", ProgramID: "graded", FunderID: "tier2"}, linkfin.EINVALID)
	// So is one of a funder invited and not yet in, whatever floor it set: it is not
	// graded, and records no declined request.
	fixed, _ := linkfin.ParseRate("0.05")
	w.must(&services.CreateOrganization{Org: linkfin.Organization{ID: "late", Name: "Late Bank", Capabilities: []linkfin.Capability{linkfin.CapFund}}},
		&services.InviteFunder{Actor: "anchor", ProgramID: "graded", FunderID: "late", Limit: 1_000_000_00, Pricing: linkfin.Pricing{FixedRate: &fixed}},
		&services.SetGradeFloor{Actor: "late", ProgramID: "graded", Floor: "A"})
	events := len(w.db.Events())
	err = w.db.Run(context.Background(), &services.RequestFactoring{Actor: "tier1", ID: "fin-4", PayableID: "pay-inv-a4", ProgramID: "graded", FunderID: "late"}, nil)
	if code, msg := linkfin.ErrorCode(err), linkfin.ErrorMessage(err); code != linkfin.EINVALID || !strings.Contains(msg, "not a live funder") {
		t.Fatalf("a request of a funder invited, not in, with a floor: %v", err)
	}
	if n := len(w.db.Events()); n != events {
		t.Fatalf("the refusal logged %d events", n-events)
	}
	// Without its floor, the program's own (D) lets grade C through again.
	w.must(&services.SetGradeFloor{Actor: "bank", ProgramID: "graded", Floor: ""})
	w.must(req)
	// A floor raised after the quote stops it too: accepting it is refused, naming the
	// grade it was decided at, and holds nothing; with the floor lowered again it is
	// accepted.
	w.must(&services.SetGradeFloor{Actor: "bank", ProgramID: "graded", Floor: "B"})
	accept := &services.AcceptFactoring{Actor: "tier1", ID: "fin-2", PayableID: "pay-inv-a4"}
	err = w.db.Run(context.Background(), accept, new(linkfin.Financing))
	if code, msg := linkfin.ErrorCode(err), linkfin.ErrorMessage(err); code != services.EGRADE || !strings.Contains(msg, "graded "+live.Grade+" for this quote") ||
		!strings.Contains(msg, "funder bank now finances grade B") {
		t.Fatalf("accepting a quote below the floor raised since: %v", err)
	}
	var held linkfin.Financing
	if _, err := w.db.Get(linkfin.KindFinancing, "fin-2", &held); err != nil || held.Status != linkfin.FinancingQuoted {
		t.Fatalf("the refused acceptance left the financing %s, %v", held.Status, err)
	}
	w.must(&services.SetGradeFloor{Actor: "bank", ProgramID: "graded", Floor: ""})
	w.must(accept)
}

// Who sees a scorecard: the supplier, the anchor and live funders of its programs,
// the operator; no one else, not even its buyer outside them.
func TestScorecardVisibility(t *testing.T) {
	w := scoreWorld(t)
	history(w)
	s := store{db: w.db}
	w.must(&services.CreateOrganization{Org: linkfin.Organization{ID: "stranger", Name: "Stranger", Capabilities: []linkfin.Capability{linkfin.CapFund}}})
	for _, v := range []linkfin.Viewer{{Org: "tier1"}, {Org: "anchor"}, {Org: "bank"}, {Operator: true}} {
		if _, err := services.ScorecardFor(context.Background(), s, v, "tier1", "", w.now); err != nil {
			t.Errorf("%+v: %v", v, err)
		}
	}
	for _, v := range []linkfin.Viewer{{Org: "tier2"}, {Org: "stranger"}, {}} {
		if _, err := services.ScorecardFor(context.Background(), s, v, "tier1", "", w.now); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
			t.Errorf("%+v sees tier1's scorecard: %v", v, err)
		}
	}
	// A program's parties are not its suppliers: a funder does not read its fellow
	// funder's scorecard, nor the anchor's (whose sales are to its own customers), and
	// the anchor does not read its funders'.
	w.must(&services.CreateOrganization{Org: linkfin.Organization{ID: "factor", Name: "Factor", Capabilities: []linkfin.Capability{linkfin.CapFund}}})
	base, margin := rate(t, "0.03"), rate(t, "0.02")
	w.must(&services.InviteFunder{Actor: "anchor", ProgramID: "graded", FunderID: "factor", Limit: 1_000_000_00,
		Pricing: linkfin.Pricing{BaseRate: &base, Margin: &margin}},
		&services.AcceptFunder{Actor: "factor", ProgramID: "graded"})
	for _, c := range []struct{ viewer, org string }{{"bank", "factor"}, {"factor", "bank"}, {"bank", "anchor"}, {"anchor", "bank"}} {
		if _, err := services.ScorecardFor(context.Background(), s, linkfin.Viewer{Org: c.viewer}, c.org, "", w.now); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
			t.Errorf("%s sees %s's scorecard: %v", c.viewer, c.org, err)
		}
	}
	if _, err := services.ScorecardFor(context.Background(), s, linkfin.Viewer{Org: "factor"}, "tier1", "", w.now); err != nil {
		t.Errorf("a second live funder reads its supplier's scorecard: %v", err)
	}
}

// The buyers' payment record: a factored payable the anchor pays at its due date
// counts as paid on time; one it does not pay, collected from the seller by recourse,
// as unpaid.
func TestScorecardCountsPayments(t *testing.T) {
	w := scoreWorld(t)
	deliver(w, "p1", "anchor", "", 100, receiptOn{"2026-09-01", 100, 0})
	// p2 bills a little less than p1, a day later: not a repeat of it.
	deliver(w, "p2", "anchor", "", 99, receiptOn{"2026-09-02", 99, 0})
	w.must(&services.RecordInboundPayment{Rail: "bank", InstructionID: "dep-bank", OrgID: "bank", Currency: "CNY", Amount: 10_000_00})
	for _, n := range []string{"p1", "p2"} {
		pay := "pay-inv-" + n
		w.must(&services.ApproveInvoice{Actor: "anchor", ID: "inv-" + n},
			&services.RequestFactoring{Actor: "tier1", ID: "f-" + n, PayableID: pay, ProgramID: "graded", FunderID: "bank"},
			&services.AcceptFactoring{Actor: "tier1", ID: "f-" + n, PayableID: pay},
			&services.DisburseFinancing{Actor: "bank", ID: "f-" + n})
	}
	// p1 is due 2026-11-30, p2 2026-12-01: the anchor holds enough for p1 alone.
	w.now = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	w.must(&services.RecordInboundPayment{Rail: "bank", InstructionID: "dep-anchor", OrgID: "anchor", Currency: "CNY", Amount: 1_000_00})
	w.must(&services.CollectFactored{ID: "f-p2"})
	w.must(&services.CollectFactored{ID: "f-p1"})
	sc, err := services.ScorecardFor(context.Background(), store{db: w.db}, linkfin.Viewer{Org: "tier1"}, "tier1", "", w.now)
	if err != nil {
		t.Fatal(err)
	}
	// p2 paid on its due date; p1 collected a day late from what the anchor had left:
	// nothing, so it fell unpaid.
	c := sc.Inputs.Counts
	if c.Paid != 1 || c.PaidOnTime != 1 || c.Unpaid != 1 {
		t.Fatalf("payments: paid %d, on time %d, unpaid %d", c.Paid, c.PaidOnTime, c.Unpaid)
	}
	if f := factor(t, sc, linkfin.FactorBuyerPayment); f.Value == nil || *f.Value != 5000 || f.Points != 5 {
		t.Fatalf("buyer payment: %+v", f)
	}
}

// countedStore counts the pages of each kind read by party.
type countedStore struct {
	store
	pages map[string]int
}

func (s countedStore) ListObjectsByParty(ctx context.Context, kind, party, after string, limit int) ([]linkfin.Object, error) {
	s.pages[kind]++
	return s.store.ListObjectsByParty(ctx, kind, party, after, limit)
}

// An anchor with thousands of suppliers: its list of suppliers' scorecards stops
// reading relationships once it has found MaxSupplierScorecards of them, on the first
// page, not after reading every one.
func TestSupplierScorecardsReadsEnough(t *testing.T) {
	w := scoreWorld(t)
	const many = 2500
	var cs []linkfin.Command
	for i := range many {
		id := fmt.Sprintf("s%04d", i)
		cs = append(cs, &services.CreateOrganization{Org: linkfin.Organization{ID: id, Name: id, Capabilities: []linkfin.Capability{linkfin.CapTrade}}},
			&services.ProposeRelationship{Actor: "anchor", BuyerID: "anchor", SellerID: id},
			&services.AcceptRelationship{Actor: id, BuyerID: "anchor", SellerID: id})
	}
	w.must(cs...)
	s := countedStore{store: store{db: w.db}, pages: map[string]int{}}
	list, err := services.SupplierScorecards(context.Background(), s, linkfin.Viewer{Org: "anchor"}, w.now)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != services.MaxSupplierScorecards {
		t.Errorf("%d scorecards, want %d", len(list), services.MaxSupplierScorecards)
	}
	if n := s.pages[linkfin.KindRelationship]; n != 1 {
		t.Errorf("read %d pages of relationships for %d suppliers of %d; want 1", n, services.MaxSupplierScorecards, many+1)
	}
}

// An invoice counts in its seller's scorecard once it matches its order: one that
// does not — a bill nothing received backs — adds nothing to the invoices, the amount
// invoiced, the months' volumes or the tenure, so the supplier cannot dilute its own
// dispute rate and credit notes, or steady its volume, with bills of its own making.
// Its buyer's dispute of it counts it as an invoice disputed.
func TestScorecardCountsMatchedInvoices(t *testing.T) {
	w := scoreWorld(t)
	counts := func() linkfin.ScoreCounts {
		t.Helper()
		sc, err := services.ScorecardFor(context.Background(), store{db: w.db}, linkfin.Viewer{Org: "tier1"}, "tier1", "", w.now)
		if err != nil {
			t.Fatal(err)
		}
		return sc.Inputs.Counts
	}
	junk := func(n string, total int64) {
		t.Helper()
		var inv linkfin.Invoice
		if err := w.db.Run(context.Background(), &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-" + n, Number: "INV-" + n,
			BuyerID: "anchor", POID: "po-a1", Currency: "CNY", IssueDate: linkfin.DateOf(w.now), DueDate: linkfin.DateOf(w.now).AddDays(90),
			Lines: []linkfin.InvoiceLine{{LineID: "L1", Quantity: 1, UnitPrice: total, Amount: total}}, Total: total}}, &inv); err != nil {
			t.Fatal(err)
		}
		if inv.Status != linkfin.InvoiceMismatched {
			t.Fatalf("invoice %s: %s", n, inv.Status)
		}
	}
	deliver(w, "a1", "anchor", "2026-08-20", 100, receiptOn{"2026-08-15", 100, 0})
	w.must(&services.DisputeInvoice{Actor: "anchor", ID: "inv-a1", Reason: "wrong price"})
	before := counts()
	if before.Invoices != 1 || before.Disputed != 1 || before.Invoiced != 1_000_00 {
		t.Fatalf("one invoice, matched and disputed: %+v", before)
	}
	// Nine bills of 9,000,000.00 for goods already invoiced: none matches.
	for i := range 9 {
		junk(fmt.Sprint("junk-", i), 9_000_000_00)
	}
	if got := counts(); got.Invoices != before.Invoices || got.Invoiced != before.Invoiced || got.Disputed != before.Disputed ||
		!reflect.DeepEqual(got.Months, before.Months) || got.TopBuyerInvoiced != before.TopBuyerInvoiced {
		t.Fatalf("invoices that do not match counted: %+v, was %+v", got, before)
	}
	// The buyer disputes one: an invoice, disputed, and nothing invoiced.
	w.must(&services.DisputeInvoice{Actor: "anchor", ID: "inv-junk-0", Reason: "nothing of this was received"})
	if got := counts(); got.Invoices != 2 || got.Disputed != 2 || got.Invoiced != before.Invoiced {
		t.Fatalf("a disputed invoice that did not match: %+v", got)
	}
}
