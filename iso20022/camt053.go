// Package iso20022 reads and writes the ISO 20022 messages that carry bank money: the
// camt.053 statements a bank sends of what it booked on an account, the pain.001 credit
// transfer instructions linkfin sends its bank, and the pain.002 reports that answer
// them. It knows nothing of linkfin's records: it turns documents into plain values and
// back, with amounts in integer minor units of their currency.
package iso20022

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"linkfin"
	"linkfin/internal/xmldoc"
)

// EUNSUPPORTED refuses a document that is well-formed XML but not a message this package
// reads: another message, or a version it does not know.
const EUNSUPPORTED = "unsupported_message"

// EMALFORMED refuses a document that is not well-formed XML.
const EMALFORMED = "malformed_xml"

// The namespaces of the bank-to-customer messages ReadStatement reads, without their
// version number: the statement, the account report (intraday) and the debit/credit
// notification.
const (
	camt053Prefix = "urn:iso:std:iso:20022:tech:xsd:camt.053.001."
	camt052Prefix = "urn:iso:std:iso:20022:tech:xsd:camt.052.001."
	camt054Prefix = "urn:iso:std:iso:20022:tech:xsd:camt.054.001."
)

// The versions of each message ReadStatement reads, by the last part of their
// namespace. Banks send all of them.
var (
	Camt053Versions = []string{"02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13"}
	Camt052Versions = []string{"02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13"}
	Camt054Versions = []string{"02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13"}
)

// bankMessages are the three messages by which a bank tells its customer what it booked
// on an account. Their reports (a statement, an account report, a notification) hold
// the same elements where ReadStatement reads them, but for the balances, which a
// notification does not give.
var bankMessages = []bankMessage{
	{camt053Prefix, "camt.053", "BkToCstmrStmt", "Stmt", "statement", Camt053Versions},
	{camt052Prefix, "camt.052", "BkToCstmrAcctRpt", "Rpt", "report", Camt052Versions},
	{camt054Prefix, "camt.054", "BkToCstmrDbtCdtNtfctn", "Ntfctn", "notification", Camt054Versions},
}

type bankMessage struct {
	prefix, name string
	message      string // the element of the message, below Document
	report, noun string // the element of each report, below the message, and what it is
	versions     []string
}

// StatementMessage is what a bank says it booked on accounts: a camt.053
// BankToCustomerStatement (one statement per account and period), a camt.052
// BankToCustomerAccountReport (a report of the day so far) or a camt.054
// BankToCustomerDebitCreditNotification (entries as they are booked, without
// balances). Each report of the message is a Statement.
type StatementMessage struct {
	// Version is the message's identifier, such as "camt.053.001.08".
	Version    string      `json:"version"`
	MessageID  string      `json:"message_id"`
	CreatedAt  string      `json:"created_at,omitempty"` // as the bank wrote it (ISODateTime)
	Statements []Statement `json:"statements"`
}

// Statement is one account's statement for one period.
type Statement struct {
	ID                 string    `json:"id"`
	ElectronicSequence string    `json:"electronic_sequence,omitempty"`
	LegalSequence      string    `json:"legal_sequence,omitempty"`
	CreatedAt          string    `json:"created_at,omitempty"`
	From               string    `json:"from,omitempty"`
	To                 string    `json:"to,omitempty"`
	Account            Account   `json:"account"`
	Balances           []Balance `json:"balances"`
	Entries            []Entry   `json:"entries"`
	AdditionalInfo     string    `json:"additional_information,omitempty"`
}

// Account is the account a statement is of.
type Account struct {
	IBAN     string           `json:"iban,omitempty"`
	Other    string           `json:"other_id,omitempty"` // an identification other than an IBAN
	Currency linkfin.Currency `json:"currency,omitempty"`
	Name     string           `json:"name,omitempty"`
	Owner    string           `json:"owner,omitempty"`
	Servicer string           `json:"servicer,omitempty"` // the bank's BIC, or else its name
}

// ID is the account's identification: its IBAN, or else the other identification.
func (a Account) ID() string {
	if a.IBAN != "" {
		return a.IBAN
	}
	return a.Other
}

