package services

import (
	"fmt"
	"math/big"
	"slices"

	"linkfin"
	"linkfin/ledger"
)

// Conditional payments. The payer's money is locked by a pending ledger transfer from
// its source (the payer's wallet, or a purpose-bound wallet of the payer's) to the
// payee's wallet: the ledger holds it, so the payer cannot spend it meanwhile, and the
// payee cannot use it yet. A release posts the pending transfer. A partial release
// posts part of it and, in the same linked chain, locks what is left again by a new
// pending transfer, so the money is never free between the two. A refund voids it: the
// money is back at its source.
//
// What is due is worked out from the state of the trade record the condition waits on
// (the order's accepted quantities, the shipment's status, the invoice's), never from
// the event alone: the payment records what it released in the same command as the
// ledger moves it, so nothing is released twice, and whatever runs it again (the next
// receipt, the scheduler) releases only the difference.
const codeConditional = 8

// MaxMilestone is the most characters a milestone's description has.
const MaxMilestone = 200

// cpAccounts are the ledger accounts of a conditional payment: its source and the
// payee's wallet.
func cpAccounts(p *linkfin.ConditionalPayment) (source, payee int64) {
	source = linkfin.WalletID(p.PayerID, p.Currency)
	if p.SourceWalletID != "" {
		source = boundAccount(p.SourceWalletID)
	}
	return source, linkfin.WalletID(p.PayeeID, p.Currency)
}

// cpLedgerKeys are the ledger rows a command that may move a conditional payment's
// money lists: its accounts and its lock.
func cpLedgerKeys(r linkfin.Records, id string) (accounts, transfers []int64) {
	var p linkfin.ConditionalPayment
	if found, _ := r.Get(linkfin.KindConditionalPayment, id, &p); !found {
		return nil, nil
	}
	if p.Rail == linkfin.RailECNY {
		return ecnyCPLedger(r, &p)
	}
	source, payee := cpAccounts(&p)
	return []int64{source, payee}, []int64{int64(p.Lock)}
}

// subjectKeys lists the trade record a payment's condition waits on, and its watch.
func subjectKeys(c *linkfin.Condition) []linkfin.ObjectKey {
	kind, id := c.Subject()
	if kind == "" || id == "" {
		return nil
	}
	return []linkfin.ObjectKey{{Kind: kind, ID: id}, {Kind: linkfin.KindConditionWatch, ID: linkfin.ConditionWatchID(kind, id)}}
}

// putPayment writes a conditional payment's new version.
func putPayment(tx linkfin.Tx, p *linkfin.ConditionalPayment, what string) error {
	return tx.Put(linkfin.KindConditionalPayment, p.ID, p, "conditional_payment."+what)
}

// conditionalPayment reads a conditional payment the actor is party to ("" for the
// operator, who reads any).
func conditionalPayment(tx linkfin.Tx, id, actor string) (*linkfin.ConditionalPayment, error) {
	var p linkfin.ConditionalPayment
	found, err := tx.Get(linkfin.KindConditionalPayment, id, &p)
	if err != nil {
		return nil, err
	}
	if !found || actor != "" && !slices.Contains(p.Parties(), actor) {
		return nil, notFound(linkfin.KindConditionalPayment, id)
	}
	return &p, nil
}

// orderValues is what an order's lines are worth as received (each at most its
// quantity) and as ordered, when both fit in machine words (an order's lines and total
// are bounded when it is made, so they do); ok is false otherwise.
func orderValues(lines []linkfin.POLine) (accepted, ordered int64, ok bool) {
	add := func(total, quantity, price int64) (int64, bool) {
		v, err := linkfin.Mul(quantity, price)
		if err == nil {
			v, err = linkfin.Add(total, v)
		}
		return v, err == nil
	}
	for _, l := range lines {
		var okA, okO bool
		accepted, okA = add(accepted, min(l.Received, l.Quantity), l.UnitPrice)
		ordered, okO = add(ordered, l.Quantity, l.UnitPrice)
		if !okA || !okO {
			return 0, 0, false
		}
	}
	return accepted, ordered, true
}

