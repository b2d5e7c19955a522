package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"time"

	"folio/analytics"
	"folio/analytics/calendar"
	"folio/analytics/report"
	"folio/analytics/store"
	"folio/generator/build"
	"folio/generator/config"
)

// analyticsSwitch is serve's visit counter, as folio.toml's [analytics]
// and [report] ask for it at the last good build: off (no database, no
// data/ folder) unless enabled, and remade when those tables change, so
// an edit to folio.toml applies without a restart.
type analyticsSwitch struct {
	root, db, siteDir, origin string
	logOut                    io.Writer
	// off is serve -no-analytics: nothing is counted whatever folio.toml says.
	off bool

	mu   sync.RWMutex
	made analyticsKey // what cur was made from
	cur  *http.ServeMux
	stop func()
}

// analyticsKey is everything in folio.toml that shapes the counter.
type analyticsKey struct {
	config.AnalyticsConfig
	RateLimit int
	K         int
	Timezone  string // which day an event counts on
	Cell      string // what retention deletes whole
}

func keyOf(cfg *config.Config) analyticsKey {
	k := analyticsKey{AnalyticsConfig: cfg.Analytics, RateLimit: -1, K: cfg.Report.K, Timezone: cfg.Timezone, Cell: cfg.Report.Cell}
	if cfg.Analytics.RateLimit != nil {
		k.RateLimit = *cfg.Analytics.RateLimit
	}
	k.AnalyticsConfig.RateLimit = nil
	k.TrustedProxies = append([]string{}, cfg.Analytics.TrustedProxies...)
	return k
}

// enabled reports whether pages built with cfg should carry the beacon.
func (a *analyticsSwitch) enabled(cfg *config.Config) bool {
	return !a.off && cfg.Analytics.Enabled
}

// apply makes the counter match cfg, writing the pending counts of the
// one it replaces. On an error counting stops until a later apply works.
func (a *analyticsSwitch) apply(cfg *config.Config) (changed bool, err error) {
	want := keyOf(cfg)
	want.Enabled = a.enabled(cfg)
	a.mu.Lock()
	defer a.mu.Unlock()
	if !want.Enabled && !a.made.Enabled || reflect.DeepEqual(want, a.made) {
		return false, nil
	}
	if a.stop != nil {
		a.stop()
		a.cur, a.stop = nil, nil
	}
	a.made = want
	if !want.Enabled {
		return true, nil
	}
	mux := http.NewServeMux()
	stop, err := mountAnalytics(mux, cfg, a)
	if err != nil {
		a.made = analyticsKey{}
		return true, err
	}
	a.cur, a.stop = mux, stop
	return true, nil
}

// or serves the counter's paths (the endpoint, /stats/) and hands every
// other request to site.
func (a *analyticsSwitch) or(site http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The lock keeps the counter open until its request is done; the
		// site's pages, which a slow reader may take long to fetch, are
		// served without it.
		a.mu.RLock()
		if a.cur != nil {
			if h, pattern := a.cur.Handler(r); pattern != "" {
				defer a.mu.RUnlock()
				h.ServeHTTP(w, r)
				return
			}
		}
		a.mu.RUnlock()
		site.ServeHTTP(w, r)
	})
}

// close writes every pending count and closes the store.
func (a *analyticsSwitch) close() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.stop != nil {
		a.stop()
		a.cur, a.stop = nil, nil
	}
}

