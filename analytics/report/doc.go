// Package report turns Folio's aggregate counts into a report that is safe
// to publish: a page with charts in the site's theme, report.json and one
// CSV file per table.
//
// # What a report holds
//
// A report covers a period of whole ISO weeks, Monday to Sunday in UTC
// (Options.From and Options.To snap outward; the default is the last four
// complete weeks). It has the period's totals and their change against
// the period of the same length just before, views and visitors per day,
// weekly and monthly sums, and tables of pages, referrer hosts and their
// groups, browsers, operating systems, device classes, languages, countries
// and filtered events.
//
// # The k rule
//
// The store keeps counts per day. A small count, say one view from one
// country on one day, can single a reader out, and so can the difference
// between two reports over overlapping periods. So a report is built from
// week cells, one count per (week, value) of each table, and:
//
//   - every week cell under k is folded into the table's "Other" row before
//     anything is added up; when the folded cells of a week come to less
//     than k, Other is topped up to k from the smallest published cell of
//     that week (or takes it whole if it would fall under k), and a week
//     whose whole table is under k is left out of that table;
//   - every row is a sum of published week cells, each at least k, and
//     every table total is the sum of its rows, so two reports, one over a
//     period inside the other's, differ only by whole week cells of at least
//     k each, and never reveal a hidden small count;
//   - views and visitors per day carry no attribute and are published as
//     they are, and so are the totals made from them.
//
// Referrer groups are sums of published referrer rows, never of folded
// cells. K comes from folio.toml ([report] k, default 10), the single
// number the privacy policy prints.
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
