// Package memtx runs linkfin's commands in memory, with no store and no engine: the
// same linkfin.Tx, for tests and simulation. Each Run is a batch of one command at the
// time the caller's clock gives. Records, ids, the ledger (through the pure ledger
// state machine) and the log of events behave as in the engine, and a command that
// fails changes nothing. Records are kept as the engine's writer keeps them, decoded
// once and read as copies (see recordcache), except that DependentKeys and LedgerKeys
// read them shared (linkfin.Records): in a test binary, each command is checked to
// have changed nothing of what it read there.
//
// A command reads only what it names, as on an engine that keeps nothing in memory
// between batches: a record it did not list in Keys or DependentKeys, or a ledger
// account it did not list in LedgerKeys, is refused as the engine refuses it. So a
// command that runs here runs in the engine. A DB may skip these checks, for a long
// run of commands that its tests ran with them (SkipKeyChecks).
package memtx

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"linkfin"
	"linkfin/internal/recordcache"
	"linkfin/ledger"
)

// maxDependentRounds bounds the loads of DependentKeys, as in the engine.
const maxDependentRounds = 8

// DB is the state commands run against: domain records, the ledger and the log.
// It is safe for concurrent use; commands run one at a time.
type DB struct {
	mu       sync.Mutex
	now      func() time.Time
	state    *ledger.State
	expiries []expiry
	events   []linkfin.Event
	kinds    map[string]*kindIndex // each kind's records, and its ids for the lists

	// counting: the log is counted, not kept (CountEvents).
	counting bool
	seq      int64

	// unchecked: commands are not held to what they name (SkipKeyChecks).
	unchecked bool

	// tracking: what the commands change is noted for Changes (TrackChanges).
	tracking        bool
	changedRecords  []linkfin.ObjectKey
	changedAccounts []int64
	taken           changes // the slices Changes last returned, reused by the next

	// spare is the view the last command ran in, cleared and used again by the next
	// (commands run one at a time, and none keeps its Tx once it has run).
	spare *tx

	// watch, in a test binary, holds what a command's DependentKeys and LedgerKeys
	// read shared, to check once the command has run that it changed none of it.
	watch *recordcache.Watch

	mem arena // where the slots, their ids and their party lists are kept
}

// slot holds a record: its version stored, and the party index's entry for it (who
// is or was party to it). A command loads the slot, and writes into it, once. The
// version is held in the slot, not apart from it: one object less a record for the
// collector to follow (see arena). A version replaced is not kept, and no reader
// keeps a pointer to one past the command it reads it in.
type slot struct {
	cur     record
	parties []string
}

// version is the version the slot holds; nil for an absent record (a slot is made
// when its record is first written).
func (s *slot) version() *record {
	if s == nil {
		return nil
	}
	return &s.cur
}

// record is one version of a record: its JSON, and its value (see recordcache): what
// the Put that wrote it was given, and then only copies of it go to a command's Get
// (readers that change nothing share it). Once the command that wrote it has run, a
// version whose JSON is what its value encodes to drops the JSON, and its value is
// encoded again for a reader that asks for it: the database holds each record once,
// not twice. Its kind and id are its slot's key, not held again: a database holds
// millions of versions.
type record struct {
	version   int64
	updatedAt int64
	data      []byte // its JSON; nil once dropped
	val       any
	lean      bool // its JSON is what val encodes to, and need not be kept
}

// object returns a copy of the version (kind, id) as a store holds it, its JSON
// encoded again if it was dropped (and not kept: the simulator's readers read values).
func (r *record) object(kind, id string) (linkfin.Object, error) {
	o := linkfin.Object{Kind: kind, ID: id, Version: r.version, Data: r.data, UpdatedAt: r.updatedAt}
	if o.Data == nil {
		data, err := json.Marshal(r.val)
		if err != nil {
			return o, err
		}
		o.Data = data
	}
	return o, nil
}

