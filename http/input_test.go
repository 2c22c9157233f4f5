package http_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"github.com/getkin/kin-openapi/openapi3"
	lfhttp "linkfin/http"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"linkfin"
	"linkfin/engine"
	"linkfin/iso20022"
	"linkfin/services"
)

// TestPaginationCannotWrap: a numeric cursor at the top of its range is the end of
// the list, not its start again; one beyond it, or below zero, is refused; an empty
// one is none.
func TestPaginationCannotWrap(t *testing.T) {
	p := newPlatform(t)
	type page struct {
		Data       []json.RawMessage `json:"data"`
		NextCursor string            `json:"next_cursor"`
	}
	var first page
	wantJSON(t, p.as("operator", "GET", "/v1/audit/events?limit=2", ""), http.StatusOK, &first)
	if len(first.Data) != 2 {
		t.Fatalf("the first page holds %d events", len(first.Data))
	}
	// An empty cursor is no cursor: the log's first page, from its first event (seq
	// 0), not the page after it.
	var empty page
	wantJSON(t, p.as("operator", "GET", "/v1/audit/events?limit=2&after=", ""), http.StatusOK, &empty)
	if fmt.Sprint(empty) != fmt.Sprint(first) {
		t.Errorf("after= answered %s, want the first page %s", empty.Data, first.Data)
	}
	for _, path := range []string{"/v1/audit/events", "/v1/accounts"} {
		for _, after := range []string{"9223372036854775807", "9223372036854775806"} {
			var got page
			wantJSON(t, p.as("operator", "GET", path+"?limit=2&after="+after, ""), http.StatusOK, &got)
			if len(got.Data) != 0 || got.NextCursor != "" {
				t.Errorf("%s?after=%s answered %d items and cursor %q, want none", path, after, len(got.Data), got.NextCursor)
			}
		}
		for _, bad := range []string{"9223372036854775808", "-1", "-9223372036854775808", "1e3", "0x10"} {
			wantProblem(t, p.as("operator", "GET", path+"?after="+bad, ""), http.StatusBadRequest, linkfin.EINVALID)
		}
		for _, bad := range []string{"9223372036854775807", "4294967297", "-1", "0"} {
			wantProblem(t, p.as("operator", "GET", path+"?limit="+bad, ""), http.StatusBadRequest, linkfin.EINVALID)
		}
	}
}

// TestIdempotencyHashCoversQuery: an Idempotency-Key reused with the same body and
// another query is another request, refused as a reused key, not answered as a replay.
func TestIdempotencyHashCoversQuery(t *testing.T) {
	p := newPlatform(t)
	doc, err := os.ReadFile("../ubl/testdata/en16931-bis3-factoring.xml")
	if err != nil {
		t.Fatal(err)
	}
	send := func(query string) reply {
		return p.as("tier1", "POST", "/v1/invoices?"+query, string(doc), "Content-Type", "application/xml", "Idempotency-Key", "ubl-1")
	}
	first := send("po_id=PO-1&buyer_id=anchor")
	if first.status < 200 || first.status >= 500 || first.header.Get("Idempotency-Hit") != "" {
		t.Fatalf("first upload: %d %s", first.status, first.body)
	}
	t.Logf("first upload: %d", first.status)
	again := send("buyer_id=anchor&po_id=PO-1") // the same query, in another order
	if again.status != first.status || again.header.Get("Idempotency-Hit") != "true" {
		t.Fatalf("the retry was not a replay: %d %s", again.status, again.body)
	}
	wantProblem(t, send("po_id=PO-2&buyer_id=anchor"), http.StatusConflict, engine.EIDEMPOTENCY)
}

// writer is who may call a write route of the platform, and the route's path filled in
// with a record that caller is party to.
func (p *platform) writer(t *testing.T, route lfhttp.Route) (who, path string) {
	t.Helper()
	who = "anchor"
	switch {
	case route.Access == lfhttp.Operator:
		who = "operator"
	case strings.HasPrefix(route.Path(), "/v1/warehouse-receipts/"), strings.HasPrefix(route.Path(), "/v1/devices/"):
		who = "port"
	case strings.HasPrefix(route.Path(), "/v1/financings/"), strings.HasPrefix(route.Path(), "/v1/certificates/"):
		who = "tier1"
	}
	return who, p.fill(t, route)
}

