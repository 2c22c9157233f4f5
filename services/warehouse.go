package services

import (
	"linkfin"
)

// IssueWarehouseReceipt is a logistics operator receipting a lot it holds for its
// owner. One lot has one receipt, ever: a second receipt for the same lot is refused
// (the same metal pledged several times over, Qingdao 2014), and so is one for a lot
// whose id differs from a receipted lot's of the warehouse in case alone (LOT-7 and
// lot-7 read as one lot), linkfin.EIDTAKEN. The owner is another organization: a
// receipt is the custodian's word, on which a funder lends, and a warehouse that
// receipted its own goods would certify its own collateral.
type IssueWarehouseReceipt struct {
	Actor   string
	Receipt linkfin.WarehouseReceipt
}

// Keys implements linkfin.Command.
func (c *IssueWarehouseReceipt) Keys() []linkfin.ObjectKey {
	keys := append(idKeys(linkfin.KindWarehouseReceipt, c.Receipt.ID), numberKeys(c.Actor, linkfin.KindWarehouseReceipt, c.Receipt.Number)...)
	keys = append(keys, foldedKeys(linkfin.KindLot, c.Actor, c.Receipt.LotID, c.lotKey)...)
	return append(keys,
		linkfin.ObjectKey{Kind: linkfin.KindLot, ID: linkfin.LotKey(c.Actor, c.Receipt.LotID)},
		linkfin.ObjectKey{Kind: linkfin.KindOrganization, ID: c.Actor},
		linkfin.ObjectKey{Kind: linkfin.KindOrganization, ID: c.Receipt.OwnerID})
}

// lotKey is the key of the registry record of a lot of the warehouse.
func (c *IssueWarehouseReceipt) lotKey(lot string) linkfin.ObjectKey {
	return linkfin.ObjectKey{Kind: linkfin.KindLot, ID: linkfin.LotKey(c.Actor, lot)}
}

// Apply implements linkfin.Command.
func (c *IssueWarehouseReceipt) Apply(tx linkfin.Tx) (any, error) {
	w := c.Receipt
	if err := linkfin.ValidateID("lot id", w.LotID); err != nil {
		return nil, err
	}
	if w.Number != "" {
		if err := linkfin.ValidateNumber("the receipt's number", w.Number); err != nil {
			return nil, err
		}
	}
	wh, err := organization(tx, c.Actor)
	if err != nil {
		return nil, err
	}
	if !wh.Can(linkfin.CapLogistics) {
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only a logistics operator issues warehouse receipts")
	}
	if _, err := organization(tx, w.OwnerID); err != nil {
		return nil, err
	}
	if w.OwnerID == c.Actor {
		return nil, linkfin.Errorf(linkfin.EINVALID, "%s is the lot's owner: a warehouse receipts the goods it holds for others, not its own goods", c.Actor)
	}
	switch {
	case w.Quantity <= 0 || w.Unit == "" || w.Commodity == "":
		return nil, linkfin.Errorf(linkfin.EINVALID, "a receipt names a commodity and a positive quantity of a unit")
	}
	var lot linkfin.Lot
	if found, err := tx.Get(linkfin.KindLot, linkfin.LotKey(c.Actor, w.LotID), &lot); err != nil {
		return nil, err
	} else if found {
		return nil, linkfin.Errorf("lot_has_receipt", "lot %s already has receipt %s", w.LotID, lot.ReceiptID)
	}
	if err := claimFolded(tx, linkfin.KindLot, c.Actor, w.LotID, "lot", c.lotKey); err != nil {
		return nil, err
	}
	if w.ID, err = newID(tx, linkfin.KindWarehouseReceipt, w.ID); err != nil {
		return nil, err
	}
	if w.Number != "" {
		if err := claimNumber(tx, c.Actor, linkfin.KindWarehouseReceipt, w.Number, w.ID); err != nil {
			return nil, err
		}
	}
	lot.ID, lot.ReceiptID = linkfin.LotKey(c.Actor, w.LotID), w.ID
	if err := tx.Put(linkfin.KindLot, lot.ID, &lot, "lot.receipted"); err != nil {
		return nil, err
	}
	w.WarehouseID, w.Observed, w.Status, w.FinancingID, w.CreatedAt = c.Actor, w.Quantity, linkfin.ReceiptIssued, "", tx.Now()
	return &w, tx.Put(linkfin.KindWarehouseReceipt, w.ID, &w, "warehouse_receipt.issued")
}

// MarkPrice records the price of a commodity (the operator's price feed).
type MarkPrice struct {
	Mark linkfin.PriceMark
}

// Keys implements linkfin.Command.
func (c *MarkPrice) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindPriceMark, ID: c.Mark.ID}}
}

// Apply implements linkfin.Command.
func (c *MarkPrice) Apply(tx linkfin.Tx) (any, error) {
	m := c.Mark
	if m.ID == "" || m.Price <= 0 {
		return nil, linkfin.Errorf(linkfin.EINVALID, "a price mark names a commodity and a positive price")
	}
	if _, err := linkfin.ParseCurrency(string(m.Currency)); err != nil {
		return nil, err
	}
	m.MarkedAt = tx.Now()
	return &m, tx.Put(linkfin.KindPriceMark, m.ID, &m, "price_mark.set")
}

// value is a receipt's worth at a price mark.
func value(qty int64, m *linkfin.PriceMark) (int64, error) { return linkfin.Mul(qty, m.Price) }
