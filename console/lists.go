package console

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"

	"linkfin"
	"linkfin/services"
)

// listView is a page of a list of records of type T, as every list page shows it: the
// status filter's choices, the rows, and the links to the next page and to the whole
// list as CSV, each keeping the page's filters.
type listView[T any] struct {
	Status   string
	Statuses []string
	Rows     []T
	Next     string // the next page's URL, "" at the end
	CSV      string // the whole list's, as a table
}

// listOf serves a list of a kind, filtered as the API's lists are (services.ParseFilter):
// with format=csv it writes the whole list as a table and returns false; else it
// returns a page of the records decoded as T. A status filter is one of statuses, when
// the kind has them (400 invalid otherwise, as the API answers). On an error it has written the page that
// says so, and returns false.
func listOf[T any, S ~string](c *Console, w http.ResponseWriter, r *http.Request, p *Person, kind, name string, statuses ...S) (*listView[T], bool) {
	q := r.URL.Query()
	filter, err := services.ParseFilter(q)
	if err == nil && filter.Status != "" && len(statuses) > 0 && !slices.Contains(statuses, S(filter.Status)) {
		// As the API's list answers: a filter that no record can pass is a mistake to
		// say, not an empty page.
		err = linkfin.Errorf(linkfin.EINVALID, "status is one of %v", statuses)
	}
	if err != nil {
		c.fail(w, r, p, err)
		return nil, false
	}
	list := func(after string, limit int) (*linkfin.List[json.RawMessage], error) {
		return services.List(r.Context(), c.Store, p.Viewer, kind, filter, after, limit)
	}
	if q.Get("format") == "csv" {
		c.csv(w, r, p, name, reflect.TypeFor[T](), list)
		return nil, false
	}
	page, err := list(q.Get("after"), pageSize)
	if err != nil {
		c.fail(w, r, p, err)
		return nil, false
	}
	csv := r.URL.Query()
	csv.Del("after")
	csv.Set("format", "csv")
	v := &listView[T]{Status: q.Get("status"), Next: nextPage(r, page.NextCursor), CSV: r.URL.Path + "?" + csv.Encode()}
	for _, s := range statuses {
		v.Statuses = append(v.Statuses, string(s))
	}
	if v.Rows, err = decodeRows[T](page.Data); err != nil {
		c.fail(w, r, p, err)
		return nil, false
	}
	return v, true
}

// decodeRows decodes a page of records, each into a T, appended to nothing.
func decodeRows[T any](data []json.RawMessage) ([]T, error) {
	var rows []T
	for _, raw := range data {
		var row T
		if err := json.Unmarshal(raw, &row); err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}
