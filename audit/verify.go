// Package audit proves that nothing in a linkfin database was altered: it re-hashes the
// whole event log, checks every signed checkpoint and every stored tile against it,
// replays the ledger and the domain's records from the events, and checks every table
// that decides what someone sees or is answered against that replay.
package audit

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"

	"golang.org/x/mod/sumdb/note"
	sumtlog "golang.org/x/mod/sumdb/tlog"

	"linkfin"
	"linkfin/ledger"
	"linkfin/tlog"
)

// Report is what Verify found. The database is sound when Problems is empty.
type Report struct {
	Events      int64
	Checkpoints int64
	Accounts    int
	Transfers   int64
	Records     int64 // domain records, each equal to its last event
	Answers     int64 // idempotent answers, each equal to the one the log saved
	Root        sumtlog.Hash
	Totals      []ledger.Balance
	Problems    []string
}

// OK reports whether nothing is wrong.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

const maxProblems = 100

func (r *Report) problem(format string, args ...any) {
	if len(r.Problems) < maxProblems {
		r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
	}
}

// PageSize is how many events Verify reads, and checks the rows of, at a time.
const PageSize = 10_000

// Verify checks the database behind s. The verifier is the log's public key; origin the
// checkpoints' origin line. The returned error is for failures to read, not for
// findings, which go to the report.
//
// It reads the whole database from one snapshot (Store.Snapshot), so a server may go
// on committing at any rate: Verify checks the database as it was when it began.
//
// Its memory is bounded by the database's shape, not its history: one entry per
// ledger account (its balances, twice: as replayed and as of the stored rows), one per
// pending transfer still open at the point of the log it has read to, one per record
// whose earlier versions named a party its latest does not (a certificate's former
// holders), until the record's last change; and one page of PageSize events with the
// rows they name. It keeps nothing per transfer, per event or per record otherwise.
func Verify(ctx context.Context, s linkfin.Store, verifier note.Verifier, origin string) (*Report, error) {
	snap, err := s.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	return VerifySnapshot(ctx, snap, verifier, origin)
}

// VerifySnapshot checks a snapshot of a database, as Verify does.
func VerifySnapshot(ctx context.Context, s linkfin.Snapshot, verifier note.Verifier, origin string) (*Report, error) {
	head, err := s.Head(ctx)
	if err != nil {
		return nil, err
	}
	tables, err := s.Tables(ctx)
	if err != nil {
		return nil, err
	}
	a := &auditor{
		ctx: ctx, s: s, rep: &Report{}, head: head,
		log:      tlog.NewVerifier(),
		accounts: make(map[int64]*ledger.Account),
		open:     make(map[int64]*openPending),
		earlier:  make(map[linkfin.ObjectKey][]string),
		totals:   make(map[[3]string]*linkfin.IndexTotal),
		lastTime: -1,
	}
	if err := a.readLog(verifier, origin); err != nil {
		return nil, err
	}
	if err := a.checkAccounts(); err != nil {
		return nil, err
	}
	if err := a.checkOpenPending(); err != nil {
		return nil, err
	}
	if err := a.checkTotals(); err != nil {
		return nil, err
	}
	a.checkCounts(tables)
	a.rep.Records, a.rep.Answers = a.records, a.answers
	if a.firstBad >= 0 {
		// Put the first altered event first: it is what an operator looks at.
		a.rep.Problems = append([]string{fmt.Sprintf("first bad entry: event %d does not match the hash the log recorded for it", a.firstBad)}, a.rep.Problems...)
	}
	return a.rep, nil
}

// VerifyKept is Verify, and then checks that the database's log contains kept: the
// tree of a checkpoint kept outside the database (one the server published, saved by
// an auditor), whose signature the caller has checked (tlog.OpenCheckpoint). A
// database rolled back, or restored from a copy older than the checkpoint, verifies by
// itself (it is a log as it once was, whole); against a checkpoint published after
// it, it does not. What it finds goes to the report, as Verify's findings do.
func VerifyKept(ctx context.Context, s linkfin.Store, verifier note.Verifier, origin string, kept tlog.Tree) (*Report, error) {
	snap, err := s.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	rep, err := VerifySnapshot(ctx, snap, verifier, origin)
	if err != nil {
		return nil, err
	}
	checkKept(ctx, snap, rep, kept)
	return rep, nil
}

