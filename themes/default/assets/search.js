// Folio's site search. It searches the index that `folio build` writes
// under /search/ (see generator/search.go for its format) in the reader's
// browser: no query leaves the page, nothing is stored, no cookie is sent.
// The index loads only when the reader first focuses or types in the box,
// and on a large site only the parts a query needs. Without JavaScript the
// box stays hidden and the navigation reaches every page.
//
// The functions above the DOM code are pure and also run under node, for
// the tests in generator/search_node_test.go.
(function () {
  "use strict";

  var MAX_TERM = 40, // keep in step with searchMaxTerm
    SHOW = 10,
    // A title match outranks any heading match, which outranks any text
    // match; a whole word outranks a word the query only begins.
    TITLE = 30, HEADING = 10, TEXT = 1, PREFIX = 0.7,
    WORD = /[\p{L}\p{N}\p{Mn}]+/gu;

  // fold makes text comparable as the index was built (foldText in Go).
  function fold(s) {
    return s.normalize("NFD").replace(/\p{Mn}/gu, "").toLowerCase().replace(/ς/g, "σ");
  }

  // terms splits a query as the index split pages (forTerms in Go).
  function terms(q) {
    var out = [];
    fold(q).split(/[^\p{L}\p{N}]+/u).forEach(function (t) {
      var r = Array.from(t);
      if (r.length < 2) return;
      t = r.slice(0, MAX_TERM).join("");
      if (out.indexOf(t) < 0) out.push(t);
    });
    return out;
  }

  // partsFor lists the term parts that may hold terms starting with t:
  // the last part starting at or before t, and the parts after it whose
  // first term starts with t.
  function partsFor(list, t) {
    var lo = 0, hi = list.length - 1, out = [];
    if (hi < 0) return out;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (list[mid][0] <= t) lo = mid;
      else hi = mid - 1;
    }
    out.push(lo);
    while (++lo < list.length && list[lo][0].lastIndexOf(t, 0) === 0) out.push(lo);
    return out;
  }

  // postings calls fn(doc, section, weight) for every posting of every
  // term in parts that starts with q.
  function postings(q, parts, fn) {
    parts.forEach(function (part) {
      for (var term in part) {
        if (term.lastIndexOf(q, 0) !== 0) continue;
        var x = term === q ? 1 : PREFIX, list = part[term], doc = 0;
        for (var i = 0; i < list.length; i += 2) {
          doc += list[i];
          var code = list[i + 1], sec = code >> 2;
          fn(doc, sec, x * (code & 1 ? (sec ? HEADING : TITLE) : TEXT));
        }
      }
    });
  }

  // rank scores the n pages of the index for the query terms qs; parts[i]
  // are the term parts loaded for qs[i]. Pages with more of the terms come
  // first, then by score (each term's best match in the page), then in
  // site order. Typed arrays keep this fast when a term is on every page.
  function rank(qs, parts, n) {
    var best = qs.map(function (q, qi) {
      var b = new Float32Array(n);
      postings(q, parts[qi], function (doc, sec, w) {
        if (w > b[doc]) b[doc] = w;
      });
      return b;
    });
    var out = [];
    for (var doc = 0; doc < n; doc++) {
      var found = 0, score = 0;
      for (var qi = 0; qi < qs.length; qi++) {
        var w = best[qi][doc];
        if (w) {
          found++;
          score += w;
        }
      }
      if (found) out.push({ doc: doc, found: found, score: score, sec: 0 });
    }
    return out.sort(function (a, b) {
      return b.found - a.found || b.score - a.score || a.doc - b.doc;
    });
  }

  // pick sets, for the pages shown, the section the result links to: the
  // one with the most weight of the query's terms, the first on a tie.
  function pick(qs, parts, shown, n) {
    var slot = new Int32Array(n), secs = shown.map(function () { return {}; });
    shown.forEach(function (r, i) { slot[r.doc] = i + 1; });
    qs.forEach(function (q, qi) {
      postings(q, parts[qi], function (doc, sec, w) {
        if (!slot[doc]) return;
        var s = secs[slot[doc] - 1], a = s[sec] || (s[sec] = new Array(qs.length).fill(0));
        if (w > a[qi]) a[qi] = w;
      });
    });
    shown.forEach(function (r, i) {
      var top = -1;
      // Integer keys come in ascending order, so a tie keeps the first.
      for (var k in secs[i]) {
        var sum = secs[i][k].reduce(function (a, b) { return a + b; }, 0);
        if (sum > top) {
          top = sum;
          r.sec = +k;
        }
      }
    });
    return shown;
  }

  // runs splits text into [text, marked] runs, marking whole words that
  // begin with a query term.
  function runs(text, qs) {
    var out = [], at = 0, m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text))) {
      var f = fold(m[0]);
      if (!qs.some(function (q) { return f.lastIndexOf(q, 0) === 0; })) continue;
      if (m.index > at) out.push([text.slice(at, m.index), false]);
      out.push([m[0], true]);
      at = m.index + m[0].length;
    }
    if (at < text.length) out.push([text.slice(at), false]);
    return out;
  }

  // snippet is about len characters of text around the first match, cut
  // at spaces, as runs.
  function snippet(text, qs, len) {
    var at = 0, found = runs(text, qs).some(function (r) {
      if (!r[1]) at += r[0].length;
      return r[1];
    });
    var start = 0, end = Math.min(text.length, len);
    if (found && at > len / 3) {
      start = text.lastIndexOf(" ", at - len / 4) + 1;
      // Text without spaces (Chinese, Japanese) starts a little before.
      if (start < at - len / 2) start = at - Math.floor(len / 4);
      if (/[\udc00-\udfff]/.test(text.charAt(start))) start++;
    }
    if (start + len < text.length) {
      end = text.lastIndexOf(" ", start + len);
      if (end <= at) end = start + len;
    } else end = text.length;
    var out = runs(text.slice(start, end), qs);
    if (start > 0) out.unshift(["…", false]);
    if (end < text.length) out.push(["…", false]);
    return out;
  }

  // open returns a searcher of the index at url; load(url) resolves to the
  // parsed JSON of a file (fetch in a browser, a file in tests).
  function open(url, load) {
    var manifest, cache = {};
    function get(u) {
      if (!cache[u])
        cache[u] = load(u).catch(function (e) {
          delete cache[u]; // a later query may try again
          throw e;
        });
      return cache[u];
    }
    function part(entry) {
      return typeof entry[1] == "string" ? get(new URL(entry[1], url).href) : Promise.resolve(entry[1]);
    }
    // page finds a page in the last doc part starting at or before it.
    function page(m, doc) {
      var i = m.d.length - 1;
      while (m.d[i][0] > doc) i--;
      return part(m.d[i]).then(function (docs) { return docs[doc - m.d[i][0]]; });
    }
    // search resolves to {total, results: [{url, title, heading, snippet}]}
    // for the best SHOW pages; title, heading and snippet are runs.
    function search(q) {
      var qs = terms(q);
      if (!qs.length) return Promise.resolve({ total: 0, results: [] });
      return (manifest = manifest || get(url)).then(function (m) {
        return Promise.all(qs.map(function (t) {
          return Promise.all(partsFor(m.t, t).map(function (i) { return part(m.t[i]); }));
        })).then(function (parts) {
          var ranked = rank(qs, parts, m.n), top = pick(qs, parts, ranked.slice(0, SHOW), m.n);
          return Promise.all(top.map(function (r) { return page(m, r.doc); })).then(function (docs) {
            return {
              total: ranked.length,
              results: top.map(function (r, i) {
                var d = docs[i], s = d[2][r.sec] || ["", "", ""];
                return {
                  url: d[0] + (s[0] ? "#" + encodeURIComponent(s[0]) : ""),
                  title: runs(d[1], qs),
                  heading: r.sec ? runs(s[1], qs) : [],
                  snippet: snippet(s[2], qs, 160),
                };
              }),
            };
          });
        });
      });
    }
    return { search: search };
  }

  var api = { fold: fold, terms: terms, partsFor: partsFor, rank: rank, pick: pick, runs: runs, snippet: snippet, open: open };
  if (typeof module != "undefined" && module.exports) module.exports = api;

  var d = typeof document != "undefined" && document,
    root = d && d.getElementById("search");
  if (!root || !root.dataset.index || !window.fetch) return;
  var input = root.querySelector("input"),
    status = root.querySelector("[aria-live]"),
    list = root.querySelector("ol"),
    searcher, timer, seq = 0;
  root.hidden = false;

  function start() {
    if (!searcher)
      searcher = open(new URL(root.dataset.index, location.href).href, function (u) {
        return fetch(u, { credentials: "omit" }).then(function (r) {
          if (!r.ok) throw new Error(r.status);
          return r.json();
        });
      });
  }
  function el(name, runs) {
    var e = d.createElement(name);
    (runs || []).forEach(function (r) {
      var n = d.createTextNode(r[0]);
      if (r[1]) {
        var mk = d.createElement("mark");
        mk.appendChild(n);
        n = mk;
      }
      e.appendChild(n);
    });
    return e;
  }
  function openPanel(on) {
    root.classList.toggle("open", on);
    list.hidden = !on || !list.firstChild;
  }
  function show(q, res) {
    list.textContent = "";
    res.results.forEach(function (r) {
      var li = el("li"), a = el("a"), t = el("span", r.title);
      a.href = r.url;
      t.className = "t";
      if (r.heading.length) t.appendChild(el("span", [[" › ", false]].concat(r.heading)));
      a.appendChild(t);
      a.appendChild(el("span", r.snippet));
      li.appendChild(a);
      list.appendChild(li);
    });
    var n = res.total;
    status.textContent = !n ? "No results for “" + q + "”"
      : n > res.results.length ? "Best " + res.results.length + " of " + n + " results"
      : n + (n == 1 ? " result" : " results");
    openPanel(true);
  }
  function run() {
    var q = input.value.trim(), n = ++seq;
    if (!terms(q).length) {
      list.textContent = status.textContent = "";
      openPanel(false);
      return;
    }
    start();
    searcher.search(q).then(function (res) {
      if (n == seq) show(q, res);
    }, function () {
      if (n != seq) return;
      status.textContent = "Search could not load. Please try again.";
      openPanel(true);
    });
  }
  function links() {
    return Array.prototype.slice.call(list.querySelectorAll("a"));
  }

  input.addEventListener("focus", function () {
    start();
    if (input.value.trim()) openPanel(true);
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 60);
  });
  // Arrow keys move between the input and the results, Enter in the box
  // opens the first result, Escape closes the results.
  root.addEventListener("keydown", function (e) {
    var all = links(), i = all.indexOf(d.activeElement);
    if (e.key == "ArrowDown" || e.key == "ArrowUp") {
      if (!all.length) return;
      e.preventDefault();
      i += e.key == "ArrowDown" ? 1 : -1;
      if (i < 0) input.focus();
      else all[Math.min(i, all.length - 1)].focus();
    } else if (e.key == "Escape") {
      input.focus(); // first: focusing the box opens the results
      openPanel(false);
    } else if (e.key == "Enter" && e.target == input && all.length) {
      e.preventDefault();
      all[0].click();
    }
  });
  // The results close when the keyboard or a click leaves the box. A
  // click on a result must not close them first (Safari does not focus
  // links on click, so focusout has no relatedTarget then).
  root.addEventListener("focusout", function (e) {
    if (e.relatedTarget && !root.contains(e.relatedTarget)) openPanel(false);
  });
  d.addEventListener("pointerdown", function (e) {
    if (!root.contains(e.target)) openPanel(false);
  });
})();
