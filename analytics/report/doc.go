// Package report turns Folio's aggregate counts into a report: a public
// one that is safe to publish, or the owner's private one, exact. Either
// is a page with charts in the site's theme, report.json and one CSV file
// per table.
//
// # What a report holds
//
// The period's totals and their change against the period of the same
// length just before, views and visitors per day, the sums of each cell,
// and tables of pages, referrer hosts and their groups, campaign sources,
// media and names, links followed to other sites, downloads, named events,
// browsers, operating systems, device classes, languages, countries,
// missing pages and filtered requests. Days are the site's days, in its
// time zone (Options.Location).
//
// # Private reports
//
// Options.Private makes the owner's view: any run of whole days (by
// default the last 28, today included), every value with its exact count,
// nothing folded. It is marked "private: do not publish", and the folio
// command refuses to write it inside the site's output folder.
//
// # Public reports and the k rule
//
// A public report covers whole cells: weeks (Monday to Sunday) or
// calendar months of the site's days, one size per site (Options.Cell;
// by default the last four completed cells). The running cell is never
// published: two reports of a running week taken before and after one
// visit would differ by exactly that visit.
//
// The store keeps, beside each day's count of a path, value or event, how
// many distinct visitors (networks) of that day it came from. The key that
// tells visitors apart changes every day, so nobody can tell whether the
// visitors of two days are the same people: the number of distinct
// visitors a cell certainly has is the largest of its days, not their sum.
// A cell of a value is published only when that number reaches k; so
// padding a guessed value with forged events from one network, which stay
// one visitor however many there are, never publishes it.
//
// Published numbers are never altered. A value's row is the exact sum of
// its published cells; every cell under k goes whole into the table's
// "Other" row, and Table.Folded says how much went there and why (under k,
// or over the collector's daily cap of distinct values). Whether a cell is
// published depends on that cell alone, so two reports over nested or
// overlapping periods differ only by whole published cells, each of which
// reached k on its own. Referrer groups are sums of published referrer
// rows. Views and visitors per day carry no attribute and are published as
// counted. Filtered requests are reasons the collector chose, not
// attributes of a visitor; their cells are published at k events.
//
// K comes from folio.toml ([report] k, default 10), the single number the
// privacy policy prints.
//
// # Using it
//
// Generate reads a store.Store (never a table of visits: there is none)
// and returns a *Report. Report.JSON and Report.Files give report.json and
// the CSV files; WriteFiles publishes them with the rendered page into a
// folder atomically. The page itself is rendered by the site's theme
// (layouts/report.html), which reads the Report and its chart methods;
// this package knows nothing about the generator.
package report
