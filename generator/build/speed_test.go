package build

import (
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
