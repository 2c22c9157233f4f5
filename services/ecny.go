package services

import (
	"context"
	"encoding/json"

	"linkfin"
	"linkfin/ledger"
)

// The e-CNY wallets' ledger layout. A wallet is an account that cannot go below zero;
// beside it, three accounts hold what its limits leave: its balance headroom (the
// limit less what it holds), and its daily and yearly headroom (the limit less what it
// paid that day or year). Each is credited with its limit from the wallet's own limit
// source when the wallet opens, and cannot go below zero either. Every movement
// of money moves the headrooms with it in one linked chain: a payment debits the
// payer's daily and yearly headroom and the payee's balance headroom, and credits the
// payer's balance headroom. So the ledger refuses, in the batch of the payment and all
// or nothing, a payment past any limit; the command checks the same first, to answer
// which limit with its own code. A new day or year (China time) credits the daily or
// yearly headroom back to its limit, on the wallet's first payment then.
const (
	codeECNYWallet      = 5
	codeECNYLimit       = 6
	codeECNYLimitSource = 7
)

// ecnySharedSourceID is the limit source of the wallets opened before each wallet had
// its own. It was every wallet's: the sum of all their limits and payments moved
// through one account, whose totals a few thousand wallets opened with the largest
// limits overflowed, refusing every wallet's payments after. A wallet's own source
// bounds what can add up there to that wallet's own doing.
var ecnySharedSourceID = linkfin.LedgerID("ecny-limits")

// ecnyAccounts are the ledger accounts of a new wallet with id: its money, its
// balance, daily and yearly headroom, and its limit source. (A wallet's record names
// the accounts it has: one opened before wallets had their own limit source has none;
// see walletLedger.)
func ecnyAccounts(id string) linkfin.ECNYWalletLedger {
	return linkfin.ECNYWalletLedger{
		Wallet:      linkfin.StringInt(linkfin.LedgerID("ecny/" + id)),
		Balance:     linkfin.StringInt(linkfin.LedgerID("ecny/" + id + "/balance")),
		Daily:       linkfin.StringInt(linkfin.LedgerID("ecny/" + id + "/daily")),
		Yearly:      linkfin.StringInt(linkfin.LedgerID("ecny/" + id + "/yearly")),
		LimitSource: linkfin.StringInt(linkfin.LedgerID("ecny/" + id + "/limits")),
	}
}

// ecnySource is the account the wallet's headroom is granted from and given back to.
func ecnySource(l linkfin.ECNYWalletLedger) int64 {
	if l.LimitSource != 0 {
		return int64(l.LimitSource)
	}
	return ecnySharedSourceID
}

// ecnyLedgerIDs are the ledger accounts a command moving the wallet's money or
// headroom lists: its own, and its limit source.
func ecnyLedgerIDs(l linkfin.ECNYWalletLedger) []int64 {
	return []int64{int64(l.Wallet), int64(l.Balance), int64(l.Daily), int64(l.Yearly), ecnySource(l)}
}

// walletLedger is the ledger accounts of the wallet id as its record names them (a
// wallet opened before wallets had their own limit source names the shared one), for
// LedgerKeys; the accounts its id gives when it has no record yet.
func walletLedger(r linkfin.Records, id string) linkfin.ECNYWalletLedger {
	var w linkfin.ECNYWallet
	if found, _ := r.Get(linkfin.KindECNYWallet, id, &w); found {
		return w.Ledger
	}
	return ecnyAccounts(id)
}

// ecnyTransfer is one leg of a chain of e-CNY movements.
func ecnyTransfer(id, dr, cr int64, amount int64, code uint16) ledger.Transfer {
	return ledger.Transfer{ID: id, DebitAccountID: dr, CreditAccountID: cr, Amount: amount, Ledger: ledgers["CNY"], Currency: "CNY", Code: code}
}

// chain runs the legs (debit, credit, amount) as one linked chain, with ledger ids
// reserved for them, and returns the first one's id. With money, the first leg moves
// money between wallets and the others headroom; else every leg moves headroom.
func chain(tx linkfin.Tx, money bool, legs ...[3]int64) (int64, error) {
	base := tx.ReserveLedgerIDs(len(legs))
	ts := make([]ledger.Transfer, len(legs))
	for i, l := range legs {
		code := uint16(codeECNYLimit)
		if money && i == 0 {
			code = codeECNYWallet
		}
		ts[i] = ecnyTransfer(base+int64(i), l[0], l[1], l[2], code)
	}
	return base, tx.Transfer(ts...)
}

