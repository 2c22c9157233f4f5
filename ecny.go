package linkfin

import (
	"slices"
	"time"
)

// KindECNYWallet is the record kind of e-CNY wallets.
const KindECNYWallet = "ecny_wallet"

// The refusals of e-CNY wallets: each limit has its own code.
const (
	EWALLETBALANCE    = "wallet_balance_limit"       // the payee's wallet would hold more than its class allows
	EWALLETPAYMENT    = "wallet_payment_limit"       // one payment over the payer's single-payment limit
	EWALLETDAILY      = "wallet_daily_limit"         // the payer's payments of the day would pass its daily limit
	EWALLETYEARLY     = "wallet_yearly_limit"        // the payer's payments of the year would pass its yearly limit
	EWALLETFUNDS      = "wallet_insufficient_funds"  // the wallet holds less than the payment
	EEVIDENCEREQUIRED = "identity_evidence_required" // a class raised without the identity evidence it needs
	// EWALLETLIMITS: a sub-wallet whose balance, daily or yearly limit, with its
	// siblings', would pass its parent's.
	EWALLETLIMITS = "wallet_limits_exceeded"
	// ENOECNYWALLET: a payment on the e-CNY rail to or from an organization that has
	// designated no e-CNY wallet to pay from and be paid into.
	ENOECNYWALLET = "ecny_wallet_not_designated"
)

// PaymentRail is the rail a product pays on: the parties' platform wallets (""), or
// their designated e-CNY wallets (RailECNY).
type PaymentRail string

// RailECNY pays from the payer's designated e-CNY wallet into the payee's, each
// payment within both wallets' limits.
const RailECNY PaymentRail = "ecny"

// ECNYDesignationIn designates one of the organization's own e-CNY wallets as the one
// it pays from and is paid into on the e-CNY rail.
type ECNYDesignationIn struct {
	WalletID string `json:"wallet_id"`
}

// WalletClass is the class of a personal e-CNY wallet, by how strongly its owner's
// identity is known: I (1, the strongest, opened in person) to IV (4, anonymous). A
// corporate wallet has no class (0): its limits are set by its operating bank.
type WalletClass int

// WalletLimits bound what an e-CNY wallet holds and pays, in fen.
type WalletLimits struct {
	Balance int64 `json:"balance" bound:"amount"` // the most the wallet may hold
	Payment int64 `json:"payment" bound:"amount"` // the most one payment may be
	Daily   int64 `json:"daily" bound:"amount"`   // the most it may pay in a calendar day, China time
	Yearly  int64 `json:"yearly" bound:"amount"`  // the most it may pay in a calendar year, China time
}

// Within reports whether every limit of l is at most o's.
func (l WalletLimits) Within(o WalletLimits) bool {
	return l.Balance <= o.Balance && l.Payment <= o.Payment && l.Daily <= o.Daily && l.Yearly <= o.Yearly
}

// ClassLimits are the limits of each class of personal wallet, as the operators'
// agreement of 2020 publishes them (yuan: balance / one payment / day / year): I
// 500,000 / 50,000 / 100,000 / 500,000; II 10,000 / 5,000 / 10,000 / 300,000; III
// 2,000 / 2,000 / 2,000 / 50,000; IV 1,000 / 500 / 1,000 / 10,000.
var ClassLimits = map[WalletClass]WalletLimits{
	1: {Balance: 500_000_00, Payment: 50_000_00, Daily: 100_000_00, Yearly: 500_000_00},
	2: {Balance: 10_000_00, Payment: 5_000_00, Daily: 10_000_00, Yearly: 300_000_00},
	3: {Balance: 2_000_00, Payment: 2_000_00, Daily: 2_000_00, Yearly: 50_000_00},
	4: {Balance: 1_000_00, Payment: 500_00, Daily: 1_000_00, Yearly: 10_000_00},
}

// The identity evidence an operating institution records of a wallet's owner. A class
// needs the evidence of every class below it too: III an identity document, II also a
// bank account in the owner's name, I also a check in person.
const (
	EvidenceIdentity    = "identity_document"
	EvidenceBankAccount = "bank_account"
	EvidenceInPerson    = "in_person"
)

