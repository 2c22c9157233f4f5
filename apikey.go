package linkfin

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"regexp"
	"slices"
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

// Includes reports whether a key or user of role r may do everything one of role o
// may: the operator's role includes every other, an admin's finance and viewer, and
// finance viewer. A role that is none of these includes nothing.
func (r Role) Includes(o Role) bool {
	return r.rank() > 0 && o.rank() > 0 && r.rank() >= o.rank()
}

func (r Role) rank() int {
	switch r {
	case RoleViewer:
		return 1
	case RoleFinance:
		return 2
	case RoleAdmin:
		return 3
	case RoleOperator:
		return 4
	}
	return 0
}

// APIKey is an API key as the platform keeps it: its public id, its owner, its role
// and the SHA-256 of the whole key. The secret part is shown once, when the key is
// made, and never stored. (A plain hash suffices: the secret is 256 random bits, so
// there is nothing to guess; slow password hashes are for secrets people choose.)
type APIKey struct {
	ID        string `json:"id"`
	OrgID     string `json:"org_id,omitempty"` // "" for an operator key
	Role      Role   `json:"role"`
	Name      string `json:"name,omitempty"`
	Hash      string `json:"hash"` // hex SHA-256 of the whole key
	CreatedBy string `json:"created_by"`
	// Owner is the user whose standing the key acts with: the user that made it, or
	// the owner of the key that made it; "" for a key no user's key or session made
	// (one the operator's key made, or made before owners were recorded). The key is
	// revoked when its owner is disabled, or its role no longer includes the key's.
	Owner     string     `json:"owner,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// Parties implements Partied.
func (k *APIKey) Parties() []string { return parties(k.OrgID) }

// KindUserKeys is the record kind that lists the live API keys a user owns.
const KindUserKeys = "user_api_keys"

// UserKeys lists, in the order they were made, the live API keys a user owns
// (APIKey.Owner), up to MaxAPIKeys: those that disabling the user, or lowering its
// role, revokes. Its id is the user's. It has no parties: only the operator reads it.
type UserKeys struct {
	ID   string   `json:"id"`
	Keys []string `json:"keys"`
}

// MaxAPIKeys is how many live (unrevoked) keys an organization may hold. Each key has
// a rate limit of its own, so keys without bound would lift the organization's; a key
// revoked frees its place.
const MaxAPIKeys = 100

// KindAPIKeyQuota is the record kind that counts an organization's live keys.
const KindAPIKeyQuota = "api_key_quota"

// APIKeyQuota counts an organization's live API keys, up to MaxAPIKeys: the keys it
// made and has not revoked since the count began (keys made before it are not
// counted). Its id is the organization's. It has no parties: only the operator reads it.
type APIKeyQuota struct {
	ID    string `json:"id"`
	OrgID string `json:"org_id"`
	Live  int    `json:"live"`
}

// KeyPrefix starts every API key: "lfk_<id>_<secret>".
const KeyPrefix = "lfk_"

// NewAPIKey makes a key's secret and its record: "lfk_<id>_<secret>", with 64 random
// bits of id and 256 of secret.
func NewAPIKey(org string, role Role, name string) (secret string, k APIKey) {
	var id [8]byte
	var sec [32]byte
	rand.Read(id[:])
	rand.Read(sec[:])
	secret = KeyPrefix + hex.EncodeToString(id[:]) + "_" + base64.RawURLEncoding.EncodeToString(sec[:])
	return secret, APIKey{ID: hex.EncodeToString(id[:]), OrgID: org, Role: role, Name: name, Hash: HashAPIKey(secret)}
}

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
	// Cursor is the seq of the last event delivered or passed over: deliveries resume
	// after it. The log itself is the outbox, so this is all the state a delivery needs.
	Cursor int64 `json:"cursor"`
}

// Parties implements Partied.
func (w *WebhookEndpoint) Parties() []string { return parties(w.OrgID) }

// Limits of a webhook endpoint.
const (
	MaxWebhookURL    = 2048
	MaxWebhookEvents = 50
	// MaxWebhookEndpoints is how many endpoints an organization may make. An endpoint
	// is changed rather than replaced (its URL and filters), so few are ever needed.
	MaxWebhookEndpoints = 16
)

// KindWebhookQuota is the record kind that counts an organization's endpoints.
const KindWebhookQuota = "webhook_quota"

// WebhookQuota counts the webhook endpoints an organization made, up to
// MaxWebhookEndpoints: each one costs the dispatcher a pass over the log. Its id is the
// organization's. Like the other registries of the platform it has no parties: only
// the operator reads it.
type WebhookQuota struct {
	ID        string `json:"id"` // the organization's id, as every record holds its own
	OrgID     string `json:"org_id"`
	Endpoints int    `json:"endpoints"`
}

// Validate checks the endpoint's owner, URL and event filters (its id is the
// platform's).
func (w *WebhookEndpoint) Validate() error {
	if w.OrgID == "" {
		return Errorf(EINVALID, "an endpoint belongs to an organization")
	}
	if len(w.URL) > MaxWebhookURL {
		return Errorf(EINVALID, "an endpoint's url has at most %d characters", MaxWebhookURL)
	}
	u, err := url.Parse(w.URL)
	if err != nil || !u.IsAbs() || u.Scheme != "http" && u.Scheme != "https" || u.Hostname() == "" || u.Opaque != "" {
		return Errorf(EINVALID, "an endpoint's url is an absolute http or https URL")
	}
	// The record and the log are readable by the organization and the operator: a
	// password in the URL would be in both.
	if u.User != nil || u.Fragment != "" {
		return Errorf(EINVALID, "an endpoint's url has no user information and no fragment")
	}
	// A port no connection can be made to (0, 99999) would fail every delivery; one
	// with a leading zero (0443) is another spelling of a port, as ParseDecimal reads
	// integers.
	if p := u.Port(); p != "" {
		if _, ok := ParseDecimal(p, 1, 65535); !ok {
			return Errorf(EINVALID, "an endpoint's url names a port from 1 to 65535, without a leading zero, not %s", p)
		}
	}
	if len(w.Events) == 0 || len(w.Events) > MaxWebhookEvents {
		return Errorf(EINVALID, "an endpoint has 1 to %d event filters", MaxWebhookEvents)
	}
	for i, f := range w.Events {
		if err := validateEventFilter(f); err != nil {
			return err
		}
		if slices.Contains(w.Events[:i], f) {
			return Errorf(EINVALID, "event filter %q appears twice", f)
		}
	}
	return nil
}

// eventFilter is "*", "<kind>.*" or an exact event type.
var eventFilter = regexp.MustCompile(`^[a-z][a-z0-9_]*\.(\*|[a-z0-9_]+(\.[a-z0-9_]+)*)$`)

func validateEventFilter(f string) error {
	if f == "*" {
		return nil
	}
	if len(f) > 100 || !eventFilter.MatchString(f) {
		return Errorf(EINVALID, "event filter %q is not \"*\", \"<kind>.*\" or an event type such as \"invoice.approved\"", f)
	}
	if kind, _, _ := strings.Cut(f, "."); !WebhookKindDelivered(kind) {
		return Errorf(EINVALID, "events of %s records are not delivered to webhooks", kind)
	}
	return nil
}

// WebhookKindDelivered reports whether events of records of the kind may be delivered
// to webhooks: all but those of endpoints and deliveries, else every delivery would
// make another.
func WebhookKindDelivered(kind string) bool {
	return kind != KindWebhookEndpoint && kind != KindWebhookDelivery
}

// Wants reports whether an event type matches one of the endpoint's filters.
func (w *WebhookEndpoint) Wants(eventType string) bool {
	kind, _, ok := strings.Cut(eventType, ".")
	if !ok || !WebhookKindDelivered(kind) {
		return false
	}
	for _, f := range w.Events {
		if f == "*" || f == eventType || f == kind+".*" {
			return true
		}
	}
	return false
}

// KindWebhookDelivery is the record kind of the delivery log.
const KindWebhookDelivery = "webhook_delivery"

// The statuses of a delivery.
const (
	WebhookDelivered = "delivered" // the endpoint answered 2xx
	WebhookFailed    = "failed"    // the last attempt failed; another is due at NextAttemptAt
)

// WebhookDelivery is the delivery of one event to one endpoint: one record per pair,
// updated on every attempt (each attempt is also an event in the log).
type WebhookDelivery struct {
	ID            string     `json:"id"` // WebhookDeliveryID(EndpointID, Seq)
	EndpointID    string     `json:"endpoint_id"`
	OrgID         string     `json:"org_id"`
	Seq           int64      `json:"seq"`
	EventType     string     `json:"event_type"`
	Status        string     `json:"status"`   // WebhookDelivered or WebhookFailed
	Attempts      int        `json:"attempts"` // attempts so far, this one included
	HTTPStatus    int        `json:"http_status,omitempty"`
	Error         string     `json:"error,omitempty"`
	AttemptedAt   time.Time  `json:"attempted_at"`
	NextAttemptAt *time.Time `json:"next_attempt_at,omitempty"`
	DeliveredAt   *time.Time `json:"delivered_at,omitempty"`
}

// Parties implements Partied.
func (d *WebhookDelivery) Parties() []string { return parties(d.OrgID) }

// WebhookDeliveryID names the delivery of event seq to an endpoint. The seq is padded
// so that an endpoint's deliveries list in log order.
func WebhookDeliveryID(endpointID string, seq int64) string {
	return fmt.Sprintf("%s/%019d", endpointID, seq)
}
