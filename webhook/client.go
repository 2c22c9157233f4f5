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
// loopback, private, link-local or shared addresses of the platform's own network.
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

// sharedSpace is 100.64.0.0/10, carrier-grade NAT.
var sharedSpace = netip.MustParsePrefix("100.64.0.0/10")

func publicOnly(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return err
	}
	ip = ip.Unmap()
	if !ip.IsGlobalUnicast() || ip.IsPrivate() || sharedSpace.Contains(ip) {
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
	case errors.Is(err, syscall.ECONNREFUSED):
		return errors.New("the endpoint refused the connection")
	}
	return errors.New("the endpoint could not be reached")
}
