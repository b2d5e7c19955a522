package build

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// snapshot reads every file under dir.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestBuildDirFailureLeavesOutputAlone(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"content/a.md": "# A\n",
		"content/b.md": "# B\n",
	})
	out := filepath.Join(root, "public")
	if _, err := BuildDir(context.Background(), Options{Root: root, Theme: testTheme(t)}, out); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, out, map[string]string{"CNAME": "example.org\n", "stats/index.html": "report"})
	before := snapshot(t, out)

	// A broken page must leave every byte of the old output in place.
	writeFiles(t, root, map[string]string{"content/b.md": "---\ndate: nope\n---\n"})
	_, err := BuildDir(context.Background(), Options{Root: root, Theme: testTheme(t)}, out)
	if err == nil || !strings.Contains(err.Error(), "content/b.md:2:") {
		t.Fatalf("BuildDir() = %v, want the error of content/b.md", err)
	}
	after := snapshot(t, out)
	if len(after) != len(before) {
		t.Fatalf("failed build changed the output: %d files before, %d after", len(before), len(after))
	}
	for name, data := range before {
		if after[name] != data {
			t.Errorf("failed build changed %s", name)
		}
	}
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".public") {
			t.Errorf("temporary folder %s left behind", e.Name())
		}
	}

	// A good build drops stale pages and keeps what the owner put there.
	os.Remove(filepath.Join(root, "content/b.md"))
	if _, err := BuildDir(context.Background(), Options{Root: root, Theme: testTheme(t)}, out); err != nil {
		t.Fatal(err)
	}
	after = snapshot(t, out)
	if _, ok := after["b/index.html"]; ok {
		t.Error("stale page b/index.html survived a successful build")
	}
	if after["CNAME"] != "example.org\n" || after["stats/index.html"] != "report" {
		t.Errorf("kept paths were not kept: CNAME=%q stats=%q", after["CNAME"], after["stats/index.html"])
	}
	if _, ok := after["a/index.html"]; !ok {
		t.Error("a/index.html missing after rebuild")
	}
}

// TestSeedShapes builds the two shapes of policy page real sites have: a
// Jekyll-style page with reference links and a change log, and plain text
// saved as markdown with only a title.
func TestSeedShapes(t *testing.T) {
	jekyll, _ := os.ReadFile("testdata/policy-jekyll.md")
	plain, _ := os.ReadFile("testdata/policy-plain.md")
	site := "-- content/privacy.md --\n" + string(jekyll) + "-- content/plain.md --\n" + string(plain) +
		"-- content/stats/index.md --\nStats.\n"
	out, _, err := buildSite(t, site, Options{NoMinify: true})
	if err != nil {
		t.Fatal(err)
	}
	page := string(out.Files["privacy/index.html"])
	for _, want := range []string{
		"<title>Privacy Policy", `<a href="/stats/">analytics page</a>`,
		`<a href="https://creativecommons.org/licenses/by-sa/4.0/">Creative Commons ShareAlike</a>`,
		`<h3 id="change-log">Change log`, "<li>October 19, 2017: Initial version</li>", "We don’t ask",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("privacy page lacks %q", want)
		}
	}
	if strings.Contains(page, "<nav>") {
		t.Error("sidebar: false page still has the navigation")
	}
	text := string(out.Files["plain/index.html"])
	for _, want := range []string{"<p>Privacy policy</p>", "<p>Principles</p>", "<ol>\n<li>Your data is never sold.</li>", "<p>Types of data collected</p>"} {
		if !strings.Contains(text, want) {
			t.Errorf("plain policy lacks %q:\n%s", want, text)
		}
	}
}
