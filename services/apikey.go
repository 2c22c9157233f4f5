package services

import (
	"slices"
	"strings"

	"linkfin"
)

// CreateAPIKey records a new API key for an organization, or an operator key (OrgID
// ""). Whoever makes the key makes its secret, and passes only its hash: the engine,
// the store and the log never see a secret. The actor is the organization acting (""
// for the operator); an organization makes keys for itself alone.
//
// By names the key or user that asks ("key:<id>", "user:<id>"; "" for the platform
// itself). A key a user asks for is the user's: it acts with the user's standing, and
// so does a key that one of the user's keys asks for (APIKey.Owner). The owner must be
// active, and its role must include the key's, when the key is made.
type CreateAPIKey struct {
	Actor string
	By    string
	Key   linkfin.APIKey // ID, OrgID, Role, Name, Hash
}

// EAPIKEYLIMIT refuses a key past linkfin.MaxAPIKeys live keys of an organization, or
// of a user.
const EAPIKEYLIMIT = "api_key_limit"

// Keys implements linkfin.Command.
func (c *CreateAPIKey) Keys() []linkfin.ObjectKey {
	keys := []linkfin.ObjectKey{{Kind: linkfin.KindAPIKey, ID: c.Key.ID}, {Kind: linkfin.KindOrganization, ID: c.Key.OrgID},
		{Kind: linkfin.KindAPIKeyQuota, ID: c.Key.OrgID}}
	if user, ok := strings.CutPrefix(c.By, "user:"); ok {
		keys = append(keys, ownerKeys(user)...)
	} else if key, ok := strings.CutPrefix(c.By, "key:"); ok {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindAPIKey, ID: key})
	}
	return keys
}

// DependentKeys implements linkfin.DependentCommand: the owner of the key that asks.
func (c *CreateAPIKey) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	key, ok := strings.CutPrefix(c.By, "key:")
	if !ok {
		return nil
	}
	var k linkfin.APIKey
	if found, err := r.Get(linkfin.KindAPIKey, key, &k); err != nil || !found {
		return nil
	}
	return ownerKeys(k.Owner)
}

// ownerKeys lists a key owner's records: the user, and the keys it owns.
func ownerKeys(user string) []linkfin.ObjectKey {
	if user == "" {
		return nil
	}
	return []linkfin.ObjectKey{{Kind: linkfin.KindUser, ID: user}, {Kind: linkfin.KindUserKeys, ID: user}}
}

// Validate implements linkfin.Validator: the key's id, hash, name and role, which
// the request alone decides.
func (c *CreateAPIKey) Validate() error {
	k := c.Key
	if err := linkfin.ValidateID("key id", k.ID); err != nil {
		return err
	}
	if len(k.Hash) != 64 {
		return linkfin.Errorf(linkfin.EINVALID, "a key's hash is 64 hex digits")
	}
	if n := len([]rune(k.Name)); n > 200 {
		return linkfin.Errorf(linkfin.EINVALID, "a key's name has at most 200 characters")
	}
	if k.OrgID == "" && k.Role != linkfin.RoleOperator || k.OrgID != "" && !slices.Contains(linkfin.Roles, k.Role) {
		return linkfin.Errorf(linkfin.EINVALID, "a key's role is one of %v", linkfin.Roles)
	}
	return nil
}

