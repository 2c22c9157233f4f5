package http_test

import (
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"

	"linkfin"
	"linkfin/iso20022"
)

// postMT sends a bank's SWIFT MT statement or report as the operator.
func (a *api) postMT(doc string, headers ...string) reply {
	a.t.Helper()
	return a.do("POST", "/v1/bank-statements", doc, append([]string{"Content-Type", "text/plain"}, headers...)...)
}

// TestBankStatementsMT940: a bank's MT940 statements and MT942 intraday reports import
// as its camt messages do. A real bank's file imports each statement with each entry,
// once; an MT942 that reports a credit during the day books it into the wallet it was
// expected in, by the end-to-end id its :86: quotes, and the day's MT940 that states it
// again finds it booked by its bank reference; the same file twice changes nothing; a
// file that is not one, or one whose entry is malformed, is refused with its code and
// changes nothing. The database verifies.
func TestBankStatementsMT940(t *testing.T) {
	p := newPlatform(t)
	ing, err := os.ReadFile("../mt940/testdata/wolph/jejik/ing.sta")
	if err != nil {
		t.Fatal(err)
	}
	var imp linkfin.BankStatementImport
	wantJSON(t, p.postMT(string(ing)), http.StatusOK, &imp)
	if len(imp.Statements) != 1 || imp.Version != "MT940" {
		t.Fatalf("ING's statement: %+v", imp)
	}
	st := imp.Statements[0]
	if st.Account != "0001234567" || st.Currency != "EUR" || st.OpeningBalance == nil || *st.OpeningBalance != 0 ||
		st.ClosingBalance == nil || *st.ClosingBalance != 3_47 || st.Unmatched+st.NotBooked != 7 {
		t.Fatalf("ING's statement: %+v", st)
	}
	base := p.snapshot()
	wantJSON(t, p.postMT(string(ing), "Content-Type", "text/plain; charset=UTF-8"), http.StatusOK, &imp)
	if !imp.Replayed || !reflect.DeepEqual(p.snapshot(), base) {
		t.Fatalf("the statement again: %+v", imp)
	}

	var ep linkfin.ExpectedPayment
	wantJSON(t, p.as("anchor", "POST", "/v1/expected-payments", `{"currency":"CNY","amount":50000,"date":"2026-11-04"}`), http.StatusCreated, &ep)
	wallet := func() int64 {
		a := p.account(linkfin.WalletID("anchor", "CNY"))
		return a.CreditsPosted - a.DebitsPosted
	}
	before := wallet()
	intraday := ":20:INTRA-1104\r\n:25:6222000011112222\r\n:28C:00001/001\r\n:34F:CNY0,00\r\n:13D:2611041200+0800\r\n" +
		":61:2611041104C500,00NTRFNONREF//BANK-REF-77\r\n:86:/EREF/" + ep.ID + "/REMI/ORDER 4711/NAME/CORE AUTO GROUP/\r\n" +
		":90C:1CNY500,00\r\n-\r\n"
	wantJSON(t, p.postMT(intraday), http.StatusOK, &imp)
	if st := imp.Statements[0]; imp.Version != "MT942" || st.Version != "MT942" || st.Matched != 1 || st.OpeningBalance != nil {
		t.Fatalf("the intraday report: %+v", imp)
	}
	if wallet() != before+500_00 {
		t.Fatalf("the wallet moved by %d", wallet()-before)
	}
	wantJSON(t, p.as("anchor", "GET", "/v1/expected-payments/"+ep.ID, ""), http.StatusOK, &ep)
	if ep.Status != linkfin.ExpectedPaymentReceived {
		t.Fatalf("the expected payment: %+v", ep)
	}
	statement := "{1:F01ICBKCNBJAXXX0000000000}{2:O9401200261104ICBKCNBJAXXX00000000002611041200N}{4:\r\n" +
		":20:STMT-1104\r\n:25:6222000011112222\r\n:28C:00310/001\r\n:60F:C261103CNY1000,00\r\n" +
		":61:2611041104C500,00NTRFNONREF//BANK-REF-77\r\n:86:/EREF/" + ep.ID + "/REMI/ORDER 4711/\r\n" +
		":61:2611041104C7,00NTRFNONREF//BANK-REF-78\r\n:86:NO IDEA\r\n" +
		":62F:C261104CNY1507,00\r\n-}"
	wantJSON(t, p.postMT(statement), http.StatusOK, &imp)
	if st := imp.Statements[0]; imp.Replayed || st.Version != "MT940" || st.Duplicates != 1 || st.Unmatched != 1 ||
		st.OpeningBalance == nil || *st.OpeningBalance != 1000_00 || st.ClosingBalance == nil || *st.ClosingBalance != 1507_00 {
		t.Fatalf("the day's statement: %+v", imp)
	}
	if wallet() != before+500_00 {
		t.Fatalf("the wallet moved by %d", wallet()-before)
	}

	// A Chinese bank's export in GB18030, its charset named: its Chinese reads as such.
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(":20:CMB-1204\r\n:25:755912345610001\r\n:28C:00338/001\r\n:60F:C261203CNY0,00\r\n" +
		":61:2612041204C2500,00NTRFNONREF//CMB0012345\r\n:86:货款 PO-4711 上海安亭汽车零部件有限公司\r\n:62F:C261204CNY2500,00\r\n-\r\n")
	if err != nil {
		t.Fatal(err)
	}
	wantJSON(t, p.postMT(gb, "Content-Type", "text/plain; charset=GB18030"), http.StatusOK, &imp)
	var entries linkfin.List[linkfin.BankEntry]
	wantJSON(t, p.as("operator", "GET", "/v1/bank-statements/"+imp.Statements[0].ID+"/entries", ""), http.StatusOK, &entries)
	if len(entries.Data) != 1 || entries.Data[0].RemittanceInformation != "货款 PO-4711 上海安亭汽车零部件有限公司" {
		t.Fatalf("the Chinese bank's entry: %+v", entries.Data)
	}
	wantProblem(t, p.postMT(gb, "Content-Type", "text/plain; charset=utf-8"), http.StatusBadRequest, linkfin.EINVALID)

	// A Polish bank's export in windows-1250, its charset named.
	pl, err := charmap.Windows1250.NewEncoder().String(":20:PKO-1204\r\n:25:PL61109010140000071219812874\r\n:28C:00338/001\r\n:60F:C261203CNY0,00\r\n" +
		":61:2612041204C2500,00NTRFNONREF//PKO0012345\r\n:86:Zapłata za fakturę FV/2026/12/001 Łódź\r\n:62F:C261204CNY2500,00\r\n-\r\n")
	if err != nil {
		t.Fatal(err)
	}
	wantJSON(t, p.postMT(pl, "Content-Type", "text/plain; charset=windows-1250"), http.StatusOK, &imp)
	wantJSON(t, p.as("operator", "GET", "/v1/bank-statements/"+imp.Statements[0].ID+"/entries", ""), http.StatusOK, &entries)
	if len(entries.Data) != 1 || entries.Data[0].RemittanceInformation != "Zapłata za fakturę FV/2026/12/001 Łódź" {
		t.Fatalf("the Polish bank's entry: %+v", entries.Data)
	}

	// Refusals, with their codes; nothing changes.
	base = p.snapshot()
	for _, c := range []struct {
		body   string
		status int
		code   string
		about  string
	}{
		{"Dear customer, your statement is attached.", http.StatusUnprocessableEntity, iso20022.EUNSUPPORTED, "MT940"},
		{`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"/>`, http.StatusUnprocessableEntity, iso20022.EUNSUPPORTED, ""},
		{strings.Replace(statement, "C500,00NTRF", "C500,001NTRF", 1), http.StatusBadRequest, linkfin.EINVALID, ":61:"},
		{strings.Replace(statement, ":60F:C261103CNY1000,00\r\n", "", 1), http.StatusBadRequest, linkfin.EINVALID, ":60F:"},
		{strings.Replace(statement, "C261104CNY1507,00", "C261104EUR1507,00", 1), http.StatusBadRequest, linkfin.EINVALID, ""},
	} {
		prob := wantProblem(t, p.postMT(c.body), c.status, c.code)
		if !strings.Contains(prob.Detail, c.about) {
			t.Errorf("%q: %q does not say %s", c.body, prob.Detail, c.about)
		}
	}
	wantProblem(t, p.postMT(""), http.StatusBadRequest, "missing_field")
	if !reflect.DeepEqual(p.snapshot(), base) {
		t.Fatal("a refused file changed the database")
	}
	p.mustVerify()
}
