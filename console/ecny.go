package console

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"linkfin"
	"linkfin/services"
)

func init() { pageNames = append(pageNames, "ecny") }

// ecnyView is an organization's e-CNY wallets, each as services.ReadECNYWallet reads it.
type ecnyView struct {
	Wallets []linkfin.ECNYWalletOut
	Admin   bool
	// Designated is the wallet the organization pays from and is paid into on the
	// e-CNY rail ("" for none, and for the operator).
	Designated string
}

// ecnyWallets shows the organization's e-CNY wallets (every one, for the operator):
// what each holds and has paid today and this year against its limits, with forms to
// top it up, redeem it and pay from it, and one to open a wallet.
func (c *Console) ecnyWallets(w http.ResponseWriter, r *http.Request, p *Person) {
	today := linkfin.BusinessDate(c.now())
	v := ecnyView{Admin: p.admin() && !p.Viewer.Operator}
	if !p.Viewer.Operator {
		var org linkfin.Organization
		if err := services.ReadAs(r.Context(), c.Store, p.Viewer, linkfin.KindOrganization, p.Viewer.Org, &org); err != nil {
			c.fail(w, r, p, err)
			return
		}
		v.Designated = org.ECNYWalletID
	}
	err := c.scan(r.Context(), p, linkfin.KindECNYWallet, services.Filter{}, func(raw json.RawMessage) error {
		var id struct{ ID string }
		if err := json.Unmarshal(raw, &id); err != nil {
			return err
		}
		out, err := services.ReadECNYWallet(r.Context(), c.Store, c.Engine, p.Viewer, id.ID, today)
		if err != nil {
			return err
		}
		v.Wallets = append(v.Wallets, *out)
		return nil
	})
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.render(w, r, http.StatusOK, "ecny", "ecny.title", p, v, "")
}

// scanLimit bounds the records a page reads of each kind.
const scanLimit = 5000

// scan reads the records of a kind the person sees, filtered, up to scanLimit.
func (c *Console) scan(ctx context.Context, p *Person, kind string, f services.Filter, each func(json.RawMessage) error) error {
	for after, n := "", 0; n < scanLimit; {
		page, err := services.List(ctx, c.Store, p.Viewer, kind, f, after, 500)
		if err != nil {
			return err
		}
		for _, raw := range page.Data {
			if err := each(raw); err != nil {
				return err
			}
		}
		n += len(page.Data)
		if page.NextCursor == "" {
			return nil
		}
		after = page.NextCursor
	}
	return nil
}

// openECNYWallet opens a personal wallet, of class IV, for the admin's organization.
func (c *Console) openECNYWallet(w http.ResponseWriter, r *http.Request, p *Person) {
	if !p.admin() || p.Viewer.Operator {
		c.fail(w, r, p, linkfin.Errorf(linkfin.EFORBIDDEN, "an organization's admin opens its wallets"))
		return
	}
	if _, err := c.act(r.Context(), p, r.PostForm, &services.OpenECNYWallet{Actor: p.Viewer.Org, OrgID: p.Viewer.Org}); err != nil {
		c.fail(w, r, p, err)
		return
	}
	done(w, r, "/ecny")
}

// moveECNY tops a wallet up from the organization's platform wallet, or redeems it
// back.
func (c *Console) moveECNY(op string) func(http.ResponseWriter, *http.Request, *Person) {
	return func(w http.ResponseWriter, r *http.Request, p *Person) {
		a, err := amount(r.PostFormValue("amount"), "CNY")
		err = inField("amount", "form.amount", err)
		if err == nil {
			_, err = c.act(r.Context(), p, r.PostForm, &services.MoveECNY{Actor: p.Viewer.Org, ID: r.PathValue("id"), Op: op, Amount: a})
		}
		if err != nil {
			c.fail(w, r, p, err)
			return
		}
		done(w, r, "/ecny")
	}
}

// payECNY pays from one of the organization's wallets to the wallet named.
func (c *Console) payECNY(w http.ResponseWriter, r *http.Request, p *Person) {
	a, err := amount(r.PostFormValue("amount"), "CNY")
	err = inField("amount", "form.amount", err)
	if err == nil {
		_, err = c.act(r.Context(), p, r.PostForm, &services.PayECNY{Actor: p.Viewer.Org, From: r.PathValue("id"),
			To: r.PostFormValue("to"), Amount: a})
	}
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	done(w, r, "/ecny")
}

