package storetest

import (
	"crypto/ed25519"
	"sync"
	"testing"

	"linkfin"
	"linkfin/services"
)

// testDeviceKeys: an Ed25519 public key names one device, for good, so that a reading
// it signs is one device's alone. Registering, or replacing a device by, a key another
// device has (of the same warehouse or another, active or retired) is refused,
// device_key_taken, and records nothing; of two registrations of one key at once, one
// is taken.
func testDeviceKeys(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	for _, id := range []string{"port", "dock"} {
		mustRun(t, env, &services.CreateOrganization{Org: linkfin.Organization{ID: id, Name: id,
			Capabilities: []linkfin.Capability{linkfin.CapLogistics}}})
	}
	k1, k2 := deviceKey("k1").Public().(ed25519.PublicKey), deviceKey("k2").Public().(ed25519.PublicKey)
	register := func(warehouse, id string, key []byte) error {
		_, err := run[linkfin.Device](t, env, &services.RegisterDevice{Actor: warehouse, Device: linkfin.Device{ID: id, PublicKey: key}})
		return err
	}
	refused := func(what string, err error, id string) {
		t.Helper()
		if linkfin.ErrorCode(err) != linkfin.EDEVICEKEYTAKEN {
			t.Fatalf("%s: %v, want %s", what, err, linkfin.EDEVICEKEYTAKEN)
		}
		if _, err := env.object(linkfin.KindDevice, id); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
			t.Fatalf("%s recorded device %s: %v", what, id, err)
		}
	}
	if err := register("port", "D-1", k1); err != nil {
		t.Fatal(err)
	}
	refused("the key again, same warehouse", register("port", "D-2", k1), "D-2")
	refused("the key again, another warehouse", register("dock", "D-2", k1), "D-2")
	_, err := run[linkfin.Device](t, env, &services.ReplaceDevice{Actor: "port", ID: "D-1", NewID: "D-3", PublicKey: k1})
	refused("a replacement by the key it replaces", err, "D-3")
	if d := record[linkfin.Device](t, env, linkfin.KindDevice, "D-1"); d.Status != linkfin.DeviceActive {
		t.Fatalf("a refused replacement retired D-1: %+v", d)
	}
	if _, err := run[linkfin.Device](t, env, &services.ReplaceDevice{Actor: "port", ID: "D-1", NewID: "D-3", PublicKey: k2}); err != nil {
		t.Fatal(err)
	}
	refused("the retired device's key", register("dock", "D-4", k1), "D-4")
	refused("the replacement's key", register("dock", "D-4", k2), "D-4")

	// Two registrations of one new key at once: one device has it.
	k3 := deviceKey("k3").Public().(ed25519.PublicKey)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, id := range []string{"D-5", "D-6"} {
		wg.Go(func() { errs[i] = register("dock", id, k3) })
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("two registrations of one key at once: %v, %v", errs[0], errs[1])
	}
	for _, err := range errs {
		if err != nil && linkfin.ErrorCode(err) != linkfin.EDEVICEKEYTAKEN {
			t.Fatalf("the second registration: %v", err)
		}
	}
	env.MustVerify()
}
