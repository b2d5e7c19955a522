package analytics

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"os"
	"testing"
	"time"
)

// limitServer serves 204s on a limited listener on 127.0.0.1 and reports
// each connection the server has closed.
func limitServer(t *testing.T, total, perNetwork int, exempt []netip.Prefix) (addr string, closed <-chan struct{}) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan struct{}, 64)
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }),
		ConnState: func(_ net.Conn, s http.ConnState) {
			if s == http.StateClosed {
				ch <- struct{}{}
			}
		},
	}
	go srv.Serve(LimitListener(ln, total, perNetwork, exempt))
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), ch
}

// dialFrom opens a connection to addr from the loopback address from
// (127.0.0.1, 127.0.1.1: other /24 networks, all on the loopback).
func dialFrom(t *testing.T, from, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 10 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		if from != "127.0.0.1" && os.Getenv("CI") == "" {
			t.Skipf("cannot dial from %s (only Linux routes all of 127.0.0.0/8): %v", from, err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	// Bounds a wrong answer's wait, never a right one's.
	c.SetDeadline(time.Now().Add(30 * time.Second))
	return c
}

// request sends one keep-alive request on c and reports whether it was
// answered; an unanswered request must see the connection closed, not
// hang.
func request(t *testing.T, c net.Conn) bool {
	t.Helper()
	if _, err := c.Write([]byte("POST /api/event HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")); err != nil {
		return false // closed before the write got there: refused
	}
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("the connection was neither answered nor closed: %v", err)
		}
		return false
	}
	res.Body.Close()
	return res.StatusCode == http.StatusNoContent
}

func TestLimitListenerPerNetwork(t *testing.T) {
	addr, closed := limitServer(t, 3, 2, nil)
	a1, a2 := dialFrom(t, "127.0.0.1", addr), dialFrom(t, "127.0.0.1", addr)
	if !request(t, a1) || !request(t, a2) {
		t.Fatal("the first two connections of a network were not answered")
	}
	if request(t, dialFrom(t, "127.0.0.2", addr)) {
		t.Error("a third connection from the same /24 was answered, want it closed")
	}
	if !request(t, dialFrom(t, "127.0.1.1", addr)) {
		t.Error("a connection from another network was refused while the total has room")
	}
	if request(t, dialFrom(t, "127.0.2.1", addr)) {
		t.Error("a connection past the total was answered, want it closed")
	}
	// A closed connection gives its place back.
	a1.Close()
	<-closed
	if !request(t, dialFrom(t, "127.0.0.1", addr)) {
		t.Error("a network's connection was refused after one of its others closed")
	}
}

// TestLimitListenerExemptsProxies: behind a reverse proxy every reader
// comes from the proxy's address, so the per-network cap must not apply
// to it; the total still does.
func TestLimitListenerExemptsProxies(t *testing.T) {
	addr, _ := limitServer(t, 3, 1, []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")})
	for i := range 3 {
		if !request(t, dialFrom(t, "127.0.0.1", addr)) {
			t.Fatalf("proxy connection %d refused, want only the total to apply", i+1)
		}
	}
	if request(t, dialFrom(t, "127.0.0.1", addr)) {
		t.Error("a proxy connection past the total was answered")
	}
}

func TestLimitListenerHoldsNoAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	l := LimitListener(ln, 10, 10, nil).(*limitListener)
	go func() {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err == nil {
			defer c.Close()
			c.Read(make([]byte, 1))
		}
	}()
	c, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	l.mu.Lock()
	for k := range l.perNet {
		if a := netip.AddrFrom16(k).Unmap(); a != netip.MustParseAddr("127.0.0.0") {
			t.Errorf("listener keeps %s, want only the truncated network", a)
		}
	}
	l.mu.Unlock()
	c.Close()
	l.mu.Lock()
	if len(l.perNet) != 0 || l.open != 0 {
		t.Errorf("after close: %d networks, %d open, want none", len(l.perNet), l.open)
	}
	l.mu.Unlock()
}
