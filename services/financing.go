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

// RequestFinancing is a holder asking a funder of the program to buy a certificate
// piece (certificate discounting, reverse factoring). The answer is a quote: price =
// face − face × rate × days / basis, at the funder's rate in the program, with its
// effective annual rate, its expiry and its reasons.
type RequestFinancing struct {
	Actor     string
	ID        string
	ProgramID string
	PieceID   string
	FunderID  string
}

// Keys implements linkfin.Command.
func (c *RequestFinancing) Keys() []linkfin.ObjectKey {
	return append(idKeys(linkfin.KindFinancing, c.ID),
		linkfin.ObjectKey{Kind: linkfin.KindCertificate, ID: c.PieceID},
		linkfin.ObjectKey{Kind: linkfin.KindProgram, ID: c.ProgramID},
	)
}

// Apply implements linkfin.Command.
func (c *RequestFinancing) Apply(tx linkfin.Tx) (any, error) {
	id, err := newID(tx, linkfin.KindFinancing, c.ID)
	if err != nil {
		return nil, err
	}
	piece, err := heldPiece(tx, c.PieceID, c.Actor)
	if err != nil {
		return nil, err
	}
	p, err := assetProgram(tx, c.ProgramID, piece.ProgramID)
	if err != nil {
		return nil, err
	}
	switch {
	case !p.Offers(linkfin.ProductCertificateDiscounting):
		return nil, linkfin.Errorf(linkfin.EINVALID, "program %s does not offer certificate discounting", p.ID)
	}
	f, err := liveFunder(p, c.FunderID)
	if err != nil {
		return nil, err
	}
	valueDate := linkfin.DateOf(tx.Now())
	days := linkfin.DaysBetween(valueDate, piece.Maturity)
	if days < 1 || days > p.MaxTenorDays {
		return nil, linkfin.Errorf(linkfin.EINVALID, "the piece matures in %d days; the program finances 1 to %d", days, p.MaxTenorDays)
	}
	rate := f.Pricing.Annual()
	discount, err := linkfin.Discount(piece.Face, rate, days, p.DayCount)
	if err != nil {
		return nil, err
	}
	price, err := linkfin.Sub(piece.Face, discount)
	if err != nil {
		return nil, err
	}
	eff, err := linkfin.EffectiveAnnualRate(price, piece.Face, days, p.DayCount)
	if err != nil {
		return nil, err
	}
	fin := linkfin.Financing{ID: id, Product: linkfin.ProductCertificateDiscounting, ProgramID: p.ID, RequesterID: c.Actor,
		FunderID: c.FunderID, AssetKind: linkfin.KindCertificate, AssetID: piece.ID, Tier: piece.Tier, Currency: p.Currency,
		Status: linkfin.FinancingQuoted, CreatedAt: tx.Now(), SupplierLimit: p.SupplierLimit, PayeeID: c.Actor,
		Quote: linkfin.Quote{Face: piece.Face, Rate: rate, Days: days, DayCount: p.DayCount, Discount: discount, Price: price,
			EffectiveRate: eff, ValueDate: valueDate, ExpiresAt: tx.Now().Add(QuoteValidity),
			Reasons: []string{
				"the certificate is owed by its anchor (" + piece.AnchorID + "), who issued it from payables it approved after a three-way match",
				"funder " + c.FunderID + " is live in program " + p.ID + " at " + rate.String() + " a year",
				"the piece matures on " + piece.Maturity.String() + ", within the program's tenor",
			}}}
	return &fin, tx.Put(linkfin.KindFinancing, fin.ID, &fin, "financing.quoted")
}

// AcceptFinancing is the requester accepting a quote before it expires: the limits are
// held (the ledger refuses a hold over the program's, the funder's or the supplier's
// limit) and the piece is locked to this financing alone. DisburseFinancing completes
// it: the funder pays and becomes the holder.
type AcceptFinancing struct {
	Actor   string
	ID      string
	PieceID string // the quote's piece, named again so it can be prefetched
}

// Keys implements linkfin.Command.
func (c *AcceptFinancing) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{
		{Kind: linkfin.KindFinancing, ID: c.ID},
		{Kind: linkfin.KindCertificate, ID: c.PieceID},
	}
}

// LedgerKeys implements linkfin.LedgerCommand.
func (c *AcceptFinancing) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	return financingAccounts(r, c.ID)
}

