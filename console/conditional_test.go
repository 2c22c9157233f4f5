package console

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

// TestConditionalPayments: a conditional payment's page shows its condition and its
// progress, released and still locked, with each move's reason, in both languages; the
// list shows it to its parties and no one else; the named party confirms a milestone
// from its page, and a cancellation needs both sides, each from the page.
func TestConditionalPayments(t *testing.T) {
	s := newSite(t)
	s.run(&services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-cp", OrgID: "anchor", Currency: "CNY", Amount: 1_000_000_00})
	s.run(&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "PO-cp", Number: "PO-cp", SellerID: "tier1",
		ProgramID: "auto-scf", Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "brake disc", Quantity: 100, Unit: "EA", UnitPrice: 1_000_00}}}})
	s.run(&services.AcceptPurchaseOrder{Actor: "tier1", ID: "PO-cp"})
	lock := func(in linkfin.ConditionalPaymentIn) string {
		var p linkfin.ConditionalPayment
		if err := json.Unmarshal(s.run(&services.CreateConditionalPayment{Actor: "anchor", In: in}), &p); err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	pr := lock(linkfin.ConditionalPaymentIn{PayeeID: "tier1", Currency: "CNY", Amount: 80_000_00,
		Condition: linkfin.ConditionIn{Type: linkfin.ConditionGoodsReceived, POID: "PO-cp", Release: linkfin.ReleaseProRata}})
	s.run(&services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{POID: "PO-cp", Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: 25}}}})

	tier1 := s.as("tier1", linkfin.RoleAdmin)
	if code, page := tier1.get("/conditional-payments"); code != http.StatusOK || !strings.Contains(page, `href="/conditional-payments/`+pr+`"`) ||
		!strings.Contains(page, `<td class="rail">Platform wallets</td>`) {
		t.Fatalf("the payee's list: %d\n%s", code, page)
	}
	code, page := tier1.get("/conditional-payments/" + pr)
	for _, want := range []string{"Goods of purchase order PO-cp accepted, released pro rata", `id="released">CNY 20,000.00<`,
		`id="remaining">CNY 60,000.00<`, "25.00% of purchase order PO-cp", "partly released"} {
		if code != http.StatusOK || !strings.Contains(page, want) {
			t.Fatalf("the payment's page has no %q: %d\n%s", want, code, page)
		}
	}
	zh := s.browser()
	if code, body := zh.signIn(s.user("tier1", linkfin.RoleViewer, "zh-CN"), password, ""); code != http.StatusSeeOther {
		t.Fatalf("signing in: %d\n%s", code, body)
	}
	if _, page := zh.get("/conditional-payments/" + pr); !strings.Contains(page, "采购订单 PO-cp 的货物验收，按比例释放") || !strings.Contains(page, "仍锁定") {
		t.Fatalf("the page in Chinese:\n%s", page)
	} else if d := isoDate.FindString(text(page)); d != "" || !strings.Contains(page, "<td>"+Moment(Chinese, s.clock.Now())+"</td>") {
		// Its moves (the lock, the release) are dated as Chinese writes a day, at a
		// time in Beijing, saying so.
		t.Fatalf("the page in Chinese writes the date %q as the wire does, or its moves not as %q:\n%s", d, Moment(Chinese, s.clock.Now()), page)
	}
	stranger := s.as("tier2", linkfin.RoleAdmin)
	if code, _ := stranger.get("/conditional-payments/" + pr); code != http.StatusNotFound {
		t.Fatalf("a stranger reads the payment: %d", code)
	}
	if _, page := stranger.get("/conditional-payments"); strings.Contains(page, pr) {
		t.Fatalf("a stranger lists the payment:\n%s", page)
	}

	// An advance paid on receipt: its financing's page links to the payment.
	s.run(&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "PO-adv", Number: "PO-adv", SellerID: "tier1",
		ProgramID: "auto-scf", Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "hub", Quantity: 10, Unit: "EA", UnitPrice: 1_000_00}}}})
	s.run(&services.AcceptPurchaseOrder{Actor: "tier1", ID: "PO-adv"})
	s.run(&services.RequestPOFinancing{Actor: "tier1", ID: "F-adv", POID: "PO-adv", ProgramID: "auto-scf", FunderID: "bank",
		Disbursement: linkfin.DisburseOnReceipt})
	s.run(&services.AcceptPOFinancing{Actor: "tier1", ID: "F-adv", POID: "PO-adv"})
	var adv linkfin.Financing
	if err := json.Unmarshal(s.run(&services.DisburseFinancing{Actor: "bank", ID: "F-adv"}), &adv); err != nil || adv.ConditionalPaymentID == "" {
		t.Fatalf("the advance: %+v, %v", adv, err)
	}
	if _, page := tier1.get("/financings/F-adv"); !strings.Contains(page, `<a href="/conditional-payments/`+adv.ConditionalPaymentID+`">`) {
		t.Fatalf("the financing's page has no link to its conditional payment:\n%s", page)
	}
	if _, page := tier1.get("/conditional-payments/" + adv.ConditionalPaymentID); !strings.Contains(page, `href="/financings/F-adv"`) {
		t.Fatalf("the payment's page has no link to its financing:\n%s", page)
	}

	// A milestone tier2 confirms, from the page.
	ms := lock(linkfin.ConditionalPaymentIn{PayeeID: "tier1", Currency: "CNY", Amount: 5_000_00,
		Condition: linkfin.ConditionIn{Type: linkfin.ConditionMilestone, Milestone: "tooling installed", ConfirmerID: "tier2"}})
	if _, page := tier1.get("/conditional-payments/" + ms); strings.Contains(page, "/confirm") {
		t.Fatalf("the payee is offered the confirmation:\n%s", page)
	}
	// The lock moves money between the payer's wallet and the payee's: the payer and
	// the payee see its transfer, the confirmer, who reads neither wallet, does not.
	var locked linkfin.ConditionalPayment
	if o, err := s.store.Object(context.Background(), linkfin.KindConditionalPayment, ms); err != nil || json.Unmarshal(o.Data, &locked) != nil {
		t.Fatalf("the milestone payment: %v", err)
	}
	transfer := "<td>" + strconv.FormatInt(int64(locked.Lock), 10) + "</td>"
	for who, c := range map[string]*client{"anchor": s.as("anchor", linkfin.RoleAdmin), "tier1": tier1, "tier2": stranger} {
		if _, page := c.get("/conditional-payments/" + ms); strings.Contains(page, transfer) != (who != "tier2") {
			t.Fatalf("%s sees the lock's transfer %v:\n%s", who, who == "tier2", page)
		}
	}
	_, page = stranger.get("/conditional-payments/" + ms)
	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {randomToken()}}
	if code, body := stranger.post("/conditional-payments/"+ms+"/confirm", form); code != http.StatusSeeOther {
		t.Fatalf("confirming: %d\n%s", code, body)
	}
	if _, page := tier1.get("/conditional-payments/" + ms); !strings.Contains(page, `id="released">CNY 5,000.00<`) || !strings.Contains(page, "milestone confirmed by tier2") {
		t.Fatalf("after the confirmation:\n%s", page)
	}

	// A cancellation: the payer asks, the payee agrees; then it is closed.
	cc := lock(linkfin.ConditionalPaymentIn{PayeeID: "tier1", Currency: "CNY", Amount: 3_000_00,
		Condition: linkfin.ConditionIn{Type: linkfin.ConditionInvoiceApproved, InvoiceID: "inv-1"}})
	anchor := s.as("anchor", linkfin.RoleAdmin)
	cancel := func(c *client) (int, string) {
		_, page := c.get("/conditional-payments/" + cc)
		return c.post("/conditional-payments/"+cc+"/cancel", url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {randomToken()}})
	}
	if code, body := cancel(anchor); code != http.StatusSeeOther {
		t.Fatalf("the payer asks to cancel: %d\n%s", code, body)
	}
	if _, page := tier1.get("/conditional-payments/" + cc); !strings.Contains(page, "anchor asked to cancel") || !strings.Contains(page, "Agree to cancel") {
		t.Fatalf("the payee's page after the request:\n%s", page)
	}
	if code, body := cancel(tier1); code != http.StatusSeeOther {
		t.Fatalf("the payee agrees: %d\n%s", code, body)
	}
	if _, page := anchor.get("/conditional-payments/" + cc); !strings.Contains(page, `id="refunded">CNY 3,000.00<`) || !strings.Contains(page, "cancelled by the payer and the payee") {
		t.Fatalf("after the cancellation:\n%s", page)
	}
	// Refused as the API refuses it: 409, with its code.
	if code, body := cancel(anchor); code != http.StatusConflict ||
		!strings.Contains(body, "<code>conditional_payment_closed</code>") {
		t.Fatalf("a closed payment cancelled again: %d, want 409\n%s", code, body)
	}
}

