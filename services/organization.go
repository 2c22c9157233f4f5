// Package services holds linkfin's domain operations: the commands that the engine
// runs in its batches (validation, authorization of the acting party, the products'
// rules) and the reads that go with them.
package services

import (
	"context"
	"encoding/json"
	"slices"

	"linkfin"
	"linkfin/engine"
)

// CreateOrganization registers a company. A retry with the same fields answers the
// organization as it is (Existed); the same id with other fields is a conflict.
type CreateOrganization struct {
	Org linkfin.Organization
}

// OrganizationResult is what CreateOrganization answers.
type OrganizationResult struct {
	Organization linkfin.Organization `json:"organization"`
	Existed      bool                 `json:"existed"`
}

// Keys implements engine.Command.
func (c *CreateOrganization) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindOrganization, ID: c.Org.ID}}
}

// Apply implements engine.Command.
func (c *CreateOrganization) Apply(tx *engine.Tx) (any, error) {
	o := c.Org
	o.Capabilities = slices.Clone(o.Capabilities) // Validate sorts them
	if err := o.Validate(); err != nil {
		return nil, err
	}
	var old linkfin.Organization
	found, err := tx.Get(linkfin.KindOrganization, o.ID, &old)
	if err != nil {
		return nil, err
	}
	if found {
		if old.Name != o.Name || !slices.Equal(old.Capabilities, o.Capabilities) {
			return nil, linkfin.Errorf(linkfin.ECONFLICT, "organization %s exists with other fields", o.ID)
		}
		return &OrganizationResult{old, true}, nil
	}
	o.CreatedAt = tx.Now()
	if err := tx.Put(linkfin.KindOrganization, o.ID, &o, "organization.created"); err != nil {
		return nil, err
	}
	return &OrganizationResult{o, false}, nil
}

// Submit runs one command through the engine and decodes its value into v.
func Submit(ctx context.Context, e *engine.Engine, key string, hash []byte, c engine.Command, v any) (replayed bool, err error) {
	resp, err := e.Submit(ctx, &engine.Request{IdempotencyKey: key, Hash: hash, Commands: []engine.Command{c}})
	if err != nil {
		return false, err
	}
	out := resp.Outcomes[0]
	if err := out.Err(); err != nil {
		return resp.Replayed, err
	}
	return resp.Replayed, json.Unmarshal(out.Value, v)
}
