package console

import (
	"fmt"
	"net/http"
	"strings"
)

// Lang is a language the console speaks.
type Lang string

const (
	English Lang = "en"
	Chinese Lang = "zh-CN"
)

// Langs are the console's languages, in the order the switch offers them.
var Langs = []Lang{Chinese, English}

// langCookie keeps the language a person chose before signing in.
const langCookie = "linkfin_lang"

// ParseLang reads a language tag: "zh", "zh-CN", "zh-Hans" are Chinese, "en…" English.
func ParseLang(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "zh" || strings.HasPrefix(s, "zh-"):
		return Chinese, true
	case s == "en" || strings.HasPrefix(s, "en-"):
		return English, true
	}
	return "", false
}

// langOf is the language of a request: the one chosen (cookie), else the first the
// browser accepts that the console speaks, else Chinese.
func langOf(r *http.Request) Lang {
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := ParseLang(c.Value); ok {
			return l
		}
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(part, ";")
		if l, ok := ParseLang(tag); ok {
			return l
		}
	}
	return Chinese
}

// T is the text of a message in the language; args fill its verbs as fmt does. A key
// without a message is a mistake the tests catch; it shows as itself.
func (l Lang) T(key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	text := m.en
	if l == Chinese {
		text = m.zh
	}
	if len(args) > 0 {
		return fmt.Sprintf(text, args...)
	}
	return text
}

// Name is the language's name in itself, for the switch.
func (l Lang) Name() string {
	if l == Chinese {
		return "中文"
	}
	return "English"
}

type message struct{ en, zh string }

