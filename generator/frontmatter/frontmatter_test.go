package frontmatter

import (
	"testing"
	"time"
)

// TestDatesReadInTheSiteZone checks that a date written without a zone,
// in YAML or TOML, is read in the site's time zone, and one with a zone
// keeps it.
func TestDatesReadInTheSiteZone(t *testing.T) {
	loc := time.FixedZone("site", 2*3600)
	for _, src := range []string{
		"---\ndate: 2017-10-19\nlastmod: 2017-10-19T21:29:29-07:00\n---\n",
		"+++\ndate = 2017-10-19\nlastmod = 2017-10-19T21:29:29-07:00\n+++\n",
	} {
		raw, _, _, err := Split("content/a.md", []byte(src))
		if err != nil {
			t.Fatalf("Split(%q) = %v", src, err)
		}
		fm, errs := Decode("content/a.md", raw, KeyLines([]byte(src), 3), loc)
		if len(errs) > 0 {
			t.Fatalf("Decode(%q) = %v", src, errs)
		}
		if want := time.Date(2017, 10, 19, 0, 0, 0, 0, loc); !fm.Date.Equal(want) || fm.Date.Location() != loc {
			t.Errorf("%q: date = %v, want %v", src, fm.Date, want)
		}
		if want := time.Date(2017, 10, 20, 4, 29, 29, 0, time.UTC); !fm.Lastmod.Equal(want) {
			t.Errorf("%q: lastmod = %v, want %v", src, fm.Lastmod, want)
		}
	}
}
