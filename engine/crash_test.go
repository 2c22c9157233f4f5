package engine_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"linkfin"
	"linkfin/audit"
	"linkfin/engine"
	"linkfin/internal/testrand"
	"linkfin/ledger"
	"linkfin/postgres"
	"linkfin/postgres/pgtest"
	"linkfin/sqlite"
	"linkfin/tlog"
)

// The crash test runs the engine in a child process under load and kills it with
// SIGKILL at random moments, again and again, on SQLite and on PostgreSQL. The load is
// of two kinds at once:
//
//   - raw ledger operations from several clients: plain transfers, linked pairs,
//     pendings that expire, pendings then posted, pendings then voided, and accounts
//     created, paid into and closed. Each request ("unit") is a pure function of its
//     id, so a retry is the same request. The child prints "S u" before it submits
//     one and "A u results" once the engine answered.
//   - the domain script (crash_script_test.go): every product's commands in order,
//     each under its step's idempotency key. The child prints "T i" before it sends
//     step i, "D i replayed" once it was answered, "F i code" if it was refused. Each
//     run sends the last step answered again: its answer must be replayed.
//
// Each run retries what the last one sent and never saw answered, then goes on. A
// last run finishes the retries and the script without a kill. Then every answered
// unit must be stored exactly once (counted in the log), nothing never sent may be
// there, every pending must end as its unit said (posted, voided, or expired by the
// engine exactly once), the domain's records, balances and events must equal those of
// the same script run without a crash, and the database must verify.

const (
	crashAccounts = 200
	crashClients  = 8
	crashKills    = 12   // per store
	crashOpIDs    = 8    // ids per raw operation: its units are op, op+1, op+2
	crashRawLimit = 1e12 // raw account and transfer ids are below; the domain's are hashes far above
)

// Kinds of raw operation, by (op / crashOpIDs) % 8.
const (
	opPlain, opPlain2, opPlain3 = iota, iota + 1, iota + 2
	opPair                      = 3 // op and op+1, linked: both or neither
	opExpire                    = 4 // a pending that times out after a second
	opPost                      = 5 // a pending (op), then its post (op+1)
	opVoid                      = 6 // a pending (op), then its void (op+1)
	opClose                     = 7 // account op, a transfer into it (op+1), its close (op+2)
)

func opKind(op int64) int64 { return (op / crashOpIDs) % 8 }

// opUnits is how many requests an operation makes.
func opUnits(op int64) int64 {
	switch opKind(op) {
	case opPost, opVoid:
		return 2
	case opClose:
		return 3
	}
	return 1
}

func crashTransfer(op, id int64) ledger.Transfer {
	n := op / crashOpIDs
	dr := n%crashAccounts + 1
	cr := (n*7+3)%crashAccounts + 1
	if cr == dr {
		cr = dr%crashAccounts + 1
	}
	return ledger.Transfer{ID: id, DebitAccountID: dr, CreditAccountID: cr, Amount: n%1000 + 1, Ledger: 1, Currency: "CNY", Code: 1}
}

// crashUnit is the request of unit u: a pure function of u.
func crashUnit(u int64) *engine.Request {
	op, step := u-u%crashOpIDs, u%crashOpIDs
	t := crashTransfer(op, u)
	switch k := opKind(op); {
	case k == opPair:
		a, b := crashTransfer(op, op), crashTransfer(op, op+1)
		a.Flags |= ledger.Linked
		return &engine.Request{CreateTransfers: []ledger.Transfer{a, b}}
	case k == opExpire:
		t.Flags, t.Timeout = ledger.Pending, 1
	case (k == opPost || k == opVoid) && step == 0:
		t.Flags = ledger.Pending
	case k == opPost:
		return &engine.Request{CreateTransfers: []ledger.Transfer{{ID: u, PendingID: op, Flags: ledger.PostPending}}}
	case k == opVoid:
		return &engine.Request{CreateTransfers: []ledger.Transfer{{ID: u, PendingID: op, Flags: ledger.VoidPending}}}
	case k == opClose && step == 0:
		return &engine.Request{CreateAccounts: []ledger.Account{{ID: op, Ledger: 1, Currency: "CNY", Code: 1}}}
	case k == opClose && step == 1:
		t.CreditAccountID = op
	case k == opClose:
		return &engine.Request{CloseAccounts: []int64{op}}
	}
	return &engine.Request{CreateTransfers: []ledger.Transfer{t}}
}

