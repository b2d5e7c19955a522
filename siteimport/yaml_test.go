package siteimport

import (
	"strings"
	"testing"
)

// An imported page's front matter comes out as it went in: keys in their
// order at every level, timestamps as written, lists under their key.
func TestFrontMatterRoundTrip(t *testing.T) {
	in := `title: "Quoted: yes"
date: 2017-10-19 21:29:29 -0700
lastmod: 2024-03-01
weight: 3
draft: false
tags:
- one
- two
params:
  zeta: 1
  alpha:
  - x: 1
    "y": 2
  - plain
base: &b
  k: v
copy: *b
description: |-
  Line one
  line two
`
	want := "---\n" + strings.Replace(in, "\"Quoted: yes\"", "'Quoted: yes'", 1) + "---\n"
	want = strings.Replace(want, "base: &b\n  k: v\ncopy: *b\n", "base:\n  k: v\ncopy:\n  k: v\n", 1)
	// A timestamp stays text, quoted so that it reads back as text.
	want = strings.Replace(want, "lastmod: 2024-03-01", `lastmod: "2024-03-01"`, 1)
	fm, err := readYAML([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := get(fm, "lastmod"); d != "2024-03-01" {
		t.Errorf("lastmod read as %#v, want the text written", d)
	}
	out, err := yamlFrontMatter(fm)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != want {
		t.Errorf("front matter written as\n%s\nwant\n%s", out, want)
	}
}

func TestFrontMatterBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		p := "*a" + string(rune('0'+i-1))
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [" + strings.Repeat(p+", ", 9) + p + "]\n")
	}
	if _, err := readYAML([]byte(b.String())); err == nil || !strings.Contains(err.Error(), "too many values") {
		t.Errorf("aliases expanding to 10^10 values: err = %v, want too many values", err)
	}
	for _, in := range []string{"", "# nothing\n"} {
		if fm, err := readYAML([]byte(in)); err != nil || fm != nil {
			t.Errorf("readYAML(%q) = %v, %v; want nothing", in, fm, err)
		}
	}
	if _, err := readYAML([]byte("- a\n- b\n")); err == nil {
		t.Error("a list as front matter was read without error")
	}
}
