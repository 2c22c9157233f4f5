package console

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	sumtlog "golang.org/x/mod/sumdb/tlog"

	"linkfin"
	"linkfin/engine"
	"linkfin/services"
)

// proofOf reads the proof an event's page shows: the leaf hash, the proof's hashes and
// the root and size of the checkpoint.
func proofOf(t *testing.T, page string) (leaf sumtlog.Hash, proof sumtlog.RecordProof, root sumtlog.Hash, size int64) {
	t.Helper()
	page = html.UnescapeString(page)
	hash := func(s string) sumtlog.Hash {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(b) != sumtlog.HashSize {
			t.Fatalf("a hash on the page: %q", s)
		}
		return sumtlog.Hash(b)
	}
	find := func(re string) string {
		m := regexp.MustCompile(re).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no %s on the page:\n%s", re, page)
		}
		return m[1]
	}
	leaf, root = hash(find(`<code id="leaf">([^<]+)</code>`)), hash(find(`<code id="root">([^<]+)</code>`))
	size, _ = strconv.ParseInt(find(`data-size="(\d+)"`), 10, 64)
	for _, m := range regexp.MustCompile(`<code class="hash">([^<]+)</code>`).FindAllStringSubmatch(page, -1) {
		proof = append(proof, hash(m[1]))
	}
	return
}

// The audit page shows the log's latest signed checkpoint and its public key; an
// event's page shows it with a proof of its inclusion in that checkpoint, to those who
// may read the event alone.
func TestAuditPages(t *testing.T) {
	s := newSite(t)
	s.run(&services.ApproveInvoice{Actor: "anchor", ID: "inv-1"})
	ctx := context.Background()
	tier1 := s.as("tier1", linkfin.RoleViewer)
	head, _ := s.store.Head(ctx) // signing in logged its session
	key, _ := s.store.Meta(ctx, linkfin.MetaLogKey)
	code, page := tier1.get("/audit")
	page = html.UnescapeString(page)
	root := base64.StdEncoding.EncodeToString(head.Last.Hash)
	if code != http.StatusOK || !strings.Contains(page, `<dd id="size">`+strconv.FormatInt(head.Last.Size, 10)+`</dd>`) ||
		!strings.Contains(page, `<code id="root">`+root+`</code>`) || !strings.Contains(page, `<code id="key">`+key+`</code>`) ||
		!strings.Contains(page, string(head.Last.Note)) {
		t.Fatalf("the audit page: %d\n%s", code, page)
	}

	evs, _ := s.store.RecordEvents(ctx, linkfin.KindInvoice, "inv-1", -1, 10)
	approved := evs[len(evs)-1]
	path := "/audit/events/" + strconv.FormatInt(approved.Seq, 10)
	code, page = tier1.get(path)
	if code != http.StatusOK || !strings.Contains(page, "approved by the buyer") || !strings.Contains(page, `href="/invoices/inv-1"`) {
		t.Fatalf("the event's page: %d\n%s", code, page)
	}
	leaf, proof, got, size := proofOf(t, page)
	if leaf != sumtlog.RecordHash(approved.Record()) || size != head.Last.Size || base64.StdEncoding.EncodeToString(got[:]) != root {
		t.Fatalf("the page proves leaf %v in tree %d of root %v", leaf, size, got)
	}
	if err := sumtlog.CheckRecord(proof, size, got, approved.Seq, leaf); err != nil {
		t.Fatalf("the page's proof does not hold: %v", err)
	}
	// The data shown is the data hashed.
	if !strings.Contains(html.UnescapeString(page), `<pre class="note" id="data">`+string(approved.Data)+`</pre>`) {
		t.Fatalf("the page does not show the event's data as logged:\n%s", page)
	}

	// A stranger to the invoice does not see the event; the operator does.
	if code, _ := s.as("bank", linkfin.RoleAdmin).get(path); code != http.StatusNotFound {
		t.Fatalf("a stranger reads the event: %d", code)
	}
	if code, _ := s.as("", linkfin.RoleOperator).get(path); code != http.StatusOK {
		t.Fatalf("the operator reads the event: %d", code)
	}
	for _, p := range []string{"/audit/events/x", "/audit/events/" + strconv.FormatInt(head.Last.Size, 10)} {
		if code, _ := tier1.get(p); code != http.StatusNotFound {
			t.Fatalf("%s: %d", p, code)
		}
	}
	// The audit page's form goes to the event.
	if code, _ := tier1.get("/audit/event?seq=" + strconv.FormatInt(approved.Seq, 10)); code != http.StatusSeeOther {
		t.Fatalf("looking up an event: %d", code)
	}
	if code, _ := tier1.get("/audit/event?seq=-1"); code != http.StatusBadRequest {
		t.Fatalf("looking up event -1: %d", code)
	}
}

