package services

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"linkfin"
)

// UnregisteredNumbers is what NumbersUnregistered lists, and RegisterNumbers
// registers again: the numbers registered before they were compared without invisible
// characters that the registries do not hold under their keys now.
type UnregisteredNumbers struct {
	// Numbers are the ids of records of the registry of document numbers under a key
	// of then: org~kind~number, the number with an invisible character in it, which
	// linkfin.NumberKey now leaves out.
	Numbers []string `json:"numbers"`
	// Invoices are the ids of invoices whose number holds an invisible character and
	// that the registry of invoice numbers does not hold under
	// linkfin.InvoiceNumberKey: one with the character inside a run of digits
	// ("INV-1\u200b002"), which parted the run then as a hyphen does ("inv12"), and
	// is read as it reads now ("inv1002").
	Invoices []string `json:"invoices"`
}

// NumbersUnregistered lists, in the order of their ids, the document numbers and
// invoices that RegisterNumbers registers again: those registered before numbers were
// compared without invisible characters, under a key that changed when they were,
// and not held under their keys now by the document or invoice that holds them; and
// those another document or invoice holds under their keys now ("PO-", U+200B, "9"
// registered then beside PO-9). linkfin serve runs RegisterNumbers for them once,
// when it first starts on a database of then.
func NumbersUnregistered(ctx context.Context, r linkfin.RecordReader) (UnregisteredNumbers, error) {
	var u UnregisteredNumbers
	err := eachObject(ctx, r, linkfin.KindNumber, func(obj linkfin.Object) error {
		key, ok := numberKeyNow(obj.ID)
		if !ok {
			return nil
		}
		var then, now numberHolder
		if err := json.Unmarshal(obj.Data, &then); err != nil {
			return err
		}
		if found, err := readRecord(ctx, r, linkfin.KindNumber, key, &now); err != nil || found && now.RecordID == then.RecordID {
			return err
		}
		u.Numbers = append(u.Numbers, obj.ID)
		return nil
	})
	if err != nil {
		return u, err
	}
	err = eachRecord(ctx, r, linkfin.KindInvoice, func(inv *linkfin.Invoice) error {
		if linkfin.WithoutIgnorables(inv.Number) == inv.Number {
			return nil
		}
		var h linkfin.InvoiceNumber
		found, err := readRecord(ctx, r, linkfin.KindInvoiceNumber, linkfin.InvoiceNumberKey(inv.SellerID, inv.BuyerID, inv.Number), &h)
		if err != nil || found && h.InvoiceID == inv.ID {
			return err
		}
		u.Invoices = append(u.Invoices, inv.ID)
		return nil
	})
	return u, err
}

// eachObject calls fn for each record of kind, in id order.
func eachObject(ctx context.Context, r linkfin.RecordReader, kind string, fn func(linkfin.Object) error) error {
	after := ""
	for {
		page, err := r.ListObjects(ctx, kind, after, 500)
		if err != nil {
			return err
		}
		for _, obj := range page {
			if err := fn(obj); err != nil {
				return err
			}
		}
		if len(page) < 500 {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

// eachRecord calls fn for each record of kind, in id order, decoded as a T.
func eachRecord[T any](ctx context.Context, r linkfin.RecordReader, kind string, fn func(*T) error) error {
	return eachObject(ctx, r, kind, func(obj linkfin.Object) error {
		var v T
		if err := json.Unmarshal(obj.Data, &v); err != nil {
			return err
		}
		return fn(&v)
	})
}

// readRecord decodes the record (kind, id) into v, and reports whether there is one.
func readRecord(ctx context.Context, r linkfin.RecordReader, kind, id string, v any) (bool, error) {
	obj, err := r.Object(ctx, kind, id)
	if linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return true, json.Unmarshal(obj.Data, v)
}

// numberKeyNow is the key now (linkfin.NumberKey) of the number whose record of the
// registry of document numbers has the id key, and whether it differs from key: it
// does for a number holding an invisible character, registered before they were left
// out. Organizations' ids and kinds hold no "~" (linkfin.ValidateID), so the number is
// what follows the second.
func numberKeyNow(key string) (string, bool) {
	org, rest, ok1 := strings.Cut(key, "~")
	kind, number, ok2 := strings.Cut(rest, "~")
	if !ok1 || !ok2 {
		return "", false
	}
	now := linkfin.NumberKey(org, kind, number)
	return now, now != key
}

// RegisterNumbers registers, under their keys now, the numbers registered before
// numbers were compared without invisible characters that NumbersUnregistered
// lists, so that the number as it reads is refused to another document as a number
// registered now is. It is run once, when linkfin serve first starts on a database
// of then.
//
// Each record of the registry of document numbers named in Numbers is registered as
// well under linkfin.NumberKey of its number, for the document it names
// (document_number.registered): "PO-", U+200B, "1" registered then is registered as
// PO-1. Each invoice named in Invoices has its number registered under
// linkfin.InvoiceNumberKey (invoice_number.registered): "INV-1", U+200B, "002",
// registered then as inv12, is registered as inv1002, so that INV-1002 is refused
// between the same seller and buyer. The records under the keys of then are left as
// they are. A number another document or invoice holds under the key now is left as
// it is and listed among Shared. A record or invoice not found, or whose number is
// held for it under its key now, is passed over: run again, the command writes
// nothing.
type RegisterNumbers struct {
	UnregisteredNumbers
}

// NumbersRegistered is what RegisterNumbers answers: how many numbers it registered,
// and those another document or invoice holds under the key now.
type NumbersRegistered struct {
	Numbers  int            `json:"numbers"`  // document numbers registered
	Invoices int            `json:"invoices"` // invoice numbers registered
	Shared   []SharedNumber `json:"shared"`
}

// SharedNumber is a number registered before numbers were compared without
// invisible characters whose key now another document or invoice holds.
type SharedNumber struct {
	Org    string `json:"org"`            // the organization that numbered the document; an invoice's seller
	Buyer  string `json:"buyer,omitzero"` // an invoice's buyer
	Kind   string `json:"kind"`           // the document's kind
	Number string `json:"number"`
	ID     string `json:"id"`   // the document the number was registered for then
	With   string `json:"with"` // the document that holds the number now
}

// Keys implements linkfin.Command: the records of the document numbers under their
// keys of then and now, and the invoices; the invoices' numbers' records are named by
// DependentKeys.
func (c *RegisterNumbers) Keys() []linkfin.ObjectKey {
	keys := make([]linkfin.ObjectKey, 0, 2*len(c.Numbers)+len(c.Invoices))
	for _, id := range c.Numbers {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindNumber, ID: id})
		if now, ok := numberKeyNow(id); ok {
			keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindNumber, ID: now})
		}
	}
	for _, id := range c.Invoices {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindInvoice, ID: id})
	}
	return keys
}

