package console

import (
	"net/http"
	"strings"

	"linkfin"
	"linkfin/services"
)

func init() { pageNames = append(pageNames, "organization") }

// orgView is an organization's own record, for its admin: where its withdrawals over
// the bank rail are paid, and its postal address, with the forms that change them.
type orgView struct {
	Org *linkfin.Organization // nil for the operator, who has none of its own
}

// organization shows the person's organization to its admin.
func (c *Console) organization(w http.ResponseWriter, r *http.Request, p *Person) {
	c.renderOrganization(w, r, p)
}

func (c *Console) renderOrganization(w http.ResponseWriter, r *http.Request, p *Person) {
	if !p.admin() {
		c.fail(w, r, p, linkfin.Errorf(linkfin.EFORBIDDEN, "an organization's admin registers its bank account and address"))
		return
	}
	v := orgView{}
	if !p.Viewer.Operator {
		var o linkfin.Organization
		if err := services.ReadAs(r.Context(), c.Store, p.Viewer, linkfin.KindOrganization, p.Viewer.Org, &o); err != nil {
			c.fail(w, r, p, err)
			return
		}
		v.Org = &o
	}
	c.render(w, r, http.StatusOK, "organization", "org.title", p, v, "")
}

// ownOrganization refuses a change of an organization's own record by anyone but its
// admin: the operator changes an organization's through the API.
func ownOrganization(p *Person) error {
	if !p.admin() || p.Viewer.Operator {
		return linkfin.Errorf(linkfin.EFORBIDDEN, "an organization's admin registers its bank account and address")
	}
	return nil
}

// setBankAccount registers the organization's bank account from the form.
func (c *Console) setBankAccount(w http.ResponseWriter, r *http.Request, p *Person) {
	c.changeOwn(w, r, p, &services.SetBankAccount{Actor: p.Viewer.Org, OrgID: p.Viewer.Org, Account: bankAccountOf(r)}, "org.account_saved")
}

// bankAccountOf reads a bank account from a form: an IBAN may be typed in groups of
// four, and a BIC in small letters.
func bankAccountOf(r *http.Request) linkfin.BankAccount {
	f := formField(r)
	return linkfin.BankAccount{IBAN: strings.ToUpper(strings.ReplaceAll(f("iban"), " ", "")), Account: f("account"),
		BIC: strings.ToUpper(f("bic")), BankCode: f("bank_code")}
}

// setAddress registers the organization's postal address from the form.
func (c *Console) setAddress(w http.ResponseWriter, r *http.Request, p *Person) {
	f := formField(r)
	a := linkfin.PostalAddress{Street: f("street"), BuildingNumber: f("building_number"), PostCode: f("post_code"), Town: f("town"),
		Subdivision: f("subdivision"), Country: strings.ToUpper(f("country"))}
	c.changeOwn(w, r, p, &services.SetAddress{Actor: p.Viewer.Org, OrgID: p.Viewer.Org, Address: a}, "org.address_saved")
}

// formField reads a form's field without the spaces around it.
func formField(r *http.Request) func(string) string {
	return func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
}

// changeOwn runs a change of the person's organization's own record (the engine
// checks it as it checks the API's) and shows the page again with done said.
func (c *Console) changeOwn(w http.ResponseWriter, r *http.Request, p *Person, cmd linkfin.Command, done string) {
	err := ownOrganization(p)
	if err == nil {
		_, err = c.act(r.Context(), p, r.PostForm, cmd)
	}
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.doneWith(w, r, p, langFor(r, p).T(done))
}
