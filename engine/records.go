package engine

import (
	"linkfin"
	"linkfin/internal/recordcache"
)

// The writer's record cache keeps each record it has loaded or written as the JSON the
// store and the log hold (the version's Object) and, once a command has read or written
// it, as a value of its kind's registered Go type (see recordcache): a record is decoded
// once when it is first read, not on every read, and Tx.Get, DependentKeys and
// LedgerKeys get a deep copy of that value. A Put encodes its value once, for the event
// and the store, and keeps a deep copy of it as the new version's value.

// record is one version of a record in the writer's cache.
type record struct {
	obj *linkfin.Object
	// val points to the version decoded into its kind's registered type, or is nil
	// until a command reads it. It is never handed out, only copies of it.
	val any
}

// absent is what the writer's cache holds for a record the store was asked for and
// does not have: the next batch that lists it need not ask again. (The engine is the
// store's only writer: a record it did not write stays absent.)
var absent = &record{}

// getRecord reads the cached record k into v, a pointer, and reports whether it exists.
func (e *Engine) getRecord(k linkfin.ObjectKey, v any) (bool, error) {
	r := e.objects[k]
	if r == nil || r == absent {
		return false, nil
	}
	return true, recordcache.Get(k.Kind, r.obj.Data, &r.val, v)
}

// records reads the batch's loaded records, for LedgerKeys and DependentKeys.
type records struct{ e *Engine }

func (r records) Get(kind, id string, v any) (bool, error) {
	return r.e.getRecord(linkfin.ObjectKey{Kind: kind, ID: id}, v)
}
