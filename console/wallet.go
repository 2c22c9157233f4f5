package console

import (
	"net/http"

	"linkfin"
	"linkfin/services"
)

func init() { addPages(walletMessages, "wallet") }

// walletMessages are the wallet page's words.
var walletMessages = map[string]message{
	"nav.wallet":             {"Money in and out", "资金进出"},
	"wallet.title":           {"Money in and out", "资金进出"},
	"wallet.intro":           {"What the platform holds for your organization, money taken out to its bank account or e-CNY wallet, and money it announces it will pay in from its bank.", "平台为本机构持有的资金、提现至其银行账户或数字人民币钱包的款项，以及本机构预报将从银行转入的款项。"},
	"wallet.operator":        {"The platform's operator has no wallet of its own: each organization takes its money out, and announces what it pays in, here.", "平台运营方没有自己的钱包：各机构在此提现并预报入账。"},
	"wallet.withdraw":        {"Take money out", "提现"},
	"wallet.currency":        {"Currency", "币种"},
	"wallet.amount":          {"Amount", "金额"},
	"wallet.rail":            {"To", "收款方式"},
	"wallet.rail.bank":       {"the bank account registered", "已登记的银行账户"},
	"wallet.rail.ecny":       {"the e-CNY wallet designated", "指定的数字人民币钱包"},
	"wallet.no_account":      {"No bank account in effect: withdrawals over the bank rail are refused until the operator confirms one.", "尚无有效银行账户：运营方确认前无法通过银行通道提现。"},
	"wallet.withdraw_submit": {"Withdraw", "提现"},
	"wallet.withdrawn":       {"Withdrawn: instruction %s.", "已提现：指令 %s。"},
	"wallet.withdrawals":     {"Withdrawals to the bank", "银行提现"},
	"wallet.transfer":        {"Instruction", "指令"},
	"wallet.made":            {"Made", "发起日"},
	"wallet.to":              {"Paid into", "收款账户"},
	"wallet.reason":          {"Bank's reason", "银行原因"},
	"wallet.expect":          {"Announce a payment in from your bank", "预报银行入账"},
	"wallet.date":            {"Date the bank books it", "银行入账日"},
	"wallet.expect_submit":   {"Announce it", "预报"},
	"wallet.expected":        {"Announced: quote %s as the payment's reference, and it enters your wallet when the bank's statement shows it.", "已预报：付款时请以 %s 作为附言或参考号，银行对账单显示到账后即计入钱包。"},
	"wallet.expected_list":   {"Payments announced", "预报入账"},
	"wallet.reference":       {"Reference to quote", "付款附言/参考号"},
	"wallet.cancel":          {"Withdraw the announcement", "撤销预报"},
	"wallet.cancelled":       {"The announcement %s is withdrawn.", "预报 %s 已撤销。"},
	"wallet.ct.pending":      {"waiting for the platform's next payment file", "待汇总至付款文件"},
	"wallet.ct.filed":        {"sent to the bank", "已发送银行"},
	"wallet.ct.accepted":     {"accepted by the bank", "银行已受理"},
	"wallet.ct.rejected":     {"rejected by the bank: the money is back in the wallet", "银行已拒绝：款项已退回钱包"},
	"wallet.ct.booked":       {"paid out by the bank", "银行已付出"},
}

// walletView is an organization's money: its wallets, the bank account its
// withdrawals are paid into, its withdrawals over the bank rail and the payments it
// announced it would pay in, with the forms that make them.
type walletView struct {
	Operator    bool
	Wallets     []wallet
	Currencies  []linkfin.Currency
	BankAccount *linkfin.BankAccount
	Transfers   []linkfin.CreditTransfer
	Expected    []linkfin.ExpectedPayment
	// NextTransfers and NextExpected are the addresses of the two lists' next pages,
	// "" at their ends.
	NextTransfers, NextExpected string
	Acts                        bool
}

// walletPage shows the organization's money in and out.
func (c *Console) walletPage(w http.ResponseWriter, r *http.Request, p *Person) {
	c.renderWallet(w, r, p)
}

