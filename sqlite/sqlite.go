// Package sqlite is linkfin's embedded store: SQLite in WAL mode with synchronous=FULL,
// through the pure-Go modernc.org/sqlite driver, so linkfin needs nothing but Go.
package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	sqlitedriver "modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"linkfin"
	"linkfin/ledger"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is a SQLite store. One connection writes (the engine); a pool reads.
type DB struct {
	path string
	w    *sql.DB
	r    *sql.DB
	ck   *sql.DB // checkpoints the WAL in the background
	// restartFrames is the size of the WAL, in frames, past which the checkpointer
	// resets it (64k, 256 MiB; lower in tests, set while it runs).
	restartFrames atomic.Int64
	// files are the database file and its write-ahead log as this store found them
	// (see intact): SQLite writes through the files it opened, whatever the names
	// now point to.
	files [2]atomic.Pointer[os.FileInfo]
	// full is set when a commit failed for want of space, until the checkpointer
	// has emptied the WAL (see checkpointer).
	full atomic.Bool

	stop, stopped chan struct{}
	closeOnce     sync.Once

	mu    sync.Mutex
	stmts map[stmtKey]*sql.Stmt
	reads sync.Map // query → *sql.Stmt on the read pool

	// snap, in a snapshot (see Snapshot), is the read transaction every read goes
	// through.
	snap *sql.Tx
}

// read returns the read pool's statement for a query, prepared on first use: the
// reads on every API request then skip parsing SQL.
func (db *DB) read(ctx context.Context, q string) (*sql.Stmt, error) {
	if s, ok := db.reads.Load(q); ok {
		return s.(*sql.Stmt), nil
	}
	s, err := db.r.PrepareContext(ctx, q)
	if err != nil {
		return nil, unavailable(err)
	}
	if old, loaded := db.reads.LoadOrStore(q, s); loaded {
		s.Close()
		return old.(*sql.Stmt), nil
	}
	return s, nil
}

// query runs a query on the read pool through its prepared statement (in a snapshot,
// in its transaction). The database's own failures come out of it, and of its rows,
// marked unavailable.
func (db *DB) query(ctx context.Context, q string, args ...any) (checkedRows, error) {
	if db.snap != nil {
		return checked{db.snap}.QueryContext(ctx, q, args...)
	}
	s, err := db.read(ctx, q)
	if err != nil {
		return checkedRows{}, err
	}
	rows, err := s.QueryContext(ctx, args...)
	if err != nil {
		return checkedRows{}, unavailable(err)
	}
	return checkedRows{rows}, nil
}

// queryRow runs a query for one row on the read pool (in a snapshot, in its
// transaction), its failures marked as query's are.
func (db *DB) queryRow(ctx context.Context, q string, args ...any) checkedRow {
	if db.snap != nil {
		return checked{db.snap}.QueryRowContext(ctx, q, args...)
	}
	return checked{db.r}.QueryRowContext(ctx, q, args...)
}

var _ linkfin.Store = (*DB)(nil)

// Open opens the database file at path, making it if it is not there: a new file is
// its owner's alone to read and write (mode 0600 on Unix), as are
// the journal and lock files SQLite makes beside it, which take the database's mode.
//
// Two settings are there for the commit's sake, each measured with linkfin bench api:
//
//   - cache_size is a modest 8 MiB. While a database is under 1 GiB, a commit that
//     split a B-tree page walks the writer's whole page-cache hash table: SQLite swaps
//     pages through the lock-byte page (page 262,145 at 4 KiB pages), which leaves a
//     cached page beyond the end of the database for the commit to drop. A 128 MiB
//     cache made that walk about half a millisecond of every commit. The engine keeps
//     its own record cache, and the operating system caches the file.
//   - temp_store is MEMORY, so the statement journal that each multi-row INSERT of a
//     commit keeps (a copy of every page it changes first) stays in memory. On disk it
//     spilled past 64 KiB, and cost two write calls per page.
func Open(path string) (*DB, error) {
	// Made here, empty, rather than by SQLite, which would give it 0644 less the umask.
	if f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		f.Close()
	}
	pragmas := url.Values{}
	for _, p := range []string{
		"journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(10000)",
		"cache_size(-8192)", "temp_store(MEMORY)", "foreign_keys(OFF)", "wal_autocheckpoint(0)",
	} {
		pragmas.Add("_pragma", p)
	}
	// The path goes into a file: URI, escaped: a '?', '#' or '%' in it would otherwise
	// end the name or be read as an escape, and open another file.
	uri := "file:" + (&url.URL{Path: path}).EscapedPath()
	w, err := sql.Open("sqlite", uri+"?"+pragmas.Encode()+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	pragmas.Add("_pragma", "query_only(ON)")
	r, err := sql.Open("sqlite", uri+"?"+pragmas.Encode())
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8) // keep them: a new connection costs its pragmas and its prepared statements
	if err := w.Ping(); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	ck, err := sql.Open("sqlite", uri+"?_pragma=busy_timeout(10000)&_pragma=synchronous(FULL)")
	if err != nil {
		w.Close()
		r.Close()
		return nil, err
	}
	ck.SetMaxOpenConns(1)
	db := &DB{path: path, w: w, r: r, ck: ck, stop: make(chan struct{}), stopped: make(chan struct{})}
	db.restartFrames.Store(1 << 16)
	if err := db.intact(); err != nil {
		w.Close()
		r.Close()
		ck.Close()
		return nil, err
	}
	go db.checkpointer()
	return db, nil
}

// isFull reports whether err is SQLite's SQLITE_FULL: the disk (or the file system's
// quota) has no room for what a write needs.
func isFull(err error) bool {
	var se *sqlitedriver.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_FULL
}

// intact reports an error if the database file or its write-ahead log is no longer
// the file this store found under its name: removed (rm linkfin.db-wal) or replaced
// while linkfin runs. SQLite goes on writing into the files it has open, and a commit
// into a removed log would be acknowledged and then lost when the process ends, as
// would one into a removed database file: so every commit asks first, and none is
// made after. The log is made by the first connection in WAL mode; until it is
// there, the first file under its name is the one.
func (db *DB) intact() error {
	for i, name := range []string{db.path, db.path + "-wal"} {
		fi, err := os.Stat(name)
		known := db.files[i].Load()
		switch {
		case err != nil && (known != nil || i == 0):
			return fmt.Errorf("%s is gone (%w): it was removed while linkfin ran, and nothing more is written; stop linkfin and start it again", name, err)
		case err != nil:
			continue
		case known == nil:
			db.files[i].CompareAndSwap(nil, &fi)
		case !os.SameFile(*known, fi):
			return fmt.Errorf("%s is another file than the one linkfin opened: it was replaced while linkfin ran, and nothing more is written; stop linkfin and start it again", name)
		}
	}
	return nil
}

