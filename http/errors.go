package http

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"linkfin"
	"linkfin/engine"
	"linkfin/internal/xmldoc"
	"linkfin/iso20022"
	"linkfin/ledger"
	"linkfin/mt940"
	"linkfin/services"
	"linkfin/ubl"
)

// Error codes of the HTTP layer.
const (
	EMALFORMED    = "malformed_json"
	EUNKNOWNFIELD = "unknown_field"
	ETYPE         = linkfin.ETYPE // the root package's, which the wire types (ID) refuse with
	// EMISSING: a required field is absent, or null.
	EMISSING = "missing_field"
	// EENCODING: the body is not UTF-8, or escapes half of a surrogate pair.
	EENCODING = "invalid_utf8"
	ETOOLARGE = "body_too_large"
	// EHEADERTOOLARGE: the request's head (its request line and header fields) is
	// larger than MaxHeaderBytes.
	EHEADERTOOLARGE = "header_too_large"
	// EBODYTIMEOUT: the body did not all come within the time the server waits for it.
	EBODYTIMEOUT = "body_timeout"
	// EINCOMPLETE: the body could not be read to its end: the connection ended before
	// the length it declared, or its chunks were not framed as HTTP/1.1 frames them.
	EINCOMPLETE = "body_incomplete"
	EMETHOD     = "method_not_allowed"
	// EMEDIATYPE: a body sent without the Content-Type the route takes.
	EMEDIATYPE   = "unsupported_media_type"
	EKEYREQUIRED = "idempotency_key_required"
	// EIDRESERVED refuses a raw transfer whose id is in the range financings reserve
	// their ledger ids from (linkfin.ReservedLedgerIDs), or that posts or voids a
	// pending transfer of that range: a domain rejection, 422.
	EIDRESERVED = "id_reserved"
)

