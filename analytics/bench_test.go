package analytics

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"folio/analytics/calendar"
	"folio/analytics/geo/geotest"
)

// BenchmarkEndpoint measures the endpoint under concurrent load over real
// HTTP on loopback with keep-alive, side by side with a bare net/http
// handler that only answers 204, with the same client. The collector runs
// its full path: trusted-proxy address, country lookup, user agent,
// language and referrer parsing, the known-pages check, the rate limiter,
// the visitors HMAC and the aggregator, with SQLite writes every 10s.
// After each run every accepted event must be in the store.
//
// bare and folio run one after the other, as go test does; ab alternates
// bursts of 2,000 requests between the two servers, so that load from
// other processes on a shared machine falls on both alike, and reports
// their ratio.
//
//	go test -run '^$' -bench BenchmarkEndpoint -benchtime 5s ./analytics
func BenchmarkEndpoint(b *testing.B) {
	b.Run("bare", func(b *testing.B) {
		srv := startServer(bareHandler)
		defer srv.Close()
		if accepted := loadTest(b, srv.URL); accepted != int64(b.N) {
			b.Fatalf("%d of %d requests answered 204", accepted, b.N)
		}
	})
	b.Run("folio", func(b *testing.B) {
		c, check := benchCollector(b)
		srv := startServer(c.Handler())
		defer srv.Close()
		accepted := loadTest(b, srv.URL)
		check(accepted)
	})
	b.Run("ab", func(b *testing.B) {
		bare := startServer(bareHandler)
		defer bare.Close()
		c, check := benchCollector(b)
		folio := startServer(c.Handler())
		defer folio.Close()
		var tBare, tFolio time.Duration
		var accepted int64
		b.ReportAllocs()
		b.ResetTimer()
		for left := b.N; left > 0; left -= 2000 {
			n := min(left, 2000)
			d, ok := burst(b, bare.URL, n)
			if ok != int64(n) {
				b.Fatalf("bare: %d of %d answered 204", ok, n)
			}
			tBare += d
			d, ok = burst(b, folio.URL, n)
			tFolio += d
			accepted += ok
		}
		b.StopTimer()
		bareRate, folioRate := float64(b.N)/tBare.Seconds(), float64(b.N)/tFolio.Seconds()
		b.ReportMetric(bareRate, "bare-req/s")
		b.ReportMetric(folioRate, "events/s")
		b.ReportMetric(folioRate/bareRate, "x-bare")
		check(accepted)
	})
}

var bareHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusNoContent)
})

func startServer(h http.Handler) *httptest.Server {
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = ServerErrorLog(slog.New(slog.DiscardHandler))
	srv.Start()
	return srv
}

// benchCollector starts a collector with the full production path and
// returns a check, to call after the load, that closes it and verifies
// that exactly the accepted events were stored.
func benchCollector(b *testing.B) (*Collector, func(accepted int64)) {
	st, _ := openStore(b)
	geoPath := geotest.Write(b, geotest.MaxMind, map[string]string{"10.0.0.0/8": "DE", "203.0.0.0/16": "FR"})
	prefixes, err := ParsePrefixes([]string{"127.0.0.1"})
	if err != nil {
		b.Fatal(err)
	}
	c, err := New(Config{
		Origins:        []string{testOrigin},
		TrustedProxies: prefixes,
		SiteDir:        writeSite(b),
		GeoIP:          geoPath,
		RateLimit:      1 << 30, // exercised, never reached
	}, st, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	return c, func(accepted int64) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := c.Close(ctx); err != nil {
			b.Fatal(err)
		}
		now := time.Now().UTC()
		counts := query(b, st, calendar.DayOf(now.Add(-24*time.Hour), nil), calendar.DayOf(now.Add(24*time.Hour), nil))
		if got := sumViews(counts); accepted != int64(b.N) || got != accepted {
			b.Fatalf("%d events sent, %d accepted, %d counted", b.N, accepted, got)
		}
	}
}

// senders is how many goroutines send at once.
const senders = 32

var benchTransport = sync.OnceValue(func() *http.Transport {
	return &http.Transport{MaxIdleConns: 4 * senders, MaxIdleConnsPerHost: 2 * senders, DisableCompression: true}
})

// loadTest sends b.N beacons from 32 goroutines over keep-alive
// connections and returns how many were accepted (204 without a reason).
func loadTest(b *testing.B, url string) int64 {
	client := &http.Client{Transport: benchTransport()}
	var accepted, seq atomic.Int64
	b.SetParallelism((senders + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if !send(b, client, url, seq.Add(1), &accepted) {
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	return accepted.Load()
}

// burst sends n beacons from 32 goroutines and returns how long that took
// and how many were accepted.
func burst(b *testing.B, url string, n int) (time.Duration, int64) {
	client := &http.Client{Transport: benchTransport()}
	var accepted, seq atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range senders {
		wg.Go(func() {
			for {
				i := seq.Add(1)
				if i > int64(n) || !send(b, client, url, i, &accepted) {
					return
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start), accepted.Load()
}

// send posts one beacon; each comes from another reader: 65,536 networks
// behind the proxy, two browsers, several languages.
func send(b *testing.B, client *http.Client, url string, n int64, accepted *atomic.Int64) bool {
	req, err := http.NewRequest(http.MethodPost, url+"/api/event", bytes.NewReader(benchBody))
	if err != nil {
		b.Error(err)
		return false
	}
	req.Header["Content-Type"] = []string{"text/plain;charset=UTF-8"}
	if n%3 == 0 {
		req.Header["User-Agent"] = []string{firefoxUA}
	} else {
		req.Header["User-Agent"] = []string{chromeUA}
	}
	req.Header["Accept-Language"] = []string{langs[n%int64(len(langs))]}
	req.Header["Origin"] = []string{testOrigin}
	req.Header["X-Forwarded-For"] = []string{"10." + strconv.Itoa(int(n>>8&255)) + "." + strconv.Itoa(int(n&255)) + ".7"}
	res, err := client.Do(req)
	if err != nil {
		b.Error(err)
		return false
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode == http.StatusNoContent && res.Header.Get(ReasonHeader) == "" {
		accepted.Add(1)
	}
	return true
}

var benchBody = []byte(`{"p":"/docs/setup/","r":"https://www.search.example.com/search?q=folio+analytics"}`)

var langs = []string{"en-US,en;q=0.9", "de-DE,de;q=0.9,en;q=0.8", "fr-FR", "ja", "pt-BR,pt;q=0.9"}
