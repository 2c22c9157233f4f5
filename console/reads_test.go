package console

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"linkfin"
	"linkfin/services"
)

// reads is the store a site's console reads through, counting what it reads: the
// events of the log, and the records listed (by id, by party, through the ordered
// index) — not the records read one by one, which a page reads as it shows them.
type reads struct {
	linkfin.Store
	events, listed atomic.Int64
}

func (r *reads) Events(ctx context.Context, from int64, limit int) ([]linkfin.Event, error) {
	evs, err := r.Store.Events(ctx, from, limit)
	r.events.Add(int64(len(evs)))
	return evs, err
}

func (r *reads) RecordEvents(ctx context.Context, kind, id string, after int64, limit int) ([]linkfin.Event, error) {
	evs, err := r.Store.RecordEvents(ctx, kind, id, after, limit)
	r.events.Add(int64(len(evs)))
	return evs, err
}

func (r *reads) ListObjects(ctx context.Context, kind, after string, limit int) ([]linkfin.Object, error) {
	objs, err := r.Store.ListObjects(ctx, kind, after, limit)
	r.listed.Add(int64(len(objs)))
	return objs, err
}

func (r *reads) ListObjectsByParty(ctx context.Context, kind, party, after string, limit int) ([]linkfin.Object, error) {
	objs, err := r.Store.ListObjectsByParty(ctx, kind, party, after, limit)
	r.listed.Add(int64(len(objs)))
	return objs, err
}

func (r *reads) ListIndexed(ctx context.Context, kind, name, prefix, afterValue, afterID string, limit int) ([]linkfin.IndexedObject, error) {
	objs, err := r.Store.ListIndexed(ctx, kind, name, prefix, afterValue, afterID, limit)
	r.listed.Add(int64(len(objs)))
	return objs, err
}

// counted makes the site's console read through a counter (before anyone signs in).
func (s *site) counted() *reads {
	r := &reads{Store: s.store}
	s.srv.Close()
	s.srv = httptest.NewServer(New(r, s.e, s.auth, nil))
	s.t.Cleanup(s.srv.Close)
	return r
}

// get reads a page as the client, and how many events and listed records it read.
func (r *reads) get(t *testing.T, c *client, path string) (page string, events, listed int64) {
	t.Helper()
	r.events.Store(0)
	r.listed.Store(0)
	code, page := c.get(path)
	if code != http.StatusOK {
		t.Fatalf("%s: %d\n%s", path, code, page)
	}
	return page, r.events.Load(), r.listed.Load()
}

// A piece's page names who caused each of its events from the first attribution after
// it, found through the index of events by record: it reads that attribution alone
// from the log, never the events of other records between (a piece made by a command
// no one is attributed with is followed by many such).
func TestPieceHistoryReadsNoOtherEvents(t *testing.T) {
	s := certified(t)
	r := s.counted()
	// C-1 split in 100, the last of those in 100, and so on: 300 events of other
	// pieces follow the first piece's.
	id := "C-1"
	face := int64(100_000_00)
	for range 3 {
		var parts []linkfin.Piece
		for i := range 100 {
			parts = append(parts, linkfin.Piece{ID: fmt.Sprintf("%s-%02d", id, i), Face: face / 100})
		}
		parts[99].Face += face - 100*(face/100)
		s.run(&services.SplitCertificate{Actor: "tier1", ID: id, Pieces: parts})
		id, face = parts[99].ID, parts[99].Face
	}
	tier1 := s.as("tier1", linkfin.RoleFinance)
	page, events, _ := r.get(t, tier1, "/pieces/C-1-00")
	if !strings.Contains(page, "C-1-00") {
		t.Fatalf("the piece's page:\n%s", page)
	}
	// Its one event (the split), read from its history, and nothing more.
	if events > 2 {
		t.Errorf("the page of a piece with one event read %d events of the log", events)
	}
}

