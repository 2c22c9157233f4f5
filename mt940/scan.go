package mt940

import (
	"bytes"
	"cmp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"

	"linkfin"
	"linkfin/internal/xmldoc"
	"linkfin/iso20022"
)

// decode turns the file's bytes into text, in the charset given (see ReadCharset):
// with none, UTF-8 when they are valid UTF-8, else windows-1252. A file with control
// characters other than tab, line ends and the transmission characters SOH, ETX and
// SUB is binary, not a statement; so is an XML document, which the ISO 20022 reader
// reads.
func decode(raw []byte, charset string) (string, error) {
	enc, ok := charsets[strings.ToLower(charset)]
	if !ok {
		return "", linkfin.Errorf(iso20022.EUNSUPPORTED, "linkfin reads MT940 text in %s, not %q", strings.Join(Charsets, ", "), clip(charset))
	}
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	line := 1
	for _, c := range raw {
		switch {
		case c == '\n':
			line++
		case c < 0x20 && c != '\t' && c != '\r' && c != 0x01 && c != 0x03 && c != 0x1a, c == 0x7f:
			return "", linkfin.Errorf(iso20022.EUNSUPPORTED, "line %d holds the control character 0x%02x: binary data, not an MT940, MT942 or MT950", line, c)
		}
	}
	if xmldoc.LooksLikeXML(raw) {
		return "", linkfin.Errorf(iso20022.EUNSUPPORTED, "an XML document, not an MT940, MT942 or MT950: read it as ISO 20022")
	}
	var text string
	switch {
	case enc == nil && utf8.Valid(raw), enc == utf8Only && utf8.Valid(raw):
		text = string(raw)
	case enc == utf8Only:
		return "", linkfin.Errorf(linkfin.EINVALID, "the statement is not in %s, as its charset says", charset)
	default:
		if enc == nil {
			enc = charmap.Windows1252
		}
		var err error
		if text, err = enc.NewDecoder().String(string(raw)); err != nil || !utf8.ValidString(text) {
			return "", linkfin.Errorf(linkfin.EINVALID, "the statement is not in %s", cmp.Or(charset, "UTF-8 or windows-1252"))
		}
	}
	return strings.NewReplacer("\x01", "", "\x03", "", "\x1a", "", "\r\n", "\n", "\r", "\n").Replace(text), nil
}

// utf8Only stands for a charset whose text must be valid UTF-8 as it is.
var utf8Only encoding.Encoding = encoding.Nop

// charsets are the charsets ReadCharset reads, by their names in lower case: nil for
// none given.
var charsets = map[string]encoding.Encoding{
	"":             nil,
	"utf-8":        utf8Only,
	"us-ascii":     utf8Only,
	"iso-8859-1":   charmap.Windows1252, // as browsers read it: windows-1252 is its superset
	"windows-1252": charmap.Windows1252,
	"iso-8859-15":  charmap.ISO8859_15,
	"iso-8859-2":   charmap.ISO8859_2,
	"windows-1250": charmap.Windows1250,
	"ibm850":       charmap.CodePage850,
	"cp850":        charmap.CodePage850,
	"ibm852":       charmap.CodePage852,
	"cp852":        charmap.CodePage852,
	"gb18030":      simplifiedchinese.GB18030,
	"gbk":          simplifiedchinese.GB18030, // its superset
	"gb2312":       simplifiedchinese.GB18030,
}

// field is one tag of a message and its value.
type field struct {
	tag   string   // "20", "61", "60F", "NS"
	line  int      // the line the tag is on
	lines []string // the rest of that line, then each line that continues it
}

// message is the fields of one message, from its :20: on.
type message struct {
	line     int    // the line of its :20:
	kind     string // "940", "942" or "950" when an envelope says, else ""
	servicer string // the sending bank's BIC when an envelope names it
	fields   []field
}

