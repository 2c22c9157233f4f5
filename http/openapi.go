package http

import (
	"cmp"
	"encoding"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"linkfin"
	"linkfin/services"
	"linkfin/ubl"
)

// The OpenAPI document is generated from the routes and the Go types of their bodies,
// so that it cannot drift from what the handlers decode and write.

// schema is a JSON Schema (2020-12, as OpenAPI 3.1 uses it).
type schema = map[string]any

// textSchemas are the types that marshal themselves, as the JSON they write.
var textSchemas = map[reflect.Type]schema{
	reflect.TypeFor[time.Time](): {"type": "string", "format": "date-time"},
	reflect.TypeFor[linkfin.Date](): {"type": "string", "format": "date", "pattern": `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`,
		"description": "A calendar date, YYYY-MM-DD. A business date a request carries (an invoice's, a credit note's, an order's deliver_by, " +
			"a conditional payment's, an expected payment's, a payment file's, a settlement run's) is from 2000-01-01 to 2099-12-31."},
	reflect.TypeFor[linkfin.Rate](): {"type": "string", "pattern": `^(0|[1-9][0-9]*)(\.[0-9]+)?$`, "maxLength": 40,
		"description": "An exact, non-negative decimal as a string, without a leading zero: a rate (\"0.0425\" is 4.25 %), or an invoice line's exact price " +
			"and base quantity (\"0.00880\"). An annual rate (a funder's pricing, a grade's margin, an early_payment_apr, a late_rate) " +
			fmt.Sprintf("is at most %d, %d %% a year.", linkfin.MaxAnnualRate, linkfin.MaxAnnualRate*100), "examples": []any{"0.0425"}},
	reflect.TypeFor[linkfin.DayCount](): {"type": "string", "enum": []any{linkfin.ACT360.String(), linkfin.ACT365F.String()},
		"description": "The day count convention of interest and discounts."},
	reflect.TypeFor[linkfin.Currency](): {"type": "string", "pattern": "^[A-Z]{3}$", "enum": values(linkfin.Currencies()...),
		"description": "An active ISO 4217 alphabetic code."},
	reflect.TypeFor[linkfin.StringInt](): {"type": "string", "pattern": "^(0|-?[1-9][0-9]{0,18})$",
		"description": "A 64-bit integer as a decimal string, without a plus, a leading zero or a sign on zero: it may exceed 2^53, which JSON numbers do not hold exactly in every reader."},
	reflect.TypeFor[linkfin.ID](): {"type": "string", "pattern": "^[1-9][0-9]{0,18}$",
		"description": "A ledger id: a decimal string from 1 to 9223372036854775807."},
	reflect.TypeFor[json.RawMessage](): {"description": "Any JSON value."},
}

// inlineTypes are schemas written where they are used rather than as components.
var inlineTypes = map[reflect.Type]bool{
	reflect.TypeFor[time.Time]():       true,
	reflect.TypeFor[json.RawMessage](): true,
}

// enums lists the values of the domain's enumerations.
var enums = map[reflect.Type][]any{
	reflect.TypeFor[linkfin.Role]():               values(linkfin.RoleOperator, linkfin.RoleAdmin, linkfin.RoleFinance, linkfin.RoleViewer),
	reflect.TypeFor[linkfin.Capability]():         values(linkfin.CapTrade, linkfin.CapAnchor, linkfin.CapFund, linkfin.CapLogistics, linkfin.CapOperate),
	reflect.TypeFor[linkfin.Product]():            values(linkfin.Products()...),
	reflect.TypeFor[linkfin.FunderStatus]():       values(linkfin.FunderInvited, linkfin.FunderAccepted),
	reflect.TypeFor[linkfin.RelationshipStatus](): values(linkfin.RelationshipProposed, linkfin.RelationshipActive),
	reflect.TypeFor[linkfin.POStatus]():           values(linkfin.POIssued, linkfin.POAccepted, linkfin.POCancelled),
	reflect.TypeFor[linkfin.ShipmentStatus](): values(linkfin.ShipmentCreated, linkfin.ShipmentPickedUp, linkfin.ShipmentInTransit,
		linkfin.ShipmentDelivered),
	reflect.TypeFor[linkfin.InvoiceStatus](): values(linkfin.InvoiceMatched, linkfin.InvoiceMismatched, linkfin.InvoiceApproved,
		linkfin.InvoiceDisputed),
	reflect.TypeFor[linkfin.PayableStatus](): values(linkfin.PayableOpen, linkfin.PayableCertified, linkfin.PayablePaid,
		linkfin.PayableFactored, linkfin.PayableUnpaid),
	reflect.TypeFor[linkfin.CertificateStatus](): values(linkfin.CertificateActive, linkfin.CertificateSplit,
		linkfin.CertificateTransferred, linkfin.CertificateSettled),
	reflect.TypeFor[linkfin.FinancingStatus](): values(linkfin.FinancingQuoted, linkfin.FinancingAccepted, linkfin.FinancingCancelled, linkfin.FinancingLapsed,
		linkfin.FinancingDisbursed, linkfin.FinancingSettled, linkfin.FinancingRecourse, linkfin.FinancingDefaulted,
		linkfin.FinancingBoughtBack),
	reflect.TypeFor[linkfin.ReceiptStatus]():      values(linkfin.ReceiptIssued, linkfin.ReceiptPledged, linkfin.ReceiptFrozen),
	reflect.TypeFor[linkfin.DeviceStatus]():       values(linkfin.DeviceActive, linkfin.DeviceRetired),
	reflect.TypeFor[linkfin.AlertLevel]():         values(linkfin.AlertYellow, linkfin.AlertOrange, linkfin.AlertRed),
	reflect.TypeFor[linkfin.AlertStatus]():        values(linkfin.AlertOpen, linkfin.AlertAcknowledged, linkfin.AlertResolved),
	reflect.TypeFor[linkfin.AlertAction]():        values(linkfin.ActionNotify, linkfin.ActionStopFinancing, linkfin.ActionFreeze, linkfin.ActionMarginCall),
	reflect.TypeFor[linkfin.MarginDemandStatus](): values(linkfin.MarginDemandCalled, linkfin.MarginDemandMet, linkfin.MarginDemandWithdrawn, linkfin.MarginDemandUnmet),
	reflect.TypeFor[linkfin.CreditTransferStatus](): values(linkfin.CreditTransferPending, linkfin.CreditTransferFiled,
		linkfin.CreditTransferAccepted, linkfin.CreditTransferRejected, linkfin.CreditTransferBooked),
	reflect.TypeFor[linkfin.PaymentFileStatus](): values(linkfin.PaymentFileCreated, linkfin.PaymentFileReported),
	reflect.TypeFor[linkfin.ConditionType](): values(linkfin.ConditionGoodsReceived, linkfin.ConditionDelivered,
		linkfin.ConditionInvoiceApproved, linkfin.ConditionMilestone, linkfin.ConditionDate),
	reflect.TypeFor[linkfin.ReleaseMode](): values(linkfin.ReleaseFull, linkfin.ReleaseProRata),
	reflect.TypeFor[linkfin.ConditionalStatus](): values(linkfin.ConditionalLocked, linkfin.ConditionalReleased,
		linkfin.ConditionalExpired, linkfin.ConditionalCancelled),
	reflect.TypeFor[linkfin.DisbursementMode](): values(linkfin.DisburseOnReceipt, linkfin.DisbursePurposeBound),
	reflect.TypeFor[linkfin.PaymentRail]():      values(linkfin.RailECNY),
	reflect.TypeFor[linkfin.MoveType]():         values(linkfin.MoveLock, linkfin.MoveRelease, linkfin.MovePartialRelease, linkfin.MoveRefund),
}

