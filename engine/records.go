package engine

import (
	"fmt"

	"linkfin"
	"linkfin/internal/recordcache"
)

// The writer's record cache keeps each record it has loaded or written as the JSON the
// store and the log hold (the version's Object) and, once a command has read or written
// it, as a value of its kind's registered Go type (see recordcache): a record is decoded
// once when it is first read, not on every read, and Tx.Get gets a deep copy of that
// value; DependentKeys and LedgerKeys share it (linkfin.Records), which a test binary
// checks (Engine.watch). A Put encodes its value once, for the event and the store, and
// keeps the value itself as the new version's: the command hands it over
// (recordcache.Keep), which a test binary checks too.

// record is one version of a record in the writer's cache.
type record struct {
	obj *linkfin.Object
	// val points to the version decoded into its kind's registered type (or to what
	// the Put that wrote it was given), or is nil until a command reads it. Tx.Get
	// hands out copies of it; Records shares it.
	val any
}

// absent is what the writer's cache holds for a record the store was asked for and
// does not have: the next batch that lists it need not ask again. (The engine is the
// store's only writer: a record it did not write stays absent.)
var absent = &record{}

// cached is the cached version of the record k, or nil if none is cached or the store
// has none.
func (e *Engine) cached(k linkfin.ObjectKey) *record {
	if r := e.objects[k]; r != absent {
		return r
	}
	return nil
}

// getRecord reads the cached record k into v, a pointer, and reports whether it exists.
func (e *Engine) getRecord(k linkfin.ObjectKey, v any) (bool, error) {
	r := e.cached(k)
	if r == nil {
		return false, nil
	}
	e.read(r)
	return true, recordcache.Get(k.Kind, r.obj.Data, &r.val, v)
}

// records reads the batch's loaded records, for the LedgerKeys and DependentKeys of a
// command. What it reads shares what the cache holds (recordcache.Share): the command
// changes nothing of it (linkfin.Records).
type records struct {
	e   *Engine
	cmd linkfin.Command
}

func (r records) Get(kind, id string, v any) (bool, error) {
	return r.e.shareRecord(linkfin.ObjectKey{Kind: kind, ID: id}, v, r.cmd)
}

// shareRecord reads the cached record k into v, sharing what the cache holds
// (recordcache.Share), for the command c, which changes none of it: a test binary
// notes it, to check.
func (e *Engine) shareRecord(k linkfin.ObjectKey, v any, c linkfin.Command) (bool, error) {
	rec := e.cached(k)
	if rec == nil {
		return false, nil
	}
	e.read(rec)
	err := recordcache.Share(k.Kind, rec.obj.Data, &rec.val, v)
	if e.watch != nil {
		e.watch.Note(k.Kind, k.ID, &rec.val, fmt.Sprintf("%T", c))
	}
	return true, err
}

// checkShared fails, in a test binary, when a command of the batch changed a record
// that its DependentKeys or LedgerKeys read shared, there or later in Apply.
func (e *Engine) checkShared() {
	if e.watch == nil {
		return
	}
	if err := e.watch.Check(); err != nil {
		sharedChanged(err)
	}
}

// read fails, in a test binary, when the value of the cached version r is no longer
// what the Put that wrote it kept (recordcache.Watch.Read): the command that wrote it,
// or whoever made that command, changed it after.
func (e *Engine) read(r *record) {
	if e.watch == nil {
		return
	}
	if err := e.watch.Read(&r.val); err != nil {
		sharedChanged(err)
	}
}

// sharedChanged is how checkShared fails: it panics, which fails the test that ran the
// command whatever it makes of the command's answer (a test of the check notes the
// error instead).
var sharedChanged = func(err error) { panic("engine: " + err.Error()) }
