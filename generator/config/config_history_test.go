package config

import (
	"strings"
	"testing"
)

func TestHistoryChangelog(t *testing.T) {
	for _, tc := range []struct {
		toml   string
		set    bool
		file   string
		listed bool
	}{
		{"[history]\ngit = true\n", false, "content/a.md", false},
		{"[history]\ngit = true\nchangelog = []\n", true, "content/a.md", false},
		{"[history]\ngit = true\nchangelog = [\"/\"]\n", true, "content/docs/a.md", true},
		{"[history]\ngit = true\nchangelog = [\"legal\"]\n", true, "content/legal/x/terms.md", true},
		{"[history]\ngit = true\nchangelog = [\"/legal/\"]\n", true, "content/legalese.md", false},
	} {
		c, err := ParseConfig([]byte(tc.toml))
		if err != nil {
			t.Fatalf("ParseConfig(%q) = %v", tc.toml, err)
		}
		if got := c.History.Changelog != nil; got != tc.set {
			t.Errorf("%q: changelog set = %v, want %v", tc.toml, got, tc.set)
		}
		if got := c.History.GitChangelog(tc.file); got != tc.listed {
			t.Errorf("%q: GitChangelog(%s) = %v, want %v", tc.toml, tc.file, got, tc.listed)
		}
	}
	_, err := ParseConfig([]byte("title = \"x\"\n[history]\nchangelog = [\"../elsewhere\"]\n"))
	if err == nil || !strings.Contains(err.Error(), `folio.toml:3: changelog "../elsewhere": want a folder of content/`) {
		t.Errorf("ParseConfig(..) = %v, want the line of the bad folder", err)
	}
}
