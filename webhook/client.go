package webhook

import (
	"fmt"
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
		return fmt.Errorf("webhook: %s is not a public address", ip)
	}
	return nil
}
