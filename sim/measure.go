package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strings"
	"time"

	"linkfin"
	"linkfin/ledger"
	"linkfin/services"
)

// Report is what linkfin sim prints with --json: nothing in it depends on the machine
// or the time of the run, so one seed gives the same bytes.
type Report struct {
	Seed      uint64           `json:"seed"`
	Firms     int              `json:"firms"`
	Days      int              `json:"days"`
	Scenarios []ScenarioReport `json:"scenarios"`
}

// ScenarioReport is one scenario's figures.
type ScenarioReport struct {
	Name  string       `json:"name"`
	Tiers []TierReport `json:"tiers"`
	// AnchorDaysPayable is the anchors' days from delivery to paying out cash,
	// weighted by amount (one decimal).
	AnchorDaysPayable string `json:"anchor_days_payable"`
	// DebtClearing is the debt settled by passing certificate pieces on, over the
	// faces of the certificates issued (two decimals; "0.00" without certificates).
	CertificatesIssued int64          `json:"certificates_issued"`
	PassedOn           int64          `json:"passed_on"`
	DebtClearing       string         `json:"debt_clearing_multiplier"`
	Funders            []FunderReport `json:"funders"`
	// Distributors are the distributors' figures, as buyers of their anchors' goods;
	// Warehouses each warehouse's pledges.
	Distributors DistributorReport `json:"distributors"`
	Warehouses   []WarehouseReport `json:"warehouses"`
	Cash         []CashCurve       `json:"cash"`
	Check        Check             `json:"check"`
	// Firms are each supplier's own figures, when asked for (Config.PerFirm).
	Firms []FirmReport `json:"firms,omitempty"`
}

// FirmReport is one supplier's figures in one scenario.
type FirmReport struct {
	ID              string `json:"id"`
	Tier            int    `json:"tier"`
	DaysToCash      Days   `json:"days_to_cash"`
	CostOfFundingBP int    `json:"cost_of_funding_bp"`
	FundingCost     int64  `json:"funding_cost"`
}

// Days is a distribution of days, weighted by amount.
type Days struct {
	Mean string `json:"mean"` // one decimal
	P50  int    `json:"p50"`
	P90  int    `json:"p90"`
}

// TierReport is one tier's figures in one scenario. Amounts are fen; rates basis
// points a year; shares basis points of the tier's firms.
type TierReport struct {
	Tier     int   `json:"tier"`
	Firms    int   `json:"firms"`
	Payables int   `json:"payables"`
	Amount   int64 `json:"amount"`
	// DaysToCash is from delivery to cash (or to a debt of its own settled with the
	// piece it was paid in).
	DaysToCash Days `json:"days_to_cash"`
	// Unpaid is what had not turned into cash when the run ended.
	Unpaid int64 `json:"unpaid"`
	// CostOfFundingBP is the effective annual rate of everything the tier paid to be
	// paid early or to borrow, weighted by amount and days.
	CostOfFundingBP int   `json:"cost_of_funding_bp"`
	FundingCost     int64 `json:"funding_cost"`
	FinancedShareBP int   `json:"financed_share_bp"` // firms that used a platform financing
	BorrowedShareBP int   `json:"borrowed_share_bp"` // firms that borrowed on their own credit
	// ReceivablesCarried is the tier's average balance of receivables not yet cash,
	// over the year; WorkingCapitalFreed is how much less of it than with no supply
	// chain finance.
	ReceivablesCarried  int64 `json:"receivables_carried"`
	WorkingCapitalFreed int64 `json:"working_capital_freed"`
	Failed              int   `json:"failed"`
}

// DistributorReport is the distributors' figures in one scenario: their orders from
// their anchors, delivered, and how those were paid for.
type DistributorReport struct {
	Firms  int   `json:"firms"`
	Orders int   `json:"orders"`
	Amount int64 `json:"amount"`
	// AnchorDaysToCash is from delivery to the anchor's cash for the goods: paid by
	// the distributor, or by a funder when it accepted the order (negative days: paid
	// before the goods arrived).
	AnchorDaysToCash Days `json:"anchor_days_to_cash"`
	// DaysToPay is from delivery to the distributor's own cash paying for the goods:
	// the anchor, or the funder's loan repaid.
	DaysToPay Days `json:"days_to_pay"`
	// Unpaid is what the distributors had not paid for when the run ended (a loan
	// the anchor bought back or that defaulted counts).
	Unpaid          int64 `json:"unpaid"`
	CostOfFundingBP int   `json:"cost_of_funding_bp"`
	FundingCost     int64 `json:"funding_cost"`
	FinancedShareBP int   `json:"financed_share_bp"`
}

