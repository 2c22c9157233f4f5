package storetest

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"linkfin/engine"
	"linkfin/internal/testrand"
	"linkfin/ledger"
	"linkfin/ledger/ledgermodel"
)

// testModel runs random sequences of account and transfer commands — pendings with
// timeouts, posts, voids, expiries, linked chains, closes, retries and invalid input —
// through the engine on the store, and through ledgermodel, a reference model that
// shares no code with the ledger, so that a bug in the ledger or the engine shows as a
// difference. Every result and timestamp is compared, and after every batch every
// stored account and the ledger's invariants. The engine is restarted, and its cache
// evicted, at random.
//
// LINKFIN_TEST_SEED reproduces a run (see testrand); LINKFIN_MODEL_COMMANDS sets its size.
func testModel(t *testing.T, open Opener) {
	seed := testrand.Seed(t)
	total := 100_000
	if s := os.Getenv("LINKFIN_MODEL_COMMANDS"); s != "" {
		total, _ = strconv.Atoi(s)
	}
	if testing.Short() {
		total = 10_000
	}
	t.Logf("%d commands", total)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	env := NewEnv(t, open)
	ref := ledgermodel.New()
	m := &modelGen{rng: rng}

	commands, batches, expired := 0, 0, 0
	for commands < total {
		if rng.IntN(20) == 0 {
			env.Restart()
			if os.Getenv("LINKFIN_MODEL_DEBUG") != "" {
				t.Logf("restart before batch %d", batches+1)
			}
		}
		if rng.IntN(4) == 0 {
			env.Clock.Advance(2 * time.Second * time.Duration(1+rng.IntN(3)))
		}
		req := m.request()
		commands += len(req.CreateAccounts) + len(req.CreateTransfers) + len(req.CloseAccounts)
		batches++
		where := fmt.Sprintf("seed %d, batch %d", seed, batches)

		// The reference: one batch, expiring what is due first, as the engine does. The
		// engine may have expired some of them already in a batch of its own at the
		// same time; the timestamps are the same either way, since a batch's time is
		// max(now, clock+1).
		ref.Begin(env.Clock.Now().UnixNano())
		for _, id := range ref.Due() {
			if !ref.Expire(id) {
				t.Fatalf("%s: the model did not expire %d, which it listed as due", where, id)
			}
			expired++
		}
		want := reference(ref, req)
		ref.Commit()

		got := env.Submit(req)
		if !slices.Equal(got.Results, want.Results) {
			t.Fatalf("%s: results differ\nengine: %v\nmodel:  %v\nrequest: %+v", where, got.Results, want.Results, req)
		}
		if !slices.Equal(got.Timestamps, want.Timestamps) {
			t.Fatalf("%s: timestamps differ\nengine: %v\nmodel:  %v", where, got.Timestamps, want.Timestamps)
		}
		m.learn(req, got)
		checkAgainst(t, env, ref, where)
	}
	rep := env.MustVerify()
	t.Logf("%d commands in %d batches, %d pendings expired; %d events verified", commands, batches, expired, rep.Events)
	if commands < total {
		t.Fatalf("ran %d commands, want at least %d", commands, total)
	}
}

// reference applies a request to the model the way the engine executes it: accounts,
// then transfers, then closes, each answered with the timestamp of the created or
// existing object, or 0.
func reference(m *ledgermodel.Model, r *engine.Request) *engine.Response {
	resp := &engine.Response{}
	for i, res := range m.CreateAccounts(r.CreateAccounts) {
		var ts int64
		if a, ok := m.Account(r.CreateAccounts[i].ID); ok && (res == ledger.OK || res == ledger.Exists) {
			ts = a.Timestamp
		}
		resp.Results = append(resp.Results, res)
		resp.Timestamps = append(resp.Timestamps, ts)
	}
	for i, res := range m.CreateTransfers(r.CreateTransfers) {
		var ts int64
		if t, ok := m.Transfer(r.CreateTransfers[i].ID); ok && (res == ledger.OK || res == ledger.Exists) {
			ts = t.Timestamp
		}
		resp.Results = append(resp.Results, res)
		resp.Timestamps = append(resp.Timestamps, ts)
	}
	for _, id := range r.CloseAccounts {
		resp.Results = append(resp.Results, m.CloseAccount(id))
		resp.Timestamps = append(resp.Timestamps, 0)
	}
	return resp
}

