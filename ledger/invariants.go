package ledger

import (
	"fmt"
	"math/big"
	"sort"
)

// Balance totals one ledger and currency.
type Balance struct {
	Ledger         uint32
	Currency       string
	DebitsPending  *big.Int
	DebitsPosted   *big.Int
	CreditsPending *big.Int
	CreditsPosted  *big.Int
}

// Checker accumulates accounts and reports every broken invariant (DESIGN §3, 1–2):
// per ledger and currency, debits equal credits, pending and posted separately; no
// account breaks its balance-limit flag; no balance is negative.
type Checker struct {
	totals   map[string]*Balance
	problems []string
	accounts int
}

// NewChecker returns an empty checker.
func NewChecker() *Checker { return &Checker{totals: make(map[string]*Balance)} }

// Add checks one account and adds it to the totals.
func (c *Checker) Add(a *Account) {
	c.accounts++
	key := fmt.Sprintf("%d/%s", a.Ledger, a.Currency)
	b := c.totals[key]
	if b == nil {
		b = &Balance{Ledger: a.Ledger, Currency: a.Currency,
			DebitsPending: new(big.Int), DebitsPosted: new(big.Int),
			CreditsPending: new(big.Int), CreditsPosted: new(big.Int)}
		c.totals[key] = b
	}
	b.DebitsPending.Add(b.DebitsPending, big.NewInt(a.DebitsPending))
	b.DebitsPosted.Add(b.DebitsPosted, big.NewInt(a.DebitsPosted))
	b.CreditsPending.Add(b.CreditsPending, big.NewInt(a.CreditsPending))
	b.CreditsPosted.Add(b.CreditsPosted, big.NewInt(a.CreditsPosted))
	if a.DebitsPending < 0 || a.DebitsPosted < 0 || a.CreditsPending < 0 || a.CreditsPosted < 0 {
		c.problems = append(c.problems, fmt.Sprintf("account %d: negative balance field", a.ID))
	}
	if a.Flags&DebitsMustNotExceedCredits != 0 && a.DebitsPending+a.DebitsPosted > a.CreditsPosted {
		c.problems = append(c.problems, fmt.Sprintf("account %d: debits %d exceed credits %d",
			a.ID, a.DebitsPending+a.DebitsPosted, a.CreditsPosted))
	}
	if a.Flags&CreditsMustNotExceedDebits != 0 && a.CreditsPending+a.CreditsPosted > a.DebitsPosted {
		c.problems = append(c.problems, fmt.Sprintf("account %d: credits %d exceed debits %d",
			a.ID, a.CreditsPending+a.CreditsPosted, a.DebitsPosted))
	}
}

// Totals returns the per-ledger totals, sorted by ledger and currency.
func (c *Checker) Totals() []Balance {
	out := make([]Balance, 0, len(c.totals))
	for _, b := range c.totals {
		out = append(out, *b)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Ledger != out[j].Ledger {
			return out[i].Ledger < out[j].Ledger
		}
		return out[i].Currency < out[j].Currency
	})
	return out
}

// Problems returns every broken invariant found; empty means the ledger is sound.
func (c *Checker) Problems() []string {
	p := append([]string(nil), c.problems...)
	for _, b := range c.Totals() {
		if b.DebitsPending.Cmp(b.CreditsPending) != 0 {
			p = append(p, fmt.Sprintf("ledger %d %s: pending debits %s != pending credits %s",
				b.Ledger, b.Currency, b.DebitsPending, b.CreditsPending))
		}
		if b.DebitsPosted.Cmp(b.CreditsPosted) != 0 {
			p = append(p, fmt.Sprintf("ledger %d %s: posted debits %s != posted credits %s",
				b.Ledger, b.Currency, b.DebitsPosted, b.CreditsPosted))
		}
	}
	return p
}

// Accounts is the number of accounts checked.
func (c *Checker) Accounts() int { return c.accounts }