// example is a value of the schema with every property, optional or not, filled in:
// a body of the right shape, whatever the domain then makes of it.
func example(s *openapi3.Schema) any {
	for _, alt := range append(s.AnyOf, s.OneOf...) {
		if !alt.Value.Type.Is("null") {
			return example(alt.Value)
		}
	}
	switch {
	case len(s.Enum) > 0:
		return s.Enum[0]
	case s.Type.Includes("object"):
		obj := make(map[string]any)
		for name, prop := range s.Properties {
			obj[name] = example(prop.Value)
		}
		return obj
	case s.Type.Includes("array"):
		// As many items as the document's least (a split's two pieces), at least one.
		items := make([]any, max(1, int(s.MinItems)))
		for i := range items {
			items[i] = example(s.Items.Value)
		}
		return items
	case s.Type.Includes("integer"):
		return 1
	case s.Type.Includes("boolean"):
		return false
	case s.Type.Includes("string") && s.Format == "date-time":
		return "2026-11-02T09:00:00Z"
	case s.Type.Includes("string"):
		switch s.Pattern {
		case `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`:
			return "2026-11-02"
		case `^(0|[1-9][0-9]*)(\.[0-9]+)?$`:
			return "0.5"
		case `^[1-9][0-9]{0,18}$`:
			return "1"
		case `^[A-Z]{3}$`:
			return "CNY"
		}
		return "x1"
	}
	return nil
}

// requiredPaths lists the required members of the schema's objects, at every depth,
// as paths of names and array indexes.
func requiredPaths(s *openapi3.Schema, at []any) [][]any {
	for _, alt := range append(s.AnyOf, s.OneOf...) {
		if !alt.Value.Type.Is("null") {
			return requiredPaths(alt.Value, at)
		}
	}
	var out [][]any
	switch {
	case s.Type.Includes("object"):
		for name, prop := range s.Properties {
			path := append(slices.Clip(at), name)
			if slices.Contains(s.Required, name) {
				out = append(out, path)
			}
			out = append(out, requiredPaths(prop.Value, path)...)
		}
	case s.Type.Includes("array"):
		out = append(out, requiredPaths(s.Items.Value, append(slices.Clip(at), 0))...)
	}
	return out
}

// edit returns a deep copy of v with the member at path removed (null false) or set to
// null.
func edit(v any, path []any, null bool) any {
	b, _ := json.Marshal(v)
	var c any
	json.Unmarshal(b, &c)
	node := c
	for i, step := range path {
		last := i == len(path)-1
		switch s := step.(type) {
		case string:
			m := node.(map[string]any)
			if last {
				if null {
					m[s] = nil
				} else {
					delete(m, s)
				}
			}
			node = m[s]
		case int:
			node = node.([]any)[s]
		}
	}
	return c
}

