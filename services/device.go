package services

import (
	"crypto/ed25519"
	"fmt"
	"time"

	"linkfin"
)

// RegisterDevice is a warehouse registering a sensor: the lot it watches (none: every
// lot of the warehouse) and the Ed25519 public key it signs its readings with. Only
// readings of a registered, active device count a lot (ReportTelemetry). A key names
// one device for good: one that another device has, of any warehouse, active or
// retired, is refused, linkfin.EDEVICEKEYTAKEN (the registry of keys, read and written
// by the command, makes two registrations of one key at once take one).
type RegisterDevice struct {
	Actor  string // the warehouse
	Device linkfin.Device
}

// Keys implements linkfin.Command.
func (c *RegisterDevice) Keys() []linkfin.ObjectKey {
	return append(append(idKeys(linkfin.KindDevice, c.Device.ID), linkfin.ObjectKey{Kind: linkfin.KindOrganization, ID: c.Actor}),
		deviceKeyKeys(c.Device.PublicKey)...)
}

// deviceKeyKeys lists the registry record of a public key, for the prefetch.
func deviceKeyKeys(key []byte) []linkfin.ObjectKey {
	if len(key) != ed25519.PublicKeySize { // refused before it is read
		return nil
	}
	return []linkfin.ObjectKey{{Kind: linkfin.KindDeviceKey, ID: linkfin.DeviceKeyID(key)}}
}

// Validate implements linkfin.Validator.
func (c *RegisterDevice) Validate() error {
	if err := validateDevice(c.Device.LotID, c.Device.Name, c.Device.PublicKey); err != nil {
		return err
	}
	if err := validateHeartbeat(c.Device.HeartbeatSeconds); err != nil {
		return err
	}
	return linkfin.ValidateBounds(c.Device.Temperature, c.Device.Geofence, c.Device.DoorHours)
}

// validateHeartbeat checks a device's heartbeat: none (0), or MinHeartbeatSeconds to
// MaxHeartbeatSeconds.
func validateHeartbeat(seconds int64) error {
	if seconds != 0 && (seconds < linkfin.MinHeartbeatSeconds || seconds > linkfin.MaxHeartbeatSeconds) {
		return linkfin.Errorf(linkfin.EINVALID, "heartbeat_seconds is 0 (not watched for silence) or %d to %d",
			linkfin.MinHeartbeatSeconds, linkfin.MaxHeartbeatSeconds)
	}
	return nil
}

func validateDevice(lot, name string, key []byte) error {
	if err := linkfin.OptionalID("lot_id", lot); err != nil {
		return err
	}
	if name != "" {
		if err := linkfin.ValidateText("name", name, linkfin.MaxName, false); err != nil {
			return err
		}
	}
	if len(key) != ed25519.PublicKeySize {
		return linkfin.Errorf(linkfin.EDEVICEKEY, "a device's public key is an Ed25519 key: 32 bytes, in base64")
	}
	return nil
}

// Apply implements linkfin.Command.
func (c *RegisterDevice) Apply(tx linkfin.Tx) (any, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	wh, err := organization(tx, c.Actor)
	if err != nil {
		return nil, err
	}
	if !wh.Can(linkfin.CapLogistics) {
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only a warehouse registers devices")
	}
	d := c.Device
	if d.ID, err = newID(tx, linkfin.KindDevice, d.ID); err != nil {
		return nil, err
	}
	d.WarehouseID, d.Status, d.Sequence, d.LastReadAt, d.CreatedAt = c.Actor, linkfin.DeviceActive, 0, nil, tx.Now()
	d.ReplacedBy, d.RetiredAt, d.SilentSince, d.ReceiptID = "", nil, nil, ""
	if err := claimKey(tx, &d); err != nil {
		return nil, err
	}
	return &d, tx.Put(linkfin.KindDevice, d.ID, &d, "device.registered")
}

