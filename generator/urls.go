package generator

import (
	"path"
	"strings"
)

// PageFile is the output file of a URL path: /docs/x/ -> docs/x/index.html.
func PageFile(urlPath string) string {
	name := strings.TrimPrefix(urlPath, "/")
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	return name
}

// CleanURLPath normalises a url from front matter: a leading slash, and a
// trailing slash unless it names a file such as /404.html.
func CleanURLPath(u string) string {
	u = path.Clean("/" + u)
	if u != "/" && path.Ext(u) == "" {
		u += "/"
	}
	return u
}

// URLs turns site paths into addresses: RelURL for links within the
// site, AbsURL for feeds and sitemaps.
type URLs struct {
	BasePath string // "/" or the baseURL's path, such as "/docs/"
	BaseURL  string // absolute with a trailing slash, or ""
}

// RelURL is the address of a site path relative to the host.
func (b URLs) RelURL(p string) string {
	if strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") {
		return p
	}
	return b.BasePath + strings.TrimPrefix(p, "/")
}

// AbsURL is the absolute address of a site path when the site has a
// baseURL, else RelURL's.
func (b URLs) AbsURL(p string) string {
	if b.BaseURL == "" {
		return b.RelURL(p)
	}
	if strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") {
		return p
	}
	return b.BaseURL + strings.TrimPrefix(p, "/")
}
