package client

import (
	"context"
	"net/url"

	"linkfin"
)

// The wire types of conditional payments, purpose-bound wallets and bank money.
type (
	ConditionalPaymentIn = linkfin.ConditionalPaymentIn
	ConditionIn          = linkfin.ConditionIn
	BoundWalletIn        = linkfin.BoundWalletIn
	BoundWalletOut       = linkfin.BoundWalletOut
	BoundPaymentIn       = linkfin.BoundPaymentIn
	BankStatementImport  = linkfin.BankStatementImport
	BankEntryAssignIn    = linkfin.BankEntryAssignIn
	ExpectedPaymentIn    = linkfin.ExpectedPaymentIn
	PaymentFileIn        = linkfin.PaymentFileIn
)

// CreateConditionalPayment locks the caller's money for a payee until the condition is
// met; it is released as it is met, and refunded at expiry or when both sides cancel.
// With Rail "ecny" the money is held in the caller's designated e-CNY wallet and each
// release is an e-CNY payment into the payee's.
func (c *Client) CreateConditionalPayment(ctx context.Context, in ConditionalPaymentIn) (*linkfin.ConditionalPayment, error) {
	var out linkfin.ConditionalPayment
	return &out, c.post(ctx, "/v1/conditional-payments", in, &out)
}

// GetConditionalPayment reads a conditional payment with its locks, releases and refunds.
func (c *Client) GetConditionalPayment(ctx context.Context, id string) (*linkfin.ConditionalPayment, error) {
	var out linkfin.ConditionalPayment
	return &out, c.get(ctx, "/v1/conditional-payments/"+esc(id), &out)
}

// ListConditionalPayments lists the conditional payments the caller pays, is paid or
// confirms.
func (c *Client) ListConditionalPayments(ctx context.Context, opt *ListOptions) (*List[linkfin.ConditionalPayment], error) {
	return list[linkfin.ConditionalPayment](ctx, c, "/v1/conditional-payments", opt)
}

// ConfirmMilestone confirms a milestone payment's milestone (the party it names): the
// payment is released.
func (c *Client) ConfirmMilestone(ctx context.Context, id string) (*linkfin.ConditionalPayment, error) {
	var out linkfin.ConditionalPayment
	return &out, c.post(ctx, "/v1/conditional-payments/"+esc(id)+"/confirm", nil, &out)
}

// CancelConditionalPayment asks to cancel a conditional payment (the payer or the
// payee); once both sides have, what is still locked is refunded.
func (c *Client) CancelConditionalPayment(ctx context.Context, id string) (*linkfin.ConditionalPayment, error) {
	var out linkfin.ConditionalPayment
	return &out, c.post(ctx, "/v1/conditional-payments/"+esc(id)+"/cancel", nil, &out)
}

// OpenBoundWallet opens a purpose-bound wallet for a holder, granted by the caller:
// money its holder may pay only to the payees it lists.
func (c *Client) OpenBoundWallet(ctx context.Context, in BoundWalletIn) (*linkfin.BoundWallet, error) {
	var out linkfin.BoundWallet
	return &out, c.post(ctx, "/v1/purpose-bound-wallets", in, &out)
}

// GetBoundWallet reads a purpose-bound wallet (its holder and grantor) with what it holds.
func (c *Client) GetBoundWallet(ctx context.Context, id string) (*BoundWalletOut, error) {
	var out BoundWalletOut
	return &out, c.get(ctx, "/v1/purpose-bound-wallets/"+esc(id), &out)
}

// ListBoundWallets lists the purpose-bound wallets the caller holds or granted.
func (c *Client) ListBoundWallets(ctx context.Context, opt *ListOptions) (*List[linkfin.BoundWallet], error) {
	return list[linkfin.BoundWallet](ctx, c, "/v1/purpose-bound-wallets", opt)
}

// FundBoundWallet moves money from the grantor's wallet into a purpose-bound wallet it
// granted.
func (c *Client) FundBoundWallet(ctx context.Context, id string, amount int64) (*linkfin.BoundWallet, error) {
	var out linkfin.BoundWallet
	return &out, c.post(ctx, "/v1/purpose-bound-wallets/"+esc(id)+"/fund", linkfin.BoundAmountIn{Amount: amount}, &out)
}