// statusOf is the one table from error codes to HTTP statuses. Codes not listed are
// domain rejections (ledger result codes and the like): 422.
var statusOf = map[string]int{
	linkfin.EINVALID:    http.StatusBadRequest,
	linkfin.EOVERFLOW:   http.StatusBadRequest,
	linkfin.EOUTOFRANGE: http.StatusBadRequest,
	linkfin.ETOOLONG:    http.StatusBadRequest,
	EMALFORMED:          http.StatusBadRequest,
	EUNKNOWNFIELD:       http.StatusBadRequest,
	ETYPE:               http.StatusBadRequest,
	EMISSING:            http.StatusBadRequest,
	EENCODING:           http.StatusBadRequest,
	ETOOLARGE:           http.StatusRequestEntityTooLarge,
	EBODYTIMEOUT:        http.StatusRequestTimeout,
	EHEADERTOOLARGE:     http.StatusRequestHeaderFieldsTooLarge,
	EINCOMPLETE:         http.StatusBadRequest,
	EMETHOD:             http.StatusMethodNotAllowed,
	EMEDIATYPE:          http.StatusUnsupportedMediaType,
	EKEYREQUIRED:        http.StatusBadRequest,
	ERATELIMITED:        http.StatusTooManyRequests,
	EAUTHLIMITED:        http.StatusTooManyRequests,
	ubl.ETOOLARGE:       http.StatusRequestEntityTooLarge,
	// An e-invoice that is well-formed but that linkfin refuses, for a reason the
	// document has, is a domain rejection.
	ubl.EINVALID:         http.StatusUnprocessableEntity,
	services.ERULES:      http.StatusUnprocessableEntity,
	services.ETYPECODE:   http.StatusUnprocessableEntity,
	services.EUNBILLABLE: http.StatusUnprocessableEntity,
	services.EREFERENCE:  http.StatusUnprocessableEntity,
	services.EDUEDATE:    http.StatusUnprocessableEntity,
	// A document's issue date: an invoice's or a credit note's after tomorrow, a
	// credit note's before its invoice's.
	services.EISSUEDFUTURE:        http.StatusUnprocessableEntity,
	services.EISSUEDBEFOREINVOICE: http.StatusUnprocessableEntity,
	services.EHELD:                http.StatusConflict,
	services.EPARTIES:             http.StatusUnprocessableEntity,
	services.EIDENTIFIERTAKEN:     http.StatusConflict,
	linkfin.EIDTAKEN:              http.StatusConflict,
	services.EORGNAMETAKEN:        http.StatusConflict,
	linkfin.EUNAUTHORIZED:         http.StatusUnauthorized,
	linkfin.EFORBIDDEN:            http.StatusForbidden,
	linkfin.ENOTFOUND:             http.StatusNotFound,
	linkfin.ECONFLICT:             http.StatusConflict,
	engine.EIDEMPOTENCY:           http.StatusConflict,
	linkfin.ECONDITIONCLOSED:      http.StatusConflict,
	// A funder's acceptance of terms its invitation no longer has.
	linkfin.EINVITATIONCHANGED: http.StatusConflict,
	engine.EUNAVAILABLE:        http.StatusServiceUnavailable,
	linkfin.ELOCKED:            http.StatusServiceUnavailable,
	linkfin.EINTERNAL:          http.StatusInternalServerError,
	// A report's total beyond an int64 of minor units: the stores keep it exactly, but
	// the API has no figure for it. The request is well-formed; the data is the cause.
	linkfin.ETOTALTOOLARGE:   http.StatusUnprocessableEntity,
	linkfin.EPASSWORDSHORT:   http.StatusBadRequest,
	linkfin.EPASSWORDLONG:    http.StatusBadRequest,
	services.EUSERNAMETAKEN:  http.StatusConflict,
	services.ETOTPREQUIRED:   http.StatusUnauthorized,
	services.ETOTPREPLAYED:   http.StatusUnauthorized,
	services.ETOTPENROLLED:   http.StatusConflict,
	services.EENROLLREQUIRED: http.StatusForbidden,
	services.ESIGNINLIMITED:  http.StatusTooManyRequests,
	services.ECSRF:           http.StatusForbidden,
	iso20022.EUNSUPPORTED:    http.StatusUnprocessableEntity,
	iso20022.EMALFORMED:      http.StatusBadRequest,
	linkfin.ENOTHINGTOFILE:   http.StatusUnprocessableEntity,
	linkfin.ENOBANKACCOUNT:   http.StatusUnprocessableEntity,
	// A bank statement, and the assignment of its entries.
	linkfin.ESTATEMENTCONFLICT: http.StatusConflict,
	linkfin.EENTRYBOOKED:       http.StatusConflict,
	linkfin.ENOTOPEN:           http.StatusConflict,
	linkfin.EENTRYMISMATCH:     http.StatusUnprocessableEntity,
	linkfin.ECURRENCYMISMATCH:  http.StatusUnprocessableEntity,
	// Telemetry: what the device signed, and the device itself.
	linkfin.ETELEMETRYUNSIGNED:   http.StatusBadRequest,
	linkfin.ETELEMETRYFORGED:     http.StatusUnprocessableEntity,
	linkfin.ETELEMETRYREPLAYED:   http.StatusConflict,
	linkfin.ETELEMETRYOUTOFORDER: http.StatusConflict,
	linkfin.ETELEMETRYSTALE:      http.StatusUnprocessableEntity,
	linkfin.EDEVICEUNKNOWN:       http.StatusUnprocessableEntity,
	linkfin.EDEVICERETIRED:       http.StatusConflict,
	linkfin.EDEVICENOTWATCHING:   http.StatusUnprocessableEntity,
	linkfin.EDEVICEKEY:           http.StatusBadRequest,
	linkfin.EDEVICEKEYTAKEN:      http.StatusConflict,
	// An open alert stops the supplier's new financing.
	linkfin.EFINANCINGSTOPPED: http.StatusUnprocessableEntity,
	// A raw ledger request on one of the platform's ledgers (services.PlatformLedger):
	// an account on one, its closing, a transfer touching one.
	string(ledger.LedgerReserved): http.StatusUnprocessableEntity,
	// A disbursement once the financing's holds lapsed: no longer accepted, whether
	// the scheduler has lapsed it yet or not.
	linkfin.EFINANCINGLAPSED: http.StatusConflict,
}

