package services

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"linkfin"
)

// What the console's pages read through the stores' ordered index (linkfin.IndexOf),
// a page or a sum at a time, where the API's reports read every record: the same
// rules, bounded work.

// IndexedReader reads stored records, their parties and the ordered index: a Store.
type IndexedReader interface {
	linkfin.PartyReader
	linkfin.IndexReader
}

// HeldPieces lists up to limit of the active certificate pieces the organization
// holds, by maturity then id, after the cursor ("" for the first; else the
// NextCursor of the page before, "maturity/id"). NextCursor is "" at the end.
func HeldPieces(ctx context.Context, s linkfin.IndexReader, org, after string, limit int) (*linkfin.List[linkfin.Certificate], error) {
	out := &linkfin.List[linkfin.Certificate]{Data: []linkfin.Certificate{}}
	if org == "" {
		return out, nil
	}
	prefix := linkfin.IndexValue(org, string(linkfin.CertificateActive), "")
	var afterValue, afterID string
	if after != "" {
		m, id, ok := strings.Cut(after, linkfin.IndexSep)
		if _, err := linkfin.ParseDate(m); !ok || err != nil {
			return nil, linkfin.Errorf(linkfin.EINVALID, "after must be a cursor a page of pieces gave")
		}
		afterValue, afterID = prefix+m, id
	}
	objs, err := s.ListIndexed(ctx, linkfin.KindCertificate, linkfin.IndexHeld, prefix, afterValue, afterID, limit+1)
	if err != nil {
		return nil, err
	}
	for i := range objs[:min(limit, len(objs))] {
		var c linkfin.Certificate
		if err := json.Unmarshal(objs[i].Data, &c); err != nil {
			return nil, err
		}
		out.Data = append(out.Data, c)
	}
	if len(objs) > limit {
		last := out.Data[len(out.Data)-1]
		out.NextCursor = linkfin.IndexValue(last.Maturity.String(), last.ID)
	}
	return out, nil
}

// offerSource is one kind of asset that offers are made on, read from the ordered
// index in maturity order: the pieces an organization holds, active; the payables it
// sells, open.
type offerSource struct {
	kind, name, prefix  string
	afterValue, afterID string
	buf                 []linkfin.IndexedObject
	done                bool
}

// maturityOf is an asset's maturity, by which offers are listed.
func maturityOf(asset any) linkfin.Date {
	switch a := asset.(type) {
	case *linkfin.Certificate:
		return a.Maturity
	case *linkfin.Payable:
		return a.DueDate
	}
	return linkfin.Date{}
}

// OffersPage lists, for the viewer's organization, up to limit of the assets it could
// finance now that have at least one live offer, with their offers (as Offers makes
// them), in the order Offers lists them (maturity, kind, id), after the cursor ("" for
// the first; else the NextCursor of the page before). It reads the pieces the
// organization holds and the payables it sells, open, from the ordered index in
// maturity order, never every record it is party to, and at most ten times limit of
// them a page: a page may be short. NextCursor is "" at the end.
func OffersPage(ctx context.Context, s IndexedReader, v linkfin.Viewer, now time.Time, after string, limit int) (*linkfin.List[linkfin.AssetOffers], error) {
	return offersPage(ctx, s, v, now, after, limit, false)
}

// OffersList is a page of what Offers lists, as GET /v1/offers answers it: OffersPage's
// assets, and those every request on which would be refused, with the refusals.
func OffersList(ctx context.Context, s IndexedReader, v linkfin.Viewer, now time.Time, after string, limit int) (*linkfin.List[linkfin.AssetOffers], error) {
	return offersPage(ctx, s, v, now, after, limit, true)
}