// PayFromBoundWallet pays one of a purpose-bound wallet's payees from it (its holder);
// any other payee is refused with purpose_bound_payee.
func (c *Client) PayFromBoundWallet(ctx context.Context, id string, in BoundPaymentIn) (*linkfin.BoundPayment, error) {
	var out linkfin.BoundPayment
	return &out, c.post(ctx, "/v1/purpose-bound-wallets/"+esc(id)+"/payments", in, &out)
}

// ImportBankStatement imports the bank's camt.053 statement message, or its camt.052
// account report or camt.054 notification (an operator key):
// each entry is booked against what it settles, or waits, unmatched, to be assigned.
// The same statement again changes nothing.
func (c *Client) ImportBankStatement(ctx context.Context, xml []byte) (*BankStatementImport, error) {
	var out BankStatementImport
	return &out, c.post(ctx, "/v1/bank-statements", body{contentType: "application/xml", data: xml}, &out)
}

// GetBankStatement reads an imported statement (an operator key).
func (c *Client) GetBankStatement(ctx context.Context, id string) (*linkfin.BankStatement, error) {
	var out linkfin.BankStatement
	return &out, c.get(ctx, "/v1/bank-statements/"+esc(id), &out)
}

// ListBankStatements lists the imported statements (an operator key).
func (c *Client) ListBankStatements(ctx context.Context, opt *ListOptions) (*List[linkfin.BankStatement], error) {
	return list[linkfin.BankStatement](ctx, c, "/v1/bank-statements", opt)
}

// ListStatementEntries lists a statement's entries in its order (Limit and After apply).
func (c *Client) ListStatementEntries(ctx context.Context, statement string, opt *ListOptions) (*List[linkfin.BankEntry], error) {
	return list[linkfin.BankEntry](ctx, c, "/v1/bank-statements/"+esc(statement)+"/entries", opt)
}

// GetBankEntry reads a statement's entry: how it was booked, or why it waits.
func (c *Client) GetBankEntry(ctx context.Context, id string) (*linkfin.BankEntry, error) {
	var out linkfin.BankEntry
	return &out, c.get(ctx, "/v1/bank-entries/"+esc(id), &out)
}

// ListBankEntries lists the entries of every imported statement; Status "unmatched"
// lists those waiting to be assigned.
func (c *Client) ListBankEntries(ctx context.Context, opt *ListOptions) (*List[linkfin.BankEntry], error) {
	return list[linkfin.BankEntry](ctx, c, "/v1/bank-entries", opt)
}

// AssignBankEntry books an unmatched entry against what the operator names, as
// matching would have.
func (c *Client) AssignBankEntry(ctx context.Context, id string, in BankEntryAssignIn) (*linkfin.BankEntry, error) {
	var out linkfin.BankEntry
	return &out, c.post(ctx, "/v1/bank-entries/"+esc(id)+"/assign", in, &out)
}

// ExpectPayment announces a payment by bank into the caller's wallet: the payer quotes
// the answer's id, and the statement entry that brings it credits the wallet.
func (c *Client) ExpectPayment(ctx context.Context, in ExpectedPaymentIn) (*linkfin.ExpectedPayment, error) {
	var out linkfin.ExpectedPayment
	return &out, c.post(ctx, "/v1/expected-payments", in, &out)
}

// GetExpectedPayment reads an expected payment: expected, or received with its entry.
func (c *Client) GetExpectedPayment(ctx context.Context, id string) (*linkfin.ExpectedPayment, error) {
	var out linkfin.ExpectedPayment
	return &out, c.get(ctx, "/v1/expected-payments/"+esc(id), &out)
}

// CancelExpectedPayment withdraws an expected payment of the caller's that no entry has
// brought: a statement entry that quotes it later waits unmatched. Once received, it is
// refused with not_open.
func (c *Client) CancelExpectedPayment(ctx context.Context, id string) (*linkfin.ExpectedPayment, error) {
	var out linkfin.ExpectedPayment
	return &out, c.post(ctx, "/v1/expected-payments/"+esc(id)+"/cancel", nil, &out)
}