// The two signs of an amount in ISO 20022: money into the account and money out of it.
const (
	Credit = "CRDT"
	Debit  = "DBIT"
)

// Balance is one of a statement's balances, such as the opening booked balance (OPBD)
// or the closing booked balance (CLBD). Amount is never negative; CreditDebit says its
// sign (a DBIT balance is overdrawn), or is "" where the bank left it out: the schema
// requires it, but some banks' exports (a Lithuanian bank's, for one) omit it, and a
// statement is read for its entries, not refused for a balance's sign.
type Balance struct {
	Type        string           `json:"type"`
	Amount      int64            `json:"amount,string"`
	Currency    linkfin.Currency `json:"currency"`
	CreditDebit string           `json:"credit_debit"`
	Date        linkfin.Date     `json:"date,omitzero"`
}

// Entry is one booking on the account: money in (CRDT) or out (DBIT). An entry may
// gather several transactions (a batch booked as one amount); their details are in
// Transactions, and EndToEndID and the remittance information are the entry's when its
// transactions agree on them.
type Entry struct {
	Amount                   int64            `json:"amount,string"`
	Currency                 linkfin.Currency `json:"currency"`
	CreditDebit              string           `json:"credit_debit"`
	Reversal                 bool             `json:"reversal,omitempty"`
	Status                   string           `json:"status,omitempty"` // BOOK, PDNG, INFO
	BookingDate              linkfin.Date     `json:"booking_date,omitzero"`
	ValueDate                linkfin.Date     `json:"value_date,omitzero"`
	AccountServicerReference string           `json:"account_servicer_reference"`
	EntryReference           string           `json:"entry_reference,omitempty"`
	BankTransactionCode      string           `json:"bank_transaction_code,omitempty"`
	EndToEndID               string           `json:"end_to_end_id"`
	RemittanceInformation    string           `json:"remittance_information"`
	CreditorReference        string           `json:"creditor_reference,omitempty"`
	AdditionalInfo           string           `json:"additional_information,omitempty"`
	Transactions             []Transaction    `json:"transactions,omitempty"`
}

// BankReference is the bank's own reference of the entry: its AcctSvcrRef, else its one
// transaction's (some banks give it only there); "" for an entry of several
// transactions that gives none of its own.
func (e *Entry) BankReference() string {
	if e.AccountServicerReference == "" && len(e.Transactions) == 1 {
		return e.Transactions[0].AccountServicerReference
	}
	return e.AccountServicerReference
}

// Transaction is one transaction inside an entry, with the references the payer and the
// banks gave it.
type Transaction struct {
	// Amount and Currency are the transaction's own; an entry of one transaction that
	// gives none lends it its own.
	Amount                   int64            `json:"amount,string"`
	Currency                 linkfin.Currency `json:"currency,omitempty"`
	CreditDebit              string           `json:"credit_debit,omitempty"`
	MessageID                string           `json:"message_id,omitempty"`
	AccountServicerReference string           `json:"account_servicer_reference,omitempty"`
	PaymentInformationID     string           `json:"payment_information_id,omitempty"`
	InstructionID            string           `json:"instruction_id,omitempty"`
	EndToEndID               string           `json:"end_to_end_id,omitempty"`
	TransactionID            string           `json:"transaction_id,omitempty"`
	UETR                     string           `json:"uetr,omitempty"`
	DebtorName               string           `json:"debtor_name,omitempty"`
	DebtorAccount            string           `json:"debtor_account,omitempty"`
	CreditorName             string           `json:"creditor_name,omitempty"`
	CreditorAccount          string           `json:"creditor_account,omitempty"`
	RemittanceInformation    string           `json:"remittance_information,omitempty"`
	CreditorReference        string           `json:"creditor_reference,omitempty"`
	AdditionalInfo           string           `json:"additional_information,omitempty"`
}

