package services

import (
	"cmp"
	"context"
	"encoding/json"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"linkfin"
)

// What a viewer sees. An organization sees a record it is or was party to (a holder
// that passed its piece on keeps seeing it, as its lists show it), and nothing else:
// any other record answers not found, word for word as a missing one does, so that
// nothing tells them apart. The operator sees every record whole. Some records have
// views of their own: a program's members see its terms without limits, a piece's
// holder sees the documents under it summarized, a funder sees its own part of an
// anchor's exposure.

// notFound is the refusal of a record the viewer may not see, and of a missing one.
func notFound(kind, id string) error {
	return linkfin.Errorf(linkfin.ENOTFOUND, "%s %s not found", strings.ReplaceAll(kind, "_", " "), id)
}

// Read reads a record the viewer sees.
func Read(ctx context.Context, s linkfin.PartyReader, v linkfin.Viewer, kind, id string) (*linkfin.Object, error) {
	o, _, err := ReadValue(ctx, s, v, kind, id)
	return o, err
}

// ReadValue reads a record the viewer sees, and the value of it that naming its
// parties decoded (linkfin.DecodeParties: nil for a kind without parties), so that a
// caller that needs the value does not decode it again. The value is the caller's own.
func ReadValue(ctx context.Context, s linkfin.PartyReader, v linkfin.Viewer, kind, id string) (*linkfin.Object, any, error) {
	o, err := s.Object(ctx, kind, id)
	if linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
		return nil, nil, notFound(kind, id)
	} else if err != nil {
		return nil, nil, err
	}
	value, parties, err := linkfin.DecodeParties(kind, o.Data)
	if err != nil {
		return nil, nil, err
	}
	if v.Party(parties) {
		return o, value, nil
	}
	// A former party sees the record as its lists show it: the party index, which
	// only grows, is what both read.
	if v.Org == "" {
		return nil, nil, notFound(kind, id)
	}
	was, err := s.WasParty(ctx, kind, id, v.Org)
	if err != nil {
		return nil, nil, err
	}
	if !was {
		return nil, nil, notFound(kind, id)
	}
	return o, value, nil
}

// ReadAs decodes a record the viewer sees into out.
func ReadAs(ctx context.Context, s linkfin.PartyReader, v linkfin.Viewer, kind, id string, out any) error {
	o, err := Read(ctx, s, v, kind, id)
	if err != nil {
		return err
	}
	return json.Unmarshal(o.Data, out)
}

// Filter narrows a list. Its zero value keeps everything.
type Filter struct {
	Status       string
	Counterparty string        // a party to the record other than the viewer
	Number       string        // a document's own number, compared without invisible characters (linkfin.NumberKey)
	From, To     *linkfin.Date // the record's creation date, inclusive: its business date (linkfin.BusinessDate)
}

// ParseFilter reads a list's filters from a query: status, counterparty, number, and
// from and to (the creation date, inclusive, YYYY-MM-DD, a business date). The API's lists and the
// console's read them alike.
func ParseFilter(q url.Values) (Filter, error) {
	f := Filter{Status: q.Get("status"), Counterparty: q.Get("counterparty"), Number: q.Get("number")}
	if f.Counterparty != "" {
		if err := linkfin.ValidateID("counterparty", f.Counterparty); err != nil {
			return f, err
		}
	}
	if f.Number != "" {
		if err := linkfin.ValidateNumber("number", f.Number); err != nil {
			return f, err
		}
	}
	for _, d := range []struct {
		name string
		to   **linkfin.Date
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := q.Get(d.name); v != "" {
			x, err := linkfin.ParseDate(v)
			if err != nil {
				return f, linkfin.Errorf(linkfin.EINVALID, "%s must be a date, YYYY-MM-DD", d.name)
			}
			*d.to = &x
		}
	}
	if f.From != nil && f.To != nil && f.To.Before(*f.From) {
		// No record is created in a period that ends before it starts: a client that
		// swapped them is told so, as a disclosure's period is, rather than answered
		// an empty page.
		return f, linkfin.Errorf(linkfin.EINVALID, "the period ends (to %s) before it starts (from %s)", *f.To, *f.From)
	}
	return f, nil
}

// filterFields are the fields a filter reads from a record.
type filterFields struct {
	Status     string     `json:"status"`
	Number     string     `json:"number"`
	CreatedAt  *time.Time `json:"created_at"`
	IssuedAt   *time.Time `json:"issued_at"`
	ApprovedAt *time.Time `json:"approved_at"`
	ProposedAt *time.Time `json:"proposed_at"`
	ReceivedAt *time.Time `json:"received_at"`
}

