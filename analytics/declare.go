package analytics

import (
	"math"
	"net/netip"
	"slices"

	"folio/analytics/privacy"
	"folio/analytics/store"
)

// Declaration is what a Collector stores and what it does with a visitor's
// request, as data rather than prose, so that a privacy policy can print it
// instead of restating it: a policy built from a Declaration cannot drift
// from the code. Declare makes it from the same Config and constants the
// Collector runs on; the folio command hands it to the site's templates as
// .Site.Data.analytics.
type Declaration struct {
	// Dimensions are counted site-wide per day, each on its own: never
	// per page and never combined with another dimension. Views are
	// always counted per page and day besides.
	Dimensions []Dimension
	// Events are counted per day and name only, with no other attribute.
	Events []Dimension
	// IPv4Prefix and IPv6Prefix are how many leading bits of an address
	// the collector keeps, in memory only (country, rate limit, connection
	// limits and the day's visitors estimate). The full address is never
	// stored.
	IPv4Prefix, IPv6Prefix int
	// RetentionDays is how long daily counts are kept; 0 keeps them until
	// someone deletes them.
	RetentionDays int
	// K is the publication threshold: a published report folds counts
	// under K into "Other".
	K int
	// RateLimit is how many events a shortened address may send per
	// minute; 0 means no limit.
	RateLimit int
	// Filtered are the reasons for which refused requests are counted,
	// per day and reason (and nothing else about them).
	Filtered []string
	// Cookies is whether the endpoint sets cookies. It never does.
	Cookies bool
	// DNT and GPC say that a request carrying Do-Not-Track or Global
	// Privacy Control is not counted, not even as refused.
	DNT, GPC bool
}

// Dimension is one site-wide count.
type Dimension struct {
	Name    string // as stored: "browser"
	Label   string // as a reader would say it: "browser family"
	Example string // what values look like, for a reader: "Firefox"
}

// dimensionLabels describe store.Dimensions for readers of a policy.
var dimensionLabels = map[string]Dimension{
	"browser":   {Label: "browser family", Example: "Firefox"},
	"os":        {Label: "operating system family", Example: "Android"},
	"device":    {Label: "kind of device", Example: "desktop, mobile or tablet"},
	"language":  {Label: "preferred language", Example: "en"},
	"referrer":  {Label: "host name of the site that linked to the page", Example: "example.com"},
	"country":   {Label: "country, looked up from the shortened network address", Example: "DE"},
	"source":    {Label: "campaign source, from utm_source or ref in the page's address", Example: "newsletter"},
	"medium":    {Label: "campaign medium, from utm_medium in the page's address", Example: "email"},
	"campaign":  {Label: "campaign name, from utm_campaign in the page's address", Example: "spring-launch"},
	"not-found": {Label: "address of a missing page, when the site's not-found page is shown", Example: "/old/link/"},
}

// eventLabels describe store.EventKinds for readers of a policy.
var eventLabels = map[string]Dimension{
	"outbound": {Label: "click on a link to another site, by that site's host name", Example: "github.com"},
	"download": {Label: "download of a file of the site, by its path", Example: "/files/guide.pdf"},
	"event":    {Label: "click on an element the site named", Example: "signup"},
}

// Declare says what a Collector made with cfg stores, and k is the
// threshold reports are published with ([report] k of folio.toml).
func Declare(cfg Config, k int) Declaration {
	var ones [16]byte
	for i := range ones {
		ones[i] = 0xff
	}
	d := Declaration{
		IPv4Prefix:    keptBits(netip.AddrFrom4([4]byte(ones[:4]))),
		IPv6Prefix:    keptBits(netip.AddrFrom16(ones)),
		RetentionDays: cfg.Retention,
		K:             k,
		RateLimit:     cfg.RateLimit,
		Cookies:       false,
		DNT:           !privacy.DNT.Stored(),
		GPC:           !privacy.GPC.Stored(),
	}
	for _, name := range store.Dimensions {
		// Without a country database, the country is never looked up.
		if name == "country" && cfg.GeoIP == "" {
			continue
		}
		dim := dimensionLabels[name]
		dim.Name = name
		if dim.Label == "" {
			dim.Label = name
		}
		d.Dimensions = append(d.Dimensions, dim)
	}
	for _, name := range store.EventKinds {
		e := eventLabels[name]
		e.Name = name
		d.Events = append(d.Events, e)
	}
	for _, r := range []privacy.Reason{privacy.Bot, privacy.DNT, privacy.GPC, privacy.UnknownPage, privacy.BadRequest, privacy.RateLimited, privacy.Origin} {
		if r.Stored() && (r != privacy.RateLimited || cfg.RateLimit > 0) {
			d.Filtered = append(d.Filtered, string(r))
		}
	}
	return d
}

// keptBits measures how much of an all-ones address privacy.Truncate
// keeps, so the declaration states what the filter does, not what a
// comment says it does.
func keptBits(all netip.Addr) int {
	b := privacy.Truncate(all).AsSlice()
	n := 0
	for _, x := range b {
		for bit := 7; bit >= 0 && x&(1<<bit) != 0; bit-- {
			n++
		}
		if x != 0xff {
			break
		}
	}
	return n
}

// Stores reports whether the dimension name is counted.
func (d Declaration) Stores(name string) bool {
	return slices.ContainsFunc(d.Dimensions, func(x Dimension) bool { return x.Name == name })
}

// RetentionMonths is RetentionDays in whole months, rounded, for prose:
// 760 days is 25 months.
func (d Declaration) RetentionMonths() int {
	return int(math.Round(float64(d.RetentionDays) * 12 / 365.25))
}
