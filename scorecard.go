package linkfin

import (
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"
)

// KindScorecard is the record kind of scorecards: the running counts of a supplier's
// trade on the platform, kept by the commands that record it (goods receipts,
// invoices, disputes, credit notes, payments) in the same batch, so a score is read,
// never computed from history.
const KindScorecard = "scorecard"

// KindScoreModel is the record kind of the scoring models: each version's weights and
// grade bands, written once and never changed, so a decision made under a version
// can be worked out again from its inputs.
const KindScoreModel = "score_model"

// ScorecardID is the id of a supplier's scorecard over all its buyers (buyer empty),
// or of its trade with one buyer.
func ScorecardID(seller, buyer string) string {
	if buyer == "" {
		return "sc~" + seller
	}
	return "sc~" + seller + "~" + buyer
}

// ScoreMonths is how many months of invoiced volume a scorecard keeps.
const ScoreMonths = 12

// MonthVolume is what a supplier invoiced in one calendar month ("2026-11").
type MonthVolume struct {
	Month  string `json:"month"`
	Amount int64  `json:"amount"`
}

// ScoreCounts are the counts a score is worked out from. Quantities are units,
// amounts minor units of Currency (the currency of the supplier's first invoice;
// invoices in another currency count in Invoices and Disputed alone).
type ScoreCounts struct {
	// Since is the day of the first invoice: tenure counts from it.
	Since *Date `json:"since,omitempty"`
	// Receipts are the goods receipts against the supplier's orders; OnTimeInFull
	// those made by the order's deliver_by date (or against an order with none) that
	// rejected nothing and left every line of the order received in full.
	Receipts     int64 `json:"receipts,omitempty"`
	OnTimeInFull int64 `json:"on_time_in_full,omitempty"`
	// Accepted and Rejected are the quantities the buyers' receipts accepted and
	// rejected.
	Accepted int64 `json:"accepted,omitempty"`
	Rejected int64 `json:"rejected,omitempty"`
	// Invoices are the invoices submitted; Disputed those the buyer disputed.
	Invoices int64 `json:"invoices,omitempty"`
	Disputed int64 `json:"disputed,omitempty"`
	// Invoiced is the total of the invoices submitted, Credited the credit notes
	// against them.
	Currency Currency `json:"currency,omitempty"`
	Invoiced int64    `json:"invoiced,omitempty"`
	Credited int64    `json:"credited,omitempty"`
	// Months is the invoiced volume of the last ScoreMonths months that had any,
	// oldest first.
	Months []MonthVolume `json:"months,omitempty"`
	// TopBuyer is the buyer the supplier invoiced most (its whole scorecard alone),
	// and TopBuyerInvoiced how much.
	TopBuyer         string `json:"top_buyer,omitempty"`
	TopBuyerInvoiced int64  `json:"top_buyer_invoiced,omitempty"`
	// Paid are the payables the buyers paid; PaidOnTime those paid by their due date.
	// Unpaid are those that fell unpaid.
	Paid       int64 `json:"paid,omitempty"`
	PaidOnTime int64 `json:"paid_on_time,omitempty"`
	Unpaid     int64 `json:"unpaid,omitempty"`
}

// Scorecard is a supplier's running counts, over all its buyers or with one.
type Scorecard struct {
	ID       string `json:"id"`
	SellerID string `json:"seller_id"`
	BuyerID  string `json:"buyer_id,omitempty"`
	ScoreCounts
	UpdatedAt time.Time `json:"updated_at"`
}

// Parties implements Partied: the supplier.
func (s *Scorecard) Parties() []string { return parties(s.SellerID) }

