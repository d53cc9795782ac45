#!/usr/bin/env bash
# Step 1 of action.yml: where the binary lives and the cache key it is stored under.
# The runner downloads an Action as a tarball, without .git, so the key is a hash of the
# sources the binary is built from: one commit of the Action gives one key.
set -euo pipefail
src="${GITHUB_ACTION_PATH:?}"
cd "$src"
hash=$(find Cargo.toml Cargo.lock src rules templates -type f -print0 2>/dev/null |
  LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-20)
root="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/acrlint-action"
{
  echo "key=acrlint-${RUNNER_OS:-$(uname -s)}-${RUNNER_ARCH:-$(uname -m)}-$hash"
  echo "root=$root"
} >>"${GITHUB_OUTPUT:?}"
