package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode"

	"linkfin"
	"linkfin/internal/recordcache"
	"linkfin/ledger"
)

// Name names a command for people, from its type: "create organization" for a
// *services.CreateOrganization, "create API key" for a CreateAPIKey; a command that
// wraps another (Unwrap) by the one it wraps. Messages and
// logs use it, never the Go type.
func Name(c linkfin.Command) string {
	// A command run on someone's behalf is named as the command it runs.
	for {
		w, ok := c.(interface{ Unwrap() linkfin.Command })
		if !ok {
			break
		}
		c = w.Unwrap()
	}
	t := reflect.TypeOf(c)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Name() == "" {
		return "command"
	}
	rs := []rune(t.Name())
	var words []string
	start := 0
	for i := 1; i <= len(rs); i++ {
		// A word ends before an upper-case letter that follows a lower-case one, or
		// that starts a word after an acronym ("APIKey": "API", "Key").
		if i < len(rs) && !(unicode.IsUpper(rs[i]) &&
			(unicode.IsLower(rs[i-1]) || i+1 < len(rs) && unicode.IsUpper(rs[i-1]) && unicode.IsLower(rs[i+1]))) {
			continue
		}
		w := string(rs[start:i])
		if n := len(w); n == 1 || !unicode.IsUpper(rs[start+1]) {
			w = strings.ToLower(w) // an acronym keeps its capitals
		}
		words = append(words, w)
		start = i
	}
	return strings.Join(words, " ")
}

// Outcome is one command's answer.
type Outcome struct {
	Value   json.RawMessage `json:"value,omitempty"`
	Code    string          `json:"code,omitempty"`
	Message string          `json:"message,omitempty"`
	// ValueFrom is the seq of an event of the command whose data is exactly Value (a
	// command often answers the record it wrote). A stored answer then leaves Value
	// out, and the log gives it back on a replay: the record is stored once less.
	ValueFrom *int64 `json:"value_from,omitempty"`
}

// Err returns the outcome's error, or nil.
func (o *Outcome) Err() error {
	if o.Code == "" {
		return nil
	}
	return &linkfin.Error{Code: o.Code, Message: o.Message}
}

// Tx is a command's view of the batch: the engine's linkfin.Tx.
type Tx struct {
	e        *Engine
	cmd      linkfin.Command
	now      int64
	fresh    map[linkfin.ObjectKey]bool // keys the command listed
	made     map[string]bool            // ids NewID gave it: records of any kind, absent
	accounts map[int64]bool             // ledger accounts it listed
	// The version the command's last Put wrote: a command that answers the value it
	// wrote there answers the version's JSON, encoded once.
	put *record
	// undoFrom is where the command's writes start in the batch's undo list: those
	// before are the earlier commands'.
	undoFrom int
	// stale is set when the command met a record or ledger account it did not list
	// because an earlier command of the batch changed what it listed them from.
	stale bool
}

var _ linkfin.Tx = (*Tx)(nil)

// listed fails for a ledger account the command did not list: it may exist in the
// store without having been loaded.
func (tx *Tx) listed(ids ...int64) error {
	for _, id := range ids {
		if !tx.accounts[id] {
			tx.stale = tx.stale || tx.plannedFromChanged()
			return linkfin.Errorf(linkfin.ECONFLICT, "ledger account %d was not prepared for this request; retry it", id)
		}
	}
	return nil
}

// plannedFromChanged reports whether an earlier command of the batch wrote a record
// this one listed: what it listed from it (its ledger accounts) may then be stale.
func (tx *Tx) plannedFromChanged() bool {
	for _, u := range tx.e.objUndo[:tx.undoFrom] {
		if tx.fresh[u.key] {
			return true
		}
	}
	return false
}

// Now is the batch's time.
func (tx *Tx) Now() time.Time { return time.Unix(0, tx.now).UTC() }

