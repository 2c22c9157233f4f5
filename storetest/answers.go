package storetest

import (
	"context"
	"strings"
	"testing"

	"linkfin"
	"linkfin/engine"
	"linkfin/ledger"
)

// testAnswersAdopted: a database whose answers were saved before the log recorded them
// verifies once an engine has started on it, and those answers are still given back.
func testAnswersAdopted(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	ctx := context.Background()
	wantResults(t, env.Submit(&engine.Request{CreateAccounts: []ledger.Account{Acct(1, 0), Acct(2, ledger.DebitsMustNotExceedCredits)}}).Results, ledger.OK, ledger.OK)
	wantResults(t, env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{Xfer(10, 1, 2, 5)}}).Results, ledger.OK)
	env.MustVerify()
	env.Engine.Close()
	tam, ok := env.Store.(Tamperer)
	if !ok {
		t.Skip("store cannot run raw SQL")
	}
	// As an older engine left it: an answer saved, not in the log, and no mark.
	rec := linkfin.IdempotencyRecord{Key: "older-1", RequestHash: []byte{1, 2, 3}, Response: []byte(`{"results":["exceeds_credits"],"timestamps":[0]}`), Time: 1}
	if err := tam.Exec(ctx, `INSERT INTO idempotency_keys (key, request_hash, response, created_at) VALUES (`+placeholders(env.Store.Dialect(), 4)+`)`,
		rec.Key, rec.RequestHash, rec.Response, rec.Time); err != nil {
		t.Fatal(err)
	}
	if err := tam.Exec(ctx, `DELETE FROM meta WHERE key = '`+linkfin.MetaAnswersInLog+`'`); err != nil {
		t.Fatal(err)
	}
	if rep := env.Verify(); rep.OK() || !strings.Contains(strings.Join(rep.Problems, "\n"), "table idempotency_keys has 1 rows; the log makes 0") {
		t.Fatalf("an answer the log does not hold: %q", rep.Problems)
	}
	env.Restart()
	rep := env.MustVerify()
	if rep.Answers != 1 {
		t.Fatalf("the log holds %d answers, want the 1 adopted", rep.Answers)
	}
	// Adopted once: another start logs nothing more.
	env.Restart()
	if again := env.MustVerify(); again.Answers != 1 || again.Events != rep.Events {
		t.Fatalf("after a second start the log holds %d answers in %d events, before %d", again.Answers, again.Events, rep.Events)
	}
	resp, err := env.Engine.Submit(ctx, &engine.Request{IdempotencyKey: "older-1", Hash: rec.RequestHash, CreateTransfers: []ledger.Transfer{Xfer(11, 2, 1, 5)}})
	if err != nil || !resp.Replayed || len(resp.Results) != 1 || resp.Results[0] != ledger.ExceedsCredits {
		t.Fatalf("the older answer replayed: %+v, %v", resp, err)
	}
}

// placeholders lists n query parameters in the dialect's form.
func placeholders(dialect string, n int) string {
	p := make([]string, n)
	for i := range p {
		if dialect == "postgres" {
			p[i] = "$" + string(rune('1'+i))
		} else {
			p[i] = "?"
		}
	}
	return strings.Join(p, ", ")
}
