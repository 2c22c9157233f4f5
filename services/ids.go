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
// org gave another document of the kind is refused; the registry is org's alone, so
// nothing another organization numbered meets it.
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
