#!/usr/bin/env python3
"""Runs a command and prints, once a second, how much of the machine's CPU it used:
user and system time as a percentage of one core (200% is both cores of a 2-core
machine). Shows where a build waits instead of computing (BENCHMARKS.md).

    python3 benches/cpu_sample.py gloss build --timings --output /tmp/out
"""
import os
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return int(fields[11]), int(fields[12])


def main(command):
    child = subprocess.Popen(command)
    started = last_time = time.time()
    last = (0, 0)
    while child.poll() is None:
        time.sleep(1.0)
        try:
            user, system = cpu_ticks(child.pid)
        except (FileNotFoundError, ProcessLookupError):
            break
        now = time.time()
        span = now - last_time
        print(
            f"{now - started:6.1f}s  user {100 * (user - last[0]) / TICK / span:5.0f}%"
            f"  sys {100 * (system - last[1]) / TICK / span:5.0f}%",
            file=sys.stderr,
        )
        last, last_time = (user, system), now
    return child.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
