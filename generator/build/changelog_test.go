package build

import (
	"context"
	"encoding/xml"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"folio/generator/config"
	"folio/generator/output"
)

// changelogTheme is the test theme with layouts that print what change
// logs give templates.
func changelogTheme(t testing.TB) fstest.MapFS {
	t.Helper()
	th := testTheme(t)
	for name, f := range readTxtar(t, "changelog-theme.txtar") {
		th[name] = f
	}
	return th
}

// atomDoc is the part of an Atom feed the tests read back.
type atomDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		Title     string `xml:"title"`
		ID        string `xml:"id"`
		Published string `xml:"published"`
		Updated   string `xml:"updated"`
		Summary   string `xml:"summary"`
		Link      struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

func parseFeed(t *testing.T, data []byte) atomDoc {
	t.Helper()
	var f atomDoc
	if err := xml.Unmarshal(data, &f); err != nil {
		t.Fatalf("feed is not valid Atom XML: %v\n%s", err, data)
	}
	return f
}

// entriesOf reads the <ol class="log"> the test layout prints.
func entriesOf(t *testing.T, out *output.MapOutput, file string) []string {
	t.Helper()
	page := string(out.Files[file])
	m := regexp.MustCompile(`(?s)<ol class="log">(.*?)</ol>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("%s has no change log list:\n%s", file, page)
	}
	var got []string
	for _, li := range regexp.MustCompile(`<li id="[^"]*">([^<]*)</li>`).FindAllStringSubmatch(m[1], -1) {
		got = append(got, li[1])
	}
	return got
}

