package services

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"linkfin"
	"linkfin/ubl"
)

// EIDENTIFIERTAKEN refuses an identifier that another organization registered:
// identifiers are public, and each names one organization.
const EIDENTIFIERTAKEN = "identifier_taken"

// EPARTIES: an e-invoice whose parties or order do not match the platform's: its
// seller is not the sender, its buyer is not registered, its order is not theirs.
const EPARTIES = "einvoice_parties"

// RegisterIdentifier records an electronic identifier of an organization (its admin,
// or the operator with Actor ""), by which e-invoices name it. The same identifier
// again changes nothing. One the organization lists already, but that the registry
// does not hold for it under its Key (one registered before Key left out every
// invisible character, under its key of then: IdentifiersUnregistered), is
// registered under its Key, and listed once.
type RegisterIdentifier struct {
	Actor      string
	OrgID      string
	Identifier linkfin.Identifier
}

// Keys implements linkfin.Command.
func (c *RegisterIdentifier) Keys() []linkfin.ObjectKey { return identifierKeys(c.OrgID, c.Identifier) }

// Validate implements linkfin.Validator.
func (c *RegisterIdentifier) Validate() error { return c.Identifier.Validate() }

// Apply implements linkfin.Command.
func (c *RegisterIdentifier) Apply(tx linkfin.Tx) (any, error) {
	o, h, err := identifierHolder(tx, c.Actor, c.OrgID, c.Identifier)
	switch {
	case err != nil:
		return nil, err
	case h.OrgID == o.ID:
		return o, nil
	case h.OrgID != "":
		return nil, linkfin.Errorf(EIDENTIFIERTAKEN, "%s is registered to another organization", c.Identifier)
	}
	listed := slices.ContainsFunc(o.Identifiers, func(i linkfin.Identifier) bool { return i.Key() == h.ID })
	if !listed && len(o.Identifiers) >= 20 {
		return nil, linkfin.Errorf(linkfin.EINVALID, "an organization registers at most 20 identifiers")
	}
	*h = linkfin.IdentifierHolder{ID: h.ID, OrgID: o.ID, Identifier: c.Identifier}
	if err := tx.Put(linkfin.KindIdentifier, h.ID, h, "identifier.registered"); err != nil {
		return nil, err
	}
	if listed {
		return o, nil
	}
	o.Identifiers = append(slices.Clone(o.Identifiers), c.Identifier)
	return o, tx.Put(linkfin.KindOrganization, o.ID, o, "organization.identifier_registered")
}

// RemoveIdentifier removes an electronic identifier an organization registered (its
// admin, or the operator with Actor ""): e-invoices no longer find it by it, and any
// organization may register it again. The registry keeps the identifier's record, with
// no organization. An identifier the organization has not registered is not found.
type RemoveIdentifier struct {
	Actor      string
	OrgID      string
	Identifier linkfin.Identifier
}

// Keys implements linkfin.Command.
func (c *RemoveIdentifier) Keys() []linkfin.ObjectKey { return identifierKeys(c.OrgID, c.Identifier) }

// Validate implements linkfin.Validator.
func (c *RemoveIdentifier) Validate() error { return c.Identifier.Validate() }

// Apply implements linkfin.Command.
func (c *RemoveIdentifier) Apply(tx linkfin.Tx) (any, error) {
	o, h, err := identifierHolder(tx, c.Actor, c.OrgID, c.Identifier)
	if err != nil {
		return nil, err
	} else if h.OrgID != o.ID {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "%s is not registered to organization %s", c.Identifier, o.ID)
	}
	h.OrgID = ""
	if err := tx.Put(linkfin.KindIdentifier, h.ID, h, "identifier.removed"); err != nil {
		return nil, err
	}
	// The identifier as the organization registered it, which may be written
	// otherwise than the one removing it (case, a VAT number's spaces).
	o.Identifiers = slices.DeleteFunc(slices.Clone(o.Identifiers), func(i linkfin.Identifier) bool { return i.Key() == h.ID })
	return o, tx.Put(linkfin.KindOrganization, o.ID, o, "organization.identifier_removed")
}

// UnregisteredIdentifier is an identifier an organization lists that the registry
// does not hold for it under its Key (IdentifiersUnregistered).
type UnregisteredIdentifier struct {
	OrgID      string             `json:"org_id"`
	Identifier linkfin.Identifier `json:"identifier"`
}

