package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportCommands(t *testing.T) {
	for _, kind := range []string{"jekyll", "hugo"} {
		t.Run(kind, func(t *testing.T) {
			src := filepath.Join("..", "..", "siteimport", "testdata", kind)
			dst := filepath.Join(t.TempDir(), "site")
			var stdout, stderr bytes.Buffer
			if err := run(context.Background(), []string{"import", kind, src, dst}, &stdout, &stderr); err != nil {
				t.Fatalf("folio import %s = %v\n%s", kind, err, stderr.String())
			}
			report, err := os.ReadFile(filepath.Join("..", "..", "siteimport", "testdata", kind+".report"))
			if err != nil {
				t.Fatal(err)
			}
			// Each note is printed with the path an editor opens.
			for _, line := range strings.Split(strings.TrimSpace(string(report)), "\n") {
				if !strings.Contains(stdout.String(), filepath.Join(src, line)) {
					t.Errorf("folio import %s did not print %q:\n%s", kind, line, stdout.String())
				}
			}
			if !strings.Contains(stdout.String(), "next: folio build -root "+dst) {
				t.Errorf("folio import %s did not say what to run next:\n%s", kind, stdout.String())
			}
			if err := run(context.Background(), []string{"import", kind, src, dst}, &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "not empty") {
				t.Errorf("a second import into the same folder = %v, want a refusal", err)
			}
		})
	}
	t.Run("text", func(t *testing.T) {
		dst := filepath.Join(t.TempDir(), "content", "privacy.md")
		var stdout bytes.Buffer
		src := filepath.Join("..", "..", "siteimport", "testdata", "policy-plain.txt")
		if err := run(context.Background(), []string{"import", "text", src, dst}, &stdout, &bytes.Buffer{}); err != nil {
			t.Fatalf("folio import text = %v", err)
		}
		wantOut := []string{src + `:1: title "Privacy policy"`, src + `:5: heading "Our principles"`, src + ":7: list (4 items)", "wrote " + dst + "; check the 6 guesses above once"}
		for _, w := range wantOut {
			if !strings.Contains(stdout.String(), w) {
				t.Errorf("folio import text printed:\n%s\nwant %q in it", stdout.String(), w)
			}
		}
		md, _ := os.ReadFile(dst)
		if !strings.HasPrefix(string(md), "---\ntitle: Privacy policy\n---\n") {
			t.Errorf("the page starts %q, want its title in front matter", firstLine(string(md)))
		}
		if err := run(context.Background(), []string{"import", "text", src, dst}, &stdout, &bytes.Buffer{}); err == nil {
			t.Error("folio import text over an existing file succeeded, want a refusal")
		}
	})
}

// TestImportBlockFlag: -block maps a Jekyll block tag to a shortcode,
// before or after the kind; without it the tag is noted with the flag to
// use, and a mapping that is not TAG=SHORTCODE is refused.
func TestImportBlockFlag(t *testing.T) {
	src := filepath.Join("..", "..", "siteimport", "testdata", "jekyll")
	for _, args := range [][]string{
		{"import", "-block", "callout=warning", "jekyll", src},
		{"import", "jekyll", "-block", "callout=warning", src},
	} {
		dst := filepath.Join(t.TempDir(), "site")
		var stdout, stderr bytes.Buffer
		if err := run(context.Background(), append(args, dst), &stdout, &stderr); err != nil {
			t.Fatalf("folio %s = %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		page, err := os.ReadFile(filepath.Join(dst, "content", "docs", "install.md"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(page), `{{< warning title="Back up first" >}}`) || strings.Contains(stdout.String(), "callout") {
			t.Errorf("folio %s: callout not converted:\n%s\n%s", strings.Join(args, " "), stdout.String(), page)
		}
	}
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"import", "jekyll", src, filepath.Join(t.TempDir(), "site")}, &stdout, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if want := "install.md:15: block tag {% callout %} not converted: map it to a shortcode with import -block callout=SHORTCODE"; !strings.Contains(stdout.String(), want) {
		t.Errorf("without -block, the import printed:\n%s\nwant %q", stdout.String(), want)
	}
	for _, args := range [][]string{
		{"import", "-block", "callout", "jekyll", src, t.TempDir()},
		{"import", "-block", "a=b c", "jekyll", src, t.TempDir()},
		{"import", "-block", "callout=warning", "hugo", src, t.TempDir()},
	} {
		if err := run(context.Background(), args, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
			t.Errorf("folio %s succeeded, want a refusal", strings.Join(args, " "))
		}
	}
}
