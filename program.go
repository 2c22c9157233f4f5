package linkfin

import (
	"math/big"
	"slices"
	"strings"
	"time"
)

var oneRat = big.NewRat(1, 1)

// KindProgram is the record kind of supply chain finance programs.
const KindProgram = "program"

// Product is a financing product of DESIGN §2.
type Product string

const (
	ProductCertificateDiscounting Product = "certificate_discounting"
	ProductFactoring              Product = "factoring"
	ProductDynamicDiscounting     Product = "dynamic_discounting"
	ProductPOFinancing            Product = "po_financing"
	ProductWarehousePledge        Product = "warehouse_pledge"
	ProductDistributorFinancing   Product = "distributor_financing"
)

var products = []Product{ProductCertificateDiscounting, ProductFactoring, ProductDynamicDiscounting,
	ProductPOFinancing, ProductWarehousePledge, ProductDistributorFinancing}

// Products lists every product a program may offer.
func Products() []Product { return slices.Clone(products) }

// Pricing is a funder's price: a base rate plus a margin, or a fixed rate (decimal
// annual rates, "0.0425" = 4.25 %).
type Pricing struct {
	BaseRate  *Rate `json:"base_rate,omitempty"`
	Margin    *Rate `json:"margin,omitempty"`
	FixedRate *Rate `json:"fixed_rate,omitempty"`
}

// Validate checks that exactly one form is given, and that each rate, and the sum of
// base rate and margin, is at most MaxAnnualRate.
func (p *Pricing) Validate() error {
	switch {
	case p.FixedRate != nil && (p.BaseRate != nil || p.Margin != nil):
		return Errorf(EINVALID, "pricing is either a fixed rate or a base rate plus a margin, not both")
	case p.FixedRate == nil && (p.BaseRate == nil || p.Margin == nil):
		return Errorf(EINVALID, "pricing needs a fixed_rate, or a base_rate and a margin")
	case p.FixedRate != nil:
		return CheckAnnualRate("pricing.fixed_rate", *p.FixedRate)
	}
	return firstErr(CheckAnnualRate("pricing.base_rate", *p.BaseRate), CheckAnnualRate("pricing.margin", *p.Margin),
		CheckAnnualRate("pricing.base_rate + pricing.margin", p.Annual()))
}

// CheckGradeMargins refuses pricing at a base rate that one of the program's grades
// would raise above MaxAnnualRate: a grade's margin replaces the funder's own over its
// base rate (fixed-rate pricing keeps its rate).
func (p *Program) CheckGradeMargins(pr Pricing) error {
	if pr.BaseRate == nil {
		return nil
	}
	for _, g := range p.Grades {
		if g.Margin == nil {
			continue
		}
		if err := CheckAnnualRate("pricing.base_rate + grades: "+g.Grade+"'s margin", pr.BaseRate.Add(*g.Margin)); err != nil {
			return err
		}
	}
	return nil
}

// FunderStatus is where a funder's part of a program stands.
type FunderStatus string

const (
	FunderInvited  FunderStatus = "invited"
	FunderAccepted FunderStatus = "accepted" // live: the funder finances under this program
)

// ProgramFunder is a funder's part of a program.
type ProgramFunder struct {
	FunderID string       `json:"funder_id"`
	Limit    int64        `json:"limit,omitempty"` // minor units of the program's currency (not shown to members)
	Pricing  Pricing      `json:"pricing"`
	Status   FunderStatus `json:"status"`
	// Invitation numbers the terms the anchor offered: 1 for its first invitation,
	// one more each time it invited the funder again with other terms before the
	// funder accepted (0 for an invitation made before invitations were numbered).
	// Only a first invitation may be accepted without naming its terms.
	Invitation int        `json:"invitation,omitempty"`
	AcceptedAt *time.Time `json:"accepted_at,omitempty"`
	// GradeFloor is the funder's own floor: it is not asked to finance suppliers
	// graded worse.
	GradeFloor string `json:"grade_floor,omitempty"`
	// Idle marks, in a view of the program (never in the record), a funder that has
	// accepted but may not fund now: the operator withdrew its fund capability. It is
	// not live: no request is quoted from it and no offer names it until the
	// capability is granted again, and a member's view leaves it out.
	Idle bool `json:"idle,omitempty"`
}

