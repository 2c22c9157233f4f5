package services

import (
	"context"
	"slices"
	"strings"

	"linkfin"
	"linkfin/ledger"
)

// factoring is a seller selling an approved payable to a funder with recourse: an
// advance now, the reserve less interest when the buyer pays at maturity
// (CollectFactored).
type factoring struct{}

func init() { Register(factoring{}) }

func (factoring) Name() linkfin.Product { return linkfin.ProductFactoring }
func (factoring) AssetKind() string     { return linkfin.KindPayable }
func (factoring) Downstream() bool      { return false }
func (factoring) Legs() []string        { return collectionLegs }

// collectionLegs are the legs of a financing collected from a payable at its
// maturity (CollectFactored).
var collectionLegs = []string{"disbursement", "collection", "reserve", "shortfall", "recourse"}

func (factoring) Request(_ context.Context, _ linkfin.Store, actor string, in *linkfin.FinancingIn) (linkfin.Command, error) {
	return &RequestFactoring{Actor: actor, PayableID: in.AssetID, ProgramID: in.ProgramID, FunderID: in.FunderID}, nil
}

// Offer quotes every live funder of the program for a payable org sells, open.
func (factoring) Offer(org string, asset any, programs map[string]*linkfin.Program, valueDate linkfin.Date) (linkfin.AssetOffers, bool) {
	return payableOffers(factoring{}, org, asset, programs, liveFunders, func(p *linkfin.Program, funder string, pay *linkfin.Payable) (linkfin.Quote, error) {
		return priceFactoring(p, funder, pay, valueDate)
	})
}

func (factoring) Quote(actor, programID, payableID, funderID string, _ linkfin.PaymentRail) linkfin.Command {
	return &RequestFactoring{Actor: actor, PayableID: payableID, ProgramID: programID, FunderID: funderID}
}

func (factoring) Accept(actor string, f *linkfin.Financing) linkfin.Command {
	return &AcceptFactoring{Actor: actor, ID: f.ID, PayableID: f.AssetID}
}

func (factoring) Repay(_ string, f *linkfin.Financing) (linkfin.Command, error) {
	return nil, notRepayable(f)
}
func (factoring) Close(f *linkfin.Financing) (linkfin.Command, error) {
	return &CollectFactored{ID: f.ID}, nil
}

func (factoring) CloseDate(ctx context.Context, s linkfin.RecordReader, f *linkfin.Financing) (linkfin.Date, bool, error) {
	return payableDue(ctx, s, f)
}

func (factoring) AssetKeys(f *linkfin.Financing) []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindPayable, ID: f.AssetID}}
}

// Disbursed does nothing: the payable was factored at acceptance.
func (factoring) Disbursed(linkfin.Tx, *linkfin.Financing) error { return nil }

func (factoring) Release(tx linkfin.Tx, f *linkfin.Financing) error { return releasePayable(tx, f) }

// payableDue is the day the payable a financing is collected from falls due, once there
// is one (an order becomes a payable when its invoice is approved): its due date, or
// the next business day of the program's calendar (collectedOn).
func payableDue(ctx context.Context, s linkfin.RecordReader, f *linkfin.Financing) (linkfin.Date, bool, error) {
	if f.PayableID == "" {
		return linkfin.Date{}, false, nil
	}
	var p linkfin.Payable
	if err := read(ctx, s, linkfin.KindPayable, f.PayableID, &p); err != nil {
		return linkfin.Date{}, false, err
	}
	var prog linkfin.Program
	if err := read(ctx, s, linkfin.KindProgram, f.ProgramID, &prog); err != nil {
		return linkfin.Date{}, false, err
	}
	due, err := businessDay(&prog, p.DueDate)
	return due, err == nil, err
}

// releasePayable frees a payable that backs a financing which will not be disbursed.
func releasePayable(tx linkfin.Tx, f *linkfin.Financing) error {
	return update(tx, linkfin.KindPayable, f.AssetID, "payable.unlocked", func(pay *linkfin.Payable) {
		pay.Status, pay.FinancingID = linkfin.PayableOpen, ""
	})
}

// RequestFactoring is a seller offering an approved, not certified payable to a funder
// with recourse. The funder advances the program's advance rate of it now; at
// collection it keeps the advance and its interest (advance × rate × days / basis, in
// arrears) and pays the seller the rest: the reserve.
type RequestFactoring struct {
	Actor     string
	ID        string
	PayableID string
	ProgramID string
	FunderID  string
}