func values[T ~string](vs ...T) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// xmlCharset says what a charset parameter on an XML body is.
const xmlCharset = " (a charset parameter on the Content-Type, if any, names that encoding or one that reads the document as the same text: 415 unsupported_media_type otherwise)"

// What the routes do not say about themselves.
var (
	// batches take a JSON array of their body as well, and answer 200 with one result
	// per item.
	batches = map[string]bool{"POST /v1/accounts": true, "POST /v1/transfers": true}
	// existing are creates that answer 200 with what already exists.
	existing = map[string]bool{"POST /v1/organizations": true, "POST /v1/accounts": true, "POST /v1/transfers": true}
	// textBodies take a text/plain body as well as XML, of this description.
	textBodies = map[string]string{"POST /v1/bank-statements": "The bank's SWIFT MT940 customer statement or MT942 interim transaction report " +
		"(MT950 too), of up to 16 MiB: one or more messages, bare or in their SWIFT envelope, in the charset the Content-Type names " +
		"(utf-8, us-ascii, iso-8859-1, windows-1252, iso-8859-15; iso-8859-2, windows-1250, ibm852 or cp852 for Central European banks; ibm850 or cp850; or gb18030, gbk, gb2312 for a Chinese bank's export), or, with none, in UTF-8 or else windows-1252."}
	// xmlBodies take an XML body as well as JSON, of this description.
	xmlBodies = map[string]string{"POST /v1/invoices": "An EN 16931 e-invoice, a UBL 2.1 Invoice (PEPPOL BIS Billing 3.0) or a UN/CEFACT CrossIndustryInvoice (CII D16B: Factur-X, ZUGFeRD, XRechnung), of up to 16 MiB (JSON: 1 MiB), in UTF-8, in UTF-16 or in the encoding its XML declaration names" + xmlCharset + ", with the query's po_id and buyer_id (unless the document names its parties and order). It has 1 to 1000 invoice lines (UBL InvoiceLine, CII IncludedSupplyChainTradeLineItem), as JSON has (400 invalid otherwise).",
		"POST /v1/credit-notes":              "An EN 16931 credit note, a UBL 2.1 CreditNote (PEPPOL BIS Billing 3.0) or a UN/CEFACT CrossIndustryInvoice whose type code is a credit note's (381, 396, …), of up to 16 MiB (JSON: 1 MiB), in UTF-8, in UTF-16 or in the encoding its XML declaration names" + xmlCharset + ", whose BillingReference (CII: InvoiceReferencedDocument) names the invoice it credits and whose seller is the sender, found by an identifier the sender registered.",
		"POST /v1/payment-files/{id}/status": "The bank's pain.002 CustomerPaymentStatusReport (001.03 to 001.14, and the Swiss pain.002.001.03.ch.02) answering the file, of up to 16 MiB, in UTF-8, in UTF-16 or in the encoding its XML declaration names" + xmlCharset + ".",
		"POST /v1/bank-statements":           "The bank's camt.053 BankToCustomerStatement, camt.052 BankToCustomerAccountReport or camt.054 BankToCustomerDebitCreditNotification (001.02 to 001.13), of up to 16 MiB, in UTF-8, in UTF-16 or in the encoding its XML declaration names" + xmlCharset + "."}
	// xmlAnswers answer XML as well as JSON, with Accept: application/xml, of this
	// description.
	xmlAnswers = map[string]string{"GET /v1/payment-files/{id}": "The payment file's pain.001.001.09 document (CustomerCreditTransferInitiationV09), or with ?message=pain.001.001.03 its pain.001.001.03 document (CustomerCreditTransferInitiationV03)."}
	// publicProblems are the problems of routes that take no key.
	// Each refuses a query parameter it does not take, as every route does.
	publicProblems = map[string][]int{"GET /healthz": {http.StatusBadRequest},
		"GET /readyz": {http.StatusBadRequest, http.StatusServiceUnavailable}, "GET /v1/openapi.json": {http.StatusBadRequest},
		"POST /v1/sessions": {http.StatusBadRequest, http.StatusUnauthorized, http.StatusRequestTimeout, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType,
			http.StatusUnprocessableEntity, http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable}}
	// batchAnswer is the answer to a batch.
	batchAnswer = reflect.TypeFor[struct {
		Results []linkfin.ItemResult `json:"results"`
	}]()
)

// queryParam describes a query parameter that routes take.
type queryParam struct {
	description string
	schema      schema
	typ         reflect.Type // if not nil, the schema is that of typ
	required    bool
}

