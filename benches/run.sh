#!/usr/bin/env bash
# Side-by-side benchmark: gloss vs Hugo on the same synthetic archive.
#
#   bash benches/run.sh                     # N = 1000 and 10000, 5 runs each
#   bash benches/run.sh --large             # … plus N = 100000 (gloss only)
#   bash benches/run.sh --sizes 200 --runs 3 --no-serve     # a quick smoke test
#
# Options:
#   --sizes "A B"     corpus sizes compared with Hugo (default "1000 10000")
#   --runs K          timed runs per measurement (default 5); the median is reported
#   --large           also N=100000, gloss only (--large-runs, default 1)
#   --large-runs K
#   --incremental N   the size used for the one-edit rebuild and serve measurements
#                     (default: the largest of --sizes)
#   --no-serve        skip the `gloss serve` edit → reload measurement
#   --wait-load X     before each size, wait (polling every 30 s, at most 20 min in
#                     all) until the 1-minute load average is below X
#   --work DIR        corpora, outputs and logs (default /tmp/gloss-bench)
#   --out DIR         where the sites are written (default WORK/out); e.g. a tmpfs
#                     such as /dev/shm/gloss-bench to take the disk out of the figures
#   --settle          after deleting the last output before a cold build, write the
#                     disk's dirty blocks, drop the kernel's caches (needs root) and
#                     read the corpus back in: on an ext4 without a journal, files
#                     created just after many were deleted are slow to create
#                     (BENCHMARKS.md, "The disk"), whichever tool creates them
#   --seed S          synth seed (default 42)
#   --no-build        use the gloss and synth binaries already in DIR/bin (with a
#                     warning when the code they were built from is not the checkout's)
#   --timeout S       stop any single timed command after S seconds (default 3600)
#
# What is measured (see BENCHMARKS.md): every command runs under /usr/bin/time -v;
# wall time is taken with bash's $EPOCHREALTIME around it, peak memory is "Maximum
# resident set size". gloss and Hugo runs are interleaved (g, h, g, h, …) so that a
# change in machine load affects both alike.
#
#   cold  = no output folder before the build (rm -rf first)
#   edit1 = one annotation (gloss .toml) / one front matter (Hugo .md) edited, then
#           `gloss build` / `hugo` again with the previous output in place (gloss
#           parses every article, renders only the pages whose fingerprint changed,
#           reuses the rest from the previous output and moves in only the files
#           whose bytes changed; Hugo renders everything and overwrites in place).
#           With --large, also once at N = 100000 (gloss only)
#   check = `gloss check` (load, parse, anchor, link, lint; no render, no output)

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZES="1000 10000"
RUNS=5
LARGE=0
LARGE_RUNS=1
INCR_N=""
SERVE=1
WAIT_LOAD=""
WORK=/tmp/gloss-bench
OUT=""
SETTLE=0
SEED=42
BUILD=1
CMD_TIMEOUT=3600

while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --large) LARGE=1; shift ;;
    --large-runs) LARGE_RUNS=$2; shift 2 ;;
    --incremental) INCR_N=$2; shift 2 ;;
    --no-serve) SERVE=0; shift ;;
    --wait-load) WAIT_LOAD=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --settle) SETTLE=1; shift ;;
    --seed) SEED=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --timeout) CMD_TIMEOUT=$2; shift 2 ;;
    -h|--help) sed -n '2,41p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
if [ -z "$INCR_N" ]; then
  INCR_N=$(printf '%s\n' $SIZES | sort -n | tail -1)
fi

OUT=${OUT:-$WORK/out}
mkdir -p "$WORK/bin" "$WORK/corpus" "$OUT" "$WORK/log"
RESULTS="$WORK/results.tsv"
: > "$RESULTS"
say() { printf '\n== %s\n' "$*" >&2; }

# ─── Tools ───────────────────────────────────────────────────────────────────
need_apt() {
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y "$@" >/dev/null; else sudo apt-get install -y "$@" >/dev/null; fi
}
if ! command -v hugo >/dev/null; then
  say "installing hugo (Debian package)"
  need_apt hugo
fi
if [ ! -x /usr/bin/time ]; then
  say "installing GNU time"
  need_apt time
fi
HUGO_VERSION=$(hugo version)

# ─── Binaries (copied, so a concurrent cargo build cannot swap them mid-run) ──
# What the binary is built from: its code, the Tera copy, the embedded theme.
BUILT_FROM="src vendor/tera/src vendor/tera/Cargo.toml templates static build.rs Cargo.toml Cargo.lock"
if [ "$BUILD" -eq 1 ]; then
  say "building gloss and the synth example (release)"
  (cd "$ROOT" && cargo build --release --quiet --bin gloss --example synth)
  cp "$ROOT/target/release/gloss" "$WORK/bin/gloss"
  cp "$ROOT/target/release/examples/synth" "$WORK/bin/synth"
  {
    echo "commit: $(cd "$ROOT" && git rev-parse --short HEAD)"
    echo "uncommitted changes to what the binary is built from, at build time:"
    (cd "$ROOT" && git status --short -- $BUILT_FROM | sed 's/^/  /')
  } > "$WORK/bin/gloss.version"
