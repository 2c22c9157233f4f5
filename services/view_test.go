package services_test

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// What each viewer sees, decided in the domain, read in memory.

var (
	operator = linkfin.Viewer{Operator: true}
	nobody   = linkfin.Viewer{}
)

func org(id string) linkfin.Viewer { return linkfin.Viewer{Org: id} }

// traded runs the certificate scenario: payable pay-1 (anchor owes tier1), certificate
// c1 split into c1a and c1b, part of c1b passed to tier2 (t1, the rest t1r), c1a
// discounted with the bank (f1, disbursed: the bank now holds c1a). lone trades with
// no one.
func traded(t *testing.T) *world {
	w := newWorld(t)
	parties(w)
	w.must(&services.CreateOrganization{Org: linkfin.Organization{ID: "lone", Name: "Lone Trader", Capabilities: []linkfin.Capability{linkfin.CapTrade}}})
	payable(w, "1", 1000, 1_000_00, "2027-01-31")
	w.must(
		&services.IssueCertificate{Actor: "anchor", ID: "c1", ProgramID: "auto-scf", PayableIDs: []string{"pay-inv-1"}},
		&services.SplitCertificate{Actor: "tier1", ID: "c1", Pieces: []linkfin.Piece{{ID: "c1a", Face: 600_000_00}, {ID: "c1b", Face: 400_000_00}}},
		&services.TransferCertificate{Actor: "tier1", ID: "c1b", To: "tier2", Amount: 100_000_00, NewID: "t1", RemainderID: "t1r"},
		&services.RequestCertificateDiscounting{Actor: "tier1", ID: "f1", ProgramID: "auto-scf", PieceID: "c1a", FunderID: "bank"},
		&services.AcceptCertificateDiscounting{Actor: "tier1", ID: "f1", PieceID: "c1a"},
		&services.DisburseFinancing{Actor: "bank", ID: "f1"},
	)
	return w
}

// wantNotFound checks a refusal is not_found with the very message a missing record
// of the kind gets.
func wantNotFound(t *testing.T, err error, want string) {
	t.Helper()
	if linkfin.ErrorCode(err) != linkfin.ENOTFOUND || linkfin.ErrorMessage(err) != want {
		t.Fatalf("got %v, want not_found %q", err, want)
	}
}

func TestReadSeesPartiesAlone(t *testing.T) {
	w := traded(t)
	ctx := context.Background()
	read := func(v linkfin.Viewer, kind, id string) error {
		_, err := services.Read(ctx, w.db, v, kind, id)
		return err
	}
	for _, ok := range []struct {
		v        linkfin.Viewer
		kind, id string
	}{
		{org("tier1"), linkfin.KindPurchaseOrder, "po-1"},
		{org("anchor"), linkfin.KindPurchaseOrder, "po-1"},
		{operator, linkfin.KindPurchaseOrder, "po-1"},
		{org("bank"), linkfin.KindCertificate, "c1a"},
		// tier1 held c1a until the bank paid for it: a former party still sees it.
		{org("tier1"), linkfin.KindCertificate, "c1a"},
		{org("tier2"), linkfin.KindCertificate, "t1"},
		{org("bank"), linkfin.KindFinancing, "f1"},
		{org("tier1"), linkfin.KindFinancing, "f1"},
	} {
		if err := read(ok.v, ok.kind, ok.id); err != nil {
			t.Errorf("%+v reads %s %s: %v", ok.v, ok.kind, ok.id, err)
		}
	}
	// A stranger's refusal is word for word a missing record's.
	wantNotFound(t, read(operator, linkfin.KindPurchaseOrder, "po-9"), "purchase order po-9 not found")
	wantNotFound(t, read(org("tier2"), linkfin.KindPurchaseOrder, "po-1"), "purchase order po-1 not found")
	wantNotFound(t, read(org("tier2"), linkfin.KindCertificate, "c1a"), "certificate c1a not found")
	wantNotFound(t, read(org("anchor"), linkfin.KindFinancing, "f1"), "financing f1 not found")
	wantNotFound(t, read(org("lone"), linkfin.KindOrganization, "tier1"), "organization tier1 not found")
	wantNotFound(t, read(nobody, linkfin.KindOrganization, "tier1"), "organization tier1 not found")
	// A platform registry has no parties: the operator's alone.
	wantNotFound(t, read(org("anchor"), linkfin.KindMaturity, linkfin.MaturityID("auto-scf", day(t, "2027-02-01"))),
		"maturity auto-scf@2027-02-01 not found")
	if err := read(operator, linkfin.KindMaturity, linkfin.MaturityID("auto-scf", day(t, "2027-02-01"))); err != nil {
		t.Fatal(err)
	}
}