// offersPage is OffersPage, with the assets only refused if refused is true. It reads
// the cursor (parseOffersCursor), the programs at the organization's grade and why it
// could take no offer, then takes the organization's assets in order from its sources
// (offerSources, nextAsset), at most 10 × limit of them, and lists those with offers.
func offersPage(ctx context.Context, s IndexedReader, v linkfin.Viewer, now time.Time, after string, limit int, refused bool) (*linkfin.List[linkfin.AssetOffers], error) {
	out := &linkfin.List[linkfin.AssetOffers]{Data: []linkfin.AssetOffers{}}
	if v.Org == "" {
		return out, nil
	}
	cur, err := parseOffersCursor(after)
	if err != nil {
		return nil, err
	}
	programs, err := gradedPrograms(ctx, s, v.Org, now)
	if err != nil {
		return nil, err
	}
	cannot, err := takesNoOffer(ctx, s, v.Org)
	if err != nil {
		return nil, err
	}
	payers, err := payersNotTrading(ctx, s, programs)
	if err != nil {
		return nil, err
	}
	byKind := make(map[string][]Offerer)
	for _, o := range Offerers() {
		byKind[o.AssetKind()] = append(byKind[o.AssetKind()], o)
	}
	sources := offerSources(v.Org, cur)
	valueDate := linkfin.BusinessDate(now)
	for scanned := 0; ; scanned++ {
		if len(out.Data) == limit || scanned == 10*limit {
			// More may follow: the next page starts after the last asset read.
			if h, err := nextAsset(ctx, s, sources, limit); err != nil {
				return nil, err
			} else if h != nil {
				out.NextCursor = after
			}
			return out, nil
		}
		h, err := nextAsset(ctx, s, sources, limit)
		if err != nil {
			return nil, err
		}
		if h == nil {
			return out, nil
		}
		after = h.take()
		if a, ok := offersOn(v.Org, h.asset, byKind[h.src.kind], programs, valueDate, now, cannot, payers); ok && (len(a.Offers) > 0 || refused) {
			out.Data = append(out.Data, a)
		}
	}
}

// offersCursor is where a page of offers starts: after the asset of this maturity,
// kind and id.
type offersCursor struct {
	maturity, kind, id string
}

// parseOffersCursor reads the cursor a page of offers gave, "maturity/kind/id"; nil
// for "", the first page.
func parseOffersCursor(after string) (*offersCursor, error) {
	if after == "" {
		return nil, nil
	}
	parts := strings.SplitN(after, linkfin.IndexSep, 3)
	if len(parts) != 3 {
		return nil, linkfin.Errorf(linkfin.EINVALID, "after must be a cursor a page of offers gave")
	}
	if _, err := linkfin.ParseDate(parts[0]); err != nil {
		return nil, linkfin.Errorf(linkfin.EINVALID, "after must be a cursor a page of offers gave")
	}
	return &offersCursor{parts[0], parts[1], parts[2]}, nil
}

// offerSources are the organization's assets that offers are made on, each read from
// the start, or, if cur is not nil, after the cursor's asset.
func offerSources(org string, cur *offersCursor) []*offerSource {
	sources := []*offerSource{
		{kind: linkfin.KindCertificate, name: linkfin.IndexHeld, prefix: linkfin.IndexValue(org, string(linkfin.CertificateActive), "")},
		{kind: linkfin.KindPayable, name: linkfin.IndexSold, prefix: linkfin.IndexValue(org, string(linkfin.PayableOpen), "")},
	}
	if cur == nil {
		return sources
	}
	for _, src := range sources {
		// The cursor's asset and those before it in (maturity, kind, id) order are
		// passed: of a kind before the cursor's, every asset of its maturity too; of
		// a kind after it, none of that maturity.
		src.afterValue = src.prefix + cur.maturity
		switch c := strings.Compare(src.kind, cur.kind); {
		case c < 0:
			src.afterID = "\x7f"
		case c == 0:
			src.afterID = cur.id
		}
	}
	return sources
}

// offerHead is the next asset of a source, first in its buffer.
type offerHead struct {
	src   *offerSource
	asset any
}

// nextAsset is the first, by (maturity, kind), of the sources' next assets, or nil when
// every source is done. A source whose buffer is empty reads max(limit, 16) more
// records from the index first. The asset stays in its source until taken.
func nextAsset(ctx context.Context, s linkfin.IndexReader, sources []*offerSource, limit int) (*offerHead, error) {
	var best *offerHead
	for _, src := range sources {
		if len(src.buf) == 0 && !src.done {
			objs, err := s.ListIndexed(ctx, src.kind, src.name, src.prefix, src.afterValue, src.afterID, max(limit, 16))
			if err != nil {
				return nil, err
			}
			src.buf, src.done = objs, len(objs) < max(limit, 16)
		}
		if len(src.buf) == 0 {
			continue
		}
		asset := linkfin.NewRecord(src.kind)
		if err := json.Unmarshal(src.buf[0].Data, asset); err != nil {
			return nil, err
		}
		if best == nil || cmp.Or(maturityOf(asset).Compare(maturityOf(best.asset)), strings.Compare(src.kind, best.src.kind)) < 0 {
			best = &offerHead{src, asset}
		}
	}
	return best, nil
}

