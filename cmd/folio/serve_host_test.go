package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

// hostStatus requests path from s with the Host header set to host and
// returns the status, reading no more than the head of a stream.
func hostStatus(t *testing.T, s *e2eServer, host, path string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s with Host %q: %v", path, host, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(res.Body, 1<<16))
	}
	return res.StatusCode
}

// TestServeRefusesOtherHosts: through DNS rebinding, a page of another
// site can make the browser send it requests for serve under that site's
// name, and read the answers: the owner's report and the event stream
// with its build errors. serve answers only to the names of this machine
// and the -addr host, and to those -allowed-hosts adds.
func TestServeRefusesOtherHosts(t *testing.T) {
	s := startServe(t, "-allowed-hosts", "docs.test, Preview.Example.")
	port := s.url[strings.LastIndexByte(s.url, ':'):]
	paths := []string{"/", "/docs/writing/", "/stats/", "/_folio/events", "/_folio/live.js"}
	for _, host := range []string{"evil.example", "evil.example" + port, "localhost.evil.example" + port, "127.0.0.1.evil.example", "docs.test.evil.example", "[::1"} {
		for _, p := range paths {
			if got := hostStatus(t, s, host, p); got != http.StatusMisdirectedRequest && got != http.StatusBadRequest {
				t.Errorf("GET %s with Host %q: status %d, want 421", p, host, got)
			}
		}
	}
	for _, host := range []string{"127.0.0.1" + port, "127.0.0.1", "localhost" + port, "LocalHost.", "[::1]" + port, "127.0.0.2" + port,
		"docs.test" + port, "DOCS.TEST", "preview.example" + port} {
		for _, p := range paths {
			if got := hostStatus(t, s, host, p); got != http.StatusOK {
				t.Errorf("GET %s with Host %q: status %d, want 200", p, host, got)
			}
		}
	}
}

func TestAllowedHosts(t *testing.T) {
	for _, tt := range []struct {
		addr, flag  string
		ok, refused []string
	}{
		{"127.0.0.1:8080", "", []string{"localhost", "127.0.0.1:8080", "[::1]:8080", "127.1.2.3", "[::ffff:127.0.0.1]:80"}, []string{"example.org", "10.0.0.1", "[::2]", "0.0.0.0"}},
		{"192.0.2.10:8080", "", []string{"192.0.2.10:8080", "localhost"}, []string{"192.0.2.11:8080", "docs.test"}},
		{"devbox.lan:8080", "", []string{"devbox.lan:8080", "DEVBOX.LAN."}, []string{"other.lan"}},
		{"[::]:8080", "docs.test, 192.0.2.7,[2001:db8::1]", []string{"docs.test", "192.0.2.7:8080", "[::1]:8080", "[2001:db8::1]:8080", "[::]:8080"}, []string{"192.0.2.8", "sub.docs.test"}},
	} {
		allow, err := parseAllowedHosts(tt.addr, tt.flag)
		if err != nil {
			t.Fatalf("parseAllowedHosts(%q, %q) = %v", tt.addr, tt.flag, err)
		}
		for _, h := range tt.ok {
			if !allow.allows(h) {
				t.Errorf("-addr %s -allowed-hosts %q: Host %q refused, want allowed", tt.addr, tt.flag, h)
			}
		}
		for _, h := range tt.refused {
			if allow.allows(h) {
				t.Errorf("-addr %s -allowed-hosts %q: Host %q allowed, want refused", tt.addr, tt.flag, h)
			}
		}
	}
	for _, bad := range []string{"http://docs.test", "docs.test/x", "a b", "docs.test:8080", "192.0.2.7:8080", "[::1]:80", "[docs.test]", strings.Repeat("a", 300)} {
		if _, err := parseAllowedHosts("127.0.0.1:8080", bad); err == nil {
			t.Errorf("parseAllowedHosts(-allowed-hosts %q) = nil, want an error", bad)
		}
	}
}
