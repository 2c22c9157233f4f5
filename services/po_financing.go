package services

import (
	"context"

	"linkfin"
)

// poFinancing is an advance on an accepted purchase order, before it ships; the
// payable the order becomes is swept to the funder, and collected from at its
// maturity (CollectFactored).
type poFinancing struct{}

func init() { Register(poFinancing{}) }

func (poFinancing) Name() linkfin.Product { return linkfin.ProductPOFinancing }
func (poFinancing) AssetKind() string     { return linkfin.KindPurchaseOrder }
func (poFinancing) Downstream() bool      { return false }
func (poFinancing) Legs() []string        { return collectionLegs }

func (poFinancing) Request(_ context.Context, _ linkfin.Store, actor string, in *linkfin.FinancingIn) (linkfin.Command, error) {
	return &RequestPOFinancing{Actor: actor, POID: in.AssetID, ProgramID: in.ProgramID, FunderID: in.FunderID, Disbursement: in.Disbursement}, nil
}

func (poFinancing) Accept(actor string, f *linkfin.Financing) linkfin.Command {
	return &AcceptPOFinancing{Actor: actor, ID: f.ID, POID: f.AssetID}
}

func (poFinancing) Repay(_ string, f *linkfin.Financing) (linkfin.Command, error) {
	return nil, notRepayable(f)
}
func (poFinancing) Close(f *linkfin.Financing) (linkfin.Command, error) {
	return &CollectFactored{ID: f.ID}, nil
}

func (poFinancing) CloseDate(ctx context.Context, s linkfin.RecordReader, f *linkfin.Financing) (linkfin.Date, bool, error) {
	if f.PayableID != "" {
		return payableDue(ctx, s, f)
	}
	var p linkfin.Program
	if err := read(ctx, s, linkfin.KindProgram, f.ProgramID, &p); err != nil {
		return linkfin.Date{}, false, err
	}
	due, err := advanceDue(&p, f)
	return due.AddDays(1), err == nil, err
}

// advanceDue is the day an advance on an order falls due when the order has become no
// payable to repay it (its goods never came, or its invoice was disputed): the end of
// the tenor its quote ran over, moved to a business day of the program's calendar.
func advanceDue(p *linkfin.Program, f *linkfin.Financing) (linkfin.Date, error) {
	return businessDay(p, f.Quote.ValueDate.AddDays(f.Quote.Days))
}

// advanceWithoutPayable closes an advance on an order that has become no payable by
// the day after its due date (advanceDue): with recourse, the seller repays the funder
// the advance and its interest to the due date from its wallet, the limits released;
// a seller that cannot leaves the financing defaulted, its limits held as in every
// default. Before then it is refused, 409 conflict: a payable may yet repay it.
func advanceWithoutPayable(tx linkfin.Tx, f *linkfin.Financing) (*linkfin.Financing, error) {
	var p linkfin.Program
	if found, err := linkfin.View(tx, linkfin.KindProgram, f.ProgramID, &p); err != nil {
		return nil, err
	} else if !found {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "program %s not found", f.ProgramID)
	}
	due, err := advanceDue(&p, f)
	if err != nil {
		return nil, err
	}
	if !linkfin.BusinessDate(tx.Now()).After(due) {
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "the order of financing %s has not become a payable yet: without one, its seller repays the advance after %s", f.ID, due)
	}
	release := releaseLimits(f)
	principal, err := collectedAdvance(tx, f)
	if err != nil {
		return nil, err
	}
	if f.Interest, err = linkfin.Interest(principal, f.Quote.Rate, linkfin.DaysBetween(f.Quote.ValueDate, due), f.Quote.DayCount); err != nil {
		return nil, err
	}
	owed, err := linkfin.Add(principal, f.Interest)
	if err != nil {
		return nil, err
	}
	seller := linkfin.WalletID(f.RequesterID, f.Currency)
	bySeller, err := available(tx, seller)
	if err != nil {
		return nil, err
	}
	var legs []leg
	if bySeller >= owed {
		legs = append(release, leg{"recourse", seller, linkfin.WalletID(f.FunderID, f.Currency), owed, codeWallet})
		f.Status = linkfin.FinancingRecourse
	} else {
		f.Status = linkfin.FinancingDefaulted
	}
	ts, err := financingLegs(tx, f, legs)
	if err != nil {
		return nil, err
	}
	if err := transferFrom(tx, []string{f.RequesterID, f.FunderID}, ts...); err != nil {
		return nil, err
	}
	return f, tx.Put(linkfin.KindFinancing, f.ID, f, "financing."+string(f.Status))
}

