package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"folio/linkcheck"
)

func TestCheckExternal(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.URL.Path == "/gone" {
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"folio.toml": "title = \"Links\"\nbaseURL = \"https://docs.example.org/\"\n",
		"content/docs/a.md": "---\ntitle: A\n---\nSee [the spec](" + srv.URL + "/spec).\n\n" +
			"And [an old page](" + srv.URL + "/gone), and `" + srv.URL + "/in-code`.\n",
		"content/b.md": "---\ntitle: B\n---\nAgain: <" + srv.URL + "/gone>\n",
	})
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"check", "-external", "-root", root, "-delay", "0"}, &stdout, &stderr)
	if !errors.Is(err, errReported) {
		t.Fatalf("check -external = %v, want it to fail for a broken link\n%s", err, stderr.String())
	}
	want := "content/b.md:4: " + srv.URL + "/gone: 404 Not Found\n" +
		"content/docs/a.md:6: " + srv.URL + "/gone: 404 Not Found\n"
	if stderr.String() != want {
		t.Errorf("stderr =\n%s\nwant\n%s", stderr.String(), want)
	}
	if !strings.Contains(stdout.String(), "checked 2 outbound links to 1 host (0 from the cache): 2 broken") {
		t.Errorf("stdout = %q", stdout.String())
	}
	if _, err := os.Stat(filepath.Join(root, ".folio-cache", linkcheck.CacheFile)); err != nil {
		t.Errorf("no link cache: %v", err)
	}

	// Fixed, the site checks clean, and the working link comes from the
	// cache without a request.
	writeFiles(t, root, map[string]string{
		"content/docs/a.md": "---\ntitle: A\n---\nSee [the spec](" + srv.URL + "/spec).\n",
		"content/b.md":      "---\ntitle: B\n---\nB.\n",
	})
	requests.Store(0)
	stdout.Reset()
	stderr.Reset()
	if err := run(context.Background(), []string{"check", "-external", "-root", root}, &stdout, &stderr); err != nil {
		t.Fatalf("check -external = %v\n%s", err, stderr.String())
	}
	if requests.Load() != 0 || !strings.Contains(stdout.String(), "checked 1 outbound link to 1 host (1 from the cache): 0 broken") {
		t.Errorf("second run: %d requests, stdout %q; want the link from the cache", requests.Load(), stdout.String())
	}
}

func TestCheckReportsBuildErrors(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"content/a.md": "---\ntitle: A\n---\nA [broken](missing.md) link.\n",
	})
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"check", "-root", root}, &stdout, &stderr)
	if err == nil || !strings.Contains(stderr.String(), "content/a.md:4: broken link missing.md") {
		t.Errorf("check = %v, stderr %q; want the broken link at its line", err, stderr.String())
	}
}
