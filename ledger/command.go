package ledger

import (
	"slices"

	"linkfin"
)

// OpenAccounts creates accounts for a domain command: an account that exists with the
// same fields is fine, any other result fails, as a *linkfin.Error with the ledger's
// code. Accounts created before the failure stay, for the caller to roll back.
func (s *State) OpenAccounts(accounts ...Account) error {
	for i, r := range s.CreateAccounts(accounts) {
		if r != OK && r != Exists {
			return linkfin.Errorf(string(r), "ledger account %d: %s", accounts[i].ID, r)
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
			return linkfin.Errorf(string(r), "ledger transfer %d: %s", ts[i].ID, r)
		}
	}
	return nil
}
