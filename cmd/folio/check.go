package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"folio/generator"
	"folio/generator/build"
	"folio/linkcheck"
)

// runCheck is folio check: it builds the site without writing it, which
// checks front matter, links inside the site, images and shortcodes, and
// with -external also asks other sites whether the links to them still
// work.
func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("check")
	root := fs.String("root", ".", "site folder: folio.toml, content/, layouts/, static/")
	external := fs.Bool("external", false, "also check links to other sites, over the network")
	cacheDir := fs.String("cache", "", "cache folder, where working links are remembered (default ROOT/.folio-cache)")
	maxAge := fs.Duration("max-age", 24*time.Hour, "how long a link found working is not asked about again")
	timeout := fs.Duration("timeout", 10*time.Second, "time limit of one request, redirects included")
	concurrency := fs.Int("concurrency", 8, "requests at once, across hosts (one host gets one at a time)")
	delay := fs.Duration("delay", time.Second, "pause between two requests to one host")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("check: unexpected argument %q", fs.Arg(0))
	}
	if *cacheDir == "" {
		*cacheDir = filepath.Join(*root, ".folio-cache")
	}
	if *concurrency < 1 || *concurrency > 64 {
		return fmt.Errorf("check: -concurrency %d: want 1 to 64", *concurrency)
	}
	if *timeout <= 0 || *maxAge < 0 || *delay < 0 {
		return errors.New("check: -timeout must be positive, -max-age and -delay not negative")
	}
	if err := checkSiteRoot(*root); err != nil {
		return err
	}
	cfg, data, err := loadSite(*root)
	if err != nil {
		return reportBuildError(stderr, err)
	}
	res, err := build.Build(ctx, build.Options{Root: *root, Config: cfg, Data: data, Warn: func(msg string) {
		fmt.Fprintln(stderr, "warning:", msg)
	}}, discard{})
	if err != nil {
		return reportBuildError(stderr, err)
	}
	fmt.Fprintf(stdout, "checked %s: no errors\n", plural(res.Pages, "page", "pages"))
	if !*external {
		return nil
	}
	hostDelay := *delay
	if hostDelay == 0 {
		hostDelay = -1 // none, where 0 would be the default
	}
	cache := linkcheck.LoadCache(*cacheDir, *maxAge)
	checker := linkcheck.New(linkcheck.Options{
		Timeout: *timeout, Concurrency: *concurrency, HostDelay: hostDelay, Cache: cache,
		UserAgent: "Folio link checker " + readBuildVersion().Module,
	})
	broken, err := checkExternal(ctx, *root, checker, stdout, stderr)
	if saveErr := cache.Save(*cacheDir, time.Now()); saveErr != nil && err == nil {
		err = saveErr
	}
	if err != nil {
		return err
	}
	if broken > 0 {
		return errReported
	}
	return nil
}

// discard is an output that keeps nothing: check builds only to find
// problems.
type discard struct{}

func (discard) WriteFile(string, []byte) error { return nil }

// outboundLink is one place a link to another site is written.
type outboundLink struct {
	file string
	line int
	url  string
}

// checkExternal checks the outbound links of every markdown file under
// content/, read through the site root, and prints the broken ones as
// file:line: link: status. It returns how many places hold a broken link.
func checkExternal(ctx context.Context, root string, checker *linkcheck.Checker, stdout, stderr io.Writer) (int, error) {
	fsys, err := generator.OpenSite(root)
	if err != nil {
		return 0, fmt.Errorf("open site: %w", err)
	}
	var links []outboundLink
	err = fs.WalkDir(fsys, "content", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !generator.IsMarkdown(name) {
			return nil
		}
		src, err := generator.ReadLimited(fsys, name, generator.MaxPageSize)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		for _, l := range linkcheck.Extract(src) {
			links = append(links, outboundLink{file: name, line: l.Line, url: l.URL})
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	urls := make([]string, len(links))
	hosts := map[string]bool{}
	for i, l := range links {
		urls[i] = l.url
		if u, err := url.Parse(l.url); err == nil {
			hosts[strings.ToLower(u.Host)] = true
		}
	}
	results := checker.Check(ctx, urls)
	sort.SliceStable(links, func(i, j int) bool {
		if links[i].file != links[j].file {
			return links[i].file < links[j].file
		}
		return links[i].line < links[j].line
	})
	broken, cached := 0, 0
	for _, r := range results {
		if r.Cached {
			cached++
		}
	}
	for _, l := range links {
		if r := results[l.url]; !r.OK() {
			broken++
			fmt.Fprintf(stderr, "%s:%d: %s: %s\n", l.file, l.line, l.url, r)
		}
	}
	fmt.Fprintf(stdout, "checked %s to %s (%d from the cache): %d broken\n",
		plural(len(results), "outbound link", "outbound links"), plural(len(hosts), "host", "hosts"), cached, broken)
	return broken, ctx.Err()
}
