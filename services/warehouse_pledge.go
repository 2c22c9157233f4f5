package services

import (
	"context"
	"fmt"
	"math/big"

	"linkfin"
)

// warehousePledge is a loan against goods in a warehouse, pledged by their receipt:
// the program's loan-to-value of the lot at the latest price mark. The warehouse's
// count freezes it when the lot is found short, a price mark can call it for margin,
// and past its due date, or past the due date of a margin call left unmet, the receipt
// is forfeited to the funder if the borrower does not repay (CloseOverduePledge).
type warehousePledge struct{}

func init() { Register(warehousePledge{}) }

func (warehousePledge) Name() linkfin.Product { return linkfin.ProductWarehousePledge }
func (warehousePledge) AssetKind() string     { return linkfin.KindWarehouseReceipt }
func (warehousePledge) Downstream() bool      { return false }
func (warehousePledge) Legs() []string        { return []string{"disbursement", "repayment"} }

// Request checks that the program is one the owner sees: a receipt belongs to no
// program, so the owner names one, which must be its anchor's (as a member of the
// anchor's chain). Any other is not found, exactly as a program that does not exist.
func (warehousePledge) Request(ctx context.Context, s linkfin.Store, actor string, in *linkfin.FinancingIn) (linkfin.Command, error) {
	if _, err := ProgramFor(ctx, s, in.ProgramID, actor); err != nil {
		return nil, err
	}
	return &RequestPledgeLoan{Actor: actor, ReceiptID: in.AssetID, ProgramID: in.ProgramID, FunderID: in.FunderID}, nil
}

func (warehousePledge) Accept(actor string, f *linkfin.Financing) linkfin.Command {
	return &AcceptPledgeLoan{Actor: actor, ID: f.ID, ReceiptID: f.AssetID}
}

func (warehousePledge) Repay(actor string, f *linkfin.Financing) (linkfin.Command, error) {
	return &RepayPledgeLoan{Actor: actor, ID: f.ID}, nil
}

// RepayPledgeInPart is the borrower repaying amount of a pledge loan's principal: the
// part counts towards the loan's open margin call, and meets it once the parts since
// the call reach the amount called. Any other product is repaid whole, and is refused
// an amount. An amount is positive: 0 is refused as a negative one is, never taken for
// the whole loan (RepayFinancing), so that a part of nothing moves nothing.
func RepayPledgeInPart(actor string, f *linkfin.Financing, amount int64) (linkfin.Command, error) {
	if f.Product != linkfin.ProductWarehousePledge {
		return nil, linkfin.Errorf(linkfin.EINVALID, "amount: only a warehouse pledge loan is repaid in part; a %s is repaid whole", f.Product)
	}
	if amount <= 0 {
		return nil, linkfin.Errorf(linkfin.EINVALID, "amount: a part repayment is from 0.01, not %s; repay the whole loan without an amount",
			linkfin.Money{Amount: amount, Currency: f.Currency})
	}
	return &RepayPledgeLoan{Actor: actor, ID: f.ID, Amount: amount}, nil
}

func (warehousePledge) Close(f *linkfin.Financing) (linkfin.Command, error) {
	return &CloseOverduePledge{ID: f.ID}, nil
}

// CloseDate is the day after the loan's due date, or, while a margin call of the loan
// is open, the day after the call's due date if that comes first: a call left unmet
// closes the loan as its maturity would (CloseOverduePledge).
func (warehousePledge) CloseDate(_ context.Context, _ linkfin.RecordReader, f *linkfin.Financing) (linkfin.Date, bool, error) {
	d := f.DueDate
	if c := openCall(f); c != nil && c.DueDate.Before(d) {
		d = c.DueDate
	}
	return d.AddDays(1), true, nil
}

// openCall is the loan's margin call while it is open, else nil.
func openCall(f *linkfin.Financing) *linkfin.MarginDemand {
	if f.MarginDemand == nil || f.MarginDemand.Status != linkfin.MarginDemandCalled {
		return nil
	}
	return f.MarginDemand
}