// due is what the condition makes due of the payment's amount now (in all, released
// or not), and why.
func due(tx linkfin.Tx, p *linkfin.ConditionalPayment) (int64, string, error) {
	c := &p.Condition
	switch c.Type {
	case linkfin.ConditionGoodsReceived:
		var po linkfin.PurchaseOrder
		if found, err := tx.Get(linkfin.KindPurchaseOrder, c.POID, &po); err != nil || !found {
			return 0, "", err
		}
		accepted, ordered, ok := orderValues(po.Lines)
		if !ok {
			return 0, "", fmt.Errorf("purchase order %s is worth more than an amount can be", po.ID)
		}
		if ordered <= 0 {
			return 0, "", nil
		}
		last := ""
		if n := len(po.Receipts); n > 0 {
			last = po.Receipts[n-1]
		}
		if c.Release == linkfin.ReleaseProRata {
			// The payment's amount times what was accepted may pass 2^63.
			a, o := big.NewInt(accepted), big.NewInt(ordered)
			share := new(big.Int).Mul(big.NewInt(p.Amount), a)
			share.Quo(share, o)
			pct := new(big.Rat).SetFrac(new(big.Int).Mul(a, big.NewInt(100)), o).FloatString(2)
			return share.Int64(), fmt.Sprintf("goods receipt %s: %s%% of purchase order %s's value accepted", last, pct, po.ID), nil
		}
		if accepted == ordered {
			return p.Amount, fmt.Sprintf("goods receipt %s: purchase order %s accepted in full", last, po.ID), nil
		}
		return 0, "", nil
	case linkfin.ConditionDelivered:
		var s linkfin.Shipment
		if found, err := tx.Get(linkfin.KindShipment, c.ShipmentID, &s); err != nil || !found {
			return 0, "", err
		}
		if s.Status == linkfin.ShipmentDelivered {
			return p.Amount, fmt.Sprintf("shipment %s delivered, as its carrier %s reported", s.ID, s.CarrierID), nil
		}
	case linkfin.ConditionInvoiceApproved:
		var inv linkfin.Invoice
		if found, err := tx.Get(linkfin.KindInvoice, c.InvoiceID, &inv); err != nil || !found {
			return 0, "", err
		}
		if inv.Status == linkfin.InvoiceApproved {
			return p.Amount, fmt.Sprintf("invoice %s approved by its buyer", inv.ID), nil
		}
	case linkfin.ConditionMilestone:
		if c.ConfirmedAt != nil {
			return p.Amount, fmt.Sprintf("milestone confirmed by %s", c.ConfirmerID), nil
		}
	case linkfin.ConditionDate:
		if c.Date != nil && !linkfin.BusinessDate(tx.Now()).Before(*c.Date) {
			return p.Amount, fmt.Sprintf("release date %s came", c.Date), nil
		}
	}
	return 0, "", nil
}

// expired reports whether a locked payment's expiry has come (expires_on, UTC): from
// that day nothing releases it any more, whatever meets its condition and whether the
// scheduler has run yet or not; what it still locks goes back to its source (expire).
func expired(tx linkfin.Tx, p *linkfin.ConditionalPayment) bool {
	return p.Status == linkfin.ConditionalLocked && p.ExpiresOn != nil && !linkfin.BusinessDate(tx.Now()).Before(*p.ExpiresOn)
}

// expire refunds what an expired payment still locks.
func expire(tx linkfin.Tx, p *linkfin.ConditionalPayment) error {
	return refund(tx, p, linkfin.ConditionalExpired, "expired on "+p.ExpiresOn.String())
}

// meet releases what the condition makes due and the payment has not released yet;
// past its expiry, nothing.
func meet(tx linkfin.Tx, p *linkfin.ConditionalPayment) error {
	if p.Status != linkfin.ConditionalLocked || expired(tx, p) {
		return nil
	}
	target, reason, err := due(tx, p)
	if err != nil {
		return err
	}
	amount := min(target-p.Released, p.Remaining())
	if amount <= 0 {
		return nil
	}
	if p.Rail == linkfin.RailECNY {
		move, err := releaseECNY(tx, p, amount, reason)
		if err != nil || move == nil {
			return err
		}
		return released(tx, p, move)
	}
	source, payee := cpAccounts(p)
	post, err := resolveLock(tx, p, ledger.PostPending, amount)
	if err != nil {
		return err
	}
	move := linkfin.ConditionalMove{Type: linkfin.MoveRelease, Amount: amount, Reason: reason, TransferID: linkfin.StringInt(post.ID), At: tx.Now()}
	if rest := p.Remaining() - amount; rest > 0 {
		// Part of it: what is left is locked again in the same chain.
		lock, err := lockTransfer(tx, p, source, payee, rest)
		if err != nil {
			return err
		}
		if err := tx.Transfer(post, lock); err != nil {
			return err
		}
		p.Lock = linkfin.StringInt(lock.ID)
	} else if err := tx.Transfer(post); err != nil {
		return err
	}
	return released(tx, p, &move)
}

// released records a release whose money moved: a partial one if some is still
// locked.
func released(tx linkfin.Tx, p *linkfin.ConditionalPayment, move *linkfin.ConditionalMove) error {
	if p.Remaining() > move.Amount {
		move.Type = linkfin.MovePartialRelease
	} else {
		p.Status = linkfin.ConditionalReleased
	}
	p.Released += move.Amount
	p.Moves = append(p.Moves, *move)
	if move.Type == linkfin.MovePartialRelease {
		return putPayment(tx, p, "partially_released")
	}
	return putPayment(tx, p, "released")
}

// resolveLock posts (amount of) or voids the payment's lock.
func resolveLock(tx linkfin.Tx, p *linkfin.ConditionalPayment, flag ledger.TransferFlags, amount int64) (ledger.Transfer, error) {
	source, payee := cpAccounts(p)
	l, err := ledgerOf(p.Currency)
	return ledger.Transfer{ID: tx.ReserveLedgerIDs(1), DebitAccountID: source, CreditAccountID: payee, PendingID: int64(p.Lock),
		Amount: amount, Ledger: l, Currency: string(p.Currency), Code: codeConditional, Flags: flag}, err
}

// lockTransfer is a pending transfer of amount from the payment's source to its payee.
func lockTransfer(tx linkfin.Tx, p *linkfin.ConditionalPayment, source, payee, amount int64) (ledger.Transfer, error) {
	l, err := ledgerOf(p.Currency)
	return ledger.Transfer{ID: tx.ReserveLedgerIDs(1), DebitAccountID: source, CreditAccountID: payee, Amount: amount, Ledger: l,
		Currency: string(p.Currency), Code: codeConditional, Flags: ledger.Pending}, err
}

