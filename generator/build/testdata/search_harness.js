// Runs the theme's search.js under node for generator/search_node_test.go:
//
//	node search_harness.js MODE SCRIPT SITE INPUT
//
// SITE is a built site's folder, served as https://site.test/. INPUT is JSON.
//   query: INPUT is a list of queries; prints, per query, the total, the
//          results as "url | title › heading | snippet" lines with matches
//          in [brackets], and the files the query loaded.
//   dom:   INPUT is a list of queries typed into the search box of a small
//          fake document, one after the other; prints what the box shows.
//          The fake DOM has no innerHTML, so page text can only get in as
//          text nodes.
//   terms: INPUT is a list of texts; prints search.js's terms of each, to
//          compare with the Go side's.
//   bench: INPUT is {"queries": [...], "runs": N}; loads what the queries
//          need, then prints the mean milliseconds of one search.
"use strict";
const fs = require("fs"), path = require("path"), vm = require("vm");
const [mode, script, site, input] = process.argv.slice(2);
const args = JSON.parse(input);
const origin = "https://site.test";
let loaded = [];

function read(u) {
  const url = new URL(u);
  if (url.origin !== origin) throw new Error("request to another site: " + u);
  if (url.search || url.hash) throw new Error("request carries a query: " + u);
  loaded.push(url.pathname);
  return JSON.parse(fs.readFileSync(path.join(site, decodeURIComponent(url.pathname))));
}

const text = (runs) => runs.map((r) => (r[1] ? "[" + r[0] + "]" : r[0])).join("");
const line = (r) => r.url + " | " + text(r.title) + (r.heading.length ? " › " + text(r.heading) : "") + " | " + text(r.snippet);

async function query() {
  const S = require(path.resolve(script));
  const s = S.open(origin + "/search/index.json", (u) => Promise.resolve().then(() => read(u)));
  const out = [];
  for (const q of args) {
    loaded = [];
    const res = await s.search(q);
    out.push({ total: res.total, results: res.results.map(line), loaded });
  }
  return out;
}

async function terms() {
  const S = require(path.resolve(script));
  return args.map((t) => S.terms(t));
}

async function bench() {
  const S = require(path.resolve(script));
  const s = S.open(origin + "/search/index.json", (u) => Promise.resolve().then(() => read(u)));
  for (const q of args.queries) await s.search(q); // load the parts
  const times = {};
  for (const q of args.queries) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < args.runs; i++) await s.search(q);
    times[q] = Number(process.hrtime.bigint() - t0) / 1e6 / args.runs;
  }
  return times;
}

// A fake document with just what search.js touches.
class Node {
  constructor(name, doc) {
    this.nodeName = name;
    this.ownerDocument = doc;
    this.childNodes = [];
    this.parentNode = null;
    this.attrs = {};
    this.listeners = {};
    this.dataset = {};
    this.hidden = false;
    this.className = "";
    const classes = new Set();
    this.classList = {
      toggle: (c, on) => (on ? classes.add(c) : classes.delete(c), on),
      contains: (c) => classes.has(c),
    };
  }
  get firstChild() { return this.childNodes[0] || null; }
  appendChild(n) { n.parentNode = this; this.childNodes.push(n); return n; }
  get textContent() { return this.nodeName === "#text" ? this.data : this.childNodes.map((c) => c.textContent).join(""); }
  set textContent(v) {
    if (this.nodeName === "#text") this.data = String(v);
    else this.childNodes = v === "" ? [] : [this.ownerDocument.createTextNode(v)];
  }
  set innerHTML(v) { throw new Error("innerHTML used"); }
  set href(v) { this.attrs.href = v; }
  get href() { return this.attrs.href; }
  contains(n) { for (; n; n = n.parentNode) if (n === this) return true; return false; }
  all() { return this.childNodes.flatMap((c) => [c, ...c.all()]); }
  querySelectorAll(sel) { return this.all().filter((n) => n.matches(sel)); }
  querySelector(sel) { return this.querySelectorAll(sel)[0] || null; }
  matches(sel) {
    if (sel === "[aria-live]") return "aria-live" in this.attrs;
    return this.nodeName === sel;
  }
  addEventListener(type, fn) { (this.listeners[type] = this.listeners[type] || []).push(fn); }
  dispatch(type, props) {
    const e = Object.assign({ type, target: this, preventDefault() {} }, props);
    for (let n = this; n; n = n.parentNode) (n.listeners[type] || []).forEach((fn) => fn(e));
  }
  focus() { this.ownerDocument.activeElement = this; this.dispatch("focus"); }
  click() { this.ownerDocument.clicked = this.href; }
}

// markup renders a fake node as HTML, escaping text, so the test sees
// exactly the elements search.js made.
function markup(n) {
  if (n.nodeName === "#text") return n.data.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const attrs = (n.href ? ' href="' + n.href + '"' : "") + (n.className ? ' class="' + n.className + '"' : "");
  return "<" + n.nodeName + attrs + ">" + n.childNodes.map(markup).join("") + "</" + n.nodeName + ">";
}

async function dom() {
  const doc = new Node("#document");
  doc.createElement = (name) => new Node(name, doc);
  doc.createTextNode = (data) => Object.assign(new Node("#text", doc), { data: String(data) });
  const root = doc.appendChild(doc.createElement("div"));
  root.hidden = true;
  root.dataset.index = "/search/index.json";
  const box = root.appendChild(doc.createElement("input"));
  box.value = "";
  const panel = root.appendChild(doc.createElement("div"));
  const status = panel.appendChild(doc.createElement("p"));
  status.attrs["aria-live"] = "polite";
  const list = panel.appendChild(doc.createElement("ol"));
  list.hidden = true;
  doc.getElementById = (id) => (id === "search" ? root : null);
  const sandbox = {
    document: doc, URL, setTimeout, clearTimeout,
    location: { href: origin + "/docs/renew/" },
    fetch: (u, opts) => {
      if (opts.credentials !== "omit") throw new Error("fetch sends credentials");
      return Promise.resolve().then(() => {
        const data = read(u);
        return { ok: true, json: () => Promise.resolve(data) };
      });
    },
  };
  sandbox.window = sandbox;
  for (const name of ["localStorage", "sessionStorage", "indexedDB", "XMLHttpRequest", "navigator"])
    Object.defineProperty(sandbox, name, { get() { throw new Error(name + " used"); } });
  Object.defineProperty(doc, "cookie", { get() { throw new Error("cookie read"); }, set() { throw new Error("cookie set"); } });
  vm.runInNewContext(fs.readFileSync(script, "utf8"), sandbox);
  const out = [{ shown: !root.hidden }];
  const settle = () => new Promise((r) => setTimeout(r, 150));
  for (const q of args) {
    box.value = q;
    box.focus();
    box.dispatch("input");
    await settle();
    const step = { query: q, status: status.textContent, open: root.classList.contains("open"), listHidden: list.hidden, list: markup(list) };
    // Arrow down reaches the first result, Enter in the box opens it.
    box.dispatch("keydown", { key: "ArrowDown" });
    step.focused = doc.activeElement && doc.activeElement.href;
    box.focus();
    doc.clicked = undefined;
    box.dispatch("keydown", { key: "Enter", target: box });
    step.enter = doc.clicked;
    root.dispatch("keydown", { key: "Escape" });
    step.afterEscape = { open: root.classList.contains("open"), listHidden: list.hidden };
    out.push(step);
  }
  return out;
}

({ query, dom, terms, bench })[mode]().then(
  (out) => console.log(JSON.stringify(out)),
  (e) => {
    console.error(e && e.stack ? e.stack : e);
    process.exit(1);
  },
);
