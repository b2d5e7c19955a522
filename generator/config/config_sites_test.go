package config

import (
	"strings"
	"testing"
)

func TestConfigSites(t *testing.T) {
	good := `title = "x"
[analytics]
database = "postgres://folio@db.internal/folio"
[[analytics.sites]]
name = "docs"
origin = "https://docs.example.org"
dir = "docs/public"
[[analytics.sites]]
name = "blog"
origin = "https://example.org/blog/"
dir = "/srv/blog/public"
`
	c, err := ParseConfig([]byte(good))
	if err != nil {
		t.Fatalf("ParseConfig() = %v", err)
	}
	if len(c.Analytics.Sites) != 2 || c.Analytics.Sites[1].Dir != "/srv/blog/public" || c.Analytics.Database == "" {
		t.Errorf("ParseConfig() = %+v", c.Analytics)
	}
	for name, tt := range map[string]struct{ site, want string }{
		"bad name":     {"name = \"my site\"\norigin = \"https://a.example\"\ndir = \"a\"", `site name "my site"`},
		"no origin":    {"name = \"a\"\ndir = \"a\"", `site a: origin ""`},
		"no dir":       {"name = \"a\"\norigin = \"https://a.example\"", "site a: dir is empty"},
		"same name":    {"name = \"docs\"\norigin = \"https://a.example\"\ndir = \"a\"", `site name "docs" is listed twice`},
		"same host":    {"name = \"a\"\norigin = \"https://docs.example.org/other/\"\ndir = \"a\"", "host docs.example.org already belongs to another site"},
		"unknown key":  {"name = \"a\"\norigin = \"https://a.example\"\ndir = \"a\"\nroot = \"x\"", `unknown key "analytics.sites.root"`},
		"not http(s)":  {"name = \"a\"\norigin = \"ftp://a.example\"\ndir = \"a\"", `origin "ftp://a.example"`},
		"with a query": {"name = \"a\"\norigin = \"https://a.example/?x=1\"\ndir = \"a\"", `origin "https://a.example/?x=1"`},
	} {
		data := "title = \"x\"\n[[analytics.sites]]\nname = \"docs\"\norigin = \"https://docs.example.org\"\ndir = \"d\"\n[[analytics.sites]]\n" + tt.site + "\n"
		_, err := ParseConfig([]byte(data))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: ParseConfig() = %v, want an error with %q", name, err, tt.want)
		}
	}
}
