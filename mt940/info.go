package mt940

import (
	"cmp"
	"strings"

	"linkfin"
)

// information is what an entry's :86: says, as this package reads it.
type information struct {
	endToEnd   string // the end-to-end id, as given
	remittance string // the remittance information
	name       string // the counterparty's name
	account    string // the counterparty's account
}

// readInformation reads an entry's :86: lines: the German DFÜ subfields, the Dutch
// slash codes, or else plain text.
func readInformation(lines []string) information {
	if len(lines) == 0 {
		return information{}
	}
	joined := structuredText(lines)
	if info, ok := readSubfields(joined); ok {
		return info
	}
	if info, ok := readSlashCodes(joined, lines); ok {
		return info
	}
	return information{remittance: plainText(lines)}
}

// plainText is lines trimmed and joined by a space, without the empty ones.
func plainText(lines []string) string {
	var kept []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, " ")
}

// structuredText is lines joined without a separator, for structured forms break their
// values anywhere, and without their trailing spaces (the first without its leading
// ones too).
func structuredText(lines []string) string {
	var b strings.Builder
	for i, l := range lines {
		l = strings.TrimRight(l, " \t")
		if i == 0 {
			l = strings.TrimLeft(l, " \t")
		}
		b.WriteString(l)
	}
	return b.String()
}

// subfield is one ?NN subfield of the DFÜ form.
type subfield struct {
	code int
	text string
}

// readSubfields reads the DFÜ form: a three-digit business transaction code, then
// subfields ?NN (or >NN); ok is false for another form.
func readSubfields(s string) (information, bool) {
	if len(s) < 6 || !linkfin.IsDigits(s[:3]) || s[3] != '?' && s[3] != '>' || !linkfin.IsDigits(s[4:6]) {
		return information{}, false
	}
	var purpose, more keyedText
	var name, account string
	var later []string // ?60 to ?63
	continued := false
	for _, sf := range subfields(s[3:], s[3]) {
		switch c := sf.code; {
		case c >= 20 && c <= 29:
			purpose.add(sf.text)
			continued = continued || c == 29
		case c >= 60 && c <= 63:
			later = append(later, sf.text)
		case c == 31:
			account += sf.text
		case c == 32, c == 33:
			name += sf.text
		}
	}
	for _, text := range later {
		if continued {
			purpose.add(text)
		} else {
			more.add(text)
		}
	}
	lead, values := purpose.split()
	_, apart := more.split()
	info := information{name: strings.TrimSpace(name), account: strings.TrimSpace(account), remittance: lead}
	info.endToEnd = firstOf("EREF+", values, apart)
	if svwz, ok := values["SVWZ+"]; ok {
		info.remittance = svwz
	} else if svwz, ok := apart["SVWZ+"]; ok {
		info.remittance = svwz
	}
	return info, true
}

// firstOf is the value of key in the first of ms that gives it.
func firstOf(key string, ms ...map[string]string) string {
	for _, m := range ms {
		if v, ok := m[key]; ok {
			return v
		}
	}
	return ""
}

// subfields splits s, which begins with sep and two digits, into its subfields.
func subfields(s string, sep byte) []subfield {
	var out []subfield
	for len(s) >= 3 {
		code := atoi(s[1:3])
		rest := s[3:]
		end := len(rest)
		for i := 0; i+3 <= len(rest); i++ {
			if rest[i] == sep && linkfin.IsDigits(rest[i+1:i+3]) {
				end = i
				break
			}
		}
		out = append(out, subfield{code, rest[:end]})
		s = rest[end:]
	}
	return out
}

// sepaKeywords are the keywords that structure the DFÜ remittance subfields of SEPA
// payments.
var sepaKeywords = []string{"EREF+", "KREF+", "MREF+", "CRED+", "DEBT+", "COAM+", "OAMT+", "SVWZ+", "ABWA+", "ABWE+"}

// keyedText is the text of subfields joined, with where each began.
type keyedText struct {
	text   string
	starts map[int]bool
}

// add appends a subfield's text.
func (k *keyedText) add(s string) {
	if k.starts == nil {
		k.starts = map[int]bool{}
	}
	k.starts[len(k.text)] = true
	k.text += s
}

