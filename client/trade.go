package client

import (
	"context"
	"net/url"

	"linkfin"
)

// The wire types of the trade routes.
type (
	PurchaseOrderIn = linkfin.PurchaseOrderIn
	POLineIn        = linkfin.POLineIn
	ShipmentIn      = linkfin.ShipmentIn
	ShipmentEventIn = linkfin.ShipmentEventIn
	GoodsReceiptIn  = linkfin.GoodsReceiptIn
	InvoiceIn       = linkfin.InvoiceIn
	CreditNoteIn    = linkfin.CreditNoteIn
)

// CreatePurchaseOrder places an order; the caller is the buyer.
func (c *Client) CreatePurchaseOrder(ctx context.Context, in PurchaseOrderIn) (*linkfin.PurchaseOrder, error) {
	var out linkfin.PurchaseOrder
	return &out, c.post(ctx, "/v1/purchase-orders", in, &out)
}

// AcceptPurchaseOrder accepts an order (the seller).
func (c *Client) AcceptPurchaseOrder(ctx context.Context, id string) (*linkfin.PurchaseOrder, error) {
	var out linkfin.PurchaseOrder
	return &out, c.post(ctx, "/v1/purchase-orders/"+esc(id)+"/accept", nil, &out)
}

// CancelPurchaseOrder cancels an order before goods are received (the buyer).
func (c *Client) CancelPurchaseOrder(ctx context.Context, id string) (*linkfin.PurchaseOrder, error) {
	var out linkfin.PurchaseOrder
	return &out, c.post(ctx, "/v1/purchase-orders/"+esc(id)+"/cancel", nil, &out)
}

// GetPurchaseOrder reads an order.
func (c *Client) GetPurchaseOrder(ctx context.Context, id string) (*linkfin.PurchaseOrder, error) {
	var out linkfin.PurchaseOrder
	return &out, c.get(ctx, "/v1/purchase-orders/"+esc(id), &out)
}

// ListPurchaseOrders lists the caller's orders, as buyer or seller.
func (c *Client) ListPurchaseOrders(ctx context.Context, opt *ListOptions) (*List[linkfin.PurchaseOrder], error) {
	return list[linkfin.PurchaseOrder](ctx, c, "/v1/purchase-orders", opt)
}

// CreateShipment ships an accepted order with a carrier (the seller).
func (c *Client) CreateShipment(ctx context.Context, in ShipmentIn) (*linkfin.Shipment, error) {
	var out linkfin.Shipment
	return &out, c.post(ctx, "/v1/shipments", in, &out)
}

// ReportShipmentEvent reports a shipment's progress (the carrier).
func (c *Client) ReportShipmentEvent(ctx context.Context, id string, in ShipmentEventIn) (*linkfin.Shipment, error) {
	var out linkfin.Shipment
	return &out, c.post(ctx, "/v1/shipments/"+esc(id)+"/events", in, &out)
}

// GetShipment reads a shipment with its events.
func (c *Client) GetShipment(ctx context.Context, id string) (*linkfin.Shipment, error) {
	var out linkfin.Shipment
	return &out, c.get(ctx, "/v1/shipments/"+esc(id), &out)
}

// ListShipments lists the caller's shipments.
func (c *Client) ListShipments(ctx context.Context, opt *ListOptions) (*List[linkfin.Shipment], error) {
	return list[linkfin.Shipment](ctx, c, "/v1/shipments", opt)
}

// CreateGoodsReceipt records goods received against an order (the buyer).
func (c *Client) CreateGoodsReceipt(ctx context.Context, in GoodsReceiptIn) (*linkfin.GoodsReceipt, error) {
	var out linkfin.GoodsReceipt
	return &out, c.post(ctx, "/v1/goods-receipts", in, &out)
}

// GetGoodsReceipt reads a goods receipt.
func (c *Client) GetGoodsReceipt(ctx context.Context, id string) (*linkfin.GoodsReceipt, error) {
	var out linkfin.GoodsReceipt
	return &out, c.get(ctx, "/v1/goods-receipts/"+esc(id), &out)
}

// CreateInvoice submits an invoice for an order (the seller). The answer holds the
// three-way match.
func (c *Client) CreateInvoice(ctx context.Context, in InvoiceIn) (*linkfin.Invoice, error) {
	var out linkfin.Invoice
	return &out, c.post(ctx, "/v1/invoices", in, &out)
}

// CreateInvoiceUBL submits a UBL 2.1 invoice document against the buyer's order; the
// document's ID is the invoice's number. An empty poID or buyerID is left out of the
// query (the server refuses a parameter given empty), so that the document names
// its order or its buyer itself.
func (c *Client) CreateInvoiceUBL(ctx context.Context, xml []byte, poID, buyerID string) (*linkfin.Invoice, error) {
	q := url.Values{}
	for name, v := range map[string]string{"po_id": poID, "buyer_id": buyerID} {
		if v != "" {
			q.Set(name, v)
		}
	}
	path := "/v1/invoices"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var out linkfin.Invoice
	return &out, c.post(ctx, path, body{contentType: "application/xml", data: xml}, &out)
}

// ApproveInvoice approves a matched invoice into a payable (the buyer, with its own
// key).
func (c *Client) ApproveInvoice(ctx context.Context, id string) (*linkfin.Payable, error) {
	var out linkfin.Payable
	return &out, c.post(ctx, "/v1/invoices/"+esc(id)+"/approve", nil, &out)
}

// DisputeInvoice disputes an invoice (the buyer).
func (c *Client) DisputeInvoice(ctx context.Context, id, reason string) (*linkfin.Invoice, error) {
	var out linkfin.Invoice
	return &out, c.post(ctx, "/v1/invoices/"+esc(id)+"/dispute", linkfin.DisputeIn{Reason: reason}, &out)
}

// CreateCreditNote credits part of an invoice (the seller).
func (c *Client) CreateCreditNote(ctx context.Context, invoiceID string, in CreditNoteIn) (*linkfin.CreditNote, error) {
	var out linkfin.CreditNote
	return &out, c.post(ctx, "/v1/invoices/"+esc(invoiceID)+"/credit-notes", in, &out)
}

// GetInvoice reads an invoice with its three-way match.
func (c *Client) GetInvoice(ctx context.Context, id string) (*linkfin.Invoice, error) {
	var out linkfin.Invoice
	return &out, c.get(ctx, "/v1/invoices/"+esc(id), &out)
}

// ListInvoices lists the caller's invoices, as seller or buyer.
func (c *Client) ListInvoices(ctx context.Context, opt *ListOptions) (*List[linkfin.Invoice], error) {
	return list[linkfin.Invoice](ctx, c, "/v1/invoices", opt)
}

// GetPayable reads a payable ("pay-" and the invoice's id).
func (c *Client) GetPayable(ctx context.Context, id string) (*linkfin.Payable, error) {
	var out linkfin.Payable
	return &out, c.get(ctx, "/v1/payables/"+esc(id), &out)
}

// ListPayables lists the caller's payables.
func (c *Client) ListPayables(ctx context.Context, opt *ListOptions) (*List[linkfin.Payable], error) {
	return list[linkfin.Payable](ctx, c, "/v1/payables", opt)
}
