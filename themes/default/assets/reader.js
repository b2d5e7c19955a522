// Folio's reading aids: the table of contents marks the section in view,
// every code block gets a button that copies its code, and tabs with the
// same titles switch together. All only add
// to a page that works without them; nothing is stored and nothing leaves
// the page.
(function (d) {
  "use strict";
  var main = d.getElementById("main");
  if (!main) return;

  // The table of contents marks the link of the section being read: the
  // last heading above a line a quarter down the window. The observer
  // says when a heading crosses that band, so no work is done on scroll.
  var toc = d.querySelector(".toc"), links = {}, heads = [], current;
  if (toc && window.IntersectionObserver) {
    toc.querySelectorAll("a[href^='#']").forEach(function (a) {
      var h = d.getElementById(decodeURIComponent(a.hash.slice(1)));
      if (h) {
        links[h.id] = a;
        heads.push(h);
      }
    });
    var mark = function () {
      var line = innerHeight / 4, at;
      heads.forEach(function (h) {
        if (h.getBoundingClientRect().top <= line) at = h;
      });
      var a = at && links[at.id];
      if (a == current) return;
      if (current) current.removeAttribute("aria-current");
      if (a) a.setAttribute("aria-current", "location");
      current = a;
    };
    var io = new IntersectionObserver(mark, { rootMargin: "0px 0px -75% 0px" });
    heads.forEach(function (h) { io.observe(h); });
    addEventListener("resize", mark);
  }

  // Copy buttons. The code copied leaves out what is not code: line
  // numbers, and the prompts and output of a shell session (marked by the
  // highlighter in a console block, a "$ " at the start of a line in a
  // shell script).
  var status;
  function say(text) {
    status.textContent = "";
    setTimeout(function () { status.textContent = text; }, 50);
  }
  function code(pre) {
    var c = (pre.querySelector("code") || pre).cloneNode(true), prompts = c.querySelector(".gp");
    c.querySelectorAll(".ln, .lnt" + (prompts ? ", .gp, .go" : "")).forEach(function (e) {
      e.remove();
    });
    var text = c.textContent;
    if (prompts) return text.replace(/^ /gm, "");
    return /^(sh|bash|shell|zsh)$/.test(pre.dataset.lang) ? text.replace(/^\$ /gm, "") : text;
  }
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    // Plain http: the older way, through a selection.
    return new Promise(function (ok, fail) {
      var t = d.createElement("textarea");
      t.value = text;
      t.setAttribute("readonly", "");
      t.className = "vh";
      d.body.appendChild(t);
      t.select();
      var done = d.execCommand("copy");
      t.remove();
      (done ? ok : fail)();
    });
  }
  // Tabs groups with the same titles follow the reader's choice
  // together: choosing "Linux" in one chooses it in all. Nothing is
  // stored; every page starts at its first tabs.
  function labels(g) {
    return g.querySelectorAll(":scope > label");
  }
  function titles(g) {
    return Array.prototype.map.call(labels(g), function (l) { return l.textContent; }).join("\n");
  }
  main.addEventListener("change", function (e) {
    var group = e.target.parentNode, chosen = e.target.labels && e.target.labels[0];
    if (!chosen || !group.classList.contains("tabs")) return;
    var key = titles(group);
    main.querySelectorAll(".tabs").forEach(function (g) {
      if (g == group || titles(g) != key) return;
      labels(g).forEach(function (l) {
        if (l.textContent == chosen.textContent) l.control.checked = true;
      });
    });
  });

  var pres = main.querySelectorAll("pre");
  if (!pres.length) return;
  status = d.createElement("p");
  status.className = "vh";
  status.setAttribute("role", "status");
  d.body.appendChild(status);
  pres.forEach(function (pre) {
    var b = d.createElement("button");
    b.type = "button";
    b.className = "copy";
    b.textContent = "Copy";
    b.setAttribute("aria-label", "Copy code");
    b.addEventListener("click", function () {
      copy(code(pre)).then(function () {
        b.textContent = "Copied";
        say("Code copied");
        setTimeout(function () { b.textContent = "Copy"; }, 2000);
      }, function () {
        say("Could not copy: select the code and copy it instead");
      });
    });
    pre.classList.add("has-copy");
    pre.insertBefore(b, pre.firstChild);
  });
})(document);