// FunderTerms are the terms of a funder's part of a program that the funder accepts:
// its limit and its pricing, as its invitation shows them.
type FunderTerms struct {
	Limit   int64   `json:"limit"`
	Pricing Pricing `json:"pricing"`
}

// Same reports whether the funder's part has these terms: the same limit, and the
// same pricing, rate by rate ("0.05" is "0.050").
func (f *ProgramFunder) Same(t FunderTerms) bool {
	same := func(a, b *Rate) bool { return a == nil && b == nil || a != nil && b != nil && a.Cmp(*b) == 0 }
	return f.Limit == t.Limit && same(f.Pricing.FixedRate, t.Pricing.FixedRate) &&
		same(f.Pricing.BaseRate, t.Pricing.BaseRate) && same(f.Pricing.Margin, t.Pricing.Margin)
}

// EINVITATIONCHANGED refuses a funder's acceptance of terms that are not those of its
// invitation as it stands, or, without terms, of an invitation the anchor changed:
// a funder accepts the terms it saw.
const EINVITATIONCHANGED = "invitation_changed"

// MatchTolerances bound the differences that a three-way match (purchase order ↔
// goods receipt ↔ invoice) accepts.
type MatchTolerances struct {
	QuantityRate Rate  `json:"quantity_rate"`             // relative quantity difference per line, e.g. "0.02"
	PriceRate    Rate  `json:"price_rate"`                // relative unit-price difference per line
	AmountAbs    int64 `json:"amount_abs" bound:"amount"` // absolute difference of the totals, minor units
}

// Program is an anchor's supply chain finance program.
type Program struct {
	ID           string          `json:"id"`
	AnchorID     string          `json:"anchor_id"`
	Name         string          `json:"name"`
	Currency     Currency        `json:"currency"`
	Limit        int64           `json:"limit,omitempty"` // the whole program's limit, minor units (not shown to members)
	Products     []Product       `json:"products"`
	MaxTenorDays int             `json:"max_tenor_days"`
	AdvanceRate  Rate            `json:"advance_rate"` // for factoring and PO financing, below 1
	DayCount     DayCount        `json:"day_count"`
	Calendar     string          `json:"calendar"` // "CN" or "WEEKEND"
	Tolerances   MatchTolerances `json:"tolerances"`
	BuyBack      bool            `json:"buy_back"` // the anchor guarantees overdue distributor loans
	// EarlyPaymentAPR is the anchor's annual rate for dynamic discounting: paying early
	// from its own cash costs the supplier face × APR × days early / basis.
	EarlyPaymentAPR *Rate `json:"early_payment_apr,omitempty"`
	// MarginCallLTV is the loan-to-value above which a warehouse pledge is called for
	// more margin; the advance rate is the LTV at which such loans are made.
	MarginCallLTV *Rate `json:"margin_call_ltv,omitempty"`
	// SupplierLimit caps what any one supplier (or distributor) has financed under the
	// program at once, in minor units; 0 sets no such cap.
	SupplierLimit int64 `json:"supplier_limit,omitempty"`
	// LateRate is the annual rate of late interest the anchor owes on a certificate
	// piece it pays after maturity (none when absent).
	LateRate *Rate `json:"late_rate,omitempty"`
	// PaymentTermsDays is the buyer's payment terms: an invoice that states no due
	// date is due this many days after its issue date (none when 0).
	PaymentTermsDays int `json:"payment_terms_days,omitempty"`
	// DuplicateWindowDays is how many days either side of an earlier invoice of the
	// same seller, buyer, currency and total an invoice is held for review as a
	// possible duplicate: DefaultDuplicateWindowDays when absent, none when 0.
	DuplicateWindowDays *int `json:"duplicate_window_days,omitempty"`
	// LateShipmentAllowanceDays is how many days after an order's deliver_by date its
	// goods may arrive before a late_shipment alert is raised:
	// DefaultLateShipmentAllowanceDays when absent, 0 to MaxLateShipmentAllowanceDays.
	LateShipmentAllowanceDays *int `json:"late_shipment_allowance_days,omitempty"`
	// MarginCallDays is how many days a margin call made by the margin_call alert
	// action gives the borrower: DefaultMarginCallDays when absent, 1 to
	// MaxMarginCallDays.
	MarginCallDays *int `json:"margin_call_days,omitempty"`
	// Grades map suppliers' grades (of the current scoring model) to terms, and
	// DeclineBelow refuses requests from suppliers graded worse than it.
	Grades       []GradeTerms `json:"grades,omitempty"`
	DeclineBelow string       `json:"decline_below,omitempty"`
	// SettlementRail is how maturities are paid: between platform wallets (""), or
	// from the anchor's designated e-CNY wallet into each holder's (ecny).
	SettlementRail PaymentRail `json:"settlement_rail,omitempty"`
	// AlertActions are what the program does when an alert is raised on one of its
	// suppliers (docs/CREDIT.md); none: notify.
	AlertActions []AlertAction   `json:"alert_actions,omitempty"`
	Funders      []ProgramFunder `json:"funders"`
	CreatedAt    time.Time       `json:"created_at"`
}

