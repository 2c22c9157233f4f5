package services

// For the transcripts (package services_test), which name the ledger's transfers.
var (
	LegNames  = legNames
	PaymentID = paymentID
)
