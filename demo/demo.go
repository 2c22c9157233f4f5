// Package demo runs linkfin's whole process on a fresh embedded store and tells it as a
// story: a supply chain of an anchor, three tiers of suppliers, two funders and a
// logistics operator, from purchase order to settlement, with the controls that refuse
// what must be refused, and a reconciliation at the end that fails loudly if a single
// fen is unexplained. The same seed gives the same output.
package demo

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"golang.org/x/mod/sumdb/note"

	"linkfin"
	"linkfin/audit"
	"linkfin/engine"
	"linkfin/ledger"
	"linkfin/services"
	"linkfin/sqlite"
	"linkfin/tlog"
)

// ErrUnreconciled is returned when the closing reconciliation finds anything wrong.
var ErrUnreconciled = errors.New("the demo does not reconcile")

// clock is the demo's own time: it starts on a fixed day and moves only when the story
// says so, so that every run prints the same.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type run struct {
	ctx   context.Context
	w     io.Writer
	e     *engine.Engine
	s     linkfin.Store
	clock *clock
	step  int
	err   error
	// seed, when set, collects the commands instead of running them.
	seed *[]linkfin.Command
	// ids are the ids the platform gave the records the story made, by the story's
	// names for them ("PO-1001", "C-1a").
	ids map[string]string
	// ecnyAnchor and ecnyTier1 are the e-CNY wallets the anchor and tier1 designated.
	ecnyAnchor, ecnyTier1 *linkfin.ECNYWallet
}

// Run tells the story to w. dir is a directory for the temporary database ("" for the
// system's temporary directory).
func Run(ctx context.Context, w io.Writer, dir string) error {
	tmp, err := os.MkdirTemp(dir, "linkfin-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	s, err := sqlite.Open(filepath.Join(tmp, "demo.db"))
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		return err
	}
	skey, vkey, err := tlog.GenerateKey("linkfin-demo")
	if err != nil {
		return err
	}
	signer, _ := note.NewSigner(skey)
	verifier, _ := note.NewVerifier(vkey)
	c := &clock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	e, err := engine.Open(ctx, engine.Config{Store: s, Signer: signer, Now: c.Now})
	if err != nil {
		return err
	}
	r := &run{ctx: ctx, w: w, e: e, s: s, clock: c}
	r.story()
	if err := e.Close(); err != nil {
		return err
	}
	if r.err != nil {
		return r.err
	}
	return r.reconcile(verifier)
}

func (r *run) title(format string, args ...any) {
	r.step++
	fmt.Fprintf(r.w, "\n%d. %s\n", r.step, fmt.Sprintf(format, args...))
}

func (r *run) say(format string, args ...any) { fmt.Fprintf(r.w, "   "+format+"\n", args...) }

// do runs a command that must succeed and decodes its answer into v.
func (r *run) do(c linkfin.Command, v any) {
	if r.err != nil {
		return
	}
	if r.seed != nil {
		*r.seed = append(*r.seed, c)
		return
	}
	if v == nil {
		v = new(json.RawMessage)
	}
	if err := r.e.Run(r.ctx, c, v); err != nil {
		r.err = fmt.Errorf("step %d: %s: %w", r.step, engine.Name(c), err)
	}
}

// make runs a command that makes records, decodes its answer into v (if not nil),
// and keeps the ids the platform gave the records under the story's names for them,
// in the order the answer lists them.
func (r *run) make(c linkfin.Command, v any, names ...string) {
	var raw json.RawMessage
	r.do(c, &raw)
	if r.err != nil {
		return
	}
	type made struct {
		ID string `json:"id"`
	}
	var many []made
	if err := json.Unmarshal(raw, &many); err != nil {
		var one made
		if err := json.Unmarshal(raw, &one); err != nil {
			r.err = err
			return
		}
		many = append(many, one)
	}
	if r.ids == nil {
		r.ids = make(map[string]string)
	}
	for i, name := range names {
		r.ids[name] = many[i].ID
	}
	if v != nil {
		r.err = json.Unmarshal(raw, v)
	}
}

// id is the id of the record the story names.
func (r *run) id(name string) string { return r.ids[name] }

// refuse runs a command that must be refused with the code.
func (r *run) refuse(what, code string, c linkfin.Command) {
	if r.err != nil {
		return
	}
	err := r.e.Run(r.ctx, c, new(json.RawMessage))
	if linkfin.ErrorCode(err) != code {
		r.err = fmt.Errorf("step %d: %s: got %v, want %s", r.step, what, err, code)
		return
	}
	r.say("refused as it must be — %s: %s", what, code)
}

// request is the command by which actor asks the product for a quote on an asset of
// the program, made by the product itself.
func (r *run) request(actor string, product linkfin.Product, assetID, funderID string) linkfin.Command {
	return r.requestWith(actor, product, assetID, funderID, "")
}

// requestWith is request with a way of paying out (see linkfin.DisbursementMode).
func (r *run) requestWith(actor string, product linkfin.Product, assetID, funderID string, mode linkfin.DisbursementMode) linkfin.Command {
	in := linkfin.FinancingIn{Product: product, ProgramID: "auto-scf", AssetID: assetID, FunderID: funderID, Disbursement: mode}
	p, err := services.ProductNamed(product)
	if err != nil {
		return failed{err}
	}
	c, err := p.Request(r.ctx, r.s, actor, &in)
	if err != nil {
		return failed{err}
	}
	return c
}

// conditional says where a conditional payment stands.
func (r *run) conditional(id string) string {
	var p linkfin.ConditionalPayment
	o, err := r.s.Object(r.ctx, linkfin.KindConditionalPayment, id)
	if err == nil {
		err = json.Unmarshal(o.Data, &p)
	}
	if err != nil {
		r.err = err
		return ""
	}
	return fmt.Sprintf("%s released to tier1, %s still locked (%s)", money(p.Released), money(p.Remaining()), p.Status)
}

