package report

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"folio/analytics/calendar"
	"folio/analytics/store"
)

// propStart is the first day of the random stores: a Monday and the first
// of a month, so that weeks and months both start there.
var propStart = calendar.DateOf(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), nil)

const propDays = 7 * 26

// randomStore fills a store with half a year of counts, most of them small,
// so that many cells sit just under or over k, with distinct visitors of
// each day at most the day's views.
func randomStore(rng *rand.Rand, k int64) *memStore {
	b := newBatch()
	small := func() (n, v int64) {
		if rng.IntN(4) == 0 {
			n = rng.Int64N(3 * k)
		} else {
			n = rng.Int64N(k/2 + 1)
		}
		if n > 0 {
			v = 1 + rng.Int64N(n)
		}
		return n, v
	}
	pages := 1 + rng.IntN(10)
	values := 1 + rng.IntN(6)
	for d := range propDays {
		day := propStart.Add(d).String()
		for p := range pages {
			if rng.IntN(3) > 0 {
				n, v := small()
				key := store.ViewKey{Day: day, Path: fmt.Sprintf("/p%d/", p)}
				b.Views[key] += n
				b.ViewVisitors[key] += v
			}
		}
		for _, dim := range store.Dimensions {
			for v := range values {
				if rng.IntN(3) > 0 {
					value := fmt.Sprintf("v%d", v)
					if dim == "referrer" && v%3 == 0 {
						value = fmt.Sprintf("google.%d.example", v) // a search engine group
					}
					if v == values-1 && rng.IntN(5) == 0 {
						value = otherValue // the collector's cap
					}
					n, vis := small()
					key := store.DimKey{Day: day, Dim: dim, Value: value}
					b.Dims[key] += n
					b.DimVisitors[key] += vis
				}
			}
		}
		for _, kind := range store.EventKinds {
			if rng.IntN(2) > 0 {
				n, v := small()
				key := store.EventKey{Day: day, Kind: kind, Name: fmt.Sprintf("e%d", rng.IntN(3))}
				b.Events[key] += n
				b.EventVisitors[key] += v
			}
		}
		for _, reason := range []string{"bot", "origin", "unknown-page"} {
			if rng.IntN(2) > 0 {
				n, _ := small()
				b.Dropped[store.DropKey{Day: day, Reason: reason}] += n
			}
		}
		b.Visitors[day], _ = small()
	}
	st := &memStore{}
	_ = st.Add(context.Background(), b) // memStore.Add cannot fail
	return st
}

// propNow is a clock well after the random stores, so every cell of them
// has completed.
func propNow() time.Time { return propStart.Add(propDays + 40).Time().Add(12 * time.Hour) }

func publicReport(t *testing.T, st store.Store, k int, size calendar.Size, from, to calendar.Date) *Report {
	t.Helper()
	r, err := Generate(context.Background(), st, Options{K: k, Cell: size, From: from, To: to, Now: propNow})
	if err != nil {
		t.Fatalf("Generate(%s..%s, %s) = %v", from, to, size, err)
	}
	return r
}

// cellsOf returns the one-cell reports of every cell of r's period.
func cellsOf(t *testing.T, st store.Store, r *Report) []*Report {
	t.Helper()
	var out []*Report
	for _, c := range r.Cells {
		d, _ := calendar.Parse(c.From)
		out = append(out, publicReport(t, st, r.K, r.Period.Cell, d, d))
	}
	return out
}

// rowsOf maps "table value" to the row's count, Other rows included.
func rowsOf(r *Report) map[string]int64 {
	m := make(map[string]int64)
	for _, t := range r.Tables() {
		for _, row := range t.Rows {
			m[t.Name+" "+row.Value] = int64(row.Count)
		}
		m[t.Name+" (total)"] = int64(t.Total)
	}
	return m
}

// truth adds up the store's cells of one table and value over a run of
// days: views, and the largest daily visitors.
func truth(st *memStore, table, value string, from, to string) (n, maxV int64) {
	s := specFor(table)
	add := func(day string, cn, cv int64) {
		if day < from || day > to {
			return
		}
		n += cn
		maxV = max(maxV, cv)
	}
	switch s.from {
	case fromViews:
		for _, v := range st.c.Views {
			if v.Path == value {
				add(v.Day, v.N, v.Visitors)
			}
		}
	case fromDim:
		for _, d := range st.c.Dims {
			if d.Dim == s.key && d.Value == value {
				add(d.Day, d.N, d.Visitors)
			}
		}
	case fromEvents:
		for _, e := range st.c.Events {
			if e.Kind == s.key && e.Name == value {
				add(e.Day, e.N, e.Visitors)
			}
		}
	case fromDropped:
		for _, d := range st.c.Dropped {
			if d.Reason == value {
				add(d.Day, d.N, 0)
			}
		}
		// Filtered reasons are the collector's, not a visitor's: their
		// threshold is on the cell's count of events.
		maxV = n
	}
	return n, maxV
}