// refund returns what is still locked to the payment's source, for the reason given:
// the payment ends in status.
func refund(tx linkfin.Tx, p *linkfin.ConditionalPayment, status linkfin.ConditionalStatus, reason string) error {
	rest := p.Remaining()
	var moved int64
	if p.Rail == linkfin.RailECNY {
		var err error
		if moved, _, err = moveECNY(tx, p, 0, rest, nil); err != nil {
			return err
		}
		p.Waiting = nil
	} else {
		void, err := resolveLock(tx, p, ledger.VoidPending, 0)
		if err != nil {
			return err
		}
		if err := tx.Transfer(void); err != nil {
			return err
		}
		moved = void.ID
	}
	p.Refunded += rest
	p.Status = status
	p.Moves = append(p.Moves, linkfin.ConditionalMove{Type: linkfin.MoveRefund, Amount: rest, Reason: reason,
		TransferID: linkfin.StringInt(moved), At: tx.Now()})
	return putPayment(tx, p, "refunded")
}

// unwatch takes a payment that no longer waits off its trade record's watch.
func unwatch(tx linkfin.Tx, p *linkfin.ConditionalPayment) error {
	kind, id := p.Condition.Subject()
	if kind == "" || p.Status == linkfin.ConditionalLocked {
		return nil
	}
	var w linkfin.ConditionWatch
	wid := linkfin.ConditionWatchID(kind, id)
	if found, err := tx.Get(linkfin.KindConditionWatch, wid, &w); err != nil || !found {
		return err
	}
	i := slices.Index(w.Payments, p.ID)
	if i < 0 {
		return nil
	}
	w.Payments = slices.Delete(w.Payments, i, i+1)
	return tx.Put(linkfin.KindConditionWatch, wid, &w, "condition_watch.changed")
}

// The trade commands that change a record a condition may wait on list its watch
// (watchKeys), the payments it names (watchDependents) and their ledger rows
// (watchLedger), and release what their change made due (meetWatched), in the same
// command and so in the same batch.

func watchKeys(kind, id string) []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindConditionWatch, ID: linkfin.ConditionWatchID(kind, id)}}
}

func watched(r linkfin.Records, kind, id string) []string {
	var w linkfin.ConditionWatch
	if found, _ := r.Get(linkfin.KindConditionWatch, linkfin.ConditionWatchID(kind, id), &w); !found {
		return nil
	}
	return w.Payments
}

func watchDependents(r linkfin.Records, kind, id string) []linkfin.ObjectKey {
	return paymentsKeys(r, watched(r, kind, id), nil)
}

// paymentsKeys lists the conditional payments pids with what releasing or refunding
// one reads (its e-CNY wallets), and what more(p) adds for each.
func paymentsKeys(r linkfin.Records, pids []string, more func(p *linkfin.ConditionalPayment) []linkfin.ObjectKey) []linkfin.ObjectKey {
	var keys []linkfin.ObjectKey
	for _, pid := range pids {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindConditionalPayment, ID: pid})
		var p linkfin.ConditionalPayment
		if found, _ := r.Get(linkfin.KindConditionalPayment, pid, &p); found {
			keys = append(keys, ecnyCPKeys(r, &p)...)
			if more != nil {
				keys = append(keys, more(&p)...)
			}
		}
	}
	return keys
}

func watchLedger(r linkfin.Records, kind, id string) (accounts, transfers []int64) {
	return paymentsLedger(r, watched(r, kind, id))
}

// paymentsLedger lists the ledger rows of the conditional payments pids.
func paymentsLedger(r linkfin.Records, pids []string) (accounts, transfers []int64) {
	for _, p := range pids {
		a, t := cpLedgerKeys(r, p)
		accounts, transfers = append(accounts, a...), append(transfers, t...)
	}
	return accounts, transfers
}

func meetWatched(tx linkfin.Tx, kind, id string) error {
	var w linkfin.ConditionWatch
	if found, err := tx.Get(linkfin.KindConditionWatch, linkfin.ConditionWatchID(kind, id), &w); err != nil || !found {
		return err
	}
	for _, pid := range w.Payments {
		p, err := conditionalPayment(tx, pid, "")
		if err != nil {
			return err
		}
		// A payment past its expiry is refunded by the change that finds it so, not
		// released by it.
		step := meet
		if expired(tx, p) {
			step = expire
		}
		if err := step(tx, p); err != nil {
			return err
		}
		if err := unwatch(tx, p); err != nil {
			return err
		}
	}
	return nil
}

// The trade commands that make a record unable ever to meet the conditions that wait
// on it (an order cancelled, an invoice disputed) list its watch (watchKeys), every
// payment it names with what refunding one reads (lapseDependents) and their ledger
// rows (lapseLedger), and refund what they still lock (lapseWatched), in the same
// command: nothing is left locked for a condition that will never come. On an order's
// watch these are the payments that wait on its goods and those that wait on its
// shipments and invoices (Related).