// checkpointer copies committed WAL pages back into the database file from its own
// connection, so the writer never pays for it inside a commit (the writer's automatic
// checkpoint is off). A page that many batches rewrite is copied once per checkpoint,
// not once per batch.
func (db *DB) checkpointer() {
	defer close(db.stopped)
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-db.stop:
			db.ck.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
			return
		case <-t.C:
			var busy, frames, done int
			if err := db.ck.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &done); err != nil {
				continue
			}
			// Past 64k frames (256 MiB), restart the WAL so it cannot grow without
			// bound, once no reader is in it.
			if int64(frames) > db.restartFrames.Load() {
				db.restart("RESTART")
			}
			// A commit failed for want of space: the WAL holds pages the database has
			// (under load it is reset only past restartFrames, and may have taken
			// the disk's last space itself). Truncated, it gives them back, and the
			// engine's next commit finds room; until it can be, try at every look.
			if db.full.Load() && db.restart("TRUNCATE") {
				db.full.Store(false)
			}
		}
	}
}

// restart resets the WAL if every frame is in the database and no reader is in the
// log, and otherwise leaves it to the next look. It never waits: a RESTART checkpoint
// holds the writer's lock while it waits for readers, and a reader may stay for
// minutes (linkfin verify, linkfin backup), every commit waiting behind it until its
// busy timeout failed the batch. With no busy timeout, it takes the writer's lock only
// when no commit holds it, copies what the last look left, and gives the lock up at
// once if a reader is still in the log.
//
// mode is RESTART or TRUNCATE, which also cuts the WAL's file to nothing. It reports
// whether the WAL was reset.
func (db *DB) restart(mode string) bool {
	ctx := context.Background()
	c, err := db.ck.Conn(ctx)
	if err != nil {
		return false
	}
	defer c.Close()
	var busy int // the connection's own, for the truncation when the store closes
	if err := c.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&busy); err != nil {
		return false
	}
	if _, err := c.ExecContext(ctx, `PRAGMA busy_timeout = 0`); err != nil {
		return false
	}
	defer c.ExecContext(ctx, `PRAGMA busy_timeout = `+strconv.Itoa(busy))
	var blocked, frames, done int
	err = c.QueryRowContext(ctx, `PRAGMA wal_checkpoint(`+mode+`)`).Scan(&blocked, &frames, &done)
	return err == nil && blocked == 0
}

// Dialect implements linkfin.Store.
func (db *DB) Dialect() string { return "sqlite" }

// Close closes both pools.
func (db *DB) Close() error {
	db.closeOnce.Do(func() { close(db.stop) })
	<-db.stopped
	db.mu.Lock()
	for _, s := range db.stmts {
		s.Close()
	}
	db.mu.Unlock()
	db.reads.Range(func(_, s any) bool { s.(*sql.Stmt).Close(); return true })
	return errors.Join(db.r.Close(), db.w.Close(), db.ck.Close())
}

// LockWriter implements linkfin.Store with an exclusive lock on a file beside the
// database: flock on Unix, LockFileEx on Windows. The operating system drops the lock
// when its holder dies, so a crash never leaves the database locked; and since each
// open of the file locks on its own, a second engine in the same process is refused
// too.
func (db *DB) LockWriter(ctx context.Context) (func(), error) {
	f, err := os.OpenFile(db.path+"-writer.lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock writer: %w", err)
	}
	if busy, err := tryLock(f); busy || err != nil {
		f.Close()
		if busy {
			return nil, linkfin.Errorf(linkfin.ELOCKED, "%s already has a writer (another linkfin process or engine)", db.path)
		}
		return nil, fmt.Errorf("lock writer: %w", err)
	}
	var once sync.Once
	// Closing the file's only descriptor releases the lock.
	return func() { once.Do(func() { f.Close() }) }, nil
}

// Migrate applies the embedded migrations in order, each in its own transaction, and
// records them in schema_migrations.
func (db *DB) Migrate(ctx context.Context) error {
	// linkfin's schema goes into a new or empty database, or one of its own: never
	// among another program's tables (a --db that names the wrong file).
	var others []string
	rows, err := db.w.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return fmt.Errorf("migrate: %w", err)
		}
		others = append(others, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if len(others) > 0 && !slices.Contains(others, "schema_migrations") {
		return fmt.Errorf("%s is another program's database (its tables: %s), not linkfin's: linkfin makes its schema in a new or empty file; check --db",
			db.path, strings.Join(others[:min(len(others), 5)], ", "))
	}
	if _, err := db.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := db.migrateFile(ctx, name); err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
	}
	if err := db.backfillParties(ctx); err != nil {
		return fmt.Errorf("migrate %s: %w", linkfin.PartyBackfill, err)
	}
	if err := db.backfillEventIndex(ctx); err != nil {
		return fmt.Errorf("migrate %s: %w", linkfin.EventIndexBackfill, err)
	}
	if err := db.backfillIndex(ctx); err != nil {
		return fmt.Errorf("migrate %s: %w", linkfin.IndexBackfill, err)
	}
	for _, a := range linkfin.IndexAdded {
		if err := db.backfillIndexName(ctx, a.Migration, a.Kind, a.Name); err != nil {
			return fmt.Errorf("migrate %s: %w", a.Migration, err)
		}
	}
	if err := db.once(ctx, totalsExact, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM object_totals`); err != nil {
			return err
		}
		for _, n := range linkfin.IndexNames {
			if err := sumTotals(ctx, tx, n[0], n[1]); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("migrate %s: %w", totalsExact, err)
	}
	return nil
}

// totalsExact is the name under which the store records, among its migrations, that
// the ordered index's totals have been summed again from its entries into the two
// parts migration 0008 keeps them in: a total that passed 2^63 before is an inexact
// REAL.
const totalsExact = "0008_object_totals_exact_sums"

// backfillIndexName enters, once, the records of a kind in an index name added after
// the ordered index was made: it replaces whatever entries of the name they have (none,
// or those the first backfill made) with those IndexOf gives, and the name's totals
// with their sums.
func (db *DB) backfillIndexName(ctx context.Context, migration, kind, name string) error {
	return db.once(ctx, migration, func(tx *sql.Tx) error {
		for _, table := range []string{"object_index", "object_totals"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE kind = ? AND name = ?`, kind, name); err != nil {
				return err
			}
		}
		return indexRecords(ctx, tx, kind, name)
	})
}

// backfillIndex enters, once, the records written before the ordered index existed
// (migration 0005 made it empty) in it, and sums the totals (see linkfin.Totaled).
func (db *DB) backfillIndex(ctx context.Context) error {
	return db.once(ctx, linkfin.IndexBackfill, func(tx *sql.Tx) error {
		for _, kind := range linkfin.IndexKinds {
			if err := indexRecords(ctx, tx, kind, ""); err != nil {
				return err
			}
		}
		return nil
	})
}