// accept is the command by which actor accepts the quote f, made by its product.
func (r *run) accept(actor string, f *linkfin.Financing) linkfin.Command {
	p, err := services.ProductOf(f)
	if err != nil {
		return failed{err}
	}
	return p.Accept(actor, f)
}

// repay is the command by which actor repays the loan f, made by its product.
func (r *run) repay(actor string, f *linkfin.Financing) linkfin.Command {
	c, err := services.RepayFinancing(actor, f)
	if err != nil {
		return failed{err}
	}
	return c
}

// close is the command that closes f at its due date, made by its product.
func (r *run) close(f *linkfin.Financing) linkfin.Command {
	p, err := services.ProductOf(f)
	if err == nil {
		var c linkfin.Command
		if c, err = p.Close(f); err == nil {
			return c
		}
	}
	return failed{err}
}

// financing reads the financing the story calls name.
func (r *run) financing(name string) *linkfin.Financing {
	var f linkfin.Financing
	if r.err == nil {
		if o, err := r.s.Object(r.ctx, linkfin.KindFinancing, r.id(name)); err != nil {
			r.err = err
		} else {
			r.err = json.Unmarshal(o.Data, &f)
		}
	}
	return &f
}

// failed is a command that could not be made: running it fails with the reason.
type failed struct{ err error }

func (failed) Keys() []linkfin.ObjectKey       { return nil }
func (c failed) Apply(linkfin.Tx) (any, error) { return nil, c.err }

// offered lists every product the platform has, which the story's program offers.
func offered() []linkfin.Product {
	var out []linkfin.Product
	for _, p := range services.Products() {
		out = append(out, p.Name())
	}
	return out
}

func money(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	s := fmt.Sprintf("%d", v/100)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return fmt.Sprintf("%s%s.%02d", sign, s, v%100)
}

func rate(s string) linkfin.Rate {
	r, err := linkfin.ParseRate(s)
	if err != nil {
		panic(err)
	}
	return r
}

