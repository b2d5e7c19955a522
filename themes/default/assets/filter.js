// The filter box of a big section's index. Without script the index is a
// plain list, spread over pages; with it, the box lists the entries of
// every page of the index whose title holds what the reader types. The
// other pages are read (same origin) on the first keystroke, not before.
(() => {
  "use strict";
  const box = document.querySelector(".index-filter");
  if (!box) return;
  const input = box.querySelector("input");
  const status = box.querySelector("[aria-live]");
  const out = box.querySelector("ul");
  const index = box.closest("section.index");
  const urls = (box.dataset.pages || "").split(" ").filter(Boolean);
  const listed = [...index.querySelectorAll(":scope > h3, :scope > ul.entries, :scope > nav")];
  const most = 200;

  const entriesOf = (doc) => [...doc.querySelectorAll("section.index > ul.entries a")]
    .map((a) => ({ href: a.getAttribute("href"), title: a.textContent }));
  let all = null;
  const load = () => {
    all = all || Promise.all(urls.map(async (u) => {
      if (u === location.pathname) return entriesOf(document);
      const r = await fetch(u);
      if (!r.ok) return [];
      return entriesOf(new DOMParser().parseFromString(await r.text(), "text/html"));
    })).then((pages) => pages.flat());
    return all;
  };

  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = input.value.trim().toLowerCase();
      for (const el of listed) el.hidden = q !== "";
      out.replaceChildren();
      out.hidden = q === "";
      if (q === "") {
        status.textContent = "";
        return;
      }
      const entries = await load();
      if (input.value.trim().toLowerCase() !== q) return; // typed on meanwhile
      const found = entries.filter((e) => e.title.toLowerCase().includes(q));
      for (const e of found.slice(0, most)) {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = e.href;
        a.textContent = e.title;
        li.append(a);
        out.append(li);
      }
      status.textContent = found.length === 0 ? "No entry matches."
        : found.length === 1 ? "1 entry matches."
        : found.length > most ? `${found.length} entries match; the first ${most} show.`
        : `${found.length} entries match.`;
    }, 120);
  });
  box.hidden = false;
})();
