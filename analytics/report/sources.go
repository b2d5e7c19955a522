package report

import (
	"embed"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
	"golang.org/x/net/publicsuffix"
)

// The search engines, social networks and AI assistants of Matomo's
// searchengine-and-social-list, copied unchanged (sources/README.md says
// from where, and under which licence). A newer copy can replace them.
//
//go:embed sources/SearchEngines.yml sources/Socials.yml sources/AIAssistants.yml supplement.yml
var sourceFiles embed.FS

// supplementFile holds Folio's own additions to the lists (newer search
// engines and social networks, iOS apps), kept apart from the copies so
// that those stay as upstream has them.
const supplementFile = "supplement.yml"

// fediverseLabels are first labels of a host name that Mastodon servers
// take: mastodon.scot, mstdn.ca. There are too many servers to list.
var fediverseLabels = []string{"mastodon", "mstdn"}

// referrerSource is a named site of the lists and its group.
type referrerSource struct{ name, group string }

// sourceList maps the hosts (and Android package names) of the lists to
// their source. Search engines are matched as the lists mean them: by the
// host, where "{}" stands for a country's domain (google.{}) or a
// subdomain ({}.bing.com). Social networks and AI assistants also match
// their subdomains, so lm.facebook.com is Facebook.
type sourceList struct {
	exact map[string]referrerSource
	// withSubdomains holds the social and AI hosts again, for a match
	// on a parent domain.
	withSubdomains map[string]referrerSource
}

// sources reads the embedded lists on first use: only reports need them,
// never the collector.
var sources = sync.OnceValue(func() *sourceList {
	l, err := loadSources()
	if err != nil {
		// The files are part of the program and a test loads them.
		panic(err)
	}
	return l
})

func loadSources() (*sourceList, error) {
	l := &sourceList{exact: map[string]referrerSource{}, withSubdomains: map[string]referrerSource{}}
	var search map[string][]struct {
		URLs []string `yaml:"urls"`
	}
	if err := readSourceFile("sources/SearchEngines.yml", &search); err != nil {
		return nil, err
	}
	names := make(map[string][]string, len(search))
	for name, defs := range search {
		for _, d := range defs {
			names[name] = append(names[name], d.URLs...)
		}
	}
	var supplement struct {
		Search map[string][]string `yaml:"search"`
		Social map[string][]string `yaml:"social"`
	}
	if err := readSourceFile(supplementFile, &supplement); err != nil {
		return nil, err
	}
	l.add(names, GroupSearch, false)
	l.add(supplement.Search, GroupSearch, false)
	// Socials and AI assistants come after search engines and win:
	// facebook.com is in both lists, for its search box and as itself.
	for _, f := range []struct{ file, group string }{{"sources/Socials.yml", GroupSocial}, {"sources/AIAssistants.yml", GroupAI}} {
		var hosts map[string][]string
		if err := readSourceFile(f.file, &hosts); err != nil {
			return nil, err
		}
		l.add(hosts, f.group, true)
	}
	l.add(supplement.Social, GroupSocial, true)
	return l, nil
}

func readSourceFile(name string, v any) error {
	b, err := sourceFiles.ReadFile(name)
	if err != nil {
		return fmt.Errorf("referrer list %s: %w", name, err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		return fmt.Errorf("referrer list %s: %w", name, err)
	}
	return nil
}

// add enters the hosts of one list. A name that extends another name of
// the same list by a word is that source: "Google News" and "Google
// Images" are Google, "Bing Images" is Bing.
func (l *sourceList) add(list map[string][]string, group string, subdomains bool) {
	all := make([]string, 0, len(list))
	for name := range list {
		all = append(all, name)
	}
	// Sorted, so that a host listed under two names always gets the same.
	sort.Strings(all)
	for _, name := range all {
		s := referrerSource{name: brand(name, list), group: group}
		for _, u := range list[name] {
			key := strings.ToLower(strings.TrimSpace(u))
			key = strings.TrimPrefix(key, "android-app://")
			if id, ok := strings.CutPrefix(key, "ios-app://"); ok {
				// Kept whole: an App Store id is a number, no host.
				key = iosAppPrefix + id
			}
			if key == "" || strings.ContainsAny(key, "/ ") {
				// Matched on a path, which Folio never keeps.
				continue
			}
			key = strings.TrimPrefix(key, "www.")
			l.exact[key] = s
			if subdomains {
				l.withSubdomains[key] = s
			}
		}
	}
}

// brand is the shortest name of the list that name extends by words.
func brand(name string, list map[string][]string) string {
	best := name
	for other := range list {
		if len(other) < len(best) && strings.HasPrefix(name, other+" ") {
			best = other
		}
	}
	if n, err := url.PathUnescape(best); err == nil {
		best = n // "Google%2B" is Google+
	}
	return best
}

// lookup finds the source of a host or package name, stored in lower case
// without "www.".
func (l *sourceList) lookup(host string) (referrerSource, bool) {
	if s, ok := l.exact[host]; ok {
		return s, true
	}
	// google.co.uk as google.{}; only under a public suffix of ICANN's,
	// so that google.github.io is not Google.
	if suffix, icann := publicsuffix.PublicSuffix(host); icann && len(suffix) < len(host) {
		if s, ok := l.exact[host[:len(host)-len(suffix)]+"{}"]; ok {
			return s, true
		}
	}
	first, parent, ok := strings.Cut(host, ".")
	if !ok {
		return referrerSource{}, false
	}
	if slices.Contains(fediverseLabels, first) {
		return referrerSource{name: "Mastodon", group: GroupSocial}, true
	}
	if s, ok := l.exact["{}."+parent]; ok {
		return s, true
	}
	for h := parent; ; {
		if s, ok := l.withSubdomains[h]; ok {
			return s, true
		}
		var more bool
		if _, h, more = strings.Cut(h, "."); !more {
			return referrerSource{}, false
		}
	}
}
