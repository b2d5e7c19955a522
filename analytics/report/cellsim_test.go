package report

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"folio/analytics/calendar"
	"folio/analytics/store"
)

// The cell-size simulation: how much of a small site's traffic a public
// report can publish with week cells and with month cells. It makes four
// months of seeded, realistic traffic at several levels (views a day with a
// weekly rhythm, readers who see one to a few pages, values of every
// breakdown drawn from Zipf-like distributions: a few common values and a
// long tail), counts it as the collector does (views, and distinct
// visitors per day and value) and runs the real report on it. The table is
// in the manual (content/docs/reference/reports.md); it is reproduced with
//
//	go test ./analytics/report -run TestCellSizeSimulation -v
//
// and kept in testdata/golden/cell-simulation.md, so a change to the k
// rule that moves the figures shows up here.

// simLevels are the traffic levels simulated, in mean views a day.
var simLevels = []float64{10, 20, 30, 50, 100, 200, 300}

// simDim is one breakdown of the simulated traffic: its number of
// distinct values and the exponent of their Zipf-like weights.
type simDim struct {
	dim    string // the store's dimension, or "" for pages
	table  string
	values int
	s      float64
}

var simDims = []simDim{
	{"", "pages", 60, 1.1},
	{"referrer", "referrers", 80, 1.2}, // the first value is (direct)
	{"browser", "browsers", 12, 1.6},
	{"os", "os", 8, 1.5},
	{"device", "devices", 3, 2},
	{"language", "languages", 30, 1.5},
	{"country", "countries", 60, 1.3},
}

// simWeekday is the share of a day's traffic against the mean: docs are
// read at work.
var simWeekday = [7]float64{time.Monday: 1.15, time.Tuesday: 1.15, time.Wednesday: 1.1, time.Thursday: 1.1, time.Friday: 1, time.Saturday: .75, time.Sunday: .75}

// zipf draws 0..n-1 with weights 1/(i+1)^s.
type zipf struct{ cum []float64 }

func newZipf(n int, s float64) zipf {
	z := zipf{cum: make([]float64, n)}
	sum := 0.0
	for i := range n {
		sum += 1 / math.Pow(float64(i+1), s)
		z.cum[i] = sum
	}
	for i := range z.cum {
		z.cum[i] /= sum
	}
	return z
}

func (z zipf) draw(r *rand.Rand) int {
	u := r.Float64()
	for i, c := range z.cum {
		if u < c {
			return i
		}
	}
	return len(z.cum) - 1
}

func simValue(d simDim, i int) string {
	if d.dim == "" {
		return fmt.Sprintf("/page-%02d/", i)
	}
	if d.dim == "referrer" && i == 0 {
		return "(direct)"
	}
	return fmt.Sprintf("%s-%02d", d.dim, i)
}

// simulate returns the counts of days first..last of a site with mean
// views a day, and the distinct values each table counted per day.
func simulate(seed uint64, mean float64, first, last calendar.Date) *store.Batch {
	r := rand.New(rand.NewPCG(seed, uint64(mean)))
	zs := make([]zipf, len(simDims))
	for i, d := range simDims {
		zs[i] = newZipf(d.values, d.s)
	}
	b := store.NewBatch()
	for day := first; !day.After(last); day = day.Add(1) {
		ds := day.String()
		lambda := mean * simWeekday[day.Weekday()]
		// Poisson-like: the normal approximation, never below zero.
		target := max(0, int(math.Round(lambda+math.Sqrt(lambda)*r.NormFloat64())))
		seen := map[string]bool{} // "table\x00value\x00visitor": distinct per day
		views, visitors := 0, 0
		for views < target {
			visitors++
			// One page, and each further page with probability 0.4.
			pages := 1
			for r.Float64() < .4 {
				pages++
			}
			attrs := make([]string, len(simDims))
			for i := 1; i < len(simDims); i++ {
				attrs[i] = simValue(simDims[i], zs[i].draw(r))
			}
			for range pages {
				path := simValue(simDims[0], zs[0].draw(r))
				vk := store.ViewKey{Day: ds, Path: path}
				b.Views[vk]++
				if key := fmt.Sprint("p\x00", path, "\x00", visitors); !seen[key] {
					seen[key] = true
					b.ViewVisitors[vk]++
				}
				for i := 1; i < len(simDims); i++ {
					dk := store.DimKey{Day: ds, Dim: simDims[i].dim, Value: attrs[i]}
					b.Dims[dk]++
					if key := fmt.Sprint(dk.Dim, "\x00", dk.Value, "\x00", visitors); !seen[key] {
						seen[key] = true
						b.DimVisitors[dk]++
					}
				}
				views++
			}
		}
		b.Visitors[ds] += int64(visitors)
	}
	return b
}

