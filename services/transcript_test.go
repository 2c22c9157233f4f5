package services_test

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"

	"linkfin"
	"linkfin/ledger"
	"linkfin/memtx"
	"linkfin/services"
)

// The domain's transcripts: each file in testdata/transcripts is the life of a product
// told as commands, run in memory on memtx (no store, no engine) with a clock that only
// the transcript moves. Under each command is what the domain did: the events it logged
// (type, record id and the fields that matter: on a new record its main fields, on a
// changed one the fields that changed), the ledger's movements between named accounts,
// and its answer or its refusal (code and message). A refused command must have logged
// nothing but the ledger's expiries (they run at the start of every batch); the test
// fails if it did.
//
// When the domain's behaviour changes on purpose, regenerate them with
//
//	go test ./services/ -run TestTranscripts -update
//
// and only after a person has read the diff: the transcripts are the record of what the
// domain does, and a rewrite that nobody read proves nothing.
var rewriteTranscripts = flag.Bool("update", false, "rewrite testdata/transcripts with what the domain does now (read the diff before committing it)")

func TestTranscripts(t *testing.T) {
	if *rewriteTranscripts {
		if err := flag.Set("rewrite", "true"); err != nil {
			t.Fatal(err)
		}
	}
	datadriven.Walk(t, "testdata/transcripts", func(t *testing.T, path string) {
		s := newScript(t)
		datadriven.RunTest(t, path, s.do)
	})
}

