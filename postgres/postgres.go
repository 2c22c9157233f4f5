// Package postgres is linkfin's production store: PostgreSQL through pgx. The engine,
// the only writer, commits each batch in one transaction, with COPY for the rows it
// inserts and one array statement for each kind of row it updates.
package postgres

import (
	"cmp"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"linkfin"
	"linkfin/ledger"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is a PostgreSQL store. Readers and the engine share one pool; the engine writes
// through one connection at a time.
type DB struct {
	pool *pgxpool.Pool
	// snap, in a snapshot (see Snapshot), is the read transaction every read goes
	// through.
	snap pgx.Tx
	// w is the writer's lock while an engine holds it (LockWriter).
	w atomic.Pointer[writer]
}

// querier runs queries: the pool, or a snapshot's transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// reader is where reads go: the pool, or in a snapshot its transaction. The
// database's own failures come out of it marked unavailable.
func (db *DB) reader() querier {
	if db.snap != nil {
		return checked{db.snap}
	}
	return checked{db.pool}
}

var _ linkfin.Store = (*DB)(nil)

// Open connects to the database at url, a PostgreSQL URL or key=value string as pgx
// accepts it. Run-time parameters such as search_path may be given in the URL
// (postgres://…/linkfin?search_path=ledger), and so may the pool's settings
// (pool_max_conns=16).
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open %s:%d/%s: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database, err)
	}
	return &DB{pool: pool}, nil
}

// Dialect implements linkfin.Store.
func (db *DB) Dialect() string { return "postgres" }

// Close closes the pool, waiting for connections in use to be released.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// migrationLock serialises migrations of the same schema across processes: the
// advisory lock's key is derived from the schema's name, and released with the
// transaction that takes it.
const migrationLock = `SELECT pg_advisory_xact_lock(hashtextextended('linkfin migrate ' || coalesce(current_schema(), ''), 0))`

// Migrate applies the embedded migrations in order, each in its own transaction, and
// records them in schema_migrations. Concurrent migrations wait for one another.
func (db *DB) Migrate(ctx context.Context) error {
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, migrationLock); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`)
		return err
	})
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	slices.Sort(names)
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
	return nil
}

// backfillIndexName enters, once, the records of a kind in an index name added after
// the ordered index was made: it replaces whatever entries of the name they have (none,
// or those the first backfill made) with those IndexOf gives, and the name's totals
// with their sums.
func (db *DB) backfillIndexName(ctx context.Context, migration, kind, name string) error {
	return db.once(ctx, migration, func(tx pgx.Tx) error {
		for _, table := range []string{"object_index", "object_totals"} {
			if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE kind = $1 AND name = $2`, kind, name); err != nil {
				return err
			}
		}
		return indexRecords(ctx, tx, kind, name)
	})
}

// backfillIndex enters, once, the records written before the ordered index existed
// (migration 0005 made it empty) in it, and sums the totals (see linkfin.Totaled).
func (db *DB) backfillIndex(ctx context.Context) error {
	return db.once(ctx, linkfin.IndexBackfill, func(tx pgx.Tx) error {
		for _, kind := range linkfin.IndexKinds {
			if err := indexRecords(ctx, tx, kind, ""); err != nil {
				return err
			}
		}
		return nil
	})
}

// indexRecords enters the records of a kind in the ordered index, a page at a time:
// their entries of the name, or of every name with name "", and then the sums of
// those entries as the totals the index keeps. The index holds none of them yet.
func indexRecords(ctx context.Context, tx pgx.Tx, kind, name string) error {
	for after := ""; ; {
		rows, err := tx.Query(ctx, `SELECT kind, id, version, data, updated_at FROM objects WHERE kind = $1 AND id > $2 ORDER BY id LIMIT 1000`, kind, after)
		objs, err := collect(rows, err, scanObject)
		if err != nil {
			return err
		}
		for _, o := range objs {
			entries, err := linkfin.IndexOf(kind, o.Data)
			if err != nil {
				return fmt.Errorf("%s %s: %w", kind, o.ID, err)
			}
			for _, e := range entries {
				if name != "" && e.Name != name {
					continue
				}
				if _, err := tx.Exec(ctx, `INSERT INTO object_index (kind, id, name, value, amount) VALUES ($1, $2, $3, $4, $5)`,
					kind, o.ID, e.Name, e.Value, e.Amount); err != nil {
					return err
				}
			}
		}
		if len(objs) < 1000 {
			break
		}
		after = objs[len(objs)-1].ID
	}
	// The totals of the names that keep them (linkfin.Totaled).
	for _, n := range linkfin.IndexNames {
		if n[0] != kind || name != "" && n[1] != name || !linkfin.Totaled(n[1]) {
			continue
		}
		if _, err := tx.Exec(ctx, `INSERT INTO object_totals (kind, name, value, count, amount)
			SELECT kind, name, value, count(*), sum(amount) FROM object_index
			WHERE kind = $1 AND name = $2
			GROUP BY kind, name, value`, kind, n[1]); err != nil {
			return err
		}
	}
	return nil
}

// backfillEventIndex indexes, once, the events written before the index of events by
// record existed (migration 0004 made it empty). It is recorded as a migration of its
// own. Events are read a page at a time; transfer events name no record, and are not
// read.
func (db *DB) backfillEventIndex(ctx context.Context) error {
	return db.once(ctx, linkfin.EventIndexBackfill, func(tx pgx.Tx) error {
		for after := int64(-1); ; {
			rows, err := tx.Query(ctx, `SELECT seq, type, data FROM events
				WHERE seq > $1 AND transfer_id IS NULL ORDER BY seq LIMIT 1000`, after)
			evs, err := collect(rows, err, func(row pgx.Row, e *linkfin.Event) error { return row.Scan(&e.Seq, &e.Type, &e.Data) })
			if err != nil {
				return err
			}
			seqs, kinds, ids := eventIndexRows(evs)
			if len(seqs) > 0 {
				if _, err := tx.Exec(ctx, `INSERT INTO record_events (seq, kind, id)
					SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING`, seqs, kinds, ids); err != nil {
					return err
				}
			}
			if len(evs) < 1000 {
				return nil
			}
			after = evs[len(evs)-1].Seq
		}
	})
}