func (c *Console) renderWallet(w http.ResponseWriter, r *http.Request, p *Person) {
	v := walletView{Operator: p.Viewer.Operator, Acts: p.CanAct() && !p.Viewer.Operator, Currencies: linkfin.Currencies()}
	if v.Operator {
		c.render(w, r, http.StatusOK, "wallet", "wallet.title", p, v, "")
		return
	}
	var err error
	if v.Wallets, err = c.wallets(r.Context(), p); err != nil {
		c.fail(w, r, p, err)
		return
	}
	var o linkfin.Organization
	if err := services.ReadAs(r.Context(), c.Store, p.Viewer, linkfin.KindOrganization, p.Viewer.Org, &o); err != nil {
		c.fail(w, r, p, err)
		return
	}
	v.BankAccount = o.BankAccount
	q := r.URL.Query()
	nextTransfers, err := pageOf(c, r, p, linkfin.KindCreditTransfer, q.Get(transfersAfter), &v.Transfers)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	nextExpected, err := pageOf(c, r, p, linkfin.KindExpectedPayment, q.Get(expectedAfter), &v.Expected)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	// The wallet page's address, not the request's: a form posted elsewhere shows it too.
	v.NextTransfers, v.NextExpected = pageAt("/wallet", q, transfersAfter, nextTransfers), pageAt("/wallet", q, expectedAfter, nextExpected)
	c.render(w, r, http.StatusOK, "wallet", "wallet.title", p, v, "")
}

// The query parameters of the wallet page's two lists' cursors.
const (
	transfersAfter = "withdrawals_after"
	expectedAfter  = "expected_after"
)

// pageOf reads a page of the records of a kind the person sees (the organization's
// own, oldest first) after the cursor into out, and answers the next page's cursor, ""
// at the end.
func pageOf[T any](c *Console, r *http.Request, p *Person, kind, after string, out *[]T) (string, error) {
	page, err := services.List(r.Context(), c.Store, p.Viewer, kind, services.Filter{}, after, pageSize)
	if err != nil {
		return "", err
	}
	*out, err = decodeRows[T](page.Data)
	return page.NextCursor, err
}

// ownMoney refuses a change of an organization's money by the operator, who has none.
func ownMoney(p *Person) error {
	if p.Viewer.Operator {
		return linkfin.Errorf(linkfin.EFORBIDDEN, "the platform's operator has no wallet of its own")
	}
	return nil
}

// withdraw pays money out of the organization's wallet over the rail the form names,
// as the API's POST /v1/payments/withdrawals does; the form's key is the instruction's
// id, so the same form sent twice withdraws once.
func (c *Console) withdraw(w http.ResponseWriter, r *http.Request, p *Person) {
	f := formField(r)
	cur := linkfin.Currency(f("currency"))
	amt, err := amount(f("amount"), cur)
	err = inField("amount", "form.amount", err)
	if err == nil {
		err = ownMoney(p)
	}
	var paid *services.RailPaid
	if err == nil {
		paid, err = actInto[services.RailPaid](c, r.Context(), p, r.PostForm, &services.RecordOutboundPayment{Rail: f("rail"),
			InstructionID: "console-" + f("idempotency_key"), OrgID: p.Viewer.Org, Currency: cur, Amount: amt})
	}
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.doneWith(w, r, p, langFor(r, p).T("wallet.withdrawn", paid.InstructionID))
}

// expectPayment announces a payment the organization will make into its wallet from its
// bank, as the API's POST /v1/expected-payments does, and tells the reference to quote.
func (c *Console) expectPayment(w http.ResponseWriter, r *http.Request, p *Person) {
	f := formField(r)
	cur := linkfin.Currency(f("currency"))
	amt, err := amount(f("amount"), cur)
	err = inField("amount", "form.amount", err)
	var day linkfin.Date
	if err == nil {
		day, err = linkfin.ParseDate(f("date"))
		err = inField("date", "form.date", err)
	}
	if err == nil {
		err = ownMoney(p)
	}
	var ep *linkfin.ExpectedPayment
	if err == nil {
		ep, err = actInto[linkfin.ExpectedPayment](c, r.Context(), p, r.PostForm, &services.CreateExpectedPayment{Actor: p.Viewer.Org,
			In: linkfin.ExpectedPaymentIn{Currency: cur, Amount: amt, Date: day}})
	}
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.doneWith(w, r, p, langFor(r, p).T("wallet.expected", ep.ID))
}

// cancelExpected withdraws an announced payment that no entry has brought, as the API's
// POST /v1/expected-payments/{id}/cancel does.
func (c *Console) cancelExpected(w http.ResponseWriter, r *http.Request, p *Person) {
	id := r.PathValue("id")
	err := ownMoney(p)
	if err == nil {
		_, err = c.act(r.Context(), p, r.PostForm, &services.CancelExpectedPayment{Actor: p.Viewer.Org, ID: id})
	}
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.doneWith(w, r, p, langFor(r, p).T("wallet.cancelled", id))
}
