package linkfin

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Tx is what a command sees of the state it runs against: the records it listed, the
// ledger accounts and transfers it listed, the time, and fresh ids. The engine's batch
// implements it for production (engine.Tx); memtx implements it in memory, with no
// store, for tests and simulation. Everything a command does goes through it, and a
// command that fails leaves nothing of what it did.
type Tx interface {
	// Now is the time the command runs at, the same for every command of a batch.
	Now() time.Time

	// Get decodes the record (kind, id) into v and reports whether it exists; with v
	// nil it only reports that. The record must be listed in the command's Keys or
	// DependentKeys, or be named by an id NewID gave the command.
	Get(kind, id string, v any) (bool, error)
	// Put writes v as the new version of (kind, id) and logs it as an event of type
	// event ("<kind>.<what happened>"), whose data is v's JSON, which must hold the
	// record's "id". The kind must be registered (RegisterKind), and the record may
	// be written only if it may be read. Put takes v over, with what it shares (its
	// slices, maps and pointers): the new version keeps it, uncopied, so the command
	// changes none of it after, unless it writes it again with Put, and nor does
	// whoever made the command (its fields may be in v). The engine and memtx check
	// this in a test binary: a record changed after its Put fails the test.
	Put(kind, id string, v any, event string) error

	// NewID returns a record id that no other record is ever given: prefix, "_", and
	// thirteen lower-case Crockford base32 digits that grow with time. The record it
	// names is absent, and the command may read and write it without listing it.
	NewID(prefix string) string
	// Made reports whether NewID gave the command the id.
	Made(id string) bool
	// ReserveLedgerIDs returns the first of n consecutive ledger ids that no other
	// command is given, all at or above ReservedLedgerIDs.
	ReserveLedgerIDs(n int) int64

	// CreateAccounts creates ledger accounts; any result other than ok or exists
	// fails the command. The accounts must be listed in LedgerKeys.
	CreateAccounts(accounts ...LedgerAccount) error
	// CreateNewAccounts creates ledger accounts whose ids derive from an id NewID
	// gave the command (LedgerID of a name that holds it): no store can hold them
	// yet, so they need not be listed.
	CreateNewAccounts(accounts ...LedgerAccount) error
	// Transfer runs ledger transfers as one linked chain, all or nothing. Any result
	// other than ok fails the command; the error's code is the ledger's
	// (exceeds_credits, …). The accounts must be listed in LedgerKeys.
	Transfer(transfers ...LedgerTransfer) error
	// Account reads a listed ledger account as the command sees it, or reports it
	// absent.
	Account(id int64) (LedgerAccount, bool)
	// ExistingTransfer returns a transfer that exists, or nil. A command listing the
	// id in LedgerKeys may use it to answer retries.
	ExistingTransfer(id int64) *LedgerTransfer
}

// Command is a domain operation (create an organization, accept a purchase order, …).
// It names what it reads before it runs, so that whoever runs it can load everything
// first: the engine loads the records of a whole batch in bulk, then runs its commands
// one by one in memory.
//
// Keys are loaded first. A DependentCommand then names the keys it finds in those
// records, and a LedgerCommand the ledger rows it touches.
type Command interface {
	// Keys lists the records Apply reads. A record not listed reads as absent.
	Keys() []ObjectKey
	// Apply runs the command. It must be deterministic: time and the ids of new
	// records come from tx (Now, NewID), everything else from the request. An error
	// fails the command alone and undoes its writes; an *Error is answered with its
	// code, any other error as internal.
	Apply(tx Tx) (any, error)
}

// LedgerCommand is a Command that also moves money: LedgerKeys lists the ledger
// accounts and transfers (including pending transfers to post or void) that Apply
// reads. It may read the records the command listed in Keys, as they were before the
// command's batch. Apply may touch only the ledger rows listed here.
type LedgerCommand interface {
	Command
	LedgerKeys(r Records) (accounts, transfers []int64)
}

