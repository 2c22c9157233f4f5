package linkfin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
)

// The registry of record kinds. Every kind of domain record that the engine may write
// is registered, with a maker of an empty record of its Go type: the engine refuses
// to write a kind that is not, and the auditor decodes every record of the log through
// it (to check its id, and the party index its parties make). So a new kind cannot be
// written until it is registered, and once registered, the conformance suite writes
// one of it and verifies the database.
var (
	kindsMu sync.RWMutex
	kinds   = map[string]func() any{
		KindOrganization:       func() any { return new(Organization) },
		KindRelationship:       func() any { return new(Relationship) },
		KindProgram:            func() any { return new(Program) },
		KindPurchaseOrder:      func() any { return new(PurchaseOrder) },
		KindGoodsReceipt:       func() any { return new(GoodsReceipt) },
		KindShipment:           func() any { return new(Shipment) },
		KindInvoice:            func() any { return new(Invoice) },
		KindPayable:            func() any { return new(Payable) },
		KindCreditNote:         func() any { return new(CreditNote) },
		KindInvoiceNumber:      func() any { return new(InvoiceNumber) },
		KindFoldedID:           func() any { return new(FoldedID) },
		KindInvoiceFingerprint: func() any { return new(InvoiceFingerprint) },
		KindIdentifier:         func() any { return new(IdentifierHolder) },
		KindCertificate:        func() any { return new(Certificate) },
		KindMaturity:           func() any { return new(Maturity) },
		KindFinancing:          func() any { return new(Financing) },
		KindWarehouseReceipt:   func() any { return new(WarehouseReceipt) },
		KindLot:                func() any { return new(Lot) },
		KindPriceMark:          func() any { return new(PriceMark) },
		KindAPIKey:             func() any { return new(APIKey) },
		KindAPIKeyQuota:        func() any { return new(APIKeyQuota) },
		KindUserKeys:           func() any { return new(UserKeys) },
		KindWebhookEndpoint:    func() any { return new(WebhookEndpoint) },
		KindWebhookQuota:       func() any { return new(WebhookQuota) },
		KindWebhookDelivery:    func() any { return new(WebhookDelivery) },
		KindUser:               func() any { return new(User) },
		KindUserName:           func() any { return new(UserName) },
		KindCredential:         func() any { return new(Credential) },
		KindSession:            func() any { return new(Session) },
		KindSignInPolicy:       func() any { return new(SignInPolicy) },
		KindAttribution:        func() any { return new(Attribution) },
		KindCreditTransfer:     func() any { return new(CreditTransfer) },
		KindPaymentQueue:       func() any { return new(PaymentQueue) },
		KindPaymentQueueChunk:  func() any { return new(PaymentQueueChunk) },
		KindPaymentFile:        func() any { return new(PaymentFile) },
		KindPaymentDebtor:      func() any { return new(PaymentDebtor) },
		KindECNYWallet:         func() any { return new(ECNYWallet) },
		KindECNYPayment:        func() any { return new(ECNYPayment) },
		KindScorecard:          func() any { return new(Scorecard) },
		KindScoreModel:         func() any { return new(ScoreModel) },
		KindDevice:             func() any { return new(Device) },
		KindDeviceKey:          func() any { return new(DeviceKey) },
	}
)

// RegisterKind registers a record kind defined outside this package (the platform's
// own record, a test's), with a maker of an empty record of its type. A kind is a
// lower-case word without a dot; registering one twice with another type panics.
func RegisterKind(kind string, mk func() any) {
	if kind == "" || strings.ContainsAny(kind, ". ") || kind == "account" || kind == "transfer" || kind == "idempotency" {
		panic(fmt.Sprintf("linkfin: %q cannot be a record kind", kind))
	}
	kindsMu.Lock()
	defer kindsMu.Unlock()
	if old, ok := kinds[kind]; ok && reflect.TypeOf(old()) != reflect.TypeOf(mk()) {
		panic(fmt.Sprintf("linkfin: record kind %q registered twice", kind))
	}
	kinds[kind] = mk
}

// KnownKind reports whether kind is a registered record kind.
func KnownKind(kind string) bool {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	_, ok := kinds[kind]
	return ok
}

// Kinds lists the registered record kinds, sorted.
func Kinds() []string {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	out := make([]string, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// NewRecord returns an empty record of the kind's type, or nil for a kind that is not
// registered.
func NewRecord(kind string) any {
	kindsMu.RLock()
	mk := kinds[kind]
	kindsMu.RUnlock()
	if mk == nil {
		return nil
	}
	return mk()
}

// RecordID reads a record's id: the string member "id" of its JSON object, which every
// record holds (the engine writes none without it). Its name is matched exactly, as
// written.
func RecordID(data []byte) (string, error) {
	// Records encoded from Go structs start with their id, which needs no escaping:
	// read it without decoding the whole record.
	if rest, ok := bytes.CutPrefix(data, []byte(`{"id":"`)); ok {
		if end := bytes.IndexAny(rest, `"\`); end > 0 && rest[end] == '"' {
			return string(rest[:end]), nil
		}
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(data, &members); err != nil {
		return "", fmt.Errorf("not a JSON object: %w", err)
	}
	raw, ok := members["id"]
	if !ok {
		return "", fmt.Errorf("no \"id\"")
	}
	var id string
	if err := json.Unmarshal(raw, &id); err != nil || id == "" {
		return "", fmt.Errorf("\"id\" is not a non-empty string")
	}
	return id, nil
}

// RecordIDOf names the record a version of the kind holds (its data): its id, or for
// a webhook quota counted before every record held its id, its organization's. The kind
// must be one linkfin knows.
func RecordIDOf(kind string, data []byte) (string, error) {
	if !KnownKind(kind) {
		return "", fmt.Errorf("a record of kind %q, which linkfin does not know", kind)
	}
	id, err := RecordID(data)
	if err != nil && kind == KindWebhookQuota {
		var q WebhookQuota
		if json.Unmarshal(data, &q) == nil && q.OrgID != "" {
			return q.OrgID, nil
		}
	}
	if err != nil {
		return "", fmt.Errorf("a %s record without its id: %v", kind, err)
	}
	return id, nil
}

// RecordOf names the record whose version the event wrote: its kind is the event
// type's first word, its id is in its data. ok is false for an event that wrote no
// record: the ledger's (accounts, transfers, expiries, which name no domain record),
// the saved answers', and one the engine would not have written (of a kind linkfin
// does not know, or without its record's id), which the auditor reports.
func RecordOf(e *Event) (key ObjectKey, ok bool) {
	if e.TransferID != 0 {
		return ObjectKey{}, false
	}
	kind := e.Kind()
	id, err := RecordIDOf(kind, e.Data)
	if err != nil {
		return ObjectKey{}, false
	}
	return ObjectKey{Kind: kind, ID: id}, true
}