// knownTags are the tags that begin a field; any other line continues the one before.
var knownTags = map[string]bool{
	"20": true, "21": true, "25": true, "25P": true, "28": true, "28C": true, "13": true, "13D": true,
	"34F": true, "60F": true, "60M": true, "61": true, "62F": true, "62M": true, "64": true, "65": true,
	"86": true, "90D": true, "90C": true, "NS": true,
}

// tagOf is the tag a line begins with, and the rest of the line.
func tagOf(line string) (tag, rest string, ok bool) {
	if len(line) < 4 || line[0] != ':' {
		return "", "", false
	}
	end := strings.IndexByte(line[1:], ':')
	if end < 2 || end > 3 || !knownTags[line[1:1+end]] {
		return "", "", false
	}
	return line[1 : 1+end], line[2+end:], true
}

// splitter gathers the messages of a file, line by line.
type splitter struct {
	lines   []string
	msgs    []message
	cur     *message
	pending envelope // the envelope whose block 4 the next :20: is in
	stray   *field   // the first field outside a message
}

// split reads the messages of a file's text.
func split(text string) ([]message, error) {
	s := &splitter{lines: strings.Split(text, "\n")}
	for i := 0; i < len(s.lines); i++ {
		if err := s.line(i); err != nil {
			return nil, err
		}
	}
	s.finish()
	if len(s.msgs) == 0 {
		return nil, linkfin.Errorf(iso20022.EUNSUPPORTED, "no line begins with :20:: not an MT940, MT942 or MT950")
	}
	if s.stray != nil {
		return nil, fail(*s.stray, "is outside a message: a message begins at :20:")
	}
	return s.msgs, nil
}

// line reads line i (numbered i+1).
func (s *splitter) line(i int) error {
	line, n := s.lines[i], i+1
	trimmed := strings.TrimSpace(line)
	switch {
	case trimmed == "":
		return nil
	case isEnvelope(trimmed):
		s.finish()
		rest, err := s.envelope(trimmed, n)
		if err != nil || rest == "" {
			return err
		}
		line = rest
	case strings.HasPrefix(trimmed, "-") && s.ends(i):
		s.finish()
		return nil
	}
	if tag, rest, ok := tagOf(line); ok {
		s.field(tag, rest, n)
	} else if s.cur != nil {
		f := &s.cur.fields[len(s.cur.fields)-1]
		f.lines = append(f.lines, line)
	}
	return nil
}

// ends reports whether line i, which begins with "-", ends a message: the end of an
// envelope's block 4; "-" alone or ING's "-XXX", unless it continues a multi-line field
// (:86:, :61:) and another field of the same message, not :20:, comes next (Rabobank
// wraps an :86: text that ends in " -" onto a line of its own, before the closing
// balance: a message does not go on after its end); or any other "-" line that only
// blank lines or the next message follow.
func (s *splitter) ends(i int) bool {
	t := strings.TrimSpace(s.lines[i])
	if strings.HasPrefix(t, "-}") {
		return true
	}
	bare := t == "-" || t == "-XXX"
	if bare && (s.cur == nil || !multiLine[s.cur.fields[len(s.cur.fields)-1].tag]) {
		return true
	}
	for _, next := range s.lines[i+1:] {
		if strings.TrimSpace(next) == "" {
			continue
		}
		if bare {
			tag, _, ok := tagOf(next)
			return !ok || tag == "20"
		}
		next = strings.TrimSpace(next)
		return strings.HasPrefix(next, ":20:") || isEnvelope(next)
	}
	return true
}

// isEnvelope reports whether a line begins with a SWIFT envelope's header block.
func isEnvelope(line string) bool {
	return len(line) >= 3 && line[0] == '{' && line[1] >= '1' && line[1] <= '4' && line[2] == ':'
}

// field begins a field: a :20: begins a message. A field outside a message, but :NS:,
// is kept to refuse the file when it has messages: it would be lost.
func (s *splitter) field(tag, rest string, line int) {
	if tag == "20" {
		s.finish()
		s.cur = &message{line: line, kind: s.pending.kind, servicer: s.pending.servicer()}
		s.pending = envelope{}
	}
	f := field{tag: tag, line: line, lines: []string{rest}}
	switch {
	case s.cur != nil:
		s.cur.fields = append(s.cur.fields, f)
	case s.stray == nil && tag != "NS":
		s.stray = &f
	}
}