// checkKept checks that the log rep verified, read from s, contains kept: that it has
// at least kept.Size events, and a consistency proof, read from the stored tiles (each
// authenticated against the root re-hashed from the events), that its first kept.Size
// events are kept's tree.
func checkKept(ctx context.Context, s linkfin.Snapshot, rep *Report, kept tlog.Tree) {
	root := func(h sumtlog.Hash) string { return base64.StdEncoding.EncodeToString(h[:]) }
	if kept.Size > rep.Events {
		rep.problem("kept checkpoint: it covers %d events, the database's log has %d: the database was rolled back, or is a copy older than the checkpoint",
			kept.Size, rep.Events)
		return
	}
	current := tlog.Tree{Size: rep.Events, Hash: rep.Root}
	p, err := tlog.ConsistencyProof(ctx, current, kept.Size, tlog.StoredTiles(s))
	if err == nil {
		err = tlog.CheckConsistency(p, current, kept)
	}
	switch {
	case errors.Is(err, tlog.ErrProof):
		rep.problem("kept checkpoint: its tree of %d events (root %s) is not the first %d events of the database's log of %d (root %s): the log was rewritten after the checkpoint was signed",
			kept.Size, root(kept.Hash), kept.Size, rep.Events, root(rep.Root))
	case err != nil:
		rep.problem("kept checkpoint: no proof that the database's log of %d events contains its tree of %d: %v", rep.Events, kept.Size, err)
	}
}

// openPending is a pending transfer of the log that is not resolved yet.
type openPending struct {
	amount, debit, credit, expires int64
}

// auditor is one run of Verify.
type auditor struct {
	ctx  context.Context
	s    linkfin.Snapshot
	rep  *Report
	head linkfin.Head
	log  *tlog.Verifier

	accounts map[int64]*ledger.Account // replayed from the log
	atRows   map[int64]ledger.Account  // as replayed to head.AccountsAt
	open     map[int64]*openPending
	// earlier holds, for a record not at its last change yet, the parties its earlier
	// versions named that its stored latest version does not.
	earlier map[linkfin.ObjectKey][]string

	lastTime int64
	firstBad int64

	// What the log makes, counted, to compare with the tables' rows.
	tiles, transfers, pendings, records, partyRows, answers, indexRows int64
	// orderedRows are the entries the ordered index must hold; totals, its totals
	// per kind, name and value, summed from them.
	orderedRows int64
	totals      map[[3]string]*linkfin.IndexTotal

	// The page being read: rows it names, looked up together when it ends.
	pageRecords  []recordEvent
	pageIndex    []indexedEvent
	pagePending  []pendingCheck
	pageAnswers  []linkfin.SavedAnswer
	pageAnswerAt []int64
}

// recordEvent is an event that wrote a domain record.
type recordEvent struct {
	seq, time int64
	key       linkfin.ObjectKey
	data      []byte
	parties   []string
}

// indexedEvent is a row the index of events by record must hold: the event seq wrote
// a version of the record key.
type indexedEvent struct {
	seq int64
	key linkfin.ObjectKey
}

// pendingCheck is the state a pending transfer's row must have.
type pendingCheck struct {
	id, expires int64
	status      ledger.PendingStatus
}

func (a *auditor) problem(format string, args ...any) { a.rep.problem(format, args...) }

// readLog reads the log page by page: it re-hashes it, checks the tiles and the
// checkpoints, replays the ledger and checks the rows each page names.
func (a *auditor) readLog(verifier note.Verifier, origin string) error {
	a.firstBad = -1
	cps := &checkpoints{a: a, verifier: verifier, origin: origin, after: -1}
	cp, err := cps.next()
	if err != nil {
		return err
	}
	if cp != nil && cp.Size == 0 {
		cps.check(cp, tlog.Tree{})
		if cp, err = cps.next(); err != nil {
			return err
		}
	}
	var from int64
	// before is the time of the last event the checkpoint before covers.
	var before int64 = math.MinInt64
	for {
		page, err := a.s.Events(a.ctx, from, PageSize)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			break
		}
		pageFrom := from
		for i := range page {
			ev := &page[i]
			if ev.Seq != from {
				a.problem("event log: expected seq %d, found %d (an event is missing)", from, ev.Seq)
				return nil
			}
			from++
			a.readEvent(ev)
			for cp != nil && cp.Size == ev.Seq+1 {
				cps.check(cp, a.log.Tree())
				// A checkpoint's time is when its batch began: after every event of
				// the batches before (the engine's clock moves past them), at or
				// before every event of its own. The signed note does not hold it, so
				// the events bound it.
				if cp.Time <= before || cp.Time > ev.Time {
					a.problem("checkpoint at size %d: its time %d is not within its batch, after %d and at most %d", cp.Size, cp.Time, before, ev.Time)
				}
				before = ev.Time
				if cp, err = cps.next(); err != nil {
					return err
				}
			}
		}
		if err := a.checkPage(pageFrom, from); err != nil {
			return err
		}
	}
	a.rep.Events = from
	return a.checkEnd(cps, cp)
}