// Apply implements linkfin.Command.
func (c *AcceptFinancing) Apply(tx linkfin.Tx) (any, error) {
	f, already, err := quoted(tx, c.ID, c.Actor, linkfin.ProductCertificateDiscounting, c.PieceID, linkfin.FinancingAccepted)
	if err != nil || already {
		return f, err
	}
	piece, err := heldPiece(tx, f.AssetID, c.Actor)
	if err != nil {
		return nil, err
	}
	if piece.Face != f.Quote.Face {
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "the piece changed since the quote")
	}
	// The limits are held now, posted when the funder disburses; the piece is locked
	// to this financing from now, and passes to the funder when it pays.
	if err := holdLimits(tx, f); err != nil {
		return nil, err
	}
	f.Status = linkfin.FinancingAccepted
	piece.FinancingID = f.ID
	if err := tx.Put(linkfin.KindCertificate, piece.ID, piece, "certificate.locked"); err != nil {
		return nil, err
	}
	return f, tx.Put(linkfin.KindFinancing, f.ID, f, "financing.accepted")
}

// quoted reads the financing a requester accepts: one of the product, quoted to this
// actor, not expired, of the asset the command names. done reports an acceptance
// already made (status done), to answer a retry with the financing as it is.
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
	return f, false, nil
}

// assetProgram reads the program an asset was written under; asked for any other, the
// program is not found.
func assetProgram(tx linkfin.Tx, id, assetProgram string) (*linkfin.Program, error) {
	var p linkfin.Program
	if found, err := tx.Get(linkfin.KindProgram, id, &p); err != nil {
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
	return tx.Transfer(holds...)
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
// refuses it if the funder's wallet is short, or if the holds lapsed.
type DisburseFinancing struct {
	Actor string
	ID    string
}

// Keys implements linkfin.Command.
func (c *DisburseFinancing) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindFinancing, ID: c.ID}}
}

// DependentKeys implements linkfin.DependentCommand: the asset, for a piece to pass,
// and the payable an order became (a financing withdrawn frees it).
func (c *DisburseFinancing) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var f linkfin.Financing
	if found, _ := r.Get(linkfin.KindFinancing, c.ID, &f); !found {
		return nil
	}
	keys := []linkfin.ObjectKey{{Kind: f.AssetKind, ID: f.AssetID}}
	if f.PayableID != "" && f.AssetKind == linkfin.KindPurchaseOrder {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindPayable, ID: f.PayableID})
	}
	return keys
}

// LedgerKeys implements linkfin.LedgerCommand.
func (c *DisburseFinancing) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	accounts, _ = financingAccounts(r, c.ID)
	var f linkfin.Financing
	if found, _ := r.Get(linkfin.KindFinancing, c.ID, &f); found {
		for _, g := range limitDraws(&f) {
			transfers = append(transfers, LegID(&f, g.name))
		}
	}
	return accounts, transfers
}

// Apply implements linkfin.Command.
func (c *DisburseFinancing) Apply(tx linkfin.Tx) (any, error) {
	var f linkfin.Financing
	found, err := tx.Get(linkfin.KindFinancing, c.ID, &f)
	if err != nil {
		return nil, err
	}
	if !found || f.FunderID != c.Actor && f.RequesterID != c.Actor {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "financing %s not found", c.ID)
	}
	switch {
	case f.FunderID != c.Actor:
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the funder disburses")
	case f.Status == linkfin.FinancingDisbursed:
		return &f, nil
	case f.Status != linkfin.FinancingAccepted:
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "financing %s is %s, not accepted", f.ID, f.Status)
	case f.Frozen:
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "financing %s is frozen: the warehouse counted less than was pledged", f.ID)
	}
	posts, err := resolveHolds(&f, ledger.PostPending)
	if err != nil {
		return nil, err
	}
	pay, err := financingLegs(tx, &f, []leg{{"disbursement", linkfin.WalletID(f.FunderID, f.Currency), linkfin.WalletID(f.PayeeID, f.Currency), f.Quote.Price, codeWallet}})
	if err != nil {
		return nil, err
	}
	if err := tx.Transfer(append(posts, pay...)...); err != nil {
		return nil, err
	}
	now := tx.Now()
	f.Status, f.DisbursedAt = linkfin.FinancingDisbursed, &now
	if f.AssetKind == linkfin.KindCertificate {
		var piece linkfin.Certificate
		if _, err := tx.Get(linkfin.KindCertificate, f.AssetID, &piece); err != nil {
			return nil, err
		}
		piece.HolderID = f.FunderID
		if err := tx.Put(linkfin.KindCertificate, piece.ID, &piece, "certificate.financed"); err != nil {
			return nil, err
		}
	}
	return &f, tx.Put(linkfin.KindFinancing, f.ID, &f, "financing.disbursed")
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
	return (&DisburseFinancing{ID: c.ID}).DependentKeys(r)
}

