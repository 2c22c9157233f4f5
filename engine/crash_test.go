package engine_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"linkfin/audit"
	"linkfin/engine"
	"linkfin/ledger"
	"linkfin/sqlite"
	"linkfin/tlog"
)

// The crash test runs the engine in a child process under load and kills it with
// SIGKILL at random moments, again and again. The child prints "S id" before it
// submits a transfer and "A id result" once the engine acknowledged it. At the end,
// every acknowledged transfer must be stored exactly once, every linked pair must be
// stored whole or not at all, retries of unacknowledged transfers must never be
// applied twice, and the database must verify.

const crashAccounts = 200

// crashTransfer is a pure function of the id, so a retry is the same request.
func crashTransfer(id int64) ledger.Transfer {
	dr := id%crashAccounts + 1
	cr := (id*7+3)%crashAccounts + 1
	if cr == dr {
		cr = dr%crashAccounts + 1
	}
	return ledger.Transfer{ID: id, DebitAccountID: dr, CreditAccountID: cr, Amount: id%1000 + 1, Ledger: 1, Currency: "CNY", Code: 1}
}

// pairStart tells whether id starts a linked pair: every fourth request of a client.
// Client id ranges start at multiples of 8, so this depends on the id alone.
func pairStart(id int64) bool { return id%2 == 0 && (id/2)%4 == 0 }

// crashPair is a linked pair: both or neither.
func crashPair(id int64) []ledger.Transfer {
	a, b := crashTransfer(id), crashTransfer(id+1)
	a.Flags |= ledger.Linked
	return []ledger.Transfer{a, b}
}

func TestCrashChild(t *testing.T) {
	if os.Getenv("LINKFIN_CRASH_CHILD") == "" {
		t.Skip("run by TestCrash as a child process")
	}
	ctx := context.Background()
	db, err := sqlite.Open(os.Getenv("LINKFIN_CRASH_DB"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	skey, _ := os.ReadFile(os.Getenv("LINKFIN_CRASH_KEY"))
	signer, err := note.NewSigner(strings.TrimSpace(string(skey)))
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.Open(ctx, engine.Config{Store: db, Signer: signer})
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
	submit := func(ts []ledger.Transfer) {
		for _, x := range ts {
			say("S %d", x.ID)
		}
		resp, err := e.Submit(ctx, &engine.Request{CreateTransfers: ts})
		if err != nil {
			say("E %v", err)
			return
		}
		for i, r := range resp.Results {
			say("A %d %s", ts[i].ID, r)
		}
	}
	// First, the retries of what the last run sent but never saw acknowledged, as
	// the same requests: a linked pair is retried as the pair.
	retried := map[int64]bool{}
	for _, s := range strings.Fields(os.Getenv("LINKFIN_CRASH_RETRY")) {
		id, _ := strconv.ParseInt(s, 10, 64)
		if start := id - id%2; pairStart(start) {
			if !retried[start] {
				retried[start] = true
				submit(crashPair(start))
			}
			continue
		}
		submit([]ledger.Transfer{crashTransfer(id)})
	}
	say("ready")
	base, _ := strconv.ParseInt(os.Getenv("LINKFIN_CRASH_BASE"), 10, 64)
	var wg sync.WaitGroup
	for c := int64(0); c < 16; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int64(0); ; i++ {
				id := base + c*100_000 + 2*i
				if pairStart(id) {
					submit(crashPair(id))
				} else {
					submit([]ledger.Transfer{crashTransfer(id)})
				}
			}
		}()
	}
	wg.Wait()
}

