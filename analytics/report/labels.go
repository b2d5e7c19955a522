package report

import (
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Referrer groups, the values of Row.Group in the referrers and
// referrer_groups tables.
const (
	GroupDirect   = "direct"
	GroupSearch   = "search"
	GroupSocial   = "social"
	GroupAI       = "ai"
	GroupApp      = "app"
	GroupInternal = "internal"
	GroupPrivate  = "private"
	GroupWebsites = "websites"
)

// Values of the referrer_groups table for referrers that no list names.
const (
	bucketWebsites = "(websites)"
	bucketApps     = "(apps)"
)

var groupLabels = map[string]string{
	"(direct)":     "Direct (no referrer)",
	"(internal)":   "This site",
	"(private)":    "Private or local addresses",
	bucketWebsites: "Other websites",
	bucketApps:     "Other apps",
}

// appPrefix and iosAppPrefix begin the stored referrer of an Android or
// an iOS app (see privacy.AppReferrer and privacy.IOSAppReferrer).
const (
	appPrefix    = "android-app:"
	iosAppPrefix = "ios-app:"
)

// referrerGroup sorts a stored referrer value into a group, and names its
// source when the embedded lists know it: "Google" for google.de and
// news.google.com, "Facebook" for l.facebook.com. It depends on the value
// alone, so a value is in the same group in every report.
func referrerGroup(value string) (group, source string) {
	switch value {
	case "(direct)":
		return GroupDirect, ""
	case "(internal)":
		return GroupInternal, ""
	case "(private)":
		return GroupPrivate, ""
	}
	if strings.HasPrefix(value, iosAppPrefix) {
		// Listed whole, by App Store id: never a host name.
		if s, ok := sources().exact[value]; ok {
			return s.group, s.name
		}
		return GroupApp, ""
	}
	app, isApp := strings.CutPrefix(value, appPrefix)
	if isApp {
		value = app
	}
	if s, ok := sources().lookup(value); ok {
		return s.group, s.name
	}
	if isApp {
		return GroupApp, ""
	}
	return GroupWebsites, ""
}

// groupKey is the row of the referrer_groups table a referrer adds to: its
// source, or else a bucket of its group.
func groupKey(value, group, source string) string {
	switch {
	case source != "":
		return source
	case group == GroupApp:
		return bucketApps
	case group == GroupWebsites:
		return bucketWebsites
	}
	return value
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
			return groupLabels[value]
		}
		if app, ok := strings.CutPrefix(value, appPrefix); ok {
			return app + " (Android app)"
		}
		if app, ok := strings.CutPrefix(value, iosAppPrefix); ok {
			return app + " (iOS app)"
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