// Keys implements linkfin.Command.
func (c *RequestFactoring) Keys() []linkfin.ObjectKey {
	return append(requestKeys(c.ID, linkfin.KindPayable, c.PayableID, c.ProgramID), append(decisionKeys(c.Actor, c.FunderID), organizationKey(c.Actor))...)
}

// DependentKeys implements linkfin.DependentCommand: the payable's order and the
// advance it backs (heldByOrder).
func (c *RequestFactoring) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	return orderFinancingKeys(r, c.PayableID)
}

// LedgerKeys implements linkfin.LedgerCommand: the limits its acceptance would hold,
// which the quote must fit (drawable).
func (c *RequestFactoring) LedgerKeys(linkfin.Records) (accounts, transfers []int64) {
	return limitKeys(c.ProgramID, c.FunderID, c.Actor), nil
}

// Apply implements linkfin.Command.
func (c *RequestFactoring) Apply(tx linkfin.Tx) (any, error) {
	id, pay, p, err := payableRequest(tx, c.ID, c.PayableID, c.ProgramID, c.Actor)
	if err != nil {
		return nil, err
	}
	if pay.SellerID != c.Actor {
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the seller factors what it is owed")
	}
	if err := trades(tx, c.Actor, true); err != nil {
		return nil, err
	}
	if err := notOpen(pay); err != nil {
		return nil, err
	}
	p, d, err := decide(tx, p, graded{linkfin.ProductFactoring, c.Actor, c.FunderID, linkfin.KindPayable, pay.ID})
	if err != nil {
		return nil, err
	}
	q, err := priceFactoring(p, c.FunderID, pay, linkfin.BusinessDate(tx.Now()))
	if err != nil {
		return nil, err
	}
	fin := newQuote(tx, id, factoring{}, p, c.Actor, c.FunderID, pay.ID, q)
	fin.Decision = d
	fin.PayableID, fin.Tier, fin.Currency, fin.SupplierLimit, fin.PayeeID, fin.Interest = pay.ID, 1, pay.Currency, p.SupplierLimit, c.Actor, q.Discount
	if err := drawable(tx, fin); err != nil {
		return nil, err
	}
	return fin, tx.Put(linkfin.KindFinancing, fin.ID, fin, "financing.quoted")
}

// priceFactoring prices the sale of a payable to a funder of its program p, the
// advance arriving on the value date: the price is the program's advance rate of the
// payable, and the discount the interest on it to the due date, in arrears, at the
// funder's rate. It refuses what a request would: a program that does not offer
// factoring, a funder not live in it, a payable due outside the program's tenor.
func priceFactoring(p *linkfin.Program, funderID string, pay *linkfin.Payable, valueDate linkfin.Date) (linkfin.Quote, error) {
	f, err := offered(p, linkfin.ProductFactoring, "factoring", funderID)
	if err != nil {
		return linkfin.Quote{}, err
	}
	// The buyer pays on the payable's due date, or the next business day (as a
	// certificate of it would mature): the advance runs to that day.
	due, err := businessDay(p, pay.DueDate)
	if err != nil {
		return linkfin.Quote{}, err
	}
	days := linkfin.DaysBetween(valueDate, due)
	if days < 1 || days > p.MaxTenorDays {
		return linkfin.Quote{}, linkfin.Errorf(linkfin.EINVALID, "the payable is due in %d days; the program finances 1 to %d", days, p.MaxTenorDays)
	}
	advance, err := p.AdvanceRate.Of(pay.Amount)
	if err != nil {
		return linkfin.Quote{}, err
	}
	rate := f.Pricing.Annual()
	interest, eff, err := arrears(advance, rate, days, p.DayCount)
	if err != nil {
		return linkfin.Quote{}, err
	}
	return linkfin.Quote{Face: pay.Amount, Rate: rate, Days: days, DayCount: p.DayCount, Discount: interest, Price: advance,
		EffectiveRate: eff, ValueDate: valueDate, Reasons: []string{
			"the buyer " + pay.BuyerID + " approved the invoice after a three-way match",
			"advance " + p.AdvanceRate.String() + " of the payable now; the reserve, less interest, at collection",
			"with recourse: if the buyer does not pay, the seller repays the advance and the interest",
		}}, nil
}

