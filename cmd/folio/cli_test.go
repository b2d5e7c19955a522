package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestHelpForEveryCommand(t *testing.T) {
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			var outs []string
			for _, args := range [][]string{{"help", c.name}, {c.name, "-h"}, {c.name, "--help"}} {
				var stdout, stderr bytes.Buffer
				if err := run(context.Background(), args, &stdout, &stderr); err != nil {
					t.Fatalf("folio %s = %v, want success", strings.Join(args, " "), err)
				}
				if stderr.Len() > 0 {
					t.Errorf("folio %s wrote to stderr: %q", strings.Join(args, " "), stderr.String())
				}
				outs = append(outs, stdout.String())
			}
			help := outs[0]
			if outs[1] != help || outs[2] != help {
				t.Errorf("folio help %[1]s and folio %[1]s -h differ:\n%s\n---\n%s", c.name, help, outs[1])
			}
			if !strings.HasPrefix(help, "usage: folio "+c.name) {
				t.Errorf("help starts %q, want the synopsis", firstLine(help))
			}
			if !strings.Contains(help, firstLine(c.long)) {
				t.Errorf("help has no description:\n%s", help)
			}
			if !c.noFlags && c.name != "version" && c.name != "import" && (!strings.Contains(help, "\nFlags:\n") || !strings.Contains(help, "  -root string")) {
				t.Errorf("help lists no flags:\n%s", help)
			}
		})
	}
}

func firstLine(s string) string { return strings.SplitN(s, "\n", 2)[0] }

func TestUsageMistakes(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"help", "nope"}, `unknown command "nope"`},
		{[]string{"nope"}, `unknown command "nope"`},
		{[]string{"build", "-nope"}, "flag provided but not defined: -nope"},
	} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), tt.args, &stdout, &stderr)
		if err == nil {
			t.Errorf("folio %s succeeded, want an error", strings.Join(tt.args, " "))
			continue
		}
		if !strings.Contains(err.Error()+stderr.String(), tt.want) {
			t.Errorf("folio %s = %v, stderr %q; want %q", strings.Join(tt.args, " "), err, stderr.String(), tt.want)
		}
		if stdout.Len() > 0 {
			t.Errorf("folio %s wrote to stdout: %q", strings.Join(tt.args, " "), stdout.String())
		}
	}
}

func TestVersion(t *testing.T) {
	for _, arg := range []string{"version", "--version", "-version"} {
		var stdout bytes.Buffer
		if err := run(context.Background(), []string{arg}, &stdout, io.Discard); err != nil {
			t.Fatalf("folio %s = %v", arg, err)
		}
		got := stdout.String()
		if !strings.HasPrefix(got, "folio ") || !strings.Contains(got, runtime.Version()) || !strings.Contains(got, runtime.GOOS+"/"+runtime.GOARCH) {
			t.Errorf("folio %s = %q, want the module version, Go version and platform", arg, got)
		}
	}
	v := buildVersion{Module: "v1.2.3", Revision: "abc123", Time: "2026-01-02T03:04:05Z", Modified: true, Go: "go1.26.8", Platform: "linux/arm64"}
	if got, want := v.String(), "folio v1.2.3 (revision abc123, 2026-01-02T03:04:05Z, modified) go1.26.8 linux/arm64"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestBuildWithoutContentGivesHint(t *testing.T) {
	root := t.TempDir()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"build", "-root", root}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "no content/ in "+root+": pass -root, or make a site with folio new") {
		t.Fatalf("folio build in an empty folder = %v, want the hint", err)
	}
	if entries, _ := os.ReadDir(root); len(entries) > 0 {
		t.Errorf("folio build in an empty folder wrote %d entries into it", len(entries))
	}
	if err := checkSiteRoot("."); err == nil || !strings.HasPrefix(err.Error(), "no content/ here:") {
		t.Errorf("checkSiteRoot(.) = %v, want no content/ here", err) // this package's folder has no content/
	}
}

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "0 errors", 1: "1 error", 2: "2 errors"} {
		if got := plural(n, "error", "errors"); got != want {
			t.Errorf("plural(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestWatcherIgnoresEditorFiles(t *testing.T) {
	for name, want := range map[string]bool{
		"content/docs/x.md":        true,
		"content/sedation.md":      true,
		"content/sed.md":           true,
		"folio.toml":               true,
		"content/docs/.x.md.swp":   false,
		"content/docs/x.md.swp":    false,
		"content/docs/x.md~":       false,
		"content/docs/.#x.md":      false,
		"content/docs/sedAb12Cd":   false,
		"content/docs/4913":        false,
		"layouts/.page.html.swx":   false,
		"public/index.html":        false,
		"content/docs/_snippet.md": true,
		// Data files, but not the visit counts kept beside them.
		"data/team.yaml":        true,
		"data/api/v2.json":      true,
		"data/analytics.db":     false,
		"data/analytics.db-wal": false,
		"data/analytics.db-shm": false,
		"data/.team.yaml.swp":   false,
	} {
		if got := relevant(filepath.FromSlash(name)); got != want {
			t.Errorf("relevant(%q) = %v, want %v", name, got, want)
		}
	}
}

// serveSite runs folio serve on root with extra flags until the test ends,
// and returns its address and its log.
func serveSite(t *testing.T, root string, extra ...string) (string, *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var log lockedBuffer
	listening := regexp.MustCompile(`serving .* on (http://127\.0\.0\.1:[0-9]+)/`)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "-root", root, "-addr", "127.0.0.1:0"}, extra...), &log, &log)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("folio serve = %v\n%s", err, log.String())
		}
	})
	var base string
	waitFor(t, &log, func(s string) bool {
		if m := listening.FindStringSubmatch(s); m != nil {
			base = m[1]
			return true
		}
		return false
	})
	return base, &log
}