// cny writes fen as yuan: "1000.00 CNY".
func cny(fen int64) string { return linkfin.Money{Amount: fen, Currency: "CNY"}.String() }

// OpenECNYWallet opens an e-CNY wallet for an organization: a personal wallet of
// class IV (the organization itself: a new wallet has no identity evidence yet), a
// corporate wallet with the limits its bank set (the operator, Actor ""), or a
// sub-wallet of the organization's corporate wallet, with limits delegated within
// the parent's: each at most the parent's, and the sums of its sub-wallets' balance,
// daily and yearly limits at most the parent's too (wallet_limits_exceeded).
type OpenECNYWallet struct {
	Actor string // the organization, or "" for the operator
	OrgID string
	In    linkfin.ECNYWalletIn
}

// Keys implements linkfin.Command.
func (c *OpenECNYWallet) Keys() []linkfin.ObjectKey {
	keys := []linkfin.ObjectKey{{Kind: linkfin.KindOrganization, ID: c.OrgID}}
	if c.In.ParentID != "" {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindECNYWallet, ID: c.In.ParentID})
	}
	return keys
}

// LedgerKeys implements linkfin.LedgerCommand: a new wallet's accounts, and its limit
// source, derive from its new id, so none is listed; a sub-wallet's parent's are, its
// daily and yearly headroom giving the sub-wallet's limits up.
func (c *OpenECNYWallet) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	if c.In.ParentID != "" {
		return ecnyLedgerIDs(walletLedger(r, c.In.ParentID)), nil
	}
	return nil, nil
}

// Apply implements linkfin.Command.
func (c *OpenECNYWallet) Apply(tx linkfin.Tx) (any, error) {
	var org linkfin.Organization
	if c.OrgID == "" {
		return nil, linkfin.Errorf(linkfin.EINVALID, "org_id names the wallet's owner")
	}
	if found, err := tx.Get(linkfin.KindOrganization, c.OrgID, &org); err != nil {
		return nil, err
	} else if !found || (c.Actor != "" && c.Actor != c.OrgID) {
		return nil, notFound(linkfin.KindOrganization, c.OrgID)
	}
	w := linkfin.ECNYWallet{OrgID: c.OrgID, CreatedAt: tx.Now()}
	var delegating *linkfin.ECNYWallet // a sub-wallet's parent, counting its limits
	switch in := c.In; {
	case in.ParentID != "":
		parent, err := delegate(tx, c.OrgID, in)
		if err != nil {
			return nil, err
		}
		w.ParentID, w.Limits, delegating = parent.ID, *in.Limits, parent
	case in.Limits != nil:
		if c.Actor != "" {
			return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "a corporate wallet's limits are set by its bank: the operator opens it")
		}
		if in.Class != 0 {
			return nil, linkfin.Errorf(linkfin.EINVALID, "a corporate wallet has limits, not a class")
		}
		w.Limits = *in.Limits
	default:
		if in.Class != 0 && in.Class != 4 {
			return nil, linkfin.Errorf(linkfin.EEVIDENCEREQUIRED, "a new wallet is of class IV: its class is raised once its owner's identity evidence is recorded")
		}
		w.Class, w.Limits = 4, linkfin.ClassLimits[4]
	}
	if l := w.Limits; l.Balance <= 0 || l.Payment <= 0 || l.Daily <= 0 || l.Yearly <= 0 || l.Payment > l.Daily || l.Daily > l.Yearly {
		return nil, linkfin.Errorf(linkfin.EINVALID, "a wallet's limits are above zero, and one payment ≤ a day ≤ a year")
	}
	w.ID = tx.NewID(linkfin.IDPrefix[linkfin.KindECNYWallet])
	w.Ledger = ecnyAccounts(w.ID)
	w.Day = linkfin.BusinessDate(tx.Now())
	w.Year, _, _ = w.Day.YMD()
	src, err := account(int64(w.Ledger.LimitSource), "CNY", codeECNYLimitSource, 0)
	if err != nil {
		return nil, err
	}
	accts := []ledger.Account{src}
	for i, id := range []linkfin.StringInt{w.Ledger.Wallet, w.Ledger.Balance, w.Ledger.Daily, w.Ledger.Yearly} {
		code := uint16(codeECNYLimit)
		if i == 0 {
			code = codeECNYWallet
		}
		a, _ := account(int64(id), "CNY", code, ledger.DebitsMustNotExceedCredits)
		accts = append(accts, a)
	}
	if err := tx.CreateNewAccounts(accts...); err != nil {
		return nil, err
	}
	if _, err := chain(tx, false,
		[3]int64{ecnySource(w.Ledger), int64(w.Ledger.Balance), w.Limits.Balance},
		[3]int64{ecnySource(w.Ledger), int64(w.Ledger.Daily), w.Limits.Daily},
		[3]int64{ecnySource(w.Ledger), int64(w.Ledger.Yearly), w.Limits.Yearly}); err != nil {
		return nil, err
	}
	if delegating != nil {
		if _, err := chain(tx, false,
			[3]int64{int64(delegating.Ledger.Daily), ecnySource(delegating.Ledger), w.Limits.Daily},
			[3]int64{int64(delegating.Ledger.Yearly), ecnySource(delegating.Ledger), w.Limits.Yearly}); err != nil {
			return nil, err
		}
		if err := tx.Put(linkfin.KindECNYWallet, delegating.ID, delegating, "ecny_wallet.limits_delegated"); err != nil {
			return nil, err
		}
	}
	return &w, tx.Put(linkfin.KindECNYWallet, w.ID, &w, "ecny_wallet.opened")
}

