package main

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"folio/analytics"
	"folio/analytics/store"
	"folio/generator/config"
)

// collectorDeclaration is what folio collect, started on root without
// flags, declares: the configuration runCollect hands to analytics.New.
func collectorDeclaration(t *testing.T, root string) analytics.Declaration {
	t.Helper()
	cfg, err := config.LoadConfig(root)
	if err != nil {
		t.Fatal(err)
	}
	ac, err := collectConfig(cfg, root, collectFlags{set: map[string]bool{}, flush: analytics.DefaultFlush, rateLimit: defaultRateLimit})
	if err != nil {
		t.Fatal(err)
	}
	return analytics.Declare(ac, cfg.Report.K)
}

// buildPage builds the site at root with folio build and returns one page.
func buildPage(t *testing.T, root, page string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "public")
	var stdout, stderr bytes.Buffer
	if err := runBuild(context.Background(), []string{"-root", root, "-out", out, "-quiet"}, &stdout, &stderr); err != nil {
		t.Fatalf("folio build = %v\n%s", err, stderr.String())
	}
	data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(page)))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// dimensionClaims are the words by which a policy would claim to count a
// dimension. A dimension the collector does not store must not be claimed.
var dimensionClaims = map[string]*regexp.Regexp{
	"browser":  regexp.MustCompile(`(?i)browser famil`),
	"os":       regexp.MustCompile(`(?i)operating system`),
	"device":   regexp.MustCompile(`(?i)kind of device|device class`),
	"language": regexp.MustCompile(`(?i)preferred language`),
	"referrer": regexp.MustCompile(`(?i)host name of the site`),
	"country":  regexp.MustCompile(`(?i)\bcountr(y|ies)\b`),
}

var (
	mainRE      = regexp.MustCompile(`(?s)<main\b.*</main>`)
	tagRE       = regexp.MustCompile(`(?s)<[^>]*>`)
	dimAttrRE   = regexp.MustCompile(`data-dimension="?([a-z-]+)`)
	reasonRE    = regexp.MustCompile(`data-reason="?([a-z-]+)`)
	prefixRE    = regexp.MustCompile(`/(\d{1,3})\b`)
	bitsRE      = regexp.MustCompile(`\b(\d+) bits\b`)
	daysRE      = regexp.MustCompile(`\b(\d+) days?\b`)
	monthsRE    = regexp.MustCompile(`\b(\d+) months?\b`)
	yearsRE     = regexp.MustCompile(`\b(\d+) years?\b`)
	thresholdRE = regexp.MustCompile(`(?i)\b(?:below|under|fewer than|less than) (\d+)\b`)
	rateRE      = regexp.MustCompile(`\b(\d+) reports? a minute\b`)
)

// policyProblems lists every way the policy page disagrees with d: what d
// declares and the page does not say, and what the page claims and d does
// not declare.
func policyProblems(page []byte, d analytics.Declaration) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	body := mainRE.Find(page)
	if body == nil {
		return []string{"the page has no <main>"}
	}
	text := strings.Join(strings.Fields(html.UnescapeString(tagRE.ReplaceAllString(string(body), " "))), " ")

	// Dimensions: the generated list names exactly the declared ones, and
	// the prose claims no other.
	var listed, declared []string
	for _, m := range dimAttrRE.FindAllSubmatch(body, -1) {
		listed = append(listed, string(m[1]))
	}
	for _, dim := range d.Dimensions {
		declared = append(declared, dim.Name)
		if !strings.Contains(text, dim.Label) {
			add("declared dimension %s: the page does not say %q", dim.Name, dim.Label)
		}
	}
	if !slices.Equal(listed, declared) {
		add("the page lists dimensions %v, the collector declares %v", listed, declared)
	}
	for _, name := range store.Dimensions {
		if d.Stores(name) {
			continue
		}
		if m := dimensionClaims[name].FindString(text); m != "" {
			add("the page claims %q, but the collector stores no %s", m, name)
		}
	}

	// Address truncation.
	for _, bits := range []int{d.IPv4Prefix, d.IPv6Prefix} {
		if !strings.Contains(text, fmt.Sprintf("/%d", bits)) {
			add("the page does not say that addresses are shortened to /%d", bits)
		}
	}
	for _, re := range []*regexp.Regexp{prefixRE, bitsRE} {
		for _, m := range re.FindAllStringSubmatch(text, -1) {
			if n, _ := strconv.Atoi(m[1]); n != d.IPv4Prefix && n != d.IPv6Prefix {
				add("the page says %q, the collector keeps /%d and /%d", m[0], d.IPv4Prefix, d.IPv6Prefix)
			}
		}
	}

	// Retention.
	if d.RetentionDays > 0 && !strings.Contains(text, fmt.Sprintf("%d days", d.RetentionDays)) {
		add("the page does not say that counts are kept %d days", d.RetentionDays)
	}
	for _, c := range []struct {
		re   *regexp.Regexp
		want int
	}{{daysRE, d.RetentionDays}, {monthsRE, d.RetentionMonths()}, {yearsRE, -1}} {
		for _, m := range c.re.FindAllStringSubmatch(text, -1) {
			if n, _ := strconv.Atoi(m[1]); n != c.want || d.RetentionDays == 0 {
				add("the page says %q, the collector keeps counts %d days", m[0], d.RetentionDays)
			}
		}
	}

	// Publication threshold.
	ks := thresholdRE.FindAllStringSubmatch(text, -1)
	if len(ks) == 0 {
		add("the page does not state the publication threshold k = %d", d.K)
	}
	for _, m := range ks {
		if n, _ := strconv.Atoi(m[1]); n != d.K {
			add("the page says %q, reports are published with k = %d", m[0], d.K)
		}
	}

	// Refusals counted, and the rate limit they mention.
	var reasons []string
	for _, m := range reasonRE.FindAllSubmatch(body, -1) {
		reasons = append(reasons, string(m[1]))
	}
	if !slices.Equal(reasons, d.Filtered) {
		add("the page lists refusals %v, the collector counts %v", reasons, d.Filtered)
	}
	for _, m := range rateRE.FindAllStringSubmatch(text, -1) {
		if n, _ := strconv.Atoi(m[1]); n != d.RateLimit {
			add("the page says %q, the rate limit is %d", m[0], d.RateLimit)
		}
	}
	if d.RateLimit == 0 && strings.Contains(text, "floods") {
		add("the page claims protection from floods, but there is no rate limit")
	}

	// Signals and cookies.
	if d.DNT != strings.Contains(text, "Do Not Track") {
		add("the collector honours Do Not Track: %v; the page says so: %v", d.DNT, !d.DNT)
	}
	if d.GPC != strings.Contains(text, "Global Privacy Control") {
		add("the collector honours Global Privacy Control: %v; the page says so: %v", d.GPC, !d.GPC)
	}
	if !d.Cookies && !strings.Contains(text, "Cookies or any other storage in your browser. None are used.") {
		add("the collector sets no cookies, and the page does not say so")
	}
	return problems
}

