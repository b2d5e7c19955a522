// Package sitegen writes docs-like test sites for benchmarks: areas that
// hold sections of pages with front matter, headings, lists, a table, a
// code block and links to their neighbours, the mix and the shape a real
// documentation site has. A site always has at most Areas top-level
// sections, so a page's navigation (the areas, the sections of its own
// area, the pages of its own section) stays about the same size as the
// site grows, as it does on a real site.
package sitegen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// PagesPerSection is how many pages each generated section holds.
const PagesPerSection = 100

// Areas is the most top-level sections a generated site has; section s
// lives in area s % Areas.
const Areas = 10

// Sections returns how many sections a site of n pages has.
func Sections(n int) int { return (n + PagesPerSection - 1) / PagesPerSection }

// AreaCount returns how many top-level areas a site of n pages has.
func AreaCount(n int) int { return min(Areas, Sections(n)) }

func sectionDir(s int) string {
	return fmt.Sprintf("area-%d/section-%03d", s%Areas, s)
}

// PageFile returns the path of page i under content/, with slashes.
func PageFile(i int) string {
	return fmt.Sprintf("%s/page-%05d.md", sectionDir(i/PagesPerSection), i)
}

// PageURL returns the site path of page i.
func PageURL(i int) string {
	return fmt.Sprintf("/%s/page-%05d/", sectionDir(i/PagesPerSection), i)
}

// Shape is the kind of page a generated site is made of.
type Shape string

// The shapes Generate knows. Docs pages are integration guides; policy
// pages are long prose in the shape of a real privacy policy: sections
// of paragraphs, a code block, a table, reference-style links and a
// "Change log" list at the end of the body, which Folio reads into the
// site's change log. A mixed site has one policy page in every ten.
const (
	ShapeDocs   Shape = "docs"
	ShapePolicy Shape = "policy"
	ShapeMixed  Shape = "mixed"
)

// Shapes lists every shape, for a command's help.
var Shapes = []Shape{ShapeDocs, ShapePolicy, ShapeMixed}

// Generate writes a site of n docs pages under root: folio.toml and
// content/.
func Generate(root string, n int) error { return GenerateShape(root, n, ShapeDocs) }

// GenerateShape writes a site of n pages of the given shape under root.
func GenerateShape(root string, n int, shape Shape) error {
	switch shape {
	case ShapeDocs, ShapePolicy, ShapeMixed:
	default:
		return fmt.Errorf("unknown shape %q", shape)
	}
	content := filepath.Join(root, "content")
	write := func(rel, text string) error {
		p := filepath.Join(content, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, []byte(text), 0o644)
	}
	cfg := "title = \"Bench\"\nbaseURL = \"https://bench.example.org/\"\n"
	if err := os.MkdirAll(root, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(root, "folio.toml"), []byte(cfg), 0o644); err != nil {
		return err
	}
	if err := write("_index.md", "---\ntitle: Bench\n---\nA generated site.\n"); err != nil {
		return err
	}
	for a := range AreaCount(n) {
		idx := fmt.Sprintf("---\ntitle: Area %d\nweight: %d\n---\nEverything about area %d.\n", a, a+1, a)
		if err := write(fmt.Sprintf("area-%d/_index.md", a), idx); err != nil {
			return err
		}
	}
	for i := range n {
		if s := i / PagesPerSection; i%PagesPerSection == 0 {
			idx := fmt.Sprintf("---\ntitle: Section %d\nweight: %d\n---\nPages about topic %d.\n", s, s+1, s)
			if err := write(sectionDir(s)+"/_index.md", idx); err != nil {
				return err
			}
		}
		if err := write(PageFile(i), ShapePage(shape, i, n)); err != nil {
			return err
		}
	}
	return nil
}

// nextInSection is the page that page i links to: the next of its
// section, or the first after the last.
func nextInSection(i, n int) int {
	next := (i + 1) % n
	if next/PagesPerSection != i/PagesPerSection {
		next = i - i%PagesPerSection
	}
	return next
}

// Page returns the markdown of page i of a site of n pages. No two pages
// share their code block, so that a highlighter has real work on each.
func Page(i, n int) string {
	return page(i, fmt.Sprintf("Page %d about configuring integration %d", i, i), i%PagesPerSection+1, nextInSection(i, n))
}

