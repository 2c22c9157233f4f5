package console

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"linkfin"
	lfhttp "linkfin/http"
)

// A form the platform refuses is answered with the page it was sent from, drawn again
// as it is now: the refusal above it (what its code means in the person's language,
// the code, the platform's message), the form filled in with what was typed, and the
// field at fault, where the console knows it, marked and tied to the refusal. The page
// is the refusal's HTTP status. Its forms carry new idempotency keys: a refused form
// ran nothing, and the person corrects it and sends it again.

// fieldError is a refusal of one field of a form: its name, and the words that say
// what the field takes (a message key; "" for the refusal's code's words).
type fieldError struct {
	Field, Key string
	Nth        int // which of the form's fields of the name (an invoice's lines), or -1: each
	err        error
}

func (e *fieldError) Error() string { return e.err.Error() }
func (e *fieldError) Unwrap() error { return e.err }

// inField ties err, a refusal of what was typed in the form's field name, to the
// field; a value that does not parse (invalid) is said with key's words, which say
// what the field takes. Nil stays nil.
func inField(name, key string, err error) error {
	if err == nil {
		return nil
	}
	if linkfin.ErrorCode(err) != linkfin.EINVALID {
		key = ""
	}
	return &fieldError{Field: name, Key: key, Nth: -1, err: err}
}

// inLine is inField for the nth of the form's fields of the name (a line's).
func inLine(name string, nth int, key string, err error) error {
	if err = inField(name, key, err); err != nil {
		err.(*fieldError).Nth = nth
	}
	return err
}

// refused is a form's refusal, carried to the page drawn again.
type refused struct {
	status int
	ref    refusal
	field  string     // the field at fault, or ""
	nth    int        // which of the fields of its name, or -1: each
	form   url.Values // what was typed
	action string     // the form's address: the form to fill in
}

type refusedKey struct{}

// refusedOf is the refusal r draws its page again for, or nil.
func refusedOf(r *http.Request) *refused {
	rf, _ := r.Context().Value(refusedKey{}).(*refused)
	return rf
}

// again answers a refused form with the page it was sent from: the Referer's, where it
// is a page of the console on this host (a list with its filters, an offer's
// confirmation) and text as any address the console reads (lfhttp.CheckURL), else the
// page above the form's address. The page reads as a GET of it does, with who may see
// it checked again.
func (c *Console) again(w http.ResponseWriter, r *http.Request, status int, ref refusal, err error) {
	rf := &refused{status: status, ref: ref, form: r.PostForm, action: r.URL.Path}
	var fe *fieldError
	if errors.As(err, &fe) {
		rf.field, rf.nth = fe.Field, fe.Nth
	}
	page := &url.URL{Path: c.pagePath(r)}
	if from, e := url.Parse(r.Referer()); e == nil && from.Host == r.Host && sitePath(from.EscapedPath()) && lfhttp.CheckURL(from) == nil {
		if _, pattern := c.mux.Handler(&http.Request{Method: http.MethodGet, Host: r.Host, URL: from}); pattern != "" && pattern != "/" {
			page = &url.URL{Path: from.Path, RawPath: from.RawPath, RawQuery: from.RawQuery}
		}
	}
	g := r.Clone(context.WithValue(r.Context(), refusedKey{}, rf))
	g.Method, g.URL, g.RequestURI = http.MethodGet, page, page.RequestURI()
	g.Body, g.ContentLength, g.Form, g.PostForm, g.MultipartForm = http.NoBody, 0, nil, nil, nil
	g.Header.Del("Content-Type")
	c.mux.ServeHTTP(w, g)
}

// refill fills in the refused form on a page: each field the person typed gets what it
// typed (never a password, a file, or the form's token and key), and the field at fault
// is marked invalid, described by the refusal, and linked from it by the words of its
// label, so that a person on the refusal (focused as the page opens) goes to the field
// from there, by keyboard as by pointer. A field without an id is given one.
func refill(page string, rf *refused) string {
	if rf.form == nil && rf.field == "" {
		return page
	}
	z := html.NewTokenizer(strings.NewReader(page))
	var b strings.Builder
	b.Grow(len(page) + 256)
	r := &refiller{rf: rf, seen: map[string]int{}, labels: map[string]string{}}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return linkField(b.String(), r.target, r.named, r.labels, rf.field)
		}
		raw := string(z.Raw())
		if tt == html.TextToken {
			for _, l := range r.open {
				l.words.WriteString(html.UnescapeString(raw))
			}
		}
		if tt != html.StartTagToken && tt != html.EndTagToken && tt != html.SelfClosingTagToken {
			b.WriteString(raw)
			continue
		}
		tok := z.Token()
		r.follow(tok, tt)
		if r.inForm && tt != html.EndTagToken && r.fill(&tok) {
			b.WriteString(tok.String())
		} else {
			b.WriteString(raw)
		}
	}
}

// refiller is refill's reading of the page so far.
type refiller struct {
	rf       *refused
	inForm   bool              // within the refused form
	seen     map[string]int    // how many controls of each name the form had so far
	choose   string            // the option to select, in a select of the form
	choosing bool              // within such a select
	labels   map[string]string // a label's words, by the id of the control it names
	open     []*openLabel      // the labels around this point of the page
	target   string            // the field at fault's id
	named    string            // the words naming it there
}

