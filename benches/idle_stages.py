#!/usr/bin/env python3
"""Runs `gloss build --timings` and prints, for each stage, how many CPU-seconds the
machine left idle during it: what a build loses to cores with nothing to do (the end
of a parallel loop, a step done on one thread). Reads the machine-wide idle ticks in
/proc/stat every 0.1 s, so the machine should run nothing else (BENCHMARKS.md).

    python3 benches/idle_stages.py target/release/gloss build --root /dev/shm/g100k \\
        --output /dev/shm/o100k -q

`--timings` is added to the command if it is not there. Prints one line:
`loading:0.20 reading:0.21 ... after:0.16 | wall 25.56 s`, the last figure for the
time after the last stage (writing the manifest, freeing memory, exiting).
"""
import re
import subprocess
import sys
import tempfile
import time

TICK = 100  # USER_HZ: /proc/stat counts in hundredths of a second on Linux
SAMPLE = 0.1
STAGE_LINE = re.compile(r"^(\S.*?)\s+([0-9.]+)(ms|s)\s+\d+ MB$")


def idle_ticks():
    with open("/proc/stat") as stat:
        fields = stat.readline().split()
    return int(fields[4])  # cpu user nice system idle ...


def stage_lengths(stderr):
    """(first word of the stage's name, seconds) for each row of the timings table."""
    stages = []
    for line in stderr.splitlines():
        match = STAGE_LINE.match(line.strip())
        if match:
            name, value, unit = match.groups()
            seconds = float(value) / (1000 if unit == "ms" else 1)
            stages.append((name.split()[0], seconds))
    return stages


def main(command):
    if "--timings" not in command:
        command = command + ["--timings"]
    # stderr goes to a file, not a pipe: a build with many warnings would fill a
    # pipe nobody reads until it ends, and wait for ever.
    with tempfile.TemporaryFile(mode="w+") as errors:
        started = time.time()
        child = subprocess.Popen(command, stderr=errors, text=True)
        samples = []  # (seconds since start, idle ticks in the interval before)
        last = idle_ticks()
        while child.poll() is None:
            time.sleep(SAMPLE)
            now, idle = time.time(), idle_ticks()
            samples.append((now - started - SAMPLE / 2, idle - last))
            last = idle
        wall = time.time() - started
        errors.seek(0)
        stderr = errors.read()
    if child.returncode != 0:
        sys.stderr.write(stderr)
        return child.returncode
    stages = stage_lengths(stderr)
    if not stages:
        sys.stderr.write("no --timings table in the output\n" + stderr)
        return 1
    edges = [0.0]
    for _, seconds in stages:
        edges.append(edges[-1] + seconds)
    parts = []
    for (name, _), begin, end in zip(stages, edges, edges[1:]):
        idle = sum(ticks for at, ticks in samples if begin <= at < end)
        parts.append(f"{name}:{idle / TICK:.2f}")
    after = sum(ticks for at, ticks in samples if at >= edges[-1])
    parts.append(f"after:{after / TICK:.2f}")
    print(" ".join(parts), f"| wall {wall:.2f} s")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
