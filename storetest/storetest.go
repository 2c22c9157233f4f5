// Package storetest is the conformance suite that every linkfin.Store must pass: the
// same tests, through the real engine, against SQLite and PostgreSQL.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	sumtlog "golang.org/x/mod/sumdb/tlog"

	"linkfin"
	"linkfin/audit"
	"linkfin/engine"
	"linkfin/ledger"
	"linkfin/memtx"
	"linkfin/tlog"
)

// Opener opens a fresh, empty, migrated store for one test.
type Opener func(t *testing.T) linkfin.Store

// Tamperer runs raw SQL on the store's database, for tests that alter it by hand.
type Tamperer interface {
	Exec(ctx context.Context, query string, args ...any) error
}

// LogKey makes a log signing key for the log "linkfin", records its public half in the
// store as linkfin serve does, and returns the signer and the verifier key.
func LogKey(t testing.TB, s linkfin.Store) (note.Signer, string) {
	t.Helper()
	skey, vkey, err := tlog.GenerateKey("linkfin")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetMeta(context.Background(), linkfin.MetaLogKey, vkey); err != nil {
		t.Fatal(err)
	}
	return signer, vkey
}

// Keys returns a signer and verifier for tests.
func Keys(t testing.TB) (note.Signer, note.Verifier) {
	skey, vkey, err := tlog.GenerateKey("linkfin-test")
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

// Domain is where the domain's tests run commands and read balances: the engine, or
// memtx.
type Domain interface {
	Run(ctx context.Context, c linkfin.Command, v any) error
	Account(ctx context.Context, id int64) (*ledger.Account, error)
}

// memDomain reads a memtx DB as the engine is read: an absent account is not found.
type memDomain struct{ *memtx.DB }

func (m memDomain) Account(_ context.Context, id int64) (*ledger.Account, error) {
	a, ok := m.DB.Account(id)
	if !ok {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "account %d not found", id)
	}
	return &a, nil
}

// Records reads the domain's records: from the store, or from memory.
func (env *Env) Records() linkfin.RecordReader {
	if env.Mem != nil {
		return env.Mem
	}
	return env.Store
}

// object reads a domain record.
func (env *Env) object(kind, id string) (*linkfin.Object, error) {
	return env.Records().Object(context.Background(), kind, id)
}

// Clock is a settable test clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts at a fixed instant.
func NewClock() *Clock { return &Clock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// Env is an engine on a store, for one test; or, for the domain's tests run in memory
// (RunInMemory), a memtx DB with no store and no engine.
type Env struct {
	T      *testing.T
	Store  linkfin.Store
	Engine *engine.Engine
	// Domain runs the domain's commands: Engine, or Mem in memory.
	Domain Domain
	Mem    *memtx.DB
	Clock  *Clock
	Signer note.Signer
	Verif  note.Verifier
	// CacheRows, if set, bounds the engine's cache (see engine.Config) from the next
	// Restart on.
	CacheRows int
}

// coldCacheRows is the engine's cache for the tests of Run's "Cold" group: at most 8
// records are kept between batches, so commands read their records from the store.
const coldCacheRows = 64

// NewEnv starts an engine on a fresh store; under Run's "Cold" group, with a cache
// that keeps almost nothing between batches. With no store (open nil) it makes a memtx
// DB, which skips its key checks under RunInMemory's "Unchecked" group.
func NewEnv(t *testing.T, open Opener) *Env {
	if open == nil {
		env := &Env{T: t, Clock: NewClock()}
		env.Mem = memtx.New(env.Clock.Now)
		if strings.Contains(t.Name(), "/Unchecked/") {
			env.Mem.SkipKeyChecks()
		}
		env.Domain = memDomain{env.Mem}
		return env
	}
	s, v := Keys(t)
	env := &Env{T: t, Store: open(t), Clock: NewClock(), Signer: s, Verif: v}
	if strings.Contains(t.Name(), "/Cold/") {
		env.CacheRows = coldCacheRows
	}
	env.Restart()
	t.Cleanup(func() { env.Engine.Close() })
	return env
}

// Restart closes the engine (if open) and opens a new one on the same store. In
// memory, there is nothing to restart.
func (env *Env) Restart() {
	if env.Mem != nil {
		return
	}
	if env.Engine != nil {
		env.Engine.Close()
	}
	e, err := engine.Open(context.Background(), engine.Config{Store: env.Store, Signer: env.Signer, Now: env.Clock.Now, CacheRows: env.CacheRows})
	if err != nil {
		env.T.Fatal(err)
	}
	env.Engine = e
	env.Domain = e
}

// Submit runs a request and fails the test on an engine error.
func (env *Env) Submit(r *engine.Request) *engine.Response {
	env.T.Helper()
	resp, err := env.Engine.Submit(context.Background(), r)
	if err != nil {
		env.T.Fatalf("submit: %v", err)
	}
	return resp
}

// Verify runs the auditor and returns its report.
func (env *Env) Verify() *audit.Report {
	env.T.Helper()
	rep, err := audit.Verify(context.Background(), env.Store, env.Verif, "linkfin")
	if err != nil {
		env.T.Fatalf("verify: %v", err)
	}
	return rep
}

// MustVerify fails the test unless the database verifies. In memory there is no
// database: it checks nothing.
func (env *Env) MustVerify() *audit.Report {
	env.T.Helper()
	if env.Mem != nil {
		return &audit.Report{}
	}
	rep := env.Verify()
	if !rep.OK() {
		env.T.Fatalf("verify found problems:\n%s", strings.Join(rep.Problems, "\n"))
	}
	return rep
}

// Account reads an account from the store.
func (env *Env) Account(id int64) ledger.Account {
	env.T.Helper()
	a, err := env.Domain.Account(context.Background(), id)
	if err != nil {
		env.T.Fatalf("account %d: %v", id, err)
	}
	return *a
}

// Acct is a CNY account on ledger 1.
func Acct(id int64, flags ledger.AccountFlags) ledger.Account {
	return ledger.Account{ID: id, Ledger: 1, Currency: "CNY", Code: 1, Flags: flags}
}

// Xfer is a CNY transfer on ledger 1.
func Xfer(id, dr, cr, amount int64) ledger.Transfer {
	return ledger.Transfer{ID: id, DebitAccountID: dr, CreditAccountID: cr, Amount: amount, Ledger: 1, Currency: "CNY", Code: 1}
}

func wantResults(t *testing.T, got []ledger.Result, want ...ledger.Result) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("results = %v, want %v", got, want)
	}
}

