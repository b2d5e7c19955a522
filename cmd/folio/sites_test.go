package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"folio/analytics"
	"folio/analytics/store"
	"folio/analytics/store/pgtest"
)

// sitesRoot writes a root whose folio.toml lists two sites, each with its
// own built folder, and the database setting given.
func sitesRoot(t *testing.T, database string) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"folio.toml": `title = "Two sites"
[report]
k = 2
[analytics]
enabled = true
trustedProxies = ["127.0.0.1/32"]
database = "` + database + `"
[[analytics.sites]]
name = "docs"
origin = "https://docs.example.org"
dir = "docs/public"
[[analytics.sites]]
name = "blog"
origin = "https://blog.example.org"
dir = "blog/public"
`,
		"content/_index.md":            "---\ntitle: Home\n---\nWelcome.\n",
		"docs/public/index.html":       "<!doctype html>",
		"docs/public/setup/index.html": "<!doctype html>",
		"blog/public/index.html":       "<!doctype html>",
		"blog/public/post/index.html":  "<!doctype html>",
	}
	writeFiles(t, root, files)
	return root
}

// TestCollectSeveralSites runs one folio collect for two sites on each
// engine: a beacon counts for the site whose origin sent it, against that
// site's pages only, and each site's rows stay its own.
func TestCollectSeveralSites(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			database := "data/analytics.db"
			if engine == "postgres" {
				database = pgtest.URL(t)
			}
			root := sitesRoot(t, database)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			stdout := &lineWriter{first: make(chan string, 1)}
			stderr := &lineWriter{}
			done := make(chan error, 1)
			go func() {
				done <- runCollect(ctx, []string{"-root", root, "-addr", "127.0.0.1:0", "-flush", "1h", "-rate-limit", "0"}, stdout, stderr)
			}()
			var url string
			select {
			case line := <-stdout.first:
				url = regexp.MustCompile(`http://\S+`).FindString(line)
				if strings.Contains(line, "postgres@") && strings.Contains(line, ":@") {
					t.Errorf("first line %q shows a password", line)
				}
			case err := <-done:
				t.Fatalf("runCollect() = %v before listening\n%s", err, stderr.String())
			case <-time.After(20 * time.Second):
				t.Fatal("runCollect() did not start within 20s")
			}
			send := func(method, origin, referer, path string) string {
				t.Helper()
				var body io.Reader
				target := url
				if method == http.MethodGet {
					target += ".gif?p=" + path
				} else {
					body = strings.NewReader(`{"p":"` + path + `","r":""}`)
				}
				req, err := http.NewRequest(method, target, body)
				if err != nil {
					t.Fatal(err)
				}
				if origin != "" {
					req.Header.Set("Origin", origin)
				}
				if referer != "" {
					req.Header.Set("Referer", referer)
				}
				req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0")
				req.Header.Set("X-Forwarded-For", "203.0.113.9")
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusNoContent && res.StatusCode != http.StatusOK {
					t.Fatalf("%s %s: status %d", method, path, res.StatusCode)
				}
				return res.Header.Get(analytics.ReasonHeader)
			}
			for _, c := range []struct {
				method, origin, referer, path, reason string
			}{
				{"POST", "https://docs.example.org", "", "/setup/", ""},
				{"POST", "https://docs.example.org", "", "/setup/", ""},
				{"POST", "https://blog.example.org", "", "/post/", ""},
				{"GET", "", "https://blog.example.org/post/", "/post/", ""},
				{"POST", "https://blog.example.org", "", "/setup/", "unknown-page"}, // a docs page, not the blog's
				{"POST", "https://elsewhere.example", "", "/setup/", "origin"},
			} {
				if got := send(c.method, c.origin, c.referer, c.path); got != c.reason {
					t.Errorf("%s %s from %s%s: reason %q, want %q", c.method, c.path, c.origin, c.referer, got, c.reason)
				}
			}
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("runCollect() = %v\n%s", err, stderr.String())
				}
			case <-time.After(30 * time.Second):
				t.Fatal("runCollect() did not stop within 30s")
			}
			target := database
			if engine == "sqlite" {
				target = filepath.Join(root, database)
			}
			db, err := store.OpenDatabase(context.Background(), target, store.ReadOnly())
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			day := time.Now().UTC().Format(time.DateOnly)
			views := func(site string) map[string]int64 {
				c, err := db.Site(site).Query(context.Background(), day, day)
				if err != nil {
					t.Fatal(err)
				}
				m := map[string]int64{}
				for _, v := range c.Views {
					m[v.Path] = v.N
				}
				for _, d := range c.Dropped {
					m["dropped "+d.Reason] = d.N
				}
				return m
			}
			if got, want := views("docs"), map[string]int64{"/setup/": 2, "dropped origin": 1}; !equalMaps(got, want) {
				t.Errorf("docs = %v, want %v", got, want)
			}
			if got, want := views("blog"), map[string]int64{"/post/": 2, "dropped unknown-page": 1}; !equalMaps(got, want) {
				t.Errorf("blog = %v, want %v", got, want)
			}
		})
	}
}