// Get decodes the record (kind, id) into v and reports whether it exists. The record
// is decoded once, on its first read; later reads copy it (see records.go).
func (tx *Tx) Get(kind, id string, v any) (bool, error) {
	k := linkfin.ObjectKey{Kind: kind, ID: id}
	if !tx.fresh[k] && !tx.made[id] {
		return false, tx.unlisted(k, "read")
	}
	return tx.e.getRecord(k, v)
}

// unlisted is the error of a command that reads or writes (verb) a record it did not
// list. A record an earlier command of the batch wrote is one the command could not
// have named: its keys were worked out from the records as they stood before the
// batch ran (a split of a piece that the request's previous command made, a settlement
// beside a split of a piece of its date). That is a stale plan: the engine plans the
// command again and runs it again (Engine.execute), and only a command still stale
// then is answered this conflict. Any other unlisted record is the command's fault.
func (tx *Tx) unlisted(k linkfin.ObjectKey, verb string) error {
	if tx.e.objChanged[k] {
		tx.stale = true
		return linkfin.Errorf(linkfin.ECONFLICT, "%s %s changed just before this request ran, in a way it could not plan for: send it again", k.Kind, k.ID)
	}
	return fmt.Errorf("engine: %s %s was %s but not listed in Keys", k.Kind, k.ID, verb)
}

// View reads the record (kind, id) as Get does, sharing what the cache holds instead
// of copying it (linkfin.View); a test binary checks that the command changes none of
// it (Engine.watch).
func (tx *Tx) View(kind, id string, v any) (bool, error) {
	k := linkfin.ObjectKey{Kind: kind, ID: id}
	if !tx.fresh[k] && !tx.made[id] {
		return false, tx.unlisted(k, "read")
	}
	return tx.e.shareRecord(k, v, tx.cmd)
}

// Put writes v as the new version of (kind, id) and logs it as an event of type
// event ("<kind>.<what happened>"), whose data is v's canonical JSON, which must hold
// the record's "id". The kind must be registered (linkfin.RegisterKind): the auditor
// reads every record of the log by its kind and id, so the engine writes none it
// could not read.
func (tx *Tx) Put(kind, id string, v any, event string) error {
	data, err := linkfin.EncodeRecord(kind, id, v, event)
	if err != nil {
		return err
	}
	k := linkfin.ObjectKey{Kind: kind, ID: id}
	if !tx.fresh[k] && !tx.made[id] {
		return tx.unlisted(k, "written")
	}
	prev := tx.e.objects[k]
	tx.e.objUndo = append(tx.e.objUndo, objUndo{key: k, old: prev, changed: tx.e.objChanged[k]})
	if prev == absent {
		prev = nil
	}
	o := &linkfin.Object{Kind: kind, ID: id, Version: 1, Data: data, UpdatedAt: tx.e.state.Tick()}
	var old *linkfin.Object
	if prev != nil {
		old = prev.obj
		o.Version = old.Version + 1
	}
	if p, ok := v.(linkfin.Partied); ok {
		// Index only the parties not indexed yet. What the index already holds is
		// what the version this one replaces made it hold; but if that version was
		// written in this batch, it will never be committed, and its own new parties
		// go to the index with this one.
		var known, pending []string
		if old != nil {
			known = old.Indexed
			if tx.e.objChanged[k] {
				pending = old.Parties
			}
		}
		o.Parties = slices.Clone(pending)
		o.Indexed = slices.Clone(known)
		for _, id := range p.Parties() {
			if !slices.Contains(o.Indexed, id) {
				o.Indexed = append(o.Indexed, id)
				o.Parties = append(o.Parties, id)
			}
		}
	}
	if linkfin.Indexed(kind) {
		if o.Index, err = tx.e.indexUpdate(kind, v, data, prev); err != nil {
			return fmt.Errorf("engine: %s %s: %w", kind, id, err)
		}
	}
	r := &record{obj: o, val: recordcache.Keep(kind, v)}
	if w := tx.e.watch; w != nil {
		if prev != nil {
			w.Replaced(&prev.val)
		}
		w.Kept(kind, id, &r.val, fmt.Sprintf("%T", tx.cmd))
	}
	tx.e.objects[k] = r
	tx.e.objChanged[k] = true
	tx.put = r
	tx.e.state.Emit(event, o.UpdatedAt, data)
	return nil
}

