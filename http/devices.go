package http

import (
	"encoding/base64"
	"net/http"
	"reflect"

	"linkfin"
	"linkfin/services"
)

// deviceRoutes: a warehouse's sensors, each registered with the public key its
// readings are signed with (POST /v1/warehouse-receipts/{id}/telemetry).
func (s *Server) deviceRoutes() {
	device := reflect.TypeFor[linkfin.Device]()
	act(s, Route{Pattern: "POST /v1/devices", Access: WriteOrOperator, Status: http.StatusCreated, Out: device,
		Summary: "Register a sensor of the calling warehouse: the lot it watches (lot_id, the warehouse's own name of the lot; " +
			"none: every lot of the warehouse) and its Ed25519 public key (32 bytes, base64; device_key_invalid otherwise), " +
			"which no other device, of any warehouse, active or retired, has (409 device_key_taken). " +
			"heartbeat_seconds (60 to 604800; none: not watched) is how often it reports at least, or a sensor_silent alert is raised; " +
			"temperature_range, geofence and door_hours bound its readings: one of a pledged lot outside them raises an alert. " +
			"warehouse_id, if given, is the caller's own; the operator names any warehouse."},
		func(r *http.Request, p *principal, in *linkfin.DeviceIn) (linkfin.Command, error) {
			wh := in.WarehouseID
			if p.operator() && wh == "" {
				return nil, linkfin.Errorf(linkfin.EINVALID, "the operator names the warehouse the device is of (warehouse_id)")
			}
			if !p.operator() {
				if wh != "" && wh != p.Org {
					return nil, linkfin.Errorf(linkfin.ENOTFOUND, "organization %s not found", wh)
				}
				wh = p.Org
			}
			key, err := publicKey(in.PublicKey)
			if err != nil {
				return nil, err
			}
			return &services.RegisterDevice{Actor: wh, Device: linkfin.Device{LotID: in.LotID, Name: in.Name, PublicKey: key,
				HeartbeatSeconds: in.HeartbeatSeconds, Temperature: in.Temperature, Geofence: in.Geofence, DoorHours: in.DoorHours}}, nil
		})
	getRoute[linkfin.Device](s, "GET /v1/devices/{id}", linkfin.KindDevice, "Get a device: what it watches, its key, its last sequence "+
		"number and when it last read.")
	listRoute[linkfin.Device](s, "GET /v1/devices", linkfin.KindDevice, "List the warehouse's devices (status: active or retired).")
	act(s, Route{Pattern: "POST /v1/devices/{id}/retire", Kind: linkfin.KindDevice, Access: Write, Out: device,
		Summary: "Retire a device for good (its warehouse): its readings are refused from now on (device_retired)."},
		func(r *http.Request, p *principal, _ *none) (linkfin.Command, error) {
			return &services.RetireDevice{Actor: p.Org, ID: r.PathValue("id")}, nil
		})
	act(s, Route{Pattern: "POST /v1/devices/{id}/replace", Kind: linkfin.KindDevice, Access: Write, Status: http.StatusCreated, Out: device,
		Summary: "Replace an active device (its warehouse) by a new one with a new key, watching what it watched: the old one is " +
			"retired and names the new one (replaced_by), which names it (replaces). The answer is the new device. " +
			"A key another device has, the old one's too, is refused, 409 device_key_taken."},
		func(r *http.Request, p *principal, in *linkfin.DeviceReplaceIn) (linkfin.Command, error) {
			key, err := publicKey(in.PublicKey)
			if err != nil {
				return nil, err
			}
			return &services.ReplaceDevice{Actor: p.Org, ID: r.PathValue("id"), Name: in.Name, PublicKey: key}, nil
		})
}

// publicKey decodes a device's public key from standard base64.
func publicKey(s string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, linkfin.Errorf(linkfin.EDEVICEKEY, "a device's public key is an Ed25519 key: 32 bytes, in standard base64")
	}
	return key, nil
}