func wantBalances(t *testing.T, a ledger.Account, dp, dP, cp, cP int64) {
	t.Helper()
	if a.DebitsPending != dp || a.DebitsPosted != dP || a.CreditsPending != cp || a.CreditsPosted != cP {
		t.Fatalf("account %d balances = (%d, %d, %d, %d), want (%d, %d, %d, %d)", a.ID,
			a.DebitsPending, a.DebitsPosted, a.CreditsPending, a.CreditsPosted, dp, dP, cp, cP)
	}
}

// Run runs the whole conformance suite.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, Opener)
		cold bool // repeated in the Cold group
	}{
		{"Migrate", testMigrate, false},
		{"Transfers", testTransfers, false},
		{"TwoPhase", testTwoPhase, false},
		{"Expiry", testExpiry, false},
		{"LinkedChain", testLinkedChain, false},
		{"Idempotency", testIdempotency, false},
		{"IdempotentAnswers", testIdempotentAnswers, false},
		{"Restart", testRestart, false},
		{"WriterLock", testWriterLock, false},
		{"AccountTransfers", testAccountTransfers, false},
		{"BadInputChangesNothing", testBadInput, false},
		{"UnstorableKeys", testUnstorableKeys, false},
		{"ByteOrder", testByteOrder, false},
		{"FailedCommitChangesNothing", testFailedCommit, false},
		{"Concurrent", testConcurrent, false},
		{"Proofs", testProofs, false},
		{"Tamper", testTamper, false},
		{"VerifyWhileWriting", testVerifyWhileWriting, false},
		{"VerifyUnderLoad", testVerifyUnderLoad, false},
		{"Snapshot", testSnapshot, false},
		{"Tables", testTables, false},
		{"AnswersAdopted", testAnswersAdopted, false},
		{"EveryEventKind", testEveryEventKind, false},
		{"Objects", testObjects, false},
		{"ObjectEviction", testObjectEviction, false},
		{"Parties", testParties, false},
		{"PartyIndex", testPartyIndex, true},
		{"PartyBackfill", testPartyBackfill, false},
		{"RecordEvents", testRecordEvents, false},
		{"Actors", testActors, false},
		{"OrderedIndex", testOrderedIndex, true},
		{"TotalsBeyondInt64", testTotalsBeyondInt64, false},
		{"Membership", testMembership, false},
		{"Trade", testTrade, true},
		{"RecordIDs", testRecordIDs, true},
		{"Certificates", testCertificates, true},
		{"LedgerCommand", testLedgerCommand, true},
		{"Financing", testFinancing, true},
		{"Settlement", testSettlement, true},
		{"MaturityChunks", testMaturityChunks, true},
		{"SettleAccepted", testSettleAccepted, true},
		{"Schedule", testSchedule, true},
		{"Lapse", testLapse, true},
		{"LapsedHolds", testLapsedHolds, true},
		{"DynamicDiscounting", testDynamicDiscounting, true},
		{"Exposure", testExposure, true},
		{"ExposureOwnFigures", testExposureOwnFigures, false},
		{"Factoring", testFactoring, true},
		{"Duplicates", testDuplicates, true},
		{"POFinancing", testPOFinancing, true},
		{"POCollection", testPOCollection, true},
		{"DistributorFinancing", testDistributorFinancing, true},
		{"DistributorUnspent", testDistributorUnspent, true},
		{"WarehousePledge", testWarehousePledge, true},
		{"MarginMarkCurrency", testMarginMarkCurrency, false},
		{"MarginCallUnmet", testMarginCallUnmet, false},
		{"SelfFunded", testSelfFunded, false},
		{"WithdrawnCapabilities", testWithdrawnCapabilities, false},
		{"InvitationTerms", testInvitationTerms, false},
		{"WithdrawnFunder", testWithdrawnFunder, false},
		{"SelfCertified", testSelfCertified, false},
		{"Devices", testDevices, true},
		{"TelemetryTimeOrder", testTelemetryTimeOrder, false},
		{"DeviceKeys", testDeviceKeys, false},
		{"ConfusableIDs", testConfusableIDs, false},
		{"StatementAccounts", testStatementAccounts, true},
		{"Alerts", testAlerts, true},
		{"LateShipments", testLateShipments, true},
		{"SilentSensors", testSilentSensors, true},
		{"MarginCall", testMarginCall, true},
		{"ReadingBounds", testReadingBounds, true},
		{"PaymentTerms", testPaymentTerms, true},
		{"Offers", testOffers, true},
		{"ECNYWallets", testECNYWallets, true},
		{"ECNYSubWalletLimits", testECNYSubWalletLimits, false},
		{"ECNYEarlyPayment", testECNYEarlyPayment, true},
		{"ECNYSettlement", testECNYSettlement, true},
		{"ConditionalPayments", testConditionalPayments, true},
		{"ECNYConditional", testECNYConditional, true},
		{"ConditionalExpiry", testConditionalExpiry, true},
		{"ConditionalLapse", testConditionalLapse, true},
		{"ConditionalDates", testConditionalDates, true},
		{"PurposeBound", testPurposeBound, true},
		{"ConditionalCrash", testConditionalCrash, false},
		{"FinancedConditional", testFinancedConditional, true},
		{"Disclosure", testDisclosure, false},
		{"BusinessDate", testBusinessDate, true},
		{"BusinessDateDisclosure", testBusinessDateDisclosure, false},
		{"TreeProperty", testTreeProperty, true},
		{"Bounds", testBounds, true},
		{"People", testPeople, true},
		{"KeyOwners", testKeyOwners, false},
		{"PaymentFiles", testPaymentFiles, true},
		{"BankAccounts", testBankAccounts, true},
		{"BankStatements", testBankStatements, true},
		{"OpenItems", testOpenItems, true},
		{"AmbiguousMatches", testAmbiguousMatches, true},
		{"PaymentQueue", testPaymentQueue, true},
		{"Model", testModel, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open) })
	}
	// The domain's tests again, with an engine that keeps almost no record between
	// batches: a command must name every record it reads (Keys, DependentKeys), or it
	// works only while the record happens to be in memory.
	t.Run("Cold", func(t *testing.T) {
		for _, tt := range tests {
			if tt.cold {
				t.Run(tt.name, func(t *testing.T) { tt.fn(t, open) })
			}
		}
	})
}

