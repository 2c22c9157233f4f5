package console

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"linkfin"
	"linkfin/services"
)

// historyPage is how many of a record's events its page shows at a time.
const historyPage = 50

// history is a record's events as its page shows them (the "history" template):
// each with its time, its type in words, who caused it (a user or an API key, as far
// as the person may know), and a link to its inclusion proof.
type history struct {
	Events []linkfin.Event
	// By names who caused each event, by seq, where the person may know it.
	By map[int64]services.Actor
	// Next is the record's page on the history's next page, "" on its last; First
	// its page on the history's first, "" on the first: each with the page's other
	// query parameters kept, as a list's pages keep its filters.
	Next, First string
}

// history reads a page of a record's events as the person may see them
// (services.History: a record it does not see has none), from ?history_after=.
func (c *Console) history(ctx context.Context, r *http.Request, p *Person, kind, id string) (history, error) {
	after := int64(-1)
	if s := r.URL.Query().Get("history_after"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return history{}, linkfin.Errorf(linkfin.EINVALID, "history_after must be an event's number")
		}
		after = n
	}
	evs, next, err := services.History(ctx, c.Store, p.Viewer, kind, id, after, historyPage)
	if err != nil {
		return history{}, err
	}
	by, err := services.Actors(ctx, c.Store, p.Viewer, kind, id, evs)
	if err != nil {
		return history{}, err
	}
	h := history{Events: evs, By: by, Next: pageAt(r.URL.Path, r.URL.Query(), "history_after", next)}
	if after >= 0 {
		q := r.URL.Query()
		q.Del("history_after")
		h.First = addressOf(r.URL.Path, q)
	}
	return h, nil
}

// Moment formats an instant for people in the platform's business time, China
// Standard Time (linkfin.ChinaTime), saying so: its day is the instant's business date
// (Day), as every "today" of the platform is. 14:03:05 UTC on 29 January 2027 is
// 北京时间 2027年1月29日 22:03:05 in Chinese, 29 Jan 2027 22:03:05 China Standard Time
// in English; 16:00 UTC is midnight of the next day.
func Moment(l Lang, t time.Time) string {
	return l.T("time.moment", Day(l, t), t.In(linkfin.ChinaTime).Format("15:04:05"))
}

// Day is the day of an instant as the language writes it: its business date,
// linkfin.BusinessDate, the day it is in China Standard Time (an order placed at
// 17:00 UTC on 29 January 2027 is placed on 30 January).
func Day(l Lang, t time.Time) string { return Date(l, linkfin.BusinessDate(t)) }

// eventName is an event's type in words; one without words shows as its type.
func eventName(l Lang, typ string) string {
	if _, ok := messages["event."+typ]; ok {
		return l.T("event." + typ)
	}
	return typ
}
