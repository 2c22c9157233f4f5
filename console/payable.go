package console

import (
	"net/http"

	"linkfin"
	"linkfin/services"
)

func init() { pageNames = append(pageNames, "payable") }

// payableView is a payable and its history.
type payableView struct {
	P       linkfin.Payable
	History history
}

// payable shows a payable: its parties, amount, maturity and state, the invoice it
// comes from and the certificate or financing it backs, and its history.
func (c *Console) payable(w http.ResponseWriter, r *http.Request, p *Person) {
	var v payableView
	if err := services.ReadAs(r.Context(), c.Store, p.Viewer, linkfin.KindPayable, r.PathValue("id"), &v.P); err != nil {
		c.fail(w, r, p, err)
		return
	}
	var err error
	if v.History, err = c.history(r.Context(), r, p, linkfin.KindPayable, v.P.ID); err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.render(w, r, http.StatusOK, "payable", "payable.title", p, v, "")
}