func testMigrate(t *testing.T, open Opener) {
	s := open(t)
	// A second migration is a no-op.
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	h, err := s.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if h.Size != 0 || h.Last != nil {
		t.Fatalf("fresh store head = %+v", h)
	}
}

func testTransfers(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	r := env.Submit(&engine.Request{CreateAccounts: []ledger.Account{
		Acct(1, 0), Acct(2, ledger.DebitsMustNotExceedCredits), Acct(3, 0),
	}})
	wantResults(t, r.Results, ledger.OK, ledger.OK, ledger.OK)
	r = env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{
		Xfer(10, 1, 2, 500_00), Xfer(11, 2, 3, 200_00), Xfer(12, 2, 3, 400_00),
	}})
	wantResults(t, r.Results, ledger.OK, ledger.OK, ledger.ExceedsCredits)
	wantBalances(t, env.Account(1), 0, 500_00, 0, 0)
	wantBalances(t, env.Account(2), 0, 200_00, 0, 500_00)
	wantBalances(t, env.Account(3), 0, 0, 0, 200_00)
	tr, err := env.Store.Transfer(context.Background(), 11)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Amount != 200_00 || tr.DebitAccountID != 2 || tr.Timestamp != r.Timestamps[1] {
		t.Fatalf("stored transfer = %+v, timestamps %v", tr, r.Timestamps)
	}
	if _, err := env.Store.Transfer(context.Background(), 12); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		t.Fatalf("rejected transfer stored: %v", err)
	}
	// A retry of 10 answers exists; with another amount, a distinct code.
	bad := Xfer(10, 1, 2, 1)
	r = env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{Xfer(10, 1, 2, 500_00), bad}})
	wantResults(t, r.Results, ledger.Exists, ledger.ExistsWithDifferentFields)
	wantBalances(t, env.Account(1), 0, 500_00, 0, 0)
	rep := env.MustVerify()
	if rep.Accounts != 3 || rep.Transfers != 2 || rep.Events != 5 {
		t.Fatalf("report = %+v", rep)
	}
}