// queryParams describes the query parameters by name. A route's Query lists those it
// takes. None but after is taken empty (checkRequestShape).
var queryParams = map[string]queryParam{
	"limit": {description: "The most items in a page, in decimal digits without a sign or leading zeros.", schema: schema{"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}},
	"after": {description: "The next_cursor of the page before, as it was given (a numeric cursor in decimal digits, without a sign or leading zeros; " +
		"a list in id order's, a record's id, of the ids' alphabet). A cursor of another shape answers 400 invalid; an id no record has is a position still.", schema: schema{"type": "string"}},
	"status":       {description: "Only records in this status.", schema: schema{"type": "string"}},
	"counterparty": {description: "Only records this organization is party to, besides the caller.", schema: schema{"type": "string", "minLength": 1}},
	"from":         {description: "Only records created on or after this date.", typ: reflect.TypeFor[linkfin.Date]()},
	"to":           {description: "Only records created on or before this date.", typ: reflect.TypeFor[linkfin.Date]()},
	"old_size":     {description: "The size of an earlier checkpoint, in decimal digits without a sign or leading zeros.", schema: schema{"type": "integer", "format": "int64", "minimum": 0}, required: true},
	"number":       {description: "Only documents of this number: the organization's own number of an order, a shipment, a receipt or an invoice.", schema: schema{"type": "string", "minLength": 1}},
	"po_id":        {description: "The purchase order an XML invoice bills.", schema: schema{"type": "string", "minLength": 1}},
	"buyer_id":     {description: "The buyer an XML invoice bills.", schema: schema{"type": "string", "minLength": 1}},
	"message":      {description: "The version of the payment file's pain.001 document: pain.001.001.09 (the default) or pain.001.001.03.", schema: schema{"type": "string", "enum": []string{"pain.001.001.09", "pain.001.001.03"}, "default": "pain.001.001.09"}},
}

// OpenAPI generates the OpenAPI 3.1 document of the server's routes, as JSON.
func (s *Server) OpenAPI() ([]byte, error) {
	routes := s.Routes()
	slices.SortFunc(routes, func(a, b Route) int { return strings.Compare(a.Pattern, b.Pattern) })
	// The first pass finds the types that need a component, so that their names can be
	// chosen knowing them all; the second writes the document.
	g := newGenerator(nil)
	g.document(routes)
	if g.err != nil {
		return nil, g.err
	}
	g = newGenerator(g.nameTypes())
	g.locations = s.locations
	doc := g.document(routes)
	if g.err != nil {
		return nil, g.err
	}
	return json.MarshalIndent(doc, "", "  ")
}

// openAPIRoute serves the document, generated on the first request and kept.
func (s *Server) openAPIRoute() {
	var (
		once sync.Once
		doc  []byte
		err  error
	)
	s.handle(Route{Pattern: "GET /v1/openapi.json", Access: Public, Out: reflect.TypeFor[map[string]any](),
		Summary: "This API's OpenAPI 3.1 document."}, func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { doc, err = s.OpenAPI() })
		if err != nil {
			writeError(w, r, fmt.Errorf("openapi document: %w", err))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(doc)
	})
}

type generator struct {
	names      map[reflect.Type]string // nil in the first pass
	met        map[reflect.Type]bool   // the types that have a component
	components map[string]any
	lists      map[string]bool
	requests   map[reflect.Type]bool // the structs requests hold: their texts have rules
	locations  map[string]string     // where a 201 says the record it made is (findLocations)
	err        error
}

func newGenerator(names map[reflect.Type]string) *generator {
	return &generator{names: names, met: make(map[reflect.Type]bool), components: make(map[string]any), lists: make(map[string]bool),
		requests: make(map[reflect.Type]bool)}
}

// requestTypes marks the structs that t, a request's body, holds.
func (g *generator) requestTypes(t reflect.Type) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || g.requests[t] {
		return
	}
	g.requests[t] = true
	for _, f := range jsonFields(t) {
		g.requestTypes(f.typ)
	}
}

func (g *generator) fail(format string, args ...any) {
	if g.err == nil {
		g.err = fmt.Errorf("openapi: "+format, args...)
	}
}

// nameTypes names each component by its type's name. Types of the same name in
// different packages are told apart by their package.
func (g *generator) nameTypes() map[reflect.Type]string {
	byName := make(map[string][]reflect.Type)
	for t := range g.met {
		byName[typeName(t)] = append(byName[typeName(t)], t)
	}
	names := make(map[reflect.Type]string)
	taken := make(map[string]bool)
	keys := make([]string, 0, len(byName))
	for k := range byName {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, name := range keys {
		if ts := byName[name]; len(ts) == 1 && !taken[name] {
			names[ts[0]], taken[name] = name, true
		}
	}
	for _, name := range keys {
		ts := byName[name]
		if len(ts) == 1 && names[ts[0]] != "" {
			continue
		}
		slices.SortFunc(ts, func(a, b reflect.Type) int { return strings.Compare(a.PkgPath(), b.PkgPath()) })
		for _, t := range ts {
			pkg := t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:]
			n := exported(pkg) + name
			for i := 2; taken[n]; i++ {
				n = exported(pkg) + name + strconv.Itoa(i)
			}
			names[t], taken[n] = n, true
		}
	}
	return names
}

// wireNames are the component names of the wire types whose Go name says they are
// the API's form of a record the root package already names: the document calls
// them by the record's name.
var wireNames = map[string]string{
	"linkfin.CheckpointOut": "Checkpoint",
	"linkfin.EventOut":      "Event",
}

// typeName is a type's name as a component name: List[linkfin.Invoice] is InvoiceList.
func typeName(t reflect.Type) string {
	if n, ok := wireNames[t.String()]; ok {
		return n
	}
	name := t.Name()
	if i := strings.IndexByte(name, '['); i >= 0 {
		var args strings.Builder
		for a := range strings.SplitSeq(name[i+1:len(name)-1], ",") {
			if n, ok := wireNames[a]; ok {
				a = n
			}
			args.WriteString(exported(a[strings.LastIndexAny(a, "./")+1:]))
		}
		name = args.String() + name[:i]
	}
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-' {
			return r
		}
		return -1
	}, name)
}