// LedgerKeys implements linkfin.LedgerCommand: the holds to void.
func (c *CancelFinancing) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	return (&DisburseFinancing{ID: c.ID}).LedgerKeys(r)
}

// Apply implements linkfin.Command.
func (c *CancelFinancing) Apply(tx linkfin.Tx) (any, error) {
	var f linkfin.Financing
	found, err := tx.Get(linkfin.KindFinancing, c.ID, &f)
	if err != nil {
		return nil, err
	}
	if !found || f.FunderID != c.Actor && f.RequesterID != c.Actor {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "financing %s not found", c.ID)
	}
	switch f.Status {
	case linkfin.FinancingCancelled:
		return &f, nil
	case linkfin.FinancingAccepted:
	default:
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "financing %s is %s: only an accepted financing is cancelled", f.ID, f.Status)
	}
	return withdraw(tx, &f, linkfin.FinancingCancelled, "financing.cancelled")
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
	return (&DisburseFinancing{ID: c.ID}).DependentKeys(r)
}

// LedgerKeys implements linkfin.LedgerCommand: the holds, in case one is still pending.
func (c *LapseFinancing) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	return (&DisburseFinancing{ID: c.ID}).LedgerKeys(r)
}

// Apply implements linkfin.Command.
func (c *LapseFinancing) Apply(tx linkfin.Tx) (any, error) {
	var f linkfin.Financing
	found, err := tx.Get(linkfin.KindFinancing, c.ID, &f)
	switch {
	case err != nil:
		return nil, err
	case !found:
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "financing %s not found", c.ID)
	case f.Status == linkfin.FinancingLapsed:
		return &f, nil
	case f.Status != linkfin.FinancingAccepted:
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "financing %s is %s: only an accepted financing lapses", f.ID, f.Status)
	case f.HoldsUntil == nil:
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "financing %s was accepted before holds had an end: cancel it instead", f.ID)
	case tx.Now().Before(*f.HoldsUntil):
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "financing %s holds its limits until %s", f.ID, f.HoldsUntil.Format(time.RFC3339))
	}
	return withdraw(tx, &f, linkfin.FinancingLapsed, "financing.lapsed")
}

// withdraw ends an accepted financing that will not be disbursed: its holds are voided,
// its asset is free again, and its status is the one given.
func withdraw(tx linkfin.Tx, f *linkfin.Financing, status linkfin.FinancingStatus, event string) (*linkfin.Financing, error) {
	if err := freeAsset(tx, f); err != nil {
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

// freeAsset unlocks the asset of a financing that will not be disbursed.
func freeAsset(tx linkfin.Tx, f *linkfin.Financing) error {
	switch f.AssetKind {
	case linkfin.KindCertificate:
		return update(tx, f.AssetKind, f.AssetID, "certificate.unlocked", func(piece *linkfin.Certificate) {
			piece.FinancingID = ""
		})
	case linkfin.KindPayable:
		return update(tx, f.AssetKind, f.AssetID, "payable.unlocked", func(pay *linkfin.Payable) {
			pay.Status, pay.FinancingID = linkfin.PayableOpen, ""
		})
	case linkfin.KindPurchaseOrder:
		// The payable the order became before the funder paid was swept to the
		// financing: it is the seller's again.
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
		return update(tx, f.AssetKind, f.AssetID, "purchase_order.unlocked", func(po *linkfin.PurchaseOrder) {
			po.FinancingID = ""
		})
	case linkfin.KindWarehouseReceipt:
		return update(tx, f.AssetKind, f.AssetID, "warehouse_receipt.released", func(w *linkfin.WarehouseReceipt) {
			// A lot found short stays frozen: it backs nothing until it is counted whole.
			if w.Status != linkfin.ReceiptFrozen {
				w.Status = linkfin.ReceiptIssued
			}
			w.FinancingID = ""
		})
	}
	return linkfin.Errorf(linkfin.EINTERNAL, "no asset kind %s", f.AssetKind)
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
