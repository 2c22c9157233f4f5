package storetest

import (
	"context"
	"strings"
	"testing"

	"linkfin"
	"linkfin/audit"
	"linkfin/engine"
	"linkfin/ledger"
	"linkfin/services"
)

// tamperCase is one hand edit of a table and what the auditor must say of it.
type tamperCase struct {
	table   string
	name    string
	sql     map[string]string // by dialect; "" for both
	problem string
}

// notShown are the tables no one is shown or answered from; every other table of the
// store needs a tamper case, and verify must account for every table.
var notShown = map[string]bool{"schema_migrations": true}

// tamperCases edit every table that decides what someone sees or is answered, as an
// insider might. The fixture (tamperFixture) gives the ids they name.
var tamperCases = []tamperCase{
	// A transfer event is encoded from its transfers row: editing the row edits the
	// event.
	{table: "transfers", name: "transfer amount",
		sql:     map[string]string{"": `UPDATE transfers SET amount = 8 WHERE id = (SELECT transfer_id FROM events WHERE seq = 300)`},
		problem: "first bad entry: event 300 "},
	{table: "transfers", name: "previous-transfer link",
		sql:     map[string]string{"": `UPDATE transfers SET prev_debit = 0 WHERE id = 2`},
		problem: "transfer 2: its row links to the previous transfers 0 (debit)"},
	{table: "transfers", name: "inserted transfer",
		sql: map[string]string{"": `INSERT INTO transfers (id, ts, debit_account_id, credit_account_id, amount, pending_id, ledger, currency, code, flags, timeout, prev_debit, prev_credit)
			VALUES (7777, 1, 1, 2, 5, 0, 1, 'CNY', 1, 0, 0, 0, 0)`},
		problem: "table transfers has"},
	{table: "events", name: "event row",
		sql:     map[string]string{"": `UPDATE events SET transfer_id = transfer_id + 1 WHERE seq = 301`},
		problem: "first bad entry: event 301 "},
	{table: "events", name: "account event time",
		sql:     map[string]string{"": `UPDATE events SET time = time + 1 WHERE seq = 0`},
		problem: "first bad entry: event 0 "},
	{table: "events", name: "account event data",
		sql: map[string]string{
			"sqlite":   `UPDATE events SET data = CAST(replace(CAST(data AS TEXT), '"code":1,', '"code":2,') AS BLOB) WHERE seq = 1`,
			"postgres": `UPDATE events SET data = convert_to(replace(convert_from(data, 'UTF8'), '"code":1,', '"code":2,'), 'UTF8') WHERE seq = 1`,
		},
		problem: "first bad entry: event 1 "},
	{table: "events", name: "deleted event",
		sql:     map[string]string{"": `DELETE FROM events WHERE seq = 10`},
		problem: "expected seq 10, found 11"},
	{table: "accounts", name: "account balance",
		sql:     map[string]string{"": `UPDATE accounts SET credits_posted = credits_posted + 100 WHERE id = 2`},
		problem: "account 2: stored balances"},
	{table: "accounts", name: "account's last transfer",
		sql:     map[string]string{"": `UPDATE accounts SET last_transfer = 1 WHERE id = 1`},
		problem: "account 1: the stored last transfer 1 differs"},
	{table: "accounts", name: "account code",
		sql:     map[string]string{"": `UPDATE accounts SET code = 9 WHERE id = 1`},
		problem: "account 1: stored ledger, currency, code or time differ"},
	{table: "accounts", name: "inserted account",
		sql: map[string]string{"": `INSERT INTO accounts (id, ledger, currency, code, flags, debits_pending, debits_posted, credits_pending, credits_posted, created_at, last_transfer)
			VALUES (77, 1, 'CNY', 1, 0, 0, 0, 0, 0, 1, 0)`},
		problem: "account 77 is in the store but was never created in the log"},
	{table: "pending_transfers", name: "voided hold made pending",
		sql:     map[string]string{"": `UPDATE pending_transfers SET status = 1 WHERE id = 9002`},
		problem: "pending transfer 9002: stored state pending"},
	{table: "pending_transfers", name: "open hold's deadline",
		sql:     map[string]string{"": `UPDATE pending_transfers SET expires_at = expires_at + 1 WHERE id = 9004`},
		problem: "pending transfer 9004: stored state pending, expiring at"},
	{table: "pending_transfers", name: "inserted hold",
		sql:     map[string]string{"": `INSERT INTO pending_transfers (id, expires_at, status) VALUES (55, 0, 1)`},
		problem: "table pending_transfers has"},
	{table: "log_tiles", name: "deleted tile",
		sql:     map[string]string{"": `DELETE FROM log_tiles WHERE level = 0 AND idx = 0`},
		problem: "tile 0/0: "},
	{table: "log_tiles", name: "inserted tile",
		sql: map[string]string{
			"sqlite":   `INSERT INTO log_tiles (level, idx, width, data) VALUES (5, 0, 1, zeroblob(32))`,
			"postgres": `INSERT INTO log_tiles (level, idx, width, data) VALUES (5, 0, 1, decode(repeat('00', 32), 'hex'))`,
		},
		problem: "table log_tiles has"},
	{table: "checkpoints", name: "checkpoint note",
		sql: map[string]string{
			"sqlite":   `UPDATE checkpoints SET note = CAST(replace(CAST(note AS TEXT), 'linkfin', 'linkfim') AS BLOB) WHERE size = (SELECT max(size) FROM checkpoints)`,
			"postgres": `UPDATE checkpoints SET note = convert_to(replace(convert_from(note, 'UTF8'), 'linkfin', 'linkfim'), 'UTF8') WHERE size = (SELECT max(size) FROM checkpoints)`,
		},
		problem: "signature or format"},
	// A checkpoint's time is not in its signed note: the events of its batch bound it.
	{table: "checkpoints", name: "checkpoint dated a day earlier",
		sql:     map[string]string{"": `UPDATE checkpoints SET time = time - 86400000000000 WHERE size = (SELECT max(size) FROM checkpoints)`},
		problem: "is not within its batch"},
	{table: "checkpoints", name: "checkpoint dated a day later",
		sql:     map[string]string{"": `UPDATE checkpoints SET time = time + 86400000000000 WHERE size = (SELECT max(size) FROM checkpoints)`},
		problem: "is not within its batch"},
	{table: "idempotency_keys", name: "refusal turned into success in a stored answer",
		sql: map[string]string{
			"sqlite":   `UPDATE idempotency_keys SET response = CAST(replace(CAST(response AS TEXT), 'exceeds_credits', 'ok') AS BLOB) WHERE key = 'pay-1'`,
			"postgres": `UPDATE idempotency_keys SET response = convert_to(replace(convert_from(response, 'UTF8'), 'exceeds_credits', 'ok'), 'UTF8') WHERE key = 'pay-1'`,
		},
		problem: `idempotency key "pay-1": the stored answer differs`},
	{table: "idempotency_keys", name: "inserted answer",
		sql: map[string]string{
			"sqlite":   `INSERT INTO idempotency_keys (key, request_hash, response, created_at) VALUES ('forged', zeroblob(32), CAST('{"results":["ok"]}' AS BLOB), 1)`,
			"postgres": `INSERT INTO idempotency_keys (key, request_hash, response, created_at) VALUES ('forged', decode(repeat('00', 32), 'hex'), convert_to('{"results":["ok"]}', 'UTF8'), 1)`,
		},
		problem: "table idempotency_keys has"},
	{table: "meta", name: "clock turned back",
		sql:     map[string]string{"": `UPDATE meta SET value = '1' WHERE key = 'clock'`},
		problem: "the stored clock 1 is behind the log's last time"},
	{table: "meta", name: "balances' position",
		sql:     map[string]string{"": `UPDATE meta SET value = '3' WHERE key = 'accounts_at'`},
		problem: "account 1: stored balances"},
	{table: "objects", name: "organization record",
		sql: map[string]string{
			"sqlite":   `UPDATE objects SET data = CAST(replace(CAST(data AS TEXT), 'Anchor', 'Anchör') AS BLOB) WHERE id = 'anchor-1'`,
			"postgres": `UPDATE objects SET data = convert_to(replace(convert_from(data, 'UTF8'), 'Anchor', 'Anchör'), 'UTF8') WHERE id = 'anchor-1'`,
		},
		problem: "organization anchor-1: the stored record differs from its last event in the log"},
	{table: "objects", name: "inserted record",
		sql: map[string]string{
			"sqlite":   `INSERT INTO objects (kind, id, version, data, updated_at) VALUES ('organization', 'ghost-1', 1, CAST('{"id":"ghost-1"}' AS BLOB), 1)`,
			"postgres": `INSERT INTO objects (kind, id, version, data, updated_at) VALUES ('organization', 'ghost-1', 1, convert_to('{"id":"ghost-1"}', 'UTF8'), 1)`,
		},
		problem: "table objects has"},
	{table: "objects", name: "record's time",
		sql:     map[string]string{"": `UPDATE objects SET updated_at = updated_at - 1 WHERE id = 'anchor-1'`},
		problem: "organization anchor-1: the stored record is older than its event"},
	// A record's version is the count of its events: the next change writes the one
	// after it, and a client reads it as how many times the record changed.
	{table: "objects", name: "record's version raised",
		sql:     map[string]string{"": `UPDATE objects SET version = version + 1 WHERE kind = 'parcel' AND id = 'p-1'`},
		problem: "parcel p-1: the stored version 3 differs from the log's: 2 events wrote it"},
	{table: "objects", name: "record's version lowered",
		sql:     map[string]string{"": `UPDATE objects SET version = 1 WHERE kind = 'parcel' AND id = 'p-1'`},
		problem: "parcel p-1: the stored version 1 differs from the log's: 2 events wrote it"},
	{table: "object_parties", name: "a stranger made party to a record",
		sql:     map[string]string{"": `INSERT INTO object_parties (party, kind, id) VALUES ('stranger-1', 'organization', 'anchor-1')`},
		problem: `party index: organization anchor-1 is listed under ["anchor-1" "stranger-1"]; its events name ["anchor-1"]`},
	{table: "object_parties", name: "a former holder dropped",
		sql:     map[string]string{"": `DELETE FROM object_parties WHERE kind = 'parcel' AND id = 'p-1' AND party = 'holder-1'`},
		problem: `party index: parcel p-1 is listed under ["holder-2"]; its events name ["holder-1" "holder-2"]`},
	{table: "record_events", name: "a record's event dropped from its history",
		sql:     map[string]string{"": `DELETE FROM record_events WHERE seq = (SELECT min(seq) FROM record_events WHERE kind = 'parcel' AND id = 'p-1')`},
		problem: "of parcel p-1, is not listed"},
	{table: "record_events", name: "a record's event moved to another's history",
		sql:     map[string]string{"": `UPDATE record_events SET id = 'stranger-1' WHERE kind = 'organization' AND id = 'anchor-1'`},
		problem: "is listed under organization stranger-1; it wrote organization anchor-1"},
	{table: "record_events", name: "a ledger event put in a record's history",
		sql:     map[string]string{"": `INSERT INTO record_events (seq, kind, id) VALUES (0, 'organization', 'anchor-1')`},
		problem: "event index: event 0 is listed under organization anchor-1; it wrote no record"},
	{table: "record_events", name: "an event beyond the log put in a record's history",
		sql:     map[string]string{"": `INSERT INTO record_events (seq, kind, id) VALUES (1000000, 'organization', 'anchor-1')`},
		problem: "table record_events has"},
	{table: "object_index", name: "a piece that does not exist listed as held",
		sql:     map[string]string{"": `INSERT INTO object_index (kind, id, name, value, amount) VALUES ('certificate', 'nobody', 'held', 'stranger-1/active/2027-01-29', 100)`},
		problem: "table object_index has"},
	{table: "object_index", name: "an entry removed",
		sql:     map[string]string{"": `DELETE FROM object_index WHERE kind = 'organization' AND id = 'anchor-1'`},
		problem: `ordered index: organization anchor-1 has no entry can "anchor/"; its last event gives it one, of amount 0`},
	{table: "object_index", name: "an entry moved to another value",
		sql:     map[string]string{"": `UPDATE object_index SET value = 'logistics/' WHERE kind = 'organization' AND id = 'anchor-1'`},
		problem: `ordered index: organization anchor-1 has no entry can "anchor/"`},
	{table: "object_index", name: "an entry's amount changed",
		sql:     map[string]string{"": `UPDATE object_index SET amount = 5 WHERE kind = 'organization' AND id = 'anchor-1'`},
		problem: `ordered index: organization anchor-1's entry can "anchor/" has amount 5; its last event gives 0`},
	{table: "object_index", name: "an entry moved to another record",
		sql:     map[string]string{"": `UPDATE object_index SET id = 'stranger-1' WHERE kind = 'organization' AND id = 'anchor-1'`},
		problem: `ordered index: organization anchor-1 has no entry can "anchor/"`},
	{table: "object_totals", name: "a day's total raised",
		sql:     map[string]string{"": `INSERT INTO object_totals (kind, name, value, count, amount) VALUES ('certificate', 'due', 'p/2027-01-29/active/CNY', 1, 100)`},
		problem: `ordered index: the total of certificate due "p/2027-01-29/active/CNY" is 100 for 1`},
	{table: "object_parties", name: "a record that does not exist",
		sql:     map[string]string{"": `INSERT INTO object_parties (party, kind, id) VALUES ('stranger-1', 'organization', 'nobody')`},
		problem: "table object_parties has"},
}

