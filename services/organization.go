// Package services holds linkfin's domain operations: the commands that the engine
// runs in its batches (validation, authorization of the acting party, the products'
// rules) and the reads that go with them.
package services

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"linkfin"
	"linkfin/iso20022"
)

// CreateOrganization registers a company. A retry with the same fields answers the
// organization as it is (Existed); the same id with other fields is a conflict, an
// id that differs from another organization's in case alone (BANK beside bank) is
// refused, linkfin.EIDTAKEN, and a name that differs from another's in case, width,
// spacing or invisible characters alone (claimName) is refused, EORGNAMETAKEN.
type CreateOrganization struct {
	Org linkfin.Organization
}

// EORGNAMETAKEN refuses an organization whose name is another's, as names are
// compared (foldName): two suppliers listed under one name could be taken one for
// the other, in a list, a document or a payment.
const EORGNAMETAKEN = "organization_name_taken"

// kindOrganizationName is the kind, in the registry of folded ids, of organizations'
// names: one record per name as foldName folds it, naming the organization that took it.
const kindOrganizationName = "organization_name"

// foldName is an organization's name as names are compared: without invisible
// characters (linkfin.WithoutIgnorables: "AC\u200bME" reads as ACME; a name that
// needs a joiner, in Persian or in an emoji, keeps it, and is compared without it),
// its compatibility forms read as what they stand for (NFKC: a full-width Ａ as A,
// an ideographic space as a space), folded in case, without white space (a space
// between two Chinese words is not seen, and one between two Latin ones is easily
// missed).
func foldName(name string) string {
	folded := norm.NFKC.String(cases.Fold().String(norm.NFKC.String(invisibleInNames(name))))
	return strings.Join(strings.Fields(folded), "")
}

// invisibleInNames is what leaves invisible characters out of a name, for foldName.
// A test sets it to leave them in, to make a database of names registered before.
var invisibleInNames = linkfin.WithoutIgnorables

// nameKey is the registry key of a name: its folded form's SHA-256, which any name
// has in 64 characters (NFKC may make a name of 200 characters many times longer).
func nameKey(name string) string {
	sum := sha256.Sum256([]byte(foldName(name)))
	return linkfin.FoldedIDKey(kindOrganizationName, "", hex.EncodeToString(sum[:]))
}

// claimName takes the organization's name in the registry, or refuses it if another
// organization took the name as foldName folds it. The command lists nameKey's
// record, and reads no other: organizations registered before names were registered,
// or before foldName left invisible characters out (whose record is under the key of
// their name as it was folded then), are not in it under nameKey until
// RegisterOrganizationNames registers them, as linkfin serve does once, when it first
// starts on the database.
func claimName(tx linkfin.Tx, o *linkfin.Organization) error {
	key := nameKey(o.Name)
	var f linkfin.FoldedID
	if found, err := tx.Get(linkfin.KindFoldedID, key, &f); err != nil {
		return err
	} else if found && f.Taken != o.ID {
		return linkfin.Errorf(EORGNAMETAKEN, "the name %q is organization %s's, but for case, width, spacing or invisible characters: "+
			"two organizations of one name could be taken one for the other; choose another name", o.Name, f.Taken)
	} else if found {
		return nil
	}
	return tx.Put(linkfin.KindFoldedID, key, &linkfin.FoldedID{ID: key, Taken: o.ID}, "folded_id.taken")
}

// RegisterOrganizationNames takes, in the registry of names (claimName), the names of
// organizations registered before names were registered, so that a new organization
// is refused the name of an old one as it is another new one's. It is run when a
// database made before is opened (OrganizationsUnnamed lists the organizations it
// names), and once more on a database whose names were registered before foldName
// left invisible characters out: an organization whose name holds one is listed (its
// record is under the key of its name as it was folded then), and takes its name
// under nameKey as well. Each organization is taken in the order of its id (ids
// compared as bytes): its name is registered for it, unless another organization
// holds it, whose name it shares (two organizations registered before may share a
// name, and one registered after names were, but before the names of the old ones
// were, may hold an old one's); such an organization is left as it is and listed
// among Shared. An organization not found, or whose name is registered for it
// already, is passed over: run again, the command writes nothing.
type RegisterOrganizationNames struct {
	IDs []string
}

// NamesRegistered is what RegisterOrganizationNames answers: the organizations whose
// names it registered, and those whose name another organization holds.
type NamesRegistered struct {
	Registered []string     `json:"registered"`
	Shared     []SharedName `json:"shared"`
}

// SharedName is an organization whose name, as names are compared, another
// organization holds in the registry of names.
type SharedName struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	With string `json:"with"` // the organization that holds the name
}

