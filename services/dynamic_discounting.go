package services

import (
	"context"

	"linkfin"
	"linkfin/ledger"
)

// dynamicDiscounting is the anchor paying its own payable early from its own cash, for
// a discount that slides with the days paid early. There is no funder but the anchor:
// acceptance pays the seller at once and settles the financing.
type dynamicDiscounting struct{}

func init() { Register(dynamicDiscounting{}) }

func (dynamicDiscounting) Name() linkfin.Product { return linkfin.ProductDynamicDiscounting }
func (dynamicDiscounting) AssetKind() string     { return linkfin.KindPayable }
func (dynamicDiscounting) Downstream() bool      { return false }

// Legs is empty: the one payment, at acceptance, draws no limit.
func (dynamicDiscounting) Legs() []string { return nil }

// Request is the seller asking to be paid early, or the anchor that owes the payable
// offering to pay it early (OfferDynamicDiscounting): the same quote, for the seller to
// accept. Which it is the payable's buyer says; the command checks the rest.
func (dynamicDiscounting) Request(ctx context.Context, s linkfin.Store, actor string, in *linkfin.FinancingIn) (linkfin.Command, error) {
	if in.FunderID != "" {
		return nil, linkfin.Errorf(linkfin.EINVALID, "the anchor pays early from its own cash: dynamic discounting takes no funder_id")
	}
	var pay linkfin.Payable
	if found, err := readObject(ctx, s, linkfin.KindPayable, in.AssetID, &pay); err != nil {
		return nil, err
	} else if found && actor != "" && pay.BuyerID == actor {
		return &OfferDynamicDiscounting{Actor: actor, PayableID: in.AssetID, ProgramID: in.ProgramID, Rail: in.Rail}, nil
	}
	return &RequestDynamicDiscounting{Actor: actor, PayableID: in.AssetID, ProgramID: in.ProgramID, Rail: in.Rail}, nil
}

// Offer quotes the program's anchor, who pays early, for a payable org sells, open.
func (dynamicDiscounting) Offer(org string, asset any, programs map[string]*linkfin.Program, valueDate linkfin.Date) (linkfin.AssetOffers, bool) {
	anchor := func(p *linkfin.Program) []string { return []string{p.AnchorID} }
	return payableOffers(dynamicDiscounting{}, org, asset, programs, anchor, func(p *linkfin.Program, _ string, pay *linkfin.Payable) (linkfin.Quote, error) {
		return priceDynamicDiscounting(p, pay, valueDate)
	})
}

// Quote asks the anchor: the funder is always the program's anchor, whom the quote names.
func (dynamicDiscounting) Quote(actor, programID, payableID, _ string, rail linkfin.PaymentRail) linkfin.Command {
	return &RequestDynamicDiscounting{Actor: actor, PayableID: payableID, ProgramID: programID, Rail: rail}
}

func (dynamicDiscounting) Accept(actor string, f *linkfin.Financing) linkfin.Command {
	return &AcceptDynamicDiscounting{Actor: actor, ID: f.ID, PayableID: f.AssetID}
}

func (dynamicDiscounting) Repay(_ string, f *linkfin.Financing) (linkfin.Command, error) {
	return nil, notRepayable(f)
}

func (dynamicDiscounting) Close(f *linkfin.Financing) (linkfin.Command, error) {
	return nil, notClosable(f)
}

func (dynamicDiscounting) CloseDate(context.Context, linkfin.RecordReader, *linkfin.Financing) (linkfin.Date, bool, error) {
	return linkfin.Date{}, false, nil
}

func (dynamicDiscounting) AssetKeys(f *linkfin.Financing) []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindPayable, ID: f.AssetID}}
}

// Disbursed does nothing: acceptance paid the seller and settled the financing.
func (dynamicDiscounting) Disbursed(linkfin.Tx, *linkfin.Financing) error { return nil }

func (dynamicDiscounting) Release(tx linkfin.Tx, f *linkfin.Financing) error {
	return releasePayable(tx, f)
}

// RequestDynamicDiscounting is a seller asking the anchor to pay an open payable early from
// the anchor's own cash (dynamic discounting). The quote's discount slides with the
// days paid early: face × APR × days early / basis, at the APR the anchor set in its
// program.
type RequestDynamicDiscounting struct {
	Actor     string
	ID        string
	PayableID string
	ProgramID string
	Rail      linkfin.PaymentRail // ecny: paid between the parties' designated e-CNY wallets
}

