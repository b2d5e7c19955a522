package analytics

import (
	"fmt"
	"net/netip"
	"testing"
)

// TestClientSentForwardingHeadersIgnored replays the attack on the
// README's nginx setup: the proxy sets X-Forwarded-For to the peer's
// address, and the client adds a Forwarded header of its own, different
// on every request. Only X-Forwarded-For may be believed: the client is
// one network, rate limited as one, and one visitor.
func TestClientSentForwardingHeadersIgnored(t *testing.T) {
	st, _ := openStore(t)
	const limit = 5
	c, _ := newCollector(t, st, func(cfg *Config) {
		cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		cfg.RateLimit = limit
	})
	h := c.Handler()
	counted := 0
	for i := range 50 {
		r := beaconRequest("/docs/", "")
		r.RemoteAddr = "127.0.0.1:50000"
		r.Header.Set("X-Forwarded-For", "198.51.100.23")
		r.Header.Set("Forwarded", fmt.Sprintf("for=203.0.%d.1", i))
		r.Header.Set("X-Real-IP", fmt.Sprintf("192.0.2.%d", i+1))
		if res := serve(h, r); res.Header.Get(ReasonHeader) == "" {
			counted++
		}
	}
	if counted != limit {
		t.Errorf("%d of 50 events from one client counted, want the rate limit, %d", counted, limit)
	}
	flush(t, c)
	if got := query(t, st, "2025-03-01", "2025-03-01").Visitors; len(got) != 1 || got[0].N != 1 {
		t.Errorf("visitors = %+v, want 1", got)
	}
}

// TestClientIPHeaderNamed believes the header the operator names, and no
// other, whatever the client sends beside it.
func TestClientIPHeaderNamed(t *testing.T) {
	st, _ := openStore(t)
	c, _ := newCollector(t, st, func(cfg *Config) {
		cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
		cfg.ClientIPHeader = "x-real-ip"
	})
	h := c.Handler()
	for i := range 10 {
		r := beaconRequest("/docs/", "")
		r.RemoteAddr = "10.1.1.1:50000"
		r.Header.Set("X-Real-IP", fmt.Sprintf("198.51.%d.7", 100+i%2)) // two networks
		r.Header.Set("X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
		r.Header.Set("Forwarded", fmt.Sprintf("for=192.0.2.%d", i))
		serve(h, r)
	}
	flush(t, c)
	if got := query(t, st, "2025-03-01", "2025-03-01").Visitors; len(got) != 1 || got[0].N != 2 {
		t.Errorf("visitors = %+v, want 2: the two networks of X-Real-IP", got)
	}
}

func flush(t testing.TB, c *Collector) {
	t.Helper()
	if err := c.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
}
