package services

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"linkfin"
)

// Scorecards are kept as trade is recorded: each command that records a goods
// receipt, an invoice, a dispute or a credit note names the seller's two scorecards
// (over all its buyers, and with this buyer) among its keys and adds to their counts
// in the same batch. A score is then worked out from one or two records, never from
// history (docs/CREDIT.md).

// scoreKeys are the scorecards that trade between seller and buyer changes.
func scoreKeys(seller, buyer string) []linkfin.ObjectKey {
	return appendScoreKeys(make([]linkfin.ObjectKey, 0, 2), seller, buyer)
}

// appendScoreKeys appends scoreKeys(seller, buyer) to keys.
func appendScoreKeys(keys []linkfin.ObjectKey, seller, buyer string) []linkfin.ObjectKey {
	return append(keys, linkfin.ObjectKey{Kind: linkfin.KindScorecard, ID: linkfin.ScorecardID(seller, "")},
		linkfin.ObjectKey{Kind: linkfin.KindScorecard, ID: linkfin.ScorecardID(seller, buyer)})
}

// tally changes the seller's scorecards, with the buyer and over all its buyers,
// and keeps the buyer it invoiced most.
func tally(tx linkfin.Tx, seller, buyer string, change func(c *linkfin.ScoreCounts) error) error {
	var pair, whole linkfin.Scorecard
	for _, sc := range []struct {
		card  *linkfin.Scorecard
		buyer string
	}{{&pair, buyer}, {&whole, ""}} {
		id := linkfin.ScorecardID(seller, sc.buyer)
		found, err := tx.Get(linkfin.KindScorecard, id, sc.card)
		if err != nil {
			return err
		}
		if !found {
			*sc.card = linkfin.Scorecard{ID: id, SellerID: seller, BuyerID: sc.buyer}
			sc.card.Months = []linkfin.MonthVolume{}
		}
		if err := change(&sc.card.ScoreCounts); err != nil {
			return err
		}
		sc.card.UpdatedAt = tx.Now()
	}
	if pair.Currency == whole.Currency && pair.Invoiced > whole.TopBuyerInvoiced {
		whole.TopBuyer, whole.TopBuyerInvoiced = buyer, pair.Invoiced
	}
	if err := tx.Put(linkfin.KindScorecard, pair.ID, &pair, "scorecard.updated"); err != nil {
		return err
	}
	return tx.Put(linkfin.KindScorecard, whole.ID, &whole, "scorecard.updated")
}

// tallyReceipt counts a goods receipt against its order, the order's lines already
// updated: on time if by the order's deliver_by, in full if it rejected nothing and
// left every line received in full.
func tallyReceipt(tx linkfin.Tx, po *linkfin.PurchaseOrder, gr *linkfin.GoodsReceipt) error {
	var accepted, rejected int64
	for _, l := range gr.Lines {
		accepted += l.Accepted
		rejected += l.Rejected
	}
	full := rejected == 0
	for _, l := range po.Lines {
		full = full && l.Received == l.Quantity
	}
	onTime := po.DeliverBy == nil || !linkfin.BusinessDate(tx.Now()).After(*po.DeliverBy)
	return tally(tx, po.SellerID, po.BuyerID, func(c *linkfin.ScoreCounts) (err error) {
		c.Receipts++
		if onTime && full {
			c.OnTimeInFull++
		}
		if c.Accepted, err = linkfin.Add(c.Accepted, accepted); err != nil {
			return err
		}
		c.Rejected, err = linkfin.Add(c.Rejected, rejected)
		return err
	})
}

// paymentKeys are the scorecards a payable's payment counts in, once it is loaded.
func paymentKeys(r linkfin.Records, payableID string) []linkfin.ObjectKey {
	return appendPaymentKeys(nil, r, payableID)
}

