package http_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// GET /v1/offers answers what the domain offers the caller, priced at the engine's
// clock; POST /v1/offers/take takes one, and a price that is no longer the quote's is
// refused with offer_changed, changing nothing.
func TestOffersRoutes(t *testing.T) {
	p := newPlatform(t)
	var got linkfin.List[linkfin.AssetOffers]
	wantJSON(t, p.as("tier1", "GET", "/v1/offers", ""), http.StatusOK, &got)
	want, err := services.Offers(context.Background(), p.store, linkfin.Viewer{Org: "tier1"}, p.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if w, _ := json.Marshal(want); !reflect.DeepEqual(mustJSON(t, got.Data), string(w)) {
		t.Fatalf("GET /v1/offers:\n%s\nthe domain offers:\n%s", mustJSON(t, got.Data), w)
	}
	var best *linkfin.Offer
	for _, a := range got.Data {
		if a.AssetID == "C-1" && len(a.Offers) > 0 {
			best = &a.Offers[0]
		}
	}
	if best == nil || best.Quote.ExpiresAt != p.clock.Now().Add(services.QuoteValidity) {
		t.Fatalf("tier1 is offered nothing on C-1, or not at the engine's clock: %s", mustJSON(t, got.Data))
	}
	take := func(price int64) reply {
		return p.as("tier1", "POST", "/v1/offers/take", fmt.Sprintf(`{"product":%q,"program_id":"auto-scf","funder_id":%q,"asset_id":"C-1","price":%d}`,
			best.Product, best.FunderID, price))
	}
	base := p.snapshot()
	pr := wantProblem(t, take(best.Quote.Price+1), http.StatusUnprocessableEntity, services.EOFFERCHANGED)
	if after := p.snapshot(); !reflect.DeepEqual(after, base) {
		t.Fatalf("a refused take changed the store: %s", pr.Detail)
	}
	p.clock.Advance(time.Second)
	var f linkfin.Financing
	wantJSON(t, take(best.Quote.Price), http.StatusCreated, &f)
	if f.Status != linkfin.FinancingAccepted || f.AssetID != "C-1" || f.FunderID != best.FunderID || f.Quote.Price != best.Quote.Price {
		t.Fatalf("taken: %+v", f)
	}
	wantProblem(t, take(best.Quote.Price), http.StatusUnprocessableEntity, "asset_financed")
	wantJSON(t, p.as("tier1", "GET", "/v1/offers", ""), http.StatusOK, &got)
	for _, a := range got.Data {
		if a.AssetID == "C-1" {
			t.Fatalf("C-1 is offered once taken: %+v", a)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// listedReads is a store that counts the records it lists (by id, by party, through
// the ordered index).
type listedReads struct {
	linkfin.Store
	listed atomic.Int64
}

func (r *listedReads) ListObjects(ctx context.Context, kind, after string, limit int) ([]linkfin.Object, error) {
	objs, err := r.Store.ListObjects(ctx, kind, after, limit)
	r.listed.Add(int64(len(objs)))
	return objs, err
}

func (r *listedReads) ListObjectsByParty(ctx context.Context, kind, party, after string, limit int) ([]linkfin.Object, error) {
	objs, err := r.Store.ListObjectsByParty(ctx, kind, party, after, limit)
	r.listed.Add(int64(len(objs)))
	return objs, err
}

func (r *listedReads) ListIndexed(ctx context.Context, kind, name, prefix, afterValue, afterID string, limit int) ([]linkfin.IndexedObject, error) {
	objs, err := r.Store.ListIndexed(ctx, kind, name, prefix, afterValue, afterID, limit)
	r.listed.Add(int64(len(objs)))
	return objs, err
}

// GET /v1/offers answers a page at a time, by maturity: followed by next_cursor, the
// pages are every offer the domain makes the caller, in order, and a page reads the
// pieces and payables it shows (and a few more), never all the caller holds.
func TestOffersPages(t *testing.T) {
	p := newPlatform(t)
	today := linkfin.BusinessDate(p.clock.Now())
	// tier1 holds 60 pieces more, due in 90 days, and sells an open payable due in 30.
	for i, due := range []linkfin.Date{today.AddDays(90), today.AddDays(30)} {
		po, inv := fmt.Sprintf("PO-o%d", i), fmt.Sprintf("inv-o%d", i)
		for _, c := range []linkfin.Command{
			&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: po, Number: po, SellerID: "tier1", ProgramID: "auto-scf",
				Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "bolt", Quantity: 60, Unit: "EA", UnitPrice: 100_00}}}},
			&services.AcceptPurchaseOrder{Actor: "tier1", ID: po},
			&services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "GR-" + po, POID: po, Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: 60}}}},
			&services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: inv, Number: "INV-" + inv, BuyerID: "anchor", POID: po, Currency: "CNY",
				// Issued eight days apart: alike invoices within days would be held.
				IssueDate: today.AddDays(-8 * i), DueDate: due, Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: 60, UnitPrice: 100_00, Amount: 6_000_00}}, Total: 6_000_00}},
			&services.ApproveInvoice{Actor: "anchor", ID: inv},
		} {
			p.submit(t, c)
		}
	}
	p.submit(t, &services.IssueCertificate{Actor: "anchor", ID: "C-o", ProgramID: "auto-scf", PayableIDs: []string{linkfin.PayableID("inv-o0")}})
	var parts []linkfin.Piece
	for i := range 60 {
		parts = append(parts, linkfin.Piece{ID: fmt.Sprintf("C-o-%02d", i), Face: 100_00})
	}
	p.submit(t, &services.SplitCertificate{Actor: "tier1", ID: "C-o", Pieces: parts})

	want, err := services.Offers(context.Background(), p.store, linkfin.Viewer{Org: "tier1"}, p.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	reads := &listedReads{Store: p.store}
	p.srv.Store = reads
	var got []linkfin.AssetOffers
	for after, pages := "", 0; ; pages++ {
		reads.listed.Store(0)
		var page linkfin.List[linkfin.AssetOffers]
		wantJSON(t, p.as("tier1", "GET", "/v1/offers?limit=5&after="+url.QueryEscape(after), ""), http.StatusOK, &page)
		if n := reads.listed.Load(); n > 40 {
			t.Errorf("a page of 5 offers listed %d records", n)
		}
		if len(page.Data) > 5 || pages > 20 {
			t.Fatalf("page %d: %d offers", pages, len(page.Data))
		}
		got = append(got, page.Data...)
		if after = page.NextCursor; after == "" {
			break
		}
	}
	if len(want) < 62 || mustJSON(t, got) != mustJSON(t, want) {
		t.Errorf("the pages list %d offers:\n%s\nthe domain offers %d:\n%s", len(got), mustJSON(t, got), len(want), mustJSON(t, want))
	}
	wantProblem(t, p.as("tier1", "GET", "/v1/offers?after=nonsense", ""), http.StatusBadRequest, linkfin.EINVALID)
	wantProblem(t, p.as("tier1", "GET", "/v1/offers?limit=0", ""), http.StatusBadRequest, linkfin.EINVALID)
}