func date(s string) linkfin.Date {
	d, err := linkfin.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func (r *run) table(header string, rows [][]string) {
	tw := tabwriter.NewWriter(r.w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "   \t"+strings.ReplaceAll(header, "|", "\t")+"\t")
	for _, row := range rows {
		fmt.Fprintln(tw, "   \t"+strings.Join(row, "\t")+"\t")
	}
	tw.Flush()
}

// Organizations are the demo's supply chain: an anchor, three tiers of suppliers, a
// distributor, two funders and a logistics operator.
var Organizations = []linkfin.Organization{
	{ID: "anchor", Name: "Core Auto Group", Capabilities: caps(linkfin.CapAnchor, linkfin.CapTrade), BankAccount: account("6222020200100000011", "ICBKCNBJ", "102100000030"),
		Address: address("Anting Road", "88", "201805", "Shanghai", "Shanghai")},
	{ID: "tier1", Name: "Tier One Brakes", Capabilities: caps(linkfin.CapTrade), BankAccount: account("6217000010000000022", "PCBCCNBJ", "105100000017"),
		Address: address("Changjiang Road", "12", "215000", "Suzhou", "Jiangsu")},
	{ID: "tier2", Name: "Tier Two Castings", Capabilities: caps(linkfin.CapTrade), BankAccount: account("6228480010000000033", "ABOCCNBJ", "103100000026"),
		Address: address("Xingye Avenue", "7", "213000", "Changzhou", "Jiangsu")},
	{ID: "tier3", Name: "Tier Three Foundry Sand", Capabilities: caps(linkfin.CapTrade), BankAccount: account("6216610100000000044", "BKCHCNBJ", "104100000004"),
		Address: address("Quarry Lane", "3", "239000", "Chuzhou", "Anhui")},
	{ID: "bank", Name: "River Bank", Capabilities: caps(linkfin.CapFund), BankAccount: account("6222600110000000055", "COMMCNSH", "301290000007"),
		Address: address("Lujiazui Ring Road", "1000", "200120", "Shanghai", "Shanghai")},
	{ID: "factor", Name: "Quick Factor", Capabilities: caps(linkfin.CapFund), BankAccount: account("6225880100000000066", "CMBCCNBS", "308584000013"),
		Address: address("Century Avenue", "88", "200120", "Shanghai", "Shanghai")},
	{ID: "port", Name: "Port Logistics", Capabilities: caps(linkfin.CapLogistics), BankAccount: account("6222020200100000077", "ICBKCNBJ", "102100000030"),
		Address: address("Yangshan Port Road", "1", "201308", "Shanghai", "Shanghai")},
	{ID: "dealer", Name: "East Coast Dealer", Capabilities: caps(linkfin.CapTrade), BankAccount: account("6217000010000000088", "PCBCCNBJ", "105100000017"),
		Address: address("Zhongshan Road", "56", "210000", "Nanjing", "Jiangsu")},
}

func caps(cs ...linkfin.Capability) []linkfin.Capability { return cs }

// address is an organization's postal address in China.
func address(street, number, postCode, town, province string) *linkfin.PostalAddress {
	return &linkfin.PostalAddress{Street: street, BuildingNumber: number, PostCode: postCode, Town: town, Subdivision: province, Country: "CN"}
}

// account is a Chinese bank account (no IBAN) at the bank of the BIC and the CNAPS
// code: where an organization's withdrawals over the bank rail are paid.
func account(number, bic, code string) *linkfin.BankAccount {
	return &linkfin.BankAccount{Account: number, BIC: bic, BankCode: code}
}

// SeedCommands are the commands that put the demo's supply chain into an empty store:
// the organizations, their relationships, the program with its two funders, and the
// opening payments. "linkfin serve --demo" runs them in one request, with its keys.
func SeedCommands() []linkfin.Command {
	var cs []linkfin.Command
	r := &run{w: io.Discard, seed: &cs}
	r.parties()
	return cs
}

// Seed runs SeedCommands in one request, so in one batch of the engine: a seeding cut
// short leaves nothing of it.
func Seed(ctx context.Context, e *engine.Engine) error {
	return SubmitAll(ctx, e, SeedCommands())
}

// SubmitAll runs the commands in one request, and names the first that failed.
func SubmitAll(ctx context.Context, e *engine.Engine, cs []linkfin.Command) error {
	resp, err := e.Submit(ctx, &engine.Request{Commands: cs})
	if err != nil {
		return err
	}
	for i, out := range resp.Outcomes {
		if err := out.Err(); err != nil {
			return fmt.Errorf("%s: %w", engine.Name(cs[i]), err)
		}
	}
	return nil
}

// parties brings the supply chain onto the platform.
func (r *run) parties() {
	r.title("The parties join")
	var rows [][]string
	for _, o := range Organizations {
		r.do(&services.CreateOrganization{Org: o}, nil)
		var cs []string
		for _, c := range o.Capabilities {
			cs = append(cs, string(c))
		}
		rows = append(rows, []string{o.ID, o.Name, strings.Join(cs, ",")})
	}
	r.table("id|name|capabilities", rows)
	for _, pair := range [][2]string{{"anchor", "tier1"}, {"tier1", "tier2"}, {"tier2", "tier3"}, {"dealer", "anchor"}} {
		r.do(&services.ProposeRelationship{Actor: pair[0], BuyerID: pair[0], SellerID: pair[1]}, nil)
		r.do(&services.AcceptRelationship{Actor: pair[1], BuyerID: pair[0], SellerID: pair[1]}, nil)
		r.say("%s buys from %s: relationship active", pair[0], pair[1])
	}

	r.title("The anchor opens a program with all six products; two funders accept their parts")
	apr, marginCall := rate("0.18"), rate("0.75")
	r.do(&services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: "auto-scf", Name: "Core Auto supply chain finance",
		Currency: "CNY", Limit: 50_000_000_00, MaxTenorDays: 180, AdvanceRate: rate("0.6"), DayCount: linkfin.ACT360, Calendar: "CN",
		Products:        offered(),
		EarlyPaymentAPR: &apr, MarginCallLTV: &marginCall, BuyBack: true, SupplierLimit: 2_100_000_00,
		Tolerances: linkfin.MatchTolerances{QuantityRate: rate("0.02"), PriceRate: rate("0.01"), AmountAbs: 100_00}}}, nil)
	fixed, base, margin := rate("0.0425"), rate("0.031"), rate("0.012")
	r.do(&services.InviteFunder{Actor: "anchor", ProgramID: "auto-scf", FunderID: "bank", Limit: 30_000_000_00, Pricing: linkfin.Pricing{FixedRate: &fixed}}, nil)
	r.do(&services.InviteFunder{Actor: "anchor", ProgramID: "auto-scf", FunderID: "factor", Limit: 20_000_000_00, Pricing: linkfin.Pricing{BaseRate: &base, Margin: &margin}}, nil)
	r.do(&services.AcceptFunder{Actor: "bank", ProgramID: "auto-scf"}, nil)
	r.do(&services.AcceptFunder{Actor: "factor", ProgramID: "auto-scf"}, nil)
	r.table("funder|limit|price", [][]string{{"bank", money(30_000_000_00), "4.25 % fixed"}, {"factor", money(20_000_000_00), "3.1 % + 1.2 %"}})
	for _, d := range []struct {
		org, rail string
		amount    int64
	}{{"bank", "bank", 20_000_000_00}, {"factor", "bank", 10_000_000_00}, {"anchor", "ecny", 3_000_000_00}} {
		r.do(&services.RecordInboundPayment{Rail: d.rail, InstructionID: "open-" + d.org, OrgID: d.org, Currency: "CNY", Amount: d.amount}, nil)
		r.say("%s pays in %s over the %s rail", d.org, money(d.amount), d.rail)
	}

}