// indexRecords enters the records of a kind in the ordered index: their entries of
// the name, or of every name with name "", and then the sums of those entries as the
// totals the index keeps. The index holds none of them yet.
func indexRecords(ctx context.Context, tx *sql.Tx, kind, name string) error {
	ins, err := tx.PrepareContext(ctx, `INSERT INTO object_index (kind, id, name, value, amount) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	rows, err := tx.QueryContext(ctx, `SELECT id, data FROM objects WHERE kind = ?`, kind)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var data []byte
		if err := rows.Scan(&id, &data); err != nil {
			return err
		}
		entries, err := linkfin.IndexOf(kind, data)
		if err != nil {
			return fmt.Errorf("%s %s: %w", kind, id, err)
		}
		for _, e := range entries {
			if name != "" && e.Name != name {
				continue
			}
			if _, err := ins.ExecContext(ctx, kind, id, e.Name, e.Value, e.Amount); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, n := range linkfin.IndexNames {
		if n[0] == kind && (name == "" || n[1] == name) {
			if err := sumTotals(ctx, tx, kind, n[1]); err != nil {
				return err
			}
		}
	}
	return nil
}

// sumTotals enters the totals of an index name's entries of a kind, if the name keeps
// them (linkfin.Totaled): per value, the count and the exact sum of the amounts, in
// the two parts object_totals keeps (migration 0008). SQLite's sum() fails past 2^63,
// so the sum is made here, as a linkfin.Sum. The index holds no totals of the name yet.
func sumTotals(ctx context.Context, tx *sql.Tx, kind, name string) error {
	if !linkfin.Totaled(name) {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT value, amount FROM object_index WHERE kind = ? AND name = ? ORDER BY value`, kind, name)
	if err != nil {
		return err
	}
	defer rows.Close()
	var totals []linkfin.IndexTotal
	for rows.Next() {
		var value string
		var amount int64
		if err := rows.Scan(&value, &amount); err != nil {
			return err
		}
		if n := len(totals); n == 0 || totals[n-1].Value != value {
			totals = append(totals, linkfin.IndexTotal{Value: value})
		}
		t := &totals[len(totals)-1]
		t.Count++
		if t.Amount, err = t.Amount.Add(linkfin.SumOf(amount)); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	for _, t := range totals {
		if _, err := tx.ExecContext(ctx, `INSERT INTO object_totals (kind, name, value, count, amount, amount_high) VALUES (?, ?, ?, ?, ?, ?)`,
			kind, name, t.Value, t.Count, t.Amount.Low, t.Amount.High); err != nil {
			return err
		}
	}
	return nil
}

// backfillEventIndex indexes, once, the events written before the index of events by
// record existed (migration 0004 made it empty). It is recorded as a migration of its
// own. Transfer events name no record, and are not read.
func (db *DB) backfillEventIndex(ctx context.Context) error {
	return db.once(ctx, linkfin.EventIndexBackfill, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT seq, type, data FROM events WHERE transfer_id IS NULL ORDER BY seq`)
		if err != nil {
			return err
		}
		defer rows.Close()
		ins, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO record_events (seq, kind, id) VALUES (?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for rows.Next() {
			var e linkfin.Event
			if err := rows.Scan(&e.Seq, &e.Type, &e.Data); err != nil {
				return err
			}
			if k, ok := linkfin.RecordOf(&e); ok {
				if _, err := ins.ExecContext(ctx, e.Seq, k.Kind, k.ID); err != nil {
					return err
				}
			}
		}
		return rows.Err()
	})
}

// backfillParties indexes the parties of the records written before the party index
// existed (migration 0003 made it empty), once: it is recorded as a migration of its
// own. Records written since are indexed already, and are skipped.
func (db *DB) backfillParties(ctx context.Context) error {
	return db.once(ctx, linkfin.PartyBackfill, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT kind, id, data FROM objects`)
		if err != nil {
			return err
		}
		defer rows.Close()
		ins, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO object_parties (party, kind, id) VALUES (?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for rows.Next() {
			var kind, id string
			var data []byte
			if err := rows.Scan(&kind, &id, &data); err != nil {
				return err
			}
			parties, err := linkfin.PartiesOf(kind, data)
			if err != nil {
				return fmt.Errorf("%s %s: %w", kind, id, err)
			}
			for _, p := range parties {
				if _, err := ins.ExecContext(ctx, p, kind, id); err != nil {
					return err
				}
			}
		}
		return rows.Err()
	})
}

func (db *DB) migrateFile(ctx context.Context, name string) error {
	return db.once(ctx, name, func(tx *sql.Tx) error {
		body, err := fs.ReadFile(migrations, name)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, string(body))
		return err
	})
}

// once runs apply in a transaction that records version in schema_migrations, unless
// it is recorded already.
func (db *DB) once(ctx context.Context, version string, apply func(*sql.Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil || n > 0 {
		return err
	}
	if err := apply(tx); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
		version, time.Now().Unix()); err != nil {
		return err
	}
	return tx.Commit()
}

// collect scans every row of a query with scan.
func collect[T any](rows checkedRows, err error, scan func(checkedRows, *T) error) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// idList encodes ids as a JSON array for json_each: one statement, any number of ids.
func idList(ids []int64) string {
	b := make([]byte, 0, len(ids)*8+2)
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, ']'))
}

const accountCols = `id, ledger, currency, code, flags, debits_pending, debits_posted,
	credits_pending, credits_posted, created_at, last_transfer`

func scanAccount(rows interface{ Scan(...any) error }, a *ledger.Account) error {
	return rows.Scan(&a.ID, &a.Ledger, &a.Currency, &a.Code, &a.Flags, &a.DebitsPending,
		&a.DebitsPosted, &a.CreditsPending, &a.CreditsPosted, &a.Timestamp, &a.LastTransfer)
}

const transferCols = `id, ts, debit_account_id, credit_account_id, amount, pending_id, ledger,
	currency, code, flags, timeout, prev_debit, prev_credit`

func scanTransfer(rows interface{ Scan(...any) error }, t *ledger.Transfer) error {
	return rows.Scan(&t.ID, &t.Timestamp, &t.DebitAccountID, &t.CreditAccountID, &t.Amount,
		&t.PendingID, &t.Ledger, &t.Currency, &t.Code, &t.Flags, &t.Timeout, &t.PrevDebit, &t.PrevCredit)
}