// DependentCommand is a Command some of whose keys are known only from records it
// listed in Keys (a settlement reads the pieces its maturity index names). Keys are
// loaded first, then DependentKeys, then the ledger rows. DependentKeys is asked again
// after each load until it names nothing new (up to eight loads), so it may also name
// keys found in the records it named before (the financings of those pieces). It names
// its keys from the command and what it reads through r alone, so a store may skip
// asking again when every record it asked for was already loaded (memtx does).
type DependentCommand interface {
	Command
	DependentKeys(r Records) []ObjectKey
}

// Records reads the records loaded for a command, before it runs. What Get reads
// shares its slices, maps and pointers with the version the writer holds (the engine
// and memtx do not copy it): a command changes nothing of it, neither in DependentKeys
// or LedgerKeys nor later, in Apply, through what it kept of it. One that must change
// what it reads there copies it first, and what it keeps for Apply it copies (as
// ImportBankStatement copies the open items it names). Apply reads its own copies
// through Tx.Get. Both check this in a test binary: a command that changes a record it
// read here fails the tests that run it.
type Records interface {
	Get(kind, id string, v any) (bool, error)
}

// Sharer is a Tx that can read a record without copying it, for View.
type Sharer interface {
	View(kind, id string, v any) (bool, error)
}

// View reads the record (kind, id) into v as tx.Get does, for a command that changes
// nothing of what it reads: where tx is a Sharer (the engine's and memtx's are), what
// v gets shares its slices, maps and pointers with the version the writer holds, as
// Records does, instead of a deep copy of them. The command changes none of it, nor
// appends to its slices (an append may write into what the version holds beyond
// their length), neither at once nor later through what it kept; it copies what it
// must change. Both check this in a test binary, as for Records.
func View(tx Tx, kind, id string, v any) (bool, error) {
	if vw, ok := tx.(Sharer); ok {
		return vw.View(kind, id, v)
	}
	return tx.Get(kind, id, v)
}

// Validator is a Command that checks its input before it runs: its ids, texts,
// amounts, currencies and lines, as the request gives them, whatever the records hold.
// A request whose command fails Validate is refused before it executes: nothing is
// kept under its idempotency key, so the corrected request may be sent again under the
// same key. A refusal once the command runs is its answer, kept and replayed.
type Validator interface {
	Validate() error
}

// ReservedLedgerIDs is the first id of the range Tx.ReserveLedgerIDs hands out from:
// timestamps in nanoseconds stay below 2^62 until the year 2116, so a client whose
// transfer ids are timestamps or counters never meets them.
const ReservedLedgerIDs = 1 << 62

// CheckRecord is what EncodeRecord checks before it encodes: the key is one every
// store can hold (ObjectKey.Storable), the kind is registered, and the event is one of
// that kind.
func CheckRecord(kind, id, event string) error {
	if k := (ObjectKey{Kind: kind, ID: id}); !k.Storable() {
		return Errorf(EINVALID, "a record's kind and id are UTF-8 text without NUL: %q %q is not", kind, id)
	}
	if len(event) <= len(kind) || event[len(kind)] != '.' || !strings.HasPrefix(event, kind) { // kind+".", not made
		return fmt.Errorf("put: event %q of a %s record must start with %q", event, kind, kind+".")
	}
	if !KnownKind(kind) {
		return fmt.Errorf("put: %q is not a registered record kind (see linkfin.RegisterKind)", kind)
	}
	return nil
}

// EncodeRecord checks a record that Tx.Put writes, and returns its JSON: the kind is
// registered (RegisterKind), the event is one of that kind ("<kind>.<what happened>")
// and the JSON holds the record's id as its "id". The auditor reads every record of
// the log by its kind and id, so nothing is written that it could not read.
func EncodeRecord(kind, id string, v any, event string) ([]byte, error) {
	if err := CheckRecord(kind, id, event); err != nil {
		return nil, err
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if got, err := RecordID(data); err != nil || got != id {
		return nil, fmt.Errorf("put: a %s record must hold its id %q as its \"id\" (it holds %q: %v)", kind, id, got, err)
	}
	return data, nil
}
