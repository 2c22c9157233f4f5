// Package audit proves that nothing in a linkfin database was altered: it re-hashes the
// whole event log, checks every signed checkpoint and every stored tile against it,
// replays the ledger's balances from the events, and checks the ledger's invariants.
package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

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

// Verify checks the database behind s. The verifier is the log's public key; origin the
// checkpoints' origin line. The returned error is for failures to read, not for
// findings, which go to the report.
//
// A server may commit while Verify reads, which would make the rows, the records and
// the log it read disagree with one another. Every commit moves the log's head (its
// size, or the position the account rows are exact at), so Verify reads the head
// before and after, and starts over if it moved; after a few tries it says the
// database kept changing.
func Verify(ctx context.Context, s linkfin.Store, verifier note.Verifier, origin string) (*Report, error) {
	for try := 1; ; try++ {
		before, err := s.Head(ctx)
		if err != nil {
			return nil, err
		}
		rep, err := verifyOnce(ctx, s, verifier, origin)
		if err != nil {
			return nil, err
		}
		after, err := s.Head(ctx)
		if err != nil {
			return nil, err
		}
		if after.Size == before.Size && after.AccountsAt == before.AccountsAt {
			return rep, nil
		}
		if try == verifyTries {
			return nil, fmt.Errorf("the database changed while it was verified, %d times over: verify a copy, or stop the server", try)
		}
	}
}

// verifyTries is how many times Verify reads a database that changes under it.
const verifyTries = 5