func exported(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (g *generator) document(routes []Route) schema {
	routed := make(map[string]bool)
	for _, rt := range routes {
		routed[rt.Pattern] = true
	}
	described := slices.Concat(slices.Collect(maps.Keys(batches)), slices.Collect(maps.Keys(existing)),
		slices.Collect(maps.Keys(xmlBodies)), slices.Collect(maps.Keys(textBodies)), slices.Collect(maps.Keys(xmlAnswers)), slices.Collect(maps.Keys(publicProblems)))
	slices.Sort(described)
	for _, p := range described {
		if !routed[p] {
			g.fail("%s is described here but not routed", p)
		}
	}
	for _, rt := range routes {
		if rt.In != nil {
			g.requestTypes(rt.In)
		}
	}
	paths := make(map[string]schema)
	ids := make(map[string]string)
	for i := range routes {
		rt := &routes[i]
		method, path, ok := strings.Cut(rt.Pattern, " ")
		if !ok || method == "" || strings.ContainsAny(method, "/{") || !strings.HasPrefix(path, "/") {
			g.fail("route %q has no method or no path", rt.Pattern)
			continue
		}
		path, params := openAPIPath(path)
		item := paths[path]
		if item == nil {
			item = make(schema)
			paths[path] = item
		}
		key := strings.ToLower(method)
		if _, dup := item[key]; dup {
			g.fail("two routes are %s %s", method, path)
		}
		op := g.operation(rt, params)
		if other, dup := ids[op["operationId"].(string)]; dup {
			g.fail("routes %q and %q have the same operation id", other, rt.Pattern)
		}
		ids[op["operationId"].(string)] = rt.Pattern
		item[key] = op
	}
	problem := g.schema(reflect.TypeFor[linkfin.Problem]())
	responses := make(schema)
	for _, status := range problemStatuses {
		r := schema{
			"description": problemDescription(status),
			"content":     schema{"application/problem+json": schema{"schema": problem}},
			"headers":     schema{"X-Request-Id": schema{"$ref": "#/components/headers/RequestID"}},
		}
		if status == http.StatusUnauthorized {
			r["headers"].(schema)["WWW-Authenticate"] = schema{"description": "The scheme to authenticate with: " +
				`Bearer realm="linkfin", and error="invalid_token" where a key was sent and refused.`,
				"schema": schema{"type": "string"}}
		}
		if status == http.StatusTooManyRequests {
			r["headers"].(schema)["Retry-After"] = schema{"description": "Seconds to wait before retrying.",
				"schema": schema{"type": "string", "pattern": "^[0-9]+$"}}
		}
		responses[problemName(status)] = r
	}
	return schema{
		"openapi": "3.1.0",
		"info": schema{
			"title":   "linkfin",
			"version": "1",
			"description": "Supply chain finance: orders, invoices, payables, certificates, financings and their ledger. " +
				"Amounts are integers in minor units of their currency; errors are RFC 9457 problem details with a stable code. " +
				"The platform gives every record an organization makes its id (a kind prefix, _, and 13 Crockford base32 characters, " +
				"growing with time: po_1hs1esb1sd832); a create body takes none. A document carries its organization's own number, " +
				"unique per organization and kind of document.",
		},
		"servers":  []any{schema{"url": "/"}},
		"security": []any{schema{"bearer": []any{}}},
		"paths":    paths,
		"components": schema{
			"schemas":   g.components,
			"responses": responses,
			"headers": schema{"RequestID": schema{"description": "The request's id, as sent in X-Request-Id or made up.",
				"schema": schema{"type": "string"}}},
			"securitySchemes": schema{"bearer": schema{"type": "http", "scheme": "bearer",
				"description": "An API key: Authorization: Bearer lfk_<id>_<secret>."}},
		},
	}
}

// openAPIPath turns a pattern's path into an OpenAPI path and its parameters.
func openAPIPath(path string) (string, []string) {
	path = strings.TrimSuffix(path, "{$}")
	var params []string
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			name := strings.TrimSuffix(s[1:len(s)-1], "...")
			params = append(params, name)
			segs[i] = "{" + name + "}"
		}
	}
	return strings.Join(segs, "/"), params
}

// operationID is the pattern in camel case: "POST /v1/invoices/{id}/approve" is
// postV1InvoicesIdApprove.
func operationID(pattern string) string {
	words := strings.FieldsFunc(pattern, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
	var b strings.Builder
	for i, w := range words {
		if i == 0 {
			b.WriteString(strings.ToLower(w))
		} else {
			b.WriteString(exported(w))
		}
	}
	return b.String()
}

// tag groups an operation by the first segment of its path after the version.
func tag(path string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) > 1 && segs[0] == "v1" {
		return segs[1]
	}
	return segs[0]
}

func (g *generator) operation(rt *Route, pathParams []string) schema {
	desc := "Access: " + rt.Access.String() + "."
	if rt.Money {
		desc += " It moves or announces money: an Idempotency-Key is required, the same on every retry."
	}
	op := schema{
		"operationId": operationID(rt.Pattern),
		"summary":     rt.Summary,
		"description": desc,
		"tags":        []any{tag(rt.Path())},
		"responses":   g.responses(rt, len(pathParams) > 0),
	}
	if rt.Access == Public {
		op["security"] = []any{}
	}
	if params := g.parameters(rt, pathParams); len(params) > 0 {
		op["parameters"] = params
	}
	if body := g.requestBody(rt); body != nil {
		op["requestBody"] = body
	}
	return op
}

// takesKey reports whether a route takes an Idempotency-Key: every POST with a key.
func takesKey(rt *Route) bool { return rt.Method() == http.MethodPost && rt.Access != Public }

func (g *generator) parameters(rt *Route, pathParams []string) []any {
	params := []any{}
	for _, name := range pathParams {
		p := schema{"name": name, "in": "path", "required": true, "schema": schema{"type": "string"}}
		switch {
		case name == "seq":
			p["description"] = "An event's position in the log, from 0: decimal digits, without a sign or leading zeros."
			p["schema"] = schema{"type": "string", "pattern": "^(0|[1-9][0-9]{0,18})$"}
		case name == "id" && (strings.HasPrefix(rt.Path(), "/v1/accounts/") || strings.HasPrefix(rt.Path(), "/v1/transfers/")):
			p["description"] = "A ledger id, from 1: decimal digits, without a sign or leading zeros."
			p["schema"] = textSchemas[reflect.TypeFor[linkfin.ID]()]
		}
		params = append(params, p)
	}
	for _, name := range rt.Query {
		q, ok := queryParams[name]
		if !ok {
			q = queryParam{schema: schema{"type": "string"}}
		}
		s := q.schema
		if q.typ != nil {
			s = g.schema(q.typ)
		}
		if name == "status" && rt.Out != nil {
			// One the records never have is refused (listRoute).
			if vs := statusValues(rt.Out); vs != nil {
				q.description = fmt.Sprintf("Only records in this status: %v.", vs)
				s = schema{"type": "string", "enum": vs}
			}
		}
		p := schema{"name": name, "in": "query", "required": q.required, "schema": s}
		if q.description != "" {
			p["description"] = q.description
		}
		params = append(params, p)
	}
	if takesKey(rt) {
		params = append(params, schema{"name": "Idempotency-Key", "in": "header", "required": rt.Money,
			"description": "Makes retries safe: a request sent again with the same key answers as the first did (a JSON body is compared by what it says: in other spacing or member order it is the same); another request under the key answers 409 idempotency_key_reused.",
			"schema":      schema{"type": "string", "minLength": 1, "maxLength": 255}})
	}
	return params
}