// messages are every string the console shows, in both languages.
var messages = map[string]message{
	"app.name":                         {"linkfin", "linkfin 链融"},
	"app.tagline":                      {"Supply chain finance on the trade's own data", "基于真实贸易数据的供应链金融"},
	"nav.skip":                         {"Skip to content", "跳到正文"},
	"nav.main":                         {"Sections", "栏目"},
	"nav.home":                         {"Home", "首页"},
	"nav.language":                     {"Language", "语言"},
	"nav.signout":                      {"Sign out", "退出登录"},
	"signin.title":                     {"Sign in", "登录"},
	"signin.name":                      {"Sign-in name", "登录名"},
	"signin.password":                  {"Password", "密码"},
	"signin.code":                      {"Authenticator code (if you use one)", "动态验证码（如已启用）"},
	"signin.submit":                    {"Sign in", "登录"},
	"signin.code_required":             {"Enter the code your authenticator app shows.", "请输入身份验证器显示的动态码。"},
	"signin.failed":                    {"The name, password or code is not right.", "登录名、密码或验证码不正确。"},
	"home.title":                       {"Home", "首页"},
	"home.wallets":                     {"Cash in your wallets", "钱包余额"},
	"home.wallets.none":                {"No wallet holds money yet.", "钱包中还没有资金。"},
	"home.owed":                        {"What you are owed, by maturity", "应收款项（按到期日）"},
	"home.owed.none":                   {"Nothing is owed to you.", "暂无应收款项。"},
	"col.currency":                     {"Currency", "币种"},
	"col.available":                    {"Available", "可用"},
	"col.pending":                      {"Held", "冻结"},
	"col.maturity":                     {"Maturity", "到期日"},
	"col.piece":                        {"Piece", "凭证"},
	"col.owed_by":                      {"Owed by", "付款方"},
	"col.face":                         {"Face", "面额"},
	"error.title":                      {"Something went wrong", "出错了"},
	"notfound.title":                   {"Not found", "未找到"},
	"notfound.text":                    {"There is no such page, or it is not yours to see.", "该页面不存在，或您无权查看。"},
	"error.csrf":                       {"The form expired. Please send it again.", "表单已过期，请重新提交。"},
	"error.internal":                   {"The platform could not answer. Please try again.", "平台暂时无法响应，请稍后重试。"},
	"error.unauthorized":               {"Please sign in.", "请先登录。"},
	"error.rate_limited":               {"Too many attempts. Wait a minute and try again.", "尝试次数过多，请稍候再试。"},
	"error.invalid":                    {"Some of what was sent is not valid: %s", "提交的内容有误：%s"},
	"invoices.title":                   {"Invoices", "发票"},
	"invoice.title":                    {"Invoice", "发票"},
	"invoice.order":                    {"Purchase order", "采购订单"},
	"invoice.issued":                   {"Issued", "开票日期"},
	"invoice.dispute":                  {"Disputed because", "异议原因"},
	"invoice.match":                    {"Three-way match: order, receipt, invoice", "三单匹配：订单、收货、发票"},
	"invoice.nomatch":                  {"Not matched yet.", "尚未匹配。"},
	"invoice.approve":                  {"Approve: it becomes a payable", "确认：生成应付账款"},
	"invoice.dispute_reason":           {"Why do you dispute it?", "异议原因"},
	"invoice.dispute_submit":           {"Dispute", "提出异议"},
	"piece.title":                      {"Certificate piece", "凭证"},
	"piece.holder":                     {"Held by", "持有人"},
	"piece.tier":                       {"Tier", "层级"},
	"piece.financed":                   {"backs financing", "已融资"},
	"piece.children":                   {"It became", "已拆分为"},
	"piece.lineage":                    {"Where it comes from", "凭证来源"},
	"piece.invoices":                   {"Invoices it stands on", "对应发票"},
	"piece.orders":                     {"Orders", "订单"},
	"piece.split_amount":               {"Split off an amount", "拆分金额"},
	"piece.split":                      {"Split", "拆分"},
	"piece.pass_to":                    {"Pass to your supplier", "转让给供应商"},
	"piece.pass_amount":                {"Amount to pass on", "转让金额"},
	"piece.pass":                       {"Pass on", "转让"},
	"financings.title":                 {"Financings", "融资"},
	"financing.title":                  {"Financing", "融资"},
	"financing.frozen":                 {"frozen: the warehouse counted less than pledged", "已冻结：仓库盘点少于质押数量"},
	"financing.margin_call":            {"margin call", "追加保证金"},
	"financing.asset":                  {"Asset", "融资资产"},
	"financing.discount":               {"Discount or interest", "贴息或利息"},
	"financing.rate":                   {"Annual rate", "年利率"},
	"financing.effective":              {"effective", "实际年化"},
	"financing.days":                   {"Days", "天数"},
	"financing.reasons":                {"Why this quote", "报价依据"},
	"financing.disburse":               {"Pay %s now", "立即放款 %s"},
	"financing.repay":                  {"Repay the loan with its interest", "偿还本息"},
	"financing.cancel":                 {"Withdraw before payment", "放款前撤销"},
	"nav.financings":                   {"Financings", "融资"},
	"col.financing":                    {"Financing", "融资编号"},
	"col.product":                      {"Product", "产品"},
	"col.requester":                    {"Requester", "申请方"},
	"col.funder":                       {"Funder", "资金方"},
	"col.holds_until":                  {"Limits held until", "额度冻结至"},
	"product.certificate_discounting":  {"certificate discounting", "凭证贴现"},
	"product.factoring":                {"factoring", "保理"},
	"product.dynamic_discounting":      {"dynamic discounting", "动态折扣"},
	"product.po_financing":             {"purchase-order financing", "订单融资"},
	"product.warehouse_pledge":         {"warehouse-receipt pledge", "仓单质押"},
	"product.distributor_financing":    {"distributor financing", "经销商融资"},
	"status.quoted":                    {"quoted", "已报价"},
	"status.accepted":                  {"accepted, awaiting payment", "已接受，待放款"},
	"status.cancelled":                 {"cancelled", "已撤销"},
	"status.lapsed":                    {"lapsed", "已失效"},
	"status.disbursed":                 {"disbursed", "已放款"},
	"status.recourse":                  {"repaid by the seller (recourse)", "卖方回购（追索）"},
	"status.defaulted":                 {"defaulted", "已违约"},
	"status.bought_back":               {"bought back by the anchor", "核心企业回购"},
	"payables.title":                   {"Payables", "应付账款"},
	"payables.pick":                    {"Certify", "选择"},
	"payables.certify":                 {"Issue a certificate for the payables ticked", "为所选应付账款签发凭证"},
	"col.payable":                      {"Payable", "应付账款"},
	"nav.payables":                     {"Payables", "应付账款"},
	"status.open":                      {"open", "未结"},
	"status.certified":                 {"certified", "已签发凭证"},
	"status.factored":                  {"factored", "已保理"},
	"status.paid":                      {"paid", "已付"},
	"status.unpaid":                    {"unpaid", "逾期未付"},
	"home.offers":                      {"Offers: cash now for what you are owed", "融资报价：应收款项即刻变现"},
	"offer.title":                      {"Take an offer", "确认融资"},
	"offer.best":                       {"Best: %s by %s", "最优：%s，%s"},
	"offer.on":                         {"on %s", "于 %s 到账"},
	"offer.take_best":                  {"Take the best offer", "接受最优报价"},
	"offer.take":                       {"Take", "接受"},
	"offer.others":                     {"All %d offers", "全部 %d 个报价"},
	"offer.receive":                    {"You receive", "您将收到"},
	"offer.confirm":                    {"Take it: receive %s", "确认：收到 %s"},
	"offer.changed":                    {"The offer changed since you saw it; nothing was done. Here it is as it is now.", "报价已变化，未执行任何操作。以下为最新报价。"},
	"settlements.title":                {"Maturities and settlement", "到期与清算"},
	"settlements.result":               {"Settlement of %s on %s", "%s 于 %s 的清算"},
	"settlements.paid":                 {"%d pieces paid", "已兑付 %d 笔"},
	"settlements.overdue":              {"%d overdue", "逾期 %d 笔"},
	"settlements.overdue_piece":        {"overdue: the anchor's wallet fell short", "逾期：核心企业余额不足"},
	"settlements.pieces":               {"Pieces due", "待兑付笔数"},
	"settlements.due":                  {"Amount due", "待兑付金额"},
	"settlements.paid_pieces":          {"Paid", "已兑付"},
	"settlements.run":                  {"Settle", "清算"},
	"col.program":                      {"Program", "项目"},
	"nav.settlements":                  {"Maturities", "到期清算"},
	"account.enroll_first":             {"Your organization requires a second factor: set up an authenticator app first.", "贵机构要求双重验证：请先设置身份验证器。"},
	"orgs.title":                       {"Organizations", "机构"},
	"orgs.id":                          {"Id", "机构编号"},
	"orgs.name":                        {"Name", "名称"},
	"orgs.capabilities":                {"May", "业务权限"},
	"orgs.save":                        {"Save", "保存"},
	"orgs.new":                         {"Onboard an organization", "新增机构"},
	"orgs.create":                      {"Onboard it", "创建机构"},
	"orgs.created":                     {"Organization %s onboarded.", "已创建机构 %s。"},
	"orgs.changed":                     {"What %s may do is saved.", "已保存 %s 的业务权限。"},
	"nav.orgs":                         {"Organizations", "机构"},
	"cap.trade":                        {"trade", "贸易"},
	"cap.anchor":                       {"anchor: run programs, issue certificates", "核心企业：设立项目、签发凭证"},
	"cap.fund":                         {"fund", "资金方"},
	"cap.logistics":                    {"logistics and warehousing", "物流仓储"},
	"cap.operate":                      {"operate the platform", "平台运营"},
	"users.title":                      {"Users of your organization", "本机构用户"},
	"users.display":                    {"Name shown", "显示名称"},
	"users.change":                     {"Change", "操作"},
	"users.disable":                    {"Disable", "停用"},
	"users.enable":                     {"Enable", "启用"},
	"users.new":                        {"A new user", "新增用户"},
	"users.password":                   {"First password (12 characters or more; hand it over yourself)", "初始密码（至少 12 个字符，请自行转交）"},
	"users.create":                     {"Create the user", "创建用户"},
	"users.created":                    {"User %s made.", "已创建用户 %s。"},
	"users.changed":                    {"Done.", "已完成。"},
	"nav.users":                        {"Users", "用户"},
	"status.active":                    {"active", "有效"},
	"status.disabled":                  {"disabled", "已停用"},
	"account.title":                    {"Your account", "我的账户"},
	"account.role":                     {"Role", "角色"},
	"account.second_factor":            {"Second factor", "双重验证"},
	"account.on":                       {"on: you sign in with a code too", "已启用：登录时需输入动态码"},
	"account.off":                      {"off", "未启用"},
	"account.sessions":                 {"Where you are signed in", "登录会话"},
	"account.signed_in":                {"Signed in", "登录时间"},
	"account.from":                     {"From", "来源地址"},
	"account.until":                    {"Ends at the latest", "最迟结束"},
	"account.this_one":                 {"this browser", "当前浏览器"},
	"account.revoke_others":            {"Sign out everywhere else", "退出其他所有会话"},
	"account.revoked":                  {"%d other sessions ended.", "已结束其他 %d 个会话。"},
	"account.password":                 {"Change your password", "修改密码"},
	"account.current":                  {"Current password", "当前密码"},
	"account.new":                      {"New password (12 characters or more)", "新密码（至少 12 个字符）"},
	"account.change":                   {"Change it and sign in again", "修改并重新登录"},
	"account.totp_start":               {"Set up an authenticator app", "设置身份验证器"},
	"account.totp_again":               {"Replace the authenticator app", "更换身份验证器"},
	"account.totp_scan":                {"Add this key to your authenticator app (shown this once), then type the code it shows.", "请将此密钥添加到身份验证器（仅显示一次），然后输入其显示的动态码。"},
	"account.totp_app":                 {"Open in an authenticator app", "在身份验证器中打开"},
	"account.totp_confirm":             {"Confirm", "确认"},
	"account.totp_on":                  {"The second factor is on: from now you sign in with its code.", "双重验证已启用：此后登录需输入动态码。"},
	"nav.account":                      {"Account", "账户"},
	"status.live":                      {"live", "有效"},
	"status.expired":                   {"ended", "已过期"},
	"status.revoked":                   {"signed out", "已退出"},
	"list.filter":                      {"Filter", "筛选"},
	"list.all":                         {"All", "全部"},
	"list.csv":                         {"Download CSV", "下载 CSV"},
	"list.empty":                       {"Nothing here yet.", "暂无记录。"},
	"list.next":                        {"Next page", "下一页"},
	"col.number":                       {"Number", "编号"},
	"col.seller":                       {"Seller", "卖方"},
	"col.buyer":                        {"Buyer", "买方"},
	"col.due":                          {"Due", "到期日"},
	"col.total":                        {"Total", "金额"},
	"col.status":                       {"Status", "状态"},
	"col.line":                         {"Line", "行"},
	"col.ordered":                      {"Ordered", "订购"},
	"col.received":                     {"Received", "收货"},
	"col.invoiced":                     {"Invoiced", "开票"},
	"col.po_price":                     {"Order price", "订单单价"},
	"col.price":                        {"Invoiced price", "发票单价"},
	"col.reasons":                      {"Findings", "差异"},
	"nav.invoices":                     {"Invoices", "发票"},
	"status.matched":                   {"matched", "已匹配"},
	"status.mismatched":                {"mismatched", "不匹配"},
	"status.approved":                  {"approved", "已确认"},
	"status.disputed":                  {"disputed", "有异议"},
	"error.forbidden":                  {"You may not do this: %s", "您无权执行此操作：%s"},
	"reason.line_not_on_po":            {"the line is not on the order", "该行不在订单中"},
	"reason.nothing_received":          {"nothing was received for the line", "该行尚未收货"},
	"reason.quantity_exceeds_received": {"more invoiced than received", "开票数量超过收货数量"},
	"reason.price_differs":             {"the price differs from the order's beyond the tolerance", "单价与订单差异超出容差"},
	"reason.line_amount_wrong":         {"the line's amount is not quantity × price", "行金额不等于数量×单价"},
	"reason.currency_differs":          {"the currency differs from the order's", "币种与订单不一致"},
	"reason.total_differs":             {"the total is not the lines plus tax", "合计不等于各行金额加税额"},
	"reason.line_invoiced_twice":       {"the line is on the invoice twice", "该行在发票中重复出现"},
	"reason.total_exceeds_tolerance":   {"the total exceeds the order's beyond the tolerance", "合计超出订单金额容差"},
	"reason.received_already_invoiced": {"what was received is invoiced already", "已收货部分已开票"},
	"footer.verify":                    {"Every change is in a signed, verifiable log.", "所有变更均记录在可验证的签名日志中。"},
	"status.split":                     {"split", "已拆分"},
	"status.transferred":               {"passed on", "已转让"},
	"status.settled":                   {"paid", "已兑付"},

	// A record's history, and the words for its events.
	"payable.title":                   {"Payable", "应付账款"},
	"history.title":                   {"History", "历史记录"},
	"history.proof":                   {"In the log", "日志记录"},
	"history.event":                   {"event %d: its proof", "事件 %d：包含证明"},
	"col.time":                        {"Time", "时间"},
	"col.event":                       {"Event", "事件"},
	"event.certificate.created":       {"piece made", "凭证生成"},
	"event.certificate.financed":      {"piece financed", "凭证已融资"},
	"event.certificate.issued":        {"certificate issued", "凭证签发"},
	"event.certificate.locked":        {"piece locked for a financing", "凭证锁定（融资中）"},
	"event.certificate.settled":       {"piece paid at maturity", "凭证到期兑付"},
	"event.certificate.split":         {"piece split", "凭证拆分"},
	"event.certificate.transferred":   {"piece passed on", "凭证转让"},
	"event.certificate.unlocked":      {"piece unlocked", "凭证解锁"},
	"event.financing.accepted":        {"quote accepted", "报价已接受"},
	"event.financing.cancelled":       {"withdrawn", "已撤销"},
	"event.financing.defaulted":       {"defaulted", "已违约"},
	"event.financing.disbursed":       {"paid by the funder", "资金方已放款"},
	"event.financing.frozen":          {"frozen: the lot was counted short", "冻结：盘点数量不足"},
	"event.financing.lapsed":          {"lapsed", "已失效"},
	"event.financing.margin_call":     {"margin call", "追加保证金"},
	"event.financing.margin_restored": {"margin restored", "保证金恢复"},
	"event.financing.quoted":          {"quoted", "已报价"},
	"event.financing.settled":         {"settled", "已结清"},
	"event.financing.swept":           {"repaid from the borrower's wallet", "从借款方钱包扣还"},
	"event.invoice.approved":          {"approved by the buyer", "买方已确认"},
	"event.invoice.credited":          {"credited", "已冲减"},
	"event.invoice.disputed":          {"disputed by the buyer", "买方提出异议"},
	"event.invoice.submitted":         {"submitted and matched", "已提交并匹配"},
	"event.payable.certified":         {"certified", "已签发凭证"},
	"event.payable.created":           {"payable created", "应付账款生成"},
	"event.payable.credited":          {"credited", "已冲减"},
	"event.payable.factored":          {"factored", "已保理"},
	"event.payable.paid":              {"paid", "已付"},
	"event.payable.unlocked":          {"unlocked", "已解锁"},

	// The audit: the signed checkpoint, the log's key, an event's inclusion proof.
	"nav.audit":          {"Audit", "审计"},
	"audit.title":        {"Audit: the signed log", "审计：签名日志"},
	"audit.intro":        {"Every change is an event in an append-only log. The platform signs its root with the key below: anyone holding the key checks, offline, that an event is in the log and that the log was never rewritten.", "每项变更都是只追加日志中的一个事件。平台用下方密钥签署日志根哈希：持有该密钥的任何人都可以离线验证某事件在日志中，且日志从未被改写。"},
	"audit.size":         {"Events in the log", "日志事件数"},
	"audit.root":         {"Root hash", "根哈希"},
	"audit.signed_at":    {"Signed", "签署时间"},
	"audit.key":          {"The log's public key", "日志公钥"},
	"audit.note":         {"The signed checkpoint, as signed", "签名检查点原文"},
	"audit.empty":        {"The log has no checkpoint yet.", "日志尚无检查点。"},
	"audit.find":         {"Event number", "事件编号"},
	"audit.find_submit":  {"Show its proof", "查看包含证明"},
	"audit.event_title":  {"Event", "事件"},
	"audit.record":       {"Record", "记录"},
	"audit.data":         {"What it wrote", "写入内容"},
	"audit.proof":        {"Inclusion proof", "包含证明"},
	"audit.proof_intro":  {"This page hashes the event as the log does and recomputes the root of checkpoint %d from the hashes below; it matches only if the event is in the log exactly as shown.", "本页按日志的方式对该事件求哈希，并用下列哈希重新计算第 %d 号检查点的根；只有事件与所示内容完全一致且在日志中时才会相符。"},
	"audit.leaf":         {"Leaf hash", "叶哈希"},
	"audit.hashes":       {"Proof hashes", "证明哈希"},
	"audit.verified":     {"Verified: the event is in the signed log, as shown.", "已验证：该事件如所示记录在签名日志中。"},
	"audit.mismatch":     {"Does not match: what is shown is not what the log signed.", "不相符：所示内容与日志签署的内容不一致。"},
	"audit.needs_script": {"The page checks the proof in your browser; that needs JavaScript.", "本页在浏览器中验证该证明，需要启用 JavaScript。"},
	"audit.cannot_check": {"This browser cannot check the proof here (it needs a secure connection); check it with linkfin verify.", "此浏览器无法在此验证（需要安全连接），请使用 linkfin verify 验证。"},
	"audit.recheck":      {"Check again", "重新验证"},

	// Warehouse receipts and the counts of their lots.
	"nav.receipts":                      {"Warehouse receipts", "仓单"},
	"receipts.title":                    {"Warehouse receipts", "仓单"},
	"receipt.title":                     {"Warehouse receipt", "仓单"},
	"col.receipt":                       {"Receipt", "仓单"},
	"col.warehouse":                     {"Warehouse", "仓储方"},
	"col.owner":                         {"Owner of the goods", "货主"},
	"col.commodity":                     {"Commodity", "货物"},
	"col.quantity":                      {"Quantity", "数量"},
	"col.observed":                      {"Counted", "盘点数量"},
	"receipt.lot":                       {"Lot", "批次"},
	"receipt.pledged":                   {"Quantity receipted", "仓单数量"},
	"receipt.observed":                  {"Last counted", "最近盘点"},
	"receipt.issued":                    {"Issued", "签发日期"},
	"receipt.frozen":                    {"the lot was counted short: the loan it backs is frozen", "盘点数量不足：所担保的贷款已冻结"},
	"receipt.counts":                    {"Counts over time", "盘点记录"},
	"receipt.chart":                     {"Counts of the %s lot over time, against the %d %s receipted", "%s 批次的盘点数量随时间变化，对比仓单数量 %d %s"},
	"receipt.pledged_line":              {"receipted", "仓单数量"},
	"receipt.counted_at":                {"%d %s counted on %s", "%[3]s 盘点 %[1]d %[2]s"},
	"receipt.froze":                     {"the loan froze", "贷款冻结"},
	"receipt.froze_mark":                {"frozen", "冻结"},
	"receipt.count_label":               {"What your sensors count now (%s)", "当前盘点数量（%s）"},
	"receipt.count":                     {"Report the count", "报告盘点"},
	"status.issued":                     {"issued", "已签发"},
	"status.pledged":                    {"pledged", "已质押"},
	"status.frozen":                     {"frozen", "已冻结"},
	"event.warehouse_receipt.issued":    {"receipt issued", "仓单签发"},
	"event.warehouse_receipt.counted":   {"lot counted", "批次盘点"},
	"event.warehouse_receipt.pledged":   {"pledged for a loan", "质押贷款"},
	"event.warehouse_receipt.released":  {"released", "解除质押"},
	"event.warehouse_receipt.forfeited": {"forfeited to the funder", "归属资金方"},

	// Purchase orders, their shipments, and the invoices a seller makes against them.
	"nav.orders":                     {"Orders", "采购订单"},
	"orders.title":                   {"Purchase orders", "采购订单"},
	"order.title":                    {"Purchase order", "采购订单"},
	"order.issued":                   {"Placed", "下单日期"},
	"order.lines":                    {"Lines", "订单明细"},
	"order.item":                     {"Item", "品名"},
	"order.unit_price":               {"Unit price", "单价"},
	"order.amount":                   {"Amount", "金额"},
	"order.accept":                   {"Accept the order: you will deliver it", "接受订单：承诺交货"},
	"order.shipments":                {"Shipments", "发货"},
	"order.carrier":                  {"Carrier", "承运方"},
	"order.events":                   {"What the carrier reported", "承运方报告"},
	"order.shipment_number":          {"Your shipment's number (optional)", "发货单号（可选）"},
	"order.ship":                     {"Record the shipment", "登记发货"},
	"order.receipts":                 {"Goods received by the buyer", "买方收货"},
	"order.received_at":              {"Received", "收货日期"},
	"order.accepted_qty":             {"Accepted", "验收合格"},
	"order.rejected_qty":             {"Rejected", "拒收"},
	"order.invoices":                 {"Invoices against the order", "订单发票"},
	"order.invoice":                  {"Invoice the order", "开具发票"},
	"order.invoice_number":           {"Your invoice's number", "发票号码"},
	"order.invoice_lines":            {"The lines invoiced (leave a quantity empty not to invoice its line)", "开票明细（数量留空则不开具该行）"},
	"order.tax":                      {"Tax", "税额"},
	"order.invoice_submit":           {"Create the invoice", "开具发票"},
	"order.ubl":                      {"Or upload a UBL 2.1 invoice (XML)", "或上传 UBL 2.1 发票（XML）"},
	"order.ubl_submit":               {"Upload the invoice", "上传发票"},
	"status.order_issued":            {"issued, awaiting the seller", "已下达，待卖方接受"},
	"status.order_accepted":          {"accepted", "已接受"},
	"status.order_cancelled":         {"cancelled", "已取消"},
	"status.shipment_created":        {"announced", "已登记"},
	"status.shipment_picked_up":      {"picked up", "已提货"},
	"status.shipment_in_transit":     {"in transit", "运输中"},
	"status.shipment_delivered":      {"delivered", "已送达"},
	"event.purchase_order.issued":    {"order placed", "订单下达"},
	"event.purchase_order.accepted":  {"accepted by the seller", "卖方接受订单"},
	"event.purchase_order.cancelled": {"cancelled by the buyer", "买方取消订单"},
	"event.purchase_order.received":  {"goods received", "收货"},
	"event.purchase_order.financed":  {"financed", "订单融资"},
	"event.purchase_order.unlocked":  {"financing ended", "融资结束"},
}
