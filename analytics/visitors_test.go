package analytics

import (
	"context"
	"reflect"
	"testing"
	"time"

	"folio/analytics/store"
)

// TestClockStepBackOverMidnight steps the clock back over midnight, as an
// NTP correction can: the day already left must not get a second key (it
// would count its readers again), and its cells, possibly published
// already, must not change. Events are counted in the later day until the
// clock has caught up with it.
func TestClockStepBackOverMidnight(t *testing.T) {
	st, _ := openStore(t)
	c, clk := newCollector(t, st, nil)
	h := c.Handler()
	send := func() {
		t.Helper()
		if res := serve(h, beaconRequest("/docs/", "")); res.StatusCode != 204 || res.Header.Get(ReasonHeader) != "" {
			t.Fatalf("status %d, reason %q", res.StatusCode, res.Header.Get(ReasonHeader))
		}
	}
	flush := func() {
		t.Helper()
		if err := c.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	clk.Set(time.Date(2025, 3, 1, 23, 59, 59, 0, time.UTC))
	send()
	flush()
	clk.Set(time.Date(2025, 3, 2, 0, 0, 5, 0, time.UTC))
	send()
	flush()
	clk.Set(time.Date(2025, 3, 1, 23, 59, 58, 0, time.UTC))
	send()
	flush()
	clk.Set(time.Date(2025, 3, 2, 0, 0, 1, 0, time.UTC))
	send()
	flush()

	got := query(t, st, "2025-03-01", "2025-03-02")
	// One network a day: the key of 2025-03-02 is kept, so the reader's
	// network is one on that path for the day, not two.
	wantViews := []store.ViewRow{{Day: "2025-03-01", Path: "/docs/", N: 1, Visitors: 1}, {Day: "2025-03-02", Path: "/docs/", N: 3, Visitors: 1}}
	if !reflect.DeepEqual(got.Views, wantViews) {
		t.Errorf("views = %+v, want %+v", got.Views, wantViews)
	}
	wantVisitors := []store.VisitorRow{{Day: "2025-03-01", N: 1}, {Day: "2025-03-02", N: 1}}
	if !reflect.DeepEqual(got.Visitors, wantVisitors) {
		t.Errorf("visitors = %+v, want %+v: one reader, one key a day", got.Visitors, wantVisitors)
	}
}

// TestVisitorsNeverRekeyAnEarlierDay holds visitors itself to the rule:
// a day before the current one gets no new key and adds no visitor.
func TestVisitorsNeverRekeyAnEarlierDay(t *testing.T) {
	v := newVisitors(10)
	var addr [16]byte
	if !v.add("2025-03-02", addr, "Firefox", "de", true) {
		t.Fatal("first visitor of the day not new")
	}
	mac := v.mac
	if v.add("2025-03-01", addr, "Firefox", "de", true) {
		t.Error("an event of an earlier day counted as a new visitor")
	}
	if v.day != "2025-03-02" || v.mac != mac {
		t.Errorf("an event of an earlier day changed the key: day %s", v.day)
	}
}

// TestClockRepairedByDays follows a clock set back by more than a day: it
// was wrong before, and holding on to its day would count in the future
// until the calendar caught up.
func TestClockRepairedByDays(t *testing.T) {
	st, _ := openStore(t)
	c, clk := newCollector(t, st, nil)
	h := c.Handler()
	clk.Set(time.Date(2025, 3, 9, 12, 0, 0, 0, time.UTC))
	serve(h, beaconRequest("/docs/", ""))
	clk.Set(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
	serve(h, beaconRequest("/docs/", ""))
	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := query(t, st, "2025-03-01", "2025-03-09")
	want := []store.ViewRow{{Day: "2025-03-01", Path: "/docs/", N: 1, Visitors: 1}, {Day: "2025-03-09", Path: "/docs/", N: 1, Visitors: 1}}
	if !reflect.DeepEqual(got.Views, want) {
		t.Errorf("views = %+v, want %+v", got.Views, want)
	}
	wantVisitors := []store.VisitorRow{{Day: "2025-03-01", N: 1}, {Day: "2025-03-09", N: 1}}
	if !reflect.DeepEqual(got.Visitors, wantVisitors) {
		t.Errorf("visitors = %+v, want %+v", got.Visitors, wantVisitors)
	}
}