func equalMaps(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestReportOneSite publishes one site of a shared database: its values
// appear, the other site's never do, and k applies to the site's own
// distinct visitors; the site's private report is exact and still its own.
func TestReportOneSite(t *testing.T) {
	root := sitesRoot(t, "data/analytics.db")
	db, err := store.Open(filepath.Join(root, "data", "analytics.db"))
	if err != nil {
		t.Fatal(err)
	}
	add := func(site, path, browser string, n, visitors int64) {
		b := store.NewBatch()
		for d := range 7 {
			day := time.Date(2025, 3, 3+d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
			b.Views[store.ViewKey{Day: day, Path: path}] = n
			b.ViewVisitors[store.ViewKey{Day: day, Path: path}] = visitors
			b.Dims[store.DimKey{Day: day, Dim: "browser", Value: browser}] = n
			b.DimVisitors[store.DimKey{Day: day, Dim: "browser", Value: browser}] = visitors
			b.Visitors[day] = visitors
		}
		if err := db.Site(site).Add(context.Background(), b); err != nil {
			t.Fatal(err)
		}
	}
	add("docs", "/setup/", "Firefox", 50, 50)
	add("docs", "/setup/", "Vivaldi", 5, 5)
	add("blog", "/post/", "Epiphany", 50, 50)
	// One visitor a day in the blog: under k = 2 there, however many
	// the docs site has of the same value.
	add("blog", "/post/", "Vivaldi", 5, 1)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err := runReportTest(t, "-root", root, "-site", "blog", "-from", "2025-03-03", "-to", "2025-03-09")
	if err != nil {
		t.Fatalf("report -site blog: %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "385 views") {
		t.Errorf("report printed %q, want the blog's 385 views alone", stdout)
	}
	data, err := os.ReadFile(filepath.Join(root, "blog", "public", "stats", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "/post/") || !strings.Contains(string(data), "Epiphany") {
		t.Errorf("blog report lacks its own values:\n%s", data)
	}
	if strings.Contains(string(data), "/setup/") || strings.Contains(string(data), "Firefox") {
		t.Errorf("blog report shows the docs site's values:\n%s", data)
	}
	if strings.Contains(string(data), "Vivaldi") {
		t.Errorf("blog report publishes a value with 1 visitor a day, under its k = 2:\n%s", data)
	}

	// The blog's private view: exact, Vivaldi included, nothing of docs;
	// never inside any site's output folder.
	private := filepath.Join(t.TempDir(), "private")
	if _, stderr, err := runReportTest(t, "-root", root, "-site", "blog", "-private", "-out", private, "-from", "2025-03-03", "-to", "2025-03-09"); err != nil {
		t.Fatalf("report -site blog -private: %v\n%s", err, stderr)
	}
	data, err = os.ReadFile(filepath.Join(private, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "Vivaldi") || !strings.Contains(string(data), "Epiphany") || strings.Contains(string(data), "Firefox") {
		t.Errorf("blog private report: want Vivaldi and Epiphany, not Firefox:\n%s", data)
	}
	for _, dir := range []string{"blog/public/private", "docs/public/private", "public/private"} {
		out := filepath.Join(root, filepath.FromSlash(dir))
		if _, _, err := runReportTest(t, "-root", root, "-site", "blog", "-private", "-out", out); err == nil || !strings.Contains(err.Error(), "must never be published") {
			t.Errorf("report -site blog -private -out %s = %v, want a refusal", dir, err)
		}
	}
	if _, _, err := runReportTest(t, "-root", root, "-site", "shop"); err == nil || !strings.Contains(err.Error(), "docs, blog") {
		t.Errorf("report -site shop = %v, want an error listing the sites", err)
	}
}
