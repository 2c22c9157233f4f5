package console

import (
	"encoding/json"
	"net/http"

	"linkfin"
	"linkfin/services"
)

func init() { pageNames = append(pageNames, "webhooks") }

// endpointHealth is one webhook endpoint and how its deliveries go.
type endpointHealth struct {
	linkfin.WebhookEndpoint
	Behind    int64 // events of the log after its cursor
	Delivered int
	Failing   int                      // deliveries whose last attempt failed
	Last      *linkfin.WebhookDelivery // the latest delivery, if any
}

// deliveriesRead bounds how many of an endpoint's deliveries the page reads.
const deliveriesRead = 5000

// webhooks shows the webhook endpoints the person sees — an organization's own, every
// one for the operator — and their health: how far behind the log each is, how many
// deliveries went through and how many are failing, and the last one.
func (c *Console) webhooks(w http.ResponseWriter, r *http.Request, p *Person) {
	head, err := c.Store.Head(r.Context())
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	var rows []endpointHealth
	for after := ""; ; {
		page, err := services.List(r.Context(), c.Store, p.Viewer, linkfin.KindWebhookEndpoint, services.Filter{}, after, 1000)
		if err != nil {
			c.fail(w, r, p, err)
			return
		}
		for _, raw := range page.Data {
			var h endpointHealth
			if err := json.Unmarshal(raw, &h.WebhookEndpoint); err != nil {
				c.fail(w, r, p, err)
				return
			}
			if h.Behind = head.Size - 1 - h.Cursor; h.Behind < 0 {
				h.Behind = 0
			}
			for next, read := "", 0; read < deliveriesRead; {
				ds, n, err := services.Deliveries(r.Context(), c.Store, &h.WebhookEndpoint, next, 1000)
				if err != nil {
					c.fail(w, r, p, err)
					return
				}
				for _, raw := range ds {
					var d linkfin.WebhookDelivery
					if err := json.Unmarshal(raw, &d); err != nil {
						c.fail(w, r, p, err)
						return
					}
					switch d.Status {
					case linkfin.WebhookDelivered:
						h.Delivered++
					case linkfin.WebhookFailed:
						h.Failing++
					}
					if h.Last == nil || d.Seq > h.Last.Seq {
						h.Last = &d
					}
				}
				read += len(ds)
				if n == "" {
					break
				}
				next = n
			}
			rows = append(rows, h)
		}
		if page.NextCursor == "" {
			break
		}
		after = page.NextCursor
	}
	c.render(w, r, http.StatusOK, "webhooks", "webhooks.title", p, rows, "")
}