// ReadStatement reads a camt.053 statement, a camt.052 account report or a camt.054
// notification, versions 001.02 to 001.13 of each. The Document
// element may be the root or sit inside an envelope (a business application header's
// wrapper); the first one found is read. Amounts become minor units of their currency,
// exactly: an amount with more decimals than its currency has minor units is refused
// unless the extra digits are zeros. The whole input is read: XML that is not
// well-formed (after the root element, anything but white space, comments and
// processing instructions) or not in the encoding it declares is EMALFORMED. Anything
// the statement needs that is missing or malformed is an EINVALID error that says
// where, as is an element it reads once (an entry's Amt or CdtDbtInd, a statement's
// Acct, …) given twice under its parent, and an element of another namespace than the
// Document's but in SplmtryData/Envlp; another message or version is EUNSUPPORTED.
func ReadStatement(r io.Reader) (*StatementMessage, error) {
	var doc xmlStatementDocument
	prefixes := make([]string, len(bankMessages))
	for i, m := range bankMessages {
		prefixes[i] = m.prefix
	}
	prefix, version, err := readDocument(r, prefixes, statementShape, func(prefix, version string) error {
		m := bankMessageOf(prefix)
		if !slices.Contains(m.versions, version) {
			return linkfin.Errorf(EUNSUPPORTED, "%s.001.%s is not a version linkfin reads (it reads 001.%s to 001.%s)",
				m.name, clip(version), m.versions[0], m.versions[len(m.versions)-1])
		}
		return nil
	}, &doc)
	if err != nil {
		return nil, err
	}
	m := bankMessageOf(prefix)
	msg, reports := doc.message(m.name)
	if msg == nil {
		return nil, linkfin.Errorf(linkfin.EINVALID, "the Document has no %s", m.message)
	}
	return convertStatement(m.name+".001."+version, m, msg, reports)
}

// ReportElement is the element of each report in a message of the version (such as
// "camt.054.001.08"), for messages that say where: Stmt, Rpt or Ntfctn. It is Stmt for
// a version it does not know.
func ReportElement(version string) string {
	for _, m := range bankMessages {
		if strings.HasPrefix(version, m.name+".") {
			return m.report
		}
	}
	return "Stmt"
}

// bankMessageOf is the message of a namespace prefix readDocument found.
func bankMessageOf(prefix string) *bankMessage {
	for i := range bankMessages {
		if bankMessages[i].prefix == prefix {
			return &bankMessages[i]
		}
	}
	panic("iso20022: no message of namespace " + prefix)
}

// clip bounds what a message repeats of the document, and keeps it valid UTF-8.
func clip(s string) string { return xmldoc.Clip(s) }

// reader gathers the first error met while converting, with where it was met.
type reader struct {
	err error
}

func (r *reader) fail(where, format string, args ...any) {
	r.failCode(linkfin.EINVALID, where, format, args...)
}

func (r *reader) failCode(code, where, format string, args ...any) {
	if r.err == nil {
		r.err = linkfin.Errorf(code, "%s: %s", where, fmt.Sprintf(format, args...))
	}
}