func (g *generator) requestBody(rt *Route) schema {
	switch {
	case rt.In != nil:
		body := g.schema(rt.In)
		if batches[rt.Pattern] {
			body = schema{"oneOf": []any{body, schema{"type": "array", "items": body, "minItems": 1, "maxItems": 8192}}}
		}
		content := schema{"application/json": schema{"schema": body}}
		if doc := xmlBodies[rt.Pattern]; doc != "" {
			xml := schema{"schema": schema{"type": "string", "description": doc}}
			content["application/xml"] = xml
		}
		return schema{"required": !rt.BodyOptional, "content": content}
	case rt.XML:
		content := schema{"application/xml": schema{"schema": schema{"type": "string", "description": xmlBodies[rt.Pattern]}}}
		if doc := textBodies[rt.Pattern]; doc != "" {
			content[mediaText] = schema{"schema": schema{"type": "string", "description": doc}}
		}
		return schema{"required": true, "content": content}
	case rt.Method() == http.MethodPost:
		return schema{"required": false, "description": "None, or an empty object.",
			"content": schema{"application/json": schema{"schema": schema{"type": "object", "additionalProperties": false}}}}
	}
	return nil
}

func (g *generator) responses(rt *Route, pathParams bool) schema {
	status := cmp.Or(rt.Status, http.StatusOK)
	headers := schema{"X-Request-Id": schema{"$ref": "#/components/headers/RequestID"}}
	if takesKey(rt) {
		headers["Idempotency-Hit"] = schema{"description": "The answer is a replay of the request first sent with this Idempotency-Key.",
			"schema": schema{"type": "string", "enum": []any{"true"}}}
	}
	success := schema{"description": http.StatusText(status), "headers": headers}
	if at := g.locations[rt.Pattern]; at != "" {
		made := maps.Clone(headers)
		made["Location"] = schema{"description": "Where the record made is read: " + at + "{id}.", "required": true,
			"schema": schema{"type": "string", "pattern": "^" + regexp.QuoteMeta(at) + "[^/]+$"}}
		success["headers"] = made
	}
	var out schema
	switch {
	case rt.Text:
		success["content"] = schema{"text/plain": schema{"schema": schema{"type": "string"}}}
	case rt.Out != nil && rt.List:
		out = g.list(rt.Out)
	case rt.Out != nil:
		out = g.schema(rt.Out)
	}
	if out != nil {
		success["content"] = schema{"application/json": schema{"schema": out}}
		if doc := xmlAnswers[rt.Pattern]; doc != "" {
			success["content"].(schema)["application/xml"] = schema{"schema": schema{"type": "string", "description": doc}}
		}
		if rt.List {
			// The same page as a table, with Accept: text/csv: a header of the fields,
			// one row per record; the next page is in the Link header.
			success["content"].(schema)["text/csv"] = schema{"schema": schema{"type": "string",
				"description": "One row per record, one column per field of the record (objects and lists as JSON); the next page's URL is in the Link header (rel=\"next\")."}}
		}
		if rt.Table {
			success["content"].(schema)["text/csv"] = schema{"schema": schema{"type": "string",
				"description": "Two columns, item and value: one row per field, a nested field named by its path (terms.name), a list's values joined by \";\"."}}
		}
	}
	responses := schema{strconv.Itoa(status): success}
	if existing[rt.Pattern] && status != http.StatusOK {
		again := schema{"description": "It exists already, as it is.", "headers": headers}
		if out != nil {
			if batches[rt.Pattern] {
				again["description"] = "It exists already, as it is; or the results of a batch, one per item."
				out = schema{"oneOf": []any{out, g.schema(batchAnswer)}}
			}
			again["content"] = schema{"application/json": schema{"schema": out}}
		}
		responses["200"] = again
	}
	for _, code := range problems(rt, pathParams) {
		responses[strconv.Itoa(code)] = schema{"$ref": "#/components/responses/" + problemName(code)}
	}
	return responses
}

// problemStatuses are the statuses of the problems a route may answer.
var problemStatuses = []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound,
	http.StatusRequestTimeout, http.StatusConflict, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity, http.StatusTooManyRequests,
	http.StatusRequestHeaderFieldsTooLarge, http.StatusInternalServerError, http.StatusServiceUnavailable}

// problems lists the problems a route may answer: what a key, a query, a body or a
// command can go wrong with. Every route with a key refuses a query parameter it does
// not take; every route, a head larger than MaxHeaderBytes.
func problems(rt *Route, pathParams bool) []int {
	if rt.Access == Public {
		return append(slices.Clone(publicProblems[rt.Pattern]), http.StatusRequestHeaderFieldsTooLarge)
	}
	post := rt.Method() != http.MethodGet // it changes something
	out := []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden}
	if post || pathParams || !rt.List {
		out = append(out, http.StatusNotFound)
	}
	if post {
		out = append(out, http.StatusRequestTimeout, http.StatusConflict, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType)
	}
	if post || rt.Totals || xmlAnswers[rt.Pattern] != "" { // a document a version cannot hold
		out = append(out, http.StatusUnprocessableEntity)
	}
	// Any of them may find the database unavailable, a read as well as a write.
	return append(out, http.StatusTooManyRequests, http.StatusRequestHeaderFieldsTooLarge, http.StatusInternalServerError, http.StatusServiceUnavailable)
}

func problemName(status int) string {
	return strings.ReplaceAll(http.StatusText(status), " ", "")
}

