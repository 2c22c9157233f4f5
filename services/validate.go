package services

import (
	"slices"

	"linkfin"
)

// The commands' Validate methods (linkfin.Validator) check what the request gives,
// whatever the records hold, before the command runs: a request they refuse keeps
// nothing under its idempotency key. Apply checks again what it needs; these are the
// checks a caller can get wrong without any record being involved.

func ids(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := linkfin.ValidateID(pairs[i], pairs[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// Validate implements linkfin.Validator.
func (c *ProposeRelationship) Validate() error {
	return ids("buyer_id", c.BuyerID, "seller_id", c.SellerID)
}

// Validate implements linkfin.Validator.
func (c *CreateProgram) Validate() error {
	p := c.Program
	p.Products = slices.Clone(p.Products)
	return p.Validate()
}

// Validate implements linkfin.Validator.
func (c *InviteFunder) Validate() error {
	if err := ids("funder_id", c.FunderID); err != nil {
		return err
	}
	if err := linkfin.CheckPositiveAmount("limit", c.Limit); err != nil {
		return err
	}
	return c.Pricing.Validate()
}

// Validate implements linkfin.Validator.
func (c *CreatePurchaseOrder) Validate() error {
	po := c.Order
	po.Lines = slices.Clone(po.Lines)
	if err := ids("seller_id", po.SellerID); err != nil {
		return err
	}
	if err := linkfin.OptionalID("program_id", po.ProgramID); err != nil {
		return err
	}
	return po.Validate()
}

// Validate implements linkfin.Validator.
func (c *CreateShipment) Validate() error {
	if c.Shipment.Number != "" {
		if err := linkfin.ValidateNumber("the shipment's number", c.Shipment.Number); err != nil {
			return err
		}
	}
	return ids("po_id", c.Shipment.POID, "carrier_id", c.Shipment.CarrierID)
}

// Validate implements linkfin.Validator.
func (c *ReportShipmentEvent) Validate() error {
	if linkfin.ShipmentRank(c.Status) <= 0 {
		return linkfin.Errorf(linkfin.EINVALID, "status %q is not one of picked_up, in_transit, delivered", c.Status)
	}
	return linkfin.ValidateText("location", c.Location, linkfin.MaxLocation, false)
}

// Validate implements linkfin.Validator.
func (c *CreateGoodsReceipt) Validate() error {
	if c.Receipt.Number != "" {
		if err := linkfin.ValidateNumber("the receipt's number", c.Receipt.Number); err != nil {
			return err
		}
	}
	if err := ids("po_id", c.Receipt.POID); err != nil {
		return err
	}
	return c.Receipt.ValidateLines()
}

// Validate implements linkfin.Validator.
func (c *CreateInvoice) Validate() error {
	inv := c.Invoice
	inv.Lines = slices.Clone(inv.Lines)
	if inv.BuyerID == "" {
		return linkfin.Errorf(linkfin.EINVALID, "an invoice names its buyer (buyer_id)")
	}
	if err := ids("buyer_id", inv.BuyerID, "po_id", inv.POID); err != nil {
		return err
	}
	if inv.SelfBilled {
		if err := ids("seller_id", inv.SellerID); err != nil {
			return err
		}
	}
	if inv.DueDate.IsZero() {
		inv.DueDate = inv.IssueDate // the program's payment terms give it
	}
	return inv.Validate()
}

// Validate implements linkfin.Validator.
func (c *DisputeInvoice) Validate() error { return linkfin.ValidateReason(c.Reason) }

// Validate implements linkfin.Validator.
func (c *CreateCreditNote) Validate() error {
	n := c.Note
	if err := linkfin.ValidateNumber("the credit note's number", n.Number); err != nil {
		return err
	}
	if err := linkfin.CheckPositiveAmount("amount", n.Amount); err != nil {
		return err
	}
	if n.InvoiceID == "" && c.InvoiceNumber == "" {
		return linkfin.Errorf(linkfin.EINVALID, "a credit note names the invoice it credits")
	}
	if !n.IssueDate.IsZero() {
		if err := linkfin.CheckDate("a credit note's issue date", n.IssueDate); err != nil {
			return err
		}
	}
	return linkfin.ValidateReason(n.Reason)
}

// Validate implements linkfin.Validator.
func (c *IssueCertificate) Validate() error {
	if err := ids("program_id", c.ProgramID); err != nil {
		return err
	}
	if len(c.PayableIDs) == 0 || len(c.PayableIDs) > linkfin.MaxCertificatePayables {
		return linkfin.Errorf(linkfin.EINVALID, "a certificate is issued from 1 to %d payables", linkfin.MaxCertificatePayables)
	}
	for i, id := range c.PayableIDs {
		if err := ids("payable id", id); err != nil {
			return err
		}
		if slices.Contains(c.PayableIDs[:i], id) {
			return linkfin.Errorf(linkfin.EINVALID, "payable %s is listed twice", id)
		}
	}
	return nil
}

// Validate implements linkfin.Validator.
func (c *SplitCertificate) Validate() error { return linkfin.ValidatePieces(c.Pieces) }

// Validate implements linkfin.Validator.
func (c *TransferCertificate) Validate() error {
	if err := ids("to", c.To); err != nil {
		return err
	}
	if err := linkfin.OptionalID("new_id", c.NewID); err != nil {
		return err
	}
	if err := linkfin.OptionalID("remainder_id", c.RemainderID); err != nil {
		return err
	}
	return linkfin.CheckPositiveAmount("amount", c.Amount)
}

// Validate implements linkfin.Validator.
func (c *RequestCertificateDiscounting) Validate() error {
	if err := ids("program_id", c.ProgramID, "asset_id", c.PieceID); err != nil {
		return err
	}
	return linkfin.OptionalID("funder_id", c.FunderID)
}

// Validate implements linkfin.Validator.
func (c *IssueWarehouseReceipt) Validate() error { return c.Receipt.Validate() }

// Validate implements linkfin.Validator.
func (c *MarkPrice) Validate() error { return c.Mark.Validate() }

// Validate implements linkfin.Validator.
func (c *RecordInboundPayment) Validate() error {
	return linkfin.CheckPayment(c.Rail, c.InstructionID, c.OrgID, c.Currency, c.Amount)
}

// Validate implements linkfin.Validator.
func (c *RecordOutboundPayment) Validate() error {
	return linkfin.CheckPayment(c.Rail, c.InstructionID, c.OrgID, c.Currency, c.Amount)
}
