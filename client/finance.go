package client

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"time"

	"linkfin"
)

// The wire types of the finance routes.
type (
	CertificateIn         = linkfin.CertificateIn
	CertificateTransferIn = linkfin.CertificateTransferIn
	CertificateOut        = linkfin.CertificateOut
	FinancingIn           = linkfin.FinancingIn
	AssetOffers           = linkfin.AssetOffers
	Offer                 = linkfin.Offer
	OfferIn               = linkfin.OfferIn
	WarehouseReceiptIn    = linkfin.WarehouseReceiptIn
	DeviceIn              = linkfin.DeviceIn
	DeviceReplaceIn       = linkfin.DeviceReplaceIn
	PriceMarkIn           = linkfin.PriceMarkIn
	InboundPaymentIn      = linkfin.InboundPaymentIn
	WithdrawalIn          = linkfin.WithdrawalIn
	PaymentOut            = linkfin.PaymentOut
	SettlementIn          = linkfin.SettlementIn
	SettlementResult      = linkfin.SettlementResult
)

// IssueCertificate issues a payable certificate from approved payables (the anchor).
func (c *Client) IssueCertificate(ctx context.Context, in CertificateIn) (*linkfin.Certificate, error) {
	var out linkfin.Certificate
	return &out, c.post(ctx, "/v1/certificates", in, &out)
}

// SplitCertificate splits a piece into pieces of the faces given, which add up to its
// face (the holder), and answers the new pieces, in the order of the faces.
func (c *Client) SplitCertificate(ctx context.Context, id string, faces ...int64) ([]linkfin.Certificate, error) {
	in := linkfin.SplitIn{Pieces: make([]linkfin.PieceIn, len(faces))}
	for i, f := range faces {
		in.Pieces[i].Face = f
	}
	var out []linkfin.Certificate
	return out, c.post(ctx, "/v1/certificates/"+esc(id)+"/split", in, &out)
}

// TransferCertificate passes part or all of a piece to a trading partner (the holder),
// and answers the new pieces: the one passed on, then any remainder.
func (c *Client) TransferCertificate(ctx context.Context, id string, in CertificateTransferIn) ([]linkfin.Certificate, error) {
	var out []linkfin.Certificate
	return out, c.post(ctx, "/v1/certificates/"+esc(id)+"/transfer", in, &out)
}

// GetCertificate reads a piece with its lineage: the pieces from the root to it, and
// the payables, invoices and orders behind the root.
func (c *Client) GetCertificate(ctx context.Context, id string) (*CertificateOut, error) {
	var out CertificateOut
	return &out, c.get(ctx, "/v1/certificates/"+esc(id), &out)
}

// ListCertificates lists the pieces the caller holds or held.
func (c *Client) ListCertificates(ctx context.Context, opt *ListOptions) (*List[linkfin.Certificate], error) {
	return list[linkfin.Certificate](ctx, c, "/v1/certificates", opt)
}

// RequestFinancing asks for financing of an asset; the answer is a quote.
func (c *Client) RequestFinancing(ctx context.Context, in FinancingIn) (*linkfin.Financing, error) {
	var out linkfin.Financing
	return &out, c.post(ctx, "/v1/financings", in, &out)
}

// Offers lists every one of the caller's offers, following the pages: for each piece
// it holds and each payable it sells that it could finance now, by maturity, every
// funder's live quote, best first, and the requests that would be refused, with their
// codes.
func (c *Client) Offers(ctx context.Context) ([]AssetOffers, error) {
	return Collect(ctx, c.ListOffers, nil)
}

// ListOffers reads a page of the caller's offers (Limit and After apply).
func (c *Client) ListOffers(ctx context.Context, opt *ListOptions) (*List[AssetOffers], error) {
	return list[AssetOffers](ctx, c, "/v1/offers", opt)
}

// TakeOffer takes an offer in one step: it is quoted again and accepted; a quote that
// no longer pays in.Price is refused with offer_changed. The answer is the accepted
// financing.
func (c *Client) TakeOffer(ctx context.Context, in OfferIn) (*linkfin.Financing, error) {
	var out linkfin.Financing
	return &out, c.post(ctx, "/v1/offers/take", in, &out)
}

