package http

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"linkfin"
	"linkfin/tabular"
)

// mediaCSV is the media type of a list as a table.
const mediaCSV = "text/csv"

// wantsCSV reports whether the request's Accept weighs CSV above JSON (negotiate).
func wantsCSV(r *http.Request) bool {
	return negotiate(r, mediaJSON, mediaCSV) == mediaCSV
}

// csvList serves a list route's page as CSV when it is asked for: the handler writes
// its JSON page as always, and the page is turned into a table of its records, one
// column per field of the route's type; the next page's cursor is in a Link header.
// An error answers as problem+json still.
func csvList(rt Route, h http.HandlerFunc) http.HandlerFunc {
	columns := tabular.Columns(rt.Out)
	return func(w http.ResponseWriter, r *http.Request) {
		if !wantsCSV(r) {
			h(w, r)
			return
		}
		buf := &bufferedWriter{header: http.Header{}, status: http.StatusOK}
		h(buf, r)
		if buf.status != http.StatusOK || !strings.HasPrefix(buf.header.Get("Content-Type"), mediaJSON) {
			for k, v := range buf.header {
				w.Header()[k] = v
			}
			w.WriteHeader(buf.status)
			w.Write(buf.body.Bytes())
			return
		}
		var page linkfin.List[json.RawMessage]
		var out bytes.Buffer
		err := json.Unmarshal(buf.body.Bytes(), &page)
		if err == nil {
			err = tabular.Write(&out, columns, page.Data)
		}
		if err != nil {
			writeError(w, r, err)
			return
		}
		if page.NextCursor != "" {
			next := *r.URL
			q := next.Query()
			q.Set("after", page.NextCursor)
			next.RawQuery = q.Encode()
			w.Header().Set("Link", "<"+(&url.URL{Path: next.Path, RawQuery: next.RawQuery}).String()+`>; rel="next"`)
		}
		writeCSV(w, out.Bytes())
	}
}

// writeCSV answers a table, as asked for with Accept: text/csv.
func writeCSV(w http.ResponseWriter, table []byte) {
	w.Header().Set("Content-Type", mediaCSV+"; charset=utf-8")
	w.Header().Set("Vary", "Accept")
	w.WriteHeader(http.StatusOK)
	w.Write(table)
}

// bufferedWriter keeps an answer to rewrite it.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header         { return b.header }
func (b *bufferedWriter) Write(p []byte) (int, error) { return b.body.Write(p) }
func (b *bufferedWriter) WriteHeader(code int)        { b.status = code }

// writeTable answers a record as a table of items and values (Route.Table).
func writeTable(w http.ResponseWriter, r *http.Request, rows [][2]string) {
	var out bytes.Buffer
	if err := tabular.WriteItems(&out, rows); err != nil {
		writeError(w, r, err)
		return
	}
	writeCSV(w, out.Bytes())
}
