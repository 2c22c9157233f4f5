package services

import (
	"encoding/json"
	"fmt"
	"time"

	"linkfin"
	"linkfin/ledger"
)

// QuoteValidity is how long a quote may be accepted.
const QuoteValidity = 15 * time.Minute

// quoted reads the financing a requester accepts: one of the product, quoted to this
// actor, not expired, of the asset the command names. done reports an acceptance
// already made (status done), to answer a retry with the financing as it is. The
// financing it reads to accept keeps its decision's summary from now on: the quote,
// already logged, keeps the decision whole (WholeDecision).
func quoted(tx linkfin.Tx, id, actor string, product linkfin.Product, assetID string, done linkfin.FinancingStatus) (f *linkfin.Financing, already bool, err error) {
	f = new(linkfin.Financing)
	found, err := tx.Get(linkfin.KindFinancing, id, f)
	if err != nil {
		return nil, false, err
	}
	if !found || f.Product != product || f.RequesterID != actor && f.FunderID != actor {
		return nil, false, linkfin.Errorf(linkfin.ENOTFOUND, "financing %s not found", id)
	}
	switch {
	case f.RequesterID != actor:
		return nil, false, linkfin.Errorf(linkfin.EFORBIDDEN, "only the requester accepts a quote")
	case f.Status == done || done == linkfin.FinancingAccepted && f.Status == linkfin.FinancingDisbursed:
		return f, true, nil
	case f.Status != linkfin.FinancingQuoted:
		return nil, false, linkfin.Errorf(linkfin.ECONFLICT, "financing %s is %s", f.ID, f.Status)
	case tx.Now().After(f.Quote.ExpiresAt):
		return nil, false, linkfin.Errorf("quote_expired", "the quote expired at %s; request a new one", f.Quote.ExpiresAt.Format(time.RFC3339))
	case assetID != f.AssetID:
		return nil, false, linkfin.Errorf(linkfin.EINVALID, "financing %s is of %s %s", f.ID, f.AssetKind, f.AssetID)
	}
	if err := stillGranted(tx, f); err != nil {
		return nil, false, err
	}
	f.Decision = f.Decision.Summary()
	return f, false, nil
}

// assetProgram reads the program an asset was written under; asked for any other, the
// program is not found. It shares what the writer holds (linkfin.View): a request
// prices and quotes from it and changes none of it (gradedTerms copies what it sets).
func assetProgram(tx linkfin.Tx, id, assetProgram string) (*linkfin.Program, error) {
	var p linkfin.Program
	if found, err := linkfin.View(tx, linkfin.KindProgram, id, &p); err != nil {
		return nil, err
	} else if !found || assetProgram != p.ID {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "program %s not found", id)
	}
	return &p, nil
}

// liveFunder is a funder that has accepted the program.
func liveFunder(p *linkfin.Program, id string) (*linkfin.ProgramFunder, error) {
	f := p.Funder(id)
	if f == nil || f.Status != linkfin.FunderAccepted {
		return nil, linkfin.Errorf(linkfin.EINVALID, "%s is not a live funder of program %s", id, p.ID)
	}
	return f, nil
}

// funds refuses a live funder of the program that may not fund now: the operator
// withdrew its fund capability after it joined. What it financed stays as it is, but
// no request is quoted from it, in any product, no offer names it (Offers), and no
// quote it made is accepted (stillGranted), until the capability is granted again. It is
// refused as a funder not live in the program is: it would not finance the request.
func funds(tx linkfin.Tx, programID, funderID string) error {
	o, err := organization(tx, funderID)
	if err != nil {
		return err
	}
	if !o.Can(linkfin.CapFund) {
		return linkfin.Errorf(linkfin.EINVALID, "%s is not a live funder of program %s: %s does not fund now", funderID, programID, funderID)
	}
	return nil
}

// funderKeys are the records funds reads: the funder's organization.
func funderKeys(funderID string) []linkfin.ObjectKey {
	if funderID == "" {
		return nil
	}
	return []linkfin.ObjectKey{{Kind: linkfin.KindOrganization, ID: funderID}}
}