// An event's page checks its inclusion proof in the browser: a real proof is
// verified; the same page with the event's data or one of the proof's hashes changed
// does not match.
func TestAuditProofCheckedInBrowser(t *testing.T) {
	s := newSite(t)
	s.run(&services.ApproveInvoice{Actor: "anchor", ID: "inv-1"})
	evs, _ := s.store.RecordEvents(context.Background(), linkfin.KindInvoice, "inv-1", -1, 10)
	seq := strconv.FormatInt(evs[len(evs)-1].Seq, 10)

	j := s.signIn(t, "tier1", linkfin.RoleViewer, Chinese)
	j.open("/audit")
	j.shot("checkpoint")
	j.open("/audit/events/" + seq)
	verified, mismatch := Chinese.T("audit.verified"), Chinese.T("audit.mismatch")
	// status waits for the page's check to give its answer.
	status := func() string {
		t.Helper()
		for i := 0; i < 200; i++ {
			if got := j.text("#check"); got == verified || got == mismatch {
				return got
			}
			j.do(chromedp.Sleep(25e6))
		}
		t.Fatalf("the page never checked the proof: %q", j.text("#check"))
		return ""
	}
	if got := status(); got != verified {
		t.Fatalf("a real proof: %q", got)
	}
	j.shot("verified")
	// Every event of the record, each at another place in the tree.
	for _, e := range evs {
		j.open("/audit/events/" + strconv.FormatInt(e.Seq, 10))
		if got := status(); got != verified {
			t.Fatalf("event %d's proof: %q", e.Seq, got)
		}
	}
	for _, tamper := range []string{
		// The data as shown, one character changed.
		`(() => { const d = document.getElementById("data"); d.textContent = d.textContent.replace("approved", "disputed"); })()`,
		// One hash of the proof, one byte changed.
		`(() => { const c = document.querySelector("code.hash"); const b = atob(c.textContent); c.textContent = btoa(String.fromCharCode(b.charCodeAt(0) ^ 1) + b.slice(1)); })()`,
	} {
		j.open("/audit/events/" + seq)
		if got := status(); got != verified {
			t.Fatalf("a real proof: %q", got)
		}
		j.do(chromedp.Evaluate[chromedp.Void](tamper),
			chromedp.Evaluate[chromedp.Void](`document.getElementById("check").textContent = ""`),
			chromedp.Click(chromedp.CSS("#recheck")))
		if got := status(); got != mismatch {
			t.Fatalf("after %s: %q", tamper, got)
		}
	}
	j.shot("mismatch")
}

// The operator runs the check linkfin verify runs from the audit page; its outcome —
// when, sound or not, what it checked — is recorded and shown there. No one else
// runs it or reads it.
func TestOperatorVerifies(t *testing.T) {
	s := newSite(t)
	op := s.as("", linkfin.RoleOperator)
	_, page := op.get("/audit")
	if !strings.Contains(page, "not been verified yet") || !strings.Contains(page, `action="/audit/verify"`) {
		t.Fatalf("the operator's audit page before any verification:\n%s", page)
	}
	tier1 := s.as("tier1", linkfin.RoleAdmin)
	_, tpage := tier1.get("/audit")
	if strings.Contains(tpage, "/audit/verify") || strings.Contains(tpage, `id="verified"`) {
		t.Fatal("an organization is offered the platform's verification")
	}
	if code, body := tier1.post("/audit/verify", url.Values{"csrf": {hidden(tpage, "csrf")}, "idempotency_key": {"v-1"}}); code != http.StatusForbidden || !strings.Contains(body, "<code>forbidden</code>") {
		t.Fatalf("an organization verifies: %d\n%s", code, body)
	}
	head, _ := s.store.Head(context.Background())
	if code, body := op.post("/audit/verify", url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}}); code != http.StatusSeeOther {
		t.Fatalf("verify: %d\n%s", code, body)
	}
	s.pages.background.Wait() // it runs apart from the request
	var last services.Verification
	o, err := s.store.Object(context.Background(), services.KindVerification, "last")
	if err != nil {
		t.Fatalf("no verification recorded: %v", err)
	}
	json.Unmarshal(o.Data, &last)
	if !last.OK || last.Events < head.Size || last.By != "console" {
		t.Fatalf("the verification recorded: %+v (the log had %d events)", last, head.Size)
	}
	_, page = op.get("/audit")
	for _, want := range []string{"Sound: the log re-hashes", Moment(English, last.At), English.T("audit.verify_counts", last.Events, last.Checkpoints, last.Accounts, last.Transfers, last.Records, last.Answers), last.Root} {
		if !strings.Contains(html.UnescapeString(page), want) {
			t.Errorf("the audit page lacks %q:\n%s", want, page)
		}
	}
	// A failed one says so, with its problems.
	bad := last
	bad.OK, bad.By, bad.ProblemCount, bad.Problems = false, "cli", 1, []string{"first bad entry: event 3 does not match the hash the log recorded for it"}
	s.run(&services.RecordVerification{Result: bad})
	_, page = op.get("/audit")
	if !strings.Contains(page, "Failed: 1 problem(s) found.") || !strings.Contains(page, "event 3 does not match") || !strings.Contains(page, "run with linkfin verify") {
		t.Fatalf("a failed verification:\n%s", page)
	}
}