// The transcripts' verbs and the commands they run: the one place that names the
// domain's command types. A verb may run several commands (a relationship proposed and
// accepted); the first refusal stops it.
var verbs = map[string]func(s *script, a args) ([]linkfin.Command, error){
	"org": func(s *script, a args) ([]linkfin.Command, error) {
		var caps []linkfin.Capability
		for _, c := range a.list("caps") {
			caps = append(caps, linkfin.Capability(c))
		}
		id := a.str("id")
		// Each with a bank account, which its withdrawals over the bank rail pay into.
		acct := &linkfin.BankAccount{Account: "acct-" + id}
		return []linkfin.Command{&services.CreateOrganization{Org: linkfin.Organization{ID: id, Name: "Org " + id, Capabilities: caps, BankAccount: acct}}}, nil
	},
	// relate: the buyer proposes, the seller accepts.
	"relate": func(s *script, a args) ([]linkfin.Command, error) {
		buyer, seller := a.str("buyer"), a.str("seller")
		return []linkfin.Command{
			&services.ProposeRelationship{Actor: buyer, BuyerID: buyer, SellerID: seller},
			&services.AcceptRelationship{Actor: seller, BuyerID: buyer, SellerID: seller},
		}, nil
	},
	"program": func(s *script, a args) ([]linkfin.Command, error) {
		p := linkfin.Program{ID: a.str("id"), Name: "Program " + a.str("id"), Currency: "CNY", Limit: a.money("limit"),
			MaxTenorDays: a.int("tenor"), AdvanceRate: a.rate("advance", "0.8"), DayCount: linkfin.ACT360, Calendar: "CN",
			Tolerances:    linkfin.MatchTolerances{QuantityRate: a.rate("qty-tolerance", "0.02"), PriceRate: a.rate("price-tolerance", "0.01"), AmountAbs: 100_00},
			SupplierLimit: a.moneyOr("supplier-limit", 0), BuyBack: a.has("buy-back"),
			EarlyPaymentAPR: a.ratePtr("apr"), MarginCallLTV: a.ratePtr("margin-call"), LateRate: a.ratePtr("late-rate")}
		for _, pr := range a.list("products") {
			p.Products = append(p.Products, linkfin.Product(pr))
		}
		for _, act := range a.list("alert-actions") {
			p.AlertActions = append(p.AlertActions, linkfin.AlertAction(act))
		}
		return []linkfin.Command{&services.CreateProgram{Actor: a.str("anchor"), Program: p}}, nil
	},
	// fund: the anchor invites a funder at a fixed rate, and the funder accepts.
	"fund": func(s *script, a args) ([]linkfin.Command, error) {
		program, funder := a.str("program"), a.str("funder")
		var p linkfin.Program
		s.get(linkfin.KindProgram, program, &p)
		r := a.rate("rate", "")
		return []linkfin.Command{
			&services.InviteFunder{Actor: p.AnchorID, ProgramID: program, FunderID: funder, Limit: a.money("limit"), Pricing: linkfin.Pricing{FixedRate: &r}},
			&services.AcceptFunder{Actor: funder, ProgramID: program},
		}, nil
	},
	"deposit": func(s *script, a args) ([]linkfin.Command, error) {
		rail, ref := a.opt("rail", "bank"), a.str("ref")
		s.transfers[services.PaymentID(rail, ref, true)] = "inbound/" + rail + "/" + ref
		return []linkfin.Command{&services.RecordInboundPayment{Rail: rail, InstructionID: ref, OrgID: a.str("org"), Currency: "CNY", Amount: a.money("amount")}}, nil
	},
	"withdraw": func(s *script, a args) ([]linkfin.Command, error) {
		rail, ref, org := a.opt("rail", "bank"), a.str("ref"), a.str("org")
		s.transfers[services.PaymentID(rail, org+"/"+ref, false)] = "outbound/" + rail + "/" + org + "/" + ref
		return []linkfin.Command{&services.RecordOutboundPayment{Rail: rail, InstructionID: ref, OrgID: org, Currency: "CNY", Amount: a.money("amount")}}, nil
	},
	// order: the buyer orders qty × price of one line, and the seller accepts it (unless
	// the order is left unaccepted).
	"order": func(s *script, a args) ([]linkfin.Command, error) {
		id, buyer, seller := a.str("id"), a.str("buyer"), a.str("seller")
		cs := []linkfin.Command{
			&services.CreatePurchaseOrder{Actor: buyer, Order: linkfin.PurchaseOrder{ID: id, Number: id, SellerID: seller, ProgramID: a.str("program"),
				Currency: "CNY", Lines: []linkfin.POLine{{LineID: "L1", Item: "part", Quantity: int64(a.int("qty")), Unit: "pc", UnitPrice: a.money("price")}}}},
		}
		if a.has("unaccepted") {
			return cs, nil
		}
		return append(cs, &services.AcceptPurchaseOrder{Actor: seller, ID: id}), nil
	},
	"cancel-order": func(s *script, a args) ([]linkfin.Command, error) {
		return []linkfin.Command{&services.CancelPurchaseOrder{Actor: a.str("actor"), ID: a.str("id")}}, nil
	},
	// deliver: the buyer receives the whole order, the seller invoices it (due on due),
	// and the buyer approves the invoice: order po-N gives invoice inv-N and payable
	// pay-inv-N.
	// deliver: the goods received whole, invoiced and (unless unapproved) approved.
	"deliver": func(s *script, a args) ([]linkfin.Command, error) {
		var po linkfin.PurchaseOrder
		s.get(linkfin.KindPurchaseOrder, a.str("order"), &po)
		n := strings.TrimPrefix(po.ID, "po-")
		l := po.Lines[0]
		cs := []linkfin.Command{
			&services.CreateGoodsReceipt{Actor: po.BuyerID, Receipt: linkfin.GoodsReceipt{ID: "gr-" + n, POID: po.ID,
				Lines: []linkfin.ReceiptLine{{LineID: l.LineID, Accepted: l.Quantity}}}},
			&services.CreateInvoice{Actor: po.SellerID, Invoice: linkfin.Invoice{ID: "inv-" + n, Number: "INV-" + n, BuyerID: po.BuyerID,
				POID: po.ID, Currency: po.Currency, IssueDate: linkfin.DateOf(s.now), DueDate: a.date("due"),
				Lines: []linkfin.InvoiceLine{{LineID: l.LineID, Quantity: l.Quantity, UnitPrice: l.UnitPrice, Amount: po.Total}}, Total: po.Total}},
			&services.ApproveInvoice{Actor: po.BuyerID, ID: "inv-" + n},
		}
		if a.has("unapproved") {
			cs = cs[:2]
		}
		return cs, nil
	},
	"dispute": func(s *script, a args) ([]linkfin.Command, error) {
		return []linkfin.Command{&services.DisputeInvoice{Actor: a.str("actor"), ID: a.str("id"), Reason: a.str("reason")}}, nil
	},
	"credit": func(s *script, a args) ([]linkfin.Command, error) {
		return []linkfin.Command{&services.CreateCreditNote{Actor: a.str("actor"), Note: linkfin.CreditNote{ID: a.str("id"), Number: a.str("id"),
			InvoiceID: a.str("invoice"), Amount: a.money("amount"), Reason: a.str("reason")}}}, nil
	},
	// alert id=al#1 actor=bank by=user:u1 do=acknowledge|resolve reason="..."; no
	// actor is the operator.
	"alert": func(s *script, a args) ([]linkfin.Command, error) {
		return []linkfin.Command{&services.ActOnAlert{Actor: a.opt("actor", ""), By: a.opt("by", ""), ID: a.str("id"),
			Resolve: a.str("do") == "resolve", Reason: a.opt("reason", "")}}, nil
	},
	"issue": func(s *script, a args) ([]linkfin.Command, error) {
		return []linkfin.Command{&services.IssueCertificate{Actor: a.str("actor"), ID: a.str("id"), ProgramID: a.str("program"), PayableIDs: a.list("payables")}}, nil
	},
	// split id=c1 pieces=(c1a:600000.00, c1b:400000.00)
	"split": func(s *script, a args) ([]linkfin.Command, error) {
		var pieces []linkfin.Piece
		for _, p := range a.list("pieces") {
			id, face, _ := strings.Cut(p, ":")
			pieces = append(pieces, linkfin.Piece{ID: id, Face: a.parseMoney(face)})
		}
		return []linkfin.Command{&services.SplitCertificate{Actor: a.str("actor"), ID: a.str("id"), Pieces: pieces}}, nil
	},
	"pass": func(s *script, a args) ([]linkfin.Command, error) {
		return []linkfin.Command{&services.TransferCertificate{Actor: a.str("actor"), ID: a.str("id"), To: a.str("to"), Amount: a.money("amount"),
			NewID: a.str("new"), RemainderID: a.opt("remainder", "")}}, nil
	},
	"receipt": func(s *script, a args) ([]linkfin.Command, error) {
		return []linkfin.Command{&services.IssueWarehouseReceipt{Actor: a.str("actor"), Receipt: linkfin.WarehouseReceipt{ID: a.str("id"),
			OwnerID: a.str("owner"), LotID: a.str("lot"), Commodity: a.str("commodity"), Quantity: int64(a.int("qty")), Unit: "t"}}}, nil
	},
	"mark": func(s *script, a args) ([]linkfin.Command, error) {
		return []linkfin.Command{&services.MarkPrice{Mark: linkfin.PriceMark{ID: a.str("commodity"), Currency: "CNY", Price: a.money("price")}}}, nil
	},
	// device actor=port id=D1 [lot=LOT-7]: the warehouse registers a sensor, whose key
	// the transcript keeps (made from its id). count device=D1 signs with it, at the
	// transcript's time, with the device's next sequence number.
	"device": func(s *script, a args) ([]linkfin.Command, error) {
		id := a.str("id")
		s.devices[id] = &scriptDevice{key: ed25519.NewKeyFromSeed(seedOf(id))}
		return []linkfin.Command{&services.RegisterDevice{Actor: a.str("actor"), Device: linkfin.Device{ID: id, LotID: a.opt("lot", ""),
			PublicKey: s.devices[id].key.Public().(ed25519.PublicKey)}}}, nil
	},
	"count": func(s *script, a args) ([]linkfin.Command, error) {
		d := s.devices[a.str("device")]
		if d == nil {
			return nil, fmt.Errorf("no device %s in the transcript", a.str("device"))
		}
		d.seq++
		r := linkfin.Reading{DeviceID: a.str("device"), ReceiptID: a.str("receipt"), Sequence: d.seq, ReadAt: s.now, Quantity: int64(a.int("qty"))}
		r.Sign(d.key)
		return []linkfin.Command{&services.ReportTelemetry{Actor: a.str("actor"), ReceiptID: a.str("receipt"), Reading: r}}, nil
	},

	// The products, through their registry as the API finds them. A request names its
	// product and asset and, like the API's, no id: as= names in the transcript the
	// financing it makes. Every later step finds the product's command from the
	// financing; accept's asset= names another asset than the quote's.
	"request": func(s *script, a args) ([]linkfin.Command, error) {
		p, err := services.ProductNamed(linkfin.Product(a.str("product")))
		if err != nil {
			return nil, err
		}
		s.as = a.opt("as", "")
		c, err := p.Request(context.Background(), store{db: s.db}, a.str("actor"), &linkfin.FinancingIn{Product: p.Name(),
			ProgramID: a.str("program"), FunderID: a.opt("funder", ""), AssetID: a.str("asset")})
		return []linkfin.Command{c}, err
	},
	"accept": func(s *script, a args) ([]linkfin.Command, error) {
		f := s.financing(a.str("id"))
		p, err := services.ProductOf(f)
		if err != nil {
			return nil, err
		}
		f.AssetID = a.opt("asset", f.AssetID)
		return []linkfin.Command{p.Accept(a.str("actor"), f)}, nil
	},
	// take: an offer taken in one step, at the price the person was shown; as= names
	// the financing it makes.
	"take": func(s *script, a args) ([]linkfin.Command, error) {
		s.as = a.opt("as", "")
		return []linkfin.Command{&services.TakeOffer{Actor: a.str("actor"), Product: linkfin.Product(a.str("product")), AssetID: a.str("asset"),
			ProgramID: a.str("program"), FunderID: a.str("funder"), Price: a.money("price")}}, nil
	},
	"disburse": func(s *script, a args) ([]linkfin.Command, error) {
		return []linkfin.Command{&services.DisburseFinancing{Actor: a.str("actor"), ID: a.str("id")}}, nil
	},
	"cancel": func(s *script, a args) ([]linkfin.Command, error) {
		return []linkfin.Command{&services.CancelFinancing{Actor: a.str("actor"), ID: a.str("id")}}, nil
	},
	"lapse": func(s *script, a args) ([]linkfin.Command, error) {
		return []linkfin.Command{&services.LapseFinancing{ID: a.str("id")}}, nil
	},
	// repay: the borrower repays a loan.
	"repay": func(s *script, a args) ([]linkfin.Command, error) {
		c, err := services.RepayFinancing(a.str("actor"), s.financing(a.str("id")))
		return []linkfin.Command{c}, err
	},
	// close: the platform closes a financing at its due date.
	"close": func(s *script, a args) ([]linkfin.Command, error) {
		f := s.financing(a.str("id"))
		p, err := services.ProductOf(f)
		if err != nil {
			return nil, err
		}
		c, err := p.Close(f)
		return []linkfin.Command{c}, err
	},
	"settle": func(s *script, a args) ([]linkfin.Command, error) {
		return []linkfin.Command{&services.SettleMaturity{ProgramID: a.str("program"), Date: a.date("date")}}, nil
	},
	"margin": func(s *script, a args) ([]linkfin.Command, error) {
		f := s.financing(a.str("id"))
		var w linkfin.WarehouseReceipt
		s.get(linkfin.KindWarehouseReceipt, f.AssetID, &w)
		return []linkfin.Command{&services.CheckMargin{ID: f.ID, Commodity: w.Commodity}}, nil
	},
}

