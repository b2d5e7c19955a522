package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"folio/generator"

	"github.com/pelletier/go-toml/v2"
)

// ConfigFile is the name of the site's configuration file in its root.
const ConfigFile = "folio.toml"

// Config is a site's folio.toml. Every key is optional: a site with no
// folio.toml builds with the defaults. Unknown keys are errors, because a
// misspelt key that is silently ignored is worse than none.
type Config struct {
	Title    string         `toml:"title"`
	BaseURL  string         `toml:"baseURL"`
	Language string         `toml:"language"`
	Timezone string         `toml:"timezone"`
	Theme    string         `toml:"theme"`
	Params   map[string]any `toml:"params"`
	// Taxonomies are the front matter keys whose values group pages,
	// each with a page per value: ["tags"] unless set; [] turns them off.
	Taxonomies []string `toml:"taxonomies"`
	// EditURL, when set, gives every page an "Edit this page" link: the
	// URL followed by the page's source file, such as
	// https://github.com/o/r/edit/main/ + content/docs/install.md.
	EditURL string `toml:"editURL"`

	Markdown  MarkdownConfig  `toml:"markdown"`
	Build     BuildConfig     `toml:"build"`
	Analytics AnalyticsConfig `toml:"analytics"`
	Report    ReportConfig    `toml:"report"`
	History   HistoryConfig   `toml:"history"`
	// RawLanguages is the [languages] table as written; Check reads it
	// into Languages.
	RawLanguages map[string]any `toml:"languages"`
	// Languages are the site's languages, from [languages]; empty for a
	// site in one language.
	Languages Languages `toml:"-"`
	// RawVersions is the [versions] table as written; Check reads it
	// into Versions.
	RawVersions map[string]any `toml:"versions"`
	// Versions are the versions of the docs the site publishes side by
	// side, from [versions]; empty for a site of one version.
	Versions Versions  `toml:"-"`
	Nav      NavConfig `toml:"nav"`

	// Location is the time zone that Timezone names, for dates written
	// without one.
	Location *time.Location `toml:"-"`
}

// MarkdownConfig is the [markdown] table.
type MarkdownConfig struct {
	// Unsafe lets raw HTML in markdown through. Off by default.
	Unsafe bool `toml:"unsafe"`
}

// BuildConfig is the [build] table.
type BuildConfig struct {
	// FeedLimit is how many entries the Atom feed holds.
	FeedLimit int `toml:"feedLimit"`
	// BrokenLinks is "error" (the default) or "warn".
	BrokenLinks string `toml:"brokenLinks"`
	// Keep lists paths in the output folder that builds never touch.
	Keep []string `toml:"keep"`
}

// AnalyticsConfig is the [analytics] table, read by the theme (whether to
// include the beacon) and by the collector.
type AnalyticsConfig struct {
	Enabled        bool     `toml:"enabled"`
	Endpoint       string   `toml:"endpoint"`
	Retention      string   `toml:"retention"`
	GeoIP          string   `toml:"geoip"`
	TrustedProxies []string `toml:"trustedProxies"`
	RateLimit      *int     `toml:"rateLimit"`
	// Downloads are the file extensions whose links count as downloads,
	// such as ["pdf", "zip"].
	Downloads []string `toml:"downloads"`
	// Database is where folio collect and folio report keep the counts:
	// a SQLite file (relative to the root) or a postgres:// URL. Empty
	// means data/analytics.db.
	Database string `toml:"database"`
	// Sites are the sites one collector counts for, each with its own
	// origin and built folder. Empty means the one site of this folder,
	// at baseURL.
	Sites []SiteConfig `toml:"sites"`
}

// SiteConfig is one [[analytics.sites]] entry.
type SiteConfig struct {
	// Name identifies the site in the database and in folio report -site.
	Name string `toml:"name"`
	// Origin is where the site is served, such as https://docs.example.org;
	// its beacons are counted for this site alone.
	Origin string `toml:"origin"`
	// Dir is the built site (its public/ folder), relative to the root;
	// only its pages are counted.
	Dir string `toml:"dir"`
}

// ReportConfig is the [report] table.
type ReportConfig struct {
	// K is the publication threshold: counts under it are folded into
	// "Other" before a report is published.
	K int `toml:"k"`
	// Cell is "week" (the default) or "month": the whole periods a
	// public report is made of. A site with few readers a day reaches k
	// more often in a month.
	Cell string `toml:"cell"`
}

// HistoryConfig is the [history] table.
type HistoryConfig struct {
	// Git reads the git history of the content folder: each page's last
	// commit is its last-updated date, and pages that opt in publish
	// their commits as change log entries.
	Git bool `toml:"git"`
	// Changelog lists the content folders ("legal", "docs/policies")
	// whose pages publish their git history as a change log; "/" is every
	// page. nil when folio.toml does not say, which git = true warns of.
	Changelog []string `toml:"changelog"`
}

// GitChangelog reports whether a page's git history is published as its
// change log, by its source file (content/legal/privacy.md), because its
// folder is listed in [history] changelog.
func (h HistoryConfig) GitChangelog(file string) bool {
	for _, dir := range h.Changelog {
		dir = strings.Trim(dir, "/")
		if dir == "" || dir == "." || strings.HasPrefix(file, "content/"+dir+"/") {
			return true
		}
	}
	return false
}