fi
GLOSS="$WORK/bin/gloss"
SYNTH="$WORK/bin/synth"
[ -x "$GLOSS" ] && [ -x "$SYNTH" ] || { echo "missing $GLOSS or $SYNTH (run without --no-build)" >&2; exit 1; }
if [ "$BUILD" -eq 0 ]; then
  # A binary left by an earlier run measures that run's code, not the checkout's.
  built=$(sed -n 's/^commit: //p' "$WORK/bin/gloss.version" 2>/dev/null)
  head=$(cd "$ROOT" && git rev-parse --short HEAD)
  if [ -z "$built" ] || ! (cd "$ROOT" && git diff --quiet "$built" HEAD -- $BUILT_FROM 2>/dev/null); then
    echo "warning: --no-build: $GLOSS was built from ${built:-an unknown commit}; the code at $head differs" >&2
  elif [ -n "$(cd "$ROOT" && git status --short -- $BUILT_FROM)" ]; then
    echo "warning: --no-build: the checkout has changes since $GLOSS was built" >&2
  fi
fi

# ─── Machine ─────────────────────────────────────────────────────────────────
say "machine"
{
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "nproc: $(nproc)"
  free -h | sed -n '1,2p'
  echo "kernel: $(uname -r)"
  echo "hugo: $HUGO_VERSION"
  cat "$WORK/bin/gloss.version" 2>/dev/null || true
  echo "work dir: $WORK ($(df -h --output=fstype,avail "$WORK" | tail -1 | xargs))"
} | tee "$WORK/machine.txt" >&2

load1() { cut -d' ' -f1 /proc/loadavg; }

# One 20-minute budget for the whole run, however many times it waits.
LOAD_DEADLINE=""
wait_for_load() {
  [ -n "$WAIT_LOAD" ] || return 0
  [ -n "$LOAD_DEADLINE" ] || LOAD_DEADLINE=$((SECONDS + 1200))
  local deadline=$LOAD_DEADLINE
  while awk -v l="$(load1)" -v m="$WAIT_LOAD" 'BEGIN { exit !(l >= m) }'; do
    if [ $SECONDS -ge $deadline ]; then
      echo "load still $(load1) after 20 min; measuring anyway" >&2
      return 0
    fi
    echo "load average $(load1) >= $WAIT_LOAD; waiting 30 s" >&2
    sleep 30
  done
}

# ─── Corpora ─────────────────────────────────────────────────────────────────
# gloss-N and hugo-N under $WORK/corpus; regenerated when the synth binary or the
# seed changed (a stamp file records both).
corpus() {
  local n=$1 hugo=$2
  local g="$WORK/corpus/gloss-$n" h="$WORK/corpus/hugo-$n"
  local stamp
  stamp="n=$n seed=$SEED hugo=$hugo synth=$(sha256sum "$SYNTH" | cut -c1-16)"
  if [ -f "$g/.synth-stamp" ] && [ "$(cat "$g/.synth-stamp")" = "$stamp" ]; then
    return 0
  fi
  say "generating N=$n"
  local args=(--articles "$n" --out "$g" --seed "$SEED" --force)
  [ "$hugo" = 1 ] && args+=(--hugo "$h")
  local t0=$EPOCHREALTIME
  "$SYNTH" "${args[@]}"
  printf 'generate\t%s\t%.2f s\n' "$n" "$(echo "$EPOCHREALTIME - $t0" | bc)" >&2
  echo "$stamp" > "$g/.synth-stamp"
}

