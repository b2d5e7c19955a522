// Package loadgen sends page-view beacons to a Folio collector the way
// browsers do, from many goroutines, and counts how the collector
// answered. The load command (go run ./bench/load) and the load and fault
// tests of folio collect are built on it.
//
// Each beacon is what beacon.js sends with navigator.sendBeacon: a POST of
// {"p": path, "r": referrer} as text/plain, with the site's Origin, a
// browser's User-Agent and Accept-Language. Readers come from many
// networks: each event carries an X-Forwarded-For address from one of
// Config.Clients networks (a quarter of them IPv6), which the collector
// believes only when the load comes from one of its trusted proxies, as
// it would behind a reverse proxy.
//
// An event counts as accepted when it is answered 204 without an
// X-Folio-Reason header: that is the collector's promise to count it.
package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"net/http"
	"net/netip"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Config says what to send. Zero values mean the defaults.
type Config struct {
	// URL is the collector's endpoint: http://127.0.0.1:8081/api/event.
	URL string
	// N is how many events to send; 0 sends until ctx ends or Duration
	// passes.
	N int
	// Duration bounds the run; 0 means no bound but N.
	Duration time.Duration
	// Concurrency is how many goroutines send at once (default 32).
	Concurrency int
	// Paths are the pages the events report, in turn (default "/").
	Paths []string
	// Origin is the site's origin, sent as Origin and used for internal
	// referrers (default https://folio.example.org).
	Origin string
	// Clients is how many distinct reader networks send (default 1000).
	Clients int
	// Timeout bounds one request (default 10s).
	Timeout time.Duration
	// OnResult, when set, is called after every answered or failed event,
	// from the sending goroutine.
	OnResult func(path string, accepted bool, at time.Time)
}

// Result is what the collector answered.
type Result struct {
	Sent     int64            `json:"sent"`
	Accepted int64            `json:"accepted"`
	Reasons  map[string]int64 `json:"reasons"`  // X-Folio-Reason of 204s not counted
	Statuses map[int]int64    `json:"statuses"` // every status but 204
	Errors   int64            `json:"errors"`   // no answer: refused, reset, timed out
	// AcceptedByPath is how many events of each path were accepted.
	AcceptedByPath map[string]int64 `json:"acceptedByPath"`
	Elapsed        time.Duration    `json:"elapsed"`
	// Latency quantiles of answered requests.
	P50 time.Duration `json:"p50"`
	P90 time.Duration `json:"p90"`
	P99 time.Duration `json:"p99"`
	Max time.Duration `json:"max"`
	// FirstError is the first transport error, to say why requests failed.
	FirstError string `json:"firstError,omitempty"`
}

// Rate is answered events per second.
func (r *Result) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Sent-r.Errors) / r.Elapsed.Seconds()
}

// Realistic headers, in turn. The user agents are current desktop and
// mobile browsers the collector recognises.
var (
	userAgents = []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
		"Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
	}
	languages = []string{"en-US,en;q=0.9", "de-DE,de;q=0.9,en;q=0.8", "fr-FR,fr;q=0.9", "ja", "pt-BR,pt;q=0.9", "es-ES,es;q=0.9,en;q=0.5", "en-GB,en;q=0.9"}
	referrers = []string{"", "https://www.google.com/", "https://duckduckgo.com/", "https://news.ycombinator.com/item?id=1", "", "https://github.com/example/project", ""}
)

