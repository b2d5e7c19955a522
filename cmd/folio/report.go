package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"folio/analytics/calendar"
	"folio/analytics/report"
	"folio/analytics/store"
	"folio/generator/build"
	"folio/generator/config"
)

func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := newFlagSet("report")
	root := fset.String("root", ".", "site folder: folio.toml, content/, layouts/")
	db := fset.String("db", defaultDB, "SQLite file, relative to -root unless absolute, or a postgres:// URL (default: folio.toml [analytics] database)")
	siteName := fset.String("site", "", "the site to report on, by its name in folio.toml [[analytics.sites]] (default: the first)")
	out := fset.String("out", "", "output folder (default ROOT/public/stats, or the site's dir/stats; required with -private, outside every site's output folder)")
	from := fset.String("from", "", "first day, YYYY-MM-DD; a public report moves it back to the start of its cell (default: 4 completed cells before -to; private: 28 days before -to)")
	to := fset.String("to", "", "last day, YYYY-MM-DD; a public report moves it on to the end of its cell (default: the last completed cell; private: today)")
	k := fset.Int("k", 0, "publication threshold: cells with fewer distinct visitors are folded into Other (default [report] k of folio.toml, else 10)")
	private := fset.Bool("private", false, "the owner's exact report, today included, marked \"private: do not publish\"; never written inside a site's output folder")
	force := fset.Bool("force", false, "publish with a cell size other than the one of the report already in -out")
	if err := parseFlags(fset, args, stdout, stderr); err != nil {
		return err
	}
	if fset.NArg() > 0 {
		return fmt.Errorf("report: unexpected argument %q", fset.Arg(0))
	}

	cfg, err := config.LoadConfig(*root)
	if err != nil {
		return err
	}
	opts := report.Options{
		K: cfg.Report.K, Now: time.Now, Private: *private,
		Cell: calendar.Size(cfg.Report.Cell), Location: cfg.Location, Countries: cfg.Analytics.GeoIP != "",
	}
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
	if *private {
		if *out == "" {
			return errors.New("report: -private needs -out DIR, a folder outside the site's output folder")
		}
		// Outside every site's output folder, not only the reported
		// site's: one site's private numbers must not be published by
		// another.
		for _, dir := range outputDirs(cfg, *root) {
			if inside(*out, dir) {
				return fmt.Errorf("report: -out %s is inside the site's output folder %s: a private report must never be published",
					*out, dir)
			}
		}
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
	if !*private && !*force {
		if err := sameCell(*out, opts.Cell); err != nil {
			return err
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
	gen, err := build.Open(ctx, build.Options{Root: *root, Config: cfg, Data: data})
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
	title := "Site statistics"
	if rep.Private {
		title = "Site statistics (private: do not publish)"
	}
	page, err := gen.RenderPage(build.Extra{
		URL:         statsURL(*root, *out),
		Title:       title,
		Description: fmt.Sprintf("How many people read this site and where they came from, %s. Aggregate counts only: no cookies, no record of any visit.", rep.Period),
		Layout:      "report",
		NoSidebar:   true,
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
	kind := "report"
	if rep.Private {
		kind = "private report (do not publish)"
	}
	fmt.Fprintf(stdout, "%s for %s (%s, k = %d, %s) written to %s\n", kind, rep.Period, rep.Period.Unit(), rep.K, status, *out)
	return nil
}

// parseDay reads a -from or -to date; "" is the zero time, meaning the
// default.
func parseDay(name, s string) (calendar.Date, error) {
	if s == "" {
		return calendar.Date{}, nil
	}
	d, err := calendar.Parse(s)
	if err != nil {
		return calendar.Date{}, fmt.Errorf("report: -%s %q: want a date as YYYY-MM-DD", name, s)
	}
	return d, nil
}

// outputDirs lists the folders a site is published from: ROOT/public and
// the dir of every [[analytics.sites]] entry.
func outputDirs(cfg *config.Config, root string) []string {
	dirs := []string{filepath.Join(root, "public")}
	for _, s := range cfg.Analytics.Sites {
		dir := s.Dir
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(root, dir)
		}
		dirs = append(dirs, dir)
	}
	return dirs
}

// inside reports whether path is dir or lies below it, after following
// symbolic links of the part of each that exists.
func inside(path, dir string) bool {
	p, d := resolve(path), resolve(dir)
	rel, err := filepath.Rel(d, p)
	return err == nil && (rel == "." || (rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))))
}

// resolve makes path absolute and follows the symbolic links of its
// longest existing part.
func resolve(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	rest := ""
	for p := abs; ; p = filepath.Dir(p) {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(real, rest)
		}
		if filepath.Dir(p) == p {
			return abs
		}
		rest = filepath.Join(filepath.Base(p), rest)
	}
}

// sameCell refuses to publish cells of one size where reports of another
// size were published: week and month reports of the same days could be
// subtracted from each other to give a part of a cell. The size of the
// previous report is read from its report.json.
func sameCell(out string, size calendar.Size) error {
	data, err := os.ReadFile(filepath.Join(out, "report.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("report: read the previous report: %w", err)
	}
	var prev struct {
		Private bool `json:"private"`
		Period  struct {
			Cell string `json:"cell"`
			From string `json:"from"`
		} `json:"period"`
		HasData bool `json:"has_data"`
	}
	if err := json.Unmarshal(data, &prev); err != nil {
		return fmt.Errorf("report: %s: %w", filepath.Join(out, "report.json"), err)
	}
	published := prev.Period.Cell
	if published == "" && !prev.Private {
		published = string(calendar.Week) // reports before cells were weeks
	}
	if prev.HasData && published != "" && published != string(size) {
		return fmt.Errorf("report: %s holds a report by %s, and [report] cell is %q: reports of both sizes together can be subtracted "+
			"to reveal part of a cell; publish to a new folder, or pass -force if the %s reports were never public", out, published, size, published)
	}
	return nil
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