// AddInvoiced adds an invoice's amount to the volume of its month, keeping the last
// ScoreMonths months.
func (c *ScoreCounts) AddInvoiced(cur Currency, amount int64, day Date) error {
	if c.Currency == "" {
		c.Currency = cur
	}
	if c.Since == nil {
		c.Since = &day
	}
	if cur != c.Currency {
		return nil
	}
	var err error
	if c.Invoiced, err = Add(c.Invoiced, amount); err != nil {
		return err
	}
	var b [16]byte
	month := day.appendTo(b[:0])[:7] // "2026-11": made a string only for a new month
	if n := len(c.Months); n > 0 && c.Months[n-1].Month == string(month) {
		c.Months[n-1].Amount, err = Add(c.Months[n-1].Amount, amount)
		return err
	}
	c.Months = append(c.Months, MonthVolume{Month: string(month), Amount: amount})
	if len(c.Months) > ScoreMonths {
		c.Months = slices.Clone(c.Months[len(c.Months)-ScoreMonths:])
	}
	return nil
}

// ScoreModel is one version of the scoring model: the most points each factor gives,
// the level at which a rate factor gives none, and the grade bands. Versions are
// never changed; a new model is a new version.
type ScoreModel struct {
	ID      string `json:"id"` // the version, "v1"
	Version string `json:"version"`
	// Weights are the most points of each factor, by name; they sum to 100.
	Weights map[string]int64 `json:"weights"`
	// ZeroAt is, for the factors that measure a bad rate (rejections, disputes,
	// dilution, variation), the rate in basis points at and above which the factor
	// gives no points; points fall in a straight line from the weight at 0.
	ZeroAt map[string]int64 `json:"zero_at_bps"`
	// FullTenureDays is the tenure that earns the tenure factor's weight.
	FullTenureDays int64 `json:"full_tenure_days"`
	// MinMonths is how many months of volume the stability factor needs.
	MinMonths int `json:"min_months"`
	// ConcentrationFree is the share of one buyer (basis points) that costs nothing;
	// from it to 100 % the factor's points fall to none.
	ConcentrationFree int64 `json:"concentration_free_bps"`
	// Grades are the bands, best first: the lowest score of each grade.
	Grades []GradeBand `json:"grades"`
}

// GradeBand is a grade and the lowest score that earns it.
type GradeBand struct {
	Grade    string `json:"grade"`
	MinScore int64  `json:"min_score"`
}

// The factors of a score, in the order they are shown.
const (
	FactorOnTimeInFull  = "on_time_in_full"
	FactorRejections    = "rejection_rate"
	FactorDisputes      = "dispute_rate"
	FactorDilution      = "dilution"
	FactorTenure        = "tenure"
	FactorStability     = "volume_stability"
	FactorConcentration = "buyer_concentration"
	FactorBuyerPayment  = "buyer_payment"
)

// ScoreFactors lists the factors in the order they are shown.
var ScoreFactors = []string{FactorOnTimeInFull, FactorRejections, FactorDisputes, FactorDilution,
	FactorTenure, FactorStability, FactorConcentration, FactorBuyerPayment}

// CurrentScoreModel is the model new decisions are made under.
const CurrentScoreModel = "v1"

// ScoreModelV1 is the first model.
func ScoreModelV1() *ScoreModel {
	return &ScoreModel{ID: "v1", Version: "v1",
		Weights: map[string]int64{FactorOnTimeInFull: 20, FactorRejections: 15, FactorDisputes: 10, FactorDilution: 15,
			FactorTenure: 10, FactorStability: 10, FactorConcentration: 10, FactorBuyerPayment: 10},
		ZeroAt:         map[string]int64{FactorRejections: 2000, FactorDisputes: 2000, FactorDilution: 2000, FactorStability: 10000},
		FullTenureDays: 730, MinMonths: 3, ConcentrationFree: 5000,
		Grades: []GradeBand{{"A", 80}, {"B", 65}, {"C", 50}, {"D", 35}, {"E", 0}}}
}

// ScoreModels are the models the platform knows, by version: made once, shared by
// every decision, and never changed (a published version never changes).
func ScoreModels() map[string]*ScoreModel { return scoreModels }

var scoreModels = map[string]*ScoreModel{"v1": ScoreModelV1()}