// get reads the version into v; a nil record is absent.
func (r *record) get(kind string, v any) (bool, error) {
	if r == nil {
		return false, nil
	}
	return true, recordcache.Get(kind, r.data, &r.val, v)
}

// kindIndex holds a kind's records, and lists their ids, sorted when a list needs them.
type kindIndex struct {
	slots  map[string]*slot // by id: a map per kind is smaller, and its keys shorter
	ids    []string
	sorted bool
}

// slot returns where the record k is kept, or nil.
func (db *DB) slot(k linkfin.ObjectKey) *slot {
	if ix := db.kinds[k.Kind]; ix != nil {
		return ix.slots[k.ID]
	}
	return nil
}

type expiry struct{ at, id int64 }

// New returns an empty DB whose commands run at the times now gives (the engine's
// clock: a batch's time is never before the last one's).
func New(now func() time.Time) *DB {
	state := ledger.NewState()
	state.ReuseChanges() // a batch's changes are read as it commits, and not kept
	state.KeepInBlocks() // every transfer is kept, for as long as the DB
	db := &DB{now: now, state: state, kinds: make(map[string]*kindIndex)}
	if testing.Testing() {
		db.watch = &recordcache.Watch{}
	}
	return db
}

// CountEvents counts the events of the log instead of keeping them: for a long run,
// whose log would not fit in memory. Events then returns none, and EventCount how
// many there were. Nothing then reads an event's JSON, so it is not made, nor the JSON
// of a record written, where the record is sure to encode (recordcache.Encodes): that
// is made only for a reader of it (Object, ListObjects), and a record that cannot be
// encoded still fails the command that writes it.
func (db *DB) CountEvents() {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.counting = true
}

// TrackChanges has the DB note what each command changes, for Changes: for a caller
// that follows a long run by what moved instead of reading again everything it
// watches (the simulator's scheduler).
func (db *DB) TrackChanges() {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.tracking = true
}

// SkipKeyChecks has the DB run commands without holding them to what they name: a
// record is loaded when the command first reads or writes it, whether or not its Keys
// or DependentKeys listed it, and every ledger account and transfer is there for it,
// whether or not its LedgerKeys listed it. Keys and LedgerKeys are not called;
// DependentKeys is, once, since a command may keep what it worked out there for Apply.
// A command that names what it reads runs as it would with the checks, and as it
// would in the engine; one that does not runs here and is refused by the engine. So
// this is for a long run of commands that tests have run with the checks (the
// simulator's), where loading what each command names, and checking what it does
// against it, would be a fifth of the run's time.
func (db *DB) SkipKeyChecks() {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.unchecked = true
}

type changes struct {
	records  []linkfin.ObjectKey
	accounts []int64
}

// Changes returns what the commands changed since the last call (or since
// TrackChanges): the records they wrote and the ledger accounts they created or
// changed, pending transfers that expired among them, each as often as it changed, in
// no order to rely on. The slices are the caller's until the next call.
func (db *DB) Changes() (records []linkfin.ObjectKey, accounts []int64) {
	db.mu.Lock()
	defer db.mu.Unlock()
	out := changes{db.changedRecords, db.changedAccounts}
	clear(db.taken.records) // nothing of them is kept alive
	db.changedRecords, db.changedAccounts = db.taken.records[:0], db.taken.accounts[:0]
	db.taken = out
	return out.records, out.accounts
}

// EventCount is how many events the commands logged.
func (db *DB) EventCount() int64 {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.seq
}