# ─── One timed run ───────────────────────────────────────────────────────────
# measure N TOOL MODE RUN DIR OUTDIR -- command…
# Appends: N tool mode run wall_s user_s sys_s maxrss_kb html_pages files load1 exit
measure() {
  local n=$1 tool=$2 mode=$3 run=$4 dir=$5 out=$6
  shift 7
  local tv="$WORK/log/$tool-$mode-$n-$run.time" log="$WORK/log/$tool-$mode-$n-$run.log"
  local load t0 t1 status=0
  load=$(load1)
  t0=$EPOCHREALTIME
  (cd "$dir" && timeout --kill-after=30 "$CMD_TIMEOUT" /usr/bin/time -v -o "$tv" "$@" >"$log" 2>&1) || status=$?
  t1=$EPOCHREALTIME
  local wall user sys rss html files
  wall=$(echo "$t1 - $t0" | bc)
  user=$(awk -F': ' '/User time/ {print $2}' "$tv")
  sys=$(awk -F': ' '/System time/ {print $2}' "$tv")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tv")
  if [ -n "$out" ] && [ -d "$out" ]; then
    html=$(find "$out" -name '*.html' | wc -l)
    files=$(find "$out" -type f | wc -l)
  else
    html=-; files=-
  fi
  printf '%s\t%s\t%s\t%s\t%.3f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$n" "$tool" "$mode" "$run" "$wall" "$user" "$sys" "$rss" "$html" "$files" "$load" "$status" \
    | tee -a "$RESULTS" >&2
  if [ "$status" -ne 0 ]; then
    echo "  FAILED (exit $status); last lines of $log:" >&2
    tail -5 "$log" >&2
  fi
}

# fresh_output DIR CORPUS: removes the output DIR before a cold build (see --settle).
fresh_output() {
  rm -rf "$1"
  if [ "$SETTLE" -eq 1 ]; then
    sync
    if ! echo 3 > /proc/sys/vm/drop_caches 2>/dev/null; then
      sudo sh -c 'echo 3 > /proc/sys/vm/drop_caches' || echo "--settle: cannot drop caches" >&2
    fi
    find "$2" -type f -print0 | xargs -0 cat > /dev/null
  fi
}

gloss_build() { measure "$1" gloss "$2" "$3" "$WORK/corpus/gloss-$1" "$OUT/gloss-$1" -- "$GLOSS" build --output "$OUT/gloss-$1"; }
hugo_build()  { measure "$1" hugo "$2" "$3" "$WORK/corpus/hugo-$1" "$OUT/hugo-$1" -- hugo --quiet --destination "$OUT/hugo-$1"; }
gloss_check() { measure "$1" gloss check "$2" "$WORK/corpus/gloss-$1" "" -- "$GLOSS" check; }

printf 'N\ttool\tmode\trun\twall_s\tuser_s\tsys_s\tmaxrss_kb\thtml\tfiles\tload1\texit\n' >&2

# ─── Side by side ────────────────────────────────────────────────────────────
for n in $SIZES; do
  corpus "$n" 1
  wait_for_load
  say "N=$n: cold builds (no previous output), gloss and Hugo interleaved, $RUNS runs"
  for r in $(seq 1 "$RUNS"); do
    fresh_output "$OUT/gloss-$n" "$WORK/corpus/gloss-$n"; gloss_build "$n" cold "$r"
    fresh_output "$OUT/hugo-$n" "$WORK/corpus/hugo-$n"; hugo_build "$n" cold "$r"
  done
  say "N=$n: gloss check (everything but render and output), $RUNS runs"
  for r in $(seq 1 "$RUNS"); do
    gloss_check "$n" "$r"
  done
done

# ─── One annotation edited ───────────────────────────────────────────────────
n=$INCR_N
if [ -d "$WORK/corpus/gloss-$n" ] && [ -d "$WORK/corpus/hugo-$n" ]; then
  say "N=$n: one annotation edited, then a rebuild over the previous output (gloss reuses the pages the edit cannot have changed; Hugo renders everything)"
  mid=$(printf '%06d' $((n / 2)))
  gt="$WORK/corpus/gloss-$n/seeds/$mid.toml"
  hm="$WORK/corpus/hugo-$n/content/articles/$mid.md"
  cp "$gt" "$WORK/edit-backup.toml"; cp "$hm" "$WORK/edit-backup.md"
  for r in $(seq 1 "$RUNS"); do
    sed -i "0,/^summary = \"/s//summary = \"Edited $r. /" "$gt"
    gloss_build "$n" edit1 "$r"
    sed -i "0,/^summary = \"/s//summary = \"Edited $r. /" "$hm"
    hugo_build "$n" edit1 "$r"
  done
  cp "$WORK/edit-backup.toml" "$gt"; cp "$WORK/edit-backup.md" "$hm"

  if [ "$SERVE" -eq 1 ]; then
    if "$GLOSS" serve --help >/dev/null 2>&1 && command -v python3 >/dev/null; then
      wait_for_load
      say "N=$n: gloss serve, edit one annotation → 'reload' event on /__gloss/events ($RUNS edits)"
      timeout 3600 python3 "$ROOT/benches/serve_reload.py" --gloss "$GLOSS" \
        --root "$WORK/corpus/gloss-$n" --edit "seeds/$mid.toml" --edits "$RUNS" \
        --log "$WORK/log/serve-$n.log" | tee "$WORK/serve-$n.tsv" >&2 || echo "serve measurement failed" >&2
      cp "$WORK/edit-backup.toml" "$gt"
    else
      echo "gloss serve (or python3) not available: edit → reload not measured" >&2
    fi
  fi
