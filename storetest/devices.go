package storetest

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// sensor is a device of a test: its id, its key and its last sequence number.
type sensor struct {
	id  string
	key ed25519.PrivateKey
	seq int64
}

// newSensor registers a device of the warehouse that watches the lot (none: every lot),
// with a key made from its id.
func newSensor(t *testing.T, env *Env, warehouse, id, lot string) *sensor {
	t.Helper()
	s := &sensor{id: id, key: deviceKey(id)}
	mustRun(t, env, &services.RegisterDevice{Actor: warehouse, Device: linkfin.Device{ID: id, LotID: lot, PublicKey: s.public()}})
	return s
}

// deviceKey is the device's key, made from its id.
func deviceKey(id string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte(id))
	return ed25519.NewKeyFromSeed(seed[:])
}

func (s *sensor) public() ed25519.PublicKey { return s.key.Public().(ed25519.PublicKey) }

// reading is the device's next reading of the receipt's lot, now, signed.
func (s *sensor) reading(env *Env, receipt string, qty int64) linkfin.Reading {
	s.seq++
	r := linkfin.Reading{DeviceID: s.id, ReceiptID: receipt, Sequence: s.seq, ReadAt: env.Clock.Now(), Quantity: qty}
	r.Sign(s.key)
	return r
}

// count reports the device's next reading of the receipt's lot on behalf of actor.
func (s *sensor) count(t *testing.T, env *Env, actor, receipt string, qty int64) (*linkfin.WarehouseReceipt, error) {
	t.Helper()
	return run[linkfin.WarehouseReceipt](t, env, &services.ReportTelemetry{Actor: actor, ReceiptID: receipt, Reading: s.reading(env, receipt, qty)})
}

