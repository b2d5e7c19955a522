package main

import (
	"errors"
	"fmt"
	"folio/generator/config"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"

	"folio/analytics"
	"folio/analytics/store"
)

// defaultDB is the database of folio serve, collect and report when
// neither -db nor folio.toml's [analytics] database names one.
var defaultDB = filepath.Join("data", "analytics.db")

// dbTarget is the database a command uses: -db when given, else
// [analytics] database, else data/analytics.db. A file path is relative to
// root; a postgres:// URL is used as it is.
func dbTarget(cfg *config.Config, root, flagValue string, flagSet bool) string {
	target := cfg.Analytics.Database
	if flagSet || target == "" {
		target = flagValue
	}
	if target == "" {
		target = defaultDB
	}
	if !store.IsPostgres(target) && !filepath.IsAbs(target) {
		target = filepath.Join(root, target)
	}
	return target
}

// describeDB names a database for messages, without a PostgreSQL
// password.
func describeDB(target string) string {
	if !store.IsPostgres(target) {
		return target
	}
	u, err := url.Parse(target)
	if err != nil {
		return "a PostgreSQL database (unreadable URL)"
	}
	return u.Redacted()
}

// siteCounter is one site that folio collect counts for.
type siteCounter struct {
	name string
	cfg  analytics.Config
}

// collectSites is the sites of folio.toml's [[analytics.sites]], each with
// its origin and built folder, or the one site of this folder (baseURL,
// -origin, -site) when none is listed.
func collectSites(cfg *config.Config, root string, f collectFlags) ([]siteCounter, error) {
	if len(cfg.Analytics.Sites) == 0 {
		ac, err := collectConfig(cfg, root, f)
		if err != nil {
			return nil, err
		}
		return []siteCounter{{name: store.DefaultSite, cfg: ac}}, nil
	}
	if f.set["origin"] || f.set["site"] {
		return nil, errors.New("-origin and -site describe a single site, but folio.toml lists [[analytics.sites]]: change the list instead")
	}
	base, err := storageConfig(cfg, root, f)
	if err != nil {
		return nil, err
	}
	var out []siteCounter
	for _, s := range cfg.Analytics.Sites {
		ac := base
		ac.Origins = []string{s.Origin}
		ac.SiteBase = siteBase(s.Origin)
		ac.SiteDir = s.Dir
		if !filepath.IsAbs(ac.SiteDir) {
			ac.SiteDir = filepath.Join(root, ac.SiteDir)
		}
		out = append(out, siteCounter{name: s.Name, cfg: ac})
	}
	return out, nil
}

// siteBase is the path a site is served under: "/" or, for an origin such
// as https://example.org/docs, "/docs/".
func siteBase(origin string) string {
	u, err := url.Parse(origin)
	if err != nil || u.Path == "" {
		return "/"
	}
	if !strings.HasSuffix(u.Path, "/") {
		return u.Path + "/"
	}
	return u.Path
}

// siteRouter sends a beacon to the collector of the site whose host sent
// it: the Origin header, or the Referer's host for the pixel, which has no
// Origin. A request from no listed host goes to the first site, whose
// origin check counts it as dropped ("origin"). Each site has its own
// collector, so its pages, its daily visitors key and its counts never
// mix with another site's.
type siteRouter struct {
	byHost map[string]http.Handler
	first  http.Handler
}

func newSiteRouter(sites []siteCounter, handlers []http.Handler) http.Handler {
	if len(handlers) == 1 {
		return handlers[0]
	}
	r := siteRouter{byHost: map[string]http.Handler{}, first: handlers[0]}
	for i, s := range sites {
		if u, err := url.Parse(s.cfg.Origins[0]); err == nil {
			r.byHost[strings.ToLower(u.Host)] = handlers[i]
		}
	}
	return r
}

func (r siteRouter) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	from := req.Header.Get("Origin")
	if from == "" {
		from = req.Referer()
	}
	h := r.first
	if u, err := url.Parse(from); err == nil && u.Host != "" {
		if x, ok := r.byHost[strings.ToLower(u.Host)]; ok {
			h = x
		}
	}
	h.ServeHTTP(w, req)
}

// siteFor finds the name given with folio report -site, or the first
// site of folio.toml (DefaultSite when it lists none).
func siteFor(cfg *config.Config, name string) (config.SiteConfig, error) {
	if len(cfg.Analytics.Sites) == 0 {
		if name == "" || name == store.DefaultSite {
			return config.SiteConfig{Name: store.DefaultSite}, nil
		}
		return config.SiteConfig{}, fmt.Errorf("site %q: folio.toml lists no [[analytics.sites]], so the only site is %q", name, store.DefaultSite)
	}
	if name == "" {
		return cfg.Analytics.Sites[0], nil
	}
	var names []string
	for _, s := range cfg.Analytics.Sites {
		if s.Name == name {
			return s, nil
		}
		names = append(names, s.Name)
	}
	return config.SiteConfig{}, fmt.Errorf("site %q: folio.toml lists %s", name, strings.Join(names, ", "))
}