// The early-payment page lists a page of the anchor's open payables it may pay early,
// by due date, and a page of the offers it made, reading a page of each from the
// ordered index — never every open payable or financing the anchor is party to. Its
// pages, followed, list every payable the anchor may pay early, each once.
func TestDiscountingReadsAPage(t *testing.T) {
	s := newSite(t)
	r := s.counted()
	ctx := context.Background()
	today := linkfin.BusinessDate(s.clock.Now())
	s.run(&services.ApproveInvoice{Actor: "anchor", ID: "inv-1"})
	for n := range 120 {
		s.openPayable(n, "auto-scf", today.AddDays(10+(n*7)%90))
	}
	s.openPayable(200, "auto-scf", today) // due today: nothing to pay early
	s.openPayable(201, "", today.AddDays(30))
	for _, n := range []int{3, 5, 8} {
		s.run(&services.OfferDynamicDiscounting{Actor: "anchor", PayableID: linkfin.PayableID(fmt.Sprintf("inv-d%d", n)), ProgramID: "auto-scf"})
	}

	// What the page should list: from every payable.
	type due struct{ date, id string }
	var want []due
	for after := ""; ; {
		objs, err := s.store.ListObjects(ctx, linkfin.KindPayable, after, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range objs {
			var p linkfin.Payable
			json.Unmarshal(o.Data, &p)
			if p.Status == linkfin.PayableOpen && p.BuyerID == "anchor" && p.ProgramID == "auto-scf" && today.Before(p.DueDate) {
				want = append(want, due{p.DueDate.String(), p.ID})
			}
			after = o.ID
		}
		if len(objs) < 100 {
			break
		}
	}
	slices.SortFunc(want, func(a, b due) int { return strings.Compare(a.date+"/"+a.id, b.date+"/"+b.id) })
	var wantIDs []string
	for _, d := range want {
		wantIDs = append(wantIDs, d.id)
	}

	anchor := s.as("anchor", linkfin.RoleFinance)
	next := regexp.MustCompile(`<a rel="next" href="(/discounting\?after=[^"]+)"`)
	row := regexp.MustCompile(`<tr><td><a href="/payables/([^"]+)">`)
	var got []string
	for path, pages := "/discounting", 0; path != ""; pages++ {
		page, _, listed := r.get(t, anchor, path)
		if listed > pageSize+1+10 {
			t.Errorf("%s read %d records listed: more than a page", path, listed)
		}
		if pages == 0 && !strings.Contains(page, `href="/financings/`) {
			t.Errorf("the offers made are not shown:\n%s", page)
		}
		for _, m := range row.FindAllStringSubmatch(page, -1) {
			got = append(got, m[1])
		}
		path = ""
		if m := next.FindStringSubmatch(page); m != nil {
			path = strings.ReplaceAll(m[1], "&amp;", "&")
		}
		if pages > 5 {
			t.Fatal("too many pages")
		}
	}
	if !slices.Equal(got, wantIDs) || len(got) != 121 {
		t.Errorf("the pages list %d payables:\n%v\nwant %d:\n%v", len(got), got, len(wantIDs), wantIDs)
	}

	// The offers made, a page at a time, are every dynamic discounting the anchor pays.
	for _, v := range []linkfin.Viewer{{Org: "anchor"}, {Operator: true}} {
		var ids []string
		for after := ""; ; {
			page, err := services.DiscountingMade(ctx, s.store, v, after, 2)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range page.Data {
				ids = append(ids, f.ID)
			}
			if after = page.NextCursor; after == "" {
				break
			}
		}
		var all []string
		for after := ""; ; {
			objs, _ := s.store.ListObjects(ctx, linkfin.KindFinancing, after, 100)
			for _, o := range objs {
				var f linkfin.Financing
				json.Unmarshal(o.Data, &f)
				if f.Product == linkfin.ProductDynamicDiscounting {
					all = append(all, f.ID)
				}
				after = o.ID
			}
			if len(objs) < 100 {
				break
			}
		}
		if !slices.Equal(ids, all) || len(all) != 3 {
			t.Errorf("%+v: the offers made, page by page: %v; every one: %v", v, ids, all)
		}
	}
	if _, err := services.EarlyPayments(ctx, s.store, linkfin.Viewer{Org: "anchor"}, today, "nonsense", 10); linkfin.ErrorCode(err) != linkfin.EINVALID {
		t.Errorf("a made-up cursor: %v", err)
	}
}

// openPayable runs an order of tier1's to the anchor under the program ("" for none)
// through to an approved invoice, due on the date: an open payable.
func (s *site) openPayable(n int, program string, due linkfin.Date) {
	s.t.Helper()
	today := linkfin.BusinessDate(s.clock.Now())
	po, inv := fmt.Sprintf("PO-d%d", n), fmt.Sprintf("inv-d%d", n)
	// A fen more for each: alike invoices of the same day would be held as duplicates.
	price := int64(100_00 + n)
	for _, c := range []linkfin.Command{
		&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: po, Number: po, SellerID: "tier1", ProgramID: program,
			Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "bolt", Quantity: 1, Unit: "EA", UnitPrice: price}}}},
		&services.AcceptPurchaseOrder{Actor: "tier1", ID: po},
		&services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "GR-" + po, POID: po, Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: 1}}}},
		&services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: inv, Number: "INV-" + inv, BuyerID: "anchor", POID: po,
			Currency: "CNY", IssueDate: today, DueDate: due, Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: 1, UnitPrice: price, Amount: price}}, Total: price}},
		&services.ApproveInvoice{Actor: "anchor", ID: inv},
	} {
		s.run(c)
	}
}