// tamperFixture fills a database with a bit of everything the tamper cases edit:
// transfers, holds posted, voided and open, an idempotent answer that refused a
// transfer, organizations and a record that changed hands.
func tamperFixture(env *Env) {
	t := env.T
	wantResults(t, env.Submit(&engine.Request{CreateAccounts: []ledger.Account{Acct(1, 0), Acct(2, 0), Acct(3, ledger.DebitsMustNotExceedCredits)}}).Results,
		ledger.OK, ledger.OK, ledger.OK)
	for b := int64(0); b < 4; b++ {
		var ts []ledger.Transfer
		for i := int64(0); i < 150; i++ {
			ts = append(ts, Xfer(b*1000+i+1, 1, 2, 7))
		}
		env.Submit(&engine.Request{CreateTransfers: ts})
	}
	hold := func(id int64, timeout uint32) ledger.Transfer {
		p := Xfer(id, 1, 2, 5)
		p.Flags, p.Timeout = ledger.Pending, timeout
		return p
	}
	wantResults(t, env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{
		hold(9001, 3600), hold(9002, 0), {ID: 9003, PendingID: 9001, Flags: ledger.PostPending},
		hold(9004, 3600), {ID: 9005, PendingID: 9002, Flags: ledger.VoidPending},
	}}).Results, ledger.OK, ledger.OK, ledger.OK, ledger.OK, ledger.OK)
	r := env.Submit(&engine.Request{IdempotencyKey: "pay-1", CreateTransfers: []ledger.Transfer{Xfer(9100, 3, 1, 1)}})
	wantResults(t, r.Results, ledger.ExceedsCredits)
	env.Submit(&engine.Request{Commands: []linkfin.Command{
		&services.CreateOrganization{Org: linkfin.Organization{ID: "anchor-1", Name: "Anchor", Capabilities: []linkfin.Capability{linkfin.CapAnchor}}},
		&services.CreateOrganization{Org: linkfin.Organization{ID: "stranger-1", Name: "Stranger", Capabilities: []linkfin.Capability{linkfin.CapTrade}}},
	}})
	env.Submit(&engine.Request{Commands: []linkfin.Command{&handOver{ID: "p-1", Holders: []string{"holder-1"}}}})
	env.Submit(&engine.Request{Commands: []linkfin.Command{&handOver{ID: "p-1", Holders: []string{"holder-2"}}}})
}

