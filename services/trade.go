package services

import (
	"slices"
	"strings"

	"linkfin"
)

// CreatePurchaseOrder is a buyer ordering from a seller with whom it has an active
// relationship, optionally under a program (whose match tolerances the order keeps).
// The order gets a new id (Order.ID empty) and carries the buyer's own number, which
// the buyer gives one order alone.
type CreatePurchaseOrder struct {
	Actor string
	Order linkfin.PurchaseOrder
}

// Keys implements linkfin.Command.
func (c *CreatePurchaseOrder) Keys() []linkfin.ObjectKey {
	keys := append(idKeys(linkfin.KindPurchaseOrder, c.Order.ID), numberKeys(c.Actor, linkfin.KindPurchaseOrder, c.Order.Number)...)
	keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindRelationship, ID: linkfin.RelationshipID(c.Actor, c.Order.SellerID)}, organizationKey(c.Actor))
	if c.Order.ProgramID != "" {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindProgram, ID: c.Order.ProgramID})
	}
	return keys
}

// Apply implements linkfin.Command.
func (c *CreatePurchaseOrder) Apply(tx linkfin.Tx) (any, error) {
	po := c.Order
	po.BuyerID = c.Actor
	po.Lines = slices.Clone(po.Lines)
	if err := po.Validate(); err != nil {
		return nil, err
	}
	var rel linkfin.Relationship
	found, err := linkfin.View(tx, linkfin.KindRelationship, linkfin.RelationshipID(po.BuyerID, po.SellerID), &rel)
	if err != nil {
		return nil, err
	}
	if !found || rel.Status != linkfin.RelationshipActive {
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "an order needs an active relationship between buyer %s and seller %s", po.BuyerID, po.SellerID)
	}
	if err := trades(tx, po.BuyerID, false); err != nil {
		return nil, err
	}
	po.Tolerances, po.LateFrom, po.LateAlertID = linkfin.MatchTolerances{}, nil, ""
	if po.ProgramID != "" {
		var p linkfin.Program
		found, err := linkfin.View(tx, linkfin.KindProgram, po.ProgramID, &p)
		if err != nil {
			return nil, err
		}
		// A program is open to its anchor's own supply chain: orders the anchor places,
		// and its distributors' orders to it.
		if !found || p.AnchorID != po.BuyerID && p.AnchorID != po.SellerID {
			return nil, linkfin.Errorf(linkfin.ENOTFOUND, "program %s not found", po.ProgramID)
		}
		if p.Currency != po.Currency {
			return nil, linkfin.Errorf(linkfin.EINVALID, "the order is in %s, its program in %s", po.Currency, p.Currency)
		}
		po.Tolerances = p.Tolerances
		if po.DeliverBy != nil {
			lateFrom := po.DeliverBy.AddDays(p.LateShipmentAllowance() + 1)
			po.LateFrom = &lateFrom
		}
	}
	if po.ID, err = newID(tx, linkfin.KindPurchaseOrder, po.ID); err != nil {
		return nil, err
	}
	if err := claimNumber(tx, po.BuyerID, linkfin.KindPurchaseOrder, po.Number, po.ID); err != nil {
		return nil, err
	}
	po.Status, po.Receipts, po.IssuedAt = linkfin.POIssued, []string{}, tx.Now()
	return &po, tx.Put(linkfin.KindPurchaseOrder, po.ID, &po, "purchase_order.issued")
}

// purchaseOrder reads an order the actor is party to.
func purchaseOrder(tx linkfin.Tx, id, actor string) (*linkfin.PurchaseOrder, error) {
	var po linkfin.PurchaseOrder
	found, err := tx.Get(linkfin.KindPurchaseOrder, id, &po)
	if err != nil {
		return nil, err
	}
	if !found || actor != po.BuyerID && actor != po.SellerID {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "purchase order %s not found", id)
	}
	return &po, nil
}

// AcceptPurchaseOrder is the seller accepting an order.
type AcceptPurchaseOrder struct {
	Actor string
	ID    string
}

// Keys implements linkfin.Command.
func (c *AcceptPurchaseOrder) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindPurchaseOrder, ID: c.ID}, organizationKey(c.Actor)}
}

// Apply implements linkfin.Command.
func (c *AcceptPurchaseOrder) Apply(tx linkfin.Tx) (any, error) {
	po, err := purchaseOrder(tx, c.ID, c.Actor)
	if err != nil {
		return nil, err
	}
	switch {
	case po.SellerID != c.Actor:
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the seller accepts an order")
	case po.Status == linkfin.POAccepted:
		return po, nil
	case po.Status != linkfin.POIssued:
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "purchase order %s is %s", po.ID, po.Status)
	}
	if err := trades(tx, c.Actor, true); err != nil {
		return nil, err
	}
	now := tx.Now()
	po.Status, po.AcceptedAt = linkfin.POAccepted, &now
	return po, tx.Put(linkfin.KindPurchaseOrder, po.ID, po, "purchase_order.accepted")
}

// CancelPurchaseOrder is the buyer withdrawing an order before anything was received.
// The conditional payments that wait on the order's goods, or on a shipment or an
// invoice of it, can no longer be met: what they lock goes back to their payers.
type CancelPurchaseOrder struct {
	Actor string
	ID    string
}

// Keys implements linkfin.Command.
func (c *CancelPurchaseOrder) Keys() []linkfin.ObjectKey {
	return append(watchKeys(linkfin.KindPurchaseOrder, c.ID), linkfin.ObjectKey{Kind: linkfin.KindPurchaseOrder, ID: c.ID})
}

// DependentKeys implements linkfin.DependentCommand: the conditional payments the
// order's watch lists.
func (c *CancelPurchaseOrder) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	return lapseDependents(r, linkfin.KindPurchaseOrder, c.ID)
}

// LedgerKeys implements linkfin.LedgerCommand: those payments' ledger rows.
func (c *CancelPurchaseOrder) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	return lapseLedger(r, linkfin.KindPurchaseOrder, c.ID)
}