// ids lists the ids of a page's records.
func ids(t *testing.T, l *linkfin.List[json.RawMessage], err error) []string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, d := range l.Data {
		var r struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(d, &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r.ID)
	}
	return out
}

func TestListSeesPartiesAndFilters(t *testing.T) {
	w := traded(t)
	ctx := context.Background()
	list := func(v linkfin.Viewer, f services.Filter, after string, limit int) []string {
		t.Helper()
		l, err := services.List(ctx, w.db, v, linkfin.KindCertificate, f, after, limit)
		return ids(t, l, err)
	}
	for _, tt := range []struct {
		v    linkfin.Viewer
		f    services.Filter
		want []string
	}{
		{operator, services.Filter{}, []string{"c1", "c1a", "c1b", "t1", "t1r"}},
		{org("anchor"), services.Filter{}, []string{"c1", "c1a", "c1b", "t1", "t1r"}},
		{org("tier1"), services.Filter{}, []string{"c1", "c1a", "c1b", "t1r"}}, // c1a: it held it
		{org("tier2"), services.Filter{}, []string{"t1"}},
		{org("bank"), services.Filter{}, []string{"c1a"}},
		{org("lone"), services.Filter{}, []string{}},
		{nobody, services.Filter{}, []string{}},
		{org("tier1"), services.Filter{Counterparty: "bank"}, []string{"c1a"}},
		{org("tier1"), services.Filter{Counterparty: "tier1"}, []string{}}, // itself is no counterparty
		{operator, services.Filter{Counterparty: "tier2"}, []string{"t1"}},
		{org("tier1"), services.Filter{Status: string(linkfin.CertificateActive)}, []string{"c1a", "t1r"}},
		{org("tier1"), services.Filter{From: ptr(day(t, "2026-11-03"))}, []string{}},
		{org("tier1"), services.Filter{To: ptr(day(t, "2026-11-02"))}, []string{"c1", "c1a", "c1b", "t1r"}},
	} {
		if got := list(tt.v, tt.f, "", 100); !slices.Equal(got, tt.want) {
			t.Errorf("%+v lists %+v: %v, want %v", tt.v, tt.f, got, tt.want)
		}
	}
	// Pages follow the cursor; a filtered page may be short but the cursor goes on.
	l, err := services.List(ctx, w.db, org("tier1"), linkfin.KindCertificate, services.Filter{}, "", 2)
	if got := ids(t, l, err); !slices.Equal(got, []string{"c1", "c1a"}) || l.NextCursor != "c1a" {
		t.Fatalf("first page: %v, next %q", got, l.NextCursor)
	}
	if got := list(org("tier1"), services.Filter{}, "c1a", 2); !slices.Equal(got, []string{"c1b", "t1r"}) {
		t.Fatalf("second page: %v", got)
	}
	l, err = services.List(ctx, w.db, org("tier1"), linkfin.KindCertificate, services.Filter{}, "t1r", 2)
	if got := ids(t, l, err); len(got) != 0 || l.NextCursor != "" {
		t.Fatalf("past the end: %v, next %q", got, l.NextCursor)
	}
}

func ptr[T any](v T) *T { return &v }

// A list's from and to read a record's creation date as a business date: a piece split
// off at 17:30 UTC on 2 November, 01:30 on 3 November in China, counts on 3 November.
func TestListFilterBusinessDate(t *testing.T) {
	w := traded(t)
	w.now = time.Date(2026, 11, 2, 17, 30, 0, 0, time.UTC)
	w.must(&services.SplitCertificate{Actor: "tier2", ID: "t1", Pieces: []linkfin.Piece{{ID: "t1x", Face: 60_000_00}, {ID: "t1y", Face: 40_000_00}}})
	list := func(f services.Filter) []string {
		l, err := services.List(context.Background(), w.db, org("tier2"), linkfin.KindCertificate, f, "", 100)
		return ids(t, l, err)
	}
	if got := list(services.Filter{From: ptr(day(t, "2026-11-03"))}); !slices.Equal(got, []string{"t1x", "t1y"}) {
		t.Errorf("from 2026-11-03: %v, want the pieces split at 01:30 that day in China", got)
	}
	if got := list(services.Filter{To: ptr(day(t, "2026-11-02"))}); !slices.Equal(got, []string{"t1"}) {
		t.Errorf("to 2026-11-02: %v, want the certificate made that day alone", got)
	}
}

