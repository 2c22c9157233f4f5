package console

import (
	"encoding/base64"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"
	sumtlog "golang.org/x/mod/sumdb/tlog"

	"linkfin"
	"linkfin/audit"
	"linkfin/services"
	"linkfin/tlog"
)

func init() { pageNames = append(pageNames, "audit", "audit_event") }

// checkpointView is the log's latest signed checkpoint and the key it is signed with,
// as GET /v1/audit/checkpoint and /v1/audit/public-key give them.
type checkpointView struct {
	// Verified is the platform's last verification, to the operator; nil before any.
	Verified *services.Verification
	// Running is the verification the console runs, to the operator; nil if none.
	// Failed is why the last one it ran could not be done.
	Running *running
	Failed  string
	Size    int64
	Root    string // base64, as the signed note writes it
	Note    string
	Time    int64
	Key     string // the log's public key (a note verifier key)
	Origin  string
}

// checkpoint reads the latest checkpoint and the log's key; nil before the log has one.
func (c *Console) checkpoint(r *http.Request) (*checkpointView, *linkfin.Checkpoint, error) {
	h, err := c.Store.Head(r.Context())
	if err != nil || h.Last == nil {
		return nil, nil, err
	}
	k, err := c.Store.Meta(r.Context(), linkfin.MetaLogKey)
	if err != nil {
		return nil, nil, err
	}
	cp := h.Last
	return &checkpointView{Size: cp.Size, Root: base64.StdEncoding.EncodeToString(cp.Hash), Note: string(cp.Note), Time: cp.Time,
		Key: k, Origin: c.Engine.Origin()}, cp, nil
}

// audit shows the log's current signed checkpoint and its public key: with them,
// anyone checks the log offline (linkfin verify, or the proofs of its events).
// The operator also sees the platform's last verification, and runs one.
func (c *Console) audit(w http.ResponseWriter, r *http.Request, p *Person) {
	v, _, err := c.checkpoint(r)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	if v != nil && p.Viewer.Operator {
		v.Running, v.Failed = c.verifying.state()
		var last services.Verification
		err := services.ReadAs(r.Context(), c.Store, p.Viewer, services.KindVerification, "last", &last)
		switch {
		case err == nil:
			v.Verified = &last
		case linkfin.ErrorCode(err) != linkfin.ENOTFOUND:
			c.fail(w, r, p, err)
			return
		}
	}
	c.render(w, r, http.StatusOK, "audit", "audit.title", p, v, "")
}

// verify starts the check linkfin verify runs (audit.Verify) on the platform's
// database, with the log's key, and records its outcome as the platform's last
// verification: the operator's alone. It runs apart from the request, which it
// answers at once: on a database of millions of events it takes minutes, longer than
// the server waits to write an answer. While it runs, the audit page says so and offers
// no second one; a request to start another then starts nothing.
func (c *Console) verify(w http.ResponseWriter, r *http.Request, p *Person) {
	if !p.Viewer.Operator {
		c.fail(w, r, p, linkfin.Errorf(linkfin.EFORBIDDEN, "the platform's operator verifies the platform"))
		return
	}
	if !p.CanAct() {
		c.fail(w, r, p, linkfin.Errorf(linkfin.EFORBIDDEN, "a viewer changes nothing"))
		return
	}
	// What the recording would refuse once the check has run is refused now.
	if err := checkFormKey(r.PostForm); err != nil {
		c.fail(w, r, p, err)
		return
	}
	key, err := c.Store.Meta(r.Context(), linkfin.MetaLogKey)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	verifier, err := note.NewVerifier(key)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	if c.verifying.start(p.Name) {
		form := maps.Clone(r.PostForm)
		ctx := c.lifetime // the request ends first; Close ends it
		c.background.Go(func() {
			rep, err := audit.Verify(ctx, c.Store, verifier, c.Engine.Origin())
			if err == nil {
				_, err = c.act(ctx, p, form, &services.RecordVerification{Result: VerificationOf(rep, "console")})
			}
			if err != nil {
				c.Logger.Error("console: verification", "err", err)
			}
			c.verifying.end(err)
		})
	}
	done(w, r, "/audit#verified")
}

// Close stops what the console runs apart from requests (a verification, which then
// records nothing) and waits for it to end: before the engine closes.
func (c *Console) Close() {
	c.stop()
	c.background.Wait()
}

// verifying is the console's verification while it runs, and how the last one ended
// if it could not be done.
type verifying struct {
	now    func() time.Time // the platform's clock (Console.now), which dates a start
	mu     sync.Mutex
	since  time.Time // zero when none runs
	by     string
	failed string // why the last one could not run to its end, until the next starts
}

// start marks a verification started by whom, now by the platform's clock, unless one
// runs: then it says false.
func (v *verifying) start(by string) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.since.IsZero() {
		return false
	}
	v.since, v.by, v.failed = v.now(), by, ""
	return true
}

