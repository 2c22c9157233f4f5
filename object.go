package linkfin

import (
	"strings"
	"unicode/utf8"
)

// ObjectKey names a domain record: its kind ("organization", "program", …) and id.
type ObjectKey struct {
	Kind string
	ID   string
}

// Storable reports whether every store can hold the key: its kind and id are UTF-8
// text without NUL. PostgreSQL's text holds neither a NUL nor a byte sequence that is
// not UTF-8, so no record is kept under such a key: a command that names one names a
// record that does not exist, and one that writes one is refused (CheckRecord).
func (k ObjectKey) Storable() bool { return storableText(k.Kind) && storableText(k.ID) }

func storableText(s string) bool { return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 }

// Object is a domain record (an organization, a relationship, a program, …) as the
// store keeps it: canonical JSON under its key, with a version that grows by one on
// every change. The engine is its only writer; every change is also an event in the log.
type Object struct {
	Kind      string
	ID        string
	Version   int64
	Data      []byte // canonical JSON
	UpdatedAt int64  // Unix ns, assigned by the engine
	// Parties are the organizations to index the record under when this version is
	// stored: those party to it that the index is not known to list yet. The index only
	// grows, so a former party keeps seeing it. Reads leave it empty: it feeds the index
	// and is not kept with the record.
	Parties []string
	// Indexed are the organizations the index lists the record under once this version
	// is stored, as far as the engine knows (it wrote them). Nil for a record read from
	// the store: its parties are then indexed again, which changes nothing.
	Indexed []string
	// Index is, for a record of a kind the ordered index holds (Indexed), this
	// version's entries in that index and the entries the store holds for the record
	// until this version is stored, as the engine worked them out when it wrote the
	// version; the store changes only the entries that differ. Reads leave it nil.
	Index *IndexUpdate
}

// Key returns the object's key.
func (o *Object) Key() ObjectKey { return ObjectKey{o.Kind, o.ID} }