// Apply implements linkfin.Command.
func (c *CancelPurchaseOrder) Apply(tx linkfin.Tx) (any, error) {
	po, err := purchaseOrder(tx, c.ID, c.Actor)
	if err != nil {
		return nil, err
	}
	switch {
	case po.BuyerID != c.Actor:
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the buyer cancels an order")
	case po.Status == linkfin.POCancelled:
		return po, nil
	case len(po.Receipts) > 0:
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "goods were received against purchase order %s", po.ID)
	case po.FinancingID != "":
		// A funder advanced on the order, or is about to: it stands while that lasts.
		return nil, linkfin.Errorf("asset_financed", "purchase order %s backs financing %s", po.ID, po.FinancingID)
	}
	now := tx.Now()
	po.Status, po.CancelledAt = linkfin.POCancelled, &now
	if err := tx.Put(linkfin.KindPurchaseOrder, po.ID, po, "purchase_order.cancelled"); err != nil {
		return nil, err
	}
	return po, lapseWatched(tx, linkfin.KindPurchaseOrder, po.ID, "purchase order "+po.ID+" was cancelled by its buyer: the condition can no longer be met")
}

// CreateGoodsReceipt is the buyer recording what arrived against an accepted order.
type CreateGoodsReceipt struct {
	Actor   string
	Receipt linkfin.GoodsReceipt
}

// Keys implements linkfin.Command.
func (c *CreateGoodsReceipt) Keys() []linkfin.ObjectKey {
	keys := append(idKeys(linkfin.KindGoodsReceipt, c.Receipt.ID), numberKeys(c.Actor, linkfin.KindGoodsReceipt, c.Receipt.Number)...)
	keys = append(keys, watchKeys(linkfin.KindPurchaseOrder, c.Receipt.POID)...)
	return append(keys, linkfin.ObjectKey{Kind: linkfin.KindPurchaseOrder, ID: c.Receipt.POID}, organizationKey(c.Actor))
}

// DependentKeys implements linkfin.DependentCommand: the conditional payments that
// wait on the order's goods, and the seller's scorecards, which count the receipt.
func (c *CreateGoodsReceipt) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	keys := watchDependents(r, linkfin.KindPurchaseOrder, c.Receipt.POID)
	var po linkfin.PurchaseOrder
	if found, err := r.Get(linkfin.KindPurchaseOrder, c.Receipt.POID, &po); err == nil && found {
		keys = append(append(keys, scoreKeys(po.SellerID, po.BuyerID)...), lateKeys(&po)...)
	}
	return keys
}

// LedgerKeys implements linkfin.LedgerCommand: those payments' ledger rows.
func (c *CreateGoodsReceipt) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	return watchLedger(r, linkfin.KindPurchaseOrder, c.Receipt.POID)
}

// Apply implements linkfin.Command.
func (c *CreateGoodsReceipt) Apply(tx linkfin.Tx) (any, error) {
	gr := c.Receipt
	if gr.Number != "" {
		if err := linkfin.ValidateNumber("the receipt's number", gr.Number); err != nil {
			return nil, err
		}
	}
	po, err := purchaseOrder(tx, gr.POID, c.Actor)
	if err != nil {
		return nil, err
	}
	switch {
	case po.BuyerID != c.Actor:
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the buyer records goods received")
	case po.Status != linkfin.POAccepted:
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "purchase order %s is %s, not accepted", po.ID, po.Status)
	case len(gr.Lines) == 0:
		return nil, linkfin.Errorf(linkfin.EINVALID, "a goods receipt has at least one line")
	}
	if err := trades(tx, c.Actor, false); err != nil {
		return nil, err
	}
	if gr.ID, err = newID(tx, linkfin.KindGoodsReceipt, gr.ID); err != nil {
		return nil, err
	}
	if gr.Number != "" {
		if err := claimNumber(tx, c.Actor, linkfin.KindGoodsReceipt, gr.Number, gr.ID); err != nil {
			return nil, err
		}
	}
	seen := make(map[string]bool)
	for _, l := range gr.Lines {
		pl := po.Line(l.LineID)
		switch {
		case pl == nil:
			return nil, linkfin.Errorf(linkfin.EINVALID, "line %s is not on purchase order %s", l.LineID, po.ID)
		case seen[l.LineID]:
			return nil, linkfin.Errorf(linkfin.EINVALID, "line %s appears twice", l.LineID)
		case l.Accepted < 0 || l.Rejected < 0 || l.Accepted == 0 && l.Rejected == 0:
			return nil, linkfin.Errorf(linkfin.EINVALID, "line %s: accepted and rejected quantities are not negative and not both zero", l.LineID)
		}
		received, err := linkfin.Add(pl.Received, l.Accepted)
		if err != nil {
			return nil, err
		}
		if received > pl.Quantity {
			return nil, linkfin.Errorf(linkfin.EINVALID, "line %s: %d accepted in all would exceed the %d ordered", l.LineID, received, pl.Quantity)
		}
		// What arrives is at most what the line still waits for: the quantity ordered
		// less what earlier receipts accepted. Goods rejected were sent back and are
		// delivered again, so they leave the line open; but a delivery, accepted and
		// rejected together, is no larger than what is open.
		delivered, err := linkfin.Add(l.Accepted, l.Rejected)
		if err != nil {
			return nil, err
		}
		if open := pl.Quantity - pl.Received; delivered > open {
			return nil, linkfin.Errorf(linkfin.EINVALID, "line %s: %d accepted and %d rejected would exceed the %d still open of the %d ordered", l.LineID, l.Accepted, l.Rejected, open, pl.Quantity)
		}
		seen[l.LineID] = true
		pl.Received = received
	}
	gr.BuyerID, gr.SellerID, gr.ReceivedAt = po.BuyerID, po.SellerID, tx.Now()
	po.Receipts = append(po.Receipts, gr.ID)
	if err := tallyReceipt(tx, po, &gr); err != nil {
		return nil, err
	}
	if err := alertIfLate(tx, po, linkfin.KindGoodsReceipt, gr.ID, "goods receipt "+gr.ID); err != nil {
		return nil, err
	}
	if err := tx.Put(linkfin.KindPurchaseOrder, po.ID, po, "purchase_order.received"); err != nil {
		return nil, err
	}
	if err := tx.Put(linkfin.KindGoodsReceipt, gr.ID, &gr, "goods_receipt.created"); err != nil {
		return nil, err
	}
	// What the goods accepted make due of the payments conditional on them is
	// released with the receipt.
	return &gr, meetWatched(tx, linkfin.KindPurchaseOrder, po.ID)
}