// Keys implements linkfin.Command.
func (c *RequestDynamicDiscounting) Keys() []linkfin.ObjectKey {
	return append(requestKeys(c.ID, linkfin.KindPayable, c.PayableID, c.ProgramID), organizationKey(c.Actor))
}

// DependentKeys implements linkfin.DependentCommand: the payable's order and the
// advance it backs (heldByOrder), and the organization of the program's anchor, who
// would pay; on the e-CNY rail, the anchor and the seller, and the wallets they
// designated, whose limits the quote must fit (ecnyPayable).
func (c *RequestDynamicDiscounting) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	keys := append(orderFinancingKeys(r, c.PayableID), anchorKeys(r, c.ProgramID)...)
	if c.Rail != linkfin.RailECNY {
		return keys
	}
	return append(keys, designatedKeys(r, anchorOf(r, c.ProgramID, c.Actor)...)...)
}

// anchorKeys is the key of the organization of program id's anchor, if the program
// was loaded.
func anchorKeys(r linkfin.Records, id string) []linkfin.ObjectKey {
	var p linkfin.Program
	if found, err := r.Get(linkfin.KindProgram, id, &p); err != nil || !found {
		return nil
	}
	return []linkfin.ObjectKey{organizationKey(p.AnchorID)}
}

// LedgerKeys implements linkfin.LedgerCommand: on the e-CNY rail, the ledger accounts
// of the wallets the anchor and the seller designated.
func (c *RequestDynamicDiscounting) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	if c.Rail != linkfin.RailECNY {
		return nil, nil
	}
	return designatedAccounts(r, anchorOf(r, c.ProgramID, c.Actor)...), nil
}

// Apply implements linkfin.Command.
func (c *RequestDynamicDiscounting) Apply(tx linkfin.Tx) (any, error) {
	id, pay, p, err := payableRequest(tx, c.ID, c.PayableID, c.ProgramID, c.Actor)
	if err != nil {
		return nil, err
	}
	if pay.SellerID != c.Actor {
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the seller asks to be paid early")
	}
	// The anchor would pay the seller early: both trade still, as for its offer.
	if err := tradeBetween(tx, p.AnchorID, c.Actor); err != nil {
		return nil, err
	}
	if err := notOpen(pay); err != nil {
		return nil, err
	}
	q, err := priceDynamicDiscounting(p, pay, linkfin.BusinessDate(tx.Now()))
	if err != nil {
		return nil, err
	}
	if err := linkfin.CheckRail(c.Rail, pay.Currency); err != nil {
		return nil, err
	}
	f := newQuote(tx, id, dynamicDiscounting{}, p, c.Actor, p.AnchorID, pay.ID, q)
	f.Currency, f.Rail = pay.Currency, c.Rail
	if err := ecnyPayable(tx, f, true); err != nil {
		return nil, seenBy(err, c.Actor, f)
	}
	return f, tx.Put(linkfin.KindFinancing, f.ID, f, "financing.quoted")
}

// OfferDynamicDiscounting is the anchor offering to pay one of its open payables early
// from its own cash: the quote the seller would get by asking (RequestDynamicDiscounting),
// at the program's early-payment APR, made by the anchor for the seller to accept
// (AcceptDynamicDiscounting). Its price is for paying on the day it is made, so it
// stands until that day ends (UTC).
type OfferDynamicDiscounting struct {
	Actor     string
	ID        string
	PayableID string
	ProgramID string
	Rail      linkfin.PaymentRail // ecny: paid between the parties' designated e-CNY wallets
}

// Keys implements linkfin.Command: the request's, and the anchor's organization.
func (c *OfferDynamicDiscounting) Keys() []linkfin.ObjectKey {
	return append(requestKeys(c.ID, linkfin.KindPayable, c.PayableID, c.ProgramID), organizationKey(c.Actor))
}

// DependentKeys implements linkfin.DependentCommand: the payable's order and the
// advance it backs (heldByOrder), and its seller, who would accept the offer.
func (c *OfferDynamicDiscounting) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	keys := orderFinancingKeys(r, c.PayableID)
	var pay linkfin.Payable
	if found, _ := r.Get(linkfin.KindPayable, c.PayableID, &pay); found {
		keys = append(keys, organizationKey(pay.SellerID))
	}
	if c.Rail == linkfin.RailECNY {
		keys = append(keys, designatedKeys(r, c.Actor)...)
	}
	return keys
}