// TestConditionalPaymentInECNYPage: a conditional payment on the e-CNY rail shows its
// rail and the day its payer's limits count it in, and a release waiting for room in
// the payee's wallet says so, with why: to the payee with its wallet's room and limit,
// to the payer with none of them.
func TestConditionalPaymentInECNYPage(t *testing.T) {
	s := newSite(t)
	s.run(&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "PO-e", Number: "PO-e", SellerID: "tier1",
		ProgramID: "auto-scf", Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "brake disc", Quantity: 10, Unit: "EA", UnitPrice: 500_00}}}})
	s.run(&services.AcceptPurchaseOrder{Actor: "tier1", ID: "PO-e"})
	var anchorW, tier1W linkfin.ECNYWallet
	if err := json.Unmarshal(s.run(&services.OpenECNYWallet{OrgID: "anchor", In: linkfin.ECNYWalletIn{Limits: &linkfin.WalletLimits{
		Balance: 1_000_000_00, Payment: 100_000_00, Daily: 100_000_00, Yearly: 1_000_000_00}}}), &anchorW); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(s.run(&services.OpenECNYWallet{Actor: "tier1", OrgID: "tier1"}), &tier1W); err != nil {
		t.Fatal(err)
	}
	s.run(&services.DesignateECNYWallet{Actor: "anchor", OrgID: "anchor", WalletID: anchorW.ID})
	s.run(&services.DesignateECNYWallet{Actor: "tier1", OrgID: "tier1", WalletID: tier1W.ID})
	s.run(&services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-e", OrgID: "anchor", Currency: "CNY", Amount: 5_000_00})
	s.run(&services.MoveECNY{Actor: "anchor", ID: anchorW.ID, Op: "top-up", Amount: 5_000_00})
	var p linkfin.ConditionalPayment
	if err := json.Unmarshal(s.run(&services.CreateConditionalPayment{Actor: "anchor", In: linkfin.ConditionalPaymentIn{PayeeID: "tier1",
		Currency: "CNY", Amount: 5_000_00, Rail: linkfin.RailECNY, Condition: linkfin.ConditionIn{Type: linkfin.ConditionGoodsReceived, POID: "PO-e"}}}), &p); err != nil {
		t.Fatal(err)
	}
	s.run(&services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{POID: "PO-e", Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: 10}}}})
	// The list names each payment's rail.
	if code, page := s.as("anchor", linkfin.RoleAdmin).get("/conditional-payments"); code != http.StatusOK ||
		!strings.Contains(page, `<td class="rail">e-CNY</td>`) {
		t.Fatalf("the list does not show the e-CNY rail: %d\n%s", code, page)
	}
	code, page := s.as("tier1", linkfin.RoleAdmin).get("/conditional-payments/" + p.ID)
	for _, want := range []string{`id="rail">e-CNY: held in the payer&#39;s designated wallet, counted in its limits of 2 Nov 2026 (China Standard Time)`,
		`id="waiting">CNY 5,000.00 is due but waits for room in the payee&#39;s e-CNY wallet: goods receipt`,
		"the payee&#39;s e-CNY wallet cannot be paid this amount now", "release waiting",
		`id="room">The payee&#39;s designated e-CNY wallet may hold CNY 1,000.00 more now (its balance limit is CNY 1,000.00): <a href="/ecny/` + tier1W.ID + `">`} {
		if code != http.StatusOK || !strings.Contains(page, want) {
			t.Fatalf("the payee's page of the payment has no %q: %d\n%s", want, code, page)
		}
	}
	// The operator sees every record whole: the payee's room too.
	if code, page := s.as("", linkfin.RoleOperator).get("/conditional-payments/" + p.ID); code != http.StatusOK ||
		!strings.Contains(page, `id="room">The payee&#39;s designated e-CNY wallet may hold CNY 1,000.00 more now`) {
		t.Fatalf("the operator's page of the payment: %d\n%s", code, page)
	}
	// The payer reads that the release waits, but none of the payee's wallet's
	// figures.
	code, page = s.as("anchor", linkfin.RoleAdmin).get("/conditional-payments/" + p.ID)
	if code != http.StatusOK || !strings.Contains(page, "the payee&#39;s e-CNY wallet cannot be paid this amount now") {
		t.Fatalf("the payer's page of the payment: %d\n%s", code, page)
	}
	for _, figure := range []string{tier1W.ID, `id="room"`, "1,000.00", "1000.00"} {
		if strings.Contains(page, figure) {
			t.Fatalf("the payer's page of the payment shows %q of the payee's wallet:\n%s", figure, page)
		}
	}
	// The payer's wallet page shows what the payment holds of it.
	if code, page := s.as("anchor", linkfin.RoleAdmin).get("/ecny/" + anchorW.ID); code != http.StatusOK || !strings.Contains(page, `id="held">CNY 5,000.00<`) {
		t.Fatalf("the payer's wallet page: %d\n%s", code, page)
	}
}
