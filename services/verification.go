package services

import (
	"time"

	"linkfin"
)

// KindVerification is the record kind of the platform's last verification: what
// audit.Verify found when the operator last ran it. Its one record ("last") keeps the
// latest outcome; its history, every earlier one.
const KindVerification = "verification"

func init() { linkfin.RegisterKind(KindVerification, func() any { return new(Verification) }) }

// MaxVerificationProblems bounds the problems a verification keeps.
const MaxVerificationProblems = 20

// Verification is the outcome of one run of audit.Verify on the platform's database.
// It has no parties: only the operator reads it.
type Verification struct {
	ID          string    `json:"id"` // "last"
	At          time.Time `json:"at"`
	By          string    `json:"by"` // where it ran: "console" or "cli"
	OK          bool      `json:"ok"`
	Events      int64     `json:"events"`
	Checkpoints int64     `json:"checkpoints"`
	Accounts    int       `json:"accounts"`
	Transfers   int64     `json:"transfers"`
	Records     int64     `json:"records"`
	Answers     int64     `json:"answers"`
	Root        string    `json:"root"` // base64, as the checkpoints write it
	// Problems are the first of what it found wrong, and how many it found.
	Problems     []string `json:"problems,omitempty"`
	ProblemCount int      `json:"problem_count"`
}

// RecordVerification records the outcome of a verification as the platform's last:
// the operator's alone.
type RecordVerification struct {
	Result Verification
}

// Keys implements linkfin.Command.
func (c *RecordVerification) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: KindVerification, ID: "last"}}
}

// Apply implements linkfin.Command.
func (c *RecordVerification) Apply(tx linkfin.Tx) (any, error) {
	v := c.Result
	v.ID, v.At = "last", tx.Now()
	if v.By != "console" && v.By != "cli" {
		return nil, linkfin.Errorf(linkfin.EINVALID, "a verification runs in the console or the command line, not %q", v.By)
	}
	if len(v.Problems) > MaxVerificationProblems {
		v.Problems = v.Problems[:MaxVerificationProblems]
	}
	return &v, tx.Put(KindVerification, v.ID, &v, "verification.recorded")
}
