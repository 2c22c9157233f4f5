package linkfin

import (
	"strconv"
	"time"
)

// KindCertificate is the record kind of digital payable certificates.
const KindCertificate = "certificate"

// Bounds of a certificate's requests.
const (
	// MaxCertificatePayables is the most payables a certificate is issued from.
	MaxCertificatePayables = 100
	// MinSplitPieces and MaxSplitPieces bound the pieces a split makes.
	MinSplitPieces, MaxSplitPieces = 2, 100
)

// CertificateStatus is where a piece of a certificate stands. Only active pieces can
// be split, transferred, financed or settled; the others are history, kept forever.
type CertificateStatus string

const (
	CertificateActive      CertificateStatus = "active"
	CertificateSplit       CertificateStatus = "split"       // replaced by its children
	CertificateTransferred CertificateStatus = "transferred" // replaced by its children, one held by the recipient
	CertificateSettled     CertificateStatus = "settled"     // paid to its holder at maturity
)

// KindMaturity is the record kind of maturity indexes: per program and date, the
// active pieces that mature then, so that a settlement finds them without a scan.
const KindMaturity = "maturity"

// MaturityChunkPieces is how many pieces one record of a maturity index lists before
// the date's index goes on in a further record, a chunk (one batch's new pieces of the
// date go to one chunk, which they may take past it): a split or a transfer then
// rewrites, and the log records, the chunk or two it changes, not every piece due that
// day.
const MaturityChunkPieces = 250

// Maturity lists a program's active pieces maturing on a date: the date's first
// record (Chunk 0), and as many chunks after it as its Chunks says. New pieces go to
// the last chunk, so the chunks in order list the pieces in the order they were made.
type Maturity struct {
	ID        string   `json:"id"` // MaturityChunkID(program, date, chunk)
	ProgramID string   `json:"program_id"`
	Date      Date     `json:"date"`
	Chunk     int      `json:"chunk,omitempty"`
	Pieces    []string `json:"pieces"`
	Paid      []string `json:"paid"` // settled pieces, in the order they were paid
	// On the first record only: how many chunks follow it, and how many active pieces
	// they list in all.
	Chunks int `json:"chunks,omitempty"`
	Later  int `json:"later,omitempty"`
}

// Lists reports whether the date's index lists an active piece; m is its first record.
func (m *Maturity) Lists() bool { return len(m.Pieces) > 0 || m.Later > 0 }

// MaturityID is the id of a program's maturity index for a date: its first record.
func MaturityID(program string, d Date) string {
	var b [64]byte // made on the stack for most: one allocation, the id's
	return string(d.appendTo(append(append(b[:0], program...), '@')))
}

// MaturityChunkID is the id of a chunk of a program's maturity index for a date; chunk
// 0 is the first record, MaturityID.
func MaturityChunkID(program string, d Date, chunk int) string {
	if chunk == 0 {
		return MaturityID(program, d)
	}
	return MaturityID(program, d) + "#" + strconv.Itoa(chunk)
}

// Certificate is a digital payable certificate, or a piece of one: the anchor's
// irrevocable promise to pay Face on Maturity to whoever holds the piece then. A root
// is issued from approved payables; splits and transfers replace a piece by children
// whose faces sum exactly to its own, so any piece traces to its root and the root to
// its payables, invoices and purchase orders.
type Certificate struct {
	ID        string `json:"id"`
	RootID    string `json:"root_id"`
	ParentID  string `json:"parent_id,omitempty"`
	AnchorID  string `json:"anchor_id"`
	ProgramID string `json:"program_id"`
	HolderID  string `json:"holder_id"`
	// Tier is the holder's tier in the anchor's supply chain as the piece travelled:
	// 1 for the seller the anchor owes, one more for each transfer down the chain.
	Tier       int               `json:"tier"`
	Currency   Currency          `json:"currency"`
	Face       int64             `json:"face"`
	Maturity   Date              `json:"maturity"` // a business day of the program's calendar
	Status     CertificateStatus `json:"status"`
	PayableIDs []string          `json:"payable_ids,omitempty"` // the root's
	Children   []string          `json:"children,omitempty"`
	// FinancingID is the active financing the piece backs: one at most (DESIGN §3, 4).
	FinancingID string `json:"financing_id,omitempty"`
	// ECNYTransferID is the e-CNY payment that settled the piece, on a program that
	// settles on the e-CNY rail: its face and any late interest, in one payment.
	ECNYTransferID StringInt `json:"ecny_transfer_id,omitempty"`
	// MaturityChunk is the chunk of its maturity's index that lists an active piece
	// (0, the first record, for all but a day of more than MaturityChunkPieces pieces).
	MaturityChunk int       `json:"maturity_chunk,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
}

// Piece is one child to create in a split or a transfer.
type Piece struct {
	ID   string `json:"id"`
	Face int64  `json:"face" bound:"amount"`
}

// CheckTree checks invariant 3 of DESIGN §3 for one certificate tree given all its
// pieces and the amount the ledger paid out for it: the faces of the active leaves sum
// to the root's face less that amount, the settled pieces sum to it, every split
// piece's children sum exactly to it, and nothing is negative. It returns the problems
// found (none: conserved).
func CheckTree(pieces []Certificate, settled int64) []string {
	byID := make(map[string]*Certificate, len(pieces))
	var root *Certificate
	for i := range pieces {
		byID[pieces[i].ID] = &pieces[i]
		if pieces[i].ParentID == "" {
			root = &pieces[i]
		}
	}
	if root == nil {
		return []string{"no root"}
	}
	var problems []string
	add := func(acc *int64, face int64) {
		if s, err := Add(*acc, face); err != nil {
			problems = append(problems, "a sum of faces overflows")
		} else {
			*acc = s
		}
	}
	var active, paid int64
	for _, p := range pieces {
		if p.Face <= 0 {
			problems = append(problems, "piece "+p.ID+" has no positive face")
		}
		if p.RootID != root.ID {
			problems = append(problems, "piece "+p.ID+" names another root")
		}
		if p.Status == CertificateActive || p.Status == CertificateSettled {
			if len(p.Children) > 0 {
				problems = append(problems, "leaf "+p.ID+" has children")
			}
			if p.Status == CertificateActive {
				add(&active, p.Face)
			} else {
				add(&paid, p.Face)
			}
			continue
		}
		var sum int64
		for _, c := range p.Children {
			child := byID[c]
			if child == nil {
				problems = append(problems, "piece "+p.ID+" lost its child "+c)
				continue
			}
			add(&sum, child.Face)
		}
		if sum != p.Face {
			problems = append(problems, "the children of "+p.ID+" do not sum to its face")
		}
	}
	if unpaid, err := Sub(root.Face, settled); err != nil || active != unpaid {
		problems = append(problems, "the active pieces do not sum to the root's face less what was settled")
	}
	if paid != settled {
		problems = append(problems, "the settled pieces do not sum to what was paid")
	}
	return problems
}
