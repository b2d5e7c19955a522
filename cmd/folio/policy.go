package main

import (
	"fmt"
	"reflect"
	"strings"

	"folio/analytics"
	"folio/generator/config"
)

// declaration is what folio collect stores when it runs with the site's
// folio.toml and no flags. folio.toml is the single source: the site's
// privacy policy prints this (.Site.Data.analytics), and collect warns
// when its flags make it store something else.
func declaration(cfg *config.Config, root string) (analytics.Declaration, error) {
	ac, err := storageConfig(cfg, root, collectFlags{set: map[string]bool{}, flush: analytics.DefaultFlush, rateLimit: defaultRateLimit})
	if err != nil {
		return analytics.Declaration{}, fmt.Errorf("%s [analytics]: %w", config.ConfigFile, err)
	}
	return analytics.Declare(ac, cfg.Report.K), nil
}

// siteData is what the site's templates get as .Site.Data.
func siteData(cfg *config.Config, root string) (map[string]any, error) {
	d, err := declaration(cfg, root)
	if err != nil {
		return nil, err
	}
	return map[string]any{"analytics": d}, nil
}

// loadSite reads ROOT/folio.toml and makes the templates' data from it.
func loadSite(root string) (*config.Config, map[string]any, error) {
	cfg, err := config.LoadConfig(root)
	if err != nil {
		return nil, nil, err
	}
	data, err := siteData(cfg, root)
	if err != nil {
		return nil, nil, err
	}
	return cfg, data, nil
}

// declarationDrift describes how a collector's actual declaration differs
// from the one the site's policy was built from, "" when it does not.
func declarationDrift(policy, actual analytics.Declaration) string {
	if reflect.DeepEqual(policy, actual) {
		return ""
	}
	var diffs []string
	name := func(d analytics.Declaration) []string {
		var out []string
		for _, x := range d.Dimensions {
			out = append(out, x.Name)
		}
		return out
	}
	if p, a := name(policy), name(actual); !reflect.DeepEqual(p, a) {
		diffs = append(diffs, fmt.Sprintf("dimensions %s, not %s", strings.Join(a, ", "), strings.Join(p, ", ")))
	}
	if policy.RetentionDays != actual.RetentionDays {
		diffs = append(diffs, fmt.Sprintf("retention %d days, not %d", actual.RetentionDays, policy.RetentionDays))
	}
	if policy.RateLimit != actual.RateLimit {
		diffs = append(diffs, fmt.Sprintf("rate limit %d, not %d", actual.RateLimit, policy.RateLimit))
	}
	if len(diffs) == 0 {
		diffs = append(diffs, "other settings")
	}
	return strings.Join(diffs, "; ")
}