// designateECNY designates one of the organization's wallets as the one it pays from
// and is paid into on the e-CNY rail.
func (c *Console) designateECNY(w http.ResponseWriter, r *http.Request, p *Person) {
	if _, err := c.act(r.Context(), p, r.PostForm, &services.DesignateECNYWallet{Actor: p.Viewer.Org, OrgID: p.Viewer.Org,
		WalletID: r.PathValue("id")}); err != nil {
		c.fail(w, r, p, err)
		return
	}
	done(w, r, "/ecny")
}

func init() { addPages(ecnyWalletMessages, "ecny_wallet") }

// ecnyWalletRoutes registers a wallet's page and what is done there: the operator
// records its owner's identity evidence; the owner raises its class, opens sub-wallets
// of a corporate wallet and funds them from it.
func (c *Console) ecnyWalletRoutes() {
	c.mux.HandleFunc("GET /ecny/{id}", c.person(c.ecnyWallet))
	c.mux.HandleFunc("POST /ecny/{id}/evidence", c.person(c.recordECNYEvidence))
	c.mux.HandleFunc("POST /ecny/{id}/class", c.person(c.raiseECNYClass))
	c.mux.HandleFunc("POST /ecny/{id}/sub-wallets", c.person(c.openECNYSubWallet))
	c.mux.HandleFunc("POST /ecny/{id}/fund", c.person(c.fundECNYSubWallet))
}

// ecnyRaise is a class a personal wallet may be raised to, with the identity evidence
// it needs.
type ecnyRaise struct {
	Class    int
	Limits   linkfin.WalletLimits
	Evidence []string
}

// ecnyWalletView is one wallet, as services.ReadECNYWallet reads it, with its
// sub-wallets (a corporate wallet's), and what the person may do.
type ecnyWalletView struct {
	W    linkfin.ECNYWalletOut
	Subs []linkfin.ECNYWalletOut
	// Corporate: a corporate wallet, which has sub-wallets.
	Corporate bool
	// Owns: the person acts for the wallet's owner; Admin: and opens its wallets.
	Owns, Admin bool
	// Records: the operator, who records the owner's identity evidence.
	Records      bool
	EvidenceKind []string
	Raises       []ecnyRaise // the stronger classes, for the owner
	Designated   bool
	History      history
}

// ecnyWallet shows a wallet: its class (or that it is corporate, or a sub-wallet of
// which), its limits and what it holds and has paid today and this year against them,
// the identity evidence recorded of its owner, and, for a corporate wallet, its
// sub-wallets, each with the limits it delegated to it. The operator records evidence
// here; the owner raises the class, opens sub-wallets and funds them.
func (c *Console) ecnyWallet(w http.ResponseWriter, r *http.Request, p *Person) {
	if !p.has(sectionOf("/ecny")) {
		c.fail(w, r, p, linkfin.Errorf(linkfin.ENOTFOUND, "no such page"))
		return
	}
	today := linkfin.BusinessDate(c.now())
	out, err := services.ReadECNYWallet(r.Context(), c.Store, c.Engine, p.Viewer, r.PathValue("id"), today)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	v := ecnyWalletView{W: *out, Corporate: out.Class == 0 && out.ParentID == ""}
	v.Owns = p.CanAct() && !p.Viewer.Operator && p.Viewer.Org == out.OrgID
	v.Admin = v.Owns && p.admin()
	v.Records = p.Viewer.Operator && p.CanAct()
	if v.Records {
		v.EvidenceKind = []string{linkfin.EvidenceIdentity, linkfin.EvidenceBankAccount, linkfin.EvidenceInPerson}
	}
	if v.Owns {
		for class := out.Class - 1; class >= 1; class-- {
			v.Raises = append(v.Raises, ecnyRaise{Class: int(class), Limits: linkfin.ClassLimits[class], Evidence: linkfin.EvidenceFor(class)})
		}
	}
	if !p.Viewer.Operator {
		var org linkfin.Organization
		if err := services.ReadAs(r.Context(), c.Store, p.Viewer, linkfin.KindOrganization, p.Viewer.Org, &org); err != nil {
			c.fail(w, r, p, err)
			return
		}
		v.Designated = org.ECNYWalletID == out.ID
	}
	if v.Corporate {
		err := c.scan(r.Context(), p, linkfin.KindECNYWallet, services.Filter{}, func(raw json.RawMessage) error {
			var sub struct {
				ID       string `json:"id"`
				ParentID string `json:"parent_id"`
			}
			if err := json.Unmarshal(raw, &sub); err != nil || sub.ParentID != out.ID {
				return err
			}
			s, err := services.ReadECNYWallet(r.Context(), c.Store, c.Engine, p.Viewer, sub.ID, today)
			if err != nil {
				return err
			}
			v.Subs = append(v.Subs, *s)
			return nil
		})
		if err != nil {
			c.fail(w, r, p, err)
			return
		}
	}
	if v.History, err = c.history(r.Context(), r, p, linkfin.KindECNYWallet, out.ID); err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.render(w, r, http.StatusOK, "ecny_wallet", "ecny.wallet_title", p, v, "")
}