func sameList(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s =\n  %s\nwant\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// TestChangelogSources merges entries from front matter in each format and
// from the body, without git.
func TestChangelogSources(t *testing.T) {
	site := `
-- folio.toml --
title = "Logs"
baseURL = "https://example.org/"
timezone = "Europe/Berlin"
-- content/privacy.md --
---
title: Privacy
date: 2017-10-01
changelog:
  - date: 2018-05-25
    note: GDPR rights added
  - date: 2019-01-02 10:00
    note: "Contact address"
  - date: 2017-10-19
    note: Initial version
---
Intro.

## Privacy Policy Changes

We may change this page.

- This list is not a change log: its heading has more words.

### Change log

Newest first:

1. **March 3, 2020**: Cookies [removed](https://example.com/cookies)
2. October 19, 2017: Initial version

Ordinary content after the list.

- not an entry
-- content/terms.md --
+++
title = "Terms"
date = 2016-01-01
lastmod = 2016-06-01

[[changelog]]
date = 2020-03-03
note = "Same day as privacy"

[[changelog]]
date = 2021-07-01T09:00:00+02:00
note = "Arbitration removed"
+++
Terms.
-- content/data.md --
{
  "title": "Data",
  "changelog": [{"date": "2020-04-01", "note": "Retention shortened"}]
}

Data.
-- content/docs/setup.md --
---
title: Setup
---
Changes
=======

- 2022-02-02: Setext heading works too

## Changes to the config

- not read: the heading has more words
-- content/docs/plain.md --
---
title: Plain
date: 2015-01-01
---
Nothing changed here. See the [change log](/changelog/#2020-03) and [its feed](/changelog/index.xml).
`
	out, res, err := buildSite(t, site, Options{NoMinify: true, Theme: changelogTheme(t)})
	if err != nil {
		t.Fatalf("Build() error:\n%v", err)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("Warnings = %q, want none", res.Warnings)
	}
	sameList(t, "privacy entries", entriesOf(t, out, "privacy/index.html"), []string{
		"2020-03-03|body|Cookies removed|/privacy/",
		"2019-01-02|front matter|Contact address|/privacy/",
		"2018-05-25|front matter|GDPR rights added|/privacy/",
		// The body repeats this one; the front matter's is kept.
		"2017-10-19|front matter|Initial version|/privacy/",
	})
	sameList(t, "terms entries", entriesOf(t, out, "terms/index.html"), []string{
		"2021-07-01|front matter|Arbitration removed|/terms/",
		"2020-03-03|front matter|Same day as privacy|/terms/",
	})
	sameList(t, "setup entries", entriesOf(t, out, "docs/setup/index.html"), []string{
		"2022-02-02|body|Setext heading works too|/docs/setup/",
	})
	sameList(t, "plain entries", entriesOf(t, out, "docs/plain/index.html"), nil)

	// lastmod: the newest entry, unless the editor set it.
	updated := func(file string) string {
		m := regexp.MustCompile(`<p class="updated">([^<]*)</p>`).FindStringSubmatch(string(out.Files[file]))
		if m == nil {
			t.Fatalf("%s has no updated line", file)
		}
		return m[1]
	}
	privacy := updated("privacy/index.html")
	if !strings.HasPrefix(privacy, "2020-03-03|/changelog/#change-2020-03-03-") {
		t.Errorf("privacy: lastmod|history = %s, want the newest entry and its anchor on /changelog/", privacy)
	}
	if got := updated("terms/index.html"); !strings.HasPrefix(got, "2016-06-01|/changelog/#change-2021-07-01-") {
		t.Errorf("terms: lastmod|history = %s, want the lastmod the editor set", got)
	}
	if got := updated("docs/plain/index.html"); got != "2015-01-01|" {
		t.Errorf("plain: lastmod|history = %s, want its date and no history", got)
	}
	if !strings.Contains(string(out.Files["sitemap.xml"]), "<loc>https://example.org/privacy/</loc><lastmod>2020-03-03T00:00:00+01:00</lastmod>") {
		t.Errorf("sitemap does not carry the moved lastmod:\n%s", out.Files["sitemap.xml"])
	}

	// The body's section still renders where it was written.
	if !strings.Contains(string(out.Files["privacy/index.html"]), "<li><strong>March 3, 2020</strong>: Cookies") {
		t.Errorf("the body's change log no longer renders")
	}

	log := string(out.Files["changelog/index.html"])
	for _, want := range []string{
		`<link rel="canonical" href="https://example.org/changelog/">`,
		`<h2 id="2022-02">February 2022</h2><ol><li id="change-2022-02-02-`,
		`<h2 id="2020-03">March 2020</h2>`,
		`<a href="/privacy/">Privacy</a>: Cookies removed</li>`,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("/changelog/ lacks %q:\n%s", want, log)
		}
	}
	var months []string
	for _, m := range regexp.MustCompile(`<h2 id="([^"]*)">`).FindAllStringSubmatch(log, -1) {
		months = append(months, m[1])
	}
	sameList(t, "months on /changelog/", months, []string{"2022-02", "2021-07", "2020-04", "2020-03", "2019-01", "2018-05", "2017-10"})
	// Entries of one day keep the order of their pages' paths.
	if i, j := strings.Index(log, "Cookies removed"), strings.Index(log, "Same day as privacy"); i < 0 || j < i {
		t.Errorf("entries of one day are not in page order")
	}
	if !strings.Contains(string(out.Files["sitemap.xml"]), "<loc>https://example.org/changelog/</loc><lastmod>2022-02-02T00:00:00+01:00</lastmod>") {
		t.Errorf("sitemap lacks /changelog/")
	}

	feed := parseFeed(t, out.Files["changelog/index.xml"])
	if feed.ID != "https://example.org/changelog/" || feed.Updated != "2022-02-01T23:00:00Z" || len(feed.Entries) != 8 {
		t.Fatalf("feed id %s, updated %s, %d entries; want /changelog/, the newest entry, 8", feed.ID, feed.Updated, len(feed.Entries))
	}
	self := ""
	for _, l := range feed.Links {
		if l.Rel == "self" {
			self = l.Href
		}
	}
	if self != "https://example.org/changelog/index.xml" {
		t.Errorf("feed self link = %q", self)
	}
	first := feed.Entries[0]
	if first.Title != "Setup: Setext heading works too" || first.Link.Href != "https://example.org/docs/setup/" ||
		!strings.HasPrefix(first.ID, "https://example.org/docs/setup/#change-2022-02-02-") || first.Published != "2022-02-01T23:00:00Z" {
		t.Errorf("first feed entry = %+v", first)
	}
	ids := map[string]bool{}
	for _, e := range feed.Entries {
		if ids[e.ID] {
			t.Errorf("feed id %s appears twice", e.ID)
		}
		ids[e.ID] = true
	}

	// Ids do not move when an entry is added.
	again, _, err := buildSite(t, strings.Replace(site, "changelog:\n", "changelog:\n  - date: 2023-01-01\n    note: Newer\n", 1), Options{NoMinify: true, Theme: changelogTheme(t)})
	if err != nil {
		t.Fatal(err)
	}
	for id := range ids {
		if !strings.Contains(string(again.Files["changelog/index.xml"]), "<id>"+id+"</id>") {
			t.Errorf("id %s changed when an entry was added", id)
		}
	}
}

