package http_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"linkfin"
	"linkfin/ledger"
)

// TestShortWalletInTheAPIsWords: a wallet short of what a request would pay from it is
// refused exceeds_credits, saying whose wallet it is, in what currency, and what it
// would pay; never a ledger id (it named the transfer's, "ledger transfer
// 4047580371533930069: exceeds_credits").
func TestShortWalletInTheAPIsWords(t *testing.T) {
	p := newPlatform(t)
	for _, c := range []struct{ who, instruction, amount, want string }{
		{"anchor", "w-short", "999999999999999", "organization anchor's CNY wallet holds less than the 9999999999999.99 CNY it would pay"},
		{"outsider", "w-empty", "1", "organization outsider's CNY wallet holds less than the 0.01 CNY it would pay"},
	} {
		body := `{"rail":"bank","instruction_id":"` + c.instruction + `","currency":"CNY","amount":` + c.amount + `}`
		r := p.as(c.who, "POST", "/v1/payments/withdrawals", body, "Idempotency-Key", c.who+"-short")
		pr := wantProblem(t, r, http.StatusUnprocessableEntity, string(ledger.ExceedsCredits))
		// The ledger's ids of the wallet and of the payment's transfer.
		ids := []int64{linkfin.WalletID(c.who, "CNY"), linkfin.LedgerID("outbound/bank/" + c.who + "/" + c.instruction)}
		for _, id := range ids {
			if strings.Contains(pr.Detail, strconv.FormatInt(id, 10)) {
				t.Errorf("%s's withdrawal: %q names ledger id %d", c.who, pr.Detail, id)
			}
		}
		if pr.Detail != c.want || strings.Contains(pr.Detail, "ledger") {
			t.Errorf("%s's withdrawal: %q, want %q", c.who, pr.Detail, c.want)
		}
	}
}