// Run sends the events and reports the answers. It returns early, with
// what was answered so far, when ctx ends.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.URL == "" {
		return nil, errors.New("loadgen: no URL")
	}
	if cfg.N < 0 || (cfg.N == 0 && cfg.Duration <= 0 && ctx.Done() == nil) {
		return nil, errors.New("loadgen: want a number of events, a duration or a context that ends")
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 32
	}
	if len(cfg.Paths) == 0 {
		cfg.Paths = []string{"/"}
	}
	if cfg.Origin == "" {
		cfg.Origin = "https://folio.example.org"
	}
	if cfg.Clients <= 0 {
		cfg.Clients = 1000
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Duration)
		defer cancel()
	}
	bodies := make([][]byte, 0, len(cfg.Paths)*len(referrers))
	for _, p := range cfg.Paths {
		for i, r := range referrers {
			if i == len(referrers)-1 {
				r = cfg.Origin + "/" // a reader following a link on the site
			}
			b, err := json.Marshal(struct {
				P string `json:"p"`
				R string `json:"r"`
			}{p, r})
			if err != nil {
				return nil, err
			}
			bodies = append(bodies, b)
		}
	}
	client := &http.Client{
		Timeout: cfg.Timeout,
		Transport: &http.Transport{
			MaxIdleConns:        cfg.Concurrency,
			MaxIdleConnsPerHost: cfg.Concurrency,
			IdleConnTimeout:     30 * time.Second,
		},
	}
	defer client.CloseIdleConnections()

	var (
		seq     atomic.Int64
		wg      sync.WaitGroup
		workers = make([]worker, cfg.Concurrency)
	)
	start := time.Now()
	for w := range workers {
		wk := &workers[w]
		wk.reasons, wk.statuses, wk.byPath = map[string]int64{}, map[int]int64{}, map[string]int64{}
		wg.Go(func() {
			for ctx.Err() == nil {
				i := seq.Add(1) - 1
				if cfg.N > 0 && i >= int64(cfg.N) {
					return
				}
				wk.send(ctx, client, &cfg, bodies, i)
			}
		})
	}
	wg.Wait()
	res := &Result{Reasons: map[string]int64{}, Statuses: map[int]int64{}, AcceptedByPath: map[string]int64{}, Elapsed: time.Since(start)}
	var lat histogram
	for i := range workers {
		wk := &workers[i]
		res.Sent += wk.sent
		res.Accepted += wk.accepted
		res.Errors += wk.errors
		if res.FirstError == "" {
			res.FirstError = wk.firstErr
		}
		for k, v := range wk.reasons {
			res.Reasons[k] += v
		}
		for k, v := range wk.statuses {
			res.Statuses[k] += v
		}
		for k, v := range wk.byPath {
			res.AcceptedByPath[k] += v
		}
		lat.merge(&wk.lat)
	}
	res.P50, res.P90, res.P99, res.Max = lat.quantile(0.5), lat.quantile(0.9), lat.quantile(0.99), lat.max
	return res, nil
}

// worker is one sending goroutine's tally, merged at the end so that the
// hot loop shares nothing but the sequence number.
type worker struct {
	sent, accepted, errors int64
	reasons                map[string]int64
	statuses               map[int]int64
	byPath                 map[string]int64
	lat                    histogram
	firstErr               string
}

func (w *worker) send(ctx context.Context, client *http.Client, cfg *Config, bodies [][]byte, i int64) {
	pi := int(i) % len(cfg.Paths)
	path := cfg.Paths[pi]
	body := bodies[pi*len(referrers)+int(i)/len(cfg.Paths)%len(referrers)]
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.URL, bytes.NewReader(body))
	if err != nil {
		w.fail(err)
		return
	}
	h := req.Header
	h["Content-Type"] = []string{"text/plain;charset=UTF-8"}
	h["Origin"] = []string{cfg.Origin}
	h["User-Agent"] = []string{userAgents[int(i/7)%len(userAgents)]}
	h["Accept-Language"] = []string{languages[int(i/3)%len(languages)]}
	h["Sec-Fetch-Site"] = []string{"same-origin"}
	h["Sec-Fetch-Mode"] = []string{"no-cors"}
	h["X-Forwarded-For"] = []string{ClientAddr(int(i) % cfg.Clients).String()}
	w.sent++
	t0 := time.Now()
	res, err := client.Do(req)
	if err != nil {
		w.fail(err)
		if cfg.OnResult != nil {
			cfg.OnResult(path, false, time.Now())
		}
		return
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	now := time.Now()
	w.lat.add(now.Sub(t0))
	accepted := false
	switch reason := res.Header.Get("X-Folio-Reason"); {
	case res.StatusCode != http.StatusNoContent:
		w.statuses[res.StatusCode]++
	case reason != "":
		w.reasons[reason]++
	default:
		accepted = true
		w.accepted++
		w.byPath[path]++
	}
	if cfg.OnResult != nil {
		cfg.OnResult(path, accepted, now)
	}
}

