#!/usr/bin/env bash
# Validates the HTML of a freshly built example site with the W3C Nu HTML Checker (vnu).
#
# vnu.jar comes from the npm registry (package `vnu-jar`, which ships the jar) and runs
# on Java 11+; on a fresh Debian machine both are installed here. Fails on any error.
#
#   bash .ci/vnu.sh            # build the seeds into a temp dir and check them
#   VNU_SITE=public bash .ci/vnu.sh   # check an already built site instead
set -euo pipefail

cd "$(dirname "$0")/.."
VNU_VERSION="${VNU_VERSION:-26.9.27}"
TOOLS="${VNU_TOOLS:-$HOME/.cache/gloss-ci}"

if ! command -v java >/dev/null 2>&1; then
  echo "vnu: installing a Java runtime (default-jre-headless)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
fi

JAR="$TOOLS/vnu-jar-$VNU_VERSION/package/build/dist/vnu.jar"
if [ ! -f "$JAR" ]; then
  echo "vnu: fetching vnu-jar@$VNU_VERSION from the npm registry"
  if ! command -v npm >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
  fi
  mkdir -p "$TOOLS/vnu-jar-$VNU_VERSION"
  tarball="$(cd "$TOOLS" && npm pack --silent "vnu-jar@$VNU_VERSION")"
  tar -xzf "$TOOLS/$tarball" -C "$TOOLS/vnu-jar-$VNU_VERSION"
  rm -f "$TOOLS/$tarball"
fi

if [ -n "${VNU_SITE:-}" ]; then
  site="$VNU_SITE"
else
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  site="$work/public"
  cargo build --quiet
  ./target/debug/gloss build --output "$site" --base-url "https://example.org/archive/" >/dev/null
fi

echo "vnu: checking $(find "$site" -name '*.html' | wc -l) pages in $site"
if java -jar "$JAR" --errors-only --skip-non-html "$site"; then
  echo "vnu: no errors"
else
  echo "vnu: the HTML above has errors" >&2
  exit 1
fi