func (r *run) story() {
	r.parties()

	r.title("A purchase order travels: shipped, delivered, received")
	r.make(&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{Number: "PO-1001", SellerID: "tier1", ProgramID: "auto-scf", Currency: "CNY",
		Lines: []linkfin.POLine{{LineID: "1", Item: "brake disc", Quantity: 8000, Unit: "pc", UnitPrice: 125_00},
			{LineID: "2", Item: "caliper", Quantity: 1000, Unit: "pc", UnitPrice: 1000_00}}}}, nil, "PO-1001")
	r.say("the anchor's order PO-1001 is %s on the platform: the platform names every record, the parties number their documents", r.id("PO-1001"))
	r.do(&services.AcceptPurchaseOrder{Actor: "tier1", ID: r.id("PO-1001")}, nil)
	r.make(&services.CreateShipment{Actor: "tier1", Shipment: linkfin.Shipment{Number: "SH-1", POID: r.id("PO-1001"), CarrierID: "port"}}, nil, "SH-1")
	for _, st := range []linkfin.ShipmentStatus{linkfin.ShipmentPickedUp, linkfin.ShipmentInTransit, linkfin.ShipmentDelivered} {
		r.do(&services.ReportShipmentEvent{Actor: "port", ShipmentID: r.id("SH-1"), Status: st, Location: "Ningbo"}, nil)
	}
	r.do(&services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{Number: "GR-1", POID: r.id("PO-1001"),
		Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: 8000}, {LineID: "2", Accepted: 1000}}}}, nil)
	r.table("line|item|ordered|received|unit price", [][]string{{"1", "brake disc", "8000", "8000", money(125_00)}, {"2", "caliper", "1000", "1000", money(1000_00)}})

	r.title("The invoice is matched three ways and approved by the buyer alone")
	inv := linkfin.Invoice{Number: "INV-0042", BuyerID: "anchor", POID: r.id("PO-1001"), Currency: "CNY",
		IssueDate: date("2026-11-02"), DueDate: date("2027-01-29"),
		Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: 8000, UnitPrice: 125_00, Amount: 1_000_000_00}, {LineID: "2", Quantity: 1000, UnitPrice: 1000_00, Amount: 1_000_000_00}},
		Tax:   260_000_00, Total: 2_260_000_00}
	var submitted linkfin.Invoice
	r.make(&services.CreateInvoice{Actor: "tier1", Invoice: inv}, &submitted, "INV-0042")
	r.say("invoice %s for %s: three-way match %v", inv.Number, money(inv.Total), submitted.Match != nil && submitted.Match.OK)
	dup := inv
	dup.Number = "inv 42"
	r.refuse("the same invoice again as \"inv 42\" (First Brands)", "duplicate_invoice", &services.CreateInvoice{Actor: "tier1", Invoice: dup})
	r.refuse("the seller approving its own invoice (Chengxing)", linkfin.EFORBIDDEN, &services.ApproveInvoice{Actor: "tier1", ID: r.id("INV-0042")})
	r.refuse("a certificate from a payable nobody approved (Greensill)", linkfin.ENOTFOUND,
		&services.IssueCertificate{Actor: "anchor", ProgramID: "auto-scf", PayableIDs: []string{linkfin.PayableID(r.id("INV-0042"))}})
	var pay linkfin.Payable
	r.do(&services.ApproveInvoice{Actor: "anchor", ID: r.id("INV-0042")}, &pay)
	r.say("payable %s: %s due %s", pay.ID, money(pay.Amount), pay.DueDate)

	r.title("The anchor issues a certificate; it is split and passed down the chain")
	var cert linkfin.Certificate
	r.make(&services.IssueCertificate{Actor: "anchor", ProgramID: "auto-scf", PayableIDs: []string{pay.ID}}, &cert, "C-1")
	r.say("certificate %s: %s maturing %s, a business day of the program's calendar", cert.ID, money(cert.Face), cert.Maturity)
	r.make(&services.SplitCertificate{Actor: "tier1", ID: r.id("C-1"), Pieces: []linkfin.Piece{{Face: 1_260_000_00}, {Face: 1_000_000_00}}}, nil, "C-1a", "C-1b")
	r.make(&services.TransferCertificate{Actor: "tier1", ID: r.id("C-1b"), To: "tier2", Amount: 600_000_00}, nil, "C-1b1", "C-1b2")
	r.make(&services.TransferCertificate{Actor: "tier2", ID: r.id("C-1b1"), To: "tier3", Amount: 200_000_00}, nil, "C-1b1a", "C-1b1b")
	r.refuse("tier3 passing a piece to the anchor it does not trade with", linkfin.EFORBIDDEN,
		&services.TransferCertificate{Actor: "tier3", ID: r.id("C-1b1a"), To: "anchor", Amount: 200_000_00})
	r.pieces(r.id("C-1"))

	r.title("Suppliers sell their pieces to funders at the anchor's cost of credit")
	for _, f := range []struct{ id, who, piece, funder string }{{"F-1", "tier1", r.id("C-1a"), "bank"}, {"F-2", "tier2", r.id("C-1b1b"), "factor"}} {
		var q linkfin.Financing
		r.make(r.request(f.who, linkfin.ProductCertificateDiscounting, f.piece, f.funder), &q, f.id)
		r.do(r.accept(f.who, &q), nil)
		r.do(&services.DisburseFinancing{Actor: f.funder, ID: q.ID}, nil)
		r.say("%s sells %s (%s, %d days) to %s at %s: discount %s, receives %s (effective %s a year)",
			f.who, f.piece, money(q.Quote.Face), q.Quote.Days, f.funder, q.Quote.Rate, money(q.Quote.Discount), money(q.Quote.Price), q.Quote.EffectiveRate)
	}
	r.refuse("the same piece financed again", "asset_financed",
		r.request("bank", linkfin.ProductCertificateDiscounting, r.id("C-1a"), "factor"))

	r.title("Dynamic discounting: the anchor pays a small invoice early from its own cash")
	r.make(&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{Number: "PO-1002", SellerID: "tier1", ProgramID: "auto-scf", Currency: "CNY",
		Lines: []linkfin.POLine{{LineID: "1", Item: "bolts", Quantity: 100, Unit: "box", UnitPrice: 100_00}}}}, nil, "PO-1002")
	r.do(&services.AcceptPurchaseOrder{Actor: "tier1", ID: r.id("PO-1002")}, nil)
	r.do(&services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{Number: "GR-2", POID: r.id("PO-1002"), Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: 100}}}}, nil)
	r.make(&services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{Number: "INV-0043", BuyerID: "anchor", POID: r.id("PO-1002"), Currency: "CNY",
		IssueDate: date("2026-11-02"), DueDate: date("2026-11-09"), Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: 100, UnitPrice: 100_00, Amount: 10_000_00}}, Total: 10_000_00}}, nil, "INV-0043")
	r.do(&services.ApproveInvoice{Actor: "anchor", ID: r.id("INV-0043")}, nil)
	var early linkfin.Financing
	r.make(r.request("tier1", linkfin.ProductDynamicDiscounting, linkfin.PayableID(r.id("INV-0043")), ""), &early, "E-1")
	r.do(r.accept("tier1", &early), nil)
	r.say("%s paid %d days early at %s APR: discount %s, tier1 receives %s", money(early.Quote.Face), early.Quote.Days, early.Quote.Rate, money(early.Quote.Discount), money(early.Quote.Price))
	r.ecnyEarlyPayment()

	r.title("Factoring with recourse: tier1 sells an approved invoice to the factor")
	r.order("PO-1003", "tier1", 200, 1_000_00, "2027-01-15", false)
	var fq linkfin.Financing
	r.make(r.request("tier1", linkfin.ProductFactoring, linkfin.PayableID(r.id("INV-PO-1003")), "factor"), &fq, "FX-1")
	r.do(r.accept("tier1", &fq), nil)
	r.do(&services.DisburseFinancing{Actor: "factor", ID: fq.ID}, nil)
	r.say("payable %s: advance %s now (60 %%), interest %s to the due date; the reserve comes at collection",
		money(fq.Quote.Face), money(fq.Quote.Price), money(fq.Interest))

	r.title("Purchase-order financing: tier1's advance, released as the goods arrive")
	r.make(&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{Number: "PO-1004", SellerID: "tier1", ProgramID: "auto-scf", Currency: "CNY",
		Lines: []linkfin.POLine{{LineID: "1", Item: "hub", Quantity: 300, Unit: "pc", UnitPrice: 1_000_00}}}}, nil, "PO-1004")
	r.do(&services.AcceptPurchaseOrder{Actor: "tier1", ID: r.id("PO-1004")}, nil)
	var pq linkfin.Financing
	r.make(r.requestWith("tier1", linkfin.ProductPOFinancing, r.id("PO-1004"), "bank", linkfin.DisburseOnReceipt), &pq, "PF-1")
	r.do(r.accept("tier1", &pq), nil)
	r.do(&services.DisburseFinancing{Actor: "bank", ID: pq.ID}, &pq)
	r.say("order %s: the bank's advance of %s is locked for tier1 in conditional payment %s", money(pq.Quote.Face), money(pq.Quote.Price),
		pq.ConditionalPaymentID)
	r.do(&services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{POID: r.id("PO-1004"),
		Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: 100}}}}, nil)
	r.say("100 of 300 hubs accepted: %s", r.conditional(pq.ConditionalPaymentID))
	r.do(&services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{POID: r.id("PO-1004"),
		Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: 200}}}}, nil)
	r.say("the other 200 accepted: %s", r.conditional(pq.ConditionalPaymentID))
	r.invoice("PO-1004", "tier1", 300, 1_000_00, "2027-01-20")
	r.say("invoiced and approved: the payable is swept to repay the bank first")

	r.refuse("tier1 financing past its cap of 2,100,000.00 across funders (Carillion)", "exceeds_credits",
		r.request("tier1", linkfin.ProductCertificateDiscounting, r.id("C-1b2"), "factor"))

	r.title("Distributor financing: the factor lends the dealer money that can only buy the anchor's cars")
	r.make(&services.CreatePurchaseOrder{Actor: "dealer", Order: linkfin.PurchaseOrder{Number: "DPO-1", SellerID: "anchor", ProgramID: "auto-scf", Currency: "CNY",
		Lines: []linkfin.POLine{{LineID: "1", Item: "sedan", Quantity: 2, Unit: "car", UnitPrice: 200_000_00}}}}, nil, "DPO-1")
	r.do(&services.AcceptPurchaseOrder{Actor: "anchor", ID: r.id("DPO-1")}, nil)
	var dq linkfin.Financing
	r.make(r.requestWith("dealer", linkfin.ProductDistributorFinancing, r.id("DPO-1"), "factor", linkfin.DisbursePurposeBound), &dq, "DF-1")
	r.do(r.accept("dealer", &dq), nil)
	r.do(&services.DisburseFinancing{Actor: "factor", ID: dq.ID}, &dq)
	r.say("the loan of %s goes into the dealer's purpose-bound wallet %s, which pays the anchor alone", money(dq.Quote.Price), dq.BoundWalletID)
	r.refuse("the dealer paying tier1 from it", linkfin.EPURPOSEBOUND,
		&services.PayFromBoundWallet{Actor: "dealer", ID: dq.BoundWalletID, PayeeID: "tier1", Amount: 1_00})
	r.do(&services.PayFromBoundWallet{Actor: "dealer", ID: dq.BoundWalletID, PayeeID: "anchor", Amount: dq.Quote.Price}, nil)
	r.say("the dealer pays the anchor %s from it; it owes %s with interest by %s (the anchor guarantees a buy-back)",
		money(dq.Quote.Price), money(dq.Quote.Price+dq.Interest), dq.DueDate)

	r.title("Warehouse-receipt pledge: tier2 borrows against copper in the port's warehouse")
	r.do(&services.MarkPrice{Mark: linkfin.PriceMark{ID: "copper", Currency: "CNY", Price: 60_000_00}}, nil)
	lot := linkfin.WarehouseReceipt{Number: "WR-1", OwnerID: "tier2", LotID: "LOT-7", Commodity: "copper", Quantity: 40, Unit: "t"}
	r.make(&services.IssueWarehouseReceipt{Actor: "port", Receipt: lot}, nil, "WR-1")
	lot2 := lot
	lot2.Number = "WR-2"
	r.refuse("a second receipt for the same lot (Qingdao)", "lot_has_receipt", &services.IssueWarehouseReceipt{Actor: "port", Receipt: lot2})
	var wq linkfin.Financing
	r.make(r.request("tier2", linkfin.ProductWarehousePledge, r.id("WR-1"), "bank"), &wq, "WL-1")
	r.do(r.accept("tier2", &wq), nil)
	r.do(&services.DisburseFinancing{Actor: "bank", ID: wq.ID}, nil)
	r.say("40 t at %s: loan %s at 60 %% of value, interest %s", money(60_000_00), money(wq.Quote.Price), money(wq.Interest))
	r.refuse("the receipt pledged a second time (Qingdao)", "asset_financed",
		r.request("tier2", linkfin.ProductWarehousePledge, r.id("WR-1"), "factor"))
	r.do(&services.MarkPrice{Mark: linkfin.PriceMark{ID: "copper", Currency: "CNY", Price: 45_000_00}}, nil)
	var mc linkfin.Financing
	r.do(&services.CheckMargin{ID: wq.ID, Commodity: "copper"}, &mc)
	r.say("copper falls to %s: loan-to-value %s / %s, margin call %v", money(45_000_00), money(wq.Quote.Price), money(40*45_000_00), mc.MarginCall)
	// The port's sensor on the lot signs its readings with its own key (made here from a
	// fixed seed, for a story that runs the same every time).
	sensorKey := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	var sensor linkfin.Device
	r.do(&services.RegisterDevice{Actor: "port", Device: linkfin.Device{LotID: "LOT-7", Name: "LOT-7 load cell",
		PublicKey: sensorKey.Public().(ed25519.PublicKey)}}, &sensor)
	reading := linkfin.Reading{DeviceID: sensor.ID, ReceiptID: r.id("WR-1"), Sequence: 1, ReadAt: r.clock.Now(), Quantity: 38}
	reading.Sign(sensorKey)
	var counted linkfin.WarehouseReceipt
	r.do(&services.ReportTelemetry{Actor: "port", ReceiptID: r.id("WR-1"), Reading: reading}, &counted)
	r.say("the port's sensor %s signs a reading of 38 t of 40 t: the receipt is %s", sensor.ID, counted.Status)
	r.refuse("the same signed reading sent again", linkfin.ETELEMETRYREPLAYED,
		&services.ReportTelemetry{Actor: "port", ReceiptID: r.id("WR-1"), Reading: reading})
	forged := reading
	forged.Sequence, forged.Quantity = 2, 40
	r.refuse("a reading of 40 t under the old signature", linkfin.ETELEMETRYFORGED,
		&services.ReportTelemetry{Actor: "port", ReceiptID: r.id("WR-1"), Reading: forged})
	r.do(&services.RecordInboundPayment{Rail: "bank", InstructionID: "tier2-interest", OrgID: "tier2", Currency: "CNY", Amount: wq.Interest}, nil)
	r.do(r.repay("tier2", &wq), nil)
	r.say("tier2 repays %s: the receipt is released", money(wq.Quote.Price+wq.Interest))

	r.title("Exposure: everything funders have outstanding on the anchor")
	if rep, err := services.ExposureReport(r.ctx, r.s); err != nil {
		r.err = err
	} else {
		for _, e := range rep {
			var rows [][]string
			for _, k := range sortedKeys(e.ByFunder) {
				rows = append(rows, []string{"funder " + k, money(e.ByFunder[k])})
			}
			for _, k := range sortedKeys(e.ByTier) {
				rows = append(rows, []string{"tier " + k, money(e.ByTier[k])})
			}
			rows = append(rows, []string{"total", money(e.Total)})
			r.table(e.AnchorID+" ("+string(e.Currency)+")|outstanding", rows)
		}
	}

	r.title("Maturity: the anchor pays once; every holder of every piece gets its face")
	r.clock.advance(date("2027-01-29").Time(time.UTC).Sub(date("2026-11-02").Time(time.UTC)))
	r.do(&services.RecordInboundPayment{Rail: "bank", InstructionID: "maturity-anchor", OrgID: "anchor", Currency: "CNY", Amount: 2_760_000_00}, nil)
	for _, id := range []string{"FX-1", "PF-1"} {
		f := r.financing(id)
		r.do(r.close(f), f)
		r.say("%s %s (%s) collected from the anchor: %s, interest %s, the funder pays tier1 the rest", f.Product, f.ID, id, f.Status, money(f.Interest))
	}
	r.do(&services.RecordInboundPayment{Rail: "ecny", InstructionID: "dealer-sales", OrgID: "dealer", Currency: "CNY", Amount: dq.Quote.Price + dq.Interest}, nil)
	var dl linkfin.Financing
	r.do(r.repay("dealer", &dq), &dl)
	r.say("the dealer sold the cars and repays the factor: %s", dl.Status)
	var res linkfin.SettlementResult
	r.do(&services.SettleMaturity{ProgramID: "auto-scf", Date: cert.Maturity}, &res)
	r.say("settled %s: %d pieces, %s paid, %d overdue", res.Date, len(res.Paid), money(res.PaidTotal), len(res.Overdue))
	r.do(&services.SettleMaturity{ProgramID: "auto-scf", Date: cert.Maturity}, &res)
	r.say("run again: %d pieces paid (nothing is paid twice)", len(res.Paid))
	r.pieces(r.id("C-1"))
	r.ecnySettlement()
}