// GradeRank orders grades: the best is 0; an unknown grade ranks after all of them.
func (m *ScoreModel) GradeRank(g string) int {
	for i, b := range m.Grades {
		if b.Grade == g {
			return i
		}
	}
	return len(m.Grades)
}

// Factor is one factor of a score: its value (basis points for a rate, days for
// tenure; absent where there is nothing to measure yet), and the points it gave of
// its most.
type Factor struct {
	Name      string `json:"name"`
	Value     *int64 `json:"value,omitempty"`
	Unit      string `json:"unit"` // "bps" or "days"
	Points    int64  `json:"points"`
	MaxPoints int64  `json:"max_points"`
}

// Reason is a factor that cost points, with a stable code and a sentence in each
// language, and what would raise it.
type Reason struct {
	Code      string `json:"code"`
	Lost      int64  `json:"points_lost"`
	EN        string `json:"en"`
	ZH        string `json:"zh"`
	ImproveEN string `json:"improve_en"`
	ImproveZH string `json:"improve_zh"`
}

// Score is a supplier's score as of a time, under one model version.
type Score struct {
	SellerID     string    `json:"seller_id"`
	BuyerID      string    `json:"buyer_id,omitempty"`
	Score        int64     `json:"score"`
	Grade        string    `json:"grade"`
	ModelVersion string    `json:"model_version"`
	AsOf         time.Time `json:"as_of"`
	Factors      []Factor  `json:"factors"`
	Reasons      []Reason  `json:"reasons"`
	// Inputs are the counts it was worked out from: with the model's version they
	// give the same score again.
	Inputs ScoreInputs `json:"inputs"`
}

// ScoreInputs are what a score is worked out from: the supplier's counts (over all
// its buyers, or with one), and, for one buyer, what the supplier invoiced in all
// (the buyer's share of it is the concentration).
type ScoreInputs struct {
	Counts        ScoreCounts `json:"counts"`
	TotalInvoiced int64       `json:"total_invoiced,omitempty"`
}

// bps is n/d in basis points, rounded down, at most 10000; d > 0.
func bps(n, d int64) int64 {
	if n <= 0 {
		return 0
	}
	if n >= d {
		return 10000
	}
	hi, lo := bits.Mul64(uint64(n), 10000)
	q, _ := bits.Div64(hi, lo, uint64(d)) // n < d, so the quotient fits
	return int64(q)
}

// linear gives weight×(1 − v/zero) points for a rate v that gives none at zero.
func linear(weight, v, zero int64) int64 {
	if v >= zero {
		return 0
	}
	return weight * (zero - v) / zero
}

// monthIndex numbers a calendar month ("2026-01", as the scorecards keep them) from
// year 0.
func monthIndex(m string) int64 {
	y, mo, _ := strings.Cut(m, "-")
	year, _ := strconv.ParseInt(y, 10, 64)
	month, _ := strconv.ParseInt(mo, 10, 64)
	return year*12 + month - 1
}

// Compute works out the score of in as of now: its factors, its grade, and the
// reasons for the points the factors lost, each explained.
func (m *ScoreModel) Compute(in ScoreInputs, now time.Time) Score {
	s := m.points(in, now)
	lost := lostFactors(s.Factors)
	s.Reasons = make([]Reason, 0, len(lost))
	for _, f := range lost {
		s.Reasons = append(s.Reasons, reasonOf(f))
	}
	return s
}

// Decision works out what a credit decision keeps of the score of in as of now: the
// score, the grade, the model's version and the time, and each reason's code and the
// points it cost. It is Compute's figures without the sentences that explain them,
// which a quote does not keep (Recompute gives them).
func (m *ScoreModel) Decision(in ScoreInputs, now time.Time) *CreditDecision {
	s := m.points(in, now)
	lost := lostFactors(s.Factors)
	d := &CreditDecision{Score: s.Score, Grade: s.Grade, ModelVersion: s.ModelVersion, AsOf: s.AsOf,
		Reasons: make([]ReasonCode, 0, len(lost))}
	for _, f := range lost {
		d.Reasons = append(d.Reasons, ReasonCode{Code: reasonCode(f), Lost: f.MaxPoints - f.Points})
	}
	return d
}