// AcceptFinancing accepts a quote before it expires (the requester).
func (c *Client) AcceptFinancing(ctx context.Context, id string) (*linkfin.Financing, error) {
	return c.financingAction(ctx, id, "accept")
}

// DisburseFinancing pays an accepted financing (the funder).
func (c *Client) DisburseFinancing(ctx context.Context, id string) (*linkfin.Financing, error) {
	return c.financingAction(ctx, id, "disburse")
}

// CancelFinancing withdraws an accepted financing before it is paid.
func (c *Client) CancelFinancing(ctx context.Context, id string) (*linkfin.Financing, error) {
	return c.financingAction(ctx, id, "cancel")
}

// RepayFinancing repays a warehouse pledge or distributor loan from the caller's
// wallet (the borrower).
func (c *Client) RepayFinancing(ctx context.Context, id string) (*linkfin.Financing, error) {
	return c.financingAction(ctx, id, "repayments")
}

// RepayInPart repays amount (minor units) of a warehouse pledge loan's principal from
// the caller's wallet (the borrower); the part counts towards the loan's open margin
// call. An amount of what the loan owes or more repays it whole.
func (c *Client) RepayInPart(ctx context.Context, id string, amount int64) (*linkfin.Financing, error) {
	var out linkfin.Financing
	return &out, c.post(ctx, "/v1/financings/"+esc(id)+"/repayments", linkfin.RepaymentIn{Amount: &amount}, &out)
}

// CloseFinancing closes a financing at its due date (operator key): collects a factored
// payable, repays or buys back a distributor loan, or forecloses an overdue pledge.
func (c *Client) CloseFinancing(ctx context.Context, id string) (*linkfin.Financing, error) {
	return c.financingAction(ctx, id, "close")
}

// CheckMargin revalues a pledge at the latest price mark (operator key).
func (c *Client) CheckMargin(ctx context.Context, id string) (*linkfin.Financing, error) {
	return c.financingAction(ctx, id, "margin-check")
}

func (c *Client) financingAction(ctx context.Context, id, action string) (*linkfin.Financing, error) {
	var out linkfin.Financing
	return &out, c.post(ctx, "/v1/financings/"+esc(id)+"/"+action, nil, &out)
}

// GetFinancing reads a financing with its quote.
func (c *Client) GetFinancing(ctx context.Context, id string) (*linkfin.Financing, error) {
	var out linkfin.Financing
	return &out, c.get(ctx, "/v1/financings/"+esc(id), &out)
}

// FinancingDecision reads the whole credit decision a financing was quoted on; from
// its acceptance on, the financing itself keeps its summary.
func (c *Client) FinancingDecision(ctx context.Context, id string) (*linkfin.CreditDecision, error) {
	var out linkfin.CreditDecision
	return &out, c.get(ctx, "/v1/financings/"+esc(id)+"/decision", &out)
}

// ListFinancings lists the caller's financings, as requester, funder or payee.
func (c *Client) ListFinancings(ctx context.Context, opt *ListOptions) (*List[linkfin.Financing], error) {
	return list[linkfin.Financing](ctx, c, "/v1/financings", opt)
}

// CreateWarehouseReceipt issues a receipt for a lot (the warehouse).
func (c *Client) CreateWarehouseReceipt(ctx context.Context, in WarehouseReceiptIn) (*linkfin.WarehouseReceipt, error) {
	var out linkfin.WarehouseReceipt
	return &out, c.post(ctx, "/v1/warehouse-receipts", in, &out)
}

// SignReading is a device's reading of the lot of a receipt, signed with the device's
// Ed25519 private key over its canonical bytes (linkfin.Reading.SignedBytes): what
// ReportTelemetry sends. seq is above every sequence number the device sent before.
func SignReading(key ed25519.PrivateKey, deviceID, receiptID string, seq int64, readAt time.Time, quantity int64) linkfin.Reading {
	r := linkfin.Reading{DeviceID: deviceID, ReceiptID: receiptID, Sequence: seq, ReadAt: readAt.UTC(), Quantity: quantity}
	r.Sign(key)
	return r
}

