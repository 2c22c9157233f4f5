package storetest

import (
	"context"
	"strings"
	"testing"

	"linkfin"
	"linkfin/engine"
	"linkfin/ledger"
	"linkfin/services"
)

// testTamper edits the database by hand, as an insider might, and checks that the
// auditor notices each edit and names what was altered.
func testTamper(t *testing.T, open Opener) {
	cases := []struct {
		name    string
		sql     map[string]string // by dialect
		problem string
	}{
		{
			// A transfer event is encoded from its transfers row: editing the row edits
			// the event.
			name:    "transfer amount",
			sql:     map[string]string{"": `UPDATE transfers SET amount = 8 WHERE id = (SELECT transfer_id FROM events WHERE seq = 300)`},
			problem: "first bad entry: event 300 ",
		},
		{
			name:    "event row",
			sql:     map[string]string{"": `UPDATE events SET transfer_id = transfer_id + 1 WHERE seq = 301`},
			problem: "first bad entry: event 301 ",
		},
		{
			name:    "account event time",
			sql:     map[string]string{"": `UPDATE events SET time = time + 1 WHERE seq = 0`},
			problem: "first bad entry: event 0 ",
		},
		{
			name: "account event data",
			sql: map[string]string{
				"sqlite":   `UPDATE events SET data = CAST(replace(CAST(data AS TEXT), '"code":1,', '"code":2,') AS BLOB) WHERE seq = 1`,
				"postgres": `UPDATE events SET data = convert_to(replace(convert_from(data, 'UTF8'), '"code":1,', '"code":2,'), 'UTF8') WHERE seq = 1`,
			},
			problem: "first bad entry: event 1 ",
		},
		{
			name:    "account balance",
			sql:     map[string]string{"": `UPDATE accounts SET credits_posted = credits_posted + 100 WHERE id = 2`},
			problem: "account 2: stored balances",
		},
		{
			name:    "deleted event",
			sql:     map[string]string{"": `DELETE FROM events WHERE seq = 10`},
			problem: "expected seq 10, found 11",
		},
		{
			name: "checkpoint note",
			sql: map[string]string{
				"sqlite":   `UPDATE checkpoints SET note = CAST(replace(CAST(note AS TEXT), 'linkfin', 'linkfim') AS BLOB) WHERE size = (SELECT max(size) FROM checkpoints)`,
				"postgres": `UPDATE checkpoints SET note = convert_to(replace(convert_from(note, 'UTF8'), 'linkfin', 'linkfim'), 'UTF8') WHERE size = (SELECT max(size) FROM checkpoints)`,
			},
			problem: "signature or format",
		},
	}
	cases = append(cases, struct {
		name    string
		sql     map[string]string
		problem string
	}{
		name: "organization record",
		sql: map[string]string{
			"sqlite":   `UPDATE objects SET data = CAST(replace(CAST(data AS TEXT), 'Anchor', 'Anchör') AS BLOB) WHERE id = 'anchor-1'`,
			"postgres": `UPDATE objects SET data = convert_to(replace(convert_from(data, 'UTF8'), 'Anchor', 'Anchör'), 'UTF8') WHERE id = 'anchor-1'`,
		},
		problem: "organization anchor-1: the stored record differs from its last event in the log",
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := NewEnv(t, open)
			env.Submit(&engine.Request{CreateAccounts: []ledger.Account{Acct(1, 0), Acct(2, 0)}})
			for b := int64(0); b < 4; b++ {
				var ts []ledger.Transfer
				for i := int64(0); i < 150; i++ {
					ts = append(ts, Xfer(b*1000+i+1, 1, 2, 7))
				}
				env.Submit(&engine.Request{CreateTransfers: ts})
			}
			env.Submit(&engine.Request{Commands: []engine.Command{&services.CreateOrganization{Org: linkfin.Organization{
				ID: "anchor-1", Name: "Anchor", Capabilities: []linkfin.Capability{linkfin.CapAnchor}}}}})
			env.MustVerify()
			env.Engine.Close()
			tam, ok := env.Store.(Tamperer)
			if !ok {
				t.Skip("store cannot run raw SQL")
			}
			q := c.sql[env.Store.Dialect()]
			if q == "" {
				q = c.sql[""]
			}
			if err := tam.Exec(context.Background(), q); err != nil {
				t.Fatal(err)
			}
			rep := env.Verify()
			if rep.OK() {
				t.Fatal("verify passed a tampered database")
			}
			if !strings.Contains(rep.Problems[0], c.problem) {
				t.Fatalf("first problem = %q, want it to contain %q (all: %q)", rep.Problems[0], c.problem, rep.Problems)
			}
		})
	}
}
