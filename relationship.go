package linkfin

import "time"

// KindRelationship is the record kind of buyer–seller relationships.
const KindRelationship = "relationship"

// RelationshipStatus is where a relationship stands.
type RelationshipStatus string

const (
	RelationshipProposed RelationshipStatus = "proposed"
	RelationshipActive   RelationshipStatus = "active"
)

// Relationship is a trade relationship between a buyer and a seller. One side proposes
// it and the other accepts it; a purchase order or a certificate transfer between two
// organizations requires an active one.
type Relationship struct {
	ID         string             `json:"id"` // RelationshipID(buyer, seller)
	BuyerID    string             `json:"buyer_id"`
	SellerID   string             `json:"seller_id"`
	Status     RelationshipStatus `json:"status"`
	ProposedBy string             `json:"proposed_by"`
	ProposedAt time.Time          `json:"proposed_at"`
	AcceptedAt *time.Time         `json:"accepted_at,omitempty"`
	// PaymentTermsDays is the buyer's payment terms with this seller: an invoice of
	// the seller to the buyer that states no due date is due this many days after its
	// issue (none: the terms of the order's program). The buyer changes them; a change
	// while the seller has financed receivables from the buyer outstanding raises
	// payment_terms_changed (docs/CREDIT.md).
	PaymentTermsDays *int       `json:"payment_terms_days,omitempty"`
	TermsChangedAt   *time.Time `json:"terms_changed_at,omitempty"`
}

// PaymentTermsIn is the body of a buyer setting its payment terms with a seller: days
// after an invoice's issue (0: none, the program's).
type PaymentTermsIn struct {
	PaymentTermsDays int `json:"payment_terms_days" bound:"days"`
}

// RelationshipID is the id of the relationship of a buyer and a seller: one per pair
// and direction.
func RelationshipID(buyer, seller string) string { return buyer + "~" + seller }