// claimKey records the device's public key as the device's, refusing one another
// device has. The command lists the key's registry record.
func claimKey(tx linkfin.Tx, d *linkfin.Device) error {
	id := linkfin.DeviceKeyID(d.PublicKey)
	if found, err := tx.Get(linkfin.KindDeviceKey, id, nil); err != nil {
		return err
	} else if found {
		return linkfin.Errorf(linkfin.EDEVICEKEYTAKEN, "this public key is registered to another device: a key names one device, for good; give the device a key of its own")
	}
	return tx.Put(linkfin.KindDeviceKey, id, &linkfin.DeviceKey{ID: id, DeviceID: d.ID, WarehouseID: d.WarehouseID}, "device_key.registered")
}

// device reads a device of the warehouse: another's, or none, is not found.
func device(tx linkfin.Tx, warehouse, id string) (*linkfin.Device, error) {
	var d linkfin.Device
	if found, err := tx.Get(linkfin.KindDevice, id, &d); err != nil {
		return nil, err
	} else if !found || d.WarehouseID != warehouse {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "device %s not found", id)
	}
	return &d, nil
}

// RetireDevice is the warehouse retiring a device for good: its readings are refused
// from now on. Retiring a retired device changes nothing.
type RetireDevice struct {
	Actor string
	ID    string
}

// Keys implements linkfin.Command.
func (c *RetireDevice) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindDevice, ID: c.ID}}
}

// Validate implements linkfin.Validator.
func (c *RetireDevice) Validate() error { return ids("device id", c.ID) }

// Apply implements linkfin.Command.
func (c *RetireDevice) Apply(tx linkfin.Tx) (any, error) {
	d, err := device(tx, c.Actor, c.ID)
	if err != nil || d.Status == linkfin.DeviceRetired {
		return d, err
	}
	now := tx.Now()
	d.Status, d.RetiredAt = linkfin.DeviceRetired, &now
	return d, tx.Put(linkfin.KindDevice, d.ID, d, "device.retired")
}

// ReplaceDevice is the warehouse replacing an active device by a new one with a new
// key, watching what the old one watched: the old one is retired, the new one names
// it, and its readings start again at any sequence number above 0. A key another
// device has, the old one's too, is refused as RegisterDevice refuses it.
type ReplaceDevice struct {
	Actor     string
	ID        string // the device replaced
	NewID     string // the new device's; the platform gives one if empty
	Name      string
	PublicKey []byte
}

// Keys implements linkfin.Command.
func (c *ReplaceDevice) Keys() []linkfin.ObjectKey {
	return append(append(idKeys(linkfin.KindDevice, c.NewID), linkfin.ObjectKey{Kind: linkfin.KindDevice, ID: c.ID}),
		deviceKeyKeys(c.PublicKey)...)
}

// Validate implements linkfin.Validator.
func (c *ReplaceDevice) Validate() error {
	if err := ids("device id", c.ID); err != nil {
		return err
	}
	return validateDevice("", c.Name, c.PublicKey)
}

// Apply implements linkfin.Command.
func (c *ReplaceDevice) Apply(tx linkfin.Tx) (any, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	old, err := device(tx, c.Actor, c.ID)
	if err != nil {
		return nil, err
	}
	if old.Status != linkfin.DeviceActive {
		return nil, linkfin.Errorf(linkfin.EDEVICERETIRED, "device %s is retired: only an active device is replaced", old.ID)
	}
	id, err := newID(tx, linkfin.KindDevice, c.NewID)
	if err != nil {
		return nil, err
	}
	now := tx.Now()
	d := linkfin.Device{ID: id, WarehouseID: old.WarehouseID, LotID: old.LotID, Name: c.Name, PublicKey: c.PublicKey,
		Status: linkfin.DeviceActive, HeartbeatSeconds: old.HeartbeatSeconds, Temperature: old.Temperature, Geofence: old.Geofence,
		DoorHours: old.DoorHours, Replaces: old.ID, CreatedAt: now}
	if d.Name == "" {
		d.Name = old.Name
	}
	if err := claimKey(tx, &d); err != nil {
		return nil, err
	}
	old.Status, old.RetiredAt, old.ReplacedBy = linkfin.DeviceRetired, &now, d.ID
	if err := tx.Put(linkfin.KindDevice, old.ID, old, "device.retired"); err != nil {
		return nil, err
	}
	return &d, tx.Put(linkfin.KindDevice, d.ID, &d, "device.registered")
}

