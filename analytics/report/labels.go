package report

import (
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Referrer groups, the values of Row.Group in the referrers table and of
// Row.Value in the referrer_groups table.
const (
	GroupDirect   = "direct"
	GroupSearch   = "search"
	GroupSocial   = "social"
	GroupInternal = "internal"
	GroupPrivate  = "private"
	GroupWebsites = "websites"
)

var groupLabels = map[string]string{
	GroupDirect:   "Direct (no referrer)",
	GroupSearch:   "Search engines",
	GroupSocial:   "Social networks",
	GroupInternal: "This site",
	GroupPrivate:  "Private or local addresses",
	GroupWebsites: "Other websites",
}

// searchHosts and socialHosts are matched against a referrer host and its
// parent domains: "news.ycombinator.com" matches itself, "m.facebook.com"
// matches "facebook.com". The collector has already removed "www.".
var (
	searchHosts = set("bing.com", "duckduckgo.com", "search.yahoo.com", "yahoo.co.jp",
		"baidu.com", "ecosia.org", "qwant.com", "startpage.com", "search.brave.com",
		"kagi.com", "ask.com", "naver.com", "seznam.cz", "sogou.com", "so.com",
		"ya.ru", "yandex.ru", "yandex.com", "metager.org", "mojeek.com", "swisscows.com")
	// searchBrands are search engines with a site per country:
	// google.de, google.co.uk, yandex.com.tr.
	searchBrands = []string{"google.", "yandex."}
	socialHosts  = set("facebook.com", "instagram.com", "t.co", "twitter.com", "x.com",
		"linkedin.com", "lnkd.in", "reddit.com", "news.ycombinator.com", "lobste.rs",
		"mastodon.social", "bsky.app", "threads.net", "youtube.com", "pinterest.com",
		"tiktok.com", "tumblr.com", "vk.com", "weibo.com", "discord.com", "t.me",
		"telegram.org", "xing.com", "quora.com", "stackoverflow.com", "medium.com")
)

func set(items ...string) map[string]bool {
	m := make(map[string]bool, len(items))
	for _, s := range items {
		m[s] = true
	}
	return m
}

// referrerGroup sorts a stored referrer value into a group.
func referrerGroup(host string) string {
	switch host {
	case "(direct)":
		return GroupDirect
	case "(internal)":
		return GroupInternal
	case "(private)":
		return GroupPrivate
	}
	for _, b := range searchBrands {
		if strings.HasPrefix(host, b) {
			return GroupSearch
		}
	}
	for h := host; h != ""; {
		if searchHosts[h] {
			return GroupSearch
		}
		if socialHosts[h] {
			return GroupSocial
		}
		_, parent, ok := strings.Cut(h, ".")
		if !ok {
			break
		}
		h = parent
	}
	return GroupWebsites
}

// label turns a stored value into what a reader sees: a language or
// country name, a capitalised device class, an explained reason.
func label(table, value string) string {
	switch table {
	case "languages":
		if tag, err := language.Parse(value); err == nil {
			if name := display.English.Languages().Name(tag); name != "" {
				return name
			}
		}
	case "countries":
		if r, err := language.ParseRegion(value); err == nil {
			if name := display.English.Regions().Name(r); name != "" {
				return name
			}
		}
	case "devices":
		if value != "" {
			return strings.ToUpper(value[:1]) + value[1:]
		}
	case "referrers":
		switch value {
		case "(direct)", "(internal)", "(private)":
			return groupLabels[referrerGroup(value)]
		}
	case "referrer_groups":
		if l, ok := groupLabels[value]; ok {
			return l
		}
	case "filtered":
		if l, ok := reasonLabels[value]; ok {
			return l
		}
	}
	return value
}

var reasonLabels = map[string]string{
	"bot":          "Bots, crawlers and prefetches",
	"unknown-page": "Not a page of the site",
	"bad-request":  "Malformed requests",
	"rate-limited": "Over the rate limit",
	"origin":       "Sent from another origin",
}