// TestNoOfferOfAFunderThatNoLongerFunds: once the operator withdraws a live funder's
// fund capability, GET /v1/offers (the ordered index's pages) and the take of one
// offer leave it out, and a request naming it is 400 invalid, recording nothing;
// granted again, it is offered again.
func TestNoOfferOfAFunderThatNoLongerFunds(t *testing.T) {
	p := newPlatform(t)
	funders := func() map[string]bool {
		t.Helper()
		var got linkfin.List[linkfin.AssetOffers]
		wantJSON(t, p.as("tier1", "GET", "/v1/offers", ""), http.StatusOK, &got)
		out := map[string]bool{}
		for _, a := range got.Data {
			for _, o := range append(a.Offers, a.Refused...) {
				out[o.FunderID] = true
			}
		}
		return out
	}
	if !funders()["bank"] {
		t.Fatal("tier1 is offered nothing of bank's to begin with")
	}
	wantJSON(t, p.as("operator", "POST", "/v1/organizations/bank/capabilities", `{"capabilities":["trade"]}`), http.StatusOK, nil)
	if got := funders(); got["bank"] {
		t.Fatalf("tier1 is offered bank's quotes once bank no longer funds: %v", got)
	}
	base := p.snapshot()
	pr := wantProblem(t, p.as("tier1", "POST", "/v1/financings",
		`{"product":"certificate_discounting","program_id":"auto-scf","funder_id":"bank","asset_id":"C-1"}`), http.StatusBadRequest, linkfin.EINVALID)
	if after := p.snapshot(); !reflect.DeepEqual(after, base) {
		t.Fatalf("a refused request changed the store: %s", pr.Detail)
	}
	wantJSON(t, p.as("operator", "POST", "/v1/organizations/bank/capabilities", `{"capabilities":["fund"]}`), http.StatusOK, nil)
	if !funders()["bank"] {
		t.Fatal("tier1 is offered nothing of bank's once it funds again")
	}
}