// TestPrivacyPolicyMatchesCollector builds the example site as folio build
// does and holds its privacy policy to what folio collect, run on the
// same folio.toml, declares it stores (and analytics' own tests hold the
// declaration to what the collector does).
func TestPrivacyPolicyMatchesCollector(t *testing.T) {
	root := filepath.Join("..", "..")
	page := buildPage(t, root, "privacy/index.html")
	d := collectorDeclaration(t, root)
	for _, p := range policyProblems(page, d) {
		t.Errorf("content/privacy.md disagrees with the collector: %s", p)
	}

	// The checks can fail: the same page is wrong for a collector that
	// looks up countries, keeps counts 30 days, publishes with k = 5,
	// keeps /16 and has no rate limit.
	other := d
	other.Dimensions = append(slices.Clone(d.Dimensions), analytics.Dimension{Name: "country", Label: "country", Example: "DE"})
	other.RetentionDays, other.K, other.IPv4Prefix, other.RateLimit = 30, 5, 16, 0
	other.Filtered = slices.DeleteFunc(slices.Clone(d.Filtered), func(r string) bool { return r == "rate-limited" })
	got := strings.Join(policyProblems(page, other), "\n")
	for _, want := range []string{"lists dimensions", "kept 30 days", "k = 5", "shortened to /16", "refusals", "floods", `"760 days"`} {
		if !strings.Contains(got, want) {
			t.Errorf("policyProblems() for a different collector does not report %q:\n%s", want, got)
		}
	}
}

// TestPrivacyPolicyFollowsFolioToml changes folio.toml of a copy of the
// example site and checks that the policy follows: folio.toml is the one
// source of what is stored.
func TestPrivacyPolicyFollowsFolioToml(t *testing.T) {
	root := t.TempDir()
	if err := os.CopyFS(filepath.Join(root, "content"), os.DirFS(filepath.Join("..", "..", "content"))); err != nil {
		t.Fatal(err)
	}
	toml, err := os.ReadFile(filepath.Join("..", "..", config.ConfigFile))
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(toml), "[analytics]\nenabled = true\n",
		"[analytics]\nenabled = true\ngeoip = \"GeoLite2-Country.mmdb\"\nretention = \"30d\"\nrateLimit = 0\n", 1)
	edited = strings.Replace(edited, "k = 10", "k = 5", 1)
	if edited == string(toml) || !strings.Contains(edited, "k = 5") {
		t.Fatalf("folio.toml of the example site changed shape; update this test:\n%s", toml)
	}
	if err := os.WriteFile(filepath.Join(root, config.ConfigFile), []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	page := buildPage(t, root, "privacy/index.html")
	d := collectorDeclaration(t, root)
	if !d.Stores("country") || d.RetentionDays != 30 || d.K != 5 || d.RateLimit != 0 {
		t.Fatalf("declaration %+v does not follow the edited folio.toml", d)
	}
	for _, p := range policyProblems(page, d) {
		t.Errorf("policy built from the edited folio.toml: %s", p)
	}
	if !strings.Contains(string(page), "to find your country") {
		t.Error("with a country database, the policy does not say the address is used to find the country")
	}
}

// TestCollectWarnsWhenFlagsContradictThePolicy: flags may make the
// collector store what the built policy does not say; it must say so.
func TestCollectWarnsWhenFlagsContradictThePolicy(t *testing.T) {
	root := collectSite(t, "title = \"T\"\nbaseURL = \"https://example.org/\"\n[analytics]\nenabled = true\n")
	ctx, cancel := context.WithCancel(context.Background())
	stdout := &lineWriter{first: make(chan string, 1)}
	stderr := &lineWriter{}
	done := make(chan error, 1)
	go func() {
		done <- runCollect(ctx, []string{"-root", root, "-addr", "127.0.0.1:0", "-retention", "30d"}, stdout, stderr)
	}()
	select {
	case <-stdout.first:
	case err := <-done:
		t.Fatalf("runCollect() = %v before listening\n%s", err, stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatal("runCollect() did not start within 30s")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("runCollect() = %v", err)
	}
	if !strings.Contains(stderr.String(), "retention 30 days, not 760") {
		t.Errorf("collect with -retention 30d did not warn that the policy says otherwise:\n%s", stderr.String())
	}
}