// delegate checks a sub-wallet's opening against its parent, the owner's corporate
// wallet, and carves the sub-wallet's limits out of the parent's: the parent's record,
// returned to be written, counts what it has delegated.
func delegate(tx linkfin.Tx, owner string, in linkfin.ECNYWalletIn) (*linkfin.ECNYWallet, error) {
	var parent linkfin.ECNYWallet
	if found, err := tx.Get(linkfin.KindECNYWallet, in.ParentID, &parent); err != nil {
		return nil, err
	} else if !found || parent.OrgID != owner {
		return nil, notFound(linkfin.KindECNYWallet, in.ParentID)
	}
	switch {
	case parent.Class != 0 || parent.ParentID != "":
		return nil, linkfin.Errorf(linkfin.EINVALID, "only a corporate wallet has sub-wallets: %s is not one", parent.ID)
	case in.Class != 0 || in.Limits == nil:
		return nil, linkfin.Errorf(linkfin.EINVALID, "a sub-wallet has the limits its parent delegates to it, and no class")
	case !in.Limits.Within(parent.Limits):
		return nil, linkfin.Errorf(linkfin.EINVALID, "a sub-wallet's limits are within its parent's (%+v)", parent.Limits)
	}
	// A sub-wallet's limits are carved out of its parent's: the sums of its
	// sub-wallets' balance, daily and yearly limits are at most the parent's, so
	// that together they hold and pay no more than the bank let the parent. The
	// parent's record keeps the sums, listed in Keys, so two openings cannot both
	// take what is left.
	var d linkfin.WalletLimits
	if parent.Delegated != nil {
		d = *parent.Delegated
	}
	for _, l := range []struct {
		what              string
		limit, taken, ask int64
	}{
		{"balance", parent.Limits.Balance, d.Balance, in.Limits.Balance},
		{"daily", parent.Limits.Daily, d.Daily, in.Limits.Daily},
		{"yearly", parent.Limits.Yearly, d.Yearly, in.Limits.Yearly},
	} {
		if l.ask > l.limit-l.taken {
			return nil, linkfin.Errorf(linkfin.EWALLETLIMITS, "wallet %s has %s of its %s limit of %s left to delegate to a sub-wallet",
				parent.ID, cny(max(l.limit-l.taken, 0)), l.what, cny(l.limit))
		}
	}
	// What the parent delegates of its daily and yearly limits it no longer pays
	// itself: its headroom gives them up, of what it has left today and this year.
	if err := newPeriod(tx, &parent); err != nil {
		return nil, err
	}
	for _, l := range []struct {
		account   int64
		ask       int64
		what, per string
	}{
		{int64(parent.Ledger.Daily), in.Limits.Daily, "daily", "today"},
		{int64(parent.Ledger.Yearly), in.Limits.Yearly, "yearly", "this year"},
	} {
		left, err := available(tx, l.account)
		if err != nil {
			return nil, err
		}
		if left < l.ask {
			return nil, linkfin.Errorf(linkfin.EWALLETLIMITS, "wallet %s may pay %s more %s: no more of its %s limit is left to delegate",
				parent.ID, cny(left), l.per, l.what)
		}
	}
	d.Balance += in.Limits.Balance
	d.Daily += in.Limits.Daily
	d.Yearly += in.Limits.Yearly
	parent.Delegated = &d
	return &parent, nil
}

// RecordECNYEvidence records identity evidence of a wallet's owner: the operator, as
// the wallet's operating institution.
type RecordECNYEvidence struct {
	ID       string
	Evidence linkfin.ECNYEvidenceIn
}