// AcceptFactoring is the seller accepting a factoring quote: the limits are drawn, the
// funder pays the advance, and the payable is factored: from now the buyer pays the
// funder.
type AcceptFactoring struct {
	Actor     string
	ID        string
	PayableID string
}

// Keys implements linkfin.Command.
func (c *AcceptFactoring) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindFinancing, ID: c.ID}, {Kind: linkfin.KindPayable, ID: c.PayableID}, organizationKey(c.Actor)}
}

// DependentKeys implements linkfin.DependentCommand: what checks that the quote's
// credit decision still stands (grantKeys).
func (c *AcceptFactoring) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	return grantKeys(r, c.ID)
}

// LedgerKeys implements linkfin.LedgerCommand.
func (c *AcceptFactoring) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	return financingAccounts(r, c.ID)
}

// LegID is the ledger id of a financing's leg (a name of legNames, such as
// "disbursement"), where an auditor finds its transfer: a leg is never applied twice. A
// financing accepted with a range of reserved ledger ids (LedgerBase) takes the id of
// the leg's slot in it; one accepted before ranges were reserved, or a leg without a
// slot, takes a hash of the financing's id and the leg's name.
func LegID(f *linkfin.Financing, name string) int64 {
	if slot, ok := legSlots[name]; ok && f.LedgerBase != 0 {
		return int64(f.LedgerBase) + slot
	}
	return linkfin.LedgerID("financing/" + f.ID + "/" + name)
}

// legNames are the legs a financing can move, in the order of their slots in its
// range of ledger ids: the holds on its limits, their posting or voiding and their
// release, then the payments of the products.
var legNames = []string{
	"program-limit", "funder-limit", "supplier-limit",
	"program-limit-post", "funder-limit-post", "supplier-limit-post",
	"program-limit-void", "funder-limit-void", "supplier-limit-void",
	"program-limit-release", "funder-limit-release", "supplier-limit-release",
	"disbursement", "repayment", "buy-back", "collection", "reserve", "shortfall", "recourse",
	"unspent",
}

// limitLeg reports a leg on a financing's limits (a hold, its posting, voiding or
// release), which every product draws.
func limitLeg(name string) bool { return strings.Contains(name, "-limit") }

// legRange is how many ledger ids a financing reserves at acceptance: room for every
// leg name and some to spare.
const legRange = 32

var legSlots = func() map[string]int64 {
	m := make(map[string]int64, len(legNames))
	for i, name := range legNames {
		m[name] = int64(i)
	}
	return m
}()

// reserveLegs gives a financing being accepted its range of ledger ids.
func reserveLegs(tx linkfin.Tx, f *linkfin.Financing) {
	if f.LedgerBase == 0 {
		f.LedgerBase = linkfin.StringInt(tx.ReserveLedgerIDs(legRange))
	}
}

// financingAccounts lists the wallets and limits a financing touches.
func financingAccounts(r linkfin.Records, id string) (accounts, transfers []int64) {
	var f linkfin.Financing
	if found, err := r.Get(linkfin.KindFinancing, id, &f); err != nil || !found {
		return nil, nil
	}
	return []int64{linkfin.WalletID(f.FunderID, f.Currency), linkfin.WalletID(f.RequesterID, f.Currency), linkfin.WalletID(f.PayeeID, f.Currency),
		LimitID(f.ProgramID, ""), LimitID(f.ProgramID, f.FunderID), limitSourceID(f.ProgramID), supplierLimitID(f.ProgramID, f.RequesterID)}, nil
}

// Apply implements linkfin.Command.
func (c *AcceptFactoring) Apply(tx linkfin.Tx) (any, error) {
	f, already, err := quoted(tx, c.ID, c.Actor, linkfin.ProductFactoring, c.PayableID, linkfin.FinancingAccepted)
	if err != nil || already {
		return f, err
	}
	if err := trades(tx, c.Actor, true); err != nil {
		return nil, err
	}
	var pay linkfin.Payable
	if _, err := tx.Get(linkfin.KindPayable, f.AssetID, &pay); err != nil {
		return nil, err
	}
	if err := asQuoted(&pay, f); err != nil {
		return nil, err
	}
	// The limits are held now, posted when the funder disburses.
	if err := holdLimits(tx, f); err != nil {
		return nil, err
	}
	f.Status = linkfin.FinancingAccepted
	pay.Status, pay.FinancingID, pay.Funders = linkfin.PayableFactored, f.ID, linkfin.AddFunder(pay.Funders, f.FunderID)
	if err := tx.Put(linkfin.KindPayable, pay.ID, &pay, "payable.factored"); err != nil {
		return nil, err
	}
	return f, tx.Put(linkfin.KindFinancing, f.ID, f, "financing.accepted")
}

