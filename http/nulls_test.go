package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"linkfin"
	lfhttp "linkfin/http"
)

// optionalPaths lists the optional members of the schema's objects, at every depth
// (within members optional or not, and within the items of arrays), as paths of names
// and array indexes.
func optionalPaths(s *openapi3.Schema, at []any) [][]any {
	for _, alt := range append(s.AnyOf, s.OneOf...) {
		if !alt.Value.Type.Is("null") {
			return optionalPaths(alt.Value, at)
		}
	}
	var out [][]any
	switch {
	case s.Type.Includes("object"):
		for name, prop := range s.Properties {
			path := append(slices.Clip(at), name)
			if !slices.Contains(s.Required, name) {
				out = append(out, path)
			}
			out = append(out, optionalPaths(prop.Value, path)...)
		}
	case s.Type.Includes("array"):
		out = append(out, optionalPaths(s.Items.Value, append(slices.Clip(at), 0))...)
	}
	return out
}

// arrayPaths lists the arrays in the schema's objects, at every depth, as paths of
// names and array indexes.
func arrayPaths(s *openapi3.Schema, at []any) [][]any {
	for _, alt := range append(s.AnyOf, s.OneOf...) {
		if !alt.Value.Type.Is("null") {
			return arrayPaths(alt.Value, at)
		}
	}
	var out [][]any
	switch {
	case s.Type.Includes("object"):
		for name, prop := range s.Properties {
			out = append(out, arrayPaths(prop.Value, append(slices.Clip(at), name))...)
		}
	case s.Type.Includes("array"):
		out = append(out, at)
		out = append(out, arrayPaths(s.Items.Value, append(slices.Clip(at), 0))...)
	}
	return out
}

// nullItem returns a deep copy of v whose array at path has null for its first item.
func nullItem(v any, path []any) any {
	b, _ := json.Marshal(v)
	var c any
	json.Unmarshal(b, &c)
	node := c
	for _, step := range path {
		switch s := step.(type) {
		case string:
			node = node.(map[string]any)[s]
		case int:
			node = node.([]any)[s]
		}
	}
	node.([]any)[0] = nil
	return c
}

// TestNullMembers derives from the OpenAPI document every member of every write
// route's JSON body, at every depth, and checks that the document's validator and the
// server agree on null. An optional member given as null is read by the server as
// its absence: the body with it null, then the body without it under the same
// Idempotency-Key, answer with one status, code and detail (a replay, where the
// first was kept); and the document allows it, exactly then. A required member given
// as null is refused by both: the server with 400 missing_field, the document by its
// schema.
func TestNullMembers(t *testing.T) {
	p := newPlatform(t)
	doc, err := p.srv.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	spec := loadOpenAPI(t, doc)
	router, err := gorillamux.NewRouter(spec)
	if err != nil {
		t.Fatal(err)
	}
	// validate is the document's verdict on a request, as a validating client or
	// proxy gives it.
	validate := func(path, body string) error {
		req, err := http.NewRequest(http.MethodPost, "http://linkfin.test"+path, bytes.NewReader([]byte(body)))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", "null-members")
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("POST %s: %v", path, err)
		}
		return openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{Request: req,
			PathParams: params, Route: route, Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}})
	}
	problem := func(r reply) (p linkfin.Problem) {
		json.Unmarshal(r.body, &p)
		return p
	}
	optional, required, arrays := 0, 0, 0
	for _, route := range p.srv.Routes() {
		if route.Method() != http.MethodPost || route.In == nil || route.Access == lfhttp.Public {
			continue
		}
		who, path := p.writer(t, route)
		op := spec.Paths.Value(openAPIPath(route.Path())).GetOperation(route.Method())
		body := op.RequestBody.Value.Content.Get("application/json").Schema.Value
		full := example(body)
		if err := validate(path, mustJSON(t, full)); err != nil {
			t.Errorf("%s: the document refuses the body with every member: %s", route.Pattern, short(err))
			continue
		}
		for _, at := range optionalPaths(body, nil) {
			optional++
			t.Run(fmt.Sprintf("%s/null %v", route.Pattern, at), func(t *testing.T) {
				null, absent := mustJSON(t, edit(full, at, true)), mustJSON(t, edit(full, at, false))
				if err := validate(path, absent); err != nil {
					t.Fatalf("the document refuses the body without %v: %s", at, short(err))
				}
				key := fmt.Sprintf("null-member-%d", optional)
				n := p.checked(http.DefaultClient, who, "POST", path, null, "Idempotency-Key", key)
				a := p.checked(http.DefaultClient, who, "POST", path, absent, "Idempotency-Key", key)
				np, ap := problem(n), problem(a)
				readAsAbsent := n.status == a.status && np.Code == ap.Code && np.Detail == ap.Detail
				docErr := validate(path, null)
				switch {
				case !readAsAbsent:
					t.Errorf("null is not read as the member's absence: with it null %d %q (%s), without it %d %q (%s)",
						n.status, np.Code, np.Detail, a.status, ap.Code, ap.Detail)
				case n.status >= 500:
					t.Errorf("%d %s", n.status, n.body)
				}
				if (docErr == nil) != readAsAbsent {
					t.Errorf("the server answered %d %q with the member null, %d %q without it, and the document's validator says %v",
						n.status, np.Code, a.status, ap.Code, docErr)
				}
			})
		}
		base := p.snapshot()
		// An item of an array is never null: the server refuses it as a value of the
		// wrong type, as the document does (its items are not nullable).
		items := arrayPaths(body, nil)
		if slices.ContainsFunc(body.OneOf, func(alt *openapi3.SchemaRef) bool { return alt.Value.Type.Is("array") }) {
			items = append(items, nil) // a batch: an array of bodies
		}
		for _, at := range items {
			t.Run(fmt.Sprintf("%s/null item of %v", route.Pattern, at), func(t *testing.T) {
				null := "[null]"
				if at != nil {
					null = mustJSON(t, nullItem(full, at))
				}
				if validate(path, null) == nil {
					t.Errorf("the document allows a null item")
				}
				pr := wantProblem(t, p.checked(http.DefaultClient, who, "POST", path, null), http.StatusBadRequest, lfhttp.ETYPE)
				if want := fmt.Sprintf("%s[0] is null", join(at)); !strings.Contains(pr.Detail, want) {
					t.Errorf("the problem does not name %s: %s", want, pr.Detail)
				}
			})
			arrays++
		}
		for _, at := range requiredPaths(body, nil) {
			required++
			t.Run(fmt.Sprintf("%s/null %v (required)", route.Pattern, at), func(t *testing.T) {
				null := mustJSON(t, edit(full, at, true))
				if validate(path, null) == nil {
					t.Errorf("the document allows a required member null")
				}
				wantProblem(t, p.checked(http.DefaultClient, who, "POST", path, null), http.StatusBadRequest, lfhttp.EMISSING)
			})
		}
		if after := p.snapshot(); !reflect.DeepEqual(after, base) {
			t.Errorf("%s: a body with a required member null changed the store", route.Pattern)
		}
	}
	t.Logf("%d optional members, %d required ones, %d arrays", optional, required, arrays)
	if optional < 100 || required < 100 || arrays < 15 {
		t.Errorf("%d optional members, %d required ones and %d arrays checked", optional, required, arrays)
	}
}

// join is a path of names and indexes as decode names a value: lines[0].quantity.
func join(at []any) string {
	var b strings.Builder
	for _, step := range at {
		switch s := step.(type) {
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s)
		case int:
			fmt.Fprintf(&b, "[%d]", s)
		}
	}
	return b.String()
}