// IdentifiersUnregistered lists, in the order of their organizations' ids, the
// identifiers organizations list that the registry does not hold for them under their
// Key: those registered before Key left out every invisible character, whose value or
// scheme holds one that Key kept then (a variation selector, U+034F, a Hangul
// filler), and are held under their key of then alone; and those another organization
// holds under their Key now ("X", U+FE0F, "Y" registered by one organization then, and
// "XY" by another). linkfin serve runs RegisterIdentifier (with Actor "") for each,
// once, when it first starts on a database of then: the first is registered under its
// Key, and a new organization is refused it as a new one's is; the second is refused,
// identifier_taken, and left as it is.
func IdentifiersUnregistered(ctx context.Context, r linkfin.RecordReader) ([]UnregisteredIdentifier, error) {
	var out []UnregisteredIdentifier
	err := eachRecord(ctx, r, linkfin.KindOrganization, func(o *linkfin.Organization) error {
		for _, i := range o.Identifiers {
			var h linkfin.IdentifierHolder
			if found, err := readRecord(ctx, r, linkfin.KindIdentifier, i.Key(), &h); err != nil {
				return err
			} else if !found || h.OrgID != o.ID {
				out = append(out, UnregisteredIdentifier{OrgID: o.ID, Identifier: i})
			}
		}
		return nil
	})
	return out, err
}

// identifierKeys are what a change to an organization's identifiers reads: the
// organization, and the identifier's registry record.
func identifierKeys(org string, id linkfin.Identifier) []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindOrganization, ID: org}, {Kind: linkfin.KindIdentifier, ID: id.Key()}}
}

// identifierHolder reads, for a change to the identifiers of organization org that
// actor asks ("" for the operator), the organization and the identifier's registry
// record: its ID set, and its OrgID "" if no organization holds it.
func identifierHolder(tx linkfin.Tx, actor, org string, id linkfin.Identifier) (*linkfin.Organization, *linkfin.IdentifierHolder, error) {
	if actor != "" && actor != org {
		return nil, nil, linkfin.Errorf(linkfin.ENOTFOUND, "organization %s not found", org)
	}
	if err := id.Validate(); err != nil {
		return nil, nil, err
	}
	o, err := organization(tx, org)
	if err != nil {
		return nil, nil, err
	}
	h := &linkfin.IdentifierHolder{ID: id.Key()}
	if found, err := tx.Get(linkfin.KindIdentifier, h.ID, h); err != nil {
		return nil, nil, err
	} else if !found {
		h.OrgID = ""
	}
	return o, h, nil
}

// maxIdentifications bounds the identifications (PartyIdentification) of one party
// that are looked up: each is read from the registry, and then again as the invoice
// is made. EN 16931 lets a party have any number; real documents give one or two.
const maxIdentifications = 10

// mutuallyDefined is the scheme of an identifier the two trading partners agreed
// between them (UNCL's and UBL's "ZZZ"): it names the party to them alone.
const mutuallyDefined = "ZZZ"

// partyIdentifiers are the identifiers by which a document names a party: its
// electronic address, its VAT number, its legal registration id, and its
// identifications (PartyIdentification; CII GlobalID and ID) that have a scheme.
//
// An identifier with a scheme is an ISO 6523 identifier (an EAS code of 0xxx is the
// ICD of the same number): GLN 0088:5790000435975 is one identifier whether the
// document gives it as its EndpointID, its PartyLegalEntity/CompanyID or its
// PartyIdentification/ID, and an organization registers it as its endpoint or as its
// legal id. So each is looked up as both, and an identification without a scheme (a
// number one partner gives the other), or of the scheme "ZZZ", names nothing.
func partyIdentifiers(p ubl.Party) []linkfin.Identifier {
	var out []linkfin.Identifier
	seen := map[string]bool{}
	add := func(i linkfin.Identifier) {
		if k := i.Key(); !seen[k] {
			seen[k] = true
			out = append(out, i)
		}
	}
	schemed := func(scheme, value string) {
		add(linkfin.Identifier{Type: linkfin.IdentifierEndpoint, Scheme: scheme, Value: value})
		add(linkfin.Identifier{Type: linkfin.IdentifierLegal, Scheme: scheme, Value: value})
	}
	if p.Endpoint != "" && p.EndpointScheme != "" {
		schemed(p.EndpointScheme, p.Endpoint)
	}
	if p.VATID != "" {
		add(linkfin.Identifier{Type: linkfin.IdentifierVAT, Value: p.VATID})
	}
	if p.LegalID != "" {
		if p.LegalIDScheme != "" {
			schemed(p.LegalIDScheme, p.LegalID)
		} else {
			add(linkfin.Identifier{Type: linkfin.IdentifierLegal, Value: p.LegalID})
		}
	}
	for _, i := range p.Identifications {
		if names(i) {
			schemed(i.Scheme, i.ID)
		}
	}
	return out
}

// names reports whether an identification names its party to others: it has a
// scheme, and not the one two partners agreed between them.
func names(i ubl.Identification) bool {
	return i.Scheme != "" && !strings.EqualFold(i.Scheme, mutuallyDefined)
}