// readEvent reads the next event of the log: it adds it to the re-hashed tree,
// checks the tiles it completes and its time, and replays it.
func (a *auditor) readEvent(ev *linkfin.Event) {
	if ev.Seq == a.head.AccountsAt {
		a.snapshotAccounts()
	}
	_, complete := a.log.Add(ev.Record())
	for _, td := range complete {
		a.checkTile(td)
	}
	// The engine's clock hands every event a later time than the one before: so no
	// event, and no transfer, is in the log twice.
	if ev.Time <= a.lastTime {
		a.problem("event %d: its time %d is not after the previous event's %d", ev.Seq, ev.Time, a.lastTime)
	}
	a.lastTime = ev.Time
	if err := a.apply(ev); err != nil {
		a.problem("event %d (%s): %v", ev.Seq, ev.Type, err)
	}
}

// checkEnd checks, once the whole log is read, what its end must agree with: the
// account rows' position, the last partial tiles, the checkpoints left from cp on (none
// may be beyond the log), the last checkpoint and the clock.
func (a *auditor) checkEnd(cps *checkpoints, cp *linkfin.Checkpoint) error {
	if a.atRows == nil {
		if a.head.AccountsAt != a.rep.Events {
			a.problem("the account rows claim to be exact at log position %d, but the log has %d events", a.head.AccountsAt, a.rep.Events)
		}
		a.snapshotAccounts()
	}
	for _, td := range a.log.PartialTiles() {
		a.checkTile(td)
	}
	for cp != nil {
		a.problem("checkpoint at size %d is beyond the log's %d events", cp.Size, a.rep.Events)
		var err error
		if cp, err = cps.next(); err != nil {
			return err
		}
	}
	a.rep.Root = a.log.Tree().Hash
	if a.head.Last == nil && a.rep.Events > 0 {
		a.problem("the log has %d events and no checkpoint", a.rep.Events)
	} else if a.head.Last != nil && a.head.Last.Size != a.rep.Events {
		a.problem("the last checkpoint covers %d events, the log has %d", a.head.Last.Size, a.rep.Events)
	}
	if a.rep.Events > 0 && a.head.Clock < a.lastTime {
		a.problem("the stored clock %d is behind the log's last time %d: new events would not come after it", a.head.Clock, a.lastTime)
	}
	return nil
}

// checkpoints reads the stored checkpoints in order of size, a page at a time, and
// checks each against its signature and the re-hashed log.
type checkpoints struct {
	a        *auditor
	verifier note.Verifier
	origin   string
	page     []linkfin.Checkpoint
	after    int64 // the size of the last read
}

// next returns the next checkpoint, or nil after the last.
func (c *checkpoints) next() (*linkfin.Checkpoint, error) {
	if len(c.page) == 0 {
		page, err := c.a.s.Checkpoints(c.a.ctx, c.after, 1000)
		if err != nil || len(page) == 0 {
			return nil, err
		}
		c.page = page
		c.after = page[len(page)-1].Size
	}
	cp := c.page[0]
	c.page = c.page[1:]
	return &cp, nil
}

// check checks a checkpoint's signed note and row against the tree of the log up to
// its size.
func (c *checkpoints) check(cp *linkfin.Checkpoint, t tlog.Tree) {
	c.a.rep.Checkpoints++
	signed, err := tlog.OpenCheckpoint(cp.Note, c.verifier, c.origin)
	switch {
	case err != nil:
		c.a.problem("checkpoint at size %d: signature or format: %v", cp.Size, err)
	case signed.Size != cp.Size || !bytes.Equal(signed.Hash[:], cp.Hash):
		c.a.problem("checkpoint at size %d: signed note says size %d, root %x; row says root %x", cp.Size, signed.Size, signed.Hash[:], cp.Hash)
	case signed.Hash != t.Hash:
		c.a.problem("checkpoint at size %d: root %x does not match the re-hashed log %x", cp.Size, signed.Hash[:], t.Hash[:])
	}
}

// snapshotAccounts keeps the replayed accounts as they are at head.AccountsAt, where the
// stored rows are exact.
func (a *auditor) snapshotAccounts() {
	a.atRows = make(map[int64]ledger.Account, len(a.accounts))
	for id, acct := range a.accounts {
		a.atRows[id] = *acct
	}
}