// checkAgainst compares every stored account, all fields, with the model's, and checks
// the ledger's invariants over them.
func checkAgainst(t *testing.T, env *Env, ref *ledgermodel.Model, where string) {
	t.Helper()
	var stored []ledger.Account
	err := env.Engine.ScanAccounts(context.Background(), func(a *ledger.Account) error {
		stored = append(stored, *a)
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	slices.SortFunc(stored, func(a, b ledger.Account) int { return cmp.Compare(a.ID, b.ID) })
	want := ref.Accounts()
	if len(stored) != len(want) {
		t.Fatalf("%s: %d accounts stored, model has %d", where, len(stored), len(want))
	}
	c := ledger.NewChecker()
	for i := range stored {
		if stored[i] != want[i] {
			t.Fatalf("%s: account %d stored as %+v, model %+v", where, stored[i].ID, stored[i], want[i])
		}
		c.Add(&stored[i])
	}
	if p := c.Problems(); len(p) > 0 {
		t.Fatalf("%s: invariants broken:\n%s", where, strings.Join(p, "\n"))
	}
}

// modelGen generates requests that reach every path: mostly valid work, with a share
// of retries, conflicts and invalid input.
type modelGen struct {
	rng      *rand.Rand
	accounts []int64
	nextID   int64
	pendings []int64 // pending transfers, resolved or not
	created  []ledger.Transfer
}

func (m *modelGen) id() int64 { m.nextID++; return m.nextID }

func (m *modelGen) account() int64 {
	if len(m.accounts) == 0 || m.rng.IntN(50) == 0 {
		return 1_000_000 + int64(m.rng.IntN(10)) // unknown
	}
	return m.accounts[m.rng.IntN(len(m.accounts))]
}

func (m *modelGen) request() *engine.Request {
	r := &engine.Request{}
	if len(m.accounts) < 5 || m.rng.IntN(10) == 0 {
		for range 1 + m.rng.IntN(8) {
			a := Acct(m.id(), 0)
			switch m.rng.IntN(6) {
			case 0:
				a.Flags = ledger.DebitsMustNotExceedCredits
			case 1:
				a.Flags = ledger.CreditsMustNotExceedDebits
			case 2:
				a.Currency = "USD"
			}
			if m.rng.IntN(20) == 0 && len(m.accounts) > 0 {
				a.ID = m.accounts[m.rng.IntN(len(m.accounts))] // a retry or a conflict
			}
			r.CreateAccounts = append(r.CreateAccounts, a)
		}
	}
	n := 1 + m.rng.IntN(300)
	for len(r.CreateTransfers) < n {
		r.CreateTransfers = append(r.CreateTransfers, m.transfer()...)
	}
	if m.rng.IntN(40) == 0 && len(m.accounts) > 0 {
		r.CloseAccounts = append(r.CloseAccounts, m.accounts[m.rng.IntN(len(m.accounts))])
	}
	return r
}

func (m *modelGen) transfer() []ledger.Transfer {
	amount := int64(1 + m.rng.IntN(1000))
	switch k := m.rng.IntN(100); {
	case k < 45:
		return []ledger.Transfer{Xfer(m.id(), m.account(), m.account(), amount)}
	case k < 60:
		t := Xfer(m.id(), m.account(), m.account(), amount)
		t.Flags = ledger.Pending
		if m.rng.IntN(2) == 0 {
			t.Timeout = uint32(1 + 2*m.rng.IntN(5)) // odd seconds; the clock moves by even ones
		}
		return []ledger.Transfer{t}
	case k < 75 && len(m.pendings) > 0:
		t := ledger.Transfer{ID: m.id(), PendingID: m.pendings[m.rng.IntN(len(m.pendings))]}
		if m.rng.IntN(2) == 0 {
			t.Flags = ledger.PostPending
			if m.rng.IntN(2) == 0 {
				t.Amount = int64(m.rng.IntN(600))
			}
		} else {
			t.Flags = ledger.VoidPending
		}
		return []ledger.Transfer{t}
	case k < 85:
		chain := make([]ledger.Transfer, 2+m.rng.IntN(4))
		for i := range chain {
			chain[i] = Xfer(m.id(), m.account(), m.account(), amount)
			if i < len(chain)-1 || m.rng.IntN(30) == 0 {
				chain[i].Flags |= ledger.Linked
			}
		}
		return chain
	case k < 92 && len(m.created) > 0:
		t := m.created[m.rng.IntN(len(m.created))] // a retry, sometimes altered
		if m.rng.IntN(2) == 0 {
			t.Amount++
		}
		t.Timestamp, t.PrevDebit, t.PrevCredit = 0, 0, 0
		return []ledger.Transfer{t}
	default:
		t := Xfer(m.id(), m.account(), m.account(), amount)
		switch m.rng.IntN(4) {
		case 0:
			t.Amount = -amount
		case 1:
			t.Amount = 1<<62 + amount
		case 2:
			t.Currency = "USD"
		case 3:
			t.Timeout = 5
		}
		return []ledger.Transfer{t}
	}
}

// learn records what the batch created, for later requests to refer to.
func (m *modelGen) learn(r *engine.Request, resp *engine.Response) {
	i := 0
	for _, a := range r.CreateAccounts {
		if resp.Results[i] == ledger.OK {
			m.accounts = append(m.accounts, a.ID)
		}
		i++
	}
	for _, t := range r.CreateTransfers {
		if resp.Results[i] == ledger.OK {
			m.created = append(m.created, t)
			if t.Flags&ledger.Pending != 0 {
				m.pendings = append(m.pendings, t.ID)
			}
		}
		i++
	}
	if len(m.created) > 5000 {
		m.created = slices.Delete(m.created, 0, 1000)
	}
}
