package console

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"

	"linkfin"
	"linkfin/services"
)

func init() { pageNames = append(pageNames, "devices") }

// devicesView is a warehouse's devices, and whether the person may register and
// retire them.
type devicesView struct {
	Rows   []linkfin.Device
	Manage bool
}

// maxDevices bounds the devices the page lists.
const maxDevices = 1000

// devices lists the sensors of the warehouse (every warehouse's for the operator): what
// each watches, its key, its last reading; the warehouse registers one with its public
// key and retires one.
func (c *Console) devices(w http.ResponseWriter, r *http.Request, p *Person) {
	v := devicesView{Manage: p.CanAct() && !p.Viewer.Operator}
	for after := ""; len(v.Rows) < maxDevices; {
		page, err := services.List(r.Context(), c.Store, p.Viewer, linkfin.KindDevice, services.Filter{}, after, 500)
		if err != nil {
			c.fail(w, r, p, err)
			return
		}
		for _, raw := range page.Data {
			var d linkfin.Device
			if err := json.Unmarshal(raw, &d); err != nil {
				c.fail(w, r, p, err)
				return
			}
			v.Rows = append(v.Rows, d)
		}
		if page.NextCursor == "" {
			break
		}
		after = page.NextCursor
	}
	c.render(w, r, http.StatusOK, "devices", "devices.title", p, v, "")
}

// registerDevice registers a device of the person's warehouse (services.RegisterDevice)
// from the form: the lot it watches (none: every lot), a name and the public key in
// base64.
func (c *Console) registerDevice(w http.ResponseWriter, r *http.Request, p *Person) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(r.PostFormValue("public_key")))
	if err != nil {
		c.fail(w, r, p, linkfin.Errorf(linkfin.EDEVICEKEY, "the public key is not base64"))
		return
	}
	d := linkfin.Device{LotID: strings.TrimSpace(r.PostFormValue("lot_id")), Name: strings.TrimSpace(r.PostFormValue("name")), PublicKey: key}
	if _, err := c.act(r.Context(), p, r.PostForm, &services.RegisterDevice{Actor: p.Viewer.Org, Device: d}); err != nil {
		c.fail(w, r, p, err)
		return
	}
	done(w, r, "/devices")
}

// retireDevice retires one of the warehouse's devices (services.RetireDevice).
func (c *Console) retireDevice(w http.ResponseWriter, r *http.Request, p *Person) {
	if _, err := c.act(r.Context(), p, r.PostForm, &services.RetireDevice{Actor: p.Viewer.Org, ID: r.PathValue("id")}); err != nil {
		c.fail(w, r, p, err)
		return
	}
	done(w, r, "/devices")
}