// recordECNYEvidence records identity evidence of a wallet's owner: the operator's, as
// the wallet's operating institution, as the API's POST /v1/ecny-wallets/{id}/evidence.
func (c *Console) recordECNYEvidence(w http.ResponseWriter, r *http.Request, p *Person) {
	if !p.Viewer.Operator {
		c.fail(w, r, p, linkfin.Errorf(linkfin.EFORBIDDEN, "the platform's operator, as the wallet's operating institution, records identity evidence"))
		return
	}
	id := r.PathValue("id")
	in := linkfin.ECNYEvidenceIn{Kind: r.PostFormValue("kind"), Reference: r.PostFormValue("reference")}
	if _, err := c.act(r.Context(), p, r.PostForm, &services.RecordECNYEvidence{ID: id, Evidence: in}); err != nil {
		c.fail(w, r, p, err)
		return
	}
	done(w, r, "/ecny/"+id)
}

// raiseECNYClass raises one of the organization's personal wallets to a stronger
// class, as the API's POST /v1/ecny-wallets/{id}/class: refused with
// identity_evidence_required until the evidence the class needs is recorded.
func (c *Console) raiseECNYClass(w http.ResponseWriter, r *http.Request, p *Person) {
	id := r.PathValue("id")
	class, err := strconv.Atoi(r.PostFormValue("class"))
	if err != nil {
		err = linkfin.Errorf(linkfin.EINVALID, "class is a wallet class, 1 to 4")
	} else {
		_, err = c.act(r.Context(), p, r.PostForm, &services.RaiseECNYClass{Actor: p.Viewer.Org, ID: id, Class: linkfin.WalletClass(class)})
	}
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	done(w, r, "/ecny/"+id)
}

// openECNYSubWallet opens a sub-wallet of one of the organization's corporate wallets
// (its admin), with the limits typed, in yuan, within the parent's: as the API's POST
// /v1/ecny-wallets with parent_id.
func (c *Console) openECNYSubWallet(w http.ResponseWriter, r *http.Request, p *Person) {
	if !p.admin() || p.Viewer.Operator {
		c.fail(w, r, p, linkfin.Errorf(linkfin.EFORBIDDEN, "an organization's admin opens its wallets"))
		return
	}
	parent := r.PathValue("id")
	var l linkfin.WalletLimits
	var err error
	for _, f := range []struct {
		name string
		to   *int64
	}{{"balance", &l.Balance}, {"payment", &l.Payment}, {"daily", &l.Daily}, {"yearly", &l.Yearly}} {
		if *f.to, err = amount(r.PostFormValue(f.name), "CNY"); err != nil {
			err = inField(f.name, "form.amount", err)
			break
		}
	}
	if err == nil {
		_, err = c.act(r.Context(), p, r.PostForm, &services.OpenECNYWallet{Actor: p.Viewer.Org, OrgID: p.Viewer.Org,
			In: linkfin.ECNYWalletIn{ParentID: parent, Limits: &l}})
	}
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	done(w, r, "/ecny/"+parent)
}