// checkTile compares a recomputed tile with the stored one, noting the first leaf of a
// level-0 tile whose stored hash differs.
func (a *auditor) checkTile(td tlog.TileData) {
	a.tiles++
	t := td.Tile
	got, err := a.s.ReadTiles(a.ctx, []linkfin.Tile{{L: t.L, N: t.N, W: t.W}})
	if err != nil {
		a.problem("tile %d/%d: %v", t.L, t.N, err)
		return
	}
	if bytes.Equal(got[0], td.Data) {
		return
	}
	for i := 0; i < t.W; i++ {
		if !bytes.Equal(got[0][i*32:(i+1)*32], td.Data[i*32:(i+1)*32]) {
			if t.L == 0 {
				if bad := t.N<<tlog.TileHeight + int64(i); a.firstBad < 0 || bad < a.firstBad {
					a.firstBad = bad
				}
				return
			}
			a.problem("tile %d/%d: stored hash %d differs from the re-hashed log", t.L, t.N, i)
			return
		}
	}
}

// apply replays one event: the ledger's, the answers a batch saved, or a record's.
func (a *auditor) apply(ev *linkfin.Event) error {
	switch ev.Type {
	case string(ledger.EventAccountCreated), string(ledger.EventAccountClosed),
		string(ledger.EventTransferCreated), string(ledger.EventPendingExpired):
		return a.replayLedger(ev)
	case linkfin.EventAnswersSaved:
		answers, err := linkfin.ParseAnswers(ev.Data)
		if err != nil {
			return err
		}
		for _, ans := range answers {
			a.pageAnswers = append(a.pageAnswers, ans)
			a.pageAnswerAt = append(a.pageAnswerAt, ev.Seq)
		}
		a.answers += int64(len(answers))
		return nil
	}
	kind := ev.Kind()
	id, err := linkfin.RecordIDOf(kind, ev.Data)
	if err != nil {
		return err
	}
	a.pageIndex = append(a.pageIndex, indexedEvent{seq: ev.Seq, key: linkfin.ObjectKey{Kind: kind, ID: id}})
	parties, err := linkfin.PartiesOf(kind, ev.Data)
	if err != nil {
		return fmt.Errorf("a %s record that does not decode: %v", kind, err)
	}
	a.pageRecords = append(a.pageRecords, recordEvent{seq: ev.Seq, time: ev.Time,
		key: linkfin.ObjectKey{Kind: kind, ID: id}, data: ev.Data, parties: parties})
	return nil
}

// replayLedger applies one ledger event to the balances recomputed from the log alone,
// and checks the links the transfer's row keeps to the account's previous transfers.
func (a *auditor) replayLedger(ev *linkfin.Event) error {
	switch ledger.EventType(ev.Type) {
	case ledger.EventAccountCreated:
		var acct ledger.Account
		if err := json.Unmarshal(ev.Data, &acct); err != nil {
			return err
		}
		if a.accounts[acct.ID] != nil {
			return fmt.Errorf("account %d created twice", acct.ID)
		}
		a.accounts[acct.ID] = &acct
	case ledger.EventAccountClosed:
		var acct ledger.Account
		if err := json.Unmarshal(ev.Data, &acct); err != nil {
			return err
		}
		if r := a.accounts[acct.ID]; r != nil {
			r.Flags |= ledger.Closed
		}
	case ledger.EventTransferCreated:
		a.transfers++
		a.rep.Transfers++
		var t ledger.Transfer
		if err := json.Unmarshal(ev.Data, &t); err != nil {
			return err
		}
		dr, cr := a.accounts[t.DebitAccountID], a.accounts[t.CreditAccountID]
		if dr == nil || cr == nil {
			return fmt.Errorf("transfer %d names an account the log never created", t.ID)
		}
		if row := ev.Row; row == nil {
			return fmt.Errorf("transfer %d has no row", t.ID)
		} else if row.PrevDebit != dr.LastTransfer || row.PrevCredit != cr.LastTransfer {
			a.problem("transfer %d: its row links to the previous transfers %d (debit) and %d (credit); the log's are %d and %d",
				t.ID, row.PrevDebit, row.PrevCredit, dr.LastTransfer, cr.LastTransfer)
		}
		dr.LastTransfer, cr.LastTransfer = t.ID, t.ID
		switch {
		case t.Flags&ledger.Pending != 0:
			dr.DebitsPending += t.Amount
			cr.CreditsPending += t.Amount
			var expires int64
			if t.Timeout > 0 {
				expires = t.Timestamp + int64(t.Timeout)*1e9
			}
			a.open[t.ID] = &openPending{amount: t.Amount, debit: t.DebitAccountID, credit: t.CreditAccountID, expires: expires}
			a.pendings++
		case t.Flags&(ledger.PostPending|ledger.VoidPending) != 0:
			p := a.open[t.PendingID]
			if p == nil {
				return fmt.Errorf("transfer %d resolves %d, which is not pending", t.ID, t.PendingID)
			}
			delete(a.open, t.PendingID)
			a.accounts[p.debit].DebitsPending -= p.amount
			a.accounts[p.credit].CreditsPending -= p.amount
			status := ledger.StatusVoided
			if t.Flags&ledger.PostPending != 0 {
				dr.DebitsPosted += t.Amount
				cr.CreditsPosted += t.Amount
				status = ledger.StatusPosted
			}
			a.pagePending = append(a.pagePending, pendingCheck{id: t.PendingID, expires: p.expires, status: status})
		default:
			dr.DebitsPosted += t.Amount
			cr.CreditsPosted += t.Amount
		}
	case ledger.EventPendingExpired:
		var x struct {
			ID int64 `json:"id,string"`
		}
		if err := json.Unmarshal(ev.Data, &x); err != nil {
			return err
		}
		p := a.open[x.ID]
		if p == nil {
			return fmt.Errorf("expiry of %d, which is not pending", x.ID)
		}
		delete(a.open, x.ID)
		a.accounts[p.debit].DebitsPending -= p.amount
		a.accounts[p.credit].CreditsPending -= p.amount
		a.pagePending = append(a.pagePending, pendingCheck{id: x.ID, expires: p.expires, status: ledger.StatusExpired})
	}
	return nil
}

