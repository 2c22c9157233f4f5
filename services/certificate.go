package services

import (
	"context"
	"encoding/json"
	"slices"

	"linkfin"
)

// IssueCertificate is an anchor turning approved payables it owes one seller into a
// certificate held by that seller: payables written under the certificate's program,
// each owing something; face = their sum, maturity = the latest due date rolled
// forward to a business day of the program's calendar. The certificate gets a new id
// (ID empty).
type IssueCertificate struct {
	Actor      string
	ID         string
	ProgramID  string
	PayableIDs []string

	maturity maturityTarget
}

// Keys implements linkfin.Command.
func (c *IssueCertificate) Keys() []linkfin.ObjectKey {
	keys := append(idKeys(linkfin.KindCertificate, c.ID), linkfin.ObjectKey{Kind: linkfin.KindProgram, ID: c.ProgramID},
		linkfin.ObjectKey{Kind: linkfin.KindOrganization, ID: c.Actor})
	for _, id := range c.PayableIDs {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindPayable, ID: id})
	}
	return keys
}

// DependentKeys implements linkfin.DependentCommand: the maturity index of the date
// the payables give, each payable's order and the advance it backs (heldByOrder), and
// the organization of the seller each is owed to, which would hold the certificate.
func (c *IssueCertificate) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var orders []linkfin.ObjectKey
	for _, id := range c.PayableIDs {
		orders = append(orders, orderFinancingKeys(r, id)...)
		var pay linkfin.Payable
		if found, err := r.Get(linkfin.KindPayable, id, &pay); err == nil && found {
			orders = append(orders, organizationKey(pay.SellerID))
		}
	}
	var p linkfin.Program
	if found, err := r.Get(linkfin.KindProgram, c.ProgramID, &p); err != nil || !found {
		return orders
	}
	var latest linkfin.Date
	for _, id := range c.PayableIDs {
		var pay linkfin.Payable
		if found, err := r.Get(linkfin.KindPayable, id, &pay); err != nil || !found {
			return orders
		}
		if pay.DueDate.After(latest) {
			latest = pay.DueDate
		}
	}
	cal, err := linkfin.SharedCalendar(p.Calendar)
	if err != nil {
		return orders
	}
	return c.maturity.keys(orders, r, p.ID, cal.Following(latest), 1)
}

