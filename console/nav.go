package console

import (
	"net/http"
	"slices"

	"linkfin"
)

// section is one of the console's sections: its page, its name, and whom it is for.
type section struct {
	Path, Key string
	// caps: an organization with one of them has the section; none: every one.
	caps []linkfin.Capability
	// admin: the header shows the section to the organization's admin (and the
	// operator) alone; the page itself answers as the API does for the role.
	admin bool
}

// sections are the header's sections in order. An organization sees those of its
// capabilities: a supplier (trade) its orders, invoices, payables, financings and
// receipts; an anchor its maturities, programs and exposure too; a funder what it
// finances and its exposure; a logistics or warehouse operator its orders' shipments
// and its receipts and devices; every one its money in and out. The platform's
// operator sees every one.
var sections = []section{
	{Path: "/", Key: "nav.home"},
	{Path: "/orders", Key: "nav.orders", caps: caps(linkfin.CapTrade, linkfin.CapLogistics)},
	{Path: "/invoices", Key: "nav.invoices", caps: caps(linkfin.CapTrade, linkfin.CapFund)},
	{Path: "/payables", Key: "nav.payables", caps: caps(linkfin.CapTrade, linkfin.CapFund)},
	{Path: "/financings", Key: "nav.financings", caps: caps(linkfin.CapTrade, linkfin.CapFund, linkfin.CapAnchor)},
	{Path: "/receipts", Key: "nav.receipts", caps: caps(linkfin.CapTrade, linkfin.CapFund, linkfin.CapLogistics)},
	{Path: "/devices", Key: "nav.devices", caps: caps(linkfin.CapLogistics)},
	{Path: "/settlements", Key: "nav.settlements", caps: caps(linkfin.CapAnchor)},
	{Path: "/programs", Key: "nav.programs", caps: caps(linkfin.CapAnchor, linkfin.CapFund)},
	{Path: "/exposure", Key: "nav.exposure", caps: caps(linkfin.CapAnchor, linkfin.CapFund)},
	{Path: "/alerts", Key: "nav.alerts", caps: caps(linkfin.CapAnchor, linkfin.CapFund)},
	{Path: "/scorecard", Key: "nav.scorecard", caps: caps(linkfin.CapTrade, linkfin.CapAnchor, linkfin.CapFund)},
	{Path: "/discounting", Key: "nav.discounting", caps: caps(linkfin.CapAnchor)},
	{Path: "/wallet", Key: "nav.wallet"},
	{Path: "/ecny", Key: "nav.ecny", caps: caps(linkfin.CapTrade, linkfin.CapFund, linkfin.CapAnchor)},
	{Path: "/conditional-payments", Key: "nav.conditional", caps: caps(linkfin.CapTrade, linkfin.CapFund, linkfin.CapAnchor, linkfin.CapLogistics)},
	{Path: "/webhooks", Key: "nav.webhooks", admin: true},
	{Path: "/organizations", Key: "nav.orgs", caps: caps(linkfin.CapOperate)},
	{Path: "/bank", Key: "nav.bank", caps: caps(linkfin.CapOperate)},
	{Path: "/payment-files", Key: "nav.payment_files", caps: caps(linkfin.CapOperate)},
	{Path: "/organization", Key: "nav.organization", admin: true},
	{Path: "/users", Key: "nav.users", admin: true},
	{Path: "/audit", Key: "nav.audit"},
}

func caps(c ...linkfin.Capability) []linkfin.Capability { return c }

// shows reports whether the person's header shows the section.
func (p *Person) shows(s *section) bool {
	return p.has(s) && (!s.admin || p.admin())
}

// has reports whether the person's organization has the section.
func (p *Person) has(s *section) bool {
	if p.Viewer.Operator {
		return true
	}
	return len(s.caps) == 0 || slices.ContainsFunc(s.caps, func(c linkfin.Capability) bool { return slices.Contains(p.Caps, c) })
}

// Nav is the sections the person's header shows.
func (p *Person) Nav() []section {
	var out []section
	for i := range sections {
		if p.shows(&sections[i]) {
			out = append(out, sections[i])
		}
	}
	return out
}

// sectionOf is the section whose page the path is.
func sectionOf(path string) *section {
	for i := range sections {
		if sections[i].Path == path {
			return &sections[i]
		}
	}
	return nil
}

// section wraps a section's page: an organization without the section finds nothing
// there, as at any page it has no business with. Records' own pages are not
// sections': who may read a record is the domain's to say.
func (c *Console) section(page func(http.ResponseWriter, *http.Request, *Person)) func(http.ResponseWriter, *http.Request, *Person) {
	return func(w http.ResponseWriter, r *http.Request, p *Person) {
		if s := sectionOf(r.URL.Path); s != nil && !p.has(s) {
			c.fail(w, r, p, linkfin.Errorf(linkfin.ENOTFOUND, "no such page"))
			return
		}
		page(w, r, p)
	}
}