// backfillParties indexes, once, the parties of the records written before the party
// index existed (migration 0003 made it empty). It is recorded as a migration of its
// own; records written since are indexed already, and are skipped. Records are read a
// page at a time, since a connection runs one query at a time.
func (db *DB) backfillParties(ctx context.Context) error {
	return db.once(ctx, linkfin.PartyBackfill, func(tx pgx.Tx) error {
		var afterKind, afterID string
		for {
			rows, err := tx.Query(ctx, `SELECT kind, id, data FROM objects WHERE (kind, id) > ($1, $2) ORDER BY kind, id LIMIT 1000`, afterKind, afterID)
			if err != nil {
				return err
			}
			var parties, kinds, ids []string
			n := 0
			for rows.Next() {
				var kind, id string
				var data []byte
				if err := rows.Scan(&kind, &id, &data); err != nil {
					rows.Close()
					return err
				}
				ps, err := linkfin.PartiesOf(kind, data)
				if err != nil {
					rows.Close()
					return fmt.Errorf("%s %s: %w", kind, id, err)
				}
				for _, p := range ps {
					parties, kinds, ids = append(parties, p), append(kinds, kind), append(ids, id)
				}
				afterKind, afterID, n = kind, id, n+1
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if len(parties) > 0 {
				if _, err := tx.Exec(ctx, `INSERT INTO object_parties (party, kind, id)
					SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING`, parties, kinds, ids); err != nil {
					return err
				}
			}
			if n < 1000 {
				return nil
			}
		}
	})
}

func (db *DB) migrateFile(ctx context.Context, name string) error {
	return db.once(ctx, name, func(tx pgx.Tx) error {
		body, err := fs.ReadFile(migrations, name)
		if err != nil {
			return err
		}
		// Without arguments pgx uses the simple protocol, which runs many statements.
		_, err = tx.Exec(ctx, string(body))
		return err
	})
}

// once runs apply in a transaction that holds the migration lock and records version
// in schema_migrations, unless it is recorded already.
func (db *DB) once(ctx context.Context, version string, apply func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, migrationLock); err != nil {
			return err
		}
		var applied bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)`, version).Scan(&applied); err != nil || applied {
			return err
		}
		if err := apply(tx); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, version, time.Now().Unix())
		return err
	})
}

// writerLock is the key of the advisory lock that the engine holds while it writes: it
// is derived from the schema's name, like migrationLock but never equal to it.
const writerLock = `hashtextextended('linkfin writer ' || coalesce(current_schema(), ''), 0)`

// LockWriter implements linkfin.Store with a session advisory lock, held on a
// connection of its own until release. The server drops it when that session ends, so
// a writer that dies does not leave the schema locked.
//
// The server drops it as well when the session ends under a live writer: PostgreSQL
// restarted, a network fault, pg_terminate_backend. So the writer's batches commit on
// that session (Commit), and none commits while the lock is not held: once the session
// is lost, the next commit takes the lock again on a new one, and only if the log is
// as this writer left it, that is, no other writer took the lock meanwhile and wrote.
// Otherwise every commit is refused, writer_locked, until the process starts again.
func (db *DB) LockWriter(ctx context.Context) (func(), error) {
	conn, clock, err := takeWriterLock(ctx, db.pool)
	if err != nil {
		return nil, err
	}
	w := &writer{conn: conn, clock: clock}
	db.w.Store(w)
	stop, kept := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(kept)
		w.keep(db.pool, stop)
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(stop)
			<-kept
			db.w.CompareAndSwap(w, nil)
			w.mu.Lock()
			defer w.mu.Unlock()
			w.release()
			w.refused = errReleased
		})
	}, nil
}

// writerLockCheck is how often an idle writer checks that the session holding its
// lock is alive, and takes the lock again if not.
const writerLockCheck = time.Second

// keep checks the writer's session every writerLockCheck until stop, so that a writer
// with nothing to commit takes its lock again soon after losing it (PostgreSQL
// restarted), before another writer could take it.
func (w *writer) keep(pool *pgxpool.Pool, stop <-chan struct{}) {
	t := time.NewTicker(writerLockCheck)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		w.check(pool)
	}
}

// check pings the session that holds the lock, unless a batch is being committed on
// it, and takes the lock again if the session was lost. A failure to take it is the
// next commit's to report.
func (w *writer) check(pool *pgxpool.Pool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.refused != nil || w.busy {
		return
	}
	if w.conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := w.conn.Ping(ctx)
		cancel()
		if err == nil || !w.conn.Conn().IsClosed() {
			return
		}
		w.lost()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	w.retake(ctx, pool)
}

// errReleased refuses a commit of a writer whose lock was released.
var errReleased = linkfin.Errorf(linkfin.ELOCKED, "this writer released its lock")

// takeWriterLock takes the writer's lock on a connection of its own, and reads the
// clock the last batch stored, once the lock is held.
func takeWriterLock(ctx context.Context, pool *pgxpool.Pool) (*pgxpool.Conn, string, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("lock writer: %w", unavailable(err))
	}
	var locked bool
	var schema string
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(`+writerLock+`), coalesce(current_schema(), '')`).Scan(&locked, &schema); err != nil {
		conn.Release()
		return nil, "", fmt.Errorf("lock writer: %w", unavailable(err))
	}
	if !locked {
		conn.Release()
		return nil, "", linkfin.Errorf(linkfin.ELOCKED, "schema %q already has a writer (another linkfin process or engine)", schema)
	}
	var clock string
	err = conn.QueryRow(ctx, `SELECT coalesce((SELECT value FROM meta WHERE key = 'clock'), '')`).Scan(&clock)
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "42P01" {
		err = nil // a database not migrated yet: no batch stored
	}
	if err != nil {
		unlock(conn)
		return nil, "", fmt.Errorf("lock writer: %w", unavailable(err))
	}
	return conn, clock, nil
}

