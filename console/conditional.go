package console

import (
	"net/http"

	"linkfin"
	"linkfin/services"
)

func init() { addPages(conditionalMessages, "conditionals", "conditional") }

// conditionalRoutes registers the pages of conditional payments: the list, and each
// payment's page, with its milestone confirmed and its cancellation asked for there.
func (c *Console) conditionalRoutes() {
	c.mux.HandleFunc("GET /conditional-payments", c.person(c.section(c.conditionals)))
	c.mux.HandleFunc("GET /conditional-payments/{id}", c.person(c.conditional))
	c.mux.HandleFunc("POST /conditional-payments/{id}/confirm", c.person(c.conditionalAct(func(p *Person, id string) linkfin.Command {
		return &services.ConfirmMilestone{Actor: p.Viewer.Org, ID: id}
	})))
	c.mux.HandleFunc("POST /conditional-payments/{id}/cancel", c.person(c.conditionalAct(func(p *Person, id string) linkfin.Command {
		return &services.CancelConditionalPayment{Actor: p.Viewer.Org, ID: id}
	})))
}

// conditionals lists the conditional payments the organization pays, is paid or
// confirms: each with its condition and what it released of its amount.
func (c *Console) conditionals(w http.ResponseWriter, r *http.Request, p *Person) {
	v, ok := listOf[linkfin.ConditionalPayment](c, w, r, p, linkfin.KindConditionalPayment, "conditional-payments",
		linkfin.ConditionalLocked, linkfin.ConditionalReleased, linkfin.ConditionalExpired, linkfin.ConditionalCancelled)
	if !ok {
		return
	}
	c.render(w, r, http.StatusOK, "conditionals", "cp.list_title", p, v, "")
}

// conditionalView is a conditional payment, its progress and its history, and what the
// person may do with it.
type conditionalView struct {
	P linkfin.ConditionalPayment
	// Released and Refunded are the parts of the amount paid out and returned, in
	// percent, for the progress bar.
	Released, Refunded float64
	Confirms, Cancels  bool
	// Room is, to the payee (and the operator) of a release waiting for room in its
	// e-CNY wallet, what that wallet may hold more now and its limit
	// (services.WaitingRoom); nil to anyone else.
	Room    *services.WalletRoom
	History history
}

// conditional shows a conditional payment: who pays whom, its condition, its progress
// (released, still locked, refunded), each lock, release and refund with its reason,
// a release that waits for room in the payee's e-CNY wallet (with, to the payee, that
// wallet's room and limit), and its history; the milestone's confirmer confirms it, and either side asks to
// cancel it, from here.
func (c *Console) conditional(w http.ResponseWriter, r *http.Request, p *Person) {
	var v conditionalView
	if err := services.ReadSeenAs(r.Context(), c.Store, p.Viewer, linkfin.KindConditionalPayment, r.PathValue("id"), &v.P); err != nil {
		c.fail(w, r, p, err)
		return
	}
	if v.P.Amount > 0 {
		v.Released = float64(v.P.Released) * 100 / float64(v.P.Amount)
		v.Refunded = float64(v.P.Refunded) * 100 / float64(v.P.Amount)
	}
	org, open := p.Viewer.Org, v.P.Status == linkfin.ConditionalLocked
	v.Confirms = open && p.CanAct() && v.P.Condition.Type == linkfin.ConditionMilestone && v.P.Condition.ConfirmerID == org
	v.Cancels = open && p.CanAct() && (org == v.P.PayerID || org == v.P.PayeeID) && v.P.CancelRequestedBy != org
	var err error
	if v.Room, err = services.WaitingRoom(r.Context(), c.Store, c.Engine, p.Viewer, &v.P); err != nil {
		c.fail(w, r, p, err)
		return
	}
	if v.History, err = c.history(r.Context(), r, p, linkfin.KindConditionalPayment, v.P.ID); err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.render(w, r, http.StatusOK, "conditional", "cp.title", p, v, "")
}

// conditionalAct runs a command on the payment of the page, and shows it again.
func (c *Console) conditionalAct(cmd func(p *Person, id string) linkfin.Command) func(http.ResponseWriter, *http.Request, *Person) {
	return func(w http.ResponseWriter, r *http.Request, p *Person) {
		id := r.PathValue("id")
		if _, err := c.act(r.Context(), p, r.PostForm, cmd(p, id)); err != nil {
			c.fail(w, r, p, err)
			return
		}
		done(w, r, "/conditional-payments/"+id)
	}
}