// points works out the factors of in as of now, the score they sum to and its grade.
func (m *ScoreModel) points(in ScoreInputs, now time.Time) Score {
	c := in.Counts
	s := Score{ModelVersion: m.Version, AsOf: now, Inputs: in, Factors: make([]Factor, 0, len(ScoreFactors))}
	vals := make([]int64, len(ScoreFactors)) // one allocation for every factor's value
	for i, name := range ScoreFactors {
		val := func(v int64) *int64 {
			vals[i] = v
			return &vals[i]
		}
		w := m.Weights[name]
		f := Factor{Name: name, MaxPoints: w, Unit: "bps"}
		switch name {
		case FactorOnTimeInFull:
			if c.Receipts > 0 {
				f.Value = val(bps(c.OnTimeInFull, c.Receipts))
				f.Points = w * *f.Value / 10000
			}
		case FactorRejections:
			if q := c.Accepted + c.Rejected; q > 0 {
				f.Value = val(bps(c.Rejected, q))
				f.Points = linear(w, *f.Value, m.ZeroAt[name])
			}
		case FactorDisputes:
			if c.Invoices > 0 {
				f.Value = val(bps(c.Disputed, c.Invoices))
				f.Points = linear(w, *f.Value, m.ZeroAt[name])
			}
		case FactorDilution:
			if c.Invoiced > 0 {
				f.Value = val(bps(c.Credited, c.Invoiced))
				f.Points = linear(w, *f.Value, m.ZeroAt[name])
			}
		case FactorTenure:
			f.Unit = "days"
			if c.Since != nil {
				d := max(int64(DaysBetween(*c.Since, BusinessDate(now))), 0)
				f.Value = val(d)
				f.Points = w * min(d, m.FullTenureDays) / m.FullTenureDays
			}
		case FactorStability:
			if v, ok := variation(c.Months, BusinessDate(now), m.MinMonths); ok {
				f.Value = val(v)
				f.Points = linear(w, v, m.ZeroAt[name])
			}
		case FactorConcentration:
			top, total := c.TopBuyerInvoiced, c.Invoiced
			if in.TotalInvoiced > 0 {
				top, total = c.Invoiced, in.TotalInvoiced
			}
			if total > 0 {
				f.Value = val(bps(top, total))
				free := m.ConcentrationFree
				f.Points = w
				if *f.Value > free {
					f.Points = w * (10000 - *f.Value) / (10000 - free)
				}
			}
		case FactorBuyerPayment:
			if n := c.Paid + c.Unpaid; n > 0 {
				f.Value = val(bps(c.PaidOnTime, n))
				f.Points = w * *f.Value / 10000
			}
		}
		s.Score += f.Points
		s.Factors = append(s.Factors, f)
	}
	s.Grade = m.Grades[len(m.Grades)-1].Grade
	for _, b := range m.Grades {
		if s.Score >= b.MinScore {
			s.Grade = b.Grade
			break
		}
	}
	return s
}

// variation is the mean absolute deviation of the monthly volumes over their mean,
// in basis points, over the months from the first kept to the current one (those
// with no invoice count as 0), at most ScoreMonths; ok is false below minMonths.
func variation(months []MonthVolume, today Date, minMonths int) (int64, bool) {
	if len(months) == 0 {
		return 0, false
	}
	year, month, _ := today.YMD()
	last := int64(year)*12 + int64(month) - 1
	first := max(monthIndex(months[0].Month), last-ScoreMonths+1)
	n := last - first + 1
	if n < int64(minMonths) {
		return 0, false
	}
	vols := make([]int64, n)
	var sum int64
	for _, mv := range months {
		if i := monthIndex(mv.Month) - first; i >= 0 && i < n {
			vols[i] = mv.Amount
			sum += mv.Amount
		}
	}
	if sum == 0 {
		return 10000, true
	}
	// mean absolute deviation / mean = Σ|n·v − sum| / (n·sum)
	var dev int64
	for _, v := range vols {
		d := n*v - sum
		if d < 0 {
			d = -d
		}
		dev += d
	}
	return bps(dev, n*sum), true
}