// convertStatement converts a message of the kind kind, whose reports are reports.
func convertStatement(version string, kind *bankMessage, m *xmlStatementMessage, reports []xmlStatement) (*StatementMessage, error) {
	var r reader
	out := &StatementMessage{
		Version:    version,
		MessageID:  r.text("GrpHdr/MsgId", m.GrpHdr.MsgID, true),
		CreatedAt:  r.text("GrpHdr/CreDtTm", m.GrpHdr.CreDtTm, false),
		Statements: []Statement{},
	}
	if len(reports) == 0 {
		r.fail(kind.message, "the message has no %s (%s)", kind.noun, kind.report)
	}
	for i, s := range reports {
		at := fmt.Sprintf("%s[%d]", kind.report, i+1)
		info, infoAt := s.AddtlStmtInf, "/AddtlStmtInf"
		switch {
		case s.AddtlRptInf != "":
			info, infoAt = s.AddtlRptInf, "/AddtlRptInf"
		case s.AddtlNtfctnInf != "":
			info, infoAt = s.AddtlNtfctnInf, "/AddtlNtfctnInf"
		}
		st := Statement{
			ID:                 r.text(at+"/Id", s.ID, true),
			ElectronicSequence: r.text(at+"/ElctrncSeqNb", s.ElctrncSeqNb, false),
			LegalSequence:      r.text(at+"/LglSeqNb", s.LglSeqNb, false),
			CreatedAt:          r.text(at+"/CreDtTm", s.CreDtTm, false),
			AdditionalInfo:     r.text(at+infoAt, info, false),
			Account: Account{
				IBAN:  r.text(at+"/Acct/Id/IBAN", s.Acct.ID.IBAN, false),
				Other: r.text(at+"/Acct/Id/Othr/Id", s.Acct.ID.Othr.ID, false),
				Name:  r.text(at+"/Acct/Nm", s.Acct.Nm, false),
				Owner: r.text(at+"/Acct/Ownr/Nm", s.Acct.Ownr.Nm, false),
				Servicer: r.text(at+"/Acct/Svcr", first(s.Acct.Svcr.FinInstnID.BICFI, s.Acct.Svcr.FinInstnID.BIC,
					s.Acct.Svcr.FinInstnID.Nm), false),
			},
			Balances: []Balance{},
			Entries:  []Entry{},
		}
		if s.FrToDt != nil {
			st.From = r.text(at+"/FrToDt/FrDtTm", s.FrToDt.FrDtTm, false)
			st.To = r.text(at+"/FrToDt/ToDtTm", s.FrToDt.ToDtTm, false)
		}
		if st.Account.ID() == "" {
			r.fail(at+"/Acct/Id", "the account has no IBAN and no other identification")
		}
		if c := strings.TrimSpace(s.Acct.Ccy); c != "" {
			st.Account.Currency = r.currency(at+"/Acct/Ccy", c)
		}
		for j, b := range s.Bal {
			bat := fmt.Sprintf("%s/Bal[%d]", at, j+1)
			amount, cur := r.amount(bat+"/Amt", b.Amt)
			st.Balances = append(st.Balances, Balance{
				Type:        r.text(bat+"/Tp/CdOrPrtry", first(b.Tp.CdOrPrtry.Cd, b.Tp.CdOrPrtry.Prtry), true),
				Amount:      amount,
				Currency:    cur,
				CreditDebit: r.sign(bat+"/CdtDbtInd", b.CdtDbtInd, false),
				Date:        r.date(bat+"/Dt", &b.Dt, true),
			})
		}
		for j, e := range s.Ntry {
			st.Entries = append(st.Entries, r.entry(fmt.Sprintf("%s/Ntry[%d]", at, j+1), e))
		}
		out.Statements = append(out.Statements, st)
	}
	if r.err != nil {
		return nil, r.err
	}
	return out, nil
}

func (r *reader) entry(at string, e xmlEntry) Entry {
	amount, cur := r.amount(at+"/Amt", e.Amt)
	out := Entry{
		Amount:                   amount,
		Currency:                 cur,
		CreditDebit:              r.sign(at+"/CdtDbtInd", e.CdtDbtInd, true),
		Reversal:                 r.boolean(at+"/RvslInd", e.RvslInd),
		Status:                   r.text(at+"/Sts", first(e.Sts.Cd, e.Sts.Prtry, e.Sts.Text), false),
		BookingDate:              r.date(at+"/BookgDt", e.BookgDt, false),
		ValueDate:                r.date(at+"/ValDt", e.ValDt, false),
		AccountServicerReference: r.text(at+"/AcctSvcrRef", e.AcctSvcrRef, false),
		EntryReference:           r.text(at+"/NtryRef", e.NtryRef, false),
		BankTransactionCode:      r.text(at+"/BkTxCd", bankCode(e.BkTxCd), false),
		AdditionalInfo:           r.text(at+"/AddtlNtryInf", e.AddtlNtryInf, false),
	}
	var n int
	for _, d := range e.NtryDtls {
		n += len(d.TxDtls)
	}
	k := 0
	for _, d := range e.NtryDtls {
		for _, t := range d.TxDtls {
			k++
			out.Transactions = append(out.Transactions, r.transaction(fmt.Sprintf("%s/NtryDtls/TxDtls[%d]", at, k), t, out, n))
		}
	}
	// The entry's references are its transactions' when they all give the same one.
	out.EndToEndID = agreed(out.Transactions, func(t Transaction) string { return t.EndToEndID })
	out.RemittanceInformation = agreed(out.Transactions, func(t Transaction) string { return t.RemittanceInformation })
	out.CreditorReference = agreed(out.Transactions, func(t Transaction) string { return t.CreditorReference })
	return out
}

