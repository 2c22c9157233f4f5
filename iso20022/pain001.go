package iso20022

import (
	"encoding/xml"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"linkfin"
)

// Pain001Namespace is the namespace of the credit transfer initiations WritePain001
// makes: CustomerCreditTransferInitiationV09.
const Pain001Namespace = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"

// The versions of pain.001 WritePain001Version writes: 001.09, and 001.03
// (CustomerCreditTransferInitiationV03, of 2009), which many banks still take alone.
const (
	Pain001V09 = "pain.001.001.09"
	Pain001V03 = "pain.001.001.03"
)

// CreditTransferInitiation is a pain.001 document: credit transfers from one debtor
// account, to be executed on one date. The transfers are grouped by currency, one
// payment information block each.
type CreditTransferInitiation struct {
	MessageID     string // at most 35 characters
	CreatedAt     time.Time
	Debtor        Party // also the initiating party
	ExecutionDate linkfin.Date
	Transfers     []CreditTransfer
}

// Party is an account holder: a name, and an account by IBAN or other identification,
// held at a bank by BIC.
type Party struct {
	Name    string
	IBAN    string
	Account string
	BIC     string
	// BankCode is the bank's CNAPS code, for an account at a bank in China.
	BankCode string
	// Address is the party's postal address, if known.
	Address *linkfin.PostalAddress
}

// CreditTransfer is one payment of a pain.001 document.
type CreditTransfer struct {
	EndToEndID string // at most 35 characters: the payer's reference, quoted back by the bank
	Amount     int64  // minor units of Currency
	Currency   linkfin.Currency
	Creditor   Party
	Remittance string // what the payee reads, at most 140 characters
}

// WritePain001 writes c as a pain.001.001.09 document. What the schema bounds (lengths,
// amounts, the form of an IBAN or a BIC) must already hold: Check says whether it does.
func WritePain001(w io.Writer, c *CreditTransferInitiation) error {
	return WritePain001Version(w, c, Pain001V09)
}

