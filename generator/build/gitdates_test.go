package build

import (
	"context"
	"strings"
	"testing"

	"folio/generator/output"
)

// TestGitDatesWithoutChangelog checks that git = true alone dates every
// page by its newest commit and publishes no change log, that only pages
// that opt in publish their commits, and that a [skip changelog] commit
// shows in no output file at all.
func TestGitDatesWithoutChangelog(t *testing.T) {
	s := newGitSite(t)
	s.write(`
-- folio.toml --
title = "Docs"
baseURL = "https://example.org/"
[history]
git = true
-- content/docs/a.md --
---
title: A
date: 2020-01-01
---
First.
-- content/legal/terms.md --
---
title: Terms
---
Terms.
-- content/policy.md --
---
title: Policy
changelog: git
---
Policy.
`)
	s.commit("2021-03-01T10:00:00Z", "First site")
	s.write("-- content/docs/a.md --\n---\ntitle: A\ndate: 2020-01-01\n---\nSecond.\n-- content/policy.md --\n---\ntitle: Policy\nchangelog: git\n---\nPolicy, changed.\n")
	s.commit("2021-04-02T10:00:00Z", "Say more")
	s.write("-- content/docs/a.md --\n---\ntitle: A\ndate: 2020-01-01\n---\nSecond, fixed.\n-- content/policy.md --\n---\ntitle: Policy\nchangelog: git\n---\nPolicy, changed and fixed.\n")
	s.commit("2021-05-03T10:00:00Z", "Fix a typo\n\n[skip changelog]")

	out, res, err := s.build(changelogTheme(t))
	if err != nil {
		t.Fatalf("Build() = %v", err)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], `changelog = ["/"] publishes every page's, as before`) {
		t.Errorf("Warnings = %q, want the one that says how to keep the old behaviour", res.Warnings)
	}
	sitemap := string(out.Files["sitemap.xml"])
	for _, want := range []string{
		"<loc>https://example.org/docs/a/</loc><lastmod>2021-04-02T10:00:00Z</lastmod>",
		"<loc>https://example.org/legal/terms/</loc><lastmod>2021-03-01T10:00:00Z</lastmod>",
		"<loc>https://example.org/policy/</loc><lastmod>2021-04-02T10:00:00Z</lastmod>",
	} {
		if !strings.Contains(sitemap, want) {
			t.Errorf("sitemap lacks %s:\n%s", want, sitemap)
		}
	}
	sameList(t, "policy entries", entriesOf(t, out, "policy/index.html"), []string{
		"2021-04-02|git|Say more|/policy/",
		"2021-03-01|git|First site|/policy/",
	})
	for name, data := range out.Files {
		for _, never := range []string{"Fix a typo", "skip changelog", "2021-05-03"} {
			if strings.Contains(string(data), never) {
				t.Errorf("%s holds %q of a [skip changelog] commit", name, never)
			}
		}
		if name != "policy/index.html" && name != "changelog/index.html" && name != "changelog/index.xml" && strings.Contains(string(data), "First site") {
			t.Errorf("%s publishes a commit subject of a page that did not opt in", name)
		}
	}

	// A folder listed in [history] changelog publishes; [] silences the
	// warning and publishes only what opts in.
	for _, tc := range []struct {
		list  string
		terms bool
	}{{`["legal"]`, true}, {`[]`, false}, {`["/"]`, true}} {
		s.write("-- folio.toml --\ntitle = \"Docs\"\n[history]\ngit = true\nchangelog = " + tc.list + "\n")
		out := &output.MapOutput{}
		res, err := Build(context.Background(), Options{Root: s.dir, Theme: changelogTheme(t), NoMinify: true}, out)
		if err != nil {
			t.Fatalf("changelog = %s: Build() = %v", tc.list, err)
		}
		if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "no baseURL") {
			t.Errorf("changelog = %s: Warnings = %q, want only the baseURL one", tc.list, res.Warnings)
		}
		if got := strings.Contains(string(out.Files["legal/terms/index.html"]), "First site"); got != tc.terms {
			t.Errorf("changelog = %s: terms publish its commits: %v, want %v", tc.list, got, tc.terms)
		}
		if got := strings.Contains(string(out.Files["docs/a/index.html"]), "First site"); got != (tc.list == `["/"]`) {
			t.Errorf("changelog = %s: docs/a publishes its commits: %v", tc.list, got)
		}
	}
}