func TestProgramViews(t *testing.T) {
	w := traded(t)
	ctx := context.Background()
	program := func(v linkfin.Viewer) (*linkfin.Program, error) {
		data, err := services.Program(ctx, w.db, v, "auto-scf")
		if err != nil {
			return nil, err
		}
		var p linkfin.Program
		return &p, json.Unmarshal(data, &p)
	}
	for _, whole := range []linkfin.Viewer{operator, org("anchor"), org("bank")} {
		if p, err := program(whole); err != nil || p.Limit != 500_000_000_00 || p.Funders[0].Limit != 3_000_000_00 {
			t.Fatalf("%+v sees %+v, %v", whole, p, err)
		}
	}
	// tier2 sells to tier1, which sells to the anchor: a member, who sees no limit.
	for _, member := range []linkfin.Viewer{org("tier1"), org("tier2")} {
		if p, err := program(member); err != nil || p.Limit != 0 || len(p.Funders) != 1 || p.Funders[0].Limit != 0 || p.Funders[0].FunderID != "bank" {
			t.Fatalf("%+v sees %+v, %v", member, p, err)
		}
	}
	_, err := program(org("lone"))
	wantNotFound(t, err, "program auto-scf not found")
	_, err = program(nobody)
	wantNotFound(t, err, "program auto-scf not found")

	listed := func(v linkfin.Viewer, f services.Filter) []string {
		l, err := services.ListPrograms(ctx, w.db, v, f, "", 100)
		return ids(t, l, err)
	}
	for _, v := range []linkfin.Viewer{operator, org("anchor"), org("bank"), org("tier2")} {
		if got := listed(v, services.Filter{}); !slices.Equal(got, []string{"auto-scf"}) {
			t.Fatalf("%+v lists %v", v, got)
		}
	}
	if got := listed(org("lone"), services.Filter{}); len(got) != 0 {
		t.Fatalf("lone lists %v", got)
	}
	if got := listed(org("tier2"), services.Filter{Counterparty: "bank"}); !slices.Equal(got, []string{"auto-scf"}) {
		t.Fatalf("tier2 lists by the bank: %v", got)
	}
	l, err := services.ListPrograms(ctx, w.db, org("tier2"), services.Filter{}, "", 1)
	if err != nil || len(l.Data) != 1 || l.NextCursor != "auto-scf" {
		t.Fatalf("a page of one: %+v, %v", l, err)
	}
	var p linkfin.Program
	if err := json.Unmarshal(l.Data[0], &p); err != nil || p.Limit != 0 {
		t.Fatalf("a member's list shows the limit: %+v, %v", p, err)
	}
}

// A piece's holder sees the documents under it that it is not party to summarized:
// who owes whom and how much, not the lines.
func TestCertificateLineageView(t *testing.T) {
	w := traded(t)
	ctx := context.Background()
	lines := func(v linkfin.Viewer) (invoice, order int) {
		t.Helper()
		out, err := services.CertificateFor(ctx, w.db, v, "t1")
		if err != nil {
			t.Fatalf("%+v: %v", v, err)
		}
		if out.ID != "t1" || len(out.Lineage.Pieces) != 3 || len(out.Lineage.Invoices) != 1 || out.Lineage.Invoices[0].Total != 1_000_000_00 {
			t.Fatalf("%+v sees %+v", v, out)
		}
		return len(out.Lineage.Invoices[0].Lines), len(out.Lineage.Orders[0].Lines)
	}
	if i, o := lines(org("tier2")); i != 0 || o != 0 {
		t.Fatalf("tier2 sees %d invoice lines and %d order lines", i, o)
	}
	for _, v := range []linkfin.Viewer{operator, org("anchor")} {
		if i, o := lines(v); i != 1 || o != 1 {
			t.Fatalf("%+v sees %d invoice lines and %d order lines", v, i, o)
		}
	}
	_, err := services.CertificateFor(ctx, w.db, org("bank"), "t1")
	wantNotFound(t, err, "certificate t1 not found")
}

