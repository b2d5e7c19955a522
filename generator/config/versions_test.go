package config

import (
	"strings"
	"testing"
)

func TestVersions(t *testing.T) {
	c, err := ParseConfig([]byte(`title = "x"
[versions]
[versions."1.9"]
git = "release/1.9"
[versions."1.10"]
[versions.next]
dir = "versions/next/content/"
[versions."2.0"]
dir = "versions/2.0/content"
`))
	if err != nil {
		t.Fatalf("ParseConfig() = %v", err)
	}
	var names []string
	for _, v := range c.Versions.List {
		names = append(names, v.Name)
	}
	// The highest first, numbers as numbers, words after them.
	if got := strings.Join(names, " "); got != "next 2.0 1.10 1.9" {
		t.Errorf("Versions.List = %s, want next 2.0 1.10 1.9", got)
	}
	if c.Versions.Latest != "next" || c.Versions.Prefix("next") != "" || c.Versions.Prefix("1.9") != "1.9/" {
		t.Errorf("Latest = %q, Prefix(next) = %q, Prefix(1.9) = %q", c.Versions.Latest, c.Versions.Prefix("next"), c.Versions.Prefix("1.9"))
	}
	l := c.Versions.List
	if l[0].Dir != "versions/next/content" || l[2].Dir != "content" || l[3].Git != "release/1.9" || l[3].Dir != "" || l[3].Line != 3 {
		t.Errorf("Versions.List = %+v", l)
	}
}

func TestVersionsLatest(t *testing.T) {
	c, err := ParseConfig([]byte("title = \"x\"\n[versions]\nlatest = \"1.0\"\n[versions.\"2.0-beta\"]\ndir = \"beta\"\n[versions.\"1.0\"]\n"))
	if err != nil {
		t.Fatalf("ParseConfig() = %v", err)
	}
	if got := c.Versions.List; got[0].Name != "1.0" || got[1].Name != "2.0-beta" {
		t.Errorf("Versions.List = %+v, want the latest, 1.0, first", got)
	}
}

func TestVersionsErrors(t *testing.T) {
	for _, tc := range []struct{ toml, want string }{
		{"[versions]\nlatest = \"3.0\"\n[versions.\"2.0\"]\n", `folio.toml:3: versions.latest "3.0": no [versions."3.0"] table`},
		{"[versions]\n[versions.\"2.0\"]\ndir = \"a\"\ngit = \"v2\"\n", "folio.toml:3: versions.2.0: both dir and git"},
		{"[versions]\n[versions.\"2.0\"]\ngit = \"--output=x\"\n", `versions.2.0.git: "--output=x" is not a ref`},
		{"[versions]\n[versions.\"2.0\"]\ngit = \"v1..v2\"\n", `versions.2.0.git: "v1..v2" is not a ref`},
		{"[versions]\n[versions.\"2.0\"]\ndir = \"../elsewhere\"\n", `versions.2.0.dir: "../elsewhere" is not a folder within the site`},
		{"[versions]\n[versions.\"2.0\"]\ndir = \"/etc\"\n", `versions.2.0.dir: "/etc" is not a folder within the site`},
		{"[versions]\n[versions.\"2.0\"]\nfolder = \"x\"\n", "versions.2.0.folder: unknown key"},
		{"[versions]\n[versions.\"a/b\"]\n", "versions.a/b: want a name of letters"},
		{"[versions]\n\"2.0\" = \"content\"\n", `versions.2.0: want a table`},
	} {
		_, err := ParseConfig([]byte("title = \"x\"\n" + tc.toml))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseConfig(%q) = %v, want %s", tc.toml, err, tc.want)
		}
	}
}
