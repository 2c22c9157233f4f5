package storetest

import (
	"context"
	"strings"
	"testing"

	"linkfin"
	"linkfin/audit"
	"linkfin/engine"
	"linkfin/ledger"
)

// testWriterLock: while an engine is open on a database, a second engine on it is
// refused with ELOCKED, whether it shares the first one's store or opens the database
// again as another process would; the refusals leave the first engine writing; a store
// opened for reading alone still reads; another database is not locked; and once the
// first engine closes, a new one opens, from either store, and writes.
func testWriterLock(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	ctx := context.Background()
	config := func(s linkfin.Store) engine.Config {
		return engine.Config{Store: s, Signer: env.Signer, Now: env.Clock.Now}
	}
	transfer := func(e *engine.Engine, id int64) {
		t.Helper()
		r, err := e.Submit(ctx, &engine.Request{CreateTransfers: []ledger.Transfer{Xfer(id, 1, 2, id*100)}})
		if err != nil {
			t.Fatalf("transfer %d: %v", id, err)
		}
		wantResults(t, r.Results, ledger.OK)
	}
	env.Submit(&engine.Request{CreateAccounts: []ledger.Account{Acct(1, 0), Acct(2, 0)}})
	transfer(env.Engine, 1)

	r, ok := env.Store.(Reopener)
	if !ok {
		t.Fatalf("%T cannot be reopened", env.Store)
	}
	reader, err := r.Reopen(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reader.Close() })
	for _, s := range []struct {
		name  string
		store linkfin.Store
	}{{"the same store", env.Store}, {"the database opened again", reader}} {
		e, err := engine.Open(ctx, config(s.store))
		if err == nil {
			e.Close()
			t.Fatalf("a second engine opened on %s while the first was open", s.name)
		}
		if code := linkfin.ErrorCode(err); code != linkfin.ELOCKED {
			t.Fatalf("a second engine on %s: code %q (%v), want %q", s.name, code, err, linkfin.ELOCKED)
		}
		if !strings.Contains(linkfin.ErrorMessage(err), "writer") {
			t.Fatalf("a second engine on %s: message %q does not say why", s.name, linkfin.ErrorMessage(err))
		}
	}
	transfer(env.Engine, 2)

	// Readers take no lock: the database opened again reads what the engine wrote.
	if tr, err := reader.Transfer(ctx, 2); err != nil || tr.Amount != 200 {
		t.Fatalf("transfer 2 read while the engine holds the lock: %+v, %v", tr, err)
	}
	rep, err := audit.Verify(ctx, reader, env.Verif, "linkfin")
	if err != nil {
		t.Fatalf("verify while the engine holds the lock: %v", err)
	}
	if !rep.OK() || rep.Transfers != 2 {
		t.Fatalf("verify while the engine holds the lock: %d transfers, problems %q", rep.Transfers, rep.Problems)
	}

	// The lock belongs to one database: an engine on another opens meanwhile.
	e, err := engine.Open(ctx, config(open(t)))
	if err != nil {
		t.Fatalf("an engine on another database: %v", err)
	}
	e.Close()

	// Closing the engine releases the lock: the database opened again now takes it.
	env.Engine.Close()
	e, err = engine.Open(ctx, config(reader))
	if err != nil {
		t.Fatalf("an engine after the first one closed: %v", err)
	}
	t.Cleanup(func() { e.Close() })
	transfer(e, 3)
	if _, err := engine.Open(ctx, config(env.Store)); linkfin.ErrorCode(err) != linkfin.ELOCKED {
		t.Fatalf("the first store's engine while the second holds the lock: %v, want code %q", err, linkfin.ELOCKED)
	}
	e.Close()

	// And back: the first store's engine opens again, and all four transfers verify.
	env.Restart()
	transfer(env.Engine, 4)
	if rep := env.MustVerify(); rep.Transfers != 4 {
		t.Fatalf("transfers = %d, want 4", rep.Transfers)
	}
}