// appendPaymentKeys appends paymentKeys(r, payableID) to keys.
func appendPaymentKeys(keys []linkfin.ObjectKey, r linkfin.Records, payableID string) []linkfin.ObjectKey {
	var p linkfin.Payable
	if found, err := r.Get(linkfin.KindPayable, payableID, &p); err != nil || !found {
		return keys
	}
	return appendScoreKeys(keys, p.SellerID, p.BuyerID)
}

// tallyPayment counts the buyer's payment of a payable, on time if by its due date,
// or its falling unpaid.
func tallyPayment(tx linkfin.Tx, pay *linkfin.Payable) error {
	onTime := !linkfin.BusinessDate(tx.Now()).After(pay.DueDate)
	return tally(tx, pay.SellerID, pay.BuyerID, func(c *linkfin.ScoreCounts) error {
		switch {
		case pay.Status == linkfin.PayableUnpaid:
			c.Unpaid++
		case onTime:
			c.Paid++
			c.PaidOnTime++
		default:
			c.Paid++
		}
		return nil
	})
}

// ScorecardFor works out, as of now, the score of an organization as a supplier
// (buyer empty), or of its trade with one buyer, under the current model. It is
// seen by the supplier itself, the operator, and the anchors and live funders of the
// programs the supplier is in; to anyone else it is not found. The supplier and the
// operator see all of it. An anchor or a funder sees what its programs justify: of the
// supplier's trade with one buyer, only that with the anchor of a program it runs or
// funds (any other is not found, as for a buyer that does not exist), and the
// supplier's top buyer by name only if it is such an anchor (its share, which the
// concentration factor is worked out from, always).
func ScorecardFor(ctx context.Context, s linkfin.PartyReader, v linkfin.Viewer, org, buyer string, now time.Time) (*linkfin.Score, error) {
	whole := v.Operator || v.Org != "" && v.Org == org
	var anchors []string
	if !whole {
		var err error
		if anchors, err = scorecardAnchors(ctx, s, v, org); err != nil {
			return nil, err
		}
		if buyer != "" && !slices.Contains(anchors, buyer) {
			return nil, linkfin.Errorf(linkfin.ENOTFOUND, "scorecard of %s with %s not found", org, buyer)
		}
	} else if err := SeesScorecard(ctx, s, v, org); err != nil {
		return nil, err
	}
	if v.Operator && buyer != "" {
		// The supplier is answered the same for a buyer it does not trade with and one
		// that does not exist; the operator sees every organization.
		if err := organizationExists(ctx, s, buyer); err != nil {
			return nil, err
		}
	}
	in, err := scoreInputs(ctx, s, org, buyer)
	if err != nil {
		return nil, err
	}
	if !whole && !slices.Contains(anchors, in.Counts.TopBuyer) {
		in.Counts.TopBuyer = ""
	}
	sc := linkfin.ScoreModels()[linkfin.CurrentScoreModel].Compute(in, now)
	sc.SellerID, sc.BuyerID = org, buyer
	return &sc, nil
}

// scoreInputs reads the counts of a supplier's scorecard, or of its trade with a
// buyer (with what it invoiced in all); none kept yet is all zero.
func scoreInputs(ctx context.Context, s linkfin.RecordReader, org, buyer string) (linkfin.ScoreInputs, error) {
	var whole linkfin.Scorecard
	if err := read(ctx, s, linkfin.KindScorecard, linkfin.ScorecardID(org, ""), &whole); err != nil && linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		return linkfin.ScoreInputs{}, err
	}
	if buyer == "" {
		return linkfin.ScoreInputs{Counts: whole.ScoreCounts}, nil
	}
	var pair linkfin.Scorecard
	if err := read(ctx, s, linkfin.KindScorecard, linkfin.ScorecardID(org, buyer), &pair); err != nil && linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		return linkfin.ScoreInputs{}, err
	}
	return linkfin.ScoreInputs{Counts: pair.ScoreCounts, TotalInvoiced: whole.Invoiced}, nil
}

