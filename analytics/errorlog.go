package analytics

import (
	"bytes"
	"log"
	"log/slog"
	"regexp"
)

// ServerErrorLog returns a logger for http.Server.ErrorLog. net/http logs
// some errors with the client's address ("http: TLS handshake error from
// 203.0.113.77:51234: ..."); this one sends them to logger with every
// address-shaped word replaced by "[address]". Give it to every server
// that mounts the endpoint.
func ServerErrorLog(logger *slog.Logger) *log.Logger {
	return log.New(scrubWriter{logger}, "", 0)
}

type scrubWriter struct{ log *slog.Logger }

func (w scrubWriter) Write(p []byte) (int, error) {
	msg := bytes.TrimRight(p, "\n")
	w.log.Warn(Scrub(string(msg)), "source", "net/http")
	return len(p), nil
}

// Matching generously is the point: a word like 12:30:45 being redacted
// costs nothing, an address slipping through costs a visitor's privacy.
// IPv4 first, so that IPv4-embedded IPv6 (::ffff:203.0.113.77) loses its
// IPv4 part before the IPv6 rule takes the rest.
var (
	ipv4Re = regexp.MustCompile(`\d{1,3}(?:\.\d{1,3}){3}`)
	ipv6Re = regexp.MustCompile(`\[?[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:%[0-9A-Za-z_.-]+)?\]?`)
)

// Scrub replaces anything that looks like an IPv4 or IPv6 address in s
// with "[address]".
func Scrub(s string) string {
	s = ipv4Re.ReplaceAllString(s, "[address]")
	return ipv6Re.ReplaceAllString(s, "[address]")
}
