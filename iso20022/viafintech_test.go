package iso20022_test

import (
	"bytes"
	"fmt"
	"linkfin/internal/shareddocs"
	"strings"
	"testing"

	"linkfin/iso20022"
)

// TestReadViafintech: the published statements, reports and notifications of
// viafintech/camt_parser read as their documents say, checked by eye: a camt.053.001.10
// statement of a Wise account that gives only its closing balance, an ING statement
// with six balances (two forward available ones) and a camt.054.001.04 notification
// of an account that states no currency. Each line is a balance or an entry, as
// type/amount/sign/date or amount/currency/sign/status/booking/value date and the
// number of its transactions.
func TestReadViafintech(t *testing.T) {
	for _, tc := range []struct {
		file, version, account string
		want                   []string
	}{
		{"viafintech-camt053.valid_example_with_datetime.xml", "camt.053.001.10", "11111111 USD Wise Payments Ltd.", []string{
			"CLBD 60680 CRDT 2023-07-07",
			"19586 USD CRDT BOOK 2023-06-21 - 0",
		}},
		{"viafintech-camt053.valid_example_with_batch.xml", "camt.053.001.02", "NL18INGB00012345678 EUR INGBNL2A", []string{
			"PRCD 732980 CRDT 2018-12-31", "OPBD 732980 CRDT 2019-01-01", "CLBD 2303820 CRDT 2019-06-23",
			"CLAV 2303820 CRDT 2019-06-23", "FWAV 2303820 CRDT 2019-06-24", "FWAV 2303820 CRDT 2019-06-25",
			"475374 EUR DBIT BOOK 2019-05-21 2019-05-21 0",
			"268800 EUR CRDT BOOK 2019-06-13 2019-06-13 1",
			"500000 EUR CRDT BOOK 2019-06-18 2019-06-18 1",
		}},
		{"viafintech-camt054.valid_example.xml", "camt.054.001.04", "CH0309000000250090342  ", []string{
			"2400 CHF CRDT BOOK 2016-04-10 2016-04-10 2",
			"5656 CHF CRDT BOOK 2016-04-10 2016-04-10 1",
			"600 CHF DBIT BOOK 2016-04-10 2016-04-10 1",
			"1553 CHF DBIT BOOK 2016-04-10 2016-04-10 1",
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			m, err := iso20022.ReadStatement(bytes.NewReader(shareddocs.Read(t, "iso20022/"+tc.file)))
			if err != nil {
				t.Fatal(err)
			}
			if m.Version != tc.version || len(m.Statements) != 1 {
				t.Fatalf("read %s with %d statements, want one %s", m.Version, len(m.Statements), tc.version)
			}
			s := m.Statements[0]
			id := s.Account.IBAN
			if id == "" {
				id = s.Account.Other
			}
			if got := fmt.Sprintf("%s %s %s", id, s.Account.Currency, s.Account.Servicer); got != tc.account {
				t.Errorf("account %q, want %q", got, tc.account)
			}
			date := func(d interface{ IsZero() bool }) string {
				if d.IsZero() {
					return "-"
				}
				return fmt.Sprint(d)
			}
			var got []string
			for _, b := range s.Balances {
				got = append(got, fmt.Sprintf("%s %d %s %s", b.Type, b.Amount, b.CreditDebit, date(b.Date)))
			}
			for _, e := range s.Entries {
				got = append(got, fmt.Sprintf("%d %s %s %s %s %s %d", e.Amount, e.Currency, e.CreditDebit, e.Status,
					date(e.BookingDate), date(e.ValueDate), len(e.Transactions)))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("read\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
