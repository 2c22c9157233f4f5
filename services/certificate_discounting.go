package services

import (
	"context"

	"linkfin"
)

// certificateDiscounting is reverse factoring on the anchor's credit: a holder sells a
// certificate piece to a funder of the program for its face less the discount to its
// maturity. The funder becomes the holder; settlement pays it at maturity.
type certificateDiscounting struct{}

func init() { Register(certificateDiscounting{}) }

func (certificateDiscounting) Name() linkfin.Product { return linkfin.ProductCertificateDiscounting }
func (certificateDiscounting) AssetKind() string     { return linkfin.KindCertificate }
func (certificateDiscounting) Downstream() bool      { return false }
func (certificateDiscounting) Legs() []string        { return []string{"disbursement"} }

func (certificateDiscounting) Request(_ context.Context, _ linkfin.Store, actor string, in *linkfin.FinancingIn) (linkfin.Command, error) {
	return &RequestCertificateDiscounting{Actor: actor, ProgramID: in.ProgramID, PieceID: in.AssetID, FunderID: in.FunderID}, nil
}

// Offer quotes every live funder of the program but org for a piece org holds, active
// and backing no financing.
func (certificateDiscounting) Offer(org string, asset any, programs map[string]*linkfin.Program, valueDate linkfin.Date) (linkfin.AssetOffers, bool) {
	piece, ok := asset.(*linkfin.Certificate)
	if !ok || holds(piece, org) != nil {
		return linkfin.AssetOffers{}, false
	}
	p := programs[piece.ProgramID]
	if p == nil || !p.Offers(linkfin.ProductCertificateDiscounting) {
		return linkfin.AssetOffers{}, false
	}
	a := linkfin.AssetOffers{AssetKind: linkfin.KindCertificate, AssetID: piece.ID, ProgramID: p.ID, Currency: piece.Currency,
		Face: piece.Face, Maturity: piece.Maturity}
	for _, funder := range liveFunders(p) {
		if funder == org {
			continue // no organization funds itself (decide refuses it)
		}
		q, err := priceCertificateDiscounting(p, funder, piece, valueDate)
		offer(&a, linkfin.ProductCertificateDiscounting, funder, q, err)
	}
	return a, true
}

func (certificateDiscounting) Quote(actor, programID, pieceID, funderID string, _ linkfin.PaymentRail) linkfin.Command {
	return &RequestCertificateDiscounting{Actor: actor, ProgramID: programID, PieceID: pieceID, FunderID: funderID}
}

func (certificateDiscounting) Accept(actor string, f *linkfin.Financing) linkfin.Command {
	return &AcceptCertificateDiscounting{Actor: actor, ID: f.ID, PieceID: f.AssetID}
}

func (certificateDiscounting) Repay(_ string, f *linkfin.Financing) (linkfin.Command, error) {
	return nil, notRepayable(f)
}

func (certificateDiscounting) Close(f *linkfin.Financing) (linkfin.Command, error) {
	return nil, notClosable(f)
}

func (certificateDiscounting) CloseDate(context.Context, linkfin.RecordReader, *linkfin.Financing) (linkfin.Date, bool, error) {
	return linkfin.Date{}, false, nil
}

func (certificateDiscounting) AssetKeys(f *linkfin.Financing) []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindCertificate, ID: f.AssetID}}
}

// Disbursed passes the piece to the funder, who paid for it.
func (certificateDiscounting) Disbursed(tx linkfin.Tx, f *linkfin.Financing) error {
	return update(tx, linkfin.KindCertificate, f.AssetID, "certificate.financed", func(piece *linkfin.Certificate) {
		piece.HolderID = f.FunderID
	})
}

func (certificateDiscounting) Release(tx linkfin.Tx, f *linkfin.Financing) error {
	return update(tx, linkfin.KindCertificate, f.AssetID, "certificate.unlocked", func(piece *linkfin.Certificate) {
		piece.FinancingID = ""
	})
}

// RequestCertificateDiscounting is a holder asking a funder of the program to buy a
// certificate piece. The answer is a quote: price = face − face × rate × days / basis,
// at the funder's rate in the program, with its effective annual rate, its expiry and
// its reasons.
type RequestCertificateDiscounting struct {
	Actor     string
	ID        string
	ProgramID string
	PieceID   string
	FunderID  string
}

// Keys implements linkfin.Command.
func (c *RequestCertificateDiscounting) Keys() []linkfin.ObjectKey {
	return append(requestKeys(c.ID, linkfin.KindCertificate, c.PieceID, c.ProgramID), append(decisionKeys(c.Actor, c.FunderID), organizationKey(c.Actor))...)
}

// LedgerKeys implements linkfin.LedgerCommand: the limits its acceptance would hold,
// which the quote must fit (drawable).
func (c *RequestCertificateDiscounting) LedgerKeys(linkfin.Records) (accounts, transfers []int64) {
	return limitKeys(c.ProgramID, c.FunderID, c.Actor), nil
}

