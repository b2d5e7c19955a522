package privacy

import (
	"net/netip"
	"slices"
	"strings"
	"sync"

	useragent "github.com/medama-io/go-useragent"
	"github.com/medama-io/go-useragent/agents"
	"golang.org/x/net/publicsuffix"
	"golang.org/x/text/language"
)

// maxHops bounds how many forwarding hops are examined, so a request with
// a huge client-IP header costs no more than a normal one.
const maxHops = 16

// DefaultClientIPHeader is the header a reverse proxy writes the client's
// address into, unless the operator names another.
const DefaultClientIPHeader = "X-Forwarded-For"

// ClientAddr finds the visitor's address: the TCP peer, or, when the peer
// is a trusted proxy, the right-most hop of the client-IP header that is
// not itself a trusted proxy. values are every value of the one header the
// operator named, in order; forwarded says it is RFC 7239 Forwarded, whose
// for= parameters are the hops, rather than a list of addresses such as
// X-Forwarded-For or X-Real-IP. No other header is ever looked at: a
// client can send any of them, and only the one the proxy overwrites is
// true. Hops further left were written by the client and could say
// anything.
//
// ignored reports a client-IP header from an untrusted peer, which is not
// believed; missing reports a trusted peer that sent none, whose own
// address is all there is.
func ClientAddr(remote string, values []string, forwarded bool, trusted []netip.Prefix) (addr netip.Addr, ignored, missing bool) {
	addr = parseHop(remote)
	if !addr.IsValid() || !isTrusted(addr, trusted) {
		return addr, len(values) > 0, false
	}
	if len(values) == 0 {
		return addr, false, true
	}
	if forwarded {
		hops := forwardedFor(values)
		for i, n := len(hops)-1, 0; i >= 0 && n < maxHops; i, n = i-1, n+1 {
			var done bool
			if addr, done = nextHop(addr, hops[i], trusted); done {
				break
			}
		}
		return addr, false, false
	}
	// The list is walked from its right end without splitting it, as
	// this runs for every event behind a proxy.
	n := 0
	for v := len(values) - 1; v >= 0; v-- {
		list := values[v]
		for n < maxHops {
			n++
			hop := list
			if i := strings.LastIndexByte(list, ','); i >= 0 {
				hop, list = list[i+1:], list[:i]
			} else {
				list = ""
			}
			var done bool
			if addr, done = nextHop(addr, hop, trusted); done {
				return addr, false, false
			}
			if list == "" {
				break
			}
		}
	}
	return addr, false, false
}

// nextHop moves one hop left: to the hop's address if it can be read.
// done is set when the walk ends, at the first untrusted address (the
// client) or at a hop that cannot be read ("unknown", an obfuscated name,
// garbage), where the nearest address read so far is the best there is.
func nextHop(cur netip.Addr, hop string, trusted []netip.Prefix) (netip.Addr, bool) {
	a := parseHop(hop)
	if !a.IsValid() {
		return cur, true
	}
	return a, !isTrusted(a, trusted)
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedFor extracts the for= parameters of RFC 7239 Forwarded values,
// in order.
func forwardedFor(values []string) []string {
	var out []string
	for _, v := range values {
		for elem := range strings.SplitSeq(v, ",") {
			for pair := range strings.SplitSeq(elem, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "for") {
					out = append(out, strings.Trim(strings.TrimSpace(val), `"`))
				}
			}
		}
	}
	return out
}

// parseHop reads an address written as 192.0.2.1, 192.0.2.1:80, 2001:db8::1
// or [2001:db8::1]:80, dropping the port and any zone.
func parseHop(s string) netip.Addr {
	s = strings.TrimSpace(s)
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone("")
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone("")
	}
	return netip.Addr{}
}

// Truncate keeps the network part of an address: the first 24 bits of IPv4
// and 48 bits of IPv6, enough for a country and a rate limit and too
// little to point at a household.
func Truncate(a netip.Addr) netip.Addr {
	if !a.IsValid() {
		return a
	}
	bits := 48
	if a.Is4() {
		bits = 24
	}
	p, err := a.Prefix(bits)
	if err != nil {
		return netip.Addr{}
	}
	return p.Addr()
}