func testTwoPhase(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	env.Submit(&engine.Request{CreateAccounts: []ledger.Account{Acct(1, 0), Acct(2, 0)}})
	p := Xfer(20, 1, 2, 1000)
	p.Flags = ledger.Pending
	r := env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{p}})
	wantResults(t, r.Results, ledger.OK)
	wantBalances(t, env.Account(1), 1000, 0, 0, 0)
	post := ledger.Transfer{ID: 21, PendingID: 20, Amount: 600, Flags: ledger.PostPending}
	r = env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{post}})
	wantResults(t, r.Results, ledger.OK)
	wantBalances(t, env.Account(1), 0, 600, 0, 0)
	wantBalances(t, env.Account(2), 0, 0, 0, 600)
	void := ledger.Transfer{ID: 22, PendingID: 20, Flags: ledger.VoidPending}
	r = env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{void, {ID: 23, PendingID: 20, Flags: ledger.PostPending}}})
	wantResults(t, r.Results, ledger.PendingTransferAlreadyPosted, ledger.PendingTransferAlreadyPosted)
	st, err := env.Store.PendingStatus(context.Background(), 20)
	if err != nil || st.Status != ledger.StatusPosted {
		t.Fatalf("pending status = %+v, %v", st, err)
	}
	// A void after a restart (state read back from the store).
	p2 := Xfer(30, 1, 2, 50)
	p2.Flags = ledger.Pending
	env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{p2}})
	env.Restart()
	r = env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{{ID: 31, PendingID: 30, Flags: ledger.VoidPending}}})
	wantResults(t, r.Results, ledger.OK)
	wantBalances(t, env.Account(1), 0, 600, 0, 0)
	env.MustVerify()
}

func testExpiry(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	env.Submit(&engine.Request{CreateAccounts: []ledger.Account{Acct(1, 0), Acct(2, 0)}})
	p := Xfer(40, 1, 2, 700)
	p.Flags = ledger.Pending
	p.Timeout = 60
	p2 := Xfer(41, 1, 2, 300)
	p2.Flags = ledger.Pending
	p2.Timeout = 3600
	env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{p, p2}})
	wantBalances(t, env.Account(1), 1000, 0, 0, 0)
	env.Clock.Advance(61 * time.Second)
	// Expiry happens at the start of the next batch, before the post in it runs.
	r := env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{{ID: 42, PendingID: 40, Flags: ledger.PostPending}}})
	wantResults(t, r.Results, ledger.PendingTransferExpired)
	wantBalances(t, env.Account(1), 300, 0, 0, 0)
	// A restart reloads the remaining deadline; with no requests at all the writer
	// expires it on its own timer.
	env.Restart()
	env.Clock.Advance(time.Hour)
	deadline := time.Now().Add(10 * time.Second)
	for env.Account(1).DebitsPending != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("pending 41 never expired: %+v", env.Account(1))
		}
		time.Sleep(10 * time.Millisecond)
	}
	st, _ := env.Store.PendingStatus(context.Background(), 41)
	if st.Status != ledger.StatusExpired {
		t.Fatalf("status = %v", st.Status)
	}
	env.MustVerify()
}

