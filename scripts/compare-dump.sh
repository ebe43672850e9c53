#!/usr/bin/env bash
# Time `margay --dump` against `lynx -dump`, `w3m -dump` and `elinks -dump` on the same local
# files at the same width, and measure each one's peak memory. Prints one table per file:
# median wall time, median CPU time (user + system), peak memory, margay's figures as a ratio of
# each peer's, and whether the targets of docs/performance.md are met: wall time at most 0.8x
# the fastest peer, CPU time on one thread (MARGAY_ONE_THREAD=1) at most 1.0x lynx's, peak
# memory at most 2x lynx's.
#
#   scripts/compare-dump.sh [FILE.html ...]
#
# Without files it uses the Rust documentation shipped with the toolchain (book/print.html,
# reference/print.html, std/vec/struct.Vec.html) and a small generated page (start-up).
# Environment: MARGAY (binary; default target/release/margay, built when missing), WIDTH (80),
# RUNS (10), WARMUP (3), MEM_RUNS (3, runs of /usr/bin/time -v; the median is shown), BEFORE
# (another margay binary, say the build before a change: it runs in the same rounds, as
# "before" and "before-1", so that the two builds are compared on the same machine state).
# Relative paths in MARGAY and BEFORE are taken from the repository's root.
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
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >&2
fi

MARGAY=${MARGAY:-target/release/margay}
if [ -n "${BEFORE:-}" ] && [ ! -x "$BEFORE" ]; then
  echo "BEFORE=$BEFORE is not an executable file (relative paths start at the repository's root)" >&2
  exit 1
fi
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

