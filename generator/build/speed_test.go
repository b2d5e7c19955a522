package build

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"folio/bench/sitegen"
)

// TestPolicySiteBuildsMatchCold builds sites in the shape of real policy
// pages, whose bodies end with a change log, cold, warm with nothing
// changed and warm after edits, and compares every output file byte for
// byte with a cold build of the same content. It also counts parses: a
// warm build parses the markdown of the pages it renders and of no other.
func TestPolicySiteBuildsMatchCold(t *testing.T) {
	for _, shape := range []sitegen.Shape{sitegen.ShapePolicy, sitegen.ShapeMixed} {
		t.Run(string(shape), func(t *testing.T) {
			const n = 120
			root := t.TempDir()
			if err := sitegen.GenerateShape(root, n, shape); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(root, "public")
			first := buildWithCache(t, root, out)
			sameTree(t, snapshot(t, out), coldBuild(t, root))
			if first.Parsed < first.Pages/2 {
				t.Errorf("cold build parsed %d times for %d pages", first.Parsed, first.Pages)
			}

			// Nothing changed: nothing is parsed, rendered or written.
			res := buildWithCache(t, root, out)
			if res.Parsed != 0 || res.Rendered != 0 || res.Files != 0 || res.Pages != first.Pages {
				t.Errorf("unchanged rebuild: %d parsed, %d rendered, %d written, %d pages; want 0, 0, 0, %d",
					res.Parsed, res.Rendered, res.Files, res.Pages, first.Pages)
			}
			sameTree(t, snapshot(t, out), coldBuild(t, root))

			// A file whose time says it changed after the build that
			// read it started may have changed unseen: builds look
			// again until its time is in the past, and then trust it.
			index := filepath.Join(root, "content", "_index.md")
			later := time.Now().Add(time.Hour)
			if err := os.Chtimes(index, later, later); err != nil {
				t.Fatal(err)
			}
			for i, wantSkip := range []bool{false, false, false, true} {
				if i == 2 {
					earlier := time.Now().Add(-time.Hour)
					if err := os.Chtimes(index, earlier, earlier); err != nil {
						t.Fatal(err)
					}
				}
				res = buildWithCache(t, root, out)
				if skipped := res.Rendered == 0; skipped != wantSkip {
					t.Errorf("build %d after a file's time moved ahead: skipped = %v, want %v", i+1, skipped, wantSkip)
				}
			}

			// A file that is no page changed: the pages are not parsed
			// again for their change logs.
			writeFiles(t, root, map[string]string{"static/extra.txt": "x\n"})
			res = buildWithCache(t, root, out)
			if res.Parsed > res.Rendered {
				t.Errorf("a static file edit parsed %d times and rendered %d pages: unchanged pages were parsed", res.Parsed, res.Rendered)
			}
			sameTree(t, snapshot(t, out), coldBuild(t, root))

			// A body edit, then a new change-log entry: each build
			// renders the edited page and matches a cold build.
			page := filepath.Join(root, "content", filepath.FromSlash(sitegen.PageFile(3)))
			src, err := os.ReadFile(page)
			if err != nil {
				t.Fatal(err)
			}
			edited := strings.Replace(string(src), "Your privacy is critically important", "Your privacy matters", 1)
			writeFiles(t, root, map[string]string{filepath.ToSlash(filepath.Join("content", sitegen.PageFile(3))): edited})
			res = buildWithCache(t, root, out)
			if res.Rendered == 0 || res.Parsed > res.Rendered+1 {
				t.Errorf("a body edit rendered %d pages and parsed %d times, want the page rendered and parsed at most twice", res.Rendered, res.Parsed)
			}
			sameTree(t, snapshot(t, out), coldBuild(t, root))

			added := strings.Replace(edited, "### Change log\n\n", "### Change log\n\n- March 3, 2025: Said what matters\n", 1)
			writeFiles(t, root, map[string]string{filepath.ToSlash(filepath.Join("content", sitegen.PageFile(3))): added})
			buildWithCache(t, root, out)
			got := snapshot(t, out)
			if !strings.Contains(got["changelog/index.html"], "Said what matters") {
				t.Error("a new body change-log entry is missing from /changelog/")
			}
			sameTree(t, got, coldBuild(t, root))

			// The site's time zone shapes the dates of body entries: the
			// entries the cache keeps are not used across a change of it.
			writeFiles(t, root, map[string]string{"folio.toml": "title = \"Bench\"\nbaseURL = \"https://bench.example.org/\"\ntimezone = \"America/New_York\"\n"})
			buildWithCache(t, root, out)
			sameTree(t, snapshot(t, out), coldBuild(t, root))
		})
	}
}

// TestUnchangedBuildSeesSchedule: with no file changed, a build skips
// only until a page's publishDate or expiryDate comes: then the site
// changes, and the build makes it again.
func TestUnchangedBuildSeesSchedule(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"folio.toml":        "title = \"S\"\n",
		"content/_index.md": "---\ntitle: Home\n---\nHome.\n",
		"content/soon.md":   "---\ntitle: Soon\npublishDate: 2030-06-02T00:00:00Z\n---\nSoon.\n",
		"content/gone.md":   "---\ntitle: Gone\nexpiryDate: 2030-06-04T00:00:00Z\n---\nGone.\n",
	})
	out := filepath.Join(root, "public")
	at := func(day string) *Result {
		t.Helper()
		now, err := time.Parse(time.DateOnly, day)
		if err != nil {
			t.Fatal(err)
		}
		res, err := BuildDir(context.Background(), Options{Root: root, CacheDir: filepath.Join(root, ".folio-cache"), Now: func() time.Time { return now }}, out)
		if err != nil {
			t.Fatalf("BuildDir() at %s = %v", day, err)
		}
		return res
	}
	exists := func(rel string) bool {
		_, err := os.Stat(filepath.Join(out, rel))
		return err == nil
	}
	for _, step := range []struct {
		day        string
		skip       bool
		soon, gone bool
	}{
		{"2030-06-01", false, false, true},
		{"2030-06-01", true, false, true},
		{"2030-06-03", false, true, true}, // Soon is due
		{"2030-06-03", true, true, true},
		{"2030-06-05", false, true, false}, // Gone has expired
		{"2030-06-06", true, true, false},
	} {
		res := at(step.day)
		if skipped := res.Rendered == 0 && res.Files == 0; skipped != step.skip {
			t.Errorf("%s: skipped = %v, want %v", step.day, skipped, step.skip)
		}
		if got := exists("soon/index.html"); got != step.soon {
			t.Errorf("%s: soon/index.html exists = %v, want %v", step.day, got, step.soon)
		}
		if got := exists("gone/index.html"); got != step.gone {
			t.Errorf("%s: gone/index.html exists = %v, want %v", step.day, got, step.gone)
		}
	}
}