// SeesScorecard reports, as not found, an organization's scorecard that the viewer
// may not see: it sees its own, the operator every one, and an anchor or a live
// funder the scorecards of the suppliers in its programs — the organizations in its
// anchor's supply chain (memberOf), not the program's other parties: a funder does
// not read a fellow funder's scorecard, nor the anchor's.
func SeesScorecard(ctx context.Context, s linkfin.PartyReader, v linkfin.Viewer, org string) error {
	if v.Operator {
		return organizationExists(ctx, s, org)
	}
	if v.Org != "" && v.Org == org {
		return nil
	}
	_, err := scorecardAnchors(ctx, s, v, org)
	return err
}

// scorecardAnchors names the anchors through which an organization that is not the
// supplier sees its scorecard: those whose supply chain the supplier is in (memberOf)
// and whose program the viewer runs or funds (live). None is not found.
func scorecardAnchors(ctx context.Context, s linkfin.PartyReader, v linkfin.Viewer, org string) ([]string, error) {
	notFound := linkfin.Errorf(linkfin.ENOTFOUND, "scorecard of %s not found", org)
	if v.Org == "" {
		return nil, notFound
	}
	members, err := memberOf(ctx, s, org)
	if err != nil {
		return nil, err
	}
	var anchors []string
	for _, anchor := range members {
		sees := false
		err := scanParty(ctx, s, linkfin.KindProgram, anchor, func(data []byte) error {
			var p linkfin.Program
			if err := json.Unmarshal(data, &p); err != nil {
				return err
			}
			if p.AnchorID != anchor {
				return nil // a program the organization funds, say: it is no supplier in it
			}
			if f := p.Funder(v.Org); p.AnchorID == v.Org || f != nil && f.Status == linkfin.FunderAccepted {
				sees = true
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if sees {
			anchors = append(anchors, anchor)
		}
	}
	if len(anchors) == 0 {
		return nil, notFound
	}
	return anchors, nil
}

// Recompute works out a decision's score again from what it stored: its inputs, under
// its model's version, as of its time.
func Recompute(d *linkfin.CreditDecision) (*linkfin.Score, error) {
	m, ok := linkfin.ScoreModels()[d.ModelVersion]
	if !ok {
		return nil, linkfin.Errorf(linkfin.EINTERNAL, "unknown scoring model %q", d.ModelVersion)
	}
	if d.Inputs == nil {
		return nil, linkfin.Errorf(linkfin.EINTERNAL, "a decision's summary keeps no inputs: read it whole (WholeDecision)")
	}
	sc := m.Compute(*d.Inputs, d.AsOf)
	return &sc, nil
}

// WholeDecision gives a financing's credit decision whole: its reasons, which from
// its acceptance on the financing leaves in its quote (the first version its history
// logs), and its inputs, which the quote does not keep either: they are the
// requester's scorecard as the quote read it, the last version the log has before the
// quote's event. A financing with no decision is left as it is.
func WholeDecision(ctx context.Context, s linkfin.HistoryReader, f *linkfin.Financing) error {
	if f.Decision == nil || f.Decision.Inputs != nil {
		return nil
	}
	evs, err := s.RecordEvents(ctx, linkfin.KindFinancing, f.ID, -1, 1)
	if err != nil {
		return err
	}
	var quote struct {
		Decision *linkfin.CreditDecision `json:"decision"`
	}
	if len(evs) == 1 {
		if err := json.Unmarshal(evs[0].Data, &quote); err != nil {
			return err
		}
	}
	d := quote.Decision
	if d == nil || d.IsSummary() {
		return linkfin.Errorf(linkfin.EINTERNAL, "financing %s: its quote keeps no decision", f.ID)
	}
	if d.Inputs == nil {
		card, err := lastEventBefore(ctx, s, linkfin.KindScorecard, linkfin.ScorecardID(f.RequesterID, ""), evs[0].Seq)
		if err != nil {
			return err
		}
		var c linkfin.Scorecard
		if card != nil {
			if err := json.Unmarshal(card.Data, &c); err != nil {
				return err
			}
		}
		d.Inputs = &linkfin.ScoreInputs{Counts: c.ScoreCounts}
	}
	// Whoever sees the financing reads its decision: the top buyer's share, which the
	// score is worked out from, not its name (as a declined request keeps it).
	d.Inputs.Counts.TopBuyer = ""
	f.Decision = d
	return nil
}

// lastEventBefore finds the last event that wrote the record before the seq before,
// or nil, in as many reads of one event as the log's length has binary digits.
func lastEventBefore(ctx context.Context, s linkfin.HistoryReader, kind, id string, before int64) (*linkfin.Event, error) {
	first, err := s.RecordEvents(ctx, kind, id, -1, 1)
	if err != nil || len(first) == 0 || first[0].Seq >= before {
		return nil, err
	}
	// best is an event before the seq before; none is in [hi, before).
	best, hi := first[0], before
	for best.Seq+1 < hi {
		mid := best.Seq + (hi-best.Seq)/2
		next, err := s.RecordEvents(ctx, kind, id, mid-1, 1)
		if err != nil {
			return nil, err
		}
		if len(next) == 1 && next[0].Seq < hi {
			best = next[0]
		} else {
			hi = mid
		}
	}
	return &best, nil
}

// graded is what a graded request asks: who asks, of which funder, to finance what.
type graded struct {
	product            linkfin.Product
	requester, funder  string
	assetKind, assetID string
}

// EGRADE refuses a request from a supplier graded below the program's decline_below,
// or below the funder's own grade floor.
const EGRADE = "grade_below_floor"

// decisionKeys are the records a graded request reads: the funder's organization
// (funderKeys), the requester's scorecard and the current model's record.
func decisionKeys(requester, funder string) []linkfin.ObjectKey {
	return append(funderKeys(funder),
		linkfin.ObjectKey{Kind: linkfin.KindScorecard, ID: linkfin.ScorecardID(requester, "")},
		linkfin.ObjectKey{Kind: linkfin.KindScoreModel, ID: linkfin.CurrentScoreModel},
		linkfin.ObjectKey{Kind: linkfin.KindFinancingStop, ID: requester},
	)
}

// decide grades the requester under the current model, refuses a grade below the
// program's or the funder's floor (EGRADE, with the reasons), and returns the program
// with the grade's terms in place of its own — the advance rate, the maximum tenor,
// the per-supplier limit, and the margin of a funder that prices over a base rate —
// and the decision, for the quote to keep. Every product that grades calls it before
// it prices, so the terms follow the grade in one place.
func decide(tx linkfin.Tx, p *linkfin.Program, r graded) (*linkfin.Program, *linkfin.CreditDecision, error) {
	requester, funderID := r.requester, r.funder
	// A funder does not finance itself: no loan is made from a wallet into itself.
	if err := notSelfFunded(requester, funderID); err != nil {
		return nil, nil, err
	}
	// An open alert whose program stops the supplier's financing refuses first.
	if err := stopped(tx, requester); err != nil {
		return nil, nil, err
	}
	// A request of anyone but a live funder of the program is refused for that before
	// it is graded: its grade is nobody's business, and nothing is recorded.
	if _, err := liveFunder(p, funderID); err != nil {
		return nil, nil, err
	}
	if err := funds(tx, p.ID, funderID); err != nil {
		return nil, nil, err
	}
	m := linkfin.ScoreModels()[linkfin.CurrentScoreModel]
	// The model's weights and bands are in the log from the first decision made
	// under it, so anyone can work a decision out again.
	if found, err := tx.Get(linkfin.KindScoreModel, m.ID, nil); err != nil {
		return nil, nil, err
	} else if !found {
		if err := tx.Put(linkfin.KindScoreModel, m.ID, m, "score_model.published"); err != nil {
			return nil, nil, err
		}
	}
	var card linkfin.Scorecard
	if _, err := tx.Get(linkfin.KindScorecard, linkfin.ScorecardID(requester, ""), &card); err != nil {
		return nil, nil, err
	}
	in := linkfin.ScoreInputs{Counts: card.ScoreCounts}
	d := m.Decision(in, tx.Now())
	floor, setBy, whose := gradeFloor(m, p, funderID)
	if floor != "" && m.GradeRank(d.Grade) > m.GradeRank(floor) {
		// The refusal is answered, and kept under the request's idempotency key, as a
		// code and a message that carries the reasons, each by its code and sentence.
		// The decision the funder and the anchor read keeps the top buyer's share,
		// which the score is worked out from, not its name: the supplier's trade with
		// another buyer is none of theirs.
		d.Inputs = &in
		in.Counts.TopBuyer = ""
		var why strings.Builder
		for _, r := range m.Compute(in, d.AsOf).Reasons {
			fmt.Fprintf(&why, " [%s] %s", r.Code, r.EN)
		}
		refusal := linkfin.Errorf(EGRADE, "%s is graded %s (score %d of 100, model %s); %s finances grade %s and better. Reasons:%s",
			requester, d.Grade, d.Score, d.ModelVersion, whose, floor, why.String())
		// It is also kept as a declined request (the decision, whose floor) that the
		// requester, the funder and the anchor see.
		dr := &linkfin.DeclinedRequest{ID: tx.NewID(linkfin.IDPrefix[linkfin.KindDeclinedRequest]), Product: r.product,
			ProgramID: p.ID, AnchorID: p.AnchorID, RequesterID: requester, FunderID: funderID, AssetKind: r.assetKind,
			AssetID: r.assetID, Decision: *d, Floor: floor, FloorSetBy: setBy, CreatedAt: tx.Now()}
		if err := tx.Put(linkfin.KindDeclinedRequest, dr.ID, dr, "declined_request.recorded"); err != nil {
			return nil, nil, err
		}
		refusal.Message += " Declined request: " + dr.ID + "."
		return nil, nil, linkfin.Recorded(refusal)
	}
	// A quote keeps no inputs: they are the supplier's scorecard as it was then, the
	// version the log has before the quote's event (WholeDecision reads it back).
	d.Terms = p.GradeTermsFor(d.Grade)
	return gradedTerms(p, d.Grade), d, nil
}

// notSelfFunded refuses a financing whose requester names itself as its funder (an
// organization that both trades and funds, or a funder that owns goods in a
// warehouse): the funder would pay itself, and the asset would be locked, the limits
// drawn and the exposure counted for a loan that can never be paid out.
func notSelfFunded(requester, funderID string) error {
	if requester == funderID {
		return linkfin.Errorf(linkfin.EINVALID, "%s is the funder it names: a funder does not finance its own asset", requester)
	}
	return nil
}

// gradeFloor is the lowest grade a request to the funder under the program is financed
// at ("" for any), who set it ("program" or "funder") and whose it is in words: the
// program's DeclineBelow, or the funder's GradeFloor where it is stricter.
func gradeFloor(m *linkfin.ScoreModel, p *linkfin.Program, funderID string) (floor, setBy, whose string) {
	floor, setBy, whose = p.DeclineBelow, "program", "program "+p.ID
	if f := p.Funder(funderID); f != nil && f.GradeFloor != "" && (floor == "" || m.GradeRank(f.GradeFloor) < m.GradeRank(floor)) {
		floor, setBy, whose = f.GradeFloor, "funder", "funder "+funderID
	}
	return floor, setBy, whose
}

// grantKeys are the records the acceptance of financing id's quote reads to check
// that the credit decision the quote was made on still stands (stillGranted): its
// program, for the floors, and its requester's financing stop; and its funder's
// organization, which must still fund (funds).
func grantKeys(r linkfin.Records, id string) []linkfin.ObjectKey {
	var f linkfin.Financing
	if found, _ := r.Get(linkfin.KindFinancing, id, &f); !found {
		return nil
	}
	return append([]linkfin.ObjectKey{{Kind: linkfin.KindProgram, ID: f.ProgramID}, {Kind: linkfin.KindFinancingStop, ID: f.RequesterID}},
		funderKeys(f.FunderID)...)
}

// stillGranted refuses to accept a quote that its credit decision no longer grants:
// the requester's new financing stopped by an alert since it was quoted, or the
// grade it was decided at now below the program's or the funder's floor, or the
// funder's fund capability withdrawn since (funds). A funder that raises its floor, an
// alert that stops a supplier, or the operator withdrawing a funder's capability, stops
// its quotes still open as well as its next requests.
func stillGranted(tx linkfin.Tx, f *linkfin.Financing) error {
	if f.Decision == nil {
		return nil
	}
	if err := stopped(tx, f.RequesterID); err != nil {
		return err
	}
	var p linkfin.Program
	if found, err := linkfin.View(tx, linkfin.KindProgram, f.ProgramID, &p); err != nil || !found {
		return err
	}
	if f.FunderID != "" {
		if err := funds(tx, p.ID, f.FunderID); err != nil {
			return err
		}
	}
	m := linkfin.ScoreModels()[f.Decision.ModelVersion]
	if m == nil {
		m = linkfin.ScoreModels()[linkfin.CurrentScoreModel]
	}
	if floor, _, whose := gradeFloor(m, &p, f.FunderID); floor != "" && m.GradeRank(f.Decision.Grade) > m.GradeRank(floor) {
		return linkfin.Errorf(EGRADE, "%s was graded %s for this quote (model %s); %s now finances grade %s and better: the quote no longer stands",
			f.RequesterID, f.Decision.Grade, f.Decision.ModelVersion, whose, floor)
	}
	return nil
}

// gradedTerms is the program with the terms of the grade in place of its own: the
// advance rate, the maximum tenor, the per-supplier limit, and the margin of every
// funder that prices over a base rate. A grade without terms gets p itself.
func gradedTerms(p *linkfin.Program, grade string) *linkfin.Program {
	t := p.GradeTermsFor(grade)
	if t == nil {
		return p
	}
	g := *p
	g.Funders = append([]linkfin.ProgramFunder(nil), p.Funders...)
	if t.AdvanceRate != nil {
		g.AdvanceRate = *t.AdvanceRate
	}
	if t.MaxTenorDays > 0 {
		g.MaxTenorDays = t.MaxTenorDays
	}
	if t.SupplierLimit > 0 {
		g.SupplierLimit = t.SupplierLimit
	}
	for i := range g.Funders {
		if f := &g.Funders[i]; t.Margin != nil && f.Pricing.BaseRate != nil {
			margin := *t.Margin
			f.Pricing.Margin = &margin
		}
	}
	return &g
}

// gradedPrograms reads the programs org sees, as it sees them, by id, each with the
// terms of org's grade now in place of its own, and without the live funders that may
// not fund now (withoutIdleFunders, of those the view marks Idle): the offers price
// what a request would be quoted.
func gradedPrograms(ctx context.Context, s linkfin.PartyReader, org string, now time.Time) (map[string]*linkfin.Program, error) {
	programs, err := programsByID(ctx, s, org)
	if err != nil {
		return nil, err
	}
	in, err := scoreInputs(ctx, s, org, "")
	if err != nil {
		return nil, err
	}
	grade := linkfin.ScoreModels()[linkfin.CurrentScoreModel].Compute(in, now).Grade
	for id, p := range programs {
		programs[id] = gradedTerms(p, grade)
	}
	withoutIdleFunders(programs)
	return programs, nil
}

// SetGradeFloor is a live funder of a program setting its own grade floor: requests
// from suppliers graded worse are refused for it ("" sets none).
type SetGradeFloor struct {
	Actor     string // the funder
	ProgramID string
	Floor     string
}

// Keys implements linkfin.Command.
func (c *SetGradeFloor) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindProgram, ID: c.ProgramID}}
}

