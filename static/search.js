/*
 * gloss default theme: search over the static index in /search/index/ (written by
 * src/render/search/index.rs; its module docs describe the files).
 *
 * A query fetches meta.json, the word shards its words need, and the document files
 * and text.txt of the results on screen; the filter menus come from meta.json and a
 * filter's document list is fetched only once chosen. Results and excerpts are built
 * with DOM methods (no innerHTML of index data).
 *
 * The form works as a plain GET form: ?q= (and ?source=, ?kind=, ?tag=, ?entity=)
 * make a search linkable, and this script runs it on load.
 *
 * No dependencies; ES2020 module.
 */

const FILTERS = [["source", "Source"], ["kind", "Kind"], ["tag", "Tag"], ["entity", "Entity"]];
const PAGE = 10;
const EXCERPT_WORDS = 30;
/* Words shown before an excerpt's first hit, when there is room. */
const LEAD_IN_WORDS = 6;
/* A query word also matches longer words it begins, at this fraction of the score. */
const PREFIX_WEIGHT = 0.5;
/* A short query word that begins many shards matches exactly only beyond this many. */
const MAX_PREFIX_SHARDS = 6;
/* Must match MAX_WORD_CHARS in src/render/search/tokens.rs. */
const MAX_WORD_CHARS = 64;

const form = document.querySelector(".search-form");
const input = document.getElementById("search-q");
const out = document.getElementById("search");
const filterBox = form.querySelector(".search-filters");
const filterList = form.querySelector(".search-filter-list");
const indexUrl = out.dataset.index;
const params = new URLSearchParams(location.search);
const cache = new Map();
let generation = 0;

/* The same folding as tokens.rs: NFD, marks dropped, lower case, final sigma as σ. */
function fold(text) {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/ς/g, "σ");
}

function words(text) {
  return (fold(text).match(/[\p{Alphabetic}\p{N}]+/gu) || []).filter(
    (word) => [...word].length <= MAX_WORD_CHARS,
  );
}

function hex(text) {
  return Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, "0")).join("");
}

function fetchOnce(url, parse, options) {
  if (!cache.has(url)) {
    const loading = fetch(url, options).then((response) => {
      if (!response.ok) throw new Error(`${url}: ${response.status}`);
      return parse(response);
    });
    loading.catch(() => cache.delete(url));
    cache.set(url, loading);
  }
  return cache.get(url);
}

/* meta.json is revalidated; the other files carry its stamp, so they never mix builds. */
function meta() {
  return fetchOnce(indexUrl + "meta.json", (r) => r.json(), { cache: "no-cache" });
}

async function indexFile(path) {
  const index = await meta();
  return fetchOnce(`${indexUrl}${path}?v=${index.stamp}`, (r) => r.json());
}

/* The shards that can hold `word` or words beginning with it: the one with the longest
   key that begins the word, and every shard whose key begins with the word. */
function shardsFor(keys, word) {
  let home = "";
  for (const key of keys) if (word.startsWith(key) && key.length > home.length) home = key;
  const longer = keys.filter((key) => key.length > word.length && key.startsWith(word));
  return { home, longer: longer.length <= MAX_PREFIX_SHARDS ? longer : [] };
}

/* Document → score for one query word: exact matches in full, longer words that begin
   with it at PREFIX_WEIGHT (a document keeps its best match). */
async function matchWord(word) {
  const index = await meta();
  const { home, longer } = shardsFor(index.shards, word);
  const shards = await Promise.all([home, ...longer].map((key) => indexFile(`terms/t${hex(key)}.json`)));
  const scores = new Map();
  for (const shard of shards) {
    for (const [term, postings] of Object.entries(shard)) {
      if (!term.startsWith(word)) continue;
      const weight = term === word ? 1 : PREFIX_WEIGHT;
      let doc = 0;
      for (let i = 0; i < postings.length; i += 2) {
        doc += postings[i];
        const score = postings[i + 1] * weight;
        if (!(scores.get(doc) >= score)) scores.set(doc, score);
      }
    }
  }
  return scores;
}

