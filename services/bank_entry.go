package services

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"linkfin"
	"linkfin/iso20022"
)

// AssignBankEntry books an unmatched entry as a person decides, as matching would
// have: a debit against a credit transfer instruction waiting at the bank, a credit
// against an expected payment of its amount, or into an organization's wallet.
type AssignBankEntry struct {
	EntryID string
	In      linkfin.BankEntryAssignIn

	// file is the payment file of the instruction assigned to, as DependentKeys found it
	// (listing it, and the open items its date names).
	file string
	// spellings are those of the entry's account that DependentKeys listed its keys
	// under (accountSpellings), from the registered account as it found it.
	spellings []string
}

// Validate implements linkfin.Validator: the entry, and what to assign it to.
func (c *AssignBankEntry) Validate() error {
	if err := linkfin.ValidateID("bank entry id", c.EntryID); err != nil {
		return err
	}
	switch c.In.Kind {
	case linkfin.AssignCreditTransfer, linkfin.AssignExpectedPayment, linkfin.AssignOrganization:
	default:
		return linkfin.Errorf(linkfin.EINVALID, "kind is credit_transfer, expected_payment or organization")
	}
	return linkfin.ValidateID("id", c.In.ID)
}

// DependentKeys implements linkfin.DependentCommand: the entry's statement, the
// registry records of a debit's bank reference under the spellings of its account, and
// the record of open items that what it is assigned to leaves (an instruction's by its
// payment file's date).
func (c *AssignBankEntry) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	c.file, c.spellings = "", nil
	var be linkfin.BankEntry
	if found, err := r.Get(linkfin.KindBankEntry, c.EntryID, &be); err != nil || !found {
		return nil
	}
	reg, err := registeredAccount(r)
	if err != nil {
		return nil
	}
	c.spellings = entrySpellings(reg, &be)
	keys := append([]linkfin.ObjectKey{{Kind: linkfin.KindBankStatement, ID: be.StatementID}},
		debitReferenceKeys(RailBank, c.spellings, be.CreditDebit, be.AccountServicerReference)...)
	switch c.In.Kind {
	case linkfin.AssignExpectedPayment:
		var ep linkfin.ExpectedPayment
		if found, _ := r.Get(linkfin.KindExpectedPayment, c.In.ID, &ep); found {
			keys = append(keys, openItemsKey(RailBank, expectedItem(&ep)))
		}
	case linkfin.AssignCreditTransfer:
		var ct linkfin.CreditTransfer
		if found, _ := r.Get(linkfin.KindCreditTransfer, c.In.ID, &ct); !found || ct.FileID == "" {
			break
		}
		c.file = ct.FileID
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindPaymentFile, ID: ct.FileID})
		var f linkfin.PaymentFile
		if found, _ := r.Get(linkfin.KindPaymentFile, ct.FileID, &f); found {
			keys = append(keys, openItemsKey(RailBank, creditTransferItem(&ct, &f)))
		}
	}
	return keys
}

// Keys implements linkfin.Command.
func (c *AssignBankEntry) Keys() []linkfin.ObjectKey {
	keys := []linkfin.ObjectKey{{Kind: linkfin.KindBankEntry, ID: c.EntryID}, legacyItemsKey(RailBank), {Kind: linkfin.KindPaymentDebtor, ID: RailBank}}
	if c.In.Kind != "" {
		keys = append(keys, linkfin.ObjectKey{Kind: string(c.In.Kind), ID: c.In.ID})
	}
	return keys
}

// LedgerKeys implements linkfin.LedgerCommand: the rail's account, the wallet a
// credit enters, and the entry's bookings under each spelling of its account
// (entryBookings).
func (c *AssignBankEntry) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	var be linkfin.BankEntry
	if found, err := r.Get(linkfin.KindBankEntry, c.EntryID, &be); err != nil || !found {
		return nil, nil
	}
	var org string
	switch c.In.Kind {
	case linkfin.AssignOrganization:
		org = c.In.ID
	case linkfin.AssignExpectedPayment:
		var ep linkfin.ExpectedPayment
		if found, _ := r.Get(linkfin.KindExpectedPayment, c.In.ID, &ep); found {
			org = ep.OrgID
		}
	}
	accounts = []int64{railID(RailBank, be.Currency)}
	if org != "" {
		accounts = append(accounts, linkfin.WalletID(org, be.Currency))
	}
	spellings := c.spellings
	if spellings == nil {
		reg, err := registeredAccount(r)
		if err != nil {
			return nil, nil
		}
		spellings = entrySpellings(reg, &be)
	}
	return accounts, entryBookings(&be, spellings)
}