// ecnyWallet has the operator open a corporate e-CNY wallet for org, with the limits
// its bank set, and org designate it to pay from and be paid into.
func (r *run) ecnyWallet(org string) *linkfin.ECNYWallet {
	var w linkfin.ECNYWallet
	r.do(&services.OpenECNYWallet{OrgID: org, In: linkfin.ECNYWalletIn{Limits: &linkfin.WalletLimits{
		Balance: 5_000_000_00, Payment: 1_000_000_00, Daily: 2_000_000_00, Yearly: 10_000_000_00}}}, &w)
	r.do(&services.DesignateECNYWallet{Actor: org, OrgID: org, WalletID: w.ID}, nil)
	return &w
}

// ecnyBalance is what an e-CNY wallet holds.
func (r *run) ecnyBalance(w *linkfin.ECNYWallet) int64 {
	if r.err != nil {
		return 0
	}
	a, err := r.e.Account(r.ctx, int64(w.Ledger.Wallet))
	if err != nil {
		r.err = err
		return 0
	}
	return a.CreditsPosted - a.DebitsPosted
}

// ecnyEarlyPayment: the anchor pays an invoice early in e-CNY, from the wallet it
// designated into the one its supplier designated.
func (r *run) ecnyEarlyPayment() {
	r.title("Dynamic discounting in e-CNY: from the anchor's designated wallet into the supplier's")
	r.do(&services.RecordInboundPayment{Rail: "ecny", InstructionID: "anchor-ecny", OrgID: "anchor", Currency: "CNY", Amount: 100_000_00}, nil)
	r.ecnyAnchor = r.ecnyWallet("anchor")
	r.do(&services.MoveECNY{Actor: "anchor", ID: r.ecnyAnchor.ID, Op: "top-up", Amount: 100_000_00}, nil)
	r.say("the anchor designates its corporate e-CNY wallet %s and tops it up with %s", r.ecnyAnchor.ID, money(100_000_00))
	r.order("PO-1005", "tier1", 50, 1_000_00, "2026-11-30", false)
	in := linkfin.FinancingIn{Product: linkfin.ProductDynamicDiscounting, ProgramID: "auto-scf", AssetID: linkfin.PayableID(r.id("INV-PO-1005")),
		Rail: linkfin.RailECNY}
	var q linkfin.Financing
	if p, err := services.ProductNamed(in.Product); err != nil {
		r.err = err
	} else if c, err := p.Request(r.ctx, r.s, "tier1", &in); err != nil {
		r.err = err
	} else {
		r.make(c, &q, "E-2")
	}
	r.refuse("paid in e-CNY before tier1 designates a wallet", linkfin.ENOECNYWALLET, r.accept("tier1", &q))
	r.ecnyTier1 = r.ecnyWallet("tier1")
	var paid linkfin.Financing
	r.do(r.accept("tier1", &q), &paid)
	r.say("%s paid %d days early in e-CNY: tier1's wallet receives %s, the anchor's holds %s (%s)", money(q.Quote.Face), q.Quote.Days,
		money(r.ecnyBalance(r.ecnyTier1)), money(r.ecnyBalance(r.ecnyAnchor)), paid.Status)
}

