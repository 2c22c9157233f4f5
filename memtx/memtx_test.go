package memtx_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"strings"
	"testing"
	"time"

	"linkfin"
	"linkfin/ledger"
	"linkfin/memtx"
)

const kindNote = "memtx_note"

type note struct {
	ID   string    `json:"id"`
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

func init() { linkfin.RegisterKind(kindNote, func() any { return new(note) }) }

// clock is the test's clock, which the DB reads for each command.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

var start = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// newDB returns a DB with two ledger accounts: 1, a source that may go negative, and
// 2, which may not.
func newDB(t *testing.T) (*memtx.DB, *clock) {
	c := &clock{start}
	db := memtx.New(c.now)
	run(t, db, open{})
	return db, c
}

// open creates ledger accounts 1 and 2.
type open struct{}

func (open) Keys() []linkfin.ObjectKey                     { return nil }
func (open) LedgerKeys(linkfin.Records) ([]int64, []int64) { return []int64{1, 2}, nil }
func (open) Apply(tx linkfin.Tx) (any, error) {
	return nil, tx.CreateAccounts(ledger.Account{ID: 1, Ledger: 1, Currency: "CNY", Code: 1},
		ledger.Account{ID: 2, Ledger: 1, Currency: "CNY", Code: 1, Flags: ledger.DebitsMustNotExceedCredits})
}

// write writes a note under ID (a new id if empty) and moves Amount from account From
// (1 if 0) to the other; it reads the notes in Read, which it does not list.
type write struct {
	ID       string
	From     int64
	Amount   int64
	Read     []string
	Unlisted bool // leaves ID out of its Keys
	Fail     bool // fails once it has done all that
}

func (c *write) Keys() []linkfin.ObjectKey {
	if c.ID == "" || c.Unlisted {
		return nil
	}
	return []linkfin.ObjectKey{{Kind: kindNote, ID: c.ID}}
}

func (c *write) LedgerKeys(linkfin.Records) ([]int64, []int64) { return []int64{1, 2}, nil }

func (c *write) Apply(tx linkfin.Tx) (any, error) {
	for _, id := range c.Read {
		if _, err := tx.Get(kindNote, id, new(note)); err != nil {
			return nil, err
		}
	}
	id := c.ID
	if id == "" {
		id = tx.NewID("note")
	}
	n := note{ID: id, Text: "hello", At: tx.Now()}
	if err := tx.Put(kindNote, id, &n, kindNote+".written"); err != nil {
		return nil, err
	}
	if c.Amount > 0 {
		from, to := int64(1), int64(2)
		if c.From == 2 {
			from, to = 2, 1
		}
		if err := tx.Transfer(ledger.Transfer{ID: tx.ReserveLedgerIDs(1), DebitAccountID: from, CreditAccountID: to,
			Amount: c.Amount, Ledger: 1, Currency: "CNY", Code: 1}); err != nil {
			return nil, err
		}
	}
	if c.Fail {
		return nil, linkfin.Errorf(linkfin.EINVALID, "refused")
	}
	return &n, nil
}

func run(t *testing.T, db *memtx.DB, c linkfin.Command) *note {
	t.Helper()
	var n note
	if err := db.Run(context.Background(), c, &n); err != nil {
		t.Fatal(err)
	}
	return &n
}

func types(db *memtx.DB) string {
	var ts []string
	for _, e := range db.Events() {
		ts = append(ts, e.Type)
	}
	return strings.Join(ts, " ")
}

// A command runs at the caller's time, is given ids that grow with it, and what it
// wrote, logged and moved is kept.
func TestRunKeepsWhatACommandDid(t *testing.T) {
	db, clk := newDB(t)
	a := run(t, db, &write{Amount: 5})
	clk.t = clk.t.Add(time.Second)
	b := run(t, db, &write{Amount: 7})
	if !regexp.MustCompile(`^note_[0-9a-hjkmnp-tv-z]{13}$`).MatchString(a.ID) || a.ID >= b.ID {
		t.Fatalf("ids %q then %q", a.ID, b.ID)
	}
	// The accounts were made at start, two timestamps: a batch's time comes after
	// every timestamp given before it, as in the engine.
	if !a.At.Equal(start.Add(2*time.Nanosecond)) || !b.At.Equal(clk.t) {
		t.Fatalf("times %v and %v", a.At, b.At)
	}
	var got note
	if ok, err := db.Get(kindNote, b.ID, &got); !ok || err != nil || got != *b {
		t.Fatalf("stored %+v (%v, %v), want %+v", got, ok, err, b)
	}
	if acc, _ := db.Account(2); acc.CreditsPosted != 12 {
		t.Fatalf("account 2 has %d", acc.CreditsPosted)
	}
	want := "account.created account.created memtx_note.written transfer.created memtx_note.written transfer.created"
	if got := types(db); got != want {
		t.Fatalf("events %s, want %s", got, want)
	}
	if evs := db.Events(); evs[5].Seq != 5 || !json.Valid(evs[5].Data) || evs[4].Time >= evs[5].Time {
		t.Fatalf("events %+v", evs[4:])
	}
	run(t, db, &write{ID: a.ID})
	if o, err := db.Object(context.Background(), kindNote, a.ID); err != nil || o.Version != 2 {
		t.Fatalf("a record written again: %+v, %v", o, err)
	}
	if _, err := db.Object(context.Background(), kindNote, "none"); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		t.Fatalf("an absent record: %v", err)
	}
	if l, err := db.ListObjects(context.Background(), kindNote, a.ID, 10); err != nil || len(l) != 1 || l[0].ID != b.ID {
		t.Fatalf("the notes after %s: %+v, %v", a.ID, l, err)
	}
}