// Head implements linkfin.Store.
func (db *DB) Head(ctx context.Context) (linkfin.Head, error) {
	var h linkfin.Head
	w := checked{db.w}
	if db.snap != nil {
		w = checked{db.snap}
	}
	if err := w.QueryRowContext(ctx, `SELECT coalesce(max(seq) + 1, 0) FROM events`).Scan(&h.Size); err != nil {
		return h, err
	}
	var clock sql.NullString
	if err := w.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'clock'`).Scan(&clock); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return h, err
	}
	if clock.Valid {
		h.Clock, _ = strconv.ParseInt(clock.String, 10, 64)
	}
	if err := w.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM transfers`).Scan(&h.MaxTransferID); err != nil {
		return h, err
	}
	var at sql.NullString
	if err := w.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'accounts_at'`).Scan(&at); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return h, err
	}
	if at.Valid {
		h.AccountsAt, _ = strconv.ParseInt(at.String, 10, 64)
	}
	var c linkfin.Checkpoint
	err := w.QueryRowContext(ctx, `SELECT size, hash, note, time FROM checkpoints ORDER BY size DESC LIMIT 1`).
		Scan(&c.Size, &c.Hash, &c.Note, &c.Time)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return h, err
	default:
		h.Last = &c
	}
	return h, nil
}

// AccountsByID implements linkfin.Store. The engine's prefetch reads through the
// reader pool, so it runs while the previous batch commits: rows that batch changed
// are in the engine's memory, and every other row is current in any snapshot.
func (db *DB) AccountsByID(ctx context.Context, ids []int64) ([]ledger.Account, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := db.query(ctx, `SELECT `+accountCols+` FROM accounts
		WHERE id IN (SELECT value FROM json_each(?))`, idList(ids))
	return collect(rows, err, func(rows checkedRows, a *ledger.Account) error { return scanAccount(rows, a) })
}

// TransfersByID implements linkfin.Store.
func (db *DB) TransfersByID(ctx context.Context, ids []int64) ([]ledger.Transfer, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := db.query(ctx, `SELECT `+transferCols+` FROM transfers
		WHERE id IN (SELECT value FROM json_each(?))`, idList(ids))
	return collect(rows, err, func(rows checkedRows, t *ledger.Transfer) error { return scanTransfer(rows, t) })
}

// PendingByID implements linkfin.Store.
func (db *DB) PendingByID(ctx context.Context, ids []int64) ([]ledger.PendingState, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := db.query(ctx, `SELECT id, expires_at, status FROM pending_transfers
		WHERE id IN (SELECT value FROM json_each(?))`, idList(ids))
	if err != nil {
		return nil, err
	}
	return scanPending(rows)
}

func scanPending(rows checkedRows) ([]ledger.PendingState, error) {
	defer rows.Close()
	var out []ledger.PendingState
	for rows.Next() {
		var p ledger.PendingState
		if err := rows.Scan(&p.ID, &p.ExpiresAt, &p.Status); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// OpenPending implements linkfin.Store.
func (db *DB) OpenPending(ctx context.Context) ([]ledger.PendingState, error) {
	rows, err := checked{db.w}.QueryContext(ctx, `SELECT id, expires_at, status FROM pending_transfers
		WHERE status = ? AND expires_at > 0`, ledger.StatusPending)
	if err != nil {
		return nil, err
	}
	return scanPending(rows)
}

// IdempotencyByKey implements linkfin.Store.
func (db *DB) IdempotencyByKey(ctx context.Context, keys []string) ([]linkfin.IdempotencyRecord, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	list, err := json.Marshal(keys) // valid UTF-8 round-trips; the engine refuses other keys
	if err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, `SELECT key, request_hash, response, created_at FROM idempotency_keys
		WHERE key IN (SELECT value FROM json_each(?))`, string(list))
	return collect(rows, err, func(rows checkedRows, r *linkfin.IdempotencyRecord) error {
		return rows.Scan(&r.Key, &r.RequestHash, &r.Response, &r.Time)
	})
}

// ScanIdempotency implements linkfin.Store.
func (db *DB) ScanIdempotency(ctx context.Context, fn func(*linkfin.IdempotencyRecord) error) error {
	rows, err := db.query(ctx, `SELECT key, request_hash, response, created_at FROM idempotency_keys ORDER BY key`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r linkfin.IdempotencyRecord
		if err := rows.Scan(&r.Key, &r.RequestHash, &r.Response, &r.Time); err != nil {
			return err
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// keyList is keys as a JSON array of [kind, id] pairs, for json_each.
func keyList(keys []linkfin.ObjectKey) (string, error) {
	pairs := make([][2]string, len(keys))
	for i, k := range keys {
		pairs[i] = [2]string{k.Kind, k.ID}
	}
	b, err := json.Marshal(pairs)
	return string(b), err
}

// ObjectsByKey implements linkfin.Store.
func (db *DB) ObjectsByKey(ctx context.Context, keys []linkfin.ObjectKey) ([]linkfin.Object, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	list, err := keyList(keys)
	if err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, `SELECT o.kind, o.id, o.version, o.data, o.updated_at FROM objects o
		JOIN (SELECT value ->> 0 AS kind, value ->> 1 AS id FROM json_each(?)) k ON o.kind = k.kind AND o.id = k.id`, list)
	return collect(rows, err, scanObject)
}

func scanObject(rows checkedRows, o *linkfin.Object) error {
	return rows.Scan(&o.Kind, &o.ID, &o.Version, &o.Data, &o.UpdatedAt)
}

// Object implements linkfin.Store.
func (db *DB) Object(ctx context.Context, kind, id string) (*linkfin.Object, error) {
	var o linkfin.Object
	st, err := db.read(ctx, `SELECT kind, id, version, data, updated_at FROM objects WHERE kind = ? AND id = ?`)
	if err != nil {
		return nil, err
	}
	err = checkedRow{st.QueryRowContext(ctx, kind, id)}.Scan(&o.Kind, &o.ID, &o.Version, &o.Data, &o.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "%s %s not found", kind, id)
	}
	return &o, err
}

// ListObjects implements linkfin.Store.
func (db *DB) ListObjects(ctx context.Context, kind, after string, limit int) ([]linkfin.Object, error) {
	rows, err := db.query(ctx, `SELECT kind, id, version, data, updated_at FROM objects
		WHERE kind = ? AND id > ? ORDER BY id LIMIT ?`, kind, after, limit)
	return collect(rows, err, scanObject)
}

// ListObjectsByParty implements linkfin.Store, walking the party index in id order.
func (db *DB) ListObjectsByParty(ctx context.Context, kind, party, after string, limit int) ([]linkfin.Object, error) {
	rows, err := db.query(ctx, `SELECT o.kind, o.id, o.version, o.data, o.updated_at FROM object_parties p
		JOIN objects o ON o.kind = p.kind AND o.id = p.id
		WHERE p.party = ? AND p.kind = ? AND p.id > ? ORDER BY p.id LIMIT ?`, party, kind, after, limit)
	return collect(rows, err, scanObject)
}

// ListIndexed implements linkfin.Store, walking the ordered index.
func (db *DB) ListIndexed(ctx context.Context, kind, name, prefix, afterValue, afterID string, limit int) ([]linkfin.IndexedObject, error) {
	rows, err := db.query(ctx, listIndexed, kind, name, prefix, linkfin.IndexEnd(prefix), afterValue, afterID, limit)
	return collect(rows, err, func(r checkedRows, o *linkfin.IndexedObject) error {
		return r.Scan(&o.Value, &o.Kind, &o.ID, &o.Version, &o.Data, &o.UpdatedAt)
	})
}

// listIndexed walks the ordered index's one B-tree in its key's order from a value and
// an id on, within a prefix of values, and reads each entry's record.
const listIndexed = `SELECT x.value, o.kind, o.id, o.version, o.data, o.updated_at FROM object_index x
	JOIN objects o ON o.kind = x.kind AND o.id = x.id
	WHERE x.kind = ? AND x.name = ? AND x.value >= ? AND x.value < ? AND (x.value, x.id) > (?, ?)
	ORDER BY x.value, x.id LIMIT ?`

// IndexTotals implements linkfin.Store.
func (db *DB) IndexTotals(ctx context.Context, kind, name, from, to string) ([]linkfin.IndexTotal, error) {
	if to == "" {
		to = linkfin.IndexEnd("")
	}
	rows, err := db.query(ctx, `SELECT value, count, amount_high, amount FROM object_totals
		WHERE kind = ? AND name = ? AND value >= ? AND value < ? AND count > 0 ORDER BY value`, kind, name, from, to)
	return collect(rows, err, func(r checkedRows, t *linkfin.IndexTotal) error {
		var high, low int64
		if err := r.Scan(&t.Value, &t.Count, &high, &low); err != nil {
			return err
		}
		t.Amount, err = linkfin.NewSum(high, low)
		return err
	})
}

// WasParty implements linkfin.Store.
func (db *DB) WasParty(ctx context.Context, kind, id, party string) (bool, error) {
	st, err := db.read(ctx, `SELECT 1 FROM object_parties WHERE party = ? AND kind = ? AND id = ?`)
	if err != nil {
		return false, err
	}
	var one int
	err = checkedRow{st.QueryRowContext(ctx, party, kind, id)}.Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// ReadTiles implements linkfin.Store: each tile's first W hashes.
func (db *DB) ReadTiles(ctx context.Context, tiles []linkfin.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		var data []byte
		err := db.queryRow(ctx, `SELECT data FROM log_tiles WHERE level = ? AND idx = ?`, t.L, t.N).Scan(&data)
		if err != nil {
			return nil, fmt.Errorf("read tile %d/%d: %w", t.L, t.N, err)
		}
		if len(data) < t.W*32 {
			return nil, fmt.Errorf("read tile %d/%d: have %d hashes, want %d", t.L, t.N, len(data)/32, t.W)
		}
		out[i] = data[:t.W*32]
	}
	return out, nil
}

// rowsPerInsert bounds a multi-row INSERT (SQLite allows 32766 variables).
const rowsPerInsert = 64

// chunks yields the statement sizes that insert n rows: 64 at a time, then the
// remainder as 32, 16, …, 1, so a handful of prepared statements per table serve any
// batch.
func chunks(n int) func(yield func(int) bool) {
	return func(yield func(int) bool) {
		for n > 0 {
			size := rowsPerInsert
			for size > n {
				size /= 2
			}
			if !yield(size) {
				return
			}
			n -= size
		}
	}
}

// insertRows runs an insert with the statements prepared for its chunks.
func (db *DB) insertRows(ctx context.Context, tx *sql.Tx, in insert) error {
	args := make([]any, 0, in.cols*rowsPerInsert)
	start := 0
	for size := range chunks(in.n) {
		stmt, err := db.stmt(ctx, in.head, in.cols, in.tail, size)
		if err != nil {
			return err
		}
		args = args[:0]
		for i := start; i < start+size; i++ {
			args = in.row(i, args)
		}
		if _, err := tx.StmtContext(ctx, stmt).ExecContext(ctx, args...); err != nil {
			return err
		}
		start += size
	}
	return nil
}

// stmt returns the writer's prepared statement inserting rows rows. Statements are
// compiled once and reused by every batch: compiling a 64-row INSERT costs more than
// running it.
func (db *DB) stmt(ctx context.Context, head string, cols int, tail string, rows int) (*sql.Stmt, error) {
	key := stmtKey{head, tail, rows}
	db.mu.Lock()
	defer db.mu.Unlock()
	if s, ok := db.stmts[key]; ok {
		return s, nil
	}
	tuple := "(" + strings.Repeat("?,", cols-1) + "?)"
	q := head + " VALUES " + strings.Repeat(tuple+",", rows-1) + tuple + " " + tail
	s, err := db.w.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if db.stmts == nil {
		db.stmts = make(map[stmtKey]*sql.Stmt)
	}
	db.stmts[key] = s
	return s, nil
}

type stmtKey struct {
	head, tail string
	rows       int
}

// insert is one multi-row statement's worth of a batch.
type insert struct {
	head string
	cols int
	tail string
	n    int
	row  func(i int, args []any) []any
}

const upsertAccount = `ON CONFLICT (id) DO UPDATE SET flags = excluded.flags,
	debits_pending = excluded.debits_pending, debits_posted = excluded.debits_posted,
	credits_pending = excluded.credits_pending, credits_posted = excluded.credits_posted,
	last_transfer = excluded.last_transfer`

// upsertTotals moves a total of the ordered index by a batch's change, both kept in
// two parts with base linkfin.SumBase (see Commit).
var upsertTotals = `ON CONFLICT (kind, name, value) DO UPDATE SET count = count + excluded.count,
	amount_high = amount_high + excluded.amount_high + (amount + excluded.amount) / ` + strconv.FormatInt(linkfin.SumBase, 10) + `,
	amount = (amount + excluded.amount) % ` + strconv.FormatInt(linkfin.SumBase, 10)

// deleteIndexRows deletes entries of the ordered index, each named by its whole key:
// one seek of the index's one B-tree per entry.
const deleteIndexRows = `DELETE FROM object_index WHERE (kind, name, value, id) IN (`

// Commit implements linkfin.Store: the whole batch in one transaction.
func (db *DB) Commit(ctx context.Context, b *linkfin.Batch) (err error) {
	inserts, err := batchInserts(b)
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	// Statements are prepared before the transaction begins: the writer has one
	// connection, and the transaction holds it.
	for _, in := range inserts {
		for size := range chunks(in.n) {
			if _, err := db.stmt(ctx, in.head, in.cols, in.tail, size); err != nil {
				return fmt.Errorf("commit: %w", err)
			}
		}
	}
	if err := db.intact(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
			if isFull(err) {
				db.full.Store(true)
			}
			err = fmt.Errorf("commit: %w", err)
		}
	}()
	for _, in := range inserts {
		if err = db.insertRows(ctx, tx, in); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// batchInserts are the statements that write a batch, in the order they run: the
// ledger's rows and the log's (ledgerInserts), then the records' with their indexes
// (recordInserts), then the engine's own (metaInserts).
func batchInserts(b *linkfin.Batch) ([]insert, error) {
	var transferEvents, otherEvents []*linkfin.Event
	for i := range b.Events {
		if e := &b.Events[i]; e.TransferID != 0 {
			transferEvents = append(transferEvents, e)
		} else {
			otherEvents = append(otherEvents, e)
		}
	}
	inserts := ledgerInserts(b, transferEvents, otherEvents)
	records, err := recordInserts(b, otherEvents)
	if err != nil {
		return nil, err
	}
	return append(append(inserts, records...), metaInserts(b)...), nil
}

// ledgerInserts write the batch's accounts, transfers and pending transfers, its
// events and the log's tiles, its idempotency answers and the batch clock.
func ledgerInserts(b *linkfin.Batch, transferEvents, otherEvents []*linkfin.Event) []insert {
	accountRow := func(a *ledger.Account, args []any) []any {
		return append(args, a.ID, a.Ledger, a.Currency, a.Code, a.Flags, a.DebitsPending, a.DebitsPosted,
			a.CreditsPending, a.CreditsPosted, a.Timestamp, a.LastTransfer)
	}
	pendingRow := func(p *ledger.PendingState, args []any) []any {
		return append(args, p.ID, p.ExpiresAt, p.Status)
	}
	// Updates go in id order, which keeps the B-tree walk local.
	updated := slices.Clone(b.Accounts)
	slices.SortFunc(updated, func(x, y *ledger.Account) int { return cmp.Compare(x.ID, y.ID) })
	return []insert{
		{`INSERT INTO accounts (` + accountCols + `)`, 11, "", len(b.NewAccounts),
			func(i int, args []any) []any { return accountRow(b.NewAccounts[i], args) }},
		{`INSERT INTO accounts (` + accountCols + `)`, 11, upsertAccount, len(updated),
			func(i int, args []any) []any { return accountRow(updated[i], args) }},
		{`INSERT INTO transfers (` + transferCols + `)`, 13, "", len(b.Transfers),
			func(i int, args []any) []any {
				t := b.Transfers[i]
				return append(args, t.ID, t.Timestamp, t.DebitAccountID, t.CreditAccountID, t.Amount, t.PendingID,
					t.Ledger, t.Currency, t.Code, t.Flags, t.Timeout, t.PrevDebit, t.PrevCredit)
			}},
		{`INSERT INTO pending_transfers (id, expires_at, status)`, 3, "", len(b.NewPending),
			func(i int, args []any) []any { return pendingRow(b.NewPending[i], args) }},
		{`INSERT INTO pending_transfers (id, expires_at, status)`, 3, `ON CONFLICT (id) DO UPDATE SET status = excluded.status`,
			len(b.Pending), func(i int, args []any) []any { return pendingRow(b.Pending[i], args) }},
		{`INSERT INTO events (seq, transfer_id)`, 2, "", len(transferEvents),
			func(i int, args []any) []any {
				e := transferEvents[i]
				return append(args, e.Seq, e.TransferID)
			}},
		{`INSERT INTO events (seq, time, type, data)`, 4, "", len(otherEvents),
			func(i int, args []any) []any {
				e := otherEvents[i]
				return append(args, e.Seq, e.Time, e.Type, e.Data)
			}},
		{`INSERT INTO log_tiles (level, idx, width, data)`, 4, `ON CONFLICT (level, idx) DO UPDATE
			SET width = excluded.width, data = excluded.data WHERE excluded.width > log_tiles.width`, len(b.Tiles),
			func(i int, args []any) []any {
				t := &b.Tiles[i]
				return append(args, t.L, t.N, t.W, t.Data)
			}},
		{`INSERT INTO idempotency_keys (key, request_hash, response, created_at)`, 4, "", len(b.Idempotency),
			func(i int, args []any) []any {
				r := &b.Idempotency[i]
				return append(args, r.Key, r.RequestHash, r.Response, r.Time)
			}},
		{`INSERT INTO meta (key, value)`, 2, `ON CONFLICT (key) DO UPDATE SET value = excluded.value`, 1,
			func(i int, args []any) []any { return append(args, "clock", strconv.FormatInt(b.Clock, 10)) }},
	}
}

// recordInserts write the batch's records, the party index, the ordered index and its
// totals, and the index of events by record; the ordered index's deletes first.
func recordInserts(b *linkfin.Batch, otherEvents []*linkfin.Event) ([]insert, error) {
	var inserts []insert
	if len(b.Objects) > 0 {
		inserts = append(inserts, insert{`INSERT INTO objects (kind, id, version, data, updated_at)`, 5,
			`ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, data = excluded.data, updated_at = excluded.updated_at`,
			len(b.Objects), func(i int, args []any) []any {
				o := b.Objects[i]
				return append(args, o.Kind, o.ID, o.Version, o.Data, o.UpdatedAt)
			}})
	}
	if index := partyRows(b.Objects); len(index) > 0 {
		inserts = append(inserts, insert{`INSERT OR IGNORE INTO object_parties (party, kind, id)`, 3, "", len(index),
			func(i int, args []any) []any {
				r := &index[i]
				return append(args, r.party, r.kind, r.id)
			}})
	}
	// The entries of the ordered index that the written records no longer have are
	// deleted (the delete comes first among these statements), their new ones inserted,
	// and each total changed moves once.
	ix, err := linkfin.IndexChanges(b.Objects)
	if err != nil {
		return nil, err
	}
	if len(ix.Deleted) > 0 {
		inserts = slices.Insert(inserts, 0, insert{deleteIndexRows, 4, `)`, len(ix.Deleted),
			func(i int, args []any) []any {
				r := &ix.Deleted[i]
				return append(args, r.Kind, r.Name, r.Value, r.ID)
			}})
	}
	if len(ix.Inserted) > 0 {
		inserts = append(inserts, insert{`INSERT INTO object_index (kind, id, name, value, amount)`, 5, "", len(ix.Inserted),
			func(i int, args []any) []any {
				r := &ix.Inserted[i]
				return append(args, r.Kind, r.ID, r.Name, r.Value, r.Amount)
			}})
	}
	if len(ix.Totals) > 0 {
		// A total is kept exactly in two parts, amount_high × 10^18 + amount (migration
		// 0008), both as a linkfin.Sum has them: amount from 0 to 10^18 − 1. The batch's
		// change is a Sum too, so the parts' sum is below 2 × 10^18, far from 2^63: what
		// passes 10^18 is carried to amount_high, and amount stays in its range. SQLite
		// reads every column on the right of SET as it was before the update.
		inserts = append(inserts, insert{`INSERT INTO object_totals (kind, name, value, count, amount, amount_high)`, 6,
			upsertTotals,
			len(ix.Totals), func(i int, args []any) []any {
				t := &ix.Totals[i]
				return append(args, t.Kind, t.Name, t.Value, t.Count, t.Amount.Low, t.Amount.High)
			}})
	}
	if index := eventIndexRows(otherEvents); len(index) > 0 {
		inserts = append(inserts, insert{`INSERT INTO record_events (seq, kind, id)`, 3, "", len(index),
			func(i int, args []any) []any {
				r := &index[i]
				return append(args, r.seq, r.key.Kind, r.key.ID)
			}})
	}
	return inserts, nil
}

// metaInserts write the engine's meta rows the batch changed and its signed
// checkpoint.
func metaInserts(b *linkfin.Batch) []insert {
	var inserts []insert
	if b.Flush {
		inserts = append(inserts, insert{`INSERT INTO meta (key, value)`, 2, `ON CONFLICT (key) DO UPDATE SET value = excluded.value`, 1,
			func(i int, args []any) []any { return append(args, "accounts_at", strconv.FormatInt(b.AccountsAt, 10)) }})
	}
	for k, v := range b.Meta {
		inserts = append(inserts, insert{`INSERT INTO meta (key, value)`, 2, `ON CONFLICT (key) DO UPDATE SET value = excluded.value`, 1,
			func(i int, args []any) []any { return append(args, k, v) }})
	}
	if c := b.Checkpoint; c != nil {
		inserts = append(inserts, insert{`INSERT INTO checkpoints (size, hash, note, time)`, 4, "", 1,
			func(i int, args []any) []any { return append(args, c.Size, c.Hash, c.Note, c.Time) }})
	}
	return inserts
}

// partyRow is one row of the party index.
type partyRow struct{ party, kind, id string }

// partyRows lists the index rows of the objects: one per object and party. Most are
// there already, and the insert ignores them.
func partyRows(objs []*linkfin.Object) []partyRow {
	n := 0
	for _, o := range objs {
		n += len(o.Parties)
	}
	if n == 0 {
		return nil
	}
	rows := make([]partyRow, 0, n)
	for _, o := range objs {
		for _, p := range o.Parties {
			rows = append(rows, partyRow{p, o.Kind, o.ID})
		}
	}
	return rows
}

// eventIndexRow is one row of the index of events by record.
type eventIndexRow struct {
	seq int64
	key linkfin.ObjectKey
}

// eventIndexRows lists the index rows of the events: one per event that wrote a record.
func eventIndexRows(evs []*linkfin.Event) []eventIndexRow {
	var rows []eventIndexRow
	for _, e := range evs {
		if k, ok := linkfin.RecordOf(e); ok {
			if rows == nil {
				rows = make([]eventIndexRow, 0, len(evs))
			}
			rows = append(rows, eventIndexRow{e.Seq, k})
		}
	}
	return rows
}

func notFound(what string, id int64) error {
	return linkfin.Errorf(linkfin.ENOTFOUND, "%s %d not found", what, id)
}

// Account implements linkfin.Store.
func (db *DB) Account(ctx context.Context, id int64) (*ledger.Account, error) {
	var a ledger.Account
	err := scanAccount(checked{db.r}.QueryRowContext(ctx, `SELECT `+accountCols+` FROM accounts WHERE id = ?`, id), &a)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("account", id)
	}
	return &a, err
}

// ListAccounts implements linkfin.Store.
func (db *DB) ListAccounts(ctx context.Context, after int64, limit int) ([]ledger.Account, error) {
	rows, err := db.query(ctx, `SELECT `+accountCols+` FROM accounts WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
	return collect(rows, err, func(rows checkedRows, a *ledger.Account) error { return scanAccount(rows, a) })
}

