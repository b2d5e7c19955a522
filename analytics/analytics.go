// Package analytics is Folio's visit counter: the endpoint that the beacon
// on every page reports to, and the pipeline that turns a page view into
// aggregate counts without keeping anything that could identify the
// visitor.
//
// A Collector serves two routes (Config.Path, /api/event by default):
//
//	POST /api/event      {"p": "/docs/x/", "r": "https://referrer/..."} as text/plain
//	GET  /api/event.gif  ?p=/docs/x/  (the <noscript> pixel)
//
// Every well-formed request is answered at once with 204 No Content (or a
// 1x1 GIF), counted or not; a request that is not counted says why only in
// the X-Folio-Reason header (bot, dnt, gpc, unknown-page, bad-request,
// rate-limited, origin). Only misuse of HTTP gets another status: 405 for
// other methods, 413 for bodies over 2 KiB. No cookie is ever set.
//
// What happens to one request:
//
//  1. The privacy filter (package privacy) reads the request's facts: the
//     address is truncated to /24 or /48 at once and used in memory only,
//     the user agent becomes a browser family, OS family and device class,
//     Accept-Language a base language, the referrer a host name. DNT and
//     Sec-GPC stop everything right there.
//  2. The truncated address is rate limited per minute (Config.RateLimit)
//     and hashed, with a random key that lives in memory for one day of
//     the site (Config.Location), into the day's set of distinct visitors.
//  3. The aggregator adds one to views (day, path) and to each dimension
//     (day, dimension, value) separately, in memory, with at most
//     Config.MaxValues distinct values per dimension and day, of which one
//     client network may add Config.MaxNewValues, and Config.MaxNewVisitors
//     visitors; or, for an event that is not a view, to events (day, kind,
//     name), or to the not-found dimension. Beside each count it keeps how
//     many distinct networks of the day it came from, from the same
//     in-memory key.
//  4. Every Config.Flush (or earlier, when Config.MaxPending cells wait),
//     the counts are added to the store in one transaction. A failed write
//     keeps the counts and retries; Close writes everything that is left.
//
// The store (package store) therefore only ever sees sums: there is no row
// per visit, and the visitors table holds one integer per day.
//
// For operators, ServerErrorLog gives an http.Server an error log that
// cannot print client addresses, which net/http's own log does.
package analytics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"folio/analytics/calendar"
	"folio/analytics/geo"
	"folio/analytics/pages"
	"folio/analytics/privacy"
	"folio/analytics/store"
)

// Defaults for the zero values of Config.
const (
	DefaultPath       = "/api/event"
	DefaultFlush      = 10 * time.Second
	DefaultMaxPending = 10_000
	DefaultMaxValues  = 1000
	// DefaultMaxVisitors bounds the day's set of visitor hashes (8 bytes
	// each, about 40 MB with map overhead at the bound).
	DefaultMaxVisitors = 1_000_000
	// DefaultMaxLimited bounds the rate limiter's table per minute.
	DefaultMaxLimited = 100_000
	// DefaultMaxNewVisitors is how many distinct visitors one client
	// network may add a day. Visitors of one network differ only by
	// browser family and language, which few real networks have more
	// than a few dozen pairs of.
	DefaultMaxNewVisitors = 50
)

