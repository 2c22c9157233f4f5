package webhook

import (
	"net/netip"
	"testing"
)

// TestPublic: an address of the public internet is public in each of its forms, the
// NAT64 and 6to4 forms of a public IPv4 address among them; see TestNoAddressSetApart
// for those that are not.
func TestPublic(t *testing.T) {
	for _, s := range []string{"8.8.8.8", "1.1.1.1", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1",
		"2001:4860:4860::8888", "2606:4700:4700::1111"} {
		if !public(netip.MustParseAddr(s)) {
			t.Errorf("%s is public", s)
		}
	}
	for _, s := range []string{"127.0.0.1", "10.1.2.3", "100.64.0.1", "169.254.169.254", "198.18.0.1", "::1", "fd00::1",
		"fe80::1", "64:ff9b::a9fe:a9fe", "2002:c0a8:101::1"} {
		if public(netip.MustParseAddr(s)) {
			t.Errorf("%s is not public", s)
		}
	}
}
