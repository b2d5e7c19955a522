package report

import (
	"time"

	"folio/analytics/store"
)

// The fixture site: four weeks, 2025-03-03 (W10) to 2025-03-30 (W13),
// reported on 2 April 2025, with k = 10, and the four weeks before them as
// the previous period. Counts are given per week and spread over the days
// of the week, so that week cells are exactly the numbers written here;
// a week cell is published when its busiest day had k distinct visitors,
// which takes about 80 views in a week here.
var (
	fixtureNow   = time.Date(2025, 4, 2, 9, 30, 0, 0, time.UTC)
	fixtureStart = time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)
)

const fixtureK = 10

// weekly is a count per week of the current period; a previous-period
// count is given separately.
type weekly [4]int64

var fixturePages = map[string]weekly{
	"/":              {140, 150, 160, 155},
	"/docs/install/": {120, 118, 131, 125},
	"/docs/":         {30, 30, 30, 30},
	"/privacy/":      {9, 10, 0, 25},   // W10 at k-1: folded; W11 at k: kept
	"/docs/config/":  {10, 15, 15, 15}, // at k in W10
	"/docs/rare/":    {3, 3, 3, 3},     // always under k
	"/blog/a/":       {5, 5, 5, 5},
	"/docs/faq/":     {4, 4, 4, 0},
	// In W13 the cells under k come to 3+5 = 8, less than k, so the
	// smallest published cell of that week, this one, tops Other up to k.
	"/docs/small/": {0, 0, 0, 12},
	"/old-page/":   {20, 20, 20, 20}, // no longer a page of the site: no title
}

var fixtureTitles = map[string]string{
	"/":              "Folio",
	"/docs/install/": "Install Folio",
	"/docs/":         "Documentation",
	"/privacy/":      "Privacy policy",
	"/docs/config/":  "Configuration",
	"/docs/small/":   "A small page",
	"/docs/rare/":    "A rare page",
}

func fixtureTitle(path string) (string, bool) {
	t, ok := fixtureTitles[path]
	return t, ok
}

var fixtureDims = map[string]map[string]weekly{
	"browser": {"Chrome": {120, 125, 130, 128}, "Firefox": {100, 98, 104, 99}, "Safari": {30, 31, 29, 35}, "Edge": {9, 12, 8, 11}, "Opera": {2, 1, 3, 2}},
	"os":      {"Windows": {80, 82, 85, 81}, "macOS": {60, 58, 62, 61}, "Linux": {50, 52, 49, 55}, "iOS": {40, 41, 39, 42}, "Android": {35, 36, 34, 38}, "ChromeOS": {3, 2, 4, 1}},
	"device":  {"desktop": {180, 185, 190, 188}, "mobile": {90, 88, 95, 92}, "tablet": {8, 9, 7, 10}},
	"language": {"en": {200, 205, 210, 199}, "de": {50, 52, 49, 51}, "fr": {15, 14, 16, 13}, "ja": {6, 7, 5, 8},
		"(other)": {11, 12, 10, 13}}, // the collector's bucket past its daily cap: always Other
	"referrer": {"(direct)": {150, 148, 152, 149}, "google.com": {40, 42, 45, 41}, "duckduckgo.com": {12, 11, 10, 13},
		"t.co": {11, 10, 12, 9}, "news.ycombinator.com": {0, 0, 60, 4}, "example.org": {9, 8, 7, 6},
		"(internal)": {30, 31, 29, 32}, "(private)": {2, 1, 0, 3}, "bing.com": {10, 10, 10, 10}},
	"country": {"US": {90, 92, 95, 91}, "DE": {60, 61, 59, 62}, "GB": {30, 29, 31, 30}, "FR": {12, 13, 11, 12}, "JP": {5, 6, 4, 5}, "IS": {1, 0, 1, 0}},
}

var fixtureDropped = map[string]weekly{
	"bot": {200, 190, 210, 205}, "unknown-page": {30, 28, 33, 31}, "bad-request": {4, 3, 5, 2},
	"rate-limited": {0, 0, 12, 0}, "origin": {2, 1, 0, 3},
}

// spread adds a week's count to the days of the week starting on monday,
// as evenly as whole numbers allow, the remainder on the first days.
func spread(monday time.Time, n int64, add func(day string, n int64)) {
	for d := range 7 {
		c := n / 7
		if int64(d) < n%7 {
			c++
		}
		if c > 0 {
			add(monday.AddDate(0, 0, d).Format(dayLayout), c)
		}
	}
}

// fixtureBatch returns the fixture's counts: the four weeks, and a quieter
// previous period (80% of the views of the first week, every week).
func fixtureBatch() *store.Batch {
	b := newBatch()
	for w := -4; w < 4; w++ {
		monday := fixtureStart.AddDate(0, 0, 7*w)
		pick := func(c weekly) int64 {
			if w < 0 {
				return c[0] * 8 / 10
			}
			return c[w]
		}
		for path, c := range fixturePages {
			spread(monday, pick(c), func(day string, n int64) {
				b.Views[store.ViewKey{Day: day, Path: path}] += n
				b.ViewVisitors[store.ViewKey{Day: day, Path: path}] += visitorsOf(n)
				// Roughly 60% of views come from distinct visitors.
				b.Visitors[day] += n * 6 / 10
			})
		}
		for dim, values := range fixtureDims {
			for v, c := range values {
				spread(monday, pick(c), func(day string, n int64) {
					b.Dims[store.DimKey{Day: day, Dim: dim, Value: v}] += n
					b.DimVisitors[store.DimKey{Day: day, Dim: dim, Value: v}] += visitorsOf(n)
				})
			}
		}
		for reason, c := range fixtureDropped {
			spread(monday, pick(c), func(day string, n int64) {
				b.Dropped[store.DropKey{Day: day, Reason: reason}] += n
			})
		}
	}
	return b
}

// visitorsOf is the distinct visitors of a day's n views in the fixture:
// most readers see one page, a few see three.
func visitorsOf(n int64) int64 { return n - n/4 }

func fixtureOptions() Options {
	return Options{K: fixtureK, Now: func() time.Time { return fixtureNow }, Title: fixtureTitle, Countries: true}
}