// unlock drops the writer's lock and gives its connection back.
func unlock(conn *pgxpool.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_unlock(`+writerLock+`)`); err != nil {
		// Ending the session is the other way to drop the lock; the pool
		// then discards the connection.
		conn.Conn().Close(ctx)
	}
	conn.Release()
}

// writer is the lock of the engine that writes the database (LockWriter), and the
// session that holds it.
type writer struct {
	mu   sync.Mutex
	conn *pgxpool.Conn // the session holding the lock; nil once it was lost
	// clock is the clock the last batch this writer committed stored (meta's "clock";
	// "" for none), and unsure, the clock of a batch after it whose commit failed
	// without knowing whether the server stored it: one of the two is in the database
	// if no other writer wrote it since.
	clock, unsure string
	// refused, once set, refuses every commit: another writer wrote, or the lock was
	// released.
	refused error
	// busy: a batch's transaction is open on conn (from begin to committed).
	busy bool
}

// begin starts a batch's transaction on the session that holds the lock, taking the
// lock again first if that session was lost: found closed, or closing as the
// transaction begins (then nothing of the batch was sent, and it begins again once).
func (w *writer) begin(ctx context.Context, pool *pgxpool.Pool) (pgx.Tx, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for again := true; ; again = false {
		if w.refused != nil {
			return nil, w.refused
		}
		if w.conn != nil && w.conn.Conn().IsClosed() {
			w.lost()
		}
		if w.conn == nil {
			if err := w.retake(ctx, pool); err != nil {
				return nil, err
			}
		}
		tx, err := w.conn.Begin(ctx)
		if err == nil || !w.conn.Conn().IsClosed() {
			w.busy = err == nil
			return tx, err
		}
		w.lost()
		if !again {
			return nil, err
		}
	}
}

// retake takes the lock again on a new session, if the log is as this writer left it.
func (w *writer) retake(ctx context.Context, pool *pgxpool.Pool) error {
	conn, clock, err := takeWriterLock(ctx, pool)
	if err != nil {
		return err
	}
	if clock != w.clock && (w.unsure == "" || clock != w.unsure) {
		unlock(conn)
		w.refused = linkfin.Errorf(linkfin.ELOCKED, "this server lost its writer lock (its session with the database ended) and another writer wrote since: restart it")
		return w.refused
	}
	w.conn, w.clock, w.unsure = conn, clock, ""
	return nil
}

// committed records the end of a batch's commit, which would store clock.
func (w *writer) committed(clock string, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.busy = false
	if err == nil {
		w.clock, w.unsure = clock, ""
		return
	}
	w.unsure = clock
	if w.conn != nil && w.conn.Conn().IsClosed() {
		w.lost()
	}
}

// lost forgets the session that held the lock: the server dropped the lock with it.
func (w *writer) lost() {
	w.conn.Release()
	w.conn = nil
}

// release drops the lock, if this writer still holds it.
func (w *writer) release() {
	if w.conn != nil {
		unlock(w.conn)
		w.conn = nil
	}
}

const accountCols = `id, ledger, currency, code, flags, debits_pending, debits_posted,
	credits_pending, credits_posted, created_at, last_transfer`

func scanAccount(row pgx.Row, a *ledger.Account) error {
	return row.Scan(&a.ID, &a.Ledger, &a.Currency, &a.Code, &a.Flags, &a.DebitsPending,
		&a.DebitsPosted, &a.CreditsPending, &a.CreditsPosted, &a.Timestamp, &a.LastTransfer)
}

const transferCols = `id, ts, debit_account_id, credit_account_id, amount, pending_id, ledger,
	currency, code, flags, timeout, prev_debit, prev_credit`

func scanTransfer(row pgx.Row, t *ledger.Transfer) error {
	return row.Scan(&t.ID, &t.Timestamp, &t.DebitAccountID, &t.CreditAccountID, &t.Amount,
		&t.PendingID, &t.Ledger, &t.Currency, &t.Code, &t.Flags, &t.Timeout, &t.PrevDebit, &t.PrevCredit)
}

func scanPending(row pgx.Row, p *ledger.PendingState) error {
	return row.Scan(&p.ID, &p.ExpiresAt, &p.Status)
}

// collect reads every row of rows with scan.
func collect[T any](rows pgx.Rows, err error, scan func(pgx.Row, *T) error) ([]T, error) {
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

// Head implements linkfin.Store.
func (db *DB) Head(ctx context.Context) (linkfin.Head, error) {
	var h linkfin.Head
	var clock, at *string
	err := db.reader().QueryRow(ctx, `SELECT (SELECT coalesce(max(seq) + 1, 0) FROM events),
		(SELECT value FROM meta WHERE key = 'clock'),
		(SELECT value FROM meta WHERE key = 'accounts_at'),
		(SELECT coalesce(max(id), 0) FROM transfers)`).Scan(&h.Size, &clock, &at, &h.MaxTransferID)
	if err != nil {
		return h, err
	}
	if clock != nil {
		h.Clock, _ = strconv.ParseInt(*clock, 10, 64)
	}
	if at != nil {
		h.AccountsAt, _ = strconv.ParseInt(*at, 10, 64)
	}
	var c linkfin.Checkpoint
	err = db.reader().QueryRow(ctx, `SELECT size, hash, note, time FROM checkpoints ORDER BY size DESC LIMIT 1`).
		Scan(&c.Size, &c.Hash, &c.Note, &c.Time)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return h, err
	default:
		h.Last = &c
	}
	return h, nil
}

// AccountsByID implements linkfin.Store. The engine's prefetch runs on its own pooled
// connection while the previous batch commits: rows that batch changed are in the
// engine's memory, and every other row is current in any snapshot.
func (db *DB) AccountsByID(ctx context.Context, ids []int64) ([]ledger.Account, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := db.reader().Query(ctx, `SELECT `+accountCols+` FROM accounts WHERE id = ANY($1::bigint[])`, ids)
	return collect(rows, err, scanAccount)
}

// TransfersByID implements linkfin.Store.
func (db *DB) TransfersByID(ctx context.Context, ids []int64) ([]ledger.Transfer, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := db.reader().Query(ctx, `SELECT `+transferCols+` FROM transfers WHERE id = ANY($1::bigint[])`, ids)
	return collect(rows, err, scanTransfer)
}

// PendingByID implements linkfin.Store.
func (db *DB) PendingByID(ctx context.Context, ids []int64) ([]ledger.PendingState, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := db.reader().Query(ctx, `SELECT id, expires_at, status FROM pending_transfers WHERE id = ANY($1::bigint[])`, ids)
	return collect(rows, err, scanPending)
}

// OpenPending implements linkfin.Store.
func (db *DB) OpenPending(ctx context.Context) ([]ledger.PendingState, error) {
	rows, err := db.reader().Query(ctx, `SELECT id, expires_at, status FROM pending_transfers
		WHERE status = $1 AND expires_at > 0`, int16(ledger.StatusPending))
	return collect(rows, err, scanPending)
}

// ScanIdempotency implements linkfin.Store.
func (db *DB) ScanIdempotency(ctx context.Context, fn func(*linkfin.IdempotencyRecord) error) error {
	rows, err := db.reader().Query(ctx, `SELECT key, request_hash, response, created_at FROM idempotency_keys ORDER BY key`)
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

// IdempotencyByKey implements linkfin.Store.
func (db *DB) IdempotencyByKey(ctx context.Context, keys []string) ([]linkfin.IdempotencyRecord, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	// A join with the keys, not "key = ANY(…)": as the table grows during a run, the
	// planner's cached plan for that form could turn to a scan of the whole table.
	rows, err := db.reader().Query(ctx, `SELECT i.key, i.request_hash, i.response, i.created_at
		FROM unnest($1::text[]) AS k(key) JOIN idempotency_keys i ON i.key = k.key`, keys)
	return collect(rows, err, func(row pgx.Row, r *linkfin.IdempotencyRecord) error {
		return row.Scan(&r.Key, &r.RequestHash, &r.Response, &r.Time)
	})
}

// ObjectsByKey implements linkfin.Store.
func (db *DB) ObjectsByKey(ctx context.Context, keys []linkfin.ObjectKey) ([]linkfin.Object, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	kinds, ids := make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		kinds[i], ids[i] = k.Kind, k.ID
	}
	rows, err := db.reader().Query(ctx, `SELECT o.kind, o.id, o.version, o.data, o.updated_at FROM objects AS o
		JOIN unnest($1::text[], $2::text[]) AS k(kind, id) ON o.kind = k.kind AND o.id = k.id`, kinds, ids)
	return collect(rows, err, scanObject)
}

func scanObject(row pgx.Row, o *linkfin.Object) error {
	return row.Scan(&o.Kind, &o.ID, &o.Version, &o.Data, &o.UpdatedAt)
}

// Object implements linkfin.Store.
func (db *DB) Object(ctx context.Context, kind, id string) (*linkfin.Object, error) {
	var o linkfin.Object
	err := scanObject(db.reader().QueryRow(ctx, `SELECT kind, id, version, data, updated_at FROM objects
		WHERE kind = $1 AND id = $2`, kind, id), &o)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "%s %s not found", kind, id)
	}
	return &o, err
}

// ListObjects implements linkfin.Store.
func (db *DB) ListObjects(ctx context.Context, kind, after string, limit int) ([]linkfin.Object, error) {
	rows, err := db.reader().Query(ctx, `SELECT kind, id, version, data, updated_at FROM objects
		WHERE kind = $1 AND id > $2 ORDER BY id LIMIT $3`, kind, after, limit)
	return collect(rows, err, scanObject)
}

// ListObjectsByParty implements linkfin.Store, walking the party index in id order.
func (db *DB) ListObjectsByParty(ctx context.Context, kind, party, after string, limit int) ([]linkfin.Object, error) {
	rows, err := db.reader().Query(ctx, `SELECT o.kind, o.id, o.version, o.data, o.updated_at FROM object_parties AS p
		JOIN objects AS o ON o.kind = p.kind AND o.id = p.id
		WHERE p.party = $1 AND p.kind = $2 AND p.id > $3 ORDER BY p.id LIMIT $4`, party, kind, after, limit)
	return collect(rows, err, scanObject)
}

// ListIndexed implements linkfin.Store, walking the ordered index.
func (db *DB) ListIndexed(ctx context.Context, kind, name, prefix, afterValue, afterID string, limit int) ([]linkfin.IndexedObject, error) {
	rows, err := db.reader().Query(ctx, `SELECT x.value, o.kind, o.id, o.version, o.data, o.updated_at FROM object_index AS x
		JOIN objects AS o ON o.kind = x.kind AND o.id = x.id
		WHERE x.kind = $1 AND x.name = $2 AND x.value >= $3 AND x.value < $4 AND (x.value, x.id) > ($5, $6)
		ORDER BY x.value, x.id LIMIT $7`, kind, name, prefix, linkfin.IndexEnd(prefix), afterValue, afterID, limit)
	return collect(rows, err, func(row pgx.Row, o *linkfin.IndexedObject) error {
		return row.Scan(&o.Value, &o.Kind, &o.ID, &o.Version, &o.Data, &o.UpdatedAt)
	})
}

// IndexTotals implements linkfin.Store.
func (db *DB) IndexTotals(ctx context.Context, kind, name, from, to string) ([]linkfin.IndexTotal, error) {
	if to == "" {
		to = linkfin.IndexEnd("")
	}
	// The NUMERIC total, in the two parts of a linkfin.Sum (base 10^18; NewSum takes
	// the remainder's sign as it comes).
	rows, err := db.reader().Query(ctx, `SELECT value, count, div(amount, 1000000000000000000)::bigint, mod(amount, 1000000000000000000)::bigint
		FROM object_totals
		WHERE kind = $1 AND name = $2 AND value >= $3 AND value < $4 AND count > 0 ORDER BY value`, kind, name, from, to)
	return collect(rows, err, func(row pgx.Row, t *linkfin.IndexTotal) error {
		var high, low int64
		if err := row.Scan(&t.Value, &t.Count, &high, &low); err != nil {
			return err
		}
		var err error
		t.Amount, err = linkfin.NewSum(high, low)
		return err
	})
}

// WasParty implements linkfin.Store.
func (db *DB) WasParty(ctx context.Context, kind, id, party string) (bool, error) {
	var one int
	err := db.reader().QueryRow(ctx, `SELECT 1 FROM object_parties WHERE party = $1 AND kind = $2 AND id = $3`, party, kind, id).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// ReadTiles implements linkfin.Store: each tile's first W hashes, in one query.
func (db *DB) ReadTiles(ctx context.Context, tiles []linkfin.Tile) ([][]byte, error) {
	if len(tiles) == 0 {
		return nil, nil
	}
	levels := make([]int32, len(tiles))
	idxs := make([]int64, len(tiles))
	for i, t := range tiles {
		levels[i], idxs[i] = int32(t.L), t.N
	}
	rows, err := db.reader().Query(ctx, `SELECT t.level, t.idx, t.data FROM log_tiles AS t
		JOIN unnest($1::int[], $2::bigint[]) AS w(level, idx) ON t.level = w.level AND t.idx = w.idx`, levels, idxs)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type key struct {
		l int
		n int64
	}
	found := make(map[key][]byte, len(tiles))
	for rows.Next() {
		var k key
		var data []byte
		if err := rows.Scan(&k.l, &k.n, &data); err != nil {
			return nil, err
		}
		found[k] = data
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		data, ok := found[key{t.L, t.N}]
		if !ok {
			return nil, fmt.Errorf("read tile %d/%d: %w", t.L, t.N, pgx.ErrNoRows)
		}
		if len(data) < t.W*32 {
			return nil, fmt.Errorf("read tile %d/%d: have %d hashes, want %d", t.L, t.N, len(data)/32, t.W)
		}
		out[i] = data[:t.W*32]
	}
	return out, nil
}

// The arrays are unnested in the select list, which streams them in step; unnest in FROM
// would first copy each one into a tuplestore.
const updateAccounts = `UPDATE accounts AS a SET flags = u.flags,
		debits_pending = u.debits_pending, debits_posted = u.debits_posted,
		credits_pending = u.credits_pending, credits_posted = u.credits_posted,
		last_transfer = u.last_transfer
	FROM (SELECT unnest($1::bigint[]) AS id, unnest($2::int[]) AS flags,
		unnest($3::bigint[]) AS debits_pending, unnest($4::bigint[]) AS debits_posted,
		unnest($5::bigint[]) AS credits_pending, unnest($6::bigint[]) AS credits_posted,
		unnest($7::bigint[]) AS last_transfer) AS u
	WHERE a.id = u.id`

const updatePending = `UPDATE pending_transfers AS p SET status = u.status
	FROM (SELECT unnest($1::bigint[]) AS id, unnest($2::smallint[]) AS status) AS u
	WHERE p.id = u.id`

const upsertTiles = `INSERT INTO log_tiles (level, idx, width, data)
	SELECT unnest($1::int[]), unnest($2::bigint[]), unnest($3::int[]), unnest($4::bytea[])
	ON CONFLICT (level, idx) DO UPDATE SET width = excluded.width, data = excluded.data
		WHERE excluded.width > log_tiles.width`

// Commit implements linkfin.Store: the whole batch in one transaction. Inserted rows go
// in with binary COPY (copyLedger); updated rows (one array statement per table, in id
// order), tiles, records, the checkpoint and the clock go in one round trip
// (batchStatements).
//
// An engine's batches (LockWriter) commit on the session that holds its lock.
func (db *DB) Commit(ctx context.Context, b *linkfin.Batch) (err error) {
	var tx pgx.Tx
	w := db.w.Load()
	if w != nil {
		tx, err = w.begin(ctx, db.pool)
	} else {
		tx, err = db.pool.Begin(ctx)
	}
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	clock := strconv.FormatInt(b.Clock, 10)
	defer func() {
		if err != nil {
			tx.Rollback(ctx)
			err = fmt.Errorf("commit: %w", err)
		}
		if w != nil {
			w.committed(clock, err)
		}
	}()
	if err = copyLedger(ctx, tx, b); err != nil {
		return err
	}
	s, err := batchStatements(b)
	if err != nil {
		return err
	}
	if err = s.send(ctx, tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// copyLedger copies the batch's new rows into their tables, in this order: accounts,
// transfers, pending transfers, events and idempotency answers.
func copyLedger(ctx context.Context, tx pgx.Tx, b *linkfin.Batch) error {
	if err := copyIn(ctx, tx, "accounts", accountCols, 11, len(b.NewAccounts), func(c *copyData, i int) {
		a := b.NewAccounts[i]
		c.int8(a.ID)
		c.int8(int64(a.Ledger))
		c.text(a.Currency)
		c.int4(int32(a.Code))
		c.int4(int32(a.Flags))
		c.int8(a.DebitsPending)
		c.int8(a.DebitsPosted)
		c.int8(a.CreditsPending)
		c.int8(a.CreditsPosted)
		c.int8(a.Timestamp)
		c.int8(a.LastTransfer)
	}); err != nil {
		return err
	}
	if err := copyIn(ctx, tx, "transfers", transferCols, 13, len(b.Transfers), func(c *copyData, i int) {
		t := b.Transfers[i]
		c.int8(t.ID)
		c.int8(t.Timestamp)
		c.int8(t.DebitAccountID)
		c.int8(t.CreditAccountID)
		c.int8(t.Amount)
		c.int8(t.PendingID)
		c.int8(int64(t.Ledger))
		c.text(t.Currency)
		c.int4(int32(t.Code))
		c.int4(int32(t.Flags))
		c.int8(int64(t.Timeout))
		c.int8(t.PrevDebit)
		c.int8(t.PrevCredit)
	}); err != nil {
		return err
	}
	if err := copyIn(ctx, tx, "pending_transfers", "id, expires_at, status", 3, len(b.NewPending), func(c *copyData, i int) {
		p := b.NewPending[i]
		c.int8(p.ID)
		c.int8(p.ExpiresAt)
		c.int2(int16(p.Status))
	}); err != nil {
		return err
	}
	if err := copyIn(ctx, tx, "events", "seq, time, type, data, transfer_id", 5, len(b.Events), func(c *copyData, i int) {
		e := &b.Events[i]
		c.int8(e.Seq)
		if e.TransferID != 0 {
			// Time, type and data are the transfers row's.
			c.null()
			c.null()
			c.null()
			c.int8(e.TransferID)
			return
		}
		c.int8(e.Time)
		c.text(e.Type)
		c.bytea(e.Data)
		c.null()
	}); err != nil {
		return err
	}
	return copyIn(ctx, tx, "idempotency_keys", "key, request_hash, response, created_at", 4, len(b.Idempotency), func(c *copyData, i int) {
		r := &b.Idempotency[i]
		c.text(r.Key)
		c.bytea(r.RequestHash)
		c.bytea(r.Response)
		c.int8(r.Time)
	})
}

// statements are queued to be sent in one round trip, each with the check of the
// number of rows it affected; a nil check accepts any number.
type statements struct {
	q      pgx.Batch
	checks []func(int64) error
}

// queue adds the statement sql with its arguments, and its check.
func (s *statements) queue(check func(int64) error, sql string, args ...any) {
	s.q.Queue(sql, args...)
	s.checks = append(s.checks, check)
}

// expect is the check that a statement affected n rows of what.
func expect(what string, n int) func(int64) error {
	return func(got int64) error {
		if got != int64(n) {
			return fmt.Errorf("update %s: %d of %d rows found", what, got, n)
		}
		return nil
	}
}

// send sends the statements to run in tx, in one round trip and in the order they were
// queued, and checks what each affected: it returns the first error or failed check.
func (s *statements) send(ctx context.Context, tx pgx.Tx) error {
	br := tx.SendBatch(ctx, &s.q)
	for _, check := range s.checks {
		tag, err := br.Exec()
		if err == nil && check != nil {
			err = check(tag.RowsAffected())
		}
		if err != nil {
			br.Close()
			return err
		}
	}
	return br.Close()
}

// batchStatements are the statements that write what copyLedger does not, in the
// order they run: the ledger's updated rows and the log's tiles (ledgerStatements),
// then the records' with their indexes (recordStatements), then the engine's own
// (metaStatements).
func batchStatements(b *linkfin.Batch) (*statements, error) {
	s := new(statements)
	ledgerStatements(s, b)
	if err := recordStatements(s, b); err != nil {
		return nil, err
	}
	metaStatements(s, b)
	return s, nil
}

// ledgerStatements update the batch's changed accounts and pending transfers, each
// table in one statement in id order, and write the log's tiles.
func ledgerStatements(s *statements, b *linkfin.Batch) {
	if n := len(b.Accounts); n > 0 {
		// In id order, so the updates walk the table's index and pages forward.
		accts := slices.SortedFunc(slices.Values(b.Accounts), func(x, y *ledger.Account) int { return cmp.Compare(x.ID, y.ID) })
		ids, flags := make([]int64, n), make([]int32, n)
		dp, dP, cp, cP, last := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
		for i, a := range accts {
			ids[i], flags[i] = a.ID, int32(a.Flags)
			dp[i], dP[i], cp[i], cP[i], last[i] = a.DebitsPending, a.DebitsPosted, a.CreditsPending, a.CreditsPosted, a.LastTransfer
		}
		s.queue(expect("accounts", n), updateAccounts, ids, flags, dp, dP, cp, cP, last)
	}
	if n := len(b.Pending); n > 0 {
		pend := slices.SortedFunc(slices.Values(b.Pending), func(x, y *ledger.PendingState) int { return cmp.Compare(x.ID, y.ID) })
		ids, status := make([]int64, n), make([]int16, n)
		for i, p := range pend {
			ids[i], status[i] = p.ID, int16(p.Status)
		}
		s.queue(expect("pending transfers", n), updatePending, ids, status)
	}
	if n := len(b.Tiles); n > 0 {
		levels, idxs, widths, data := make([]int32, n), make([]int64, n), make([]int32, n), make([][]byte, n)
		for i, t := range b.Tiles {
			levels[i], idxs[i], widths[i], data[i] = int32(t.L), t.N, int32(t.W), t.Data
		}
		s.queue(nil, upsertTiles, levels, idxs, widths, data)
	}
}

// recordStatements write the batch's records, the ordered index and its totals, the
// party index, and the index of events by record.
func recordStatements(s *statements, b *linkfin.Batch) error {
	if n := len(b.Objects); n > 0 {
		kinds, ids, versions, data, times := make([]string, n), make([]string, n), make([]int64, n), make([][]byte, n), make([]int64, n)
		for i, o := range b.Objects {
			kinds[i], ids[i], versions[i], data[i], times[i] = o.Kind, o.ID, o.Version, o.Data, o.UpdatedAt
		}
		s.queue(nil, `INSERT INTO objects (kind, id, version, data, updated_at)
			SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bytea[], $5::bigint[])
			ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, data = excluded.data,
				updated_at = excluded.updated_at`, kinds, ids, versions, data, times)
	}
	// The entries of the ordered index that the written records no longer have are
	// deleted, their new ones inserted, and each total changed moves once.
	ix, err := linkfin.IndexChanges(b.Objects)
	if err != nil {
		return err
	}
	if n := len(ix.Deleted); n > 0 {
		kinds, ids, names, values, _ := indexColumns(ix.Deleted)
		s.queue(expect("index entries deleted", n), `DELETE FROM object_index WHERE (kind, id, name, value) IN
			(SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]))`, kinds, ids, names, values)
	}
	if n := len(ix.Inserted); n > 0 {
		kinds, ids, names, values, amounts := indexColumns(ix.Inserted)
		s.queue(expect("index entries", n), `INSERT INTO object_index (kind, id, name, value, amount)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])`, kinds, ids, names, values, amounts)
	}
	if n := len(ix.Totals); n > 0 {
		kinds, names, values, counts := make([]string, n), make([]string, n), make([]string, n), make([]int64, n)
		highs, lows := make([]int64, n), make([]int64, n)
		for i, t := range ix.Totals {
			kinds[i], names[i], values[i], counts[i] = t.Kind, t.Name, t.Value, t.Count
			highs[i], lows[i] = t.Amount.High, t.Amount.Low
		}
		// The totals are NUMERIC (migration 0008), exact at any size: the batch's
		// change, a linkfin.Sum, is sent in its two parts and made one NUMERIC here.
		s.queue(nil, `INSERT INTO object_totals (kind, name, value, count, amount)
			SELECT k, n, v, c, h::numeric * 1000000000000000000 + l
			FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[]) AS t (k, n, v, c, h, l)
			ON CONFLICT (kind, name, value) DO UPDATE SET count = object_totals.count + excluded.count,
				amount = object_totals.amount + excluded.amount`, kinds, names, values, counts, highs, lows)
	}
	if parties, kinds, ids := partyRows(b.Objects); len(parties) > 0 {
		s.queue(nil, `INSERT INTO object_parties (party, kind, id)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
			ON CONFLICT DO NOTHING`, parties, kinds, ids)
	}
	if seqs, kinds, ids := eventIndexRows(b.Events); len(seqs) > 0 {
		s.queue(expect("record events", len(seqs)), `INSERT INTO record_events (seq, kind, id)
			SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])`, seqs, kinds, ids)
	}
	return nil
}

// indexColumns lists the columns of rows of the ordered index, one slice per column.
func indexColumns(rows []linkfin.IndexRow) (kinds, ids, names, values []string, amounts []int64) {
	n := len(rows)
	kinds, ids, names, values, amounts = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]int64, n)
	for i, r := range rows {
		kinds[i], ids[i], names[i], values[i], amounts[i] = r.Kind, r.ID, r.Name, r.Value, r.Amount
	}
	return kinds, ids, names, values, amounts
}

// metaStatements write the batch's signed checkpoint, the batch clock, and the
// engine's meta rows the batch changed.
func metaStatements(s *statements, b *linkfin.Batch) {
	if c := b.Checkpoint; c != nil {
		s.queue(nil, `INSERT INTO checkpoints (size, hash, note, time) VALUES ($1, $2, $3, $4)`, c.Size, c.Hash, c.Note, c.Time)
	}
	s.queue(nil, `INSERT INTO meta (key, value) VALUES ('clock', $1)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, strconv.FormatInt(b.Clock, 10))
	if b.Flush {
		s.queue(nil, `INSERT INTO meta (key, value) VALUES ('accounts_at', $1)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, strconv.FormatInt(b.AccountsAt, 10))
	}
	for k, v := range b.Meta {
		s.queue(nil, `INSERT INTO meta (key, value) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, v)
	}
}

