package analytics

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var testPages = []string{"/", "/docs/", "/docs/setup/", "/policy/privacy/"}

// postBeacon sends one beacon over real HTTP and reports whether it was
// accepted: answered 204 with no reason.
func postBeacon(client *http.Client, url, path, lang string) (bool, error) {
	req, err := http.NewRequest(http.MethodPost, url+"/api/event", strings.NewReader(`{"p":"`+path+`","r":""}`))
	if err != nil {
		return false, err
	}
	req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	req.Header.Set("User-Agent", chromeUA)
	req.Header.Set("Accept-Language", lang)
	req.Header.Set("Origin", testOrigin)
	res, err := client.Do(req)
	if err != nil {
		return false, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode == http.StatusNoContent && res.Header.Get(ReasonHeader) == "", nil
}

// TestShutdownCountsEveryAcceptedEvent shuts the server down while many
// senders are still sending, as SIGTERM would, and checks that every event
// answered 204 is in the store after Close, no more and no fewer. Flushes
// run every few milliseconds meanwhile, so events race with writes too.
func TestShutdownCountsEveryAcceptedEvent(t *testing.T) {
	st, _ := openStore(t)
	c, _ := newCollector(t, st, func(cfg *Config) {
		cfg.Flush = 3 * time.Millisecond
		cfg.MaxPending = 8
	})
	srv := httptest.NewUnstartedServer(c.Handler())
	srv.Config.ErrorLog = ServerErrorLog(slog.New(slog.DiscardHandler))
	srv.Start()
	defer srv.Close()
	client := srv.Client()
	client.Transport.(*http.Transport).MaxIdleConnsPerHost = 32

	const senders = 16
	var accepted, sent atomic.Int64
	var wg sync.WaitGroup
	for i := range senders {
		wg.Go(func() {
			for j := 0; ; j++ {
				ok, err := postBeacon(client, srv.URL, testPages[(i+j)%len(testPages)], fmt.Sprintf("l%d", i%4))
				if err != nil {
					return // the server has shut down
				}
				sent.Add(1)
				if ok {
					accepted.Add(1)
				}
			}
		})
	}
	for sent.Load() < 300 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Config.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown() = %v", err)
	}
	wg.Wait()
	if err := c.Close(ctx); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	got := sumViews(query(t, st, "2025-03-01", "2025-03-01"))
	if got != accepted.Load() || got == 0 {
		t.Errorf("%d events accepted, %d counted", accepted.Load(), got)
	}
	t.Logf("%d sent, %d accepted, %d counted", sent.Load(), accepted.Load(), got)
}

// TestConcurrentSendersFlushesAndMidnight races senders against flushes
// and a day that turns: run with -race. Every accepted event must land on
// one of the two days, exactly once.
func TestConcurrentSendersFlushesAndMidnight(t *testing.T) {
	st, _ := openStore(t)
	c, clk := newCollector(t, st, func(cfg *Config) { cfg.RateLimit = 1 << 20 })
	clk.Set(time.Date(2025, 3, 1, 23, 59, 59, 0, time.UTC))
	h := c.Handler()
	var accepted atomic.Int64
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 150 {
				r := beaconRequest(testPages[j%len(testPages)], fmt.Sprintf("https://site%d.example.com/", j%7))
				r.RemoteAddr = fmt.Sprintf("192.0.%d.%d:1", i, j%250)
				res := serve(h, r)
				if res.StatusCode == http.StatusNoContent && res.Header.Get(ReasonHeader) == "" {
					accepted.Add(1)
				}
			}
		})
	}
	stop := make(chan struct{})
	var flusher sync.WaitGroup
	flusher.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if i == 20 {
				clk.Set(time.Date(2025, 3, 2, 0, 0, 1, 0, time.UTC))
			}
			if err := c.Flush(context.Background()); err != nil {
				t.Error(err)
			}
			time.Sleep(time.Millisecond)
		}
	})
	wg.Wait()
	close(stop)
	flusher.Wait()
	if err := c.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	counts := query(t, st, "2025-03-01", "2025-03-02")
	if got := sumViews(counts); got != accepted.Load() || got != 8*150 {
		t.Errorf("%d accepted of %d, %d counted", accepted.Load(), 8*150, got)
	}
	perDim := map[string]int64{}
	for _, d := range counts.Dims {
		perDim[d.Dim] += d.N
	}
	for _, dim := range []string{"browser", "os", "device", "language", "referrer"} {
		if perDim[dim] != accepted.Load() {
			t.Errorf("dimension %s sums to %d, want %d", dim, perDim[dim], accepted.Load())
		}
	}
}