// Run runs one command and decodes its value into v (if v is not nil), as
// engine.Engine.Run does: a command that fails its Validator is refused before it
// runs, and one that fails as it runs changes nothing. A refusal has the code and
// message the engine answers (linkfin.ErrorCode, linkfin.ErrorMessage).
func (db *DB) Run(ctx context.Context, c linkfin.Command, v any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if val, ok := c.(linkfin.Validator); ok {
		if err := val.Validate(); err != nil {
			return err
		}
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	// Checked before the command's versions take the place of those it read, and
	// again as Run ends (when a command panics, what it changed of what it read is
	// what to say): the second finds nothing more to check.
	defer db.checkShared()
	db.state.Begin(db.now().UnixNano())
	db.expire()
	tx := db.prepare(c)
	mark := db.state.Mark()
	value, err := c.Apply(tx)
	var data []byte
	copied := false
	if err == nil && v != nil {
		// The answer is encoded only for a caller that reads it (a simulation sends
		// millions of commands whose answers it does not), and not even then when a
		// copy of it is what its JSON would decode to.
		if copied = recordcache.Copy(v, value); !copied {
			data, err = json.Marshal(value)
		}
	}
	if err != nil && !linkfin.IsRecorded(err) {
		if db.watch != nil {
			for _, e := range tx.keys.entries {
				if e.write != nil {
					db.watch.Replaced(&e.write.val)
				}
			}
		}
		db.state.Rollback(mark)
		db.commit()
		// The engine answers an error that is no *linkfin.Error as internal: so does
		// this one by its code and message (linkfin.ErrorCode, ErrorMessage), and its
		// text says what it was.
		return err
	}
	db.checkShared()
	for _, e := range tx.keys.entries {
		k, r := e.key, e.write
		if r == nil {
			continue
		}
		s := e.slot
		if s == nil {
			// A new record (a command writes only what it listed, so loaded, or what
			// NewID named, which no record has).
			s = db.mem.slot()
			ix := db.kinds[k.Kind]
			if ix == nil {
				ix = &kindIndex{slots: map[string]*slot{}, sorted: true}
				db.kinds[k.Kind] = ix
			}
			// The id is kept as long as the record: a copy, not a part of a longer
			// string the command named it in, which it would keep whole.
			id := db.mem.id(k.ID)
			ix.slots[id] = s
			ix.sorted = ix.sorted && (len(ix.ids) == 0 || ix.ids[len(ix.ids)-1] < id)
			ix.ids = append(ix.ids, id)
		}
		// As a store's index: every party a version names, kept when it no longer is.
		if ps := withParties(s.parties, e.parties); len(ps) != len(s.parties) {
			s.parties = db.mem.parties(ps)
		}
		if db.watch != nil {
			db.watch.Replaced(&s.cur.val)
			db.watch.Moved(&r.val, &s.cur.val)
		}
		if db.tracking {
			db.changedRecords = append(db.changedRecords, k)
		}
		s.cur = *r
		if r.lean {
			s.cur.data = nil
		}
	}
	db.commit()
	if err != nil {
		return err // a recorded refusal: its writes stand, and it is answered as refused
	}
	if v == nil || copied {
		return nil
	}
	return json.Unmarshal(data, v)
}

// read panics, in a test binary, when the value of the version r (nil: absent) is no
// longer what the Put that wrote it kept (recordcache.Watch.Read): the command that
// wrote it, or whoever made that command, changed it after.
func (db *DB) read(r *record) {
	if db.watch == nil || r == nil {
		return
	}
	if err := db.watch.Read(&r.val); err != nil {
		panic("memtx: " + err.Error())
	}
}

// checkShared panics when the command that ran changed a record that its DependentKeys
// or LedgerKeys read (and so shared with the database), whether it did so there or
// later, in Apply, through what it kept of it: in a test binary, where the test that
// runs such a command fails, whatever it makes of the command's answer.
func (db *DB) checkShared() {
	if db.watch == nil {
		return
	}
	if err := db.watch.Check(); err != nil {
		panic("memtx: " + err.Error())
	}
}

// expire expires the pending transfers whose timeout has passed, at the start of a
// batch, in the order of their deadlines.
func (db *DB) expire() {
	now := db.state.Now()
	n := 0
	for n < len(db.expiries) && db.expiries[n].at <= now {
		db.state.Expire(db.expiries[n].id)
		n++
	}
	db.expiries = db.expiries[n:]
}

// commit ends the batch: its events go to the log, and the pending transfers it made
// with a timeout to the expiry queue.
func (db *DB) commit() {
	ch := db.state.Changes()
	if db.tracking {
		db.changedAccounts = append(db.changedAccounts, ch.NewAccounts...)
		for id := range ch.Accounts {
			db.changedAccounts = append(db.changedAccounts, id)
		}
	}
	if db.counting {
		db.seq += int64(len(ch.Events))
	} else {
		for i := range ch.Events {
			ev := ch.Events[i].LogEvent()
			ev.Seq = db.seq
			db.seq++
			db.events = append(db.events, ev)
		}
	}
	n := len(db.expiries)
	for id := range ch.NewPending {
		if p := db.state.Pending(id); p != nil && p.ExpiresAt > 0 {
			db.expiries = append(db.expiries, expiry{p.ExpiresAt, id})
		}
	}
	if len(db.expiries) > n {
		sort.Slice(db.expiries, func(i, j int) bool {
			a, b := db.expiries[i], db.expiries[j]
			return a.at < b.at || a.at == b.at && a.id < b.id
		})
	}
	db.state.Commit()
}

// prepare loads what the command names, as the engine's prefetch does: its Keys, then
// its DependentKeys until they name nothing new, then its ledger rows. Unchecked
// (SkipKeyChecks), it loads nothing: DependentKeys is called once, reading what it
// reads as it reads it.
func (db *DB) prepare(c linkfin.Command) *tx {
	if db.spare == nil {
		db.spare = &tx{db: db, accounts: map[int64]bool{}, transfers: map[int64]bool{}}
		db.spare.keys.entries = db.spare.keys.first[:0]
	}
	tx := db.spare
	tx.reset()
	if db.watch != nil {
		tx.reader = fmt.Sprintf("%T", c)
	}
	if db.unchecked {
		if dc, ok := c.(linkfin.DependentCommand); ok {
			dc.DependentKeys(records{tx})
		}
		return tx
	}
	for _, k := range c.Keys() {
		tx.load(k).flags |= listed
	}
	if dc, ok := c.(linkfin.DependentCommand); ok {
		var keys []linkfin.ObjectKey
		for range maxDependentRounds {
			tx.missed = false
			keys = dc.DependentKeys(records{tx})
			n := 0
			for _, k := range keys {
				if !tx.keys.has(k, loaded) {
					tx.load(k)
					n++
				}
			}
			// Asked again, it would read what it read and name what it named: unless it
			// asked for a record that was not loaded yet.
			if n == 0 || !tx.missed {
				break
			}
		}
		for _, k := range keys {
			tx.keys.add(k).flags |= listed
		}
	}
	if lc, ok := c.(linkfin.LedgerCommand); ok {
		accounts, transfers := lc.LedgerKeys(records{tx})
		for _, id := range accounts {
			tx.accounts[id] = true
		}
		for _, id := range transfers {
			tx.transfers[id] = true
		}
	}
	return tx
}

// reset clears what the last command did with the view, keeping the room it took.
func (tx *tx) reset() {
	clear(tx.keys.entries) // nothing of the last command's records is kept alive
	tx.keys.entries = tx.keys.entries[:0]
	if tx.keys.index != nil {
		clear(tx.keys.index)
		tx.keys.spare, tx.keys.index = tx.keys.index, nil
	}
	clear(tx.made)
	tx.made = tx.made[:0]
	clear(tx.accounts)
	clear(tx.transfers)
}

// load loads the record k for the command, and returns its entry (valid until the
// next add).
func (tx *tx) load(k linkfin.ObjectKey) *keyEntry {
	e := tx.keys.add(k)
	if e.flags&loaded == 0 {
		e.flags |= loaded
		e.slot = tx.db.slot(k)
		e.base = e.slot.version()
	}
	return e
}

// records reads the records loaded so far, for DependentKeys and LedgerKeys. What it
// reads shares what the database holds (recordcache.Share): a command changes nothing
// of it (linkfin.Records), which memtx checks in a test binary.
type records struct{ tx *tx }

func (r records) Get(kind, id string, v any) (bool, error) {
	k := linkfin.ObjectKey{Kind: kind, ID: id}
	if r.tx.db.unchecked {
		r.tx.load(k)
	}
	e := r.tx.keys.get(k)
	if e == nil || e.flags&loaded == 0 {
		r.tx.missed = true
		return false, nil
	}
	if e.base == nil {
		return false, nil
	}
	r.tx.db.read(e.base)
	err := recordcache.Share(kind, e.base.data, &e.base.val, v)
	if r.tx.db.watch != nil {
		r.tx.db.watch.Note(kind, id, &e.base.val, r.tx.reader)
	}
	return true, err
}

// tx is one command's view of the DB: its writes stay here until it succeeds.
type tx struct {
	db        *DB
	keys      keySet         // the records it listed or wrote, and the versions it wrote
	made      []string       // ids NewID gave it
	accounts  map[int64]bool // ledger accounts it listed
	transfers map[int64]bool // ledger transfers it listed, and those it made
	reader    string         // the command's type, in a test binary (DB.watch)
	missed    bool           // DependentKeys asked for a record not loaded yet
}

// keyFlags say what a command may do with a record.
type keyFlags uint8

const (
	loaded keyFlags = 1 << iota // loaded for it: its version before the command
	listed                      // it may read and write it: Keys and DependentKeys
)

// keySet is a command's records: few, so a list searched in order until it is long
// enough to be worth a map.
type keySet struct {
	entries []keyEntry
	first   [8]keyEntry               // where entries start: most commands list fewer
	index   map[linkfin.ObjectKey]int // from indexFrom entries on
	spare   map[linkfin.ObjectKey]int // an index cleared, for the next that needs one
}

type keyEntry struct {
	key   linkfin.ObjectKey
	flags keyFlags
	slot  *slot   // once loaded, where the record is kept (nil: absent)
	base  *record // once loaded, the version before the command (nil: absent)
	write *record // the version the command wrote last, if it wrote one
	// parties are those the versions the command wrote name (linkfin.Partied), for
	// the party index.
	parties []string
}

const indexFrom = 16

// get returns the entry of k, or nil. It is valid until the next add.
func (s *keySet) get(k linkfin.ObjectKey) *keyEntry {
	if s.index != nil {
		if i, ok := s.index[k]; ok {
			return &s.entries[i]
		}
		return nil
	}
	for i := range s.entries {
		if s.entries[i].key == k {
			return &s.entries[i]
		}
	}
	return nil
}

// add returns the entry of k, added if it was not there. It is valid until the next
// add.
func (s *keySet) add(k linkfin.ObjectKey) *keyEntry {
	if e := s.get(k); e != nil {
		return e
	}
	s.entries = append(s.entries, keyEntry{key: k})
	n := len(s.entries)
	switch {
	case s.index != nil:
		s.index[k] = n - 1
	case n >= indexFrom:
		s.index, s.spare = s.spare, nil
		if s.index == nil {
			s.index = make(map[linkfin.ObjectKey]int, 2*n)
		}
		for i, e := range s.entries {
			s.index[e.key] = i
		}
	}
	return &s.entries[n-1]
}

func (s *keySet) has(k linkfin.ObjectKey, f keyFlags) bool {
	e := s.get(k)
	return e != nil && e.flags&f != 0
}

var _ linkfin.Tx = (*tx)(nil)

func (tx *tx) Now() time.Time { return time.Unix(0, tx.db.state.Now()).UTC() }

// may reports whether the command may read and write the record k: whether it listed
// it or made its id. Unchecked, it may, and k is loaded if it was not.
func (tx *tx) may(k linkfin.ObjectKey) bool {
	if tx.db.unchecked {
		tx.load(k)
		return true
	}
	return tx.keys.has(k, listed) || tx.Made(k.ID)
}

func (tx *tx) Get(kind, id string, v any) (bool, error) {
	k := linkfin.ObjectKey{Kind: kind, ID: id}
	if !tx.may(k) {
		return false, fmt.Errorf("memtx: %s %s was read but not listed in Keys", kind, id)
	}
	e := tx.keys.get(k)
	switch {
	case e != nil && e.write != nil:
		tx.db.read(e.write)
		return e.write.get(kind, v)
	case e == nil || e.flags&loaded == 0:
		return false, nil
	}
	tx.db.read(e.base)
	return e.base.get(kind, v)
}

// View reads the record as Get does, sharing what the database holds instead of
// copying it (linkfin.View); a test binary checks that the command changes none of it.
func (tx *tx) View(kind, id string, v any) (bool, error) {
	k := linkfin.ObjectKey{Kind: kind, ID: id}
	if !tx.may(k) {
		return false, fmt.Errorf("memtx: %s %s was read but not listed in Keys", kind, id)
	}
	e := tx.keys.get(k)
	var r *record
	switch {
	case e != nil && e.write != nil:
		r = e.write
	case e == nil || e.flags&loaded == 0 || e.base == nil:
		return false, nil
	default:
		r = e.base
	}
	tx.db.read(r)
	err := recordcache.Share(kind, r.data, &r.val, v)
	if tx.db.watch != nil {
		tx.db.watch.Note(kind, id, &r.val, tx.reader)
	}
	return true, err
}

func (tx *tx) Put(kind, id string, v any, event string) error {
	var data []byte
	var err error
	if tx.db.counting && recordcache.Encodes(kind, id, v) {
		// Nothing reads the event's JSON, and the record's is made when read.
		err = linkfin.CheckRecord(kind, id, event)
	} else {
		data, err = linkfin.EncodeRecord(kind, id, v, event)
	}
	if err != nil {
		return err
	}
	k := linkfin.ObjectKey{Kind: kind, ID: id}
	if !tx.may(k) {
		return fmt.Errorf("memtx: %s %s was written but not listed in Keys", kind, id)
	}
	e := tx.keys.add(k)
	old := e.write
	if old == nil {
		old = e.base
	}
	w := &record{version: 1, data: data, updatedAt: tx.db.state.Tick()}
	if old != nil {
		w.version = old.version + 1
	}
	if p, ok := v.(linkfin.Partied); ok {
		// The parties of a version this command wrote before go to the index too,
		// though that version is never stored: as in the engine.
		e.parties = withParties(e.parties, p.Parties())
	}
	w.val = recordcache.Keep(kind, v)
	if tx.db.watch != nil {
		if e.write != nil {
			tx.db.watch.Replaced(&e.write.val)
		}
		tx.db.watch.Kept(kind, id, &w.val, tx.reader)
	}
	e.write = w
	// Its JSON is what the value encodes to when it was given as a pointer (a
	// MarshalJSON of a pointer receiver is not called on a value).
	e.write.lean = e.write.val != nil && reflect.ValueOf(v).Kind() == reflect.Pointer
	tx.db.state.Emit(event, w.updatedAt, data)
	return nil
}

// withParties returns the party list with each of ps it lacks appended. An empty list
// becomes ps itself when ps names each party once (Parties makes its list for the
// caller; a list taken before names each once), clipped so that an append to either
// makes a slice of its own.
func withParties(list, ps []string) []string {
	if len(list) == 0 && !hasDuplicate(ps) {
		return slices.Clip(ps)
	}
	for _, p := range ps {
		if !slices.Contains(list, p) {
			list = append(list, p)
		}
	}
	return list
}

// hasDuplicate reports whether a short list names something twice.
func hasDuplicate(ids []string) bool {
	for i := range ids {
		if slices.Contains(ids[i+1:], ids[i]) {
			return true
		}
	}
	return false
}

func (tx *tx) NewID(prefix string) string {
	id := linkfin.FormatID(prefix, tx.db.state.Reserve(1))
	tx.made = append(tx.made, id)
	return id
}

func (tx *tx) Made(id string) bool { return slices.Contains(tx.made, id) }

func (tx *tx) ReserveLedgerIDs(n int) int64 {
	return linkfin.ReservedLedgerIDs | tx.db.state.Reserve(n)
}

// listedAccount reports whether the command listed the ledger account, or runs
// unchecked.
func (tx *tx) listedAccount(id int64) bool { return tx.accounts[id] || tx.db.unchecked }

// listedTransfer reports whether the command listed or made the ledger transfer, or
// runs unchecked.
func (tx *tx) listedTransfer(id int64) bool { return tx.transfers[id] || tx.db.unchecked }

// listedAccounts fails for a ledger account the command did not list, with the
// engine's error: there it may exist in the store without having been loaded.
func (tx *tx) listedAccounts(ids ...int64) error {
	for _, id := range ids {
		if !tx.listedAccount(id) {
			return linkfin.Errorf(linkfin.ECONFLICT, "ledger account %d was not prepared for this request; retry it", id)
		}
	}
	return nil
}

func (tx *tx) CreateAccounts(accounts ...ledger.Account) error {
	for _, a := range accounts {
		if err := tx.listedAccounts(a.ID); err != nil {
			return err
		}
	}
	return tx.db.state.OpenAccounts(accounts...)
}

func (tx *tx) CreateNewAccounts(accounts ...ledger.Account) error {
	if len(tx.made) == 0 {
		return fmt.Errorf("memtx: new ledger accounts from a command that made no new id")
	}
	for _, a := range accounts {
		tx.accounts[a.ID] = true
	}
	return tx.CreateAccounts(accounts...)
}

func (tx *tx) Transfer(transfers ...ledger.Transfer) error {
	if len(transfers) == 0 {
		return nil
	}
	for _, t := range transfers {
		if err := tx.listedAccounts(t.DebitAccountID, t.CreditAccountID); err != nil {
			return err
		}
		if t.PendingID != 0 && !tx.listedTransfer(t.PendingID) {
			return fmt.Errorf("memtx: pending transfer %d was posted or voided but not listed in LedgerKeys", t.PendingID)
		}
	}
	if err := tx.db.state.TransferAll(transfers...); err != nil {
		return err
	}
	for _, t := range transfers {
		tx.transfers[t.ID] = true
	}
	return nil
}

func (tx *tx) Account(id int64) (ledger.Account, bool) {
	if !tx.listedAccount(id) {
		return ledger.Account{}, false
	}
	a := tx.db.state.Account(id)
	if a == nil {
		return ledger.Account{}, false
	}
	return *a, true
}

func (tx *tx) ExistingTransfer(id int64) *ledger.Transfer {
	if !tx.listedTransfer(id) {
		return nil
	}
	if t := tx.db.state.Transfer(id); t != nil {
		c := *t
		return &c
	}
	return nil
}

// Get decodes the record (kind, id) as the last command left it, and reports whether
// it exists.
func (db *DB) Get(kind, id string, v any) (bool, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	r := db.slot(linkfin.ObjectKey{Kind: kind, ID: id}).version()
	db.read(r)
	return r.get(kind, v)
}

// GetValue is Get for services' readers (services.ValueGetter): a record read as a
// value, not through its JSON.
func (db *DB) GetValue(_ context.Context, kind, id string, v any) (bool, error) {
	return db.Get(kind, id, v)
}

// GetShared reads the record (kind, id) as Get does, but shares what it holds (its
// slices, maps and pointers) with the database instead of copying it (see
// recordcache.Share): for a reader that changes nothing of what it reads, such as a
// measure of the database.
func (db *DB) GetShared(kind, id string, v any) (bool, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	r := db.slot(linkfin.ObjectKey{Kind: kind, ID: id}).version()
	if r == nil {
		return false, nil
	}
	db.read(r)
	return true, recordcache.Share(kind, r.data, &r.val, v)
}

// Version returns the version of the stored record (kind, id), and whether it exists.
func (db *DB) Version(kind, id string) (int64, bool) {
	db.mu.Lock()
	defer db.mu.Unlock()
	r := db.slot(linkfin.ObjectKey{Kind: kind, ID: id}).version()
	if r == nil {
		return 0, false
	}
	return r.version, true
}

// Object returns a copy of the stored record (kind, id); an absent one is not_found,
// as in a store.
func (db *DB) Object(_ context.Context, kind, id string) (*linkfin.Object, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	r := db.slot(linkfin.ObjectKey{Kind: kind, ID: id}).version()
	if r == nil {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "%s %s not found", kind, id)
	}
	db.read(r)
	c, err := r.object(kind, id)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// Account returns a ledger account, or reports it absent.
func (db *DB) Account(id int64) (ledger.Account, bool) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if a := db.state.Account(id); a != nil {
		return *a, true
	}
	return ledger.Account{}, false
}

