package ledger

import (
	"fmt"
	"slices"

	"linkfin"
)

// A domain command's refusal by the ledger names no ledger id: the command's accounts
// and transfers have ids derived from names its caller never gave nor sees
// (linkfin.LedgerID), which would tell it nothing but how the ledger is laid out. It
// says what was refused in words; a command that knows which of its accounts fell short
// says that itself (the services' wallets).

// OpenAccounts creates accounts for a domain command: an account that exists with the
// same fields is fine, any other result fails, as a *linkfin.Error with the ledger's
// code. Accounts created before the failure stay, for the caller to roll back.
func (s *State) OpenAccounts(accounts ...Account) error {
	for _, r := range s.CreateAccounts(accounts) {
		if r != OK && r != Exists {
			return linkfin.Errorf(string(r), "the ledger refused an account the request opens: %s", r)
		}
	}
	return nil
}

// TransferAll runs a domain command's transfers as one linked chain, all or nothing:
// any result other than ok fails, as a *linkfin.Error with the ledger's code
// (exceeds_credits, …), and leaves nothing of the chain.
func (s *State) TransferAll(transfers ...Transfer) error {
	if len(transfers) == 0 {
		return nil
	}
	ts := slices.Clone(transfers)
	for i := range ts[:len(ts)-1] {
		ts[i].Flags |= Linked
	}
	for i, r := range s.CreateTransfers(ts) {
		if r != OK && r != LinkedEventFailed {
			return linkfin.Errorf(string(r), "%s", refused(r, &ts[i]))
		}
	}
	return nil
}

// refused says why the ledger refused a transfer of a domain command, without its ids.
func refused(r Result, t *Transfer) string {
	amount := "it"
	if t.Amount > 0 && t.Currency != "" {
		amount = linkfin.Money{Amount: t.Amount, Currency: linkfin.Currency(t.Currency)}.String()
	}
	switch r {
	case ExceedsCredits:
		return fmt.Sprintf("an account it would pay %s from holds less than that", amount)
	case ExceedsDebits:
		return fmt.Sprintf("an account it would pay %s into would go past its bound", amount)
	}
	return "the ledger refused a transfer of the request: " + string(r)
}
