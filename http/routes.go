package http

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"unicode/utf8"

	"linkfin"
	"linkfin/engine"
	"linkfin/internal/xmldoc"
	"linkfin/services"
	"linkfin/ubl"
)

// domainRoutes registers the whole process of DESIGN §5.
func (s *Server) domainRoutes() {
	s.organizationRoutes()
	s.auditRoutes()
	s.calendarRoutes()

	act(s, Route{Pattern: "POST /v1/relationships", Access: Write, Status: http.StatusCreated, Out: reflect.TypeFor[linkfin.Relationship](),
		Summary: "Propose a buyer–seller relationship (the caller is one side); proposing what the other side proposed accepts it."},
		func(r *http.Request, p *principal, in *linkfin.RelationshipIn) (linkfin.Command, error) {
			return &services.ProposeRelationship{Actor: p.Org, BuyerID: in.BuyerID, SellerID: in.SellerID}, nil
		})
	act(s, Route{Pattern: "POST /v1/relationships/{id}/accept", Kind: linkfin.KindRelationship, Access: Write, Out: reflect.TypeFor[linkfin.Relationship](),
		Summary: "Accept a proposed relationship (the other side)."},
		func(r *http.Request, p *principal, _ *none) (linkfin.Command, error) {
			buyer, seller, _ := strings.Cut(r.PathValue("id"), "~")
			return &services.AcceptRelationship{Actor: p.Org, BuyerID: buyer, SellerID: seller}, nil
		})
	act(s, Route{Pattern: "POST /v1/relationships/{id}/payment-terms", Kind: linkfin.KindRelationship, Access: Write, Out: reflect.TypeFor[linkfin.Relationship](),
		Summary: "Set the buyer's payment terms with the seller (the buyer, on an active relationship): payment_terms_days dates the " +
			"seller's invoices that state no due date (0: none, the program's). A change while the seller has financed receivables " +
			"from the buyer outstanding raises a payment_terms_changed alert (docs/CREDIT.md)."},
		func(r *http.Request, p *principal, in *linkfin.PaymentTermsIn) (linkfin.Command, error) {
			buyer, seller, _ := strings.Cut(r.PathValue("id"), "~")
			c := &services.SetPaymentTerms{Actor: p.Org, BuyerID: buyer, SellerID: seller, Days: in.PaymentTermsDays}
			if p.Org == buyer && seller != "" {
				var err error
				if c.Financed, err = services.FinancedReceivables(r.Context(), s.Store, buyer, seller); err != nil {
					return nil, err
				}
			}
			return c, nil
		})
	getRoute[linkfin.Relationship](s, "GET /v1/relationships/{id}", linkfin.KindRelationship, "Get a relationship (id: buyer~seller).")
	listRoute[linkfin.Relationship](s, "GET /v1/relationships", linkfin.KindRelationship, "List relationships.")

	act(s, Route{Pattern: "POST /v1/programs", Access: Write, Status: http.StatusCreated, Out: reflect.TypeFor[linkfin.Program](),
		Summary: "Create a supply chain finance program; the caller, an anchor, runs it."},
		func(r *http.Request, p *principal, in *linkfin.ProgramIn) (linkfin.Command, error) {
			return &services.CreateProgram{Actor: p.Org, Program: linkfin.Program{Name: in.Name, Currency: in.Currency,
				Limit: in.Limit, Products: in.Products, MaxTenorDays: in.MaxTenorDays, AdvanceRate: in.AdvanceRate, DayCount: in.DayCount,
				Calendar: in.Calendar, Tolerances: in.Tolerances, BuyBack: in.BuyBack, EarlyPaymentAPR: in.EarlyPaymentAPR,
				MarginCallLTV: in.MarginCallLTV, SupplierLimit: in.SupplierLimit, LateRate: in.LateRate, PaymentTermsDays: in.PaymentTermsDays,
				DuplicateWindowDays: in.DuplicateWindowDays, LateShipmentAllowanceDays: in.LateShipmentAllowanceDays, MarginCallDays: in.MarginCallDays, Grades: in.Grades, DeclineBelow: in.DeclineBelow, SettlementRail: in.SettlementRail,
				AlertActions: in.AlertActions}}, nil
		})
	act(s, Route{Pattern: "POST /v1/programs/{id}/funders", Kind: linkfin.KindProgram, Access: Write, Out: reflect.TypeFor[linkfin.Program](),
		Summary: "Invite a funder into the program, with its limit and pricing (the anchor)."},
		func(r *http.Request, p *principal, in *linkfin.FunderIn) (linkfin.Command, error) {
			return &services.InviteFunder{Actor: p.Org, ProgramID: r.PathValue("id"), FunderID: in.FunderID, Limit: in.Limit, Pricing: in.Pricing}, nil
		})
	act(s, Route{Pattern: "POST /v1/programs/{id}/funders/{funder}/accept", Kind: linkfin.KindProgram, Access: Write, Out: reflect.TypeFor[linkfin.Program](),
		BodyOptional: true,
		Summary: "Accept an invitation into a program (the funder itself), with the terms accepted as the invitation shows them: " +
			"limit and pricing, both. Terms the invitation no longer has (the anchor invited the funder again with others) are " +
			"refused, 409 invitation_changed; without a body, only a first invitation the anchor never changed is accepted."},
		func(r *http.Request, p *principal, in *linkfin.FunderAcceptIn) (linkfin.Command, error) {
			c, err := services.AcceptInvitation(p.viewer(), r.PathValue("id"), r.PathValue("funder"), in)
			if err != nil {
				return nil, err
			}
			return c, nil
		})
	s.handle(Route{Pattern: "GET /v1/programs/{id}", Access: AnyKey, Out: reflect.TypeFor[linkfin.Program](),
		Summary: "Get a program: whole for its anchor and funders; its terms and live funders' pricing, without limits, for its members " +
			"(the anchor's suppliers at every tier and its distributors)."}, s.getProgram)
	historyRoute(s, "GET /v1/programs/{id}", linkfin.KindProgram)
	s.handle(Route{Pattern: "GET /v1/programs/{id}/disclosure", Access: AnyKey, Query: []string{"from", "to"}, Table: true, Totals: true,
		Out: reflect.TypeFor[linkfin.Disclosure](),
		Summary: "The program's supplier finance disclosure for the period from–to (YYYY-MM-DD, both included, business days in China Standard Time; by default the " +
			"year to date), for its anchor: " +
			"key terms, confirmed obligations outstanding at the start and the end with the roll-forward (start + confirmed − " +
			"credited − paid = end), and the range of due dates against comparable trade payables (ASU 2022-04; IAS 7 / IFRS 7)."},
		s.disclosure)
	s.handle(Route{Pattern: "GET /v1/programs", Access: AnyKey, Out: reflect.TypeFor[linkfin.Program](), List: true,
		Query: []string{"limit", "after", "counterparty", "from", "to"}, // a program has no status
		Summary: "List the programs the caller runs, funds or is a member of, each as it may see it (see GET /v1/programs/{id}). " +
			"Filters: counterparty, from and to (creation date in China Standard Time, inclusive)."}, s.listPrograms)

	act(s, Route{Pattern: "POST /v1/purchase-orders", Access: Write, Status: http.StatusCreated, Out: reflect.TypeFor[linkfin.PurchaseOrder](),
		Summary: "Place a purchase order (the caller is the buyer); deliver_by, the day the goods are due if given, is from 2000-01-01 to 2099-12-31."},
		func(r *http.Request, p *principal, in *linkfin.PurchaseOrderIn) (linkfin.Command, error) {
			po := linkfin.PurchaseOrder{Number: in.Number, SellerID: in.SellerID, ProgramID: in.ProgramID, Currency: in.Currency,
				DeliverBy: in.DeliverBy}
			for _, l := range in.Lines {
				po.Lines = append(po.Lines, linkfin.POLine{LineID: l.LineID, Item: l.Item, Quantity: l.Quantity, Unit: l.Unit, UnitPrice: l.UnitPrice})
			}
			return &services.CreatePurchaseOrder{Actor: p.Org, Order: po}, nil
		})
	act(s, Route{Pattern: "POST /v1/purchase-orders/{id}/accept", Kind: linkfin.KindPurchaseOrder, Access: Write, Out: reflect.TypeFor[linkfin.PurchaseOrder](),
		Summary: "Accept an order (the seller)."},
		func(r *http.Request, p *principal, _ *none) (linkfin.Command, error) {
			return &services.AcceptPurchaseOrder{Actor: p.Org, ID: r.PathValue("id")}, nil
		})
	act(s, Route{Pattern: "POST /v1/purchase-orders/{id}/cancel", Kind: linkfin.KindPurchaseOrder, Access: Write, Out: reflect.TypeFor[linkfin.PurchaseOrder](),
		Summary: "Cancel an order before goods are received (the buyer). The conditional payments that wait on its goods, or on a " +
			"shipment or an invoice of it, can no longer be met: what they lock is refunded to their payers (status cancelled, or " +
			"expired from their expires_on)."},
		func(r *http.Request, p *principal, _ *none) (linkfin.Command, error) {
			return &services.CancelPurchaseOrder{Actor: p.Org, ID: r.PathValue("id")}, nil
		})
	getRoute[linkfin.PurchaseOrder](s, "GET /v1/purchase-orders/{id}", linkfin.KindPurchaseOrder, "Get a purchase order.")
	listRoute[linkfin.PurchaseOrder](s, "GET /v1/purchase-orders", linkfin.KindPurchaseOrder, "List purchase orders.")

	act(s, Route{Pattern: "POST /v1/shipments", Access: Write, Status: http.StatusCreated, Out: reflect.TypeFor[linkfin.Shipment](),
		Summary: "Ship an accepted order with a carrier: the seller, or a logistics operator the seller buys carriage from, naming itself. " +
			"The carrier is not the seller, which would certify its own delivery (invalid)."},
		func(r *http.Request, p *principal, in *linkfin.ShipmentIn) (linkfin.Command, error) {
			return &services.CreateShipment{Actor: p.Org, Shipment: linkfin.Shipment{Number: in.Number, POID: in.POID, CarrierID: in.CarrierID}}, nil
		})
	act(s, Route{Pattern: "POST /v1/shipments/{id}/events", Kind: linkfin.KindShipment, Access: Write, Out: reflect.TypeFor[linkfin.Shipment](),
		Summary: "Report a shipment's progress (the carrier alone)."},
		func(r *http.Request, p *principal, in *linkfin.ShipmentEventIn) (linkfin.Command, error) {
			return &services.ReportShipmentEvent{Actor: p.Org, ShipmentID: r.PathValue("id"), Status: in.Status, Location: in.Location}, nil
		})
	getRoute[linkfin.Shipment](s, "GET /v1/shipments/{id}", linkfin.KindShipment, "Get a shipment with its events.")
	listRoute[linkfin.Shipment](s, "GET /v1/shipments", linkfin.KindShipment, "List shipments.")

	act(s, Route{Pattern: "POST /v1/goods-receipts", Access: Write, Status: http.StatusCreated, Out: reflect.TypeFor[linkfin.GoodsReceipt](),
		Summary: "Record goods received against an accepted order (the buyer)."},
		func(r *http.Request, p *principal, in *linkfin.GoodsReceiptIn) (linkfin.Command, error) {
			return &services.CreateGoodsReceipt{Actor: p.Org, Receipt: linkfin.GoodsReceipt{Number: in.Number, POID: in.POID, Lines: in.Lines}}, nil
		})
	getRoute[linkfin.GoodsReceipt](s, "GET /v1/goods-receipts/{id}", linkfin.KindGoodsReceipt, "Get a goods receipt.")
	listRoute[linkfin.GoodsReceipt](s, "GET /v1/goods-receipts", linkfin.KindGoodsReceipt, "List goods receipts.")

	s.handle(Route{Pattern: "POST /v1/invoices", Access: Write, Status: http.StatusCreated, In: reflect.TypeFor[linkfin.InvoiceIn](), Query: []string{"po_id", "buyer_id"},
		Out: reflect.TypeFor[linkfin.Invoice](), Summary: "Submit an invoice for an order (the seller): JSON, or a UBL 2.1 invoice " +
			"(Content-Type: application/xml) that names its parties by their registered identifiers and its order by OrderReference " +
			"(or, the older form, with ?po_id=&buyer_id=); its ID is the invoice's number. The answer holds the three-way match."}, s.createInvoice)
	act(s, Route{Pattern: "POST /v1/invoices/{id}/approve", Kind: linkfin.KindInvoice, Access: Write, Out: reflect.TypeFor[linkfin.Payable](),
		Summary: "Approve a matched invoice into a payable (the buyer, with its own key)."},
		func(r *http.Request, p *principal, _ *none) (linkfin.Command, error) {
			return &services.ApproveInvoice{Actor: p.Org, ID: r.PathValue("id")}, nil
		})
	act(s, Route{Pattern: "POST /v1/invoices/{id}/dispute", Kind: linkfin.KindInvoice, Access: Write, Out: reflect.TypeFor[linkfin.Invoice](),
		Summary: "Dispute an invoice (the buyer). It is never approved: the conditional payments that wait on its approval are " +
			"refunded to their payers (status cancelled, or expired from their expires_on)."},
		func(r *http.Request, p *principal, in *linkfin.DisputeIn) (linkfin.Command, error) {
			return &services.DisputeInvoice{Actor: p.Org, ID: r.PathValue("id"), Reason: in.Reason}, nil
		})
	act(s, Route{Pattern: "POST /v1/invoices/{id}/clear-hold", Kind: linkfin.KindInvoice, Access: WriteOrOperator, Out: reflect.TypeFor[linkfin.Invoice](),
		Summary: "Clear an invoice's hold for review as a possible duplicate, with the reason (the buyer, or the operator): it may then be approved."},
		func(r *http.Request, p *principal, in *linkfin.ClearHoldIn) (linkfin.Command, error) {
			return &services.ClearInvoiceHold{Actor: p.Org, Operator: p.operator(), ID: r.PathValue("id"), Reason: in.Reason}, nil
		})
	act(s, Route{Pattern: "POST /v1/invoices/{id}/credit-notes", Kind: linkfin.KindInvoice, Access: Write, Status: http.StatusCreated, Out: reflect.TypeFor[linkfin.CreditNote](),
		Summary: "Credit part of an invoice (the seller): dilution. Its issue_date (today in China Standard Time if none, or the " +
			"invoice's issue_date if that is later) is from 2000-01-01 " +
			"to 2099-12-31 and not after tomorrow there (422 issue_date_future), as an invoice's, and not before the invoice's issue_date " +
			"(422 issue_date_before_invoice)."},
		func(r *http.Request, p *principal, in *linkfin.CreditNoteIn) (linkfin.Command, error) {
			return &services.CreateCreditNote{Actor: p.Org, Note: linkfin.CreditNote{Number: in.Number, InvoiceID: r.PathValue("id"),
				Amount: in.Amount, Reason: in.Reason, IssueDate: in.IssueDate}}, nil
		})
	getRoute[linkfin.Invoice](s, "GET /v1/invoices/{id}", linkfin.KindInvoice, "Get an invoice with its three-way match.")
	listRoute[linkfin.Invoice](s, "GET /v1/invoices", linkfin.KindInvoice, "List invoices.")
	s.handle(Route{Pattern: "POST /v1/credit-notes", Access: Write, Status: http.StatusCreated, In: reflect.TypeFor[linkfin.CreditNoteByNumberIn](),
		Out: reflect.TypeFor[linkfin.CreditNote](), Summary: "Credit one of your invoices, named by its number (the seller): JSON, or a UBL 2.1 " +
			"credit note (Content-Type: application/xml) whose BillingReference names the invoice; its ID is the credit note's number. " +
			"Its issue date (JSON: issue_date, today in China Standard Time if none, or the invoice's if that is later) is held to an invoice's rules: 2000-01-01 to 2099-12-31, " +
			"and not after tomorrow in China Standard Time (422 issue_date_future); and it is not before the invoice's issue date " +
			"(422 issue_date_before_invoice)."}, s.createCreditNote)
	getRoute[linkfin.CreditNote](s, "GET /v1/credit-notes/{id}", linkfin.KindCreditNote, "Get a credit note.")
	getRoute[linkfin.Payable](s, "GET /v1/payables/{id}", linkfin.KindPayable, "Get a payable.")
	listRoute[linkfin.Payable](s, "GET /v1/payables", linkfin.KindPayable, "List payables.")

	act(s, Route{Pattern: "POST /v1/certificates", Access: Write, Status: http.StatusCreated, Out: reflect.TypeFor[linkfin.Certificate](),
		Summary: "Issue a payable certificate from approved payables (the anchor)."},
		func(r *http.Request, p *principal, in *linkfin.CertificateIn) (linkfin.Command, error) {
			return &services.IssueCertificate{Actor: p.Org, ProgramID: in.ProgramID, PayableIDs: in.PayableIDs}, nil
		})
	act(s, Route{Pattern: "POST /v1/certificates/{id}/split", Kind: linkfin.KindCertificate, Access: Write, Out: reflect.TypeFor[[]linkfin.Certificate](),
		Summary: "Split a piece into pieces that add up to its face exactly (the holder); the answer is the new pieces."},
		func(r *http.Request, p *principal, in *linkfin.SplitIn) (linkfin.Command, error) {
			pieces := make([]linkfin.Piece, len(in.Pieces))
			for i, x := range in.Pieces {
				pieces[i].Face = x.Face
			}
			return &services.SplitCertificate{Actor: p.Org, ID: r.PathValue("id"), Pieces: pieces}, nil
		})
	act(s, Route{Pattern: "POST /v1/certificates/{id}/transfer", Kind: linkfin.KindCertificate, Access: Write, Out: reflect.TypeFor[[]linkfin.Certificate](),
		Summary: "Pass part or all of a piece to a trading partner (the holder); the answer is the new pieces."},
		func(r *http.Request, p *principal, in *linkfin.CertificateTransferIn) (linkfin.Command, error) {
			return &services.TransferCertificate{Actor: p.Org, ID: r.PathValue("id"), To: in.To, Amount: in.Amount}, nil
		})
	s.handle(Route{Pattern: "GET /v1/certificates/{id}", Access: AnyKey, Out: reflect.TypeFor[linkfin.CertificateOut](),
		Summary: "Get a piece with its lineage."}, s.getCertificate)
	historyRoute(s, "GET /v1/certificates/{id}", linkfin.KindCertificate)
	listRoute[linkfin.Certificate](s, "GET /v1/certificates", linkfin.KindCertificate, "List certificate pieces.")

	s.financingRoutes()
	s.scorecardRoutes()

	act(s, Route{Pattern: "POST /v1/warehouse-receipts", Access: Write, Status: http.StatusCreated, Out: reflect.TypeFor[linkfin.WarehouseReceipt](),
		Summary: "Issue a warehouse receipt for a lot (the warehouse); one lot, one receipt. The owner is another organization: " +
			"a warehouse does not receipt its own goods (invalid). Lot ids that differ in case alone are one lot: " +
			"a lot_id that differs from a receipted lot's in case alone is refused, 409 id_taken."},
		func(r *http.Request, p *principal, in *linkfin.WarehouseReceiptIn) (linkfin.Command, error) {
			return &services.IssueWarehouseReceipt{Actor: p.Org, Receipt: linkfin.WarehouseReceipt{Number: in.Number, LotID: in.LotID, OwnerID: in.OwnerID,
				Commodity: in.Commodity, Quantity: in.Quantity, Unit: in.Unit}}, nil
		})
	act(s, Route{Pattern: "POST /v1/warehouse-receipts/{id}/telemetry", Kind: linkfin.KindWarehouseReceipt, Access: Write, Out: reflect.TypeFor[linkfin.WarehouseReceipt](),
		Summary: "Report a reading of one of the warehouse's registered devices (the warehouse): the quantity it counts in the lot, " +
			"signed with the device's Ed25519 key over the reading's canonical bytes, with a sequence number above the device's last, " +
			"read no earlier than its last reading; " +
			"short of the pledge, the loan freezes. It may carry a temperature, a position and the door's state (signed too): outside " +
			"the device's bounds, on a pledged lot, each raises its alert. Refused, changing nothing, when unsigned (telemetry_unsigned), forged " +
			"(telemetry_forged), replayed (telemetry_replayed), out of order (telemetry_out_of_order: numbered below the last reading, or read before it), read more than 15 minutes " +
			"before now or a minute ahead (telemetry_stale), or of a device unknown to the warehouse (device_unknown), retired " +
			"(device_retired) or watching another lot (device_not_watching)."},
		func(r *http.Request, p *principal, in *linkfin.TelemetryIn) (linkfin.Command, error) {
			sig, err := base64.StdEncoding.DecodeString(in.Signature)
			if err != nil {
				return nil, linkfin.Errorf(linkfin.EINVALID, "the signature is 64 bytes in standard base64")
			}
			return &services.ReportTelemetry{Actor: p.Org, ReceiptID: r.PathValue("id"), Reading: linkfin.Reading{DeviceID: in.DeviceID,
				ReceiptID: r.PathValue("id"), Sequence: in.Sequence, ReadAt: in.ReadAt, Quantity: in.Quantity, Temperature: in.Temperature,
				Latitude: in.Latitude, Longitude: in.Longitude, DoorOpen: in.DoorOpen, Signature: sig}}, nil
		})
	s.deviceRoutes()
	s.alertRoutes()
	s.declineRoutes()
	getRoute[linkfin.WarehouseReceipt](s, "GET /v1/warehouse-receipts/{id}", linkfin.KindWarehouseReceipt, "Get a warehouse receipt.")
	listRoute[linkfin.WarehouseReceipt](s, "GET /v1/warehouse-receipts", linkfin.KindWarehouseReceipt, "List warehouse receipts.")
	act(s, Route{Pattern: "POST /v1/price-marks", Access: Operator, Out: reflect.TypeFor[linkfin.PriceMark](),
		Summary: "Mark a commodity's price (the platform's market data)."},
		func(r *http.Request, p *principal, in *linkfin.PriceMarkIn) (linkfin.Command, error) {
			return &services.MarkPrice{Mark: linkfin.PriceMark{ID: in.Commodity, Currency: in.Currency, Price: in.Price}}, nil
		})
	s.handle(Route{Pattern: "GET /v1/price-marks/{id}", Access: AnyKey, Out: reflect.TypeFor[linkfin.PriceMark](),
		Summary: "A commodity's latest price: market data, for every key."}, s.getPriceMark)
	historyRoute(s, "GET /v1/price-marks/{id}", linkfin.KindPriceMark)

	act(s, Route{Pattern: "POST /v1/payments/inbound", Access: Operator, Money: true, Out: reflect.TypeFor[linkfin.PaymentOut](),
		Summary: "A rail's notice of money received for an organization: credits its wallet, once per instruction (on the e-CNY rail, yuan only)."},
		func(r *http.Request, p *principal, in *linkfin.InboundPaymentIn) (linkfin.Command, error) {
			return &services.RecordInboundPayment{Rail: in.Rail, InstructionID: in.InstructionID, OrgID: in.OrgID, Currency: in.Currency, Amount: in.Amount}, nil
		})
	act(s, Route{Pattern: "POST /v1/payments/withdrawals", Access: Write, Money: true, Out: reflect.TypeFor[linkfin.PaymentOut](),
		Summary: "Pay money out of the caller's wallet to its account on a rail, once per instruction (on the e-CNY rail, yuan only): " +
			"the same instruction_id again answers replayed, over the bank rail with the credit_transfer_id the first made."},
		func(r *http.Request, p *principal, in *linkfin.WithdrawalIn) (linkfin.Command, error) {
			return &services.RecordOutboundPayment{Rail: in.Rail, InstructionID: in.InstructionID, OrgID: p.Org,
				Currency: in.Currency, Amount: in.Amount}, nil
		})
	act(s, Route{Pattern: "POST /v1/settlements/run", Access: Operator, Money: true, Out: reflect.TypeFor[linkfin.SettlementResult](),
		Summary: "Settle a program's pieces maturing on a date (from 2000-01-01 to 2099-12-31, not after today): the anchor pays the holders; a second run pays nothing twice. Pieces the anchor cannot pay stay overdue, and the shortfall is what they are owed: faces and late interest."},
		func(r *http.Request, p *principal, in *linkfin.SettlementIn) (linkfin.Command, error) {
			return &services.SettleMaturity{ProgramID: in.ProgramID, Date: in.Date}, nil
		})
	s.handle(Route{Pattern: "GET /v1/exposure", Access: AnyKey, Totals: true, Out: reflect.TypeFor[linkfin.List[linkfin.Exposure]](),
		Summary: "Exposure per anchor, by funder, product and tier (an organization: as anchor, or its own part as funder, summed from " +
			"its own financings alone). A figure beyond 2^63 answers total_too_large, to a funder only when it is its own."}, s.exposure)
	s.paymentRoutes()
	s.bankStatementRoutes()
	s.ecnyRoutes()
	s.conditionalRoutes()
	s.webhookRoutes()
}

