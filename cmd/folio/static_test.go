package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSiteHandler(t *testing.T) {
	top := t.TempDir()
	secret := filepath.Join(top, "secret.txt")
	site := filepath.Join(top, "site")
	files := map[string]string{
		"index.html":      "<html><body>home</body></html>",
		"docs/index.html": "<html><body>docs</body></html>",
		"404.html":        "<html><body>not here</body></html>",
		"style.css":       "body{}",
		"empty/keep.txt":  "x",
	}
	for name, data := range files {
		p := filepath.Join(site, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(secret, []byte("top secret"), 0o644)
	if err := os.Symlink(secret, filepath.Join(site, "link.txt")); err != nil {
		t.Fatal(err)
	}
	h := &siteHandler{inject: []byte(`<script src="/_folio/live.js" defer></script>`)}
	if err := h.swap(site); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	tests := []struct {
		method, path string
		status       int
		body         string // a part of the body, "" for no check
		ctype        string
	}{
		{"GET", "/", 200, "home", "text/html; charset=utf-8"},
		{"GET", "/docs/", 200, "docs", "text/html; charset=utf-8"},
		{"GET", "/docs", 301, "", ""},
		{"GET", "/style.css", 200, "body{}", "text/css; charset=utf-8"},
		{"HEAD", "/style.css", 200, "", "text/css; charset=utf-8"},
		{"GET", "/nope/", 404, "not here", ""},
		{"GET", "/../secret.txt", 404, "not here", ""},
		{"GET", "/%2e%2e/secret.txt", 404, "not here", ""},
		{"GET", "/docs%2f..%2f..%2fsecret.txt", 404, "not here", ""},
		{"GET", "/docs/..%5c..%5csecret.txt", 404, "not here", ""},
		{"GET", "/link.txt", 404, "not here", ""},
		{"GET", "/empty/", 404, "not here", ""},
		{"POST", "/", 405, "", ""},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, srv.URL+tt.path, nil)
		// Keep the path as written: the client must not clean it first.
		req.URL.Opaque = tt.path
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", tt.method, tt.path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("%s %s = %d, want %d", tt.method, tt.path, resp.StatusCode, tt.status)
		}
		if tt.body != "" && !strings.Contains(string(body), tt.body) {
			t.Errorf("%s %s body = %q, want it to contain %q", tt.method, tt.path, body, tt.body)
		}
		if strings.Contains(string(body), "top secret") {
			t.Errorf("%s %s served a file from outside the site", tt.method, tt.path)
		}
		if tt.ctype != "" && resp.Header.Get("Content-Type") != tt.ctype {
			t.Errorf("%s %s Content-Type = %q, want %q", tt.method, tt.path, resp.Header.Get("Content-Type"), tt.ctype)
		}
		if strings.Contains(string(body), "keep.txt") {
			t.Errorf("%s %s listed a folder", tt.method, tt.path)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s %s has no nosniff header", tt.method, tt.path)
		}
	}

	// Pages served get the live-reload script; other files do not.
	resp, err := client.Get(srv.URL + "/docs/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), `<script src="/_folio/live.js" defer></script></body>`) {
		t.Errorf("served page lacks the live-reload script before </body>: %s", page)
	}
}

// TestBuildHasNoLiveReload checks that only serve adds live reload: the
// output of folio build never mentions it.
func TestBuildHasNoLiveReload(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "content"), 0o755)
	os.WriteFile(filepath.Join(root, "content", "index.md"), []byte("# Home\n"), 0o644)
	out := filepath.Join(root, "public")
	if err := run(t.Context(), []string{"build", "-quiet", "-root", root, "-out", out}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	err := filepath.Walk(out, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if strings.Contains(string(data), "_folio") || strings.Contains(string(data), "EventSource") {
			t.Errorf("%s mentions live reload", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
