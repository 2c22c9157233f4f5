package ledger

import (
	"slices"

	"linkfin/internal/blocks"
)

// State is the ledger's working set: the accounts, transfers and pending states that
// the engine prefetched, plus a journal of what the current batch changed, so that a
// failed linked chain or a failed commit can be undone exactly.
//
// The engine guarantees that every row a command can touch was loaded before the
// command runs; a row missing from the State does not exist.
type State struct {
	accounts  map[int64]*Account
	transfers map[int64]*Transfer
	pending   map[int64]*PendingState

	now   int64 // batch time, Unix ns
	clock int64 // last timestamp handed out

	start   int64 // the clock when the batch began
	undo    []undo
	ch      Changes
	created map[int64]struct{} // accounts created in this batch
	reuse   bool               // see ReuseChanges

	// blocks, when set, is where the transfers and pending states the State makes are
	// kept (KeepInBlocks).
	blocks *stateBlocks
}

// stateBlocks hold the transfers and pending states of a State that keeps them all, a few
// thousand to a block.
type stateBlocks struct {
	transfers []Transfer
	pending   []PendingState
}

const blockLen = 4096

// KeepInBlocks has the State keep the transfers and pending states it makes in large
// blocks instead of one object each: for a State that evicts none of them and holds
// millions (memtx). The collector then follows a pointer to each into a few spans of
// memory, not millions. A transfer's place in a block is not given back when a
// rollback undoes it.
func (s *State) KeepInBlocks() { s.blocks = &stateBlocks{} }

// newTransfer returns where a transfer the State makes is to be kept.
func (s *State) newTransfer() *Transfer {
	if s.blocks == nil {
		return new(Transfer)
	}
	return blocks.Take(&s.blocks.transfers, blockLen)
}

// newPending returns where a pending state the State makes is to be kept.
func (s *State) newPending() *PendingState {
	if s.blocks == nil {
		return new(PendingState)
	}
	return blocks.Take(&s.blocks.pending, blockLen)
}

// Changes is what a batch did, for the engine to persist.
type Changes struct {
	// NewAccounts and Transfers are in creation order.
	NewAccounts []int64
	Transfers   []*Transfer
	// Accounts holds ids of accounts that existed before the batch and changed.
	Accounts map[int64]struct{}
	// NewPending and Pending: pending states created, and changed, in this batch.
	NewPending map[int64]struct{}
	Pending    map[int64]struct{}
	Events     []Event
}

// EventType names a ledger event in the transparency log.
type EventType string

const (
	EventAccountCreated  EventType = "account.created"
	EventAccountClosed   EventType = "account.closed"
	EventTransferCreated EventType = "transfer.created"
	EventPendingExpired  EventType = "transfer.expired"
)

// EventTypes lists every ledger event type.
var EventTypes = []EventType{EventAccountCreated, EventAccountClosed, EventTransferCreated, EventPendingExpired}

// Event is one committed change. Account is a snapshot taken when the event happened.
type Event struct {
	Type      EventType
	Timestamp int64
	Account   *Account  // account.created, account.closed
	Transfer  *Transfer // transfer.created; for transfer.expired, the pending transfer
	Data      []byte    // for events emitted by the domain (Emit): canonical JSON
}

type undoKind uint8

const (
	undoAccount undoKind = iota + 1
	undoAccountCreated
	undoTransferCreated
	undoPending
	undoPendingCreated
)

type undo struct {
	kind    undoKind
	id      int64
	account Account
	pending PendingState
	marked  bool // the id was already in the changed set before this change
}

// NewState returns an empty working set.
func NewState() *State {
	s := &State{
		accounts:  make(map[int64]*Account),
		transfers: make(map[int64]*Transfer),
		pending:   make(map[int64]*PendingState),
	}
	s.resetChanges()
	return s
}

// ReuseChanges has each batch clear the last one's Changes and use their room again,
// instead of making new ones: for a caller that keeps nothing of a batch's Changes once
// the next begins (memtx, which runs millions of one-command batches).
func (s *State) ReuseChanges() { s.reuse = true }

