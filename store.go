package linkfin

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
)

// Event is one committed change and one leaf of the transparency log.
type Event struct {
	Seq  int64  `json:"seq"`  // 0-based position in the log
	Time int64  `json:"time"` // Unix ns, assigned by the engine
	Type string `json:"type"`
	Data []byte `json:"data"` // canonical JSON of the change
	// TransferID, for a transfer.created event, names the transfer whose row holds
	// the event's data: stores keep the reference alone, and rebuild Data from the
	// row with ledger.AppendTransferJSON when the event is read. Editing the row
	// thus changes the event, and the log shows it.
	TransferID int64 `json:"-"`
	// Row, for a transfer.created event read from a store, is the transfers row it was
	// rebuilt from, with what the event does not hold: the links to the previous
	// transfer on each account, which the auditor checks against the log.
	Row *LedgerTransfer `json:"-"`
}

// Record is the exact byte string hashed into the log for this event.
func (e *Event) Record() []byte {
	b := make([]byte, 0, len(e.Data)+48+len(e.Type))
	b = strconv.AppendInt(b, e.Seq, 10)
	b = append(b, '\n')
	b = strconv.AppendInt(b, e.Time, 10)
	b = append(b, '\n')
	b = append(b, e.Type...)
	b = append(b, '\n')
	return append(b, e.Data...)
}

// Tile is a stored tile of the log's Merkle tree (see golang.org/x/mod/sumdb/tlog):
// level L, index N, width W hashes of 32 bytes.
type Tile struct {
	L    int
	N    int64
	W    int
	Data []byte
}

// Checkpoint is a signed statement of the log's size and root hash.
type Checkpoint struct {
	Size int64  `json:"size"`
	Hash []byte `json:"hash"`
	Note []byte `json:"note"` // signed note text
	Time int64  `json:"time"`
}

// IdempotencyRecord remembers a request's hash and its answer, so a retry gets the
// original answer and a different request under the same key is refused.
type IdempotencyRecord struct {
	Key         string
	RequestHash []byte
	Response    []byte
	Time        int64
}

// EventAnswersSaved is the type of the event that ends a batch which saved idempotent
// answers: it names each key and the digest of its stored record (AnswersData), so
// the log vouches for every answer a retry will be given, and the auditor checks the
// stored answers against it.
const EventAnswersSaved = "idempotency.saved"

// MetaAnswersInLog is set ("1") in a database whose every saved answer is in the log:
// from its first start on a version that logs answers, which also logs the answers the
// database saved before (see engine.Open).
const MetaAnswersInLog = "answers_in_log"

// Digest is the SHA-256 of the record's fields, each with its length.
func (r *IdempotencyRecord) Digest() []byte {
	h := sha256.New()
	for _, f := range [][]byte{[]byte(r.Key), r.RequestHash, r.Response} {
		h.Write(binary.AppendUvarint(nil, uint64(len(f))))
		h.Write(f)
	}
	h.Write(binary.BigEndian.AppendUint64(nil, uint64(r.Time)))
	return h.Sum(nil)
}

// SavedAnswer is one entry of an EventAnswersSaved event.
type SavedAnswer struct {
	Key    string `json:"key"`
	Digest []byte `json:"digest"`
}

// AnswersData is the data of the EventAnswersSaved event for the records.
func AnswersData(recs []IdempotencyRecord) []byte {
	out := struct {
		Answers []SavedAnswer `json:"answers"`
	}{make([]SavedAnswer, len(recs))}
	for i := range recs {
		out.Answers[i] = SavedAnswer{Key: recs[i].Key, Digest: recs[i].Digest()}
	}
	b, _ := json.Marshal(&out)
	return b
}

// ParseAnswers reads the data of an EventAnswersSaved event.
func ParseAnswers(data []byte) ([]SavedAnswer, error) {
	var in struct {
		Answers []SavedAnswer `json:"answers"`
	}
	err := json.Unmarshal(data, &in)
	return in.Answers, err
}