func lapsing(r linkfin.Records, kind, id string) []string {
	var w linkfin.ConditionWatch
	if found, _ := r.Get(linkfin.KindConditionWatch, linkfin.ConditionWatchID(kind, id), &w); !found {
		return nil
	}
	return slices.Concat(w.Payments, w.Related) // w is shared with the database: not appended to
}

func lapseDependents(r linkfin.Records, kind, id string) []linkfin.ObjectKey {
	return paymentsKeys(r, lapsing(r, kind, id), func(p *linkfin.ConditionalPayment) []linkfin.ObjectKey {
		// A related payment leaves the watch of the shipment or invoice it waits on.
		if skind, sid := p.Condition.Subject(); skind != "" && (skind != kind || sid != id) {
			return watchKeys(skind, sid)
		}
		return nil
	})
}

func lapseLedger(r linkfin.Records, kind, id string) (accounts, transfers []int64) {
	return paymentsLedger(r, lapsing(r, kind, id))
}

// lapseWatched refunds to its payer (or its purpose-bound source) what each payment
// the record's watch lists still locks, for the reason given: the payment is
// cancelled, or expired if its expiry came first. Every one leaves the watch.
func lapseWatched(tx linkfin.Tx, kind, id, reason string) error {
	var w linkfin.ConditionWatch
	wid := linkfin.ConditionWatchID(kind, id)
	if found, err := tx.Get(linkfin.KindConditionWatch, wid, &w); err != nil || !found {
		return err
	}
	for _, pid := range slices.Concat(w.Payments, w.Related) {
		p, err := conditionalPayment(tx, pid, "")
		if err != nil {
			return err
		}
		switch {
		case expired(tx, p):
			err = expire(tx, p)
		case p.Status == linkfin.ConditionalLocked:
			err = refund(tx, p, linkfin.ConditionalCancelled, reason)
		}
		if err != nil {
			return err
		}
		if err := unwatch(tx, p); err != nil {
			return err
		}
	}
	if len(w.Related) == 0 {
		return nil
	}
	// Read again: unwatch took the payments that wait on the record itself off it.
	var now linkfin.ConditionWatch
	if _, err := tx.Get(linkfin.KindConditionWatch, wid, &now); err != nil {
		return err
	}
	now.Related = nil
	return tx.Put(linkfin.KindConditionWatch, wid, &now, "condition_watch.changed")
}

// CreateConditionalPayment locks the payer's money for a payee under a condition. If
// the condition is met in part or in full already (goods accepted before, an invoice
// approved), what it makes due is released at once.
type CreateConditionalPayment struct {
	Actor string // the payer
	ID    string // the payment's id; empty for a new one
	In    linkfin.ConditionalPaymentIn
	// FinancingID is the financing that pays it in, if any (set by the product).
	FinancingID string
}

// Keys implements linkfin.Command.
func (c *CreateConditionalPayment) Keys() []linkfin.ObjectKey {
	keys := append(idKeys(linkfin.KindConditionalPayment, c.ID),
		linkfin.ObjectKey{Kind: linkfin.KindOrganization, ID: c.In.PayeeID}, organizationKey(c.Actor))
	cond := c.In.Condition.Condition()
	keys = append(keys, subjectKeys(&cond)...)
	if c.In.SourceWalletID != "" {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindBoundWallet, ID: c.In.SourceWalletID})
	}
	if c.In.Condition.ConfirmerID != "" {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindOrganization, ID: c.In.Condition.ConfirmerID})
	}
	return keys
}

// DependentKeys implements linkfin.DependentCommand: for a shipment or an invoice,
// its order and the order's watch; on the e-CNY rail, the payer and the payee, and the
// wallets they designated.
func (c *CreateConditionalPayment) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var keys []linkfin.ObjectKey
	cond := c.In.Condition.Condition()
	if po := subjectOrder(r, &cond); po != "" {
		keys = append(watchKeys(linkfin.KindPurchaseOrder, po), linkfin.ObjectKey{Kind: linkfin.KindPurchaseOrder, ID: po})
	}
	if c.In.Rail != linkfin.RailECNY {
		return keys
	}
	return append(keys, designatedKeys(r, c.Actor, c.In.PayeeID)...)
}

// subjectOrder is the purchase order of the shipment or the invoice a condition waits
// on, as r has it ("" for another condition, or a record r does not have).
func subjectOrder(r linkfin.Records, c *linkfin.Condition) string {
	switch c.Type {
	case linkfin.ConditionDelivered:
		var s linkfin.Shipment
		if found, _ := r.Get(linkfin.KindShipment, c.ShipmentID, &s); found {
			return s.POID
		}
	case linkfin.ConditionInvoiceApproved:
		var inv linkfin.Invoice
		if found, _ := r.Get(linkfin.KindInvoice, c.InvoiceID, &inv); found {
			return inv.POID
		}
	}
	return ""
}

// source is the account the payment is locked from.
func (c *CreateConditionalPayment) source() int64 {
	if c.In.SourceWalletID != "" {
		return boundAccount(c.In.SourceWalletID)
	}
	return linkfin.WalletID(c.Actor, c.In.Currency)
}

// LedgerKeys implements linkfin.LedgerCommand.
func (c *CreateConditionalPayment) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	if c.In.Rail == linkfin.RailECNY {
		return append(designatedAccounts(r, c.Actor, c.In.PayeeID), ecnyHeldID), nil
	}
	return []int64{c.source(), linkfin.WalletID(c.In.PayeeID, c.In.Currency)}, nil
}