// partyRows lists the columns of the objects' rows in the party index: one row per
// object and party. Most are there already, and the insert skips them.
func partyRows(objs []*linkfin.Object) (parties, kinds, ids []string) {
	n := 0
	for _, o := range objs {
		n += len(o.Parties)
	}
	if n == 0 {
		return nil, nil, nil
	}
	parties, kinds, ids = make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
	for _, o := range objs {
		for _, p := range o.Parties {
			parties, kinds, ids = append(parties, p), append(kinds, o.Kind), append(ids, o.ID)
		}
	}
	return parties, kinds, ids
}

// eventIndexRows lists the columns of the events' rows in the index of events by
// record: one row per event that wrote a record.
func eventIndexRows(evs []linkfin.Event) (seqs []int64, kinds, ids []string) {
	for i := range evs {
		if k, ok := linkfin.RecordOf(&evs[i]); ok {
			seqs, kinds, ids = append(seqs, evs[i].Seq), append(kinds, k.Kind), append(ids, k.ID)
		}
	}
	return seqs, kinds, ids
}

func notFound(what string, id int64) error {
	return linkfin.Errorf(linkfin.ENOTFOUND, "%s %d not found", what, id)
}

// Account implements linkfin.Store.
func (db *DB) Account(ctx context.Context, id int64) (*ledger.Account, error) {
	var a ledger.Account
	err := scanAccount(db.reader().QueryRow(ctx, `SELECT `+accountCols+` FROM accounts WHERE id = $1`, id), &a)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("account", id)
	} else if err != nil {
		return nil, err
	}
	return &a, nil
}

