package recordcache

import (
	"fmt"
	"reflect"
)

// Watch checks readers that promise to change nothing of what Share hands them: it
// keeps a deep copy of each value as it was shared, and Check compares the value with
// it. A test binary's memtx and engine watch what DependentKeys and LedgerKeys read
// (linkfin.Records shares), so a command that changes a record it reads there fails
// the tests that run it, instead of changing the database behind its back.
type Watch struct {
	reads []watched
}

type watched struct {
	kind, id string
	val      *any // the version's value, as Share read it
	was      any  // a deep copy of *val when it was shared
	reader   string
}

// Note notes that the reader (a command's type, say) was handed a value that may share
// *val, the value of a version of the record (kind, id), by Share. (A value Share did
// not share is noted too, and stays as it was.)
func (w *Watch) Note(kind, id string, val *any, reader string) {
	if *val == nil {
		return
	}
	for _, r := range w.reads {
		if r.val == val && r.reader == reader {
			return
		}
	}
	w.reads = append(w.reads, watched{kind: kind, id: id, val: val, was: copyOf(*val), reader: reader})
}

// Check reports the first value noted that is no longer what it was when it was
// shared, with the reader and the record, and forgets what it noted.
func (w *Watch) Check() error {
	var err error
	for _, r := range w.reads {
		if err == nil && !reflect.DeepEqual(*r.val, r.was) {
			err = fmt.Errorf("%s changed the %s record %s that it read through linkfin.Records, which shares it with the database: it must change only a copy of what it read",
				r.reader, r.kind, r.id)
		}
	}
	clear(w.reads) // nothing read is kept alive
	w.reads = w.reads[:0]
	return err
}