// Validate implements linkfin.Validator.
func (c *CreateConditionalPayment) Validate() error {
	in := &c.In
	if err := ids("payee_id", in.PayeeID); err != nil {
		return err
	}
	if in.SourceWalletID != "" {
		if err := ids("source_wallet_id", in.SourceWalletID); err != nil {
			return err
		}
	}
	if _, err := linkfin.ParseCurrency(string(in.Currency)); err != nil {
		return err
	}
	if err := linkfin.CheckRail(in.Rail, in.Currency); err != nil {
		return err
	}
	if in.Rail == linkfin.RailECNY && in.SourceWalletID != "" {
		return linkfin.Errorf(linkfin.EINVALID, "the e-CNY rail pays from the payer's designated e-CNY wallet, not from a purpose-bound wallet")
	}
	if err := linkfin.CheckPositiveAmount("amount", in.Amount); err != nil {
		return err
	}
	if err := linkfin.ValidateText("reference", in.Reference, linkfin.MaxText, false); err != nil {
		return err
	}
	// Its dates are bounded as an invoice's are: money locked until 9999-12-31, or
	// expiring in 2207 for 2027, would be locked for ever unless the payee agreed to
	// cancel it.
	for _, d := range []struct {
		name string
		date *linkfin.Date
	}{{"expires_on", in.ExpiresOn}, {"condition.date", in.Condition.Date}} {
		if d.date != nil {
			if err := linkfin.CheckDate(d.name, *d.date); err != nil {
				return err
			}
		}
	}
	cond := in.Condition
	if err := conditionFields(&cond); err != nil {
		return err
	}
	need := func(what, id string) error {
		if id == "" {
			return linkfin.Errorf(linkfin.EINVALID, "a %s condition names its %s", cond.Type, what)
		}
		return ids(what, id)
	}
	switch cond.Type {
	case linkfin.ConditionGoodsReceived:
		if cond.Release != "" && cond.Release != linkfin.ReleaseFull && cond.Release != linkfin.ReleaseProRata {
			return linkfin.Errorf(linkfin.EINVALID, "release is full or pro_rata")
		}
		return need("po_id", cond.POID)
	case linkfin.ConditionDelivered:
		return need("shipment_id", cond.ShipmentID)
	case linkfin.ConditionInvoiceApproved:
		return need("invoice_id", cond.InvoiceID)
	case linkfin.ConditionMilestone:
		if cond.Milestone == "" {
			return linkfin.Errorf(linkfin.EINVALID, "a milestone condition says what the milestone is")
		}
		if err := linkfin.ValidateText("milestone", cond.Milestone, MaxMilestone, false); err != nil {
			return err
		}
		return need("confirmer_id", cond.ConfirmerID)
	case linkfin.ConditionDate:
		if cond.Date == nil {
			return linkfin.Errorf(linkfin.EINVALID, "a date condition names its date")
		}
		if in.ExpiresOn != nil {
			return linkfin.Errorf(linkfin.EINVALID, "a date condition releases on its date: it has no expiry")
		}
		return nil
	}
	return linkfin.Errorf(linkfin.EINVALID, "condition type is goods_received, delivered, invoice_approved, milestone or date")
}

// conditionFields refuses a field of a condition that is not its type's: a
// goods_received condition that names a shipment would be kept saying so, and met by
// the order alone.
func conditionFields(cond *linkfin.ConditionIn) error {
	own, known := map[linkfin.ConditionType][]string{
		linkfin.ConditionGoodsReceived:   {"po_id", "release"},
		linkfin.ConditionDelivered:       {"shipment_id"},
		linkfin.ConditionInvoiceApproved: {"invoice_id"},
		linkfin.ConditionMilestone:       {"milestone", "confirmer_id"},
		linkfin.ConditionDate:            {"date"},
	}[cond.Type]
	if !known {
		return nil // the type is refused after
	}
	for _, f := range []struct {
		name string
		set  bool
	}{{"po_id", cond.POID != ""}, {"release", cond.Release != ""}, {"shipment_id", cond.ShipmentID != ""},
		{"invoice_id", cond.InvoiceID != ""}, {"milestone", cond.Milestone != ""}, {"confirmer_id", cond.ConfirmerID != ""},
		{"date", cond.Date != nil}} {
		if f.set && !slices.Contains(own, f.name) {
			return linkfin.Errorf(linkfin.EINVALID, "a %s condition has no %s", cond.Type, f.name)
		}
	}
	return nil
}

// Apply implements linkfin.Command.
func (c *CreateConditionalPayment) Apply(tx linkfin.Tx) (any, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	in := c.In
	today := linkfin.BusinessDate(tx.Now())
	if in.PayeeID == c.Actor {
		return nil, linkfin.Errorf(linkfin.EINVALID, "a payer does not pay itself")
	}
	cond := in.Condition.Condition()
	if cond.Type != linkfin.ConditionGoodsReceived {
		cond.Release = ""
	} else if cond.Release == "" {
		cond.Release = linkfin.ReleaseFull
	}
	order, err := c.subject(tx, &cond, today)
	if err != nil {
		return nil, err
	}
	if err := c.terms(tx, &cond, today); err != nil {
		return nil, err
	}
	p := &linkfin.ConditionalPayment{PayerID: c.Actor, PayeeID: in.PayeeID, Currency: in.Currency, Amount: in.Amount,
		Reference: in.Reference, SourceWalletID: in.SourceWalletID, Rail: in.Rail, Condition: cond,
		ExpiresOn: in.ExpiresOn, Status: linkfin.ConditionalLocked, CreatedAt: tx.Now()}
	if p.ID, err = newID(tx, linkfin.KindConditionalPayment, c.ID); err != nil {
		return nil, err
	}
	if err := lockPayment(tx, p); err != nil {
		return nil, err
	}
	if order == "" || p.Status != linkfin.ConditionalLocked {
		return p, nil
	}
	return p, watchOrder(tx, order, p.ID)
}