// script is one transcript's world: a memtx DB, its clock, and the names the output
// gives to ledger accounts, transfers and generated ids.
type script struct {
	t         *testing.T
	db        *memtx.DB
	now       time.Time
	logged    int                          // events printed so far
	records   map[string]map[string]string // the last fields printed of each record
	orgs      []string
	programs  []string
	accounts  map[int64]string  // ledger account ids to their names
	opened    []int64           // the accounts opened so far
	transfers map[int64]string  // ledger transfer ids to their names
	aliases   map[string]string // generated ids to the names the output gives them
	as        string            // the name of the financing the running request makes
	devices   map[string]*scriptDevice
}

// seedOf makes a device's private key seed from its name.
func seedOf(name string) []byte { h := sha256.Sum256([]byte(name)); return h[:] }

// scriptDevice is a sensor of the transcript: its key and its last sequence number.
type scriptDevice struct {
	key ed25519.PrivateKey
	seq int64
}

func newScript(t *testing.T) *script {
	s := &script{t: t, now: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC), records: map[string]map[string]string{},
		accounts: map[int64]string{}, transfers: map[int64]string{}, aliases: map[string]string{}, devices: map[string]*scriptDevice{}}
	s.db = memtx.New(func() time.Time { return s.now })
	return s
}

// do runs one directive of a transcript and returns what it printed.
func (s *script) do(t *testing.T, d *datadriven.TestData) string {
	s.t = t
	var b strings.Builder
	switch d.Cmd {
	case "advance":
		// advance 73h | advance 91d: the clock moves, and the ledger releases the holds
		// whose time ran out, as the engine's writer does on its timer.
		s.now = s.now.Add(s.duration(d))
		fmt.Fprintf(&b, "now %s\n", s.now.Format("2006-01-02 15:04"))
		s.run(&b, pass{})
	case "ledger":
		s.balances(&b, d)
	case "due":
		for _, c := range s.due() {
			fmt.Fprintf(&b, "%s\n", describe(c))
		}
	case "offers":
		// offers org=tier1: what the organization is offered now, asset by asset.
		s.offers(&b, args{s, d}.str("org"))
	case "tick":
		// The platform's scheduler: everything due now, run in turn.
		for _, c := range s.due() {
			fmt.Fprintf(&b, "> %s\n", describe(c))
			s.run(&b, c)
		}
	default:
		verb, ok := verbs[d.Cmd]
		if !ok {
			d.Fatalf(t, "unknown verb %q", d.Cmd)
		}
		cs, err := verb(s, args{s, d})
		if err != nil {
			// Refused before it became a command, as the API refuses it.
			s.refused(&b, err)
			cs = nil
		}
		for _, c := range cs {
			if !s.run(&b, c) {
				break
			}
		}
		s.as = ""
	}
	return s.alias(b.String())
}

