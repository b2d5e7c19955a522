package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"sync"
	"testing"
)

// storeCases are the behaviours every engine must share. TestStores runs
// each against SQLite and PostgreSQL.
var storeCases = []struct {
	name string
	run  func(t *testing.T, e engine)
}{
	{"add and query sum and order", testAddQuery},
	{"invalid batches are refused whole", testInvalidBatch},
	{"add is all or nothing", testAddAtomic},
	{"prune", testPrune},
	{"reopen keeps counts; read-only reads", testReopen},
	{"sites are apart", testSites},
	{"newer schema is refused untouched", testNewerSchema},
	{"a failed migration changes nothing", testFailedMigration},
	{"concurrent adds and queries", testConcurrent},
}

func TestStores(t *testing.T) {
	for _, c := range storeCases {
		t.Run(c.name, func(t *testing.T) {
			forEachEngine(t, c.run)
		})
	}
}

var ctx = context.Background()

func sampleBatch() *Batch {
	return &Batch{
		Views: map[ViewKey]int64{
			{"2025-03-01", "/docs/"}: 3,
			{"2025-03-01", "/"}:      1,
			{"2025-03-02", "/"}:      2,
		},
		Dims: map[DimKey]int64{
			{"2025-03-01", "browser", "Firefox"}:   2,
			{"2025-03-01", "browser", "Chrome"}:    2,
			{"2025-03-02", "referrer", "(direct)"}: 2,
		},
		DimVisitors: map[DimKey]int64{
			{"2025-03-01", "browser", "Firefox"}: 1,
			{"2025-03-01", "browser", "Chrome"}:  2,
		},
		ViewVisitors:  map[ViewKey]int64{{"2025-03-01", "/docs/"}: 2},
		Events:        map[EventKey]int64{{"2025-03-01", "outbound", "github.com"}: 3},
		EventVisitors: map[EventKey]int64{{"2025-03-01", "outbound", "github.com"}: 2, {"2025-03-02", "event", "signup"}: 1},
		Dropped:       map[DropKey]int64{{"2025-03-01", "bot"}: 7},
		Visitors:      map[string]int64{"2025-03-01": 3, "2025-03-02": 1},
	}
}

func query(t *testing.T, s Store, from, to string) *Counts {
	t.Helper()
	c, err := s.Query(ctx, from, to)
	if err != nil {
		t.Fatalf("Query(%s, %s) = %v", from, to, err)
	}
	return c
}