func testLinkedChain(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	env.Submit(&engine.Request{CreateAccounts: []ledger.Account{Acct(1, 0), Acct(2, ledger.DebitsMustNotExceedCredits), Acct(3, 0)}})
	a, b := Xfer(50, 1, 2, 100), Xfer(51, 2, 3, 150) // 2 holds only 100
	a.Flags = ledger.Linked
	r := env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{a, b, Xfer(52, 1, 3, 5)}})
	wantResults(t, r.Results, ledger.LinkedEventFailed, ledger.ExceedsCredits, ledger.OK)
	wantBalances(t, env.Account(2), 0, 0, 0, 0)
	wantBalances(t, env.Account(3), 0, 0, 0, 5)
	b.Amount = 100
	r = env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{a, b}})
	wantResults(t, r.Results, ledger.OK, ledger.OK)
	wantBalances(t, env.Account(2), 0, 100, 0, 100)
	env.MustVerify()
}

func testIdempotency(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	env.Submit(&engine.Request{CreateAccounts: []ledger.Account{Acct(1, 0), Acct(2, 0)}})
	req := func(amount int64) *engine.Request {
		return &engine.Request{IdempotencyKey: "op:key-1", CreateTransfers: []ledger.Transfer{Xfer(60, 1, 2, amount)}}
	}
	r1 := env.Submit(req(100))
	if r1.Replayed {
		t.Fatal("first answer marked replayed")
	}
	r2 := env.Submit(req(100))
	if !r2.Replayed || fmt.Sprint(r2.Results) != fmt.Sprint(r1.Results) || r2.Timestamps[0] != r1.Timestamps[0] {
		t.Fatalf("replay = %+v, original %+v", r2, r1)
	}
	// Also across a restart, when the key comes from the store.
	env.Restart()
	r3 := env.Submit(req(100))
	if !r3.Replayed || r3.Results[0] != ledger.OK {
		t.Fatalf("replay after restart = %+v", r3)
	}
	_, err := env.Engine.Submit(context.Background(), req(999))
	if linkfin.ErrorCode(err) != engine.EIDEMPOTENCY {
		t.Fatalf("same key, other body: err = %v", err)
	}
	wantBalances(t, env.Account(1), 0, 100, 0, 0)

	// A key is any text: quotes, escapes, tabs and letters beyond ASCII come back from
	// the store as they went in. Bytes that are not UTF-8 or hold a NUL are refused
	// before they reach a batch, where the database would fail everyone's commit.
	odd := &engine.Request{IdempotencyKey: "op:\"q\" \\ <é>\t\u2028😀", CreateTransfers: []ledger.Transfer{Xfer(61, 1, 2, 5)}}
	env.Submit(odd)
	env.Restart()
	if r := env.Submit(odd); !r.Replayed {
		t.Fatalf("odd key after restart: %+v", r)
	}
	for _, key := range []string{"op:\x80", "op:\x00"} {
		_, err := env.Engine.Submit(context.Background(), &engine.Request{IdempotencyKey: key, CreateTransfers: []ledger.Transfer{Xfer(62, 1, 2, 5)}})
		if linkfin.ErrorCode(err) != linkfin.EINVALID {
			t.Fatalf("key %q: err = %v", key, err)
		}
	}
	wantBalances(t, env.Account(1), 0, 105, 0, 0)
	env.MustVerify()
}

func testRestart(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	var accts []ledger.Account
	for i := int64(1); i <= 50; i++ {
		accts = append(accts, Acct(i, 0))
	}
	env.Submit(&engine.Request{CreateAccounts: accts})
	for round := 0; round < 5; round++ {
		var ts []ledger.Transfer
		for i := int64(0); i < 300; i++ {
			id := int64(round)*1000 + i + 1
			ts = append(ts, Xfer(id, i%50+1, (i+7)%50+1, id))
		}
		env.Submit(&engine.Request{CreateTransfers: ts})
		env.Restart() // the log reopens from its stored tiles every time
	}
	rep := env.MustVerify()
	if rep.Transfers != 1500 || rep.Checkpoints != 6 {
		t.Fatalf("report = %+v", rep)
	}
}