// offers prints the organization's offers now: each asset, then its offers, best
// first, and the requests that would be refused.
func (s *script) offers(b *strings.Builder, org string) {
	got, err := services.Offers(context.Background(), s.db, linkfin.Viewer{Org: org}, s.now)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, a := range got {
		fmt.Fprintf(b, "%s %s program=%s face=%s maturity=%s\n", a.AssetKind, a.AssetID, a.ProgramID, money(a.Face, a.Currency), a.Maturity)
		for _, o := range a.Offers {
			q := o.Quote
			fmt.Fprintf(b, "  offer %s %s price=%s discount=%s effective_rate=%s days=%d value_date=%s expires_at=%s\n", o.Product, o.FunderID,
				money(q.Price, a.Currency), money(q.Discount, a.Currency), q.EffectiveRate, q.Days, q.ValueDate, q.ExpiresAt.Format("2006-01-02T15:04:05"))
		}
		for _, o := range a.Refused {
			fmt.Fprintf(b, "  refused %s %s %s: %s\n", o.Product, o.FunderID, o.Code, o.Message)
		}
	}
	if len(got) == 0 {
		b.WriteString("no offers\n")
	}
}

// pass is a batch that does nothing: the ledger's expiries run at its start.
type pass struct{}

func (pass) Keys() []linkfin.ObjectKey     { return nil }
func (pass) Apply(linkfin.Tx) (any, error) { return nil, nil }

// run runs a command and prints its events and its answer or refusal; it reports
// whether the command succeeded.
func (s *script) run(b *strings.Builder, c linkfin.Command) bool {
	var answer json.RawMessage
	err := s.db.Run(context.Background(), c, &answer)
	events := s.db.Events()[s.logged:]
	s.logged += len(events)
	for _, e := range events {
		if err != nil && e.Type != string(ledger.EventPendingExpired) {
			s.t.Fatalf("%T was refused (%v) but logged %s", c, err, e.Type)
		}
		// The records first, so that the ledger lines before them in the log are named.
		if kind, _, _ := strings.Cut(e.Type, "."); linkfin.KnownKind(kind) {
			s.learn(kind, e.Data)
		}
	}
	for _, e := range events {
		s.event(b, e)
	}
	if err != nil {
		s.refused(b, err)
		return false
	}
	if _, ok := c.(pass); ok {
		return true
	}
	var v any
	if err := decode(answer, &v); err != nil {
		s.t.Fatal(err)
	}
	if m, ok := v.(map[string]any); ok && s.as != "" {
		s.aliases[m["id"].(string)] = s.as
	}
	// The answer is shown when the events do not tell it: a command that changed
	// nothing (a retry, a check that found nothing new), or a result that is no record.
	if len(events) == 0 || !isRecord(v) {
		fmt.Fprintf(b, "answer %s\n", s.summary(v))
	}
	return true
}

// refused prints a refusal: its code and message.
func (s *script) refused(b *strings.Builder, err error) {
	msg := linkfin.ErrorMessage(err)
	if linkfin.ErrorCode(err) == linkfin.EINTERNAL {
		msg = err.Error()
	}
	fmt.Fprintf(b, "refused %s: %s\n", linkfin.ErrorCode(err), s.ledgerNames(msg))
}

