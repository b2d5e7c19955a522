package report

import (
	"sort"
	"strings"
)

// otherValue is the value of the row that holds every folded cell. The
// collector stores the same "(other)" for a dimension that hit its daily
// cap of distinct values, and those counts belong in the same row.
const otherValue = "(other)"

// cellSum is one value's counts in one cell: its views (or events), the
// largest number of distinct visitors it had on one day of the cell, and
// those daily visitors added up.
type cellSum struct {
	n, maxVisitors, visitors int64
}

// tally collects one table's counts per cell before the k rule is
// applied: value -> sums in each cell of the period.
type tally struct {
	cells int
	// byEvents thresholds a cell on its count rather than on visitors:
	// for the filtered table, whose values are reasons the collector
	// chose, not attributes of a visitor.
	byEvents bool
	values   map[string][]cellSum
}

func newTally(cells int) *tally {
	return &tally{cells: cells, values: make(map[string][]cellSum)}
}

// add adds one day's count of a value to its cell.
func (t *tally) add(value string, cell int, n, visitors int64) {
	c := t.values[value]
	if c == nil {
		c = make([]cellSum, t.cells)
		t.values[value] = c
	}
	s := &c[cell]
	s.n += n
	s.visitors += visitors
	if visitors > s.maxVisitors {
		s.maxVisitors = visitors
	}
}

// Folded says how much of a table went into its "Other" row, and why.
type Folded struct {
	// UnderK are the views (or events) of cells with fewer than k
	// distinct visitors: a value with such a cell shows only its other
	// cells, or goes into Other whole.
	UnderK Count `json:"under_k"`
	// Capped are the views counted as "(other)" by the collector, once a
	// day already had its limit of distinct values.
	Capped Count `json:"capped"`
}

// reaches reports whether a cell may be published under k. Visitors are
// counted with a key that changes every day, so the same person on two
// days cannot be told from two people: the number of distinct visitors a
// cell certainly has is the largest of its days, not their sum.
func (t *tally) reaches(c cellSum, k int64) bool {
	if t.byEvents {
		return c.n >= k
	}
	return c.maxVisitors >= k
}

// fold applies the k rule cell by cell. A cell that reaches k adds its
// exact count to its value's row; a cell that does not goes whole into
// Other. Nothing is ever moved from one row to another or rounded, so a
// published number is exact: the sum of the value's published cells. And
// since whether a cell is published depends on that cell alone, two
// reports over overlapping periods differ only by whole published cells.
// private publishes every cell.
func (t *tally) fold(k int64, private bool) (rows map[string]cellSum, f Folded) {
	rows = make(map[string]cellSum)
	for v, cells := range t.values {
		for _, c := range cells {
			switch {
			case c.n == 0 && c.visitors == 0:
			case v == otherValue:
				f.Capped += Count(c.n)
			case private || t.reaches(c, k):
				r := rows[v]
				r.n += c.n
				r.visitors += c.visitors
				rows[v] = r
			default:
				f.UnderK += Count(c.n)
			}
		}
	}
	return rows, f
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
