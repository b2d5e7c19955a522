package build

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"folio/generator/config"
	"folio/generator/output"
)

// secret is what a file outside the site holds; no output may show it.
const secret = "SECRET-OUTSIDE-THE-SITE"

// linkSite writes a site into a folder beside another folder, outside,
// that holds secret in secret.md, secret.html, secret.txt and
// dir/secret.md. files maps a path of the site to its text; links maps a
// path of the site to a symbolic link's target, in which OUTSIDE stands
// for the outside folder.
func linkSite(t *testing.T, files, links map[string]string) string {
	t.Helper()
	top := t.TempDir()
	site, outside := filepath.Join(top, "site"), filepath.Join(top, "outside")
	for name, text := range map[string]string{
		"secret.md": secret + "\n", "secret.html": secret + "\n", "secret.txt": secret + "\n",
		"dir/secret.md": secret + "\n", "folio.toml": "title = \"" + secret + "\"\n",
	} {
		writeFile(t, filepath.Join(outside, name), text)
	}
	for name, text := range files {
		writeFile(t, filepath.Join(site, name), text)
	}
	for name, target := range links {
		p := filepath.Join(site, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(strings.ReplaceAll(target, "OUTSIDE", outside), p); err != nil {
			t.Fatal(err)
		}
	}
	return site
}

func writeFile(t *testing.T, name, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// buildRoot builds the site in the folder root, as folio build does.
func buildRoot(t *testing.T, root string) (*output.MapOutput, error) {
	t.Helper()
	out := &output.MapOutput{}
	_, err := Build(context.Background(), Options{Root: root, Theme: testTheme(t)}, out)
	return out, err
}

// TestSymlinksOutsideTheSite checks that a symbolic link leading out of
// the site fails the build where it stands, whatever kind of file it
// replaces, and that nothing it points to reaches the output.
func TestSymlinksOutsideTheSite(t *testing.T) {
	home := "---\ntitle: Home\n---\nHome.\n"
	for _, tc := range []struct {
		name  string
		files map[string]string
		links map[string]string
		want  string // the error, file first
	}{{
		name:  "content file",
		files: map[string]string{"content/_index.md": home},
		links: map[string]string{"content/leak.md": "OUTSIDE/secret.md"},
		want:  "content/leak.md: points outside the site",
	}, {
		name:  "content file by a relative link",
		files: map[string]string{"content/_index.md": home},
		links: map[string]string{"content/docs/leak.md": "../../../outside/secret.md"},
		want:  "content/docs/leak.md: points outside the site",
	}, {
		name:  "data file",
		files: map[string]string{"content/_index.md": home},
		links: map[string]string{"content/docs/data.txt": "OUTSIDE/secret.txt"},
		want:  "content/docs/data.txt: points outside the site",
	}, {
		name:  "snippet file",
		files: map[string]string{"content/_index.md": home + "\n{{< include \"_snippets/env.md\" >}}\n"},
		links: map[string]string{"content/_snippets/env.md": "OUTSIDE/secret.md"},
		want:  `content/_index.md:6: include "_snippets/env.md": points outside the site`,
	}, {
		name:  "snippet file linked to the environment",
		files: map[string]string{"content/_index.md": home + "{{< include \"_snippets/env.md\" >}}\n"},
		links: map[string]string{"content/_snippets/env.md": "/proc/self/environ"},
		want:  `content/_index.md:5: include "_snippets/env.md": points outside the site`,
	}, {
		name:  "snippet folder",
		files: map[string]string{"content/_index.md": home + "{{< include \"_snippets/secret.md\" >}}\n"},
		links: map[string]string{"content/_snippets": "OUTSIDE"},
		want:  `content/_index.md:5: include "_snippets/secret.md": points outside the site`,
	}, {
		name:  "partial",
		files: map[string]string{"content/_index.md": home},
		links: map[string]string{"layouts/partials/footer.html": "OUTSIDE/secret.html"},
		want:  "layouts/partials/footer.html: points outside the site",
	}, {
		name:  "partials folder",
		files: map[string]string{"content/_index.md": home},
		links: map[string]string{"layouts/partials": "OUTSIDE"},
		want:  "layouts/partials: points outside the site",
	}, {
		name:  "layouts folder",
		files: map[string]string{"content/_index.md": home},
		links: map[string]string{"layouts": "OUTSIDE"},
		want:  "layouts: points outside the site",
	}, {
		name:  "static folder",
		files: map[string]string{"content/_index.md": home},
		links: map[string]string{"static": "OUTSIDE"},
		want:  "static: points outside the site",
	}, {
		name:  "static file",
		files: map[string]string{"content/_index.md": home},
		links: map[string]string{"static/robots-extra.txt": "OUTSIDE/secret.txt"},
		want:  "static/robots-extra.txt: points outside the site",
	}, {
		name:  "content folder",
		links: map[string]string{"content": "OUTSIDE/dir"},
		want:  "content: points outside the site",
	}, {
		name:  "theme folder",
		files: map[string]string{"content/_index.md": home, "folio.toml": "theme = \"x\"\n"},
		links: map[string]string{"themes/x": "OUTSIDE"},
		want:  "themes/x: points outside the site",
	}, {
		name:  "config",
		files: map[string]string{"content/_index.md": home},
		links: map[string]string{"folio.toml": "OUTSIDE/folio.toml"},
		want:  "folio.toml: points outside the site",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			site := linkSite(t, tc.files, tc.links)
			out, err := buildRoot(t, site)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Build() = %v, want %q", err, tc.want)
			}
			for name, data := range out.Files {
				if bytes.Contains(data, []byte(secret)) || bytes.Contains(data, []byte("PATH=")) {
					t.Errorf("%s holds what the link points to:\n%s", name, data)
				}
			}
		})
	}
}