func (r *reader) transaction(at string, t xmlTransaction, entry Entry, count int) Transaction {
	out := Transaction{
		CreditDebit:              r.sign(at+"/CdtDbtInd", t.CdtDbtInd, false),
		MessageID:                r.text(at+"/Refs/MsgId", t.Refs.MsgID, false),
		AccountServicerReference: r.text(at+"/Refs/AcctSvcrRef", t.Refs.AcctSvcrRef, false),
		PaymentInformationID:     r.text(at+"/Refs/PmtInfId", t.Refs.PmtInfID, false),
		InstructionID:            r.text(at+"/Refs/InstrId", t.Refs.InstrID, false),
		EndToEndID:               r.reference(at+"/Refs/EndToEndId", t.Refs.EndToEndID),
		TransactionID:            r.text(at+"/Refs/TxId", t.Refs.TxID, false),
		UETR:                     r.text(at+"/Refs/UETR", t.Refs.UETR, false),
		DebtorName:               r.text(at+"/RltdPties/Dbtr", first(t.RltdPties.Dbtr.Pty.Nm, t.RltdPties.Dbtr.Nm), false),
		DebtorAccount:            r.text(at+"/RltdPties/DbtrAcct", first(t.RltdPties.DbtrAcct.ID.IBAN, t.RltdPties.DbtrAcct.ID.Othr.ID), false),
		CreditorName:             r.text(at+"/RltdPties/Cdtr", first(t.RltdPties.Cdtr.Pty.Nm, t.RltdPties.Cdtr.Nm), false),
		CreditorAccount:          r.text(at+"/RltdPties/CdtrAcct", first(t.RltdPties.CdtrAcct.ID.IBAN, t.RltdPties.CdtrAcct.ID.Othr.ID), false),
		AdditionalInfo:           r.text(at+"/AddtlTxInf", t.AddtlTxInf, false),
	}
	amt := t.Amt
	if amt == nil {
		amt = t.AmtDtls.TxAmt.Amt
	}
	switch {
	case amt != nil:
		out.Amount, out.Currency = r.amount(at+"/Amt", *amt)
	case count == 1:
		out.Amount, out.Currency = entry.Amount, entry.Currency
	}
	var lines []string
	for i, u := range t.RmtInf.Ustrd {
		if s := r.text(fmt.Sprintf("%s/RmtInf/Ustrd[%d]", at, i+1), u, false); s != "" {
			lines = append(lines, s)
		}
	}
	out.RemittanceInformation = strings.Join(lines, " ")
	var refs []string
	for i, s := range t.RmtInf.Strd {
		if ref := r.text(fmt.Sprintf("%s/RmtInf/Strd[%d]/CdtrRefInf/Ref", at, i+1), s.CdtrRefInf.Ref, false); ref != "" {
			refs = append(refs, ref)
		}
	}
	out.CreditorReference = strings.Join(refs, " ")
	return out
}

// reference reads an end-to-end id. "NOTPROVIDED" is what SEPA says when the payer gave
// none: it is no reference to match on.
func (r *reader) reference(at, s string) string {
	s = r.text(at, s, false)
	if strings.EqualFold(s, "NOTPROVIDED") {
		return ""
	}
	return s
}

// agreed is the value every transaction gives, or "" when they differ or there is none.
func agreed(ts []Transaction, f func(Transaction) string) string {
	var v string
	for i, t := range ts {
		if i == 0 {
			v = f(t)
		} else if f(t) != v {
			return ""
		}
	}
	return v
}

func bankCode(c xmlBankCode) string {
	if d := strings.TrimSpace(c.Domn.Cd); d != "" {
		return d + "/" + strings.TrimSpace(c.Domn.Fmly.Cd) + "/" + strings.TrimSpace(c.Domn.Fmly.SubFmlyCd)
	}
	return strings.TrimSpace(c.Prtry.Cd)
}

func first(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// maxText bounds a text value: ISO 20022's longest free texts are 500 characters.
const maxText = 2048

// text trims a text value and checks that it is valid, bounded and, if required, there.
func (r *reader) text(at, s string, required bool) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "" && required:
		r.fail(at, "missing")
	case !utf8.ValidString(s):
		r.fail(at, "not valid UTF-8")
		return ""
	case utf8.RuneCountInString(s) > maxText:
		r.fail(at, "longer than %d characters", maxText)
		return ""
	}
	return s
}

