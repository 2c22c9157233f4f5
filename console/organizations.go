package console

import (
	"net/http"
	"net/url"

	"linkfin"
	"linkfin/services"
)

func init() { pageNames = append(pageNames, "organizations") }

// orgsView is the platform's organizations, for its operator.
type orgsView struct {
	Orgs         []linkfin.Organization
	Capabilities []linkfin.Capability
	Next         string // the next page's address, "" at the end
	// Waiting: the page lists the organizations whose bank account waits for the
	// operator's confirmation, the longest waiting first.
	Waiting bool
}

// waitingBankAccount is the query value of the organizations page that lists those
// whose bank account waits for the operator.
const waitingBankAccount = "bank_account"

// organizations lists the organizations the person sees; the operator onboards new
// ones and sets what each may do (granting anchor).
func (c *Console) organizations(w http.ResponseWriter, r *http.Request, p *Person) {
	c.renderOrgs(w, r, p)
}

func (c *Console) renderOrgs(w http.ResponseWriter, r *http.Request, p *Person) {
	v := orgsView{Capabilities: linkfin.Capabilities()}
	if r.URL.Query().Get("waiting") == waitingBankAccount {
		c.renderWaiting(w, r, p, v)
		return
	}
	// A page at a time: a platform may have a hundred thousand organizations.
	page, err := services.List(r.Context(), c.Store, p.Viewer, linkfin.KindOrganization, services.Filter{}, r.URL.Query().Get("after"), pageSize)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	if v.Orgs, err = decodeRows[linkfin.Organization](page.Data); err != nil {
		c.fail(w, r, p, err)
		return
	}
	v.Next = nextPage(r, page.NextCursor)
	c.render(w, r, http.StatusOK, "organizations", "orgs.title", p, v, "")
}

// renderWaiting lists the organizations whose bank account waits for the operator's
// confirmation, the longest waiting first, a page at a time, from the ordered index
// (services.DecideBankAccount decides on each from its row): the operator finds them
// among a hundred thousand organizations without reading every one.
func (c *Console) renderWaiting(w http.ResponseWriter, r *http.Request, p *Person, v orgsView) {
	v.Waiting = true
	page, err := services.BankAccountsWaiting(r.Context(), c.Store, p.Viewer, r.URL.Query().Get("after"), pageSize)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	if v.Orgs, err = decodeRows[linkfin.Organization](page.Data); err != nil {
		c.fail(w, r, p, err)
		return
	}
	v.Next = pageAt("/organizations", url.Values{"waiting": {waitingBankAccount}}, "after", page.NextCursor)
	c.render(w, r, http.StatusOK, "organizations", "orgs.title", p, v, "")
}

// operatorOnly refuses what the platform's operator alone does.
func operatorOnly(p *Person) error {
	if !p.Viewer.Operator {
		return linkfin.Errorf(linkfin.EFORBIDDEN, "the platform's operator onboards organizations and sets what they may do")
	}
	return nil
}

// capabilitiesOf reads the capabilities ticked on a form.
func capabilitiesOf(r *http.Request) []linkfin.Capability {
	var out []linkfin.Capability
	for _, c := range r.PostForm["capability"] {
		out = append(out, linkfin.Capability(c))
	}
	return out
}

// createOrganization onboards an organization (the operator).
func (c *Console) createOrganization(w http.ResponseWriter, r *http.Request, p *Person) {
	if err := operatorOnly(p); err != nil {
		c.fail(w, r, p, err)
		return
	}
	o := linkfin.Organization{ID: r.PostFormValue("id"), Name: r.PostFormValue("name"), Capabilities: capabilitiesOf(r)}
	if _, err := c.act(r.Context(), p, r.PostForm, &services.CreateOrganization{Org: o}); err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.doneWith(w, r, p, langFor(r, p).T("orgs.created", o.ID))
}

// setCapabilities sets what an organization may do (the operator).
func (c *Console) setCapabilities(w http.ResponseWriter, r *http.Request, p *Person) {
	if err := operatorOnly(p); err != nil {
		c.fail(w, r, p, err)
		return
	}
	id := r.PathValue("id")
	if _, err := c.act(r.Context(), p, r.PostForm, &services.SetCapabilities{OrgID: id, Capabilities: capabilitiesOf(r)}); err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.doneWith(w, r, p, langFor(r, p).T("orgs.changed", id))
}

// decideBankAccount confirms or rejects the bank account an organization's admin
// registered (the operator), as the form names it: the account the operator was shown.
func (c *Console) decideBankAccount(confirm bool) func(http.ResponseWriter, *http.Request, *Person) {
	done := "orgs.account_rejected"
	if confirm {
		done = "orgs.account_confirmed"
	}
	return func(w http.ResponseWriter, r *http.Request, p *Person) {
		if err := operatorOnly(p); err != nil {
			c.fail(w, r, p, err)
			return
		}
		id := r.PathValue("id")
		cmd := &services.DecideBankAccount{OrgID: id, Account: bankAccountOf(r), Confirm: confirm}
		if _, err := c.act(r.Context(), p, r.PostForm, cmd); err != nil {
			c.fail(w, r, p, err)
			return
		}
		c.doneWith(w, r, p, langFor(r, p).T(done, id))
	}
}
