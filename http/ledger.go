package http

import (
	"bytes"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"time"

	"linkfin"
	"linkfin/engine"
	"linkfin/ledger"
	"linkfin/services"
)

var accountFlagNames = []struct {
	name string
	flag ledger.AccountFlags
}{
	{"debits_must_not_exceed_credits", ledger.DebitsMustNotExceedCredits},
	{"credits_must_not_exceed_debits", ledger.CreditsMustNotExceedDebits},
	{"closed", ledger.Closed},
}

var transferFlagNames = []struct {
	name string
	flag ledger.TransferFlags
}{
	{"linked", ledger.Linked},
	{"pending", ledger.Pending},
	{"post_pending", ledger.PostPending},
	{"void_pending", ledger.VoidPending},
}

func toAccount(a *ledger.Account) linkfin.Account {
	out := linkfin.Account{ID: linkfin.ID(a.ID), Ledger: a.Ledger, Currency: a.Currency, Code: a.Code, Flags: []string{},
		DebitsPending: linkfin.StringInt(a.DebitsPending), DebitsPosted: linkfin.StringInt(a.DebitsPosted),
		CreditsPending: linkfin.StringInt(a.CreditsPending), CreditsPosted: linkfin.StringInt(a.CreditsPosted), CreatedAt: rfc3339(a.Timestamp)}
	for _, f := range accountFlagNames {
		if a.Flags&f.flag != 0 {
			out.Flags = append(out.Flags, f.name)
		}
	}
	return out
}

func ledgerAccount(in *linkfin.AccountIn) (ledger.Account, error) {
	a := ledger.Account{ID: int64(in.ID), Ledger: in.Ledger, Currency: in.Currency, Code: in.Code}
	if in.ID == 0 {
		return a, linkfin.Errorf(linkfin.EINVALID, "id is required")
	}
	if _, err := linkfin.ParseCurrency(in.Currency); err != nil {
		return a, err // an ISO 4217 code in use, not merely three capitals
	}
flags:
	for _, name := range in.Flags {
		for _, f := range accountFlagNames[:2] {
			if f.name == name {
				a.Flags |= f.flag
				continue flags
			}
		}
		return a, linkfin.Errorf(linkfin.EINVALID, "unknown account flag %q", name)
	}
	return a, nil
}

func toTransfer(t *ledger.Transfer) linkfin.Transfer {
	out := linkfin.Transfer{ID: linkfin.ID(t.ID), DebitAccountID: linkfin.ID(t.DebitAccountID), CreditAccountID: linkfin.ID(t.CreditAccountID),
		Amount: t.Amount, Ledger: t.Ledger, Currency: t.Currency, Code: t.Code, Flags: []string{},
		Timeout: t.Timeout, CreatedAt: rfc3339(t.Timestamp)}
	if t.PendingID != 0 {
		p := linkfin.ID(t.PendingID)
		out.PendingID = &p
	}
	for _, f := range transferFlagNames {
		if t.Flags&f.flag != 0 {
			out.Flags = append(out.Flags, f.name)
		}
	}
	return out
}

func ledgerTransfer(in *linkfin.TransferIn) (ledger.Transfer, error) {
	t := ledger.Transfer{ID: int64(in.ID), DebitAccountID: int64(in.DebitAccountID), CreditAccountID: int64(in.CreditAccountID),
		Amount: in.Amount, PendingID: int64(in.PendingID), Ledger: in.Ledger, Currency: in.Currency, Code: in.Code, Timeout: in.Timeout}
	if in.ID == 0 {
		return t, linkfin.Errorf(linkfin.EINVALID, "id is required")
	}
	if in.ID >= linkfin.ReservedLedgerIDs {
		return t, linkfin.Errorf(EIDRESERVED, "transfer ids from 2^62 (%d) up are reserved for the transfers of financings", int64(linkfin.ReservedLedgerIDs))
	}
	if in.PendingID >= linkfin.ReservedLedgerIDs {
		// A financing's holds, a conditional payment's lock: the commands that made
		// them post and void them, with their records, and answer in their words. One
		// resolved behind their back would leave them to meet the ledger's refusal.
		return t, linkfin.Errorf(EIDRESERVED, "pending transfers from 2^62 (%d) up are the platform's: the financing or conditional payment "+
			"that holds them posts and voids them", int64(linkfin.ReservedLedgerIDs))
	}
	if in.Currency != "" {
		// An ISO 4217 code in use, refused before the request runs, as an account's is
		// (a post or void of a pending transfer may leave it out).
		if _, err := linkfin.ParseCurrency(in.Currency); err != nil {
			return t, err
		}
	}
flags:
	for _, name := range in.Flags {
		for _, f := range transferFlagNames {
			if f.name == name {
				t.Flags |= f.flag
				continue flags
			}
		}
		return t, linkfin.Errorf(linkfin.EINVALID, "unknown transfer flag %q", name)
	}
	return t, nil
}

