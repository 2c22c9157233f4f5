package http_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
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
