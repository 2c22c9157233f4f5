package http_test

import (
	"net/http"
	"reflect"
	"testing"

	"linkfin"
)

// TestDeviceKeyTaken: a public key names one device. Registering one another device
// has, of the same warehouse or another, or replacing a device by a key already
// registered, answers 409 device_key_taken and changes nothing.
func TestDeviceKeyTaken(t *testing.T) {
	p := newPlatform(t)
	p.mustCreate("/v1/organizations", `{"id":"dock","name":"Dock Warehouse","capabilities":["logistics"]}`)
	p.key(t, "dock", "dock", linkfin.RoleAdmin)
	var d linkfin.Device
	wantJSON(t, p.as("port", "POST", "/v1/devices", `{"lot_id":"LOT-1","public_key":"`+sensorKey(60)+`"}`), http.StatusCreated, &d)
	base := p.snapshot()
	for _, r := range []reply{
		p.as("port", "POST", "/v1/devices", `{"lot_id":"LOT-1","public_key":"`+sensorKey(60)+`"}`),
		p.as("dock", "POST", "/v1/devices", `{"public_key":"`+sensorKey(60)+`"}`),
		p.as("port", "POST", "/v1/devices/"+d.ID+"/replace", `{"public_key":"`+sensorKey(60)+`"}`),
		// dev-A's, which signs the platform's readings of LOT-A.
		p.as("dock", "POST", "/v1/devices", `{"public_key":"`+sensorKey(9)+`"}`),
	} {
		wantProblem(t, r, http.StatusConflict, linkfin.EDEVICEKEYTAKEN)
	}
	if after := p.snapshot(); !reflect.DeepEqual(after, base) {
		t.Fatal("a refused registration changed the store")
	}
	wantJSON(t, p.as("port", "POST", "/v1/devices/"+d.ID+"/replace", `{"public_key":"`+sensorKey(61)+`"}`), http.StatusCreated, nil)
	wantProblem(t, p.as("dock", "POST", "/v1/devices", `{"public_key":"`+sensorKey(60)+`"}`), http.StatusConflict, linkfin.EDEVICEKEYTAKEN)
}
