package linkfin

import (
	"testing"
	"time"
)

// A reading with nothing but a count keeps the six lines of v1; one with a
// temperature, a position or a door state is signed under v2, every figure in its
// line, an absent one empty.
func TestReadingSignedBytes(t *testing.T) {
	at := time.Date(2026, 11, 2, 17, 0, 0, 500_000_000, time.FixedZone("CST", 8*3600))
	r := Reading{DeviceID: "dev-1", ReceiptID: "wr-1", Sequence: 42, ReadAt: at, Quantity: 38}
	if got, want := string(r.SignedBytes()), "linkfin telemetry v1\ndev-1\nwr-1\n42\n2026-11-02T09:00:00.5Z\n38\n"; got != want {
		t.Fatalf("v1 bytes %q, want %q", got, want)
	}
	temp, lat, lon, open := int64(-18500), int64(31230416), int64(121473701), false
	r.Temperature, r.DoorOpen = &temp, &open
	if got, want := string(r.SignedBytes()), "linkfin telemetry v2\ndev-1\nwr-1\n42\n2026-11-02T09:00:00.5Z\n38\n-18500\n\n\nclosed\n"; got != want {
		t.Fatalf("v2 bytes %q, want %q", got, want)
	}
	r.Temperature, r.Latitude, r.Longitude, r.DoorOpen = nil, &lat, &lon, nil
	if got, want := string(r.SignedBytes()), "linkfin telemetry v2\ndev-1\nwr-1\n42\n2026-11-02T09:00:00.5Z\n38\n\n31230416\n121473701\n\n"; got != want {
		t.Fatalf("v2 bytes %q, want %q", got, want)
	}
}

// Door hours: from inclusive, until exclusive, at their UTC offset; hours that span
// midnight.
func TestDoorHours(t *testing.T) {
	day := DoorHours{From: "08:00", Until: "18:00"} // China's time
	night := DoorHours{From: "22:00", Until: "06:00"}
	utc := func(h, m int) time.Time { return time.Date(2026, 11, 2, h, m, 0, 0, time.UTC) }
	for _, c := range []struct {
		h    *DoorHours
		at   time.Time
		want bool
	}{
		{&day, utc(0, 0), true}, {&day, utc(9, 59), true}, {&day, utc(10, 0), false}, {&day, utc(23, 59), false},
		{&night, utc(14, 0), true}, {&night, utc(21, 59), true}, {&night, utc(22, 0), false}, {&night, utc(13, 59), false},
	} {
		if got := c.h.Allows(c.at); got != c.want {
			t.Fatalf("%+v at %s: %v", *c.h, c.at, got)
		}
	}
}