// finish ends the message being read, if any.
func (s *splitter) finish() {
	if s.cur != nil {
		s.msgs = append(s.msgs, *s.cur)
		s.cur = nil
	}
}

// envelope is what a SWIFT envelope's headers say of the message in its block 4.
type envelope struct {
	kind     string // the message type, "940"
	sender   string // the sender's BIC, from block 2's message input reference
	terminal string // block 1's logical terminal address
}

// servicer is the sending bank's BIC: block 2's sender, else block 1's terminal's.
func (e envelope) servicer() string { return cmp.Or(e.sender, bicOfTerminal(e.terminal)) }

// envelope reads the blocks of a line that begins with one, up to block 4's opening,
// into the pending envelope. It returns what follows "{4:" on the line.
func (s *splitter) envelope(line string, n int) (string, error) {
	for line != "" && line[0] == '{' {
		id, rest, ok := strings.Cut(line[1:], ":")
		if !ok || len(id) == 0 || len(id) > 3 {
			return "", linkfin.Errorf(linkfin.EINVALID, "line %d: the SWIFT header block %q has no block identifier", n, clip(line))
		}
		if id == "4" {
			return rest, nil
		}
		end := closing(rest)
		if end < 0 {
			return "", linkfin.Errorf(linkfin.EINVALID, "line %d: the SWIFT header block {%s: is not closed", n, clip(id))
		}
		switch value := rest[:end]; id {
		case "1":
			s.pending.terminal = terminalOfBlock1(value)
		case "2":
			kind, sender, err := readBlock2(value, n)
			if err != nil {
				return "", err
			}
			s.pending.kind, s.pending.sender = kind, sender
		}
		line = strings.TrimSpace(rest[end+1:])
	}
	return "", nil
}

// closing is the index of the "}" that closes a block whose value begins s, minding the
// blocks nested in it (block 3's {108:…}); -1 if there is none.
func closing(s string) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return -1
}

// terminalOfBlock1 is the logical terminal address of a basic header,
// "F01BANKBEBBAXXX2222123456": application, service, address.
func terminalOfBlock1(v string) string {
	if len(v) < 15 {
		return ""
	}
	return v[3:15]
}

// readBlock2 reads an application header: "I940BANKDEFFXXXXN" as sent, or
// "O9401200970103BANKBEBBAXXX22221234569701031201N" as delivered, whose message input
// reference (after the input time and date) holds the sender's logical terminal.
func readBlock2(v string, n int) (kind, sender string, err error) {
	if len(v) < 4 || (v[0] != 'I' && v[0] != 'O') || !linkfin.IsDigits(v[1:4]) {
		return "", "", linkfin.Errorf(linkfin.EINVALID, "line %d: the SWIFT application header {2:%s} names no message type", n, clip(v))
	}
	kind = v[1:4]
	if kind != "940" && kind != "942" && kind != "950" {
		return "", "", linkfin.Errorf(iso20022.EUNSUPPORTED, "line %d: an MT%s, not an MT940, MT942 or MT950", n, kind)
	}
	if v[0] == 'O' && len(v) >= 26 && linkfin.IsDigits(v[4:14]) {
		sender = bicOfTerminal(v[14:26])
	}
	return kind, sender, nil
}

// bicOfTerminal is the BIC of a logical terminal address (BIC8, terminal code,
// branch): the BIC8 and the branch, or the BIC8 alone for branch XXX; "" when it is no
// BIC.
func bicOfTerminal(lt string) string {
	if len(lt) != 12 {
		return ""
	}
	bic := lt[:8]
	if lt[9:] != "XXX" {
		bic += lt[9:]
	}
	if !iso20022.ValidBIC(bic) {
		return ""
	}
	return bic
}

// clip bounds what a message repeats of the file, and keeps it valid UTF-8.
func clip(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max]) + "…"
}
