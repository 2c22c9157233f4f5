package linkfin

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// KindAPIKey is the record kind of API keys.
const KindAPIKey = "api_key"

// Role is what an API key may do for its organization.
type Role string

// The roles of DESIGN §5, and the platform operator's.
const (
	RoleOperator Role = "operator" // the platform: organizations, the raw ledger, settlement runs
	RoleAdmin    Role = "admin"    // everything the organization may do, keys and webhooks included
	RoleFinance  Role = "finance"  // trade and finance operations
	RoleViewer   Role = "viewer"   // reads only
)

// Roles lists the roles an organization's key may have.
var Roles = []Role{RoleAdmin, RoleFinance, RoleViewer}

// APIKey is an API key as the platform keeps it: its public id, its owner, its role
// and the SHA-256 of the whole key. The secret part is shown once, when the key is
// made, and never stored. (A plain hash suffices: the secret is 256 random bits, so
// there is nothing to guess; slow password hashes are for secrets people choose.)
type APIKey struct {
	ID        string     `json:"id"`
	OrgID     string     `json:"org_id,omitempty"` // "" for an operator key
	Role      Role       `json:"role"`
	Name      string     `json:"name,omitempty"`
	Hash      string     `json:"hash"` // hex SHA-256 of the whole key
	CreatedBy string     `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// Parties implements Partied.
func (k *APIKey) Parties() []string { return parties(k.OrgID) }

// KeyPrefix starts every API key: "lfk_<id>_<secret>".
const KeyPrefix = "lfk_"

// ParseAPIKey returns the id of a key in the form "lfk_<id>_<secret>".
func ParseAPIKey(key string) (id string, ok bool) {
	rest, ok := strings.CutPrefix(key, KeyPrefix)
	if !ok {
		return "", false
	}
	id, secret, ok := strings.Cut(rest, "_")
	if !ok || id == "" || len(secret) < 32 || ValidateID("key id", id) != nil {
		return "", false
	}
	return id, true
}

// HashAPIKey is the hex SHA-256 of a whole key, as APIKey.Hash holds it.
func HashAPIKey(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

// KindWebhookEndpoint is the record kind of webhook endpoints.
const KindWebhookEndpoint = "webhook_endpoint"

// WebhookEndpoint is where an organization wants its events delivered: every event of
// a record it is party to whose type matches one of Events ("financing.*",
// "invoice.approved", or "*" for all). Deliveries are signed with HMAC-SHA256 under a
// secret derived from the platform's webhook key and the endpoint's id, so the secret
// is in no record and no event.
type WebhookEndpoint struct {
	ID         string     `json:"id"`
	OrgID      string     `json:"org_id"`
	URL        string     `json:"url"`
	Events     []string   `json:"events"`
	CreatedAt  time.Time  `json:"created_at"`
	DisabledAt *time.Time `json:"disabled_at,omitempty"`
}

// Parties implements Partied.
func (w *WebhookEndpoint) Parties() []string { return parties(w.OrgID) }
