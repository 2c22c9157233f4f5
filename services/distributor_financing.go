package services

import (
	"context"
	"strconv"

	"linkfin"
)

// distributorFinancing is a loan to one of the anchor's distributors that pays the
// anchor for the distributor's order now; the distributor repays it with interest by
// its due date, or the anchor buys it back where its program says so
// (CloseDistributorLoan).
type distributorFinancing struct{}

func init() { Register(distributorFinancing{}) }

func (distributorFinancing) Name() linkfin.Product { return linkfin.ProductDistributorFinancing }
func (distributorFinancing) AssetKind() string     { return linkfin.KindPurchaseOrder }
func (distributorFinancing) Downstream() bool      { return true }
func (distributorFinancing) Legs() []string {
	return []string{"disbursement", "repayment", "buy-back", "unspent"}
}

func (distributorFinancing) Request(_ context.Context, _ linkfin.Store, actor string, in *linkfin.FinancingIn) (linkfin.Command, error) {
	return &RequestDistributorFinancing{Actor: actor, POID: in.AssetID, ProgramID: in.ProgramID, FunderID: in.FunderID,
		Disbursement: in.Disbursement}, nil
}

func (distributorFinancing) Accept(actor string, f *linkfin.Financing) linkfin.Command {
	return &AcceptDistributorFinancing{Actor: actor, ID: f.ID, POID: f.AssetID}
}

func (distributorFinancing) Repay(_ string, f *linkfin.Financing) (linkfin.Command, error) {
	return &CloseDistributorLoan{ID: f.ID}, nil
}

func (distributorFinancing) Close(f *linkfin.Financing) (linkfin.Command, error) {
	return &CloseDistributorLoan{ID: f.ID}, nil
}

// CloseDate is the day after the loan's due date: the distributor had all of it.
func (distributorFinancing) CloseDate(_ context.Context, _ linkfin.RecordReader, f *linkfin.Financing) (linkfin.Date, bool, error) {
	return f.DueDate.AddDays(1), true, nil
}

func (distributorFinancing) AssetKeys(f *linkfin.Financing) []linkfin.ObjectKey { return orderKeys(f) }

// Disbursed does nothing: the order was locked at acceptance.
func (distributorFinancing) Disbursed(linkfin.Tx, *linkfin.Financing) error { return nil }

func (distributorFinancing) Release(tx linkfin.Tx, f *linkfin.Financing) error {
	return releaseOrder(tx, f)
}

// RequestDistributorFinancing is a distributor asking a funder to pay the anchor for
// the distributor's order now; the distributor repays the loan with interest by the
// due date (the program's tenor). If it does not, the anchor buys the loan back where
// its program says so.
type RequestDistributorFinancing RequestPOFinancing

// Keys implements linkfin.Command.
func (c *RequestDistributorFinancing) Keys() []linkfin.ObjectKey {
	return (*RequestPOFinancing)(c).Keys()
}

// DependentKeys implements linkfin.DependentCommand: the organization of the order's
// seller, the anchor, whom the loan would pay.
func (c *RequestDistributorFinancing) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	return orderSellerKeys(r, c.POID)
}

// orderSellerKeys is the key of the organization of purchase order id's seller, if the
// order was loaded.
func orderSellerKeys(r linkfin.Records, id string) []linkfin.ObjectKey {
	var po linkfin.PurchaseOrder
	if found, err := r.Get(linkfin.KindPurchaseOrder, id, &po); err != nil || !found {
		return nil
	}
	return []linkfin.ObjectKey{organizationKey(po.SellerID)}
}

// LedgerKeys implements linkfin.LedgerCommand: the limits its acceptance would hold,
// which the quote must fit (drawable).
func (c *RequestDistributorFinancing) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	return (*RequestPOFinancing)(c).LedgerKeys(r)
}

