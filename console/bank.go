package console

import (
	"bytes"
	"net/http"

	"linkfin"
	"linkfin/internal/xmldoc"
	"linkfin/iso20022"
	"linkfin/mt940"
	"linkfin/services"
)

func init() { addPages(bankMessages, "bank") }

// bankMessages are the bank statements page's words.
var bankMessages = map[string]message{
	"nav.bank":                   {"Bank statements", "银行对账"},
	"bank.title":                 {"Bank statement entries", "银行对账单分录"},
	"bank.intro":                 {"Each entry of the bank's statements is booked against what it settles: a debit against the payment instructions the platform sent, a credit against a payment an organization announced, into its wallet. An entry nothing matched waits here: assign it, and it is booked as a match would be.", "银行对账单的每笔分录都会与其结算的款项对应入账：借方对应平台发出的付款指令，贷方对应机构预报的入账款项并计入其钱包。无法自动匹配的分录在此等待：指定其对应项后，即按匹配方式入账。"},
	"bank.entry":                 {"Entry", "分录"},
	"bank.statement":             {"Statement", "对账单"},
	"bank.date":                  {"Booked", "记账日"},
	"bank.sign":                  {"In / out", "收 / 付"},
	"bank.amount":                {"Amount", "金额"},
	"bank.in":                    {"in", "收"},
	"bank.out":                   {"out", "付"},
	"bank.counterparty":          {"Counterparty", "交易对手"},
	"bank.remittance":            {"Remittance information", "附言"},
	"bank.how":                   {"Booked against / why not", "入账依据 / 未匹配原因"},
	"bank.assign":                {"Assign", "指定"},
	"bank.assign_kind":           {"Assign to", "指定为"},
	"bank.assign_id":             {"Its id", "编号"},
	"bank.kind.credit_transfer":  {"a payment instruction", "付款指令"},
	"bank.kind.expected_payment": {"an expected payment", "预报入账"},
	"bank.kind.organization":     {"an organization's wallet", "机构钱包"},
	"bank.import":                {"Import the bank's file (XML: a camt.053 statement, a camt.052 report of the day, a camt.054 notification; or SWIFT text: an MT940 statement, an MT942 report of the day)", "导入银行文件（XML：camt.053 对账单、camt.052 日间报告、camt.054 入账通知；或 SWIFT 报文：MT940 对账单、MT942 日间报告）"},
	"bank.import_submit":         {"Import", "导入"},
	"bank.charset":               {"A SWIFT file's characters", "SWIFT 报文字符集"},
	"bank.charset_auto":          {"UTF-8, else Windows-1252 (European banks)", "UTF-8，否则 Windows-1252（欧洲银行）"},
	"bank.charset_chinese":       {"GB18030 / GBK (Chinese banks)", "GB18030 / GBK（中国的银行）"},
	"bank.charset_cp1250":        {"Windows-1250 (Polish, Czech, Hungarian banks)", "Windows-1250（波兰、捷克、匈牙利的银行）"},
	"bank.charset_latin2":        {"ISO 8859-2 (Central European banks)", "ISO 8859-2（中欧的银行）"},
	"bank.charset_cp852":         {"DOS 852 (older Central European exports)", "DOS 852（中欧的旧式导出）"},
	"bank.charset_cp850":         {"DOS 850 (older Western European exports)", "DOS 850（西欧的旧式导出）"},
	"bank.charset_latin9":        {"ISO 8859-15 (Latin-9, with the euro sign)", "ISO 8859-15（Latin-9，含欧元符号）"},
	"match.end_to_end_id":        {"end-to-end id", "端到端编号"},
	"match.reference":            {"reference", "参考号"},
	"match.amount_date":          {"amount and date", "金额与日期"},
	"match.assigned":             {"assigned by a person", "人工指定"},
	"status.assigned":            {"assigned", "已指定"},
	"status.unmatched":           {"unmatched", "未匹配"},
	"status.not_booked":          {"not booked by the bank", "银行未入账"},
	"status.duplicate":           {"booked before", "重复"},
	"status.booked":              {"paid out", "已付出"},
	"status.expected":            {"expected", "待到账"},
	"status.received":            {"received", "已到账"},
}

// bankView is a page of the bank statements' entries, with the assignment's choices
// and the import's.
type bankView struct {
	*listView[linkfin.BankEntry]
	Assigns  bool
	Kinds    []linkfin.AssignKind
	Charsets []charsetChoice
}