// loanDue is the due date of a loan made on valueDate for the program's tenor: the
// tenor's last day or, when that is no business day of the program's calendar, the next
// business day (following, as a certificate's maturity is), and the days from valueDate
// to it, on which its interest runs. A loan due on a Saturday, or in a holiday, would be
// closed the day after, before its borrower had a business day to repay it on.
func loanDue(p *linkfin.Program, valueDate linkfin.Date) (linkfin.Date, int, error) {
	due, err := businessDay(p, valueDate.AddDays(p.MaxTenorDays))
	if err != nil {
		return linkfin.Date{}, 0, err
	}
	return due, linkfin.DaysBetween(valueDate, due), nil
}

// businessDay is d, or the first business day after it of the program's calendar: the
// day a debt the platform dates itself (a loan, a margin call) falls due.
func businessDay(p *linkfin.Program, d linkfin.Date) (linkfin.Date, error) {
	cal, err := linkfin.SharedCalendar(p.Calendar)
	if err != nil {
		return linkfin.Date{}, err
	}
	return cal.Following(d), nil
}

// arrears prices a loan whose interest is paid at the end: the interest on principal
// over days, and the effective annual rate it makes.
func arrears(principal int64, r linkfin.Rate, days int, dc linkfin.DayCount) (int64, linkfin.Rate, error) {
	interest, err := linkfin.Interest(principal, r, days, dc)
	if err != nil {
		return 0, linkfin.Rate{}, err
	}
	owed, err := linkfin.Add(principal, interest)
	if err != nil {
		return 0, linkfin.Rate{}, err
	}
	eff, err := linkfin.EffectiveAnnualRate(principal, owed, days, dc)
	return interest, eff, err
}

// absent refuses to make a record whose id is taken: "<noun> <id> exists".
func absent(tx linkfin.Tx, kind, id, noun string) error {
	var old json.RawMessage
	found, err := tx.Get(kind, id, &old)
	if err != nil {
		return err
	}
	if found {
		return linkfin.Errorf(linkfin.ECONFLICT, "%s %s exists", noun, id)
	}
	return nil
}

// HoldTimeout is how long accepted limits stay held for the funder to disburse; the
// ledger releases the holds by itself after it.
const HoldTimeout = 72 * time.Hour

// holdLimits places pending holds on the limits a financing draws, opening the
// requester's cap at its first financing where the program sets one.
func holdLimits(tx linkfin.Tx, f *linkfin.Financing) error {
	reserveLegs(tx, f)
	until := tx.Now().Add(HoldTimeout)
	f.HoldsUntil = &until
	if id := supplierLimitID(f.ProgramID, f.RequesterID); f.SupplierLimit > 0 {
		if _, ok := tx.Account(id); !ok {
			if err := openLimit(tx, f.ProgramID, "supplier/"+f.RequesterID, f.Currency, f.SupplierLimit); err != nil {
				return err
			}
		}
	}
	holds, err := transfersOf(f, limitDraws(f))
	if err != nil {
		return err
	}
	for i := range holds {
		holds[i].Flags |= ledger.Pending
		holds[i].Timeout = uint32(HoldTimeout / time.Second)
	}
	err = tx.Transfer(holds...)
	if linkfin.ErrorCode(err) == string(ledger.ExceedsCredits) {
		return limitsShort(f)
	}
	return err
}

// limitsShort refuses a financing whose face is more than one of the limits it draws
// has left, exceeds_credits, at its acceptance (holdLimits) as at its request
// (drawable), in the same words. Which limit is short (the program's, the funder's
// part, the requester's cap) is the anchor's and the funder's to know: the program's
// members do not see its limits.
func limitsShort(f *linkfin.Financing) error {
	return linkfin.Errorf(string(ledger.ExceedsCredits), "the limits of program %s leave less than the %s this financing would draw",
		f.ProgramID, linkfin.Money{Amount: f.Quote.Face, Currency: f.Currency})
}