// Keys implements linkfin.Command.
func (c *RecordECNYEvidence) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindECNYWallet, ID: c.ID}}
}

// Validate implements linkfin.Validator: the evidence's kind and reference.
func (c *RecordECNYEvidence) Validate() error {
	switch e := c.Evidence; {
	case e.Kind != linkfin.EvidenceIdentity && e.Kind != linkfin.EvidenceBankAccount && e.Kind != linkfin.EvidenceInPerson:
		return linkfin.Errorf(linkfin.EINVALID, "evidence is %s, %s or %s", linkfin.EvidenceIdentity, linkfin.EvidenceBankAccount, linkfin.EvidenceInPerson)
	case e.Reference == "" || len(e.Reference) > 128:
		return linkfin.Errorf(linkfin.EINVALID, "evidence has a reference of 1 to 128 characters")
	}
	return nil
}

// Apply implements linkfin.Command.
func (c *RecordECNYEvidence) Apply(tx linkfin.Tx) (any, error) {
	w, err := ecnyWallet(tx, c.ID, "")
	if err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	w.Evidence = append(w.Evidence, linkfin.ECNYEvidence{Kind: c.Evidence.Kind, Reference: c.Evidence.Reference, RecordedAt: tx.Now()})
	return w, tx.Put(linkfin.KindECNYWallet, w.ID, w, "ecny_wallet.evidence_recorded")
}

// RaiseECNYClass raises a personal wallet to a stronger class (a lower number), once
// the identity evidence the class needs is recorded: its limits rise to the class's,
// and its headrooms with them.
type RaiseECNYClass struct {
	Actor string
	ID    string
	Class linkfin.WalletClass
}

// Keys implements linkfin.Command.
func (c *RaiseECNYClass) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindECNYWallet, ID: c.ID}}
}

// LedgerKeys implements linkfin.LedgerCommand.
func (c *RaiseECNYClass) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	return ecnyLedgerIDs(walletLedger(r, c.ID)), nil
}

// Validate implements linkfin.Validator: a raise is to class 1, 2 or 3, whatever the
// wallet's class (4 is the weakest).
func (c *RaiseECNYClass) Validate() error {
	if c.Class < 1 || c.Class > 3 {
		return linkfin.Errorf(linkfin.EINVALID, "a raise is to a stronger class, 1 to 3, not %d", c.Class)
	}
	return nil
}

// Apply implements linkfin.Command.
func (c *RaiseECNYClass) Apply(tx linkfin.Tx) (any, error) {
	w, err := ecnyWallet(tx, c.ID, c.Actor)
	if err != nil {
		return nil, err
	}
	switch {
	case w.Class == 0:
		return nil, linkfin.Errorf(linkfin.EINVALID, "a corporate wallet or a sub-wallet has no class")
	case c.Class < 1 || c.Class >= w.Class:
		return nil, linkfin.Errorf(linkfin.EINVALID, "wallet %s is of class %d: a raise is to a stronger class, 1 to %d", w.ID, w.Class, w.Class-1)
	case !w.Has(c.Class):
		return nil, linkfin.Errorf(linkfin.EEVIDENCEREQUIRED, "class %d needs recorded identity evidence: %v", c.Class, linkfin.EvidenceFor(c.Class))
	}
	to := linkfin.ClassLimits[c.Class]
	if _, err := chain(tx, false,
		[3]int64{ecnySource(w.Ledger), int64(w.Ledger.Balance), to.Balance - w.Limits.Balance},
		[3]int64{ecnySource(w.Ledger), int64(w.Ledger.Daily), to.Daily - w.Limits.Daily},
		[3]int64{ecnySource(w.Ledger), int64(w.Ledger.Yearly), to.Yearly - w.Limits.Yearly}); err != nil {
		return nil, err
	}
	w.Class, w.Limits = c.Class, to
	return w, tx.Put(linkfin.KindECNYWallet, w.ID, w, "ecny_wallet.class_raised")
}

// ecnyWallet reads a wallet of the organization org ("" for the operator, who reads
// any): another's is not found.
func ecnyWallet(tx linkfin.Tx, id, org string) (*linkfin.ECNYWallet, error) {
	var w linkfin.ECNYWallet
	found, err := tx.Get(linkfin.KindECNYWallet, id, &w)
	if err != nil {
		return nil, err
	}
	if !found || (org != "" && w.OrgID != org) {
		return nil, notFound(linkfin.KindECNYWallet, id)
	}
	return &w, nil
}

