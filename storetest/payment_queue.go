package storetest

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"testing"

	"linkfin"
	"linkfin/engine"
	"linkfin/services"
)

// queueToLegacy moves instructions out of the first chunk of the bank rail's queue
// into the queue's one list, as a database made before the queue had chunks keeps
// them.
type queueToLegacy struct{ IDs []string }

func (c *queueToLegacy) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindPaymentQueue, ID: services.RailBank},
		{Kind: linkfin.KindPaymentQueueChunk, ID: linkfin.PaymentQueueChunkID(services.RailBank, 0)}}
}

func (c *queueToLegacy) Apply(tx linkfin.Tx) (any, error) {
	q := linkfin.PaymentQueue{ID: services.RailBank}
	if _, err := tx.Get(linkfin.KindPaymentQueue, q.ID, &q); err != nil {
		return nil, err
	}
	ch := linkfin.PaymentQueueChunk{ID: linkfin.PaymentQueueChunkID(services.RailBank, 0)}
	if _, err := tx.Get(linkfin.KindPaymentQueueChunk, ch.ID, &ch); err != nil {
		return nil, err
	}
	q.Pending = append(q.Pending, c.IDs...)
	ch.IDs = slices.DeleteFunc(ch.IDs, func(id string) bool { return slices.Contains(c.IDs, id) })
	if err := tx.Put(linkfin.KindPaymentQueueChunk, ch.ID, &ch, "payment_queue_chunk.updated"); err != nil {
		return nil, err
	}
	return nil, tx.Put(linkfin.KindPaymentQueue, q.ID, &q, "payment_queue.updated")
}

