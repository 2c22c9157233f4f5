package iso20022

// The XML shape of the parts of a camt.053 bank-to-customer statement, a camt.052
// account report and a camt.054 debit/credit notification that ReadStatement reads, for
// every version from 001.02 to 001.13. The three messages of a version hold what it
// reads in the same places, with the same types and occurrences (compared in their
// published schemas, element by element): the report element is Stmt, Rpt or Ntfctn,
// its additional information AddtlStmtInf, AddtlRptInf or AddtlNtfctnInf, and a
// notification has no Bal. The versions differ in where a few
// values sit (a status as text or in <Cd>, a party's name in <Nm> or <Pty><Nm>, a
// transaction's amount in <Amt> or <AmtDtls><TxAmt><Amt>); the shape below has room for
// each, and the reader takes whichever is there. From 001.08 to 001.13 they do not
// differ in what it reads: each version's published schema has those elements where
// 001.08 has them. Elements carry no namespace in their
// tags because each version has its own: the reader checks the Document's namespace
// once, and everything inside a camt.053 Document is in it.

import (
	"reflect"

	"linkfin/internal/xmldoc"
)

// xmlStatementDocument is a camt.053, camt.052 or camt.054 Document; which of its
// messages it may hold its namespace says.
type xmlStatementDocument struct {
	Stmt   *xmlStatementMessage `xml:"BkToCstmrStmt"`
	Rpt    *xmlStatementMessage `xml:"BkToCstmrAcctRpt"`
	Ntfctn *xmlStatementMessage `xml:"BkToCstmrDbtCdtNtfctn"`
}

// message is the Document's message of the name (camt.05x), if it holds one, and its
// reports.
func (d *xmlStatementDocument) message(name string) (*xmlStatementMessage, []xmlStatement) {
	switch {
	case name == "camt.053" && d.Stmt != nil:
		return d.Stmt, d.Stmt.Stmt
	case name == "camt.052" && d.Rpt != nil:
		return d.Rpt, d.Rpt.Rpt
	case name == "camt.054" && d.Ntfctn != nil:
		return d.Ntfctn, d.Ntfctn.Ntfctn
	}
	return nil, nil
}

// statementShape is what ReadStatement reads of a Document's elements.
var statementShape = xmldoc.ShapeOf(reflect.TypeFor[xmlStatementDocument]())

type xmlStatementMessage struct {
	GrpHdr struct {
		MsgID   string `xml:"MsgId"`
		CreDtTm string `xml:"CreDtTm"`
	} `xml:"GrpHdr"`
	Stmt   []xmlStatement `xml:"Stmt"`   // camt.053
	Rpt    []xmlStatement `xml:"Rpt"`    // camt.052
	Ntfctn []xmlStatement `xml:"Ntfctn"` // camt.054
}

type xmlStatement struct {
	ID             string       `xml:"Id"`
	ElctrncSeqNb   string       `xml:"ElctrncSeqNb"`
	LglSeqNb       string       `xml:"LglSeqNb"`
	CreDtTm        string       `xml:"CreDtTm"`
	FrToDt         *xmlFromTo   `xml:"FrToDt"`
	Acct           xmlAccount   `xml:"Acct"`
	Bal            []xmlBalance `xml:"Bal"`
	Ntry           []xmlEntry   `xml:"Ntry"`
	AddtlStmtInf   string       `xml:"AddtlStmtInf"`   // camt.053
	AddtlRptInf    string       `xml:"AddtlRptInf"`    // camt.052
	AddtlNtfctnInf string       `xml:"AddtlNtfctnInf"` // camt.054
}

type xmlFromTo struct {
	FrDtTm string `xml:"FrDtTm"`
	ToDtTm string `xml:"ToDtTm"`
}

type xmlAccount struct {
	ID struct {
		IBAN string `xml:"IBAN"`
		Othr struct {
			ID string `xml:"Id"`
		} `xml:"Othr"`
	} `xml:"Id"`
	Ccy  string `xml:"Ccy"`
	Nm   string `xml:"Nm"`
	Ownr struct {
		Nm string `xml:"Nm"`
	} `xml:"Ownr"`
	Svcr struct {
		FinInstnID struct {
			BIC   string `xml:"BIC"`   // up to 001.03
			BICFI string `xml:"BICFI"` // from 001.04
			Nm    string `xml:"Nm"`
		} `xml:"FinInstnId"`
	} `xml:"Svcr"`
}

