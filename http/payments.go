package http

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"

	"linkfin"
	"linkfin/engine"
	"linkfin/iso20022"
	"linkfin/services"
)

// paymentRoutes: bank money over ISO 20022. Withdrawals over the bank rail become
// credit transfer instructions; the operator files them into pain.001 documents.
func (s *Server) paymentRoutes() {
	getRoute[linkfin.CreditTransfer](s, "GET /v1/credit-transfers/{id}", linkfin.KindCreditTransfer,
		"Get a credit transfer instruction: a withdrawal over the bank rail on its way to the bank (the organization paid, or the operator).")
	listRoute[linkfin.CreditTransfer](s, "GET /v1/credit-transfers", linkfin.KindCreditTransfer, "List credit transfer instructions.")

	act(s, Route{Pattern: "POST /v1/payment-files", Access: Operator, Money: true, Status: http.StatusCreated, Out: reflect.TypeFor[linkfin.PaymentFile](),
		Summary: "Gather the rail's credit transfer instructions not yet filed into a payment file (a pain.001.001.09 document) to be executed on date, from 2000-01-01 to 2099-12-31; each instruction is filed once."},
		func(r *http.Request, p *principal, in *linkfin.PaymentFileIn) (linkfin.Command, error) {
			return &services.CreatePaymentFile{Rail: in.Rail, Date: in.Date, Debtor: in.Debtor}, nil
		})
	act(s, Route{Pattern: "POST /v1/payment-files/debtor", Access: Operator, Out: reflect.TypeFor[linkfin.PaymentDebtor](),
		Summary: "Register the platform's own account that payment files pay from when a request names none (the operator): its name, " +
			"an iban or another account id, and optionally the bank's bic and CNAPS code (bank_code) and the holder's address. The same again changes nothing."},
		func(r *http.Request, p *principal, in *linkfin.PaymentDebtorIn) (linkfin.Command, error) {
			return &services.SetPaymentDebtor{Debtor: in.Debtor}, nil
		})
	s.handle(Route{Pattern: "GET /v1/payment-files/debtor", Access: Operator, Out: reflect.TypeFor[linkfin.PaymentDebtor](),
		Summary: "Get the account that payment files pay from when a request names none, as the operator registered it (404 not_found if none is)."},
		func(w http.ResponseWriter, r *http.Request) {
			o, err := s.record(r, linkfin.KindPaymentDebtor, services.RailBank)
			if linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
				err = linkfin.Errorf(linkfin.ENOTFOUND, "no account is registered for payment files to pay from: register it with POST /v1/payment-files/debtor")
			}
			if err != nil {
				writeError(w, r, err)
				return
			}
			writeJSON(w, http.StatusOK, json.RawMessage(o.Data))
		})
	s.handle(Route{Pattern: "GET /v1/payment-files/{id}", Access: AnyKey, Out: reflect.TypeFor[linkfin.PaymentFile](), Query: []string{"message"},
		Summary: "Get a payment file (the operator's): its instructions and status as JSON, or with Accept: application/xml its pain.001.001.09 " +
			"document (?message=pain.001.001.03: the same in 2009's version, for a bank that takes only that), the same at every request."},
		s.getPaymentFile)
	historyRoute(s, "GET /v1/payment-files/{id}", linkfin.KindPaymentFile)
	s.handle(Route{Pattern: "POST /v1/payment-files/{id}/status", Kind: linkfin.KindPaymentFile, Access: Operator, Money: true,
		XML: true, Out: reflect.TypeFor[linkfin.PaymentFile](),
		Summary: "Apply the bank's pain.002 status report to the file (Content-Type: application/xml): each instruction accepted or rejected; " +
			"a rejected one's money goes back to its wallet with the bank's reason. The same report twice changes nothing."},
		s.paymentStatus)
	listRoute[linkfin.PaymentFile](s, "GET /v1/payment-files", linkfin.KindPaymentFile, "List payment files.")
}

// mediaXMLText is the other name of XML that clients send in Accept.
const mediaXMLText = "text/xml"

// wantsXML reports whether the request's Accept weighs XML, by either name, above
// JSON (negotiate).
func wantsXML(r *http.Request) bool {
	return negotiate(r, mediaJSON, mediaXML, mediaXMLText) != mediaJSON
}

func (s *Server) getPaymentFile(w http.ResponseWriter, r *http.Request) {
	o, err := s.record(r, linkfin.KindPaymentFile, r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	message := r.URL.Query().Get("message")
	if !wantsXML(r) {
		if message != "" {
			writeError(w, r, linkfin.Errorf(linkfin.EINVALID, "message names the version of the file's pain.001 document: ask for the document with Accept: application/xml"))
			return
		}
		writeJSON(w, http.StatusOK, json.RawMessage(o.Data))
		return
	}
	switch message {
	case "":
		message = iso20022.Pain001V09
	case iso20022.Pain001V09, iso20022.Pain001V03:
	default:
		writeError(w, r, linkfin.Errorf(linkfin.EINVALID, "message is %s or %s", iso20022.Pain001V09, iso20022.Pain001V03))
		return
	}
	var f linkfin.PaymentFile
	if err := json.Unmarshal(o.Data, &f); err != nil {
		writeError(w, r, err)
		return
	}
	var b bytes.Buffer
	if err := iso20022.WritePain001Version(&b, services.Pain001(&f), message); err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", mediaXML)
	w.Header().Set("Content-Disposition", `attachment; filename="`+f.ID+`.xml"`)
	w.WriteHeader(http.StatusOK)
	w.Write(b.Bytes())
}

func (s *Server) paymentStatus(w http.ResponseWriter, r *http.Request) {
	if _, err := s.record(r, linkfin.KindPaymentFile, r.PathValue("id")); err != nil {
		writeError(w, r, err)
		return
	}
	body, err := readBodyUpTo(w, r, MaxBankDocumentBytes, mediaXML)
	if err == nil && len(body) == 0 {
		err = linkfin.Errorf(EMISSING, "the body is the bank's pain.002 status report")
	}
	var rep *iso20022.StatusReport
	if err == nil {
		rep, err = iso20022.ReadStatusReport(bytes.NewReader(body))
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	s.submit(w, r, body, nil, &engine.Request{Commands: []linkfin.Command{&services.ApplyPaymentStatus{FileID: r.PathValue("id"), Report: rep}}},
		valueAnswer(http.StatusOK))
}
