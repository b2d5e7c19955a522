package privacy

import (
	"fmt"
	"testing"
)

// benchAgents is a mix of the agents a site sees most, browsers and
// in-app browsers, for the benchmarks of the parse that the memo saves.
var benchAgents = []string{
	chrome, firefox, iphone, ipad,
	"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/320.0.639621854 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Linux; Android 8.0.0; SM-G570M Build/R16NW; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/114.0.5735.210 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/422.0.0.26.76;]",
	"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
}

// BenchmarkApply is one accepted beacon through the whole filter, with the
// user agent and language already in their memos, as for nearly every
// request of a running collector.
//
//	go test -run '^$' -bench . ./analytics/privacy
func BenchmarkApply(b *testing.B) {
	f, err := New(Config{Origins: []string{site}, Pages: pageSet{"/docs/": true}})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ name, ref string }{
		{"host", "https://www.google.com/"},
		{"app", "android-app://com.google.android.gm/"},
	} {
		in := beacon(func(f *Facts) { f.Body = []byte(`{"p":"/docs/","r":"` + bc.ref + `"}`) })
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if res := f.Apply(in); res.Reason != Accepted {
					b.Fatalf("Apply() = %q", res.Reason)
				}
			}
		})
	}
}

// BenchmarkParseAgent is the parse of a user agent the memo has not seen.
func BenchmarkParseAgent(b *testing.B) {
	ParseAgent(chrome) // the parser's tables are built on first use
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ParseAgent(benchAgents[i%len(benchAgents)])
		i++
	}
}

// BenchmarkReferrerHost reduces common referrers to what is stored.
func BenchmarkReferrerHost(b *testing.B) {
	refs := []string{
		"", "https://www.google.com/", "https://news.ycombinator.com/item?id=1",
		"https://l.facebook.com/l.php?u=x", "android-app://com.google.android.gm/",
	}
	site := []string{"docs.example.org"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, ok := ReferrerHost(refs[i%len(refs)], site); !ok && refs[i%len(refs)][0] == 'h' {
			b.Fatal(fmt.Sprint("ReferrerHost rejected ", refs[i%len(refs)]))
		}
		i++
	}
}
