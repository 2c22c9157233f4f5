package sqlite_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"linkfin"
	"linkfin/engine"
	"linkfin/ledger"
	"linkfin/sqlite"
	"linkfin/storetest"
)

// TestWriterLockChild is the child of TestWriterLockAcrossProcesses: it opens an
// engine on the database, creates an account, says so, and waits to be killed.
func TestWriterLockChild(t *testing.T) {
	path := os.Getenv("LINKFIN_WRITER_LOCK_DB")
	if path == "" {
		t.Skip("run by TestWriterLockAcrossProcesses as a child process")
	}
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := storetest.Keys(t)
	e, err := engine.Open(context.Background(), engine.Config{Store: db, Signer: signer})
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.Submit(context.Background(), &engine.Request{CreateAccounts: []ledger.Account{storetest.Acct(1, 0)}})
	if err != nil || r.Results[0] != ledger.OK {
		t.Fatalf("create account: %v %v", r, err)
	}
	fmt.Println("locked")
	time.Sleep(time.Hour)
}

// TestWriterLockAcrossProcesses: an engine in another process keeps this one's engine
// out, readers are not kept out, and the lock goes with the process that held it.
func TestWriterLockAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	db, path := openStore(t)

	cmd := exec.Command(os.Args[0], "-test.run=^TestWriterLockChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "LINKFIN_WRITER_LOCK_DB="+path)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	locked := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if sc.Text() == "locked" {
				locked <- true
				return
			}
		}
		locked <- false
	}()
	select {
	case ok := <-locked:
		if !ok {
			t.Fatal("the child ended without taking the lock")
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the child never took the lock")
	}

	signer, _ := storetest.Keys(t)
	config := engine.Config{Store: db, Signer: signer}
	if _, err := engine.Open(ctx, config); linkfin.ErrorCode(err) != linkfin.ELOCKED {
		t.Fatalf("engine while the child holds the lock: %v, want code %q", err, linkfin.ELOCKED)
	}
	if _, err := db.LockWriter(ctx); linkfin.ErrorCode(err) != linkfin.ELOCKED {
		t.Fatalf("LockWriter while the child holds the lock: %v, want code %q", err, linkfin.ELOCKED)
	}
	if a, err := db.Account(ctx, 1); err != nil || a.ID != 1 {
		t.Fatalf("account read while the child holds the lock: %+v, %v", a, err)
	}

	// Killed, the child cannot release anything itself: the kernel does.
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	e, err := engine.Open(ctx, config)
	if err != nil {
		t.Fatalf("engine after the child was killed: %v", err)
	}
	e.Close()
}

// TestWriterLockInProcess: two opens of one database in one process exclude each
// other, as two processes do; release is idempotent and frees the lock at once.
func TestWriterLockInProcess(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "linkfin.db")
	a, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	release, err := a.LockWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for name, db := range map[string]*sqlite.DB{"the same store": a, "another store": b} {
		if _, err := db.LockWriter(ctx); linkfin.ErrorCode(err) != linkfin.ELOCKED {
			t.Fatalf("%s while the lock is held: %v, want code %q", name, err, linkfin.ELOCKED)
		}
	}
	release()
	release()

	again, err := b.LockWriter(ctx)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	if _, err := a.LockWriter(ctx); linkfin.ErrorCode(err) != linkfin.ELOCKED {
		t.Fatalf("after the other store took the lock: %v, want code %q", err, linkfin.ELOCKED)
	}
	again()
}
