#!/usr/bin/env bash
# Regenerate patches/html2text.diff: the patched html2text (patches/html2text) against the
# published crate, html2text 0.17.4 from crates.io, file by file (Cargo.toml and src/).
#
#   scripts/html2text-diff.sh
#
# The published crate comes from cargo's registry cache; when it is not there yet (the
# [patch.crates-io] section means a build never fetches it), it is fetched with `cargo fetch`
# from a throw-away manifest. Needs only cargo and diff.
set -euo pipefail
cd "$(dirname "$0")/.."
version=0.17.4
registry="${CARGO_HOME:-$HOME/.cargo}/registry/src"
# No registry folder yet (a fresh machine) is not an error: the crate is fetched below.
find_pristine() { { find "$registry" -maxdepth 2 -type d -name "html2text-$version" 2>/dev/null || true; } | head -n 1; }
pristine=$(find_pristine)
if [ -z "$pristine" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  mkdir "$tmp/src"
  printf '[package]\nname = "fetch-html2text"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\nhtml2text = "=%s"\n' \
    "$version" >"$tmp/Cargo.toml"
  echo 'fn main() {}' >"$tmp/src/main.rs"
  (cd "$tmp" && cargo fetch -q)
  pristine=$(find_pristine)
fi
[ -n "$pristine" ] || { echo "html2text-$version not found in $registry" >&2; exit 1; }
out=patches/html2text.diff
: >"$out"
for file in Cargo.toml $(cd patches/html2text && find src -type f | sort); do
  # diff exits 1 when the files differ.
  diff -u --label "a/$file" --label "b/$file" "$pristine/$file" "patches/html2text/$file" >>"$out" || [ $? -eq 1 ]
done
echo "$out: $(grep -c '^@@' "$out") hunks, $(wc -l <"$out") lines"