// CreateInvoice is the seller billing a purchase order, or, for a self-billed invoice
// (Invoice.SelfBilled, with Invoice.SellerID), the order's buyer billing itself on the
// seller's behalf. The platform runs the three-way match at once and stores its result
// with reason codes. An invoice without a due date is due after the payment terms of
// the order's program.
type CreateInvoice struct {
	Actor   string
	Invoice linkfin.Invoice
	// Identified, for an e-invoice whose parties and order were found by what it
	// names, is checked again as the invoice is created.
	Identified *Identified

	// fp keeps the fingerprint keys last made, which each round of DependentKeys
	// and then Apply ask for again.
	fp fingerprintKeys
}

// fingerprintKeys are an invoice's fingerprint keys over a duplicate window
// (linkfin.InvoiceFingerprintKeys), with what they were made from.
type fingerprintKeys struct {
	seller, buyer string
	currency      linkfin.Currency
	total         int64
	issued        linkfin.Date
	window        int
	keys          []string
}

// of returns the fingerprint keys of these, made again only if they are not those
// kept.
func (f *fingerprintKeys) of(seller, buyer string, currency linkfin.Currency, total int64, issued linkfin.Date, window int) []string {
	if f.keys == nil || f.seller != seller || f.buyer != buyer || f.currency != currency || f.total != total || f.issued != issued || f.window != window {
		*f = fingerprintKeys{seller: seller, buyer: buyer, currency: currency, total: total, issued: issued, window: window,
			keys: linkfin.InvoiceFingerprintKeys(seller, buyer, currency, total, issued, window)}
	}
	return f.keys
}

// seller is who the invoice bills for: the actor, unless the buyer self-bills.
func (c *CreateInvoice) seller() string {
	if c.Invoice.SelfBilled {
		return c.Invoice.SellerID
	}
	return c.Actor
}

// Keys implements linkfin.Command.
func (c *CreateInvoice) Keys() []linkfin.ObjectKey {
	keys := append(idKeys(linkfin.KindInvoice, c.Invoice.ID), numberKeys(c.seller(), linkfin.KindInvoice, c.Invoice.Number)...)
	keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindPurchaseOrder, ID: c.Invoice.POID}, organizationKey(c.Actor))
	if c.Invoice.SelfBilled && c.Invoice.SellerID != "" {
		keys = append(keys, organizationKey(c.seller()))
	}
	if c.Invoice.BuyerID != "" {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindInvoiceNumber, ID: linkfin.InvoiceNumberKey(c.seller(), c.Invoice.BuyerID, c.Invoice.Number)})
		keys = append(keys, scoreKeys(c.seller(), c.Invoice.BuyerID)...)
	}
	if c.Identified != nil {
		keys = append(keys, c.Identified.keys()...)
	}
	return keys
}

// DependentKeys implements linkfin.DependentCommand: the order's program, whose
// payment terms give an invoice without a due date its due date and whose duplicate
// window says which days' fingerprints the invoice is checked against.
func (c *CreateInvoice) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var po linkfin.PurchaseOrder
	if found, err := r.Get(linkfin.KindPurchaseOrder, c.Invoice.POID, &po); err != nil || !found {
		return nil
	}
	keys := make([]linkfin.ObjectKey, 0, 2+2*linkfin.DefaultDuplicateWindowDays+1)
	if c.Invoice.DueDate.IsZero() {
		// The buyer's terms with the seller date an invoice that states no due date.
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindRelationship, ID: linkfin.RelationshipID(po.BuyerID, po.SellerID)})
	}
	var p *linkfin.Program
	if po.ProgramID != "" {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindProgram, ID: po.ProgramID})
		var prog linkfin.Program
		if found, err := r.Get(linkfin.KindProgram, po.ProgramID, &prog); err != nil || !found {
			return keys // read once the program is
		}
		p = &prog
	}
	if c.Invoice.BuyerID == "" || c.Invoice.IssueDate.IsZero() {
		return keys
	}
	days := c.fp.of(c.seller(), c.Invoice.BuyerID, c.Invoice.Currency, c.Invoice.Total, c.Invoice.IssueDate, p.DuplicateWindow())
	keys = slices.Grow(keys, len(days))
	for _, id := range days {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindInvoiceFingerprint, ID: id})
	}
	return keys
}