func rfc3339(ns int64) string {
	if ns == 0 {
		return ""
	}
	return time.Unix(0, ns).UTC().Format(time.RFC3339Nano)
}

// isArray tells a batch (a JSON array) from a single object.
func isArray(body []byte) bool {
	b := bytes.TrimLeft(body, " \t\r\n")
	return len(b) > 0 && b[0] == '['
}

// oneOrMany reads a body that is one object or an array of up to 8,192, and converts
// each with conv. batch tells which form the caller used; form is the body by what it
// says, for its fingerprint (decodedForm).
func oneOrMany[In, Out any](w http.ResponseWriter, r *http.Request, what string, conv func(*In) (Out, error)) (body, form []byte, out []Out, batch bool, err error) {
	if body, err = readBody(w, r, mediaJSON); err != nil {
		return nil, nil, nil, false, err
	}
	var ins []In
	if batch = isArray(body); batch {
		err = decode(body, &ins)
	} else {
		ins = make([]In, 1)
		err = decode(body, &ins[0])
	}
	if err != nil {
		return nil, nil, nil, false, err
	}
	if batch {
		form = decodedForm(r, ins, nil)
	} else {
		form = decodedForm(r, &ins[0], nil)
	}
	if len(ins) == 0 || len(ins) > 8192 {
		return nil, nil, nil, false, linkfin.Errorf(linkfin.EINVALID, "a batch holds 1 to 8192 %s", what)
	}
	out = make([]Out, len(ins))
	for i := range ins {
		if out[i], err = conv(&ins[i]); err != nil {
			return nil, nil, nil, false, err
		}
	}
	return body, form, out, batch, nil
}

func (s *Server) createAccounts(w http.ResponseWriter, r *http.Request) {
	body, form, accounts, batch, err := oneOrMany(w, r, "accounts", ledgerAccount)
	if err != nil {
		writeError(w, r, err)
		return
	}
	s.submit(w, r, body, form, &engine.Request{CreateAccounts: accounts, Fence: services.PlatformLedger}, func(resp *engine.Response) (int, any, error) {
		if batch {
			return http.StatusOK, map[string]any{"results": itemResults(resp, func(i int) int64 { return accounts[i].ID })}, nil
		}
		return single(resp.Results[0], func() (any, error) {
			a, err := s.Engine.Account(r.Context(), accounts[0].ID)
			if err != nil {
				return nil, err
			}
			return toAccount(a), nil
		})
	})
}

func (s *Server) createTransfers(w http.ResponseWriter, r *http.Request) {
	body, form, transfers, batch, err := oneOrMany(w, r, "transfers", ledgerTransfer)
	if err != nil {
		writeError(w, r, err)
		return
	}
	s.submit(w, r, body, form, &engine.Request{CreateTransfers: transfers, Fence: services.PlatformLedger}, func(resp *engine.Response) (int, any, error) {
		if batch {
			return http.StatusOK, map[string]any{"results": itemResults(resp, func(i int) int64 { return transfers[i].ID })}, nil
		}
		return single(resp.Results[0], func() (any, error) {
			if resp.Transfer != nil {
				return toTransfer(resp.Transfer), nil
			}
			// A request answered again from its idempotency record: the ledger's copy.
			t, err := s.Store.Transfer(r.Context(), transfers[0].ID)
			if err != nil {
				return nil, err
			}
			return toTransfer(t), nil
		})
	})
}

func itemResults(resp *engine.Response, id func(int) int64) []linkfin.ItemResult {
	out := make([]linkfin.ItemResult, len(resp.Results))
	for i, res := range resp.Results {
		out[i] = linkfin.ItemResult{Index: i, ID: linkfin.ID(id(i)), Result: string(res), CreatedAt: rfc3339(resp.Timestamps[i])}
	}
	return out
}

// single answers a one-item request: 201 with the object read when created, 200 when
// it already existed with the same fields, otherwise a problem with the result as code.
func single(res ledger.Result, read func() (any, error)) (int, any, error) {
	status := http.StatusCreated
	switch res {
	case ledger.OK:
	case ledger.Exists:
		status = http.StatusOK
	default:
		return 0, nil, linkfin.Errorf(string(res), "%s", resultMessage(res))
	}
	v, err := read()
	return status, v, err
}

