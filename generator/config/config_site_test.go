package config

import (
	"strings"
	"testing"
)

// TestTaxonomiesAndEditURL checks the defaults and the mistakes folio.toml
// can make in taxonomies and editURL, each at its line.
func TestTaxonomiesAndEditURL(t *testing.T) {
	c, err := ParseConfig([]byte("title = \"x\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.Taxonomies, ",") != "tags" || c.EditURL != "" {
		t.Errorf("defaults: taxonomies %q, editURL %q; want [tags] and none", c.Taxonomies, c.EditURL)
	}
	c, err = ParseConfig([]byte("title = \"x\"\ntaxonomies = []\neditURL = \"https://github.com/o/r/edit/main\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Taxonomies) != 0 || c.EditURL != "https://github.com/o/r/edit/main/" {
		t.Errorf("taxonomies %q, editURL %q; want none and the URL with a slash", c.Taxonomies, c.EditURL)
	}
	for _, tt := range []struct{ data, want string }{
		{"taxonomies = [\"Tags\"]", `folio.toml:2: taxonomies: "Tags": want a front matter key`},
		{"taxonomies = [\"tags\", \"tags\"]", `folio.toml:2: taxonomies: "tags" is listed twice`},
		{"taxonomies = [\"title\"]", `folio.toml:2: taxonomies: "title" is a front matter key Folio reads`},
		{"taxonomies = [\"../x\"]", `taxonomies: "../x"`},
		{"editURL = \"github.com/o/r\"", `folio.toml:2: editURL "github.com/o/r": want an absolute http(s) URL`},
		{"editURL = \"javascript:alert(1)\"", `editURL "javascript:alert(1)"`},
	} {
		_, err := ParseConfig([]byte("title = \"x\"\n" + tt.data + "\n"))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseConfig(%s) = %v, want %q", tt.data, err, tt.want)
		}
	}
}
