// Folio's page-view beacon. It reports one view of this page to the site's
// own endpoint and nothing else: no cookie, no storage, no identifier, no
// third party. It sends nothing at all when the reader has asked not to be
// tracked (Do Not Track or Global Privacy Control). The endpoint comes from
// the script tag: <script src="/beacon.js" defer data-endpoint="/api/event">.
(function (d, n) {
  if (n.doNotTrack == "1" || n.globalPrivacyControl) return;
  var s = d.currentScript,
    e = (s && s.dataset.endpoint) || "/api/event",
    // The path, never the query or fragment (they may hold personal data);
    // the referrer is reduced to its host by the endpoint.
    b = JSON.stringify({ p: location.pathname, r: d.referrer });
  // A string body goes as text/plain, so the browser needs no CORS
  // preflight; sendBeacon survives the page being closed.
  try {
    if (n.sendBeacon && n.sendBeacon(e, b)) return;
  } catch (x) {}
  if (window.fetch)
    fetch(e, {
      method: "POST",
      body: b,
      keepalive: true,
      credentials: "omit",
      headers: { "Content-Type": "text/plain" },
    }).catch(function () {});
})(document, navigator);