// TestRequiredFields derives the required fields of every write route's body from the
// OpenAPI document, at every depth, and checks that the server refuses the body
// without each one, or with it null, with missing_field; and that a null body is
// refused where a body, or none, is taken.
func TestRequiredFields(t *testing.T) {
	p := newPlatform(t)
	doc, err := p.srv.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	spec := loadOpenAPI(t, doc)
	checked := 0
	for _, route := range p.srv.Routes() {
		if route.Method() != http.MethodPost || route.Access == lfhttp.Public {
			continue
		}
		who, path := p.writer(t, route)
		op := spec.Paths.Value(openAPIPath(route.Path())).GetOperation(route.Method())
		if op.RequestBody == nil || !op.RequestBody.Value.Required {
			t.Run(route.Pattern+"/null", func(t *testing.T) {
				wantProblem(t, p.as(who, "POST", path, "null"), http.StatusBadRequest, lfhttp.ETYPE)
			})
			continue
		}
		if route.XML {
			continue // an XML document (a bank's report): its own tests refuse what it lacks
		}
		body := op.RequestBody.Value.Content.Get("application/json").Schema.Value
		full := example(body)
		b, _ := json.Marshal(full)
		t.Run(route.Pattern+"/whole", func(t *testing.T) {
			r := p.as(who, "POST", path, string(b))
			var pr linkfin.Problem
			json.Unmarshal(r.body, &pr)
			if pr.Code == lfhttp.EMISSING || pr.Code == lfhttp.EUNKNOWNFIELD || pr.Code == lfhttp.ETYPE || pr.Code == lfhttp.EMALFORMED {
				t.Fatalf("a body with every field was refused: %s\n%s", b, r.body)
			}
		})
		t.Run(route.Pattern+"/null", func(t *testing.T) {
			wantProblem(t, p.as(who, "POST", path, "null"), http.StatusBadRequest, lfhttp.ETYPE)
		})
		base := p.snapshot()
		paths := requiredPaths(body, nil)
		if len(paths) == 0 {
			t.Errorf("%s: the document requires nothing of its body", route.Pattern)
		}
		for _, req := range paths {
			for _, null := range []bool{false, true} {
				name := fmt.Sprintf("%s/without %v", route.Pattern, req)
				if null {
					name = fmt.Sprintf("%s/null %v", route.Pattern, req)
				}
				t.Run(name, func(t *testing.T) {
					b, _ := json.Marshal(edit(full, req, null))
					pr := wantProblem(t, p.as(who, "POST", path, string(b)), http.StatusBadRequest, lfhttp.EMISSING)
					if want := fmt.Sprint(req[len(req)-1]); !strings.Contains(pr.Detail, want) {
						t.Errorf("the problem does not name %s: %s", want, pr.Detail)
					}
				})
				checked++
			}
		}
		if after := p.snapshot(); !reflect.DeepEqual(after, base) {
			t.Errorf("%s: a refused body changed the store", route.Pattern)
		}
	}
	if checked < 100 {
		t.Errorf("%d required fields checked", checked)
	}
}

// objectPaths lists the paths of the objects in a value, the value itself included.
func objectPaths(v any, at []any) [][]any {
	var out [][]any
	switch x := v.(type) {
	case map[string]any:
		out = append(out, at)
		for name, m := range x {
			out = append(out, objectPaths(m, append(slices.Clip(at), name))...)
		}
	case []any:
		for i, m := range x {
			out = append(out, objectPaths(m, append(slices.Clip(at), i))...)
		}
	}
	return out
}

// TestAmbiguousJSONEveryDepth: in every object of every write route's body, at any
// depth (order lines, pieces, tolerances, pricing…), a member given twice or spelt
// in other capitals is refused, not applied with the last value or matched
// case-insensitively.
func TestAmbiguousJSONEveryDepth(t *testing.T) {
	p := newPlatform(t)
	doc, err := p.srv.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	spec := loadOpenAPI(t, doc)
	nested := 0
	for _, route := range p.srv.Routes() {
		if route.Method() != http.MethodPost || route.In == nil {
			continue
		}
		who, path := p.writer(t, route)
		op := spec.Paths.Value(openAPIPath(route.Path())).GetOperation(route.Method())
		full := example(op.RequestBody.Value.Content.Get("application/json").Schema.Value)
		base := p.snapshot()
		for _, at := range objectPaths(full, nil) {
			if len(at) > 0 {
				nested++
			}
			b, _ := json.Marshal(full)
			var c any
			json.Unmarshal(b, &c)
			obj := c
			for _, step := range at {
				switch s := step.(type) {
				case string:
					obj = obj.(map[string]any)[s]
				case int:
					obj = obj.([]any)[s]
				}
			}
			m := obj.(map[string]any)
			var name string
			for n := range m {
				if name == "" || n < name {
					name = n
				}
			}
			if name == "" {
				continue
			}
			m["\x00twice"] = m[name]
			b, _ = json.Marshal(c)
			twice := strings.Replace(string(b), `"\u0000twice"`, strconv.Quote(name), 1)
			upper := strings.Replace(string(b), `"\u0000twice"`, strconv.Quote(strings.ToUpper(name[:1])+name[1:]), 1)
			t.Run(fmt.Sprintf("%s/%v.%s twice", route.Pattern, at, name), func(t *testing.T) {
				pr := wantProblem(t, p.as(who, "POST", path, twice), http.StatusBadRequest, lfhttp.EMALFORMED)
				if !strings.Contains(pr.Detail, "twice") {
					t.Errorf("detail %q", pr.Detail)
				}
			})
			t.Run(fmt.Sprintf("%s/%v.%s in capitals", route.Pattern, at, name), func(t *testing.T) {
				wantProblem(t, p.as(who, "POST", path, upper), http.StatusBadRequest, lfhttp.EUNKNOWNFIELD)
			})
		}
		if after := p.snapshot(); !reflect.DeepEqual(after, base) {
			t.Errorf("%s: a refused body changed the store", route.Pattern)
		}
	}
	if nested < 5 {
		t.Errorf("%d nested objects tried", nested)
	}
}