func (warehousePledge) AssetKeys(f *linkfin.Financing) []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindWarehouseReceipt, ID: f.AssetID}}
}

// Disbursed does nothing: the receipt was pledged at acceptance.
func (warehousePledge) Disbursed(linkfin.Tx, *linkfin.Financing) error { return nil }

// Release frees the receipt (releaseReceipt).
func (warehousePledge) Release(tx linkfin.Tx, f *linkfin.Financing) error {
	return update(tx, linkfin.KindWarehouseReceipt, f.AssetID, "warehouse_receipt.released", releaseReceipt)
}

// releaseReceipt frees a receipt from its loan, repaid or withdrawn. A lot found short
// stays frozen: it backs nothing until the warehouse counts it whole again.
func releaseReceipt(w *linkfin.WarehouseReceipt) {
	if w.Status != linkfin.ReceiptFrozen {
		w.Status = linkfin.ReceiptIssued
	}
	w.FinancingID = ""
}

// RequestPledgeLoan is a receipt's owner asking a funder for a loan against it: the
// program's advance rate (the LTV) of the lot's value at the latest price mark.
type RequestPledgeLoan struct {
	Actor     string
	ID        string
	ReceiptID string
	ProgramID string
	FunderID  string
}

// Keys implements linkfin.Command.
func (c *RequestPledgeLoan) Keys() []linkfin.ObjectKey {
	return append(append(idKeys(linkfin.KindFinancing, c.ID),
		linkfin.ObjectKey{Kind: linkfin.KindWarehouseReceipt, ID: c.ReceiptID},
		linkfin.ObjectKey{Kind: linkfin.KindProgram, ID: c.ProgramID},
		organizationKey(c.Actor),
	), decisionKeys(c.Actor, c.FunderID)...)
}

// DependentKeys implements linkfin.DependentCommand: the price mark of the receipt's
// commodity, which values the lot.
func (c *RequestPledgeLoan) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var w linkfin.WarehouseReceipt
	if found, _ := r.Get(linkfin.KindWarehouseReceipt, c.ReceiptID, &w); !found {
		return nil
	}
	return []linkfin.ObjectKey{{Kind: linkfin.KindPriceMark, ID: w.Commodity}}
}

// LedgerKeys implements linkfin.LedgerCommand: the limits its acceptance would hold,
// which the quote must fit (drawable).
func (c *RequestPledgeLoan) LedgerKeys(linkfin.Records) (accounts, transfers []int64) {
	return limitKeys(c.ProgramID, c.FunderID, c.Actor), nil
}

// Apply implements linkfin.Command.
func (c *RequestPledgeLoan) Apply(tx linkfin.Tx) (any, error) {
	id, err := newID(tx, linkfin.KindFinancing, c.ID)
	if err != nil {
		return nil, err
	}
	var w linkfin.WarehouseReceipt
	if found, err := tx.Get(linkfin.KindWarehouseReceipt, c.ReceiptID, &w); err != nil {
		return nil, err
	} else if !found || w.OwnerID != c.Actor && w.WarehouseID != c.Actor {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "receipt %s not found", c.ReceiptID)
	}
	var p linkfin.Program
	if found, err := tx.Get(linkfin.KindProgram, c.ProgramID, &p); err != nil {
		return nil, err
	} else if !found {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "program %s not found", c.ProgramID)
	}
	mark := new(linkfin.PriceMark)
	if found, err := tx.Get(linkfin.KindPriceMark, w.Commodity, mark); err != nil {
		return nil, err
	} else if !found {
		mark = nil
	}
	switch {
	case w.OwnerID != c.Actor:
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the goods' owner pledges them")
	case w.Status == linkfin.ReceiptFrozen:
		return nil, linkfin.Errorf("asset_financed", "receipt %s is frozen: the warehouse counted less than it holds; it backs nothing until counted whole", w.ID)
	case w.Status != linkfin.ReceiptIssued:
		return nil, linkfin.Errorf("asset_financed", "receipt %s is %s: a receipt is pledged once", w.ID, w.Status)
	}
	gp, d, err := decide(tx, &p, graded{linkfin.ProductWarehousePledge, c.Actor, c.FunderID, linkfin.KindWarehouseReceipt, w.ID})
	if err != nil {
		return nil, err
	}
	// The goods' owner borrows on them as a trader (after decide, which refuses first
	// an owner that names itself its funder).
	if err := trades(tx, c.Actor, false); err != nil {
		return nil, err
	}
	q, err := priceWarehousePledge(gp, c.FunderID, &w, mark, linkfin.BusinessDate(tx.Now()))
	if err != nil {
		return nil, err
	}
	fin := newQuote(tx, id, warehousePledge{}, gp, c.Actor, c.FunderID, w.ID, q)
	fin.Decision = d
	fin.SupplierLimit, fin.PayeeID, fin.Interest, fin.DueDate = gp.SupplierLimit, c.Actor, q.Discount, q.ValueDate.AddDays(q.Days)
	if err := drawable(tx, fin); err != nil {
		return nil, err
	}
	return fin, tx.Put(linkfin.KindFinancing, fin.ID, fin, "financing.quoted")
}