// store serves the products' requests, which read through a linkfin.Store, from
// memtx: what they read of a store (records and their parties) is there, and nothing
// else is.
type store struct {
	linkfin.Store
	db *memtx.DB
}

func (s store) Object(ctx context.Context, kind, id string) (*linkfin.Object, error) {
	return s.db.Object(ctx, kind, id)
}

func (s store) ListObjects(ctx context.Context, kind, after string, limit int) ([]linkfin.Object, error) {
	return s.db.ListObjects(ctx, kind, after, limit)
}

func (s store) ListObjectsByParty(ctx context.Context, kind, party, after string, limit int) ([]linkfin.Object, error) {
	return s.db.ListObjectsByParty(ctx, kind, party, after, limit)
}

// RecordEvents finds the events that wrote the record in memtx's log: those of its
// kind naming its id.
func (s store) RecordEvents(_ context.Context, kind, id string, after int64, limit int) ([]linkfin.Event, error) {
	var out []linkfin.Event
	for _, e := range s.db.Events() {
		var rec struct {
			ID string `json:"id"`
		}
		if e.Seq <= after || !strings.HasPrefix(e.Type, kind+".") || json.Unmarshal(e.Data, &rec) != nil || rec.ID != id {
			continue
		}
		if out = append(out, e); len(out) == limit {
			break
		}
	}
	return out, nil
}

func (s store) WasParty(ctx context.Context, kind, id, party string) (bool, error) {
	return s.db.WasParty(ctx, kind, id, party)
}

// ListIndexed serves the ordered index from memtx's records, each's entries worked
// out from its data as a store's are, every record read on every call.
func (s store) ListIndexed(ctx context.Context, kind, name, prefix, afterValue, afterID string, limit int) ([]linkfin.IndexedObject, error) {
	var out []linkfin.IndexedObject
	for after := ""; ; {
		objs, err := s.db.ListObjects(ctx, kind, after, 1000)
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			es, err := linkfin.IndexOf(kind, o.Data)
			if err != nil {
				return nil, err
			}
			for _, e := range es {
				if e.Name == name && strings.HasPrefix(e.Value, prefix) && (e.Value > afterValue || e.Value == afterValue && o.ID > afterID) {
					out = append(out, linkfin.IndexedObject{Object: o, Value: e.Value})
				}
			}
		}
		if len(objs) < 1000 {
			break
		}
		after = objs[len(objs)-1].ID
	}
	slices.SortFunc(out, func(a, b linkfin.IndexedObject) int {
		return strings.Compare(a.Value+"\x00"+a.ID, b.Value+"\x00"+b.ID)
	})
	return out[:min(limit, len(out))], nil
}

// isRecord reports whether an answer is a record (it has an id), a list of records, or a
// record with a flag (an organization and whether it existed).
func isRecord(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		if v["id"] != nil {
			return true
		}
		for _, x := range v {
			if m, ok := x.(map[string]any); ok && m["id"] != nil {
				return true
			}
		}
	case []any:
		return len(v) > 0 && isRecord(v[0])
	}
	return false
}

// ledgerRefs are the ledger ids in the domain's messages.
var ledgerRefs = regexp.MustCompile(`ledger (transfer|account) (\d+)`)

// ledgerNames names the ledger ids a message holds.
func (s *script) ledgerNames(msg string) string {
	return ledgerRefs.ReplaceAllStringFunc(msg, func(m string) string {
		sub := ledgerRefs.FindStringSubmatch(m)
		id, _ := strconv.ParseInt(sub[2], 10, 64)
		if sub[1] == "account" {
			return "ledger account " + s.account(id)
		}
		// A transfer of a refused command may have an id reserved in it and given back:
		// nothing names it.
		return "ledger transfer " + strings.Replace(s.transfer(id), fmt.Sprintf("transfer#%d", id), "(unnamed)", 1)
	})
}

