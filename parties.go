package linkfin

import (
	"encoding/json"
	"slices"
	"strings"
)

// Partied is a record that names the organizations party to it. Tenancy rests on it:
// an organization sees a record only if it is, or once was, one of its parties, and
// the store indexes every record under each of its parties so that lists stay cheap.
type Partied interface {
	Parties() []string
}

// Parties implements Partied.
func (o *Organization) Parties() []string { return []string{o.ID} }

// Parties implements Partied.
func (r *Relationship) Parties() []string { return parties(r.BuyerID, r.SellerID) }

// Parties implements Partied: the anchor and every funder invited to the program.
func (p *Program) Parties() []string {
	out := []string{p.AnchorID}
	for _, f := range p.Funders {
		out = append(out, f.FunderID)
	}
	return parties(out...)
}

// Parties implements Partied: the buyer, the seller, and the funders that financed it.
func (o *PurchaseOrder) Parties() []string {
	return parties(append([]string{o.BuyerID, o.SellerID}, o.Funders...)...)
}

// Parties implements Partied.
func (g *GoodsReceipt) Parties() []string { return parties(g.BuyerID, g.SellerID) }

// Parties implements Partied: the seller, the buyer and the carrier that reports.
func (s *Shipment) Parties() []string { return parties(s.SellerID, s.BuyerID, s.CarrierID) }

// Parties implements Partied.
func (i *Invoice) Parties() []string { return parties(i.SellerID, i.BuyerID) }

// Parties implements Partied: the buyer, the seller, and the funders that financed it.
func (p *Payable) Parties() []string {
	return parties(append([]string{p.BuyerID, p.SellerID}, p.Funders...)...)
}

// Parties implements Partied.
func (c *CreditNote) Parties() []string { return parties(c.SellerID, c.BuyerID) }

// Parties implements Partied: the anchor that owes it and its holder. A former holder
// stays a party (the store's index only grows), so it keeps seeing what it passed on.
func (c *Certificate) Parties() []string { return parties(c.AnchorID, c.HolderID) }

// Parties implements Partied: the requester, the funder and the payee.
func (f *Financing) Parties() []string { return parties(f.RequesterID, f.FunderID, f.PayeeID) }

// Parties implements Partied: the warehouse, the owner of the goods, and the funders
// they were pledged to.
func (w *WarehouseReceipt) Parties() []string {
	return parties(append([]string{w.WarehouseID, w.OwnerID}, w.Funders...)...)
}

// parties drops empty names and duplicates, keeping the order.
func parties(ids ...string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// Kind is the record kind of the event's type: "financing" for "financing.accepted".
func (e *Event) Kind() string {
	kind, _, _ := strings.Cut(e.Type, ".")
	return kind
}

// Parties names the organizations party to the record the event wrote (none for the
// ledger's own events).
func (e *Event) Parties() ([]string, error) { return PartiesOf(e.Kind(), e.Data) }

// PartiesOf decodes a record of the kind from its JSON and names its parties. A kind
// without parties (the platform's own registries: lots, invoice numbers, maturities)
// has none: only the operator sees it.
func PartiesOf(kind string, data []byte) ([]string, error) {
	_, parties, err := DecodeParties(kind, data)
	return parties, err
}

// DecodeParties is PartiesOf that also returns the record it decoded, of the kind's
// registered type, for a caller that reads more of it than its parties: nil for a kind
// without parties, which it does not decode.
func DecodeParties(kind string, data []byte) (Partied, []string, error) {
	v, ok := NewRecord(kind).(Partied)
	if !ok {
		return nil, nil, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return nil, nil, err
	}
	return v, v.Parties(), nil
}

// PartyBackfill is the name under which the stores record, among their migrations,
// that the records written before the party index existed have been indexed.
const PartyBackfill = "0003_object_parties_backfill"

// AddFunder records a funder among those that financed an asset, once.
func AddFunder(funders []string, funder string) []string {
	if slices.Contains(funders, funder) {
		return funders
	}
	return append(funders, funder)
}