// TestInvalidUTF8Refused: text that is not UTF-8, or escapes half a surrogate pair,
// is refused rather than stored with U+FFFD in its place.
func TestInvalidUTF8Refused(t *testing.T) {
	p := newPlatform(t)
	base := p.snapshot()
	for name, body := range map[string]string{
		"raw byte":       "{\"reason\":\"bad \xff byte\"}",
		"cut sequence":   "{\"reason\":\"\xe4\xb8\"}",
		"lone high":      `{"reason":"\ud800"}`,
		"lone low":       `{"reason":"\udc00x"}`,
		"high then text": `{"reason":"\ud83dx\ude00"}`,
	} {
		t.Run(name, func(t *testing.T) {
			wantProblem(t, p.as("anchor", "POST", "/v1/invoices/inv-1/dispute", body), http.StatusBadRequest, lfhttp.EENCODING)
		})
	}
	doc, err := os.ReadFile("../ubl/testdata/en16931-bis3-factoring.xml")
	if err != nil {
		t.Fatal(err)
	}
	// An XML document in UTF-8 (it declares so, or declares no encoding) is refused as
	// any body that is not UTF-8; one that declares another encoding is read in it.
	xml := strings.Replace(string(doc), "7023708", "70\xff23708", 1)
	wantProblem(t, p.as("tier1", "POST", "/v1/invoices?po_id=PO-1&buyer_id=anchor", xml, "Content-Type", "application/xml"),
		http.StatusBadRequest, lfhttp.EENCODING)
	if after := p.snapshot(); !reflect.DeepEqual(after, base) {
		t.Error("a refused body changed the store")
	}
	// A pair is one character, and an escaped backslash is no escape.
	r := p.as("anchor", "POST", "/v1/invoices/inv-1/dispute", `{"reason":"\ud83d\ude00 and \\ud800"}`)
	if pr := (linkfin.Problem{}); json.Unmarshal(r.body, &pr) != nil || pr.Code != linkfin.ECONFLICT {
		t.Fatalf("a valid body was refused: %d %s", r.status, r.body)
	}
}

