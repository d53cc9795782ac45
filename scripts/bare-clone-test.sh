#!/usr/bin/env bash
# The default test suite in a fresh clone with nothing beside it: no ../shared, no
# tools/, no build cache. `cargo test --release --locked` must pass there, as it does
# for anyone who clones the repository. .ci/run calls this script.
#
#   scripts/bare-clone-test.sh [REF]     (default HEAD: what is committed, not the work tree)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
rev="${1:-HEAD}"

work=$(mktemp -d "${TMPDIR:-/tmp}/acrlint-bare.XXXXXX")
trap 'rm -rf "$work"' EXIT
git clone --quiet --no-hardlinks "$repo" "$work/acrlint"
git -C "$work/acrlint" fetch --quiet "$repo" "$rev"
git -C "$work/acrlint" checkout --quiet --detach FETCH_HEAD
cd "$work/acrlint"
if [ -e ../shared ]; then
  echo "error: $work/shared exists; the clone must stand alone" >&2
  exit 2
fi

echo "bare clone of $(git rev-parse --short HEAD) in $work/acrlint"
start=$(date +%s)
# Nothing from this environment points the tests at the shared data or a build cache.
env -u ACRLINT_SHARED -u CARGO_TARGET_DIR CARGO_TERM_COLOR=never \
  cargo test --release --locked
echo "bare clone: cargo test --release --locked passed in $(( $(date +%s) - start )) s"
