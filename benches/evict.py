#!/usr/bin/env python3
"""Drops the given files and folders (recursively) from the page cache, as a machine
that has not read them for a while would have it, without root: posix_fadvise
DONTNEED on every file. Used to time reads "out of the page cache" (BENCHMARKS.md).

    python3 benches/evict.py PATH [PATH ...]
"""
import os
import sys


def evict(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def main(paths):
    count = 0
    for top in paths:
        if os.path.isfile(top):
            evict(top)
            count += 1
        for root, _dirs, files in os.walk(top):
            for name in files:
                evict(os.path.join(root, name))
                count += 1
    print(f"evicted {count} files", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
