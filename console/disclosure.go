package console

import (
	"net/http"
	"net/url"

	"linkfin"
	"linkfin/services"
	"linkfin/tabular"
)

// disclosure shows an anchor its program's supplier finance disclosure for a period
// (services.Disclose: by default the year to date), and downloads it, with
// format=csv, as the table the API answers.
func (c *Console) disclosure(w http.ResponseWriter, r *http.Request, p *Person) {
	q := r.URL.Query()
	d, err := services.Disclose(r.Context(), c.Store, p.Viewer, r.PathValue("id"), q.Get("from"), q.Get("to"),
		linkfin.BusinessDate(c.now()))
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	if q.Get("format") == "csv" {
		download(w, "disclosure-"+d.ProgramID+".csv")
		if err := tabular.WriteItems(w, d.Rows()); err != nil {
			c.Logger.Error("console: csv", "err", err)
		}
		return
	}
	csv := url.Values{"from": {d.From.String()}, "to": {d.To.String()}, "format": {"csv"}}
	c.render(w, r, http.StatusOK, "disclosure", "disclosure.title", p, disclosureView{D: d, CSV: r.URL.Path + "?" + csv.Encode()}, "")
}

func init() { pageNames = append(pageNames, "disclosure") }

type disclosureView struct {
	D   *linkfin.Disclosure
	CSV string
}
