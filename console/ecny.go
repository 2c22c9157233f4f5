package console

import (
	"context"
	"encoding/json"
	"net/http"

	"linkfin"
	"linkfin/services"
)

func init() { pageNames = append(pageNames, "ecny") }

// ecnyView is an organization's e-CNY wallets, each as services.ReadECNYWallet reads it.
type ecnyView struct {
	Wallets []linkfin.ECNYWalletOut
	Admin   bool
	// Designated is the wallet the organization pays from and is paid into on the
	// e-CNY rail ("" for none, and for the operator).
	Designated string
}

// ecnyWallets shows the organization's e-CNY wallets (every one, for the operator):
// what each holds and has paid today and this year against its limits, with forms to
// top it up, redeem it and pay from it, and one to open a wallet.
func (c *Console) ecnyWallets(w http.ResponseWriter, r *http.Request, p *Person) {
	today := linkfin.DateOf(c.now().In(linkfin.ChinaTime))
	v := ecnyView{Admin: p.admin() && !p.Viewer.Operator}
	if !p.Viewer.Operator {
		o, err := services.Read(r.Context(), c.Store, p.Viewer, linkfin.KindOrganization, p.Viewer.Org)
		var org linkfin.Organization
		if err == nil {
			err = json.Unmarshal(o.Data, &org)
		}
		if err != nil {
			c.fail(w, r, p, err)
			return
		}
		v.Designated = org.ECNYWalletID
	}
	err := c.scan(r.Context(), p, linkfin.KindECNYWallet, services.Filter{}, func(raw json.RawMessage) error {
		var id struct{ ID string }
		if err := json.Unmarshal(raw, &id); err != nil {
			return err
		}
		out, err := services.ReadECNYWallet(r.Context(), c.Store, c.Engine, p.Viewer, id.ID, today)
		if err != nil {
			return err
		}
		v.Wallets = append(v.Wallets, *out)
		return nil
	})
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.render(w, r, http.StatusOK, "ecny", "ecny.title", p, v, "")
}

// scanLimit bounds the records a page reads of each kind.
const scanLimit = 5000

// scan reads the records of a kind the person sees, filtered, up to scanLimit.
func (c *Console) scan(ctx context.Context, p *Person, kind string, f services.Filter, each func(json.RawMessage) error) error {
	for after, n := "", 0; n < scanLimit; {
		page, err := services.List(ctx, c.Store, p.Viewer, kind, f, after, 500)
		if err != nil {
			return err
		}
		for _, raw := range page.Data {
			if err := each(raw); err != nil {
				return err
			}
		}
		n += len(page.Data)
		if page.NextCursor == "" {
			return nil
		}
		after = page.NextCursor
	}
	return nil
}

// openECNYWallet opens a personal wallet, of class IV, for the admin's organization.
func (c *Console) openECNYWallet(w http.ResponseWriter, r *http.Request, p *Person) {
	if !p.admin() || p.Viewer.Operator {
		c.fail(w, r, p, linkfin.Errorf(linkfin.EFORBIDDEN, "an organization's admin opens its wallets"))
		return
	}
	if _, err := c.act(r.Context(), p, r.PostForm, &services.OpenECNYWallet{Actor: p.Viewer.Org, OrgID: p.Viewer.Org}); err != nil {
		c.fail(w, r, p, err)
		return
	}
	done(w, r, "/ecny")
}

// moveECNY tops a wallet up from the organization's platform wallet, or redeems it
// back.
func (c *Console) moveECNY(op string) func(http.ResponseWriter, *http.Request, *Person) {
	return func(w http.ResponseWriter, r *http.Request, p *Person) {
		a, err := amount(r.PostFormValue("amount"), "CNY")
		if err == nil {
			_, err = c.act(r.Context(), p, r.PostForm, &services.MoveECNY{Actor: p.Viewer.Org, ID: r.PathValue("id"), Op: op, Amount: a})
		}
		if err != nil {
			c.fail(w, r, p, err)
			return
		}
		done(w, r, "/ecny")
	}
}

// payECNY pays from one of the organization's wallets to the wallet named.
func (c *Console) payECNY(w http.ResponseWriter, r *http.Request, p *Person) {
	a, err := amount(r.PostFormValue("amount"), "CNY")
	if err == nil {
		_, err = c.act(r.Context(), p, r.PostForm, &services.PayECNY{Actor: p.Viewer.Org, From: r.PathValue("id"),
			To: r.PostFormValue("to"), Amount: a})
	}
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	done(w, r, "/ecny")
}

// designateECNY designates one of the organization's wallets as the one it pays from
// and is paid into on the e-CNY rail.
func (c *Console) designateECNY(w http.ResponseWriter, r *http.Request, p *Person) {
	if _, err := c.act(r.Context(), p, r.PostForm, &services.DesignateECNYWallet{Actor: p.Viewer.Org, OrgID: p.Viewer.Org,
		WalletID: r.PathValue("id")}); err != nil {
		c.fail(w, r, p, err)
		return
	}
	done(w, r, "/ecny")
}