// split splits the text at the SEPA keywords that begin it, a subfield or a word: the
// text before the first, and each keyword's value, up to the next (the first of a
// keyword given twice).
func (k keyedText) split() (lead string, values map[string]string) {
	values = map[string]string{}
	type hit struct {
		at  int
		key string
	}
	var hits []hit
	for i := 0; i+5 <= len(k.text); i++ {
		if i > 0 && k.text[i-1] != ' ' && !k.starts[i] {
			continue
		}
		for _, kw := range sepaKeywords {
			if strings.HasPrefix(k.text[i:], kw) {
				hits = append(hits, hit{i, kw})
				i += len(kw) - 1
				break
			}
		}
	}
	if len(hits) == 0 {
		return strings.TrimSpace(k.text), values
	}
	for j, h := range hits {
		end := len(k.text)
		if j+1 < len(hits) {
			end = hits[j+1].at
		}
		if _, ok := values[h.key]; !ok {
			values[h.key] = strings.TrimSpace(k.text[h.at+len(h.key) : end])
		}
	}
	return strings.TrimSpace(k.text[:hits[0].at]), values
}

// slashCodes are the codes of the Dutch slash form that begin a value.
var slashCodes = map[string]bool{
	"ADDR": true, "BENM": true, "BIC": true, "BUSP": true, "CDTRREF": true, "CDTRREFTP": true, "CHGS": true,
	"CNTP": true, "CSID": true, "EREF": true, "EXCH": true, "IBAN": true, "ID": true, "ISDT": true,
	"MARF": true, "NAME": true, "OCMT": true, "ORDP": true, "PREF": true, "PURP": true, "REMI": true,
	"RTRN": true, "SVCL": true, "TRCD": true, "TRTP": true, "ULTB": true, "ULTC": true, "ULTD": true,
}

// slashPart is one code of the slash form and its value.
type slashPart struct {
	code, value string
}

// readSlashCodes reads the Dutch slash form, "/EREF/…/BENM//NAME/…/REMI/…"; ok is false
// for another form. A form without REMI keeps its whole text, lines, as remittance
// information.
func readSlashCodes(s string, lines []string) (information, bool) {
	parts := slashParts(strings.TrimSpace(s))
	if len(parts) == 0 {
		return information{}, false
	}
	info := information{remittance: plainText(lines)}
	remi := false
	for i, p := range parts {
		switch p.code {
		case "EREF":
			info.endToEnd = cmp.Or(info.endToEnd, p.value)
		case "REMI":
			if !remi {
				info.remittance = strings.TrimPrefix(strings.TrimPrefix(p.value, "USTD//"), "STRD/CUR/")
				remi = true
			}
		case "NAME":
			if i == 0 || !strings.HasPrefix(parts[i-1].code, "ULT") {
				info.name = cmp.Or(info.name, p.value)
			}
		case "IBAN":
			info.account = cmp.Or(info.account, p.value)
		case "CNTP":
			cntp := strings.Split(p.value, "/")
			info.account = cmp.Or(info.account, strings.TrimSpace(cntp[0]))
			if len(cntp) > 2 {
				info.name = cmp.Or(info.name, strings.TrimSpace(cntp[2]))
			}
		}
	}
	return info, true
}

// slashParts splits the slash form at each "/CODE/" of a known code; nil when s does
// not begin with one.
func slashParts(s string) []slashPart {
	var parts []slashPart
	code, start, ok := slashCodeAt(s, 0)
	if !ok {
		return nil
	}
	for i := start; i <= len(s); {
		next, nextStart, ok := slashCodeAt(s, i)
		if !ok && i < len(s) {
			i++
			continue
		}
		value := strings.TrimSpace(strings.TrimSuffix(s[start:i], "/"))
		parts = append(parts, slashPart{code, value})
		if !ok {
			break
		}
		code, start, i = next, nextStart, nextStart
	}
	return parts
}

// slashCodeAt is the known code of a "/CODE/" at s[i], and where its value begins.
func slashCodeAt(s string, i int) (code string, start int, ok bool) {
	if i >= len(s) || s[i] != '/' {
		return "", 0, false
	}
	j := strings.IndexByte(s[i+1:], '/')
	if j <= 0 || !slashCodes[s[i+1:i+1+j]] {
		return "", 0, false
	}
	return s[i+1 : i+1+j], i + j + 2, true
}