// ListExpectedPayments lists the caller's expected payments.
func (c *Client) ListExpectedPayments(ctx context.Context, opt *ListOptions) (*List[linkfin.ExpectedPayment], error) {
	return list[linkfin.ExpectedPayment](ctx, c, "/v1/expected-payments", opt)
}

// GetCreditTransfer reads a credit transfer instruction: a withdrawal over the bank
// rail on its way to the bank.
func (c *Client) GetCreditTransfer(ctx context.Context, id string) (*linkfin.CreditTransfer, error) {
	var out linkfin.CreditTransfer
	return &out, c.get(ctx, "/v1/credit-transfers/"+esc(id), &out)
}

// ListCreditTransfers lists the caller's credit transfer instructions (every one, for an
// operator key).
func (c *Client) ListCreditTransfers(ctx context.Context, opt *ListOptions) (*List[linkfin.CreditTransfer], error) {
	return list[linkfin.CreditTransfer](ctx, c, "/v1/credit-transfers", opt)
}

// CreatePaymentFile gathers the rail's instructions not yet filed into a payment file to
// be executed on in.Date (an operator key).
func (c *Client) CreatePaymentFile(ctx context.Context, in PaymentFileIn) (*linkfin.PaymentFile, error) {
	var out linkfin.PaymentFile
	return &out, c.post(ctx, "/v1/payment-files", in, &out)
}

// SetPaymentDebtor registers the platform's own account that payment files pay from
// when a request names none (an operator key).
func (c *Client) SetPaymentDebtor(ctx context.Context, debtor linkfin.PaymentParty) (*linkfin.PaymentDebtor, error) {
	var out linkfin.PaymentDebtor
	return &out, c.post(ctx, "/v1/payment-files/debtor", linkfin.PaymentDebtorIn{Debtor: debtor}, &out)
}

// PaymentDebtor reads the account payment files pay from when a request names none, as
// the operator registered it (not_found if none is).
func (c *Client) PaymentDebtor(ctx context.Context) (*linkfin.PaymentDebtor, error) {
	var out linkfin.PaymentDebtor
	return &out, c.get(ctx, "/v1/payment-files/debtor", &out)
}

// GetPaymentFile reads a payment file: its instructions and status.
func (c *Client) GetPaymentFile(ctx context.Context, id string) (*linkfin.PaymentFile, error) {
	var out linkfin.PaymentFile
	return &out, c.get(ctx, "/v1/payment-files/"+esc(id), &out)
}

// PaymentFileDocument reads a payment file's pain.001.001.09 document, to send to the
// bank: the same bytes at every request.
func (c *Client) PaymentFileDocument(ctx context.Context, id string) ([]byte, error) {
	return c.PaymentFileDocumentAs(ctx, id, "")
}

// PaymentFileDocumentAs reads a payment file's pain.001 document of the version
// message: "pain.001.001.09" (as "" does) or "pain.001.001.03", for a bank that takes
// only 2009's version.
func (c *Client) PaymentFileDocumentAs(ctx context.Context, id, message string) ([]byte, error) {
	out := &raw{accept: "application/xml"}
	path := "/v1/payment-files/" + esc(id)
	if message != "" {
		path += "?message=" + url.QueryEscape(message)
	}
	if err := c.get(ctx, path, out); err != nil {
		return nil, err
	}
	return out.data, nil
}

// ListPaymentFiles lists the payment files (an operator key).
func (c *Client) ListPaymentFiles(ctx context.Context, opt *ListOptions) (*List[linkfin.PaymentFile], error) {
	return list[linkfin.PaymentFile](ctx, c, "/v1/payment-files", opt)
}

// ApplyPaymentStatus applies the bank's pain.002 status report to a payment file: each
// instruction accepted or rejected, a rejected one's money back in its wallet.
func (c *Client) ApplyPaymentStatus(ctx context.Context, id string, xml []byte) (*linkfin.PaymentFile, error) {
	var out linkfin.PaymentFile
	return &out, c.post(ctx, "/v1/payment-files/"+esc(id)+"/status", body{contentType: "application/xml", data: xml}, &out)
}
