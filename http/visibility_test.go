package http_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
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

// TestWhatAPartySeesOfARecord: a party to a record sees no field that names what it
// cannot read, another organization's ledger accounts and transfers or its wallet,
// in the record's GET, in its list, or in the answer to its own act on it; the party
// they belong to, and the operator, see them. An e-CNY conditional payment's payee and
// its milestone's confirmer see no ecny.payer_accounts (reading one answers them 404),
// no lock and no move's transfer; on the platform's wallets, its payee sees the lock
// and the moves' transfers, which touch its own wallet, its confirmer none, and
// neither the purpose-bound wallet it was paid from; a purpose-bound wallet's grantor
// sees no ledger_account; an e-CNY payment's payee, no from_wallet_id.
func TestWhatAPartySeesOfARecord(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	// The anchor's and tier1's designated e-CNY wallets, the anchor's with money.
	open := func(org string) string {
		var w linkfin.ECNYWallet
		if err := p.engine.Run(ctx, &services.OpenECNYWallet{OrgID: org, In: linkfin.ECNYWalletIn{
			Limits: &linkfin.WalletLimits{Balance: 1_000_000_00, Payment: 5_000_00, Daily: 6_000_00, Yearly: 100_000_00}}}, &w); err != nil {
			t.Fatal(err)
		}
		p.submit(t, &services.DesignateECNYWallet{Actor: org, OrgID: org, WalletID: w.ID})
		return w.ID
	}
	anchorW := open("anchor")
	open("tier1")
	p.submit(t, &services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-seen", OrgID: "anchor", Currency: "CNY", Amount: 2_000_00})
	p.submit(t, &services.MoveECNY{Actor: "anchor", ID: anchorW, Op: "top-up", Amount: 2_000_00})

	// fields reads a record's JSON as who sees it.
	fields := func(r reply) map[string]any {
		t.Helper()
		var m map[string]any
		wantJSON(t, r, http.StatusOK, &m)
		return m
	}
	// listed answers a record as who lists it.
	listed := func(who, route, id string) map[string]any {
		t.Helper()
		var list linkfin.List[map[string]any]
		wantJSON(t, p.as(who, "GET", route+"?limit=1000", ""), http.StatusOK, &list)
		for _, m := range list.Data {
			if m["id"] == id {
				return m
			}
		}
		t.Fatalf("%s does not list %s %s", who, route, id)
		return nil
	}
	// seen answers a record as who reads it, and as who lists it, which agree.
	seen := func(who, route, id string) map[string]any {
		t.Helper()
		one := fields(p.as(who, "GET", route+"/"+id, ""))
		if m := listed(who, route, id); !reflect.DeepEqual(m, one) {
			t.Fatalf("%s reads %s %s as %v, lists it as %v", who, route, id, one, m)
		}
		return one
	}
	has := func(m map[string]any, path ...string) bool {
		var v any = m
		for _, k := range path {
			mm, ok := v.(map[string]any)
			if !ok {
				return false
			}
			if v, ok = mm[k]; !ok {
				return false
			}
		}
		return true
	}
	movesWithTransfer := func(m map[string]any) (n int) {
		for _, mv := range m["moves"].([]any) {
			if _, ok := mv.(map[string]any)["transfer_id"]; ok {
				n++
			}
		}
		return n
	}

	// An e-CNY conditional payment: the anchor pays tier1 on tier2's word.
	var cp linkfin.ConditionalPayment
	wantJSON(t, p.as("anchor", "POST", "/v1/conditional-payments", `{"payee_id":"tier1","currency":"CNY","amount":1000,"rail":"ecny",`+
		`"condition":{"type":"milestone","milestone":"tooling installed","confirmer_id":"tier2"}}`), http.StatusCreated, &cp)
	for _, who := range []string{"anchor", "operator"} {
		m := seen(who, "/v1/conditional-payments", cp.ID)
		if !has(m, "ecny", "payer_accounts", "wallet") || !has(m, "lock") || movesWithTransfer(m) != 1 {
			t.Fatalf("%s does not see the payer's accounts, the lock and its transfer: %v", who, m)
		}
	}
	wantProblem(t, p.as("tier1", "GET", "/v1/accounts/"+strconv.FormatInt(int64(cp.ECNY.PayerAccounts.Wallet), 10), ""), http.StatusNotFound, linkfin.ENOTFOUND)
	for _, who := range []string{"tier1", "tier2"} {
		m := seen(who, "/v1/conditional-payments", cp.ID)
		if has(m, "ecny", "payer_accounts") || has(m, "lock") || movesWithTransfer(m) != 0 || !has(m, "ecny", "day") {
			t.Fatalf("%s sees the payer's accounts or transfers: %v", who, m)
		}
	}
	// The confirmer's own act answers the payment as it sees it.
	var m map[string]any
	wantJSON(t, p.as("tier2", "POST", "/v1/conditional-payments/"+cp.ID+"/confirm", ""), http.StatusOK, &m)
	if has(m, "ecny", "payer_accounts") || has(m, "lock") || movesWithTransfer(m) != 0 || m["status"] != string(linkfin.ConditionalReleased) {
		t.Fatalf("the confirmer's answer: %v", m)
	}
	if m := seen("anchor", "/v1/conditional-payments", cp.ID); movesWithTransfer(m) != 2 {
		t.Fatalf("the payer does not see the release's transfer: %v", m)
	}
	// Its release is an e-CNY payment, from wallets neither side names to the other.
	var released linkfin.ConditionalPayment
	wantJSON(t, p.as("anchor", "GET", "/v1/conditional-payments/"+cp.ID, ""), http.StatusOK, &released)
	paid := released.Moves[1].ECNYPaymentID
	if m := seen("tier1", "/v1/ecny-payments", paid); has(m, "from_wallet_id") || m["amount"] != float64(1000) {
		t.Fatalf("the payee sees the payer's wallet: %v", m)
	}
	// A payment between wallets the payer named: the payee sees its own wallet, not
	// the payer's.
	if m := seen("tier1", "/v1/ecny-payments", p.ecnyPayment); has(m, "from_wallet_id") || !has(m, "to_wallet_id") {
		t.Fatalf("the payee sees the payer's wallet: %v", m)
	}
	if m := seen("anchor", "/v1/ecny-payments", p.ecnyPayment); m["from_wallet_id"] != p.ecny {
		t.Fatalf("the payer does not see its wallet: %v", m)
	}

	// On the platform's wallets: the payee sees the lock and the moves' transfers,
	// which touch its wallet; the confirmer sees none.
	for who, want := range map[string]bool{"anchor": true, "tier1": true, "tier2": false, "operator": true} {
		m := seen(who, "/v1/conditional-payments", p.cp)
		if has(m, "lock") != want || (movesWithTransfer(m) == 1) != want {
			t.Fatalf("%s sees the lock and its transfer %v, want %v: %v", who, !want, want, m)
		}
	}
	var lock linkfin.ConditionalPayment
	wantJSON(t, p.as("tier1", "GET", "/v1/conditional-payments/"+p.cp, ""), http.StatusOK, &lock)
	wantJSON(t, p.as("tier1", "GET", "/v1/transfers/"+strconv.FormatInt(int64(lock.Lock), 10), ""), http.StatusOK, nil)
	wantProblem(t, p.as("tier2", "GET", "/v1/transfers/"+strconv.FormatInt(int64(lock.Lock), 10), ""), http.StatusNotFound, linkfin.ENOTFOUND)

	// A purpose-bound wallet: its holder (tier2) sees its ledger account, its grantor
	// (the anchor) what it holds but not the account, which it cannot read.
	for who, want := range map[string]bool{"tier2": true, "anchor": false, "operator": true} {
		m := fields(p.as(who, "GET", "/v1/purpose-bound-wallets/"+p.bound, ""))
		l := listed(who, "/v1/purpose-bound-wallets", p.bound)
		if has(m, "ledger_account") != want || has(l, "ledger_account") != want || m["balance"] != float64(1_00) {
			t.Fatalf("%s sees the wallet's ledger account %v, want %v: %v", who, !want, want, m)
		}
	}
	// The grantor's own acts answer the wallet as it sees it.
	p.submit(t, &services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-bound", OrgID: "anchor", Currency: "CNY", Amount: 10_00})
	var opened map[string]any
	wantJSON(t, p.as("anchor", "POST", "/v1/purpose-bound-wallets", `{"holder_id":"tier2","currency":"CNY","payee_ids":["tier1"],"amount":100}`),
		http.StatusCreated, &opened)
	if has(opened, "ledger_account") || opened["holder_id"] != "tier2" {
		t.Fatalf("the grantor's answer: %v", opened)
	}
	wantJSON(t, p.as("anchor", "POST", "/v1/purpose-bound-wallets/"+opened["id"].(string)+"/fund", `{"amount":100}`), http.StatusOK, &opened)
	if has(opened, "ledger_account") || opened["funded"] != float64(200) {
		t.Fatalf("the grantor's answer: %v", opened)
	}
	if m := fields(p.as("tier2", "GET", "/v1/purpose-bound-wallets/"+opened["id"].(string), "")); !has(m, "ledger_account") {
		t.Fatalf("the holder does not see its wallet's ledger account: %v", m)
	}
	var bw linkfin.BoundWalletOut
	wantJSON(t, p.as("tier2", "GET", "/v1/purpose-bound-wallets/"+p.bound, ""), http.StatusOK, &bw)
	wantProblem(t, p.as("anchor", "GET", "/v1/accounts/"+strconv.FormatInt(int64(bw.Ledger), 10), ""), http.StatusNotFound, linkfin.ENOTFOUND)
	// Paid from it into a conditional payment: its payee (tier1) and confirmer (bank)
	// do not see the wallet it came from.
	var fromBound linkfin.ConditionalPayment
	wantJSON(t, p.as("tier2", "POST", "/v1/conditional-payments", `{"payee_id":"tier1","currency":"CNY","amount":100,"source_wallet_id":"`+p.bound+`",`+
		`"condition":{"type":"milestone","milestone":"tooling installed","confirmer_id":"bank"}}`), http.StatusCreated, &fromBound)
	for who, want := range map[string]bool{"tier2": true, "tier1": false, "bank": false, "operator": true} {
		if m := seen(who, "/v1/conditional-payments", fromBound.ID); has(m, "source_wallet_id") != want {
			t.Fatalf("%s sees the purpose-bound wallet it was paid from %v, want %v: %v", who, !want, want, m)
		}
	}

	// A distributor loan paid into a purpose-bound wallet of the dealer's, which the
	// bank grants: its payee, the anchor, does not see the wallet.
	p.key(t, "dealer", "dealer", linkfin.RoleAdmin)
	p.submit(t, &services.CreatePurchaseOrder{Actor: "dealer", Order: linkfin.PurchaseOrder{ID: "DPO-1", Number: "DPO-1", SellerID: "anchor",
		ProgramID: "auto-scf", Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "sedan", Quantity: 1, Unit: "car", UnitPrice: 100_000_00}}}})
	p.submit(t, &services.AcceptPurchaseOrder{Actor: "anchor", ID: "DPO-1"})
	p.submit(t, &services.RequestDistributorFinancing{Actor: "dealer", ID: "DF-1", POID: "DPO-1", ProgramID: "auto-scf", FunderID: "bank",
		Disbursement: linkfin.DisbursePurposeBound})
	p.submit(t, &services.AcceptDistributorFinancing{Actor: "dealer", ID: "DF-1", POID: "DPO-1"})
	wantJSON(t, p.as("bank", "POST", "/v1/financings/DF-1/disburse", ""), http.StatusOK, nil)
	for who, want := range map[string]bool{"dealer": true, "bank": true, "anchor": false, "operator": true} {
		if m := seen(who, "/v1/financings", "DF-1"); has(m, "bound_wallet_id") != want {
			t.Fatalf("%s sees the dealer's purpose-bound wallet %v, want %v: %v", who, !want, want, m)
		}
	}
}