// A command that fails leaves nothing: no record, no event, no money moved, and the
// ids and times it was given go to the next command.
func TestFailedCommandChangesNothing(t *testing.T) {
	for _, c := range []struct {
		name string
		cmd  *write
		code string
	}{
		{"refused by the command", &write{Amount: 5, Fail: true}, linkfin.EINVALID},
		{"refused by the ledger", &write{From: 2, Amount: 1}, string(ledger.ExceedsCredits)},
		{"reads a record it did not list", &write{Amount: 5, Read: []string{"other"}}, linkfin.EINTERNAL},
		{"writes a record it did not list", &write{ID: "other", Unlisted: true}, linkfin.EINTERNAL},
	} {
		t.Run(c.name, func(t *testing.T) {
			db, _ := newDB(t)
			a1, _ := db.Account(1)
			a2, _ := db.Account(2)
			events := types(db)
			err := db.Run(context.Background(), c.cmd, new(json.RawMessage))
			if err == nil || c.code != "" && linkfin.ErrorCode(err) != c.code {
				t.Fatalf("error %v, want code %s", err, c.code)
			}
			if b1, _ := db.Account(1); b1 != a1 {
				t.Fatalf("account 1 %+v, was %+v", b1, a1)
			}
			if b2, _ := db.Account(2); b2 != a2 {
				t.Fatalf("account 2 %+v, was %+v", b2, a2)
			}
			if got := types(db); got != events {
				t.Fatalf("events %s, were %s", got, events)
			}
			// The next command gets the id the failed one was given, as on a DB the
			// failed command never ran on.
			next := run(t, db, &write{})
			fresh, _ := newDB(t)
			if want := run(t, fresh, &write{}); next.ID != want.ID {
				t.Fatalf("next id %s, want %s", next.ID, want.ID)
			}
		})
	}
}

// follow reads the note that the note From names in its text: a key known only from
// a record, which it names in DependentKeys (unless Blind).
type follow struct {
	From  string
	Blind bool
}

func (c *follow) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: kindNote, ID: c.From}}
}

func (c *follow) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var n note
	if ok, _ := r.Get(kindNote, c.From, &n); !ok || c.Blind {
		return nil
	}
	return []linkfin.ObjectKey{{Kind: kindNote, ID: n.Text}}
}

func (c *follow) Apply(tx linkfin.Tx) (any, error) {
	var from, to note
	if _, err := tx.Get(kindNote, c.From, &from); err != nil {
		return nil, err
	}
	if ok, err := tx.Get(kindNote, from.Text, &to); err != nil {
		return nil, err
	} else if !ok {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "note %s not found", from.Text)
	}
	return &to, nil
}