// Late shipment allowances: an order's goods may arrive this many days after its
// deliver_by date before they are late enough to raise an alert.
const (
	DefaultLateShipmentAllowanceDays = 3
	MaxLateShipmentAllowanceDays     = 90
)

// LateShipmentAllowance is the program's late shipment allowance in days.
func (p *Program) LateShipmentAllowance() int {
	if p.LateShipmentAllowanceDays == nil {
		return DefaultLateShipmentAllowanceDays
	}
	return *p.LateShipmentAllowanceDays
}

// MarginCallPeriod is how many days the program's margin calls give.
func (p *Program) MarginCallPeriod() int {
	if p.MarginCallDays == nil {
		return DefaultMarginCallDays
	}
	return *p.MarginCallDays
}

// Offers reports whether the program allows the product.
func (p *Program) Offers(pr Product) bool { return slices.Contains(p.Products, pr) }

// Funder returns the funder's part of the program, or nil.
func (p *Program) Funder(id string) *ProgramFunder {
	for i := range p.Funders {
		if p.Funders[i].FunderID == id {
			return &p.Funders[i]
		}
	}
	return nil
}

// MemberView is what a member of the program sees, who is neither its anchor nor one
// of its funders: its terms, and its live funders with their pricing, without the
// program's or any funder's limit. A funder marked Idle is not live, and is left out.
func (p *Program) MemberView() Program {
	v := *p
	v.Limit = 0
	v.Funders = []ProgramFunder{}
	for _, f := range p.Funders {
		if f.Status == FunderAccepted && !f.Idle {
			f.Limit, f.Invitation = 0, 0
			v.Funders = append(v.Funders, f)
		}
	}
	return v
}

// MaxTenorDays is the longest tenor a program allows: ten years.
const MaxTenorDays = 3660

// Validate checks what the anchor gives when it creates the program: its name,
// currency and limits (validateLimits), its products (validateProducts), its periods
// in days (validatePeriods), its financing terms (validateFinancing), its match
// tolerances (validateTolerances), no funders yet, its pledge and discount rates
// (validateRates), its settlement rail, its alert actions and its grades
// (validateGrades). The checks run in that order, and the first that fails is the
// error.
func (p *Program) Validate() error {
	if err := p.validateLimits(); err != nil {
		return err
	}
	if err := p.validateProducts(); err != nil {
		return err
	}
	if err := p.validatePeriods(); err != nil {
		return err
	}
	if err := p.validateFinancing(); err != nil {
		return err
	}
	if err := p.validateTolerances(); err != nil {
		return err
	}
	if len(p.Funders) > 0 {
		return Errorf(EINVALID, "funders join a program one by one, after it is created")
	}
	if err := p.validateRates(); err != nil {
		return err
	}
	if err := CheckRail(p.SettlementRail, p.Currency); err != nil {
		return err
	}
	if err := ValidateAlertActions(p.AlertActions); err != nil {
		return err
	}
	return p.validateGrades()
}

// validateLimits checks the program's name (1 to 200 characters, and text a name may
// hold), its currency, and that its limit is a positive amount and its supplier limit
// and amount tolerance are amounts.
func (p *Program) validateLimits() error {
	if n := len([]rune(p.Name)); n == 0 || n > 200 {
		return Errorf(EINVALID, "a program's name has 1 to 200 characters")
	}
	if _, err := ParseCurrency(string(p.Currency)); err != nil {
		return err
	}
	if err := ValidateText("name", p.Name, MaxName, false); err != nil {
		return err
	}
	if p.Limit <= 0 {
		return Errorf(EINVALID, "a program's limit is a positive amount in minor units")
	}
	return firstErr(CheckAmount("limit", p.Limit), CheckAmount("supplier_limit", p.SupplierLimit),
		CheckAmount("tolerances.amount_abs", p.Tolerances.AmountAbs))
}

