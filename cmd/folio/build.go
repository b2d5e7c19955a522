package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"time"

	"folio/generator"
	"folio/generator/build"

	"golang.org/x/term"
)

func runBuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("build")
	root := fs.String("root", ".", "site folder: folio.toml, content/, layouts/, static/")
	out := fs.String("out", "", "output folder (default ROOT/public)")
	drafts := fs.Bool("drafts", false, "include pages marked draft: true")
	future := fs.Bool("future", false, "include pages whose publishDate is still to come, with a banner")
	expired := fs.Bool("expired", false, "include pages whose expiryDate is past, with a banner")
	baseURL := fs.String("baseurl", "", "absolute URL of the site, overriding folio.toml's baseURL")
	noMinify := fs.Bool("no-minify", false, "write HTML, CSS and JS as the templates made them")
	quiet := fs.Bool("quiet", false, "print nothing but errors")
	cacheDir := fs.String("cache", "", "build cache folder (default ROOT/.folio-cache)")
	noCache := fs.Bool("no-cache", false, "render every page, and neither read nor write the build cache")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the build to this file, for go tool pprof")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("build: unexpected argument %q", fs.Arg(0))
	}
	if *out == "" {
		*out = filepath.Join(*root, "public")
	}
	if *cacheDir == "" {
		*cacheDir = filepath.Join(*root, ".folio-cache")
	}
	if *noCache {
		*cacheDir = ""
	}
	if err := checkSiteRoot(*root); err != nil {
		return err
	}
	cfg, data, err := loadSite(*root)
	if err != nil {
		return reportBuildError(stderr, err)
	}
	opts := build.Options{
		Root: *root, Config: cfg, Data: data, Drafts: *drafts, Future: *future, Expired: *expired, BaseURL: *baseURL, NoMinify: *noMinify, CacheDir: *cacheDir,
		Warn: func(msg string) {
			if !*quiet {
				fmt.Fprintln(stderr, "warning:", msg)
			}
		},
	}
	// Progress is for people watching a terminal, never for CI logs.
	if f, ok := stderr.(*os.File); ok && !*quiet && term.IsTerminal(int(f.Fd())) {
		opts.Progress = progressPrinter(f)
	}
	opts.Loaded = limitMemory
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	res, err := build.BuildDir(ctx, opts, *out)
	if err != nil {
		return reportBuildError(stderr, err)
	}
	if !*quiet {
		fmt.Fprintf(stdout, "built %s into %s in %s (%d rendered%s, %s written%s)\n", plural(res.Pages, "page", "pages"), *out, time.Since(start).Round(time.Millisecond), res.Rendered, reusedSummary(res), plural(res.Files, "file", "files"), liquidSummary(res))
	}
	return nil
}

// reusedSummary counts the pages of a site of several versions whose
// body another version rendered: ", 40 bodies from another version".
func reusedSummary(res *build.Result) string {
	if res.Reused == 0 {
		return ""
	}
	return ", " + plural(res.Reused, "body", "bodies") + " from another version"
}

// liquidSummary counts the pages that hold Liquid, which the warnings
// list one by one: "; 2 pages hold Liquid, published as text".
func liquidSummary(res *build.Result) string {
	switch res.LiquidPages {
	case 0:
		return ""
	case 1:
		return "; 1 page holds Liquid, published as text"
	}
	return fmt.Sprintf("; %d pages hold Liquid, published as text", res.LiquidPages)
}

// checkSiteRoot stops a build or serve run in the wrong folder, which
// would otherwise make a one-page site of nothing.
func checkSiteRoot(root string) error {
	fi, err := os.Stat(filepath.Join(root, "content"))
	if err == nil && fi.IsDir() {
		return nil
	}
	where := "here"
	if filepath.Clean(root) != "." {
		where = "in " + root
	}
	return fmt.Errorf("no content/ %s: pass -root, or make a site with folio new", where)
}

// plural says a count with its noun: "1 error", "2 errors".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// reportBuildError prints every input error on a line of its own, the
// form editors and their tools jump to.
func reportBuildError(stderr io.Writer, err error) error {
	if list, ok := err.(generator.ErrorList); ok {
		for _, e := range list {
			fmt.Fprintln(stderr, e)
		}
		fmt.Fprintf(stderr, "build failed: %s; the previous output was left as it was\n", plural(len(list), "error", "errors"))
		return errReported
	}
	return err
}

// progressPrinter shows pages done and pages per second on one line,
// rewritten in place, once a build has taken more than a second.
func progressPrinter(w io.Writer) func(done, total int) {
	start := time.Now()
	return func(done, total int) {
		elapsed := time.Since(start)
		if elapsed < time.Second {
			return
		}
		fmt.Fprintf(w, "\r%d/%d pages, %.0f pages/s ", done, total, float64(done)/elapsed.Seconds())
		if done == total {
			fmt.Fprintln(w)
		}
	}
}

// limitMemory sets a soft memory limit once the site is loaded, unless the
// user set one with GOMEMLIMIT. Without it the garbage collector lets the
// heap grow to twice what is live, and a build's peak memory is mostly
// garbage. The limit follows the size of the site, and is never less than
// twice what the loaded site holds (its parsed pages and their bodies),
// so a site of long pages gets room in step. It is soft: a site whose
// live data needs more gets more, with the collector capped at half the
// CPU. A 10,000-page docs site builds in about 105 MiB with it, against
// 165 MiB without.
func limitMemory(pages int) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	limit := uint64(32<<20 + pages*(5<<10+512))
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() == metrics.KindUint64 {
		limit = max(limit, 2*sample[0].Value.Uint64())
	}
	debug.SetMemoryLimit(int64(min(limit, math.MaxInt64)))
}