func (s *Server) createInvoice(w http.ResponseWriter, r *http.Request) {
	body, err := readEInvoiceBody(w, r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	p := principalOf(r)
	var inv linkfin.Invoice
	var identified *services.Identified
	var form []byte // a JSON body by what it says (decodedForm); an XML one is compared byte for byte
	if mt, _, _ := mediaType(r, mediaXML); mt == mediaXML {
		q := r.URL.Query()
		doc, err := ParseEInvoice(body)
		if err == nil && q.Get("po_id") == "" && q.Get("buyer_id") == "" {
			// The document names its parties and its order.
			var seller, buyer, po string
			if seller, buyer, po, identified, err = services.EInvoiceParties(r.Context(), s.Store, doc, p.Org); err == nil {
				inv, err = services.InvoiceFromEInvoice(doc, po, buyer)
				inv.SellerID = seller
			}
		} else if err == nil {
			if inv, err = services.InvoiceFromEInvoice(doc, q.Get("po_id"), q.Get("buyer_id")); err == nil {
				identified, err = services.EInvoiceNamed(r.Context(), s.Store, doc)
			}
		}
		if err == nil && inv.SelfBilled && inv.SellerID == "" {
			// The buyer bills itself for the order's seller.
			var po linkfin.PurchaseOrder
			if err = services.ReadAs(r.Context(), s.Store, p.viewer(), linkfin.KindPurchaseOrder, inv.POID, &po); err == nil {
				inv.SellerID = po.SellerID
			}
		}
		if err != nil {
			writeError(w, r, err)
			return
		}
	} else {
		var in linkfin.InvoiceIn
		if err := decode(body, &in); err != nil {
			writeError(w, r, err)
			return
		}
		inv = linkfin.Invoice{Number: in.Number, BuyerID: in.BuyerID, POID: in.POID, Currency: in.Currency,
			IssueDate: in.IssueDate, DueDate: in.DueDate, Lines: in.Lines, Allowance: in.Allowance, Charge: in.Charge, Tax: in.Tax,
			Total: in.Total, Prepaid: in.Prepaid, Rounding: in.Rounding}
		form = decodedForm(r, &in, nil)
	}
	s.submit(w, r, body, form, &engine.Request{Commands: []linkfin.Command{&services.CreateInvoice{Actor: p.Org, Invoice: inv, Identified: identified}}},
		valueAnswer(http.StatusCreated))
}

func (s *Server) createCreditNote(w http.ResponseWriter, r *http.Request) {
	body, err := readEInvoiceBody(w, r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	c := &services.CreateCreditNote{Actor: principalOf(r).Org}
	var form []byte // a JSON body by what it says (decodedForm); an XML one is compared byte for byte
	if mt, _, _ := mediaType(r, mediaXML); mt == mediaXML {
		doc, err := ParseEInvoice(body)
		if err == nil {
			c.Note, c.InvoiceNumber, err = services.CreditNoteFromEInvoice(doc)
			c.Currency = doc.Currency
		}
		if err == nil {
			c.Identified, err = services.CreditNoteParties(r.Context(), s.Store, doc, c.Actor)
		}
		if err != nil {
			writeError(w, r, err)
			return
		}
	} else {
		var in linkfin.CreditNoteByNumberIn
		if err := decode(body, &in); err != nil {
			writeError(w, r, err)
			return
		}
		c.Note, c.InvoiceNumber = linkfin.CreditNote{Number: in.Number, Amount: in.Amount, Reason: in.Reason, IssueDate: in.IssueDate}, in.InvoiceNumber
		form = decodedForm(r, &in, nil)
	}
	s.submit(w, r, body, form, &engine.Request{Commands: []linkfin.Command{c}}, valueAnswer(http.StatusCreated))
}

func (s *Server) getCertificate(w http.ResponseWriter, r *http.Request) {
	out, err := services.CertificateFor(r.Context(), s.Store, principalOf(r).viewer(), r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getProgram(w http.ResponseWriter, r *http.Request) {
	out, err := services.Program(r.Context(), s.Store, principalOf(r).viewer(), r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) disclosure(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d, err := services.Disclose(r.Context(), s.Store, principalOf(r).viewer(), r.PathValue("id"), q.Get("from"), q.Get("to"),
		linkfin.BusinessDate(s.Engine.Now()))
	if err != nil {
		writeError(w, r, err)
		return
	}
	if wantsCSV(r) {
		writeTable(w, r, d.Rows())
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (s *Server) listPrograms(w http.ResponseWriter, r *http.Request) {
	f, after, limit, err := listParams(r)
	var out *linkfin.List[json.RawMessage]
	if err == nil {
		out, err = services.ListPrograms(r.Context(), s.Store, principalOf(r).viewer(), f, after, limit)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getPriceMark(w http.ResponseWriter, r *http.Request) {
	o, err := s.Store.Object(r.Context(), linkfin.KindPriceMark, r.PathValue("id"))
	if linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
		err = linkfin.Errorf(linkfin.ENOTFOUND, "no price mark for %s", r.PathValue("id"))
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, json.RawMessage(o.Data))
}

func (s *Server) exposure(w http.ResponseWriter, r *http.Request) {
	rows, err := services.ExposureFor(r.Context(), s.Store, principalOf(r).viewer())
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, linkfin.List[linkfin.Exposure]{Data: rows})
}

// ParseEInvoice reads a UBL invoice or credit note sent as a body (of at most
// MaxEInvoiceBytes), as the API and the console read one: in the encoding it declares;
// one in UTF-8 whose bytes are not is answered as any body that is not UTF-8 (400
// invalid_utf8), not as the document's fault, which a document declaring another
// encoding whose bytes it is not in is.
func ParseEInvoice(body []byte) (*ubl.Document, error) {
	doc, err := ubl.ParseLimit(bytes.NewReader(body), MaxEInvoiceBytes)
	if err != nil && xmldoc.InUTF8(body) && !utf8.Valid(body) {
		return nil, linkfin.Errorf(EENCODING, "the XML is not valid UTF-8")
	}
	return doc, err
}
