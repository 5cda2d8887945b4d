#!/usr/bin/env python3
"""Measures gloss serve's edit → reload latency on a loopback port.

Starts `gloss serve` on a free 127.0.0.1 port, waits (bounded) for the first build,
then K times: opens the live-reload stream (/__gloss/events), waits for `hello`,
edits one annotation file (the article summary), and times until the `reload`
event arrives. Prints one tab-separated line per measurement:

    serve-ready <seconds from start to "serving on">  <VmHWM kB after first build>
    serve-reload <k> <seconds edit→reload> <serve's own "rebuilt … in N ms"> <pages rendered>
    serve-peak <VmHWM kB at the end>

Before the next edit it waits (bounded by --settle-timeout) for serve's "search index
updated" line: the index is rebuilt on a background thread after each edit, and an
edit made while it runs shares the two cores with it.

The edited file is restored and the server stopped (by its pid) whatever happens.
Only 127.0.0.1 is ever contacted.
"""

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import time


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def vm_hwm(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def wait_for(predicate, timeout, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None


class EventStream:
    """A minimal SSE reader over a raw socket, with a timeout on every read."""

    def __init__(self, port, timeout):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.sendall(
            b"GET /__gloss/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Accept: text/event-stream\r\n\r\n"
        )
        self.buffer = b""

    def next_event(self, deadline):
        """The next event's name, or None when the deadline passes."""
        while True:
            while b"\n\n" in self.buffer:
                block, self.buffer = self.buffer.split(b"\n\n", 1)
                for line in block.split(b"\n"):
                    if line.startswith(b"event:"):
                        return line[6:].strip().decode()
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return None
            if not chunk:
                return None
            self.buffer += chunk.replace(b"\r\n", b"\n")

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gloss", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--edit", required=True, help="annotation file to edit (relative to root)")
    ap.add_argument("--edits", type=int, default=3)
    ap.add_argument("--start-timeout", type=float, default=900)
    ap.add_argument("--reload-timeout", type=float, default=600)
    ap.add_argument("--log", default=None)
    ap.add_argument("--settle-timeout", type=float, default=300)
    args = ap.parse_args()

    path = os.path.join(args.root, args.edit)
    with open(path, encoding="utf-8") as f:
        original = f.read()
    if 'summary = "' not in original:
        print("serve-error\tno summary line to edit", flush=True)
        return 1

    port = free_port()
    log_path = args.log or os.path.join(args.root, ".serve-bench.log")
    log = open(log_path, "w")
    started = time.monotonic()
    server = subprocess.Popen(
        [args.gloss, "serve", "--port", str(port), "--bind", "127.0.0.1"],
        cwd=args.root,
        stdout=log,
        stderr=log,
        stdin=subprocess.DEVNULL,
    )

    def log_text():
        with open(log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    status = 0
    try:
        ready = wait_for(
            lambda: "serving on" in log_text() or server.poll() is not None,
            args.start_timeout,
        )
        if not ready or server.poll() is not None:
            print(f"serve-error\tserver not ready within {args.start_timeout}s", flush=True)
            return 1
        print(
            f"serve-ready\t{time.monotonic() - started:.3f}\t{vm_hwm(server.pid)}",
            flush=True,
        )
        for k in range(1, args.edits + 1):
            stream = EventStream(port, timeout=30)
            try:
                if stream.next_event(time.monotonic() + 30) != "hello":
                    print("serve-error\tno hello on the event stream", flush=True)
                    status = 1
                    break
                before = log_text().count("rebuilt ")
                indexed = log_text().count("search index updated")
                edited = original.replace(
                    'summary = "', f'summary = "Edit {k} at {time.time():.0f}. ', 1
                )
                t0 = time.monotonic()
                with open(path, "w", encoding="utf-8") as f:
                    f.write(edited)
                event = None
                deadline = t0 + args.reload_timeout
                while event != "reload":
                    event = stream.next_event(deadline)
                    if event is None:
                        break
                t1 = time.monotonic()
                if event != "reload":
                    print(f"serve-error\tno reload within {args.reload_timeout}s", flush=True)
                    status = 1
                    break
                # serve's own account of the rebuild (printed just before it broadcasts)
                wait_for(lambda: log_text().count("rebuilt ") > before, 5)
                own = re.findall(r"rebuilt (?:(\d+) of \d+ pages|everything) in (\d+) ms", log_text())
                pages, ms = own[-1] if own else ("?", "?")
                print(
                    f"serve-reload\t{k}\t{t1 - t0:.3f}\t{ms}\t{pages or 'all'}",
                    flush=True,
                )
            finally:
                stream.close()
            wait_for(
                lambda: log_text().count("search index updated") > indexed,
                args.settle_timeout,
            )
            time.sleep(0.5)
        print(f"serve-peak\t{vm_hwm(server.pid)}", flush=True)
    finally:
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)
        if server.poll() is None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
        log.close()
    return status


if __name__ == "__main__":
    sys.exit(main())