// testTamper edits the database by hand, as an insider might, and checks that the
// auditor notices each edit and names what was altered. Every table of the store is
// accounted for: edited by a case, or one that no one is shown or answered from.
func testTamper(t *testing.T, open Opener) {
	t.Run("every table", func(t *testing.T) {
		env := NewEnv(t, open)
		tamperFixture(env)
		snap, err := env.Store.Snapshot(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer snap.Close()
		tables, err := snap.Tables(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for name := range tables {
			if _, ok := audit.Tables[name]; !ok {
				t.Errorf("table %s: verify does not account for it (audit.Tables)", name)
			}
			edited := false
			for _, c := range tamperCases {
				edited = edited || c.table == name
			}
			if !edited && !notShown[name] {
				t.Errorf("table %s: no tamper case edits it", name)
			}
		}
		for _, c := range tamperCases {
			if _, ok := tables[c.table]; !ok {
				t.Errorf("case %q edits table %s, which the store does not have", c.name, c.table)
			}
		}
	})
	for _, c := range tamperCases {
		t.Run(c.name, func(t *testing.T) {
			env := NewEnv(t, open)
			tamperFixture(env)
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
			if !strings.Contains(strings.Join(rep.Problems, "\n"), c.problem) {
				t.Fatalf("no problem contains %q (all: %q)", c.problem, rep.Problems)
			}
			if strings.HasPrefix(c.problem, "first bad entry") && !strings.HasPrefix(rep.Problems[0], c.problem) {
				t.Fatalf("first problem = %q, want %q", rep.Problems[0], c.problem)
			}
		})
	}
}