// drawable refuses a quote that its acceptance would refuse now for its limits: its
// face is more than one of the limits it would draw on (limitDraws: the program's,
// the funder's part, and the requester's cap where the program sets one) has left
// once what is drawn and held on it is taken off, as the ledger would refuse the
// acceptance's holds (holdLimits). The request is refused then with the acceptance's
// code and words (limitsShort) and keeps no quote. Every product whose acceptance
// holds the limits calls it on the quote it is about to keep, which lists the limits
// in its LedgerKeys (limitKeys). The acceptance checks again: the limits may be drawn
// by others, or granted again, between the two. A requester's cap that is not open
// yet has the whole of it left (its first acceptance opens it); a program's or a
// funder's limit that is not open is left to the acceptance, which answers for it.
func drawable(tx linkfin.Tx, f *linkfin.Financing) error {
	for _, g := range limitDraws(f) {
		left := f.SupplierLimit // a requester's cap not open yet
		if _, open := tx.Account(g.dr); open {
			var err error
			if left, err = available(tx, g.dr); err != nil {
				return err
			}
		} else if g.name != "supplier-limit" {
			continue
		}
		if left < g.amount {
			return limitsShort(f)
		}
	}
	return nil
}

// limitKeys are the ledger accounts drawable reads for a request by requester, from
// funder, under the program: the limits its acceptance would hold.
func limitKeys(programID, funderID, requester string) []int64 {
	return []int64{LimitID(programID, ""), LimitID(programID, funderID), supplierLimitID(programID, requester)}
}

// resolveHolds returns the transfers that post or void (flag) a financing's holds.
func resolveHolds(f *linkfin.Financing, flag ledger.TransferFlags) ([]ledger.Transfer, error) {
	draws := limitDraws(f)
	holds, err := transfersOf(f, draws)
	suffix := "-void"
	if flag == ledger.PostPending {
		suffix = "-post"
	}
	for i, h := range holds {
		if f.LedgerBase != 0 {
			// Every draw holds the face, never 0, so transfersOf kept them all, in order.
			holds[i].ID = LegID(f, draws[i].name+suffix)
		} else {
			holds[i].ID = linkfin.LedgerID(fmt.Sprintf("financing/%s/%d/%d", f.ID, flag, h.ID))
		}
		holds[i].PendingID, holds[i].Flags = h.ID, flag
	}
	return holds, err
}

// DisburseFinancing is the funder paying an accepted financing: the holds on the
// limits are posted, the price goes to the payee (the requester, or the anchor for a
// distributor's order), and a certificate piece passes to the funder. The ledger
// refuses it if the funder's wallet is short. Once the holds lapsed (HoldsUntil came:
// the ledger expires them then) it is refused, financing_lapsed, before anything
// moves, as it is once the scheduler has lapsed the financing (LapseFinancing).
type DisburseFinancing struct {
	Actor string
	ID    string
}

// Keys implements linkfin.Command.
func (c *DisburseFinancing) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindFinancing, ID: c.ID}}
}

// DependentKeys implements linkfin.DependentCommand: the asset, for what the payment
// does to it.
func (c *DisburseFinancing) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	return assetKeys(r, c.ID)
}

// LedgerKeys implements linkfin.LedgerCommand: the holds to post.
func (c *DisburseFinancing) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	return holdKeys(r, c.ID)
}

