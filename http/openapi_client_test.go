package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// validatingClient returns a client that checks every request it sends and every
// answer it gets against the OpenAPI document doc, and fails t on any mismatch:
//
//   - an answer whose status, headers or body the document does not allow;
//   - an answer of success to a request the document refuses (a request the document
//     refuses and the server refuses too is a test of bad input, and fine);
//   - a request to a path or method the document lacks that is not answered with a
//     404 or 405 problem.
//
// Keys are not checked: tests send wrong ones on purpose.
func validatingClient(t *testing.T, doc []byte) *http.Client {
	t.Helper()
	v, err := newValidatingTransport(doc, http.DefaultTransport, t.Errorf)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Transport: v}
}

// validatingTransport is the transport of validatingClient; report receives the
// mismatches.
type validatingTransport struct {
	router  routers.Router
	problem *openapi3.Schema
	next    http.RoundTripper
	report  func(format string, args ...any)
}

var registerXML sync.Once

func newValidatingTransport(doc []byte, next http.RoundTripper, report func(format string, args ...any)) (*validatingTransport, error) {
	// The validator decodes a body by its media type: a UBL invoice is checked as text.
	registerXML.Do(func() {
		openapi3filter.RegisterBodyDecoder("application/xml", openapi3filter.PlainBodyDecoder)
		openapi3filter.RegisterBodyDecoder("text/xml", openapi3filter.PlainBodyDecoder)
	})
	loader := openapi3.NewLoader()
	spec, err := loader.LoadFromData(doc)
	if err != nil {
		return nil, fmt.Errorf("load the document: %w", err)
	}
	if err := spec.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("validate the document: %w", err)
	}
	router, err := gorillamux.NewRouter(spec)
	if err != nil {
		return nil, err
	}
	problem := spec.Components.Schemas["Problem"]
	if problem == nil || problem.Value == nil {
		return nil, errors.New("the document has no Problem schema")
	}
	return &validatingTransport{router: router, problem: problem.Value, next: next, report: report}, nil
}

func validationOptions() *openapi3filter.Options {
	return &openapi3filter.Options{
		AuthenticationFunc:                openapi3filter.NoopAuthenticationFunc,
		IncludeResponseStatus:             true,
		RejectWhenRequestBodyNotSpecified: true,
		SkipSettingDefaults:               true,
		MultiError:                        true,
	}
}

// RoundTrip sends the request and checks it and its answer.
func (v *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	send := req.Clone(req.Context())
	send.Body = io.NopCloser(bytes.NewReader(body))
	send.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	check := req.Clone(context.Background())
	check.Body = io.NopCloser(bytes.NewReader(body))

	what := req.Method + " " + req.URL.RequestURI()
	route, pathParams, routeErr := v.router.FindRoute(check)
	var input *openapi3filter.RequestValidationInput
	var reqErr error
	if routeErr == nil {
		input = &openapi3filter.RequestValidationInput{Request: check, PathParams: pathParams, Route: route, Options: validationOptions()}
		reqErr = openapi3filter.ValidateRequest(check.Context(), input)
	}

	resp, err := v.next.RoundTrip(send)
	if err != nil {
		return nil, err
	}
	answer, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(answer))

	if req.Method == http.MethodHead {
		return resp, nil
	}
	if routeErr != nil {
		if err := v.unrouted(resp, answer); err != nil {
			v.report("%s is not in the OpenAPI document (%v), and %v", what, routeErr, err)
		}
		return resp, nil
	}
	if reqErr != nil && resp.StatusCode < 400 {
		v.report("%s: the server answered %d to a request the OpenAPI document refuses: %s", what, resp.StatusCode, short(reqErr))
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input,
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Body:                   io.NopCloser(bytes.NewReader(answer)),
		Options:                validationOptions(),
	}
	if err := openapi3filter.ValidateResponse(check.Context(), out); err != nil {
		v.report("%s: the answer %d does not match the OpenAPI document: %s\n%s", what, resp.StatusCode, short(err), answer)
	}
	return resp, nil
}

// unrouted checks the answer to a request the document has no operation for: a 404
// or 405 problem.
func (v *validatingTransport) unrouted(resp *http.Response, answer []byte) error {
	if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
		return fmt.Errorf("the server answered %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		return fmt.Errorf("the answer is %q, not a problem", ct)
	}
	var p any
	if err := json.Unmarshal(answer, &p); err != nil {
		return fmt.Errorf("the problem is not JSON: %v", err)
	}
	if err := v.problem.VisitJSON(p, openapi3.EnableJSONSchema2020()); err != nil {
		return fmt.Errorf("the problem does not match its schema: %s", short(err))
	}
	return nil
}

// short is a validation error without the schemas and values it quotes at length.
func short(err error) string {
	var out []string
	quoting := false
	for line := range strings.SplitSeq(err.Error(), "\n") {
		switch {
		case line == "Schema:" || line == "Value:":
			quoting = true
		case quoting && (line == "" || strings.HasPrefix(line, " ")):
		default:
			quoting = false
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
