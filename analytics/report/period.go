package report

import (
	"fmt"
	"time"

	"folio/analytics/calendar"
)

// dayLayout is how the store and the report write a day.
const dayLayout = calendar.Layout

// DefaultCells is how many completed cells a public report covers when no
// period is given, and DefaultPrivateDays how many days, today included, a
// private one does.
const (
	DefaultCells       = 4
	DefaultPrivateDays = 28
)

// maxDays bounds a period, so that a typo such as -from 0001-01-01 gives
// an error instead of a report of two thousand years of empty days.
const maxDays = 3700

// Period is the run of the site's days a report covers. A public
// report's period is made of whole cells (Cell, Cells); a private one's is
// any whole days, and its Cell is empty.
type Period struct {
	From  string        `json:"from"` // the first day, YYYY-MM-DD
	To    string        `json:"to"`   // the last day
	Days  int           `json:"days"`
	Cell  calendar.Size `json:"cell,omitempty"`
	Cells int           `json:"cells,omitempty"`

	from calendar.Date
	// starts are the first days of the cells, and one past the last.
	starts []calendar.Date
}

func newDays(from calendar.Date, days int) Period {
	return Period{From: from.String(), To: from.Add(days - 1).String(), Days: days, from: from}
}

func newCells(first calendar.Date, cells int, size calendar.Size) Period {
	starts := []calendar.Date{first}
	for range cells {
		starts = append(starts, calendar.Next(starts[len(starts)-1], size))
	}
	p := newDays(first, starts[cells].Sub(first))
	p.Cell, p.Cells, p.starts = size, cells, starts
	return p
}

// day returns the i-th day of the period, counting from 0, at midnight
// UTC of that date.
func (p Period) day(i int) time.Time { return p.from.Add(i).Time() }

// index returns the position of a store day in the period, and false when
// the day lies outside it or is not a date.
func (p Period) index(day string) (int, bool) {
	d, err := calendar.Parse(day)
	if err != nil {
		return 0, false
	}
	i := d.Sub(p.from)
	if i < 0 || i >= p.Days {
		return 0, false
	}
	return i, true
}

// cellOf returns the cell that holds the i-th day of a period of cells.
func (p Period) cellOf(i int) int {
	d := p.from.Add(i)
	c := 0
	for c+1 < len(p.starts)-1 && !d.Before(p.starts[c+1]) {
		c++
	}
	return c
}

// previous is the period of the same length that ends the day before p:
// as many cells, or as many days.
func (p Period) previous() Period {
	if p.Cell == "" {
		return newDays(p.from.Add(-p.Days), p.Days)
	}
	first := p.from
	for range p.Cells {
		first = calendar.Prev(first, p.Cell)
	}
	return newCells(first, p.Cells, p.Cell)
}

// String formats the period for readers: "6 January – 2 February 2025".
func (p Period) String() string {
	if p.Days == 0 {
		return ""
	}
	a, b := p.day(0), p.day(p.Days-1)
	switch {
	case a.Year() != b.Year():
		return a.Format("2 January 2006") + " – " + b.Format("2 January 2006")
	case a.Month() != b.Month():
		return a.Format("2 January") + " – " + b.Format("2 January 2006")
	case a.Day() == b.Day():
		return a.Format("2 January 2006")
	default:
		return a.Format("2") + " – " + b.Format("2 January 2006")
	}
}

// Unit names the period's parts for readers: "4 weeks", "3 months", "28
// days".
func (p Period) Unit() string {
	n, unit := p.Days, "day"
	switch p.Cell {
	case calendar.Week:
		n, unit = p.Cells, "week"
	case calendar.Month:
		n, unit = p.Cells, "month"
	}
	if n != 1 {
		unit += "s"
	}
	return fmt.Sprintf("%d %s", n, unit)
}

// PeriodFor is the period of a public report: from and to snap outward to
// whole cells of the given size. A zero to means the last completed cell
// before today's; a zero from means DefaultCells cells ending with to's.
// A period that reaches into today's cell, which is still running, is an
// error: a running cell is never published.
func PeriodFor(from, to, today calendar.Date, size calendar.Size) (Period, error) {
	running := calendar.Start(today, size)
	var last calendar.Date // the first day of the last cell
	if to.IsZero() {
		last = calendar.Prev(running, size)
		if !from.IsZero() && calendar.Start(from, size).After(last) {
			last = calendar.Start(from, size)
		}
	} else {
		last = calendar.Start(to, size)
	}
	if !last.Before(running) {
		return Period{}, fmt.Errorf("the %s from %s is still running: a public report ends with a completed %s, on %s at the latest (for today's numbers, see the private report)",
			size, running, size, running.Add(-1))
	}
	first := last
	if !from.IsZero() {
		first = calendar.Start(from, size)
	} else {
		for range DefaultCells - 1 {
			first = calendar.Prev(first, size)
		}
	}
	if first.After(last) {
		return Period{}, fmt.Errorf("period starts %s, after it ends %s", from, to)
	}
	cells := 1
	for s := first; s.Before(last); s = calendar.Next(s, size) {
		cells++
	}
	p := newCells(first, cells, size)
	if p.Days > maxDays {
		return Period{}, fmt.Errorf("period of %d days is longer than the limit of %d", p.Days, maxDays)
	}
	return p, nil
}

// PrivatePeriod is the period of a private report: any whole days. A zero
// to means today; a zero from means DefaultPrivateDays days ending with
// to. Days after today hold nothing yet and are not part of it.
func PrivatePeriod(from, to, today calendar.Date) (Period, error) {
	if to.IsZero() || to.After(today) {
		to = today
	}
	if from.IsZero() {
		from = to.Add(1 - DefaultPrivateDays)
	}
	if from.After(to) {
		return Period{}, fmt.Errorf("period starts %s, after it ends %s", from, to)
	}
	days := to.Sub(from) + 1
	if days > maxDays {
		return Period{}, fmt.Errorf("period of %d days is longer than the limit of %d", days, maxDays)
	}
	return newDays(from, days), nil
}