// Apply implements linkfin.Command.
func (c *IssueCertificate) Apply(tx linkfin.Tx) (any, error) {
	p, err := program(tx, c.ProgramID, c.Actor)
	if err != nil {
		return nil, err
	}
	if p.AnchorID != c.Actor {
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the program's anchor issues certificates")
	}
	if err := capable(tx, c.Actor, linkfin.CapAnchor); err != nil {
		return nil, err
	}
	if !p.Offers(linkfin.ProductCertificateDiscounting) {
		return nil, linkfin.Errorf(linkfin.EINVALID, "program %s does not offer certificates", p.ID)
	}
	if len(c.PayableIDs) == 0 || len(c.PayableIDs) > linkfin.MaxCertificatePayables {
		return nil, linkfin.Errorf(linkfin.EINVALID, "a certificate is issued from 1 to %d payables", linkfin.MaxCertificatePayables)
	}
	id, err := newID(tx, linkfin.KindCertificate, c.ID)
	if err != nil {
		return nil, err
	}
	cert := linkfin.Certificate{ID: id, RootID: id, AnchorID: c.Actor, ProgramID: p.ID, Currency: p.Currency,
		Tier: 1, Status: linkfin.CertificateActive, CreatedAt: tx.Now()}
	var latest linkfin.Date
	for i, id := range c.PayableIDs {
		if slices.Contains(c.PayableIDs[:i], id) {
			return nil, linkfin.Errorf(linkfin.EINVALID, "payable %s is listed twice", id)
		}
		var pay linkfin.Payable
		found, err := tx.Get(linkfin.KindPayable, id, &pay)
		if err != nil {
			return nil, err
		}
		// Only approved, three-way-matched payables back a certificate (Greensill):
		// a payable exists only once the buyer approved a matched invoice.
		if !found || pay.BuyerID != c.Actor {
			return nil, linkfin.Errorf(linkfin.ENOTFOUND, "payable %s not found", id)
		}
		switch {
		case pay.Status != linkfin.PayableOpen:
			return nil, notOpen(&pay)
		case pay.ProgramID == "":
			// A payable of an order in no program is the anchor's ordinary trade
			// payable (its disclosure's comparable one): no program finances it.
			return nil, linkfin.Errorf(linkfin.EINVALID, "payable %s is in no program: it backs no certificate of program %s", id, p.ID)
		case pay.ProgramID != p.ID:
			// A payable finances under the program its order was written under.
			return nil, linkfin.Errorf(linkfin.EINVALID, "payable %s is under program %s, not %s", id, pay.ProgramID, p.ID)
		case pay.Currency != p.Currency:
			return nil, linkfin.Errorf(linkfin.EINVALID, "payable %s is in %s, the program in %s", id, pay.Currency, p.Currency)
		case pay.Amount <= 0:
			// Credited down to nothing, or approved so: nothing is owed to back a
			// certificate with, and a certificate's face is never 0.
			return nil, linkfin.Errorf(linkfin.EINVALID, "payable %s owes nothing: it backs no certificate", id)
		case i > 0 && pay.SellerID != cert.HolderID:
			return nil, linkfin.Errorf(linkfin.EINVALID, "a certificate's payables are owed to one seller")
		}
		if err := heldByOrder(tx, &pay); err != nil {
			return nil, err
		}
		cert.HolderID = pay.SellerID
		if cert.Face, err = linkfin.Add(cert.Face, pay.Amount); err == nil {
			err = linkfin.CheckAmount("the certificate's face", cert.Face)
		}
		if err != nil {
			return nil, err
		}
		if pay.DueDate.After(latest) {
			latest = pay.DueDate
		}
		pay.Status = linkfin.PayableCertified
		pay.CertificateID = cert.ID
		if err := tx.Put(linkfin.KindPayable, pay.ID, &pay, "payable.certified"); err != nil {
			return nil, err
		}
	}
	// A certificate passes what the anchor owes to its holder: an anchor that does not
	// trade issues none, as it passes on no piece, and a seller that does not trade is
	// issued none, as it is passed no piece.
	if err := tradeBetween(tx, c.Actor, cert.HolderID); err != nil {
		return nil, err
	}
	cal, err := linkfin.SharedCalendar(p.Calendar)
	if err != nil {
		return nil, err
	}
	cert.Maturity = cal.Following(latest)
	today := linkfin.BusinessDate(tx.Now())
	if days := linkfin.DaysBetween(today, cert.Maturity); days < 1 || days > p.MaxTenorDays {
		return nil, linkfin.Errorf(linkfin.EINVALID, "maturity %s is %d days away; the program allows 1 to %d", cert.Maturity, days, p.MaxTenorDays)
	}
	cert.PayableIDs = slices.Clone(c.PayableIDs)
	if err := updateMaturity(tx, c.maturity, cert.ProgramID, cert.Maturity, nil, []*linkfin.Certificate{&cert}); err != nil {
		return nil, err
	}
	return &cert, tx.Put(linkfin.KindCertificate, cert.ID, &cert, "certificate.issued")
}

// SplitCertificate is the holder dividing a piece into pieces whose faces sum exactly
// to it. The holder says how much each is, so there is no remainder to place. The
// pieces get new ids (Piece.ID empty), in the order given.
type SplitCertificate struct {
	Actor  string
	ID     string
	Pieces []linkfin.Piece

	maturity maturityTarget
}

// Keys implements linkfin.Command.
func (c *SplitCertificate) Keys() []linkfin.ObjectKey {
	keys := []linkfin.ObjectKey{{Kind: linkfin.KindCertificate, ID: c.ID}}
	for _, p := range c.Pieces {
		keys = append(keys, idKeys(linkfin.KindCertificate, p.ID)...)
	}
	return keys
}

// DependentKeys implements linkfin.DependentCommand: the piece's maturity index.
func (c *SplitCertificate) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	return pieceMaturity(r, c.ID, &c.maturity, func(*linkfin.Certificate) int { return len(c.Pieces) })
}