// name writes a note whose text names another.
type name struct{ ID, Names string }

func (c *name) Keys() []linkfin.ObjectKey { return []linkfin.ObjectKey{{Kind: kindNote, ID: c.ID}} }
func (c *name) Apply(tx linkfin.Tx) (any, error) {
	n := note{ID: c.ID, Text: c.Names}
	return &n, tx.Put(kindNote, c.ID, &n, kindNote+".written")
}

// A record named by a record the command listed is read once DependentKeys names it,
// and refused when it does not.
func TestDependentKeys(t *testing.T) {
	db, _ := newDB(t)
	run(t, db, &name{ID: "a", Names: "b"})
	run(t, db, &name{ID: "b", Names: "the end"})
	if got := run(t, db, &follow{From: "a"}); got.Text != "the end" {
		t.Fatalf("followed to %+v", got)
	}
	if err := db.Run(context.Background(), &follow{From: "a", Blind: true}, nil); linkfin.ErrorCode(err) != linkfin.EINTERNAL ||
		!strings.Contains(err.Error(), "memtx_note b was read but not listed") {
		t.Fatalf("reading a record not named: %v", err)
	}
}

// chain reads the note From names, and the note that one names, and counts the times
// DependentKeys is asked.
type chain struct {
	From  string
	asked int
}

func (c *chain) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: kindNote, ID: c.From}}
}

func (c *chain) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	c.asked++
	var keys []linkfin.ObjectKey
	id := c.From
	for range 2 {
		var n note
		if ok, _ := r.Get(kindNote, id, &n); !ok {
			break
		}
		id = n.Text
		keys = append(keys, linkfin.ObjectKey{Kind: kindNote, ID: id})
	}
	return keys
}

func (c *chain) Apply(tx linkfin.Tx) (any, error) {
	id := c.From
	var n note
	for range 3 {
		if ok, err := tx.Get(kindNote, id, &n); err != nil || !ok {
			return nil, linkfin.Errorf(linkfin.ENOTFOUND, "note %s not found (%v)", id, err)
		}
		id = n.Text
	}
	return &n, nil
}

// DependentKeys is asked again only when it read a record that was not loaded yet: a
// command that names a record from one it listed is asked once, and one that reads
// the record it named before, until it reads nothing new.
func TestDependentKeysAskedAgainOnlyAfterAMiss(t *testing.T) {
	db, _ := newDB(t)
	run(t, db, &name{ID: "a", Names: "b"})
	run(t, db, &name{ID: "b", Names: "c"})
	run(t, db, &name{ID: "c", Names: "the end"})
	f := &countedFollow{follow: follow{From: "a"}}
	if got := run(t, db, f); got.Text != "c" || f.asked != 1 {
		t.Fatalf("followed to %+v, DependentKeys asked %d times, want once", got, f.asked)
	}
	// Round one reads a and misses b; round two reads a and b and names c, which it
	// did not read.
	c := &chain{From: "a"}
	if got := run(t, db, c); got.Text != "the end" || c.asked != 2 {
		t.Fatalf("chained to %+v, DependentKeys asked %d times, want twice", got, c.asked)
	}
}

// countedFollow is a follow that counts the times DependentKeys is asked.
type countedFollow struct {
	follow
	asked int
}

func (c *countedFollow) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	c.asked++
	return c.follow.DependentKeys(r)
}

// refuse fails its Validate, and counts the times it was applied.
type refuse struct{ applied *int }

func (refuse) Keys() []linkfin.ObjectKey { return nil }
func (refuse) Validate() error           { return linkfin.Errorf(linkfin.EINVALID, "bad input") }
func (c refuse) Apply(linkfin.Tx) (any, error) {
	*c.applied++
	return nil, nil
}

// A command whose input fails Validate never runs.
func TestValidateBeforeRun(t *testing.T) {
	db, _ := newDB(t)
	var n int
	if err := db.Run(context.Background(), refuse{&n}, nil); linkfin.ErrorCode(err) != linkfin.EINVALID || n != 0 {
		t.Fatalf("error %v, applied %d times", err, n)
	}
}