// end marks the verification ended, with the error that cut it short.
func (v *verifying) end(err error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.since, v.by = time.Time{}, ""
	if err != nil {
		v.failed = linkfin.ErrorMessage(err)
	}
}

// running is the verification that runs (since when, started by whom), for the page;
// nil if none.
type running struct {
	Since int64 // Unix ns
	By    string
}

// state says what runs, and why the last one could not be done ("" if it was).
func (v *verifying) state() (*running, string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.since.IsZero() {
		return nil, v.failed
	}
	return &running{Since: v.since.UnixNano(), By: v.by}, v.failed
}

// eventView is one event with its inclusion proof in the latest checkpoint, which
// the page checks in the browser (static/audit.js).
type eventView struct {
	Event      linkfin.Event
	Record     string // the bytes hashed into the log (Event.Record), base64
	Leaf       string // their leaf hash, base64
	Proof      []string
	Checkpoint *checkpointView
	Link       string // the page of the record the event wrote, if the console has one
}

// recordPages are the console's pages of records, by kind.
var recordPages = map[string]string{
	linkfin.KindInvoice:          "/invoices/",
	linkfin.KindCertificate:      "/pieces/",
	linkfin.KindFinancing:        "/financings/",
	linkfin.KindWarehouseReceipt: "/receipts/",
	linkfin.KindPayable:          "/payables/",
}

// auditEvent shows an event and its inclusion proof to whoever may read the event:
// a party to its record, one who sees the record's history, or the operator
// (services.ReadsEvent, as GET /v1/audit/proof/{seq}); to anyone else it is not found.
func (c *Console) auditEvent(w http.ResponseWriter, r *http.Request, p *Person) {
	seq, err := strconv.ParseInt(r.PathValue("seq"), 10, 64)
	if err != nil || seq < 0 {
		c.fail(w, r, p, linkfin.Errorf(linkfin.ENOTFOUND, "event not found"))
		return
	}
	cv, cp, err := c.checkpoint(r)
	if err == nil && (cp == nil || seq >= cp.Size) {
		err = linkfin.Errorf(linkfin.ENOTFOUND, "event %d is not in the log's checkpoint", seq)
	}
	var evs []linkfin.Event
	if err == nil {
		evs, err = c.Store.Events(r.Context(), seq, 1)
	}
	if err == nil && len(evs) == 0 {
		err = linkfin.Errorf(linkfin.ENOTFOUND, "event %d not found", seq)
	}
	if err == nil {
		var reads bool
		if reads, err = services.ReadsEvent(r.Context(), c.Store, p.Viewer, &evs[0]); err == nil && !reads {
			err = linkfin.Errorf(linkfin.ENOTFOUND, "event %d not found", seq)
		}
	}
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	e := evs[0]
	t := tlog.Tree{Size: cp.Size}
	copy(t.Hash[:], cp.Hash)
	proof, err := tlog.InclusionProof(r.Context(), t, seq, tlog.StoredTiles(c.Store))
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	leaf := sumtlog.RecordHash(e.Record())
	v := eventView{Event: e, Record: base64.StdEncoding.EncodeToString(e.Record()), Leaf: base64.StdEncoding.EncodeToString(leaf[:]), Checkpoint: cv}
	for _, h := range proof {
		v.Proof = append(v.Proof, base64.StdEncoding.EncodeToString(h[:]))
	}
	if k, ok := linkfin.RecordOf(&e); ok && recordPages[k.Kind] != "" {
		v.Link = recordPages[k.Kind] + url.PathEscape(k.ID)
	}
	c.render(w, r, http.StatusOK, "audit_event", "audit.event_title", p, v, "")
}

// findEvent sends the audit page's "event number" form on to that event's page.
func (c *Console) findEvent(w http.ResponseWriter, r *http.Request, p *Person) {
	seq, err := strconv.ParseInt(typed(r.URL.Query().Get("seq")), 10, 64)
	if err != nil || seq < 0 {
		c.fail(w, r, p, linkfin.Errorf(linkfin.EINVALID, "an event's number is a whole number from 0"))
		return
	}
	http.Redirect(w, r, "/audit/events/"+strconv.FormatInt(seq, 10), http.StatusSeeOther)
}

// VerificationOf is a report of audit.Verify as the platform records it (by: where it
// ran, "console" or "cli").
func VerificationOf(rep *audit.Report, by string) services.Verification {
	return services.Verification{ID: "last", By: by, OK: rep.OK(), Events: rep.Events, Checkpoints: rep.Checkpoints,
		Accounts: rep.Accounts, Transfers: rep.Transfers, Records: rep.Records, Answers: rep.Answers,
		Root: base64.StdEncoding.EncodeToString(rep.Root[:]), ProblemCount: len(rep.Problems),
		Problems: rep.Problems[:min(len(rep.Problems), services.MaxVerificationProblems)]}
}
