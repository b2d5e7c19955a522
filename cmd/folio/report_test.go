package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"folio/analytics/store"
)

// reportSite writes a small site with two pages and returns its root.
func reportSite(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"folio.toml":              "title = \"Test site\"\n[report]\nk = 5\n",
		"content/_index.md":       "---\ntitle: Home\n---\nWelcome.\n",
		"content/docs/install.md": "---\ntitle: Install it\n---\nSteps.\n",
	}
	writeFiles(t, root, files)
	return root
}

func runReportTest(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = runReport(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), err
}

func TestReportWithoutDatabase(t *testing.T) {
	root := reportSite(t)
	_, stderr, err := runReportTest(t, "-root", root, "-db", filepath.Join(root, "data", "analytics.db"))
	if err != nil {
		t.Fatalf("report without a database: %v\n%s", err, stderr)
	}
	page, err := os.ReadFile(filepath.Join(root, "public", "stats", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "No data yet") {
		t.Errorf("report page without a database does not say so:\n%s", page)
	}
	if _, err := os.Stat(filepath.Join(root, "data", "analytics.db")); err == nil {
		t.Error("folio report created a database")
	}
}

func TestReportFromStore(t *testing.T) {
	root := reportSite(t)
	db := filepath.Join(root, "data", "analytics.db")
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	b := store.NewBatch()
	for d := range 7 {
		day := time.Date(2025, 3, 3+d, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
		b.Views[store.ViewKey{Day: day, Path: "/docs/install/"}] = 10
		b.ViewVisitors[store.ViewKey{Day: day, Path: "/docs/install/"}] = 6
		b.Views[store.ViewKey{Day: day, Path: "/"}] = 20
		b.ViewVisitors[store.ViewKey{Day: day, Path: "/"}] = 12
		b.Dims[store.DimKey{Day: day, Dim: "browser", Value: "Firefox"}] = 30
		b.DimVisitors[store.DimKey{Day: day, Dim: "browser", Value: "Firefox"}] = 12
		b.Dims[store.DimKey{Day: day, Dim: "browser", Value: "Lynx"}] = 4 // under k = 5 visitors
		b.DimVisitors[store.DimKey{Day: day, Dim: "browser", Value: "Lynx"}] = 1
		b.Visitors[day] = 12
	}
	if err := st.Add(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "stats")
	stdout, stderr, err := runReportTest(t, "-root", root, "-db", db, "-out", out, "-from", "2025-03-05", "-to", "2025-03-05")
	if err != nil {
		t.Fatalf("report: %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "k = 5") || !strings.Contains(stdout, "210 views") {
		t.Errorf("report printed %q, want the site's k = 5 and 210 views", stdout)
	}
	page, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Install it", "<svg", "k = 5", "report.json", "Firefox"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("report page lacks %q", want)
		}
	}
	if strings.Contains(string(page), "style=") {
		t.Error("report page has a style attribute, which a strict CSP blocks")
	}
	if strings.Contains(string(page), "Lynx") || !strings.Contains(string(page), "Other holds 28 views") {
		t.Error("the public report shows a browser under k, or does not say what went into Other")
	}
	for _, name := range []string{"report.json", "pages.csv", "daily.csv"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Error(err)
		}
	}

	// A month report into the folder of a week report is refused, unless
	// forced.
	if err := os.WriteFile(filepath.Join(root, "folio.toml"), append(readFile(t, filepath.Join(root, "folio.toml")), "cell = \"month\"\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runReportTest(t, "-root", root, "-db", db, "-out", out, "-from", "2025-03-05", "-to", "2025-03-05"); err == nil || !strings.Contains(err.Error(), "week") {
		t.Errorf("a month report over a week report: %v, want a refusal", err)
	}
	if _, stderr, err := runReportTest(t, "-root", root, "-db", db, "-out", out, "-from", "2025-03-05", "-to", "2025-03-05", "-force"); err != nil {
		t.Errorf("a forced month report: %v\n%s", err, stderr)
	}

	// The private report shows Lynx exactly, says so, and is never
	// written inside the site's output folder.
	priv := filepath.Join(t.TempDir(), "private")
	if _, stderr, err := runReportTest(t, "-root", root, "-db", db, "-out", priv, "-private", "-from", "2025-03-03", "-to", "2025-03-09"); err != nil {
		t.Fatalf("report -private: %v\n%s", err, stderr)
	}
	page = readFile(t, filepath.Join(priv, "index.html"))
	for _, want := range []string{"Private: do not publish", "Lynx", "28"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("private report lacks %q", want)
		}
	}
	for _, bad := range []string{filepath.Join(root, "public", "private"), filepath.Join(root, "public"), ""} {
		if _, _, err := runReportTest(t, "-root", root, "-db", db, "-out", bad, "-private"); err == nil {
			t.Errorf("report -private -out %q succeeded, want a refusal", bad)
		}
	}
	// Nor through a link that points into it.
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(filepath.Join(root, "public"), link); err == nil {
		if _, _, err := runReportTest(t, "-root", root, "-db", db, "-out", filepath.Join(link, "x"), "-private"); err == nil {
			t.Error("report -private through a symbolic link into public/ succeeded, want a refusal")
		}
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReportRefusesNewerSchema(t *testing.T) {
	root := reportSite(t)
	db := filepath.Join(root, "analytics.db")
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`PRAGMA user_version = 99`); err != nil {
		t.Fatal(err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	_, _, err = runReportTest(t, "-root", root, "-db", db)
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("report on a newer schema: %v, want an error that says so", err)
	}
	if _, err := os.Stat(filepath.Join(root, "public", "stats")); err == nil {
		t.Error("a failed report wrote its folder")
	}
}

func TestReportFlags(t *testing.T) {
	root := reportSite(t)
	for _, args := range [][]string{
		{"-root", root, "-k", "0"},
		{"-root", root, "-from", "March"},
		{"-root", root, "-from", "2025-03-20", "-to", "2025-03-01"},
		{"-root", root, "extra"},
	} {
		if _, _, err := runReportTest(t, args...); err == nil {
			t.Errorf("folio report %v succeeded, want an error", args)
		}
	}
}