// Apply implements linkfin.Command.
func (c *CreateInvoice) Apply(tx linkfin.Tx) (any, error) {
	inv := c.Invoice
	inv.SellerID = c.seller()
	inv.Lines = slices.Clone(inv.Lines)
	check := inv
	if check.DueDate.IsZero() {
		check.DueDate = check.IssueDate // judged once the program's terms give it
	}
	if err := check.Validate(); err != nil {
		return nil, err
	}
	if err := notFutureDated(tx, inv.IssueDate, "invoice"); err != nil {
		return nil, err
	}
	if inv.BuyerID == "" {
		return nil, linkfin.Errorf(linkfin.EINVALID, "an invoice names its buyer (buyer_id)")
	}
	po, err := purchaseOrder(tx, inv.POID, c.Actor)
	if err != nil {
		return nil, err
	}
	switch {
	case inv.SelfBilled && (po.BuyerID != c.Actor || po.SellerID != inv.SellerID):
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "a self-billed invoice is issued by the order's buyer for the order's seller")
	case !inv.SelfBilled && po.SellerID != c.Actor:
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the seller invoices its order")
	case po.Status != linkfin.POAccepted:
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "purchase order %s is %s, not accepted", po.ID, po.Status)
	}
	if err := trades(tx, c.Actor, !inv.SelfBilled); err != nil {
		return nil, err
	}
	// A self-billed invoice bills for its seller, which sells still.
	if inv.SelfBilled {
		if err := trades(tx, inv.SellerID, true); err != nil {
			return nil, err
		}
	}
	if c.Identified != nil {
		if err := c.Identified.check(tx, &inv, po); err != nil {
			return nil, err
		}
	}
	if inv.DueDate.IsZero() {
		if inv.DueDate, err = dueByTerms(tx, po, inv.IssueDate); err != nil {
			return nil, err
		}
	}
	if inv.ID, err = newID(tx, linkfin.KindInvoice, inv.ID); err != nil {
		return nil, err
	}
	if inv.BuyerID != po.BuyerID {
		// The registry key is read before the order is: the seller names the buyer.
		return nil, linkfin.Errorf(linkfin.EINVALID, "buyer_id must be the order's buyer")
	}
	// One invoice number per seller and buyer, near duplicates included, so that the
	// same invoice cannot be submitted — and financed — twice (First Brands).
	key := linkfin.InvoiceNumberKey(inv.SellerID, inv.BuyerID, inv.Number)
	var holder linkfin.InvoiceNumber
	if found, err := tx.Get(linkfin.KindInvoiceNumber, key, &holder); err != nil {
		return nil, err
	} else if found {
		return nil, linkfin.Errorf("duplicate_invoice", "invoice number %q repeats invoice %s of the same seller and buyer", inv.Number, holder.InvoiceID)
	}
	holder.ID, holder.InvoiceID = key, inv.ID
	if err := tx.Put(linkfin.KindInvoiceNumber, key, &holder, "invoice_number.registered"); err != nil {
		return nil, err
	}
	// And one invoice per number and seller, whatever the buyer, as for every document.
	if err := claimNumber(tx, inv.SellerID, linkfin.KindInvoice, inv.Number, inv.ID); err != nil {
		return nil, err
	}
	if err := fingerprint(tx, po, &inv, &c.fp); err != nil {
		return nil, err
	}
	inv.CreatedAt, inv.ProgramID = tx.Now(), po.ProgramID
	inv.Match = linkfin.ThreeWayMatch(po, &inv)
	inv.Status = linkfin.InvoiceMismatched
	if inv.Match.OK {
		inv.Status = linkfin.InvoiceMatched
		// What it invoices is taken from the order's received quantities.
		if err := invoiceLines(tx, po, &inv, 1); err != nil {
			return nil, err
		}
		// The seller's scorecard counts what the goods received back: an invoice that
		// does not match counts nowhere (unless its buyer disputes it), or the seller
		// could dilute its own disputes and credit notes with bills of its own making.
		if err := tally(tx, inv.SellerID, inv.BuyerID, func(sc *linkfin.ScoreCounts) error {
			sc.Invoices++
			return sc.AddInvoiced(inv.Currency, inv.Total, linkfin.BusinessDate(tx.Now()))
		}); err != nil {
			return nil, err
		}
	}
	return &inv, tx.Put(linkfin.KindInvoice, inv.ID, &inv, "invoice.submitted")
}

// EISSUEDFUTURE refuses an invoice or a credit note issued after tomorrow: an invoice
// bills goods delivered, and one dated ahead would be financed, and fall due, on a
// date its buyer has not yet reached; a credit note credits what was billed, and one
// dated ahead tells a funder of a dilution that has not happened.
const EISSUEDFUTURE = "issue_date_future"

// EISSUEDBEFOREINVOICE refuses a credit note issued before the invoice it credits: a
// credit note credits what was billed, and one dated before the bill would reach back
// into a period, a funder's report or a disclosure, in which there was nothing to
// credit.
const EISSUEDBEFOREINVOICE = "issue_date_before_invoice"

// notFutureDated refuses an issue date of a document ("invoice", "credit note") after
// the platform's tomorrow in China Standard Time (UTC+8), the platform's business day:
// one day of margin takes a document issued today in a time zone ahead of it.
func notFutureDated(tx linkfin.Tx, issued linkfin.Date, document string) error {
	today := linkfin.BusinessDate(tx.Now())
	if issued.After(today.AddDays(1)) {
		return linkfin.Errorf(EISSUEDFUTURE, "the %s is issued on %s, after tomorrow (today is %s in China Standard Time): no %s is dated ahead",
			document, issued, today, document)
	}
	return nil
}

// EHELD refuses to approve an invoice held for review as a possible duplicate.
const EHELD = "invoice_held"

// fingerprint registers the invoice under its seller, buyer, currency, total and issue
// date, and holds it for review when an earlier invoice has the same within the
// program's duplicate window of days (First Brands renumbered its invoices: the number
// alone does not find them).
func fingerprint(tx linkfin.Tx, po *linkfin.PurchaseOrder, inv *linkfin.Invoice, made *fingerprintKeys) error {
	var p *linkfin.Program
	if po.ProgramID != "" {
		p = new(linkfin.Program)
		if found, err := linkfin.View(tx, linkfin.KindProgram, po.ProgramID, p); err != nil {
			return err
		} else if !found {
			p = nil
		}
	}
	w := p.DuplicateWindow()
	if w <= 0 {
		// Not checked, and not registered: the program turned the check off.
		return nil
	}
	keys := made.of(inv.SellerID, inv.BuyerID, inv.Currency, inv.Total, inv.IssueDate, w)
	// The other days' fingerprints are only read; the invoice's own day's is copied,
	// to register the invoice in.
	var same, other linkfin.InvoiceFingerprint
	for i, key := range keys {
		var found bool
		var err error
		fp := &other
		if i == w {
			fp = &same
			found, err = tx.Get(linkfin.KindInvoiceFingerprint, key, fp)
		} else {
			other = linkfin.InvoiceFingerprint{}
			found, err = linkfin.View(tx, linkfin.KindInvoiceFingerprint, key, fp)
		}
		if err != nil {
			return err
		} else if found && len(fp.InvoiceIDs) > 0 && inv.Hold == nil {
			inv.Hold = &linkfin.InvoiceHold{EarlierInvoiceID: fp.InvoiceIDs[0]}
		}
	}
	if same.ID == "" {
		// A day's first: its id is a copy, not a part of the one string that holds the
		// window's keys, which the record would otherwise keep whole.
		same.ID = strings.Clone(keys[w])
	}
	if len(same.InvoiceIDs) < linkfin.MaxFingerprintInvoices {
		same.InvoiceIDs = append(same.InvoiceIDs, inv.ID)
	}
	same.Count++
	return tx.Put(linkfin.KindInvoiceFingerprint, same.ID, &same, "invoice_fingerprint.registered")
}

