package services

import (
	"math/big"

	"linkfin"
)

// IssueWarehouseReceipt is a logistics operator receipting a lot it holds for its
// owner. One lot has one receipt, ever: a second receipt for the same lot is refused
// (the same metal pledged several times over, Qingdao 2014).
type IssueWarehouseReceipt struct {
	Actor   string
	Receipt linkfin.WarehouseReceipt
}

// Keys implements linkfin.Command.
func (c *IssueWarehouseReceipt) Keys() []linkfin.ObjectKey {
	keys := append(idKeys(linkfin.KindWarehouseReceipt, c.Receipt.ID), numberKeys(c.Actor, linkfin.KindWarehouseReceipt, c.Receipt.Number)...)
	return append(keys,
		linkfin.ObjectKey{Kind: linkfin.KindLot, ID: linkfin.LotKey(c.Actor, c.Receipt.LotID)},
		linkfin.ObjectKey{Kind: linkfin.KindOrganization, ID: c.Actor},
		linkfin.ObjectKey{Kind: linkfin.KindOrganization, ID: c.Receipt.OwnerID})
}

// Apply implements linkfin.Command.
func (c *IssueWarehouseReceipt) Apply(tx linkfin.Tx) (any, error) {
	w := c.Receipt
	if err := linkfin.ValidateID("lot id", w.LotID); err != nil {
		return nil, err
	}
	if w.Number != "" {
		if err := linkfin.ValidateNumber("the receipt's number", w.Number); err != nil {
			return nil, err
		}
	}
	wh, err := organization(tx, c.Actor)
	if err != nil {
		return nil, err
	}
	if !wh.Can(linkfin.CapLogistics) {
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only a logistics operator issues warehouse receipts")
	}
	if _, err := organization(tx, w.OwnerID); err != nil {
		return nil, err
	}
	switch {
	case w.Quantity <= 0 || w.Unit == "" || w.Commodity == "":
		return nil, linkfin.Errorf(linkfin.EINVALID, "a receipt names a commodity and a positive quantity of a unit")
	}
	var lot linkfin.Lot
	if found, err := tx.Get(linkfin.KindLot, linkfin.LotKey(c.Actor, w.LotID), &lot); err != nil {
		return nil, err
	} else if found {
		return nil, linkfin.Errorf("lot_has_receipt", "lot %s already has receipt %s", w.LotID, lot.ReceiptID)
	}
	if w.ID, err = newID(tx, linkfin.KindWarehouseReceipt, w.ID); err != nil {
		return nil, err
	}
	if w.Number != "" {
		if err := claimNumber(tx, c.Actor, linkfin.KindWarehouseReceipt, w.Number, w.ID); err != nil {
			return nil, err
		}
	}
	lot.ID, lot.ReceiptID = linkfin.LotKey(c.Actor, w.LotID), w.ID
	if err := tx.Put(linkfin.KindLot, lot.ID, &lot, "lot.receipted"); err != nil {
		return nil, err
	}
	w.WarehouseID, w.Observed, w.Status, w.FinancingID, w.CreatedAt = c.Actor, w.Quantity, linkfin.ReceiptIssued, "", tx.Now()
	return &w, tx.Put(linkfin.KindWarehouseReceipt, w.ID, &w, "warehouse_receipt.issued")
}

// MarkPrice records the price of a commodity (the operator's price feed).
type MarkPrice struct {
	Mark linkfin.PriceMark
}

// Keys implements linkfin.Command.
func (c *MarkPrice) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindPriceMark, ID: c.Mark.ID}}
}

// Apply implements linkfin.Command.
func (c *MarkPrice) Apply(tx linkfin.Tx) (any, error) {
	m := c.Mark
	if m.ID == "" || m.Price <= 0 {
		return nil, linkfin.Errorf(linkfin.EINVALID, "a price mark names a commodity and a positive price")
	}
	if _, err := linkfin.ParseCurrency(string(m.Currency)); err != nil {
		return nil, err
	}
	m.MarkedAt = tx.Now()
	return &m, tx.Put(linkfin.KindPriceMark, m.ID, &m, "price_mark.set")
}

// value is a receipt's worth at a price mark.
func value(qty int64, m *linkfin.PriceMark) (int64, error) { return linkfin.Mul(qty, m.Price) }

// RequestPledgeLoan is a receipt's owner asking a funder for a loan against it: the
// program's advance rate (the LTV) of the lot's value at the latest price mark.
type RequestPledgeLoan struct {
	Actor     string
	ID        string
	ReceiptID string
	ProgramID string
	FunderID  string
	Commodity string // the receipt's, named again so its price mark can be prefetched
}