// TestContentTypeChecked: a body sent as anything but the route's media type is
// refused with 415 unsupported_media_type, on every write route, and changes nothing.
func TestContentTypeChecked(t *testing.T) {
	p := newPlatform(t)
	base := p.snapshot()
	for _, route := range p.srv.Routes() {
		// Every route that may change something reads its body so, whatever its method:
		// a DELETE that takes no body takes none, or {}, as a POST action does.
		if route.Method() == http.MethodGet || route.Access == lfhttp.Public {
			continue
		}
		method := route.Method()
		who, path := p.writer(t, route)
		for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
			"application/json; charset=latin1", "application/jsonx", "text/json", "application/xml", "text/xml"} {
			if ct == "application/xml" && (route.Pattern == "POST /v1/invoices" || route.Pattern == "POST /v1/credit-notes" || route.XML) ||
				ct == "text/plain" && route.Pattern == "POST /v1/bank-statements" {
				continue
			}
			t.Run(route.Pattern+"/"+ct, func(t *testing.T) {
				r := p.as(who, method, path, `{}`, "Content-Type", ct)
				wantProblem(t, r, http.StatusUnsupportedMediaType, lfhttp.EMEDIATYPE)
				// RFC 9110 §15.5.16: Accept names what the route takes.
				want := "application/json"
				switch {
				case route.Pattern == "POST /v1/bank-statements":
					want = "application/xml, text/plain"
				case route.XML:
					want = "application/xml"
				case route.Pattern == "POST /v1/invoices" || route.Pattern == "POST /v1/credit-notes":
					want = "application/json, application/xml"
				}
				if got := r.header.Get("Accept"); got != want {
					t.Errorf("Accept %q, want %q", got, want)
				}
			})
		}
		t.Run(route.Pattern+"/charset", func(t *testing.T) {
			if route.XML || route.Pattern == "POST /v1/invoices" || route.Pattern == "POST /v1/credit-notes" {
				// The charset of an XML body is the document's encoding, or one that reads
				// it as the same text: one that does not is refused; one that does lets
				// the document be read, and refused for what it is.
				for _, ct := range []string{"application/xml; charset=ISO-8859-1", "application/xml; charset=utf-16", "application/xml; charset=bogus"} {
					wantProblem(t, p.as(who, method, path, "<Document>café", "Content-Type", ct), http.StatusUnsupportedMediaType, lfhttp.EMEDIATYPE)
				}
				for _, ct := range []string{"Application/XML; charset=UTF-8", "application/xml; charset=latin1", "application/xml; charset=ISO-8859-1", "application/xml; charset=us-ascii"} {
					body := `<Document`
					if strings.HasSuffix(ct, "latin1") {
						body = `<?xml version="1.0" encoding="ISO-8859-1"?><Document`
					}
					r := p.as(who, method, path, body, "Content-Type", ct)
					if pr := (linkfin.Problem{}); json.Unmarshal(r.body, &pr) != nil || r.status == http.StatusUnsupportedMediaType || pr.Code == lfhttp.EMEDIATYPE {
						t.Errorf("%s: %d %s, want the document read and refused", ct, r.status, r.body)
					}
				}
			}
			if route.Pattern == "POST /v1/bank-statements" {
				// A bank's MT940 is text, in a charset its reader reads: another is refused;
				// one it reads lets the text be read, and refused for what it is.
				for _, ct := range []string{"text/plain; charset=utf-16", "text/plain; charset=koi8-r", "text/plain; charset=bogus"} {
					wantProblem(t, p.as(who, method, path, ":20:X", "Content-Type", ct), http.StatusUnsupportedMediaType, lfhttp.EMEDIATYPE)
				}
				for _, ct := range []string{"text/plain", "Text/Plain; charset=ISO-8859-1", "text/plain; charset=windows-1252", "text/plain; charset=US-ASCII"} {
					wantProblem(t, p.as(who, method, path, "hello", "Content-Type", ct), http.StatusUnprocessableEntity, iso20022.EUNSUPPORTED)
				}
			}
			if route.XML {
				// An XML document is read, and refused for what it is, in any case of the type.
				wantProblem(t, p.as(who, method, path, `<Document`, "Content-Type", "Application/XML; charset=UTF-8"), http.StatusBadRequest, iso20022.EMALFORMED)
				return
			}
			r := p.as(who, method, path, `{"bogus":1}`, "Content-Type", "Application/JSON; charset=UTF-8")
			wantProblem(t, r, http.StatusBadRequest, lfhttp.EUNKNOWNFIELD)
		})
		t.Run(route.Pattern+"/content-encoding", func(t *testing.T) {
			// A compressed body is refused as such (RFC 9110: 415, and Accept-Encoding
			// names what is taken), not read as the bytes it came in.
			ct, body := "application/json", `{"bogus":1}`
			if route.XML {
				ct, body = "application/xml", `<Document`
			}
			var gz bytes.Buffer
			zw := gzip.NewWriter(&gz)
			zw.Write([]byte(body))
			zw.Close()
			for _, ce := range []string{"gzip", "br", "gzip, identity"} {
				r := p.as(who, method, path, gz.String(), "Content-Type", ct, "Content-Encoding", ce)
				wantProblem(t, r, http.StatusUnsupportedMediaType, lfhttp.EMEDIATYPE)
				if r.header.Get("Accept-Encoding") != "identity" {
					t.Fatalf("Content-Encoding %s: Accept-Encoding %q", ce, r.header.Get("Accept-Encoding"))
				}
			}
			// identity is no coding at all.
			r := p.as(who, method, path, body, "Content-Type", ct, "Content-Encoding", "identity")
			if pr := (linkfin.Problem{}); json.Unmarshal(r.body, &pr) != nil || pr.Code == lfhttp.EMEDIATYPE {
				t.Fatalf("Content-Encoding identity: %d %s", r.status, r.body)
			}
		})
	}
	if after := p.snapshot(); !reflect.DeepEqual(after, base) {
		t.Error("a refused body changed the store")
	}
	// An action that takes no body takes an empty one without a Content-Type.
	r := p.as("tier1", "POST", "/v1/financings/F-1/accept", "", "Content-Type", "")
	if r.status != http.StatusOK {
		t.Fatalf("an empty body without a Content-Type: %d %s", r.status, r.body)
	}
}

