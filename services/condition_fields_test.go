package services_test

import (
	"testing"

	"linkfin"
	"linkfin/services"
)

// TestConditionFields: a condition takes its type's fields alone; another type's field
// is refused as invalid, naming it, before anything runs.
func TestConditionFields(t *testing.T) {
	day := linkfin.NewDate(2027, 6, 30)
	for _, c := range []struct {
		cond    linkfin.ConditionIn
		foreign string // "" for a condition that is valid
	}{
		{linkfin.ConditionIn{Type: linkfin.ConditionGoodsReceived, POID: "po-1", Release: linkfin.ReleaseProRata}, ""},
		{linkfin.ConditionIn{Type: linkfin.ConditionGoodsReceived, POID: "po-1", ShipmentID: "ship-1"}, "shipment_id"},
		{linkfin.ConditionIn{Type: linkfin.ConditionGoodsReceived, POID: "po-1", Milestone: "m"}, "milestone"},
		{linkfin.ConditionIn{Type: linkfin.ConditionDelivered, ShipmentID: "ship-1"}, ""},
		{linkfin.ConditionIn{Type: linkfin.ConditionDelivered, ShipmentID: "ship-1", Release: linkfin.ReleaseFull}, "release"},
		{linkfin.ConditionIn{Type: linkfin.ConditionInvoiceApproved, InvoiceID: "inv-1"}, ""},
		{linkfin.ConditionIn{Type: linkfin.ConditionInvoiceApproved, InvoiceID: "inv-1", POID: "po-1"}, "po_id"},
		{linkfin.ConditionIn{Type: linkfin.ConditionMilestone, Milestone: "tooling installed", ConfirmerID: "tier2"}, ""},
		{linkfin.ConditionIn{Type: linkfin.ConditionMilestone, Milestone: "tooling installed", ConfirmerID: "tier2", Date: &day}, "date"},
		{linkfin.ConditionIn{Type: linkfin.ConditionDate, Date: &day}, ""},
		{linkfin.ConditionIn{Type: linkfin.ConditionDate, Date: &day, ConfirmerID: "tier2"}, "confirmer_id"},
	} {
		cmd := &services.CreateConditionalPayment{Actor: "anchor", In: linkfin.ConditionalPaymentIn{PayeeID: "tier1", Currency: "CNY",
			Amount: 100, Condition: c.cond}}
		err := cmd.Validate()
		switch {
		case c.foreign == "" && err != nil:
			t.Errorf("%+v: %v", c.cond, err)
		case c.foreign != "" && (linkfin.ErrorCode(err) != linkfin.EINVALID || linkfin.ErrorMessage(err) != "a "+string(c.cond.Type)+" condition has no "+c.foreign):
			t.Errorf("%+v: %v, want invalid for %s", c.cond, err, c.foreign)
		}
	}
}
