package iso20022_test

import (
	"bytes"
	"testing"

	"linkfin"
	"linkfin/internal/shareddocs"
	"linkfin/iso20022"
)

// TestReadSvapnil: the banks' published statements and status reports that
// svapnil/iso20022.js tests with (kept with the shared test documents under
// iso20022/svapnil; its NOTICE names them) read as their documents say: ABN AMRO's,
// ING's, Nordea's and Goldman Sachs's camt.053.001.02 statements, by their statements,
// entries and the entries' credits less debits in minor units (counted from the XML
// apart from linkfin), and Goldman Sachs's and Nordea's pain.002.001.03 reports by their
// group status, blocks and transactions. Cross River's reports write their namespace as
// an attribute "Xmlns", which XML does not read as one: a Document of no namespace, of
// no message linkfin reads.
func TestReadSvapnil(t *testing.T) {
	for _, c := range []struct {
		file                string
		statements, entries int
		net                 int64
	}{
		{"abn_amro-example_camt.xml", 1, 13, -900_00},
		{"ing-example_camt.xml", 1, 9, 605_00},
		{"nordea-example_camt.xml", 1, 6, 8600_00},
		{"goldman_sachs-camt_053_uk_v2_1.xml", 2, 6, -200_00},
		{"goldman_sachs-camt_053_uk_v2_2.xml", 2, 6, -200_00},
		{"goldman_sachs-camt_053_uk_v2_virtual_accounts.xml", 2, 6, -200_00},
		{"goldman_sachs-camt_053_us_v2_sample.xml", 1, 15, 30_94},
	} {
		m, err := iso20022.ReadStatement(bytes.NewReader(shareddocs.Read(t, "iso20022/svapnil/"+c.file)))
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
			continue
		}
		entries, net := 0, int64(0)
		for _, s := range m.Statements {
			for _, e := range s.Entries {
				entries++
				if e.CreditDebit == "CRDT" {
					net += e.Amount
				} else {
					net -= e.Amount
				}
			}
		}
		if m.Version != "camt.053.001.02" || len(m.Statements) != c.statements || entries != c.entries || net != c.net {
			t.Errorf("%s: %s, %d statements, %d entries netting %d; want camt.053.001.02, %d, %d, %d",
				c.file, m.Version, len(m.Statements), entries, net, c.statements, c.entries, c.net)
		}
	}
	for _, c := range []struct {
		file, group            string
		payments, transactions int
	}{
		{"goldman_sachs-pain_002_v3_accepted.xml", "", 1, 1},
		{"goldman_sachs-pain_002_v3_group_accepted.xml", "ACTC", 0, 0},
		{"goldman_sachs-pain_002_v3_payment_accepted.xml", "", 1, 0},
		{"nordea-pain_002_v3_group_reject.xml", "RJCT", 0, 0},
		{"nordea-pain_002_v3_payment_reject.xml", "", 1, 0},
		{"nordea-pain_002_v3_txn_reject.xml", "", 1, 2},
	} {
		r, err := iso20022.ReadStatusReport(bytes.NewReader(shareddocs.Read(t, "iso20022/svapnil/"+c.file)))
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
			continue
		}
		if r.Version != "pain.002.001.03" || r.GroupStatus != c.group || len(r.Payments) != c.payments || len(r.Transactions) != c.transactions {
			t.Errorf("%s: %s, group %q, %d blocks, %d transactions; want pain.002.001.03, %q, %d, %d",
				c.file, r.Version, r.GroupStatus, len(r.Payments), len(r.Transactions), c.group, c.payments, c.transactions)
		}
	}
	for _, f := range []string{"cross_river-pain_002_batch_rejected.xml", "cross_river-pain_002_credit_accepted.xml",
		"cross_river-pain_002_debit_accepted.xml", "cross_river-pain_002_transaction_rejected.xml"} {
		if _, err := iso20022.ReadStatusReport(bytes.NewReader(shareddocs.Read(t, "iso20022/svapnil/"+f))); linkfin.ErrorCode(err) != iso20022.EUNSUPPORTED {
			t.Errorf("%s: %v, want %s", f, err, iso20022.EUNSUPPORTED)
		}
	}
}