// Apply implements linkfin.Command.
func (c *SplitCertificate) Apply(tx linkfin.Tx) (any, error) {
	parent, err := heldPiece(tx, c.ID, c.Actor)
	if err != nil {
		return nil, err
	}
	if len(c.Pieces) < linkfin.MinSplitPieces || len(c.Pieces) > linkfin.MaxSplitPieces {
		return nil, linkfin.Errorf(linkfin.EINVALID, "a split makes %d to %d pieces", linkfin.MinSplitPieces, linkfin.MaxSplitPieces)
	}
	holders := make([]string, len(c.Pieces))
	for i := range holders {
		holders[i] = c.Actor
	}
	children, err := divide(tx, c.maturity, parent, c.Pieces, holders, 0)
	if err != nil {
		return nil, err
	}
	parent.Status = linkfin.CertificateSplit
	return children, tx.Put(linkfin.KindCertificate, parent.ID, parent, "certificate.split")
}

// TransferCertificate is the holder passing all or part of a piece to a party it
// trades with: the recipient's part becomes a new piece and, for a part, the rest
// another piece that stays with the holder. The new pieces get new ids (NewID and
// RemainderID empty).
type TransferCertificate struct {
	Actor       string
	ID          string
	To          string
	Amount      int64
	NewID       string // the recipient's piece
	RemainderID string // the holder's remaining piece, when Amount < face

	maturity maturityTarget
}

// Keys implements linkfin.Command.
func (c *TransferCertificate) Keys() []linkfin.ObjectKey {
	keys := []linkfin.ObjectKey{
		{Kind: linkfin.KindCertificate, ID: c.ID},
		{Kind: linkfin.KindRelationship, ID: linkfin.RelationshipID(c.Actor, c.To)},
		{Kind: linkfin.KindRelationship, ID: linkfin.RelationshipID(c.To, c.Actor)},
		organizationKey(c.Actor),
		organizationKey(c.To),
	}
	keys = append(keys, idKeys(linkfin.KindCertificate, c.NewID)...)
	return append(keys, idKeys(linkfin.KindCertificate, c.RemainderID)...)
}

// DependentKeys implements linkfin.DependentCommand: the piece's maturity index.
func (c *TransferCertificate) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	return pieceMaturity(r, c.ID, &c.maturity, func(p *linkfin.Certificate) int {
		if c.Amount == p.Face {
			return 1 // the whole piece
		}
		return 2 // the recipient's piece and the holder's remainder
	})
}

// Apply implements linkfin.Command.
func (c *TransferCertificate) Apply(tx linkfin.Tx) (any, error) {
	parent, err := heldPiece(tx, c.ID, c.Actor)
	if err != nil {
		return nil, err
	}
	// A trade background is required: the holder and the recipient must trade with
	// each other, in either direction.
	// Passed to a supplier of the holder's, the piece goes a tier down the chain; to a
	// buyer of the holder's (and not a supplier too), a tier back up.
	var down, up bool
	for i, id := range []string{linkfin.RelationshipID(c.Actor, c.To), linkfin.RelationshipID(c.To, c.Actor)} {
		var r linkfin.Relationship
		found, err := linkfin.View(tx, linkfin.KindRelationship, id, &r)
		if err != nil {
			return nil, err
		}
		active := found && r.Status == linkfin.RelationshipActive
		if i == 0 {
			down = active
		} else {
			up = active
		}
	}
	if !down && !up || c.To == c.Actor {
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "a certificate passes only to a party the holder has an active relationship with")
	}
	// The holder trades with the recipient still: as its buyer, or else as its seller;
	// and the recipient with the holder, as its seller, or else as its buyer.
	if err := trades(tx, c.Actor, !down); err != nil {
		return nil, err
	}
	if err := trades(tx, c.To, down); err != nil {
		return nil, err
	}
	if c.To == parent.AnchorID {
		// Its claim would be on itself: the anchor pays its own payable early by
		// dynamic discounting, not by holding it.
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "a certificate does not pass to %s, which owes it", c.To)
	}
	switch {
	case c.Amount <= 0 || c.Amount > parent.Face:
		return nil, linkfin.Errorf(linkfin.EINVALID, "the amount transferred is positive and at most the piece's face (%s)", linkfin.Money{Amount: parent.Face, Currency: parent.Currency})
	case c.Amount == parent.Face && c.RemainderID != "":
		return nil, linkfin.Errorf(linkfin.EINVALID, "a whole transfer leaves no remainder")
	}
	pieces := []linkfin.Piece{{ID: c.NewID, Face: c.Amount}}
	holders := []string{c.To}
	if c.Amount < parent.Face {
		rest, err := linkfin.Sub(parent.Face, c.Amount)
		if err != nil {
			return nil, err
		}
		pieces = append(pieces, linkfin.Piece{ID: c.RemainderID, Face: rest})
		holders = append(holders, c.Actor)
	}
	step := 1
	if !down {
		step = -1
	}
	children, err := divide(tx, c.maturity, parent, pieces, holders, step)
	if err != nil {
		return nil, err
	}
	parent.Status = linkfin.CertificateTransferred
	return children, tx.Put(linkfin.KindCertificate, parent.ID, parent, "certificate.transferred")
}

