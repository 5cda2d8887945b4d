#!/usr/bin/env python3
"""Edits a generated archive the way an editor would and checks every rebuild.

`mutate.py` damages files, so most of its builds fail and few rebuilds are compared.
This script makes valid edits instead, on an archive of a few hundred generated
articles (`examples/synth.rs`), where one article is linked to many pages: its tags'
and source's lists, the home and timeline pages, the pages of the people it mentions,
its neighbours' related lists. Each round makes one to three edits (a title, a date,
tags, the source, a summary that links elsewhere, a note added, changed or removed, a
sentence naming someone added to the text, a slug, a see-also link, a claim, an
article removed or brought back, a file touched without a change), rebuilds over the
last site, so that the build reuses what it can, and compares the site byte for byte
with a fresh build of the same files into an empty folder. A round fails when they
differ, when a build exits with anything but 0 (or 1 for an edit that made the
archive wrong as a whole, which must leave the site as it was), or when a rebuild
reuses no page at all after an edit that kept the list of articles.

    python3 tests/fuzz/rebuilds.py --gloss target/release/gloss \\
        --synth target/release/examples/synth --articles 300 --rounds 200 --seed 3

Archives that fail are kept under --keep, with what was edited and what went wrong
in `problem.txt`.
"""
import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the repository for the import below
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mutate import ROOT, contents, differs_from_fresh, snapshot  # noqa: E402

SUMMARY_LINE = re.compile(r"(\d+) of (\d+) pages reused")


def generate(synth, articles, seed, project):
    command = [synth, "--articles", str(articles), "--seed", str(seed), "--out", project]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    # Short pages, so that one edit moves articles across page boundaries.
    with open(os.path.join(project, "site.toml"), "a", encoding="utf-8") as f:
        f.write("\n[lists]\nper_page = 4\ntimeline_max = 6\n")


class Archive:
    """The generated project: its article stems, and what edits can draw on."""

    def __init__(self, project):
        self.project = project
        self.seeds = os.path.join(project, "seeds")
        self.removed = {}  # stem -> (toml text, txt text), for bringing articles back
        self.sources = re.findall(r"^\[source\.([a-z0-9-]+)\]", self.read("_sources.toml"), re.M)
        self.people = re.findall(r"^\[[a-z]+\.([a-z0-9-]+)\]", self.read("_entities.toml"), re.M)
        names = re.findall(r'^name = "([^"]+)"', self.read("_entities.toml"), re.M)
        self.names = names or ["Nobody"]
        tags = set()
        for stem in self.stems():
            tags.update(re.findall(r'"([a-z0-9-]+)"', self.field(stem, "tags") or ""))
        self.tags = sorted(tags) or ["edited"]

    def read(self, name):
        with open(os.path.join(self.seeds, name), encoding="utf-8") as f:
            return f.read()

    def write(self, name, text):
        with open(os.path.join(self.seeds, name), "w", encoding="utf-8") as f:
            f.write(text)

    def restore(self, files, removed):
        """Puts the seeds folder back as `files` (name -> bytes) had it."""
        for name in os.listdir(self.seeds):
            if name not in files:
                os.remove(os.path.join(self.seeds, name))
        for name, data in files.items():
            with open(os.path.join(self.seeds, name), "wb") as f:
                f.write(data)
        self.removed = removed

    def stems(self):
        return sorted(n[:-4] for n in os.listdir(self.seeds) if n.endswith(".txt"))

    def field(self, stem, key):
        match = re.search(rf"^{key} = (.*)$", self.read(f"{stem}.toml"), re.M)
        return match.group(1) if match else None

    def set_field(self, stem, key, value):
        """Sets `key` in the [article] table (the first lines of the file)."""
        text = self.read(f"{stem}.toml")
        line = f"{key} = {value}"
        if re.search(rf"^{key} = .*$", text, re.M):
            text = re.sub(rf"^{key} = .*$", lambda _: line, text, count=1, flags=re.M)
        else:
            text = text.replace("[article]\n", f"[article]\n{line}\n", 1)
        self.write(f"{stem}.toml", text)


def sentences(text):
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 8]


def random_quote(archive, stem, rng):
    """A sentence of the article, without its full stop: a quote that anchors."""
    return rng.choice(sentences(archive.read(f"{stem}.txt")) or ["."]).rstrip(".")


def append(archive, stem, block):
    """Adds a block (a note, a claim, a see-also entry) to the article's annotations."""
    archive.write(f"{stem}.toml", archive.read(f"{stem}.toml") + block)


