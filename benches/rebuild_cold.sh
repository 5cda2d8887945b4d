#!/usr/bin/env bash
# A rebuild after one edited annotation, with the corpus and the previous site out of
# the page cache (as they are once an editor comes back to a large archive):
#
#   bash benches/rebuild_cold.sh GLOSS CORPUS OUTPUT ANNOTATION
#
# OUTPUT must hold a site built from CORPUS. Toggles one word of ANNOTATION (a file
# under CORPUS/seeds: `misreported` <-> `misquoted`, which the synthetic corpus's
# notes use), evicts CORPUS and OUTPUT from the page cache (benches/evict.py), and runs
# `GLOSS build --timings --output OUTPUT` under /usr/bin/time. Run it again to edit
# back; alternate binaries to compare them.
set -euo pipefail

gloss=$(realpath "$1")
corpus=$2
output=$(realpath "$3")
annotation=$4
here=$(dirname "$(realpath "$0")")

cd "$corpus"
if grep -q misquoted "$annotation"; then
  sed -i '0,/misquoted/s//misreported/' "$annotation"
else
  sed -i '0,/misreported/s//misquoted/' "$annotation"
fi
python3 "$here/evict.py" "$output" "$corpus/seeds"
/usr/bin/time -f "$(basename "$gloss") rebuild: %e s, %U s user, %S s sys, %M KiB peak, %I blocks read" \
  "$gloss" build --timings --output "$output"
