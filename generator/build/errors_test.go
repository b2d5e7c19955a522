package build

import (
	"strings"
	"testing"
)

// TestBadInput checks that every kind of bad input fails the build with a
// message naming the file and the line of the editor's file.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name string
		site string
		want string // the whole error text
	}{
		{"broken YAML", `
-- content/a.md --
---
title: ok
tags: [one, two
---
Body.
`, "content/a.md:3: front matter: did not find expected ',' or ']'"},
		{"broken TOML", `
-- content/a.md --
+++
title = "ok"
weight = = 3
+++
Body.
`, "content/a.md:3: front matter: unexpected character U+003D '=' at start of value"},
		{"broken JSON", `
-- content/a.md --
{
  "title": "ok",
  "weight": 3,,
}

Body.
`, "content/a.md:3: front matter: invalid character ',' looking for beginning of object key string"},
		{"unterminated front matter", `
-- content/a.md --
---
title: ok

Body that never closed the block.
`, "content/a.md:1: front matter: no closing --- line"},
		{"wrong type for date", `
-- content/a.md --
---
title: ok
date: yesterday
---
Body.
`, `content/a.md:3: front matter: date: cannot read "yesterday" as a date: want 2017-10-19, 2017-10-19 01:00, 2017-10-19 21:29:29 -0700 or RFC 3339`},
		{"wrong type for draft", `
-- content/a.md --
---
draft: "no"
---
`, `content/a.md:2: front matter: draft: want true or false, got "no"`},
		{"template parse error", `
-- layouts/page.html --
{{ define "main" }}
{{ if .Title }}
{{ end }
-- content/a.md --
Body.
`, `layouts/page.html:3: unexpected "}" in end`},
		{"template execution error", `
-- layouts/page.html --
{{ define "main" }}
{{ .Nope }}{{ end }}
-- content/a.md --
Body.
`, `content/a.md: layout page: layouts/page.html:2: executing "main" at <.Nope>: can't evaluate field Nope in type *generator.Page`},
		{"two files for one URL", `
-- content/a.md --
A.
-- content/b.md --
---
url: /a/
---
B.
`, "content/b.md:2: URL /a/ is also the URL of content/a.md"},
		{"link to a missing site path", `
-- content/a.md --
---
title: A
---
Text.

See [there](/nowhere/).
`, "content/a.md:6: broken link /nowhere/: no page or file at /nowhere/"},
		{"link to a missing source file", `
-- content/docs/a.md --
First line.
Second [x](../guide/setup.md#options) line.
`, "content/docs/a.md:2: broken link ../guide/setup.md#options: no such file in content/"},
		{"fragment naming no heading", `
-- content/a.md --
## Real

[x](b.md#nope) and [y](#real) and [z](#gone)
-- content/b.md --
## Only
`, "content/a.md:3: broken link #gone: content/a.md has no heading #gone\ncontent/a.md:3: broken link b.md#nope: content/b.md has no heading #nope"},
		{"link to a draft", `
-- content/a.md --
[x](b.md)
-- content/b.md --
---
draft: true
---
`, "content/a.md:1: broken link b.md: the page is a draft"},
		{"bad alias", `
-- content/a.md --
---
aliases: [old/]
---
`, "content/a.md:2: front matter: aliases: old/: want a path that starts with /"},
		{"alias over a page", `
-- content/a.md --
---
aliases: [/b/]
---
-- content/b.md --
B.
`, "content/a.md:2: alias /b/ is the URL of content/b.md"},
		{"unknown config key", `
-- folio.toml --
title = "x"

[build]
feedLimt = 3
-- content/a.md --
A.
`, `folio.toml:4: unknown key "build.feedLimt"`},
		{"bad config value", `
-- folio.toml --
title = "x"
baseURL = "example.org"
-- content/a.md --
A.
`, `folio.toml:2: baseURL "example.org": want an absolute http(s) URL such as https://example.org/docs/`},
		{"all errors at once", `
-- content/a.md --
---
date: never
---
-- content/b.md --
---
weight: heavy
---
-- content/c.md --
[x](/missing/)
`, "content/a.md:2: front matter: date: cannot read \"never\" as a date: want 2017-10-19, 2017-10-19 01:00, 2017-10-19 21:29:29 -0700 or RFC 3339\ncontent/b.md:2: front matter: weight: want a whole number, got \"heavy\""},
		{"invalid UTF-8", "\n-- content/a.md --\n\xff\xfe\n", "content/a.md: not valid UTF-8 text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := buildSite(t, tt.site, Options{})
			if err == nil {
				t.Fatalf("Build() succeeded, want error %q", tt.want)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("Build() error =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestBrokenLinksWarn(t *testing.T) {
	site := `
-- folio.toml --
title = "x"
baseURL = "https://example.org/"
[build]
brokenLinks = "warn"
-- content/a.md --
[x](/missing/) and [x](/missing/) and [y](#nope)
`
	_, res, err := buildSite(t, site, Options{})
	if err != nil {
		t.Fatalf("Build() = %v, want success with warnings", err)
	}
	want := []string{
		"content/a.md:1: broken link #nope: content/a.md has no heading #nope",
		"content/a.md:1: broken link /missing/: no page or file at /missing/",
	}
	if strings.Join(res.Warnings, "\n") != strings.Join(want, "\n") {
		t.Errorf("Warnings =\n%s\nwant\n%s", strings.Join(res.Warnings, "\n"), strings.Join(want, "\n"))
	}
}

func TestLinksToKeptAndGenerated(t *testing.T) {
	site := `
-- content/a.md --
[stats](/stats/) [feed](/index.xml) [cname](/CNAME) [file](/files/x.pdf) [b](/b) [b2](/b/index.html)
-- content/b.md --
B
-- static/files/x.pdf --
%PDF
`
	if _, _, err := buildSite(t, site, Options{}); err != nil {
		t.Fatalf("Build() = %v, want links to kept, generated and static paths accepted", err)
	}
}

func TestStaticFileOverAPage(t *testing.T) {
	site := `
-- content/a.md --
A.
-- static/a/index.html --
<p>static</p>
`
	_, _, err := buildSite(t, site, Options{})
	want := "static/a/index.html: has the same output file a/index.html as a page"
	if err == nil || err.Error() != want {
		t.Errorf("Build() error = %v, want %q", err, want)
	}
}