// subject reads the trade record cond waits on, which the payer is party to, and
// refuses a condition that can no longer be met: an order cancelled (or the order of
// the shipment or invoice named), an invoice that will never be approved, a release
// date that is not after today. It returns the order of a shipment or an invoice,
// whose cancelling refunds the payment; "" for another condition.
func (c *CreateConditionalPayment) subject(tx linkfin.Tx, cond *linkfin.Condition, today linkfin.Date) (order string, err error) {
	switch cond.Type {
	case linkfin.ConditionGoodsReceived:
		var po linkfin.PurchaseOrder
		if err := partyRecord(tx, c.Actor, linkfin.KindPurchaseOrder, cond.POID, &po); err != nil {
			return "", err
		}
		if err := notCancelled(&po); err != nil {
			return "", err
		}
	case linkfin.ConditionDelivered:
		var sh linkfin.Shipment
		if err := partyRecord(tx, c.Actor, linkfin.KindShipment, cond.ShipmentID, &sh); err != nil {
			return "", err
		}
		if err := orderNotCancelled(tx, sh.POID); err != nil {
			return "", err
		}
		order = sh.POID
	case linkfin.ConditionInvoiceApproved:
		var inv linkfin.Invoice
		if err := partyRecord(tx, c.Actor, linkfin.KindInvoice, cond.InvoiceID, &inv); err != nil {
			return "", err
		}
		if inv.Status == linkfin.InvoiceMismatched || inv.Status == linkfin.InvoiceDisputed {
			return "", linkfin.Errorf(linkfin.ECONFLICT, "invoice %s is %s: it will never be approved", inv.ID, inv.Status)
		}
		if err := orderNotCancelled(tx, inv.POID); err != nil {
			return "", err
		}
		order = inv.POID
	case linkfin.ConditionMilestone:
		if _, err := organization(tx, cond.ConfirmerID); err != nil {
			return "", err
		}
	case linkfin.ConditionDate:
		if !cond.Date.After(today) {
			return "", linkfin.Errorf(linkfin.EINVALID, "a release date is after today (%s)", today)
		}
	}
	return order, nil
}

// partyRecord reads the record kind id into rec, and answers not found when there is
// none or actor is not one of its parties.
func partyRecord(tx linkfin.Tx, actor, kind, id string, rec linkfin.Partied) error {
	found, err := tx.Get(kind, id, rec)
	if err != nil {
		return err
	}
	if !found || !slices.Contains(rec.Parties(), actor) {
		return notFound(kind, id)
	}
	return nil
}

// notCancelled refuses a cancelled purchase order.
func notCancelled(po *linkfin.PurchaseOrder) error {
	if po.Status == linkfin.POCancelled {
		return linkfin.Errorf(linkfin.ECONFLICT, "purchase order %s is cancelled", po.ID)
	}
	return nil
}

// orderNotCancelled refuses the purchase order id if it is cancelled; an order that
// is not there is not refused.
func orderNotCancelled(tx linkfin.Tx, id string) error {
	var po linkfin.PurchaseOrder
	if found, err := tx.Get(linkfin.KindPurchaseOrder, id, &po); err != nil || !found {
		return err
	}
	return notCancelled(&po)
}

// terms refuses a payment whose payer or payee does not trade now, whose expiry is
// not after today, whose source wallet the payer may not pay the payee from, or whose
// milestone the payee would confirm itself.
func (c *CreateConditionalPayment) terms(tx linkfin.Tx, cond *linkfin.Condition, today linkfin.Date) error {
	in := c.In
	// A conditional payment pays for trade still to come: its payer buys and its payee
	// sells (or carries), now. What is due is still paid (settlement, repayments).
	if err := tradeBetween(tx, c.Actor, in.PayeeID); err != nil {
		return err
	}
	if in.ExpiresOn != nil && !in.ExpiresOn.After(today) {
		return linkfin.Errorf(linkfin.EINVALID, "expires_on is after today (%s)", today)
	}
	if in.SourceWalletID != "" {
		w, err := boundWallet(tx, in.SourceWalletID, c.Actor)
		if err != nil {
			return err
		}
		if w.HolderID != c.Actor {
			return linkfin.Errorf(linkfin.EFORBIDDEN, "only its holder pays from purpose-bound wallet %s", w.ID)
		}
		if w.Currency != in.Currency {
			return linkfin.Errorf(linkfin.EINVALID, "purpose-bound wallet %s holds %s, not %s", w.ID, w.Currency, in.Currency)
		}
		if err := allowsPayee(w, in.PayeeID); err != nil {
			return err
		}
	}
	// A milestone's confirmation is another's word that it came, as a delivery is its
	// carrier's: a payee that confirmed its own milestone would release the money to
	// itself when it chose.
	if cond.Type == linkfin.ConditionMilestone && cond.ConfirmerID == in.PayeeID {
		return linkfin.Errorf(linkfin.EINVALID, "%s is the payee: a milestone is confirmed by another party than the one it pays", in.PayeeID)
	}
	return nil
}

