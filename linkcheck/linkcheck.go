// Package linkcheck checks that the links a site makes to other sites
// still lead somewhere, politely: every request has a timeout, only so
// many run at once, one host gets one request at a time with a pause
// between them, a server that refuses HEAD is asked again with GET (whose
// body is never read), redirects are followed up to a limit, and a link
// found working is not asked about again until its cache entry expires.
//
// It is an HTTP client only; the generator, which must not do network
// I/O, never imports it. Extract finds the links in a page's markdown,
// with their lines, for reports an editor can jump to.
package linkcheck

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Options configures a Checker. Zero values take the defaults.
type Options struct {
	// Client makes the requests; one with Timeout and MaxRedirects when
	// nil.
	Client *http.Client
	// Timeout bounds each request, redirects included: 10 seconds.
	Timeout time.Duration
	// Concurrency is how many requests run at once across hosts: 8.
	Concurrency int
	// HostDelay is the pause between two requests to one host: 1 second.
	// A host never has more than one request at a time.
	HostDelay time.Duration
	// MaxRedirects is how many redirects one link may take: 5.
	MaxRedirects int
	// UserAgent names the checker to the servers it asks.
	UserAgent string
	// Cache, when set, answers for links checked recently and learns
	// from the links checked now.
	Cache *Cache
	// Now is the clock of the cache; time.Now when nil.
	Now func() time.Time
	// Wait pauses between two requests to one host; a timer when nil.
	// Tests make it return at once.
	Wait func(ctx context.Context, d time.Duration) error
}

// Result is what became of one link.
type Result struct {
	URL    string
	Status int    // the final HTTP status, 0 when there was none
	Err    string // why there is no status: a timeout, a refused connection, too many redirects
	Final  string // the address after redirects, "" when there were none
	Cached bool   // answered from the cache
}

// OK reports whether the link leads to a page: a 2xx status in the end.
func (r Result) OK() bool { return r.Err == "" && r.Status >= 200 && r.Status < 300 }

// String says what became of the link: "404 Not Found", "timeout".
func (r Result) String() string {
	var s string
	if r.Err != "" {
		s = r.Err
	} else {
		s = fmt.Sprintf("%d %s", r.Status, http.StatusText(r.Status))
	}
	if r.Final != "" {
		s += " (redirected to " + r.Final + ")"
	}
	return s
}

// Checker checks links. It is safe for one Check at a time.
type Checker struct {
	opts Options
}

// New returns a Checker with opts, defaults filled in.
func New(opts Options) *Checker {
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 8
	}
	if opts.HostDelay < 0 {
		opts.HostDelay = 0
	} else if opts.HostDelay == 0 {
		opts.HostDelay = time.Second
	}
	if opts.MaxRedirects <= 0 {
		opts.MaxRedirects = 5
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "folio-linkcheck (+https://github.com/folio)"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Wait == nil {
		opts.Wait = sleep
	}
	if opts.Client == nil {
		max := opts.MaxRedirects
		opts.Client = &http.Client{
			Timeout: opts.Timeout,
			CheckRedirect: func(req *http.Request, via []*http.Request) error {
				if len(via) > max {
					return fmt.Errorf("more than %d redirects", max)
				}
				return nil
			},
		}
	}
	return &Checker{opts: opts}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// MaxURLLength bounds a link that is checked; a longer one is reported
// as it is, unasked.
const MaxURLLength = 2048

// Check checks every link of urls, each once, and returns what became of
// each, by link.
func (c *Checker) Check(ctx context.Context, urls []string) map[string]Result {
	results := map[string]Result{}
	byHost := map[string][]string{}
	for _, u := range urls {
		if _, done := results[u]; done {
			continue
		}
		p, err := url.Parse(u)
		switch {
		case len(u) > MaxURLLength:
			results[u] = Result{URL: u, Err: fmt.Sprintf("longer than %d bytes: not checked", MaxURLLength)}
			continue
		case err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "":
			results[u] = Result{URL: u, Err: "not an http(s) address"}
			continue
		}
		if r, ok := c.opts.Cache.get(u, c.opts.Now()); ok {
			results[u] = r
			continue
		}
		results[u] = Result{URL: u} // claimed, so a repeat is skipped
		host := strings.ToLower(p.Host)
		byHost[host] = append(byHost[host], u)
	}
	hosts := make([]string, 0, len(byHost))
	for h := range byHost {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)
	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		sem = make(chan struct{}, c.opts.Concurrency)
	)
	// One goroutine per host asks it one link at a time; the semaphore
	// bounds how many hosts are asked at once.
	for _, h := range hosts {
		wg.Go(func() {
			for i, u := range byHost[h] {
				if i > 0 && c.opts.Wait(ctx, c.opts.HostDelay) != nil {
					return
				}
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					return
				}
				r := c.checkOne(ctx, u)
				<-sem
				mu.Lock()
				results[u] = r
				mu.Unlock()
				if r.OK() {
					c.opts.Cache.put(r, c.opts.Now())
				}
			}
		})
	}
	wg.Wait()
	for u, r := range results {
		if r.Status == 0 && r.Err == "" {
			r.Err = "not checked"
			if cause := context.Cause(ctx); cause != nil {
				r.Err += ": " + cause.Error()
			}
			results[u] = r
		}
	}
	return results
}

// checkOne asks for one link with HEAD, and again with GET when the
// server will not answer HEAD properly.
func (c *Checker) checkOne(ctx context.Context, u string) Result {
	r := c.request(ctx, http.MethodHead, u)
	if r.OK() || r.Status == http.StatusTooManyRequests || ctx.Err() != nil {
		return r
	}
	// Many servers answer HEAD with 403, 404, 405 or 501, or close the
	// connection, while GET works.
	return c.request(ctx, http.MethodGet, u)
}

func (c *Checker) request(ctx context.Context, method, u string) Result {
	r := Result{URL: u}
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		r.Err = err.Error()
		return r
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	req.Header.Set("Accept", "text/html,*/*;q=0.8")
	resp, err := c.opts.Client.Do(req)
	if err != nil {
		r.Err = describe(err)
		return r
	}
	// The body is not wanted: a few bytes are read so the connection
	// can be reused, then it is closed.
	_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
	resp.Body.Close()
	r.Status = resp.StatusCode
	if final := resp.Request.URL.String(); final != u {
		r.Final = final
	}
	return r
}

// describe turns a client error into a short reason.
func describe(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return "timeout"
		}
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timeout"
	}
	return err.Error()
}