// WritePain001Version writes c as a document of the version, Pain001V09 or Pain001V03,
// as WritePain001 does. The two write what c holds alike but for where the execution
// date sits and what a bank's BIC is called; a BIC of 2014's form, with a digit in its
// first four characters, which version 001.03's schema does not take, is EUNSUPPORTED
// there, and so is another version.
func WritePain001Version(w io.Writer, c *CreditTransferInitiation, version string) error {
	if version != Pain001V09 && version != Pain001V03 {
		return linkfin.Errorf(EUNSUPPORTED, "linkfin writes %s and %s, not %q", Pain001V09, Pain001V03, clip(version))
	}
	if err := c.Check(); err != nil {
		return err
	}
	v03 := version == Pain001V03
	if v03 {
		if err := c.checkBICs2009(); err != nil {
			return err
		}
	}
	agent := func(p Party) xmlAgent { return agentOf(p, v03) }
	doc := xmlPain001{Xmlns: "urn:iso:std:iso:20022:tech:xsd:" + version}
	init := &doc.Initiation
	init.GrpHdr.MsgID = c.MessageID
	init.GrpHdr.CreDtTm = c.CreatedAt.UTC().Truncate(time.Second).Format("2006-01-02T15:04:05Z")
	init.GrpHdr.NbOfTxs = strconv.Itoa(len(c.Transfers))
	init.GrpHdr.InitgPty = xmlPartyID{Nm: limit(c.Debtor.Name, 140)}

	var currencies []linkfin.Currency
	for _, t := range c.Transfers {
		if !slices.Contains(currencies, t.Currency) {
			currencies = append(currencies, t.Currency)
		}
	}
	slices.Sort(currencies)
	for _, cur := range currencies {
		p := xmlPaymentInfo{
			PmtInfID:    c.MessageID + "-" + string(cur),
			PmtMtd:      "TRF",
			ReqdExctnDt: xmlDate{Dt: c.ExecutionDate.String(), bare: v03},
			Dbtr:        *party(c.Debtor),
			DbtrAcct:    cashAccount(c.Debtor, cur),
			DbtrAgt:     agent(c.Debtor),
		}
		var n int
		var sum int64
		for _, t := range c.Transfers {
			if t.Currency != cur {
				continue
			}
			n++
			sum += t.Amount // Check bounded each amount and their number: no overflow
			tx := xmlTransfer{
				PmtID: xmlPaymentID{EndToEndID: t.EndToEndID},
				Amt:   xmlInstructedAmount{InstdAmt: xmlAmount{Ccy: string(t.Currency), Value: linkfin.Money{Amount: t.Amount, Currency: t.Currency}.Decimal()}},
				Cdtr:  party(t.Creditor),
			}
			if t.Creditor.BIC != "" || t.Creditor.BankCode != "" {
				a := agent(t.Creditor)
				tx.CdtrAgt = &a
			}
			if t.Creditor.IBAN != "" || t.Creditor.Account != "" {
				a := cashAccount(t.Creditor, "")
				tx.CdtrAcct = &a
			}
			if r := limit(t.Remittance, 140); r != "" {
				tx.RmtInf = &xmlRemittance{Ustrd: r}
			}
			p.CdtTrfTxInf = append(p.CdtTrfTxInf, tx)
		}
		p.NbOfTxs = strconv.Itoa(n)
		p.CtrlSum = linkfin.Money{Amount: sum, Currency: cur}.Decimal()
		init.PmtInf = append(init.PmtInf, p)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// Check refuses a document the schema would: no transfers, or a field out of its
// bounds.
func (c *CreditTransferInitiation) Check() error {
	switch {
	case c.MessageID == "" || len(c.MessageID) > 35-4: // room for "-CCY" in the payment information id
		return linkfin.Errorf(linkfin.EINVALID, "a payment file's message id has 1 to 31 characters")
	case len(c.Transfers) == 0:
		return linkfin.Errorf(linkfin.EINVALID, "a payment file has at least one transfer")
	case len(c.Transfers) > linkfin.MaxFileTransfers:
		return linkfin.Errorf(linkfin.EINVALID, "a payment file has at most %d transfers", linkfin.MaxFileTransfers)
	case c.ExecutionDate.IsZero():
		return linkfin.Errorf(linkfin.EINVALID, "a payment file has an execution date")
	}
	if err := c.Debtor.Check("the debtor"); err != nil {
		return err
	}
	if c.Debtor.IBAN == "" && c.Debtor.Account == "" {
		return linkfin.Errorf(linkfin.EINVALID, "the debtor has an IBAN or another account id")
	}
	for _, t := range c.Transfers {
		if t.EndToEndID == "" || len(t.EndToEndID) > 35 || !utf8.ValidString(t.EndToEndID) {
			return linkfin.Errorf(linkfin.EINVALID, "an end-to-end id has 1 to 35 characters")
		}
		if t.Currency.Exponent() < 0 {
			return linkfin.Errorf(linkfin.EINVALID, "transfer %s: unknown currency %q", t.EndToEndID, t.Currency)
		}
		if t.Amount <= 0 || t.Amount > linkfin.MaxAmount {
			return linkfin.Errorf(linkfin.EOUTOFRANGE, "transfer %s: the amount is 1 to %d minor units", t.EndToEndID, linkfin.MaxAmount)
		}
		if err := t.Creditor.Check("transfer " + t.EndToEndID + "'s creditor"); err != nil {
			return err
		}
	}
	return nil
}

// Check refuses a party the schema would not take.
func (p Party) Check(what string) error {
	if strings.TrimSpace(p.Name) == "" || !utf8.ValidString(p.Name) {
		return linkfin.Errorf(linkfin.EINVALID, "%s has a name", what)
	}
	if p.Address != nil {
		if err := p.Address.Validate(); err != nil {
			return err
		}
	}
	return p.CheckAccount(what)
}

// CheckAccount refuses a party's account the schema would not take: an IBAN whose
// check digits do not verify, a BIC of another form, an account id too long.
func (p Party) CheckAccount(what string) error {
	switch {
	case p.IBAN != "" && !ValidIBAN(p.IBAN):
		return linkfin.Errorf(linkfin.EINVALID, "%s's IBAN %q is not an IBAN (country, check digits, account; the check digits must verify)", what, clip(p.IBAN))
	case p.BIC != "" && !ValidBIC(p.BIC):
		return linkfin.Errorf(linkfin.EINVALID, "%s's BIC %q is not a BIC (8 or 11 letters and digits, the fifth and sixth a country's code)", what, clip(p.BIC))
	case p.BankCode != "" && !ValidCNAPS(p.BankCode):
		return linkfin.Errorf(linkfin.EINVALID, "%s's bank code %q is not a CNAPS code (12 digits)", what, clip(p.BankCode))
	case len(p.Account) > linkfin.MaxAccount || !utf8.ValidString(p.Account) || strings.TrimSpace(p.Account) != p.Account ||
		strings.IndexFunc(p.Account, unicode.IsControl) >= 0:
		return linkfin.Errorf(linkfin.EINVALID, "%s's account id has at most %d characters, without spaces around or control characters", what, linkfin.MaxAccount)
	}
	return nil
}

// ValidIBAN reports whether s is an IBAN: a country's code (linkfin.IsCountry), two
// check digits and up to 30 letters and digits, whose ISO 7064 MOD 97-10 check holds.
func ValidIBAN(s string) bool {
	if len(s) < 5 || len(s) > 34 || !linkfin.IsCountry(s[:2]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case i < 2 && (c < 'A' || c > 'Z'):
			return false
		case i >= 2 && i < 4 && (c < '0' || c > '9'):
			return false
		case i >= 4 && !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z'):
			return false
		}
	}
	rem := 0
	for _, c := range s[4:] + s[:4] {
		if c >= 'A' {
			v := int(c-'A') + 10
			rem = (rem*100 + v) % 97
		} else {
			rem = (rem*10 + int(c-'0')) % 97
		}
	}
	return rem == 1
}

// ValidBIC reports whether s is a BIC as ISO 9362 (2014) writes it: four letters or
// digits of institution, a country's code (linkfin.IsCountry), two letters or digits of
// location, and an optional branch of three.
func ValidBIC(s string) bool {
	if len(s) != 8 && len(s) != 11 || !linkfin.IsCountry(s[4:6]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum || (i == 4 || i == 5) && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

// limit trims s and cuts it to n characters.
func limit(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n])
	}
	return s
}

