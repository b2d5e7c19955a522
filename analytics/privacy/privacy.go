// Package privacy turns the facts of one page-view request into the few
// coarse values Folio counts, or into the reason it is not counted.
//
// It is the only place that sees a visitor's address and user agent, and it
// keeps neither: Filter.Apply reads the request's facts and returns a Record
// that holds a path of the site, browser and OS families, a device class, a
// base language, a referrer host (or Android app) and a country, plus the
// address truncated to its /24 (IPv4) or /48 (IPv6) network for in-memory
// use only (rate limiting and the daily visitors count). The full address
// never leaves Apply, and the truncated one prints as "[address]" however
// it is formatted or logged, so a careless log line cannot leak it.
//
// Apply is a pure function of its input and the Filter's fixed
// configuration: it has no clock, no counters and no I/O besides read-only
// lookups in the set of known pages and the country database. Everything
// stateful (rate limits, day buckets, distinct-value caps) lives in the
// collector that calls it.
//
// Rules, in the order they are applied:
//
//   - DNT: 1 or Sec-GPC: 1: rejected with dnt or gpc, and the caller stores
//     nothing at all, not even that a request was filtered.
//   - The event must parse (JSON {"p": path, "r": referrer} of the beacon, or
//     the p query parameter of the pixel) and the path must start with "/",
//     be at most 512 bytes, valid UTF-8 without control characters: else
//     bad-request. Query and fragment are dropped, the path is
//     percent-decoded and "index.html" and a missing trailing slash are
//     normalised, so /docs/a, /docs/a/ and /docs/a/index.html count as one.
//   - Empty, bot, crawler, headless and unrecognisable user agents, and
//     prefetches (Sec-Purpose or Purpose: prefetch) are rejected with bot:
//     none of them is a person reading a page.
//   - A beacon or a pixel must carry an Origin (or else a Referer) of the
//     site: else origin.
//   - The path must be a page of the built site: else unknown-page.
package privacy

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// Reason says why a request was not counted. The empty Reason means it was.
type Reason string

// The reasons a request is not counted. They are also the values of the
// X-Folio-Reason response header and of dropped.reason in the store.
const (
	Accepted    Reason = ""
	Bot         Reason = "bot"
	DNT         Reason = "dnt"
	GPC         Reason = "gpc"
	UnknownPage Reason = "unknown-page"
	BadRequest  Reason = "bad-request"
	RateLimited Reason = "rate-limited"
	Origin      Reason = "origin"
)

// Stored reports whether a rejection for r may be counted in the dropped
// table. A visitor who asked not to be tracked leaves no trace at all.
func (r Reason) Stored() bool {
	return r != Accepted && r != DNT && r != GPC
}

// Values used in place of a dimension the request does not tell.
const (
	Unknown  = "(unknown)"
	Direct   = "(direct)"
	Internal = "(internal)"
	Private  = "(private)"
)

// AppReferrer begins the referrer value of an Android app, which sends
// android-app://package.name as its referrer: "android-app:" and the
// package name, in lower case.
const AppReferrer = "android-app:"

// IOSAppReferrer begins the referrer value of an iOS app, which sends
// ios-app://app-id/scheme/host: "ios-app:" and the App Store id (or
// whatever name the app sends there), in lower case.
const IOSAppReferrer = "ios-app:"

// MaxPath is the longest path, in bytes as sent, that is counted.
const MaxPath = 512

// Facts are what the HTTP handler read from one request: the values of a
// few headers and the event itself, nothing else.
type Facts struct {
	// Pixel is true for GET /api/event.gif: the path comes from PixelPath
	// and there is no referrer.
	Pixel bool
	// RemoteAddr is http.Request.RemoteAddr, the TCP peer.
	RemoteAddr string
	// ClientIP is every value, in order, of the one header named by
	// Config.ClientIPHeader (Filter.ClientIPHeader). It is believed only
	// when RemoteAddr is a trusted proxy.
	ClientIP []string

	UserAgent      string
	AcceptLanguage string
	DNT            string // DNT header
	GPC            string // Sec-GPC header
	Purpose        string // Sec-Purpose, or else Purpose
	Origin         string // Origin header
	Referer        string // Referer header: the page that sent the event

	Body      []byte // POST body
	PixelPath string // the p query parameter of the pixel
}

// Addr is a client address truncated to its network. It is comparable, so
// it can key an in-memory map, and every way of printing or logging it
// gives "[address]".
type Addr struct{ ip netip.Addr }

// IsValid reports whether the request had a usable address.
func (a Addr) IsValid() bool { return a.ip.IsValid() }

// Key is the 16-byte form of the truncated address, for in-memory maps and
// keyed hashes only. Never store or log it.
func (a Addr) Key() [16]byte { return a.ip.As16() }

