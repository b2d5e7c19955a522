package main

import (
	"context"
	"errors"
	"fmt"
	"folio/generator/config"
	"io"
	"reflect"

	"folio/analytics/store"
)

// firstDay and lastDay are the bounds of Query that take every stored day.
const firstDay, lastDay = "0001-01-01", "9999-12-31"

// runMigrate is folio migrate: it copies every site's counts from one
// database to another (typically a SQLite file to PostgreSQL, when one
// collector becomes several), then checks that every table's rows and sums
// match.
func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate")
	root := fs.String("root", ".", "site folder holding folio.toml, for its first site's name")
	from := fs.String("from", "", "the database to copy: a SQLite file or a postgres:// URL")
	to := fs.String("to", "", "the database to copy into: a postgres:// URL or a SQLite file; it must hold no counts of the copied sites")
	site := fs.String("site", "", "the site that rows of a database from before sites belong to (default: the first site of folio.toml)")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("migrate: unexpected argument %q", fs.Arg(0))
	}
	if *from == "" || *to == "" {
		return errors.New("migrate: -from and -to are both needed (folio help migrate)")
	}
	if *site == "" {
		cfg, err := config.LoadConfig(*root)
		if err != nil {
			return reportBuildError(stderr, err)
		}
		s, err := siteFor(cfg, "")
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		*site = s.Name
	}
	// The source is opened for writing only so that an older file is
	// brought to this Folio's schema first, in one transaction, exactly as
	// a collector would; its counts are not changed.
	src, err := store.OpenDatabase(ctx, *from, store.WithSite(*site))
	if err != nil {
		return fmt.Errorf("migrate: from: %w", err)
	}
	defer src.Close()
	dst, err := store.OpenDatabase(ctx, *to, store.WithSite(*site))
	if err != nil {
		return fmt.Errorf("migrate: to: %w", err)
	}
	defer dst.Close()
	sites, err := src.Sites(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if len(sites) == 0 {
		return fmt.Errorf("migrate: %s holds no counts", describeDB(*from))
	}
	// Counts are added, never replaced: copying onto counts already there
	// would count them twice.
	for _, name := range sites {
		c, err := dst.Site(name).Query(ctx, firstDay, lastDay)
		if err != nil {
			return fmt.Errorf("migrate: to: %w", err)
		}
		if n := rows(c); n > 0 {
			return fmt.Errorf("migrate: %s already holds %d rows of site %s: copying would add them twice", describeDB(*to), n, name)
		}
	}
	for _, name := range sites {
		want, err := src.Site(name).Query(ctx, firstDay, lastDay)
		if err != nil {
			return fmt.Errorf("migrate: from: %w", err)
		}
		if err := dst.Site(name).Add(ctx, batchOf(want)); err != nil {
			return fmt.Errorf("migrate: site %s: %w", name, err)
		}
		got, err := dst.Site(name).Query(ctx, firstDay, lastDay)
		if err != nil {
			return fmt.Errorf("migrate: to: %w", err)
		}
		ws, gs := sums(want), sums(got)
		for i, table := range []string{"views", "dimensions", "dropped", "visitors"} {
			fmt.Fprintf(stdout, "site %s, %s: %d rows, sum %d", name, table, ws[i].rows, ws[i].sum)
			if gs[i] != ws[i] {
				fmt.Fprintf(stdout, " copied as %d rows, sum %d: MISMATCH\n", gs[i].rows, gs[i].sum)
				return fmt.Errorf("migrate: site %s: table %s does not match after the copy", name, table)
			}
			fmt.Fprintln(stdout, ", match")
		}
		if !reflect.DeepEqual(want, got) {
			return fmt.Errorf("migrate: site %s: the sums match but some cells differ", name)
		}
	}
	fmt.Fprintf(stdout, "copied %d site(s) from %s to %s\n", len(sites), describeDB(*from), describeDB(*to))
	return nil
}

func rows(c *store.Counts) int {
	return len(c.Views) + len(c.Dims) + len(c.Dropped) + len(c.Visitors)
}

type tableSum struct{ rows, sum int64 }

// sums are the row counts and sums of n of the four tables, in order.
func sums(c *store.Counts) [4]tableSum {
	var s [4]tableSum
	for _, v := range c.Views {
		s[0].rows, s[0].sum = s[0].rows+1, s[0].sum+v.N
	}
	for _, v := range c.Dims {
		s[1].rows, s[1].sum = s[1].rows+1, s[1].sum+v.N
	}
	for _, v := range c.Dropped {
		s[2].rows, s[2].sum = s[2].rows+1, s[2].sum+v.N
	}
	for _, v := range c.Visitors {
		s[3].rows, s[3].sum = s[3].rows+1, s[3].sum+v.N
	}
	return s
}

// batchOf turns stored cells back into increments onto nothing. A cell of
// n = 0 would not be copied (adding zero writes nothing), and the row
// counts would then say so.
func batchOf(c *store.Counts) *store.Batch {
	b := &store.Batch{
		Views:    make(map[store.ViewKey]int64, len(c.Views)),
		Dims:     make(map[store.DimKey]int64, len(c.Dims)),
		Dropped:  make(map[store.DropKey]int64, len(c.Dropped)),
		Visitors: make(map[string]int64, len(c.Visitors)),
	}
	for _, v := range c.Views {
		b.Views[store.ViewKey{Day: v.Day, Path: v.Path}] = v.N
	}
	for _, v := range c.Dims {
		b.Dims[store.DimKey{Day: v.Day, Dim: v.Dim, Value: v.Value}] = v.N
	}
	for _, v := range c.Dropped {
		b.Dropped[store.DropKey{Day: v.Day, Reason: v.Reason}] = v.N
	}
	for _, v := range c.Visitors {
		b.Visitors[v.Day] = v.N
	}
	return b
}