// watchOrder lists payment pid, still waiting on a shipment or an invoice, on the
// watch of its order, whose cancelling refunds it.
func watchOrder(tx linkfin.Tx, order, pid string) error {
	var w linkfin.ConditionWatch
	wid := linkfin.ConditionWatchID(linkfin.KindPurchaseOrder, order)
	if _, err := tx.Get(linkfin.KindConditionWatch, wid, &w); err != nil {
		return err
	}
	if w.Payments == nil {
		w.Payments = []string{}
	}
	w.ID, w.Related = wid, append(w.Related, pid)
	return tx.Put(linkfin.KindConditionWatch, wid, &w, "condition_watch.changed")
}

// lockPayment locks a new conditional payment's amount at its source, records it
// (and on its trade record's watch), and releases at once what its condition makes
// due already. The records and ledger accounts it reads are listed by the command.
func lockPayment(tx linkfin.Tx, p *linkfin.ConditionalPayment) error {
	if p.Rail == linkfin.RailECNY {
		if err := lockECNY(tx, p); err != nil {
			return err
		}
	} else if err := lockPlatform(tx, p); err != nil {
		return err
	}
	p.Moves = []linkfin.ConditionalMove{{Type: linkfin.MoveLock, Amount: p.Amount, Reason: lockReason(&p.Condition),
		TransferID: p.Lock, At: tx.Now()}}
	if err := putPayment(tx, p, "locked"); err != nil {
		return err
	}
	if kind, id := p.Condition.Subject(); kind != "" {
		var w linkfin.ConditionWatch
		wid := linkfin.ConditionWatchID(kind, id)
		if _, err := tx.Get(linkfin.KindConditionWatch, wid, &w); err != nil {
			return err
		}
		w.ID, w.Payments = wid, append(w.Payments, p.ID)
		if err := tx.Put(linkfin.KindConditionWatch, wid, &w, "condition_watch.changed"); err != nil {
			return err
		}
	}
	if err := meet(tx, p); err != nil {
		return err
	}
	return unwatch(tx, p)
}

// lockPlatform locks the amount by a pending transfer from the source to the payee's
// platform wallet.
func lockPlatform(tx linkfin.Tx, p *linkfin.ConditionalPayment) error {
	source, payee := cpAccounts(p)
	if p.SourceWalletID == "" {
		w, err := account(source, p.Currency, codeWallet, ledger.DebitsMustNotExceedCredits)
		if err != nil {
			return err
		}
		if err := tx.CreateAccounts(w); err != nil {
			return err
		}
	}
	if have, err := available(tx, source); err != nil {
		return err
	} else if have < p.Amount {
		return linkfin.Errorf(linkfin.EINSUFFICIENTFUNDS, "the source holds %s of the %s to lock",
			linkfin.Money{Amount: have, Currency: p.Currency}, linkfin.Money{Amount: p.Amount, Currency: p.Currency})
	}
	pw, _ := account(payee, p.Currency, codeWallet, ledger.DebitsMustNotExceedCredits)
	if err := tx.CreateAccounts(pw); err != nil {
		return err
	}
	lock, err := lockTransfer(tx, p, source, payee, p.Amount)
	if err != nil {
		return err
	}
	if err := tx.Transfer(lock); err != nil {
		return err
	}
	p.Lock = linkfin.StringInt(lock.ID)
	return nil
}

// lockReason says what a new payment waits for.
func lockReason(c *linkfin.Condition) string {
	switch c.Type {
	case linkfin.ConditionGoodsReceived:
		if c.Release == linkfin.ReleaseProRata {
			return "until goods are accepted against purchase order " + c.POID + ", pro rata"
		}
		return "until purchase order " + c.POID + " is accepted in full"
	case linkfin.ConditionDelivered:
		return "until shipment " + c.ShipmentID + " is delivered"
	case linkfin.ConditionInvoiceApproved:
		return "until invoice " + c.InvoiceID + " is approved"
	case linkfin.ConditionMilestone:
		return "until " + c.ConfirmerID + " confirms: " + c.Milestone
	case linkfin.ConditionDate:
		return "until " + c.Date.String()
	}
	return ""
}

// paymentCommand is what the commands on one conditional payment list: the payment,
// the trade record it waits on with its watch, and its ledger rows.
type paymentCommand struct{ id string }

func (c paymentCommand) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindConditionalPayment, ID: c.id}}
}

func (c paymentCommand) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var p linkfin.ConditionalPayment
	if found, _ := r.Get(linkfin.KindConditionalPayment, c.id, &p); !found {
		return nil
	}
	return append(subjectKeys(&p.Condition), ecnyCPKeys(r, &p)...)
}

func (c paymentCommand) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	return cpLedgerKeys(r, c.id)
}

// ConfirmMilestone is the named party confirming a milestone: the payment is
// released.
type ConfirmMilestone struct {
	Actor string
	ID    string
}