// partyNames names, for a message, the identifiers the document gives a party that
// partyIdentifiers looks up, as the document gives them.
func partyNames(p ubl.Party) []string {
	var out []string
	if p.Endpoint != "" && p.EndpointScheme != "" {
		out = append(out, "EndpointID "+p.EndpointScheme+":"+p.Endpoint)
	}
	if p.VATID != "" {
		out = append(out, "VAT "+p.VATID)
	}
	if p.LegalID != "" {
		out = append(out, "legal id "+strings.TrimPrefix(p.LegalIDScheme+":"+p.LegalID, ":"))
	}
	for _, i := range p.Identifications {
		if names(i) {
			out = append(out, "identification "+i.Scheme+":"+i.ID)
		}
	}
	return out
}

// Identified is what an e-invoice says of its parties and order, for CreateInvoice to
// check again as it runs: the registry ids of the identifiers that name the seller and
// the buyer, and the buyer's order number.
type Identified struct {
	Seller, Buyer []string
	OrderNumber   string
}

// keys are the registry records Identified names.
func (d *Identified) keys() []linkfin.ObjectKey {
	var keys []linkfin.ObjectKey
	for _, k := range slices.Concat(d.Seller, d.Buyer) {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindIdentifier, ID: k})
	}
	return keys
}

// check confirms, inside the command, that the identifiers still name the invoice's
// seller and buyer, and that the order is the one the document names (if it was
// found by it).
func (d *Identified) check(tx linkfin.Tx, inv *linkfin.Invoice, po *linkfin.PurchaseOrder) error {
	if err := d.checkParties(tx, inv.SellerID, inv.BuyerID); err != nil {
		return err
	}
	// The numbers compared as linkfin.NumberKey compares them: the order was found by it.
	if d.OrderNumber != "" && linkfin.WithoutIgnorables(po.Number) != linkfin.WithoutIgnorables(d.OrderNumber) {
		return linkfin.Errorf(EPARTIES, "the document names purchase order %q, not %s", d.OrderNumber, po.Number)
	}
	return nil
}

// checkParties confirms that no identifier the document gives its seller or buyer is
// registered to another organization than seller or buyer.
func (d *Identified) checkParties(tx linkfin.Tx, seller, buyer string) error {
	for _, side := range []struct {
		keys []string
		org  string
		who  string
	}{{d.Seller, seller, "seller"}, {d.Buyer, buyer, "buyer"}} {
		for _, k := range side.keys {
			var h linkfin.IdentifierHolder
			if found, err := tx.Get(linkfin.KindIdentifier, k, &h); err != nil {
				return err
			} else if found && h.OrgID != "" && h.OrgID != side.org {
				return linkfin.Errorf(EPARTIES, "the document's %s is not the invoice's: %s is another organization's", side.who, h.Identifier)
			}
		}
	}
	return nil
}

// EInvoiceParties finds what an e-invoice sent by sender names: its seller and buyer by
// the identifiers they registered (EndpointID and scheme, VAT number, legal id, the
// identifications with a scheme: partyIdentifiers), and
// the purchase order by its OrderReference, the buyer's order number. The seller must
// be the sender, or, for a self-billed invoice (389), the buyer must. Whatever does not
// match is an EPARTIES error saying what.
func EInvoiceParties(ctx context.Context, r linkfin.RecordReader, doc *ubl.Document, sender string) (seller, buyer, poID string, id *Identified, err error) {
	id = &Identified{OrderNumber: doc.OrderRef}
	if seller, id.Seller, err = identified(ctx, r, doc.Seller, "seller (AccountingSupplierParty)"); err != nil {
		return
	}
	if buyer, id.Buyer, err = identified(ctx, r, doc.Buyer, "buyer (AccountingCustomerParty)"); err != nil {
		return
	}
	issuer, role := seller, "seller"
	if doc.TypeCode == "389" {
		issuer, role = buyer, "buyer, who self-bills"
	}
	if issuer != sender {
		err = linkfin.Errorf(EPARTIES, "the document's %s is not you: a document is sent by its issuer", role)
		return
	}
	if doc.OrderRef == "" {
		err = linkfin.Errorf(EPARTIES, "the document names no purchase order (OrderReference/ID)")
		return
	}
	// The order is the buyer's with that number, to this seller; another seller's
	// order of that number is answered as one that does not exist.
	var h numberHolder
	var po linkfin.PurchaseOrder
	o, rerr := r.Object(ctx, linkfin.KindNumber, linkfin.NumberKey(buyer, linkfin.KindPurchaseOrder, doc.OrderRef))
	if rerr == nil {
		rerr = json.Unmarshal(o.Data, &h)
	}
	if rerr == nil {
		o, rerr = r.Object(ctx, linkfin.KindPurchaseOrder, h.RecordID)
	}
	if rerr == nil {
		rerr = json.Unmarshal(o.Data, &po)
	}
	if linkfin.ErrorCode(rerr) == linkfin.ENOTFOUND || rerr == nil && po.SellerID != seller {
		err = linkfin.Errorf(EPARTIES, "the buyer has no purchase order numbered %q to the seller", doc.OrderRef)
		return
	} else if rerr != nil {
		err = rerr
		return
	}
	return seller, buyer, po.ID, id, nil
}