// LedgerKeys implements linkfin.LedgerCommand: on the e-CNY rail, the ledger accounts
// of the wallet the anchor designated, whose limits the offer must fit (ecnyPayable).
func (c *OfferDynamicDiscounting) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	if c.Rail != linkfin.RailECNY {
		return nil, nil
	}
	return designatedAccounts(r, c.Actor), nil
}

// Apply implements linkfin.Command.
func (c *OfferDynamicDiscounting) Apply(tx linkfin.Tx) (any, error) {
	id, pay, p, err := payableRequest(tx, c.ID, c.PayableID, c.ProgramID, c.Actor)
	if err != nil {
		return nil, err
	}
	if pay.BuyerID != c.Actor || p.AnchorID != c.Actor {
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the program's anchor, who owes the payable, offers to pay it early")
	}
	if err := notOpen(pay); err != nil {
		return nil, err
	}
	// Paying its payable early is the anchor trading with its seller: an anchor that
	// does not trade offers nothing, as it places no order; and the seller accepts the
	// offer: one that does not trade could not.
	if err := tradeBetween(tx, c.Actor, pay.SellerID); err != nil {
		return nil, err
	}
	q, err := priceDynamicDiscounting(p, pay, linkfin.BusinessDate(tx.Now()))
	if err != nil {
		return nil, err
	}
	if err := linkfin.CheckRail(c.Rail, pay.Currency); err != nil {
		return nil, err
	}
	f := newQuote(tx, id, dynamicDiscounting{}, p, pay.SellerID, p.AnchorID, pay.ID, q)
	// The end of the value date, the business day in China Standard Time, as an instant in UTC.
	f.Quote.ExpiresAt = q.ValueDate.AddDays(1).Time(linkfin.ChinaTime).UTC()
	f.Currency, f.Rail = pay.Currency, c.Rail
	if err := ecnyPayable(tx, f, false); err != nil {
		return nil, err
	}
	return f, tx.Put(linkfin.KindFinancing, f.ID, f, "financing.quoted")
}

// ecnyPayable refuses a quote of an early payment on the e-CNY rail that its
// acceptance would refuse now for the limits of the wallets the anchor and the seller
// designated (payLimits, the acceptance's own check): past the anchor's
// single-payment limit or what it may still pay today or this year, and, asked by the
// seller (seller), past the seller's balance limit. It is refused then with the
// acceptance's code and words, as the actor sees them (seenBy: the seller is not told
// the anchor's wallet or its limits), and keeps no quote. An anchor's offer does not
// read the seller's wallet, which the anchor does not see. What the anchor's wallet
// holds is not checked, as on the platform wallets: the anchor may fund it after the
// quote.
// A side that has designated no wallet yet is left to the acceptance, which refuses it
// then (ecny_wallet_not_designated). The acceptance checks again: the limits are
// drawn by other payments, and given back each new day or year, between the two.
func ecnyPayable(tx linkfin.Tx, f *linkfin.Financing, seller bool) error {
	if f.Rail != linkfin.RailECNY {
		return nil
	}
	from, err := designated(tx, f.FunderID)
	if linkfin.ErrorCode(err) == linkfin.ENOECNYWALLET {
		return nil
	} else if err != nil {
		return err
	}
	var to *linkfin.ECNYWallet
	if seller {
		if to, err = designated(tx, f.RequesterID); linkfin.ErrorCode(err) == linkfin.ENOECNYWALLET {
			to = nil
		} else if err != nil {
			return err
		}
	}
	return payLimits(tx, from, to, f.Quote.Price, "")
}

// seenBy is a refusal (err) of the early payment f for the limits or funds of an
// e-CNY wallet, as actor sees it: whole to the side that holds the wallet (the
// anchor's, which pays, or the seller's balance limit), and to the other side in
// words that name neither the wallet nor its limits or headroom, with the same code.
// Neither side learns the other's wallet. Any other error is returned as it is.
func seenBy(err error, actor string, f *linkfin.Financing) error {
	code := linkfin.ErrorCode(err)
	holder, words := f.FunderID, "the anchor's e-CNY wallet cannot pay this amount now"
	switch code {
	case linkfin.EWALLETBALANCE:
		holder, words = f.RequesterID, "the seller's e-CNY wallet cannot be paid this amount now"
	case linkfin.EWALLETPAYMENT, linkfin.EWALLETDAILY, linkfin.EWALLETYEARLY, linkfin.EWALLETFUNDS:
	default:
		return err
	}
	if actor == holder {
		return err
	}
	return linkfin.Errorf(code, "%s", words)
}

