package iso20022

import (
	"fmt"
	"io"
	"reflect"
	"strings"

	"linkfin"
	"linkfin/internal/xmldoc"
)

// pain002Prefix is the namespace of a pain.002 Document without its version number.
const pain002Prefix = "urn:iso:std:iso:20022:tech:xsd:pain.002.001."

// StatusReport is a pain.002 CustomerPaymentStatusReport: a bank's answer to a pain.001
// document, for the whole message, a payment information block, or one transaction.
type StatusReport struct {
	Version           string `json:"version"`
	MessageID         string `json:"message_id"`
	OriginalMessageID string `json:"original_message_id"`
	// GroupStatus is the status of the whole original message, if the bank gave one:
	// RJCT rejects every transaction the report does not answer otherwise.
	GroupStatus  string              `json:"group_status,omitempty"`
	GroupReason  string              `json:"group_reason,omitempty"`
	Payments     []PaymentStatus     `json:"payments,omitempty"`
	Transactions []TransactionStatus `json:"transactions,omitempty"`
}

// PaymentStatus is the status of one payment information block.
type PaymentStatus struct {
	PaymentInformationID string `json:"payment_information_id"`
	Status               string `json:"status,omitempty"`
	Reason               string `json:"reason,omitempty"`
}

// TransactionStatus is the status of one transaction, named by the end-to-end id the
// original message gave it.
type TransactionStatus struct {
	PaymentInformationID string `json:"payment_information_id,omitempty"`
	EndToEndID           string `json:"end_to_end_id"`
	Status               string `json:"status"`
	Reason               string `json:"reason,omitempty"` // the reason code, then what the bank added
}

// Rejected reports whether an ISO 20022 payment status rejects the payment.
func Rejected(status string) bool { return status == "RJCT" }

// Accepted reports whether an ISO 20022 payment status accepts the payment: technical
// validation (ACTC), customer profile (ACCP), settlement in process (ACSP), settlement
// completed (ACSC, ACCC), accepted with change (ACWC) or funds checked (ACFC).
func Accepted(status string) bool {
	switch status {
	case "ACTC", "ACCP", "ACSP", "ACSC", "ACCC", "ACWC", "ACFC", "ACWP":
		return true
	}
	return false
}

// ReadStatusReport reads a pain.002 document, versions 001.03 and later: the status
// of the original message, of each payment information block and of each transaction
// it answers, with the reasons. Swiss banks' pain.002.001.03.ch.02, in SIX's
// namespace, reads as pain.002.001.03. A transaction is named by its end-to-end id and must
// have a status, but for one the bank only echoes, with neither (its block's status is
// its): that one is left out. The Document may sit inside an envelope. The input is
// read as ReadStatement reads it: XML that is not well-formed, or not in the encoding
// it declares, is EMALFORMED. A report that contradicts itself is ECONTRADICTORY
// (Check).
func ReadStatusReport(r io.Reader) (*StatusReport, error) {
	var doc xmlStatusDocument
	_, version, err := readDocument(r, []string{pain002Prefix}, statusShape, func(_, version string) error {
		if len(version) != 2 || version < "03" || version > "14" {
			return linkfin.Errorf(EUNSUPPORTED, "pain.002.001.%s is not a version linkfin reads (it reads 001.03 to 001.14)", clip(version))
		}
		return nil
	}, &doc)
	if err != nil {
		return nil, err
	}
	if doc.Report == nil {
		return nil, linkfin.Errorf(linkfin.EINVALID, "the Document has no CstmrPmtStsRpt")
	}
	var rd reader
	rep := doc.Report
	out := &StatusReport{
		Version:           "pain.002.001." + version,
		MessageID:         rd.text("GrpHdr/MsgId", rep.GrpHdr.MsgID, true),
		OriginalMessageID: rd.text("OrgnlGrpInfAndSts/OrgnlMsgId", rep.OrgnlGrpInfAndSts.OrgnlMsgID, true),
		GroupStatus:       rd.code("OrgnlGrpInfAndSts/GrpSts", rep.OrgnlGrpInfAndSts.GrpSts),
		GroupReason:       rd.reason("OrgnlGrpInfAndSts/StsRsnInf", rep.OrgnlGrpInfAndSts.StsRsnInf),
	}
	for i, p := range rep.OrgnlPmtInfAndSts {
		at := fmt.Sprintf("OrgnlPmtInfAndSts[%d]", i+1)
		ps := PaymentStatus{
			PaymentInformationID: rd.text(at+"/OrgnlPmtInfId", p.OrgnlPmtInfID, true),
			Status:               rd.code(at+"/PmtInfSts", p.PmtInfSts),
			Reason:               rd.reason(at+"/StsRsnInf", p.StsRsnInf),
		}
		out.Payments = append(out.Payments, ps)
		for j, tx := range p.TxInfAndSts {
			tat := fmt.Sprintf("%s/TxInfAndSts[%d]", at, j+1)
			if strings.TrimSpace(tx.OrgnlEndToEndID) == "" && strings.TrimSpace(tx.TxSts) == "" {
				// The bank echoes a transaction of the block (by its OrgnlTxRef) without
				// naming it or giving it a status: the block's status is its.
				continue
			}
			ts := TransactionStatus{
				PaymentInformationID: ps.PaymentInformationID,
				EndToEndID:           rd.text(tat+"/OrgnlEndToEndId", tx.OrgnlEndToEndID, true),
				Status:               rd.code(tat+"/TxSts", tx.TxSts),
				Reason:               rd.reason(tat+"/StsRsnInf", tx.StsRsnInf),
			}
			if ts.Status == "" {
				rd.fail(tat+"/TxSts", "missing")
			}
			out.Transactions = append(out.Transactions, ts)
		}
	}
	if rd.err != nil {
		return nil, rd.err
	}
	if err := out.Check(); err != nil {
		return nil, err
	}
	return out, nil
}