func (s *State) resetChanges() {
	if s.reuse && s.created != nil {
		for _, m := range []*map[int64]struct{}{&s.created, &s.ch.Accounts, &s.ch.NewPending, &s.ch.Pending} {
			if len(*m) > 64 {
				*m = make(map[int64]struct{}) // a large batch's room is not cleared again and again
			} else {
				clear(*m)
			}
		}
		clear(s.ch.Transfers)
		clear(s.ch.Events) // what they point to is not kept alive
		s.ch.NewAccounts, s.ch.Transfers, s.ch.Events = s.ch.NewAccounts[:0], s.ch.Transfers[:0], s.ch.Events[:0]
		return
	}
	s.created = make(map[int64]struct{})
	s.ch = Changes{
		Accounts:   make(map[int64]struct{}),
		NewPending: make(map[int64]struct{}),
		Pending:    make(map[int64]struct{}),
	}
}

// Load adds rows read from the store. Rows already present are kept: the State's copy
// is never older than the store's, because the engine is the only writer.
func (s *State) LoadAccount(a Account) {
	if _, ok := s.accounts[a.ID]; !ok {
		s.accounts[a.ID] = &a
	}
}

// LoadTransfer adds a transfer read from the store.
func (s *State) LoadTransfer(t Transfer) {
	if _, ok := s.transfers[t.ID]; !ok {
		s.transfers[t.ID] = &t
	}
}

// LoadPending adds a pending state read from the store.
func (s *State) LoadPending(p PendingState) {
	if _, ok := s.pending[p.ID]; !ok {
		s.pending[p.ID] = &p
	}
}