// property is a member of a request body's schema, at any depth.
type property struct {
	path   []any
	schema *openapi3.Schema
}

// properties lists the members of the schema's objects, at every depth; an array's
// items are at index 0.
func properties(s *openapi3.Schema, at []any) []property {
	for _, alt := range append(s.AnyOf, s.OneOf...) {
		if !alt.Value.Type.Is("null") {
			return properties(alt.Value, at)
		}
	}
	var out []property
	switch {
	case s.Type.Includes("object"):
		for name, prop := range s.Properties {
			path := append(slices.Clip(at), name)
			out = append(out, property{path, prop.Value})
			out = append(out, properties(prop.Value, path)...)
		}
	case s.Type.Includes("array"):
		path := append(slices.Clip(at), 0)
		out = append(out, property{path, s.Items.Value})
		out = append(out, properties(s.Items.Value, path)...)
	}
	return out
}

// set returns a deep copy of v with the member at path set to x.
func set(v any, path []any, x any) any {
	b, _ := json.Marshal(v)
	var c any
	json.Unmarshal(b, &c)
	var node any = c
	for i, step := range path {
		last := i == len(path)-1
		switch s := step.(type) {
		case string:
			if last {
				node.(map[string]any)[s] = x
			}
			node = node.(map[string]any)[s]
		case int:
			if last {
				node.([]any)[s] = x
			}
			node = node.([]any)[s]
		}
	}
	return c
}

