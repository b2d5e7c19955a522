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
// to less than k, the smallest published cells of that week go there too,
// until Other reaches k: otherwise two reports whose periods differ by that
// week would differ in Other by less than k. A week in which the whole table
// holds less than k publishes nothing at all. So every published week cell,
// Other included, is at least k, and every sum over weeks differs from any
// other sum over a subset of the same weeks by 0 or by at least k.
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
			// Stable, so that equal counts keep the order of values.
			sort.SliceStable(pub, func(i, j int) bool { return pub[i].n < pub[j].n })
			for len(pub) > 0 && folded < k {
				folded += pub[0].n
				pub = pub[1:]
			}
			if folded < k {
				continue // the whole week is under k
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
