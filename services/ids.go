package services

import (
	"strings"

	"linkfin"
)

// newID is the id of a record a command makes. Every request of the API leaves id
// empty and gets a new one from the engine, which no one else has or can take before.
// An internal caller (a test, the demo's seed) may name the record itself: the id is
// then checked, and refused if taken.
func newID(tx linkfin.Tx, kind, id string) (string, error) {
	if id == "" {
		return tx.NewID(linkfin.IDPrefix[kind]), nil
	}
	noun := kindNoun(kind)
	if err := linkfin.ValidateID(noun+" id", id); err != nil {
		return "", err
	}
	return id, absent(tx, kind, id, noun)
}

// idKeys lists a record's key for the prefetch when its id is named: a new id needs
// none.
func idKeys(kind, id string) []linkfin.ObjectKey {
	if id == "" {
		return nil
	}
	return []linkfin.ObjectKey{{Kind: kind, ID: id}}
}

// foldedKeys lists, for the prefetch, what claimFolded reads of an id of kind in
// scope: its registry record, and the records its lower-case and upper-case forms
// name (legacy gives the key of the record an id names), which an id taken before the
// registry was kept has.
func foldedKeys(kind, scope, id string, legacy func(id string) linkfin.ObjectKey) []linkfin.ObjectKey {
	if id == "" {
		return nil
	}
	keys := []linkfin.ObjectKey{{Kind: linkfin.KindFoldedID, ID: linkfin.FoldedIDKey(kind, scope, id)}}
	for _, v := range caseVariants(id) {
		keys = append(keys, legacy(v))
	}
	return keys
}

// caseVariants are the lower-case and upper-case forms of id that are not id itself:
// the ids, taken before the registry of folded ids was kept, that claimFolded looks
// for.
func caseVariants(id string) []string {
	var out []string
	for _, v := range []string{strings.ToLower(id), strings.ToUpper(id)} {
		if v != id {
			out = append(out, v)
		}
	}
	return out
}

// claimFolded takes id as the one id of its kind in scope that folds to its lower
// case, and refuses one that differs from an id taken in case alone (linkfin.EIDTAKEN):
// one the registry names, or, taken before the registry was kept, one in lower or
// upper case whose record exists. The same id again takes nothing new. The command
// lists foldedKeys' records.
func claimFolded(tx linkfin.Tx, kind, scope, id, noun string, legacy func(id string) linkfin.ObjectKey) error {
	key := linkfin.FoldedIDKey(kind, scope, id)
	var f linkfin.FoldedID
	found, err := tx.Get(linkfin.KindFoldedID, key, &f)
	if err != nil {
		return err
	}
	taken := func(other string) error {
		return linkfin.Errorf(linkfin.EIDTAKEN, "%s %s differs from %s %s in case alone: ids that differ in case alone name one thing; choose another",
			noun, id, noun, other)
	}
	switch {
	case found && f.Taken == id:
		return nil
	case found:
		return taken(f.Taken)
	}
	for _, v := range caseVariants(id) {
		k := legacy(v)
		if found, err := tx.Get(k.Kind, k.ID, nil); err != nil {
			return err
		} else if found {
			return taken(v)
		}
	}
	return tx.Put(linkfin.KindFoldedID, key, &linkfin.FoldedID{ID: key, Taken: id}, "folded_id.taken")
}

// numberKeys lists the registry record of a document number, for the prefetch.
func numberKeys(org, kind, number string) []linkfin.ObjectKey {
	if number == "" {
		return nil
	}
	return []linkfin.ObjectKey{{Kind: linkfin.KindNumber, ID: linkfin.NumberKey(org, kind, number)}}
}

func init() { linkfin.RegisterKind(linkfin.KindNumber, func() any { return new(numberHolder) }) }

// numberHolder is a record of the registry of document numbers.
type numberHolder struct {
	ID       string `json:"id"`
	RecordID string `json:"record_id"`
}

// claimNumber registers number as org's number for the document id of kind. A number
// org gave another document of the kind is refused, compared without invisible
// characters (linkfin.NumberKey); the registry is org's alone, so nothing another
// organization numbered meets it.
func claimNumber(tx linkfin.Tx, org, kind, number, id string) error {
	key := linkfin.NumberKey(org, kind, number)
	var h numberHolder
	if found, err := tx.Get(linkfin.KindNumber, key, &h); err != nil {
		return err
	} else if found {
		return linkfin.Errorf(linkfin.EDUPLICATENUMBER, "your %s %s already has the number %q", kindNoun(kind), h.RecordID, number)
	}
	h.ID, h.RecordID = key, id
	return tx.Put(linkfin.KindNumber, key, &h, "document_number.registered")
}

// kindNoun names a kind in messages: "purchase order" for purchase_order.
func kindNoun(kind string) string { return strings.ReplaceAll(kind, "_", " ") }