// Apply implements linkfin.Command.
func (c *RequestDistributorFinancing) Apply(tx linkfin.Tx) (any, error) {
	id, po, p, err := orderRequest(tx, c.ID, c.POID, c.ProgramID, c.Actor)
	if err != nil {
		return nil, err
	}
	if err := notSelfFunded(c.Actor, c.FunderID); err != nil {
		return nil, err
	}
	switch {
	case po.BuyerID != c.Actor || po.SellerID != p.AnchorID:
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "distributor financing is for a distributor's order to the anchor")
	case po.Status != linkfin.POAccepted:
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "purchase order %s is %s, not accepted", po.ID, po.Status)
	case po.FinancingID != "":
		return nil, linkfin.Errorf("asset_financed", "purchase order %s backs financing %s", po.ID, po.FinancingID)
	}
	// The loan pays the anchor for the distributor's order: both trade still, as for a
	// conditional payment of the distributor's to it.
	if err := tradeBetween(tx, c.Actor, po.SellerID); err != nil {
		return nil, err
	}
	if err := unshipped(po); err != nil {
		return nil, err
	}
	if err := CheckDisbursement(linkfin.ProductDistributorFinancing, c.Disbursement); err != nil {
		return nil, err
	}
	q, err := priceDistributorFinancing(p, c.FunderID, po, linkfin.BusinessDate(tx.Now()))
	if err != nil {
		return nil, err
	}
	if err := funds(tx, p.ID, c.FunderID); err != nil {
		return nil, err
	}
	if c.Disbursement == linkfin.DisbursePurposeBound {
		q.Reasons[1] = "the loan is paid into a purpose-bound wallet of the distributor's, which pays the anchor alone; the distributor " +
			"repays it with interest in " + strconv.Itoa(q.Days) + " days, on " + q.ValueDate.AddDays(q.Days).String()
	}
	fin := newQuote(tx, id, distributorFinancing{}, p, c.Actor, c.FunderID, po.ID, q)
	fin.Disbursement = c.Disbursement
	fin.Currency, fin.SupplierLimit, fin.PayeeID, fin.Interest, fin.DueDate = po.Currency, p.SupplierLimit, p.AnchorID, q.Discount, q.ValueDate.AddDays(q.Days)
	if err := drawable(tx, fin); err != nil {
		return nil, err
	}
	return fin, tx.Put(linkfin.KindFinancing, fin.ID, fin, "financing.quoted")
}

// priceDistributorFinancing prices a loan by a funder of program p that pays the
// anchor the order's total on the value date: the interest on it from then to its due
// date (loanDue: the program's tenor, moved to a business day), in arrears, at the
// funder's rate. It refuses what a request would: a program that does not offer
// distributor financing, a funder not live in it.
func priceDistributorFinancing(p *linkfin.Program, funderID string, po *linkfin.PurchaseOrder, valueDate linkfin.Date) (linkfin.Quote, error) {
	f, err := offered(p, linkfin.ProductDistributorFinancing, "distributor financing", funderID)
	if err != nil {
		return linkfin.Quote{}, err
	}
	rate := f.Pricing.Annual()
	due, days, err := loanDue(p, valueDate)
	if err != nil {
		return linkfin.Quote{}, err
	}
	interest, eff, err := arrears(po.Total, rate, days, p.DayCount)
	if err != nil {
		return linkfin.Quote{}, err
	}
	reasons := []string{
		"the program's anchor (" + p.AnchorID + ") accepted the distributor's order",
		"the loan pays the anchor the order's total now; the distributor repays it with interest in " + strconv.Itoa(days) + " days, on " + due.String(),
	}
	if p.BuyBack {
		reasons = append(reasons, "the anchor buys the loan back if the distributor does not repay")
	}
	return linkfin.Quote{Face: po.Total, Rate: rate, Days: days, DayCount: p.DayCount, Discount: interest, Price: po.Total,
		EffectiveRate: eff, ValueDate: valueDate, Reasons: reasons}, nil
}

// AcceptDistributorFinancing is the distributor accepting: the limits are drawn and the
// funder pays the anchor for the order.
type AcceptDistributorFinancing struct {
	Actor string
	ID    string
	POID  string
}

// Keys implements linkfin.Command.
func (c *AcceptDistributorFinancing) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindFinancing, ID: c.ID}, {Kind: linkfin.KindPurchaseOrder, ID: c.POID}, organizationKey(c.Actor)}
}

// DependentKeys implements linkfin.DependentCommand: what checks that the quote's
// credit decision still stands (grantKeys), and the organization of the order's
// seller, the anchor, whom the loan pays.
func (c *AcceptDistributorFinancing) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	return append(grantKeys(r, c.ID), orderSellerKeys(r, c.POID)...)
}

// LedgerKeys implements linkfin.LedgerCommand: the limits it holds. (The anchor's
// wallet is the payee's, among the financing's accounts.)
func (c *AcceptDistributorFinancing) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	return financingAccounts(r, c.ID)
}

// Apply implements linkfin.Command.
func (c *AcceptDistributorFinancing) Apply(tx linkfin.Tx) (any, error) {
	return acceptOrder(tx, c.ID, c.Actor, linkfin.ProductDistributorFinancing, c.POID)
}

