package webhook

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// NewClient is the HTTP client a Dispatcher uses by default. An endpoint's URL is
// chosen by an organization, so the client connects to public addresses alone: not to
// loopback, private, link-local or shared addresses of the platform's own network, nor
// to any other address the IANA's registries set apart as not public (notPublic), nor
// to one that carries such an IPv4 address through NAT64 or 6to4.
// The check is made on the address dialled, after name resolution, so a name that
// resolves to a private address is refused too. It follows no redirects: a 3xx answer
// is a failed delivery.
func NewClient() *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second, Control: publicOnly}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                 nil, // a proxy would be the address checked, not the endpoint
			DialContext:           dialer.DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConnsPerHost:   2,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   5 * time.Second,
			ResponseHeaderTimeout: DefaultTimeout,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// notPublic are the blocks of the IANA special-purpose address registries (RFC 6890
// and its updates) that are not reachable on the public internet, or that reach
// through the platform's own network: this network, loopback, private and shared
// (carrier-grade NAT) space, link-local, the IETF's protocol assignments, the
// documentation and benchmarking ranges, multicast and the reserved rest; in IPv6,
// the IPv4-compatible and IPv4-translated forms of any IPv4 address, the local-use
// NAT64 prefix, discard, the IETF's protocol assignments (Teredo among them),
// documentation, segment routing, unique-local, link-local, site-local and multicast.
// IsGlobalUnicast and IsPrivate leave most of these out: 198.18.0.1 and
// 64:ff9b:1::a00:1 are "global unicast", and an address of the benchmarking range
// answers on some networks.
var notPublic = func() []netip.Prefix {
	var out []netip.Prefix
	for _, p := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
		"203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
		"::/96", "::ffff:0:0:0/96", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "3fff::/20",
		"5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
	} {
		out = append(out, netip.MustParsePrefix(p))
	}
	return out
}()

// Prefixes whose addresses carry an IPv4 address that a gateway reaches for them: the
// well-known NAT64 prefix (RFC 6052), which a NAT64 gateway of the platform's network
// translates into that address, and 6to4 (RFC 3056). Such an address is public when
// the IPv4 address it carries is.
var (
	nat64  = netip.MustParsePrefix("64:ff9b::/96")
	sixTo4 = netip.MustParsePrefix("2002::/16")
)

// public reports whether ip is an address of the public internet.
func public(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.Zone() != "" {
		return false
	}
	b := ip.As16()
	switch {
	case nat64.Contains(ip):
		return public(netip.AddrFrom4([4]byte(b[12:16])))
	case sixTo4.Contains(ip):
		return public(netip.AddrFrom4([4]byte(b[2:6])))
	}
	if !ip.IsGlobalUnicast() || ip.IsPrivate() {
		return false
	}
	for _, p := range notPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

func publicOnly(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return err
	}
	if !public(ip) {
		return errNotPublic
	}
	return nil
}

// errNotPublic is the dial of an address that is not public refused.
var errNotPublic = errors.New("the endpoint's address is not a public one")

// deliveryError says why a delivery failed, in words the endpoint's organization reads
// in its delivery log: not Go's error, which names the platform's own network (its DNS
// server, its source address and port).
func deliveryError(err error) error {
	var dns *net.DNSError
	var cert *tls.CertificateVerificationError
	var timeout interface{ Timeout() bool }
	switch {
	case errors.Is(err, errNotPublic):
		return errNotPublic
	case errors.As(err, &dns):
		return errors.New("the endpoint's host name does not resolve")
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &timeout) && timeout.Timeout():
		return errors.New("the endpoint did not answer in time")
	case errors.As(err, &cert):
		return errors.New("the endpoint's TLS certificate was not accepted")
	case refused(err):
		return errors.New("the endpoint refused the connection")
	}
	return errors.New("the endpoint could not be reached")
}
