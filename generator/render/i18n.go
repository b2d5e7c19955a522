package render

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"folio/generator"

	"github.com/pelletier/go-toml/v2"
)

// maxI18nSize bounds one translation file; a theme's words fit in a few
// kilobytes.
const maxI18nSize = 256 << 10

// fallbackLanguage is the language whose words stand in for any a
// translation lacks: the built-in theme has every word in English.
const fallbackLanguage = "en"

// Words are the theme's own words in one language: the labels of its
// navigation, search, table of contents and so on, which layouts print
// with T "key". They come from i18n/LANG.toml files: the built-in
// theme's, then the site's theme's, then the site's own i18n/ folder, each
// overriding the one before, and from the same files for the base language
// ("pt" for "pt-br") and for English beneath them, so a key missing from
// one translation still prints something readable.
type Words struct {
	Lang  string
	words map[string]string
}

// Text returns the word for key, with {0}, {1}... replaced by args.
func (w *Words) Text(key string, args ...any) (string, error) {
	s, ok := w.words[key]
	if !ok {
		return "", fmt.Errorf("T %q: no such key in i18n/%s.toml or i18n/%s.toml", key, w.Lang, fallbackLanguage)
	}
	for i, a := range args {
		s = strings.ReplaceAll(s, "{"+strconv.Itoa(i)+"}", fmt.Sprint(a))
	}
	return s, nil
}

// i18nLayer is one folder of translation files.
type i18nLayer struct {
	fsys  fs.FS
	dir   string // "i18n"
	shown string // the folder as the editor knows it: "themes/default (built in)/i18n"
}

// loadWords reads the words of lang from the layers, lowest first.
func loadWords(lang string, layers []i18nLayer) (*Words, error) {
	w := &Words{Lang: lang, words: map[string]string{}}
	langs := []string{fallbackLanguage}
	if base, _, ok := strings.Cut(lang, "-"); ok && base != fallbackLanguage {
		langs = append(langs, base)
	}
	if lang != fallbackLanguage && lang != "" {
		langs = append(langs, strings.ToLower(lang))
	}
	for _, l := range langs {
		for _, layer := range layers {
			if err := w.add(layer, l); err != nil {
				return nil, err
			}
		}
	}
	return w, nil
}

// add reads one translation file, if there is one.
func (w *Words) add(layer i18nLayer, lang string) error {
	name := layer.dir + "/" + lang + ".toml"
	shown := layer.shown + "/" + lang + ".toml"
	data, err := generator.ReadLimited(layer.fsys, name, maxI18nSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return generator.Errorf(shown, 0, "%v", err)
	}
	var raw map[string]any
	if err := toml.NewDecoder(bytes.NewReader(data)).Decode(&raw); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, _ := de.Position()
			return generator.Errorf(shown, row, "%s", de.Error())
		}
		return generator.Errorf(shown, 0, "%v", err)
	}
	for k, v := range raw {
		s, ok := v.(string)
		if !ok {
			return generator.Errorf(shown, keyLine(data, k), "%s: want text, such as %s = \"...\"", k, k)
		}
		w.words[k] = s
	}
	return nil
}

// keyLine is the 1-based line where key is set or its table begins, 0
// when unknown.
func keyLine(data []byte, key string) int {
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if rest, ok := strings.CutPrefix(line, key); ok && strings.HasPrefix(strings.TrimSpace(rest), "=") || line == "["+key+"]" {
			return i + 1
		}
	}
	return 0
}

// i18nLayers are the folders translations come from, lowest first: the
// built-in theme's, the site's theme's when it has its own, the site's.
func i18nLayers(site, builtin, theme fs.FS, themeShown string) ([]i18nLayer, error) {
	const builtinShown = "themes/default (built in)"
	layers := []i18nLayer{{fsys: builtin, dir: "i18n", shown: builtinShown + "/i18n"}}
	if themeShown != builtinShown {
		ok, err := generator.SiteDir(theme, "i18n", themeShown+"/i18n")
		if err != nil {
			return nil, err
		}
		if ok {
			layers = append(layers, i18nLayer{fsys: theme, dir: "i18n", shown: themeShown + "/i18n"})
		}
	}
	ok, err := generator.SiteDir(site, "i18n", "i18n")
	if err != nil {
		return nil, err
	}
	if ok {
		layers = append(layers, i18nLayer{fsys: site, dir: "i18n", shown: "i18n"})
	}
	return layers, nil
}

// translate is the template function T: a word of the theme in the
// site's language.
func (b *Renderer) translate(key string, args ...any) (string, error) {
	if b.Theme == nil || b.Theme.words == nil {
		return "", fmt.Errorf("T %q: no translations loaded", key)
	}
	return b.Theme.words.Text(key, args...)
}

// Word is the theme's word for key in the site's language, or def when
// the translations lack it.
func (b *Renderer) Word(key, def string) string {
	if s, err := b.translate(key); err == nil {
		return s
	}
	return def
}

// sharedURLs are the addresses of the files languages share.
func (b *Renderer) sharedURLs() generator.URLs {
	if b.Shared != nil {
		return b.SharedURLs
	}
	return b.URLs
}

// urlsOf are the URLs that make the address of a site path: the root's
// for a file all languages share, else the language's.
func (b *Renderer) urlsOf(p string) generator.URLs {
	if b.Shared != nil && b.Shared(p) {
		return b.SharedURLs
	}
	return b.URLs
}
