package http_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

// TestProgramMembers: the anchor's suppliers at every tier and its distributors see
// the program's terms and its live funders' pricing, without limits; its anchor and
// funders see it whole; anyone else, nothing.
func TestProgramMembers(t *testing.T) {
	p := newPlatform(t)
	for _, org := range []string{"tier3", "dealer", "factor"} {
		p.key(t, org, org, linkfin.RoleAdmin)
	}
	// A funder invited and not yet accepted is not offered to members.
	p.submit(t, &services.CreateOrganization{Org: linkfin.Organization{ID: "trust", Name: "Trust Co",
		Capabilities: []linkfin.Capability{linkfin.CapFund}}})
	fixed, err := linkfin.ParseRate("0.05")
	if err != nil {
		t.Fatal(err)
	}
	p.submit(t, &services.InviteFunder{Actor: "anchor", ProgramID: "auto-scf", FunderID: "trust", Limit: 1_000_00,
		Pricing: linkfin.Pricing{FixedRate: &fixed}})
	p.key(t, "trust", "trust", linkfin.RoleAdmin)

	// A limit a member may not see is left out: zero, as no program or funder has.
	type view = linkfin.Program
	seen := func(who string) []view {
		t.Helper()
		var list linkfin.List[view]
		wantJSON(t, p.as(who, "GET", "/v1/programs", ""), http.StatusOK, &list)
		return list.Data
	}
	// Members: tier 1, 2 and 3 up the chain to the anchor, and the distributor.
	for _, who := range []string{"tier1", "tier2", "tier3", "dealer"} {
		list := seen(who)
		if len(list) != 1 || list[0].ID != "auto-scf" {
			t.Fatalf("%s's programs: %+v", who, list)
		}
		v := list[0]
		var funders []string
		for _, f := range v.Funders {
			funders = append(funders, f.FunderID)
			if f.Limit != 0 || f.Pricing.Annual().IsZero() || f.Status != linkfin.FunderAccepted {
				t.Errorf("%s sees funder %+v", who, f)
			}
		}
		if v.Limit != 0 || strings.Join(funders, ",") != "bank,factor" || len(v.Products) != 6 || v.AnchorID != "anchor" {
			t.Errorf("%s sees %+v", who, v)
		}
		var one view
		wantJSON(t, p.as(who, "GET", "/v1/programs/auto-scf", ""), http.StatusOK, &one)
		if !reflect.DeepEqual(one, v) {
			t.Errorf("%s reads %+v, lists %+v", who, one, v)
		}
	}
	// The funders and the anchor see limits and every funder.
	for _, who := range []string{"anchor", "bank", "trust"} {
		var v view
		wantJSON(t, p.as(who, "GET", "/v1/programs/auto-scf", ""), http.StatusOK, &v)
		if v.Limit != 50_000_000_00 || len(v.Funders) != 3 || v.Funders[0].Limit != 30_000_000_00 || v.Funders[2].Limit != 1_000_00 {
			t.Errorf("%s sees %+v", who, v)
		}
	}
	// An outsider is no member, nor is a seller whose relationship is only proposed.
	p.submit(t, &services.ProposeRelationship{Actor: "outsider", BuyerID: "tier3", SellerID: "outsider"})
	if list := seen("outsider"); len(list) != 0 {
		t.Fatalf("the outsider's programs: %+v", list)
	}
	wantProblem(t, p.as("outsider", "GET", "/v1/programs/auto-scf", ""), http.StatusNotFound, linkfin.ENOTFOUND)
	// Once tier 3 buys from it, it supplies the anchor at tier 4.
	p.submit(t, &services.AcceptRelationship{Actor: "tier3", BuyerID: "tier3", SellerID: "outsider"})
	if list := seen("outsider"); len(list) != 1 || list[0].ID != "auto-scf" || list[0].Limit != 0 {
		t.Fatalf("tier 4's programs: %+v", list)
	}
	// A member cannot act as a party.
	wantProblem(t, p.as("tier2", "POST", "/v1/programs/auto-scf/funders", `{"funder_id":"outsider","limit":1,"pricing":{"fixed_rate":"0.01"}}`,
		"Idempotency-Key", "m-1"), http.StatusNotFound, linkfin.ENOTFOUND)
}

// TestFunderExposure: a funder's part of an anchor's exposure counts its own
// financings, by product and tier.
func TestFunderExposure(t *testing.T) {
	p := newPlatform(t)
	p.key(t, "factor", "factor", linkfin.RoleAdmin)
	p.submit(t, &services.AcceptCertificateDiscounting{Actor: "tier1", ID: "F-1", PieceID: "C-1"})
	p.submit(t, &services.DisburseFinancing{Actor: "bank", ID: "F-1"})
	var piece linkfin.CertificateOut
	wantJSON(t, p.as("anchor", "GET", "/v1/certificates/C-1", ""), http.StatusOK, &piece)
	// The piece is the invoice's 100,000.00 less the credit note's 1.00.
	const face = 100_000_00 - 1_00
	if piece.Face != face {
		t.Fatalf("the piece's face is %d", piece.Face)
	}
	want := linkfin.Exposure{AnchorID: "anchor", Currency: "CNY", Total: face, ByFunder: map[string]int64{"bank": face},
		ByProduct: map[string]int64{"certificate_discounting": face}, ByTier: map[string]int64{"1": face}, Count: 1}
	for _, who := range []string{"anchor", "bank"} {
		var got linkfin.List[linkfin.Exposure]
		wantJSON(t, p.as(who, "GET", "/v1/exposure", ""), http.StatusOK, &got)
		if len(got.Data) != 1 || !reflect.DeepEqual(got.Data[0], want) {
			t.Errorf("%s's exposure: %+v, want %+v", who, got.Data, want)
		}
	}
	var none linkfin.List[linkfin.Exposure]
	wantJSON(t, p.as("factor", "GET", "/v1/exposure", ""), http.StatusOK, &none)
	if len(none.Data) != 0 {
		t.Errorf("the factor's exposure: %+v", none.Data)
	}
}

