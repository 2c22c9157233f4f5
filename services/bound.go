package services

import (
	"context"
	"encoding/json"
	"slices"

	"linkfin"
	"linkfin/ledger"
)

// Purpose-bound funds. A purpose-bound wallet is a ledger account of its own, that
// cannot go below zero, beside its holder's wallet: its grantor (who set the purpose:
// a lender, or the holder itself) funds it, and its holder pays from it only to the
// organizations it lists, directly or into a conditional payment. Nothing else moves
// money out of it: no withdrawal to a bank, no redemption to the holder's own wallet.
// A payment to anyone else is refused with purpose_bound_payee.
const codeBound = 9

// MaxPurpose is the most characters a purpose-bound wallet's purpose has.
const MaxPurpose = 200

// boundAccount is the ledger account of a purpose-bound wallet.
func boundAccount(id string) int64 { return linkfin.LedgerID("bound/" + id) }

// boundWallet reads a purpose-bound wallet the actor is party to ("" for the
// operator).
func boundWallet(tx linkfin.Tx, id, actor string) (*linkfin.BoundWallet, error) {
	var w linkfin.BoundWallet
	found, err := tx.Get(linkfin.KindBoundWallet, id, &w)
	if err != nil {
		return nil, err
	}
	if !found || actor != "" && !slices.Contains(w.Parties(), actor) {
		return nil, notFound(linkfin.KindBoundWallet, id)
	}
	return &w, nil
}

// allowsPayee refuses a payee the wallet does not list.
func allowsPayee(w *linkfin.BoundWallet, payee string) error {
	if !slices.Contains(w.PayeeIDs, payee) {
		return linkfin.Errorf(linkfin.EPURPOSEBOUND, "purpose-bound wallet %s pays only %v", w.ID, w.PayeeIDs)
	}
	return nil
}

// OpenBoundWallet opens a purpose-bound wallet for a holder and pays the amount in
// from the actor's wallet: the actor is its grantor, whose purpose it serves. What
// the grantor holds is checked first, so that whoever cannot fund a wallet learns
// nothing of the organizations it names.
type OpenBoundWallet struct {
	Actor string
	ID    string // empty for a new one
	In    linkfin.BoundWalletIn
}

// Keys implements linkfin.Command.
func (c *OpenBoundWallet) Keys() []linkfin.ObjectKey {
	keys := append(idKeys(linkfin.KindBoundWallet, c.ID), linkfin.ObjectKey{Kind: linkfin.KindOrganization, ID: c.In.HolderID})
	for _, p := range c.In.PayeeIDs {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindOrganization, ID: p})
	}
	return keys
}

// Validate implements linkfin.Validator.
func (c *OpenBoundWallet) Validate() error {
	if err := ids("holder_id", c.In.HolderID); err != nil {
		return err
	}
	if _, err := ledgerOf(c.In.Currency); err != nil {
		return err
	}
	if len(c.In.PayeeIDs) == 0 || len(c.In.PayeeIDs) > linkfin.MaxBoundPayees {
		return linkfin.Errorf(linkfin.EINVALID, "a purpose-bound wallet lists 1 to %d payees", linkfin.MaxBoundPayees)
	}
	for i, p := range c.In.PayeeIDs {
		if err := ids("payee_ids", p); err != nil {
			return err
		}
		if slices.Contains(c.In.PayeeIDs[:i], p) {
			return linkfin.Errorf(linkfin.EINVALID, "payee %s is listed twice", p)
		}
		if p == c.In.HolderID {
			return linkfin.Errorf(linkfin.EINVALID, "the holder is not its own payee: purpose-bound money does not go back to it")
		}
	}
	if err := linkfin.CheckPositiveAmount("amount", c.In.Amount); err != nil {
		return err
	}
	return linkfin.ValidateText("purpose", c.In.Purpose, MaxPurpose, false)
}

