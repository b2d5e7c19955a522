package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestE2ENotFound visits an address the site does not have. The site
// answers 404 with its not-found page, whose beacon reports the missing
// address as the not-found dimension. That view is not a page view: it is
// neither counted as a view nor filtered as a view of an unknown page, and
// it adds no visitor. The owner's report lists the address under
// "Missing pages".
func TestE2ENotFound(t *testing.T) {
	s := startServe(t)
	tab := startBrowser(t)
	tab.actAsReader(t)

	const missing = "/no-such-page/"
	// With a query, which must not reach the store.
	tab.do(t, "open "+missing, chromedp.Navigate(s.url+missing+"?from=a-broken-link"))
	tab.waitLoaded(t, missing)
	// Deferred scripts have run once the document is complete, so every
	// beacon of the not-found page has been sent by now.
	waitBeacon(t, tab, s)
	doc := ofCurrentDoc(tab.net.requests())
	if len(doc) == 0 || doc[0].status != http.StatusNotFound {
		t.Fatalf("%s: the document was not answered 404:%s", missing, describeRequests(doc))
	}
	bs := beacons(doc, s)
	if len(bs) != 1 {
		t.Fatalf("the not-found page sent %d beacons, want 1:%s", len(bs), describeRequests(doc))
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(bs[0].body), &body); err != nil {
		t.Fatalf("beacon body %q: %v", bs[0].body, err)
	}
	if body["p"] != missing || body["e"] != "not-found" || len(body) != 2 {
		t.Errorf("the not-found page's beacon sent %q, want only the path %q and the kind not-found (no query, no referrer)", bs[0].body, missing)
	}
	if reason, ok := header(bs[0].headers, "X-Folio-Reason"); ok {
		t.Errorf("the not-found beacon was not counted: %s", reason)
	}

	// A page of the site afterwards: the one view the store should hold.
	visit(t, tab, s, "/")
	waitBeacon(t, tab, s)
	// The not-found beacon was answered before / was opened, so this
	// flush holds whatever it counted.
	if c := s.waitViews(t, 1); len(c.Dropped) > 0 {
		t.Errorf("dropped = %+v, want nothing: the not-found page's view is not a view of an unknown page", c.Dropped)
	}

	visit(t, tab, s, "/stats/")
	missingRows := eval[[]string](t, tab, `[...document.querySelectorAll("#not_found ~ * tbody th, section[aria-labelledby=not_found] tbody th")].map(th => th.textContent.trim())`)
	if !strings.Contains(strings.Join(missingRows, "\n"), missing) {
		t.Errorf("the report's missing pages are %q, want %s among them", missingRows, missing)
	}

	s.stop(t)
	c := s.counts(t)
	if got := viewsByPath(c); len(got) != 1 || got["/"] != 1 {
		t.Errorf("views = %v, want only / once: the not-found page is no page view", got)
	}
	notFound := map[string]int64{}
	for _, d := range c.Dims {
		if d.Dim == "not-found" {
			notFound[d.Value] += d.N
		}
	}
	if len(notFound) != 1 || notFound[missing] != 1 {
		t.Errorf("not-found dimension = %v, want %s once", notFound, missing)
	}
	if len(c.Dropped) > 0 {
		t.Errorf("dropped at the end = %+v, want nothing (the report page sends no beacon either)", c.Dropped)
	}
	var visitors int64
	for _, v := range c.Visitors {
		visitors += v.N
	}
	if visitors != 1 {
		t.Errorf("visitors = %d, want 1 (the reader of /; a missing page adds none)", visitors)
	}
}
