package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"folio/generator/build"
	"folio/generator/config"
)

// buildQuietly builds the site in root as folio build does and fails the
// test on any error or warning.
func buildQuietly(t *testing.T, root string) string {
	t.Helper()
	cfg, data, err := loadSite(root)
	if err != nil {
		t.Fatalf("loadSite(%s) = %v", root, err)
	}
	var warnings []string
	out := filepath.Join(t.TempDir(), "public")
	if _, err := build.BuildDir(context.Background(), build.Options{
		Root: root, Config: cfg, Data: data, Warn: func(w string) { warnings = append(warnings, w) },
	}, out); err != nil {
		t.Fatalf("build of %s: %v", root, err)
	}
	if len(warnings) > 0 {
		t.Fatalf("build of %s warned:\n%s", root, strings.Join(warnings, "\n"))
	}
	return out
}

func TestNewSiteBuilds(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "my-docs")
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"new", dir}, &stdout, &stderr); err != nil {
		t.Fatalf("folio new = %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "folio serve -root "+dir) {
		t.Errorf("folio new said %q, want the serve command to run next", stdout.String())
	}
	for _, name := range []string{"folio.toml", ".gitignore", "content/index.md", "content/docs/_index.md", "content/privacy.md"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("folio new wrote no %s: %v", name, err)
		}
	}
	ignore, _ := os.ReadFile(filepath.Join(dir, ".gitignore"))
	for _, want := range []string{"public/", "data/", ".folio-cache/"} {
		if !strings.Contains(string(ignore), want+"\n") {
			t.Errorf(".gitignore = %q, want %s in it", ignore, want)
		}
	}
	cfg, err := config.LoadConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Title != "My docs" {
		t.Errorf("title = %q, want %q", cfg.Title, "My docs")
	}

	out := buildQuietly(t, dir)
	for _, page := range []string{"index.html", "docs/index.html", "docs/getting-started/index.html", "docs/writing/index.html", "privacy/index.html"} {
		if _, err := os.Stat(filepath.Join(out, page)); err != nil {
			t.Errorf("the new site has no %s: %v", page, err)
		}
	}
	privacy, _ := os.ReadFile(filepath.Join(out, "privacy", "index.html"))
	if !bytes.Contains(privacy, []byte(`data-collected="nothing"`)) {
		t.Errorf("privacy page of a site with analytics off does not say that nothing is counted:\n%s", privacy)
	}

	// Turned on as its folio.toml says, the site still builds cleanly and
	// its privacy page lists what is counted.
	toml := filepath.Join(dir, "folio.toml")
	data, _ := os.ReadFile(toml)
	on := strings.Replace(string(data), "enabled = false", "enabled = true", 1)
	if on == string(data) {
		t.Fatal("folio.toml has no enabled = false to turn on")
	}
	if err := os.WriteFile(toml, []byte(on), 0o644); err != nil {
		t.Fatal(err)
	}
	out = buildQuietly(t, dir)
	privacy, _ = os.ReadFile(filepath.Join(out, "privacy", "index.html"))
	if !bytes.Contains(privacy, []byte(`data-collected="views"`)) {
		t.Errorf("privacy page of a site with analytics on does not list what is counted:\n%s", privacy)
	}
}

func TestNewRefusesNonEmptyFolder(t *testing.T) {
	dir := t.TempDir()
	keep := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(keep, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), []string{"new", dir}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("folio new on a folder with a file = %v, want a refusal", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folio new wrote into a non-empty folder: %d entries", len(entries))
	}

	empty := t.TempDir()
	if err := run(context.Background(), []string{"new", empty}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Errorf("folio new on an empty folder = %v, want it used", err)
	}
}