// priceWarehousePledge prices a loan by a funder of program p against the lot of a
// receipt, paid on the value date: the program's loan-to-value (its advance rate) of
// the lot at the latest price mark of its commodity (nil: none), and the interest on
// it to its due date (loanDue: the program's tenor, moved to a business day), in
// arrears, at the funder's rate. It refuses what a
// request would: no price mark in the program's currency, a program that does not
// offer warehouse pledges, a funder not live in it, a loan beyond the amounts linkfin
// carries.
func priceWarehousePledge(p *linkfin.Program, funderID string, w *linkfin.WarehouseReceipt, mark *linkfin.PriceMark, valueDate linkfin.Date) (linkfin.Quote, error) {
	if mark == nil || mark.Currency != p.Currency {
		return linkfin.Quote{}, linkfin.Errorf(linkfin.EINVALID, "no %s price mark for %s", p.Currency, w.Commodity)
	}
	f, err := offered(p, linkfin.ProductWarehousePledge, "warehouse pledges", funderID)
	if err != nil {
		return linkfin.Quote{}, err
	}
	worth, err := value(w.Quantity, mark)
	if err != nil {
		return linkfin.Quote{}, err
	}
	loan, err := p.AdvanceRate.Of(worth)
	if err == nil {
		err = linkfin.CheckAmount("the loan on the lot", loan)
	}
	if err != nil {
		return linkfin.Quote{}, err
	}
	rate := f.Pricing.Annual()
	_, days, err := loanDue(p, valueDate)
	if err != nil {
		return linkfin.Quote{}, err
	}
	interest, eff, err := arrears(loan, rate, days, p.DayCount)
	if err != nil {
		return linkfin.Quote{}, err
	}
	return linkfin.Quote{Face: loan, Rate: rate, Days: days, DayCount: p.DayCount, Discount: interest, Price: loan,
		EffectiveRate: eff, ValueDate: valueDate, Reasons: []string{
			"receipt " + w.ID + " of warehouse " + w.WarehouseID + ": one lot, one receipt, not pledged before",
			"loan-to-value " + p.AdvanceRate.String() + " of the lot at the latest price mark",
			"a margin call above " + p.MarginCallLTV.String() + "; the loan freezes if the warehouse reports less than pledged",
		}}, nil
}

// AcceptPledgeLoan is the owner accepting: the receipt is pledged to this loan alone,
// the limits are drawn and the funder pays the loan.
type AcceptPledgeLoan struct {
	Actor     string
	ID        string
	ReceiptID string
}

// Keys implements linkfin.Command.
func (c *AcceptPledgeLoan) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindFinancing, ID: c.ID}, {Kind: linkfin.KindWarehouseReceipt, ID: c.ReceiptID}, organizationKey(c.Actor)}
}

// LedgerKeys implements linkfin.LedgerCommand.
func (c *AcceptPledgeLoan) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	return financingAccounts(r, c.ID)
}