// event prints one logged event on a line.
func (s *script) event(b *strings.Builder, e linkfin.Event) {
	// The scorecards' counts and the scoring model are tested on their own
	// (scorecard_test.go); the transcripts follow the trade and the money.
	if strings.HasPrefix(e.Type, linkfin.KindScorecard+".") || strings.HasPrefix(e.Type, linkfin.KindScoreModel+".") {
		return
	}
	switch ledger.EventType(e.Type) {
	case ledger.EventAccountCreated:
		var a struct {
			ID linkfin.StringInt `json:"id"`
		}
		if err := json.Unmarshal(e.Data, &a); err != nil {
			s.t.Fatal(err)
		}
		s.opened = append(s.opened, int64(a.ID))
		fmt.Fprintf(b, "open %s\n", s.account(int64(a.ID)))
		return
	case ledger.EventTransferCreated:
		tr, _ := s.db.Transfer(e.TransferID)
		verb := "move"
		switch {
		case tr.Flags&ledger.Pending != 0:
			verb = "hold"
		case tr.Flags&ledger.PostPending != 0:
			verb = "post"
		case tr.Flags&ledger.VoidPending != 0:
			verb = "void"
		}
		fmt.Fprintf(b, "%s %s: %s → %s %s", verb, s.transfer(tr.ID), s.account(tr.DebitAccountID), s.account(tr.CreditAccountID),
			money(tr.Amount, linkfin.Currency(tr.Currency)))
		if tr.Timeout > 0 {
			fmt.Fprintf(b, " for %s", strings.TrimSuffix(strings.TrimSuffix((time.Duration(tr.Timeout)*time.Second).String(), "0s"), "0m"))
		}
		b.WriteString("\n")
		return
	case ledger.EventPendingExpired:
		var x struct {
			ID linkfin.StringInt `json:"id"`
		}
		if err := json.Unmarshal(e.Data, &x); err != nil {
			s.t.Fatal(err)
		}
		tr, _ := s.db.Transfer(int64(x.ID))
		fmt.Fprintf(b, "expire %s: %s → %s %s\n", s.transfer(tr.ID), s.account(tr.DebitAccountID), s.account(tr.CreditAccountID),
			money(tr.Amount, linkfin.Currency(tr.Currency)))
		return
	}
	kind, _, _ := strings.Cut(e.Type, ".")
	if kind == linkfin.KindNumber || kind == linkfin.KindInvoiceNumber || kind == linkfin.KindInvoiceFingerprint || kind == linkfin.KindFoldedID {
		return // the registries of document numbers and of ids by their lower case: bookkeeping
	}
	var rec map[string]any
	if err := decode(e.Data, &rec); err != nil {
		s.t.Fatal(err)
	}
	id, _ := rec["id"].(string)
	fields := flatten(rec)
	key := kind + " " + id
	old, seen := s.records[key]
	s.records[key] = fields
	var out []string
	if !seen {
		for _, k := range shown[kind] {
			if v, ok := fields[k]; ok {
				out = append(out, k+"="+v)
			}
		}
	} else {
		var keys []string
		for k := range fields {
			keys = append(keys, k)
		}
		for k := range old {
			if _, ok := fields[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			v, ok := fields[k]
			if v == old[k] || hidden(k) {
				continue
			}
			if !ok {
				if filled(fields, k) {
					continue // an empty list that now has elements
				}
				v = "-"
			}
			out = append(out, k+"="+v)
		}
	}
	fmt.Fprintf(b, "%s %s", e.Type, id)
	for _, f := range out {
		b.WriteString(" " + f)
	}
	b.WriteString("\n")
}

// filled reports whether fields hold elements of the list k.
func filled(fields map[string]string, k string) bool {
	for f := range fields {
		if strings.HasPrefix(f, k+".") {
			return true
		}
	}
	return false
}

// shown lists the fields printed of a new record, by kind.
var shown = map[string][]string{
	linkfin.KindOrganization:     {"capabilities"},
	linkfin.KindRelationship:     {"status"},
	linkfin.KindProgram:          {"products", "limit", "max_tenor_days", "advance_rate", "early_payment_apr", "margin_call_ltv", "supplier_limit", "late_rate", "buy_back"},
	linkfin.KindPurchaseOrder:    {"buyer_id", "seller_id", "total", "status"},
	linkfin.KindGoodsReceipt:     {"po_id"},
	linkfin.KindInvoice:          {"total", "due_date", "status", "match.ok"},
	linkfin.KindPayable:          {"buyer_id", "seller_id", "amount", "due_date", "status", "financing_id", "funders"},
	linkfin.KindCertificate:      {"holder_id", "face", "maturity", "status", "parent_id"},
	linkfin.KindMaturity:         {"date", "pieces"},
	linkfin.KindFinancing:        {"product", "requester_id", "funder_id", "payee_id", "status", "quote.face", "quote.rate", "quote.days", "quote.discount", "quote.price", "quote.effective_rate", "interest", "due_date", "payable_id"},
	linkfin.KindWarehouseReceipt: {"owner_id", "warehouse_id", "lot_id", "commodity", "quantity", "status"},
	linkfin.KindLot:              {"receipt_id"},
	linkfin.KindPriceMark:        {"price"},
	linkfin.KindAlert:            {"rule", "level", "supplier_id", "program_id", "financing_id", "subject_id", "evidence", "actions", "watchers", "status"},
	linkfin.KindFinancingStop:    {"alerts"},
}

// hidden are the fields a change does not print: times (the clock is the transcript's
// own), reserved ledger ids and the quote's reasons.
func hidden(k string) bool {
	return strings.HasSuffix(k, "_at") || k == "ledger_base" || strings.HasPrefix(k, "quote.reasons") ||
		strings.HasSuffix(k, "public_key") || strings.HasSuffix(k, "signature")
}

// moneyFields are the fields that hold amounts in minor units.
var moneyFields = map[string]bool{"face": true, "price": true, "discount": true, "interest": true, "amount": true, "total": true,
	"limit": true, "paid_total": true, "shortfall": true, "late_interest": true, "tax": true, "supplier_limit": true, "credited": true,
	"unit_price": true}

// flatten turns a record into dotted fields with printable values: amounts in major
// units, times to the second.
func flatten(rec map[string]any) map[string]string {
	out := map[string]string{}
	var walk func(prefix, leaf string, v any)
	walk = func(prefix, leaf string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(prefix+k+".", k, x)
			}
			return
		case []any:
			scalars := true
			for _, x := range v {
				switch x.(type) {
				case map[string]any, []any:
					scalars = false
				}
			}
			if scalars {
				parts := make([]string, len(v))
				for i, x := range v {
					parts[i] = scalar(leaf, x)
				}
				out[strings.TrimSuffix(prefix, ".")] = "[" + strings.Join(parts, ",") + "]"
				return
			}
			for i, x := range v {
				walk(prefix+strconv.Itoa(i)+".", leaf, x)
			}
			return
		}
		out[strings.TrimSuffix(prefix, ".")] = scalar(leaf, v)
	}
	for k, v := range rec {
		walk(k+".", k, v)
	}
	return out
}