// String hides the address so that %v and %s print nothing useful.
func (a Addr) String() string { return "[address]" }

// Format hides the address from every fmt verb, %#v and %x included.
func (a Addr) Format(f fmt.State, _ rune) { fmt.Fprint(f, "[address]") }

// LogValue hides the address from log/slog.
func (a Addr) LogValue() slog.Value { return slog.StringValue("[address]") }

// MarshalText hides the address from encoders such as encoding/json.
func (a Addr) MarshalText() ([]byte, error) { return []byte("[address]"), nil }

// Record is what is counted of one accepted page view.
type Record struct {
	Path     string
	Browser  string
	OS       string
	Device   string // desktop, mobile, tablet or (unknown)
	Language string // base language such as "de", or (unknown)
	Referrer string // host, android-app:package, ios-app:id, (direct), (internal) or (private); "" when not counted
	Country  string // ISO 3166 code or (unknown); "" without a country database
	// Source, Medium and Campaign come from utm_source (or ref),
	// utm_medium and utm_campaign of the page's address, lower-cased and
	// cut to MaxCampaign bytes; "" when absent.
	Source, Medium, Campaign string
	// Kind is "" for a page view, or what else happened on the page
	// (Path): outbound, download or event, named by Name; or not-found,
	// when Path is the missing page the not-found page was shown for.
	Kind, Name string
	Addr       Addr // for rate limiting and the visitors count, in memory only
}

// Event kinds besides a page view (Record.Kind).
const (
	KindOutbound = "outbound"
	KindDownload = "download"
	KindEvent    = "event"
	KindNotFound = "not-found"
)

// MaxCampaign is the longest campaign value, and MaxName the longest
// event name, kept (in bytes; longer ones are cut at a character boundary).
const (
	MaxCampaign = 64
	MaxName     = 64
)

// Result is the outcome of Apply.
type Result struct {
	Record
	Reason Reason
	// ForwardedIgnored is set when the request carried the client-IP
	// header from a peer outside the trusted proxies: a hint for the
	// operator that -trusted-proxies is probably missing.
	ForwardedIgnored bool
	// ClientIPMissing is set when a trusted proxy sent no client-IP
	// header: a hint that the proxy sets another one than the operator
	// named.
	ClientIPMissing bool
}

// Pages is the set of paths that are pages of the site.
type Pages interface {
	// Has reports whether path, already normalised by Apply, is a page.
	Has(path string) bool
}

// Countries looks up the country of an address.
type Countries interface {
	// Country returns the ISO 3166-1 alpha-2 code, or "" if unknown.
	Country(netip.Addr) string
}

// Config is the fixed configuration of a Filter.
type Config struct {
	// Origins are the site's origins, such as "https://example.org"; any
	// URL is reduced to its origin. Empty accepts every origin.
	Origins []string
	// TrustedProxies are the networks whose client-IP header is
	// believed.
	TrustedProxies []netip.Prefix
	// ClientIPHeader is the one header that a trusted proxy writes the
	// client's address into, DefaultClientIPHeader when empty. Every
	// other forwarding header (Forwarded, X-Real-IP, ...) is the client's
	// word and ignored. "Forwarded" is read as RFC 7239; any other header
	// as a comma-separated list of addresses.
	ClientIPHeader string
	// Pages, when set, limits counting to the site's pages.
	Pages Pages
	// Countries, when set, adds the country dimension.
	Countries Countries
}

// Filter applies the privacy rules. It is safe for concurrent use.
type Filter struct {
	origins   []string // normalised scheme://host[:port]
	siteHosts []string // host names of origins, without www.
	trusted   []netip.Prefix
	ipHeader  string // canonical form
	forwarded bool   // ipHeader is RFC 7239 Forwarded
	pages     Pages
	countries Countries
	agents    *memo[agentResult]
	languages *memo[string]
}

type agentResult struct {
	Agent
	bot bool
}

func parseAgentResult(ua string) agentResult {
	a, bot := ParseAgent(ua)
	return agentResult{a, bot}
}

