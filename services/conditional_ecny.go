package services

import (
	"context"

	"linkfin"
	"linkfin/ledger"
)

// Conditional payments on the e-CNY rail. The payer's designated wallet holds the
// money: a linked chain of four pending transfers, locked at once, holds the amount in
// the wallet (toward ecnyHeldID, which a release passes it through to the payee's
// wallet) and reserves as much of the wallet's daily and yearly headroom, with the
// balance headroom it will give back when the money leaves. The payer's single-payment,
// daily and yearly limits are checked when it is locked, and the payment counts in the
// totals of the day and year (China time) it was locked, as a card payment counts when
// it is authorised, not when it settles: its release, on whatever day, takes nothing
// from that day's limits, so nothing the payer pays meanwhile can stop it.
//
// A release posts (part of) the four and, linked, pays the payee's designated wallet
// (the one it designates at the time of the release) within that wallet's balance
// limit: one e-CNY payment, announced to both sides. A wallet without room for it
// makes the release wait (ReleaseWait), locked, instead of refusing the trade event
// that made it due. A refund voids the money's transfer and gives the headroom back:
// the day's and the year's if it is still the day (year) of the lock; a day or year
// over has started its totals again without it, so its headroom is not given twice.

// ecnyHeldID is the account the money of a conditional payment on the e-CNY rail is
// held toward: it passes through it on release, and is never left in it.
var ecnyHeldID = linkfin.LedgerID("ecny-held")

// The four legs of an e-CNY lock, in the order of their consecutive pending transfers.
const (
	ecnyLegMoney = iota
	ecnyLegDaily
	ecnyLegYearly
	ecnyLegBalance
	ecnyLegs
)

// ecnyLockLegs are the debit and credit accounts of the lock's legs.
func ecnyLockLegs(payer linkfin.ECNYWalletLedger) [ecnyLegs][2]int64 {
	return [ecnyLegs][2]int64{
		ecnyLegMoney:   {int64(payer.Wallet), ecnyHeldID},
		ecnyLegDaily:   {int64(payer.Daily), ecnySource(payer)},
		ecnyLegYearly:  {int64(payer.Yearly), ecnySource(payer)},
		ecnyLegBalance: {ecnySource(payer), int64(payer.Balance)},
	}
}

func ecnyLegCode(leg int) uint16 {
	if leg == ecnyLegMoney {
		return codeConditional
	}
	return codeECNYLimit
}

// ecnyPending appends the lock's legs of amount, as pending transfers from id base.
func ecnyPending(ts []ledger.Transfer, base int64, payer linkfin.ECNYWalletLedger, amount int64) []ledger.Transfer {
	for i, l := range ecnyLockLegs(payer) {
		t := ecnyTransfer(base+int64(i), l[0], l[1], amount, ecnyLegCode(i))
		t.Flags = ledger.Pending
		ts = append(ts, t)
	}
	return ts
}

// ecnyCPKeys are the records a command that moves an e-CNY conditional payment's
// money reads besides the payment: the payee and the wallet it designated.
func ecnyCPKeys(r linkfin.Records, p *linkfin.ConditionalPayment) []linkfin.ObjectKey {
	if p.Rail != linkfin.RailECNY {
		return nil
	}
	return designatedKeys(r, p.PayeeID)
}

// ecnyCPLedger are its ledger rows: the payer's wallet's accounts, the payee's
// designated wallet's, the limit source and the held account; and the lock's four
// pending transfers.
func ecnyCPLedger(r linkfin.Records, p *linkfin.ConditionalPayment) (accounts, transfers []int64) {
	if p.ECNY == nil {
		return nil, nil
	}
	accounts = append(ecnyLedgerIDs(p.ECNY.PayerAccounts), ecnyHeldID)
	accounts = append(accounts, designatedAccounts(r, p.PayeeID)...)
	for i := range ecnyLegs {
		transfers = append(transfers, int64(p.Lock)+int64(i))
	}
	return accounts, transfers
}

// lockECNY locks a new payment's amount in the payer's designated wallet, refused
// with the code of the limit it would pass (or ecny_wallet_not_designated for either
// side) and changing nothing then.
func lockECNY(tx linkfin.Tx, p *linkfin.ConditionalPayment) error {
	from, err := designated(tx, p.PayerID)
	if err != nil {
		return err
	}
	if _, err := designated(tx, p.PayeeID); err != nil {
		return err
	}
	if err := mayPay(tx, from, nil, p.Amount, "wallet %s holds %s free to lock"); err != nil {
		return err
	}
	held, err := account(ecnyHeldID, "CNY", codeECNYWallet, 0)
	if err != nil {
		return err
	}
	if err := tx.CreateAccounts(held); err != nil {
		return err
	}
	base := tx.ReserveLedgerIDs(ecnyLegs)
	if err := tx.Transfer(ecnyPending(nil, base, from.Ledger, p.Amount)...); err != nil {
		return err
	}
	p.Lock = linkfin.StringInt(base)
	p.ECNY = &linkfin.ConditionalECNY{PayerAccounts: from.Ledger, Day: from.Day}
	return nil
}

