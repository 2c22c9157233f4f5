package console

import (
	"encoding/json"
	"net/http"
	"reflect"

	"linkfin"
	"linkfin/services"
)

// payableList is a page of payables, and whether the person issues certificates from
// them (an anchor's finance or admin user, on its open payables).
type payableList struct {
	Status   string
	Statuses []linkfin.PayableStatus
	Rows     []linkfin.Payable
	Next     string
	Issues   bool
}

// payables lists the payables the organization is party to: an anchor's open ones can
// be certified, several of one seller and program into one certificate.
func (c *Console) payables(w http.ResponseWriter, r *http.Request, p *Person) {
	q := r.URL.Query()
	filter, err := services.ParseFilter(q)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	list := func(after string, limit int) (*linkfin.List[json.RawMessage], error) {
		return services.List(r.Context(), c.Store, p.Viewer, linkfin.KindPayable, filter, after, limit)
	}
	if q.Get("format") == "csv" {
		c.csv(w, r, p, "payables", reflect.TypeFor[linkfin.Payable](), list)
		return
	}
	page, err := list(q.Get("after"), pageSize)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	out := payableList{Status: q.Get("status"), Next: nextPage(r, page.NextCursor), Statuses: []linkfin.PayableStatus{
		linkfin.PayableOpen, linkfin.PayableCertified, linkfin.PayableFactored, linkfin.PayablePaid, linkfin.PayableUnpaid}}
	for _, raw := range page.Data {
		var pay linkfin.Payable
		if err := json.Unmarshal(raw, &pay); err != nil {
			c.fail(w, r, p, err)
			return
		}
		out.Rows = append(out.Rows, pay)
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
	out, err := c.act(r.Context(), p, r.PostForm, &services.IssueCertificate{Actor: p.Viewer.Org, ProgramID: first.ProgramID, PayableIDs: ids})
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	var cert linkfin.Certificate
	if err := json.Unmarshal(out, &cert); err != nil {
		c.fail(w, r, p, err)
		return
	}
	done(w, r, "/pieces/"+cert.ID)
}
