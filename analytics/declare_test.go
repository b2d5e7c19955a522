package analytics

import (
	"context"
	"net/http"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"

	"folio/analytics/geo/geotest"
	"folio/analytics/store"
)

// flipBit returns a with the bit at position i (0 is the most significant)
// inverted.
func flipBit(a netip.Addr, i int) netip.Addr {
	b := a.AsSlice()
	b[i/8] ^= 0x80 >> (i % 8)
	out, _ := netip.AddrFromSlice(b)
	return out
}

// TestDeclarationMatchesCollector holds the declaration to what a
// Collector configured the same way really does, measured from outside:
// the dimensions it stores, how much of an address tells visitors apart,
// the refusals it counts, and that it sets no cookie and stores nothing
// of a DNT or GPC request. A policy printed from the declaration is only
// as true as this test.
func TestDeclarationMatchesCollector(t *testing.T) {
	geoPath := geotest.Write(t, geotest.MaxMind, map[string]string{
		"203.0.112.0/23": "DE", "198.51.100.0/24": "NL", "2001:db8::/32": "FR",
	})
	for _, withGeo := range []bool{true, false} {
		name := "without a country database"
		if withGeo {
			name = "with a country database"
		}
		t.Run(name, func(t *testing.T) {
			st, _ := openStore(t)
			const rate = 5
			var cfg Config
			c, _ := newCollector(t, st, func(c *Config) {
				c.RateLimit = rate
				c.Retention = 30
				if withGeo {
					c.GeoIP = geoPath
				}
				cfg = *c
			})
			d := Declare(cfg, 7)
			if d.RetentionDays != 30 || d.K != 7 || d.RateLimit != rate || d.Cookies || !d.DNT || !d.GPC {
				t.Errorf("Declare() = %+v, want retention 30, k 7, rate limit %d, no cookies, DNT and GPC honoured", d, rate)
			}

			h := c.Handler()
			var cookies []string
			send := func(addr netip.Addr, edit func(*http.Request)) {
				t.Helper()
				r := beaconRequest("/docs/", "")
				r.RemoteAddr = netip.AddrPortFrom(addr, 40000).String()
				if edit != nil {
					edit(r)
				}
				res := serve(h, r)
				if res.StatusCode != http.StatusNoContent {
					t.Fatalf("status %d", res.StatusCode)
				}
				cookies = append(cookies, res.Header.Values("Set-Cookie")...)
			}
			// Two addresses that differ only past the declared prefix
			// are one visitor; differing in its last bit makes two.
			v4 := netip.MustParseAddr("203.0.113.77")
			v6 := netip.MustParseAddr("2001:db8:1234::1")
			for _, a := range []netip.Addr{
				v4, flipBit(v4, d.IPv4Prefix), flipBit(v4, d.IPv4Prefix-1),
				v6, flipBit(v6, d.IPv6Prefix), flipBit(v6, d.IPv6Prefix-1),
			} {
				send(a, nil)
			}
			other := netip.MustParseAddr("198.51.100.23")
			for range rate + 1 {
				send(other, nil)
			}
			for _, edit := range []func(*http.Request){
				func(r *http.Request) { r.Header.Set("User-Agent", "Googlebot/2.1 (+http://www.google.com/bot.html)") },
				func(r *http.Request) { r.Body = http.NoBody; r.ContentLength = 0 },
				func(r *http.Request) { *r = *beaconRequest("/no-such-page/", "") },
				func(r *http.Request) { r.Header.Set("Origin", "https://elsewhere.example") },
				func(r *http.Request) { r.Header.Set("DNT", "1") },
				func(r *http.Request) {
					*r = *beaconBody(`{"p":"/docs/","r":"","s":"News","m":"email","c":"launch"}`)
					r.RemoteAddr = "192.0.2.1:1"
				},
				func(r *http.Request) {
					*r = *beaconBody(`{"p":"/gone/","e":"not-found"}`)
					r.RemoteAddr = "192.0.2.1:1"
				},
				func(r *http.Request) { r.Header.Set("Sec-GPC", "1") },
			} {
				send(netip.MustParseAddr("192.0.2.1"), edit)
			}
			if err := c.Flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			got := query(t, st, "2025-03-01", "2025-03-01")

			var dims, declared []string
			for _, row := range got.Dims {
				if !slices.Contains(dims, row.Dim) {
					dims = append(dims, row.Dim)
				}
			}
			for _, dim := range d.Dimensions {
				declared = append(declared, dim.Name)
				if dim.Label == "" || dim.Example == "" {
					t.Errorf("dimension %s has no label or example for a policy", dim.Name)
				}
			}
			slices.Sort(dims)
			slices.Sort(declared)
			if !reflect.DeepEqual(dims, declared) {
				t.Errorf("stored dimensions %v, declared %v", dims, declared)
			}
			if d.Stores("country") != withGeo {
				t.Errorf("Stores(country) = %v with a country database %v", d.Stores("country"), withGeo)
			}
			// Five from the prefix checks, one from 192.0.2.1 with a campaign.
			if want := []store.VisitorRow{urow("2025-03-01", 6)}; !reflect.DeepEqual(got.Visitors, want) {
				t.Errorf("visitors = %+v, want %+v: the declared prefixes /%d and /%d do not match what tells visitors apart",
					got.Visitors, want, d.IPv4Prefix, d.IPv6Prefix)
			}
			if v := sumViews(got); v != 7+rate {
				t.Errorf("views = %d, want %d", v, 7+rate)
			}
			var reasons []string
			for _, row := range got.Dropped {
				reasons = append(reasons, row.Reason)
			}
			filtered := slices.Clone(d.Filtered)
			slices.Sort(filtered)
			if !reflect.DeepEqual(reasons, filtered) {
				t.Errorf("refusals stored for %v, declared %v", reasons, filtered)
			}
			if len(cookies) > 0 {
				t.Errorf("the endpoint set cookies %q; the declaration says it sets none", cookies)
			}
		})
	}
}

func TestDeclarePrefixesAndRetention(t *testing.T) {
	d := Declare(Config{Retention: 760}, 10)
	if d.IPv4Prefix != 24 || d.IPv6Prefix != 48 {
		t.Errorf("prefixes /%d and /%d, want /24 and /48 as the privacy package documents", d.IPv4Prefix, d.IPv6Prefix)
	}
	if slices.Contains(d.Filtered, "rate-limited") {
		t.Errorf("Filtered = %v includes rate-limited without a rate limit", d.Filtered)
	}
	if d.Stores("country") {
		t.Error("country declared without a country database")
	}
	for days, months := range map[int]int{760: 25, 395: 13, 30: 1, 0: 0} {
		if got := (Declaration{RetentionDays: days}).RetentionMonths(); got != months {
			t.Errorf("RetentionMonths() of %d days = %d, want %d", days, got, months)
		}
	}
	for _, dim := range d.Dimensions {
		if strings.TrimSpace(dim.Label) == "" {
			t.Errorf("dimension %s has no label", dim.Name)
		}
	}
}