func testAccountTransfers(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	env.Submit(&engine.Request{CreateAccounts: []ledger.Account{Acct(1, 0), Acct(2, 0), Acct(3, 0)}})
	env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{Xfer(1, 1, 2, 1), Xfer(2, 2, 3, 2), Xfer(3, 3, 1, 3)}})
	env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{Xfer(4, 1, 3, 4), Xfer(5, 2, 3, 5)}})
	ctx := context.Background()
	ids := func(ts []ledger.Transfer) string {
		var s []string
		for _, t := range ts {
			s = append(s, fmt.Sprint(t.ID))
		}
		return strings.Join(s, ",")
	}
	// Through the engine (which knows each account's newest transfer first) and,
	// after a flush, through the store alone.
	for _, flushed := range []bool{false, true} {
		if flushed {
			env.Submit(&engine.Request{Flush: true})
			a, err := env.Store.Account(ctx, 3)
			if err != nil {
				t.Fatal(err)
			}
			stored, err := env.Store.AccountTransfers(ctx, 3, a.LastTransfer, 10)
			if err != nil || ids(stored) != "5,4,3,2" {
				t.Fatalf("stored account 3 transfers = %s, %v", ids(stored), err)
			}
		}
		all, next, err := env.Engine.AccountTransfers(ctx, 1, 0, 10)
		if err != nil || ids(all) != "4,3,1" || next != 0 {
			t.Fatalf("account 1 transfers = %s (next %d), %v", ids(all), next, err)
		}
		page, next, err := env.Engine.AccountTransfers(ctx, 3, 0, 2)
		if err != nil || ids(page) != "5,4" || next != 3 {
			t.Fatalf("page 1 = %s (next %d), %v", ids(page), next, err)
		}
		page, next, err = env.Engine.AccountTransfers(ctx, 3, next, 2)
		if err != nil || ids(page) != "3,2" || next != 0 {
			t.Fatalf("page 2 = %s (next %d), %v", ids(page), next, err)
		}
		if _, _, err := env.Engine.AccountTransfers(ctx, 99, 0, 2); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
			t.Fatalf("unknown account: %v", err)
		}
	}
}

// snapshot reads everything observable, to compare before and after a refused
// request: the balances as the engine serves them, and the log's size.
func snapshot(t *testing.T, env *Env) string {
	ctx := context.Background()
	s := env.Store
	var b strings.Builder
	err := env.Engine.ScanAccounts(ctx, func(a *ledger.Account) error {
		fmt.Fprintf(&b, "%d %d %s flags=%d dp=%d dP=%d cp=%d cP=%d\n", a.ID, a.Ledger, a.Currency, a.Flags,
			a.DebitsPending, a.DebitsPosted, a.CreditsPending, a.CreditsPosted)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	h, err := s.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "events %d\n", h.Size)
	return b.String()
}

func testBadInput(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	env.Submit(&engine.Request{CreateAccounts: []ledger.Account{Acct(1, 0), Acct(2, 0), {ID: 3, Ledger: 1, Currency: "USD", Code: 1}, Acct(4, 0)}})
	env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{Xfer(1, 1, 2, 1_000_000_000_000_000_000)}})
	env.Submit(&engine.Request{CloseAccounts: []int64{4}})
	p := Xfer(2, 1, 2, 10)
	p.Flags, p.Timeout = ledger.Pending, 1
	env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{p, {ID: 3, PendingID: 2, Flags: ledger.VoidPending}}})
	before := snapshot(t, env)
	cases := []struct {
		t    ledger.Transfer
		want ledger.Result
	}{
		{Xfer(100, 1, 2, 0), ledger.AmountMustBePositive},
		{Xfer(101, 1, 2, -5), ledger.AmountMustBePositive},
		{Xfer(102, 1, 2, 9_000_000_000_000_000_000), ledger.OverflowsDebitsPosted},
		{Xfer(103, 1, 77, 5), ledger.CreditAccountNotFound},
		{Xfer(104, 77, 1, 5), ledger.DebitAccountNotFound},
		{Xfer(105, 1, 3, 5), ledger.CurrencyMismatch},
		{Xfer(106, 1, 4, 5), ledger.CreditAccountClosed},
		{Xfer(107, 1, 1, 5), ledger.AccountsMustBeDifferent},
		{ledger.Transfer{ID: 108, PendingID: 2, Flags: ledger.PostPending}, ledger.PendingTransferAlreadyVoided},
		{ledger.Transfer{ID: 109, PendingID: 1, Flags: ledger.PostPending}, ledger.PendingTransferNotPending},
		{ledger.Transfer{ID: 110, PendingID: 999, Flags: ledger.VoidPending}, ledger.PendingTransferNotFound},
		{Xfer(0, 1, 2, 5), ledger.IDMustBePositive},
	}
	for _, c := range cases {
		r := env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{c.t}})
		wantResults(t, r.Results, c.want)
	}
	if mid := snapshot(t, env); mid != before {
		t.Fatalf("refused requests changed the store:\nbefore:\n%s\nafter:\n%s", before, mid)
	}
	// An expired pending cannot be posted.
	p = Xfer(120, 1, 2, 10)
	p.Flags, p.Timeout = ledger.Pending, 1
	env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{p}})
	env.Clock.Advance(2 * time.Second)
	r := env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{{ID: 121, PendingID: 120, Flags: ledger.PostPending}}})
	wantResults(t, r.Results, ledger.PendingTransferExpired)
	after := snapshot(t, env)
	// Only the pending 120 and its expiry were added: balances are back where they were.
	if strings.Split(before, "events")[0] != strings.Split(after, "events")[0] {
		t.Fatalf("refused requests changed balances:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	for _, id := range []int64{100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 121} {
		if _, err := env.Store.Transfer(context.Background(), id); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
			t.Fatalf("refused transfer %d was stored (%v)", id, err)
		}
	}
	env.MustVerify()
}