type xmlAmount struct {
	Value string `xml:",chardata"`
	Ccy   string `xml:"Ccy,attr"`
}

type xmlCode struct {
	Text  string `xml:",chardata"` // 001.02 to 001.06: <Sts>BOOK</Sts>
	Cd    string `xml:"Cd"`        // from 001.07: <Sts><Cd>BOOK</Cd></Sts>
	Prtry string `xml:"Prtry"`
}

type xmlDateChoice struct {
	Dt   string `xml:"Dt"`
	DtTm string `xml:"DtTm"`
}

type xmlBalance struct {
	Tp struct {
		CdOrPrtry struct {
			Cd    string `xml:"Cd"`
			Prtry string `xml:"Prtry"`
		} `xml:"CdOrPrtry"`
	} `xml:"Tp"`
	Amt       xmlAmount     `xml:"Amt"`
	CdtDbtInd string        `xml:"CdtDbtInd"`
	Dt        xmlDateChoice `xml:"Dt"`
}

type xmlEntry struct {
	NtryRef     string         `xml:"NtryRef"`
	Amt         xmlAmount      `xml:"Amt"`
	CdtDbtInd   string         `xml:"CdtDbtInd"`
	RvslInd     string         `xml:"RvslInd"`
	Sts         xmlCode        `xml:"Sts"`
	BookgDt     *xmlDateChoice `xml:"BookgDt"`
	ValDt       *xmlDateChoice `xml:"ValDt"`
	AcctSvcrRef string         `xml:"AcctSvcrRef"`
	BkTxCd      xmlBankCode    `xml:"BkTxCd"`
	NtryDtls    []struct {
		TxDtls []xmlTransaction `xml:"TxDtls"`
	} `xml:"NtryDtls"`
	AddtlNtryInf string `xml:"AddtlNtryInf"`
}

type xmlBankCode struct {
	Domn struct {
		Cd   string `xml:"Cd"`
		Fmly struct {
			Cd        string `xml:"Cd"`
			SubFmlyCd string `xml:"SubFmlyCd"`
		} `xml:"Fmly"`
	} `xml:"Domn"`
	Prtry struct {
		Cd string `xml:"Cd"`
	} `xml:"Prtry"`
}

type xmlTransaction struct {
	Refs struct {
		MsgID       string `xml:"MsgId"`
		AcctSvcrRef string `xml:"AcctSvcrRef"`
		PmtInfID    string `xml:"PmtInfId"`
		InstrID     string `xml:"InstrId"`
		EndToEndID  string `xml:"EndToEndId"`
		TxID        string `xml:"TxId"`
		UETR        string `xml:"UETR"`
	} `xml:"Refs"`
	Amt     *xmlAmount `xml:"Amt"` // from 001.03
	AmtDtls struct {
		TxAmt struct {
			Amt *xmlAmount `xml:"Amt"`
		} `xml:"TxAmt"`
	} `xml:"AmtDtls"`
	CdtDbtInd string `xml:"CdtDbtInd"`
	RltdPties struct {
		Dbtr     xmlParty      `xml:"Dbtr"`
		DbtrAcct xmlAccountRef `xml:"DbtrAcct"`
		Cdtr     xmlParty      `xml:"Cdtr"`
		CdtrAcct xmlAccountRef `xml:"CdtrAcct"`
	} `xml:"RltdPties"`
	RmtInf struct {
		Ustrd []string `xml:"Ustrd"`
		Strd  []struct {
			CdtrRefInf struct {
				Ref string `xml:"Ref"`
			} `xml:"CdtrRefInf"`
		} `xml:"Strd"`
	} `xml:"RmtInf"`
	AddtlTxInf string `xml:"AddtlTxInf"`
}

type xmlParty struct {
	Nm  string `xml:"Nm"` // up to 001.06
	Pty struct {
		Nm string `xml:"Nm"` // from 001.07
	} `xml:"Pty"`
}

type xmlAccountRef struct {
	ID struct {
		IBAN string `xml:"IBAN"`
		Othr struct {
			ID string `xml:"Id"`
		} `xml:"Othr"`
	} `xml:"Id"`
}
