#!/usr/bin/env bash
# Throughput of `acrlint check` against the practical floor (benches/floor.rs: walk,
# read and parse the same files into JSON value trees, in parallel), measured side by
# side: runs alternate between the two so that both see the same machine load.
#
#   scripts/bench.sh [RUNS]        (default 11 runs each; medians are reported)
#   scripts/bench.sh --callgrind   instructions counted by valgrind's callgrind instead
#                                  of wall time: repeatable while the machine is busy
#
# Both programs are built with the `profiling` profile: the release profile plus debug
# information, so that callgrind and perf can name functions (the release binary ships
# without it). The corpus is ../shared/corpus, or $ACRLINT_SHARED/corpus. Needs GNU time
# (`apt-get install time`) for the peak-memory column, valgrind for --callgrind.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS="${1:-11}"
CORPUS="${ACRLINT_SHARED:-../shared}/corpus"
BIG_DIR="$CORPUS/acr/Azure__bicep-registry-modules/avm/ptn"

cargo build --profile profiling --quiet
ACRLINT=target/profiling/acrlint
# The floor's own artifact (cargo also lists the acrlint binary it builds, in no fixed order).
FLOOR=$(cargo bench --profile profiling --bench floor --no-run --message-format=json 2>/dev/null |
  grep '"kind":\["bench"\]' | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)
if [ -z "$FLOOR" ] || [ ! -x "$FLOOR" ]; then
  echo "could not build the floor benchmark" >&2
  exit 1
fi

# Instructions of one run of a command under callgrind (its output files go to a
# temporary folder; --callgrind-out-file lets callgrind_annotate read them later).
instructions() {
  local out
  out=$(mktemp -d)
  valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" "$@" >/dev/null 2>"$out/log" || true
  awk '/Collected :/ {print $4}' "$out/log"
  rm -rf "$out"
}

if [ "$RUNS" = "--callgrind" ]; then
  command -v valgrind >/dev/null || { echo "valgrind is missing: apt-get install -y valgrind" >&2; exit 1; }
  for dir in "$CORPUS/quickstarts"; do
    f=$(instructions "$FLOOR" "$dir")
    c=$(instructions "$ACRLINT" check "$dir")
    awk -v d="${dir#"$CORPUS"/}" -v f="$f" -v c="$c" 'BEGIN {
      printf "%-12s instructions: floor %.3f G, check %.3f G, ratio %.2fx\n", d, f / 1e9, c / 1e9, c / f
    }'
  done
  exit 0
fi

now_ns() { date +%s%N; }

# Median of the numbers on stdin.
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# Seconds taken by one run of a command (output discarded; exit status 1 = findings).
time_one() {
  local start end
  start=$(now_ns)
  "$@" >/dev/null 2>&1 || [ $? -eq 1 ]
  end=$(now_ns)
  awk -v a="$start" -v b="$end" 'BEGIN {printf "%.6f\n", (b - a) / 1e9}'
}

# CPU seconds (user + system) of one run: less sensitive than wall time to other
# processes sharing the machine.
cpu_one() {
  /usr/bin/time -f '%U %S' -o /tmp/acrlint-bench-cpu.$$ "$@" >/dev/null 2>&1 || true
  tail -n 1 /tmp/acrlint-bench-cpu.$$ | awk '{printf "%.6f\n", $1 + $2}'
  rm -f /tmp/acrlint-bench-cpu.$$
}

compare() {
  local label="$1" dir="$2" floor_t check_t
  local stats files bytes
  stats=$("$FLOOR" "$dir")
  files=$(echo "$stats" | awk '{print $1}')
  bytes=$(echo "$stats" | awk '{print $3}')
  # What check reads besides: Bicep sources (the floor has no Bicep parser).
  local extra
  extra=$(find "$dir" \( -name '*.bicep' -o -name '*.bicepparam' \) -printf '%s\n' | awk '{n++; b+=$1} END {print n+0, b+0}')
  files=$((files + ${extra% *}))
  bytes=$((bytes + ${extra#* }))
  # Warm the page cache and both binaries.
  "$FLOOR" "$dir" >/dev/null
  "$ACRLINT" check "$dir" >/dev/null 2>&1 || true
  floor_t=$(mktemp) check_t=$(mktemp) floor_c=$(mktemp) check_c=$(mktemp)
  for _ in $(seq "$RUNS"); do
    time_one "$FLOOR" "$dir" >>"$floor_t"
    time_one "$ACRLINT" check "$dir" >>"$check_t"
    if [ -x /usr/bin/time ]; then
      cpu_one "$FLOOR" "$dir" >>"$floor_c"
      cpu_one "$ACRLINT" check "$dir" >>"$check_c"
    fi
  done
  local fm cm fc cc
  fm=$(median <"$floor_t")
  cm=$(median <"$check_t")
  fc=$(median <"$floor_c")
  cc=$(median <"$check_c")
  rm -f "$floor_t" "$check_t" "$floor_c" "$check_c"
  awk -v l="$label" -v f="$files" -v b="$bytes" -v fm="$fm" -v cm="$cm" 'BEGIN {
    printf "%-12s %5d files %6.1f MB | wall: floor %7.1f ms, check %7.1f ms, ratio %.2fx | %6.0f files/s %5.1f MB/s\n",
      l, f, b / 1e6, fm * 1000, cm * 1000, cm / fm, f / cm, b / 1e6 / cm
  }'
  if [ -n "$fc" ]; then
    awk -v fc="$fc" -v cc="$cc" 'BEGIN {
      printf "%-12s %29s | cpu:  floor %7.1f ms, check %7.1f ms, ratio %.2fx\n", "", "", fc * 1000, cc * 1000, cc / fc
    }'
  fi
}

echo "medians of $RUNS alternating runs, $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg)"
echo "(files and MB count what check reads; the floor parses the JSON files only, so on acr/,"
echo " whose Bicep files check compiles and the floor skips, the ratio is not like for like)"
compare quickstarts "$CORPUS/quickstarts"
compare acr "$CORPUS/acr"

echo
echo "largest single templates (check alone; peak RSS from /usr/bin/time -v):"
if [ ! -x /usr/bin/time ]; then
  echo "  /usr/bin/time is missing: apt-get install -y time"
  exit 0
fi
find "$BIG_DIR" -name '*.json' -printf '%s %p\n' | sort -rn | head -5 |
  while read -r size path; do
    t=$(for _ in 1 2 3; do time_one "$ACRLINT" check "$path"; done | median)
    f=$(for _ in 1 2 3; do time_one "$FLOOR" "$path"; done | median)
    rss=$( { /usr/bin/time -v "$ACRLINT" check "$path" >/dev/null 2>/dev/null; } 2>&1 |
      awk -F': ' '/Maximum resident set size/ {print $2}')
    rss=${rss:-$(/usr/bin/time -v "$ACRLINT" check "$path" 2>&1 >/dev/null |
      awk -F': ' '/Maximum resident set size/ {print $2}')}
    awk -v p="${path#"$CORPUS"/}" -v s="$size" -v t="$t" -v f="$f" -v r="$rss" 'BEGIN {
      printf "  %-90s %5.2f MB  check %6.1f ms (floor %5.1f ms)  peak RSS %5.1f MB\n", p, s / 1e6, t * 1000, f * 1000, r / 1024
    }'
  done