// ReportTelemetry is a warehouse's device reporting what it counts in a lot, signed. It
// is taken only from an active device the warehouse registered to watch the lot, with
// a signature of the device's key over the reading's canonical bytes
// (linkfin.Reading.SignedBytes), a sequence number above the device's last, read no
// earlier than the device's last reading, and a time within linkfin.TelemetryWindow of
// the batch's (linkfin.TelemetrySkew ahead at most);
// anything else is refused with its own code and changes nothing. A count below the
// receipt's quantity freezes the loan the receipt backs. The reading is kept on the
// receipt, with the device's public key, and the device's sequence number moves to it.
type ReportTelemetry struct {
	Actor     string
	ReceiptID string
	Reading   linkfin.Reading
}

// Keys implements linkfin.Command: the receipt, the device, and the reporter's
// organization, whose capability Apply checks.
func (c *ReportTelemetry) Keys() []linkfin.ObjectKey {
	keys := []linkfin.ObjectKey{{Kind: linkfin.KindWarehouseReceipt, ID: c.ReceiptID}, {Kind: linkfin.KindOrganization, ID: c.Actor}}
	if c.Reading.DeviceID != "" {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindDevice, ID: c.Reading.DeviceID})
	}
	return keys
}

// DependentKeys implements linkfin.DependentCommand: the loan the receipt backs.
func (c *ReportTelemetry) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var w linkfin.WarehouseReceipt
	if found, _ := r.Get(linkfin.KindWarehouseReceipt, c.ReceiptID, &w); found && w.FinancingID != "" {
		keys := []linkfin.ObjectKey{{Kind: linkfin.KindFinancing, ID: w.FinancingID}}
		var f linkfin.Financing
		if found, _ := r.Get(linkfin.KindFinancing, w.FinancingID, &f); found {
			keys = append(keys, alertKeys(f.RequesterID, f.ProgramID)...)
		}
		return keys
	}
	return nil
}

// Validate implements linkfin.Validator.
func (c *ReportTelemetry) Validate() error {
	r := &c.Reading
	if r.DeviceID == "" || len(r.Signature) == 0 {
		return linkfin.Errorf(linkfin.ETELEMETRYUNSIGNED, "telemetry is taken only signed by a registered device: device_id and signature")
	}
	if err := ids("device_id", r.DeviceID); err != nil {
		return err
	}
	if r.Sequence < 1 || r.Sequence > linkfin.MaxSequence {
		return linkfin.Errorf(linkfin.EOUTOFRANGE, "a reading's sequence number is 1 to %d", linkfin.MaxSequence)
	}
	if err := linkfin.CheckObserved(r.Quantity); err != nil {
		return err
	}
	return r.ValidateFigures()
}

