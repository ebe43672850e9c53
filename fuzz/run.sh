#!/usr/bin/env bash
# Run every fuzz target for SECONDS each (default 300), one after the other, starting from
# the corpora in fuzz/corpus/ (new finds go to fuzz/target/corpus/, crashes to
# fuzz/artifacts/). Needs `cargo install cargo-fuzz`; RUSTC_BOOTSTRAP lets libFuzzer's
# sanitizer flags build on the stable toolchain. TARGETS names some targets only.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-300}"
targets="${TARGETS:-document response policy bookmarks config}"
found=0
for target in $targets; do
  mkdir -p "target/corpus/$target" "artifacts/$target"
  # The document target repeats its input up to 8 MB itself (the guard's byte limit), and
  # such a page takes seconds in this instrumented build: a longer timeout, and longer
  # inputs so that large pages of varied structure are tried too.
  max_len=65536 timeout=10
  [ "$target" = document ] && max_len=262144 timeout=60
  echo "== $target ($secs s)"
  # A crash ends this target's run (its input is in artifacts/); the others still run.
  RUSTC_BOOTSTRAP=1 cargo fuzz run -O "$target" "target/corpus/$target" "corpus/$target" -- \
    -max_total_time="$secs" -timeout="$timeout" -rss_limit_mb=2048 -max_len="$max_len" \
    -print_final_stats=1 -artifact_prefix="artifacts/$target/" || found=1
done
exit "$found"