// Batch is everything one engine batch writes: one transaction, one fsync.
//
// Account balances are written lazily. The log is the truth; the stored account rows
// are a checkpoint of the balances, exact at log position AccountsAt (meta
// "accounts_at"). New accounts are inserted as created (zero balances); the rows of
// changed accounts are written only when a batch flushes them (Flush), every few
// batches. After a crash, the engine replays the log from AccountsAt to bring the rows
// up to date before it takes requests.
type Batch struct {
	NewAccounts []*LedgerAccount // as created: zero balances
	Accounts    []*LedgerAccount // with Flush: every account changed since the last flush
	Flush       bool
	AccountsAt  int64 // with Flush: the log size at which Accounts are exact
	Transfers   []*LedgerTransfer
	NewPending  []*PendingState
	Pending     []*PendingState // existing pending states whose status changed
	Events      []Event         // each that wrote a record version is indexed under it too (RecordOf)
	Tiles       []Tile
	Checkpoint  *Checkpoint
	Idempotency []IdempotencyRecord
	Objects     []*Object // domain records created or changed, at their new versions
	Clock       int64     // the last timestamp handed out
	// Meta sets small settings with the batch (see MetaAnswersInLog).
	Meta map[string]string
}

// Empty reports whether the batch writes nothing at all.
func (b *Batch) Empty() bool {
	return len(b.NewAccounts)+len(b.Accounts)+len(b.Transfers)+len(b.NewPending)+len(b.Pending)+
		len(b.Events)+len(b.Idempotency)+len(b.Objects)+len(b.Meta) == 0 && !b.Flush
}

// Head is where the log and the engine's clock stood at the last commit.
type Head struct {
	Size  int64 // events in the log
	Clock int64
	// AccountsAt is the log size at which the stored account rows are exact.
	AccountsAt int64
	// MaxTransferID is the largest transfer id stored (0 for none).
	MaxTransferID int64
	Last          *Checkpoint // nil for an empty log
}

// Store is the persistence contract that every database adapter implements. The
// engine is its only writer; readers may use it concurrently.
type Store interface {
	// Migrate brings the schema up to date.
	Migrate(ctx context.Context) error
	// Dialect names the database ("sqlite", "postgres").
	Dialect() string
	Close() error

	// Engine side: bulk reads for prefetching, and the batch commit.
	Head(ctx context.Context) (Head, error)
	AccountsByID(ctx context.Context, ids []int64) ([]LedgerAccount, error)
	TransfersByID(ctx context.Context, ids []int64) ([]LedgerTransfer, error)
	PendingByID(ctx context.Context, ids []int64) ([]PendingState, error)
	// OpenPending lists every unresolved pending transfer that has a timeout.
	OpenPending(ctx context.Context) ([]PendingState, error)
	IdempotencyByKey(ctx context.Context, keys []string) ([]IdempotencyRecord, error)
	// ScanIdempotency calls fn for every saved answer, in key order.
	ScanIdempotency(ctx context.Context, fn func(*IdempotencyRecord) error) error
	ObjectsByKey(ctx context.Context, keys []ObjectKey) ([]Object, error)
	ReadTiles(ctx context.Context, tiles []Tile) ([][]byte, error)
	Commit(ctx context.Context, b *Batch) error
	// LockWriter makes the caller the database's only writer until release is called,
	// or fails at once with a *linkfin.Error of code ELOCKED when another process (or
	// another engine in this one) holds it.
	LockWriter(ctx context.Context) (release func(), err error)

	// Read side.
	Account(ctx context.Context, id int64) (*LedgerAccount, error)
	ListAccounts(ctx context.Context, after int64, limit int) ([]LedgerAccount, error)
	Transfer(ctx context.Context, id int64) (*LedgerTransfer, error)
	PendingStatus(ctx context.Context, id int64) (*PendingState, error)
	// AccountTransfers lists up to limit of an account's transfers, newest first,
	// starting with the transfer start and following the per-account chain of
	// Transfer.PrevDebit/PrevCredit. (The account's newest transfer is its
	// LastTransfer, which the engine knows first: see engine.AccountTransfers.)
	AccountTransfers(ctx context.Context, accountID, before int64, limit int) ([]LedgerTransfer, error)
	// Events returns up to limit events from seq on, in order.
	Events(ctx context.Context, from int64, limit int) ([]Event, error)
	// Checkpoints returns up to limit checkpoints with size > after, in order.
	Checkpoints(ctx context.Context, after int64, limit int) ([]Checkpoint, error)
	// ScanAccounts calls fn for every account in id order.
	ScanAccounts(ctx context.Context, fn func(*LedgerAccount) error) error
	// Object reads one domain record.
	Object(ctx context.Context, kind, id string) (*Object, error)
	// ListObjects lists the records of a kind in id order (ids compared as bytes, as
	// Go compares strings), after the id after.
	ListObjects(ctx context.Context, kind, after string, limit int) ([]Object, error)
	// ListObjectsByParty lists the records of a kind that the organization party is or
	// was party to, in id order, after the id after.
	ListObjectsByParty(ctx context.Context, kind, party, after string, limit int) ([]Object, error)
	// WasParty reports whether the organization party is or was party to the record:
	// whether ListObjectsByParty lists it.
	WasParty(ctx context.Context, kind, id, party string) (bool, error)
	IndexReader
	// RecordEvents lists up to limit of the events that wrote a version of the record,
	// in log order, with seq > after (-1 for the first), through the index of events
	// by record.
	RecordEvents(ctx context.Context, kind, id string, after int64, limit int) ([]Event, error)
	// IndexedEvents reads the index of events by record for the events from seq from
	// to seq to (excluded): the record each row names, by the seq of its event.
	IndexedEvents(ctx context.Context, from, to int64) (map[int64]ObjectKey, error)
	// Meta reads and writes small settings (such as the log's public key).
	Meta(ctx context.Context, key string) (string, error) // "" for a key not set; see MetaLogKey
	SetMeta(ctx context.Context, key, value string) error

	// Snapshot opens a consistent read-only view of the database as it is now: a
	// read transaction (SQLite in WAL mode; PostgreSQL REPEATABLE READ). The writer
	// goes on committing; the view does not move. The auditor verifies a live
	// database through one.
	Snapshot(ctx context.Context) (Snapshot, error)
}

