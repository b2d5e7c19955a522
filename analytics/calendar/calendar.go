// Package calendar knows a site's days and the cells its public reports
// are made of.
//
// A site's day is a date in its time zone (timezone in folio.toml, UTC by
// default): an event belongs to the date its clock shows there, so a
// reader in Berlin at 00:30 counts on the new day, in the collector and in
// every report. Once an instant has become a date, all arithmetic is on
// dates, never on instants, so a day is a day whether it had 23, 24 or 25
// hours.
//
// A cell is a whole week (Monday to Sunday) or a whole calendar month of
// the site's days. A public report publishes only completed cells, and
// retention deletes whole cells only, so no published number ever covers
// a part of a cell.
package calendar

import (
	"fmt"
	"time"
)

// Layout is how a day is written, in the store and in reports.
const Layout = time.DateOnly

// Size is the length of a cell.
type Size string

// The cell sizes.
const (
	Week  Size = "week"
	Month Size = "month"
)

// ParseSize reads a cell size as written in folio.toml; "" is Week.
func ParseSize(s string) (Size, error) {
	switch Size(s) {
	case "", Week:
		return Week, nil
	case Month:
		return Month, nil
	}
	return "", fmt.Errorf("cell %q: want \"week\" or \"month\"", s)
}

// Date is a site's day, held as midnight UTC of that date so that adding
// days never meets a daylight-saving change.
type Date struct{ t time.Time }

// DateOf is the date that t shows in loc; a nil loc is UTC.
func DateOf(t time.Time, loc *time.Location) Date {
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := t.In(loc).Date()
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// Parse reads a day written YYYY-MM-DD.
func Parse(s string) (Date, error) {
	t, err := time.Parse(Layout, s)
	if err != nil || len(s) != len(Layout) {
		return Date{}, fmt.Errorf("day %q: want YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

// DayOf is DateOf(t, loc) written YYYY-MM-DD: the day an event counts on.
func DayOf(t time.Time, loc *time.Location) string { return DateOf(t, loc).String() }

// String writes d as YYYY-MM-DD.
func (d Date) String() string { return d.t.Format(Layout) }

// Time is midnight UTC of d, for formatting.
func (d Date) Time() time.Time { return d.t }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d.t.IsZero() }

// Add returns the date n days after d (before, for a negative n).
func (d Date) Add(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// Sub returns how many days d is after e.
func (d Date) Sub(e Date) int { return int(d.t.Sub(e.t).Hours() / 24) }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.t.After(e.t) }

// Weekday is the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.t.Weekday() }

// Start returns the first day of the cell of the given size that holds d:
// its week's Monday, or the first of its month.
func Start(d Date, size Size) Date {
	if size == Month {
		y, m, _ := d.t.Date()
		return Date{time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)}
	}
	// time.Weekday counts from Sunday; weeks here start on Monday.
	return d.Add(-((int(d.t.Weekday()) + 6) % 7))
}

// Next returns the first day of the cell after the one that starts on
// start.
func Next(start Date, size Size) Date {
	if size == Month {
		return Date{start.t.AddDate(0, 1, 0)}
	}
	return start.Add(7)
}

// Prev returns the first day of the cell before the one that starts on
// start.
func Prev(start Date, size Size) Date {
	if size == Month {
		return Date{start.t.AddDate(0, -1, 0)}
	}
	return start.Add(-7)
}

// Name names the cell that starts on start: "2025-W02" for an ISO week,
// "2025-01" for a month.
func Name(start Date, size Size) string {
	if size == Month {
		return start.t.Format("2006-01")
	}
	y, w := start.t.ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}