// Config is everything a Collector needs to know. The zero value of each
// field means its default.
type Config struct {
	// Path is where the endpoint listens; the pixel is Path + ".gif".
	Path string
	// Origins are the site's origins (a baseURL is reduced to its
	// origin). Beacons from other origins are not counted. Empty accepts
	// every origin: for tests, not for production.
	Origins []string
	// TrustedProxies are the networks of reverse proxies whose
	// ClientIPHeader is believed.
	TrustedProxies []netip.Prefix
	// ClientIPHeader is the one header a trusted proxy writes the
	// client's address into; X-Forwarded-For by default. Its right-most
	// address that is not a trusted proxy is the client's. Every other
	// forwarding header is ignored: a client can send any of them.
	ClientIPHeader string
	// SiteDir is the built site (public/); only its pages are counted.
	// Empty counts any well-formed path, up to MaxValues per day.
	SiteDir string
	// SiteBase is the path the site is served under, "/" by default or
	// "/docs/" for a baseURL of https://example.org/docs/.
	SiteBase string
	// GeoIP is a MaxMind-format country database. Empty leaves the
	// country dimension out.
	GeoIP string
	// RateLimit is how many events a truncated address may send per
	// minute; 0 turns the limit off.
	RateLimit int
	// Flush is how often counts are written.
	Flush time.Duration
	// MaxPending is the number of waiting cells that triggers an early
	// write.
	MaxPending int
	// MaxValues is the number of distinct values a dimension (and the
	// paths) may have per day before further ones count as "(other)".
	MaxValues int
	// MaxVisitors bounds the in-memory set of the day's visitor hashes
	// (and the table of what each network added today).
	MaxVisitors int
	// MaxNewValues is how many new distinct values (all dimensions
	// together, event names and missing paths included, and paths without
	// SiteDir) one client network, /24 or /48, may add a day; later new
	// values from it count as "(other)". MaxValues/20 by default, so no
	// fewer than twenty networks can fill a dimension.
	MaxNewValues int
	// MaxNewVisitors is how many distinct visitors one client network may
	// add a day; DefaultMaxNewVisitors by default.
	MaxNewVisitors int
	// Retention is how many days are kept at least; older days are
	// deleted once a day, a whole report cell at a time (see Cell). 0 keeps
	// everything.
	Retention int
	// Location is the site's time zone: an event counts on the date its
	// clock shows there. Nil is UTC.
	Location *time.Location
	// Cell is the site's report cell, week by default: retention deletes
	// only cells that lie wholly before the retention period, so a
	// published cell never loses a part of its days.
	Cell calendar.Size
	// Now is the clock; time.Now by default.
	Now func() time.Time
}