// Apply implements linkfin.Command.
func (c *RequestCertificateDiscounting) Apply(tx linkfin.Tx) (any, error) {
	id, err := newID(tx, linkfin.KindFinancing, c.ID)
	if err != nil {
		return nil, err
	}
	piece, err := heldPiece(tx, c.PieceID, c.Actor)
	if err != nil {
		return nil, err
	}
	if err := trades(tx, c.Actor, true); err != nil {
		return nil, err
	}
	p, err := assetProgram(tx, c.ProgramID, piece.ProgramID)
	if err != nil {
		return nil, err
	}
	p, d, err := decide(tx, p, graded{linkfin.ProductCertificateDiscounting, c.Actor, c.FunderID, linkfin.KindCertificate, piece.ID})
	if err != nil {
		return nil, err
	}
	q, err := priceCertificateDiscounting(p, c.FunderID, piece, linkfin.BusinessDate(tx.Now()))
	if err != nil {
		return nil, err
	}
	fin := newQuote(tx, id, certificateDiscounting{}, p, c.Actor, c.FunderID, piece.ID, q)
	fin.Tier, fin.SupplierLimit, fin.PayeeID, fin.Decision = piece.Tier, p.SupplierLimit, c.Actor, d
	if err := drawable(tx, fin); err != nil {
		return nil, err
	}
	return fin, tx.Put(linkfin.KindFinancing, fin.ID, fin, "financing.quoted")
}

// priceCertificateDiscounting prices the sale of a piece to a funder of its program p,
// the funds arriving on the value date: price = face − face × rate × days / basis, at
// the funder's rate, with the days to the piece's maturity. It refuses what a request
// would: a program that does not offer the product, a funder not live in it, a piece
// that matures outside the program's tenor.
func priceCertificateDiscounting(p *linkfin.Program, funderID string, piece *linkfin.Certificate, valueDate linkfin.Date) (linkfin.Quote, error) {
	funder, err := offered(p, linkfin.ProductCertificateDiscounting, "certificate discounting", funderID)
	if err != nil {
		return linkfin.Quote{}, err
	}
	days := linkfin.DaysBetween(valueDate, piece.Maturity)
	if days < 1 || days > p.MaxTenorDays {
		return linkfin.Quote{}, linkfin.Errorf(linkfin.EINVALID, "the piece matures in %d days; the program finances 1 to %d", days, p.MaxTenorDays)
	}
	rate := funder.Pricing.Annual()
	discount, err := linkfin.Discount(piece.Face, rate, days, p.DayCount)
	if err != nil {
		return linkfin.Quote{}, err
	}
	price, err := linkfin.Sub(piece.Face, discount)
	if err != nil {
		return linkfin.Quote{}, err
	}
	eff, err := linkfin.EffectiveAnnualRate(price, piece.Face, days, p.DayCount)
	if err != nil {
		return linkfin.Quote{}, err
	}
	return linkfin.Quote{Face: piece.Face, Rate: rate, Days: days, DayCount: p.DayCount, Discount: discount, Price: price,
		EffectiveRate: eff, ValueDate: valueDate, Reasons: []string{
			"the certificate is owed by its anchor (" + piece.AnchorID + "), who issued it from payables it approved after a three-way match",
			"funder " + funderID + " is live in program " + p.ID + " at " + rate.String() + " a year",
			"the piece matures on " + piece.Maturity.String() + ", within the program's tenor",
		}}, nil
}

// AcceptCertificateDiscounting is the requester accepting a quote before it expires:
// the limits are held (the ledger refuses a hold over the program's, the funder's or
// the supplier's limit) and the piece is locked to this financing alone.
// DisburseFinancing completes it: the funder pays and becomes the holder.
type AcceptCertificateDiscounting struct {
	Actor   string
	ID      string
	PieceID string // the quote's piece, named again so it can be prefetched
}

// Keys implements linkfin.Command.
func (c *AcceptCertificateDiscounting) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{
		{Kind: linkfin.KindFinancing, ID: c.ID},
		{Kind: linkfin.KindCertificate, ID: c.PieceID},
		organizationKey(c.Actor),
	}
}

// DependentKeys implements linkfin.DependentCommand: what checks that the quote's
// credit decision still stands (grantKeys).
func (c *AcceptCertificateDiscounting) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	return grantKeys(r, c.ID)
}

// LedgerKeys implements linkfin.LedgerCommand.
func (c *AcceptCertificateDiscounting) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	return financingAccounts(r, c.ID)
}

// Apply implements linkfin.Command.
func (c *AcceptCertificateDiscounting) Apply(tx linkfin.Tx) (any, error) {
	f, already, err := quoted(tx, c.ID, c.Actor, linkfin.ProductCertificateDiscounting, c.PieceID, linkfin.FinancingAccepted)
	if err != nil || already {
		return f, err
	}
	if err := trades(tx, c.Actor, true); err != nil {
		return nil, err
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
