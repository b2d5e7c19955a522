// Folio's site search. It searches the index that `folio build` writes
// under /search/ (see generator/search.go for its format) in the reader's
// browser: no query leaves the page, nothing is stored, no cookie is sent.
// The index loads only when the reader first focuses or types in the box,
// and on a large site only the parts a query needs. Without JavaScript the
// box stays hidden and the navigation reaches every page.
//
// A word found nowhere in the index, as written or as the start of a
// longer word, is looked for again with one typo: a letter added, left
// out, changed, or two swapped. A result opened from the list carries the
// words found in its address (?h=), and the page it opens marks them.
//
// The functions above the DOM code are pure and also run under node, for
// the tests in generator/search_node_test.go.
(function () {
  "use strict";

  var MAX_TERM = 40, // keep in step with searchMaxTerm
    SHOW = 10,
    // A title match outranks any heading match, which outranks any text
    // match; a whole word outranks a word the query only begins.
    // A word found only with a typo weighs less than one found as typed.
    TITLE = 30, HEADING = 10, TEXT = 1, PREFIX = 0.7, TYPO = 0.5,
    // Shorter words are too near too many others to guess at a typo.
    TYPO_MIN = 4, TYPO_PREFIX_MIN = 6,
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

  // near reports whether q is one typo (Damerau's edits: insert, delete,
  // change, swap two neighbours) from t or, with prefix, from a word t
  // begins with.
  function near(q, t, prefix) {
    var a = Array.from(q), b = Array.from(t), n = a.length, m = b.length;
    if (m < n - 1 || (!prefix && m > n + 1)) return false;
    var rows = [[]];
    for (var j = 0; j <= m; j++) rows[0][j] = j;
    for (var i = 1; i <= n; i++) {
      var r = (rows[i] = [i]);
      for (j = 1; j <= m; j++) {
        var d = Math.min(rows[i - 1][j] + 1, r[j - 1] + 1, rows[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
        r[j] = d;
      }
    }
    return (prefix ? Math.min.apply(null, rows[n]) : rows[n][m]) <= 1;
  }

  // matches reports whether a word (folded) is what query term q asks
  // for: q is a term, which a word may begin with, or the list of the
  // index's words that were found for a term with a typo.
  function matches(word, q) {
    return typeof q == "string" ? word.lastIndexOf(q, 0) === 0 : q.some(function (t) { return word.lastIndexOf(t, 0) === 0; });
  }

  // postings calls fn(doc, section, weight) for every posting of every
  // term in parts that query term q matches.
  function postings(q, parts, fn) {
    parts.forEach(function (part) {
      for (var term in part) {
        if (typeof q == "string" ? term.lastIndexOf(q, 0) !== 0 : q.indexOf(term) < 0) continue;
        var x = typeof q != "string" ? TYPO : term === q ? 1 : PREFIX, list = part[term], doc = 0;
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
      if (!qs.some(function (q) { return matches(f, q); })) continue;
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
    function termParts(m, list) {
      return Promise.all(list.map(function (i) { return part(m.t[i]); }));
    }
    // find resolves to [q, parts]: the term t and the parts that may hold
    // words it begins, or, when there are none, the words one typo from
    // it and the parts they are in. Such words begin with the first or
    // the second letter of t (a typo in the first letter on a site whose
    // index is split in parts is found only if it is one of those).
    function find(m, t) {
      return termParts(m, partsFor(m.t, t)).then(function (parts) {
        var c = Array.from(t);
        if (c.length < TYPO_MIN || parts.some(function (p) {
          for (var w in p) if (w.lastIndexOf(t, 0) === 0) return true;
        })) return [t, parts];
        var list = partsFor(m.t, c[0]);
        partsFor(m.t, c[1]).forEach(function (i) { if (list.indexOf(i) < 0) list.push(i); });
        return termParts(m, list).then(function (more) {
          var alt = [];
          more.forEach(function (p) {
            for (var w in p) if (alt.indexOf(w) < 0 && near(t, w, c.length >= TYPO_PREFIX_MIN)) alt.push(w);
          });
          return alt.length ? [alt, more] : [t, parts];
        });
      });
    }
    // search resolves to {total, results: [{url, title, heading, snippet}],
    // terms} for the best SHOW pages; title, heading and snippet are runs,
    // terms the words searched for, typos corrected.
    function search(q) {
      var qs = terms(q);
      if (!qs.length) return Promise.resolve({ total: 0, results: [], terms: [] });
      return (manifest = manifest || get(url)).then(function (m) {
        return Promise.all(qs.map(function (t) { return find(m, t); })).then(function (found) {
          qs = found.map(function (f) { return f[0]; });
          var parts = found.map(function (f) { return f[1]; });
          var ranked = rank(qs, parts, m.n), top = pick(qs, parts, ranked.slice(0, SHOW), m.n);
          return Promise.all(top.map(function (r) { return page(m, r.doc); })).then(function (docs) {
            return {
              total: ranked.length,
              terms: [].concat.apply([], qs),
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

  var api = { fold: fold, terms: terms, near: near, partsFor: partsFor, rank: rank, pick: pick, runs: runs, snippet: snippet, open: open };
  if (typeof module != "undefined" && module.exports) module.exports = api;

  var d = typeof document != "undefined" && document,
    root = d && d.getElementById("search"),
    found = d && new URL(location.href).searchParams.get("h");
  if (found) mark(terms(found));

  // mark marks the words of a page that begin with a term, where the
  // reader landed from a result, and takes the terms out of the address
  // so that a link copied from it is the page's own.
  function mark(qs) {
    var main = d.getElementById("main"), first;
    if (!main || !qs.length) return;
    var walk = d.createTreeWalker(main, NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) {
        return n.parentNode.closest("script, style, button, mark, svg") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      },
    }), nodes = [];
    // At most so many text nodes: a long page stays quick to open.
    for (var n; (n = walk.nextNode()) && nodes.length < 2000; ) nodes.push(n);
    nodes.forEach(function (n) {
      var rs = runs(n.data, qs);
      if (!rs.some(function (r) { return r[1]; })) return;
      var e = el("span", rs);
      first = first || e.querySelector("mark");
      n.replaceWith.apply(n, Array.prototype.slice.call(e.childNodes));
    });
    if (first && !location.hash) first.scrollIntoView({ block: "center" });
    var u = new URL(location.href);
    u.searchParams.delete("h");
    history.replaceState(history.state, "", u.href);
  }
  if (!root || !root.dataset.index || !window.fetch) return;
  var input = root.querySelector("input"),
    status = root.querySelector("[aria-live]"),
    list = root.querySelector("ol"),
    searcher, timer, seq = 0, words = [];
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
      if (n != seq) return;
      words = res.terms;
      show(q, res);
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
  // The result opened takes the words found along, for the page to mark.
  list.addEventListener("click", function (e) {
    var a = e.target.closest("a");
    if (!a || !words.length) return;
    var u = new URL(a.href);
    u.searchParams.set("h", words.join(" "));
    a.href = u.href;
  });
  // "/" anywhere but in a field goes to the box, as on many sites.
  d.addEventListener("keydown", function (e) {
    if (e.key != "/" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    var t = e.target;
    if (t.closest && t.closest("input, textarea, select, [contenteditable]")) return;
    e.preventDefault();
    input.focus();
    input.select();
  });
})();
