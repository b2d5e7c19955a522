package privacy

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"testing"
	"unicode/utf8"
)

const (
	chrome  = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
	firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"
	iphone  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
	ipad    = "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
	site    = "https://docs.example.org"
)

type pageSet map[string]bool

func (s pageSet) Has(p string) bool { return s[p] }

type countryMap map[netip.Addr]string

func (m countryMap) Country(a netip.Addr) string { return m[a] }

func testFilter(t *testing.T) *Filter {
	t.Helper()
	f, err := New(Config{
		Origins:        []string{site + "/"},
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")},
		Pages:          pageSet{"/": true, "/docs/": true, "/docs/setup/": true, "/über/": true},
		Countries: countryMap{
			netip.MustParseAddr("203.0.113.0"):     "DE",
			netip.MustParseAddr("2001:db8:1234::"): "FR",
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// beacon returns the facts of a typical accepted beacon from 203.0.113.77.
func beacon(edit func(*Facts)) *Facts {
	f := &Facts{
		RemoteAddr:     "203.0.113.77:50000",
		UserAgent:      chrome,
		AcceptLanguage: "de-DE,de;q=0.9,en;q=0.8",
		Origin:         site,
		Body:           []byte(`{"p":"/docs/","r":"https://www.Search.example.com/q?x=1"}`),
	}
	if edit != nil {
		edit(f)
	}
	return f
}

func TestApply(t *testing.T) {
	f := testFilter(t)
	tests := []struct {
		name  string
		facts *Facts
		want  Result
	}{
		{"accepted", beacon(nil), Result{Record: Record{
			Path: "/docs/", Browser: "Chrome", OS: "Windows", Device: "desktop",
			Language: "de", Referrer: "search.example.com", Country: "DE",
		}}},
		{"dnt", beacon(func(f *Facts) { f.DNT = "1" }), Result{Reason: DNT}},
		{"gpc", beacon(func(f *Facts) { f.GPC = "1" }), Result{Reason: GPC}},
		{"dnt wins over a bad body", beacon(func(f *Facts) { f.DNT = "1"; f.Body = []byte("junk") }), Result{Reason: DNT}},
		{"dnt 0 counts", beacon(func(f *Facts) { f.DNT = "0" }), Result{Record: Record{
			Path: "/docs/", Browser: "Chrome", OS: "Windows", Device: "desktop",
			Language: "de", Referrer: "search.example.com", Country: "DE",
		}}},
		{"not json", beacon(func(f *Facts) { f.Body = []byte("p=/docs/") }), Result{Reason: BadRequest}},
		{"no path", beacon(func(f *Facts) { f.Body = []byte(`{"r":""}`) }), Result{Reason: BadRequest}},
		{"relative path", beacon(func(f *Facts) { f.Body = []byte(`{"p":"docs/"}`) }), Result{Reason: BadRequest}},
		{"absolute url as path", beacon(func(f *Facts) { f.Body = []byte(`{"p":"https://evil.example/"}`) }), Result{Reason: BadRequest}},
		{"control character", beacon(func(f *Facts) { f.Body = []byte(`{"p":"/docs/\u0007"}`) }), Result{Reason: BadRequest}},
		{"encoded control character", beacon(func(f *Facts) { f.Body = []byte(`{"p":"/docs/%0a"}`) }), Result{Reason: BadRequest}},
		{"bad escape", beacon(func(f *Facts) { f.Body = []byte(`{"p":"/docs/%zz"}`) }), Result{Reason: BadRequest}},
		{"too long", beacon(func(f *Facts) { f.Body = []byte(`{"p":"/` + strings.Repeat("a", MaxPath) + `"}`) }), Result{Reason: BadRequest}},
		{"empty agent", beacon(func(f *Facts) { f.UserAgent = "" }), Result{Reason: Bot}},
		{"crawler", beacon(func(f *Facts) {
			f.UserAgent = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
		}), Result{Reason: Bot}},
		{"headless", beacon(func(f *Facts) {
			f.UserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36"
		}), Result{Reason: Bot}},
		{"prefetch", beacon(func(f *Facts) { f.Purpose = "prefetch;prerender" }), Result{Reason: Bot}},
		{"foreign origin", beacon(func(f *Facts) { f.Origin = "https://evil.example" }), Result{Reason: Origin}},
		{"null origin", beacon(func(f *Facts) { f.Origin = "null" }), Result{Reason: Origin}},
		{"no origin, site referer", beacon(func(f *Facts) { f.Origin = ""; f.Referer = site + "/docs/" }), Result{Record: Record{
			Path: "/docs/", Browser: "Chrome", OS: "Windows", Device: "desktop",
			Language: "de", Referrer: "search.example.com", Country: "DE",
		}}},
		{"no origin at all", beacon(func(f *Facts) { f.Origin = "" }), Result{Reason: Origin}},
		{"unknown page", beacon(func(f *Facts) { f.Body = []byte(`{"p":"/wp-admin/"}`) }), Result{Reason: UnknownPage}},
		{"query and fragment dropped, slash added", beacon(func(f *Facts) {
			f.Body = []byte(`{"p":"/docs/setup?utm_source=mail#install","r":""}`)
		}), Result{Record: Record{
			Path: "/docs/setup/", Browser: "Chrome", OS: "Windows", Device: "desktop",
			Language: "de", Referrer: Direct, Country: "DE",
		}}},
		{"percent-encoded page", beacon(func(f *Facts) {
			f.Body = []byte(`{"p":"/%C3%BCber/index.html","r":"https://docs.example.org/docs/"}`)
		}), Result{Record: Record{
			Path: "/über/", Browser: "Chrome", OS: "Windows", Device: "desktop",
			Language: "de", Referrer: Internal, Country: "DE",
		}}},
		{"pixel", &Facts{
			Pixel: true, RemoteAddr: "[2001:db8:1234:5678::1]:443", UserAgent: iphone,
			AcceptLanguage: "fr-CA", PixelPath: "/", Referer: site + "/",
		}, Result{Record: Record{
			Path: "/", Browser: "Safari", OS: "iOS", Device: "mobile", Language: "fr", Country: "FR",
		}}},
		{"pixel with the site's origin only", &Facts{
			Pixel: true, RemoteAddr: "198.51.100.7:1", UserAgent: ipad, PixelPath: "/docs/", Referer: site,
		}, Result{Record: Record{
			Path: "/docs/", Browser: "Safari", OS: "iOS", Device: "tablet", Language: Unknown, Country: Unknown,
		}}},
		{"pixel with an Origin header", &Facts{
			Pixel: true, RemoteAddr: "198.51.100.7:1", UserAgent: ipad, PixelPath: "/docs/", Origin: site,
		}, Result{Record: Record{
			Path: "/docs/", Browser: "Safari", OS: "iOS", Device: "tablet", Language: Unknown, Country: Unknown,
		}}},
		// Another site can embed the pixel with referrerpolicy="no-referrer"
		// and add its readers' views: without a Referer there is no telling.
		{"pixel without referer", &Facts{
			Pixel: true, RemoteAddr: "198.51.100.7:1", UserAgent: ipad, PixelPath: "/docs/",
		}, Result{Reason: Origin}},
		{"pixel from another site", &Facts{
			Pixel: true, RemoteAddr: "198.51.100.7:1", UserAgent: ipad, PixelPath: "/docs/", Referer: "https://evil.example/",
		}, Result{Reason: Origin}},
		{"through a trusted proxy", beacon(func(f *Facts) {
			f.RemoteAddr = "10.1.2.3:4444"
			f.ClientIP = []string{"198.51.100.1, 203.0.113.77", "10.9.9.9"}
		}), Result{Record: Record{
			Path: "/docs/", Browser: "Chrome", OS: "Windows", Device: "desktop",
			Language: "de", Referrer: "search.example.com", Country: "DE",
		}}},
		{"forwarding header from an untrusted peer", beacon(func(f *Facts) {
			f.RemoteAddr = "198.51.100.9:4444"
			f.ClientIP = []string{"203.0.113.77"}
		}), Result{ForwardedIgnored: true, Record: Record{
			Path: "/docs/", Browser: "Chrome", OS: "Windows", Device: "desktop",
			Language: "de", Referrer: "search.example.com", Country: Unknown,
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := f.Apply(tt.facts)
			got.Addr = Addr{} // checked in TestApplyTruncatesAddress
			if got != tt.want {
				t.Errorf("Apply() = %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestApplyTruncatesAddress(t *testing.T) {
	f := testFilter(t)
	tests := []struct {
		facts *Facts
		want  string
	}{
		{beacon(nil), "203.0.113.0"},
		{beacon(func(f *Facts) { f.RemoteAddr = "[2001:db8:1234:5678::1]:9" }), "2001:db8:1234::"},
		{beacon(func(f *Facts) { f.RemoteAddr = "[::ffff:203.0.113.77]:9" }), "203.0.113.0"},
		{beacon(func(f *Facts) {
			f.RemoteAddr = "[fd00::1]:9"
			f.ClientIP = []string{"198.51.100.1, [2001:db8:1234:5678::1]:4711"}
		}), "2001:db8:1234::"},
	}
	for _, tt := range tests {
		got := f.Apply(tt.facts)
		if got.Reason != Accepted {
			t.Fatalf("Apply(%s) rejected: %s", tt.facts.RemoteAddr, got.Reason)
		}
		want := netip.MustParseAddr(tt.want).As16()
		if got.Addr.Key() != want {
			t.Errorf("Apply(%s).Addr.Key() = %x, want %x", tt.facts.RemoteAddr, got.Addr.Key(), want)
		}
	}
}

func TestAddrNeverPrints(t *testing.T) {
	a := Addr{netip.MustParseAddr("203.0.113.0")}
	rec := Record{Path: "/", Addr: a}
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "addr", a, "rec", rec)
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "addr", a, "rec", rec)
	js, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		fmt.Sprint(a), fmt.Sprintf("%v %+v %#v %s %q %x %X %d", a, a, a, a, a, a, a, a),
		fmt.Sprintf("%v %+v %#v", rec, rec, rec), logged.String(), string(js),
	} {
		if strings.Contains(s, "203") || strings.Contains(s, "cb0071") || strings.Contains(s, "CB0071") {
			t.Errorf("address printed: %s", s)
		}
	}
}

func TestClientAddr(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	tests := []struct {
		name      string
		remote    string
		values    []string
		forwarded bool
		want      string
		ignored   bool
		missing   bool
	}{
		{name: "peer", remote: "192.0.2.1:5", want: "192.0.2.1"},
		{name: "peer v6", remote: "[2001:db8::1]:5", want: "2001:db8::1"},
		{name: "untrusted peer's header", remote: "192.0.2.1:5", values: []string{"198.51.100.1"}, want: "192.0.2.1", ignored: true},
		{name: "trusted peer without the header", remote: "10.0.0.1:5", want: "10.0.0.1", missing: true},
		{name: "xff", remote: "10.0.0.1:5", values: []string{"198.51.100.1"}, want: "198.51.100.1"},
		{name: "xff spoofed left part", remote: "10.0.0.1:5", values: []string{"1.2.3.4, 198.51.100.1"}, want: "198.51.100.1"},
		{name: "xff chain of proxies", remote: "10.0.0.1:5", values: []string{"198.51.100.1, 10.0.0.2", "10.0.0.3"}, want: "198.51.100.1"},
		{name: "xff all trusted", remote: "10.0.0.1:5", values: []string{"10.0.0.2"}, want: "10.0.0.2"},
		{name: "xff with port", remote: "10.0.0.1:5", values: []string{"198.51.100.1:8080"}, want: "198.51.100.1"},
		{name: "xff garbage", remote: "10.0.0.1:5", values: []string{"unknown"}, want: "10.0.0.1"},
		{name: "forwarded", remote: "[::1]:5", values: []string{`for="[2001:db8::7]:1"`}, forwarded: true, want: "2001:db8::7"},
		{name: "forwarded spoofed left part", remote: "[::1]:5", values: []string{`for=1.2.3.4, for=198.51.100.1;proto=https`}, forwarded: true, want: "198.51.100.1"},
		{name: "forwarded case", remote: "[::1]:5", values: []string{`For=198.51.100.1;Proto=https`}, forwarded: true, want: "198.51.100.1"},
		{name: "forwarded obfuscated", remote: "[::1]:5", values: []string{`for=_hidden`}, forwarded: true, want: "::1"},
		{name: "unix socket", remote: "@", want: "invalid IP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ignored, missing := ClientAddr(tt.remote, tt.values, tt.forwarded, trusted)
			if got.String() != tt.want || ignored != tt.ignored || missing != tt.missing {
				t.Errorf("ClientAddr() = %s, %v, %v, want %s, %v, %v", got, ignored, missing, tt.want, tt.ignored, tt.missing)
			}
		})
	}
}

// TestFilterReadsOnlyTheNamedHeader checks the header's name is checked
// and canonical, so that the handler reads the one the operator named.
func TestFilterReadsOnlyTheNamedHeader(t *testing.T) {
	for in, want := range map[string]string{"": "X-Forwarded-For", "x-real-ip": "X-Real-Ip", "forwarded": "Forwarded", "CF-Connecting-IP": "Cf-Connecting-Ip"} {
		f, err := New(Config{ClientIPHeader: in})
		if err != nil {
			t.Fatalf("New(%q) = %v", in, err)
		}
		if got := f.ClientIPHeader(); got != want {
			t.Errorf("New(%q).ClientIPHeader() = %q, want %q", in, got, want)
		}
	}
	for _, bad := range []string{"X Forwarded", "X-Forwarded-For:", "é", strings.Repeat("x", 65)} {
		if _, err := New(Config{ClientIPHeader: bad}); err == nil {
			t.Errorf("New(%q) = nil error, want one", bad)
		}
	}
}

func TestTruncate(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.77":                           "203.0.113.0",
		"2001:db8:1234:5678::1":                  "2001:db8:1234::",
		"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff": "2001:db8:ffff::",
	} {
		if got := Truncate(netip.MustParseAddr(in)).String(); got != want {
			t.Errorf("Truncate(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestParseAgent(t *testing.T) {
	tests := []struct {
		ua   string
		want Agent
		bot  bool
	}{
		{chrome, Agent{"Chrome", "Windows", "desktop"}, false},
		{firefox, Agent{"Firefox", "Linux", "desktop"}, false},
		{iphone, Agent{"Safari", "iOS", "mobile"}, false},
		{ipad, Agent{"Safari", "iOS", "tablet"}, false},
		{"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36", Agent{"Chrome", "Android", "mobile"}, false},
		{"Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", Agent{"Chrome", "Android", "tablet"}, false},
		{"Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36", Agent{"Chrome", "Android", "mobile"}, false},
		{"", Agent{}, true},
		{"curl/8.5.0", Agent{}, true},
		{"Wget/1.21", Agent{}, true},
		{"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.0; +https://openai.com/gptbot)", Agent{}, true},
		{"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", Agent{}, true},
		{"Bytespider", Agent{}, true},
		{"whatever", Agent{}, true},
	}
	tests = append(tests, agentFamilies...)
	for _, tt := range tests {
		got, bot := ParseAgent(tt.ua)
		if got != tt.want || bot != tt.bot {
			t.Errorf("ParseAgent(%q) = %+v, %v, want %+v, %v", tt.ua, got, bot, tt.want, tt.bot)
		}
	}
}

// agentFamilies are user agents of browsers and in-app browsers that reach
// a few percent of real traffic, and of monitors and AI agents fetching a
// page for someone, as they appear in public test data and vendors' docs.
var agentFamilies = []struct {
	ua   string
	want Agent
	bot  bool
}{
	// The Google app (GSA) on iOS and Android.
	{"Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/320.0.639621854 Mobile/15E148 Safari/604.1", Agent{"Google app", "iOS", "mobile"}, false},
	{"Mozilla/5.0 (Linux; Android 9; SM-G950F Build/PPR1.180610.011; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/76.0.3809.111 Mobile Safari/537.36 GSA/10.33.5.21.arm64", Agent{"Google app", "Android", "mobile"}, false},
	{"Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36", Agent{"Samsung Internet", "Android", "mobile"}, false},
	{"Mozilla/5.0 (Linux; U; Android 10; en-US; SCV39 Build/QP1A.190711.020) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/78.0.3904.108 UCBrowser/13.4.0.1306 Mobile Safari/537.36", Agent{"UC Browser", "Android", "mobile"}, false},
	{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 YaBrowser/24.6.0.0 Safari/537.36", Agent{"Yandex Browser", "Windows", "desktop"}, false},
	{"Mozilla/5.0 (iPhone; CPU iPhone OS 18_6_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 DuckDuckGo/7 Safari/605.1.15", Agent{"DuckDuckGo", "iOS", "mobile"}, false},
	{"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/125.0.6422.112 Mobile Safari/537.36 DuckDuckGo/5", Agent{"DuckDuckGo", "Android", "mobile"}, false},
	{"Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.4 Mobile/15E148 Safari/604.1 Ddg/26.4", Agent{"DuckDuckGo", "iOS", "mobile"}, false},
	{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/467.0.0.37.108;FBBV/598640424;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.5;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]", Agent{"Facebook app", "iOS", "mobile"}, false},
	{"Mozilla/5.0 (Linux; Android 8.0.0; SM-G570M Build/R16NW; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/114.0.5735.210 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/422.0.0.26.76;]", Agent{"Facebook app", "Android", "mobile"}, false},
	{"Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 350.0.0.0 (iPhone15,3; iOS 18_5; ko_KR)", Agent{"Instagram app", "iOS", "mobile"}, false},
	{"Mozilla/5.0 (Linux; Android 11; Redmi Note 10) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Mobile Safari/537.36 Instagram 330.0.0.0", Agent{"Instagram app", "Android", "mobile"}, false},
	{"Mozilla/5.0 (X11; Linux x86_64; Quest 3) AppleWebKit/537.36 (KHTML, like Gecko) OculusBrowser/39.0.0.0.0 SamsungBrowser/4.0 Chrome/136.0.0.0 VR Safari/537.36", Agent{"Meta Quest Browser", "Linux", "desktop"}, false},
	// Feedly opens articles in a browser of its own: a reader, not a fetcher.
	{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36 Feedly/1.0", Agent{"Chrome", "Windows", "desktop"}, false},
	{"Feedly/1.0 (+http://www.feedly.com/fetcher.html; like FeedFetcher-Google)", Agent{}, true},
	{"FeedlyBot/1.0 (http://feedly.com)", Agent{}, true},
	// Synthetic monitors.
	{"Datadog/Synthetics", Agent{}, true},
	{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.5845.96 Safari/537.36 DatadogSynthetics", Agent{}, true},
	{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.114 Safari/537.36 NewRelicSynthetics", Agent{}, true},
	{"Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", Agent{}, true},
	{"Mozilla/5.0 (iPhone; CPU iPhone OS 9_0_2 like Mac OS X) AppleWebKit/601.1.46 (KHTML, like Gecko) Version/9.0 Mobile/13A452 Safari/601.1 PTST/396", Agent{}, true},
	// AI agents fetching a page for someone: not a reader on the page.
	{"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Claude-User/1.0; +Claude-User@anthropic.com)", Agent{}, true},
	{"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; ChatGPT-User/1.0; +https://openai.com/bot", Agent{}, true},
	{"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Perplexity-User/1.0; +https://perplexity.ai/perplexity-user)", Agent{}, true},
}

func TestLanguage(t *testing.T) {
	for in, want := range map[string]string{
		"de-DE,de;q=0.9,en;q=0.8": "de",
		"en-US":                   "en",
		"zh-Hant-TW, en":          "zh",
		"pt-BR;q=0.9":             "pt",
		"":                        Unknown,
		"*":                       Unknown,
		"not a language":          Unknown,
		"x-private":               Unknown,
		strings.Repeat("a", 100):  Unknown,
	} {
		if got := Language(in); got != want {
			t.Errorf("Language(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReferrerHost(t *testing.T) {
	site := []string{"docs.example.org"}
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"", Direct, true},
		{"https://www.Example.COM/some/path?q=secret#x", "example.com", true},
		{"http://news.ycombinator.com/item?id=1", "news.ycombinator.com", true},
		{"https://user.github.io/blog/", "user.github.io", true},
		{"https://docs.example.org/docs/", Internal, true},
		{"https://www.docs.example.org/", Internal, true},
		{"http://192.168.1.20:8080/wiki", Private, true},
		{"http://[2001:db8::1]/", Private, true},
		{"http://localhost:3000/", Private, true},
		{"http://printer.local/", Private, true},
		{"http://router.home.arpa/", Private, true},
		{"http://wiki.corp-intranet/", Private, true},
		{"http://intranet/", Private, true},
		// Android apps send their package name; it is kept, as the app.
		{"android-app://com.google.android.gm/", "android-app:com.google.android.gm", true},
		{"android-app://com.google.android.googlequicksearchbox/https/www.google.com", "android-app:com.google.android.googlequicksearchbox", true},
		{"android-app://org.telegram.messenger", "android-app:org.telegram.messenger", true},
		{"ANDROID-APP://com.Slack/", "android-app:com.slack", true},
		{"android-app://m.facebook.com/", "android-app:m.facebook.com", true},
		{"android-app://com.linkedin.android?x=1", "android-app:com.linkedin.android", true},
		{"android-app://", "", false},
		{"android-app:///x", "", false},
		{"android-app://com.exa mple/", "", false},
		{"android-app://com.example:80/", "", false},
		{"android-app://user@com.example/", "", false},
		{"android-app://com.ex%61mple/", "", false},
		{"android-app://" + strings.Repeat("a.", 127) + "b/", "", false},
		{"ios-app://284882215/fb/profile/1", "ios-app:284882215", true},
		{"IOS-APP://422689480/googlegmail/", "ios-app:422689480", true},
		{"ios-app://333903271?x=1", "ios-app:333903271", true},
		{"ios-app://", "", false},
		{"ios-app:///fb", "", false},
		{"ios-app://1 2/", "", false},
		{"ios-app://user@123/", "", false},
		{"file:///home/me/notes.html", "", false},
		{"https://exa mple.com/", "", false},
		{"https://bücher.example/", "", false},
		{"not a url", "", false},
		{"HTTPS://News.Example.COM:8443/x", "news.example.com", true},
		{"https://user:secret@example.com/", "example.com", true},
		{"https://example.com?q=1", "example.com", true},
		{"https://example.com#top", "example.com", true},
		{`https://example.com\@evil.example/`, "example.com", true},
		{"https://example.com:80a/", "", false},
		{"https://[::1]:8080/", Private, true},
		{"https://[not-an-ip]/", "", false},
		{"https://[::1/", "", false},
		{"https://10.0.0.1./", Private, true},
		{"https://%65xample.com/", "", false},
		{"https://www./", Private, true},
		{"http://", "", false},
		{"https://example.com.", "example.com", true},
		{"https://co.uk/", "co.uk", true},
	}
	for _, tt := range tests {
		got, ok := ReferrerHost(tt.in, site)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ReferrerHost(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	// Under folio serve the site itself is an address or localhost.
	for _, local := range []struct{ origin, ref string }{
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080/docs/"},
		{"http://[::1]:8080", "http://[::1]:8080/docs/"},
		{"http://localhost:8080", "http://localhost:8080/"},
	} {
		f, err := New(Config{Origins: []string{local.origin}})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := ReferrerHost(local.ref, f.siteHosts); got != Internal {
			t.Errorf("site %s: ReferrerHost(%q) = %q, want %q", local.origin, local.ref, got, Internal)
		}
	}
}

func TestNormalizePath(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"/", "/", true},
		{"/docs", "/docs/", true},
		{"/docs/index.html", "/docs/", true},
		{"/docs/myindex.html", "/docs/myindex.html/", true},
		{"/docs/?a=1#b", "/docs/", true},
		{"/caf%C3%A9/", "/café/", true},
		{"/%E2%80%8B/", "/\u200b/", true},
		{"", "", false},
		{"docs", "", false},
		{"/a\x00b", "", false},
		{"/a%00b", "", false},
		{"/a%C2%85b", "", false}, // C1 control NEL
		{"/\xff", "", false},
		{"/%ff", "", false},
		{"/" + strings.Repeat("a", MaxPath-1), "/" + strings.Repeat("a", MaxPath-1) + "/", true},
		{"/" + strings.Repeat("a", MaxPath), "", false},
	}
	for _, tt := range tests {
		got, ok := NormalizePath(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NormalizePath(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNewRejectsBadOrigin(t *testing.T) {
	for _, o := range []string{"example.org", "ftp://example.org", "https://", "::"} {
		if _, err := New(Config{Origins: []string{o}}); err == nil {
			t.Errorf("New(Origins: %q) = nil error, want one", o)
		}
	}
}

var knownReasons = map[Reason]bool{Accepted: true, Bot: true, DNT: true, GPC: true, UnknownPage: true, BadRequest: true, Origin: true}

// FuzzApply feeds arbitrary bodies and header values through the request
// parser and checks the invariants the store relies on: every accepted
// record has a short, clean, normalised path and bounded dimension values.
func FuzzApply(f *testing.F) {
	f.Add([]byte(`{"p":"/docs/","r":"https://example.com/"}`), "de-DE", chrome, "203.0.113.77:1", "", false)
	f.Add([]byte(`{"p":"/%C3%BCber/index.html?x#y","r":""}`), "*", firefox, "10.0.0.1:1", "2001:db8::1, 10.0.0.2", false)
	f.Add([]byte(`{"p":"/\u0000"}`), "", "", "", "", false)
	f.Add([]byte(`[]`), "en;q=0.1", iphone, "[::1]:1", "unknown", true)
	f.Add([]byte(`{"p":1}`), "zh-Hant", ipad, "x", "", false)
	f.Add([]byte(`{"p":"/","r":"android-app://com.google.android.gm/"}`), "en", chrome, "203.0.113.77:1", "", false)
	flt, err := New(Config{
		Origins:        []string{site},
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
		Countries:      countryMap{},
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, lang, ua, remote, xff string, pixel bool) {
		facts := &Facts{
			Pixel: pixel, RemoteAddr: remote, ClientIP: []string{xff},
			UserAgent: ua, AcceptLanguage: lang, Origin: site, Body: body, PixelPath: string(body),
		}
		res := flt.Apply(facts)
		if !knownReasons[res.Reason] {
			t.Fatalf("Apply() reason %q is not a known reason", res.Reason)
		}
		if res.Reason != Accepted {
			if res.Record != (Record{}) {
				t.Fatalf("Apply() rejected with %s but returned a record %+v", res.Reason, res.Record)
			}
			return
		}
		p := res.Path
		if !strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") || len(p) > MaxPath+1 || !utf8.ValidString(p) || !cleanText(p) {
			t.Fatalf("Apply() path %q breaks the path invariants", p)
		}
		if !strings.ContainsAny(p, "%?#") && len(p) <= MaxPath {
			if np, ok := NormalizePath(p); !ok || np != p {
				t.Fatalf("NormalizePath(%q) = %q, %v: a normalised path must be a fixed point", p, np, ok)
			}
		}
		for dim, v := range map[string]string{"browser": res.Browser, "os": res.OS, "device": res.Device, "language": res.Language, "referrer": res.Referrer, "country": res.Country} {
			if len(v) > 253 || !utf8.ValidString(v) || !cleanText(v) {
				t.Fatalf("Apply() %s %q is not a bounded clean value", dim, v)
			}
		}
		if len(res.Language) > 3 && res.Language != Unknown {
			t.Fatalf("Apply() language %q is not a base language", res.Language)
		}
		if ref := strings.TrimPrefix(strings.TrimPrefix(res.Referrer, AppReferrer), IOSAppReferrer); strings.ContainsAny(ref, "/:?#@ ") {
			t.Fatalf("Apply() referrer %q is more than a host or an app", res.Referrer)
		}
	})
}

// FuzzParseEventFast holds the fast path of ParseEvent to encoding/json's
// answer on every input it accepts.
func FuzzParseEventFast(f *testing.F) {
	for _, s := range []string{
		`{"p":"/docs/","r":"https://example.com/"}`, `{"p":"/a","p":"/b"}`, `{"P":"/x","R":"y"}`,
		` { "r" : "" , "p" : "/" } `, `{}`, `{"p":1}`, `{"p":"\u00e9"}`, `{"p":"/caf` + "\xc3\xa9" + `"}`,
		`{"p":"/` + "\xff" + `"}`, `{"p":"/"}x`, `{"p":"/",}`, `{"pp":"/"}`, `[]`, `"p"`, `{"p":"/","x":"\n"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		fast, hasPath, ok := parseEventFast(body)
		if !ok {
			return
		}
		var raw struct {
			P *string `json:"p"`
			R *string `json:"r"`
		}
		err := json.Unmarshal(body, &raw)
		if err != nil {
			t.Fatalf("fast path accepted %q, encoding/json says %v", body, err)
		}
		if hasPath != (raw.P != nil) || (raw.P != nil && *raw.P != fast.Path) {
			t.Fatalf("fast path read path %q (present %v) from %q, encoding/json %v", fast.Path, hasPath, body, raw.P)
		}
		if r := ""; raw.R != nil && *raw.R != fast.Referrer || raw.R == nil && fast.Referrer != r {
			t.Fatalf("fast path read referrer %q from %q, encoding/json %v", fast.Referrer, body, raw.R)
		}
	})
}

func TestMemo(t *testing.T) {
	m := newMemo[string]()
	calls := 0
	upper := func(s string) string { calls++; return strings.ToUpper(s) }
	for range 3 {
		if got := m.get("firefox", upper); got != "FIREFOX" {
			t.Fatalf("get() = %q", got)
		}
	}
	if got := m.get("chrome", upper); got != "CHROME" {
		t.Fatalf("get() = %q", got)
	}
	if calls != 2 {
		t.Errorf("compute ran %d times for 2 distinct strings, want 2", calls)
	}
	// Many distinct strings evict each other but never mix up results.
	for i := range 5000 {
		s := fmt.Sprint("agent", i)
		if got := m.get(s, strings.ToUpper); got != strings.ToUpper(s) {
			t.Fatalf("get(%q) = %q", s, got)
		}
	}
}