// DependentKeys implements linkfin.DependentCommand: what checks that the quote's
// credit decision still stands (grantKeys: the program, which also values the lot
// again, and the requester's stop), and the lot's price mark.
func (c *AcceptPledgeLoan) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	keys := grantKeys(r, c.ID)
	var w linkfin.WarehouseReceipt
	if found, _ := r.Get(linkfin.KindWarehouseReceipt, c.ReceiptID, &w); found {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindPriceMark, ID: w.Commodity})
	}
	return keys
}

// Apply implements linkfin.Command.
func (c *AcceptPledgeLoan) Apply(tx linkfin.Tx) (any, error) {
	f, already, err := quoted(tx, c.ID, c.Actor, linkfin.ProductWarehousePledge, c.ReceiptID, linkfin.FinancingAccepted)
	if err != nil || already {
		return f, err
	}
	if err := trades(tx, c.Actor, false); err != nil {
		return nil, err
	}
	var w linkfin.WarehouseReceipt
	if _, err := tx.Get(linkfin.KindWarehouseReceipt, f.AssetID, &w); err != nil {
		return nil, err
	}
	if w.Status != linkfin.ReceiptIssued {
		return nil, linkfin.Errorf("asset_financed", "receipt %s is %s: a receipt is pledged once", w.ID, w.Status)
	}
	// The lot at the latest price mark: a loan that would be called for margin the
	// moment it is made (its price fell since the quote) is quoted again instead.
	var p linkfin.Program
	var mark linkfin.PriceMark
	if _, err := linkfin.View(tx, linkfin.KindProgram, f.ProgramID, &p); err != nil {
		return nil, err
	}
	if found, err := linkfin.View(tx, linkfin.KindPriceMark, w.Commodity, &mark); err != nil {
		return nil, err
	} else if !found || mark.Currency != f.Currency {
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "no %s price mark for %s: the lot cannot be valued", f.Currency, w.Commodity)
	}
	worth, err := value(w.Quantity, &mark)
	if err != nil {
		return nil, err
	}
	if pastMarginCall(f.Quote.Price, worth, &p) {
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "the lot is worth %s at the latest price mark, less than the loan of %s needs (a loan-to-value of at most %s): quote again",
			linkfin.Money{Amount: worth, Currency: f.Currency}, linkfin.Money{Amount: f.Quote.Price, Currency: f.Currency}, p.MarginCallLTV)
	}
	// The limits are held now, posted when the funder disburses.
	if err := holdLimits(tx, f); err != nil {
		return nil, err
	}
	f.Status = linkfin.FinancingAccepted
	w.Status, w.FinancingID, w.Funders = linkfin.ReceiptPledged, f.ID, linkfin.AddFunder(w.Funders, f.FunderID)
	if err := tx.Put(linkfin.KindWarehouseReceipt, w.ID, &w, "warehouse_receipt.pledged"); err != nil {
		return nil, err
	}
	return f, tx.Put(linkfin.KindFinancing, f.ID, f, "financing.accepted")
}

// CheckMargin compares a pledge loan (its principal outstanding) with its lot's value
// at the latest price mark: above the program's margin-call LTV, the loan is called for
// margin (MarginCall), and, unless a call of the loan is open already, the borrower is
// called to repay, by the program's margin call period, what brings the loan back to
// the program's advance rate of the lot at that mark (priceCall). Back within the
// margin-call LTV, the flag is lifted and the price mark's open call withdrawn. A
// latest mark in another currency than the loan's is refused, and changes nothing.
type CheckMargin struct {
	ID        string // the loan
	Commodity string
}

// Keys implements linkfin.Command.
func (c *CheckMargin) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindFinancing, ID: c.ID}, {Kind: linkfin.KindPriceMark, ID: c.Commodity}}
}

// DependentKeys implements linkfin.DependentCommand: the receipt and the program.
func (c *CheckMargin) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var f linkfin.Financing
	if found, _ := r.Get(linkfin.KindFinancing, c.ID, &f); !found {
		return nil
	}
	return []linkfin.ObjectKey{{Kind: linkfin.KindWarehouseReceipt, ID: f.AssetID}, {Kind: linkfin.KindProgram, ID: f.ProgramID}}
}

