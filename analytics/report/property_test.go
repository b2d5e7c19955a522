package report

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"folio/analytics/store"
)

// randomStore fills a store with twelve weeks of counts from 2025-01-06,
// most of them small, so that many week cells sit just under or over k.
func randomStore(rng *rand.Rand, k int64) *memStore {
	b := newBatch()
	start := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	small := func() int64 {
		if rng.IntN(4) == 0 {
			return rng.Int64N(5 * k)
		}
		return rng.Int64N(k/3 + 1)
	}
	pages := 1 + rng.IntN(15)
	values := 1 + rng.IntN(8)
	for d := range 7 * 12 {
		day := start.AddDate(0, 0, d).Format(dayLayout)
		for p := range pages {
			if rng.IntN(3) > 0 {
				b.Views[store.ViewKey{Day: day, Path: fmt.Sprintf("/p%d/", p)}] += small()
			}
		}
		for _, dim := range store.Dimensions {
			for v := range values {
				if rng.IntN(3) > 0 {
					value := fmt.Sprintf("v%d", v)
					if dim == "referrer" && v%3 == 0 {
						value = fmt.Sprintf("google.%d.example", v) // a search engine group
					}
					b.Dims[store.DimKey{Day: day, Dim: dim, Value: value}] += small()
				}
			}
		}
		for _, reason := range []string{"bot", "origin", "unknown-page"} {
			if rng.IntN(2) > 0 {
				b.Dropped[store.DropKey{Day: day, Reason: reason}] += small()
			}
		}
		b.Visitors[day] = small()
	}
	st := &memStore{}
	_ = st.Add(context.Background(), b) // memStore.Add cannot fail
	return st
}

// published lists every value of a report that the k rule protects, by
// table and row: each row and each table total. Views and visitors per
// day, and the sums made of them, carry no attribute and are published as
// they are, so they are not here.
func published(r *Report) map[string]int64 {
	m := make(map[string]int64)
	for _, t := range r.Tables() {
		m[t.Name+" total"] = int64(t.Total)
		for _, row := range t.Rows {
			m[t.Name+" "+row.Value] = int64(row.Count)
		}
	}
	m["totals filtered"] = int64(r.Totals.Filtered.Value)
	return m
}

// smallDifferences returns the values in which a and b differ by more than
// 0 and less than k; a value missing from one report counts as 0 there.
func smallDifferences(a, b map[string]int64, k int64) []string {
	var out []string
	seen := make(map[string]bool)
	for _, m := range []map[string]int64{a, b} {
		for key := range m {
			if seen[key] {
				continue
			}
			seen[key] = true
			d := a[key] - b[key]
			if d < 0 {
				d = -d
			}
			if d > 0 && d < k {
				out = append(out, fmt.Sprintf("%s: %d and %d", key, a[key], b[key]))
			}
		}
	}
	return out
}

// TestDifferencing checks the promise of the k rule on random stores.
//
// Differencing subtracts a report from one over a longer period to isolate
// the weeks in between. So for two overlapping periods A and B, every pair
// of A, B, their intersection and their union in which one period holds the
// other must differ by 0 or by at least k in every published value.
// (Partly overlapping A and B themselves can differ by less than k: A-B is
// then a difference of two sums of published cells, say 20 in the first
// week against 17 in the last, which hides nothing and which no exact
// report can avoid.) The test also checks the reason behind the promise:
// every published value is the sum of the same value in the one-week
// reports of its weeks, each 0 or at least k, so any arithmetic on reports
// only ever meets published week cells.
func TestDifferencing(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	now := start.AddDate(0, 0, 7*13)
	var cellsUnderK, naiveLeaks int
	for seed := range 120 {
		rng := rand.New(rand.NewPCG(uint64(seed), 42))
		k := int64(2 + rng.IntN(12))
		st := randomStore(rng, k)
		reports := map[[2]int]map[string]int64{} // [first week, end week) -> values
		report := func(w, end int) map[string]int64 {
			if m, ok := reports[[2]int{w, end}]; ok {
				return m
			}
			r, err := Generate(ctx, st, Options{
				From: start.AddDate(0, 0, 7*w), To: start.AddDate(0, 0, 7*end-1),
				K: int(k), Now: func() time.Time { return now },
			})
			if err != nil {
				t.Fatal(err)
			}
			m := published(r)
			reports[[2]int{w, end}] = m
			return m
		}
		// Two periods inside the twelve weeks that share at least one
		// week: [a1, a2) and [b1, b2).
		a1 := rng.IntN(12)
		a2 := a1 + 1 + rng.IntN(12-a1)
		b1 := a1 + rng.IntN(a2-a1)
		b2 := b1 + 1 + rng.IntN(12-b1)
		if rng.IntN(2) == 0 {
			a1, a2, b1, b2 = b1, b2, a1, a2
		}
		periods := [][2]int{{a1, a2}, {b1, b2}, {max(a1, b1), min(a2, b2)}, {min(a1, b1), max(a2, b2)}}
		for _, p := range periods {
			for _, q := range periods {
				if p == q || q[0] < p[0] || q[1] > p[1] {
					continue // q must lie inside p
				}
				for _, diff := range smallDifferences(report(p[0], p[1]), report(q[0], q[1]), k) {
					t.Errorf("seed %d, k %d: weeks [%d,%d) and [%d,%d) differ by less than k in %s", seed, k, p[0], p[1], q[0], q[1], diff)
				}
			}
		}
		for _, p := range periods {
			sum := map[string]int64{}
			for w := p[0]; w < p[1]; w++ {
				for key, n := range report(w, w+1) {
					if n > 0 && n < k {
						t.Errorf("seed %d: week %d publishes %s = %d, under k = %d", seed, w, key, n, k)
					}
					sum[key] += n
				}
			}
			for key, n := range report(p[0], p[1]) {
				if sum[key] != n {
					t.Errorf("seed %d: weeks [%d,%d) publish %s = %d, their weeks add up to %d", seed, p[0], p[1], key, n, sum[key])
				}
			}
		}

		// The same check on a naive report, which adds up the period and
		// then folds, must find leaks: otherwise this test could not fail.
		naive := func(w, end int) map[string]int64 {
			c, _ := st.Query(ctx, start.AddDate(0, 0, 7*w).Format(dayLayout), start.AddDate(0, 0, 7*end-1).Format(dayLayout))
			m := map[string]int64{}
			sums := map[string]int64{}
			for _, v := range c.Views {
				sums[v.Path] += v.N
				if v.N < k {
					cellsUnderK++
				}
			}
			for p, n := range sums {
				if n >= k {
					m["pages "+p] = n
				}
			}
			return m
		}
		u := periods[3]
		if len(smallDifferences(naive(u[0], u[1]), naive(a1, a2), k)) > 0 {
			naiveLeaks++
		}
	}
	if cellsUnderK == 0 || naiveLeaks == 0 {
		t.Errorf("random stores had %d cells under k and %d naive leaks; the test proves nothing", cellsUnderK, naiveLeaks)
	}
}