// BigPage returns the markdown of page i of a big section of n pages:
// titled by its name, without a weight, so the section is in title order.
func BigPage(i, n int) string { return page(i, BigName(i), 0, (i+1)%n) }

// page returns the markdown of a generated page; weight 0 leaves it out.
func page(i int, title string, weight, next int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %s\ndescription: How to set up and use integration %d.\ndate: 2024-%02d-%02d\n", title, i, i%12+1, i%28+1)
	if weight > 0 {
		fmt.Fprintf(&b, "weight: %d\n", weight)
	}
	b.WriteString("---\n\n")
	fmt.Fprintf(&b, "Integration %d connects your system to a service. This page explains how to install it, configure it and fix common problems.\n\n", i)
	b.WriteString("## Installation\n\nInstall the integration from the settings page, then restart. You need:\n\n")
	b.WriteString("- an account with the service\n- a token with *read* access\n- about **five minutes**\n\n")
	fmt.Fprintf(&b, "## Configuration\n\nAdd the following to your configuration file:\n\n```yaml\nintegration_%d:\n  name: example-%d\n  token: !secret token_%d\n  scan_interval: %d\n```\n\n", i, i, i, 10+i%50)
	b.WriteString("### Options\n\n| Option | Type | Default | Description |\n|---|---|---|---|\n| `name` | string | none | The name shown in the interface. |\n| `token` | string | none | The access token. |\n| `scan_interval` | integer | 30 | Seconds between updates. |\n\n")
	fmt.Fprintf(&b, "## Troubleshooting\n\nIf the integration does not start, check the log and read [the next page](page-%05d.md#installation). ", next)
	b.WriteString("Most problems come from an expired token or a blocked network port; renewing the token and restarting fixes them in almost every case.\n\n")
	b.WriteString("1. Open the log.\n2. Look for errors mentioning the integration.\n3. Renew the token if it expired.\n\n")
	b.WriteString("> Tip: the integration retries on its own every few minutes, so a short outage needs no action.\n")
	return b.String()
}

// BigSection is the folder of the one section GenerateBigSection writes.
const BigSection = "integrations"

// syllables make the names of a big section's pages, so their titles
// start with many different letters, as the names of integrations do.
var syllables = []string{"ba", "ce", "di", "fo", "gu", "ha", "je", "ki", "lo", "mu", "na", "pe", "qui", "ro", "su", "ta", "ve", "wi", "xo", "za"}