// TestConfigOutsideTheSite checks LoadConfig, which the folio command
// calls before it builds, the same way.
func TestConfigOutsideTheSite(t *testing.T) {
	site := linkSite(t, nil, map[string]string{"folio.toml": "OUTSIDE/folio.toml"})
	cfg, err := config.LoadConfig(site)
	if err == nil || err.Error() != "folio.toml: points outside the site" {
		t.Errorf("LoadConfig() = %v, %v; want folio.toml: points outside the site", cfg, err)
	}
}

// TestSymlinksInsideTheSite checks that links which stay inside the site
// are followed, wherever they stand.
func TestSymlinksInsideTheSite(t *testing.T) {
	site := linkSite(t, map[string]string{
		"shared/home.md":         "---\ntitle: Home\n---\nHome.\n\n{{< include \"_snippets/note.md\" >}}\n",
		"shared/note.md":         "A shared note.\n",
		"shared/page.md":         "---\ntitle: Linked\n---\nA linked page.\n",
		"shared/files/a.txt":     "a static file\n",
		"shared/partial.html":    "<footer>linked partial</footer>\n",
		"layouts/partials/.keep": "",
		"shared/folio.toml":      "title = \"Linked config\"\n",
	}, map[string]string{
		"content/_index.md":            "../shared/home.md",
		"content/_snippets/note.md":    "../../shared/note.md",
		"content/docs/page.md":         "../../shared/page.md",
		"static":                       "shared/files",
		"layouts/partials/footer.html": "../../shared/partial.html",
		"folio.toml":                   "shared/folio.toml",
	})
	out, err := buildRoot(t, site)
	if err != nil {
		t.Fatalf("Build() = %v", err)
	}
	for name, want := range map[string]string{
		"index.html":           "A shared note.",
		"docs/page/index.html": "A linked page.",
		"a.txt":                "a static file",
	} {
		if !bytes.Contains(out.Files[name], []byte(want)) {
			t.Errorf("%s lacks %q:\n%s", name, want, out.Files[name])
		}
	}
	cfg, err := config.LoadConfig(site)
	if err != nil || cfg.Title != "Linked config" {
		t.Errorf("LoadConfig() = %v, %v; want the linked config", cfg, err)
	}
}
