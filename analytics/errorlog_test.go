package analytics

import (
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestScrub(t *testing.T) {
	for _, msg := range []string{
		"http: TLS handshake error from 203.0.113.77:51234: EOF",
		"http: TLS handshake error from [2001:db8:1234:5678::1]:443: remote error",
		"http: panic serving 2001:db8:1234:5678::1: boom",
		"http: panic serving [fe80::1%eth0]:80: boom",
		"from ::ffff:203.0.113.77 and 2001:0db8:1234:0000:0000:0000:0000:0000",
		"http2: server connection error from 203.000.113.077:5: bad preface",
	} {
		got := Scrub(msg)
		for _, leak := range []string{"203", "2001", "db8", "fe80", "ffff"} {
			if strings.Contains(got, leak) {
				t.Errorf("Scrub(%q) = %q, still holds %q", msg, got, leak)
			}
		}
		if !strings.Contains(got, "[address]") {
			t.Errorf("Scrub(%q) = %q, want [address] in it", msg, got)
		}
	}
	if got := Scrub("writing counts failed: disk full"); got != "writing counts failed: disk full" {
		t.Errorf("Scrub() changed a message without addresses: %q", got)
	}
}

// TestServerErrorLog provokes a real net/http error-log line that carries
// the client's address (a plain-HTTP request to a TLS server) and checks
// that it arrives scrubbed.
func TestServerErrorLog(t *testing.T) {
	logs := &syncBuffer{}
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.Config.ErrorLog = ServerErrorLog(slog.New(slog.NewTextHandler(logs, nil)))
	srv.StartTLS()
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	local := conn.LocalAddr().(*net.TCPAddr)
	conn.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	conn.Read(make([]byte, 512))
	conn.Close()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "TLS handshake error") {
		if time.Now().After(deadline) {
			t.Fatalf("net/http logged no handshake error; logs: %q", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := logs.String(); strings.Contains(got, local.IP.String()) || !strings.Contains(got, "[address]") {
		t.Errorf("error log = %q, want the client address %s replaced by [address]", got, local.IP)
	}
}