// take passes the head's asset in its source, which reads on after it, and returns
// the cursor of a page that starts after it.
func (h *offerHead) take() string {
	o := h.src.buf[0]
	h.src.buf = h.src.buf[1:]
	h.src.afterValue, h.src.afterID = o.Value, o.ID
	return linkfin.IndexValue(maturityOf(h.asset).String(), h.src.kind, o.ID)
}

// offersOn is what the offerers of an asset's kind offer org on it (as Offers lists an
// asset), and whether any of them would; cannot, if not nil, is why org could take none
// (takesNoOffer), each offer then listed among the refusals, and payers why it could
// take none of an anchor's that does not trade (payersNotTrading).
func offersOn(org string, asset any, offerers []Offerer, programs map[string]*linkfin.Program, valueDate linkfin.Date, now time.Time, cannot error,
	payers map[string]error) (linkfin.AssetOffers, bool) {
	var a *linkfin.AssetOffers
	for _, o := range offerers {
		got, ok := o.Offer(org, asset, programs, valueDate)
		switch {
		case !ok:
		case a == nil:
			a = &got
		default:
			a.Offers, a.Refused = append(a.Offers, got.Offers...), append(a.Refused, got.Refused...)
		}
	}
	if a == nil {
		return linkfin.AssetOffers{}, false
	}
	settle(a, now, cannot, payers)
	return *a, len(a.Offers)+len(a.Refused) > 0
}

// OfferOn is the live offer of a product's funder on one asset the viewer's
// organization could finance now, as Offers lists it: the asset with its offers, and
// the offer. An offer Offers lists among the refused (the organization no longer
// trades, the funder's pricing refuses the asset) is that refusal, its code and
// message; an asset the viewer does not see, or that product does not offer on now,
// is not found.
func OfferOn(ctx context.Context, s linkfin.PartyReader, v linkfin.Viewer, now time.Time, product linkfin.Product, assetID, funder string) (linkfin.AssetOffers, linkfin.Offer, error) {
	gone := linkfin.Errorf(linkfin.ENOTFOUND, "no such offer now: it may have been taken or withdrawn")
	p, err := ProductNamed(product)
	if err != nil || v.Org == "" {
		return linkfin.AssetOffers{}, linkfin.Offer{}, gone
	}
	if _, ok := p.(Offerer); !ok {
		return linkfin.AssetOffers{}, linkfin.Offer{}, gone
	}
	kind := p.AssetKind()
	o, err := Read(ctx, s, v, kind, assetID)
	if linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
		return linkfin.AssetOffers{}, linkfin.Offer{}, gone
	} else if err != nil {
		return linkfin.AssetOffers{}, linkfin.Offer{}, err
	}
	asset := linkfin.NewRecord(kind)
	if err := json.Unmarshal(o.Data, asset); err != nil {
		return linkfin.AssetOffers{}, linkfin.Offer{}, err
	}
	// The programs at the terms of the viewer's grade, as Offers prices them and a
	// request is quoted: the offer confirmed is the offer taken.
	programs, err := gradedPrograms(ctx, s, v.Org, now)
	if err != nil {
		return linkfin.AssetOffers{}, linkfin.Offer{}, err
	}
	var offerers []Offerer
	for _, x := range Offerers() {
		if x.AssetKind() == kind {
			offerers = append(offerers, x)
		}
	}
	cannot, err := takesNoOffer(ctx, s, v.Org)
	if err != nil {
		return linkfin.AssetOffers{}, linkfin.Offer{}, err
	}
	payers, err := payersNotTrading(ctx, s, programs)
	if err != nil {
		return linkfin.AssetOffers{}, linkfin.Offer{}, err
	}
	a, ok := offersOn(v.Org, asset, offerers, programs, linkfin.BusinessDate(now), now, cannot, payers)
	if ok {
		for _, x := range a.Offers {
			if x.Product == product && x.FunderID == funder {
				return a, x, nil
			}
		}
		for _, x := range a.Refused {
			if x.Product == product && x.FunderID == funder {
				return linkfin.AssetOffers{}, linkfin.Offer{}, &linkfin.Error{Code: x.Code, Message: x.Message}
			}
		}
	}
	return linkfin.AssetOffers{}, linkfin.Offer{}, gone
}