// simResult is what one report published of the simulated traffic.
type simResult struct {
	// viewShare is the share of each table's views shown as a value
	// rather than folded into Other, by table name.
	viewShare map[string]float64
	// values and shown count the distinct values of all tables: counted,
	// and shown as a row of their own.
	values, shown int
}

func simReport(t testing.TB, st store.Store, size calendar.Size, from, to calendar.Date, now time.Time) simResult {
	t.Helper()
	r, err := Generate(context.Background(), st, Options{K: DefaultK, Cell: size, From: from, To: to, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if r.Period.From != from.String() || r.Period.To != to.String() {
		t.Fatalf("%s report covers %s to %s, want %s to %s", size, r.Period.From, r.Period.To, from, to)
	}
	res := simResult{viewShare: map[string]float64{}}
	byName := map[string]*Table{}
	for _, tb := range r.Tables() {
		byName[tb.Name] = tb
	}
	private, err := Generate(context.Background(), st, Options{Private: true, K: DefaultK, From: from, To: to, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]*Table{}
	for _, tb := range private.Tables() {
		all[tb.Name] = tb
	}
	for _, d := range simDims {
		tb := byName[d.table]
		var folded Count
		for _, row := range tb.Rows {
			if row.Other {
				folded += row.Count
			} else {
				res.shown++
			}
		}
		if tb.Total != all[d.table].Total {
			t.Fatalf("%s: the public %s table counts %d views, the private one %d", size, d.table, tb.Total, all[d.table].Total)
		}
		res.values += len(all[d.table].Rows)
		res.viewShare[d.table] = float64(tb.Total-folded) / float64(tb.Total)
	}
	return res
}

// TestCellSizeSimulation measures, for week and month cells, what share of
// views and of values a public report of four months can show at each
// traffic level, and checks that months never show less than weeks.
func TestCellSizeSimulation(t *testing.T) {
	if testing.Short() {
		t.Skip("the simulation makes four months of traffic at seven levels")
	}
	// Four months, January to April 2025, reported in May: 16 whole weeks
	// (6 January to 27 April) or 4 whole months (1 January to 30 April).
	simFrom, _ := calendar.Parse("2024-12-30")
	simTo, _ := calendar.Parse("2025-05-04")
	monthFrom, _ := calendar.Parse("2025-01-01")
	monthTo, _ := calendar.Parse("2025-04-30")
	weekFrom, _ := calendar.Parse("2025-01-06")
	weekTo, _ := calendar.Parse("2025-04-27")
	now := time.Date(2025, 5, 20, 12, 0, 0, 0, time.UTC)

	var out strings.Builder
	fmt.Fprintf(&out, "| views a day | cell | pages | referrers | browsers | languages | countries | values shown |\n")
	fmt.Fprintf(&out, "|---:|---|---:|---:|---:|---:|---:|---:|\n")
	for _, level := range simLevels {
		st := &memStore{}
		if err := st.Add(context.Background(), simulate(1, level, simFrom, simTo)); err != nil {
			t.Fatal(err)
		}
		week := simReport(t, st, calendar.Week, weekFrom, weekTo, now)
		month := simReport(t, st, calendar.Month, monthFrom, monthTo, now)
		for _, c := range []struct {
			name string
			res  simResult
		}{{"week", week}, {"month", month}} {
			fmt.Fprintf(&out, "| %g | %s |", level, c.name)
			for _, table := range []string{"pages", "referrers", "browsers", "languages", "countries"} {
				fmt.Fprintf(&out, " %.0f%% |", 100*c.res.viewShare[table])
			}
			fmt.Fprintf(&out, " %d of %d |\n", c.res.shown, c.res.values)
		}
		var weekViews, monthViews float64
		for _, d := range simDims {
			weekViews += week.viewShare[d.table]
			monthViews += month.viewShare[d.table]
		}
		if monthViews < weekViews {
			t.Errorf("%g views a day: month cells show less than week cells (%.2f < %.2f, shares summed over tables)", level, monthViews, weekViews)
		}
	}
	t.Logf("share of each table's views shown as values (the rest is in Other), k = %d:\n%s", DefaultK, out.String())
	golden(t, "cell-simulation.md", []byte(out.String()))
}
