package config

import (
	"strings"
	"testing"
)

func TestLanguages(t *testing.T) {
	c, err := ParseConfig([]byte(`title = "x"
language = "fr"
[languages]
default = "en"
[languages.pt-br]
name = "Português"
weight = 1
[languages.de]
name = "Deutsch"
title = "x auf Deutsch"
weight = 1
[languages.en]
name = "English"
weight = 5
`))
	if err != nil {
		t.Fatalf("ParseConfig() = %v", err)
	}
	var codes []string
	for _, l := range c.Languages.List {
		codes = append(codes, l.Code)
	}
	// The default first, then by weight, then by code.
	if got := strings.Join(codes, " "); got != "en de pt-br" {
		t.Errorf("Languages.List = %s, want en de pt-br", got)
	}
	if c.Language != "en" {
		t.Errorf("Language = %q, want the default language en", c.Language)
	}
	if de, _ := c.Languages.Get("de"); de.Title != "x auf Deutsch" || de.Name != "Deutsch" {
		t.Errorf("Get(de) = %+v", de)
	}
	if p := c.Languages.Prefix("en"); p != "" {
		t.Errorf("Prefix(en) = %q, want the root", p)
	}
	if p := c.Languages.Prefix("pt-br"); p != "pt-br/" {
		t.Errorf("Prefix(pt-br) = %q", p)
	}
	c, err = ParseConfig([]byte("[languages]\ndefault = \"en\"\ndefaultInSubdir = true\n[languages.en]\n"))
	if err != nil {
		t.Fatalf("ParseConfig() = %v", err)
	}
	if p := c.Languages.Prefix("en"); p != "en/" {
		t.Errorf("Prefix(en) with defaultInSubdir = %q, want en/", p)
	}
	c, err = ParseConfig([]byte("title = \"x\"\n"))
	if err != nil || len(c.Languages.List) != 0 {
		t.Errorf("ParseConfig() without [languages] = %+v, %v: want no languages", c.Languages, err)
	}
}

func TestLanguagesErrors(t *testing.T) {
	for name, tt := range map[string]struct{ toml, want string }{
		"bad code":        {"[languages]\ndefault = \"en\"\n[languages.en]\n[languages.EN_us]\n", `folio.toml:4: languages.EN_us: want a lower-case language code`},
		"no default":      {"[languages]\n[languages.en]\n[languages.de]\n", "languages.default is missing"},
		"unknown default": {"[languages]\ndefault = \"fr\"\n[languages.en]\n", `folio.toml:2: languages.default "fr": no [languages.fr] table`},
		"unknown key":     {"[languages]\ndefault = \"en\"\n[languages.en]\nlabel = \"x\"\n", "folio.toml:3: languages.en.label: unknown key"},
		"not a table":     {"[languages]\ndefault = \"en\"\nen = \"English\"\n", "languages.en: want a table"},
		"name not text":   {"[languages]\ndefault = \"en\"\n[languages.en]\nname = 3\n", "languages.en.name: want text"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.toml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseConfig() = %v, want %q", err, tt.want)
			}
		})
	}
}
