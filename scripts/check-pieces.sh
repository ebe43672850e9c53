#!/usr/bin/env bash
# Check that pages laid out in pieces (src/document/pieces.rs, `--dump` only) come out
# exactly as they do laid out whole: `margay --dump` of every HTML file of at least 256 KB
# (the size from which pages are cut) under a folder, in pieces on two threads and on one
# (MARGAY_ONE_THREAD=1), against the same laid out whole (MARGAY_WHOLE_PAGE=1), at three
# widths. Prints each page that differs with the start of the difference, then the counts:
# pages, pages cut in pieces (the guard's places, counted by `--example count-pieces`),
# layouts that differ.
#
#   scripts/check-pieces.sh [FOLDER]
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
unset MARGAY_ONE_THREAD MARGAY_WHOLE_PAGE

cargo build -q --example count-pieces >&2
count_pieces=target/debug/examples/count-pieces

pages=0 cut=0 differ=0
while IFS= read -r -d '' page; do
  pages=$((pages + 1))
  [ "$("$count_pieces" "$page" | cut -d' ' -f1)" -gt 1 ] && cut=$((cut + 1))
  for width in 80 137 37; do
    MARGAY_WHOLE_PAGE=1 "$MARGAY" --dump --width "$width" "$page" >"$tmp/whole" 2>&1 || true
    "$MARGAY" --dump --width "$width" "$page" >"$tmp/two" 2>&1 || true
    MARGAY_ONE_THREAD=1 "$MARGAY" --dump --width "$width" "$page" >"$tmp/one" 2>&1 || true
    for made in two one; do
      if ! cmp -s "$tmp/$made" "$tmp/whole"; then
        differ=$((differ + 1))
        echo "DIFFERS at width $width ($made thread(s)): $page"
        diff "$tmp/whole" "$tmp/$made" | head -10 || true
      fi
    done
  done
done < <(find "$folder" -name '*.html' -size +256k -print0 | sort -z)
echo "$pages pages ($cut cut in pieces), $differ layouts differ"
[ "$differ" -eq 0 ]