// unanswered are codes statusOf maps that no route of the API answers, which the
// document does not list: the e-invoice reader's own bound on a document
// (ubl_too_large) is the body's, which answers body_too_large before it; the console,
// which reads uploads with the same reader, answers it by the same table.
var unanswered = map[string]bool{ubl.ETOOLARGE: true}

// problemDescription lists the codes that answer a status.
func problemDescription(status int) string {
	var codes []string
	for code, s := range statusOf {
		if s == status && !unanswered[code] {
			codes = append(codes, code)
		}
	}
	slices.Sort(codes)
	d := http.StatusText(status) + "."
	if status == http.StatusUnprocessableEntity {
		// A domain rule's code, or a ledger's result, is any code that no other status
		// lists (statusOf): these are some of them, not all.
		d += " The domain refused the request: the code names the rule. Codes: any that no other status lists, such as " +
			strings.Join(codes, ", ") + "."
		return d
	}
	if len(codes) > 0 {
		d += " Codes: " + strings.Join(codes, ", ") + "."
	}
	return d
}

// list is the schema of a page of a list of t: the schema of List[t].
func (g *generator) list(t reflect.Type) schema {
	item := g.schema(t)
	ref, ok := item["$ref"].(string)
	if !ok {
		return listSchema(item)
	}
	name := strings.TrimPrefix(ref, "#/components/schemas/") + "List"
	if g.names != nil && !g.lists[name] {
		g.lists[name] = true
		if typ := g.typeNamed(name); typ == nil {
			g.components[name] = listSchema(item)
		} else if typ.PkgPath() != reflect.TypeFor[Route]().PkgPath() || typ.Name() != "List["+t.PkgPath()+"."+t.Name()+"]" {
			g.fail("the list of %s would be named %s, as %s is", t, name, typ)
		}
	}
	return schema{"$ref": "#/components/schemas/" + name}
}

// typeNamed is the type whose component is name, if any.
func (g *generator) typeNamed(name string) reflect.Type {
	for t, n := range g.names {
		if n == name {
			return t
		}
	}
	return nil
}

