package config

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"folio/generator"
)

// Languages is the [languages] table of a site written in several
// languages:
//
//	[languages]
//	default = "en"         # the language at the site's root
//	defaultInSubdir = false # true: the default language under /en/ too
//	[languages.en]
//	name = "English"
//	[languages.de]
//	name = "Deutsch"
//	title = "Folio auf Deutsch"
//
// Each language's pages live in content/CODE/.
type Languages struct {
	// Default is the code of the language readers get at the root, and
	// the one a page falls back to when it has no translation.
	Default string
	// DefaultInSubdir publishes the default language under /CODE/ too,
	// the root then sending readers there.
	DefaultInSubdir bool
	// List holds every language, the default first, then by weight and
	// code.
	List []Language
}

// Language is one [languages.CODE] table.
type Language struct {
	Code   string // "de", "pt-br": the content folder and the URL prefix
	Name   string // the language's own name: "Deutsch"
	Title  string // the site's title in this language; the site's title when empty
	Weight int    // the order in the language switcher
}

// Get returns the language with a code.
func (l Languages) Get(code string) (Language, bool) {
	for _, lang := range l.List {
		if lang.Code == code {
			return lang, true
		}
	}
	return Language{}, false
}

// Prefix is the URL folder of a language's pages, "" for the default
// language at the root or "de/".
func (l Languages) Prefix(code string) string {
	if code == l.Default && !l.DefaultInSubdir {
		return ""
	}
	return code + "/"
}

// languageCode is the shape of a language code: a BCP 47 tag in lower
// case, such as en, de or pt-br, which is also a folder and a URL path.
var languageCode = regexp.MustCompile(`^[a-z]{2,3}(-[a-z0-9]{2,8}){0,2}$`)

// checkLanguages reads RawLanguages into Languages.
func (c *Config) checkLanguages(data []byte) generator.ErrorList {
	if c.RawLanguages == nil {
		return nil
	}
	var list generator.ErrorList
	bad := func(key, format string, args ...any) {
		list = append(list, generator.Errorf(ConfigFile, KeyLine(data, key), format, args...))
	}
	langs := Languages{}
	for key, v := range c.RawLanguages {
		switch key {
		case "default":
			s, ok := v.(string)
			if !ok {
				bad("default", "languages.default: want a language code such as \"en\"")
			}
			langs.Default = s
			continue
		case "defaultInSubdir":
			b, ok := v.(bool)
			if !ok {
				bad("defaultInSubdir", "languages.defaultInSubdir: want true or false")
			}
			langs.DefaultInSubdir = b
			continue
		}
		if !languageCode.MatchString(key) {
			list = append(list, generator.Errorf(ConfigFile, TableLine(data, "languages."+key), "languages.%s: want a lower-case language code such as \"de\" or \"pt-br\"", key))
			continue
		}
		table, ok := v.(map[string]any)
		if !ok {
			list = append(list, generator.Errorf(ConfigFile, TableLine(data, "languages."+key), "languages.%s: want a table such as [languages.%s] with name = \"...\"", key, key))
			continue
		}
		lang := Language{Code: key, Name: key}
		for k, v := range table {
			var err error
			switch k {
			case "name":
				lang.Name, err = stringValue(v)
			case "title":
				lang.Title, err = stringValue(v)
			case "weight":
				n, ok := v.(int64)
				if !ok || n < -1e6 || n > 1e6 {
					err = fmt.Errorf("want a whole number")
				}
				lang.Weight = int(n)
			default:
				err = fmt.Errorf("unknown key")
			}
			if err != nil {
				list = append(list, generator.Errorf(ConfigFile, TableLine(data, "languages."+key), "languages.%s.%s: %v", key, k, err))
			}
		}
		langs.List = append(langs.List, lang)
	}
	if len(langs.List) == 0 {
		bad("default", "[languages] lists no language: add a table such as [languages.en] with name = \"English\"")
		return list
	}
	if langs.Default == "" {
		if len(langs.List) > 1 {
			bad("default", "languages.default is missing: which language is at the site's root?")
		}
		langs.Default = langs.List[0].Code
	}
	if _, ok := langs.Get(langs.Default); !ok {
		bad("default", "languages.default %q: no [languages.%s] table", langs.Default, langs.Default)
	}
	sort.Slice(langs.List, func(i, j int) bool {
		a, b := langs.List[i], langs.List[j]
		if (a.Code == langs.Default) != (b.Code == langs.Default) {
			return a.Code == langs.Default
		}
		if a.Weight != b.Weight {
			return a.Weight < b.Weight
		}
		return a.Code < b.Code
	})
	c.Languages = langs
	c.Language = langs.Default
	return list
}

func stringValue(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("want text")
	}
	if len(s) > 200 {
		return "", fmt.Errorf("longer than 200 bytes")
	}
	return s, nil
}

// TableLine finds the 1-based line of a [table] header, 0 when it cannot
// tell.
func TableLine(data []byte, table string) int {
	for i, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == "["+table+"]" {
			return i + 1
		}
	}
	return KeyLine(data, table)
}