// entrySpellings are the spellings of an entry's account (accountSpellings), where reg
// is the registered account.
func entrySpellings(reg *linkfin.BankAccount, be *linkfin.BankEntry) []string {
	return accountSpellings(reg, iso20022.Account{Other: be.Account})
}

// entryBookings are the ledger ids of the transfer that books a credit entry, under
// each spelling of its account (creditBookings), as its statement's import found them:
// the first books it, and it is booked before when any of them exists. An entry
// without a bank reference has its own booking alone, as has one whose order among its
// statement's entries of its reference no spelling of its account tells (the
// registered account changed since its import). A debit has none.
func entryBookings(be *linkfin.BankEntry, spellings []string) []int64 {
	if be.Booking == 0 {
		return nil
	}
	if ref := be.AccountServicerReference; ref != "" {
		for n := 1; n <= be.Position; n++ {
			for _, a := range spellings {
				if linkfin.LedgerID(bookingName(RailBank, a, ref, n)) == int64(be.Booking) {
					ids := creditBookings(RailBank, spellings, ref, n)
					if !slices.Contains(ids, int64(be.Booking)) {
						ids = append(ids, int64(be.Booking))
					}
					return ids
				}
			}
		}
	}
	return []int64{int64(be.Booking)}
}

// Apply implements linkfin.Command.
func (c *AssignBankEntry) Apply(tx linkfin.Tx) (any, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var be linkfin.BankEntry
	if found, err := tx.Get(linkfin.KindBankEntry, c.EntryID, &be); err != nil {
		return nil, err
	} else if !found {
		return nil, notFound(linkfin.KindBankEntry, c.EntryID)
	}
	switch be.Status {
	case linkfin.BankEntryUnmatched:
	case linkfin.BankEntryNotBooked:
		return nil, linkfin.Errorf(linkfin.EENTRYMISMATCH, "entry %s is not booked by the bank: there is nothing to book", be.ID)
	default:
		return nil, linkfin.Errorf(linkfin.EENTRYBOOKED, "entry %s is %s already", be.ID, be.Status)
	}
	reg, err := registeredAccount(tx)
	if err != nil {
		return nil, err
	}
	spellings := entrySpellings(reg, &be)
	if !slices.Equal(spellings, c.spellings) {
		// Registered anew by a command of this request's batch, after it was prepared.
		return nil, linkfin.StalePlan("the platform's bank account was registered while this request waited; retry it")
	}
	// An entry imported before its account's spellings were keyed alike is booked as one
	// imported now would be: under the first spelling, where a later statement finds it.
	bookings := entryBookings(&be, spellings)
	if len(bookings) > 0 {
		be.Booking = linkfin.ID(bookings[0])
	}
	if booked, err := bookedBefore(tx, bookings, debitReferenceKeys(RailBank, spellings, be.CreditDebit, be.AccountServicerReference)); err != nil {
		return nil, err
	} else if booked {
		return nil, linkfin.Errorf(linkfin.EENTRYBOOKED, "an entry of the same bank reference, %s, was booked already", be.AccountServicerReference)
	}
	item, err := c.target(tx, &be)
	if err != nil {
		return nil, err
	}
	if item != nil {
		err = bookEntry(tx, &be, []linkfin.OpenItem{*item}, linkfin.MatchAssigned, spellings)
		if err == nil {
			err = closeItems(tx, RailBank, *item)
		}
		if err == nil {
			err = filesBooked(tx, []linkfin.OpenItem{*item})
		}
	} else {
		err = creditWallet(tx, &be, c.In.ID)
		now := tx.Now()
		be.Status, be.Match, be.Note, be.BookedAt = linkfin.BankEntryAssigned, linkfin.MatchAssigned, "", &now
	}
	if err != nil {
		return nil, err
	}
	var s linkfin.BankStatement
	if found, err := tx.Get(linkfin.KindBankStatement, be.StatementID, &s); err != nil || !found {
		return nil, linkfin.Errorf(linkfin.EINTERNAL, "bank statement %s is missing", be.StatementID)
	}
	s.Unmatched--
	s.Assigned++
	if err := tx.Put(linkfin.KindBankStatement, s.ID, &s, "bank_statement.entry_assigned"); err != nil {
		return nil, err
	}
	return &be, tx.Put(linkfin.KindBankEntry, be.ID, &be, "bank_entry.assigned")
}