// Transfer returns a ledger transfer, or reports it absent.
func (db *DB) Transfer(id int64) (ledger.Transfer, bool) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if t := db.state.Transfer(id); t != nil {
		return *t, true
	}
	return ledger.Transfer{}, false
}

// Events returns the log: every event the commands made, in order, as the engine
// logs them (Seq from 0).
func (db *DB) Events() []linkfin.Event {
	db.mu.Lock()
	defer db.mu.Unlock()
	return slices.Clone(db.events)
}

// ListObjects lists copies of the stored records of a kind in id order, up to limit
// after the id after, as a store does.
func (db *DB) ListObjects(_ context.Context, kind, after string, limit int) ([]linkfin.Object, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	var out []linkfin.Object
	ids := db.ids(kind)
	i, _ := slices.BinarySearch(ids, after)
	for ; i < len(ids) && len(out) < limit; i++ {
		if ids[i] > after {
			r := db.slot(linkfin.ObjectKey{Kind: kind, ID: ids[i]}).version()
			db.read(r)
			o, err := r.object(kind, ids[i])
			if err != nil {
				return nil, err
			}
			out = append(out, o)
		}
	}
	return out, nil
}

// IDs lists the ids of the stored records of a kind, in order: what ListObjects lists,
// without the records.
func (db *DB) IDs(kind string) []string {
	db.mu.Lock()
	defer db.mu.Unlock()
	return slices.Clone(db.ids(kind))
}

