#!/usr/bin/env python3
"""What a first search on a built gloss site downloads, file by file.

    python3 benches/search_download.py OUTPUT_DIR "query one" "another query" ...

Follows the fetch plan of static/search.js for each query on a cold cache: meta.json,
for every query word the shard whose key is the longest one beginning the word plus the
shards whose keys begin with the word (at most 6), then the document files and text.txt
of the first 10 results. Prints raw bytes and gzip -6 bytes (what a host that
compresses JSON and text sends). Queries are folded like tokens.rs for ASCII input
(lower case, runs of letters and digits).
"""
import gzip
import json
import os
import re
import sys

PAGE = 10
MAX_PREFIX_SHARDS = 6


def size(path):
    data = open(path, "rb").read()
    return len(data), len(gzip.compress(data, 6))


def main():
    out, queries = sys.argv[1], sys.argv[2:]
    index = os.path.join(out, "search", "index")
    meta = json.load(open(os.path.join(index, "meta.json")))
    keys = meta["shards"]
    for query in queries:
        words = list(dict.fromkeys(re.findall(r"[a-z0-9]+", query.lower())))
        files = ["meta.json"]
        scores = None
        for word in words:
            home = max((k for k in keys if word.startswith(k)), key=len)
            longer = [k for k in keys if len(k) > len(word) and k.startswith(word)]
            if len(longer) > MAX_PREFIX_SHARDS:
                longer = []
            found = {}
            for key in [home] + longer:
                name = "terms/t" + key.encode().hex() + ".json"
                files.append(name)
                for term, postings in json.load(open(os.path.join(index, name))).items():
                    if not term.startswith(word):
                        continue
                    weight = 1 if term == word else 0.5
                    doc = 0
                    for i in range(0, len(postings), 2):
                        doc += postings[i]
                        found[doc] = max(found.get(doc, 0), postings[i + 1] * weight)
            scores = found if scores is None else {
                d: s + found[d] for d, s in scores.items() if d in found
            }
        ranked = sorted(scores.items(), key=lambda ds: (-ds[1], ds[0]))[:PAGE]
        texts = []
        for doc, _ in ranked:
            name = "docs/%d.json" % (doc // meta["docs_per_file"])
            if name not in files:
                files.append(name)
            entry = json.load(open(os.path.join(index, name)))[doc % meta["docs_per_file"]]
            if "text" in entry["meta"]:
                texts.append(entry["meta"]["text"])
        raw = gz = 0
        for name in files:
            r, g = size(os.path.join(index, name))
            raw, gz = raw + r, gz + g
        text_raw = text_gz = 0
        for url in texts:
            r, g = size(os.path.join(out, url.lstrip("/")))
            text_raw, text_gz = text_raw + r, text_gz + g
        print(
            f"{query!r}: {len(scores)} results; index {len(files)} files "
            f"{raw / 1024:.0f} KB ({gz / 1024:.0f} KB gzip); "
            f"{len(texts)} text.txt {text_raw / 1024:.0f} KB ({text_gz / 1024:.0f} KB gzip); "
            f"total {(raw + text_raw) / 1024:.0f} KB ({(gz + text_gz) / 1024:.0f} KB gzip)"
        )


if __name__ == "__main__":
    main()
