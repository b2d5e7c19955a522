package report

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"strings"
	"unicode/utf8"
)

// The charts are inline SVG made here, at build time, so the page needs no
// script and no library. They go through html/template, which escapes
// every label (paths and referrer hosts come from visitors' requests), and
// they carry no style attribute, which a strict Content-Security-Policy
// would block: colours come from classes in report.css and from
// currentColor, so they follow the theme in light and dark mode.

var chartTemplates = template.Must(template.New("charts").Parse(`
{{- define "line" -}}
<svg class="chart chart-{{ .Kind }}" viewBox="0 0 {{ .W }} {{ .H }}" width="{{ .W }}" height="{{ .H }}" role="img" aria-labelledby="{{ .ID }}-title {{ .ID }}-desc" focusable="false">
<title id="{{ .ID }}-title">{{ .Title }}</title>
<desc id="{{ .ID }}-desc">{{ .Desc }}</desc>
<g class="chart-grid" aria-hidden="true" stroke-opacity=".3">
{{- range .Grid }}<line x1="{{ $.Left }}" x2="{{ $.Right }}" y1="{{ .Y }}" y2="{{ .Y }}" stroke="currentColor"/><text x="{{ $.LabelX }}" y="{{ .TextY }}" text-anchor="end" fill="currentColor">{{ .Label }}</text>{{ end -}}
{{- range .XTicks }}<line x1="{{ .X }}" x2="{{ .X }}" y1="{{ $.Bottom }}" y2="{{ $.TickEnd }}" stroke="currentColor"/><text x="{{ .TextX }}" y="{{ $.XLabelY }}" fill="currentColor">{{ .Label }}</text>{{ end -}}
</g>
{{- if .Area }}
<path class="chart-area" d="{{ .Area }}" fill="currentColor" fill-opacity=".12" stroke="none"/>
<path class="chart-line" d="{{ .Line }}" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/>
{{- end }}
{{- range .Marks }}
<rect class="chart-column" x="{{ .X }}" y="{{ .Y }}" width="{{ .W }}" height="{{ .H }}" fill="currentColor"><title>{{ .Title }}</title></rect>
{{- end }}
{{- range .Points }}
<circle class="chart-point" cx="{{ .X }}" cy="{{ .Y }}" r="3" fill="currentColor"><title>{{ .Title }}</title></circle>
{{- end }}
</svg>
{{- end -}}

{{- define "bars" -}}
<svg class="chart chart-bars" viewBox="0 0 {{ .W }} {{ .H }}" width="{{ .W }}" height="{{ .H }}" role="img" aria-labelledby="{{ .ID }}-title {{ .ID }}-desc" focusable="false">
<title id="{{ .ID }}-title">{{ .Title }}</title>
<desc id="{{ .ID }}-desc">{{ .Desc }}</desc>
{{- range .Bars }}
<g class="chart-row{{ if .Other }} chart-other{{ end }}"><title>{{ .Full }}: {{ .Value }}</title>
<text class="chart-label" x="0" y="{{ .LabelY }}" fill="currentColor">{{ .Label }}</text>
<rect class="chart-bar" x="0" y="{{ .BarY }}" width="{{ .BarW }}" height="{{ $.BarH }}" rx="2" fill="currentColor"/>
<text class="chart-value" x="{{ .ValueX }}" y="{{ .ValueY }}" fill="currentColor">{{ .Value }}</text>
</g>
{{- end }}
</svg>
{{- end -}}
`))

func render(name string, data any) template.HTML {
	var buf bytes.Buffer
	if err := chartTemplates.ExecuteTemplate(&buf, name, data); err != nil {
		// The templates are fixed and the data is plain strings and
		// numbers, so this is a programming error.
		panic(fmt.Sprintf("report: chart %s: %v", name, err))
	}
	return template.HTML(buf.String())
}

// num formats a coordinate: one decimal at most, so the SVG stays small and
// is the same on every machine.
func num(f float64) string {
	s := fmt.Sprintf("%.1f", f)
	s = strings.TrimSuffix(s, ".0")
	if s == "-0" {
		return "0"
	}
	return s
}

type gridLine struct{ Y, TextY, Label string }
type xTick struct{ X, TextX, Label string }
type mark struct{ X, Y, W, H, Title string }
type point struct{ X, Y, Title string }

type lineChart struct {
	Kind, ID, Title, Desc        string
	W, H                         int
	Left, Right, Bottom, TickEnd string
	LabelX, XLabelY              string
	Grid                         []gridLine
	XTicks                       []xTick
	Line, Area                   string
	Marks                        []mark
	Points                       []point
}