// Collector is the analytics endpoint and its pipeline.
type Collector struct {
	cfg     Config
	log     *slog.Logger
	st      store.Store
	filter  *privacy.Filter
	limiter *limiter
	agg     *aggregator
	geo     *geo.DB
	today   atomic.Pointer[dayCache]
	hint    sync.Once // ForwardedIgnored logged
	// missingHint is ClientIPMissing logged.
	missingHint sync.Once

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// dayCache is the day of the site's clock and the instants it starts and
// ends at, so that the day is worked out once a day, not once an event.
type dayCache struct {
	start, end int64 // Unix seconds: [start, end)
	prev       int64 // when the day before started: a clock stepped back to it keeps day
	day        string
}

// New checks cfg, reads the site's pages and the country database, and
// starts the flush loop. Call Close to stop it and write what is left.
func New(cfg Config, st store.Store, logger *slog.Logger) (*Collector, error) {
	if st == nil {
		return nil, errors.New("analytics: no store")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Path == "" {
		cfg.Path = DefaultPath
	}
	if !strings.HasPrefix(cfg.Path, "/") || strings.HasSuffix(cfg.Path, "/") || strings.ContainsAny(cfg.Path, " {}?#") {
		return nil, fmt.Errorf("analytics: endpoint path %q: want a path such as /api/event", cfg.Path)
	}
	if cfg.Flush <= 0 {
		cfg.Flush = DefaultFlush
	}
	if cfg.MaxPending <= 0 {
		cfg.MaxPending = DefaultMaxPending
	}
	if cfg.MaxValues <= 0 {
		cfg.MaxValues = DefaultMaxValues
	}
	if cfg.MaxVisitors <= 0 {
		cfg.MaxVisitors = DefaultMaxVisitors
	}
	if cfg.MaxNewValues <= 0 {
		cfg.MaxNewValues = max(cfg.MaxValues/20, 1)
	}
	if cfg.MaxNewVisitors <= 0 {
		cfg.MaxNewVisitors = DefaultMaxNewVisitors
	}
	if cfg.RateLimit < 0 || cfg.Retention < 0 {
		return nil, errors.New("analytics: rate limit and retention must not be negative")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Cell == "" {
		cfg.Cell = calendar.Week
	}
	c := &Collector{cfg: cfg, log: logger, st: st, stop: make(chan struct{}), done: make(chan struct{})}

	fc := privacy.Config{Origins: cfg.Origins, TrustedProxies: cfg.TrustedProxies, ClientIPHeader: cfg.ClientIPHeader}
	if cfg.SiteDir != "" {
		set, err := pages.New(pages.Config{Dir: cfg.SiteDir, Base: cfg.SiteBase, Now: cfg.Now, Logger: logger})
		if err != nil {
			return nil, fmt.Errorf("analytics: %w", err)
		}
		fc.Pages = set
	}
	if cfg.GeoIP != "" {
		db, err := geo.Open(cfg.GeoIP)
		if err != nil {
			return nil, fmt.Errorf("analytics: %w", err)
		}
		c.geo = db
		fc.Countries = db
	}
	f, err := privacy.New(fc)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("analytics: %w", err), c.closeGeo())
	}
	c.filter = f
	if cfg.RateLimit > 0 {
		c.limiter = newLimiter(cfg.RateLimit, DefaultMaxLimited, cfg.Now)
	}
	c.agg = newAggregator(st, logger, cfg.MaxValues, cfg.MaxPending, cfg.MaxVisitors,
		budget{values: cfg.MaxNewValues, visitors: cfg.MaxNewVisitors, paths: cfg.SiteDir == ""})
	if err := c.agg.seed(context.Background(), c.day()); err != nil {
		return nil, errors.Join(fmt.Errorf("analytics: %w", err), c.closeGeo())
	}
	go c.loop()
	return c, nil
}

func (c *Collector) closeGeo() error {
	if c.geo == nil {
		return nil
	}
	return c.geo.Close()
}

// day returns the site's current day, working it out only when it
// changes.
//
// A clock stepped back over midnight (an NTP correction) leaves the day as
// it was until the clock catches up: going back would make a second
// visitors key for a day already left, counting its readers twice, and
// change cells a report may already have published. A step back by more
// than that is a clock being repaired, and is followed.
func (c *Collector) day() string {
	t := c.cfg.Now()
	now := t.Unix()
	for {
		d := c.today.Load()
		if d != nil && ((now >= d.start && now < d.end) || (now < d.start && now >= d.prev)) {
			return d.day
		}
		next := c.dayAt(t)
		if !c.today.CompareAndSwap(d, next) {
			continue // another event moved the day meanwhile
		}
		if d != nil && next.day < d.day {
			c.log.Warn("the clock went back by more than a day; counting in the clock's day", "from", d.day, "to", next.day)
			c.agg.rotate(next.day)
		}
		return next.day
	}
}

// dayAt works out the site's day of t and the instants that bound it.
func (c *Collector) dayAt(t time.Time) *dayCache {
	now := t.Unix()
	date := calendar.DateOf(t, c.cfg.Location)
	y, m, dd := date.Time().Date()
	// time.Date resolves a midnight that a daylight-saving change skips
	// to an instant of that day, so start and end always bracket t.
	d := &dayCache{
		prev:  time.Date(y, m, dd-1, 0, 0, 0, 0, c.cfg.Location).Unix(),
		start: time.Date(y, m, dd, 0, 0, 0, 0, c.cfg.Location).Unix(),
		end:   time.Date(y, m, dd+1, 0, 0, 0, 0, c.cfg.Location).Unix(),
		day:   date.String(),
	}
	if now < d.start || now >= d.end {
		// A zone whose day does not start at midnight: cache nothing.
		d.start, d.end = now, now+1
	}
	return d
}

// loop writes the counts every Flush, or early when the aggregator asks,
// forgets yesterday's visitor key, and prunes old days once a day.
func (c *Collector) loop() {
	defer close(c.done)
	t := time.NewTicker(c.cfg.Flush)
	defer t.Stop()
	var lastFail time.Time
	pruned := ""
	for {
		early := false
		select {
		case <-c.stop:
			return
		case <-t.C:
		case <-c.agg.kick:
			early = true
		}
		now := c.cfg.Now()
		if early && now.Sub(lastFail) < c.cfg.Flush {
			// The store failed a moment ago; a full batch should not
			// turn into a retry storm. The ticker retries.
			continue
		}
		today := c.day()
		c.agg.rotate(today)
		if err := c.agg.flush(context.Background()); err != nil {
			lastFail = now
			c.log.Warn("writing counts failed; keeping them in memory to retry", "cells", c.agg.pendingCells(), "err", err)
			continue
		}
		if c.cfg.Retention > 0 && pruned != today {
			if err := c.prune(today); err != nil {
				c.log.Warn("deleting old days failed", "err", err)
			} else {
				pruned = today
			}
		}
	}
}

func (c *Collector) prune(today string) error {
	t, err := calendar.Parse(today)
	if err != nil {
		return err
	}
	// The first cell that holds a kept day is kept whole.
	before := calendar.Start(t.Add(-c.cfg.Retention), c.cfg.Cell).String()
	n, err := c.st.Prune(context.Background(), before)
	if err != nil {
		return err
	}
	if n > 0 {
		c.log.Info("deleted days past retention", "before", before, "rows", n)
	}
	return nil
}

// Flush writes the pending counts now.
func (c *Collector) Flush(ctx context.Context) error {
	c.agg.rotate(c.day())
	if err := c.agg.flush(ctx); err != nil {
		return fmt.Errorf("flush counts: %w", err)
	}
	return nil
}

// Close stops counting, then writes every pending count, retrying a
// failing store until ctx ends. Requests after Close are answered 503.
// Stop the HTTP server first (http.Server.Shutdown), so that every event
// it accepted is counted. Close does not close the store.
func (c *Collector) Close(ctx context.Context) error {
	c.closeOnce.Do(func() {
		c.agg.close()
		close(c.stop)
		<-c.done
		c.closeErr = c.finalFlush(ctx)
		if err := c.closeGeo(); err != nil {
			c.closeErr = errors.Join(c.closeErr, err)
		}
	})
	return c.closeErr
}

func (c *Collector) finalFlush(ctx context.Context) error {
	for {
		err := c.agg.flush(ctx)
		if err == nil {
			return nil
		}
		if errors.Is(err, store.ErrInvalidBatch) {
			return fmt.Errorf("final flush: %w", err)
		}
		c.log.Warn("final write failed; retrying", "err", err)
		select {
		case <-ctx.Done():
			return fmt.Errorf("final flush: %d cells not written: %w", c.agg.pendingCells(), errors.Join(err, ctx.Err()))
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Handler returns an http.Handler serving only the endpoint's two paths,
// with 405 (and Allow) for other methods and 404 for other paths: for a
// server that does nothing else, as folio collect is.
func (c *Collector) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case c.cfg.Path:
			c.serveBeacon(w, r)
		case c.cfg.Path + ".gif":
			c.servePixel(w, r)
		default:
			http.NotFound(w, r)
		}
	})
}

// Mount registers the endpoint on mux with method patterns ("POST
// /api/event", "GET /api/event.gif", and the other common methods, which get
// 405), so that it composes with a file server registered at "/" or "GET /"
// on the same mux: a method-less "/api/event" would conflict with "GET /".
func (c *Collector) Mount(mux *http.ServeMux) {
	for _, m := range []string{"POST", "GET", "PUT", "PATCH", "DELETE", "OPTIONS"} {
		mux.HandleFunc(m+" "+c.cfg.Path, c.serveBeacon)
		mux.HandleFunc(m+" "+c.cfg.Path+".gif", c.servePixel)
	}
}

// ParseRetention reads a retention such as "760d" (days; the CNIL's 25
// months) or "0" (keep everything) into days.
func ParseRetention(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
	if err != nil || n < 0 || !strings.HasSuffix(s, "d") {
		return 0, fmt.Errorf("retention %q: want a number of days such as 760d", s)
	}
	return n, nil
}

// ParsePrefixes reads trusted proxy networks: CIDRs such as 10.0.0.0/8 or
// single addresses such as 127.0.0.1 or ::1.
func ParsePrefixes(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: want a network such as 10.0.0.0/8 or an address", s)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}
