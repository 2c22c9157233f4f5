package linkfin

import (
	"errors"
	"time"
)

// KindDeclinedRequest is the record kind of the financing requests refused on their
// grade: a credit decision is kept whichever way it goes (docs/CREDIT.md).
const KindDeclinedRequest = "declined_request"

func init() {
	RegisterKind(KindDeclinedRequest, func() any { return new(DeclinedRequest) })
	IDPrefix[KindDeclinedRequest] = "dr"
}

// DeclinedRequest is a financing request refused because its requester is graded
// below a floor: what was asked, the decision (score, grade, model version, reasons
// and inputs, so it can be worked out again), and whose floor it fell below. The
// requester, the funder asked and the program's anchor see it.
type DeclinedRequest struct {
	ID          string         `json:"id"`
	Product     Product        `json:"product"`
	ProgramID   string         `json:"program_id"`
	AnchorID    string         `json:"anchor_id"`
	RequesterID string         `json:"requester_id"`
	FunderID    string         `json:"funder_id"`
	AssetKind   string         `json:"asset_kind"`
	AssetID     string         `json:"asset_id"`
	Decision    CreditDecision `json:"decision"`
	// Floor is the grade the requester fell below, set by the program
	// (decline_below) or by the funder (its own grade floor): FloorSetBy says which.
	Floor      string    `json:"floor"`
	FloorSetBy string    `json:"floor_set_by"`
	CreatedAt  time.Time `json:"created_at"`
}

// Parties implements Partied: the requester, the funder and the anchor.
func (d *DeclinedRequest) Parties() []string { return parties(d.RequesterID, d.FunderID, d.AnchorID) }

// RecordedRefusal is a refusal whose command's writes stand: the request fails with
// the error's code and message, as any refusal does, and is answered so again on a
// retry, but what the command wrote — the record of the refusal itself, a declined
// credit decision — is kept and logged. A command returns one only when all it wrote
// is that record.
type RecordedRefusal struct{ Err *Error }

// Error implements the error interface, as the refusal's error.
func (r *RecordedRefusal) Error() string { return r.Err.Error() }

// Unwrap is the refusal's error.
func (r *RecordedRefusal) Unwrap() error { return r.Err }

// Recorded returns err as a refusal whose writes stand.
func Recorded(err *Error) error { return &RecordedRefusal{err} }

// IsRecorded reports whether err is a refusal whose writes stand.
func IsRecorded(err error) bool {
	var r *RecordedRefusal
	return errors.As(err, &r)
}
