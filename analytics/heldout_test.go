package analytics

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"folio/analytics/calendar"
	"folio/analytics/report"
)

// TestHeldOutMonth runs a month of synthetic traffic with known truth
// through the real collector (in a site time zone with a daylight-saving
// change, with many small values, campaigns, events and forged padding
// from one network), then checks both reports against the truth: the
// private report equals it, and the public one publishes every value as
// its exact sum over the weeks in which it had at least k distinct
// visitors on a day, and nothing else.
func TestHeldOutMonth(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	const k = 5
	st, _ := openStore(t)
	c, clk := newCollector(t, st, func(cfg *Config) { cfg.Location = berlin })
	h := c.Handler()
	rng := rand.New(rand.NewPCG(2025, 3))

	agents := map[string]string{"Chrome": chromeUA, "Firefox": firefoxUA}
	browsers := []string{"Chrome", "Chrome", "Chrome", "Firefox"}
	langs := []string{"en", "en", "en", "de", "de", "fr", "ja", "pt", "is"}
	refs := []string{"", "", "https://www.google.com/", "https://news.ycombinator.com/item", "https://github.com/x/y", "https://blog.example.net/post", "https://rare.example.org/"}
	sources := []string{"", "", "", "", "newsletter", "mastodon", "partner"}
	pagesList := []string{"/", "/docs/", "/docs/setup/", "/policy/privacy/"}

	// truth[table][value][day] = views, and the distinct networks.
	type cell struct {
		n        int64
		networks map[string]bool
	}
	truth := map[string]map[string]map[string]*cell{}
	count := func(table, value, day, network string) {
		if truth[table] == nil {
			truth[table] = map[string]map[string]*cell{}
		}
		if truth[table][value] == nil {
			truth[table][value] = map[string]*cell{}
		}
		cl := truth[table][value][day]
		if cl == nil {
			cl = &cell{networks: map[string]bool{}}
			truth[table][value][day] = cl
		}
		cl.n++
		cl.networks[network] = true
	}

	send := func(at time.Time, network, browser, lang, body string) {
		t.Helper()
		clk.Set(at)
		r := beaconBody(body)
		r.RemoteAddr = network + ".7:4000"
		r.Header.Set("User-Agent", agents[browser])
		r.Header.Set("Accept-Language", lang)
		res := serve(h, r)
		if res.StatusCode != http.StatusNoContent || res.Header.Get(ReasonHeader) != "" {
			t.Fatalf("%s: status %d reason %q", body, res.StatusCode, res.Header.Get(ReasonHeader))
		}
	}

	// March 2025 in Berlin; clocks go forward on the 30th.
	for d := 1; d <= 31; d++ {
		day := fmt.Sprintf("2025-03-%02d", d)
		type visit struct {
			at      time.Time
			network string
		}
		var visits []visit
		for i := range 8 + rng.IntN(18) {
			// Minutes after local midnight, late evening included, so
			// UTC and the site's day disagree for some events.
			start, end := time.Date(2025, 3, d, 0, 0, 0, 0, berlin), time.Date(2025, 3, d+1, 0, 0, 0, 0, berlin)
			at := start.Add(time.Duration(rng.Int64N(int64(end.Sub(start)/time.Minute))) * time.Minute)
			visits = append(visits, visit{at, fmt.Sprintf("10.%d.%d", d, i)})
		}
		slices.SortFunc(visits, func(a, b visit) int { return a.at.Compare(b.at) })
		for _, v := range visits {
			if calendar.DayOf(v.at, berlin) != day {
				t.Fatalf("%s is not on %s in Berlin", v.at, day)
			}
			browser, lang := browsers[rng.IntN(len(browsers))], langs[rng.IntN(len(langs))]
			for range 1 + rng.IntN(3) {
				page, ref, src := pagesList[rng.IntN(len(pagesList))], refs[rng.IntN(len(refs))], sources[rng.IntN(len(sources))]
				body := fmt.Sprintf(`{"p":%q,"r":%q`, page, ref)
				if src != "" {
					body += fmt.Sprintf(`,"s":%q`, src)
					count("sources", src, day, v.network)
				}
				send(v.at, v.network, browser, lang, body+"}")
				count("pages", page, day, v.network)
				count("browsers", browser, day, v.network)
				count("languages", lang, day, v.network)
				host := "(direct)"
				if ref != "" {
					host = strings.TrimPrefix(strings.Split(strings.TrimPrefix(ref, "https://"), "/")[0], "www.")
				}
				count("referrers", host, day, v.network)
				if rng.IntN(4) == 0 {
					send(v.at, v.network, browser, lang, fmt.Sprintf(`{"p":%q,"e":"outbound","n":"github.com"}`, page))
					count("outbound", "github.com", day, v.network)
				}
			}
		}
		// Forged padding: one network, nine events a day, a guessed
		// referrer and language.
		for i := range 9 {
			at := time.Date(2025, 3, d, 12, i, 0, 0, berlin)
			clk.Set(at)
			browser := browsers[i%len(browsers)]
			send(at, "203.0.113", browser, "fi", `{"p":"/docs/","r":"https://intranet.acme-corp.com/"}`)
			count("pages", "/docs/", day, "203.0.113")
			count("browsers", browser, day, "203.0.113")
			count("languages", "fi", day, "203.0.113")
			count("referrers", "intranet.acme-corp.com", day, "203.0.113")
		}
		if err := c.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
	}

	now := func() time.Time { return time.Date(2025, 4, 10, 12, 0, 0, 0, time.UTC) }
	ctx := context.Background()
	first, _ := calendar.Parse("2025-03-01")
	last, _ := calendar.Parse("2025-03-31")
	private, err := report.Generate(ctx, st, report.Options{Private: true, K: k, From: first, To: last, Now: now, Location: berlin})
	if err != nil {
		t.Fatal(err)
	}
	monday, _ := calendar.Parse("2025-03-03")
	sunday, _ := calendar.Parse("2025-03-30")
	public, err := report.Generate(ctx, st, report.Options{K: k, From: monday, To: sunday, Now: now, Location: berlin})
	if err != nil {
		t.Fatal(err)
	}
	tables := func(r *report.Report) map[string]*report.Table {
		m := map[string]*report.Table{}
		for _, tb := range r.Tables() {
			m[tb.Name] = tb
		}
		return m
	}
	priv, pub := tables(private), tables(public)
	var published, folded, values int
	for table, byValue := range truth {
		for value, days := range byValue {
			values++
			var all, pubWant int64
			weeks := map[string][]*cell{}
			for day, cl := range days {
				all += cl.n
				if day >= "2025-03-03" && day <= "2025-03-30" {
					d, _ := calendar.Parse(day)
					w := calendar.Start(d, calendar.Week).String()
					weeks[w] = append(weeks[w], cl)
				}
			}
			for _, cells := range weeks {
				var n int64
				most := 0
				for _, cl := range cells {
					n += cl.n
					most = max(most, len(cl.networks))
				}
				if most >= k {
					pubWant += n
				}
			}
			if got := rowOf(priv[table], value); got != all {
				t.Errorf("private %s %q = %d, truth %d", table, value, got, all)
			}
			got := rowOf(pub[table], value)
			if got != pubWant {
				t.Errorf("public %s %q = %d, truth of its weeks with k distinct visitors on a day %d", table, value, got, pubWant)
			}
			if got > 0 {
				published++
			} else {
				folded++
			}
		}
	}
	if rowOf(pub["referrers"], "intranet.acme-corp.com") != 0 || rowOf(pub["languages"], "fi") != 0 {
		t.Error("forged padding from one network published its values")
	}
	if rowOf(priv["referrers"], "intranet.acme-corp.com") != 31*9 {
		t.Error("the private report lacks the padded referrer")
	}
	t.Logf("held-out month: %d values, %d published (exact), %d folded; public views %d of private %d; Other in referrers %s",
		values, published, folded, public.Totals.Views.Value, private.Totals.Views.Value, pub["referrers"].OtherNote(k))
}

func rowOf(tb *report.Table, value string) int64 {
	if tb == nil {
		return -1
	}
	for _, r := range tb.Rows {
		if r.Value == value && !r.Other {
			return int64(r.Count)
		}
	}
	return 0
}