// ECONTRADICTORY refuses a status report that says two things of one payment: it
// accepts and rejects the same transaction, or a block or the whole message, by two
// statuses.
const ECONTRADICTORY = "contradictory_report"

// verdict is what a status says of a payment: "accepted", "rejected", "pending" for
// another status (PDNG, RCVD, PART), "" for none.
func verdict(status string) string {
	switch {
	case status == "":
		return ""
	case Rejected(status):
		return "rejected"
	case Accepted(status):
		return "accepted"
	}
	return "pending"
}

// Check refuses a report that contradicts itself (ECONTRADICTORY): one that answers a
// transaction (by its end-to-end id) or a payment information block twice with
// statuses of different verdicts (accepted, rejected, pending), or whose status of the
// whole message, or of a block, accepts what the status of a block or transaction
// below it rejects, or rejects what it accepts (a message or block partly accepted is
// PART). Read as it is, such a report would be taken for whichever status came last,
// or for the rejection. A transaction whose end-to-end id is NOTPROVIDED (the payer
// gave none) is no transaction of its own to compare.
func (r *StatusReport) Check() error {
	contradicts := func(format string, args ...any) error {
		return linkfin.Errorf(ECONTRADICTORY, "the status report contradicts itself: "+format, args...)
	}
	// clash reports whether one status accepts what the other rejects.
	clash := func(a, b string) bool {
		va, vb := verdict(a), verdict(b)
		return va == "rejected" && vb == "accepted" || va == "accepted" && vb == "rejected"
	}
	blocks := map[string]string{}
	for _, p := range r.Payments {
		if p.Status == "" {
			continue
		}
		if before, ok := blocks[p.PaymentInformationID]; ok && verdict(before) != verdict(p.Status) {
			return contradicts("payment information %s is %s and %s", clip(p.PaymentInformationID), before, p.Status)
		}
		blocks[p.PaymentInformationID] = p.Status
		if clash(r.GroupStatus, p.Status) {
			return contradicts("the whole message is %s (GrpSts), payment information %s %s", r.GroupStatus, clip(p.PaymentInformationID), p.Status)
		}
	}
	txs := map[string]string{}
	for _, t := range r.Transactions {
		if strings.EqualFold(t.EndToEndID, "NOTPROVIDED") {
			continue
		}
		if before, ok := txs[t.EndToEndID]; ok && verdict(before) != verdict(t.Status) {
			return contradicts("end-to-end id %s is %s and %s", clip(t.EndToEndID), before, t.Status)
		}
		txs[t.EndToEndID] = t.Status
		if clash(r.GroupStatus, t.Status) {
			return contradicts("the whole message is %s (GrpSts), end-to-end id %s %s", r.GroupStatus, clip(t.EndToEndID), t.Status)
		}
		if b := blocks[t.PaymentInformationID]; clash(b, t.Status) {
			return contradicts("payment information %s is %s (PmtInfSts), its end-to-end id %s %s", clip(t.PaymentInformationID), b, clip(t.EndToEndID), t.Status)
		}
	}
	return nil
}

// xmlStatusDocument is a pain.002 Document: what ReadStatusReport reads of it.
type xmlStatusDocument struct {
	Report *struct {
		GrpHdr struct {
			MsgID string `xml:"MsgId"`
		} `xml:"GrpHdr"`
		OrgnlGrpInfAndSts struct {
			OrgnlMsgID string         `xml:"OrgnlMsgId"`
			GrpSts     string         `xml:"GrpSts"`
			StsRsnInf  []xmlStsReason `xml:"StsRsnInf"`
		} `xml:"OrgnlGrpInfAndSts"`
		OrgnlPmtInfAndSts []struct {
			OrgnlPmtInfID string         `xml:"OrgnlPmtInfId"`
			PmtInfSts     string         `xml:"PmtInfSts"`
			StsRsnInf     []xmlStsReason `xml:"StsRsnInf"`
			TxInfAndSts   []struct {
				OrgnlEndToEndID string         `xml:"OrgnlEndToEndId"`
				TxSts           string         `xml:"TxSts"`
				StsRsnInf       []xmlStsReason `xml:"StsRsnInf"`
			} `xml:"TxInfAndSts"`
		} `xml:"OrgnlPmtInfAndSts"`
	} `xml:"CstmrPmtStsRpt"`
}

// statusShape is what ReadStatusReport reads of a Document's elements.
var statusShape = xmldoc.ShapeOf(reflect.TypeFor[xmlStatusDocument]())

type xmlStsReason struct {
	Rsn struct {
		Cd    string `xml:"Cd"`
		Prtry string `xml:"Prtry"`
	} `xml:"Rsn"`
	AddtlInf []string `xml:"AddtlInf"`
}

// code reads a status code: four capital letters.
func (r *reader) code(at, s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if len(s) != 4 || strings.ToUpper(s) != s {
		r.fail(at, "%q is not a status code", clip(s))
		return ""
	}
	return s
}

// reason joins the reasons given: each code (or proprietary reason) with what the
// bank added, as "AC04 account closed".
func (r *reader) reason(at string, rs []xmlStsReason) string {
	var parts []string
	for i, x := range rs {
		p := first(x.Rsn.Cd, x.Rsn.Prtry)
		for _, a := range x.AddtlInf {
			if a = strings.TrimSpace(a); a != "" {
				p = strings.TrimSpace(p + " " + a)
			}
		}
		if p = r.text(fmt.Sprintf("%s[%d]", at, i+1), p, false); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "; ")
}