// ListAccounts implements linkfin.Store.
func (db *DB) ListAccounts(ctx context.Context, after int64, limit int) ([]ledger.Account, error) {
	rows, err := db.reader().Query(ctx, `SELECT `+accountCols+` FROM accounts WHERE id > $1 ORDER BY id LIMIT $2`, after, limit)
	return collect(rows, err, scanAccount)
}

// Transfer implements linkfin.Store.
func (db *DB) Transfer(ctx context.Context, id int64) (*ledger.Transfer, error) {
	return transferByID(ctx, checked{db.pool}, id)
}

type queryer interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func transferByID(ctx context.Context, q queryer, id int64) (*ledger.Transfer, error) {
	var t ledger.Transfer
	err := scanTransfer(q.QueryRow(ctx, `SELECT `+transferCols+` FROM transfers WHERE id = $1`, id), &t)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("transfer", id)
	} else if err != nil {
		return nil, err
	}
	return &t, nil
}

// PendingStatus implements linkfin.Store.
func (db *DB) PendingStatus(ctx context.Context, id int64) (*ledger.PendingState, error) {
	var p ledger.PendingState
	err := scanPending(db.reader().QueryRow(ctx, `SELECT id, expires_at, status FROM pending_transfers WHERE id = $1`, id), &p)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("pending transfer", id)
	} else if err != nil {
		return nil, err
	}
	return &p, nil
}