// ClearInvoiceHold is the buyer, or the operator, clearing an invoice's hold for
// review, with its reason: the invoice is not a duplicate, and may be approved.
type ClearInvoiceHold struct {
	Actor    string
	Operator bool // the actor operates the platform
	ID       string
	Reason   string
}

// Keys implements linkfin.Command.
func (c *ClearInvoiceHold) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindInvoice, ID: c.ID}}
}

// Validate implements linkfin.Validator: the reason, 1 to 1000 characters of text.
func (c *ClearInvoiceHold) Validate() error {
	if c.Reason == "" || len(c.Reason) > 1000 {
		return linkfin.Errorf(linkfin.EINVALID, "clearing a hold states its reason (1 to 1000 characters)")
	}
	return linkfin.ValidateText("reason", c.Reason, 1000, false)
}

// Apply implements linkfin.Command.
func (c *ClearInvoiceHold) Apply(tx linkfin.Tx) (any, error) {
	var inv linkfin.Invoice
	found, err := tx.Get(linkfin.KindInvoice, c.ID, &inv)
	if err != nil {
		return nil, err
	}
	if !found || !c.Operator && c.Actor != inv.BuyerID && c.Actor != inv.SellerID {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "invoice %s not found", c.ID)
	}
	switch {
	case !c.Operator && c.Actor != inv.BuyerID:
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the buyer, or the operator, clears an invoice's hold")
	case c.Reason == "" || len(c.Reason) > 1000:
		return nil, linkfin.Errorf(linkfin.EINVALID, "clearing a hold states its reason (1 to 1000 characters)")
	case inv.Hold == nil:
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "invoice %s is not held", inv.ID)
	case !inv.Held():
		return &inv, nil
	}
	if err := linkfin.ValidateText("reason", c.Reason, 1000, false); err != nil {
		return nil, err
	}
	now, by := tx.Now(), c.Actor
	if c.Operator {
		by = ByOperator // the operator acts as no organization
	}
	inv.Hold.ClearedAt, inv.Hold.ClearedBy, inv.Hold.Reason = &now, by, c.Reason
	return &inv, tx.Put(linkfin.KindInvoice, inv.ID, &inv, "invoice.hold_cleared")
}

// EDUEDATE refuses an invoice that states no due date for an order whose program sets
// no payment terms to give it one.
const EDUEDATE = "due_date_unknown"

// dueByTerms is the due date of an invoice issued on issued that states none: after the
// buyer's payment terms with the seller, if it set them, else those of the order's
// program.
func dueByTerms(tx linkfin.Tx, po *linkfin.PurchaseOrder, issued linkfin.Date) (linkfin.Date, error) {
	var rel linkfin.Relationship
	if found, err := linkfin.View(tx, linkfin.KindRelationship, linkfin.RelationshipID(po.BuyerID, po.SellerID), &rel); err != nil {
		return linkfin.Date{}, err
	} else if found && rel.PaymentTermsDays != nil && *rel.PaymentTermsDays > 0 {
		return issued.AddDays(*rel.PaymentTermsDays), nil
	}
	var p linkfin.Program
	if po.ProgramID != "" {
		if _, err := linkfin.View(tx, linkfin.KindProgram, po.ProgramID, &p); err != nil {
			return linkfin.Date{}, err
		}
	}
	if p.PaymentTermsDays == 0 {
		return linkfin.Date{}, linkfin.Errorf(EDUEDATE, "the invoice states no due date, and neither the buyer's terms with the seller nor a program of purchase order %s give it one", po.ID)
	}
	return issued.AddDays(p.PaymentTermsDays), nil
}

// ApproveInvoice is the buyer — with its own credentials, on the platform — approving
// a matched invoice, which becomes a payable: an irrevocable obligation.
type ApproveInvoice struct {
	Actor string
	ID    string
}

// Keys implements linkfin.Command.
func (c *ApproveInvoice) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{
		{Kind: linkfin.KindInvoice, ID: c.ID},
		{Kind: linkfin.KindPayable, ID: linkfin.PayableID(c.ID)},
		watchKeys(linkfin.KindInvoice, c.ID)[0],
		organizationKey(c.Actor),
	}
}

// LedgerKeys implements linkfin.LedgerCommand: the ledger rows of the conditional
// payments that wait on the invoice's approval.
func (c *ApproveInvoice) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	return watchLedger(r, linkfin.KindInvoice, c.ID)
}

// DependentKeys implements linkfin.DependentCommand: the invoice's purchase order, the
// PO financing whose repayment the payable may owe, and the conditional payments that
// wait on the approval.
func (c *ApproveInvoice) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var inv linkfin.Invoice
	if found, err := r.Get(linkfin.KindInvoice, c.ID, &inv); err != nil || !found {
		return nil
	}
	keys := append(watchDependents(r, linkfin.KindInvoice, c.ID), linkfin.ObjectKey{Kind: linkfin.KindPurchaseOrder, ID: inv.POID})
	var po linkfin.PurchaseOrder
	if found, _ := r.Get(linkfin.KindPurchaseOrder, inv.POID, &po); found && po.FinancingID != "" {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindFinancing, ID: po.FinancingID})
	}
	return keys
}