// keeps reports whether the filter keeps the record, for the viewer.
func (f *Filter) keeps(v linkfin.Viewer, o *linkfin.Object) (bool, error) {
	if *f == (Filter{}) {
		return true, nil
	}
	var r filterFields
	if err := json.Unmarshal(o.Data, &r); err != nil {
		return false, err
	}
	if f.Status != "" && r.Status != f.Status || f.Number != "" && linkfin.WithoutIgnorables(r.Number) != linkfin.WithoutIgnorables(f.Number) {
		return false, nil
	}
	if f.Counterparty != "" {
		parties, err := linkfin.PartiesOf(o.Kind, o.Data)
		if err != nil {
			return false, err
		}
		if f.Counterparty == v.Org || !slices.Contains(parties, f.Counterparty) {
			return false, nil
		}
	}
	if f.From != nil || f.To != nil {
		var at *time.Time
		for _, t := range []*time.Time{r.CreatedAt, r.IssuedAt, r.ApprovedAt, r.ProposedAt, r.ReceivedAt} {
			if at == nil {
				at = t
			}
		}
		if at == nil {
			return false, nil
		}
		d := linkfin.BusinessDate(*at)
		if f.From != nil && d.Before(*f.From) || f.To != nil && f.To.Before(d) {
			return false, nil
		}
	}
	return true, nil
}

// CheckCursor refuses, 400 invalid naming the parameter, a cursor (?after=) of a list
// in id order that no page of the list could have given: not the id of a record of
// the kind (linkfin.ValidateID's alphabet; a relationship's, two organization ids
// joined by '~'; a webhook delivery's, its endpoint's id, '/' and 19 digits). Such a
// cursor was read as a position, and a typing error or a cursor of another list
// answered a page as if it were one. An id of that shape that no record has is a
// position still, as keyset cursors are: a client paging while records are deleted
// goes on where it was. "" is the first page.
func CheckCursor(kind, after string) error {
	if after == "" {
		return nil
	}
	ok := linkfin.ValidateID("after", after) == nil
	shape := "an id of 1 to 64 letters, digits, '-', '_' and '.', starting with a letter or digit"
	switch kind {
	case linkfin.KindRelationship:
		buyer, seller, found := strings.Cut(after, "~")
		ok = found && linkfin.ValidateID("after", buyer) == nil && linkfin.ValidateID("after", seller) == nil
		shape = "two organization ids joined by '~'"
	case linkfin.KindWebhookDelivery:
		endpoint, seq, found := strings.Cut(after, "/")
		_, err := strconv.ParseUint(seq, 10, 63)
		ok = found && linkfin.ValidateID("after", endpoint) == nil && len(seq) == 19 && err == nil
		shape = "a webhook endpoint's id, '/' and 19 digits"
	}
	if !ok {
		if n := 70; len(after) > n {
			for !utf8.RuneStart(after[n]) {
				n--
			}
			after = after[:n] + "…"
		}
		return linkfin.Errorf(linkfin.EINVALID, "after must be a next_cursor this list gave (%s): %q is not", shape, after)
	}
	return nil
}

// List answers a page of up to limit records of a kind that the viewer sees and the
// filter keeps, in id order after the id after: an organization's hold what it is or
// was party to, each as it sees it (Seen); the operator's, everything. A filtered page
// may be short (see filtered); its NextCursor is "" at the end of the list.
func List(ctx context.Context, s linkfin.PartyReader, v linkfin.Viewer, kind string, f Filter, after string, limit int) (*linkfin.List[json.RawMessage], error) {
	if err := CheckCursor(kind, after); err != nil {
		return nil, err
	}
	if ix, ok := s.(linkfin.IndexReader); ok && f.Status != "" && linkfin.StatusIndexed(kind) && (v.Operator || v.Org != "") {
		// Filtered by status: the records in it, from the index by party and status.
		party := v.Org
		if v.Operator {
			party = ""
		}
		value := linkfin.IndexValue(party, f.Status, "")
		return listFrom(v, f, after, limit, func(after string, limit int) ([]linkfin.Object, error) {
			objs, err := ix.ListIndexed(ctx, kind, linkfin.IndexStatus, value, value, after, limit)
			if err != nil {
				return nil, err
			}
			out := make([]linkfin.Object, len(objs))
			for i := range objs {
				out[i] = objs[i].Object
			}
			return out, nil
		})
	}
	return listFrom(v, f, after, limit, func(after string, limit int) ([]linkfin.Object, error) {
		if v.Operator {
			return s.ListObjects(ctx, kind, after, limit)
		}
		if v.Org == "" {
			return nil, nil
		}
		return s.ListObjectsByParty(ctx, kind, v.Org, after, limit)
	})
}

