// Folio's page-view beacon. It reports one view of this page to the site's
// own endpoint and nothing else: no cookie, no storage, no identifier, no
// third party. It sends nothing at all when the reader has asked not to be
// tracked (Do Not Track or Global Privacy Control). The endpoint comes from
// the script tag: <script src="/beacon.js" defer data-endpoint="/api/event">.
// data-downloads="pdf,zip" names the file types whose links count as
// downloads; data-not-found is set on the site's not-found page.
(function (d, n, l) {
  if (n.doNotTrack == "1" || n.globalPrivacyControl) return;
  var s = (d.currentScript || {}).dataset || {},
    e = s.endpoint || "/api/event",
    x = (s.downloads || "").split(","),
    q = new URLSearchParams(l.search),
    // The path, never the query or fragment (they may hold personal
    // data): only the campaign parameters, cut short; the endpoint reduces
    // the referrer to its host.
    o = s.notFound != null ? { p: l.pathname, e: "not-found" } : { p: l.pathname, r: d.referrer },
    c = function (k, v) {
      if ((v = q.get(k))) return v.toLowerCase().slice(0, 64);
    },
    send = function (o) {
      var b = JSON.stringify(o);
      // A string body goes as text/plain, so the browser needs no CORS
      // preflight; sendBeacon survives the page being closed.
      try {
        if (n.sendBeacon && n.sendBeacon(e, b)) return;
      } catch (_) {}
      if (window.fetch)
        fetch(e, {
          method: "POST",
          body: b,
          keepalive: true,
          credentials: "omit",
          headers: { "Content-Type": "text/plain" },
        }).catch(function () {});
    };
  if (!o.e) {
    o.s = c("utm_source") || c("ref");
    o.m = c("utm_medium");
    o.c = c("utm_campaign");
  }
  send(o);
  // Clicks: a named element, a link to another site (its host only), or
  // a link to a file of one of the listed types (its path only).
  d.addEventListener(
    "click",
    function (v, a, u, f) {
      a = v.target.closest && v.target.closest("[data-folio-event],a[href]");
      if (!a) return;
      if ((f = a.getAttribute("data-folio-event")))
        return send({ p: l.pathname, e: "event", n: f.slice(0, 64) });
      u = new URL(a.href, l.href);
      if (!/^https?:$/.test(u.protocol)) return;
      if (u.host != l.host) send({ p: l.pathname, e: "outbound", n: u.hostname });
      else if (x.indexOf((u.pathname.match(/\.(\w+)$/) || [])[1]) >= 0)
        send({ p: l.pathname, e: "download", n: u.pathname });
    },
    true,
  );
})(document, navigator, location);
