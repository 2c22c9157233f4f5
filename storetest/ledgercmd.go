package storetest

import (
	"context"
	"testing"

	"linkfin"
	"linkfin/engine"
	"linkfin/ledger"
)

// payCommand is a domain command that moves money: it records a payment and moves
// the amount between two wallets in the same batch, all or nothing.
type payCommand struct {
	ID       string
	From, To string
	Amount   int64
}

func wallet(org string) int64 { return linkfin.LedgerID("wallet/" + org + "/CNY") }

func (c *payCommand) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: "payment", ID: c.ID}}
}

func (c *payCommand) LedgerKeys(linkfin.Records) (accounts, transfers []int64) {
	return []int64{wallet(c.From), wallet(c.To)}, []int64{linkfin.LedgerID("payment/" + c.ID)}
}

func (c *payCommand) Apply(tx linkfin.Tx) (any, error) {
	rec := map[string]any{"id": c.ID, "from": c.From, "to": c.To, "amount": c.Amount}
	// The record is written first, so a refused transfer must undo it too.
	if err := tx.Put("payment", c.ID, rec, "payment.made"); err != nil {
		return nil, err
	}
	// Wallets may not go below zero; "bank" stands for the outside world and may.
	account := func(org string) ledger.Account {
		a := ledger.Account{ID: wallet(org), Ledger: 1, Currency: "CNY", Code: 10}
		if org != "bank" {
			a.Flags = ledger.DebitsMustNotExceedCredits
		}
		return a
	}
	if err := tx.CreateAccounts(account(c.From), account(c.To)); err != nil {
		return nil, err
	}
	return rec, tx.Transfer(ledger.Transfer{ID: linkfin.LedgerID("payment/" + c.ID), DebitAccountID: wallet(c.From),
		CreditAccountID: wallet(c.To), Amount: c.Amount, Ledger: 1, Currency: "CNY", Code: 10})
}

// testLedgerCommand: a domain command's records and its ledger transfers commit
// together, or neither does.
func testLedgerCommand(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	ctx := context.Background()
	submit := func(cmds ...linkfin.Command) []engine.Outcome {
		return env.Submit(&engine.Request{Commands: cmds}).Outcomes
	}
	if out := submit(&payCommand{ID: "p1", From: "bank", To: "tier1", Amount: 500_00}); out[0].Code != "" {
		t.Fatalf("p1: %+v", out[0])
	}
	// tier1 cannot pay 600.00 out of 500.00: p2 is refused, and its record, written
	// before the transfer, is undone with it. p3 in the same request goes through.
	out := submit(&payCommand{ID: "p2", From: "tier1", To: "bank", Amount: 600_00},
		&payCommand{ID: "p3", From: "tier1", To: "tier2", Amount: 200_00},
		&payCommand{ID: "p4", From: "bank", To: "tier2", Amount: 0})
	if out[0].Code != string(ledger.ExceedsCredits) || out[1].Code != "" || out[2].Code != string(ledger.AmountMustBePositive) {
		t.Fatalf("outcomes: %+v", out)
	}
	for id, want := range map[string]string{"p1": "", "p2": linkfin.ENOTFOUND, "p3": "", "p4": linkfin.ENOTFOUND} {
		if _, err := env.Store.Object(ctx, "payment", id); linkfin.ErrorCode(err) != want {
			t.Fatalf("payment %s: %v, want %q", id, err, want)
		}
	}
	a, err := env.Engine.Account(ctx, wallet("tier1"))
	if err != nil {
		t.Fatal(err)
	}
	if a.CreditsPosted != 500_00 || a.DebitsPosted != 200_00 {
		t.Fatalf("tier1's wallet: %+v", a)
	}
	env.Restart()
	env.MustVerify()
}
