package console

import (
	"bytes"
	"net/http"

	"linkfin"
	"linkfin/iso20022"
	"linkfin/services"
)

func init() { addPages(paymentFileMessages, "paymentfiles") }

// paymentFileMessages are the payment files page's words.
var paymentFileMessages = map[string]message{
	"nav.payment_files": {"Payment files", "付款文件"},
	"pf.title":          {"Payment files", "付款文件"},
	"pf.intro":          {"Every withdrawal over the bank rail is an instruction to the bank. Gather those that wait into a payment file, download its pain.001 document for the bank, and upload the bank's pain.002 status report: each rejected instruction's money goes back to its wallet.", "每笔银行通道提现都是一条付款指令。将待发送的指令汇总为付款文件，下载其 pain.001 报文发送银行，再上传银行的 pain.002 状态报告：被拒指令的款项退回原钱包。"},
	"pf.debtor":         {"Paid from", "付款账户"},
	"pf.no_debtor":      {"No account registered for the platform: files name a placeholder a bank would not take. Register it below.", "平台尚未登记付款账户：文件将使用银行不会接受的占位账户。请在下方登记。"},
	"pf.debtor_new":     {"Register the platform's account files are paid from", "登记平台付款账户"},
	"pf.debtor_name":    {"Account holder's name", "户名"},
	"pf.debtor_save":    {"Save the account", "保存账户"},
	"pf.debtor_saved":   {"The platform's account is saved: the files made from now on are paid from it.", "平台付款账户已保存：此后生成的文件从该账户付款。"},
	"pf.waiting":        {"Instructions waiting to be filed", "待汇总的付款指令"},
	"pf.date":           {"Execution date", "执行日期"},
	"pf.create_submit":  {"Make the file", "生成文件"},
	"pf.file":           {"File", "文件"},
	"pf.count":          {"Instructions", "指令数"},
	"pf.total":          {"Total", "合计"},
	"pf.document":       {"Document for the bank", "银行报文"},
	"pf.report":         {"The bank's status report (pain.002)", "银行状态报告（pain.002）"},
	"pf.report_submit":  {"Apply the report", "导入报告"},
	"pf.rejected":       {"rejected", "被拒"},
	"status.created":    {"made, not yet answered", "已生成，待银行回复"},
	"status.reported":   {"answered by the bank", "银行已回复"},
	"pf.made":           {"Payment file %s made; instructions in it: %d.", "已生成付款文件 %s，共 %d 条指令。"},
	"pf.applied":        {"The bank's report was applied to %s.", "已将银行报告应用于 %s。"},
}

// paymentFileRow is a payment file with its totals by currency.
type paymentFileRow struct {
	linkfin.PaymentFile
	Totals   []linkfin.Money
	Rejected int
}

// paymentFilesView is a page of the payment files, the account they are paid from,
// and what was just done.
type paymentFilesView struct {
	*listView[linkfin.PaymentFile]
	Files  []paymentFileRow
	Debtor *linkfin.PaymentParty // nil: none registered
	// Waiting is how many instructions the next file would take.
	Waiting int
	Acts    bool
}

// paymentFiles lists the payment files (the platform operator's), newest last, a page
// at a time, or as CSV; the operator gathers the waiting instructions into a new file,
// downloads each file's pain.001 document and applies the bank's pain.002 report.
func (c *Console) paymentFiles(w http.ResponseWriter, r *http.Request, p *Person) {
	c.renderPaymentFiles(w, r, p)
}

func (c *Console) renderPaymentFiles(w http.ResponseWriter, r *http.Request, p *Person) {
	if !p.Viewer.Operator {
		c.fail(w, r, p, linkfin.Errorf(linkfin.ENOTFOUND, "no such page"))
		return
	}
	v, ok := listOf[linkfin.PaymentFile](c, w, r, p, linkfin.KindPaymentFile, "payment-files", linkfin.PaymentFileCreated, linkfin.PaymentFileReported)
	if !ok {
		return
	}
	view := paymentFilesView{listView: v, Acts: p.CanAct()}
	for _, f := range v.Rows {
		row, err := fileRow(f)
		if err != nil {
			c.fail(w, r, p, err)
			return
		}
		view.Files = append(view.Files, row)
	}
	var err error
	if view.Waiting, err = services.WaitingToFile(r.Context(), c.Store, p.Viewer, services.RailBank); err != nil {
		c.fail(w, r, p, err)
		return
	}
	var d linkfin.PaymentDebtor
	switch err := services.ReadAs(r.Context(), c.Store, p.Viewer, linkfin.KindPaymentDebtor, services.RailBank, &d); linkfin.ErrorCode(err) {
	case "":
		view.Debtor = &d.Debtor
	case linkfin.ENOTFOUND:
	default:
		c.fail(w, r, p, err)
		return
	}
	c.render(w, r, http.StatusOK, "paymentfiles", "pf.title", p, view, "")
}

