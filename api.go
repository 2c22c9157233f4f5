package linkfin

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"time"
)

// The API's wire types: what the REST API sends and receives. The server
// (linkfin/http) and the Go client (linkfin/client) both speak them, so the client
// needs this package alone. The OpenAPI document names its schemas after them.

// ETYPE refuses a JSON value of the wrong type, such as a number where a string goes.
const ETYPE = "invalid_type"

// Exposure is what funders have outstanding under one anchor's programs: financings
// disbursed and not yet settled, by funder, by product and by the requester's tier,
// in minor units of each currency. Hidden supply chain finance debt is what an
// anchor's creditors could not see; this report shows all of it in one place.
type Exposure struct {
	AnchorID  string           `json:"anchor_id"`
	Currency  Currency         `json:"currency"`
	Total     int64            `json:"total"`
	ByFunder  map[string]int64 `json:"by_funder"`
	ByProduct map[string]int64 `json:"by_product"`
	ByTier    map[string]int64 `json:"by_tier"`
	Count     int              `json:"financings"`
}

// Problem is an RFC 9457 problem details object with linkfin's stable code.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Code     string `json:"code"`
	Instance string `json:"instance,omitempty"`
	// Violations lists the business rules a document breaks, each by its id, when
	// that is why it is refused.
	Violations []Violation `json:"violations,omitempty"`
}

// ID is a ledger id on the wire: a decimal string from 1 to 2^63−1, so that clients
// in languages without 64-bit integers keep every digit.
type ID int64

// UnmarshalJSON accepts only a JSON string holding a positive decimal integer, or
// null, which leaves the id as it is: an optional id given as null is absent, as any
// other optional member is (a required one given as null is refused before).
func (id *ID) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return Errorf(ETYPE, "ids are decimal strings, such as \"42\"")
	}
	v, err := ParseID(s)
	if err != nil {
		return err
	}
	*id = ID(v)
	return nil
}

// MarshalJSON writes the id as a decimal string.
func (id ID) MarshalJSON() ([]byte, error) {
	return []byte(`"` + strconv.FormatInt(int64(id), 10) + `"`), nil
}

// ParseID reads a ledger id: a decimal integer from 1 to 2^63−1, in its one spelling
// (ParseDecimal).
func ParseID(s string) (int64, error) {
	v, ok := ParseDecimal(s, 1, math.MaxInt64)
	if !ok {
		return 0, Errorf(EINVALID, "id %s must be a decimal integer from 1 to 9223372036854775807, without a sign or leading zeros", quote(s))
	}
	return v, nil
}