// Transfer implements linkfin.Store.
func (db *DB) Transfer(ctx context.Context, id int64) (*ledger.Transfer, error) {
	st, err := db.read(ctx, transferByIDQuery)
	if err != nil {
		return nil, err
	}
	return transferFrom(checkedRow{st.QueryRowContext(ctx, id)}, id)
}

const transferByIDQuery = `SELECT ` + transferCols + ` FROM transfers WHERE id = ?`

func transferByID(ctx context.Context, q checked, id int64) (*ledger.Transfer, error) {
	return transferFrom(q.QueryRowContext(ctx, transferByIDQuery, id), id)
}

// transferFrom reads the transfer id from the row of a transferByIDQuery.
func transferFrom(row checkedRow, id int64) (*ledger.Transfer, error) {
	var t ledger.Transfer
	err := scanTransfer(row, &t)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("transfer", id)
	}
	return &t, err
}

// PendingStatus implements linkfin.Store.
func (db *DB) PendingStatus(ctx context.Context, id int64) (*ledger.PendingState, error) {
	var p ledger.PendingState
	err := checked{db.r}.QueryRowContext(ctx, `SELECT id, expires_at, status FROM pending_transfers WHERE id = ?`, id).
		Scan(&p.ID, &p.ExpiresAt, &p.Status)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("pending transfer", id)
	}
	return &p, err
}