// scalar prints one value of the field named leaf.
func scalar(leaf string, v any) string {
	switch v := v.(type) {
	case json.Number:
		if n, err := v.Int64(); err == nil && moneyFields[leaf] {
			return money(n, "CNY")
		}
		return v.String()
	case string:
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return t.Format("2006-01-02T15:04:05")
		}
		if v == "" {
			return `""`
		}
		return v
	case nil:
		return "null"
	}
	return fmt.Sprint(v)
}

func money(v int64, c linkfin.Currency) string {
	return linkfin.Money{Amount: v, Currency: c}.Decimal()
}

func decode(data []byte, v any) error {
	d := json.NewDecoder(strings.NewReader(string(data)))
	d.UseNumber()
	return d.Decode(v)
}

// summary prints an answer: a record by its id and status, a list of records, or a
// result's fields.
func (s *script) summary(v any) string {
	switch v := v.(type) {
	case map[string]any:
		if id, ok := v["id"].(string); ok {
			if st, ok := v["status"].(string); ok {
				return id + " status=" + st
			}
			return id
		}
		fields := flatten(v)
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for i, k := range keys {
			keys[i] = k + "=" + fields[k]
		}
		return strings.Join(keys, " ")
	case []any:
		var parts []string
		for _, x := range v {
			parts = append(parts, s.summary(x))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case nil:
		return "null"
	}
	return fmt.Sprint(v)
}

// learn notes the organizations, programs, pieces and financings the events make, to
// name the ledger accounts and transfers they move.
func (s *script) learn(kind string, data []byte) {
	switch kind {
	case linkfin.KindOrganization:
		var o linkfin.Organization
		json.Unmarshal(data, &o)
		if !slices.Contains(s.orgs, o.ID) {
			s.orgs = append(s.orgs, o.ID)
		}
	case linkfin.KindProgram:
		var p linkfin.Program
		json.Unmarshal(data, &p)
		if !slices.Contains(s.programs, p.ID) {
			s.programs = append(s.programs, p.ID)
		}
	case linkfin.KindCertificate:
		var c linkfin.Certificate
		json.Unmarshal(data, &c)
		for _, leg := range []string{"payment", "late-interest"} {
			s.transfers[linkfin.LedgerID("settlement/"+c.ID+"/"+leg)] = "settlement/" + c.ID + "/" + leg
		}
	case linkfin.KindFinancing:
		var f linkfin.Financing
		json.Unmarshal(data, &f)
		for _, name := range services.LegNames {
			s.transfers[services.LegID(&f, name)] = f.ID + "/" + name
		}
		s.transfers[linkfin.LedgerID("early-payment/"+f.ID)] = f.ID + "/early-payment"
	}
}

// account names a ledger account: wallet/<org>/<currency>, limit/<program>/<funder>
// (the program's own limit has no funder; a supplier's cap is supplier/<org>),
// limits/<program> (where the limits are granted from), rail/<rail>/<currency>.
func (s *script) account(id int64) string {
	if n, ok := s.accounts[id]; ok {
		return n
	}
	var names []string
	for _, c := range linkfin.Currencies() {
		for _, org := range s.orgs {
			names = append(names, "wallet/"+org+"/"+string(c))
		}
		names = append(names, "rail/bank/"+string(c), "rail/ecny/"+string(c))
	}
	for _, p := range s.programs {
		names = append(names, "limit/"+p+"/", "limits/"+p)
		for _, org := range s.orgs {
			names = append(names, "limit/"+p+"/"+org, "limit/"+p+"/supplier/"+org)
			s.transfers[linkfin.LedgerID("limit-grant/"+p+"/"+org)] = "limit-grant/" + p + "/" + org
			s.transfers[linkfin.LedgerID("limit-grant/"+p+"/supplier/"+org)] = "limit-grant/" + p + "/supplier/" + org
		}
		s.transfers[linkfin.LedgerID("limit-grant/"+p+"/")] = "limit-grant/" + p + "/"
	}
	for _, n := range names {
		s.accounts[linkfin.LedgerID(n)] = n
	}
	if n, ok := s.accounts[id]; ok {
		return n
	}
	return fmt.Sprintf("account#%d", id)
}

// transfer names a ledger transfer: <financing>/<leg>, settlement/<piece>/<leg>, a
// rail payment or a limit's grant.
func (s *script) transfer(id int64) string {
	if n, ok := s.transfers[id]; ok {
		return n
	}
	s.account(0) // learns the grants of limits
	if n, ok := s.transfers[id]; ok {
		return n
	}
	return fmt.Sprintf("transfer#%d", id)
}

// balances prints the ledger's accounts whose names start with one of the arguments
// (all of them without any): what they hold posted, and what is held or incoming.
func (s *script) balances(b *strings.Builder, d *datadriven.TestData) {
	var lines []string
	for _, id := range s.opened {
		name := s.account(id)
		match := len(d.CmdArgs) == 0
		for _, a := range d.CmdArgs {
			match = match || strings.HasPrefix(name, a.Key)
		}
		if !match {
			continue
		}
		a, _ := s.db.Account(id)
		c := linkfin.Currency(a.Currency)
		line := fmt.Sprintf("%s %s", name, money(a.CreditsPosted-a.DebitsPosted, c))
		if a.DebitsPending != 0 {
			line += " held " + money(a.DebitsPending, c)
		}
		if a.CreditsPending != 0 {
			line += " incoming " + money(a.CreditsPending, c)
		}
		lines = append(lines, line)
	}
	sort.Strings(lines)
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
}

// due lists what the platform's scheduler runs now.
func (s *script) due() []linkfin.Command {
	cs, err := services.Due(context.Background(), s.db, s.now)
	if err != nil {
		s.t.Fatal(err)
	}
	return cs
}

// describe prints a command the scheduler found due: its type and fields.
func describe(c linkfin.Command) string {
	data, _ := json.Marshal(c)
	var m map[string]any
	if err := decode(data, &m); err != nil {
		return fmt.Sprintf("%T", c)
	}
	keys := make([]string, 0, len(m))
	for k, v := range m {
		keys = append(keys, fmt.Sprintf("%s=%v", k, v))
	}
	sort.Strings(keys)
	name := fmt.Sprintf("%T", c)
	return strings.TrimPrefix(name, "*services.") + " " + strings.Join(keys, " ")
}

// generated matches the ids the engine makes: a prefix and 13 characters of base 32.
var generated = regexp.MustCompile(`\b([a-z]+)_[0-9a-hjkmnp-tv-z]{13}\b`)

// alias names each generated id by its prefix and the order it first appeared in
// (fin#1), so that a transcript's output does not change when a line before it moves
// the clock.
func (s *script) alias(out string) string {
	return generated.ReplaceAllStringFunc(out, func(id string) string {
		if a, ok := s.aliases[id]; ok {
			return a
		}
		prefix, _, _ := strings.Cut(id, "_")
		n := 1
		for _, a := range s.aliases {
			if strings.HasPrefix(a, prefix+"#") {
				n++
			}
		}
		a := fmt.Sprintf("%s#%d", prefix, n)
		s.aliases[id] = a
		return a
	})
}

// unalias turns an alias an argument names back into the id.
func (s *script) unalias(v string) string {
	for id, a := range s.aliases {
		if a == v {
			return id
		}
	}
	return v
}

func (s *script) get(kind, id string, v any) {
	s.t.Helper()
	if found, err := s.db.Get(kind, id, v); err != nil || !found {
		s.t.Fatalf("%s %s: found %v, %v", kind, id, found, err)
	}
}

func (s *script) financing(id string) *linkfin.Financing {
	var f linkfin.Financing
	s.get(linkfin.KindFinancing, id, &f)
	return &f
}

// duration reads advance's argument: 73h, 15m, 91d.
func (s *script) duration(d *datadriven.TestData) time.Duration {
	if len(d.CmdArgs) != 1 {
		d.Fatalf(s.t, "advance takes one duration")
	}
	arg := d.CmdArgs[0].Key
	if days, ok := strings.CutSuffix(arg, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			d.Fatalf(s.t, "%v", err)
		}
		return time.Duration(n) * 24 * time.Hour
	}
	v, err := time.ParseDuration(arg)
	if err != nil {
		d.Fatalf(s.t, "%v", err)
	}
	return v
}

