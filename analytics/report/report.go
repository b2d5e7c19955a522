package report

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"folio/analytics/calendar"
	"folio/analytics/store"
)

// Format is the version of report.json. It changes only when a field
// changes meaning or goes away; new fields may appear without a change.
// Version 2: periods of cells, cells instead of weekly and monthly, the k
// rule on distinct visitors, private reports.
const Format = 2

// DefaultK is the publication threshold when a site does not set one.
const DefaultK = 10

// Options say which report to make.
type Options struct {
	// Private makes the owner's exact report: every value of every day,
	// today included, nothing folded. It must never be published.
	Private bool
	// From and To are days of the site. A public report snaps them
	// outward to whole cells (see PeriodFor); a private one takes them as
	// they are (see PrivatePeriod). Zero means the default.
	From, To calendar.Date
	// Cell is the site's cell size, week by default ([report] cell).
	Cell calendar.Size
	// Location is the site's time zone, which decides what today is; nil
	// is UTC.
	Location *time.Location
	// K is the publication threshold: a cell with fewer than K distinct
	// visitors is folded into Other. It must be at least 1.
	K int
	// Now is the clock; nil means time.Now. It decides the default period
	// and today.
	Now func() time.Time
	// Title returns the title of a page of the site from its URL path,
	// when the site knows it; nil shows paths only.
	Title func(path string) (string, bool)
	// Countries says whether the collector looks up countries; without
	// a country database the page says so instead of "none reach k".
	Countries bool
}

