package console

import (
	"errors"

	"linkfin"
)

// codeMessages say what each stable error code of the platform means, in both
// languages. The API answers a refusal with its code and a message in English (the
// problem's code and detail); the console shows the person the code's words in their
// language, with the code, and the API's message beside them for the particulars
// (which field, which amount). A client of the API translates the same way, by code.
// A test fails on a code of the platform without words here.
var codeMessages = map[string]message{
	// The domain's general codes.
	linkfin.ECONFLICT:  {"This conflicts with the record as it is now: it may have changed since the page was drawn.", "与记录的当前状态冲突：页面显示后记录可能已经变化。"},
	linkfin.EFORBIDDEN: {"You may not do this.", "您无权执行此操作。"},
	linkfin.EINTERNAL:  {"The platform could not answer. Please try again.", "平台暂时无法响应，请稍后重试。"},
	linkfin.EINVALID:   {"Some of what was sent is not valid.", "提交的内容有误。"},
	linkfin.ELOCKED:    {"The database is in use by another linkfin; try again later.", "数据库正被另一个 linkfin 进程使用，请稍后重试。"},
	linkfin.ENOTFOUND:  {"There is no such record, or it is not yours to see.", "该记录不存在，或您无权查看。"},
	linkfin.EOVERFLOW:  {"An amount is too large for the platform to count.", "金额过大，超出平台可计算的范围。"},
	linkfin.ETOTALTOOLARGE: {"A total of this report is too large for the platform to show; the records are kept exactly.",
		"此报表的某项合计过大，平台无法显示；各项记录均已准确保存。"},
	linkfin.EUNAUTHORIZED: {"Please sign in.", "请先登录。"},
	"currency_mismatch":   {"The amounts are in different currencies.", "金额的币种不一致。"},
	"out_of_range":        {"An amount, price or quantity is above its maximum.", "金额、价格或数量超过上限。"},
	"invalid_type":        {"A value is of the wrong kind (a number where text goes, or the reverse).", "某个值的类型不正确（例如应为文本却填写了数字）。"},
	"duplicate_number":    {"Your organization already used this document number.", "贵单位已使用过此单据编号。"},
	"text_too_long":       {"A text is longer than its field takes.", "文本超出该栏位允许的长度。"},
	"password_too_short":  {"The password is too short.", "密码太短。"},
	"password_too_long":   {"The password is too long.", "密码太长。"},
	// The engine's.
	"idempotency_key_reused": {"This form was already sent with other values. Open the page again and send it anew.", "此表单已用不同内容提交过。请重新打开页面后再提交。"},
	"unavailable":            {"The platform is unavailable for a moment. Please try again.", "平台暂时不可用，请稍后重试。"},
	// The services'.
	"user_name_taken":                   {"This sign-in name is taken.", "该登录名已被使用。"},
	"totp_required":                     {"Enter the code your authenticator app shows.", "请输入身份验证器显示的动态码。"},
	"totp_replayed":                     {"This code was used already; wait for the next one.", "此动态码已使用过，请等待下一个。"},
	"totp_enrolled":                     {"A second factor is already set up.", "已启用第二重验证。"},
	"second_factor_enrollment_required": {"Your organization requires a second factor: set one up first.", "贵单位要求启用第二重验证：请先完成设置。"},
	"sign_in_rate_limited":              {"Too many attempts. Wait a minute and try again.", "尝试次数过多，请稍候再试。"},
	"csrf_failed":                       {"The form expired. Please send it again.", "表单已过期，请重新提交。"},
	"api_key_limit":                     {"The organization has as many API keys as it may.", "贵单位的 API 密钥数量已达上限。"},
	"webhook_endpoint_limit":            {"The organization has as many webhook endpoints as it may.", "贵单位的 Webhook 端点数量已达上限。"},
	"offer_changed":                     {"The offer changed since it was shown.", "报价在显示后已发生变化。"},
	"asset_financed":                    {"This is financed already, or no longer free to finance.", "该资产已被融资，或已不能再用于融资。"},
	"certificate_not_active":            {"The certificate piece is no longer active: it was split, passed on or settled.", "该凭证已不再有效：已被拆分、转让或结算。"},
	"duplicate_invoice":                 {"The seller already sent this buyer an invoice with this number.", "该卖方已向此买方开具过相同编号的发票。"},
	"invoice_held":                      {"The invoice repeats an earlier one's seller, buyer, amount and dates: it is held for review until the buyer clears it.", "该发票与之前一张发票的卖方、买方、金额和日期相同：已暂停审核，须由买方解除后方可确认。"},
	"issue_date_before_invoice":         {"The credit note is dated before the invoice it credits: nothing is credited before it is billed.", "贷项通知单的开具日期早于其所冲减的发票：未开票不得冲减。"},
	"issue_date_future":                 {"The invoice or credit note is dated after tomorrow: neither is dated ahead.", "发票或贷项通知单的开具日期晚于明天：不得提前开具。"},
	"due_date_unknown":                  {"The invoice states no due date, and the order's program sets no payment terms to give it one.", "发票未写明到期日，且订单所属计划未设付款期限。"},
	"einvoice_rules":                    {"The e-invoice's amounts do not add up as EN 16931 requires.", "电子发票的金额不符合 EN 16931 的计算规则。"},
	"einvoice_type":                     {"linkfin does not take this kind of e-invoice document.", "linkfin 不接受此类电子发票单据。"},
	"einvoice_unbillable":               {"The e-invoice says something an invoice on linkfin cannot hold.", "电子发票含有 linkfin 发票无法承载的内容。"},
	"einvoice_reference":                {"A credit note names the one invoice it credits.", "贷项通知单须注明其冲减的唯一一张发票。"},
	"einvoice_parties":                  {"The e-invoice's seller, buyer or order is not one of yours on linkfin.", "电子发票中的卖方、买方或订单与 linkfin 上的记录不符。"},
	"identifier_taken":                  {"Another organization registered this identifier.", "该标识已被其他单位登记。"},
	"id_taken":                          {"This id differs from one already taken in case alone: choose another.", "该编号与已有编号仅大小写不同：请另选编号。"},
	"organization_name_taken":           {"Another organization has this name, but for case, width, spaces or invisible characters: choose another.", "已有单位使用此名称（仅大小写、全半角、空格或不可见字符不同）：请另选名称。"},
	"device_key_taken":                  {"Another device has this public key: give each device a key of its own.", "该公钥已登记给另一台设备：每台设备须使用自己的密钥。"},
	"invoice_not_matched":               {"Only an invoice that matches its order and receipt can be approved.", "只有与订单和收货相符的发票才能被确认。"},
	"lot_has_receipt":                   {"This lot already has a warehouse receipt.", "该批货物已有仓单。"},
	"not_closable":                      {"This financing is not closed: it settles with its certificate at maturity.", "该融资不能提前结清：到期时随凭证一并结算。"},
	"not_repayable":                     {"This financing is repaid at maturity by settlement, not by its requester.", "该融资到期时通过结算偿还，而非由申请人还款。"},
	"financing_stopped_by_alert":        {"An open alert on this supplier stops its new financing until the program's anchor or a funder resolves it.", "该供应商有未解除的预警，在计划的核心企业或资金方解除之前，暂停其新的融资。"},
	"grade_below_floor":                 {"The supplier's grade is below what the program or the funder finances; its scorecard says what would raise it.", "供应商评级低于该计划或资金方的融资下限；其评分卡列明了提升评级的方法。"},
	"quote_expired":                     {"The quote expired; ask for a new one.", "报价已过期，请重新询价。"},
	"financing_lapsed":                  {"The financing lapsed: it was not paid while its limits were held, and can no longer be disbursed; its asset may be financed again on a new quote.", "该融资已失效：额度占用期内未放款，不能再放款；其资产可凭新报价重新融资。"},
	// The API's.
	"malformed_json":              {"The request is not well-formed JSON.", "请求不是格式正确的 JSON。"},
	"unknown_field":               {"The request has a field the platform does not know.", "请求包含平台无法识别的字段。"},
	"missing_field":               {"A required field is missing.", "缺少必填字段。"},
	"invalid_utf8":                {"The text is not valid UTF-8.", "文本不是有效的 UTF-8 编码。"},
	"body_too_large":              {"What was sent is too large.", "提交的内容过大。"},
	"header_too_large":            {"The request's headers are too large.", "请求头过大。"},
	"body_timeout":                {"What was sent did not all arrive in time: send it again.", "提交的内容未能按时全部送达：请重新提交。"},
	"body_incomplete":             {"What was sent was cut short: send it again.", "提交的内容不完整：请重新提交。"},
	"method_not_allowed":          {"This address does not take this method.", "该地址不支持此请求方法。"},
	"unsupported_media_type":      {"What was sent is not of a type this address takes.", "提交内容的类型不被该地址接受。"},
	"idempotency_key_required":    {"The request needs an idempotency key.", "该请求需要幂等键。"},
	"id_reserved":                 {"This id is reserved for the platform's own use.", "该编号为平台保留。"},
	"ledger_reserved":             {"This ledger holds the platform's own accounts, which only its operations move: use another ledger.", "该账簿记录平台自身的账户，仅由平台业务操作变动：请使用其他账簿。"},
	"rate_limited":                {"Too many requests. Wait a moment and try again.", "请求过于频繁，请稍后再试。"},
	"authentication_rate_limited": {"Too many failed attempts from this address. Wait and try again.", "该地址失败次数过多，请稍后再试。"},
	"unexpected_response":         {"The platform answered something unexpected.", "平台返回了意外的响应。"},
	"no_answer":                   {"The platform did not answer.", "平台没有应答。"},
	// E-invoices (UBL or CII).
	"ubl_invalid":   {"The file is not an e-invoice (UBL 2.1 or CII) the platform can use.", "该文件不是平台可读取的电子发票（UBL 2.1 或 CII）。"},
	"ubl_too_large": {"The file is too large.", "文件过大。"},
	// Payment files.
	"wallet_balance_limit":       {"The payee's e-CNY wallet would hold more than its limit allows.", "收款数字人民币钱包将超过其余额上限。"},
	"wallet_payment_limit":       {"The payment is over the wallet's single-payment limit.", "该笔支付超过钱包的单笔支付限额。"},
	"wallet_daily_limit":         {"The wallet's payments today would pass its daily limit.", "钱包今日支付累计将超过日累计限额。"},
	"wallet_yearly_limit":        {"The wallet's payments this year would pass its yearly limit.", "钱包本年支付累计将超过年累计限额。"},
	"wallet_insufficient_funds":  {"The wallet holds less than the amount.", "钱包余额不足。"},
	"ecny_wallet_not_designated": {"An organization has designated no e-CNY wallet to pay from and be paid into.", "有机构尚未指定用于收付款的数字人民币钱包。"},
	"identity_evidence_required": {"The wallet's class needs identity evidence that is not recorded yet.", "钱包升级所需的身份验证材料尚未记录。"},
	"wallet_limits_exceeded":     {"The sub-wallets' limits together would pass their corporate wallet's.", "各子钱包限额合计将超过其对公钱包的限额。"},
	"nothing_to_file":            {"No payment instruction waits to be filed.", "没有待生成付款文件的付款指令。"},
	"no_bank_account":            {"The organization has registered no bank account to be paid into.", "该企业尚未登记收款银行账户。"},
	// Programs.
	"invitation_changed": {"The anchor changed the invitation: look at its terms again and accept those.", "核心企业已更改邀请条款：请重新查看并按当前条款接受。"},
	// Conditional payments and purpose-bound funds.
	"purpose_bound_payee":        {"This money may be paid only to the payees its purpose-bound wallet lists.", "该笔资金为专款专用，只能支付给钱包列明的收款方。"},
	"conditional_payment_closed": {"The conditional payment is released, expired or cancelled already.", "该条件支付已释放、已到期或已取消。"},
	"insufficient_funds":         {"The paying wallet holds less than the amount.", "付款钱包余额不足。"},
	// Signed telemetry and the warehouse's devices.
	"telemetry_unsigned":     {"The reading is not signed by a registered device.", "该读数未经已登记设备签名。"},
	"telemetry_forged":       {"The reading's signature is not its device's.", "该读数的签名与设备密钥不符。"},
	"telemetry_replayed":     {"The device already reported this reading.", "该设备已报送过此读数。"},
	"telemetry_out_of_order": {"The device already reported a later reading.", "该设备已报送过更新的读数。"},
	"telemetry_stale":        {"The reading is too old, or dated ahead of the platform's clock.", "该读数过旧，或时间超前于平台时钟。"},
	"device_unknown":         {"The warehouse has no such device.", "该仓库没有此设备。"},
	"device_retired":         {"The device is retired.", "该设备已停用。"},
	"device_not_watching":    {"The device watches another lot.", "该设备监测的是其他批次的货物。"},
	"device_key_invalid":     {"The public key is not an Ed25519 key of 32 bytes in base64.", "公钥不是 base64 编码的 32 字节 Ed25519 密钥。"},
	// Bank statements (ISO 20022).
	"unsupported_message": {"The file is not a bank statement message the platform reads.", "该文件不是平台可读取的银行对账单报文。"},
	"malformed_xml":       {"The file is not well-formed XML.", "该文件不是格式正确的 XML。"},
	"statement_conflict":  {"This bank statement was imported before with other content.", "该银行对账单此前已导入，且内容不同。"},
	"entry_booked":        {"This statement entry is booked already.", "该对账单分录已入账。"},
	"account_mismatch":    {"The statement is of another account than the platform's registered bank account: nothing of it was booked.", "该对账单不属于平台登记的银行账户：其中的分录均未入账。"},
	"entry_mismatch":      {"The entry cannot settle this: its direction or amount differs, or the bank has not booked it.", "该分录无法用于结算此项：借贷方向或金额不符，或银行尚未入账。"},
	"not_open":            {"This payment is not waiting for its money: it is settled, rejected or not yet sent to the bank.", "该款项不在待到账状态：已结清、已被拒绝或尚未发送至银行。"},
	// Payment status reports (pain.002).
	"contradictory_report": {"The bank's status report contradicts itself: it accepts and rejects the same payment. Nothing was changed; ask the bank for a corrected report.", "银行的付款状态报告自相矛盾：同一笔付款既被接受又被拒绝。未作任何更改，请向银行索取更正后的报告。"},
	// The ledger's refusals.
	"linked_event_failed":                     {"The request was refused because another part of it was.", "请求中的其他部分被拒绝，因此整笔请求被拒绝。"},
	"linked_event_chain_open":                 {"A chain of linked entries is left open.", "关联分录链未闭合。"},
	"id_must_be_positive":                     {"An id must be a positive number.", "编号必须为正数。"},
	"flags_invalid":                           {"The entry's flags are not valid.", "分录标志无效。"},
	"flags_are_mutually_exclusive":            {"The entry's flags exclude each other.", "分录标志互相冲突。"},
	"ledger_must_not_be_zero":                 {"The ledger must be named.", "必须指定账簿。"},
	"currency_invalid":                        {"The currency is not one the platform knows.", "平台不支持该币种。"},
	"exists":                                  {"This already exists.", "该记录已存在。"},
	"exists_with_different_fields":            {"A record with this id exists with different fields.", "已存在编号相同但内容不同的记录。"},
	"balances_must_be_zero":                   {"A new account starts with no balance.", "新账户的余额必须为零。"},
	"account_not_found":                       {"There is no such account.", "账户不存在。"},
	"account_already_closed":                  {"The account is closed already.", "账户已关闭。"},
	"account_has_pending_balance":             {"The account still has money held.", "账户仍有冻结资金。"},
	"accounts_must_be_different":              {"Money moves between two different accounts.", "转出和转入账户必须不同。"},
	"debit_account_id_must_be_positive":       {"The account paying must be named.", "必须指定付款账户。"},
	"credit_account_id_must_be_positive":      {"The account paid must be named.", "必须指定收款账户。"},
	"debit_account_not_found":                 {"There is no such paying account.", "付款账户不存在。"},
	"credit_account_not_found":                {"There is no such receiving account.", "收款账户不存在。"},
	"debit_account_closed":                    {"The paying account is closed.", "付款账户已关闭。"},
	"credit_account_closed":                   {"The receiving account is closed.", "收款账户已关闭。"},
	"ledger_mismatch":                         {"The two accounts are in different ledgers.", "两个账户不在同一账簿中。"},
	"amount_must_be_positive":                 {"The amount must be more than zero.", "金额必须大于零。"},
	"pending_id_must_be_zero":                 {"Only a hold's payment or release names the hold.", "只有冻结资金的支付或释放才能指定冻结记录。"},
	"pending_id_must_be_positive":             {"The hold must be named.", "必须指定冻结记录。"},
	"pending_id_must_be_different":            {"An entry cannot settle itself.", "分录不能结算其自身。"},
	"timeout_reserved_for_pending_transfer":   {"Only a hold has a time limit.", "只有冻结资金才能设定期限。"},
	"pending_transfer_not_found":              {"There is no such hold.", "冻结记录不存在。"},
	"pending_transfer_not_pending":            {"This entry is not a hold.", "该分录不是冻结资金。"},
	"pending_transfer_already_posted":         {"The hold was paid already.", "冻结资金已支付。"},
	"pending_transfer_already_voided":         {"The hold was released already.", "冻结资金已释放。"},
	"pending_transfer_expired":                {"The hold expired.", "冻结已过期。"},
	"pending_transfer_has_different_accounts": {"The hold is between other accounts.", "冻结记录的账户不一致。"},
	"pending_transfer_has_different_ledger":   {"The hold is in another ledger.", "冻结记录属于另一个账簿。"},
	"pending_transfer_has_different_code":     {"The hold is of another kind.", "冻结记录的类型不一致。"},
	"pending_transfer_has_different_amount":   {"The hold is of another amount.", "冻结金额不一致。"},
	"exceeds_pending_transfer_amount":         {"The amount is more than the hold.", "金额超过冻结金额。"},
	"exceeds_credits":                         {"There is not enough money in the account.", "账户余额不足。"},
	"exceeds_debits":                          {"The account would receive more than it may.", "账户收款将超过其允许的额度。"},
	"overflows_debits_pending":                {"An amount is too large for the platform to count.", "金额过大，超出平台可计算的范围。"},
	"overflows_credits_pending":               {"An amount is too large for the platform to count.", "金额过大，超出平台可计算的范围。"},
	"overflows_debits_posted":                 {"An amount is too large for the platform to count.", "金额过大，超出平台可计算的范围。"},
	"overflows_credits_posted":                {"An amount is too large for the platform to count.", "金额过大，超出平台可计算的范围。"},
	"overflows_debits":                        {"An amount is too large for the platform to count.", "金额过大，超出平台可计算的范围。"},
	"overflows_credits":                       {"An amount is too large for the platform to count.", "金额过大，超出平台可计算的范围。"},
	"overflows_timeout":                       {"The time limit is too far away.", "期限过长。"},
}

func init() {
	for code, m := range codeMessages {
		messages["code."+code] = m
	}
}

// refusal is an error as the person reads it: what its code means in their language,
// the code, and the platform's own message for the particulars.
type refusal struct {
	Text, Code, Detail string
}

// refusalOf puts an error into the language. A code without words (which a test
// prevents) reads as the general "not valid".
func refusalOf(l Lang, err error) refusal {
	code := linkfin.ErrorCode(err)
	key := "code." + code
	if _, ok := messages[key]; !ok {
		key = "code." + linkfin.EINVALID
	}
	var fe *fieldError
	if errors.As(err, &fe) && fe.Key != "" {
		key = fe.Key // what the field takes
	}
	r := refusal{Text: l.T(key), Code: code}
	var e *linkfin.Error
	if errors.As(err, &e) && e.Message != "" {
		r.Detail = e.Message
	}
	return r
}
