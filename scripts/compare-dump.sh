#!/usr/bin/env bash
# Time `margay --dump` against `lynx -dump`, `w3m -dump` and `elinks -dump` on the same local
# files at the same width, and measure each one's peak memory. Prints one table: medians,
# margay's time and memory as a ratio of each peer's, and whether the speed targets of
# docs/performance.md are met (time at most 1.0x the fastest peer, peak memory at most 1.5x w3m's).
#
#   scripts/compare-dump.sh [FILE.html ...]
#
# Without files it uses the Rust documentation shipped with the toolchain (book/print.html,
# reference/print.html, std/vec/struct.Vec.html) and a small generated page (start-up).
# Environment: MARGAY (binary; default target/release/margay, built when missing), WIDTH (80),
# RUNS (10), WARMUP (3), MEM_RUNS (3, runs of /usr/bin/time -v; the median is shown).
#
# Only local files are read; nothing goes to the network except the package installation of
# missing tools (lynx, w3m, elinks, hyperfine, time: Debian packages).
set -euo pipefail
cd "$(dirname "$0")/.."

WIDTH=${WIDTH:-80}
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-3}
MEM_RUNS=${MEM_RUNS:-3}
export LC_ALL=C.UTF-8 LANG=C.UTF-8

# --- tools -------------------------------------------------------------------------------
need=()
command -v lynx >/dev/null || need+=(lynx)
command -v w3m >/dev/null || need+=(w3m)
command -v elinks >/dev/null || need+=(elinks)
command -v hyperfine >/dev/null || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >&2
fi

MARGAY=${MARGAY:-target/release/margay}
if [ ! -x "$MARGAY" ]; then
  echo "building $MARGAY" >&2
  cargo build --release >&2
fi

# --- files -------------------------------------------------------------------------------
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  docs="$(rustc --print sysroot 2>/dev/null)/share/doc/rust/html"
  for rel in book/print.html reference/print.html std/vec/struct.Vec.html; do
    if [ -f "$docs/$rel" ]; then
      files+=("$docs/$rel")
    else
      echo "warning: $docs/$rel not found (rust-docs component missing?), skipped" >&2
    fi
  done
  # A small page: start-up cost dominates.
  {
    echo '<!DOCTYPE html><html><head><meta charset=utf-8><title>Small page</title></head><body>'
    echo '<h1>A small page</h1>'
    for i in 1 2 3 4 5 6; do
      echo "<p>Paragraph $i with <a href=\"page$i.html\">a link</a>, <em>emphasis</em> and <code>code</code>:"
      echo 'the quick brown fox jumps over the lazy dog, again and again, until the line wraps.</p>'
    done
    echo '<ul><li>one</li><li>two</li><li>three</li></ul></body></html>'
  } >"$tmp/small.html"
  files+=("$tmp/small.html")
