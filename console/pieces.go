package console

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"golang.org/x/text/width"

	"linkfin"
	"linkfin/services"
)

// pieceView is a certificate piece with its lineage, and what its holder may do.
type pieceView struct {
	Out       *linkfin.CertificateOut
	Holds     bool     // the person's organization holds it, active and free
	Suppliers []string // those it may pass part of it to: its own suppliers
	History   history
	// Opens names the pieces of its lineage and its children that the person may
	// open: a funder of a piece sees its lineage but is party to none of the pieces
	// above it, and a piece passed on is its new holder's alone.
	Opens map[string]bool
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
	if v.Opens, err = c.opens(r, p, out); err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.render(w, r, http.StatusOK, "piece", "piece.title", p, v, "")
}

// opens lists the pieces of a piece's lineage and its children that the person may
// open, each read as the person would read its page.
func (c *Console) opens(r *http.Request, p *Person, out *linkfin.CertificateOut) (map[string]bool, error) {
	ids := slices.Clone(out.Children)
	if out.Lineage != nil {
		for _, l := range out.Lineage.Pieces {
			ids = append(ids, l.ID)
		}
	}
	opens := make(map[string]bool, len(ids))
	for _, id := range ids {
		if id == out.ID || opens[id] {
			opens[id] = true
			continue
		}
		_, err := services.Read(r.Context(), c.Store, p.Viewer, linkfin.KindCertificate, id)
		switch linkfin.ErrorCode(err) {
		case "":
			opens[id] = true
		case linkfin.ENOTFOUND:
		default:
			return nil, err
		}
	}
	return opens, nil
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

// amount reads an amount a person typed: grouping commas and spaces are allowed, and
// digits typed full-width, as a Chinese input method types them (１２３４．５６).
func amount(s string, cur linkfin.Currency) (int64, error) {
	s = strings.NewReplacer(",", "", " ", "", "\u00a0", "", "\u202f", "").Replace(typed(s))
	m, err := linkfin.ParseMoney(s, cur)
	if err != nil {
		return 0, err
	}
	return m.Amount, nil
}

// typed is a number a person typed, trimmed, its full-width forms read as the ASCII
// ones (１２３ as 123, ． as '.', ， as ',', the ideographic space as a space).
func typed(s string) string { return strings.TrimSpace(width.Narrow.String(s)) }

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
	return &piece, a, inField("amount", "form.amount", err)
}