// ecnySettlement: a program that settles on the e-CNY rail pays each holder's
// designated wallet at maturity; a piece whose payment a wallet's limit refuses stays
// unpaid, with its reason, until the holder can receive it.
func (r *run) ecnySettlement() {
	r.title("Settlement in e-CNY: each holder's designated wallet is paid from the anchor's")
	r.do(&services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: "ecny-scf", Name: "Core Auto e-CNY settlement",
		Currency: "CNY", Limit: 10_000_000_00, MaxTenorDays: 180, AdvanceRate: rate("0.6"), DayCount: linkfin.ACT360, Calendar: "CN",
		Products: []linkfin.Product{linkfin.ProductCertificateDiscounting}, SettlementRail: linkfin.RailECNY}}, nil)
	r.make(&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{Number: "PO-1006", SellerID: "tier1", ProgramID: "ecny-scf",
		Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "wiper", Quantity: 300, Unit: "pc", UnitPrice: 100_00}}}}, nil, "PO-1006")
	r.do(&services.AcceptPurchaseOrder{Actor: "tier1", ID: r.id("PO-1006")}, nil)
	r.order("PO-1006", "tier1", 300, 100_00, "2027-03-01", true)
	var cert linkfin.Certificate
	r.make(&services.IssueCertificate{Actor: "anchor", ProgramID: "ecny-scf", PayableIDs: []string{linkfin.PayableID(r.id("INV-PO-1006"))}}, &cert, "C-2")
	r.make(&services.TransferCertificate{Actor: "tier1", ID: r.id("C-2"), To: "tier2", Amount: 10_000_00}, nil, "C-2a", "C-2b")
	var small linkfin.ECNYWallet
	r.do(&services.OpenECNYWallet{Actor: "tier2", OrgID: "tier2"}, &small)
	r.do(&services.DesignateECNYWallet{Actor: "tier2", OrgID: "tier2", WalletID: small.ID}, nil)
	r.say("certificate %s: %s maturing %s, in program ecny-scf; tier2 holds %s of it and designates a class IV wallet (it holds %s at most)",
		cert.ID, money(cert.Face), cert.Maturity, money(10_000_00), money(small.Limits.Balance))
	r.clock.advance(cert.Maturity.Time(time.UTC).Sub(linkfin.BusinessDate(r.clock.Now()).Time(time.UTC)))
	var res linkfin.SettlementResult
	r.do(&services.SettleMaturity{ProgramID: "ecny-scf", Date: cert.Maturity}, &res)
	for _, x := range res.Refused {
		r.say("tier2's piece %s stays unpaid, with its reason: %s", x.PieceID, x.Code)
	}
	r.say("settled %s in e-CNY: %s paid into tier1's wallet, which holds %s", res.Date, money(res.PaidTotal), money(r.ecnyBalance(r.ecnyTier1)))
	r.ecnyWallet("tier2")
	var again linkfin.SettlementResult
	r.do(&services.SettleMaturity{ProgramID: "ecny-scf", Date: cert.Maturity}, &again)
	r.say("tier2 designates a corporate wallet; run again: %s paid into it, %d refused; the anchor's wallet holds %s",
		money(again.PaidTotal), len(again.Refused), money(r.ecnyBalance(r.ecnyAnchor)))
	r.pieces(r.id("C-2"))
}

