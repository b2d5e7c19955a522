package report

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"folio/analytics/store"
)

// Format is the version of report.json. It changes only when a field
// changes meaning or goes away; new fields may appear without a change.
const Format = 1

// DefaultK is the publication threshold when a site does not set one.
const DefaultK = 10

// Options say which report to make.
type Options struct {
	// From and To are any days of the first and last week; they snap
	// outward to whole ISO weeks in UTC (see PeriodFor). Both zero means the
	// last DefaultWeeks complete weeks.
	From, To time.Time
	// K is the publication threshold: a week cell under K is folded into
	// Other. It must be at least 1 (1 publishes every cell).
	K int
	// Now is the clock; nil means time.Now. It decides the default period
	// and whether the period is still running.
	Now func() time.Time
	// Title returns the title of a page of the site from its URL path,
	// when the site knows it; nil shows paths only.
	Title func(path string) (string, bool)
}

// Report is everything a published report shows. Its exported fields are
// report.json (see the json tags and the README); its methods give the
// charts and table excerpts that the report layout renders.
type Report struct {
	Format   int    `json:"format"`
	Period   Period `json:"period"`
	Previous Period `json:"previous_period"`
	K        int    `json:"k"`
	// HasData is false when the store holds nothing for the period: the
	// page then says that there is no data yet.
	HasData bool `json:"has_data"`
	// Partial is true when the period has not ended yet, so its counts
	// are still growing.
	Partial bool   `json:"partial"`
	Totals  Totals `json:"totals"`

	Daily   []Day   `json:"daily"`
	Weekly  []Week  `json:"weekly"`
	Monthly []Month `json:"monthly"`

	Pages          *Table `json:"pages"`
	ReferrerGroups *Table `json:"referrer_groups"`
	Referrers      *Table `json:"referrers"`
	Browsers       *Table `json:"browsers"`
	OS             *Table `json:"os"`
	Devices        *Table `json:"devices"`
	Languages      *Table `json:"languages"`
	Countries      *Table `json:"countries"`
	Filtered       *Table `json:"filtered"`
}

// Count is a number of views, visitors or events. It prints with
// thousands separators in templates; in JSON it is a plain number.
type Count int64