// hold holds Amount from account 1 for Seconds.
type hold struct {
	ID      int64
	Amount  int64
	Seconds uint32
}

func (hold) Keys() []linkfin.ObjectKey                     { return nil }
func (hold) LedgerKeys(linkfin.Records) ([]int64, []int64) { return []int64{1, 2}, nil }
func (c hold) Apply(tx linkfin.Tx) (any, error) {
	return nil, tx.Transfer(ledger.Transfer{ID: c.ID, DebitAccountID: 1, CreditAccountID: 2, Amount: c.Amount,
		Ledger: 1, Currency: "CNY", Code: 1, Flags: ledger.Pending, Timeout: c.Seconds})
}

// A pending transfer expires at the first batch after its timeout, as in the engine.
func TestPendingExpires(t *testing.T) {
	db, clk := newDB(t)
	run(t, db, hold{ID: 7, Amount: 30, Seconds: 10})
	if a, _ := db.Account(1); a.DebitsPending != 30 {
		t.Fatalf("held %d", a.DebitsPending)
	}
	clk.t = clk.t.Add(9 * time.Second)
	run(t, db, &write{})
	if a, _ := db.Account(1); a.DebitsPending != 30 {
		t.Fatalf("held %d before the timeout", a.DebitsPending)
	}
	clk.t = clk.t.Add(2 * time.Second)
	run(t, db, &write{})
	if a, _ := db.Account(1); a.DebitsPending != 0 {
		t.Fatalf("held %d after the timeout", a.DebitsPending)
	}
	if got := types(db); !strings.HasSuffix(got, "transfer.created memtx_note.written transfer.expired memtx_note.written") {
		t.Fatalf("events %s", got)
	}
}

// changed sums what Changes returns: how often each record and account changed.
func changed(db *memtx.DB) (records map[string]int, accounts map[int64]int) {
	rs, as := db.Changes()
	records, accounts = map[string]int{}, map[int64]int{}
	for _, k := range rs {
		records[k.Kind+"/"+k.ID]++
	}
	for _, id := range as {
		accounts[id]++
	}
	return records, accounts
}

// Changes tells, once TrackChanges is on, the records written and the ledger accounts
// created or changed since it was last asked: not a failed command's, but a pending
// transfer's expiry, which moves an account before a command runs.
func TestChanges(t *testing.T) {
	db, clk := newDB(t)
	run(t, db, &write{ID: "before"})
	db.TrackChanges()
	if rs, as := changed(db); len(rs) != 0 || len(as) != 0 {
		t.Fatalf("changes before any command: %v %v", rs, as)
	}
	run(t, db, &write{ID: "a", Amount: 5})
	run(t, db, &write{ID: "a"})
	run(t, db, &write{ID: "b"})
	run(t, db, open2{})
	if err := db.Run(context.Background(), &write{ID: "c", From: 2, Amount: 1, Fail: true}, nil); linkfin.ErrorCode(err) != linkfin.EINVALID {
		t.Fatalf("the failing command: %v", err)
	}
	rs, as := changed(db)
	if want := map[string]int{kindNote + "/a": 2, kindNote + "/b": 1}; !maps.Equal(rs, want) {
		t.Fatalf("records changed %v, want %v", rs, want)
	}
	if want := map[int64]int{1: 1, 2: 1, 3: 1}; !maps.Equal(as, want) {
		t.Fatalf("accounts changed %v, want %v", as, want)
	}
	if rs, as := changed(db); len(rs) != 0 || len(as) != 0 {
		t.Fatalf("changes told twice: %v %v", rs, as)
	}

	run(t, db, hold{ID: 7, Amount: 30, Seconds: 10})
	changed(db)
	clk.t = clk.t.Add(11 * time.Second)
	// It fails, but the hold expired as its batch began.
	if err := db.Run(context.Background(), &write{ID: "d", Fail: true}, nil); linkfin.ErrorCode(err) != linkfin.EINVALID {
		t.Fatalf("the failing command: %v", err)
	}
	rs, as = changed(db)
	if a, _ := db.Account(1); a.DebitsPending != 0 || len(rs) != 0 || !maps.Equal(as, map[int64]int{1: 1, 2: 1}) {
		t.Fatalf("after the expiry: held %d, records %v, accounts %v", a.DebitsPending, rs, as)
	}
}