// answer encodes a command's value. A command often answers the record it wrote last:
// the version kept the pointer it was given (recordcache.Keep), unchanged since (a Put
// takes its value over), so its answer is that version's JSON, not encoded again.
func (tx *Tx) answer(v any) ([]byte, error) {
	if r := tx.put; r != nil && r.val != nil && v == r.val {
		return r.obj.Data, nil
	}
	return json.Marshal(v)
}

// indexUpdate works out what writing v (encoded as data) as the new version of a
// record of an indexed kind changes in the ordered index, prev being the version it
// replaces in the cache (nil for a new record). What the store holds for the record
// is what the version it last stored put there: prev's entries, unless prev was written
// in this batch, which is never stored on its own: then what prev replaced.
func (e *Engine) indexUpdate(kind string, v any, data []byte, prev *record) (*linkfin.IndexUpdate, error) {
	u := &linkfin.IndexUpdate{}
	var ok bool
	if u.Entries, ok = linkfin.EntriesOf(kind, v); !ok {
		var err error
		if u.Entries, err = linkfin.IndexOf(kind, data); err != nil {
			return nil, err
		}
	}
	switch {
	case prev == nil:
	case prev.obj.Index != nil && e.objChanged[prev.obj.Key()]:
		u.Stored = prev.obj.Index.Stored
	case prev.obj.Index != nil:
		u.Stored = prev.obj.Index.Entries
	default:
		// Read from the store: its entries are those its data gives.
		if u.Stored, ok = linkfin.EntriesOf(kind, prev.val); !ok {
			var err error
			if u.Stored, err = linkfin.IndexOf(kind, prev.obj.Data); err != nil {
				return nil, err
			}
		}
	}
	return u, nil
}

type objUndo struct {
	key     linkfin.ObjectKey
	old     *record
	changed bool
}

// runCommand applies one command, undoing its writes if it fails.
func (e *Engine) runCommand(c linkfin.Command, now int64) (out Outcome, stale bool) {
	mark, objMark := e.state.Mark(), len(e.objUndo)
	// The ledger accounts as the prefetch listed (and loaded) them.
	tx := &Tx{e: e, cmd: c, now: now, fresh: make(map[linkfin.ObjectKey]bool), accounts: e.listed[c], undoFrom: objMark}
	for _, k := range c.Keys() {
		tx.fresh[k] = true
	}
	for _, k := range e.dependent[c] {
		tx.fresh[k] = true
	}
	v, err := c.Apply(tx)
	if err == nil {
		out.Value, err = tx.answer(v)
	}
	if err == nil {
		evs, first := e.state.EmittedSince(mark)
		for i := len(evs) - 1; i >= 0; i-- {
			if bytes.Equal(evs[i].Data, out.Value) {
				seq := e.log.Tree().Size + int64(first+i)
				out.ValueFrom = &seq
				break
			}
		}
	}
	if err != nil {
		// A refusal the command recorded (a declined credit decision) keeps what it
		// wrote; any other failure undoes it.
		if !linkfin.IsRecorded(err) {
			e.undoObjects(objMark)
			e.state.Rollback(mark)
		}
		var le *linkfin.Error
		if !errors.As(err, &le) {
			e.cfg.Logger.Error("command failed", "err", err)
		}
		out = Outcome{Code: linkfin.ErrorCode(err), Message: linkfin.ErrorMessage(err)}
		// A stale plan, as the engine found it or the command did, is planned again
		// (Engine.execute); one that the command recorded a refusal over is its answer.
		stale = (tx.stale || linkfin.IsStalePlan(err)) && !linkfin.IsRecorded(err)
	}
	return out, stale
}