// Apply implements linkfin.Command.
func (c *ApproveInvoice) Apply(tx linkfin.Tx) (any, error) {
	inv, err := invoice(tx, c.ID, c.Actor)
	if err != nil {
		return nil, err
	}
	switch {
	case inv.BuyerID != c.Actor:
		// The seller, or anyone else, cannot confirm what it is owed (forged confirmations).
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the buyer approves an invoice")
	case inv.Status == linkfin.InvoiceApproved:
		var p linkfin.Payable
		if _, err := tx.Get(linkfin.KindPayable, linkfin.PayableID(inv.ID), &p); err != nil {
			return nil, err
		}
		return &p, nil
	case inv.Status != linkfin.InvoiceMatched:
		return nil, linkfin.Errorf("invoice_not_matched", "invoice %s is %s: only a matched invoice can be approved", inv.ID, inv.Status)
	case inv.Held():
		return nil, linkfin.Errorf(EHELD, "invoice %s repeats the seller, buyer, currency and total of invoice %s within days of it: "+
			"it is held for review until the buyer clears the hold", inv.ID, inv.Hold.EarlierInvoiceID)
	}
	if err := trades(tx, c.Actor, false); err != nil {
		return nil, err
	}
	owed, err := inv.Owed()
	if err != nil {
		return nil, err
	}
	now := tx.Now()
	inv.Status = linkfin.InvoiceApproved
	p := linkfin.Payable{ID: linkfin.PayableID(inv.ID), InvoiceID: inv.ID, POID: inv.POID, ProgramID: inv.ProgramID, BuyerID: inv.BuyerID,
		SellerID: inv.SellerID, Currency: inv.Currency, Amount: owed, DueDate: inv.DueDate,
		Status: linkfin.PayableOpen, ApprovedAt: now, Confirmed: owed, InvoiceDate: &inv.IssueDate}
	if err := tx.Put(linkfin.KindInvoice, inv.ID, inv, "invoice.approved"); err != nil {
		return nil, err
	}
	if err := meetWatched(tx, linkfin.KindInvoice, inv.ID); err != nil {
		return nil, err
	}
	// An order financed before delivery: the payable it became repays the advance
	// first, automatically. An advance accepted but not yet paid takes the payable
	// too, so that nothing else finances it meanwhile; withdrawn, it frees it.
	var po linkfin.PurchaseOrder
	if found, err := tx.Get(linkfin.KindPurchaseOrder, inv.POID, &po); err != nil {
		return nil, err
	} else if found && po.FinancingID != "" {
		var f linkfin.Financing
		if found, err := tx.Get(linkfin.KindFinancing, po.FinancingID, &f); err != nil {
			return nil, err
		} else if found && (f.Status == linkfin.FinancingDisbursed || f.Status == linkfin.FinancingAccepted) && f.PayableID == "" {
			f.PayableID = p.ID
			p.Status, p.FinancingID, p.Funders = linkfin.PayableFactored, f.ID, []string{f.FunderID}
			if err := tx.Put(linkfin.KindFinancing, f.ID, &f, "financing.swept"); err != nil {
				return nil, err
			}
		}
	}
	return &p, tx.Put(linkfin.KindPayable, p.ID, &p, "payable.created")
}

// invoiceLines adds (sign 1) or gives back (sign −1) an invoice's quantities to its
// order's invoiced quantities.
func invoiceLines(tx linkfin.Tx, po *linkfin.PurchaseOrder, inv *linkfin.Invoice, sign int64) error {
	for _, l := range inv.Lines {
		if pl := po.Line(l.LineID); pl != nil {
			q, err := linkfin.Mul(sign, l.Quantity)
			if err == nil {
				pl.Invoiced, err = linkfin.Add(pl.Invoiced, q)
			}
			if err != nil {
				return err
			}
		}
	}
	event := "purchase_order.invoiced"
	if sign < 0 {
		event = "purchase_order.invoice_disputed"
	}
	return tx.Put(linkfin.KindPurchaseOrder, po.ID, po, event)
}

// DisputeInvoice is the buyer refusing an invoice, with its reason. A disputed invoice
// is never approved: the conditional payments that wait on its approval are refunded
// to their payers.
type DisputeInvoice struct {
	Actor  string
	ID     string
	Reason string
}

// Keys implements linkfin.Command.
func (c *DisputeInvoice) Keys() []linkfin.ObjectKey {
	return append(watchKeys(linkfin.KindInvoice, c.ID), linkfin.ObjectKey{Kind: linkfin.KindInvoice, ID: c.ID})
}

// DependentKeys implements linkfin.DependentCommand: the order, whose invoiced
// quantities a matched invoice gives back, and the conditional payments that wait on
// the invoice.
func (c *DisputeInvoice) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	keys := lapseDependents(r, linkfin.KindInvoice, c.ID)
	var inv linkfin.Invoice
	if found, err := r.Get(linkfin.KindInvoice, c.ID, &inv); err != nil || !found {
		return keys
	}
	return append(append(append(keys, scoreKeys(inv.SellerID, inv.BuyerID)...), linkfin.ObjectKey{Kind: linkfin.KindPurchaseOrder, ID: inv.POID}),
		orderAlertKeys(r, inv.POID)...)
}

// LedgerKeys implements linkfin.LedgerCommand: those payments' ledger rows.
func (c *DisputeInvoice) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	return lapseLedger(r, linkfin.KindInvoice, c.ID)
}

// Apply implements linkfin.Command.
func (c *DisputeInvoice) Apply(tx linkfin.Tx) (any, error) {
	inv, err := invoice(tx, c.ID, c.Actor)
	if err != nil {
		return nil, err
	}
	switch {
	case inv.BuyerID != c.Actor:
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the buyer disputes an invoice")
	case c.Reason == "" || len(c.Reason) > 1000:
		return nil, linkfin.Errorf(linkfin.EINVALID, "a dispute states its reason (1 to 1000 characters)")
	case inv.Status == linkfin.InvoiceApproved:
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "invoice %s is approved: a payable is irrevocable; a credit note corrects it", inv.ID)
	case inv.Status == linkfin.InvoiceDisputed:
		return inv, nil
	}
	if inv.Status == linkfin.InvoiceMatched {
		var po linkfin.PurchaseOrder
		if _, err := tx.Get(linkfin.KindPurchaseOrder, inv.POID, &po); err != nil {
			return nil, err
		}
		if err := invoiceLines(tx, &po, inv, -1); err != nil {
			return nil, err
		}
	}
	// An invoice that did not match was not counted when it was submitted: disputed, it
	// counts as an invoice its buyer disputed (its amount, which nothing backs, still
	// counts nowhere).
	mismatched := inv.Status == linkfin.InvoiceMismatched
	if err := tally(tx, inv.SellerID, inv.BuyerID, func(sc *linkfin.ScoreCounts) error {
		if mismatched {
			sc.Invoices++
		}
		sc.Disputed++
		return nil
	}); err != nil {
		return nil, err
	}
	inv.Status, inv.Dispute = linkfin.InvoiceDisputed, c.Reason
	if err := alertIfFinanced(tx, inv, linkfin.RuleDisputedAfterFinancing, "disputed by the buyer: "+c.Reason); err != nil {
		return nil, err
	}
	if err := tx.Put(linkfin.KindInvoice, inv.ID, inv, "invoice.disputed"); err != nil {
		return nil, err
	}
	return inv, lapseWatched(tx, linkfin.KindInvoice, inv.ID, "invoice "+inv.ID+" was disputed by its buyer: it will never be approved")
}

