package console

import (
	"encoding/json"
	"net/http"
	"strings"

	"linkfin"
	"linkfin/services"
)

// pieceView is a certificate piece with its lineage, and what its holder may do.
type pieceView struct {
	Out       *linkfin.CertificateOut
	Holds     bool     // the person's organization holds it, active and free
	Suppliers []string // those it may pass part of it to: its own suppliers
	History   history
}

// piece shows a piece: its facts, the pieces it came from (root first) and those it
// became, and the payables, invoices and orders it stands on, as the organization may
// see them (services.CertificateFor).
func (c *Console) piece(w http.ResponseWriter, r *http.Request, p *Person) {
	out, err := services.CertificateFor(r.Context(), c.Store, p.Viewer, r.PathValue("id"))
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	v := pieceView{Out: out, Holds: p.CanAct() && out.HolderID == p.Viewer.Org && out.Status == linkfin.CertificateActive && out.FinancingID == ""}
	if v.Holds {
		if v.Suppliers, err = c.suppliers(r, p); err != nil {
			c.fail(w, r, p, err)
			return
		}
	}
	if v.History, err = c.history(r.Context(), r, p, linkfin.KindCertificate, out.ID); err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.render(w, r, http.StatusOK, "piece", "piece.title", p, v, "")
}

// suppliers are the organization's sellers in active relationships.
func (c *Console) suppliers(r *http.Request, p *Person) ([]string, error) {
	var out []string
	for after := ""; ; {
		page, err := services.List(r.Context(), c.Store, p.Viewer, linkfin.KindRelationship, services.Filter{}, after, 1000)
		if err != nil {
			return nil, err
		}
		for _, raw := range page.Data {
			var rel linkfin.Relationship
			if err := json.Unmarshal(raw, &rel); err != nil {
				return nil, err
			}
			if rel.BuyerID == p.Viewer.Org && rel.Status == linkfin.RelationshipActive {
				out = append(out, rel.SellerID)
			}
		}
		if page.NextCursor == "" {
			return out, nil
		}
		after = page.NextCursor
	}
}

// amount reads an amount a person typed: grouping commas and spaces are allowed.
func amount(s string, cur linkfin.Currency) (int64, error) {
	s = strings.NewReplacer(",", "", " ", "", "，", "").Replace(strings.TrimSpace(s))
	m, err := linkfin.ParseMoney(s, cur)
	if err != nil {
		return 0, err
	}
	return m.Amount, nil
}

// splitPiece divides a piece the organization holds in two: the amount typed, and the
// rest.
func (c *Console) splitPiece(w http.ResponseWriter, r *http.Request, p *Person) {
	piece, a, err := c.pieceAmount(r, p)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	rest, err := linkfin.Sub(piece.Face, a)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	cmd := &services.SplitCertificate{Actor: p.Viewer.Org, ID: piece.ID, Pieces: []linkfin.Piece{{Face: a}, {Face: rest}}}
	if _, err := c.act(r.Context(), p, r.PostForm, cmd); err != nil {
		c.fail(w, r, p, err)
		return
	}
	done(w, r, "/pieces/"+piece.ID)
}

// passPiece passes part of a piece (or all of it) to one of the organization's own
// suppliers, who holds it from now.
func (c *Console) passPiece(w http.ResponseWriter, r *http.Request, p *Person) {
	piece, a, err := c.pieceAmount(r, p)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	cmd := &services.TransferCertificate{Actor: p.Viewer.Org, ID: piece.ID, To: r.PostFormValue("to"), Amount: a}
	if _, err := c.act(r.Context(), p, r.PostForm, cmd); err != nil {
		c.fail(w, r, p, err)
		return
	}
	done(w, r, "/pieces/"+piece.ID)
}

// pieceAmount reads the piece of the path as the organization sees it, and the amount
// the form gives, in the piece's currency.
func (c *Console) pieceAmount(r *http.Request, p *Person) (*linkfin.Certificate, int64, error) {
	var piece linkfin.Certificate
	if err := services.ReadAs(r.Context(), c.Store, p.Viewer, linkfin.KindCertificate, r.PathValue("id"), &piece); err != nil {
		return nil, 0, err
	}
	a, err := amount(r.PostFormValue("amount"), piece.Currency)
	return &piece, a, err
}