async function filterDocs(key, value) {
  const index = await meta();
  const n = (index.filters[key] || []).findIndex(([name]) => name === value);
  if (n < 0) return new Set();
  const deltas = await indexFile(`filters/${key}/${n}.json`);
  let doc = 0;
  return new Set(deltas.map((delta) => (doc += delta)));
}

/* [{doc, score}], best first: every query word must match (exactly or as a prefix),
   and every chosen filter. Without words, the filters' documents in index order. */
async function search(query, filters) {
  const queryWords = [...new Set(words(query))];
  const perWord = await Promise.all(queryWords.map(matchWord));
  const sets = await Promise.all(Object.entries(filters).map(([k, v]) => filterDocs(k, v)));
  let results;
  if (perWord.length) {
    results = [];
    for (const [doc, score] of perWord[0]) {
      let total = score;
      for (const other of perWord.slice(1)) {
        const s = other.get(doc);
        if (s === undefined) { total = -1; break; }
        total += s;
      }
      if (total >= 0) results.push({ doc, score: total });
    }
  } else {
    const index = await meta();
    results = Array.from({ length: index.docs }, (_, doc) => ({ doc, score: 0 }));
  }
  results = results.filter(({ doc }) => sets.every((set) => set.has(doc)));
  return results.sort((a, b) => b.score - a.score || a.doc - b.doc);
}

