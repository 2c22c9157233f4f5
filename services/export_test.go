package services

import (
	"linkfin"
	"linkfin/iso20022"
)

// For the transcripts (package services_test), which name the ledger's transfers.
var (
	LegNames  = legNames
	PaymentID = paymentID
)

// SetMaturityChunkPieces makes a maturity index's chunks hold n pieces, for a test,
// until restore.
func SetMaturityChunkPieces(n int) (restore func()) {
	old := maturityChunkPieces
	maturityChunkPieces = n
	return func() { maturityChunkPieces = old }
}

// SetLegacyAccountKeys makes the keys of a statement and its entries of its account as
// the statement writes it, as linkfin made them before it keyed every spelling of an
// account alike, until restore: a test makes a database of then.
func SetLegacyAccountKeys() (restore func()) {
	old := accountSpellings
	accountSpellings = func(_ *linkfin.BankAccount, a iso20022.Account) []string { return []string{a.ID()} }
	return func() { accountSpellings = old }
}

// SetLegacyNameFold makes organizations' names folded as linkfin folded them before
// it left invisible characters out, until restore: a test makes a database of then.
func SetLegacyNameFold() (restore func()) {
	old := invisibleInNames
	invisibleInNames = func(name string) string { return name }
	return func() { invisibleInNames = old }
}
