// Typesets math with KaTeX, which the theme keeps under /vendor/ and
// base.html loads before this script, on the pages that have math only.
// Math is TeX in an element of class "math": inline in a span, on a line
// of its own in a div of class "math display" or a ```math block. Without
// script, or until this runs, the TeX shows as it was written.
//
// KaTeX builds its output as elements and sets their style through the
// CSSOM, which a strict Content-Security-Policy allows.
(function (d) {
  "use strict";
  if (!window.katex) return;
  d.querySelectorAll(".math, pre[data-lang=math]").forEach(function (e) {
    var display = e.nodeName == "PRE" || e.nodeName == "DIV" || e.classList.contains("display"),
      src = e.cloneNode(true),
      out = d.createElement(display ? "div" : "span");
    src.querySelectorAll(".copy").forEach(function (c) { c.remove(); });
    out.className = "math" + (display ? " display" : "");
    try {
      katex.render(src.textContent.trim(), out, { displayMode: display, throwOnError: true, output: "htmlAndMathml" });
    } catch (x) {
      return; // TeX that KaTeX cannot read stays as written
    }
    e.replaceWith(out);
  });
})(document);