// validateProducts checks that the program offers at least one product, each a known
// one and listed once.
func (p *Program) validateProducts() error {
	if len(p.Products) == 0 {
		return Errorf(EINVALID, "a program allows at least one product (%v)", products)
	}
	seen := make(map[Product]bool)
	for _, pr := range p.Products {
		if !slices.Contains(products, pr) {
			return Errorf(EINVALID, "unknown product %q (known: %v)", pr, products)
		}
		if seen[pr] {
			return Errorf(EINVALID, "product %q is listed twice", pr)
		}
		seen[pr] = true
	}
	return nil
}

// validatePeriods checks the program's periods in days, each within its bounds: the
// longest tenor, the payment terms, and, when given, the duplicate window, the late
// shipment allowance and the margin call period.
func (p *Program) validatePeriods() error {
	if p.MaxTenorDays < 1 || p.MaxTenorDays > MaxTenorDays {
		return Errorf(EINVALID, "max_tenor_days is from 1 to %d", MaxTenorDays)
	}
	if p.PaymentTermsDays < 0 || p.PaymentTermsDays > MaxTenorDays {
		return Errorf(EINVALID, "payment_terms_days is from 0 to %d", MaxTenorDays)
	}
	if w := p.DuplicateWindowDays; w != nil && (*w < 0 || *w > MaxDuplicateWindowDays) {
		return Errorf(EINVALID, "duplicate_window_days is from 0 (no check) to %d", MaxDuplicateWindowDays)
	}
	if a := p.LateShipmentAllowanceDays; a != nil && (*a < 0 || *a > MaxLateShipmentAllowanceDays) {
		return Errorf(EINVALID, "late_shipment_allowance_days is from 0 to %d", MaxLateShipmentAllowanceDays)
	}
	if d := p.MarginCallDays; d != nil && (*d < 1 || *d > MaxMarginCallDays) {
		return Errorf(EINVALID, "margin_call_days is from 1 to %d", MaxMarginCallDays)
	}
	return nil
}

// validateFinancing checks the terms loans are made on: an advance rate above 0 and
// below 1, a day count, a known calendar, and a supplier limit from 0 (none) to the
// program's limit.
func (p *Program) validateFinancing() error {
	if p.AdvanceRate.IsZero() || p.AdvanceRate.Rat().Cmp(oneRat) >= 0 {
		return Errorf(EINVALID, "advance_rate is above 0 and below 1, such as \"0.8\"")
	}
	if p.DayCount == 0 {
		return Errorf(EINVALID, "day_count is ACT/360 or ACT/365F")
	}
	if _, err := CalendarByName(p.Calendar); err != nil {
		return err
	}
	if p.SupplierLimit < 0 || p.SupplierLimit > p.Limit {
		return Errorf(EINVALID, "supplier_limit is from 0 (none) to the program's limit")
	}
	return nil
}

// validateTolerances checks the three-way match's tolerances: an amount that is not
// negative, and quantity and price rates of at most 1.
func (p *Program) validateTolerances() error {
	if p.Tolerances.AmountAbs < 0 {
		return Errorf(EINVALID, "tolerances.amount_abs is not negative")
	}
	// A rate is of the order's own quantity or price: past 1 (100 %) the match would
	// take an invoice for more than twice what was ordered as matching.
	for _, t := range []struct {
		name string
		r    Rate
	}{{"quantity_rate", p.Tolerances.QuantityRate}, {"price_rate", p.Tolerances.PriceRate}} {
		if t.r.Rat().Cmp(oneRat) > 0 {
			return Errorf(EINVALID, "tolerances.%s is from 0 to 1 (100 %%), not %s", t.name, t.r)
		}
	}
	return nil
}