// StatusOf is the HTTP status of a refusal's code, from the one table: 422 for a
// domain rejection the table does not list. The console answers its pages' refusals
// with it, as the API does.
func StatusOf(code string) int {
	if status, ok := statusOf[code]; ok {
		return status
	}
	return http.StatusUnprocessableEntity
}

func writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := linkfin.ErrorCode(err)
	status := StatusOf(code)
	if code == linkfin.EINTERNAL {
		slog.Default().Error("internal error", "err", err, "path", r.URL.Path)
	} else if _, own := err.(*linkfin.Error); code == linkfin.EUNAVAILABLE && !own {
		// The database's failure: its words are for the operator, not the caller.
		slog.Default().Warn("store unavailable", "err", err, "path", r.URL.Path)
	}
	p := linkfin.Problem{
		Type:   "https://linkfin.dev/problems/" + code,
		Title:  http.StatusText(status),
		Status: status,
		Detail: shownDetail(linkfin.ErrorMessage(err)),
		Code:   code,
	}
	if id, ok := r.Context().Value(requestIDKey{}).(string); ok {
		p.Instance = "urn:request:" + id
	}
	var lerr *linkfin.Error
	if errors.As(err, &lerr) {
		p.Violations = lerr.Violations
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", challenge(r, code))
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}

// shownDetail is a problem's detail as a person reads it: a detail may quote what the
// request sent (an id of the path, a value of the body), and a bidirectional
// embedding, override or isolate in it (linkfin.IsBidiControl) would show the detail,
// and what follows it on a screen or in a log, in another order than it is
// ("invoice INV-", U+202E, "1002 not found"), as a control character (an escape, a
// NUL) would act on a terminal that prints it. Each is written as its code point
// between single guillemets, "‹U+202E›", as the console and the CSV lists show them
// (linkfin.ShowBidiControls); newlines and tabs stay. The detail is then cut to
// linkfin.MaxErrorMessage bytes again, at the start of a character.
func shownDetail(s string) string {
	hidden := func(r rune) bool { return linkfin.IsBidiControl(r) || unicode.IsControl(r) && r != '\n' && r != '\t' }
	if strings.IndexFunc(s, hidden) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if hidden(r) {
			b.WriteString("‹" + fmt.Sprintf("%U", r) + "›")
			continue
		}
		b.WriteRune(r)
	}
	s = b.String()
	if len(s) > linkfin.MaxErrorMessage {
		n := linkfin.MaxErrorMessage - len("…")
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n] + "…"
	}
	return s
}

