package services

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