func verifyOnce(ctx context.Context, s linkfin.Store, verifier note.Verifier, origin string) (*Report, error) {
	rep := &Report{}
	v := tlog.NewVerifier()
	balances := make(map[int64]*ledger.Account)
	transfers := make(map[int64]*ledger.Transfer) // pending transfers, until resolved
	seen := make(map[int64]struct{})              // every transfer id: none applied twice

	// Checkpoints are read page by page alongside the events.
	var cps []linkfin.Checkpoint
	var cpAfter int64 = -1
	nextCheckpoint := func() (*linkfin.Checkpoint, error) {
		if len(cps) == 0 {
			page, err := s.Checkpoints(ctx, cpAfter, 1000)
			if err != nil {
				return nil, err
			}
			if len(page) == 0 {
				return nil, nil
			}
			cps = page
			cpAfter = page[len(page)-1].Size
		}
		c := cps[0]
		cps = cps[1:]
		return &c, nil
	}
	cp, err := nextCheckpoint()
	if err != nil {
		return nil, err
	}
	checkCheckpoint := func(c *linkfin.Checkpoint, t tlog.Tree) {
		rep.Checkpoints++
		signed, err := tlog.OpenCheckpoint(c.Note, verifier, origin)
		switch {
		case err != nil:
			rep.problem("checkpoint at size %d: signature or format: %v", c.Size, err)
		case signed.Size != c.Size || !bytes.Equal(signed.Hash[:], c.Hash):
			rep.problem("checkpoint at size %d: signed note says size %d, root %x; row says root %x", c.Size, signed.Size, signed.Hash[:], c.Hash)
		case signed.Hash != t.Hash:
			rep.problem("checkpoint at size %d: root %x does not match the re-hashed log %x", c.Size, signed.Hash[:], t.Hash[:])
		}
	}
	if cp != nil && cp.Size == 0 {
		checkCheckpoint(cp, tlog.Tree{})
		if cp, err = nextCheckpoint(); err != nil {
			return nil, err
		}
	}
	head, err := s.Head(ctx)
	if err != nil {
		return nil, err
	}
	// Stored account rows are exact at log position head.AccountsAt (balances are
	// written lazily): compare them with the replay at that point.
	var atRows map[int64]ledger.Account
	snapshot := func() {
		atRows = make(map[int64]ledger.Account, len(balances))
		for id, a := range balances {
			atRows[id] = *a
		}
	}
	records := domainRecords{}
	var from int64
	firstBad := int64(-1)
	for {
		page, err := s.Events(ctx, from, 10000)
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			break
		}
		for i := range page {
			ev := &page[i]
			if ev.Seq != from {
				rep.problem("event log: expected seq %d, found %d (an event is missing)", from, ev.Seq)
				return rep, nil
			}
			if from == head.AccountsAt {
				snapshot()
			}
			from++
			_, complete := v.Add(ev.Record())
			for _, td := range complete {
				if bad := checkTile(ctx, s, td, rep); bad >= 0 && (firstBad < 0 || bad < firstBad) {
					firstBad = bad
				}
			}
			if err := records.add(ev); err != nil {
				rep.problem("event %d (%s): %v", ev.Seq, ev.Type, err)
			}
			if err := replay(ev, balances, transfers); err != nil {
				rep.problem("event %d (%s): %v", ev.Seq, ev.Type, err)
			}
			if ev.Type == string(ledger.EventTransferCreated) {
				rep.Transfers++
				if id, ok := transferID(ev.Data); ok {
					if _, dup := seen[id]; dup {
						rep.problem("event %d: transfer %d was applied twice", ev.Seq, id)
					}
					seen[id] = struct{}{}
				}
			}
			for cp != nil && cp.Size == ev.Seq+1 {
				checkCheckpoint(cp, v.Tree())
				if cp, err = nextCheckpoint(); err != nil {
					return nil, err
				}
			}
		}
	}
	rep.Events = from
	if atRows == nil {
		if head.AccountsAt != from {
			rep.problem("the account rows claim to be exact at log position %d, but the log has %d events", head.AccountsAt, from)
		}
		snapshot()
	}
	for _, td := range v.PartialTiles() {
		if bad := checkTile(ctx, s, td, rep); bad >= 0 && (firstBad < 0 || bad < firstBad) {
			firstBad = bad
		}
	}
	if firstBad >= 0 {
		// Put the first altered event first: it is what an operator looks at.
		rep.Problems = append([]string{fmt.Sprintf("first bad entry: event %d does not match the hash the log recorded for it", firstBad)}, rep.Problems...)
	}
	for cp != nil {
		rep.problem("checkpoint at size %d is beyond the log's %d events", cp.Size, rep.Events)
		if cp, err = nextCheckpoint(); err != nil {
			return nil, err
		}
	}
	rep.Root = v.Tree().Hash
	if head.Last == nil && rep.Events > 0 {
		rep.problem("the log has %d events and no checkpoint", rep.Events)
	} else if head.Last != nil && head.Last.Size != rep.Events {
		rep.problem("the last checkpoint covers %d events, the log has %d", head.Last.Size, rep.Events)
	}

	// The ledger: every stored balance equal to the balance replayed from the log up
	// to where the rows are exact; invariants over the stored rows and over the
	// balances at the end of the log.
	c, final := ledger.NewChecker(), ledger.NewChecker()
	err = s.ScanAccounts(ctx, func(a *ledger.Account) error {
		c.Add(a)
		r, ok := atRows[a.ID]
		switch {
		case !ok:
			if balances[a.ID] == nil {
				rep.problem("account %d is in the store but was never created in the log", a.ID)
			} else if a.DebitsPending != 0 || a.DebitsPosted != 0 || a.CreditsPending != 0 || a.CreditsPosted != 0 {
				// Created after the rows' position: stored as created.
				rep.problem("account %d: stored balances are not those it was created with", a.ID)
			}
		case r.DebitsPending != a.DebitsPending || r.DebitsPosted != a.DebitsPosted ||
			r.CreditsPending != a.CreditsPending || r.CreditsPosted != a.CreditsPosted:
			rep.problem("account %d: stored balances (dp %d, dP %d, cp %d, cP %d) differ from the log's (dp %d, dP %d, cp %d, cP %d)",
				a.ID, a.DebitsPending, a.DebitsPosted, a.CreditsPending, a.CreditsPosted,
				r.DebitsPending, r.DebitsPosted, r.CreditsPending, r.CreditsPosted)
		case r.Flags != a.Flags:
			rep.problem("account %d: stored flags %d differ from the log's %d", a.ID, a.Flags, r.Flags)
		}
		if b := balances[a.ID]; b != nil {
			final.Add(b)
			delete(balances, a.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for id := range balances {
		rep.problem("account %d was created in the log but is missing from the store", id)
	}
	for _, p := range final.Problems() {
		rep.problem("ledger invariant at the end of the log: %s", p)
	}
	if err := records.check(ctx, s, rep); err != nil {
		return nil, err
	}
	rep.Accounts = c.Accounts()
	rep.Totals = c.Totals()
	for _, p := range c.Problems() {
		rep.problem("ledger invariant: %s", p)
	}
	return rep, nil
}

// domainRecords replays the domain's events: the last event of each record holds the
// record's current data, which must be what the store has.
type domainRecords map[string]map[string][]byte // kind → id → data

func (d domainRecords) add(ev *linkfin.Event) error {
	kind, _, ok := strings.Cut(ev.Type, ".")
	if !ok || kind == "account" || kind == "transfer" {
		return nil
	}
	id, err := recordID(kind, ev.Data)
	if err != nil {
		return err
	}
	if d[kind] == nil {
		d[kind] = make(map[string][]byte)
	}
	d[kind][id] = ev.Data
	return nil
}

// recordID names the record an event of the domain wrote: its kind must be one
// linkfin knows, and its data holds the record's id.
func recordID(kind string, data []byte) (string, error) {
	if !linkfin.KnownKind(kind) {
		return "", fmt.Errorf("a record of kind %q, which linkfin does not know", kind)
	}
	id, err := linkfin.RecordID(data)
	if err != nil && kind == linkfin.KindWebhookQuota {
		// Quotas counted before every record held its id are the organization's.
		var q linkfin.WebhookQuota
		if json.Unmarshal(data, &q) == nil && q.OrgID != "" {
			return q.OrgID, nil
		}
	}
	if err != nil {
		return "", fmt.Errorf("a %s record without its id: %v", kind, err)
	}
	return id, nil
}

func (d domainRecords) check(ctx context.Context, s linkfin.Store, rep *Report) error {
	for kind, want := range d {
		seen := 0
		after := ""
		for {
			objs, err := s.ListObjects(ctx, kind, after, 1000)
			if err != nil {
				return err
			}
			for _, o := range objs {
				data, ok := want[o.ID]
				switch {
				case !ok:
					rep.problem("%s %s is in the store but not in the log", kind, o.ID)
				case !bytes.Equal(data, o.Data):
					rep.problem("%s %s: the stored record differs from its last event in the log", kind, o.ID)
				default:
					seen++
				}
			}
			if len(objs) < 1000 {
				break
			}
			after = objs[len(objs)-1].ID
		}
		if seen != len(want) {
			rep.problem("%d %s record(s) of the log are missing from the store", len(want)-seen, kind)
		}
	}
	return nil
}

// checkTile compares a recomputed tile with the stored one. For a level-0 tile it
// returns the index of the first leaf whose stored hash differs, else -1.
func checkTile(ctx context.Context, s linkfin.Store, td tlog.TileData, rep *Report) int64 {
	t := td.Tile
	got, err := s.ReadTiles(ctx, []linkfin.Tile{{L: t.L, N: t.N, W: t.W}})
	if err != nil {
		rep.problem("tile %d/%d: %v", t.L, t.N, err)
		return -1
	}
	if bytes.Equal(got[0], td.Data) {
		return -1
	}
	for i := 0; i < t.W; i++ {
		if !bytes.Equal(got[0][i*32:(i+1)*32], td.Data[i*32:(i+1)*32]) {
			if t.L == 0 {
				return t.N<<tlog.TileHeight + int64(i)
			}
			rep.problem("tile %d/%d: stored hash %d differs from the re-hashed log", t.L, t.N, i)
			return -1
		}
	}
	return -1
}

// transferID reads the id at the start of a transfer event's canonical JSON.
func transferID(data []byte) (int64, bool) {
	rest, ok := bytes.CutPrefix(data, []byte(`{"id":"`))
	if !ok {
		return 0, false
	}
	end := bytes.IndexByte(rest, '"')
	if end < 0 {
		return 0, false
	}
	id, err := strconv.ParseInt(string(rest[:end]), 10, 64)
	return id, err == nil
}

// replay applies one event to balances recomputed from the log alone.
func replay(ev *linkfin.Event, accounts map[int64]*ledger.Account, pending map[int64]*ledger.Transfer) error {
	switch ledger.EventType(ev.Type) {
	case ledger.EventAccountCreated:
		var a ledger.Account
		if err := json.Unmarshal(ev.Data, &a); err != nil {
			return err
		}
		if accounts[a.ID] != nil {
			return fmt.Errorf("account %d created twice", a.ID)
		}
		accounts[a.ID] = &a
	case ledger.EventAccountClosed:
		var a ledger.Account
		if err := json.Unmarshal(ev.Data, &a); err != nil {
			return err
		}
		if r := accounts[a.ID]; r != nil {
			r.Flags |= ledger.Closed
		}
	case ledger.EventTransferCreated:
		var t ledger.Transfer
		if err := json.Unmarshal(ev.Data, &t); err != nil {
			return err
		}
		dr, cr := accounts[t.DebitAccountID], accounts[t.CreditAccountID]
		if dr == nil || cr == nil {
			return fmt.Errorf("transfer %d names an account the log never created", t.ID)
		}
		switch {
		case t.Flags&ledger.Pending != 0:
			dr.DebitsPending += t.Amount
			cr.CreditsPending += t.Amount
			pending[t.ID] = &t
		case t.Flags&(ledger.PostPending|ledger.VoidPending) != 0:
			p := pending[t.PendingID]
			if p == nil {
				return fmt.Errorf("transfer %d resolves %d, which is not pending", t.ID, t.PendingID)
			}
			delete(pending, t.PendingID)
			dr.DebitsPending -= p.Amount
			cr.CreditsPending -= p.Amount
			if t.Flags&ledger.PostPending != 0 {
				dr.DebitsPosted += t.Amount
				cr.CreditsPosted += t.Amount
			}
		default:
			dr.DebitsPosted += t.Amount
			cr.CreditsPosted += t.Amount
		}
	case ledger.EventPendingExpired:
		var x struct {
			ID     string `json:"id"`
			Amount int64  `json:"amount"`
		}
		if err := json.Unmarshal(ev.Data, &x); err != nil {
			return err
		}
		id, _ := strconv.ParseInt(x.ID, 10, 64)
		p := pending[id]
		if p == nil {
			return fmt.Errorf("expiry of %d, which is not pending", id)
		}
		delete(pending, id)
		accounts[p.DebitAccountID].DebitsPending -= p.Amount
		accounts[p.CreditAccountID].CreditsPending -= p.Amount
	}
	return nil
}