// Keys implements linkfin.Command: the organizations; their names' registry records
// are named by DependentKeys, from the names the organizations' records hold.
func (c *RegisterOrganizationNames) Keys() []linkfin.ObjectKey {
	keys := make([]linkfin.ObjectKey, 0, len(c.IDs))
	for _, id := range c.IDs {
		keys = append(keys, organizationKey(id))
	}
	return keys
}

// DependentKeys implements linkfin.DependentCommand: the registry record of each
// organization's name.
func (c *RegisterOrganizationNames) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var keys []linkfin.ObjectKey
	for _, id := range c.IDs {
		var o linkfin.Organization
		if found, err := r.Get(linkfin.KindOrganization, id, &o); err == nil && found {
			keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindFoldedID, ID: nameKey(o.Name)})
		}
	}
	return keys
}

// Apply implements linkfin.Command.
func (c *RegisterOrganizationNames) Apply(tx linkfin.Tx) (any, error) {
	res := &NamesRegistered{Registered: []string{}, Shared: []SharedName{}}
	for _, id := range sortedIDs(c.IDs) {
		var o linkfin.Organization
		if found, err := tx.Get(linkfin.KindOrganization, id, &o); err != nil {
			return nil, err
		} else if !found {
			continue
		}
		key := nameKey(o.Name)
		var f linkfin.FoldedID
		wrote, err := registerOnce(tx, linkfin.KindFoldedID, key, &f, &linkfin.FoldedID{ID: key, Taken: o.ID}, "folded_id.taken")
		switch {
		case err != nil:
			return nil, err
		case wrote:
			res.Registered = append(res.Registered, o.ID)
		case f.Taken != o.ID:
			res.Shared = append(res.Shared, SharedName{ID: o.ID, Name: o.Name, With: f.Taken})
		}
	}
	return res, nil
}

// OrganizationsUnnamed lists, in the order of their ids, the organizations whose name
// the registry of names does not hold for them (RegisterOrganizationNames): those
// registered before names were, and those whose name another organization holds.
func OrganizationsUnnamed(ctx context.Context, r linkfin.RecordReader) ([]string, error) {
	var ids []string
	err := eachRecord(ctx, r, linkfin.KindOrganization, func(o *linkfin.Organization) error {
		var f linkfin.FoldedID
		if found, err := readRecord(ctx, r, linkfin.KindFoldedID, nameKey(o.Name), &f); err != nil || found && f.Taken == o.ID {
			return err
		}
		ids = append(ids, o.ID)
		return nil
	})
	return ids, err
}

// OrganizationResult is what CreateOrganization answers.
type OrganizationResult struct {
	Organization linkfin.Organization `json:"organization"`
	Existed      bool                 `json:"existed"`
}

// Keys implements linkfin.Command.
func (c *CreateOrganization) Keys() []linkfin.ObjectKey {
	keys := []linkfin.ObjectKey{{Kind: linkfin.KindOrganization, ID: c.Org.ID}, {Kind: linkfin.KindFoldedID, ID: nameKey(c.Org.Name)}}
	return append(keys, foldedKeys(linkfin.KindOrganization, "", c.Org.ID, organizationKey)...)
}

// organizationKey is the key of an organization's record.
func organizationKey(id string) linkfin.ObjectKey {
	return linkfin.ObjectKey{Kind: linkfin.KindOrganization, ID: id}
}

// Validate implements linkfin.Validator: the organization's id, name and
// capabilities, and its bank account and address, if given.
func (c *CreateOrganization) Validate() error {
	o := c.Org
	o.Capabilities = slices.Clone(o.Capabilities) // Validate sorts them
	if err := o.Validate(); err != nil {
		return err
	}
	if a := c.Org.Address; a != nil {
		if err := a.Validate(); err != nil {
			return err
		}
	}
	if c.Org.BankAccount == nil {
		return nil
	}
	return checkBankAccount(*c.Org.BankAccount)
}

// Apply implements linkfin.Command.
func (c *CreateOrganization) Apply(tx linkfin.Tx) (any, error) {
	o := c.Org
	o.Capabilities = slices.Clone(o.Capabilities) // Validate sorts them
	if err := o.Validate(); err != nil {
		return nil, err
	}
	var old linkfin.Organization
	found, err := tx.Get(linkfin.KindOrganization, o.ID, &old)
	if err != nil {
		return nil, err
	}
	if found {
		if old.Name != o.Name || !slices.Equal(old.Capabilities, o.Capabilities) || !same(old.BankAccount, o.BankAccount) ||
			!same(old.Address, o.Address) {
			return nil, linkfin.Errorf(linkfin.ECONFLICT, "organization %s exists with other fields", o.ID)
		}
		return &OrganizationResult{old, true}, nil
	}
	if err := claimFolded(tx, linkfin.KindOrganization, "", o.ID, "organization", organizationKey); err != nil {
		return nil, err
	}
	o.CreatedAt = tx.Now()
	if err := tx.Put(linkfin.KindOrganization, o.ID, &o, "organization.created"); err != nil {
		return nil, err
	}
	// After the organization's own event, which comes next to its id's as it did
	// before names were registered; a name refused writes neither.
	if err := claimName(tx, &o); err != nil {
		return nil, err
	}
	return &OrganizationResult{o, false}, nil
}

