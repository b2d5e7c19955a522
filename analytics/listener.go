package analytics

import (
	"net"
	"net/netip"
	"sync"

	"folio/analytics/privacy"
)

// Defaults for LimitListener, as folio collect uses them.
const (
	// DefaultMaxConns bounds open connections in total: far below any
	// file descriptor limit, and about 20 MB of buffers and goroutines
	// at the bound.
	DefaultMaxConns = 1024
	// DefaultMaxConnsPerNetwork bounds the open connections of one client
	// network: a browser holds one or two to an endpoint, and a busy
	// office behind one address a few dozen; one network can hold no
	// more than a sixteenth of the total.
	DefaultMaxConnsPerNetwork = 64
)

// LimitListener returns a listener that closes, as soon as it accepts it,
// a connection past total open connections, or past perNetwork open from
// the peer's network (IPv4 /24, IPv6 /48). A client holding thousands of
// idle keep-alive connections would otherwise run the process out of file
// descriptors, and the endpoint would stop answering everyone.
//
// The network is the TCP peer's: behind a reverse proxy that is the proxy,
// which carries every reader's connections, so peers in exempt (the
// trusted proxies) are held to the total only. The open count of a network
// is kept in memory, under its truncated address, only while it has a
// connection open.
func LimitListener(ln net.Listener, total, perNetwork int, exempt []netip.Prefix) net.Listener {
	return &limitListener{Listener: ln, total: total, perNetwork: perNetwork, exempt: exempt, perNet: make(map[[16]byte]int)}
}

type limitListener struct {
	net.Listener
	total, perNetwork int
	exempt            []netip.Prefix

	mu     sync.Mutex
	open   int
	perNet map[[16]byte]int // truncated network -> open connections; no entry at zero
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		key, limited := l.network(c.RemoteAddr())
		l.mu.Lock()
		if l.open >= l.total || (limited && l.perNet[key] >= l.perNetwork) {
			l.mu.Unlock()
			c.Close() // an error here is the client gone already
			continue
		}
		l.open++
		if limited {
			l.perNet[key]++
		}
		l.mu.Unlock()
		return &limitConn{Conn: c, l: l, key: key, limited: limited}, nil
	}
}

// network returns the truncated network of a peer, and whether the
// per-network cap applies to it.
func (l *limitListener) network(a net.Addr) (key [16]byte, limited bool) {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return key, false // a Unix socket: nothing to tell peers apart by
	}
	ip, ok := netip.AddrFromSlice(tcp.IP)
	if !ok {
		return key, false
	}
	ip = ip.Unmap()
	for _, p := range l.exempt {
		if p.Contains(ip) {
			return key, false
		}
	}
	return privacy.Truncate(ip).As16(), true
}

func (l *limitListener) release(key [16]byte, limited bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	if limited {
		if n := l.perNet[key] - 1; n > 0 {
			l.perNet[key] = n
		} else {
			delete(l.perNet, key)
		}
	}
}

type limitConn struct {
	net.Conn
	l       *limitListener
	key     [16]byte
	limited bool
	once    sync.Once
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c.key, c.limited) })
	return err
}