// MoveECNY moves money into or out of a wallet of the actor's: "top-up" from its
// platform wallet (not a sub-wallet's: it is funded from its parent), "redeem" back
// to it, or "fund" a sub-wallet from its parent. What a
// wallet holds counts against its balance limit; none of these is a payment, so none
// counts against the daily and yearly ones.
type MoveECNY struct {
	Actor  string
	ID     string
	Op     string // "top-up", "redeem" or "fund"
	Amount int64
	Parent string // for "fund": the sub-wallet's parent, which DependentKeys finds
}

// Keys implements linkfin.Command.
func (c *MoveECNY) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindECNYWallet, ID: c.ID}}
}

// DependentKeys implements linkfin.DependentCommand: a sub-wallet's parent.
func (c *MoveECNY) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var w linkfin.ECNYWallet
	if found, _ := r.Get(linkfin.KindECNYWallet, c.ID, &w); found && w.ParentID != "" {
		return []linkfin.ObjectKey{{Kind: linkfin.KindECNYWallet, ID: w.ParentID}}
	}
	return nil
}

// LedgerKeys implements linkfin.LedgerCommand.
func (c *MoveECNY) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	accounts = append(ecnyLedgerIDs(walletLedger(r, c.ID)), linkfin.WalletID(c.Actor, "CNY"))
	var w linkfin.ECNYWallet
	if found, _ := r.Get(linkfin.KindECNYWallet, c.ID, &w); found && w.ParentID != "" {
		accounts = append(accounts, ecnyLedgerIDs(walletLedger(r, w.ParentID))...)
	}
	return accounts, nil
}

// Validate implements linkfin.Validator: the amount, and what is done with it.
func (c *MoveECNY) Validate() error {
	if c.Amount <= 0 {
		return linkfin.Errorf(linkfin.EINVALID, "amount is a positive number of fen")
	}
	if c.Op != "top-up" && c.Op != "redeem" && c.Op != "fund" {
		return linkfin.Errorf(linkfin.EINVALID, "a wallet is topped up, redeemed or funded")
	}
	return nil
}

// Apply implements linkfin.Command.
func (c *MoveECNY) Apply(tx linkfin.Tx) (any, error) {
	w, err := ecnyWallet(tx, c.ID, c.Actor)
	if err != nil {
		return nil, err
	}
	if c.Amount <= 0 {
		return nil, linkfin.Errorf(linkfin.EINVALID, "amount is a positive number of fen")
	}
	platform := linkfin.WalletID(w.OrgID, "CNY")
	var from, into int64 // the money's legs
	var parent *linkfin.ECNYWallet
	switch c.Op {
	case "top-up":
		if w.ParentID != "" {
			// What a sub-wallet holds comes from its parent, whose balance limit its
			// own was carved out of.
			return nil, linkfin.Errorf(linkfin.EINVALID, "wallet %s is a sub-wallet: it is funded from its parent %s", w.ID, w.ParentID)
		}
		from, into = platform, int64(w.Ledger.Wallet)
	case "redeem":
		from, into = int64(w.Ledger.Wallet), platform
	case "fund":
		if w.ParentID == "" {
			return nil, linkfin.Errorf(linkfin.EINVALID, "wallet %s is not a sub-wallet: it is funded by top-up", w.ID)
		}
		if parent, err = ecnyWallet(tx, w.ParentID, c.Actor); err != nil {
			return nil, err
		}
		from, into = int64(parent.Ledger.Wallet), int64(w.Ledger.Wallet)
	default:
		return nil, linkfin.Errorf(linkfin.EINVALID, "a wallet is topped up, redeemed or funded")
	}
	if have, err := available(tx, from); err != nil {
		return nil, err
	} else if have < c.Amount {
		return nil, linkfin.Errorf(linkfin.EWALLETFUNDS, "the paying wallet holds %s of the %s", cny(have), cny(c.Amount))
	}
	legs := [][3]int64{{from, into, c.Amount}}
	if c.Op == "redeem" {
		legs = append(legs, [3]int64{ecnySource(w.Ledger), int64(w.Ledger.Balance), c.Amount})
	} else {
		if err := roomFor(tx, w, c.Amount); err != nil {
			return nil, err
		}
		legs = append(legs, [3]int64{int64(w.Ledger.Balance), ecnySource(w.Ledger), c.Amount})
		if parent != nil {
			legs = append(legs, [3]int64{ecnySource(parent.Ledger), int64(parent.Ledger.Balance), c.Amount})
		}
	}
	if _, err := chain(tx, true, legs...); err != nil {
		return nil, err
	}
	return w, nil
}