// niceMax rounds a maximum up to 1, 2, 2.5 or 5 times a power of ten and
// returns it with a step that gives four or five grid lines.
func niceMax(peak int64) (top, step int64) {
	if peak <= 4 {
		return 4, 1
	}
	raw := float64(peak) / 4
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		step = int64(math.Ceil(m * pow))
		if float64(step) >= raw {
			break
		}
	}
	top = (peak + step - 1) / step * step
	return top, step
}

// seriesChart draws one number per day of the report: a line ("line") or
// one column per day ("columns").
func (r *Report) seriesChart(kind, id, title, unit string, value func(Day) Count) template.HTML {
	const (
		w, h                     = 720, 262
		left, right, top, bottom = 64.0, 708.0, 12.0, 228.0
	)
	days := r.Daily
	var peak int64
	lo, hi := 0, 0
	for i, d := range days {
		v := int64(value(d))
		if v > peak {
			peak, hi = v, i
		}
		if v < int64(value(days[lo])) {
			lo = i
		}
	}
	topV, step := niceMax(peak)
	c := lineChart{
		Kind: kind, ID: id, Title: title, W: w, H: h,
		Left: num(left), Right: num(right), Bottom: num(bottom), TickEnd: num(bottom + 5),
		LabelX: num(left - 8), XLabelY: num(bottom + 20),
	}
	y := func(v int64) float64 { return bottom - float64(v)/float64(topV)*(bottom-top) }
	for v := int64(0); v <= topV; v += step {
		c.Grid = append(c.Grid, gridLine{Y: num(y(v)), TextY: num(y(v) + 4), Label: Count(v).String()})
	}
	n := len(days)
	slot := (right - left) / float64(n)
	x := func(i int) float64 { return left + slot*(float64(i)+0.5) }
	// Label weeks in short periods and months in long ones, so labels never
	// crowd each other. A label starts at its tick, where its week or
	// month starts, clear of the y axis labels.
	for i := range days {
		t := r.Period.day(i)
		if left+slot*float64(i) > right-48 {
			break // no room left for a label
		}
		switch {
		case n <= 7*8 && t.Weekday() == 1:
			c.XTicks = append(c.XTicks, xTick{X: num(left + slot*float64(i)), TextX: num(left + slot*float64(i) + 4), Label: t.Format("2 Jan")})
		case n > 7*8 && t.Day() == 1:
			lbl := t.Format("Jan")
			if t.Month() == 1 {
				lbl = t.Format("Jan 2006")
			}
			c.XTicks = append(c.XTicks, xTick{X: num(left + slot*float64(i)), TextX: num(left + slot*float64(i) + 4), Label: lbl})
		}
	}
	dayTitle := func(i int) string {
		return fmt.Sprintf("%s: %s %s", r.Period.day(i).Format("Mon 2 Jan 2006"), value(days[i]), unit)
	}
	switch kind {
	case "line":
		var line, area strings.Builder
		for i, d := range days {
			cmd := "L"
			if i == 0 {
				cmd = "M"
			}
			fmt.Fprintf(&line, "%s%s %s", cmd, num(x(i)), num(y(int64(value(d)))))
		}
		fmt.Fprintf(&area, "%sL%s %sL%s %sZ", line.String(), num(x(n-1)), num(bottom), num(x(0)), num(bottom))
		c.Line, c.Area = line.String(), area.String()
		// Points with their own tooltip are useful only while they are
		// far enough apart to point at.
		if n <= 7*9 {
			for i, d := range days {
				c.Points = append(c.Points, point{X: num(x(i)), Y: num(y(int64(value(d)))), Title: dayTitle(i)})
			}
		}
	case "columns":
		bw := slot * 0.7
		if slot < 3 {
			bw = slot
		}
		for i, d := range days {
			v := int64(value(d))
			if v == 0 {
				continue
			}
			c.Marks = append(c.Marks, mark{X: num(x(i) - bw/2), Y: num(y(v)), W: num(bw), H: num(bottom - y(v)), Title: dayTitle(i)})
		}
	}
	var total Count
	for _, d := range days {
		total += value(d)
	}
	if n > 0 {
		shape := "Line chart"
		if kind == "columns" {
			shape = "Column chart"
		}
		c.Desc = fmt.Sprintf("%s of %s, %s (%d days). Total %s %s; highest %s on %s; lowest %s on %s.",
			shape, strings.ToLower(title), r.Period.String(), n, total, unit,
			value(days[hi]), r.Period.day(hi).Format("Monday 2 January 2006"),
			value(days[lo]), r.Period.day(lo).Format("Monday 2 January 2006"))
	}
	return render("line", c)
}

