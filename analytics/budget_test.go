package analytics

import (
	"fmt"
	"testing"
)

// junkLanguages are base languages a flood can rotate through: the
// ISO 639 range reserved for local use, qaa..qtz, all of them valid.
func junkLanguage(i int) string {
	return fmt.Sprintf("q%c%c", 'a'+i/26%20, 'a'+i%26)
}

// TestOneNetworkCannotFillADimension replays the flood: one network sends
// a new referrer host and language on every event. It may add only its
// share of new values to the day's tables, so that a real referrer that
// comes later is still counted as itself rather than as "(other)".
func TestOneNetworkCannotFillADimension(t *testing.T) {
	st, _ := openStore(t)
	c, _ := newCollector(t, st, nil)
	h := c.Handler()
	for i := range DefaultMaxValues + 100 {
		r := beaconRequest("/docs/", fmt.Sprintf("https://junk%d.example.com/", i))
		r.RemoteAddr = fmt.Sprintf("203.0.113.%d:4000", i%250+1) // one /24
		r.Header.Set("Accept-Language", junkLanguage(i))
		if res := serve(h, r); res.Header.Get(ReasonHeader) != "" {
			t.Fatalf("flood event %d not counted: %s", i, res.Header.Get(ReasonHeader))
		}
	}
	real := beaconRequest("/docs/", "https://news.example.net/story")
	real.RemoteAddr = "198.51.100.23:4000"
	real.Header.Set("Accept-Language", "pt-BR")
	serve(h, real)
	flush(t, c)

	got := query(t, st, "2025-03-01", "2025-03-01")
	values := map[string]map[string]int64{}
	for _, d := range got.Dims {
		if values[d.Dim] == nil {
			values[d.Dim] = map[string]int64{}
		}
		values[d.Dim][d.Value] = d.N
	}
	if values["referrer"]["news.example.net"] != 1 {
		t.Errorf("the real referrer was not counted as itself: referrers %d distinct, (other) %d",
			len(values["referrer"]), values["referrer"][Other])
	}
	if values["language"]["pt"] != 1 {
		t.Errorf("the real language was not counted as itself: languages %d distinct, (other) %d",
			len(values["language"]), values["language"][Other])
	}
	for _, dim := range []string{"referrer", "language"} {
		// +2: the real reader's value, and (other).
		if n := len(values[dim]); n > DefaultMaxValues/20+2 {
			t.Errorf("one network added %d %s values, want at most %d", n, dim, DefaultMaxValues/20)
		}
	}
	if v := sumViews(got); v != DefaultMaxValues+101 {
		t.Errorf("views = %d, want every event counted (%d)", v, DefaultMaxValues+101)
	}
}

// TestOneNetworkCannotInflateVisitors: rotating Accept-Language makes a
// new visitor hash on every event; one network adds at most its share of
// the day's visitors.
func TestOneNetworkCannotInflateVisitors(t *testing.T) {
	st, _ := openStore(t)
	c, clk := newCollector(t, st, nil)
	h := c.Handler()
	for i := range 500 {
		r := beaconRequest("/docs/", "")
		r.Header.Set("Accept-Language", junkLanguage(i))
		serve(h, r)
	}
	other := beaconRequest("/docs/", "")
	other.RemoteAddr = "192.0.2.99:1"
	other.Header.Set("Accept-Language", "en")
	flush(t, c)
	got := query(t, st, "2025-03-01", "2025-03-01").Visitors
	if len(got) != 1 || got[0].N != DefaultMaxNewVisitors {
		t.Errorf("visitors = %+v, want %d from one network", got, DefaultMaxNewVisitors)
	}
	serve(h, other)
	flush(t, c)
	got = query(t, st, "2025-03-01", "2025-03-01").Visitors
	if len(got) != 1 || got[0].N != DefaultMaxNewVisitors+1 {
		t.Errorf("visitors = %+v after a reader of another network, want one more", got)
	}

	// The budget is forgotten with the day: the next day, the same
	// network counts again.
	clk.Set(clk.Now().AddDate(0, 0, 1))
	for i := range 3 {
		r := beaconRequest("/docs/", "")
		r.Header.Set("Accept-Language", junkLanguage(i))
		serve(h, r)
	}
	flush(t, c)
	if got := query(t, st, "2025-03-02", "2025-03-02").Visitors; len(got) != 1 || got[0].N != 3 {
		t.Errorf("visitors the next day = %+v, want 3", got)
	}
}

// TestOneNetworkCannotFillEventsOrNotFound: event names and missing paths
// are new values too, so one network flooding made-up ones spends the same
// budget, and a real reader's download and missing page later that day
// are still counted as themselves.
func TestOneNetworkCannotFillEventsOrNotFound(t *testing.T) {
	st, _ := openStore(t)
	c, _ := newCollector(t, st, nil)
	h := c.Handler()
	for i := range DefaultMaxValues + 100 {
		for _, body := range []string{
			fmt.Sprintf(`{"p":"/docs/","e":"event","n":"junk-%d"}`, i),
			fmt.Sprintf(`{"p":"/junk/%d/","e":"not-found"}`, i),
		} {
			r := beaconBody(body)
			r.RemoteAddr = fmt.Sprintf("203.0.113.%d:4000", i%250+1) // one /24
			if res := serve(h, r); res.Header.Get(ReasonHeader) != "" {
				t.Fatalf("flood event %s not counted: %s", body, res.Header.Get(ReasonHeader))
			}
		}
	}
	for _, body := range []string{`{"p":"/docs/","e":"event","n":"signup"}`, `{"p":"/missing/page/","e":"not-found"}`} {
		r := beaconBody(body)
		r.RemoteAddr = "198.51.100.23:4000"
		serve(h, r)
	}
	flush(t, c)

	got := query(t, st, "2025-03-01", "2025-03-01")
	events := map[string]int64{}
	for _, e := range got.Events {
		events[e.Name] = e.N
	}
	notFound := map[string]int64{}
	for _, d := range got.Dims {
		if d.Dim == "not-found" {
			notFound[d.Value] = d.N
		}
	}
	if events["signup"] != 1 || notFound["/missing/page/"] != 1 {
		t.Errorf("the real reader's event and missing page: %d and %d, want 1 and 1 (events %d distinct, not-found %d distinct)",
			events["signup"], notFound["/missing/page/"], len(events), len(notFound))
	}
	// Both share the network's budget of new values: +2 for the real
	// reader's values and (other).
	if n := len(events) + len(notFound); n > DefaultMaxValues/20+4 {
		t.Errorf("one network added %d event names and missing paths, want at most %d", n, DefaultMaxValues/20)
	}
}