// EvidenceFor lists the identity evidence a class of wallet needs.
func EvidenceFor(c WalletClass) []string {
	switch c {
	case 3:
		return []string{EvidenceIdentity}
	case 2:
		return []string{EvidenceIdentity, EvidenceBankAccount}
	case 1:
		return []string{EvidenceIdentity, EvidenceBankAccount, EvidenceInPerson}
	}
	return nil
}

// ChinaTime is China Standard Time, UTC+8 all year: the time zone of the platform's
// business day (BusinessDate), in which e-CNY wallets' daily and yearly totals restart
// too.
var ChinaTime = time.FixedZone("CST", 8*3600)

// ECNYWallet is an organization's wallet of digital yuan: its own ledger account, and
// accounts that hold what its limits leave (see services/ecny.go), so that the ledger
// refuses, in the batch of the payment, a payment past any of them.
type ECNYWallet struct {
	ID    string      `json:"id"`
	OrgID string      `json:"org_id"`
	Class WalletClass `json:"class,omitempty"` // 1 to 4; none for a corporate wallet
	// ParentID is the corporate wallet a sub-wallet is funded from, whose limits bound
	// the ones it delegates to it.
	ParentID string       `json:"parent_id,omitempty"`
	Limits   WalletLimits `json:"limits"`
	// Delegated is, of a corporate wallet, the sums of its sub-wallets' balance, daily
	// and yearly limits (its Payment is unused: each sub-wallet's is at most the
	// parent's on its own), kept up by the command that opens one; none before it has
	// a sub-wallet. Each sum is at most the parent's limit, and the parent pays itself
	// only its daily and yearly limits less these (Own): a sub-wallet's limits are
	// carved out of its parent's, so together the parent and its sub-wallets pay no
	// more than the bank let the parent. A corporate wallet whose sub-wallets were
	// opened before the sums were kept does not count those here.
	Delegated *WalletLimits    `json:"delegated,omitempty"`
	Evidence  []ECNYEvidence   `json:"evidence,omitempty"`
	Ledger    ECNYWalletLedger `json:"ledger"`
	// Day and Year are the calendar day and year, China time, of the payments the
	// daily and yearly totals count.
	Day       Date      `json:"day"`
	Year      int       `json:"year"`
	CreatedAt time.Time `json:"created_at"`
}

// Own is what the wallet itself may pay in a day and in a year: its daily and yearly
// limits less what it delegated of them to its sub-wallets (Delegated), so that the
// wallet and its sub-wallets together pay no more than its limits. Its balance and
// single-payment limits are its own: what funds its sub-wallets passes through it.
func (w *ECNYWallet) Own() WalletLimits {
	l := w.Limits
	if d := w.Delegated; d != nil {
		l.Daily -= d.Daily
		l.Yearly -= d.Yearly
	}
	return l
}

// ECNYWalletLedger names a wallet's ledger accounts: its money, what its balance,
// daily and yearly limits leave, and the account its headroom is granted from and
// given back to. Each wallet has its own limit source, so what one wallet's limits and
// payments add up to never touches another's. A wallet opened before wallets had their
// own has none here (zero): it keeps the platform's shared limit source.
type ECNYWalletLedger struct {
	Wallet      StringInt `json:"wallet"`
	Balance     StringInt `json:"balance_headroom"`
	Daily       StringInt `json:"daily_headroom"`
	Yearly      StringInt `json:"yearly_headroom"`
	LimitSource StringInt `json:"limit_source,omitempty"`
}

// ECNYEvidence is identity evidence the operator recorded of a wallet's owner.
type ECNYEvidence struct {
	Kind       string    `json:"kind"`
	Reference  string    `json:"reference"`
	RecordedAt time.Time `json:"recorded_at"`
}

// Has reports whether the wallet holds every kind of evidence the class needs.
func (w *ECNYWallet) Has(c WalletClass) bool {
	for _, k := range EvidenceFor(c) {
		if !slices.ContainsFunc(w.Evidence, func(e ECNYEvidence) bool { return e.Kind == k }) {
			return false
		}
	}
	return true
}

// Parties implements Partied: the owner.
func (w *ECNYWallet) Parties() []string { return []string{w.OrgID} }