// Apply implements linkfin.Command.
func (c *ReportTelemetry) Apply(tx linkfin.Tx) (any, error) {
	var w linkfin.WarehouseReceipt
	if found, err := tx.Get(linkfin.KindWarehouseReceipt, c.ReceiptID, &w); err != nil {
		return nil, err
	} else if !found || w.WarehouseID != c.Actor && w.OwnerID != c.Actor {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "receipt %s not found", c.ReceiptID)
	}
	if w.WarehouseID != c.Actor {
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the warehouse reports on its lots")
	}
	// A warehouse that is no longer a logistics operator (the operator withdrew the
	// capability since it receipted the lot) counts it no more: a count short of the
	// pledge would freeze a loan and call its borrower for margin.
	if err := capable(tx, c.Actor, linkfin.CapLogistics); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	r := c.Reading
	r.ReceiptID, r.PublicKey = w.ID, nil
	d, err := device(tx, c.Actor, r.DeviceID)
	if err != nil {
		return nil, linkfin.Errorf(linkfin.EDEVICEUNKNOWN, "device %s is not a device of this warehouse", r.DeviceID)
	}
	now := tx.Now()
	switch {
	case d.Status != linkfin.DeviceActive:
		return nil, linkfin.Errorf(linkfin.EDEVICERETIRED, "device %s is retired: its readings are refused", d.ID)
	case !d.Watches(w.WarehouseID, w.LotID):
		return nil, linkfin.Errorf(linkfin.EDEVICENOTWATCHING, "device %s watches lot %s, not lot %s", d.ID, d.LotID, w.LotID)
	case !r.Verify(d.PublicKey):
		return nil, linkfin.Errorf(linkfin.ETELEMETRYFORGED, "the signature is not device %s's over this reading", d.ID)
	case r.Sequence == d.Sequence:
		return nil, linkfin.Errorf(linkfin.ETELEMETRYREPLAYED, "device %s already reported reading %d", d.ID, r.Sequence)
	case r.Sequence < d.Sequence:
		return nil, linkfin.Errorf(linkfin.ETELEMETRYOUTOFORDER, "device %s reported reading %d: reading %d comes too late", d.ID, d.Sequence, r.Sequence)
	case r.ReadAt.Before(now.Add(-linkfin.TelemetryWindow)) || r.ReadAt.After(now.Add(linkfin.TelemetrySkew)):
		return nil, linkfin.Errorf(linkfin.ETELEMETRYSTALE, "reading %d was read at %s: the platform takes readings of the last %s (and %s ahead)",
			r.Sequence, r.ReadAt.UTC().Format(time.RFC3339), linkfin.TelemetryWindow, linkfin.TelemetrySkew)
	case d.LastReadAt != nil && r.ReadAt.Before(*d.LastReadAt):
		// Numbered after the last reading but read before it: a device reads in the
		// order it numbers, so this one comes out of order (sent late, or its clock
		// set back), and the lot is never counted at a time before a count taken.
		return nil, linkfin.Errorf(linkfin.ETELEMETRYOUTOFORDER, "reading %d of device %s was read at %s, before its reading %d read at %s",
			r.Sequence, d.ID, r.ReadAt.UTC().Format(time.RFC3339Nano), d.Sequence, d.LastReadAt.UTC().Format(time.RFC3339Nano))
	}
	readAt := r.ReadAt.UTC()
	r.ReadAt = readAt
	// A reading ends a silence: the next one is watched for afresh.
	d.Sequence, d.LastReadAt, d.SilentSince, d.ReceiptID = r.Sequence, &readAt, nil, w.ID
	if err := tx.Put(linkfin.KindDevice, d.ID, d, "device.read"); err != nil {
		return nil, err
	}
	r.PublicKey = d.PublicKey
	w.Observed, w.Reading = r.Quantity, &r
	if w.Status == linkfin.ReceiptFrozen && w.FinancingID == "" && r.Quantity >= w.Quantity {
		// A released lot counted whole again backs a loan again.
		w.Status = linkfin.ReceiptIssued
	}
	if w.Status == linkfin.ReceiptPledged && r.Quantity < w.Quantity {
		w.Status = linkfin.ReceiptFrozen
		var f linkfin.Financing
		if _, err := tx.Get(linkfin.KindFinancing, w.FinancingID, &f); err != nil {
			return nil, err
		}
		f.Frozen = true
		if err := tx.Put(linkfin.KindFinancing, f.ID, &f, "financing.frozen"); err != nil {
			return nil, err
		}
		if _, err := raiseShare(tx, linkfin.Alert{Rule: linkfin.RuleTelemetryBelowPledge, Level: linkfin.AlertRed, SupplierID: f.RequesterID,
			ProgramID: f.ProgramID, FinancingID: f.ID, SubjectKind: linkfin.KindWarehouseReceipt, SubjectID: w.ID,
			Evidence:       fmt.Sprintf("device %s reading %d counted %d in lot %s; receipt %s pledges %d", d.ID, r.Sequence, r.Quantity, w.LotID, w.ID, w.Quantity),
			RequiredAction: "count the lot; the loan is frozen until the borrower restores the goods or repays"}, w.Quantity-r.Quantity, w.Quantity); err != nil {
			return nil, err
		}
	}
	if err := outOfBounds(tx, d, &w, &r); err != nil {
		return nil, err
	}
	return &w, tx.Put(linkfin.KindWarehouseReceipt, w.ID, &w, "warehouse_receipt.counted")
}

