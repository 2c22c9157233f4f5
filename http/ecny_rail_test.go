package http_test

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// TestEarlyPaymentInECNY: an organization designates one of its own e-CNY wallets
// (its admin or finance); an early payment asked for on the e-CNY rail is refused with
// ecny_wallet_not_designated until both sides have, then paid from the anchor's wallet
// into the seller's. Another's wallet cannot be designated, and answers as a missing one.
func TestEarlyPaymentInECNY(t *testing.T) {
	p := newPlatform(t)
	due := linkfin.BusinessDate(p.clock.Now()).AddDays(30)
	p.submit(t, &services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "PO-3", Number: "PO-3", SellerID: "tier1", ProgramID: "auto-scf",
		Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "bolts", Quantity: 10, Unit: "box", UnitPrice: 1_000_00}}}})
	p.submit(t, &services.AcceptPurchaseOrder{Actor: "tier1", ID: "PO-3"})
	p.submit(t, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "GR-3", POID: "PO-3",
		Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: 10}}}})
	p.submit(t, &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-3", Number: "INV-3", BuyerID: "anchor", POID: "PO-3",
		Currency: "CNY", IssueDate: linkfin.BusinessDate(p.clock.Now()), DueDate: due,
		Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: 10, UnitPrice: 1_000_00, Amount: 10_000_00}}, Total: 10_000_00}})
	p.submit(t, &services.ApproveInvoice{Actor: "anchor", ID: "inv-3"})
	payable := linkfin.PayableID("inv-3")

	// The e-CNY rail is dynamic discounting's alone.
	wantProblem(t, p.as("tier1", "POST", "/v1/financings", `{"product":"certificate_discounting","program_id":"auto-scf","funder_id":"bank",`+
		`"asset_id":"C-1","rail":"ecny"}`, "Idempotency-Key", "r-0"), http.StatusBadRequest, linkfin.EINVALID)
	var q linkfin.Financing
	wantJSON(t, p.as("tier1", "POST", "/v1/financings", `{"product":"dynamic_discounting","program_id":"auto-scf","asset_id":"`+payable+`","rail":"ecny"}`,
		"Idempotency-Key", "r-1"), http.StatusCreated, &q)
	if q.Rail != linkfin.RailECNY {
		t.Fatalf("the quote: %+v", q)
	}
	accept := func(key string) reply {
		return p.as("tier1", "POST", "/v1/financings/"+q.ID+"/accept", "", "Idempotency-Key", key)
	}
	if pr := wantProblem(t, accept("a-1"), http.StatusUnprocessableEntity, linkfin.ENOECNYWALLET); !strings.Contains(pr.Detail, "anchor") {
		t.Fatalf("refused for another reason: %s", pr.Detail)
	}

	ctx := context.Background()
	corporate := func(org string) *linkfin.ECNYWallet {
		var w linkfin.ECNYWallet
		if err := p.engine.Run(ctx, &services.OpenECNYWallet{OrgID: org, In: linkfin.ECNYWalletIn{Limits: &linkfin.WalletLimits{
			Balance: 1_000_000_00, Payment: 100_000_00, Daily: 200_000_00, Yearly: 1_000_000_00}}}, &w); err != nil {
			t.Fatal(err)
		}
		return &w
	}
	anchorW, sellerW := corporate("anchor"), corporate("tier1")
	p.submit(t, &services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-ecny", OrgID: "anchor", Currency: "CNY", Amount: 20_000_00})
	p.submit(t, &services.MoveECNY{Actor: "anchor", ID: anchorW.ID, Op: "top-up", Amount: 20_000_00})

	designate := func(who, org, wallet, key string) reply {
		return p.as(who, "POST", "/v1/organizations/"+org+"/ecny-wallet", `{"wallet_id":"`+wallet+`"}`, "Idempotency-Key", key)
	}
	wantProblem(t, designate("anchor-viewer", "anchor", anchorW.ID, "d-0"), http.StatusForbidden, linkfin.EFORBIDDEN)
	// The outsider names the anchor's wallet as its own: not found, as a wallet that does not exist.
	theirs := problemOf(designate("outsider", "outsider", anchorW.ID, "d-1"))
	ghostly := problemOf(designate("outsider", "outsider", ghost, "d-2"))
	if theirs.Code != linkfin.ENOTFOUND || theirs.Detail != strings.ReplaceAll(ghostly.Detail, ghost, anchorW.ID) {
		t.Fatalf("another's wallet answers %+v, a missing one %+v", theirs, ghostly)
	}
	var org linkfin.Organization
	wantJSON(t, designate("anchor-finance", "anchor", anchorW.ID, "d-3"), http.StatusOK, &org)
	if org.ECNYWalletID != anchorW.ID {
		t.Fatalf("the anchor's designation: %+v", org)
	}
	if pr := wantProblem(t, accept("a-2"), http.StatusUnprocessableEntity, linkfin.ENOECNYWALLET); !strings.Contains(pr.Detail, "tier1") {
		t.Fatalf("refused for another reason: %s", pr.Detail)
	}
	wantJSON(t, designate("tier1", "tier1", sellerW.ID, "d-4"), http.StatusOK, nil)
	var paid linkfin.Financing
	wantJSON(t, accept("a-3"), http.StatusOK, &paid)
	if paid.Status != linkfin.FinancingSettled || paid.ECNYTransferID == 0 {
		t.Fatalf("the early payment: %+v", paid)
	}
	var seller linkfin.ECNYWalletOut
	wantJSON(t, p.as("tier1", "GET", "/v1/ecny-wallets/"+sellerW.ID, ""), http.StatusOK, &seller)
	if seller.Balance != q.Quote.Price {
		t.Fatalf("the seller's e-CNY wallet holds %d, want %d", seller.Balance, q.Quote.Price)
	}

	// An offer taken in one step chooses its rail as a request does, with the same field
	// and the same refusals.
	p.submit(t, &services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "PO-4", Number: "PO-4", SellerID: "tier1", ProgramID: "auto-scf",
		Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "nuts", Quantity: 4, Unit: "box", UnitPrice: 1_000_00}}}})
	p.submit(t, &services.AcceptPurchaseOrder{Actor: "tier1", ID: "PO-4"})
	p.submit(t, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "GR-4", POID: "PO-4",
		Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: 4}}}})
	p.submit(t, &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-4", Number: "INV-4", BuyerID: "anchor", POID: "PO-4",
		Currency: "CNY", IssueDate: linkfin.BusinessDate(p.clock.Now()), DueDate: due,
		Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: 4, UnitPrice: 1_000_00, Amount: 4_000_00}}, Total: 4_000_00}})
	p.submit(t, &services.ApproveInvoice{Actor: "anchor", ID: "inv-4"})
	price := q.Quote.Price * 4 / 10 // the same days early, four tenths of the face
	take := func(product, funder, asset, rail, key string) reply {
		return p.as("tier1", "POST", "/v1/offers/take", fmt.Sprintf(`{"product":%q,"program_id":"auto-scf","funder_id":%q,"asset_id":%q,"price":%d,"rail":%q}`,
			product, funder, asset, price, rail), "Idempotency-Key", key)
	}
	wantProblem(t, take("dynamic_discounting", "anchor", linkfin.PayableID("inv-4"), "bank", "t-1"), http.StatusBadRequest, linkfin.EINVALID)
	wantProblem(t, take("certificate_discounting", "bank", "C-1", "ecny", "t-2"), http.StatusBadRequest, linkfin.EINVALID)
	var taken linkfin.Financing
	wantJSON(t, take("dynamic_discounting", "anchor", linkfin.PayableID("inv-4"), "ecny", "t-3"), http.StatusCreated, &taken)
	if taken.Rail != linkfin.RailECNY || taken.Status != linkfin.FinancingSettled || taken.ECNYTransferID == 0 {
		t.Fatalf("the offer taken on the e-CNY rail: %+v", taken)
	}
	wantJSON(t, p.as("tier1", "GET", "/v1/ecny-wallets/"+sellerW.ID, ""), http.StatusOK, &seller)
	if seller.Balance != q.Quote.Price+price {
		t.Fatalf("the seller's e-CNY wallet holds %d, want %d", seller.Balance, q.Quote.Price+price)
	}
}