// AccountTransfers implements linkfin.Store by walking the account's transfer chain in
// one read transaction.
func (db *DB) AccountTransfers(ctx context.Context, accountID, start int64, limit int) ([]ledger.Transfer, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, unavailable(err)
	}
	defer tx.Rollback()
	return linkfin.WalkAccountTransfers(accountID, start, limit, func(id int64) (*ledger.Transfer, error) {
		return transferByID(ctx, checked{tx}, id)
	})
}

// Events implements linkfin.Store, re-encoding transfer events from their rows.
func (db *DB) Events(ctx context.Context, from int64, limit int) ([]linkfin.Event, error) {
	return scanEvents(db.query(ctx, `SELECT e.seq, e.time, e.type, e.data, e.transfer_id, `+prefixed("t.", transferCols)+`
		FROM events e LEFT JOIN transfers t ON t.id = e.transfer_id
		WHERE e.seq >= ? ORDER BY e.seq LIMIT ?`, from, limit))
}

// RecordEvents implements linkfin.Store through the index of events by record.
func (db *DB) RecordEvents(ctx context.Context, kind, id string, after int64, limit int) ([]linkfin.Event, error) {
	return scanEvents(db.query(ctx, `SELECT e.seq, e.time, e.type, e.data, e.transfer_id, `+prefixed("t.", transferCols)+`
		FROM record_events r JOIN events e ON e.seq = r.seq LEFT JOIN transfers t ON t.id = e.transfer_id
		WHERE r.kind = ? AND r.id = ? AND r.seq > ? ORDER BY r.seq LIMIT ?`, kind, id, after, limit))
}

