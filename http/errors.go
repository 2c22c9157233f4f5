package http

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strings"

	"linkfin"
	"linkfin/engine"
	"linkfin/ubl"
)

// Error codes of the HTTP layer.
const (
	EMALFORMED    = "malformed_json"
	EUNKNOWNFIELD = "unknown_field"
	ETYPE         = "invalid_type"
	ETOOLARGE     = "body_too_large"
	EMETHOD       = "method_not_allowed"
	EKEYREQUIRED  = "idempotency_key_required"
	// EIDRESERVED refuses a raw transfer whose id is in the range financings reserve
	// their ledger ids from (engine.ReservedLedgerIDs): a domain rejection, 422.
	EIDRESERVED = "id_reserved"
)

// statusOf is the one table from error codes to HTTP statuses. Codes not listed are
// domain rejections (ledger result codes and the like): 422.
var statusOf = map[string]int{
	linkfin.EINVALID:      http.StatusBadRequest,
	linkfin.EOVERFLOW:     http.StatusBadRequest,
	EMALFORMED:            http.StatusBadRequest,
	EUNKNOWNFIELD:         http.StatusBadRequest,
	ETYPE:                 http.StatusBadRequest,
	ETOOLARGE:             http.StatusRequestEntityTooLarge,
	EMETHOD:               http.StatusMethodNotAllowed,
	EKEYREQUIRED:          http.StatusBadRequest,
	ERATELIMITED:          http.StatusTooManyRequests,
	ubl.ETOOLARGE:         http.StatusRequestEntityTooLarge,
	linkfin.EUNAUTHORIZED: http.StatusUnauthorized,
	linkfin.EFORBIDDEN:    http.StatusForbidden,
	linkfin.ENOTFOUND:     http.StatusNotFound,
	linkfin.ECONFLICT:     http.StatusConflict,
	engine.EIDEMPOTENCY:   http.StatusConflict,
	engine.EUNAVAILABLE:   http.StatusServiceUnavailable,
	linkfin.ELOCKED:       http.StatusServiceUnavailable,
	linkfin.EINTERNAL:     http.StatusInternalServerError,
}

// Problem is an RFC 9457 problem details object with linkfin's stable code.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Code     string `json:"code"`
	Instance string `json:"instance,omitempty"`
}

func writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := linkfin.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusUnprocessableEntity
	}
	if code == linkfin.EINTERNAL {
		slog.Default().Error("internal error", "err", err, "path", r.URL.Path)
	}
	p := Problem{
		Type:   "https://linkfin.dev/problems/" + code,
		Title:  http.StatusText(status),
		Status: status,
		Detail: linkfin.ErrorMessage(err),
		Code:   code,
	}
	if id, ok := r.Context().Value(requestIDKey{}).(string); ok {
		p.Instance = "urn:request:" + id
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// readBody reads a bounded body.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, linkfin.Errorf(ETOOLARGE, "the body is larger than %d bytes", MaxBodyBytes)
	}
	if err != nil {
		return nil, linkfin.Errorf(EMALFORMED, "the body could not be read")
	}
	return body, nil
}

// readJSON reads a bounded body and decodes it strictly into v; it returns the body,
// which the idempotency check hashes.
func readJSON(w http.ResponseWriter, r *http.Request, v any) ([]byte, error) {
	body, err := readBody(w, r)
	if err != nil {
		return nil, err
	}
	return body, decode(body, v)
}

// emptyBody reads the body of an action that takes none: empty, or {}. It returns the
// body, which the idempotency check hashes.
func emptyBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := readBody(w, r)
	if err != nil || len(bytes.TrimSpace(body)) == 0 {
		return body, err
	}
	return body, decode(body, &none{})
}

// decode parses JSON strictly: field names exactly as documented (encoding/json
// would also take "Amount" for "amount"), each at most once (it would keep the last),
// no unknown fields, no trailing data, right types. A body that could be read two
// ways is refused: a proxy in front of linkfin must never see another amount than the
// ledger applies.
func decode(body []byte, v any) error {
	if err := strictNames(body, fieldNames(v)); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return linkfin.Errorf(EMALFORMED, "unexpected data after the JSON value")
	}
	return nil
}

// fieldNames lists the JSON names of the struct that v points to (or of its slice's
// elements).
func fieldNames(v any) map[string]bool {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	names := make(map[string]bool)
	if t.Kind() != reflect.Struct {
		return names
	}
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			names[name] = true
		}
	}
	return names
}

// strictNames checks the member names of the top-level object, or of each object in a
// top-level array: each must be one of names, spelt exactly, and appear once.
func strictNames(body []byte, names map[string]bool) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return decodeError(err)
	}
	object := func() error {
		seen := make(map[string]bool)
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return decodeError(err)
			}
			name, _ := tok.(string)
			if !names[name] {
				return linkfin.Errorf(EUNKNOWNFIELD, "unknown field %q", name)
			}
			if seen[name] {
				return linkfin.Errorf(EMALFORMED, "field %q appears twice", name)
			}
			seen[name] = true
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return decodeError(err)
			}
		}
		if _, err := dec.Token(); err != nil { // the closing brace
			return decodeError(err)
		}
		return nil
	}
	switch tok {
	case json.Delim('{'):
		return object()
	case json.Delim('['):
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return decodeError(err)
			}
			if tok != json.Delim('{') {
				return nil // the decoder reports the wrong type
			}
			if err := object(); err != nil {
				return err
			}
		}
	}
	return nil
}

func decodeError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var le *linkfin.Error
	switch {
	case errors.As(err, &le):
		return le
	case errors.As(err, &syn):
		return linkfin.Errorf(EMALFORMED, "malformed JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return linkfin.Errorf(ETYPE, "field %q must be %s, not %s", typ.Field, jsonKind(typ.Type.Kind().String()), typ.Value)
		}
		return linkfin.Errorf(ETYPE, "the body must be %s, not %s", jsonKind(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return linkfin.Errorf(EMALFORMED, "the body is empty or cut short")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return linkfin.Errorf(EUNKNOWNFIELD, "unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return linkfin.Errorf(EMALFORMED, "malformed JSON: %v", err)
}

func jsonKind(k string) string {
	switch k {
	case "int64", "int", "uint32", "uint16", "int32":
		return "an integer"
	case "string":
		return "a string"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	}
	return fmt.Sprintf("a %s", k)
}