// DueDay is one day of a program's maturity calendar: its active pieces, their count
// and the sum of their faces, and how many of its pieces were paid (settled).
type DueDay struct {
	ProgramID string
	Date      linkfin.Date
	Currency  linkfin.Currency
	Pieces    int64
	Due       int64
	Paid      int64
}

// DueByDay lists, by day, every day of the program with pieces maturing on it, and
// what is due on it: the sums the ordered index keeps, never the pieces themselves.
func DueByDay(ctx context.Context, s linkfin.IndexReader, programID string) ([]DueDay, error) {
	prefix := linkfin.IndexValue(programID, "")
	totals, err := s.IndexTotals(ctx, linkfin.KindCertificate, linkfin.IndexDue, prefix, linkfin.IndexEnd(prefix))
	if err != nil {
		return nil, err
	}
	var out []DueDay
	for _, t := range totals {
		// program/maturity/status/currency, in order: a day's values are together.
		parts := strings.Split(t.Value, linkfin.IndexSep)
		if len(parts) != 4 {
			return nil, linkfin.Errorf(linkfin.EINTERNAL, "the index of pieces due holds %q", t.Value)
		}
		d, err := linkfin.ParseDate(parts[1])
		if err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].Date != d {
			out = append(out, DueDay{ProgramID: programID, Date: d})
		}
		day := &out[len(out)-1]
		switch linkfin.CertificateStatus(parts[2]) {
		case linkfin.CertificateActive:
			day.Currency, day.Pieces = linkfin.Currency(parts[3]), day.Pieces+t.Count
			amount, err := t.Amount.Int64()
			if err == nil {
				day.Due, err = linkfin.AddTotal(day.Due, amount)
			}
			if err != nil {
				return nil, err
			}
		case linkfin.CertificateSettled:
			day.Paid += t.Count
		}
	}
	return out, nil
}

// exposureFromIndex is exposureReport from the ordered index's totals of disbursed
// financings: a sum per program, currency, funder, product and tier, never the
// financings themselves; a sum keep leaves out is not read as a figure.
func exposureFromIndex(ctx context.Context, s interface {
	linkfin.RecordReader
	linkfin.IndexReader
}, keep exposureKeep) ([]Exposure, error) {
	prefix := linkfin.IndexValue(string(linkfin.FinancingDisbursed), "")
	totals, err := s.IndexTotals(ctx, linkfin.KindFinancing, linkfin.IndexFunded, prefix, linkfin.IndexEnd(prefix))
	if err != nil {
		return nil, err
	}
	programs := make(map[string]linkfin.Program)
	byKey := make(map[string]*Exposure)
	for _, t := range totals {
		// status/program/currency/funder/product/tier
		parts := strings.Split(t.Value, linkfin.IndexSep)
		if len(parts) != 6 {
			return nil, linkfin.Errorf(linkfin.EINTERNAL, "the index of financings holds %q", t.Value)
		}
		n, err := strconv.Atoi(parts[5])
		if err != nil {
			return nil, err
		}
		f := linkfin.Financing{ProgramID: parts[1], Currency: linkfin.Currency(parts[2]), FunderID: parts[3], Product: linkfin.Product(parts[4]), Tier: n}
		p, ok := programs[f.ProgramID]
		if !ok {
			if err := read(ctx, s, linkfin.KindProgram, f.ProgramID, &p); err != nil {
				return nil, err
			}
			programs[f.ProgramID] = p
		}
		if keep != nil && !keep(p.AnchorID, f.FunderID) {
			continue
		}
		amount, err := t.Amount.Int64()
		if err != nil {
			return nil, err
		}
		if err := addExposures(byKey, &p, &f, amount, int(t.Count)); err != nil {
			return nil, err
		}
	}
	return sortedExposure(byKey), nil
}

// notPaidOut refuses to count or list by due date the financings of a status the
// index of financings owed does not list.
func notPaidOut(status linkfin.FinancingStatus) error {
	return linkfin.Errorf(linkfin.EINVALID, "financings %s are not listed by due date: only those paid out", status)
}

