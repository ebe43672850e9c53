#!/usr/bin/env bash
# Check that pages laid out in two halves at once (src/document/halves.rs, `--dump` only)
# come out exactly as they do laid out whole: `margay --dump` of every HTML file of at least
# 256 KB (the size from which pages are cut) under a folder, against the same with
# MARGAY_ONE_THREAD=1, at two widths. Prints each page that differs with the start of the
# difference, then the counts: pages, pages cut in halves (when strace is installed: a dump
# in halves starts one thread more than the same dump on one thread), layouts that differ.
#
#   scripts/check-halves.sh [FOLDER]
#
# FOLDER defaults to the Rust documentation shipped with the toolchain. Environment: MARGAY
# (binary; default target/release/margay, built when missing). Reads only local files.
set -euo pipefail
cd "$(dirname "$0")/.."
MARGAY=${MARGAY:-target/release/margay}
[ -x "$MARGAY" ] || cargo build --release >&2
folder=${1:-"$(rustc --print sysroot)/share/doc/rust/html"}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The threads a dump of $1 starts (with the environment given before it).
threads() {
  strace -f -qq -e trace=clone,clone3 -o "$tmp/trace" "$MARGAY" --dump "$1" >/dev/null 2>&1 || true
  grep -c 'clone' "$tmp/trace" || true
}

pages=0 cut=0 differ=0
while IFS= read -r -d '' page; do
  pages=$((pages + 1))
  if command -v strace >/dev/null; then
    whole_threads=$(MARGAY_ONE_THREAD=1 threads "$page")
    [ "$(threads "$page")" -gt "$whole_threads" ] && cut=$((cut + 1))
  fi
  for width in 80 137; do
    "$MARGAY" --dump --width "$width" "$page" >"$tmp/halves" 2>&1 || true
    MARGAY_ONE_THREAD=1 "$MARGAY" --dump --width "$width" "$page" >"$tmp/whole" 2>&1 || true
    if ! cmp -s "$tmp/halves" "$tmp/whole"; then
      differ=$((differ + 1))
      echo "DIFFERS at width $width: $page"
      diff "$tmp/whole" "$tmp/halves" | head -10 || true
    fi
  done
done < <(find "$folder" -name '*.html' -size +256k -print0 | sort -z)
echo "$pages pages ($cut cut in halves), $differ layouts differ"
[ "$differ" -eq 0 ]
