package linkfin

import "time"

// Record kinds of warehouse finance.
const (
	KindWarehouseReceipt = "warehouse_receipt"
	KindLot              = "lot"        // one lot, one receipt: the registry of lots
	KindPriceMark        = "price_mark" // the latest price of a commodity
)

// ReceiptStatus is where a warehouse receipt stands.
type ReceiptStatus string

const (
	ReceiptIssued  ReceiptStatus = "issued"
	ReceiptPledged ReceiptStatus = "pledged" // backs a loan, at most one
	ReceiptFrozen  ReceiptStatus = "frozen"  // pledged, and the warehouse reports less than pledged
)

// WarehouseReceipt is a logistics operator's receipt for one lot of goods it holds.
type WarehouseReceipt struct {
	ID string `json:"id"`
	// Number is the warehouse's own number for the receipt, if it gives one: one
	// receipt per number and warehouse. LotID is the warehouse's own name of the lot:
	// one receipt per lot and warehouse.
	Number      string `json:"number,omitempty"`
	WarehouseID string `json:"warehouse_id"`
	OwnerID     string `json:"owner_id"`
	LotID       string `json:"lot_id"`
	Commodity   string `json:"commodity"`
	Quantity    int64  `json:"quantity"` // whole units
	Unit        string `json:"unit"`
	Observed    int64  `json:"observed"` // the last quantity the warehouse's sensors reported
	// Reading is the signed reading that reported it, with its device's public key: the
	// receipt's history holds every reading as its device signed it.
	Reading     *Reading      `json:"reading,omitempty"`
	Status      ReceiptStatus `json:"status"`
	FinancingID string        `json:"financing_id,omitempty"`
	// Funders are the funders the receipt was pledged to, kept after the loan ends:
	// they are party to it, and see what they financed.
	Funders   []string  `json:"funders,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Lot is the registry's record of one lot of one warehouse: the receipt issued for it
// (one lot, one receipt). Its id is LotKey's.
type Lot struct {
	ID        string `json:"id"`
	ReceiptID string `json:"receipt_id"`
}

// PriceMark is the price of a commodity per unit, in minor units.
type PriceMark struct {
	ID       string    `json:"id"` // the commodity
	Currency Currency  `json:"currency"`
	Price    int64     `json:"price"`
	MarkedAt time.Time `json:"marked_at"`
}

// LotKey is the registry id of a lot in a warehouse.
func LotKey(warehouse, lot string) string { return warehouse + "~" + lot }
