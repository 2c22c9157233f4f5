package linkfin

import "hash/fnv"

// LedgerID derives a ledger id (1 to 2^63−1) from a name, such as "wallet/tier1/CNY",
// so that domain records name their accounts and transfers without a counter. A
// collision shows as exists_with_different_fields and fails the command.
func LedgerID(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	id := int64(h.Sum64() &^ (1 << 63))
	if id == 0 {
		id = 1
	}
	return id
}

// WalletID is the ledger account of an organization's money in a currency.
func WalletID(org string, c Currency) int64 {
	return LedgerID("wallet/" + org + "/" + string(c))
}