// New checks cfg and returns a Filter.
func New(cfg Config) (*Filter, error) {
	f := &Filter{
		pages:     cfg.Pages,
		countries: cfg.Countries,
		agents:    newMemo[agentResult](),
		languages: newMemo[string](),
	}
	for _, o := range cfg.Origins {
		norm, ok := originOf(o)
		if !ok {
			return nil, fmt.Errorf("origin %q: want an absolute http(s) URL such as https://example.org", o)
		}
		if !slices.Contains(f.origins, norm) {
			f.origins = append(f.origins, norm)
		}
		u, _ := url.Parse(norm)
		host := u.Hostname()
		if a, err := netip.ParseAddr(host); err == nil {
			host = a.String() // the form ReferrerHost compares with
		}
		f.siteHosts = append(f.siteHosts, strings.TrimPrefix(host, "www."))
	}
	f.ipHeader = cfg.ClientIPHeader
	if f.ipHeader == "" {
		f.ipHeader = DefaultClientIPHeader
	}
	if !validHeaderName(f.ipHeader) {
		return nil, fmt.Errorf("client IP header %q: want a header name such as X-Forwarded-For", f.ipHeader)
	}
	f.ipHeader = textproto.CanonicalMIMEHeaderKey(f.ipHeader)
	f.forwarded = f.ipHeader == "Forwarded"
	for _, p := range cfg.TrustedProxies {
		if !p.IsValid() {
			return nil, errors.New("trusted proxies: invalid network")
		}
		f.trusted = append(f.trusted, p.Masked())
	}
	return f, nil
}

// ClientIPHeader is the canonical name of the header whose values go into
// Facts.ClientIP.
func (f *Filter) ClientIPHeader() string { return f.ipHeader }

// validHeaderName reports whether s is an HTTP header name of the usual
// kind: letters, digits and dashes.
func validHeaderName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// Apply decides what of one request is counted.
func (f *Filter) Apply(in *Facts) Result {
	// Checked before anything else is even parsed: these visitors asked
	// not to be counted, so nothing about them is looked at.
	if headerIsOne(in.DNT) {
		return Result{Reason: DNT}
	}
	if headerIsOne(in.GPC) {
		return Result{Reason: GPC}
	}

	var res Result
	var ev Event
	if in.Pixel {
		ev.Path = in.PixelPath
	} else {
		var err error
		if ev, err = ParseEvent(in.Body); err != nil {
			res.Reason = BadRequest
			return res
		}
	}
	p, ok := NormalizePath(ev.Path)
	if !ok {
		res.Reason = BadRequest
		return res
	}
	if strings.Contains(strings.ToLower(in.Purpose), "prefetch") {
		res.Reason = Bot
		return res
	}
	agent := f.agents.get(in.UserAgent, parseAgentResult)
	if agent.bot {
		res.Reason = Bot
		return res
	}
	if !f.originAllowed(in) {
		res.Reason = Origin
		return res
	}
	kind, name, ok := eventName(ev.Kind, ev.Name)
	if !ok {
		res.Reason = BadRequest
		return res
	}
	if kind == KindNotFound {
		// The not-found page counts the missing path, which is never a
		// page; a page reported as missing is a forgery.
		if f.pages != nil && f.pages.Has(p) {
			res.Reason = BadRequest
			return res
		}
	} else if f.pages != nil && !f.pages.Has(p) {
		res.Reason = UnknownPage
		return res
	}

	ip, ignored, missing := ClientAddr(in.RemoteAddr, in.ClientIP, f.forwarded, f.trusted)
	res.ForwardedIgnored, res.ClientIPMissing = ignored, missing
	ip = Truncate(ip)

	res.Path = p
	res.Kind, res.Name = kind, name
	res.Source, res.Medium, res.Campaign = campaign(ev.Source), campaign(ev.Medium), campaign(ev.Campaign)
	res.Browser, res.OS, res.Device = agent.Browser, agent.OS, agent.Device
	res.Language = f.languages.get(in.AcceptLanguage, Language)
	if !in.Pixel {
		res.Referrer, _ = ReferrerHost(ev.Referrer, f.siteHosts)
	}
	if f.countries != nil {
		res.Country = Unknown
		if ip.IsValid() {
			if c := f.countries.Country(ip); validCountry(c) {
				res.Country = c
			}
		}
	}
	res.Addr = Addr{ip}
	return res
}

func headerIsOne(v string) bool {
	return strings.TrimSpace(v) == "1"
}

func validCountry(c string) bool {
	return len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z'
}

// originAllowed applies the origin rule, to the beacon and the pixel
// alike: the Origin (or else the Referer, which is all an <img> sends)
// must be the site's. A request with neither is refused: any other page
// can embed the pixel with referrerpolicy="no-referrer", so a missing
// Referer proves nothing about where a view happened.
func (f *Filter) originAllowed(in *Facts) bool {
	if len(f.origins) == 0 {
		return true
	}
	src := in.Origin
	if src == "" {
		src = in.Referer
	}
	if src == "" {
		return false
	}
	// Browsers send the Origin header in the normalised form already.
	if slices.Contains(f.origins, src) {
		return true
	}
	o, ok := originOf(src)
	if !ok {
		return false
	}
	for _, allowed := range f.origins {
		if o == allowed {
			return true
		}
	}
	return false
}