func (poFinancing) AssetKeys(f *linkfin.Financing) []linkfin.ObjectKey { return orderKeys(f) }

// Disbursed does nothing: the order was locked at acceptance.
func (poFinancing) Disbursed(linkfin.Tx, *linkfin.Financing) error { return nil }

func (poFinancing) Release(tx linkfin.Tx, f *linkfin.Financing) error { return releaseOrder(tx, f) }

// orderKeys are the records of a financing of an order: the order, and the payable it
// became, if it did.
func orderKeys(f *linkfin.Financing) []linkfin.ObjectKey {
	keys := []linkfin.ObjectKey{{Kind: linkfin.KindPurchaseOrder, ID: f.AssetID}}
	if f.Disbursement == linkfin.DisburseOnReceipt {
		// The advance is locked on the order's goods: the order's watch.
		keys = append(keys, watchKeys(linkfin.KindPurchaseOrder, f.AssetID)...)
	}
	if f.PayableID != "" {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindPayable, ID: f.PayableID})
	}
	return keys
}

// releaseOrder frees an order that backs a financing which will not be disbursed, and
// the payable it became before the funder paid, which was swept to the financing: it
// is the seller's again.
func releaseOrder(tx linkfin.Tx, f *linkfin.Financing) error {
	if f.PayableID != "" {
		if err := update(tx, linkfin.KindPayable, f.PayableID, "payable.unlocked", func(pay *linkfin.Payable) {
			if pay.FinancingID == f.ID {
				pay.Status, pay.FinancingID = linkfin.PayableOpen, ""
			}
		}); err != nil {
			return err
		}
		f.PayableID = ""
	}
	return update(tx, linkfin.KindPurchaseOrder, f.AssetID, "purchase_order.unlocked", func(po *linkfin.PurchaseOrder) {
		po.FinancingID = ""
	})
}

// unshipped refuses an order whose goods have begun to arrive or be invoiced: PO and
// distributor financing advance on an order before it ships, repaid from the payable
// it becomes. Once goods are received or invoiced, what they became is financed as
// such (factoring, a certificate), and an advance on the whole order beside it would
// finance the same goods twice.
func unshipped(po *linkfin.PurchaseOrder) error {
	shipped := len(po.Receipts) > 0
	for _, l := range po.Lines {
		shipped = shipped || l.Received > 0 || l.Invoiced > 0
	}
	if shipped {
		return linkfin.Errorf(linkfin.ECONFLICT, "purchase order %s has goods received or invoiced already: an order is financed before it ships; "+
			"finance what its goods became (its payables) instead", po.ID)
	}
	return nil
}

// orderFinancingKeys are what heldByOrder reads of payable id: its order, and the
// financing the order backs. Each is named once the record before it is loaded.
func orderFinancingKeys(r linkfin.Records, payableID string) []linkfin.ObjectKey {
	var pay linkfin.Payable
	if found, err := r.Get(linkfin.KindPayable, payableID, &pay); err != nil || !found || pay.POID == "" {
		return nil
	}
	keys := []linkfin.ObjectKey{{Kind: linkfin.KindPurchaseOrder, ID: pay.POID}}
	var po linkfin.PurchaseOrder
	if found, err := r.Get(linkfin.KindPurchaseOrder, pay.POID, &po); err == nil && found && po.FinancingID != "" {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindFinancing, ID: po.FinancingID})
	}
	return keys
}

