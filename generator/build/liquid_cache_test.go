package build

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
)

// TestLiquidCountedAcrossCache: a build that restores pages from its
// cache counts and warns of the Liquid in them as the cold build did, so
// the summary of serve's rebuilds and of a warm folio build covers the
// whole site, not only the pages rendered again.
func TestLiquidCountedAcrossCache(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"folio.toml":        "title = \"Liquid\"\nbaseURL = \"https://example.org/\"\n",
		"content/_index.md": "---\ntitle: Home\n---\nHome.\n",
		"content/a.md":      "---\ntitle: A\n---\nBy {{ site.author }}.\n",
		"content/b.md":      "---\ntitle: B\n---\n{% include note.html %}\n",
		"content/c.md":      "---\ntitle: C\n---\nNo Liquid.\n",
	})
	out := filepath.Join(root, "public")
	build := func() *Result {
		t.Helper()
		var warns []string
		res, err := BuildDir(context.Background(), Options{
			Root: root, CacheDir: filepath.Join(root, ".folio-cache"),
			Warn: func(w string) { warns = append(warns, w) },
		}, out)
		if err != nil {
			t.Fatalf("BuildDir() = %v", err)
		}
		res.Warnings = warns
		return res
	}
	cold := build()
	if cold.LiquidPages != 2 || len(cold.Warnings) != 2 {
		t.Fatalf("cold build: LiquidPages = %d, warnings %q; want 2 and 2", cold.LiquidPages, cold.Warnings)
	}

	// Only c is rendered again; a and b come from the cache.
	writeFiles(t, root, map[string]string{"content/c.md": "---\ntitle: C\n---\nStill no Liquid.\n"})
	warm := build()
	if warm.Rendered >= cold.Rendered {
		t.Fatalf("warm build rendered %d pages, no fewer than the cold build's %d", warm.Rendered, cold.Rendered)
	}
	if warm.LiquidPages != 2 || !slices.Equal(warm.Warnings, cold.Warnings) {
		t.Errorf("warm build: LiquidPages = %d, warnings %q; want 2 and %q", warm.LiquidPages, warm.Warnings, cold.Warnings)
	}

	// Liquid removed from a page is no longer counted.
	writeFiles(t, root, map[string]string{"content/a.md": "---\ntitle: A\n---\nBy us.\n"})
	if res := build(); res.LiquidPages != 1 || len(res.Warnings) != 1 {
		t.Errorf("after removing a's Liquid: LiquidPages = %d, warnings %q; want 1 and 1", res.LiquidPages, res.Warnings)
	}
}