// A verification runs apart from the request that starts it (it outlasts the server's
// write timeout on a large database): while one runs, the operator's audit page says so,
// since when (by the platform's clock) and started by whom, offers no second, and a
// request to start one starts nothing; one that could not be done says why, until the
// next starts.
func TestVerificationRuns(t *testing.T) {
	s := newSite(t)
	// Started at 17:00 UTC by the platform's clock, a verification started at 01:00 the
	// next day in China Standard Time, whatever the server's own clock says.
	now := s.clock.Now()
	s.clock.Advance(time.Date(now.Year(), now.Month(), now.Day(), 17, 0, 0, 0, time.UTC).Sub(now))
	started := "started " + Date(English, linkfin.DateOf(now).AddDays(1)) + " 01:00:00 China Standard Time by Li Lei"
	op := s.as("", linkfin.RoleOperator)
	_, page := op.get("/audit")
	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}}
	long := url.Values{"csrf": form["csrf"], "idempotency_key": {strings.Repeat("k", 65)}}
	if code, body := op.post("/audit/verify", long); code != http.StatusBadRequest || !strings.Contains(body, "<code>invalid</code>") {
		t.Fatalf("verify with a form key too long: %d\n%s", code, body)
	}
	s.pages.background.Wait()
	if _, page = op.get("/audit"); strings.Contains(page, `id="verify-cut"`) || strings.Contains(page, `id="verify-result"`) {
		t.Fatalf("a refused request started a verification:\n%s", page)
	}
	if !s.pages.verifying.start("Li Lei") {
		t.Fatal("a verification runs before any started")
	}
	_, page = op.get("/audit")
	if !strings.Contains(page, `id="verifying"`) || !strings.Contains(html.UnescapeString(page), started) ||
		strings.Contains(page, `action="/audit/verify"`) {
		t.Fatalf("the audit page while a verification runs does not say %q:\n%s", started, page)
	}
	if code, body := op.post("/audit/verify", form); code != http.StatusSeeOther {
		t.Fatalf("verify while one runs: %d\n%s", code, body)
	}
	s.pages.background.Wait()
	if _, err := s.store.Object(context.Background(), services.KindVerification, "last"); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		t.Fatalf("a second verification ran while one did: %v", err)
	}
	s.pages.verifying.end(linkfin.Errorf(engine.EUNAVAILABLE, "the store could not be read"))
	_, page = op.get("/audit")
	if !strings.Contains(page, `id="verify-cut"`) || !strings.Contains(page, "could not be done: the store could not be read") ||
		!strings.Contains(page, `action="/audit/verify"`) || strings.Contains(page, `id="verifying"`) {
		t.Fatalf("the audit page after a verification was cut short:\n%s", page)
	}
	if code, body := op.post("/audit/verify", form); code != http.StatusSeeOther {
		t.Fatalf("verify: %d\n%s", code, body)
	}
	s.pages.background.Wait()
	if _, err := s.store.Object(context.Background(), services.KindVerification, "last"); err != nil {
		t.Fatalf("no verification recorded: %v", err)
	}
	if _, page = op.get("/audit"); strings.Contains(page, `id="verify-cut"`) || !strings.Contains(page, `id="verify-result"`) {
		t.Fatalf("the audit page after a verification that was done:\n%s", page)
	}
}