// roomFor refuses an amount that would take the wallet past its balance limit.
func roomFor(tx linkfin.Tx, w *linkfin.ECNYWallet, amount int64) error {
	room, err := available(tx, int64(w.Ledger.Balance))
	if err != nil {
		return err
	}
	if room < amount {
		return linkfin.Errorf(linkfin.EWALLETBALANCE, "wallet %s may hold %s more (its limit is %s)", w.ID,
			cny(room), cny(w.Limits.Balance))
	}
	return nil
}

// PayECNY pays from a wallet of the actor's to any wallet, at once. It is refused,
// each with its code, past the payer's single-payment, daily or yearly limit, the
// payee's balance limit, or what the payer holds. A refusal for another
// organization's balance limit does not say the limit or what is left of it.
type PayECNY struct {
	Actor  string
	From   string
	To     string
	Amount int64
}

// Keys implements linkfin.Command.
func (c *PayECNY) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindECNYWallet, ID: c.From}, {Kind: linkfin.KindECNYWallet, ID: c.To}}
}

// LedgerKeys implements linkfin.LedgerCommand.
func (c *PayECNY) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	return append(ecnyLedgerIDs(walletLedger(r, c.From)), ecnyLedgerIDs(walletLedger(r, c.To))...), nil
}

// Validate implements linkfin.Validator: a positive amount, between two wallets.
func (c *PayECNY) Validate() error {
	switch {
	case c.Amount <= 0:
		return linkfin.Errorf(linkfin.EINVALID, "amount is a positive number of fen")
	case c.From == c.To:
		return linkfin.Errorf(linkfin.EINVALID, "a wallet does not pay itself")
	}
	return nil
}

// Apply implements linkfin.Command.
func (c *PayECNY) Apply(tx linkfin.Tx) (any, error) {
	from, err := ecnyWallet(tx, c.From, c.Actor)
	if err != nil {
		return nil, err
	}
	to, err := ecnyWallet(tx, c.To, "")
	if err != nil {
		return nil, err
	}
	paid, err := payECNY(tx, from, to, c.Amount, linkfin.ECNYPayment{For: linkfin.ECNYForPayment, From: from.ID, To: to.ID})
	if linkfin.ErrorCode(err) == linkfin.EWALLETBALANCE && to.OrgID != c.Actor {
		// Another organization's balance limit, and what is left of it, are its own.
		return nil, linkfin.Errorf(linkfin.EWALLETBALANCE, "the payee's e-CNY wallet cannot be paid this amount now")
	}
	return paid, err
}

// payLimits refuses, with the code of the limit, a payment of amount from one wallet
// past its single-payment limit, what it holds free (funds: the message, with the
// wallet's id and what it holds; "" checks nothing of it), or what it may still pay
// today or this year, and into another (to; nil for none) past that one's balance
// limit. It reads and changes nothing: a day or year of the payer's that has passed
// counts as begun again, the whole of its limit left, as the payment begins it
// (newPeriod). A payment checks it before it moves money (mayPay), and a request to
// be paid when it is accepted checks it before it is quoted (ecnyPayable).
func payLimits(tx linkfin.Tx, from, to *linkfin.ECNYWallet, amount int64, funds string) error {
	if amount > from.Limits.Payment {
		return linkfin.Errorf(linkfin.EWALLETPAYMENT, "one payment from wallet %s is at most %s", from.ID, cny(from.Limits.Payment))
	}
	day := linkfin.BusinessDate(tx.Now())
	year, _, _ := day.YMD()
	var daily, yearly int64 // what a day or year begun again leaves
	if from.Day != day {
		daily = from.Own().Daily
	}
	if from.Year != year {
		yearly = from.Own().Yearly
	}
	for _, check := range []struct {
		account int64
		whole   int64
		code    string
		what    string
	}{
		{int64(from.Ledger.Wallet), 0, linkfin.EWALLETFUNDS, funds},
		{int64(from.Ledger.Daily), daily, linkfin.EWALLETDAILY, "wallet %s may pay %s more today"},
		{int64(from.Ledger.Yearly), yearly, linkfin.EWALLETYEARLY, "wallet %s may pay %s more this year"},
	} {
		if check.what == "" {
			continue
		}
		left, err := available(tx, check.account)
		if err != nil {
			return err
		}
		left = max(left, check.whole)
		if left < amount {
			return linkfin.Errorf(check.code, check.what, from.ID, cny(left))
		}
	}
	if to != nil {
		return roomFor(tx, to, amount)
	}
	return nil
}

