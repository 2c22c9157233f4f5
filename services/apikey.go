package services

import (
	"slices"

	"linkfin"
)

// CreateAPIKey records a new API key for an organization, or an operator key (OrgID
// ""). Whoever makes the key makes its secret, and passes only its hash: the engine,
// the store and the log never see a secret. The actor is the organization acting (""
// for the operator); an organization makes keys for itself alone.
type CreateAPIKey struct {
	Actor string
	Key   linkfin.APIKey // ID, OrgID, Role, Name, Hash
}

// EAPIKEYLIMIT refuses a key past linkfin.MaxAPIKeys live keys of an organization.
const EAPIKEYLIMIT = "api_key_limit"

// Keys implements linkfin.Command.
func (c *CreateAPIKey) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindAPIKey, ID: c.Key.ID}, {Kind: linkfin.KindOrganization, ID: c.Key.OrgID},
		{Kind: linkfin.KindAPIKeyQuota, ID: c.Key.OrgID}}
}

// Apply implements linkfin.Command.
func (c *CreateAPIKey) Apply(tx linkfin.Tx) (any, error) {
	k := c.Key
	if err := linkfin.ValidateID("key id", k.ID); err != nil {
		return nil, err
	}
	if len(k.Hash) != 64 {
		return nil, linkfin.Errorf(linkfin.EINVALID, "a key's hash is 64 hex digits")
	}
	if n := len([]rune(k.Name)); n > 200 {
		return nil, linkfin.Errorf(linkfin.EINVALID, "a key's name has at most 200 characters")
	}
	switch {
	case c.Actor != "" && c.Actor != k.OrgID:
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "no organization %s", k.OrgID)
	case k.OrgID == "" && k.Role != linkfin.RoleOperator, k.OrgID != "" && !slices.Contains(linkfin.Roles, k.Role):
		return nil, linkfin.Errorf(linkfin.EINVALID, "a key's role is one of %v", linkfin.Roles)
	}
	if k.OrgID != "" {
		if _, err := organization(tx, k.OrgID); err != nil {
			return nil, err
		}
	}
	if err := absent(tx, linkfin.KindAPIKey, k.ID, "key"); err != nil {
		return nil, err
	}
	k.CreatedBy, k.CreatedAt, k.RevokedAt = c.Actor, tx.Now(), nil
	if k.CreatedBy == "" {
		k.CreatedBy = string(linkfin.RoleOperator)
	}
	if k.OrgID != "" {
		if err := countKey(tx, k.OrgID, +1); err != nil {
			return nil, err
		}
	}
	return &k, tx.Put(linkfin.KindAPIKey, k.ID, &k, "api_key.created")
}

// countKey adds delta to the organization's live keys, refusing one past
// linkfin.MaxAPIKeys.
func countKey(tx linkfin.Tx, org string, delta int) error {
	q := linkfin.APIKeyQuota{ID: org, OrgID: org}
	if _, err := tx.Get(linkfin.KindAPIKeyQuota, org, &q); err != nil {
		return err
	}
	if delta > 0 && q.Live >= linkfin.MaxAPIKeys {
		return linkfin.Errorf(EAPIKEYLIMIT, "organization %s holds %d live API keys, the most it may: revoke one it no longer uses first",
			org, q.Live)
	}
	q.Live = max(q.Live+delta, 0) // keys made before the count began are not in it
	return tx.Put(linkfin.KindAPIKeyQuota, org, &q, "api_key_quota.counted")
}

// RevokeAPIKey ends a key: from the batch that revokes it on, it opens nothing.
// Revoking a revoked key answers it as it is.
type RevokeAPIKey struct {
	Actor string // the organization acting, "" for the operator
	ID    string
}

// Keys implements linkfin.Command.
func (c *RevokeAPIKey) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindAPIKey, ID: c.ID}}
}

// DependentKeys implements linkfin.DependentCommand: the key's organization's count.
func (c *RevokeAPIKey) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var k linkfin.APIKey
	if found, err := r.Get(linkfin.KindAPIKey, c.ID, &k); err != nil || !found || k.OrgID == "" {
		return nil
	}
	return []linkfin.ObjectKey{{Kind: linkfin.KindAPIKeyQuota, ID: k.OrgID}}
}

// Apply implements linkfin.Command.
func (c *RevokeAPIKey) Apply(tx linkfin.Tx) (any, error) {
	var k linkfin.APIKey
	found, err := tx.Get(linkfin.KindAPIKey, c.ID, &k)
	if err != nil {
		return nil, err
	}
	if !found || c.Actor != "" && c.Actor != k.OrgID {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "no key %s", c.ID)
	}
	if k.RevokedAt != nil {
		return &k, nil
	}
	now := tx.Now()
	k.RevokedAt = &now
	if k.OrgID != "" {
		if err := countKey(tx, k.OrgID, -1); err != nil {
			return nil, err
		}
	}
	return &k, tx.Put(linkfin.KindAPIKey, k.ID, &k, "api_key.revoked")
}

// KindPlatform is the record kind of the platform's own settings.
const KindPlatform = "platform"

func init() { linkfin.RegisterKind(KindPlatform, func() any { return new(Platform) }) }

// Platform is the platform's record: which operator key its first start made.
type Platform struct {
	ID            string `json:"id"` // "platform"
	FirstOperator string `json:"first_operator"`
}

// BootstrapOperator makes the first operator key of a new platform, once: on any later
// start it answers Created false and changes nothing.
type BootstrapOperator struct {
	Key linkfin.APIKey // ID and Hash
}

// BootstrapResult is what BootstrapOperator answers.
type BootstrapResult struct {
	Created bool `json:"created"`
}

// Keys implements linkfin.Command.
func (c *BootstrapOperator) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: KindPlatform, ID: KindPlatform}, {Kind: linkfin.KindAPIKey, ID: c.Key.ID}}
}

// Apply implements linkfin.Command.
func (c *BootstrapOperator) Apply(tx linkfin.Tx) (any, error) {
	var p Platform
	if found, err := tx.Get(KindPlatform, KindPlatform, &p); err != nil || found {
		return &BootstrapResult{}, err
	}
	k := c.Key
	k.OrgID, k.Role, k.Name = "", linkfin.RoleOperator, "first operator key"
	if _, err := (&CreateAPIKey{Key: k}).Apply(tx); err != nil {
		return nil, err
	}
	p = Platform{ID: KindPlatform, FirstOperator: k.ID}
	return &BootstrapResult{Created: true}, tx.Put(KindPlatform, KindPlatform, &p, "platform.bootstrapped")
}
