package storetest

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"linkfin"
	"linkfin/engine"
	"linkfin/ledger"
	"linkfin/services"
)

// The suite's own record kinds, registered as the engine requires.
func init() {
	linkfin.RegisterKind("tally", func() any { return new(tally) })
	linkfin.RegisterKind("parcel", func() any { return new(parcel) })
	linkfin.RegisterKind("payment", func() any { return new(map[string]any) })
}

// writeRecord writes one record of a kind: an empty record of the kind's registered
// type that holds id (and day counts, which have no valid zero value), decoded as a
// record of that kind would be.
type writeRecord struct{ Kind, ID string }

func (c *writeRecord) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: c.Kind, ID: c.ID}}
}

func (c *writeRecord) Apply(tx linkfin.Tx) (any, error) {
	v := linkfin.NewRecord(c.Kind)
	data, _ := json.Marshal(map[string]any{"id": c.ID, "day_count": "ACT/360", "quote": map[string]string{"day_count": "ACT/360"}})
	if err := json.Unmarshal(data, v); err != nil {
		return nil, err
	}
	return v, tx.Put(c.Kind, c.ID, v, c.Kind+".written")
}

// testEveryEventKind writes an event of every type the ledger has, the record of a
// saved answer, and a record of every registered kind (the engine writes no other), and
// verifies the database: an event the engine can write is one the auditor can read. Tenants' own commands come
// first, as a tenant would send them.
func testEveryEventKind(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	ctx := context.Background()

	// A tenant makes a webhook endpoint: the endpoint and its organization's quota.
	org := linkfin.Organization{ID: "tenant-1", Name: "Tenant", Capabilities: []linkfin.Capability{linkfin.CapTrade}}
	if err := env.Engine.Run(ctx, &services.CreateOrganization{Org: org}, new(services.OrganizationResult)); err != nil {
		t.Fatal(err)
	}
	ep := linkfin.WebhookEndpoint{ID: "ep-1", OrgID: org.ID, URL: "https://erp.example/hook", Events: []string{"*"}, Cursor: -1}
	if err := env.Engine.Run(ctx, &services.CreateWebhookEndpoint{Actor: org.ID, Endpoint: ep}, new(linkfin.WebhookEndpoint)); err != nil {
		t.Fatal(err)
	}
	env.MustVerify()

	// Every ledger event: accounts created and closed, transfers posted, pending,
	// posted, voided and expired.
	wantResults(t, env.Submit(&engine.Request{CreateAccounts: []ledger.Account{Acct(1, 0), Acct(2, 0), Acct(3, 0)}}).Results,
		ledger.OK, ledger.OK, ledger.OK)
	pend := func(id, amount int64, timeout uint32) ledger.Transfer {
		p := Xfer(id, 1, 2, amount)
		p.Flags, p.Timeout = ledger.Pending, timeout
		return p
	}
	wantResults(t, env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{
		Xfer(10, 1, 2, 100), pend(11, 50, 0), pend(12, 40, 0), pend(13, 30, 60),
		{ID: 14, PendingID: 11, Flags: ledger.PostPending}, {ID: 15, PendingID: 12, Flags: ledger.VoidPending},
	}}).Results, ledger.OK, ledger.OK, ledger.OK, ledger.OK, ledger.OK, ledger.OK)
	env.Clock.Advance(2 * time.Minute)
	wantResults(t, env.Submit(&engine.Request{CloseAccounts: []int64{3}}).Results, ledger.OK)
	// An answer saved under an idempotency key, which the log records.
	wantResults(t, env.Submit(&engine.Request{IdempotencyKey: "every-1", CreateTransfers: []ledger.Transfer{Xfer(16, 1, 2, 1)}}).Results, ledger.OK)

	// A record of every kind.
	var cmds []linkfin.Command
	for _, kind := range linkfin.Kinds() {
		cmds = append(cmds, &writeRecord{Kind: kind, ID: kind + "-every"})
	}
	for i, o := range env.Submit(&engine.Request{Commands: cmds}).Outcomes {
		if err := o.Err(); err != nil {
			t.Errorf("write a %s record: %v", cmds[i].(*writeRecord).Kind, err)
		}
	}

	// The log holds each of them, and verifies.
	seen := map[string]bool{}
	for from := int64(0); ; {
		evs, err := env.Store.Events(ctx, from, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			break
		}
		for _, ev := range evs {
			seen[ev.Type] = true
			seen[ev.Kind()] = true
		}
		from = evs[len(evs)-1].Seq + 1
	}
	want := linkfin.Kinds()
	for _, typ := range ledger.EventTypes {
		want = append(want, string(typ))
	}
	want = append(want, linkfin.EventAnswersSaved)
	for _, k := range want {
		if !seen[k] {
			t.Errorf("the log has no %s event", k)
		}
	}
	if !slices.Contains(want, linkfin.KindWebhookQuota) {
		t.Errorf("%s is not a registered kind", linkfin.KindWebhookQuota)
	}
	env.MustVerify()
}
