// Renders ```mermaid blocks as diagrams, with the mermaid library the theme
// keeps under /vendor/ (data-src names it), on the pages that have one:
// base.html loads this script only there. Until it runs, and without
// script, a diagram's source shows as code. The source stays on the page,
// folded under the diagram.
//
// mermaid writes a <style> element and style attributes into the diagrams
// it draws, which a strict Content-Security-Policy refuses. While it draws,
// this script hands that style to the CSSOM instead, which the policy
// allows: the <style> text to a constructed stylesheet, each style
// attribute to the element's style property.
(function (d) {
  "use strict";
  var s = d.currentScript,
    blocks = [];
  d.querySelectorAll("pre.mermaid, pre[data-lang=mermaid], .language-mermaid").forEach(function (e) {
    var pre = e.closest("pre") || e;
    if (blocks.indexOf(pre) < 0) blocks.push(pre);
  });
  if (!s || !s.dataset.src || !blocks.length || !d.adoptedStyleSheets) return;
  var sheet = new CSSStyleSheet(),
    css = [],
    insert = Node.prototype.insertBefore,
    setAttr = Element.prototype.setAttribute;
  d.adoptedStyleSheets = d.adoptedStyleSheets.concat(sheet);

  function quiet(on) {
    Node.prototype.insertBefore = on
      ? function (n, ref) {
          if (n.nodeName.toLowerCase() != "style") return insert.call(this, n, ref);
          css.push(n.textContent);
          return n;
        }
      : insert;
    Element.prototype.setAttribute = on
      ? function (k, v) {
          if (String(k).toLowerCase() != "style") return setAttr.call(this, k, v);
          this.style.cssText = v;
        }
      : setAttr;
  }

  // svgNode makes a node of mermaid's SVG text without letting a style
  // attribute or element reach the page as markup.
  function svgNode(text) {
    var doc = new DOMParser().parseFromString(text.replace(/ style="/g, ' data-style="'), "image/svg+xml"),
      svg = doc.documentElement;
    svg.querySelectorAll("style").forEach(function (e) {
      css.push(e.textContent);
      e.remove();
    });
    svg = d.importNode(svg, true);
    [svg].concat(Array.prototype.slice.call(svg.querySelectorAll("[data-style]"))).forEach(function (e) {
      if (!e.hasAttribute("data-style")) return;
      e.style.cssText = e.getAttribute("data-style");
      e.removeAttribute("data-style");
    });
    return svg;
  }

  import(new URL(s.dataset.src, location.href).href).then(async function (m) {
    var mermaid = m.default;
    mermaid.initialize({
      startOnLoad: false,
      // "strict" would sanitize the drawn SVG by parsing it as markup
      // again, which the policy refuses for every style attribute. The
      // diagrams are the site's own text, and the policy refuses any
      // script one might name.
      securityLevel: "loose",
      suppressErrorRendering: true,
      theme: matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "default",
      fontFamily: "system-ui, sans-serif",
      // Labels as SVG text: HTML labels would need inline style.
      htmlLabels: false,
      flowchart: { htmlLabels: false },
    });
    for (var i = 0; i < blocks.length; i++) {
      var pre = blocks[i], code = pre.cloneNode(true), r;
      code.querySelectorAll(".copy").forEach(function (e) { e.remove(); });
      quiet(true);
      try {
        r = await mermaid.render("diagram-" + (i + 1), code.textContent);
      } catch (e) {
        continue; // a diagram mermaid cannot read stays as its source
      } finally {
        quiet(false);
      }
      var fig = d.createElement("figure"),
        src = d.createElement("details"),
        sum = d.createElement("summary");
      fig.className = "diagram";
      sum.textContent = "Diagram source";
      src.className = "details";
      src.appendChild(sum);
      pre.replaceWith(fig);
      fig.appendChild(svgNode(r.svg));
      src.appendChild(pre);
      fig.appendChild(src);
      sheet.replaceSync(css.join("\n"));
    }
  });
})(document);