// fileRow sums a file's instructions by currency, in the order the currencies first
// come, and counts those the bank rejected.
func fileRow(f linkfin.PaymentFile) (paymentFileRow, error) {
	row := paymentFileRow{PaymentFile: f}
	for _, t := range f.Transfers {
		if t.Status == linkfin.CreditTransferRejected {
			row.Rejected++
		}
		i := 0
		for i < len(row.Totals) && row.Totals[i].Currency != t.Currency {
			i++
		}
		if i == len(row.Totals) {
			row.Totals = append(row.Totals, linkfin.Money{Currency: t.Currency})
		}
		sum, err := row.Totals[i].Add(linkfin.Money{Amount: t.Amount, Currency: t.Currency})
		if err != nil {
			return row, err
		}
		row.Totals[i] = sum
	}
	return row, nil
}

// createPaymentFile gathers the instructions that wait into a payment file to be
// executed on the form's date, as the API's POST /v1/payment-files does, paid from the
// platform's registered account.
func (c *Console) createPaymentFile(w http.ResponseWriter, r *http.Request, p *Person) {
	if !p.Viewer.Operator {
		c.fail(w, r, p, linkfin.Errorf(linkfin.EFORBIDDEN, "the platform's operator makes payment files"))
		return
	}
	d, err := linkfin.ParseDate(r.PostFormValue("date"))
	if err != nil {
		err = inField("date", "form.date", err)
		c.fail(w, r, p, err)
		return
	}
	f, err := actInto[linkfin.PaymentFile](c, r.Context(), p, r.PostForm, &services.CreatePaymentFile{Rail: services.RailBank, Date: d})
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.doneWith(w, r, p, langFor(r, p).T("pf.made", f.ID, f.Count))
}

// paymentFileDocument serves a payment file's pain.001 document to download, in the
// version the query names (pain.001.001.09 by default, or pain.001.001.03), the same
// bytes as the API's.
func (c *Console) paymentFileDocument(w http.ResponseWriter, r *http.Request, p *Person) {
	var f linkfin.PaymentFile
	err := services.ReadAs(r.Context(), c.Store, p.Viewer, linkfin.KindPaymentFile, r.PathValue("id"), &f)
	message := r.URL.Query().Get("message")
	switch message {
	case "":
		message = iso20022.Pain001V09
	case iso20022.Pain001V09, iso20022.Pain001V03:
	default:
		if err == nil {
			err = linkfin.Errorf(linkfin.EINVALID, "message is %s or %s", iso20022.Pain001V09, iso20022.Pain001V03)
		}
	}
	var b bytes.Buffer
	if err == nil {
		err = iso20022.WritePain001Version(&b, services.Pain001(&f), message)
	}
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Disposition", `attachment; filename="`+f.ID+"."+message+`.xml"`)
	w.Write(b.Bytes())
}

// applyPaymentStatus applies the bank's pain.002 status report, uploaded as the form's
// document, to a payment file, as the API's POST /v1/payment-files/{id}/status does.
func (c *Console) applyPaymentStatus(w http.ResponseWriter, r *http.Request, p *Person) {
	if !p.Viewer.Operator {
		c.fail(w, r, p, linkfin.Errorf(linkfin.EFORBIDDEN, "the platform's operator applies the bank's reports"))
		return
	}
	id := r.PathValue("id")
	body, form, err := uploaded(r, "the bank's status report")
	var rep *iso20022.StatusReport
	if err == nil {
		rep, err = iso20022.ReadStatusReport(bytes.NewReader(body))
	}
	if err == nil {
		_, err = c.act(r.Context(), p, form, &services.ApplyPaymentStatus{FileID: id, Report: rep})
	}
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.doneWith(w, r, p, langFor(r, p).T("pf.applied", id))
}

// setPaymentDebtor registers the platform's own account that payment files are paid
// from, from the form, as the API's POST /v1/payment-files/debtor does.
func (c *Console) setPaymentDebtor(w http.ResponseWriter, r *http.Request, p *Person) {
	if !p.Viewer.Operator {
		c.fail(w, r, p, linkfin.Errorf(linkfin.EFORBIDDEN, "the platform's operator registers the account payment files are paid from"))
		return
	}
	d := linkfin.PaymentParty{Name: formField(r)("name"), BankAccount: bankAccountOf(r)}
	if _, err := c.act(r.Context(), p, r.PostForm, &services.SetPaymentDebtor{Debtor: d}); err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.doneWith(w, r, p, langFor(r, p).T("pf.debtor_saved"))
}
