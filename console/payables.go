package console

import (
	"net/http"

	"linkfin"
	"linkfin/services"
)

// payableList is a page of payables, and whether the person issues certificates from
// them (an anchor's finance or admin user, on its open payables).
type payableList struct {
	*listView[linkfin.Payable]
	Issues bool
}

// payables lists the payables the organization is party to: an anchor's open ones can
// be certified, several of one seller and program into one certificate.
func (c *Console) payables(w http.ResponseWriter, r *http.Request, p *Person) {
	v, ok := listOf[linkfin.Payable](c, w, r, p, linkfin.KindPayable, "payables",
		linkfin.PayableOpen, linkfin.PayableCertified, linkfin.PayableFactored, linkfin.PayablePaid, linkfin.PayableUnpaid)
	if !ok {
		return
	}
	out := payableList{listView: v}
	for _, pay := range v.Rows {
		if p.CanAct() && pay.BuyerID == p.Viewer.Org && pay.Status == linkfin.PayableOpen && pay.ProgramID != "" {
			out.Issues = true
		}
	}
	c.render(w, r, http.StatusOK, "payables", "payables.title", p, out, "")
}

// issueCertificate turns the payables ticked (one seller's, of one program) into a
// certificate held by the seller, and shows it.
func (c *Console) issueCertificate(w http.ResponseWriter, r *http.Request, p *Person) {
	ids := r.PostForm["payable"]
	if len(ids) == 0 {
		c.fail(w, r, p, linkfin.Errorf(linkfin.EINVALID, "tick the payables to certify"))
		return
	}
	var first linkfin.Payable
	if err := services.ReadAs(r.Context(), c.Store, p.Viewer, linkfin.KindPayable, ids[0], &first); err != nil {
		c.fail(w, r, p, err)
		return
	}
	cert, err := actInto[linkfin.Certificate](c, r.Context(), p, r.PostForm, &services.IssueCertificate{Actor: p.Viewer.Org, ProgramID: first.ProgramID, PayableIDs: ids})
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	done(w, r, "/pieces/"+cert.ID)
}