// lostFactors are the factors that cost the most points, at most five, worst first:
// those a score's reasons explain.
func lostFactors(fs []Factor) []Factor {
	lost := make([]Factor, 0, len(fs))
	for _, f := range fs {
		if f.MaxPoints > f.Points {
			lost = append(lost, f)
		}
	}
	slices.SortStableFunc(lost, func(a, b Factor) int { return int((b.MaxPoints - b.Points) - (a.MaxPoints - a.Points)) })
	return lost[:min(len(lost), 5)]
}

// reasonCode is the code of the reason a factor that lost points gives: its name, or
// its name and "_no_history" when there was nothing to measure it by.
func reasonCode(f Factor) string {
	if f.Value == nil {
		return noHistoryCode[f.Name]
	}
	return f.Name
}

// noHistoryCode is each factor's code for a reason with no history to measure.
var noHistoryCode = func() map[string]string {
	codes := map[string]string{}
	for _, name := range ScoreFactors {
		codes[name] = name + "_no_history"
	}
	return codes
}()

// pct writes basis points as a percentage with two decimals.
func pct(v int64) string { return fmt.Sprintf("%d.%02d%%", v/100, v%100) }

// reasonOf explains what a factor cost.
func reasonOf(f Factor) Reason {
	r := Reason{Code: reasonCode(f), Lost: f.MaxPoints - f.Points}
	if f.Value == nil {
		r.EN, r.ZH = "No history yet for "+factorEN[f.Name]+".", "尚无"+factorZH[f.Name]+"的记录。"
		r.ImproveEN, r.ImproveZH = improveEN[f.Name], improveZH[f.Name]
		return r
	}
	v := *f.Value
	switch f.Name {
	case FactorOnTimeInFull:
		r.EN, r.ZH = pct(v)+" of deliveries arrived on time and in full.", "准时足额交货比例为 "+pct(v)+"。"
	case FactorRejections:
		r.EN, r.ZH = pct(v)+" of the quantity delivered was rejected.", "交货数量中 "+pct(v)+" 被拒收。"
	case FactorDisputes:
		r.EN, r.ZH = pct(v)+" of invoices were disputed by the buyer.", "发票中 "+pct(v)+" 被买方提出异议。"
	case FactorDilution:
		r.EN, r.ZH = "Credit notes reduced "+pct(v)+" of the amount invoiced.", "贷项通知单冲减了开票金额的 "+pct(v)+"。"
	case FactorTenure:
		r.EN, r.ZH = fmt.Sprintf("Trading on the platform for %d days.", v), fmt.Sprintf("在平台上交易 %d 天。", v)
	case FactorStability:
		r.EN, r.ZH = "Monthly invoiced volume varies by "+pct(v)+" around its mean.", "月度开票金额围绕均值波动 "+pct(v)+"。"
	case FactorConcentration:
		r.EN, r.ZH = pct(v)+" of the volume is invoiced to one buyer.", "开票金额的 "+pct(v)+" 集中于单一买方。"
	case FactorBuyerPayment:
		r.EN, r.ZH = "Buyers paid "+pct(v)+" of payables by their due date.", "买方按期支付的应付账款比例为 "+pct(v)+"。"
	}
	r.ImproveEN, r.ImproveZH = improveEN[f.Name], improveZH[f.Name]
	return r
}

var factorEN = map[string]string{FactorOnTimeInFull: "on-time, in-full delivery", FactorRejections: "rejected goods",
	FactorDisputes: "disputed invoices", FactorDilution: "credit notes", FactorTenure: "tenure",
	FactorStability: "monthly volume", FactorConcentration: "buyer concentration", FactorBuyerPayment: "buyers' payments"}