// CloseDistributorLoan repays a distributor loan: by the distributor, from its
// wallet, whenever it can; after the due date, if the distributor cannot, by the
// anchor under its buy-back guarantee where the program has one, else the loan
// defaults. The limits are released when the funder is repaid.
//
// A loan paid into a purpose-bound wallet first takes back what the distributor has
// not spent of it (nor locked in a conditional payment to the anchor): that much of
// the loan goes back to the funder, in every case, and the rest is what the
// distributor, or the anchor, repays.
type CloseDistributorLoan struct {
	ID string
}

// Keys implements linkfin.Command.
func (c *CloseDistributorLoan) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindFinancing, ID: c.ID}}
}

// DependentKeys implements linkfin.DependentCommand: the program, for its buy-back,
// and the purpose-bound wallet the loan was paid into.
func (c *CloseDistributorLoan) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var f linkfin.Financing
	if found, err := r.Get(linkfin.KindFinancing, c.ID, &f); err != nil || !found {
		return nil
	}
	keys := []linkfin.ObjectKey{{Kind: linkfin.KindProgram, ID: f.ProgramID}}
	if f.BoundWalletID != "" {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindBoundWallet, ID: f.BoundWalletID})
	}
	return keys
}

// LedgerKeys implements linkfin.LedgerCommand: the financing's accounts (the anchor,
// which buys back, is the payee), and the purpose-bound wallet the loan was paid into.
func (c *CloseDistributorLoan) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	accounts, transfers = financingAccounts(r, c.ID)
	var f linkfin.Financing
	if found, _ := r.Get(linkfin.KindFinancing, c.ID, &f); found && f.BoundWalletID != "" {
		accounts = append(accounts, boundAccount(f.BoundWalletID))
	}
	return accounts, transfers
}

// Apply implements linkfin.Command.
func (c *CloseDistributorLoan) Apply(tx linkfin.Tx) (any, error) {
	var f linkfin.Financing
	if found, err := tx.Get(linkfin.KindFinancing, c.ID, &f); err != nil {
		return nil, err
	} else if !found || f.Product != linkfin.ProductDistributorFinancing {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "financing %s not found", c.ID)
	}
	if f.Status != linkfin.FinancingDisbursed {
		return &f, nil // closed already
	}
	var p linkfin.Program
	if _, err := tx.Get(linkfin.KindProgram, f.ProgramID, &p); err != nil {
		return nil, err
	}
	owed, err := f.Owed()
	if err != nil {
		return nil, err
	}
	funder := linkfin.WalletID(f.FunderID, f.Currency)
	distributor, anchor := linkfin.WalletID(f.RequesterID, f.Currency), linkfin.WalletID(p.AnchorID, p.Currency)
	byDistributor, err := available(tx, distributor)
	if err != nil {
		return nil, err
	}
	byAnchor, err := available(tx, anchor)
	if err != nil {
		return nil, err
	}
	release := releaseLimits(&f)
	overdue := linkfin.BusinessDate(tx.Now()).After(f.DueDate)
	var legs []leg
	if f.BoundWalletID != "" {
		// The loan not spent: the funder's money still, taken back first.
		bound := boundAccount(f.BoundWalletID)
		unspent, err := available(tx, bound)
		if err != nil {
			return nil, err
		}
		if unspent = min(unspent, owed); unspent > 0 {
			legs = append(legs, leg{"unspent", bound, funder, unspent, codeBound})
			owed -= unspent
			if err := update(tx, linkfin.KindBoundWallet, f.BoundWalletID, "purpose_bound_wallet.returned", func(w *linkfin.BoundWallet) {
				w.Returned += unspent
			}); err != nil {
				return nil, err
			}
		}
	}
	switch {
	case byDistributor >= owed:
		legs, f.Status = append(append(legs, release...), leg{"repayment", distributor, funder, owed, codeWallet}), linkfin.FinancingSettled
	case !overdue:
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "the distributor cannot repay %s yet; the loan is due on %s", linkfin.Money{Amount: owed, Currency: f.Currency}, f.DueDate)
	case p.BuyBack && byAnchor >= owed:
		legs, f.Status = append(append(legs, release...), leg{"buy-back", anchor, funder, owed, codeWallet}), linkfin.FinancingBoughtBack
	default:
		f.Status = linkfin.FinancingDefaulted
	}
	ts, err := financingLegs(tx, &f, legs)
	if err != nil {
		return nil, err
	}
	if err := transferFrom(tx, []string{f.RequesterID, f.PayeeID, f.FunderID}, ts...); err != nil {
		return nil, err
	}
	return &f, tx.Put(linkfin.KindFinancing, f.ID, &f, "financing."+string(f.Status))
}