// RecordReader reads stored domain records: a Store, or memtx in memory. The
// domain's reports and walks (a certificate's tree and lineage, the exposure report,
// the scheduler's due list) read through it.
type RecordReader interface {
	// Object reads one record; an absent one is not_found.
	Object(ctx context.Context, kind, id string) (*Object, error)
	// ListObjects lists the records of a kind in id order, after the id after.
	ListObjects(ctx context.Context, kind, after string, limit int) ([]Object, error)
}

// IndexReader reads the stores' ordered index of records and its totals (see IndexOf).
type IndexReader interface {
	// ListIndexed lists up to limit entries under the index name of records of a kind
	// whose value starts with prefix, each with its record, in (value, id) order, after
	// the entry (afterValue, afterID) ("", "" for the first).
	ListIndexed(ctx context.Context, kind, name, prefix, afterValue, afterID string, limit int) ([]IndexedObject, error)
	// IndexTotals lists the totals of the index name's values from from (inclusive)
	// to to (exclusive; "" for no end), in value order, leaving out the values no
	// record holds any more.
	IndexTotals(ctx context.Context, kind, name, from, to string) ([]IndexTotal, error)
}

// PartyReader reads stored records and the index of their parties, which only grows:
// a Store, or memtx in memory. What an organization sees is read through it.
type PartyReader interface {
	RecordReader
	// ListObjectsByParty lists the records of a kind that the organization party is or
	// was party to, in id order, after the id after.
	ListObjectsByParty(ctx context.Context, kind, party, after string, limit int) ([]Object, error)
	// WasParty reports whether the organization party is or was party to the record.
	WasParty(ctx context.Context, kind, id, party string) (bool, error)
}

// HistoryReader reads stored records, who is party to them, and the events of each
// record: a Store. A record's history is read through it.
type HistoryReader interface {
	PartyReader
	// RecordEvents lists up to limit of the events that wrote a version of the record,
	// in log order, with seq > after (-1 for the first).
	RecordEvents(ctx context.Context, kind, id string, after int64, limit int) ([]Event, error)
}

// EventReader reads the log: a Store.
type EventReader interface {
	// Events returns up to limit events from seq on, in order.
	Events(ctx context.Context, from int64, limit int) ([]Event, error)
}