// TestExposureTotalTooLarge: a total of the exposure report beyond an int64 (the
// stores keep it exactly, past 2^63) answers 422 total_too_large, to everyone who
// reads the report, never a wrong figure.
func TestExposureTotalTooLarge(t *testing.T) {
	p := newPlatform(t)
	p.submit(t, &services.AcceptCertificateDiscounting{Actor: "tier1", ID: "F-1", PieceID: "C-1"})
	p.submit(t, &services.DisburseFinancing{Actor: "bank", ID: "F-1"})
	var got linkfin.List[linkfin.Exposure]
	wantJSON(t, p.as("anchor", "GET", "/v1/exposure", ""), http.StatusOK, &got)
	// The disbursed financings' total made 2^63 = 9 × 10^18 + 223372036854775808.
	if err := p.store.Exec(context.Background(), `UPDATE object_totals SET amount_high = 9, amount = 223372036854775808
		WHERE kind = 'financing' AND name = 'funded' AND value LIKE 'disbursed/%'`); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"anchor", "bank"} {
		wantProblem(t, p.as(who, "GET", "/v1/exposure", ""), http.StatusUnprocessableEntity, linkfin.ETOTALTOOLARGE)
	}
	wantProblem(t, p.do("GET", "/v1/exposure", ""), http.StatusUnprocessableEntity, linkfin.ETOTALTOOLARGE)
}

// TestListsAndReadsAgree walks, for every organization, every list of the router that
// has a read by id: each item it lists reads back (as the list shows it), and every
// record of the kind that it does not list answers not found. A holder that sold its
// piece to a funder is among them.
func TestListsAndReadsAgree(t *testing.T) {
	p := newPlatform(t)
	for _, org := range []string{"tier3", "dealer", "factor"} {
		p.key(t, org, org, linkfin.RoleAdmin)
	}
	p.submit(t, &services.AcceptCertificateDiscounting{Actor: "tier1", ID: "F-1", PieceID: "C-1"})
	p.submit(t, &services.DisburseFinancing{Actor: "bank", ID: "F-1"})

	gets := map[string]bool{}
	for _, rt := range p.srv.Routes() {
		if rt.Method() == "GET" && strings.HasSuffix(rt.Path(), "/{id}") {
			gets[strings.TrimSuffix(rt.Path(), "/{id}")] = true
		}
	}
	// every pages through a list as who, two items a page, and returns its items by id.
	every := func(who, path string) map[string]map[string]any {
		t.Helper()
		out := map[string]map[string]any{}
		for after := ""; ; {
			var page linkfin.List[map[string]any]
			wantJSON(t, p.as(who, "GET", path+"?limit=2&after="+url.QueryEscape(after), ""), http.StatusOK, &page)
			for _, item := range page.Data {
				id, _ := item["id"].(string)
				if id == "" {
					t.Fatalf("%s: an item without an id: %v", path, item)
				}
				out[id] = item
			}
			if page.NextCursor == "" {
				return out
			}
			after = page.NextCursor
		}
	}
	orgs := []string{"anchor", "tier1", "tier2", "tier3", "dealer", "bank", "factor", "port", "outsider"}
	walked := 0
	for _, rt := range p.srv.Routes() {
		if rt.Method() != "GET" || !rt.List || !gets[rt.Path()] {
			continue
		}
		walked++
		all := every("operator", rt.Path())
		for _, who := range orgs {
			listed := every(who, rt.Path())
			for id := range all {
				r := p.as(who, "GET", rt.Path()+"/"+url.PathEscape(id), "")
				item, ok := listed[id]
				if !ok {
					var pr linkfin.Problem
					if json.Unmarshal(r.body, &pr); r.status != http.StatusNotFound || pr.Code != linkfin.ENOTFOUND {
						t.Errorf("%s does not list %s/%s but reads it: %d %s", who, rt.Path(), id, r.status, r.body)
					}
					continue
				}
				var got map[string]any
				wantJSON(t, r, http.StatusOK, &got)
				for k, v := range item {
					if !reflect.DeepEqual(got[k], v) {
						t.Errorf("%s lists %s/%s with %s = %v, reads %v", who, rt.Path(), id, k, v, got[k])
					}
				}
			}
			for id := range listed {
				if _, ok := all[id]; !ok {
					t.Errorf("%s lists %s/%s, which the operator does not", who, rt.Path(), id)
				}
			}
		}
	}
	if walked < 10 {
		t.Fatalf("walked %d lists", walked)
	}
	// The former holder is among those that list and read the sold piece.
	var certs linkfin.List[linkfin.Certificate]
	wantJSON(t, p.as("tier1", "GET", "/v1/certificates", ""), http.StatusOK, &certs)
	if !slices.ContainsFunc(certs.Data, func(c linkfin.Certificate) bool { return c.ID == "C-1" && c.HolderID == "bank" }) {
		t.Fatalf("tier1's pieces: %+v", certs.Data)
	}
}