// heldPiece reads an active piece that the actor holds. To anyone but its holder and
// anchor a piece does not exist.
func heldPiece(tx linkfin.Tx, id, actor string) (*linkfin.Certificate, error) {
	var c linkfin.Certificate
	found, err := tx.Get(linkfin.KindCertificate, id, &c)
	if err != nil {
		return nil, err
	}
	if !found || actor != c.HolderID && actor != c.AnchorID {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "certificate %s not found", id)
	}
	if err := holds(&c, actor); err != nil {
		return nil, err
	}
	return &c, nil
}

// holds refuses a piece that actor does not hold, active and backing no financing.
func holds(c *linkfin.Certificate, actor string) error {
	switch {
	case c.HolderID != actor:
		return linkfin.Errorf(linkfin.EFORBIDDEN, "only the piece's holder acts on it: %s holds it", c.HolderID)
	case c.Status != linkfin.CertificateActive:
		return linkfin.Errorf("certificate_not_active", "certificate %s is %s", c.ID, c.Status)
	case c.FinancingID != "":
		return linkfin.Errorf("asset_financed", "certificate %s backs financing %s", c.ID, c.FinancingID)
	}
	return nil
}

// divide creates the children of parent: their faces must sum exactly to its face. A
// child held by another than the parent's holder is step tiers from it (1 down the
// chain, −1 back up, never above tier 1).
func divide(tx linkfin.Tx, to maturityTarget, parent *linkfin.Certificate, pieces []linkfin.Piece, holders []string, step int) ([]linkfin.Certificate, error) {
	var sum int64
	children := make([]linkfin.Certificate, len(pieces))
	for i, p := range pieces {
		if p.Face <= 0 {
			return nil, linkfin.Errorf(linkfin.EINVALID, "piece %d has a positive face", i+1)
		}
		for _, q := range pieces[:i] {
			if p.ID != "" && q.ID == p.ID {
				return nil, linkfin.Errorf(linkfin.EINVALID, "piece id %s is used twice", p.ID)
			}
		}
		var err error
		if p.ID, err = newID(tx, linkfin.KindCertificate, p.ID); err != nil {
			return nil, err
		}
		if sum, err = linkfin.Add(sum, p.Face); err != nil {
			return nil, err
		}
		tier := parent.Tier
		if holders[i] != parent.HolderID {
			tier = max(1, tier+step) // passed one step down the chain, or back up it
		}
		children[i] = linkfin.Certificate{ID: p.ID, RootID: parent.RootID, ParentID: parent.ID, AnchorID: parent.AnchorID,
			ProgramID: parent.ProgramID, HolderID: holders[i], Tier: tier, Currency: parent.Currency, Face: p.Face,
			Maturity: parent.Maturity, Status: linkfin.CertificateActive, CreatedAt: tx.Now()}
	}
	if sum != parent.Face {
		return nil, linkfin.Errorf(linkfin.EINVALID, "the pieces sum to %s, not to the face %s: a split neither loses nor creates a fen", linkfin.Money{Amount: sum, Currency: parent.Currency}, linkfin.Money{Amount: parent.Face, Currency: parent.Currency})
	}
	added := make([]*linkfin.Certificate, len(children))
	for i := range children {
		added[i] = &children[i]
	}
	if err := updateMaturity(tx, to, parent.ProgramID, parent.Maturity, parent, added); err != nil {
		return nil, err
	}
	for i := range children {
		parent.Children = append(parent.Children, children[i].ID)
		if err := tx.Put(linkfin.KindCertificate, children[i].ID, &children[i], "certificate.created"); err != nil {
			return nil, err
		}
	}
	return children, nil
}