// Agent is what is counted of a user agent.
type Agent struct {
	Browser, OS, Device string
}

// uaParser is made on first use: its tables take several megabytes, which
// a command that never reads a user agent, such as folio build, need not
// hold.
var uaParser = sync.OnceValue(useragent.NewParser)

// botWords are lower-case fragments of automated agents the trie parser
// does not mark as bots. "bot/" and "bot;" rather than "bot" alone, so a
// phone brand such as CUBOT is still a phone. Feed fetchers are named one
// by one, or known by the subscriber count they report, rather than by
// "feed", which would also drop the people reading in Feedly's browser.
// Synthetic monitors (Datadog, New Relic, Pingdom, WebPageTest's PTST)
// and AI agents fetching a page for someone are not readers on the page.
var botWords = []string{
	"bot/", "bot;", "bot)", "bot-", "crawl", "spider", "slurp", "scrape",
	"headless", "lighthouse", "phantomjs", "selenium", "puppeteer",
	"playwright", "http://", "https://", "wget", "curl", "python",
	"java/", "okhttp", "go-http", "libwww", "httpclient", "monitor",
	"uptime", "preview", "archiver", "fetcher", "feedburner", "feedbin",
	"feedparser", "subscribers", "synthetics", "pingdom", "ptst/",
	"claude-user", "chatgpt-user", "perplexity-user",
}

// families are browsers that the trie parser counts as the browser they
// are built on (Chrome, Safari), each known by a lower-case token of its
// own. The first match wins: the Quest browser also names Samsung's, and
// the Facebook and Instagram apps name no browser of their own.
var families = []struct{ token, name string }{
	{"oculusbrowser/", "Meta Quest Browser"},
	{"instagram ", "Instagram app"},
	{"fban/", "Facebook app"},
	{"fb_iab/", "Facebook app"},
	{"fbav/", "Facebook app"},
	{" gsa/", "Google app"},
	{"samsungbrowser/", "Samsung Internet"},
	{"ucbrowser/", "UC Browser"},
	{"yabrowser/", "Yandex Browser"},
	{"duckduckgo/", "DuckDuckGo"},
	{" ddg/", "DuckDuckGo"},
}

// ParseAgent reduces a User-Agent to browser family, OS family and device
// class. bot is true for empty, automated and unrecognisable agents.
func ParseAgent(ua string) (a Agent, bot bool) {
	if ua == "" || len(ua) > 1024 {
		return a, true
	}
	lower := strings.ToLower(ua)
	for _, w := range botWords {
		if strings.Contains(lower, w) {
			return a, true
		}
	}
	p := uaParser().Parse(ua)
	if p.IsBot() {
		return a, true
	}
	a.Browser, a.OS = string(p.Browser()), string(p.OS())
	if a.Browser == "" && a.OS == "" {
		return a, true
	}
	for _, f := range families {
		if strings.Contains(lower, f.token) {
			a.Browser = f.name
			break
		}
	}
	switch p.Device() {
	case agents.DeviceDesktop:
		a.Device = "desktop"
	case agents.DeviceMobile:
		a.Device = "mobile"
		// Android tablets are the Android agents without "Mobile".
		if p.OS() == agents.OSAndroid && !strings.Contains(ua, "Mobile") {
			a.Device = "tablet"
		}
	case agents.DeviceTablet:
		a.Device = "tablet"
	default:
		a.Device = Unknown
	}
	if a.Browser == "" {
		a.Browser = Unknown
	}
	if a.OS == "" {
		a.OS = Unknown
	}
	return a, false
}

// Language reduces an Accept-Language header to the base language of its
// first tag: "de-DE,de;q=0.9,en;q=0.8" gives "de".
func Language(header string) string {
	first, _, _ := strings.Cut(header, ",")
	first, _, _ = strings.Cut(first, ";")
	first = strings.TrimSpace(first)
	if first == "" || first == "*" || len(first) > 35 {
		return Unknown
	}
	tag, err := language.Parse(first)
	if err != nil {
		return Unknown
	}
	base, conf := tag.Base()
	if conf == language.No {
		return Unknown
	}
	return base.String()
}

