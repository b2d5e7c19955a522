package report

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"folio/analytics/calendar"
	"folio/analytics/store"
)

// yearBatch is a busy year: 1,000 pages with views on every day (365,000
// view rows, a few pages popular and most of them rare) and about 200
// values of the six dimensions every day.
func yearBatch(start time.Time) *store.Batch {
	rng := rand.New(rand.NewPCG(1, 2))
	b := newBatch()
	dims := map[string]int{"browser": 10, "os": 8, "device": 3, "language": 30, "referrer": 100, "country": 60}
	for d := range 365 {
		day := start.AddDate(0, 0, d).Format(dayLayout)
		var views int64
		for p := range 1000 {
			// Zipf-like: page p gets about 3000/(p+1) views a day.
			n := 1 + rng.Int64N(6000/int64(p+1)+1)
			b.Views[store.ViewKey{Day: day, Path: fmt.Sprintf("/docs/page-%04d/", p)}] = n
			views += n
		}
		for dim, count := range dims {
			for v := range count {
				b.Dims[store.DimKey{Day: day, Dim: dim, Value: fmt.Sprintf("%s-%d", dim, v)}] = 1 + rng.Int64N(views/int64(v+1)/4+1)
			}
		}
		for _, reason := range []string{"bot", "unknown-page", "bad-request", "rate-limited", "origin"} {
			b.Dropped[store.DropKey{Day: day, Reason: reason}] = rng.Int64N(200)
		}
		b.Visitors[day] = views / 3
	}
	return b
}

// BenchmarkReportYear makes the one-year report of a year of counts in
// SQLite: the query, the k rule, the data the page shows (every chart),
// report.json and the CSV files.
func BenchmarkReportYear(b *testing.B) {
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) // a Monday
	path := filepath.Join(b.TempDir(), "analytics.db")
	st, err := store.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	batch := yearBatch(start)
	if err := st.Add(context.Background(), batch); err != nil {
		b.Fatal(err)
	}
	// Closing checkpoints the write-ahead log into the database file, as a
	// collector that has run for a year has long done; `folio report` then
	// opens the file read-only.
	if err := st.Close(); err != nil {
		b.Fatal(err)
	}
	st, err = store.Open(path, store.ReadOnly())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	opts := Options{
		From: calendar.DateOf(start, nil), To: calendar.DateOf(start.AddDate(0, 0, 7*52-1), nil), K: DefaultK,
		Now:   func() time.Time { return start.AddDate(1, 0, 7) },
		Title: func(p string) (string, bool) { return "Page " + p, true },
	}
	for b.Loop() {
		r, err := Generate(context.Background(), st, opts)
		if err != nil {
			b.Fatal(err)
		}
		_ = r.ViewsChart()
		_ = r.VisitorsChart()
		for _, t := range r.Tables() {
			_ = t.Chart()
		}
		if _, err := r.Files(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(batch.Views)), "view-rows")
	b.ReportMetric(float64(len(batch.Dims)), "dim-rows")
}