// Apply implements linkfin.Command.
func (c *OpenBoundWallet) Apply(tx linkfin.Tx) (any, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	from := linkfin.WalletID(c.Actor, c.In.Currency)
	if have, err := available(tx, from); err != nil {
		return nil, err
	} else if have < c.In.Amount {
		return nil, linkfin.Errorf(linkfin.EINSUFFICIENTFUNDS, "your wallet holds %s of the %s",
			linkfin.Money{Amount: have, Currency: c.In.Currency}, linkfin.Money{Amount: c.In.Amount, Currency: c.In.Currency})
	}
	for _, org := range append([]string{c.In.HolderID}, c.In.PayeeIDs...) {
		if _, err := organization(tx, org); err != nil {
			return nil, err
		}
	}
	w := linkfin.BoundWallet{HolderID: c.In.HolderID, GrantorID: c.Actor, Currency: c.In.Currency, PayeeIDs: slices.Clone(c.In.PayeeIDs),
		Purpose: c.In.Purpose, CreatedAt: tx.Now()}
	var err error
	if w.ID, err = newID(tx, linkfin.KindBoundWallet, c.ID); err != nil {
		return nil, err
	}
	w.Ledger = linkfin.StringInt(boundAccount(w.ID))
	a, _ := account(int64(w.Ledger), w.Currency, codeBound, ledger.DebitsMustNotExceedCredits)
	create := tx.CreateAccounts
	if tx.Made(w.ID) {
		create = tx.CreateNewAccounts
	}
	if err := create(a); err != nil {
		return nil, err
	}
	if err := tx.Put(linkfin.KindBoundWallet, w.ID, &w, "purpose_bound_wallet.opened"); err != nil {
		return nil, err
	}
	return &w, fundBound(tx, &w, from, c.In.Amount)
}

// LedgerKeys implements linkfin.LedgerCommand: the grantor's wallet, and the wallet's
// account for a wallet whose id is given.
func (c *OpenBoundWallet) LedgerKeys(linkfin.Records) (accounts, transfers []int64) {
	accounts = []int64{linkfin.WalletID(c.Actor, c.In.Currency)}
	if c.ID != "" {
		accounts = append(accounts, boundAccount(c.ID))
	}
	return accounts, nil
}

// FundBoundWallet moves money from the grantor's wallet into a purpose-bound wallet
// it granted.
type FundBoundWallet struct {
	Actor  string
	ID     string
	Amount int64
}

// Keys implements linkfin.Command.
func (c *FundBoundWallet) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindBoundWallet, ID: c.ID}}
}

// LedgerKeys implements linkfin.LedgerCommand.
func (c *FundBoundWallet) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	var w linkfin.BoundWallet
	if found, _ := r.Get(linkfin.KindBoundWallet, c.ID, &w); !found {
		return nil, nil
	}
	return []int64{boundAccount(c.ID), linkfin.WalletID(w.GrantorID, w.Currency)}, nil
}

// Validate implements linkfin.Validator.
func (c *FundBoundWallet) Validate() error { return linkfin.CheckPositiveAmount("amount", c.Amount) }

// Apply implements linkfin.Command.
func (c *FundBoundWallet) Apply(tx linkfin.Tx) (any, error) {
	w, err := boundWallet(tx, c.ID, c.Actor)
	if err != nil {
		return nil, err
	}
	if c.Actor != w.GrantorID {
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only its grantor %s funds purpose-bound wallet %s", w.GrantorID, w.ID)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return w, fundBound(tx, w, linkfin.WalletID(w.GrantorID, w.Currency), c.Amount)
}

// fundBound moves amount from the account from into the wallet.
func fundBound(tx linkfin.Tx, w *linkfin.BoundWallet, from int64, amount int64) error {
	if have, err := available(tx, from); err != nil {
		return err
	} else if have < amount {
		return linkfin.Errorf(linkfin.EINSUFFICIENTFUNDS, "the wallet holds %s of the %s",
			linkfin.Money{Amount: have, Currency: w.Currency}, linkfin.Money{Amount: amount, Currency: w.Currency})
	}
	l, err := ledgerOf(w.Currency)
	if err != nil {
		return err
	}
	if err := tx.Transfer(ledger.Transfer{ID: tx.ReserveLedgerIDs(1), DebitAccountID: from, CreditAccountID: int64(w.Ledger),
		Amount: amount, Ledger: l, Currency: string(w.Currency), Code: codeBound}); err != nil {
		return err
	}
	if w.Funded, err = linkfin.Add(w.Funded, amount); err != nil {
		return err
	}
	return tx.Put(linkfin.KindBoundWallet, w.ID, w, "purpose_bound_wallet.funded")
}

// PayFromBoundWallet is the holder paying one of the wallet's payees from it, at
// once. Any other payee is refused with purpose_bound_payee; a holder or a payee that
// does not trade now is refused as for a conditional payment from the wallet
// (tradeBetween).
type PayFromBoundWallet struct {
	Actor   string
	ID      string
	PayeeID string
	Amount  int64
}

// Keys implements linkfin.Command: the wallet, and the organizations of the holder
// (the actor) and the payee.
func (c *PayFromBoundWallet) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindBoundWallet, ID: c.ID}, organizationKey(c.Actor), organizationKey(c.PayeeID)}
}