// privateSuffixes are names for local networks that the public suffix list
// lists (home.arpa) or that must never count even if it one day did.
var privateSuffixes = []string{".localhost", ".local", ".home.arpa", ".internal", ".lan", ".intranet", ".corp"}

// ReferrerHost reduces a referrer URL to what is counted: its host in lower
// case without "www.", AppReferrer and the package name for an Android app,
// IOSAppReferrer and the App Store id for an iOS app,
// (direct) when there is none, (internal) for one of
// siteHosts, and (private) for addresses and names that only mean something
// on the visitor's own network, so a reader's LAN or intranet never reaches
// the store. ok is false for referrers that are not counted at all
// (other schemes, garbage).
func ReferrerHost(raw string, siteHosts []string) (host string, ok bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return Direct, true
	}
	if len(raw) > 2048 {
		return "", false
	}
	// Only the host is wanted, so rather than net/url (which costs as
	// much as the rest of the filter) the authority is cut out by hand;
	// whatever is odd about it fails the strict character check below.
	var rest string
	switch {
	case hasPrefixFold(raw, "https://"):
		rest = raw[len("https://"):]
	case hasPrefixFold(raw, "http://"):
		rest = raw[len("http://"):]
	case hasPrefixFold(raw, "android-app://"):
		return appReferrer(AppReferrer, raw[len("android-app://"):])
	case hasPrefixFold(raw, "ios-app://"):
		return appReferrer(IOSAppReferrer, raw[len("ios-app://"):])
	default:
		return "", false
	}
	if i := strings.IndexAny(rest, "/?#\\"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return "", false
		}
		a, err := netip.ParseAddr(rest[1:end])
		if err != nil {
			return "", false
		}
		if slices.Contains(siteHosts, a.String()) {
			return Internal, true
		}
		return Private, true
	}
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		for _, c := range rest[i+1:] {
			if c < '0' || c > '9' {
				return "", false
			}
		}
		rest = rest[:i]
	}
	host = strings.TrimSuffix(strings.ToLower(rest), ".")
	if host == "" || len(host) > 253 {
		return "", false
	}
	for _, c := range host {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			// Browsers send names in their ASCII (punycode) form;
			// anything else is not from a browser.
			return "", false
		}
	}
	host = strings.TrimPrefix(host, "www.")
	// The site's own host first: under folio serve it is 127.0.0.1 or
	// localhost, which would otherwise count as private.
	if slices.Contains(siteHosts, host) {
		return Internal, true
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return Private, true
	}
	if host == "localhost" {
		return Private, true
	}
	for _, s := range privateSuffixes {
		if strings.HasSuffix(host, s) {
			return Private, true
		}
	}
	// A name under no listed suffix (say intranet.example-corp) can only
	// resolve inside some private network: the list's default rule then
	// yields its last label, which is not ICANN's and contains no dot,
	// whereas every privately registered suffix (github.io) has one.
	suffix, icann := publicsuffix.PublicSuffix(host)
	if !icann && !strings.Contains(suffix, ".") {
		return Private, true
	}
	if !strings.Contains(host, ".") {
		return Private, true
	}
	return host, true
}

// appReferrer keeps the package name of an android-app:// referrer, or
// the App Store id of an ios-app:// one, which names the app the reader
// came from, after prefix; what follows it (the scheme and host an iOS
// app adds, say) is dropped, as the path of a web referrer is.
func appReferrer(prefix, rest string) (string, bool) {
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if rest == "" || len(rest) > 253-len(prefix) {
		return "", false
	}
	for i := 0; i < len(rest); i++ {
		// Package names are letters, digits, "_" and "."; a few apps
		// send a host name instead, hence "-". App Store ids are digits.
		c := rest[i] | 0x20
		if !(c >= 'a' && c <= 'z' || rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.' || rest[i] == '_' || rest[i] == '-') {
			return "", false
		}
	}
	return prefix + strings.ToLower(rest), true
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