// originOf reduces an absolute http(s) URL to scheme://host[:port], in lower
// case and without a default port, so that equal origins compare equal.
func originOf(raw string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || u.User != nil {
		return "", false
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", false
	}
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host, true
}

// Event is the payload of a beacon.
type Event struct {
	Path     string `json:"p"`
	Referrer string `json:"r"`
	// Source, Medium and Campaign are the page address's utm_source (or
	// ref), utm_medium and utm_campaign; nothing else of the query.
	Source   string `json:"s"`
	Medium   string `json:"m"`
	Campaign string `json:"c"`
	// Kind and Name say what happened besides a view: see Record.Kind.
	Kind string `json:"e"`
	Name string `json:"n"`
}

// ErrBadEvent is returned by ParseEvent for a body that is not an event.
var ErrBadEvent = errors.New("not an event")

// ParseEvent parses a beacon body: a JSON object with the page's path in
// "p" and document.referrer in "r". Other members are ignored so that a
// newer script still counts with an older collector.
func ParseEvent(body []byte) (Event, error) {
	if ev, hasPath, ok := parseEventFast(body); ok {
		if !hasPath {
			return Event{}, ErrBadEvent
		}
		return ev, nil
	}
	var raw struct {
		P *string `json:"p"`
		R *string `json:"r"`
		S *string `json:"s"`
		M *string `json:"m"`
		C *string `json:"c"`
		E *string `json:"e"`
		N *string `json:"n"`
	}
	if err := json.Unmarshal(body, &raw); err != nil || raw.P == nil {
		return Event{}, ErrBadEvent
	}
	ev := Event{Path: *raw.P}
	for _, f := range []struct {
		dst *string
		src *string
	}{{&ev.Referrer, raw.R}, {&ev.Source, raw.S}, {&ev.Medium, raw.M}, {&ev.Campaign, raw.C}, {&ev.Kind, raw.E}, {&ev.Name, raw.N}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	return ev, nil
}

// campaign cleans a utm_* value: lower case, trimmed, at most MaxCampaign
// bytes, and "" when it holds control characters.
func campaign(v string) string {
	if v == "" {
		return ""
	}
	v = strings.ToLower(strings.TrimSpace(cut(v, 4*MaxCampaign)))
	if !cleanText(v) {
		return ""
	}
	return strings.TrimSpace(cut(v, MaxCampaign))
}

// cut shortens s to at most n bytes without splitting a character.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// eventName checks the kind and name of an event: an outbound host name,
// the path of a downloaded file, or a name an editor gave an element.
func eventName(kind, name string) (string, string, bool) {
	switch kind {
	case "":
		return "", "", name == ""
	case KindNotFound:
		return kind, "", name == ""
	case KindOutbound:
		host := strings.TrimPrefix(strings.ToLower(name), "www.")
		if host == "" || len(host) > 253 || strings.Trim(host, "abcdefghijklmnopqrstuvwxyz0123456789.-") != "" {
			return "", "", false
		}
		return kind, host, true
	case KindDownload:
		if name == "" || name[0] != '/' || len(name) > MaxPath || strings.ContainsAny(name, "?#") || !cleanText(name) {
			return "", "", false
		}
		if strings.IndexByte(name, '%') >= 0 {
			p, err := url.PathUnescape(name)
			if err != nil || !cleanText(p) {
				return "", "", false
			}
			name = p
		}
		return kind, name, true
	case KindEvent:
		name = strings.TrimSpace(name)
		if name == "" || len(name) > MaxName || !cleanText(name) {
			return "", "", false
		}
		return kind, name, true
	}
	return "", "", false
}

// NormalizePath checks a path as sent by a browser (location.pathname,
// percent-encoded) and returns its decoded, normalised form: query and
// fragment dropped, a trailing "index.html" removed and a trailing slash
// added, so that every spelling of a page counts as the same page.
func NormalizePath(raw string) (string, bool) {
	if raw == "" || raw[0] != '/' || len(raw) > MaxPath {
		return "", false
	}
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i]
	}
	if !cleanText(raw) {
		return "", false
	}
	p := raw
	if strings.IndexByte(raw, '%') >= 0 {
		var err error
		if p, err = url.PathUnescape(raw); err != nil || !cleanText(p) {
			return "", false
		}
	}
	if strings.HasSuffix(p, "/index.html") {
		p = p[:len(p)-len("index.html")]
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p, true
}

// cleanText reports whether s is valid UTF-8 without control characters
// (C0, DEL and C1), which have no business in a path or a log.
func cleanText(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || (r >= 0x80 && r <= 0x9f) {
			return false
		}
		i += size
	}
	return true
}