// Apply implements linkfin.Command.
func (c *DisburseFinancing) Apply(tx linkfin.Tx) (any, error) {
	f, err := partyFinancing(tx, c.ID, c.Actor)
	if err != nil {
		return nil, err
	}
	switch {
	case f.FunderID != c.Actor:
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the funder disburses")
	case f.Status == linkfin.FinancingDisbursed:
		return f, nil
	case f.Status == linkfin.FinancingLapsed || f.Status == linkfin.FinancingAccepted && holdsLapsed(tx, f):
		return nil, lapsed(f)
	case f.Status != linkfin.FinancingAccepted:
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "financing %s is %s, not accepted", f.ID, f.Status)
	case f.Frozen:
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "financing %s is frozen: the warehouse counted less than was pledged", f.ID)
	}
	posts, err := resolveHolds(f, ledger.PostPending)
	if err != nil {
		return nil, err
	}
	legs, err := disbursementLegs(tx, f)
	if err != nil {
		return nil, err
	}
	pay, err := financingLegs(tx, f, legs)
	if err != nil {
		return nil, err
	}
	if err := transferFrom(tx, []string{f.FunderID}, append(posts, pay...)...); err != nil {
		if linkfin.ErrorCode(err) == string(ledger.PendingTransferExpired) {
			// The ledger's clock ran past the holds' timeout within the batch.
			return nil, lapsed(f)
		}
		return nil, err
	}
	if err := disbursedInto(tx, f); err != nil {
		return nil, err
	}
	product, err := ProductOf(f)
	if err != nil {
		return nil, err
	}
	if err := product.Disbursed(tx, f); err != nil {
		return nil, err
	}
	now := tx.Now()
	f.Status, f.DisbursedAt = linkfin.FinancingDisbursed, &now
	return f, tx.Put(linkfin.KindFinancing, f.ID, f, "financing.disbursed")
}

// holdsLapsed reports whether an accepted financing's holds have lapsed: HoldsUntil,
// when the ledger expires them, has come. A financing accepted before holds had an end
// holds until it is disbursed or cancelled.
func holdsLapsed(tx linkfin.Tx, f *linkfin.Financing) bool {
	return f.HoldsUntil != nil && !tx.Now().Before(*f.HoldsUntil)
}

// lapsed refuses to disburse a financing that lapsed, in the words of LapseFinancing
// and the settlement that lapses one whose piece matured first: the same code whether
// the scheduler has ended it yet or not.
func lapsed(f *linkfin.Financing) error {
	if f.Status == linkfin.FinancingLapsed || f.HoldsUntil == nil {
		return linkfin.Errorf(linkfin.EFINANCINGLAPSED, "financing %s lapsed: it was not disbursed while its limits were held, and its asset is free again", f.ID)
	}
	return linkfin.Errorf(linkfin.EFINANCINGLAPSED, "financing %s lapsed at %s: it was not disbursed while its limits were held, "+
		"and the ledger released them; the scheduler ends it and frees its asset", f.ID, f.HoldsUntil.Format(time.RFC3339))
}

// CancelFinancing withdraws an accepted financing that was not disbursed (the funder
// could not pay, or either side changed its mind): the holds on the limits are voided
// and the asset is free again.
type CancelFinancing struct {
	Actor string
	ID    string
}

// Keys implements linkfin.Command.
func (c *CancelFinancing) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindFinancing, ID: c.ID}}
}

// DependentKeys implements linkfin.DependentCommand: the asset, to free it.
func (c *CancelFinancing) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	return assetKeys(r, c.ID)
}

// LedgerKeys implements linkfin.LedgerCommand: the holds to void.
func (c *CancelFinancing) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	return holdKeys(r, c.ID)
}

// Apply implements linkfin.Command.
func (c *CancelFinancing) Apply(tx linkfin.Tx) (any, error) {
	f, err := partyFinancing(tx, c.ID, c.Actor)
	if err != nil {
		return nil, err
	}
	switch f.Status {
	case linkfin.FinancingCancelled:
		return f, nil
	case linkfin.FinancingAccepted:
	default:
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "financing %s is %s: only an accepted financing is cancelled", f.ID, f.Status)
	}
	return withdraw(tx, f, linkfin.FinancingCancelled, "financing.cancelled")
}

// LapseFinancing ends an accepted financing that the funder did not disburse while the
// limits were held (until HoldsUntil): the ledger released the holds at their timeout
// (any it has not expired yet are voided), and the asset is free again. The scheduler
// runs it; it acts for no organization.
type LapseFinancing struct {
	ID string
}

// Keys implements linkfin.Command.
func (c *LapseFinancing) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindFinancing, ID: c.ID}}
}