// Snapshot is a store's database as it was at one instant, for reading alone. Its
// reads are those of Store; Close ends it.
type Snapshot interface {
	Head(ctx context.Context) (Head, error)
	// Events returns up to limit events from seq on, in order, each transfer event
	// with its Row.
	Events(ctx context.Context, from int64, limit int) ([]Event, error)
	Checkpoints(ctx context.Context, after int64, limit int) ([]Checkpoint, error)
	ReadTiles(ctx context.Context, tiles []Tile) ([][]byte, error)
	ScanAccounts(ctx context.Context, fn func(*LedgerAccount) error) error
	PendingByID(ctx context.Context, ids []int64) ([]PendingState, error)
	IdempotencyByKey(ctx context.Context, keys []string) ([]IdempotencyRecord, error)
	ObjectsByKey(ctx context.Context, keys []ObjectKey) ([]Object, error)
	// PartiesByKey lists, for each of the records, the organizations the party index
	// names it under (a record it names under none is left out).
	PartiesByKey(ctx context.Context, keys []ObjectKey) (map[ObjectKey][]string, error)
	// IndexRowsByKey lists, of the entries named (each by its kind, id, name and value;
	// their amounts are not read), those the ordered index holds, each with the amount
	// it holds. The index is keyed by name and value, not by record: an entry is found
	// by its whole key.
	IndexRowsByKey(ctx context.Context, keys []IndexRow) ([]IndexRow, error)
	// IndexTotals reads the ordered index's totals, as IndexReader does.
	IndexTotals(ctx context.Context, kind, name, from, to string) ([]IndexTotal, error)
	// IndexedEvents reads the index of events by record for the events from seq from
	// to seq to (excluded): the record each row names, by the seq of its event.
	IndexedEvents(ctx context.Context, from, to int64) (map[int64]ObjectKey, error)
	// IndexedEventCounts counts, for each of the records, the rows of the index of
	// events by record that name it (a record it names in none is left out).
	IndexedEventCounts(ctx context.Context, keys []ObjectKey) (map[ObjectKey]int64, error)
	// Tables counts the rows of every table of the database, by table name.
	Tables(ctx context.Context) (map[string]int64, error)
	Meta(ctx context.Context, key string) (string, error)
	Close() error
}

// WalkAccountTransfers follows an account's chain of transfers from the transfer
// start, newest first, reading each with get, for up to limit transfers.
func WalkAccountTransfers(accountID, start int64, limit int, get func(id int64) (*LedgerTransfer, error)) ([]LedgerTransfer, error) {
	var out []LedgerTransfer
	for next := start; next != 0 && len(out) < limit; {
		t, err := get(next)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
		if next, err = PrevOnAccount(t, accountID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PrevOnAccount returns the id of the transfer before t on the account.
func PrevOnAccount(t *LedgerTransfer, accountID int64) (int64, error) {
	switch accountID {
	case t.DebitAccountID:
		return t.PrevDebit, nil
	case t.CreditAccountID:
		return t.PrevCredit, nil
	}
	return 0, Errorf(EINVALID, "transfer %d does not touch account %d", t.ID, accountID)
}

// EventIndexBackfill is the name under which the stores record, among their
// migrations, that the events written before the index of events by record existed
// have been indexed.
const EventIndexBackfill = "0004_record_events_backfill"

// MetaLogKey is the meta entry that holds the public key the database's log is signed
// with, as a note verifier key ("<name>+<hash>+<key>"): linkfin verify checks the
// checkpoints with it, and the API serves it at GET /v1/audit/public-key.
const MetaLogKey = "log_public_key"

// CopiedTables are the tables of linkfin's schema, the same in every store, that
// linkfin copy moves whole from one database to another. The ordered index's totals
// (object_totals) are not among them: each store keeps them in its own form (SQLite in
// two integer parts, PostgreSQL as one exact NUMERIC), and the store written to sums
// them again from the index it was given (a value no entry holds any more, whose total
// the source keeps at nothing, then has no total, as no reader tells apart).
var CopiedTables = []string{
	"meta", "accounts", "transfers", "pending_transfers", "events", "log_tiles", "checkpoints",
	"idempotency_keys", "objects", "object_parties", "record_events", "object_index",
}

// CheckCopied refuses a table name that is not one of CopiedTables: a store puts the
// names into its statements, and takes no other.
func CheckCopied(table string) error {
	if !slices.Contains(CopiedTables, table) {
		return fmt.Errorf("%q is not a table linkfin copies", table)
	}
	return nil
}

// TableStore is a store whose tables can be read and written row by row, as they are
// kept: linkfin copy moves a database from one store to another with it, and checks
// the copy as linkfin verify does.
type TableStore interface {
	// Columns names the columns of one of CopiedTables, in the store's order.
	Columns(ctx context.Context, table string) ([]string, error)
	// ReadTable calls fn with each row of one of CopiedTables, the values of the
	// columns cols in that order: an int64, a string, a []byte or nil. A row passed
	// to fn is fn's to keep.
	ReadTable(ctx context.Context, table string, cols []string, fn func(row []any) error) error
	// WriteTables writes, in one transaction, the rows that fill gives to put, each
	// row's values those of the columns cols of the table, and then sums the ordered
	// index's totals from the index written. It writes nothing if fill or put fails.
	WriteTables(ctx context.Context, fill func(put func(table string, cols []string, row []any) error) error) error
}