def edit(archive, rng, n):
    """One valid edit; returns what it did, for the report."""
    stems = archive.stems()
    stem, other = rng.choice(stems), rng.choice(stems)
    kind = rng.randrange(15)
    if kind == 0:
        archive.set_field(stem, "title", f'"Edited title {n}"')
    elif kind == 1:
        date = f"{rng.randint(1995, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        archive.set_field(stem, "published", date)
    elif kind == 2:
        tags = rng.sample(archive.tags, k=min(len(archive.tags), rng.randint(0, 4)))
        archive.set_field(stem, "tags", "[" + ", ".join(f'"{t}"' for t in tags) + "]")
    elif kind == 3:
        archive.set_field(stem, "source", f'"{rng.choice(archive.sources)}"')
    elif kind == 4:
        slug = archive.field(other, "slug") or other
        person = rng.choice(archive.people)
        archive.set_field(stem, "summary", f'"See [[{slug.strip(chr(34))}]] and [[{person}]] ({n})."')
    elif kind == 5:
        archive.set_field(stem, "slug", f'"edited-{n}"')
    elif kind == 6:
        archive.set_field(stem, "kind", f'"{rng.choice(["news", "opinion", "analysis", "feature"])}"')
    elif kind == 7:
        append(archive, stem, (
            f'\n[[note]]\nquote = "{random_quote(archive, stem, rng)}"\n'
            f'kind = "{rng.choice(["comment", "context"])}"\n'
            f'body = "Added note {n}, see [[{rng.choice(archive.people)}]]."\n'
        ))
    elif kind == 8:
        text = archive.read(f"{stem}.toml")
        notes = text.split("\n[[note]]\n")
        if len(notes) > 1:
            drop = rng.randrange(1, len(notes))
            if rng.random() < 0.5:
                del notes[drop]
            else:
                notes[drop] = re.sub(r'^body = ".*"$', f'body = "Changed note {n}."', notes[drop], flags=re.M)
            archive.write(f"{stem}.toml", "\n[[note]]\n".join(notes))
    elif kind == 9:
        name = rng.choice(archive.names)
        archive.write(f"{stem}.txt", archive.read(f"{stem}.txt").rstrip("\n") +
                      f"\n{name} was asked about the matter again in round {n}, and declined to comment.\n")
    elif kind == 10 and len(stems) > 10:
        archive.removed[stem] = (archive.read(f"{stem}.toml"), archive.read(f"{stem}.txt"))
        os.remove(os.path.join(archive.seeds, f"{stem}.toml"))
        os.remove(os.path.join(archive.seeds, f"{stem}.txt"))
        return f"removed {stem}"
    elif kind == 11 and archive.removed:
        back = rng.choice(sorted(archive.removed))
        toml_text, txt_text = archive.removed.pop(back)
        archive.write(f"{back}.toml", toml_text)
        archive.write(f"{back}.txt", txt_text)
        return f"brought back {back}"
    elif kind == 12 and other != stem:
        why = rng.choice(["Earlier coverage", "The same story elsewhere"])
        append(archive, stem, f'\n[[see_also]]\narticle = "{other}"\nwhy = "{why} ({n})"\n')
    elif kind == 13:
        # A claim names a claimant: the claimant's page lists it.
        append(archive, stem, (
            f'\n[[claim]]\nquote = "{random_quote(archive, stem, rng)}"\n'
            f'claimant = "{rng.choice(archive.people)}"\n'
            f'rating = "{rng.choice(["False", "Misleading", "True"])}"\nbody = "Checked in round {n}."\n'
        ))
    else:
        os.utime(os.path.join(archive.seeds, f"{stem}.toml"))
        return f"touched {stem}"
    return f"edit {kind} of {stem}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gloss", default=os.path.join(ROOT, "target/release/gloss"))
    parser.add_argument("--synth", default=os.path.join(ROOT, "target/release/examples/synth"))
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", default=os.path.join(tempfile.gettempdir(), "gloss-rebuild-failures"))
    args = parser.parse_args()

    rng = random.Random(args.seed)
    # Memory rather than disk where there is one: each round deletes and writes a whole
    # site, and some file systems create files slowly right after many were deleted.
    memory = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    work = tempfile.mkdtemp(prefix="gloss-rebuilds-", dir=memory)
    project, output, fresh = (os.path.join(work, n) for n in ("project", "site", "fresh"))
    generate(args.synth, args.articles, args.seed, project)
    archive = Archive(project)
    build = [args.gloss, "build", "--root", project, "--output", output]
    subprocess.run(build, capture_output=True, timeout=300, check=True)

    started = time.time()
    rounds = failures = refused = reused_total = rendered_total = 0
    while rounds < args.rounds and time.time() - started < args.seconds:
        rounds += 1
        stems_before, seeds_before = archive.stems(), contents(archive.seeds)
        removed_before, site_before = dict(archive.removed), snapshot(output)
        done = [edit(archive, rng, rounds * 10 + i) for i in range(rng.randint(1, 3))]
        run = subprocess.run(build, capture_output=True, timeout=300, text=True)
        problem = None
        if run.returncode == 1 and "error" in run.stderr:
            # A valid edit can still make the archive wrong as a whole (an article
            # removed that another one links to). The build must refuse it and leave
            # the site alone; the edits are then undone.
            refused += 1
            if snapshot(output) != site_before:
                problem = "a refused build changed the site"
            archive.restore(seeds_before, removed_before)
        elif run.returncode != 0:
            problem = f"the build exited with {run.returncode}: {run.stderr.strip()[-400:]}"
        else:
            built = [line for line in run.stderr.splitlines() if line.startswith("built ")]
            match = SUMMARY_LINE.search(built[-1]) if built else None
            reused, total = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
            reused_total += reused
            rendered_total += total - reused if match else 0
            differences = differs_from_fresh(args.gloss, project, output, fresh)
            if differences:
                problem = f"the rebuilt site differs from a fresh build in {differences[:8]}"
            elif reused == 0 and archive.stems() == stems_before:
                problem = "an edit that kept the article list reused no page"
        if problem:
            failures += 1
            kept = os.path.join(args.keep, f"seed{args.seed}-round{rounds}")
            shutil.rmtree(kept, ignore_errors=True)
            shutil.copytree(project, kept)
            with open(os.path.join(kept, "problem.txt"), "w", encoding="utf-8") as f:
                f.write(f"round {rounds}: {'; '.join(done)}\n{problem}\n")
            print(f"round {rounds} ({'; '.join(done)}): {problem}; archive kept in {kept}")
            # Go on from a fresh site, so one fault is reported once.
            shutil.rmtree(output, ignore_errors=True)
            subprocess.run(build, capture_output=True, timeout=300)
    shutil.rmtree(work, ignore_errors=True)
    print(
        f"{rounds} rounds of edits, each rebuilt over the last site and compared with a "
        f"fresh build ({refused} refused and undone): {reused_total} pages reused and "
        f"{rendered_total} rendered in all, {failures} problems"
    )
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