// testDevices: telemetry is taken only signed by an active device the warehouse
// registered to watch the lot, with a sequence number above the device's last and a
// time within the window; each other reading is refused with its own code and changes
// nothing: no record, no event, no balance. A retired device's readings are refused; its
// replacement's are taken. A good reading freezes the loan of a lot found short, and
// the receipt's history holds it as signed, with the device's key.
func testDevices(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	pledgedLots(t, env, nil)
	mustRun(t, env, &services.CreateOrganization{Org: linkfin.Organization{ID: "dock", Name: "Dock Warehouse",
		Capabilities: []linkfin.Capability{linkfin.CapLogistics}}})
	mustRun(t, env, &services.DisburseFinancing{Actor: "factor", ID: "w1"})

	// Registering: a warehouse alone, with an Ed25519 key.
	if _, err := run[linkfin.Device](t, env, &services.RegisterDevice{Actor: "trader", Device: linkfin.Device{PublicKey: make([]byte, 32)}}); !refusal(err, linkfin.EFORBIDDEN, "only a warehouse registers devices") {
		t.Fatalf("a trader registering a device: %v", err)
	}
	if _, err := run[linkfin.Device](t, env, &services.RegisterDevice{Actor: "port", Device: linkfin.Device{PublicKey: make([]byte, 31)}}); !refusal(err, linkfin.EDEVICEKEY, "Ed25519") {
		t.Fatalf("a key of 31 bytes: %v", err)
	}
	lot7 := newSensor(t, env, "port", "D-7", "LOT-7")
	lot8 := newSensor(t, env, "port", "D-8", "LOT-8")
	docks := newSensor(t, env, "dock", "D-dock", "")
	if d := record[linkfin.Device](t, env, linkfin.KindDevice, "D-7"); d.Status != linkfin.DeviceActive || d.WarehouseID != "port" || d.Sequence != 0 {
		t.Fatalf("the registered device: %+v", d)
	}

	// A good reading is taken.
	w, err := lot7.count(t, env, "port", "R1", 100)
	if err != nil || w.Observed != 100 || w.Reading == nil || w.Reading.Sequence != 1 || !w.Reading.Verify(w.Reading.PublicKey) {
		t.Fatalf("a good reading: %+v, %v", w, err)
	}
	if d := record[linkfin.Device](t, env, linkfin.KindDevice, "D-7"); d.Sequence != 1 {
		t.Fatalf("the device after its reading: %+v", d)
	}

	state := func() string {
		t.Helper()
		var b []byte
		for _, k := range []struct{ kind, id string }{{linkfin.KindWarehouseReceipt, "R1"}, {linkfin.KindFinancing, "w1"},
			{linkfin.KindDevice, "D-7"}, {linkfin.KindDevice, "D-8"}, {linkfin.KindDevice, "D-dock"}} {
			o, err := env.object(k.kind, k.id)
			if err != nil {
				t.Fatal(err)
			}
			b = append(append(b, o.Data...), '\n')
		}
		for _, id := range []int64{linkfin.WalletID("trader", "CNY"), linkfin.WalletID("factor", "CNY"), services.LimitID("wh", "factor")} {
			a, err := env.Domain.Account(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			b = fmt.Appendf(b, "%d: %+v\n", id, *a)
		}
		if env.Engine != nil {
			b = append(b, snapshot(t, env)...)
		}
		return string(b)
	}
	before := state()
	refused := func(what, code string, r linkfin.Reading) {
		t.Helper()
		if _, err := run[linkfin.WarehouseReceipt](t, env, &services.ReportTelemetry{Actor: "port", ReceiptID: "R1", Reading: r}); linkfin.ErrorCode(err) != code {
			t.Fatalf("%s: %v, want %s", what, err, code)
		}
		if after := state(); after != before {
			t.Fatalf("%s changed the store:\nbefore:\n%s\nafter:\n%s", what, before, after)
		}
	}
	next := func(qty int64) linkfin.Reading {
		r := linkfin.Reading{DeviceID: "D-7", ReceiptID: "R1", Sequence: lot7.seq + 1, ReadAt: env.Clock.Now(), Quantity: qty}
		r.Sign(lot7.key)
		return r
	}
	refused("an unsigned reading", linkfin.ETELEMETRYUNSIGNED, linkfin.Reading{Sequence: 2, ReadAt: env.Clock.Now(), Quantity: 90})
	unsigned := next(90)
	unsigned.Signature = nil
	refused("a reading without its signature", linkfin.ETELEMETRYUNSIGNED, unsigned)
	forged := next(100)
	forged.Quantity = 90 // the signature was over 100
	refused("a reading altered after signing", linkfin.ETELEMETRYFORGED, forged)
	other := ed25519.NewKeyFromSeed(make([]byte, 32))
	forged = next(90)
	forged.Sign(other)
	refused("a reading signed by another key", linkfin.ETELEMETRYFORGED, forged)
	elsewhere := lot7.reading(env, "R2", 90) // signed for receipt R2: not over R1's bytes
	lot7.seq--
	refused("a reading signed for another receipt", linkfin.ETELEMETRYFORGED, elsewhere)
	replayed := linkfin.Reading{DeviceID: "D-7", ReceiptID: "R1", Sequence: 1, ReadAt: env.Clock.Now(), Quantity: 90}
	replayed.Sign(lot7.key)
	refused("a reading with the last sequence number again", linkfin.ETELEMETRYREPLAYED, replayed)
	stale := next(90)
	stale.ReadAt = env.Clock.Now().Add(-linkfin.TelemetryWindow - time.Second)
	stale.Sign(lot7.key)
	refused("a reading older than the window", linkfin.ETELEMETRYSTALE, stale)
	ahead := next(90)
	ahead.ReadAt = env.Clock.Now().Add(linkfin.TelemetrySkew + time.Second)
	ahead.Sign(lot7.key)
	refused("a reading from ahead of the clock", linkfin.ETELEMETRYSTALE, ahead)
	unknown := next(90)
	unknown.DeviceID = "D-none"
	unknown.Sign(lot7.key)
	refused("a reading of an unknown device", linkfin.EDEVICEUNKNOWN, unknown)
	foreign := docks.reading(env, "R1", 90)
	refused("a reading of another warehouse's device", linkfin.EDEVICEUNKNOWN, foreign)
	refused("a reading of a device that watches another lot", linkfin.EDEVICENOTWATCHING, lot8.reading(env, "R1", 90))
	if _, err := run[linkfin.WarehouseReceipt](t, env, &services.ReportTelemetry{Actor: "dock", ReceiptID: "R1", Reading: foreign}); !refusal(err, linkfin.ENOTFOUND, "receipt R1 not found") {
		t.Fatalf("another warehouse reporting on the port's lot: %v", err)
	}

	// A reading a second inside the window is taken; one with a greater number, then
	// one with a number between, is refused as out of order.
	// (The clock moves on a window first, so that the reading is not read before the
	// device's last one.)
	env.Clock.Advance(linkfin.TelemetryWindow)
	edge := next(100)
	edge.Sequence, edge.ReadAt = 10, env.Clock.Now().Add(-linkfin.TelemetryWindow+time.Second)
	edge.Sign(lot7.key)
	if _, err := run[linkfin.WarehouseReceipt](t, env, &services.ReportTelemetry{Actor: "port", ReceiptID: "R1", Reading: edge}); err != nil {
		t.Fatalf("a reading a second inside the window: %v", err)
	}
	before = state()
	late := next(90)
	late.Sequence = 5
	late.Sign(lot7.key)
	refused("a reading with a lower sequence number", linkfin.ETELEMETRYOUTOFORDER, late)
	lot7.seq = 10

	// Retired, a device's readings are refused; its replacement's are taken, and a
	// retired device is not replaced again. Another warehouse cannot retire it.
	if _, err := run[linkfin.Device](t, env, &services.RetireDevice{Actor: "dock", ID: "D-7"}); !refusal(err, linkfin.ENOTFOUND, "device D-7 not found") {
		t.Fatalf("another warehouse retiring the device: %v", err)
	}
	seed := sha256.Sum256([]byte("D-7b"))
	lot7b := &sensor{id: "D-7b", key: ed25519.NewKeyFromSeed(seed[:])}
	nd, err := run[linkfin.Device](t, env, &services.ReplaceDevice{Actor: "port", ID: "D-7", NewID: "D-7b", PublicKey: lot7b.public()})
	if err != nil || nd.Replaces != "D-7" || nd.LotID != "LOT-7" || nd.Status != linkfin.DeviceActive {
		t.Fatalf("the replacement: %+v, %v", nd, err)
	}
	if d := record[linkfin.Device](t, env, linkfin.KindDevice, "D-7"); d.Status != linkfin.DeviceRetired || d.ReplacedBy != "D-7b" || d.RetiredAt == nil {
		t.Fatalf("the replaced device: %+v", d)
	}
	before = state()
	refused("a reading of a retired device", linkfin.EDEVICERETIRED, next(90))
	if _, err := run[linkfin.Device](t, env, &services.ReplaceDevice{Actor: "port", ID: "D-7", PublicKey: lot7b.public()}); !refusal(err, linkfin.EDEVICERETIRED, "D-7 is retired") {
		t.Fatalf("replacing a retired device: %v", err)
	}
	w, err = lot7b.count(t, env, "port", "R1", 95)
	if err != nil || w.Status != linkfin.ReceiptFrozen || !mustFinancing(t, env, "w1").Frozen || w.Reading.DeviceID != "D-7b" {
		t.Fatalf("the replacement's reading of 95 t of 100: %+v, %v", w, err)
	}
	if d, err := run[linkfin.Device](t, env, &services.RetireDevice{Actor: "port", ID: "D-8"}); err != nil || d.Status != linkfin.DeviceRetired {
		t.Fatalf("retiring D-8: %+v, %v", d, err)
	}
	if _, err := lot8.count(t, env, "port", "R2", 10); linkfin.ErrorCode(err) != linkfin.EDEVICERETIRED {
		t.Fatalf("a reading of retired D-8: %v", err)
	}

	if env.Store == nil {
		return // in memory, there is no log to read
	}
	// The receipt's history holds every reading taken, as signed, with the key: anyone
	// who sees the receipt can check what the sensor said and when.
	evs, _, err := services.History(t.Context(), env.Store, linkfin.Viewer{Org: "factor"}, linkfin.KindWarehouseReceipt, "R1", -1, 100)
	if err != nil {
		t.Fatal(err)
	}
	var readings []int64
	for _, e := range evs {
		var v linkfin.WarehouseReceipt
		if err := json.Unmarshal(e.Data, &v); err != nil {
			t.Fatal(err)
		}
		if e.Type == "warehouse_receipt.counted" {
			if v.Reading == nil || !v.Reading.Verify(v.Reading.PublicKey) {
				t.Fatalf("event %d does not hold a reading its key verifies: %s", e.Seq, e.Data)
			}
			readings = append(readings, v.Reading.Quantity)
		}
	}
	if len(readings) != 3 || readings[0] != 100 || readings[1] != 100 || readings[2] != 95 {
		t.Fatalf("the readings in the receipt's history: %v", readings)
	}
	env.Restart()
	env.MustVerify()
}

// testTelemetryTimeOrder: a device's readings come in the order it read them, in its
// time as in its sequence numbers. A reading numbered above the device's last one but
// read before it (sent late, or by a device whose clock was set back) is refused as out
// of order and changes nothing: the receipt's history never has its lot counted at a
// time before a count it already took. A reading at the same instant as the last is
// taken.
func testTelemetryTimeOrder(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	pledgedLots(t, env, nil)
	mustRun(t, env, &services.DisburseFinancing{Actor: "factor", ID: "w1"})
	lot7 := newSensor(t, env, "port", "D-7", "LOT-7")
	first := env.Clock.Now()
	if _, err := lot7.count(t, env, "port", "R1", 100); err != nil {
		t.Fatal(err)
	}
	env.Clock.Advance(5 * time.Minute)
	signed := func(seq int64, at time.Time, qty int64) linkfin.Reading {
		r := linkfin.Reading{DeviceID: "D-7", ReceiptID: "R1", Sequence: seq, ReadAt: at, Quantity: qty}
		r.Sign(lot7.key)
		return r
	}
	before := record[linkfin.WarehouseReceipt](t, env, linkfin.KindWarehouseReceipt, "R1")
	for _, back := range []time.Duration{time.Minute, time.Nanosecond} {
		r := signed(2, first.Add(-back), 90)
		if _, err := run[linkfin.WarehouseReceipt](t, env, &services.ReportTelemetry{Actor: "port", ReceiptID: "R1", Reading: r}); !refusal(err, linkfin.ETELEMETRYOUTOFORDER, "before its reading 1") {
			t.Fatalf("reading 2, read %s before reading 1: %v, want %s", back, err, linkfin.ETELEMETRYOUTOFORDER)
		}
	}
	if d := record[linkfin.Device](t, env, linkfin.KindDevice, "D-7"); d.Sequence != 1 || d.LastReadAt == nil || !d.LastReadAt.Equal(first) {
		t.Fatalf("the device after the refusals: %+v", d)
	}
	if w := record[linkfin.WarehouseReceipt](t, env, linkfin.KindWarehouseReceipt, "R1"); w.Observed != before.Observed || w.Status != before.Status ||
		mustFinancing(t, env, "w1").Frozen {
		t.Fatalf("the receipt after the refusals: %+v", w)
	}
	if w, err := run[linkfin.WarehouseReceipt](t, env, &services.ReportTelemetry{Actor: "port", ReceiptID: "R1", Reading: signed(2, first, 100)}); err != nil || w.Reading.Sequence != 2 {
		t.Fatalf("reading 2 at the instant of reading 1: %+v, %v", w, err)
	}
	if w, err := run[linkfin.WarehouseReceipt](t, env, &services.ReportTelemetry{Actor: "port", ReceiptID: "R1", Reading: signed(3, env.Clock.Now(), 100)}); err != nil || w.Reading.Sequence != 3 {
		t.Fatalf("reading 3, now: %+v, %v", w, err)
	}
}