# The commands for one file. elinks: -no-home keeps it from reading or writing ~/.elinks.
# `env` starts margay with one thread; it costs about a millisecond, as a shell would.
commands() {
  local f=$1
  printf '%s\n' \
    "margay|$MARGAY --dump --width $WIDTH $f" \
    "margay-1|env MARGAY_ONE_THREAD=1 $MARGAY --dump --width $WIDTH $f" \
    ${BEFORE:+"before|$BEFORE --dump --width $WIDTH $f"} \
    ${BEFORE:+"before-1|env MARGAY_ONE_THREAD=1 $BEFORE --dump --width $WIDTH $f"} \
    "lynx|lynx -dump -width=$WIDTH $f" \
    "w3m|w3m -dump -cols $WIDTH $f" \
    "elinks|elinks -no-home 1 -dump -dump-width $WIDTH $f"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Medians over the rounds' hyperfine JSON exports (one run of each command per round), one
# line per command in order: wall ms, CPU ms. A round of one run is the only way hyperfine
# gives one run's CPU time, and rounds make the commands alternate.
medians() {
  python3 - "$@" <<'PY'
import json, statistics, sys
rounds = [json.load(open(path))["results"] for path in sys.argv[1:]]
for i in range(len(rounds[0])):
    wall = statistics.median(r[i]["times"][0] for r in rounds) * 1000
    cpu = statistics.median(r[i]["user"] + r[i]["system"] for r in rounds) * 1000
    print(f"{wall:.1f} {cpu:.1f}")
PY
}

# --- header ------------------------------------------------------------------------------
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
echo "date:    $(date)"
echo "machine: $(nproc) CPUs, $cpu, $mem RAM, $(uname -sr); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "tools:   margay $("$MARGAY" --version 2>/dev/null | awk '{ print $2 }'), $(lynx -version | head -1 | awk '{ print $1, $3 }')," \
  "$(w3m -version | awk '{ print $1, $3 }' | tr -d ','), $(elinks -version | head -1 | awk '{ print $1, $2 }'), $(hyperfine --version)"
[ -z "${BEFORE:-}" ] || echo "before:  $BEFORE (\"before\", \"before-1\": the same commands, in the same rounds)"
echo "runs:    $WARMUP warm-ups, then $RUNS rounds of one run of each command in turn (hyperfine -N, no shell)," \
  "medians; width $WIDTH; CPU = user + system; peak RSS: median of $MEM_RUNS runs of /usr/bin/time -v"
echo

met_all=1
for f in "${files[@]}"; do
  name=$(basename "$(dirname "$f")")/$(basename "$f")
  [ "$(dirname "$f")" = "$tmp" ] && name="$(basename "$f") (generated)"
  size=$(stat -c %s "$f")
  args=()
  while IFS='|' read -r _ cmd; do args+=("$cmd"); done < <(commands "$f")
  hyperfine -N --style none --runs "$WARMUP" "${args[@]}" >/dev/null 2>"$tmp/h.err" || { cat "$tmp/h.err" >&2; exit 1; }
  for r in $(seq "$RUNS"); do
    hyperfine -N --style none --runs 1 --export-json "$tmp/round$r.json" "${args[@]}" >/dev/null 2>"$tmp/h.err" ||
      { cat "$tmp/h.err" >&2; exit 1; }
  done
  medians "$tmp"/round*.json >"$tmp/medians"
  declare -A ms=() cpu_ms=() kb=() lines=()
  cut=0
  i=0
  while IFS='|' read -r tool cmd; do
    i=$((i + 1))
    read -r ms[$tool] cpu_ms[$tool] < <(sed -n "${i}p" "$tmp/medians")
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
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
  printf '%s (%s KB, width %s)\n' "$name" $((size / 1024)) "$WIDTH"
  printf '  %-9s %8s %8s %8s %8s %8s %8s %7s\n' tool "wall ms" "ratio" "CPU ms" "ratio" "peak MB" "ratio" "lines"
  for t in margay margay-1 ${BEFORE:+before before-1} lynx w3m elinks; do
    mb=$(awk -v k="${kb[$t]}" 'BEGIN { printf "%.1f", k / 1024 }')
    if [[ $t == margay* || $t == before* ]]; then
      printf '  %-9s %8s %8s %8s %8s %8s %8s %7s\n' "$t" "${ms[$t]}" - "${cpu_ms[$t]}" - "$mb" - "${lines[$t]}"
    else
      printf '  %-9s %8s %8s %8s %8s %8s %8s %7s\n' "$t" "${ms[$t]}" "$(ratio "${ms[margay]}" "${ms[$t]}")" \
        "${cpu_ms[$t]}" "$(ratio "${cpu_ms[margay-1]}" "${cpu_ms[$t]}")" "$mb" "$(ratio "${kb[margay]}" "${kb[$t]}")" "${lines[$t]}"
    fi
  done
  echo "  (ratios: margay's wall time, margay-1's CPU time and margay's peak memory over the peer's)"
  if [ -n "${BEFORE:-}" ]; then
    printf '  against before: wall %s, one-thread CPU %s, memory %s\n' "$(ratio "${ms[margay]}" "${ms[before]}")" \
      "$(ratio "${cpu_ms[margay-1]}" "${cpu_ms[before-1]}")" "$(ratio "${kb[margay]}" "${kb[before]}")"
  fi
  wall_ratio=$(awk -v a="${ms[margay]}" -v b="${ms[$fastest]}" 'BEGIN { printf "%.2f", a / b }')
  cpu_ratio=$(awk -v a="${cpu_ms[margay-1]}" -v b="${cpu_ms[lynx]}" 'BEGIN { printf "%.2f", a / b }')
  mem_ratio=$(awk -v a="${kb[margay]}" -v b="${kb[lynx]}" 'BEGIN { printf "%.2f", a / b }')
  verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t) ? "met" : "NOT met" }'; }
  wall_ok=$(verdict "$wall_ratio" 0.8)
  cpu_ok=$(verdict "$cpu_ratio" 1.0)
  mem_ok=$(verdict "$mem_ratio" 2.0)
  printf '  targets: wall %sx the fastest peer (%s), <= 0.8x: %s; one-thread CPU %sx lynx, <= 1.0x: %s; memory %sx lynx, <= 2x: %s\n\n' \
    "$wall_ratio" "$fastest" "$wall_ok" "$cpu_ratio" "$cpu_ok" "$mem_ratio" "$mem_ok"
  if [ "$cut" = 1 ]; then
    echo "  NOT COMPARABLE: margay cut this page (its size guard); it printed ${lines[margay]} lines, lynx ${lines[lynx]}"
    echo
    met_all=0
  fi
  [ "$wall_ok" = met ] && [ "$cpu_ok" = met ] && [ "$mem_ok" = met ] || met_all=0
  unset ms cpu_ms kb lines
done
if [ "$met_all" = 1 ]; then echo "all targets met"; else echo "some targets not met"; fi