// TestProgramFundersAgreeWithOffers: a funder whose fund capability the operator
// withdrew is not live in a program's view, as in the quotes and offers: a member
// (tier1) sees it among the program's funders no more, in GET /v1/programs/{id} and
// GET /v1/programs alike; the anchor, the funder itself and the operator see it
// marked idle. Granted again, it is live again, and unmarked.
func TestProgramFundersAgreeWithOffers(t *testing.T) {
	p := newPlatform(t)
	// bankIn answers whether who sees bank among auto-scf's funders, and whether
	// marked idle, in the program's own GET and in the list.
	bankIn := func(who string) (listed, idle bool) {
		t.Helper()
		var one linkfin.Program
		wantJSON(t, p.as(who, "GET", "/v1/programs/auto-scf", ""), http.StatusOK, &one)
		var all linkfin.List[linkfin.Program]
		wantJSON(t, p.as(who, "GET", "/v1/programs", ""), http.StatusOK, &all)
		var inList *linkfin.Program
		for i := range all.Data {
			if all.Data[i].ID == "auto-scf" {
				inList = &all.Data[i]
			}
		}
		if inList == nil {
			t.Fatalf("%s does not list auto-scf", who)
		}
		f, g := one.Funder("bank"), inList.Funder("bank")
		if (f == nil) != (g == nil) || f != nil && f.Idle != g.Idle {
			t.Fatalf("%s: the program's GET has bank as %+v, the list as %+v", who, f, g)
		}
		return f != nil, f != nil && f.Idle
	}
	for _, who := range []string{"tier1", "anchor", "bank", "operator"} {
		if listed, idle := bankIn(who); !listed || idle {
			t.Fatalf("%s: bank listed %v, idle %v, before its capability is withdrawn", who, listed, idle)
		}
	}
	wantJSON(t, p.as("operator", "POST", "/v1/organizations/bank/capabilities", `{"capabilities":["trade"]}`), http.StatusOK, nil)
	if listed, _ := bankIn("tier1"); listed {
		t.Fatal("a member sees bank among the program's live funders once it no longer funds")
	}
	for _, who := range []string{"anchor", "bank", "operator"} {
		if listed, idle := bankIn(who); !listed || !idle {
			t.Fatalf("%s: bank listed %v, idle %v, once it no longer funds", who, listed, idle)
		}
	}
	wantJSON(t, p.as("operator", "POST", "/v1/organizations/bank/capabilities", `{"capabilities":["fund"]}`), http.StatusOK, nil)
	for _, who := range []string{"tier1", "anchor", "bank", "operator"} {
		if listed, idle := bankIn(who); !listed || idle {
			t.Fatalf("%s: bank listed %v, idle %v, once it funds again", who, listed, idle)
		}
	}
}