// AccountIDs returns the id of every account the State holds, in ascending order.
func (s *State) AccountIDs() []int64 {
	ids := make([]int64, 0, len(s.accounts))
	for id := range s.accounts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Account returns the account with the id, or nil. The caller must not modify it.
func (s *State) Account(id int64) *Account { return s.accounts[id] }

// Transfer returns the transfer with the id, or nil.
func (s *State) Transfer(id int64) *Transfer { return s.transfers[id] }

// Pending returns the pending state of a pending transfer, or nil.
func (s *State) Pending(id int64) *PendingState { return s.pending[id] }

// HasAccount, HasTransfer and HasPending tell the engine what it must still load.
func (s *State) HasAccount(id int64) bool  { _, ok := s.accounts[id]; return ok }
func (s *State) HasTransfer(id int64) bool { _, ok := s.transfers[id]; return ok }
func (s *State) HasPending(id int64) bool  { _, ok := s.pending[id]; return ok }

// Size is the number of rows held, for cache eviction.
func (s *State) Size() int { return len(s.accounts) + len(s.transfers) + len(s.pending) }

// Evict drops every cached row. Only allowed between batches.
func (s *State) Evict() {
	if len(s.undo) > 0 {
		panic("ledger: Evict inside a batch")
	}
	clear(s.accounts)
	clear(s.transfers)
	clear(s.pending)
}

// EvictTransfers drops cached transfers, keeping accounts and pending states: once
// committed, a transfer is needed again only if it is retried or resolved, and then it
// is read back. Only allowed between batches.
func (s *State) EvictTransfers() {
	if len(s.undo) > 0 {
		panic("ledger: EvictTransfers inside a batch")
	}
	clear(s.transfers)
}

// Transfers is the number of cached transfers.
func (s *State) Transfers() int { return len(s.transfers) }

// Begin starts a batch at time now (Unix ns). Timestamps handed out in the batch are
// unique and increasing across batches, even if the clock steps back.
func (s *State) Begin(now int64) {
	if len(s.undo) > 0 {
		panic("ledger: Begin inside a batch")
	}
	s.now = max(now, s.clock+1)
	s.resetChanges()
	s.start = s.clock
}

// Clock is the last timestamp handed out; the engine restores it on restart.
func (s *State) Clock() int64 { return s.clock }

// SetClock restores the clock (at startup).
func (s *State) SetClock(ts int64) { s.clock = ts }

// Now is the current batch's time.
func (s *State) Now() int64 { return s.now }

func (s *State) tick() int64 {
	s.clock = max(s.clock+1, s.now)
	return s.clock
}

// Reserve hands out n consecutive timestamps and returns the first: values nothing
// else will ever be given, for use as ids that grow with time. Rollback gives them back.
func (s *State) Reserve(n int) int64 {
	first := s.tick()
	s.clock += int64(n - 1)
	return first
}

// Changes returns what the batch changed so far.
func (s *State) Changes() *Changes { return &s.ch }

// Commit ends the batch, keeping its changes in the working set.
func (s *State) Commit() {
	s.undo = s.undo[:0]
}

// Mark is a point in the batch to roll back to.
type Mark struct {
	undo, accounts, transfers, events int
	clock                             int64
}

// Mark records the current point of the batch.
func (s *State) Mark() Mark {
	return Mark{len(s.undo), len(s.ch.NewAccounts), len(s.ch.Transfers), len(s.ch.Events), s.clock}
}

// Rollback undoes everything after m.
func (s *State) Rollback(m Mark) {
	for i := len(s.undo) - 1; i >= m.undo; i-- {
		u := &s.undo[i]
		switch u.kind {
		case undoAccount:
			*s.accounts[u.id] = u.account
			if !u.marked {
				delete(s.ch.Accounts, u.id)
			}
		case undoAccountCreated:
			delete(s.accounts, u.id)
			delete(s.created, u.id)
		case undoTransferCreated:
			delete(s.transfers, u.id)
		case undoPending:
			*s.pending[u.id] = u.pending
			if !u.marked {
				delete(s.ch.Pending, u.id)
			}
		case undoPendingCreated:
			delete(s.pending, u.id)
			delete(s.ch.NewPending, u.id)
		}
	}
	s.undo = s.undo[:m.undo]
	clear(s.ch.NewAccounts[m.accounts:])
	s.ch.NewAccounts = s.ch.NewAccounts[:m.accounts]
	clear(s.ch.Transfers[m.transfers:])
	s.ch.Transfers = s.ch.Transfers[:m.transfers]
	clear(s.ch.Events[m.events:])
	s.ch.Events = s.ch.Events[:m.events]
	s.clock = m.clock
}

// RollbackBatch undoes the whole batch (a failed commit).
func (s *State) RollbackBatch() {
	s.Rollback(Mark{clock: s.start})
	s.resetChanges()
}

// touchAccount journals a's current value before the caller changes it.
func (s *State) touchAccount(a *Account) {
	_, created := s.created[a.ID]
	_, marked := s.ch.Accounts[a.ID]
	s.undo = append(s.undo, undo{kind: undoAccount, id: a.ID, account: *a, marked: marked || created})
	if !created {
		s.ch.Accounts[a.ID] = struct{}{}
	}
}

func (s *State) touchPending(p *PendingState) {
	_, marked := s.ch.Pending[p.ID]
	_, created := s.ch.NewPending[p.ID]
	s.undo = append(s.undo, undo{kind: undoPending, id: p.ID, pending: *p, marked: marked || created})
	if !created {
		s.ch.Pending[p.ID] = struct{}{}
	}
}

func (s *State) addAccount(a *Account) {
	s.accounts[a.ID] = a
	s.created[a.ID] = struct{}{}
	s.ch.NewAccounts = append(s.ch.NewAccounts, a.ID)
	s.undo = append(s.undo, undo{kind: undoAccountCreated, id: a.ID})
}

func (s *State) addTransfer(t *Transfer) {
	s.transfers[t.ID] = t
	s.ch.Transfers = append(s.ch.Transfers, t)
	s.undo = append(s.undo, undo{kind: undoTransferCreated, id: t.ID})
}

func (s *State) addPending(p *PendingState) {
	s.pending[p.ID] = p
	s.ch.NewPending[p.ID] = struct{}{}
	s.undo = append(s.undo, undo{kind: undoPendingCreated, id: p.ID})
}

func (s *State) emit(e Event) { s.ch.Events = append(s.ch.Events, e) }

// EmittedSince returns the events emitted after m, and the position in the batch's
// events of the first of them.
func (s *State) EmittedSince(m Mark) (events []Event, first int) {
	return s.ch.Events[m.events:], m.events
}

// Tick hands out the next timestamp of the batch, for changes made beside the ledger
// (domain records) that must be ordered with it. Rollback gives it back.
func (s *State) Tick() int64 { return s.tick() }

// Emit adds an event of the domain (an organization created, a program changed, …) to
// the batch, in order with the ledger's own; Rollback removes it.
func (s *State) Emit(typ string, timestamp int64, data []byte) {
	s.emit(Event{Type: EventType(typ), Timestamp: timestamp, Data: data})
}