func (w *worker) fail(err error) {
	w.errors++
	if w.firstErr == "" {
		w.firstErr = err.Error()
	}
}

// ClientAddr is the address of reader network n: every network is its
// own /24 (or, for every fourth, /48), so that a collector's rate limit
// and visitors count see n different readers.
func ClientAddr(n int) netip.Addr {
	if n%4 == 3 {
		var a [16]byte
		copy(a[:], []byte{0x20, 0x01, 0x0d, 0xb8})
		a[4], a[5] = byte(n>>8), byte(n)
		a[15] = 1
		return netip.AddrFrom16(a)
	}
	// 100.64.0.0/10 (shared address space): 16,384 networks of /24.
	return netip.AddrFrom4([4]byte{100, 64 | byte(n>>8)&63, byte(n), 7})
}

// histogram keeps latencies in buckets of about 6% width, so a run of
// millions of events costs a few hundred counters.
type histogram struct {
	counts [64 * 16]int64
	n      int64
	max    time.Duration
}

func bucket(d time.Duration) int {
	us := uint64(max(d.Microseconds(), 1))
	e := bits.Len64(us) - 1 // us is in [2^e, 2^(e+1))
	var frac uint64
	if e >= 4 {
		frac = (us >> (e - 4)) & 15
	} else {
		frac = (us << (4 - e)) & 15
	}
	return e*16 + int(frac)
}

func bucketValue(i int) time.Duration {
	e, frac := i/16, i%16
	us := (uint64(16) + uint64(frac)) << e >> 4
	return time.Duration(max(us, 1)) * time.Microsecond
}

func (h *histogram) add(d time.Duration) {
	h.counts[bucket(d)]++
	h.n++
	h.max = max(h.max, d)
}

func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	want := int64(q * float64(h.n))
	var seen int64
	for i, c := range h.counts {
		seen += c
		if seen > want {
			return min(bucketValue(i), h.max)
		}
	}
	return h.max
}

// Summary is the result for people: what was sent, what was accepted,
// why the rest was not, and how fast.
func (r *Result) Summary() string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "sent      %d events in %s (%.0f answered/s)\n", r.Sent, r.Elapsed.Round(time.Millisecond), r.Rate())
	fmt.Fprintf(&b, "accepted  %d (204 without X-Folio-Reason)\n", r.Accepted)
	for _, k := range sortedKeys(r.Reasons) {
		fmt.Fprintf(&b, "refused   %d %s\n", r.Reasons[k], k)
	}
	var codes []string
	for c := range r.Statuses {
		codes = append(codes, strconv.Itoa(c))
	}
	sort.Strings(codes)
	for _, c := range codes {
		n, _ := strconv.Atoi(c)
		fmt.Fprintf(&b, "status    %d answered %s\n", r.Statuses[n], c)
	}
	if r.Errors > 0 {
		fmt.Fprintf(&b, "errors    %d unanswered (first: %s)\n", r.Errors, r.FirstError)
	}
	fmt.Fprintf(&b, "latency   p50 %s  p90 %s  p99 %s  max %s\n", r.P50, r.P90, r.P99, r.Max.Round(time.Microsecond))
	for _, p := range sortedKeys(r.AcceptedByPath) {
		fmt.Fprintf(&b, "path      %d %s\n", r.AcceptedByPath[p], p)
	}
	return b.String()
}

func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