// checkPage checks the rows the page's events (from seq from to seq to, excluded)
// name: the records they wrote, the party index of those at their last change and the
// index of events by record, the pending transfers they resolved, and the answers they
// saved.
func (a *auditor) checkPage(from, to int64) error {
	if err := a.checkRecords(); err != nil {
		return err
	}
	if err := a.checkEventIndex(from, to); err != nil {
		return err
	}
	if err := a.checkPending(a.pagePending); err != nil {
		return err
	}
	if err := a.checkAnswers(); err != nil {
		return err
	}
	a.pageRecords, a.pagePending, a.pageAnswers, a.pageAnswerAt = a.pageRecords[:0], a.pagePending[:0], a.pageAnswers[:0], a.pageAnswerAt[:0]
	a.pageIndex = a.pageIndex[:0]
	return nil
}

// checkEventIndex compares the index of events by record, over the page's events
// (from seq from to seq to, excluded), with the records those events wrote: one row
// for each, naming its record, and none for an event that wrote no record. (Rows
// beyond the log are counted in checkCounts.)
func (a *auditor) checkEventIndex(from, to int64) error {
	index, err := a.s.IndexedEvents(a.ctx, from, to)
	if err != nil {
		return err
	}
	for _, e := range a.pageIndex {
		got, ok := index[e.seq]
		switch {
		case !ok:
			a.problem("event index: event %d, of %s %s, is not listed", e.seq, e.key.Kind, e.key.ID)
		case got != e.key:
			a.problem("event index: event %d is listed under %s %s; it wrote %s %s", e.seq, got.Kind, got.ID, e.key.Kind, e.key.ID)
		}
		delete(index, e.seq)
	}
	a.indexRows += int64(len(a.pageIndex))
	for _, seq := range slices.Sorted(maps.Keys(index)) {
		a.problem("event index: event %d is listed under %s %s; it wrote no record", seq, index[seq].Kind, index[seq].ID)
	}
	return nil
}

