package services

import (
	"slices"

	"linkfin"
	"linkfin/ledger"
)

// SettleMaturity pays a program's pieces that mature on a date: the anchor pays once,
// from its wallet, and every holder of every active piece — supplier or funder — gets
// exactly its face. A financed piece's draw on the limits is released. If the anchor's
// wallet cannot cover every piece, the pieces are paid in order while it can, and the
// rest stay active and are reported overdue, with a shortfall of what they are owed:
// faces and late interest. Running it again pays nothing twice: paid pieces leave the
// index.
//
// A program on the e-CNY rail pays each holder's designated e-CNY wallet from the
// anchor's, each piece one payment within both wallets' limits. A piece whose
// payment is refused — its holder (or the anchor) designated no wallet, or the
// payment would pass the anchor's single-payment, daily or yearly limit or the
// holder's balance limit — is not paid at all: it stays in the index, active, and is
// reported among Refused with the refusal's code, while the other pieces are paid. A
// later run pays it once the cause is gone. The anchor's wallet short of money leaves
// pieces overdue, as on the platform wallets.
type SettleMaturity struct {
	ProgramID string
	Date      linkfin.Date
}

// Validate implements linkfin.Validator: the run names its date, bounded as an
// invoice's dates are, as every piece's maturity is (none, the zero date, is out of
// the range too).
func (c *SettleMaturity) Validate() error {
	return linkfin.CheckDate("date", c.Date)
}

// Keys implements linkfin.Command.
func (c *SettleMaturity) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{
		{Kind: linkfin.KindProgram, ID: c.ProgramID},
		{Kind: linkfin.KindMaturity, ID: linkfin.MaturityID(c.ProgramID, c.Date)},
	}
}

// DependentKeys implements linkfin.DependentCommand: the pieces due and their financings.
func (c *SettleMaturity) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	keys, pieces := maturityPieces(r, c.ProgramID, c.Date)
	if keys == nil {
		return nil
	}
	// A piece, its financing, its root, the root's payable and the payable's two
	// scorecards, for most.
	keys = slices.Grow(keys, 6*len(pieces))
	var prog linkfin.Program
	ecny := false
	if found, _ := r.Get(linkfin.KindProgram, c.ProgramID, &prog); found && prog.SettlementRail == linkfin.RailECNY {
		ecny = true
		keys = append(keys, designatedKeys(r, prog.AnchorID)...)
	}
	// The pieces of one certificate share its root, whose keys are listed once.
	roots := make(map[string]bool)
	var p, root linkfin.Certificate
	for _, id := range pieces {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindCertificate, ID: id})
		p = linkfin.Certificate{} // Records shares into a zero value
		if found, _ := r.Get(linkfin.KindCertificate, id, &p); !found {
			continue
		}
		if ecny {
			keys = append(keys, designatedKeys(r, p.HolderID)...)
		}
		if p.FinancingID != "" {
			keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindFinancing, ID: p.FinancingID})
		}
		// The root, and the payables it was issued from: paid once all its pieces are.
		if roots[p.RootID] {
			continue
		}
		roots[p.RootID] = true
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindCertificate, ID: p.RootID})
		root = linkfin.Certificate{}
		if found, _ := r.Get(linkfin.KindCertificate, p.RootID, &root); found {
			for _, id := range root.PayableIDs {
				keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindPayable, ID: id})
				keys = appendPaymentKeys(keys, r, id) // the seller's scorecards count the payment
			}
		}
	}
	return keys
}

// maturityPieces reads the maturity index of a program's date, loaded so far: the keys
// of its chunks (nil if its first record is not there), and the pieces they list, in
// order.
func maturityPieces(r linkfin.Records, program string, d linkfin.Date) (keys []linkfin.ObjectKey, pieces []string) {
	var m linkfin.Maturity
	if found, err := r.Get(linkfin.KindMaturity, linkfin.MaturityID(program, d), &m); err != nil || !found {
		return nil, nil
	}
	keys = []linkfin.ObjectKey{{Kind: linkfin.KindMaturity, ID: m.ID}}
	pieces = m.Pieces
	for k := 1; k <= m.Chunks; k++ {
		id := linkfin.MaturityChunkID(program, d, k)
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindMaturity, ID: id})
		var ch linkfin.Maturity
		if found, err := r.Get(linkfin.KindMaturity, id, &ch); err == nil && found {
			pieces = append(pieces[:len(pieces):len(pieces)], ch.Pieces...)
		}
	}
	return keys, pieces
}

