package analytics

import (
	"context"
	"net/http"
	"testing"
	"time"

	"folio/analytics/privacy"
	"folio/analytics/store"
)

// Forged events from one network, however many browsers and languages they
// claim, count as one visitor of every value they carry, so they cannot
// make a guessed value reach k in a report.
func TestForgedPaddingFromOneNetworkIsOneVisitor(t *testing.T) {
	st, _ := openStore(t)
	c, _ := newCollector(t, st, nil)
	h := c.Handler()
	agents := []string{chromeUA, firefoxUA, "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"}
	langs := []string{"fi", "de", "en", "sv", "fr"}
	for i := range 9 {
		r := beaconRequest("/docs/", "https://intranet.corp.example/wiki")
		r.RemoteAddr = "203.0.113." + string(rune('1'+i)) + ":5000" // one /24
		r.Header.Set("User-Agent", agents[i%len(agents)])
		r.Header.Set("Accept-Language", langs[i%len(langs)])
		if res := serve(h, r); res.StatusCode != http.StatusNoContent || res.Header.Get(ReasonHeader) != "" {
			t.Fatalf("forged event %d: status %d, reason %q", i, res.StatusCode, res.Header.Get(ReasonHeader))
		}
	}
	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := query(t, st, "2025-03-01", "2025-03-01")
	for _, d := range got.Dims {
		if d.Visitors != 1 {
			t.Errorf("%s %q: %d views from %d visitors, want 1 visitor", d.Dim, d.Value, d.N, d.Visitors)
		}
	}
	if len(got.Views) != 1 || got.Views[0].N != 9 || got.Views[0].Visitors != 1 {
		t.Errorf("views = %+v, want 9 views from 1 visitor", got.Views)
	}
}

// An event counts on the date the site's clock shows, across
// daylight-saving changes in both directions.
func TestDaysFollowTheSiteTimezone(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	st, _ := openStore(t)
	c, clk := newCollector(t, st, func(cfg *Config) { cfg.Location = berlin })
	h := c.Handler()
	want := map[string]int64{}
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2025, 3, 29, 22, 59, 0, 0, time.UTC), "2025-03-29"}, // 23:59 CET
		{time.Date(2025, 3, 29, 23, 0, 0, 0, time.UTC), "2025-03-30"},  // 00:00 CET, the day clocks go forward
		{time.Date(2025, 3, 30, 21, 59, 0, 0, time.UTC), "2025-03-30"}, // 23:59 CEST: a day of 23 hours
		{time.Date(2025, 3, 30, 22, 0, 0, 0, time.UTC), "2025-03-31"},
		{time.Date(2025, 10, 25, 22, 30, 0, 0, time.UTC), "2025-10-26"}, // 00:30 CEST
		{time.Date(2025, 10, 26, 22, 59, 0, 0, time.UTC), "2025-10-26"}, // 23:59 CET: a day of 25 hours
		{time.Date(2025, 10, 26, 23, 0, 0, 0, time.UTC), "2025-10-27"},
	} {
		clk.Set(tc.at)
		serve(h, beaconRequest("/", ""))
		if err := c.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		want[tc.want]++
		got := query(t, st, tc.want, tc.want)
		if n := sumViews(got); n != want[tc.want] {
			t.Errorf("event at %s: %s has %d views, want %d", tc.at.Format(time.RFC3339), tc.want, n, want[tc.want])
		}
	}
}

func TestCampaignsEventsAndNotFound(t *testing.T) {
	st, _ := openStore(t)
	c, _ := newCollector(t, st, nil)
	h := c.Handler()
	for _, tc := range []struct {
		body, reason string
	}{
		{`{"p":"/docs/","r":"","s":"  NewsLetter ","m":"Email","c":"Spring-Launch"}`, ""},
		{`{"p":"/docs/","e":"outbound","n":"www.GitHub.com"}`, ""},
		{`{"p":"/docs/","e":"download","n":"/files/guide%20v2.pdf"}`, ""},
		{`{"p":"/docs/","e":"event","n":"signup"}`, ""},
		{`{"p":"/missing/page/","e":"not-found"}`, ""},
		{`{"p":"/docs/","e":"not-found"}`, "bad-request"}, // a page is not missing
		{`{"p":"/docs/","e":"outbound","n":"evil host/"}`, "bad-request"},
		{`{"p":"/docs/","e":"scroll","n":"50"}`, "bad-request"},
		{`{"p":"/nope/","e":"event","n":"signup"}`, "unknown-page"},
	} {
		res := serve(h, beaconBody(tc.body))
		if got := res.Header.Get(ReasonHeader); got != tc.reason {
			t.Errorf("%s: reason %q, want %q", tc.body, got, tc.reason)
		}
	}
	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := query(t, st, "2025-03-01", "2025-03-01")
	if n := sumViews(got); n != 1 {
		t.Errorf("views = %d, want 1: events and a missing page are not views", n)
	}
	dims := map[string]string{}
	for _, d := range got.Dims {
		if d.Dim == "source" || d.Dim == "medium" || d.Dim == "campaign" || d.Dim == "not-found" {
			dims[d.Dim] = d.Value
		}
	}
	want := map[string]string{"source": "newsletter", "medium": "email", "campaign": "spring-launch", "not-found": "/missing/page/"}
	for k, v := range want {
		if dims[k] != v {
			t.Errorf("dimension %s = %q, want %q", k, dims[k], v)
		}
	}
	wantEvents := []store.EventRow{
		{Day: "2025-03-01", Kind: privacy.KindDownload, Name: "/files/guide v2.pdf", N: 1, Visitors: 1},
		{Day: "2025-03-01", Kind: privacy.KindEvent, Name: "signup", N: 1, Visitors: 1},
		{Day: "2025-03-01", Kind: privacy.KindOutbound, Name: "github.com", N: 1, Visitors: 1},
	}
	if len(got.Events) != len(wantEvents) {
		t.Fatalf("events = %+v, want %+v", got.Events, wantEvents)
	}
	for i := range wantEvents {
		if got.Events[i] != wantEvents[i] {
			t.Errorf("event %d = %+v, want %+v", i, got.Events[i], wantEvents[i])
		}
	}
}
