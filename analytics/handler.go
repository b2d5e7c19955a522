package analytics

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"

	"folio/analytics/privacy"
)

// MaxBody is the largest beacon body accepted; a real one is under 600
// bytes even with a long referrer.
const MaxBody = 2048

// ReasonHeader explains, to someone debugging their site, why a request
// was not counted. It never echoes anything from the request.
const ReasonHeader = "X-Folio-Reason"

// gif is the smallest transparent 1x1 GIF.
var gif = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

var bodyPool = sync.Pool{New: func() any { b := make([]byte, MaxBody+1); return &b }}

// Header values, made once: a header slice literal in a handler is an
// allocation per request. net/http never modifies them.
var (
	noStore     = []string{"no-store"}
	imageGIF    = []string{"image/gif"}
	gifLength   = []string{"43"}
	allowPost   = []string{http.MethodPost}
	allowGet    = []string{"GET, HEAD"}
	reasonValue = func() map[privacy.Reason][]string {
		m := map[privacy.Reason][]string{}
		for _, r := range []privacy.Reason{privacy.Bot, privacy.DNT, privacy.GPC, privacy.UnknownPage, privacy.BadRequest, privacy.RateLimited, privacy.Origin} {
			m[r] = []string{string(r)}
		}
		return m
	}()
)

func (c *Collector) serveBeacon(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header()["Allow"] = allowPost
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if r.ContentLength > MaxBody {
		http.Error(w, "request entity too large", http.StatusRequestEntityTooLarge)
		return
	}
	bp := bodyPool.Get().(*[]byte)
	defer bodyPool.Put(bp)
	n, err := io.ReadFull(r.Body, *bp)
	switch {
	case n > MaxBody:
		http.Error(w, "request entity too large", http.StatusRequestEntityTooLarge)
		return
	case err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF):
		// The client went away or stalled mid-body: not an event.
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	facts := c.readFacts(r)
	facts.Body = (*bp)[:n]
	reason := c.count(&facts)
	if reason == closedReason {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	// An accepted beacon gets a bare 204: touching w.Header() would make
	// net/http copy the header map, and a response to POST is not cached
	// anyway.
	if reason != privacy.Accepted {
		w.Header()[ReasonHeader] = reasonValue[reason]
	}
	w.WriteHeader(http.StatusNoContent)
}

func (c *Collector) servePixel(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// Without no-store a browser would show the pixel from its cache
	// and the next view of the page would go uncounted.
	h["Cache-Control"] = noStore
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h["Allow"] = allowGet
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if r.Method == http.MethodHead {
		// A HEAD is a link checker or a cache, never a reader's view.
		h["Content-Type"] = imageGIF
		w.WriteHeader(http.StatusOK)
		return
	}
	facts := c.readFacts(r)
	facts.Pixel = true
	facts.PixelPath = r.URL.Query().Get("p")
	reason := c.count(&facts)
	if reason == closedReason {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	if reason != privacy.Accepted {
		h[ReasonHeader] = reasonValue[reason]
	}
	h["Content-Type"] = imageGIF
	h["Content-Length"] = gifLength
	w.WriteHeader(http.StatusOK)
	w.Write(gif) // an error here is the client gone; nothing to do

}

// readFacts copies the few headers the privacy filter looks at: of the
// forwarding headers, only the one the operator named. Direct map access:
// the names are already canonical, and this runs for every event.
func (c *Collector) readFacts(r *http.Request) privacy.Facts {
	hd := r.Header
	f := privacy.Facts{
		RemoteAddr:     r.RemoteAddr,
		ClientIP:       hd[c.filter.ClientIPHeader()],
		UserAgent:      first(hd["User-Agent"]),
		AcceptLanguage: first(hd["Accept-Language"]),
		DNT:            first(hd["Dnt"]),
		GPC:            first(hd["Sec-Gpc"]),
		Purpose:        first(hd["Sec-Purpose"]),
		Origin:         first(hd["Origin"]),
		Referer:        first(hd["Referer"]),
	}
	if f.Purpose == "" {
		f.Purpose = first(hd["Purpose"])
	}
	return f
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// closedReason is internal: the collector is closed and the request must
// not be answered as if it had been counted.
const closedReason privacy.Reason = "closed"

// count runs one request through the filter, the rate limiter and the
// aggregator, and returns the reason it was not counted, if any.
func (c *Collector) count(f *privacy.Facts) privacy.Reason {
	res := c.filter.Apply(f)
	if res.ForwardedIgnored {
		c.hint.Do(func() {
			c.log.Warn("ignoring "+c.filter.ClientIPHeader()+" from a peer outside the trusted proxies; "+
				"if a reverse proxy sits in front of the collector, set -trusted-proxies (or trustedProxies in folio.toml) to its network",
				"header", c.filter.ClientIPHeader())
		})
	}
	if res.ClientIPMissing {
		c.missingHint.Do(func() {
			c.log.Warn("a trusted proxy sent no "+c.filter.ClientIPHeader()+" header, so its own address is counted; "+
				"set -client-ip-header to the header the proxy writes the client's address into",
				"header", c.filter.ClientIPHeader())
		})
	}
	reason := res.Reason
	if reason == privacy.Accepted && !c.limiter.allow(res.Addr) {
		reason = privacy.RateLimited
	}
	day := c.day()
	var err error
	switch {
	case reason == privacy.Accepted:
		var counted bool
		counted, err = c.agg.add(day, &res.Record)
		if err == nil && !counted {
			c.log.Debug("event not counted: pending counts are full while the store fails")
		}
	case reason.Stored():
		err = c.agg.drop(day, reason)
	}
	if errors.Is(err, errClosed) {
		return closedReason
	}
	if c.log.Enabled(context.Background(), slog.LevelDebug) { // spares boxing the args on every event
		c.log.Debug("event", "reason", string(reason))
	}
	return reason
}
