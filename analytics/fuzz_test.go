package analytics

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzHandler sends arbitrary bodies and header values through the whole
// endpoint: it must answer 204 or 413 and nothing else, explain itself
// only with a known reason, and every count it makes must be accepted by
// the store (valid days, dimensions and clean values).
func FuzzHandler(f *testing.F) {
	f.Add([]byte(`{"p":"/docs/","r":"https://www.example.com/x"}`), chromeUA, "de-DE", "203.0.113.7, 10.0.0.1", testOrigin)
	f.Add([]byte(`{"p":"/%C3%BC/","r":"http://[::1]/"}`), firefoxUA, "*", "for=\"[2001:db8::1]:80\"", "null")
	f.Add([]byte(`{"p":"\u0000"}`), "", "", "", "")
	f.Add([]byte(strings.Repeat("a", MaxBody+1)), chromeUA, "en", "", testOrigin)
	st, _ := openStore(f)
	c, _ := newCollector(f, st, func(cfg *Config) { cfg.SiteDir = ""; cfg.RateLimit = 5 })
	h := c.Handler()
	reasons := map[string]bool{"": true, "bot": true, "unknown-page": true, "bad-request": true, "rate-limited": true, "origin": true}
	f.Fuzz(func(t *testing.T, body []byte, ua, lang, fwd, origin string) {
		r := httptest.NewRequest(http.MethodPost, "/api/event", strings.NewReader(string(body)))
		r.RemoteAddr = "127.0.0.1:9"
		for k, v := range map[string]string{"User-Agent": ua, "Accept-Language": lang, "X-Forwarded-For": fwd, "Forwarded": fwd, "Origin": origin} {
			if v != "" && utf8.ValidString(v) && !strings.ContainsAny(v, "\r\n") {
				r.Header.Set(k, v)
			}
		}
		res := serve(h, r)
		if res.StatusCode != http.StatusNoContent && res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d", res.StatusCode)
		}
		if reason := res.Header.Get(ReasonHeader); !reasons[reason] {
			t.Fatalf("reason %q", reason)
		}
		if err := c.Flush(context.Background()); err != nil {
			t.Fatalf("the store refused the counts: %v", err)
		}
	})
}