// AccountTransfers implements linkfin.Store by walking the account's transfer chain in
// one read-only, repeatable-read transaction: one snapshot for the whole page.
func (db *DB) AccountTransfers(ctx context.Context, accountID, start int64, limit int) ([]ledger.Transfer, error) {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, unavailable(err)
	}
	defer tx.Rollback(ctx)
	return linkfin.WalkAccountTransfers(accountID, start, limit, func(id int64) (*ledger.Transfer, error) {
		return transferByID(ctx, checked{tx}, id)
	})
}

// eventCols are the columns of an event joined with its transfers row (scanEvent).
const eventCols = `e.seq, e.time, e.type, e.data, e.transfer_id,
	t.id, t.ts, t.debit_account_id, t.credit_account_id, t.amount, t.pending_id, t.ledger,
	t.currency, t.code, t.flags, t.timeout, t.prev_debit, t.prev_credit`

// Events implements linkfin.Store.
// A transfer event is re-encoded from its transfers row (see linkfin.Event.TransferID).
func (db *DB) Events(ctx context.Context, from int64, limit int) ([]linkfin.Event, error) {
	rows, err := db.reader().Query(ctx, `SELECT `+eventCols+`
		FROM events e LEFT JOIN transfers t ON t.id = e.transfer_id
		WHERE e.seq >= $1 ORDER BY e.seq LIMIT $2`, from, limit)
	return collect(rows, err, scanEvent)
}