// listFrom answers a page of the records source lists (in id order, after an id) that
// the filter keeps.
func listFrom(v linkfin.Viewer, f Filter, after string, limit int, source func(after string, limit int) ([]linkfin.Object, error)) (*linkfin.List[json.RawMessage], error) {
	read := func(last *linkfin.Object) ([]linkfin.Object, error) {
		if last != nil {
			after = last.ID
		}
		return source(after, limit)
	}
	keep := func(o *linkfin.Object) (bool, error) { return f.keeps(v, o) }
	objs, next, err := filtered(limit, read, keep, func(o *linkfin.Object) string { return o.ID })
	if err != nil {
		return nil, err
	}
	out := &linkfin.List[json.RawMessage]{Data: make([]json.RawMessage, len(objs)), NextCursor: next}
	for i := range objs {
		if out.Data[i], err = Seen(v, &objs[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// filtered fills a page of up to limit items that keep accepts, reading the list a page
// of limit at a time with read (from the start for nil, else after the item given), and
// at most ten pages: a filtered page may be short. The cursor is that of the last item
// read, or "" at the end of the list.
func filtered[T any](limit int, read func(last *T) ([]T, error), keep func(*T) (bool, error), cursor func(*T) string) (out []T, next string, err error) {
	var last *T
	for scanned := 0; scanned < 10*limit; {
		items, err := read(last)
		if err != nil {
			return nil, "", err
		}
		for i := range items {
			ok, err := keep(&items[i])
			if err != nil {
				return nil, "", err
			}
			if ok {
				out = append(out, items[i])
			}
			next = cursor(&items[i])
			if len(out) == limit {
				return out, next, nil
			}
		}
		if len(items) < limit {
			return out, "", nil
		}
		scanned += len(items)
		last = &items[len(items)-1]
	}
	return out, next, nil
}

// SeesEvent reports whether the viewer may read the event: the operator reads every
// event; an organization, those of records it is party to in the version the event
// wrote.
func SeesEvent(v linkfin.Viewer, e *linkfin.Event) bool {
	if v.Operator {
		return true
	}
	parties, err := e.Parties()
	return err == nil && v.Party(parties)
}

// Events answers up to limit events the viewer may read, in log order after the seq
// after (-1: from the start). A page may be short, as List's; next is the seq of the
// last event read, as a cursor, or "" at the end of the log.
func Events(ctx context.Context, s linkfin.EventReader, v linkfin.Viewer, after int64, limit int) ([]linkfin.Event, string, error) {
	read := func(last *linkfin.Event) ([]linkfin.Event, error) {
		if last != nil {
			after = last.Seq
		}
		if after == math.MaxInt64 {
			return nil, nil // nothing comes after the last seq there can be; after+1 would wrap to the start
		}
		return s.Events(ctx, after+1, limit)
	}
	keep := func(e *linkfin.Event) (bool, error) { return SeesEvent(v, e), nil }
	return filtered(limit, read, keep, func(e *linkfin.Event) string { return strconv.FormatInt(e.Seq, 10) })
}

// History answers up to limit of the events that wrote a version of the record, in
// log order after the seq after (-1: from the first), if the viewer sees the record:
// as Read decides, or any viewer for a kind that every key reads (a commodity's price
// marks, market data). A record it does not see answers not found, word for word as
// one that does not exist. Who sees a record sees all of its history, the versions
// before it became party too. Each event's Seq names it for an inclusion proof. next
// is the seq of the last event answered, as a cursor, or "" at the end of the history.
func History(ctx context.Context, s linkfin.HistoryReader, v linkfin.Viewer, kind, id string, after int64, limit int) (evs []linkfin.Event, next string, err error) {
	if limit < 1 {
		return nil, "", linkfin.Errorf(linkfin.EINVALID, "limit must be at least 1")
	}
	if err := seesRecord(ctx, s, v, kind, id); err != nil {
		return nil, "", err
	}
	if evs, err = s.RecordEvents(ctx, kind, id, after, limit); err != nil {
		return nil, "", err
	}
	if len(evs) == limit {
		next = strconv.FormatInt(evs[len(evs)-1].Seq, 10)
	}
	return evs, next, nil
}

// publicKinds are the kinds of record that every key reads whole: the platform's
// market data.
var publicKinds = map[string]bool{linkfin.KindPriceMark: true}

// seesRecord refuses, as not found, a record the viewer does not see (see History).
func seesRecord(ctx context.Context, s linkfin.PartyReader, v linkfin.Viewer, kind, id string) error {
	if !publicKinds[kind] {
		_, err := Read(ctx, s, v, kind, id)
		return err
	}
	_, err := s.Object(ctx, kind, id)
	if linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
		return notFound(kind, id)
	}
	return err
}

// ReadsEvent reports whether the viewer may read the event: one SeesEvent lets it
// read, or one of a record whose history the viewer sees (see History).
func ReadsEvent(ctx context.Context, s linkfin.PartyReader, v linkfin.Viewer, e *linkfin.Event) (bool, error) {
	if SeesEvent(v, e) {
		return true, nil
	}
	k, ok := linkfin.RecordOf(e)
	if !ok {
		return false, nil
	}
	err := seesRecord(ctx, s, v, k.Kind, k.ID)
	if linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
		return false, nil
	}
	return err == nil, err
}

// Program reads a program as the viewer may see it: the operator, and its anchor and
// funders, whole; its members, as a member's view (see ProgramFor); anyone else, not
// found. Each view marks the live funders that may not fund now Idle (markIdle).
func Program(ctx context.Context, s linkfin.PartyReader, v linkfin.Viewer, id string) (json.RawMessage, error) {
	if v.Operator {
		o, err := Read(ctx, s, v, linkfin.KindProgram, id)
		if err != nil {
			return nil, err
		}
		return idleMarked(ctx, s, make(map[string]bool), o.Data)
	}
	p, err := ProgramFor(ctx, s, id, v.Org)
	if err != nil {
		return nil, err
	}
	return json.Marshal(p)
}

// ListPrograms answers a page of the programs the viewer sees, each as it may see it
// (see Program), filtered and paged as List.
func ListPrograms(ctx context.Context, s linkfin.PartyReader, v linkfin.Viewer, f Filter, after string, limit int) (*linkfin.List[json.RawMessage], error) {
	if err := CheckCursor(linkfin.KindProgram, after); err != nil {
		return nil, err
	}
	if v.Operator {
		page, err := List(ctx, s, v, linkfin.KindProgram, f, after, limit)
		if err != nil {
			return nil, err
		}
		can := make(map[string]bool)
		for i := range page.Data {
			if page.Data[i], err = idleMarked(ctx, s, can, page.Data[i]); err != nil {
				return nil, err
			}
		}
		return page, nil
	}
	// An organization trades under a handful of anchors: its programs are read whole
	// and paged here.
	progs, err := ProgramsOf(ctx, s, v.Org)
	if err != nil {
		return nil, err
	}
	objs := make([]linkfin.Object, len(progs))
	for i := range progs {
		data, err := json.Marshal(&progs[i])
		if err != nil {
			return nil, err
		}
		objs[i] = linkfin.Object{Kind: linkfin.KindProgram, ID: progs[i].ID, Data: data}
	}
	return listFrom(v, f, after, limit, func(after string, limit int) ([]linkfin.Object, error) {
		i, _ := slices.BinarySearchFunc(objs, after, func(o linkfin.Object, id string) int { return cmp.Compare(o.ID, id) })
		for i < len(objs) && objs[i].ID <= after {
			i++
		}
		return objs[i:min(i+limit, len(objs))], nil
	})
}

// idleMarked is a program's record with its live funders that may not fund now
// marked Idle (markIdle), for the operator's whole view: the record as it is stored
// when none is.
func idleMarked(ctx context.Context, s linkfin.RecordReader, can map[string]bool, data json.RawMessage) (json.RawMessage, error) {
	var p linkfin.Program
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, err
	}
	if err := markIdle(ctx, s, can, &p); err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(p.Funders, func(f linkfin.ProgramFunder) bool { return f.Idle }) {
		return data, nil // the record as it is stored
	}
	return json.Marshal(&p)
}

// CertificateFor reads a piece with its lineage as the viewer may see it: the
// operator, whole; an organization party to the piece, with the documents under it
// that it is not party to summarized (the confidential lineage view).
func CertificateFor(ctx context.Context, s linkfin.PartyReader, v linkfin.Viewer, id string) (*linkfin.CertificateOut, error) {
	var c linkfin.Certificate
	if err := ReadAs(ctx, s, v, linkfin.KindCertificate, id, &c); err != nil {
		return nil, err
	}
	l, err := LineageOf(ctx, s, &c)
	if err != nil {
		return nil, err
	}
	if !v.Operator {
		l.Summarize(v.Org)
	}
	return &linkfin.CertificateOut{Certificate: c, Lineage: l}, nil
}

// ExposureFor is the exposure report as the viewer may see it (see SeenBy), summed
// from the figures it is given alone: the operator's from every financing, an
// anchor's rows from its programs', a funder's part from its own. Another funder's
// figures, a total too large among them (total_too_large), never reach a funder's
// answer, nor tell it anything.
func ExposureFor(ctx context.Context, s linkfin.RecordReader, v linkfin.Viewer) ([]linkfin.Exposure, error) {
	if !v.Operator && v.Org == "" {
		return []linkfin.Exposure{}, nil
	}
	var keep exposureKeep
	if !v.Operator {
		keep = func(anchor, funder string) bool { return anchor == v.Org || funder == v.Org }
	}
	rows, err := exposureReport(ctx, s, keep)
	if err != nil {
		return nil, err
	}
	return SeenBy(rows, v.Org, v.Operator), nil
}