// args reads a directive's arguments.
type args struct {
	s *script
	d *datadriven.TestData
}

func (a args) has(key string) bool { return a.d.HasArg(key) }

func (a args) opt(key, def string) string {
	if arg, ok := a.d.Arg(key); ok {
		return a.s.unalias(arg.SingleVal(a.s.t))
	}
	return def
}

func (a args) str(key string) string {
	if !a.has(key) {
		a.d.Fatalf(a.s.t, "%s needs %s=", a.d.Cmd, key)
	}
	return a.opt(key, "")
}

func (a args) list(key string) []string {
	arg, ok := a.d.Arg(key)
	if !ok {
		return nil
	}
	out := make([]string, len(arg.Vals))
	for i, v := range arg.Vals {
		out[i] = a.s.unalias(v)
	}
	return out
}

func (a args) int(key string) int {
	n, err := strconv.Atoi(a.str(key))
	if err != nil {
		a.d.Fatalf(a.s.t, "%s: %v", key, err)
	}
	return n
}

func (a args) parseMoney(v string) int64 {
	m, err := linkfin.ParseMoney(v, "CNY")
	if err != nil {
		a.d.Fatalf(a.s.t, "%v", err)
	}
	return m.Amount
}

func (a args) money(key string) int64 { return a.parseMoney(a.str(key)) }

func (a args) moneyOr(key string, def int64) int64 {
	if !a.has(key) {
		return def
	}
	return a.money(key)
}

// rate reads a rate argument, or def when the argument is absent.
func (a args) rate(key, def string) linkfin.Rate {
	r, err := linkfin.ParseRate(a.opt(key, def))
	if err != nil {
		a.d.Fatalf(a.s.t, "%s: %v", key, err)
	}
	return r
}

func (a args) ratePtr(key string) *linkfin.Rate {
	if !a.has(key) {
		return nil
	}
	r := a.rate(key, "")
	return &r
}

func (a args) date(key string) linkfin.Date {
	v, err := linkfin.ParseDate(a.str(key))
	if err != nil {
		a.d.Fatalf(a.s.t, "%s: %v", key, err)
	}
	return v
}