// ParseDecimal reads s as a whole number from lo to hi written in its one spelling:
// decimal digits alone, without a sign, a space or a leading zero ("0" itself is zero).
// strconv.ParseInt also reads "+4" and "04" as 4: a number named two ways in a path or
// a query would be two requests naming one thing.
func ParseDecimal(s string, lo, hi int64) (int64, bool) {
	if s == "" || len(s) > 1 && s[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < lo || v > hi {
		return 0, false
	}
	return v, true
}

// AccountIn is the body that creates an account.
type AccountIn struct {
	ID       ID       `json:"id,omitzero" openapi:"required"`
	Ledger   uint32   `json:"ledger"`
	Currency string   `json:"currency"`
	Code     uint16   `json:"code"`
	Flags    []string `json:"flags,omitempty"`
}

// Account is an account on the wire.
type Account struct {
	ID       ID       `json:"id"`
	Ledger   uint32   `json:"ledger"`
	Currency string   `json:"currency"`
	Code     uint16   `json:"code"`
	Flags    []string `json:"flags"`
	// Balances are running sums: decimal strings, as they may exceed 2^53.
	DebitsPending  StringInt `json:"debits_pending"`
	DebitsPosted   StringInt `json:"debits_posted"`
	CreditsPending StringInt `json:"credits_pending"`
	CreditsPosted  StringInt `json:"credits_posted"`
	CreatedAt      string    `json:"created_at"`
}

// TransferIn is the body that creates a transfer.
type TransferIn struct {
	ID              ID       `json:"id,omitzero" openapi:"required"`
	DebitAccountID  ID       `json:"debit_account_id,omitzero"` // not for a post or void of a pending transfer
	CreditAccountID ID       `json:"credit_account_id,omitzero"`
	Amount          int64    `json:"amount,omitempty" bound:"amount"` // a post's default: the pending amount
	PendingID       ID       `json:"pending_id,omitzero"`
	Ledger          uint32   `json:"ledger,omitempty"`
	Currency        string   `json:"currency,omitempty"`
	Code            uint16   `json:"code,omitempty"`
	Flags           []string `json:"flags,omitempty"`
	// Timeout of a pending transfer, in seconds; 0 never expires.
	Timeout uint32 `json:"timeout,omitempty"`
}

// Transfer is a transfer on the wire.
type Transfer struct {
	ID              ID       `json:"id"`
	DebitAccountID  ID       `json:"debit_account_id"`
	CreditAccountID ID       `json:"credit_account_id"`
	Amount          int64    `json:"amount"`
	PendingID       *ID      `json:"pending_id,omitempty"`
	Ledger          uint32   `json:"ledger"`
	Currency        string   `json:"currency"`
	Code            uint16   `json:"code"`
	Flags           []string `json:"flags"`
	Timeout         uint32   `json:"timeout,omitempty"`
	Status          string   `json:"status,omitempty"` // of a pending transfer
	CreatedAt       string   `json:"created_at"`
}

// ItemResult is one item's outcome in a batch.
type ItemResult struct {
	Index     int    `json:"index"`
	ID        ID     `json:"id"`
	Result    string `json:"result"`
	CreatedAt string `json:"created_at,omitempty"`
}

// List is a page of a list, with the cursor of the next page ("" at the end).
type List[T any] struct {
	Data       []T    `json:"data"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// CalendarOut is a business-day calendar as GET /v1/calendars answers it: the name a
// program names it by (Program.Calendar) and the years whose published holidays and
// adjusted working days it holds, in order. A maturity that falls on a day that is not
// a business day moves to the next that is; in a year the calendar holds no holidays
// for, that follows the weekend rule alone, and the day may turn out a holiday once
// the year is published. A weekend-only calendar follows the weekend rule in every
// year, and holds none.
type CalendarOut struct {
	Name         string `json:"name"`
	WeekendOnly  bool   `json:"weekend_only"`
	HolidayYears []int  `json:"holiday_years"`
}

// TrialBalance lists debits and credits per ledger and currency.
type TrialBalance struct {
	Ledgers  []TrialBalanceLine `json:"ledgers"`
	Balanced bool               `json:"balanced"`
	Problems []string           `json:"problems"`
}

// TrialBalanceLine is one ledger's totals, as decimal strings (sums may exceed int64).
type TrialBalanceLine struct {
	Ledger         uint32 `json:"ledger"`
	Currency       string `json:"currency"`
	DebitsPending  string `json:"debits_pending"`
	DebitsPosted   string `json:"debits_posted"`
	CreditsPending string `json:"credits_pending"`
	CreditsPosted  string `json:"credits_posted"`
}

// OrganizationIn is the body that registers an organization.
type OrganizationIn struct {
	ID           string       `json:"id"`
	Name         string       `json:"name"`
	Capabilities []Capability `json:"capabilities" unique:"true"`
	// BankAccount is the account its withdrawals over the bank rail are paid into.
	BankAccount *BankAccount `json:"bank_account,omitempty"`
	// Address is its postal address.
	Address *PostalAddress `json:"address,omitempty"`
}

// BankAccountIn registers the account an organization's withdrawals over the bank
// rail are paid into.
type BankAccountIn struct {
	BankAccount BankAccount `json:"bank_account"`
}

// AddressIn registers an organization's postal address.
type AddressIn struct {
	Address PostalAddress `json:"address"`
}

// CapabilitiesIn sets what an organization may do.
type CapabilitiesIn struct {
	Capabilities []Capability `json:"capabilities" unique:"true"`
}

// APIKeyIn asks for a new key of an organization.
type APIKeyIn struct {
	Role Role   `json:"role"`
	Name string `json:"name,omitempty"`
}

// APIKeyOut is a key as the API shows it: never its hash. Key, the whole secret key,
// is in the answer that made it, and nowhere else, ever.
type APIKeyOut struct {
	ID        string `json:"id"`
	OrgID     string `json:"org_id,omitempty"`
	Role      Role   `json:"role"`
	Name      string `json:"name,omitempty"`
	CreatedBy string `json:"created_by"`
	Owner     string `json:"owner,omitempty"` // the user whose standing it acts with (APIKey.Owner)
	CreatedAt string `json:"created_at"`
	RevokedAt string `json:"revoked_at,omitempty"`
	Key       string `json:"key,omitempty"`
}

// WebhookEndpointIn registers an endpoint of the calling organization.
type WebhookEndpointIn struct {
	URL    string   `json:"url"`
	Events []string `json:"events" items:"events" unique:"true"` // "*", "<kind>.*" or an event type; 1 to MaxWebhookEvents
}

// WebhookEndpointUpdate replaces an endpoint's URL and event filters.
type WebhookEndpointUpdate struct {
	URL    string   `json:"url"`
	Events []string `json:"events" items:"events" unique:"true"` // as WebhookEndpointIn's
}

// WebhookEndpointOut is an endpoint with, in the answer that made it and nowhere else,
// its signing secret. The secret is derived again on every request, so a retry with
// the same Idempotency-Key answers it too.
type WebhookEndpointOut struct {
	WebhookEndpoint
	Secret string `json:"secret,omitempty"`
}

// WebhookDeliveryOut is one entry of an endpoint's delivery log: one event, its
// latest attempt and how many were made.
type WebhookDeliveryOut WebhookDelivery

// CheckpointOut is the latest signed checkpoint of the event log.
type CheckpointOut struct {
	Size int64  `json:"size"`
	Root string `json:"root"` // base64
	Note string `json:"note"` // the signed note, verifiable with the log's public key
	Time string `json:"time"`
	// PublicKey is the key Note is signed with, as at GET /v1/audit/public-key; absent
	// only before the database records one.
	PublicKey string `json:"public_key,omitempty"`
}

// LogKey is the public key of the event log: anyone holding it checks a checkpoint
// offline, with golang.org/x/mod/sumdb/note.
type LogKey struct {
	// Key is the verifier key in the note format, "<name>+<hash>+<base64 key>":
	// note.NewVerifier takes it as it is.
	Key       string `json:"key"`
	Name      string `json:"name"`      // the signer's name on every checkpoint
	Origin    string `json:"origin"`    // the first line of every checkpoint
	Algorithm string `json:"algorithm"` // "ed25519"
}

// EventOut is a log entry on the wire; Data is the canonical JSON that was hashed.
type EventOut struct {
	Seq  int64  `json:"seq"`
	Time string `json:"time"`
	Type string `json:"type"`
	Data string `json:"data"`
	// LeafHash is the RFC 6962 leaf hash of the record "seq\ntime_ns\ntype\ndata".
	LeafHash string    `json:"leaf_hash"`
	TimeNS   StringInt `json:"time_ns"` // a decimal string: it exceeds 2^53
}

// Proof is an inclusion proof of one event in the tree of the latest checkpoint.
type Proof struct {
	Event      EventOut      `json:"event"`
	Checkpoint CheckpointOut `json:"checkpoint"`
	Hashes     []string      `json:"hashes"` // base64, as golang.org/x/mod/sumdb/tlog.RecordProof
}

// Consistency proves that the tree of an older size is a prefix of the latest one.
type Consistency struct {
	OldSize    int64         `json:"old_size"`
	Checkpoint CheckpointOut `json:"checkpoint"`
	Hashes     []string      `json:"hashes"`
}

// Health is the answer of the health checks.
type Health struct {
	Status string `json:"status"` // "ok" or "ready"
}

// The bodies of the domain routes: what a caller gives. What the platform works out
// (the acting party, statuses, times, amounts it computes) is not in them, nor are the
// ids of the records they make: the platform gives those (Tx.NewID). A
// document carries its organization's own number instead.
type (
	// RelationshipIn proposes a buyer–seller relationship; the caller is one side.
	RelationshipIn struct {
		BuyerID  string `json:"buyer_id"`
		SellerID string `json:"seller_id"`
	}
	// ProgramIn creates a program run by the calling anchor.
	ProgramIn struct {
		Name            string          `json:"name"`
		Currency        Currency        `json:"currency"`
		Limit           int64           `json:"limit" bound:"amount"`
		Products        []Product       `json:"products" unique:"true"`
		MaxTenorDays    int             `json:"max_tenor_days" bound:"days"`
		AdvanceRate     Rate            `json:"advance_rate"`
		DayCount        DayCount        `json:"day_count"`
		Calendar        string          `json:"calendar"`
		Tolerances      MatchTolerances `json:"tolerances"`
		BuyBack         bool            `json:"buy_back"`
		EarlyPaymentAPR *Rate           `json:"early_payment_apr,omitempty"`
		MarginCallLTV   *Rate           `json:"margin_call_ltv,omitempty"`
		SupplierLimit   int64           `json:"supplier_limit,omitempty" bound:"amount"`
		LateRate        *Rate           `json:"late_rate,omitempty"`
		// PaymentTermsDays: an invoice without a due date is due this many days after
		// it is issued.
		PaymentTermsDays int `json:"payment_terms_days,omitempty" bound:"days"`
		// DuplicateWindowDays: an invoice issued within this many days of an earlier
		// one of the same seller, buyer, currency and total is held for review (7
		// when absent, none when 0, at most 31).
		DuplicateWindowDays *int `json:"duplicate_window_days,omitempty"`
		// LateShipmentAllowanceDays: an order's goods may arrive this many days after
		// its deliver_by date before a late_shipment alert is raised (3 when absent,
		// at most 90).
		LateShipmentAllowanceDays *int `json:"late_shipment_allowance_days,omitempty"`
		// MarginCallDays: a margin call made by the margin_call alert action is due
		// this many days after it is made (5 when absent, 1 to 30).
		MarginCallDays *int `json:"margin_call_days,omitempty"`
		// Grades map the suppliers' grades to terms; DeclineBelow refuses the grades
		// worse than it (docs/CREDIT.md).
		Grades       []GradeTerms `json:"grades,omitempty"`
		DeclineBelow string       `json:"decline_below,omitempty"`
		// SettlementRail: ecny settles the program's maturities between the parties'
		// designated e-CNY wallets; by default, between their platform wallets.
		SettlementRail PaymentRail `json:"settlement_rail,omitempty"`
		// AlertActions: what the program does when an alert is raised on one of its
		// suppliers (notify, stop_financing, freeze, margin_call); none: notify.
		AlertActions []AlertAction `json:"alert_actions,omitempty" unique:"true"`
	}
	// GradeFloorIn is a funder's own grade floor in a program: requests from
	// suppliers of a worse grade are refused for it ("" sets none).
	GradeFloorIn struct {
		GradeFloor string `json:"grade_floor"`
	}
	// FunderIn invites a funder into a program.
	FunderIn struct {
		FunderID string  `json:"funder_id"`
		Limit    int64   `json:"limit" bound:"amount"`
		Pricing  Pricing `json:"pricing"`
	}
	// FunderAcceptIn is a funder accepting its invitation into a program: the terms
	// it accepts, limit and pricing, as the invitation shows them; or neither, for a
	// first invitation the anchor never changed.
	FunderAcceptIn struct {
		Limit   int64    `json:"limit,omitempty" bound:"amount"`
		Pricing *Pricing `json:"pricing,omitempty"`
	}
	// POLineIn is a line of an order.
	POLineIn struct {
		LineID    string `json:"line_id"`
		Item      string `json:"item"`
		Quantity  int64  `json:"quantity" bound:"quantity"`
		Unit      string `json:"unit"`
		UnitPrice int64  `json:"unit_price" bound:"price"`
	}
	// PurchaseOrderIn is an order the caller places as the buyer.
	PurchaseOrderIn struct {
		Number    string     `json:"number"` // the buyer's own, once per buyer
		SellerID  string     `json:"seller_id"`
		ProgramID string     `json:"program_id,omitempty"`
		Currency  Currency   `json:"currency"`
		Lines     []POLineIn `json:"lines" items:"order_lines"` // 1 to MaxOrderLines
		// DeliverBy is the day the goods are due; receipts after it count as late.
		DeliverBy *Date `json:"deliver_by,omitempty"`
	}
	// ShipmentIn is a shipment of an order, reported by the seller.
	ShipmentIn struct {
		Number    string `json:"number,omitempty"` // the caller's own (despatch advice, waybill), once per caller
		POID      string `json:"po_id"`
		CarrierID string `json:"carrier_id"`
	}
	// ShipmentEventIn is the carrier's report.
	ShipmentEventIn struct {
		Status   ShipmentStatus `json:"status"`
		Location string         `json:"location,omitempty"`
	}
	// GoodsReceiptIn is what the buyer received against an order.
	GoodsReceiptIn struct {
		Number string        `json:"number,omitempty"` // the buyer's own, once per buyer
		POID   string        `json:"po_id"`
		Lines  []ReceiptLine `json:"lines" items:"order_lines"` // 1 to MaxOrderLines
	}
	// InvoiceIn is the seller's invoice for an order.
	InvoiceIn struct {
		Number    string        `json:"number"` // the seller's own, once per seller
		BuyerID   string        `json:"buyer_id"`
		POID      string        `json:"po_id"`
		Currency  Currency      `json:"currency"`
		IssueDate Date          `json:"issue_date"`
		DueDate   Date          `json:"due_date,omitzero"`   // else after the program's payment terms
		Lines     []InvoiceLine `json:"lines" items:"lines"` // 1 to MaxInvoiceLines
		Allowance int64         `json:"allowance,omitempty" bound:"amount"`
		Charge    int64         `json:"charge,omitempty" bound:"amount"`
		Tax       int64         `json:"tax" bound:"amount"`
		Total     int64         `json:"total" bound:"amount"`
		Prepaid   int64         `json:"prepaid,omitempty" bound:"amount"`
		Rounding  int64         `json:"rounding,omitempty" bound:"amount"`
	}
	// DisputeIn says why the buyer disputes an invoice.
	DisputeIn struct {
		Reason string `json:"reason"`
	}
	// ClearHoldIn clears an invoice's hold for review, with the reason.
	ClearHoldIn struct {
		Reason string `json:"reason"`
	}
	// CreditNoteIn reduces an invoice.
	CreditNoteIn struct {
		Number string `json:"number"` // the seller's own, once per seller
		Amount int64  `json:"amount" bound:"amount"`
		Reason string `json:"reason"`
		// IssueDate is the day the seller issued it: 2000-01-01 to 2099-12-31, and not
		// after tomorrow in China Standard Time, as an invoice's; today there if none.
		IssueDate Date `json:"issue_date,omitzero"`
	}
	// CreditNoteByNumberIn credits the seller's invoice that has the number
	// InvoiceNumber, as an e-invoice credit note names it.
	CreditNoteByNumberIn struct {
		InvoiceNumber string `json:"invoice_number"`
		Number        string `json:"number"` // the seller's own, once per seller
		Amount        int64  `json:"amount" bound:"amount"`
		Reason        string `json:"reason"`
		IssueDate     Date   `json:"issue_date,omitzero"` // as CreditNoteIn's
	}
	// CertificateIn issues a certificate from the anchor's approved payables.
	CertificateIn struct {
		ProgramID  string   `json:"program_id"`
		PayableIDs []string `json:"payable_ids" items:"payables" unique:"true"` // 1 to MaxCertificatePayables
	}
	// SplitIn splits a piece into pieces whose faces add up to its face.
	SplitIn struct {
		Pieces []PieceIn `json:"pieces" items:"pieces"` // MinSplitPieces to MaxSplitPieces
	}
	// PieceIn is one piece of a split: its face. The answer gives the pieces in the
	// order asked, each with its new id.
	PieceIn struct {
		Face int64 `json:"face" bound:"amount"`
	}
	// CertificateTransferIn passes part or all of a piece to a trading partner.
	CertificateTransferIn struct {
		To     string `json:"to"`
		Amount int64  `json:"amount" bound:"amount"`
	}
	// FinancingIn requests a quote for financing an asset.
	// RepaymentIn is a borrower repaying a loan: the whole of it without an amount;
	// with one (minor units, positive: 0 is refused, not taken for the whole), that
	// much of a warehouse pledge loan's principal, a part repayment, which meets the
	// loan's margin call once the parts since the call reach the amount called.
	RepaymentIn struct {
		Amount *int64 `json:"amount,omitempty" bound:"amount"`
	}
	FinancingIn struct {
		Product   Product `json:"product"`
		ProgramID string  `json:"program_id"`
		FunderID  string  `json:"funder_id,omitempty"` // all products but dynamic discounting
		AssetID   string  `json:"asset_id"`            // the piece, payable, order or warehouse receipt
		// Disbursement, for an order: on_receipt (PO financing) or purpose_bound
		// (distributor financing); by default the funder pays the payee directly.
		Disbursement DisbursementMode `json:"disbursement,omitempty"`
		// Rail, for dynamic discounting: ecny pays the early payment from the anchor's
		// designated e-CNY wallet into the seller's; by default, platform wallet to
		// platform wallet.
		Rail PaymentRail `json:"rail,omitempty"`
	}
	// OfferIn takes an offer of GET /v1/offers: the asset, its program, the offer's
	// product and funder (for dynamic discounting, the program's anchor), and the price
	// the person was shown, which the quote made now must pay.
	OfferIn struct {
		Product   Product `json:"product"`
		ProgramID string  `json:"program_id"`
		FunderID  string  `json:"funder_id"`
		AssetID   string  `json:"asset_id"`
		Price     int64   `json:"price" bound:"amount"`
		// Rail, for dynamic discounting: ecny pays the early payment from the anchor's
		// designated e-CNY wallet into the seller's, as FinancingIn's; by default,
		// platform wallet to platform wallet.
		Rail PaymentRail `json:"rail,omitempty"`
	}
	// WarehouseReceiptIn is a receipt the calling warehouse issues for a lot.
	WarehouseReceiptIn struct {
		Number    string `json:"number,omitempty"` // the warehouse's own, once per warehouse
		LotID     string `json:"lot_id"`           // the warehouse's own name of the lot: one receipt per lot
		OwnerID   string `json:"owner_id"`
		Commodity string `json:"commodity"`
		Quantity  int64  `json:"quantity" bound:"quantity"`
		Unit      string `json:"unit"`
	}
	// TelemetryIn is a reading of a registered device: the quantity it counts in the
	// receipt's lot, signed by the device over the reading's canonical bytes
	// (Reading.SignedBytes). A reading without a device and a signature is refused as
	// unsigned (telemetry_unsigned), whatever else it lacks.
	TelemetryIn struct {
		DeviceID string    `json:"device_id,omitempty"`
		Sequence int64     `json:"sequence,omitempty" bound:"sequence"`
		ReadAt   time.Time `json:"read_at,omitzero"`
		Quantity int64     `json:"quantity" bound:"quantity"`
		// Optional figures, signed with the rest (the canonical bytes' v2): the
		// temperature in thousandths of a degree Celsius, the position in millionths
		// of a degree, the door's state.
		Temperature *int64 `json:"temperature_mdegc,omitempty" bound:"millicelsius"`
		Latitude    *int64 `json:"lat_udeg,omitempty" bound:"latitude"`
		Longitude   *int64 `json:"lon_udeg,omitempty" bound:"longitude"`
		DoorOpen    *bool  `json:"door_open,omitempty"`
		Signature   string `json:"signature,omitempty"` // Ed25519, in standard base64
	}
	// DeviceIn registers a sensor of the calling warehouse: the lot it watches (none:
	// every lot of the warehouse) and its Ed25519 public key (32 bytes, base64).
	// warehouse_id, if given, is the caller's own (the operator names any warehouse).
	DeviceIn struct {
		WarehouseID string `json:"warehouse_id,omitempty"`
		LotID       string `json:"lot_id,omitempty"`
		Name        string `json:"name,omitempty"`
		PublicKey   string `json:"public_key"` // standard base64
		// HeartbeatSeconds: the device reports at least this often (60 to 604800), or
		// a sensor_silent alert is raised; 0 or none: not watched for silence.
		HeartbeatSeconds int64 `json:"heartbeat_seconds,omitempty" bound:"heartbeat"`
		// The bounds the device's readings are held to, each optional: readings of a
		// pledged lot outside them raise alerts (docs/CREDIT.md).
		Temperature *TemperatureRange `json:"temperature_range,omitempty"`
		Geofence    *Geofence         `json:"geofence,omitempty"`
		DoorHours   *DoorHours        `json:"door_hours,omitempty"`
	}
	// DeviceReplaceIn replaces a device by a new one that watches what it watched.
	DeviceReplaceIn struct {
		Name      string `json:"name,omitempty"`
		PublicKey string `json:"public_key"` // standard base64
	}
	// PriceMarkIn is a commodity's market price.
	PriceMarkIn struct {
		Commodity string   `json:"commodity"`
		Currency  Currency `json:"currency"`
		Price     int64    `json:"price" bound:"price"`
	}
	// InboundPaymentIn is a rail's notice of money received for an organization.
	InboundPaymentIn struct {
		Rail          string   `json:"rail"`
		InstructionID string   `json:"instruction_id"`
		OrgID         string   `json:"org_id"`
		Currency      Currency `json:"currency"`
		Amount        int64    `json:"amount" bound:"amount"`
	}
	// WithdrawalIn pays money out of the caller's wallet to its account on a rail.
	WithdrawalIn struct {
		Rail          string   `json:"rail"`
		InstructionID string   `json:"instruction_id"`
		Currency      Currency `json:"currency"`
		Amount        int64    `json:"amount" bound:"amount"`
	}
	// PaymentOut is a recorded payment; Replayed says the instruction was recorded before.
	PaymentOut struct {
		InstructionID string `json:"instruction_id"`
		Replayed      bool   `json:"replayed"`
		// CreditTransferID is the instruction to the bank a withdrawal over the bank
		// rail made (GET /v1/credit-transfers/{id}); a replay's is the one the first
		// made.
		CreditTransferID string `json:"credit_transfer_id,omitempty"`
	}
	// SettlementIn runs maturity settlement of a program's pieces due on a date.
	SettlementIn struct {
		ProgramID string `json:"program_id"`
		Date      Date   `json:"date"`
	}
	// CertificateOut is a piece with its lineage: the pieces from the root to it, and
	// the payables, invoices and orders behind the root.
	CertificateOut struct {
		Certificate
		Lineage *Lineage `json:"lineage"`
	}
)

// Lineage is where a piece of a certificate comes from: its ancestors up to the root,
// and the root's payables, their invoices and purchase orders.
type Lineage struct {
	Pieces   []Certificate   `json:"pieces"` // root first, the piece asked for last
	Payables []Payable       `json:"payables"`
	Invoices []Invoice       `json:"invoices"`
	Orders   []PurchaseOrder `json:"purchase_orders"`
}

// Summarize keeps, of the invoices and orders viewer is not party to, what a holder
// finances on: who owes whom, how much, when, and whether the three-way match passed.
// Their lines (items, quantities and prices) stay between the buyer and the seller.
func (l *Lineage) Summarize(viewer string) {
	for i := range l.Invoices {
		inv := &l.Invoices[i]
		if slices.Contains(inv.Parties(), viewer) {
			continue
		}
		inv.Lines = []InvoiceLine{}
		if inv.Match != nil {
			inv.Match = &MatchResult{OK: inv.Match.OK, Lines: []LineMatch{}, Reasons: inv.Match.Reasons}
		}
	}
	for i := range l.Orders {
		if po := &l.Orders[i]; !slices.Contains(po.Parties(), viewer) {
			po.Lines = []POLine{}
		}
	}
}

// SettlementResult is what a settlement run did.
type SettlementResult struct {
	ProgramID string   `json:"program_id"`
	Date      string   `json:"date"`
	Paid      []string `json:"paid"`
	PaidTotal int64    `json:"paid_total"`
	// LateInterest is what the anchor paid holders for paying after maturity.
	LateInterest int64 `json:"late_interest"`
	// Overdue are the pieces the anchor's wallet could not pay; they stay active.
	Overdue []string `json:"overdue"`
	// Shortfall is what the overdue pieces are owed as of the run: their faces and the
	// late interest each has run up since maturity.
	Shortfall int64 `json:"shortfall"`
	// Refused are the pieces a program settled on the e-CNY rail could not pay: a
	// party with no designated wallet, or a payment past a wallet's limit. Each stays
	// unsettled, with its reason; the others are paid.
	Refused []SettlementRefusal `json:"refused,omitempty"`
}

// SettlementRefusal is a piece a settlement run did not pay, with the refusal's
// stable code and message.
type SettlementRefusal struct {
	PieceID string `json:"piece_id"`
	Code    string `json:"code"`
	Message string `json:"message"`
}