// order runs an order through receipt, a matched invoice and the buyer's approval
// (creating and accepting the order unless it exists).
func (r *run) order(po, seller string, qty, price int64, due string, exists bool) {
	if !exists {
		r.make(&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{Number: po, SellerID: seller, ProgramID: "auto-scf", Currency: "CNY",
			Lines: []linkfin.POLine{{LineID: "1", Item: "part", Quantity: qty, Unit: "pc", UnitPrice: price}}}}, nil, po)
		r.do(&services.AcceptPurchaseOrder{Actor: seller, ID: r.id(po)}, nil)
	}
	r.do(&services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{Number: "GR-" + po, POID: r.id(po), Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: qty}}}}, nil)
	r.invoice(po, seller, qty, price, due)
}

// invoice bills an order whose goods were received and has the buyer approve it.
func (r *run) invoice(po, seller string, qty, price int64, due string) {
	r.make(&services.CreateInvoice{Actor: seller, Invoice: linkfin.Invoice{Number: "INV-" + po, BuyerID: "anchor", POID: r.id(po), Currency: "CNY",
		IssueDate: date("2026-11-02"), DueDate: date(due), Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: qty, UnitPrice: price, Amount: qty * price}},
		Total: qty * price}}, nil, "INV-"+po)
	r.do(&services.ApproveInvoice{Actor: "anchor", ID: r.id("INV-" + po)}, nil)
}