// Apply implements linkfin.Command.
func (c *CreateAPIKey) Apply(tx linkfin.Tx) (any, error) {
	k := c.Key
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.Actor != "" && c.Actor != k.OrgID {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "no organization %s", k.OrgID)
	}
	if k.OrgID != "" {
		if _, err := organization(tx, k.OrgID); err != nil {
			return nil, err
		}
	}
	if err := absent(tx, linkfin.KindAPIKey, k.ID, "key"); err != nil {
		return nil, err
	}
	owner, err := c.owner(tx)
	if err != nil {
		return nil, err
	}
	k.CreatedBy, k.CreatedAt, k.RevokedAt, k.Owner = c.Actor, tx.Now(), nil, ""
	if k.CreatedBy == "" {
		k.CreatedBy = string(linkfin.RoleOperator)
	}
	if owner != nil {
		// Checked here, in the writer, and not only when the request was let in: a user
		// disabled, or its role lowered, between the two owns no new key.
		if owner.Status != linkfin.UserActive || owner.OrgID != c.Actor || !owner.Role.Includes(k.Role) {
			return nil, linkfin.Errorf(linkfin.EUNAUTHORIZED, "user %s, whose standing the key would act with, is disabled or may not make a %s key", owner.ID, k.Role)
		}
		k.Owner = owner.ID
		if err := ownKeys(tx, owner.ID, func(keys []string) ([]string, error) {
			if len(keys) >= linkfin.MaxAPIKeys {
				return nil, linkfin.Errorf(EAPIKEYLIMIT, "user %s owns %d live API keys, the most one may: revoke one it no longer uses first",
					owner.ID, len(keys))
			}
			return append(keys, k.ID), nil
		}); err != nil {
			return nil, err
		}
	}
	if k.OrgID != "" {
		if err := countKey(tx, k.OrgID, +1); err != nil {
			return nil, err
		}
	}
	return &k, tx.Put(linkfin.KindAPIKey, k.ID, &k, "api_key.created")
}

// owner reads the user the new key will act for: the user that asks, or the owner of
// the key that asks; nil for none. A key that asks and is revoked (since the request
// was let in) makes nothing.
func (c *CreateAPIKey) owner(tx linkfin.Tx) (*linkfin.User, error) {
	user, ok := strings.CutPrefix(c.By, "user:")
	if key, byKey := strings.CutPrefix(c.By, "key:"); byKey {
		var k linkfin.APIKey
		found, err := tx.Get(linkfin.KindAPIKey, key, &k)
		if err != nil {
			return nil, err
		}
		if !found || k.RevokedAt != nil {
			return nil, linkfin.Errorf(linkfin.EUNAUTHORIZED, "key %s, which asks, is unknown or revoked", key)
		}
		user, ok = k.Owner, k.Owner != ""
	}
	if !ok {
		return nil, nil
	}
	var u linkfin.User
	if found, err := tx.Get(linkfin.KindUser, user, &u); err != nil {
		return nil, err
	} else if !found {
		return nil, linkfin.Errorf(linkfin.EUNAUTHORIZED, "user %s, which asks, is unknown", user)
	}
	return &u, nil
}

// ownKeys changes the list of the live keys a user owns.
func ownKeys(tx linkfin.Tx, user string, change func([]string) ([]string, error)) error {
	l := linkfin.UserKeys{ID: user}
	if _, err := tx.Get(linkfin.KindUserKeys, user, &l); err != nil {
		return err
	}
	keys, err := change(l.Keys)
	if err != nil {
		return err
	}
	l.Keys = keys
	return tx.Put(linkfin.KindUserKeys, user, &l, "user_api_keys.listed")
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

// revoke revokes a live key: its organization's count and its owner's list drop it.
// The caller lists both records.
func revoke(tx linkfin.Tx, k *linkfin.APIKey) error {
	now := tx.Now()
	k.RevokedAt = &now
	if k.OrgID != "" {
		if err := countKey(tx, k.OrgID, -1); err != nil {
			return err
		}
	}
	if k.Owner != "" {
		err := ownKeys(tx, k.Owner, func(keys []string) ([]string, error) {
			return slices.DeleteFunc(keys, func(id string) bool { return id == k.ID }), nil
		})
		if err != nil {
			return err
		}
	}
	return tx.Put(linkfin.KindAPIKey, k.ID, k, "api_key.revoked")
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

// DependentKeys implements linkfin.DependentCommand: the key's organization's count,
// and its owner's list.
func (c *RevokeAPIKey) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var k linkfin.APIKey
	if found, err := r.Get(linkfin.KindAPIKey, c.ID, &k); err != nil || !found {
		return nil
	}
	return keyKeys(&k)
}

// keyKeys lists what revoking a key writes besides it: its organization's count and
// its owner's list.
func keyKeys(k *linkfin.APIKey) []linkfin.ObjectKey {
	var keys []linkfin.ObjectKey
	if k.OrgID != "" {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindAPIKeyQuota, ID: k.OrgID})
	}
	if k.Owner != "" {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindUserKeys, ID: k.Owner})
	}
	return keys
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
	return &k, revoke(tx, &k)
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