func cashAccount(p Party, cur linkfin.Currency) xmlCashAccount {
	var a xmlCashAccount
	if p.IBAN != "" {
		a.ID.IBAN = p.IBAN
	} else {
		a.ID.Othr = &xmlOtherID{ID: p.Account}
	}
	a.Ccy = string(cur)
	return a
}

// agentOf is a party's bank: by BIC, by its CNAPS code (the id of a bank in China's
// payment system), or both; with neither, the bank is not named ("NOTPROVIDED", as the
// SEPA rulebooks write it), which the account's bank resolves. Version 001.03 calls a
// BIC "BIC", later ones "BICFI".
func agentOf(p Party, v03 bool) xmlAgent {
	var a xmlAgent
	if v03 {
		a.FinInstnID.BIC = p.BIC
	} else {
		a.FinInstnID.BICFI = p.BIC
	}
	if p.BankCode != "" {
		m := &xmlClrSysMember{MmbID: p.BankCode}
		m.ClrSysID.Cd = ClearingSystemCNAPS
		a.FinInstnID.ClrSysMmb = m
	}
	if p.BIC == "" && p.BankCode == "" {
		a.FinInstnID.Othr = &xmlOtherID{ID: "NOTPROVIDED"}
	}
	return a
}

// checkBICs2009 refuses a BIC that version 001.03's schema does not take: its BICIdentifier
// is a BIC as ISO 9362 wrote it before 2014, six letters (institution and country), a
// location whose first character is a letter or a digit 2 to 9 and whose second is not
// the letter O, and an optional branch.
func (c *CreditTransferInitiation) checkBICs2009() error {
	check := func(what, bic string) error {
		if bic == "" || bic2009(bic) {
			return nil
		}
		return linkfin.Errorf(EUNSUPPORTED, "%s's BIC %s is of ISO 9362's 2014 form, which %s cannot name (its schema takes BICs whose first six characters are letters): write the file as %s",
			what, bic, Pain001V03, Pain001V09)
	}
	if err := check("the debtor", c.Debtor.BIC); err != nil {
		return err
	}
	for _, t := range c.Transfers {
		if err := check("transfer "+t.EndToEndID+"'s creditor", t.Creditor.BIC); err != nil {
			return err
		}
	}
	return nil
}

// bic2009 reports whether a BIC (one ValidBIC takes) has the form
// [A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?.
func bic2009(s string) bool {
	for i := 0; i < 6; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return s[6] != '0' && s[6] != '1' && s[7] != 'O'
}

// ClearingSystemCNAPS is the ISO 20022 code (ExternalClearingSystemIdentification1Code)
// of China's National Advanced Payment System, whose members are banks by a code of 12
// digits.
const ClearingSystemCNAPS = "CNAPS"