// Validate implements linkfin.Validator: a floor is none, or a grade of the current
// model.
func (c *SetGradeFloor) Validate() error {
	if m := linkfin.ScoreModels()[linkfin.CurrentScoreModel]; c.Floor != "" && m.GradeRank(c.Floor) == len(m.Grades) {
		return linkfin.Errorf(linkfin.EINVALID, "grade_floor %q is not a grade of model %s", c.Floor, m.Version)
	}
	return nil
}

// Apply implements linkfin.Command.
func (c *SetGradeFloor) Apply(tx linkfin.Tx) (any, error) {
	p, err := program(tx, c.ProgramID, c.Actor)
	if err != nil {
		return nil, err
	}
	f := p.Funder(c.Actor)
	switch m := linkfin.ScoreModels()[linkfin.CurrentScoreModel]; {
	case f == nil:
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only a funder of the program sets its grade floor")
	case c.Floor != "" && m.GradeRank(c.Floor) == len(m.Grades):
		return nil, linkfin.Errorf(linkfin.EINVALID, "grade_floor %q is not a grade of model %s", c.Floor, m.Version)
	}
	f.GradeFloor = c.Floor
	return p, tx.Put(linkfin.KindProgram, p.ID, p, "program.grade_floor_set")
}

// MaxSupplierScorecards bounds the suppliers SupplierScorecards lists: each is a
// score worked out as the page is read, and an anchor may have a hundred thousand.
const MaxSupplierScorecards = 100

