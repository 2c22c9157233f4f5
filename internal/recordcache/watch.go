package recordcache

import (
	"fmt"
	"reflect"
)

// Watch checks, in tests, the two promises that let the cache hand out no copies:
// readers that Share a value change nothing of it, and a command changes nothing of
// what a Put kept (Keep) once it wrote it. For the first it keeps a deep copy of each
// value as it was shared, and Check compares the value with it once the command has
// run. For the second it keeps a deep copy of each value a Put kept, for as long as
// its version is the record's: Check compares those the command wrote once it has run,
// and Read each one again whenever it is read (something else, such as whoever made
// the command, may still hold what the command wrote). A test binary's memtx and
// engine watch their commands this way, so a command that breaks either promise fails
// the tests that run it, instead of changing the database behind its back.
type Watch struct {
	reads []watched
	kept  map[*any]watched // the values Puts kept, until their versions are replaced
	wrote []*any           // those of kept the command that runs wrote
}

type watched struct {
	kind, id string
	val      *any // the version's value
	was      any  // a deep copy of *val when it was shared, or kept
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

// Kept notes that a Put of the writer (a command's type) kept *val as the value of a
// new version of the record (kind, id): it must stay as it is now.
func (w *Watch) Kept(kind, id string, val *any, writer string) {
	if *val == nil {
		return
	}
	if w.kept == nil {
		w.kept = map[*any]watched{}
	}
	w.kept[val] = watched{kind: kind, id: id, val: val, was: copyOf(*val), reader: writer}
	w.wrote = append(w.wrote, val)
}

// Replaced forgets the value *val of a version that is no longer the record's: another
// replaced it, or the command that wrote it failed or wrote the record again.
func (w *Watch) Replaced(val *any) {
	delete(w.kept, val)
}

// Moved notes that the value a Put kept at *from is now kept at *to (its version was
// copied there), and is to be read there.
func (w *Watch) Moved(from, to *any) {
	r, ok := w.kept[from]
	if !ok {
		return
	}
	delete(w.kept, from)
	r.val = to
	w.kept[to] = r
	for i, v := range w.wrote {
		if v == from {
			w.wrote[i] = to
		}
	}
}

// Read reports an error when *val, the value of a version that a Put kept, is no
// longer what it was when it was kept: to call whenever the version is read.
func (w *Watch) Read(val *any) error {
	r, ok := w.kept[val]
	if !ok || reflect.DeepEqual(*r.val, r.was) {
		return nil
	}
	return fmt.Errorf("the %s record %s that %s wrote changed after it was written: a Put takes over what it writes, which must not change after it, neither in the command nor where it came from",
		r.kind, r.id, r.reader)
}

// Check reports the first value noted that is no longer what it was when it was
// shared, with the reader and the record, or else the first that the command that ran
// wrote and changed after; and forgets what it noted of the command.
func (w *Watch) Check() error {
	var err error
	for _, r := range w.reads {
		if err == nil && !reflect.DeepEqual(*r.val, r.was) {
			err = fmt.Errorf("%s changed the %s record %s that it read shared (linkfin.Records, linkfin.View) with the database: it must change only a copy of what it read",
				r.reader, r.kind, r.id)
		}
	}
	for _, val := range w.wrote {
		if err == nil {
			err = w.Read(val)
		}
	}
	clear(w.reads) // nothing read is kept alive
	w.reads = w.reads[:0]
	clear(w.wrote)
	w.wrote = w.wrote[:0]
	return err
}