// TestBoundsAndTexts derives from the OpenAPI document the maximum of every integer,
// the bounds of every array that has them and the rule of every text of every write
// route's body, at every depth, and checks that each has one, that the server refuses
// a value beyond it with its code, and that an id takes only the documented alphabet.
func TestBoundsAndTexts(t *testing.T) {
	p := newPlatform(t)
	doc, err := p.srv.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	spec := loadOpenAPI(t, doc)
	counts := map[string]int{}
	for _, route := range p.srv.Routes() {
		if route.Method() != http.MethodPost || route.In == nil {
			continue
		}
		who, path := p.writer(t, route)
		body := spec.Paths.Value(openAPIPath(route.Path())).GetOperation(route.Method()).RequestBody.Value.Content.Get("application/json").Schema.Value
		full := example(body)
		base := p.snapshot()
		try := func(name string, prop property, x any, status int, code string) {
			t.Run(fmt.Sprintf("%s/%v %s", route.Pattern, prop.path, name), func(t *testing.T) {
				b, _ := json.Marshal(set(full, prop.path, x))
				wantProblem(t, p.as(who, "POST", path, string(b)), status, code)
			})
		}
		var texts []property // of a length, tried at it once the refusals are checked
		for _, prop := range properties(body, nil) {
			s := prop.schema
			switch {
			case s.Type.Is("integer") && s.Format == "int64":
				if s.Max == nil {
					t.Errorf("%s: %v has no maximum", route.Pattern, prop.path)
					continue
				}
				counts["integers"]++
				try("above its maximum", prop, json.Number(strconv.FormatFloat(*s.Max+1, 'f', 0, 64)), http.StatusBadRequest, linkfin.EOUTOFRANGE)
				try("beyond int64", prop, json.Number("9223372036854775808"), http.StatusBadRequest, linkfin.EOUTOFRANGE)
				if s.Min != nil {
					try("below its minimum", prop, json.Number(strconv.FormatFloat(*s.Min-1, 'f', 0, 64)), http.StatusBadRequest, linkfin.EOUTOFRANGE)
				}
			case s.Type.Is("array") && s.MaxItems != nil:
				counts["arrays"]++
				try("beyond its items", prop, slices.Repeat([]any{example(s.Items.Value)}, int(*s.MaxItems)+1), http.StatusBadRequest, linkfin.EINVALID)
				if s.MinItems > 0 {
					try("below its items", prop, slices.Repeat([]any{example(s.Items.Value)}, int(s.MinItems)-1), http.StatusBadRequest, linkfin.EINVALID)
				}
			case s.Type.Is("string") && len(s.Enum) == 0 && s.Format == "" && s.Pattern != `^[A-Z]{3}$` && s.Pattern != `^[0-9]+(\.[0-9]+)?$` &&
				s.Pattern != `^[1-9][0-9]{0,18}$`:
				if s.MaxLength == nil {
					t.Errorf("%s: %v has no length", route.Pattern, prop.path)
					continue
				}
				long := strings.Repeat("a", int(*s.MaxLength)+1)
				if s.Pattern != "" {
					counts["ids"]++
					try("too long", prop, long, http.StatusBadRequest, linkfin.EINVALID)
					for _, bad := range []string{"../../etc/passwd", "a\x00b", "a b", "-a", "a/b", "é"} {
						try(strconv.Quote(bad), prop, bad, http.StatusBadRequest, linkfin.EINVALID)
					}
				} else {
					counts["texts"]++
					try("too long", prop, long, http.StatusBadRequest, linkfin.ETOOLONG)
					try("with a NUL", prop, "a\x00b", http.StatusBadRequest, linkfin.EINVALID)
					try("with a byte order mark", prop, "a\ufeffb", http.StatusBadRequest, linkfin.EINVALID)
					if *s.MaxLength < linkfin.MaxText { // one line: the long texts may break lines
						try("with a line separator", prop, "a\u2028b", http.StatusBadRequest, linkfin.EINVALID)
					}
					texts = append(texts, prop)
				}
			}
		}
		if after := p.snapshot(); !reflect.DeepEqual(after, base) {
			t.Errorf("%s: a refused body changed the store", route.Pattern)
		}
		// A text of the length the document gives is not refused for its length: the
		// document said 1000 characters of a user's display name, a purpose, an
		// address's town or an account id, where the server took 100, 200, 35 or 34.
		for _, prop := range texts {
			t.Run(fmt.Sprintf("%s/%v at its maximum", route.Pattern, prop.path), func(t *testing.T) {
				b, _ := json.Marshal(set(full, prop.path, strings.Repeat("a", int(*prop.schema.MaxLength))))
				r := p.as(who, "POST", path, string(b))
				var pr linkfin.Problem
				_ = json.Unmarshal(r.body, &pr)
				if pr.Code == linkfin.ETOOLONG || strings.Contains(pr.Detail, "at most") && strings.Contains(pr.Detail, "characters") {
					t.Errorf("%d characters, its maxLength, refused for its length: %d %s", *prop.schema.MaxLength, r.status, r.body)
				}
			})
		}
	}
	// The document lists the currencies the server takes: the active ISO 4217 codes.
	var listed []string
	for _, v := range spec.Components.Schemas["Currency"].Value.Enum {
		listed = append(listed, fmt.Sprint(v))
	}
	if len(listed) != len(linkfin.Currencies()) || !slices.Contains(listed, "CNY") || slices.Contains(listed, "BTC") || slices.Contains(listed, "ZZZ") {
		t.Errorf("the document's currencies are %v", listed)
	}
	if counts["integers"] < 15 || counts["ids"] < 20 || counts["texts"] < 8 || counts["arrays"] < 1 {
		t.Errorf("checked %v", counts)
	}
	t.Logf("checked %v", counts)
}