type leg struct {
	name   string
	dr, cr int64
	amount int64
	code   uint16
}

// financingLegs makes a financing's ledger transfers, creating the wallets of its
// parties, which its legs pay.
func financingLegs(tx linkfin.Tx, f *linkfin.Financing, legs []leg) ([]ledger.Transfer, error) {
	for _, org := range []string{f.FunderID, f.RequesterID, f.PayeeID} {
		w, _ := account(linkfin.WalletID(org, f.Currency), f.Currency, codeWallet, ledger.DebitsMustNotExceedCredits)
		if err := tx.CreateAccounts(w); err != nil {
			return nil, err
		}
	}
	return transfersOf(f, legs)
}

// transfersOf turns a financing's legs into ledger transfers, with ids derived from
// the financing and the leg, so that a leg is never applied twice. A product moves
// only the legs it declares (FinancingProduct.Legs), besides those on the limits.
func transfersOf(f *linkfin.Financing, legs []leg) ([]ledger.Transfer, error) {
	p, err := ProductOf(f)
	if err != nil {
		return nil, err
	}
	for _, g := range legs {
		// A leg moved more than once (a pledge loan's part repayments, repayment#1,
		// repayment#2, ...) is its product's leg by the name before the #.
		if name, _, _ := strings.Cut(g.name, "#"); !limitLeg(g.name) && !slices.Contains(p.Legs(), name) {
			return nil, linkfin.Errorf(linkfin.EINTERNAL, "a %s financing moves no %s leg (see its product's Legs)", f.Product, g.name)
		}
	}
	l, err := ledgerOf(f.Currency)
	if err != nil {
		return nil, err
	}
	var out []ledger.Transfer
	for _, g := range legs {
		if g.amount == 0 {
			continue
		}
		out = append(out, ledger.Transfer{ID: LegID(f, g.name), DebitAccountID: g.dr,
			CreditAccountID: g.cr, Amount: g.amount, Ledger: l, Currency: string(f.Currency), Code: g.code})
	}
	return out, nil
}

// collectedFromPayable reports a financing of a product closed by CollectFactored.
func collectedFromPayable(f *linkfin.Financing) bool {
	p, err := ProductOf(f)
	if err != nil {
		return false
	}
	c, _ := p.Close(f)
	_, ok := c.(*CollectFactored)
	return ok
}

// CollectFactored settles a payable-backed financing at the payable's maturity:
// factoring, or PO financing whose order became the payable. If the buyer's wallet covers
// it, the buyer pays the funder the face, and the funder pays the seller the reserve:
// face − advance − interest; a payable smaller than the advance and its interest (an
// order invoiced in part) leaves the seller to pay the funder the difference, and a
// seller that cannot leaves the financing defaulted, the buyer's payment kept by the
// funder. If the buyer cannot pay, recourse: the seller repays the funder the advance
// and the interest from its wallet; if the seller cannot either, the financing
// defaults. The limits are released in every case but default.
//
// An advance paid on receipt (on_receipt) lent the seller only what the order's goods
// released of it by then: what its conditional payment still locks goes back to the
// funder in the same command, and the advance the seller owes, with its interest, is
// what was released.
type CollectFactored struct {
	ID string // the factoring
}

// Keys implements linkfin.Command.
func (c *CollectFactored) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindFinancing, ID: c.ID}}
}