// follow follows the page's labels, the refused form and its selects through a tag.
func (r *refiller) follow(tok html.Token, tt html.TokenType) {
	switch {
	case tok.DataAtom == atom.Label && tt == html.StartTagToken:
		r.open = append(r.open, &openLabel{of: attr(tok, "for")})
	case tok.DataAtom == atom.Label && tt == html.EndTagToken && len(r.open) > 0:
		l := r.open[len(r.open)-1]
		r.open = r.open[:len(r.open)-1]
		if l.of != "" {
			r.labels[l.of] = l.words.String()
		}
	}
	switch {
	case tok.DataAtom == atom.Form && tt == html.StartTagToken:
		r.inForm = attr(tok, "action") == r.rf.action && strings.EqualFold(attr(tok, "method"), "post")
		clear(r.seen)
	case tok.DataAtom == atom.Form && tt == html.EndTagToken:
		r.inForm = false
	case tok.DataAtom == atom.Select && tt == html.EndTagToken:
		r.choosing = false
	}
}

// fill fills in a control of the refused form, or an option of its select, with what
// was sent, and marks the field at fault; it reports whether the tag changed.
func (r *refiller) fill(tok *html.Token) bool {
	switch tok.DataAtom {
	case atom.Option:
		if !r.choosing {
			return false
		}
		delAttr(tok, "selected")
		if attr(*tok, "value") == r.choose {
			tok.Attr = append(tok.Attr, html.Attribute{Key: "selected"})
		}
		return true
	case atom.Input, atom.Select, atom.Textarea:
	default:
		return false
	}
	name := attr(*tok, "name")
	if name == "" {
		return false
	}
	i := r.seen[name]
	r.seen[name]++
	typed, ok := "", i < len(r.rf.form[name])
	if ok {
		typed = r.rf.form[name][i]
	}
	changed := false
	switch tok.DataAtom {
	case atom.Input:
		switch strings.ToLower(attr(*tok, "type")) {
		case "", "text", "number", "date", "email", "url", "search", "tel":
			if ok && name != "csrf" && name != "idempotency_key" {
				setAttr(tok, "value", typed)
				changed = true
			}
		case "checkbox", "radio": // ticked as it was sent
			delAttr(tok, "checked")
			if slices.Contains(r.rf.form[name], attr(*tok, "value")) {
				tok.Attr = append(tok.Attr, html.Attribute{Key: "checked"})
			}
			changed = true
		}
	case atom.Select:
		r.choose, r.choosing = typed, ok
	}
	if name == r.rf.field && (r.rf.nth < 0 || r.rf.nth == i) {
		r.markFault(tok, name, i)
		changed = true
	}
	return changed
}

// markFault marks the field at fault invalid and described by the refusal, and notes
// the first such field's id (giving it one if it has none) and the words that name it.
func (r *refiller) markFault(tok *html.Token, name string, i int) {
	setAttr(tok, "aria-invalid", "true")
	// The refusal describes the field first, then its help, if any.
	setAttr(tok, "aria-describedby", strings.TrimSpace("refusal "+attr(*tok, "aria-describedby")))
	if r.target != "" {
		return
	}
	if r.target = attr(*tok, "id"); r.target == "" {
		r.target = "field-" + name + "-" + strconv.Itoa(i)
		setAttr(tok, "id", r.target)
	}
	if r.named = attr(*tok, "aria-label"); r.named == "" {
		for _, l := range r.open {
			if l.of == "" { // a label around the field
				r.named = l.words.String()
			}
		}
	}
}

// openLabel is a label element being read: the control it names by id (for), if
// any, and its words so far.
type openLabel struct {
	of    string
	words strings.Builder
}

// linkField links the refusal on a page (its paragraph "to-field") to the field at
// fault, whose id is target, by the words that name it: its aria-label or the label
// around it (named), else the label naming it by its id, else its name.
func linkField(page, target, named string, labels map[string]string, name string) string {
	if target == "" {
		return page
	}
	words := strings.Join(strings.Fields(named), " ")
	if words == "" {
		words = strings.Join(strings.Fields(labels[target]), " ")
	}
	if words == "" {
		words = name
	}
	const mark = `<p class="to-field">`
	at := strings.Index(page, mark)
	if at < 0 {
		return page
	}
	end := at + strings.Index(page[at:], "</p>")
	return page[:end] + `<a href="#` + html.EscapeString(target) + `">` + html.EscapeString(words) + `</a>` + page[end:]
}

func attr(t html.Token, key string) string {
	for _, a := range t.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func setAttr(t *html.Token, key, val string) {
	for i, a := range t.Attr {
		if a.Key == key {
			t.Attr[i].Val = val
			return
		}
	}
	t.Attr = append(t.Attr, html.Attribute{Key: key, Val: val})
}

func delAttr(t *html.Token, key string) {
	for i, a := range t.Attr {
		if a.Key == key {
			t.Attr = append(t.Attr[:i], t.Attr[i+1:]...)
			return
		}
	}
}