// mountAnalytics counts visits to the served site into the database, as
// folio collect would, and serves the owner's live report at /stats/.
// The returned function writes every pending count and closes the store.
func mountAnalytics(mux *http.ServeMux, cfg *config.Config, s *analyticsSwitch) (func(), error) {
	if err := os.MkdirAll(filepath.Dir(s.db), 0o755); err != nil {
		return nil, fmt.Errorf("analytics database: %w", err)
	}
	// serve is single-site and writes its own SQLite file, whatever
	// [analytics] database names: a preview never counts into the
	// production database. With [[analytics.sites]] listed, this folder is
	// the first site.
	site := store.DefaultSite
	if len(cfg.Analytics.Sites) > 0 {
		site = cfg.Analytics.Sites[0].Name
	}
	st, err := store.Open(s.db, store.WithSite(site))
	if err != nil {
		return nil, err
	}
	retention, err := analytics.ParseRetention(cfg.Analytics.Retention)
	if err != nil {
		st.Close()
		return nil, err
	}
	rate := 60
	if cfg.Analytics.RateLimit != nil {
		rate = *cfg.Analytics.RateLimit
	}
	logger := slog.New(slog.NewTextHandler(s.logOut, nil))
	c, err := analytics.New(analytics.Config{
		Path: endpointPath(cfg), Origins: []string{s.origin}, SiteDir: s.siteDir,
		RateLimit: rate, Flush: 2 * time.Second, Retention: retention,
		Location: cfg.Location, Cell: calendar.Size(cfg.Report.Cell),
	}, st, logger)
	if err != nil {
		st.Close()
		return nil, err
	}
	c.Mount(mux)
	lr := &liveReport{root: s.root, origin: s.origin, st: st, k: cfg.Report.K, flush: c.Flush}
	mux.Handle("GET /stats/", lr)
	return func() {
		shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := c.Close(shut); err != nil {
			fmt.Fprintln(s.logOut, "analytics:", err)
		}
		if err := st.Close(); err != nil {
			fmt.Fprintln(s.logOut, "analytics:", err)
		}
	}, nil
}

// endpointPath is the path of the event endpoint on the site's own host.
func endpointPath(cfg *config.Config) string {
	if e := cfg.Analytics.Endpoint; len(e) > 0 && e[0] == '/' {
		return e
	}
	return "/api/event"
}

// liveReport is the owner's private view of the counts while writing:
// exact, today included, the report that folio report -private makes.
// It is remade at most once a minute.
type liveReport struct {
	root, origin string
	st           store.Store
	k            int
	flush        func(context.Context) error

	mu   sync.Mutex
	page []byte
	// files are the report's report.json and CSV files, which the page
	// links to beside it: /stats/referrers.csv.
	files map[string][]byte
	made  time.Time
}

// liveReportEvery bounds how often the live report is remade.
const liveReportEvery = time.Minute

func (l *liveReport) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w.Header())
	name := strings.TrimPrefix(r.URL.Path, "/stats/")
	if name != "" && !strings.HasSuffix(name, ".csv") && name != "report.json" {
		http.NotFound(w, r)
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	// A file is of the report last shown, so that it holds the numbers
	// of the page that links to it.
	if l.page == nil || (name == "" && time.Since(l.made) >= liveReportEvery) {
		page, files, err := l.render(r.Context())
		if err != nil {
			http.Error(w, "the report could not be made: "+err.Error(), http.StatusInternalServerError)
			return
		}
		l.page, l.files, l.made = page, files, time.Now()
	}
	w.Header().Set("Cache-Control", "no-store")
	if name == "" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(l.page)
		return
	}
	data, ok := l.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if strings.HasSuffix(name, ".csv") {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "application/json")
	}
	w.Write(data)
}

func (l *liveReport) render(ctx context.Context) (page []byte, files map[string][]byte, err error) {
	cfg, data, err := loadSite(l.root)
	if err != nil {
		return nil, nil, err
	}
	site, err := build.Open(ctx, build.Options{Root: l.root, Config: cfg, Data: data, BaseURL: l.origin + "/"})
	if err != nil {
		return nil, nil, err
	}
	// Today's counts, still in memory, belong in the owner's view.
	if l.flush != nil {
		if err := l.flush(ctx); err != nil {
			return nil, nil, err
		}
	}
	rep, err := report.Generate(ctx, l.st, report.Options{
		Private: true, K: l.k, Now: time.Now, Title: site.Title,
		Location: cfg.Location, Cell: calendar.Size(cfg.Report.Cell), Countries: cfg.Analytics.GeoIP != "",
	})
	if err != nil {
		return nil, nil, err
	}
	list, err := rep.Files()
	if err != nil {
		return nil, nil, err
	}
	files = make(map[string][]byte, len(list))
	for _, f := range list {
		files[f.Name] = f.Data
	}
	page, err = site.RenderPage(build.Extra{
		URL: "/stats/", Title: "Site statistics (private)", Layout: "report", Data: rep, NoSidebar: true,
		Description: fmt.Sprintf("Private: do not publish. Exact counts for %s, remade at most once a minute.", rep.Period),
	})
	return page, files, err
}
