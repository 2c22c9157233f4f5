package linkfin

import (
	"slices"
	"time"
)

// Capability is what an organization may do on the platform.
type Capability string

// The capabilities of DESIGN §3.
const (
	CapTrade     Capability = "trade"     // buy and sell
	CapAnchor    Capability = "anchor"    // run programs, issue certificates; granted by the operator
	CapFund      Capability = "fund"      // finance assets
	CapLogistics Capability = "logistics" // report shipments, receipts, warehouse receipts, telemetry
	CapOperate   Capability = "operate"   // run the platform
)

var capabilities = []Capability{CapTrade, CapAnchor, CapFund, CapLogistics, CapOperate}

// Capabilities lists every capability an organization may be given.
func Capabilities() []Capability { return slices.Clone(capabilities) }

// Organization is a company on the platform.
type Organization struct {
	ID           string       `json:"id"`
	Name         string       `json:"name"`
	Capabilities []Capability `json:"capabilities"`
	// Identifiers are the electronic identifiers it registered, by which e-invoices
	// name it.
	Identifiers []Identifier `json:"identifiers,omitempty"`
	// ECNYWalletID is the organization's own e-CNY wallet it designated to pay from and
	// be paid into on the e-CNY rail (early payments, settlement).
	ECNYWalletID string `json:"ecny_wallet_id,omitempty"`
	// BankAccount is its account at a bank, which its withdrawals over the bank rail
	// are paid into: the creditor account of their credit transfer instructions. An
	// organization without one withdraws only over the e-CNY rail.
	BankAccount *BankAccount `json:"bank_account,omitempty"`
	// PendingBankAccount is an account its admin registered that waits for the
	// operator's confirmation: until then withdrawals are paid into BankAccount, so
	// that whoever takes over an admin's key cannot redirect the organization's money
	// by that key alone.
	PendingBankAccount *BankAccountChange `json:"pending_bank_account,omitempty"`
	// Address is its postal address, which a payment across borders names with it.
	Address   *PostalAddress `json:"address,omitempty"`
	CreatedAt time.Time      `json:"created_at"`
}

// KindOrganization is the record kind of organizations.
const KindOrganization = "organization"

// Can reports whether the organization has the capability.
func (o *Organization) Can(c Capability) bool { return slices.Contains(o.Capabilities, c) }

// Validate checks the fields a caller gives and puts the capabilities in their
// canonical order.
func (o *Organization) Validate() error {
	if err := ValidateID("organization id", o.ID); err != nil {
		return err
	}
	if n := len([]rune(o.Name)); n == 0 || n > MaxName {
		return Errorf(EINVALID, "an organization's name has 1 to %d characters", MaxName)
	}
	if err := ValidateText("name", o.Name, MaxName, false); err != nil {
		return err
	}
	if err := CheckCapabilities(o.Capabilities); err != nil {
		return err
	}
	slices.SortFunc(o.Capabilities, func(a, b Capability) int {
		return slices.Index(capabilities, a) - slices.Index(capabilities, b)
	})
	return nil
}

// CheckCapabilities checks the capabilities an organization is given: at least one,
// each known, none twice.
func CheckCapabilities(cs []Capability) error {
	if len(cs) == 0 {
		return Errorf(EINVALID, "an organization needs at least one capability (%v)", capabilities)
	}
	seen := make(map[Capability]bool)
	for _, c := range cs {
		if !slices.Contains(capabilities, c) {
			return Errorf(EINVALID, "unknown capability %q (known: %v)", c, capabilities)
		}
		if seen[c] {
			return Errorf(EINVALID, "capability %q is listed twice", c)
		}
		seen[c] = true
	}
	return nil
}

// ValidateID checks an id a caller gives (of a record, a line, a lot, a commodity, a
// rail instruction): 1 to MaxIDLength characters of ASCII letters, digits, '_', '.'
// and '-', starting with a letter or digit. The ids the platform gives ("po_…") are
// of the same alphabet; a relationship's id is two organization ids joined by '~'.
func ValidateID(what, id string) error {
	if len(id) == 0 || len(id) > MaxIDLength {
		return Errorf(EINVALID, "%s must have 1 to %d characters", what, MaxIDLength)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			i > 0 && (c == '-' || c == '_' || c == '.')
		if !ok {
			return Errorf(EINVALID, "%s %s may hold only letters, digits, '-', '_' and '.', and starts with a letter or digit", what, quote(id))
		}
	}
	return nil
}

// BankAccountChange is a bank account an organization's admin registered, waiting for
// the operator to confirm it (it then becomes the organization's BankAccount) or to
// reject it.
type BankAccountChange struct {
	Account     BankAccount `json:"account"`
	RequestedAt time.Time   `json:"requested_at"`
}