// ECNYWalletOut is a wallet as its owner reads it: the record, what it holds, and what
// it has paid today and this year (China time), against its limits.
type ECNYWalletOut struct {
	ECNYWallet
	Balance int64 `json:"balance"`
	// Held is what conditional payments on the e-CNY rail hold of the balance: the
	// wallet cannot pay it.
	Held         int64 `json:"held"`
	PaidToday    int64 `json:"paid_today"`
	PaidThisYear int64 `json:"paid_this_year"`
}

// ECNYWalletIn opens an e-CNY wallet: a personal one of a class (IV unless evidence
// was recorded for more, which a new wallet has not), a corporate one with the limits
// its bank set (the operator), or a sub-wallet of a corporate wallet with limits
// delegated within its parent's.
type ECNYWalletIn struct {
	OrgID    string        `json:"org_id,omitempty"` // the owner: the caller's own organization, or any for the operator
	Class    int           `json:"class,omitempty" bound:"class"`
	Limits   *WalletLimits `json:"limits,omitempty"`
	ParentID string        `json:"parent_id,omitempty"`
}

// ECNYPaymentIn pays from one e-CNY wallet to another.
type ECNYPaymentIn struct {
	FromWalletID string `json:"from_wallet_id"`
	ToWalletID   string `json:"to_wallet_id"`
	Amount       int64  `json:"amount" bound:"amount"`
}

// ECNYAmountIn moves an amount into or out of a wallet: from the owner's platform
// wallet (top-up), back to it (redeem), or from a sub-wallet's parent (fund).
type ECNYAmountIn struct {
	Amount int64 `json:"amount" bound:"amount"`
}

// ECNYEvidenceIn records identity evidence of a wallet's owner (the operator).
type ECNYEvidenceIn struct {
	Kind      string `json:"kind"`
	Reference string `json:"reference"`
}

// ECNYClassIn raises a personal wallet's class.
type ECNYClassIn struct {
	Class int `json:"class" bound:"class"`
}

// KindECNYPayment is the record kind of payments made between e-CNY wallets: each is
// a record, whose event (ecny_payment.paid) the payer's and the payee's webhooks get,
// as a bank-rail payment's credit transfer instruction is.
const KindECNYPayment = "ecny_payment"

// What an e-CNY payment paid.
const (
	ECNYForPayment    = "payment"       // a payment between wallets (POST /v1/ecny-payments)
	ECNYForEarly      = "early_payment" // a dynamic discounting early payment on the e-CNY rail: FinancingID
	ECNYForSettlement = "settlement"    // a maturing piece of a program settled in e-CNY: PieceID
	// ECNYForConditional: a release of a conditional payment on the e-CNY rail:
	// ConditionalPaymentID.
	ECNYForConditional = "conditional_payment"
)

// ECNYPayment is a payment made between e-CNY wallets, at once.
type ECNYPayment struct {
	ID         string    `json:"id"`
	TransferID StringInt `json:"transfer_id"`
	// From and To are the wallets, for a payment between wallets the payer named. On
	// the e-CNY rail (an early payment, a settlement) they are the parties' designated
	// wallets, which neither learns of the other: the payment names none.
	From    string `json:"from_wallet_id,omitempty"`
	To      string `json:"to_wallet_id,omitempty"`
	PayerID string `json:"payer_id"`
	PayeeID string `json:"payee_id"`
	Amount  int64  `json:"amount"`
	Day     Date   `json:"day"` // China time: the day its totals count it in
	// For is what it paid (ECNYForPayment, ECNYForEarly, ECNYForSettlement), and
	// FinancingID or PieceID the early payment's financing or the piece settled.
	For         string `json:"for"`
	FinancingID string `json:"financing_id,omitempty"`
	PieceID     string `json:"piece_id,omitempty"`
	// ConditionalPaymentID is the conditional payment a release paid; its Day is the
	// day the payment was locked, whose totals counted it.
	ConditionalPaymentID string    `json:"conditional_payment_id,omitempty"`
	CreatedAt            time.Time `json:"created_at"`
}

// Parties implements Partied: the payer and the payee.
func (p *ECNYPayment) Parties() []string { return []string{p.PayerID, p.PayeeID} }
