package services_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"linkfin"
	"linkfin/ledger"
	"linkfin/services"
)

// Who may act on an organization's keys and endpoints, and who sees which ledger
// accounts: decided in the domain, read in memory.

func TestKeysAreTheirOrganizations(t *testing.T) {
	w := newWorld(t)
	parties(w)
	ctx := context.Background()
	var made []string
	for _, k := range []struct {
		org  string
		role linkfin.Role
	}{{"tier1", linkfin.RoleAdmin}, {"tier1", linkfin.RoleViewer}, {"tier2", linkfin.RoleAdmin}} {
		_, key := linkfin.NewAPIKey(k.org, k.role, "")
		out, err := run[linkfin.APIKey](w, &services.CreateAPIKey{Actor: k.org, Key: key})
		if err != nil {
			t.Fatal(err)
		}
		if k.org == "tier1" {
			made = append(made, out.ID)
		}
	}
	slices.Sort(made)

	for _, v := range []linkfin.Viewer{org("tier1"), operator} {
		if err := services.Manages(v, "tier1"); err != nil {
			t.Fatalf("%+v manages tier1: %v", v, err)
		}
		keys, next, err := services.ListAPIKeys(ctx, w.db, v, "tier1", "", 10)
		if err != nil || len(keys) != 2 || keys[0].ID != made[0] || keys[1].ID != made[1] || next != "" {
			t.Fatalf("%+v lists tier1's keys: %+v, next %q, %v", v, keys, next, err)
		}
	}
	keys, next, err := services.ListAPIKeys(ctx, w.db, org("tier1"), "tier1", "", 1)
	if err != nil || len(keys) != 1 || next != made[0] {
		t.Fatalf("a page of one: %+v, next %q, %v", keys, next, err)
	}
	for _, v := range []linkfin.Viewer{org("tier2"), nobody} {
		wantNotFound(t, services.Manages(v, "tier1"), "organization tier1 not found")
		_, _, err := services.ListAPIKeys(ctx, w.db, v, "tier1", "", 10)
		wantNotFound(t, err, "organization tier1 not found")
		_, err = services.RevokeKey(v, "tier1", made[0])
		wantNotFound(t, err, "organization tier1 not found")
	}

	// The operator revokes a key as its organization would; an organization, its own.
	c, err := services.RevokeKey(operator, "tier1", made[0])
	if err != nil || c.Actor != "tier1" || c.ID != made[0] {
		t.Fatalf("the operator's revocation: %+v, %v", c, err)
	}
	w.must(c)
	c, err = services.RevokeKey(org("tier1"), "tier1", made[1])
	if err != nil || c.Actor != "tier1" {
		t.Fatalf("tier1's revocation: %+v, %v", c, err)
	}
	w.must(c)
}

func TestFunderAcceptsItsOwnInvitation(t *testing.T) {
	w := newWorld(t)
	parties(w)
	c, err := services.AcceptInvitation(org("bank"), "auto-scf", "bank", nil)
	if err != nil || c.Actor != "bank" || c.ProgramID != "auto-scf" {
		t.Fatalf("%+v, %v", c, err)
	}
	// Anyone else is forbidden, for a program it sees and one it does not alike.
	for _, v := range []linkfin.Viewer{org("anchor"), org("factor"), operator, nobody} {
		for _, prog := range []string{"auto-scf", "prog-never"} {
			if _, err := services.AcceptInvitation(v, prog, "bank", nil); linkfin.ErrorCode(err) != linkfin.EFORBIDDEN || !strings.Contains(err.Error(), "its own invitation") {
				t.Fatalf("%+v accepting bank's invitation into %s: %v", v, prog, err)
			}
		}
	}
}

func TestEndpointsAndTheirDeliveries(t *testing.T) {
	w := newWorld(t)
	parties(w)
	ctx := context.Background()
	for _, v := range []linkfin.Viewer{operator, nobody} {
		if _, err := services.EndpointOwner(v); linkfin.ErrorCode(err) != linkfin.EFORBIDDEN {
			t.Fatalf("%+v owns an endpoint: %v", v, err)
		}
	}
	owner, err := services.EndpointOwner(org("tier1"))
	if err != nil || owner != "tier1" {
		t.Fatalf("tier1's endpoint belongs to %q, %v", owner, err)
	}
	for _, id := range []string{"wh-a", "wh-b"} {
		w.must(&services.CreateWebhookEndpoint{Actor: owner, Endpoint: linkfin.WebhookEndpoint{ID: id, OrgID: owner,
			URL: "https://tier1.example/hooks", Events: []string{"*"}, Cursor: -1}})
	}
	next := w.now.Add(time.Minute)
	for _, d := range []struct {
		ep  string
		seq int64
	}{{"wh-a", 3}, {"wh-a", 5}, {"wh-a", 8}, {"wh-b", 1}} {
		w.must(&services.RecordDelivery{EndpointID: d.ep, Seq: d.seq, EventType: "organization.created", Status: linkfin.WebhookFailed,
			Attempt: 1, NextAttemptAt: &next})
	}
	var ep linkfin.WebhookEndpoint
	if err := services.ReadAs(ctx, w.db, org("tier1"), linkfin.KindWebhookEndpoint, "wh-a", &ep); err != nil {
		t.Fatal(err)
	}
	err = services.ReadAs(ctx, w.db, org("tier2"), linkfin.KindWebhookEndpoint, "wh-a", new(linkfin.WebhookEndpoint))
	wantNotFound(t, err, "webhook endpoint wh-a not found")

	seqs := func(after string, limit int) ([]int64, string) {
		t.Helper()
		out, next, err := services.Deliveries(ctx, w.db, &ep, after, limit)
		if err != nil {
			t.Fatal(err)
		}
		got := []int64{}
		for _, d := range out {
			var x linkfin.WebhookDelivery
			if err := json.Unmarshal(d, &x); err != nil || x.EndpointID != "wh-a" {
				t.Fatalf("%s, %v", d, err)
			}
			got = append(got, x.Seq)
		}
		return got, next
	}
	// wh-b's delivery follows wh-a's in id order: the list stops before it.
	if got, next := seqs("", 10); !slices.Equal(got, []int64{3, 5, 8}) || next != "" {
		t.Fatalf("deliveries: %v, next %q", got, next)
	}
	got, next2 := seqs("", 2)
	if !slices.Equal(got, []int64{3, 5}) || next2 != linkfin.WebhookDeliveryID("wh-a", 5) {
		t.Fatalf("a page of two: %v, next %q", got, next2)
	}
	if got, _ := seqs(next2, 2); !slices.Equal(got, []int64{8}) {
		t.Fatalf("the next page: %v", got)
	}
	if _, _, err := services.Deliveries(ctx, w.db, &ep, linkfin.WebhookDeliveryID("wh-b", 0), 10); linkfin.ErrorCode(err) != linkfin.EINVALID {
		t.Fatalf("another endpoint's cursor: %v", err)
	}
}