// ReportTelemetry reports a device's signed reading of the receipt's lot (the
// warehouse): see SignReading.
func (c *Client) ReportTelemetry(ctx context.Context, receiptID string, r linkfin.Reading) (*linkfin.WarehouseReceipt, error) {
	var out linkfin.WarehouseReceipt
	in := linkfin.TelemetryIn{DeviceID: r.DeviceID, Sequence: r.Sequence, ReadAt: r.ReadAt, Quantity: r.Quantity,
		Temperature: r.Temperature, Latitude: r.Latitude, Longitude: r.Longitude, DoorOpen: r.DoorOpen,
		Signature: base64.StdEncoding.EncodeToString(r.Signature)}
	return &out, c.post(ctx, "/v1/warehouse-receipts/"+esc(receiptID)+"/telemetry", in, &out)
}

// RegisterDevice registers a sensor of the calling warehouse with its public key.
func (c *Client) RegisterDevice(ctx context.Context, in DeviceIn) (*linkfin.Device, error) {
	var out linkfin.Device
	return &out, c.post(ctx, "/v1/devices", in, &out)
}

// GetDevice reads one of the warehouse's devices.
func (c *Client) GetDevice(ctx context.Context, id string) (*linkfin.Device, error) {
	var out linkfin.Device
	return &out, c.get(ctx, "/v1/devices/"+esc(id), &out)
}

// ListDevices lists the warehouse's devices.
func (c *Client) ListDevices(ctx context.Context, opt *ListOptions) (*List[linkfin.Device], error) {
	return list[linkfin.Device](ctx, c, "/v1/devices", opt)
}

// RetireDevice retires a device for good.
func (c *Client) RetireDevice(ctx context.Context, id string) (*linkfin.Device, error) {
	var out linkfin.Device
	return &out, c.post(ctx, "/v1/devices/"+esc(id)+"/retire", nil, &out)
}

// ReplaceDevice retires a device and registers a new one, with a new key, that
// watches what it watched; the answer is the new device.
func (c *Client) ReplaceDevice(ctx context.Context, id string, in DeviceReplaceIn) (*linkfin.Device, error) {
	var out linkfin.Device
	return &out, c.post(ctx, "/v1/devices/"+esc(id)+"/replace", in, &out)
}

// GetWarehouseReceipt reads a warehouse receipt.
func (c *Client) GetWarehouseReceipt(ctx context.Context, id string) (*linkfin.WarehouseReceipt, error) {
	var out linkfin.WarehouseReceipt
	return &out, c.get(ctx, "/v1/warehouse-receipts/"+esc(id), &out)
}

// ListWarehouseReceipts lists the caller's warehouse receipts.
func (c *Client) ListWarehouseReceipts(ctx context.Context, opt *ListOptions) (*List[linkfin.WarehouseReceipt], error) {
	return list[linkfin.WarehouseReceipt](ctx, c, "/v1/warehouse-receipts", opt)
}

// MarkPrice records a commodity's market price (operator key).
func (c *Client) MarkPrice(ctx context.Context, in PriceMarkIn) (*linkfin.PriceMark, error) {
	var out linkfin.PriceMark
	return &out, c.post(ctx, "/v1/price-marks", in, &out)
}

// GetPriceMark reads a commodity's latest price.
func (c *Client) GetPriceMark(ctx context.Context, commodity string) (*linkfin.PriceMark, error) {
	var out linkfin.PriceMark
	return &out, c.get(ctx, "/v1/price-marks/"+esc(commodity), &out)
}

// RecordInboundPayment records a rail's notice of money received for an organization
// (operator key); the same instruction is credited once.
func (c *Client) RecordInboundPayment(ctx context.Context, in InboundPaymentIn) (*PaymentOut, error) {
	var out PaymentOut
	return &out, c.post(ctx, "/v1/payments/inbound", in, &out)
}

// Withdraw pays money out of the caller's wallet to its account on a rail.
func (c *Client) Withdraw(ctx context.Context, in WithdrawalIn) (*PaymentOut, error) {
	var out PaymentOut
	return &out, c.post(ctx, "/v1/payments/withdrawals", in, &out)
}

// RunSettlement settles a program's pieces maturing on a date (operator key). A second
// run pays nothing twice.
func (c *Client) RunSettlement(ctx context.Context, in SettlementIn) (*SettlementResult, error) {
	var out SettlementResult
	return &out, c.post(ctx, "/v1/settlements/run", in, &out)
}