func resultMessage(res ledger.Result) string {
	switch res {
	case ledger.ExistsWithDifferentFields:
		return "an object with this id exists with different fields"
	case ledger.ExceedsCredits:
		return "the debit account's debits would exceed its credits"
	case ledger.ExceedsDebits:
		return "the credit account's credits would exceed its debits"
	case ledger.LedgerReserved:
		return "the ledgers of the platform's currencies (ISO 4217 numeric codes: 156 for CNY, 840 for USD, ...) hold its accounts, " +
			"which only its commands move, open and close: the raw ledger uses other ledgers"
	}
	return "the request was refused: " + string(res)
}

func (s *Server) closeAccount(w http.ResponseWriter, r *http.Request) {
	id, err := decimal("id", r.PathValue("id"), 1, math.MaxInt64)
	if err == nil {
		_, err = emptyBody(w, r)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	s.submit(w, r, nil, nil, &engine.Request{CloseAccounts: []int64{id}, Fence: services.PlatformLedger}, func(resp *engine.Response) (int, any, error) {
		switch res := resp.Results[0]; res {
		case ledger.OK:
		case ledger.AccountNotFound:
			return 0, nil, linkfin.Errorf(linkfin.ENOTFOUND, "account %d not found", id)
		default:
			return 0, nil, linkfin.Errorf(string(res), "%s", resultMessage(res))
		}
		a, err := s.Engine.Account(r.Context(), id)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, toAccount(a), nil
	})
}

// ledgerRoutes registers the raw ledger, for operator keys alone to write; an
// organization reads its own wallets and their transfers.
func (s *Server) ledgerRoutes() {
	acc, tr := reflect.TypeFor[linkfin.Account](), reflect.TypeFor[linkfin.Transfer]()
	s.handle(Route{Pattern: "POST /v1/accounts", Access: Operator, Status: http.StatusCreated, In: reflect.TypeFor[linkfin.AccountIn](), Out: acc,
		Summary: "Create a ledger account, or a batch (a JSON array: the answer is the results, one per item). The ledgers of the platform's " +
			"currencies (their ISO 4217 numeric codes: 156, 840, ...) are its own: an account on one is refused, 422 ledger_reserved."}, s.createAccounts)
	s.handle(Route{Pattern: "GET /v1/accounts", Access: AnyKey, Out: acc, List: true, Query: pageQuery,
		Summary: "List ledger accounts (an organization: its wallets)."}, s.listAccounts)
	s.handle(Route{Pattern: "GET /v1/accounts/{id}", Access: AnyKey, Out: acc, Summary: "Get a ledger account."}, s.getAccount)
	s.handle(Route{Pattern: "POST /v1/accounts/{id}/close", Access: Operator, Out: acc, Summary: "Close a ledger account; one on the platform's ledgers (an organization's wallet, a program's limit) " +
		"is refused, 422 ledger_reserved."}, s.closeAccount)
	s.handle(Route{Pattern: "GET /v1/accounts/{id}/transfers", Access: AnyKey, Out: tr, List: true, Query: pageQuery,
		Summary: "List an account's transfers, newest first."}, s.listAccountTransfers)
	s.handle(Route{Pattern: "POST /v1/transfers", Access: Operator, Money: true, Status: http.StatusCreated, In: reflect.TypeFor[linkfin.TransferIn](), Out: tr,
		Summary: "Create a ledger transfer, or a batch (a JSON array: the answer is the results, one per item). Ids from 2^62 up " +
			"are the platform's: a transfer of one, or that posts or voids a pending transfer of one, is refused, 422 id_reserved. So are " +
			"its ledgers (156, 840, ...): a transfer on one, touching an account on one, or that posts or voids a pending transfer on one, " +
			"is refused, 422 ledger_reserved."}, s.createTransfers)
	s.handle(Route{Pattern: "GET /v1/transfers/{id}", Access: AnyKey, Out: tr, Summary: "Get a ledger transfer."}, s.getTransfer)
	s.handle(Route{Pattern: "GET /v1/ledger/trial-balance", Access: Operator, Out: reflect.TypeFor[linkfin.TrialBalance](),
		Summary: "Debits and credits per ledger; every ledger balances."}, s.trialBalance)
}

// account reads a ledger account the principal sees (services.Account).
func (s *Server) account(r *http.Request, raw string) (*ledger.Account, error) {
	id, err := decimal("id", raw, 1, math.MaxInt64)
	if err != nil {
		return nil, err
	}
	return services.Account(r.Context(), s.Engine, principalOf(r).viewer(), id)
}

func (s *Server) getAccount(w http.ResponseWriter, r *http.Request) {
	a, err := s.account(r, r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAccount(a))
}

// decimal reads the integer parameter name, of the path or of the query, from v: a
// number from lo to hi in its one spelling, decimal digits without a sign or a leading
// zero (linkfin.ParseDecimal). Anything else ("+4", "04", " 4") answers 400 invalid
// naming the parameter: every integer the API reads from a path or a query is read
// here, so that no number has a second spelling anywhere.
func decimal(name, v string, lo, hi int64) (int64, error) {
	n, ok := linkfin.ParseDecimal(v, lo, hi)
	if !ok {
		if len(v) > 40 {
			v = v[:40] + "…"
		}
		return 0, linkfin.Errorf(linkfin.EINVALID, "%s must be a decimal integer from %d to %d, without a sign or leading zeros: %q is not", name, lo, hi, v)
	}
	return n, nil
}

// pageLimit reads ?limit= (1–1000, default 100).
func pageLimit(r *http.Request) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return 100, nil
	}
	limit, err := decimal("limit", v, 1, 1000)
	return int(limit), err
}