// SupplierScorecards works out, as of now, the scores of the suppliers of the
// viewer's programs — every organization that sells, through active relationships,
// to the anchor of a program the viewer runs or funds (live), at any tier — worst
// first, at most MaxSupplierScorecards. The operator, which runs and funds nothing,
// gets none.
func SupplierScorecards(ctx context.Context, s linkfin.PartyReader, v linkfin.Viewer, now time.Time) ([]linkfin.Score, error) {
	out := []linkfin.Score{}
	if v.Org == "" {
		return out, nil
	}
	anchors := map[string]bool{}
	err := scanParty(ctx, s, linkfin.KindProgram, v.Org, func(data []byte) error {
		var p linkfin.Program
		if err := json.Unmarshal(data, &p); err != nil {
			return err
		}
		if f := p.Funder(v.Org); p.AnchorID == v.Org || f != nil && f.Status == linkfin.FunderAccepted {
			anchors[p.AnchorID] = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var suppliers []string
	frontier := slices.Sorted(maps.Keys(anchors))
	for _, a := range frontier {
		seen[a] = true
	}
	// The walk stops reading relationships once it has found enough suppliers: an
	// anchor may have a hundred thousand.
	errEnough := errors.New("enough suppliers")
	for len(frontier) > 0 && len(suppliers) < MaxSupplierScorecards {
		var next []string
		for _, x := range frontier {
			err := scanParty(ctx, s, linkfin.KindRelationship, x, func(data []byte) error {
				if len(suppliers) >= MaxSupplierScorecards {
					return errEnough
				}
				var r linkfin.Relationship
				if err := json.Unmarshal(data, &r); err != nil {
					return err
				}
				if r.Status == linkfin.RelationshipActive && r.BuyerID == x && !seen[r.SellerID] {
					seen[r.SellerID] = true
					suppliers = append(suppliers, r.SellerID)
					next = append(next, r.SellerID)
				}
				return nil
			})
			if errors.Is(err, errEnough) {
				break
			}
			if err != nil {
				return nil, err
			}
		}
		frontier = next
	}
	m := linkfin.ScoreModels()[linkfin.CurrentScoreModel]
	for _, org := range suppliers {
		in, err := scoreInputs(ctx, s, org, "")
		if err != nil {
			return nil, err
		}
		if !anchors[in.Counts.TopBuyer] {
			in.Counts.TopBuyer = "" // a buyer the viewer's programs do not justify (ScorecardFor)
		}
		sc := m.Compute(in, now)
		sc.SellerID = org
		out = append(out, sc)
	}
	slices.SortStableFunc(out, func(a, b linkfin.Score) int {
		return cmp.Or(cmp.Compare(a.Score, b.Score), cmp.Compare(a.SellerID, b.SellerID))
	})
	return out, nil
}