func listSchema(item schema) schema {
	return schema{
		"type": "object",
		"properties": schema{
			"data":        schema{"type": "array", "items": item},
			"next_cursor": schema{"type": "string", "description": "The cursor of the next page; absent at the end."},
		},
		"required":             []any{"data"},
		"additionalProperties": false,
	}
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

func implements(t, iface reflect.Type) bool {
	return t.Implements(iface) || reflect.PointerTo(t).Implements(iface)
}

// schema is the JSON Schema of what encoding/json writes for t. Every named type has
// a component.
func (g *generator) schema(t reflect.Type) schema {
	if t.Kind() == reflect.Pointer {
		return nullable(g.schema(t.Elem()))
	}
	if s, ok := textSchemas[t]; ok {
		if inlineTypes[t] {
			return maps.Clone(s)
		}
		return g.component(t, func() schema { return maps.Clone(s) })
	}
	if _, ok := enums[t]; !ok && implements(t, jsonMarshaler) {
		g.fail("%s marshals itself: add its schema to textSchemas", t)
		return schema{}
	}
	if t.Name() != "" && t.PkgPath() != "" {
		return g.component(t, func() schema { return g.kindSchema(t) })
	}
	return g.kindSchema(t)
}

// kindSchema is the schema of t by its kind.
func (g *generator) kindSchema(t reflect.Type) schema {
	if vs, ok := enums[t]; ok {
		return schema{"type": "string", "enum": vs}
	}
	if implements(t, textMarshaler) {
		return schema{"type": "string"}
	}
	switch t.Kind() {
	case reflect.Bool:
		return schema{"type": "boolean"}
	case reflect.Int, reflect.Int64:
		return schema{"type": "integer", "format": "int64"}
	case reflect.Int32:
		return schema{"type": "integer", "format": "int32"}
	case reflect.Int8:
		return schema{"type": "integer", "format": "int32", "minimum": -128, "maximum": 127}
	case reflect.Int16:
		return schema{"type": "integer", "format": "int32", "minimum": -32768, "maximum": 32767}
	case reflect.Uint8:
		return schema{"type": "integer", "format": "int32", "minimum": 0, "maximum": 255}
	case reflect.Uint16:
		return schema{"type": "integer", "format": "int32", "minimum": 0, "maximum": 65535}
	case reflect.Uint32:
		return schema{"type": "integer", "format": "int64", "minimum": 0, "maximum": 4294967295}
	case reflect.Uint, reflect.Uint64, reflect.Uintptr:
		return schema{"type": "integer", "minimum": 0}
	case reflect.Float32:
		return schema{"type": "number", "format": "float"}
	case reflect.Float64:
		return schema{"type": "number", "format": "double"}
	case reflect.String:
		return schema{"type": "string"}
	case reflect.Interface:
		return schema{}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && !implements(t.Elem(), jsonMarshaler) && !implements(t.Elem(), textMarshaler) {
			return schema{"type": "string", "contentEncoding": "base64"}
		}
		return schema{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Array:
		return schema{"type": "array", "items": g.schema(t.Elem()), "minItems": t.Len(), "maxItems": t.Len()}
	case reflect.Map:
		switch k := t.Key(); {
		case k.Kind() == reflect.String, k.Kind() >= reflect.Int && k.Kind() <= reflect.Uintptr, implements(k, textMarshaler):
		default:
			g.fail("%s has keys that JSON cannot write", t)
		}
		return schema{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Struct:
		return g.structSchema(t)
	}
	g.fail("%s has no JSON form", t)
	return schema{}
}

// component returns a reference to t's component, made with build the first time.
func (g *generator) component(t reflect.Type, build func() schema) schema {
	if g.met[t] {
		return schema{"$ref": "#/components/schemas/" + g.names[t]}
	}
	g.met[t] = true
	s := build()
	if g.names != nil {
		g.components[g.names[t]] = s
	}
	return schema{"$ref": "#/components/schemas/" + g.names[t]}
}

func (g *generator) structSchema(t reflect.Type) schema {
	props := make(schema)
	required := []any{}
	for _, f := range jsonFields(t) {
		s := g.schema(f.typ)
		if f.quoted {
			s = quoted(f.typ)
		}
		if f.max != 0 {
			s["maximum"] = f.max
			if f.min == 0 {
				s["minimum"] = 0
			}
		}
		if g.requests[t] {
			s = g.textSchema(s, f) // a new schema: the bounds of its items follow
		}
		if names, ok := flagNames[t]; ok && f.name == "flags" {
			s["items"] = schema{"type": "string", "enum": names}
		}
		if f.maxItems != 0 {
			s["minItems"], s["maxItems"] = f.minItems, f.maxItems
		}
		if f.unique {
			s["uniqueItems"] = true
		}
		if f.secret {
			s["format"], s["writeOnly"] = "password", true
		}
		if g.requests[t] && f.optional {
			// decode reads an optional member given as null as its absence, of
			// whatever type (strictValue): the document takes null where the server does.
			s = nullable(s)
		}
		props[f.name] = s
		if !f.optional {
			required = append(required, f.name)
		}
	}
	out := schema{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

// textSchema adds to the schema of a text field, or of an array of texts, what
// decode checks of it: the id alphabet or a length.
func (g *generator) textSchema(s schema, f jsonField) schema {
	t, items := f.typ, false
	if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String {
		t, items = t.Elem(), true
	}
	if !plainText(t) {
		return s
	}
	id, maxLen := f.textRule()
	rule := schema{"type": "string", "maxLength": maxLen}
	if id {
		rule["pattern"] = idPattern
		rule["minLength"] = 1
	}
	if !items {
		return rule
	}
	return schema{"type": "array", "items": rule}
}

// quoted is the schema of a field with the ",string" option: its value in a string.
func quoted(t reflect.Type) schema {
	null := false
	if t.Kind() == reflect.Pointer {
		t, null = t.Elem(), true
	}
	var s schema
	switch t.Kind() {
	case reflect.Bool:
		s = schema{"type": "string", "enum": []any{"true", "false"}}
	case reflect.String:
		s = schema{"type": "string", "contentMediaType": "application/json"}
	default:
		s = schema{"type": "string", "pattern": `^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$`}
	}
	if null {
		return nullable(s)
	}
	return s
}

// nullable lets s be null too.
func nullable(s schema) schema {
	switch t := s["type"].(type) {
	case string:
		c := maps.Clone(s)
		c["type"] = []any{t, "null"}
		if e, ok := s["enum"].([]any); ok {
			c["enum"] = append(slices.Clip(e), nil)
		}
		return c
	case []any:
		if slices.Contains(t, any("null")) {
			return s
		}
		c := maps.Clone(s)
		c["type"] = append(slices.Clip(t), "null")
		return c
	}
	if len(s) == 0 || len(s) == 1 && s["description"] != nil {
		return s // anything, null included
	}
	if alts, ok := s["anyOf"].([]any); ok && slices.ContainsFunc(alts, func(a any) bool {
		alt, ok := a.(schema)
		return ok && alt["type"] == "null"
	}) {
		return s // null already
	}
	return schema{"anyOf": []any{s, schema{"type": "null"}}}
}

// jsonField is a member of a struct's JSON object.
type jsonField struct {
	name     string
	typ      reflect.Type
	depth    int
	tagged   bool
	optional bool  // omitempty, omitzero, or in an embedded pointer
	quoted   bool  // the ",string" option
	secret   bool  // tagged secret:"true": a password or a one-time code, kept out of fingerprints
	max      int64 // the maximum of an integer, from its bound tag; 0 for none
	maxLen   int   // the most characters of a text, from its chars tag; 0 for textRule's
	min      int64 // its minimum, with a maximum: -max, or 0 for a bound that counts up (unsigned)
	// The fewest and most items of an array, from its items tag; 0 and 0 for no bound.
	minItems, maxItems int
	// unique: an array tagged unique:"true", whose items the server takes once each
	// (a capability, a product, an event filter, a payee listed twice is 400 invalid).
	unique bool
}

// flagNames are the names of the flags of the raw ledger's accounts and transfers, in
// the flags of each type: those a request may set, those an answer shows (an account
// is closed by POST /v1/accounts/{id}/close, not created closed).
var flagNames = map[reflect.Type][]any{
	reflect.TypeFor[linkfin.AccountIn](): flagValues(accountFlagNames[:2]), reflect.TypeFor[linkfin.Account](): flagValues(accountFlagNames),
	reflect.TypeFor[linkfin.TransferIn](): flagValues(transferFlagNames), reflect.TypeFor[linkfin.Transfer](): flagValues(transferFlagNames),
}

// flagValues are the names of flags, in their order.
func flagValues[F any](flags []struct {
	name string
	flag F
}) []any {
	out := make([]any, len(flags))
	for i, f := range flags {
		out[i] = f.name
	}
	return out
}

// itemBounds are the values of the items tag: the fewest and most items of an array in
// a request.
var itemBounds = map[string][2]int{"lines": {1, linkfin.MaxInvoiceLines}, "order_lines": {1, linkfin.MaxOrderLines},
	"payables": {1, linkfin.MaxCertificatePayables}, "pieces": {linkfin.MinSplitPieces, linkfin.MaxSplitPieces},
	"events": {1, linkfin.MaxWebhookEvents}, "payees": {1, linkfin.MaxBoundPayees}}

// bounds are the values of the bound tag: the maximum of an amount, a price or a
// quantity in a request.
var bounds = map[string]int64{"amount": linkfin.MaxAmount, "price": linkfin.MaxPrice, "quantity": linkfin.MaxQuantity,
	"days": linkfin.MaxTenorDays, "class": 4, "sequence": linkfin.MaxSequence, "heartbeat": linkfin.MaxHeartbeatSeconds,
	"millicelsius": linkfin.MaxMilliCelsius, "latitude": linkfin.MaxLatitude, "longitude": linkfin.MaxLongitude}

// textBounds are the values of the chars tag: the most characters of a text whose
// name alone (textRule) does not tell its length, as a payment party's name.
var textBounds = map[string]int{"party_name": linkfin.MaxPartyName}

// unsigned are the bounds whose values start at zero: a wallet's class is 1 to 4 (0,
// none, for a corporate wallet); the others span -max to max, and a negative amount,
// say, is the domain's refusal to give.
var unsigned = map[string]bool{"class": true}

// textRule is what a text field of a request may hold: its chars tag's length, else
// what its JSON name tells (textRuleOf).
func (f *jsonField) textRule() (id bool, maxLen int) {
	id, maxLen = textRuleOf(f.name)
	if f.maxLen != 0 {
		maxLen = f.maxLen
	}
	return id, maxLen
}

// textRuleOf is what a text field of a request may hold, found from its JSON name: an
// id ("id", "…_id", "…_ids", "to", "commodity", "rail") follows linkfin.ValidateID, any
// other text has a length, the domain's for that name (an address's parts and an
// account id as ISO 20022 carries them, a user's display name, …).
func textRuleOf(name string) (id bool, maxLen int) {
	switch {
	case name == "id", strings.HasSuffix(name, "_id"), strings.HasSuffix(name, "_ids"), name == "to", name == "commodity", name == "rail":
		return true, linkfin.MaxIDLength
	case name == "name":
		return false, linkfin.MaxName
	case name == "unit":
		return false, linkfin.MaxUnit
	case name == "item":
		return false, linkfin.MaxItem
	case name == "location":
		return false, linkfin.MaxLocation
	case name == "display_name":
		return false, linkfin.MaxDisplayName
	case name == "purpose":
		return false, services.MaxPurpose
	case name == "milestone":
		return false, services.MaxMilestone
	case name == "document_line":
		return false, linkfin.MaxNumber
	case name == "account":
		return false, linkfin.MaxAccount
	case name == "street":
		return false, linkfin.MaxStreet
	case name == "building_number":
		return false, linkfin.MaxBuildingNumber
	case name == "post_code":
		return false, linkfin.MaxPostCode
	case name == "town":
		return false, linkfin.MaxTown
	case name == "subdivision":
		return false, linkfin.MaxSubdivision
	case name == "number":
		return false, linkfin.MaxNumber
	case name == "url":
		return false, linkfin.MaxURL
	}
	return false, linkfin.MaxText
}

// idPattern is linkfin.ValidateID's alphabet as a regular expression.
const idPattern = `^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`

// plainText reports whether t is a text whose JSON is its own string: not a type with
// a schema of its own (a date, a rate, a currency) and not an enumeration.
func plainText(t reflect.Type) bool {
	_, special := textSchemas[t]
	_, enum := enums[t]
	return t.Kind() == reflect.String && !special && !enum && !implements(t, jsonUnmarshaler) && !implements(t, textUnmarshaler)
}

// jsonFields lists the members of t's JSON object as encoding/json finds them:
// embedded structs flattened, and of two fields of one name the shallower (or the
// only tagged one) kept.
func jsonFields(t reflect.Type) []jsonField { return fieldTableOf(t).list }

// fieldTable is a struct type's JSON fields, in order and by name: worked out by
// reflection once per type, as every request body is read against them.
type fieldTable struct {
	list   []jsonField
	byName map[string]jsonField
}

var fieldTables sync.Map // reflect.Type → *fieldTable

func fieldTableOf(t reflect.Type) *fieldTable {
	if ft, ok := fieldTables.Load(t); ok {
		return ft.(*fieldTable)
	}
	ft := &fieldTable{list: collectJSONFields(t), byName: make(map[string]jsonField)}
	for _, f := range ft.list {
		ft.byName[f.name] = f
	}
	actual, _ := fieldTables.LoadOrStore(t, ft)
	return actual.(*fieldTable)
}

func collectJSONFields(t reflect.Type) []jsonField {
	var all []jsonField
	collectFields(t, 0, false, map[reflect.Type]bool{t: true}, &all)
	byName := make(map[string][]jsonField)
	var order []string
	for _, f := range all {
		if byName[f.name] == nil {
			order = append(order, f.name)
		}
		byName[f.name] = append(byName[f.name], f)
	}
	var out []jsonField
	for _, name := range order {
		fs := byName[name]
		depth := fs[0].depth
		for _, f := range fs {
			depth = min(depth, f.depth)
		}
		var top, tagged []jsonField
		for _, f := range fs {
			if f.depth == depth {
				top = append(top, f)
				if f.tagged {
					tagged = append(tagged, f)
				}
			}
		}
		switch {
		case len(top) == 1:
			out = append(out, top[0])
		case len(tagged) == 1:
			out = append(out, tagged[0])
		}
	}
	return out
}

func collectFields(t reflect.Type, depth int, optional bool, visiting map[reflect.Type]bool, out *[]jsonField) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous {
			et := ft
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if !f.IsExported() && et.Kind() != reflect.Struct {
				continue
			}
			if name == "" && et.Kind() == reflect.Struct {
				if !visiting[et] {
					visiting[et] = true
					collectFields(et, depth+1, optional || ft.Kind() == reflect.Pointer, visiting, out)
					delete(visiting, et)
				}
				continue
			}
		} else if !f.IsExported() {
			continue
		}
		jf := jsonField{name: name, typ: ft, depth: depth, tagged: name != "", optional: optional, max: bounds[f.Tag.Get("bound")],
			secret: f.Tag.Get("secret") == "true", unique: f.Tag.Get("unique") == "true"}
		if b := f.Tag.Get("bound"); b != "" && jf.max == 0 {
			panic(fmt.Sprintf("http: %s.%s has an unknown bound %q", t, f.Name, b))
		} else if !unsigned[b] {
			jf.min = -jf.max
		}
		if c := f.Tag.Get("chars"); c != "" {
			n, ok := textBounds[c]
			if !ok {
				panic(fmt.Sprintf("http: %s.%s has an unknown chars bound %q", t, f.Name, c))
			}
			jf.maxLen = n
		}
		if b := f.Tag.Get("items"); b != "" {
			n, ok := itemBounds[b]
			if !ok || ft.Kind() != reflect.Slice {
				panic(fmt.Sprintf("http: %s.%s has an unknown items bound %q, or is no array", t, f.Name, b))
			}
			jf.minItems, jf.maxItems = n[0], n[1]
		}
		if name == "" {
			jf.name = f.Name
		}
		for o := range strings.SplitSeq(opts, ",") {
			switch o {
			case "omitempty", "omitzero":
				jf.optional = true
			case "string":
				k := ft
				if k.Kind() == reflect.Pointer {
					k = k.Elem()
				}
				switch k.Kind() {
				case reflect.Bool, reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
					reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
					reflect.Float32, reflect.Float64:
					jf.quoted = true
				}
			}
		}
		// A field the server requires though it is left out when zero on the way out.
		if f.Tag.Get("openapi") == "required" {
			jf.optional = false
		}
		*out = append(*out, jf)
	}
}