// checkRecords compares the page's record events with the stored records. A stored
// record's updated_at is the time of its last event: that event's data must be the
// record, and the party index must name it under every party of every version, no more.
// An earlier event must be earlier than the stored record's.
func (a *auditor) checkRecords() error {
	if len(a.pageRecords) == 0 {
		return nil
	}
	var keys []linkfin.ObjectKey
	seen := make(map[linkfin.ObjectKey]bool)
	for _, r := range a.pageRecords {
		if !seen[r.key] {
			seen[r.key] = true
			keys = append(keys, r.key)
		}
	}
	objs, err := a.s.ObjectsByKey(a.ctx, keys)
	if err != nil {
		return err
	}
	stored := make(map[linkfin.ObjectKey]*linkfin.Object, len(objs))
	latest := make(map[linkfin.ObjectKey][]string, len(objs))
	for i := range objs {
		o := &objs[i]
		stored[o.Key()] = o
		latest[o.Key()], _ = linkfin.PartiesOf(o.Kind, o.Data)
	}
	reported := make(map[linkfin.ObjectKey]bool)
	var last []linkfin.ObjectKey
	want := make(map[linkfin.ObjectKey][]string)
	lastData := make(map[linkfin.ObjectKey][]byte)
	for _, r := range a.pageRecords {
		o := stored[r.key]
		switch {
		case o == nil:
			if !reported[r.key] {
				reported[r.key] = true
				a.problem("%s %s is in the log (event %d) but not in the store", r.key.Kind, r.key.ID, r.seq)
			}
		case o.UpdatedAt > r.time:
			// A later event will write the record: remember the parties this version
			// names that the latest does not.
			for _, p := range r.parties {
				if !slices.Contains(latest[r.key], p) && !slices.Contains(a.earlier[r.key], p) {
					a.earlier[r.key] = append(a.earlier[r.key], p)
				}
			}
		case o.UpdatedAt < r.time:
			if !reported[r.key] {
				reported[r.key] = true
				a.problem("%s %s: the stored record is older than its event %d in the log", r.key.Kind, r.key.ID, r.seq)
			}
			delete(a.earlier, r.key)
		default:
			a.records++
			if !bytes.Equal(o.Data, r.data) {
				a.problem("%s %s: the stored record differs from its last event in the log", r.key.Kind, r.key.ID)
			}
			parties := append(a.earlier[r.key], r.parties...)
			delete(a.earlier, r.key)
			slices.Sort(parties)
			parties = slices.Compact(parties)
			a.partyRows += int64(len(parties))
			want[r.key] = parties
			last = append(last, r.key)
			lastData[r.key] = r.data
		}
	}
	if len(last) == 0 {
		return nil
	}
	index, err := a.s.PartiesByKey(a.ctx, last)
	if err != nil {
		return err
	}
	for _, k := range last {
		got := index[k]
		sort.Strings(got)
		if !slices.Equal(got, want[k]) {
			a.problem("party index: %s %s is listed under %q; its events name %q", k.Kind, k.ID, got, want[k])
		}
	}
	if err := a.checkVersions(last, stored); err != nil {
		return err
	}
	return a.checkIndex(last, lastData)
}

// checkVersions compares each record's stored version with the number of events that
// wrote it: the engine writes version 1 with a record's first event and one more with
// each of the others, and the next change writes the version after the stored one. The
// events are counted in the index of events by record, which checkEventIndex compares
// with the log row by row (and checkCounts counts), so that no count per record is kept
// in memory; the records are at their last event, so every row of theirs is read.
func (a *auditor) checkVersions(keys []linkfin.ObjectKey, stored map[linkfin.ObjectKey]*linkfin.Object) error {
	counts, err := a.s.IndexedEventCounts(a.ctx, keys)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if v := stored[k].Version; v != counts[k] {
			a.problem("%s %s: the stored version %d differs from the log's: %d events wrote it", k.Kind, k.ID, v, counts[k])
		}
	}
	return nil
}

// checkIndex looks up, in the ordered index, each entry the records' last events give
// them, by its whole key, and compares its amount; and adds the entries to the totals
// the index must hold. With the index's row count, which checkCounts compares with the
// entries looked up, this proves the index holds those entries and no other: an entry
// added, removed or changed leaves one looked up missing, or one row too many.
func (a *auditor) checkIndex(keys []linkfin.ObjectKey, data map[linkfin.ObjectKey][]byte) error {
	var want []linkfin.IndexRow
	for _, k := range keys {
		if !linkfin.Indexed(k.Kind) {
			continue
		}
		entries, err := linkfin.IndexOf(k.Kind, data[k])
		if err != nil {
			a.problem("ordered index: %s %s: %v", k.Kind, k.ID, err)
			continue
		}
		a.orderedRows += int64(len(entries))
		for _, e := range entries {
			want = append(want, linkfin.IndexRow{Kind: k.Kind, ID: k.ID, IndexEntry: e})
			if !linkfin.Totaled(e.Name) {
				continue
			}
			key := [3]string{k.Kind, e.Name, e.Value}
			t := a.totals[key]
			if t == nil {
				t = &linkfin.IndexTotal{Value: e.Value}
				a.totals[key] = t
			}
			t.Count++
			if t.Amount, err = t.Amount.Add(linkfin.SumOf(e.Amount)); err != nil {
				a.problem("ordered index: the total of %s %s %q: %v", k.Kind, e.Name, e.Value, err)
			}
		}
	}
	if len(want) == 0 {
		return nil
	}
	stored, err := a.s.IndexRowsByKey(a.ctx, want)
	if err != nil {
		return err
	}
	type rowKey struct{ kind, id, name, value string }
	amounts := make(map[rowKey]int64, len(stored))
	for _, x := range stored {
		amounts[rowKey{x.Kind, x.ID, x.Name, x.Value}] = x.Amount
	}
	for _, w := range want {
		got, ok := amounts[rowKey{w.Kind, w.ID, w.Name, w.Value}]
		switch {
		case !ok:
			a.problem("ordered index: %s %s has no entry %s %q; its last event gives it one, of amount %d", w.Kind, w.ID, w.Name, w.Value, w.Amount)
		case got != w.Amount:
			a.problem("ordered index: %s %s's entry %s %q has amount %d; its last event gives %d", w.Kind, w.ID, w.Name, w.Value, got, w.Amount)
		}
	}
	return nil
}