// charsetChoice is a charset the import offers for a SWIFT file, with its words.
type charsetChoice struct{ Name, Words string }

// charsetChoices are the charsets the import offers: "" is mt940.ReadCharset's own
// guess, each other one of mt940.Charsets, by the name banks' exports give it (its
// aliases read the same), with words that say whose files are in it.
var charsetChoices = []charsetChoice{{"", "bank.charset_auto"}, {"gb18030", "bank.charset_chinese"},
	{"windows-1250", "bank.charset_cp1250"}, {"iso-8859-2", "bank.charset_latin2"}, {"ibm852", "bank.charset_cp852"},
	{"ibm850", "bank.charset_cp850"}, {"iso-8859-15", "bank.charset_latin9"}}

// bankEntries lists the entries of the imported bank statements, the platform
// operator's, filtered by status (those waiting are status=unmatched), a page at a
// time, or as CSV; the operator assigns an unmatched one from its row.
func (c *Console) bankEntries(w http.ResponseWriter, r *http.Request, p *Person) {
	if !p.Viewer.Operator {
		c.fail(w, r, p, linkfin.Errorf(linkfin.ENOTFOUND, "no such page"))
		return
	}
	v, ok := listOf[linkfin.BankEntry](c, w, r, p, linkfin.KindBankEntry, "bank-entries", linkfin.BankEntryUnmatched,
		linkfin.BankEntryMatched, linkfin.BankEntryAssigned, linkfin.BankEntryNotBooked, linkfin.BankEntryDuplicate)
	if !ok {
		return
	}
	c.render(w, r, http.StatusOK, "bank", "bank.title", p, bankView{listView: v, Assigns: p.CanAct(),
		Kinds:    []linkfin.AssignKind{linkfin.AssignCreditTransfer, linkfin.AssignExpectedPayment, linkfin.AssignOrganization},
		Charsets: charsetChoices}, "")
}

// importStatement imports the bank's statement, report or notification uploaded as the
// form's document, read as the API's POST /v1/bank-statements reads one, and shows
// the entries that wait. The same file sent again is the same request.
func (c *Console) importStatement(w http.ResponseWriter, r *http.Request, p *Person) {
	if !p.Viewer.Operator {
		c.fail(w, r, p, linkfin.Errorf(linkfin.EFORBIDDEN, "the platform's operator imports the bank's statements"))
		return
	}
	body, form, err := uploaded(r, "the bank's file")
	var msg *iso20022.StatementMessage
	if err == nil {
		msg, err = readBankFile(body, r.PostFormValue("charset"))
	}
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	if _, err := c.act(r.Context(), p, form, &services.ImportBankStatement{Message: msg}); err != nil {
		c.fail(w, r, p, err)
		return
	}
	done(w, r, "/bank?status=unmatched")
}

// assignBankEntry books an unmatched entry against what the operator names, as the
// API's POST /v1/bank-entries/{id}/assign does.
func (c *Console) assignBankEntry(w http.ResponseWriter, r *http.Request, p *Person) {
	if !p.Viewer.Operator {
		c.fail(w, r, p, linkfin.Errorf(linkfin.EFORBIDDEN, "the platform's operator assigns the bank's entries"))
		return
	}
	in := linkfin.BankEntryAssignIn{Kind: linkfin.AssignKind(r.PostFormValue("kind")), ID: r.PostFormValue("id")}
	if _, err := c.act(r.Context(), p, r.PostForm, &services.AssignBankEntry{EntryID: r.PathValue("id"), In: in}); err != nil {
		c.fail(w, r, p, err)
		return
	}
	done(w, r, "/bank?status=unmatched")
}

// readBankFile reads a file of the bank's: an ISO 20022 document (camt.053, camt.052,
// camt.054) when it begins as XML does (after a byte order mark and white space), or
// else a SWIFT MT940 or MT942 in the charset named (mt940.ReadCharset; an XML document
// names its own), whose reader refuses what is neither.
func readBankFile(b []byte, charset string) (*iso20022.StatementMessage, error) {
	if xmldoc.LooksLikeXML(b) {
		return iso20022.ReadStatement(bytes.NewReader(b))
	}
	return mt940.ReadCharset(bytes.NewReader(b), charset)
}
