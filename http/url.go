package http

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"linkfin"
)

// CheckURL refuses an address whose path, or a query parameter's name or value, is not
// text once decoded: a byte sequence that is not UTF-8, or a control character (a NUL
// among them). No id, page or parameter holds one, and PostgreSQL's text cannot take
// one as a parameter: such a request is refused before anything reads it, and answered
// the same on every store. A query string that does not parse is left to the route,
// which says so.
func CheckURL(u *url.URL) error {
	query, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		query = nil
	}
	return checkAddress(u.Path, query)
}

// checkAddress is CheckURL of a path and its query string already parsed (nil: none,
// or one that does not parse).
func checkAddress(path string, query url.Values) error {
	if !isText(path) {
		return linkfin.Errorf(linkfin.EINVALID, "the path is not text: it holds bytes that are not UTF-8, or a control character")
	}
	for name, values := range query {
		if !isText(name) {
			return linkfin.Errorf(linkfin.EINVALID, "a query parameter's name is not text: it holds bytes that are not UTF-8, or a control character")
		}
		for _, v := range values {
			if !isText(v) {
				return linkfin.Errorf(linkfin.EINVALID, "query parameter %q is not text: it holds bytes that are not UTF-8, or a control character", name)
			}
		}
	}
	return nil
}

// isText reports whether s is UTF-8 without a control character.
func isText(s string) bool { return utf8.ValidString(s) && strings.IndexFunc(s, unicode.IsControl) < 0 }