// SetCapabilities gives an organization the capabilities listed, as the platform's
// operator decides (granting anchor lets it run programs and issue certificates);
// what it has already done stays done. The same capabilities again change nothing.
type SetCapabilities struct {
	OrgID        string
	Capabilities []linkfin.Capability
}

// Keys implements linkfin.Command.
func (c *SetCapabilities) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindOrganization, ID: c.OrgID}}
}

// Validate implements linkfin.Validator.
func (c *SetCapabilities) Validate() error { return linkfin.CheckCapabilities(c.Capabilities) }

// Apply implements linkfin.Command.
func (c *SetCapabilities) Apply(tx linkfin.Tx) (any, error) {
	var o linkfin.Organization
	found, err := tx.Get(linkfin.KindOrganization, c.OrgID, &o)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "organization %s not found", c.OrgID)
	}
	next := o
	next.Capabilities = slices.Clone(c.Capabilities)
	if err := next.Validate(); err != nil { // sorts them, refuses unknown and repeated ones
		return nil, err
	}
	if slices.Equal(next.Capabilities, o.Capabilities) {
		return &o, nil
	}
	return &next, tx.Put(linkfin.KindOrganization, next.ID, &next, "organization.capabilities_set")
}

// SetBankAccount registers the account at a bank that an organization's withdrawals
// over the bank rail are paid into. The operator's (Actor "") takes effect at once,
// replacing the one it had and any that waits; an admin's waits for the operator to
// confirm it (DecideBankAccount), and until then the withdrawals go where they went,
// so that a stolen admin key alone cannot redirect the organization's money. An admin
// who registers the account in effect again withdraws the change that waits.
// Instructions made before a change keep the account they were made with. The same
// account again changes nothing.
type SetBankAccount struct {
	Actor   string
	OrgID   string
	Account linkfin.BankAccount
}

// Validate implements linkfin.Validator.
func (c *SetBankAccount) Validate() error { return checkBankAccount(c.Account) }

// Keys implements linkfin.Command.
func (c *SetBankAccount) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindOrganization, ID: c.OrgID}}
}

// Apply implements linkfin.Command.
func (c *SetBankAccount) Apply(tx linkfin.Tx) (any, error) {
	return setOwn(tx, c.Actor, c.OrgID, func(o *linkfin.Organization) string {
		pending := o.PendingBankAccount
		switch {
		case c.Actor == "":
			if same(o.BankAccount, &c.Account) && pending == nil {
				return ""
			}
			o.BankAccount, o.PendingBankAccount = clone(&c.Account), nil
			return "organization.bank_account_set"
		case same(o.BankAccount, &c.Account):
			if pending == nil {
				return ""
			}
			o.PendingBankAccount = nil
			return "organization.bank_account_change_withdrawn"
		case pending != nil && pending.Account == c.Account:
			return ""
		}
		o.PendingBankAccount = &linkfin.BankAccountChange{Account: c.Account, RequestedAt: tx.Now()}
		return "organization.bank_account_requested"
	})
}

// DecideBankAccount is the operator's decision on the bank account an organization's
// admin registered: confirmed, it becomes the account withdrawals are paid into;
// rejected, it is dropped and the account in effect stays. Account names the account
// decided on, and must be the one that waits: a decision is never taken on an account
// the operator did not see.
type DecideBankAccount struct {
	OrgID   string
	Account linkfin.BankAccount
	Confirm bool
}

// Validate implements linkfin.Validator.
func (c *DecideBankAccount) Validate() error { return checkBankAccount(c.Account) }

// Keys implements linkfin.Command.
func (c *DecideBankAccount) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindOrganization, ID: c.OrgID}}
}

// Apply implements linkfin.Command.
func (c *DecideBankAccount) Apply(tx linkfin.Tx) (any, error) {
	o, err := organization(tx, c.OrgID)
	if err != nil {
		return nil, err
	}
	switch p := o.PendingBankAccount; {
	case p == nil:
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "organization %s has no bank account waiting for confirmation", o.ID)
	case p.Account != c.Account:
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "the bank account waiting for confirmation for organization %s is another one (%s, registered %s): decide on that one",
			o.ID, accountName(p.Account), p.RequestedAt.UTC().Format(time.RFC3339))
	}
	event := "organization.bank_account_rejected"
	if c.Confirm {
		o.BankAccount, event = clone(&c.Account), "organization.bank_account_set"
	}
	o.PendingBankAccount = nil
	return o, tx.Put(linkfin.KindOrganization, o.ID, o, event)
}

