package linkfin

import (
	"crypto/ed25519"
	"strconv"
	"time"
)

// KindDevice is the record kind of a warehouse's sensors: each one registered with the
// Ed25519 public key its readings are signed with.
const KindDevice = "device"

// DeviceStatus is whether a device's readings are taken.
type DeviceStatus string

const (
	DeviceActive  DeviceStatus = "active"
	DeviceRetired DeviceStatus = "retired" // for good: its readings are refused
)

// Device is a sensor a warehouse registered: the lot it watches (or, with no lot, every
// lot of the warehouse) and the public key of the key pair it signs its readings with.
// Sequence is the sequence number of the last reading taken from it: each reading
// carries a greater one.
type Device struct {
	ID          string       `json:"id"`
	WarehouseID string       `json:"warehouse_id"`
	LotID       string       `json:"lot_id,omitempty"`
	Name        string       `json:"name,omitempty"`
	PublicKey   []byte       `json:"public_key"` // Ed25519, 32 bytes; base64 in JSON
	Status      DeviceStatus `json:"status"`
	Sequence    int64        `json:"sequence"`
	LastReadAt  *time.Time   `json:"last_read_at,omitempty"`
	// HeartbeatSeconds is how often the device reports at least (0: not watched for
	// silence). A device silent for longer raises sensor_silent once per silence:
	// SilentSince is when the scheduler found it silent, cleared by its next reading.
	HeartbeatSeconds int64      `json:"heartbeat_seconds,omitempty"`
	SilentSince      *time.Time `json:"silent_since,omitempty"`
	// ReceiptID is the receipt its last reading counted.
	ReceiptID  string     `json:"receipt_id,omitempty"`
	Replaces   string     `json:"replaces,omitempty"`    // the device this one replaced
	ReplacedBy string     `json:"replaced_by,omitempty"` // the device that replaced this one
	CreatedAt  time.Time  `json:"created_at"`
	RetiredAt  *time.Time `json:"retired_at,omitempty"`
}

// Parties implements Partied: the warehouse alone. What its devices read is on the
// receipts they count, which the receipts' parties see.
func (d *Device) Parties() []string { return parties(d.WarehouseID) }

// Heartbeats: a device watched for silence reports at least every
// MinHeartbeatSeconds to MaxHeartbeatSeconds.
const (
	MinHeartbeatSeconds = 60
	MaxHeartbeatSeconds = 7 * 24 * 3600
)

// QuietAfter is the instant after which the device is silent: its last reading (its
// registration, before any) plus its heartbeat. ok is false when it is not watched for
// silence: retired, no heartbeat, or found silent already.
func (d *Device) QuietAfter() (at time.Time, ok bool) {
	if d.Status != DeviceActive || d.HeartbeatSeconds <= 0 || d.SilentSince != nil {
		return time.Time{}, false
	}
	last := d.CreatedAt
	if d.LastReadAt != nil {
		last = *d.LastReadAt
	}
	return last.Add(time.Duration(d.HeartbeatSeconds) * time.Second).UTC(), true
}

// IndexTime is the form of instants in index values: UTC, to the second, fixed width,
// so that their order is the order of the strings.
const IndexTime = "2006-01-02T15:04:05Z"

// Watches reports whether the device watches the lot of the warehouse.
func (d *Device) Watches(warehouse, lot string) bool {
	return d.WarehouseID == warehouse && (d.LotID == "" || d.LotID == lot)
}

// Reading is what a device read from a lot, signed with its key: the quantity it
// counted, when, and the reading's sequence number. The receipt it counts keeps the last
// one, with the device's public key, so that the receipt's history in the log holds
// every reading as it was signed.
type Reading struct {
	DeviceID  string    `json:"device_id"`
	ReceiptID string    `json:"receipt_id"`
	Sequence  int64     `json:"sequence"`
	ReadAt    time.Time `json:"read_at"`
	Quantity  int64     `json:"quantity"`
	Signature []byte    `json:"signature"`            // Ed25519 over SignedBytes; base64 in JSON
	PublicKey []byte    `json:"public_key,omitempty"` // the device's, as registered
}

// ReadingDomain opens the bytes a device signs: it names what they are, so that a
// signature over them is never one over anything else.
const ReadingDomain = "linkfin telemetry v1"

// MaxSequence is the greatest sequence number of a reading: 2^53 − 1, which every JSON
// reader holds exactly.
const MaxSequence int64 = 1<<53 - 1

// Telemetry's window of time: a reading is taken only if it was read at most
// TelemetryWindow before the time of the batch that takes it, and at most TelemetrySkew
// after it (the device's clock may run a little ahead).
const (
	TelemetryWindow = 15 * time.Minute
	TelemetrySkew   = time.Minute
)

// Error codes of telemetry and devices.
const (
	ETELEMETRYUNSIGNED   = "telemetry_unsigned"     // no device or no signature
	ETELEMETRYFORGED     = "telemetry_forged"       // the signature is not the device's over the reading
	ETELEMETRYREPLAYED   = "telemetry_replayed"     // the device's last sequence number again
	ETELEMETRYOUTOFORDER = "telemetry_out_of_order" // a sequence number below the device's last
	ETELEMETRYSTALE      = "telemetry_stale"        // read outside the window of time
	EDEVICEUNKNOWN       = "device_unknown"         // no such device of the warehouse
	EDEVICERETIRED       = "device_retired"
	EDEVICENOTWATCHING   = "device_not_watching" // the device watches another lot
	EDEVICEKEY           = "device_key_invalid"  // not an Ed25519 public key
)

// SignedBytes is the canonical form of a reading, the bytes its device signs: six lines,
// each ended by a line feed (0x0A), in UTF-8:
//
//	linkfin telemetry v1
//	<device_id>
//	<receipt_id>
//	<sequence, in decimal>
//	<read_at, RFC 3339 in UTC with as many fractional digits as it has: time.RFC3339Nano>
//	<quantity, in decimal>
//
// Ids and numbers hold no line feed, so two readings never share their bytes.
func (r *Reading) SignedBytes() []byte {
	b := make([]byte, 0, 128)
	b = append(b, ReadingDomain...)
	b = append(b, '\n')
	b = append(b, r.DeviceID...)
	b = append(b, '\n')
	b = append(b, r.ReceiptID...)
	b = append(b, '\n')
	b = strconv.AppendInt(b, r.Sequence, 10)
	b = append(b, '\n')
	b = r.ReadAt.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, '\n')
	b = strconv.AppendInt(b, r.Quantity, 10)
	return append(b, '\n')
}

// Sign signs the reading with the device's private key.
func (r *Reading) Sign(key ed25519.PrivateKey) { r.Signature = ed25519.Sign(key, r.SignedBytes()) }

// Verify reports whether the reading's signature is the key's over its canonical bytes.
func (r *Reading) Verify(key []byte) bool {
	return len(key) == ed25519.PublicKeySize && len(r.Signature) == ed25519.SignatureSize &&
		ed25519.Verify(key, r.SignedBytes(), r.Signature)
}