// mayPay refuses what payLimits refuses of a payment of amount from one wallet into
// another (to; nil for a lock, which pays no wallet yet), changing nothing then; else
// it moves the payer's day and year on (newPeriod), for the payment to be made.
func mayPay(tx linkfin.Tx, from, to *linkfin.ECNYWallet, amount int64, funds string) error {
	if err := payLimits(tx, from, to, amount, funds); err != nil {
		return err
	}
	return newPeriod(tx, from)
}

// payECNY pays amount from one wallet to another in one linked chain, with the
// headrooms of both: refused first, with the code of the limit, past the payer's
// single-payment, daily or yearly limit, what it holds, or the payee's balance limit,
// so that a refusal moves no money. The command lists both wallets' records and
// ledger accounts and the limit source. The payment is a record of its own, made with
// what it paid (paid: For, FinancingID or PieceID, and the wallets it may name), so
// that its event reaches the payer's and the payee's webhooks.
func payECNY(tx linkfin.Tx, from, to *linkfin.ECNYWallet, amount int64, paid linkfin.ECNYPayment) (*linkfin.ECNYPayment, error) {
	switch {
	case amount <= 0:
		return nil, linkfin.Errorf(linkfin.EINVALID, "amount is a positive number of fen")
	case from.ID == to.ID:
		return nil, linkfin.Errorf(linkfin.EINVALID, "a wallet does not pay itself")
	}
	if err := mayPay(tx, from, to, amount, "wallet %s holds %s"); err != nil {
		return nil, err
	}
	base, err := chain(tx, true,
		[3]int64{int64(from.Ledger.Wallet), int64(to.Ledger.Wallet), amount},
		[3]int64{int64(from.Ledger.Daily), ecnySource(from.Ledger), amount},
		[3]int64{int64(from.Ledger.Yearly), ecnySource(from.Ledger), amount},
		[3]int64{ecnySource(from.Ledger), int64(from.Ledger.Balance), amount},
		[3]int64{int64(to.Ledger.Balance), ecnySource(to.Ledger), amount})
	if err != nil {
		return nil, err
	}
	paid.ID = tx.NewID(linkfin.IDPrefix[linkfin.KindECNYPayment])
	paid.TransferID, paid.PayerID, paid.PayeeID = linkfin.StringInt(base), from.OrgID, to.OrgID
	paid.Amount, paid.Day, paid.CreatedAt = amount, from.Day, tx.Now()
	return &paid, tx.Put(linkfin.KindECNYPayment, paid.ID, &paid, "ecny_payment.paid")
}

// DesignateECNYWallet designates one of an organization's own e-CNY wallets as the
// one it pays from and is paid into on the e-CNY rail (its admin or finance, or the
// operator with Actor ""): the anchor's early payments and maturities are paid from
// it, and its own into it. Another organization's wallet is not found. Designating
// again replaces it.
type DesignateECNYWallet struct {
	Actor    string
	OrgID    string
	WalletID string
}

// Keys implements linkfin.Command.
func (c *DesignateECNYWallet) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindOrganization, ID: c.OrgID}, {Kind: linkfin.KindECNYWallet, ID: c.WalletID}}
}

// Apply implements linkfin.Command.
func (c *DesignateECNYWallet) Apply(tx linkfin.Tx) (any, error) {
	if c.Actor != "" && c.Actor != c.OrgID {
		return nil, notFound(linkfin.KindOrganization, c.OrgID)
	}
	o, err := organization(tx, c.OrgID)
	if err != nil {
		return nil, err
	}
	if c.WalletID == "" {
		return nil, linkfin.Errorf(linkfin.EINVALID, "wallet_id names one of the organization's e-CNY wallets")
	}
	w, err := ecnyWallet(tx, c.WalletID, o.ID)
	if err != nil {
		return nil, err
	}
	if o.ECNYWalletID == w.ID {
		return o, nil
	}
	o.ECNYWalletID = w.ID
	return o, tx.Put(linkfin.KindOrganization, o.ID, o, "organization.ecny_wallet_designated")
}

// designatedKeys are the records a payment on the e-CNY rail between the
// organizations reads: each organization, and the wallet it designated (once the
// organization is loaded: a command lists these among its DependentKeys).
func designatedKeys(r linkfin.Records, orgs ...string) []linkfin.ObjectKey {
	var keys []linkfin.ObjectKey
	for _, id := range orgs {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindOrganization, ID: id})
		var o linkfin.Organization
		if found, _ := r.Get(linkfin.KindOrganization, id, &o); found && o.ECNYWalletID != "" {
			keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindECNYWallet, ID: o.ECNYWalletID})
		}
	}
	return keys
}

