// Package sitegen writes docs-like test sites for benchmarks: sections of
// pages with front matter, headings, lists, a table, a code block and
// links to their neighbours, the mix a real documentation site has.
package sitegen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// PagesPerSection is how many pages each generated section holds.
const PagesPerSection = 100

// Generate writes a site of n pages under root: folio.toml and content/.
func Generate(root string, n int) error {
	if err := os.MkdirAll(filepath.Join(root, "content"), 0o755); err != nil {
		return err
	}
	cfg := "title = \"Bench\"\nbaseURL = \"https://bench.example.org/\"\n"
	if err := os.WriteFile(filepath.Join(root, "folio.toml"), []byte(cfg), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(root, "content", "_index.md"), []byte("---\ntitle: Bench\n---\nA generated site.\n"), 0o644); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		sec := i / PagesPerSection
		dir := filepath.Join(root, "content", fmt.Sprintf("section-%03d", sec))
		if i%PagesPerSection == 0 {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			idx := fmt.Sprintf("---\ntitle: Section %d\nweight: %d\n---\nPages about topic %d.\n", sec, sec+1, sec)
			if err := os.WriteFile(filepath.Join(dir, "_index.md"), []byte(idx), 0o644); err != nil {
				return err
			}
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("page-%05d.md", i)), []byte(Page(i, n)), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Page returns the markdown of page i of a site of n pages.
func Page(i, n int) string {
	next := (i + 1) % n
	if next/PagesPerSection != i/PagesPerSection {
		next = i - i%PagesPerSection
	}
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: Page %d about configuring integration %d\ndescription: How to set up and use integration %d.\ndate: 2024-%02d-%02d\nweight: %d\n---\n\n", i, i, i, i%12+1, i%28+1, i%PagesPerSection+1)
	fmt.Fprintf(&b, "Integration %d connects your system to a service. This page explains how to install it, configure it and fix common problems.\n\n", i)
	b.WriteString("## Installation\n\nInstall the integration from the settings page, then restart. You need:\n\n")
	b.WriteString("- an account with the service\n- a token with *read* access\n- about **five minutes**\n\n")
	b.WriteString("## Configuration\n\nAdd the following to your configuration file:\n\n```yaml\nintegration:\n  name: example\n  token: !secret token\n  scan_interval: 30\n```\n\n")
	b.WriteString("### Options\n\n| Option | Type | Default | Description |\n|---|---|---|---|\n| `name` | string | none | The name shown in the interface. |\n| `token` | string | none | The access token. |\n| `scan_interval` | integer | 30 | Seconds between updates. |\n\n")
	fmt.Fprintf(&b, "## Troubleshooting\n\nIf the integration does not start, check the log and read [the next page](page-%05d.md#installation). ", next)
	b.WriteString("Most problems come from an expired token or a blocked network port; renewing the token and restarting fixes them in almost every case.\n\n")
	b.WriteString("1. Open the log.\n2. Look for errors mentioning the integration.\n3. Renew the token if it expired.\n\n")
	b.WriteString("> Tip: the integration retries on its own every few minutes, so a short outage needs no action.\n")
	return b.String()
}