func (e *Engine) undoObjects(mark int) {
	for i := len(e.objUndo) - 1; i >= mark; i-- {
		u := e.objUndo[i]
		if r := e.objects[u.key]; e.watch != nil && r != nil && r != absent {
			e.watch.Replaced(&r.val)
		}
		if u.old == nil {
			delete(e.objects, u.key)
		} else {
			e.objects[u.key] = u.old
		}
		if !u.changed {
			delete(e.objChanged, u.key)
		}
	}
	e.objUndo = e.objUndo[:mark]
}

// CreateAccounts creates ledger accounts in the command's batch. Any result other than
// ok or exists fails the command, and with it everything the command did.
func (tx *Tx) CreateAccounts(accounts ...ledger.Account) error {
	for _, a := range accounts {
		if err := tx.listed(a.ID); err != nil {
			return err
		}
	}
	return tx.e.state.OpenAccounts(accounts...)
}

// CreateNewAccounts creates ledger accounts whose ids derive from an id NewID gave
// this command (LedgerID of a name that holds it), such as a new program's limit
// accounts: no store can hold them yet, so they need no prefetch, and the command
// could not have named them before it ran. Otherwise it is CreateAccounts.
func (tx *Tx) CreateNewAccounts(accounts ...ledger.Account) error {
	if len(tx.made) == 0 {
		return fmt.Errorf("engine: new ledger accounts from a command that made no new id")
	}
	if tx.accounts == nil {
		tx.accounts = make(map[int64]bool, len(accounts))
	}
	for _, a := range accounts {
		tx.accounts[a.ID] = true
	}
	return tx.CreateAccounts(accounts...)
}

// Transfer runs ledger transfers in the command's batch, as one linked chain: all or
// nothing. Any result other than ok fails the command, and with it everything the
// command did; the error's code is the ledger's (exceeds_credits, …).
func (tx *Tx) Transfer(transfers ...ledger.Transfer) error {
	if len(transfers) == 0 {
		return nil
	}
	for _, t := range transfers {
		if err := tx.listed(t.DebitAccountID, t.CreditAccountID); err != nil {
			return err
		}
	}
	return tx.e.state.TransferAll(transfers...)
}

// Account reads a ledger account as the batch sees it, or reports it absent.
func (tx *Tx) Account(id int64) (ledger.Account, bool) {
	a := tx.e.state.Account(id)
	if a == nil {
		return ledger.Account{}, false
	}
	return *a, true
}

// ReserveLedgerIDs returns the first of n consecutive ledger ids that no other command
// is given: the batch clock's next n timestamps, with bit 62 set (ReservedLedgerIDs),
// so they grow with time. A record keeps them for the transfers it will make. Unlike
// ids hashed from names, ids that grow land together at the end of the store's
// transfer index, so a commit writes fewer pages.
func (tx *Tx) ReserveLedgerIDs(n int) int64 { return linkfin.ReservedLedgerIDs | tx.e.state.Reserve(n) }

// NewID returns a record id that no other record is ever given: prefix, "_", and the
// thirteen lower-case Crockford base32 digits of a value from the engine's clock, as
// ReserveLedgerIDs hands out. The clock only grows and is restored on restart, so ids
// never repeat, and the ids of a kind sort in the order they were made. No request
// chooses it, so no one can take an id before its owner or learn that one is in use.
// The record it names is absent; the command may read and write it without listing it
// in Keys.
func (tx *Tx) NewID(prefix string) string {
	id := linkfin.FormatID(prefix, tx.e.state.Reserve(1))
	if tx.made == nil {
		tx.made = make(map[string]bool)
	}
	tx.made[id] = true
	return id
}

// Made reports whether NewID gave the command the id.
func (tx *Tx) Made(id string) bool { return tx.made[id] }

// ExistingTransfer returns a transfer that exists (committed or earlier in the batch),
// or nil. A command listing the id in LedgerKeys may use it to answer retries.
func (tx *Tx) ExistingTransfer(id int64) *ledger.Transfer {
	if t := tx.e.state.Transfer(id); t != nil {
		c := *t
		return &c
	}
	return nil
}
