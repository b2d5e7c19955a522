package report

import (
	"fmt"
	"time"
)

// dayLayout is how the store and the report write a day: a UTC date.
const dayLayout = "2006-01-02"

// DefaultWeeks is how many complete weeks a report covers when no period
// is given.
const DefaultWeeks = 4

// maxWeeks bounds a period, so that a typo such as -from 0001-01-01 gives an
// error instead of a report of two thousand years of empty days.
const maxWeeks = 53 * 10

// Period is a run of whole ISO weeks, Monday to Sunday in UTC. Reports are
// made of week cells (see the package comment), so a period never starts
// or ends inside a week.
type Period struct {
	From  string `json:"from"`  // the first day, a Monday: YYYY-MM-DD
	To    string `json:"to"`    // the last day, a Sunday: YYYY-MM-DD
	Weeks int    `json:"weeks"` // how many weeks
	Days  int    `json:"days"`  // Weeks * 7

	from time.Time
}

func newPeriod(monday time.Time, weeks int) Period {
	return Period{
		From:  monday.Format(dayLayout),
		To:    monday.AddDate(0, 0, 7*weeks-1).Format(dayLayout),
		Weeks: weeks,
		Days:  7 * weeks,
		from:  monday,
	}
}

// day returns the i-th day of the period, counting from 0.
func (p Period) day(i int) time.Time { return p.from.AddDate(0, 0, i) }

// index returns the position of a store day in the period, and false when
// the day lies outside it or is not a date.
func (p Period) index(day string) (int, bool) {
	t, err := time.Parse(dayLayout, day)
	if err != nil {
		return 0, false
	}
	i := int(t.Sub(p.from).Hours()) / 24
	if t.Before(p.from) || i >= p.Days {
		return 0, false
	}
	return i, true
}

// previous is the period of the same length that ends the day before p.
func (p Period) previous() Period {
	return newPeriod(p.from.AddDate(0, 0, -p.Days), p.Weeks)
}

// String formats the period for readers: "6 January – 2 February 2025".
func (p Period) String() string {
	if p.Days == 0 {
		return ""
	}
	a, b := p.from, p.day(p.Days-1)
	switch {
	case a.Year() != b.Year():
		return a.Format("2 January 2006") + " – " + b.Format("2 January 2006")
	case a.Month() != b.Month():
		return a.Format("2 January") + " – " + b.Format("2 January 2006")
	default:
		return a.Format("2") + " – " + b.Format("2 January 2006")
	}
}

// monday returns the Monday that starts t's ISO week, at midnight UTC.
func monday(t time.Time) time.Time {
	t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	// time.Weekday counts from Sunday; ISO weeks start on Monday.
	back := (int(t.Weekday()) + 6) % 7
	return t.AddDate(0, 0, -back)
}

// PeriodFor snaps from and to outward to whole ISO weeks in UTC. A zero
// to means the last complete week before now; a zero from means
// DefaultWeeks weeks ending with to's week. Only the UTC date of each time
// counts.
func PeriodFor(from, to, now time.Time) (Period, error) {
	var last time.Time // the Monday of the last week
	if to.IsZero() {
		last = monday(now.UTC()).AddDate(0, 0, -7)
		if !from.IsZero() && monday(from.UTC()).After(last) {
			last = monday(from.UTC())
		}
	} else {
		last = monday(to.UTC())
	}
	first := last.AddDate(0, 0, -7*(DefaultWeeks-1))
	if !from.IsZero() {
		first = monday(from.UTC())
	}
	if first.After(last) {
		return Period{}, fmt.Errorf("period starts %s, after it ends %s", from.UTC().Format(dayLayout), to.UTC().Format(dayLayout))
	}
	weeks := int(last.Sub(first).Hours())/(24*7) + 1
	if weeks > maxWeeks {
		return Period{}, fmt.Errorf("period of %d weeks is longer than the limit of %d", weeks, maxWeeks)
	}
	return newPeriod(first, weeks), nil
}

// isoWeek names the ISO week that starts on the Monday t: "2025-W02".
func isoWeek(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}