// DependentKeys implements linkfin.DependentCommand: the registry record of each
// invoice's number.
func (c *RegisterNumbers) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var keys []linkfin.ObjectKey
	for _, id := range c.Invoices {
		var inv linkfin.Invoice
		if found, err := r.Get(linkfin.KindInvoice, id, &inv); err == nil && found {
			keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindInvoiceNumber, ID: linkfin.InvoiceNumberKey(inv.SellerID, inv.BuyerID, inv.Number)})
		}
	}
	return keys
}

// Apply implements linkfin.Command.
func (c *RegisterNumbers) Apply(tx linkfin.Tx) (any, error) {
	res := &NumbersRegistered{Shared: []SharedNumber{}}
	for _, id := range sortedIDs(c.Numbers) {
		key, ok := numberKeyNow(id)
		if !ok {
			continue
		}
		var then, now numberHolder
		if found, err := tx.Get(linkfin.KindNumber, id, &then); err != nil {
			return nil, err
		} else if !found {
			continue
		}
		wrote, err := registerOnce(tx, linkfin.KindNumber, key, &now, &numberHolder{ID: key, RecordID: then.RecordID}, "document_number.registered")
		switch {
		case err != nil:
			return nil, err
		case wrote:
			res.Numbers++
		case now.RecordID != then.RecordID:
			parts := strings.SplitN(id, "~", 3)
			res.Shared = append(res.Shared, SharedNumber{Org: parts[0], Kind: parts[1], Number: parts[2], ID: then.RecordID, With: now.RecordID})
		}
	}
	for _, id := range sortedIDs(c.Invoices) {
		var inv linkfin.Invoice
		if found, err := tx.Get(linkfin.KindInvoice, id, &inv); err != nil {
			return nil, err
		} else if !found {
			continue
		}
		key := linkfin.InvoiceNumberKey(inv.SellerID, inv.BuyerID, inv.Number)
		var h linkfin.InvoiceNumber
		wrote, err := registerOnce(tx, linkfin.KindInvoiceNumber, key, &h, &linkfin.InvoiceNumber{ID: key, InvoiceID: inv.ID}, "invoice_number.registered")
		switch {
		case err != nil:
			return nil, err
		case wrote:
			res.Invoices++
		case h.InvoiceID != inv.ID:
			res.Shared = append(res.Shared, SharedNumber{Org: inv.SellerID, Buyer: inv.BuyerID, Kind: linkfin.KindInvoice,
				Number: inv.Number, ID: inv.ID, With: h.InvoiceID})
		}
	}
	return res, nil
}

// registerOnce reads the registry record (kind, key) into held; where there is none,
// it writes rec there, logged as event, and answers true. A start-up pass registers
// so a record of then under its key now, and leaves one the registry holds already,
// for the same record or another, as it is.
func registerOnce[T any](tx linkfin.Tx, kind, key string, held, rec *T, event string) (wrote bool, err error) {
	if found, err := tx.Get(kind, key, held); err != nil || found {
		return false, err
	}
	return true, tx.Put(kind, key, rec, event)
}

// sortedIDs is ids in order, each once.
func sortedIDs(ids []string) []string {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	return slices.Compact(ids)
}