// ValidCNAPS reports whether s is a CNAPS bank code: 12 digits.
func ValidCNAPS(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

type xmlPain001 struct {
	XMLName    xml.Name `xml:"Document"`
	Xmlns      string   `xml:"xmlns,attr"`
	Initiation struct {
		GrpHdr struct {
			MsgID    string     `xml:"MsgId"`
			CreDtTm  string     `xml:"CreDtTm"`
			NbOfTxs  string     `xml:"NbOfTxs"`
			InitgPty xmlPartyID `xml:"InitgPty"`
		} `xml:"GrpHdr"`
		PmtInf []xmlPaymentInfo `xml:"PmtInf"`
	} `xml:"CstmrCdtTrfInitn"`
}

type xmlPaymentInfo struct {
	PmtInfID    string         `xml:"PmtInfId"`
	PmtMtd      string         `xml:"PmtMtd"`
	NbOfTxs     string         `xml:"NbOfTxs"`
	CtrlSum     string         `xml:"CtrlSum"`
	ReqdExctnDt xmlDate        `xml:"ReqdExctnDt"`
	Dbtr        xmlPartyID     `xml:"Dbtr"`
	DbtrAcct    xmlCashAccount `xml:"DbtrAcct"`
	DbtrAgt     xmlAgent       `xml:"DbtrAgt"`
	CdtTrfTxInf []xmlTransfer  `xml:"CdtTrfTxInf"`
}

// xmlDate is an execution date: ISODate itself in version 001.03, a DateAndDateTime2Choice
// holding it as Dt in later ones.
type xmlDate struct {
	Dt   string
	bare bool
}

func (d xmlDate) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if d.bare {
		return e.EncodeElement(d.Dt, start)
	}
	return e.EncodeElement(struct {
		Dt string `xml:"Dt"`
	}{d.Dt}, start)
}

type xmlPartyID struct {
	Nm      string            `xml:"Nm,omitempty"`
	PstlAdr *xmlPostalAddress `xml:"PstlAdr,omitempty"`
}

// xmlPostalAddress is a PostalAddress24, its elements in the schema's order.
type xmlPostalAddress struct {
	StrtNm      string `xml:"StrtNm,omitempty"`
	BldgNb      string `xml:"BldgNb,omitempty"`
	PstCd       string `xml:"PstCd,omitempty"`
	TwnNm       string `xml:"TwnNm,omitempty"`
	CtrySubDvsn string `xml:"CtrySubDvsn,omitempty"`
	Ctry        string `xml:"Ctry,omitempty"`
}

// party is a party by its name and, if known, its postal address.
func party(p Party) *xmlPartyID {
	x := &xmlPartyID{Nm: limit(p.Name, 140)}
	if a := p.Address; a != nil {
		x.PstlAdr = &xmlPostalAddress{StrtNm: a.Street, BldgNb: a.BuildingNumber, PstCd: a.PostCode, TwnNm: a.Town,
			CtrySubDvsn: a.Subdivision, Ctry: a.Country}
	}
	return x
}

type xmlCashAccount struct {
	ID struct {
		IBAN string      `xml:"IBAN,omitempty"`
		Othr *xmlOtherID `xml:"Othr,omitempty"`
	} `xml:"Id"`
	Ccy string `xml:"Ccy,omitempty"`
}

type xmlOtherID struct {
	ID string `xml:"Id"`
}

type xmlAgent struct {
	FinInstnID xmlFinInstn `xml:"FinInstnId"`
}

type xmlFinInstn struct {
	BIC       string           `xml:"BIC,omitempty"` // 001.03
	BICFI     string           `xml:"BICFI,omitempty"`
	ClrSysMmb *xmlClrSysMember `xml:"ClrSysMmbId,omitempty"`
	Othr      *xmlOtherID      `xml:"Othr,omitempty"`
}

// xmlClrSysMember is a bank by its id in a clearing system: in China, its CNAPS code.
type xmlClrSysMember struct {
	ClrSysID struct {
		Cd string `xml:"Cd"`
	} `xml:"ClrSysId"`
	MmbID string `xml:"MmbId"`
}

type xmlTransfer struct {
	PmtID    xmlPaymentID        `xml:"PmtId"`
	Amt      xmlInstructedAmount `xml:"Amt"`
	CdtrAgt  *xmlAgent           `xml:"CdtrAgt,omitempty"`
	Cdtr     *xmlPartyID         `xml:"Cdtr,omitempty"`
	CdtrAcct *xmlCashAccount     `xml:"CdtrAcct,omitempty"`
	RmtInf   *xmlRemittance      `xml:"RmtInf,omitempty"`
}

type xmlPaymentID struct {
	EndToEndID string `xml:"EndToEndId"`
}

type xmlInstructedAmount struct {
	InstdAmt xmlAmount `xml:"InstdAmt"`
}

type xmlRemittance struct {
	Ustrd string `xml:"Ustrd"`
}