// heldByOrder refuses to finance a payable whose order backs an advance still
// outstanding (a PO or distributor financing, accepted or disbursed) that is not the
// payable's own: the advance was made on all of the order's goods, and is repaid from
// what they became, so none of it is financed elsewhere meanwhile (asset_financed).
// The command's keys include orderFinancingKeys.
func heldByOrder(tx linkfin.Tx, pay *linkfin.Payable) error {
	if pay.POID == "" {
		return nil
	}
	var po linkfin.PurchaseOrder
	if found, err := linkfin.View(tx, linkfin.KindPurchaseOrder, pay.POID, &po); err != nil || !found || po.FinancingID == "" || po.FinancingID == pay.FinancingID {
		return err
	}
	var f linkfin.Financing
	if found, err := linkfin.View(tx, linkfin.KindFinancing, po.FinancingID, &f); err != nil || !found {
		return err
	}
	if f.Status == linkfin.FinancingAccepted || f.Status == linkfin.FinancingDisbursed {
		return linkfin.Errorf("asset_financed", "payable %s is of purchase order %s, which backs financing %s until it is repaid", pay.ID, po.ID, f.ID)
	}
	return nil
}

// RequestPOFinancing is a seller asking for an advance on an accepted purchase order,
// before it ships: the program's advance rate of the order's total. The payable the
// order later becomes is swept to the funder when the buyer approves it; at its
// collection the funder keeps the advance and interest from the advance to the
// collection, and the seller gets the rest.
type RequestPOFinancing struct {
	Actor     string
	ID        string
	POID      string
	ProgramID string
	FunderID  string
	// Disbursement is on_receipt for an advance locked on the order's goods (see
	// linkfin.DisburseOnReceipt); for a distributor loan, purpose_bound.
	Disbursement linkfin.DisbursementMode
}

// Keys implements linkfin.Command.
func (c *RequestPOFinancing) Keys() []linkfin.ObjectKey {
	return append(requestKeys(c.ID, linkfin.KindPurchaseOrder, c.POID, c.ProgramID), append(decisionKeys(c.Actor, c.FunderID), organizationKey(c.Actor))...)
}

// LedgerKeys implements linkfin.LedgerCommand: the limits its acceptance would hold,
// which the quote must fit (drawable).
func (c *RequestPOFinancing) LedgerKeys(linkfin.Records) (accounts, transfers []int64) {
	return limitKeys(c.ProgramID, c.FunderID, c.Actor), nil
}

// Apply implements linkfin.Command.
func (c *RequestPOFinancing) Apply(tx linkfin.Tx) (any, error) {
	id, po, p, err := orderRequest(tx, c.ID, c.POID, c.ProgramID, c.Actor)
	if err != nil {
		return nil, err
	}
	switch {
	case po.SellerID != c.Actor:
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the seller finances its order")
	case po.Status != linkfin.POAccepted:
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "purchase order %s is %s, not accepted", po.ID, po.Status)
	case po.FinancingID != "":
		return nil, linkfin.Errorf("asset_financed", "purchase order %s backs financing %s", po.ID, po.FinancingID)
	}
	if err := trades(tx, c.Actor, true); err != nil {
		return nil, err
	}
	if err := unshipped(po); err != nil {
		return nil, err
	}
	if err := CheckDisbursement(linkfin.ProductPOFinancing, c.Disbursement); err != nil {
		return nil, err
	}
	p, d, err := decide(tx, p, graded{linkfin.ProductPOFinancing, c.Actor, c.FunderID, linkfin.KindPurchaseOrder, po.ID})
	if err != nil {
		return nil, err
	}
	q, err := pricePOFinancing(p, c.FunderID, po, linkfin.BusinessDate(tx.Now()))
	if err != nil {
		return nil, err
	}
	if c.Disbursement == linkfin.DisburseOnReceipt {
		q.Reasons = append(q.Reasons, "the advance is locked for the seller and released as the order's goods are accepted, pro rata")
	}
	fin := newQuote(tx, id, poFinancing{}, p, c.Actor, c.FunderID, po.ID, q)
	fin.Decision = d
	fin.Tier, fin.Currency, fin.SupplierLimit, fin.PayeeID = 1, po.Currency, p.SupplierLimit, c.Actor
	fin.Disbursement = c.Disbursement
	if err := drawable(tx, fin); err != nil {
		return nil, err
	}
	return fin, tx.Put(linkfin.KindFinancing, fin.ID, fin, "financing.quoted")
}