// RecordEvents implements linkfin.Store through the index of events by record.
func (db *DB) RecordEvents(ctx context.Context, kind, id string, after int64, limit int) ([]linkfin.Event, error) {
	rows, err := db.reader().Query(ctx, `SELECT `+eventCols+`
		FROM record_events r JOIN events e ON e.seq = r.seq LEFT JOIN transfers t ON t.id = e.transfer_id
		WHERE r.kind = $1 AND r.id = $2 AND r.seq > $3 ORDER BY r.seq LIMIT $4`, kind, id, after, limit)
	return collect(rows, err, scanEvent)
}

// IndexedEvents implements linkfin.Snapshot.
func (db *DB) IndexedEvents(ctx context.Context, from, to int64) (map[int64]linkfin.ObjectKey, error) {
	rows, err := db.reader().Query(ctx, `SELECT seq, kind, id FROM record_events WHERE seq >= $1 AND seq < $2`, from, to)
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

// scanEvent reads an event of eventCols, re-encoding a transfer event from its row.
func scanEvent(row pgx.Row, e *linkfin.Event) error {
	var tm, ref, id, ts, dr, cr, amount, pending, ledgerNo, code, flags, timeout, prevD, prevC *int64
	var typ, currency *string
	if err := row.Scan(&e.Seq, &tm, &typ, &e.Data, &ref, &id, &ts, &dr, &cr, &amount, &pending,
		&ledgerNo, &currency, &code, &flags, &timeout, &prevD, &prevC); err != nil {
		return err
	}
	if ref == nil {
		if tm != nil && typ != nil {
			e.Time, e.Type = *tm, *typ
		}
		return nil
	}
	e.TransferID, e.Type = *ref, string(ledger.EventTransferCreated)
	if id != nil {
		e.Time = *ts
		e.Row = &ledger.Transfer{ID: *id, Timestamp: *ts, DebitAccountID: *dr,
			CreditAccountID: *cr, Amount: *amount, PendingID: *pending, Ledger: uint32(*ledgerNo), Currency: *currency,
			Code: uint16(*code), Flags: ledger.TransferFlags(*flags), Timeout: uint32(*timeout),
			PrevDebit: *prevD, PrevCredit: *prevC}
		e.Data = ledger.AppendTransferJSON(nil, e.Row)
	}
	return nil
}

// Checkpoints implements linkfin.Store.
func (db *DB) Checkpoints(ctx context.Context, after int64, limit int) ([]linkfin.Checkpoint, error) {
	rows, err := db.reader().Query(ctx, `SELECT size, hash, note, time FROM checkpoints WHERE size > $1 ORDER BY size LIMIT $2`, after, limit)
	return collect(rows, err, func(row pgx.Row, c *linkfin.Checkpoint) error {
		return row.Scan(&c.Size, &c.Hash, &c.Note, &c.Time)
	})
}

// ScanAccounts implements linkfin.Store.
func (db *DB) ScanAccounts(ctx context.Context, fn func(*ledger.Account) error) error {
	rows, err := db.reader().Query(ctx, `SELECT `+accountCols+` FROM accounts ORDER BY id`)
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
	err := db.reader().QueryRow(ctx, `SELECT value FROM meta WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetMeta implements linkfin.Store.
func (db *DB) SetMeta(ctx context.Context, key, value string) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO meta (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return unavailable(err)
}

// IndexRowsByKey implements linkfin.Snapshot: each entry named is one probe of the
// index's key.
func (db *DB) IndexRowsByKey(ctx context.Context, keys []linkfin.IndexRow) ([]linkfin.IndexRow, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	n := len(keys)
	kinds, ids, names, values := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, k := range keys {
		kinds[i], ids[i], names[i], values[i] = k.Kind, k.ID, k.Name, k.Value
	}
	rows, err := db.reader().Query(ctx, `SELECT x.kind, x.id, x.name, x.value, x.amount FROM object_index AS x
		JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS k(kind, id, name, value)
		ON x.kind = k.kind AND x.id = k.id AND x.name = k.name AND x.value = k.value`, kinds, ids, names, values)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []linkfin.IndexRow
	for rows.Next() {
		var x linkfin.IndexRow
		if err := rows.Scan(&x.Kind, &x.ID, &x.Name, &x.Value, &x.Amount); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// PartiesByKey implements linkfin.Snapshot.
func (db *DB) PartiesByKey(ctx context.Context, keys []linkfin.ObjectKey) (map[linkfin.ObjectKey][]string, error) {
	out := make(map[linkfin.ObjectKey][]string)
	if len(keys) == 0 {
		return out, nil
	}
	kinds, ids := make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		kinds[i], ids[i] = k.Kind, k.ID
	}
	rows, err := db.reader().Query(ctx, `SELECT p.kind, p.id, p.party FROM object_parties AS p
		JOIN (SELECT DISTINCT kind, id FROM unnest($1::text[], $2::text[]) AS u(kind, id)) AS k ON p.kind = k.kind AND p.id = k.id`, kinds, ids)
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

// IndexedEventCounts implements linkfin.Snapshot: each record's rows are one range of
// the index by record.
func (db *DB) IndexedEventCounts(ctx context.Context, keys []linkfin.ObjectKey) (map[linkfin.ObjectKey]int64, error) {
	out := make(map[linkfin.ObjectKey]int64)
	if len(keys) == 0 {
		return out, nil
	}
	kinds, ids := make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		kinds[i], ids[i] = k.Kind, k.ID
	}
	rows, err := db.reader().Query(ctx, `SELECT r.kind, r.id, count(*) FROM record_events AS r
		JOIN (SELECT DISTINCT kind, id FROM unnest($1::text[], $2::text[]) AS u(kind, id)) AS k ON r.kind = k.kind AND r.id = k.id
		GROUP BY r.kind, r.id`, kinds, ids)
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

// Tables implements linkfin.Snapshot: the tables of the store's schema.
func (db *DB) Tables(ctx context.Context) (map[string]int64, error) {
	rows, err := db.reader().Query(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
	names, err := collect(rows, err, func(row pgx.Row, n *string) error { return row.Scan(n) })
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(names))
	for _, n := range names {
		var c int64
		if err := db.reader().QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{n}.Sanitize()).Scan(&c); err != nil {
			return nil, err
		}
		out[n] = c
	}
	return out, nil
}

// Snapshot implements linkfin.Store with a read-only REPEATABLE READ transaction,
// whose snapshot its first statement takes, at once.
func (db *DB) Snapshot(ctx context.Context) (linkfin.Snapshot, error) {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, unavailable(err)
	}
	var n int64
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM meta`).Scan(&n); err != nil {
		tx.Rollback(ctx)
		return nil, fmt.Errorf("snapshot: %w", unavailable(err))
	}
	return &snapshot{DB: &DB{pool: db.pool, snap: tx}}, nil
}

// snapshot is a DB whose reads all go through one read transaction.
type snapshot struct{ *DB }

// Close ends the read transaction.
func (s *snapshot) Close() error { return s.snap.Rollback(context.Background()) }

// Reopen connects again to the same database and schema, as a new process would;
// tests use it to check what survives closing the store.
func (db *DB) Reopen(ctx context.Context) (linkfin.Store, error) {
	return Open(ctx, db.pool.Config().ConnString())
}

// Exec runs a statement; tests use it to tamper with a database.
func (db *DB) Exec(ctx context.Context, query string, args ...any) error {
	_, err := db.pool.Exec(ctx, query, args...)
	return err
}

// BaselineInsert is the benchmark's yardstick: rows shaped like transfer rows, with the
// transfers table's keys, inserted batch rows per transaction by the same binary COPY
// that Commit uses, into a scratch table that is dropped after.
func (db *DB) BaselineInsert(ctx context.Context, rows, batch int) (time.Duration, error) {
	if _, err := db.pool.Exec(ctx, `DROP TABLE IF EXISTS bench_baseline`); err != nil {
		return 0, err
	}
	if _, err := db.pool.Exec(ctx, `CREATE TABLE bench_baseline (LIKE transfers INCLUDING ALL)`); err != nil {
		return 0, err
	}
	defer db.pool.Exec(context.Background(), `DROP TABLE IF EXISTS bench_baseline`)
	start := time.Now()
	for from := 0; from < rows; from += batch {
		n := min(batch, rows-from)
		err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
			return copyIn(ctx, tx, "bench_baseline", transferCols, 13, n, func(c *copyData, i int) {
				k := int64(from + i + 1)
				c.int8(k)
				c.int8(k)
				c.int8(k%100_000 + 1)
				c.int8((k*7)%100_000 + 1)
				c.int8(k)
				c.int8(0)
				c.int8(1)
				c.text("CNY")
				c.int4(1)
				c.int4(0)
				c.int8(0)
				c.int8(0)
				c.int8(0)
			})
		})
		if err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}
