package build

import (
	"strings"
	"testing"

	"folio/generator"
)

// TestSiteData checks that Options.Data reaches layouts and shortcodes as
// .Site.Data, which is how the folio command hands a privacy policy the
// collector's declaration without the generator knowing about analytics.
func TestSiteData(t *testing.T) {
	type fact struct{ Days int }
	siteFS := `-- content/_index.md --
Home.
-- content/policy.md --
---
layout: policy
---
Kept for {{< kept >}}.
-- layouts/policy.html --
{{ define "main" }}<p class="decl">{{ .Site.Data.counter.Days }}</p>{{ .Content }}{{ end }}
-- layouts/shortcodes/kept.html --
{{ (.Page.Site.Data.Need "counter").Days }} days
`
	out, _, err := buildSite(t, siteFS, Options{Data: map[string]any{"counter": fact{Days: 760}}})
	if err != nil {
		t.Fatalf("Build() = %v", err)
	}
	page := string(out.Files["policy/index.html"])
	for _, want := range []string{`<p class="decl">760</p>`, "Kept for 760 days."} {
		if !strings.Contains(page, want) {
			t.Errorf("policy/index.html lacks %q:\n%s", want, page)
		}
	}

	// Without data, a template that needs it fails the build at the line
	// of the page that asked, instead of printing an empty claim.
	_, _, err = buildSite(t, siteFS, Options{})
	list, ok := generator.AsErrorList(err)
	if !ok || len(list) == 0 || list[0].File != "content/policy.md" || list[0].Line != 4 {
		t.Errorf("Build() without data = %v, want an error at content/policy.md:4", err)
	}
	if err != nil && !strings.Contains(err.Error(), "no .Site.Data.counter") {
		t.Errorf("Build() without data = %v, want it to name .Site.Data.counter", err)
	}
}