// testPaymentQueue: the bank rail's queue keeps its instructions in chunks of
// linkfin.QueueChunkSize, so that a withdrawal writes a chunk, not a list of every
// instruction waiting; payment files take them in the order they were made, across
// chunks and from the middle of one; instructions a database made before keeps in the
// queue's one list are filed first. All verifies.
func testPaymentQueue(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env)
	n := 0
	withdraw := func(k int) []string {
		t.Helper()
		var ids []string
		for range k {
			n++
			out, err := run[services.RailPaid](t, env, &services.RecordOutboundPayment{Rail: services.RailBank,
				InstructionID: "q-" + strconv.Itoa(n), OrgID: "bank", Currency: "CNY", Amount: int64(n)})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, out.CreditTransferID)
		}
		return ids
	}
	file := func(day string) []string {
		t.Helper()
		f, err := run[linkfin.PaymentFile](t, env, &services.CreatePaymentFile{Rail: services.RailBank, Date: date(t, day)})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, ft := range f.Transfers {
			ids = append(ids, ft.ID)
		}
		if f.Count != len(ids) {
			t.Fatalf("file %s counts %d of %d", f.ID, f.Count, len(ids))
		}
		return ids
	}
	chunks := func() map[string][]string {
		t.Helper()
		objs, err := env.Records().ListObjects(context.Background(), linkfin.KindPaymentQueueChunk, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][]string{}
		for _, o := range objs {
			var ch linkfin.PaymentQueueChunk
			if err := json.Unmarshal(o.Data, &ch); err != nil {
				t.Fatal(err)
			}
			out[o.ID] = ch.IDs
		}
		return out
	}

	waitingToFile := func(want int) {
		t.Helper()
		if n, err := services.WaitingToFile(context.Background(), env.Records(), linkfin.Viewer{Operator: true}, services.RailBank); err != nil || n != want {
			t.Fatalf("waiting to be filed: %d, %v; want %d", n, err, want)
		}
	}
	waitingToFile(0)
	first := withdraw(100)
	waitingToFile(100)
	got := chunks()
	if len(got) != 2 || !slices.Equal(got["bank/0"], first[:64]) || !slices.Equal(got["bank/1"], first[64:]) {
		t.Fatalf("chunks after 100 withdrawals: %d, %v", len(got), got)
	}
	env.Restart() // the queue comes from the store
	if filed := file("2026-11-03"); !slices.Equal(filed, first) {
		t.Fatalf("the first file took %d instructions, want the 100 in order", len(filed))
	}
	// The next file starts in the middle of chunk 1, and goes on into chunk 2.
	second := withdraw(40)
	waitingToFile(40)
	if got := chunks(); len(got) != 3 || len(got["bank/1"]) != 64 || !slices.Equal(got["bank/2"], second[28:]) {
		t.Fatalf("chunks after 40 more: %v", got)
	}
	if filed := file("2026-11-03"); !slices.Equal(filed, second) {
		t.Fatalf("the second file took %d instructions, want the 40 in order", len(filed))
	}
	waitingToFile(0)
	if _, err := services.WaitingToFile(context.Background(), env.Records(), linkfin.Viewer{Org: "bank"}, services.RailBank); linkfin.ErrorCode(err) != linkfin.EFORBIDDEN {
		t.Fatalf("an organization counts the rail's instructions: %v", err)
	}
	// The last one filed every instruction: nothing is left.
	if _, err := run[linkfin.PaymentFile](t, env, &services.CreatePaymentFile{Rail: services.RailBank, Date: date(t, "2026-11-04")}); !refusal(err, linkfin.ENOTHINGTOFILE, "no bank instruction") {
		t.Fatalf("a file of nothing: %v", err)
	}

	env.MustVerify()

	// A database made before: what its queue's list holds is filed first.
	env2 := NewEnv(t, open)
	financingFixture(t, env2)
	env, n = env2, 0
	older := withdraw(3)
	if err := env.Domain.Run(context.Background(), &queueToLegacy{IDs: older}, new(struct{})); err != nil {
		t.Fatal(err)
	}
	newer := withdraw(2)
	env.Restart()
	if filed := file("2026-11-05"); !slices.Equal(filed, append(slices.Clone(older), newer...)) {
		t.Fatalf("filed %v, want %v then %v", filed, older, newer)
	}
	var q linkfin.PaymentQueue
	if o, err := env.object(linkfin.KindPaymentQueue, services.RailBank); err != nil || json.Unmarshal(o.Data, &q) != nil || len(q.Pending) != 0 {
		t.Fatalf("the queue after filing: %+v, %v", q, err)
	}
	env.MustVerify()

	// More instructions than a few chunks hold, each of its own amount (so of its own
	// record of open items): a file takes them all, from the store.
	env5 := NewEnv(t, open)
	financingFixture(t, env5)
	env, n = env5, 0
	many := withdraw(500)
	env.Restart()
	if filed := file("2026-11-05"); !slices.Equal(filed, many) {
		t.Fatalf("a file of 500 waiting took %d", len(filed))
	}
	if env.Engine == nil {
		// More than a file takes (in memory, where ten thousand are quick): the first
		// takes linkfin.MaxFileTransfers, in order, the next the rest.
		more := withdraw(linkfin.MaxFileTransfers + 30)
		if filed := file("2026-11-06"); !slices.Equal(filed, more[:linkfin.MaxFileTransfers]) {
			t.Fatalf("the first file of %d waiting took %d", len(more), len(filed))
		}
		if filed := file("2026-11-06"); !slices.Equal(filed, more[linkfin.MaxFileTransfers:]) {
			t.Fatalf("the second file took %d, want the 30 left", len(filed))
		}
	}
	env.MustVerify()
	if env.Engine == nil {
		return
	}

	// In one batch, the withdrawals all join the chunk that was last when it began (so
	// it may hold more than QueueChunkSize), and a file takes what waited then.
	env3 := NewEnv(t, open)
	financingFixture(t, env3)
	env, n = env3, 0
	batch := func(files int, k int) []engine.Outcome {
		t.Helper()
		var cmds []linkfin.Command
		for range files {
			cmds = append(cmds, &services.CreatePaymentFile{Rail: services.RailBank, Date: date(t, "2026-11-06")})
		}
		for range k {
			n++
			cmds = append(cmds, &services.RecordOutboundPayment{Rail: services.RailBank, InstructionID: "b-" + strconv.Itoa(n),
				OrgID: "bank", Currency: "CNY", Amount: int64(n)})
		}
		out := env.Submit(&engine.Request{Commands: cmds}).Outcomes
		for i, o := range out[files:] {
			if o.Code != "" {
				t.Fatalf("withdrawal %d of the batch: %s %s", i, o.Code, o.Message)
			}
		}
		return out
	}
	batch(0, 70)
	if got := chunks(); len(got) != 1 || len(got["bank/0"]) != 70 {
		t.Fatalf("chunks after a batch of 70: %d, %d in the first", len(got), len(got["bank/0"]))
	}
	out := batch(1, 5)
	var f linkfin.PaymentFile
	if err := json.Unmarshal(out[0].Value, &f); err != nil || f.Count != 70 {
		t.Fatalf("the batch's file: %s %s %v, %d instructions", out[0].Code, out[0].Message, err, f.Count)
	}
	if filed := file("2026-11-07"); len(filed) != 5 {
		t.Fatalf("the next file took %d, want the batch's 5", len(filed))
	}

	// An entry assigned to an instruction that a file of the same batch files: the
	// assignment was prepared before the instruction had a file, finds its plan stale,
	// and is planned again and run (on an engine; in memory the two run one by one).
	queued := batch(0, 1)
	var paid services.RailPaid
	if err := json.Unmarshal(queued[0].Value, &paid); err != nil {
		t.Fatal(err)
	}
	imp, err := run[linkfin.BankStatementImport](t, env, &services.ImportBankStatement{Message: readCamt(t,
		Camt053("MSG-Q", "STMT-Q", "6222 0000 1111", "CNY", CamtEntry{Sign: "DBIT", Amount: "0.76", Date: "2026-11-08", Ref: "Q1"}))})
	if err != nil || imp.Statements[0].Unmatched != 1 {
		t.Fatalf("the statement: %+v, %v", imp, err)
	}
	entry := services.BankEntryID(&imp.Statements[0], 1)
	assign := &services.AssignBankEntry{EntryID: entry, In: linkfin.BankEntryAssignIn{Kind: linkfin.AssignCreditTransfer, ID: paid.CreditTransferID}}
	out = env.Submit(&engine.Request{Commands: []linkfin.Command{
		&services.CreatePaymentFile{Rail: services.RailBank, Date: date(t, "2026-11-08")}, assign}}).Outcomes
	var be linkfin.BankEntry
	if out[0].Code != "" || out[1].Code != "" || json.Unmarshal(out[1].Value, &be) != nil ||
		be.Status != linkfin.BankEntryAssigned || be.CreditTransferIDs[0] != paid.CreditTransferID {
		t.Fatalf("a file and an assignment of its instruction in one batch: %q, then %q %s: %+v", out[0].Code, out[1].Code, out[1].Message, be)
	}
	if items := openItems(t, env); slices.ContainsFunc(items, func(it linkfin.OpenItem) bool { return it.ID == paid.CreditTransferID }) {
		t.Fatal("the instruction booked is still open")
	}
	env.MustVerify()
}
