package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// JSON returns report.json: the exported fields of Report, indented, with
// a final newline. The same report always gives the same bytes.
func (r *Report) JSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Paths and titles are easier to read unescaped, and report.json is
	// never inlined into HTML.
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return nil, fmt.Errorf("encode report.json: %w", err)
	}
	return buf.Bytes(), nil
}

// Tables returns the report's tables in the order the page shows them.
func (r *Report) Tables() []*Table {
	return []*Table{r.Pages, r.ReferrerGroups, r.Referrers, r.Sources, r.Mediums, r.Campaigns,
		r.Outbound, r.Downloads, r.Events, r.Browsers, r.OS, r.Devices, r.Languages, r.Countries, r.NotFound, r.Filtered}
}

// File is one file of a published report.
type File struct {
	Name string
	Data []byte
}

// Files returns report.json and every CSV file, in a fixed order: the
// report's files except index.html, which the site's theme renders.
// `folio serve` can answer from these without writing them.
func (r *Report) Files() ([]File, error) {
	js, err := r.JSON()
	if err != nil {
		return nil, err
	}
	files := []File{{"report.json", js}}
	add := func(name string, header []string, rows [][]string) error {
		data, err := csvBytes(header, rows)
		if err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		files = append(files, File{name, data})
		return nil
	}

	totals := [][]string{
		totalRecord("views", r.Totals.Views),
		totalRecord("visitors", r.Totals.Visitors),
		totalRecord("filtered", r.Totals.Filtered),
	}
	if err := add("totals.csv", []string{"metric", "value", "previous", "change_percent"}, totals); err != nil {
		return nil, err
	}
	var days, cells [][]string
	for _, d := range r.Daily {
		days = append(days, []string{d.Date, itoa(d.Views), itoa(d.Visitors)})
	}
	for _, c := range r.Cells {
		cells = append(cells, []string{c.Cell, c.From, c.To, itoa(c.Views), itoa(c.Visitors)})
	}
	if err := add("daily.csv", []string{"date", "views", "visitors"}, days); err != nil {
		return nil, err
	}
	if err := add("cells.csv", []string{"cell", "from", "to", "views", "visitors"}, cells); err != nil {
		return nil, err
	}
	for _, t := range r.Tables() {
		header, rows := t.records()
		if err := add(t.CSV(), header, rows); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// csvKey is the header of the value column of each table's CSV file.
var csvKey = map[string]string{
	"pages": "path", "referrer_groups": "group", "referrers": "host", "browsers": "browser",
	"os": "os", "devices": "device", "languages": "language", "countries": "country", "filtered": "reason",
	"sources": "source", "mediums": "medium", "campaigns": "campaign", "outbound": "host", "downloads": "path",
	"events": "event", "not_found": "path",
}

func (t *Table) records() (header []string, rows [][]string) {
	header = []string{csvKey[t.Name], "label"}
	if t.Name == "referrers" {
		// The group and the source a report sorts the host under, so a
		// spreadsheet can add up "Google" without knowing its hosts.
		header = append(header, "group", "source")
	}
	header = append(header, t.Unit, "daily_visitors_added_up", "other")
	for _, r := range t.Rows {
		rec := []string{r.Value, r.Label}
		if t.Name == "referrers" {
			rec = append(rec, r.Group, r.Source)
		}
		rows = append(rows, append(rec, itoa(r.Count), itoa(r.Visitors), strconv.FormatBool(r.Other)))
	}
	return header, rows
}

func totalRecord(name string, t Total) []string {
	change := ""
	if t.ChangePercent != nil {
		change = strconv.FormatFloat(*t.ChangePercent, 'f', 1, 64)
	}
	return []string{name, itoa(t.Value), itoa(t.Previous), change}
}

func itoa(c Count) string { return strconv.FormatInt(int64(c), 10) }

func csvBytes(header []string, rows [][]string) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for _, rec := range append([][]string{header}, rows...) {
		safe := make([]string, len(rec))
		for i, cell := range rec {
			safe[i] = neutralise(cell)
		}
		if err := w.Write(safe); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// neutralise keeps a spreadsheet from reading a cell as a formula. Titles,
// paths and referrer hosts come from outside, and a cell that starts with
// =, +, -, @, a tab or a carriage return would run when the file is
// opened; such a cell gets a single quote in front, as OWASP advises for
// CSV injection. A plain number, such as a negative change, is no formula
// and stays as it is.
func neutralise(cell string) string {
	if cell == "" || !strings.ContainsRune("=+-@\t\r", rune(cell[0])) || plainNumber(cell) {
		return cell
	}
	return "'" + cell
}

// plainNumber reports whether s is a decimal number as the report writes
// them: an optional minus, digits, and optionally a point and digits.
func plainNumber(s string) bool {
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasPoint := strings.Cut(s, ".")
	digits := func(d string) bool {
		return d != "" && strings.Trim(d, "0123456789") == ""
	}
	return digits(whole) && (!hasPoint || digits(frac))
}

// WriteFiles publishes a report into dir: index.html (the page, when not
// nil), report.json and the CSV files. It writes everything into a new
// folder beside dir and renames it into place, so a report that fails
// halfway leaves the previous one as it was.
func WriteFiles(dir string, r *Report, page []byte) (err error) {
	files, err := r.Files()
	if err != nil {
		return err
	}
	if page != nil {
		files = append([]File{{"index.html", page}}, files...)
	}
	dir = filepath.Clean(dir)
	parent, base := filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	// MkdirTemp makes a private folder; a published one must be readable
	// by the web server.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(tmp, f.Name), f.Data, 0o644); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	}
	old := tmp + ".old"
	switch err := os.Rename(dir, old); {
	case errors.Is(err, os.ErrNotExist):
		old = ""
	case err != nil:
		return fmt.Errorf("write report: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			// Put the previous report back; if even that fails, the
			// error below still names the problem.
			_ = os.Rename(old, dir)
		}
		return fmt.Errorf("write report: %w", err)
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("write report: remove previous report: %w", err)
		}
	}
	return nil
}