// Keys implements linkfin.Command.
func (c *ConfirmMilestone) Keys() []linkfin.ObjectKey { return paymentCommand{c.ID}.Keys() }

// DependentKeys implements linkfin.DependentCommand.
func (c *ConfirmMilestone) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	return paymentCommand{c.ID}.DependentKeys(r)
}

// LedgerKeys implements linkfin.LedgerCommand.
func (c *ConfirmMilestone) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	return paymentCommand{c.ID}.LedgerKeys(r)
}

// Apply implements linkfin.Command.
func (c *ConfirmMilestone) Apply(tx linkfin.Tx) (any, error) {
	p, err := conditionalPayment(tx, c.ID, c.Actor)
	if err != nil {
		return nil, err
	}
	switch {
	case p.Condition.Type != linkfin.ConditionMilestone:
		return nil, linkfin.Errorf(linkfin.EINVALID, "conditional payment %s waits for %s, not a milestone", p.ID, p.Condition.Type)
	case p.Condition.ConfirmerID != c.Actor:
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only %s confirms this milestone", p.Condition.ConfirmerID)
	case p.Status != linkfin.ConditionalLocked:
		return nil, linkfin.Errorf(linkfin.ECONDITIONCLOSED, "conditional payment %s is %s", p.ID, p.Status)
	case expired(tx, p):
		return nil, linkfin.Errorf(linkfin.ECONDITIONCLOSED, "conditional payment %s expired on %s: what it locks goes back to its payer",
			p.ID, p.ExpiresOn)
	}
	now := tx.Now()
	p.Condition.ConfirmedAt = &now
	if err := putPayment(tx, p, "milestone_confirmed"); err != nil {
		return nil, err
	}
	return p, meet(tx, p)
}

// CancelConditionalPayment is one side of a conditional payment asking to cancel it.
// The first side's call records its request; the other side's call agrees, and what
// is still locked is refunded to the source. The same side asking twice changes
// nothing.
type CancelConditionalPayment struct {
	Actor string
	ID    string
}

// Keys implements linkfin.Command.
func (c *CancelConditionalPayment) Keys() []linkfin.ObjectKey { return paymentCommand{c.ID}.Keys() }

// DependentKeys implements linkfin.DependentCommand.
func (c *CancelConditionalPayment) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	return paymentCommand{c.ID}.DependentKeys(r)
}

// LedgerKeys implements linkfin.LedgerCommand.
func (c *CancelConditionalPayment) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	return paymentCommand{c.ID}.LedgerKeys(r)
}

// Apply implements linkfin.Command.
func (c *CancelConditionalPayment) Apply(tx linkfin.Tx) (any, error) {
	p, err := conditionalPayment(tx, c.ID, c.Actor)
	if err != nil {
		return nil, err
	}
	switch {
	case c.Actor != p.PayerID && c.Actor != p.PayeeID:
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the payer and the payee cancel a conditional payment")
	case p.Status != linkfin.ConditionalLocked:
		return nil, linkfin.Errorf(linkfin.ECONDITIONCLOSED, "conditional payment %s is %s", p.ID, p.Status)
	case p.CancelRequestedBy == c.Actor:
		return p, nil
	case p.CancelRequestedBy == "":
		p.CancelRequestedBy = c.Actor
		return p, putPayment(tx, p, "cancel_requested")
	}
	if err := refund(tx, p, linkfin.ConditionalCancelled, "cancelled by the payer and the payee"); err != nil {
		return nil, err
	}
	return p, unwatch(tx, p)
}

// SettleConditionalPayment is the scheduler's: it releases what a payment's
// condition makes due (a release date that came, or a release that waited for room
// in the payee's e-CNY wallet); from its expiry date on, it releases nothing and
// refunds what is still locked.
type SettleConditionalPayment struct {
	ID string
}

// Keys implements linkfin.Command.
func (c *SettleConditionalPayment) Keys() []linkfin.ObjectKey { return paymentCommand{c.ID}.Keys() }

// DependentKeys implements linkfin.DependentCommand.
func (c *SettleConditionalPayment) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	return paymentCommand{c.ID}.DependentKeys(r)
}

// LedgerKeys implements linkfin.LedgerCommand.
func (c *SettleConditionalPayment) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	return paymentCommand{c.ID}.LedgerKeys(r)
}

// Apply implements linkfin.Command.
func (c *SettleConditionalPayment) Apply(tx linkfin.Tx) (any, error) {
	p, err := conditionalPayment(tx, c.ID, "")
	if err != nil {
		return nil, err
	}
	step := meet
	if expired(tx, p) {
		// What is still locked is refunded, a release that waits for room included.
		step = expire
	}
	if err := step(tx, p); err != nil {
		return nil, err
	}
	return p, unwatch(tx, p)
}

// settleDue reports whether the scheduler has work for the payment on the day.
func settleDue(p *linkfin.ConditionalPayment, today linkfin.Date) bool {
	if p.Status != linkfin.ConditionalLocked {
		return false
	}
	if p.Waiting != nil {
		return true
	}
	if p.ExpiresOn != nil && !today.Before(*p.ExpiresOn) {
		return true
	}
	return p.Condition.Type == linkfin.ConditionDate && p.Condition.Date != nil && !today.Before(*p.Condition.Date)
}