func (r *reader) sign(at, s string, required bool) string {
	s = strings.TrimSpace(s)
	switch s {
	case Credit, Debit:
		return s
	case "":
		if required {
			r.fail(at, "missing")
		}
		return ""
	}
	r.fail(at, "%q is neither CRDT nor DBIT", clip(s))
	return ""
}

func (r *reader) boolean(at, s string) bool {
	switch strings.TrimSpace(s) {
	case "", "false", "0":
		return false
	case "true", "1":
		return true
	}
	r.fail(at, "%q is not a boolean", clip(s))
	return false
}

func (r *reader) currency(at, s string) linkfin.Currency {
	c, err := linkfin.ParseCurrency(strings.TrimSpace(s))
	if err != nil {
		r.fail(at, "%s", linkfin.ErrorMessage(err))
	}
	return c
}

// amount reads an amount and its Ccy attribute into minor units.
func (r *reader) amount(at string, a xmlAmount) (int64, linkfin.Currency) {
	if strings.TrimSpace(a.Ccy) == "" {
		r.fail(at, "the amount has no currency (Ccy)")
		return 0, ""
	}
	cur := r.currency(at+"/@Ccy", a.Ccy)
	if cur == "" {
		return 0, ""
	}
	v, err := ParseAmount(a.Value, cur)
	if err != nil {
		r.failCode(linkfin.ErrorCode(err), at, "%s", linkfin.ErrorMessage(err))
		return 0, ""
	}
	return v, cur
}

// ParseAmount reads an ISO 20022 amount (an xsd:decimal that is not negative, such as
// "1500.00" or "18.150") into minor units of cur. Fraction digits past the currency's
// minor unit must be zeros: the amount is taken exactly or refused.
func ParseAmount(s string, cur linkfin.Currency) (int64, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "+")
	if strings.HasPrefix(s, "-") {
		return 0, linkfin.Errorf(linkfin.EINVALID, "amount %q is negative: the credit/debit indicator gives the sign", clip(s))
	}
	if intPart, frac, ok := strings.Cut(s, "."); ok {
		if exp := cur.Exponent(); len(frac) > exp && strings.Trim(frac[exp:], "0") == "" {
			frac = frac[:exp]
		}
		if intPart == "" {
			intPart = "0"
		}
		s = intPart
		if frac != "" {
			s += "." + frac
		}
	}
	m, err := linkfin.ParseMoney(s, cur)
	if err != nil {
		return 0, err
	}
	if err := linkfin.CheckAmount("amount", m.Amount); err != nil {
		return 0, err
	}
	return m.Amount, nil
}

// date reads an ISO date or date and time; a date and time counts on the calendar day
// it names in its own offset, as does a date with an offset ("2018-01-12+01:00").
func (r *reader) date(at string, d *xmlDateChoice, required bool) linkfin.Date {
	if d == nil || (strings.TrimSpace(d.Dt) == "" && strings.TrimSpace(d.DtTm) == "") {
		if required {
			r.fail(at, "missing")
		}
		return linkfin.Date{}
	}
	if s := strings.TrimSpace(d.Dt); s != "" {
		if len(s) > 10 && (s[10] == 'Z' || s[10] == '+' || s[10] == '-') {
			if _, err := time.Parse("Z07:00", s[10:]); err == nil {
				s = s[:10]
			}
		}
		v, err := linkfin.ParseDate(s)
		if err != nil {
			r.fail(at+"/Dt", "%q is not a date", clip(d.Dt))
		}
		return v
	}
	v, err := parseDateTime(strings.TrimSpace(d.DtTm))
	if err != nil {
		r.fail(at+"/DtTm", "%q is not a date and time", clip(d.DtTm))
	}
	return v
}

// parseDateTime reads an xsd:dateTime, with or without an offset and fraction.
func parseDateTime(s string) (linkfin.Date, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return linkfin.DateOf(t), nil
		}
	}
	return linkfin.Date{}, errors.New("not a date and time")
}