// NavConfig is the [nav] table: how the navigation treats big sections.
type NavConfig struct {
	// SectionLimit is how many entries a section may have before its
	// pages' sidebar shows only the entries around the page being read
	// and its own page becomes an index of them all; 0 never.
	SectionLimit int `toml:"sectionLimit"`
	// Window is how many entries such a sidebar shows on each side of
	// the current one.
	Window int `toml:"window"`
	// IndexPageSize is how many entries one page of a big section's
	// index lists.
	IndexPageSize int `toml:"indexPageSize"`
	// GroupBy is the front matter key that groups a big section's index;
	// empty groups by the first letter of the title. A section's own
	// groupBy front matter wins.
	GroupBy string `toml:"groupBy"`
}

// DefaultKeep are the output paths that builds never touch unless the site
// says otherwise.
var DefaultKeep = []string{".gitkeep", ".git", "CNAME", ".nojekyll", "stats"}

// DefaultConfig is the configuration of a site without folio.toml.
func DefaultConfig() *Config {
	rl := 60
	return &Config{
		Title:      "Folio site",
		Language:   "en",
		Taxonomies: []string{"tags"},
		Timezone:   "UTC",
		Location:   time.UTC,
		Build: BuildConfig{
			FeedLimit:   50,
			BrokenLinks: "error",
			Keep:        append([]string(nil), DefaultKeep...),
		},
		Analytics: AnalyticsConfig{Endpoint: "/api/event", Retention: "760d", RateLimit: &rl},
		Report:    ReportConfig{K: 10, Cell: "week"},
		Nav:       NavConfig{SectionLimit: 50, Window: 5, IndexPageSize: 500},
	}
}

// LoadConfig reads root/folio.toml; a missing file gives DefaultConfig.
func LoadConfig(root string) (*Config, error) {
	fsys, err := generator.OpenSite(root)
	if errors.Is(err, fs.ErrNotExist) {
		return DefaultConfig(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("open site: %w", err)
	}
	return LoadConfigFS(fsys)
}

// maxConfigSize bounds folio.toml; a real one is a few hundred bytes.
const maxConfigSize = 1 << 20

// LoadConfigFS reads folio.toml from the root of fsys.
func LoadConfigFS(fsys fs.FS) (*Config, error) {
	data, err := fs.ReadFile(fsys, ConfigFile)
	if errors.Is(err, fs.ErrNotExist) {
		return DefaultConfig(), nil
	}
	if errors.Is(err, generator.ErrOutside) {
		return nil, generator.Errorf(ConfigFile, 0, "%v", err)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", ConfigFile, err)
	}
	return ParseConfig(data)
}

// ParseConfig parses the text of a folio.toml.
func ParseConfig(data []byte) (*Config, error) {
	if len(data) > maxConfigSize {
		return nil, generator.Errorf(ConfigFile, 0, "larger than %d bytes", maxConfigSize)
	}
	c := DefaultConfig()
	dec := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		return nil, configError(err)
	}
	return c, c.Check(data)
}

func configError(err error) error {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) {
		var list generator.ErrorList
		for _, e := range strict.Errors {
			row, _ := e.Position()
			list = append(list, generator.Errorf(ConfigFile, row, "unknown key %q", strings.Join(e.Key(), ".")))
		}
		return list
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, _ := de.Position()
		return generator.Errorf(ConfigFile, row, "%s", de.Error())
	}
	return generator.Errorf(ConfigFile, 0, "%s", err.Error())
}

