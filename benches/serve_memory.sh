#!/usr/bin/env bash
# How much memory `gloss serve` holds once it serves a corpus, and how long its first
# build takes:
#
#   bash benches/serve_memory.sh GLOSS CORPUS [PORT] [WAIT]
#
# Starts `GLOSS serve --port PORT` (default 4470) in CORPUS, times it until it prints
# `serving on`, waits WAIT seconds (default 4) for the background work to settle,
# reads VmRSS and VmHWM from /proc, fetches /people/ and stops the server. Prints one
# line: binary, seconds until `serving on`, resident and peak KiB, the HTTP status.
set -euo pipefail

gloss=$(realpath "$1")
corpus=$2
port=${3:-4470}
wait_s=${4:-4}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

cd "$corpus"
start=$EPOCHREALTIME
"$gloss" serve --port "$port" >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 6000); do
  grep -q "serving on" "$log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
ready=$EPOCHREALTIME
sleep "$wait_s"
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/people/" || echo none)
kill "$pid"
wait "$pid" 2>/dev/null || true
printf '%s\tready %.2f s\tresident %s KiB\tpeak %s KiB\t/people/ %s\n' \
  "$(basename "$gloss")" "$(echo "$ready - $start" | bc)" "$rss" "$hwm" "$status"