// WarehouseReport is one warehouse's pledges in one scenario: the receipts it issued
// for suppliers' stock, the loans made against them, and those whose receipt was
// forfeited to the funder.
type WarehouseReport struct {
	ID        string `json:"id"`
	Receipts  int    `json:"receipts"`
	Loans     int    `json:"loans"`
	Lent      int64  `json:"lent"`
	Forfeited int    `json:"forfeited"`
}

// FunderReport is one funder's business in one scenario.
type FunderReport struct {
	ID         string `json:"id"`
	Financings int    `json:"financings"`
	Financed   int64  `json:"financed"`
	Income     int64  `json:"income"`
	Losses     int64  `json:"losses"`
}

// CashCurve is the wallet of a typical firm of a tier (the median by sales), at the
// end of every week.
type CashCurve struct {
	Tier  int     `json:"tier"`
	Firm  string  `json:"firm"`
	Weeks []int64 `json:"weeks"`
}

// Check is what the scenario's end proved: the ledger balances, money in equals money
// out plus what is held, and every certificate tree is conserved.
type Check struct {
	Commands       int64    `json:"commands"`
	Events         int64    `json:"events"`
	Accounts       int      `json:"accounts"`
	MoneyIn        int64    `json:"money_in"`
	MoneyOut       int64    `json:"money_out"`
	Held           int64    `json:"held"`
	Trees          int      `json:"trees"`
	TreesConserved int      `json:"trees_conserved"`
	Problems       []string `json:"problems"`
}

// OK reports whether the checks passed.
func (c *Check) OK() bool { return len(c.Problems) == 0 }

// The platform's ledger codes (services' layout): wallets, rails, and e-CNY wallets
// (with the account conditional payments on the rail pass their money through).
const (
	codeWallet     = 1
	codeRail       = 2
	codeECNYWallet = 5
)

type component struct {
	amount int64
	day    int
}

type funding struct {
	cost, funded int64
	days         int
}

type measurer struct {
	firmComps map[int][]component
	firmFund  map[int][]funding
	db        DB
	net       *Network
	end       int
	comps     [MaxTier + 1][]component
	fund      [MaxTier + 1][]funding
	records

	// The payables measured, per tier: how many, their amounts, what was left unpaid,
	// and the receivables carried (amount × days, summed); the anchors' days payable
	// as amount × days over amount; which firms financed.
	payables             [MaxTier + 1]int
	amount, unpaid       [MaxTier + 1]int64
	carried              [MaxTier + 1]int64
	anchorNum, anchorDen *big.Int
	financed             []bool
}

// records are the records the measure reads, each kind read once, in one pass over it
// (scan), instead of looked up one by one: most are read for each order, or for each
// piece of a certificate, or more than once. They are the database's own values, which
// the measure changes nothing of.
type records struct {
	orders      []orderRecords // by the order's number
	certs       []*linkfin.Certificate
	certByID    map[string]*linkfin.Certificate
	financings  []*linkfin.Financing
	discounting map[string]*linkfin.Financing // "cd." and the piece's id, by the piece's id
}

// orderRecords are what the runner made for one order, found by the ids it gave them.
type orderRecords struct {
	payable    *linkfin.Payable
	receipt    *linkfin.GoodsReceipt
	payment    *linkfin.ConditionalPayment
	rf, dd, df *linkfin.Financing
	// cert is the anchor's certificate for the order (c.N); pieces the pieces passed
	// down for it (p.N.k at k-1).
	cert   *linkfin.Certificate
	pieces []*linkfin.Certificate
}

// addFund counts what a firm paid for funding, in its tier and for itself.
func (m *measurer) addFund(i int, f funding) {
	t := m.net.Firms[i].Tier
	m.fund[t] = append(m.fund[t], f)
	m.firmFund[i] = append(m.firmFund[i], f)
}

func dayOf(t time.Time) int { return linkfin.DaysBetween(Start, linkfin.BusinessDate(t)) }

// scan calls fn with every record of a kind, in id order, as a value of its type that
// fn changes nothing of: the one the database keeps, where it hands it
// (memtx.DB.ScanShared), else one decoded from the record's JSON.
func scan[T any](db DB, kind string, fn func(id string, v *T) error) error {
	if s, ok := db.(interface {
		ScanShared(kind string, fn func(id string, v any) error) error
	}); ok {
		return s.ScanShared(kind, func(id string, v any) error {
			t, ok := v.(*T)
			if !ok {
				return fmt.Errorf("%s %s is a %T", kind, id, v)
			}
			return fn(id, t)
		})
	}
	return services.Scan(context.Background(), db, kind, func(data []byte) error {
		v := new(T)
		if err := json.Unmarshal(data, v); err != nil {
			return err
		}
		id, err := linkfin.RecordID(data)
		if err != nil {
			return err
		}
		return fn(id, v)
	})
}