// CertificateLineage reads a piece's lineage from the store.
func CertificateLineage(ctx context.Context, s linkfin.RecordReader, id string) (*linkfin.Lineage, error) {
	var c linkfin.Certificate
	if err := read(ctx, s, linkfin.KindCertificate, id, &c); err != nil {
		return nil, err
	}
	return LineageOf(ctx, s, &c)
}

// LineageOf reads the lineage of a piece already read.
func LineageOf(ctx context.Context, s linkfin.RecordReader, piece *linkfin.Certificate) (*linkfin.Lineage, error) {
	l := linkfin.Lineage{Pieces: []linkfin.Certificate{*piece}}
	for next := piece.ParentID; next != ""; {
		var c linkfin.Certificate
		if err := read(ctx, s, linkfin.KindCertificate, next, &c); err != nil {
			return nil, err
		}
		l.Pieces = append([]linkfin.Certificate{c}, l.Pieces...)
		next = c.ParentID
	}
	for _, pid := range l.Pieces[0].PayableIDs {
		var p linkfin.Payable
		if err := read(ctx, s, linkfin.KindPayable, pid, &p); err != nil {
			return nil, err
		}
		var inv linkfin.Invoice
		if err := read(ctx, s, linkfin.KindInvoice, p.InvoiceID, &inv); err != nil {
			return nil, err
		}
		var po linkfin.PurchaseOrder
		if err := read(ctx, s, linkfin.KindPurchaseOrder, p.POID, &po); err != nil {
			return nil, err
		}
		if inv.Hold != nil {
			// A piece's holders and funders are not party to the earlier invoice the
			// hold named: it says it was held and cleared, not which invoice it resembled.
			h := *inv.Hold
			h.EarlierInvoiceID, inv.Hold = "", &h
		}
		l.Payables, l.Invoices, l.Orders = append(l.Payables, p), append(l.Invoices, inv), append(l.Orders, po)
	}
	return &l, nil
}

// read reads one record from the store: a copy of the reader's own value where it is
// a ValueGetter, else the record's JSON decoded. A record that is not there is
// ENOTFOUND either way.
func read(ctx context.Context, s linkfin.RecordReader, kind, id string, v any) error {
	if vg, ok := s.(ValueGetter); ok {
		found, err := vg.GetValue(ctx, kind, id, v)
		if err == nil && !found {
			err = linkfin.Errorf(linkfin.ENOTFOUND, "%s %s not found", kind, id)
		}
		return err
	}
	o, err := s.Object(ctx, kind, id)
	if err != nil {
		return err
	}
	return json.Unmarshal(o.Data, v)
}

// pieceMaturity is the keys of the maturity index that a split or a transfer of a
// piece changes, read from its record: the chunk that lists it, and those that the new
// pieces it makes of it (as many as made says) may go to (maturityTarget.keys).
func pieceMaturity(r linkfin.Records, id string, to *maturityTarget, made func(*linkfin.Certificate) int) []linkfin.ObjectKey {
	var c linkfin.Certificate
	if found, err := r.Get(linkfin.KindCertificate, id, &c); err != nil || !found {
		return nil
	}
	keys := to.keys(nil, r, c.ProgramID, c.Maturity, made(&c))
	if c.MaturityChunk > 0 {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindMaturity, ID: linkfin.MaturityChunkID(c.ProgramID, c.Maturity, c.MaturityChunk)})
	}
	return keys
}

// maturityTarget is the chunk of a date's maturity index that a command's new pieces
// go to: the last chunk, or the one after it when they would not fit in the last, as
// the records stood before the command's batch. A command may name only those two, so
// the commands of a batch that add pieces to one date go to those two alone (to the
// later, once one of them has started it): a chunk passes linkfin.MaturityChunkPieces
// by no more than what one batch adds, and the chunks stay in the order their pieces
// were made.
type maturityTarget struct{ chunk int }

