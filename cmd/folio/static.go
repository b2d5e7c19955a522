package main

import (
	"bytes"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"strings"
	"sync/atomic"
	"time"
)

// securityHeaders are sent with every response of serve (collect, which
// serves no page, sends stricter ones: collectHeaderValues). The
// default theme needs no inline script or style, so the policy can be
// strict.
func securityHeaders(h http.Header) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
}

// siteHandler serves a built site from a folder that rebuilds replace or
// update. It never lists folders, never follows a path out of the site
// (os.Root refuses "..", absolute paths and symlinks that leave it) and
// answers unknown paths with the site's 404 page. The folder is opened
// per request, so a request after a rebuild swapped the folder sees the
// new one.
type siteHandler struct {
	dir    atomic.Pointer[string]
	inject []byte // added before </body> of HTML pages, for live reload
}

func (s *siteHandler) swap(dir string) error {
	if _, err := os.Stat(dir); err != nil {
		return err
	}
	s.dir.Store(&dir)
	return nil
}

func (s *siteHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w.Header())
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	dir := s.dir.Load()
	if dir == nil {
		http.Error(w, "the site is being built", http.StatusServiceUnavailable)
		return
	}
	root, err := os.OpenRoot(*dir)
	if err != nil {
		http.Error(w, "the site is being built", http.StatusServiceUnavailable)
		return
	}
	defer root.Close()
	// An encoded slash or backslash could make one path look like another.
	if strings.Contains(strings.ToLower(r.URL.RawPath), "%2f") || strings.Contains(r.URL.Path, "\\") || strings.Contains(r.URL.Path, "\x00") {
		s.notFound(w, r, root)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" {
		name = "."
	}
	if !fs.ValidPath(name) {
		s.notFound(w, r, root)
		return
	}
	fi, err := root.Stat(name)
	if err == nil && fi.IsDir() {
		if !strings.HasSuffix(r.URL.Path, "/") {
			http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
			return
		}
		name = path.Join(name, "index.html")
		fi, err = root.Stat(name)
	}
	if err != nil || !fi.Mode().IsRegular() {
		s.notFound(w, r, root)
		return
	}
	s.serveFile(w, r, root, name, fi.ModTime(), http.StatusOK)
}

func (s *siteHandler) notFound(w http.ResponseWriter, r *http.Request, root *os.Root) {
	if fi, err := root.Stat("404.html"); err == nil && fi.Mode().IsRegular() {
		s.serveFile(w, r, root, "404.html", time.Time{}, http.StatusNotFound)
		return
	}
	http.Error(w, "404 page not found", http.StatusNotFound)
}

// maxServedFile bounds what serve reads into memory to add live reload.
const maxServedFile = 64 << 20

func (s *siteHandler) serveFile(w http.ResponseWriter, r *http.Request, root *os.Root, name string, mod time.Time, status int) {
	f, err := root.Open(name)
	if err != nil {
		http.Error(w, "404 page not found", http.StatusNotFound)
		return
	}
	defer f.Close()
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ctype)
	if strings.HasPrefix(name, "assets/") {
		// Asset names carry a hash of their content.
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	if status == http.StatusOK && !(len(s.inject) > 0 && strings.HasSuffix(name, ".html")) {
		http.ServeContent(w, r, name, mod, f)
		return
	}
	data, err := io.ReadAll(io.LimitReader(f, maxServedFile))
	if err != nil {
		http.Error(w, "read error", http.StatusInternalServerError)
		return
	}
	if len(s.inject) > 0 && strings.HasSuffix(name, ".html") {
		data = injectBeforeBodyEnd(data, s.inject)
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}

func injectBeforeBodyEnd(page, snippet []byte) []byte {
	i := bytes.LastIndex(page, []byte("</body>"))
	if i < 0 {
		return append(page, snippet...)
	}
	out := make([]byte, 0, len(page)+len(snippet))
	out = append(out, page[:i]...)
	out = append(out, snippet...)
	return append(out, page[i:]...)
}