// LedgerKeys implements linkfin.LedgerCommand.
func (c *PayFromBoundWallet) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	var w linkfin.BoundWallet
	if found, _ := r.Get(linkfin.KindBoundWallet, c.ID, &w); !found {
		return nil, nil
	}
	return []int64{boundAccount(c.ID), linkfin.WalletID(c.PayeeID, w.Currency)}, nil
}

// Validate implements linkfin.Validator.
func (c *PayFromBoundWallet) Validate() error {
	if err := ids("payee_id", c.PayeeID); err != nil {
		return err
	}
	return linkfin.CheckPositiveAmount("amount", c.Amount)
}

// Apply implements linkfin.Command.
func (c *PayFromBoundWallet) Apply(tx linkfin.Tx) (any, error) {
	w, err := boundWallet(tx, c.ID, c.Actor)
	if err != nil {
		return nil, err
	}
	if c.Actor != w.HolderID {
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only its holder %s pays from purpose-bound wallet %s", w.HolderID, w.ID)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := allowsPayee(w, c.PayeeID); err != nil {
		return nil, err
	}
	// It pays for trade, as a conditional payment from the wallet does: its holder buys
	// and its payee sells (or carries), now.
	if err := tradeBetween(tx, c.Actor, c.PayeeID); err != nil {
		return nil, err
	}
	return payBound(tx, w, c.PayeeID, c.Amount)
}

// payBound pays amount from the wallet to a payee it lists.
func payBound(tx linkfin.Tx, w *linkfin.BoundWallet, payee string, amount int64) (*linkfin.BoundPayment, error) {
	from := int64(w.Ledger)
	if have, err := available(tx, from); err != nil {
		return nil, err
	} else if have < amount {
		return nil, linkfin.Errorf(linkfin.EINSUFFICIENTFUNDS, "purpose-bound wallet %s holds %s of the %s", w.ID,
			linkfin.Money{Amount: have, Currency: w.Currency}, linkfin.Money{Amount: amount, Currency: w.Currency})
	}
	to, _ := account(linkfin.WalletID(payee, w.Currency), w.Currency, codeWallet, ledger.DebitsMustNotExceedCredits)
	if err := tx.CreateAccounts(to); err != nil {
		return nil, err
	}
	t := ledger.Transfer{ID: tx.ReserveLedgerIDs(1), DebitAccountID: from, CreditAccountID: to.ID, Amount: amount, Ledger: to.Ledger,
		Currency: to.Currency, Code: codeBound}
	if err := tx.Transfer(t); err != nil {
		return nil, err
	}
	var err error
	if w.Paid, err = linkfin.Add(w.Paid, amount); err != nil {
		return nil, err
	}
	if err := tx.Put(linkfin.KindBoundWallet, w.ID, w, "purpose_bound_wallet.paid"); err != nil {
		return nil, err
	}
	return &linkfin.BoundPayment{TransferID: linkfin.StringInt(t.ID), WalletID: w.ID, PayeeID: payee, Currency: w.Currency, Amount: amount}, nil
}

// ReadBoundWallet answers a purpose-bound wallet the viewer sees, with what it holds.
func ReadBoundWallet(ctx context.Context, s linkfin.PartyReader, a interface {
	Account(ctx context.Context, id int64) (*ledger.Account, error)
}, v linkfin.Viewer, id string) (*linkfin.BoundWalletOut, error) {
	o, err := Read(ctx, s, v, linkfin.KindBoundWallet, id)
	if err != nil {
		return nil, err
	}
	var out linkfin.BoundWalletOut
	if err := json.Unmarshal(o.Data, &out.BoundWallet); err != nil {
		return nil, err
	}
	acct, err := a.Account(ctx, int64(out.Ledger))
	if err != nil {
		return nil, err
	}
	if out.Balance, err = linkfin.Sub(acct.CreditsPosted, acct.DebitsPosted); err != nil {
		return nil, err
	}
	out.Balance -= acct.DebitsPending
	seenValue(v, linkfin.KindBoundWallet, &out.BoundWallet) // its grantor sees what it holds, not its ledger account
	return &out, nil
}