// BigName returns the name of page i of a big section: "Bacedi".
func BigName(i int) string {
	name := syllables[i%len(syllables)] + syllables[i/len(syllables)%len(syllables)] + syllables[i/len(syllables)/len(syllables)%len(syllables)]
	if i >= len(syllables)*len(syllables)*len(syllables) {
		name += fmt.Sprint(i)
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

// BigPageURL returns the site path of page i of a big section.
func BigPageURL(i int) string { return fmt.Sprintf("/%s/page-%05d/", BigSection, i) }

// GenerateBigSection writes a site under root whose one section holds n
// pages, one per integration, as a docs site that documents hundreds of
// integrations has: the case where listing the whole section on each of
// its pages costs O(n²).
func GenerateBigSection(root string, n int) error {
	content := filepath.Join(root, "content", BigSection)
	if err := os.MkdirAll(content, 0o755); err != nil {
		return err
	}
	cfg := "title = \"Bench\"\nbaseURL = \"https://bench.example.org/\"\n"
	files := map[string]string{
		filepath.Join(root, "folio.toml"):           cfg,
		filepath.Join(root, "content", "_index.md"): "---\ntitle: Bench\n---\nA generated site.\n",
		filepath.Join(root, "content", "guide.md"):  "---\ntitle: Guide\nweight: 1\n---\nHow to use the integrations.\n",
		filepath.Join(content, "_index.md"):         "---\ntitle: Integrations\nweight: 2\n---\nEvery integration, one page each.\n",
	}
	for name, text := range files {
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			return err
		}
	}
	for i := range n {
		if err := os.WriteFile(filepath.Join(content, fmt.Sprintf("page-%05d.md", i)), []byte(BigPage(i, n)), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// ShapePage returns the markdown of page i of a site of n pages of the
// given shape.
func ShapePage(shape Shape, i, n int) string {
	policy := func(i int) bool { return shape == ShapePolicy || (shape == ShapeMixed && i%10 == 3) }
	next := nextInSection(i, n)
	switch {
	case policy(i) && policy(next):
		return PolicyPage(i, n, "#cookies")
	case policy(i):
		return PolicyPage(i, n, "#installation")
	case policy(next):
		// A policy page has no Installation heading to link to.
		return strings.Replace(Page(i, n), ".md#installation)", ".md#cookies)", 1)
	}
	return Page(i, n)
}

var months = []string{"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"}

// PolicyPage returns page i of a site of n pages in the shape of a real
// policy page: front matter, paragraphs under eight headings, a code
// block and a table no other page shares, reference-style links defined
// at the end, a link to a neighbour's heading, and a "Change log" list of
// dated entries that becomes the page's change log. fragment is the
// heading of the neighbour it links to, such as "#cookies".
func PolicyPage(i, n int, fragment string) string {
	next := nextInSection(i, n)
	org := fmt.Sprintf("Service %d", i)
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: \"%s privacy policy\"\ndescription: \"How %s handles the information of its visitors.\"\nweight: %d\nsidebar: false\n---\n\n", org, org, i%PagesPerSection+1)
	fmt.Fprintf(&b, "Your privacy is critically important to us. At %s, we have a few fundamental principles:\n\n", org)
	b.WriteString("- We don't ask you for personal information unless we truly need it.\n- We don't share your personal information with anyone except to comply with the law, develop our products, or protect our rights.\n- We don't store personal information on our servers unless required for the ongoing operation of one of our services.\n\n")
	fmt.Fprintf(&b, "If you have questions about deleting or correcting your personal data please contact [our support team][support].\n\n")
	sections := []string{"Website Visitors", "Gathering of Personally-Identifying Information", "Aggregated Statistics",
		"Protection of Certain Personally-Identifying Information", "Cookies", "Business Transfers", "Ads"}
	for k, h := range sections {
		fmt.Fprintf(&b, "## %s\n\n", h)
		fmt.Fprintf(&b, "Like most website operators, %s collects non-personally-identifying information of the sort that web browsers and servers typically make available, such as the browser type, language preference, referring site, and the date and time of each visitor request. ", org)
		fmt.Fprintf(&b, "%s's purpose in collecting non-personally identifying information is to better understand how its visitors use its website; see [the policy we adapted][origin] and [its licence][cc].\n\n", org)
		fmt.Fprintf(&b, "From time to time, %s may release non-personally-identifying information in the aggregate, e.g., by publishing a report on trends in the usage of its website (section %d.%d).\n\n", org, i, k+1)
		switch k {
		case 2:
			fmt.Fprintf(&b, "| Report | Kept for | Public |\n|---|---|---|\n| Page views | %d days | yes |\n| Referrer hosts | %d days | yes |\n| Countries | %d days | no |\n\n", 30+i%60, 90+i%30, 7+i%7)
		case 4:
			fmt.Fprintf(&b, "The only value the site stores in the browser is set by this code:\n\n```js\n// policy %d\nconst consent = { analytics: false, version: %d };\nlocalStorage.setItem(\"consent-%d\", JSON.stringify(consent));\n```\n\n", i, i%9+1, i)
		}
	}
	fmt.Fprintf(&b, "## Privacy Policy Changes\n\nAlthough most changes are likely to be minor, %s may change its Privacy Policy from time to time; the [next page](page-%05d.md%s) says more. Your continued use of this site after any change will constitute your acceptance of such change.\n\n", org, next, fragment)
	b.WriteString("### Change log\n\n")
	entries := 2 + i%4
	for e := range entries {
		year := 2024 - e
		fmt.Fprintf(&b, "- %s %d, %d: %s\n", months[(i+e)%12], 1+(i+3*e)%28, year, []string{"Clarified how long reports are kept", "Added the cookies section", "Named the countries report", "Initial version"}[min(e, 3)])
	}
	fmt.Fprintf(&b, "\n_This privacy policy has been adapted from the [Automattic privacy policy][origin] and is licensed [Creative Commons ShareAlike][cc]._\n\n")
	fmt.Fprintf(&b, "[origin]: https://automattic.com/privacy/\n[cc]: https://creativecommons.org/licenses/by-sa/4.0/\n[support]: https://support.example.org/%d\n", i)
	return b.String()
}