// target checks what the entry is assigned to and answers it as an open item, or nil
// for an organization's wallet.
func (c *AssignBankEntry) target(tx linkfin.Tx, be *linkfin.BankEntry) (*linkfin.OpenItem, error) {
	debit := be.CreditDebit == iso20022.Debit
	switch {
	case be.Reversal && (debit || c.In.Kind != linkfin.AssignOrganization):
		// A reversal undoes an earlier entry: it pays out no instruction and brings in
		// no announced payment. A credit reversed (a debit) takes money back, which no
		// wallet's assignment does; a debit reversed (a credit) is money back in, to
		// the organization it was paid for.
		return nil, linkfin.Errorf(linkfin.EENTRYMISMATCH, "entry %s is a reversal: it settles no instruction or expected payment; a reversed debit enters an organization's wallet", be.ID)
	case c.In.Kind == linkfin.AssignCreditTransfer:
		if !debit {
			return nil, linkfin.Errorf(linkfin.EENTRYMISMATCH, "entry %s is a credit: it settles an expected payment or enters an organization's wallet", be.ID)
		}
		var ct linkfin.CreditTransfer
		if found, err := tx.Get(linkfin.KindCreditTransfer, c.In.ID, &ct); err != nil {
			return nil, err
		} else if !found {
			return nil, notFound(linkfin.KindCreditTransfer, c.In.ID)
		}
		if ct.Status != linkfin.CreditTransferFiled && ct.Status != linkfin.CreditTransferAccepted {
			return nil, linkfin.Errorf(linkfin.ENOTOPEN, "credit transfer %s is %s: only one filed or accepted waits for its statement", ct.ID, ct.Status)
		}
		if err := sameMoney(be, ct.Currency, ct.Amount); err != nil {
			return nil, err
		}
		if ct.FileID != c.file {
			// Filed by a command of this request's batch, after it was prepared.
			return nil, linkfin.StalePlan("credit transfer %s was filed while this request waited; retry it", ct.ID)
		}
		var f linkfin.PaymentFile
		if found, err := tx.Get(linkfin.KindPaymentFile, ct.FileID, &f); err != nil || !found {
			return nil, linkfin.Errorf(linkfin.EINTERNAL, "payment file %s of credit transfer %s is missing", ct.FileID, ct.ID)
		}
		return creditTransferItem(&ct, &f), nil
	case debit:
		return nil, linkfin.Errorf(linkfin.EENTRYMISMATCH, "entry %s is a debit: it settles a credit transfer instruction", be.ID)
	case c.In.Kind == linkfin.AssignExpectedPayment:
		var ep linkfin.ExpectedPayment
		if found, err := tx.Get(linkfin.KindExpectedPayment, c.In.ID, &ep); err != nil {
			return nil, err
		} else if !found {
			return nil, notFound(linkfin.KindExpectedPayment, c.In.ID)
		}
		if ep.Status != linkfin.ExpectedPaymentExpected {
			return nil, linkfin.Errorf(linkfin.ENOTOPEN, "expected payment %s is %s already", ep.ID, ep.Status)
		}
		if err := sameMoney(be, ep.Currency, ep.Amount); err != nil {
			return nil, err
		}
		return expectedItem(&ep), nil
	}
	if _, err := organization(tx, c.In.ID); err != nil {
		return nil, err
	}
	if _, err := ledgerOf(be.Currency); err != nil {
		return nil, err
	}
	return nil, nil
}

// sameMoney checks that an entry moved the amount it is assigned to, in its currency.
func sameMoney(be *linkfin.BankEntry, c linkfin.Currency, amount int64) error {
	if be.Currency != c {
		return linkfin.Errorf(linkfin.ECURRENCYMISMATCH, "entry %s is in %s, what it is assigned to in %s", be.ID, be.Currency, c)
	}
	if be.Amount != amount {
		return linkfin.Errorf(linkfin.EENTRYMISMATCH, "entry %s is of %s, what it is assigned to of %s", be.ID,
			linkfin.Money{Amount: be.Amount, Currency: c}.Decimal(), linkfin.Money{Amount: amount, Currency: c}.Decimal())
	}
	return nil
}

// CreateExpectedPayment announces a payment by bank into the organization's wallet:
// the payer quotes its id, and the statement's entry that brings it credits the
// wallet.
type CreateExpectedPayment struct {
	Actor string
	In    linkfin.ExpectedPaymentIn
}

// Validate implements linkfin.Validator.
func (c *CreateExpectedPayment) Validate() error {
	if _, err := linkfin.ParseCurrency(string(c.In.Currency)); err != nil {
		return err
	}
	if _, err := ledgerOf(c.In.Currency); err != nil {
		return err
	}
	// The day the bank should book it is bounded as an invoice's dates are: 9999-12-31
	// or 1999 for 2029 is a typing error, and an open item none of the bank's entries
	// would ever be dated near.
	if err := linkfin.CheckDate("date, the day the bank should book the payment,", c.In.Date); err != nil {
		return err
	}
	if c.In.Amount < 1 {
		return linkfin.Errorf(linkfin.EINVALID, "amount is at least 1")
	}
	return linkfin.CheckAmount("amount", c.In.Amount)
}