func testAddQuery(t *testing.T, e engine) {
	s := e.open(t, e.target(t))
	for range 2 {
		if err := s.Add(ctx, sampleBatch()); err != nil {
			t.Fatalf("Add() = %v", err)
		}
	}
	got := query(t, s, "2025-03-01", "2025-03-02")
	want := &Counts{
		Views: []ViewRow{{"2025-03-01", "/", 2, 0}, {"2025-03-01", "/docs/", 6, 4}, {"2025-03-02", "/", 4, 0}},
		Dims: []DimRow{
			{"2025-03-01", "browser", "Chrome", 4, 4}, {"2025-03-01", "browser", "Firefox", 4, 2},
			{"2025-03-02", "referrer", "(direct)", 4, 0},
		},
		Events:   []EventRow{{"2025-03-01", "outbound", "github.com", 6, 4}, {"2025-03-02", "event", "signup", 0, 2}},
		Dropped:  []DropRow{{"2025-03-01", "bot", 14}},
		Visitors: []VisitorRow{{"2025-03-01", 6}, {"2025-03-02", 2}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Query() = %+v\nwant %+v", got, want)
	}
	one := query(t, s, "2025-03-02", "2025-03-02")
	if len(one.Views) != 1 || len(one.Dims) != 1 || len(one.Events) != 1 || len(one.Dropped) != 0 || len(one.Visitors) != 1 {
		t.Errorf("Query(one day) = %+v, want only 2025-03-02 cells", one)
	}
	// Sorting is the same on both engines: byte order, not a locale's.
	odd := &Batch{Views: map[ViewKey]int64{{"2025-03-03", "/b/"}: 1, {"2025-03-03", "/B/"}: 1, {"2025-03-03", "/é/"}: 1, {"2025-03-03", "/o'brien/"}: 1}}
	if err := s.Add(ctx, odd); err != nil {
		t.Fatalf("Add() = %v", err)
	}
	var paths []string
	for _, v := range query(t, s, "2025-03-03", "2025-03-03").Views {
		paths = append(paths, v.Path)
	}
	if want := []string{"/B/", "/b/", "/o'brien/", "/é/"}; !reflect.DeepEqual(paths, want) {
		t.Errorf("paths = %q, want %q", paths, want)
	}
}

func testInvalidBatch(t *testing.T, e engine) {
	s := e.open(t, e.target(t))
	for name, b := range map[string]*Batch{
		"unknown dimension": {Dims: map[DimKey]int64{{"2025-03-01", "city", "Paris"}: 1}},
		"negative count":    {Views: map[ViewKey]int64{{"2025-03-01", "/"}: -1}},
		"bad day":           {Dropped: map[DropKey]int64{{"2025-3-1", "bot"}: 1}},
		"bad visitor day":   {Visitors: map[string]int64{"yesterday": 1}},
		"unknown event":     {Events: map[EventKey]int64{{"2025-03-01", "scroll", "50%"}: 1}},
		"negative visitors": {DimVisitors: map[DimKey]int64{{"2025-03-01", "browser", "Firefox"}: -1}},
		"bad event day":     {EventVisitors: map[EventKey]int64{{"2025-3-1", "event", "signup"}: 1}},
	} {
		b.Views = mergeViews(b.Views, map[ViewKey]int64{{"2025-03-01", "/ok/"}: 1})
		if err := s.Add(ctx, b); !errors.Is(err, ErrInvalidBatch) {
			t.Errorf("Add(%s) = %v, want ErrInvalidBatch", name, err)
		}
	}
	if got := query(t, s, "2000-01-01", "2999-12-31"); len(got.Views) != 0 {
		t.Errorf("Query() after rejected batches = %+v, want nothing stored", got.Views)
	}
}

func mergeViews(a, b map[ViewKey]int64) map[ViewKey]int64 {
	if a == nil {
		a = map[ViewKey]int64{}
	}
	for k, n := range b {
		a[k] += n
	}
	return a
}

// testAddAtomic makes the last table of a batch fail inside the database
// and checks that the tables written before it were rolled back too, which
// is what lets the aggregator keep and retry a failed batch without
// counting anything twice.
func testAddAtomic(t *testing.T, e engine) {
	target := e.target(t)
	s := e.open(t, target)
	e.exec(t, target, e.failVisitors...)
	if err := s.Add(ctx, sampleBatch()); err == nil {
		t.Fatal("Add() = nil, want the trigger's error")
	}
	if got := query(t, s, "2025-03-01", "2025-03-02"); !reflect.DeepEqual(got, &Counts{}) {
		t.Errorf("Query() after failed Add = %+v, want nothing", got)
	}
	e.exec(t, target, e.unfail...)
	if err := s.Add(ctx, sampleBatch()); err != nil {
		t.Fatalf("Add() retry = %v", err)
	}
	if got := query(t, s, "2025-03-01", "2025-03-01"); len(got.Views) != 2 || got.Views[1].N != 3 {
		t.Errorf("Query() after retry = %+v, want the batch once", got.Views)
	}
}

func testPrune(t *testing.T, e engine) {
	db := e.open(t, e.target(t))
	other := db.Site("other")
	for _, s := range []Store{db, other} {
		if err := s.Add(ctx, sampleBatch()); err != nil {
			t.Fatal(err)
		}
	}
	n, err := db.Prune(ctx, "2025-03-02")
	if err != nil {
		t.Fatalf("Prune() = %v", err)
	}
	if n != 7 { // 2 views, 2 dims, 1 event, 1 dropped, 1 visitors on 2025-03-01
		t.Errorf("Prune() = %d rows, want 7", n)
	}
	want := &Counts{
		Views:    []ViewRow{{"2025-03-02", "/", 2, 0}},
		Dims:     []DimRow{{"2025-03-02", "referrer", "(direct)", 2, 0}},
		Events:   []EventRow{{"2025-03-02", "event", "signup", 0, 1}},
		Visitors: []VisitorRow{{"2025-03-02", 1}},
	}
	if got := query(t, db, "2000-01-01", "2999-12-31"); !reflect.DeepEqual(got, want) {
		t.Errorf("Query() after Prune = %+v\nwant %+v", got, want)
	}
	if got := query(t, other, "2000-01-01", "2999-12-31"); len(got.Views) != 3 || len(got.Events) != 2 {
		t.Errorf("another site after Prune = %+v, want it untouched", got.Views)
	}
	if _, err := db.Prune(ctx, "March"); err == nil {
		t.Error(`Prune("March") = nil error, want one`)
	}
	if _, err := db.Query(ctx, "2025-03-01", "tomorrow"); err == nil {
		t.Error("Query(bad day) = nil error, want one")
	}
}

func testReopen(t *testing.T, e engine) {
	target := e.target(t)
	if _, err := OpenDatabase(ctx, target, ReadOnly()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("OpenDatabase(new, ReadOnly) = %v, want ErrNotExist", err)
	}
	s, err := OpenDatabase(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Add(ctx, sampleBatch()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = e.open(t, target)
	if got := query(t, s, "2025-03-01", "2025-03-01"); len(got.Views) != 2 {
		t.Errorf("Query() after reopen = %+v, want 2 views cells", got.Views)
	}
	ro := e.open(t, target, ReadOnly())
	if got := query(t, ro, "2025-03-01", "2025-03-01"); len(got.Views) != 2 {
		t.Errorf("read-only Query() = %+v, want 2 views cells", got.Views)
	}
	if err := ro.Add(ctx, sampleBatch()); err == nil {
		t.Error("read-only Add() = nil, want an error")
	}
}

func testSites(t *testing.T, e engine) {
	target := e.target(t)
	docs := e.open(t, target, WithSite("docs"))
	blog := docs.Site("blog")
	if err := docs.Add(ctx, sampleBatch()); err != nil {
		t.Fatal(err)
	}
	if err := blog.Add(ctx, &Batch{
		Views: map[ViewKey]int64{{"2025-03-01", "/"}: 5}, ViewVisitors: map[ViewKey]int64{{"2025-03-01", "/"}: 4},
		Events: map[EventKey]int64{{"2025-03-01", "outbound", "github.com"}: 1}, Visitors: map[string]int64{"2025-03-01": 4},
	}); err != nil {
		t.Fatal(err)
	}
	if got := query(t, blog, "2025-03-01", "2025-03-31"); !reflect.DeepEqual(got, &Counts{
		Views: []ViewRow{{"2025-03-01", "/", 5, 4}}, Events: []EventRow{{"2025-03-01", "outbound", "github.com", 1, 0}},
		Visitors: []VisitorRow{{"2025-03-01", 4}},
	}) {
		t.Errorf("blog = %+v, want only its own cells", got)
	}
	if got := query(t, docs, "2025-03-01", "2025-03-31"); len(got.Views) != 3 || got.Views[0].N != 1 || got.Visitors[0].N != 3 ||
		len(got.Events) != 2 || got.Events[0].N != 3 || got.Events[0].Visitors != 2 {
		t.Errorf("docs = %+v, want only its own cells", got)
	}
	if got := query(t, docs.Site("nobody"), "2025-03-01", "2025-03-31"); !reflect.DeepEqual(got, &Counts{}) {
		t.Errorf("a site without rows = %+v, want nothing", got)
	}
	sites, err := docs.Sites(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"blog", "docs"}; !reflect.DeepEqual(sites, want) {
		t.Errorf("Sites() = %q, want %q", sites, want)
	}
	if err := blog.Close(); err != nil {
		t.Fatal(err)
	}
	if got := query(t, docs, "2025-03-01", "2025-03-01"); len(got.Views) != 2 {
		t.Errorf("after closing another site's Store: %+v, want docs still readable", got)
	}
	if _, err := OpenDatabase(ctx, target, WithSite("no spaces")); err == nil {
		t.Error(`OpenDatabase(WithSite("no spaces")) = nil error, want one`)
	}
}

func testNewerSchema(t *testing.T, e engine) {
	target := e.target(t)
	s, err := OpenDatabase(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Add(ctx, sampleBatch()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	e.exec(t, target, fmt.Sprintf(e.setVersion, SchemaVersion+1))
	for _, opts := range [][]Option{nil, {ReadOnly()}} {
		if db, err := OpenDatabase(ctx, target, opts...); !errors.Is(err, ErrNewerSchema) {
			if err == nil {
				db.Close()
			}
			t.Errorf("OpenDatabase(newer, %d options) = %v, want ErrNewerSchema", len(opts), err)
		}
	}
	// Given its version back, every row is still there.
	e.exec(t, target, fmt.Sprintf(e.setVersion, SchemaVersion))
	if got := query(t, e.open(t, target), "2025-03-01", "2025-03-02"); len(got.Views) != 3 {
		t.Errorf("Query() = %+v, want the rows untouched", got.Views)
	}
}

// testFailedMigration runs the engine's migrations with a last step that
// fails and checks that nothing of the earlier steps stayed: the schema is
// applied in one transaction.
func testFailedMigration(t *testing.T, e engine) {
	target := e.target(t)
	steps := migrations(e.name)
	last := &steps[len(steps)-1]
	last.sql += ";\nCREATE TABLE views (x INTEGER)" // already exists: fails
	if db, err := OpenDatabase(ctx, target, withMigrations(steps)); err == nil {
		db.Close()
		t.Fatal("OpenDatabase() with a failing step = nil error, want one")
	}
	// Nothing was made: a read-only open still finds no database, and a
	// normal open makes it from the start.
	if _, err := OpenDatabase(ctx, target, ReadOnly()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("OpenDatabase(ReadOnly) after a failed migration = %v, want ErrNotExist", err)
	}
	s := e.open(t, target)
	if err := s.Add(ctx, sampleBatch()); err != nil {
		t.Errorf("Add() after a good migration = %v", err)
	}
}

func withMigrations(steps []migration) Option {
	return func(o *options) { o.migrations = steps }
}

// testConcurrent runs writers and a reader on two handles of the same
// database, as a collector and a report would; run it with -race.
func testConcurrent(t *testing.T, e engine) {
	target := e.target(t)
	w := e.open(t, target)
	r := e.open(t, target)
	const writers, rounds = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*rounds*2)
	for i := range writers {
		wg.Go(func() {
			for j := range rounds {
				// Cells in different orders per writer, on the same rows.
				b := &Batch{Views: map[ViewKey]int64{{"2025-03-01", "/"}: 1, {"2025-03-01", fmt.Sprintf("/%d/", (i+j)%3)}: 1}}
				errs <- w.Add(ctx, b)
			}
		})
	}
	wg.Go(func() {
		for range rounds {
			_, err := r.Query(ctx, "2025-03-01", "2025-03-01")
			errs <- err
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got := query(t, r, "2025-03-01", "2025-03-01")
	var total int64
	for _, v := range got.Views {
		total += v.N
	}
	if len(got.Views) != 4 || got.Views[0].N != writers*rounds || total != 2*writers*rounds {
		t.Errorf("Query() = %+v, want / at n=%d and %d in all", got.Views, writers*rounds, 2*writers*rounds)
	}
}