// LedgerKeys implements linkfin.LedgerCommand.
func (c *SettleMaturity) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	var p linkfin.Program
	if found, err := r.Get(linkfin.KindProgram, c.ProgramID, &p); err != nil || !found {
		return nil, nil
	}
	keys, pieces := maturityPieces(r, c.ProgramID, c.Date)
	if keys == nil {
		return nil, nil
	}
	// The anchor's wallet and the program's limits, then each holder's wallet and, for
	// most, its financing's two limits.
	accounts = append(make([]int64, 0, 3+3*len(pieces)), linkfin.WalletID(p.AnchorID, p.Currency), LimitID(p.ID, ""), limitSourceID(p.ID))
	ecny := p.SettlementRail == linkfin.RailECNY
	if ecny {
		accounts = append(accounts, designatedAccounts(r, p.AnchorID)...)
	}
	var piece linkfin.Certificate
	var f linkfin.Financing
	for _, id := range pieces {
		piece = linkfin.Certificate{} // Records shares into a zero value
		if found, _ := r.Get(linkfin.KindCertificate, id, &piece); found {
			accounts = append(accounts, linkfin.WalletID(piece.HolderID, p.Currency))
			if ecny {
				accounts = append(accounts, designatedAccounts(r, piece.HolderID)...)
			}
			f = linkfin.Financing{}
			if found, _ := r.Get(linkfin.KindFinancing, piece.FinancingID, &f); found {
				accounts = append(accounts, LimitID(p.ID, f.FunderID), supplierLimitID(p.ID, f.RequesterID))
				if f.Status == linkfin.FinancingAccepted { // its holds, to void
					for _, g := range limitDraws(&f) {
						transfers = append(transfers, LegID(&f, g.name))
					}
				}
			}
		}
	}
	return accounts, transfers
}

// Apply implements linkfin.Command.
func (c *SettleMaturity) Apply(tx linkfin.Tx) (any, error) {
	if c.Date.IsZero() {
		return nil, linkfin.Errorf(linkfin.EINVALID, "a settlement run names its date")
	}
	var p linkfin.Program
	if found, err := linkfin.View(tx, linkfin.KindProgram, c.ProgramID, &p); err != nil {
		return nil, err
	} else if !found {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "program %s not found", c.ProgramID)
	}
	if linkfin.BusinessDate(tx.Now()).Before(c.Date) {
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "%s has not come yet: nothing matures before its date", c.Date)
	}
	res := &linkfin.SettlementResult{ProgramID: p.ID, Date: c.Date.String(), Paid: []string{}, Overdue: []string{}}
	var first linkfin.Maturity
	found, err := tx.Get(linkfin.KindMaturity, linkfin.MaturityID(p.ID, c.Date), &first)
	if err != nil || !found || !first.Lists() {
		return res, err
	}
	chunks, err := maturityChunks(tx, &first, p.ID, c.Date)
	if err != nil {
		return nil, err
	}
	s, err := newSettlement(tx, &p, c.Date, res)
	if err != nil {
		return nil, err
	}
	// Every chunk's pieces in turn, each chunk keeping those left unpaid.
	type listedPiece struct {
		chunk *linkfin.Maturity
		id    string
	}
	var listed []listedPiece
	had := make([]bool, len(chunks))
	for k, m := range chunks {
		for _, id := range m.Pieces {
			listed = append(listed, listedPiece{m, id})
		}
		had[k], m.Pieces = len(m.Pieces) > 0, []string{}
	}
	for _, it := range listed {
		if err := s.settle(it.chunk, it.id); err != nil {
			return nil, err
		}
	}
	first.Later = 0
	for k, m := range chunks[1:] {
		first.Later += len(m.Pieces)
		if had[k+1] {
			if err := tx.Put(linkfin.KindMaturity, m.ID, m, "maturity.settled"); err != nil {
				return nil, err
			}
		}
	}
	if err := payRoots(tx, s.paidRoots, s.overdueRoots); err != nil {
		return nil, err
	}
	return res, tx.Put(linkfin.KindMaturity, first.ID, &first, "maturity.settled")
}

// maturityChunks reads the chunks of a date's maturity index, first the one given:
// the pieces in the order they were made.
func maturityChunks(tx linkfin.Tx, first *linkfin.Maturity, program string, d linkfin.Date) ([]*linkfin.Maturity, error) {
	chunks := []*linkfin.Maturity{first}
	for k := 1; k <= first.Chunks; k++ {
		var m linkfin.Maturity
		if found, err := tx.Get(linkfin.KindMaturity, linkfin.MaturityChunkID(program, d, k), &m); err != nil {
			return nil, err
		} else if !found {
			return nil, linkfin.Errorf(linkfin.EINTERNAL, "the maturity index of %s has no chunk %d", d, k)
		}
		chunks = append(chunks, &m)
	}
	return chunks, nil
}