// TestRefusedBeforeExecutionKeepsNoKey: a request refused before it executes (its
// body, its media type, its key, its values) keeps nothing under its Idempotency-Key:
// the corrected request, sent with the same key, runs. A command refused as it runs
// (a wallet short of money) is an answer: kept, and replayed.
func TestRefusedBeforeExecutionKeepsNoKey(t *testing.T) {
	p := newPlatform(t)
	const route = "/v1/payments/withdrawals"
	good := `{"rail":"bank","instruction_id":"w-1","currency":"CNY","amount":100}`
	for i, bad := range []struct {
		name    string
		body    string
		headers []string
		status  int
		code    string
	}{
		{"no instruction id", `{"rail":"bank","currency":"CNY","amount":100}`, nil, 400, lfhttp.EMISSING},
		{"empty instruction id", `{"rail":"bank","instruction_id":"","currency":"CNY","amount":100}`, nil, 400, linkfin.EINVALID},
		{"zero amount", `{"rail":"bank","instruction_id":"w-1","currency":"CNY","amount":0}`, nil, 400, linkfin.EINVALID},
		{"amount beyond the maximum", `{"rail":"bank","instruction_id":"w-1","currency":"CNY","amount":1000000000000001}`, nil, 400, linkfin.EOUTOFRANGE},
		{"no such rail", `{"rail":"swift","instruction_id":"w-1","currency":"CNY","amount":100}`, nil, 400, linkfin.EINVALID},
		{"no such currency", `{"rail":"bank","instruction_id":"w-1","currency":"ZZZ","amount":100}`, nil, 400, linkfin.EINVALID},
		{"the e-CNY rail in dollars", `{"rail":"ecny","instruction_id":"w-1","currency":"USD","amount":100}`, nil, 400, linkfin.EINVALID},
		{"malformed", `{"rail":`, nil, 400, lfhttp.EMALFORMED},
		{"a form", good, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, lfhttp.EMEDIATYPE},
		{"no key", good, []string{"Authorization", "Bearer lfk_0000000000000000_" + strings.Repeat("x", 43)}, 401, linkfin.EUNAUTHORIZED},
		{"a viewer's key", good, []string{"Authorization", "Bearer " + p.keys["anchor-viewer"]}, 403, linkfin.EFORBIDDEN},
	} {
		t.Run(bad.name, func(t *testing.T) {
			key := fmt.Sprintf("withdraw-%d", i)
			headers := append([]string{"Idempotency-Key", key}, bad.headers...)
			wantProblem(t, p.as("anchor", "POST", route, bad.body, headers...), bad.status, bad.code)
			body := strings.Replace(good, "w-1", key, 1)
			r := p.as("anchor", "POST", route, body, "Idempotency-Key", key)
			var out linkfin.PaymentOut
			wantJSON(t, r, http.StatusOK, &out)
			if out.Replayed || out.InstructionID != key || r.header.Get("Idempotency-Hit") != "" {
				t.Fatalf("the corrected request did not run: %s", r.body)
			}
		})
	}
	// Refused as it ran: kept and replayed, and the key is spent on that request.
	short := `{"rail":"bank","instruction_id":"w-short","currency":"CNY","amount":999999999999999}`
	first := p.as("anchor", "POST", route, short, "Idempotency-Key", "short")
	wantProblem(t, first, http.StatusUnprocessableEntity, "exceeds_credits")
	again := p.as("anchor", "POST", route, short, "Idempotency-Key", "short")
	if again.status != first.status || again.header.Get("Idempotency-Hit") != "true" {
		t.Fatalf("the business refusal was not replayed: %d %s", again.status, again.body)
	}
	wantProblem(t, p.as("anchor", "POST", route, strings.Replace(short, "999999999999999", "1", 1), "Idempotency-Key", "short"),
		http.StatusConflict, engine.EIDEMPOTENCY)

	// Through the engine alone, as the command line and the demo submit: a command
	// whose input is wrong is refused before the request is queued.
	key := "engine-1"
	bad := &services.RecordOutboundPayment{Rail: "bank", InstructionID: "e-1", OrgID: "anchor", Currency: "CNY", Amount: 0}
	if _, err := p.engine.Submit(context.Background(), &engine.Request{IdempotencyKey: key, Commands: []linkfin.Command{bad}}); linkfin.ErrorCode(err) != linkfin.EINVALID {
		t.Fatalf("a zero withdrawal: %v", err)
	}
	good1 := *bad
	good1.Amount = 1
	resp, err := p.engine.Submit(context.Background(), &engine.Request{IdempotencyKey: key, Commands: []linkfin.Command{&good1}})
	if err != nil || resp.Replayed || resp.Outcomes[0].Err() != nil {
		t.Fatalf("the corrected request: %+v, %v", resp, err)
	}
}

// TestWalletClassRange: a wallet's class is 1 to 4 (none for a corporate wallet): a
// negative one is out of its range, as one above 4 is, refused before anything runs.
func TestWalletClassRange(t *testing.T) {
	p := newPlatform(t)
	base := p.snapshot()
	for _, class := range []string{"-1", "-4", "5"} {
		wantProblem(t, p.as("tier1", "POST", "/v1/ecny-wallets", `{"class":`+class+`}`, "Idempotency-Key", "class"+class),
			http.StatusBadRequest, linkfin.EOUTOFRANGE)
	}
	if after := p.snapshot(); !reflect.DeepEqual(after, base) {
		t.Fatal("a refused wallet changed the store")
	}
}