// writeJSON writes v as indented JSON. A 201 of a route that makes a record a route
// reads by its id says where: Location, that route's path with the answer's id
// (RFC 9110 §15.3.2: without it, the record made would be the collection posted to).
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	if sw, ok := w.(*statusWriter); ok && status == http.StatusCreated && sw.location != "" {
		raw, isRaw := v.(json.RawMessage)
		if !isRaw {
			var err error
			if raw, err = json.Marshal(v); err != nil {
				raw = nil
			}
		}
		if id := topLevelID(raw); id != "" {
			w.Header().Set("Location", sw.location+url.PathEscape(id))
		}
		if raw != nil {
			v = raw // written indented below, encoded once
		}
	}
	if raw, ok := v.(json.RawMessage); ok {
		// Already encoded: indented as the encoder would, escaped as it was stored.
		var b bytes.Buffer
		if err := json.Indent(&b, raw, "", "  "); err != nil {
			b.Reset()
			b.Write(raw)
		}
		b.WriteByte('\n')
		w.WriteHeader(status)
		w.Write(b.Bytes())
		return
	}
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// topLevelID is the string "id" of a JSON object, or "" (none, not a string, not an
// object). A record's JSON names its id first, as most answers do: read there without
// decoding the rest, unless the id holds an escape.
func topLevelID(data []byte) string {
	if rest, ok := bytes.CutPrefix(data, []byte(`{"id":"`)); ok {
		if end := bytes.IndexAny(rest, `"\`); end >= 0 && rest[end] == '"' {
			return string(rest[:end])
		}
	}
	var v struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(data, &v) != nil {
		return ""
	}
	var id string
	if json.Unmarshal(v.ID, &id) != nil {
		return ""
	}
	return id
}

// The media types of request bodies.
const (
	mediaJSON = "application/json"
	mediaXML  = "application/xml"
	// mediaText is a bank's SWIFT MT statement (MT940, MT942), in one of the charsets
	// its reader reads (mt940.Charsets).
	mediaText = "text/plain"
)

// textCharsets are the charsets a text/plain body may declare: the ones its reader
// reads.
var textCharsets = mt940.Charsets

// readBody reads a body of at most MaxBodyBytes, which, if not empty, must be of one of
// the media types (parameters aside, but for a charset: see mediaType; an XML body's
// charset must name the encoding the document is in).
func readBody(w http.ResponseWriter, r *http.Request, media ...string) ([]byte, error) {
	return readBodyUpTo(w, r, MaxBodyBytes, media...)
}

// readEInvoiceBody reads the body of a route that takes JSON or a UBL document: a
// document (application/xml) of at most MaxEInvoiceBytes, JSON of at most MaxBodyBytes.
func readEInvoiceBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	limit := int64(MaxBodyBytes)
	if mt, _, _ := mediaType(r, mediaXML); mt == mediaXML {
		limit = MaxEInvoiceBytes
	}
	return readBodyUpTo(w, r, limit, mediaJSON, mediaXML)
}

// readBodyUpTo reads a body of at most limit bytes, as readBody does. A body that may be
// larger than MaxBodyBytes has largeBodyTimeout to come, not the server's ReadTimeout:
// 16 MiB in 30 s would need 4.5 Mbit/s.
func readBodyUpTo(w http.ResponseWriter, r *http.Request, limit int64, media ...string) ([]byte, error) {
	if ce := r.Header.Values("Content-Encoding"); len(ce) > 0 && !(len(ce) == 1 && strings.EqualFold(strings.TrimSpace(ce[0]), "identity")) {
		// RFC 9110 §15.5.16: a content coding the server does not take is 415, and
		// Accept-Encoding says which it does. Read as it came, a compressed body was
		// refused for what it is not: "not valid UTF-8", or malformed JSON.
		w.Header().Set("Accept-Encoding", "identity")
		return nil, linkfin.Errorf(EMEDIATYPE, "the body must be sent uncompressed, not with Content-Encoding: %s", strings.Join(ce, ", "))
	}
	if r.ContentLength > limit {
		// RFC 9110 §10.1.1: a body declared larger than the route takes is refused
		// before it comes; a client that sent Expect: 100-continue is not asked for it.
		return nil, linkfin.Errorf(ETOOLARGE, "the body is larger than %d bytes", limit)
	}
	if limit > MaxBodyBytes {
		rc, now := http.NewResponseController(w), time.Now()
		// Not every writer can (a test's recorder): then the server's own deadlines hold.
		_ = rc.SetReadDeadline(now.Add(largeBodyTimeout))
		_ = rc.SetWriteDeadline(now.Add(largeBodyTimeout + writeTimeout))
	}
	body, err := readAll(http.MaxBytesReader(w, r.Body, limit), r.ContentLength, limit)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, linkfin.Errorf(ETOOLARGE, "the body is larger than %d bytes", limit)
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		// RFC 9110 §15.5.9: the request did not all come in the time the server waits.
		return nil, linkfin.Errorf(EBODYTIMEOUT, "the body did not all come in the time the server waits for one: send it again")
	}
	if err != nil {
		// Neither JSON nor XML: the bytes that came are not the whole body.
		return nil, linkfin.Errorf(EINCOMPLETE, "the body could not be read to its end: the connection ended before it, or its chunks were malformed")
	}
	if len(body) > 0 {
		mt, charset, err := mediaType(r, media...)
		if err != nil {
			// RFC 9110 §15.5.16: Accept names the media types the route takes.
			w.Header().Set("Accept", strings.Join(media, ", "))
			return nil, err
		}
		if mt == mediaXML && charset != "" {
			// RFC 7303 §3.2: the charset, where given, is authoritative; the reader
			// reads the encoding the document names, so the two must agree.
			if err := xmldoc.Charset(body, charset); err != nil {
				return nil, linkfin.Errorf(EMEDIATYPE, "the Content-Type's charset is not the XML's encoding: %s", err.Error())
			}
		}
	}
	return body, nil
}

// readAll reads r, a body of length bytes as its Content-Length declares (-1 if it
// declares none), where that is within limit, without copying a body of megabytes from
// buffer to buffer as it grows, nor holding it twice at the end (io.ReadAll copies what
// it read into a buffer of the right size): into a buffer of its length, up to
// readAhead bytes, and once that much has come, of the rest at once. Memory follows the
// bytes that came, not what a client declares it will send: a client that declares 16
// MiB and sends nothing holds readAhead.
func readAll(r io.Reader, length, limit int64) ([]byte, error) {
	if length <= 0 || length > limit {
		return io.ReadAll(r)
	}
	// MinRead more, so that the end of the body is read without growing the buffer.
	b := bytes.NewBuffer(make([]byte, 0, min(length, readAhead)+bytes.MinRead))
	if length > readAhead {
		if _, err := io.CopyN(b, r, readAhead); err == io.EOF {
			return b.Bytes(), nil
		} else if err != nil {
			return b.Bytes(), err
		}
		b.Grow(int(length-readAhead) + bytes.MinRead)
	}
	_, err := b.ReadFrom(r)
	return b.Bytes(), err
}

// readAhead is what readAll makes room for before the bytes come.
const readAhead = 1 << 20

// mediaType is the request's Content-Type, without parameters, if it is one of media,
// and its charset parameter, if it has one. A JSON body is UTF-8: its charset, if any,
// is "utf-8", in any case. An XML document says its own encoding (RFC 7303), which a
// charset must name: readBody checks it against the document.
func mediaType(r *http.Request, media ...string) (mt, charset string, err error) {
	ct := r.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	charset = params["charset"]
	if err == nil && slices.Contains(media, mt) && (mt == mediaXML || charset == "" || strings.EqualFold(charset, "utf-8") ||
		mt == mediaText && slices.Contains(textCharsets, strings.ToLower(charset))) {
		return mt, charset, nil
	}
	if ct == "" {
		ct = "none"
	}
	want := make([]string, len(media))
	for i, m := range media {
		want[i] = m
		switch m {
		case mediaJSON:
			want[i] += " (UTF-8)"
		case mediaText:
			want[i] += " (" + strings.Join(textCharsets, ", ") + ")"
		}
	}
	return "", "", linkfin.Errorf(EMEDIATYPE, "the body must be sent as Content-Type: %s, not %s", strings.Join(want, " or "), ct)
}

// readJSON reads a bounded body and decodes it strictly into v; it returns the body,
// which the idempotency check hashes.
func readJSON(w http.ResponseWriter, r *http.Request, v any) ([]byte, error) {
	body, err := readBody(w, r, mediaJSON)
	if err != nil {
		return nil, err
	}
	return body, decode(body, v)
}

// optionalJSON reads a body that may be left out: an empty one leaves v as it is,
// any other is read as readJSON reads it. It returns the body, which the idempotency
// check hashes.
func optionalJSON(w http.ResponseWriter, r *http.Request, v any) ([]byte, error) {
	body, err := readBody(w, r, mediaJSON)
	if err != nil || len(bytes.TrimSpace(body)) == 0 {
		return body, err
	}
	return body, decode(body, v)
}

// emptyBody reads the body of an action that takes none: empty, or {}. It returns the
// body, which the idempotency check hashes.
func emptyBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := readBody(w, r, mediaJSON)
	if err != nil || len(bytes.TrimSpace(body)) == 0 {
		return body, err
	}
	return body, decode(body, &none{})
}