// crashClock is the child's clock: crashEpoch plus the time since the test began, and
// crashShift more once the script has reached its shift.
type crashClock struct {
	start   time.Time
	shifted atomic.Bool
}

func (c *crashClock) Now() time.Time {
	t := crashEpoch.Add(time.Since(c.start))
	if c.shifted.Load() {
		t = t.Add(crashShift)
	}
	return t
}

// crashOpen opens (and migrates) the store named "sqlite:<path>" or "postgres:<url>".
func crashOpen(ctx context.Context, spec string) (linkfin.Store, error) {
	kind, where, _ := strings.Cut(spec, ":")
	var s linkfin.Store
	var err error
	if kind == "postgres" {
		s, err = postgres.Open(ctx, where)
	} else {
		s, err = sqlite.Open(where)
	}
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func TestCrashChild(t *testing.T) {
	if os.Getenv("LINKFIN_CRASH_CHILD") == "" {
		t.Skip("run by TestCrash as a child process")
	}
	ctx := context.Background()
	db, err := crashOpen(ctx, os.Getenv("LINKFIN_CRASH_STORE"))
	if err != nil {
		t.Fatal(err)
	}
	skey, _ := os.ReadFile(os.Getenv("LINKFIN_CRASH_KEY"))
	signer, err := note.NewSigner(strings.TrimSpace(string(skey)))
	if err != nil {
		t.Fatal(err)
	}
	start, _ := strconv.ParseInt(os.Getenv("LINKFIN_CRASH_START"), 10, 64)
	next, _ := strconv.Atoi(os.Getenv("LINKFIN_CRASH_STEP"))
	script, shift := crashScript()
	clock := &crashClock{start: time.Unix(0, start)}
	clock.shifted.Store(next >= shift)
	e, err := engine.Open(ctx, engine.Config{Store: db, Signer: signer, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	out := bufio.NewWriter(os.Stdout)
	say := func(format string, args ...any) {
		mu.Lock()
		fmt.Fprintf(out, format+"\n", args...)
		out.Flush()
		mu.Unlock()
	}
	var accts []ledger.Account
	for i := int64(1); i <= crashAccounts; i++ {
		accts = append(accts, ledger.Account{ID: i, Ledger: 1, Currency: "CNY", Code: 1})
	}
	if _, err := e.Submit(ctx, &engine.Request{CreateAccounts: accts}); err != nil {
		t.Fatal(err)
	}
	submit := func(u int64) bool {
		say("S %d", u)
		resp, err := e.Submit(ctx, crashUnit(u))
		if err != nil {
			say("E %d %v", u, err)
			return false
		}
		rs := make([]string, len(resp.Results))
		for i, r := range resp.Results {
			rs[i] = string(r)
		}
		say("A %d %s", u, strings.Join(rs, ","))
		return true
	}
	// First, the retries of what the last run sent but never saw answered.
	for _, s := range strings.Fields(os.Getenv("LINKFIN_CRASH_RETRY")) {
		u, _ := strconv.ParseInt(s, 10, 64)
		submit(u)
	}
	say("ready")
	var wg sync.WaitGroup
	wg.Go(func() {
		// The last step answered is sent again, as by a client that lost its answer:
		// it must come back as a replay from the store, not run twice.
		for i := max(next-1, 0); i < len(script); i++ {
			if i == shift {
				clock.shifted.Store(true)
			}
			step, err := resolveStep(ctx, db, script[i])
			if err != nil {
				say("E step %d %v", i, err)
				return
			}
			req := &engine.Request{IdempotencyKey: crashStepKey(i), Commands: []linkfin.Command{step}}
			req.Hash = req.OpsHash()
			say("T %d", i)
			resp, err := e.Submit(ctx, req)
			if err != nil {
				say("E step %d %v", i, err)
				return
			}
			if out := resp.Outcomes[0]; out.Code != "" {
				say("F %d %s %s", i, out.Code, out.Message)
				return
			}
			say("D %d %v", i, resp.Replayed)
		}
	})
	if os.Getenv("LINKFIN_CRASH_DRAIN") == "" {
		base, _ := strconv.ParseInt(os.Getenv("LINKFIN_CRASH_BASE"), 10, 64)
		for c := int64(0); c < crashClients; c++ {
			wg.Go(func() {
				for i := int64(0); ; i++ {
					op := base + c*1_000_000 + crashOpIDs*i
					for s := int64(0); s < opUnits(op) && submit(op+s); s++ {
					}
				}
			})
		}
	}
	wg.Wait()
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	say("done")
}

// crashLog is what the parent learnt from the children's output.
type crashLog struct {
	answered map[int64][]ledger.Result // unit → its last answer
	first    map[int64]bool            // units answered on their first try
	sent     map[int64]bool            // every unit ever sent
	steps    int                       // domain steps answered (they run in order)
	cut      int                       // kills while a step was in flight
	replays  int                       // steps sent again and answered from the store
}

func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	t.Run("sqlite", func(t *testing.T) {
		testCrash(t, "sqlite:"+filepath.Join(t.TempDir(), "crash.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		u := os.Getenv("LINKFIN_TEST_POSTGRES_URL")
		if u == "" {
			t.Skip("LINKFIN_TEST_POSTGRES_URL is not set")
		}
		testCrash(t, "postgres:"+pgtest.Schema(t, u))
	})
}

func testCrash(t *testing.T, spec string) {
	dir := t.TempDir()
	skey, vkey, err := tlog.GenerateKey("linkfin-crash")
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "log.key")
	if err := os.WriteFile(keyFile, []byte(skey), 0o600); err != nil {
		t.Fatal(err)
	}
	rng := testrand.New(t) // the moments of the kills
	start := time.Now()
	script, _ := crashScript()
	log := &crashLog{answered: map[int64][]ledger.Result{}, first: map[int64]bool{}, sent: map[int64]bool{}}
	var retry []int64
	for run := 0; run <= crashKills; run++ {
		drain := run == crashKills // the last run is not killed: it finishes what is open
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "LINKFIN_CRASH_CHILD=1", "LINKFIN_CRASH_STORE="+spec, "LINKFIN_CRASH_KEY="+keyFile,
			fmt.Sprintf("LINKFIN_CRASH_START=%d", start.UnixNano()),
			fmt.Sprintf("LINKFIN_CRASH_BASE=%d", int64(run+1)*10_000_000),
			fmt.Sprintf("LINKFIN_CRASH_STEP=%d", log.steps),
			"LINKFIN_CRASH_RETRY="+joinIDs(retry))
		if drain {
			cmd.Env = append(cmd.Env, "LINKFIN_CRASH_DRAIN=1")
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		inflight := map[int64]bool{}
		retried := map[int64]bool{}
		for _, u := range retry {
			retried[u] = true
		}
		ready, done := make(chan struct{}), make(chan struct{})
		finished, stepInFlight := false, false
		go func() {
			defer close(done)
			sc := bufio.NewScanner(stdout)
			once := sync.Once{}
			for sc.Scan() {
				f := strings.Fields(sc.Text())
				if len(f) == 0 {
					continue
				}
				switch f[0] {
				case "ready":
					once.Do(func() { close(ready) })
				case "done":
					finished = true
				case "S":
					u, _ := strconv.ParseInt(f[1], 10, 64)
					inflight[u], log.sent[u] = true, true
				case "A":
					u, _ := strconv.ParseInt(f[1], 10, 64)
					var rs []ledger.Result
					for _, r := range strings.Split(f[2], ",") {
						rs = append(rs, ledger.Result(r))
					}
					checkAnswer(t, u, rs, retried[u] || log.answered[u] != nil)
					if log.answered[u] == nil && !retried[u] {
						log.first[u] = true
					}
					log.answered[u] = rs
					delete(inflight, u)
				case "T":
					stepInFlight = true
				case "D":
					stepInFlight = false
					i, _ := strconv.Atoi(f[1])
					switch replayed := f[2] == "true"; {
					case i == log.steps-1 && !replayed:
						t.Errorf("step %d, answered before the kill, ran again instead of replaying its answer", i)
					case i == log.steps-1:
						log.replays++
					case i != log.steps:
						t.Errorf("step %d answered after %d steps", i, log.steps)
					}
					log.steps = max(log.steps, i+1)
				case "F":
					t.Errorf("step %d (%T) refused: %s", atoiOr(f[1]), script[atoiOr(f[1])], strings.Join(f[2:], " "))
				}
			}
		}()
		select {
		case <-ready:
		case <-time.After(60 * time.Second):
			cmd.Process.Kill()
			t.Fatal("child never became ready")
		}
		if drain {
			select {
			case <-done:
			case <-time.After(120 * time.Second):
				cmd.Process.Kill()
				t.Fatal("the last run never finished")
			}
			cmd.Wait()
			if !finished {
				t.Fatal("the last run did not finish")
			}
		} else {
			time.Sleep(time.Duration(20+rng.IntN(300)) * time.Millisecond)
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			cmd.Wait()
			if stepInFlight {
				log.cut++
			}
		}
		retry = retry[:0]
		for u := range inflight {
			retry = append(retry, u)
		}
		slices.Sort(retry)
	}
	if t.Failed() {
		return
	}
	if len(retry) > 0 || log.steps != len(script) {
		t.Fatalf("after the last run: %d units unanswered, %d of %d steps done", len(retry), log.steps, len(script))
	}
	ref := crashReference(t)
	checkCrash(t, spec, vkey, skey, start, log, ref)
}

func atoiOr(s string) int { i, _ := strconv.Atoi(s); return i }

// checkAnswer checks one unit's answer: ok on its first try; on a retry, ok or the
// answer of one already applied (for a linked pair, exists and the chain's failure
// it causes). Whether it was applied, and once, is counted at the end.
func checkAnswer(t *testing.T, u int64, rs []ledger.Result, retry bool) {
	t.Helper()
	for _, r := range rs {
		switch {
		case r == ledger.OK:
		case retry && (r == ledger.Exists || r == ledger.AccountAlreadyClosed || r == ledger.LinkedEventFailed && slices.Contains(rs, ledger.Exists)):
		default:
			t.Errorf("unit %d (kind %d) answered %v (a retry: %v)", u, opKind(u-u%crashOpIDs), rs, retry)
			return
		}
	}
}

// crashState is what the domain script leaves: its records without their times, its
// accounts' balances, and its events counted by type.
type crashState struct {
	Records   map[string]string
	Balances  map[string]string // by account id, an e-CNY wallet's by its owner (walletNames)
	Events    map[string]int
	Transfers int64
}

// domainKinds are the kinds of record the script writes.
var domainKinds = []string{linkfin.KindOrganization, linkfin.KindRelationship, linkfin.KindProgram, linkfin.KindPurchaseOrder,
	linkfin.KindGoodsReceipt, linkfin.KindInvoice, linkfin.KindInvoiceNumber, linkfin.KindInvoiceFingerprint, linkfin.KindPayable, linkfin.KindCertificate,
	linkfin.KindMaturity, linkfin.KindFinancing, linkfin.KindWarehouseReceipt, linkfin.KindLot, linkfin.KindPriceMark,
	linkfin.KindConditionalPayment, linkfin.KindConditionWatch, linkfin.KindECNYWallet}

// walletNames names each e-CNY wallet, and each of its ledger accounts, by its owner:
// the platform gives a wallet its id when it opens it, so the same script gives other
// ids in every run. (Each owner in the script has one wallet.)
func walletNames(t *testing.T, s linkfin.Store) *strings.Replacer {
	objs, err := s.ListObjects(context.Background(), linkfin.KindECNYWallet, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	var pairs []string
	for _, o := range objs {
		var w linkfin.ECNYWallet
		if err := json.Unmarshal(o.Data, &w); err != nil {
			t.Fatal(err)
		}
		name := "ecny-wallet-of-" + w.OrgID
		pairs = append(pairs, w.ID, name)
		for _, a := range []struct {
			id   linkfin.StringInt
			what string
		}{{w.Ledger.Wallet, "money"}, {w.Ledger.Balance, "balance"}, {w.Ledger.Daily, "daily"}, {w.Ledger.Yearly, "yearly"},
			{w.Ledger.LimitSource, "limits"}} {
			pairs = append(pairs, strconv.FormatInt(int64(a.id), 10), name+"/"+a.what)
		}
	}
	return strings.NewReplacer(pairs...)
}

// domainState reads the script's state from a database, leaving out the raw ledger's
// accounts, transfers and events (ids below crashRawLimit).
func domainState(t *testing.T, e *engine.Engine, s linkfin.Store) crashState {
	ctx := context.Background()
	st := crashState{Records: map[string]string{}, Balances: map[string]string{}, Events: map[string]int{}}
	names := walletNames(t, s)
	for _, kind := range domainKinds {
		after := ""
		for {
			objs, err := s.ListObjects(ctx, kind, after, 500)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range objs {
				st.Records[kind+"/"+names.Replace(o.ID)] = names.Replace(timeless(t, o.Data))
				after = o.ID
			}
			if len(objs) < 500 {
				break
			}
		}
	}
	err := e.ScanAccounts(ctx, func(a *ledger.Account) error {
		if a.ID >= crashRawLimit {
			st.Balances[names.Replace(strconv.FormatInt(a.ID, 10))] = fmt.Sprintf("flags=%d dp=%d dP=%d cp=%d cP=%d", a.Flags, a.DebitsPending, a.DebitsPosted, a.CreditsPending, a.CreditsPosted)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for from := int64(0); ; {
		evs, err := s.Events(ctx, from, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			if id, ok := ledgerEventID(ev); ok && id < crashRawLimit {
				continue
			}
			if ev.Type == linkfin.EventAnswersSaved {
				continue // one per batch that saved answers: batches differ from run to run
			}
			st.Events[ev.Type]++
			if ev.Type == string(ledger.EventTransferCreated) {
				st.Transfers++
			}
		}
		if len(evs) < 1000 {
			break
		}
		from += int64(len(evs))
	}
	return st
}

// ledgerEventID is the account or transfer id of a ledger event.
func ledgerEventID(ev linkfin.Event) (int64, bool) {
	switch ledger.EventType(ev.Type) {
	case ledger.EventAccountCreated, ledger.EventAccountClosed, ledger.EventTransferCreated, ledger.EventPendingExpired:
	default:
		return 0, false
	}
	var v struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(ev.Data, &v); err != nil {
		return 0, false
	}
	id, err := strconv.ParseInt(v.ID, 10, 64)
	return id, err == nil
}

// timeless renders a record without the fields that hold the time it was written at,
// which differ between two runs of the same script: times, and the ledger ids the
// ledger reserves from its clock (a financing's range, a conditional payment's lock
// and moves' transfers), and the ids of the e-CNY payments a release made (NewID's,
// from the clock too).
func timeless(t *testing.T, data []byte) string {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	var strip func(v any) any
	strip = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			delete(x, "ledger_base")
			delete(x, "lock")
			delete(x, "transfer_id")
			delete(x, "ecny_payment_id")
			for k, f := range x {
				if s, ok := f.(string); ok {
					if _, err := time.Parse(time.RFC3339Nano, s); err == nil {
						delete(x, k)
						continue
					}
				}
				x[k] = strip(f)
			}
		case []any:
			for i := range x {
				x[i] = strip(x[i])
			}
		}
		return v
	}
	b, _ := json.Marshal(strip(v))
	return string(b)
}

// crashReference runs the script on a fresh database without a crash.
func crashReference(t *testing.T) crashState {
	ctx := context.Background()
	s, err := crashOpen(ctx, "sqlite:"+filepath.Join(t.TempDir(), "reference.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	signer, _ := testSigner(t)
	clock := &crashClock{start: time.Now()}
	e, err := engine.Open(ctx, engine.Config{Store: s, Signer: signer, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	script, shift := crashScript()
	for i, c := range script {
		if i == shift {
			clock.shifted.Store(true)
		}
		c, err := resolveStep(ctx, s, c)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := e.Submit(ctx, &engine.Request{Commands: []linkfin.Command{c}})
		if err != nil {
			t.Fatal(err)
		}
		if out := resp.Outcomes[0]; out.Code != "" {
			t.Fatalf("reference step %d (%T): %s %s", i, c, out.Code, out.Message)
		}
	}
	return domainState(t, e, s)
}

func testSigner(t *testing.T) (note.Signer, note.Verifier) {
	skey, vkey, err := tlog.GenerateKey("linkfin-crash")
	if err != nil {
		t.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	return s, v
}

// checkCrash checks the database after the last run against what was answered and
// against the reference run of the script.
func checkCrash(t *testing.T, spec, vkey, skey string, start time.Time, log *crashLog, ref crashState) {
	ctx := context.Background()
	db, err := crashOpen(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	head, err := db.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Every pending with a timeout has passed it: the first batch of a new engine
	// expires them, once each.
	time.Sleep(1100 * time.Millisecond)
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	clock := &crashClock{start: start}
	clock.shifted.Store(true)
	e, err := engine.Open(ctx, engine.Config{Store: db, Signer: signer, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if _, err := e.Submit(ctx, &engine.Request{Flush: true}); err != nil {
		t.Fatal(err)
	}

	// What each unit must have left: transfers and accounts created, closes and
	// expiries, each exactly once.
	wantTransfers := map[int64]bool{}
	wantAccounts := map[int64]bool{}
	wantClosed := map[int64]bool{}
	wantExpired := map[int64]bool{}
	for i := int64(1); i <= crashAccounts; i++ {
		wantAccounts[i] = true
	}
	kinds := map[int64]int{}
	for u := range log.sent {
		if log.answered[u] == nil {
			t.Fatalf("unit %d was never answered", u)
		}
		op := u - u%crashOpIDs
		kinds[opKind(op)]++
		r := crashUnit(u)
		for _, tr := range r.CreateTransfers {
			wantTransfers[tr.ID] = true
			if tr.Timeout > 0 {
				wantExpired[tr.ID] = true
			}
		}
		for _, a := range r.CreateAccounts {
			wantAccounts[a.ID] = true
		}
		for _, id := range r.CloseAccounts {
			wantClosed[id] = true
		}
	}
	got := map[ledger.EventType]map[int64]int{}
	for from := int64(0); ; {
		evs, err := db.Events(ctx, from, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			if id, ok := ledgerEventID(ev); ok && id < crashRawLimit {
				typ := ledger.EventType(ev.Type)
				if got[typ] == nil {
					got[typ] = map[int64]int{}
				}
				got[typ][id]++
			}
		}
		if len(evs) < 1000 {
			break
		}
		from += int64(len(evs))
	}
	for _, c := range []struct {
		typ  ledger.EventType
		want map[int64]bool
	}{
		{ledger.EventTransferCreated, wantTransfers},
		{ledger.EventAccountCreated, wantAccounts},
		{ledger.EventAccountClosed, wantClosed},
		{ledger.EventPendingExpired, wantExpired},
	} {
		for id := range c.want {
			if n := got[c.typ][id]; n != 1 {
				t.Errorf("%s %d: %d events, want exactly 1", c.typ, id, n)
			}
		}
		for id, n := range got[c.typ] {
			if !c.want[id] {
				t.Errorf("%s %d: %d events of nothing any client sent", c.typ, id, n)
			}
		}
	}
	// Stored as sent; pendings ended as their units said.
	for id := range wantTransfers {
		op := id - id%crashOpIDs
		tr, err := db.Transfer(ctx, id)
		if err != nil {
			t.Fatalf("transfer %d: %v", id, err)
		}
		want := crashUnit(id).CreateTransfers
		if opKind(op) == opPair {
			want = want[id-op:]
		}
		if w := want[0]; tr.PendingID != w.PendingID ||
			w.PendingID == 0 && (tr.Amount != w.Amount || tr.DebitAccountID != w.DebitAccountID || tr.CreditAccountID != w.CreditAccountID) {
			t.Fatalf("transfer %d stored as %+v, sent as %+v", id, tr, w)
		}
		if id != op {
			continue
		}
		var status ledger.PendingStatus
		switch opKind(op) {
		case opExpire:
			status = ledger.StatusExpired
		case opPost, opVoid:
			status = ledger.StatusPending
			if wantTransfers[op+1] && opKind(op) == opPost {
				status = ledger.StatusPosted
			} else if wantTransfers[op+1] {
				status = ledger.StatusVoided
			}
		default:
			continue
		}
		if st, err := db.PendingStatus(ctx, op); err != nil || st.Status != status {
			t.Errorf("pending %d: %v, %v; want %s", op, st, err, status)
		}
	}
	for id := range wantClosed {
		if a, err := e.Account(ctx, id); err != nil || a.Flags&ledger.Closed == 0 {
			t.Errorf("account %d: %+v, %v; want it closed", id, a, err)
		}
	}

	// The domain: as the same script left it without a crash.
	dom := domainState(t, e, db)
	differ(t, "record", dom.Records, ref.Records)
	differ(t, "balance of account", dom.Balances, ref.Balances)
	differ(t, "count of events", dom.Events, ref.Events)

	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := audit.Verify(ctx, db, v, "linkfin")
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("verify after %d kills:\n%s", crashKills, strings.Join(rep.Problems, "\n"))
	}
	if want := int64(len(wantTransfers)) + ref.Transfers; rep.Transfers != want {
		t.Fatalf("%d transfers in the log, want %d: %d the clients sent, %d the script's", rep.Transfers, want, len(wantTransfers), ref.Transfers)
	}
	// The last run's balances were written at its close, or are replayed from the log
	// by this engine: either way the rows are exact at the end of the log.
	e.Close()
	after, err := db.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.AccountsAt != after.Size {
		t.Fatalf("after restart the rows are exact at %d, the log has %d events", after.AccountsAt, after.Size)
	}
	if rep, err = audit.Verify(ctx, db, v, "linkfin"); err != nil || !rep.OK() {
		t.Fatalf("verify after the restart: %v %q", err, rep.Problems)
	}
	t.Logf("%d kills; %d units (by kind %v; %d answered on their first try), %d script steps (%d kills cut one short, %d sent again and replayed); "+
		"%d transfers in the log; rows exact at event %d of %d before the last restart; verify OK", crashKills, len(log.sent), kinds,
		len(log.first), log.steps, log.cut, log.replays, rep.Transfers, head.AccountsAt, head.Size)
}

// differ reports each key whose value differs between the crashed run and the
// reference run of the script.
func differ[K comparable, V comparable](t *testing.T, what string, got, want map[K]V) {
	t.Helper()
	for k, w := range want {
		if g, ok := got[k]; !ok || g != w {
			t.Errorf("%s %v after the crashes: %v; without a crash: %v", what, k, g, w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s %v after the crashes: %v; none without a crash", what, k, g)
		}
	}
}

func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, " ")
}
