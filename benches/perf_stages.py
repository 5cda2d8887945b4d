#!/usr/bin/env python3
"""Attributes `perf record --call-graph dwarf` samples of a gloss build to pipeline stages.

    perf script -i perf.data | python3 benches/perf_stages.py [FREQ]

With FREQ (the -F given to perf record) it also prints CPU seconds per stage, and for
each stage when its first and last samples were taken.

Each sample's stack is matched against the stage patterns below in priority order
(the first pattern found anywhere in the stack wins), so time inside Tera called
from a page render counts as "templates", time in the kernel under `write_files`
counts as "output", and so on. Percentages are of CPU samples (all threads), not of
wall time.
"""

import collections
import sys

# (stage, substrings of a frame's symbol), highest priority first.
STAGES = [
    ("output: write files (gloss::output)", ["gloss::output::"]),
    ("search index", ["gloss::render::search"]),
    ("template context conversion (serde_json → tera::Context)", ["tera::context::Context::from_value"]),
    ("templates (Tera render)", ["tera::", "gloss::render::templates"]),
    ("article body HTML (render::body)", ["gloss::render::body"]),
    ("JSON-LD + W3C export (render::export)", ["gloss::render::export"]),
    ("editor Markdown (render::markdown, ammonia)", ["gloss::render::markdown", "ammonia::"]),
    ("feeds + sitemap (render::feeds)", ["gloss::render::feeds"]),
    ("graph (render::graph)", ["gloss::render::graph"]),
    ("views / cards (render::views)", ["gloss::render::views"]),
    ("page contexts (render::pages, other)", ["gloss::render::pages"]),
    ("render (other)", ["gloss::render"]),
    ("link (mentions, related, references)", ["gloss::link"]),
    ("annotate (anchoring notes)", ["gloss::annotate"]),
    ("parse (text, markdown)", ["gloss::parse"]),
    ("load (read files)", ["gloss::load"]),
    ("lint", ["gloss::lint"]),
    ("diagnostics", ["gloss::diagnostics"]),
]


def classify(frames):
    for stage, patterns in STAGES:
        for frame in frames:
            if any(p in frame for p in patterns):
                return stage
    if frames and ("[kernel" in frames[0] or frames[0].startswith("[k]")):
        return "kernel, outside a known stage"
    if any("drop_in_place" in f for f in frames):
        return "deallocation outside a stage (drop_in_place)"
    return "other (runtime, allocator, unresolved stacks)"


def samples(stream):
    frames, header = [], None
    for line in stream:
        line = line.rstrip("\n")
        if not line.strip():
            if header is not None:
                yield header, frames
            frames, header = [], None
            continue
        if header is None:
            header = line
        else:
            parts = line.strip().split(None, 1)
            frames.append(parts[1] if len(parts) > 1 else parts[0])
    if header is not None:
        yield header, frames


def timestamp(header):
    for token in header.split():
        if token.endswith(":"):
            try:
                return float(token[:-1])
            except ValueError:
                continue
    return None


def main():
    freq = float(sys.argv[1]) if len(sys.argv) > 1 else None
    counts = collections.Counter()
    threads = collections.Counter()
    first, last = {}, {}
    total = 0
    t_min = t_max = None
    for header, frames in samples(sys.stdin):
        total += 1
        stage = classify(frames)
        counts[stage] += 1
        threads[header.split()[0]] += 1
        t = timestamp(header)
        if t is not None:
            first.setdefault(stage, t)
            last[stage] = t
            t_min = t if t_min is None else min(t_min, t)
            t_max = t if t_max is None else max(t_max, t)
    if not total:
        print("no samples")
        return 1
    print(f"{total} samples over {t_max - t_min:.1f} s of wall time" if t_min is not None else f"{total} samples")
    cpu = " CPU s (samples / frequency) |" if freq else ""
    print("| stage | share of CPU samples |" + cpu + " active from – to (s after start) |")
    print("|---|---:|" + ("---:|" if freq else "") + "---|")
    for stage, n in counts.most_common():
        extra = f" {n / freq:.1f} |" if freq else ""
        span = f" {first[stage] - t_min:.1f} – {last[stage] - t_min:.1f} |" if stage in first else " |"
        print(f"| {stage} | {100 * n / total:.1f}% |{extra}{span}")
    print()
    print("samples by thread name:", ", ".join(f"{t} {100 * n / total:.0f}%" for t, n in threads.most_common(6)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
