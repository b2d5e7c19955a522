package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"folio/analytics"
	"folio/analytics/calendar"
	"folio/analytics/report"
	"folio/analytics/store"
	"folio/generator"
)

// analyticsSetup is what serve hands to mountAnalytics.
type analyticsSetup struct {
	root, db, siteDir, origin string
	logOut                    io.Writer
}

// mountAnalytics counts visits to the served site into the database, as
// folio collect would, and serves the owner's live report at /stats/.
// The returned function writes every pending count and closes the store.
func mountAnalytics(ctx context.Context, mux *http.ServeMux, s analyticsSetup) (func(), error) {
	cfg, err := generator.LoadConfig(s.root)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(s.db), 0o755); err != nil {
		return nil, fmt.Errorf("analytics database: %w", err)
	}
	st, err := store.Open(s.db)
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
func endpointPath(cfg *generator.Config) string {
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
	made time.Time
}

// liveReportEvery bounds how often the live report is remade.
const liveReportEvery = time.Minute

func (l *liveReport) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w.Header())
	if r.URL.Path != "/stats/" {
		http.NotFound(w, r)
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.page == nil || time.Since(l.made) >= liveReportEvery {
		page, err := l.render(r.Context())
		if err != nil {
			http.Error(w, "the report could not be made: "+err.Error(), http.StatusInternalServerError)
			return
		}
		l.page, l.made = page, time.Now()
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(l.page)
}

func (l *liveReport) render(ctx context.Context) ([]byte, error) {
	cfg, data, err := loadSite(l.root)
	if err != nil {
		return nil, err
	}
	site, err := generator.Open(ctx, generator.Options{Root: l.root, Config: cfg, Data: data, BaseURL: l.origin + "/"})
	if err != nil {
		return nil, err
	}
	// Today's counts, still in memory, belong in the owner's view.
	if l.flush != nil {
		if err := l.flush(ctx); err != nil {
			return nil, err
		}
	}
	rep, err := report.Generate(ctx, l.st, report.Options{
		Private: true, K: l.k, Now: time.Now, Title: site.Title,
		Location: cfg.Location, Cell: calendar.Size(cfg.Report.Cell), Countries: cfg.Analytics.GeoIP != "",
	})
	if err != nil {
		return nil, err
	}
	return site.RenderPage(generator.Extra{
		URL: "/stats/", Title: "Site statistics (private)", Layout: "report", Data: rep,
		Description: fmt.Sprintf("Private: do not publish. Exact counts for %s, remade at most once a minute.", rep.Period),
	})
}