func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// pieces prints a certificate tree.
func (r *run) pieces(root string) {
	if r.err != nil {
		return
	}
	tree, err := services.CertificateTree(r.ctx, r.s, root)
	if err != nil {
		r.err = err
		return
	}
	slices.SortFunc(tree, func(a, b linkfin.Certificate) int { return strings.Compare(a.ID, b.ID) })
	var rows [][]string
	for _, c := range tree {
		rows = append(rows, []string{c.ID, c.ParentID, c.HolderID, fmt.Sprint(c.Tier), money(c.Face), string(c.Status)})
	}
	r.table("piece|parent|holder|tier|face|status", rows)
}

// reconcile checks, after the engine closed, that every fen is accounted for.
func (r *run) reconcile(v note.Verifier) error {
	fmt.Fprintf(r.w, "\nReconciliation\n")
	var problems []string
	c := ledger.NewChecker()
	accounts := map[int64]ledger.Account{}
	if err := r.s.ScanAccounts(r.ctx, func(a *ledger.Account) error { c.Add(a); accounts[a.ID] = *a; return nil }); err != nil {
		return err
	}
	problems = append(problems, c.Problems()...)
	for _, b := range c.Totals() {
		r.say("trial balance, ledger %d %s: debits %s = credits %s posted; %s = %s pending",
			b.Ledger, b.Currency, money(b.DebitsPosted.Int64()), money(b.CreditsPosted.Int64()),
			money(b.DebitsPending.Int64()), money(b.CreditsPending.Int64()))
	}
	// Every party's cash, explained transfer by transfer.
	var rows [][]string
	for _, org := range []string{"anchor", "tier1", "tier2", "tier3", "dealer", "bank", "factor"} {
		id := linkfin.WalletID(org, "CNY")
		a := accounts[id]
		ts, err := linkfin.WalkAccountTransfers(id, a.LastTransfer, 10000, func(tid int64) (*ledger.Transfer, error) { return r.s.Transfer(r.ctx, tid) })
		if err != nil && a.LastTransfer != 0 {
			return err
		}
		var in, out int64
		for _, t := range ts {
			if t.Flags&(ledger.Pending|ledger.VoidPending) != 0 {
				continue // a hold, or its release: no money moved (its post, if any, did)
			}
			if t.CreditAccountID == id {
				in += t.Amount
			} else {
				out += t.Amount
			}
		}
		balance := a.CreditsPosted - a.DebitsPosted
		if in-out != balance {
			problems = append(problems, fmt.Sprintf("%s's wallet: transfers give %d, the balance is %d", org, in-out, balance))
		}
		rows = append(rows, []string{org, money(in), money(out), money(balance), fmt.Sprint(len(ts))})
	}
	r.table("wallet|in|out|balance|transfers", rows)
	objs, err := r.s.ListObjects(r.ctx, linkfin.KindCertificate, "", 10000)
	if err != nil {
		return err
	}
	trees := map[string][]linkfin.Certificate{}
	for _, o := range objs {
		var cert linkfin.Certificate
		if err := json.Unmarshal(o.Data, &cert); err != nil {
			return err
		}
		trees[cert.RootID] = append(trees[cert.RootID], cert)
	}
	for _, root := range slices.Sorted(maps.Keys(trees)) {
		pieces := trees[root]
		// What the ledger paid for the tree: each settled piece's payment to its holder.
		var paid int64
		for _, p := range pieces {
			if p.Status != linkfin.CertificateSettled {
				continue
			}
			// On the e-CNY rail, one payment; in this story each piece is paid on its
			// date, so it carries no late interest and is the face alone.
			id := linkfin.LedgerID("settlement/" + p.ID + "/payment")
			if p.ECNYTransferID != 0 {
				id = int64(p.ECNYTransferID)
			}
			t, err := r.s.Transfer(r.ctx, id)
			if err != nil {
				return fmt.Errorf("the payment of settled piece %s: %w", p.ID, err)
			}
			paid += t.Amount
		}
		if p := linkfin.CheckTree(pieces, paid); len(p) > 0 {
			problems = append(problems, "certificate "+root+": "+strings.Join(p, "; "))
			continue
		}
		r.say("certificate %s: %d pieces, conserved", root, len(pieces))
	}
	rep, err := audit.Verify(r.ctx, r.s, v, "linkfin")
	if err != nil {
		return err
	}
	problems = append(problems, rep.Problems...)
	r.say("verify: %d events re-hashed, %d signed checkpoints, %d accounts, %d transfers", rep.Events, rep.Checkpoints, rep.Accounts, rep.Transfers)
	if len(problems) > 0 {
		for _, p := range problems {
			r.say("PROBLEM: %s", p)
		}
		return ErrUnreconciled
	}
	fmt.Fprintln(r.w, "   everything reconciles")
	return nil
}