// Keys implements linkfin.Command: the organization, and the record of open items the
// payment joins.
func (c *CreateExpectedPayment) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindOrganization, ID: c.Actor},
		{Kind: linkfin.KindOpenItems, ID: openItemsID(RailBank, linkfin.KindExpectedPayment, c.In.Currency, c.In.Date, c.In.Amount)}}
}

// Apply implements linkfin.Command.
func (c *CreateExpectedPayment) Apply(tx linkfin.Tx) (any, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if _, err := organization(tx, c.Actor); err != nil {
		return nil, err
	}
	ep := &linkfin.ExpectedPayment{ID: tx.NewID(linkfin.IDPrefix[linkfin.KindExpectedPayment]), OrgID: c.Actor, Currency: c.In.Currency,
		Amount: c.In.Amount, Date: c.In.Date, Status: linkfin.ExpectedPaymentExpected, CreatedAt: tx.Now()}
	if err := tx.Put(linkfin.KindExpectedPayment, ep.ID, ep, "expected_payment.created"); err != nil {
		return nil, err
	}
	return ep, addOpenItems(tx, RailBank, *expectedItem(ep))
}

// CancelExpectedPayment withdraws an expected payment the organization announced and
// no entry has brought yet: it leaves the open items, and an entry that quotes it later
// waits unmatched, for the operator to assign. Cancelling it again answers it as it is;
// one received is not_open.
type CancelExpectedPayment struct {
	Actor string
	ID    string
}

// Keys implements linkfin.Command.
func (c *CancelExpectedPayment) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindExpectedPayment, ID: c.ID}, legacyItemsKey(RailBank)}
}

// DependentKeys implements linkfin.DependentCommand: the record of open items the
// payment leaves.
func (c *CancelExpectedPayment) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var ep linkfin.ExpectedPayment
	if found, err := r.Get(linkfin.KindExpectedPayment, c.ID, &ep); err != nil || !found {
		return nil
	}
	return []linkfin.ObjectKey{openItemsKey(RailBank, expectedItem(&ep))}
}

// Apply implements linkfin.Command.
func (c *CancelExpectedPayment) Apply(tx linkfin.Tx) (any, error) {
	var ep linkfin.ExpectedPayment
	if found, err := tx.Get(linkfin.KindExpectedPayment, c.ID, &ep); err != nil {
		return nil, err
	} else if !found || ep.OrgID != c.Actor {
		return nil, notFound(linkfin.KindExpectedPayment, c.ID)
	}
	switch ep.Status {
	case linkfin.ExpectedPaymentCancelled:
		return &ep, nil
	case linkfin.ExpectedPaymentReceived:
		return nil, linkfin.Errorf(linkfin.ENOTOPEN, "expected payment %s is received already", ep.ID)
	}
	if err := closeItems(tx, RailBank, *expectedItem(&ep)); err != nil {
		return nil, err
	}
	now := tx.Now()
	ep.Status, ep.CancelledAt = linkfin.ExpectedPaymentCancelled, &now
	return &ep, tx.Put(linkfin.KindExpectedPayment, ep.ID, &ep, "expected_payment.cancelled")
}

// StatementEntries answers a page of up to limit of a statement's entries, in its
// order, after the entry at position after (0: from the first). The cursor of the next
// page is the last entry's position, "" at the end.
func StatementEntries(ctx context.Context, s linkfin.PartyReader, v linkfin.Viewer, statement string, after int64, limit int) (*linkfin.List[json.RawMessage], error) {
	var st linkfin.BankStatement
	if err := ReadAs(ctx, s, v, linkfin.KindBankStatement, statement, &st); err != nil {
		return nil, err
	}
	from := st.EntryIDPrefix
	if after > 0 {
		from = entryID(st.EntryIDPrefix, int(min(after, linkfin.MaxStatementEntries)))
	}
	objs, err := s.ListObjects(ctx, linkfin.KindBankEntry, from, limit)
	if err != nil {
		return nil, err
	}
	out := &linkfin.List[json.RawMessage]{Data: []json.RawMessage{}}
	for _, o := range objs {
		if !strings.HasPrefix(o.ID, st.EntryIDPrefix) {
			break
		}
		out.Data = append(out.Data, o.Data)
	}
	if n := len(out.Data); n == limit {
		last := objs[n-1].ID[len(st.EntryIDPrefix):]
		if pos, err := strconv.Atoi(last); err == nil && pos < st.Entries {
			out.NextCursor = strconv.Itoa(pos)
		}
	}
	return out, nil
}