// invoice reads an invoice the actor is party to.
func invoice(tx linkfin.Tx, id, actor string) (*linkfin.Invoice, error) {
	var inv linkfin.Invoice
	found, err := tx.Get(linkfin.KindInvoice, id, &inv)
	if err != nil {
		return nil, err
	}
	if !found || actor != inv.BuyerID && actor != inv.SellerID {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "invoice %s not found", id)
	}
	return &inv, nil
}

// payable reads a payable the actor is party to.
func payable(tx linkfin.Tx, id, actor string) (*linkfin.Payable, error) {
	var pay linkfin.Payable
	found, err := tx.Get(linkfin.KindPayable, id, &pay)
	if err != nil {
		return nil, err
	}
	if !found || actor != pay.SellerID && actor != pay.BuyerID {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "payable %s not found", id)
	}
	return &pay, nil
}

// notOpen refuses a payable that is not open to be financed, with one code whichever
// product asks: asset_financed for one a financing or certificate took, conflict for
// one paid or past paying, invalid for one that owes nothing (credited down to 0, or
// approved so), as a certificate refuses it.
func notOpen(pay *linkfin.Payable) error {
	switch pay.Status {
	case linkfin.PayableOpen:
		if pay.Amount <= 0 {
			return linkfin.Errorf(linkfin.EINVALID, "payable %s owes nothing: there is nothing to finance", pay.ID)
		}
		return nil
	case linkfin.PayableFactored, linkfin.PayableCertified:
		return linkfin.Errorf("asset_financed", "payable %s is %s", pay.ID, pay.Status)
	}
	return linkfin.Errorf(linkfin.ECONFLICT, "payable %s is %s", pay.ID, pay.Status)
}

// asQuoted refuses to accept a quote of a payable that is no longer as it was quoted:
// one no longer open, with notOpen's code, as a new quote of it would be (a payable
// another quote's acceptance or a certificate took is asset_financed, whichever
// product was quoted); one a credit note lowered since, conflict, as its price was of
// another amount.
func asQuoted(pay *linkfin.Payable, f *linkfin.Financing) error {
	if err := notOpen(pay); err != nil {
		return err
	}
	if pay.Amount != f.Quote.Face {
		return linkfin.Errorf(linkfin.ECONFLICT, "payable %s changed since the quote (it owes %s, quoted on %s): request a new one",
			pay.ID, linkfin.Money{Amount: pay.Amount, Currency: pay.Currency}, linkfin.Money{Amount: f.Quote.Face, Currency: pay.Currency})
	}
	return nil
}

// CreateCreditNote is the seller reducing what an invoice asks. Before approval it
// lowers what the payable will be; after, it lowers the open payable. A payable that
// backs a certificate cannot shrink: the certificate is irrevocable, and the seller's
// dilution is settled against it by recourse, not by the anchor paying less.
//
// The invoice is Note.InvoiceID or, for a credit note that names the invoice by its
// number (as an e-invoice does), the actor's invoice InvoiceNumber.
type CreateCreditNote struct {
	Actor         string
	Note          linkfin.CreditNote
	InvoiceNumber string
	// Identified, for an e-invoice credit note, names its parties' identifiers: none
	// may be another organization's than the invoice's seller's or buyer's.
	Identified *Identified
	// Currency is the currency an e-invoice credit note is in (its
	// DocumentCurrencyCode): it must be the invoice's, whose minor units its amount
	// is taken in. Empty for a JSON credit note, which is in the invoice's.
	Currency linkfin.Currency
}

// Keys implements linkfin.Command.
func (c *CreateCreditNote) Keys() []linkfin.ObjectKey {
	keys := append(idKeys(linkfin.KindCreditNote, c.Note.ID), numberKeys(c.Actor, linkfin.KindCreditNote, c.Note.Number)...)
	keys = append(keys, organizationKey(c.Actor))
	if c.Identified != nil {
		keys = append(keys, c.Identified.keys()...)
	}
	if c.Note.InvoiceID == "" {
		return append(keys, numberKeys(c.Actor, linkfin.KindInvoice, c.InvoiceNumber)...)
	}
	return append(keys,
		linkfin.ObjectKey{Kind: linkfin.KindInvoice, ID: c.Note.InvoiceID},
		linkfin.ObjectKey{Kind: linkfin.KindPayable, ID: linkfin.PayableID(c.Note.InvoiceID)})
}

// DependentKeys implements linkfin.DependentCommand: the invoice a number names, and
// its payable; then the seller's scorecards, which count the credit.
func (c *CreateCreditNote) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	id := c.Note.InvoiceID
	var keys []linkfin.ObjectKey
	if id == "" {
		var h numberHolder
		if c.InvoiceNumber == "" {
			return nil
		}
		if found, err := r.Get(linkfin.KindNumber, linkfin.NumberKey(c.Actor, linkfin.KindInvoice, c.InvoiceNumber), &h); err != nil || !found {
			return nil
		}
		id = h.RecordID
		keys = []linkfin.ObjectKey{{Kind: linkfin.KindInvoice, ID: id}, {Kind: linkfin.KindPayable, ID: linkfin.PayableID(id)}}
	}
	var inv linkfin.Invoice
	if found, err := r.Get(linkfin.KindInvoice, id, &inv); err == nil && found {
		keys = append(append(keys, scoreKeys(inv.SellerID, inv.BuyerID)...), orderAlertKeys(r, inv.POID)...)
	}
	return keys
}

