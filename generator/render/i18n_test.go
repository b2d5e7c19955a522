package render

import (
	"io/fs"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"folio/themes"

	"github.com/pelletier/go-toml/v2"
)

func TestWordsLayers(t *testing.T) {
	builtin := fstest.MapFS{
		"i18n/en.toml": {Data: []byte("menu = \"Menu\"\nnext = \"Next\"\nhello = \"Hello {0}, {1}\"\n")},
		"i18n/pt.toml": {Data: []byte("menu = \"Menu PT\"\nnext = \"Próxima\"\n")},
	}
	site := fstest.MapFS{"i18n/pt-br.toml": {Data: []byte("# the site's own\nnext = \"Seguinte\"\n")}}
	layers, err := i18nLayers(site, builtin, builtin, "themes/default (built in)")
	if err != nil {
		t.Fatal(err)
	}
	w, err := loadWords("pt-br", layers)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"menu": "Menu PT",  // pt for pt-br
		"next": "Seguinte", // the site's i18n/ over the theme's
	} {
		if got, err := w.Text(key); err != nil || got != want {
			t.Errorf("Text(%q) = %q, %v, want %q", key, got, err, want)
		}
	}
	if got, _ := w.Text("hello", "Ana", 2); got != "Hello Ana, 2" {
		t.Errorf("Text(hello) = %q, want English with the values in place", got)
	}
	if _, err := w.Text("nope"); err == nil || !strings.Contains(err.Error(), `T "nope": no such key`) {
		t.Errorf("Text(nope) error = %v", err)
	}
}

func TestWordsErrors(t *testing.T) {
	builtin := fstest.MapFS{"i18n/en.toml": {Data: []byte("menu = \"Menu\"\n")}}
	for name, tt := range map[string]struct{ file, want string }{
		"bad toml":  {"menu = \"Menü\"\nnext = \n", "i18n/de.toml:2:"},
		"not text":  {"menu = \"Menü\"\nnext = 3\n", "i18n/de.toml:2: next: want text"},
		"a section": {"[menu]\nx = \"y\"\n", "i18n/de.toml:1: menu: want text"},
	} {
		t.Run(name, func(t *testing.T) {
			site := fstest.MapFS{"i18n/de.toml": {Data: []byte(tt.file)}}
			layers, err := i18nLayers(site, builtin, builtin, "themes/default (built in)")
			if err != nil {
				t.Fatal(err)
			}
			_, err = loadWords("de", layers)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("loadWords() = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestThemeTranslations checks that every language of the built-in theme
// has every word the English file has, and no word it lacks.
func TestThemeTranslations(t *testing.T) {
	theme := themes.DefaultFS()
	keys := func(name string) []string {
		data, err := fs.ReadFile(theme, "i18n/"+name)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := toml.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var ks []string
		for k, v := range m {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: %s is empty", name, k)
			}
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return ks
	}
	want := strings.Join(keys("en.toml"), " ")
	files, err := fs.Glob(theme, "i18n/*.toml")
	if err != nil {
		t.Fatal(err)
	}
	var langs []string
	for _, f := range files {
		name := strings.TrimPrefix(f, "i18n/")
		langs = append(langs, strings.TrimSuffix(name, ".toml"))
		if got := strings.Join(keys(name), " "); got != want {
			t.Errorf("%s has keys %s,\nwant those of en.toml: %s", name, got, want)
		}
	}
	if got := strings.Join(langs, " "); got != "de en es fr ja pt zh" {
		t.Errorf("the theme's languages are %s, want de en es fr ja pt zh", got)
	}
	// Every word a layout asks for is there.
	layouts, err := fs.Glob(theme, "layouts/*.html")
	if err != nil {
		t.Fatal(err)
	}
	partials, _ := fs.Glob(theme, "layouts/partials/*.html")
	for _, name := range append(layouts, partials...) {
		data, _ := fs.ReadFile(theme, name)
		for _, part := range strings.Split(string(data), `T "`)[1:] {
			key, _, _ := strings.Cut(part, `"`)
			if !strings.Contains(" "+want+" ", " "+key+" ") {
				t.Errorf("%s asks for T %q, which en.toml lacks", name, key)
			}
		}
	}
}
