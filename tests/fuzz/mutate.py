#!/usr/bin/env python3
"""Feeds gloss damaged copies of the example archive and checks that it fails well.

Each round restores a copy of `seeds/` and `site.toml`, damages one or two of the
files (flipped bytes, cut-off ends, stray TOML, Tera and Unicode fragments, repeated
stretches), sometimes also a copy of a built-in template put in the project's
`templates/`, and runs `gloss check` or `gloss build` on it. A round fails when gloss:

- exits with anything but 0 or 1, or prints a panic;
- fails a build (exit 1) and leaves the output folder different from before it;
- succeeds but leaves no `.gloss-output` marker, or leaves a staging folder behind;
- succeeds but leaves a site that differs from a fresh build of the same files into
  an empty folder (every build goes over the last round's site, so this checks the
  pages a rebuild reuses from it).

Damaged archives that fail are kept under --keep for a look. The seed makes a run
repeatable; `.ci/run` runs a short one.

    python3 tests/fuzz/mutate.py --gloss target/release/gloss --seconds 600 --seed 7
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Fragments that are likely to matter to gloss's parsers: TOML structure, quotes,
# dates, note kinds, invisible and multi-byte characters, invalid UTF-8.
FRAGMENTS = [
    b'"', b"'''", b'"""', b"[[note]]\nquote = \"", b"\n[[note]]\nquote = \"the\"\nbody = \"x\"\n",
    b"\n[[claim]]\nquote = \"a\"\nrating = \"false\"\n", b"\n[[mention]]\nentity = \"x\"\nquote = \"a\"\n",
    b"kind = \"correction\"\n", b"date = 2024-13-45\n", b"published = \"c. 2022\"\n",
    b"[[", b"]]", b"=", b"{", b"}", b"# ", b"\n", b"\r\n", b"\t", b"\\u0000", b"\\",
    "\u2026".encode(), "\u201c".encode(), "\u00a0".encode(), "\ufeff".encode(), "\u200b".encode(),
    "\u30dc\u30e9".encode(), b"\xff", b"\x00", b"\xc3", b"<script>alert(1)</script>", b"[[x]]",
    b"**", b"[link](javascript:alert(1))", b"# Heading\n", b"---\n",
    # Template fragments: Tera tags, and calls that would recurse.
    b"{{ ", b" }}", b"{% ", b" %}", b"{% endif %}", b"{% for x in y %}", b"{{ self::card_list(articles=articles) }}",
    b'{% include "base.html" %}', b'{% include "article.html" %}', b"{{ m::date(d=article.published) }}",
]

# Built-in templates the fuzzer may copy into the project (as overrides) and damage.
TEMPLATES = ["article.html", "base.html", "index.html", "macros.html", "entity.html"]


def damage(data, rng):
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        at = rng.randint(0, len(data))
        op = rng.random()
        if op < 0.3 and data:
            data[min(at, len(data) - 1)] = rng.randint(0, 255)
        elif op < 0.6:
            data[at:at] = rng.choice(FRAGMENTS)
        elif op < 0.75:
            del data[at:at + rng.randint(1, 40)]
        elif op < 0.85:
            del data[at:]
        else:
            a, b = sorted((rng.randint(0, len(data)), rng.randint(0, len(data))))
            data[at:at] = data[a:b][:200]
    return bytes(data)


def snapshot(folder):
    """Every file under `folder` with its size and modification time."""
    found = {}
    for dirpath, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(dirpath, name)
            stat = os.stat(path)
            found[os.path.relpath(path, folder)] = (stat.st_size, stat.st_mtime_ns)
    return found


def contents(folder):
    """Every file under `folder` with its bytes."""
    found = {}
    for dirpath, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(dirpath, name)
            with open(path, "rb") as f:
                found[os.path.relpath(path, folder)] = f.read()
    return found