// checkTotals compares the ordered index's totals with those summed from the records.
func (a *auditor) checkTotals() error {
	names := map[[2]string]bool{}
	for k := range a.totals {
		names[[2]string{k[0], k[1]}] = true
	}
	for _, kn := range linkfin.IndexNames {
		names[kn] = true
	}
	for kn := range names {
		stored, err := a.s.IndexTotals(a.ctx, kn[0], kn[1], "", "")
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, got := range stored {
			seen[got.Value] = true
			want := a.totals[[3]string{kn[0], kn[1], got.Value}]
			if want == nil || *want != got {
				a.problem("ordered index: the total of %s %s %q is %s for %d; its records make %v", kn[0], kn[1], got.Value, got.Amount, got.Count, want)
			}
		}
		for k, want := range a.totals {
			if k[0] == kn[0] && k[1] == kn[1] && !seen[k[2]] {
				a.problem("ordered index: no total of %s %s %q; its records make %s for %d", k[0], k[1], k[2], want.Amount, want.Count)
			}
		}
	}
	return nil
}

// checkPending compares pending transfers' rows with the state the log gives them.
func (a *auditor) checkPending(checks []pendingCheck) error {
	if len(checks) == 0 {
		return nil
	}
	ids := make([]int64, len(checks))
	for i, c := range checks {
		ids[i] = c.id
	}
	rows, err := a.s.PendingByID(a.ctx, ids)
	if err != nil {
		return err
	}
	got := make(map[int64]ledger.PendingState, len(rows))
	for _, r := range rows {
		got[r.ID] = r
	}
	for _, c := range checks {
		r, ok := got[c.id]
		switch {
		case !ok:
			a.problem("pending transfer %d: no row of its state", c.id)
		case r.Status != c.status || r.ExpiresAt != c.expires:
			a.problem("pending transfer %d: stored state %s, expiring at %d; the log's is %s, expiring at %d",
				c.id, r.Status, r.ExpiresAt, c.status, c.expires)
		}
	}
	return nil
}

// checkOpenPending checks the rows of the pending transfers that the log leaves open.
func (a *auditor) checkOpenPending() error {
	var checks []pendingCheck
	for id, p := range a.open {
		checks = append(checks, pendingCheck{id: id, expires: p.expires, status: ledger.StatusPending})
		if len(checks) == PageSize {
			if err := a.checkPending(checks); err != nil {
				return err
			}
			checks = checks[:0]
		}
	}
	return a.checkPending(checks)
}

// checkAnswers compares the stored idempotent answers with the digests the log holds.
func (a *auditor) checkAnswers() error {
	if len(a.pageAnswers) == 0 {
		return nil
	}
	keys := make([]string, len(a.pageAnswers))
	for i, ans := range a.pageAnswers {
		keys[i] = ans.Key
	}
	recs, err := a.s.IdempotencyByKey(a.ctx, keys)
	if err != nil {
		return err
	}
	got := make(map[string]*linkfin.IdempotencyRecord, len(recs))
	for i := range recs {
		got[recs[i].Key] = &recs[i]
	}
	for i, ans := range a.pageAnswers {
		r := got[ans.Key]
		switch {
		case r == nil:
			a.problem("idempotency key %q: its answer, saved at event %d, is missing from the store", ans.Key, a.pageAnswerAt[i])
		case !bytes.Equal(r.Digest(), ans.Digest):
			a.problem("idempotency key %q: the stored answer differs from the one event %d saved", ans.Key, a.pageAnswerAt[i])
		}
	}
	return nil
}

