package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"golang.org/x/mod/sumdb/note"

	"linkfin"
	"linkfin/audit"
	"linkfin/engine"
	"linkfin/ledger"
	"linkfin/memtx"
	"linkfin/sqlite"
	"linkfin/tlog"
)

// DB is what a run sends its commands to and is measured from: the in-memory
// transaction (memtx.DB), or the engine on a store of its own (see openEngine). The
// figures are the same either way.
type DB interface {
	linkfin.RecordReader
	// Run runs one command, as engine.Engine.Run does, and decodes its answer into v
	// when v is not nil.
	Run(ctx context.Context, c linkfin.Command, v any) error
	// Get decodes the record (kind, id) and reports whether it exists.
	Get(kind, id string, v any) (bool, error)
	Account(id int64) (ledger.Account, bool)
	Transfer(id int64) (ledger.Transfer, bool)
	ScanAccounts(ctx context.Context, fn func(*ledger.Account) error) error
	// Events is how many events the log holds.
	Events() int64
	Close() error
}

// readShared reads a record for a reader that changes nothing of it, sharing what it
// holds with the database where it can (memtx.DB.GetShared) instead of copying it.
func readShared(db DB, kind, id string, v any) (bool, error) {
	if s, ok := db.(interface {
		GetShared(kind, id string, v any) (bool, error)
	}); ok {
		return s.GetShared(kind, id, v)
	}
	return db.Get(kind, id, v)
}

// inMemory is memtx, counting the events it logs instead of keeping them.
type inMemory struct{ *memtx.DB }

func newInMemory(now func() time.Time) *inMemory {
	m := &inMemory{DB: memtx.New(now)}
	m.CountEvents()
	return m
}

func (m *inMemory) Events() int64 { return m.EventCount() }
func (m *inMemory) Close() error  { return nil }

// Origin is the origin line of the logs of the databases a run with Config.DBDir
// writes: linkfin's own, so that linkfin verify checks them as any other.
const Origin = "linkfin"

// onEngine is the engine on an embedded SQLite database: every command is a batch of
// its own, committed before the next is sent, as a client of the API would see it.
type onEngine struct {
	ctx   context.Context
	e     *engine.Engine
	store linkfin.Store
	// now is the run's clock, read where the run sends its commands; clock is its time
	// as of the last command sent, which the engine reads from its own goroutine.
	now   func() time.Time
	clock atomic.Int64
}

// openEngine creates the SQLite database path (which must not exist), records a new
// log key in it, and opens the engine on it with the clock now.
func openEngine(ctx context.Context, path string, now func() time.Time) (*onEngine, error) {
	d := &onEngine{ctx: ctx, now: now}
	d.clock.Store(now().UnixNano())
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("%s exists: a simulation writes a new database", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	s, err := sqlite.Open(path)
	if err != nil {
		return nil, err
	}
	e, err := func() (*engine.Engine, error) {
		if err := s.Migrate(ctx); err != nil {
			return nil, err
		}
		skey, vkey, err := tlog.GenerateKey(Origin)
		if err != nil {
			return nil, err
		}
		if err := s.SetMeta(ctx, linkfin.MetaLogKey, vkey); err != nil {
			return nil, err
		}
		signer, err := note.NewSigner(skey)
		if err != nil {
			return nil, err
		}
		return engine.Open(ctx, engine.Config{Store: s, Signer: signer, Origin: Origin,
			Now: func() time.Time { return time.Unix(0, d.clock.Load()).UTC() }})
	}()
	if err != nil {
		s.Close()
		return nil, err
	}
	d.e, d.store = e, s
	return d, nil
}

func (d *onEngine) Run(ctx context.Context, c linkfin.Command, v any) error {
	d.clock.Store(d.now().UnixNano())
	if v == nil {
		v = new(json.RawMessage)
	}
	return d.e.Run(ctx, c, v)
}

func (d *onEngine) Object(ctx context.Context, kind, id string) (*linkfin.Object, error) {
	return d.e.Records().Object(ctx, kind, id)
}

func (d *onEngine) ListObjects(ctx context.Context, kind, after string, limit int) ([]linkfin.Object, error) {
	return d.e.Records().ListObjects(ctx, kind, after, limit)
}

func (d *onEngine) Get(kind, id string, v any) (bool, error) {
	o, err := d.Object(d.ctx, kind, id)
	if linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return true, json.Unmarshal(o.Data, v)
}

func (d *onEngine) Account(id int64) (ledger.Account, bool) {
	a, err := d.e.Account(d.ctx, id)
	if err != nil || a == nil {
		return ledger.Account{}, false
	}
	return *a, true
}

func (d *onEngine) Transfer(id int64) (ledger.Transfer, bool) {
	t, err := d.store.Transfer(d.ctx, id)
	if err != nil || t == nil {
		return ledger.Transfer{}, false
	}
	return *t, true
}

func (d *onEngine) ScanAccounts(ctx context.Context, fn func(*ledger.Account) error) error {
	return d.e.ScanAccounts(ctx, fn)
}

func (d *onEngine) Events() int64 {
	h, err := d.store.Head(d.ctx)
	if err != nil {
		return -1
	}
	return h.Size
}

// Close closes the engine, which writes every balance, and the database.
func (d *onEngine) Close() error {
	d.e.Close()
	return d.store.Close()
}

// closeAndVerify closes the engine, runs on the database what linkfin verify runs,
// with the log key the database records, and closes the database. It returns the
// problems verify found.
func (d *onEngine) closeAndVerify(ctx context.Context) ([]string, error) {
	d.e.Close()
	defer d.store.Close()
	vkey, err := d.store.Meta(ctx, linkfin.MetaLogKey)
	if err != nil {
		return nil, err
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, err
	}
	rep, err := audit.Verify(ctx, d.store, v, Origin)
	if err != nil {
		return nil, err
	}
	return rep.Problems, nil
}
