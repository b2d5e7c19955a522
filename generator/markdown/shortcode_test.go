package markdown

import (
	"maps"
	"strings"
	"testing"
)

func TestParseTag(t *testing.T) {
	tests := []struct {
		in         string
		name       string
		closing    bool
		selfClose  bool
		positional []string
		named      map[string]string
		n          int // -1: all of in
	}{
		{`{{< note >}}`, "note", false, false, nil, nil, -1},
		{`{{<note>}} rest`, "note", false, false, nil, nil, 10},
		{`{{< /note >}}`, "note", true, false, nil, nil, -1},
		{`{{</note>}}`, "note", true, false, nil, nil, -1},
		{`{{< note />}}`, "note", false, true, nil, nil, -1},
		{`{{< badge beta tone=warn >}}`, "badge", false, false, []string{"beta"}, map[string]string{"tone": "warn"}, -1},
		{`{{< x "a \"q\" \\ b" ` + "`raw \\n`" + ` >}}`, "x", false, false, []string{`a "q" \ b`, `raw \n`}, nil, -1},
		{`{{< x k="v w" k2=` + "`r`" + ` my_key-2=1.5 >}}`, "x", false, false, nil, map[string]string{"k": "v w", "k2": "r", "my_key-2": "1.5"}, -1},
		{`{{< x a/>}}`, "x", false, true, []string{"a"}, nil, -1},
		{"{{< x\ty\t>}}", "x", false, false, []string{"y"}, nil, -1},
	}
	for _, tt := range tests {
		if tt.n < 0 {
			tt.n = len(tt.in)
		}
		got, err := parseTag([]byte(tt.in))
		if err != nil {
			t.Errorf("parseTag(%q) error: %v", tt.in, err)
			continue
		}
		if got.name != tt.name || got.closing != tt.closing || got.selfClose != tt.selfClose || got.n != tt.n ||
			strings.Join(got.positional, "|") != strings.Join(tt.positional, "|") || !maps.Equal(got.named, tt.named) {
			t.Errorf("parseTag(%q) = %+v, want name %q closing %v selfClose %v positional %q named %v n %d",
				tt.in, *got, tt.name, tt.closing, tt.selfClose, tt.positional, tt.named, tt.n)
		}
	}
	bad := map[string]string{
		`{{< x "a >}}`:      `shortcode "x": no closing " after a quoted argument`,
		"{{< x `a >}}":      "shortcode \"x\": no closing ` after a raw argument",
		`{{< x k= >}}`:      `shortcode "x": argument k= has no value`,
		`{{< x "k"="v" >}}`: `shortcode "x": an argument name is not quoted: name="value"`,
		`{{< x a"b" >}}`:    `shortcode "x": want a space before the quote after "a"`,
		`{{< x k=a"b" >}}`:  `shortcode "x": quote a value that holds '"'`,
		`{{< x "a"b >}}`:    `shortcode "x": want a space before "b"`,
		`{{< x "\q" >}}`:    `shortcode "x": bad escape in "\q"`,
		`{{< /x y >}}`:      `closing tag {{< /x >}} takes no arguments`,
		`{{< x.y >}}`:       `shortcode "x": want a space before "."`,
		"{{< x >}\n}}":      `shortcode "x": no >}} ends the tag on its line`,
		`{{< é >}}`:         `a shortcode tag needs a name: {{< name >}}`,
		`{{< x a=1 a=2 >}}`: `shortcode "x": argument "a" given twice`,
		`{{< x k.j=1 >}}`:   `shortcode "x": bad argument name "k.j": use letters, digits, - and _`,
	}
	for in, want := range bad {
		if _, err := parseTag([]byte(in)); err == nil || err.Error() != want {
			t.Errorf("parseTag(%q) error = %v, want %q", in, err, want)
		}
	}
}