// TestPublicCellsReachK checks, on random stores, the rule itself: in a
// one-cell report every named row is exactly the store's count of that
// value in that cell, and that cell had at least k distinct visitors on one
// of its days; every other value of the cell is in Other, whole.
func TestPublicCellsReachK(t *testing.T) {
	for seed := range uint64(12) {
		rng := rand.New(rand.NewPCG(seed, 15))
		k := 2 + rng.IntN(12)
		st := randomStore(rng, int64(k))
		size := []calendar.Size{calendar.Week, calendar.Month}[seed%2]
		full := publicReport(t, st, k, size, propStart, propStart.Add(propDays-1))
		for _, one := range cellsOf(t, st, full) {
			from, to := one.Period.From, one.Period.To
			for _, tb := range one.Tables() {
				if tb.Name == "referrer_groups" {
					continue
				}
				var named Count
				for _, row := range tb.Rows {
					if row.Other {
						continue
					}
					n, maxV := truth(st, tb.Name, row.Value, from, to)
					if int64(row.Count) != n {
						t.Errorf("seed %d %s %s %q = %d, store has %d: a published number must be exact", seed, from, tb.Name, row.Value, row.Count, n)
					}
					if maxV < int64(k) {
						t.Errorf("seed %d %s %s %q published with at most %d distinct visitors on a day, k = %d", seed, from, tb.Name, row.Value, maxV, k)
					}
					named += row.Count
				}
				if got, want := named+tb.Folded.UnderK+tb.Folded.Capped, tb.Total; got != want {
					t.Errorf("seed %d %s %s: rows and Other add up to %d, total %d", seed, from, tb.Name, got, want)
				}
			}
		}
	}
}

// TestNestedReportsDifferByWholeCells checks what differencing can learn:
// every row of a report over any run of cells is the sum of the same row
// in the one-cell reports of its cells. So a report over a longer period,
// or over an overlapping one, differs from another only by whole published
// cells, each of which reached k on its own.
func TestNestedReportsDifferByWholeCells(t *testing.T) {
	for seed := range uint64(10) {
		rng := rand.New(rand.NewPCG(seed, 16))
		k := 2 + rng.IntN(12)
		st := randomStore(rng, int64(k))
		size := []calendar.Size{calendar.Week, calendar.Month}[seed%2]
		all := publicReport(t, st, k, size, propStart, propStart.Add(propDays-1))
		cells := cellsOf(t, st, all)
		perCell := make([]map[string]int64, len(cells))
		for i, c := range cells {
			perCell[i] = rowsOf(c)
		}
		for range 8 {
			a := rng.IntN(len(cells))
			b := a + rng.IntN(len(cells)-a)
			from, _ := calendar.Parse(cells[a].Period.From)
			to, _ := calendar.Parse(cells[b].Period.To)
			r := publicReport(t, st, k, size, from, to)
			want := make(map[string]int64)
			for i := a; i <= b; i++ {
				for key, n := range perCell[i] {
					want[key] += n
				}
			}
			got := rowsOf(r)
			for key := range merge(got, want) {
				if got[key] != want[key] {
					t.Errorf("seed %d cells %d..%d: %s = %d, sum of its cells %d", seed, a, b, key, got[key], want[key])
				}
			}
		}
	}
}

func merge(a, b map[string]int64) map[string]bool {
	m := make(map[string]bool)
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}

// TestPrivateEqualsStore: the private report of any run of days shows
// every value with exactly the store's count, nothing folded.
func TestPrivateEqualsStore(t *testing.T) {
	for seed := range uint64(8) {
		rng := rand.New(rand.NewPCG(seed, 17))
		st := randomStore(rng, 10)
		from := propStart.Add(rng.IntN(propDays))
		to := from.Add(rng.IntN(propDays - from.Sub(propStart)))
		r, err := Generate(context.Background(), st, Options{Private: true, K: 10, From: from, To: to, Now: propNow})
		if err != nil {
			t.Fatal(err)
		}
		if r.Period.From != from.String() || r.Period.To != to.String() {
			t.Fatalf("private period %s..%s, want %s..%s", r.Period.From, r.Period.To, from, to)
		}
		for _, tb := range r.Tables() {
			if tb.Name == "referrer_groups" {
				continue
			}
			if tb.Folded.UnderK != 0 {
				t.Errorf("seed %d: private %s folded %d under k", seed, tb.Name, tb.Folded.UnderK)
			}
			for _, row := range tb.Rows {
				if row.Other {
					continue
				}
				if n, _ := truth(st, tb.Name, row.Value, from.String(), to.String()); int64(row.Count) != n {
					t.Errorf("seed %d: private %s %q = %d, store %d", seed, tb.Name, row.Value, row.Count, n)
				}
			}
		}
		var views int64
		for _, v := range st.c.Views {
			if v.Day >= from.String() && v.Day <= to.String() {
				views += v.N
			}
		}
		if int64(r.Totals.Views.Value) != views || int64(r.Pages.Total) != views {
			t.Errorf("seed %d: private views %d (pages %d), store %d", seed, r.Totals.Views.Value, r.Pages.Total, views)
		}
	}
}