// failingStore fails commits on demand.
type failingStore struct {
	linkfin.Store
	mu   sync.Mutex
	fail bool
}

func (f *failingStore) Commit(ctx context.Context, b *linkfin.Batch) error {
	f.mu.Lock()
	fail := f.fail
	f.mu.Unlock()
	if fail {
		return errors.New("disk full")
	}
	return f.Store.Commit(ctx, b)
}

func testFailedCommit(t *testing.T, open Opener) {
	fs := &failingStore{}
	env := NewEnv(t, func(t *testing.T) linkfin.Store { fs.Store = open(t); return fs })
	env.Submit(&engine.Request{CreateAccounts: []ledger.Account{Acct(1, 0), Acct(2, 0)}})
	env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{Xfer(1, 1, 2, 10)}})
	before := snapshot(t, env)
	fs.mu.Lock()
	fs.fail = true
	fs.mu.Unlock()
	p := Xfer(3, 1, 2, 5)
	p.Flags = ledger.Pending
	_, err := env.Engine.Submit(context.Background(), &engine.Request{CreateTransfers: []ledger.Transfer{Xfer(2, 1, 2, 7), p}})
	if linkfin.ErrorCode(err) != engine.EUNAVAILABLE {
		t.Fatalf("failed commit: err = %v", err)
	}
	fs.mu.Lock()
	fs.fail = false
	fs.mu.Unlock()
	if after := snapshot(t, env); after != before {
		t.Fatalf("store changed by a failed commit")
	}
	// Memory was rolled back too: the same ids are new again, and balances add up.
	r := env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{Xfer(2, 1, 2, 7), p}})
	wantResults(t, r.Results, ledger.OK, ledger.OK)
	wantBalances(t, env.Account(1), 5, 17, 0, 0)
	env.MustVerify()
}

func testConcurrent(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	const accounts, clients, per = 20, 32, 40
	var accts []ledger.Account
	for i := int64(1); i <= accounts; i++ {
		accts = append(accts, Acct(i, 0))
	}
	env.Submit(&engine.Request{CreateAccounts: accts})
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := 0; i < per; i++ {
				id := int64(c*per + i + 1)
				r, err := env.Engine.Submit(context.Background(), &engine.Request{
					CreateTransfers: []ledger.Transfer{Xfer(id, id%accounts+1, (id+3)%accounts+1, id)}})
				if err != nil {
					errs <- err
					return
				}
				if r.Results[0] != ledger.OK {
					errs <- fmt.Errorf("transfer %d: %s", id, r.Results[0])
					return
				}
			}
		}(c)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	rep := env.MustVerify()
	if rep.Transfers != clients*per {
		t.Fatalf("transfers = %d, want %d", rep.Transfers, clients*per)
	}
	if b := env.Engine.Stats().Batches.Load(); b >= clients*per {
		t.Logf("no batching happened: %d batches for %d requests", b, clients*per)
	}
}

