package services

import (
	"linkfin"
)

// Attribute runs a command on behalf of a key or a user (by: "key:<id>",
// "user:<id>") of an organization (org, "" for the operator): once the command has
// written its records, it writes an attribution naming them and who caused them. A
// command that writes nothing, or fails, leaves none. The command runs as it would
// alone: its keys, ledger rows and checks are its own, and so is its answer.
func Attribute(org, by string, c linkfin.Command) linkfin.Command {
	if by == "" {
		return c
	}
	return &Attributed{OrgID: org, By: by, Command: c}
}

// Attributed is a command run on behalf of someone (Attribute).
type Attributed struct {
	OrgID   string
	By      string
	Command linkfin.Command
}

// Unwrap is the command run: it names the attributed command (engine.Name).
func (a *Attributed) Unwrap() linkfin.Command { return a.Command }

// Keys implements linkfin.Command.
func (a *Attributed) Keys() []linkfin.ObjectKey { return a.Command.Keys() }

// DependentKeys implements linkfin.DependentCommand, as the command does.
func (a *Attributed) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	if dc, ok := a.Command.(linkfin.DependentCommand); ok {
		return dc.DependentKeys(r)
	}
	return nil
}

// LedgerKeys implements linkfin.LedgerCommand, as the command does.
func (a *Attributed) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	if lc, ok := a.Command.(linkfin.LedgerCommand); ok {
		return lc.LedgerKeys(r)
	}
	return nil, nil
}

// Validate implements linkfin.Validator, as the command does.
func (a *Attributed) Validate() error {
	if v, ok := a.Command.(linkfin.Validator); ok {
		return v.Validate()
	}
	return nil
}

// Apply implements linkfin.Command.
func (a *Attributed) Apply(tx linkfin.Tx) (any, error) {
	rt := &recordingTx{Tx: tx}
	v, err := a.Command.Apply(rt)
	if err != nil && !linkfin.IsRecorded(err) || len(rt.wrote) == 0 {
		return v, err
	}
	// A recorded refusal is attributed too: who asked is part of what it records.
	at := linkfin.Attribution{ID: tx.NewID("att"), OrgID: a.OrgID, By: a.By, Records: rt.wrote}
	if perr := tx.Put(linkfin.KindAttribution, at.ID, &at, "attribution.recorded"); perr != nil {
		return v, perr
	}
	return v, err
}

// recordingTx notes the records a command writes.
type recordingTx struct {
	linkfin.Tx
	wrote []string
	seen  map[string]bool
}

func (t *recordingTx) Put(kind, id string, v any, event string) error {
	if err := t.Tx.Put(kind, id, v, event); err != nil {
		return err
	}
	if t.seen == nil {
		t.seen = make(map[string]bool)
	}
	if k := kind + "/" + id; !t.seen[k] {
		t.seen[k] = true
		t.wrote = append(t.wrote, k)
	}
	return nil
}
