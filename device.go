package linkfin

import (
	"crypto/ed25519"
	"encoding/hex"
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
	// The bounds its readings are held to, each optional: the temperature range of the
	// goods, the geofence of the lot, the hours its door may open (docs/CREDIT.md).
	Temperature *TemperatureRange `json:"temperature_range,omitempty"`
	Geofence    *Geofence         `json:"geofence,omitempty"`
	DoorHours   *DoorHours        `json:"door_hours,omitempty"`
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

// KindDeviceKey is the record kind of the registry of devices' public keys.
const KindDeviceKey = "device_key"

// DeviceKey says which device a public key is: a key names one device for good,
// active or retired, so that a reading it signs is that device's alone. Its id is
// DeviceKeyID of the key. It has no parties: only the operator reads it, so a key
// another warehouse registered tells a warehouse nothing but that it is taken.
type DeviceKey struct {
	ID          string `json:"id"`
	DeviceID    string `json:"device_id"`
	WarehouseID string `json:"warehouse_id"`
}

// DeviceKeyID is the id of a public key's registry record: the key in hex.
func DeviceKeyID(key []byte) string { return hex.EncodeToString(key) }

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

// TemperatureRange is the range a lot's goods are kept in, in thousandths of a degree
// Celsius (−18 °C is −18000), both ends allowed.
type TemperatureRange struct {
	Min int64 `json:"min_mdegc" bound:"millicelsius"`
	Max int64 `json:"max_mdegc" bound:"millicelsius"`
}

// Geofence is the box a lot stays in, in millionths of a degree of latitude and
// longitude (WGS 84; 31.230416° N is 31230416), edges inside. It does not cross the
// antimeridian.
type Geofence struct {
	MinLat int64 `json:"min_lat_udeg" bound:"latitude"`
	MaxLat int64 `json:"max_lat_udeg" bound:"latitude"`
	MinLon int64 `json:"min_lon_udeg" bound:"longitude"`
	MaxLon int64 `json:"max_lon_udeg" bound:"longitude"`
}

// DoorHours are the hours a lot's door may open: from From (inclusive) to Until
// (exclusive), "HH:MM", at UTC offset UTCOffsetMinutes (480, China's time, when
// absent). From after Until spans midnight.
type DoorHours struct {
	From             string `json:"from"`
	Until            string `json:"until"`
	UTCOffsetMinutes *int   `json:"utc_offset_minutes,omitempty"`
}

// Bounds of the figures of devices and readings.
const (
	MinMilliCelsius = -273_150    // absolute zero
	MaxMilliCelsius = 1_000_000   // 1000 °C
	MaxLatitude     = 90_000_000  // millionths of a degree
	MaxLongitude    = 180_000_000 // millionths of a degree
)

// Offset is the hours' UTC offset, in minutes.
func (h *DoorHours) Offset() int {
	if h.UTCOffsetMinutes == nil {
		return 480
	}
	return *h.UTCOffsetMinutes
}

// minuteOf reads "HH:MM" as minutes after midnight.
func minuteOf(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	h, err1 := strconv.Atoi(s[:2])
	m, err2 := strconv.Atoi(s[3:])
	if err1 != nil || err2 != nil || s[0] == '+' || s[3] == '+' || h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, false
	}
	return h*60 + m, true
}

// Allows reports whether the door may open at t.
func (h *DoorHours) Allows(t time.Time) bool {
	from, _ := minuteOf(h.From)
	until, _ := minuteOf(h.Until)
	local := t.UTC().Add(time.Duration(h.Offset()) * time.Minute)
	m := local.Hour()*60 + local.Minute()
	if from <= until {
		return m >= from && m < until
	}
	return m >= from || m < until
}

// Contains reports whether the position is inside the geofence.
func (g *Geofence) Contains(lat, lon int64) bool {
	return lat >= g.MinLat && lat <= g.MaxLat && lon >= g.MinLon && lon <= g.MaxLon
}

