package services

import (
	"time"

	"linkfin"
	"linkfin/engine"
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

// Keys implements engine.Command.
func (c *RequestFinancing) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{
		{Kind: linkfin.KindFinancing, ID: c.ID},
		{Kind: linkfin.KindCertificate, ID: c.PieceID},
		{Kind: linkfin.KindProgram, ID: c.ProgramID},
	}
}

// Apply implements engine.Command.
func (c *RequestFinancing) Apply(tx *engine.Tx) (any, error) {
	if err := linkfin.ValidateID("financing id", c.ID); err != nil {
		return nil, err
	}
	piece, err := heldPiece(tx, c.PieceID, c.Actor)
	if err != nil {
		return nil, err
	}
	var p linkfin.Program
	if found, err := tx.Get(linkfin.KindProgram, c.ProgramID, &p); err != nil {
		return nil, err
	} else if !found || piece.ProgramID != p.ID {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "program %s not found", c.ProgramID)
	}
	f := p.Funder(c.FunderID)
	switch {
	case !p.Offers(linkfin.ProductCertificateDiscounting):
		return nil, linkfin.Errorf(linkfin.EINVALID, "program %s does not offer certificate discounting", p.ID)
	case f == nil || f.Status != linkfin.FunderAccepted:
		return nil, linkfin.Errorf(linkfin.EINVALID, "%s is not a live funder of program %s", c.FunderID, p.ID)
	}
	if err := unusedFinancingID(tx, c.ID); err != nil {
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
	price := piece.Face - discount
	eff, err := linkfin.EffectiveAnnualRate(price, piece.Face, days, p.DayCount)
	if err != nil {
		return nil, err
	}
	fin := linkfin.Financing{ID: c.ID, Product: linkfin.ProductCertificateDiscounting, ProgramID: p.ID, RequesterID: c.Actor,
		FunderID: c.FunderID, AssetKind: linkfin.KindCertificate, AssetID: piece.ID, Tier: piece.Tier, Currency: p.Currency,
		Status: linkfin.FinancingQuoted, CreatedAt: tx.Now(), SupplierLimit: p.SupplierLimit,
		Quote: linkfin.Quote{Face: piece.Face, Rate: rate, Days: days, DayCount: p.DayCount, Discount: discount, Price: price,
			EffectiveRate: eff, ValueDate: valueDate, ExpiresAt: tx.Now().Add(QuoteValidity),
			Reasons: []string{
				"the certificate is the anchor " + piece.AnchorID + "'s, issued from payables it approved after a three-way match",
				"funder " + c.FunderID + " is live in program " + p.ID + " at " + rate.String() + " a year",
				"the piece matures on " + piece.Maturity.String() + ", within the program's tenor",
			}}}
	return &fin, tx.Put(linkfin.KindFinancing, fin.ID, &fin, "financing.quoted")
}

// AcceptFinancing is the requester accepting a quote before it expires. In one step
// the limits are drawn (the ledger refuses a draw over the program's or the funder's
// limit), the funder pays the price into the requester's wallet (the ledger refuses it
// if the funder's wallet is short), and the funder becomes the holder of the piece. The
// piece then backs this financing alone.
type AcceptFinancing struct {
	Actor   string
	ID      string
	PieceID string // the quote's piece, named again so it can be prefetched
}

// Keys implements engine.Command.
func (c *AcceptFinancing) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{
		{Kind: linkfin.KindFinancing, ID: c.ID},
		{Kind: linkfin.KindCertificate, ID: c.PieceID},
	}
}

// LedgerKeys implements engine.LedgerCommand.
func (c *AcceptFinancing) LedgerKeys(r engine.Records) (accounts, transfers []int64) {
	return financingAccounts(r, c.ID)
}

// Apply implements engine.Command.
func (c *AcceptFinancing) Apply(tx *engine.Tx) (any, error) {
	f, already, err := quoted(tx, c.ID, c.Actor, linkfin.ProductCertificateDiscounting, c.PieceID, linkfin.FinancingDisbursed)
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
	funderWallet, _ := account(WalletID(f.FunderID, f.Currency), f.Currency, codeWallet, ledger.DebitsMustNotExceedCredits)
	holderWallet, _ := account(WalletID(f.RequesterID, f.Currency), f.Currency, codeWallet, ledger.DebitsMustNotExceedCredits)
	if err := tx.CreateAccounts(funderWallet, holderWallet); err != nil {
		return nil, err
	}
	draw, err := drawLimits(tx, f)
	if err != nil {
		return nil, err
	}
	legs, err := financingLegs(tx, f, append(draw, leg{"disbursement", funderWallet.ID, holderWallet.ID, f.Quote.Price, codeWallet}))
	if err != nil {
		return nil, err
	}
	if err := tx.Transfer(legs...); err != nil {
		return nil, err
	}
	now := tx.Now()
	f.Status, f.DisbursedAt = linkfin.FinancingDisbursed, &now
	piece.HolderID, piece.FinancingID = f.FunderID, f.ID
	if err := tx.Put(linkfin.KindCertificate, piece.ID, piece, "certificate.financed"); err != nil {
		return nil, err
	}
	return f, tx.Put(linkfin.KindFinancing, f.ID, f, "financing.disbursed")
}

// quoted reads the financing a requester accepts: one of the product, quoted to this
// actor, not expired, of the asset the command names. done reports an acceptance
// already made (status done), to answer a retry with the financing as it is.
func quoted(tx *engine.Tx, id, actor string, product linkfin.Product, assetID string, done linkfin.FinancingStatus) (f *linkfin.Financing, already bool, err error) {
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
	case f.Status == done:
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

// unusedFinancingID checks that a new financing's id is well formed and free.
func unusedFinancingID(tx *engine.Tx, id string) error {
	var old linkfin.Financing
	if found, err := tx.Get(linkfin.KindFinancing, id, &old); err != nil {
		return err
	} else if found {
		return linkfin.Errorf(linkfin.ECONFLICT, "financing %s exists", id)
	}
	return nil
}
