package engine

import (
	"bytes"
	"context"
	"sync"

	"linkfin"
)

// recent keeps the record versions of the batches committed last, for the reads that
// would otherwise ask the store for them: the API checks that the caller sees the
// record a request is about before it submits the request, and that record is very
// often one a batch has just written (a quote accepted a moment after it was made).
//
// It holds only what is durable: a batch's versions are added once its commit has
// returned, before its callers are answered, so a caller that has its answer reads
// that version or a later one. Two generations bound it: when the newer holds max
// versions, it becomes the older and the older is dropped. Nothing is ever deleted
// from a store, so a record recent does not hold is simply read there.
type recent struct {
	mu       sync.RWMutex
	cur, old map[linkfin.ObjectKey]*linkfin.Object
	max      int
}

func newRecent(max int) *recent {
	return &recent{cur: make(map[linkfin.ObjectKey]*linkfin.Object), max: max}
}

// add records a committed batch's versions. The objects are the batch's own, which
// nothing changes once written.
func (r *recent) add(objs []*linkfin.Object) {
	if len(objs) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, o := range objs {
		if len(r.cur) >= r.max {
			r.old, r.cur = r.cur, make(map[linkfin.ObjectKey]*linkfin.Object, r.max)
		}
		r.cur[linkfin.ObjectKey{Kind: o.Kind, ID: o.ID}] = o
	}
}

func (r *recent) get(k linkfin.ObjectKey) (*linkfin.Object, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if o, ok := r.cur[k]; ok {
		return o, true
	}
	o, ok := r.old[k]
	return o, ok
}

// Records is the store as the engine's readers see it: a record a recent batch wrote is
// read from the engine's memory, as the store would answer it once the batch is
// committed (which it is), and everything else from the store. Read through it what
// must be at least as new as the caller's last answer, and is read often right after
// it was written.
func (e *Engine) Records() linkfin.Store { return recentStore{e.store, e.recent} }

type recentStore struct {
	linkfin.Store
	recent *recent
}

// Object implements linkfin.RecordReader. The answer is a copy: a caller may change it.
func (s recentStore) Object(ctx context.Context, kind, id string) (*linkfin.Object, error) {
	if o, ok := s.recent.get(linkfin.ObjectKey{Kind: kind, ID: id}); ok {
		c := *o
		c.Data, c.Parties, c.Indexed = bytes.Clone(o.Data), nil, nil
		return &c, nil
	}
	return s.Store.Object(ctx, kind, id)
}