var factorZH = map[string]string{FactorOnTimeInFull: "准时足额交货", FactorRejections: "拒收",
	FactorDisputes: "发票异议", FactorDilution: "贷项通知单", FactorTenure: "交易年限",
	FactorStability: "月度交易量", FactorConcentration: "买方集中度", FactorBuyerPayment: "买方付款"}

var improveEN = map[string]string{
	FactorOnTimeInFull:  "Deliver each order complete by its deliver-by date.",
	FactorRejections:    "Ship goods that pass the buyer's inspection.",
	FactorDisputes:      "Invoice exactly what was ordered and received.",
	FactorDilution:      "Avoid credit notes: bill what was delivered, at the agreed price.",
	FactorTenure:        "Keep trading on the platform; tenure counts up to two years.",
	FactorStability:     "Spread the volume evenly over the months.",
	FactorConcentration: "Sell to more than one buyer on the platform.",
	FactorBuyerPayment:  "Sell to buyers who pay on time.",
}

var improveZH = map[string]string{
	FactorOnTimeInFull:  "在订单交货日期前足额交付每张订单。",
	FactorRejections:    "交付能通过买方检验的货物。",
	FactorDisputes:      "按实际订购和收货的内容开具发票。",
	FactorDilution:      "避免开具贷项通知单：按约定价格就实际交付开票。",
	FactorTenure:        "持续在平台上交易；年限最多计两年。",
	FactorStability:     "使各月交易量保持均衡。",
	FactorConcentration: "在平台上向多个买方销售。",
	FactorBuyerPayment:  "向按期付款的买方销售。",
}

// CreditDecision is what a quote or a refusal was decided on: the requester's score,
// grade, the model's version and the reasons, and the program's terms for the grade.
//
// A financing's quote keeps the decision but its inputs, which are the requester's
// scorecard as the quote read it; from its acceptance on, its versions keep the
// decision's Summary. services.WholeDecision reads the whole decision back from the
// quote and the scorecard's history. A declined request keeps it whole.
type CreditDecision struct {
	Score        int64     `json:"score"`
	Grade        string    `json:"grade"`
	ModelVersion string    `json:"model_version"`
	AsOf         time.Time `json:"as_of"`
	// Reasons are the codes of the factors that cost the most points, and how many
	// each cost; Recompute gives their sentences. Never nil in a whole decision (an
	// empty list when no factor cost a point); nil in a summary.
	Reasons []ReasonCode `json:"reasons,omitzero"`
	// Inputs are the counts the score was worked out from; nil in a quote and a
	// summary (the scorecard's history has them).
	Inputs *ScoreInputs `json:"inputs,omitempty"`
	// Terms are the program's terms for the grade, when it maps grades to terms.
	Terms *GradeTerms `json:"terms,omitempty"`
}

// Summary is the decision without its reasons and inputs: what a financing keeps of it
// once accepted, so that each of its later versions does not carry them again.
func (d *CreditDecision) Summary() *CreditDecision {
	if d == nil {
		return nil
	}
	s := *d
	s.Reasons, s.Inputs = nil, nil
	return &s
}

// IsSummary reports whether the decision is a Summary, its reasons left in the quote.
func (d *CreditDecision) IsSummary() bool { return d != nil && d.Reasons == nil }

// ReasonCode is a reason as a decision keeps it: its code and the points it cost.
type ReasonCode struct {
	Code string `json:"code"`
	Lost int64  `json:"points_lost"`
}

// GradeTerms are a program's terms for suppliers of one grade; a zero field keeps the
// program's own.
type GradeTerms struct {
	Grade         string `json:"grade"`
	AdvanceRate   *Rate  `json:"advance_rate,omitempty"`
	Margin        *Rate  `json:"margin,omitempty"` // over the funder's base rate
	SupplierLimit int64  `json:"supplier_limit,omitempty" bound:"amount"`
	MaxTenorDays  int    `json:"max_tenor_days,omitempty" bound:"days"`
}