// pricePOFinancing prices an advance on an order by a funder of its program p, paid on
// the value date: the program's advance rate of the order's total, and the interest on
// it in arrears at the funder's rate. The interest charged runs to the actual
// collection; the quote shows it over the program's whole tenor. It refuses what a
// request would: a program that does not offer PO financing, a funder not live in it.
func pricePOFinancing(p *linkfin.Program, funderID string, po *linkfin.PurchaseOrder, valueDate linkfin.Date) (linkfin.Quote, error) {
	f, err := offered(p, linkfin.ProductPOFinancing, "PO financing", funderID)
	if err != nil {
		return linkfin.Quote{}, err
	}
	advance, err := p.AdvanceRate.Of(po.Total)
	if err != nil {
		return linkfin.Quote{}, err
	}
	rate := f.Pricing.Annual()
	interest, eff, err := arrears(advance, rate, p.MaxTenorDays, p.DayCount)
	if err != nil {
		return linkfin.Quote{}, err
	}
	return linkfin.Quote{Face: po.Total, Rate: rate, Days: p.MaxTenorDays, DayCount: p.DayCount, Discount: interest, Price: advance,
		EffectiveRate: eff, ValueDate: valueDate, Reasons: []string{
			"the buyer " + po.BuyerID + " issued the order and the seller accepted it",
			"advance " + p.AdvanceRate.String() + " of the order now; repaid first from the payable it becomes",
			"interest runs from the advance to the collection; the quote shows it over the program's tenor",
		}}, nil
}

// AcceptPOFinancing is the seller accepting the quote: the limits are drawn by the
// order's total, the funder pays the advance, and the order backs this financing.
type AcceptPOFinancing struct {
	Actor string
	ID    string
	POID  string
}

// Keys implements linkfin.Command.
func (c *AcceptPOFinancing) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindFinancing, ID: c.ID}, {Kind: linkfin.KindPurchaseOrder, ID: c.POID}, organizationKey(c.Actor)}
}

// DependentKeys implements linkfin.DependentCommand: what checks that the quote's
// credit decision still stands (grantKeys).
func (c *AcceptPOFinancing) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	return grantKeys(r, c.ID)
}

// LedgerKeys implements linkfin.LedgerCommand.
func (c *AcceptPOFinancing) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	return financingAccounts(r, c.ID)
}

// Apply implements linkfin.Command.
func (c *AcceptPOFinancing) Apply(tx linkfin.Tx) (any, error) {
	return acceptOrder(tx, c.ID, c.Actor, linkfin.ProductPOFinancing, c.POID)
}

// acceptOrder accepts a quote on an order (PO or distributor financing): the order
// must still be accepted and backing nothing; the limits are held now, posted when the
// funder disburses, and the order is locked to the financing.
func acceptOrder(tx linkfin.Tx, id, actor string, product linkfin.Product, poID string) (any, error) {
	f, already, err := quoted(tx, id, actor, product, poID, linkfin.FinancingAccepted)
	if err != nil || already {
		return f, err
	}
	po, err := purchaseOrder(tx, f.AssetID, actor)
	if err != nil {
		return nil, err
	}
	// The seller of the order; or the distributor that buys it, and the anchor, its
	// seller, whom the loan pays.
	if product == linkfin.ProductDistributorFinancing {
		err = tradeBetween(tx, actor, po.SellerID)
	} else {
		err = trades(tx, actor, true)
	}
	if err != nil {
		return nil, err
	}
	if po.FinancingID != "" || po.Status != linkfin.POAccepted {
		return nil, linkfin.Errorf("asset_financed", "purchase order %s is taken or no longer accepted", po.ID)
	}
	if err := unshipped(po); err != nil {
		return nil, err
	}
	if err := holdLimits(tx, f); err != nil {
		return nil, err
	}
	f.Status = linkfin.FinancingAccepted
	po.FinancingID, po.Funders = f.ID, linkfin.AddFunder(po.Funders, f.FunderID)
	if err := tx.Put(linkfin.KindPurchaseOrder, po.ID, po, "purchase_order.financed"); err != nil {
		return nil, err
	}
	return f, tx.Put(linkfin.KindFinancing, f.ID, f, "financing.accepted")
}