// Apply implements linkfin.Command.
func (c *CheckMargin) Apply(tx linkfin.Tx) (any, error) {
	var f linkfin.Financing
	var w linkfin.WarehouseReceipt
	var p linkfin.Program
	var mark linkfin.PriceMark
	if found, err := tx.Get(linkfin.KindFinancing, c.ID, &f); err != nil || !found || f.Product != linkfin.ProductWarehousePledge {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "pledge loan %s not found", c.ID)
	}
	if _, err := tx.Get(linkfin.KindWarehouseReceipt, f.AssetID, &w); err != nil {
		return nil, err
	}
	if _, err := tx.Get(linkfin.KindProgram, f.ProgramID, &p); err != nil {
		return nil, err
	}
	if found, err := tx.Get(linkfin.KindPriceMark, c.Commodity, &mark); err != nil || !found || c.Commodity != w.Commodity {
		return nil, linkfin.Errorf(linkfin.EINVALID, "no price mark for %s", w.Commodity)
	}
	// A mark in another currency is no figure to compare the loan with: the lot is
	// valued, as at the quote and the acceptance, only in the loan's own currency.
	if mark.Currency != f.Currency {
		return nil, linkfin.Errorf(linkfin.EINVALID, "no %s price mark for %s: its latest mark is in %s, and the lot cannot be valued against the loan",
			f.Currency, w.Commodity, mark.Currency)
	}
	if f.Status != linkfin.FinancingDisbursed {
		return &f, nil
	}
	worth, err := value(w.Quantity, &mark)
	if err != nil {
		return nil, err
	}
	called := pastMarginCall(f.Outstanding(), worth, &p)
	switch {
	case called && openCall(&f) == nil:
		// Called, and no call open (a loan flagged before calls were dated has none):
		// the borrower is called to restore the advance rate.
		if err := priceCall(tx, &f, &p, worth); err != nil {
			return nil, err
		}
	case called == f.MarginCall:
		return &f, nil
	case !called && openCall(&f) != nil && f.MarginDemand.AlertID == "":
		// The price rose back: the price mark's call is withdrawn; an alert's stays
		// until its alert is resolved.
		closeMarginDemand(tx, &f, linkfin.MarginDemandWithdrawn)
	}
	f.MarginCall = called
	event := "financing.margin_call"
	if !called {
		event = "financing.margin_restored"
	}
	return &f, tx.Put(linkfin.KindFinancing, f.ID, &f, event)
}

// priceCall makes the price mark's margin call of a loan found past the program's
// margin-call LTV on a lot worth worth: to repay, by the program's margin call period,
// the principal above the program's advance rate of the lot, the loan the program would
// make on it today. Met, the loan is back at its advance rate, below the margin-call
// LTV (which a program sets above the advance rate).
func priceCall(tx linkfin.Tx, f *linkfin.Financing, p *linkfin.Program, worth int64) error {
	lend, err := p.AdvanceRate.Of(worth)
	if err != nil {
		return err
	}
	amount := f.Outstanding() - lend
	if err := linkfin.CheckAmount("the margin call", amount); err != nil {
		return err
	}
	due, err := businessDay(p, linkfin.BusinessDate(tx.Now()).AddDays(p.MarginCallPeriod()))
	if err != nil {
		return err
	}
	f.MarginDemand = &linkfin.MarginDemand{Amount: amount, Currency: f.Currency, Status: linkfin.MarginDemandCalled,
		DueDate: due, CalledAt: tx.Now()}
	return nil
}

// RepayPledgeLoan is the owner repaying the loan with interest: the limits are
// released and the receipt is free again. With an Amount, less than the principal
// outstanding, it repays that much of the principal alone (a part repayment): the
// loan stays disbursed and its receipt pledged, and the part counts towards the
// loan's open margin call, which it meets once the parts since the call reach the
// amount called (financing.margin_met). An Amount of what the loan owes or more
// repays it whole, what it owes and no more.
type RepayPledgeLoan struct {
	Actor  string
	ID     string
	Amount int64 // 0: the whole loan
}

