package http_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"linkfin"
	"linkfin/engine"
	"linkfin/ledger"
	"linkfin/services"
)

// TestPlatformLedgersOverHTTP: the operator's raw ledger stays off the ledgers the
// platform keeps its accounts on (services.PlatformLedger: CNY's 156, ...). It neither
// closes an organization's wallet or a program's limit, nor creates an account on 156,
// nor moves money from a wallet, whatever ledger the transfer names (into an account
// of its own on 156 made before the fence neither), nor posts or
// voids a pending transfer on 156 whose id is below 2^62 (none of the platform's own
// are, since financings reserve theirs, but a hold of a financing accepted before
// ledger_base is), with or without a ledger: 422 ledger_reserved, and nothing changes.
// Before, the wallet was closed (200) and the domain's commands then met
// debit_account_closed. On ledger 1 the raw ledger works as before.
func TestPlatformLedgersOverHTTP(t *testing.T) {
	p := newPlatform(t)
	const reserved = string(ledger.LedgerReserved)
	wallet, limit := linkfin.WalletID("tier1", "CNY"), services.LimitID("auto-scf", "")
	funder := services.LimitID("auto-scf", "bank")
	for _, org := range []string{"tier1", "outsider"} { // their wallets
		p.submit(t, &services.RecordInboundPayment{Rail: "bank", InstructionID: "in-" + org, OrgID: org, Currency: "CNY", Amount: 10_00})
	}
	// A hold on the platform's ledger with an id below 2^62, as a financing accepted
	// before ledger_base placed: straight into the engine, as the platform does.
	const hold = 7
	if resp, err := p.engine.Submit(context.Background(), &engine.Request{CreateTransfers: []ledger.Transfer{{ID: hold, DebitAccountID: limit,
		CreditAccountID: funder, Amount: 1_00, Ledger: 156, Currency: "CNY", Code: 3, Flags: ledger.Pending}}}); err != nil || resp.Results[0] != ledger.OK {
		t.Fatalf("hold: %v %v", resp, err)
	}
	// A raw account on 156, as one made before the fence: straight into the engine.
	if resp, err := p.engine.Submit(context.Background(), &engine.Request{CreateAccounts: []ledger.Account{{ID: 903, Ledger: 156,
		Currency: "CNY", Code: 1}}}); err != nil || resp.Results[0] != ledger.OK {
		t.Fatalf("account 903: %v %v", resp, err)
	}
	before := map[int64]ledger.Account{}
	for _, id := range []int64{wallet, limit, funder, linkfin.WalletID("outsider", "CNY"), 903} {
		before[id] = p.account(id)
	}
	// Raw accounts on ledger 1.
	p.mustCreate("/v1/accounts", accountJSON(900, "CNY"))
	p.mustCreate("/v1/accounts", accountJSON(901, "CNY"))
	key := 0
	refuse := func(method, path, body string) {
		t.Helper()
		key++
		t.Run(strconv.Itoa(key), func(t *testing.T) { // each on its own: a refusal that fails does not hide the next
			wantProblem(t, p.as("operator", method, path, body, "Idempotency-Key", "raw-"+strconv.Itoa(key)), http.StatusUnprocessableEntity, reserved)
		})
	}
	refuse("POST", "/v1/accounts/"+strconv.FormatInt(linkfin.WalletID("outsider", "CNY"), 10)+"/close", "")
	refuse("POST", "/v1/accounts/"+strconv.FormatInt(wallet, 10)+"/close", "")
	refuse("POST", "/v1/accounts/"+strconv.FormatInt(limit, 10)+"/close", "")
	refuse("POST", "/v1/accounts", `{"id":"902","ledger":156,"currency":"CNY","code":1}`)
	// An account the platform has, as it is: not answered exists.
	refuse("POST", "/v1/accounts", `{"id":"`+strconv.FormatInt(wallet, 10)+`","ledger":156,"currency":"CNY","code":1,"flags":["debits_must_not_exceed_credits"]}`)
	for _, lg := range []int{156, 1} {
		refuse("POST", "/v1/transfers", `{"id":"910","debit_account_id":"`+strconv.FormatInt(wallet, 10)+`","credit_account_id":"900","amount":1,"ledger":`+
			strconv.Itoa(lg)+`,"currency":"CNY","code":1}`)
	}
	refuse("POST", "/v1/transfers", `{"id":"917","debit_account_id":"`+strconv.FormatInt(wallet, 10)+`","credit_account_id":"903","amount":1,`+
		`"ledger":156,"currency":"CNY","code":1}`)
	refuse("POST", "/v1/accounts/903/close", "")
	refuse("POST", "/v1/transfers", `{"id":"911","debit_account_id":"`+strconv.FormatInt(wallet, 10)+`","credit_account_id":"`+
		strconv.FormatInt(linkfin.WalletID("outsider", "CNY"), 10)+`","amount":1,"ledger":156,"currency":"CNY","code":1}`)
	// The hold, posted or voided with its ledger left out, or named.
	refuse("POST", "/v1/transfers", resolveJSON(912, hold, 0, "void_pending"))
	refuse("POST", "/v1/transfers", resolveJSON(913, hold, 0, "post_pending"))
	refuse("POST", "/v1/transfers", `{"id":"914","pending_id":"7","amount":0,"ledger":156,"flags":["void_pending"]}`)
	// In a batch: the chain it is linked into fails with it.
	var out struct{ Results []linkfin.ItemResult }
	wantJSON(t, p.as("operator", "POST", "/v1/transfers", batch(transferJSON(915, 900, 901, 5, "linked"), resolveJSON(916, hold, 0, "void_pending")),
		"Idempotency-Key", "raw-batch"), http.StatusOK, &out)
	wantResults(t, out.Results, []int64{915, 916}, string(ledger.LinkedEventFailed), reserved)
	for id, a := range before {
		if got := p.account(id); got != a {
			t.Fatalf("after the refusals: account %d is %+v, was %+v", id, got, a)
		}
	}
	for _, id := range []int64{910, 911, 917, 912, 913, 914, 915, 916} {
		if r := p.as("operator", "GET", "/v1/transfers/"+strconv.FormatInt(id, 10), ""); r.status != http.StatusNotFound {
			t.Fatalf("transfer %d: %d after the refusals\n%s", id, r.status, r.body)
		}
	}
	wantProblem(t, p.as("operator", "GET", "/v1/accounts/902", ""), http.StatusNotFound, linkfin.ENOTFOUND)
	// The domain's commands are not fenced: the bank's limit is granted as before.
	p.submit(t, &services.RecordInboundPayment{Rail: "bank", InstructionID: "after", OrgID: "tier1", Currency: "CNY", Amount: 1_00})
	if got := p.account(wallet); got.CreditsPosted != before[wallet].CreditsPosted+1_00 {
		t.Fatalf("tier1's wallet after a payment in: %+v", got)
	}
	// Ledger 1 works as before: a transfer, a hold, its posting and a close.
	p.mustCreate("/v1/transfers", transferJSON(920, 900, 901, 5))
	p.mustCreate("/v1/transfers", transferJSON(921, 900, 901, 5, "pending"))
	p.mustCreate("/v1/transfers", resolveJSON(922, 921, 0, "post_pending"))
	wantBalances(t, p.account(901), 0, 0, 0, 10)
	wantJSON(t, p.as("operator", "POST", "/v1/accounts/901/close", "", "Idempotency-Key", "close-901"), http.StatusOK, nil)
}