// accounts reads memtx's ledger as the engine's, listing the ids given.
type accounts struct {
	w   *world
	ids []int64
}

func (a accounts) Account(_ context.Context, id int64) (*ledger.Account, error) {
	acc, ok := a.w.db.Account(id)
	if !ok {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "account %d not found", id)
	}
	return &acc, nil
}

func (a accounts) ListAccounts(ctx context.Context, after int64, limit int) ([]ledger.Account, error) {
	var out []ledger.Account
	for _, id := range a.ids {
		if id > after && len(out) < limit {
			acc, err := a.Account(ctx, id)
			if err != nil {
				return nil, err
			}
			out = append(out, *acc)
		}
	}
	return out, nil
}

func TestLedgerSeenByWallet(t *testing.T) {
	w := newWorld(t)
	parties(w)
	w.must(&services.RecordInboundPayment{Rail: "bank", InstructionID: "dep-usd", OrgID: "bank", Currency: "USD", Amount: 5_00})
	ctx := context.Background()
	cny, usd := linkfin.WalletID("bank", "CNY"), linkfin.WalletID("bank", "USD")
	limit := services.LimitID("auto-scf", "bank")
	ids := []int64{cny, usd, limit}
	slices.Sort(ids)
	r := accounts{w, ids}

	for _, v := range []linkfin.Viewer{org("bank"), operator} {
		if a, err := services.Account(ctx, r, v, cny); err != nil || a.CreditsPosted != 2_000_000_00 {
			t.Fatalf("%+v reads the bank's wallet: %+v, %v", v, a, err)
		}
	}
	for _, v := range []linkfin.Viewer{org("anchor"), nobody} {
		_, err := services.Account(ctx, r, v, cny)
		wantNotFound(t, err, "account "+itoa(cny)+" not found")
	}
	_, err := services.Account(ctx, r, org("bank"), limit) // its limit is the program's, not its wallet
	wantNotFound(t, err, "account "+itoa(limit)+" not found")

	list := func(v linkfin.Viewer, after int64, n int) []int64 {
		t.Helper()
		as, err := services.ListAccounts(ctx, r, v, after, n)
		if err != nil {
			t.Fatal(err)
		}
		out := []int64{}
		for _, a := range as {
			out = append(out, a.ID)
		}
		return out
	}
	wallets := []int64{cny, usd}
	slices.Sort(wallets)
	if got := list(org("bank"), 0, 10); !slices.Equal(got, wallets) {
		t.Fatalf("the bank lists %v, want %v", got, wallets)
	}
	if got := list(org("bank"), wallets[0], 10); !slices.Equal(got, wallets[1:]) {
		t.Fatalf("after its first wallet the bank lists %v", got)
	}
	if got := list(org("bank"), 0, 1); !slices.Equal(got, wallets[:1]) {
		t.Fatalf("a page of one: %v", got)
	}
	if got := list(operator, 0, 10); !slices.Equal(got, ids) {
		t.Fatalf("the operator lists %v, want %v", got, ids)
	}
	if got := list(nobody, 0, 10); len(got) != 0 {
		t.Fatalf("no one lists %v", got)
	}

	// A transfer is seen by the organizations whose wallet it touches, on either side.
	for _, tr := range []ledger.Transfer{{ID: 7, DebitAccountID: limit, CreditAccountID: usd}, {ID: 8, DebitAccountID: cny, CreditAccountID: limit}} {
		for _, v := range []linkfin.Viewer{org("bank"), operator} {
			if err := services.SeesTransfer(ctx, r, v, &tr); err != nil {
				t.Fatalf("%+v sees transfer %d: %v", v, tr.ID, err)
			}
		}
		for _, v := range []linkfin.Viewer{org("anchor"), nobody} {
			wantNotFound(t, services.SeesTransfer(ctx, r, v, &tr), "transfer "+itoa(tr.ID)+" not found")
		}
	}
	other := ledger.Transfer{ID: 9, DebitAccountID: limit, CreditAccountID: linkfin.WalletID("anchor", "CNY")}
	wantNotFound(t, services.SeesTransfer(ctx, r, org("bank"), &other), "transfer 9 not found")
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }
