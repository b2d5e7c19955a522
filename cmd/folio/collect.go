package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"folio/analytics"
	"folio/analytics/calendar"
	"folio/analytics/privacy"
	"folio/analytics/store"
	"folio/generator/config"
)

// runCollect is folio collect: the production endpoint for page views.
// folio.toml says what it does (baseURL as the origin, [analytics]
// retention, geoip, trustedProxies, rateLimit); flags override it for
// operations.
func runCollect(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("collect")
	root := fs.String("root", ".", "site folder holding folio.toml")
	addr := fs.String("addr", "127.0.0.1:8081", "address to listen on; put a reverse proxy in front for TLS")
	dbFlag := fs.String("db", defaultDB, "SQLite file, relative to -root unless absolute, or a postgres:// URL (default: folio.toml [analytics] database)")
	site := fs.String("site", "", "the built site, whose pages alone are counted (default ROOT/public)")
	geoip := fs.String("geoip", "", "MaxMind-format country database (default: folio.toml [analytics] geoip)")
	trusted := fs.String("trusted-proxies", "", "comma-separated networks of reverse proxies whose -client-ip-header is believed (default: folio.toml trustedProxies)")
	ipHeader := fs.String("client-ip-header", privacy.DefaultClientIPHeader, "the one header the trusted proxies write the client's address into; every other forwarding header is ignored")
	origin := fs.String("origin", "", "comma-separated origins whose pages may report views (default: folio.toml baseURL)")
	flush := fs.Duration("flush", analytics.DefaultFlush, "how often counts are written to the database")
	rateLimit := fs.Int("rate-limit", defaultRateLimit, "events per minute per truncated address, 0 for no limit (default: folio.toml rateLimit)")
	retention := fs.String("retention", "", "days kept, such as 760d, or 0 for all (default: folio.toml retention)")
	maxConns := fs.Int("max-conns", analytics.DefaultMaxConns, "open connections at most; more are closed at once")
	maxConnsNet := fs.Int("max-conns-per-network", analytics.DefaultMaxConnsPerNetwork, "open connections at most from one client network (/24, /48) of the TCP peer; trusted proxies are held to -max-conns only")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("collect: unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	cfg, err := config.LoadConfig(*root)
	if err != nil {
		return reportBuildError(stderr, err)
	}
	sites, err := collectSites(cfg, *root, collectFlags{
		set: set, site: *site, geoip: *geoip, trusted: *trusted, ipHeader: *ipHeader, origin: *origin,
		flush: *flush, rateLimit: *rateLimit, retention: *retention,
	})
	if err != nil {
		return fmt.Errorf("collect: %w", err)
	}
	if *maxConns < 1 || *maxConnsNet < 1 {
		return fmt.Errorf("collect: -max-conns %d, -max-conns-per-network %d: want 1 or more", *maxConns, *maxConnsNet)
	}
	if !cfg.Analytics.Enabled {
		fmt.Fprintln(stderr, "warning: folio.toml has no [analytics] enabled = true, so the built pages carry no beacon to count")
	}
	if policy, err := declaration(cfg, *root); err == nil {
		if drift := declarationDrift(policy, analytics.Declare(sites[0].cfg, cfg.Report.K)); drift != "" {
			fmt.Fprintf(stderr, "warning: with these flags the collector stores %s: the site's privacy policy, built from folio.toml, says otherwise\n", drift)
		}
	}
	target := dbTarget(cfg, *root, *dbFlag, set["db"])

	logger := slog.New(slog.NewTextHandler(stderr, nil))
	// Rows of a database from before sites existed become the first
	// site's. The lock wait applies to a SQLite file only.
	st, err := store.OpenDatabase(ctx, target, store.WithSite(sites[0].name),
		store.WithLockWait(store.DefaultLockWait, func(wait time.Duration) {
			logger.Warn("the database is locked by another program; waiting for it", "db", describeDB(target), "wait", wait)
		}))
	if err != nil {
		return fmt.Errorf("collect: %w", err)
	}
	var collectors []*analytics.Collector
	closeAll := func(ctx context.Context) error {
		var err error
		for _, c := range collectors {
			err = errors.Join(err, c.Close(ctx))
		}
		return err
	}
	var handlers []http.Handler
	for _, s := range sites {
		l := logger
		if len(sites) > 1 {
			l = logger.With("site", s.name)
		}
		c, err := analytics.New(s.cfg, st.Site(s.name), l)
		if err != nil {
			return errors.Join(fmt.Errorf("collect: site %s: %w", s.name, err), closeAll(context.Background()), st.Close())
		}
		collectors = append(collectors, c)
		handlers = append(handlers, c.Handler())
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return errors.Join(fmt.Errorf("collect: %w", err), closeAll(context.Background()), st.Close())
	}
	// Every site shares the listener, its connection limits and the
	// trusted proxies (storageConfig, the same for all).
	ln = analytics.LimitListener(ln, *maxConns, *maxConnsNet, sites[0].cfg.TrustedProxies)
	srv := newCollectServer(newSiteRouter(sites, handlers), logger)
	fmt.Fprintf(stdout, "collecting page views at http://%s%s into %s\n", ln.Addr(), sites[0].cfg.Path, describeDB(target))

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	var serveErr error
	select {
	case serveErr = <-errc:
		serveErr = fmt.Errorf("collect: %w", serveErr)
	case <-ctx.Done():
	}
	// Stop taking requests and let those in flight finish, then write
	// every count they made: a clean stop loses nothing.
	shut, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		serveErr = errors.Join(serveErr, fmt.Errorf("collect: shutdown: %w", err))
	}
	if err := closeAll(shut); err != nil {
		serveErr = errors.Join(serveErr, fmt.Errorf("collect: %w", err))
	}
	if err := st.Close(); err != nil {
		serveErr = errors.Join(serveErr, fmt.Errorf("collect: %w", err))
	}
	return serveErr
}