// orderNumber is n when id is prefix followed by n, the number of one of the orders, as
// the runner writes it; else 0.
func (m *measurer) orderNumber(id, prefix string) int {
	rest, ok := strings.CutPrefix(id, prefix)
	if !ok {
		return 0
	}
	return number(rest, len(m.orders))
}

// number is n when s is n as %d writes it and 0 < n < below; else 0.
func number(s string, below int) int {
	if s == "" || s[0] == '0' || len(s) > 9 {
		return 0
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0
		}
		n = n*10 + int(s[i]-'0')
	}
	if n >= below {
		return 0
	}
	return n
}

// read reads every record the measure reads more than one of, a pass over each kind.
func (m *measurer) read() error {
	m.orders = make([]orderRecords, len(m.net.Orders)+1) // numbered from 1
	payables := linkfin.PayableID("inv.")                // PayableID(invID(n)) is it and n
	err := scan(m.db, linkfin.KindPayable, func(id string, p *linkfin.Payable) error {
		if n := m.orderNumber(id, payables); n > 0 {
			m.orders[n].payable = p
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = scan(m.db, linkfin.KindGoodsReceipt, func(id string, gr *linkfin.GoodsReceipt) error {
		if n := m.orderNumber(id, "gr."); n > 0 {
			m.orders[n].receipt = gr
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = scan(m.db, linkfin.KindConditionalPayment, func(id string, cp *linkfin.ConditionalPayment) error {
		if n := m.orderNumber(id, "cp."); n > 0 {
			m.orders[n].payment = cp
		}
		return nil
	})
	if err != nil {
		return err
	}
	m.discounting = map[string]*linkfin.Financing{}
	err = scan(m.db, linkfin.KindFinancing, func(id string, f *linkfin.Financing) error {
		m.financings = append(m.financings, f)
		if piece, ok := strings.CutPrefix(id, "cd."); ok {
			m.discounting[piece] = f
		} else if n := m.orderNumber(id, "rf."); n > 0 {
			m.orders[n].rf = f
		} else if n := m.orderNumber(id, "dd."); n > 0 {
			m.orders[n].dd = f
		} else if n := m.orderNumber(id, "df."); n > 0 {
			m.orders[n].df = f
		}
		return nil
	})
	if err != nil {
		return err
	}
	m.certByID = map[string]*linkfin.Certificate{}
	passed := make([][]numbered, len(m.orders)) // by order: its pieces passed down, and k
	err = scan(m.db, linkfin.KindCertificate, func(id string, c *linkfin.Certificate) error {
		m.certs = append(m.certs, c)
		m.certByID[id] = c
		if n := m.orderNumber(id, "c."); n > 0 {
			m.orders[n].cert = c
		} else if rest, ok := strings.CutPrefix(id, "p."); ok {
			// p.N.k: the k-th piece passed down for order N.
			if dot := strings.IndexByte(rest, '.'); dot > 0 {
				if n, k := number(rest[:dot], len(m.orders)), number(rest[dot+1:], math.MaxInt32); n > 0 && k > 0 {
					passed[n] = append(passed[n], numbered{k, c})
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// An order's pieces are p.N.1, p.N.2, … up to the first missing.
	for n, ps := range passed {
		if len(ps) == 0 {
			continue
		}
		slices.SortFunc(ps, func(a, b numbered) int { return a.k - b.k })
		for i, p := range ps {
			if p.k != i+1 {
				break
			}
			m.orders[n].pieces = append(m.orders[n].pieces, p.c)
		}
	}
	return nil
}

// numbered is the k-th piece passed down for an order.
type numbered struct {
	k int
	c *linkfin.Certificate
}

func (m *measurer) get(kind, id string, v any) bool {
	found, err := m.load(kind, id, v)
	return err == nil && found
}

// load reads a record: the measure changes nothing it reads (see readShared).
func (m *measurer) load(kind, id string, v any) (bool, error) { return readShared(m.db, kind, id, v) }

func (m *measurer) transfer(key string) (ledger.Transfer, bool) {
	return m.db.Transfer(linkfin.LedgerID(key))
}

func tsDay(ts int64) int { return dayOf(time.Unix(0, ts).UTC()) }

// Measure reads a finished scenario back from its database.
func Measure(db DB, net *Network, sc Scenario, commands, events int64, perFirm bool) (*ScenarioReport, error) {
	m := &measurer{db: db, net: net, end: net.Days + Tail, firmComps: map[int][]component{}, firmFund: map[int][]funding{},
		anchorNum: new(big.Int), anchorDen: new(big.Int), financed: make([]bool, len(net.Firms))}
	if err := m.read(); err != nil {
		return nil, err
	}
	rep := &ScenarioReport{Name: sc.Name, Funders: []FunderReport{}, Warehouses: []WarehouseReport{}, Cash: []CashCurve{}}
	for oi := range net.Orders {
		if err := m.payable(&net.Orders[oi]); err != nil {
			return nil, err
		}
	}
	borrowed := m.loans()
	// Warehouse pledge loans: the disbursement and the repayment, read from the ledger.
	if err := m.pledges(rep, m.financed); err != nil {
		return nil, err
	}
	failedFirm, err := m.failedFirms()
	if err != nil {
		return nil, err
	}
	m.tiers(rep, borrowed, failedFirm)
	rep.AnchorDaysPayable = decimal(m.anchorNum, m.anchorDen, 1)
	if perFirm {
		for i, f := range net.Firms {
			if f.Kind != KindSupplier {
				continue
			}
			fr := FirmReport{ID: f.ID, Tier: f.Tier, DaysToCash: distribution(m.firmComps[i])}
			fr.FundingCost, fr.CostOfFundingBP = annualBP(m.firmFund[i])
			rep.Firms = append(rep.Firms, fr)
		}
	}
	if err := m.distributors(rep); err != nil {
		return nil, err
	}
	if err := m.certificates(rep); err != nil {
		return nil, err
	}
	if err := m.funders(rep); err != nil {
		return nil, err
	}
	m.cash(rep)
	rep.Check.Commands, rep.Check.Events = commands, events
	if err := m.check(&rep.Check); err != nil {
		return nil, err
	}
	return rep, nil
}

// payable measures how a supplier's order was paid: each amount its seller received
// for it and when, however it came (the buyer's cash, a conditional payment's
// releases, reverse factoring, dynamic discounting, certificate pieces), from delivery;
// and the anchor's days payable where the anchor bought.
func (m *measurer) payable(o *Order) error {
	l := m.net.Links[o.Link]
	seller, buyer := &m.net.Firms[l.Seller], &m.net.Firms[l.Buyer]
	if seller.Kind == KindAnchor {
		return nil // a distributor's order: m.distributors
	}
	rec := &m.orders[o.N]
	pay, gr := rec.payable, rec.receipt
	if pay == nil {
		return nil
	}
	if gr == nil {
		return fmt.Errorf("payable %s has no receipt", pay.ID)
	}
	delivered := dayOf(gr.ReceivedAt)
	t := seller.Tier
	var comps []component
	add := func(a int64, day int) { comps = append(comps, component{a, day}) }
	anchorPaid := func(amount int64, day int) {
		m.anchorNum.Add(m.anchorNum, big.NewInt(amount*int64(day-delivered)))
		m.anchorDen.Add(m.anchorDen, big.NewInt(amount))
	}
	// Paid in cash, off the platform, by the buyer.
	for k := 1; ; k++ {
		tr, ok := m.transfer(fmt.Sprintf("inbound/bank/pay.%d.%d", o.N, k))
		if !ok {
			break
		}
		add(tr.Amount, tsDay(tr.Timestamp))
		if buyer.Kind == KindAnchor {
			out, _ := m.transfer(fmt.Sprintf("outbound/ecny/%s/pay.%d.%d", buyer.ID, o.N, k))
			anchorPaid(out.Amount, tsDay(out.Timestamp))
		}
	}
	// Paid on receipt by a conditional payment: each release, at most the payable.
	if cp := rec.payment; cp != nil {
		left := pay.Amount
		for _, mv := range cp.Moves {
			if (mv.Type == linkfin.MoveRelease || mv.Type == linkfin.MovePartialRelease) && left > 0 {
				add(min(mv.Amount, left), dayOf(mv.At))
				left -= min(mv.Amount, left)
			}
		}
	}
	// Reverse factoring or dynamic discounting, each read into a value of its own.
	if f := rec.rf; f != nil && f.DisbursedAt != nil {
		add(f.Quote.Price, dayOf(*f.DisbursedAt))
		m.addFund(l.Seller, funding{f.Interest, f.Quote.Price, f.Quote.Days})
		m.financed[l.Seller] = true
		if pay.PaidAt != nil {
			add(pay.Amount-f.Quote.Price, dayOf(*pay.PaidAt))
		}
	}
	if f := rec.dd; f != nil && f.Status == linkfin.FinancingSettled && pay.PaidAt != nil {
		add(pay.Amount, dayOf(*pay.PaidAt))
		m.addFund(l.Seller, funding{f.Quote.Discount, f.Quote.Price, f.Quote.Days})
		m.financed[l.Seller] = true
	}
	if buyer.Kind == KindAnchor && pay.PaidAt != nil {
		anchorPaid(pay.Amount, dayOf(*pay.PaidAt))
	}
	// Paid in certificate pieces: the anchor's certificate, or pieces passed down.
	pieces := rec.pieces
	if buyer.Kind == KindAnchor {
		pieces = nil
		if rec.cert != nil {
			pieces = []*linkfin.Certificate{rec.cert}
		}
	}
	for _, c := range pieces {
		if err := m.walk(c, seller.ID, add, m.financed, l.Seller); err != nil {
			return err
		}
	}
	m.payables[t]++
	m.amount[t] += pay.Amount
	var got int64
	for _, c := range comps {
		got += c.amount
		m.carried[t] += c.amount * int64(c.day-delivered)
		m.comps[t] = append(m.comps[t], component{c.amount, c.day - delivered})
		m.firmComps[l.Seller] = append(m.firmComps[l.Seller], component{c.amount, c.day - delivered})
	}
	if got > pay.Amount {
		return fmt.Errorf("payable %s: %d received of %d", pay.ID, got, pay.Amount)
	}
	m.unpaid[t] += pay.Amount - got
	m.carried[t] += (pay.Amount - got) * int64(m.end-delivered)
	return nil
}

// loans measures the suppliers' own loans, the inbound principal and the outbound
// repayment read from the ledger, and says which supplier borrowed.
func (m *measurer) loans() (borrowed []bool) {
	borrowed = make([]bool, len(m.net.Firms))
	for i, f := range m.net.Firms {
		if f.Kind != KindSupplier {
			continue
		}
		for k := 1; ; k++ {
			in, ok := m.transfer(fmt.Sprintf("inbound/bank/loan.%s.%d", f.ID, k))
			if !ok {
				break
			}
			borrowed[i] = true
			if out, ok := m.transfer(fmt.Sprintf("outbound/ecny/%s/repay.%s.%d", f.ID, f.ID, k)); ok {
				m.addFund(i, funding{out.Amount - in.Amount, in.Amount, tsDay(out.Timestamp) - tsDay(in.Timestamp)})
			}
		}
	}
	return borrowed
}

// failedFirms are the firms that failed: a buyer cancelled an order the firm had
// accepted to deliver (the simulator's buyers cancel only a failed seller's orders).
func (m *measurer) failedFirms() (map[string]bool, error) {
	failed := map[string]bool{}
	err := scan(m.db, linkfin.KindPurchaseOrder, func(_ string, po *linkfin.PurchaseOrder) error {
		if po.Status == linkfin.POCancelled {
			failed[po.SellerID] = true
		}
		return nil
	})
	return failed, err
}

// tiers adds each tier's figures to the report, from the payables measured.
func (m *measurer) tiers(rep *ScenarioReport, borrowed []bool, failedFirm map[string]bool) {
	var firms, failed, fin, bor [MaxTier + 1]int
	for i, f := range m.net.Firms {
		if f.Kind != KindSupplier {
			continue
		}
		firms[f.Tier]++
		if failedFirm[f.ID] {
			failed[f.Tier]++
		}
		if m.financed[i] {
			fin[f.Tier]++
		}
		if borrowed[i] {
			bor[f.Tier]++
		}
	}
	for t := 1; t <= MaxTier; t++ {
		tr := TierReport{Tier: t, Firms: firms[t], Payables: m.payables[t], Amount: m.amount[t], Unpaid: m.unpaid[t], Failed: failed[t],
			DaysToCash: distribution(m.comps[t]), ReceivablesCarried: m.carried[t] / int64(m.net.Days)}
		tr.FundingCost, tr.CostOfFundingBP = annualBP(m.fund[t])
		if firms[t] > 0 {
			tr.FinancedShareBP = fin[t] * 10000 / firms[t]
			tr.BorrowedShareBP = bor[t] * 10000 / firms[t]
		}
		rep.Tiers = append(rep.Tiers, tr)
	}
}

// walk follows a piece paid to holder: discounted (cash at disbursement, less the
// discount), settled at maturity (cash then), or split and passed on (a debt of the
// holder's settled on the day), its remainders followed in turn.
func (m *measurer) walk(c *linkfin.Certificate, holder string, add func(int64, int), financed []bool, fi int) error {
	if f := m.discounting[c.ID]; f != nil && f.RequesterID == holder && f.DisbursedAt != nil {
		add(c.Face, dayOf(*f.DisbursedAt))
		m.addFund(fi, funding{f.Quote.Discount, f.Quote.Price, f.Quote.Days})
		financed[fi] = true
		return nil
	}
	if c.Status == linkfin.CertificateSettled && c.HolderID == holder {
		tr, ok := m.transfer("settlement/" + c.ID + "/payment")
		if !ok {
			return fmt.Errorf("settled piece %s has no payment", c.ID)
		}
		add(c.Face, tsDay(tr.Timestamp))
		return nil
	}
	for _, ch := range c.Children {
		child := m.certByID[ch]
		if child == nil {
			return fmt.Errorf("piece %s names child %s, which does not exist", c.ID, ch)
		}
		if strings.HasPrefix(ch, "p.") {
			add(child.Face, dayOf(child.CreatedAt))
			continue
		}
		if err := m.walk(child, holder, add, financed, fi); err != nil {
			return err
		}
	}
	return nil
}

// pledges counts each warehouse's pledges, and what each supplier paid for its
// pledge loans: the repayment less the disbursement, over the days between.
func (m *measurer) pledges(rep *ScenarioReport, financed []bool) error {
	by := map[string]*WarehouseReport{}
	index := map[string]int{}
	for i, f := range m.net.Firms {
		index[f.ID] = i
		if f.Kind == KindWarehouse {
			rep.Warehouses = append(rep.Warehouses, WarehouseReport{ID: f.ID})
		}
	}
	for i := range rep.Warehouses {
		by[rep.Warehouses[i].ID] = &rep.Warehouses[i]
	}
	err := scan(m.db, linkfin.KindWarehouseReceipt, func(_ string, w *linkfin.WarehouseReceipt) error {
		if wr := by[w.WarehouseID]; wr != nil {
			wr.Receipts++
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, f := range m.financings {
		if f.Product != linkfin.ProductWarehousePledge || f.DisbursedAt == nil {
			continue
		}
		i := index[f.RequesterID]
		financed[i] = true
		if wr := by[m.net.Firms[m.net.Firms[i].Warehouse].ID]; wr != nil {
			wr.Loans++
			wr.Lent += f.Quote.Price
			if f.Status == linkfin.FinancingDefaulted {
				wr.Forfeited++
			}
		}
		if out, ok := m.db.Transfer(services.LegID(f, "repayment")); ok {
			m.addFund(i, funding{out.Amount - f.Quote.Price, f.Quote.Price, tsDay(out.Timestamp) - dayOf(*f.DisbursedAt)})
		}
	}
	return nil
}

// distributors measures the distributors' orders from their anchors: when the anchor
// was paid for the goods, when the distributor paid for them (its payments to the
// anchor, or its loan repaid), and what its loans cost it.
func (m *measurer) distributors(rep *ScenarioReport) error {
	dr := &rep.Distributors
	var anchor, own []component
	var fund []funding
	financed := map[int]bool{}
	for _, f := range m.net.Firms {
		if f.Kind == KindDistributor {
			dr.Firms++
		}
	}
	for oi := range m.net.Orders {
		o := &m.net.Orders[oi]
		l := m.net.Links[o.Link]
		seller, buyer := &m.net.Firms[l.Seller], &m.net.Firms[l.Buyer]
		if seller.Kind != KindAnchor {
			continue
		}
		rec := &m.orders[o.N]
		if rec.receipt == nil {
			continue
		}
		delivered := dayOf(rec.receipt.ReceivedAt)
		amount := o.Accepted * seller.Price
		dr.Orders++
		dr.Amount += amount
		paid := int64(0)
		for k := 1; ; k++ {
			in, ok := m.transfer(fmt.Sprintf("inbound/bank/pay.%d.%d", o.N, k))
			if !ok {
				break
			}
			anchor = append(anchor, component{in.Amount, tsDay(in.Timestamp) - delivered})
			out, _ := m.transfer(fmt.Sprintf("outbound/ecny/%s/pay.%d.%d", buyer.ID, o.N, k))
			own = append(own, component{out.Amount, tsDay(out.Timestamp) - delivered})
			paid += out.Amount
		}
		if f := rec.df; f != nil && f.DisbursedAt != nil {
			financed[l.Buyer] = true
			anchor = append(anchor, component{f.Quote.Price, dayOf(*f.DisbursedAt) - delivered})
			if out, ok := m.db.Transfer(services.LegID(f, "repayment")); ok {
				own = append(own, component{f.Quote.Price, tsDay(out.Timestamp) - delivered})
				fund = append(fund, funding{out.Amount - f.Quote.Price, f.Quote.Price, tsDay(out.Timestamp) - dayOf(*f.DisbursedAt)})
				paid += f.Quote.Price
			}
		}
		dr.Unpaid += amount - paid
	}
	dr.AnchorDaysToCash, dr.DaysToPay = distribution(anchor), distribution(own)
	dr.FundingCost, dr.CostOfFundingBP = annualBP(fund)
	if dr.Firms > 0 {
		dr.FinancedShareBP = len(financed) * 10000 / dr.Firms
	}
	return nil
}

// certificates counts the certificates issued and the debt settled by passing pieces on.
func (m *measurer) certificates(rep *ScenarioReport) error {
	for _, c := range m.certs {
		switch {
		case c.ParentID == "":
			rep.CertificatesIssued += c.Face
		case strings.HasPrefix(c.ID, "p."):
			rep.PassedOn += c.Face
		}
	}
	rep.DebtClearing = decimal(big.NewInt(rep.PassedOn), big.NewInt(rep.CertificatesIssued), 2)
	return nil
}

// funders sums each funder's financings: what it paid out, what it earned on those
// repaid, and what it had not got back, past due, when the run ended.
func (m *measurer) funders(rep *ScenarioReport) error {
	by := map[string]*FunderReport{}
	for _, f := range m.net.Firms {
		if f.Kind == KindFunder {
			by[f.ID] = &FunderReport{ID: f.ID}
			rep.Funders = append(rep.Funders, FunderReport{ID: f.ID})
		}
	}
	end := Start.AddDays(m.end)
	for _, f := range m.financings {
		fr := by[f.FunderID]
		if fr == nil || f.DisbursedAt == nil {
			continue
		}
		fr.Financings++
		fr.Financed += f.Quote.Price
		income := f.Quote.Discount
		if f.Product == linkfin.ProductFactoring {
			income = f.Interest
		}
		switch {
		case f.Status == linkfin.FinancingSettled || f.Status == linkfin.FinancingBoughtBack:
			fr.Income += income
		case f.Status == linkfin.FinancingDefaulted:
			fr.Losses += f.Quote.Price
		case f.Product == linkfin.ProductCertificateDiscounting:
			if c := m.certByID[f.AssetID]; c != nil && c.Maturity.Before(end) {
				fr.Losses += f.Quote.Price
			}
		}
	}
	for i := range rep.Funders {
		rep.Funders[i] = *by[rep.Funders[i].ID]
	}
	return nil
}

// cash draws the wallet of each tier's median firm by sales, week by week, from its
// ledger transfers.
func (m *measurer) cash(rep *ScenarioReport) {
	for t := 1; t <= MaxTier; t++ {
		var tier []int
		for i, f := range m.net.Firms {
			if f.Tier == t && f.Kind == KindSupplier {
				tier = append(tier, i)
			}
		}
		if len(tier) == 0 {
			continue
		}
		slices.SortStableFunc(tier, func(a, b int) int {
			x, y := m.net.Firms[a].Sales, m.net.Firms[b].Sales
			if x != y {
				if x < y {
					return -1
				}
				return 1
			}
			return a - b
		})
		f := m.net.Firms[tier[len(tier)/2]]
		// Its platform wallet, and its e-CNY wallet if it has one: what moves between
		// the two is still its cash.
		ids := []int64{linkfin.WalletID(f.ID, currency)}
		var org linkfin.Organization
		if m.get(linkfin.KindOrganization, f.ID, &org) && org.ECNYWalletID != "" {
			ids = append(ids, linkfin.LedgerID("ecny/"+org.ECNYWalletID))
		}
		weeks := make([]int64, (m.end+6)/7)
		for _, id := range ids {
			a, _ := m.db.Account(id)
			ts, _ := linkfin.WalkAccountTransfers(id, a.LastTransfer, 1_000_000, func(tid int64) (*ledger.Transfer, error) {
				tr, ok := m.db.Transfer(tid)
				if !ok {
					return nil, fmt.Errorf("transfer %d not found", tid)
				}
				return &tr, nil
			})
			for _, tr := range ts {
				if tr.Flags&(ledger.Pending|ledger.VoidPending) != 0 {
					continue
				}
				amt := tr.Amount
				if tr.DebitAccountID == id {
					amt = -amt
				}
				for w := tsDay(tr.Timestamp) / 7; w < len(weeks); w++ {
					weeks[w] += amt
				}
			}
		}
		rep.Cash = append(rep.Cash, CashCurve{Tier: t, Firm: f.ID, Weeks: weeks})
	}
}

// check runs the ledger's invariants over every account, reconciles the money that
// came in and went out over the rails with what the wallets hold, and checks every
// certificate tree against what the ledger paid for it.
func (m *measurer) check(c *Check) error {
	c.Problems = []string{}
	chk := ledger.NewChecker()
	err := m.db.ScanAccounts(context.Background(), func(a *ledger.Account) error {
		chk.Add(a)
		switch a.Code {
		case codeRail:
			c.MoneyIn += a.DebitsPosted
			c.MoneyOut += a.CreditsPosted
		case codeWallet, codeECNYWallet:
			c.Held += a.CreditsPosted - a.DebitsPosted
		}
		return nil
	})
	if err != nil {
		return err
	}
	c.Accounts = chk.Accounts()
	c.Problems = append(c.Problems, chk.Problems()...)
	if c.MoneyIn-c.MoneyOut != c.Held {
		c.Problems = append(c.Problems, fmt.Sprintf("money in %d − out %d ≠ held %d", c.MoneyIn, c.MoneyOut, c.Held))
	}
	trees := map[string][]*linkfin.Certificate{}
	var roots []string
	for _, cert := range m.certs {
		if _, ok := trees[cert.RootID]; !ok {
			roots = append(roots, cert.RootID)
		}
		trees[cert.RootID] = append(trees[cert.RootID], cert)
	}
	slices.Sort(roots)
	var pieces []linkfin.Certificate // a tree's pieces, copied for CheckTree
	for _, root := range roots {
		pieces = pieces[:0]
		for _, p := range trees[root] {
			pieces = append(pieces, *p)
		}
		var paid int64
		for _, p := range pieces {
			if p.Status == linkfin.CertificateSettled {
				tr, ok := m.transfer("settlement/" + p.ID + "/payment")
				if !ok {
					c.Problems = append(c.Problems, "settled piece "+p.ID+" has no payment")
					continue
				}
				paid += tr.Amount
			}
		}
		c.Trees++
		if p := linkfin.CheckTree(pieces, paid); len(p) > 0 {
			c.Problems = append(c.Problems, "certificate "+root+": "+strings.Join(p, "; "))
			continue
		}
		c.TreesConserved++
	}
	return nil
}

// distribution is the amount-weighted mean, median and 90th percentile of days.
func distribution(cs []component) Days {
	if len(cs) == 0 {
		return Days{Mean: "0.0"}
	}
	s := slices.Clone(cs)
	slices.SortStableFunc(s, func(a, b component) int { return a.day - b.day })
	num, den := new(big.Int), new(big.Int)
	var total int64
	for _, c := range s {
		num.Add(num, big.NewInt(c.amount*int64(c.day)))
		den.Add(den, big.NewInt(c.amount))
		total += c.amount
	}
	pct := func(p int64) int {
		var acc int64
		for _, c := range s {
			acc += c.amount
			if acc*100 >= total*p {
				return c.day
			}
		}
		return s[len(s)-1].day
	}
	return Days{Mean: decimal(num, den, 1), P50: pct(50), P90: pct(90)}
}

// annualBP is the cost paid and its effective annual rate in basis points: cost × 365
// over the sum of amount × days, rounded half up.
func annualBP(fs []funding) (int64, int) {
	var cost int64
	num, den := new(big.Int), new(big.Int)
	for _, f := range fs {
		cost += f.cost
		num.Add(num, big.NewInt(f.cost))
		den.Add(den, new(big.Int).Mul(big.NewInt(f.funded), big.NewInt(int64(f.days))))
	}
	if den.Sign() == 0 {
		return cost, 0
	}
	num.Mul(num, big.NewInt(365*10000*2))
	num.Add(num, den)
	num.Quo(num, new(big.Int).Mul(den, big.NewInt(2)))
	return cost, int(num.Int64())
}

// decimal formats num/den with the decimals given, rounded half away from zero ("0.0"
// for 0/0).
func decimal(num, den *big.Int, decimals int) string {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals)), nil)
	if den.Sign() == 0 {
		return fmt.Sprintf("0.%0*d", decimals, 0)
	}
	// Rounded half away from zero: on the magnitudes, the sign put back after.
	neg := num.Sign()*den.Sign() < 0
	d := new(big.Int).Abs(den)
	n := new(big.Int).Mul(new(big.Int).Abs(num), scale)
	n.Mul(n, big.NewInt(2))
	n.Add(n, d)
	n.Quo(n, new(big.Int).Mul(d, big.NewInt(2)))
	q, r := new(big.Int).QuoRem(n, scale, new(big.Int))
	s := fmt.Sprintf("%s.%0*d", q, decimals, r)
	if neg && n.Sign() != 0 {
		s = "-" + s
	}
	return s
}