// Report is everything a published report shows. Its exported fields are
// report.json (see the json tags and the README); its methods give the
// charts and table excerpts that the report layout renders.
type Report struct {
	Format int `json:"format"`
	// Private marks the owner's exact report: "private: do not publish".
	Private  bool   `json:"private"`
	Notice   string `json:"notice,omitempty"`
	Period   Period `json:"period"`
	Previous Period `json:"previous_period"`
	K        int    `json:"k"`
	// HasData is false when the store holds nothing for the period: the
	// page then says that there is no data yet.
	HasData bool `json:"has_data"`
	// Partial is true when the period includes today, so its counts are
	// still growing (private reports only).
	Partial bool `json:"partial"`
	// NextCell is the first day after the running cell: when a public
	// report can first show it.
	NextCell string `json:"next_cell,omitempty"`
	// CountryLookup is false when the collector has no country
	// database, so the countries table is empty for that reason.
	CountryLookup bool   `json:"country_lookup"`
	Totals        Totals `json:"totals"`

	Daily []Day  `json:"daily"`
	Cells []Cell `json:"cells"`

	Pages          *Table `json:"pages"`
	ReferrerGroups *Table `json:"referrer_groups"`
	Referrers      *Table `json:"referrers"`
	Sources        *Table `json:"sources"`
	Mediums        *Table `json:"mediums"`
	Campaigns      *Table `json:"campaigns"`
	Outbound       *Table `json:"outbound"`
	Downloads      *Table `json:"downloads"`
	Events         *Table `json:"events"`
	Browsers       *Table `json:"browsers"`
	OS             *Table `json:"os"`
	Devices        *Table `json:"devices"`
	Languages      *Table `json:"languages"`
	Countries      *Table `json:"countries"`
	NotFound       *Table `json:"not_found"`
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
	// Filtered are the requests that were not counted as views.
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

// Cell sums the days of one cell of a public report's period: a week
// ("2025-W02") or a month ("2025-01").
type Cell struct {
	Cell     string `json:"cell"`
	From     string `json:"from"`
	To       string `json:"to"`
	Views    Count  `json:"views"`
	Visitors Count  `json:"visitors"`
}

// Table is one breakdown: pages, referrers, browsers and so on. In a
// public report every row is a sum of published cells and Other holds
// every folded cell, so Total is what was counted.
type Table struct {
	// Unit is what Count counts: "views", or "events".
	Unit  string `json:"unit"`
	Total Count  `json:"total"`
	Rows  []Row  `json:"rows"`
	// Folded says what the Other row holds, and why.
	Folded Folded `json:"folded"`

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
	// Group is the referrer group of a referrer or of a row of the
	// referrer_groups table; empty elsewhere.
	Group string `json:"group,omitempty"`
	// Source names a referrer that the embedded lists know, such as
	// "Google"; empty elsewhere.
	Source string `json:"source,omitempty"`
	Count  Count  `json:"count"`
	// Visitors are the row's distinct visitor networks of each day,
	// added up over the days: a reader who came on two days counts
	// twice. Not kept for filtered requests.
	Visitors Count `json:"visitors"`
	// Other marks the row of folded cells.
	Other bool `json:"other"`
}

// source says where a table's counts come from in the store.
type source int

const (
	fromViews source = iota
	fromDim
	fromEvents
	fromDropped
	fromGroups // made from the published rows of another table
)

// tableSpec describes one table before its counts are known.
type tableSpec struct {
	name, key, heading, intro, column, unit, other string
	from                                           source
	limit                                          int
}

var specs = []tableSpec{
	{name: "pages", from: fromViews, heading: "Top pages", column: "Page", unit: "views", other: "Other pages", limit: 20,
		intro: "Views per page of the site."},
	{name: "referrer_groups", from: fromGroups, heading: "Where readers come from", column: "Source", unit: "views", other: "Other", limit: 10,
		intro: "The referrers below, grouped: search engines, social networks, other websites, and visits without a referrer."},
	{name: "referrers", from: fromDim, key: "referrer", heading: "Referrers", column: "Host", unit: "views", other: "Other", limit: 15,
		intro: "The site that linked to the page, host name only."},
	{name: "sources", from: fromDim, key: "source", heading: "Campaign sources", column: "Source", unit: "views", other: "Other", limit: 10,
		intro: "utm_source (or ref) of links to the site, for pages opened with one."},
	{name: "mediums", from: fromDim, key: "medium", heading: "Campaign media", column: "Medium", unit: "views", other: "Other", limit: 10,
		intro: "utm_medium of links to the site."},
	{name: "campaigns", from: fromDim, key: "campaign", heading: "Campaigns", column: "Campaign", unit: "views", other: "Other", limit: 10,
		intro: "utm_campaign of links to the site."},
	{name: "outbound", from: fromEvents, key: "outbound", heading: "Links followed to other sites", column: "Site", unit: "events", other: "Other", limit: 15},
	{name: "downloads", from: fromEvents, key: "download", heading: "Downloads", column: "File", unit: "events", other: "Other", limit: 15},
	{name: "events", from: fromEvents, key: "event", heading: "Named events", column: "Event", unit: "events", other: "Other", limit: 15,
		intro: "Clicks on elements the site marked with data-folio-event."},
	{name: "browsers", from: fromDim, key: "browser", heading: "Browsers", column: "Browser", unit: "views", other: "Other", limit: 10},
	{name: "os", from: fromDim, key: "os", heading: "Operating systems", column: "Operating system", unit: "views", other: "Other", limit: 10},
	{name: "devices", from: fromDim, key: "device", heading: "Devices", column: "Device class", unit: "views", other: "Other", limit: 10},
	{name: "languages", from: fromDim, key: "language", heading: "Languages", column: "Language", unit: "views", other: "Other", limit: 10,
		intro: "The first language of the browser's preferred languages."},
	{name: "countries", from: fromDim, key: "country", heading: "Countries", column: "Country", unit: "views", other: "Other", limit: 15,
		intro: "Looked up from a shortened address that is never stored."},
	{name: "not_found", from: fromDim, key: "not-found", heading: "Missing pages", column: "Address", unit: "views", other: "Other", limit: 15,
		intro: "Addresses on this site that readers asked for and that do not exist: the not-found page counts them."},
	{name: "filtered", from: fromDropped, heading: "Filtered requests", column: "Reason", unit: "events", other: "Other reasons", limit: 10,
		intro: "Requests that reached the endpoint but were not counted as views, by reason. Requests with Do Not Track or Global Privacy Control are not counted here either: nothing of them is kept."},
}

// Generate makes a report from a store. A nil store is an empty one, for
// a site whose database does not exist yet: the report then says that
// there is no data, which is not an error.
func Generate(ctx context.Context, st store.Store, opts Options) (*Report, error) {
	if opts.K < 1 {
		return nil, fmt.Errorf("k is %d, must be at least 1", opts.K)
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	size := opts.Cell
	if size == "" {
		size = calendar.Week
	}
	today := calendar.DateOf(now(), opts.Location)
	var period Period
	var err error
	if opts.Private {
		period, err = PrivatePeriod(opts.From, opts.To, today)
	} else {
		period, err = PeriodFor(opts.From, opts.To, today, size)
	}
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
		Format:        Format,
		Private:       opts.Private,
		Period:        period,
		Previous:      prev,
		K:             opts.K,
		Partial:       !today.After(period.from.Add(period.Days - 1)),
		CountryLookup: opts.Countries,
	}
	if opts.Private {
		r.Notice = "private: do not publish"
	} else {
		r.NextCell = calendar.Next(calendar.Start(today, size), size).String()
	}
	b := newBuilder(period, prev, int64(opts.K), opts.Private)
	b.add(counts)
	b.fill(r, opts.Title)
	return r, nil
}

// builder turns the cells of the store into a report.
type builder struct {
	cur, prev       Period
	k               int64
	private         bool
	views, visitors []int64 // per day of the current period
	prevViews       int64
	prevVisitors    int64
	prevFiltered    int64
	tallies         map[string]*tally // by table name, current period
	hasData         bool

	// lastDay caches the position of the day read last: the store returns
	// rows ordered by day, so a year of views parses each date once
	// instead of once per page.
	lastDay    string
	lastCur    int
	lastCell   int
	lastInCur  bool
	lastInPrev bool
}

// where finds a store day in the current period (its index and cell) or
// in the previous one.
func (b *builder) where(day string) (i, cell int, inCur, inPrev bool) {
	if day != b.lastDay {
		b.lastDay = day
		b.lastCur, b.lastInCur = b.cur.index(day)
		_, b.lastInPrev = b.prev.index(day)
		b.lastCell = 0
		if b.lastInCur && !b.private {
			b.lastCell = b.cur.cellOf(b.lastCur)
		}
	}
	return b.lastCur, b.lastCell, b.lastInCur, b.lastInPrev
}

func newBuilder(cur, prev Period, k int64, private bool) *builder {
	b := &builder{
		cur: cur, prev: prev, k: k, private: private,
		views:    make([]int64, cur.Days),
		visitors: make([]int64, cur.Days),
		tallies:  make(map[string]*tally),
	}
	cells := cur.Cells
	if private {
		cells = 1 // nothing is folded, so one sum is enough
	}
	for _, s := range specs {
		b.tallies[s.name] = newTally(cells)
	}
	b.tallies["filtered"].byEvents = true
	return b
}

// tableFor returns the name of the table of a store dimension or event
// kind.
func tableFor(from source, key string) (string, bool) {
	for _, s := range specs {
		if s.from == from && s.key == key {
			return s.name, true
		}
	}
	return "", false
}

func (b *builder) add(c *store.Counts) {
	pages := b.tallies["pages"]
	for _, v := range c.Views {
		if i, cell, ok, inPrev := b.where(v.Day); ok {
			b.views[i] += v.N
			pages.add(v.Path, cell, v.N, v.Visitors)
			b.hasData = true
		} else if inPrev {
			b.prevViews += v.N
		}
	}
	for _, d := range c.Dims {
		_, cell, ok, _ := b.where(d.Day)
		if !ok {
			continue
		}
		// A dimension this report does not know (from a newer collector)
		// is left out rather than guessed at.
		if name, known := tableFor(fromDim, d.Dim); known {
			b.tallies[name].add(d.Value, cell, d.N, d.Visitors)
			b.hasData = true
		}
	}
	for _, e := range c.Events {
		_, cell, ok, _ := b.where(e.Day)
		if !ok {
			continue
		}
		if name, known := tableFor(fromEvents, e.Kind); known {
			b.tallies[name].add(e.Name, cell, e.N, e.Visitors)
			b.hasData = true
		}
	}
	filtered := b.tallies["filtered"]
	for _, d := range c.Dropped {
		if _, cell, ok, inPrev := b.where(d.Day); ok {
			filtered.add(d.Reason, cell, d.N, 0)
			b.hasData = true
		} else if inPrev {
			b.prevFiltered += d.N
		}
	}
	for _, v := range c.Visitors {
		if i, _, ok, inPrev := b.where(v.Day); ok {
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
	r.Cells = []Cell{}
	for c := 0; c < b.cur.Cells; c++ {
		from, to := b.cur.starts[c], b.cur.starts[c+1]
		cell := Cell{Cell: calendar.Name(from, b.cur.Cell), From: from.String(), To: to.Add(-1).String()}
		for i := from.Sub(b.cur.from); i < to.Sub(b.cur.from); i++ {
			cell.Views += r.Daily[i].Views
			cell.Visitors += r.Daily[i].Visitors
		}
		r.Cells = append(r.Cells, cell)
	}

	tables := make(map[string]*Table)
	for _, s := range specs {
		if s.from == fromGroups {
			continue // made from the published referrers below
		}
		tables[s.name] = b.table(s, b.tallies[s.name], title)
	}
	tables["referrer_groups"] = groupTable(tables["referrers"])
	r.Pages = tables["pages"]
	r.ReferrerGroups = tables["referrer_groups"]
	r.Referrers = tables["referrers"]
	r.Sources = tables["sources"]
	r.Mediums = tables["mediums"]
	r.Campaigns = tables["campaigns"]
	r.Outbound = tables["outbound"]
	r.Downloads = tables["downloads"]
	r.Events = tables["events"]
	r.Browsers = tables["browsers"]
	r.OS = tables["os"]
	r.Devices = tables["devices"]
	r.Languages = tables["languages"]
	r.Countries = tables["countries"]
	r.NotFound = tables["not_found"]
	r.Filtered = tables["filtered"]

	r.Totals = Totals{
		Views:    newTotal(views, b.prevViews),
		Visitors: newTotal(visitors, b.prevVisitors),
		Filtered: newTotal(int64(r.Filtered.Total), b.prevFiltered),
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
	rows, folded := t.fold(b.k, b.private)
	for v, c := range rows {
		row := Row{Value: v, Label: label(s.name, v), Count: Count(c.n), Visitors: Count(c.visitors)}
		if (s.name == "pages" || s.name == "not_found") && title != nil {
			if t, ok := title(v); ok && t != "" {
				row.Label = t
			}
		}
		if s.name == "referrers" {
			row.Group, row.Source = referrerGroup(v)
		}
		tb.Rows = append(tb.Rows, row)
		tb.Total += Count(c.n)
	}
	tb.Folded = folded
	if other := folded.UnderK + folded.Capped; other > 0 {
		tb.Rows = append(tb.Rows, Row{Value: otherValue, Label: s.other, Count: other, Other: true})
		tb.Total += other
	}
	sortRows(tb.Rows)
	return tb
}

// groupTable regroups the published rows of the referrers table. Groups
// are sums of published rows only, never of the cells folded into Other,
// so a group adds nothing that the referrers table does not show.
func groupTable(refs *Table) *Table {
	s := specFor("referrer_groups")
	tb := newTable(s)
	type sum struct {
		n, v  Count
		group string
	}
	sums := make(map[string]sum)
	for _, row := range refs.Rows {
		if row.Other {
			continue
		}
		key := groupKey(row.Value, row.Group, row.Source)
		g := sums[key]
		g.n += row.Count
		g.v += row.Visitors
		g.group = row.Group
		sums[key] = g
	}
	for key, n := range sums {
		tb.Rows = append(tb.Rows, Row{Value: key, Label: label(s.name, key), Group: n.group, Count: n.n, Visitors: n.v})
		tb.Total += n.n
	}
	tb.Folded = refs.Folded
	if other := refs.Folded.UnderK + refs.Folded.Capped; other > 0 {
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
		{"Visitors", "daily visitors added up: one reader on three days counts three times", t.Visitors},
		{"Filtered", "requests not counted as views", t.Filtered},
	}
}

// OtherNote explains a table's Other row: how many views went there and
// why. Empty when nothing did.
func (t *Table) OtherNote(k int) string {
	f := t.Folded
	if f.UnderK == 0 && f.Capped == 0 {
		return ""
	}
	unit := t.Unit
	var parts []string
	if f.UnderK > 0 {
		parts = append(parts, fmt.Sprintf("%s %s of values with fewer than %d distinct visitors in a %s", f.UnderK, unit, k, "cell"))
	}
	if f.Capped > 0 {
		parts = append(parts, fmt.Sprintf("%s %s over the collector's daily limit of distinct values", f.Capped, unit))
	}
	return "Other holds " + strings.Join(parts, ", and ") + "."
}