// checkAccounts compares every stored account with the replay at the rows' position,
// and checks the ledger's invariants over the stored rows and over the balances at the
// end of the log.
func (a *auditor) checkAccounts() error {
	c, final := ledger.NewChecker(), ledger.NewChecker()
	err := a.s.ScanAccounts(a.ctx, func(acct *ledger.Account) error {
		c.Add(acct)
		r, ok := a.atRows[acct.ID]
		switch {
		case !ok:
			made := a.accounts[acct.ID]
			switch {
			case made == nil:
				a.problem("account %d is in the store but was never created in the log", acct.ID)
			case acct.DebitsPending != 0 || acct.DebitsPosted != 0 || acct.CreditsPending != 0 || acct.CreditsPosted != 0 || acct.LastTransfer != 0:
				// Created after the rows' position: stored as created.
				a.problem("account %d: stored balances are not those it was created with", acct.ID)
			case made.Ledger != acct.Ledger || made.Currency != acct.Currency || made.Code != acct.Code || made.Timestamp != acct.Timestamp:
				a.problem("account %d: stored ledger, currency, code or time differ from the log's", acct.ID)
			}
		case r.DebitsPending != acct.DebitsPending || r.DebitsPosted != acct.DebitsPosted ||
			r.CreditsPending != acct.CreditsPending || r.CreditsPosted != acct.CreditsPosted:
			a.problem("account %d: stored balances (dp %d, dP %d, cp %d, cP %d) differ from the log's (dp %d, dP %d, cp %d, cP %d)",
				acct.ID, acct.DebitsPending, acct.DebitsPosted, acct.CreditsPending, acct.CreditsPosted,
				r.DebitsPending, r.DebitsPosted, r.CreditsPending, r.CreditsPosted)
		case r.Flags != acct.Flags:
			a.problem("account %d: stored flags %d differ from the log's %d", acct.ID, acct.Flags, r.Flags)
		case r.LastTransfer != acct.LastTransfer:
			a.problem("account %d: the stored last transfer %d differs from the log's %d", acct.ID, acct.LastTransfer, r.LastTransfer)
		case r.Ledger != acct.Ledger || r.Currency != acct.Currency || r.Code != acct.Code || r.Timestamp != acct.Timestamp:
			a.problem("account %d: stored ledger, currency, code or time differ from the log's", acct.ID)
		}
		if b := a.accounts[acct.ID]; b != nil {
			final.Add(b)
			delete(a.accounts, acct.ID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for id := range a.accounts {
		a.problem("account %d was created in the log but is missing from the store", id)
	}
	for _, p := range final.Problems() {
		a.problem("ledger invariant at the end of the log: %s", p)
	}
	a.rep.Accounts = c.Accounts()
	a.rep.Totals = c.Totals()
	for _, p := range c.Problems() {
		a.problem("ledger invariant: %s", p)
	}
	return nil
}

// Tables lists the tables of a linkfin database and how Verify accounts for each.
var Tables = map[string]string{
	"events":            "re-hashed: every event against the log's tiles and signed checkpoints",
	"log_tiles":         "recomputed from the events and compared, tile by tile; no other tile",
	"checkpoints":       "each signature checked and its root compared with the re-hashed log; its time within its batch's events",
	"accounts":          "replayed from the log to the position the rows are exact at (meta accounts_at) and compared, every column",
	"transfers":         "each row re-encoded into its event (so hashed), its links to the previous transfers replayed; one row per transfer event",
	"pending_transfers": "each row's status and expiry replayed from the log; one row per pending transfer",
	"objects":           "each record equal to its last event (named by its time), its version the number of its events; one row per record of the log",
	"object_parties":    "rebuilt from the parties of every version of every record and compared, record by record; no other row",
	"record_events":     "rebuilt from the events, each that wrote a record under that record, and compared, page by page; no other row",
	"object_index":      "rebuilt from every record's last event (linkfin.IndexOf), each entry looked up by its whole key and its amount compared; no other row",
	"object_totals":     "summed from the rebuilt index and compared, value by value; a value no record holds counts zero",
	"idempotency_keys":  "each stored answer's digest equal to the one the log saved for its key; one row per saved answer",
	"meta":              "the clock not behind the log's last event; accounts_at checked with the accounts; the log's public key checked by every signature (an auditor passes their own)",
	"schema_migrations": "what the database's schema was migrated through: no one is shown or answered from it",
}

// checkCounts checks that each table holds the rows the log makes and no more, and
// that the database has no table Verify does not know.
func (a *auditor) checkCounts(tables map[string]int64) {
	want := map[string]int64{
		"events":            a.rep.Events,
		"log_tiles":         a.tiles,
		"checkpoints":       a.rep.Checkpoints,
		"transfers":         a.transfers,
		"pending_transfers": a.pendings,
		"objects":           a.records,
		"object_parties":    a.partyRows,
		"record_events":     a.indexRows,
		"object_index":      a.orderedRows,
		"idempotency_keys":  a.answers,
	}
	names := make([]string, 0, len(tables))
	for n := range tables {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if _, ok := Tables[n]; !ok {
			a.problem("table %s: linkfin verify does not know what it holds", n)
			continue
		}
		if w, ok := want[n]; ok && tables[n] != w {
			a.problem("table %s has %d rows; the log makes %d", n, tables[n], w)
		}
	}
}