// indexParty is the party under which the viewer's records are listed in an index
// by party: its organization's id, or "" (everyone's) for the operator.
func indexParty(v linkfin.Viewer) (string, bool) {
	if v.Operator {
		return "", true
	}
	return v.Org, v.Org != ""
}

// CountFinancings counts the financings the viewer sees that are in the status, one
// that follows a payment out (FinancingStatus.PaidOut): the sums the ordered index
// keeps (the viewer's, a party to them; the operator's, all).
func CountFinancings(ctx context.Context, s linkfin.IndexReader, v linkfin.Viewer, status linkfin.FinancingStatus) (int64, error) {
	if !status.PaidOut() {
		return 0, notPaidOut(status)
	}
	party, ok := indexParty(v)
	if !ok {
		return 0, nil
	}
	prefix := linkfin.IndexValue(party, string(status), "")
	totals, err := s.IndexTotals(ctx, linkfin.KindFinancing, linkfin.IndexOwed, prefix, linkfin.IndexEnd(prefix))
	if err != nil {
		return 0, err
	}
	var n int64
	for _, t := range totals {
		n += t.Count
	}
	return n, nil
}

// FinancingsDue lists up to limit of the financings the viewer sees that are in the
// status and due before the date, by the date they are due then id.
func FinancingsDue(ctx context.Context, s linkfin.IndexReader, v linkfin.Viewer, status linkfin.FinancingStatus, before linkfin.Date, limit int) ([]linkfin.Financing, error) {
	if !status.PaidOut() {
		return nil, notPaidOut(status)
	}
	out := []linkfin.Financing{}
	party, ok := indexParty(v)
	if !ok {
		return out, nil
	}
	prefix := linkfin.IndexValue(party, string(status), "")
	objs, err := s.ListIndexed(ctx, linkfin.KindFinancing, linkfin.IndexOwed, prefix, "", "", limit)
	if err != nil {
		return nil, err
	}
	for _, o := range objs {
		if o.Value >= prefix+before.String() {
			break
		}
		var f linkfin.Financing
		if err := json.Unmarshal(o.Data, &f); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// OfOrder lists the records of a kind against an order (its shipments, its invoices)
// that the viewer sees, in id order, through the ordered index.
func OfOrder(ctx context.Context, s IndexedReader, v linkfin.Viewer, kind, poID string) ([]json.RawMessage, error) {
	var out []json.RawMessage
	prefix := linkfin.IndexValue(poID, "")
	for afterValue, afterID := "", ""; ; {
		objs, err := s.ListIndexed(ctx, kind, linkfin.IndexOrder, prefix, afterValue, afterID, 100)
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			switch _, err := Read(ctx, s, v, kind, o.ID); {
			case err == nil:
				out = append(out, o.Data)
			case linkfin.ErrorCode(err) != linkfin.ENOTFOUND:
				return nil, err
			}
			afterValue, afterID = o.Value, o.ID
		}
		if len(objs) < 100 {
			return out, nil
		}
	}
}

// EarlyPayment is an open payable its buyer may pay early today, under a program of
// its that offers dynamic discounting, with what paying it today costs: the quote
// OfferDynamicDiscounting makes.
type EarlyPayment struct {
	Payable linkfin.Payable
	Quote   linkfin.Quote
}

// discountingPrograms are the programs that offer dynamic discounting whose payables
// the viewer pays early: those it anchors (every one, for the operator), in id order.
func discountingPrograms(ctx context.Context, s linkfin.PartyReader, v linkfin.Viewer) ([]linkfin.Program, error) {
	var out []linkfin.Program
	keep := func(data []byte) error {
		var p linkfin.Program
		if err := json.Unmarshal(data, &p); err != nil {
			return err
		}
		if p.Offers(linkfin.ProductDynamicDiscounting) && (v.Operator || p.AnchorID == v.Org) {
			out = append(out, p)
		}
		return nil
	}
	switch {
	case v.Operator:
		return out, pages(func(after string) ([]linkfin.Object, error) {
			return s.ListObjects(ctx, linkfin.KindProgram, after, 1000)
		}, keep)
	case v.Org != "":
		return out, scanParty(ctx, s, linkfin.KindProgram, v.Org, keep)
	}
	return out, nil
}

// EarlyPayments lists up to limit of the open payables the viewer's organization owes
// under the programs it anchors that offer dynamic discounting (the operator: every
// such program's), due after today, each with what paying it early today costs, by due
// date then id, after the cursor ("" for the first; else the NextCursor of the page
// before, "due/id"). It reads the payables by buyer, program and due date from the
// ordered index, a page of each program: never a payable it does not show. NextCursor
// is "" at the end.
func EarlyPayments(ctx context.Context, s IndexedReader, v linkfin.Viewer, today linkfin.Date, after string, limit int) (*linkfin.List[EarlyPayment], error) {
	out := &linkfin.List[EarlyPayment]{Data: []EarlyPayment{}}
	from, fromID := today.String(), "\x7f" // due after today
	if after != "" {
		d, id, ok := strings.Cut(after, linkfin.IndexSep)
		if _, err := linkfin.ParseDate(d); !ok || err != nil || id == "" {
			return nil, linkfin.Errorf(linkfin.EINVALID, "after must be a cursor a page of early payments gave")
		}
		if d > from {
			from, fromID = d, id
		}
	}
	programs, err := discountingPrograms(ctx, s, v)
	if err != nil {
		return nil, err
	}
	type row struct {
		due  string
		p    *linkfin.Program
		item linkfin.IndexedObject
	}
	var rows []row
	for i := range programs {
		p := &programs[i]
		prefix := linkfin.IndexValue(p.AnchorID, p.ID, linkfin.BoughtOpen, "")
		objs, err := s.ListIndexed(ctx, linkfin.KindPayable, linkfin.IndexBought, prefix, prefix+from, fromID, limit+1)
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			rows = append(rows, row{strings.TrimPrefix(o.Value, prefix), p, o})
		}
	}
	slices.SortFunc(rows, func(a, b row) int {
		return cmp.Or(strings.Compare(a.due, b.due), strings.Compare(a.item.ID, b.item.ID))
	})
	for _, r := range rows[:min(limit, len(rows))] {
		var pay linkfin.Payable
		if err := json.Unmarshal(r.item.Data, &pay); err != nil {
			return nil, err
		}
		q, err := DynamicDiscountingQuote(r.p, &pay, today)
		if err != nil {
			continue // nothing to pay early
		}
		out.Data = append(out.Data, EarlyPayment{Payable: pay, Quote: q})
	}
	if len(rows) > limit {
		last := rows[limit-1]
		out.NextCursor = linkfin.IndexValue(last.due, last.item.ID)
	}
	return out, nil
}

