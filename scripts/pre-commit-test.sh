#!/usr/bin/env bash
# The pre-commit hook (.pre-commit-hooks.yaml, hook id `acrlint`) run by the real
# pre-commit from PyPI, as `pre-commit try-repo` runs a hook repository: on a template
# that enables the admin user it must fail with ACR001; after `acrlint fix` it must pass.
# Not part of the test suite: pre-commit builds the crate (cargo install), which takes
# minutes. Needs python3 with venv and network access to PyPI.
#
#   scripts/pre-commit-test.sh            (set CARGO_TARGET_DIR to reuse a build cache)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/acrlint-pre-commit.XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check pre-commit
pre_commit="$work/venv/bin/pre-commit"
echo "pre-commit $("$pre_commit" --version | awk '{print $2}')"

# A project of its own, as a user's repository would be.
project="$work/project"
mkdir -p "$project/infra"
cp "$repo/tests/fixtures/policy-templates/admin-registry.json" "$project/infra/registry.json"
cd "$project"
git init --quiet
git add infra/registry.json
export PRE_COMMIT_HOME="$work/cache"

set +e
"$pre_commit" try-repo "$repo" acrlint --files infra/registry.json >"$work/first.log" 2>&1
first=$?
set -e
cat "$work/first.log"
if [ "$first" -eq 0 ] || ! grep -q 'ACR001 error' "$work/first.log"; then
  echo "FAIL: the hook should fail with ACR001 on a template that enables the admin user (exit $first)"
  exit 1
fi

# acrlint from this repository fixes the file (try-repo builds the hook in a temporary
# store that it removes when it ends).
cargo run --release --locked --quiet --manifest-path "$repo/Cargo.toml" -- fix infra/registry.json

set +e
"$pre_commit" try-repo "$repo" acrlint --files infra/registry.json >"$work/second.log" 2>&1
second=$?
set -e
cat "$work/second.log"
if [ "$second" -ne 0 ]; then
  echo "FAIL: the hook should pass after acrlint fix (exit $second)"
  exit 1
fi
echo "pre-commit hook: failed with ACR001 (exit $first), passed after acrlint fix (exit $second)"