func testProofs(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	env.Submit(&engine.Request{CreateAccounts: []ledger.Account{Acct(1, 0), Acct(2, 0)}})
	for i := int64(1); i <= 5; i++ {
		var ts []ledger.Transfer
		for j := int64(0); j < 100; j++ {
			ts = append(ts, Xfer(i*1000+j, 1, 2, 1))
		}
		env.Submit(&engine.Request{CreateTransfers: ts})
	}
	ctx := context.Background()
	h, err := env.Store.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := tlog.OpenCheckpoint(h.Last.Note, env.Verif, "linkfin")
	if err != nil {
		t.Fatal(err)
	}
	evs, err := env.Store.Events(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	tr := tlog.StoredTiles(env.Store)
	for _, i := range []int64{0, 1, 255, 256, 300, tree.Size - 1} {
		p, err := tlog.InclusionProof(ctx, tree, i, tr)
		if err != nil {
			t.Fatal(err)
		}
		leaf := sumtlog.RecordHash(evs[i].Record())
		if err := tlog.CheckInclusion(p, tree, i, leaf); err != nil {
			t.Fatalf("inclusion of %d: %v", i, err)
		}
		if err := tlog.CheckInclusion(p, tree, i, sumtlog.RecordHash([]byte("forged"))); err == nil {
			t.Fatalf("inclusion of a forged leaf at %d verified", i)
		}
	}
	cps, err := env.Store.Checkpoints(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	old, err := tlog.OpenCheckpoint(cps[1].Note, env.Verif, "linkfin")
	if err != nil {
		t.Fatal(err)
	}
	p, err := tlog.ConsistencyProof(ctx, tree, old.Size, tr)
	if err != nil {
		t.Fatal(err)
	}
	if err := tlog.CheckConsistency(p, tree, old); err != nil {
		t.Fatalf("consistency: %v", err)
	}
}

// RunInMemory runs the domain's tests of the suite on memtx, with no store and no
// engine: the same commands give the same answers, balances and records, and the
// scheduler's due list reads memtx's records as it reads a store's. Left to Run are
// the tests of the store and the engine themselves: the party index (PartyIndex: the
// store's list of a party's records, kept across a reopen) and its backfill when an
// old database is migrated (PartyBackfill), raw ledger requests, restarts, commits
// that fail, and the audit of a log.
func RunInMemory(t *testing.T) {
	tests := []struct {
		name string
		fn   func(*testing.T, Opener)
	}{
		{"Parties", testParties},
		{"UnstorableKeys", testUnstorableKeys},
		{"ByteOrder", testByteOrder},
		{"Trade", testTrade},
		{"RecordIDs", testRecordIDs},
		{"Certificates", testCertificates},
		{"Exposure", testExposure},
		{"ExposureOwnFigures", testExposureOwnFigures},
		{"Financing", testFinancing},
		{"Settlement", testSettlement},
		{"MaturityChunks", testMaturityChunks},
		{"SettleAccepted", testSettleAccepted},
		{"Schedule", testSchedule},
		{"Lapse", testLapse},
		{"LapsedHolds", testLapsedHolds},
		{"DynamicDiscounting", testDynamicDiscounting},
		{"Factoring", testFactoring},
		{"Duplicates", testDuplicates},
		{"POFinancing", testPOFinancing},
		{"POCollection", testPOCollection},
		{"DistributorFinancing", testDistributorFinancing},
		{"DistributorUnspent", testDistributorUnspent},
		{"WarehousePledge", testWarehousePledge},
		{"MarginMarkCurrency", testMarginMarkCurrency},
		{"MarginCallUnmet", testMarginCallUnmet},
		{"SelfFunded", testSelfFunded},
		{"WithdrawnCapabilities", testWithdrawnCapabilities},
		{"InvitationTerms", testInvitationTerms},
		{"WithdrawnFunder", testWithdrawnFunder},
		{"SelfCertified", testSelfCertified},
		{"Devices", testDevices},
		{"TelemetryTimeOrder", testTelemetryTimeOrder},
		{"DeviceKeys", testDeviceKeys},
		{"ConfusableIDs", testConfusableIDs},
		{"Offers", testOffers},
		{"ECNYWallets", testECNYWallets},
		{"ECNYSubWalletLimits", testECNYSubWalletLimits},
		{"ECNYEarlyPayment", testECNYEarlyPayment},
		{"ECNYSettlement", testECNYSettlement},
		{"ConditionalPayments", testConditionalPayments},
		{"ECNYConditional", testECNYConditional},
		{"ConditionalExpiry", testConditionalExpiry},
		{"ConditionalLapse", testConditionalLapse},
		{"ConditionalDates", testConditionalDates},
		{"PurposeBound", testPurposeBound},
		{"FinancedConditional", testFinancedConditional},
		{"TreeProperty", testTreeProperty},
		{"Bounds", testBounds},
		{"PaymentFiles", testPaymentFiles},
		{"BankAccounts", testBankAccounts},
		{"BankStatements", testBankStatements},
		{"OpenItems", testOpenItems},
		{"AmbiguousMatches", testAmbiguousMatches},
		{"PaymentQueue", testPaymentQueue},
		{"KeyOwners", testKeyOwners},
		{"BusinessDate", testBusinessDate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, nil) })
	}
	// The same, on a DB that does not hold commands to what they name
	// (memtx.DB.SkipKeyChecks): what they do is the same.
	t.Run("Unchecked", func(t *testing.T) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) { tt.fn(t, nil) })
		}
	})
}