// validateRates checks the rates of the program's products: a margin call LTV above
// the advance rate and at most 1 for warehouse pledges, an early payment APR exactly
// when it offers dynamic discounting, and that APR and the late rate, when given,
// within MaxAnnualRate.
func (p *Program) validateRates() error {
	if p.Offers(ProductWarehousePledge) && (p.MarginCallLTV == nil || p.MarginCallLTV.Cmp(p.AdvanceRate) <= 0) {
		return Errorf(EINVALID, "a program with warehouse pledges sets margin_call_ltv above its advance rate")
	}
	// A loan-to-value past 1 calls for margin only once the loan is worth more than
	// the lot that secures it: a pledge no margin call protects.
	if p.MarginCallLTV != nil && p.MarginCallLTV.Rat().Cmp(oneRat) > 0 {
		return Errorf(EINVALID, "margin_call_ltv is at most 1 (the loan worth the whole lot), not %s", p.MarginCallLTV)
	}
	if p.Offers(ProductDynamicDiscounting) != (p.EarlyPaymentAPR != nil) {
		return Errorf(EINVALID, "early_payment_apr is set exactly when the program offers dynamic discounting")
	}
	for _, r := range []struct {
		name string
		r    *Rate
	}{{"early_payment_apr", p.EarlyPaymentAPR}, {"late_rate", p.LateRate}} {
		if r.r != nil {
			if err := CheckAnnualRate(r.name, *r.r); err != nil {
				return err
			}
		}
	}
	return nil
}

// validateGrades checks the grade terms: each grade of the current model at most once,
// rates and amounts within the program's own bounds.
func (p *Program) validateGrades() error {
	m := ScoreModels()[CurrentScoreModel]
	if p.DeclineBelow != "" && m.GradeRank(p.DeclineBelow) == len(m.Grades) {
		return Errorf(EINVALID, "decline_below %q is not a grade (%s)", p.DeclineBelow, gradeNames(m))
	}
	seen := make(map[string]bool)
	for _, g := range p.Grades {
		switch {
		case m.GradeRank(g.Grade) == len(m.Grades):
			return Errorf(EINVALID, "grades: %q is not a grade (%s)", g.Grade, gradeNames(m))
		case seen[g.Grade]:
			return Errorf(EINVALID, "grades: %q is listed twice", g.Grade)
		case g.AdvanceRate != nil && (g.AdvanceRate.IsZero() || g.AdvanceRate.Rat().Cmp(oneRat) >= 0):
			return Errorf(EINVALID, "grades: %s's advance_rate is above 0 and below 1", g.Grade)
		case g.Margin != nil && g.Margin.Rat().Sign() < 0:
			return Errorf(EINVALID, "grades: %s's margin is not negative", g.Grade)
		case g.SupplierLimit < 0 || g.SupplierLimit > p.Limit:
			return Errorf(EINVALID, "grades: %s's supplier_limit is from 0 (the program's) to the program's limit", g.Grade)
		case g.MaxTenorDays < 0 || g.MaxTenorDays > MaxTenorDays:
			return Errorf(EINVALID, "grades: %s's max_tenor_days is from 0 (the program's) to %d", g.Grade, MaxTenorDays)
		}
		if g.Margin != nil {
			if err := CheckAnnualRate("grades: "+g.Grade+"'s margin", *g.Margin); err != nil {
				return err
			}
		}
		seen[g.Grade] = true
	}
	return nil
}

// gradeNames lists a model's grades, best first.
func gradeNames(m *ScoreModel) string {
	var out []string
	for _, g := range m.Grades {
		out = append(out, g.Grade)
	}
	return strings.Join(out, ", ")
}

// GradeTermsFor returns the program's terms for a grade, or nil.
func (p *Program) GradeTermsFor(grade string) *GradeTerms {
	for i := range p.Grades {
		if p.Grades[i].Grade == grade {
			return &p.Grades[i]
		}
	}
	return nil
}

// CheckRail refuses a rail that is not one, and the e-CNY rail for another currency
// than the yuan.
func CheckRail(r PaymentRail, c Currency) error {
	switch {
	case r == "":
		return nil
	case r != RailECNY:
		return Errorf(EINVALID, "the rail is ecny, or none for the platform wallets")
	case c != "CNY":
		return Errorf(EINVALID, "the e-CNY rail pays yuan: not %s", c)
	}
	return nil
}

// Annual is the pricing's annual rate: the fixed rate, or base plus margin.
func (p *Pricing) Annual() Rate {
	if p.FixedRate != nil {
		return *p.FixedRate
	}
	return p.BaseRate.Add(*p.Margin)
}
