package engine

import (
	"context"
	"encoding/json"
	"fmt"

	"linkfin"
	"linkfin/ledger"
)

// answers are the idempotent answers a batch saves.
type answers struct {
	byKey map[string]linkfin.IdempotencyRecord // whole, as memory keeps them
	saved []linkfin.IdempotencyRecord          // as the store keeps them
}

// executeAll runs the batch in memory: the pending transfers due expire, then each
// request runs in turn, or gets the answer saved under its idempotency key. The log
// vouches for every answer the batch saves: a stored answer that was edited no longer
// matches it.
func (e *Engine) executeAll(calls []*call, due []int64) answers {
	for _, id := range due {
		e.state.Expire(id)
	}
	a := answers{byKey: make(map[string]linkfin.IdempotencyRecord)}
	for _, c := range calls {
		r := c.req
		if r.IdempotencyKey != "" {
			rec, ok := a.byKey[r.IdempotencyKey]
			if !ok {
				rec, ok = e.idem[r.IdempotencyKey]
			}
			if ok {
				c.resp, c.err = replay(rec, r.Hash, r.FormerHash)
				continue
			}
		}
		c.resp = e.execute(r)
		if r.IdempotencyKey != "" {
			body := appendAnswer(nil, c.resp, false)
			rec := linkfin.IdempotencyRecord{Key: r.IdempotencyKey, RequestHash: r.Hash, Response: body, Time: e.state.Now()}
			a.byKey[r.IdempotencyKey] = rec
			// Memory keeps the whole answer; the store, the answer without the values
			// the log holds.
			rec.Response = storedAnswer(c.resp, body)
			a.saved = append(a.saved, rec)
		}
	}
	if len(a.saved) > 0 {
		e.state.Emit(linkfin.EventAnswersSaved, e.state.Tick(), linkfin.AnswersData(a.saved))
	}
	return a
}

// execute applies one request to the state.
func (e *Engine) execute(r *Request) *Response {
	resp := &Response{}
	if len(r.CreateAccounts) > 0 {
		for i, res := range e.state.CreateAccountsFenced(r.CreateAccounts, r.Fence) {
			resp.Results = append(resp.Results, res)
			var ts int64
			if a := e.state.Account(r.CreateAccounts[i].ID); a != nil && (res == ledger.OK || res == ledger.Exists) {
				ts = a.Timestamp
			}
			resp.Timestamps = append(resp.Timestamps, ts)
		}
	}
	if len(r.CreateTransfers) > 0 {
		for i, res := range e.state.CreateTransfersFenced(r.CreateTransfers, r.Fence) {
			resp.Results = append(resp.Results, res)
			var ts int64
			if t := e.state.Transfer(r.CreateTransfers[i].ID); t != nil && (res == ledger.OK || res == ledger.Exists) {
				ts = t.Timestamp
				if len(r.CreateTransfers) == 1 {
					held := *t
					resp.Transfer = &held
				}
			}
			resp.Timestamps = append(resp.Timestamps, ts)
		}
	}
	for _, id := range r.CloseAccounts {
		resp.Results = append(resp.Results, e.state.CloseAccountFenced(id, r.Fence))
		resp.Timestamps = append(resp.Timestamps, 0)
	}
	for _, c := range r.Commands {
		out, stale := e.runCommand(c, e.state.Now())
		if stale {
			// An earlier command of the batch changed what this one worked out its
			// records from: it is planned again from the records as they now stand, and
			// run again, once. Still stale, it answers the conflict it met.
			if err := e.replan(context.Background(), c); err != nil {
				e.cfg.Logger.Error("plan a command again", "err", err)
			} else {
				out, _ = e.runCommand(c, e.state.Now())
			}
		}
		resp.Outcomes = append(resp.Outcomes, out)
	}
	return resp
}

// replay answers a request under a key already used with the answer kept, if the
// answer was kept for the same request: its hash is the request's hash, or the hash
// an earlier linkfin made of it (former, if any).
func replay(rec linkfin.IdempotencyRecord, hash, former []byte) (*Response, error) {
	if string(rec.RequestHash) != string(hash) && (len(former) == 0 || string(rec.RequestHash) != string(former)) {
		return nil, linkfin.Errorf(EIDEMPOTENCY, "this idempotency key was already used with a different request")
	}
	var resp Response
	if err := json.Unmarshal(rec.Response, &resp); err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	resp.Replayed = true
	return &resp, nil
}