// accountName is how a message names a bank account: its IBAN, or else its account id.
func accountName(a linkfin.BankAccount) string {
	if a.IBAN != "" {
		return a.IBAN
	}
	return a.Account
}

// SetAddress registers an organization's postal address (its admin, or the operator
// with Actor ""), replacing the one it had: instructions made before keep the address
// they were made with. The same address again changes nothing.
type SetAddress struct {
	Actor   string
	OrgID   string
	Address linkfin.PostalAddress
}

// Validate implements linkfin.Validator.
func (c *SetAddress) Validate() error { return c.Address.Validate() }

// Keys implements linkfin.Command.
func (c *SetAddress) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindOrganization, ID: c.OrgID}}
}

// Apply implements linkfin.Command.
func (c *SetAddress) Apply(tx linkfin.Tx) (any, error) {
	return setOwn(tx, c.Actor, c.OrgID, func(o *linkfin.Organization) string {
		if same(o.Address, &c.Address) {
			return ""
		}
		o.Address = clone(&c.Address)
		return "organization.address_set"
	})
}

// setOwn changes what an organization registers of itself (its admin, or the
// operator with actor ""): set changes the organization's fields and answers the event
// that logs the change, or "" for none, and then nothing is written. Another
// organization is not found.
func setOwn(tx linkfin.Tx, actor, org string, set func(*linkfin.Organization) string) (any, error) {
	if actor != "" && actor != org {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "organization %s not found", org)
	}
	o, err := organization(tx, org)
	if err != nil {
		return nil, err
	}
	event := set(o)
	if event == "" {
		return o, nil
	}
	return o, tx.Put(linkfin.KindOrganization, o.ID, o, event)
}

// same reports whether two values, either absent, are the same.
func same[T comparable](a, b *T) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// clone is a copy of *p that no other record shares, or nil.
func clone[T any](p *T) *T {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}

// bankParty is an account holder as a pain.001 document names it.
func bankParty(name string, a *linkfin.BankAccount, address *linkfin.PostalAddress) iso20022.Party {
	p := iso20022.Party{Name: name, Address: address}
	if a != nil {
		p.IBAN, p.Account, p.BIC, p.BankCode = a.IBAN, a.Account, a.BIC, a.BankCode
	}
	return p
}

// checkBankAccount refuses an account a pain.001 document could not name: it has an
// IBAN whose check digits verify, or else another account id, and a BIC and a CNAPS
// code of their forms if any.
func checkBankAccount(a linkfin.BankAccount) error {
	if (a.IBAN == "") == (a.Account == "") {
		return linkfin.Errorf(linkfin.EINVALID, "a bank account has an iban or an account id (account), one of the two")
	}
	return bankParty("", &a, nil).CheckAccount("the bank account")
}

// BankAccountsWaiting lists, for the operator, the organizations whose admin registered
// a bank account that waits for the operator's decision (DecideBankAccount), the
// longest waiting first, up to limit after the cursor a page gave as NextCursor ("" for
// the first): from the stores' ordered index, so that they are found among a hundred
// thousand organizations without reading every one.
func BankAccountsWaiting(ctx context.Context, ix linkfin.IndexReader, v linkfin.Viewer, after string, limit int) (*linkfin.List[json.RawMessage], error) {
	if !v.Operator {
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "the platform's operator decides on organizations' bank accounts")
	}
	// The cursor is the last entry's value and id, joined by "~", which neither holds.
	afterValue, afterID, _ := strings.Cut(after, "~")
	if after != "" {
		if _, err := time.Parse(linkfin.IndexTime, afterValue); err != nil || linkfin.ValidateID("after", afterID) != nil {
			return nil, linkfin.Errorf(linkfin.EINVALID, "after must be a next_cursor this list gave (an instant, '~' and an organization's id)")
		}
	}
	objs, err := ix.ListIndexed(ctx, linkfin.KindOrganization, linkfin.IndexBankChange, "", afterValue, afterID, limit+1)
	if err != nil {
		return nil, err
	}
	out := &linkfin.List[json.RawMessage]{Data: []json.RawMessage{}}
	for i, o := range objs {
		if i == limit {
			last := objs[i-1]
			out.NextCursor = last.Value + "~" + last.ID
			break
		}
		out.Data = append(out.Data, o.Data)
	}
	return out, nil
}