// conditionalMessages are the words of the conditional payments' pages.
var conditionalMessages = map[string]message{
	"nav.conditional":                    {"Conditional payments", "条件支付"},
	"cp.list_title":                      {"Conditional payments", "条件支付"},
	"cp.title":                           {"Conditional payment", "条件支付"},
	"cp.intro":                           {"Money locked for a payee until a condition is met: released as it is met, refunded to its source at expiry or when both sides cancel.", "为收款方锁定的资金，条件达成时释放；到期或双方同意取消时退回资金来源。"},
	"cp.payer":                           {"Payer", "付款方"},
	"cp.payee":                           {"Payee", "收款方"},
	"cp.amount":                          {"Amount", "金额"},
	"cp.condition":                       {"Condition", "条件"},
	"cp.progress":                        {"Progress", "进度"},
	"cp.released":                        {"Released", "已释放"},
	"cp.remaining":                       {"Still locked", "仍锁定"},
	"cp.refunded":                        {"Refunded", "已退回"},
	"cp.source":                          {"Paid from purpose-bound wallet", "资金来源（专款钱包）"},
	"cp.expires":                         {"Refunded from", "到期退回日"},
	"cp.rail":                            {"Rail", "支付通道"},
	"cp.rail_platform":                   {"Platform wallets", "平台钱包"},
	"cp.rail_ecny_short":                 {"e-CNY", "数字人民币"},
	"cp.rail_ecny":                       {"e-CNY: held in the payer's designated wallet, counted in its limits of %s (China Standard Time)", "数字人民币：冻结于付款方指定钱包，计入其 %s（北京时间）的限额"},
	"cp.waiting":                         {"%s is due but waits for room in the payee's e-CNY wallet:", "%s 已到期，等待收款方数字人民币钱包的余额额度："},
	"cp.room":                            {"The payee's designated e-CNY wallet may hold %s more now (its balance limit is %s):", "收款方指定的数字人民币钱包目前还可存入 %s（余额上限 %s）："},
	"cp.reference":                       {"Reference", "备注"},
	"cp.moves":                           {"Locks, releases and refunds", "锁定、释放与退回"},
	"cp.reason":                          {"Reason", "原因"},
	"cp.paid_into":                       {"Paid into conditional payment", "付入条件支付"},
	"cp.bound_wallet":                    {"Paid into purpose-bound wallet", "付入专款钱包"},
	"cp.transfer":                        {"Ledger transfer", "账簿转账"},
	"cp.confirm":                         {"Confirm the milestone: release the payment", "确认里程碑：释放付款"},
	"cp.cancel":                          {"Ask to cancel", "申请取消"},
	"cp.cancel_agree":                    {"Agree to cancel: refund the rest", "同意取消：退回剩余资金"},
	"cp.cancel_requested":                {"%s asked to cancel; the other side's agreement refunds what is still locked.", "%s 已申请取消；另一方同意后退回仍锁定的资金。"},
	"cp.cond.goods_received":             {"Goods of purchase order %s accepted in full", "采购订单 %s 的货物全部验收"},
	"cp.cond.goods_pro_rata":             {"Goods of purchase order %s accepted, released pro rata", "采购订单 %s 的货物验收，按比例释放"},
	"cp.cond.delivered":                  {"Shipment %s delivered", "货运 %s 送达"},
	"cp.cond.invoice_approved":           {"Invoice %s approved", "发票 %s 确认"},
	"cp.cond.milestone":                  {"%s, confirmed by %s", "%s，由 %s 确认"},
	"cp.cond.date":                       {"On %s", "于 %s"},
	"cp.move.lock":                       {"locked", "锁定"},
	"cp.move.release":                    {"released", "释放"},
	"cp.move.partial_release":            {"partly released", "部分释放"},
	"cp.move.refund":                     {"refunded", "退回"},
	"status.locked":                      {"locked", "锁定中"},
	"status.released":                    {"released", "已释放"},
	"event.conditional_payment.locked":   {"locked", "已锁定"},
	"event.conditional_payment.released": {"released", "已释放"},
	"event.conditional_payment.partially_released":  {"partly released", "部分释放"},
	"event.conditional_payment.refunded":            {"refunded", "已退回"},
	"event.conditional_payment.milestone_confirmed": {"milestone confirmed", "里程碑已确认"},
	"event.conditional_payment.cancel_requested":    {"cancellation asked for", "已申请取消"},
	"event.conditional_payment.release_waiting":     {"release waiting", "释放等待中"},
}
