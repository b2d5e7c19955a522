package siteimport

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTextPolicy(t *testing.T) {
	src, err := os.ReadFile("testdata/policy-plain.txt")
	if err != nil {
		t.Fatal(err)
	}
	md, notes, err := Text("policy-plain.txt", src)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, "text", notes)
	text := string(md)
	wantIn(t, "the page", text,
		"---\ntitle: Privacy policy\n---\n",
		"## Our principles\n",
		"## Data we keep\n",
		"## Account data\n",
		"\n1. Your data is not sold.", "\n3. Your data is yours.", "\n   from your account page", "\n4. Connections are encrypted.",
		"These kinds of data are kept:\n",
		"(it never leaves the hub")
	wantNotIn(t, "the page", text, "## These kinds", "## Privacy policy", "  1.")

	// The page builds, and its headings and list are there.
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "content"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "content", "privacy.md"), md, 0o644); err != nil {
		t.Fatal(err)
	}
	out, _ := buildSite(t, root)
	page := readOut(t, out, "privacy/index.html")
	wantIn(t, "privacy/index.html", page, "<h1", "Privacy policy", `id="our-principles"`, `id="data-we-keep"`, "<ol>", "<li>Your data is not sold")
	if n := strings.Count(page, "<li>"); n < 4 {
		t.Errorf("privacy/index.html has %d list items, want the policy's 4", n)
	}
}

func TestTextEscapesMarkup(t *testing.T) {
	md, _, err := Text("x.txt", []byte("Notes\n\nA *starred* word, a_b, <b>, {{< note >}} and # not a heading.\n# also not\n"))
	if err != nil {
		t.Fatal(err)
	}
	wantIn(t, "the page", string(md), `A \*starred\* word, a\_b, \<b>, {\{\< note >}} and # not a heading.`, "\n\\# also not\n")
}
