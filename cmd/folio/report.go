package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"folio/analytics/report"
	"folio/analytics/store"
	"folio/generator"
)

func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := newFlagSet("report")
	root := fset.String("root", ".", "site folder: folio.toml, content/, layouts/")
	db := fset.String("db", defaultDB, "SQLite file, relative to -root unless absolute, or a postgres:// URL (default: folio.toml [analytics] database)")
	siteName := fset.String("site", "", "the site to report on, by its name in folio.toml [[analytics.sites]] (default: the first)")
	out := fset.String("out", "", "output folder (default ROOT/public/stats, or the site's dir/stats)")
	from := fset.String("from", "", "first day, YYYY-MM-DD; moves back to its week's Monday (default: 4 complete weeks before -to)")
	to := fset.String("to", "", "last day, YYYY-MM-DD; moves on to its week's Sunday (default: the last complete week)")
	k := fset.Int("k", 0, "publication threshold: weekly counts under k are folded into Other (default [report] k of folio.toml, else 10)")
	if err := parseFlags(fset, args, stdout, stderr); err != nil {
		return err
	}
	if fset.NArg() > 0 {
		return fmt.Errorf("report: unexpected argument %q", fset.Arg(0))
	}

	cfg, err := generator.LoadConfig(*root)
	if err != nil {
		return err
	}
	opts := report.Options{K: cfg.Report.K, Now: time.Now}
	dbSet := false
	fset.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "k":
			opts.K = *k
		case "db":
			dbSet = true
		}
	})
	site, err := siteFor(cfg, *siteName)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if opts.K < 1 {
		return fmt.Errorf("report: k is %d, must be at least 1", opts.K)
	}
	if opts.From, err = parseDay("from", *from); err != nil {
		return err
	}
	if opts.To, err = parseDay("to", *to); err != nil {
		return err
	}
	if *out == "" {
		*out = filepath.Join(*root, "public", "stats")
		if site.Dir != "" {
			*out = filepath.Join(site.Dir, "stats")
			if !filepath.IsAbs(site.Dir) {
				*out = filepath.Join(*root, *out)
			}
		}
	}
	target := dbTarget(cfg, *root, *db, dbSet)

	data, err := siteData(cfg, *root)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if opts.K < cfg.Report.K {
		fmt.Fprintf(stderr, "warning: -k %d is below the k = %d of folio.toml, which the site's privacy policy promises readers\n", opts.K, cfg.Report.K)
	}
	gen, err := generator.Open(ctx, generator.Options{Root: *root, Config: cfg, Data: data})
	if err != nil {
		return reportBuildError(stderr, err)
	}
	opts.Title = gen.Title

	// Read-only, so a report never creates a database, never changes its
	// schema and can run while a collector writes. It reads one site's
	// rows only: another site's values never reach this report.
	var st store.Store
	sdb, err := store.OpenDatabase(ctx, target, store.ReadOnly(), store.WithSite(site.Name))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// No database yet is not an error: the report says so.
		fmt.Fprintf(stderr, "no analytics database at %s yet: the report says there is no data\n", describeDB(target))
	case errors.Is(err, store.ErrNewerSchema):
		return fmt.Errorf("%w (upgrade folio to report on it)", err)
	case err != nil:
		return err
	default:
		st = sdb
		defer sdb.Close()
	}

	rep, err := report.Generate(ctx, st, opts)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	page, err := gen.RenderPage(generator.Extra{
		URL:         statsURL(*root, *out),
		Title:       "Site statistics",
		Description: fmt.Sprintf("How many people read this site and where they came from, %s. Aggregate counts only: no cookies, no record of any visit.", rep.Period),
		Layout:      "report",
		Data:        rep,
	})
	if err != nil {
		return reportBuildError(stderr, err)
	}
	if err := report.WriteFiles(*out, rep, page); err != nil {
		return err
	}
	status := fmt.Sprintf("%s views", rep.Totals.Views.Value)
	if !rep.HasData {
		status = "no data yet"
	}
	fmt.Fprintf(stdout, "report for %s (%d weeks, k = %d, %s) written to %s\n", rep.Period, rep.Period.Weeks, rep.K, status, *out)
	return nil
}

// parseDay reads a -from or -to date; "" is the zero time, meaning the
// default.
func parseDay(name, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("report: -%s %q: want a date as YYYY-MM-DD", name, s)
	}
	return t, nil
}

// statsURL is the address of the report page on the site: its folder below
// ROOT/public, or /stats/ when it is written elsewhere.
func statsURL(root, out string) string {
	pub, err1 := filepath.Abs(filepath.Join(root, "public"))
	dir, err2 := filepath.Abs(out)
	if err1 == nil && err2 == nil {
		if rel, err := filepath.Rel(pub, dir); err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
			return "/" + filepath.ToSlash(rel) + "/"
		}
	}
	return "/stats/"
}
