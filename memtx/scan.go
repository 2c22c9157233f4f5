package memtx

import (
	"fmt"
	"slices"

	"linkfin"
	"linkfin/internal/recordcache"
)

// scanBatch is how many records ScanShared reads under the database's lock at a time.
const scanBatch = 256

// ScanShared calls fn with every stored record of a kind, in id order, as the value the
// database keeps for its version (see recordcache): a pointer to the kind's registered
// type (a *linkfin.Certificate for a certificate), not a copy of it. For a reader that
// changes nothing of what it reads, such as a measure of the whole database: one pass
// over a kind, not a lookup per record. A version's value is never changed in place, so
// a value fn keeps stays what it read, whatever commands run after; fn must change
// nothing of it. A kind whose values are not kept is decoded from its JSON, into a new
// value for each record.
//
// fn runs without the database's lock held, so it may read the database (a record
// written meanwhile may or may not be handed to it).
func (db *DB) ScanShared(kind string, fn func(id string, v any) error) error {
	type item struct {
		id string
		v  any
	}
	batch := make([]item, 0, scanBatch)
	after, started := "", false
	for {
		batch = batch[:0]
		db.mu.Lock()
		ix := db.kinds[kind]
		ids := db.ids(kind)
		i := 0
		if started {
			i, _ = slices.BinarySearch(ids, after)
			if i < len(ids) && ids[i] == after {
				i++
			}
		}
		for ; i < len(ids) && len(batch) < scanBatch; i++ {
			r := ix.slots[ids[i]].version()
			db.read(r)
			v, err := r.shared(kind)
			if err != nil {
				db.mu.Unlock()
				return fmt.Errorf("memtx: %s %s: %w", kind, ids[i], err)
			}
			batch = append(batch, item{ids[i], v})
		}
		db.mu.Unlock()
		for _, it := range batch {
			if err := fn(it.id, it.v); err != nil {
				return err
			}
		}
		if len(batch) < scanBatch {
			return nil
		}
		after, started = batch[len(batch)-1].id, true
	}
}

// shared returns the version's value itself: decoded from its JSON on its first read
// and kept, as a read keeps it; for a kind whose values are not kept, decoded anew.
func (r *record) shared(kind string) (any, error) {
	if r.val != nil {
		return r.val, nil
	}
	v := linkfin.NewRecord(kind)
	if v == nil {
		return nil, fmt.Errorf("%s is not a record kind", kind)
	}
	if err := recordcache.Share(kind, r.data, &r.val, v); err != nil {
		return nil, err
	}
	if r.val != nil {
		return r.val, nil
	}
	return v, nil
}