// moveECNY resolves what an e-CNY payment still holds: release of it paid into the
// payee's wallet to (nil when release is 0), refund given back to the payer, and the
// rest locked again in the same linked chain. It answers the id of the transfer that
// moved the money out of the payer's wallet (or back to it), and of the one that
// paid the payee's wallet.
func moveECNY(tx linkfin.Tx, p *linkfin.ConditionalPayment, release, refund int64, to *linkfin.ECNYWallet) (moved, paid int64, err error) {
	keep := p.Remaining() - release - refund
	now := linkfin.BusinessDate(tx.Now())
	year, _, _ := now.YMD()
	lockYear, _, _ := p.ECNY.Day.YMD()
	n := ecnyLegs
	if keep > 0 {
		n += ecnyLegs
	}
	if release > 0 {
		n += 2
	}
	base := tx.ReserveLedgerIDs(n)
	var ts []ledger.Transfer
	for i, l := range ecnyLockLegs(p.ECNY.PayerAccounts) {
		// A refund gives back the headroom of its day and year only while they last.
		taken := release
		if i == ecnyLegDaily && now != p.ECNY.Day || i == ecnyLegYearly && year != lockYear {
			taken += refund
		}
		t := ecnyTransfer(base+int64(i), l[0], l[1], taken, ecnyLegCode(i))
		t.PendingID, t.Flags = int64(p.Lock)+int64(i), ledger.PostPending
		if taken == 0 {
			t.Flags = ledger.VoidPending
		}
		ts = append(ts, t)
	}
	next := base + ecnyLegs
	if keep > 0 {
		ts = ecnyPending(ts, next, p.ECNY.PayerAccounts, keep)
		p.Lock = linkfin.StringInt(next)
		next += ecnyLegs
	}
	if release > 0 {
		paid = next
		ts = append(ts, ecnyTransfer(next, ecnyHeldID, int64(to.Ledger.Wallet), release, codeECNYWallet),
			ecnyTransfer(next+1, int64(to.Ledger.Balance), ecnySource(to.Ledger), release, codeECNYLimit))
	}
	return base, paid, tx.Transfer(ts...)
}

// waitWords end the reason of a release that waits for room in the payee's wallet.
// They name none of the wallet's figures: the payer and a milestone's confirmer read
// the payment, and its history, which keeps every version as written, so what the
// payment records is for all of them (the payee reads its wallet's room and limit in
// the wallet itself, and WaitingRoom answers them to it).
const waitWords = "the payee's e-CNY wallet cannot be paid this amount now"

// releaseECNY releases amount of an e-CNY payment into the payee's designated wallet,
// as an e-CNY payment of its own, or, when the wallet has no room for it, records
// that the release waits, in words that name neither the wallet nor its limit or
// room (waitWords). It answers the move made (none while it waits).
func releaseECNY(tx linkfin.Tx, p *linkfin.ConditionalPayment, amount int64, reason string) (*linkfin.ConditionalMove, error) {
	to, err := designated(tx, p.PayeeID)
	if err != nil {
		return nil, err
	}
	if room, err := available(tx, int64(to.Ledger.Balance)); err != nil {
		return nil, err
	} else if room < amount {
		wait := linkfin.ReleaseWait{Amount: amount, Code: linkfin.EWALLETBALANCE, Since: tx.Now(), Reason: reason + "; " + waitWords}
		if w := p.Waiting; w != nil && w.Amount == wait.Amount && w.Reason == wait.Reason {
			return nil, nil
		}
		p.Waiting = &wait
		return nil, putPayment(tx, p, "release_waiting")
	}
	moved, paid, err := moveECNY(tx, p, amount, 0, to)
	if err != nil {
		return nil, err
	}
	pay := linkfin.ECNYPayment{ID: tx.NewID(linkfin.IDPrefix[linkfin.KindECNYPayment]), TransferID: linkfin.StringInt(paid),
		PayerID: p.PayerID, PayeeID: p.PayeeID, Amount: amount, Day: p.ECNY.Day, For: linkfin.ECNYForConditional,
		ConditionalPaymentID: p.ID, CreatedAt: tx.Now()}
	if err := tx.Put(linkfin.KindECNYPayment, pay.ID, &pay, "ecny_payment.paid"); err != nil {
		return nil, err
	}
	p.Waiting = nil
	return &linkfin.ConditionalMove{Type: linkfin.MoveRelease, Amount: amount, Reason: reason, TransferID: linkfin.StringInt(moved),
		ECNYPaymentID: pay.ID, At: tx.Now()}, nil
}

// WalletRoom is what an e-CNY wallet may still take in under its balance limit, in
// fen, as of when it was read.
type WalletRoom struct {
	WalletID string
	Room     int64 // its balance limit less what it holds
	Limit    int64 // its balance limit
}

// WaitingRoom is, of a conditional payment p whose release waits for room in the
// payee's e-CNY wallet, the room of the wallet the payee designates now, as of now:
// the payee's alone to read, and the operator's. Anyone else (the payer, a
// milestone's confirmer) gets nil, as does a payment with no release waiting or a
// payee that designates no wallet now. The payment's record names none of these
// figures (waitWords), so that every reader of it, its history too, learns only that
// the release waits, with its amount and code.
func WaitingRoom(ctx context.Context, s linkfin.PartyReader, a AccountReader, v linkfin.Viewer, p *linkfin.ConditionalPayment) (*WalletRoom, error) {
	if p.Waiting == nil || p.Rail != linkfin.RailECNY || !v.Operator && v.Org != p.PayeeID {
		return nil, nil
	}
	var o linkfin.Organization
	if err := ReadAs(ctx, s, v, linkfin.KindOrganization, p.PayeeID, &o); err != nil || o.ECNYWalletID == "" {
		return nil, err
	}
	var w linkfin.ECNYWallet
	if err := ReadAs(ctx, s, v, linkfin.KindECNYWallet, o.ECNYWalletID, &w); err != nil {
		return nil, err
	}
	acct, err := a.Account(ctx, int64(w.Ledger.Balance))
	if err != nil {
		return nil, err
	}
	debits, err := linkfin.Add(acct.DebitsPosted, acct.DebitsPending)
	if err != nil {
		return nil, err
	}
	room, err := linkfin.Sub(acct.CreditsPosted, debits)
	if err != nil {
		return nil, err
	}
	return &WalletRoom{WalletID: w.ID, Room: room, Limit: w.Limits.Balance}, nil
}