// Keys implements linkfin.Command.
func (c *RepayPledgeLoan) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindFinancing, ID: c.ID}}
}

// DependentKeys implements linkfin.DependentCommand: the receipt.
func (c *RepayPledgeLoan) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var f linkfin.Financing
	if found, _ := r.Get(linkfin.KindFinancing, c.ID, &f); !found {
		return nil
	}
	return []linkfin.ObjectKey{{Kind: linkfin.KindWarehouseReceipt, ID: f.AssetID}}
}

// LedgerKeys implements linkfin.LedgerCommand.
func (c *RepayPledgeLoan) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	return financingAccounts(r, c.ID)
}

// Apply implements linkfin.Command.
func (c *RepayPledgeLoan) Apply(tx linkfin.Tx) (any, error) {
	var f linkfin.Financing
	if found, err := tx.Get(linkfin.KindFinancing, c.ID, &f); err != nil {
		return nil, err
	} else if !found || f.Product != linkfin.ProductWarehousePledge || f.RequesterID != c.Actor && f.FunderID != c.Actor {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "pledge loan %s not found", c.ID)
	}
	switch {
	case f.RequesterID != c.Actor:
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "the borrower repays its loan")
	case f.Status == linkfin.FinancingSettled:
		return &f, nil
	case f.Status != linkfin.FinancingDisbursed:
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "loan %s is %s", f.ID, f.Status)
	}
	owed, err := f.Owed()
	if err != nil {
		return nil, err
	}
	if c.Amount != 0 && c.Amount < owed {
		return repayInPart(tx, &f, c.Amount)
	}
	legs, err := financingLegs(tx, &f, append(releaseLimits(&f), leg{"repayment", linkfin.WalletID(f.RequesterID, f.Currency), linkfin.WalletID(f.FunderID, f.Currency), owed, codeWallet}))
	if err != nil {
		return nil, err
	}
	if err := transferFrom(tx, []string{f.RequesterID}, legs...); err != nil {
		return nil, err
	}
	var w linkfin.WarehouseReceipt
	if _, err := tx.Get(linkfin.KindWarehouseReceipt, f.AssetID, &w); err != nil {
		return nil, err
	}
	releaseReceipt(&w)
	if err := tx.Put(linkfin.KindWarehouseReceipt, w.ID, &w, "warehouse_receipt.released"); err != nil {
		return nil, err
	}
	// Repaying the loan meets its open margin call.
	closeMarginDemand(tx, &f, linkfin.MarginDemandMet)
	f.Status = linkfin.FinancingSettled
	return &f, tx.Put(linkfin.KindFinancing, f.ID, &f, "financing.settled")
}

// repayInPart moves amount of a disbursed pledge loan's principal from the borrower's
// wallet to the funder's, as the loan's next part repayment (a leg of its own,
// "repayment#n", so none is applied twice), and counts it towards the loan's open
// margin call: reaching the amount called, the call is met (financing.margin_met,
// to the borrower and the funder as the call was); else the loan's event is
// financing.repaid_in_part. The limits stay drawn until the loan is repaid whole.
func repayInPart(tx linkfin.Tx, f *linkfin.Financing, amount int64) (any, error) {
	if amount < 0 || amount >= f.Outstanding() {
		owed, _ := f.Owed()
		return nil, linkfin.Errorf(linkfin.EINVALID, "amount: a part repayment is from 0.01 to less than the principal outstanding, %s; repay the whole loan, %s with its interest, without an amount",
			linkfin.Money{Amount: f.Outstanding(), Currency: f.Currency}, linkfin.Money{Amount: owed, Currency: f.Currency})
	}
	f.Repayments++
	legs, err := financingLegs(tx, f, []leg{{fmt.Sprintf("repayment#%d", f.Repayments), linkfin.WalletID(f.RequesterID, f.Currency),
		linkfin.WalletID(f.FunderID, f.Currency), amount, codeWallet}})
	if err != nil {
		return nil, err
	}
	if err := transferFrom(tx, []string{f.RequesterID}, legs...); err != nil {
		return nil, err
	}
	f.Repaid += amount
	event := "financing.repaid_in_part"
	if c := openCall(f); c != nil {
		d := *c
		d.Paid += amount
		f.MarginDemand = &d
		if d.Paid >= d.Amount {
			closeMarginDemand(tx, f, linkfin.MarginDemandMet)
			event = "financing.margin_met"
		}
	}
	return f, tx.Put(linkfin.KindFinancing, f.ID, f, event)
}

