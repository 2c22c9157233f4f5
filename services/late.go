package services

import (
	"context"
	"encoding/json"
	"fmt"

	"linkfin"
)

// Late shipments (docs/CREDIT.md, "Alert rules"): an order of a program with a
// deliver_by date is late from its LateFrom day, deliver_by plus the program's
// allowance plus one. Goods that arrive on or after that day — a goods receipt, or a
// shipment reported delivered — raise the late_shipment alert in their own batch; an
// order still not received in full on that day is found by the scheduler (LateOrders,
// from the ordered index) and raises it through FlagLateOrder. Either way, once per
// order.

// lateKeys are the records raising a late alert on the order reads and writes: the
// financing it backs, if any, its program and the seller's financing stop.
func lateKeys(po *linkfin.PurchaseOrder) []linkfin.ObjectKey {
	if !po.AwaitsLate() {
		return nil
	}
	var keys []linkfin.ObjectKey
	if po.FinancingID != "" {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindFinancing, ID: po.FinancingID})
	}
	return append(keys, alertKeys(po.SellerID, po.ProgramID)...)
}

// alertIfLate raises the order's late alert if its late day has come and it has none
// yet: subject is the receipt or the shipment that arrived late (the order itself when
// nothing arrived), and what the evidence says of it. The caller writes the order,
// which names the alert.
func alertIfLate(tx linkfin.Tx, po *linkfin.PurchaseOrder, kind, id, what string) error {
	today := linkfin.BusinessDate(tx.Now())
	if po.LateFrom == nil || po.LateAlertID != "" || po.Status == linkfin.POCancelled || today.Before(*po.LateFrom) {
		return nil
	}
	late := linkfin.DaysBetween(*po.DeliverBy, today)
	allowance := linkfin.DaysBetween(*po.DeliverBy, *po.LateFrom) - 1
	level := linkfin.AlertYellow
	if po.FinancingID != "" {
		level = linkfin.AlertOrange
	}
	evidence := fmt.Sprintf("order %s was due by %s; %s on %s, %d days late, beyond the program's allowance of %d days",
		po.ID, po.DeliverBy, what, today, late, allowance)
	if kind == linkfin.KindPurchaseOrder {
		evidence = fmt.Sprintf("order %s was due by %s; on %s, %d days later, its goods are not all received, beyond the program's allowance of %d days",
			po.ID, po.DeliverBy, today, late, allowance)
	}
	a, err := raise(tx, linkfin.Alert{Rule: linkfin.RuleLateShipment, Level: level, SupplierID: po.SellerID, ProgramID: po.ProgramID,
		FinancingID: po.FinancingID, SubjectKind: kind, SubjectID: id, Evidence: evidence,
		RequiredAction: "ask the supplier when the goods will arrive; check that the order still stands before financing more of its trade"})
	if err != nil {
		return err
	}
	po.LateAlertID = a.ID
	return nil
}

// FlagLateOrder is the scheduler raising the late alert of an order whose goods are
// still not received in full on its late day. Run before that day, or on an order
// received, cancelled or already flagged, it changes nothing.
type FlagLateOrder struct {
	ID string
}

// Keys implements linkfin.Command.
func (c *FlagLateOrder) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindPurchaseOrder, ID: c.ID}}
}

// DependentKeys implements linkfin.DependentCommand.
func (c *FlagLateOrder) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var po linkfin.PurchaseOrder
	if found, err := r.Get(linkfin.KindPurchaseOrder, c.ID, &po); err != nil || !found {
		return nil
	}
	return lateKeys(&po)
}

// Apply implements linkfin.Command.
func (c *FlagLateOrder) Apply(tx linkfin.Tx) (any, error) {
	var po linkfin.PurchaseOrder
	if found, err := tx.Get(linkfin.KindPurchaseOrder, c.ID, &po); err != nil {
		return nil, err
	} else if !found {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "purchase order %s not found", c.ID)
	}
	if !po.AwaitsLate() {
		return &po, nil
	}
	if err := alertIfLate(tx, &po, linkfin.KindPurchaseOrder, po.ID, ""); err != nil || po.LateAlertID == "" {
		return &po, err
	}
	return &po, tx.Put(linkfin.KindPurchaseOrder, po.ID, &po, "purchase_order.late")
}

// LateOrders lists the orders the scheduler flags late on the day: those watched for
// lateness whose late day has come. A store with the ordered index reads its entries up
// to the day, never the orders on time; another is scanned.
func LateOrders(ctx context.Context, s linkfin.RecordReader, today linkfin.Date) ([]linkfin.Command, error) {
	var out []linkfin.Command
	ix, ok := s.(linkfin.IndexReader)
	if !ok {
		err := Scan(ctx, s, linkfin.KindPurchaseOrder, func(data []byte) error {
			var po linkfin.PurchaseOrder
			if err := json.Unmarshal(data, &po); err != nil {
				return err
			}
			if po.AwaitsLate() && !today.Before(*po.LateFrom) {
				out = append(out, &FlagLateOrder{ID: po.ID})
			}
			return nil
		})
		return out, err
	}
	day := today.String()
	for afterValue, afterID := "", ""; ; {
		objs, err := ix.ListIndexed(ctx, linkfin.KindPurchaseOrder, linkfin.IndexLate, "", afterValue, afterID, 1000)
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			if o.Value > day {
				return out, nil
			}
			out = append(out, &FlagLateOrder{ID: o.ID})
		}
		if len(objs) < 1000 {
			return out, nil
		}
		afterValue, afterID = objs[len(objs)-1].Value, objs[len(objs)-1].ID
	}
}