// outOfBounds raises an alert for each bound of the device the reading breaks, when the
// receipt backs a live pledge loan: a temperature outside its range, a position outside
// its geofence, a door open outside its hours.
func outOfBounds(tx linkfin.Tx, d *linkfin.Device, w *linkfin.WarehouseReceipt, r *linkfin.Reading) error {
	type breach struct {
		rule     string
		level    linkfin.AlertLevel
		evidence string
		action   string
	}
	var out []breach
	at := r.ReadAt.UTC().Format(time.RFC3339)
	if t := d.Temperature; t != nil && r.Temperature != nil && (*r.Temperature < t.Min || *r.Temperature > t.Max) {
		out = append(out, breach{linkfin.RuleTemperature, linkfin.AlertOrange,
			fmt.Sprintf("device %s reading %d at %s read %s °C in lot %s; its range is %s to %s °C", d.ID, r.Sequence, at,
				milli(*r.Temperature), w.LotID, milli(t.Min), milli(t.Max)),
			"inspect the goods for spoilage and have the warehouse restore their temperature; value the lot again before lending more on it"})
	}
	if g := d.Geofence; g != nil && r.Latitude != nil && !g.Contains(*r.Latitude, *r.Longitude) {
		out = append(out, breach{linkfin.RuleGeofence, linkfin.AlertRed,
			fmt.Sprintf("device %s reading %d at %s placed lot %s at %s, %s; its geofence is latitude %s to %s, longitude %s to %s", d.ID, r.Sequence, at,
				w.LotID, micro(*r.Latitude), micro(*r.Longitude), micro(g.MinLat), micro(g.MaxLat), micro(g.MinLon), micro(g.MaxLon)),
			"find the goods: ask the warehouse where the lot is and count it; the pledge is in doubt until it is back"})
	}
	if h := d.DoorHours; h != nil && r.DoorOpen != nil && *r.DoorOpen && !h.Allows(r.ReadAt) {
		out = append(out, breach{linkfin.RuleDoorOutsideHours, linkfin.AlertOrange,
			fmt.Sprintf("device %s reading %d at %s found the door of lot %s open; it may open from %s until %s (UTC%+03d:%02d)", d.ID, r.Sequence, at,
				w.LotID, h.From, h.Until, h.Offset()/60, abs(h.Offset()%60)),
			"ask the warehouse who opened the door and why, and count the lot"})
	}
	if len(out) == 0 {
		return nil
	}
	_, f, err := pledgedLoan(tx, w.ID)
	if err != nil || f == nil {
		return err
	}
	for _, b := range out {
		if _, err := raise(tx, linkfin.Alert{Rule: b.rule, Level: b.level, SupplierID: f.RequesterID, ProgramID: f.ProgramID,
			FinancingID: f.ID, SubjectKind: linkfin.KindWarehouseReceipt, SubjectID: w.ID,
			Evidence: b.evidence + "; receipt " + w.ID + " pledges it to loan " + f.ID, RequiredAction: b.action}); err != nil {
			return err
		}
	}
	return nil
}

// milli writes thousandths as a decimal: -18500 is "-18.5".
func milli(v int64) string { return scaled(v, 1000, 3) }

// micro writes millionths as a decimal: 31230416 is "31.230416".
func micro(v int64) string { return scaled(v, 1_000_000, 6) }

func scaled(v, unit int64, digits int) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	frac := fmt.Sprintf("%0*d", digits, v%unit)
	for len(frac) > 0 && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	if frac == "" {
		return fmt.Sprintf("%s%d", sign, v/unit)
	}
	return fmt.Sprintf("%s%d.%s", sign, v/unit, frac)
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