func TestExposureViews(t *testing.T) {
	w := traded(t)
	ctx := context.Background()
	seen := func(v linkfin.Viewer) []linkfin.Exposure {
		t.Helper()
		rows, err := services.ExposureFor(ctx, w.db, v)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	for _, v := range []linkfin.Viewer{operator, org("anchor"), org("bank")} {
		rows := seen(v)
		if len(rows) != 1 || rows[0].AnchorID != "anchor" || rows[0].Total != 600_000_00 || rows[0].ByFunder["bank"] != 600_000_00 {
			t.Fatalf("%+v sees %+v", v, rows)
		}
	}
	for _, v := range []linkfin.Viewer{org("tier1"), org("tier2"), nobody} {
		if rows := seen(v); rows == nil || len(rows) != 0 {
			t.Fatalf("%+v sees %+v", v, rows)
		}
	}
}

// events reads memtx's log as a store's.
type events struct{ w *world }

func (e events) Events(_ context.Context, from int64, limit int) ([]linkfin.Event, error) {
	all := e.w.db.Events()
	if from >= int64(len(all)) {
		return nil, nil
	}
	return all[from:min(from+int64(limit), int64(len(all)))], nil
}

func TestEventsSeenByParties(t *testing.T) {
	w := traded(t)
	ctx := context.Background()
	total := len(w.db.Events())
	all, next, err := services.Events(ctx, events{w}, operator, -1, 1000)
	if err != nil || len(all) != total || next != "" {
		t.Fatalf("the operator reads %d of %d events (next %q), %v", len(all), total, next, err)
	}
	mine, _, err := services.Events(ctx, events{w}, org("tier2"), -1, 1000)
	if err != nil || len(mine) == 0 || len(mine) >= total {
		t.Fatalf("tier2 reads %d of %d events, %v", len(mine), total, err)
	}
	for _, e := range mine {
		if parties, _ := e.Parties(); !slices.Contains(parties, "tier2") {
			t.Fatalf("tier2 reads %s of %v", e.Type, parties)
		}
	}
	if none, _, err := services.Events(ctx, events{w}, nobody, -1, 1000); err != nil || len(none) != 0 {
		t.Fatalf("no one reads %d events, %v", len(none), err)
	}
	// Pages go on after the cursor, in log order.
	page, next, err := services.Events(ctx, events{w}, org("tier2"), -1, 1)
	if err != nil || len(page) != 1 || page[0].Seq != mine[0].Seq || next != strconv.FormatInt(mine[0].Seq, 10) {
		t.Fatalf("first page: %+v, next %q, %v", page, next, err)
	}
	page, _, err = services.Events(ctx, events{w}, org("tier2"), mine[0].Seq, 1)
	if err != nil || len(page) != 1 || page[0].Seq != mine[1].Seq {
		t.Fatalf("second page: %+v, %v", page, err)
	}
}

// ReadValue answers, with the record, the value its tenancy check decoded: the
// record's JSON as its kind's type, the caller's own to change, and not found to a
// viewer that may not see it, as Read is.
func TestReadValueIsTheRecordDecoded(t *testing.T) {
	w := traded(t)
	ctx := context.Background()
	o, v, err := services.ReadValue(ctx, w.db, org("tier1"), linkfin.KindFinancing, "f1")
	if err != nil {
		t.Fatal(err)
	}
	f, ok := v.(*linkfin.Financing)
	var want linkfin.Financing
	if err := json.Unmarshal(o.Data, &want); err != nil || !ok || f.ID != "f1" || f.Status != want.Status || f.Quote.Price != want.Quote.Price {
		t.Fatalf("the value %T %+v, its record decoded %+v (%v)", v, v, want, err)
	}
	f.Status = "changed"
	_, again, err := services.ReadValue(ctx, w.db, org("bank"), linkfin.KindFinancing, "f1")
	if err != nil || again.(*linkfin.Financing).Status != want.Status {
		t.Fatalf("a second read after the first's value changed: %+v (%v)", again, err)
	}
	_, _, err = services.ReadValue(ctx, w.db, org("lone"), linkfin.KindFinancing, "f1")
	wantNotFound(t, err, "financing f1 not found")
	// A kind that names no parties is not decoded, and only the operator sees it.
	if o, v, err := services.ReadValue(ctx, w.db, operator, linkfin.KindMaturity, "auto-scf@2027-02-01"); err != nil || o == nil || v != nil {
		t.Fatalf("a maturity read by the operator: %v, %v, %v", o, v, err)
	}
	_, _, err = services.ReadValue(ctx, w.db, org("anchor"), linkfin.KindMaturity, "auto-scf@2027-02-01")
	wantNotFound(t, err, "maturity auto-scf@2027-02-01 not found")
}