// waitFor polls serve's log until ok says it holds what the test waits for.
func waitFor(t *testing.T, log *lockedBuffer, ok func(string) bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !ok(log.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("serve did not get there within 60s; it said:\n%s", log.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

const beaconTag = "beacon."

func TestServeAnalyticsFollowsFolioToml(t *testing.T) {
	root := filepath.Join(t.TempDir(), "site")
	if err := writeNewSite(root); err != nil {
		t.Fatal(err)
	}
	base, log := serveSite(t, root)
	if _, err := os.Stat(filepath.Join(root, "data")); !os.IsNotExist(err) {
		t.Errorf("serve with analytics off made data/: %v", err)
	}
	if _, page := get(t, base+"/"); strings.Contains(page, beaconTag) {
		t.Errorf("a page served with analytics off carries the beacon:\n%s", page)
	}
	if code, _ := get(t, base+"/api/event.gif?p=/"); code != http.StatusNotFound {
		t.Errorf("the endpoint answers %d with analytics off, want 404", code)
	}

	toml := filepath.Join(root, "folio.toml")
	cfg, _ := os.ReadFile(toml)
	if err := os.WriteFile(toml, bytes.Replace(cfg, []byte("enabled = false"), []byte("enabled = true"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, log, func(s string) bool { return strings.Contains(s, "folio.toml changed: counting visits into ") })
	if _, err := os.Stat(filepath.Join(root, "data", "analytics.db")); err != nil {
		t.Errorf("serve did not open the database once analytics was turned on: %v", err)
	}
	if _, page := get(t, base+"/"); !strings.Contains(page, beaconTag) {
		t.Errorf("a page served with analytics on has no beacon:\n%s", page)
	}
	if code, _ := get(t, base+"/stats/"); code != http.StatusOK {
		t.Errorf("/stats/ = %d with analytics on, want 200", code)
	}
	// The files the report links to, beside it.
	if code, csv := get(t, base+"/stats/referrers.csv"); code != http.StatusOK || !strings.HasPrefix(csv, "host,label,group,source,") {
		t.Errorf("/stats/referrers.csv = %d %.60q, want 200 and the referrers", code, csv)
	}
	if code, js := get(t, base+"/stats/report.json"); code != http.StatusOK || !strings.Contains(js, `"private": true`) {
		t.Errorf("/stats/report.json = %d %.60q, want 200 and the private report", code, js)
	}
	if code, _ := get(t, base+"/stats/nothing.csv"); code != http.StatusNotFound {
		t.Errorf("/stats/nothing.csv = %d, want 404", code)
	}

	if err := os.WriteFile(toml, cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, log, func(s string) bool { return strings.Contains(s, "folio.toml changed: visits are not counted") })
	if _, page := get(t, base+"/"); strings.Contains(page, beaconTag) {
		t.Errorf("the beacon stayed after analytics was turned off:\n%s", page)
	}
	if code, _ := get(t, base+"/stats/"); code != http.StatusNotFound {
		t.Errorf("/stats/ = %d after analytics was turned off, want 404", code)
	}
}

func TestServeNoAnalyticsLeavesBeaconOut(t *testing.T) {
	root := filepath.Join(t.TempDir(), "site")
	if err := writeNewSite(root); err != nil {
		t.Fatal(err)
	}
	toml := filepath.Join(root, "folio.toml")
	cfg, _ := os.ReadFile(toml)
	if err := os.WriteFile(toml, bytes.Replace(cfg, []byte("enabled = false"), []byte("enabled = true"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	base, _ := serveSite(t, root, "-no-analytics")
	if _, page := get(t, base+"/docs/writing/"); strings.Contains(page, beaconTag) {
		t.Errorf("serve -no-analytics served the beacon:\n%s", page)
	}
	if _, page := get(t, base+"/privacy/"); !strings.Contains(page, `data-collected="nothing"`) {
		t.Errorf("serve -no-analytics: the privacy page does not say nothing is counted:\n%s", page)
	}
	if _, err := os.Stat(filepath.Join(root, "data")); !os.IsNotExist(err) {
		t.Errorf("serve -no-analytics made data/: %v", err)
	}
}
