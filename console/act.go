package console

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"

	"linkfin"
	"linkfin/engine"
	"linkfin/services"
)

// formKey is the idempotency key a form carries: made when the page is rendered, it
// is the same on every resubmission of that page's form, so a form sent twice (a
// double click, a retry after a lost answer) runs its command once and shows the same
// answer.
func formKey() string { return randomToken() }

// secretFields are the console's form fields that carry a password or a one-time code.
var secretFields = map[string]bool{"password": true, "current": true, "new": true, "code": true}

// act runs one command for the person, as the API runs a request: through the engine,
// under the form's idempotency key (kept apart from the API's keys and from other
// organizations'). It returns the command's answer, or its refusal.
func (c *Console) act(ctx context.Context, p *Person, form url.Values, cmd linkfin.Command) (json.RawMessage, error) {
	if !p.CanAct() {
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "a viewer changes nothing")
	}
	return c.actOnOwn(ctx, p, form, cmd)
}

// actOnOwn is act for a change of the person's own account (its password), which a
// viewer makes too.
func (c *Console) actOnOwn(ctx context.Context, p *Person, form url.Values, cmd linkfin.Command) (json.RawMessage, error) {
	req := &engine.Request{Commands: []linkfin.Command{cmd}}
	if err := checkFormKey(form); err != nil {
		return nil, err
	}
	if key := form.Get("idempotency_key"); key != "" {
		who := p.Viewer.Org
		if p.Viewer.Operator {
			who = "operator"
		}
		req.IdempotencyKey = "console:" + who + ":" + key
		// The request is the form as sent, less its tokens: the same form twice is one
		// request; the same key with other values is refused. A password or a code is
		// not part of it: the fingerprint is kept with the answer, and a fast hash of a
		// password would let whoever reads the database guess it past Argon2id.
		h := sha256.New()
		clean := url.Values{}
		for k, v := range form {
			switch {
			case k == "csrf" || k == "idempotency_key":
			case secretFields[k]:
				clean[k] = []string{"secret"}
			default:
				clean[k] = v
			}
		}
		h.Write([]byte(engine.Name(cmd) + "\n" + clean.Encode()))
		req.Hash = h.Sum(nil)
	}
	// Who acted is recorded with what the command wrote, as for the API's requests.
	req.Commands[0] = services.Attribute(p.Viewer.Org, "user:"+p.UserID, cmd)
	resp, err := c.Engine.Submit(ctx, req)
	if err != nil {
		return nil, err
	}
	out := resp.Outcomes[0]
	if err := out.Err(); err != nil {
		return nil, err
	}
	return out.Value, nil
}

// checkFormKey refuses a form whose idempotency key is longer than a form of the
// console's makes.
func checkFormKey(form url.Values) error {
	if len(form.Get("idempotency_key")) > 64 {
		return linkfin.Errorf(linkfin.EINVALID, "the form's key is too long")
	}
	return nil
}

// done sends the browser on after a form did what it asked (303: a reload does not post
// it again).
// actInto runs a command as act does and reads its answer into a T.
func actInto[T any](c *Console, ctx context.Context, p *Person, form url.Values, cmd linkfin.Command) (*T, error) {
	out, err := c.act(ctx, p, form, cmd)
	if err != nil {
		return nil, err
	}
	v := new(T)
	return v, json.Unmarshal(out, v)
}

func done(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// doneCookie carries what a form did to the page the browser is sent to next.
const doneCookie = "linkfin_done"

// doneWith answers a form that did what it asked as done does, sending the browser to
// the form's page, with the query of the form's address (so that a reload, or the back button, does not send the form
// again), and has that page say once what the form did (words, in the person's
// language). The words wait in a cookie, sealed with the session's form token: a
// cookie that another site, or another session, set puts no words in the page.
func (c *Console) doneWith(w http.ResponseWriter, r *http.Request, p *Person, words string) {
	http.SetCookie(w, &http.Cookie{Name: doneCookie, Value: sealDone(p, words), Path: "/", MaxAge: 300, HttpOnly: true,
		Secure: c.secure(r), SameSite: http.SameSiteStrictMode})
	to := c.pagePath(r)
	if r.URL.RawQuery != "" {
		to += "?" + r.URL.RawQuery // the form's address keeps its page's filters
	}
	done(w, r, to)
}

// sealDone is words as a cookie's value: base64, a dot, and their MAC under the
// session's form token.
func sealDone(p *Person, words string) string {
	m := hmac.New(sha256.New, []byte(p.CSRF))
	m.Write([]byte(words))
	return base64.RawURLEncoding.EncodeToString([]byte(words)) + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// takeDone is what the last form of the person's did, where r carries it sealed for
// the person, and forgets it: the page says it once. "" for none.
func (c *Console) takeDone(w http.ResponseWriter, r *http.Request, p *Person) string {
	ck, err := r.Cookie(doneCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: doneCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: c.secure(r),
		SameSite: http.SameSiteStrictMode})
	text, _, _ := strings.Cut(ck.Value, ".")
	words, err := base64.RawURLEncoding.DecodeString(text)
	if err != nil || p == nil || !hmac.Equal([]byte(sealDone(p, string(words))), []byte(ck.Value)) {
		return ""
	}
	return string(words)
}

// uploaded reads the file a form uploads as its document (what, for the message when
// there is none), and returns it with the form that names it by its digest: the
// request is the document, so the same file sent again is one request.
func uploaded(r *http.Request, what string) ([]byte, url.Values, error) {
	f, _, err := r.FormFile("document")
	if err != nil {
		return nil, nil, linkfin.Errorf(linkfin.EINVALID, "choose %s to upload", what)
	}
	defer f.Close()
	body, err := io.ReadAll(f)
	if err != nil {
		return nil, nil, linkfin.Errorf(linkfin.EINVALID, "the file could not be read")
	}
	form := url.Values{}
	for k, v := range r.PostForm {
		form[k] = v
	}
	sum := sha256.Sum256(body)
	form.Set("document", hex.EncodeToString(sum[:]))
	return body, form, nil
}
