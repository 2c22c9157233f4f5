package storetest

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// orderedIndex is what the store's ordered index must hold, computed from every
// record of the indexed kinds: per kind and name, the entries in (value, id) order,
// and the totals per value.
func orderedIndex(t *testing.T, s linkfin.Store) (entries map[string][]string, totals map[string][]linkfin.IndexTotal) {
	t.Helper()
	ctx := context.Background()
	type entry struct{ value, id string }
	byName := map[string][]entry{}
	sums := map[string]map[string]*linkfin.IndexTotal{}
	for _, kind := range linkfin.IndexKinds {
		for after := ""; ; {
			objs, err := s.ListObjects(ctx, kind, after, 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range objs {
				es, err := linkfin.IndexOf(kind, o.Data)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range es {
					key := kind + " " + e.Name
					byName[key] = append(byName[key], entry{e.Value, o.ID})
					if !linkfin.Totaled(e.Name) {
						continue
					}
					if sums[key] == nil {
						sums[key] = map[string]*linkfin.IndexTotal{}
					}
					if sums[key][e.Value] == nil {
						sums[key][e.Value] = &linkfin.IndexTotal{Value: e.Value}
					}
					sums[key][e.Value].Count++
					if sums[key][e.Value].Amount, err = sums[key][e.Value].Amount.Add(linkfin.SumOf(e.Amount)); err != nil {
						t.Fatal(err)
					}
				}
			}
			if len(objs) < 100 {
				break
			}
			after = objs[len(objs)-1].ID
		}
	}
	entries, totals = map[string][]string{}, map[string][]linkfin.IndexTotal{}
	for key, es := range byName {
		slices.SortFunc(es, func(a, b entry) int { return strings.Compare(a.value+"\x00"+a.id, b.value+"\x00"+b.id) })
		for _, e := range es {
			entries[key] = append(entries[key], e.value+" "+e.id)
		}
		for _, tot := range sums[key] {
			totals[key] = append(totals[key], *tot)
		}
		if len(totals[key]) == 0 {
			delete(totals, key)
			continue
		}
		slices.SortFunc(totals[key], func(a, b linkfin.IndexTotal) int { return strings.Compare(a.Value, b.Value) })
	}
	return entries, totals
}

// storedIndex is the store's ordered index as ListIndexed (a page of 3 at a time) and
// IndexTotals read it.
func storedIndex(t *testing.T, s linkfin.Store) (entries map[string][]string, totals map[string][]linkfin.IndexTotal) {
	t.Helper()
	ctx := context.Background()
	entries, totals = map[string][]string{}, map[string][]linkfin.IndexTotal{}
	for _, ki := range linkfin.IndexNames {
		key := ki[0] + " " + ki[1]
		var afterValue, afterID string
		for {
			objs, err := s.ListIndexed(ctx, ki[0], ki[1], "", afterValue, afterID, 3)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range objs {
				es, err := linkfin.IndexOf(ki[0], o.Data)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.ContainsFunc(es, func(e linkfin.IndexEntry) bool { return e.Name == ki[1] && e.Value == o.Value }) {
					t.Fatalf("%s %s is listed under %s %q; its entries are %v", ki[0], o.ID, ki[1], o.Value, es)
				}
				entries[key] = append(entries[key], o.Value+" "+o.ID)
				afterValue, afterID = o.Value, o.ID
			}
			if len(objs) < 3 {
				break
			}
		}
		tots, err := s.IndexTotals(ctx, ki[0], ki[1], "", "")
		if err != nil {
			t.Fatal(err)
		}
		if len(tots) > 0 {
			totals[key] = tots
		}
	}
	return entries, totals
}

// testOrderedIndex: the ordered index lists each certificate piece and financing under
// its entries now, in (value, id) order, across pages; its totals are the counts and
// sums of the entries, kept as pieces split, pass on, are financed and settle; a
// prefix lists a range; and a database written before the index had it is indexed
// when migrated.
func testOrderedIndex(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	ctx := context.Background()
	financingFixture(t, env)
	var order string
	for i, id := range []string{"c1", "c2"} {
		p := approvedPayable(t, env, 20+i, 1000, 1_000_00, []string{"2027-01-29", "2027-02-26"}[i])
		order = p.POID
		mustRun(t, env, &services.IssueCertificate{Actor: "anchor", ID: id, ProgramID: "auto-scf", PayableIDs: []string{p.ID}})
	}
	mustRun(t, env, &services.SplitCertificate{Actor: "tier1", ID: "c1",
		Pieces: []linkfin.Piece{{ID: "c1a", Face: 400_000_00}, {ID: "c1b", Face: 300_000_00}, {ID: "c1c", Face: 300_000_00}}})
	mustRun(t, env, &services.ProposeRelationship{Actor: "tier1", BuyerID: "tier1", SellerID: "tier2"})
	mustRun(t, env, &services.AcceptRelationship{Actor: "tier2", BuyerID: "tier1", SellerID: "tier2"})
	mustRun(t, env, &services.TransferCertificate{Actor: "tier1", ID: "c1b", To: "tier2", Amount: 100_000_00, NewID: "t1", RemainderID: "r1"})
	mustRun(t, env, &services.RequestCertificateDiscounting{Actor: "tier1", ID: "f1", ProgramID: "auto-scf", PieceID: "c1a", FunderID: "bank"})
	mustRun(t, env, &services.AcceptCertificateDiscounting{Actor: "tier1", ID: "f1", PieceID: "c1a"})
	mustRun(t, env, &services.DisburseFinancing{Actor: "bank", ID: "f1"})
	// A quote from a funder with room for it (the factor's limit is less than c2).
	mustRun(t, env, &services.RequestCertificateDiscounting{Actor: "tier1", ID: "f2", ProgramID: "auto-scf", PieceID: "c2", FunderID: "poor"})

	wantEntries, wantTotals := orderedIndex(t, env.Store)
	if len(wantEntries[linkfin.KindCertificate+" "+linkfin.IndexHeld]) < 6 || len(wantTotals[linkfin.KindFinancing+" "+linkfin.IndexFunded]) != 2 {
		t.Fatalf("the fixture: %v %v", wantEntries, wantTotals)
	}
	check := func(when string) {
		t.Helper()
		entries, totals := storedIndex(t, env.Store)
		if !reflect.DeepEqual(entries, wantEntries) {
			t.Fatalf("%s: the index lists\n%v\nwant\n%v", when, entries, wantEntries)
		}
		if !reflect.DeepEqual(totals, wantTotals) {
			t.Fatalf("%s: the totals are\n%v\nwant\n%v", when, totals, wantTotals)
		}
	}
	check("as written")

	// A prefix lists its range alone; a range of totals is from inclusive, to exclusive.
	held, err := env.Store.ListIndexed(ctx, linkfin.KindCertificate, linkfin.IndexHeld, linkfin.IndexValue("tier1", "active", ""), "", "", 100)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, o := range held {
		ids = append(ids, o.ID)
	}
	// c1a is financed but active; c2's quote holds nothing. tier1 keeps a remainder of c1b.
	if len(ids) < 3 || slices.Contains(ids, "c1") || slices.Contains(ids, "c1b") {
		t.Fatalf("tier1's active pieces by maturity: %v", ids)
	}
	due, err := env.Store.IndexTotals(ctx, linkfin.KindCertificate, linkfin.IndexDue,
		linkfin.IndexValue("auto-scf", "2027-01-29", "active", ""), linkfin.IndexEnd(linkfin.IndexValue("auto-scf", "2027-01-29", "active", "")))
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 1 || due[0].Value != linkfin.IndexValue("auto-scf", "2027-01-29", "active", "CNY") || due[0].Count != 4 || due[0].Amount != linkfin.SumOf(1_000_000_00) {
		t.Fatalf("the pieces due on 2027-01-29: %+v", due)
	}

	checkReports(t, env, 1)

	// Financings by party, status and due date; an order's invoices.
	tier1, bank, anchor, operator := linkfin.Viewer{Org: "tier1"}, linkfin.Viewer{Org: "bank"}, linkfin.Viewer{Org: "anchor"}, linkfin.Viewer{Operator: true}
	for _, c := range []struct {
		v      linkfin.Viewer
		status linkfin.FinancingStatus
		want   int64
	}{{tier1, linkfin.FinancingDisbursed, 1}, {bank, linkfin.FinancingDisbursed, 1}, {anchor, linkfin.FinancingDisbursed, 0},
		{operator, linkfin.FinancingDisbursed, 1}, {linkfin.Viewer{}, linkfin.FinancingDisbursed, 0}, {operator, linkfin.FinancingSettled, 0}} {
		if n, err := services.CountFinancings(ctx, env.Store, c.v, c.status); err != nil || n != c.want {
			t.Errorf("%+v counts %d %s financings (%v); want %d", c.v, n, c.status, err, c.want)
		}
	}
	// A quote (f2) is nothing owed: the index lists no financing not paid out, and
	// is not asked to count or list them.
	stored, _ := storedIndex(t, env.Store)
	for _, e := range stored[linkfin.KindFinancing+" "+linkfin.IndexOwed] {
		if !strings.HasSuffix(e, " f1") {
			t.Errorf("a financing not paid out is listed as owed: %s", e)
		}
	}
	if _, err := services.CountFinancings(ctx, env.Store, operator, linkfin.FinancingQuoted); linkfin.ErrorCode(err) != linkfin.EINVALID {
		t.Errorf("counting quotes by the index of what is owed: %v", err)
	}
	if _, err := services.FinancingsDue(ctx, env.Store, operator, linkfin.FinancingAccepted, date(t, "2027-12-31"), 10); linkfin.ErrorCode(err) != linkfin.EINVALID {
		t.Errorf("listing acceptances by the index of what is owed: %v", err)
	}
	for _, c := range []struct {
		v      linkfin.Viewer
		before string
		want   []string
	}{{bank, "2027-12-31", []string{"f1"}}, {operator, "2027-12-31", []string{"f1"}}, {bank, "2027-01-29", nil}, {linkfin.Viewer{Org: "factor"}, "2027-12-31", nil}} {
		fs, err := services.FinancingsDue(ctx, env.Store, c.v, linkfin.FinancingDisbursed, date(t, c.before), 10)
		var ids []string
		for _, f := range fs {
			ids = append(ids, f.ID)
		}
		if err != nil || !slices.Equal(ids, c.want) {
			t.Errorf("%+v: disbursed financings due before %s: %v (%v); want %v", c.v, c.before, ids, err, c.want)
		}
	}
	for _, c := range []struct {
		v    linkfin.Viewer
		want int
	}{{tier1, 1}, {anchor, 1}, {operator, 1}, {bank, 0}} {
		if got, err := services.OfOrder(ctx, env.Store, c.v, linkfin.KindInvoice, order); err != nil || len(got) != c.want {
			t.Errorf("%+v reads %d invoices of order %s (%v); want %d", c.v, len(got), order, err, c.want)
		}
	}

	// Settled, the pieces leave the active totals.
	env.Clock.Advance(88 * 24 * time.Hour) // to 2027-01-29
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "pay-anchor", OrgID: "anchor", Currency: "CNY", Amount: 2_000_000_00})
	mustRun(t, env, &services.SettleMaturity{ProgramID: "auto-scf", Date: date(t, "2027-01-29")})
	wantEntries, wantTotals = orderedIndex(t, env.Store)
	check("after settlement")
	checkReports(t, env, 0)
	due, err = env.Store.IndexTotals(ctx, linkfin.KindCertificate, linkfin.IndexDue,
		linkfin.IndexValue("auto-scf", "2027-01-29", "active", ""), linkfin.IndexEnd(linkfin.IndexValue("auto-scf", "2027-01-29", "active", "")))
	if err != nil || len(due) != 0 {
		t.Fatalf("active pieces due on a settled day: %+v %v", due, err)
	}

	// A record the writer reads from the store, changed.
	mustRun(t, env, &services.RequestCertificateDiscounting{Actor: "tier1", ID: "f4", ProgramID: "auto-scf", PieceID: "c2", FunderID: "bank"})
	env.Restart()
	mustRun(t, env, &services.AcceptCertificateDiscounting{Actor: "tier1", ID: "f4", PieceID: "c2"})
	wantEntries, wantTotals = orderedIndex(t, env.Store)
	check("after a record read from the store changed")

	// A database written before the index: migrating it indexes every record, once.
	env.Engine.Close()
	tam, ok := env.Store.(Tamperer)
	if !ok {
		t.Skip("store cannot run raw SQL")
	}
	for _, q := range []string{`DELETE FROM object_index`, `DELETE FROM object_totals`, `DELETE FROM schema_migrations WHERE version = '` + linkfin.IndexBackfill + `'`} {
		if err := tam.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if entries, _ := storedIndex(t, env.Store); len(entries) != 0 {
		t.Fatalf("the index emptied: %v", entries)
	}
	for range 2 { // the second migration finds the backfill done
		if err := env.Store.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		check("after the backfill")
	}
	// A database written before an index name was added: migrating it enters every
	// record under the name, once.
	for _, a := range linkfin.IndexAdded {
		for _, q := range []string{`DELETE FROM object_index WHERE kind = '` + a.Kind + `' AND name = '` + a.Name + `'`,
			`DELETE FROM schema_migrations WHERE version = '` + a.Migration + `'`} {
			if err := tam.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if entries, _ := storedIndex(t, env.Store); len(entries[a.Kind+" "+a.Name]) != 0 {
			t.Fatalf("the index of %s %s emptied: %v", a.Kind, a.Name, entries[a.Kind+" "+a.Name])
		}
		for range 2 {
			if err := env.Store.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			check("after the backfill of " + a.Name)
		}
	}
	// A database written when the quotes were listed as owed too: migrating it drops
	// their entries, once.
	for _, q := range []string{`INSERT INTO object_index (kind, id, name, value, amount) VALUES ('financing', 'f2', 'owed', '` +
		linkfin.IndexValue("", "quoted", "2027-02-26") + `', 100)`, `DELETE FROM schema_migrations WHERE version = '0010_financings_owed_paid_out'`} {
		if err := tam.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	quotedOwed := func() int {
		objs, err := env.Store.ListIndexed(ctx, linkfin.KindFinancing, linkfin.IndexOwed, linkfin.IndexValue("", "quoted", ""), "", "", 10)
		if err != nil {
			t.Fatal(err)
		}
		return len(objs)
	}
	if n := quotedOwed(); n != 1 {
		t.Fatalf("%d quotes listed as owed, want the one written", n)
	}
	if err := env.Store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if n := quotedOwed(); n != 0 {
		t.Fatalf("%d quotes listed as owed after the migration", n)
	}
	check("after the quotes' entries as owed were dropped")
	env.Restart()
	env.MustVerify()
}

// checkReports checks what the services read from the index against the records: the
// exposure report against the one summed from every financing, and the maturity
// calendar against every piece. The report has as many rows as exposures.
func checkReports(t *testing.T, env *Env, exposures int) {
	t.Helper()
	ctx := context.Background()
	fromIndex, err := services.ExposureReport(ctx, env.Store)
	if err != nil {
		t.Fatal(err)
	}
	fromRecords, err := services.ExposureReport(ctx, struct{ linkfin.RecordReader }{env.Store})
	if err != nil {
		t.Fatal(err)
	}
	if len(fromIndex) != exposures || !reflect.DeepEqual(services.SeenBy(fromIndex, "", true), services.SeenBy(fromRecords, "", true)) {
		t.Fatalf("the exposure report from the index:\n%+v\nfrom the financings:\n%+v", fromIndex, fromRecords)
	}
	for _, org := range []string{"anchor", "bank", "factor"} {
		if a, b := services.SeenBy(fromIndex, org, false), services.SeenBy(fromRecords, org, false); !reflect.DeepEqual(a, b) {
			t.Fatalf("%s's exposure from the index %+v, from the financings %+v", org, a, b)
		}
	}
	// A list filtered by status reads the index by party and status: the same pages as
	// the party index gives, filtered record by record.
	for _, v := range []linkfin.Viewer{{Org: "tier1"}, {Org: "anchor"}, {Org: "bank"}, {Org: "factor"}, {Operator: true}, {}} {
		for _, ks := range [][]string{
			{linkfin.KindInvoice, "matched", "approved", "disputed"}, {linkfin.KindPayable, "open", "certified", "paid"},
			{linkfin.KindFinancing, "quoted", "disbursed", "settled"}, {linkfin.KindPurchaseOrder, "issued", "accepted", "closed"}} {
			for _, status := range ks[1:] {
				f := services.Filter{Status: status}
				var got, want []string
				for _, side := range []struct {
					s   linkfin.PartyReader
					out *[]string
				}{{env.Store, &got}, {struct{ linkfin.PartyReader }{env.Store}, &want}} {
					for after := ""; ; {
						page, err := services.List(ctx, side.s, v, ks[0], f, after, 2)
						if err != nil {
							t.Fatal(err)
						}
						for _, raw := range page.Data {
							*side.out = append(*side.out, string(raw))
						}
						if page.NextCursor == "" {
							break
						}
						after = page.NextCursor
					}
				}
				if !slices.Equal(got, want) {
					t.Fatalf("%+v's %s %s: the index lists %d, the party index %d:\n%v\n%v", v, status, ks[0], len(got), len(want), got, want)
				}
			}
		}
	}
	days, err := services.DueByDay(ctx, env.Store, "auto-scf")
	if err != nil {
		t.Fatal(err)
	}
	want := map[linkfin.Date]*services.DueDay{}
	for after := ""; ; {
		objs, err := env.Store.ListObjects(ctx, linkfin.KindCertificate, after, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range objs {
			var c linkfin.Certificate
			if err := json.Unmarshal(o.Data, &c); err != nil {
				t.Fatal(err)
			}
			if c.ProgramID != "auto-scf" {
				continue
			}
			d := want[c.Maturity]
			if d == nil {
				d = &services.DueDay{ProgramID: c.ProgramID, Date: c.Maturity}
				want[c.Maturity] = d
			}
			switch c.Status {
			case linkfin.CertificateActive:
				d.Pieces, d.Due, d.Currency = d.Pieces+1, d.Due+c.Face, c.Currency
			case linkfin.CertificateSettled:
				d.Paid++
			}
		}
		if len(objs) < 100 {
			break
		}
		after = objs[len(objs)-1].ID
	}
	if len(days) != len(want) {
		t.Fatalf("the calendar has %d days: %+v; the pieces make %d", len(days), days, len(want))
	}
	for _, d := range days {
		if w := want[d.Date]; w == nil || *w != d {
			t.Fatalf("the calendar's %s: %+v; the pieces make %+v", d.Date, d, w)
		}
	}
}