// String formats c for readers: 12,345.
func (c Count) String() string {
	s := strconv.FormatInt(int64(c), 10)
	neg := c < 0
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	if neg {
		out = append(out, '-')
	}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// Totals are the headline numbers of the period.
type Totals struct {
	// Views are all counted page views, published as they are: they
	// carry no attribute.
	Views Total `json:"views"`
	// Visitors add up the approximate distinct visitors of each day, so a
	// reader who came on two days counts twice.
	Visitors Total `json:"visitors"`
	// Filtered is the total of the filtered table: events that were not
	// counted as views, after the k rule.
	Filtered Total `json:"filtered"`
}

// Total is a headline number with the same number of the previous period.
type Total struct {
	Value    Count `json:"value"`
	Previous Count `json:"previous"`
	// ChangePercent is (Value-Previous)/Previous in percent, rounded to
	// one decimal; null when the previous period counted nothing.
	ChangePercent *float64 `json:"change_percent"`
}

func newTotal(value, previous int64) Total {
	t := Total{Value: Count(value), Previous: Count(previous)}
	if previous > 0 {
		p := math.Round(float64(value-previous)/float64(previous)*1000) / 10
		t.ChangePercent = &p
	}
	return t
}

// Change describes the change for readers: "+12.5%", "−3%", "no change",
// or "" when there is nothing to compare with.
func (t Total) Change() string {
	if t.ChangePercent == nil {
		return ""
	}
	p := *t.ChangePercent
	switch {
	case p > 0:
		return "+" + strconv.FormatFloat(p, 'f', -1, 64) + "%"
	case p < 0:
		return "−" + strconv.FormatFloat(-p, 'f', -1, 64) + "%"
	}
	return "no change"
}

// Trend is "up", "down", "same" or "" for a class name.
func (t Total) Trend() string {
	switch {
	case t.ChangePercent == nil:
		return ""
	case *t.ChangePercent > 0:
		return "up"
	case *t.ChangePercent < 0:
		return "down"
	}
	return "same"
}

// Day is one day of the period. Views and visitors per day are site-wide
// numbers without any attribute and are published as they are.
type Day struct {
	Date     string `json:"date"`
	Views    Count  `json:"views"`
	Visitors Count  `json:"visitors"`
}

// Week sums the days of one ISO week.
type Week struct {
	Week     string `json:"week"` // ISO week: 2025-W02
	From     string `json:"from"`
	To       string `json:"to"`
	Views    Count  `json:"views"`
	Visitors Count  `json:"visitors"`
}

// Month sums the days of one calendar month that lie in the period; the
// first and last month may be partial (Days says how many days count).
type Month struct {
	Month    string `json:"month"` // 2025-01
	From     string `json:"from"`
	To       string `json:"to"`
	Days     int    `json:"days"`
	Views    Count  `json:"views"`
	Visitors Count  `json:"visitors"`
}

// Table is one published breakdown: pages, referrers, browsers and so on.
// Every row is a sum of published week cells, the Other row included, and
// Total is the sum of the rows.
type Table struct {
	// Unit is what Count counts: "views", or "events" for filtered.
	Unit  string `json:"unit"`
	Total Count  `json:"total"`
	Rows  []Row  `json:"rows"`

	// Name is the table's key in report.json and the base of its CSV
	// file name; Heading, Intro, Column and Limit are for the page.
	Name    string `json:"-"`
	Heading string `json:"-"`
	Intro   string `json:"-"`
	Column  string `json:"-"`
	Limit   int    `json:"-"`
}

// Row is one line of a table.
type Row struct {
	// Value is what the store holds: a path, a host, a language code.
	// The Other row has the value "(other)".
	Value string `json:"value"`
	// Label is what readers see: a page title, a language name.
	Label string `json:"label"`
	// Group is the referrer group of a referrer host; empty elsewhere.
	Group string `json:"group,omitempty"`
	Count Count  `json:"count"`
	// Other marks the row of folded cells.
	Other bool `json:"other"`
}

// tableSpec describes one table before its counts are known.
type tableSpec struct {
	name, dim, heading, intro, column, unit, other string
	limit                                          int
}

var specs = []tableSpec{
	{name: "pages", heading: "Top pages", column: "Page", unit: "views", other: "Other pages", limit: 20,
		intro: "Views per page of the site."},
	{name: "referrer_groups", heading: "Where readers come from", column: "Source", unit: "views", other: "Other", limit: 10,
		intro: "Referrer hosts of the table below, grouped: search engines, social networks, other websites, and visits without a referrer."},
	{name: "referrers", dim: "referrer", heading: "Referrers", column: "Host", unit: "views", other: "Other", limit: 15,
		intro: "The site that linked to the page, host name only."},
	{name: "browsers", dim: "browser", heading: "Browsers", column: "Browser", unit: "views", other: "Other", limit: 10},
	{name: "os", dim: "os", heading: "Operating systems", column: "Operating system", unit: "views", other: "Other", limit: 10},
	{name: "devices", dim: "device", heading: "Devices", column: "Device class", unit: "views", other: "Other", limit: 10},
	{name: "languages", dim: "language", heading: "Languages", column: "Language", unit: "views", other: "Other", limit: 10,
		intro: "The first language of the browser's preferred languages."},
	{name: "countries", dim: "country", heading: "Countries", column: "Country", unit: "views", other: "Other", limit: 15,
		intro: "Looked up from a shortened address that is never stored."},
	{name: "filtered", heading: "Filtered events", column: "Reason", unit: "events", other: "Other reasons", limit: 10,
		intro: "Requests that reached the endpoint but were not counted as views, and why. Requests with Do Not Track or Global Privacy Control are not counted here either: nothing of them is kept."},
}

// Generate makes the report of a period from a store. A nil store is an
// empty one, for a site whose database does not exist yet: the report then
// says that there is no data, which is not an error.
func Generate(ctx context.Context, st store.Store, opts Options) (*Report, error) {
	if opts.K < 1 {
		return nil, fmt.Errorf("k is %d, must be at least 1", opts.K)
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	today := now().UTC()
	period, err := PeriodFor(opts.From, opts.To, today)
	if err != nil {
		return nil, err
	}
	prev := period.previous()

	counts := &store.Counts{}
	if st != nil {
		counts, err = st.Query(ctx, prev.From, period.To)
		if err != nil {
			return nil, fmt.Errorf("query store: %w", err)
		}
		if counts == nil {
			return nil, errors.New("query store: no counts returned")
		}
	}

	r := &Report{
		Format:   Format,
		Period:   period,
		Previous: prev,
		K:        opts.K,
		// The period is still running while today is before the day after
		// its last day.
		Partial: today.Before(period.day(period.Days)),
	}
	b := newBuilder(period, prev, int64(opts.K))
	b.add(counts)
	b.fill(r, opts.Title)
	return r, nil
}

// builder turns the cells of the store into a report.
type builder struct {
	cur, prev       Period
	k               int64
	views, visitors []int64 // per day of the current period
	prevViews       int64
	prevVisitors    int64
	tallies         map[string]*tally // by table name, current period
	prevFiltered    *tally
	hasData         bool

	// lastDay caches the position of the day read last: the store returns
	// rows ordered by day, so a year of views parses each date once
	// instead of once per page.
	lastDay               string
	lastCur, lastPrev     int
	lastInCur, lastInPrev bool
}

// where finds a store day in the current period (cur, inCur) or the
// previous one (prev, inPrev).
func (b *builder) where(day string) (cur int, inCur bool, prev int, inPrev bool) {
	if day != b.lastDay {
		b.lastDay = day
		b.lastCur, b.lastInCur = b.cur.index(day)
		b.lastPrev, b.lastInPrev = b.prev.index(day)
	}
	return b.lastCur, b.lastInCur, b.lastPrev, b.lastInPrev
}

func newBuilder(cur, prev Period, k int64) *builder {
	b := &builder{
		cur: cur, prev: prev, k: k,
		views:        make([]int64, cur.Days),
		visitors:     make([]int64, cur.Days),
		tallies:      make(map[string]*tally),
		prevFiltered: newTally(prev.Weeks),
	}
	for _, s := range specs {
		b.tallies[s.name] = newTally(cur.Weeks)
	}
	return b
}

// dimTable returns the name of the table of a store dimension.
func dimTable(dim string) (string, bool) {
	for _, s := range specs {
		if s.dim == dim {
			return s.name, true
		}
	}
	return "", false
}

func (b *builder) add(c *store.Counts) {
	pages := b.tallies["pages"]
	for _, v := range c.Views {
		if i, ok, _, inPrev := b.where(v.Day); ok {
			b.views[i] += v.N
			pages.add(v.Path, i/7, v.N)
			b.hasData = true
		} else if inPrev {
			b.prevViews += v.N
		}
	}
	for _, d := range c.Dims {
		i, ok, _, _ := b.where(d.Day)
		if !ok {
			continue
		}
		// A dimension this report does not know (from a newer collector)
		// is left out rather than guessed at.
		if name, known := dimTable(d.Dim); known {
			b.tallies[name].add(d.Value, i/7, d.N)
			b.hasData = true
		}
	}
	filtered := b.tallies["filtered"]
	for _, d := range c.Dropped {
		if i, ok, j, inPrev := b.where(d.Day); ok {
			filtered.add(d.Reason, i/7, d.N)
			b.hasData = true
		} else if inPrev {
			b.prevFiltered.add(d.Reason, j/7, d.N)
		}
	}
	for _, v := range c.Visitors {
		if i, ok, _, inPrev := b.where(v.Day); ok {
			b.visitors[i] += v.N
			b.hasData = true
		} else if inPrev {
			b.prevVisitors += v.N
		}
	}
}

func (b *builder) fill(r *Report, title func(string) (string, bool)) {
	r.HasData = b.hasData
	var views, visitors int64
	r.Daily = make([]Day, b.cur.Days)
	for i := range r.Daily {
		views += b.views[i]
		visitors += b.visitors[i]
		r.Daily[i] = Day{Date: b.cur.day(i).Format(dayLayout), Views: Count(b.views[i]), Visitors: Count(b.visitors[i])}
	}
	r.Weekly = make([]Week, b.cur.Weeks)
	for w := range r.Weekly {
		wk := Week{Week: isoWeek(b.cur.day(7 * w)), From: r.Daily[7*w].Date, To: r.Daily[7*w+6].Date}
		for _, d := range r.Daily[7*w : 7*w+7] {
			wk.Views += d.Views
			wk.Visitors += d.Visitors
		}
		r.Weekly[w] = wk
	}
	r.Monthly = []Month{}
	for _, d := range r.Daily {
		m := d.Date[:7]
		if n := len(r.Monthly); n == 0 || r.Monthly[n-1].Month != m {
			r.Monthly = append(r.Monthly, Month{Month: m, From: d.Date})
		}
		last := &r.Monthly[len(r.Monthly)-1]
		last.To = d.Date
		last.Days++
		last.Views += d.Views
		last.Visitors += d.Visitors
	}

	tables := make(map[string]*Table)
	for _, s := range specs {
		if s.name == "referrer_groups" {
			continue // made from the published referrers below
		}
		tables[s.name] = b.table(s, b.tallies[s.name], title)
	}
	tables["referrer_groups"] = groupTable(tables["referrers"])
	r.Pages = tables["pages"]
	r.ReferrerGroups = tables["referrer_groups"]
	r.Referrers = tables["referrers"]
	r.Browsers = tables["browsers"]
	r.OS = tables["os"]
	r.Devices = tables["devices"]
	r.Languages = tables["languages"]
	r.Countries = tables["countries"]
	r.Filtered = tables["filtered"]

	rows, prevFiltered := b.prevFiltered.fold(b.k)
	for _, n := range rows {
		prevFiltered += n
	}
	r.Totals = Totals{
		Views:    newTotal(views, b.prevViews),
		Visitors: newTotal(visitors, b.prevVisitors),
		Filtered: newTotal(int64(r.Filtered.Total), prevFiltered),
	}
}

func specFor(name string) tableSpec {
	for _, s := range specs {
		if s.name == name {
			return s
		}
	}
	panic("report: no table " + name)
}

func newTable(s tableSpec) *Table {
	return &Table{Name: s.name, Heading: s.heading, Intro: s.intro, Column: s.column, Unit: s.unit, Limit: s.limit, Rows: []Row{}}
}

// table folds a tally under k and makes its rows.
func (b *builder) table(s tableSpec, t *tally, title func(string) (string, bool)) *Table {
	tb := newTable(s)
	rows, other := t.fold(b.k)
	for v, n := range rows {
		row := Row{Value: v, Label: label(s.name, v), Count: Count(n)}
		if s.name == "pages" && title != nil {
			if t, ok := title(v); ok && t != "" {
				row.Label = t
			}
		}
		if s.name == "referrers" {
			row.Group = referrerGroup(v)
		}
		tb.Rows = append(tb.Rows, row)
		tb.Total += Count(n)
	}
	if other > 0 {
		tb.Rows = append(tb.Rows, Row{Value: otherValue, Label: s.other, Count: Count(other), Other: true})
		tb.Total += Count(other)
	}
	sortRows(tb.Rows)
	return tb
}

// groupTable regroups the published rows of the referrers table. Groups
// are made from published rows only, never from the cells folded into
// Other, so a group adds nothing that the referrers table does not show.
func groupTable(refs *Table) *Table {
	s := specFor("referrer_groups")
	tb := newTable(s)
	sums := make(map[string]Count)
	var other Count
	for _, row := range refs.Rows {
		if row.Other {
			other += row.Count
			continue
		}
		sums[row.Group] += row.Count
	}
	for g, n := range sums {
		tb.Rows = append(tb.Rows, Row{Value: g, Label: label(s.name, g), Count: n})
		tb.Total += n
	}
	if other > 0 {
		tb.Rows = append(tb.Rows, Row{Value: otherValue, Label: s.other, Count: other, Other: true})
		tb.Total += other
	}
	sortRows(tb.Rows)
	return tb
}

// NamedTotal is a headline number with the words the page shows with it.
type NamedTotal struct {
	Name, Note string
	Total
}

// List returns the totals in the order the page shows them.
func (t Totals) List() []NamedTotal {
	return []NamedTotal{
		{"Views", "page views counted", t.Views},
		{"Visitors", "distinct visitors of each day, added up", t.Visitors},
		{"Filtered", "requests not counted as views", t.Filtered},
	}
}
