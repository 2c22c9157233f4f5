package memtx

import (
	"slices"
	"unsafe"

	"linkfin/internal/blocks"
)

// arena keeps what a DB holds for as long as it holds a record, and never changes: its
// slot, its id and the list of its parties. A DB holds millions of records, and the
// collector follows every pointer to each of them on every cycle, looking up the span
// of memory each points into; kept one object apiece, they are millions of spans'
// worth of lookups, most of them missing the processor's caches. Here slots and ids
// are carved out of large blocks (a few thousand to a block), and a party list is
// kept once for all the records that name the same parties: the same records, in a
// few thousand objects. Nothing is ever freed from it, as a DB frees no record.
type arena struct {
	slots []slot // the block slots are taken from
	ids   []byte // the block ids are copied into
	lists partyLists
}

const (
	slotBlock = 4096      // slots to a block
	idBlock   = 256 << 10 // bytes of ids to a block
)

// slot returns a new, empty slot.
func (a *arena) slot() *slot { return blocks.Take(&a.slots, slotBlock) }

// id returns a copy of id, which shares no memory with it: a record's id is kept as
// long as the record, and a part of a longer string the command named it in would
// keep that whole.
func (a *arena) id(id string) string {
	switch {
	case id == "":
		return ""
	case len(id) > idBlock/16:
		return string([]byte(id)) // a long one has a block of its own
	case cap(a.ids)-len(a.ids) < len(id):
		a.ids = make([]byte, 0, idBlock)
	}
	start := len(a.ids)
	a.ids = append(a.ids, id...)
	// The bytes are never written again: appends only write past them.
	return unsafe.String(&a.ids[start], len(id))
}

// partyLists holds the party lists of a DB's records, one of each: most records name
// the same two or three parties as many others (a buyer and its supplier).
type partyLists map[[maxShared]string][]string

// maxShared is the longest party list kept once; a longer one is kept as it is.
const maxShared = 4

// parties returns the list kept for ps, which it may be: clipped, so that a record
// whose parties grow appends to a list of its own.
func (a *arena) parties(ps []string) []string {
	if len(ps) == 0 || len(ps) > maxShared {
		return slices.Clip(ps)
	}
	var k [maxShared]string
	copy(k[:], ps)
	if list, ok := a.lists[k]; ok {
		return list
	}
	if a.lists == nil {
		a.lists = partyLists{}
	}
	list := slices.Clip(ps)
	a.lists[k] = list
	return list
}
