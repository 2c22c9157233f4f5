package console

import (
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/url"
	"reflect"

	"linkfin"
	"linkfin/services"
	"linkfin/tabular"
)

// nextPage is the URL of a list's next page: the same path and filters, after the
// cursor; "" at the end.
func nextPage(r *http.Request, cursor string) string { return nextPageAs(r, "after", cursor) }

// nextPageAs is the address of the page after the cursor, given as the query
// parameter key ("" at the end), keeping the other parameters.
func nextPageAs(r *http.Request, key, cursor string) string {
	return pageAt(r.URL.Path, r.URL.Query(), key, cursor)
}

// pageAt is the address of the page at path with the query q and the cursor given as
// the query parameter key (the other parameters kept, q itself unchanged); "" for no
// cursor, at a list's end.
func pageAt(path string, q url.Values, key, cursor string) string {
	if cursor == "" {
		return ""
	}
	q = maps.Clone(q)
	q.Set(key, cursor)
	return path + "?" + q.Encode()
}

// pageSize is how many rows a list page shows.
const pageSize = 50

// invoices lists the invoices the organization is party to, filtered by status (an
// anchor's queue is status=matched), a page at a time; as CSV with format=csv.
func (c *Console) invoices(w http.ResponseWriter, r *http.Request, p *Person) {
	if v, ok := listOf[linkfin.Invoice](c, w, r, p, linkfin.KindInvoice, "invoices",
		linkfin.InvoiceMatched, linkfin.InvoiceMismatched, linkfin.InvoiceApproved, linkfin.InvoiceDisputed); ok {
		c.render(w, r, http.StatusOK, "invoices", "invoices.title", p, v, "")
	}
}

// invoiceView is an invoice with what the person may do to it.
type invoiceView struct {
	Invoice  linkfin.Invoice
	Decides  bool // the buyer, who approves or disputes a matched invoice
	Clears   bool // the buyer, who clears the hold of an invoice held as a possible duplicate
	Lines    []matchLine
	Reasons  []string
	Received bool
	History  history
}

// matchLine is one line of the three-way match, as the page shows it.
type matchLine struct {
	linkfin.LineMatch
	Item   string
	Amount int64
}

func (c *Console) invoice(w http.ResponseWriter, r *http.Request, p *Person) {
	var inv linkfin.Invoice
	if err := services.ReadAs(r.Context(), c.Store, p.Viewer, linkfin.KindInvoice, r.PathValue("id"), &inv); err != nil {
		c.fail(w, r, p, err)
		return
	}
	v := invoiceView{Invoice: inv, Decides: p.CanAct() && p.Viewer.Org == inv.BuyerID && inv.Status == linkfin.InvoiceMatched}
	v.Clears = v.Decides && inv.Held()
	if inv.Match != nil {
		v.Reasons = inv.Match.Reasons
		amounts := map[string]int64{}
		for _, l := range inv.Lines {
			amounts[l.LineID] = l.Amount
		}
		for _, m := range inv.Match.Lines {
			v.Lines = append(v.Lines, matchLine{LineMatch: m, Amount: amounts[m.LineID]})
		}
	}
	var err error
	if v.History, err = c.history(r.Context(), r, p, linkfin.KindInvoice, inv.ID); err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.render(w, r, http.StatusOK, "invoice", "invoice.title", p, v, "")
}

func (c *Console) approveInvoice(w http.ResponseWriter, r *http.Request, p *Person) {
	id := r.PathValue("id")
	if _, err := c.act(r.Context(), p, r.PostForm, &services.ApproveInvoice{Actor: p.Viewer.Org, ID: id}); err != nil {
		c.fail(w, r, p, err)
		return
	}
	done(w, r, "/invoices/"+id)
}

func (c *Console) clearInvoiceHold(w http.ResponseWriter, r *http.Request, p *Person) {
	id := r.PathValue("id")
	cmd := &services.ClearInvoiceHold{Actor: p.Viewer.Org, ID: id, Reason: r.PostFormValue("reason")}
	if _, err := c.act(r.Context(), p, r.PostForm, cmd); err != nil {
		c.fail(w, r, p, err)
		return
	}
	done(w, r, "/invoices/"+id)
}

func (c *Console) disputeInvoice(w http.ResponseWriter, r *http.Request, p *Person) {
	id := r.PathValue("id")
	cmd := &services.DisputeInvoice{Actor: p.Viewer.Org, ID: id, Reason: r.PostFormValue("reason")}
	if _, err := c.act(r.Context(), p, r.PostForm, cmd); err != nil {
		c.fail(w, r, p, err)
		return
	}
	done(w, r, "/invoices/"+id)
}

// csvRows bounds a download: a list longer than this is cut, and says so in its last
// line.
const csvRows = 100_000

// csv downloads a whole list as a table, as the API's text/csv gives it page by page.
func (c *Console) csv(w http.ResponseWriter, r *http.Request, p *Person, name string, t reflect.Type, list func(after string, limit int) (*linkfin.List[json.RawMessage], error)) {
	var rows []json.RawMessage
	for after := ""; len(rows) < csvRows; {
		page, err := list(after, 1000)
		if err != nil {
			c.fail(w, r, p, err)
			return
		}
		rows = append(rows, page.Data...)
		if page.NextCursor == "" {
			break
		}
		after = page.NextCursor
	}
	download(w, name+".csv")
	if err := tabular.Write(w, tabular.Columns(t), rows); err != nil {
		c.Logger.Error("console: csv", "err", err)
	}
}

// download begins the answer of a CSV file that a person downloads, named name: UTF-8
// after a byte order mark, by which a spreadsheet program (Excel, Numbers, WPS) reads
// the file as UTF-8, where without it Excel reads it in the computer's own code page
// and garbles every Chinese name. The API's text/csv, read by programs, has none.
func download(w http.ResponseWriter, name string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	io.WriteString(w, bom)
}

// bom is the byte order mark a person's CSV download begins with.
const bom = "\ufeff"
