package mt940_test

import (
	"fmt"
	"strings"

	"linkfin/mt940"
)

// ExampleRead reads a Sparkasse statement with one SEPA credit.
func ExampleRead() {
	const file = `:20:STARTUMSE
:25:10020030/1234567
:28C:00001/001
:60F:C261130EUR1000,00
:61:2612011201CR250,00NTRFNONREF//0724710333343453
:86:166?00GUTSCHRIFT?20EREF+INV-2026-042?21SVWZ+Rechnung 2026-042?30
BYLADEMM?31DE02120300000000202051?32Max Mustermann
:62F:C261201EUR1250,00
-`
	m, err := mt940.Read(strings.NewReader(file))
	if err != nil {
		fmt.Println(err)
		return
	}
	st := m.Statements[0]
	e := st.Entries[0]
	fmt.Println(m.Version, st.ID, st.Account.ID(), st.Account.Currency)
	fmt.Println(e.CreditDebit, e.Amount, e.ValueDate, e.AccountServicerReference)
	fmt.Println(e.EndToEndID, "|", e.RemittanceInformation, "|", e.Transactions[0].DebtorName, e.Transactions[0].DebtorAccount)
	// Output:
	// MT940 STARTUMSE/00001/001/2026-12-01 10020030/1234567 EUR
	// CRDT 25000 2026-12-01 0724710333343453
	// INV-2026-042 | Rechnung 2026-042 | Max Mustermann DE02120300000000202051
}
