// Package mt940 reads the SWIFT MT940 customer statements, MT942 interim transaction
// reports and MT950 statement messages banks send, into the value the ISO 20022 reader
// gives (iso20022.StatementMessage), so that linkfin's bank statement import takes
// either. Like package iso20022 it knows nothing of linkfin's records; amounts are
// integer minor units of their currency.
//
// # The file
//
// A file holds one or more messages. Each begins at a :20: line and ends at the next
// :20:, at a line that begins with "-}" (the end of a SWIFT envelope's block 4), at a
// line that is "-" alone or ING's "-XXX", or at another line that begins with "-" (a
// home banking separator) when only blank lines or the next message follow it. A
// message may sit in a SWIFT envelope, {1:…}{2:…}{3:…}{4: and -}{5:…}; block 2 then
// says its type. Outside messages, lines are skipped: the headers some banks write
// before :20: ("ABNANL2A", "940", ":940:", "0000 01INGBNL2AXXXX00001"); but a field
// outside a message (a message that lacks its :20:) is refused. Line endings may be
// CRLF, LF or CR; the transmission characters SOH, ETX and SUB, a byte order mark and
// blank lines are ignored. Within a message, a line that begins with one of the tags
// read here (:20:, :21:, :25:, :25P:, :28:, :28C:, :13:, :13D:, :34F:, :60F:, :60M:,
// :61:, :62F:, :62M:, :64:, :65:, :86:, :90D:, :90C:, and the German :NS:) begins a
// field; any other line continues the field before it, even one that looks like a
// tag, for a wrapped text may begin with ":26:".
//
// # Messages and statements
//
// StatementMessage.Version is "MT940", "MT942" or "MT950": block 2's type when an
// envelope gives it, else MT942 for a message with :13D: (or the older :13:) or :34F:,
// else MT940 (an MT950 without an envelope reads as an MT940, which holds the same
// fields). A file that mixes kinds is refused. MessageID is the first message's :20:
// reference; CreatedAt is the first message's :13D: date and time, written as ISO 8601
// ("2017-01-19T18:15:00+01:00", the offset as the bank wrote it).
//
// Each message is a Statement. Its ID is the :20: reference, the :28C: statement and
// sequence number as written, and a date, joined by "/": "STARTUMSE/00001/001/2026-12-01".
// The date is the closing balance's (:62F: or :62M:), or an MT942's :13D: date. Banks
// repeat :20: (German banks write STARTUMSE every day) and restart :28C: each year, so
// the reference and number alone do not tell statements apart; with the day they do.
// Two statements of one account with the same ID in a file are refused.
// ElectronicSequence is :28C: (or the older :28:) as written; From and To are the dates
// of the opening and closing balances, when it has them; CreatedAt is :13D:'s.
//
// # Account
//
// The account is :25:'s identification (:25P:'s first line). One that is an IBAN (its
// spaces removed) is Account.IBAN; so is one that is an IBAN followed by a currency
// code, with or without a space ("DE89370400440532013000EUR"), which some banks write.
// Anything else is Account.Other, as written ("50880050/0194777100",
// "1291.99.348EUR"). Account.Currency is the opening balance's (:60F: or :60M:), an
// MT942's first :34F:; every balance must be in it. Account.Servicer is the sending
// bank's BIC when an envelope names it: from block 2 when it is an output header with
// a message input reference (the sender's logical terminal), else from block 1, whose
// logical terminal address is the sender in the exports banks make. A logical
// terminal address is a BIC8, a terminal code and a branch: the BIC is the BIC8 and
// the branch, or the BIC8 alone for branch XXX.
//
// # Balances
//
// :60F: is an opening booked balance (OPBD), :60M: and :62M: interim booked balances
// (ITBD) of a statement continued over several messages, :62F: a closing booked
// balance (CLBD), :64: a closing available balance (CLAV), each :65: a forward
// available balance (FWAV), in the order of the file. A balance's amount is never
// negative: its D or C mark is CreditDebit (DBIT or CRDT).
//
// # Entries
//
// Each :61: is an Entry. Its value date is the YYMMDD; the optional entry date MMDD is
// BookingDate, in the year that puts it nearest the value date (a value date of
// 2026-12-31 and an entry date of 0102 book on 2027-01-02). The mark is C (CRDT), D
// (DBIT), RC or RD: RC is the reversal of a credit, a debit entry (DBIT, Reversal),
// and RD the reversal of a debit, a credit entry (CRDT, Reversal), as in ISO 20022,
// where the sign is the entry's and Reversal says it undoes an earlier one of the
// other sign. An MT942 may also mark an expected credit EC or expected debit ED: CRDT
// or DBIT with Status PDNG, where every other entry is BOOK (MT942 reports entries
// booked since the last statement). The funds code after the mark (the currency
// code's third letter, "CR" for a credit in EUR) is skipped; the amount is the
// statement's currency. The transaction type, a letter and three characters (NTRF,
// NMSC, S103, F…), is BankTransactionCode as written, trimmed. The reference for the
// account owner is EntryReference, "" for NONREF; it has 16 characters, but a bank
// that writes a longer one without a space in it (ASN Bank writes an IBAN) gets it
// whole, and where a longer one has spaces (Rabobank writes the counterparty after
// it) the first 16 are the reference and the rest supplementary details. What follows
// "//" is AccountServicerReference. The supplementary details (the line after, and any
// more lines, joined by a space) are AdditionalInfo. A :61: whose amount is on its
// second line, as some Sparkasse exports break it, is read whole.
//
// # Information to the account owner
//
// A :86: after a :61: belongs to it; several in a row (Rabobank's older files) are
// one. A :86: after a balance is the statement's AdditionalInfo, its lines joined by
// a space. An entry's :86: is read in one of three forms:
//
//   - The German DFÜ form: a three-digit business transaction code, then subfields
//     ?00…?63 ("166?00GUTSCHRIFT?20EREF+…?21SVWZ+…?32NAME"); a few banks write ">"
//     for "?". The remittance subfields ?20–?29, and ?60–?63 after them when ?29 is
//     there (they continue it; otherwise they are read apart), are joined without a
//     separator, for banks break them anywhere, and split at the SEPA keywords EREF+,
//     KREF+, MREF+, CRED+, DEBT+, COAM+, OAMT+, SVWZ+, ABWA+ and ABWE+ (at the start
//     of a subfield or after a space). EREF+ is the end-to-end id, SVWZ+ the
//     remittance information; without SVWZ+, the remittance information is the text
//     before the first keyword, which is all of it when there is none. ?31 is the
//     counterparty's account, ?32 and ?33 its name.
//   - The Dutch slash form of ING, ABN AMRO, Rabobank and bunq: codes between slashes
//     ("/EREF/…/BENM//NAME/…/REMI/…/IBAN/…"). EREF is the end-to-end id, REMI the
//     remittance information (without ING's "USTD//" or "STRD/CUR/" before it; a form
//     without REMI keeps its whole text), NAME the counterparty's name and IBAN its
//     account; ING's CNTP gives them as account/BIC/name/city.
//   - Any other text is the remittance information, its lines trimmed and joined by a
//     space.
//
// Structured lines are joined without their trailing spaces. Each entry holds one
// Transaction, with the entry's amount, sign and bank reference, and the
// counterparty: a credit's is its payer (DebtorName, DebtorAccount), a debit's its
// payee (CreditorName, CreditorAccount). The entry's and the transaction's EndToEndID
// is EREF, unless it is NOTPROVIDED, else the reference for the account owner (but a
// keyword that points at the :86:, such as KREF+ or Rabobank's EREF); their
// RemittanceInformation is the one read above. The other keywords only end the value
// before them; the other DFÜ subfields and slash codes, the business transaction code,
// :NS:, :21:, :90D: and :90C: are not read.
//
// # Text, dates and amounts
//
// SWIFT's character set is a subset of ASCII, but banks export in their own: a file
// that is valid UTF-8 is read as UTF-8, any other as windows-1252 (Latin-1 with the
// euro sign), which reads the Western European exports. An export in a Central
// European charset (windows-1250, ISO 8859-2, as Polish and Czech banks export), a DOS
// code page (850, 852) or a Chinese one in GB18030 reads as windows-1252's letters:
// they cannot be told apart from windows-1252 reliably, so a caller who knows the
// charset names it (ReadCharset; GB18030 for a Chinese bank's export).
// Years YY from 00 to 79 are 2000 to 2079, 80 to 99 are 1980 to 1999. German banks
// date interest and charges on 30 February: a day 29 or 30 of February that the
// calendar lacks is February's last; any other impossible date is refused. Amounts
// have a decimal comma ("1234,5", "380115,"), at least one digit before it, and no
// more decimals than the currency's minor units unless the extra ones are zeros; they
// are read exactly, as iso20022.ParseAmount reads them. Some banks leave the comma out
// of a whole amount ("500", "PLN0"): it is read as whole. Commerzbank and Deutsche
// Bank write a space between a :61:'s amount and its transaction type; it is skipped.
// A line "-" alone ends a message, but inside an :86: text that a field of the same
// message follows (Rabobank wraps a text ending in " -" so), where it is text.
//
// # Refusals
//
// What is not an MT940, MT942 or MT950 at all (no :20: line, an XML document, binary
// data, an envelope of another message type) is iso20022.EUNSUPPORTED. A message that
// lacks a tag it needs (:20:, :25:, :28C:, and :60F:/:60M: and :62F:/:62M: for MT940
// and MT950, :34F: and :13D: for MT942), gives one it may give once twice (:34F: twice
// at most), or holds a malformed field, a bad date, an amount that is not one, or a
// currency linkfin does not know, or text longer than 2048 characters in a field or
// in an entry's :86: lines together, is linkfin.EINVALID, with the line and tag; an
// amount beyond linkfin.MaxAmount keeps iso20022.ParseAmount's code. A file larger
// than MaxSize is linkfin.EINVALID too. Read never panics. The balances are not
// checked against the entries.
package mt940

