package client

import (
	"context"
	"net/http"

	"linkfin"
)

// The wire types of users' routes.
type (
	UserIn    = linkfin.UserIn
	UserPatch = linkfin.UserPatch
)

// CreateUser makes a user of the caller's organization (its admin), or of the
// organization in.OrgID (the operator).
func (c *Client) CreateUser(ctx context.Context, in UserIn) (*linkfin.User, error) {
	var out linkfin.User
	return &out, c.post(ctx, "/v1/users", in, &out)
}

// GetUser reads a user.
func (c *Client) GetUser(ctx context.Context, id string) (*linkfin.User, error) {
	var out linkfin.User
	return &out, c.get(ctx, "/v1/users/"+esc(id), &out)
}

// ListUsers lists users: the organization's own, or every one for the operator.
func (c *Client) ListUsers(ctx context.Context, opt *ListOptions) (*List[linkfin.User], error) {
	return list[linkfin.User](ctx, c, "/v1/users", opt)
}

// UpdateUser changes a user's display name, role, language or status, or removes its
// second factor (its organization's admin, or the operator).
func (c *Client) UpdateUser(ctx context.Context, id string, in UserPatch) (*linkfin.User, error) {
	var out linkfin.User
	return &out, c.Do(ctx, http.MethodPatch, "/v1/users/"+esc(id), in, &out)
}

// DisableUser disables a user: its sessions end, and it signs in no more until it is
// enabled again.
func (c *Client) DisableUser(ctx context.Context, id string) (*linkfin.User, error) {
	s := linkfin.UserDisabled
	return c.UpdateUser(ctx, id, UserPatch{Status: &s})
}

// SetPassword sets a user's password (its organization's admin, or the operator).
// Every session the user had ends.
func (c *Client) SetPassword(ctx context.Context, id, password string) (*linkfin.User, error) {
	var out linkfin.User
	return &out, c.post(ctx, "/v1/users/"+esc(id)+"/password", linkfin.PasswordIn{Password: password}, &out)
}