// ids is a kind's ids in order.
func (db *DB) ids(kind string) []string {
	ix := db.kinds[kind]
	if ix == nil {
		return nil
	}
	if !ix.sorted {
		slices.Sort(ix.ids)
		ix.sorted = true
	}
	return ix.ids
}

// ScanAccounts calls fn with a copy of every ledger account, in id order, as a store
// does.
func (db *DB) ScanAccounts(_ context.Context, fn func(*ledger.Account) error) error {
	db.mu.Lock()
	ids := db.state.AccountIDs()
	db.mu.Unlock()
	for _, id := range ids {
		a, _ := db.Account(id)
		if err := fn(&a); err != nil {
			return err
		}
	}
	return nil
}

// ListObjectsByParty lists copies of the stored records of a kind that the
// organization is or was party to, in id order, up to limit after the id after, as a
// store does.
func (db *DB) ListObjectsByParty(_ context.Context, kind, party, after string, limit int) ([]linkfin.Object, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	var out []linkfin.Object
	ids := db.ids(kind)
	i, _ := slices.BinarySearch(ids, after)
	for ; i < len(ids) && len(out) < limit; i++ {
		if ids[i] <= after {
			continue
		}
		if s := db.slot(linkfin.ObjectKey{Kind: kind, ID: ids[i]}); slices.Contains(s.parties, party) {
			db.read(&s.cur)
			o, err := s.cur.object(kind, ids[i])
			if err != nil {
				return nil, err
			}
			out = append(out, o)
		}
	}
	return out, nil
}

// WasParty reports whether the organization is or was party to the record.
func (db *DB) WasParty(_ context.Context, kind, id, party string) (bool, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	var parties []string
	if s := db.slot(linkfin.ObjectKey{Kind: kind, ID: id}); s != nil {
		parties = s.parties
	}
	return slices.Contains(parties, party), nil
}

var _ linkfin.PartyReader = (*DB)(nil)