func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "crash.db")
	skey, vkey, err := tlog.GenerateKey("linkfin-crash")
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "log.key")
	if err := os.WriteFile(keyFile, []byte(skey), 0o600); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))

	acked := map[int64]ledger.Result{}
	var retry []int64
	const kills = 24
	for run := 0; run < kills; run++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "LINKFIN_CRASH_CHILD=1", "LINKFIN_CRASH_DB="+path, "LINKFIN_CRASH_KEY="+keyFile,
			fmt.Sprintf("LINKFIN_CRASH_BASE=%d", int64(run+1)*10_000_000),
			"LINKFIN_CRASH_RETRY="+joinIDs(retry))
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sent := map[int64]bool{}
		ready := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			sc := bufio.NewScanner(stdout)
			once := sync.Once{}
			for sc.Scan() {
				f := strings.Fields(sc.Text())
				switch {
				case len(f) == 1 && f[0] == "ready":
					once.Do(func() { close(ready) })
				case len(f) == 2 && f[0] == "S":
					id, err := strconv.ParseInt(f[1], 10, 64)
					if err == nil {
						sent[id] = true
					}
				case len(f) == 3 && f[0] == "A":
					id, err := strconv.ParseInt(f[1], 10, 64)
					if err != nil {
						continue
					}
					r := ledger.Result(f[2])
					if r != ledger.OK && r != ledger.Exists && r != ledger.LinkedEventFailed {
						t.Errorf("transfer %d answered %s", id, r)
					}
					if r == ledger.Exists && acked[id] == "" && !contains(retry, id) {
						t.Errorf("transfer %d answered exists on its first try", id)
					}
					acked[id] = r
					delete(sent, id)
				}
			}
		}()
		select {
		case <-ready:
		case <-time.After(60 * time.Second):
			cmd.Process.Kill()
			t.Fatal("child never became ready")
		}
		time.Sleep(time.Duration(20+rng.IntN(300)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		<-done
		cmd.Wait()
		retry = retry[:0]
		for id := range sent {
			retry = append(retry, id)
		}
	}
	if t.Failed() {
		return
	}

	ctx := context.Background()
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	okCount := 0
	for id, r := range acked {
		tr, err := db.Transfer(ctx, id)
		if r == ledger.LinkedEventFailed {
			continue
		}
		okCount++
		if err != nil {
			t.Fatalf("acknowledged transfer %d (%s) is missing: %v", id, r, err)
		}
		want := crashTransfer(id)
		if tr.Amount != want.Amount || tr.DebitAccountID != want.DebitAccountID || tr.CreditAccountID != want.CreditAccountID {
			t.Fatalf("transfer %d stored as %+v", id, tr)
		}
	}
	// Linked pairs are whole or absent, acknowledged or not.
	pairs := 0
	unacked := map[int64]ledger.Result{}
	for _, id := range retry {
		unacked[id] = ""
	}
	for id := range unacked {
		if start := id - id%2; pairStart(start) {
			_, e1 := db.Transfer(ctx, start)
			_, e2 := db.Transfer(ctx, start+1)
			if (e1 == nil) != (e2 == nil) {
				t.Fatalf("unacknowledged linked pair %d/%d is half-applied", start, start+1)
			}
		}
	}
	for id := range acked {
		if start := id - id%2; pairStart(start) && id == start {
			_, e1 := db.Transfer(ctx, start)
			_, e2 := db.Transfer(ctx, start+1)
			if (e1 == nil) != (e2 == nil) {
				t.Fatalf("linked pair %d/%d is half-applied", start, start+1)
			}
			pairs++
		}
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := audit.Verify(ctx, db, v, "linkfin")
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("verify after %d kills:\n%s", kills, strings.Join(rep.Problems, "\n"))
	}
	if okCount == 0 || rep.Transfers < int64(okCount) {
		t.Fatalf("%d acknowledged transfers, %d in the log", okCount, rep.Transfers)
	}
	// The last kill left balances that were never flushed: a restart replays the log
	// into the account rows, and then the rows are exact at the end of the log.
	head, err := db.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.Open(ctx, engine.Config{Store: db, Signer: signer})
	if err != nil {
		t.Fatal(err)
	}
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
	t.Logf("%d kills; %d transfers acknowledged (%d linked pairs), %d in the log (the rest were in flight when killed); "+
		"balances replayed from event %d to %d on restart; verify OK", kills, okCount, pairs, rep.Transfers, head.AccountsAt, head.Size)
}

func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, " ")
}

func contains(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