// DiscountingMade lists up to limit of the dynamic discountings the viewer's
// organization made or was asked for, as the anchor that pays early (the operator:
// every one), in id order after the id after. It reads the totals of financings by
// status, program, funder and product to find where they are in the ordered index,
// then a page of each: never a financing it does not show.
func DiscountingMade(ctx context.Context, s linkfin.IndexReader, v linkfin.Viewer, after string, limit int) (*linkfin.List[linkfin.Financing], error) {
	out := &linkfin.List[linkfin.Financing]{Data: []linkfin.Financing{}}
	if !v.Operator && v.Org == "" {
		return out, nil
	}
	totals, err := s.IndexTotals(ctx, linkfin.KindFinancing, linkfin.IndexFunded, "", "")
	if err != nil {
		return nil, err
	}
	var objs []linkfin.IndexedObject
	for _, t := range totals {
		// status/program/currency/funder/product/tier
		parts := strings.Split(t.Value, linkfin.IndexSep)
		if len(parts) != 6 || parts[4] != string(linkfin.ProductDynamicDiscounting) || !v.Operator && parts[3] != v.Org {
			continue
		}
		page, err := s.ListIndexed(ctx, linkfin.KindFinancing, linkfin.IndexFunded, t.Value, t.Value, after, limit+1)
		if err != nil {
			return nil, err
		}
		for _, o := range page {
			if o.Value == t.Value { // not a longer value the prefix also starts
				objs = append(objs, o)
			}
		}
	}
	slices.SortFunc(objs, func(a, b linkfin.IndexedObject) int { return strings.Compare(a.ID, b.ID) })
	for _, o := range objs[:min(limit, len(objs))] {
		var f linkfin.Financing
		if err := json.Unmarshal(o.Data, &f); err != nil {
			return nil, err
		}
		out.Data = append(out.Data, f)
	}
	if len(objs) > limit {
		out.NextCursor = out.Data[limit-1].ID
	}
	return out, nil
}
