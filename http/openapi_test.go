package http_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"linkfin"
	"linkfin/demo"
	"linkfin/engine"
	lfhttp "linkfin/http"
	"linkfin/ledger"
	"linkfin/services"
	"linkfin/sqlite"
	"linkfin/sqlite/sqlitetest"
	"linkfin/storetest"
	"linkfin/ubl"
)

// openAPIEnv is a real server on a fresh SQLite store, with the demo's supply chain
// and a key for the operator and for each of its organizations.
type openAPIEnv struct {
	t      *testing.T
	srv    *lfhttp.Server
	engine *engine.Engine
	store  *sqlite.DB
	url    string
	doc    []byte
	client *http.Client
	keys   map[string]string // "operator", "anchor", "tier1", … → key
	seq    int
}

func newOpenAPIEnv(t *testing.T) *openAPIEnv {
	t.Helper()
	ctx := context.Background()
	s := sqlitetest.Open(t)
	signer, _ := storetest.LogKey(t, s)
	e, err := engine.Open(ctx, engine.Config{Store: s, Signer: signer, Now: storetest.NewClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	env := &openAPIEnv{t: t, srv: lfhttp.NewServer(e, s, nil), engine: e, store: s, keys: make(map[string]string)}
	env.srv.Auth = services.NewAuth(s, e, credentialsKey)
	env.srv.WebhookKey = []byte("the webhook key of the OpenAPI tests")
	submit := func(c linkfin.Command, v any) {
		t.Helper()
		if err := e.Run(ctx, c, v); err != nil {
			t.Fatalf("%T: %v", c, err)
		}
	}
	secret, key := linkfin.NewAPIKey("", linkfin.RoleOperator, "")
	submit(&services.BootstrapOperator{Key: key}, new(services.BootstrapResult))
	env.keys["operator"] = secret
	if err := demo.Seed(ctx, e); err != nil {
		t.Fatal(err)
	}
	for _, o := range demo.Organizations {
		secret, key := linkfin.NewAPIKey(o.ID, linkfin.RoleAdmin, "tests")
		submit(&services.CreateAPIKey{Key: key}, new(json.RawMessage))
		env.keys[o.ID] = secret
	}
	ts := httptest.NewServer(env.srv)
	t.Cleanup(ts.Close)
	env.url = ts.URL
	if env.doc, err = env.srv.OpenAPI(); err != nil {
		t.Fatal(err)
	}
	env.client = validatingClient(t, env.doc)
	return env
}

// openAPIReply is an answer, read whole.
type openAPIReply struct {
	status int
	header http.Header
	body   []byte
}

// as sends a request through the validating client with who's key ("" for none), and
// a fresh Idempotency-Key on every POST.
func (env *openAPIEnv) as(who, method, path, body string) openAPIReply {
	env.t.Helper()
	return env.send(env.client, who, method, path, body)
}

func (env *openAPIEnv) send(client *http.Client, who, method, path, body string) openAPIReply {
	env.t.Helper()
	req, err := http.NewRequest(method, env.url+path, strings.NewReader(body))
	if err != nil {
		env.t.Fatal(err)
	}
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+env.keys[who])
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if method == http.MethodPost {
		env.seq++
		req.Header.Set("Idempotency-Key", "openapi-"+strconv.Itoa(env.seq))
	}
	resp, err := client.Do(req)
	if err != nil {
		env.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		env.t.Fatal(err)
	}
	return openAPIReply{status: resp.StatusCode, header: resp.Header, body: b}
}

// want checks an answer's status and decodes its body into v, if v is not nil.
func (env *openAPIEnv) want(r openAPIReply, status int, v any) {
	env.t.Helper()
	if r.status != status {
		env.t.Fatalf("status %d, want %d\n%s", r.status, status, r.body)
	}
	if v != nil {
		if err := json.Unmarshal(r.body, v); err != nil {
			env.t.Fatalf("%v\n%s", err, r.body)
		}
	}
}

// loadOpenAPI loads and validates a document as kin-openapi reads it.
func loadOpenAPI(t *testing.T, doc []byte) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	spec, err := loader.LoadFromData(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := spec.Validate(loader.Context); err != nil {
		t.Fatalf("the document is not valid OpenAPI: %v", err)
	}
	return spec
}

// openAPIPath is a route's path as the document spells it.
func openAPIPath(p string) string {
	return strings.ReplaceAll(strings.TrimSuffix(p, "{$}"), "...}", "}")
}

// TestOpenAPIDocument checks that the document is valid OpenAPI 3.1, that it has
// exactly the routes of the router, and what it says of keys, money and bodies.
func TestOpenAPIDocument(t *testing.T) {
	env := newOpenAPIEnv(t)
	spec := loadOpenAPI(t, env.doc)
	if spec.OpenAPI != "3.1.0" || spec.Info.Title != "linkfin" || len(spec.Servers) != 1 || spec.Servers[0].URL != "/" {
		t.Errorf("openapi %q, title %q, servers %v", spec.OpenAPI, spec.Info.Title, spec.Servers)
	}

	routed := make(map[string]lfhttp.Route)
	for _, rt := range env.srv.Routes() {
		routed[rt.Method()+" "+openAPIPath(rt.Path())] = rt
	}
	documented := make(map[string]*openapi3.Operation)
	for path, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			documented[method+" "+path] = op
		}
	}
	for key := range routed {
		if documented[key] == nil {
			t.Errorf("%s is routed but not in the document", key)
		}
	}
	for key := range documented {
		if _, ok := routed[key]; !ok {
			t.Errorf("%s is in the document but not routed", key)
		}
	}
	for _, key := range []string{"GET /healthz", "GET /metrics", "GET /v1/openapi.json", "POST /v1/transfers", "GET /v1/audit/proof/{seq}"} {
		if _, ok := routed[key]; !ok {
			t.Errorf("%s is not routed", key)
		}
	}

	for key, rt := range routed {
		op := documented[key]
		if op == nil {
			continue
		}
		if public := op.Security != nil && len(*op.Security) == 0; public != (rt.Access == lfhttp.Public) {
			t.Errorf("%s: access %s, but the document says public is %v", key, rt.Access, public)
		}
		idem := op.Parameters.GetByInAndName("header", "Idempotency-Key")
		switch {
		case rt.Method() == http.MethodPost && rt.Access != lfhttp.Public && idem == nil:
			t.Errorf("%s takes no Idempotency-Key", key)
		case idem != nil && idem.Required != rt.Money:
			t.Errorf("%s: Idempotency-Key required is %v, but the route moves money is %v", key, idem.Required, rt.Money)
		}
		for _, name := range wildcards(rt.Path()) {
			if p := op.Parameters.GetByInAndName("path", name); p == nil || !p.Required {
				t.Errorf("%s: no path parameter %s", key, name)
			}
		}
		status := rt.Status
		if status == 0 {
			status = http.StatusOK
		}
		ok := op.Responses.Status(status)
		if ok == nil {
			t.Errorf("%s: no response %d", key, status)
			continue
		}
		media := ok.Value.Content.Get("application/json")
		switch {
		case rt.Text:
			if ok.Value.Content.Get("text/plain") == nil {
				t.Errorf("%s: the answer is not text", key)
			}
		case rt.Out == nil:
			if len(ok.Value.Content) != 0 {
				t.Errorf("%s: the route answers nothing, the document something", key)
			}
		case media == nil || media.Schema == nil:
			t.Errorf("%s: no JSON answer", key)
		case rt.List && !strings.HasSuffix(media.Schema.Ref, "List"):
			t.Errorf("%s: the answer %q is not a list", key, media.Schema.Ref)
		}
		if (rt.In != nil && !rt.BodyOptional || rt.XML) != (op.RequestBody != nil && op.RequestBody.Value.Required) {
			t.Errorf("%s: the route's body is %v, the document's required body %v", key, rt.In, op.RequestBody)
		}
		if rt.BodyOptional && (op.RequestBody == nil || op.RequestBody.Value.Content.Get("application/json") == nil) {
			t.Errorf("%s: the route's body, %v, may be left out, and the document has none", key, rt.In)
		}
		if rt.Access != lfhttp.Public {
			for _, code := range []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests} {
				if r := op.Responses.Status(code); r == nil || r.Ref != "#/components/responses/"+strings.ReplaceAll(http.StatusText(code), " ", "") {
					t.Errorf("%s: no %d problem", key, code)
				}
			}
		}
	}

	// The document's schemas are those of the Go types.
	schemas := spec.Components.Schemas
	wantProps := map[string][]string{
		"Problem":        {"type", "title", "status", "detail", "code", "instance"},
		"CertificateOut": {"id", "root_id", "face", "maturity", "lineage"}, // the certificate's, flattened
		"TransferList":   {"data", "next_cursor"},
	}
	for name, props := range wantProps {
		s := schemas[name]
		if s == nil {
			t.Errorf("no schema %s", name)
			continue
		}
		for _, p := range props {
			if s.Value.Properties[p] == nil {
				t.Errorf("schema %s has no property %s", name, p)
			}
		}
	}
	for name, want := range map[string][]string{
		"Problem":    {"type", "title", "status", "code"},
		"AccountIn":  {"id", "ledger", "currency", "code"},
		"TransferIn": {"id"},
		"ProgramIn":  {"name", "currency", "limit", "products", "max_tenor_days", "advance_rate", "day_count", "calendar", "tolerances", "buy_back"},
		"APIKeyIn":   {"role"},
		"ItemResult": {"index", "id", "result"},
	} {
		if s := schemas[name]; s == nil {
			t.Errorf("no schema %s", name)
		} else if !slices.Equal(sorted(s.Value.Required), sorted(want)) {
			t.Errorf("schema %s requires %v, want %v", name, s.Value.Required, want)
		}
	}
	for name, want := range map[string]string{
		"ID": `^[1-9][0-9]{0,18}$`, "StringInt": `^(0|-?[1-9][0-9]{0,18})$`, "Currency": `^[A-Z]{3}$`, "Date": `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, "Rate": `^(0|[1-9][0-9]*)(\.[0-9]+)?$`,
	} {
		if s := schemas[name]; s == nil || s.Value.Pattern != want || !s.Value.Type.Is("string") {
			t.Errorf("schema %s is not a string of pattern %s", name, want)
		}
	}
	// Running sums and times in nanoseconds travel as decimal strings.
	for _, f := range [][2]string{{"Account", "debits_posted"}, {"Event", "time_ns"}, {"Financing", "ledger_base"}} {
		if s := schemas[f[0]].Value.Properties[f[1]]; s == nil || s.Ref != "#/components/schemas/StringInt" {
			t.Errorf("%s.%s is not a StringInt: %+v", f[0], f[1], s)
		}
	}
	if s := schemas["Exposure"].Value.Properties["by_funder"].Value; !s.Type.Is("object") || s.AdditionalProperties.Schema == nil {
		t.Errorf("Exposure.by_funder is not a map")
	}
	if s := schemas["Program"].Value.Properties["late_rate"].Value; len(s.AnyOf) != 2 || s.AnyOf[0].Ref != "#/components/schemas/Rate" ||
		!s.AnyOf[1].Value.Type.Is("null") {
		t.Errorf("Program.late_rate, a pointer to a rate, is not a rate or null")
	}

	// The server serves the same document.
	r := env.as("", "GET", "/v1/openapi.json", "")
	env.want(r, http.StatusOK, nil)
	if ct := r.header.Get("Content-Type"); ct != "application/json" || !bytes.Equal(r.body, env.doc) {
		t.Errorf("GET /v1/openapi.json answered %q, %d bytes; want the document, %d bytes", ct, len(r.body), len(env.doc))
	}
	again, err := env.srv.OpenAPI()
	if err != nil || !bytes.Equal(again, env.doc) {
		t.Errorf("the document changed from one generation to the next: %v", err)
	}
}

func wildcards(path string) []string {
	var out []string
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") && seg != "{$}" {
			out = append(out, strings.TrimSuffix(seg[1:len(seg)-1], "..."))
		}
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestOpenAPIEnums checks the document's enumerations against the constants of the
// domain's types: a value added in the code must appear in the document.
func TestOpenAPIEnums(t *testing.T) {
	env := newOpenAPIEnv(t)
	spec := loadOpenAPI(t, env.doc)
	consts := domainConstants(t)
	if len(consts["FinancingStatus"]) < 5 || len(consts["Role"]) != 4 {
		t.Fatalf("the domain's constants were not found: %v", consts)
	}
	for typ, values := range consts {
		s := spec.Components.Schemas[typ]
		if s == nil {
			continue // not in the API
		}
		if typ == "Currency" {
			// Currencies are open-ended: any ISO 4217 code.
			for _, v := range values {
				if err := s.Value.VisitJSON(v, openapi3.EnableJSONSchema2020()); err != nil {
					t.Errorf("currency %s: %v", v, err)
				}
			}
			continue
		}
		var got []string
		for _, v := range s.Value.Enum {
			got = append(got, fmt.Sprint(v))
		}
		if !slices.Equal(sorted(got), sorted(values)) {
			t.Errorf("%s: the document lists %v, the code has %v", typ, got, values)
		}
	}
}

// domainConstants reads the string constants of the domain package by their type.
func domainConstants(t *testing.T) map[string][]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string][]string)
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				typ, ok := vs.Type.(*ast.Ident)
				if !ok {
					continue
				}
				for _, v := range vs.Values {
					if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, err := strconv.Unquote(lit.Value)
						if err != nil {
							t.Fatal(err)
						}
						out[typ.Name] = append(out[typ.Name], s)
					}
				}
			}
		}
	}
	return out
}

// TestOpenAPIValidatingClient sends real requests through the validating client, and
// shows that it catches answers and requests the document does not allow.
func TestOpenAPIValidatingClient(t *testing.T) {
	env := newOpenAPIEnv(t)
	env.want(env.as("", "GET", "/healthz", ""), http.StatusOK, nil)
	env.want(env.as("", "GET", "/readyz", ""), http.StatusOK, nil)
	body := `{"id":"acme","name":"Acme Trading","capabilities":["trade","fund"]}`
	var org linkfin.Organization
	env.want(env.as("operator", "POST", "/v1/organizations", body), http.StatusCreated, &org)
	if org.ID != "acme" || len(org.Capabilities) != 2 || org.CreatedAt.IsZero() {
		t.Errorf("created %+v", org)
	}
	env.want(env.as("operator", "POST", "/v1/organizations", body), http.StatusOK, &org)
	var p linkfin.Problem
	env.want(env.as("operator", "GET", "/v1/programs/nope", ""), http.StatusNotFound, &p)
	if p.Code != linkfin.ENOTFOUND || p.Status != http.StatusNotFound {
		t.Errorf("problem %+v", p)
	}
	for _, c := range []struct {
		who, method, path, body string
		status                  int
		code                    string
	}{
		{"acme", "GET", "/v1/organizations/acme", "", http.StatusUnauthorized, linkfin.EUNAUTHORIZED}, // acme has no key
		{"anchor", "POST", "/v1/organizations", body, http.StatusForbidden, linkfin.EFORBIDDEN},
		{"operator", "POST", "/v1/organizations", `{"id":"x","name":"X"}`, http.StatusBadRequest, lfhttp.EMISSING}, // no capabilities
		{"operator", "GET", "/v1/nowhere", "", http.StatusNotFound, linkfin.ENOTFOUND},
		{"operator", "DELETE", "/v1/organizations", "", http.StatusMethodNotAllowed, lfhttp.EMETHOD},
	} {
		p = linkfin.Problem{}
		env.want(env.as(c.who, c.method, c.path, c.body), c.status, &p)
		if p.Code != c.code {
			t.Errorf("%s %s as %s: problem %+v, want code %s", c.method, c.path, c.who, p, c.code)
		}
	}
	// A UBL invoice is XML: a broken one is refused with a problem.
	req, err := http.NewRequest("POST", env.url+"/v1/invoices?po_id=PO-x&buyer_id=anchor", strings.NewReader("<Invoice>"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+env.keys["tier1"])
	req.Header.Set("Content-Type", "application/xml")
	resp, err := env.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	refusal, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	p = linkfin.Problem{}
	json.Unmarshal(refusal, &p)
	if resp.StatusCode != http.StatusUnprocessableEntity || p.Code != ubl.EINVALID {
		t.Errorf("a broken UBL invoice answered %d %+v", resp.StatusCode, p)
	}

	// Hand-made answers, good and bad, for the transport to judge. The program is a
	// real one, with funders, pricing and rates nested in it.
	var program map[string]any
	env.want(env.as("anchor", "GET", "/v1/programs/auto-scf", ""), http.StatusOK, &program)
	program["funders"].([]any)[0].(map[string]any)["pricing"] = map[string]any{"fixed_rate": "4.25%"}
	badProgram, err := json.Marshal(program)
	if err != nil {
		t.Fatal(err)
	}
	orgJSON := `{"id":"acme","name":"Acme","capabilities":["trade"],"created_at":"2026-11-02T09:00:00Z"}`
	problem := `{"type":"https://linkfin.dev/problems/not_found","title":"Not Found","status":404,"code":"not_found"}`
	transfer := `{"id":"1","debit_account_id":"1","credit_account_id":"2","amount":1,"ledger":1,"currency":"CNY","code":1,` +
		`"flags":[],"created_at":"2026-11-02T09:00:00Z"}`
	type answer struct {
		name, method, path, body string
		status                   int
		contentType, answer      string
		mismatch                 string // in the report; "" for none
	}
	var (
		current answer
		reports []string
	)
	fake := roundTripper(func(r *http.Request) (*http.Response, error) {
		h := http.Header{"Content-Type": {current.contentType}}
		if current.status == http.StatusCreated && !strings.HasSuffix(current.name, "without Location") {
			var made struct{ ID string }
			json.Unmarshal([]byte(current.answer), &made)
			h.Set("Location", r.URL.Path+"/"+made.ID) // a record made in the collection posted to
		}
		return &http.Response{StatusCode: current.status, Header: h,
			Body: io.NopCloser(strings.NewReader(current.answer)), Request: r}, nil
	})
	v, err := newValidatingTransport(env.doc, fake, func(format string, args ...any) {
		reports = append(reports, fmt.Sprintf(format, args...))
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []answer{
		{"organization", "GET", "/v1/organizations/acme", "", 200, "application/json", orgJSON, ""},
		{"problem", "GET", "/v1/organizations/acme", "", 404, "application/problem+json", problem, ""},
		{"unrouted problem", "GET", "/v1/nowhere", "", 404, "application/problem+json", problem, ""},
		{"list", "GET", "/v1/organizations?limit=2", "", 200, "application/json", `{"data":[` + orgJSON + `],"next_cursor":"acme"}`, ""},
		{"created", "POST", "/v1/organizations", `{"id":"acme","name":"Acme","capabilities":["trade"]}`, 201, "application/json", orgJSON, ""},
		{"created without Location", "POST", "/v1/organizations", `{"id":"acme","name":"Acme","capabilities":["trade"]}`, 201, "application/json", orgJSON,
			`response header "Location" missing`},
		{"transfer", "GET", "/v1/transfers/1", "", 200, "application/json", transfer, ""},
		{"status the route does not answer", "GET", "/v1/organizations/acme", "", 418, "application/json", orgJSON, "status is not supported"},
		{"field missing", "GET", "/v1/organizations/acme", "", 200, "application/json", strings.Replace(orgJSON, `,"created_at":"2026-11-02T09:00:00Z"`, "", 1), `"created_at" is missing`},
		{"field of the wrong type", "GET", "/v1/organizations/acme", "", 200, "application/json", strings.Replace(orgJSON, `"Acme"`, `7`, 1), "must be a string"},
		{"field unknown", "GET", "/v1/organizations/acme", "", 200, "application/json", strings.Replace(orgJSON, `{`, `{"bank":true,`, 1), `"bank" is unsupported`},
		{"value not in the enumeration", "GET", "/v1/organizations/acme", "", 200, "application/json", strings.Replace(orgJSON, `"trade"`, `"bank"`, 1), "allowed values"},
		{"time not a time", "GET", "/v1/organizations/acme", "", 200, "application/json", strings.Replace(orgJSON, `2026-11-02T09:00:00Z`, `yesterday`, 1), "date-time"},
		{"rate deep inside not a rate", "GET", "/v1/programs/auto-scf", "", 200, "application/json", string(badProgram), "/funders/0/pricing/fixed_rate"},
		{"ledger id a number", "GET", "/v1/transfers/1", "", 200, "application/json", strings.Replace(transfer, `"id":"1"`, `"id":1`, 1), "must be a string"},
		{"ledger id zero", "GET", "/v1/transfers/1", "", 200, "application/json", strings.Replace(transfer, `"id":"1"`, `"id":"0"`, 1), "regular expression"},
		{"list without data", "GET", "/v1/organizations", "", 200, "application/json", `{"next_cursor":"acme"}`, `"data" is missing`},
		{"problem as plain JSON", "GET", "/v1/organizations/acme", "", 404, "application/json", problem, "Content-Type"},
		{"problem without a code", "GET", "/v1/organizations/acme", "", 404, "application/problem+json", strings.Replace(problem, `,"code":"not_found"`, ``, 1), "code"},
		{"unrouted answered", "GET", "/v1/nowhere", "", 200, "application/json", `{}`, "not in the OpenAPI document"},
		{"bad request accepted", "POST", "/v1/organizations", `{"id":"acme","name":"Acme"}`, 201, "application/json", orgJSON, `"capabilities" is missing`},
		{"bad request refused", "POST", "/v1/organizations", `{"id":"acme","name":"Acme"}`, 400, "application/problem+json",
			strings.NewReplacer("404", "400", "Not Found", "Bad Request", "not_found", "invalid").Replace(problem), ""},
		{"money without Idempotency-Key accepted", "POST", "/v1/transfers", `{"id":"1","debit_account_id":"1","credit_account_id":"2",` +
			`"amount":1,"ledger":1,"currency":"CNY","code":1,"timeout":0}`, 201, "application/json", transfer, "Idempotency-Key"},
	} {
		t.Run(c.name, func(t *testing.T) {
			current, reports = c, nil
			req, err := http.NewRequest(c.method, "http://linkfin.test"+c.path, strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			if c.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := (&http.Client{Transport: v}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(got) != c.answer {
				t.Errorf("the client changed the answer: %s", got)
			}
			switch all := strings.Join(reports, "\n"); {
			case c.mismatch == "" && len(reports) > 0:
				t.Errorf("a mismatch was reported:\n%s", all)
			case c.mismatch != "" && !strings.Contains(all, c.mismatch):
				t.Errorf("no mismatch %q was reported: %q", c.mismatch, reports)
			}
		})
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestOpenAPIAnswers drives the supply chain through the validating client, then
// reads every route that reads, filled with real records: each request and answer
// must be what the document says.
func TestOpenAPIAnswers(t *testing.T) {
	env := newOpenAPIEnv(t)
	type step struct {
		who, method, path, body string
		status                  int
		save                    string // names for the ids the answer gives, in {name} of later steps
	}
	ids := map[string]string{}
	expand := func(s string) string {
		for name, id := range ids {
			s = strings.ReplaceAll(s, "{"+name+"}", id)
		}
		return s
	}
	hit := make(map[string]bool)
	// refusedBy is the code of each step the story expects refused.
	refusedBy := map[string]string{"POST /v1/transfers": string(ledger.ExceedsCredits), "POST /v1/ecny-payments": linkfin.EWALLETPAYMENT,
		"GET /v1/financings?status=paid": linkfin.EINVALID, "GET /v1/invoices?number=%1b": linkfin.EINVALID,
		"GET /v1/invoices?counterparty=a%20b": linkfin.EINVALID}
	run := func(steps ...step) {
		t.Helper()
		for _, s := range steps {
			for _, rt := range env.srv.Routes() {
				if rt.Method() == s.method && pathMatches(rt.Path(), strings.Split(s.path, "?")[0]) {
					hit[rt.Pattern] = true
				}
			}
			s.path, s.body = expand(s.path), expand(s.body)
			r := env.as(s.who, s.method, s.path, s.body)
			if r.status != s.status {
				t.Fatalf("%s %s as %s: status %d, want %d\n%s", s.method, s.path, s.who, r.status, s.status, r.body)
			}
			if s.status >= 400 {
				var p linkfin.Problem
				if json.Unmarshal(r.body, &p); p.Code != refusedBy[s.method+" "+s.path] {
					t.Fatalf("%s %s as %s: refused with %q, want %q (refusedBy)\n%s", s.method, s.path, s.who, p.Code, refusedBy[s.method+" "+s.path], r.body)
				}
			}
			if s.save != "" {
				var made []struct{ ID string }
				if err := json.Unmarshal(r.body, &made); err != nil {
					var one struct{ ID string }
					if err := json.Unmarshal(r.body, &one); err != nil {
						t.Fatal(err)
					}
					made = append(made, one)
				}
				for i, name := range strings.Split(s.save, ",") {
					ids[name] = made[i].ID
				}
			}
		}
	}
	po := `{"number":"%s","seller_id":"tier1","program_id":"auto-scf","currency":"CNY","lines":[{"line_id":"1","item":"brake disc","quantity":100,"unit":"pc","unit_price":100000}]}`
	run(
		step{"tier1", "POST", "/v1/relationships", `{"buyer_id":"tier1","seller_id":"tier3"}`, 201, ""},
		step{"tier3", "POST", "/v1/relationships/tier1~tier3/accept", "", 200, ""},
		step{"anchor", "POST", "/v1/purchase-orders", fmt.Sprintf(po, "PO-1"), 201, "PO-1"},
		step{"tier1", "POST", "/v1/purchase-orders/{PO-1}/accept", "", 200, ""},
		step{"anchor", "POST", "/v1/purchase-orders", fmt.Sprintf(po, "PO-2"), 201, "PO-2"},
		step{"anchor", "POST", "/v1/purchase-orders/{PO-2}/cancel", "{}", 200, ""},
		step{"tier1", "POST", "/v1/shipments", `{"number":"SH-1","po_id":"{PO-1}","carrier_id":"port"}`, 201, "SH-1"},
		step{"port", "POST", "/v1/shipments/{SH-1}/events", `{"status":"picked_up","location":"Ningbo"}`, 200, ""},
		step{"anchor", "POST", "/v1/goods-receipts", `{"number":"GR-1","po_id":"{PO-1}","lines":[{"line_id":"1","accepted":100,"rejected":0}]}`, 201, "GR-1"},
		step{"tier1", "POST", "/v1/invoices", `{"number":"INV-1","buyer_id":"anchor","po_id":"{PO-1}","currency":"CNY",` +
			`"issue_date":"2026-11-02","due_date":"2027-01-04","lines":[{"line_id":"1","quantity":100,"unit_price":100000,"amount":10000000}],"tax":0,"total":10000000}`, 201, "inv-1"},
		step{"anchor", "POST", "/v1/invoices/{inv-1}/approve", "", 200, "pay-inv-1"},
		step{"tier1", "POST", "/v1/invoices/{inv-1}/credit-notes", `{"number":"CN-1","amount":100,"reason":"a scratch"}`, 201, "CN-1"},
		step{"anchor", "POST", "/v1/certificates", `{"program_id":"auto-scf","payable_ids":["{pay-inv-1}"]}`, 201, "C-1"},
	)
	var c linkfin.Certificate
	env.want(env.as("operator", "GET", "/v1/certificates/"+ids["C-1"], ""), http.StatusOK, &c)
	half := c.Face / 2
	run(
		step{"tier1", "POST", "/v1/certificates/{C-1}/split", fmt.Sprintf(`{"pieces":[{"face":%d},{"face":%d}]}`, half, c.Face-half), 200, "C-1a,C-1b"},
		step{"tier1", "POST", "/v1/certificates/{C-1a}/transfer", fmt.Sprintf(`{"to":"tier2","amount":%d}`, half/2), 200, "C-2,C-1c"},
		step{"tier1", "POST", "/v1/financings", `{"product":"certificate_discounting","program_id":"auto-scf","funder_id":"bank","asset_id":"{C-1b}"}`, 201, "F-1"},
		step{"tier1", "POST", "/v1/financings/{F-1}/accept", "", 200, ""},
		step{"bank", "POST", "/v1/financings/{F-1}/disburse", "", 200, ""},
		step{"operator", "POST", "/v1/price-marks", `{"commodity":"copper","currency":"CNY","price":6000000}`, 200, ""},
		step{"port", "POST", "/v1/warehouse-receipts", `{"number":"WR-1","lot_id":"LOT-1","owner_id":"tier2","commodity":"copper","quantity":40,"unit":"t"}`, 201, "WR-1"},
		step{"port", "POST", "/v1/devices", `{"lot_id":"LOT-1","public_key":"` + sensorKey(1) + `"}`, 201, "dev-1"},
		step{"port", "POST", "/v1/devices", `{"name":"door","public_key":"` + sensorKey(2) + `"}`, 201, "dev-2"},
	)
	// The sensor signs its reading of the lot, at the engine's time.
	reading := linkfin.Reading{DeviceID: ids["dev-1"], ReceiptID: ids["WR-1"], Sequence: 1, ReadAt: storetest.NewClock().Now(), Quantity: 40}
	reading.Sign(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, ed25519.SeedSize)))
	telemetry, err := json.Marshal(linkfin.TelemetryIn{DeviceID: reading.DeviceID, Sequence: 1, ReadAt: reading.ReadAt, Quantity: 40,
		Signature: base64.StdEncoding.EncodeToString(reading.Signature)})
	if err != nil {
		t.Fatal(err)
	}
	run(
		step{"port", "POST", "/v1/warehouse-receipts/{WR-1}/telemetry", string(telemetry), 200, ""},
		step{"port", "POST", "/v1/devices/{dev-2}/replace", `{"public_key":"` + sensorKey(3) + `"}`, 201, "dev-3"},
		step{"port", "POST", "/v1/devices/{dev-3}/retire", "", 200, ""},
		step{"operator", "POST", "/v1/payments/inbound", `{"rail":"bank","instruction_id":"in-1","org_id":"tier1","currency":"CNY","amount":10000}`, 200, ""},
		step{"operator", "POST", "/v1/payment-files/debtor", `{"debtor":{"name":"Auto SCF Platform","iban":"DE89370400440532013000","bic":"COBADEFFXXX"}}`, 200, ""},
		step{"tier1", "POST", "/v1/payments/withdrawals", `{"rail":"bank","instruction_id":"out-1","currency":"CNY","amount":5000}`, 200, ""},
		step{"tier1", "POST", "/v1/ecny-wallets", `{}`, 201, "w1"},
		step{"tier2", "POST", "/v1/ecny-wallets", `{}`, 201, "w2"},
		step{"operator", "POST", "/v1/ecny-wallets/{w1}/evidence", `{"kind":"identity_document","reference":"ID 1101"}`, 200, ""},
		step{"tier1", "POST", "/v1/ecny-wallets/{w1}/class", `{"class":3}`, 200, ""},
		step{"tier1", "POST", "/v1/ecny-wallets/{w1}/top-up", `{"amount":100000}`, 200, ""},
		step{"tier1", "POST", "/v1/ecny-payments", `{"from_wallet_id":"{w1}","to_wallet_id":"{w2}","amount":50000}`, 201, ""},
		step{"tier1", "POST", "/v1/ecny-payments", `{"from_wallet_id":"{w1}","to_wallet_id":"{w2}","amount":200001}`, 422, ""},
		step{"tier1", "POST", "/v1/ecny-wallets/{w1}/redeem", `{"amount":10000}`, 200, ""},
		step{"operator", "POST", "/v1/ecny-wallets", `{"org_id":"tier1","limits":{"balance":1000000,"payment":10000,"daily":100000,"yearly":1000000}}`, 201, "corp"},
		step{"tier1", "POST", "/v1/ecny-wallets", `{"parent_id":"{corp}","limits":{"balance":10000,"payment":1000,"daily":10000,"yearly":100000}}`, 201, "sub"},
		step{"tier1", "POST", "/v1/ecny-wallets/{corp}/top-up", `{"amount":5000}`, 200, ""},
		step{"tier1", "POST", "/v1/ecny-wallets/{sub}/fund", `{"amount":2000}`, 200, ""},
		step{"operator", "POST", "/v1/payments/inbound", `{"rail":"bank","instruction_id":"in-cp","org_id":"anchor","currency":"CNY","amount":1000000}`, 200, ""},
		step{"anchor", "POST", "/v1/conditional-payments", `{"payee_id":"tier1","currency":"CNY","amount":100000,"reference":"tooling",` +
			`"condition":{"type":"milestone","milestone":"tooling installed","confirmer_id":"tier2"},"expires_on":"2027-06-30"}`, 201, "cp1"},
		step{"tier2", "POST", "/v1/conditional-payments/{cp1}/confirm", "", 200, ""},
		step{"anchor", "POST", "/v1/conditional-payments", `{"payee_id":"tier1","currency":"CNY","amount":100000,` +
			`"condition":{"type":"goods_received","po_id":"{PO-1}","release":"pro_rata"}}`, 201, "cp2"},
		step{"anchor", "POST", "/v1/conditional-payments", `{"payee_id":"tier1","currency":"CNY","amount":100000,` +
			`"condition":{"type":"date","date":"2027-06-30"}}`, 201, "cp3"},
		step{"anchor", "POST", "/v1/conditional-payments/{cp3}/cancel", "", 200, ""},
		step{"tier1", "POST", "/v1/conditional-payments/{cp3}/cancel", "", 200, ""},
		step{"anchor", "POST", "/v1/purpose-bound-wallets", `{"holder_id":"tier2","currency":"CNY","payee_ids":["tier1"],"purpose":"castings","amount":50000}`, 201, "pb1"},
		step{"anchor", "POST", "/v1/purpose-bound-wallets/{pb1}/fund", `{"amount":1000}`, 200, ""},
		step{"tier2", "POST", "/v1/purpose-bound-wallets/{pb1}/payments", `{"payee_id":"tier1","amount":20000}`, 201, ""},
		step{"operator", "POST", "/v1/settlements/run", `{"program_id":"auto-scf","date":"2026-11-02"}`, 200, ""},
		step{"anchor", "POST", "/v1/organizations/anchor/api-keys", `{"role":"viewer","name":"reports"}`, 201, ""},
		step{"anchor", "POST", "/v1/webhook-endpoints", `{"url":"https://erp.example/hooks","events":["*"]}`, 201, "erp"},
		step{"operator", "POST", "/v1/accounts", `{"id":"900001","ledger":1,"currency":"CNY","code":1}`, 201, ""},
		step{"operator", "POST", "/v1/accounts", `{"id":"900001","ledger":1,"currency":"CNY","code":1}`, 200, ""},
		step{"operator", "POST", "/v1/accounts", `[{"id":"900002","ledger":1,"currency":"CNY","code":1},{"id":"900003","ledger":1,"currency":"CNY","code":1,"flags":["debits_must_not_exceed_credits"]}]`, 200, ""},
		step{"operator", "POST", "/v1/transfers", `{"id":"900010","debit_account_id":"900001","credit_account_id":"900002","amount":100,"ledger":1,"currency":"CNY","code":1,"timeout":0}`, 201, ""},
		step{"operator", "POST", "/v1/transfers", `{"id":"900011","debit_account_id":"900001","credit_account_id":"900002","amount":100,"ledger":1,"currency":"CNY","code":1,"flags":["pending"],"timeout":3600}`, 201, ""},
		step{"operator", "POST", "/v1/transfers", `{"id":"900012","debit_account_id":"900003","credit_account_id":"900002","amount":100,"ledger":1,"currency":"CNY","code":1,"timeout":0}`, 422, ""},
		step{"operator", "POST", "/v1/accounts/900003/close", "", 200, ""},
	)
	var keys struct{ Data []linkfin.APIKeyOut }
	env.want(env.as("anchor", "GET", "/v1/organizations/anchor/api-keys", ""), http.StatusOK, &keys)
	revoked := 0
	for _, k := range keys.Data {
		if k.Name == "reports" {
			run(step{"anchor", "POST", "/v1/organizations/anchor/api-keys/" + k.ID + "/revoke", "", 200, ""})
			revoked++
		}
	}
	if revoked != 1 {
		t.Fatalf("the anchor's keys are %+v, with %d made for reports", keys.Data, revoked)
	}
	run(step{"anchor", "POST", "/v1/webhook-endpoints/{erp}/disable", "", 200, ""})

	paths := strings.NewReplacer(
		"/v1/organizations/{id}", "/v1/organizations/anchor", "/v1/relationships/{id}", "/v1/relationships/anchor~tier1",
		"/v1/programs/{id}", "/v1/programs/auto-scf", "/v1/purchase-orders/{id}", "/v1/purchase-orders/{PO-1}",
		"/v1/shipments/{id}", "/v1/shipments/{SH-1}", "/v1/goods-receipts/{id}", "/v1/goods-receipts/{GR-1}",
		"/v1/invoices/{id}", "/v1/invoices/{inv-1}", "/v1/credit-notes/{id}", "/v1/credit-notes/{CN-1}",
		"/v1/payables/{id}", "/v1/payables/{pay-inv-1}", "/v1/certificates/{id}", "/v1/certificates/{C-1a}",
		"/v1/financings/{id}", "/v1/financings/{F-1}", "/v1/warehouse-receipts/{id}", "/v1/warehouse-receipts/{WR-1}",
		"/v1/price-marks/{id}", "/v1/price-marks/copper", "/v1/transfers/{id}", "/v1/transfers/900011",
		"/v1/accounts/{id}", "/v1/accounts/"+strconv.FormatInt(linkfin.WalletID("tier1", "CNY"), 10),
		"/v1/audit/proof/{seq}", "/v1/audit/proof/1", "/v1/audit/consistency", "/v1/audit/consistency?old_size=1",
		"/v1/webhook-endpoints/{id}", "/v1/webhook-endpoints/{erp}", "/v1/ecny-wallets/{id}", "/v1/ecny-wallets/{w1}",
		"/v1/conditional-payments/{id}", "/v1/conditional-payments/{cp1}", "/v1/purpose-bound-wallets/{id}", "/v1/purpose-bound-wallets/{pb1}",
		"/v1/devices/{id}", "/v1/devices/{dev-1}",
	)
	for _, rt := range env.srv.Routes() {
		if rt.Method() != http.MethodGet {
			continue
		}
		path := expand(paths.Replace(rt.Path()))
		if strings.Contains(path, "{") {
			continue // the test has no record for it: it is tried with a bad request below
		}
		if path == "/v1/sessions/current" {
			continue // a key has no session: TestSessions reads it with a session's cookie
		}
		run(step{"operator", "GET", path, "", 200, ""})
		if rt.Access == lfhttp.AnyKey {
			r := env.as("tier1", "GET", path, "")
			if r.status != http.StatusOK && r.status != http.StatusNotFound {
				t.Errorf("GET %s as tier1: status %d\n%s", path, r.status, r.body)
			}
		}
	}
	run(
		step{"tier1", "GET", "/v1/financings?status=disbursed&from=2026-11-01&to=2026-11-30&limit=1", "", 200, ""},
		step{"tier1", "GET", "/v1/certificates?counterparty=anchor&limit=2", "", 200, ""},
		step{"operator", "GET", "/v1/audit/events?limit=5&after=3", "", 200, ""},
		step{"operator", "GET", "/v1/financings?status=paid", "", 400, ""}, // no financing's status
		step{"operator", "GET", "/v1/invoices?number=%1b", "", 400, ""},    // no number's text
		step{"operator", "GET", "/v1/invoices?counterparty=a%20b", "", 400, ""},
		step{"anchor", "GET", "/v1/purchase-orders?number=PO-2", "", 200, ""},
	)

	// The routes the story did not take answer problems the document lists, to a body
	// the document refuses.
	var rest []string
	for _, rt := range env.srv.Routes() {
		if hit[rt.Pattern] {
			continue
		}
		rest = append(rest, rt.Pattern)
		path := strings.NewReplacer("{id}", ids["F-1"], "{funder}", "bank", "{key}", "nokey").Replace(rt.Path())
		if strings.Contains(path, "{") {
			t.Errorf("%s: the test fills in none of its wildcards", rt.Pattern)
			continue
		}
		body := ""
		if rt.In != nil {
			body = "{}"
		}
		if r := env.as("tier1", rt.Method(), path, body); r.status < 400 || r.status >= 500 {
			t.Errorf("%s %s: status %d, want a problem\n%s", rt.Method(), path, r.status, r.body)
		}
	}
	t.Logf("routes tried with a bad request alone: %v", rest)
}

// pathMatches reports whether a path matches a pattern's path with {wildcards}.
func pathMatches(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if ps[i] != xs[i] && !strings.HasPrefix(ps[i], "{") {
			return false
		}
	}
	return true
}

// TestOpenAPIQueries checks that the document gives each route the query parameters
// it takes, and that the routes refuse any other.
func TestOpenAPIQueries(t *testing.T) {
	env := newOpenAPIEnv(t)
	spec := loadOpenAPI(t, env.doc)
	filtered := 0
	for _, rt := range env.srv.Routes() {
		op := spec.Paths.Value(openAPIPath(rt.Path())).GetOperation(rt.Method())
		var got []string
		for _, p := range op.Parameters {
			if p.Value.In == "query" {
				got = append(got, p.Value.Name)
				if p.Value.Required != (p.Value.Name == "old_size") {
					t.Errorf("%s: query parameter %s required is %v", rt.Pattern, p.Value.Name, p.Value.Required)
				}
			}
		}
		if !slices.Equal(sorted(got), sorted(rt.Query)) {
			t.Errorf("%s takes %v, the document says %v", rt.Pattern, rt.Query, got)
		}
		if slices.Contains(got, "status") {
			filtered++
		}
		if rt.Access == lfhttp.Public {
			continue
		}
		if op.Responses.Status(http.StatusBadRequest) == nil {
			t.Errorf("%s: no 400 problem", rt.Pattern)
		}
		if rt.Method() == http.MethodGet && !strings.Contains(rt.Path(), "{") {
			r := env.as("operator", "GET", rt.Path()+"?unknown=1", "")
			var p linkfin.Problem
			env.want(r, http.StatusBadRequest, &p)
			if p.Code != linkfin.EINVALID {
				t.Errorf("%s?unknown=1: problem %+v", rt.Pattern, p)
			}
		}
	}
	if filtered < 10 {
		t.Errorf("%d lists take filters, want the domain's", filtered)
	}
}

// sensorKey is the base64 public key of a test's device, made from a seed of n.
func sensorKey(n byte) string {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{n}, ed25519.SeedSize))
	return base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))
}

// TestOpenAPIOpenCodes: the codes of a 422 are open, any code no other status lists
// (a domain rule's, a ledger's result: exceeds_credits, duplicate_number, …), and
// the document says so; it listed some of them after "Codes:", as the other statuses
// list all of theirs, and a client reading it took exceeds_credits for no 422's code.
func TestOpenAPIOpenCodes(t *testing.T) {
	a := newAPI(t)
	doc, err := a.srv.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	spec := loadOpenAPI(t, doc)
	d := *spec.Components.Responses["UnprocessableEntity"].Value.Description
	if !strings.Contains(d, "Codes: any that no other status lists") {
		t.Errorf("422: %q", d)
	}
	if bad := *spec.Components.Responses["BadRequest"].Value.Description; !strings.Contains(bad, "Codes: body_incomplete, device_key_invalid, ") {
		t.Errorf("400: %q", bad)
	}
}

// TestOpenAPICodesInErrorTable: every code the document lists under a status (the
// "Codes:" of each problem response) is in the row of that status of docs/API.md's
// table of errors, so that the two tell a client the same codes for each status; of
// a 422, whose codes are open and whose row ends in "…", it is in docs/API.md. A code
// no route answers (ubl_too_large, which body_too_large answers before) is listed by
// neither.
func TestOpenAPICodesInErrorTable(t *testing.T) {
	a := newAPI(t)
	doc, err := a.srv.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	api, err := os.ReadFile("../docs/API.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(string(api), "\n") {
		if m := regexp.MustCompile(`^\| (\d{3}) \| (.*)\|\s*$`).FindStringSubmatch(line); m != nil {
			rows[m[1]] = m[2]
		}
	}
	spec := loadOpenAPI(t, doc)
	codesOf := regexp.MustCompile(`Codes: (?:any that no other status lists, such as )?(.*)\.$`)
	listed := 0
	for _, status := range []int{400, 401, 403, 404, 408, 409, 413, 415, 422, 429, 431, 500, 503} {
		name := strings.ReplaceAll(http.StatusText(status), " ", "")
		ref := spec.Components.Responses[name]
		if ref == nil {
			t.Errorf("no %s response", name)
			continue
		}
		m := codesOf.FindStringSubmatch(*ref.Value.Description)
		if m == nil {
			t.Errorf("%d: no codes: %q", status, *ref.Value.Description)
			continue
		}
		for _, code := range strings.Split(m[1], ", ") {
			listed++
			where := rows[strconv.Itoa(status)]
			if status == http.StatusUnprocessableEntity {
				where = string(api)
			}
			if !strings.Contains(where, "`"+code+"`") {
				t.Errorf("%s (%d) is not in its row of docs/API.md's errors", code, status)
			}
			if code == ubl.ETOOLARGE {
				t.Errorf("%s is listed under %d, but no route answers it", code, status)
			}
		}
	}
	if listed < 40 {
		t.Fatalf("%d codes listed", listed)
	}
}