// TestSeedChangelog reads the change log of the seed's Jekyll-style policy.
func TestSeedChangelog(t *testing.T) {
	jekyll, err := os.ReadFile("testdata/policy-jekyll.md")
	if err != nil {
		t.Fatal(err)
	}
	site := "-- content/privacy.md --\n" + string(jekyll) + "-- content/stats/index.md --\nStats.\n"
	// Minified, as sites are built: the feed must still parse.
	out, _, err := buildSite(t, site, Options{Theme: changelogTheme(t)})
	if err != nil {
		t.Fatal(err)
	}
	sameList(t, "seed entries", entriesOf(t, out, "privacy/index.html"), []string{"2017-10-19|body|Initial version|/privacy/"})
	feed := parseFeed(t, out.Files["changelog/index.xml"])
	if len(feed.Entries) != 1 || feed.Entries[0].Summary != "Initial version" || feed.Entries[0].Published != "2017-10-19T00:00:00Z" {
		t.Errorf("feed entries = %+v, want the one of October 19, 2017", feed.Entries)
	}
}

func TestChangelogErrors(t *testing.T) {
	tests := []struct {
		name, site, want string
	}{
		{"bad date in YAML", `
-- content/a.md --
---
title: A
changelog:
  - date: 2017-10-19
    note: fine
  - note: date second
    date: 2017-02-30
---
`, `content/a.md:7: front matter: changelog: cannot read "2017-02-30" as a date: want 2017-10-19, 2017-10-19 01:00, 2017-10-19 21:29:29 -0700 or RFC 3339`},
		{"bad date in TOML", `
-- content/a.md --
+++
title = "A"

[[changelog]]
note = "x"
date = "yesterday"
+++
`, `content/a.md:6: front matter: changelog: cannot read "yesterday" as a date: want 2017-10-19, 2017-10-19 01:00, 2017-10-19 21:29:29 -0700 or RFC 3339`},
		{"bad date in JSON", `
-- content/a.md --
{
  "title": "A",
  "changelog": [
    {"date": "2017-10-19", "note": "ok"}, {"date": "19.10.2017", "note": "x"}
  ]
}

`, `content/a.md:4: front matter: changelog: cannot read "19.10.2017" as a date: want 2017-10-19, 2017-10-19 01:00, 2017-10-19 21:29:29 -0700 or RFC 3339`},
		{"no note", `
-- content/a.md --
---
changelog:
  - date: 2017-10-19
    text: Initial
---
`, `content/a.md:3: front matter: changelog: entry 1 has no note saying what changed (it has date, text)`},
		{"no date", `
-- content/a.md --
---
changelog:
  - note: Initial
---
`, `content/a.md:2: front matter: changelog: entry 1 has no date`},
		{"not a list", `
-- content/a.md --
---
changelog: Initial version
---
`, `content/a.md:2: front matter: changelog: want git or a list of entries with date and note, got "Initial version"`},
		{"bad date in the body", "\n-- content/a.md --\n---\ntitle: A\n---\nText.\n\n```\n## Change log\n- not: read\n```\n\n## Change log\n\n- October 19, 2017: Initial\n- Octobr 20, 2017: Typo\n",
			`content/a.md:14: change log: cannot read "Octobr 20, 2017" as a date: want a date such as October 19, 2017 or 2017-10-19`},
		{"undated item", `
-- content/a.md --
Intro.

#### CHANGES

- The config file moved
`, `content/a.md:5: change log: want an item such as "October 19, 2017: what changed" or "2017-10-19: what changed", got "The config file moved"`},
		{"unknown history", `
-- content/a.md --
---
title: A
history: version
---
`, `content/a.md:3: front matter: history: want versions, got "version"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := buildSite(t, tt.site, Options{Theme: changelogTheme(t)})
			if err == nil {
				t.Fatalf("Build() succeeded, want %s", tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("Build() error =\n%v\nwant\n%s", err, tt.want)
			}
		})
	}
}

// gitSite is a site folder inside a git repository made by the test.
type gitSite struct {
	t   *testing.T
	dir string
}

func newGitSite(t *testing.T) *gitSite {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git program")
	}
	s := &gitSite{t: t, dir: t.TempDir()}
	s.git("init", "-q", "-b", "main")
	return s
}

// git runs git in the site with a fixed identity and without the
// machine's configuration, so commits are the same everywhere.
func (s *gitSite) git(args ...string) string {
	s.t.Helper()
	return gitIn(s.t, s.dir, "", args...)
}

func gitIn(t testing.TB, dir, date string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=Editor", "-c", "user.email=editor@example.org", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CONFIG_NOSYSTEM=1")
	if date != "" {
		cmd.Env = append(cmd.Env, "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (s *gitSite) write(files string) {
	s.t.Helper()
	for name, f := range txtarFS(s.t, []byte(files)) {
		full := filepath.Join(s.dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			s.t.Fatal(err)
		}
		if err := os.WriteFile(full, f.Data, 0o644); err != nil {
			s.t.Fatal(err)
		}
	}
}

// commit commits everything with a fixed author and committer date.
func (s *gitSite) commit(date, msg string) {
	s.t.Helper()
	gitIn(s.t, s.dir, "", "add", ".")
	gitIn(s.t, s.dir, date, "commit", "-q", "--allow-empty", "-m", msg)
}

// build builds the site with a theme, or the default theme when nil.
func (s *gitSite) build(theme fs.FS) (*output.MapOutput, *Result, error) {
	s.t.Helper()
	out := &output.MapOutput{}
	res, err := Build(context.Background(), Options{Root: s.dir, Theme: theme, NoMinify: true}, out)
	return out, res, err
}

const gitConfig = `
-- folio.toml --
title = "Policies"
baseURL = "https://example.org/"
timezone = "Europe/Berlin"
[history]
git = true
changelog = ["/"]
`

func TestGitHistory(t *testing.T) {
	s := newGitSite(t)
	s.write(gitConfig + `
-- content/docs/install.md --
---
title: Install
---
Install it.
-- content/legal/old-privacy.md --
---
title: Privacy
history: versions
---
We collect page views.

We never sell data.
-- README.md --
Outside content/: not part of any page's history.
`)
	s.commit("2021-03-01T10:00:00+01:00", "Add privacy policy and install guide")
	s.write(`
-- content/legal/old-privacy.md --
---
title: Privacy
history: versions
---
We collect page views and referrers.

We never sell data.
`)
	s.commit("2021-06-15T09:00:00+02:00", "Count referrers")
	s.git("mv", "content/legal/old-privacy.md", "content/privacy.md")
	s.commit("2021-06-15T18:30:00+02:00", "Move the privacy policy to the top [skip changelog]")
	s.write(`
-- content/privacy.md --
---
title: Privacy policy
history: versions
changelog:
  - date: 2020-01-01
    note: Draft shared with the team
---
We collect page views and referrers.

We never sell or share data.
`)
	s.commit("2021-06-15T20:00:00+02:00", "Promise not to share data")
	s.write(`
-- content/docs/install.md --
---
title: Install
---
Install it with go install. Read the [first privacy policy](/privacy/history/2021-03-01/)
and [what changed](/privacy/history/2021-06-15/changes/) since.
`)
	s.commit("2022-01-10T12:00:00+01:00", "Typo [skip changelog]")
	s.write(`
-- README.md --
Changed.
`)
	s.commit("2022-02-01T12:00:00+01:00", "Readme only")

	out, res, err := s.build(changelogTheme(t))
	if err != nil {
		t.Fatalf("Build() error:\n%v", err)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("Warnings = %q, want none", res.Warnings)
	}
	// Following the rename, the commit that moved the file is an entry
	// no more ([skip changelog]) but its versions stay.
	sameList(t, "privacy entries", entriesOf(t, out, "privacy/index.html"), []string{
		"2021-06-15|git|Promise not to share data|/privacy/history/2021-06-15-2/changes/",
		"2021-06-15|git|Count referrers|/privacy/history/2021-06-15/changes/",
		"2021-03-01|git|Add privacy policy and install guide|/privacy/history/2021-03-01/",
		"2020-01-01|front matter|Draft shared with the team|/privacy/",
	})
	sameList(t, "install entries", entriesOf(t, out, "docs/install/index.html"), []string{
		"2021-03-01|git|Add privacy policy and install guide|/docs/install/",
	})
	page := string(out.Files["privacy/index.html"])
	if !strings.Contains(page, `<p class="updated">2021-06-15|/privacy/history/</p>`) {
		t.Errorf("privacy: want lastmod from git and the history link:\n%s", page)
	}
	if !strings.Contains(page, `<ol class="versions"><li>/privacy/history/2021-06-15-2/|/privacy/history/2021-06-15-2/changes/|Privacy policy|+3-0</li><li>/privacy/history/2021-06-15/|/privacy/history/2021-06-15/changes/|Privacy|+2-0</li><li>/privacy/history/2021-03-01/||Privacy|+0-0</li></ol>`) {
		t.Errorf("privacy: versions are not the three texts, newest first:\n%s", page)
	}
	if strings.Contains(string(out.Files["docs/install/index.html"]), "<li>/") {
		t.Errorf("install has versions without history: versions")
	}

	index := string(out.Files["privacy/history/index.html"])
	for _, want := range []string{
		`<link rel="canonical" href="https://example.org/privacy/history/">`,
		`<h1>History of Privacy policy</h1><ol><li><a href="/privacy/history/2021-06-15-2/">2021-06-15</a> Promise not to share data</li>`,
	} {
		if !strings.Contains(index, want) {
			t.Errorf("history index lacks %q:\n%s", want, index)
		}
	}
	first := string(out.Files["privacy/history/2021-03-01/index.html"])
	for _, want := range []string{
		`<meta name="robots" content="noindex">`,
		`<link rel="canonical" href="https://example.org/privacy/">`,
		`Old version of 2021-03-01 10:00 (Add privacy policy and install guide); current: <a href="/privacy/">Privacy policy</a></p>`,
		"<h1>Privacy</h1><p>We collect page views.</p>",
	} {
		if !strings.Contains(first, want) {
			t.Errorf("first version lacks %q:\n%s", want, first)
		}
	}
	if strings.Contains(first, "what changed") {
		t.Errorf("the first version links to a comparison it cannot have")
	}
	if _, ok := out.Files["privacy/history/2021-03-01/changes/index.html"]; ok {
		t.Errorf("the first version has a what-changed page")
	}
	diff := string(out.Files["privacy/history/2021-06-15-2/changes/index.html"])
	for _, want := range []string{
		`<meta name="robots" content="noindex">`,
		`<link rel="canonical" href="https://example.org/privacy/">`,
		`<p class="counts">+3 -0 from <a href="/privacy/history/2021-06-15/">2021-06-15</a></p>`,
		"<h2>Privacy<ins> policy</ins></h2>",
		"<p>We never sell <ins>or share </ins>data.</p>",
	} {
		if !strings.Contains(diff, want) {
			t.Errorf("what-changed page lacks %q:\n%s", want, diff)
		}
	}
	if n := strings.Count(diff, `name="robots"`); n != 1 {
		t.Errorf("what-changed page has %d robots tags, want 1", n)
	}
	if !strings.Contains(string(out.Files["privacy/history/2021-06-15/changes/index.html"]), "<p>We collect page views<ins> and referrers</ins>.</p>") {
		t.Errorf("second version's changes:\n%s", out.Files["privacy/history/2021-06-15/changes/index.html"])
	}
	for name := range out.Files {
		if strings.Contains(name, "old-privacy") {
			t.Errorf("%s written for the file's old name", name)
		}
	}
	if strings.Contains(string(out.Files["sitemap.xml"]), "/history/") {
		t.Errorf("old versions are in the sitemap")
	}

	feed := parseFeed(t, out.Files["changelog/index.xml"])
	var titles, links []string
	for _, e := range feed.Entries {
		titles = append(titles, e.Title)
		links = append(links, e.Link.Href)
	}
	sameList(t, "feed titles", titles, []string{
		"Privacy policy: Promise not to share data", "Privacy policy: Count referrers",
		"Install: Add privacy policy and install guide", "Privacy policy: Add privacy policy and install guide",
		"Privacy policy: Draft shared with the team",
	})
	sameList(t, "feed links", links, []string{
		"https://example.org/privacy/history/2021-06-15-2/changes/", "https://example.org/privacy/history/2021-06-15/changes/",
		"https://example.org/docs/install/", "https://example.org/privacy/history/2021-03-01/",
		"https://example.org/privacy/",
	})
	if feed.Entries[0].Published != "2021-06-15T18:00:00Z" {
		t.Errorf("newest entry published %s, want the author date", feed.Entries[0].Published)
	}

	// Without [history] git the same site has only the front matter's entry.
	cfg, err := config.LoadConfig(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg.History.Git = false
	// The links to old versions break without them.
	cfg.Build.BrokenLinks = "warn"
	off := &output.MapOutput{}
	res, err = Build(context.Background(), Options{Root: s.dir, Theme: changelogTheme(t), NoMinify: true, Config: cfg}, off)
	if err != nil {
		t.Fatal(err)
	}
	sameList(t, "privacy entries without git", entriesOf(t, off, "privacy/index.html"), []string{"2020-01-01|front matter|Draft shared with the team|/privacy/"})
	sameList(t, "warnings without git", res.Warnings, []string{
		"content/docs/install.md:4: broken link /privacy/history/2021-03-01/: no page or file at /privacy/history/2021-03-01/",
		"content/docs/install.md:5: broken link /privacy/history/2021-06-15/changes/: no page or file at /privacy/history/2021-06-15/changes/",
		"content/privacy.md:3: history: versions needs [history] git = true in folio.toml; the page has no versions",
	})
}

// TestGitHistoryMissing checks that a site asking for git history without
// git, a repository or the whole history says so once and still builds.
func TestGitHistoryMissing(t *testing.T) {
	files := gitConfig + `
-- content/a.md --
---
title: A
history: versions
changelog:
  - {date: 2020-01-01, note: Written}
---
A.
-- content/b.md --
B.
`
	check := func(t *testing.T, dir, wantWarning string) {
		t.Helper()
		out := &output.MapOutput{}
		res, err := Build(context.Background(), Options{Root: dir, Theme: changelogTheme(t), NoMinify: true}, out)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Warnings) != 1 || res.Warnings[0] != wantWarning {
			t.Errorf("Warnings = %q, want [%q]", res.Warnings, wantWarning)
		}
		sameList(t, "entries", entriesOf(t, out, "a/index.html"), []string{"2020-01-01|front matter|Written|/a/"})
		for name := range out.Files {
			if strings.Contains(name, "history") {
				t.Errorf("%s written without git history", name)
			}
		}
	}
	t.Run("no repository", func(t *testing.T) {
		s := &gitSite{t: t, dir: t.TempDir()}
		s.write(files)
		// GIT_CEILING_DIRECTORIES keeps git from finding a repository
		// around the temporary folder.
		t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(s.dir))
		check(t, s.dir, "history: git = true in folio.toml, but the site is not in a git repository (fatal: not a git repository (or any of the parent directories): .git); pages have no git history")
	})
	t.Run("no git", func(t *testing.T) {
		s := &gitSite{t: t, dir: t.TempDir()}
		s.write(files)
		t.Setenv("PATH", t.TempDir())
		check(t, s.dir, "history: git = true in folio.toml, but there is no git program on this machine; pages have no git history")
	})
	t.Run("shallow clone", func(t *testing.T) {
		origin := newGitSite(t)
		origin.write(files)
		origin.commit("2021-01-01T00:00:00Z", "One")
		origin.write("-- content/b.md --\nB changed.\n")
		origin.commit("2021-02-01T00:00:00Z", "Two")
		clone := filepath.Join(t.TempDir(), "clone")
		gitIn(t, t.TempDir(), "", "clone", "-q", "--depth=1", "file://"+origin.dir, clone)
		check(t, clone, "history: the site is a shallow git clone, whose history is cut short (fetch all of it with git fetch --unshallow, or fetch-depth: 0 in CI); pages have no git history")
	})
	t.Run("not a folder", func(t *testing.T) {
		_, res, err := buildSite(t, files, Options{Theme: changelogTheme(t)})
		if err != nil {
			t.Fatal(err)
		}
		want := "history: git = true in folio.toml, but the site is not read from a folder; pages have no git history"
		if len(res.Warnings) != 1 || res.Warnings[0] != want {
			t.Errorf("Warnings = %q, want [%q]", res.Warnings, want)
		}
	})
}

// TestGitHistorySubfolder builds a site that is a folder of a larger
// repository, as docs/ of a code project often is, and re-uses a name
// that an earlier, deleted file had.
func TestGitHistorySubfolder(t *testing.T) {
	repo := newGitSite(t)
	site := filepath.Join(repo.dir, "website")
	s := &gitSite{t: t, dir: site}
	s.write(gitConfig + "-- content/a.md --\nFirst a.\n-- content/b.md --\nB.\n")
	repo.write("-- main.go --\npackage main\n-- content/a.md --\nthe code's content folder, not the site's\n")
	repo.commit("2020-01-01T00:00:00Z", "Start")
	gitIn(t, repo.dir, "", "rm", "-q", "website/content/a.md")
	repo.commit("2020-02-01T00:00:00Z", "Drop a")
	s.write("-- content/a.md --\nSecond a.\n")
	repo.commit("2020-03-01T00:00:00Z", "A new a")
	out, res, err := s.build(changelogTheme(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("Warnings = %q", res.Warnings)
	}
	sameList(t, "a entries", entriesOf(t, out, "a/index.html"), []string{"2020-03-01|git|A new a|/a/"})
	sameList(t, "b entries", entriesOf(t, out, "b/index.html"), []string{"2020-01-01|git|Start|/b/"})
}

// TestDefaultThemeHistory builds a git site with the default theme and
// checks that it shows what changed, and that a doc page stays small.
func TestDefaultThemeHistory(t *testing.T) {
	s := newGitSite(t)
	s.write(gitConfig + `
-- content/privacy.md --
---
title: Privacy
description: What we keep.
history: versions
---
We keep nothing.

## Change log

- October 19, 2017: Initial version
`)
	s.commit("2021-01-01T10:00:00Z", "Add privacy")
	s.write(`
-- content/privacy.md --
---
title: Privacy
description: What we keep.
history: versions
---
We keep almost nothing.

## Change log

- October 19, 2017: Initial version
`)
	s.commit("2021-02-01T10:00:00Z", "Say almost")
	out, _, err := s.build(nil)
	if err != nil {
		t.Fatalf("Build() with the default theme: %v", err)
	}
	has := func(file string, wants ...string) {
		t.Helper()
		got := string(out.Files[file])
		for _, w := range wants {
			if !strings.Contains(got, w) {
				t.Errorf("%s lacks %q:\n%s", file, w, got)
			}
		}
	}
	has("privacy/index.html", `<p class="updated">Last updated <time datetime="2021-02-01">February 1, 2021</time> · <a href="/privacy/history/">History</a></p>`)
	has("privacy/history/index.html", `<h1>History of Privacy</h1>`, `<a href="/privacy/history/2021-02-01/changes/">What changed</a>`,
		`<span class="words">+1 −0 words</span>`, `<li id="change-2017-10-19-`)
	has("privacy/history/2021-01-01/index.html", `<meta name="robots" content="noindex">`, `<link rel="canonical" href="https://example.org/privacy/">`,
		`<strong>This is an old version of this page</strong>`, `<a href="/privacy/">Read the current version</a>`, "<p>We keep nothing.</p>")
	has("privacy/history/2021-02-01/changes/index.html", `<meta name="robots" content="noindex">`, "<p>We keep <ins>almost </ins>nothing.</p>",
		`<h1>What changed in Privacy</h1>`)
	has("changelog/index.html", `<h2 id="2021-02">February 2021</h2>`, `<a href="/privacy/">Privacy</a>: Say almost`,
		`href="/changelog/index.xml"`)
	for _, f := range []string{"privacy/history/2021-01-01/index.html", "privacy/history/2021-02-01/changes/index.html"} {
		if n := strings.Count(string(out.Files[f]), `name="robots"`); n != 1 {
			t.Errorf("%s has %d robots tags, want 1", f, n)
		}
	}
	parseFeed(t, out.Files["changelog/index.xml"])
}