// designatedAccounts are the ledger accounts of the organizations' designated
// wallets, with their limit sources: what a payment between them moves.
func designatedAccounts(r linkfin.Records, orgs ...string) []int64 {
	var accounts []int64
	for _, id := range orgs {
		var o linkfin.Organization
		if found, _ := r.Get(linkfin.KindOrganization, id, &o); found && o.ECNYWalletID != "" {
			accounts = append(accounts, ecnyLedgerIDs(walletLedger(r, o.ECNYWalletID))...)
		}
	}
	return accounts
}

// designated is the e-CNY wallet the organization pays from and is paid into,
// refused with ecny_wallet_not_designated when it designated none.
func designated(tx linkfin.Tx, org string) (*linkfin.ECNYWallet, error) {
	o, err := organization(tx, org)
	if err != nil {
		return nil, err
	}
	if o.ECNYWalletID == "" {
		return nil, linkfin.Errorf(linkfin.ENOECNYWALLET, "organization %s has designated no e-CNY wallet to pay from and be paid into", org)
	}
	return ecnyWallet(tx, o.ECNYWalletID, org)
}

// newPeriod starts the wallet's daily and yearly totals again on its first payment of
// a new day or year, China time: each headroom is credited back to its limit, less
// what the wallet delegated of it to its sub-wallets (ECNYWallet.Own).
func newPeriod(tx linkfin.Tx, w *linkfin.ECNYWallet) error {
	day := linkfin.BusinessDate(tx.Now())
	year, _, _ := day.YMD()
	var legs [][3]int64
	for _, p := range []struct {
		stale   bool
		account int64
		limit   int64
	}{{w.Day != day, int64(w.Ledger.Daily), w.Own().Daily}, {w.Year != year, int64(w.Ledger.Yearly), w.Own().Yearly}} {
		if !p.stale {
			continue
		}
		left, err := available(tx, p.account)
		if err != nil {
			return err
		}
		if left < p.limit {
			legs = append(legs, [3]int64{ecnySource(w.Ledger), p.account, p.limit - left})
		}
	}
	if w.Day == day && w.Year == year {
		return nil
	}
	if len(legs) > 0 {
		if _, err := chain(tx, false, legs...); err != nil {
			return err
		}
	}
	w.Day, w.Year = day, year
	return tx.Put(linkfin.KindECNYWallet, w.ID, w, "ecny_wallet.period_began")
}

// ReadECNYWallet answers a wallet the viewer sees (its owner's, or any for the
// operator) with what it holds (and of it, what conditional payments hold) and has
// paid today and this year, China time, as of now: a conditional payment counts on the
// day it was locked. Totals of a day or year before now's are none: they start again.
func ReadECNYWallet(ctx context.Context, s linkfin.PartyReader, a AccountReader, v linkfin.Viewer, id string, now linkfin.Date) (*linkfin.ECNYWalletOut, error) {
	o, err := Read(ctx, s, v, linkfin.KindECNYWallet, id)
	if err != nil {
		return nil, err
	}
	var out linkfin.ECNYWalletOut
	if err := json.Unmarshal(o.Data, &out.ECNYWallet); err != nil {
		return nil, err
	}
	// What a headroom leaves is net of what conditional payments reserve of it.
	left := func(id linkfin.StringInt) (int64, error) {
		acct, err := a.Account(ctx, int64(id))
		if err != nil {
			return 0, err
		}
		return linkfin.Sub(acct.CreditsPosted, acct.DebitsPosted+acct.DebitsPending)
	}
	wallet, err := a.Account(ctx, int64(out.Ledger.Wallet))
	if err != nil {
		return nil, err
	}
	if out.Balance, err = linkfin.Sub(wallet.CreditsPosted, wallet.DebitsPosted); err != nil {
		return nil, err
	}
	out.Held = wallet.DebitsPending
	year, _, _ := now.YMD()
	if out.Day == now {
		d, err := left(out.Ledger.Daily)
		if err != nil {
			return nil, err
		}
		out.PaidToday = out.Own().Daily - d
	}
	if out.Year == year {
		y, err := left(out.Ledger.Yearly)
		if err != nil {
			return nil, err
		}
		out.PaidThisYear = out.Own().Yearly - y
	}
	return &out, nil
}

// CheckFinancingRail refuses a rail the product does not pay on: of the financings,
// dynamic discounting alone pays on the e-CNY rail.
func CheckFinancingRail(p linkfin.Product, r linkfin.PaymentRail) error {
	if r == "" || p == linkfin.ProductDynamicDiscounting && r == linkfin.RailECNY {
		return nil
	}
	return linkfin.Errorf(linkfin.EINVALID, "rail is ecny for dynamic_discounting, or none")
}
