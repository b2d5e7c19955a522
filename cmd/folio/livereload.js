// Live reload for folio serve: injected into pages by the server only,
// never written by folio build.
(function () {
  var box, es;
  function connect() {
    es = new EventSource("/_folio/events");
    es.addEventListener("reload", function () { location.reload(); });
    es.addEventListener("failed", function (e) {
      if (!box) {
        box = document.createElement("pre");
        box.setAttribute("role", "alert");
        box.style.cssText = "position:fixed;inset:auto 1rem 1rem 1rem;max-height:50vh;overflow:auto;margin:0;padding:1rem;" +
          "background:#3b0d0d;color:#fff;font:14px/1.4 ui-monospace,monospace;border-radius:6px;z-index:2147483647;white-space:pre-wrap";
        document.body.appendChild(box);
      }
      box.textContent = "folio build failed; showing the last good version.\n\n" + e.data;
    });
  }
  // A page kept in the back/forward cache would keep its stream open, and
  // browsers open at most six connections to one host: after six pages the
  // next one would wait for ever. So the stream closes when the page is
  // left, and opens again if the page comes back from the cache.
  addEventListener("pagehide", function () { es.close(); });
  addEventListener("pageshow", function (e) { if (e.persisted) connect(); });
  connect();
})();
