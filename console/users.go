package console

import (
	"encoding/json"
	"net/http"

	"linkfin"
	"linkfin/services"
)

// usersView is an organization's users, for its admin.
type usersView struct {
	Users  []linkfin.User
	Roles  []linkfin.Role
	Policy bool // the organization requires a second factor of finance and admin users
}

// admin reports whether the person manages its organization's users: an admin, or
// the operator.
func (p *Person) admin() bool {
	return p.Role == linkfin.RoleAdmin || p.Viewer.Operator
}

// users lists the organization's users for its admin, with the forms that make,
// change and disable them.
func (c *Console) users(w http.ResponseWriter, r *http.Request, p *Person) {
	c.renderUsers(w, r, p)
}

func (c *Console) renderUsers(w http.ResponseWriter, r *http.Request, p *Person) {
	if !p.admin() {
		c.fail(w, r, p, linkfin.Errorf(linkfin.EFORBIDDEN, "an organization's admin manages its users"))
		return
	}
	v := usersView{Roles: []linkfin.Role{linkfin.RoleAdmin, linkfin.RoleFinance, linkfin.RoleViewer}}
	for after := ""; ; {
		page, err := services.List(r.Context(), c.Store, p.Viewer, linkfin.KindUser, services.Filter{}, after, 1000)
		if err != nil {
			c.fail(w, r, p, err)
			return
		}
		for _, raw := range page.Data {
			var u linkfin.User
			if err := json.Unmarshal(raw, &u); err != nil {
				c.fail(w, r, p, err)
				return
			}
			if u.OrgID == p.Viewer.Org {
				v.Users = append(v.Users, u)
			}
		}
		if page.NextCursor == "" {
			break
		}
		after = page.NextCursor
	}
	c.render(w, r, http.StatusOK, "users", "users.title", p, v, "")
}

// userChange runs a change of a user, keeping the sessions the platform remembers
// true to it (services.Auth.Changing).
func (c *Console) userChange(w http.ResponseWriter, r *http.Request, p *Person, id string, cmd linkfin.Command, done string) {
	if !p.admin() {
		c.fail(w, r, p, linkfin.Errorf(linkfin.EFORBIDDEN, "an organization's admin manages its users"))
		return
	}
	err := c.Auth.Changing(id, func() error {
		_, err := c.act(r.Context(), p, r.PostForm, cmd)
		return err
	})
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.doneWith(w, r, p, done)
}

// createUser makes a user of the organization with a first password, which the admin
// hands over.
func (c *Console) createUser(w http.ResponseWriter, r *http.Request, p *Person) {
	if !p.admin() {
		c.fail(w, r, p, linkfin.Errorf(linkfin.EFORBIDDEN, "an organization's admin manages its users"))
		return
	}
	u := linkfin.User{OrgID: p.Viewer.Org, Name: linkfin.NormalizeUserName(r.PostFormValue("name")), DisplayName: r.PostFormValue("display_name"),
		Role: linkfin.Role(r.PostFormValue("role")), Language: r.PostFormValue("language")}
	// Checked before the password's slow hash: a bad form costs no hashing.
	err := u.Validate()
	if err == nil {
		err = linkfin.ValidatePassword(r.PostFormValue("password"))
	}
	var sealed string
	if err == nil {
		sealed, err = c.Auth.SealPassword(u.Name, r.PostFormValue("password"))
	}
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	if _, err := c.act(r.Context(), p, r.PostForm, &services.CreateUser{Actor: p.Viewer.Org, By: p.session.By(), User: u, Password: sealed}); err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.doneWith(w, r, p, langFor(r, p).T("users.created", u.Name))
}

// updateUser changes a user's role, or disables or enables it.
func (c *Console) updateUser(w http.ResponseWriter, r *http.Request, p *Person) {
	id := r.PathValue("id")
	var patch linkfin.UserPatch
	if role := linkfin.Role(r.PostFormValue("role")); role != "" {
		patch.Role = &role
	}
	if status := r.PostFormValue("status"); status != "" {
		patch.Status = &status
	}
	c.userChange(w, r, p, id, &services.UpdateUser{Actor: p.Viewer.Org, By: p.session.By(), ID: id, Patch: patch}, langFor(r, p).T("users.changed"))
}

// resetPassword gives a user a new password, which ends its sessions.
func (c *Console) resetPassword(w http.ResponseWriter, r *http.Request, p *Person) {
	id := r.PathValue("id")
	var u linkfin.User
	if err := services.ReadAs(r.Context(), c.Store, p.Viewer, linkfin.KindUser, id, &u); err != nil {
		c.fail(w, r, p, err)
		return
	}
	if err := linkfin.ValidatePassword(r.PostFormValue("password")); err != nil {
		c.fail(w, r, p, err)
		return
	}
	sealed, err := c.Auth.SealPassword(u.Name, r.PostFormValue("password"))
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.userChange(w, r, p, id, &services.SetPassword{Actor: p.Viewer.Org, By: p.session.By(), ID: id, Password: sealed}, langFor(r, p).T("users.changed"))
}