// settlement is a settlement run under way: the anchor's money it pays from, what it
// has left, and the certificates behind the pieces it paid or left overdue.
type settlement struct {
	tx     linkfin.Tx
	p      *linkfin.Program
	date   linkfin.Date
	res    *linkfin.SettlementResult
	ledger uint32
	anchor ledger.Account
	funds  int64 // what the anchor can still pay
	// On the e-CNY rail: the anchor's designated wallet, or why it has none.
	ecny     bool
	from     *linkfin.ECNYWallet
	noWallet error

	paidRoots    []string
	overdueRoots map[string]bool
}

// newSettlement opens the anchor's wallet and reads what it can pay: on the e-CNY
// rail, its designated wallet's.
func newSettlement(tx linkfin.Tx, p *linkfin.Program, date linkfin.Date, res *linkfin.SettlementResult) (*settlement, error) {
	l, err := ledgerOf(p.Currency)
	if err != nil {
		return nil, err
	}
	s := &settlement{tx: tx, p: p, date: date, res: res, ledger: l, overdueRoots: map[string]bool{}}
	s.anchor, _ = account(linkfin.WalletID(p.AnchorID, p.Currency), p.Currency, codeWallet, ledger.DebitsMustNotExceedCredits)
	if err := tx.CreateAccounts(s.anchor); err != nil {
		return nil, err
	}
	if s.funds, err = available(tx, s.anchor.ID); err != nil {
		return nil, err
	}
	if s.ecny = p.SettlementRail == linkfin.RailECNY; !s.ecny {
		return s, nil
	}
	if s.from, s.noWallet = designated(tx, p.AnchorID); s.noWallet != nil && linkfin.ErrorCode(s.noWallet) != linkfin.ENOECNYWALLET {
		return nil, s.noWallet
	} else if s.noWallet == nil {
		if s.funds, err = available(tx, int64(s.from.Ledger.Wallet)); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// settle pays one piece the chunk m listed, or leaves it in m: overdue if the anchor
// cannot pay it, refused if its e-CNY payment is.
func (s *settlement) settle(m *linkfin.Maturity, id string) error {
	tx, res := s.tx, s.res
	var piece linkfin.Certificate
	if found, err := tx.Get(linkfin.KindCertificate, id, &piece); err != nil {
		return err
	} else if !found || piece.Status != linkfin.CertificateActive {
		return linkfin.Errorf(linkfin.EINTERNAL, "maturity index lists %s, which is not an active piece", id)
	}
	// Paid late: the holder is owed late interest for every day past maturity.
	var late int64
	if days := linkfin.DaysBetween(s.date, linkfin.BusinessDate(tx.Now())); days > 0 && s.p.LateRate != nil {
		var err error
		if late, err = linkfin.Interest(piece.Face, *s.p.LateRate, days, s.p.DayCount); err != nil {
			return err
		}
	}
	due, err := linkfin.Add(piece.Face, late)
	if err != nil {
		return err
	}
	if s.noWallet != nil {
		s.refuse(m, &piece, s.noWallet)
		return nil
	}
	if due > s.funds {
		m.Pieces = append(m.Pieces, id)
		s.overdueRoots[piece.RootID] = true
		res.Overdue = append(res.Overdue, id)
		// Owed now: the face and the late interest it has run up.
		res.Shortfall, err = linkfin.Add(res.Shortfall, due)
		return err
	}
	legs, err := s.pay(&piece, due, late)
	if s.ecny && err != nil && ecnyRefusal(err) {
		s.refuse(m, &piece, err)
		return nil
	}
	if err != nil {
		return err
	}
	if piece.FinancingID != "" {
		release, err := settleFinancing(tx, piece.ID, piece.FinancingID)
		if err != nil {
			return err
		}
		legs = append(legs, release...)
	}
	if len(legs) > 0 {
		if err := tx.Transfer(legs...); err != nil {
			return err
		}
	}
	if s.funds, err = linkfin.Sub(s.funds, due); err != nil {
		return err
	}
	if res.LateInterest, err = linkfin.Add(res.LateInterest, late); err != nil {
		return err
	}
	piece.Status, piece.FinancingID = linkfin.CertificateSettled, ""
	if err := tx.Put(linkfin.KindCertificate, piece.ID, &piece, "certificate.settled"); err != nil {
		return err
	}
	m.Paid = append(m.Paid, piece.ID)
	res.Paid = append(res.Paid, piece.ID)
	s.paidRoots = append(s.paidRoots, piece.RootID)
	res.PaidTotal, err = linkfin.Add(res.PaidTotal, piece.Face)
	return err
}

// refuse leaves a piece whose payment was refused in the chunk m, and says why.
func (s *settlement) refuse(m *linkfin.Maturity, piece *linkfin.Certificate, err error) {
	m.Pieces = append(m.Pieces, piece.ID)
	s.overdueRoots[piece.RootID] = true
	s.res.Refused = append(s.res.Refused, linkfin.SettlementRefusal{PieceID: piece.ID, Code: linkfin.ErrorCode(err), Message: linkfin.ErrorMessage(err)})
}

// pay pays the piece's holder what it is due, the face and the late interest: on the
// e-CNY rail at once, in one payment checked against every limit before any money
// moves (a refusal leaves the piece as it was); otherwise it returns the transfers
// from the anchor's wallet that pay it.
func (s *settlement) pay(piece *linkfin.Certificate, due, late int64) ([]ledger.Transfer, error) {
	if s.ecny {
		to, err := designated(s.tx, piece.HolderID)
		if err != nil {
			return nil, err
		}
		paid, err := payECNY(s.tx, s.from, to, due, linkfin.ECNYPayment{For: linkfin.ECNYForSettlement, PieceID: piece.ID})
		if err != nil {
			return nil, err
		}
		piece.ECNYTransferID = paid.TransferID
		return nil, nil
	}
	holder, _ := account(linkfin.WalletID(piece.HolderID, s.p.Currency), s.p.Currency, codeWallet, ledger.DebitsMustNotExceedCredits)
	if err := s.tx.CreateAccounts(holder); err != nil {
		return nil, err
	}
	xfer := func(leg string, amount int64) ledger.Transfer {
		return ledger.Transfer{ID: linkfin.LedgerID("settlement/" + piece.ID + "/" + leg), DebitAccountID: s.anchor.ID, CreditAccountID: holder.ID,
			Amount: amount, Ledger: s.ledger, Currency: string(s.p.Currency), Code: codeWallet}
	}
	legs := []ledger.Transfer{xfer("payment", piece.Face)}
	if late > 0 {
		legs = append(legs, xfer("late-interest", late))
	}
	return legs, nil
}

// settleFinancing closes the financing a paid piece was locked to: a disbursed one is
// settled, and the transfers that free the limits it drew are returned; one accepted
// but never disbursed lapses (the piece is still its requester's, and is paid to it),
// and its holds are voided.
func settleFinancing(tx linkfin.Tx, pieceID, id string) ([]ledger.Transfer, error) {
	var f linkfin.Financing
	if _, err := tx.Get(linkfin.KindFinancing, id, &f); err != nil {
		return nil, err
	}
	switch f.Status {
	case linkfin.FinancingDisbursed:
		release, err := transfersOf(&f, releaseLimits(&f))
		if err != nil {
			return nil, err
		}
		f.Status = linkfin.FinancingSettled
		return release, tx.Put(linkfin.KindFinancing, f.ID, &f, "financing.settled")
	case linkfin.FinancingAccepted:
		_, err := withdrawHolds(tx, &f, linkfin.FinancingLapsed, "financing.lapsed")
		return nil, err
	}
	return nil, linkfin.Errorf(linkfin.EINTERNAL, "piece %s is locked to financing %s, which is %s", pieceID, f.ID, f.Status)
}

// payRoots marks paid the payables behind each certificate this run paid a piece of
// and left none overdue: every piece of a certificate matures on its date, so they are
// all in this run's index.
func payRoots(tx linkfin.Tx, paid []string, overdue map[string]bool) error {
	done := map[string]bool{}
	for _, root := range paid {
		if overdue[root] || done[root] {
			continue
		}
		done[root] = true
		var c linkfin.Certificate
		if _, err := tx.Get(linkfin.KindCertificate, root, &c); err != nil {
			return err
		}
		for _, pay := range c.PayableIDs {
			var p linkfin.Payable
			found, err := tx.Get(linkfin.KindPayable, pay, &p)
			if err != nil {
				return err
			}
			if !found || p.Status != linkfin.PayableCertified {
				continue
			}
			p.Status = linkfin.PayablePaid
			markPaid(&p, tx.Now())
			if err := tallyPayment(tx, &p); err != nil {
				return err
			}
			if err := tx.Put(linkfin.KindPayable, p.ID, &p, "payable.paid"); err != nil {
				return err
			}
		}
	}
	return nil
}

// ecnyRefusal reports whether err is the refusal of a payment on the e-CNY rail: a
// party without a designated wallet, or a limit the payment would pass.
func ecnyRefusal(err error) bool {
	switch linkfin.ErrorCode(err) {
	case linkfin.ENOECNYWALLET, linkfin.EWALLETPAYMENT, linkfin.EWALLETDAILY, linkfin.EWALLETYEARLY,
		linkfin.EWALLETBALANCE, linkfin.EWALLETFUNDS, linkfin.EINVALID:
		return true
	}
	return false
}