// ValidateBounds checks a device's bounds.
func ValidateBounds(t *TemperatureRange, g *Geofence, h *DoorHours) error {
	if t != nil && (t.Min < MinMilliCelsius || t.Max > MaxMilliCelsius || t.Min > t.Max) {
		return Errorf(EINVALID, "temperature_range: min_mdegc ≤ max_mdegc, from %d to %d thousandths of a degree Celsius", MinMilliCelsius, MaxMilliCelsius)
	}
	if g != nil && (g.MinLat < -MaxLatitude || g.MaxLat > MaxLatitude || g.MinLat > g.MaxLat ||
		g.MinLon < -MaxLongitude || g.MaxLon > MaxLongitude || g.MinLon > g.MaxLon) {
		return Errorf(EINVALID, "geofence: min ≤ max, latitudes within ±%d and longitudes within ±%d millionths of a degree", MaxLatitude, MaxLongitude)
	}
	if h != nil {
		from, ok1 := minuteOf(h.From)
		until, ok2 := minuteOf(h.Until)
		if !ok1 || !ok2 || from == until {
			return Errorf(EINVALID, "door_hours: from and until are two different times, \"HH:MM\"")
		}
		if o := h.Offset(); o < -720 || o > 840 {
			return Errorf(EINVALID, "door_hours: utc_offset_minutes is from -720 to 840")
		}
	}
	return nil
}

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
	// What else the device read, each optional: the temperature in thousandths of a
	// degree Celsius, the position in millionths of a degree (both or neither), and
	// whether the door is open.
	Temperature *int64 `json:"temperature_mdegc,omitempty"`
	Latitude    *int64 `json:"lat_udeg,omitempty"`
	Longitude   *int64 `json:"lon_udeg,omitempty"`
	DoorOpen    *bool  `json:"door_open,omitempty"`
	Signature   []byte `json:"signature"`            // Ed25519 over SignedBytes; base64 in JSON
	PublicKey   []byte `json:"public_key,omitempty"` // the device's, as registered
}

// ReadingDomain opens the bytes a device signs: it names what they are, so that a
// signature over them is never one over anything else. A reading with a temperature,
// a position or a door state is signed under ReadingDomainV2, with them.
const (
	ReadingDomain   = "linkfin telemetry v1"
	ReadingDomainV2 = "linkfin telemetry v2"
)

// Extended reports whether the reading carries more than a count: it is signed under
// ReadingDomainV2.
func (r *Reading) Extended() bool {
	return r.Temperature != nil || r.Latitude != nil || r.Longitude != nil || r.DoorOpen != nil
}

// ValidateFigures checks what a reading carries besides its count.
func (r *Reading) ValidateFigures() error {
	if t := r.Temperature; t != nil && (*t < MinMilliCelsius || *t > MaxMilliCelsius) {
		return Errorf(EOUTOFRANGE, "temperature_mdegc is from %d to %d", MinMilliCelsius, MaxMilliCelsius)
	}
	if (r.Latitude == nil) != (r.Longitude == nil) {
		return Errorf(EINVALID, "a position is lat_udeg and lon_udeg, both")
	}
	if r.Latitude != nil && (*r.Latitude < -MaxLatitude || *r.Latitude > MaxLatitude || *r.Longitude < -MaxLongitude || *r.Longitude > MaxLongitude) {
		return Errorf(EOUTOFRANGE, "lat_udeg is within ±%d and lon_udeg within ±%d", MaxLatitude, MaxLongitude)
	}
	return nil
}

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
	EDEVICEKEYTAKEN      = "device_key_taken"    // the public key is another device's
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
// Ids and numbers hold no line feed, so two readings never share their bytes. A
// reading with a temperature, a position or a door state (Extended) opens with
// "linkfin telemetry v2" instead, and four lines follow the quantity: the temperature,
// the latitude, the longitude (each in decimal, or empty when not read) and the door
// ("open", "closed", or empty).
func (r *Reading) SignedBytes() []byte {
	b := make([]byte, 0, 160)
	if r.Extended() {
		b = append(b, ReadingDomainV2...)
	} else {
		b = append(b, ReadingDomain...)
	}
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
	b = append(b, '\n')
	if !r.Extended() {
		return b
	}
	for _, v := range []*int64{r.Temperature, r.Latitude, r.Longitude} {
		if v != nil {
			b = strconv.AppendInt(b, *v, 10)
		}
		b = append(b, '\n')
	}
	switch {
	case r.DoorOpen == nil:
	case *r.DoorOpen:
		b = append(b, "open"...)
	default:
		b = append(b, "closed"...)
	}
	return append(b, '\n')
}

// Sign signs the reading with the device's private key.
func (r *Reading) Sign(key ed25519.PrivateKey) { r.Signature = ed25519.Sign(key, r.SignedBytes()) }

// Verify reports whether the reading's signature is the key's over its canonical bytes.
func (r *Reading) Verify(key []byte) bool {
	return len(key) == ed25519.PublicKeySize && len(r.Signature) == ed25519.SignatureSize &&
		ed25519.Verify(key, r.SignedBytes(), r.Signature)
}
