package services

import (
	"cmp"
	"context"
	"encoding/json"
	"maps"
	"slices"

	"linkfin"
)

// Who sees a program. Its anchor and its funders are its parties and see it whole.
// Its members see its terms and its live funders' pricing, so that they know whom
// they may ask and at what price, but no limit: the anchor's suppliers at every tier
// (an organization that sells, through active relationships, to one that sells … to
// the anchor; they hold or may receive its certificates) and the anchor's
// distributors (they buy from it). Every view marks the live funders that may not
// fund now Idle (markIdle), and a member's leaves them out: a program's funders say
// what its quotes and offers do.

// programsByID reads the programs org sees, as it sees them (ProgramsOf), by id.
func programsByID(ctx context.Context, s linkfin.PartyReader, org string) (map[string]*linkfin.Program, error) {
	progs, err := ProgramsOf(ctx, s, org)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*linkfin.Program, len(progs))
	for i := range progs {
		out[progs[i].ID] = &progs[i]
	}
	return out, nil
}

// ProgramsOf lists, in id order, every program the organization sees, each as it may
// see it.
func ProgramsOf(ctx context.Context, s linkfin.PartyReader, org string) ([]linkfin.Program, error) {
	seen := make(map[string]linkfin.Program)
	member := make(map[string]bool)
	err := scanParty(ctx, s, linkfin.KindProgram, org, func(data []byte) error {
		var p linkfin.Program
		if err := json.Unmarshal(data, &p); err != nil {
			return err
		}
		seen[p.ID] = p
		return nil
	})
	if err != nil {
		return nil, err
	}
	anchors, err := memberOf(ctx, s, org)
	if err != nil {
		return nil, err
	}
	for _, anchor := range anchors {
		err := scanParty(ctx, s, linkfin.KindProgram, anchor, func(data []byte) error {
			var p linkfin.Program
			if err := json.Unmarshal(data, &p); err != nil {
				return err
			}
			if _, party := seen[p.ID]; !party && p.AnchorID == anchor {
				seen[p.ID], member[p.ID] = p, true
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	out := make([]linkfin.Program, 0, len(seen))
	can := make(map[string]bool)
	for id, p := range seen {
		if err := markIdle(ctx, s, can, &p); err != nil {
			return nil, err
		}
		if member[id] {
			p = p.MemberView()
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b linkfin.Program) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// ProgramFor reads a program as the organization may see it: whole for a party, as
// a member's view for a member, and not found for anyone else.
func ProgramFor(ctx context.Context, s linkfin.PartyReader, id, org string) (*linkfin.Program, error) {
	notFound := linkfin.Errorf(linkfin.ENOTFOUND, "program %s not found", id)
	var p linkfin.Program
	if err := read(ctx, s, linkfin.KindProgram, id, &p); linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
		return nil, notFound
	} else if err != nil {
		return nil, err
	}
	party := slices.Contains(p.Parties(), org)
	if !party {
		anchors, err := memberOf(ctx, s, org)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(anchors, p.AnchorID) {
			return nil, notFound
		}
	}
	if err := markIdle(ctx, s, make(map[string]bool), &p); err != nil {
		return nil, err
	}
	if party {
		return &p, nil
	}
	v := p.MemberView()
	return &v, nil
}

// memberOf names the anchors whose programs the organization is a member of: every
// organization it sells to, directly or up the chain, and every one it buys from
// directly (as a distributor). Only active relationships count.
func memberOf(ctx context.Context, s linkfin.PartyReader, org string) ([]string, error) {
	if ix, ok := s.(linkfin.IndexReader); ok {
		return memberOfIndexed(ctx, s, ix, org)
	}
	var out []string
	member := map[string]bool{org: true}
	climbed := map[string]bool{org: true}
	add := func(id string) {
		if !member[id] {
			member[id] = true
			out = append(out, id)
		}
	}
	for frontier := []string{org}; len(frontier) > 0; {
		var next []string
		for _, x := range frontier {
			err := scanParty(ctx, s, linkfin.KindRelationship, x, func(data []byte) error {
				var r linkfin.Relationship
				if err := json.Unmarshal(data, &r); err != nil {
					return err
				}
				switch {
				case r.Status != linkfin.RelationshipActive:
				case r.SellerID == x:
					// x's customer, and its customers in turn.
					add(r.BuyerID)
					if !climbed[r.BuyerID] {
						climbed[r.BuyerID] = true
						next = append(next, r.BuyerID)
					}
				case x == org:
					// What the organization buys, it distributes: that seller alone.
					add(r.SellerID)
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
		frontier = next
	}
	return out, nil
}

// memberOfIndexed is memberOf through the ordered index, reading no relationship in
// which an organization on the way only buys: up the chain, each organization's
// active relationships as the seller (IndexSells, a handful); and of those it buys
// from, only the anchors of programs, each read by its relationship's id. An anchor
// that buys from a hundred thousand suppliers reads none of them.
func memberOfIndexed(ctx context.Context, s linkfin.PartyReader, ix linkfin.IndexReader, org string) ([]string, error) {
	var out []string
	member := map[string]bool{org: true}
	add := func(id string) bool {
		if member[id] {
			return false
		}
		member[id] = true
		out = append(out, id)
		return true
	}
	for frontier := []string{org}; len(frontier) > 0; {
		var next []string
		for _, x := range frontier {
			prefix := linkfin.IndexValue(x, "")
			for afterValue, afterID := "", ""; ; {
				page, err := ix.ListIndexed(ctx, linkfin.KindRelationship, linkfin.IndexSells, prefix, afterValue, afterID, 1000)
				if err != nil {
					return nil, err
				}
				for _, o := range page {
					var r linkfin.Relationship
					if err := json.Unmarshal(o.Data, &r); err != nil {
						return nil, err
					}
					// x's customer, and its customers in turn.
					if r.SellerID == x && r.Status == linkfin.RelationshipActive && add(r.BuyerID) {
						next = append(next, r.BuyerID)
					}
				}
				if len(page) < 1000 {
					break
				}
				afterValue, afterID = page[len(page)-1].Value, page[len(page)-1].ID
			}
		}
		frontier = next
	}
	// What the organization buys, it distributes: the programs of the anchors it buys
	// from directly.
	anchors := map[string]bool{}
	err := pages(func(after string) ([]linkfin.Object, error) {
		return s.ListObjects(ctx, linkfin.KindProgram, after, 1000)
	}, func(data []byte) error {
		var p struct {
			AnchorID string `json:"anchor_id"`
		}
		if err := json.Unmarshal(data, &p); err != nil {
			return err
		}
		anchors[p.AnchorID] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, a := range slices.Sorted(maps.Keys(anchors)) {
		if member[a] {
			continue
		}
		var r linkfin.Relationship
		switch err := read(ctx, s, linkfin.KindRelationship, linkfin.RelationshipID(org, a), &r); {
		case linkfin.ErrorCode(err) == linkfin.ENOTFOUND:
		case err != nil:
			return nil, err
		case r.Status == linkfin.RelationshipActive:
			add(a)
		}
	}
	return out, nil
}

// scanParty calls fn with every record of a kind the organization is or was party to,
// in id order.
func scanParty(ctx context.Context, s linkfin.PartyReader, kind, party string, fn func(data []byte) error) error {
	return pages(func(after string) ([]linkfin.Object, error) {
		return s.ListObjectsByParty(ctx, kind, party, after, 1000)
	}, fn)
}