// DependentKeys implements linkfin.DependentCommand: the asset, to free it.
func (c *LapseFinancing) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	return assetKeys(r, c.ID)
}

// LedgerKeys implements linkfin.LedgerCommand: the holds, in case one is still pending.
func (c *LapseFinancing) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	return holdKeys(r, c.ID)
}

// Apply implements linkfin.Command.
func (c *LapseFinancing) Apply(tx linkfin.Tx) (any, error) {
	f := new(linkfin.Financing)
	found, err := tx.Get(linkfin.KindFinancing, c.ID, f)
	switch {
	case err != nil:
		return nil, err
	case !found:
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "financing %s not found", c.ID)
	case f.Status == linkfin.FinancingLapsed:
		return f, nil
	case f.Status != linkfin.FinancingAccepted:
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "financing %s is %s: only an accepted financing lapses", f.ID, f.Status)
	case f.HoldsUntil == nil:
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "financing %s was accepted before holds had an end: cancel it instead", f.ID)
	case tx.Now().Before(*f.HoldsUntil):
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "financing %s holds its limits until %s", f.ID, f.HoldsUntil.Format(time.RFC3339))
	}
	return withdraw(tx, f, linkfin.FinancingLapsed, "financing.lapsed")
}

// withdraw ends an accepted financing that will not be disbursed: its holds are voided,
// its asset is free again, and its status is the one given.
func withdraw(tx linkfin.Tx, f *linkfin.Financing, status linkfin.FinancingStatus, event string) (*linkfin.Financing, error) {
	p, err := ProductOf(f)
	if err != nil {
		return nil, err
	}
	if err := p.Release(tx, f); err != nil {
		return nil, err
	}
	return withdrawHolds(tx, f, status, event)
}

// withdrawHolds voids an accepted financing's holds (those the ledger expired at their
// timeout are released already) and gives it the status.
func withdrawHolds(tx linkfin.Tx, f *linkfin.Financing, status linkfin.FinancingStatus, event string) (*linkfin.Financing, error) {
	voids, err := resolveHolds(f, ledger.VoidPending)
	if err != nil {
		return nil, err
	}
	if err := tx.Transfer(voids...); err != nil && linkfin.ErrorCode(err) != string(ledger.PendingTransferExpired) {
		return nil, err
	}
	f.Status = status
	return f, tx.Put(linkfin.KindFinancing, f.ID, f, event)
}

// partyFinancing reads a financing the actor funds or requested; to anyone else it is
// not found.
func partyFinancing(tx linkfin.Tx, id, actor string) (*linkfin.Financing, error) {
	var f linkfin.Financing
	found, err := tx.Get(linkfin.KindFinancing, id, &f)
	if err != nil {
		return nil, err
	}
	if !found || f.FunderID != actor && f.RequesterID != actor {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "financing %s not found", id)
	}
	return &f, nil
}

// assetKeys lists the records a financing's product reads to change its asset.
func assetKeys(r linkfin.Records, id string) []linkfin.ObjectKey {
	var f linkfin.Financing
	if found, _ := r.Get(linkfin.KindFinancing, id, &f); !found {
		return nil
	}
	p, err := ProductOf(&f)
	if err != nil {
		return nil
	}
	return p.AssetKeys(&f)
}

// holdKeys lists a financing's accounts and the holds on its limits.
func holdKeys(r linkfin.Records, id string) (accounts, transfers []int64) {
	accounts, _ = financingAccounts(r, id)
	var f linkfin.Financing
	if found, _ := r.Get(linkfin.KindFinancing, id, &f); found {
		for _, g := range limitDraws(&f) {
			transfers = append(transfers, LegID(&f, g.name))
		}
	}
	return accounts, transfers
}

// update changes a record that exists and writes it back with the event.
func update[T any](tx linkfin.Tx, kind, id, event string, change func(*T)) error {
	var v T
	if _, err := tx.Get(kind, id, &v); err != nil {
		return err
	}
	change(&v)
	return tx.Put(kind, id, &v, event)
}
