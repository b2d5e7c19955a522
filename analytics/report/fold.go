package report

import (
	"sort"
	"strings"
)

// otherValue is the value of the row that holds every folded cell. The
// collector stores the same "(other)" for a dimension that hit its daily
// cap of distinct values, and those counts belong in the same row.
const otherValue = "(other)"

// tally collects one table's counts per week before the k rule is applied:
// value -> count in each week of the period.
type tally struct {
	weeks int
	cells map[string][]int64
}

func newTally(weeks int) *tally {
	return &tally{weeks: weeks, cells: make(map[string][]int64)}
}

func (t *tally) add(value string, week int, n int64) {
	c := t.cells[value]
	if c == nil {
		c = make([]int64, t.weeks)
		t.cells[value] = c
	}
	c[week] += n
}

// cell is one table's count of one value in one week.
type cell struct {
	value string
	n     int64
}

// fold applies the k rule week by week and adds up what may be published.
//
// In each week a cell under k goes to Other. When what went to Other adds up
// to less than k, Other is topped up to k from the smallest published cell
// of that week, or takes that cell whole when what is left of it would be
// under k, and so on: otherwise two reports whose periods differ by that
// week would differ in Other by less than k, and the site-wide views, which
// are published as they are, would give the small remainder away. Topping
// up rather than folding the whole cell keeps, say, "mobile" on the page
// when "tablet" alone is under k. The remainder it lends Other is less than
// k, so that row is short by less than k a week, and it says nothing about
// the cells in Other. A week in which the whole table holds
// less than k publishes nothing at all. So every published week cell, Other
// included, is at least k, every table's week still adds up to what was
// counted, and every sum over weeks differs from a sum over a subset of the
// same weeks by 0 or by at least k.
func (t *tally) fold(k int64) (rows map[string]int64, other int64) {
	rows = make(map[string]int64)
	values := make([]string, 0, len(t.cells))
	for v := range t.cells {
		values = append(values, v)
	}
	// A fixed order of values makes the choice among equal cells, and so
	// the whole report, the same on every run.
	sort.Strings(values)
	var pub []cell
	for w := 0; w < t.weeks; w++ {
		pub = pub[:0]
		var folded int64
		for _, v := range values {
			n := t.cells[v][w]
			switch {
			case n == 0:
			case n < k || v == otherValue:
				folded += n
			default:
				pub = append(pub, cell{v, n})
			}
		}
		if folded > 0 && folded < k {
			if len(pub) == 0 {
				continue // the whole week is under k
			}
			// The smallest published cell; the first of equal ones, in
			// the order of values, so every run picks the same.
			least := 0
			for i, c := range pub {
				if c.n < pub[least].n {
					least = i
				}
			}
			// Every published cell holds at least k, so one cell always
			// brings Other to k.
			if need := k - folded; pub[least].n-need >= k {
				pub[least].n -= need
				folded = k
			} else {
				folded += pub[least].n
				pub = append(pub[:least], pub[least+1:]...)
			}
		}
		for _, c := range pub {
			rows[c.value] += c.n
		}
		other += folded
	}
	return rows, other
}

// sortRows orders rows by count, largest first, then by value, with the
// Other row last whatever its size: readers look for it at the end.
func sortRows(rows []Row) {
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.Other != b.Other {
			return b.Other
		}
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return strings.Compare(a.Value, b.Value) < 0
	})
}
