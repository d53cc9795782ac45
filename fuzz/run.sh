#!/usr/bin/env bash
# Fuzz one target for a while, seeded from ../shared/corpus at run time (the seeds and
# the corpus libFuzzer grows stay out of git, in fuzz/corpus/).
#
#   fuzz/run.sh TARGET [SECONDS]
#     TARGET: jsonc_expand | expression | bicep | report | cli_tree | rules_scale | fix_edits
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable toolchain the nightly
# flags it uses are allowed with RUSTC_BOOTSTRAP=1, which this script sets.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET="${1:?usage: fuzz/run.sh TARGET [SECONDS]}"
SECONDS_TO_RUN="${2:-300}"
SHARED=../shared/corpus
SEEDS="fuzz/corpus/$TARGET"
mkdir -p "$SEEDS"

if [ -z "$(ls -A "$SEEDS")" ]; then
  # `head` closes its pipe early: not an error here.
  set +o pipefail
  case "$TARGET" in
    jsonc_expand)
      find "$SHARED" -name '*.json' -size -48k | sort | head -600 |
        while read -r f; do cp "$f" "$SEEDS/$(echo "$f" | md5sum | cut -c1-16).json"; done
      ;;
    expression)
      # Every distinct expression written in the corpus, without its brackets.
      find "$SHARED" -name '*.json' -print0 | xargs -0 grep -oh '"\[[^]"][^"]*\]"' 2>/dev/null |
        sed 's/^"\[//; s/\]"$//' | sort -u | head -3000 |
        while IFS= read -r e; do printf '%s' "$e" >"$SEEDS/$(printf '%s' "$e" | md5sum | cut -c1-16)"; done
      ;;
    bicep)
      find "$SHARED" -name '*.bicep' -size -48k | sort |
        while read -r f; do cp "$f" "$SEEDS/$(echo "$f" | md5sum | cut -c1-16).bicep"; done
      ;;
    report | cli_tree | rules_scale | fix_edits)
      # Generators: any bytes describe a report, a tree, a set of resources, a
      # registry and the writes into it.
      head -c 4096 /dev/urandom >"$SEEDS/seed"
      ;;
    *) echo "unknown target $TARGET" >&2; exit 2 ;;
  esac
  set -o pipefail
fi

export RUSTC_BOOTSTRAP=1
exec cargo fuzz run -O "$TARGET" "$SEEDS" -- \
  -max_total_time="$SECONDS_TO_RUN" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1