// EInvoiceNamed is what an e-invoice sent with its purchase order and buyer given
// apart from it (POST /v1/invoices?po_id=&buyer_id=, the console's upload on an
// order) names, for CreateInvoice to hold the invoice to: a party need not have
// registered its identifiers, but one that did is the invoice's seller or buyer;
// otherwise one organization could send another's e-invoice as its own. (The order is
// the one given.)
func EInvoiceNamed(ctx context.Context, r linkfin.RecordReader, doc *ubl.Document) (*Identified, error) {
	id := &Identified{}
	var err error
	if _, id.Seller, err = identify(ctx, r, doc.Seller, "seller (AccountingSupplierParty)"); err != nil {
		return nil, err
	}
	if _, id.Buyer, err = identify(ctx, r, doc.Buyer, "buyer (AccountingCustomerParty)"); err != nil {
		return nil, err
	}
	return id, nil
}

// identified is identify, refusing a party that no registered identifier names.
func identified(ctx context.Context, r linkfin.RecordReader, p ubl.Party, role string) (string, []string, error) {
	org, keys, err := identify(ctx, r, p, role)
	if err != nil || org != "" {
		return org, keys, err
	}
	listed := partyNames(p)
	if len(listed) == 0 {
		return "", nil, linkfin.Errorf(EPARTIES, "the %s has no EndpointID with a scheme, VAT number, legal id or identification with a scheme to find it by", role)
	}
	return "", nil, linkfin.Errorf(EPARTIES, "no organization registered the %s's identifiers (%s)", role, strings.Join(listed, ", "))
}

// identify finds the organization a party's identifiers name ("" if none is
// registered), with the registry ids they have. Every identifier registered must name
// the same organization.
func identify(ctx context.Context, r linkfin.RecordReader, p ubl.Party, role string) (org string, keys []string, err error) {
	if n := len(p.Identifications); n > maxIdentifications {
		return "", nil, linkfin.Errorf(EPARTIES, "the %s has %d identifications (PartyIdentification): linkfin reads at most %d", role, n, maxIdentifications)
	}
	ids := partyIdentifiers(p)
	for _, i := range ids {
		if i.Validate() != nil {
			continue
		}
		k := i.Key()
		keys = append(keys, k) // checked again as the invoice is created
		o, err := r.Object(ctx, linkfin.KindIdentifier, k)
		if linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
			continue
		} else if err != nil {
			return "", nil, err
		}
		var h linkfin.IdentifierHolder
		if err := json.Unmarshal(o.Data, &h); err != nil {
			return "", nil, err
		}
		if h.OrgID == "" {
			continue // removed
		}
		if org != "" && h.OrgID != org {
			return "", nil, linkfin.Errorf(EPARTIES, "the %s's identifiers name two organizations", role)
		}
		org = h.OrgID
	}
	return org, keys, nil
}

// CreditNoteParties checks what a credit note sent by sender says of its parties, as
// EInvoiceParties does an invoice's: its seller is found by the identifiers it
// registered, and must be the sender (a credit note is sent by the seller that issued
// it); one that no registered identifier names is refused, as an invoice's is. What it
// answers names the identifiers of both parties, for CreateCreditNote to check against
// the invoice it credits: none may name another organization than that invoice's
// seller and buyer. The buyer need not have registered any: the buyer is the credited
// invoice's, which the note names by its number among the sender's.
func CreditNoteParties(ctx context.Context, r linkfin.RecordReader, doc *ubl.Document, sender string) (*Identified, error) {
	id := &Identified{}
	org, keys, err := identified(ctx, r, doc.Seller, "seller (AccountingSupplierParty)")
	if err != nil {
		return nil, err
	}
	if org != sender {
		return nil, linkfin.Errorf(EPARTIES, "the document's seller is not you: a document is sent by its issuer")
	}
	id.Seller = keys
	if _, id.Buyer, err = identify(ctx, r, doc.Buyer, "buyer (AccountingCustomerParty)"); err != nil {
		return nil, err
	}
	return id, nil
}