// Keys implements linkfin.Command.
func (c *RequestPledgeLoan) Keys() []linkfin.ObjectKey {
	return append(idKeys(linkfin.KindFinancing, c.ID),
		linkfin.ObjectKey{Kind: linkfin.KindWarehouseReceipt, ID: c.ReceiptID},
		linkfin.ObjectKey{Kind: linkfin.KindProgram, ID: c.ProgramID},
		linkfin.ObjectKey{Kind: linkfin.KindPriceMark, ID: c.Commodity},
	)
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
	var mark linkfin.PriceMark
	found, err := tx.Get(linkfin.KindPriceMark, c.Commodity, &mark)
	if err != nil {
		return nil, err
	}
	switch {
	case w.OwnerID != c.Actor:
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the goods' owner pledges them")
	case w.Status != linkfin.ReceiptIssued:
		return nil, linkfin.Errorf("asset_financed", "receipt %s is %s: a receipt is pledged once", w.ID, w.Status)
	case c.Commodity != w.Commodity:
		return nil, linkfin.Errorf(linkfin.EINVALID, "receipt %s is of %s", w.ID, w.Commodity)
	case !found || mark.Currency != p.Currency:
		return nil, linkfin.Errorf(linkfin.EINVALID, "no %s price mark for %s", p.Currency, w.Commodity)
	case !p.Offers(linkfin.ProductWarehousePledge):
		return nil, linkfin.Errorf(linkfin.EINVALID, "program %s does not offer warehouse pledges", p.ID)
	}
	f, err := liveFunder(&p, c.FunderID)
	if err != nil {
		return nil, err
	}
	worth, err := value(w.Quantity, &mark)
	if err != nil {
		return nil, err
	}
	loan, err := p.AdvanceRate.Of(worth)
	if err == nil {
		err = linkfin.CheckAmount("the loan on the lot", loan)
	}
	if err != nil {
		return nil, err
	}
	rate := f.Pricing.Annual()
	interest, eff, err := arrears(loan, rate, p.MaxTenorDays, p.DayCount)
	if err != nil {
		return nil, err
	}
	valueDate := linkfin.DateOf(tx.Now())
	fin := linkfin.Financing{ID: id, Product: linkfin.ProductWarehousePledge, ProgramID: p.ID, RequesterID: c.Actor,
		FunderID: c.FunderID, AssetKind: linkfin.KindWarehouseReceipt, AssetID: w.ID, Currency: p.Currency,
		Status: linkfin.FinancingQuoted, CreatedAt: tx.Now(), SupplierLimit: p.SupplierLimit, PayeeID: c.Actor, Interest: interest, DueDate: valueDate.AddDays(p.MaxTenorDays),
		Quote: linkfin.Quote{Face: loan, Rate: rate, Days: p.MaxTenorDays, DayCount: p.DayCount, Discount: interest, Price: loan,
			EffectiveRate: eff, ValueDate: valueDate, ExpiresAt: tx.Now().Add(QuoteValidity),
			Reasons: []string{
				"receipt " + w.ID + " of warehouse " + w.WarehouseID + ": one lot, one receipt, not pledged before",
				"loan-to-value " + p.AdvanceRate.String() + " of the lot at the latest price mark",
				"a margin call above " + p.MarginCallLTV.String() + "; the loan freezes if the warehouse reports less than pledged",
			}}}
	return &fin, tx.Put(linkfin.KindFinancing, fin.ID, &fin, "financing.quoted")
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
	return []linkfin.ObjectKey{{Kind: linkfin.KindFinancing, ID: c.ID}, {Kind: linkfin.KindWarehouseReceipt, ID: c.ReceiptID}}
}

// LedgerKeys implements linkfin.LedgerCommand.
func (c *AcceptPledgeLoan) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	return financingAccounts(r, c.ID)
}

// Apply implements linkfin.Command.
func (c *AcceptPledgeLoan) Apply(tx linkfin.Tx) (any, error) {
	f, already, err := quoted(tx, c.ID, c.Actor, linkfin.ProductWarehousePledge, c.ReceiptID, linkfin.FinancingAccepted)
	if err != nil || already {
		return f, err
	}
	var w linkfin.WarehouseReceipt
	if _, err := tx.Get(linkfin.KindWarehouseReceipt, f.AssetID, &w); err != nil {
		return nil, err
	}
	if w.Status != linkfin.ReceiptIssued {
		return nil, linkfin.Errorf("asset_financed", "receipt %s is %s: a receipt is pledged once", w.ID, w.Status)
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

// ReportTelemetry is the warehouse reporting what its sensors count in a lot. A count
// below the receipt's quantity freezes the loan the receipt backs.
type ReportTelemetry struct {
	Actor     string
	ReceiptID string
	Quantity  int64
}

// Keys implements linkfin.Command.
func (c *ReportTelemetry) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindWarehouseReceipt, ID: c.ReceiptID}}
}