// CloseOverduePledge settles a pledge loan past its due date, or past the due date of
// its margin call still open: repaid from the borrower's wallet if it can, else
// defaulted, and the receipt forfeited to the funder as the collateral it was pledged
// for. A call left unmet is closed unmet, and a loan defaulted for it records why
// (DefaultMarginCallUnmet). Run again, a loan closed already is answered as it is.
type CloseOverduePledge struct {
	ID string
}

// Keys implements linkfin.Command.
func (c *CloseOverduePledge) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindFinancing, ID: c.ID}}
}

// DependentKeys implements linkfin.DependentCommand: the receipt.
func (c *CloseOverduePledge) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	return (&RepayPledgeLoan{ID: c.ID}).DependentKeys(r)
}

// LedgerKeys implements linkfin.LedgerCommand.
func (c *CloseOverduePledge) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	return financingAccounts(r, c.ID)
}

// Apply implements linkfin.Command.
func (c *CloseOverduePledge) Apply(tx linkfin.Tx) (any, error) {
	var f linkfin.Financing
	if found, err := tx.Get(linkfin.KindFinancing, c.ID, &f); err != nil {
		return nil, err
	} else if !found || f.Product != linkfin.ProductWarehousePledge {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "pledge loan %s not found", c.ID)
	}
	if f.Status != linkfin.FinancingDisbursed {
		return &f, nil
	}
	today := linkfin.BusinessDate(tx.Now())
	call := openCall(&f)
	unmet := call != nil && today.After(call.DueDate)
	if !today.After(f.DueDate) && !unmet {
		if call != nil {
			return nil, linkfin.Errorf(linkfin.ECONFLICT, "loan %s is due on %s, and its margin call on %s", f.ID, f.DueDate, call.DueDate)
		}
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "loan %s is due on %s", f.ID, f.DueDate)
	}
	owed, err := f.Owed()
	if err != nil {
		return nil, err
	}
	funds, err := available(tx, linkfin.WalletID(f.RequesterID, f.Currency))
	if err != nil {
		return nil, err
	}
	if funds >= owed {
		return (&RepayPledgeLoan{Actor: f.RequesterID, ID: f.ID}).Apply(tx)
	}
	var w linkfin.WarehouseReceipt
	if _, err := tx.Get(linkfin.KindWarehouseReceipt, f.AssetID, &w); err != nil {
		return nil, err
	}
	// The goods are the funder's now; a lot found short stays frozen, as on any
	// release.
	releaseReceipt(&w)
	w.OwnerID = f.FunderID
	if err := tx.Put(linkfin.KindWarehouseReceipt, w.ID, &w, "warehouse_receipt.forfeited"); err != nil {
		return nil, err
	}
	if closeMarginDemand(tx, &f, linkfin.MarginDemandUnmet) && unmet {
		f.DefaultReason = linkfin.DefaultMarginCallUnmet
	}
	f.Status = linkfin.FinancingDefaulted
	return &f, tx.Put(linkfin.KindFinancing, f.ID, &f, "financing.defaulted")
}

// pastMarginCall reports whether a loan on a lot worth worth is past the program's
// margin-call loan-to-value: loan / worth > margin_call_ltv, in exact rationals.
func pastMarginCall(loan, worth int64, p *linkfin.Program) bool {
	return p.MarginCallLTV != nil && new(big.Rat).SetFrac64(loan, max(worth, 1)).Cmp(p.MarginCallLTV.Rat()) > 0
}
