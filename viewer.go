package linkfin

import "slices"

// A Viewer is who asks to see the platform's records: an organization, or the
// platform's operator. What each may see of a record is decided once, in the domain
// (services.Read and the reads beside it), for the API and any other reader alike.
// The zero Viewer is no one, and sees nothing.
type Viewer struct {
	Org      string // the organization that asks; "" for the operator
	Operator bool   // the platform's operator, who sees every record whole
}

// Party reports whether the viewer is one of the parties named; the operator is
// party to every record.
func (v Viewer) Party(parties []string) bool {
	return v.Operator || v.Org != "" && slices.Contains(parties, v.Org)
}