// DependentKeys implements linkfin.DependentCommand: the payable, and its program,
// whose calendar says the day it is collected on.
func (c *CollectFactored) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var f linkfin.Financing
	if found, err := r.Get(linkfin.KindFinancing, c.ID, &f); err != nil || !found {
		return nil
	}
	keys := []linkfin.ObjectKey{{Kind: linkfin.KindProgram, ID: f.ProgramID}}
	if f.PayableID != "" {
		keys = append(append(keys, paymentKeys(r, f.PayableID)...), linkfin.ObjectKey{Kind: linkfin.KindPayable, ID: f.PayableID})
	}
	if f.ConditionalPaymentID != "" {
		// The advance locked on receipt, whose rest is refunded, and its order's watch.
		keys = append(keys, paymentCommand{f.ConditionalPaymentID}.Keys()...)
		keys = append(keys, paymentCommand{f.ConditionalPaymentID}.DependentKeys(r)...)
	}
	return keys
}

// LedgerKeys implements linkfin.LedgerCommand: the buyer's wallet too, and the lock
// of an advance paid on receipt.
func (c *CollectFactored) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	accounts, _ = financingAccounts(r, c.ID)
	var f linkfin.Financing
	var pay linkfin.Payable
	if found, _ := r.Get(linkfin.KindFinancing, c.ID, &f); found {
		if found, _ := r.Get(linkfin.KindPayable, f.PayableID, &pay); found {
			accounts = append(accounts, linkfin.WalletID(pay.BuyerID, pay.Currency))
		}
		if f.ConditionalPaymentID != "" {
			a, t := cpLedgerKeys(r, f.ConditionalPaymentID)
			accounts, transfers = append(accounts, a...), append(transfers, t...)
		}
	}
	return accounts, transfers
}

// Apply implements linkfin.Command.
func (c *CollectFactored) Apply(tx linkfin.Tx) (any, error) {
	var f linkfin.Financing
	if found, err := tx.Get(linkfin.KindFinancing, c.ID, &f); err != nil {
		return nil, err
	} else if !found || !collectedFromPayable(&f) {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "financing %s not found", c.ID)
	}
	if f.Status != linkfin.FinancingDisbursed {
		return &f, nil // collected already, or never disbursed: nothing to do twice
	}
	if f.PayableID == "" {
		return advanceWithoutPayable(tx, &f)
	}
	var pay linkfin.Payable
	if _, err := tx.Get(linkfin.KindPayable, f.PayableID, &pay); err != nil {
		return nil, err
	}
	if err := collectionDue(tx, f.ProgramID, &pay); err != nil {
		return nil, err
	}
	buyer, _ := account(linkfin.WalletID(pay.BuyerID, pay.Currency), pay.Currency, codeWallet, ledger.DebitsMustNotExceedCredits)
	if err := tx.CreateAccounts(buyer); err != nil {
		return nil, err
	}
	release := releaseLimits(&f)
	principal, err := collectedAdvance(tx, &f)
	if err != nil {
		return nil, err
	}
	if f.AssetKind == linkfin.KindPurchaseOrder {
		// An advance on an order: interest runs from the advance to the collection.
		days := linkfin.DaysBetween(f.Quote.ValueDate, linkfin.BusinessDate(tx.Now()))
		interest, err := linkfin.Interest(principal, f.Quote.Rate, days, f.Quote.DayCount)
		if err != nil {
			return nil, err
		}
		f.Interest = interest
	}
	// What the buyer owes: the payable, which for a PO financing may differ from the
	// order the advance was made on.
	owed := pay.Amount
	funder, seller := linkfin.WalletID(f.FunderID, f.Currency), linkfin.WalletID(f.RequesterID, f.Currency)
	advanced, err := linkfin.Add(principal, f.Interest)
	if err != nil {
		return nil, err
	}
	reserve, err := linkfin.Sub(owed, advanced)
	if err != nil {
		return nil, err
	}
	byBuyer, err := available(tx, buyer.ID)
	if err != nil {
		return nil, err
	}
	bySeller, err := available(tx, seller)
	if err != nil {
		return nil, err
	}
	col := collection{buyer: buyer.ID, funder: funder, seller: seller, owed: owed, advanced: advanced, reserve: reserve, byBuyer: byBuyer, bySeller: bySeller}
	legs := col.legs(&f, &pay, release)
	ts, err := financingLegs(tx, &f, legs)
	if err != nil {
		return nil, err
	}
	if err := transferFrom(tx, []string{f.RequesterID, f.FunderID}, ts...); err != nil {
		return nil, err
	}
	if pay.Status == linkfin.PayablePaid {
		markPaid(&pay, tx.Now())
	}
	if err := tallyPayment(tx, &pay); err != nil {
		return nil, err
	}
	if err := tx.Put(linkfin.KindPayable, pay.ID, &pay, "payable."+string(pay.Status)); err != nil {
		return nil, err
	}
	return &f, tx.Put(linkfin.KindFinancing, f.ID, &f, "financing."+string(f.Status))
}

