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
}

// RelationshipID is the id of the relationship of a buyer and a seller: one per pair
// and direction.
func RelationshipID(buyer, seller string) string { return buyer + "~" + seller }