// fundECNYSubWallet funds a sub-wallet from its corporate parent, up to the
// sub-wallet's balance limit, as the API's POST /v1/ecny-wallets/{id}/fund, and shows
// the parent again.
func (c *Console) fundECNYSubWallet(w http.ResponseWriter, r *http.Request, p *Person) {
	a, err := amount(r.PostFormValue("amount"), "CNY")
	err = inField("amount", "form.amount", err)
	var answer json.RawMessage
	if err == nil {
		answer, err = c.act(r.Context(), p, r.PostForm, &services.MoveECNY{Actor: p.Viewer.Org, ID: r.PathValue("id"), Op: "fund", Amount: a})
	}
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	var sub linkfin.ECNYWallet
	if err := json.Unmarshal(answer, &sub); err != nil || sub.ParentID == "" {
		done(w, r, "/ecny/"+r.PathValue("id"))
		return
	}
	done(w, r, "/ecny/"+sub.ParentID)
}

// ecnyWalletMessages are the words of a wallet's page.
var ecnyWalletMessages = map[string]message{
	"ecny.wallet_title":                   {"e-CNY wallet", "数字人民币钱包"},
	"ecny.parent":                         {"Funded from", "资金来源钱包"},
	"ecny.evidence":                       {"Identity evidence recorded", "已记录的身份验证材料"},
	"ecny.evidence_none":                  {"No identity evidence is recorded of the owner.", "尚未记录所有者的身份验证材料。"},
	"ecny.evidence_kind":                  {"Evidence", "材料"},
	"ecny.evidence_reference":             {"Reference", "编号"},
	"ecny.evidence_recorded":              {"Recorded", "记录时间"},
	"ecny.evidence_record":                {"Record identity evidence", "记录身份验证材料"},
	"ecny.evidence.identity_document":     {"Identity document", "身份证件"},
	"ecny.evidence.bank_account":          {"Bank account in the owner's name", "本人银行账户"},
	"ecny.evidence.in_person":             {"Check in person", "当面核验"},
	"ecny.raise":                          {"Raise the class", "升级钱包"},
	"ecny.raise_to":                       {"To class", "升级至"},
	"ecny.raise_option":                   {"Class %d: holds %s, pays %s at once, %s a day", "%d 类：余额上限 %s，单笔 %s，日累计 %s"},
	"ecny.needs":                          {"Class %d needs:", "%d 类需要："},
	"ecny.raise_intro":                    {"A stronger class has higher limits. It needs the identity evidence listed, which the platform's operator records.", "更高等级的钱包限额更高，需具备所列身份验证材料（由平台运营方记录）。"},
	"ecny.subs":                           {"Sub-wallets", "子钱包"},
	"ecny.subs_intro":                     {"Each sub-wallet has the limits this wallet delegated to it, carved out of its own: together they hold no more than this wallet's limits allow, and with this wallet pay no more: what it delegates of its daily and yearly limits it no longer pays itself. Each is funded from it.", "每个子钱包的限额由本钱包从自身限额中划出授权：各子钱包合计的余额、日累计与年累计限额不超过本钱包的限额，已授权的日累计与年累计额度本钱包自身不再使用。资金由本钱包划入。"},
	"ecny.subs_none":                      {"No sub-wallet yet.", "尚无子钱包。"},
	"ecny.sub_open":                       {"Open a sub-wallet with delegated limits", "开立子钱包并授权限额"},
	"ecny.limit_balance":                  {"Holds at most", "余额上限"},
	"ecny.limit_payment":                  {"One payment at most", "单笔支付限额"},
	"ecny.limit_daily":                    {"Pays a day at most", "日累计限额"},
	"ecny.limit_yearly":                   {"Pays a year at most", "年累计限额"},
	"ecny.fund_amount":                    {"Amount to fund from the corporate wallet", "从对公钱包划入金额"},
	"ecny.fund":                           {"Fund", "划入"},
	"ecny.wallet":                         {"Wallet", "钱包"},
	"offer.confirm_ecny":                  {"Receive %s in e-CNY, into the wallet you designated", "以数字人民币收取 %s，收入贵单位指定的钱包"},
	"event.ecny_wallet.opened":            {"opened", "已开立"},
	"event.ecny_wallet.evidence_recorded": {"identity evidence recorded", "已记录身份材料"},
	"event.ecny_wallet.class_raised":      {"class raised", "已升级"},
	"event.ecny_wallet.period_began":      {"a new day's or year's totals began", "日/年累计重新开始"},
	"event.ecny_wallet.limits_delegated":  {"limits delegated to a new sub-wallet", "已向新子钱包授权限额"},
}