// open2 creates ledger account 3.
type open2 struct{}

func (open2) Keys() []linkfin.ObjectKey                     { return nil }
func (open2) LedgerKeys(linkfin.Records) ([]int64, []int64) { return []int64{3}, nil }
func (open2) Apply(tx linkfin.Tx) (any, error) {
	return nil, tx.CreateAccounts(ledger.Account{ID: 3, Ledger: 1, Currency: "CNY", Code: 1})
}

// unlisted moves Amount from ledger account 1 to 2, which it does not list in
// LedgerKeys, and reads the balance of 2 after.
type unlisted struct{ Amount int64 }

func (unlisted) Keys() []linkfin.ObjectKey { return nil }
func (c unlisted) Apply(tx linkfin.Tx) (any, error) {
	if err := tx.Transfer(ledger.Transfer{ID: tx.ReserveLedgerIDs(1), DebitAccountID: 1, CreditAccountID: 2,
		Amount: c.Amount, Ledger: 1, Currency: "CNY", Code: 1}); err != nil {
		return nil, err
	}
	a, ok := tx.Account(2)
	if !ok {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "account 2 not found")
	}
	return &note{Text: fmt.Sprint(a.CreditsPosted)}, nil
}

// A DB that skips its key checks runs what a checked one refuses for want of naming
// it (a record read or written, a ledger account moved), as the command means it,
// and asks DependentKeys once; a command that names what it reads does the same
// either way.
func TestSkipKeyChecks(t *testing.T) {
	checked, _ := newDB(t)
	unchecked, _ := newDB(t)
	unchecked.SkipKeyChecks()
	for _, db := range []*memtx.DB{checked, unchecked} {
		run(t, db, &name{ID: "a", Names: "b"})
		run(t, db, &name{ID: "b", Names: "the end"})
	}

	if err := checked.Run(context.Background(), &follow{From: "a", Blind: true}, nil); linkfin.ErrorCode(err) != linkfin.EINTERNAL ||
		!strings.Contains(err.Error(), "memtx_note b was read but not listed") {
		t.Fatalf("checked, reading a record not named: %v", err)
	}
	if got := run(t, unchecked, &follow{From: "a", Blind: true}); got.Text != "the end" {
		t.Fatalf("unchecked, followed to %+v", got)
	}

	if err := checked.Run(context.Background(), &write{ID: "c", Unlisted: true}, nil); linkfin.ErrorCode(err) != linkfin.EINTERNAL ||
		!strings.Contains(err.Error(), "memtx_note c was written but not listed") {
		t.Fatalf("checked, writing a record not named: %v", err)
	}
	run(t, unchecked, &write{ID: "c", Unlisted: true})
	var c note
	if ok, err := unchecked.Get(kindNote, "c", &c); err != nil || !ok || c.Text != "hello" {
		t.Fatalf("unchecked, the record written: %+v, %v, %v", c, ok, err)
	}

	if err := checked.Run(context.Background(), unlisted{Amount: 5}, nil); linkfin.ErrorCode(err) != linkfin.ECONFLICT {
		t.Fatalf("checked, moving money on accounts not named: %v", err)
	}
	if got := run(t, unchecked, unlisted{Amount: 5}); got.Text != "5" {
		t.Fatalf("unchecked, account 2 after the transfer: %+v", got)
	}

	for i, db := range []*memtx.DB{checked, unchecked} {
		run(t, db, &name{ID: "x", Names: "y"})
		run(t, db, &name{ID: "y", Names: "z"})
		run(t, db, &name{ID: "z", Names: "the end"})
		c := &chain{From: "x"}
		if got, asked := run(t, db, c), []int{2, 1}[i]; got.Text != "the end" || c.asked != asked {
			t.Fatalf("chained to %+v, DependentKeys asked %d times; want %d", got, c.asked, asked)
		}
	}
}
