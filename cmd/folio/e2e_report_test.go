package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// reportLayout is where the report page put its parts, as the browser
// laid them out.
type reportLayout struct {
	ViewportHeight float64 `json:"viewportHeight"`
	TotalsTop      float64 `json:"totalsTop"`
	TotalsBottom   float64 `json:"totalsBottom"`
	// Dimensions are the tables that have rows: how many tables and charts
	// of each a reader sees, and whether its bars carry their numbers.
	Dimensions []struct {
		Name          string `json:"name"`
		VisibleTables int    `json:"visibleTables"`
		VisibleCharts int    `json:"visibleCharts"`
		BarNumbers    int    `json:"barNumbers"`
		Bars          int    `json:"bars"`
	} `json:"dimensions"`
	// Overflow is how far the page is wider than the screen.
	Overflow float64 `json:"overflow"`
}

// reportLayoutJS measures from the top of the document, so it does not
// matter where the page is scrolled.
const reportLayoutJS = `(() => {
	const shown = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
	const totals = document.querySelector(".report-totals").getBoundingClientRect();
	return {
		viewportHeight: innerHeight,
		totalsTop: totals.top + scrollY,
		totalsBottom: totals.bottom + scrollY,
		overflow: document.documentElement.scrollWidth - innerWidth,
		dimensions: [...document.querySelectorAll("main section:has(.report-pair)")].map(s => ({
			name: s.getAttribute("aria-labelledby"),
			visibleTables: [...s.querySelectorAll("table")].filter(shown).length,
			visibleCharts: [...s.querySelectorAll("svg.chart")].filter(shown).length,
			bars: s.querySelectorAll(".chart-bar").length,
			barNumbers: [...s.querySelectorAll(".chart-value")].filter(v => /[0-9]/.test(v.textContent)).length,
		})),
	};
})()`

// TestE2EReportOnPhone opens the live report on a 390 by 844 screen (a
// common phone) and on a desktop one. On the phone the totals must fit in
// the first third of the first screen, and each breakdown must show once:
// its bars with their numbers, without the same numbers again as a table.
// On the desktop the table is there beside the chart.
func TestE2EReportOnPhone(t *testing.T) {
	s := startServe(t)
	tab := startBrowser(t)
	tab.actAsReader(t)
	seedViews(t, s, tab, "/", "/docs/writing/", "/privacy/")
	shots := shotDir(t)

	for _, screen := range []struct {
		name          string
		width, height int64
		phone         bool
	}{
		{"phone", 390, 844, true},
		{"desktop", 1280, 900, false},
	} {
		tab.do(t, "emulate a "+screen.name+" screen", chromedp.EmulateViewport(screen.width, screen.height))
		visit(t, tab, s, "/stats/")
		l := eval[reportLayout](t, tab, reportLayoutJS)
		if bs := beacons(ofCurrentDoc(tab.net.requests()), s); len(bs) > 0 {
			t.Errorf("%s: the report page sent %d beacons, want none: reading it counts nothing", screen.name, len(bs))
		}
		tab.screenshot(t, shots, "report-"+screen.name)
		if l.ViewportHeight != float64(screen.height) {
			t.Fatalf("%s: the page sees a viewport %v px high, want %d", screen.name, l.ViewportHeight, screen.height)
		}
		if l.Overflow > 0 {
			t.Errorf("%s: the page is %v px wider than the screen", screen.name, l.Overflow)
		}
		if len(l.Dimensions) == 0 {
			t.Fatalf("%s: the report shows no breakdown after 3 views", screen.name)
		}
		if screen.phone {
			if third := l.ViewportHeight / 3; l.TotalsBottom > third {
				t.Errorf("phone: the totals span %v–%v px from the top; they must end within the first third of the screen (%v px)", l.TotalsTop, l.TotalsBottom, third)
			}
		}
		var problems []string
		for _, d := range l.Dimensions {
			switch {
			case d.VisibleCharts != 1:
				problems = append(problems, fmt.Sprintf("%s: %d charts shown, want 1", d.Name, d.VisibleCharts))
			case d.Bars == 0 || d.BarNumbers != d.Bars:
				problems = append(problems, fmt.Sprintf("%s: %d bars, %d with their number", d.Name, d.Bars, d.BarNumbers))
			case screen.phone && d.VisibleTables != 0:
				problems = append(problems, fmt.Sprintf("%s: the chart and then the same numbers as a table", d.Name))
			case !screen.phone && d.VisibleTables != 1:
				problems = append(problems, fmt.Sprintf("%s: %d tables beside the chart, want 1", d.Name, d.VisibleTables))
			}
		}
		if len(problems) > 0 {
			t.Errorf("%s: breakdowns:\n\t%s", screen.name, strings.Join(problems, "\n\t"))
		}
	}
}
