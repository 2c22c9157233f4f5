package linkfin

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// IDPrefix is the type prefix of the ids the platform gives the records organizations
// make (Tx.NewID): "po_" and thirteen base32 digits that grow with time. No
// request chooses a record's id, so no organization can take an id before another or
// learn, by a collision, that a record it is not party to exists. Organizations are the
// exception: the operator creates them and names them.
var IDPrefix = map[string]string{
	KindProgram:          "prog",
	KindPurchaseOrder:    "po",
	KindShipment:         "ship",
	KindGoodsReceipt:     "gr",
	KindInvoice:          "inv",
	KindCreditNote:       "cn",
	KindCertificate:      "cert",
	KindFinancing:        "fin",
	KindWarehouseReceipt: "wr",
	KindWebhookEndpoint:  "wh",
	KindCreditTransfer:   "ct",
	KindPaymentFile:      "pf",
	KindECNYWallet:       "ew",
	KindECNYPayment:      "ep",
	KindDevice:           "dev",
}

// EIDTAKEN refuses an id that differs from one taken in case alone.
const EIDTAKEN = "id_taken"

// KindFoldedID is the record kind of the registry of ids by their lower case.
const KindFoldedID = "folded_id"

// FoldedID names the one id of a kind, within a scope, that folds to its lower case.
// Ids that differ in case alone (BANK and bank, LOT-7 and lot-7) read as one to
// whoever sees them in a list or a document, so the platform takes the first and
// refuses the others (EIDTAKEN): one party cannot pose as another by a capital. Its
// id is FoldedIDKey's. It has no parties: only the operator reads it.
type FoldedID struct {
	ID    string `json:"id"`
	Taken string `json:"taken"` // the id as it was taken
}

// FoldedIDKey is the registry id of an id of a kind within a scope ("" for an id of
// the whole platform, such as an organization's; the warehouse's for a lot): the kind,
// the scope and the id in lower case (ids are ASCII: ValidateID, so they hold no
// invisible character, IsDefaultIgnorable, that would make two read as one).
func FoldedIDKey(kind, scope, id string) string {
	return kind + "~" + scope + "~" + strings.ToLower(id)
}

// KindNumber is the record kind of the registry of document numbers: one record per
// organization, kind of document and number, naming the document that holds it. An
// organization gives a number to one document of a kind; another organization's
// numbers are in other records, so they never meet and are never seen.
const KindNumber = "document_number"

// EDUPLICATENUMBER refuses a document whose number its organization already gave a
// document of the same kind.
const EDUPLICATENUMBER = "duplicate_number"

// MaxNumber is the most characters a document's number has.
const MaxNumber = 100

// NumberKey is the registry id of a number that org gave a document of kind. The
// number is compared as it is, but for its invisible characters (WithoutIgnorables):
// "PO-1\u200b001" reads as PO-1001, and is it. (Before they were left out, a number
// was registered as it was: linkfin serve registers such a number of then under this
// key as well, once.)
func NumberKey(org, kind, number string) string {
	return org + "~" + kind + "~" + WithoutIgnorables(number)
}

// ValidateNumber checks a document's own number: 1 to MaxNumber characters of UTF-8
// text, not blank, one line of it, as ValidateText checks a text that is not
// multiline: no control characters, bidirectional embeddings, overrides and
// isolates, line or paragraph separators or byte order marks.
func ValidateNumber(what, n string) error {
	if n == "" || utf8.RuneCountInString(n) > MaxNumber || !utf8.ValidString(n) || strings.TrimSpace(n) == "" ||
		strings.IndexFunc(n, unicode.IsControl) >= 0 || strings.IndexFunc(n, IsBidiControl) >= 0 ||
		strings.IndexFunc(n, isLineBreak) >= 0 || strings.ContainsRune(n, byteOrderMark) {
		return Errorf(EINVALID, "%s has 1 to %d characters of one line of text, without control characters, bidirectional embeddings, overrides and isolates, line or paragraph separators or byte order marks", what, MaxNumber)
	}
	return nil
}

// FormatID is the id Tx.NewID gives for the value v of the clock: prefix, "_", and v
// as thirteen lower-case digits of Crockford's base32 alphabet, fixed width, so that
// the ids of a kind sort as their values do.
func FormatID(prefix string, v int64) string {
	const digits = "0123456789abcdefghjkmnpqrstvwxyz"
	b := make([]byte, len(prefix)+1+13)
	copy(b, prefix)
	b[len(prefix)] = '_'
	u := uint64(v)
	for i := len(b) - 1; i > len(prefix); i-- {
		b[i] = digits[u&31]
		u >>= 5
	}
	return string(b)
}