// ViewsChart is the line chart of views per day.
func (r *Report) ViewsChart() template.HTML {
	return r.seriesChart("line", "chart-views", "Views per day", "views", func(d Day) Count { return d.Views })
}

// VisitorsChart is the column chart of visitors per day.
func (r *Report) VisitorsChart() template.HTML {
	return r.seriesChart("columns", "chart-visitors", "Visitors per day", "visitors", func(d Day) Count { return d.Visitors })
}

type bar struct {
	Label, Full, Value                 string
	LabelY, BarY, BarW, ValueX, ValueY string
	Other                              bool
}

type barChart struct {
	ID, Title, Desc string
	W, H            int
	BarH            string
	Bars            []bar
}

// maxLabel is how many characters of a label fit above a bar; the full
// label is in the bar's title and in the data table.
const maxLabel = 58

func shorten(s string) string {
	if utf8.RuneCountInString(s) <= maxLabel {
		return s
	}
	r := []rune(s)
	return string(r[:maxLabel-1]) + "…"
}

// Chart is the bar chart of the rows the page shows (see Shown).
func (t *Table) Chart() template.HTML {
	// Narrower than the line charts: the bars share a row with their
	// table on wide screens, and a narrow view box keeps the labels
	// readable when the browser scales the chart down.
	const (
		w       = 480
		rowH    = 44.0
		barH    = 14.0
		valueW  = 100.0 // room for the number after the longest bar
		maxBarW = w - valueW
	)
	rows := t.Shown()
	c := barChart{ID: "chart-" + t.Name, Title: t.Heading, W: w, H: int(rowH * float64(len(rows))), BarH: num(barH)}
	var peak Count
	for _, r := range rows {
		if r.Count > peak {
			peak = r.Count
		}
	}
	for i, r := range rows {
		top := rowH * float64(i)
		bw := 0.0
		if peak > 0 {
			bw = float64(r.Count) / float64(peak) * maxBarW
		}
		bw = math.Max(bw, 1)
		c.Bars = append(c.Bars, bar{
			Label: shorten(r.Label), Full: r.Label, Value: r.Count.String() + " " + t.Unit,
			LabelY: num(top + 16), BarY: num(top + 22), BarW: num(bw),
			ValueX: num(bw + 6), ValueY: num(top + 34), Other: r.Other,
		})
	}
	var parts []string
	for _, r := range rows {
		parts = append(parts, fmt.Sprintf("%s %s", r.Label, r.Count))
	}
	c.Desc = fmt.Sprintf("Bar chart of %s by %s, largest first: %s. Total %s %s.",
		t.Unit, strings.ToLower(t.Column), strings.Join(parts, "; "), t.Total, t.Unit)
	return render("bars", c)
}

// Shown returns the rows the page shows: the Limit largest, then one row
// that adds up the rest (their full list is in the table's CSV file), then
// Other. Every shown row is a sum of published rows.
func (t *Table) Shown() []Row {
	var named []Row
	var other *Row
	for i := range t.Rows {
		if t.Rows[i].Other {
			other = &t.Rows[i]
		} else {
			named = append(named, t.Rows[i])
		}
	}
	if t.Limit > 0 && len(named) > t.Limit+1 {
		rest := Row{Value: "(more)", Label: fmt.Sprintf("%d more, listed in %s", len(named)-t.Limit, t.CSV())}
		for _, r := range named[t.Limit:] {
			rest.Count += r.Count
		}
		named = append(named[:t.Limit:t.Limit], rest)
	}
	if other != nil {
		named = append(named, *other)
	}
	return named
}

// CSV is the name of the table's CSV file.
func (t *Table) CSV() string {
	return strings.ReplaceAll(t.Name, "_", "-") + ".csv"
}

// Share is the row's part of the table's total, for the data table:
// "12.5%".
func (t *Table) Share(r Row) string {
	if t.Total == 0 {
		return ""
	}
	return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(r.Count)/float64(t.Total)*100), ".0") + "%"
}

// Href is the address a row of the pages table links to: its path, when
// it is one. A path such as "//host/" would leave the site, so it gets no
// link.
func (r Row) Href() string {
	if r.Other || !strings.HasPrefix(r.Value, "/") || strings.HasPrefix(r.Value, "//") {
		return ""
	}
	return r.Value
}