// TestConditionalPaymentInECNY: a conditional payment asked for on the e-CNY rail is
// refused with its code, changing nothing (a rail that is none, which keeps its
// Idempotency-Key unspent; no designated wallet; past the payer's single-payment and
// daily limits); locked, it
// is held in the payer's designated wallet and counts in its day's total; a goods
// receipt releases it into the payee's designated wallet, as an e-CNY payment both
// sides read; a payee's wallet without room makes the release wait, and the payment
// says why.
func TestConditionalPaymentInECNY(t *testing.T) {
	p := newPlatform(t)
	order := func(id string) {
		p.submit(t, &services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: id, Number: id, SellerID: "tier1", ProgramID: "auto-scf",
			Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "bolts", Quantity: 10, Unit: "box", UnitPrice: 100_00}}}})
		p.submit(t, &services.AcceptPurchaseOrder{Actor: "tier1", ID: id})
	}
	order("PO-E1")
	order("PO-E2")
	lock := func(rail string, amount int64, po, key string) reply {
		return p.as("anchor", "POST", "/v1/conditional-payments", fmt.Sprintf(`{"payee_id":"tier1","currency":"CNY","amount":%d,"rail":%q,`+
			`"condition":{"type":"goods_received","po_id":%q}}`, amount, rail, po), "Idempotency-Key", key)
	}
	base := p.snapshot()
	if pr := wantProblem(t, lock("bank", 1_000_00, "PO-E1", "c-1"), http.StatusBadRequest, linkfin.EINVALID); !strings.Contains(pr.Detail, "rail is ecny") {
		t.Fatalf("a rail that is none: %s", pr.Detail)
	}
	if pr := wantProblem(t, lock("ecny", 1_000_00, "PO-E1", "c-1"), http.StatusUnprocessableEntity, linkfin.ENOECNYWALLET); !strings.Contains(pr.Detail, "anchor") {
		t.Fatalf("refused for another reason: %s", pr.Detail)
	}
	if !reflect.DeepEqual(p.snapshot(), base) {
		t.Fatal("a refused lock changed the store")
	}
	ctx := context.Background()
	open := func(org string, limits *linkfin.WalletLimits) *linkfin.ECNYWallet {
		var w linkfin.ECNYWallet
		actor := org
		if limits != nil {
			actor = ""
		}
		if err := p.engine.Run(ctx, &services.OpenECNYWallet{Actor: actor, OrgID: org, In: linkfin.ECNYWalletIn{Limits: limits}}, &w); err != nil {
			t.Fatal(err)
		}
		p.submit(t, &services.DesignateECNYWallet{Actor: org, OrgID: org, WalletID: w.ID})
		return &w
	}
	anchorW := open("anchor", &linkfin.WalletLimits{Balance: 1_000_000_00, Payment: 5_000_00, Daily: 6_000_00, Yearly: 100_000_00})
	p.submit(t, &services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-ecny", OrgID: "anchor", Currency: "CNY", Amount: 20_000_00})
	p.submit(t, &services.MoveECNY{Actor: "anchor", ID: anchorW.ID, Op: "top-up", Amount: 20_000_00})
	small := open("tier1", nil) // class IV: holds 1,000.00 at most
	base = p.snapshot()
	wantProblem(t, lock("ecny", 6_000_01, "PO-E1", "c-5"), http.StatusUnprocessableEntity, linkfin.EWALLETPAYMENT)
	if !reflect.DeepEqual(p.snapshot(), base) {
		t.Fatal("a refused lock changed the store")
	}

	var cp linkfin.ConditionalPayment
	wantJSON(t, lock("ecny", 4_000_00, "PO-E1", "c-6"), http.StatusCreated, &cp)
	if cp.Rail != linkfin.RailECNY || cp.Status != linkfin.ConditionalLocked || cp.ECNY == nil {
		t.Fatalf("locked on the e-CNY rail: %+v", cp)
	}
	wallet := func(who string, w *linkfin.ECNYWallet) linkfin.ECNYWalletOut {
		var out linkfin.ECNYWalletOut
		wantJSON(t, p.as(who, "GET", "/v1/ecny-wallets/"+w.ID, ""), http.StatusOK, &out)
		return out
	}
	if w := wallet("anchor", anchorW); w.Balance != 20_000_00 || w.Held != 4_000_00 || w.PaidToday != 4_000_00 {
		t.Fatalf("the anchor's wallet after the lock: %+v", w)
	}
	wantProblem(t, lock("ecny", 2_000_01, "PO-E2", "c-2"), http.StatusUnprocessableEntity, linkfin.EWALLETDAILY)

	// All goods accepted: 4,000.00 due, and the payee's wallet may hold 1,000.00.
	receive := func(po, key string) {
		wantJSON(t, p.as("anchor", "POST", "/v1/goods-receipts", `{"po_id":"`+po+`","lines":[{"line_id":"1","accepted":10,"rejected":0}]}`,
			"Idempotency-Key", key), http.StatusCreated, nil)
	}
	receive("PO-E1", "gr-1")
	wantJSON(t, p.as("tier1", "GET", "/v1/conditional-payments/"+cp.ID, ""), http.StatusOK, &cp)
	if cp.Status != linkfin.ConditionalLocked || cp.Waiting == nil || cp.Waiting.Code != linkfin.EWALLETBALANCE || cp.Waiting.Amount != 4_000_00 ||
		strings.Contains(cp.Waiting.Reason, small.ID) {
		t.Fatalf("a release the payee's wallet has no room for: %+v", cp)
	}
	// The payer reads that the release waits, its amount and code, in the payment, its
	// list and its history, but none of the payee's wallet's figures: its id, its room
	// (1,000.00) or its limit (1,000.00, which it holds none of). The payee reads them
	// of its own wallet.
	for _, path := range []string{"/v1/conditional-payments/" + cp.ID, "/v1/conditional-payments", "/v1/conditional-payments/" + cp.ID + "/events"} {
		for _, who := range []string{"anchor", "tier1"} {
			r := p.as(who, "GET", path, "")
			if r.status != http.StatusOK || !strings.Contains(string(r.body), "the payee's e-CNY wallet cannot be paid this amount now") {
				t.Fatalf("%s reads %s: %d %s", who, path, r.status, r.body)
			}
			for _, figure := range []string{small.ID, "1000.00", "1,000.00"} {
				if strings.Contains(string(r.body), figure) {
					t.Fatalf("%s reads %q of the payee's wallet in %s: %s", who, figure, path, r.body)
				}
			}
		}
	}
	if w := wallet("tier1", small); w.Limits.Balance != 1_000_00 || w.Balance != 0 {
		t.Fatalf("the payee's wallet, as it reads it: %+v", w)
	}
	wantProblem(t, p.as("anchor", "GET", "/v1/ecny-wallets/"+small.ID, ""), http.StatusNotFound, linkfin.ENOTFOUND)

	// Released into the payee's wallet once it designates one with room.
	big := open("tier1", &linkfin.WalletLimits{Balance: 1_000_000_00, Payment: 5_000_00, Daily: 6_000_00, Yearly: 100_000_00})
	order("PO-E3")
	var other linkfin.ConditionalPayment
	wantJSON(t, lock("ecny", 1_000_00, "PO-E3", "c-4"), http.StatusCreated, &other)
	receive("PO-E3", "gr-3") // its release, and the waiting one's the next time its order moves
	p.submit(t, &services.SettleConditionalPayment{ID: cp.ID})
	wantJSON(t, p.as("anchor", "GET", "/v1/conditional-payments/"+cp.ID, ""), http.StatusOK, &cp)
	if cp.Status != linkfin.ConditionalReleased || cp.Waiting != nil || cp.Moves[1].ECNYPaymentID == "" {
		t.Fatalf("released: %+v", cp)
	}
	var paid linkfin.ECNYPayment
	wantJSON(t, p.as("tier1", "GET", "/v1/ecny-payments/"+cp.Moves[1].ECNYPaymentID, ""), http.StatusOK, &paid)
	if paid.For != linkfin.ECNYForConditional || paid.ConditionalPaymentID != cp.ID || paid.Amount != 4_000_00 || paid.From != "" || paid.To != "" {
		t.Fatalf("the release's e-CNY payment: %+v", paid)
	}
	if w := wallet("tier1", big); w.Balance != 5_000_00 {
		t.Fatalf("the payee's wallet: %+v", w)
	}
	if w := wallet("anchor", anchorW); w.Balance != 15_000_00 || w.Held != 0 || w.PaidToday != 5_000_00 {
		t.Fatalf("the anchor's wallet after the releases: %+v", w)
	}

	// The next day, a milestone confirmed by tier2 makes due a release tier1's small
	// wallet, designated again, has no room for: the confirmer's answer, and its read,
	// say the release waits, with none of that wallet's figures.
	p.clock.Advance(24 * time.Hour)
	p.submit(t, &services.DesignateECNYWallet{Actor: "tier1", OrgID: "tier1", WalletID: small.ID})
	var ms linkfin.ConditionalPayment
	wantJSON(t, p.as("anchor", "POST", "/v1/conditional-payments", `{"payee_id":"tier1","currency":"CNY","amount":100001,"rail":"ecny",`+
		`"condition":{"type":"milestone","milestone":"tooling installed","confirmer_id":"tier2"}}`, "Idempotency-Key", "c-7"), http.StatusCreated, &ms)
	for _, r := range []reply{p.as("tier2", "POST", "/v1/conditional-payments/"+ms.ID+"/confirm", "", "Idempotency-Key", "ms-1"),
		p.as("tier2", "GET", "/v1/conditional-payments/"+ms.ID, "")} {
		wantJSON(t, r, http.StatusOK, &ms)
		if w := ms.Waiting; w == nil || w.Amount != 1_000_01 || w.Code != linkfin.EWALLETBALANCE ||
			w.Reason != "milestone confirmed by tier2; the payee's e-CNY wallet cannot be paid this amount now" {
			t.Fatalf("the confirmer reads the waiting release as %+v", w)
		}
		for _, figure := range []string{small.ID, "1000.00", "1,000.00"} {
			if strings.Contains(string(r.body), figure) {
				t.Fatalf("the confirmer reads %q of the payee's wallet: %s", figure, r.body)
			}
		}
	}
}