// collectionDue refuses a collection before the payable's due date, rolled to the
// next business day of the program's calendar when it is none.
func collectionDue(tx linkfin.Tx, programID string, pay *linkfin.Payable) error {
	var prog linkfin.Program
	if found, err := linkfin.View(tx, linkfin.KindProgram, programID, &prog); err != nil {
		return err
	} else if !found {
		return linkfin.Errorf(linkfin.ENOTFOUND, "program %s not found", programID)
	}
	due, err := businessDay(&prog, pay.DueDate)
	if err != nil {
		return err
	}
	if today := linkfin.BusinessDate(tx.Now()); today.Before(due) && due != pay.DueDate {
		return linkfin.Errorf(linkfin.ECONFLICT, "payable %s is due on %s, no business day: it is collected on %s", pay.ID, pay.DueDate, due)
	} else if today.Before(due) {
		return linkfin.Errorf(linkfin.ECONFLICT, "payable %s is due on %s", pay.ID, pay.DueDate)
	}
	return nil
}

// collection is a factored payable's collection: the wallets, what the buyer owes,
// what the funder advanced with its interest, the reserve (owed less advanced, below
// zero when the payable came out smaller) and what buyer and seller can pay.
type collection struct {
	buyer, funder, seller   int64
	owed, advanced, reserve int64
	byBuyer, bySeller       int64
}

// legs decides how the collection ends, setting the financing's and the payable's
// status, and returns the legs that move the money (release: those that free the
// limits the financing drew, kept drawn where it defaults).
func (c collection) legs(f *linkfin.Financing, pay *linkfin.Payable, release []leg) []leg {
	switch {
	case c.byBuyer >= c.owed && (c.reserve >= 0 || c.bySeller >= -c.reserve):
		legs := append(release, leg{"collection", c.buyer, c.funder, c.owed, codeWallet})
		if c.reserve >= 0 {
			legs = append(legs, leg{"reserve", c.funder, c.seller, c.reserve, codeWallet})
		} else {
			// The payable came out smaller than the advance and its interest: the
			// seller makes up the difference (recourse). Neither is negative, so
			// -reserve fits.
			legs = append(legs, leg{"shortfall", c.seller, c.funder, -c.reserve, codeWallet})
		}
		f.Status, pay.Status = linkfin.FinancingSettled, linkfin.PayablePaid
		return legs
	case c.byBuyer >= c.owed:
		// The buyer pays, but the payable falls short of the advance and its interest
		// and the seller cannot make up the difference: the funder keeps the buyer's
		// payment, and the financing defaults for the rest, its limits held as in
		// every default.
		f.Status, pay.Status = linkfin.FinancingDefaulted, linkfin.PayablePaid
		return []leg{{"collection", c.buyer, c.funder, c.owed, codeWallet}}
	case c.bySeller >= c.advanced:
		f.Status, pay.Status = linkfin.FinancingRecourse, linkfin.PayableUnpaid
		return append(release, leg{"recourse", c.seller, c.funder, c.advanced, codeWallet})
	}
	f.Status, pay.Status = linkfin.FinancingDefaulted, linkfin.PayableUnpaid
	return nil
}

// collectedAdvance is what the funder of f paid the seller, which the seller repays
// at collection: the price; or, for an advance paid on receipt, what its conditional
// payment released, the rest it still locks refunded to the funder now, as the
// financing ends.
func collectedAdvance(tx linkfin.Tx, f *linkfin.Financing) (int64, error) {
	if f.ConditionalPaymentID == "" {
		return f.Quote.Price, nil
	}
	p, err := conditionalPayment(tx, f.ConditionalPaymentID, "")
	if err != nil {
		return 0, err
	}
	if p.Status == linkfin.ConditionalLocked {
		if err := refund(tx, p, linkfin.ConditionalCancelled, "financing "+f.ID+
			" was collected: what the order's goods did not release of the advance goes back to the funder"); err != nil {
			return 0, err
		}
		if err := unwatch(tx, p); err != nil {
			return 0, err
		}
	}
	return p.Released, nil
}