// Check validates values that TOML's types cannot.
func (c *Config) Check(data []byte) error {
	var list generator.ErrorList
	bad := func(key, format string, args ...any) {
		list = append(list, generator.Errorf(ConfigFile, KeyLine(data, key), format, args...))
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			bad("baseURL", "baseURL %q: want an absolute http(s) URL such as https://example.org/docs/", c.BaseURL)
		} else {
			if !strings.HasSuffix(u.Path, "/") {
				u.Path += "/"
			}
			c.BaseURL = u.String()
		}
	}
	if c.EditURL != "" {
		u, err := url.Parse(c.EditURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			bad("editURL", "editURL %q: want an absolute http(s) URL such as https://github.com/owner/repo/edit/main/", c.EditURL)
		} else if !strings.HasSuffix(c.EditURL, "/") {
			c.EditURL += "/"
		}
	}
	seenTax := map[string]bool{}
	for _, t := range c.Taxonomies {
		switch {
		case !taxonomyName.MatchString(t):
			bad("taxonomies", "taxonomies: %q: want a front matter key of lower-case letters, digits, '-' or '_', such as \"tags\"", t)
		case seenTax[t]:
			bad("taxonomies", "taxonomies: %q is listed twice", t)
		case reservedKeys[t]:
			bad("taxonomies", "taxonomies: %q is a front matter key Folio reads for itself", t)
		}
		seenTax[t] = true
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil || c.Timezone == "" || strings.EqualFold(c.Timezone, "local") {
		bad("timezone", "timezone %q: want an IANA name such as Europe/Berlin or UTC", c.Timezone)
	} else {
		c.Location = loc
	}
	if c.Build.BrokenLinks != "error" && c.Build.BrokenLinks != "warn" {
		bad("brokenLinks", "brokenLinks %q: want \"error\" or \"warn\"", c.Build.BrokenLinks)
	}
	if c.Build.FeedLimit < 1 || c.Build.FeedLimit > 10000 {
		bad("feedLimit", "feedLimit %d: want 1 to 10000", c.Build.FeedLimit)
	}
	for _, d := range c.History.Changelog {
		if strings.Contains(d, "..") || strings.Contains(d, "\\") || filepath.IsAbs(strings.TrimPrefix(d, "/")) {
			bad("changelog", "changelog %q: want a folder of content/, such as \"legal\", or \"/\" for every page", d)
		}
	}
	for _, k := range c.Build.Keep {
		if k == "" || strings.HasPrefix(k, "/") || strings.Contains(k, "..") || filepath.IsAbs(k) {
			bad("keep", "keep %q: want a path inside the output folder", k)
		}
	}
	if c.Nav.SectionLimit < 0 {
		bad("sectionLimit", "sectionLimit %d: want 0 (never) or more", c.Nav.SectionLimit)
	}
	if c.Nav.Window < 1 || c.Nav.Window > 100 {
		bad("window", "window %d: want 1 to 100", c.Nav.Window)
	}
	if c.Nav.IndexPageSize < 10 || c.Nav.IndexPageSize > 10000 {
		bad("indexPageSize", "indexPageSize %d: want 10 to 10000", c.Nav.IndexPageSize)
	}
	if c.Report.K < 1 {
		bad("k", "k %d: the report threshold must be at least 1", c.Report.K)
	}
	if c.Report.Cell != "week" && c.Report.Cell != "month" {
		bad("cell", "cell %q: want \"week\" or \"month\"", c.Report.Cell)
	}
	for _, ext := range c.Analytics.Downloads {
		if ext == "" || len(ext) > 10 || strings.Trim(strings.ToLower(ext), "abcdefghijklmnopqrstuvwxyz0123456789") != "" {
			bad("downloads", "downloads %q: want extensions such as \"pdf\" or \"zip\", without a dot", ext)
		}
	}
	if c.Analytics.Endpoint != "" && !strings.HasPrefix(c.Analytics.Endpoint, "/") && !strings.HasPrefix(c.Analytics.Endpoint, "https://") {
		bad("endpoint", "endpoint %q: want a path such as /api/event or an https URL", c.Analytics.Endpoint)
	}
	if c.Analytics.RateLimit != nil && *c.Analytics.RateLimit < 0 {
		bad("rateLimit", "rateLimit %d: want 0 (off) or more", *c.Analytics.RateLimit)
	}
	seenSite := map[string]bool{}
	for _, site := range c.Analytics.Sites {
		switch u, err := url.Parse(site.Origin); {
		case !siteName.MatchString(site.Name):
			bad("name", "site name %q: want 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit", site.Name)
		case seenSite["name "+site.Name]:
			bad("name", "site name %q is listed twice", site.Name)
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "":
			bad("origin", "site %s: origin %q: want an absolute http(s) URL such as https://docs.example.org", site.Name, site.Origin)
		case seenSite["host "+strings.ToLower(u.Host)]:
			bad("origin", "site %s: host %s already belongs to another site: a beacon could not tell them apart", site.Name, u.Host)
		case site.Dir == "":
			bad("dir", "site %s: dir is empty: want the site's built folder", site.Name)
		default:
			seenSite["name "+site.Name] = true
			seenSite["host "+strings.ToLower(u.Host)] = true
		}
	}
	if c.Title == "" {
		bad("title", "title is empty")
	}
	list = append(list, c.checkLanguages(data)...)
	list = append(list, c.checkVersions(data)...)
	if len(list) > 0 {
		return list
	}
	return nil
}

// taxonomyName is the shape of a taxonomy: a front matter key that is
// also the first segment of its pages' URLs.
var taxonomyName = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)

// reservedKeys are front matter keys with a meaning of their own, which
// cannot also be a taxonomy.
var reservedKeys = map[string]bool{
	"title": true, "description": true, "date": true, "lastmod": true, "publishdate": true, "expirydate": true,
	"draft": true, "published": true, "weight": true, "slug": true, "url": true, "permalink": true, "aliases": true,
	"redirect_from": true, "layout": true, "sidebar": true, "sitemap": true, "changelog": true, "history": true,
	"search": true, "math": true, "mermaid": true, "image": true,
}

// siteName is the shape of a site's name, as the analytics store wants it.
var siteName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// KeyLine finds the 1-based line where key is set, for error messages about
// values that decoded but make no sense. 0 when it cannot tell.
func KeyLine(data []byte, key string) int {
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if rest, ok := strings.CutPrefix(line, key); ok {
			rest = strings.TrimSpace(rest)
			if strings.HasPrefix(rest, "=") {
				return i + 1
			}
		}
	}
	return 0
}