// Forged events from one network are one visitor a day, however many of
// them there are (the collector's test shows that), so a guessed value
// they pad stays under k however many views it gets.
func TestPaddingDoesNotUnlock(t *testing.T) {
	b := newBatch()
	for d := range 7 {
		day := propStart.Add(d).String()
		key := store.DimKey{Day: day, Dim: "referrer", Value: "intranet.corp.example"}
		b.Dims[key] = 1 + 50 // one real view, fifty forged ones
		b.DimVisitors[key] = 2
		for i := range 12 {
			vk := store.ViewKey{Day: day, Path: fmt.Sprintf("/r%d/", i)}
			b.Views[vk] = 1
			b.ViewVisitors[vk] = 1
		}
	}
	st := &memStore{}
	_ = st.Add(context.Background(), b)
	r := publicReport(t, st, 10, calendar.Week, propStart, propStart)
	for _, row := range r.Referrers.Rows {
		if !row.Other {
			t.Errorf("referrer %q published with 2 visitors a day", row.Value)
		}
	}
	if r.Referrers.Folded.UnderK != 7*51 {
		t.Errorf("folded %d views, want %d", r.Referrers.Folded.UnderK, 7*51)
	}
}

func TestPeriods(t *testing.T) {
	d := func(s string) calendar.Date {
		x, err := calendar.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	today := d("2025-04-02") // a Wednesday
	for _, tc := range []struct {
		from, to string
		size     calendar.Size
		want     string // from..to cells, or "error"
	}{
		{"", "", calendar.Week, "2025-03-03..2025-03-30 4"},
		{"", "", calendar.Month, "2024-12-01..2025-03-31 4"},
		{"2025-03-05", "2025-03-05", calendar.Week, "2025-03-03..2025-03-09 1"},
		{"2025-02-10", "2025-03-12", calendar.Month, "2025-02-01..2025-03-31 2"},
		{"", "2025-04-01", calendar.Week, "error"}, // the running week
		{"", "2025-04-01", calendar.Month, "error"},
		{"2025-03-20", "2025-03-01", calendar.Week, "error"},
	} {
		p, err := PeriodFor(dd(d, tc.from), dd(d, tc.to), today, tc.size)
		got := "error"
		if err == nil {
			got = fmt.Sprintf("%s..%s %d", p.From, p.To, p.Cells)
		}
		if got != tc.want {
			t.Errorf("PeriodFor(%q, %q, %s) = %s (%v), want %s", tc.from, tc.to, tc.size, got, err, tc.want)
		}
	}
	p, err := PrivatePeriod(calendar.Date{}, calendar.Date{}, today)
	if err != nil || p.From != "2025-03-06" || p.To != "2025-04-02" || p.Days != 28 {
		t.Errorf("PrivatePeriod() = %+v, %v; want the 28 days to 2025-04-02", p, err)
	}
	// Days that have not happened yet are not part of a private period.
	p, err = PrivatePeriod(d("2025-03-30"), d("2025-04-30"), today)
	if err != nil || p.To != "2025-04-02" {
		t.Errorf("PrivatePeriod(to the future) = %+v, %v; want it to end today", p, err)
	}
}

func dd(parse func(string) calendar.Date, s string) calendar.Date {
	if s == "" {
		return calendar.Date{}
	}
	return parse(s)
}

// Today is the site's: at 23:30 UTC on Sunday it is already Monday in
// Berlin, so the week that has just ended there is published.
func TestTodayInTheSiteTimezone(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	now := func() time.Time { return time.Date(2025, 3, 30, 23, 30, 0, 0, time.UTC) }
	utc, err := Generate(context.Background(), nil, Options{K: 10, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	local, err := Generate(context.Background(), nil, Options{K: 10, Now: now, Location: berlin})
	if err != nil {
		t.Fatal(err)
	}
	if utc.Period.To != "2025-03-23" || local.Period.To != "2025-03-30" {
		t.Errorf("last week ends %s in UTC and %s in Berlin, want 2025-03-23 and 2025-03-30", utc.Period.To, local.Period.To)
	}
}