// DependentKeys implements linkfin.DependentCommand: the loan the receipt backs.
func (c *ReportTelemetry) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var w linkfin.WarehouseReceipt
	if found, _ := r.Get(linkfin.KindWarehouseReceipt, c.ReceiptID, &w); found && w.FinancingID != "" {
		return []linkfin.ObjectKey{{Kind: linkfin.KindFinancing, ID: w.FinancingID}}
	}
	return nil
}

// Apply implements linkfin.Command.
func (c *ReportTelemetry) Apply(tx linkfin.Tx) (any, error) {
	var w linkfin.WarehouseReceipt
	if found, err := tx.Get(linkfin.KindWarehouseReceipt, c.ReceiptID, &w); err != nil {
		return nil, err
	} else if !found || w.WarehouseID != c.Actor && w.OwnerID != c.Actor {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "receipt %s not found", c.ReceiptID)
	}
	if w.WarehouseID != c.Actor {
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the warehouse reports on its lots")
	}
	if c.Quantity < 0 {
		return nil, linkfin.Errorf(linkfin.EINVALID, "a count is not negative")
	}
	w.Observed = c.Quantity
	if w.Status == linkfin.ReceiptPledged && c.Quantity < w.Quantity {
		w.Status = linkfin.ReceiptFrozen
		var f linkfin.Financing
		if _, err := tx.Get(linkfin.KindFinancing, w.FinancingID, &f); err != nil {
			return nil, err
		}
		f.Frozen = true
		if err := tx.Put(linkfin.KindFinancing, f.ID, &f, "financing.frozen"); err != nil {
			return nil, err
		}
	}
	return &w, tx.Put(linkfin.KindWarehouseReceipt, w.ID, &w, "warehouse_receipt.counted")
}

// CheckMargin compares a pledge loan with its lot's value at the latest price mark:
// above the program's margin-call LTV, the loan is called for margin.
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
	if f.Status != linkfin.FinancingDisbursed {
		return &f, nil
	}
	worth, err := value(w.Quantity, &mark)
	if err != nil {
		return nil, err
	}
	// Called when loan / value > the margin-call LTV, in exact rationals.
	called := new(big.Rat).SetFrac64(f.Quote.Price, max(worth, 1)).Cmp(p.MarginCallLTV.Rat()) > 0
	if called == f.MarginCall {
		return &f, nil
	}
	f.MarginCall = called
	event := "financing.margin_call"
	if !called {
		event = "financing.margin_restored"
	}
	return &f, tx.Put(linkfin.KindFinancing, f.ID, &f, event)
}

// RepayPledgeLoan is the owner repaying the loan with interest: the limits are
// released and the receipt is free again.
type RepayPledgeLoan struct {
	Actor string
	ID    string
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
	legs, err := financingLegs(tx, &f, append(releaseLimits(&f), leg{"repayment", linkfin.WalletID(f.RequesterID, f.Currency), linkfin.WalletID(f.FunderID, f.Currency), owed, codeWallet}))
	if err != nil {
		return nil, err
	}
	if err := tx.Transfer(legs...); err != nil {
		return nil, err
	}
	var w linkfin.WarehouseReceipt
	if _, err := tx.Get(linkfin.KindWarehouseReceipt, f.AssetID, &w); err != nil {
		return nil, err
	}
	w.Status, w.FinancingID = linkfin.ReceiptIssued, ""
	if err := tx.Put(linkfin.KindWarehouseReceipt, w.ID, &w, "warehouse_receipt.released"); err != nil {
		return nil, err
	}
	f.Status = linkfin.FinancingSettled
	return &f, tx.Put(linkfin.KindFinancing, f.ID, &f, "financing.settled")
}

// CloseOverduePledge settles a pledge loan past its due date: repaid from the
// borrower's wallet if it can, else defaulted, and the receipt forfeited to the funder
// as the collateral it was pledged for.
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
	if !linkfin.DateOf(tx.Now()).After(f.DueDate) {
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
	w.OwnerID, w.Status, w.FinancingID = f.FunderID, linkfin.ReceiptIssued, ""
	if err := tx.Put(linkfin.KindWarehouseReceipt, w.ID, &w, "warehouse_receipt.forfeited"); err != nil {
		return nil, err
	}
	f.Status = linkfin.FinancingDefaulted
	return &f, tx.Put(linkfin.KindFinancing, f.ID, &f, "financing.defaulted")
}
