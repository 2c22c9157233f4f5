package services

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"linkfin"
)

// Silent sensors (docs/CREDIT.md, "Alert rules"): a device registered with a
// heartbeat that reports nothing for longer is found by the scheduler (SilentDevices,
// from the ordered index) and marked silent by FlagSilentDevice, which raises
// sensor_silent when the lot it watches backs a pledge loan. Once per silence: the
// device's next reading ends it.

// silenceReceipt is the receipt a device's silence is about: that of the lot it
// watches, or, for a device of every lot, the one its last reading counted ("" for
// none).
func silenceReceipt(r linkfin.Records, d *linkfin.Device) string {
	if d.LotID == "" {
		return d.ReceiptID
	}
	var lot linkfin.Lot
	if found, err := r.Get(linkfin.KindLot, linkfin.LotKey(d.WarehouseID, d.LotID), &lot); err != nil || !found {
		return ""
	}
	return lot.ReceiptID
}

// FlagSilentDevice is the scheduler marking a device silent that reported nothing
// for longer than its heartbeat, and raising sensor_silent on the pledge loan of the
// lot it watches, if any. Run on a device that is not silent, or already marked, it
// changes nothing.
type FlagSilentDevice struct {
	ID string
}

// Keys implements linkfin.Command.
func (c *FlagSilentDevice) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindDevice, ID: c.ID}}
}

// DependentKeys implements linkfin.DependentCommand: the lot, its receipt, the loan
// it backs, and what raising an alert on the loan's borrower reads. Each is named once
// the record before it is loaded.
func (c *FlagSilentDevice) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var d linkfin.Device
	if found, err := r.Get(linkfin.KindDevice, c.ID, &d); err != nil || !found {
		return nil
	}
	var keys []linkfin.ObjectKey
	if d.LotID != "" {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindLot, ID: linkfin.LotKey(d.WarehouseID, d.LotID)})
	}
	return append(keys, receiptAlertKeys(r, silenceReceipt(r, &d))...)
}

// receiptAlertKeys are the receipt, the loan it backs and what raising an alert on the
// loan's borrower reads.
func receiptAlertKeys(r linkfin.Records, receipt string) []linkfin.ObjectKey {
	if receipt == "" {
		return nil
	}
	keys := []linkfin.ObjectKey{{Kind: linkfin.KindWarehouseReceipt, ID: receipt}}
	var w linkfin.WarehouseReceipt
	if found, err := r.Get(linkfin.KindWarehouseReceipt, receipt, &w); err != nil || !found || w.FinancingID == "" {
		return keys
	}
	keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindFinancing, ID: w.FinancingID})
	var f linkfin.Financing
	if found, err := r.Get(linkfin.KindFinancing, w.FinancingID, &f); err != nil || !found {
		return keys
	}
	return append(keys, alertKeys(f.RequesterID, f.ProgramID)...)
}

// pledgedLoan is the live pledge loan the receipt backs, or nil.
func pledgedLoan(tx linkfin.Tx, receipt string) (*linkfin.WarehouseReceipt, *linkfin.Financing, error) {
	if receipt == "" {
		return nil, nil, nil
	}
	var w linkfin.WarehouseReceipt
	if found, err := tx.Get(linkfin.KindWarehouseReceipt, receipt, &w); err != nil || !found || w.FinancingID == "" {
		return nil, nil, err
	}
	var f linkfin.Financing
	if found, err := tx.Get(linkfin.KindFinancing, w.FinancingID, &f); err != nil || !found {
		return nil, nil, err
	}
	if f.Status != linkfin.FinancingAccepted && f.Status != linkfin.FinancingDisbursed {
		return nil, nil, nil
	}
	return &w, &f, nil
}

// Apply implements linkfin.Command.
func (c *FlagSilentDevice) Apply(tx linkfin.Tx) (any, error) {
	var d linkfin.Device
	if found, err := tx.Get(linkfin.KindDevice, c.ID, &d); err != nil {
		return nil, err
	} else if !found {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "device %s not found", c.ID)
	}
	now := tx.Now()
	quiet, ok := d.QuietAfter()
	if !ok || !now.After(quiet) {
		return &d, nil
	}
	d.SilentSince = &now
	w, f, err := pledgedLoan(tx, silenceReceipt(tx, &d))
	if err != nil {
		return nil, err
	}
	if f != nil {
		last := "never reported"
		if d.LastReadAt != nil {
			last = "last reported at " + d.LastReadAt.UTC().Format(time.RFC3339)
		}
		if _, err := raise(tx, linkfin.Alert{Rule: linkfin.RuleSensorSilent, Level: linkfin.AlertOrange, SupplierID: f.RequesterID,
			ProgramID: f.ProgramID, FinancingID: f.ID, SubjectKind: linkfin.KindDevice, SubjectID: d.ID,
			Evidence: fmt.Sprintf("device %s of warehouse %s watching lot %s, which receipt %s pledges to loan %s, %s; its heartbeat is %d s; silent at %s",
				d.ID, d.WarehouseID, w.LotID, w.ID, f.ID, last, d.HeartbeatSeconds, now.UTC().Format(time.RFC3339)),
			RequiredAction: "ask the warehouse to check the sensor and count the lot; until it reports again, the lot is not watched"}); err != nil {
			return nil, err
		}
	}
	return &d, tx.Put(linkfin.KindDevice, d.ID, &d, "device.silent")
}

// SilentDevices lists the devices the scheduler marks silent now: those watched for
// silence whose heartbeat has passed with no reading. A store with the ordered index
// reads its entries up to now, never the devices that reported in time; another is
// scanned.
func SilentDevices(ctx context.Context, s linkfin.RecordReader, now time.Time) ([]linkfin.Command, error) {
	var out []linkfin.Command
	ix, ok := s.(linkfin.IndexReader)
	if !ok {
		err := Scan(ctx, s, linkfin.KindDevice, func(data []byte) error {
			var d linkfin.Device
			if err := json.Unmarshal(data, &d); err != nil {
				return err
			}
			if at, ok := d.QuietAfter(); ok && now.After(at) {
				out = append(out, &FlagSilentDevice{ID: d.ID})
			}
			return nil
		})
		return out, err
	}
	// An entry is the quiet instant truncated to the second: those before now's
	// second are past; the command checks the instant itself.
	until := now.UTC().Format(linkfin.IndexTime)
	for afterValue, afterID := "", ""; ; {
		objs, err := ix.ListIndexed(ctx, linkfin.KindDevice, linkfin.IndexSilent, "", afterValue, afterID, 1000)
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			if o.Value > until {
				return out, nil
			}
			out = append(out, &FlagSilentDevice{ID: o.ID})
		}
		if len(objs) < 1000 {
			return out, nil
		}
		afterValue, afterID = objs[len(objs)-1].Value, objs[len(objs)-1].ID
	}
}
