#!/usr/bin/env python3
"""How long the machine takes to write a site's files, with no rendering at all: the
floor under any build of that site into the same place (BENCHMARKS.md).

    python3 benches/write_floor.py SITE DEST [--writers K]

Reads every file under SITE (a site gloss built) into memory, then writes the same
files under DEST (which must not exist) with K threads (default 2, one a core on the
benchmark machine), each taking whole folders, as gloss's rendering units do, so that
no two writers create files in the same folder. Threads, not forked processes, so
that copy-on-write of the parent's memory cannot count as writing time; the system
calls release Python's lock, so the threads write at the same time. Only the writing is timed; prints the
wall time and the process's user and system time during it. DEST is left in place
for the caller to inspect or remove.
"""
import argparse
import os
import sys
import threading
import time
import zlib


def read_site(site):
    files = []
    for folder, _, names in os.walk(site):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                files.append((os.path.relpath(path, site), f.read()))
    files.sort()
    return files


def write_share(files, dest, writer, writers):
    for relative, contents in files:
        folder = os.path.dirname(relative)
        if zlib.crc32(folder.encode()) % writers != writer:
            continue
        path = os.path.join(dest, relative)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        except FileNotFoundError:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(contents)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site")
    parser.add_argument("dest")
    parser.add_argument("--writers", type=int, default=2)
    args = parser.parse_args()
    if os.path.exists(args.dest):
        sys.exit(f"write_floor: {args.dest} exists; give a path that does not")
    files = read_site(args.site)
    total = sum(len(contents) for _, contents in files)
    folders = len({os.path.dirname(relative) for relative, _ in files})
    print(f"{len(files)} files, {folders} folders, {total / 1e9:.2f} GB", flush=True)
    os.makedirs(args.dest)
    failures = []

    def writer(index):
        try:
            write_share(files, args.dest, index, args.writers)
        except OSError as e:
            failures.append(f"write_floor: writer {index}: {e}")

    started, before = time.time(), os.times()
    threads = [threading.Thread(target=writer, args=(i,)) for i in range(args.writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ended, after = time.time(), os.times()
    for failure in failures:
        print(failure, file=sys.stderr)
    print(
        f"{args.writers} writers: {ended - started:.2f} s wall, "
        f"user {after.user - before.user:.2f} s, "
        f"sys {after.system - before.system:.2f} s"
    )
    sys.exit(1 if failures else 0)

if __name__ == "__main__":
    main()