// newCollectServer bounds what a client can make the endpoint hold. The
// endpoint answers at once; anything slow is a client holding a
// connection open. Bodies are bounded by the endpoint itself
// (analytics.MaxBody), and open connections by the listener
// (analytics.LimitListener).
func newCollectServer(h http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           collectHeaders(h),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		// A reader sends one beacon a page: the connection then idles
		// until the next page, if any, usually longer than this. Idle
		// connections hold places under the connection caps, and a new
		// one costs the reader a round trip, once a page at most.
		IdleTimeout:    15 * time.Second,
		MaxHeaderBytes: 16 << 10,
		ErrorLog:       analytics.ServerErrorLog(logger),
	}
}

// collectHeaderValues are sent with every answer of folio collect, which
// serves no page: nothing may be loaded, framed or sniffed. Made once and
// shared, as the endpoint answers thousands of beacons a second; net/http
// never changes a header's slice, it replaces it.
var collectHeaderValues = map[string][]string{
	"X-Content-Type-Options":  {"nosniff"},
	"Referrer-Policy":         {"no-referrer"},
	"Content-Security-Policy": {"default-src 'none'; frame-ancestors 'none'"},
}

func collectHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range collectHeaderValues {
			h[k] = v
		}
		next.ServeHTTP(w, r)
	})
}

// defaultRateLimit is the -rate-limit of folio collect.
const defaultRateLimit = 60

// collectFlags are the flags that may override folio.toml; set names the
// ones given on the command line.
type collectFlags struct {
	set                                               map[string]bool
	site, geoip, trusted, ipHeader, origin, retention string
	flush                                             time.Duration
	rateLimit                                         int
}

// collectConfig merges folio.toml and the flags into the collector's
// configuration. Paths in folio.toml are relative to the site's root.
func collectConfig(cfg *config.Config, root string, f collectFlags) (analytics.Config, error) {
	ac, err := storageConfig(cfg, root, f)
	if err != nil {
		return ac, err
	}
	origins := cfg.BaseURL
	if f.set["origin"] {
		origins = f.origin
	}
	for o := range strings.SplitSeq(origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			ac.Origins = append(ac.Origins, o)
		}
	}
	if len(ac.Origins) == 0 {
		return ac, errors.New("no origin: set baseURL in folio.toml or pass -origin https://your.site, so that only your pages can report views")
	}
	// A site served under a path (https://example.org/docs/) has its
	// pages at /docs/... in the browser and at the top of the built site.
	u, err := url.Parse(ac.Origins[0])
	if err != nil || u.Host == "" {
		return ac, fmt.Errorf("origin %q: want an absolute URL such as https://example.org", ac.Origins[0])
	}
	ac.SiteBase = u.Path
	if ac.SiteBase == "" {
		ac.SiteBase = "/"
	}
	if !strings.HasSuffix(ac.SiteBase, "/") {
		ac.SiteBase += "/"
	}

	ac.SiteDir = f.site
	if ac.SiteDir == "" {
		ac.SiteDir = filepath.Join(root, "public")
	}
	return ac, nil
}

// storageConfig is the part of collectConfig that decides what the
// collector stores (country database, rate limit, retention) and how
// often: the part the site's privacy policy declares.
func storageConfig(cfg *config.Config, root string, f collectFlags) (analytics.Config, error) {
	ac := analytics.Config{Path: collectorPath(cfg.Analytics.Endpoint), Flush: f.flush,
		Location: cfg.Location, Cell: calendar.Size(cfg.Report.Cell)}
	var err error
	if f.set["geoip"] {
		ac.GeoIP = f.geoip
	} else if g := cfg.Analytics.GeoIP; g != "" {
		ac.GeoIP = g
		if !filepath.IsAbs(g) {
			ac.GeoIP = filepath.Join(root, g)
		}
	}

	proxies := cfg.Analytics.TrustedProxies
	if f.set["trusted-proxies"] {
		proxies = strings.Split(f.trusted, ",")
	}
	if ac.TrustedProxies, err = analytics.ParsePrefixes(proxies); err != nil {
		return ac, err
	}
	ac.ClientIPHeader = f.ipHeader

	ac.RateLimit = f.rateLimit
	if !f.set["rate-limit"] && cfg.Analytics.RateLimit != nil {
		ac.RateLimit = *cfg.Analytics.RateLimit
	}
	if ac.RateLimit < 0 {
		return ac, fmt.Errorf("rate limit %d: want 0 (off) or more", ac.RateLimit)
	}

	ret := cfg.Analytics.Retention
	if f.set["retention"] {
		ret = f.retention
	}
	if ac.Retention, err = analytics.ParseRetention(ret); err != nil {
		return ac, err
	}
	if f.flush <= 0 {
		return ac, fmt.Errorf("flush %s: want a positive interval such as 10s", f.flush)
	}
	return ac, nil
}

// collectorPath is where the collector listens: the endpoint of folio.toml,
// or its path when the endpoint is a full URL (a collector on another
// host name); /api/event by default.
func collectorPath(endpoint string) string {
	if strings.HasPrefix(endpoint, "/") {
		return endpoint
	}
	if u, err := url.Parse(endpoint); err == nil && strings.HasPrefix(u.Path, "/") {
		return u.Path
	}
	return analytics.DefaultPath
}