// keys appends the keys of the maturity index that n new pieces of a date may go to,
// and notes in to the chunk they go to: the index's first record, which says how many
// chunks follow it, its last chunk and the one after. It reads the first record and
// the last chunk from the records loaded so far (DependentKeys asks again until both
// are).
func (to *maturityTarget) keys(keys []linkfin.ObjectKey, r linkfin.Records, program string, d linkfin.Date, n int) []linkfin.ObjectKey {
	to.chunk = 0
	keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindMaturity, ID: linkfin.MaturityID(program, d)})
	var first linkfin.Maturity
	if found, err := r.Get(linkfin.KindMaturity, linkfin.MaturityID(program, d), &first); err != nil || !found {
		return keys
	}
	last := first.Chunks
	for _, k := range []int{last, last + 1} {
		if k > 0 {
			keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindMaturity, ID: linkfin.MaturityChunkID(program, d, k)})
		}
	}
	to.chunk = last
	lastChunk := first
	if last > 0 {
		lastChunk = linkfin.Maturity{} // Records shares into a zero value
		if found, err := r.Get(linkfin.KindMaturity, linkfin.MaturityChunkID(program, d, last), &lastChunk); err != nil || !found {
			return keys
		}
	}
	if len(lastChunk.Pieces)+n > maturityChunkPieces {
		to.chunk = last + 1
	}
	return keys
}

// maturityChunkPieces is linkfin.MaturityChunkPieces, which a test makes smaller.
var maturityChunkPieces = linkfin.MaturityChunkPieces

// updateMaturity keeps a maturity index listing exactly the active pieces: removed (if
// not nil) leaves the chunk that lists it, and added go to the chunk to (or to the
// last, if a command of the batch before this one started a later one); each added
// piece is told its chunk (Certificate.MaturityChunk) before it is written. Only the
// chunks that change are written.
func updateMaturity(tx linkfin.Tx, to maturityTarget, program string, d linkfin.Date, removed *linkfin.Certificate, added []*linkfin.Certificate) error {
	type chunk struct {
		m     linkfin.Maturity
		dirty bool
	}
	chunks := map[int]*chunk{}
	load := func(k int) (*chunk, error) {
		if c := chunks[k]; c != nil {
			return c, nil
		}
		c := &chunk{}
		found, err := tx.Get(linkfin.KindMaturity, linkfin.MaturityChunkID(program, d, k), &c.m)
		if err != nil {
			return nil, err
		}
		if !found {
			c.m = linkfin.Maturity{ID: linkfin.MaturityChunkID(program, d, k), ProgramID: program, Date: d, Chunk: k, Pieces: []string{}, Paid: []string{}}
		}
		chunks[k] = c
		return c, nil
	}
	first, err := load(0)
	if err != nil {
		return err
	}
	chunks0, later := first.m.Chunks, first.m.Later
	if removed != nil {
		c, err := load(removed.MaturityChunk)
		if err != nil {
			return err
		}
		i := slices.Index(c.m.Pieces, removed.ID)
		if i < 0 {
			return linkfin.Errorf(linkfin.EINTERNAL, "the maturity index of %s does not list piece %s", d, removed.ID)
		}
		c.m.Pieces, c.dirty = slices.Delete(c.m.Pieces, i, i+1), true
		if removed.MaturityChunk > 0 {
			first.m.Later--
		}
	}
	if len(added) > 0 {
		k := max(to.chunk, first.m.Chunks)
		c, err := load(k)
		if err != nil {
			return err
		}
		first.m.Chunks = k
		// One list of the right length: a chunk can list many pieces.
		c.m.Pieces, c.dirty = slices.Grow(c.m.Pieces, len(added)), true
		for _, p := range added {
			c.m.Pieces = append(c.m.Pieces, p.ID)
			p.MaturityChunk = k
		}
		if k > 0 {
			first.m.Later += len(added)
		}
	}
	if first.m.Chunks != chunks0 || first.m.Later != later {
		first.dirty = true
	}
	for k := range first.m.Chunks + 1 {
		if c := chunks[k]; c != nil && c.dirty {
			if err := tx.Put(linkfin.KindMaturity, c.m.ID, &c.m, "maturity.updated"); err != nil {
				return err
			}
		}
	}
	return nil
}

// CertificateTree reads every piece of a certificate tree, root first, then in id
// order: the whole history of splits, transfers, financings and settlement.
func CertificateTree(ctx context.Context, s linkfin.RecordReader, root string) ([]linkfin.Certificate, error) {
	var out []linkfin.Certificate
	queue := []string{root}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		var c linkfin.Certificate
		if err := read(ctx, s, linkfin.KindCertificate, id, &c); err != nil {
			return nil, err
		}
		if c.RootID != root {
			return nil, linkfin.Errorf(linkfin.ENOTFOUND, "certificate %s is not a root", root)
		}
		out = append(out, c)
		queue = append(queue, c.Children...)
	}
	return out, nil
}