// anchorOf is the anchor of the program id, with org: both, or org alone when the
// program is not found.
func anchorOf(r linkfin.Records, id, org string) []string {
	var p linkfin.Program
	if found, _ := r.Get(linkfin.KindProgram, id, &p); found && p.AnchorID != "" {
		return []string{p.AnchorID, org}
	}
	return []string{org}
}

// DynamicDiscountingQuote is what the anchor of program p would pay today (valueDate)
// for its payable, paid early: the quote OfferDynamicDiscounting makes. It refuses
// what the offer would.
func DynamicDiscountingQuote(p *linkfin.Program, pay *linkfin.Payable, valueDate linkfin.Date) (linkfin.Quote, error) {
	return priceDynamicDiscounting(p, pay, valueDate)
}

// priceDynamicDiscounting prices the anchor of program p paying its payable early, on
// the value date: the discount is face × APR × days early / basis, at the program's
// early-payment APR. The days early run to the day the payable would be paid: its due
// date or, when that is no business day of the program's calendar, the next business
// day, as a certificate of it would mature and a funder that factored it collects it
// (priceFactoring). It refuses what a request would: a program that does not offer
// dynamic discounting, a payable due on the value date or before.
func priceDynamicDiscounting(p *linkfin.Program, pay *linkfin.Payable, valueDate linkfin.Date) (linkfin.Quote, error) {
	if !p.Offers(linkfin.ProductDynamicDiscounting) {
		return linkfin.Quote{}, linkfin.Errorf(linkfin.EINVALID, "program %s does not offer dynamic discounting", p.ID)
	}
	if !valueDate.Before(pay.DueDate) {
		return linkfin.Quote{}, linkfin.Errorf(linkfin.EINVALID, "payable %s is due on %s: nothing to pay early", pay.ID, pay.DueDate)
	}
	due, err := businessDay(p, pay.DueDate)
	if err != nil {
		return linkfin.Quote{}, err
	}
	days := linkfin.DaysBetween(valueDate, due)
	discount, err := linkfin.Discount(pay.Amount, *p.EarlyPaymentAPR, days, p.DayCount)
	if err != nil {
		return linkfin.Quote{}, err
	}
	price, err := linkfin.Sub(pay.Amount, discount)
	if err != nil {
		return linkfin.Quote{}, err
	}
	eff, err := linkfin.EffectiveAnnualRate(price, pay.Amount, days, p.DayCount)
	if err != nil {
		return linkfin.Quote{}, err
	}
	q := linkfin.Quote{Face: pay.Amount, Rate: *p.EarlyPaymentAPR, Days: days, DayCount: p.DayCount, Discount: discount, Price: price,
		EffectiveRate: eff, ValueDate: valueDate, Reasons: []string{
			"the buyer " + pay.BuyerID + " approved the payable; it pays early from its own cash",
			"the discount is the program's early-payment APR " + p.EarlyPaymentAPR.String() + " over the days paid early",
		}}
	if due != pay.DueDate {
		q.Reasons = append(q.Reasons, "the payable is due on "+pay.DueDate.String()+", no business day: it would be paid on "+due.String()+
			", to which the days paid early run")
	}
	return q, nil
}

// AcceptDynamicDiscounting is the seller accepting the anchor's early-payment quote: the
// anchor pays the price from its wallet (the ledger refuses it if the wallet is short)
// and the payable is paid; the anchor keeps the discount. On the e-CNY rail the anchor
// pays from its designated e-CNY wallet into the seller's, within both wallets'
// limits: refused with ecny_wallet_not_designated when either designated none, or
// with the code of the limit a payment would pass, and nothing changes.
type AcceptDynamicDiscounting struct {
	Actor     string
	ID        string
	PayableID string
}

// Keys implements linkfin.Command.
func (c *AcceptDynamicDiscounting) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{
		{Kind: linkfin.KindFinancing, ID: c.ID},
		{Kind: linkfin.KindPayable, ID: c.PayableID},
		organizationKey(c.Actor),
	}
}