fi

# ─── Large: gloss alone ──────────────────────────────────────────────────────
if [ "$LARGE" -eq 1 ]; then
  n=100000
  corpus "$n" 0
  wait_for_load
  say "N=$n: gloss only, $LARGE_RUNS cold run(s) and one check"
  # A build that needs more memory than the machine has must fail on its own, not
  # wake the OOM killer for everybody else's processes: cap its address space at
  # 80% of the memory available now.
  cap_kb=$(awk '/MemAvailable/ {printf "%d", $2 * 0.8}' /proc/meminfo)
  echo "address-space cap for the N=$n runs: $((cap_kb / 1024)) MB (ulimit -v)" >&2
  gloss_check "$n" 1
  for r in $(seq 1 "$LARGE_RUNS"); do
    fresh_output "$OUT/gloss-$n" "$WORK/corpus/gloss-$n"
    ( ulimit -v "$cap_kb"; gloss_build "$n" cold "$r" )
  done
  # One annotation edited, then a build with the last cold run's output in place:
  # the pages the edit cannot have changed are reused from it, not rendered.
  say "N=$n: one annotation edited, then a rebuild over the previous output"
  mid=$(printf '%06d' $((n / 2)))
  gt="$WORK/corpus/gloss-$n/seeds/$mid.toml"
  cp "$gt" "$WORK/edit-backup.toml"
  sed -i "0,/^summary = \"/s//summary = \"Edited. /" "$gt"
  ( ulimit -v "$cap_kb"; gloss_build "$n" edit1 1 )
  cp "$WORK/edit-backup.toml" "$gt"
  rm -rf "$OUT/gloss-$n"
fi

# ─── Summary ─────────────────────────────────────────────────────────────────
say "summary (median wall, user and system time of the runs; peak RSS = the largest of the runs)"
awk -F'\t' '
  function median(values, key,   k, m, i, j, t, a) {
    m = cnt[key]
    for (i = 1; i <= m; i++) a[i] = values[key, i]
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
  }
  {
    key = $1 SUBSEP $2 SUBSEP $3
    if (!(key in cnt)) order[++nk] = key
    cnt[key]++; vals[key, cnt[key]] = $5; user[key, cnt[key]] = $6; sys[key, cnt[key]] = $7
    if ($8 > rss[key]) rss[key] = $8
    html[key] = $9; failed[key] += ($12 != 0)
    lo[key] = (cnt[key] == 1 || $11 < lo[key]) ? $11 : lo[key]
    hi[key] = ($11 > hi[key]) ? $11 : hi[key]
  }
  END {
    printf "| N | tool | mode | runs | median s | user s | system s | peak RSS MB | .html pages | gloss/Hugo time | load1 during runs |\n"
    printf "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n"
    for (i = 1; i <= nk; i++) {
      key = order[i]; split(key, p, SUBSEP)
      med[key] = median(vals, key)
    }
    for (i = 1; i <= nk; i++) {
      key = order[i]; split(key, p, SUBSEP)
      ratio = "";
      if (p[2] == "gloss") { other = p[1] SUBSEP "hugo" SUBSEP p[3]; if (other in med && med[other] > 0) ratio = sprintf("%.2f×", med[key] / med[other]) }
      printf "| %s | %s | %s | %d%s | %.2f | %.2f | %.2f | %.0f | %s | %s | %s–%s |\n", p[1], p[2], p[3], cnt[key], (failed[key] ? " (" failed[key] " failed)" : ""), med[key], median(user, key), median(sys, key), rss[key] / 1024, html[key], ratio, lo[key], hi[key]
    }
  }' "$RESULTS" | tee "$WORK/summary.md"

if [ -f "$WORK/serve-$INCR_N.tsv" ]; then
  echo
  echo "gloss serve at N=$INCR_N (edit one annotation → reload event):"
  awk -F'\t' '
    $1 == "serve-ready"  { printf "  first build until \"serving on\": %.2f s, peak RSS %.0f MB\n", $2, $3 / 1024 }
    $1 == "serve-reload" { printf "  edit %d: reload event %.0f ms after the write (serve: %s pages rendered in %s ms)\n", $2, $3 * 1000, $5, $4 }
    $1 == "serve-peak"   { printf "  serve peak RSS after the edits: %.0f MB\n", $2 / 1024 }
    $1 == "serve-error"  { printf "  ERROR: %s\n", $2 }' "$WORK/serve-$INCR_N.tsv" | tee -a "$WORK/summary.md"
fi
echo
echo "raw runs: $RESULTS; logs: $WORK/log/"
