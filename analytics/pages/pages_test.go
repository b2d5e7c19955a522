package pages

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func writeSite(t *testing.T, dir string, files ...string) {
	t.Helper()
	for _, f := range files {
		path := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("<!doctype html>"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time { return c.t }

func TestHas(t *testing.T) {
	dir := t.TempDir()
	writeSite(t, dir, "index.html", "docs/index.html", "docs/setup/index.html", "über uns/index.html",
		"404.html", "feed.xml", "css/site.css", ".git/index.html")
	for _, base := range []string{"/", "/docs-site/"} {
		s, err := New(Config{Dir: dir, Base: base})
		if err != nil {
			t.Fatalf("New() = %v", err)
		}
		for p, want := range map[string]bool{
			"nope/":           false,
			".":               true,
			"docs/":           true,
			"docs/setup/":     true,
			"über uns/":       true,
			"docs":            false,
			"404.html/":       false,
			"css/":            false,
			".git/":           false,
			"docs/index.html": false,
		} {
			path := base + p
			if p == "." {
				path = base
			}
			if got := s.Has(path); got != want {
				t.Errorf("base %s: Has(%q) = %v, want %v", base, path, got, want)
			}
		}
		if s.Len() != 4 {
			t.Errorf("Len() = %d, want 4", s.Len())
		}
	}
}

func TestNewRefusesMissingOrEmptySite(t *testing.T) {
	empty := t.TempDir()
	writeSite(t, empty, "style.css")
	for _, dir := range []string{filepath.Join(empty, "missing"), empty} {
		if _, err := New(Config{Dir: dir}); err == nil {
			t.Errorf("New(%s) = nil error, want one", dir)
		}
	}
	if _, err := New(Config{Dir: empty, Base: "docs"}); err == nil {
		t.Error("New(Base: docs) = nil error, want one")
	}
}

func TestNoticesRebuild(t *testing.T) {
	root := t.TempDir()
	site := filepath.Join(root, "public")
	writeSite(t, site, "index.html", "old/index.html")
	clock := &fakeClock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	s, err := New(Config{Dir: site, Recheck: time.Second, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}

	// A build that swaps a new folder in, as folio build does.
	next := filepath.Join(root, "next")
	writeSite(t, next, "index.html", "new/index.html")
	if err := os.Rename(site, filepath.Join(root, "old")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(next, site); err != nil {
		t.Fatal(err)
	}
	if !s.Has("/old/") || s.Has("/new/") {
		t.Fatal("the set changed before Recheck elapsed")
	}
	clock.t = clock.t.Add(2 * time.Second)
	if s.Has("/old/") || !s.Has("/new/") {
		t.Errorf("after a swapped-in rebuild: Has(/old/) = %v, Has(/new/) = %v, want false, true", s.Has("/old/"), s.Has("/new/"))
	}

	// A build that rewrites in place: a new page and a rewritten index.html
	// with a later modification time.
	writeSite(t, site, "added/index.html", "index.html")
	later := clock.t.Add(time.Hour)
	if err := os.Chtimes(filepath.Join(site, "index.html"), later, later); err != nil {
		t.Fatal(err)
	}
	clock.t = clock.t.Add(2 * time.Second)
	if !s.Has("/added/") {
		t.Error("after an in-place rebuild: Has(/added/) = false, want true")
	}

	// A folder caught empty halfway through a rebuild keeps the old set.
	if err := os.RemoveAll(site); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(site, 0o755); err != nil {
		t.Fatal(err)
	}
	clock.t = clock.t.Add(2 * time.Second)
	if !s.Has("/added/") {
		t.Error("an empty folder replaced the set, want the previous set kept")
	}
}