def differs_from_fresh(gloss, project, output, fresh):
    """The paths where the site at `output` differs from a build of `project` into
    the empty folder `fresh`."""
    shutil.rmtree(fresh, ignore_errors=True)
    command = [gloss, "build", "--quiet", "--root", project, "--output", fresh]
    subprocess.run(command, capture_output=True, timeout=120, check=True)
    rebuilt, expected = contents(output), contents(fresh)
    shutil.rmtree(fresh, ignore_errors=True)
    return sorted(p for p in set(rebuilt) | set(expected) if rebuilt.get(p) != expected.get(p))


def leftover_staging(work, output):
    """Whether a build left its staging folder: beside the output folder (a first
    build) or inside it (a rebuild)."""
    beside = any(name.startswith(".site.building-") for name in os.listdir(work))
    inside = os.path.isdir(output) and any(
        name.startswith(".gloss-staging-") for name in os.listdir(output)
    )
    return beside or inside


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gloss", default=os.path.join(ROOT, "target/release/gloss"))
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rounds", type=int, default=0, help="stop after this many rounds (0: no limit)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", default=os.path.join(tempfile.gettempdir(), "gloss-fuzz-failures"))
    args = parser.parse_args()

    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="gloss-fuzz-")
    project = os.path.join(work, "project")
    output = os.path.join(work, "site")
    fresh = os.path.join(work, "fresh")
    shutil.copytree(os.path.join(ROOT, "seeds"), os.path.join(project, "seeds"))
    shutil.copy(os.path.join(ROOT, "site.toml"), project)
    files = sorted(
        os.path.join(project, "seeds", name) for name in os.listdir(os.path.join(project, "seeds"))
    ) + [os.path.join(project, "site.toml")]
    originals = {path: open(path, "rb").read() for path in files}
    templates = os.path.join(project, "templates")

    deadline = time.time() + args.seconds
    rounds = failures = builds_failed = builds_compared = 0
    while time.time() < deadline and (args.rounds == 0 or rounds < args.rounds):
        rounds += 1
        for path, data in originals.items():
            with open(path, "wb") as f:
                f.write(data)
        shutil.rmtree(templates, ignore_errors=True)
        for path in rng.sample(files, rng.randint(1, 2)):
            with open(path, "wb") as f:
                f.write(damage(originals[path], rng))
        if rng.random() < 0.2:
            name = rng.choice(TEMPLATES)
            os.makedirs(templates)
            with open(os.path.join(ROOT, "templates", name), "rb") as f:
                damaged = damage(f.read(), rng)
            with open(os.path.join(templates, name), "wb") as f:
                f.write(damaged)
        building = rng.random() < 0.3
        if building:
            command = [args.gloss, "build", "--quiet", "--root", project, "--output", output]
        else:
            command = [args.gloss, "check", "--root", project]
        before = snapshot(output) if building else None
        run = subprocess.run(command, capture_output=True, timeout=120)
        stderr = run.stderr.decode("utf-8", "replace")
        problem = None
        if run.returncode not in (0, 1) or "panicked" in stderr:
            problem = f"exit code {run.returncode}"
        elif building and run.returncode == 1:
            builds_failed += 1
            if snapshot(output) != before:
                problem = "a failed build changed the output folder"
        elif building and not os.path.exists(os.path.join(output, ".gloss-output")):
            problem = "a build succeeded without writing .gloss-output"
        elif building:
            builds_compared += 1
            differences = differs_from_fresh(args.gloss, project, output, fresh)
            if differences:
                problem = f"the rebuilt site differs from a fresh build in {differences[:5]}"
        if building and leftover_staging(work, output):
            problem = problem or "a staging folder was left behind"
        if problem:
            failures += 1
            kept = os.path.join(args.keep, f"seed{args.seed}-round{rounds}")
            shutil.rmtree(kept, ignore_errors=True)
            shutil.copytree(project, kept)
            print(f"round {rounds}: {problem} ({' '.join(command[1:2])}); archive kept in {kept}")
            print("  " + stderr[-1500:].replace("\n", "\n  "))
    shutil.rmtree(work, ignore_errors=True)
    print(
        f"{rounds} rounds ({builds_failed} failed builds checked, {builds_compared} "
        f"rebuilds compared with fresh builds), {failures} problems"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