// LedgerKeys implements linkfin.LedgerCommand.
func (c *AcceptDynamicDiscounting) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	var f linkfin.Financing
	if found, err := r.Get(linkfin.KindFinancing, c.ID, &f); err != nil || !found {
		return nil, nil
	}
	accounts = []int64{linkfin.WalletID(f.FunderID, f.Currency), linkfin.WalletID(f.RequesterID, f.Currency)}
	if f.Rail == linkfin.RailECNY {
		accounts = append(accounts, designatedAccounts(r, f.FunderID, f.RequesterID)...)
	}
	return accounts, nil
}

// DependentKeys implements linkfin.DependentCommand: the seller's scorecards, which
// count the early payment, and the anchor's organization, which pays it; on the
// e-CNY rail, the anchor and the seller, and the wallets they designated.
func (c *AcceptDynamicDiscounting) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	keys := paymentKeys(r, c.PayableID)
	var f linkfin.Financing
	if found, err := r.Get(linkfin.KindFinancing, c.ID, &f); err != nil || !found {
		return keys
	}
	if f.Rail != linkfin.RailECNY {
		return append(keys, organizationKey(f.FunderID))
	}
	return append(keys, designatedKeys(r, f.FunderID, f.RequesterID)...)
}

// Apply implements linkfin.Command.
func (c *AcceptDynamicDiscounting) Apply(tx linkfin.Tx) (any, error) {
	f, already, err := quoted(tx, c.ID, c.Actor, linkfin.ProductDynamicDiscounting, c.PayableID, linkfin.FinancingSettled)
	if err != nil || already {
		return f, err
	}
	// The anchor pays the seller now: both trade still, as when it was quoted.
	if err := tradeBetween(tx, f.FunderID, c.Actor); err != nil {
		return nil, err
	}
	var pay linkfin.Payable
	if _, err := tx.Get(linkfin.KindPayable, f.AssetID, &pay); err != nil {
		return nil, err
	}
	if err := asQuoted(&pay, f); err != nil {
		return nil, err
	}
	if err := payEarly(tx, f); err != nil {
		return nil, seenBy(err, c.Actor, f)
	}
	pay.Status = linkfin.PayablePaid
	markPaid(&pay, tx.Now())
	if err := tallyPayment(tx, &pay); err != nil {
		return nil, err
	}
	if err := tx.Put(linkfin.KindPayable, pay.ID, &pay, "payable.paid"); err != nil {
		return nil, err
	}
	now := tx.Now()
	f.Status, f.DisbursedAt = linkfin.FinancingSettled, &now
	return f, tx.Put(linkfin.KindFinancing, f.ID, f, "financing.settled")
}

// payEarly pays the seller the price of the anchor's early payment: between their
// platform wallets, or on the e-CNY rail between their designated wallets.
func payEarly(tx linkfin.Tx, f *linkfin.Financing) error {
	if f.Rail == linkfin.RailECNY {
		from, err := designated(tx, f.FunderID)
		if err != nil {
			return err
		}
		to, err := designated(tx, f.RequesterID)
		if err != nil {
			return err
		}
		paid, err := payECNY(tx, from, to, f.Quote.Price, linkfin.ECNYPayment{For: linkfin.ECNYForEarly, FinancingID: f.ID})
		if err != nil {
			return err
		}
		f.ECNYTransferID = paid.TransferID
		return nil
	}
	l, err := ledgerOf(f.Currency)
	if err != nil {
		return err
	}
	anchor, _ := account(linkfin.WalletID(f.FunderID, f.Currency), f.Currency, codeWallet, ledger.DebitsMustNotExceedCredits)
	seller, _ := account(linkfin.WalletID(f.RequesterID, f.Currency), f.Currency, codeWallet, ledger.DebitsMustNotExceedCredits)
	if err := tx.CreateAccounts(anchor, seller); err != nil {
		return err
	}
	return transferFrom(tx, []string{f.FunderID}, ledger.Transfer{ID: linkfin.LedgerID("early-payment/" + f.ID), DebitAccountID: anchor.ID,
		CreditAccountID: seller.ID, Amount: f.Quote.Price, Ledger: l, Currency: string(f.Currency), Code: codeWallet})
}