fi
[ ${#files[@]} -gt 0 ] || { echo "no files to compare" >&2; exit 1; }

# The four commands for one file. elinks: -no-home keeps it from reading or writing ~/.elinks.
commands() {
  local f=$1
  printf '%s\n' \
    "margay|$MARGAY --dump --width $WIDTH $f" \
    "lynx|lynx -dump -width=$WIDTH $f" \
    "w3m|w3m -dump -cols $WIDTH $f" \
    "elinks|elinks -no-home 1 -dump -dump-width $WIDTH $f"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# --- header ------------------------------------------------------------------------------
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
echo "date:    $(date)"
echo "machine: $(nproc) CPUs, $cpu, $mem RAM, $(uname -sr); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "tools:   margay $("$MARGAY" --version 2>/dev/null | awk '{ print $2 }'), $(lynx -version | head -1 | awk '{ print $1, $3 }')," \
  "$(w3m -version | awk '{ print $1, $3 }' | tr -d ','), $(elinks -version | head -1 | awk '{ print $1, $2 }'), $(hyperfine --version)"
echo "runs:    hyperfine --warmup $WARMUP --runs $RUNS -N (no shell), width $WIDTH; peak RSS: median of $MEM_RUNS runs of /usr/bin/time -v"
echo

met_all=1
for f in "${files[@]}"; do
  name=$(basename "$(dirname "$f")")/$(basename "$f")
  [ "$(dirname "$f")" = "$tmp" ] && name="$(basename "$f") (generated)"
  size=$(stat -c %s "$f")
  args=()
  while IFS='|' read -r _ cmd; do args+=("$cmd"); done < <(commands "$f")
  hyperfine -N --style none --warmup "$WARMUP" --runs "$RUNS" --export-csv "$tmp/t.csv" "${args[@]}" >/dev/null 2>"$tmp/h.err" ||
    { cat "$tmp/h.err" >&2; exit 1; }
  declare -A ms=() kb=() lines=()
  cut=0
  i=0
  while IFS='|' read -r tool cmd; do
    i=$((i + 1))
    # CSV: command,mean,stddev,median,user,system,min,max (seconds).
    ms[$tool]=$(awk -F, -v row=$((i + 1)) 'NR == row { printf "%.1f", $4 * 1000 }' "$tmp/t.csv")
    for _ in $(seq "$MEM_RUNS"); do
      # shellcheck disable=SC2086 # the command is split into words on purpose
      /usr/bin/time -v $cmd 2>"$tmp/time.err" >"$tmp/out.txt"
      awk -F: '/Maximum resident set size/ { print $2 + 0 }' "$tmp/time.err"
    done | median >"$tmp/kb"
    kb[$tool]=$(cat "$tmp/kb")
    lines[$tool]=$(wc -l <"$tmp/out.txt")
    # margay's guard against hostile pages cuts very large pages (a note says so): then
    # margay did less work than the peers and the comparison is not like for like.
    if [ "$tool" = margay ] && grep -q "stopped laying this page out" "$tmp/out.txt"; then cut=1; fi
  done < <(commands "$f")

  fastest=lynx
  for t in w3m elinks; do
    if awk -v a="${ms[$t]}" -v b="${ms[$fastest]}" 'BEGIN { exit !(a < b) }'; then fastest=$t; fi
  done
  printf '%s (%s KB, width %s)\n' "$name" $((size / 1024)) "$WIDTH"
  printf '  %-7s %10s %14s %12s %14s %8s\n' tool "median ms" "margay/tool" "peak MB" "margay/tool" "lines"
  for t in margay lynx w3m elinks; do
    tr=$(awk -v a="${ms[margay]}" -v b="${ms[$t]}" 'BEGIN { printf "%.2fx", a / b }')
    mr=$(awk -v a="${kb[margay]}" -v b="${kb[$t]}" 'BEGIN { printf "%.2fx", a / b }')
    mb=$(awk -v k="${kb[$t]}" 'BEGIN { printf "%.1f", k / 1024 }')
    [ "$t" = margay ] && { tr="-"; mr="-"; }
    printf '  %-7s %10s %14s %12s %14s %8s\n' "$t" "${ms[$t]}" "$tr" "$mb" "$mr" "${lines[$t]}"
  done
  time_ratio=$(awk -v a="${ms[margay]}" -v b="${ms[$fastest]}" 'BEGIN { printf "%.2f", a / b }')
  mem_ratio=$(awk -v a="${kb[margay]}" -v b="${kb[w3m]}" 'BEGIN { printf "%.2f", a / b }')
  time_ok=$(awk -v r="$time_ratio" 'BEGIN { print (r <= 1.0) ? "met" : "NOT met" }')
  mem_ok=$(awk -v r="$mem_ratio" 'BEGIN { print (r <= 1.5) ? "met" : "NOT met" }')
  printf '  targets: time %sx the fastest peer (%s), target <= 1.0x: %s; memory %sx w3m, target <= 1.5x: %s\n\n' \
    "$time_ratio" "$fastest" "$time_ok" "$mem_ratio" "$mem_ok"
  if [ "$cut" = 1 ]; then
    echo "  NOT COMPARABLE: margay cut this page (its size guard); it printed ${lines[margay]} lines, lynx ${lines[lynx]}"
    echo
    met_all=0
  fi
  [ "$time_ok" = met ] && [ "$mem_ok" = met ] || met_all=0
  unset ms kb lines
done
if [ "$met_all" = 1 ]; then echo "all targets met"; else echo "some targets not met"; fi
