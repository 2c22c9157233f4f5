package http

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"

	"linkfin"
	"linkfin/engine"
	"linkfin/iso20022"
	"linkfin/mt940"
	"linkfin/services"
)

// The enumerations of bank statements, in the OpenAPI document.
func init() {
	enums[reflect.TypeFor[linkfin.BankEntryStatus]()] = values(linkfin.BankEntryMatched, linkfin.BankEntryAssigned,
		linkfin.BankEntryUnmatched, linkfin.BankEntryNotBooked, linkfin.BankEntryDuplicate)
	enums[reflect.TypeFor[linkfin.ExpectedPaymentStatus]()] = values(linkfin.ExpectedPaymentExpected, linkfin.ExpectedPaymentReceived, linkfin.ExpectedPaymentCancelled)
	enums[reflect.TypeFor[linkfin.AssignKind]()] = values(linkfin.AssignCreditTransfer, linkfin.AssignExpectedPayment, linkfin.AssignOrganization)
}

// bankStatementRoutes: bank money coming back. The operator imports the bank's
// camt.053 statements, camt.052 account reports and camt.054 notifications, whose entries are booked against the instructions and expected
// payments they settle, or wait for the operator to assign them; organizations
// announce the payments they make into their wallets by bank.
func (s *Server) bankStatementRoutes() {
	s.handle(Route{Pattern: "POST /v1/bank-statements", Access: Operator, Money: true, XML: true, Out: reflect.TypeFor[linkfin.BankStatementImport](),
		Summary: "Import the bank's camt.053 statement, camt.052 account report or camt.054 debit/credit notification message " +
			"(Content-Type: application/xml; versions 001.02 to 001.13), or its SWIFT MT940 statement or MT942 interim report (Content-Type: text/plain): each entry is booked " +
			"against what it settles, by end-to-end id, then reference, then amount and date — a debit against credit transfer instructions, " +
			"a credit against an expected payment, whose wallet it credits — or waits, unmatched, to be assigned. " +
			"A statement imported before answers what its import did and changes nothing; an entry that an earlier report or " +
			"notification booked (by its bank reference) is a duplicate."},
		s.importBankStatement)
	getRoute[linkfin.BankStatement](s, "GET /v1/bank-statements/{id}", linkfin.KindBankStatement,
		"Get an imported bank statement (the operator's), with how many of its entries were matched, assigned and are unmatched.")
	listRoute[linkfin.BankStatement](s, "GET /v1/bank-statements", linkfin.KindBankStatement, "List imported bank statements.")
	s.handle(Route{Pattern: "GET /v1/bank-statements/{id}/entries", Access: AnyKey, Out: reflect.TypeFor[linkfin.BankEntry](), List: true, Query: pageQuery,
		Summary: "List a bank statement's entries, in the statement's order."}, s.statementEntries)
	getRoute[linkfin.BankEntry](s, "GET /v1/bank-entries/{id}", linkfin.KindBankEntry,
		"Get a bank statement's entry (the operator's): how it was booked, or why it waits.")
	listRoute[linkfin.BankEntry](s, "GET /v1/bank-entries", linkfin.KindBankEntry,
		"List the entries of every imported statement; ?status=unmatched lists those waiting to be assigned.")
	act(s, Route{Pattern: "POST /v1/bank-entries/{id}/assign", Kind: linkfin.KindBankEntry, Access: Operator, Money: true, Out: reflect.TypeFor[linkfin.BankEntry](),
		Summary: "Book an unmatched entry as matching would have: a debit against a credit transfer instruction of its amount; a credit against " +
			"an expected payment of its amount, or into an organization's wallet (kind credit_transfer, expected_payment or organization, and its id)."},
		func(r *http.Request, p *principal, in *linkfin.BankEntryAssignIn) (linkfin.Command, error) {
			return &services.AssignBankEntry{EntryID: r.PathValue("id"), In: *in}, nil
		})

	act(s, Route{Pattern: "POST /v1/expected-payments", Access: Write, Money: true, Status: http.StatusCreated, Out: reflect.TypeFor[linkfin.ExpectedPayment](),
		Summary: "Announce a payment by bank into the caller's wallet, to be booked on date (2000-01-01 to 2099-12-31): the payer quotes the " +
			"answer's id as the end-to-end id or in the remittance information, and the statement entry that brings it credits the wallet. " +
			"A retry under the same Idempotency-Key answers the first announcement and announces nothing more."},
		func(r *http.Request, p *principal, in *linkfin.ExpectedPaymentIn) (linkfin.Command, error) {
			return &services.CreateExpectedPayment{Actor: p.Org, In: *in}, nil
		})
	act(s, Route{Pattern: "POST /v1/expected-payments/{id}/cancel", Kind: linkfin.KindExpectedPayment, Access: Write,
		Out: reflect.TypeFor[linkfin.ExpectedPayment](),
		Summary: "Withdraw an expected payment of the caller's that no entry has brought: a statement entry that quotes it later waits " +
			"unmatched, for the operator to assign. Cancelling it again answers it as it is; refused with not_open once received."},
		func(r *http.Request, p *principal, _ *none) (linkfin.Command, error) {
			return &services.CancelExpectedPayment{Actor: p.Org, ID: r.PathValue("id")}, nil
		})
	getRoute[linkfin.ExpectedPayment](s, "GET /v1/expected-payments/{id}", linkfin.KindExpectedPayment,
		"Get an expected payment: expected, or received with the entry that brought it.")
	listRoute[linkfin.ExpectedPayment](s, "GET /v1/expected-payments", linkfin.KindExpectedPayment, "List expected payments.")
}

func (s *Server) importBankStatement(w http.ResponseWriter, r *http.Request) {
	body, err := readBodyUpTo(w, r, MaxBankDocumentBytes, mediaXML, mediaText)
	if err == nil && len(body) == 0 {
		err = linkfin.Errorf(EMISSING, "the body is the bank's camt.053 statement, camt.052 report or camt.054 notification, or its MT940 or MT942")
	}
	var msg *iso20022.StatementMessage
	if err == nil {
		if mt, charset, _ := mediaType(r, mediaText); mt == mediaText {
			msg, err = mt940.ReadCharset(bytes.NewReader(body), charset)
		} else {
			// A document may be in the encoding its declaration names (ISO-8859-1, …):
			// the reader decodes it, and refuses bytes that are not of it.
			msg, err = iso20022.ReadStatement(bytes.NewReader(body))
		}
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	s.submit(w, r, body, nil, &engine.Request{Commands: []linkfin.Command{&services.ImportBankStatement{Message: msg}}}, valueAnswer(http.StatusOK))
}

func (s *Server) statementEntries(w http.ResponseWriter, r *http.Request) {
	limit, after, err := page(r)
	var out *linkfin.List[json.RawMessage]
	if err == nil {
		out, err = services.StatementEntries(r.Context(), s.Store, principalOf(r).viewer(), r.PathValue("id"), after, limit)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}