// page reads ?limit= and a numeric ?after= cursor.
func page(r *http.Request) (limit int, after int64, err error) {
	if limit, err = pageLimit(r); err != nil {
		return 0, 0, err
	}
	if v := r.URL.Query().Get("after"); v != "" {
		if after, err = decimal("after", v, 0, math.MaxInt64); err != nil {
			return 0, 0, err
		}
	}
	return limit, after, nil
}

func (s *Server) listAccounts(w http.ResponseWriter, r *http.Request) {
	limit, after, err := page(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	as, err := services.ListAccounts(r.Context(), s.Engine, principalOf(r).viewer(), after, limit)
	if err != nil {
		writeError(w, r, err)
		return
	}
	out := linkfin.List[linkfin.Account]{Data: make([]linkfin.Account, len(as))}
	for i := range as {
		out.Data[i] = toAccount(&as[i])
	}
	if len(as) == limit {
		out.NextCursor = strconv.FormatInt(as[len(as)-1].ID, 10)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) listAccountTransfers(w http.ResponseWriter, r *http.Request) {
	limit, after, err := page(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	a, err := s.account(r, r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	ts, next, err := s.Engine.AccountTransfers(r.Context(), a.ID, after, limit)
	if err != nil {
		writeError(w, r, err)
		return
	}
	out := linkfin.List[linkfin.Transfer]{Data: make([]linkfin.Transfer, len(ts))}
	for i := range ts {
		out.Data[i] = toTransfer(&ts[i])
	}
	if next != 0 {
		out.NextCursor = strconv.FormatInt(next, 10)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getTransfer(w http.ResponseWriter, r *http.Request) {
	id, err := decimal("id", r.PathValue("id"), 1, math.MaxInt64)
	if err != nil {
		writeError(w, r, err)
		return
	}
	t, err := s.Store.Transfer(r.Context(), id)
	if err == nil {
		err = services.SeesTransfer(r.Context(), s.Engine, principalOf(r).viewer(), t)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	out := toTransfer(t)
	if t.Flags&ledger.Pending != 0 {
		p, err := s.Store.PendingStatus(r.Context(), id)
		if err != nil {
			writeError(w, r, err)
			return
		}
		out.Status = p.Status.String()
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) trialBalance(w http.ResponseWriter, r *http.Request) {
	c := ledger.NewChecker()
	if err := s.Engine.ScanAccounts(r.Context(), func(a *ledger.Account) error { c.Add(a); return nil }); err != nil {
		writeError(w, r, err)
		return
	}
	out := linkfin.TrialBalance{Ledgers: []linkfin.TrialBalanceLine{}, Problems: c.Problems()}
	out.Balanced = len(out.Problems) == 0
	for _, b := range c.Totals() {
		out.Ledgers = append(out.Ledgers, linkfin.TrialBalanceLine{Ledger: b.Ledger, Currency: b.Currency,
			DebitsPending: b.DebitsPending.String(), DebitsPosted: b.DebitsPosted.String(),
			CreditsPending: b.CreditsPending.String(), CreditsPosted: b.CreditsPosted.String()})
	}
	if out.Problems == nil {
		out.Problems = []string{}
	}
	writeJSON(w, http.StatusOK, out)
}