// IndexedEvents implements linkfin.Snapshot.
func (db *DB) IndexedEvents(ctx context.Context, from, to int64) (map[int64]linkfin.ObjectKey, error) {
	rows, err := db.query(ctx, `SELECT seq, kind, id FROM record_events WHERE seq >= ? AND seq < ?`, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[int64]linkfin.ObjectKey)
	for rows.Next() {
		var seq int64
		var k linkfin.ObjectKey
		if err := rows.Scan(&seq, &k.Kind, &k.ID); err != nil {
			return nil, err
		}
		out[seq] = k
	}
	return out, rows.Err()
}

// IndexedEventCounts implements linkfin.Snapshot: each record's rows are one range of
// the index by record.
func (db *DB) IndexedEventCounts(ctx context.Context, keys []linkfin.ObjectKey) (map[linkfin.ObjectKey]int64, error) {
	out := make(map[linkfin.ObjectKey]int64)
	if len(keys) == 0 {
		return out, nil
	}
	list, err := keyList(keys)
	if err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, `SELECT kind, id, count(*) FROM record_events
		WHERE (kind, id) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?)) GROUP BY kind, id`, list)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k linkfin.ObjectKey
		var n int64
		if err := rows.Scan(&k.Kind, &k.ID, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

// scanEvents reads the events a query of events joined with their transfers rows
// answers, re-encoding transfer events from their rows.
func scanEvents(rows checkedRows, err error) ([]linkfin.Event, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []linkfin.Event
	for rows.Next() {
		var e linkfin.Event
		var ref, tm sql.NullInt64
		var typ sql.NullString
		var t nullTransfer
		if err := rows.Scan(append([]any{&e.Seq, &tm, &typ, &e.Data, &ref}, t.dest()...)...); err != nil {
			return nil, err
		}
		e.Time, e.Type = tm.Int64, typ.String
		if ref.Valid {
			e.TransferID = ref.Int64
			e.Type = string(ledger.EventTransferCreated)
			if tr, ok := t.transfer(); ok {
				e.Time, e.Row = tr.Timestamp, tr
				e.Data = ledger.AppendTransferJSON(nil, tr)
			}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// prefixed qualifies a column list with a table alias.
func prefixed(alias, cols string) string {
	fields := strings.Split(cols, ",")
	for i, f := range fields {
		fields[i] = alias + strings.TrimSpace(f)
	}
	return strings.Join(fields, ", ")
}

// nullTransfer scans the transfer columns of an outer join.
type nullTransfer struct {
	id, ts, dr, cr, amount, pending, ledger, code, flags, timeout, prevD, prevC sql.NullInt64
	currency                                                                    sql.NullString
}

func (n *nullTransfer) dest() []any {
	return []any{&n.id, &n.ts, &n.dr, &n.cr, &n.amount, &n.pending, &n.ledger, &n.currency, &n.code,
		&n.flags, &n.timeout, &n.prevD, &n.prevC}
}

func (n *nullTransfer) transfer() (*ledger.Transfer, bool) {
	if !n.id.Valid {
		return nil, false
	}
	return &ledger.Transfer{ID: n.id.Int64, Timestamp: n.ts.Int64, DebitAccountID: n.dr.Int64, CreditAccountID: n.cr.Int64,
		Amount: n.amount.Int64, PendingID: n.pending.Int64, Ledger: uint32(n.ledger.Int64), Currency: n.currency.String,
		Code: uint16(n.code.Int64), Flags: ledger.TransferFlags(n.flags.Int64), Timeout: uint32(n.timeout.Int64),
		PrevDebit: n.prevD.Int64, PrevCredit: n.prevC.Int64}, true
}

// Checkpoints implements linkfin.Store.
func (db *DB) Checkpoints(ctx context.Context, after int64, limit int) ([]linkfin.Checkpoint, error) {
	rows, err := db.query(ctx, `SELECT size, hash, note, time FROM checkpoints WHERE size > ? ORDER BY size LIMIT ?`, after, limit)
	return collect(rows, err, func(rows checkedRows, c *linkfin.Checkpoint) error {
		return rows.Scan(&c.Size, &c.Hash, &c.Note, &c.Time)
	})
}

// ScanAccounts implements linkfin.Store.
func (db *DB) ScanAccounts(ctx context.Context, fn func(*ledger.Account) error) error {
	rows, err := db.query(ctx, `SELECT `+accountCols+` FROM accounts ORDER BY id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a ledger.Account
		if err := scanAccount(rows, &a); err != nil {
			return err
		}
		if err := fn(&a); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Meta implements linkfin.Store; a missing key reads as "".
func (db *DB) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := db.queryRow(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetMeta implements linkfin.Store.
func (db *DB) SetMeta(ctx context.Context, key, value string) error {
	_, err := db.w.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return unavailable(err)
}

// PartiesByKey implements linkfin.Snapshot.
func (db *DB) PartiesByKey(ctx context.Context, keys []linkfin.ObjectKey) (map[linkfin.ObjectKey][]string, error) {
	out := make(map[linkfin.ObjectKey][]string)
	if len(keys) == 0 {
		return out, nil
	}
	list, err := keyList(keys)
	if err != nil {
		return nil, err
	}
	// The keys are made a set (an ephemeral index) and the party index, whose key starts
	// with the party, is read once against it: the join this replaces read the whole
	// table again for each key.
	rows, err := db.query(ctx, `SELECT kind, id, party FROM object_parties
		WHERE (kind, id) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?))`, list)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k linkfin.ObjectKey
		var party string
		if err := rows.Scan(&k.Kind, &k.ID, &party); err != nil {
			return nil, err
		}
		out[k] = append(out[k], party)
	}
	return out, rows.Err()
}

// IndexRowsByKey implements linkfin.Snapshot: each entry named is one seek of the
// index's key.
func (db *DB) IndexRowsByKey(ctx context.Context, keys []linkfin.IndexRow) ([]linkfin.IndexRow, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	quads := make([][4]string, len(keys))
	for i, k := range keys {
		quads[i] = [4]string{k.Kind, k.Name, k.Value, k.ID}
	}
	list, err := json.Marshal(quads)
	if err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, indexRowsByKey, string(list))
	return collect(rows, err, func(r checkedRows, x *linkfin.IndexRow) error {
		return r.Scan(&x.Kind, &x.ID, &x.Name, &x.Value, &x.Amount)
	})
}

// indexRowsByKey reads the entries of the ordered index a JSON array names, each as
// [kind, name, value, id]; the CROSS JOIN walks the array and seeks the index.
const indexRowsByKey = `SELECT x.kind, x.id, x.name, x.value, x.amount FROM json_each(?) k
	CROSS JOIN object_index x ON x.kind = k.value ->> 0 AND x.name = k.value ->> 1 AND x.value = k.value ->> 2 AND x.id = k.value ->> 3`

// Tables implements linkfin.Snapshot.
func (db *DB) Tables(ctx context.Context) (map[string]int64, error) {
	rows, err := db.query(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		return nil, err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(names))
	for _, n := range names {
		var c int64
		if err := db.queryRow(ctx, `SELECT count(*) FROM "`+strings.ReplaceAll(n, `"`, `""`)+`"`).Scan(&c); err != nil {
			return nil, err
		}
		out[n] = c
	}
	return out, nil
}

// Snapshot implements linkfin.Store with a read transaction on a connection of the
// read pool: in WAL mode it sees the database as of its first read, which it makes at
// once, while the writer goes on committing.
func (db *DB) Snapshot(ctx context.Context) (linkfin.Snapshot, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, unavailable(err)
	}
	var n int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM meta`).Scan(&n); err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("snapshot: %w", unavailable(err))
	}
	return &snapshot{DB: &DB{path: db.path, w: db.w, r: db.r, snap: tx}}, nil
}

// snapshot is a DB whose reads all go through one read transaction.
type snapshot struct{ *DB }

// Close ends the read transaction.
func (s *snapshot) Close() error { return s.snap.Rollback() }

// Reopen opens the database file again, as a new process would; tests use it to
// check what survives closing the store.
func (db *DB) Reopen(ctx context.Context) (linkfin.Store, error) { return Open(db.path) }

// Exec runs a statement on the writer; tests use it to tamper with a database.
func (db *DB) Exec(ctx context.Context, query string, args ...any) error {
	_, err := db.w.ExecContext(ctx, query, args...)
	return err
}

// BaselineInsert is the benchmark's yardstick: rows shaped like transfer rows, with
// the transfers table's keys, inserted batch rows per transaction by the same
// multi-row statements that Commit uses, into a scratch table that is dropped after.
func (db *DB) BaselineInsert(ctx context.Context, rows, batch int) (time.Duration, error) {
	if _, err := db.w.ExecContext(ctx, `DROP TABLE IF EXISTS bench_baseline`); err != nil {
		return 0, err
	}
	if _, err := db.w.ExecContext(ctx, `CREATE TABLE bench_baseline (
		id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, debit_account_id INTEGER NOT NULL,
		credit_account_id INTEGER NOT NULL, amount INTEGER NOT NULL, pending_id INTEGER NOT NULL,
		ledger INTEGER NOT NULL, currency TEXT NOT NULL, code INTEGER NOT NULL, flags INTEGER NOT NULL,
		timeout INTEGER NOT NULL, prev_debit INTEGER NOT NULL, prev_credit INTEGER NOT NULL)`); err != nil {
		return 0, err
	}
	defer func() {
		db.mu.Lock()
		for k, s := range db.stmts {
			if strings.Contains(k.head, "bench_baseline") {
				s.Close()
				delete(db.stmts, k)
			}
		}
		db.mu.Unlock()
		db.w.ExecContext(context.Background(), `DROP TABLE IF EXISTS bench_baseline`)
	}()
	start := time.Now()
	for from := 0; from < rows; from += batch {
		in := insert{`INSERT INTO bench_baseline`, 13, "", min(batch, rows-from), func(i int, args []any) []any {
			k := int64(from + i + 1)
			return append(args, k, k, k%100_000+1, (k*7)%100_000+1, k, 0, 1, "CNY", 1, 0, 0, 0, 0)
		}}
		for size := range chunks(in.n) {
			if _, err := db.stmt(ctx, in.head, in.cols, in.tail, size); err != nil {
				return 0, err
			}
		}
		tx, err := db.w.BeginTx(ctx, nil)
		if err != nil {
			return 0, err
		}
		if err := db.insertRows(ctx, tx, in); err != nil {
			tx.Rollback()
			return 0, err
		}
		if err := tx.Commit(); err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}