// The supplier finance disclosure sums the anchor's payables by day from the ordered
// index's totals: its page reads none of them, however many there are, and shows the
// sums they make.
func TestDisclosureReadsNoPayable(t *testing.T) {
	s := newSite(t)
	r := s.counted()
	today := linkfin.BusinessDate(s.clock.Now())
	for n := range 120 {
		s.openPayable(n, "auto-scf", today.AddDays(10+n%90))
	}
	s.openPayable(200, "", today.AddDays(45))
	anchor := s.as("anchor", linkfin.RoleFinance)
	page, events, listed := r.get(t, anchor, "/programs/auto-scf/disclosure")
	if listed != 0 || events != 0 {
		t.Errorf("the disclosure read %d records listed and %d events", listed, events)
	}
	// 120 payables of 100.00 to 101.19 confirmed today, due 10 to 99 days after their
	// invoices; the one in no program 45.
	for _, want := range []string{Money(English, "CNY", 120*100_00+119*120/2), "(120 payables)", "10 to 99 days", "45 to 45 days"} {
		if !strings.Contains(page, want) {
			t.Errorf("the disclosure does not show %s:\n%s", want, page)
		}
	}
}

// The ship form of an accepted order offers the logistics operators, read from the
// index of organizations by capability: however many other organizations there are,
// it lists none of them.
func TestShipFormReadsTheCarriers(t *testing.T) {
	s := newSite(t)
	r := s.counted()
	for i := range 300 {
		id := fmt.Sprintf("trader-%03d", i)
		s.run(&services.CreateOrganization{Org: linkfin.Organization{ID: id, Name: id, Capabilities: []linkfin.Capability{linkfin.CapTrade}}})
	}
	s.run(&services.CreateOrganization{Org: linkfin.Organization{ID: "zz-haul", Name: "ZZ Haulage", Capabilities: []linkfin.Capability{linkfin.CapLogistics}}})
	page, _, listed := r.get(t, s.as("tier1", linkfin.RoleFinance), "/orders/PO-1")
	if !strings.Contains(page, `<option value="port">`) || !strings.Contains(page, `<option value="zz-haul">`) || strings.Contains(page, `<option value="trader-`) {
		t.Fatalf("the carriers offered:\n%s", page)
	}
	if listed > 50 {
		t.Errorf("the order's page listed %d records", listed)
	}
}
