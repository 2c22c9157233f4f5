package console

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"linkfin"
	lfhttp "linkfin/http"
	"linkfin/services"
)

func init() { pageNames = append(pageNames, "orders", "order") }

// orders lists the purchase orders the organization is party to — a buyer's it placed,
// a seller's it received — by status; as CSV with format=csv.
func (c *Console) orders(w http.ResponseWriter, r *http.Request, p *Person) {
	if v, ok := listOf[linkfin.PurchaseOrder](c, w, r, p, linkfin.KindPurchaseOrder, "orders", linkfin.POIssued, linkfin.POAccepted, linkfin.POCancelled); ok {
		c.render(w, r, http.StatusOK, "orders", "orders.title", p, v, "")
	}
}

// orderView is an order with its shipments, goods receipts and invoices as the
// organization may see them, and what the person may do.
type orderView struct {
	PO        linkfin.PurchaseOrder
	Shipments []linkfin.Shipment
	Receipts  []linkfin.GoodsReceipt
	Invoices  []linkfin.Invoice
	Accepts   bool // the seller, of an issued order
	Sells     bool // the seller, of an accepted order: it ships and invoices
	Carriers  []linkfin.Organization
	Today     linkfin.Date
	// The invoice form, filled in from the order's lines: each line whole, no tax.
	Form    []formLine
	Total   string
	History history
}

// formLine is an order line as the invoice form first offers it.
type formLine struct {
	linkfin.POLine
	Price, Amount string // decimals, as a person types them
}

// order shows a purchase order: its lines, what was shipped, received and invoiced
// against it, and its history. Its seller accepts it, ships it and invoices it here.
func (c *Console) order(w http.ResponseWriter, r *http.Request, p *Person) {
	var po linkfin.PurchaseOrder
	if err := services.ReadAs(r.Context(), c.Store, p.Viewer, linkfin.KindPurchaseOrder, r.PathValue("id"), &po); err != nil {
		c.fail(w, r, p, err)
		return
	}
	seller := p.CanAct() && p.Viewer.Org == po.SellerID
	v := orderView{PO: po, Accepts: seller && po.Status == linkfin.POIssued, Sells: seller && po.Status == linkfin.POAccepted,
		Today: linkfin.BusinessDate(c.Engine.Now())}
	var err error
	if v.Shipments, err = ofOrder[linkfin.Shipment](c, r, p, linkfin.KindShipment, po.ID); err == nil {
		v.Invoices, err = ofOrder[linkfin.Invoice](c, r, p, linkfin.KindInvoice, po.ID)
	}
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	for _, id := range po.Receipts {
		var gr linkfin.GoodsReceipt
		switch err := services.ReadAs(r.Context(), c.Store, p.Viewer, linkfin.KindGoodsReceipt, id, &gr); {
		case err == nil:
			v.Receipts = append(v.Receipts, gr)
		case linkfin.ErrorCode(err) != linkfin.ENOTFOUND:
			c.fail(w, r, p, err)
			return
		}
	}
	if v.Sells {
		dec := func(v int64) string { return linkfin.Money{Amount: v, Currency: po.Currency}.Decimal() }
		for _, l := range po.Lines {
			v.Form = append(v.Form, formLine{POLine: l, Price: dec(l.UnitPrice), Amount: dec(l.Amount)})
		}
		v.Total = dec(po.Total)
		if v.Carriers, err = c.carriers(r); err != nil {
			c.fail(w, r, p, err)
			return
		}
	}
	if v.History, err = c.history(r.Context(), r, p, linkfin.KindPurchaseOrder, po.ID); err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.render(w, r, http.StatusOK, "order", "order.title", p, v, "")
}

// ofOrder lists the records of a kind the organization sees that are against the order.
func ofOrder[T any](c *Console, r *http.Request, p *Person, kind, poID string) ([]T, error) {
	raws, err := services.OfOrder(r.Context(), c.Store, p.Viewer, kind, poID)
	if err != nil {
		return nil, err
	}
	var out []T
	for _, raw := range raws {
		var x T
		if err := json.Unmarshal(raw, &x); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, nil
}

// carriers are the logistics operators a seller may name as a shipment's carrier.
func (c *Console) carriers(r *http.Request) ([]linkfin.Organization, error) {
	var out []linkfin.Organization
	prefix := linkfin.IndexValue(string(linkfin.CapLogistics), "")
	for afterValue, afterID := "", ""; ; {
		objs, err := c.Store.ListIndexed(r.Context(), linkfin.KindOrganization, linkfin.IndexCan, prefix, afterValue, afterID, 1000)
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			var org linkfin.Organization
			if err := json.Unmarshal(o.Data, &org); err != nil {
				return nil, err
			}
			out = append(out, org)
		}
		if len(objs) < 1000 {
			return out, nil
		}
		afterValue, afterID = objs[len(objs)-1].Value, objs[len(objs)-1].ID
	}
}

// acceptOrder is the seller's acceptance of an issued order (services.AcceptPurchaseOrder).
func (c *Console) acceptOrder(w http.ResponseWriter, r *http.Request, p *Person) {
	id := r.PathValue("id")
	if _, err := c.act(r.Context(), p, r.PostForm, &services.AcceptPurchaseOrder{Actor: p.Viewer.Org, ID: id}); err != nil {
		c.fail(w, r, p, err)
		return
	}
	done(w, r, "/orders/"+id)
}