// Apply implements linkfin.Command.
func (c *CreateCreditNote) Apply(tx linkfin.Tx) (any, error) {
	n := c.Note
	// Its issue date is held to an invoice's rules, and is not before its invoice's
	// (checked below, once the invoice is read). One given none (in JSON) is the day
	// it is made, in China Standard Time, or its invoice's issue date if that is
	// later (an invoice may be dated tomorrow).
	dated := !n.IssueDate.IsZero()
	if dated {
		if err := linkfin.CheckDate("a credit note's issue date", n.IssueDate); err != nil {
			return nil, err
		}
		if err := notFutureDated(tx, n.IssueDate, "credit note"); err != nil {
			return nil, err
		}
	}
	inv, err := c.creditedInvoice(tx, &n)
	if err != nil {
		return nil, err
	}
	if err := trades(tx, c.Actor, true); err != nil {
		return nil, err
	}
	if !dated {
		n.IssueDate = linkfin.BusinessDate(tx.Now())
		if n.IssueDate.Before(inv.IssueDate) {
			n.IssueDate = inv.IssueDate
		}
	} else if n.IssueDate.Before(inv.IssueDate) {
		return nil, linkfin.Errorf(EISSUEDBEFOREINVOICE, "the credit note is issued on %s, before invoice %s it credits (issued on %s): nothing is credited before it is billed",
			n.IssueDate, inv.Number, inv.IssueDate)
	}
	if c.Identified != nil {
		if err := c.Identified.checkParties(tx, inv.SellerID, inv.BuyerID); err != nil {
			return nil, err
		}
	}
	if n.ID, err = newID(tx, linkfin.KindCreditNote, n.ID); err != nil {
		return nil, err
	}
	if err := claimNumber(tx, c.Actor, linkfin.KindCreditNote, n.Number, n.ID); err != nil {
		return nil, err
	}
	if err := creditInvoice(tx, inv, &n); err != nil {
		return nil, err
	}
	n.SellerID, n.BuyerID, n.CreatedAt = inv.SellerID, inv.BuyerID, tx.Now()
	if err := alertIfFinanced(tx, inv, linkfin.RuleCreditedAfterFinancing, "credit note "+n.ID+" of "+
		linkfin.Money{Amount: n.Amount, Currency: inv.Currency}.String()+": "+n.Reason); err != nil {
		return nil, err
	}
	return &n, tx.Put(linkfin.KindCreditNote, n.ID, &n, "credit_note.created")
}

// creditedInvoice reads the invoice n credits, named by n.InvoiceID or by the actor's
// invoice number (which sets n.InvoiceID), and refuses a credit note it cannot take:
// not its seller's, in another currency, without a number or a reason, or of more
// than the invoice still asks.
func (c *CreateCreditNote) creditedInvoice(tx linkfin.Tx, n *linkfin.CreditNote) (*linkfin.Invoice, error) {
	if n.InvoiceID == "" {
		if c.InvoiceNumber == "" {
			return nil, linkfin.Errorf(linkfin.EINVALID, "a credit note names the invoice it credits")
		}
		var h numberHolder
		found, err := tx.Get(linkfin.KindNumber, linkfin.NumberKey(c.Actor, linkfin.KindInvoice, c.InvoiceNumber), &h)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, linkfin.Errorf(linkfin.ENOTFOUND, "you have no invoice numbered %q", c.InvoiceNumber)
		}
		n.InvoiceID = h.RecordID
	}
	inv, err := invoice(tx, n.InvoiceID, c.Actor)
	if err != nil {
		return nil, err
	}
	open, err := inv.Owed()
	if err != nil {
		return nil, err
	}
	switch {
	case inv.SellerID != c.Actor:
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the seller issues a credit note")
	case c.Currency != "" && c.Currency != inv.Currency:
		return nil, linkfin.Errorf(linkfin.ECURRENCYMISMATCH, "the credit note is in %s, the invoice it credits in %s", c.Currency, inv.Currency)
	case linkfin.ValidateNumber("the credit note's number", n.Number) != nil || n.Reason == "" || len(n.Reason) > 1000:
		return nil, linkfin.Errorf(linkfin.EINVALID, "a credit note has a number (1 to %d characters) and a reason (1 to 1000)", linkfin.MaxNumber)
	case n.Amount <= 0 || n.Amount > open:
		return nil, linkfin.Errorf(linkfin.EINVALID, "a credit note is positive and at most what the invoice still asks (%s)", linkfin.Money{Amount: open, Currency: inv.Currency})
	}
	return inv, nil
}

// creditInvoice takes credit note n off invoice inv: off its payable once the invoice
// is approved (creditPayable), into what the invoice and its parties' scorecards have
// credited, and writes the invoice.
func creditInvoice(tx linkfin.Tx, inv *linkfin.Invoice, n *linkfin.CreditNote) error {
	if inv.Status == linkfin.InvoiceApproved {
		if err := creditPayable(tx, inv, n); err != nil {
			return err
		}
	}
	var err error
	if inv.Credited, err = linkfin.Add(inv.Credited, n.Amount); err != nil {
		return err
	}
	if err := tally(tx, inv.SellerID, inv.BuyerID, func(sc *linkfin.ScoreCounts) (err error) {
		if inv.Currency == sc.Currency {
			sc.Credited, err = linkfin.Add(sc.Credited, n.Amount)
		}
		return err
	}); err != nil {
		return err
	}
	return tx.Put(linkfin.KindInvoice, inv.ID, inv, "invoice.credited")
}

// creditPayable lowers the open payable of approved invoice inv by credit note n, and
// lists the credit among its credits when the payable keeps them (one approved before
// they were kept has none). A payable no longer open is a conflict: it no longer
// shrinks.
func creditPayable(tx linkfin.Tx, inv *linkfin.Invoice, n *linkfin.CreditNote) error {
	var p linkfin.Payable
	if _, err := tx.Get(linkfin.KindPayable, linkfin.PayableID(inv.ID), &p); err != nil {
		return err
	}
	if p.Status != linkfin.PayableOpen {
		return linkfin.Errorf(linkfin.ECONFLICT, "payable %s is %s: it no longer shrinks", p.ID, p.Status)
	}
	var err error
	if p.Amount, err = linkfin.Sub(p.Amount, n.Amount); err != nil {
		return err
	}
	if p.Confirmed != 0 {
		p.Credits = append(p.Credits, linkfin.PayableCredit{CreditNoteID: n.ID, Amount: n.Amount, At: tx.Now()})
	}
	return tx.Put(linkfin.KindPayable, p.ID, &p, "payable.credited")
}
