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
	"folio/generator"
)

func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("report", flag.ContinueOnError)
	fset.SetOutput(stderr)
	root := fset.String("root", ".", "site folder: folio.toml, content/, layouts/")
	db := fset.String("db", filepath.Join("data", "analytics.db"), "analytics database, relative to -root unless absolute")
	out := fset.String("out", "", "output folder (default ROOT/public/stats; required with -private, outside ROOT/public)")
	from := fset.String("from", "", "first day, YYYY-MM-DD; a public report moves it back to the start of its cell (default: 4 completed cells before -to; private: 28 days before -to)")
	to := fset.String("to", "", "last day, YYYY-MM-DD; a public report moves it on to the end of its cell (default: the last completed cell; private: today)")
	k := fset.Int("k", 0, "publication threshold: cells with fewer distinct visitors are folded into Other (default [report] k of folio.toml, else 10)")
	private := fset.Bool("private", false, "the owner's exact report, today included, marked \"private: do not publish\"; never written inside the site's output folder")
	force := fset.Bool("force", false, "publish with a cell size other than the one of the report already in -out")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "Usage: folio report [-root DIR] [-db FILE] [-out DIR] [-from DATE] [-to DATE] [-k N] [-private] [-force]")
		fmt.Fprintln(stderr, "\nPublishes the analytics counts as index.html, report.json and CSV files.")
		fset.PrintDefaults()
	}
	if err := fset.Parse(args); err != nil {
		return err
	}
	if fset.NArg() > 0 {
		return fmt.Errorf("report: unexpected argument %q", fset.Arg(0))
	}

	cfg, err := generator.LoadConfig(*root)
	if err != nil {
		return err
	}
	opts := report.Options{
		K: cfg.Report.K, Now: time.Now, Private: *private,
		Cell: calendar.Size(cfg.Report.Cell), Location: cfg.Location, Countries: cfg.Analytics.GeoIP != "",
	}
	fset.Visit(func(f *flag.Flag) {
		if f.Name == "k" {
			opts.K = *k
		}
	})
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
		if inside(*out, filepath.Join(*root, "public")) {
			return fmt.Errorf("report: -out %s is inside the site's output folder %s: a private report must never be published",
				*out, filepath.Join(*root, "public"))
		}
	}
	if *out == "" {
		*out = filepath.Join(*root, "public", "stats")
	}
	if !*private && !*force {
		if err := sameCell(*out, opts.Cell); err != nil {
			return err
		}
	}
	if !filepath.IsAbs(*db) {
		*db = filepath.Join(*root, *db)
	}

	data, err := siteData(cfg, *root)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if opts.K < cfg.Report.K {
		fmt.Fprintf(stderr, "warning: -k %d is below the k = %d of folio.toml, which the site's privacy policy promises readers\n", opts.K, cfg.Report.K)
	}
	site, err := generator.Open(ctx, generator.Options{Root: *root, Config: cfg, Data: data})
	if err != nil {
		return reportBuildError(stderr, err)
	}
	opts.Title = site.Title

	// Read-only, so a report never creates a database, never changes its
	// schema and can run while a collector writes.
	var st store.Store
	sq, err := store.Open(*db, store.ReadOnly())
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// No database yet is not an error: the report says so.
		fmt.Fprintf(stderr, "no analytics database at %s yet: the report says there is no data\n", *db)
	case errors.Is(err, store.ErrNewerSchema):
		return fmt.Errorf("%w (upgrade folio to report on it)", err)
	case err != nil:
		return err
	default:
		st = sq
		defer sq.Close()
	}

	rep, err := report.Generate(ctx, st, opts)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	title := "Site statistics"
	if rep.Private {
		title = "Site statistics (private: do not publish)"
	}
	page, err := site.RenderPage(generator.Extra{
		URL:         statsURL(*root, *out),
		Title:       title,
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