// shipOrder records a shipment of an accepted order with the carrier named
// (services.CreateShipment, as POST /v1/shipments).
func (c *Console) shipOrder(w http.ResponseWriter, r *http.Request, p *Person) {
	id := r.PathValue("id")
	s := linkfin.Shipment{Number: strings.TrimSpace(r.PostFormValue("number")), POID: id, CarrierID: r.PostFormValue("carrier")}
	if _, err := c.act(r.Context(), p, r.PostForm, &services.CreateShipment{Actor: p.Viewer.Org, Shipment: s}); err != nil {
		c.fail(w, r, p, err)
		return
	}
	done(w, r, "/orders/"+id)
}

// invoiceOrder creates an invoice against the order from the form: its number, dates,
// lines, tax and total, as POST /v1/invoices takes them.
func (c *Console) invoiceOrder(w http.ResponseWriter, r *http.Request, p *Person) {
	var po linkfin.PurchaseOrder
	if err := services.ReadAs(r.Context(), c.Store, p.Viewer, linkfin.KindPurchaseOrder, r.PathValue("id"), &po); err != nil {
		c.fail(w, r, p, err)
		return
	}
	inv, err := invoiceForm(r.PostForm, &po)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.createInvoice(w, r, p, r.PostForm, inv, nil)
}

// invoiceForm reads the invoice a form gives against the order.
func invoiceForm(form url.Values, po *linkfin.PurchaseOrder) (linkfin.Invoice, error) {
	inv := linkfin.Invoice{Number: strings.TrimSpace(form.Get("number")), BuyerID: po.BuyerID, POID: po.ID, Currency: po.Currency}
	var err error
	if inv.IssueDate, err = linkfin.ParseDate(strings.TrimSpace(form.Get("issue_date"))); err != nil {
		return inv, inField("issue_date", "form.date", err)
	}
	if inv.DueDate, err = linkfin.ParseDate(strings.TrimSpace(form.Get("due_date"))); err != nil {
		return inv, inField("due_date", "form.date", err)
	}
	ids, qs, prices, amounts := form["line"], form["quantity"], form["unit_price"], form["amount"]
	if len(qs) != len(ids) || len(prices) != len(ids) || len(amounts) != len(ids) {
		return inv, linkfin.Errorf(linkfin.EINVALID, "each line has a quantity, a unit price and an amount")
	}
	for i, id := range ids {
		if strings.TrimSpace(qs[i]) == "" {
			continue // a line left empty is not invoiced
		}
		l := linkfin.InvoiceLine{LineID: id}
		if l.Quantity, err = strconv.ParseInt(typed(qs[i]), 10, 64); err != nil {
			return inv, inLine("quantity", i, "form.quantity", linkfin.Errorf(linkfin.EINVALID, "line %s: the quantity is a whole number of units", id))
		}
		if l.UnitPrice, err = amount(prices[i], po.Currency); err != nil {
			return inv, inLine("unit_price", i, "form.amount", err)
		}
		if l.Amount, err = amount(amounts[i], po.Currency); err != nil {
			return inv, inLine("amount", i, "form.amount", err)
		}
		inv.Lines = append(inv.Lines, l)
	}
	if inv.Tax, err = amount(form.Get("tax"), po.Currency); err != nil {
		return inv, inField("tax", "form.amount", err)
	}
	if inv.Total, err = amount(form.Get("total"), po.Currency); err != nil {
		return inv, inField("total", "form.amount", err)
	}
	return inv, nil
}

// uploadInvoice creates an invoice against the order from an uploaded e-invoice (UBL
// 2.1 or CII), read as POST /v1/invoices reads one sent as application/xml.
func (c *Console) uploadInvoice(w http.ResponseWriter, r *http.Request, p *Person) {
	var po linkfin.PurchaseOrder
	if err := services.ReadAs(r.Context(), c.Store, p.Viewer, linkfin.KindPurchaseOrder, r.PathValue("id"), &po); err != nil {
		c.fail(w, r, p, err)
		return
	}
	body, form, err := uploaded(r, "an e-invoice (UBL 2.1 or CII)")
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	doc, err := lfhttp.ParseEInvoice(body) // as the API reads one
	var inv linkfin.Invoice
	var named *services.Identified
	if err == nil {
		inv, err = services.InvoiceFromEInvoice(doc, po.ID, po.BuyerID)
		if inv.SelfBilled {
			inv.SellerID = po.SellerID // the buyer bills itself for the order's seller
		}
	}
	if err == nil {
		named, err = services.EInvoiceNamed(r.Context(), c.Store, doc)
	}
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.createInvoice(w, r, p, form, inv, named)
}

// createInvoice submits the invoice (services.CreateInvoice) and shows it, with its
// three-way match; named, for an uploaded e-invoice, holds it to what the document names.
func (c *Console) createInvoice(w http.ResponseWriter, r *http.Request, p *Person, form url.Values, inv linkfin.Invoice, named *services.Identified) {
	created, err := actInto[linkfin.Invoice](c, r.Context(), p, form, &services.CreateInvoice{Actor: p.Viewer.Org, Invoice: inv, Identified: named})
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	done(w, r, "/invoices/"+created.ID)
}