import (
	"io"

	"linkfin"
	"linkfin/iso20022"
)

// MaxSize is the most bytes Read reads: the HTTP layer limits a request body to it
// too. A file is rarely more than a few hundred kilobytes.
const MaxSize = 16 << 20

// Read reads a file of MT940 statements, MT942 interim transaction reports or MT950
// statement messages into the statement message the ISO 20022 reader gives, as the
// package documentation describes. What the file is not is iso20022.EUNSUPPORTED;
// what is wrong in it is linkfin.EINVALID, naming the line and the tag.
func Read(r io.Reader) (*iso20022.StatementMessage, error) { return ReadCharset(r, "") }

// Charsets are the charsets ReadCharset reads by name, besides none.
var Charsets = []string{"utf-8", "us-ascii", "iso-8859-1", "windows-1252", "iso-8859-15",
	"iso-8859-2", "windows-1250", "ibm850", "cp850", "ibm852", "cp852", "gb18030", "gbk", "gb2312"}

// ReadCharset reads as Read does a file in the charset named (in any case): "" reads
// UTF-8 where the bytes are valid UTF-8, else windows-1252; "utf-8" and "us-ascii"
// must be valid UTF-8; "iso-8859-1" and "windows-1252" read as windows-1252;
// "iso-8859-15", "iso-8859-2" and "windows-1250" as themselves; "ibm850" and "cp850",
// "ibm852" and "cp852" as DOS code pages 850 and 852; "gb18030", "gbk" and "gb2312" read
// as GB18030, of which the other two are subsets, as Chinese banks export their
// statements. Another charset is iso20022.EUNSUPPORTED; bytes that
// are not of the charset are linkfin.EINVALID.
func ReadCharset(r io.Reader, charset string) (*iso20022.StatementMessage, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, linkfin.Errorf(linkfin.EINVALID, "the statement could not be read: %s", clip(err.Error()))
	}
	if len(raw) > MaxSize {
		return nil, linkfin.Errorf(linkfin.EINVALID, "the statement is larger than %d MiB", MaxSize>>20)
	}
	text, err := decode(raw, charset)
	if err != nil {
		return nil, err
	}
	msgs, err := split(text)
	if err != nil {
		return nil, err
	}
	return convert(msgs)
}