async function documentOf(doc) {
  const index = await meta();
  const file = await indexFile(`docs/${Math.floor(doc / index.docs_per_file)}.json`);
  return file[doc % index.docs_per_file];
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/* The EXCERPT_WORDS words of `text` around the most query-word hits, hits marked. */
function excerpt(text, queryWords) {
  const found = [];
  for (const match of text.matchAll(/[\p{Alphabetic}\p{N}\p{M}]+/gu)) {
    const folded = words(match[0]);
    const hit = folded.some((w) => queryWords.some((q) => w.startsWith(q)));
    found.push({ start: match.index, end: match.index + match[0].length, hit });
  }
  if (!found.length) return null;
  let best = 0;
  let bestHits = -1;
  let hits = 0;
  for (let i = 0; i < found.length; i++) {
    hits += found[i].hit ? 1 : 0;
    if (i >= EXCERPT_WORDS) hits -= found[i - EXCERPT_WORDS].hit ? 1 : 0;
    const start = Math.max(0, i - EXCERPT_WORDS + 1);
    if (hits > bestHits) { bestHits = hits; best = start; }
  }
  if (bestHits <= 0 && queryWords.length) return null;
  /* The earliest best window starts at a hit; give its first hit a few words of lead-in
     when the window's last hit still fits. */
  if (bestHits > 0) {
    const hits = found.slice(best, best + EXCERPT_WORDS).map((w) => w.hit);
    const firstHit = best + hits.indexOf(true);
    const lastHit = best + hits.lastIndexOf(true);
    best = Math.max(0, firstHit - LEAD_IN_WORDS, lastHit - EXCERPT_WORDS + 1);
  }
  const window = found.slice(best, best + EXCERPT_WORDS);
  const p = el("p", "search-excerpt");
  if (best > 0) p.append("… ");
  let at = window[0].start;
  for (const word of window) {
    p.append(text.slice(at, word.start).replace(/\s+/g, " "));
    const piece = text.slice(word.start, word.end);
    p.append(word.hit ? el("mark", "", piece) : piece);
    at = word.end;
  }
  if (best + EXCERPT_WORDS < found.length) p.append(" …");
  return p;
}

async function excerptOf(entry, queryWords) {
  if (entry.meta.text) {
    try {
      const text = await fetchOnce(entry.meta.text, (r) => r.text());
      const shown = excerpt(text, queryWords);
      if (shown) return shown;
    } catch (error) {
      /* No text (an old index, a host that hides .txt): fall back to the summary. */
    }
  }
  const summary = entry.meta.summary || "";
  return excerpt(summary, queryWords) || el("p", "search-excerpt", summary);
}

async function resultItem(doc, queryWords) {
  const entry = await documentOf(doc);
  const item = el("li", "search-result");
  const heading = el("h2", "search-result-title");
  const link = el("a", "", entry.meta.title || entry.url);
  link.href = entry.url;
  heading.append(link);
  item.append(heading);
  const facts = [entry.meta.source, entry.meta.date].filter(Boolean).join(" · ");
  if (facts) item.append(el("p", "search-result-meta", facts));
  item.append(await excerptOf(entry, queryWords));
  return item;
}

async function show(results, queryWords, list, from) {
  const items = await Promise.all(
    results.slice(from, from + PAGE).map(({ doc }) => resultItem(doc, queryWords)),
  );
  list.append(...items);
  if (from + PAGE < results.length) {
    const more = el("button", "button search-more", "More results");
    more.type = "button";
    more.addEventListener("click", () => {
      more.remove();
      show(results, queryWords, list, from + PAGE);
    });
    out.append(more);
  }
}

/* The filter menus, from meta.json: values with their counts. */
let filtersReady = null;
function buildFilters() {
  filtersReady = filtersReady || fillFilters();
  return filtersReady;
}

async function fillFilters() {
  const available = (await meta()).filters;
  for (const [key, label] of FILTERS) {
    const values = (available[key] || []).slice().sort((a, b) => a[0].localeCompare(b[0]));
    if (!values.length) continue;
    const field = el("p", "search-filter");
    const id = "search-filter-" + key;
    const select = el("select");
    select.id = id;
    select.name = key;
    const any = el("option", "", "Any");
    any.value = "";
    select.append(any);
    for (const [value, count] of values) {
      const option = el("option", "", `${value} (${count})`);
      option.value = value;
      select.append(option);
    }
    select.value = params.get(key) || "";
    select.addEventListener("change", run);
    const name = el("label", "", label);
    name.htmlFor = id;
    field.append(name, " ", select);
    filterList.append(field);
  }
}

function chosenFilters() {
  const filters = {};
  for (const select of filterList.querySelectorAll("select")) {
    if (select.value) filters[select.name] = select.value;
  }
  return filters;
}

function remember(query, filters) {
  const next = new URLSearchParams();
  if (query) next.set("q", query);
  for (const [key, value] of Object.entries(filters)) next.set(key, value);
  const search = next.toString();
  history.replaceState(null, "", search ? "?" + search : location.pathname);
}

async function run() {
  const query = input.value.trim();
  const filters = chosenFilters();
  remember(query, filters);
  const mine = ++generation;
  if (!words(query).length && !Object.keys(filters).length) {
    out.replaceChildren();
    return;
  }
  let results;
  try {
    results = await search(query, filters);
  } catch (error) {
    if (mine === generation) out.replaceChildren(el("p", "search-status", "Search is unavailable: " + error.message));
    return;
  }
  if (mine !== generation) return;
  const count = results.length;
  const status = el("p", "search-status", count === 0 ? "No results." : `${count} result${count === 1 ? "" : "s"}.`);
  status.setAttribute("role", "status");
  const list = el("ol", "search-results");
  out.replaceChildren(status, list);
  await show(results, [...new Set(words(query))], list, 0);
}

let timer = 0;
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(run, 200);
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  run();
});
filterBox.hidden = false;
filterBox.addEventListener("toggle", () => {
  if (filterBox.open) buildFilters();
});
input.value = params.get("q") || "";
const linkedFilter = FILTERS.some(([key]) => params.get(key));
if (linkedFilter) filterBox.open = true;
(linkedFilter ? buildFilters() : Promise.resolve()).then(() => {
  if (input.value || linkedFilter) run();
});
